//! Helpers for the tests generated from the pages' examples.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Reads an example body as `T`.
pub fn from_json<T: DeserializeOwned>(json: &str) -> T {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(error) => panic!("example does not read as {}: {error}\n{json}", std::any::type_name::<T>()),
    }
}

/// Parses an example's path parameter.
pub fn parse<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Display,
{
    match text.parse() {
        Ok(value) => value,
        Err(error) => panic!("`{text}` does not parse: {error}"),
    }
}

/// The example body reads as `T` and writes back as the same JSON: key order aside, with
/// nulls omitted, and with values written differently but meaning the same (`1` and `1.0`,
/// seven or nine fractional digits, GUID case) counted as equal.
pub fn assert_round_trip<T: DeserializeOwned + Serialize>(json: &str) {
    let typed: T = from_json(json);
    let written = match serde_json::to_value(&typed) {
        Ok(value) => value,
        Err(error) => panic!("{} does not serialize: {error}", std::any::type_name::<T>()),
    };
    let expected = from_json::<Value>(json);
    if let Err(path) = same(&expected, &written, String::new()) {
        panic!("round trip through {} changed `{path}`:\nexpected {expected}\nwritten  {written}", std::any::type_name::<T>());
    }
}

fn same(expected: &Value, written: &Value, path: String) -> Result<(), String> {
    match (expected, written) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let inner = format!("{path}/{key}");
                match b.get(key) {
                    Some(other) => same(value, other, inner)?,
                    None if value.is_null() => {}
                    None => return Err(inner),
                }
            }
            match b.keys().find(|k| !a.contains_key(*k)) {
                Some(extra) => Err(format!("{path}/{extra}")),
                None => Ok(()),
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .try_for_each(|(i, (x, y))| same(x, y, format!("{path}/{i}"))),
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::String(a), Value::String(b)) if a == b || same_text_value(a, b) => Ok(()),
        (a, b) if a == b => Ok(()),
        _ => Err(path),
    }
}

/// Two texts that are one typed value written two ways.
fn same_text_value(a: &str, b: &str) -> bool {
    let guid = |s: &str| s.parse::<super::Guid>().ok();
    let time = |s: &str| s.parse::<super::TimeOfDay>().ok();
    let instant = |s: &str| s.parse::<super::DateTimeOffset>().ok();
    (guid(a).is_some() && guid(a) == guid(b))
        || (time(a).is_some() && time(a) == time(b))
        || (instant(a).is_some() && instant(a) == instant(b))
}

/// The request has the example's method, and its path and query: percent-decoded, query
/// parameters in any order.
pub fn assert_request<T, B>(request: &super::Request<T, B>, method: &str, target: &str) {
    assert_eq!(request.method().as_str(), method);
    let (path, query) = split_target(&request.path_and_query());
    let (expected_path, expected_query) = split_target(target);
    assert_eq!(path, expected_path, "path");
    assert_eq!(query, expected_query, "query");
}

fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name).to_ascii_lowercase(), decode(value).replace('+', " "))
        })
        .collect();
    pairs.sort();
    (decode(path.trim_end_matches('/')).to_ascii_lowercase(), pairs)
}

/// One documented exchange, as a replay test serves it.
#[cfg(feature = "client")]
pub struct Exchange {
    pub method: &'static str,
    /// The example's request line target (path and query, from the service root).
    pub target: &'static str,
    /// The example's request body, when it documents one.
    pub request_body: Option<&'static str>,
    /// The request body's content type, when it is media rather than JSON.
    pub request_media: Option<&'static str>,
    pub status: u16,
    pub response_body: Option<&'static str>,
    /// The response body's content type, when it is media rather than JSON.
    pub response_media: Option<&'static str>,
}

#[cfg(feature = "client")]
impl Exchange {
    /// JSON both ways, no bodies: what the generated replays leave unsaid.
    pub const JSON: Exchange = Exchange {
        method: "GET",
        target: "/",
        request_body: None,
        request_media: None,
        status: 200,
        response_body: None,
        response_media: None,
    };
}

/// The bytes a documented redirect leads to, served by a second local server.
#[cfg(feature = "client")]
const DOWNLOADED: &[u8] = b"Report Refresh Date,Report Period\n2021-01-01,7\n";

/// Sends `request` with the client to a local server that checks it against the example
/// (method, path, query, JSON body, bearer token) and answers the documented status and body;
/// the result must be the documented body read as `T` (or, for an error status, an error with
/// that status).
#[cfg(feature = "client")]
pub async fn replay<T, B>(request: super::Request<T, B>, exchange: Exchange)
where
    T: super::ResponseBody + PartialEq + std::fmt::Debug,
    B: super::RequestBody,
{
    let (servers, client, mismatch) = serve(&exchange).await;
    let result = client.send(request).await;
    if let Some(problem) = mismatch.lock().map(|m| m.clone()).unwrap_or_default() {
        panic!("the request sent differs from the example: {problem}");
    }
    let redirected = (300..400).contains(&exchange.status);
    match result {
        Ok(value) if redirected => {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/octet-stream"));
            let expected = T::from_wire(&headers, DOWNLOADED).unwrap_or_else(|e| panic!("the download does not read: {e}"));
            assert_eq!(value, expected, "the download the redirect leads to");
        }
        Ok(value) if (200..300).contains(&exchange.status) => {
            let mut headers = http::HeaderMap::new();
            if let Some(media) = exchange.response_media.and_then(|m| http::HeaderValue::from_str(m).ok()) {
                headers.insert(http::header::CONTENT_TYPE, media);
            }
            let body = exchange.response_body.unwrap_or_default().as_bytes();
            let expected = T::from_wire(&headers, body).unwrap_or_else(|e| panic!("example does not read: {e}"));
            assert_eq!(value, expected, "typed result");
        }
        Ok(_) => panic!("status {} read as a success", exchange.status),
        Err(error) => assert_eq!(error.status().map(|s| s.as_u16()), Some(exchange.status), "{error}"),
    }
    drop(servers);
}

#[cfg(feature = "client")]
const REPLAY_TOKEN: &str = "replay-token";

#[cfg(feature = "client")]
type Mismatch = std::sync::Arc<std::sync::Mutex<Option<String>>>;

/// A local server answering the exchange once (and a second one, on another loopback address,
/// serving the download a documented redirect leads to, which must not see the token), and a
/// client of the first.
#[cfg(feature = "client")]
async fn serve(exchange: &Exchange) -> ([wiremock::MockServer; 2], crate::client::Client, Mismatch) {
    let server = wiremock::MockServer::start().await;
    let download = download_server().await;
    let mismatch = Mismatch::default();
    let responder = Replay {
        method: exchange.method,
        target: exchange.target,
        request_body: exchange.request_body,
        request_media: exchange.request_media,
        status: exchange.status,
        response_body: exchange.response_body,
        response_media: exchange.response_media,
        download: format!("{}/download", download.uri()),
        mismatch: mismatch.clone(),
    };
    wiremock::Mock::given(wiremock::matchers::any()).respond_with(responder).expect(1).mount(&server).await;
    let servers = [server, download];
    let server = &servers[0];
    let client = crate::client::Client::builder(crate::client::StaticToken(REPLAY_TOKEN.to_owned()))
        .base_url(format!("{}/v1.0", server.uri()))
        .max_retries(0)
        .timeout(std::time::Duration::from_secs(30))
        .build();
    match client {
        Ok(client) => (servers, client, mismatch),
        Err(error) => panic!("no client: {error}"),
    }
}

/// The host of a documented redirect's download, on `127.0.0.2`: another host than the
/// replay's `127.0.0.1`, so that the client must drop the token on the way.
#[cfg(feature = "client")]
async fn download_server() -> wiremock::MockServer {
    let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap_or_else(|e| panic!("no second loopback address: {e}"));
    let server = wiremock::MockServer::builder().listener(listener).start().await;
    wiremock::Mock::given(wiremock::matchers::path("/download"))
        .respond_with(DownloadWithoutToken)
        .mount(&server)
        .await;
    server
}

/// Serves [`DOWNLOADED`], or 401 to a request that carries the bearer token.
#[cfg(feature = "client")]
struct DownloadWithoutToken;

#[cfg(feature = "client")]
impl wiremock::Respond for DownloadWithoutToken {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        if request.headers.contains_key("authorization") {
            return wiremock::ResponseTemplate::new(401);
        }
        wiremock::ResponseTemplate::new(200).set_body_raw(DOWNLOADED.to_vec(), "application/octet-stream")
    }
}

#[cfg(feature = "client")]
struct Replay {
    method: &'static str,
    target: &'static str,
    request_body: Option<&'static str>,
    request_media: Option<&'static str>,
    status: u16,
    response_body: Option<&'static str>,
    response_media: Option<&'static str>,
    /// Where a documented redirect points.
    download: String,
    mismatch: Mismatch,
}

#[cfg(feature = "client")]
impl Replay {
    fn check(&self, request: &wiremock::Request) -> Result<(), String> {
        if request.method.as_str() != self.method {
            return Err(format!("method {} instead of {}", request.method, self.method));
        }
        let path = request.url.path();
        let path = path.strip_prefix("/v1.0").unwrap_or(path);
        let sent = match request.url.query() {
            Some(query) => format!("{path}?{query}"),
            None => path.to_owned(),
        };
        if split_target(&sent) != split_target(self.target) {
            return Err(format!("target {sent} instead of {}", self.target));
        }
        let authorization = request.headers.get("authorization").and_then(|v| v.to_str().ok());
        if authorization != Some(&format!("Bearer {REPLAY_TOKEN}")) {
            return Err(format!("authorization {authorization:?}"));
        }
        if let Some(media) = self.request_media {
            let sent = request.headers.get("content-type").and_then(|v| v.to_str().ok());
            if sent != Some(media) {
                return Err(format!("content type {sent:?} instead of {media}"));
            }
            if request.body != self.request_body.unwrap_or_default().as_bytes() {
                return Err(format!("body {:?} instead of the example's", String::from_utf8_lossy(&request.body)));
            }
        } else if let Some(expected) = self.request_body {
            let expected = from_json::<Value>(expected);
            let written: Value = serde_json::from_slice(&request.body).map_err(|e| format!("body is not JSON: {e}"))?;
            same(&expected, &written, String::new())
                .map_err(|path| format!("body differs at `{path}`:\nexpected {expected}\nsent     {written}"))?;
        }
        Ok(())
    }
}

#[cfg(feature = "client")]
impl wiremock::Respond for Replay {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        if let Err(problem) = self.check(request) {
            if let Ok(mut mismatch) = self.mismatch.lock() {
                *mismatch = Some(problem);
            }
        }
        let response = wiremock::ResponseTemplate::new(self.status);
        if (300..400).contains(&self.status) {
            return response.insert_header("Location", self.download.as_str());
        }
        match self.response_body {
            Some(body) => response.set_body_raw(body.as_bytes().to_vec(), self.response_media.unwrap_or("application/json")),
            None => response,
        }
    }
}

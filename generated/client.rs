//! A ready async client for the crate's requests (cargo feature `client`): reqwest over
//! rustls, a bearer token from your provider before each request, typed results, pages and
//! items as streams, `Retry-After` honoured within bounds, and batches.
//!
//! **Where the token goes.** The bearer token is sent only to the base URL's host and to the
//! trusted hosts ([`GRAPH_HOSTS`](crate::client::GRAPH_HOSTS) unless set), and only over HTTPS, except to a loopback
//! address. A request to any other host (a `@odata.nextLink` that names one) is refused with
//! [`Error::Untrusted`](crate::runtime::Error::Untrusted) before anything is sent: following it without the token would only
//! end in a 401, and a link should never decide where a credential goes. Redirects are
//! reqwest's: its policy drops `Authorization` when a redirect leaves the host.
//!
//! **Retries.** A throttled, unavailable or timed-out answer (429, 503, 504) is sent again,
//! unchanged, up to [`ClientBuilder::max_retries`](crate::client::ClientBuilder::max_retries) times: after its `Retry-After` (seconds or a
//! date) when that is at most [`ClientBuilder::max_retry_wait`](crate::client::ClientBuilder::max_retry_wait), else the throttled error comes
//! back at once with [`Error::retry_after`](crate::runtime::Error::retry_after); after 1, 2, 4... seconds with jitter when it names
//! no wait; never past [`ClientBuilder::retry_budget`](crate::client::ClientBuilder::retry_budget) for the whole call. Each retry carries a
//! `Retry-Attempt` header.
//!
//! **Identity of a call.** Every call carries a fresh `client-request-id` (the same on its
//! retries) and a `User-Agent` naming this crate and its version; errors from the service
//! carry the service's `request-id` ([`Error::request_id`](crate::runtime::Error::request_id)). Each call is a `tracing` span,
//! `graph_request`, with its method, path, `client_request_id`, `status`, `attempts`,
//! `request_id` and `elapsed_ms`; no header value, body or token is recorded.
//!
//! **Compression.** Requests ask for gzip (`Accept-Encoding: gzip`); answers so encoded are
//! decompressed before they are read.
//!
//! The runtime stays sans-IO without this feature: everything here is built on
//! [`Request::into_http_at`](crate::runtime::Request::into_http_at) and
//! [`parse_response`](crate::runtime::parse_response), which any other HTTP client can use too.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::runtime::{
    parse_response, parse_response_full, Batch, BatchResults, Collection, Error, Request, RequestBody, Response, ResponseBody, BASE_URL,
};

mod files;
pub use files::Download;

#[cfg(feature = "azure-identity")]
mod azure;
#[cfg(feature = "azure-identity")]
pub use azure::{AzureIdentity, REFRESH_BEFORE_EXPIRY};

/// The scope of Graph in the global cloud; a client asks for its own base URL's
/// (`https://graph.microsoft.us/.default` for the US Government cloud).
pub const DEFAULT_SCOPE: &str = "https://graph.microsoft.com/.default";

/// The error a token provider may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + 'a>>;

/// Where the client gets the bearer token it sends with each request. The client runs no
/// sign-in flow of its own: get tokens from your identity library (MSAL, a cache of yours) and
/// hand them over here, or, with the `azure-identity` feature, use any Azure Identity
/// credential through `AzureIdentity`.
///
/// A closure returning a future of `Result<String, E>` is a provider, and so is
/// [`StaticToken`]. A provider that can honour scopes and claims implements
/// [`TokenProvider::token_for`] too.
pub trait TokenProvider: Send + Sync {
    fn token(&self) -> TokenFuture<'_>;

    /// A token for these scopes and claims. The client asks with claims when the service
    /// answers a continuous-access-evaluation challenge (a `401` whose `WWW-Authenticate` says
    /// `error="insufficient_claims"`), then sends the request once more. By default
    /// [`TokenProvider::token`], which knows neither.
    fn token_for(&self, request: &TokenRequest) -> TokenFuture<'_> {
        let _ = request;
        self.token()
    }
}

/// What a token is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    /// The `.default` scope of the base URL's cloud (`https://graph.microsoft.com/.default`).
    pub scopes: Vec<String>,
    /// The claims (JSON) a claims challenge asks the token to carry, decoded from its base64.
    pub claims: Option<String>,
}

impl<F, Fut, E> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn token(&self) -> TokenFuture<'_> {
        let token = self();
        Box::pin(async move { token.await.map_err(Into::into) })
    }
}

/// One token for every request (short scripts, tests).
#[derive(Clone)]
pub struct StaticToken(pub String);

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(..)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

/// How many times a throttled request is sent again by default.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// The longest `Retry-After` the client waits by default; a longer one returns the throttled
/// error at once.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(180);

/// The longest a call may take with its retries by default: no retry starts after it.
pub const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(600);

/// The hosts of Microsoft Graph in the global and national clouds, which the client trusts
/// with its token by default (as the official SDKs' Azure Identity provider does).
pub const GRAPH_HOSTS: &[&str] = &[
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
    "graph.microsoft.de",
    "canary.graph.microsoft.com",
];

/// The `User-Agent` of every request: this crate and its version.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Sends the crate's requests to Graph. Cheap to clone: clones share the connection pool and
/// the token provider.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    token: Arc<dyn TokenProvider>,
    max_retries: u32,
    max_retry_wait: Duration,
    retry_budget: Duration,
    /// Lower-case hosts the token may go to: the base URL's, then the trusted ones.
    trusted_hosts: Vec<String>,
    user_agent: http::HeaderValue,
    /// The `.default` scope of the base URL's cloud.
    scope: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("max_retries", &self.max_retries)
            .field("max_retry_wait", &self.max_retry_wait)
            .field("retry_budget", &self.retry_budget)
            .field("trusted_hosts", &self.trusted_hosts)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`Client`] other than its token provider.
pub struct ClientBuilder {
    token: Arc<dyn TokenProvider>,
    base_url: String,
    max_retries: u32,
    max_retry_wait: Duration,
    retry_budget: Duration,
    trusted_hosts: Vec<String>,
    user_agent_suffix: Option<String>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The service root requests go to: [`BASE_URL`] unless set (a national cloud,
    /// `https://graph.microsoft.com/beta`, a local server).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How many times a throttled request (429, 503, 504) is sent again, after the wait its
    /// `Retry-After` asks for (or 1, 2, 4... seconds with jitter when it asks for none). Zero
    /// sends each request once and returns the throttled error.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The longest `Retry-After` to wait ([`DEFAULT_MAX_RETRY_WAIT`] unless set): a longer
    /// one returns the throttled error at once, with [`Error::retry_after`] to schedule it.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.max_retry_wait = wait;
        self
    }

    /// The longest a call may take with its retries ([`DEFAULT_RETRY_BUDGET`] unless set): a
    /// retry whose wait would end after it is not made, and the throttled error comes back.
    pub fn retry_budget(mut self, budget: Duration) -> Self {
        self.retry_budget = budget;
        self
    }

    /// The hosts, besides the base URL's, that the client sends its token to, in place of
    /// [`GRAPH_HOSTS`]. Host names only (`graph.microsoft.com`), compared without case.
    pub fn trusted_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.trusted_hosts = hosts.into_iter().map(|h| h.into().to_ascii_lowercase()).collect();
        self
    }

    /// Words of yours to add after the crate's own in the `User-Agent` (`myapp/1.2`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// How long one attempt of a request may take, from connecting to the end of the body.
    /// None by default. Not used with [`ClientBuilder::http_client`]: set it on that client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The reqwest client to send with (proxies, timeouts, a user agent of yours).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client, or [`Error::Untrusted`] for a base URL the token may not go to (plain HTTP
    /// to anything but a loopback address), or an invalid user agent suffix.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let base: http::Uri = base_url.parse().map_err(|e: http::uri::InvalidUri| Error::Http(e.into()))?;
        let base_host = base.host().unwrap_or_default().to_ascii_lowercase();
        check_scheme(&base, &base_host)?;
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = http::HeaderValue::from_str(&user_agent).map_err(|e| Error::Http(e.into()))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let builder = reqwest::Client::builder();
                let builder = match self.timeout {
                    Some(timeout) => builder.timeout(timeout),
                    None => builder,
                };
                builder.build().map_err(transport)?
            }
        };
        let scope = format!("{}://{}/.default", base.scheme_str().unwrap_or("https"), base.authority().map_or("", |a| a.as_str()));
        let mut trusted_hosts = vec![base_host];
        trusted_hosts.extend(self.trusted_hosts);
        Ok(Client {
            http,
            base_url,
            token: self.token,
            max_retries: self.max_retries,
            max_retry_wait: self.max_retry_wait,
            retry_budget: self.retry_budget,
            trusted_hosts,
            user_agent,
            scope,
        })
    }
}

type ResponseFuture<'a> = Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send + 'a>>;

type LiveResponseFuture<'a> = Pin<Box<dyn Future<Output = Result<reqwest::Response, Error>> + Send + 'a>>;

impl Client {
    /// A client of `https://graph.microsoft.com/v1.0` with the default settings.
    pub fn new(token: impl TokenProvider + 'static) -> Result<Client, Error> {
        Client::builder(token).build()
    }

    pub fn builder(token: impl TokenProvider + 'static) -> ClientBuilder {
        ClientBuilder {
            token: Arc::new(token),
            base_url: BASE_URL.to_owned(),
            max_retries: DEFAULT_MAX_RETRIES,
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
            retry_budget: DEFAULT_RETRY_BUDGET,
            trusted_hosts: GRAPH_HOSTS.iter().map(|h| (*h).to_owned()).collect(),
            user_agent_suffix: None,
            timeout: None,
            http: None,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a request and reads its documented response type, or its typed error.
    pub async fn send<T: ResponseBody, B: RequestBody>(&self, request: Request<T, B>) -> Result<T, Error> {
        let response = self.execute(request.into_http_at(&self.base_url)?).await?;
        parse_response(&response)
    }

    /// [`Client::send`], with the answer's status and headers beside the typed value (the
    /// `Location` of an accepted long-running operation, the `ETag`, the request ids).
    pub async fn send_full<T: ResponseBody, B: RequestBody>(&self, request: Request<T, B>) -> Result<Response<T>, Error> {
        let response = self.execute(request.into_http_at(&self.base_url)?).await?;
        parse_response_full(&response)
    }

    /// An empty batch for this client's service: the links it carries are made relative to
    /// the client's base URL.
    pub fn batch(&self) -> Batch {
        Batch::with_base_url(self.base_url.as_str())
    }

    /// Sends an HTTP request with the bearer token, and sends it again after a throttled
    /// answer (429, 503, 504) within the client's bounds (see the module's documentation).
    /// Refuses, with [`Error::Untrusted`], a request to a host the token may not go to. Not
    /// generic, so that every typed request shares this one body of code.
    pub fn execute(&self, request: http::Request<Vec<u8>>) -> ResponseFuture<'_> {
        // Made now rather than when polled: its span belongs to the caller's subscriber.
        let sending = self.execute_streaming(request);
        Box::pin(async move { read_whole(sending.await?).await })
    }

    /// [`Client::execute`], with the final answer's body still to be read: what downloads
    /// stream from.
    fn execute_streaming(&self, request: http::Request<Vec<u8>>) -> LiveResponseFuture<'_> {
        // One span per call, with what a support case needs; never a header value or the token.
        let span = tracing::info_span!(
            "graph_request",
            method = %request.method(),
            path = request.uri().path(),
            client_request_id = tracing::field::Empty,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let recorder = span.clone();
        Box::pin(tracing::Instrument::instrument(
            async move {
                let (mut parts, body) = request.into_parts();
                self.check_trusted(&parts.uri)?;
                let headers = &mut parts.headers;
                if !headers.contains_key(CLIENT_REQUEST_ID) {
                    let id = http::HeaderValue::from_str(&new_request_id()).map_err(|e| Error::Http(e.into()))?;
                    headers.insert(CLIENT_REQUEST_ID, id);
                }
                if let Some(id) = headers.get(CLIENT_REQUEST_ID).and_then(|v| v.to_str().ok()) {
                    recorder.record("client_request_id", id);
                }
                headers.insert(http::header::USER_AGENT, self.user_agent.clone());
                let started = Instant::now();
                let mut retries = 0;
                let mut token_request = TokenRequest { scopes: vec![self.scope.clone()], claims: None };
                loop {
                    let token = self.token.token_for(&token_request).await.map_err(Error::Token)?;
                    let mut headers = parts.headers.clone();
                    if retries > 0 {
                        headers.insert("Retry-Attempt", http::HeaderValue::from(retries));
                    }
                    let response = self
                        .http
                        .request(parts.method.clone(), parts.uri.to_string())
                        .headers(headers)
                        .bearer_auth(token)
                        .body(body.clone())
                        .send()
                        .await
                        .map_err(transport)?;
                    recorder.record("status", response.status().as_u16());
                    recorder.record("attempts", retries + 1);
                    recorder.record("elapsed_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
                    if let Some(id) = response.headers().get("request-id").and_then(|v| v.to_str().ok()) {
                        recorder.record("request_id", id);
                    }
                    if token_request.claims.is_none() {
                        if let Some(claims) = claims_challenge(response.status(), response.headers()) {
                            token_request.claims = Some(claims);
                            continue;
                        }
                    }
                    if !crate::runtime::is_retryable_status(response.status().as_u16()) || retries >= self.max_retries {
                        return Ok(response);
                    }
                    let wait = match crate::runtime::retry_after(response.headers()) {
                        Some(asked) if asked > self.max_retry_wait => return Ok(response),
                        Some(asked) => asked,
                        None => backoff(retries),
                    };
                    if started.elapsed() + wait > self.retry_budget {
                        return Ok(response);
                    }
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
            },
            span,
        ))
    }

    /// Whether the token may go to this URL: see the module's documentation.
    fn check_trusted(&self, uri: &http::Uri) -> Result<(), Error> {
        let host = uri.host().unwrap_or_default().to_ascii_lowercase();
        if !self.trusted_hosts.contains(&host) {
            return Err(Error::Untrusted {
                url: uri.to_string(),
                reason: "its host is neither the base URL's nor a trusted one, and the bearer token goes to no other",
            });
        }
        check_scheme(uri, &host)
    }

    /// The pages of a collection, following `@odata.nextLink` with the first request's headers.
    pub fn pages<E, B>(&self, request: Request<Collection<E>, B>) -> impl Stream<Item = Result<Collection<E>, Error>> + Send + 'static
    where
        E: serde::de::DeserializeOwned + Send + 'static,
        B: RequestBody + Clone + Send + 'static,
    {
        let client = self.clone();
        stream::try_unfold(Some(request), move |next| {
            let client = client.clone();
            async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                let page = client.send(request.clone()).await?;
                let following = request.next_page(&page);
                Ok(Some((page, following)))
            }
        })
    }

    /// The items of a collection, page after page.
    pub fn items<E, B>(&self, request: Request<Collection<E>, B>) -> impl Stream<Item = Result<E, Error>> + Send + 'static
    where
        E: serde::de::DeserializeOwned + Send + 'static,
        B: RequestBody + Clone + Send + 'static,
    {
        self.pages(request).map_ok(|page| stream::iter(page.value.into_iter().map(Ok))).try_flatten()
    }

    /// One round of a delta query: the items of every page, and the request of the next round
    /// (the delta link of the last page; `None` if the service gave none).
    pub async fn delta_round<E, B>(&self, request: Request<Collection<E>, B>) -> Result<(Vec<E>, Option<Request<Collection<E>, B>>), Error>
    where
        E: serde::de::DeserializeOwned,
        B: RequestBody + Clone,
    {
        let mut items = Vec::new();
        let mut next = request;
        loop {
            let mut page = self.send(next.clone()).await?;
            items.append(&mut page.value);
            match next.next_page(&page) {
                Some(following) => next = following,
                None => return Ok((items, next.next_delta_round(&page))),
            }
        }
    }

    /// Sends every request of a batch (as many `$batch` requests as it takes, to the client's
    /// base URL: make the batch with [`Client::batch`] so that its links are read against
    /// it too), then sends
    /// again the requests the service throttled, after the longest `Retry-After` they asked
    /// for, within the client's bounds (retries, longest wait, budget). Requests still
    /// throttled after that read as throttled errors.
    pub async fn send_batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        let mut results = batch.results();
        let mut requests = batch.requests()?;
        let started = Instant::now();
        let mut retries = 0;
        loop {
            for request in requests {
                results.record(self.send(request).await?);
            }
            requests = batch.retry_requests(&results)?;
            if requests.is_empty() || retries >= self.max_retries {
                return Ok(results);
            }
            let wait = results.retry_after().unwrap_or_else(|| backoff(retries));
            if wait > self.max_retry_wait || started.elapsed() + wait > self.retry_budget {
                return Ok(results);
            }
            tokio::time::sleep(wait).await;
            retries += 1;
        }
    }
}

/// An answer read whole, as an `http::Response`.
async fn read_whole(response: reqwest::Response) -> Result<http::Response<Vec<u8>>, Error> {
    let mut answer = http::Response::new(Vec::new());
    *answer.status_mut() = response.status();
    *answer.headers_mut() = response.headers().clone();
    *answer.body_mut() = response.bytes().await.map_err(transport)?.to_vec();
    Ok(answer)
}

fn transport(error: reqwest::Error) -> Error {
    Error::Transport(Box::new(error))
}

/// The claims a `401` asks for, decoded: a continuous-access-evaluation challenge is
/// `WWW-Authenticate: Bearer ..., error="insufficient_claims", claims="<base64 JSON>"`.
fn claims_challenge(status: http::StatusCode, headers: &http::HeaderMap) -> Option<String> {
    use base64::Engine as _;
    if status != http::StatusCode::UNAUTHORIZED {
        return None;
    }
    let challenge = headers.get_all(http::header::WWW_AUTHENTICATE).iter().find_map(|value| {
        let value = value.to_str().ok()?;
        value.contains("error=\"insufficient_claims\"").then_some(value)
    })?;
    let start = challenge.find("claims=\"")? + "claims=\"".len();
    let encoded = challenge[start..].split('"').next()?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).ok().and_then(|bytes| String::from_utf8(bytes).ok());
    Some(decoded.unwrap_or_else(|| encoded.to_owned()))
}

/// The header that identifies a call from the caller's side.
const CLIENT_REQUEST_ID: &str = "client-request-id";

/// The token goes over HTTPS only, except to a loopback address (a local test server).
fn check_scheme(uri: &http::Uri, host: &str) -> Result<(), Error> {
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if uri.scheme_str() == Some("https") || loopback {
        Ok(())
    } else {
        Err(Error::Untrusted {
            url: uri.to_string(),
            reason: "the bearer token is sent over HTTPS only, except to a loopback address",
        })
    }
}

/// The wait before retry `n` (from 0) when the service named none: 1, 2, 4... seconds (at
/// most 64), each shortened by a random part of up to a half, so that clients throttled
/// together do not come back together.
fn backoff(retries: u32) -> Duration {
    let full = Duration::from_secs(1 << retries.min(6));
    let jitter = random_u64() % 500;
    full - full * u32::try_from(jitter).unwrap_or(0) / 1000
}

/// A random version-4 UUID: a call's `client-request-id`.
fn new_request_id() -> String {
    let bits = (u128::from(random_u64()) << 64) | u128::from(random_u64());
    // Version 4, variant 10.
    let bits = (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    uuid::Uuid::from_u128(bits).to_string()
}

/// Random bits from the standard library's randomly keyed hasher (no generator crate for an
/// id and a jitter).
fn random_u64() -> u64 {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::support::test_item::TestItem;
    use crate::runtime::{Delta, RemovalReason};
    use futures_util::StreamExt;
    use serde_json::{json, Value};
    use wiremock::matchers::{header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A client of the test's server; a test that waits longer than its timeout fails.
    async fn client(server: &MockServer) -> Client {
        Client::builder(StaticToken("secret".to_owned()))
            .base_url(format!("{}/v1.0", server.uri()))
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    fn get<T>(path: &str) -> Request<T> {
        Request::new(http::Method::GET, path.to_owned(), http::StatusCode::OK)
    }

    #[tokio::test]
    async fn replay_pages_then_delta_rounds() {
        let server = MockServer::start().await;
        let uri = server.uri();
        Mock::given(method("GET"))
            .and(path("/v1.0/users/delta"))
            .and(header("Prefer", "return=minimal"))
            .and(header("Authorization", "Bearer secret"))
            .and(query_param("$select", "displayName"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "1", "displayName": "Ada"}],
                "@odata.nextLink": format!("{uri}/v1.0/users/delta?$skiptoken=page2"),
            })))
            // Once as pages, once as a delta round.
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1.0/users/delta"))
            .and(header("Prefer", "return=minimal"))
            .and(query_param("$skiptoken", "page2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "2", "@removed": {"reason": "changed"}}],
                "@odata.deltaLink": format!("{uri}/v1.0/users/delta?$deltatoken=round2"),
            })))
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1.0/users/delta"))
            .and(query_param("$deltatoken", "round2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [],
                "@odata.deltaLink": format!("{uri}/v1.0/users/delta?$deltatoken=round3"),
            })))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server).await;
        let request = get::<Collection<Delta<TestItem>>>("/users/delta").select(&["displayName"]).prefer("return=minimal");

        let pages: Vec<_> = client.pages(request.clone()).try_collect().await.unwrap();
        assert_eq!(pages.len(), 2);
        let (items, next_round) = client.delta_round(request).await.unwrap();
        assert_eq!(items[0].changed().and_then(|user| user.display_name.as_deref()), Some("Ada"));
        assert!(matches!(&items[1], Delta::Removed { id, reason: RemovalReason::Changed, .. } if id == "2"));
        let (items, next_round) = client.delta_round(next_round.unwrap()).await.unwrap();
        assert!(items.is_empty());
        assert!(next_round.unwrap().path_and_query().ends_with("$deltatoken=round3"));
    }

    #[tokio::test]
    async fn replay_retry_after_a_throttled_answer() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1.0/me"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1").set_body_json(json!({
                "error": {"code": "TooManyRequests", "message": "Too many requests"}
            })))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1.0/me"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "me"})))
            .expect(1)
            .mount(&server)
            .await;
        let started = std::time::Instant::now();
        let me: Value = client(&server).await.send(get("/me")).await.unwrap();
        assert_eq!(me["id"], "me");
        assert!(started.elapsed() >= Duration::from_secs(1), "the client waited as Retry-After asked");

        // With no retries, the throttled error comes back with its wait.
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(StaticToken("secret".to_owned()))
            .base_url(format!("{}/v1.0", server.uri()))
            .max_retries(0)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let error = client.send(get::<Value>("/me")).await.unwrap_err();
        assert!(error.is_throttled());
        assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    }

    #[tokio::test]
    async fn replay_batch_answered_out_of_order_with_a_throttled_and_a_failed_item() {
        let server = MockServer::start().await;
        // The first answer: out of order, the second request throttled, the third not found.
        Mock::given(method("POST"))
            .and(path("/v1.0/$batch"))
            .and(wiremock::matchers::body_partial_json(json!({"requests": [{"id": "1"}, {"id": "2"}, {"id": "3"}]})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"responses": [
                {"id": "3", "status": 404, "body": {"error": {"code": "ResourceNotFound", "message": "no such group"}}},
                {"id": "2", "status": 429, "headers": {"Retry-After": "1"}, "body": {"error": {"code": "TooManyRequests", "message": "later"}}},
                {"id": "1", "status": 200, "body": {"id": "me"}},
            ]})))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        // The throttled request alone, sent again.
        Mock::given(method("POST"))
            .and(path("/v1.0/$batch"))
            .and(wiremock::matchers::body_json(json!({"requests": [{"id": "2", "method": "GET", "url": "/me/messages?$top=2"}]})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"responses": [
                {"id": "2", "status": 200, "body": {"value": [{"id": "m1"}, {"id": "m2"}]}},
            ]})))
            .expect(1)
            .mount(&server)
            .await;

        let mut batch = Batch::new();
        let me = batch.add(get::<Value>("/me")).unwrap();
        let messages = batch.add(get::<Collection<Value>>("/me/messages").top(2)).unwrap();
        let group = batch.add(get::<Value>("/groups/nope")).unwrap();
        let results = client(&server).await.send_batch(&batch).await.unwrap();
        assert_eq!(results.get(&me).unwrap()["id"], "me");
        assert_eq!(results.get(&messages).unwrap().value.len(), 2);
        let missing = results.get(&group).unwrap_err();
        assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND));
        assert!(matches!(missing, Error::Graph { error, .. } if error.code == "ResourceNotFound"));

        // A handle of another batch is refused by these results.
        let other = Batch::new().add(get::<Value>("/me")).unwrap();
        assert!(matches!(results.get(&other), Err(Error::Batch(_))));
    }

    /// The token goes to the base URL's host and the trusted ones, over HTTPS or to a loopback
    /// address; a link to another host is refused before anything is sent.
    #[tokio::test]
    async fn the_token_stays_with_trusted_hosts() {
        let server = MockServer::start().await;
        let elsewhere = MockServer::start().await;
        // The same loopback server under another name: another host.
        let other_host = elsewhere.uri().replace("127.0.0.1", "localhost");
        Mock::given(method("GET"))
            .and(path("/v1.0/users"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "1"}],
                "@odata.nextLink": format!("{other_host}/v1.0/users?$skiptoken=2"),
            })))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&elsewhere).await;
        let pages: Vec<Result<Collection<Value>, Error>> = client(&server).await.pages(get("/users")).collect().await;
        assert!(pages[0].is_ok());
        let refused = pages[1].as_ref().unwrap_err();
        assert!(matches!(refused, Error::Untrusted { url, .. } if url.starts_with(&other_host)), "{refused}");

        // A host made trusted gets it.
        let trusting = Client::builder(StaticToken("secret".to_owned()))
            .base_url(format!("{}/v1.0", server.uri()))
            .trusted_hosts(["LOCALHOST"])
            .build()
            .unwrap();
        assert!(trusting.check_trusted(&other_host.parse().unwrap()).is_ok());
        // Plain HTTP to anything but a loopback address is refused, from the start.
        let plain = Client::builder(StaticToken("secret".to_owned())).base_url("http://graph.microsoft.com/v1.0").build();
        assert!(matches!(plain, Err(Error::Untrusted { .. })));
        let https = Client::new(StaticToken("secret".to_owned())).unwrap();
        assert!(https.check_trusted(&"https://graph.microsoft.us/v1.0/me".parse().unwrap()).is_ok());
        assert!(https.check_trusted(&"https://graph.microsoft.com.evil.example/v1.0/me".parse().unwrap()).is_err());
        assert!(https.check_trusted(&"http://graph.microsoft.com/v1.0/me".parse().unwrap()).is_err());
    }

    /// A redirect to another host is followed without the token (reqwest's policy).
    #[tokio::test]
    async fn a_redirect_to_another_host_loses_the_token() {
        let server = MockServer::start().await;
        let download = MockServer::start().await;
        let target = format!("{}/file", download.uri().replace("127.0.0.1", "localhost"));
        Mock::given(method("GET"))
            .and(path("/v1.0/me/drive/items/1/content"))
            .and(header("Authorization", "Bearer secret"))
            .respond_with(ResponseTemplate::new(302).insert_header("Location", target.as_str()))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/file"))
            .respond_with(ResponseTemplate::new(200).set_body_string("bytes"))
            .expect(1)
            .mount(&download)
            .await;
        let request = http::Request::get(format!("{}/v1.0/me/drive/items/1/content", server.uri())).body(Vec::new()).unwrap();
        let response = client(&server).await.execute(request).await.unwrap();
        assert_eq!(response.body(), b"bytes");
        let received = download.received_requests().await.unwrap();
        assert!(received[0].headers.get("authorization").is_none(), "the token followed the redirect");
    }

    /// 504 is retried; every attempt carries one `client-request-id` and the crate's
    /// `User-Agent`, and a retry says which it is.
    #[tokio::test]
    async fn retries_keep_the_call_identity() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(504).insert_header("Retry-After", "0"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("Retry-Attempt", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "me"})))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(StaticToken("secret".to_owned()))
            .base_url(format!("{}/v1.0", server.uri()))
            .user_agent_suffix("tests/1")
            .build()
            .unwrap();
        let me: Value = client.send(get("/me")).await.unwrap();
        assert_eq!(me["id"], "me");
        let received = server.received_requests().await.unwrap();
        let ids: Vec<&str> = received.iter().map(|r| r.headers["client-request-id"].to_str().unwrap()).collect();
        assert_eq!(ids[0], ids[1]);
        assert!(uuid::Uuid::parse_str(ids[0]).is_ok_and(|id| id.get_version_num() == 4), "{}", ids[0]);
        assert!(received[0].headers.get("Retry-Attempt").is_none());
        assert_eq!(received[1].headers["user-agent"], format!("{USER_AGENT} tests/1").as_str());
        assert_ne!(new_request_id(), new_request_id());
    }

    /// A `Retry-After` beyond the longest wait returns the throttled error at once, with the
    /// wait and the ids of the answer.
    #[tokio::test]
    async fn a_long_retry_after_is_not_waited_for() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "100000")
                    .insert_header("request-id", "r-1")
                    .insert_header("Date", "Mon, 07 Dec 2026 20:00:00 GMT")
                    .set_body_json(json!({"error": {"code": "TooManyRequests", "message": "later", "innerError": {"client-request-id": "c-1"}}})),
            )
            .expect(1)
            .mount(&server)
            .await;
        // A bound only waiting the 100,000 seconds asked for would trip.
        let client = client(&server).await;
        let call = client.send(get::<Value>("/me"));
        let error = tokio::time::timeout(Duration::from_secs(120), call).await.expect("the wait was not taken").unwrap_err();
        assert!(error.is_throttled());
        assert_eq!(error.retry_after(), Some(Duration::from_secs(100000)));
        assert_eq!(error.request_id(), Some("r-1"));
        assert_eq!(error.client_request_id(), Some("c-1"));
        assert_eq!(error.date(), Some("Mon, 07 Dec 2026 20:00:00 GMT"));
        let shown = error.to_string();
        assert!(shown.contains("request-id: r-1") && shown.contains("client-request-id: c-1"), "{shown}");

        // A budget shorter than the wait asked for ends the call too.
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "5"))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(StaticToken("secret".to_owned()))
            .base_url(format!("{}/v1.0", server.uri()))
            .retry_budget(Duration::from_secs(2))
            .build()
            .unwrap();
        let error = client.send(get::<Value>("/me")).await.unwrap_err();
        assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
        assert!(backoff(0) <= Duration::from_secs(1) && backoff(0) >= Duration::from_millis(500));
    }


    /// A claims challenge asks the provider again, with the claims, and sends the request once
    /// more; a closure provider, which knows no claims, still works.
    #[tokio::test]
    async fn a_claims_challenge_asks_for_a_token_with_the_claims() {
        struct Claims(std::sync::Mutex<Vec<TokenRequest>>);
        impl TokenProvider for Claims {
            fn token(&self) -> TokenFuture<'_> {
                Box::pin(async { Ok("plain".to_owned()) })
            }
            fn token_for(&self, request: &TokenRequest) -> TokenFuture<'_> {
                self.0.lock().unwrap().push(request.clone());
                let token = if request.claims.is_some() { "with-claims" } else { "plain" };
                Box::pin(async move { Ok(token.to_owned()) })
            }
        }
        let server = MockServer::start().await;
        let claims = r#"{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}"#;
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
        Mock::given(method("GET"))
            .and(header("Authorization", "Bearer plain"))
            .respond_with(ResponseTemplate::new(401).insert_header(
                "WWW-Authenticate",
                format!(r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{encoded}""#).as_str(),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("Authorization", "Bearer with-claims"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "me"})))
            .expect(1)
            .mount(&server)
            .await;
        let provider = Arc::new(Claims(std::sync::Mutex::new(Vec::new())));
        let client = Client::builder(ArcProvider(provider.clone())).base_url(format!("{}/v1.0", server.uri())).build().unwrap();
        let me: Value = client.send(get("/me")).await.unwrap();
        assert_eq!(me["id"], "me");
        let asked = provider.0.lock().unwrap().clone();
        assert_eq!(asked[0].scopes, [format!("{}/.default", server.uri())]);
        assert_eq!(asked[1].claims.as_deref(), Some(claims));

        // A second challenge is the caller's to handle: the 401 comes back.
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", format!(r#"Bearer error="insufficient_claims", claims="{encoded}""#).as_str()))
            .expect(2)
            .mount(&server)
            .await;
        let error = client.send(get::<Value>("/me")).await.unwrap_err();
        assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
    }

    /// A provider shared with the test.
    struct ArcProvider<P>(Arc<P>);
    impl<P: TokenProvider> TokenProvider for ArcProvider<P> {
        fn token(&self) -> TokenFuture<'_> {
            self.0.token()
        }
        fn token_for(&self, request: &TokenRequest) -> TokenFuture<'_> {
            self.0.token_for(request)
        }
    }


    /// Each call is a span with what a support case needs, and nothing that holds the token.
    #[tokio::test]
    async fn each_call_is_a_tracing_span() {
        use std::sync::Mutex;
        use tracing::field::{Field, Visit};
        #[derive(Default)]
        struct Fields(Mutex<Vec<(String, String)>>);
        impl Visit for &Fields {
            fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
                self.0.lock().unwrap().push((field.name().to_owned(), format!("{value:?}")));
            }
        }
        struct Recorder(Arc<Fields>);
        impl tracing::Subscriber for Recorder {
            fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
                true
            }
            fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
                span.record(&mut &*self.0);
                tracing::span::Id::from_u64(1)
            }
            fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
                values.record(&mut &*self.0);
            }
            fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
            fn event(&self, _: &tracing::Event<'_>) {}
            fn enter(&self, _: &tracing::span::Id) {}
            fn exit(&self, _: &tracing::span::Id) {}
        }
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).insert_header("request-id", "r-9").set_body_json(json!({"id": "me"})))
            .mount(&server)
            .await;
        let client = client(&server).await;
        let fields = Arc::new(Fields::default());
        let subscriber = Recorder(fields.clone());
        let call = tracing::subscriber::with_default(subscriber, || client.execute(http::Request::get(format!("{}/v1.0/me", server.uri())).body(Vec::new()).unwrap()));
        call.await.unwrap();
        let recorded = fields.0.lock().unwrap().clone();
        let value = |name: &str| recorded.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.trim_matches('"').to_owned());
        assert_eq!(value("method").as_deref(), Some("GET"));
        assert_eq!(value("path").as_deref(), Some("/v1.0/me"));
        assert_eq!(value("status").as_deref(), Some("200"));
        assert_eq!(value("attempts").as_deref(), Some("1"));
        assert_eq!(value("request_id").as_deref(), Some("r-9"));
        assert!(value("client_request_id").is_some_and(|id| uuid::Uuid::parse_str(&id).is_ok()));
        assert!(!recorded.iter().any(|(_, v)| v.contains("secret")), "{recorded:?}");
    }

    /// A delta link saved in an earlier run resumes the query: a `GET` of the link, with the
    /// request's headers, whose removed items (an `@removed` user, a drive item's `deleted`
    /// facet) read as removals.
    #[tokio::test]
    async fn a_saved_delta_link_resumes_over_http() {
        let server = MockServer::start().await;
        let uri = server.uri();
        Mock::given(method("GET"))
            .and(path("/v1.0/drives/d/root/delta"))
            .and(query_param("token", "saved"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [
                    {"id": "1", "displayName": "kept"},
                    {"id": "2", "deleted": {"state": "deleted"}},
                    {"id": "3", "@removed": {"reason": "deleted"}},
                ],
                "@odata.deltaLink": format!("{uri}/v1.0/drives/d/root/delta?token=next"),
            })))
            .expect(1)
            .mount(&server)
            .await;
        let first = Request::<Collection<Delta<TestItem>>>::new(http::Method::POST, "/drives/d/root/delta".to_owned(), http::StatusCode::OK)
            .with_body(json!({"unused": true}))
            .prefer("odata.maxpagesize=2")
            .prefer("return=minimal");
        let resumed = first.resume(format!("{uri}/v1.0/drives/d/root/delta?token=saved"));
        let (items, next) = client(&server).await.delta_round(resumed).await.unwrap();
        assert_eq!(items[0].changed().and_then(|i| i.display_name.as_deref()), Some("kept"));
        assert_eq!(items[1].removed_id(), Some("2"));
        assert!(matches!(&items[2], Delta::Removed { reason: RemovalReason::Deleted, .. }));
        assert_eq!(next.unwrap().link(), Some(format!("{uri}/v1.0/drives/d/root/delta?token=next").as_str()));
        let received = server.received_requests().await.unwrap();
        assert_eq!(received[0].method.as_str(), "GET");
        assert!(received[0].body.is_empty());
        let prefer: Vec<&str> = received[0].headers.get_all("prefer").iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(prefer.join(", "), "odata.maxpagesize=2, return=minimal");
    }

    /// An accepted long-running operation: no body, and its `Location` beside the value.
    #[tokio::test]
    async fn send_full_gives_the_location_of_an_accepted_operation() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1.0/drives/d/items/i/copy"))
            .respond_with(ResponseTemplate::new(202).insert_header("Location", "https://example.com/monitor/7"))
            .expect(1)
            .mount(&server)
            .await;
        let copy = Request::<crate::runtime::NoContent>::new(http::Method::POST, "/drives/d/items/i/copy".to_owned(), http::StatusCode::ACCEPTED)
            .with_body(json!({"name": "copy.txt"}));
        let accepted = client(&server).await.send_full(copy).await.unwrap();
        assert_eq!(accepted.status, http::StatusCode::ACCEPTED);
        assert_eq!(accepted.location(), Some("https://example.com/monitor/7"));
    }

    /// A gzip answer is asked for and read: `Accept-Encoding: gzip` goes out, and a body with
    /// `Content-Encoding: gzip` comes back decompressed.
    #[tokio::test]
    async fn gzip_answers_are_accepted() {
        const GZIPPED: [u8; 53] = [
            31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 202, 76, 81, 178, 82, 80, 202, 77, 85, 210, 81, 80, 74, 201, 44, 46, 200, 73, 172,
            244, 75, 4, 114, 129, 130, 142, 41, 169, 57, 169, 74, 181, 0, 3, 187, 168, 197, 36, 0, 0, 0,
        ];
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(header("accept-encoding", "gzip"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("Content-Encoding", "gzip")
                    .set_body_raw(GZIPPED.to_vec(), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let me: Value = client(&server).await.send(get("/me")).await.unwrap();
        assert_eq!(me, json!({"id": "me", "displayName": "Adele"}));
    }

    /// A success whose body is not the documented type: the answer as it came, with its ids.
    #[tokio::test]
    async fn a_body_that_does_not_read_is_a_decode_error_with_the_answer() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).insert_header("request-id", "r-1").set_body_raw("<html>", "text/html"))
            .expect(1)
            .mount(&server)
            .await;
        let error = client(&server).await.send(get::<Collection<Value>>("/me/messages")).await.unwrap_err();
        match &error {
            Error::Decode { status, headers, body, .. } => {
                assert_eq!(*status, http::StatusCode::OK);
                assert_eq!(headers["request-id"], "r-1");
                assert_eq!(body, b"<html>");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }
}

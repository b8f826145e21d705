//! A ready async client for the crate's requests (cargo feature `client`): reqwest over
//! rustls, a bearer token from your provider before each request, typed results, pages and
//! items as streams, `Retry-After` honoured a bounded number of times, and batches.
//!
//! The runtime stays sans-IO without this feature: everything here is built on
//! [`Request::into_http_at`](crate::runtime::Request::into_http_at) and
//! [`parse_response`](crate::runtime::parse_response), which any other HTTP client can use too.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::runtime::{parse_response, Batch, BatchResults, Collection, Error, Request, BASE_URL};

/// The error a token provider may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + 'a>>;

/// Where the client gets the bearer token it sends with each request. The client runs no
/// sign-in flow of its own: get tokens from your identity library (MSAL, `azure_identity`, a
/// cache of yours) and hand them over here.
///
/// A closure returning a future of `Result<String, E>` is a provider, and so is
/// [`StaticToken`].
pub trait TokenProvider: Send + Sync {
    fn token(&self) -> TokenFuture<'_>;
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

/// Sends the crate's requests to Graph. Cheap to clone: clones share the connection pool and
/// the token provider.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    token: Arc<dyn TokenProvider>,
    max_retries: u32,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url).field("max_retries", &self.max_retries).finish_non_exhaustive()
    }
}

/// Settings of a [`Client`] other than its token provider.
pub struct ClientBuilder {
    token: Arc<dyn TokenProvider>,
    base_url: String,
    max_retries: u32,
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

    /// How many times a throttled request (429, 503) is sent again, after the wait its
    /// `Retry-After` asks for (or 1, 2, 4... seconds when it asks for none). Zero sends each
    /// request once and returns the throttled error.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
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

    pub fn build(self) -> Result<Client, Error> {
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
        Ok(Client {
            http,
            base_url: self.base_url.trim_end_matches('/').to_owned(),
            token: self.token,
            max_retries: self.max_retries,
        })
    }
}

type ResponseFuture<'a> = Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send + 'a>>;

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
            timeout: None,
            http: None,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a request and reads its documented response type, or its typed error.
    pub async fn send<T: DeserializeOwned, B: Serialize>(&self, request: Request<T, B>) -> Result<T, Error> {
        let response = self.execute(request.into_http_at(&self.base_url)?).await?;
        parse_response(&response)
    }

    /// Sends an HTTP request with the bearer token, and sends it again after a throttled
    /// answer (429, 503) up to the client's number of retries. Not generic, so that every
    /// typed request shares this one body of code.
    pub fn execute(&self, request: http::Request<Vec<u8>>) -> ResponseFuture<'_> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let mut retries = 0;
            loop {
                let token = self.token.token().await.map_err(Error::Token)?;
                let sent = self
                    .http
                    .request(parts.method.clone(), parts.uri.to_string())
                    .headers(parts.headers.clone())
                    .bearer_auth(token)
                    .body(body.clone())
                    .send()
                    .await
                    .map_err(transport)?;
                let mut response = http::Response::builder().status(sent.status());
                if let Some(headers) = response.headers_mut() {
                    *headers = sent.headers().clone();
                }
                let bytes = sent.bytes().await.map_err(transport)?;
                let response = response.body(bytes.to_vec()).map_err(Error::Http)?;
                let throttled = matches!(response.status().as_u16(), 429 | 503);
                if !throttled || retries >= self.max_retries {
                    return Ok(response);
                }
                let wait = crate::runtime::retry_after(&response).unwrap_or_else(|| backoff(retries));
                tokio::time::sleep(wait).await;
                retries += 1;
            }
        })
    }

    /// The pages of a collection, following `@odata.nextLink` with the first request's headers.
    pub fn pages<E, B>(&self, request: Request<Collection<E>, B>) -> impl Stream<Item = Result<Collection<E>, Error>> + Send + 'static
    where
        E: DeserializeOwned + Send + 'static,
        B: Serialize + Clone + Send + 'static,
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
        E: DeserializeOwned + Send + 'static,
        B: Serialize + Clone + Send + 'static,
    {
        self.pages(request).map_ok(|page| stream::iter(page.value.into_iter().map(Ok))).try_flatten()
    }

    /// One round of a delta query: the items of every page, and the request of the next round
    /// (the delta link of the last page; `None` if the service gave none).
    pub async fn delta_round<E, B>(&self, request: Request<Collection<E>, B>) -> Result<(Vec<E>, Option<Request<Collection<E>, B>>), Error>
    where
        E: DeserializeOwned,
        B: Serialize + Clone,
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

    /// Sends every request of a batch (as many `$batch` requests as it takes), then sends
    /// again the requests the service throttled, after the longest `Retry-After` they asked
    /// for, up to the client's number of retries. Requests still throttled after that read as
    /// throttled errors.
    pub async fn send_batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        let mut results = batch.results();
        let mut requests = batch.requests()?;
        let mut retries = 0;
        loop {
            for request in requests {
                results.record(self.send(request).await?);
            }
            requests = batch.retry_requests(&results)?;
            if requests.is_empty() || retries >= self.max_retries {
                return Ok(results);
            }
            tokio::time::sleep(results.retry_after().unwrap_or_else(|| backoff(retries))).await;
            retries += 1;
        }
    }
}

fn transport(error: reqwest::Error) -> Error {
    Error::Transport(Box::new(error))
}

/// The wait before retry `n` (from 0) when the service named none: 1, 2, 4... seconds.
fn backoff(retries: u32) -> Duration {
    Duration::from_secs(1 << retries.min(6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Delta, RemovalReason};
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
        let request = get::<Collection<Delta<Value>>>("/users/delta").select(&["displayName"]).header("Prefer", "return=minimal");

        let pages: Vec<_> = client.pages(request.clone()).try_collect().await.unwrap();
        assert_eq!(pages.len(), 2);
        let (items, next_round) = client.delta_round(request).await.unwrap();
        assert_eq!(items[0].changed().map(|user| &user["displayName"]), Some(&json!("Ada")));
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
}

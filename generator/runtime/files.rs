//! Files and media with the client: downloads streamed as they arrive, and uploads in
//! sessions, chunk by chunk, resumed after a failed chunk.

use std::time::Instant;

use futures_util::stream::{self, Stream};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::{backoff, check_scheme, read_whole, transport, Client};
use crate::runtime::upload::{Upload, UploadStep};
use crate::runtime::{Content, Error, Request, RequestBody, ResponseBody};

/// A download whose bytes are read as they arrive, for content that should not be held in
/// memory: [`Download::into_stream`], or [`Download::chunk`] in a loop.
#[derive(Debug)]
pub struct Download {
    response: reqwest::Response,
}

impl Download {
    /// The content type the answer names (`application/octet-stream` when it names none).
    pub fn content_type(&self) -> &str {
        self.response.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("application/octet-stream")
    }

    /// The length the answer announces, if it does.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    pub fn headers(&self) -> &http::HeaderMap {
        self.response.headers()
    }

    /// The next piece of the content; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, Error> {
        self.response.chunk().await.map_err(transport)
    }

    /// The content as a stream of pieces.
    pub fn into_stream(self) -> impl Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static {
        stream::try_unfold(self, |mut download| async move {
            Ok(download.chunk().await?.map(|piece| (piece, download)))
        })
    }
}

impl Client {
    /// Sends a request for media (a file's content, a photo, a report) and gives its bytes as
    /// they arrive. A redirect to a pre-authenticated download URL on another host (how
    /// drive items and reports answer) is followed without the bearer token.
    pub async fn download<B: RequestBody>(&self, request: Request<Content, B>) -> Result<Download, Error> {
        let response = self.execute_streaming(request.into_http_at(&self.base_url)?).await?;
        if response.status().is_success() {
            return Ok(Download { response });
        }
        let answer = read_whole(response).await?;
        Err(crate::runtime::request::error_of(answer.status(), answer.headers(), answer.body()))
    }

    /// Uploads `content` through an upload session: each chunk the session expects, as a
    /// `PUT` to its upload URL without the bearer token, `progress(uploaded, total)` after each.
    /// A chunk that fails (a dropped connection, a 5xx, a throttled answer) is not fatal: the
    /// client asks the session which ranges it still expects and goes on from there, up to
    /// the client's retries in a row. Hand it a session `read_status` has brought up to date
    /// to resume one that an earlier process began.
    pub async fn upload<T: ResponseBody>(
        &self,
        mut upload: Upload<T>,
        content: &[u8],
        mut progress: impl FnMut(u64, u64) + Send,
    ) -> Result<T, Error> {
        if content.len() as u64 != upload.total_size() {
            return Err(Error::Upload(format!("{} bytes for a session of {}", content.len(), upload.total_size())));
        }
        self.check_upload(&upload)?;
        let mut failures = 0;
        loop {
            let range = next_range(&upload)?;
            let bytes = content[range.start as usize..range.end as usize].to_vec();
            if let Some(item) = self.send_chunk(&mut upload, range, bytes, &mut failures, &mut progress).await? {
                return Ok(item);
            }
        }
    }

    /// [`Client::upload`] from a reader, read once from start to end, one chunk in memory at
    /// a time. A failed chunk is sent again from that chunk; a session that asks for bytes
    /// before it (which the reader has passed) fails the upload.
    pub async fn upload_from<T: ResponseBody, R: AsyncRead + Unpin + Send>(
        &self,
        mut upload: Upload<T>,
        mut reader: R,
        mut progress: impl FnMut(u64, u64) + Send,
    ) -> Result<T, Error> {
        self.check_upload(&upload)?;
        // The bytes read and not yet taken by the service: `buffer` holds `start..` of them.
        let mut start = 0u64;
        let mut buffer: Vec<u8> = Vec::new();
        let mut failures = 0;
        loop {
            let range = next_range(&upload)?;
            if range.start < start {
                return Err(Error::Upload(format!("the session asks again for byte {}, which the reader has passed", range.start)));
            }
            // Drop what the service has, then read up to the end of the chunk.
            let taken = (range.start - start).min(buffer.len() as u64) as usize;
            buffer.drain(..taken);
            start += taken as u64;
            let skip = range.start - start;
            if skip > 0 {
                skip_exactly(&mut reader, skip).await?;
                start = range.start;
            }
            let wanted = (range.end - start) as usize;
            if buffer.len() < wanted {
                let missing = (wanted - buffer.len()) as u64;
                read_exactly(&mut reader, &mut buffer, missing).await?;
            }
            let bytes = buffer[..wanted].to_vec();
            if let Some(item) = self.send_chunk(&mut upload, range, bytes, &mut failures, &mut progress).await? {
                return Ok(item);
            }
        }
    }

    /// Cancels an upload session: the service drops what it received.
    pub async fn cancel_upload<T>(&self, upload: &Upload<T>) -> Result<(), Error> {
        self.check_upload(upload)?;
        let answer = read_whole(self.send_unauthenticated(upload.cancel_request()?).await?).await?;
        if answer.status().is_success() {
            return Ok(());
        }
        Err(crate::runtime::request::error_of(answer.status(), answer.headers(), answer.body()))
    }

    /// Refuses a session that has expired, or whose upload URL is plain HTTP to another host.
    fn check_upload<T>(&self, upload: &Upload<T>) -> Result<(), Error> {
        if upload.is_expired(std::time::SystemTime::now()) {
            return Err(Error::Upload(format!("the session of {} expired", upload.upload_url())));
        }
        let uri: http::Uri = upload.upload_url().parse().map_err(|e: http::uri::InvalidUri| Error::Http(e.into()))?;
        check_scheme(&uri, &uri.host().unwrap_or_default().to_ascii_lowercase())
    }

    /// Sends one chunk, reads its answer and reports progress: the created item after the
    /// last chunk, else `None` (also after a chunk that failed in a way worth trying again, once
    /// the session's expected ranges are known again).
    async fn send_chunk<T: ResponseBody>(
        &self,
        upload: &mut Upload<T>,
        range: std::ops::Range<u64>,
        bytes: Vec<u8>,
        failures: &mut u32,
        progress: &mut (impl FnMut(u64, u64) + Send),
    ) -> Result<Option<T>, Error> {
        let request = upload.chunk_request(range, bytes)?;
        let answer = match self.send_unauthenticated(request).await {
            Ok(response) => read_whole(response).await,
            Err(error) => Err(error),
        };
        let failure = match answer {
            Ok(answer) if !retry_chunk(answer.status()) => {
                let step = upload.read_chunk_response(&answer)?;
                *failures = 0;
                progress(upload.uploaded(), upload.total_size());
                return Ok(match step {
                    UploadStep::Done(item) => Some(item),
                    UploadStep::Continue => None,
                });
            }
            Ok(answer) => crate::runtime::request::error_of(answer.status(), answer.headers(), answer.body()),
            Err(error) => error,
        };
        if *failures >= self.max_retries {
            return Err(failure);
        }
        *failures += 1;
        tokio::time::sleep(backoff(*failures - 1).min(self.max_retry_wait)).await;
        let status = read_whole(self.send_unauthenticated(upload.status_request()?).await?).await?;
        upload.read_status(&status)?;
        Ok(None)
    }

    /// A request to a pre-authenticated URL: no bearer token, the client's `User-Agent`.
    async fn send_unauthenticated(&self, request: http::Request<Vec<u8>>) -> Result<reqwest::Response, Error> {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let response = self
            .http
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .header(http::header::USER_AGENT, self.user_agent.clone())
            .body(body)
            .send()
            .await
            .map_err(transport);
        tracing::debug!(elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX), "upload session request");
        response
    }
}

/// The range the session expects next, which it always has until the created item comes.
fn next_range<T>(upload: &Upload<T>) -> Result<std::ops::Range<u64>, Error> {
    upload
        .next_range()
        .ok_or_else(|| Error::Upload("the session expects no more bytes, but gave no item".to_owned()))
}

/// A chunk answer worth sending the chunk again for: throttled, or a server error.
fn retry_chunk(status: http::StatusCode) -> bool {
    status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS
}

/// Reads past `count` bytes the session already has.
async fn skip_exactly<R: AsyncRead + Unpin>(reader: &mut R, count: u64) -> Result<(), Error> {
    let skipped = tokio::io::copy(&mut (&mut *reader).take(count), &mut tokio::io::sink())
        .await
        .map_err(|e| Error::Upload(format!("reading the content: {e}")))?;
    if skipped < count {
        return Err(Error::Upload(format!("the content ended {} bytes early", count - skipped)));
    }
    Ok(())
}

/// Reads `count` more bytes into `buffer`.
async fn read_exactly<R: AsyncRead + Unpin>(reader: &mut R, buffer: &mut Vec<u8>, count: u64) -> Result<(), Error> {
    let read = (&mut *reader).take(count).read_to_end(buffer).await.map_err(|e| Error::Upload(format!("reading the content: {e}")))?;
    if (read as u64) < count {
        return Err(Error::Upload(format!("the content ended {} bytes early", count - read as u64)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::StaticToken;
    use crate::runtime::upload::CHUNK_GRANULARITY;
    use crate::runtime::NoContent;
    use futures_util::TryStreamExt;
    use std::sync::{Arc, Mutex};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

    fn client(server: &MockServer) -> Client {
        Client::builder(StaticToken("secret".to_owned()))
            .base_url(format!("{}/v1.0", server.uri()))
            .max_retries(2)
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap()
    }

    /// A server on `127.0.0.2`: another host than the client's `127.0.0.1`.
    async fn other_host() -> MockServer {
        let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
        MockServer::builder().listener(listener).start().await
    }

    fn media<T>(method: http::Method, path: &str) -> Request<T> {
        Request::new(method, path.to_owned(), http::StatusCode::OK)
    }

    #[tokio::test]
    async fn a_photo_down_and_up() {
        let server = MockServer::start().await;
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
        Mock::given(method("GET"))
            .and(path("/v1.0/me/photo/$value"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(jpeg.clone(), "image/jpeg"))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/v1.0/me/photo/$value"))
            .and(wiremock::matchers::header("content-type", "image/jpeg"))
            .and(wiremock::matchers::body_bytes(jpeg.clone()))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        let photo: Content = client.send(media(http::Method::GET, "/me/photo/$value")).await.unwrap();
        assert_eq!((photo.content_type(), photo.bytes()), ("image/jpeg", jpeg.as_slice()));
        let put = media::<NoContent>(http::Method::PUT, "/me/photo/$value").with_body(photo);
        client.send(put).await.unwrap();
    }

    /// A file's content and a report both answer with a redirect to another host: followed,
    /// without the token; a redirect that is not followed is a typed error naming where to.
    #[tokio::test]
    async fn downloads_through_a_redirect_to_another_host_without_the_token() {
        let server = MockServer::start().await;
        let storage = other_host().await;
        for (from, to) in [("/v1.0/drives/d/items/i/content", "/files/i"), ("/v1.0/reports/getEmailActivityCounts(period='D7')", "/reports/r")] {
            Mock::given(method("GET"))
                .and(path(from))
                .respond_with(ResponseTemplate::new(302).insert_header("Location", format!("{}{to}", storage.uri())))
                .mount(&server)
                .await;
        }
        Mock::given(method("GET"))
            .and(path("/files/i"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("hello", "text/plain"))
            .mount(&storage)
            .await;
        Mock::given(method("GET"))
            .and(path("/reports/r"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("Report Refresh Date,Send\n", "application/octet-stream"))
            .mount(&storage)
            .await;
        let client = client(&server);
        let file: Content = client.send(media(http::Method::GET, "/drives/d/items/i/content")).await.unwrap();
        assert_eq!((file.content_type(), file.bytes()), ("text/plain", &b"hello"[..]));
        let report = client.download(media(http::Method::GET, "/reports/getEmailActivityCounts(period='D7')")).await.unwrap();
        assert_eq!(report.content_type(), "application/octet-stream");
        let csv: Vec<bytes::Bytes> = report.into_stream().try_collect().await.unwrap();
        assert_eq!(csv.concat(), b"Report Refresh Date,Send\n");
        let received = storage.received_requests().await.unwrap();
        assert_eq!(received.len(), 2);
        assert!(received.iter().all(|r| !r.headers.contains_key("authorization")), "the storage host saw the token");

        // Sans-IO, with a client that does not follow redirects.
        let answer = http::Response::builder().status(302).header("Location", "https://dl.example.com/x").body(Vec::new()).unwrap();
        let error = media::<Content>(http::Method::GET, "/drives/d/items/i/content").parse_response(&answer).unwrap_err();
        assert!(matches!(&error, Error::Redirect { location: Some(l), .. } if l == "https://dl.example.com/x"), "{error}");
    }

    #[tokio::test]
    async fn a_50_mb_download_streams_in_pieces() {
        const SIZE: usize = 50 * 1024 * 1024;
        let server = MockServer::start().await;
        let content: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(content, "application/octet-stream"))
            .mount(&server)
            .await;
        let mut download = client(&server).download(media(http::Method::GET, "/drives/d/items/big/content")).await.unwrap();
        assert_eq!(download.content_length(), Some(SIZE as u64));
        let (mut total, mut largest, mut position) = (0usize, 0usize, 0usize);
        while let Some(piece) = download.chunk().await.unwrap() {
            assert!(piece.iter().enumerate().all(|(i, b)| *b == ((position + i) % 251) as u8));
            position += piece.len();
            total += piece.len();
            largest = largest.max(piece.len());
        }
        assert_eq!(total, SIZE);
        // Never more than a piece at a time in memory: pieces are network-sized.
        assert!(largest <= 1024 * 1024, "a piece of {largest} bytes");
    }

    /// An upload session that fails the `fail`-th chunk once with a 500, records every byte
    /// it takes, answers `GET` with the ranges it still expects, and `DELETE` by dropping all.
    struct Session {
        total: usize,
        fail: usize,
        state: Mutex<SessionState>,
    }

    #[derive(Default)]
    struct SessionState {
        received: Vec<u8>,
        chunks: usize,
        cancelled: bool,
        authorized: bool,
    }

    impl Respond for Session {
        fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
            let mut state = self.state.lock().unwrap();
            state.authorized |= request.headers.contains_key("authorization");
            if state.cancelled {
                return ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": {"code": "itemNotFound", "message": "no session"}}));
            }
            let expected = |received: usize| serde_json::json!({"nextExpectedRanges": [format!("{received}-")], "expirationDateTime": "2030-01-01T00:00:00Z"});
            match request.method.as_str() {
                "GET" => ResponseTemplate::new(200).set_body_json(expected(state.received.len())),
                "DELETE" => {
                    state.cancelled = true;
                    ResponseTemplate::new(204)
                }
                _ => {
                    state.chunks += 1;
                    if state.chunks == self.fail {
                        return ResponseTemplate::new(500);
                    }
                    let range = request.headers["content-range"].to_str().unwrap().to_owned();
                    let (span, total) = range.trim_start_matches("bytes ").split_once('/').unwrap();
                    let (start, end) = span.split_once('-').unwrap();
                    let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
                    assert_eq!(total.parse::<usize>().unwrap(), self.total);
                    assert_eq!(start, state.received.len(), "a chunk sent out of order");
                    assert_eq!(end + 1 - start, request.body.len());
                    state.received.extend_from_slice(&request.body);
                    if state.received.len() == self.total {
                        ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "item", "size": self.total}))
                    } else {
                        ResponseTemplate::new(202).set_body_json(expected(state.received.len()))
                    }
                }
            }
        }
    }

    async fn session(total: usize, fail: usize) -> (MockServer, Arc<Session>) {
        let server = other_host().await;
        let session = Arc::new(Session { total, fail, state: Mutex::default() });
        Mock::given(path("/upload/s1")).respond_with(SharedSession(session.clone())).mount(&server).await;
        (server, session)
    }

    struct SharedSession(Arc<Session>);

    impl Respond for SharedSession {
        fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
            self.0.respond(request)
        }
    }

    #[tokio::test]
    async fn a_10_mb_upload_resumes_after_a_failed_third_chunk() {
        const TOTAL: usize = 10 * 1024 * 1024;
        let content: Vec<u8> = (0..TOTAL).map(|i| (i % 253) as u8).collect();
        let graph = MockServer::start().await;
        let client = client(&graph);
        for from_reader in [false, true] {
            let (storage, session) = session(TOTAL, 3).await;
            let upload = Upload::<serde_json::Value>::new(format!("{}/upload/s1", storage.uri()), TOTAL as u64).chunk_size(8 * CHUNK_GRANULARITY);
            let mut reported = Vec::new();
            let progress = |done: u64, total: u64| reported.push((done, total));
            let item = if from_reader {
                client.upload_from(upload, std::io::Cursor::new(content.clone()), progress).await.unwrap()
            } else {
                client.upload(upload, &content, progress).await.unwrap()
            };
            assert_eq!(item["id"], "item");
            let state = session.state.lock().unwrap();
            assert!(state.received == content, "the bytes on the server differ");
            assert!(!state.authorized, "the upload URL saw the token");
            // 4 chunks of 2.5 MiB, the third sent twice.
            assert_eq!(state.chunks, 5);
            assert_eq!(reported.last(), Some(&(TOTAL as u64, TOTAL as u64)));
            assert!(reported.windows(2).all(|w| w[0].0 <= w[1].0), "{reported:?}");
        }
        assert!(graph.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_cancelled_session_and_an_expired_one() {
        let graph = MockServer::start().await;
        let client = client(&graph);
        let (storage, session) = session(1000, 0).await;
        let upload = Upload::<NoContent>::new(format!("{}/upload/s1", storage.uri()), 1000);
        client.cancel_upload(&upload).await.unwrap();
        let error = client.upload(upload, &[0; 1000], |_, _| {}).await.unwrap_err();
        assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND), "{error}");
        assert!(session.state.lock().unwrap().received.is_empty());

        let expired = Upload::<NoContent>::new(format!("{}/upload/s1", storage.uri()), 1000).expires_at("2020-01-01T00:00:00Z".parse().unwrap());
        let sent_before = storage.received_requests().await.unwrap().len();
        let error = client.upload(expired, &[0; 1000], |_, _| {}).await.unwrap_err();
        assert!(matches!(&error, Error::Upload(reason) if reason.contains("expired")), "{error}");
        assert_eq!(storage.received_requests().await.unwrap().len(), sent_before, "nothing is sent for an expired session");
    }
}

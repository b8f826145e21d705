//! Large uploads in sessions, sans-IO: a file over 4 MB, an Outlook attachment over 3 MB, a
//! print document. `createUploadSession` answers with an upload URL; the bytes then go to it in
//! chunks, each a `PUT` with its `Content-Range`, until the service answers with the created
//! item. [`Upload`] makes each request and reads each answer; any HTTP client sends them.
//!
//! The upload URL is pre-authenticated: none of these requests carries (or may carry) the
//! bearer token.

use std::marker::PhantomData;
use std::ops::Range;

use super::{DateTimeOffset, Error, ResponseBody};

/// Chunk sizes are multiples of this (320 KiB), as the service requires.
pub const CHUNK_GRANULARITY: u64 = 320 * 1024;

/// The largest chunk the service takes (60 MiB).
pub const MAX_CHUNK_SIZE: u64 = 192 * CHUNK_GRANULARITY;

/// The chunk size of a new upload: 5 MiB (16 × 320 KiB), as the official SDKs use.
pub const DEFAULT_CHUNK_SIZE: u64 = 16 * CHUNK_GRANULARITY;

/// One upload session: where the bytes go, how many there are, and which the service still
/// expects. `T` is what the last chunk's answer reads as (`DriveItem` for a file,
/// `NoContent` for an attachment, whose answer carries no body).
#[derive(Debug, Clone)]
pub struct Upload<T> {
    upload_url: String,
    total_size: u64,
    chunk_size: u64,
    /// The ranges the service still expects, from its last answer: `(start, end)`, `end`
    /// exclusive.
    expected: Vec<(u64, u64)>,
    expires: Option<DateTimeOffset>,
    response: PhantomData<fn() -> T>,
}

/// What an answer to a chunk says.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadStep<T> {
    /// The service took the chunk and expects more: send [`Upload::next_range`].
    Continue,
    /// The last chunk: the created item.
    Done(T),
}

/// What the service says of a session: the ranges it still expects and when it expires.
#[derive(serde::Deserialize)]
struct SessionStatus {
    #[serde(rename = "nextExpectedRanges", default)]
    next_expected_ranges: Vec<String>,
    #[serde(rename = "expirationDateTime", default)]
    expiration: Option<DateTimeOffset>,
}

impl<T> Upload<T> {
    /// An upload of `total_size` bytes to the `uploadUrl` of a session that
    /// `createUploadSession` returned.
    pub fn new(upload_url: impl Into<String>, total_size: u64) -> Self {
        Upload {
            upload_url: upload_url.into(),
            total_size,
            chunk_size: DEFAULT_CHUNK_SIZE,
            expected: vec![(0, total_size)],
            expires: None,
            response: PhantomData,
        }
    }

    /// An upload of `total_size` bytes through a session as `createUploadSession` returns it:
    /// its `uploadUrl`, `expirationDateTime` and `nextExpectedRanges` (the generated
    /// `UploadSession::upload` passes them).
    pub fn from_session(
        upload_url: Option<&str>,
        expiration: Option<DateTimeOffset>,
        next_expected_ranges: Option<&[String]>,
        total_size: u64,
    ) -> Result<Self, Error> {
        let Some(upload_url) = upload_url else {
            return Err(Error::Upload("the session has no uploadUrl".to_owned()));
        };
        let mut upload = Upload::new(upload_url, total_size);
        let status = SessionStatus { next_expected_ranges: next_expected_ranges.map(<[String]>::to_vec).unwrap_or_default(), expiration };
        if !status.next_expected_ranges.is_empty() {
            upload.expect(&status)?;
        }
        upload.expires = expiration;
        Ok(upload)
    }

    /// The session's `expirationDateTime`, so that [`Upload::is_expired`] can tell.
    pub fn expires_at(mut self, expiration: DateTimeOffset) -> Self {
        self.expires = Some(expiration);
        self
    }

    /// Chunks of at most this size: rounded down to a multiple of 320 KiB, within 320 KiB and
    /// 60 MiB.
    pub fn chunk_size(mut self, size: u64) -> Self {
        self.chunk_size = (size / CHUNK_GRANULARITY * CHUNK_GRANULARITY).clamp(CHUNK_GRANULARITY, MAX_CHUNK_SIZE);
        self
    }

    pub fn upload_url(&self) -> &str {
        &self.upload_url
    }

    pub fn total_size(&self) -> u64 {
        self.total_size
    }

    /// How many bytes the service has, by its last answer.
    pub fn uploaded(&self) -> u64 {
        let expected: u64 = self.expected.iter().map(|(start, end)| end - start).sum();
        self.total_size - expected.min(self.total_size)
    }

    /// Whether the session has expired by `now` (`false` when its expiry is unknown).
    pub fn is_expired(&self, now: std::time::SystemTime) -> bool {
        self.expires.is_some_and(|expires| chrono::DateTime::<chrono::Utc>::from(now) >= expires.as_chrono())
    }

    /// The bytes to send next: the start of the first range the service expects, as long as
    /// a chunk; `None` when it expects none.
    pub fn next_range(&self) -> Option<Range<u64>> {
        let &(start, end) = self.expected.first()?;
        Some(start..end.min(start + self.chunk_size))
    }

    /// The `PUT` of `bytes`, the bytes at `range` of the content, to the upload URL.
    pub fn chunk_request(&self, range: Range<u64>, bytes: Vec<u8>) -> Result<http::Request<Vec<u8>>, Error> {
        let fits = range.start < range.end && range.end <= self.total_size && range.end - range.start == bytes.len() as u64;
        if !fits {
            return Err(Error::Upload(format!("a chunk of {} bytes for {range:?} of {} bytes", bytes.len(), self.total_size)));
        }
        let last = range.end - 1;
        http::Request::put(&self.upload_url)
            .header(http::header::CONTENT_RANGE, format!("bytes {}-{last}/{}", range.start, self.total_size))
            .header(http::header::CONTENT_LENGTH, bytes.len())
            .body(bytes)
            .map_err(Error::Http)
    }

    /// The request that asks the service which ranges it still expects: after a failed chunk,
    /// or to resume a session in another process.
    pub fn status_request(&self) -> Result<http::Request<Vec<u8>>, Error> {
        http::Request::get(&self.upload_url).body(Vec::new()).map_err(Error::Http)
    }

    /// Reads the answer to [`Upload::status_request`].
    pub fn read_status<R: AsRef<[u8]>>(&mut self, response: &http::Response<R>) -> Result<(), Error> {
        let status: SessionStatus = super::parse_response(response)?;
        self.expect(&status)
    }

    /// The request that cancels the session: the service drops what it received.
    pub fn cancel_request(&self) -> Result<http::Request<Vec<u8>>, Error> {
        http::Request::delete(&self.upload_url).body(Vec::new()).map_err(Error::Http)
    }

    fn expect(&mut self, status: &SessionStatus) -> Result<(), Error> {
        let mut expected = Vec::with_capacity(status.next_expected_ranges.len());
        for range in &status.next_expected_ranges {
            // "start-end", "start-", or, for an Outlook attachment, "start" alone.
            let (start, end) = range.split_once('-').unwrap_or((range, ""));
            let parsed = Some((start, end)).and_then(|(start, end)| {
                let start: u64 = start.trim().parse().ok()?;
                let end = match end.trim() {
                    "" => self.total_size,
                    end => end.parse::<u64>().ok()?.checked_add(1)?,
                };
                (start < end && end <= self.total_size).then_some((start, end))
            });
            match parsed {
                Some(range) => expected.push(range),
                None => return Err(Error::Upload(format!("the service expects the range `{range}` of {} bytes", self.total_size))),
            }
        }
        self.expected = expected;
        if let Some(expiration) = status.expiration {
            self.expires = Some(expiration);
        }
        Ok(())
    }
}

impl<T: ResponseBody> Upload<T> {
    /// Reads the answer to a chunk: `202 Accepted` with the ranges the service expects next,
    /// or `200 OK`/`201 Created` with the created item when it has every byte.
    pub fn read_chunk_response<R: AsRef<[u8]>>(&mut self, response: &http::Response<R>) -> Result<UploadStep<T>, Error> {
        match response.status() {
            http::StatusCode::ACCEPTED => {
                let status: SessionStatus = super::parse_response(response)?;
                self.expect(&status)?;
                Ok(UploadStep::Continue)
            }
            _ => {
                let created = super::parse_response(response)?;
                self.expected.clear();
                Ok(UploadStep::Done(created))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::NoContent;

    fn answer(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn chunks_follow_the_ranges_the_service_expects() {
        let total = 2 * DEFAULT_CHUNK_SIZE + 100;
        let mut upload = Upload::<serde_json::Value>::new("https://up.example.com/s/1", total);
        let first = upload.next_range().unwrap();
        assert_eq!(first, 0..DEFAULT_CHUNK_SIZE);
        let request = upload.chunk_request(first.clone(), vec![7; DEFAULT_CHUNK_SIZE as usize]).unwrap();
        assert_eq!(request.method(), http::Method::PUT);
        assert_eq!(request.uri(), "https://up.example.com/s/1");
        assert_eq!(request.headers()["content-range"], format!("bytes 0-{}/{total}", DEFAULT_CHUNK_SIZE - 1).as_str());
        assert!(request.headers().get("authorization").is_none());

        let accepted = format!(r#"{{"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": ["{}-"]}}"#, DEFAULT_CHUNK_SIZE);
        assert_eq!(upload.read_chunk_response(&answer(202, &accepted)).unwrap(), UploadStep::Continue);
        assert_eq!(upload.uploaded(), DEFAULT_CHUNK_SIZE);
        assert_eq!(upload.next_range(), Some(DEFAULT_CHUNK_SIZE..2 * DEFAULT_CHUNK_SIZE));
        assert!(!upload.is_expired(std::time::SystemTime::now()));

        // The service lost a piece: it says so, and the next chunk starts there.
        upload.read_status(&answer(200, r#"{"nextExpectedRanges": ["100-199", "5000-"]}"#)).unwrap();
        assert_eq!(upload.next_range(), Some(100..200));
        assert_eq!(upload.uploaded(), 4900);

        let done = upload.read_chunk_response(&answer(201, r#"{"id": "item", "size": 1}"#)).unwrap();
        assert_eq!(done, UploadStep::Done(serde_json::json!({"id": "item", "size": 1})));
        assert_eq!(upload.next_range(), None);
    }

    #[test]
    fn sizes_ranges_and_errors_are_checked() {
        let upload = Upload::<NoContent>::new("https://up.example.com/s/2", 1000).chunk_size(1);
        assert_eq!(upload.next_range(), Some(0..1000));
        assert_eq!(Upload::<NoContent>::new("u", 1).chunk_size(u64::MAX).chunk_size, MAX_CHUNK_SIZE);
        assert_eq!(Upload::<NoContent>::new("u", 1).chunk_size(CHUNK_GRANULARITY * 3 + 5).chunk_size, CHUNK_GRANULARITY * 3);
        assert!(matches!(upload.chunk_request(0..10, vec![0; 9]), Err(Error::Upload(_))));
        assert!(matches!(upload.chunk_request(990..1010, vec![0; 20]), Err(Error::Upload(_))));

        let mut upload = upload.expires_at("2001-01-01T00:00:00Z".parse().unwrap());
        assert!(upload.is_expired(std::time::SystemTime::now()));
        let gone = upload.read_chunk_response(&answer(404, r#"{"error": {"code": "itemNotFound", "message": "gone"}}"#));
        assert!(matches!(gone, Err(Error::Graph { status, .. }) if status == 404));
        let odd = upload.read_status(&answer(200, r#"{"nextExpectedRanges": ["900-2000"]}"#));
        assert!(matches!(odd, Err(Error::Upload(_))));
        // An Outlook attachment's session names where the next chunk starts, alone.
        upload.read_status(&answer(200, r#"{"nextExpectedRanges": ["400"]}"#)).unwrap();
        assert_eq!(upload.next_range(), Some(400..1000));

        let session = Upload::<NoContent>::from_session(Some("https://up.example.com/s/3"), None, Some(&["10-".to_owned()]), 100).unwrap();
        assert_eq!((session.upload_url(), session.next_range()), ("https://up.example.com/s/3", Some(10..100)));
        assert!(matches!(Upload::<NoContent>::from_session(None, None, None, 1), Err(Error::Upload(_))));
        assert_eq!(upload.cancel_request().unwrap().method(), http::Method::DELETE);
    }
}

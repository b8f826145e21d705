//! Why a call failed: the Graph error object, the typed [`Error`], and what identifies an
//! answer in a support case.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::batch::BatchError;

/// The error object Graph returns with an error status: `{"error": {"code", "message", ...}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(rename = "innerError", default, skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<GraphError>,
    /// Anything else the service sent.
    #[serde(flatten)]
    pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: GraphError,
}

/// Why a request could not be built, sent, or its response read.
///
/// Non-exhaustive: match the variants you handle and leave the rest to a `_` arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status and a Graph error object (boxed: it is
    /// large, and errors are the rare path).
    Graph {
        status: http::StatusCode,
        error: Box<GraphError>,
        /// How long to wait before sending the request again, from the `Retry-After` header of
        /// a throttled (429), unavailable (503) or timed-out (504) answer.
        retry_after: Option<std::time::Duration>,
        /// What identifies the answer in a support case.
        ids: Box<ResponseIds>,
    },
    /// The service answered with an error status and a body that is not a Graph error.
    Status {
        status: http::StatusCode,
        body: Vec<u8>,
        /// As for [`Error::Graph`].
        retry_after: Option<std::time::Duration>,
        ids: Box<ResponseIds>,
    },
    /// A success answer whose body does not read as the documented type: the answer as it
    /// came, and why it does not read.
    Decode {
        status: http::StatusCode,
        headers: Box<http::HeaderMap>,
        body: Vec<u8>,
        source: serde_json::Error,
    },
    /// The service answered with a redirect the HTTP client did not follow: a download (a
    /// file's content, a report) is at `location`, a pre-authenticated URL on another host,
    /// to be fetched without the bearer token.
    Redirect {
        status: http::StatusCode,
        location: Option<String>,
    },
    /// The request could not be written: nothing was sent.
    Encode(EncodeError),
    /// An HTTP message could not be made from its parts (a base URL that is not a URL, a
    /// header a batch response carries that HTTP does not allow).
    Http(http::Error),
    /// A batch could not be made, or a result not read from it.
    Batch(BatchError),
    /// An upload session could not go on: a chunk that does not fit the content, a range the
    /// service expects that does not, a session that expired.
    Upload(String),
    /// The request could not be sent, or its response not received.
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// The token provider gave no token.
    Token(Box<dyn std::error::Error + Send + Sync>),
    /// The client would have sent the bearer token to a host it does not trust (a link to
    /// another host, a base URL over plain HTTP): nothing was sent.
    Untrusted {
        url: String,
        reason: &'static str,
    },
}

/// Why a request could not be written.
#[derive(Debug)]
#[non_exhaustive]
pub enum EncodeError {
    /// The body does not serialize as JSON.
    Body(serde_json::Error),
    /// A header name or value HTTP does not allow (or, in a batch, a value that is not text).
    Header { name: String },
    /// Query options were set on a request that follows a link: the link carries the whole
    /// query the service wants, and the service reads no other.
    QueryOnLink { link: String },
    /// A link that a batch cannot carry: it is not under the batch's base URL.
    LinkOutsideBase { link: String, base_url: String },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Body(error) => write!(f, "the body does not serialize as JSON: {error}"),
            EncodeError::Header { name } => write!(f, "header `{name}`: a name or value HTTP does not allow"),
            EncodeError::QueryOnLink { link } => {
                write!(f, "query options set on a request that follows the link {link}, which carries its own")
            }
            EncodeError::LinkOutsideBase { link, base_url } => write!(f, "the link {link} is not under the base URL {base_url}"),
        }
    }
}

impl std::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EncodeError::Body(error) => Some(error),
            _ => None,
        }
    }
}

/// The numbers a Microsoft support case asks for first, from an answer: its headers, or the
/// `innerError` of its body when the headers do not carry them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseIds {
    /// The service's id of the request (`request-id`).
    pub request_id: Option<String>,
    /// The caller's id of the request, as the service echoes it (`client-request-id`).
    pub client_request_id: Option<String>,
    /// When the service answered (`Date`).
    pub date: Option<String>,
}

impl ResponseIds {
    /// The ids an answer's headers carry, or else its error body's `innerError`.
    pub fn of(headers: &http::HeaderMap, inner_error: Option<&serde_json::Value>) -> ResponseIds {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let inner = |name: &str| inner_error.and_then(|e| e.get(name)).and_then(serde_json::Value::as_str).map(str::to_owned);
        ResponseIds {
            request_id: header("request-id").or_else(|| inner("request-id")),
            client_request_id: header("client-request-id").or_else(|| inner("client-request-id")),
            date: header("date").or_else(|| inner("date")),
        }
    }
}

impl fmt::Display for ResponseIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids = [("request-id", &self.request_id), ("client-request-id", &self.client_request_id), ("date", &self.date)];
        let known: Vec<String> = ids.iter().filter_map(|(name, value)| Some(format!("{name}: {}", value.as_deref()?))).collect();
        if !known.is_empty() {
            write!(f, " ({})", known.join(", "))?;
        }
        Ok(())
    }
}

/// Whether an answer with this status may be sent again unchanged: throttled (429), service
/// unavailable (503) or gateway timeout (504).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 503 | 504)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Graph { status, error, ids, .. } => write!(f, "Graph error {status}: {}: {}{ids}", error.code, error.message),
            Error::Status { status, body, ids, .. } => {
                write!(f, "HTTP {status}: {}{ids}", String::from_utf8_lossy(body))
            }
            Error::Decode { status, headers, source, .. } => {
                let ids = ResponseIds::of(headers, None);
                write!(f, "the {status} answer does not read as the documented type: {source}{ids}")
            }
            Error::Redirect { status, location } => match location {
                Some(location) => write!(f, "{status}: redirected to {location}, which the HTTP client did not follow"),
                None => write!(f, "{status}: a redirect without a Location"),
            },
            Error::Encode(error) => write!(f, "the request could not be written: {error}"),
            Error::Http(error) => write!(f, "invalid HTTP message: {error}"),
            Error::Batch(error) => write!(f, "batch: {error}"),
            Error::Upload(reason) => write!(f, "upload: {reason}"),
            Error::Transport(error) => write!(f, "sending the request failed: {error}"),
            Error::Token(error) => write!(f, "no access token: {error}"),
            Error::Untrusted { url, reason } => write!(f, "not sent to {url}: {reason}"),
        }
    }
}

impl Error {
    /// The status the service answered with, for an error answer or one that does not read.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Graph { status, .. }
            | Error::Status { status, .. }
            | Error::Decode { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the service throttled the request, was unavailable or timed out (429, 503,
    /// 504): the same request can be sent again, after [`Error::retry_after`] when the service
    /// said.
    pub fn is_throttled(&self) -> bool {
        matches!(self, Error::Graph { .. } | Error::Status { .. })
            && self.status().is_some_and(|status| is_retryable_status(status.as_u16()))
    }

    /// The ids of an error answer: see [`ResponseIds`].
    pub fn ids(&self) -> Option<&ResponseIds> {
        match self {
            Error::Graph { ids, .. } | Error::Status { ids, .. } => Some(ids),
            _ => None,
        }
    }

    /// The service's `request-id` of an error answer.
    pub fn request_id(&self) -> Option<&str> {
        self.ids()?.request_id.as_deref()
    }

    /// The `client-request-id` of an error answer.
    pub fn client_request_id(&self) -> Option<&str> {
        self.ids()?.client_request_id.as_deref()
    }

    /// When the service gave an error answer (its `Date`).
    pub fn date(&self) -> Option<&str> {
        self.ids()?.date.as_deref()
    }

    /// The wait the service asked for with `Retry-After` (seconds, or an HTTP date), if any.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Graph { retry_after, .. } | Error::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The error of an answer with an error status: a typed Graph error when the body is one.
    pub(crate) fn from_status(status: http::StatusCode, headers: &http::HeaderMap, body: &[u8]) -> Error {
        let retry_after = retry_after(headers);
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(ErrorBody { error }) => {
                let ids = Box::new(ResponseIds::of(headers, error.inner_error.as_ref()));
                Error::Graph { status, error: Box::new(error), retry_after, ids }
            }
            Err(_) => Error::Status { status, body: body.to_vec(), retry_after, ids: Box::new(ResponseIds::of(headers, None)) },
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Encode(error) => Some(error),
            Error::Http(error) => Some(error),
            Error::Batch(error) => Some(error),
            Error::Transport(error) | Error::Token(error) => Some(error.as_ref()),
            Error::Graph { .. }
            | Error::Status { .. }
            | Error::Redirect { .. }
            | Error::Upload(_)
            | Error::Untrusted { .. } => None,
        }
    }
}

impl From<EncodeError> for Error {
    fn from(error: EncodeError) -> Self {
        Error::Encode(error)
    }
}

/// `Retry-After` as a wait: delay-seconds, or an HTTP date (a wait of zero once it is past).
pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(std::time::Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(date.timestamp()).ok()?);
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        pairs.iter().map(|(name, value)| (http::HeaderName::from_static(name), value.parse().unwrap())).collect()
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_ignores_what_is_neither() {
        assert_eq!(retry_after(&headers(&[("retry-after", " 7 ")])), Some(std::time::Duration::from_secs(7)));
        assert_eq!(retry_after(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")])), Some(std::time::Duration::ZERO));
        let soon = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now() + std::time::Duration::from_secs(120)).to_rfc2822();
        let wait = retry_after(&headers(&[("retry-after", &soon)])).unwrap();
        assert!(wait > std::time::Duration::from_secs(100) && wait <= std::time::Duration::from_secs(120), "{wait:?}");
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(retry_after(&headers(&[])), None);
    }

    #[test]
    fn an_error_status_reads_as_a_graph_error_with_its_ids_or_as_the_bytes_it_came_with() {
        let body = br#"{"error": {"code": "TooManyRequests", "message": "slow down",
                        "innerError": {"request-id": "inner-id", "date": "2021-01-01T00:00:00"}}}"#;
        let error = Error::from_status(http::StatusCode::TOO_MANY_REQUESTS, &headers(&[("retry-after", "3")]), body);
        assert!(error.is_throttled());
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(3)));
        assert_eq!(error.request_id(), Some("inner-id"));
        assert!(error.to_string().contains("request-id: inner-id"), "{error}");

        let error = Error::from_status(http::StatusCode::BAD_GATEWAY, &headers(&[("request-id", "header-id")]), b"<html>");
        assert!(matches!(&error, Error::Status { body, .. } if body == b"<html>"));
        assert_eq!(error.request_id(), Some("header-id"));
        assert!(!error.is_throttled());
    }
}

//! Support shared by the generated modules: the request value every endpoint function returns,
//! response parsing, the Graph error, collections, and the Rust types Graph primitives map to.
//!
//! Requests are sans-IO: a [`Request`] turns into an [`http::Request`] for whatever HTTP client
//! you use, and [`Request::parse_response`] reads the [`http::Response`] you got back.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod batch;
mod delta;
mod object;
/// Helpers for the tests generated from the pages' examples.
#[cfg(test)]
// A crate whose pages have no example of some kind (no typed path parameter, no request body)
// leaves the matching helper unused.
#[allow(dead_code)]
pub(crate) mod testing;

pub use batch::{
    Batch, BatchBody, BatchError, BatchHandle, BatchItem, BatchItemResponse, BatchRequest, BatchResponse, BatchResults,
};
pub use delta::{Delta, RemovalReason};
pub use object::{deserialize_object, read, Object, ObjectWriter};
use object::Text;

/// The service root that [`Request::into_http`] prefixes paths with.
pub const BASE_URL: &str = "https://graph.microsoft.com/v1.0";

/// `Edm.DateTimeOffset`: an instant with its UTC offset.
///
/// A thin wrapper over [`chrono::DateTime<FixedOffset>`](chrono::DateTime) that also remembers
/// how the instant was written (digits of fractional seconds, `Z` or `+hh:mm` or no offset), so
/// that a value read from Graph is written back exactly as it came: Graph writes seven
/// fractional digits, which chrono alone would rewrite as nine. Equality, ordering and hashing
/// look at the instant only.
#[derive(Debug, Clone, Copy)]
pub struct DateTimeOffset {
    value: chrono::DateTime<chrono::FixedOffset>,
    style: TimestampStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TimestampStyle {
    fraction_digits: u8,
    offset: OffsetStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetStyle {
    Zulu,
    Numeric,
    /// No offset was written; the instant was read as UTC.
    Absent,
}

impl DateTimeOffset {
    /// The instant as a chrono value.
    pub fn as_chrono(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.value
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for DateTimeOffset {
    fn from(value: chrono::DateTime<chrono::FixedOffset>) -> Self {
        let fraction_digits = match value.timestamp_subsec_nanos() {
            0 => 0,
            n if n % 1_000_000 == 0 => 3,
            n if n % 100 == 0 => 7,
            _ => 9,
        };
        let offset = if value.offset().local_minus_utc() == 0 { OffsetStyle::Zulu } else { OffsetStyle::Numeric };
        DateTimeOffset { value, style: TimestampStyle { fraction_digits, offset } }
    }
}

impl From<chrono::DateTime<chrono::Utc>> for DateTimeOffset {
    fn from(value: chrono::DateTime<chrono::Utc>) -> Self {
        DateTimeOffset::from(value.fixed_offset())
    }
}

impl PartialEq for DateTimeOffset {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for DateTimeOffset {}

impl PartialOrd for DateTimeOffset {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeOffset {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl std::hash::Hash for DateTimeOffset {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl std::str::FromStr for DateTimeOffset {
    type Err = chrono::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (value, offset) = match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(value) => {
                let zulu = text.ends_with(['Z', 'z']);
                (value, if zulu { OffsetStyle::Zulu } else { OffsetStyle::Numeric })
            }
            Err(error) => match chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
                Ok(naive) => (naive.and_utc().fixed_offset(), OffsetStyle::Absent),
                Err(_) => return Err(error),
            },
        };
        let fraction_digits = text
            .split_once('.')
            .map_or(0, |(_, rest)| rest.chars().take_while(char::is_ascii_digit).count().min(9) as u8);
        Ok(DateTimeOffset { value, style: TimestampStyle { fraction_digits, offset } })
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value.format("%Y-%m-%dT%H:%M:%S"))?;
        let digits = usize::from(self.style.fraction_digits);
        if digits > 0 {
            let nanos = format!("{:09}", self.value.timestamp_subsec_nanos() % 1_000_000_000);
            write!(f, ".{}", &nanos[..digits.min(9)])?;
        }
        match self.style.offset {
            OffsetStyle::Zulu if self.value.offset().local_minus_utc() == 0 => f.write_str("Z"),
            OffsetStyle::Absent => Ok(()),
            _ => write!(f, "{}", self.value.format("%:z")),
        }
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTimeOffset {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(text) = Text::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
/// `Edm.Date`.
pub type Date = chrono::NaiveDate;
/// `Edm.TimeOfDay`.
pub type TimeOfDay = chrono::NaiveTime;
/// `Edm.Guid`.
pub type Guid = uuid::Uuid;

/// `Edm.Duration`: an ISO 8601 duration such as `PT1H30M`, kept as written so that it
/// round-trips exactly (Graph durations may carry years and months, which have no fixed length).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(pub String);

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Edm.Binary` and `Edm.Stream`: bytes, written in JSON as base64.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64Bytes(pub Vec<u8>);

impl Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine;
        let text = String::deserialize(deserializer)?;
        // Graph writes standard base64; URL-safe and unpadded forms are accepted too.
        let engines = [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::URL_SAFE,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        engines
            .iter()
            .find_map(|engine| engine.decode(text.trim()).ok())
            .map(Base64Bytes)
            .ok_or_else(|| serde::de::Error::custom("invalid base64"))
    }
}

/// A page of a collection: `{"value": [...], "@odata.nextLink": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collection<T> {
    pub value: Vec<T>,
    /// The URL of the next page, when there is one.
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    /// The delta link that ends a delta query.
    #[serde(rename = "@odata.deltaLink", default, skip_serializing_if = "Option::is_none")]
    pub delta_link: Option<String>,
    /// The total count, when `$count=true` was asked for.
    #[serde(rename = "@odata.count", default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Other control information (`@odata.context`, ...), kept so a round trip loses nothing.
    #[serde(flatten)]
    pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            value: Vec::new(),
            next_link: None,
            delta_link: None,
            count: None,
            additional_properties: std::collections::BTreeMap::new(),
        }
    }
}

/// A single primitive result, which OData wraps as `{"value": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Single<T> {
    pub value: T,
    /// Control information (`@odata.context`, ...).
    #[serde(flatten)]
    pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,
}

// Read by hand rather than derived: a derived `Deserialize` with `flatten` would buffer the
// whole page into serde's intermediate tree before reading a single item.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Collection<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<fn() -> T>);

        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for PageVisitor<T> {
            type Value = Collection<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a collection object with `value`")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut value = None;
                let mut page = Collection::default();
                while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
                    match &*name {
                        "value" => value = Some(map.next_value()?),
                        "@odata.nextLink" => page.next_link = map.next_value()?,
                        "@odata.deltaLink" => page.delta_link = map.next_value()?,
                        "@odata.count" => page.count = map.next_value()?,
                        _ => {
                            let other = map.next_value()?;
                            page.additional_properties.insert(name.into_owned(), other);
                        }
                    }
                }
                page.value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
                Ok(page)
            }
        }

        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Single<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SingleVisitor<T>(PhantomData<fn() -> T>);

        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for SingleVisitor<T> {
            type Value = Single<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with `value`")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut value = None;
                let mut additional_properties = std::collections::BTreeMap::new();
                while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
                    if name == "value" {
                        value = Some(map.next_value()?);
                    } else {
                        additional_properties.insert(name.into_owned(), map.next_value()?);
                    }
                }
                let value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
                Ok(Single { value, additional_properties })
            }
        }

        deserializer.deserialize_map(SingleVisitor(PhantomData))
    }
}

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
    /// A success response whose body is not the documented type.
    Body(serde_json::Error),
    /// The request could not be built (an invalid header value, for instance).
    Http(http::Error),
    /// A batch could not be made, or a result not read from it.
    Batch(BatchError),
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

/// The numbers a Microsoft support case asks for first, from an error answer: its headers, or
/// the `innerError` of its body when the headers do not carry them.
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
    fn of<R>(response: &http::Response<R>, inner_error: Option<&serde_json::Value>) -> ResponseIds {
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
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
            Error::Body(error) => write!(f, "unexpected response body: {error}"),
            Error::Http(error) => write!(f, "invalid request: {error}"),
            Error::Batch(error) => write!(f, "batch: {error}"),
            Error::Transport(error) => write!(f, "sending the request failed: {error}"),
            Error::Token(error) => write!(f, "no access token: {error}"),
            Error::Untrusted { url, reason } => write!(f, "not sent to {url}: {reason}"),
        }
    }
}

impl Error {
    /// The status the service answered with, for an error answer.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Graph { status, .. } | Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the service throttled the request, was unavailable or timed out (429, 503,
    /// 504): the same request can be sent again, after [`Error::retry_after`] when the service
    /// said.
    pub fn is_throttled(&self) -> bool {
        self.status().is_some_and(|status| is_retryable_status(status.as_u16()))
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
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Body(error) => Some(error),
            Error::Http(error) => Some(error),
            Error::Transport(error) | Error::Token(error) => Some(error.as_ref()),
            Error::Graph { .. } | Error::Status { .. } | Error::Batch(_) | Error::Untrusted { .. } => None,
        }
    }
}

impl std::error::Error for BatchError {}

/// The body of a request that sends none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoBody;

impl Serialize for NoBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

/// The answer of an operation documented without a body (`204 No Content`, or a `200` or
/// `201` whose page shows none). Whatever the service sends is accepted and ignored: nothing,
/// an `@odata.context`, a representation after `Prefer: return=representation`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoContent;

impl<'de> Deserialize<'de> for NoContent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| NoContent)
    }
}

/// A value that can stand in a URL path: written as text, then percent-encoded.
pub trait PathValue {
    fn to_path_text(&self) -> String;
}

impl PathValue for str {
    fn to_path_text(&self) -> String {
        self.to_owned()
    }
}

impl<T: PathValue + ?Sized> PathValue for &T {
    fn to_path_text(&self) -> String {
        (**self).to_path_text()
    }
}

macro_rules! path_value_by_display {
    ($($ty:ty),*) => {
        $(impl PathValue for $ty {
            fn to_path_text(&self) -> String {
                self.to_string()
            }
        })*
    };
}

path_value_by_display!(String, bool, u8, i8, i16, i32, i64, f32, f64, Guid, Date, TimeOfDay, Duration);

impl PathValue for DateTimeOffset {
    fn to_path_text(&self) -> String {
        self.to_string()
    }
}

/// Characters left as they are in a path value: RFC 3986 unreserved characters plus the
/// sub-delimiters and `:`/`@` that path segments allow and Graph ids use. `+` is encoded: Graph
/// reads a raw one as a space.
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Encodes a value that is a path segment of its own, a key (`/users/{id}`): the value as it
/// is (`o'neil@contoso.com` stays one user), every character a segment reserves percent-encoded
/// (`/`, `?`, `#`, `%`, `+`...), and a leading `$`, which Graph would read as a system segment
/// such as `$value`.
pub fn key_segment(value: impl PathValue) -> String {
    let text = value.to_path_text();
    let encoded = percent_encoding::utf8_percent_encode(&text, PATH_VALUE).to_string();
    match encoded.strip_prefix('$') {
        Some(rest) => format!("%24{rest}"),
        None => encoded,
    }
}

/// Encodes a value written between quotes in a path, as an OData string literal
/// (`search(q='{q}')`): each quote doubled, as the literal requires, then percent-encoded as a
/// path value.
pub fn string_literal(value: impl PathValue) -> String {
    let text = value.to_path_text().replace('\'', "''");
    percent_encoding::utf8_percent_encode(&text, PATH_VALUE).to_string()
}

/// Encodes a value that stands inside a segment without quotes (`range(address={address})`,
/// `{item-path}:`): percent-encoded as a path value.
pub fn segment_value(value: impl PathValue) -> String {
    percent_encoding::utf8_percent_encode(&value.to_path_text(), PATH_VALUE).to_string()
}

/// Appends text to a path, in the same buffer: each step of the navigation surface
/// (`users().id(..).messages()`) extends the one `String` its first step allocated.
#[doc(hidden)]
pub fn extend_path(mut path: String, pieces: &[&str]) -> String {
    path.reserve(pieces.iter().map(|piece| piece.len()).sum());
    for piece in pieces {
        path.push_str(piece);
    }
    path
}

/// Characters encoded in a query string component.
const QUERY_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b',')
    .remove(b'(')
    .remove(b')')
    .remove(b'\'')
    .remove(b'/')
    .remove(b':');

/// A request to one Graph operation, not yet sent. `T` is the documented response type and `B`
/// the body type.
#[must_use = "a request does nothing until it is sent: hand it to a client, or turn it into an `http::Request`"]
pub struct Request<T, B = NoBody> {
    method: http::Method,
    path: String,
    /// An absolute URL the service handed out (`@odata.nextLink`, `@odata.deltaLink`), sent as
    /// given instead of the service root, path and query.
    link: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<B>,
    success: http::StatusCode,
    response: PhantomData<fn() -> T>,
}

// By hand rather than derived: a derive would ask the response type `T` for the trait too.
impl<T, B: Clone> Clone for Request<T, B> {
    fn clone(&self) -> Self {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            link: self.link.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            success: self.success,
            response: PhantomData,
        }
    }
}

impl<T, B: PartialEq> PartialEq for Request<T, B> {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method
            && self.path == other.path
            && self.link == other.link
            && self.query == other.query
            && self.headers == other.headers
            && self.body == other.body
            && self.success == other.success
    }
}

impl<T, B: fmt::Debug> fmt::Debug for Request<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("response", &std::any::type_name::<T>())
            .field("method", &self.method)
            .field("path", &self.path)
            .field("link", &self.link)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish()
    }
}

impl<T> Request<T, NoBody> {
    /// A request with no body. `path` must already be percent-encoded.
    pub fn new(method: http::Method, path: String, success: http::StatusCode) -> Self {
        Request {
            method,
            path,
            link: None,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            success,
            response: PhantomData,
        }
    }

    /// The same request with a JSON body.
    pub fn with_body<B: Serialize>(self, body: B) -> Request<T, B> {
        Request {
            method: self.method,
            path: self.path,
            link: self.link,
            query: self.query,
            headers: self.headers,
            body: Some(body),
            success: self.success,
            response: PhantomData,
        }
    }
}

impl<T, B> Request<T, B> {
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The percent-encoded path, from the service root (`/me/insights/shared`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Query parameters, not yet encoded, in the order they were added.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    pub fn body(&self) -> Option<&B> {
        self.body.as_ref()
    }

    /// The status the documentation says a success returns.
    pub fn success_status(&self) -> http::StatusCode {
        self.success
    }

    /// Path and encoded query string, as they go on the request line (for a request that
    /// follows a link, the link's own path and query).
    pub fn path_and_query(&self) -> String {
        if let Some(link) = &self.link {
            return match link.parse::<http::Uri>() {
                Ok(uri) => uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
                Err(_) => link.clone(),
            };
        }
        let mut target = self.path.clone();
        for (i, (name, value)) in self.query.iter().enumerate() {
            target.push(if i == 0 { '?' } else { '&' });
            target.extend(percent_encoding::utf8_percent_encode(name, QUERY_COMPONENT));
            target.push('=');
            target.extend(percent_encoding::utf8_percent_encode(value, QUERY_COMPONENT));
        }
        target
    }

    /// Adds any query parameter; a later value for the same name (in any case, as Graph reads
    /// names) replaces the earlier one.
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.query.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.query.push((name, value.into()));
        self
    }

    /// Sets a request header; a later value for the same name (in any case, as HTTP reads
    /// names) replaces the earlier one. Several values of one header go in one value, separated
    /// by commas (`Prefer: return=minimal, odata.maxpagesize=50`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// `$select`: the properties to return.
    pub fn select<S: AsRef<str>>(self, properties: &[S]) -> Self {
        self.query_param("$select", join(properties))
    }

    /// `$expand`: the relationships to include.
    pub fn expand<S: AsRef<str>>(self, relationships: &[S]) -> Self {
        self.query_param("$expand", join(relationships))
    }

    /// `$filter`: an OData filter expression.
    pub fn filter(self, expression: impl Into<String>) -> Self {
        self.query_param("$filter", expression)
    }

    /// `$orderby`: `property [asc|desc]`, comma-separated.
    pub fn order_by(self, expression: impl Into<String>) -> Self {
        self.query_param("$orderby", expression)
    }

    /// `$search`: a search expression.
    pub fn search(self, expression: impl Into<String>) -> Self {
        self.query_param("$search", expression)
    }

    /// `$top`: the page size.
    pub fn top(self, count: u32) -> Self {
        self.query_param("$top", count.to_string())
    }

    /// `$skip`: how many items to skip.
    pub fn skip(self, count: u32) -> Self {
        self.query_param("$skip", count.to_string())
    }

    /// `$count`: whether to include the total count.
    pub fn count(self, include: bool) -> Self {
        self.query_param("$count", include.to_string())
    }
}

impl<T, B: Serialize> Request<T, B> {
    /// The request for an HTTP client, against [`BASE_URL`].
    pub fn into_http(self) -> Result<http::Request<Vec<u8>>, Error> {
        self.to_http_at(BASE_URL)
    }

    /// The request for an HTTP client, against another service root (`/beta`, a national cloud).
    pub fn into_http_at(self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        self.to_http_at(base_url)
    }

    /// [`Request::into_http`] without giving the request up: it is still there to read the
    /// response with ([`Request::parse_response`]) or to send again.
    pub fn to_http(&self) -> Result<http::Request<Vec<u8>>, Error> {
        self.to_http_at(BASE_URL)
    }

    /// [`Request::into_http_at`] without giving the request up.
    pub fn to_http_at(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        let uri = match &self.link {
            // Absolute and opaque: the service's own link, never rebuilt.
            Some(link) => link.clone(),
            None => format!("{}{}", base_url.trim_end_matches('/'), self.path_and_query()),
        };
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(uri);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = match &self.body {
            Some(body) => {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
                serde_json::to_vec(body).map_err(Error::Body)?
            }
            None => Vec::new(),
        };
        builder.body(body).map_err(Error::Http)
    }
}

impl<E, B> Request<Collection<E>, B> {
    /// The request for the page after `page`: a `GET` of the `@odata.nextLink` URL as the
    /// service gave it, with this request's headers (`ConsistencyLevel`, `Prefer`...). A link
    /// is fetched with `GET` whatever the first request was: the next page of a `POST` that
    /// returns a collection (`getByIds`) is not a second `POST`. `None` on the last page.
    pub fn next_page(&self, page: &Collection<E>) -> Option<Self> {
        self.following(page.next_link.as_ref()?)
    }

    /// The request of the next delta round: a `GET` of the `@odata.deltaLink` that ends the
    /// last page of a delta query, with this request's headers. `None` when `page` carries none
    /// (it is not the last page: follow [`Request::next_page`] first).
    pub fn next_delta_round(&self, page: &Collection<E>) -> Option<Self> {
        self.following(page.delta_link.as_ref()?)
    }

    fn following(&self, link: &str) -> Option<Self> {
        Some(Request {
            method: http::Method::GET,
            path: self.path.clone(),
            link: Some(link.to_owned()),
            // The link carries the whole query (`$skiptoken`, the options it was asked with).
            query: Vec::new(),
            headers: self.headers.clone(),
            body: None,
            success: http::StatusCode::OK,
            response: PhantomData,
        })
    }
}

impl<T: DeserializeOwned, B> Request<T, B> {
    /// Reads the response: the documented type on success (an empty body reads as JSON `null`,
    /// so operations that return nothing use `()`), a typed [`GraphError`] otherwise.
    pub fn parse_response<R: AsRef<[u8]>>(&self, response: &http::Response<R>) -> Result<T, Error> {
        parse_response(response)
    }
}

/// Reads a response as `T` on success, or as a Graph error.
pub fn parse_response<T: DeserializeOwned, R: AsRef<[u8]>>(response: &http::Response<R>) -> Result<T, Error> {
    let status = response.status();
    let body = response.body().as_ref();
    if status.is_success() {
        let body = if body.iter().all(u8::is_ascii_whitespace) { b"null".as_slice() } else { body };
        return serde_json::from_slice(body).map_err(Error::Body);
    }
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { error }) => {
            let ids = Box::new(ResponseIds::of(response, error.inner_error.as_ref()));
            Err(Error::Graph { status, error: Box::new(error), retry_after: retry_after(response), ids })
        }
        Err(_) => Err(Error::Status { status, body: body.to_vec(), retry_after: retry_after(response), ids: Box::new(ResponseIds::of(response, None)) }),
    }
}

/// `Retry-After` as a wait: delay-seconds, or an HTTP date (a wait of zero once it is past).
pub(crate) fn retry_after<R>(response: &http::Response<R>) -> Option<std::time::Duration> {
    let value = response.headers().get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(std::time::Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(date.timestamp()).ok()?);
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

fn join<S: AsRef<str>>(items: &[S]) -> String {
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(",")
}

/// The members of a flags enum that a value combines, written as Graph writes them: `"a,b"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Flags<E>(pub Vec<E>);

impl<E: WireEnum> Serialize for Flags<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let names: Vec<&str> = self.0.iter().map(WireEnum::as_wire_str).collect();
        serializer.serialize_str(&names.join(","))
    }
}

impl<'de, E: WireEnum> Deserialize<'de> for Flags<E> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(text) = Text::deserialize(deserializer)?;
        let members = text.split(',').map(str::trim).filter(|m| !m.is_empty());
        Ok(Flags(members.map(E::from_wire_str).collect()))
    }
}

/// A type of a Graph type hierarchy (`directoryObject` and the `user`, `group`... derived
/// from it), as [`cast`] needs it.
pub trait GraphType: Serialize + DeserializeOwned {
    /// The qualified names (`microsoft.graph.user`) of this type and of every type derived
    /// from it: the `@odata.type` values a value of this type may carry.
    const ODATA_TYPES: &'static [&'static str];

    /// The value's own `@odata.type`, when it carries one.
    fn odata_type(&self) -> Option<&str>;
}

/// `Self` derives from `Base`, directly or not: a value of `Base` may be one of `Self`. Only
/// such pairs are implemented, so a cast to a type outside the hierarchy does not compile.
pub trait DerivesFrom<Base: GraphType>: GraphType {}

/// Reads a value of a base type as one of its derived types: `Some` when the value's
/// `@odata.type` names `T` or a type derived from `T`, and its JSON reads as `T`. Every
/// property of `T` comes out typed; properties neither type documents stay in
/// `additional_properties`, so the cast loses nothing.
pub fn cast<B: GraphType, T: DerivesFrom<B>>(value: &B) -> Option<T> {
    let odata_type = value.odata_type()?;
    let name = odata_type.trim_start_matches('#');
    if !T::ODATA_TYPES.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    serde_json::to_value(value).ok().and_then(|json| serde_json::from_value(json).ok())
}

/// Writes and reads enum values as their wire strings; values added to Graph after the crate
/// was generated are kept by each enum's `Unknown` variant.
pub trait WireEnum: Sized {
    fn as_wire_str(&self) -> &str;
    fn from_wire_str(value: &str) -> Self;
}

/// Serializes a [`WireEnum`] as its wire string (used by the generated `Serialize` impls).
pub fn serialize_enum<E: WireEnum, S: serde::Serializer>(value: &E, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_wire_str())
}

/// Deserializes a [`WireEnum`] from its wire string (used by the generated `Deserialize` impls).
pub fn deserialize_enum<'de, E: WireEnum, D: serde::Deserializer<'de>>(deserializer: D) -> Result<E, D::Error> {
    let Text(text) = Text::deserialize(deserializer)?;
    Ok(E::from_wire_str(&text))
}

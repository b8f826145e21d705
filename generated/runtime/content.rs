//! Bodies on the wire: JSON for the documented types, bytes with their content type for media
//! ([`Content`]: photos, file contents, reports, MIME messages).

use std::borrow::Cow;

use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::EncodeError;

/// Media content, sent or received as it is: its content type and its bytes. The body of an
/// operation that sends media (`PUT /me/photo/$value`, `PUT .../content`) and the answer of
/// one that returns media (`GET /me/photo/$value`, `GET .../content`, a report's CSV).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Content {
    content_type: String,
    bytes: Vec<u8>,
}

impl Content {
    /// Content of this type (`image/jpeg`, `text/plain`, `application/octet-stream`...).
    pub fn new(content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Content { content_type: content_type.into(), bytes: bytes.into() }
    }

    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// The answer of a `$count` segment (`GET /users/$count`): the number of items, which the
/// service writes as plain text. (`$count=true` on a list is another thing: the count in the
/// page's `@odata.count`.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(pub u64);

// The length rather than the bytes: a photo in a log is noise.
impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content").field("content_type", &self.content_type).field("len", &self.bytes.len()).finish()
    }
}

/// The content type of media whose answer names none.
const OCTET_STREAM: &str = "application/octet-stream";

/// What a request sends: JSON for a documented type, the bytes of [`Content`] as they are.
/// Sealed: the crate's body types are the only ones.
pub trait RequestBody: sealed::Request {
    /// The bytes and content type that go on the wire.
    fn to_wire(&self) -> Result<(Vec<u8>, Cow<'_, str>), EncodeError>;

    /// The body as a `$batch` item carries it: JSON as it is, other content as base64 text.
    fn to_batch(&self) -> Result<(serde_json::Value, Cow<'_, str>), EncodeError>;
}

/// What a success answer reads as: a documented type from JSON, or [`Content`] from any bytes.
/// Sealed like [`RequestBody`].
pub trait ResponseBody: Sized + sealed::Response {
    /// Reads the body of a success answer with these headers.
    fn from_wire(headers: &http::HeaderMap, body: &[u8]) -> Result<Self, serde_json::Error>;
}

mod sealed {
    pub trait Request {}

    impl<T: serde::Serialize> Request for T {}

    impl Request for super::Content {}

    pub trait Response {}

    impl<T: serde::de::DeserializeOwned> Response for T {}

    impl Response for super::Content {}

    impl Response for super::Count {}
}

impl<T: Serialize> RequestBody for T {
    fn to_wire(&self) -> Result<(Vec<u8>, Cow<'_, str>), EncodeError> {
        let json = serde_json::to_vec(self).map_err(EncodeError::Body)?;
        Ok((json, Cow::Borrowed("application/json")))
    }

    fn to_batch(&self) -> Result<(serde_json::Value, Cow<'_, str>), EncodeError> {
        let json = serde_json::to_value(self).map_err(EncodeError::Body)?;
        Ok((json, Cow::Borrowed("application/json")))
    }
}

impl RequestBody for Content {
    fn to_wire(&self) -> Result<(Vec<u8>, Cow<'_, str>), EncodeError> {
        Ok((self.bytes.clone(), Cow::Borrowed(&self.content_type)))
    }

    fn to_batch(&self) -> Result<(serde_json::Value, Cow<'_, str>), EncodeError> {
        let text = base64::engine::general_purpose::STANDARD.encode(&self.bytes);
        Ok((serde_json::Value::String(text), Cow::Borrowed(&self.content_type)))
    }
}

impl<T: DeserializeOwned> ResponseBody for T {
    fn from_wire(_: &http::HeaderMap, body: &[u8]) -> Result<Self, serde_json::Error> {
        // An empty body reads as JSON `null`: what `Option<T>` and `NoContent` take.
        let json = if body.iter().all(u8::is_ascii_whitespace) { b"null".as_slice() } else { body };
        serde_json::from_slice(json)
    }
}

impl ResponseBody for Content {
    fn from_wire(headers: &http::HeaderMap, body: &[u8]) -> Result<Self, serde_json::Error> {
        let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or(OCTET_STREAM);
        Ok(Content::new(content_type, body))
    }
}

impl ResponseBody for Count {
    fn from_wire(_: &http::HeaderMap, body: &[u8]) -> Result<Self, serde_json::Error> {
        // Plain-text digits read as JSON do: one number, nothing else.
        serde_json::from_slice(body.trim_ascii()).map(Count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_reads_from_plain_text() {
        let headers = http::HeaderMap::new();
        assert_eq!(Count::from_wire(&headers, b"893\n").unwrap(), Count(893));
        assert!(Count::from_wire(&headers, b"many").is_err());
        assert!(Count::from_wire(&headers, b"-1").is_err());
    }

    #[test]
    fn content_goes_on_the_wire_as_it_is_and_json_as_json() {
        let photo = Content::new("image/jpeg", vec![0xFF, 0xD8, 0xFF]);
        let (bytes, content_type) = photo.to_wire().unwrap();
        assert_eq!((bytes.as_slice(), &*content_type), (&[0xFF, 0xD8, 0xFF][..], "image/jpeg"));
        let (json, content_type) = photo.to_batch().unwrap();
        assert_eq!((json, &*content_type), (serde_json::json!("/9j/"), "image/jpeg"));
        let json = serde_json::json!({"a": 1});
        let (bytes, content_type) = json.to_wire().unwrap();
        assert_eq!((bytes.as_slice(), &*content_type), (&br#"{"a":1}"#[..], "application/json"));
    }

    #[test]
    fn content_reads_any_bytes_with_the_type_the_answer_names() {
        let mut headers = http::HeaderMap::new();
        let csv = Content::from_wire(&headers, b"Report Refresh Date,Send\n").unwrap();
        assert_eq!(csv.content_type(), "application/octet-stream");
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/csv"));
        let csv = Content::from_wire(&headers, b"a,b").unwrap();
        assert_eq!((csv.content_type(), csv.bytes()), ("text/csv", &b"a,b"[..]));
        assert_eq!(format!("{csv:?}"), r#"Content { content_type: "text/csv", len: 3 }"#);
    }
}

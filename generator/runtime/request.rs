//! A request to one Graph operation, sans-IO: what goes on the wire ([`Request::to_http`]) and
//! how the answer reads ([`Request::parse_response`], [`Request::parse_response_full`]).

use std::fmt;
use std::marker::PhantomData;

use http::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use super::{Collection, EncodeError, Error, RequestBody, ResponseBody, ResponseIds, BASE_URL};

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
    parts: Parts,
    body: Option<B>,
    response: PhantomData<fn() -> T>,
}

/// Everything of a request but its body and its types.
#[derive(Debug, Clone, PartialEq)]
struct Parts {
    method: http::Method,
    path: String,
    /// An absolute URL the service handed out (`@odata.nextLink`, `@odata.deltaLink`), sent as
    /// given instead of the service root, path and query.
    link: Option<String>,
    query: Vec<(String, String)>,
    headers: http::HeaderMap,
    /// The first header set with a name or value HTTP does not allow, reported when the
    /// request is written rather than by each call that sets one, so that calls chain.
    invalid_header: Option<String>,
    success: http::StatusCode,
}

// By hand rather than derived: a derive would ask the response type `T` for the trait too.
impl<T, B: Clone> Clone for Request<T, B> {
    fn clone(&self) -> Self {
        Request { parts: self.parts.clone(), body: self.body.clone(), response: PhantomData }
    }
}

impl<T, B: PartialEq> PartialEq for Request<T, B> {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts && self.body == other.body
    }
}

impl<T, B: fmt::Debug> fmt::Debug for Request<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("response", &std::any::type_name::<T>())
            .field("parts", &self.parts)
            .field("body", &self.body)
            .finish()
    }
}

impl<T> Request<T, NoBody> {
    /// A request with no body. `path` must already be percent-encoded.
    pub fn new(method: http::Method, path: String, success: http::StatusCode) -> Self {
        let parts = Parts {
            method,
            path,
            link: None,
            query: Vec::new(),
            headers: http::HeaderMap::new(),
            invalid_header: None,
            success,
        };
        Request { parts, body: None, response: PhantomData }
    }

    /// The same request with a body: JSON, or [`Content`](super::Content) as it is.
    pub fn with_body<B: RequestBody>(self, body: B) -> Request<T, B> {
        Request { parts: self.parts, body: Some(body), response: PhantomData }
    }
}

impl<T, B> Request<T, B> {
    pub fn method(&self) -> &http::Method {
        &self.parts.method
    }

    /// The percent-encoded path, from the service root (`/me/insights/shared`).
    pub fn path(&self) -> &str {
        &self.parts.path
    }

    /// The link this request follows (`@odata.nextLink`, `@odata.deltaLink`), sent as it is
    /// instead of the path and query; see [`Request::resume`].
    pub fn link(&self) -> Option<&str> {
        self.parts.link.as_deref()
    }

    /// Query parameters, not yet encoded, in the order they were added.
    pub fn query(&self) -> &[(String, String)] {
        &self.parts.query
    }

    pub fn headers(&self) -> &http::HeaderMap {
        &self.parts.headers
    }

    pub fn body(&self) -> Option<&B> {
        self.body.as_ref()
    }

    /// The status the documentation says a success returns.
    pub fn success_status(&self) -> http::StatusCode {
        self.parts.success
    }

    /// Path and encoded query string, as they go on the request line (for a request that
    /// follows a link, the link's own path and query).
    pub fn path_and_query(&self) -> String {
        if let Some(link) = &self.parts.link {
            return match link.parse::<http::Uri>() {
                Ok(uri) => uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
                Err(_) => link.clone(),
            };
        }
        let mut target = self.parts.path.clone();
        for (i, (name, value)) in self.parts.query.iter().enumerate() {
            target.push(if i == 0 { '?' } else { '&' });
            target.extend(percent_encoding::utf8_percent_encode(name, QUERY_COMPONENT));
            target.push('=');
            target.extend(percent_encoding::utf8_percent_encode(value, QUERY_COMPONENT));
        }
        target
    }

    /// Adds any query parameter; a later value for the same name (in any case, as Graph reads
    /// names) replaces the earlier one.
    ///
    /// A request that follows a link takes none: the link carries the whole query, and
    /// writing such a request fails with [`EncodeError::QueryOnLink`].
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.parts.query.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.parts.query.push((name, value.into()));
        self
    }

    /// Sets a request header, replacing any value it had. A name or value HTTP does not allow
    /// makes writing the request fail with [`EncodeError::Header`].
    pub fn header<V: TryInto<HeaderValue>>(self, name: impl AsRef<str>, value: V) -> Self {
        self.set_header(name.as_ref(), value, false)
    }

    /// Adds a value to a request header, after those it has (`Prefer` carries several).
    pub fn append_header<V: TryInto<HeaderValue>>(self, name: impl AsRef<str>, value: V) -> Self {
        self.set_header(name.as_ref(), value, true)
    }

    fn set_header<V: TryInto<HeaderValue>>(mut self, name: &str, value: V, append: bool) -> Self {
        match (HeaderName::try_from(name), value.try_into()) {
            (Ok(name), Ok(value)) if append => {
                self.parts.headers.append(name, value);
            }
            (Ok(name), Ok(value)) => {
                self.parts.headers.insert(name, value);
            }
            _ => {
                self.parts.invalid_header.get_or_insert_with(|| name.to_owned());
            }
        }
        self
    }

    /// `ConsistencyLevel: eventual`: the advanced queries of directory objects (`$search`,
    /// `$count`, `$filter` with `endsWith` or `ne`, ...), which the pages of those operations
    /// say require it.
    pub fn consistency_level_eventual(self) -> Self {
        self.header("ConsistencyLevel", HeaderValue::from_static("eventual"))
    }

    /// `If-Match`: do it only if the resource still has this ETag (`@odata.etag`, or the
    /// `ETag` of [`Response::etag`]); otherwise the service answers `412 Precondition Failed`.
    pub fn if_match(self, etag: &str) -> Self {
        self.header("If-Match", etag)
    }

    /// `If-None-Match`: answer `304 Not Modified` rather than the resource if it still has
    /// this ETag.
    pub fn if_none_match(self, etag: &str) -> Self {
        self.header("If-None-Match", etag)
    }

    /// Adds a preference to `Prefer` (`return=minimal`, `odata.maxpagesize=50`,
    /// `outlook.timezone="Pacific Standard Time"`, `outlook.body-content-type="text"`).
    pub fn prefer(self, preference: &str) -> Self {
        self.append_header("Prefer", preference)
    }

    /// `Workbook-Session-Id`: run an Excel operation in this workbook session.
    pub fn workbook_session_id(self, session: &str) -> Self {
        self.header("Workbook-Session-Id", session)
    }

    /// `$select`: the properties to return.
    pub fn select<S: AsRef<str>>(self, properties: &[S]) -> Self {
        self.query_param("$select", join(properties))
    }

    /// `$expand`: the relationships to include.
    pub fn expand<S: AsRef<str>>(self, relationships: &[S]) -> Self {
        self.query_param("$expand", join(relationships))
    }

    /// `$filter`: an OData filter expression; [`odata`](super::odata) writes the literals in
    /// it.
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

    /// The URL the request goes to, against `base_url` (the link, for one that follows a
    /// link), once it is known to be writable.
    pub(crate) fn url_at(&self, base_url: &str) -> Result<String, EncodeError> {
        if let Some(name) = &self.parts.invalid_header {
            return Err(EncodeError::Header { name: name.clone() });
        }
        match &self.parts.link {
            Some(link) if !self.parts.query.is_empty() => Err(EncodeError::QueryOnLink { link: link.clone() }),
            // Absolute and opaque: the service's own link, never rebuilt.
            Some(link) => Ok(link.clone()),
            None => Ok(format!("{}{}", base_url.trim_end_matches('/'), self.path_and_query())),
        }
    }
}

impl<T, B: RequestBody> Request<T, B> {
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
        let uri = self.url_at(base_url)?;
        let mut builder = http::Request::builder().method(self.parts.method.clone()).uri(uri);
        if let Some(headers) = builder.headers_mut() {
            headers.clone_from(&self.parts.headers);
        }
        let body = match &self.body {
            Some(body) => {
                let (bytes, content_type) = body.to_wire()?;
                builder = builder.header(http::header::CONTENT_TYPE, &*content_type);
                bytes
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
        Some(self.resume(page.next_link.as_ref()?))
    }

    /// The request of the next delta round: a `GET` of the `@odata.deltaLink` that ends the
    /// last page of a delta query, with this request's headers. `None` when `page` carries none
    /// (it is not the last page: follow [`Request::next_page`] first).
    pub fn next_delta_round(&self, page: &Collection<E>) -> Option<Self> {
        Some(self.resume(page.delta_link.as_ref()?))
    }

    /// This request, continued from a link the service gave and the caller kept: a delta link
    /// saved at the end of the last round (after a restart, say), or a next link. A `GET` of
    /// the link as it is, with this request's headers and without its query or body, which the
    /// link stands for.
    pub fn resume(&self, link: impl Into<String>) -> Self {
        let parts = Parts {
            method: http::Method::GET,
            path: self.parts.path.clone(),
            link: Some(link.into()),
            query: Vec::new(),
            headers: self.parts.headers.clone(),
            invalid_header: self.parts.invalid_header.clone(),
            success: http::StatusCode::OK,
        };
        Request { parts, body: None, response: PhantomData }
    }
}

impl<T: ResponseBody, B> Request<T, B> {
    /// Reads the response: the documented type on success, a typed [`Error`] otherwise.
    pub fn parse_response<R: AsRef<[u8]>>(&self, response: &http::Response<R>) -> Result<T, Error> {
        parse_response(response)
    }

    /// Reads the response with its status and headers beside the typed value: the `Location`
    /// of an accepted long-running operation, the `ETag`, the request ids.
    pub fn parse_response_full<R: AsRef<[u8]>>(&self, response: &http::Response<R>) -> Result<Response<T>, Error> {
        parse_response_full(response)
    }
}

/// A success answer: its status and headers, and its body read as the documented type.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    pub status: http::StatusCode,
    pub headers: http::HeaderMap,
    pub value: T,
}

impl<T> Response<T> {
    /// A header's value, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// `Location`: where an accepted long-running operation reports its progress (`202`), or
    /// where a created resource is.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// `ETag`: the version of the resource, for [`Request::if_match`].
    pub fn etag(&self) -> Option<&str> {
        self.header("etag")
    }

    /// What identifies the answer in a support case.
    pub fn ids(&self) -> ResponseIds {
        ResponseIds::of(&self.headers, None)
    }

    pub fn into_value(self) -> T {
        self.value
    }
}

/// Reads a response as `T` on success, or as a typed [`Error`]. A redirect (a report's `302`
/// to its download URL) that the HTTP client did not follow is [`Error::Redirect`].
pub fn parse_response<T: ResponseBody, R: AsRef<[u8]>>(response: &http::Response<R>) -> Result<T, Error> {
    read_body(response.status(), response.headers(), response.body().as_ref())
}

/// [`parse_response`] with the status and headers.
pub fn parse_response_full<T: ResponseBody, R: AsRef<[u8]>>(response: &http::Response<R>) -> Result<Response<T>, Error> {
    let value = parse_response(response)?;
    Ok(Response { status: response.status(), headers: response.headers().clone(), value })
}

fn read_body<T: ResponseBody>(status: http::StatusCode, headers: &http::HeaderMap, body: &[u8]) -> Result<T, Error> {
    if !status.is_success() {
        return Err(error_of(status, headers, body));
    }
    T::from_wire(headers, body).map_err(|source| Error::Decode {
        status,
        headers: Box::new(headers.clone()),
        body: body.to_vec(),
        source,
    })
}

/// The error an answer that is no success stands for: a redirect not followed, or an error
/// status.
pub(crate) fn error_of(status: http::StatusCode, headers: &http::HeaderMap, body: &[u8]) -> Error {
    if status.is_redirection() {
        let location = headers.get(http::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        return Error::Redirect { status, location };
    }
    Error::from_status(status, headers, body)
}

fn join<S: AsRef<str>>(items: &[S]) -> String {
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<T>(path: &str) -> Request<T> {
        Request::new(http::Method::GET, path.to_owned(), http::StatusCode::OK)
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn header_replaces_and_append_header_adds_and_names_are_read_in_any_case() {
        let request = get::<NoContent>("/me")
            .header("ConsistencyLevel", "session")
            .header("consistencylevel", "eventual")
            .prefer("odata.maxpagesize=5")
            .prefer("return=minimal");
        let http = request.to_http().unwrap();
        let consistency: Vec<_> = http.headers().get_all("consistencylevel").iter().collect();
        assert_eq!(consistency, ["eventual"]);
        let prefer: Vec<_> = http.headers().get_all("prefer").iter().collect();
        assert_eq!(prefer, ["odata.maxpagesize=5", "return=minimal"]);
    }

    #[test]
    fn a_header_http_does_not_allow_fails_the_request_when_it_is_written() {
        let request = get::<NoContent>("/me").header("Bad Name", "x").header("Prefer", "ok");
        assert!(matches!(request.to_http(), Err(Error::Encode(EncodeError::Header { name })) if name == "Bad Name"));
        let request = get::<NoContent>("/me").header("X-Value", "line\nbreak");
        assert!(matches!(request.to_http(), Err(Error::Encode(EncodeError::Header { name })) if name == "X-Value"));
    }

    #[test]
    fn an_empty_body_reads_as_no_content_and_any_body_graph_adds_is_accepted() {
        let request = get::<NoContent>("/me/events/1/accept");
        assert!(matches!(request.parse_response(&response(204, &[], "")), Ok(NoContent)));
        let context = r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity", "id": "1"}"#;
        assert!(request.parse_response(&response(200, &[], context)).is_ok());
        assert!(request.parse_response(&response(200, &[], " \n")).is_ok());
    }

    #[test]
    fn a_success_body_that_does_not_read_keeps_the_status_headers_and_body() {
        let request = get::<Collection<i32>>("/numbers");
        let error = request.parse_response(&response(200, &[("request-id", "r1")], r#"{"value": ["x"]}"#)).unwrap_err();
        match &error {
            Error::Decode { status, headers, body, .. } => {
                assert_eq!(*status, 200);
                assert_eq!(headers["request-id"], "r1");
                assert_eq!(body, br#"{"value": ["x"]}"#);
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert!(error.to_string().contains("request-id: r1"), "{error}");
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn a_full_response_carries_status_and_headers_beside_the_value() {
        let request = Request::<NoContent>::new(http::Method::POST, "/drives/1/items/2/copy".to_owned(), http::StatusCode::ACCEPTED);
        let answer = response(202, &[("Location", "https://example.com/monitor/1"), ("ETag", "\"v2\"")], "");
        let full = request.parse_response_full(&answer).unwrap();
        assert_eq!(full.status, 202);
        assert_eq!(full.location(), Some("https://example.com/monitor/1"));
        assert_eq!(full.etag(), Some("\"v2\""));
    }

    #[test]
    fn a_saved_delta_link_resumes_as_a_get_of_the_link_with_the_headers_and_refuses_query_options() {
        let first = Request::<Collection<i32>>::new(http::Method::POST, "/x/getByIds".to_owned(), http::StatusCode::OK)
            .with_body(serde_json::json!({"ids": ["1"]}))
            .select(&["id"])
            .consistency_level_eventual();
        let saved = "https://graph.microsoft.com/v1.0/x/delta?$deltatoken=abc";
        let resumed = first.resume(saved);
        assert_eq!(resumed.link(), Some(saved));
        assert_eq!(resumed.method(), http::Method::GET);
        assert!(resumed.body().is_none());
        let http = resumed.to_http().unwrap();
        assert_eq!(http.uri(), saved);
        assert_eq!(http.headers()["consistencylevel"], "eventual");
        assert!(http.body().is_empty());
        assert_eq!(resumed.path_and_query(), "/v1.0/x/delta?$deltatoken=abc");
        let refused = resumed.top(5).to_http();
        assert!(matches!(refused, Err(Error::Encode(EncodeError::QueryOnLink { link })) if link == saved));
    }
}

//! JSON batching, sans-IO: typed requests into `POST /$batch` requests of up to 20 each, and
//! the batch responses back into each request's own typed result.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{parse_response, EncodeError, Error, Request, RequestBody, ResponseBody, BASE_URL};

/// Requests to send together through `POST /$batch`.
///
/// [`Batch::add`] takes any request of the crate and gives back a [`BatchHandle`] typed with
/// that request's response. [`Batch::requests`] makes the `$batch` requests (Graph takes at
/// most [`Batch::MAX_REQUESTS`] in one; more are split, keeping requests that depend on each
/// other together); send each and [`BatchResults::record`] what came back. Then
/// [`BatchResults::get`] reads each request's result by its handle, whatever the order of the
/// responses.
///
/// Not `Clone`: a handle names one batch, and a copy that answered to it would read another
/// request's result.
#[derive(Debug)]
pub struct Batch {
    identity: u64,
    base_url: String,
    items: Vec<BatchItem>,
    /// The indices of the requests each one depends on (`dependsOn`, as indices rather than
    /// the ids the JSON spells them with).
    after: Vec<Vec<usize>>,
}

/// One request of a batch, as it goes into the `requests` array.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchItem {
    pub id: String,
    pub method: String,
    /// Relative to the service root: `/me/messages?$top=5`.
    pub url: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(rename = "dependsOn", skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

/// The body of a `POST /$batch`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchBody {
    pub requests: Vec<BatchItem>,
}

/// The response to a `POST /$batch`: one entry per request, in any order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchResponse {
    pub responses: Vec<BatchItemResponse>,
}

/// The response to one request of a batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchItemResponse {
    pub id: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// JSON as the request's own response would carry it; other content comes base64-encoded
    /// as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// A `POST /$batch` request, as [`Batch::requests`] makes them.
pub type BatchRequest = Request<BatchResponse, BatchBody>;

/// A request added to a [`Batch`], typed with its response: read its result with
/// [`BatchResults::get`]. It belongs to the batch that made it; the results of any other
/// batch refuse it.
#[derive(Debug)]
pub struct BatchHandle<T> {
    batch: u64,
    index: usize,
    response: PhantomData<fn() -> T>,
}

impl<T> Clone for BatchHandle<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for BatchHandle<T> {}

impl<T> BatchHandle<T> {
    /// The request's `id` in the batch.
    pub fn id(&self) -> String {
        item_id(self.index)
    }
}

/// Why a batch could not be made or a result not read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// The handle was made by another batch.
    ForeignHandle,
    /// No response with the request's id was recorded.
    NoResponse { id: String },
    /// Requests that depend on each other are more than one `$batch` may carry.
    TooManyDependent { count: usize },
}

impl std::error::Error for BatchError {}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::ForeignHandle => f.write_str("the handle belongs to another batch"),
            BatchError::NoResponse { id } => write!(f, "the batch response has no response with id {id}"),
            BatchError::TooManyDependent { count } => write!(
                f,
                "{count} requests depend on each other; a batch carries at most {}",
                Batch::MAX_REQUESTS
            ),
        }
    }
}

/// The id of the request at `index`, as the batch's JSON spells it: `"1"` for the first.
fn item_id(index: usize) -> String {
    (index + 1).to_string()
}

fn item_index(id: &str) -> Option<usize> {
    id.parse::<usize>().ok()?.checked_sub(1)
}

impl Default for Batch {
    fn default() -> Self {
        Batch::new()
    }
}

impl Batch {
    /// The most requests Graph takes in one `$batch`.
    pub const MAX_REQUESTS: usize = 20;

    /// A batch for the service at [`BASE_URL`].
    pub fn new() -> Self {
        Batch::with_base_url(BASE_URL)
    }

    /// A batch for the service at `base_url` (`/beta`, a national cloud, a proxy): the links
    /// it carries are made relative to it, and its `$batch` requests go to it.
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        static NEXT_IDENTITY: AtomicU64 = AtomicU64::new(0);
        Batch {
            identity: NEXT_IDENTITY.fetch_add(1, Ordering::Relaxed),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            items: Vec::new(),
            after: Vec::new(),
        }
    }

    /// The service root of the batch.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Adds a request; its handle reads its result.
    pub fn add<T, B: RequestBody>(&mut self, request: Request<T, B>) -> Result<BatchHandle<T>, Error> {
        self.push(request, Vec::new())
    }

    /// Adds a request that the service runs only after `after` succeeded (`dependsOn`); if
    /// `after` fails, this one fails with `424 Failed Dependency`.
    pub fn add_after<T, B: RequestBody, U>(&mut self, request: Request<T, B>, after: &BatchHandle<U>) -> Result<BatchHandle<T>, Error> {
        if after.batch != self.identity {
            return Err(Error::Batch(BatchError::ForeignHandle));
        }
        self.push(request, vec![after.index])
    }

    fn push<T, B: RequestBody>(&mut self, request: Request<T, B>, after: Vec<usize>) -> Result<BatchHandle<T>, Error> {
        let index = self.items.len();
        let url = self.relative_url(&request)?;
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for name in request.headers().keys() {
            let values: Result<Vec<&str>, _> = request.headers().get_all(name).iter().map(|v| v.to_str()).collect();
            let values = values.map_err(|_| EncodeError::Header { name: name.to_string() })?;
            headers.insert(name.to_string(), values.join(", "));
        }
        let body = match request.body() {
            Some(body) => {
                let (value, content_type) = body.to_batch()?;
                headers.insert("content-type".to_owned(), content_type.into_owned());
                Some(value)
            }
            None => None,
        };
        self.items.push(BatchItem {
            id: item_id(index),
            method: request.method().to_string(),
            url,
            headers,
            body,
            depends_on: after.iter().copied().map(item_id).collect(),
        });
        self.after.push(after);
        Ok(BatchHandle { batch: self.identity, index, response: PhantomData })
    }

    /// The path and query of a request, relative to the batch's service root: a followed link
    /// keeps whatever follows the base URL (`/beta/users?$skiptoken=...` from a `/beta` base
    /// is `/users?$skiptoken=...`).
    fn relative_url<T, B>(&self, request: &Request<T, B>) -> Result<String, EncodeError> {
        let url = request.url_at(&self.base_url)?;
        let base = self.base_url.as_str();
        let relative = match url.get(..base.len()) {
            Some(prefix) if prefix.eq_ignore_ascii_case(base) => &url[base.len()..],
            _ => "",
        };
        if relative.is_empty() || !(relative.starts_with('/') || relative.starts_with('?')) {
            return Err(EncodeError::LinkOutsideBase { link: url, base_url: self.base_url.clone() });
        }
        Ok(relative.to_owned())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The requests as they go into the batch, in the order they were added.
    pub fn items(&self) -> &[BatchItem] {
        &self.items
    }

    /// The `POST /$batch` requests that carry every request of the batch.
    pub fn requests(&self) -> Result<Vec<BatchRequest>, Error> {
        self.requests_of(&(0..self.items.len()).collect::<Vec<_>>())
    }

    /// The `POST /$batch` requests that send again the requests the service throttled (429,
    /// 503, 504), with those that failed (424) because they depended on one of them. Empty when
    /// none was throttled.
    pub fn retry_requests(&self, results: &BatchResults) -> Result<Vec<BatchRequest>, Error> {
        if results.batch != self.identity {
            return Err(Error::Batch(BatchError::ForeignHandle));
        }
        let mut again: Vec<usize> = Vec::new();
        // A request depends only on requests added before it: one pass sees every dependency.
        for index in 0..self.items.len() {
            let resend = match results.responses.get(&index).map(|r| r.status) {
                Some(status) if super::is_retryable_status(status) => true,
                Some(424) => self.after[index].iter().any(|dependency| again.contains(dependency)),
                _ => false,
            };
            if resend {
                again.push(index);
            }
        }
        self.requests_of(&again)
    }

    /// The empty results of this batch, to [`BatchResults::record`] its responses in.
    pub fn results(&self) -> BatchResults {
        BatchResults { batch: self.identity, responses: HashMap::new() }
    }

    /// `$batch` requests for the items at `indices`: requests that depend on each other go
    /// together, and each batch is filled up to 20 in the order the requests were added.
    fn requests_of(&self, indices: &[usize]) -> Result<Vec<BatchRequest>, Error> {
        let groups = dependency_groups(&self.after, indices);
        let mut batches: Vec<Vec<usize>> = Vec::new();
        for group in groups {
            if group.len() > Self::MAX_REQUESTS {
                return Err(Error::Batch(BatchError::TooManyDependent { count: group.len() }));
            }
            match batches.iter_mut().find(|b| b.len() + group.len() <= Self::MAX_REQUESTS) {
                Some(batch) => batch.extend(group),
                None => batches.push(group),
            }
        }
        Ok(batches
            .into_iter()
            .map(|mut members| {
                members.sort_unstable();
                let sent: Vec<String> = members.iter().map(|&i| item_id(i)).collect();
                let requests = members
                    .iter()
                    .map(|&i| {
                        let mut item = self.items[i].clone();
                        // A dependency that is not sent again already succeeded.
                        item.depends_on.retain(|id| sent.contains(id));
                        item
                    })
                    .collect();
                Request::new(http::Method::POST, "/$batch".to_owned(), http::StatusCode::OK).with_body(BatchBody { requests })
            })
            .collect())
    }
}

/// The items at `indices`, grouped so that each request is with every request it depends on
/// (among `indices`), groups in the order of their first request.
fn dependency_groups(after: &[Vec<usize>], indices: &[usize]) -> Vec<Vec<usize>> {
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &index in indices {
        let joined: Vec<usize> = after[index].iter().filter_map(|dependency| group_of.get(dependency).copied()).collect();
        let group = match joined.iter().min() {
            Some(&first) => {
                for &other in &joined {
                    if other != first {
                        let moved = std::mem::take(&mut groups[other]);
                        for &member in &moved {
                            group_of.insert(member, first);
                        }
                        groups[first].extend(moved);
                    }
                }
                first
            }
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        groups[group].push(index);
        group_of.insert(index, group);
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// The responses of a batch's requests, by request.
#[derive(Debug, Clone)]
pub struct BatchResults {
    batch: u64,
    /// By the index of the request, read from the response's id.
    responses: HashMap<usize, BatchItemResponse>,
}

impl BatchResults {
    /// Records the responses of one `$batch` request. A later response for the same request
    /// (a throttled one sent again) replaces the earlier. A response whose id names no
    /// request of the batch is left out: no handle could read it.
    pub fn record(&mut self, response: BatchResponse) {
        for item in response.responses {
            if let Some(index) = item_index(&item.id) {
                self.responses.insert(index, item);
            }
        }
    }

    /// The result of the request behind `handle`: its documented type, or its typed error (a
    /// throttled request's error says so: [`Error::is_throttled`], [`Error::retry_after`]).
    pub fn get<T: ResponseBody>(&self, handle: &BatchHandle<T>) -> Result<T, Error> {
        parse_response(&self.response(handle)?)
    }

    /// The status the request behind `handle` got.
    pub fn status<T>(&self, handle: &BatchHandle<T>) -> Result<http::StatusCode, Error> {
        Ok(self.response(handle)?.status())
    }

    /// The ids of the requests that were throttled (429, 503, 504).
    pub fn throttled(&self) -> Vec<String> {
        let mut indices: Vec<usize> =
            self.responses.iter().filter(|(_, r)| super::is_retryable_status(r.status)).map(|(&index, _)| index).collect();
        indices.sort_unstable();
        indices.into_iter().map(item_id).collect()
    }

    /// The longest wait the throttled requests asked for with `Retry-After`.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.responses
            .values()
            .filter(|r| super::is_retryable_status(r.status))
            .filter_map(|item| super::retry_after(http_response(item).ok()?.headers()))
            .max()
    }

    /// The response of one request, as its own HTTP response.
    fn response<T>(&self, handle: &BatchHandle<T>) -> Result<http::Response<Vec<u8>>, Error> {
        if handle.batch != self.batch {
            return Err(Error::Batch(BatchError::ForeignHandle));
        }
        match self.responses.get(&handle.index) {
            Some(item) => http_response(item),
            None => Err(Error::Batch(BatchError::NoResponse { id: handle.id() })),
        }
    }
}

/// A batch item's response as the HTTP response it stands for.
fn http_response(item: &BatchItemResponse) -> Result<http::Response<Vec<u8>>, Error> {
    let mut response = http::Response::builder().status(item.status);
    for (name, value) in &item.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    let is_json = item
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .is_none_or(|(_, value)| value.to_ascii_lowercase().contains("json"));
    let body = match &item.body {
        // Media comes as base64 text in the batch's JSON: its own bytes, decoded.
        Some(serde_json::Value::String(text)) if !is_json => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(text).unwrap_or_else(|_| text.clone().into_bytes())
        }
        Some(body) => body.to_string().into_bytes(),
        None => Vec::new(),
    };
    response.body(body).map_err(Error::Http)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Collection, NoBody};

    fn get<T>(path: &str) -> Request<T, NoBody> {
        Request::new(http::Method::GET, path.to_owned(), http::StatusCode::OK)
    }

    #[test]
    fn more_than_twenty_requests_split_and_dependent_ones_stay_together() {
        let mut batch = Batch::new();
        let first = batch.add(get::<Value>("/me")).unwrap();
        for i in 0..19 {
            batch.add(get::<Value>(&format!("/users/{i}"))).unwrap();
        }
        batch.add_after(get::<Value>("/me/manager"), &first).unwrap();
        let requests = batch.requests().unwrap();
        let sizes: Vec<usize> = requests.iter().map(|r| r.body().map_or(0, |b| b.requests.len())).collect();
        assert_eq!(sizes, [20, 1]);
        let first_batch = requests[0].body().unwrap();
        assert_eq!(first_batch.requests[0].id, "1");
        assert_eq!(first_batch.requests.last().map(|r| r.depends_on.clone()), Some(vec!["1".to_owned()]));
    }

    #[test]
    fn responses_are_read_by_handle_in_any_order_and_other_batches_handles_are_refused() {
        let mut batch = Batch::new();
        let me = batch.add(get::<Value>("/me").select(&["id"])).unwrap();
        let page = batch.add(get::<Collection<Value>>("/me/messages")).unwrap();
        let json = serde_json::json!(batch.requests().unwrap()[0].body().unwrap());
        assert_eq!(json["requests"][0]["url"], "/me?$select=id");
        let mut results = batch.results();
        results.record(
            serde_json::from_str(
                r#"{"responses": [
                    {"id": "2", "status": 429, "headers": {"Retry-After": "7"}, "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}},
                    {"id": "1", "status": 200, "body": {"id": "me"}}
                ]}"#,
            )
            .unwrap(),
        );
        assert_eq!(results.get(&me).unwrap()["id"], "me");
        let throttled = results.get(&page).unwrap_err();
        assert!(throttled.is_throttled());
        assert_eq!(throttled.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert_eq!(results.throttled(), ["2"]);
        let again = batch.retry_requests(&results).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].body().unwrap().requests[0].url, "/me/messages");

        let other = Batch::new();
        assert!(matches!(other.results().get(&me), Err(Error::Batch(BatchError::ForeignHandle))));
        assert!(matches!(Batch::new().add_after(get::<Value>("/x"), &me), Err(Error::Batch(BatchError::ForeignHandle))));
    }

    #[test]
    fn a_followed_link_is_made_relative_to_the_batch_base_url_path() {
        let first = get::<Collection<Value>>("/users").top(1);
        let page: Collection<Value> = serde_json::from_value(serde_json::json!({
            "value": [], "@odata.nextLink": "https://proxy.example.com/graph/beta/users?$skiptoken=X"
        }))
        .unwrap();
        let next = first.next_page(&page).unwrap();
        let mut batch = Batch::with_base_url("https://proxy.example.com/graph/beta/");
        batch.add(next.clone()).unwrap();
        assert_eq!(batch.items()[0].url, "/users?$skiptoken=X");
        assert_eq!(batch.requests().unwrap()[0].to_http_at(batch.base_url()).unwrap().uri(), "https://proxy.example.com/graph/beta/$batch");

        let mut elsewhere = Batch::new();
        let refused = elsewhere.add(next);
        assert!(matches!(refused, Err(Error::Encode(EncodeError::LinkOutsideBase { .. }))), "{refused:?}");
    }

    #[test]
    fn headers_are_checked_when_a_request_is_added_and_go_in_as_text() {
        let mut batch = Batch::new();
        let refused = batch.add(get::<Value>("/me").header("Bad Name", "x"));
        assert!(matches!(refused, Err(Error::Encode(EncodeError::Header { .. }))), "{refused:?}");
        batch.add(get::<Value>("/me").prefer("a").prefer("b").consistency_level_eventual()).unwrap();
        let headers = &batch.items()[0].headers;
        assert_eq!(headers["prefer"], "a, b");
        assert_eq!(headers["consistencylevel"], "eventual");
    }

    #[test]
    fn responses_are_matched_to_requests_by_index_and_ids_of_no_request_are_left_out() {
        let mut batch = Batch::new();
        let handles: Vec<_> = (0..12).map(|i| batch.add(get::<Value>(&format!("/users/{i}"))).unwrap()).collect();
        let mut results = batch.results();
        results.record(
            serde_json::from_str(
                r#"{"responses": [
                    {"id": "12", "status": 200, "body": {"n": 12}},
                    {"id": "2", "status": 200, "body": {"n": 2}},
                    {"id": "0", "status": 200, "body": {"n": 0}},
                    {"id": "x", "status": 200}
                ]}"#,
            )
            .unwrap(),
        );
        assert_eq!(results.get(&handles[11]).unwrap()["n"], 12);
        assert_eq!(results.get(&handles[1]).unwrap()["n"], 2);
        assert!(matches!(results.get(&handles[0]), Err(Error::Batch(BatchError::NoResponse { id })) if id == "1"));
    }
}

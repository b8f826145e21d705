//! Support shared by the generated modules: the request value every endpoint function returns,
//! response parsing, the Graph error, collections, and the Rust types Graph primitives map to.
//!
//! Requests are sans-IO: a [`Request`] turns into an [`http::Request`] for whatever HTTP client
//! you use, and [`Request::parse_response`] reads the [`http::Response`] you got back.

mod batch;
mod collection;
mod content;
mod delta;
mod error;
pub mod odata;
mod path;
mod primitives;
pub(crate) mod request;
// What the generated code is made of; a slice of the crate may use only some of it.
#[allow(dead_code)]
pub(crate) mod support;
/// Helpers for the tests generated from the pages' examples.
#[cfg(test)]
// A crate whose pages have no example of some kind (no typed path parameter, no request body)
// leaves the matching helper unused.
#[allow(dead_code)]
pub(crate) mod testing;
mod types;
pub mod upload;

pub use batch::{Batch, BatchBody, BatchError, BatchHandle, BatchItem, BatchItemResponse, BatchRequest, BatchResponse, BatchResults};
pub use collection::{Collection, Single};
pub use content::{Content, Count, RequestBody, ResponseBody};
pub use delta::{Delta, RemovalReason};
pub(crate) use error::retry_after;
pub use error::{is_retryable_status, EncodeError, Error, GraphError, ResponseIds};
pub use path::{item_path, key_segment, segment_value, string_literal, PathValue};
pub use primitives::{Base64Bytes, Date, DateTimeOffset, Duration, Guid, TimeOfDay};
pub use request::{parse_response, parse_response_full, NoBody, NoContent, Request, Response};
pub use types::{cast, DerivesFrom, Flags, GraphType, WireEnum};

/// The service root that [`Request::into_http`] prefixes paths with.
pub const BASE_URL: &str = "https://graph.microsoft.com/v1.0";

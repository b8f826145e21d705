//! The API model: every page resolved into one set of types, enums and operations.
//!
//! This is the contract between parsing and emission: the emitter reads only this module's
//! types, never a page. Everything here is keyed and ordered deterministically (`BTreeMap`s and
//! sorted vectors), so output does not depend on file order or thread count.

pub mod account;
mod areas;
mod declare;
mod infer;
mod operations;
pub mod paths;
mod resolve;

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
pub use crate::page::{PathPart, PathSegment, PathTemplate, Primitive};

pub use resolve::resolve;

/// A type's identity: its qualified name in lower case (`microsoft.graph.user`). Graph names are
/// case-insensitive in the pages (`sharedInsight` and `sharedinsight` are one type).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeKey(pub String);

impl TypeKey {
    pub fn new(namespace: &str, name: &str) -> TypeKey {
        TypeKey(format!("{namespace}.{name}").to_ascii_lowercase())
    }
}

impl std::fmt::Display for TypeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The namespace of types whose pages do not name one.
pub const DEFAULT_NAMESPACE: &str = "microsoft.graph";

/// The namespace of the request-body types graphdoc makes from an operation's tables: not a
/// Graph namespace, so they cannot collide with a Graph type.
pub const BODY_NAMESPACE: &str = "graphdoc.bodies";

/// Where a definition came from, for rustdoc and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Source {
    pub page: String,
    pub line: u32,
}

/// What a reference to a type resolved to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Primitive(Primitive),
    Complex(TypeKey),
    Enum(TypeKey),
    /// Reported as `unresolved-type`; emitted as a JSON value.
    Unresolved(String),
}

/// A resolved type reference and whether it is a collection of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResolvedType {
    pub target: TypeRef,
    pub collection: bool,
}

impl ResolvedType {
    pub fn primitive(primitive: Primitive) -> ResolvedType {
        ResolvedType {
            target: TypeRef::Primitive(primitive),
            collection: false,
        }
    }
}

/// How the model learnt of a type; a stronger origin wins when sources disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeOrigin {
    /// Only nested `@odata.type` objects in examples.
    Example,
    /// A request-body property table on an API page.
    RequestBodyTable,
    /// The parameter table of an action, made into a body type.
    ActionParameters,
    /// A resource page.
    ResourcePage,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The JSON name, exactly as on the wire.
    pub name: String,
    pub ty: ResolvedType,
    /// Markdown from the page.
    pub description: String,
    /// A navigation property (from a Relationships table).
    pub navigation: bool,
    pub read_only: bool,
    pub required: bool,
    /// Whether the page says the value may be `null` (`None` when it does not say).
    pub nullable: Option<bool>,
    pub source: Source,
}

/// An entity or complex type.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplexType {
    pub key: TypeKey,
    /// The type's name as the pages write it (`sharedInsight`).
    pub name: String,
    pub namespace: String,
    pub description: String,
    /// The area of the reference (`ms.prod`) of the page that defines the type, if it names one:
    /// the type belongs to that area's slice of the crate.
    pub area: Option<String>,
    pub base: Option<TypeKey>,
    pub key_property: Option<String>,
    pub open_type: bool,
    pub is_abstract: bool,
    pub is_media_entity: bool,
    /// Own properties, in page order; inherited ones live on the base types.
    pub properties: Vec<Property>,
    pub origin: TypeOrigin,
    /// Known only from examples.
    pub inferred: bool,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumMember {
    /// The wire value.
    pub name: String,
    pub value: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumType {
    pub key: TypeKey,
    pub name: String,
    pub namespace: String,
    pub description: String,
    /// As [`ComplexType::area`].
    pub area: Option<String>,
    pub members: Vec<EnumMember>,
    /// Values combine as a comma-separated list (`"a,b"`).
    pub flags: bool,
    pub source: Source,
}

/// One path of an operation, with its parameters typed.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationPath {
    pub template: PathTemplate,
    /// One entry per `{param}` in the template, in order.
    pub params: Vec<PathParam>,
    /// Query parameters the documented request line itself carries (`/me?$expand=manager`,
    /// `calendarView?startDateTime={start}`).
    pub query: Vec<FixedQuery>,
    /// Whether the request through this path sends, and its answer carries, media rather
    /// than JSON.
    pub media: Media,
    pub source: Source,
}

/// Which bodies of a request are media (a photo, a file's content, a report, a MIME message)
/// rather than JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Media {
    pub request: bool,
    pub response: bool,
}

impl OperationPath {
    /// The path ends with `$count`: its answer is the number of items, in plain text.
    pub fn counts(template: &PathTemplate) -> bool {
        template.segments.last().is_some_and(|segment| {
            matches!(segment.parts.as_slice(), [PathPart::Literal(text)] if text.eq_ignore_ascii_case("$count"))
        })
    }

    /// The path ends with a segment that stands for a resource's bytes: `$value` (a photo, a
    /// message's MIME, an attachment's content) or `content` (a drive item's).
    pub fn addresses_bytes(template: &PathTemplate) -> bool {
        template.segments.last().is_some_and(|segment| {
            matches!(segment.parts.as_slice(), [PathPart::Literal(text)]
                if text.eq_ignore_ascii_case("$value") || text.eq_ignore_ascii_case("content"))
        })
    }
}

#[cfg(test)]
impl OperationPath {
    /// A path whose parameters are all strings, for tests.
    pub(crate) fn with_string_params(template: &str) -> OperationPath {
        let template = crate::page::http::parse_path_template(template)
            .unwrap_or_else(|e| panic!("{template}: {e}"));
        let params = template
            .params()
            .map(|names| PathParam {
                name: names[0].clone(),
                alternatives: names.to_vec(),
                ty: Primitive::String,
                description: String::new(),
            })
            .collect();
        OperationPath {
            template,
            params,
            query: vec![],
            media: Media::default(),
            source: Source::default(),
        }
    }
}

/// A query parameter written into a documented request line.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedQuery {
    pub name: String,
    pub value: QueryValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    /// A fixed value (possibly empty, for `?$count`).
    Literal(String),
    /// A `{placeholder}` value: a parameter of the operation's method.
    Param(PathParam),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathParam {
    /// The name as written (the first alternative of `{id | userPrincipalName}`).
    pub name: String,
    pub alternatives: Vec<String>,
    pub ty: Primitive,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHeader {
    pub name: String,
    pub required: bool,
    pub description: String,
}

/// The OData system query options an operation can say it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueryOption {
    Select,
    Filter,
    Expand,
    OrderBy,
    Top,
    Skip,
    Search,
    Count,
    Format,
    SkipToken,
}

impl QueryOption {
    pub const ALL: [QueryOption; 10] = [
        QueryOption::Select,
        QueryOption::Filter,
        QueryOption::Expand,
        QueryOption::OrderBy,
        QueryOption::Top,
        QueryOption::Skip,
        QueryOption::Search,
        QueryOption::Count,
        QueryOption::Format,
        QueryOption::SkipToken,
    ];

    /// The query string name (`$select`).
    pub fn wire_name(self) -> &'static str {
        match self {
            QueryOption::Select => "$select",
            QueryOption::Filter => "$filter",
            QueryOption::Expand => "$expand",
            QueryOption::OrderBy => "$orderby",
            QueryOption::Top => "$top",
            QueryOption::Skip => "$skip",
            QueryOption::Search => "$search",
            QueryOption::Count => "$count",
            QueryOption::Format => "$format",
            QueryOption::SkipToken => "$skiptoken",
        }
    }

    pub fn from_wire(name: &str) -> Option<QueryOption> {
        let name = name.trim().to_ascii_lowercase();
        QueryOption::ALL.into_iter().find(|o| o.wire_name() == name)
    }
}

/// An example request and its response, as the page documents them.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: Option<String>,
    pub request: Option<ExampleRequest>,
    pub response: Option<ExampleResponse>,
    /// The path of the request a response answers when the page annotates that request
    /// `ignored`: not tested, but it says what the response is (a `$count` answers a number).
    pub ignored_request: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRequest {
    pub method: String,
    /// The path as written in the example (concrete values in place of parameters).
    pub path: String,
    pub query: Vec<(String, Option<String>)>,
    pub body: Option<serde_json::Value>,
    /// The body elides content, so it is no complete instance of its type.
    pub truncated: bool,
    /// Why a body that is there could not be read as JSON.
    pub body_error: Option<String>,
    /// The body's media: its content type when the example says it is not JSON, and its text.
    pub media: Option<ExampleMedia>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleResponse {
    pub status: u16,
    pub body: Option<serde_json::Value>,
    pub truncated: bool,
    /// Why a body that is there could not be read as JSON.
    pub body_error: Option<String>,
    /// As for [`ExampleRequest::media`].
    pub media: Option<ExampleMedia>,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    pub source: Source,
}

/// A body an example writes as media: its `Content-Type` (not JSON) and its text as written
/// (empty when the example shows none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleMedia {
    pub content_type: String,
    pub text: String,
}

/// One documented operation (one page, one method).
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// A short name from the page title, e.g. `list_trending` (not yet unique: the emitter makes
    /// Rust names unique).
    pub name: String,
    pub title: String,
    pub description: String,
    /// The area of the reference (`ms.prod`) of the page that documents it, else the first word
    /// of the page's file name: the cargo feature that turns it on.
    pub area: String,
    pub method: String,
    pub paths: Vec<OperationPath>,
    pub query_options: Vec<QueryOption>,
    pub headers: Vec<RequestHeader>,
    pub body: Option<ResolvedType>,
    /// `None` when the operation returns no content.
    pub response: Option<ResolvedType>,
    pub success_status: u16,
    /// A second form of the request that the pages document beside the JSON one: the same
    /// call with a media body (`sendMail` with a MIME message).
    pub media_form: Option<MediaForm>,
    pub examples: Vec<Example>,
    pub source: Source,
}

/// A request sent as media where the JSON form is the operation's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaForm {
    /// The content type the pages name for it (`text/plain`).
    pub content_type: String,
    /// The pages call it MIME: a message in MIME format, base64-encoded.
    pub mime: bool,
}

impl Operation {
    /// A delta function (`.../delta`, `.../delta()`): the items of its collection may be
    /// removals rather than the documented type.
    pub fn is_delta(&self) -> bool {
        self.response.as_ref().is_some_and(|r| r.collection)
            && !self.paths.is_empty()
            && self.paths.iter().all(|path| {
                path.template.segments.last().is_some_and(|segment| {
                    matches!(segment.parts.as_slice(), [PathPart::Literal(text)]
                        if text.eq_ignore_ascii_case("delta") || text.eq_ignore_ascii_case("delta()"))
                })
            })
    }
}

/// The resolved API.
#[derive(Debug, Clone, Default)]
pub struct ApiModel {
    pub types: BTreeMap<TypeKey, ComplexType>,
    pub enums: BTreeMap<TypeKey, EnumType>,
    /// Sorted by (area, name, source).
    pub operations: Vec<Operation>,
    /// Every path of every operation, as a tree to navigate.
    pub paths: paths::PathTree,
}

impl ApiModel {
    /// A type and its base types, nearest first. Stops at a cycle (reported during resolution).
    pub fn ancestry<'a>(&'a self, key: &'a TypeKey) -> impl Iterator<Item = &'a ComplexType> + 'a {
        let mut seen = Vec::new();
        std::iter::successors(self.types.get(key), move |t| {
            seen.push(t.key.clone());
            t.base
                .as_ref()
                .filter(|b| !seen.contains(b))
                .and_then(|b| self.types.get(b))
        })
    }

    /// All properties of a type, inherited ones first (base-most first), each wire name once.
    pub fn all_properties<'a>(&'a self, key: &'a TypeKey) -> Vec<&'a Property> {
        let chain: Vec<&ComplexType> = self.ancestry(key).collect();
        let mut properties: Vec<&Property> = Vec::new();
        let mut positions: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::new();
        for ty in chain.iter().rev() {
            for property in &ty.properties {
                match positions.get(property.name.as_str()) {
                    // A derived type restating a property refines it.
                    Some(&at) => properties[at] = property,
                    None => {
                        positions.insert(&property.name, properties.len());
                        properties.push(property);
                    }
                }
            }
        }
        properties
    }
}

/// The model and what resolving it reported.
#[derive(Debug)]
pub struct Resolved {
    pub model: ApiModel,
    pub diagnostics: Vec<Diagnostic>,
    /// What the pages define and what became of it.
    pub account: account::Account,
}

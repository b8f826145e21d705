//! Operations from API pages: the HTTP request section gives method and paths, the other
//! sections give query options, headers, body and response, and the examples are paired up.

use std::collections::{BTreeMap, HashSet};

use heck::ToSnakeCase;

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::page::http::{BodyText, HttpHeader, RequestLine};
use crate::page::type_expr::parse_type_name;
use crate::page::{
    BlockType, CodeBlock, Page, PageKind, PathTemplate, TableKind, TypeExpr, TypeName, TypeTerm,
};

use super::account::Item;
use super::declare::{
    draft_property, inherited_from, operation_area, page_area, page_description, source_of,
    Declarations, DraftComplex, DraftType,
};
use super::{
    Example, ExampleMedia, ExampleRequest, ExampleResponse, Media, MediaForm, Primitive,
    QueryOption, RequestHeader, Source, TypeKey, TypeOrigin, BODY_NAMESPACE,
};

/// A documented request line: path template, the query it carries, where it was written.
#[derive(Debug, Clone)]
pub(super) struct DraftPath {
    pub template: PathTemplate,
    pub query: Vec<(String, Option<String>)>,
    /// What the examples that are instances of this path show, when any is.
    pub media: Option<Media>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub(super) struct DraftOperation {
    pub name: String,
    pub title: String,
    pub description: String,
    pub area: String,
    pub method: String,
    pub paths: Vec<DraftPath>,
    /// Lower-cased parameter name → (type, description) from parameter tables.
    pub parameters: BTreeMap<String, (DraftType, String)>,
    pub query_options: Vec<QueryOption>,
    pub headers: Vec<RequestHeader>,
    pub body: Option<DraftType>,
    /// `Some(None)`: documented as returning no content; `None`: not determined.
    pub response: Option<Option<DraftType>>,
    pub success_status: u16,
    /// What the examples and the documented response say of media bodies, for every path
    /// (see `resolve`, which narrows it to the paths that address bytes when some do not).
    pub media: Media,
    pub media_form: Option<MediaForm>,
    pub examples: Vec<Example>,
    pub source: Source,
    pub page: String,
    pub offset: usize,
}

pub(super) fn collect(pages: &[Page], declarations: &mut Declarations) -> Vec<DraftOperation> {
    let mut operations = Vec::new();
    for page in pages.iter().filter(|p| p.kind == PageKind::Api) {
        operations.extend(page_operations(page, declarations));
    }
    operations
}

fn report(
    declarations: &mut Declarations,
    page: &Page,
    severity: Severity,
    code: Code,
    offset: usize,
    message: String,
) {
    let location = page.lines.location(offset);
    declarations.diagnostics.push(Diagnostic::new(
        severity,
        code,
        page.path.clone(),
        location,
        message,
    ));
}

fn section_is(page: &Page, section: Option<usize>, words: &[&str]) -> bool {
    page.is_under(section, |title| {
        let title = title.to_ascii_lowercase();
        words.iter().any(|w| title.contains(w))
    })
}

fn page_operations(page: &Page, declarations: &mut Declarations) -> Vec<DraftOperation> {
    // The request lines of the "HTTP request" section: one operation per method.
    let mut lines_by_method: BTreeMap<String, Vec<(&RequestLine, usize)>> = BTreeMap::new();
    let mut method_order: Vec<String> = Vec::new();
    let request_lines =
        |keep: &dyn Fn(&CodeBlock, &RequestLine) -> bool| -> Vec<(&RequestLine, usize)> {
            page.code_blocks
                .iter()
                .filter_map(|block| Some((block, block.http_request()?)))
                .flat_map(|(block, request)| {
                    request
                        .lines
                        .iter()
                        .filter(|l| keep(block, l))
                        .map(|l| (l, block.content_offset + l.offset))
                })
                .collect()
        };
    let mut documented =
        request_lines(&|block, _| section_is(page, block.section, &["http request"]));
    // Without an HTTP request section, the example requests whose paths are templates (names
    // and placeholders only) are the documentation of the paths.
    if documented.is_empty() {
        documented = request_lines(&|block, line| {
            let is_request = page
                .annotation(block.annotation)
                .is_some_and(|a| a.block_type == Some(BlockType::Request));
            is_request && is_template(&line.target.path)
        });
    }
    for (line, offset) in documented {
        if !lines_by_method.contains_key(&line.method) {
            method_order.push(line.method.clone());
        }
        lines_by_method
            .entry(line.method.clone())
            .or_default()
            .push((line, offset));
    }
    if method_order.is_empty() {
        let offset = page.sections.first().map_or(0, |s| s.offset);
        let message = if page.code_blocks.is_empty() {
            "API page has no HTTP request; no operation is generated"
        } else {
            "API page has no request line in an `HTTP request` section, and no example path without ids; no operation is generated"
        };
        declarations
            .ledger
            .dropped(Code::PageShape, [Item::api_page(page)]);
        report(
            declarations,
            page,
            Severity::Warning,
            Code::PageShape,
            offset,
            message.to_owned(),
        );
        return Vec::new();
    }

    let title = page
        .title
        .clone()
        .or_else(|| page.front_matter.title().map(str::to_owned))
        .unwrap_or_else(|| page.stem.clone());
    let base_name = operation_name(&title, &page.stem);
    let parameters = parameter_types(page);
    let query_options = query_options(page);
    let headers = request_headers(page);
    let examples = examples(page);
    let description = page_description(page);
    let area = operation_area(page);
    let several_methods = method_order.len() > 1;

    let mut operations = Vec::new();
    for method in method_order {
        let lines = lines_by_method.remove(&method).unwrap_or_default();
        let mut paths: Vec<DraftPath> = Vec::new();
        let mut listed: HashSet<PathTemplate> = HashSet::new();
        for (line, offset) in &lines {
            let template = parameterize_ids(&line.target.path);
            if template != line.target.path {
                let message = format!(
                    "documented path `{}` has concrete ids where parameters belong; they are read as parameters",
                    line.target.path.to_template_string()
                );
                report(
                    declarations,
                    page,
                    Severity::Warning,
                    Code::PathTemplate,
                    *offset,
                    message,
                );
            }
            if listed.insert(template.clone()) {
                paths.push(DraftPath {
                    template,
                    query: line.target.query_pairs(),
                    media: None,
                    source: source_of(page, *offset),
                });
            }
        }
        let offset = lines.first().map_or(0, |(_, o)| *o);
        let method_examples: Vec<Example> = examples
            .iter()
            .filter(|e| e.request.as_ref().is_none_or(|r| r.method == method))
            .cloned()
            .collect();
        add_example_paths(page, &method_examples, &mut paths, declarations);
        let body = request_body(page, &method, &method_examples, declarations);
        let (response, success_status) = response(page, &method, declarations);
        let (media, media_form) = media_signals(
            page,
            &method_examples,
            &response,
            success_status,
            &mut paths,
            &headers,
            declarations,
        );
        let name = if several_methods {
            format!("{}_{}", base_name, method.to_ascii_lowercase())
        } else {
            base_name.clone()
        };
        operations.push(DraftOperation {
            name,
            title: title.clone(),
            description: description.clone(),
            area: area.clone(),
            method,
            paths,
            parameters: parameters.clone(),
            query_options: query_options.clone(),
            headers: headers.clone(),
            body,
            response,
            success_status,
            media,
            media_form,
            examples: method_examples,
            source: source_of(page, offset),
            page: page.stem.clone(),
            offset,
        });
    }
    operations
}

/// An example request whose path is made only of names and `{placeholders}` and matches none
/// of the documented paths documents another path of the operation: the page disagrees with
/// itself, which is reported, and both paths get a function. (Paths with concrete ids are
/// instances of a documented path, or of nothing usable.)
fn add_example_paths(
    page: &Page,
    examples: &[Example],
    paths: &mut Vec<DraftPath>,
    declarations: &mut Declarations,
) {
    for request in examples.iter().filter_map(|e| e.request.as_ref()) {
        add_value_path(page, request, paths, declarations);
        let Ok(template) = crate::page::http::parse_path_template(&request.path) else {
            continue;
        };
        if !is_template(&template)
            || paths.iter().any(|p| {
                template_matches(&p.template, &template)
                    || p.template.instance_values(&request.path).is_some()
            })
        {
            continue;
        }
        let documented: Vec<String> = paths
            .iter()
            .map(|p| p.template.to_template_string())
            .collect();
        let message = format!(
            "example path `{}` matches none of the documented paths ({}); it is added as another path",
            request.path,
            documented.join(", ")
        );
        add_example_path(
            page,
            request,
            template,
            Severity::Warning,
            message,
            paths,
            declarations,
        );
    }
}

/// A path an example shows the operation at, reported as the page's own inconsistency.
fn add_example_path(
    page: &Page,
    request: &ExampleRequest,
    template: PathTemplate,
    severity: Severity,
    message: String,
    paths: &mut Vec<DraftPath>,
    declarations: &mut Declarations,
) {
    declarations.diagnostics.push(Diagnostic::new(
        severity,
        Code::Conflict,
        request.source.page.clone(),
        page.lines.line_location(request.source.line),
        message,
    ));
    paths.push(DraftPath {
        template,
        query: Vec::new(),
        media: None,
        source: request.source.clone(),
    });
}

/// An example of `{documented path}/$value` shows the raw content of what the documented path
/// addresses (a hosted content's bytes, a message's MIME): that path is the operation's too.
fn add_value_path(
    page: &Page,
    request: &ExampleRequest,
    paths: &mut Vec<DraftPath>,
    declarations: &mut Declarations,
) {
    let trimmed = request.path.trim_end_matches('/');
    let Some(parent) = trimmed.strip_suffix("/$value") else {
        return;
    };
    if paths
        .iter()
        .any(|p| p.template.instance_values(trimmed).is_some())
    {
        return;
    }
    let Some(documented) = paths
        .iter()
        .find(|p| p.template.instance_values(parent).is_some())
    else {
        return;
    };
    let mut template = documented.template.clone();
    template.segments.push(crate::page::PathSegment {
        parts: vec![crate::page::PathPart::Literal("$value".to_owned())],
    });
    let message = format!(
        "example path `{}` reads the content of `{}`, which the HTTP request section does not list; `{}` is added as another path",
        request.path,
        documented.template.to_template_string(),
        template.to_template_string()
    );
    add_example_path(
        page,
        request,
        template,
        Severity::Note,
        message,
        paths,
        declarations,
    );
}

/// Segments that are GUIDs or numbers are ids written where a parameter belongs: they become
/// parameters named after the segment before them (`classes/0f1e...` → `classes/{classes-id}`).
fn parameterize_ids(template: &PathTemplate) -> PathTemplate {
    use crate::page::{PathPart, PathSegment};
    let mut segments: Vec<PathSegment> = Vec::with_capacity(template.segments.len());
    for segment in &template.segments {
        let id = match segment.parts.as_slice() {
            [PathPart::Literal(text)] => is_concrete_id(text),
            _ => false,
        };
        if !id {
            segments.push(segment.clone());
            continue;
        }
        let owner = match segments.last().map(|s| s.parts.as_slice()) {
            Some([PathPart::Literal(previous)]) => previous.clone(),
            _ => "item".to_owned(),
        };
        segments.push(PathSegment {
            parts: vec![PathPart::Param {
                names: vec![format!("{owner}-id")],
            }],
        });
    }
    PathTemplate { segments }
}

fn is_concrete_id(text: &str) -> bool {
    let guid = text.len() == 36
        && text.chars().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    let number = text.len() > 1 && text.chars().all(|c| c.is_ascii_digit());
    guid || number
}

/// A path made only of names and `{placeholders}`: a template, not an instance with ids.
fn is_template(template: &PathTemplate) -> bool {
    template.segments.iter().all(|segment| {
        segment.parts.iter().all(|part| match part {
            crate::page::PathPart::Param { .. } => true,
            crate::page::PathPart::Literal(text) => text
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, '$' | '.' | ':')),
        })
    })
}

/// Whether a concrete path is an instance of a template: same segment count, literal parts
/// equal (ignoring case), parameters matching anything.
fn template_matches(template: &PathTemplate, path: &PathTemplate) -> bool {
    use crate::page::PathPart;
    template.segments.len() == path.segments.len()
        && template.segments.iter().zip(&path.segments).all(|(t, p)| {
            let has_param = t
                .parts
                .iter()
                .any(|part| matches!(part, PathPart::Param { .. }));
            has_param
                || t.parts.len() == p.parts.len()
                    && t.parts.iter().zip(&p.parts).all(|(a, b)| match (a, b) {
                        (PathPart::Literal(a), PathPart::Literal(b)) => a.eq_ignore_ascii_case(b),
                        _ => false,
                    })
        })
}

/// `List trending` → `list_trending`; `trending: hide` → `trending_hide`; `Get a user` →
/// `get_user` (articles carry nothing in a name).
fn operation_name(title: &str, stem: &str) -> String {
    let words: Vec<String> = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .filter(|w| !matches!(w.to_ascii_lowercase().as_str(), "a" | "an" | "the"))
        .map(str::to_owned)
        .collect();
    let name = words.join(" ").to_snake_case();
    if name.is_empty() {
        stem.to_snake_case()
    } else {
        name
    }
}

/// Types of function and path parameters, from parameter tables outside the request body.
fn parameter_types(page: &Page) -> BTreeMap<String, (DraftType, String)> {
    let mut parameters = BTreeMap::new();
    for table in page
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::Parameters)
    {
        if section_is(page, table.section, &["request body"]) {
            continue;
        }
        for row in table.members() {
            let ty = match &row.ty {
                Some(ty) => DraftType::Written(ty.clone()),
                None => DraftType::Unreadable(row.type_text.clone()),
            };
            parameters
                .entry(row.name.to_ascii_lowercase())
                .or_insert((ty, row.description_markdown.clone()));
        }
    }
    parameters
}

/// The OData options the "Optional query parameters" section names, or all of the common ones
/// when it says the method supports the OData query parameters without naming them.
fn query_options(page: &Page) -> Vec<QueryOption> {
    let in_section = |section| section_is(page, section, &["query parameters"]);
    let texts = page
        .paragraphs
        .iter()
        .filter(|p| in_section(p.section))
        .map(|p| p.text.as_str())
        .chain(
            page.tables
                .iter()
                .filter(|t| in_section(t.section))
                .flat_map(|t| t.rows.iter().flat_map(|r| r.cells.first()))
                .map(|c| c.text.as_str()),
        );
    let mut named = Vec::new();
    let mut says_supported = false;
    let mut says_not_supported = false;
    for text in texts {
        let lower = text.to_ascii_lowercase();
        says_not_supported |= lower.contains("not support");
        says_supported |= lower.contains("support") && lower.contains("odata");
        for (i, _) in text.match_indices('$') {
            let word: String = text[i..]
                .chars()
                .take_while(|&c| c == '$' || c.is_ascii_alphabetic())
                .collect();
            if let Some(option) = QueryOption::from_wire(&word) {
                if !named.contains(&option) {
                    named.push(option);
                }
            }
        }
    }
    if named.is_empty() && says_supported && !says_not_supported {
        named = vec![
            QueryOption::Select,
            QueryOption::Filter,
            QueryOption::Expand,
            QueryOption::OrderBy,
            QueryOption::Top,
            QueryOption::Skip,
            QueryOption::Search,
            QueryOption::Count,
        ];
    }
    named.sort();
    named
}

fn request_headers(page: &Page) -> Vec<RequestHeader> {
    page.tables
        .iter()
        .filter(|t| t.kind == TableKind::Headers)
        .flat_map(|t| t.members())
        .map(|row| {
            let lower = row.description.to_ascii_lowercase();
            RequestHeader {
                name: row.name.clone(),
                required: lower.contains("required") && !lower.contains("optional"),
                description: row.description.clone(),
            }
        })
        .collect()
}

/// Request examples paired with the response examples that follow them.
fn examples(page: &Page) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    for block in &page.code_blocks {
        let Some(annotation) = page.annotation(block.annotation) else {
            continue;
        };
        let body = || block.json.as_ref().and_then(|j| j.value.clone());
        let body_error = || block.json.as_ref().and_then(|j| j.error.clone());
        let body_truncated = block.json.as_ref().is_some_and(|j| j.truncated);
        match annotation.block_type {
            Some(BlockType::Request) => {
                let Some(request) = block.http_request() else {
                    continue;
                };
                let Some(line) = request.lines.first() else {
                    continue;
                };
                examples.push(Example {
                    name: annotation.name.clone(),
                    request: Some(ExampleRequest {
                        method: line.method.clone(),
                        path: line.target.path.to_template_string(),
                        query: line.target.query_pairs(),
                        body: body(),
                        truncated: body_truncated,
                        body_error: body_error(),
                        media: example_media(&request.headers, request.body.as_ref()),
                        source: source_of(page, block.content_offset + line.offset),
                    }),
                    response: None,
                    ignored_request: None,
                });
            }
            Some(BlockType::Ignored) => {
                let Some(line) = block.http_request().and_then(|r| r.lines.first()) else {
                    continue;
                };
                // Between a request and its response (another form of the same request), an
                // ignored block does not take the response.
                if examples
                    .last()
                    .is_some_and(|e| e.request.is_some() && e.response.is_none())
                {
                    continue;
                }
                examples.push(Example {
                    name: annotation.name.clone(),
                    request: None,
                    response: None,
                    ignored_request: Some(line.target.path.to_template_string()),
                });
            }
            Some(BlockType::Response) => {
                let Some(response) = block.http_response() else {
                    continue;
                };
                let example_response = ExampleResponse {
                    status: response.status,
                    body: body(),
                    // Only elided text makes a body incomplete; the annotation's `truncated` says
                    // the service may send more properties, which the types allow anyway.
                    truncated: body_truncated,
                    body_error: body_error(),
                    media: example_media(&response.headers, response.body.as_ref()),
                    location: header_value(&response.headers, "location").map(str::to_owned),
                    source: source_of(page, block.content_offset + response.offset),
                };
                match examples.last_mut() {
                    Some(example) if example.response.is_none() => {
                        example.response = Some(example_response)
                    }
                    _ => examples.push(Example {
                        name: annotation.name.clone(),
                        request: None,
                        response: Some(example_response),
                        ignored_request: None,
                    }),
                }
            }
            _ => {}
        }
    }
    examples.retain(|e| e.request.is_some() || e.response.is_some());
    examples
}

/// The value of a header of an example, by its name in any case.
fn header_value<'a>(headers: &'a [HttpHeader], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.trim())
}

/// An example body's media, when its `Content-Type` says it is not JSON.
fn example_media(headers: &[HttpHeader], body: Option<&BodyText>) -> Option<ExampleMedia> {
    let content_type = header_value(headers, "content-type")?;
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.is_empty() || essence.to_ascii_lowercase().contains("json") {
        return None;
    }
    Some(ExampleMedia {
        content_type: content_type.to_owned(),
        text: body.map(|b| b.text.clone()).unwrap_or_default(),
    })
}

/// How many example bodies of each direction are shown, and how many of them are media.
#[derive(Debug, Clone, Copy, Default)]
struct MediaCounts {
    requests: usize,
    request_media: usize,
    responses: usize,
    response_media: usize,
}

impl MediaCounts {
    fn of<'a>(examples: impl IntoIterator<Item = &'a Example>) -> MediaCounts {
        let mut counts = MediaCounts::default();
        for example in examples {
            if let Some(request) = example
                .request
                .as_ref()
                .filter(|r| r.body.is_some() || r.body_error.is_some() || r.media.is_some())
            {
                counts.requests += 1;
                counts.request_media += usize::from(request.media.is_some());
            }
            // A `$count` request's answer is a number in plain text: a count, not the
            // operation's media (see `OperationPath::counts`). Pages often show it without its
            // request, or after a request they annotate `ignored`.
            if answers_count(example) {
                continue;
            }
            let Some(response) = example.response.as_ref() else {
                continue;
            };
            // A 204 has no body, whatever `Content-Type` the page shows with it; nor has a 202
            // shown empty (`Content-Length: 0`).
            let empty = response.body.is_none()
                && response.body_error.is_none()
                && response
                    .media
                    .as_ref()
                    .is_none_or(|m| m.text.trim().is_empty());
            if !(200..400).contains(&response.status)
                || response.status == 204
                || (response.status == 202 && empty)
            {
                continue;
            }
            counts.responses += 1;
            counts.response_media +=
                usize::from(response.media.is_some() || (300..400).contains(&response.status));
        }
        counts
    }

    /// Media where every body shown of the direction is media.
    fn media(self) -> Media {
        Media {
            request: self.request_media > 0 && self.request_media == self.requests,
            response: self.response_media > 0 && self.response_media == self.responses,
        }
    }

    /// The directions whose bodies are shown both as JSON and as media.
    fn mixed(self) -> Mixed {
        Mixed {
            request: self.request_media > 0 && self.request_media < self.requests,
            response: self.response_media > 0 && self.response_media < self.responses,
        }
    }
}

/// Which directions the examples show both as JSON and as media.
#[derive(Debug, Clone, Copy, Default)]
struct Mixed {
    request: bool,
    response: bool,
}

impl Mixed {
    fn or(self, other: Mixed) -> Mixed {
        Mixed {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
}

fn answers_count(example: &Example) -> bool {
    let asks_count = example
        .request
        .as_ref()
        .map(|r| &r.path)
        .or(example.ignored_request.as_ref())
        .is_some_and(|path| path.trim_end_matches('/').ends_with("/$count"));
    let answers_number = example
        .response
        .as_ref()
        .and_then(|r| r.media.as_ref())
        .is_some_and(|m| {
            let text = m.text.trim();
            !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
        });
    asks_count || answers_number
}

/// Whether the pages show media rather than JSON for the request and the answer of one
/// method: every example body of that direction is media, or (answers) the documented status
/// is a redirect to a download, or the type is `Edm.Stream`. Each path whose instances the
/// examples show gets what its own examples show. A request shown both ways (or a media type
/// the headers table allows beside JSON) is a second form of the call; an answer shown both
/// ways keeps JSON, and the media form is reported.
fn media_signals(
    page: &Page,
    examples: &[Example],
    response: &Option<Option<DraftType>>,
    success_status: u16,
    paths: &mut [DraftPath],
    headers: &[RequestHeader],
    declarations: &mut Declarations,
) -> (Media, Option<MediaForm>) {
    let stream = matches!(
        response,
        Some(Some(DraftType::Written(TypeExpr {
            term: TypeTerm::Primitive(Primitive::Stream),
            collection: false
        })))
    );
    let always = Media {
        request: false,
        response: (300..400).contains(&success_status) || stream,
    };
    let either = |shown: Media| Media {
        request: always.request || shown.request,
        response: always.response || shown.response,
    };
    let all = MediaCounts::of(examples);
    // Where some paths address bytes, the media form is theirs (see `resolve`).
    let bytes_paths = paths
        .iter()
        .any(|p| super::OperationPath::addresses_bytes(&p.template));
    // Directions shown both ways on one path; or on the operation, when no example is an
    // instance of any of its paths.
    let mut mixed = Mixed::default();
    let mut any_path_shown = false;
    for path in paths.iter_mut() {
        let instances = examples.iter().filter(|e| {
            e.request
                .as_ref()
                .is_some_and(|r| path.template.instance_values(&r.path).is_some())
        });
        let counts = MediaCounts::of(instances);
        if counts.requests + counts.responses == 0 {
            continue;
        }
        path.media = Some(either(counts.media()));
        any_path_shown = true;
        mixed = mixed.or(counts.mixed());
    }
    if !any_path_shown {
        mixed = all.mixed();
    }
    // A request shown both ways, or a `Content-Type` the headers table allows beside JSON, is a
    // second form of the call rather than a contradiction.
    let shown_form = examples
        .iter()
        .filter(|_| mixed.request)
        .filter_map(|e| e.request.as_ref()?.media.as_ref())
        .map(|m| MediaForm {
            content_type: m.content_type.clone(),
            mime: false,
        })
        .next();
    let media_form = headers
        .iter()
        .find_map(header_media_form)
        .or(shown_form)
        .filter(|_| !bytes_paths && !all.media().request);
    // An answer shown both ways has no second form: the method reads JSON.
    if mixed.response && !bytes_paths {
        let line = examples
            .iter()
            .find_map(|e| e.response.as_ref())
            .map_or(1, |r| r.source.line);
        let location = Location {
            line,
            column: 1,
            offset: 0,
        };
        let message = "the examples show both JSON and media response bodies: the method reads JSON, and the media form is not generated".to_owned();
        declarations.diagnostics.push(Diagnostic::new(
            Severity::Note,
            Code::ExampleMismatch,
            page.path.clone(),
            location,
            message,
        ));
    }
    (either(all.media()), media_form)
}

/// A `Content-Type` row that allows JSON and another type: "Use `application/json` for a JSON
/// object and `text/plain` for MIME content."
fn header_media_form(header: &RequestHeader) -> Option<MediaForm> {
    if !header.name.eq_ignore_ascii_case("content-type") {
        return None;
    }
    let is_media_type = |word: &&str| {
        word.split_once('/').is_some_and(|(kind, sub)| {
            !kind.is_empty()
                && !sub.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '+' | '.'))
        })
    };
    let named: Vec<&str> = header
        .description
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .filter(is_media_type)
        .collect();
    if !named
        .iter()
        .any(|t| t.to_ascii_lowercase().contains("json"))
    {
        return None;
    }
    let other = named
        .into_iter()
        .find(|t| !t.to_ascii_lowercase().contains("json"))?;
    Some(MediaForm {
        content_type: other.to_owned(),
        mime: header.description.contains("MIME"),
    })
}

/// The body type: a parameter table makes a body type of its own; otherwise the type the
/// "Request body" prose links to, or the request example's `@odata.type`, or for an update the
/// resource the page returns; a property table with no such type makes a body type too.
fn request_body(
    page: &Page,
    method: &str,
    examples: &[Example],
    declarations: &mut Declarations,
) -> Option<DraftType> {
    let in_body = |section| section_is(page, section, &["request body"]);
    let mut tables: Vec<_> = page
        .tables
        .iter()
        .filter(|t| {
            in_body(t.section) && matches!(t.kind, TableKind::Parameters | TableKind::Properties)
        })
        .collect();
    let prose: Vec<_> = page
        .paragraphs
        .iter()
        .filter(|p| in_body(p.section))
        .collect();
    // "No request body is required" makes the body optional, not absent.
    let says_no_body = prose.iter().any(|p| {
        let lower = p.text.to_ascii_lowercase();
        lower.contains("do not supply")
            || lower.contains("don't supply")
            || (lower.contains("no request body") && !lower.contains("no request body is required"))
    });
    let example_body = examples
        .iter()
        .filter_map(|e| e.request.as_ref()?.body.as_ref())
        .next();
    // A body the examples send, documented by a "Parameters" section of its own rather than
    // under "Request body" (`createUploadSession`).
    if tables.is_empty() && example_body.is_some() {
        tables = page
            .tables
            .iter()
            .filter(|t| {
                t.kind == TableKind::Parameters
                    && page.is_under(t.section, |title| title.eq_ignore_ascii_case("parameters"))
            })
            .collect();
    }
    if tables.is_empty() && (says_no_body || (example_body.is_none() && prose.is_empty())) {
        return None;
    }
    if tables.iter().any(|t| t.kind == TableKind::Parameters) {
        return Some(body_type(
            page,
            &tables,
            declarations,
            TypeOrigin::ActionParameters,
        ));
    }
    let linked = prose
        .iter()
        .flat_map(|p| p.links.iter())
        .filter(|l| l.target.to_ascii_lowercase().contains(".md"))
        .find_map(|l| {
            match crate::page::type_expr::parse_type_cell(&l.text, std::slice::from_ref(l)) {
                Ok(TypeExpr {
                    term: TypeTerm::Named(name),
                    collection,
                }) => Some(TypeExpr {
                    term: TypeTerm::Named(name),
                    collection,
                }),
                _ => None,
            }
        });
    let from_example = example_body
        .and_then(|b| b.get("@odata.type"))
        .and_then(|t| t.as_str())
        .and_then(parse_type_name);
    let from_response = matches!(method, "PATCH" | "PUT")
        .then(|| response_link(page))
        .flatten();
    let named = linked.or(from_example).or(from_response);
    match named {
        Some(ty) => {
            if let (TypeTerm::Named(name), false) = (&ty.term, tables.is_empty()) {
                table_properties_into(page, name, &tables, declarations);
            }
            Some(DraftType::Written(ty))
        }
        None if !tables.is_empty() => Some(body_type(
            page,
            &tables,
            declarations,
            TypeOrigin::RequestBodyTable,
        )),
        None if example_body.is_some() => {
            let offset = prose.first().map_or(0, |p| p.offset);
            let message = "request body type is not documented (no table, link or `@odata.type`); it is typed as JSON".to_owned();
            report(
                declarations,
                page,
                Severity::Warning,
                Code::UnresolvedType,
                offset,
                message,
            );
            Some(DraftType::Written(TypeExpr {
                term: TypeTerm::Primitive(crate::page::Primitive::Json),
                collection: false,
            }))
        }
        None => None,
    }
}

/// A body type of the page's own, from its request-body tables.
fn body_type(
    page: &Page,
    tables: &[&crate::page::Table],
    declarations: &mut Declarations,
    origin: TypeOrigin,
) -> DraftType {
    let name = body_type_name(page, declarations);
    let key = TypeKey::new(BODY_NAMESPACE, &name);
    let offset = tables.first().map_or(0, |t| t.offset);
    declarations.add_type(DraftComplex {
        key: key.clone(),
        name: name.clone(),
        namespace: BODY_NAMESPACE.to_owned(),
        description: format!(
            "The request body of {}.",
            page.title.as_deref().unwrap_or(&page.stem)
        ),
        area: page_area(page),
        base: None,
        key_property: None,
        open_type: false,
        is_abstract: false,
        is_media_entity: false,
        properties: tables
            .iter()
            .flat_map(|t| t.members())
            .map(|row| draft_property(page, row, false))
            .collect(),
        origin,
        source: source_of(page, offset),
        page: page.stem.clone(),
    });
    DraftType::Written(TypeExpr {
        term: TypeTerm::Named(TypeName {
            name,
            namespace: Some(BODY_NAMESPACE.to_owned()),
            page: None,
            anchor: None,
        }),
        collection: false,
    })
}

/// The name of a page's own body type, from its file name with each word spelled as the pages
/// spell it: `user-assignlicense` → `userAssignLicenseBody` (the type `user`, the segment
/// `assignLicense`), `usersettings-update` → `userSettingsUpdateBody`.
fn body_type_name(page: &Page, declarations: &Declarations) -> String {
    let segments: Vec<String> = page
        .code_blocks
        .iter()
        .filter_map(CodeBlock::http_request)
        .flat_map(|request| &request.lines)
        .flat_map(|line| &line.target.path.segments)
        .flat_map(|segment| &segment.parts)
        .filter_map(|part| match part {
            crate::page::PathPart::Literal(text) => Some(text),
            crate::page::PathPart::Param { .. } => None,
        })
        .flat_map(|text| text.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    let spelled = |word: &str| -> String {
        let lower = word.to_ascii_lowercase();
        declarations
            .types
            .get(&TypeKey::new(super::DEFAULT_NAMESPACE, &lower))
            .map(|t| t.name.clone())
            .or_else(|| {
                segments
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(word))
                    .cloned()
            })
            .unwrap_or_else(|| word.to_owned())
    };
    let words: Vec<String> = page
        .stem
        .split(['-', '_', '.'])
        .filter(|word| !word.is_empty())
        .map(spelled)
        .collect();
    let mut name = String::new();
    for (i, word) in words.iter().enumerate() {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            match i {
                0 => name.extend(first.to_lowercase()),
                _ => name.extend(first.to_uppercase()),
            }
            name.extend(chars);
        }
    }
    format!("{name}Body")
}

/// A request-body property table describes (part of) the named type.
fn table_properties_into(
    page: &Page,
    name: &TypeName,
    tables: &[&crate::page::Table],
    declarations: &mut Declarations,
) {
    // A link to a resource page names that page's type, whatever the link text says
    // (`[FormatProtection](formatprotection.md)` is `workbookFormatProtection`).
    let declared = name
        .page
        .as_ref()
        .and_then(|page| declarations.page_types.get(page))
        .and_then(|key| declarations.types.get(key))
        .map(|t| (t.namespace.clone(), t.name.clone()));
    let (namespace, type_name) = declared.unwrap_or_else(|| {
        let namespace = name
            .namespace
            .clone()
            .unwrap_or_else(|| super::DEFAULT_NAMESPACE.to_owned());
        (namespace, name.name.clone())
    });
    let mut base = None;
    let mut properties = Vec::new();
    for row in tables.iter().flat_map(|t| t.members()) {
        // "Inherited from [entity](...)": the property belongs to a base type.
        if let Some(link) = inherited_from(row) {
            base.get_or_insert(link);
            continue;
        }
        properties.push(draft_property(page, row, false));
    }
    declarations.add_type(DraftComplex {
        key: TypeKey::new(&namespace, &type_name),
        name: type_name,
        namespace,
        description: String::new(),
        area: page_area(page),
        base,
        key_property: None,
        open_type: false,
        is_abstract: false,
        is_media_entity: false,
        properties,
        origin: TypeOrigin::RequestBodyTable,
        source: source_of(page, tables.first().map_or(0, |t| t.offset)),
        page: page.stem.clone(),
    });
}

/// The type linked from the "Response" section prose, with collection-ness from its wording.
fn response_link(page: &Page) -> Option<TypeExpr> {
    page.paragraphs
        .iter()
        .filter(|p| {
            section_is(page, p.section, &["response"]) && !section_is(page, p.section, &["example"])
        })
        .find_map(|p| {
            let lower = p.text.to_ascii_lowercase();
            let link = p
                .links
                .iter()
                .find(|l| l.target.to_ascii_lowercase().contains(".md"))?;
            let mut ty =
                crate::page::type_expr::parse_type_cell(&link.text, std::slice::from_ref(link))
                    .ok()?;
            if lower.contains("collection") || lower.contains(" array") {
                ty.collection = true;
            }
            Some(ty)
        })
}

/// The response: the first response example's annotation, else the Response prose. The status
/// comes from the prose's status code, else from the example, else from the method.
fn response(
    page: &Page,
    method: &str,
    declarations: &mut Declarations,
) -> (Option<Option<DraftType>>, u16) {
    let response_blocks: Vec<&CodeBlock> = page
        .code_blocks
        .iter()
        .filter(|b| {
            page.annotation(b.annotation)
                .is_some_and(|a| a.block_type == Some(BlockType::Response))
        })
        .collect();
    let prose: Vec<_> = page
        .paragraphs
        .iter()
        .filter(|p| {
            section_is(page, p.section, &["response"]) && !section_is(page, p.section, &["example"])
        })
        .collect();
    // The prose before the first response example: a page that documents several requests
    // (create an upload session, then upload its bytes) says the later ones' statuses after it.
    let first_example = response_blocks.first().map(|b| b.offset);
    let prose_status = prose
        .iter()
        .filter(|p| first_example.is_none_or(|offset| p.offset < offset))
        .find_map(|p| status_in(&p.text));
    let example_status = response_blocks
        .iter()
        .find_map(|b| b.http_response())
        .map(|r| r.status);
    let status = prose_status.or(example_status).unwrap_or(match method {
        "POST" => 201,
        "DELETE" => 204,
        _ => 200,
    });

    // A `202 Accepted` the examples show without a body starts work the service does later:
    // the answer is its headers (`Location`, `Operation-Location`), whatever resource the
    // prose links to as the eventual result.
    let shown_without_body = !response_blocks.is_empty()
        && response_blocks.iter().all(|b| {
            b.json.is_none()
                && b.http_response()
                    .is_none_or(|r| r.body.as_ref().is_none_or(|t| t.text.trim().is_empty()))
        });
    if status == 202 && shown_without_body {
        return (Some(None), status);
    }
    let annotated = response_blocks.iter().find_map(|b| {
        let annotation = page.annotation(b.annotation)?;
        let mut ty = parse_type_name(annotation.odata_type.as_deref()?)?;
        ty.collection |= annotation.is_collection.unwrap_or(false);
        Some(ty)
    });
    if let Some(ty) = annotated {
        return (Some(Some(DraftType::Written(ty))), status);
    }
    if let Some(ty) = response_link(page) {
        return (Some(Some(DraftType::Written(ty))), status);
    }
    let no_content = status == 204
        || prose.iter().any(|p| {
            let lower = p.text.to_ascii_lowercase();
            lower.contains("no content")
                || lower.contains("does not return anything")
                || lower.contains("doesn't return anything")
        });
    // A redirect to a download carries no body of a type: the answer is the media it leads
    // to (see `media_signals`). Nor does an answer that names no type and is shown without a
    // body ("returns a `200 OK` response code").
    if no_content || (300..400).contains(&status) || shown_without_body {
        return (Some(None), status);
    }
    if response_blocks.iter().any(|b| b.json.is_some()) || !prose.is_empty() {
        let offset = prose.first().map_or(0, |p| p.offset);
        let message = "response type is not documented (no `@odata.type` annotation, no linked type in the Response section)".to_owned();
        report(
            declarations,
            page,
            Severity::Warning,
            Code::ResponseType,
            offset,
            message,
        );
    }
    (None, status)
}

/// `200 OK` → 200, in prose like "returns a `200 OK` response code".
fn status_in(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(2)).find_map(|i| {
        let window = bytes.get(i..i + 3)?;
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let after_ok = bytes.get(i + 3).is_none_or(|b| !b.is_ascii_alphanumeric());
        if before_ok && after_ok && window[0] == b'2' && window.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(window).ok()?.parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_titles() {
        assert_eq!(operation_name("List trending", "x"), "list_trending");
        assert_eq!(operation_name("trending: hide", "x"), "trending_hide");
        assert_eq!(operation_name("Add shared", "x"), "add_shared");
        assert_eq!(operation_name("???", "user-get"), "user_get");
        assert_eq!(operation_name("Get a user", "x"), "get_user");
        assert_eq!(
            operation_name("Delete an app role assignment", "x"),
            "delete_app_role_assignment"
        );
    }

    #[test]
    fn concrete_ids_in_documented_paths_become_parameters() {
        let path = crate::page::http::parse_path_template(
            "/education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments/11010/submit",
        )
        .expect("a path");
        assert_eq!(
            parameterize_ids(&path).to_template_string(),
            "/education/classes/{classes-id}/assignments/{assignments-id}/submit"
        );
        let plain = crate::page::http::parse_path_template("/me/events/{id}/v1").expect("a path");
        assert_eq!(parameterize_ids(&plain), plain);
    }

    fn operations_of(stem: &str, page: &str) -> Vec<crate::model::Operation> {
        let source = crate::page::PageSource {
            path: format!("api/{stem}.md").into(),
            display: format!("api/{stem}.md"),
        };
        let page = crate::page::parse_page(&source, page).page;
        crate::model::resolve(&[page]).model.operations
    }

    const SEND_MAIL: &str = r#"---
title: "user: sendMail"
doc_type: apiPageType
---

# user: sendMail

Send the message.

## HTTP request

<!-- { "blockType": "ignored" } -->
```http
POST /me/sendMail
```

## Request headers

| Name | Description |
|:-----|:------------|
| Content-Type | Required. Use `application/json` for a JSON object and `text/plain` for MIME content. |

## Request body

| Parameter | Type | Description |
|:----------|:-----|:------------|
| saveToSentItems | Boolean | Whether to keep it. |

## Response

If successful, this method returns `202 Accepted` response code. It does not return a response body.

## Example

<!-- { "blockType": "request", "name": "send" } -->
```http
POST https://graph.microsoft.com/v1.0/me/sendMail
Content-type: application/json

{"saveToSentItems": false}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 202 Accepted
```

<!-- { "blockType": "ignored", "name": "count" } -->
```http
GET https://graph.microsoft.com/v1.0/me/messages/$count
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-type: text/plain
```
"#;

    #[test]
    fn a_mime_form_beside_json_is_a_second_form_of_the_call() {
        let operations = operations_of("user-sendmail", SEND_MAIL);
        let [send] = operations.as_slice() else {
            panic!("{operations:?}")
        };
        assert_eq!(send.success_status, 202);
        assert_eq!(send.response, None);
        assert_eq!(
            send.media_form,
            Some(crate::model::MediaForm {
                content_type: "text/plain".to_owned(),
                mime: true,
            })
        );
        // The JSON form is the operation's own; the count answered after an ignored request is
        // no media of it.
        assert_eq!(send.paths[0].media, Media::default());
        assert_eq!(
            send.examples[1].ignored_request.as_deref(),
            Some("/me/messages/$count")
        );
    }

    #[test]
    fn an_accepted_answer_shown_without_a_body_has_no_type() {
        let page = SEND_MAIL
            .replace(
                "It does not return a response body.",
                "It returns a link to the [teamsAsyncOperation](../resources/teamsasyncoperation.md).",
            )
            .replace(
                "HTTP/1.1 202 Accepted\n",
                "HTTP/1.1 202 Accepted\nLocation: /teams('1')/operations('2')\n",
            );
        let operations = operations_of("team-post", &page);
        assert_eq!(operations[0].response, None);
        assert_eq!(
            operations[0].examples[0]
                .response
                .as_ref()
                .and_then(|r| r.location.as_deref()),
            Some("/teams('1')/operations('2')")
        );
    }

    #[test]
    fn an_example_of_value_adds_the_path_that_reads_the_content() {
        let page = r#"---
title: "Get hostedContent"
doc_type: apiPageType
---

# Get hostedContent

## HTTP request

<!-- { "blockType": "ignored" } -->
```http
GET /chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}
```

## Response

If successful, this method returns a `200 OK` response code and a [chatMessageHostedContent](../resources/chatmessagehostedcontent.md) object in the response body.

## Examples

<!-- { "blockType": "request", "name": "json" } -->
```http
GET https://graph.microsoft.com/v1.0/chats/c1/messages/m1/hostedContents/h1
```

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.chatMessageHostedContent" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{"id": "h1"}
```

<!-- { "blockType": "request", "name": "bytes" } -->
```http
GET https://graph.microsoft.com/v1.0/chats/c1/messages/m1/hostedContents/h1/$value
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 200 OK
Content-type: image/png
```
"#;
        let operations = operations_of("chatmessagehostedcontent-get", page);
        let [get] = operations.as_slice() else {
            panic!("{operations:?}")
        };
        let paths: Vec<(String, Media)> = get
            .paths
            .iter()
            .map(|p| (p.template.to_template_string(), p.media))
            .collect();
        let json = Media::default();
        let bytes = Media {
            request: false,
            response: true,
        };
        assert_eq!(
            paths,
            [
                (
                    "/chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}".to_owned(),
                    json
                ),
                (
                    "/chats/{chat-id}/messages/{message-id}/hostedContents/{hosted-content-id}/$value".to_owned(),
                    bytes
                ),
            ]
        );
        assert!(get.media_form.is_none());
    }

    #[test]
    fn an_example_by_a_drive_items_path_is_an_instance_not_another_path() {
        let page = r#"---
title: "Upload"
doc_type: apiPageType
---

# Upload

## HTTP request

<!-- { "blockType": "ignored" } -->
```http
PUT /me/drive/root:/{item-path}:/content
```

## Example

<!-- { "blockType": "request", "name": "upload" } -->
```http
PUT https://graph.microsoft.com/v1.0/me/drive/root:/docs/hello.txt:/content
Content-Type: text/plain

Hello
```
"#;
        let operations = operations_of("driveitem-put-content", page);
        let templates: Vec<String> = operations[0]
            .paths
            .iter()
            .map(|p| p.template.to_template_string())
            .collect();
        assert_eq!(templates, ["/me/drive/root:/{item-path}:/content"]);
    }

    #[test]
    fn status_codes_in_prose() {
        assert_eq!(
            status_in("returns a `201 Created` response code"),
            Some(201)
        );
        assert_eq!(status_in("returns `204 No Content`"), Some(204));
        assert_eq!(status_in("returns 2000 items"), None);
        assert_eq!(status_in("no code"), None);
    }
}

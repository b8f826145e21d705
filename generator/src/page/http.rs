//! Parsing of the HTTP blocks in Graph reference pages.
//!
//! A block is either a request (one or more request lines, headers, body) or a response
//! (status line, headers, body). The pages are written by hand, so the parser is lenient:
//! it recovers what it can and reports everything it had to repair or skip as an
//! [`HttpIssue`], so that the generator can point authors at the exact byte.

/// The methods the pages use; anything else that looks like a method is a typo.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Hosts that serve Microsoft Graph: the global service and the national clouds.
const GRAPH_HOSTS: [&str; 5] = [
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "graph.microsoft.de",
    "microsoftgraph.chinacloudapi.cn",
];

/// Headers common enough that a line naming one, after a stray blank line below the start
/// line, is still read as a header rather than as the first line of the body.
const KNOWN_HEADERS: [&str; 16] = [
    "accept",
    "accept-language",
    "authorization",
    "cache-control",
    "consistencylevel",
    "content-language",
    "content-length",
    "content-location",
    "content-range",
    "content-type",
    "if-match",
    "if-none-match",
    "location",
    "prefer",
    "retry-after",
    "workbook-session-id",
];

#[derive(Debug, Clone, PartialEq)]
pub enum HttpBlock {
    Request(HttpRequest),
    Response(HttpResponse),
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Every request line of the block; the "HTTP request" section lists one per path.
    pub lines: Vec<RequestLine>,
    pub headers: Vec<HttpHeader>,
    pub body: Option<BodyText>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestLine {
    /// Uppercased.
    pub method: String,
    pub target: RequestTarget,
    /// Byte offset in the block content of the line's first non-blank character.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestTarget {
    /// The target as written (without a trailing `HTTP/1.1`).
    pub raw: String,
    /// "v1.0" or "beta" when the target was an absolute URL with a version segment.
    pub api_version: Option<String>,
    pub path: PathTemplate,
    /// Query string split on `&` and the first `=`, not decoded (values often hold
    /// placeholders and OData expressions).
    pub query: Vec<QueryParam>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueryParam {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathTemplate {
    pub segments: Vec<PathSegment>,
}

/// One `/`-separated segment, as literal text interleaved with parameters, e.g.
/// `range(address='{address}')` = [Literal("range(address='"), Param{address}, Literal("')")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathSegment {
    pub parts: Vec<PathPart>,
}

impl PathSegment {
    fn ends_with_colon(&self) -> bool {
        matches!(self.parts.last(), Some(PathPart::Literal(text)) if text.ends_with(':'))
    }

    /// Matches one concrete segment, pushing the values its parameters take.
    fn match_text(&self, text: &str, values: &mut Vec<String>) -> Option<()> {
        let mut rest = text;
        let mut parts = self.parts.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                PathPart::Literal(literal) => {
                    let head = rest.get(..literal.len())?;
                    if !head.eq_ignore_ascii_case(literal) {
                        return None;
                    }
                    rest = &rest[literal.len()..];
                }
                PathPart::Param { .. } => {
                    // Up to the next literal; up to the last occurrence of a closing one
                    // (`:` after an item path that holds a `:` of its own).
                    let mut after = parts.clone();
                    let end = match (after.next(), after.next()) {
                        (Some(PathPart::Literal(next)), None) => rest.rfind(next.as_str())?,
                        (Some(PathPart::Literal(next)), Some(_)) => rest.find(next.as_str())?,
                        _ => rest.len(),
                    };
                    values.push(rest[..end].to_owned());
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathPart {
    Literal(String),
    /// `{id | userPrincipalName}` -> `["id", "userPrincipalName"]`, trimmed.
    Param {
        names: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
    /// Byte offset in the block content of the header name.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    /// Empty when the status line has no reason phrase.
    pub reason: String,
    /// Byte offset in the block content of the status line.
    pub offset: usize,
    pub headers: Vec<HttpHeader>,
    pub body: Option<BodyText>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BodyText {
    /// The body exactly as written (line endings included), from the start of its first
    /// non-blank line to the end of its last non-blank line.
    pub text: String,
    /// Byte offset of `text` in the block content.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpIssue {
    /// Byte offset in the block content of the offending text.
    pub offset: usize,
    /// One of `http-block`, `http-method`, `http-url`, `path-template`, `http-header`,
    /// `http-status`.
    pub code: &'static str,
    pub message: String,
}

impl HttpIssue {
    fn new(offset: usize, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            offset,
            code,
            message: message.into(),
        }
    }
}

/// Parses the content of one fenced HTTP block.
///
/// Returns the parsed block (if the block is HTTP at all) plus warnings. The block is `None`
/// when the content is neither a request nor a response (issue `http-block`, at the first
/// non-blank line) or when its status line is unusable (issue `http-status`).
pub fn parse_http_block(content: &str) -> (Option<HttpBlock>, Vec<HttpIssue>) {
    let lines = split_lines(content);
    let mut issues = Vec::new();
    let Some(first) = lines.iter().position(|line| !line.is_blank()) else {
        issues.push(HttpIssue::new(
            0,
            "http-block",
            "empty block: expected a request line or a status line",
        ));
        return (None, issues);
    };
    if let Some(status) = parse_status_line(lines[first].text) {
        let response = parse_response(content, &lines, first, status, &mut issues);
        return (response.map(HttpBlock::Response), issues);
    }
    match parse_request(content, &lines, first, &mut issues) {
        Some(request) => (Some(HttpBlock::Request(request)), issues),
        None => {
            // Header and URL complaints about something that is not a request are noise;
            // a mistyped method is the likely reason the block was not recognised.
            issues.retain(|issue| issue.code == "http-method");
            issues.push(HttpIssue::new(
                lines[first].offset,
                "http-block",
                format!(
                    "expected a request line or a status line, found `{}`",
                    excerpt(lines[first].text)
                ),
            ));
            (None, issues)
        }
    }
}

/// Parses a path such as `/users/{id | userPrincipalName}/messages`.
///
/// The path must not carry a scheme, host or query string.
///
/// # Errors
///
/// Lists every problem with its byte position: empty `{}`, unbalanced braces or
/// parentheses, `|` outside a placeholder. [`parse_http_block`] reports the same problems
/// as `path-template` issues and keeps the text literal instead.
pub fn parse_path_template(path: &str) -> Result<PathTemplate, String> {
    let (template, problems) = parse_path(path);
    if problems.is_empty() {
        Ok(template)
    } else {
        let messages: Vec<String> = problems
            .iter()
            .map(|(pos, message)| format!("{message} at byte {pos}"))
            .collect();
        Err(messages.join("; "))
    }
}

impl RequestTarget {
    /// The query as (name, value) pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, Option<String>)> {
        self.query
            .iter()
            .map(|q| (q.name.clone(), q.value.clone()))
            .collect()
    }
}

impl PathTemplate {
    /// The values a concrete path gives this template's parameters, in order, if the path is an
    /// instance of it: matched segment by segment, literal parts ignoring case, a parameter
    /// taking the text up to the next literal part. A drive item's path (`root:/{item-path}:`)
    /// takes every segment up to the one that ends with its `:`.
    #[must_use]
    pub fn instance_values(&self, concrete: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = concrete.split('/').filter(|s| !s.is_empty()).collect();
        let mut values = Vec::new();
        let mut at = 0;
        for (index, segment) in self.segments.iter().enumerate() {
            let item_path = index > 0
                && self.segments[index - 1].ends_with_colon()
                && matches!(segment.parts.as_slice(), [PathPart::Param { .. }, PathPart::Literal(colon)] if colon == ":");
            let text = if item_path {
                let last = at + segments.get(at..)?.iter().position(|s| s.ends_with(':'))?;
                let joined = segments[at..=last].join("/");
                at = last + 1;
                joined
            } else {
                let text = (*segments.get(at)?).to_owned();
                at += 1;
                text
            };
            segment.match_text(&text, &mut values)?;
        }
        (at == segments.len()).then_some(values)
    }

    /// The template written back in the canonical form `/a/{id}/b(x='{y}')` (params with
    /// alternatives written as `{first}`), so that paths differing only in how their
    /// placeholders are spelled compare equal.
    #[must_use]
    pub fn to_template_string(&self) -> String {
        if self.segments.is_empty() {
            return "/".to_owned();
        }
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            for part in &segment.parts {
                match part {
                    PathPart::Literal(text) => out.push_str(text),
                    PathPart::Param { names } => {
                        out.push('{');
                        out.push_str(names.first().map_or("", String::as_str));
                        out.push('}');
                    }
                }
            }
        }
        out
    }

    /// Each parameter's alternative names, in order.
    pub fn params(&self) -> impl Iterator<Item = &[String]> {
        self.segments
            .iter()
            .flat_map(|segment| &segment.parts)
            .filter_map(|part| match part {
                PathPart::Param { names } => Some(names.as_slice()),
                PathPart::Literal(_) => None,
            })
    }
}

/// One line of the block, with the offsets the issues need.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Byte offset of the start of the line.
    start: usize,
    /// Byte offset of the first non-whitespace character.
    offset: usize,
    /// Width in bytes of the leading whitespace, to recognise folded header lines.
    indent: usize,
    /// The line without surrounding whitespace (which includes a `\r` of CRLF).
    text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    /// Byte offset just past the last non-whitespace character.
    fn end(&self) -> usize {
        self.offset + self.text.len()
    }
}

/// Splits on `\n`, skipping a leading byte order mark but keeping offsets into `content`.
fn split_lines(content: &str) -> Vec<Line<'_>> {
    let rest = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut start = content.len() - rest.len();
    let mut lines = Vec::new();
    for raw in rest.split('\n') {
        let trimmed = raw.trim_start();
        let indent = raw.len() - trimmed.len();
        lines.push(Line {
            start,
            offset: start + indent,
            indent,
            text: trimmed.trim_end(),
        });
        start += raw.len() + 1;
    }
    lines
}

/// What a line inside the request-line section of a request block is.
enum LineKind<'a> {
    Blank,
    /// A known method and a target; `target_start` is the target's byte offset in the line.
    Request {
        method: &'a str,
        target: &'a str,
        target_start: usize,
    },
    /// `FETCH /me`: a word in the method position that is not a method.
    UnknownMethod(&'a str),
    /// A bare `/path` or URL.
    MissingMethod,
    /// `GET` alone, or before something that is no request target.
    MissingTarget(&'a str),
    Header,
    /// The first line of a body that follows without a blank line.
    BodyStart,
    /// Prose such as `or` and comments between request lines.
    Other,
}

fn classify(text: &str) -> LineKind<'_> {
    if text.is_empty() {
        return LineKind::Blank;
    }
    if text.starts_with("//") || text.starts_with("<!--") {
        return LineKind::Other;
    }
    if starts_body(text) {
        return LineKind::BodyStart;
    }
    let token_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let token = &text[..token_end];
    let rest = text[token_end..].trim_start();
    if !rest.is_empty() && token.bytes().all(|b| b.is_ascii_alphabetic()) {
        if is_method(token) {
            let target = strip_http_version(rest);
            if looks_like_target(target) {
                return LineKind::Request {
                    method: token,
                    target,
                    target_start: text.len() - rest.len(),
                };
            }
        } else if rest.starts_with('/') || starts_with_ignore_case(rest, "http") {
            return LineKind::UnknownMethod(token);
        }
    }
    // Upper case only: prose such as `Get the user` is not a broken request line.
    if is_method(token) && token.bytes().all(|b| b.is_ascii_uppercase()) {
        return LineKind::MissingTarget(token);
    }
    // Checked before headers: `https://host/...` would otherwise read as a `https` header.
    if text.starts_with('/') || scheme_len(text).is_some() {
        return LineKind::MissingMethod;
    }
    if split_header(text).is_some() {
        return LineKind::Header;
    }
    LineKind::Other
}

fn is_method(token: &str) -> bool {
    METHODS
        .iter()
        .any(|method| method.eq_ignore_ascii_case(token))
}

/// Drops a trailing protocol version such as ` HTTP/1.1`.
fn strip_http_version(rest: &str) -> &str {
    let last_start = rest.rfind(char::is_whitespace).unwrap_or(0);
    if is_http_version(rest[last_start..].trim_start()) {
        rest[..last_start].trim_end()
    } else {
        rest
    }
}

fn is_http_version(word: &str) -> bool {
    starts_with_ignore_case(word, "HTTP/")
        && word.len() > 5
        && word[5..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Whether the text after a method is a target rather than prose such as `Get the messages`:
/// absolute paths and URLs always are; relative paths must have no whitespace outside
/// placeholders.
fn looks_like_target(target: &str) -> bool {
    if target.starts_with('/') || scheme_len(target).is_some() {
        return true;
    }
    let (path, _) = split_query(target);
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => i = placeholder_end(path, i).map_or(i + 1, |close| close + 1),
            b if b.is_ascii_whitespace() => return false,
            _ => i += 1,
        }
    }
    !path.is_empty()
}

/// A body that follows the headers without a blank line starts like JSON or XML.
fn starts_body(text: &str) -> bool {
    text.starts_with(['{', '[', '<'])
}

/// Splits `Name: value` when `Name` is an HTTP token.
fn split_header(text: &str) -> Option<(&str, &str)> {
    let (name, value) = text.split_once(':')?;
    let name = name.trim_end();
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    is_token.then(|| (name, value.trim()))
}

fn is_known_header(text: &str) -> bool {
    split_header(text).is_some_and(|(name, _)| {
        KNOWN_HEADERS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
    })
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Length of a leading `http://` or `https://`, also when written with backslashes.
fn scheme_len(text: &str) -> Option<usize> {
    ["https:", "http:"].iter().find_map(|scheme| {
        if !starts_with_ignore_case(text, scheme) {
            return None;
        }
        let slashes = text[scheme.len()..]
            .bytes()
            .take_while(|&b| b == b'/' || b == b'\\')
            .count();
        (slashes > 0).then_some(scheme.len() + slashes)
    })
}

/// A short, char-safe quote of a line for messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn parse_request(
    content: &str,
    lines: &[Line<'_>],
    first: usize,
    issues: &mut Vec<HttpIssue>,
) -> Option<HttpRequest> {
    // The request-line section runs to the last request line that precedes the headers or
    // the body; prose and blank lines between request lines belong to it.
    let mut kinds = Vec::new();
    let mut seen_request = false;
    let mut section_end = None;
    for (i, line) in lines.iter().enumerate().skip(first) {
        let kind = classify(line.text);
        match kind {
            LineKind::Request { .. } => {
                seen_request = true;
                section_end = Some(i + 1);
            }
            // Broken request lines belong to the section too, so they are not read as headers.
            LineKind::UnknownMethod(_) | LineKind::MissingMethod | LineKind::MissingTarget(_) => {
                section_end = Some(i + 1)
            }
            LineKind::Header if seen_request => break,
            LineKind::BodyStart => break,
            _ => {}
        }
        kinds.push(kind);
    }
    let section_end = section_end
        .filter(|_| seen_request)
        .unwrap_or(first + kinds.len());

    let mut request_lines = Vec::new();
    for (line, kind) in lines[first..section_end].iter().zip(&kinds) {
        match *kind {
            LineKind::Request {
                method,
                target,
                target_start,
            } => request_lines.push(RequestLine {
                method: method.to_ascii_uppercase(),
                target: parse_target(target, line.offset + target_start, issues),
                offset: line.offset,
            }),
            LineKind::UnknownMethod(token) => issues.push(HttpIssue::new(
                line.offset,
                "http-method",
                format!("`{}` is not an HTTP method; line skipped", excerpt(token)),
            )),
            LineKind::MissingMethod => issues.push(HttpIssue::new(
                line.offset,
                "http-method",
                "request target without a method; line skipped",
            )),
            LineKind::MissingTarget(method) => issues.push(HttpIssue::new(
                line.offset,
                "http-url",
                format!(
                    "`{method}` without a request target (found `{}`); line skipped",
                    excerpt(line.text)
                ),
            )),
            LineKind::Header => issues.push(HttpIssue::new(
                line.offset,
                "http-header",
                "header before the request line; ignored",
            )),
            LineKind::Blank | LineKind::BodyStart | LineKind::Other => {}
        }
    }
    if request_lines.is_empty() {
        return None;
    }
    let (headers, body) = parse_tail(content, lines, section_end, issues);
    Some(HttpRequest {
        lines: request_lines,
        headers,
        body,
    })
}

/// A status line, split but not validated.
#[derive(Debug, Clone, Copy)]
struct StatusLine<'a> {
    code: &'a str,
    reason: &'a str,
    /// `400 Bad Request` without the `HTTP/1.1`.
    missing_version: bool,
}

/// Recognises `HTTP/1.1 200 OK`, `HTTP/2 200`, `HTTP 200 OK` and a bare `400 Bad Request`;
/// `None` when the line is no status line at all.
fn parse_status_line(text: &str) -> Option<StatusLine<'_>> {
    let (rest, missing_version) = if starts_with_ignore_case(text, "HTTP/") {
        let version_end = text.find(char::is_whitespace).unwrap_or(text.len());
        (&text[version_end..], false)
    } else if starts_with_ignore_case(text, "HTTP")
        && text[4..].starts_with(|c: char| c.is_whitespace())
    {
        (&text[4..], false)
    } else if text.len() >= 3
        && text.as_bytes()[..3].iter().all(u8::is_ascii_digit)
        && (text.len() == 3 || text[3..].starts_with(|c: char| c.is_whitespace()))
    {
        (text, true)
    } else {
        return None;
    };
    let rest = rest.trim_start();
    let code_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(StatusLine {
        code: &rest[..code_end],
        reason: rest[code_end..].trim(),
        missing_version,
    })
}

fn parse_response(
    content: &str,
    lines: &[Line<'_>],
    first: usize,
    status: StatusLine<'_>,
    issues: &mut Vec<HttpIssue>,
) -> Option<HttpResponse> {
    let line = lines[first];
    let is_code = status.code.len() == 3 && status.code.bytes().all(|b| b.is_ascii_digit());
    let code = status.code.parse::<u16>().ok().filter(|_| is_code);
    let Some(code) = code else {
        let message = if status.code.is_empty() {
            "status line without a status code".to_owned()
        } else {
            format!(
                "status code `{}` is not a three-digit number",
                excerpt(status.code)
            )
        };
        issues.push(HttpIssue::new(line.offset, "http-status", message));
        return None;
    };
    if status.missing_version {
        issues.push(HttpIssue::new(
            line.offset,
            "http-status",
            "status line without `HTTP/1.1`",
        ));
    }
    let (headers, body) = parse_tail(content, lines, first + 1, issues);
    Some(HttpResponse {
        status: code,
        reason: status.reason.to_owned(),
        offset: line.offset,
        headers,
        body,
    })
}

/// Parses the headers and body that follow the start line(s), from line `start` on.
fn parse_tail(
    content: &str,
    lines: &[Line<'_>],
    start: usize,
    issues: &mut Vec<HttpIssue>,
) -> (Vec<HttpHeader>, Option<BodyText>) {
    let mut i = start;
    let has_headers = match lines.get(i) {
        None => false,
        Some(line) if !line.is_blank() => !starts_body(line.text),
        Some(_) => {
            // A blank line normally starts the body, but some pages put one between the
            // start line and the headers; a well-known header name gives that away.
            let next = lines[i..].iter().position(|line| !line.is_blank());
            match next.map(|n| i + n) {
                Some(n) if is_known_header(lines[n].text) => {
                    issues.push(HttpIssue::new(
                        lines[n].offset,
                        "http-header",
                        "blank line between the start line and the headers",
                    ));
                    i = n;
                    true
                }
                _ => false,
            }
        }
    };

    let mut headers: Vec<HttpHeader> = Vec::new();
    if has_headers {
        // Indentation of the last header line, for folded (continued) header values.
        let mut header_indent = None;
        while let Some(line) = lines.get(i) {
            if line.is_blank() || starts_body(line.text) {
                break;
            }
            i += 1;
            let folded = header_indent.is_some_and(|indent| line.indent > indent);
            if let (true, Some(last)) = (folded, headers.last_mut()) {
                last.value.push(' ');
                last.value.push_str(line.text);
            } else if let Some((name, value)) = split_header(line.text) {
                headers.push(HttpHeader {
                    name: name.to_owned(),
                    value: value.to_owned(),
                    offset: line.offset,
                });
                header_indent = Some(line.indent);
            } else {
                issues.push(HttpIssue::new(
                    line.offset,
                    "http-header",
                    format!(
                        "expected a `Name: value` header, found `{}`; ignored",
                        excerpt(line.text)
                    ),
                ));
                header_indent = None;
            }
        }
    }

    let rest = lines.get(i..).unwrap_or_default();
    let first = rest.iter().find(|line| !line.is_blank());
    let last = rest.iter().rev().find(|line| !line.is_blank());
    let body = match (first, last) {
        (Some(first), Some(last)) => content.get(first.start..last.end()).map(|text| BodyText {
            text: text.to_owned(),
            offset: first.start,
        }),
        _ => None,
    };
    (headers, body)
}

/// Splits `raw` (the target of a request line, whose first byte is at `offset` in the block)
/// into version, path and query, repairing the URL damage seen in the pages.
fn parse_target(raw: &str, offset: usize, issues: &mut Vec<HttpIssue>) -> RequestTarget {
    let (path_part, query_part) = split_query(raw);
    let mut notes: Vec<String> = Vec::new();
    // `\` and `/` are both one byte, so byte positions in `path` are positions in `raw`.
    let path = if path_part.contains('\\') {
        notes.push("replaced `\\` with `/`".to_owned());
        path_part.replace('\\', "/")
    } else {
        path_part.to_owned()
    };

    let mut api_version = None;
    let path_start = match scheme_len(&path) {
        Some(scheme) => {
            let host_end = path[scheme..].find('/').map_or(path.len(), |i| scheme + i);
            let host = &path[scheme..host_end];
            let host_name = host.split(':').next().unwrap_or(host);
            let mut pos = host_end;
            if GRAPH_HOSTS
                .iter()
                .any(|graph| graph.eq_ignore_ascii_case(host_name))
            {
                pos = skip_docs_prefix(&path, pos, &mut notes);
                let (segment, next) = segment_at(&path, pos);
                match normalize_version(segment) {
                    Some((version, note)) => {
                        api_version = Some(version.to_owned());
                        notes.extend(note);
                        pos = next;
                    }
                    None => notes.push("no `v1.0` or `beta` segment after the host".to_owned()),
                }
            } else {
                notes.push(format!(
                    "kept only the path of a URL on the non-Graph host `{}`",
                    excerpt(host)
                ));
            }
            pos
        }
        None => {
            if !path.starts_with('/') {
                notes.push("added the missing leading `/`".to_owned());
            }
            0
        }
    };
    if !notes.is_empty() {
        issues.push(HttpIssue::new(
            offset,
            "http-url",
            format!("normalized the target: {}", notes.join("; ")),
        ));
    }

    let (template, problems) = parse_path(&path[path_start..]);
    issues.extend(
        problems.into_iter().map(|(pos, message)| {
            HttpIssue::new(offset + path_start + pos, "path-template", message)
        }),
    );
    RequestTarget {
        raw: raw.to_owned(),
        api_version,
        path: template,
        query: query_part.map(parse_query).unwrap_or_default(),
    }
}

/// The segment that starts at `pos` (skipping slashes) and the position just after it.
fn segment_at(path: &str, pos: usize) -> (&str, usize) {
    let rest = &path[pos..];
    let begin = pos + (rest.len() - rest.trim_start_matches('/').len());
    let end = path[begin..].find('/').map_or(path.len(), |i| begin + i);
    (&path[begin..end], end)
}

/// Skips the `docs/api` (or `docs`) prefix of URLs copied from the documentation site.
fn skip_docs_prefix(path: &str, pos: usize, notes: &mut Vec<String>) -> usize {
    let (segment, next) = segment_at(path, pos);
    if !segment.eq_ignore_ascii_case("docs") {
        return pos;
    }
    let (segment, after_api) = segment_at(path, next);
    if segment.eq_ignore_ascii_case("api") {
        notes.push("dropped the `docs/api` prefix".to_owned());
        after_api
    } else {
        notes.push("dropped the `docs` prefix".to_owned());
        next
    }
}

/// The canonical version for a version segment, with a note when the spelling was off.
fn normalize_version(segment: &str) -> Option<(&'static str, Option<String>)> {
    let version = if segment.eq_ignore_ascii_case("v1.0") || segment.eq_ignore_ascii_case("v1") {
        "v1.0"
    } else if segment.eq_ignore_ascii_case("beta") {
        "beta"
    } else {
        return None;
    };
    let note = (segment != version).then(|| format!("read version `{segment}` as `{version}`"));
    Some((version, note))
}

/// Splits a target at the first `?` that is not inside a placeholder.
fn split_query(target: &str) -> (&str, Option<&str>) {
    let bytes = target.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'?' => return (&target[..i], Some(&target[i + 1..])),
            b'{' => i = placeholder_end(target, i).map_or(i + 1, |close| close + 1),
            _ => i += 1,
        }
    }
    (target, None)
}

fn parse_query(query: &str) -> Vec<QueryParam> {
    query
        .split('&')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => QueryParam {
                name: name.trim().to_owned(),
                value: Some(value.trim().to_owned()),
            },
            None => QueryParam {
                name: pair.to_owned(),
                value: None,
            },
        })
        .collect()
}

/// The index of the `}` that closes the `{` at `open`, if it comes before any other brace
/// or `/`. Stopping there keeps scans linear and keeps a stray `{` from swallowing segments.
fn placeholder_end(text: &str, open: usize) -> Option<usize> {
    let rest = text.as_bytes().get(open + 1..)?;
    let len = rest.iter().position(|&b| matches!(b, b'{' | b'}' | b'/'))?;
    (rest[len] == b'}').then_some(open + 1 + len)
}

/// Parses a path into segments, returning the problems (byte position, message) alongside;
/// malformed text stays literal.
fn parse_path(path: &str) -> (PathTemplate, Vec<(usize, String)>) {
    let bytes = path.as_bytes();
    let mut builder = PathBuilder::default();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' => {
                builder.end_segment();
                i += 1;
            }
            b'{' => match placeholder_end(path, i) {
                Some(close) => {
                    let names: Vec<String> = path[i + 1..close]
                        .split('|')
                        .map(str::trim)
                        .filter(|name| !name.is_empty())
                        .map(str::to_owned)
                        .collect();
                    if names.is_empty() {
                        builder.problem(i, "empty placeholder `{}`; kept as text");
                        builder.literal.push_str(&path[i..=close]);
                    } else {
                        builder.param(names);
                    }
                    i = close + 1;
                }
                None => {
                    builder.problem(i, "unbalanced `{`; kept as text");
                    builder.literal.push('{');
                    i += 1;
                }
            },
            b'}' => {
                builder.problem(i, "unbalanced `}`; kept as text");
                builder.literal.push('}');
                i += 1;
            }
            _ => {
                let len = bytes[i..]
                    .iter()
                    .position(|&b| matches!(b, b'/' | b'{' | b'}'))
                    .unwrap_or(bytes.len() - i);
                builder.text(&path[i..i + len], i);
                i += len;
            }
        }
    }
    builder.end_segment();
    (
        PathTemplate {
            segments: builder.segments,
        },
        builder.problems,
    )
}

/// Accumulates segments, checking on the way the syntax the pages get wrong: parentheses
/// (outside quoted keys) must balance within a segment, and `|` belongs inside `{...}`.
#[derive(Default)]
struct PathBuilder {
    segments: Vec<PathSegment>,
    parts: Vec<PathPart>,
    literal: String,
    problems: Vec<(usize, String)>,
    /// Open `(` in the current segment, and where the outermost one is.
    paren_depth: usize,
    paren_open: usize,
    in_quotes: bool,
}

impl PathBuilder {
    fn problem(&mut self, pos: usize, message: &str) {
        self.problems.push((pos, message.to_owned()));
    }

    /// Appends literal text that starts at byte `pos` of the path.
    fn text(&mut self, text: &str, pos: usize) {
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'\'' => self.in_quotes = !self.in_quotes,
                _ if self.in_quotes => {}
                b'(' => {
                    if self.paren_depth == 0 {
                        self.paren_open = pos + i;
                    }
                    self.paren_depth += 1;
                }
                b')' if self.paren_depth == 0 => self.problem(pos + i, "unbalanced `)`"),
                b')' => self.paren_depth -= 1,
                b'|' => self.problem(pos + i, "`|` outside a placeholder"),
                _ => {}
            }
        }
        self.literal.push_str(text);
    }

    fn param(&mut self, names: Vec<String>) {
        self.flush_literal();
        self.parts.push(PathPart::Param { names });
    }

    fn flush_literal(&mut self) {
        if !self.literal.is_empty() {
            self.parts
                .push(PathPart::Literal(std::mem::take(&mut self.literal)));
        }
    }

    /// Closes the current segment; empty segments (from `//` or a trailing `/`) vanish.
    fn end_segment(&mut self) {
        self.flush_literal();
        if self.paren_depth > 0 {
            self.problem(self.paren_open, "unbalanced `(`");
        }
        self.paren_depth = 0;
        self.in_quotes = false;
        if !self.parts.is_empty() {
            self.segments.push(PathSegment {
                parts: std::mem::take(&mut self.parts),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::Path;

    /// (name, value) of a query parameter.
    type Query<'a> = (&'a str, Option<&'a str>);
    /// (name, value, offset) of a header.
    type Header<'a> = (&'a str, &'a str, usize);
    /// (status, reason) of a response.
    type Status<'a> = (u16, &'a str);

    fn codes(issues: &[HttpIssue]) -> Vec<&'static str> {
        issues.iter().map(|issue| issue.code).collect()
    }

    /// Offsets must land on char boundaries and point at what they describe.
    fn check_invariants(content: &str, block: Option<&HttpBlock>, issues: &[HttpIssue]) {
        for issue in issues {
            assert!(
                content.is_char_boundary(issue.offset),
                "{issue:?} in {content:?}"
            );
        }
        let (headers, body) = match block {
            Some(HttpBlock::Request(request)) => {
                for line in &request.lines {
                    let at = content.get(line.offset..).unwrap_or_default();
                    assert!(starts_with_ignore_case(at, &line.method), "{line:?}");
                }
                (&request.headers, &request.body)
            }
            Some(HttpBlock::Response(response)) => {
                assert!(content.is_char_boundary(response.offset));
                (&response.headers, &response.body)
            }
            None => return,
        };
        for header in headers {
            let at = content.get(header.offset..).unwrap_or_default();
            assert!(at.starts_with(&header.name), "{header:?} in {content:?}");
        }
        if let Some(body) = body {
            let at = content.get(body.offset..body.offset + body.text.len());
            assert_eq!(at, Some(body.text.as_str()), "body offset in {content:?}");
        }
    }

    fn parse(content: &str) -> (Option<HttpBlock>, Vec<HttpIssue>) {
        let (block, issues) = parse_http_block(content);
        check_invariants(content, block.as_ref(), &issues);
        (block, issues)
    }

    fn request(content: &str) -> (HttpRequest, Vec<&'static str>) {
        match parse(content) {
            (Some(HttpBlock::Request(request)), issues) => (request, codes(&issues)),
            other => panic!("expected a request for {content:?}, got {other:?}"),
        }
    }

    fn lit(text: &str) -> PathPart {
        PathPart::Literal(text.to_owned())
    }

    fn param(names: &[&str]) -> PathPart {
        PathPart::Param {
            names: names.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    #[test]
    fn methods() {
        // (content, methods of the request lines, issue codes)
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("GET /me", &["GET"], &[]),
            ("get /me", &["GET"], &[]),
            ("Patch /me", &["PATCH"], &[]),
            (
                "POST /me\nPUT /me\nDELETE /me",
                &["POST", "PUT", "DELETE"],
                &[],
            ),
            ("HEAD /me\nOPTIONS /me", &["HEAD", "OPTIONS"], &[]),
            ("GETT /me\nGET /users", &["GET"], &["http-method"]),
            (
                "GET /me\nFETCH https://graph.microsoft.com/v1.0/me",
                &["GET"],
                &["http-method"],
            ),
            ("GET /me\n/users/{id}", &["GET"], &["http-method"]),
            // A method with no target is reported, not passed over.
            ("GET /me\nGET\nGET /users", &["GET", "GET"], &["http-url"]),
            ("GET /me\nPOST (see below)", &["GET"], &["http-url"]),
            // Prose and blank lines between the request lines of an "HTTP request" section.
            (
                "GET /me/joinedTeams\nor\nGET /users/{id}/joinedTeams",
                &["GET", "GET"],
                &[],
            ),
            ("GET /me\n\nor\n\nGET /users\n", &["GET", "GET"], &[]),
            (
                "# comment\nGET /me\n// another\nPOST /me",
                &["GET", "POST"],
                &[],
            ),
            ("Get the messages.\nGET /me", &["GET"], &[]),
            ("Prefer: x\nGET /me", &["GET"], &["http-header"]),
        ];
        for (content, methods, expected) in cases {
            let (request, issues) = request(content);
            let got: Vec<&str> = request.lines.iter().map(|l| l.method.as_str()).collect();
            assert_eq!(&got, methods, "{content:?}");
            assert_eq!(&issues, expected, "{content:?}");
        }
    }

    #[test]
    fn not_http() {
        // (content, issue codes) for blocks that are neither request nor response
        let cases: &[(&str, &[&str])] = &[
            ("", &["http-block"]),
            ("\n \r\n\t", &["http-block"]),
            ("\u{feff}", &["http-block"]),
            ("{\n  \"a\": 1\n}", &["http-block"]),
            (
                "Prefer: outlook.timezone=\"Eastern Standard Time\"",
                &["http-block"],
            ),
            ("just some text", &["http-block"]),
            ("FETCH /me", &["http-method", "http-block"]),
            (
                "/me/activities\n\n/me/activities?$top=5",
                &["http-method", "http-method", "http-block"],
            ),
            ("Get the messages", &["http-block"]),
        ];
        for (content, expected) in cases {
            let (block, issues) = parse(content);
            assert_eq!(block, None, "{content:?}");
            assert_eq!(codes(&issues), *expected, "{content:?}");
        }
        let (_, issues) = parse("\n\n  nothing here");
        assert_eq!(issues[0].offset, 4);
    }

    #[test]
    fn absolute_urls() {
        // (content, api_version, canonical path, issue codes)
        let cases: &[(&str, Option<&str>, &str, &[&str])] = &[
            (
                "GET https://graph.microsoft.com/v1.0/me/messages",
                Some("v1.0"),
                "/me/messages",
                &[],
            ),
            (
                "GET https://graph.microsoft.com/beta/me",
                Some("beta"),
                "/me",
                &[],
            ),
            (
                "GET HTTPS://Graph.Microsoft.com/v1.0/me",
                Some("v1.0"),
                "/me",
                &[],
            ),
            (
                "GET https://graph.microsoft.com/V1.0/chats/{id}",
                Some("v1.0"),
                "/chats/{id}",
                &["http-url"],
            ),
            (
                "PUT https://graph.microsoft.com/v1/teams/{teamId}",
                Some("v1.0"),
                "/teams/{teamId}",
                &["http-url"],
            ),
            (
                "GET https://graph.microsoft.com/v1.0",
                Some("v1.0"),
                "/",
                &[],
            ),
            (
                "GET https://graph.microsoft.com/v1.0/",
                Some("v1.0"),
                "/",
                &[],
            ),
            (
                "GET https://graph.microsoft.com/me",
                None,
                "/me",
                &["http-url"],
            ),
            (
                "GET https://graph.microsoft.us/v1.0/me",
                Some("v1.0"),
                "/me",
                &[],
            ),
            (
                "POST https://bot.contoso.com/api/calls",
                None,
                "/api/calls",
                &["http-url"],
            ),
            (
                "GET https://bot.contoso.com:8443/v1.0/x",
                None,
                "/v1.0/x",
                &["http-url"],
            ),
            (
                "GET https://graph.microsoft.com/docs\\api/me/insights/shared",
                None,
                "/me/insights/shared",
                &["http-url"],
            ),
            (
                "GET https://graph.microsoft.com/docs/v1.0/me",
                Some("v1.0"),
                "/me",
                &["http-url"],
            ),
            (
                "GET https:\\\\graph.microsoft.com\\v1.0\\me",
                Some("v1.0"),
                "/me",
                &["http-url"],
            ),
            ("GET /me", None, "/me", &[]),
            ("GET /v1.0/me", None, "/v1.0/me", &[]),
            (
                "GET policies/claimsMappingPolicies",
                None,
                "/policies/claimsMappingPolicies",
                &["http-url"],
            ),
        ];
        for (content, version, path, expected) in cases {
            let (request, issues) = request(content);
            let target = &request.lines[0].target;
            assert_eq!(target.api_version.as_deref(), *version, "{content:?}");
            assert_eq!(target.path.to_template_string(), *path, "{content:?}");
            assert_eq!(&issues, expected, "{content:?}");
        }
    }

    #[test]
    fn url_messages_say_what_was_normalized() {
        // (content, fragments the http-url message must contain)
        let cases: &[(&str, &[&str])] = &[
            (
                "GET https://graph.microsoft.com/docs\\api/me",
                &["`\\`", "`docs/api`", "no `v1.0`"],
            ),
            ("GET https://graph.microsoft.com/v1/me", &["`v1` as `v1.0`"]),
            ("GET https://bot.contoso.com/api", &["`bot.contoso.com`"]),
            ("GET me/x", &["leading `/`"]),
        ];
        for (content, fragments) in cases {
            let (_, issues) = parse(content);
            let message = &issues[0].message;
            for fragment in *fragments {
                assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
            }
            assert_eq!(issues[0].offset, 4, "{content:?}");
        }
    }

    #[test]
    fn raw_target_and_http_version() {
        // (content, raw target)
        let cases: &[(&str, &str)] = &[
            ("GET /me HTTP/1.1", "/me"),
            ("GET /me http/1.1  \r", "/me"),
            ("GET /me\tHTTP/2", "/me"),
            (
                "GET  https://graph.microsoft.com/v1.0/me ",
                "https://graph.microsoft.com/v1.0/me",
            ),
            (
                "GET /users/{id | userPrincipalName} HTTP/1.1",
                "/users/{id | userPrincipalName}",
            ),
            ("GET /search(q='HTTP/1.1')", "/search(q='HTTP/1.1')"),
        ];
        for (content, raw) in cases {
            let (request, _) = request(content);
            assert_eq!(request.lines[0].target.raw, *raw, "{content:?}");
        }
    }

    #[test]
    fn path_templates() {
        // (path, canonical form or error)
        let cases: &[(&str, Result<&str, ()>)] = &[
            (
                "/users/{id | userPrincipalName}/messages",
                Ok("/users/{id}/messages"),
            ),
            ("/users/{ id|userPrincipalName }", Ok("/users/{id}")),
            ("/me/messages/{id}/$value", Ok("/me/messages/{id}/$value")),
            ("/groups/{id}/members/$ref", Ok("/groups/{id}/members/$ref")),
            ("/users/$count", Ok("/users/$count")),
            (
                "/me/memberOf/microsoft.graph.group",
                Ok("/me/memberOf/microsoft.graph.group"),
            ),
            (
                "/drive/root:/{path and filename}:/content",
                Ok("/drive/root:/{path and filename}:/content"),
            ),
            (
                "/worksheets/{id}/range(address='{address}')",
                Ok("/worksheets/{id}/range(address='{address}')"),
            ),
            (
                "/range/resizedRange(deltaRows={n}, deltaColumns={n})",
                Ok("/range/resizedRange(deltaRows={n}, deltaColumns={n})"),
            ),
            ("/me/settings/", Ok("/me/settings")),
            ("/a//b", Ok("/a/b")),
            ("a/b", Ok("/a/b")),
            ("", Ok("/")),
            ("/", Ok("/")),
            ("/a/{}/b", Err(())),
            ("/a/{ | }/b", Err(())),
            ("/a/{id/b", Err(())),
            ("/a/id}/b", Err(())),
            ("/a/{{id}}", Err(())),
            ("/a/{", Err(())),
            ("/range(address='<address>'/entireRow", Err(())),
            ("/range(address='A1)')", Ok("/range(address='A1)')")),
            ("/range(address='A1'))", Err(())),
            ("/users/{user-id} | user-principal-name/chats", Err(())),
            ("/x(a='(')/y(b=')')", Ok("/x(a='(')/y(b=')')")),
            ("/x(f(a),g(b))", Ok("/x(f(a),g(b))")),
        ];
        for (path, expected) in cases {
            let got = parse_path_template(path).map(|t| t.to_template_string());
            match expected {
                Ok(canonical) => assert_eq!(got.as_deref(), Ok(*canonical), "{path:?}"),
                Err(()) => assert!(got.is_err(), "{path:?} gave {got:?}"),
            }
        }
    }

    #[test]
    fn path_parts() {
        // (path, the parts of each segment)
        let cases: Vec<(&str, Vec<Vec<PathPart>>)> = vec![
            (
                "/range(address='{address}')",
                vec![vec![lit("range(address='"), param(&["address"]), lit("')")]],
            ),
            (
                "/drive/root:/{item-path}:/content",
                vec![
                    vec![lit("drive")],
                    vec![lit("root:")],
                    vec![param(&["item-path"]), lit(":")],
                    vec![lit("content")],
                ],
            ),
            (
                "/users/{id | userPrincipalName}",
                vec![
                    vec![lit("users")],
                    vec![param(&["id", "userPrincipalName"])],
                ],
            ),
            (
                "/users/{user-id} | user-principal-name/chats",
                vec![
                    vec![lit("users")],
                    vec![param(&["user-id"]), lit(" | user-principal-name")],
                    vec![lit("chats")],
                ],
            ),
            ("/a/{}x", vec![vec![lit("a")], vec![lit("{}x")]]),
            (
                "/a/{b/c}",
                vec![vec![lit("a")], vec![lit("{b")], vec![lit("c}")]],
            ),
            (
                "/ünï/{çødé}",
                vec![vec![lit("ünï")], vec![param(&["çødé"])]],
            ),
        ];
        for (path, expected) in cases {
            let (template, _) = parse_path(path);
            let got: Vec<Vec<PathPart>> = template.segments.into_iter().map(|s| s.parts).collect();
            assert_eq!(got, expected, "{path:?}");
        }
    }

    #[test]
    fn params_in_order() {
        let cases: &[(&str, &[&[&str]])] = &[
            ("/me", &[]),
            ("/users/{id | upn}/events/{id}", &[&["id", "upn"], &["id"]]),
            ("/x(a={a},b='{b}')/{c}", &[&["a"], &["b"], &["c"]]),
        ];
        for (path, expected) in cases {
            let template = parse_path_template(path).unwrap();
            let got: Vec<&[String]> = template.params().collect();
            assert_eq!(got, *expected, "{path:?}");
        }
    }

    #[test]
    fn path_template_issues_point_at_the_brace() {
        // (content, issue codes, byte offset of the first issue)
        let cases: &[(&str, &[&str], usize)] = &[
            ("GET /a/{}/b", &["path-template"], 7),
            ("GET /a/{id", &["path-template"], 7),
            ("GET /a/id}", &["path-template"], 9),
            (
                "GET https://graph.microsoft.com/v1.0/a/{}",
                &["path-template"],
                39,
            ),
            ("GET a\\{}", &["http-url", "path-template"], 4),
            ("GET /users/{id} | upn/x", &["path-template"], 16),
            ("GET /range(address='<a>'/entireRow", &["path-template"], 10),
        ];
        for (content, expected, offset) in cases {
            let (request, issues) = request(content);
            assert_eq!(&issues, expected, "{content:?}");
            let (_, all) = parse(content);
            let issue = all.iter().find(|i| i.code == "path-template").unwrap();
            if expected[0] == "path-template" {
                assert_eq!(issue.offset, *offset, "{content:?}");
            } else {
                assert_eq!(&content[issue.offset..issue.offset + 2], "{}");
            }
            assert!(!request.lines.is_empty());
        }
    }

    #[test]
    fn query() {
        // (content, canonical path, query params)
        let cases: &[(&str, &str, &[Query])] = &[
            (
                "GET /me/messages?$select=sender,subject",
                "/me/messages",
                &[("$select", Some("sender,subject"))],
            ),
            ("GET /me?", "/me", &[]),
            ("GET /me?$count", "/me", &[("$count", None)]),
            (
                "GET /me?a=1&&b=&",
                "/me",
                &[("a", Some("1")), ("b", Some(""))],
            ),
            ("GET /me/{a?b}/x", "/me/{a?b}/x", &[]),
            ("GET /me/{a?b}/x?y=1", "/me/{a?b}/x", &[("y", Some("1"))]),
            (
                "GET /users/?$expand=manager($levels=n)",
                "/users",
                &[("$expand", Some("manager($levels=n)"))],
            ),
            (
                "GET /users?$filter=startswith(displayName,'a') eq 'x=y'&$top=5",
                "/users",
                &[
                    ("$filter", Some("startswith(displayName,'a') eq 'x=y'")),
                    ("$top", Some("5")),
                ],
            ),
            (
                "GET /me/calendarView?startDateTime={start_datetime}&endDateTime={end_datetime}",
                "/me/calendarView",
                &[
                    ("startDateTime", Some("{start_datetime}")),
                    ("endDateTime", Some("{end_datetime}")),
                ],
            ),
            (
                "GET https://graph.microsoft.com/v1.0/me?$filter=a eq 'b?c'",
                "/me",
                &[("$filter", Some("a eq 'b?c'"))],
            ),
            ("GET /path\\to?x=a\\b", "/path/to", &[("x", Some("a\\b"))]),
        ];
        for (content, path, params) in cases {
            let (request, _) = request(content);
            let target = &request.lines[0].target;
            assert_eq!(target.path.to_template_string(), *path, "{content:?}");
            let got: Vec<Query> = target
                .query
                .iter()
                .map(|q| (q.name.as_str(), q.value.as_deref()))
                .collect();
            assert_eq!(got, *params, "{content:?}");
        }
    }

    #[test]
    fn headers() {
        // (content, headers as (name, value, offset), issue codes)
        let cases: &[(&str, &[Header], &[&str])] = &[
            ("GET /me", &[], &[]),
            (
                "POST /me\nContent-Type: application/json\n\n{}",
                &[("Content-Type", "application/json", 9)],
                &[],
            ),
            (
                "POST /me\r\nContent-type:application/json\r\nIf-Match : W/\"1\"\r\n",
                &[
                    ("Content-type", "application/json", 10),
                    ("If-Match", "W/\"1\"", 41),
                ],
                &[],
            ),
            (
                "POST /me\nContent-Type: a\nnot a header\nPrefer: b",
                &[("Content-Type", "a", 9), ("Prefer", "b", 38)],
                &["http-header"],
            ),
            ("HTTP/1.1 200 OK\nX-Empty:\n", &[("X-Empty", "", 16)], &[]),
            // A folded value continues the previous header.
            (
                "HTTP/1.1 200 OK\nContent-Type: multipart/alternative;\n\tboundary=\"b\"",
                &[("Content-Type", "multipart/alternative; boundary=\"b\"", 16)],
                &[],
            ),
            // Indented blocks (inside a list) are not folded.
            (
                "  GET /me\n  Prefer: a\n  Prefer: b",
                &[("Prefer", "a", 12), ("Prefer", "b", 24)],
                &[],
            ),
            // A stray blank line before well-known headers.
            (
                "POST /x\n\nContent-type: application/json\n\n{}",
                &[("Content-type", "application/json", 9)],
                &["http-header"],
            ),
            // ... but a MIME body that starts with its own headers stays the body.
            ("HTTP/1.1 200 OK\n\nFrom: a@b.c\nTo: d@e.f\n\nhi", &[], &[]),
            (
                "HTTP/1.1 200 OK\nContent-Type: application/json\nLocation: https://x/y",
                &[
                    ("Content-Type", "application/json", 16),
                    ("Location", "https://x/y", 47),
                ],
                &[],
            ),
        ];
        for (content, expected, expected_codes) in cases {
            let (block, issues) = parse(content);
            let headers = match &block {
                Some(HttpBlock::Request(request)) => &request.headers,
                Some(HttpBlock::Response(response)) => &response.headers,
                None => panic!("{content:?} did not parse"),
            };
            let got: Vec<Header> = headers
                .iter()
                .map(|h| (h.name.as_str(), h.value.as_str(), h.offset))
                .collect();
            assert_eq!(got, *expected, "{content:?}");
            assert_eq!(codes(&issues), *expected_codes, "{content:?}");
        }
    }

    #[test]
    fn bodies() {
        // (content, body text and offset)
        let cases: &[(&str, Option<(&str, usize)>)] = &[
            ("GET /me", None),
            ("GET /me\n\n \n", None),
            ("POST /me\n\n{}", Some(("{}", 10))),
            (
                "POST /me\n\n\n  {\n    \"a\": 1\n  }\n\n",
                Some(("  {\n    \"a\": 1\n  }", 11)),
            ),
            ("POST /me\nContent-Type: a\n{\n}", Some(("{\n}", 25))),
            ("POST /me\nContent-Type: a\n[1]", Some(("[1]", 25))),
            ("POST /me\nContent-Type: a\n<xml/>", Some(("<xml/>", 25))),
            (
                "POST /me\r\nContent-Type: a\r\n\r\n{\r\n}\r\n",
                Some(("{\r\n}", 29)),
            ),
            (
                "POST /me\n\nplain text\n\nsecond paragraph\n",
                Some(("plain text\n\nsecond paragraph", 10)),
            ),
            ("POST /me\n{\"a\": 1}", Some(("{\"a\": 1}", 9))),
            (
                "HTTP/1.1 200 OK\n\nBEGIN:VCARD\nEND:VCARD",
                Some(("BEGIN:VCARD\nEND:VCARD", 17)),
            ),
            ("HTTP/1.1 204 No Content\n", None),
            (
                "HTTP/1.1 201 Created\nContent-type: application/json\n\n{\"é\": \"ü\"}",
                Some(("{\"é\": \"ü\"}", 53)),
            ),
        ];
        for (content, expected) in cases {
            let (block, _) = parse(content);
            let body = match &block {
                Some(HttpBlock::Request(request)) => &request.body,
                Some(HttpBlock::Response(response)) => &response.body,
                None => panic!("{content:?} did not parse"),
            };
            let got = body.as_ref().map(|b| (b.text.as_str(), b.offset));
            assert_eq!(got, *expected, "{content:?}");
        }
    }

    #[test]
    fn responses() {
        // (content, status and reason, issue codes)
        let cases: &[(&str, Option<Status>, &[&str])] = &[
            ("HTTP/1.1 204 No Content", Some((204, "No Content")), &[]),
            ("HTTP/1.1 200 OK\n", Some((200, "OK")), &[]),
            ("HTTP/1.1 200", Some((200, "")), &[]),
            ("HTTP 200 OK", Some((200, "OK")), &[]),
            ("HTTP/2 200", Some((200, "")), &[]),
            ("http/1.1 201 Created", Some((201, "Created")), &[]),
            (
                "\n\nHTTP/1.1\t202   Accepted  ",
                Some((202, "Accepted")),
                &[],
            ),
            (
                "400 Bad Request",
                Some((400, "Bad Request")),
                &["http-status"],
            ),
            ("HTTP/1.1 OK", None, &["http-status"]),
            ("HTTP/1.1", None, &["http-status"]),
            ("HTTP", None, &["http-block"]),
            ("HTTP/1.1 2000 OK", None, &["http-status"]),
            ("HTTP/1.1 2xx", None, &["http-status"]),
            ("HTTPS://x", None, &["http-method", "http-block"]),
        ];
        for (content, expected, expected_codes) in cases {
            let (block, issues) = parse(content);
            let got = match &block {
                Some(HttpBlock::Response(response)) => {
                    Some((response.status, response.reason.as_str()))
                }
                Some(HttpBlock::Request(_)) => panic!("{content:?} parsed as a request"),
                None => None,
            };
            assert_eq!(got, *expected, "{content:?}");
            assert_eq!(codes(&issues), *expected_codes, "{content:?}");
        }
    }

    #[test]
    fn offsets() {
        // (content, offset of the first request line or status line, expected kind)
        let cases: &[(&str, usize)] = &[
            ("GET /me", 0),
            ("\u{feff}GET /me", 3),
            ("\r\n\r\n  GET /me", 6),
            ("\u{feff}HTTP/1.1 200 OK", 3),
            ("\t\nHTTP/1.1 200 OK", 2),
            ("# é\nPOST /me", 5),
        ];
        for (content, offset) in cases {
            let got = match parse(content).0 {
                Some(HttpBlock::Request(request)) => request.lines[0].offset,
                Some(HttpBlock::Response(response)) => response.offset,
                None => panic!("{content:?} did not parse"),
            };
            assert_eq!(got, *offset, "{content:?}");
        }
    }

    #[test]
    fn never_panics() {
        // (content, parses as request / response / nothing)
        let cases: &[(&str, &str)] = &[
            ("{", "none"),
            ("}", "none"),
            ("\r", "none"),
            ("é", "none"),
            ("GET {", "request"),
            ("GET /{", "request"),
            ("GET /}", "request"),
            ("GET /{é | ü}/ä{", "request"),
            ("GET /é?é=é&é", "request"),
            ("GET https://", "request"),
            ("GET https:", "request"),
            ("GET https://graph.microsoft.com", "request"),
            ("GET https://graph.microsoft.com/docs", "request"),
            ("GET https://graph.microsoft.com/docs/api", "request"),
            ("GET /me HTTP/", "request"),
            ("GET HTTP/1.1", "none"),
            ("GET ?", "none"),
            ("GET /?", "request"),
            ("HTTP/", "none"),
            ("HTTP/1.1 2", "none"),
            ("HTTP/1.1 é", "none"),
            ("HTTPé 200", "none"),
            ("20é", "none"),
            ("200", "response"),
            ("POST /x\n\u{feff}", "request"),
            ("POST /x\nContent-Type: é\n\t\u{a0}ü", "request"),
            ("POST /x\n:\n::", "request"),
            ("\u{feff}\u{feff}GET /me", "none"),
        ];
        for (content, kind) in cases {
            let got = match parse(content).0 {
                Some(HttpBlock::Request(_)) => "request",
                Some(HttpBlock::Response(_)) => "response",
                None => "none",
            };
            assert_eq!(got, *kind, "{content:?}");
        }
    }

    #[test]
    fn linear_in_input_size() {
        // Quadratic behaviour would take minutes at these sizes.
        let n = 200_000;
        let cases = [
            format!("GET {}", "/a".repeat(n)),
            format!("GET /{}", "{".repeat(n)),
            format!("GET /{}", "{a".repeat(n)),
            format!("GET /{}", "}".repeat(n)),
            format!("GET /x?{}", "a=b&".repeat(n)),
            format!("GET /{}?x", "{a?".repeat(n)),
            format!("GET /me\n{}", "or\n".repeat(n)),
            format!("POST /me\n{}", "X: y\n".repeat(n)),
            format!("HTTP/1.1 200 OK\n\n{}", "{}\n".repeat(n)),
        ];
        for content in &cases {
            let (block, _) = parse(content);
            assert!(block.is_some());
        }
        let (block, _) = parse(&cases[0]);
        let Some(HttpBlock::Request(request)) = block else {
            panic!("not a request");
        };
        assert_eq!(request.lines[0].target.path.segments.len(), n);
    }

    /// Yields (info string, content) of every fenced code block, by a simple line scan.
    fn fenced_blocks(text: &str) -> Vec<(String, &str)> {
        let mut blocks = Vec::new();
        let mut open: Option<(String, usize)> = None;
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if let Some(info) = trimmed.strip_prefix("```") {
                match open.take() {
                    Some((info, start)) => blocks.push((info, &text[start..pos])),
                    None => open = Some((info.trim().to_ascii_lowercase(), pos + line.len())),
                }
            }
            pos += line.len();
        }
        blocks
    }

    /// Runs the parser over every HTTP block of the reference pages, when they are present.
    #[test]
    fn corpus() {
        let dir = Path::new("/work/shared/corpus/graph-v1.0/api");
        let Ok(entries) = fs::read_dir(dir) else {
            println!("skipping the corpus check: {} is absent", dir.display());
            return;
        };
        let (mut pages, mut blocks, mut requests, mut responses, mut none) = (0, 0, 0, 0, 0);
        let mut histogram: BTreeMap<&str, usize> = BTreeMap::new();
        let mut examples: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut paths: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
        paths.sort();
        for path in paths {
            if path.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            pages += 1;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            for (info, content) in fenced_blocks(&text) {
                if info != "http" && info != "msgraph-interactive" {
                    continue;
                }
                blocks += 1;
                let result = std::panic::catch_unwind(|| parse(content));
                let Ok((block, issues)) = result else {
                    panic!("parser panicked on a block of {name}:\n{content}");
                };
                match block {
                    Some(HttpBlock::Request(_)) => requests += 1,
                    Some(HttpBlock::Response(_)) => responses += 1,
                    None => none += 1,
                }
                for issue in issues {
                    *histogram.entry(issue.code).or_default() += 1;
                    let at = content.get(issue.offset..).unwrap_or_default();
                    let line = at.lines().next().unwrap_or_default();
                    examples.entry(issue.code).or_default().push(format!(
                        "{name}: {} | {}",
                        issue.message,
                        excerpt(line)
                    ));
                }
            }
        }
        println!("{pages} pages, {blocks} HTTP blocks: {requests} requests, {responses} responses, {none} none");
        for (code, count) in &histogram {
            println!("  {code}: {count}");
        }
        for (code, lines) in &examples {
            println!("{code}:");
            for line in lines {
                println!("    {line}");
            }
        }
        assert!(requests > 0 && responses > 0);
    }
}

//! Diagnostics: everything that degrades a run without stopping it.
//!
//! A diagnostic has a severity, a stable code (documented in [`Code`]), the page it concerns and
//! a 1-based line and column. Rendering is rustc-style via `annotate-snippets`, the renderer
//! rustc and cargo themselves use: it needs no file database, only the source text, which the
//! caller keeps for the pages it reports on.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Stable diagnostic codes. The string form is part of the tool's interface: scripts filter on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Code {
    /// A file could not be read, or the docs walk hit a loop or a permission problem.
    Io,
    /// The page is not valid UTF-8 (it is read with replacement characters).
    Encoding,
    /// Front matter is unterminated or has lines that are not `key: value`.
    FrontMatter,
    /// An annotation comment holds JSON that needed repair or could not be read.
    AnnotationJson,
    /// An annotation has no block after it to attach to, or a key of the wrong type.
    Annotation,
    /// Markdown that swallows the rest of the page: a code fence that is never closed.
    Markdown,
    /// A table row has a different number of cells than its header.
    TableShape,
    /// A type cell that is not a primitive, a link to a type, or a known name.
    UnknownType,
    /// A fenced block that should be HTTP could not be read as a request or response.
    HttpBlock,
    /// An unknown HTTP method in a request line.
    HttpMethod,
    /// A request URL that had to be normalized (wrong host, backslashes, bogus prefix).
    HttpUrl,
    /// A header line in an HTTP block that is not `Name: value`.
    HttpHeader,
    /// A response status line without a numeric status.
    HttpStatus,
    /// Unbalanced or empty `{}` in a path template.
    PathTemplate,
    /// An example body that is not JSON, or needed repair.
    ExampleJson,
    /// An example that contradicts the type its page documents.
    ExampleMismatch,
    /// A type reference that resolves to nothing the pages define.
    UnresolvedType,
    /// Two sources disagree about a type, property or operation.
    Conflict,
    /// A base type chain that loops.
    InheritanceCycle,
    /// A page that defines nothing the model can use (no title, no operation, no type).
    PageShape,
    /// An operation whose response type could not be determined.
    ResponseType,
    /// Two names that collide after conversion to Rust identifiers.
    NameCollision,
    /// Something from the pages that the model could not represent and left out.
    Dropped,
}

impl Code {
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::Encoding => "encoding",
            Code::FrontMatter => "front-matter",
            Code::AnnotationJson => "annotation-json",
            Code::Annotation => "annotation",
            Code::Markdown => "markdown",
            Code::TableShape => "table-shape",
            Code::UnknownType => "unknown-type",
            Code::HttpBlock => "http-block",
            Code::HttpMethod => "http-method",
            Code::HttpUrl => "http-url",
            Code::HttpHeader => "http-header",
            Code::HttpStatus => "http-status",
            Code::PathTemplate => "path-template",
            Code::ExampleJson => "example-json",
            Code::ExampleMismatch => "example-mismatch",
            Code::UnresolvedType => "unresolved-type",
            Code::Conflict => "conflict",
            Code::InheritanceCycle => "inheritance-cycle",
            Code::PageShape => "page-shape",
            Code::ResponseType => "response-type",
            Code::NameCollision => "name-collision",
            Code::Dropped => "dropped",
        }
    }

    /// Maps the codes that the HTTP block parser reports as strings.
    pub fn from_http_issue(code: &str) -> Code {
        match code {
            "http-method" => Code::HttpMethod,
            "http-url" => Code::HttpUrl,
            "http-header" => Code::HttpHeader,
            "http-status" => Code::HttpStatus,
            "path-template" => Code::PathTemplate,
            _ => Code::HttpBlock,
        }
    }
}

impl From<Code> for &'static str {
    fn from(code: Code) -> Self {
        code.as_str()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in a page: 1-based line and column (in characters), plus the byte offset so a
/// renderer can show the source line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Location {
    pub line: u32,
    pub column: u32,
    #[serde(skip)]
    pub offset: usize,
}

impl Location {
    /// The start of a line, for what the model knows only by line (a [`crate::model::Source`]).
    pub fn at_line(line: u32) -> Location {
        Location {
            line,
            column: 1,
            offset: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// The page path as given on the command line (or relative to the docs folder).
    pub file: String,
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: Code,
        file: impl Into<String>,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            file: file.into(),
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file,
            self.location.line,
            self.location.column,
            self.severity,
            self.code,
            self.message
        )
    }
}

/// Collects diagnostics for one page (or one stage) and knows how to turn a byte offset into a
/// [`Location`].
#[derive(Debug)]
pub struct Sink<'a> {
    file: &'a str,
    lines: &'a LineIndex,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(file: &'a str, lines: &'a LineIndex) -> Self {
        Sink {
            file,
            lines,
            diagnostics: Vec::new(),
        }
    }

    pub fn report(
        &mut self,
        severity: Severity,
        code: Code,
        offset: usize,
        message: impl Into<String>,
    ) {
        let location = self.lines.location(offset);
        self.diagnostics.push(Diagnostic::new(
            severity, code, self.file, location, message,
        ));
    }

    pub fn warn(&mut self, code: Code, offset: usize, message: impl Into<String>) {
        self.report(Severity::Warning, code, offset, message);
    }

    pub fn error(&mut self, code: Code, offset: usize, message: impl Into<String>) {
        self.report(Severity::Error, code, offset, message);
    }

    pub fn location(&self, offset: usize) -> Location {
        self.lines.location(offset)
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// A page's text with the offsets at which its lines start: maps byte offsets to 1-based line
/// and column numbers, and gives renderers the source line.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    text: String,
    /// Built on first use: most pages never need a location (`check` reports on few of them).
    tables: OnceLock<LineTables>,
}

#[derive(Debug, Clone, Default)]
struct LineTables {
    starts: Vec<usize>,
    /// For text that is not all ASCII: the number of characters before every
    /// [`CHAR_CHECKPOINT`]-th byte, so a column costs a bounded scan however long the line (a
    /// page can be one multi-megabyte line with a diagnostic every few bytes).
    char_checkpoints: Vec<usize>,
}

/// Bytes between two entries of [`LineTables::char_checkpoints`].
const CHAR_CHECKPOINT: usize = 4096;

impl LineTables {
    fn of(text: &str) -> Self {
        let mut starts = vec![0];
        // `match_indices` of a char searches with memchr, far faster than a byte loop.
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let char_checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            let mut chars = 0;
            let mut checkpoints = Vec::with_capacity(text.len() / CHAR_CHECKPOINT + 1);
            for block in text.as_bytes().chunks(CHAR_CHECKPOINT) {
                checkpoints.push(chars);
                chars += count_chars(block);
            }
            checkpoints
        };
        LineTables {
            starts,
            char_checkpoints,
        }
    }
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        LineIndex {
            text: text.to_owned(),
            tables: OnceLock::new(),
        }
    }

    fn tables(&self) -> &LineTables {
        self.tables.get_or_init(|| LineTables::of(&self.text))
    }

    /// The number of characters before byte `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = &self.tables().char_checkpoints;
        if checkpoints.is_empty() {
            return offset;
        }
        let block = offset / CHAR_CHECKPOINT;
        let block_start = block * CHAR_CHECKPOINT;
        checkpoints.get(block).copied().unwrap_or(0)
            + count_chars(&self.text.as_bytes()[block_start..offset])
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The location of the start of a 1-based line (clamped to the text).
    pub fn line_location(&self, line: u32) -> Location {
        let starts = &self.tables().starts;
        let index = (line.max(1) as usize - 1).min(starts.len() - 1);
        self.location(starts[index])
    }

    pub fn location(&self, offset: usize) -> Location {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = &self.tables().starts;
        let line = starts.partition_point(|&start| start <= offset).max(1);
        let start = starts[line - 1].min(offset);
        // Columns count characters, as editors do.
        let column = self.chars_before(offset) - self.chars_before(start);
        Location {
            line: line as u32,
            column: column as u32 + 1,
            offset,
        }
    }
}

/// Characters in UTF-8 `bytes` that start and end on char boundaries: the bytes that are not
/// continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xc0) != 0x80).count()
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Counts by code and severity, for the summary line of `check` and `generate`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub by_code: BTreeMap<&'static str, usize>,
}

impl Summary {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut summary = Summary::default();
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Note => summary.notes += 1,
            }
            *summary.by_code.entry(diagnostic.code.as_str()).or_default() += 1;
        }
        summary
    }
}

/// Renders one diagnostic rustc-style, with the source line when `source` is given.
pub fn render(diagnostic: &Diagnostic, source: Option<&str>, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let origin = format!(
        "{}:{}:{}",
        diagnostic.file, diagnostic.location.line, diagnostic.location.column
    );
    let title = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.as_str());
    // Rendering a snippet costs time in the length of its line, and a page can be one
    // multi-megabyte line with thousands of diagnostics on it: such lines are not shown.
    let line = source
        .and_then(|s| line_around(s, diagnostic.location.offset))
        .filter(|(line_text, _)| line_text.len() <= LONG_LINE);
    let group = match line {
        Some((line_text, line_start)) => {
            let start = diagnostic
                .location
                .offset
                .saturating_sub(line_start)
                .min(line_text.len());
            let start = floor_char_boundary(line_text, start);
            let end = line_text[start..]
                .char_indices()
                .nth(1)
                .map_or(line_text.len(), |(i, _)| start + i);
            title.element(
                Snippet::source(line_text)
                    .line_start(diagnostic.location.line as usize)
                    .path(diagnostic.file.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
        None => title.element(annotate_snippets::Origin::path(origin)),
    };
    renderer.render(&[group])
}

/// Source lines longer than this (in bytes) are not shown, only their location.
const LONG_LINE: usize = 4096;

/// The line containing `offset`, and the byte offset where it starts.
/// `None` when the line is longer than [`LONG_LINE`]: the search for its ends stops there, so
/// the cost does not grow with the line.
fn line_around(source: &str, offset: usize) -> Option<(&str, usize)> {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let window_start = floor_char_boundary(source, offset.saturating_sub(LONG_LINE + 1));
    let start = match source[window_start..offset].rfind('\n') {
        Some(i) => window_start + i + 1,
        None if window_start == 0 => 0,
        None => return None,
    };
    let window_end = floor_char_boundary(source, (offset + LONG_LINE + 1).min(source.len()));
    let end = match source[offset..window_end].find('\n') {
        Some(i) => offset + i,
        None if window_end == source.len() => source.len(),
        None => return None,
    };
    let line = source.get(start..end)?.trim_end_matches('\r');
    Some((line, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines_and_character_columns() {
        let text = "ab\ncdé\r\nfg";
        let index = LineIndex::new(text);
        let cases = [
            (0, (1, 1)),
            (1, (1, 2)),
            (3, (2, 1)),
            (7, (2, 4)),
            (6, (2, 3)),
            (9, (3, 1)),
            (99, (3, 3)),
        ];
        for (offset, (line, column)) in cases {
            let location = index.location(offset);
            assert_eq!(
                (location.line, location.column),
                (line, column),
                "offset {offset}"
            );
        }
    }

    /// Columns on a long line that mixes one- to four-byte characters, across the checkpoints.
    #[test]
    fn columns_on_long_non_ascii_lines_count_characters() {
        let text = format!("x\n{}\nlast", "aé€😀".repeat(5_000));
        let index = LineIndex::new(&text);
        for offset in (2..text.len()).step_by(997).chain([text.len()]) {
            let expected = {
                let offset = floor_char_boundary(&text, offset);
                let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                text[start..offset].chars().count() as u32 + 1
            };
            assert_eq!(index.location(offset).column, expected, "offset {offset}");
        }
    }

    #[test]
    fn render_gives_only_the_location_on_a_very_long_line() {
        let line = "<!-- { -->".repeat(50_000);
        let source = format!("# T\n{line}\n");
        let index = LineIndex::new(&source);
        let offset = 4 + 250_007;
        let diagnostic = Diagnostic::new(
            Severity::Warning,
            Code::AnnotationJson,
            "api/x.md",
            index.location(offset),
            "annotation is not readable JSON",
        );
        let start = std::time::Instant::now();
        for _ in 0..100 {
            let text = render(&diagnostic, Some(&source), false);
            assert!(text.contains("api/x.md:2:250008"), "{text}");
            assert!(text.contains("annotation is not readable JSON"), "{text}");
            assert!(text.len() < 200, "{text}");
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn render_shows_code_location_and_source_line() {
        let source = "line one\n<!-- { bad } -->\n";
        let index = LineIndex::new(source);
        let diagnostic = Diagnostic::new(
            Severity::Warning,
            Code::AnnotationJson,
            "api/x.md",
            index.location(14),
            "annotation is not JSON",
        );
        let text = render(&diagnostic, Some(source), false);
        assert!(
            text.contains("warning[annotation-json]: annotation is not JSON"),
            "{text}"
        );
        assert!(text.contains("api/x.md:2:6"), "{text}");
        assert!(text.contains("<!-- { bad } -->"), "{text}");
        assert_eq!(
            diagnostic.to_string(),
            "api/x.md:2:6: warning[annotation-json]: annotation is not JSON"
        );
    }
}

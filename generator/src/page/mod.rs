//! One markdown page → a source-located page model.
//!
//! The page model says what the page *wrote*, not what it means: sections, tables with column
//! roles, annotations attached to the blocks they describe, code blocks with their HTTP or JSON
//! content read, prose paragraphs with their links. Resolving names across pages is the model
//! stage's job. Every element keeps the byte offset where it starts so diagnostics can point at it.

pub mod annotation;
pub mod front_matter;
pub mod http;
pub mod lenient_json;
mod markdown;
pub mod table;
pub mod type_expr;

use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, LineIndex};

pub use annotation::{Annotation, BlockType};
pub use front_matter::FrontMatter;
pub use http::{HttpBlock, HttpRequest, HttpResponse, PathPart, PathSegment, PathTemplate};
pub use table::{Cell, ColumnRole, EnumMemberRow, MemberRow, Row, Table, TableKind, TypedRows};
pub use type_expr::{Primitive, TypeExpr, TypeName, TypeTerm};

/// Index of a section in [`Page::sections`].
pub type SectionId = usize;

/// What kind of page this is, from `doc_type` in the front matter, else from its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKind {
    Api,
    Resource,
    Enum,
    Other,
}

/// A markdown link: its text and its target, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub text: String,
    pub target: String,
}

/// A heading that opens a section. The page's sections form a tree through `parent`.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub level: u8,
    pub title: String,
    pub offset: usize,
    pub parent: Option<SectionId>,
}

/// A paragraph (or list item) of prose, as plain text plus its links and source markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub text: String,
    pub markdown: String,
    pub links: Vec<Link>,
    pub offset: usize,
    pub section: Option<SectionId>,
}

/// A `[!INCLUDE [label](target)]` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub label: String,
    pub target: String,
    pub offset: usize,
    pub section: Option<SectionId>,
    pub annotation: Option<usize>,
}

/// The language of a fenced block, from its info string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeLang {
    Http,
    MsgraphInteractive,
    Json,
    /// No info string at all.
    None,
    Other(String),
}

/// What a code block holds, once read.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeContent {
    Http(HttpBlock),
    /// A JSON document; its value is in [`CodeBlock::json`].
    Json,
    /// Not read: another language, or a block the parser could not recognise.
    Text,
}

/// A JSON document from a page (a resource representation or an HTTP body), read leniently.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonText {
    /// Byte offset of the JSON in the page.
    pub offset: usize,
    pub value: Option<serde_json::Value>,
    /// The body elides content (`...`, comments): a truncated example, not an error.
    pub truncated: bool,
    /// Why `value` is `None` when the text was not empty.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    pub lang: CodeLang,
    pub info: String,
    /// Byte offset of the opening fence.
    pub offset: usize,
    /// Byte offset of the first content line.
    pub content_offset: usize,
    pub text: String,
    pub content: CodeContent,
    /// The JSON the block holds: a JSON block's text, or an HTTP block's body.
    pub json: Option<JsonText>,
    /// Index into [`Page::annotations`] of the annotation that precedes this block.
    pub annotation: Option<usize>,
    pub section: Option<SectionId>,
    /// The `# [HTTP](#tab/http)` tab the block sits in, if any.
    pub tab: Option<String>,
}

impl CodeBlock {
    /// The HTTP request in this block, if it holds one.
    pub fn http_request(&self) -> Option<&HttpRequest> {
        match &self.content {
            CodeContent::Http(HttpBlock::Request(request)) => Some(request),
            _ => None,
        }
    }

    /// The HTTP response in this block, if it holds one.
    pub fn http_response(&self) -> Option<&HttpResponse> {
        match &self.content {
            CodeContent::Http(HttpBlock::Response(response)) => Some(response),
            _ => None,
        }
    }
}

/// One parsed page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The path shown in diagnostics.
    pub path: String,
    /// The file name without `.md`, lower-cased: how other pages link to this one.
    pub stem: String,
    pub kind: PageKind,
    pub front_matter: FrontMatter,
    /// The text of the first level-1 heading.
    pub title: Option<String>,
    pub sections: Vec<Section>,
    pub paragraphs: Vec<Paragraph>,
    pub tables: Vec<Table>,
    pub code_blocks: Vec<CodeBlock>,
    pub includes: Vec<Include>,
    pub annotations: Vec<Annotation>,
    pub lines: LineIndex,
}

impl Page {
    /// The titles of a section and its ancestors, innermost first.
    pub fn section_path(&self, section: Option<SectionId>) -> impl Iterator<Item = &Section> {
        std::iter::successors(section.and_then(|id| self.sections.get(id)), |s| {
            s.parent.and_then(|id| self.sections.get(id))
        })
    }

    /// True when the element in `section` sits under a heading whose title satisfies `pred`.
    pub fn is_under(&self, section: Option<SectionId>, pred: impl Fn(&str) -> bool) -> bool {
        self.section_path(section).any(|s| pred(&s.title))
    }

    /// The annotation attached to a block, if any.
    pub fn annotation(&self, index: Option<usize>) -> Option<&Annotation> {
        index.and_then(|i| self.annotations.get(i))
    }

    /// The page-level annotation (`"type": "#page.annotation"`), if any.
    pub fn page_annotation(&self) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.is_page_annotation)
    }
}

/// A page and the diagnostics found while parsing it.
#[derive(Debug, Clone)]
pub struct ParsedPage {
    pub page: Page,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a page came from, for classification by folder.
#[derive(Debug, Clone)]
pub struct PageSource {
    pub path: PathBuf,
    pub display: String,
}

/// Parses one page. Never panics, whatever the text.
/// Notes about the repairs of one JSON text: the first [`REPAIR_NOTES`] one by one, the rest
/// summed up in one note, so that a text with thousands of repairs (a 100,000-deep object
/// without quotes) cannot flood the output.
fn report_repairs<'r>(
    sink: &mut crate::diagnostics::Sink<'_>,
    code: crate::diagnostics::Code,
    offset: usize,
    prefix: &str,
    repairs: impl IntoIterator<Item = &'r lenient_json::Repair>,
) {
    use crate::diagnostics::Severity;
    let mut more = 0;
    let mut last = offset;
    for (index, repair) in repairs.into_iter().enumerate() {
        if index < REPAIR_NOTES {
            let message = format!("{prefix}: {}", repair.kind.describe());
            sink.report(Severity::Note, code, offset + repair.offset, message);
        } else {
            more += 1;
            last = offset + repair.offset;
        }
    }
    if more > 0 {
        let message = format!("{prefix}: {more} more repairs, the last one here");
        sink.report(Severity::Note, code, last, message);
    }
}

/// Repairs of one JSON text reported one by one (see `report_repairs`).
pub const REPAIR_NOTES: usize = 20;

pub fn parse_page(source: &PageSource, text: &str) -> ParsedPage {
    markdown::parse(source, text)
}

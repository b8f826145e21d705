//! The walk over pulldown-cmark events that builds a [`Page`].

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::annotation::{self, BlockType};
use super::lenient_json::read_lenient;
use super::table::{self, Cell, ColumnRole, Row, Table, TableKind, TypedRows};
use super::{
    front_matter, http, Annotation, CodeBlock, CodeContent, CodeLang, Include, JsonText, Link,
    Page, PageKind, PageSource, Paragraph, ParsedPage, Section, SectionId,
};
use crate::diagnostics::{Code, LineIndex, Severity, Sink};

pub(super) fn parse(source: &PageSource, text: &str) -> ParsedPage {
    let lines = LineIndex::new(text);
    let mut sink = Sink::new(&source.display, &lines);
    let (front_matter, body_start) = front_matter::parse(text, &mut sink);
    let mut walk = Walk::new(text, body_start);
    walk.run(&mut sink);
    walk.finish(&mut sink);

    let kind = page_kind(front_matter.doc_type(), &source.path);
    let stem = source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let diagnostics = sink.into_diagnostics();
    ParsedPage {
        page: Page {
            path: source.display.clone(),
            stem,
            kind,
            front_matter,
            title: walk.title,
            sections: walk.sections,
            paragraphs: walk.paragraphs,
            tables: walk.tables,
            code_blocks: walk.code_blocks,
            includes: walk.includes,
            annotations: walk.annotations,
            lines,
        },
        diagnostics,
    }
}

/// The kind of a page: `doc_type` says enum or conceptual; between API and resource pages the
/// folder wins, since pages copied from one kind to the other keep a stale `doc_type`.
fn page_kind(doc_type: Option<&str>, path: &std::path::Path) -> PageKind {
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|f| f.to_string_lossy().to_ascii_lowercase());
    let by_folder = match folder.as_deref() {
        Some("api") => Some(PageKind::Api),
        Some("resources") => Some(PageKind::Resource),
        _ => None,
    };
    match doc_type.map(str::to_ascii_lowercase).as_deref() {
        Some("enumpagetype") => PageKind::Enum,
        Some("conceptualpagetype") => PageKind::Other,
        Some("apipagetype") => by_folder.unwrap_or(PageKind::Api),
        Some("resourcepagetype") => by_folder.unwrap_or(PageKind::Resource),
        _ => by_folder.unwrap_or(PageKind::Other),
    }
}

/// Inline content being collected: plain text plus links, with the source range.
#[derive(Default)]
struct Inline {
    text: String,
    links: Vec<Link>,
    open_links: Vec<(String, usize)>,
    start: usize,
    end: usize,
}

impl Inline {
    fn starting_at(start: usize) -> Self {
        Inline {
            start,
            end: start,
            ..Inline::default()
        }
    }
}

struct TableBuild {
    offset: usize,
    header: Vec<Cell>,
    rows: Vec<Row>,
    current_row: Vec<Cell>,
    row_offset: usize,
    in_head: bool,
}

struct CodeBuild {
    info: String,
    offset: usize,
    content_offset: Option<usize>,
    fence_end: usize,
    text: String,
    /// The opening fence's character and length; `None` for an indented block.
    fence: Option<(char, usize)>,
}

struct Walk<'t> {
    text: &'t str,
    body_start: usize,
    title: Option<String>,
    sections: Vec<Section>,
    open_sections: Vec<(u8, SectionId)>,
    paragraphs: Vec<Paragraph>,
    tables: Vec<Table>,
    code_blocks: Vec<CodeBlock>,
    includes: Vec<Include>,
    annotations: Vec<Annotation>,
    /// An annotation waiting for the block it describes.
    pending_annotation: Option<usize>,
    tab: Option<String>,
    inline: Option<Inline>,
    table: Option<TableBuild>,
    code: Option<CodeBuild>,
    html: Option<(usize, String)>,
}

impl<'t> Walk<'t> {
    fn new(text: &'t str, body_start: usize) -> Self {
        Walk {
            text,
            body_start,
            title: None,
            sections: Vec::new(),
            open_sections: Vec::new(),
            paragraphs: Vec::new(),
            tables: Vec::new(),
            code_blocks: Vec::new(),
            includes: Vec::new(),
            annotations: Vec::new(),
            pending_annotation: None,
            tab: None,
            inline: None,
            table: None,
            code: None,
            html: None,
        }
    }

    fn section(&self) -> Option<SectionId> {
        self.open_sections.last().map(|&(_, id)| id)
    }

    fn run(&mut self, sink: &mut Sink<'_>) {
        let body = self.text.get(self.body_start..).unwrap_or("");
        let body = interior_tabs_to_spaces(body);
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        let base = self.body_start;
        for (event, range) in Parser::new_ext(&body, options).into_offset_iter() {
            let range = range.start + base..range.end + base;
            self.event(event, range, sink);
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>, sink: &mut Sink<'_>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range, sink),
            Event::Text(text) => {
                if let Some(code) = &mut self.code {
                    code.content_offset.get_or_insert(range.start);
                    code.text.push_str(&text);
                } else if let Some(inline) = &mut self.inline {
                    inline.text.push_str(&text);
                    inline.end = inline.end.max(range.end);
                }
            }
            Event::Code(text) => {
                if let Some(inline) = &mut self.inline {
                    inline.text.push_str(&text);
                    inline.end = inline.end.max(range.end);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(inline) = &mut self.inline {
                    inline.text.push(' ');
                }
            }
            Event::Html(html) => {
                if let Some((_, buffer)) = &mut self.html {
                    buffer.push_str(&html);
                }
            }
            Event::InlineHtml(html) => {
                if html.trim_start().starts_with("<!--") {
                    self.comments(range.start, &html, sink);
                } else if let Some(inline) = &mut self.inline {
                    if html.to_ascii_lowercase().starts_with("<br") {
                        inline.text.push(' ');
                    }
                }
            }
            Event::Rule => self.tab = None,
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Heading { .. } => {
                self.inline = Some(Inline::starting_at(range.start));
            }
            Tag::Paragraph if self.table.is_none() => {
                self.inline = Some(Inline::starting_at(range.start));
            }
            Tag::Link { dest_url, .. } => {
                if let Some(inline) = &mut self.inline {
                    inline
                        .open_links
                        .push((dest_url.into_string(), inline.text.len()));
                }
            }
            Tag::Table(_) => {
                self.table = Some(TableBuild {
                    offset: range.start,
                    header: Vec::new(),
                    rows: Vec::new(),
                    current_row: Vec::new(),
                    row_offset: range.start,
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                    table.row_offset = range.start;
                }
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.row_offset = range.start;
                }
            }
            Tag::TableCell => self.inline = Some(Inline::starting_at(range.start)),
            Tag::CodeBlock(kind) => {
                let (info, fence) = match kind {
                    CodeBlockKind::Fenced(info) => {
                        (info.into_string(), opening_fence(&self.text[range.start..]))
                    }
                    CodeBlockKind::Indented => (String::new(), None),
                };
                // Content starts after the fence line; remember where that line ends in case
                // the block is empty.
                let fence_end = self.text[range.start..range.end]
                    .find('\n')
                    .map_or(range.end, |i| range.start + i + 1);
                self.code = Some(CodeBuild {
                    info,
                    offset: range.start,
                    content_offset: None,
                    fence_end,
                    // The content arrives line by line: room for all of it at once.
                    text: String::with_capacity(range.len()),
                    fence,
                });
            }
            Tag::HtmlBlock => self.html = Some((range.start, String::with_capacity(range.len()))),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>, sink: &mut Sink<'_>) {
        match tag {
            TagEnd::Heading(level) => {
                if let Some(inline) = self.inline.take() {
                    self.heading_done(level, inline);
                }
            }
            TagEnd::Paragraph if self.table.is_none() => {
                if let Some(inline) = self.inline.take() {
                    self.paragraph_done(inline);
                }
            }
            TagEnd::Link => {
                if let Some(inline) = &mut self.inline {
                    if let Some((target, start)) = inline.open_links.pop() {
                        let text = inline.text.get(start..).unwrap_or("").trim().to_owned();
                        inline.links.push(Link { text, target });
                    }
                }
            }
            TagEnd::TableCell => {
                if let (Some(inline), Some(table)) = (self.inline.take(), &mut self.table) {
                    let markdown = self.text.get(range.clone()).unwrap_or("").trim().to_owned();
                    table.current_row.push(Cell {
                        text: inline.text.trim().to_owned(),
                        markdown,
                        links: inline.links,
                        offset: range.start,
                    });
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.header = std::mem::take(&mut table.current_row);
                    table.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let cells = std::mem::take(&mut table.current_row);
                    let line = self.text.get(table.row_offset..range.end).unwrap_or("");
                    let written = table::source_cell_count(line);
                    if written != table.header.len() && !table.header.is_empty() {
                        sink.warn(
                            Code::TableShape,
                            table.row_offset,
                            format!(
                                "table row has {written} cells, the header has {}",
                                table.header.len()
                            ),
                        );
                    }
                    table.rows.push(Row {
                        cells,
                        offset: table.row_offset,
                    });
                }
            }
            TagEnd::Table => {
                if let Some(build) = self.table.take() {
                    self.table_done(build, sink);
                }
            }
            TagEnd::CodeBlock => {
                if let Some(build) = self.code.take() {
                    let block = self.text.get(build.offset..range.end).unwrap_or("");
                    if let Some(fence) = build.fence.filter(|&f| !is_closed(block, f)) {
                        let last_line = sink.location(range.end.saturating_sub(1)).line;
                        let message = format!(
                            "code fence `{}` is never closed: everything up to line {last_line} was read as code",
                            fence.0.to_string().repeat(fence.1)
                        );
                        sink.warn(Code::Markdown, build.offset, message);
                    }
                    self.code_done(build, sink);
                }
            }
            TagEnd::HtmlBlock => {
                if let Some((offset, html)) = self.html.take() {
                    self.comments(offset, &html, sink);
                }
            }
            _ => {}
        }
    }

    fn heading_done(&mut self, level: HeadingLevel, inline: Inline) {
        let title = inline.text.trim().to_owned();
        // `# [HTTP](#tab/http)` opens a tab of a tabbed example, not a section.
        if let [link] = inline.links.as_slice() {
            if link.target.starts_with("#tab/") && title == link.text {
                self.tab = Some(link.text.clone());
                return;
            }
        }
        if title.starts_with("[!INCLUDE") {
            // A setext underline (`---`) right after an include line turns it into a heading.
            self.include_done(inline);
            self.tab = None;
            return;
        }
        let level = level as u8;
        if level == 1 && self.title.is_none() {
            self.title = Some(title.clone());
        }
        while self.open_sections.last().is_some_and(|&(l, _)| l >= level) {
            self.open_sections.pop();
        }
        let id = self.sections.len();
        self.sections.push(Section {
            level,
            title,
            offset: inline.start,
            parent: self.section(),
        });
        self.open_sections.push((level, id));
    }

    fn paragraph_done(&mut self, inline: Inline) {
        if inline.text.trim_start().starts_with("[!INCLUDE") {
            self.include_done(inline);
            return;
        }
        let markdown = self
            .text
            .get(inline.start..inline.end)
            .unwrap_or("")
            .trim()
            .to_owned();
        self.paragraphs.push(Paragraph {
            text: inline.text.trim().to_owned(),
            markdown,
            links: inline.links,
            offset: inline.start,
            section: self.section(),
        });
    }

    fn include_done(&mut self, inline: Inline) {
        let (label, target) = inline
            .links
            .first()
            .map(|l| (l.text.clone(), l.target.clone()))
            .unwrap_or_default();
        self.includes.push(Include {
            label,
            target,
            offset: inline.start,
            section: self.section(),
            annotation: self.pending_annotation.take(),
        });
    }

    fn table_done(&mut self, build: TableBuild, sink: &mut Sink<'_>) {
        let columns = build
            .header
            .iter()
            .map(|c| ColumnRole::from_header(&c.text))
            .collect();
        let mut table = Table {
            kind: TableKind::Other,
            offset: build.offset,
            header: build.header,
            columns,
            rows: build.rows,
            typed: TypedRows::None,
            section: self.section(),
            annotation: self.pending_annotation.take(),
        };
        let titles: Vec<&str> =
            std::iter::successors(self.section(), |&id| self.sections.get(id)?.parent)
                .filter_map(|id| self.sections.get(id).map(|s| s.title.as_str()))
                .collect();
        table::classify(&mut table, &titles, sink);
        self.tables.push(table);
    }

    fn code_done(&mut self, build: CodeBuild, sink: &mut Sink<'_>) {
        let lang = code_lang(&build.info);
        let content_offset = build.content_offset.unwrap_or(build.fence_end);
        let annotation = self.pending_annotation.take();
        let block_type = annotation
            .and_then(|i| self.annotations.get(i))
            .and_then(|a| a.block_type.clone());
        let expects_http = matches!(block_type, Some(BlockType::Request | BlockType::Response));
        let looks_http = matches!(lang, CodeLang::Http | CodeLang::MsgraphInteractive)
            || (lang == CodeLang::None && (expects_http || looks_like_http(&build.text)));

        let (content, json) = if looks_http && !build.text.trim().is_empty() {
            let (block, issues) = http::parse_http_block(&build.text);
            for issue in issues {
                let severity = if block.is_none() && expects_http {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                sink.report(
                    severity,
                    Code::from_http_issue(issue.code),
                    content_offset + issue.offset,
                    issue.message,
                );
            }
            let body = match &block {
                Some(http::HttpBlock::Request(r)) => r.body.as_ref(),
                Some(http::HttpBlock::Response(r)) => r.body.as_ref(),
                None => None,
            };
            let json = body
                .filter(|b| b.text.trim_start().starts_with(['{', '[']))
                .map(|b| read_json(&b.text, content_offset + b.offset, sink));
            let mismatch = match (&block_type, &block) {
                (Some(BlockType::Response), Some(http::HttpBlock::Request(_))) => {
                    Some(("response", "request"))
                }
                (Some(BlockType::Request), Some(http::HttpBlock::Response(_))) => {
                    Some(("request", "response"))
                }
                _ => None,
            };
            if let Some((annotated, found)) = mismatch {
                let message = format!("block annotated as a {annotated} holds an HTTP {found}");
                sink.warn(Code::Annotation, build.offset, message);
            }
            (block.map_or(CodeContent::Text, CodeContent::Http), json)
        } else if lang == CodeLang::Json || block_type == Some(BlockType::Resource) {
            let json = (!build.text.trim().is_empty())
                .then(|| read_json(&build.text, content_offset, sink));
            (CodeContent::Json, json)
        } else {
            (CodeContent::Text, None)
        };

        self.code_blocks.push(CodeBlock {
            lang,
            info: build.info,
            offset: build.offset,
            content_offset,
            text: build.text,
            content,
            json,
            annotation,
            section: self.section(),
            tab: self.tab.clone(),
        });
    }

    /// Reads the HTML comments in an HTML block; those holding JSON are annotations.
    fn comments(&mut self, offset: usize, html: &str, sink: &mut Sink<'_>) {
        let mut rest = html;
        let mut consumed = 0;
        while let Some(open) = rest.find("<!--") {
            let body_start = open + 4;
            let (body, next) = match rest[body_start..].find("-->") {
                Some(close) => (
                    &rest[body_start..body_start + close],
                    body_start + close + 3,
                ),
                None => (&rest[body_start..], rest.len()),
            };
            let comment_offset = offset + consumed + open;
            let json_offset = offset + consumed + body_start;
            if let Some(annotation) = annotation::parse(body, comment_offset, json_offset, sink) {
                self.add_annotation(annotation, sink);
            }
            consumed += next;
            rest = &rest[next..];
        }
    }

    fn add_annotation(&mut self, annotation: Annotation, sink: &mut Sink<'_>) {
        let is_page = annotation.is_page_annotation;
        self.annotations.push(annotation);
        if is_page {
            return;
        }
        if let Some(previous) = self.pending_annotation.replace(self.annotations.len() - 1) {
            self.dangling(previous, sink);
        }
    }

    fn dangling(&self, index: usize, sink: &mut Sink<'_>) {
        if let Some(annotation) = self.annotations.get(index) {
            sink.warn(
                Code::Annotation,
                annotation.offset,
                "annotation is followed by no code block, table or include before the next annotation",
            );
        }
    }

    fn finish(&mut self, sink: &mut Sink<'_>) {
        if let Some(index) = self.pending_annotation.take() {
            if let Some(annotation) = self.annotations.get(index) {
                sink.warn(
                    Code::Annotation,
                    annotation.offset,
                    "annotation has nothing after it to describe",
                );
            }
        }
    }
}

/// pulldown-cmark does not recognise a table whose delimiter row has tabs between cells (as
/// hand-aligned pages write them). Tabs after a line's indentation become single spaces: the
/// same byte length, so every offset still points into the original text.
fn interior_tabs_to_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut indentation = true;
    for c in text.chars() {
        match c {
            '\n' => {
                indentation = true;
                out.push(c);
            }
            '\t' if !indentation => out.push(' '),
            ' ' | '\t' => out.push(c),
            _ => {
                indentation = false;
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The character and length of the fence that opens a fenced block (`text` starts at the
/// fence, or at the indentation before it).
fn opening_fence(text: &str) -> Option<(char, usize)> {
    let text = text.trim_start_matches([' ', '\t']);
    let c = text.chars().next().filter(|&c| c == '`' || c == '~')?;
    Some((c, text.chars().take_while(|&x| x == c).count()))
}

/// Whether a fenced block's source (opening fence to the end of the block) ends with a closing
/// fence: a line of at least as many of the same fence characters, after the indentation and
/// the `>` markers of an enclosing block quote.
fn is_closed(block: &str, (fence, length): (char, usize)) -> bool {
    let mut lines = block.trim_end().lines();
    let _opening = lines.next();
    lines.next_back().is_some_and(|last| {
        let last = last.trim_start_matches([' ', '\t', '>']).trim_end();
        last.chars().count() >= length && last.chars().all(|c| c == fence)
    })
}

/// For blocks without an info string: does the first line read like a request or status line?
fn looks_like_http(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let word = first.split_whitespace().next().unwrap_or("");
    word.starts_with("HTTP/")
        || (["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&word) && first.len() > word.len())
}

fn code_lang(info: &str) -> CodeLang {
    let word = info
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match word.as_str() {
        "" => CodeLang::None,
        "http" => CodeLang::Http,
        "msgraph-interactive" => CodeLang::MsgraphInteractive,
        "json" | "jsonc" | "javascript" | "js" => CodeLang::Json,
        _ => CodeLang::Other(word),
    }
}

/// Reads JSON from a code block or HTTP body. Truncation is recorded, not reported; repairs are
/// notes; unreadable JSON is a warning (the example cannot be used).
fn read_json(text: &str, offset: usize, sink: &mut Sink<'_>) -> JsonText {
    let read = read_lenient(text);
    let repairs = read
        .repairs
        .iter()
        .filter(|r| !matches!(r.kind, super::lenient_json::RepairKind::Ellipsis));
    super::report_repairs(
        sink,
        Code::ExampleJson,
        offset,
        "JSON is not strict",
        repairs,
    );
    let error = read.error.map(|e| {
        sink.warn(
            Code::ExampleJson,
            offset + e.offset,
            format!("JSON is not readable: {}", e.message),
        );
        e.message
    });
    JsonText {
        offset,
        value: read.value,
        truncated: read.truncated,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{BlockType, TableKind};

    fn parse_text(text: &str) -> ParsedPage {
        let source = PageSource {
            path: "api/x.md".into(),
            display: "api/x.md".into(),
        };
        parse(&source, text)
    }

    const MODERN_PAGE: &str = "---\r\ntitle: \"List things\"\r\ndoc_type: apiPageType\r\n---\r\n\
# List things\r\n\r\nNamespace: microsoft.graph\r\n\r\nGet the things.\r\n\r\n\
## HTTP request\r\n<!-- { \"blockType\": \"ignored\" } -->\r\n```http\r\nGET /me/things\r\nGET /users/{id | userPrincipalName}/things\r\n```\r\n\r\n\
## Request headers\r\n| Name | Description |\r\n|:--|:--|\r\n| Authorization | Bearer {token}. Required. |\r\n\r\n\
## Example\r\n### Request\r\n# [HTTP](#tab/http)\r\n<!-- {\r\n  \"blockType\": \"request\",\r\n  \"name\": \"list_things\",\r\n} -->\r\n\
```msgraph-interactive\r\nGET https://graph.microsoft.com/v1.0/me/things?$top=2\r\n```\r\n\
# [C#](#tab/csharp)\r\n[!INCLUDE [sample-code](../includes/snippets/csharp/x.md)]\r\n\r\n---\r\n\r\n\
### Response\r\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.thing\", \"isCollection\": true, \"truncated\": true } -->\r\n\
```http\r\nHTTP/1.1 200 OK\r\nContent-type: application/json\r\n\r\n{\r\n  \"value\": [\r\n    { \"id\": \"1\" },\r\n    ...\r\n  ]\r\n}\r\n```\r\n";

    #[test]
    fn modern_page_with_tabs_includes_and_crlf() {
        let parsed = parse_text(MODERN_PAGE);
        let page = &parsed.page;
        assert_eq!(page.title.as_deref(), Some("List things"));
        assert_eq!(page.kind, PageKind::Api);
        let titles: Vec<&str> = page.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "List things",
                "HTTP request",
                "Request headers",
                "Example",
                "Request",
                "Response"
            ]
        );
        assert_eq!(
            page.sections[4].parent,
            Some(3),
            "### Request sits under ## Example"
        );

        assert_eq!(page.includes.len(), 1);
        assert_eq!(page.includes[0].target, "../includes/snippets/csharp/x.md");

        let [section_block, request_block, response_block] = page.code_blocks.as_slice() else {
            panic!("three code blocks, got {}", page.code_blocks.len());
        };
        let lines = &section_block.http_request().expect("request lines").lines;
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[1].target.path.to_template_string(),
            "/users/{id}/things"
        );

        assert_eq!(request_block.tab.as_deref(), Some("HTTP"));
        let annotation = page
            .annotation(request_block.annotation)
            .expect("request annotation");
        assert_eq!(annotation.block_type, Some(BlockType::Request));
        let request = request_block.http_request().expect("request");
        assert_eq!(request.lines[0].target.query[0].name, "$top");
        assert_eq!(page.lines.location(request_block.offset).line, 30);

        let annotation = page
            .annotation(response_block.annotation)
            .expect("response annotation");
        assert_eq!(annotation.is_collection, Some(true));
        assert_eq!(response_block.tab, None, "`---` closes the tab group");
        let json = response_block.json.as_ref().expect("body JSON");
        assert!(json.truncated);
        assert_eq!(
            json.value
                .as_ref()
                .and_then(|v| v["value"][0]["id"].as_str()),
            Some("1")
        );

        let headers = page
            .tables
            .iter()
            .find(|t| t.kind == TableKind::Headers)
            .expect("headers table");
        assert_eq!(headers.members()[0].name, "Authorization");
        let trailing_comma_notes = parsed
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::AnnotationJson && d.severity == Severity::Note)
            .count();
        assert_eq!(trailing_comma_notes, 1, "{:?}", parsed.diagnostics);
        assert!(
            parsed
                .diagnostics
                .iter()
                .all(|d| d.severity == Severity::Note),
            "{:?}",
            parsed.diagnostics
        );
    }

    #[test]
    fn dangling_and_broken_annotations_are_reported() {
        let text = "# T\n\n<!-- { \"blockType\": \"request\" } -->\n\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 204 No Content\n```\n\n<!-- { broken: [ } -->\n";
        let parsed = parse_text(text);
        let codes: Vec<(Code, u32)> = parsed
            .diagnostics
            .iter()
            .map(|d| (d.code, d.location.line))
            .collect();
        assert!(codes.contains(&(Code::Annotation, 3)), "{codes:?}");
        assert!(codes.contains(&(Code::AnnotationJson, 10)), "{codes:?}");
        assert_eq!(parsed.page.code_blocks[0].annotation, Some(1));
    }

    #[test]
    fn tables_with_tabs_ragged_rows_and_escaped_pipes() {
        let text = "# T\n\n## Properties\n\n| Property \t\t| Type | Description |\n| ------- \t\t|------| ----|\n| a | String | x \\| y |\n| b | Int32 |\n| c | String | d | extra |\n";
        let parsed = parse_text(text);
        let table = parsed
            .page
            .tables
            .first()
            .expect("a table despite the tabs");
        assert_eq!(table.kind, TableKind::Properties);
        assert_eq!(table.members().len(), 3);
        assert_eq!(table.members()[0].description, "x | y");
        let shapes: Vec<u32> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::TableShape)
            .map(|d| d.location.line)
            .collect();
        assert_eq!(shapes, [8, 9]);
    }

    #[test]
    fn unclosed_fences_are_reported_where_they_open() {
        let closed = [
            "# T\n\n```http\nGET /a\n```\n",
            "# T\n\n~~~\nx\n~~~~~\n",
            "# T\n\n````\n```\n````",
            "# T\n\n> ```\n> quoted\n> ```\n\nafter\n",
            "# T\n\n- item\n\n  ```json\n  {}\n  ```\n",
            "# T\n\n```\n```\n",
            "# T\n\n    indented code has no fence\n",
        ];
        for text in closed {
            let parsed = parse_text(text);
            let codes: Vec<Code> = parsed.diagnostics.iter().map(|d| d.code).collect();
            assert!(!codes.contains(&Code::Markdown), "{text:?}: {codes:?}");
        }
        let unclosed = [
            ("# T\n\n```http\nGET /a\n\n## Not a heading\n", 3),
            ("# T\n\n\n~~~~\nx\n~~~\n", 4),
            ("# T\n\n```", 3),
            ("# T\n\n````\n```\n", 3),
        ];
        for (text, line) in unclosed {
            let parsed = parse_text(text);
            let found: Vec<(Code, u32)> = parsed
                .diagnostics
                .iter()
                .map(|d| (d.code, d.location.line))
                .collect();
            assert!(
                found.contains(&(Code::Markdown, line)),
                "{text:?}: {found:?}"
            );
        }
    }

    #[test]
    fn hostile_texts_do_not_panic() {
        let deep = "[".repeat(100_000);
        let texts = [
            String::new(),
            "---".to_owned(),
            "---\ntitle: x".to_owned(),
            "```http\nGET /a/{".to_owned(),
            format!("<!-- {deep} -->\n```json\n{deep}\n```"),
            "\u{feff}\0\u{1}|a|\n|-|\n|\u{fffd}|".to_owned(),
            "# [HTTP](#tab/http)\n<!--".to_owned(),
        ];
        for text in texts {
            let _ = parse_text(&text);
        }
    }
}

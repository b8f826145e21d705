//! What each fuzz target runs and checks, shared with the regression tests that replay kept
//! inputs (`generator/tests/fuzz_regressions.rs` includes this file), so that a kept input is
//! checked exactly as the fuzzer checked it.

use graphdoc::diagnostics::render;
use graphdoc::emit::{emit, EmitOptions, Emitted};
use graphdoc::model::resolve;
use graphdoc::page::http::{parse_http_block, parse_path_template, BodyText, HttpHeader};
use graphdoc::page::lenient_json::{read_lenient, LenientJson};
use graphdoc::page::{parse_page, HttpBlock, Page, PageSource, ParsedPage, PathTemplate};

/// No folder: the page kind then comes from the page's own `doc_type`, which the input
/// controls, so every kind of page is reachable.
fn source() -> PageSource {
    PageSource {
        path: "fuzz.md".into(),
        display: "fuzz.md".to_owned(),
    }
}

/// The `page` target. `discover::read_page` replaces invalid UTF-8 (and warns), so the parser
/// only ever sees a lossy conversion of the file's bytes; the CLI renders every diagnostic with
/// its source line, which must not panic either.
pub fn page(bytes: &[u8]) -> ParsedPage {
    let text = String::from_utf8_lossy(bytes);
    let parsed = parse_page(&source(), &text);
    for diagnostic in &parsed.diagnostics {
        render(diagnostic, Some(&text), false);
    }
    parsed
}

/// The `lenient_json` target, checked against what `read_lenient`'s documentation promises.
pub fn lenient_json(text: &str) -> LenientJson {
    let read = read_lenient(text);
    // A value or the reason there is none, never both and never neither.
    assert_ne!(read.value.is_some(), read.error.is_some(), "{read:?}");
    if let Some(error) = &read.error {
        assert!(text.is_char_boundary(error.offset), "{error:?}");
    }
    for repair in &read.repairs {
        assert!(repair.offset <= text.len(), "{repair:?}");
    }
    // Strict JSON reads exactly as serde_json reads it, with nothing repaired.
    if let Ok(strict) = serde_json::from_str::<serde_json::Value>(text) {
        assert_eq!(read.value.as_ref(), Some(&strict));
        assert!(read.repairs.is_empty() && !read.truncated && read.error.is_none());
    }
    read
}

/// The `http_block` target, checked against the offsets `parse_http_block` documents (the
/// diagnostics slice the page at them), with the canonical path form as a fixed point.
pub fn http_block(content: &str) {
    let (block, issues) = parse_http_block(content);
    for issue in &issues {
        assert!(content.is_char_boundary(issue.offset), "{issue:?}");
    }
    match &block {
        Some(HttpBlock::Request(request)) => {
            for line in &request.lines {
                assert!(content.is_char_boundary(line.offset), "{line:?}");
            }
            check_headers_and_body(content, &request.headers, request.body.as_ref());
        }
        Some(HttpBlock::Response(response)) => {
            assert!(content.is_char_boundary(response.offset), "{response:?}");
            check_headers_and_body(content, &response.headers, response.body.as_ref());
        }
        None => {}
    }
    if let Ok(template) = parse_path_template(content) {
        assert_canonical_is_stable(&template);
    }
}

/// A header's offset is where its name is written; a body is the text at its offset, verbatim.
fn check_headers_and_body(content: &str, headers: &[HttpHeader], body: Option<&BodyText>) {
    for header in headers {
        let at = content.get(header.offset..).unwrap_or_default();
        assert!(at.starts_with(&header.name), "{header:?}");
    }
    if let Some(body) = body {
        let end = body.offset + body.text.len();
        assert_eq!(content.get(body.offset..end), Some(body.text.as_str()));
    }
}

/// Reading the canonical form back gives the same canonical form, so paths that compare equal
/// once keep comparing equal.
fn assert_canonical_is_stable(template: &PathTemplate) {
    let canonical = template.to_template_string();
    match parse_path_template(&canonical) {
        Ok(again) => assert_eq!(again.to_template_string(), canonical),
        Err(message) => panic!("canonical form `{canonical}` does not parse: {message}"),
    }
}

/// Pages one `generate` input can hold: enough for a type, its base, an enum and an API page
/// that uses them, few enough that the fuzzer's mutations still reach each page.
const MAX_PAGES: usize = 6;

/// The `generate` target: the input is one page, or several separated by form feeds (`\x0c`,
/// the page break), each read as the `page` target reads it; then the stages `Config::generate`
/// runs after reading the docs folders, in memory. Several pages reach what one page cannot:
/// inheritance and cycles across pages, a type defined twice, an enum and a type of one name.
/// Whatever the pages say, every item read is accounted for (emitted, merged or dropped with a
/// diagnostic), and every file name stays a plain name inside the crate's `src/`.
pub fn generate(bytes: &[u8]) -> Emitted {
    let pages: Vec<Page> = bytes
        .split(|&byte| byte == b'\x0c')
        .take(MAX_PAGES)
        .enumerate()
        .map(|(index, bytes)| {
            let source = PageSource {
                path: format!("fuzz-{index}.md").into(),
                display: format!("fuzz-{index}.md"),
            };
            parse_page(&source, &String::from_utf8_lossy(bytes)).page
        })
        .collect();
    let resolved = resolve(&pages);
    assert!(
        resolved.account.balances(),
        "something was lost silently: {:#?}",
        resolved.account
    );
    let emitted = emit(
        &resolved.model,
        &EmitOptions {
            crate_name: "msgraph".to_owned(),
        },
    );
    assert_plain_file_names(emitted.files.keys());
    emitted
}

/// Every generated file is a plain `.rs` name, in `src/` or, for a namespace's sub-module of
/// `models`, in `src/models/`: no other folder, no `..`, nothing a type or namespace name could
/// smuggle in to write outside `src/`. The runtime's own files have fixed paths.
pub fn assert_plain_file_names<'a>(paths: impl IntoIterator<Item = &'a String>) {
    let runtime: Vec<&str> = graphdoc::emit::RUNTIME_FILES
        .iter()
        .map(|(path, _)| *path)
        .collect();
    for path in paths
        .into_iter()
        .filter(|path| !runtime.contains(&path.as_str()))
    {
        let name = path.strip_prefix("models/").unwrap_or(path);
        let plain = name.len() > ".rs".len()
            && name.ends_with(".rs")
            && !name.contains("..")
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
        assert!(
            plain,
            "generated file path {path:?} is not a plain file name"
        );
    }
}

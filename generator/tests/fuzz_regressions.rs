//! Inputs found or kept while fuzzing (`fuzz/` at the repository root), replayed as tests.
//!
//! Every file under `tests/fuzz/<target>/` goes through the same function and the same checks
//! as the fuzz target of that name, so a new finding only needs its minimized input dropped
//! into the right folder. Tests named after a finding also say what the correct outcome is.

use std::path::{Path, PathBuf};

use graphdoc::page::http::{parse_http_block, parse_path_template};
use graphdoc::page::HttpBlock;

#[path = "../../fuzz/checks.rs"]
mod checks;
use checks::{generate, http_block, lenient_json, page};

fn folder(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target)
}

/// One kept input, by target and file name.
fn input(target: &str, name: &str) -> Vec<u8> {
    let path = folder(target).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn inputs(target: &str) -> Vec<PathBuf> {
    let folder = folder(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()))
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `check` on every input of `target`, naming the input when a check panics.
fn replay(target: &str, check: impl Fn(&[u8])) {
    for path in inputs(target) {
        let bytes = std::fs::read(&path).expect("readable input");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bytes)));
        assert!(outcome.is_ok(), "{target} failed on {}", path.display());
    }
}

/// The input as a fuzz target taking `&str` sees it: libFuzzer skips inputs that are not UTF-8.
fn utf8(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

#[test]
fn replay_page() {
    replay("page", |bytes| {
        page(bytes);
    });
}

#[test]
fn replay_lenient_json() {
    replay("lenient_json", |bytes| {
        if let Some(text) = utf8(bytes) {
            lenient_json(text);
        }
    });
}

#[test]
fn replay_http_block() {
    replay("http_block", |bytes| {
        if let Some(text) = utf8(bytes) {
            http_block(text);
        }
    });
}

#[test]
fn replay_generate() {
    replay("generate", |bytes| {
        generate(bytes);
    });
}

// Hand-picked inputs: no fuzzer finding so far, but each pins down how an edge is handled.

fn text_input(target: &str, name: &str) -> String {
    String::from_utf8(input(target, name)).expect("a kept text input is UTF-8")
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let read = lenient_json(&text_input("lenient_json", "deep-unclosed-nesting"));
    let error = read.error.expect("no value from 3000 unclosed brackets");
    assert_eq!(error.message, "recursion limit exceeded");
}

#[test]
fn only_comments_and_elisions_are_a_truncated_example_without_value() {
    let read = lenient_json(&text_input("lenient_json", "comment-only"));
    assert!(read.truncated);
    let error = read.error.expect("nothing to read");
    assert!(error.message.starts_with("no JSON value"), "{error:?}");
}

#[test]
fn error_after_multibyte_repairs_points_at_the_bad_value() {
    let text = text_input("lenient_json", "smart-quotes-and-multibyte-error");
    let read = lenient_json(&text);
    let error = read.error.expect("a bare `é` is not a value");
    assert_eq!(Some(error.offset), text.rfind('é'));
}

#[test]
fn annotation_envelope_is_read_from_inside_with_its_repairs() {
    let read = lenient_json(&text_input("lenient_json", "annotation-envelope"));
    assert_eq!(
        read.value,
        Some(serde_json::json!({"blockType": "request", "name": "x"}))
    );
    assert!(read.truncated, "`// more` is an elision");
    assert_eq!(read.repairs.len(), 4, "{:?}", read.repairs);
}

#[test]
fn bom_crlf_and_folded_header_keep_offsets_into_the_block() {
    let content = text_input("http_block", "bom-crlf-folded-header");
    http_block(&content);
    let (block, issues) = parse_http_block(&content);
    assert!(issues.is_empty(), "{issues:?}");
    let Some(HttpBlock::Request(request)) = block else {
        panic!("a request: {block:?}");
    };
    assert_eq!(request.headers[0].value, "application/json folded");
    assert_eq!(request.lines[0].target.api_version.as_deref(), Some("v1.0"));
}

#[test]
fn typo_in_a_multibyte_method_is_not_a_request() {
    let content = text_input("http_block", "multibyte-method-typo");
    http_block(&content);
    let (block, issues) = parse_http_block(&content);
    assert!(block.is_none());
    let codes: Vec<&str> = issues.iter().map(|issue| issue.code).collect();
    assert_eq!(codes, ["http-method", "http-block"]);
}

#[test]
fn canonical_path_drops_alternatives_and_empty_segments() {
    let path = text_input("http_block", "path-template-alternatives");
    let template = parse_path_template(&path).expect("a well-formed template");
    assert_eq!(template.to_template_string(), "/a/{x}/b(c='{d}')/e");
}

#[test]
fn unclosed_fence_after_unreadable_annotation_is_reported_by_line() {
    let parsed = page(&input("page", "unclosed-fence-after-annotation"));
    let lines: Vec<(String, u32)> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.location.line))
        .collect();
    assert_eq!(
        lines,
        [
            ("annotation-json".to_owned(), 5),
            ("markdown".to_owned(), 6),
            ("path-template".to_owned(), 7)
        ]
    );
}

#[test]
fn invalid_utf8_is_read_with_replacement_characters() {
    let parsed = page(&input("page", "invalid-utf8"));
    assert_eq!(parsed.page.title.as_deref(), Some("\u{fffd}\u{fffd}"));
    assert_eq!(parsed.page.tables.len(), 1);
}

#[test]
fn hostile_property_names_become_valid_fields() {
    let emitted = generate(&input("generate", "hostile-property-names"));
    let module = &emitted.files["models.rs"];
    for field in [
        "pub r#type:",
        "pub self_:",
        "\"é-ü\" => crate::runtime::support::read(map, &mut self.field)",
    ] {
        assert!(module.contains(field), "no `{field}` in\n{module}");
    }
}

/// Five pages in one input, form feeds between them: a two-type inheritance cycle, one type
/// defined on two pages with conflicting property types, and a type that is its own base. The
/// `generate` check proves the account balances; each type is emitted exactly once.
#[test]
fn pages_that_meet_emit_each_type_once() {
    let emitted = generate(&input("generate", "pages-that-meet"));
    let all: String = emitted.files.values().map(String::as_str).collect();
    for name in ["CycleA", "CycleB", "Twin", "Selfish"] {
        let declared = format!("pub struct {name} {{");
        assert_eq!(all.matches(&declared).count(), 1, "`{declared}` in\n{all}");
    }
}

/// Found by the `generate` target once it checked the account: a properties table on an enum
/// page (here under an enum page's front matter) declared nothing and its rows vanished without
/// a word. They are now dropped with a warning at the table.
#[test]
fn members_table_on_an_enum_page_is_dropped_with_a_warning() {
    use graphdoc::diagnostics::{Code, Severity};
    use graphdoc::model::account::ItemKind;

    let parsed = page(&input("generate", "members-table-on-an-enum-page"));
    let resolved = graphdoc::model::resolve(std::slice::from_ref(&parsed.page));
    let properties = resolved.account.tally(ItemKind::Property);
    assert_eq!(properties.read, 3);
    assert_eq!(
        properties.dropped.get("page-shape"),
        Some(&3),
        "{properties:?}"
    );
    let warning = resolved
        .diagnostics
        .iter()
        .find(|d| d.code == Code::PageShape && d.message.contains("enum page"))
        .expect("a page-shape warning about the table");
    assert_eq!(warning.severity, Severity::Warning);
    // The table's header row.
    assert_eq!(warning.location.line, 25);
}

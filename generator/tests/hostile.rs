//! Hostile input: pages and docs folders built to break the generator.
//!
//! Every case runs `check` and `generate` under a watchdog (a hang fails the test instead of
//! stalling the run) and checks that whatever went wrong came back as a diagnostic that names a
//! page and a line in it. Small fixtures are committed under `tests/hostile/<case>/`; big,
//! binary and file-system-trick inputs are made at test time in a scratch folder.
//!
//! One test (`hostile_crate_passes_clippy_and_doc_tests`) generates a crate from every fixture
//! together and builds it: clippy must be silent and its tests (doc tests included) must pass.
//! Set `GRAPHDOC_KEEP_CRATE=1` to keep that crate for a look.
//!
//! Tests marked `#[ignore = "..."]` pin down failures of the model or the emitter, each with a
//! minimal reproduction; run them with `cargo test -p graphdoc --test hostile -- --ignored`.

mod big_page;
// Only the file-name check is used here.
#[allow(dead_code)]
#[path = "../../fuzz/checks.rs"]
mod checks;
mod common;
mod scratch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use graphdoc::diagnostics::{Code, Diagnostic, Severity};
use graphdoc::{CheckReport, Generation};

use big_page::big_resource_page;
use scratch::Scratch;

/// Longer than any case needs in a debug build; reaching it means the generator hangs.
const WATCHDOG: Duration = Duration::from_secs(120);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

fn fixture(case: &str) -> PathBuf {
    fixtures().join(case)
}

/// What one run over some docs folders gave.
struct Outcome {
    check: CheckReport,
    generation: Generation,
}

impl Outcome {
    /// `(code, line)` of the diagnostics about the page whose path ends with `page`,
    /// deduplicated and sorted. (`check` reports the same ones as `generate`: see [`run`].)
    fn codes_for(&self, page: &str) -> Vec<(Code, u32)> {
        let mut codes: Vec<(Code, u32)> = self
            .generation
            .diagnostics
            .iter()
            .filter(|d| d.file.ends_with(page))
            .map(|d| (d.code, d.location.line))
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// The diagnostics whose message contains `text`.
    fn with_message(&self, text: &str) -> Vec<&Diagnostic> {
        self.generation
            .diagnostics
            .iter()
            .filter(|d| d.message.contains(text))
            .collect()
    }

    /// The generated module file that contains `needle`.
    fn file_containing(&self, needle: &str) -> &str {
        self.generation
            .files
            .values()
            .find(|f| f.contains(needle))
            .unwrap_or_else(|| panic!("no generated file contains {needle:?}"))
    }

    fn all_diagnostics(&self) -> String {
        self.generation
            .diagnostics
            .iter()
            .map(|d| format!("  {d}\n"))
            .collect()
    }
}

/// Runs `check` and then `generate` on another thread; panics with a clear message when either
/// panics or when they do not finish before the watchdog.
fn run(docs: &[&Path]) -> Outcome {
    let docs: Vec<PathBuf> = docs.iter().map(|d| d.to_path_buf()).collect();
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("graphdoc".into())
        .spawn(move || {
            let config = docs
                .iter()
                .fold(graphdoc::Config::new(), |config, d| config.with_docs(d));
            let check = config
                .check()
                .expect("check runs on an existing docs folder");
            let generation = config
                .generate()
                .expect("generate runs on an existing docs folder");
            let _ = sender.send(Outcome { check, generation });
        })
        .expect("thread starts");
    let outcome = match receiver.recv_timeout(WATCHDOG) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("check + generate did not finish within {WATCHDOG:?}: a hang")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let panic = worker
                .join()
                .expect_err("the worker died without an outcome");
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("graphdoc panicked: {message}")
        }
    };
    let check_sources = outcome
        .check
        .sources
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()));
    assert_well_formed(&outcome.check.diagnostics, check_sources);
    assert!(
        outcome.check.diagnostics == outcome.generation.diagnostics,
        "check and generate report different diagnostics"
    );
    assert_eq!(outcome.check.account, outcome.generation.account);
    let generation_sources = outcome
        .generation
        .pages
        .iter()
        .map(|p| (p.path.as_str(), p.lines.text()));
    assert_well_formed(&outcome.generation.diagnostics, generation_sources);
    checks::assert_plain_file_names(outcome.generation.files.keys());
    let account = &outcome.generation.account;
    assert!(
        account.balances(),
        "something was lost silently: {account:#?}"
    );
    outcome
}

/// Every diagnostic names a file and has a message; every one about a page (all but walk
/// problems) names a page that was read and a line and column inside it; rendering it with its
/// source line does not panic. `sources` maps page paths to their text.
fn assert_well_formed<'a>(
    diagnostics: &[Diagnostic],
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let pages: BTreeMap<&str, (&str, u32)> = sources
        .into_iter()
        .map(|(path, text)| {
            let lines = text.lines().count().max(1) as u32 + u32::from(text.ends_with('\n'));
            (path, (text, lines))
        })
        .collect();
    for d in diagnostics {
        assert!(!d.file.is_empty(), "diagnostic without a file: {d}");
        assert!(
            !d.message.trim().is_empty(),
            "diagnostic without a message: {d}"
        );
        if d.code == Code::Io {
            continue;
        }
        let &(text, lines) = pages
            .get(d.file.as_str())
            .unwrap_or_else(|| panic!("diagnostic names no page that was read: {d}"));
        assert!(
            d.location.line >= 1 && d.location.line <= lines,
            "line outside the page (1..={lines}): {d}"
        );
        assert!(d.location.column >= 1, "column 0: {d}");
        let rendered = graphdoc::diagnostics::render(d, Some(text), false);
        assert!(rendered.contains(d.code.as_str()), "{rendered}");
    }
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &[u8], needle: &[u8]) -> u32 {
    let at = text
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in text");
    text[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1
}

/// The source of the struct that declares `field`, up to its closing brace.
fn struct_with_field<'o>(outcome: &'o Outcome, field: &str) -> &'o str {
    let file = outcome.file_containing(field);
    let at = file.find(field).expect("field in file");
    let start = file[..at]
        .rfind("pub struct ")
        .expect("a struct before the field");
    let end = file[at..].find("\n}\n").map_or(file.len(), |i| at + i + 3);
    &file[start..end]
}

/// The `read_field` of a struct's `Object` impl (the `match` from wire name to field), with
/// its whitespace collapsed and braces around single-call arms removed.
fn object_impl_of(outcome: &Outcome, declaration: &str) -> String {
    let name = declaration
        .trim_start_matches("pub struct ")
        .split([' ', '{'])
        .next()
        .unwrap_or_default();
    let header = format!("impl crate::runtime::support::Object for {name} {{");
    let file = outcome.file_containing(&header);
    let start = file.find(&header).expect("impl in file");
    let end = file[start..]
        .find("fn additional_properties_mut")
        .map_or(file.len(), |i| start + i);
    let squashed = file[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    squashed
        .replace(
            "=> { crate::runtime::support::read",
            "=> crate::runtime::support::read",
        )
        .replace(") }", ")")
}

/// A deterministic byte stream (xorshift), for garbage that is the same on every run.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// A small, well-formed resource page: the base for pages made hostile at test time.
fn resource_page(name: &str, properties: &[(&str, &str)]) -> String {
    let mut page = format!(
        "---\ntitle: \"{name} resource type\"\ndoc_type: resourcePageType\nms.prod: hostile\n---\n\n\
         # {name} resource type\n\nNamespace: microsoft.graph\n\nA generated type.\n\n\
         ## Properties\n\n|Property|Type|Description|\n|:---|:---|:---|\n"
    );
    for (property, ty) in properties {
        page.push_str(&format!("|{property}|{ty}|The {property} property.|\n"));
    }
    page.push_str(&format!(
        "\n## JSON representation\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\" }} -->\n```json\n{{\n"
    ));
    let members: Vec<String> = properties
        .iter()
        .map(|(property, ty)| format!("  \"{property}\": \"{ty}\""))
        .collect();
    page.push_str(&members.join(",\n"));
    page.push_str("\n}\n```\n");
    page
}

// ---- Folders that are not what they seem ----

#[test]
fn missing_docs_folder_and_folder_without_pages_are_errors_not_panics() {
    let scratch = Scratch::new("no-pages");
    std::fs::create_dir_all(scratch.path().join("resources")).expect("folder");
    scratch.write("resources/readme.txt", "not a page");
    let result = graphdoc::Config::new().with_docs(scratch.path()).check();
    match result {
        Err(error @ graphdoc::Error::NoPages { .. }) => {
            let message = error.to_string();
            assert!(
                message.contains(&scratch.path().display().to_string()),
                "{message}"
            );
        }
        other => panic!("expected no pages, got {other:?}"),
    }

    let missing = scratch.path().join("does-not-exist");
    let result = graphdoc::Config::new().with_docs(&missing).generate();
    assert!(
        matches!(result, Err(graphdoc::Error::DocsNotFound(_))),
        "{result:?}"
    );

    let file = scratch.write("page.md", "# A file, not a folder\n");
    let result = graphdoc::Config::new().with_docs(&file).check();
    assert!(
        matches!(result, Err(graphdoc::Error::DocsNotFolder(_))),
        "{result:?}"
    );

    // An output that is a file is named as such, not as a manifest that cannot be read.
    let files = std::collections::BTreeMap::from([("src/lib.rs".to_owned(), String::new())]);
    let result = graphdoc::write::write_files(&file, &files);
    match result {
        Err(error @ graphdoc::Error::OutputNotFolder(_)) => {
            assert!(error.to_string().contains("is a file"), "{error}");
        }
        other => panic!("expected an output that is a file, got {other:?}"),
    }
}

#[test]
fn empty_file() {
    let outcome = run(&[&fixture("empty")]);
    assert_eq!(outcome.check.counts.pages, 1);
    assert!(
        errors(&outcome.generation.diagnostics).is_empty(),
        "{}",
        outcome.all_diagnostics()
    );
    assert!(outcome.generation.files.contains_key("lib.rs"));
}

#[test]
fn binary_garbage() {
    let scratch = Scratch::new("garbage");
    scratch.write(
        "resources/garbage.md",
        garbage(64 * 1024, 0x9e37_79b9_7f4a_7c15),
    );
    // Valid UTF-8, but every control character there is, NULs included.
    let controls: String = (0u8..0x20).map(char::from).cycle().take(4096).collect();
    scratch.write(
        "api/controls.md",
        format!("# Controls\n\n{controls}\n|a|{controls}|\n|-|-|\n"),
    );
    let outcome = run(&[scratch.path()]);
    assert_eq!(outcome.check.counts.pages, 2);
    let codes = outcome.codes_for("resources/garbage.md");
    assert!(
        codes.iter().any(|(code, _)| *code == Code::Encoding),
        "{codes:?}"
    );
}

#[test]
fn invalid_utf8() {
    let scratch = Scratch::new("invalid-utf8");
    let page = resource_page("mangled", &[("before", "String"), ("after", "Int32")]);
    // Invalid bytes in the description of `after`.
    let page = page.replace("The after property.", "The after \u{1}\u{2} property.");
    let mut bytes = page.into_bytes();
    let at = bytes
        .windows(2)
        .position(|w| w == [1, 2])
        .expect("marker present");
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    // And a multi-byte sequence cut short at the very end.
    bytes.extend_from_slice(&[0xe2, 0x82]);
    let line = line_of(&bytes, &[0xff, 0xfe]);
    scratch.write("resources/mangled.md", bytes);
    let outcome = run(&[scratch.path()]);

    let codes = outcome.codes_for("resources/mangled.md");
    assert!(
        codes.contains(&(Code::Encoding, line)),
        "line {line}: {codes:?}"
    );
    let page = &outcome.generation.pages[0];
    let members: Vec<&str> = page
        .tables
        .iter()
        .flat_map(|t| t.members())
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        members,
        ["before", "after"],
        "the table survives the bad bytes"
    );
    assert!(outcome
        .file_containing("pub struct Mangled {")
        .contains("pub after:"));
}

#[test]
fn bom_and_crlf_read_like_lf() {
    let page = resource_page("lineEndings", &[("id", "String"), ("count", "Int32")]);
    let plain = Scratch::new("lf");
    let windows = Scratch::new("crlf");
    plain.write("docs/resources/line-endings.md", &page);
    windows.write(
        "docs/resources/line-endings.md",
        format!("\u{feff}{}", page.replace('\n', "\r\n")),
    );
    let plain = run(&[&plain.path().join("docs")]);
    let windows = run(&[&windows.path().join("docs")]);

    let page = &windows.generation.pages[0];
    assert_eq!(page.front_matter.title(), Some("lineEndings resource type"));
    assert_eq!(page.title.as_deref(), Some("lineEndings resource type"));
    assert!(
        windows.generation.diagnostics == plain.generation.diagnostics,
        "{}",
        windows.all_diagnostics()
    );
    assert_eq!(
        windows.generation.files, plain.generation.files,
        "same crate either way"
    );
    let lines = |o: &Outcome| {
        o.generation
            .diagnostics
            .iter()
            .map(|d| (d.code, d.location.line))
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(&windows), lines(&plain));
}

#[test]
fn lone_cr_and_mixed_line_endings() {
    let scratch = Scratch::new("lone-cr");
    let page = resource_page("oldMac", &[("id", "String")]);
    scratch.write("resources/old-mac.md", page.replace('\n', "\r"));
    let page = resource_page("mixed", &[("id", "String"), ("name", "String")]);
    let mixed: String = page
        .split('\n')
        .enumerate()
        .map(|(i, line)| format!("{line}{}", ["\n", "\r\n", "\r"][i % 3]))
        .collect();
    scratch.write("resources/mixed.md", mixed);
    let outcome = run(&[scratch.path()]);
    assert_eq!(outcome.check.counts.pages, 2);
}

#[test]
fn unterminated_front_matter() {
    let outcome = run(&[&fixture("front-matter")]);
    let codes = outcome.codes_for("resources/unterminated.md");
    assert!(codes.contains(&(Code::FrontMatter, 1)), "{codes:?}");
    let page = &outcome.generation.pages[0];
    assert_eq!(page.front_matter.title(), Some("frontless resource type"));
    assert!(page.tables.is_empty(), "the body was read as front matter");
}

#[test]
fn unclosed_code_fence() {
    let outcome = run(&[&fixture("unclosed-fence")]);
    let page = &outcome.generation.pages[0];
    let last = page
        .code_blocks
        .last()
        .expect("the unclosed block is a block");
    let fence_line = page.lines.location(last.offset).line;
    assert_eq!(fence_line, 36);
    let codes = outcome.codes_for("api/unclosed-fence.md");
    assert!(
        codes.contains(&(Code::Markdown, fence_line)),
        "the unclosed fence is reported at its line: {codes:?}"
    );
    assert!(
        page.tables.is_empty(),
        "the table after the fence is inside it"
    );
}

#[test]
fn annotation_with_nothing_after_it() {
    let outcome = run(&[&fixture("dangling-annotation")]);
    let codes = outcome.codes_for("api/dangling-annotation.md");
    assert!(
        codes.contains(&(Code::Annotation, 31)),
        "followed by another annotation: {codes:?}"
    );
    assert!(
        codes.contains(&(Code::Annotation, 33)),
        "followed by nothing: {codes:?}"
    );
    let codes = outcome.codes_for("api/trailing-comment.md");
    assert!(
        codes.contains(&(Code::AnnotationJson, 3)),
        "unclosed comment and JSON: {codes:?}"
    );
}

#[test]
fn annotation_json_nested_100_000_deep() {
    let scratch = Scratch::new("deep-annotation");
    let depth = 100_000;
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let arrays = format!("{{\"a\":{}", "[".repeat(depth));
    let lenient = format!("{}1{}", "{a:".repeat(depth), ",}".repeat(depth));
    let page = format!(
        "# Deep annotations\n\n<!-- {objects} -->\n```json\n{{}}\n```\n\n<!-- {arrays} -->\n```json\n{{}}\n```\n\n<!-- {lenient} -->\n```json\n{{}}\n```\n"
    );
    scratch.write("api/deep-annotation.md", page);
    let outcome = run(&[scratch.path()]);
    let codes = outcome.codes_for("api/deep-annotation.md");
    for line in [3, 8, 13] {
        assert!(
            codes.contains(&(Code::AnnotationJson, line)),
            "line {line}: {codes:?}"
        );
    }
    // 200,000 repairs of the unquoted keys and trailing commas, but a bounded number of notes.
    let notes = outcome
        .check
        .diagnostics
        .iter()
        .filter(|d| d.file.ends_with("deep-annotation.md"))
        .count();
    assert!(
        notes <= 3 * (graphdoc::page::REPAIR_NOTES + 2),
        "{notes} diagnostics"
    );
}

#[test]
fn response_body_nested_100_000_deep() {
    let scratch = Scratch::new("deep-body");
    let depth = 100_000;
    let body = format!("{}{}", "{\"a\":[".repeat(depth), "]}".repeat(depth));
    let page = format!(
        "---\ntitle: \"Get deep\"\ndoc_type: apiPageType\n---\n\n# Get deep\n\n## HTTP request\n\n\
         <!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET /deep\n```\n\n## Example\n\n\
         <!-- {{ \"blockType\": \"request\", \"name\": \"get_deep\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/deep\n```\n\n\
         <!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.deep\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{body}\n```\n"
    );
    let body_line = line_of(page.as_bytes(), &body.as_bytes()[..20]);
    scratch.write("api/deep.md", page);
    // A JSON representation as deep, and one just under serde_json's recursion limit whose
    // every level names a type.
    let representation = format!("{}\"String\"{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let mut resource = resource_page("deepResource", &[("a", "String")]);
    resource = resource.replace("{\n  \"a\": \"String\"\n}", &representation);
    scratch.write("resources/deep-resource.md", resource);
    let typed = (0..120).fold("\"String\"".to_owned(), |inner, i| {
        format!("{{\"@odata.type\": \"microsoft.graph.level{i}\", \"next\": {inner}}}")
    });
    let page = format!(
        "# Get levels\n\n## HTTP request\n\n```http\nGET /levels\n```\n\n\
         <!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.level119\" }} -->\n```http\nHTTP/1.1 200 OK\n\n{typed}\n```\n"
    );
    scratch.write("api/levels.md", page);
    let outcome = run(&[scratch.path()]);
    let codes = outcome.codes_for("api/deep.md");
    assert!(
        codes.contains(&(Code::ExampleJson, body_line)),
        "line {body_line}: {codes:?}"
    );
    let codes = outcome.codes_for("resources/deep-resource.md");
    assert!(
        codes.iter().any(|(code, _)| *code == Code::ExampleJson),
        "{codes:?}"
    );
}

#[test]
fn markdown_nested_100_000_deep() {
    let scratch = Scratch::new("deep-markdown");
    let depth = 100_000;
    scratch.write(
        "api/quotes.md",
        format!("# Quotes\n\n{}deep\n", "> ".repeat(depth)),
    );
    let list: String = (0..2_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    scratch.write("api/lists.md", format!("# Lists\n\n{list}"));
    scratch.write(
        "api/emphasis.md",
        format!(
            "# Emphasis\n\n{}x{}\n",
            "*_".repeat(depth),
            "_*".repeat(depth)
        ),
    );
    scratch.write(
        "api/links.md",
        format!(
            "# Links\n\n{}x{}\n",
            "[".repeat(depth),
            "](y)".repeat(depth)
        ),
    );
    scratch.write(
        "api/comments.md",
        format!("# Comments\n\n{}\n", "<!-- { -->".repeat(depth / 10)),
    );
    run(&[scratch.path()]);
}

// ---- Size ----

/// A 5 MB page with tens of thousands of properties is read and emitted whole. How time and
/// memory grow with page size is `bounds.rs`'s test; how long it takes is a benchmark.
#[test]
fn five_megabyte_page() {
    let scratch = Scratch::new("big");
    let (page, count) = big_resource_page(5_000_000);
    assert!(
        page.len() >= 5_000_000 && count > 20_000,
        "{count} properties"
    );
    scratch.write("resources/big.md", page);
    let outcome = run(&[scratch.path()]);
    assert_eq!(outcome.check.counts.pages, 1);
    let big = outcome.file_containing("pub struct Big {");
    for n in [0, count / 2, count - 1] {
        assert!(
            big.contains(&format!("pub property{n:06}:")),
            "property{n:06}"
        );
    }
    let properties = outcome
        .generation
        .account
        .tally(graphdoc::model::account::ItemKind::Property);
    assert_eq!((properties.read, properties.emitted), (count, count));
}

// ---- Tables ----

#[test]
fn tables_ragged_escaped_one_column() {
    let outcome = run(&[&fixture("tables")]);
    let codes = outcome.codes_for("resources/tables.md");
    // Lines 18 (two cells), 19 (six cells) and 21 (a pipe in a code span splits the cell) are
    // ragged; line 22 (`\\|` at the end: a backslash and an escaped pipe) is not. Lines 23 and
    // 49 have no name; the blank row on line 26 is only spacing.
    let shapes: Vec<u32> = codes
        .iter()
        .filter(|(code, _)| *code == Code::TableShape)
        .map(|&(_, line)| line)
        .collect();
    assert_eq!(shapes, [18, 19, 21, 23, 49], "{codes:?}");
    assert!(
        codes.contains(&(Code::Conflict, 48)),
        "member `two` twice: {codes:?}"
    );
    let page = &outcome.generation.pages[0];
    let properties = page.tables.first().expect("the property table").members();
    let description = |name: &str| {
        properties
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.description.as_str())
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    assert_eq!(description("escaped"), "A pipe | inside, and another |.");
    assert_eq!(
        description("trailingBackslash"),
        "Ends with a backslash, read as an escaped pipe |"
    );
    assert!(properties.iter().all(|m| !m.name.is_empty()));
    assert!(
        codes.contains(&(Code::UnknownType, 25)),
        "`badType`: {codes:?}"
    );
    let one_column = page
        .tables
        .iter()
        .find(|t| t.header.len() == 1 && t.header[0].text == "Property")
        .expect("the one-column table");
    assert_eq!(one_column.rows.len(), 2);
}

#[test]
fn tables_with_hundreds_of_columns() {
    let scratch = Scratch::new("wide-tables");
    let columns = 600;
    let mut header = vec!["Property".to_owned(), "Type".to_owned()];
    header.extend((2..columns).map(|i| format!("Extra{i}")));
    let mut page =
        String::from("---\nms.prod: hostile\n---\n# wide resource type\n\n## Properties\n\n");
    page.push_str(&format!("|{}|\n", header.join("|")));
    page.push_str(&format!("|{}|\n", vec!["---"; columns].join("|")));
    for row in 0..200 {
        let mut cells = vec![format!("column{row}"), "String".to_owned()];
        // Every other row is ragged: fewer cells than the header.
        let width = if row % 2 == 0 {
            columns
        } else {
            row % columns + 1
        };
        cells.extend((2..width).map(|i| format!("v{i}")));
        page.push_str(&format!("|{}|\n", cells.join("|")));
    }
    // The type column last, after hundreds of others.
    page.push_str("\n## Relationships\n\n");
    let mut header: Vec<String> = (0..columns - 2).map(|i| format!("Note{i}")).collect();
    header.insert(0, "Name".to_owned());
    header.push("Type".to_owned());
    page.push_str(&format!(
        "|{}|\n|{}|\n",
        header.join("|"),
        vec!["-"; columns].join("|")
    ));
    let mut cells = vec!["last".to_owned()];
    cells.extend((0..columns - 2).map(|i| format!("n{i}")));
    cells.push("[wide](wide.md)".to_owned());
    page.push_str(&format!("|{}|\n", cells.join("|")));
    scratch.write("resources/wide.md", page);
    let outcome = run(&[scratch.path()]);
    let shapes = outcome
        .codes_for("resources/wide.md")
        .into_iter()
        .filter(|(code, _)| *code == Code::TableShape)
        .count();
    assert_eq!(shapes, 100, "one per ragged row");
    let page = &outcome.generation.pages[0];
    assert_eq!(page.tables[0].header.len(), columns);
    assert_eq!(page.tables[0].members().len(), 200);
    let wide = outcome.file_containing("pub struct Wide {");
    assert!(wide.contains("pub column199:") && wide.contains("pub last:"));
}

// ---- Requests ----

#[test]
fn request_lines_with_bad_braces_and_unknown_methods() {
    let outcome = run(&[&fixture("requests")]);
    let braces = outcome.codes_for("api/requests-braces.md");
    for line in [17, 18, 19, 20, 21, 27, 28] {
        assert!(
            braces.contains(&(Code::PathTemplate, line)),
            "line {line}: {braces:?}"
        );
    }
    let methods = outcome.codes_for("api/requests-methods.md");
    for line in [17, 18, 21] {
        assert!(
            methods.contains(&(Code::HttpMethod, line)),
            "line {line}: {methods:?}"
        );
    }
    assert!(
        methods.iter().any(|&(code, _)| code == Code::HttpStatus),
        "{methods:?}"
    );
    let unknown = outcome.codes_for("api/requests-unknown-only.md");
    assert!(unknown.contains(&(Code::HttpMethod, 17)), "{unknown:?}");
}

#[test]
fn request_line_with_thousands_of_segments() {
    let scratch = Scratch::new("long-path");
    let segments = 5_000;
    let path = big_page::deep_path(segments);
    let open_braces = "/{".repeat(segments);
    let page = format!(
        "---\ntitle: \"Get long\"\ndoc_type: apiPageType\nms.prod: hostile\n---\n\n# Get long\n\n## HTTP request\n\n\
         <!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET {path}\nGET /open{open_braces}\n```\n"
    );
    scratch.write("api/long.md", page);
    let outcome = run(&[scratch.path()]);
    let request = outcome.generation.pages[0].code_blocks[0]
        .http_request()
        .expect("a request");
    assert_eq!(request.lines[0].target.path.segments.len(), segments);
    let problems = outcome
        .codes_for("api/long.md")
        .iter()
        .filter(|(code, _)| *code == Code::PathTemplate)
        .count();
    assert!(problems >= 1, "the unbalanced braces are reported");
}

// ---- Types that contradict each other ----

#[test]
fn same_type_defined_twice_with_conflicting_property_types() {
    let outcome = run(&[&fixture("duplicate-type")]);
    let conflicts: Vec<&Diagnostic> = outcome
        .with_message("also defined by")
        .into_iter()
        .filter(|d| d.code == Code::Conflict)
        .collect();
    assert_eq!(conflicts.len(), 1, "{}", outcome.all_diagnostics());
    let conflict = conflicts[0];
    assert!(conflict.message.contains("twin-one.md") || conflict.message.contains("twin-two.md"));
    assert!(
        conflict.message.contains("`size` has different types"),
        "{conflict}"
    );
    let twin = outcome.file_containing("pub struct Twin {");
    assert_eq!(
        twin.matches("pub struct Twin {").count(),
        1,
        "one struct for one type"
    );
    assert!(twin.contains("pub only_here:") && twin.contains("pub only_there:"));
}

#[test]
fn inheritance_cycles() {
    let outcome = run(&[&fixture("inheritance-cycle")]);
    let cycles: Vec<(&str, &str)> = outcome
        .generation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::InheritanceCycle)
        .map(|d| (d.file.as_str(), d.message.as_str()))
        .collect();
    // One report per cycle, on a page of the cycle, naming its path.
    // Whichever type the resolver starts from, the message lists every type of the cycle.
    let expected: [&[&str]; 4] = [
        &["cycleA", "cycleB"],
        &["selfish"],
        &["ringOne", "ringTwo", "ringThree"],
        &["proseCycle"],
    ];
    for members in expected {
        let reported = cycles.iter().any(|(_, message)| {
            members
                .iter()
                .all(|m| message.contains(&format!("{m} →")) || message.contains(&format!("→ {m}")))
        });
        assert!(reported, "no cycle reported for {members:?}: {cycles:#?}");
    }
    assert_eq!(cycles.len(), 4, "{cycles:#?}");
    let missing = outcome.codes_for("resources/missing-base.md");
    assert!(
        missing
            .iter()
            .any(|&(code, _)| code == Code::UnresolvedType),
        "{missing:?}"
    );
    // Every type of a cycle is still emitted, with the properties of the types it inherits
    // from up to where the cycle was cut.
    for name in [
        "CycleA",
        "CycleB",
        "Selfish",
        "RingOne",
        "RingTwo",
        "RingThree",
        "ProseCycle",
    ] {
        outcome.file_containing(&format!("pub struct {name} {{"));
    }
    let cycle_b = struct_with_field(&outcome, "pub cycle_b_own:");
    assert!(cycle_b.contains("pub cycle_a_own:"), "{cycle_b}");
}

/// A base type that is a primitive is a mistake in the page, not something to drop silently.
#[test]
fn primitive_base_type_is_reported() {
    let outcome = run(&[&fixture("inheritance-cycle")]);
    let codes = outcome.codes_for("resources/primitive-base.md");
    assert!(
        !codes.is_empty(),
        "nothing said about `Edm.String` as a base type"
    );
}

// ---- Names ----

#[test]
fn hostile_names_become_valid_distinct_identifiers() {
    let outcome = run(&[&fixture("names")]);
    let keywords = struct_with_field(&outcome, "pub x_ms_dashed:");
    let reads = object_impl_of(&outcome, keywords);
    let field = |wire: &str, rust: &str| {
        assert!(
            keywords.contains(&format!("pub {rust}:")),
            "no field `{rust}` for `{wire}`"
        );
        assert!(
            reads.contains(&format!(
                "{wire:?} => crate::runtime::support::read(map, &mut self.{rust})"
            )),
            "`{rust}` does not map to {wire:?}: {reads}"
        );
    };
    field("type", "r#type");
    field("fn", "r#fn");
    field("match", "r#match");
    field("async", "r#async");
    field("gen", "r#gen");
    field("try", "r#try");
    field("abstract", "r#abstract");
    field("self", "self_");
    field("crate", "crate_");
    field("super", "super_");
    field("x-ms-dashed", "x_ms_dashed");
    field("a.b.c", "a_b_c");
    field("naïve", "na_ve");
    field("_leading", "leading");
    field("trailing_", "trailing");
    field("value", "value");
    field("@odata.id", "odata_id");
    // Names that collide after conversion stay distinct and keep their wire names.
    for wire in [
        "Value",
        "VALUE",
        "odataType",
        "additionalProperties",
        "additional_properties",
    ] {
        assert!(reads.contains(&format!("{wire:?} => ")), "{wire} lost");
    }
    assert_eq!(
        reads.matches("\"@odata.type\" => ").count(),
        1,
        "one `@odata.type` field"
    );
    // Types named after keywords and prelude items: the emitter writes every path in full
    // (`::std::option::Option`), so these names shadow nothing.
    for name in [
        "Crate", "Super", "Option", "Result", "String", "Vec", "Box", "Default", "Std", "Serde",
        "V1stType",
    ] {
        outcome.file_containing(&format!("pub struct {name} {{"));
    }
    let all = outcome.generation.files.values();
    assert!(!all.clone().any(|f| f.contains("pub struct Self ")));
    assert!(!all
        .clone()
        .any(|f| f.contains("pub mod self;") || f.contains("pub mod crate;")));
    // The enum's members: a variant each, every wire value kept, the catch-all renamed.
    let members = outcome.file_containing("pub enum Where {");
    for wire in [
        "type",
        "Self",
        "self",
        "crate",
        "Unknown",
        "unknown",
        "1st",
        "x-ms-dashed",
        "名前",
        "value",
        "Value",
        "VALUE",
    ] {
        assert!(
            members.contains(&format!("{wire:?} => Self::")),
            "member {wire} lost"
        );
    }
    assert!(
        members.contains("Unknown3(::std::string::String)"),
        "catch-all renamed"
    );
}

/// Property names that cannot be Rust identifiers, even converted: kept under another name, or
/// reported.
#[test]
fn property_names_that_are_not_identifiers_are_kept_or_reported() {
    let outcome = run(&[&fixture("names")]);
    let keywords = struct_with_field(&outcome, "pub x_ms_dashed:");
    for wire in [
        "1st",
        "42",
        "r#raw",
        "display name",
        "with\"quote",
        "back\\slash",
        "",
        " ",
    ] {
        let kept = keywords.contains(&format!("rename = {wire:?}"));
        let reported =
            outcome.generation.diagnostics.iter().any(|d| {
                d.file.ends_with("keywords.md") && d.message.contains(&format!("`{wire}`"))
            });
        assert!(
            kept || reported,
            "property {wire:?} neither kept nor reported:\n{}",
            outcome.all_diagnostics()
        );
    }
}

/// A page-declared module name that is a file cargo gives a meaning to.
#[test]
fn module_names_lib_and_main() {
    let scratch = Scratch::new("module-lib-main");
    for area in ["lib", "main"] {
        let page = resource_page(&format!("{area}Thing"), &[("id", "String")]);
        let page = page.replace("ms.prod: hostile", &format!("ms.prod: {area}"));
        scratch.write(&format!("resources/{area}-thing.md"), page);
    }
    let outcome = run(&[scratch.path()]);
    let lib = &outcome.generation.files["lib.rs"];
    assert!(lib.contains("pub mod runtime;"), "lib.rs is the crate root");
    assert!(!lib.contains("pub mod lib;"), "{lib}");
    assert!(!outcome.generation.files.contains_key("main.rs"));
    outcome.file_containing("pub struct LibThing {");
    outcome.file_containing("pub struct MainThing {");
}

/// A resource page and an enum page for one Graph name.
#[test]
fn struct_and_enum_with_one_name() {
    let scratch = Scratch::new("struct-enum");
    scratch.write(
        "resources/thing.md",
        resource_page("thing", &[("id", "String")]),
    );
    scratch.write(
        "resources/thing-enum.md",
        "---\ndoc_type: enumPageType\nms.prod: hostile\n---\n# thing enum type\n\n\
         |Member|Value|Description|\n|:---|:---|:---|\n|one|0|One.|\n",
    );
    let outcome = run(&[scratch.path()]);
    let file = outcome.file_containing("pub enum ");
    let struct_name = file
        .split("pub struct ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a struct");
    let enum_name = file
        .split("pub enum ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("an enum");
    assert_ne!(struct_name, enum_name, "one name for two items");
}

/// Names that collide once converted, when the first of them is an escaped keyword: enum
/// members, properties, path parameters and the operation itself named `Self` and `self`.
#[test]
fn names_that_collide_with_an_escaped_keyword() {
    let scratch = Scratch::new("self-self");
    scratch.write(
        "resources/selves.md",
        "---\ndoc_type: enumPageType\nms.prod: hostile\n---\n# selves enum type\n\n\
         |Member|Value|Description|\n|:---|:---|:---|\n|Self|0|Upper.|\n|self|1|Lower.|\n",
    );
    scratch.write(
        "resources/selfish.md",
        resource_page("selfish", &[("self", "String"), ("Self", "String")]),
    );
    scratch.write(
        "api/self.md",
        "---\ntitle: \"Self\"\ndoc_type: apiPageType\nms.prod: hostile\n---\n# Self\n\n\
         ## HTTP request\n\n```http\nGET /selves/{self}/{Self}\n```\n\n## Example\n\n\
         <!-- { \"blockType\": \"request\", \"name\": \"self\" } -->\n```http\nGET /selves/a/b\n```\n\n\
         <!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 204 No Content\n```\n",
    );
    let outcome = run(&[scratch.path()]);
    let file = outcome.file_containing("pub enum Selves");
    for line in file.lines().filter(|l| !l.trim_start().starts_with("//")) {
        assert!(!line.contains("__"), "not a conventional Rust name: {line}");
    }
}

#[test]
fn hostile_descriptions_stay_in_their_doc_comments() {
    let outcome = run(&[&fixture("descriptions")]);
    let file = outcome.file_containing("pub struct Described {");
    for line in file.lines() {
        let code = line.trim_start();
        if code.starts_with("//") || code.is_empty() {
            continue;
        }
        assert!(
            !code.contains("cfg(x)"),
            "description leaked into code: {line}"
        );
        assert!(
            !code.contains("panic!"),
            "description leaked into code: {line}"
        );
        assert!(
            !code.contains("compile_error"),
            "description leaked into code: {line}"
        );
    }
    // No page code block may open a Rust doctest.
    let mut in_fence = false;
    for line in file
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("///"))
    {
        let text = line.trim_start_matches('/').trim_start();
        if text.starts_with("```") || text.starts_with("~~~") {
            if !in_fence {
                let info = text.trim_start_matches(['`', '~']);
                assert!(
                    info == "text" || info.ends_with("ignore"),
                    "fence opens a doctest: {line}"
                );
            }
            in_fence = !in_fence;
        }
    }
    assert!(!in_fence, "a doc fence is left open");
}

#[test]
fn type_names_that_are_paths() {
    let outcome = run(&[&fixture("type-paths")]);
    assert_eq!(outcome.check.counts.pages, 8);
    let runtime: Vec<&str> = graphdoc::emit::RUNTIME_FILES
        .iter()
        .map(|(path, _)| *path)
        .collect();
    for path in outcome
        .generation
        .files
        .keys()
        .filter(|path| !runtime.contains(&path.as_str()))
    {
        // A namespace is a sub-module of `models`, in `models/`; nothing else is in a folder.
        let name = path.strip_prefix("models/").unwrap_or(path);
        assert!(
            !name.contains('/') && !name.contains("etc") && !name.contains("tmp"),
            "{path}"
        );
    }
}

// ---- The docs folder itself ----

#[cfg(unix)]
#[test]
fn symlink_loop_and_folder_named_like_a_page() {
    use std::os::unix::fs::symlink;
    let scratch = Scratch::new("links");
    let docs = scratch.path().join("docs");
    scratch.write(
        "docs/resources/real.md",
        resource_page("real", &[("id", "String")]),
    );
    // A link back up the tree, a link to itself, a dangling link, and two names for one page.
    symlink(&docs, docs.join("resources/loop")).expect("symlink");
    symlink(
        docs.join("resources/self.md"),
        docs.join("resources/self.md"),
    )
    .expect("symlink");
    symlink(docs.join("nowhere.md"), docs.join("resources/dangling.md")).expect("symlink");
    symlink(
        docs.join("resources/real.md"),
        docs.join("resources/alias.md"),
    )
    .expect("symlink");
    // A folder named like a page, with a page inside; and a named pipe that reading would block on.
    scratch.write(
        "docs/resources/x.md/inner.md",
        resource_page("inner", &[("id", "String")]),
    );
    let fifo = docs.join("resources/fifo.md");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo works");

    let outcome = run(&[&docs]);
    let paths: Vec<&str> = outcome
        .generation
        .pages
        .iter()
        .map(|p| p.path.as_str())
        .collect();
    assert!(paths.contains(&"docs/resources/real.md"), "{paths:?}");
    assert!(paths.contains(&"docs/resources/x.md/inner.md"), "{paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with("x.md") || p.ends_with("fifo.md")),
        "{paths:?}"
    );
    let io: Vec<&Diagnostic> = outcome
        .check
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Io)
        .collect();
    assert!(
        io.iter().any(|d| d.message.contains("loop")),
        "{}",
        outcome.all_diagnostics()
    );
    assert!(
        io.iter().all(|d| d.file.starts_with("docs")),
        "{}",
        outcome.all_diagnostics()
    );
}

// ---- Everything at once, compiled ----

/// Pages made at test time for the crate test: the binary and encoding cases, and moderate
/// versions of the big ones (the crate must still compile in reasonable time).
fn generated_pages(scratch: &Scratch) {
    scratch.write("resources/garbage.md", garbage(16 * 1024, 7));
    let mut mangled =
        resource_page("mangled", &[("before", "String"), ("after", "Int32")]).into_bytes();
    mangled.extend_from_slice(b"\n|\xff\xfe|\xc3|\n");
    scratch.write("resources/mangled.md", mangled);
    let crlf = resource_page("lineEndings", &[("id", "String")]).replace('\n', "\r\n");
    scratch.write("resources/line-endings.md", format!("\u{feff}{crlf}"));
    let deep = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    scratch.write(
        "api/deep.md",
        format!("# Deep\n\n<!-- {deep} -->\n```json\n{deep}\n```\n"),
    );
    let (big, _) = big_resource_page(100_000);
    scratch.write("resources/big.md", big);
    let path: String = (0..2_000).map(|i| format!("/s{i}")).collect();
    scratch.write(
        "api/long.md",
        format!("---\ntitle: \"Get long\"\nms.prod: hostile\n---\n# Get long\n\n## HTTP request\n\n```http\nGET {path}/{{id}}\n```\n"),
    );
}

/// Every file under `root` with its length and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable folder").flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                stack.push(path);
            } else {
                files.insert(path, (meta.len(), meta.modified().ok()));
            }
        }
    }
    files
}

/// An integration test for the generated crate: the type whose properties are named after
/// keywords, colliding names and non-ASCII text reads and writes every one of them under its
/// wire name.
fn wire_names_test(outcome: &Outcome) -> String {
    let (module, file) = outcome
        .generation
        .files
        .iter()
        .find(|(_, f)| f.contains("pub x_ms_dashed:"))
        .expect("the keywords type is generated");
    let module = module.trim_end_matches(".rs");
    let source = struct_with_field(outcome, "pub x_ms_dashed:");
    let name = source["pub struct ".len()..]
        .split_whitespace()
        .next()
        .expect("struct name");
    assert!(file.contains(source));
    format!(
        r##"//! Written by graphdoc's hostile test: wire names survive a round trip.

#[test]
fn wire_names_round_trip() {{
    let json = serde_json::json!({{
        "type": "t", "self": "s", "Self": "S", "crate": "c", "fn": "f", "gen": "g",
        "Option": "o", "value": "v", "Value": 1, "VALUE": true, "名前": "n", "名字": "m",
        "odataType": "o", "@odata.type": "#microsoft.graph.type", "x-ms-dashed": "d",
        "additionalProperties": "a", "additional_properties": "b", "_leading": "l",
        "field": "f", "undocumented": [1, 2]
    }});
    let value: hostile::{module}::{name} = serde_json::from_value(json.clone()).expect("reads");
    assert_eq!(value.r#type.as_deref(), Some("t"));
    assert_eq!(value.r#fn.as_deref(), Some("f"));
    assert_eq!(value.self_.as_deref(), Some("s"));
    assert_eq!(value.value.as_deref(), Some("v"));
    assert_eq!(
        value.additional_properties.keys().collect::<Vec<_>>(),
        ["undocumented"],
        "every documented name is read into its own field"
    );
    assert_eq!(serde_json::to_value(&value).expect("writes"), json);
}}
"##
    )
}

/// The crate generated from every hostile page at once compiles, clippy has nothing to say
/// (about the library, the example tests and the doc tests), its tests pass, and nothing is
/// written outside the output folder.
#[test]
fn hostile_crate_passes_clippy_and_doc_tests() {
    let scratch = Scratch::new("crate-pages");
    generated_pages(&scratch);
    let before = (snapshot(&fixtures()), snapshot(scratch.path()));
    let outcome = run(&[&fixtures(), scratch.path()]);
    assert!(
        outcome.generation.counts.types_from_pages > 50,
        "{:?}",
        outcome.generation.counts
    );

    let out = std::env::temp_dir().join(format!("graphdoc-hostile-crate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        graphdoc::emit::manifest::cargo_toml("hostile", &outcome.generation.features),
    );
    for (path, contents) in &outcome.generation.files {
        files.insert(format!("src/{path}"), contents.clone());
    }
    graphdoc::write::write_files(&out, &files).expect("writable scratch dir");
    let written: Vec<PathBuf> = snapshot(&out).into_keys().collect();
    let mut expected: Vec<PathBuf> = files
        .keys()
        .map(String::as_str)
        .chain([graphdoc::write::MANIFEST])
        .map(|p| out.join(p))
        .collect();
    expected.sort();
    assert_eq!(
        written, expected,
        "exactly the generated files, all inside the output folder"
    );
    let after = (snapshot(&fixtures()), snapshot(scratch.path()));
    assert!(before == after, "generation wrote into a docs folder");

    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, out.join("Cargo.lock")).expect("lock file copied");
    let cargo = |args: &[&str]| {
        let output = common::cargo_in(&out)
            .args(args)
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), stderr)
    };
    // Built by clippy's driver (see `cargo_in`): every target, linted as it compiles.
    let (clippy_ok, clippy) = cargo(&[
        "test",
        "--no-run",
        common::GENERATED_CRATE_FEATURES,
        "--quiet",
        "--message-format=short",
    ]);
    let problems = common::problems(&clippy);
    // `cargo test` runs the doc tests (no page text may have become one that fails), the
    // example tests the emitter writes, and a test of wire names written here.
    let (test_ok, test) = if clippy_ok {
        std::fs::create_dir_all(out.join("tests")).expect("tests folder");
        std::fs::write(out.join("tests/wire_names.rs"), wire_names_test(&outcome))
            .expect("test written");
        cargo(&["test", common::GENERATED_CRATE_FEATURES, "--quiet"])
    } else {
        (false, String::from("not run: clippy failed"))
    };
    // Each area's feature alone compiles without warnings, whatever the names.
    let alone: Vec<String> = if clippy_ok {
        let features = &outcome.generation.features;
        assert!(
            features.len() >= 2,
            "the fixtures span several areas: {features:?}"
        );
        features
            .iter()
            .filter_map(|feature| {
                let args = ["check", "--lib", "--quiet", "--message-format=short"];
                let (ok, stderr) = cargo(&[&args[..], &["--features", feature]].concat());
                (!ok || !stderr.trim().is_empty()).then(|| format!("`{feature}` alone: {stderr}"))
            })
            .collect()
    } else {
        Vec::new()
    };
    let kept = std::env::var_os("GRAPHDOC_KEEP_CRATE").is_some();
    if !kept {
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(
        clippy_ok && problems.is_empty(),
        "clippy on {} failed:\n{}",
        out.display(),
        if problems.is_empty() {
            clippy.as_str().to_owned()
        } else {
            problems.join("\n")
        }
    );
    assert!(test_ok, "tests failed:\n{test}");
    assert!(alone.is_empty(), "{}", alone.join("\n"));
}

// ---- Nothing lost ----

/// Each way a row can fail to become its own item is counted under its fate: a repeated row
/// is merged, a row that names nothing or sits in a table about something else is dropped
/// with the code of the diagnostic that says so.
#[test]
fn every_row_has_a_counted_fate() {
    use graphdoc::model::account::ItemKind;
    let scratch = Scratch::new("account");
    scratch.write(
        "resources/ledger.md",
        "---\ntitle: \"ledger resource type\"\ndoc_type: resourcePageType\nms.prod: hostile\n---\n\n\
         # ledger resource type\n\nNamespace: microsoft.graph\n\nA type.\n\n\
         ## Properties\n\n|Property|Type|Description|\n|:---|:---|:---|\n\
         |id|String|The id.|\n|size|Int32|The size.|\n|size|Int64|Listed again.|\n\
         |1st|String|Not a name.|\n| |String|A row without a name.|\n\n\
         ## Relationships\n\n|Relationship|Type|Description|\n|:---|:---|:---|\n\
         |size|Int32|Also a property.|\n|owner|[ledger](ledger.md)|The owner.|\n\n\
         ## Properties of a ledger definition\n\n|Property|Type|Description|\n|:---|:---|:---|\n\
         |inner|String|Inside a JSON string.|\n\n\
         ## ledger values\n\n|Member|Description|\n|:---|:---|\n|a|A.|\n\n\
         ## ledgerKind values\n\n|Member|Description|\n|:---|:---|\n\
         |one|One.|\n|one|One again.|\n|two|Two.|\n\n\
         ## JSON representation\n\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.ledger\" } -->\n\
         ```json\n{ \"id\": \"string\" }\n```\n",
    );
    let outcome = run(&[scratch.path()]);
    let account = &outcome.generation.account;
    let tally = |kind| {
        let t = account.tally(kind);
        let dropped: Vec<(&str, usize)> = t.dropped.iter().map(|(c, n)| (*c, *n)).collect();
        (t.read, t.emitted, t.merged, dropped)
    };
    assert_eq!(
        tally(ItemKind::Property),
        (6, 2, 1, vec![("dropped", 1), ("table-shape", 2)]),
        "{}",
        outcome.all_diagnostics()
    );
    assert_eq!(tally(ItemKind::Relationship), (2, 1, 1, vec![]));
    assert_eq!(
        tally(ItemKind::EnumMember),
        (4, 2, 1, vec![("conflict", 1)])
    );
    assert_eq!(tally(ItemKind::Operation), (0, 0, 0, vec![]));
    for code in [Code::Dropped, Code::TableShape, Code::Conflict] {
        assert!(
            outcome
                .codes_for("ledger.md")
                .iter()
                .any(|(found, _)| *found == code),
            "no {code:?} diagnostic: {}",
            outcome.all_diagnostics()
        );
    }
}

//! The `graphdoc` binary as a user runs it: exit status 0 (clean) or 1 (the pages have errors),
//! every error printed with its page and line, nothing on standard error, and the crate written
//! to `--out` exactly as the library generates it. Status 2 is for runs that stop (see
//! `compare.rs` for one).

mod common;
mod scratch;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::corpus;
use scratch::Scratch;

fn graphdoc(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_graphdoc"))
        .args(args)
        .output()
        .expect("graphdoc runs")
}

/// `graphdoc generate DOCS --out OUT`.
fn generate_crate(docs: &Path, out: &Path) -> Output {
    graphdoc(&[
        "generate".as_ref(),
        docs.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

fn hostile_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// Every file under `root`, by its path relative to `root` with `/` separators.
fn files_under(root: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|entry| entry.expect("output folder readable"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(entry.path()).expect("generated file is UTF-8");
            (relative, text)
        })
        .collect()
}

/// What `graphdoc generate` must write: `Cargo.toml` and the library's files under `src/`.
fn expected_crate(docs: &Path) -> BTreeMap<String, String> {
    let generation = graphdoc::Config::new()
        .with_docs(docs)
        .generate()
        .expect("generate runs");
    let mut files: BTreeMap<String, String> = generation
        .files
        .into_iter()
        .map(|(path, text)| (format!("src/{path}"), text))
        .collect();
    files.insert(
        "Cargo.toml".to_owned(),
        graphdoc::emit::manifest::cargo_toml("msgraph", &generation.features),
    );
    files
}

/// The number of `error[code]` headings in a human report, and that each is followed by a
/// `--> page:line:column` line.
fn errors_with_locations(report: &str) -> usize {
    let lines: Vec<&str> = report.lines().collect();
    let mut errors = 0;
    for (index, line) in lines.iter().enumerate() {
        if !line.starts_with("error[") {
            continue;
        }
        errors += 1;
        let location = lines
            .get(index + 1)
            .and_then(|next| next.trim_start().strip_prefix("--> "))
            .unwrap_or_else(|| panic!("`{line}` is not followed by a location"));
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next().and_then(|c| c.parse::<u32>().ok());
        let line_number = parts.next().and_then(|l| l.parse::<u32>().ok());
        let page = parts.next().unwrap_or_default();
        assert!(
            column.is_some_and(|c| c > 0) && line_number.is_some_and(|l| l > 0),
            "`{location}` is not page:line:column"
        );
        assert!(page.ends_with(".md"), "`{location}` names no page");
    }
    errors
}

/// The count of errors in the closing summary line (`N errors, M warnings, K notes`).
fn summary_errors(report: &str) -> usize {
    report
        .lines()
        .rev()
        .find_map(|line| line.split_once(" errors, ").map(|(n, _)| n))
        .and_then(|n| n.parse().ok())
        .expect("a summary line")
}

#[test]
fn hostile_fixtures_exit_1_with_every_error_located_and_the_crate_written() {
    let fixtures = hostile_fixtures();
    let check = graphdoc(&["check".as_ref(), fixtures.as_os_str()]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    assert!(check.stderr.is_empty(), "{check:?}");
    let errors = errors_with_locations(&report);
    assert!(errors > 0);
    assert_eq!(errors, summary_errors(&report));

    let scratch = Scratch::new("hostile");
    let out = scratch.path().join("crate");
    let generate = generate_crate(&fixtures, &out);
    let report = String::from_utf8_lossy(&generate.stdout);
    assert_eq!(generate.status.code(), Some(1), "{generate:?}");
    assert!(generate.stderr.is_empty(), "{generate:?}");
    // Without --verbose only errors are printed, and every one of them.
    assert!(!report.contains("warning["), "{report}");
    assert_eq!(errors_with_locations(&report), summary_errors(&report));
    assert!(summary_errors(&report) > 0);
    assert_eq!(files_under(&out), expected_crate(&fixtures));
}

#[test]
fn the_repository_docs_exit_0() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let scratch = Scratch::new("docs");
    let out = scratch.path().join("crate");
    let check = graphdoc(&["check".as_ref(), docs.as_os_str()]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let generate = generate_crate(&docs, &out);
    assert_eq!(generate.status.code(), Some(0), "{generate:?}");
    assert_eq!(files_under(&out), expected_crate(&docs));
}

/// `graphdoc check docs | head`: the reader leaves early. The rest of the report is dropped,
/// nothing panics, and the status is still the run's.
#[test]
fn a_reader_that_leaves_early_ends_the_report_quietly() {
    let scratch = Scratch::new("pipe");
    // Thousands of errors: far more report than a pipe buffers, so the writer meets the closed
    // pipe for certain.
    let mut page = String::from("# many bad requests\n\n");
    for n in 0..3000 {
        page.push_str(&format!(
            "<!-- {{ \"blockType\": \"request\", \"name\": \"bad_{n}\" }} -->\n```http\nFETCH https://graph.microsoft.com/v1.0/things/{n}\n```\n\n"
        ));
    }
    scratch.write("api/bad.md", page);

    let mut child = Command::new(env!("CARGO_BIN_EXE_graphdoc"))
        .arg("check")
        .arg(scratch.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("graphdoc starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut first = [0; 256];
    stdout.read_exact(&mut first).expect("the report begins");
    assert!(first.starts_with(b"error["));
    drop(stdout);
    let output = child.wait_with_output().expect("graphdoc ends");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[test]
fn the_corpus_exits_0_or_1_and_is_written_whole() {
    let Some(corpus) = corpus() else { return };
    let check = graphdoc(&["check".as_ref(), corpus.as_os_str()]);
    assert!(matches!(check.status.code(), Some(0 | 1)), "{check:?}");
    assert!(check.stderr.is_empty(), "{check:?}");

    let scratch = Scratch::new("corpus");
    let out = scratch.path().join("crate");
    let generate = generate_crate(&corpus, &out);
    assert!(
        matches!(generate.status.code(), Some(0 | 1)),
        "{generate:?}"
    );
    assert!(generate.stderr.is_empty(), "{generate:?}");
    let report = String::from_utf8_lossy(&generate.stdout);
    assert_eq!(errors_with_locations(&report), summary_errors(&report));
    let written = files_under(&out);
    assert!(written.contains_key("Cargo.toml") && written.contains_key("src/lib.rs"));
    assert_eq!(written, expected_crate(&corpus));
}

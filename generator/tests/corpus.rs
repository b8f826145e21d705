//! End to end over the real v1.0 reference (`../shared/corpus/graph-v1.0`, beside the
//! repository). Skipped, with a message, when the corpus is absent.

use std::path::Path;
use std::process::Command;

mod common;
use common::corpus;

use graphdoc::page::{BlockType, TableKind};

/// The expected figures were counted with grep/Python over the pages, not with this parser:
/// `.md` files; `"blockType": "request"` (etc.) annotations; tables (a `|` header line followed
/// by a `|-|` delimiter line, outside fences) whose header starts with `Property` / `Property
/// name` and has a `Type` column; tables headed `Relationship`.
#[test]
fn every_corpus_page_parses_with_the_counts_grep_finds() {
    let Some(corpus) = corpus() else { return };
    let report = graphdoc::Config::new()
        .with_docs(&corpus)
        .check()
        .expect("corpus is readable");
    assert_eq!(report.counts.pages, 3341);

    let annotations_of = |block_type: BlockType| {
        report
            .pages
            .iter()
            .flat_map(|p| &p.annotations)
            .filter(|a| a.block_type.as_ref() == Some(&block_type))
            .count()
    };
    assert_eq!(annotations_of(BlockType::Request), 1474);
    assert_eq!(annotations_of(BlockType::Response), 1606);
    assert_eq!(annotations_of(BlockType::Resource), 1024);
    // Two response annotations stand before requests (documentation errors, reported).
    assert_eq!(report.counts.request_blocks, 1474);
    assert_eq!(report.counts.response_blocks, 1604);
    assert_eq!(report.counts.resource_blocks, 1024);

    let property_tables = report
        .pages
        .iter()
        .flat_map(|p| &p.tables)
        .filter(|t| t.kind == TableKind::Properties)
        .filter(|t| {
            let first = t
                .header
                .first()
                .map(|c| c.text.trim().to_ascii_lowercase())
                .unwrap_or_default();
            first == "property" || first == "property name"
        })
        .count();
    assert_eq!(property_tables, 1443);
    assert_eq!(report.counts.tables.get("relationships"), Some(&257));

    // No page is lost to an error: every diagnostic names a real file and line.
    for diagnostic in &report.diagnostics {
        assert!(
            diagnostic.location.line >= 1 || diagnostic.code == graphdoc::diagnostics::Code::Io,
            "{diagnostic}"
        );
    }
}

/// The crate generated from the whole corpus compiles, clippy has nothing to say (about the
/// library or the tests generated from the examples), and the example tests pass.
#[test]
fn corpus_crate_passes_clippy_and_its_example_tests() {
    let Some(corpus) = corpus() else { return };
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    // Outside the workspace, or cargo would take the crate for an unlisted member.
    let out = std::env::temp_dir().join(format!("graphdoc-corpus-crate-{}", std::process::id()));
    let generation = graphdoc::Config::new()
        .with_docs(&corpus)
        .generate()
        .expect("generation runs");
    let structs = generation
        .files
        .values()
        .map(|f| f.matches("\npub struct ").count())
        .sum::<usize>();
    assert!(structs > 900, "only {structs} structs");

    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        graphdoc::emit::manifest::cargo_toml("msgraph-v1"),
    );
    for (path, contents) in &generation.files {
        files.insert(format!("src/{path}"), contents.clone());
    }
    graphdoc::write::write_files(&out, &files).expect("writable scratch dir");
    // The workspace's lock file pins the same dependency versions the workspace builds with.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, out.join("Cargo.lock")).expect("lock file copied");

    let cargo = |args: &[&str]| {
        Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", scratch.join("corpus-target"))
            .output()
            .expect("cargo runs")
    };
    let clippy = cargo(&[
        "clippy",
        "--all-targets",
        "--quiet",
        "--message-format=short",
    ]);
    let stderr = String::from_utf8_lossy(&clippy.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("warning") || l.contains("error"))
        .collect();
    assert!(
        clippy.status.success() && problems.is_empty(),
        "{}",
        problems.join("\n")
    );

    let tests = cargo(&["test", "--lib", "--quiet"]);
    let stdout = String::from_utf8_lossy(&tests.stdout);
    let _ = std::fs::remove_dir_all(&out);
    assert!(tests.status.success(), "example tests failed:\n{stdout}");
    assert!(
        generation.counts.examples.response_bodies.fitting > 1000,
        "{:?}",
        generation.counts.examples
    );
}

/// The whole corpus, one thread against several, and the pages in another order: the same
/// bytes.
#[test]
fn corpus_output_is_identical_whatever_the_thread_count_and_page_order() {
    let Some(corpus) = corpus() else { return };
    let one = graphdoc::Config::new()
        .with_docs(&corpus)
        .with_threads(1)
        .generate()
        .expect("generation runs");
    let many = graphdoc::Config::new()
        .with_docs(&corpus)
        .with_threads(4)
        .generate()
        .expect("generation runs");
    assert_eq!(one.files, many.files);
    assert_eq!(one.diagnostics, many.diagnostics);

    // The same pages given as two folders, in the opposite order.
    let api = corpus.join("api");
    let resources = corpus.join("resources");
    let forward = graphdoc::Config::new()
        .with_docs(&api)
        .with_docs(&resources)
        .generate()
        .expect("runs");
    let backward = graphdoc::Config::new()
        .with_docs(&resources)
        .with_docs(&api)
        .generate()
        .expect("runs");
    assert_eq!(forward.files, backward.files);
}

//! The project's own pages in `docs/`: they check clean, and `generated/` is what they generate.

use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

#[test]
fn docs_check_reports_no_errors() {
    let report = graphdoc::Config::new()
        .with_docs(docs())
        .check()
        .expect("docs exist");
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == graphdoc::diagnostics::Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(report.counts.pages >= 12);
}

/// `generated/` is committed; it must be exactly what the pages generate.
#[test]
fn committed_generated_sources_are_fresh() {
    let generation = graphdoc::Config::new()
        .with_docs(docs())
        .generate()
        .expect("docs exist");
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    for (path, contents) in &generation.files {
        let committed = std::fs::read_to_string(generated.join(path)).unwrap_or_default();
        assert!(
            committed == *contents,
            "generated/{path} is stale: run `cargo build` and commit it"
        );
    }
    let committed_files = walkdir::WalkDir::new(&generated)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| entry.file_name() != graphdoc::write::MANIFEST)
        .count();
    assert_eq!(
        committed_files,
        generation.files.len(),
        "generated/ holds files the pages no longer produce"
    );
    let manifest = std::fs::read_to_string(generated.join(graphdoc::write::MANIFEST))
        .expect("generated/ has its manifest");
    let listed: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
    let produced: Vec<&str> = generation.files.keys().map(String::as_str).collect();
    assert_eq!(
        listed, produced,
        "the manifest lists what the pages produce"
    );
}

/// The root manifest is written by hand around the generated crate: its `[features]` table
/// must be the one the pages generate, one feature per area, and it must list every dependency
/// the generated code uses, optional where the generated crate's is (its versions are pinned
/// finer).
#[test]
fn root_manifest_carries_the_generated_features() {
    let generation = graphdoc::Config::new()
        .with_docs(docs())
        .generate()
        .expect("docs exist");
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
            .expect("root Cargo.toml");
    let expected = graphdoc::emit::manifest::features_table(&generation.features);
    let found = graphdoc::emit::manifest::features_table_in(&manifest).unwrap_or_default();
    assert_eq!(
        found.trim_end(),
        expected.trim_end(),
        "the root Cargo.toml's [features] table is stale; it must read:\n{expected}"
    );
    let dependencies = manifest
        .split("\n[dependencies]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    for (name, requirement) in graphdoc::emit::manifest::DEPENDENCIES {
        let line = dependencies
            .lines()
            .find(|line| line.starts_with(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("the root Cargo.toml does not depend on {name}"));
        assert_eq!(
            line.contains("optional = true"),
            requirement.contains("optional = true"),
            "{line}"
        );
    }
}

/// Same pages, any thread count: byte-identical output.
#[test]
fn output_does_not_depend_on_thread_count() {
    let one = graphdoc::Config::new()
        .with_docs(docs())
        .with_threads(1)
        .generate()
        .expect("docs exist");
    let four = graphdoc::Config::new()
        .with_docs(docs())
        .with_threads(4)
        .generate()
        .expect("docs exist");
    assert_eq!(one.files, four.files);
    assert_eq!(one.diagnostics, four.diagnostics);
}

/// The seeds alone define these types; the examples are their only source for five of them.
#[test]
fn seed_types_are_in_the_model() {
    let generation = graphdoc::Config::new()
        .with_docs(docs())
        .generate()
        .expect("docs exist");
    let models = &generation.files["models.rs"];
    for name in [
        "SharedInsight",
        "UsedInsight",
        "SharingDetail",
        "InsightIdentity",
        "ResourceVisualization",
        "ResourceReference",
        "UsageDetails",
    ] {
        assert!(
            models.contains(&format!("pub struct {name} {{")),
            "{name} missing"
        );
    }
}

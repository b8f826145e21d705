//! `graphdoc compare` over the real v1.0 reference and its CSDL (`../shared/corpus/graph-v1.0`,
//! beside the repository). Skipped, with a message, when the corpus is absent.
//!
//! This checks that the comparison runs and that its figures are sane, not that they reach the
//! project's targets: those are tracked in FIDELITY.md.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::corpus;

use graphdoc::compare::{compare, Share};

fn csdl_of(corpus: &Path) -> PathBuf {
    corpus.join("metadata/v1.0_metadata.xml")
}

fn assert_sane(what: &str, share: Share) {
    assert!(share.present <= share.total, "{what}: {share:?}");
    assert!((0.0..=1.0).contains(&share.ratio), "{what}: {share:?}");
}

#[test]
fn the_corpus_model_compares_with_its_csdl() {
    let Some(corpus) = corpus() else { return };
    let csdl = std::fs::read_to_string(csdl_of(&corpus)).expect("the corpus has its CSDL");
    let (model, _) = graphdoc::Config::new()
        .with_docs(&corpus)
        .model()
        .expect("corpus is readable");
    let report = compare(&model, &csdl).expect("the CSDL is well-formed");

    let headline = [
        ("types", report.types),
        ("properties", report.properties),
        (
            "properties of present types",
            report.properties_of_present_types,
        ),
        ("property types", report.property_types),
        ("enums", report.enums),
        ("enum members", report.enum_members),
        (
            "enum members of present enums",
            report.enum_members_of_present_enums,
        ),
    ];
    for (what, share) in headline {
        assert_sane(what, share);
        assert!(share.ratio > 0.5, "{what} is implausibly low: {share:?}");
    }
    // The v1.0 CSDL declares about a thousand entity and complex types and three hundred enums.
    assert!(report.types.total > 900, "{:?}", report.types);
    assert!(report.enums.total > 300, "{:?}", report.enums);
    assert!(report.properties.total > report.types.total);
    // Property types are judged on present properties only.
    assert_eq!(report.property_types.total, report.properties.present);
    assert_eq!(
        report
            .namespaces
            .iter()
            .map(|n| n.types.total)
            .sum::<usize>(),
        report.types.total
    );
    for namespace in &report.namespaces {
        assert_sane(&namespace.namespace, namespace.properties);
    }
    assert_eq!(report.type_coverage.len(), report.types.total);
    assert!(report
        .type_coverage
        .windows(2)
        .all(|w| w[0].properties.ratio <= w[1].properties.ratio));
    // The generator's synthetic body types are never extras.
    assert!(report
        .extras
        .types
        .iter()
        .all(|t| !t.name.starts_with("graphdoc.bodies")));
}

#[test]
fn the_cli_reports_in_json_and_exits_0() {
    let Some(corpus) = corpus() else { return };
    let output = Command::new(env!("CARGO_BIN_EXE_graphdoc"))
        .arg("compare")
        .arg("--csdl")
        .arg(csdl_of(&corpus))
        .arg(&corpus)
        .args(["--format", "json"])
        .output()
        .expect("graphdoc runs");
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON object on stdout");
    let ratio = json["types"]["ratio"].as_f64().expect("a types ratio");
    assert!((0.5..=1.0).contains(&ratio), "{ratio}");
}

/// Needs no corpus: the repository's own pages will do.
#[test]
fn the_cli_fails_with_status_2_on_a_missing_csdl() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let output = Command::new(env!("CARGO_BIN_EXE_graphdoc"))
        .args(["compare", "--csdl", "/nonexistent/metadata.xml"])
        .arg(&docs)
        .output()
        .expect("graphdoc runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read"));
}

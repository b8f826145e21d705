//! End to end over the real v1.0 reference (`../shared/corpus/graph-v1.0`, beside the
//! repository). Skipped, with a message, when the corpus is absent.

use std::path::Path;

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
    let config = graphdoc::Config::new().with_docs(&corpus);
    let report = config.check().expect("corpus is readable");
    assert_eq!(report.counts.pages, 3341);
    // `check` counts page by page as it goes; the parsed pages say the same.
    let pages = config.parse().expect("corpus is readable").pages;
    assert_eq!(report.counts, graphdoc::PageCounts::of(&pages));

    let annotations_of = |block_type: BlockType| {
        pages
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

    let property_tables = pages
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

/// The crate generated from the whole corpus compiles without warnings, clippy has nothing to
/// say (about the library or the tests generated from the examples), and the example tests
/// pass, more than a thousand of them replayed over loopback HTTP with the client. (Each area's
/// feature alone is checked by `.ci/slices`, with a consumer program per common task.)
#[test]
fn corpus_crate_passes_clippy_and_its_example_tests() {
    let Some(corpus) = corpus() else { return };
    // Outside the workspace, or cargo would take the crate for an unlisted member.
    let out = std::env::temp_dir().join(format!("graphdoc-corpus-crate-{}", std::process::id()));
    let generation = corpus_generation(&corpus);
    let structs = generation
        .files
        .values()
        .map(|f| f.matches("\npub struct ").count())
        .sum::<usize>();
    assert!(structs > 900, "only {structs} structs");

    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        graphdoc::emit::manifest::cargo_toml("msgraph-v1", &generation.features),
    );
    for (path, contents) in &generation.files {
        files.insert(format!("src/{path}"), contents.clone());
    }
    // The surface tests join the library's own unit tests: an integration test would need the
    // library built a second time, without `cfg(test)`.
    files.insert(
        "src/surface.rs".to_owned(),
        include_str!("corpus/surface.rs").to_owned(),
    );
    if let Some(lib) = files.get_mut("src/lib.rs") {
        lib.push_str("\n#[cfg(test)]\nmod surface;\n");
    }
    graphdoc::write::write_files(&out, &files).expect("writable scratch dir");
    // The workspace's lock file pins the same dependency versions the workspace builds with.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, out.join("Cargo.lock")).expect("lock file copied");

    let cargo = |args: &[&str]| {
        common::cargo_in(&out)
            .args(args)
            .output()
            .expect("cargo runs")
    };
    // Built by clippy's driver: the library with the example and surface tests, linted as it
    // compiles. (No page text becomes a doc test: the hostile tests check the fences.)
    let build = cargo(&[
        "test",
        "--lib",
        "--no-run",
        common::GENERATED_CRATE_FEATURES,
        "--quiet",
        "--message-format=short",
    ]);
    assert_quiet("the test build", &build);

    let tests = cargo(&["test", "--lib", common::GENERATED_CRATE_FEATURES]);
    let stdout = String::from_utf8_lossy(&tests.stdout);
    assert!(
        tests.status.success(),
        "example or surface tests failed:\n{stdout}"
    );
    let replayed = stdout
        .lines()
        .filter(|line| {
            line.starts_with("test ") && line.contains("replay") && line.ends_with(" ok")
        })
        .count();
    assert!(replayed >= 1000, "only {replayed} replay tests passed");
    assert!(replayed > generation.counts.examples.replayed, "{replayed}");

    let _ = std::fs::remove_dir_all(&out);
    assert!(
        generation.counts.examples.response_bodies.fitting > 1000,
        "{:?}",
        generation.counts.examples
    );
}

/// Every example with a testable request is replayed over HTTP but a few, each listed with its
/// reason: media both ways, bodies whose values alone have the wrong form (tested with values of
/// their types), accepted answers shown without a body. Fewer than 20 are left for a body reason.
#[test]
fn few_examples_are_left_unreplayed_for_their_bodies() {
    let Some(corpus) = corpus() else { return };
    let examples = &corpus_generation(&corpus).counts.examples;
    let for_their_bodies: usize = examples
        .not_replayed
        .iter()
        .filter(|(reason, _)| **reason != "no documented response")
        .map(|(_, count)| count)
        .sum();
    assert!(for_their_bodies < 20, "{examples:?}");
    assert!(examples.replayed > 1300, "{examples:?}");
    let repaired = examples.request_bodies.repaired + examples.response_bodies.repaired;
    assert!(repaired > 50, "{examples:?}");
}

/// Every feature is a complete slice: in the v1.0 crate no field whose property is structural
/// (from a Properties table) carries a `cfg` beyond its struct's own; only navigation
/// properties (from a Relationships table) whose type another area brings do.
#[test]
fn only_navigation_properties_wait_for_another_feature() {
    let Some(corpus) = corpus() else { return };
    let model = corpus_model(&corpus);
    let generation = corpus_generation(&corpus);
    let models = generation.files.get("models.rs").expect("models.rs");
    // Struct name → Graph type key, from the rustdoc line each struct carries.
    let mut keys = std::collections::BTreeMap::new();
    let mut graph_type = None;
    for line in models.lines() {
        if let Some(rest) = line.strip_prefix("/// Graph type `") {
            graph_type = rest.split('`').next().map(str::to_ascii_lowercase);
        } else if let Some(rest) = line.strip_prefix("pub struct ") {
            let name = rest.split([' ', '{']).next().unwrap_or_default();
            if let Some(key) = graph_type.take() {
                keys.insert(name.to_owned(), key);
            }
        }
    }
    // The wire names read under a `cfg` of their own, in each struct's `Object` impl.
    let (mut gated, mut navigation_gated) = (0, 0);
    let mut current: Option<&str> = None;
    let mut lines = models.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("impl crate::runtime::support::Object for ") {
            current = rest.split(' ').next();
            continue;
        }
        let Some(next) = lines.peek() else { break };
        if !(line.trim_start().starts_with("#[cfg(") && next.trim_start().starts_with('"')) {
            continue;
        }
        gated += 1;
        let wire = next.trim_start().trim_start_matches('"');
        let wire = wire.split('"').next().unwrap_or_default();
        let struct_name = current.expect("inside an Object impl");
        let key = graphdoc::model::TypeKey(keys[struct_name].clone());
        let property = model
            .all_properties(&key)
            .into_iter()
            .find(|p| p.name == wire)
            .unwrap_or_else(|| panic!("{struct_name}.{wire} is no property of {key}"));
        assert!(
            property.navigation,
            "{struct_name}.{wire} is structural ({}:{}) but needs another feature: {line}",
            property.source.page, property.source.line
        );
        navigation_gated += 1;
    }
    assert!(
        gated > 50 && gated == navigation_gated,
        "{gated} gated fields"
    );
    // What a mail user sees with `outlook` alone.
    let message = models
        .split("\npub struct Message {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .expect("the Message struct");
    for field in [
        "pub body:",
        "pub importance:",
        "pub to_recipients:",
        "pub from:",
    ] {
        let at = message.find(field).unwrap_or_else(|| panic!("{field}"));
        let before = message[..at].trim_end().lines().last().unwrap_or_default();
        assert!(!before.contains("#[cfg("), "Message {field} is gated");
    }
}

/// The corpus generated once for the tests of this file, with the default settings: each
/// generation of it in a debug build costs a core about ten seconds.
fn corpus_generation(corpus: &Path) -> &'static graphdoc::Generation {
    static GENERATION: std::sync::OnceLock<graphdoc::Generation> = std::sync::OnceLock::new();
    GENERATION.get_or_init(|| {
        graphdoc::Config::new()
            .with_docs(corpus)
            .generate()
            .expect("generation runs")
    })
}

/// The corpus's API model, made once for the tests of this file.
fn corpus_model(corpus: &Path) -> &'static graphdoc::model::ApiModel {
    static MODEL: std::sync::OnceLock<graphdoc::model::ApiModel> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        graphdoc::Config::new()
            .with_docs(corpus)
            .model()
            .expect("the model")
            .0
    })
}

/// Asserts that a cargo command succeeded without a warning (rustc's or clippy's) or an error.
fn assert_quiet(what: &str, output: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems = common::problems(&stderr);
    let shown = if problems.is_empty() {
        stderr.to_string()
    } else {
        problems.join("\n")
    };
    assert!(
        output.status.success() && problems.is_empty(),
        "{what}: {shown}"
    );
}

/// The navigation surface of the v1.0 crate: no public name with a numeric suffix (a
/// collision that found no words to tell its sides apart), and every documented path of every
/// operation reached through the tree, at a node whose path is the documented one.
#[test]
fn every_documented_path_is_a_node_of_the_tree() {
    use graphdoc::model::paths::Shape;
    let Some(corpus) = corpus() else { return };
    let generation = corpus_generation(&corpus);
    for (path, contents) in &generation.files {
        for line in contents.lines() {
            let Some(name) = line.trim_start().strip_prefix("pub fn ") else {
                continue;
            };
            let name = name.split(['(', '<']).next().unwrap_or_default();
            let suffix = name.rsplit('_').next().unwrap_or_default();
            assert!(
                !name.contains('_') || !suffix.chars().all(|c| c.is_ascii_digit()),
                "{path}: `{name}` carries a numeric suffix"
            );
        }
    }

    // Every feature is an area of the reference: the operations of pages that name no area
    // join the area of what they are about (`filter-apply` → `excel`).
    let unplaced: Vec<String> = generation
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("nothing places its operations"))
        .map(ToString::to_string)
        .collect();
    assert!(unplaced.is_empty(), "{unplaced:#?}");
    assert!(generation.features.contains("excel") && !generation.features.contains("filter"));
    // Generated type names keep the words of the wire names they come from.
    let models = &generation.files["models.rs"];
    assert!(models.contains("pub struct UserAssignLicenseBody"));
    assert!(!models.contains("Assignlicense"));

    let model = corpus_model(&corpus);
    let index = model.paths.endpoint_index();
    let normal = |template: &str| {
        let mut out = String::new();
        let mut in_param = false;
        for c in template.chars() {
            match c {
                '{' => {
                    in_param = true;
                    out.push_str("{}");
                }
                '}' => in_param = false,
                '<' if !in_param => {
                    in_param = true;
                    out.push_str("{}");
                }
                '>' if in_param => in_param = false,
                '\'' => {}
                c if !in_param => out.push(c.to_ascii_lowercase()),
                _ => {}
            }
        }
        // A closing parenthesis a page left out is the same segment (see `Step::sort_key`).
        out.split('/')
            .map(|segment| segment.trim_end_matches(')'))
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut reached = 0;
    for (o, operation) in model.operations.iter().enumerate() {
        for (p, path) in operation.paths.iter().enumerate() {
            let (node, at) = index.get(&(o, p)).unwrap_or_else(|| {
                panic!(
                    "{} {} is in no node",
                    operation.method,
                    path.template.to_template_string()
                )
            });
            let endpoint = &model.paths.nodes[*node].endpoints[*at];
            let mut template = graphdoc::emit::paths::template_of(&model.paths, *node);
            if let Shape::Call(step) = &endpoint.shape {
                template = format!(
                    "{}/{}",
                    template.trim_end_matches('/'),
                    step.template_text()
                );
            }
            assert_eq!(
                normal(&template),
                normal(&path.template.to_template_string()),
                "{} ({})",
                operation.title,
                operation.source.page
            );
            reached += 1;
        }
    }
    assert!(reached > 3000, "only {reached} paths");
}

/// Every property, relationship and enum-member row and every API page of the corpus is
/// emitted, merged into another definition of the same thing, or dropped with a diagnostic.
#[test]
fn corpus_loses_nothing_silently() {
    use graphdoc::model::account::ItemKind;
    let Some(corpus) = corpus() else { return };
    let generation = corpus_generation(&corpus);
    let account = &generation.account;
    assert!(account.balances(), "{account:#?}");
    for (kind, at_least) in [
        (ItemKind::Property, 6000),
        (ItemKind::Relationship, 800),
        (ItemKind::EnumMember, 2500),
        (ItemKind::Operation, 2000),
    ] {
        let tally = account.tally(kind);
        assert!(tally.read >= at_least, "{kind:?}: {tally:?}");
        assert_eq!(
            tally.read,
            tally.emitted + tally.merged + tally.dropped_total(),
            "{kind:?}"
        );
        // Every drop has a diagnostic of its code.
        for code in tally.dropped.keys() {
            assert!(
                generation
                    .diagnostics
                    .iter()
                    .any(|d| d.code.as_str() == *code),
                "{kind:?} dropped with `{code}` but no such diagnostic"
            );
        }
    }
}

/// The whole corpus as two folders, on one thread in one order and on one thread per core in
/// the other: the same bytes.
#[test]
fn corpus_output_is_identical_whatever_the_thread_count_and_page_order() {
    let Some(corpus) = corpus() else { return };
    let api = corpus.join("api");
    let resources = corpus.join("resources");
    // One thread, the folders in one order...
    let forward = graphdoc::Config::new()
        .with_docs(&api)
        .with_docs(&resources)
        .with_threads(1)
        .generate()
        .expect("runs");
    // ... one per core, the folders the other way round.
    let backward = graphdoc::Config::new()
        .with_docs(&resources)
        .with_docs(&api)
        .generate()
        .expect("runs");
    assert_eq!(forward.files, backward.files);
    assert_eq!(forward.diagnostics, backward.diagnostics);
}

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
    generate_crate_with(docs, out, &[])
}

/// `graphdoc generate DOCS --out OUT EXTRA...`.
fn generate_crate_with(docs: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate".as_ref(),
        docs.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    graphdoc(&args)
}

/// Copies every file under `from` into the scratch folder, under `under`.
fn copy_into(scratch: &Scratch, from: &Path, under: &str) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("folder readable");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(from).expect("under the folder");
            let bytes = std::fs::read(entry.path()).expect("file readable");
            scratch.write(&Path::new(under).join(relative).to_string_lossy(), bytes);
        }
    }
}

fn hostile_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// Every file under `root`, by its path relative to `root` with `/` separators.
fn files_under(root: &Path) -> BTreeMap<String, String> {
    all_files_under(root)
        .into_iter()
        .filter(|(path, _)| path != graphdoc::write::MANIFEST)
        .collect()
}

/// The files the output folder's manifest says graphdoc wrote.
fn manifest_of(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join(graphdoc::write::MANIFEST))
        .expect("the output folder has a manifest")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Asserts that `out` holds exactly the crate the library generates from `docs`, and a manifest
/// that lists it.
fn assert_crate_written(out: &Path, docs: &Path) {
    assert_crate_written_beside(out, docs, &[]);
}

/// [`assert_crate_written`], with the user's own files `theirs` in the folder too.
fn assert_crate_written_beside(out: &Path, docs: &Path, theirs: &[&str]) {
    let mut written = files_under(out);
    for file in theirs {
        assert!(written.remove(*file).is_some(), "{file} is still there");
    }
    let expected = expected_crate(docs);
    assert_eq!(written, expected);
    assert_eq!(manifest_of(out), expected.into_keys().collect::<Vec<_>>());
}

fn all_files_under(root: &Path) -> BTreeMap<String, String> {
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
    assert_crate_written(&out, &fixtures);
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
    assert_crate_written(&out, &docs);
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
    assert!(
        first.starts_with(b"error[") || first.starts_with(b"warning["),
        "{}",
        String::from_utf8_lossy(&first)
    );
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
    // Written whole: every file the run reports, each listed in the manifest, nothing else.
    // (That the files are the library's is checked on `docs/` and the hostile fixtures: a
    // second generation of the corpus in a debug build would cost a core ten seconds.)
    let written = files_under(&out);
    assert!(written.contains_key("Cargo.toml") && written.contains_key("src/lib.rs"));
    assert_eq!(
        manifest_of(&out),
        written.keys().cloned().collect::<Vec<_>>()
    );
    let reported = format!("; {} files ({} written)", written.len(), written.len());
    assert!(report.contains(&reported), "{reported} not in the report");
}

// ---- The output folder is the generator's own ----

fn repository_docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

/// `scratch/crate`, generated from the repository's docs.
fn generated_crate(scratch: &Scratch) -> PathBuf {
    let out = scratch.path().join("crate");
    let generate = generate_crate(&repository_docs(), &out);
    assert_eq!(generate.status.code(), Some(0), "{generate:?}");
    out
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `cargo new myapp; graphdoc generate docs --out myapp`: refused, the project untouched;
/// with `--force`, written over.
#[test]
fn an_existing_project_is_refused_unless_forced() {
    let scratch = Scratch::new("project");
    let project = scratch.path().join("myapp");
    scratch.write("myapp/Cargo.toml", "[package]\nname = \"myapp\"\n");
    scratch.write("myapp/src/lib.rs", "pub fn mine() {}\n");
    let before = all_files_under(&project);
    let refused = generate_crate(&repository_docs(), &project);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let message = stderr_of(&refused);
    assert!(
        message.contains("did not write")
            && message.contains("Cargo.toml")
            && message.contains("--force"),
        "{message}"
    );
    assert_eq!(
        all_files_under(&project),
        before,
        "nothing of the project changed"
    );

    let forced = generate_crate_with(&repository_docs(), &project, &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{forced:?}");
    assert_crate_written(&project, &repository_docs());
}

/// `--out crate/src` by mistake: nothing there is deleted or overwritten, a user's file that
/// mentions the generator's marker included.
#[test]
fn a_generated_crates_source_folder_is_refused() {
    let scratch = Scratch::new("into-src");
    let out = generated_crate(&scratch);
    std::fs::write(
        out.join("src/helpers.rs"),
        "// Helpers beside the code @generated by graphdoc.\n",
    )
    .expect("user file");
    let src = out.join("src");
    let before = all_files_under(&src);
    let refused = generate_crate(&repository_docs(), &src);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert_eq!(all_files_under(&src), before);
}

/// Regenerating with fewer pages removes exactly the files the earlier run wrote and this one
/// does not, says which, and leaves the user's own files.
#[test]
fn files_no_longer_generated_are_removed_and_named() {
    let scratch = Scratch::new("fewer");
    let docs = scratch.path().join("docs");
    copy_into(&scratch, &repository_docs(), "docs");
    // A type of a namespace of its own, which makes a sub-module of `models`.
    scratch.write(
        "docs/resources/session.md",
        "---\ntitle: \"session resource type\"\nms.prod: \"cloud-communications\"\n---\n\n\
         # session resource type\n\nNamespace: microsoft.graph.callRecords\n\n\
         Represents a session.\n\n## Properties\n\n\
         | Property | Type | Description |\n|:---|:---|:---|\n| id | String | The identifier. |\n\n\
         ## JSON representation\n\n\
         <!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.callRecords.session\" } -->\n\
         ```json\n{ \"id\": \"String\" }\n```\n",
    );
    let out = scratch.path().join("crate");
    let first = generate_crate(&docs, &out);
    assert!(matches!(first.status.code(), Some(0 | 1)), "{first:?}");
    let module = out.join("src/models/call_records.rs");
    assert!(module.exists());
    scratch.write("crate/NOTES.md", "mine");
    std::fs::remove_file(docs.join("resources/session.md")).expect("page removed");
    let again = generate_crate(&docs, &out);
    let report = String::from_utf8_lossy(&again.stdout);
    assert!(matches!(again.status.code(), Some(0 | 1)), "{again:?}");
    assert!(!module.exists(), "the stale module is gone");
    assert!(
        !out.join("src/models").exists(),
        "the folder it leaves empty is gone"
    );
    assert!(
        report.contains("removed 1 file ") && report.contains("call_records.rs"),
        "{report}"
    );
    assert!(out.join("NOTES.md").exists(), "the user's file stays");
    assert_crate_written_beside(&out, &docs, &["NOTES.md"]);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_inside_the_output_is_not_written_through() {
    let scratch = Scratch::new("link");
    let out = generated_crate(&scratch);
    let elsewhere = scratch.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("folder");
    std::fs::rename(out.join("src"), elsewhere.join("src")).expect("moved");
    std::os::unix::fs::symlink(elsewhere.join("src"), out.join("src")).expect("link");
    let before = all_files_under(&elsewhere);
    // Another crate name changes `lib.rs`: its write would go through the link.
    let renamed = generate_crate_with(&repository_docs(), &out, &["--crate-name", "renamed"]);
    assert_eq!(renamed.status.code(), Some(2), "{renamed:?}");
    assert!(stderr_of(&renamed).contains("symbolic link"), "{renamed:?}");
    assert_eq!(all_files_under(&elsewhere), before);
}

/// A write that fails halfway (here: a folder where a temporary file must go) leaves every
/// file of the previous crate as it was.
#[test]
fn a_failed_write_leaves_the_previous_crate_whole() {
    let scratch = Scratch::new("failed-write");
    let out = generated_crate(&scratch);
    let before = all_files_under(&out);
    std::fs::create_dir_all(out.join("src/lib.rs.graphdoc-tmp/blocked")).expect("trap");
    let renamed = generate_crate_with(&repository_docs(), &out, &["--crate-name", "renamed"]);
    assert_eq!(renamed.status.code(), Some(2), "{renamed:?}");
    std::fs::remove_dir_all(out.join("src/lib.rs.graphdoc-tmp")).expect("trap removed");
    let after = all_files_under(&out);
    assert_eq!(after, before, "no file changed, no temporary file left");
}

// ---- Inputs a user gets wrong ----

/// `graphdoc check A/docs B/docs`: both folders' pages are read, shown by the names that tell
/// the folders apart; a folder given twice, or inside another, is read once.
#[test]
fn docs_folders_with_one_last_name_are_both_read() {
    let scratch = Scratch::new("two-docs");
    let page = std::fs::read_to_string(repository_docs().join("api/user-get.md")).expect("page");
    let broken = format!("{page}\n<!-- {{ \"blockType\": \"request\" -->\n");
    scratch.write("a/docs/api/user-get.md", &broken);
    scratch.write("b/docs/api/user-get.md", &broken);
    let (a, b) = (scratch.path().join("a/docs"), scratch.path().join("b/docs"));
    let check = graphdoc(&[
        "check".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        a.join("api").as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(report["counts"]["pages"], 2, "{report}");
    let files: std::collections::BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(
        files.contains("a/docs/api/user-get.md") && files.contains("b/docs/api/user-get.md"),
        "{files:?}"
    );
    assert_eq!(
        report["account"]["tallies"]["operation"]["read"], 2,
        "{report}"
    );
}

#[test]
fn too_many_threads_are_bounded_with_a_note() {
    let scratch = Scratch::new("threads");
    let out = scratch.path().join("crate");
    let output = generate_crate_with(&repository_docs(), &out, &["--threads", "10000"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stderr_of(&output).contains("per core"), "{output:?}");
    assert_crate_written(&out, &repository_docs());
    let zero = graphdoc(&[
        "check".as_ref(),
        repository_docs().as_os_str(),
        "--threads".as_ref(),
        "0".as_ref(),
    ]);
    assert_eq!(zero.status.code(), Some(2), "{zero:?}");
}

#[test]
fn crate_names_cargo_would_refuse_are_refused() {
    let scratch = Scratch::new("names");
    for name in ["my\"crate", "", "my crate", "1abc", "../x", "fn"] {
        let out = scratch.path().join("crate");
        let output = generate_crate_with(&repository_docs(), &out, &["--crate-name", name]);
        assert_eq!(output.status.code(), Some(2), "{name:?}: {output:?}");
        assert!(
            stderr_of(&output).contains("cannot be the generated crate's name"),
            "{output:?}"
        );
        assert!(!out.exists(), "{name:?}: nothing written");
    }
}

/// The diagnostics of a run as (code, file, line, message), from its JSON report.
fn json_diagnostics(output: &Output) -> Vec<String> {
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("JSON: {output:?}"));
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| format!("{} {} {} {}", d["code"], d["file"], d["line"], d["message"]))
        .collect()
}

/// `check`, `generate` and `compare` report the same diagnostics for the same pages: here an
/// empty page and a type defined twice, which only resolution sees.
#[test]
fn check_generate_and_compare_report_the_same_diagnostics() {
    let scratch = Scratch::new("same");
    scratch.write("docs/api/empty.md", "");
    copy_into(&scratch, &hostile_fixtures().join("duplicate-type"), "docs");
    scratch.write(
        "metadata.xml",
        r#"<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"><edmx:DataServices><Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="microsoft.graph"></Schema></edmx:DataServices></edmx:Edmx>"#,
    );
    let docs = scratch.path().join("docs");
    let json = ["--format".as_ref(), "json".as_ref()];
    let check = graphdoc(&[&["check".as_ref(), docs.as_os_str()][..], &json].concat());
    let out = scratch.path().join("crate");
    let generate = generate_crate_with(&docs, &out, &["--format", "json"]);
    let csdl = scratch.path().join("metadata.xml");
    let compare = graphdoc(
        &[
            &[
                "compare".as_ref(),
                "--csdl".as_ref(),
                csdl.as_os_str(),
                docs.as_os_str(),
            ][..],
            &json,
        ]
        .concat(),
    );
    let checked = json_diagnostics(&check);
    assert!(
        checked.iter().any(|d| d.contains("empty.md")),
        "{checked:#?}"
    );
    assert!(
        checked.iter().any(|d| d.contains("also defined by")),
        "{checked:#?}"
    );
    assert_eq!(checked, json_diagnostics(&generate));
    assert_eq!(checked, json_diagnostics(&compare));
}

/// What cannot be read is an error with its path and cause, and a folder with no page says
/// which folder and why.
#[cfg(unix)]
#[test]
fn unreadable_parts_of_the_docs_are_errors_with_path_and_cause() {
    let scratch = Scratch::new("unreadable");
    let page = std::fs::read_to_string(repository_docs().join("api/user-get.md")).expect("page");
    scratch.write("docs/api/user-get.md", page);
    std::os::unix::fs::symlink(
        scratch.path().join("nowhere"),
        scratch.path().join("docs/gone"),
    )
    .expect("dangling link");
    let docs = scratch.path().join("docs");
    let check = graphdoc(&["check".as_ref(), docs.as_os_str()]);
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        report.contains("error[io]") && report.contains("docs/gone"),
        "{report}"
    );

    std::fs::remove_file(docs.join("api/user-get.md")).expect("page removed");
    let empty = graphdoc(&["check".as_ref(), docs.as_os_str()]);
    assert_eq!(empty.status.code(), Some(2), "{empty:?}");
    let message = stderr_of(&empty);
    assert!(
        message.contains(&docs.display().to_string()) && message.contains("gone"),
        "{message}"
    );
}

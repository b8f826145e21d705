//! What the integration tests share.

use std::path::{Path, PathBuf};

/// The v1.0 reference beside the repository (`../shared/corpus/graph-v1.0`), or `None` with a
/// message when it is absent, so that the test is skipped.
#[allow(dead_code)] // Not every test binary that shares this module needs the corpus.
pub fn corpus() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/graph-v1.0");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: no corpus at {}", path.display());
        None
    }
}

/// `cargo` in a crate the tests generated (the hostile fixtures', the corpus's), building into
/// one target folder with the same features and lock file, so that the dependencies are built
/// once per run. Each crate is built once, and linted in the same build: clippy's driver
/// compiles it (as `cargo clippy` does, but producing the test binaries too), without
/// incremental compilation or debug info, which would only slow that one build down.
#[allow(dead_code)] // Only the binaries that build generated crates use it.
pub fn cargo_in(crate_folder: &Path) -> std::process::Command {
    let cargo = Path::new(env!("CARGO"));
    let clippy_driver =
        cargo.with_file_name(format!("clippy-driver{}", std::env::consts::EXE_SUFFIX));
    assert!(
        clippy_driver.exists(),
        "{} is missing: `rustup component add clippy`",
        clippy_driver.display()
    );
    let mut command = std::process::Command::new(cargo);
    command
        .current_dir(crate_folder)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-crates-target"),
        )
        .env("RUSTC_WORKSPACE_WRAPPER", clippy_driver)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env_remove("RUSTFLAGS");
    command
}

/// The lines of a cargo command's output that report a warning or an error.
#[allow(dead_code)] // Only the binaries that build generated crates use it.
pub fn problems(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("warning") || l.contains("error"))
        .collect()
}

/// The features the tests build generated crates with: every module and the client.
#[allow(dead_code)] // Only the binaries that build generated crates use it.
pub const GENERATED_CRATE_FEATURES: &str = "--features=full,client";

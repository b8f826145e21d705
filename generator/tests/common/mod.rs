//! What the integration tests share.

use std::path::{Path, PathBuf};

/// The v1.0 reference beside the repository (`../shared/corpus/graph-v1.0`), or `None` with a
/// message when it is absent, so that the test is skipped.
pub fn corpus() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/graph-v1.0");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: no corpus at {}", path.display());
        None
    }
}

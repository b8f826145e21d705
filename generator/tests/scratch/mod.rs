//! Scratch folders for the integration tests that build their own docs folders.

use std::path::{Path, PathBuf};

/// A folder under the target's temporary folder, per test binary, emptied when made and
/// removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(env!("CARGO_CRATE_NAME"))
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("scratch folder can be made");
        Scratch(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `bytes` at `relative`, making the folders on the way.
    pub fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        let parent = path.parent().expect("a relative file path has a parent");
        std::fs::create_dir_all(parent).expect("scratch subfolder can be made");
        std::fs::write(&path, bytes).expect("scratch file can be written");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

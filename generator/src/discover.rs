//! Finds the pages under the docs folders and reads them.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{display_path, Code, Diagnostic, Location, Severity};
use crate::page::PageSource;
use crate::Error;

/// Every `.md` file under `roots`, in a stable order (sorted by display path), plus diagnostics
/// for what could not be walked (sorted by path). A root that does not exist stops the run.
pub fn discover(roots: &[PathBuf]) -> Result<(Vec<PageSource>, Vec<Diagnostic>), Error> {
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    for root in roots {
        if !root.is_dir() {
            return Err(Error::DocsNotFound(root.clone()));
        }
        // Following links finds pages behind symlinks; walkdir detects loops and reports them.
        // Not sorted while walking (comparing file names costs more than the walk itself):
        // everything it finds is sorted below.
        for entry in WalkDir::new(root).follow_links(true) {
            match entry {
                Ok(entry) if entry.file_type().is_file() && is_markdown(entry.path()) => {
                    sources.push(PageSource {
                        display: display_path(root, entry.path()),
                        path: entry.into_path(),
                    });
                }
                Ok(_) => {}
                Err(error) => {
                    let path = error
                        .path()
                        .map_or_else(|| root.display().to_string(), |p| display_path(root, p));
                    diagnostics.push(Diagnostic::new(
                        Severity::Warning,
                        Code::Io,
                        path,
                        Location::default(),
                        format!("skipped while walking the docs: {error}"),
                    ));
                }
            }
        }
    }
    // Stable: of two roots with a page at the same display path, the first root's is kept.
    sources.sort_by(|a, b| a.display.cmp(&b.display));
    sources.dedup_by(|a, b| a.display == b.display);
    diagnostics.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
    Ok((sources, diagnostics))
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Reads a page as text. Invalid UTF-8 is replaced and reported; an unreadable file is reported
/// and yields `None`.
pub fn read_page(source: &PageSource) -> (Option<String>, Option<Diagnostic>) {
    let diagnostic = |message: String| {
        Diagnostic::new(
            Severity::Error,
            Code::Io,
            source.display.clone(),
            Location::default(),
            message,
        )
    };
    match std::fs::read(&source.path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (Some(text), None),
            Err(error) => {
                let valid_up_to = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                let location = crate::diagnostics::LineIndex::new(&text).location(valid_up_to);
                let warning = Diagnostic::new(
                    Severity::Warning,
                    Code::Encoding,
                    source.display.clone(),
                    location,
                    "page is not valid UTF-8; invalid bytes were replaced",
                );
                (Some(text), Some(warning))
            }
        },
        Err(error) => (None, Some(diagnostic(format!("cannot read page: {error}")))),
    }
}

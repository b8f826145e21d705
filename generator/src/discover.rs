//! Finds the pages under the docs folders and reads them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::page::PageSource;
use crate::Error;

/// Every `.md` file under `roots`, in a stable order (sorted by display path), plus diagnostics
/// for what could not be walked (sorted by path). A root that does not exist stops the run, and
/// so does finding no page at all.
///
/// Roots are told apart by their full path: a page's display path starts with its root's last
/// name, or with as many of the root's last names as make it unique among the roots. A page
/// under two roots (the same folder given twice, or one inside the other) is read once, from
/// the first root that has it.
pub fn discover(roots: &[PathBuf]) -> Result<(Vec<PageSource>, Vec<Diagnostic>), Error> {
    for root in roots {
        if root.exists() && !root.is_dir() {
            return Err(Error::DocsNotFolder(root.clone()));
        }
        if !root.is_dir() {
            return Err(Error::DocsNotFound(root.clone()));
        }
    }
    let labels = root_labels(roots);
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    let mut seen = HashSet::new();
    for (root, label) in roots.iter().zip(&labels) {
        // Following links finds pages behind symlinks; walkdir detects loops and reports them.
        // Not sorted while walking (comparing file names costs more than the walk itself):
        // everything it finds is sorted below.
        for entry in WalkDir::new(root).follow_links(true) {
            match entry {
                Ok(entry) if entry.file_type().is_file() && is_markdown(entry.path()) => {
                    // With several roots, a page is known by its canonical path.
                    if roots.len() > 1 {
                        let identity = std::fs::canonicalize(entry.path())
                            .unwrap_or_else(|_| entry.path().to_owned());
                        if !seen.insert(identity) {
                            continue;
                        }
                    }
                    sources.push(PageSource {
                        display: labelled_path(root, label, entry.path()),
                        path: entry.into_path(),
                    });
                }
                Ok(_) => {}
                Err(error) => {
                    let path = error.path().map_or_else(
                        || root.display().to_string(),
                        |p| labelled_path(root, label, p),
                    );
                    diagnostics.push(Diagnostic::new(
                        Severity::Error,
                        Code::Io,
                        path,
                        Location::default(),
                        format!("cannot read this part of the docs: {error}"),
                    ));
                }
            }
        }
    }
    sources.sort_by(|a, b| a.display.cmp(&b.display));
    // Distinct files can still meet at one display path (a root labelled `x` holding `sub/`,
    // another labelled `x/sub`): those are shown by their full paths.
    for same in sources.chunk_by_mut(|a, b| a.display == b.display) {
        if same.len() > 1 {
            for source in same {
                source.display = std::fs::canonicalize(&source.path)
                    .unwrap_or_else(|_| source.path.clone())
                    .display()
                    .to_string();
            }
        }
    }
    sources.sort_by(|a, b| a.display.cmp(&b.display));
    diagnostics.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
    if sources.is_empty() {
        return Err(Error::NoPages {
            roots: roots.to_vec(),
            problems: diagnostics.iter().map(|d| d.to_string()).collect(),
        });
    }
    Ok((sources, diagnostics))
}

/// The name each root's pages are shown under: its last name (nothing for `.`), or, when other
/// roots share it, the shortest run of its last names that no other root has.
fn root_labels(roots: &[PathBuf]) -> Vec<Option<PathBuf>> {
    let single = |root: &PathBuf| root.file_name().map(PathBuf::from);
    if roots.len() < 2 {
        return roots.iter().map(single).collect();
    }
    let canonical: Vec<PathBuf> = roots
        .iter()
        .map(|root| std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()))
        .collect();
    let suffix = |path: &Path, depth: usize| -> PathBuf {
        let names: Vec<_> = path.components().collect();
        names[names.len().saturating_sub(depth)..].iter().collect()
    };
    let mut labels: Vec<Option<PathBuf>> = roots.iter().map(single).collect();
    let mut depth = 1;
    loop {
        let clashing: Vec<usize> = (0..roots.len())
            .filter(|&i| {
                (0..roots.len())
                    .any(|j| j != i && labels[j] == labels[i] && canonical[j] != canonical[i])
            })
            .collect();
        let deepest = canonical.iter().map(|c| c.components().count()).max();
        if clashing.is_empty() || deepest.is_none_or(|d| depth >= d) {
            break;
        }
        depth += 1;
        for i in clashing {
            labels[i] = Some(suffix(&canonical[i], depth));
        }
    }
    labels
}

/// A page's display path: its root's label, then its path below the root.
fn labelled_path(root: &Path, label: &Option<PathBuf>, path: &Path) -> String {
    match (path.strip_prefix(root), label) {
        (Ok(relative), Some(label)) => label.join(relative).display().to_string(),
        (Ok(relative), None) => relative.display().to_string(),
        (Err(_), _) => path.display().to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_path_is_relative_to_the_root_and_starts_with_its_name() {
        let cases = [
            ("../corpus/docs", "../corpus/docs/api/x.md", "docs/api/x.md"),
            ("docs/", "docs/api/x.md", "docs/api/x.md"),
            (".", "./api/x.md", "api/x.md"),
            ("", "api/x.md", "api/x.md"),
            ("docs", "elsewhere/x.md", "elsewhere/x.md"),
        ];
        for (root, path, shown) in cases {
            let root = PathBuf::from(root);
            let label = &root_labels(std::slice::from_ref(&root))[0];
            assert_eq!(
                labelled_path(&root, label, Path::new(path)),
                shown,
                "{root:?} {path}"
            );
        }
    }

    #[test]
    fn roots_with_one_last_name_are_told_apart_by_the_names_above() {
        let base = std::env::temp_dir().join(format!("graphdoc-roots-{}", std::process::id()));
        let roots = [base.join("a/docs"), base.join("b/docs"), base.join("c/api")];
        for root in &roots {
            std::fs::create_dir_all(root).expect("folder");
        }
        let labels = root_labels(&roots);
        let _ = std::fs::remove_dir_all(&base);
        let shown: Vec<Option<PathBuf>> = ["a/docs", "b/docs", "api"]
            .iter()
            .map(|l| Some(PathBuf::from(l)))
            .collect();
        assert_eq!(labels, shown);
    }
}

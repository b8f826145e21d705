//! graphdoc: Microsoft Graph API reference pages in, a typed Rust crate out.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! 1. [`discover`]: find the `.md` pages under the docs folders;
//! 2. [`page`]: parse each page into a source-located page model (in parallel);
//! 3. [`model`]: resolve all pages into one API model (types, enums, operations);
//! 4. [`emit`]: turn the model into Rust token streams, formatted with prettyplease;
//! 5. [`write`](mod@write): write the files into a folder that is the generator's own (a manifest there
//!    lists what it wrote), only those whose contents changed, never outside it.
//!
//! Generation is a pure function from pages to an ordered map of file path → contents; writing
//! is a separate last step. Use it from a build script like this:
//!
//! ```no_run
//! let generation = graphdoc::Config::new()
//!     .with_docs("docs")
//!     .generate()
//!     .expect("docs folder exists");
//! for diagnostic in &generation.diagnostics {
//!     println!("cargo:warning={diagnostic}");
//! }
//! graphdoc::write::write_files("generated", &generation.files).expect("writable output");
//! ```

pub mod compare;
pub mod diagnostics;
pub mod discover;
pub mod emit;
pub mod model;
pub mod page;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use diagnostics::Diagnostic;
use page::{CodeContent, HttpBlock, Page, TableKind};

/// What stops a run. Everything else is a [`Diagnostic`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("docs folder `{0}` does not exist")]
    DocsNotFound(PathBuf),
    #[error(
        "`{0}` is a file: give the folder that holds the pages (with `api/` and `resources/`)"
    )]
    DocsNotFolder(PathBuf),
    #[error("output `{0}` is a file: give a folder, new or empty, or one graphdoc wrote before")]
    OutputNotFolder(PathBuf),
    #[error(
        "no pages (`.md` files) found under {}{}",
        list_paths(roots),
        if problems.is_empty() { String::new() } else { format!("; {}", problems.join("; ")) }
    )]
    NoPages {
        roots: Vec<PathBuf>,
        /// What could not be read while looking, with path and cause.
        problems: Vec<String>,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("refusing to write `{0}`: the path leaves the output folder")]
    UnsafePath(PathBuf),
    #[error(
        "refusing to write into `{}`: it holds files graphdoc did not write ({}); \
         choose a new or empty folder, or force the write (`--force`) to overwrite those at \
         the generated paths",
        out.display(),
        list_paths(files)
    )]
    NotOwned { out: PathBuf, files: Vec<PathBuf> },
    #[error("refusing to write through the symbolic link `{0}` inside the output folder")]
    Symlink(PathBuf),
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` lists `{line}`, which is not a path inside the output folder; the folder's manifest is not graphdoc's")]
    Manifest { path: PathBuf, line: String },
    #[error("`{name}` cannot be the generated crate's name: {problem}")]
    CrateName { name: String, problem: String },
    #[error("could not start the worker threads: {0}")]
    Threads(String),
}

/// `a`, `b`, `c` and 4 more.
fn list_paths(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 3;
    let shown: Vec<String> = paths
        .iter()
        .take(SHOWN)
        .map(|p| format!("`{}`", p.display()))
        .collect();
    match paths.len().saturating_sub(SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The most worker threads per core [`Config::with_threads`] takes.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The most worker threads a run takes on this machine.
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores * MAX_THREADS_PER_CORE
}

/// Settings for a run. Build with [`Config::new`] and the `with_*` setters.
#[derive(Debug, Clone)]
pub struct Config {
    docs: Vec<PathBuf>,
    crate_name: String,
    threads: Option<usize>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            docs: Vec::new(),
            crate_name: "msgraph".to_owned(),
            threads: None,
        }
    }
}

impl Config {
    pub fn new() -> Self {
        Config::default()
    }

    /// Adds a docs folder (a microsoft-graph-docs checkout, or any folder of pages).
    pub fn with_docs(mut self, docs: impl Into<PathBuf>) -> Self {
        self.docs.push(docs.into());
        self
    }

    /// The package name written into a standalone crate's `Cargo.toml`.
    pub fn with_crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = name.into();
        self
    }

    /// Worker threads for parsing and emission (default: rayon's choice, one per core), at
    /// most [`MAX_THREADS_PER_CORE`] per core: more only adds contention (ten thousand threads
    /// on two cores take minutes over nine pages). Output is identical whatever the count.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.clamp(1, max_threads()));
        self
    }

    /// The worker threads a run uses when set with [`Config::with_threads`].
    pub fn threads(&self) -> Option<usize> {
        self.threads
    }

    pub fn crate_name(&self) -> &str {
        &self.crate_name
    }

    /// Parses every page.
    pub fn parse(&self) -> Result<ParsedDocs, Error> {
        self.in_pool(|| parse_docs(&self.docs))
    }

    /// Parses, resolves and emits without formatting or writing anything: `graphdoc check`,
    /// with every diagnostic `generate` reports for the same pages, and what the pages hold.
    pub fn check(&self) -> Result<CheckReport, Error> {
        self.in_pool(|| {
            let (docs, resolved, diagnostics) = self.diagnose()?;
            let with_diagnostics: BTreeSet<&str> =
                diagnostics.iter().map(|d| d.file.as_str()).collect();
            let sources = docs
                .pages
                .iter()
                .filter(|page| with_diagnostics.contains(page.path.as_str()))
                .map(|page| (page.path.clone(), page.lines.text().to_owned()))
                .collect();
            Ok(CheckReport {
                counts: PageCounts::of(&docs.pages),
                diagnostics,
                sources,
                account: resolved.account,
            })
        })
    }

    /// Parses and resolves without formatting: the API model, for tools that inspect it (such
    /// as [`compare`]), with every diagnostic `generate` reports for the same pages, sorted.
    pub fn model(&self) -> Result<(model::ApiModel, Vec<Diagnostic>), Error> {
        self.in_pool(|| {
            let (_, resolved, diagnostics) = self.diagnose()?;
            Ok((resolved.model, diagnostics))
        })
    }

    /// Parses, resolves and emits the token streams without formatting them: every diagnostic
    /// of a run, sorted.
    fn diagnose(&self) -> Result<(ParsedDocs, model::Resolved, Vec<Diagnostic>), Error> {
        let mut docs = parse_docs(&self.docs)?;
        let mut resolved = model::resolve(&docs.pages);
        let mut diagnostics = std::mem::take(&mut docs.diagnostics);
        diagnostics.append(&mut resolved.diagnostics);
        diagnostics.extend(emit::diagnose(&resolved.model, &self.emit_options()));
        diagnostics.sort();
        Ok((docs, resolved, diagnostics))
    }

    fn emit_options(&self) -> emit::EmitOptions {
        emit::EmitOptions {
            crate_name: self.crate_name.clone(),
        }
    }

    /// Parses, resolves and emits: the generated crate's files, by path relative to the crate root.
    pub fn generate(&self) -> Result<Generation, Error> {
        if let Some(problem) = emit::manifest::crate_name_problem(&self.crate_name) {
            return Err(Error::CrateName {
                name: self.crate_name.clone(),
                problem,
            });
        }
        self.in_pool(|| {
            let docs = parse_docs(&self.docs)?;
            let mut timings = docs.timings;
            let mut diagnostics = docs.diagnostics;
            let started = Instant::now();
            let resolved = model::resolve(&docs.pages);
            timings.resolve = started.elapsed();
            diagnostics.extend(resolved.diagnostics);
            let emitted = emit::emit(&resolved.model, &self.emit_options());
            timings.emit = emitted.emit_time;
            timings.format = emitted.format_time;
            diagnostics.extend(emitted.diagnostics);
            diagnostics.sort();
            Ok(Generation {
                timings,
                files: emitted.files,
                counts: GenerationCounts {
                    pages: docs.pages.len(),
                    types_from_pages: resolved
                        .model
                        .types
                        .values()
                        .filter(|t| !t.inferred)
                        .count(),
                    types_inferred: resolved.model.types.values().filter(|t| t.inferred).count(),
                    enums: resolved.model.enums.len(),
                    operations: resolved.model.operations.len(),
                    examples: emitted.examples.counts.clone(),
                },
                account: resolved.account,
                features: emitted.features,
                diagnostics,
                pages: docs.pages,
            })
        })
    }

    fn in_pool<T: Send>(&self, job: impl FnOnce() -> Result<T, Error> + Send) -> Result<T, Error> {
        match self.threads {
            None => job(),
            Some(threads) => rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| Error::Threads(e.to_string()))?
                .install(job),
        }
    }
}

/// Every page parsed, with the diagnostics of discovery and parsing, in page order.
#[derive(Debug)]
pub struct ParsedDocs {
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: StageTimings,
}

/// Wall time of each pipeline stage (writing is the caller's: see [`write`](mod@write)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageTimings {
    /// Walking the docs folders.
    pub discover: Duration,
    /// Reading and parsing every page.
    pub parse: Duration,
    pub resolve: Duration,
    /// Building token streams, summed over worker threads.
    pub emit: Duration,
    /// prettyplease, summed over worker threads.
    pub format: Duration,
}

/// Discovers the pages and parses them in parallel, in page order.
fn parse_docs(roots: &[PathBuf]) -> Result<ParsedDocs, Error> {
    let started = Instant::now();
    let (sources, mut diagnostics) = discover::discover(roots)?;
    let discovered = started.elapsed();
    let started = Instant::now();
    let parsed: Vec<(Option<Page>, Vec<Diagnostic>)> = sources
        .par_iter()
        .map(|source| {
            let (text, read_diagnostic) = discover::read_page(source);
            let mut diagnostics: Vec<Diagnostic> = read_diagnostic.into_iter().collect();
            let page = text.map(|text| {
                let parsed = page::parse_page(source, &text);
                diagnostics.extend(parsed.diagnostics);
                parsed.page
            });
            (page, diagnostics)
        })
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, page_diagnostics) in parsed {
        pages.extend(page);
        diagnostics.extend(page_diagnostics);
    }
    let timings = StageTimings {
        discover: discovered,
        parse: started.elapsed(),
        ..StageTimings::default()
    };
    Ok(ParsedDocs {
        pages,
        diagnostics,
        timings,
    })
}

/// What `check` found.
#[derive(Debug)]
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    pub counts: PageCounts,
    /// The text of every page that has diagnostics, by its display path: what rendering them
    /// with their source lines needs. ([`Config::parse`] gives the parsed pages themselves.)
    pub sources: BTreeMap<String, String>,
    /// What the pages define and what became of it: read = emitted + merged + dropped.
    pub account: model::account::Account,
}

/// Counts of what the pages hold, for the `check` summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PageCounts {
    pub pages: usize,
    pub api_pages: usize,
    pub resource_pages: usize,
    pub enum_pages: usize,
    pub code_blocks: usize,
    pub annotations: usize,
    pub request_blocks: usize,
    pub response_blocks: usize,
    pub resource_blocks: usize,
    pub tables: BTreeMap<&'static str, usize>,
}

impl PageCounts {
    pub fn of(pages: &[Page]) -> Self {
        use page::{BlockType, PageKind};
        let mut counts = PageCounts {
            pages: pages.len(),
            ..PageCounts::default()
        };
        for page in pages {
            match page.kind {
                PageKind::Api => counts.api_pages += 1,
                PageKind::Resource => counts.resource_pages += 1,
                PageKind::Enum => counts.enum_pages += 1,
                PageKind::Other => {}
            }
            counts.code_blocks += page.code_blocks.len();
            counts.annotations += page.annotations.len();
            for block in &page.code_blocks {
                let block_type = page
                    .annotation(block.annotation)
                    .and_then(|a| a.block_type.clone());
                match (block_type, &block.content) {
                    (Some(BlockType::Request), CodeContent::Http(HttpBlock::Request(_))) => {
                        counts.request_blocks += 1
                    }
                    (Some(BlockType::Response), CodeContent::Http(HttpBlock::Response(_))) => {
                        counts.response_blocks += 1
                    }
                    (Some(BlockType::Resource), _) => counts.resource_blocks += 1,
                    _ => {}
                }
            }
            for table in &page.tables {
                *counts
                    .tables
                    .entry(table_kind_name(table.kind))
                    .or_default() += 1;
            }
        }
        counts
    }

    /// Adds the counts of other pages to these.
    pub fn merge(&mut self, other: PageCounts) {
        // Destructured so that a new field cannot be forgotten here.
        let PageCounts {
            pages,
            api_pages,
            resource_pages,
            enum_pages,
            code_blocks,
            annotations,
            request_blocks,
            response_blocks,
            resource_blocks,
            tables,
        } = other;
        self.pages += pages;
        self.api_pages += api_pages;
        self.resource_pages += resource_pages;
        self.enum_pages += enum_pages;
        self.code_blocks += code_blocks;
        self.annotations += annotations;
        self.request_blocks += request_blocks;
        self.response_blocks += response_blocks;
        self.resource_blocks += resource_blocks;
        for (kind, n) in tables {
            *self.tables.entry(kind).or_default() += n;
        }
    }
}

fn table_kind_name(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Properties => "properties",
        TableKind::Relationships => "relationships",
        TableKind::Parameters => "parameters",
        TableKind::EnumMembers => "enum-members",
        TableKind::Headers => "headers",
        TableKind::Permissions => "permissions",
        TableKind::Methods => "methods",
        TableKind::Other => "other",
    }
}

/// The result of [`Config::generate`].
#[derive(Debug)]
pub struct Generation {
    pub timings: StageTimings,
    /// Relative path (with `/` separators) → file contents, in path order.
    pub files: BTreeMap<String, String>,
    /// The crate's module features: render them with [`emit::manifest::features_table`].
    pub features: emit::AreaFeatures,
    pub diagnostics: Vec<Diagnostic>,
    pub counts: GenerationCounts,
    /// What the pages define and what became of it: read = emitted + merged + dropped.
    pub account: model::account::Account,
    pub pages: Vec<Page>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GenerationCounts {
    pub pages: usize,
    pub types_from_pages: usize,
    pub types_inferred: usize,
    pub enums: usize,
    pub operations: usize,
    /// What became of the pages' examples.
    pub examples: emit::ExampleCounts,
}

//! The `graphdoc` command line: `check`, `generate` and `compare`.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use graphdoc::diagnostics::{render, Diagnostic, Severity, Summary};
use graphdoc::Config;

// Parsing a page makes many small allocations, on every worker thread: mimalloc serves them
// faster than the system allocator. Only the binary sets it; the library leaves it to its users.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "graphdoc",
    version,
    about = "Microsoft Graph API reference pages in, a typed Rust crate out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse every page and report problems with file and line.
    Check {
        /// Docs folders (e.g. a microsoft-graph-docs checkout's api-reference/v1.0).
        #[arg(required = true)]
        docs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit with status 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Show notes (repairs of non-strict JSON and the like) as well.
        #[arg(long)]
        notes: bool,
        /// Worker threads (default: one per core; at most 4 per core).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        threads: Option<u32>,
    },
    /// Generate a standalone crate (Cargo.toml and src/) from the pages.
    Generate {
        #[arg(required = true)]
        docs: Vec<PathBuf>,
        /// Output folder, new or empty, or one graphdoc wrote before; nothing is written outside
        /// it. Files an earlier run wrote and this one does not are removed; no others.
        #[arg(long)]
        out: PathBuf,
        /// Write into a folder that holds files graphdoc did not write, overwriting those at the
        /// generated paths (`Cargo.toml`, `src/lib.rs`...).
        #[arg(long)]
        force: bool,
        #[arg(long, default_value = "msgraph")]
        crate_name: String,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Print warnings too (errors are always printed).
        #[arg(long)]
        verbose: bool,
        /// Worker threads (default: one per core; at most 4 per core).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        threads: Option<u32>,
    },
    /// Compare the model derived from the pages with the service's CSDL ($metadata): which
    /// types, properties and enums the pages miss, misstate or add.
    Compare {
        /// The service's CSDL document (e.g. v1.0_metadata.xml).
        #[arg(long)]
        csdl: PathBuf,
        #[arg(required = true)]
        docs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// How many entries of each list the human format shows.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Worker threads (default: one per core; at most 4 per core).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        threads: Option<u32>,
    },
}

/// What stops a command (exit status 2).
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Run(#[from] graphdoc::Error),
    #[error("cannot write the report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write to standard output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`: {source}")]
    Csdl {
        path: PathBuf,
        #[source]
        source: graphdoc::compare::CompareError,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let color = stdout.is_terminal();
    let output = &mut Report::new(BufWriter::new(stdout.lock()));
    let result = match cli.command {
        Command::Check {
            docs,
            format,
            deny_warnings,
            notes,
            threads,
        } => check(
            config(docs, threads),
            format,
            deny_warnings,
            notes,
            output,
            color,
        ),
        Command::Generate {
            docs,
            out,
            force,
            crate_name,
            format,
            verbose,
            threads,
        } => generate(
            config(docs, threads).with_crate_name(crate_name),
            Destination { folder: out, force },
            format,
            verbose,
            output,
            color,
        ),
        Command::Compare {
            csdl,
            docs,
            format,
            top,
            threads,
        } => compare(config(docs, threads), &csdl, format, top, output, color),
    };
    let flushed = result.and_then(|code| {
        output.flush()?;
        Ok(code)
    });
    match flushed {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn config(docs: Vec<PathBuf>, threads: Option<u32>) -> Config {
    let config = docs.into_iter().fold(Config::new(), Config::with_docs);
    let Some(asked) = threads.and_then(|t| usize::try_from(t).ok()) else {
        return config;
    };
    let config = config.with_threads(asked);
    if let Some(used) = config.threads().filter(|&used| used != asked) {
        // Standard error: standard output is the report, which may be JSON.
        eprintln!(
            "note: --threads {asked} is more than {} per core; using {used}",
            graphdoc::MAX_THREADS_PER_CORE
        );
    }
    config
}

fn check(
    config: Config,
    format: Format,
    deny_warnings: bool,
    notes: bool,
    output: &mut impl Write,
    color: bool,
) -> Result<ExitCode, CliError> {
    let report = config.check()?;
    let summary = Summary::of(&report.diagnostics);
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "counts": report.counts,
                "account": report.account,
                "summary": summary,
                "diagnostics": report.diagnostics,
            });
            writeln!(output, "{json}")?;
        }
        Format::Human => {
            let sources = report
                .sources
                .iter()
                .map(|(path, text)| (path.as_str(), text.as_str()))
                .collect();
            let least = if notes {
                Severity::Note
            } else {
                Severity::Warning
            };
            print_diagnostics(output, color, &report.diagnostics, &sources, least)?;
            let counts = &report.counts;
            writeln!(
                output,
                "checked {} pages ({} API, {} resource, {} enum): {} code blocks ({} request, {} response, {} resource), {} annotations",
                counts.pages,
                counts.api_pages,
                counts.resource_pages,
                counts.enum_pages,
                counts.code_blocks,
                counts.request_blocks,
                counts.response_blocks,
                counts.resource_blocks,
                counts.annotations
            )?;
            let tables: Vec<String> = counts
                .tables
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect();
            writeln!(output, "tables: {}", tables.join(", "))?;
            print_account(output, &report.account)?;
            print_summary(output, &summary)?;
        }
    }
    Ok(exit_code(&summary, deny_warnings))
}

/// Where `generate` writes, and whether it may write into a folder that is not its own.
struct Destination {
    folder: PathBuf,
    force: bool,
}

fn generate(
    config: Config,
    Destination { folder: out, force }: Destination,
    format: Format,
    verbose: bool,
    output: &mut impl Write,
    color: bool,
) -> Result<ExitCode, CliError> {
    let generation = config.generate()?;
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        graphdoc::emit::manifest::cargo_toml(config.crate_name(), &generation.features),
    );
    for (path, contents) in generation.files {
        files.insert(format!("src/{path}"), contents);
    }
    let started = std::time::Instant::now();
    let written =
        graphdoc::write::write_files_with(&out, &files, graphdoc::write::WriteOptions { force })?;
    let write_time = started.elapsed();
    let timings = &generation.timings;
    let stages = [
        ("discover", timings.discover),
        ("parse", timings.parse),
        ("resolve", timings.resolve),
        ("emit", timings.emit),
        ("format", timings.format),
        ("write", write_time),
    ];
    let summary = Summary::of(&generation.diagnostics);
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "counts": generation.counts,
                "account": generation.account,
                "seconds": stages
                    .iter()
                    .map(|(stage, time)| (stage.to_string(), serde_json::json!(time.as_secs_f64())))
                    .collect::<serde_json::Map<_, _>>(),
                "files": files.len(),
                "written": written.written.len(),
                "removed": written.removed,
                "summary": summary,
                "diagnostics": generation.diagnostics,
            });
            writeln!(output, "{json}")?;
        }
        Format::Human => {
            let sources = generation
                .pages
                .iter()
                .map(|p| (p.path.as_str(), p.lines.text()))
                .collect();
            let least = if verbose {
                Severity::Warning
            } else {
                Severity::Error
            };
            print_diagnostics(output, color, &generation.diagnostics, &sources, least)?;
            let counts = &generation.counts;
            writeln!(
                output,
                "generated {} into {}: {} pages, {} types ({} from pages, {} inferred from examples), {} enums, {} operations; {} files ({} written)",
                config.crate_name(),
                out.display(),
                counts.pages,
                counts.types_from_pages + counts.types_inferred,
                counts.types_from_pages,
                counts.types_inferred,
                counts.enums,
                counts.operations,
                files.len(),
                written.written.len()
            )?;
            if !written.removed.is_empty() {
                let count = written.removed.len();
                writeln!(
                    output,
                    "removed {count} {} an earlier run wrote and this one does not:",
                    if count == 1 { "file" } else { "files" }
                )?;
                for path in &written.removed {
                    writeln!(output, "  {}", path.display())?;
                }
            }
            let examples = &counts.examples;
            let excluded: usize = examples.excluded.values().sum();
            let reasons: Vec<String> = examples
                .excluded
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect();
            writeln!(
                output,
                "examples: {} checks emitted as tests; {excluded} excluded{}{}",
                examples.tested,
                if reasons.is_empty() { "" } else { ": " },
                reasons.join(", ")
            )?;
            for (direction, bodies) in [
                ("request", examples.request_bodies),
                ("response", examples.response_bodies),
            ] {
                let total = bodies.fitting + bodies.contradicting;
                let share = if total == 0 {
                    100.0
                } else {
                    100.0 * bodies.fitting as f64 / total as f64
                };
                writeln!(
                    output,
                    "  {direction} bodies: {} of {total} complete JSON bodies fit their documented type ({share:.1}%)",
                    bodies.fitting
                )?;
            }
            let not_replayed: Vec<String> = examples
                .not_replayed
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect();
            writeln!(
                output,
                "  replayed over HTTP (feature `client`): {} examples; not replayed: {}",
                examples.replayed,
                if not_replayed.is_empty() {
                    "none".to_owned()
                } else {
                    not_replayed.join(", ")
                }
            )?;
            print_account(output, &generation.account)?;
            let stages: Vec<String> = stages
                .iter()
                .map(|(stage, time)| format!("{stage} {:.3} s", time.as_secs_f64()))
                .collect();
            writeln!(
                output,
                "stages (emit and format summed over threads): {}",
                stages.join(", ")
            )?;
            print_summary(output, &summary)?;
        }
    }
    Ok(exit_code(&summary, false))
}

/// One line per kind: read = emitted + merged + dropped (by diagnostic code).
fn print_account(
    output: &mut impl Write,
    account: &graphdoc::model::account::Account,
) -> std::io::Result<()> {
    use graphdoc::model::account::ItemKind;
    writeln!(output, "account (read = emitted + merged + dropped):")?;
    for kind in ItemKind::ALL {
        let tally = account.tally(kind);
        let dropped: Vec<String> = tally
            .dropped
            .iter()
            .map(|(code, n)| format!("{n} {code}"))
            .collect();
        let dropped = if dropped.is_empty() {
            String::new()
        } else {
            format!(" ({})", dropped.join(", "))
        };
        let unaccounted = if tally.unaccounted == 0 {
            String::new()
        } else {
            format!("; {} UNACCOUNTED", tally.unaccounted)
        };
        writeln!(
            output,
            "  {}: {} read = {} emitted + {} merged + {} dropped{dropped}{unaccounted}",
            kind.label(),
            tally.read,
            tally.emitted,
            tally.merged,
            tally.dropped_total(),
        )?;
    }
    for example in &account.unaccounted_examples {
        writeln!(output, "  unaccounted: {example}")?;
    }
    Ok(())
}

/// Exits 0 whenever the comparison ran, whatever the figures: it measures, it does not gate.
fn compare(
    config: Config,
    csdl_path: &std::path::Path,
    format: Format,
    top: usize,
    output: &mut impl Write,
    color: bool,
) -> Result<ExitCode, CliError> {
    let csdl = std::fs::read_to_string(csdl_path).map_err(|source| CliError::Read {
        path: csdl_path.to_owned(),
        source,
    })?;
    let (model, diagnostics) = config.model()?;
    let report = graphdoc::compare::compare(&model, &csdl).map_err(|source| CliError::Csdl {
        path: csdl_path.to_owned(),
        source,
    })?;
    let summary = Summary::of(&diagnostics);
    match format {
        Format::Json => {
            // The comparison's own fields, and beside them the pages' diagnostics.
            let mut json = serde_json::to_value(&report)?;
            if let Some(fields) = json.as_object_mut() {
                fields.insert("summary".to_owned(), serde_json::to_value(&summary)?);
                fields.insert(
                    "diagnostics".to_owned(),
                    serde_json::to_value(&diagnostics)?,
                );
            }
            writeln!(output, "{json}")?;
        }
        Format::Human => {
            // The pages' own problems first, as `check` shows them (without source lines).
            print_diagnostics(
                output,
                color,
                &diagnostics,
                &BTreeMap::new(),
                Severity::Warning,
            )?;
            print_summary(output, &summary)?;
            writeln!(
                output,
                "{} against a model of {} types and {} enums from the pages\n",
                csdl_path.display(),
                model.types.len(),
                model.enums.len()
            )?;
            output.write_all(report.to_table(top).as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the diagnostics of severity `least` and above, each with its source line from
/// `sources` (page path → text) when the page is there.
fn print_diagnostics(
    output: &mut impl Write,
    color: bool,
    diagnostics: &[Diagnostic],
    sources: &BTreeMap<&str, &str>,
    least: Severity,
) -> std::io::Result<()> {
    for diagnostic in diagnostics.iter().filter(|d| d.severity >= least) {
        let source = sources.get(diagnostic.file.as_str()).copied();
        writeln!(output, "{}\n", render(diagnostic, source, color))?;
    }
    Ok(())
}

fn print_summary(output: &mut impl Write, summary: &Summary) -> std::io::Result<()> {
    let codes: Vec<String> = summary
        .by_code
        .iter()
        .map(|(code, n)| format!("{code}: {n}"))
        .collect();
    writeln!(
        output,
        "{} errors, {} warnings, {} notes{}{}",
        summary.errors,
        summary.warnings,
        summary.notes,
        if codes.is_empty() { "" } else { " — " },
        codes.join(", ")
    )?;
    Ok(())
}

fn exit_code(summary: &Summary, deny_warnings: bool) -> ExitCode {
    if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Standard output for the report. A reader that closes the pipe early (`… | head`) has seen
/// what it wanted: the rest is discarded, and the exit status stays the run's.
struct Report<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Report<W> {
    fn new(inner: W) -> Self {
        Report {
            inner,
            closed: false,
        }
    }

    fn unless_closed<T>(
        &mut self,
        done: T,
        write: impl FnOnce(&mut W) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        if self.closed {
            return Ok(done);
        }
        match write(&mut self.inner) {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(done)
            }
            result => result,
        }
    }
}

impl<W: Write> Write for Report<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.unless_closed(bytes.len(), |inner| inner.write(bytes))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.unless_closed((), Write::flush)
    }
}

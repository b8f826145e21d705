//! The `graphdoc` command line: `check` and `generate`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use graphdoc::diagnostics::{render, Diagnostic, Severity, Summary};
use graphdoc::page::Page;
use graphdoc::Config;

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
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Generate a standalone crate (Cargo.toml and src/) from the pages.
    Generate {
        #[arg(required = true)]
        docs: Vec<PathBuf>,
        /// Output folder; nothing is written outside it.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "msgraph")]
        crate_name: String,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Print every warning, not only the summary.
        #[arg(long)]
        verbose: bool,
        #[arg(long)]
        threads: Option<usize>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            docs,
            format,
            deny_warnings,
            notes,
            threads,
        } => check(config(docs, threads), format, deny_warnings, notes),
        Command::Generate {
            docs,
            out,
            crate_name,
            format,
            verbose,
            threads,
        } => generate(
            config(docs, threads).with_crate_name(crate_name),
            out,
            format,
            verbose,
        ),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn config(docs: Vec<PathBuf>, threads: Option<usize>) -> Config {
    let config = docs.into_iter().fold(Config::new(), Config::with_docs);
    match threads {
        Some(threads) => config.with_threads(threads),
        None => config,
    }
}

fn check(
    config: Config,
    format: Format,
    deny_warnings: bool,
    notes: bool,
) -> Result<ExitCode, graphdoc::Error> {
    let report = config.check()?;
    let summary = Summary::of(&report.diagnostics);
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "counts": report.counts,
                "summary": summary,
                "diagnostics": report.diagnostics,
            });
            println!("{json}");
        }
        Format::Human => {
            print_diagnostics(&report.diagnostics, &report.pages, notes);
            let counts = &report.counts;
            println!(
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
            );
            let tables: Vec<String> = counts
                .tables
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect();
            println!("tables: {}", tables.join(", "));
            print_summary(&summary);
        }
    }
    Ok(exit_code(&summary, deny_warnings))
}

fn generate(
    config: Config,
    out: PathBuf,
    format: Format,
    verbose: bool,
) -> Result<ExitCode, graphdoc::Error> {
    let generation = config.generate()?;
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        graphdoc::emit::manifest::cargo_toml(config.crate_name()),
    );
    for (path, contents) in generation.files {
        files.insert(format!("src/{path}"), contents);
    }
    let written = graphdoc::write::write_files(&out, &files)?;
    let summary = Summary::of(&generation.diagnostics);
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "counts": generation.counts,
                "files": files.len(),
                "written": written.written.len(),
                "summary": summary,
                "diagnostics": generation.diagnostics,
            });
            println!("{json}");
        }
        Format::Human => {
            if verbose {
                print_diagnostics(&generation.diagnostics, &generation.pages, false);
            }
            let counts = &generation.counts;
            println!(
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
            );
            print_summary(&summary);
        }
    }
    Ok(exit_code(&summary, false))
}

fn print_diagnostics(diagnostics: &[Diagnostic], pages: &[Page], notes: bool) {
    let sources: BTreeMap<&str, &str> = pages
        .iter()
        .map(|p| (p.path.as_str(), p.lines.text()))
        .collect();
    let color = std::io::stdout().is_terminal();
    let mut stdout = std::io::stdout().lock();
    for diagnostic in diagnostics
        .iter()
        .filter(|d| notes || d.severity > Severity::Note)
    {
        let source = sources.get(diagnostic.file.as_str()).copied();
        // A closed pipe (`| head`) is not an error worth a panic.
        if writeln!(stdout, "{}\n", render(diagnostic, source, color)).is_err() {
            return;
        }
    }
}

fn print_summary(summary: &Summary) {
    let codes: Vec<String> = summary
        .by_code
        .iter()
        .map(|(code, n)| format!("{code}: {n}"))
        .collect();
    println!(
        "{} errors, {} warnings, {} notes{}{}",
        summary.errors,
        summary.warnings,
        summary.notes,
        if codes.is_empty() { "" } else { " — " },
        codes.join(", ")
    );
}

fn exit_code(summary: &Summary, deny_warnings: bool) -> ExitCode {
    if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

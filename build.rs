//! Regenerates the crate's source in `generated/` from the pages in `docs/`.
//!
//! Files are written only when their contents change, so a build with unchanged pages neither
//! rewrites nor recompiles anything. Page problems reach the user as cargo warnings with
//! file:line:column; they fail the build only when nothing usable could be generated.

use std::path::Path;
use std::process::ExitCode;

use graphdoc::diagnostics::Severity;

fn main() -> ExitCode {
    // Explicit rerun rules replace cargo's default of rerunning on any change in the package.
    println!("cargo:rerun-if-changed=docs");
    println!("cargo:rerun-if-changed=build.rs");

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = root.join("generated");
    let generation = match graphdoc::Config::new()
        .with_docs(root.join("docs"))
        .generate()
    {
        Ok(generation) => generation,
        Err(error) if generated.join("lib.rs").exists() => {
            println!("cargo:warning=graphdoc: {error}; keeping the committed generated/ sources");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("graphdoc: {error}");
            return ExitCode::FAILURE;
        }
    };
    for diagnostic in generation
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
    {
        println!("cargo:warning={diagnostic}");
    }
    // Cargo reads the manifest before this script runs, so the features table cannot be
    // written here: say what it must be.
    let expected = graphdoc::emit::manifest::features_table(&generation.features);
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let written = graphdoc::emit::manifest::features_table_in(&manifest).unwrap_or_default();
    if written.trim_end() != expected.trim_end() {
        println!("cargo:warning=Cargo.toml's [features] table does not match the generated modules; it must read:");
        for line in expected.lines() {
            println!("cargo:warning=  {line}");
        }
    }
    match graphdoc::write::write_files(&generated, &generation.files) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("graphdoc: {error}");
            ExitCode::FAILURE
        }
    }
}

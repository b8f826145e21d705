//! The API model → Rust source files: one module per area, each with its structs, enums and
//! endpoint functions, plus `lib.rs` and the `runtime` support module.
//!
//! Names are decided once, up front and in key order ([`Naming`]), so every emitter refers to
//! other items the same way and the output does not depend on thread scheduling. Modules are
//! then emitted in parallel and formatted with prettyplease.

pub mod docs;
mod enums;
mod examples;

pub use examples::{BodyCounts, ExampleCounts, ExampleReport};
pub mod ident;
pub mod manifest;
mod operations;
mod structs;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;
use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::model::{ApiModel, TypeKey};
use ident::Names;

pub use types::PRIMITIVE_MAPPING;

/// The source of the `runtime` module every generated crate carries.
pub const RUNTIME_SOURCE: &str = include_str!("../../runtime/runtime.rs");

#[derive(Debug, Clone)]
pub struct EmitOptions {
    pub crate_name: String,
}

/// Emitted files by path relative to the crate's source folder (`lib.rs`, `users.rs`, ...).
#[derive(Debug)]
pub struct Emitted {
    pub files: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
    /// What became of the pages' examples.
    pub examples: ExampleReport,
    /// Time spent building token streams, and formatting them, summed over worker threads.
    pub emit_time: Duration,
    pub format_time: Duration,
}

/// Where an item is emitted and what it is called there.
#[derive(Debug, Clone)]
pub struct ItemName {
    pub module: String,
    pub name: String,
}

/// Every Rust name in the crate, decided before any code is emitted.
#[derive(Debug)]
pub struct Naming {
    /// Model module name → Rust module name.
    pub modules: BTreeMap<String, String>,
    pub types: BTreeMap<TypeKey, ItemName>,
    /// Fields of a struct that close a cycle of plain (non-collection) fields: boxed.
    pub boxed: BTreeSet<(TypeKey, String)>,
    /// Enums whose values combine (`"a,b"`): properties of these types hold a set of members.
    pub flags: BTreeSet<TypeKey>,
}

impl Naming {
    fn new(model: &ApiModel, diagnostics: &mut Vec<Diagnostic>) -> Naming {
        // `lib` and `main` are files cargo gives a meaning to; `runtime` is the support module.
        let mut module_names =
            Names::reserving(&["runtime", "lib", "main", "mod", "build", "tests", "prelude"]);
        let all_modules: BTreeSet<&str> = model
            .types
            .values()
            .map(|t| t.module.as_str())
            .chain(model.enums.values().map(|e| e.module.as_str()))
            .chain(model.operations.iter().map(|o| o.module.as_str()))
            .collect();
        let modules: BTreeMap<String, String> = all_modules
            .into_iter()
            .map(|m| (m.to_owned(), module_names.claim(&ident::snake_name(m))))
            .collect();

        // Type names are unique crate-wide so that any two can be used side by side; Graph
        // names collide only across namespaces, and the first key in order keeps the plain name.
        let mut type_names = Names::new();
        let mut types = BTreeMap::new();
        let keyed = model
            .types
            .values()
            .map(|t| (&t.key, &t.name, &t.namespace, &t.module, &t.source))
            .chain(
                model
                    .enums
                    .values()
                    .map(|e| (&e.key, &e.name, &e.namespace, &e.module, &e.source)),
            );
        let mut ordered: Vec<_> = keyed.collect();
        ordered.sort_by(|a, b| a.0.cmp(b.0));
        for (key, name, namespace, module, source) in ordered {
            let wanted = ident::type_name(name);
            let wanted = if type_names.is_taken(&wanted) {
                // Qualify with the namespace's last part before falling back to a number.
                let qualifier = namespace.rsplit('.').next().unwrap_or("");
                ident::type_name(&format!("{qualifier} {name}"))
            } else {
                wanted
            };
            let claimed = type_names.claim(&wanted);
            if claimed != ident::type_name(name) {
                diagnostics.push(Diagnostic::new(
                    Severity::Note,
                    Code::NameCollision,
                    source.page.clone(),
                    Location {
                        line: source.line,
                        column: 1,
                        offset: 0,
                    },
                    format!("type `{key}` is emitted as `{claimed}`: its plain name is taken"),
                ));
            }
            let module = modules.get(module.as_str()).cloned().unwrap_or_default();
            types.insert(
                key.clone(),
                ItemName {
                    module,
                    name: claimed,
                },
            );
        }
        let flags = model
            .enums
            .values()
            .filter(|e| e.flags)
            .map(|e| e.key.clone())
            .collect();
        Naming {
            modules,
            types,
            boxed: boxed_fields(model),
            flags,
        }
    }

    /// The path of a type from anywhere in the crate: `crate::insights::SharedInsight`.
    pub fn type_path(&self, key: &TypeKey) -> Option<TokenStream> {
        let item = self.types.get(key)?;
        let module = ident::ident(&item.module);
        let name = ident::ident(&item.name);
        Some(quote!(crate::#module::#name))
    }
}

/// The single-valued fields held in a `Box`:
/// - navigation properties and fields typed by an entity (a type with a key): each is a separate
///   resource, and holding the whole entity graph inline makes structs tens of kilobytes large,
///   enough to overflow a thread's stack while serde reads one;
/// - fields that would make a struct contain itself by value: a field whose type can reach the
///   struct again through inline fields.
fn boxed_fields(model: &ApiModel) -> BTreeSet<(TypeKey, String)> {
    use crate::model::TypeRef;
    let is_entity = |key: &TypeKey| model.ancestry(key).any(|t| t.key_property.is_some());
    let mut boxed = BTreeSet::new();
    let mut edges: BTreeMap<&TypeKey, Vec<(&str, &TypeKey)>> = BTreeMap::new();
    for key in model.types.keys() {
        let inline = edges.entry(key).or_default();
        for property in model
            .all_properties(key)
            .into_iter()
            .filter(|p| !p.ty.collection)
        {
            let TypeRef::Complex(target) = &property.ty.target else {
                continue;
            };
            if !model.types.contains_key(target) {
                continue;
            }
            if property.navigation || is_entity(target) {
                boxed.insert((key.clone(), property.name.clone()));
            } else {
                inline.push((property.name.as_str(), target));
            }
        }
    }
    let reaches = |from: &TypeKey, to: &TypeKey| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(current) = stack.pop() {
            if current == to {
                return true;
            }
            if seen.insert(current) {
                stack.extend(edges.get(current).into_iter().flatten().map(|(_, t)| *t));
            }
        }
        false
    };
    for (key, fields) in &edges {
        for (field, target) in fields {
            if reaches(target, key) {
                boxed.insert(((*key).clone(), (*field).to_owned()));
            }
        }
    }
    boxed
}

/// Emits the crate's source files.
pub fn emit(model: &ApiModel, options: &EmitOptions) -> Emitted {
    let mut diagnostics = Vec::new();
    let naming = Naming::new(model, &mut diagnostics);

    // Token streams cannot cross threads, so each module is emitted and formatted on one; the
    // two are timed apart and summed over the modules.
    let timed = |emit: &dyn Fn() -> (TokenStream, ExampleReport)| {
        let started = Instant::now();
        let (tokens, report) = emit();
        let emitted = started.elapsed();
        let started = Instant::now();
        let contents = format_file(tokens);
        (contents, report, emitted, started.elapsed())
    };
    let modules: Vec<(&String, &String)> = naming.modules.iter().collect();
    let mut formatted: Vec<(String, (String, ExampleReport, Duration, Duration))> = modules
        .par_iter()
        .map(|(model_module, rust_module)| {
            (
                format!("{rust_module}.rs"),
                timed(&|| emit_module(model, &naming, model_module)),
            )
        })
        .collect();
    let lib = timed(&|| (emit_lib(model, &naming, options), ExampleReport::default()));
    formatted.push(("lib.rs".to_owned(), lib));

    let mut files = BTreeMap::new();
    let mut examples = ExampleReport::default();
    let (mut emit_time, mut format_time) = (Duration::ZERO, Duration::ZERO);
    for (path, (contents, report, emitted, formatting)) in formatted {
        files.insert(path, contents);
        examples.merge(report);
        emit_time += emitted;
        format_time += formatting;
    }
    diagnostics.append(&mut examples.diagnostics);
    files.insert("runtime.rs".to_owned(), RUNTIME_SOURCE.to_owned());
    Emitted {
        files,
        diagnostics,
        examples,
        emit_time,
        format_time,
    }
}

fn emit_module(
    model: &ApiModel,
    naming: &Naming,
    model_module: &str,
) -> (TokenStream, ExampleReport) {
    let structs = model
        .types
        .values()
        .filter(|t| t.module == model_module)
        .map(|t| structs::emit_struct(model, naming, t));
    let enums = model
        .enums
        .values()
        .filter(|e| e.module == model_module)
        .map(|e| enums::emit_enum(naming, e));
    let items: Vec<TokenStream> = structs.chain(enums).collect();
    let module_operations: Vec<_> = model
        .operations
        .iter()
        .filter(|o| o.module == model_module)
        .collect();
    let function_names = operations::function_names(&module_operations);
    let functions = operations::emit_operations(naming, &module_operations, &function_names);
    let (tests, report) =
        examples::emit_example_tests(model, naming, &module_operations, &function_names);
    let doc = format!(" Types and operations of the `{model_module}` area of the reference.");
    let tokens = quote! {
        #![doc = #doc]
        #![doc = ""]
        #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
        #(#items)*
        #functions
        #tests
    };
    (tokens, report)
}

fn emit_lib(model: &ApiModel, naming: &Naming, options: &EmitOptions) -> TokenStream {
    let modules = naming.modules.values().map(|m| {
        let m = ident::ident(m);
        quote!(pub mod #m;)
    });
    let summary = format!(
        " `{}`: {} types, {} enums and {} operations of Microsoft Graph, generated by graphdoc from the API reference pages.",
        options.crate_name,
        model.types.len(),
        model.enums.len(),
        model.operations.len()
    );
    quote! {
        #![doc = #summary]
        #![doc = ""]
        #![doc = " Each module holds the types and endpoint functions of one area of the reference. An endpoint"]
        #![doc = " function returns a [`runtime::Request`]: turn it into an `http::Request` with"]
        #![doc = " [`runtime::Request::into_http`], send it with any client, and read the answer with"]
        #![doc = " [`runtime::Request::parse_response`]."]
        #![doc = ""]
        #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
        pub mod runtime;
        #(#modules)*
    }
}

/// Formats a token stream as a Rust file. Emitted tokens always parse; if they ever did not,
/// the unformatted tokens are written so the compiler points at the problem.
pub fn format_file(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => separate_items(&prettyplease::unparse(&file)),
        Err(_) => tokens.to_string(),
    }
}

/// prettyplease puts top-level items on consecutive lines; a blank line after each item's
/// closing brace makes the file read like hand-written code.
fn separate_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 20);
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let item_ends = line == "}" || (line.starts_with("pub mod ") && line.ends_with(';'));
        let module_doc_ends =
            line.starts_with("//!") && lines.peek().is_some_and(|next| !next.starts_with("//!"));
        if module_doc_ends
            || item_ends
                && lines
                    .peek()
                    .is_some_and(|next| !next.is_empty() && !next.starts_with("pub mod "))
        {
            out.push('\n');
        }
    }
    out
}

//! The API model → Rust source files: one module per area with its structs and enums, the
//! navigation surface (`paths.rs`, the operations), `lib.rs` and the `runtime` support module.
//!
//! Names are decided once, up front and in key order ([`Naming`]), so every emitter refers to
//! other items the same way and the output does not depend on thread scheduling. Modules are
//! then emitted in parallel and formatted with prettyplease.

pub mod docs;
mod enums;
mod examples;
pub mod gate;

pub use examples::{BodyCounts, ExampleCounts, ExampleReport};
pub mod ident;
pub mod manifest;
mod operations;
pub mod paths;
mod structs;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;
use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::model::{ApiModel, Operation, TypeKey, TypeRef};
use gate::Gate;
use ident::Names;
use paths::PathNames;

pub use types::PRIMITIVE_MAPPING;

/// The files of the `runtime` module every generated crate carries, and of its optional
/// `client` module, by their paths in the crate's source folder.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("runtime.rs", include_str!("../../runtime/runtime.rs")),
    ("runtime/batch.rs", include_str!("../../runtime/batch.rs")),
    ("runtime/delta.rs", include_str!("../../runtime/delta.rs")),
    ("runtime/object.rs", include_str!("../../runtime/object.rs")),
    (
        "runtime/testing.rs",
        include_str!("../../runtime/testing.rs"),
    ),
    ("client.rs", include_str!("../../runtime/client.rs")),
];

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
    /// The cargo feature of each module, in order.
    pub features: ModuleFeatures,
    /// Time spent building token streams, and formatting them, summed over worker threads.
    pub emit_time: Duration,
    pub format_time: Duration,
}

/// The module features of a crate: one per module, each independent of the others (see
/// `gated_fields`).
pub type ModuleFeatures = BTreeSet<String>;

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
    /// Fields that exist only with another module's feature (see `gated_fields`), with it.
    pub gated: BTreeMap<(TypeKey, String), String>,
    /// Every type derived from a type, directly or not, in key order.
    pub descendants: BTreeMap<TypeKey, Vec<TypeKey>>,
    /// The navigation surface's names.
    pub paths: PathNames,
}

impl Naming {
    fn new(model: &ApiModel, diagnostics: &mut Vec<Diagnostic>) -> Naming {
        // `lib` and `main` are files cargo gives a meaning to; `runtime` is the support module.
        // `full`, `default` and `client` are the crate's own features, and each module is a
        // feature.
        let mut module_names = Names::reserving(&[
            "runtime", "paths", "client", "lib", "main", "mod", "build", "tests", "prelude",
            "full", "default",
        ]);
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
                    Location::at_line(source.line),
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
        let mut naming = Naming {
            modules,
            gated: gated_fields(model, &types),
            types,
            boxed: boxed_fields(model),
            descendants: descendants(model),
            flags,
            paths: PathNames::default(),
        };
        naming.paths = PathNames::new(model, &naming, diagnostics);
        naming
    }

    /// The features an operation's method and example tests need: its own module's, and
    /// those of the other modules whose types it takes or returns. Like a gated field, such an
    /// operation joins the crate when all those areas are enabled.
    pub fn operation_features(&self, operation: &Operation) -> BTreeSet<String> {
        let own = self.modules.get(&operation.module).map(|m| feature_name(m));
        let types = operation
            .body
            .iter()
            .chain(&operation.response)
            .filter_map(|ty| match &ty.target {
                TypeRef::Complex(key) | TypeRef::Enum(key) => self.types.get(key),
                TypeRef::Primitive(_) | TypeRef::Unresolved(_) => None,
            })
            .map(|item| feature_name(&item.module));
        own.into_iter().chain(types).map(str::to_owned).collect()
    }

    /// When an operation's method exists: see [`Self::operation_features`].
    pub fn operation_gate(&self, operation: &Operation) -> Gate {
        Gate::all(self.operation_features(operation))
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

fn descendants(model: &ApiModel) -> BTreeMap<TypeKey, Vec<TypeKey>> {
    let mut descendants: BTreeMap<TypeKey, Vec<TypeKey>> = BTreeMap::new();
    for key in model.types.keys() {
        for ancestor in model.ancestry(key).skip(1) {
            descendants
                .entry(ancestor.key.clone())
                .or_default()
                .push(key.clone());
        }
    }
    descendants
}

/// Emits the crate's source files.
pub fn emit(model: &ApiModel, options: &EmitOptions) -> Emitted {
    emit_pieces(model, options, true)
}

/// What [`emit`] reports about the model (name collisions, examples that do not fit their
/// types), without formatting or keeping any code: the cost of `graphdoc check`.
pub fn diagnose(model: &ApiModel, options: &EmitOptions) -> Vec<Diagnostic> {
    emit_pieces(model, options, false).diagnostics
}

/// Emits every piece of the crate, and formats the pieces into files when `format` is set.
fn emit_pieces(model: &ApiModel, options: &EmitOptions, format: bool) -> Emitted {
    let mut diagnostics = Vec::new();
    let naming = Naming::new(model, &mut diagnostics);
    let plans: Vec<ModulePlan> = naming
        .modules
        .iter()
        .map(|(model_module, rust_module)| ModulePlan::new(model, model_module, rust_module))
        .collect();
    // Files in order: the area modules, `paths.rs`, `lib.rs`.
    let paths_file = plans.len();
    let lib_file = plans.len() + 1;
    let mut pieces: Vec<(usize, Piece)> = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        pieces.extend(plan.pieces(model).into_iter().map(|piece| (index, piece)));
    }
    pieces.push((paths_file, Piece::PathsDoc));
    pieces.push((paths_file, Piece::Roots));
    pieces.extend((1..model.paths.nodes.len()).map(|node| (paths_file, Piece::Node(node))));
    pieces.push((lib_file, Piece::Lib));

    // Token streams cannot cross threads, so each piece is emitted and formatted on one
    // worker; pieces rather than whole modules, so that one big module does not leave the
    // other workers idle. Emission and formatting are timed apart and summed.
    let done: Vec<(usize, EmittedPiece)> = pieces
        .par_iter()
        .map(|(index, piece)| {
            let started = Instant::now();
            let (tokens, report) = piece.emit(model, &naming, options);
            let emit_time = started.elapsed();
            let started = Instant::now();
            let source = if format {
                format_file(tokens)
            } else {
                String::new()
            };
            let emitted = EmittedPiece {
                source,
                report,
                emit_time,
                format_time: started.elapsed(),
            };
            (*index, emitted)
        })
        .collect();

    let mut sources: Vec<Vec<String>> = vec![Vec::new(); lib_file + 1];
    let mut examples = ExampleReport::default();
    let (mut emit_time, mut format_time) = (Duration::ZERO, Duration::ZERO);
    for (index, piece) in done {
        // A module without example tests has an empty tests piece.
        if let Some(module) = sources.get_mut(index).filter(|_| !piece.source.is_empty()) {
            module.push(piece.source);
        }
        examples.merge(piece.report);
        emit_time += piece.emit_time;
        format_time += piece.format_time;
    }
    let mut files = BTreeMap::new();
    if format {
        let paths = plans
            .iter()
            .map(|plan| format!("{}.rs", plan.rust_module))
            .chain(["paths.rs".to_owned(), "lib.rs".to_owned()]);
        for (path, pieces) in paths.zip(sources) {
            files.insert(path, pieces.join("\n"));
        }
        for (path, source) in RUNTIME_FILES {
            files.insert((*path).to_owned(), (*source).to_owned());
        }
    }
    diagnostics.append(&mut examples.diagnostics);
    let features = naming
        .modules
        .values()
        .map(|m| feature_name(m).to_owned())
        .collect();
    Emitted {
        files,
        diagnostics,
        examples,
        features,
        emit_time,
        format_time,
    }
}

/// A module's operations, with their indices in the model.
struct ModulePlan<'m> {
    model_module: &'m str,
    rust_module: &'m str,
    operations: Vec<(usize, &'m Operation)>,
}

impl<'m> ModulePlan<'m> {
    fn new(model: &'m ApiModel, model_module: &'m str, rust_module: &'m str) -> Self {
        let operations = model
            .operations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.module == model_module)
            .collect();
        ModulePlan {
            model_module,
            rust_module,
            operations,
        }
    }

    /// The module's pieces in file order: its doc, structs, enums, example tests.
    fn pieces(&'m self, model: &'m ApiModel) -> Vec<Piece<'m>> {
        let mut pieces = vec![Piece::ModuleDoc(self.model_module)];
        pieces.extend(
            model
                .types
                .values()
                .filter(|t| t.module == self.model_module)
                .map(Piece::Struct),
        );
        pieces.extend(
            model
                .enums
                .values()
                .filter(|e| e.module == self.model_module)
                .map(Piece::Enum),
        );
        pieces.push(Piece::Tests(self));
        pieces
    }
}

/// A part of a file that is emitted and formatted on its own.
enum Piece<'m> {
    ModuleDoc(&'m str),
    Struct(&'m crate::model::ComplexType),
    Enum(&'m crate::model::EnumType),
    /// The example tests of every operation of the module, which share one test module.
    Tests(&'m ModulePlan<'m>),
    PathsDoc,
    /// The functions that start a walk, at the crate root.
    Roots,
    /// A node of the path tree: its struct and methods.
    Node(crate::model::paths::NodeId),
    Lib,
}

impl Piece<'_> {
    fn emit(
        &self,
        model: &ApiModel,
        naming: &Naming,
        options: &EmitOptions,
    ) -> (TokenStream, ExampleReport) {
        let tokens = match self {
            Piece::ModuleDoc(model_module) => {
                let doc = format!(" Types of the `{model_module}` area of the reference.");
                quote! {
                    #![doc = #doc]
                    #![doc = ""]
                    #![doc = " Its operations are methods of the [`crate::paths`] nodes of their paths."]
                    #![doc = ""]
                    #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
                }
            }
            Piece::Struct(ty) => structs::emit_struct(model, naming, ty),
            Piece::Enum(ty) => enums::emit_enum(naming, ty),
            Piece::Tests(plan) => {
                return examples::emit_example_tests(model, naming, &plan.operations)
            }
            Piece::PathsDoc => paths::emit_module_doc(),
            Piece::Roots => paths::emit_roots(model, naming),
            Piece::Node(node) => paths::emit_node(model, naming, *node),
            Piece::Lib => emit_lib(model, naming, options),
        };
        (tokens, ExampleReport::default())
    }
}

struct EmittedPiece {
    source: String,
    report: ExampleReport,
    emit_time: Duration,
    format_time: Duration,
}

/// A field typed by another module's type exists only when that module's feature is on;
/// without it, the value is kept in `additional_properties`, so nothing is lost. Modules then
/// never need each other: the areas of Graph reach each other through relationships and
/// shared value types, so a feature that enabled the modules its types use would enable
/// nearly the whole crate, whichever area it named.
fn gated_fields(
    model: &ApiModel,
    types: &BTreeMap<TypeKey, ItemName>,
) -> BTreeMap<(TypeKey, String), String> {
    let mut gated = BTreeMap::new();
    for key in model.types.keys() {
        let Some(own) = types.get(key) else { continue };
        for property in model.all_properties(key) {
            let (TypeRef::Complex(target) | TypeRef::Enum(target)) = &property.ty.target else {
                continue;
            };
            if let Some(other) = types.get(target).filter(|t| t.module != own.module) {
                gated.insert(
                    (key.clone(), property.name.clone()),
                    feature_name(&other.module).to_owned(),
                );
            }
        }
    }
    gated
}

/// The cargo feature of a module: its name without a raw-identifier prefix.
fn feature_name(module: &str) -> &str {
    module.strip_prefix("r#").unwrap_or(module)
}

fn emit_lib(model: &ApiModel, naming: &Naming, options: &EmitOptions) -> TokenStream {
    let modules = naming.modules.values().map(|m| {
        let feature = feature_name(m);
        let m = ident::ident(m);
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            pub mod #m;
        }
    });
    let summary = format!(
        " `{}`: {} types, {} enums and {} operations of Microsoft Graph, generated by graphdoc from the API reference pages.",
        options.crate_name,
        model.types.len(),
        model.enums.len(),
        model.operations.len()
    );
    let roots = paths::emit_root_exports(model, naming);
    quote! {
        #![doc = #summary]
        #![doc = ""]
        #![doc = " Start from a function of this page, named after the first segment of a documented path, and"]
        #![doc = " follow the path: `me().messages().list()` is `GET /me/messages`. Each step is a node of"]
        #![doc = " [`paths`]; each operation is a method of the node of its path, returning a"]
        #![doc = " [`runtime::Request`]: turn it into an `http::Request` with [`runtime::Request::into_http`],"]
        #![doc = " send it with any client, and read the answer with [`runtime::Request::parse_response`]."]
        #![doc = " Or let the optional [`client`] (feature `client`) send it: `client.send(me().get()).await?`."]
        #![doc = ""]
        #![doc = " The types of each area of the reference are in a module compiled only with the cargo feature"]
        #![doc = " of the same name; `full` enables every module. Modules never need each other: a field or"]
        #![doc = " operation that uses another module's type exists when that module's feature is on too."]
        #![doc = ""]
        #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
        // The files are formatted by the generator; `cargo fmt` in a workspace that holds the
        // crate must leave them as generated.
        #[rustfmt::skip]
        pub mod runtime;
        #[rustfmt::skip]
        pub mod paths;
        /// An async client over reqwest: see [`client::Client`]. Compiled with the `client`
        /// feature.
        #[cfg(feature = "client")]
        #[rustfmt::skip]
        pub mod client;
        #(#modules)*
        #roots
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

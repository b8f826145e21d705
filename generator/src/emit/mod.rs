//! The API model → Rust source files: every struct and enum in `models` (a sub-module per
//! namespace other than Graph's), the navigation surface (`paths.rs`, the operations), the
//! example tests (`examples.rs`), `lib.rs` and the `runtime` support module. Each item carries
//! the `cfg` of the area features that bring it ([`slices`]).
//!
//! Names are decided once, up front and in key order ([`Naming`]), so every emitter refers to
//! other items the same way and the output does not depend on thread scheduling. The pieces
//! are then emitted in parallel and formatted with prettyplease.

pub mod docs;
mod enums;
mod examples;
pub mod gate;

pub use examples::{BodyCounts, ExampleCounts, ExampleReport};
pub mod ident;
pub mod manifest;
mod operations;
pub mod paths;
pub mod slices;
mod structs;
mod text;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;
use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::model::{ApiModel, Operation, TypeKey};
use ident::Names;
use paths::PathNames;
use slices::Slices;

pub use types::PRIMITIVE_MAPPING;

/// The files of the `runtime` module every generated crate carries, and of its optional
/// `client` module, by their paths in the crate's source folder.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("runtime.rs", include_str!("../../runtime/runtime.rs")),
    ("runtime/batch.rs", include_str!("../../runtime/batch.rs")),
    (
        "runtime/collection.rs",
        include_str!("../../runtime/collection.rs"),
    ),
    (
        "runtime/content.rs",
        include_str!("../../runtime/content.rs"),
    ),
    ("runtime/delta.rs", include_str!("../../runtime/delta.rs")),
    ("runtime/error.rs", include_str!("../../runtime/error.rs")),
    ("runtime/odata.rs", include_str!("../../runtime/odata.rs")),
    ("runtime/path.rs", include_str!("../../runtime/path.rs")),
    (
        "runtime/primitives.rs",
        include_str!("../../runtime/primitives.rs"),
    ),
    (
        "runtime/request.rs",
        include_str!("../../runtime/request.rs"),
    ),
    (
        "runtime/support.rs",
        include_str!("../../runtime/support.rs"),
    ),
    (
        "runtime/testing.rs",
        include_str!("../../runtime/testing.rs"),
    ),
    ("runtime/types.rs", include_str!("../../runtime/types.rs")),
    ("runtime/upload.rs", include_str!("../../runtime/upload.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("client/azure.rs", include_str!("../../runtime/azure.rs")),
    ("client/files.rs", include_str!("../../runtime/files.rs")),
];

#[derive(Debug, Clone)]
pub struct EmitOptions {
    pub crate_name: String,
}

/// Emitted files by path relative to the crate's source folder (`lib.rs`, `models.rs`, ...).
#[derive(Debug)]
pub struct Emitted {
    pub files: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
    /// What became of the pages' examples.
    pub examples: ExampleReport,
    /// The cargo feature of each area, in order.
    pub features: AreaFeatures,
    /// Time spent building token streams, and formatting them, summed over worker threads.
    pub emit_time: Duration,
    pub format_time: Duration,
}

/// The area features of a crate, in order.
pub type AreaFeatures = BTreeSet<String>;

/// Where a type is emitted and what it is called there.
#[derive(Debug, Clone)]
pub struct ItemName {
    /// The sub-module of `models` for a namespace of its own (`call_records`), else empty.
    pub module: String,
    pub name: String,
}

/// Every Rust name in the crate, decided before any code is emitted.
#[derive(Debug)]
pub struct Naming {
    /// Sub-modules of `models`, one per namespace other than Graph's own, by namespace (lower
    /// case).
    pub namespaces: BTreeMap<String, String>,
    pub types: BTreeMap<TypeKey, ItemName>,
    /// Fields of a struct that close a cycle of plain (non-collection) fields: boxed.
    pub boxed: BTreeSet<(TypeKey, String)>,
    /// Enums whose values combine (`"a,b"`): properties of these types hold a set of members.
    pub flags: BTreeSet<TypeKey>,
    /// The features, and when each type and operation is compiled.
    pub slices: Slices,
    /// Every type derived from a type, directly or not, in key order.
    pub descendants: BTreeMap<TypeKey, Vec<TypeKey>>,
    /// The navigation surface's names.
    pub paths: PathNames,
}

impl Naming {
    fn new(model: &ApiModel, diagnostics: &mut Vec<Diagnostic>) -> Naming {
        let keyed = model
            .types
            .values()
            .map(|t| (&t.key, &t.name, &t.namespace, &t.source))
            .chain(
                model
                    .enums
                    .values()
                    .map(|e| (&e.key, &e.name, &e.namespace, &e.source)),
            );
        let mut ordered: Vec<_> = keyed.collect();
        ordered.sort_by(|a, b| a.0.cmp(b.0));

        // Graph's own namespace and the request bodies graphdoc names are `models` itself;
        // every other namespace is a sub-module, since its names collide with Graph's.
        let mut module_names = Names::new();
        let mut namespaces = BTreeMap::new();
        for (_, _, namespace, _) in &ordered {
            let lower = namespace.to_ascii_lowercase();
            if namespaces.contains_key(&lower) {
                continue;
            }
            let module = match namespace_module(namespace) {
                Some(words) => module_names.claim(&ident::snake_name(&words)),
                None => String::new(),
            };
            namespaces.insert(lower, module);
        }

        // Type names are unique in their module; the first key in order keeps the plain name.
        let mut type_names: BTreeMap<&str, Names> = BTreeMap::new();
        let mut types = BTreeMap::new();
        for (key, name, namespace, source) in ordered {
            let module = namespaces
                .get(&namespace.to_ascii_lowercase())
                .map_or("", String::as_str);
            let names = type_names.entry(module).or_default();
            let wanted = ident::type_name(name);
            let wanted = if names.is_taken(&wanted) {
                // Qualify with the namespace's last part before falling back to a number.
                let qualifier = namespace.rsplit('.').next().unwrap_or("");
                ident::type_name(&format!("{qualifier} {name}"))
            } else {
                wanted
            };
            let claimed = names.claim(&wanted);
            if claimed != ident::type_name(name) {
                diagnostics.push(Diagnostic::new(
                    Severity::Note,
                    Code::NameCollision,
                    source.page.clone(),
                    Location::at_line(source.line),
                    format!("type `{key}` is emitted as `{claimed}`: its plain name is taken"),
                ));
            }
            types.insert(
                key.clone(),
                ItemName {
                    module: module.to_owned(),
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
        let mut paths = PathNames::new(model, diagnostics);
        let slices = Slices::new(model, &paths.sharing);
        paths.gate_nodes(model, &slices);
        Naming {
            namespaces,
            types,
            boxed: boxed_fields(model),
            descendants: descendants(model),
            flags,
            slices,
            paths,
        }
    }

    /// The sub-modules of `models`, in order.
    pub fn model_modules(&self) -> BTreeSet<&str> {
        self.namespaces
            .values()
            .map(String::as_str)
            .filter(|m| !m.is_empty())
            .collect()
    }

    /// The path of a type from anywhere in the crate: `crate::models::SharedInsight`,
    /// `crate::models::call_records::Session`.
    pub fn type_path(&self, key: &TypeKey) -> Option<TokenStream> {
        let item = self.types.get(key)?;
        let name = ident::ident(&item.name);
        Some(if item.module.is_empty() {
            quote!(crate::models::#name)
        } else {
            let module = ident::ident(&item.module);
            quote!(crate::models::#module::#name)
        })
    }
}

/// The words of the `models` sub-module for a namespace, or `None` for `models` itself:
/// `microsoft.graph.callRecords` → `callRecords`, `microsoft.teams.graphSvc` → `teams graphSvc`.
fn namespace_module(namespace: &str) -> Option<String> {
    let own = [
        crate::model::DEFAULT_NAMESPACE,
        crate::model::BODY_NAMESPACE,
    ];
    if own.iter().any(|n| namespace.eq_ignore_ascii_case(n)) {
        return None;
    }
    let strip = |prefix: &str| {
        namespace
            .get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &namespace[prefix.len()..])
    };
    let rest = strip("microsoft.graph.")
        .or_else(|| strip("microsoft."))
        .unwrap_or(namespace);
    Some(rest.replace('.', " "))
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
    // Files in order: `models.rs`, a file per sub-module of `models`, `paths.rs`,
    // `examples.rs`, `lib.rs`.
    let mut paths: Vec<String> = vec!["models.rs".to_owned()];
    paths.extend(
        naming
            .model_modules()
            .into_iter()
            .map(|m| format!("models/{m}.rs")),
    );
    let file_of_module: BTreeMap<&str, usize> = std::iter::once("")
        .chain(naming.model_modules())
        .zip(0..)
        .collect();
    let paths_file = paths.len();
    let examples_file = paths_file + 1;
    let lib_file = paths_file + 2;
    paths.extend(["paths.rs", "examples.rs", "lib.rs"].map(str::to_owned));

    let module_of = |key: &TypeKey| {
        let module = naming
            .types
            .get(key)
            .map_or("", |item| item.module.as_str());
        file_of_module.get(module).copied().unwrap_or(0)
    };
    let mut pieces: Vec<(usize, Piece)> = file_of_module
        .iter()
        .map(|(module, &file)| (file, Piece::ModelsDoc(module)))
        .collect();
    pieces.extend(
        model
            .types
            .values()
            .map(|ty| (module_of(&ty.key), Piece::Struct(ty))),
    );
    pieces.extend(
        model
            .enums
            .values()
            .map(|ty| (module_of(&ty.key), Piece::Enum(ty))),
    );
    pieces.push((paths_file, Piece::PathsDoc));
    pieces.push((paths_file, Piece::Roots));
    pieces.extend((1..model.paths.nodes.len()).map(|node| (paths_file, Piece::Node(node))));
    pieces.push((examples_file, Piece::ExamplesDoc));
    let mut by_area: BTreeMap<&str, Vec<(usize, &Operation)>> = BTreeMap::new();
    for (index, operation) in model.operations.iter().enumerate() {
        by_area
            .entry(operation.area.as_str())
            .or_default()
            .push((index, operation));
    }
    pieces.extend(
        by_area
            .into_values()
            .map(|operations| (examples_file, Piece::Tests(operations))),
    );
    pieces.push((lib_file, Piece::Lib));

    // Token streams cannot cross threads, so each piece is emitted and formatted on one
    // worker; pieces rather than whole files, so that one big file does not leave the other
    // workers idle. Emission and formatting are timed apart and summed.
    // Without formatting (`check`), only what reports diagnostics is emitted: the names (above)
    // and the example tests.
    let done: Vec<(usize, EmittedPiece)> = pieces
        .par_iter()
        .filter(|(_, piece)| format || matches!(piece, Piece::Tests(_)))
        .map(|(index, piece)| {
            let started = Instant::now();
            docs::start_piece();
            let (code, report) = piece.emit(model, &naming, options);
            let emit_time = started.elapsed();
            let started = Instant::now();
            let source = if format { code.format() } else { String::new() };
            let emitted = EmittedPiece {
                source,
                report,
                emit_time,
                format_time: started.elapsed(),
            };
            (*index, emitted)
        })
        .collect();

    let mut sources: Vec<Vec<String>> = vec![Vec::new(); paths.len()];
    let mut examples = ExampleReport::default();
    let (mut emit_time, mut format_time) = (Duration::ZERO, Duration::ZERO);
    for (index, piece) in done {
        // An area without example tests has an empty tests piece.
        if let Some(file) = sources.get_mut(index).filter(|_| !piece.source.is_empty()) {
            file.push(piece.source);
        }
        examples.merge(piece.report);
        emit_time += piece.emit_time;
        format_time += piece.format_time;
    }
    let mut files = BTreeMap::new();
    if format {
        for (path, pieces) in paths.into_iter().zip(sources) {
            files.insert(path, pieces.join("\n"));
        }
        for (path, source) in RUNTIME_FILES {
            files.insert((*path).to_owned(), (*source).to_owned());
        }
    }
    diagnostics.append(&mut examples.diagnostics);
    Emitted {
        files,
        diagnostics,
        examples,
        features: naming.slices.features(),
        emit_time,
        format_time,
    }
}

/// A part of a file that is emitted and formatted on its own.
enum Piece<'m> {
    /// The doc of `models` (the empty name) or of one of its sub-modules, with the sub-module
    /// declarations of `models`.
    ModelsDoc(&'m str),
    Struct(&'m crate::model::ComplexType),
    Enum(&'m crate::model::EnumType),
    PathsDoc,
    /// The functions that start a walk, at the crate root.
    Roots,
    /// A node of the path tree: its struct and methods.
    Node(crate::model::paths::NodeId),
    ExamplesDoc,
    /// The example tests of the operations of one area (each with its index in the model).
    Tests(Vec<(usize, &'m Operation)>),
    Lib,
}

impl Piece<'_> {
    fn emit(
        &self,
        model: &ApiModel,
        naming: &Naming,
        options: &EmitOptions,
    ) -> (PieceCode, ExampleReport) {
        let tokens = match self {
            Piece::ModelsDoc(module) => emit_models_doc(naming, module),
            Piece::Struct(ty) => {
                let (before, tokens, after) = structs::emit_struct(model, naming, ty);
                return (
                    PieceCode {
                        before,
                        tokens,
                        after,
                    },
                    ExampleReport::default(),
                );
            }
            Piece::Enum(ty) => {
                return (
                    PieceCode::text(enums::emit_enum(naming, ty)),
                    ExampleReport::default(),
                )
            }
            Piece::PathsDoc => paths::emit_module_doc(),
            Piece::Roots => {
                return (
                    PieceCode::text(paths::emit_roots(model, naming)),
                    ExampleReport::default(),
                )
            }
            Piece::Node(node) => {
                return (
                    PieceCode::text(paths::emit_node(model, naming, *node)),
                    ExampleReport::default(),
                )
            }
            Piece::ExamplesDoc => quote! {
                #![doc = " The pages' examples as tests, a module per area of the reference."]
                #![doc = ""]
                #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
            },
            Piece::Tests(operations) => {
                let (module, report) = examples::emit_example_tests(model, naming, operations);
                return (PieceCode::text(module), report);
            }
            Piece::Lib => emit_lib(model, naming, options),
        };
        (PieceCode::tokens(tokens), ExampleReport::default())
    }
}

/// A piece's code: tokens to format, between text already formatted.
struct PieceCode {
    before: String,
    tokens: TokenStream,
    after: String,
}

impl PieceCode {
    /// Code written as formatted text (see [`text`]).
    fn text(before: String) -> PieceCode {
        PieceCode {
            before,
            tokens: TokenStream::new(),
            after: String::new(),
        }
    }

    fn tokens(tokens: TokenStream) -> PieceCode {
        PieceCode {
            before: String::new(),
            tokens,
            after: String::new(),
        }
    }

    /// The piece as source: items one blank line apart, as [`format_file`] leaves them.
    fn format(self) -> String {
        let formatted = if self.tokens.is_empty() {
            String::new()
        } else {
            docs::restore_docs(&format_file(self.tokens))
        };
        let mut source = self.before;
        if !source.is_empty() && !formatted.is_empty() {
            source.push('\n');
        }
        source.push_str(&formatted);
        source.push_str(&self.after);
        source
    }
}

struct EmittedPiece {
    source: String,
    report: ExampleReport,
    emit_time: Duration,
    format_time: Duration,
}

/// The doc of `models`, or of one of its sub-modules (one per namespace), and the sub-module
/// declarations `models` holds.
fn emit_models_doc(naming: &Naming, module: &str) -> TokenStream {
    if !module.is_empty() {
        let doc = namespace_doc(naming, module);
        return quote! {
            #![doc = #doc]
            #![doc = ""]
            #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
        };
    }
    let modules = naming.model_modules().into_iter().map(|m| {
        let doc = namespace_doc(naming, m);
        let m = ident::ident(m);
        quote! {
            #[doc = #doc]
            pub mod #m;
        }
    });
    quote! {
        #![doc = " Every type of the reference: entities, complex types, enums, and the request bodies of"]
        #![doc = " actions. Graph's own namespace is this module; each other namespace is a sub-module."]
        #![doc = ""]
        #![doc = " Each type is compiled with the features of the areas whose operations or types use it,"]
        #![doc = " and says which in its documentation. A navigation property whose type no enabled area"]
        #![doc = " brings is left out of its struct; its JSON is kept in `additional_properties`."]
        #![doc = ""]
        #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
        #(#modules)*
    }
}

/// The doc line of a sub-module of `models`: the namespace it holds.
fn namespace_doc(naming: &Naming, module: &str) -> String {
    let namespace = naming
        .namespaces
        .iter()
        .find(|(_, m)| *m == module)
        .map_or("", |(namespace, _)| namespace.as_str());
    format!(" Types of the `{namespace}` namespace.")
}

fn emit_lib(model: &ApiModel, naming: &Naming, options: &EmitOptions) -> TokenStream {
    let summary = format!(
        " `{}`: {} types, {} enums and {} operations of Microsoft Graph, generated by graphdoc from the API reference pages.",
        options.crate_name,
        model.types.len(),
        model.enums.len(),
        model.operations.len()
    );
    let features = naming
        .slices
        .features()
        .into_iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let features =
        format!(" Features, one per area of the reference: {features}; `full` turns them all on.");
    let roots = paths::emit_root_exports(model, naming);
    quote! {
        #![doc = #summary]
        #![doc = ""]
        #![doc = " Start from a function of this page, named after the first segment of a documented path, and"]
        #![doc = " follow the path: `me().messages().list()` is `GET /me/messages`. Each step is a node of"]
        #![doc = " [`paths`]; each operation is a method of the node of its path, returning a"]
        #![doc = " [`runtime::Request`]: turn it into an `http::Request` with [`runtime::Request::to_http`],"]
        #![doc = " send it with any client, and read the answer with [`runtime::Request::parse_response`]."]
        #![doc = " Or let the optional [`client`] (feature `client`) send it: `client.send(me().get()).await?`."]
        #![doc = " The types are in [`models`]."]
        #![doc = ""]
        #![doc = " Each area's feature turns on its operations and every type they need, whatever area"]
        #![doc = " documents it: `users` alone gives `users().id(..).get()` and a complete `models::User`."]
        #![doc = #features]
        #![doc = ""]
        #![doc = " @generated by graphdoc. Do not edit: edit the pages and regenerate."]
        #![cfg_attr(docsrs, feature(doc_cfg))]
        // The files are formatted by the generator; `cargo fmt` in a workspace that holds the
        // crate must leave them as generated.
        #[rustfmt::skip]
        pub mod runtime;
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod paths;
        /// An async client over reqwest: see [`client::Client`]. Compiled with the `client`
        /// feature.
        #[cfg(feature = "client")]
        #[rustfmt::skip]
        pub mod client;
        #[cfg(test)]
        #[rustfmt::skip]
        mod examples;
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

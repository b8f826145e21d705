//! The navigation surface: one small struct per node of the model's path tree, in the `paths`
//! module, and one function at the crate root per first segment.
//!
//! A node holds the percent-encoded path so far and nothing else; each step consumes the node
//! and appends to the same `String`, so walking `users().id(..).messages()` allocates once,
//! not once per hop. Operations are methods named from their HTTP shape (`get`, `list`,
//! `create`, `update`, `replace`, `delete`), actions and functions by their own name.
//!
//! Every name is decided here, before anything is emitted ([`PathNames`]), so the example
//! tests call the operations through the same names.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::ident::{field_name, ident, snake_name, type_name, Names};
use super::operations::{emit_call, endpoint_doc, Attributes, Call, Gate};
use super::slices::Slices;
use super::text::{push_doc, push_fn, Expr};
use super::Naming;
use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::model::paths::{Endpoint, NodeId, PathTree, Shape, Step, StepPart};
use crate::model::{ApiModel, Operation, QueryValue, TypeOrigin, TypeRef};

/// Method names a node cannot take: the node's own accessor, and the methods of the traits it
/// derives, which an inherent method of the same name would shadow.
const RESERVED_METHODS: &[&str] = &["path", "clone", "clone_from", "fmt", "eq", "ne"];

/// The longest node struct name built from the steps above it (the v1.0 reference's longest
/// is 104 characters). A deeper node is named from the nearest steps that fit, so a name never
/// grows with the depth of the path.
const MAX_NODE_NAME: usize = 128;

/// The longest path template a node's rustdoc shows whole (the v1.0 reference's longest path
/// is 200 characters); a longer one shows its last segments after `…`.
const MAX_DOC_TEMPLATE: usize = 256;

/// The names of the navigation surface.
#[derive(Debug, Default)]
pub struct PathNames {
    pub nodes: Vec<NodeNames>,
    /// (operation, path) → how it is called.
    pub endpoints: BTreeMap<(usize, usize), EndpointName>,
    /// (operation, path) emitted → the other (operation, path)s its method serves.
    pub sharing: BTreeMap<(usize, usize), Vec<(usize, usize)>>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeNames {
    /// The struct in the `paths` module.
    pub type_name: String,
    /// The method (or, for a first segment, the crate-root function) that reaches the node.
    pub method: String,
    /// When the node exists: when one of its operations does.
    pub gate: Gate,
}

#[derive(Debug, Clone)]
pub struct EndpointName {
    pub node: NodeId,
    pub method: String,
    /// The (operation, path) whose method this is: itself, or an identical operation that
    /// another page documents too (one method serves both).
    pub emitted_as: (usize, usize),
    /// The method that sends the request in the media form its pages document beside JSON
    /// (`send_mail_mime`), if they do.
    pub media_method: Option<String>,
}

impl PathNames {
    /// The names of every node and endpoint; their gates come from [`PathNames::gate_nodes`].
    pub fn new(model: &ApiModel, diagnostics: &mut Vec<Diagnostic>) -> PathNames {
        let tree = &model.paths;
        let mut names = PathNames {
            nodes: vec![NodeNames::default(); tree.nodes.len()],
            endpoints: BTreeMap::new(),
            sharing: BTreeMap::new(),
        };
        let type_names_by_page: BTreeMap<String, &str> = model
            .types
            .values()
            .map(|t| (t.name.to_ascii_lowercase(), t.name.as_str()))
            .collect();
        let mut type_names = Names::reserving(&["Root"]);
        // Each node's own word (`Messages`, `Item`), for naming the nodes below it.
        let mut own_words: Vec<String> = vec![String::new(); tree.nodes.len()];
        for id in 0..tree.nodes.len() {
            let node = &tree.nodes[id];
            let mut methods = Names::reserving(RESERVED_METHODS);
            let after_colon = node.step.template_text().ends_with(':');
            for &child in &node.children {
                let step = &tree.nodes[child].step;
                // A key after `root:` is a drive item by its path, not by its id.
                let wanted = match step {
                    Step::Key(_) if after_colon => vec!["item".to_owned(), "id".to_owned()],
                    _ => step_candidates(step),
                };
                names.nodes[child].method = claim_first(&mut methods, &wanted);
            }
            for (method, endpoints) in
                endpoint_methods(model, &type_names_by_page, id, &node.endpoints, diagnostics)
            {
                let method = claim_first(&mut methods, &[method.clone(), format!("call_{method}")]);
                let emitted_as = endpoints[0];
                let media_method = model
                    .operations
                    .get(emitted_as.0)
                    .filter(|o| o.paths.get(emitted_as.1).is_some_and(|p| !p.media.request))
                    .and_then(|o| o.media_form.as_ref())
                    .map(|form| {
                        let form = if form.mime { "mime" } else { "media" };
                        claim_first(&mut methods, &[format!("{method}_{form}")])
                    });
                if endpoints.len() > 1 {
                    names.sharing.insert(emitted_as, endpoints[1..].to_vec());
                }
                for (operation, path) in endpoints {
                    names.endpoints.insert(
                        (operation, path),
                        EndpointName {
                            node: id,
                            method: method.clone(),
                            emitted_as,
                            media_method: media_method.clone(),
                        },
                    );
                }
            }
            if id != 0 {
                let parent = node.parent.unwrap_or(0);
                // From the method's words: `self_` (an escaped keyword) is `Self` here.
                let own = match &node.step {
                    Step::Key(_) => "Item".to_owned(),
                    _ => type_name(&names.nodes[id].method)
                        .trim_end_matches('_')
                        .to_owned(),
                };
                let wanted = match parent {
                    0 => own.clone(),
                    _ if names.nodes[parent].type_name.len() + own.len() <= MAX_NODE_NAME => {
                        format!("{}{own}", names.nodes[parent].type_name)
                    }
                    _ => nearest_words(tree, &own_words, parent, &own),
                };
                own_words[id] = own;
                // A name that is itself a keyword (`Self`) would need an escape that is not
                // camel case.
                let wanted = if type_name(&wanted) == wanted {
                    wanted
                } else {
                    format!("{wanted}Node")
                };
                names.nodes[id].type_name = type_names.claim(&wanted);
            }
        }
        names
    }

    /// A node exists when any operation below it does.
    pub fn gate_nodes(&mut self, model: &ApiModel, slices: &Slices) {
        let tree = &model.paths;
        // Children have higher ids than their parents (the tree is numbered depth-first), so
        // one reverse pass adds up.
        for id in (0..tree.nodes.len()).rev() {
            let mut gate = Gate::never();
            for endpoint in &tree.nodes[id].endpoints {
                gate.or(&slices.operation_gate(&model.operations[endpoint.operation]));
            }
            for &child in &tree.nodes[id].children {
                gate.or(&self.nodes[child].gate);
            }
            self.nodes[id].gate = gate;
        }
    }

    /// The expression that builds the request of an (operation, path), from the crate root:
    /// `crate::me().messages().id(a).get(b)`. `arguments` holds the path parameters in path
    /// order, then the query placeholders, then the body.
    pub fn call(
        &self,
        tree: &PathTree,
        operation: usize,
        path: usize,
        arguments: &[Expr],
    ) -> Option<Expr> {
        let endpoint = self.endpoints.get(&(operation, path))?;
        let mut arguments = arguments.iter().cloned();
        // The first step is a crate-root function, the others methods.
        let mut first: Option<Expr> = None;
        let mut calls = Vec::new();
        for id in tree.steps_to(endpoint.node) {
            let method = ident(&self.nodes.get(id)?.method).to_string();
            let count = tree.nodes.get(id)?.step.params().len();
            let taken: Vec<Expr> = arguments.by_ref().take(count).collect();
            match first {
                None => first = Some(Expr::call(format!("crate::{method}"), taken)),
                Some(_) => calls.push(Expr::call(method, taken)),
            }
        }
        let method = ident(&endpoint.method).to_string();
        let rest: Vec<Expr> = arguments.collect();
        Some(match first {
            None => Expr::call(format!("crate::{method}"), rest),
            Some(first) => {
                calls.push(Expr::call(method, rest));
                Expr::Chain(Box::new(first), calls)
            }
        })
    }
}

/// A deep node's name: its own word after those of the nearest nodes above it, as many as fit
/// in half of [`MAX_NODE_NAME`] (each word is at least one character, so the walk is bounded too).
fn nearest_words(tree: &PathTree, own_words: &[String], parent: NodeId, own: &str) -> String {
    let mut words = vec![own];
    let mut length = own.len();
    let mut current = Some(parent);
    while let Some(id) = current.filter(|&id| id != 0) {
        let word = own_words.get(id).map_or("", String::as_str);
        if word.is_empty() || length + word.len() > MAX_NODE_NAME / 2 {
            break;
        }
        length += word.len();
        words.push(word);
        current = tree.nodes.get(id).and_then(|n| n.parent);
    }
    words.reverse();
    words.concat()
}

/// Names tried in order for the method that reaches a step.
fn step_candidates(step: &Step) -> Vec<String> {
    match step {
        Step::Root => vec!["root".to_owned()],
        Step::Segment(name) if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') => {
            // `call_clone`: a name a node's derived traits use, or one taken twice.
            vec![segment_name(name), format!("call_{}", segment_name(name))]
        }
        Step::Key(_) => vec!["id".to_owned()],
        Step::Segment(_) | Step::Compound(_) => {
            let text = step.template_text();
            let head = segment_name(text.split(['(', ':', '\'', '=']).next().unwrap_or_default());
            let params: Vec<String> = step.params().iter().map(|p| snake_name(&p.name)).collect();
            let mut candidates = Vec::new();
            if !text.starts_with(['(', '{', ':', '\'', '=']) {
                candidates.push(head.clone());
            } else if !params.is_empty() {
                candidates.push(params.join("_"));
            }
            let arguments = call_argument_words(&text);
            if !arguments.is_empty() {
                candidates.push(snake_name(&format!("{head} {arguments}")));
            }
            if text.ends_with(':') {
                candidates.push(format!(
                    "{}_path",
                    candidates.first().map_or("item", String::as_str)
                ));
            }
            candidates.push(snake_name(&text));
            if !params.is_empty() {
                candidates.push(format!("{head}_by_{}", params.join("_")));
            }
            candidates.push(format!("call_{head}"));
            candidates
        }
        Step::Cast { name, .. } => vec![format!("as_{}", segment_name(name))],
        Step::Value => vec!["content".to_owned(), "value".to_owned()],
        Step::Reference => vec!["reference".to_owned(), "references".to_owned()],
        Step::Count => vec!["count".to_owned(), "count_items".to_owned()],
    }
}

/// `assignLicense` → `assign_license`; `microsoft.graph.delta()` → `delta`.
fn segment_name(text: &str) -> String {
    let bare = text.split('(').next().unwrap_or(text);
    let last = bare.rsplit('.').next().unwrap_or(bare);
    snake_name(last)
}

/// The first free name of `wanted`, else the allocator's fallback for the first.
fn claim_first(names: &mut Names, wanted: &[String]) -> String {
    match wanted.iter().find(|w| !names.is_taken(w)) {
        Some(free) => names.claim(free),
        None => names.claim(wanted.first().map_or("item", String::as_str)),
    }
}

/// An (operation, path) pair: indices into the model's operations and that operation's paths.
type OperationPathIndex = (usize, usize);

/// The method name of each endpoint of a node, with the endpoints it serves (first the one it
/// is emitted from). Endpoints that would take one name are told apart: identical operations
/// (same method, types and query, documented on several pages) share one method; otherwise
/// the plain name goes to the operation that is the plain form (no fixed query, the most
/// general response type), and each other gets the words that tell it apart, with a
/// `name-collision` note naming both pages.
fn endpoint_methods(
    model: &ApiModel,
    type_names: &BTreeMap<String, &str>,
    node: NodeId,
    endpoints: &[Endpoint],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<(usize, usize)>)> {
    // Base name → distinct endpoints (by signature) → the (operation, path)s that have it.
    let mut groups: BTreeMap<String, Vec<(String, Vec<OperationPathIndex>)>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for endpoint in endpoints {
        let base = base_name(&endpoint.shape);
        let signature = signature(model, endpoint);
        let group = groups.entry(base.clone()).or_insert_with(|| {
            order.push(base.clone());
            Vec::new()
        });
        let pair = (endpoint.operation, endpoint.path);
        match group.iter_mut().find(|(s, _)| *s == signature) {
            Some((_, members)) => members.push(pair),
            None => group.push((signature, vec![pair])),
        }
    }
    let mut named = Vec::new();
    for base in order {
        let Some(group) = groups.remove(&base) else {
            continue;
        };
        let members: Vec<Vec<(usize, usize)>> = group.into_iter().map(|(_, m)| m).collect();
        if members.len() == 1 {
            named.extend(members.into_iter().map(|m| (base.clone(), m)));
            continue;
        }
        let plain = plain_form(model, node, &members);
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut names: Vec<String> = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            if Some(i) == plain {
                names.push(base.clone());
                taken.insert(base.clone());
                continue;
            }
            let operation = &model.operations[member[0].0];
            let path = &operation.paths[member[0].1];
            let endpoint = endpoints
                .iter()
                .find(|e| (e.operation, e.path) == member[0]);
            let candidates = [
                query_words(path),
                endpoint.map_or_else(String::new, |e| match &e.shape {
                    Shape::Call(step) => call_argument_words(&step.template_text()),
                    _ => String::new(),
                }),
                title_words(&operation.title),
                page_resource(type_names, &operation.source.page),
                response_words(model, operation),
                stem_words(&operation.source.page),
            ];
            // Words are added candidate by candidate until the name is free; a candidate adds
            // only the words the name does not have yet.
            let mut words: Vec<String> = Vec::new();
            for candidate in &candidates {
                let before = words.len();
                for word in candidate
                    .to_snake_case()
                    .split('_')
                    .filter(|w| !w.is_empty())
                {
                    if !words.iter().any(|w| w == word) && !base.split('_').any(|b| b == word) {
                        words.push(word.to_owned());
                    }
                }
                if words.len() > before
                    && !taken.contains(&snake_name(&format!("{base} {}", words.join(" "))))
                {
                    break;
                }
            }
            // Two pages that document one request differently: the page tells them apart.
            if taken.contains(&snake_name(&format!("{base} {}", words.join(" ")))) {
                let stem = stem_words(&operation.source.page).to_snake_case();
                for word in stem.split('_').filter(|w| !w.is_empty()) {
                    if !words.iter().any(|w| w == word) {
                        words.push(word.to_owned());
                    }
                }
            }
            let words = words.join(" ");
            let name = snake_name(&format!("{base} {words}"));
            taken.insert(name.clone());
            names.push(name);
        }
        for (i, member) in members.iter().enumerate() {
            if Some(i) == plain {
                continue;
            }
            let (o, p) = member[0];
            let operation = &model.operations[o];
            let others: Vec<String> = members
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, m)| {
                    let other = &model.operations[m[0].0];
                    format!("`{}` ({})", other.title, other.source.page)
                })
                .collect();
            let source = &operation.paths[p].source;
            diagnostics.push(Diagnostic::new(
                Severity::Note,
                Code::NameCollision,
                source.page.clone(),
                Location::at_line(source.line),
                format!(
                    "`{}` (`{} {}`) would be `{base}` on node {node} like {}; it is `{}`",
                    operation.title,
                    operation.method,
                    operation.paths[p].template.to_template_string(),
                    others.join(", "),
                    names[i]
                ),
            ));
        }
        named.extend(names.into_iter().zip(members));
    }
    named
}

fn base_name(shape: &Shape) -> String {
    match shape {
        Shape::Get => "get".to_owned(),
        Shape::List => "list".to_owned(),
        Shape::Create => "create".to_owned(),
        Shape::Update => "update".to_owned(),
        Shape::Replace => "replace".to_owned(),
        Shape::Delete => "delete".to_owned(),
        Shape::Method(method) => snake_name(method),
        Shape::Call(step) => step_candidates(step)
            .into_iter()
            .next()
            .unwrap_or_else(|| "call".to_owned()),
    }
}

/// What makes two endpoints one method: method, the call's segment, fixed query, body and
/// response types, and the status. A body type made from a page's parameter table counts by
/// its properties, so that two pages documenting one action (on `directoryObject` and on
/// `user`) give one method.
fn signature(model: &ApiModel, endpoint: &Endpoint) -> String {
    let operation = &model.operations[endpoint.operation];
    let path = &operation.paths[endpoint.path];
    let call = match &endpoint.shape {
        Shape::Call(step) => step.sort_key(),
        _ => String::new(),
    };
    let body = match operation.body.as_ref().map(|b| (&b.target, b.collection)) {
        Some((TypeRef::Complex(key), collection))
            if model
                .types
                .get(key)
                .is_some_and(|t| t.origin == TypeOrigin::ActionParameters) =>
        {
            let properties: Vec<(String, &crate::model::ResolvedType)> = model
                .all_properties(key)
                .into_iter()
                .map(|p| (p.name.to_ascii_lowercase(), &p.ty))
                .collect();
            format!("{collection} {properties:?}")
        }
        _ => format!("{:?}", operation.body),
    };
    format!(
        "{} {call} {:?} {body} {:?} {}",
        operation.method, path.query, operation.response, operation.success_status
    )
}

/// Which of several distinct endpoints keeps the plain name: the only one without a fixed
/// query; or of those, the only one whose page is about the node's resource (`user-update`
/// on `/users/{id}`, `user-post-messages` on `/me/messages`), first by the page's first word,
/// then by any; or the only one whose response type is a base of every other's.
fn plain_form(model: &ApiModel, node: NodeId, members: &[Vec<(usize, usize)>]) -> Option<usize> {
    let unqueried: Vec<usize> = (0..members.len())
        .filter(|&i| {
            let (o, p) = members[i][0];
            !model.operations[o].paths[p]
                .query
                .iter()
                .any(|q| matches!(q.value, QueryValue::Literal(_)))
        })
        .collect();
    if let [only] = unqueried.as_slice() {
        return Some(*only);
    }
    if let Some(segment) = resource_segment(&model.paths, node) {
        let words = |i: usize| -> Vec<String> {
            stem_words(&model.operations[members[i][0].0].source.page)
                .split(' ')
                .map(str::to_ascii_lowercase)
                .collect()
        };
        // `users` and `user`, `messages` and `message`.
        let names = |word: &str| {
            word == segment
                || segment.strip_suffix('s') == Some(word)
                || word.strip_suffix('s') == Some(segment.as_str())
        };
        let first: Vec<usize> = unqueried
            .iter()
            .copied()
            .filter(|&i| words(i).first().is_some_and(|w| names(w)))
            .collect();
        let any: Vec<usize> = unqueried
            .iter()
            .copied()
            .filter(|&i| words(i).iter().any(|w| names(w)))
            .collect();
        for found in [first, any] {
            if let [only] = found.as_slice() {
                return Some(*only);
            }
        }
    }
    let response = |i: usize| {
        model.operations[members[i][0].0]
            .response
            .as_ref()
            .and_then(|r| match &r.target {
                TypeRef::Complex(key) => Some(key.clone()),
                _ => None,
            })
    };
    let general: Vec<usize> = unqueried
        .iter()
        .copied()
        .filter(|&i| {
            let Some(base) = response(i) else {
                return false;
            };
            unqueried.iter().all(|&j| {
                j == i
                    || response(j).is_some_and(|derived| {
                        derived != base && model.ancestry(&derived).any(|t| t.key == base)
                    })
            })
        })
        .collect();
    match general.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// The name of the nearest plain segment at or above a node, lower case: `users` for
/// `/users/{id}`.
fn resource_segment(tree: &PathTree, node: NodeId) -> Option<String> {
    let mut current = Some(node);
    while let Some(id) = current {
        let at = tree.nodes.get(id)?;
        if let Step::Segment(name) = &at.step {
            return Some(name.to_ascii_lowercase());
        }
        current = at.parent;
    }
    None
}

/// `$expand=manager($levels=n)` → `expand manager`: each fixed query option and the name its
/// value starts with.
fn query_words(path: &crate::model::OperationPath) -> String {
    path.query
        .iter()
        .filter_map(|q| match &q.value {
            QueryValue::Literal(value) => {
                let head: String = value
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                Some(format!("{} {head}", q.name.trim_start_matches('$')))
            }
            QueryValue::Param(_) => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `image(width=640,height=480)` → `width height`: the names of a call's arguments, which
/// tell apart the overloads of one function.
fn call_argument_words(text: &str) -> String {
    let Some((_, arguments)) = text.split_once('(') else {
        return String::new();
    };
    arguments
        .split(',')
        .filter_map(|argument| argument.split_once('='))
        .map(|(name, _)| name.trim().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `Get iosStoreApp` → `ios store app`: the title without its leading verb.
fn title_words(title: &str) -> String {
    const VERBS: &[&str] = &[
        "get", "list", "create", "update", "delete", "replace", "add", "remove", "post", "patch",
        "put",
    ];
    let snake = title.to_snake_case();
    let mut words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    if words.first().is_some_and(|w| VERBS.contains(w)) {
        words.remove(0);
    }
    words.retain(|w| !matches!(*w, "a" | "an" | "the" | "action" | "function"));
    words.join(" ")
}

/// The resource a page documents, from its file name: the first word of the name that is a
/// type's (`intune-mam-managedappprotection-targetapps.md` → `managedAppProtection`).
fn page_resource(type_names: &BTreeMap<String, &str>, page: &str) -> String {
    let file = page
        .rsplit('/')
        .next()
        .unwrap_or(page)
        .trim_end_matches(".md");
    file.split('-')
        .find_map(|word| type_names.get(&word.to_ascii_lowercase()))
        .map(|name| (*name).to_owned())
        .unwrap_or_default()
}

fn response_words(model: &ApiModel, operation: &Operation) -> String {
    match operation.response.as_ref().map(|r| &r.target) {
        Some(TypeRef::Complex(key) | TypeRef::Enum(key)) => model
            .types
            .get(key)
            .map(|t| t.name.clone())
            .or_else(|| model.enums.get(key).map(|e| e.name.clone()))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// `graph-v1.0/api/user-list-manager.md` → `user list manager`.
fn stem_words(page: &str) -> String {
    let file = page.rsplit('/').next().unwrap_or(page);
    file.trim_end_matches(".md").replace(['-', '_', '.'], " ")
}

/// The `paths` module's doc.
pub fn emit_module_doc() -> TokenStream {
    quote! {
        //! The navigation surface: one struct per documented path, reached from the functions at
        //! the crate root (`crate::me().messages().list()`).
        //!
        //! Each struct holds its percent-encoded path and nothing else. Its methods go one segment
        //! further (a navigation property, `id(..)` for an item of a collection, a cast, a
        //! function with parameters), or build the [`crate::runtime::Request`] of an operation
        //! documented at that path: `get`, `list`, `create`, `update`, `replace`, `delete`, or an
        //! action or function by its own name.
        //!
        //! @generated by graphdoc. Do not edit: edit the pages and regenerate.

        // Graph's actions are named by the service (`add`, `next`...): a node's `add` builds a
        // request, it is no `std::ops::Add`.
        #![allow(clippy::should_implement_trait)]
    }
}

/// One node: its struct, the methods that go further, and its operations, as formatted text.
pub fn emit_node(model: &ApiModel, naming: &Naming, id: NodeId) -> String {
    let tree = &model.paths;
    let names = &naming.paths;
    let (Some(node), Some(own)) = (tree.nodes.get(id), names.nodes.get(id)) else {
        return String::new();
    };
    let name = ident(&own.type_name).to_string();
    let gate = own.gate.cfg_text();
    let mut doc = format!("`{}`", doc_template(tree, id));
    if let Some(feature_note) = own.gate.describe() {
        doc.push_str(&format!("\n\n{feature_note}"));
    }
    let mut out = String::with_capacity(4096);
    push_doc(&mut out, &doc, 0);
    let gate_line = |out: &mut String| {
        if let Some(gate) = &gate {
            out.push_str(gate);
            out.push('\n');
        }
    };
    gate_line(&mut out);
    // Only `Debug` and `Clone`: equality and hashing of 1,500 node types cost a tenth of the
    // crate's check time, and two nodes compare by their `path()`.
    out.push_str("#[derive(Debug, Clone)]\n");
    out.push_str(
        "#[must_use = \"a path does nothing until an operation on it makes a request\"]\n",
    );
    out.push_str(&format!(
        "pub struct {name} {{\n    pub(crate) path: ::std::string::String,\n}}\n\n"
    ));
    gate_line(&mut out);
    out.push_str(&format!("impl {name} {{\n"));
    out.push_str("    /// The path so far, percent-encoded, from the service root.\n");
    out.push_str("    pub fn path(&self) -> &str {\n        &self.path\n    }\n");
    let base = Expr::atom("self.path");
    for &child in &node.children {
        out.push('\n');
        emit_step(&mut out, 4, model, naming, child, &base);
    }
    for endpoint in &node.endpoints {
        let before = out.len();
        out.push('\n');
        if !emit_endpoint(&mut out, 4, model, naming, id, endpoint, &base) {
            out.truncate(before);
        }
    }
    out.push_str("}\n");
    out
}

/// The crate root's re-exports of [`emit_roots`]: defined in `paths.rs`, which `cargo fmt`
/// leaves as generated (the crate root cannot opt out on stable Rust), and shown inline.
pub fn emit_root_exports(model: &ApiModel, naming: &Naming) -> TokenStream {
    let Some(root) = model.paths.nodes.first() else {
        return TokenStream::new();
    };
    let steps = root.children.iter().filter_map(|&child| {
        let own = naming.paths.nodes.get(child)?;
        Some((own.method.clone(), own.gate.cfg()))
    });
    let endpoints = root.endpoints.iter().filter_map(|endpoint| {
        let key = (endpoint.operation, endpoint.path);
        let name = naming
            .paths
            .endpoints
            .get(&key)
            .filter(|n| n.emitted_as == key)?;
        let gate = method_gate(model, naming, key).cfg();
        let media = name.media_method.clone().map(|m| (m, gate.clone()));
        Some(std::iter::once((name.method.clone(), gate)).chain(media))
    });
    let exports = steps.chain(endpoints.flatten()).map(|(name, gate)| {
        let name = ident(&name);
        quote! {
            #gate
            #[doc(inline)]
            pub use paths::#name;
        }
    });
    quote!(#(#exports)*)
}

/// The functions that start a walk: one per first segment, and the operations of the root
/// itself, as formatted text. They live in `paths` and are re-exported at the crate root.
pub fn emit_roots(model: &ApiModel, naming: &Naming) -> String {
    let Some(root) = model.paths.nodes.first() else {
        return String::new();
    };
    let mut out = String::new();
    let base = Expr::atom("::std::string::String::new()");
    for &child in &root.children {
        emit_step(&mut out, 0, model, naming, child, &base);
        out.push('\n');
    }
    for endpoint in &root.endpoints {
        if emit_endpoint(&mut out, 0, model, naming, 0, endpoint, &base) {
            out.push('\n');
        }
    }
    out
}

/// The method (or root function) that takes one step, from the path in `base`, written at
/// `indent` spaces.
fn emit_step(
    out: &mut String,
    indent: usize,
    model: &ApiModel,
    naming: &Naming,
    child: NodeId,
    base: &Expr,
) {
    let tree = &model.paths;
    let names = &naming.paths;
    let (Some(node), Some(own)) = (tree.nodes.get(child), names.nodes.get(child)) else {
        return;
    };
    let is_root = node.parent == Some(0);
    let mut parameter_names = Names::new();
    let after_colon = node
        .parent
        .and_then(|p| tree.nodes.get(p))
        .is_some_and(|p| p.step.template_text().ends_with(':'));
    let (parameters, pieces) = step_pieces(&node.step, after_colon, &mut parameter_names);
    // Inside its parent's `impl`, a step whose gate is the parent's needs no gate of its own.
    let parent_gate = node
        .parent
        .and_then(|p| names.nodes.get(p))
        .map(|p| &p.gate);
    let own_gate = (is_root || parent_gate != Some(&own.gate)).then_some(&own.gate);
    let mut doc = format!("`{}`", doc_template(tree, child));
    if let Some(note) = own_gate.and_then(Gate::describe) {
        doc.push_str(&format!("\n\n{note}"));
    }
    let attributes = Attributes {
        doc,
        aliases: Vec::new(),
        cfg: own_gate.and_then(Gate::cfg_text),
    };
    attributes.push(out, indent);
    let parameters: Vec<String> = (!is_root)
        .then(|| "self".to_owned())
        .into_iter()
        .chain(parameters)
        .collect();
    let path = Expr::call(
        "crate::runtime::support::extend_path",
        vec![base.clone(), Expr::SliceRef(pieces)],
    );
    let target = ident(&own.type_name).to_string();
    let body = Expr::Struct(target.clone(), vec![("path".to_owned(), path)]);
    push_fn(
        out,
        indent,
        &ident(&own.method).to_string(),
        &parameters,
        &target,
        &body,
    );
}

/// How a path parameter's value is encoded, from where it stands in its segment.
#[derive(Clone, Copy)]
enum PathValueKind {
    /// The whole segment: `{id}`.
    Key,
    /// Between quotes: `search(q='{q}')`.
    StringLiteral,
    /// Inside a segment, without quotes: `range(address={address})`.
    InSegment,
    /// A drive item's path after `:/` (`root:/{item-path}:`), whose `/`s stay.
    ItemPath,
}

/// A step's parameters (`name: type`) and the pieces of text it appends. `after_colon`: the
/// step follows a segment that ends with `:` (`root:`, `{parent-id}:`), so a parameter that
/// begins it is a drive item path.
pub(super) fn step_pieces(
    step: &Step,
    after_colon: bool,
    names: &mut Names,
) -> (Vec<String>, Vec<Expr>) {
    let mut parameters = Vec::new();
    let mut pieces = Vec::new();
    let mut literal = String::from("/");
    let mut parameter = |param: &crate::model::PathParam,
                         kind: PathValueKind,
                         parameters: &mut Vec<String>,
                         pieces: &mut Vec<Expr>,
                         literal: &mut String| {
        let name = ident(&names.claim(&field_name(&param.name))).to_string();
        let ty = super::operations::parameter_type(param.ty);
        parameters.push(format!("{name}: {ty}"));
        let text = std::mem::take(literal);
        if !text.is_empty() {
            pieces.push(Expr::string(&text));
        }
        let encode = match kind {
            PathValueKind::Key => "key_segment",
            PathValueKind::StringLiteral => "string_literal",
            PathValueKind::InSegment => "segment_value",
            PathValueKind::ItemPath => "item_path",
        };
        pieces.push(Expr::atom(format!("&crate::runtime::{encode}({name})")));
    };
    match step {
        Step::Key(param) => parameter(
            param,
            if after_colon {
                PathValueKind::ItemPath
            } else {
                PathValueKind::Key
            },
            &mut parameters,
            &mut pieces,
            &mut literal,
        ),
        Step::Compound(parts) => {
            for (at, part) in parts.iter().enumerate() {
                match part {
                    StepPart::Literal(text) => literal.push_str(text),
                    StepPart::Param(param) => {
                        let quoted = literal.ends_with('\'')
                            && matches!(
                                parts.get(at + 1),
                                Some(StepPart::Literal(next)) if next.starts_with('\'')
                            );
                        let kind = if quoted {
                            PathValueKind::StringLiteral
                        } else if after_colon && at == 0 {
                            PathValueKind::ItemPath
                        } else {
                            PathValueKind::InSegment
                        };
                        parameter(param, kind, &mut parameters, &mut pieces, &mut literal)
                    }
                }
            }
        }
        other => literal.push_str(&other.template_text()),
    }
    if !literal.is_empty() {
        pieces.push(Expr::string(&literal));
    }
    (parameters, pieces)
}

/// The path template of a node, as the pages write it.
pub fn template_of(tree: &PathTree, node: NodeId) -> String {
    let steps = tree.steps_to(node);
    if steps.is_empty() {
        return "/".to_owned();
    }
    steps
        .iter()
        .filter_map(|&id| tree.nodes.get(id))
        .map(|n| format!("/{}", n.step.template_text()))
        .collect()
}

/// The path template of a node for its rustdoc: whole up to [`MAX_DOC_TEMPLATE`] characters,
/// else its last segments after `/…`. Built from the node up, so its cost is bounded by that
/// length (and the node's own segment), whatever the depth.
fn doc_template(tree: &PathTree, node: NodeId) -> String {
    let mut segments: Vec<String> = Vec::new();
    let mut length = 0;
    let mut current = Some(node);
    while let Some(id) = current.filter(|&id| id != 0) {
        let Some(at) = tree.nodes.get(id) else {
            break;
        };
        let segment = at.step.template_text();
        if !segments.is_empty() && length + segment.len() + 1 > MAX_DOC_TEMPLATE {
            segments.push("…".to_owned());
            break;
        }
        length += segment.len() + 1;
        segments.push(segment);
        current = at.parent;
    }
    if segments.is_empty() {
        return "/".to_owned();
    }
    segments.reverse();
    segments.iter().map(|s| format!("/{s}")).collect()
}

/// An operation's method, once for the endpoints that share it, written at `indent` spaces;
/// and its media form, a blank line after it, when its pages document one. Whether anything
/// was written: an endpoint that shares another's method writes nothing.
fn emit_endpoint(
    out: &mut String,
    indent: usize,
    model: &ApiModel,
    naming: &Naming,
    node: NodeId,
    endpoint: &Endpoint,
    base: &Expr,
) -> bool {
    let key = (endpoint.operation, endpoint.path);
    let Some(name) = naming.paths.endpoints.get(&key) else {
        return false;
    };
    let (Some(operation), true) = (
        model.operations.get(endpoint.operation),
        name.emitted_as == key,
    ) else {
        return false;
    };
    let Some(path) = operation.paths.get(endpoint.path) else {
        return false;
    };
    let sharing: Vec<&Operation> = naming
        .paths
        .sharing
        .get(&key)
        .into_iter()
        .flatten()
        .filter_map(|(o, _)| model.operations.get(*o))
        .collect();
    let template = match &endpoint.shape {
        Shape::Call(step) => format!(
            "{}/{}",
            template_of(&model.paths, node).trim_end_matches('/'),
            step.template_text()
        ),
        _ => template_of(&model.paths, node),
    };
    // Inside its node's `impl`, an operation whose gate is the node's needs no gate of its own.
    let gate = method_gate(model, naming, key);
    let own_gate = (node == 0 || naming.paths.nodes.get(node).map(|n| &n.gate) != Some(&gate))
        .then_some(&gate);
    let call_step = match &endpoint.shape {
        Shape::Call(step) => Some(step),
        _ => None,
    };
    let receiver = (node != 0).then_some("self");
    // The root's own operations start from an empty path: `/` alone, or `/` and the call.
    let base = match (node, call_step) {
        (0, None) => Expr::atom("::std::string::String::from(\"/\")"),
        _ => base.clone(),
    };
    let attributes = endpoint_doc(operation, path, &template, &sharing, &name.method, own_gate);
    emit_call(
        out,
        indent,
        naming,
        operation,
        &name.method,
        Call {
            path,
            step: call_step,
            receiver,
            base: base.clone(),
            attributes,
        },
    );
    let (Some(method), Some(form)) = (&name.media_method, &operation.media_form) else {
        return true;
    };
    let mut media_path = path.clone();
    media_path.media.request = true;
    let json_method = if node == 0 {
        format!("[`{0}`]({0})", name.method)
    } else {
        format!("[`{0}`](Self::{0})", name.method)
    };
    let what = if form.mime {
        "a message in MIME format, base64-encoded"
    } else {
        "media"
    };
    let mut doc = format!(
        "{}, with the body as `{}` ({what}): the form its page documents beside the JSON one of {json_method}.\n\n`{} {template}`\n\nDocumented in `{}` (line {}).",
        operation.title.trim_end_matches('.'),
        form.content_type,
        operation.method,
        path.source.page,
        path.source.line
    );
    if let Some(note) = own_gate.and_then(Gate::describe) {
        doc.push_str("\n\n");
        doc.push_str(&note);
    }
    out.push('\n');
    emit_call(
        out,
        indent,
        naming,
        operation,
        method,
        Call {
            path: &media_path,
            step: call_step,
            receiver,
            base,
            attributes: Attributes {
                doc,
                aliases: Vec::new(),
                cfg: own_gate.and_then(Gate::cfg_text),
            },
        },
    );
    true
}

/// When the method of an endpoint exists: when any of the operations it serves does, so that
/// `GET /users/{id}`, documented in `users` and in `intune`, is there with either feature.
fn method_gate(model: &ApiModel, naming: &Naming, emitted: (usize, usize)) -> Gate {
    let served = naming.paths.sharing.get(&emitted).into_iter().flatten();
    let mut gate = Gate::never();
    for (operation, _) in std::iter::once(&emitted).chain(served) {
        if let Some(operation) = model.operations.get(*operation) {
            gate.or(&naming.slices.operation_gate(operation));
        }
    }
    gate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::paths::StepPart;
    use crate::model::{PathParam, Primitive};

    fn param(name: &str) -> PathParam {
        PathParam {
            name: name.into(),
            alternatives: vec![name.into()],
            ty: Primitive::String,
            description: String::new(),
        }
    }

    #[test]
    fn steps_are_named_from_their_segments() {
        let cases: Vec<(Step, &str)> = vec![
            (Step::Segment("mailFolders".into()), "mail_folders"),
            (Step::Segment("microsoft.graph.delta()".into()), "delta"),
            (Step::Segment("root:".into()), "root"),
            (Step::Key(param("user-id")), "id"),
            (
                Step::Compound(vec![
                    StepPart::Literal("reminderView(startDateTime=".into()),
                    StepPart::Param(param("start")),
                    StepPart::Literal(")".into()),
                ]),
                "reminder_view",
            ),
            (
                Step::Compound(vec![
                    StepPart::Param(param("item-path")),
                    StepPart::Literal(":".into()),
                ]),
                "item_path",
            ),
            (Step::Value, "content"),
            (Step::Reference, "reference"),
            (Step::Count, "count"),
        ];
        for (step, name) in cases {
            assert_eq!(step_candidates(&step)[0], name, "{step:?}");
        }
        // The path address `root:` falls back to `root_path` beside a plain `root`.
        assert!(step_candidates(&Step::Segment("root:".into())).contains(&"root_path".to_owned()));
    }

    #[test]
    fn colliding_operations_are_told_apart_by_their_words() {
        assert_eq!(title_words("Get iosStoreApp"), "ios store app");
        assert_eq!(title_words("List manager"), "manager");
        assert_eq!(title_words("targetApps action"), "target apps");
        assert_eq!(
            call_argument_words("image(width=640,height=480)"),
            "width height"
        );
        assert_eq!(call_argument_words("delta()"), "");
        let mut path = crate::model::OperationPath::with_string_params("/me");
        path.query.push(crate::model::FixedQuery {
            name: "$expand".into(),
            value: QueryValue::Literal("manager($levels=n)".into()),
        });
        assert_eq!(query_words(&path), "expand manager");
        assert_eq!(
            stem_words("graph-v1.0/api/user-list-manager.md"),
            "user list manager"
        );
    }
}

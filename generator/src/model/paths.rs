//! The navigation tree: every documented path of every operation, segment by segment.
//!
//! Users think in the paths the pages document (`GET /me/messages`,
//! `POST /users/{id}/assignLicense`), so the generated crate lets them walk those paths. Each
//! node is a path prefix; each step from a node to a child is one segment. An operation hangs
//! on the node its path ends at, with the shape of its HTTP request (get, list, create, ...),
//! except actions and functions, which hang on the node before their segment and are called by
//! their own name.

use std::collections::{BTreeMap, HashSet};

use super::{ApiModel, Operation, PathParam, PathPart, Primitive, TypeKey};

/// An index into [`PathTree::nodes`].
pub type NodeId = usize;

/// The service root is node 0; every other node is reached from its parent by its [`Step`].
#[derive(Debug, Clone, PartialEq)]
pub struct PathTree {
    pub nodes: Vec<PathNode>,
}

impl Default for PathTree {
    fn default() -> Self {
        PathTree {
            nodes: vec![PathNode {
                parent: None,
                step: Step::Root,
                children: Vec::new(),
                endpoints: Vec::new(),
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathNode {
    pub parent: Option<NodeId>,
    pub step: Step,
    /// In the order of their steps' [`Step::sort_key`].
    pub children: Vec<NodeId>,
    /// The operations reached at this node, in operation order.
    pub endpoints: Vec<Endpoint>,
}

/// One path segment, as a step from a node to its child.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Root,
    /// A plain name: an entity set, a singleton, a navigation property, or an action or
    /// function without parameters (`messages`, `delta`).
    Segment(String),
    /// A key (`{id}`): an item of a collection. Every plain `{param}` segment under one node is
    /// this one step, whatever the pages call the parameter.
    Key(PathParam),
    /// A segment with parameters or punctuation: `range(address='{address}')`,
    /// `{item-path}:`, `root:`.
    Compound(Vec<StepPart>),
    /// An OData cast, `microsoft.graph.user`: the items as one derived type.
    Cast {
        name: String,
        key: TypeKey,
    },
    /// `$value`: the media content of an entity.
    Value,
    /// `$ref`: the references of a navigation property, rather than the entities.
    Reference,
    /// `$count`.
    Count,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepPart {
    Literal(String),
    Param(PathParam),
}

impl Step {
    /// What makes two steps one: names compare ignoring case (`directoryRoles` and
    /// `directoryroles` are one segment); parameters compare by position only.
    pub fn sort_key(&self) -> String {
        match self {
            Step::Root => String::new(),
            Step::Segment(name) => format!("1 {}", name.to_ascii_lowercase()),
            Step::Key(_) => "2 {}".to_owned(),
            Step::Compound(parts) => {
                let text: String = parts
                    .iter()
                    .map(|part| match part {
                        StepPart::Literal(text) => text.to_ascii_lowercase().replace('\'', ""),
                        StepPart::Param(_) => "{}".to_owned(),
                    })
                    .collect();
                // A closing parenthesis left out is a slip of the page, not another function.
                let text = text.trim_end_matches(')');
                format!("3 {text}")
            }
            Step::Cast { key, .. } => format!("4 {key}"),
            Step::Value => "5 $value".to_owned(),
            Step::Reference => "5 $ref".to_owned(),
            Step::Count => "5 $count".to_owned(),
        }
    }

    /// The segment as the pages write it, parameters as `{name}`.
    pub fn template_text(&self) -> String {
        match self {
            Step::Root => String::new(),
            Step::Segment(name) => name.clone(),
            Step::Key(param) => format!("{{{}}}", param.name),
            Step::Compound(parts) => parts
                .iter()
                .map(|part| match part {
                    StepPart::Literal(text) => text.clone(),
                    StepPart::Param(param) => format!("{{{}}}", param.name),
                })
                .collect(),
            Step::Cast { name, .. } => name.clone(),
            Step::Value => "$value".to_owned(),
            Step::Reference => "$ref".to_owned(),
            Step::Count => "$count".to_owned(),
        }
    }

    /// The parameters the step takes, in order.
    pub fn params(&self) -> Vec<&PathParam> {
        match self {
            Step::Key(param) => vec![param],
            Step::Compound(parts) => parts
                .iter()
                .filter_map(|part| match part {
                    StepPart::Param(param) => Some(param),
                    StepPart::Literal(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// One path of one operation, where it hangs in the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Index into [`ApiModel::operations`].
    pub operation: usize,
    /// Index into that operation's `paths`.
    pub path: usize,
    pub shape: Shape,
}

/// What an operation does at its node, from the shape of its HTTP request.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `GET` of a single resource.
    Get,
    /// `GET` of a collection.
    List,
    /// `POST` to a collection or a navigation property.
    Create,
    /// `PATCH`.
    Update,
    /// `PUT`.
    Replace,
    Delete,
    /// Another method, by its name.
    Method(String),
    /// An action or function: the last segment of the path, called by its own name from the
    /// node before it.
    Call(Step),
}

impl PathTree {
    /// The path from the root to a node, root first (the root itself excluded).
    pub fn steps_to(&self, node: NodeId) -> Vec<NodeId> {
        let mut chain = Vec::new();
        let mut current = Some(node);
        while let Some(id) = current.filter(|&id| id != 0) {
            chain.push(id);
            current = self.nodes.get(id).and_then(|n| n.parent);
        }
        chain.reverse();
        chain
    }

    /// Where each path of each operation hangs: (operation, path) → (node, endpoint index).
    pub fn endpoint_index(&self) -> BTreeMap<(usize, usize), (NodeId, usize)> {
        let mut index = BTreeMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            for (at, endpoint) in node.endpoints.iter().enumerate() {
                index.insert((endpoint.operation, endpoint.path), (id, at));
            }
        }
        index
    }
}

/// Builds the tree from every path of every operation of the model.
pub(super) fn build(model: &ApiModel) -> PathTree {
    // Names that are properties of some type: a segment with such a name is navigation; any
    // other name at the end of a path is an action or function.
    let properties: HashSet<String> = model
        .types
        .values()
        .flat_map(|t| &t.properties)
        .map(|p| p.name.to_ascii_lowercase())
        .collect();
    let mut trie = Trie::new();
    let mut ends = Vec::new();
    for (o, operation) in model.operations.iter().enumerate() {
        for (p, path) in operation.paths.iter().enumerate() {
            let mut node = 0;
            for step in steps(model, path) {
                node = trie.child(node, step);
            }
            ends.push((node, o, p));
        }
    }
    // Shapes are decided once every path is in: a segment is a call when it ends every path
    // through it and every operation that ends there is one (a `PATCH` of the same segment
    // makes it a resource).
    let is_call_end = |node: NodeId, o: usize| {
        let trie_node = &trie.nodes[node];
        trie_node.children.is_empty()
            && trie.depth(node) >= 2
            && is_call(&trie_node.step, &model.operations[o], &properties)
    };
    let mut calls: BTreeMap<NodeId, bool> = BTreeMap::new();
    for &(node, o, _) in &ends {
        let call = is_call_end(node, o);
        calls.entry(node).and_modify(|c| *c &= call).or_insert(call);
    }
    for (node, o, p) in ends {
        let operation = &model.operations[o];
        let trie_node = &trie.nodes[node];
        let (at, shape) = match (calls.get(&node), trie_node.parent) {
            (Some(true), Some(parent)) => (parent, Shape::Call(trie_node.step.clone())),
            _ => (node, shape_of(operation, &operation.paths[p])),
        };
        trie.nodes[at].endpoints.push(Endpoint {
            operation: o,
            path: p,
            shape,
        });
    }
    trie.into_tree()
}

/// Whether the last segment of a path names an action or function rather than a resource.
fn is_call(step: &Step, operation: &Operation, properties: &HashSet<String>) -> bool {
    if !matches!(operation.method.as_str(), "GET" | "POST") {
        return false;
    }
    match step {
        Step::Segment(name) => {
            name.contains('.') || !properties.contains(&name.to_ascii_lowercase())
        }
        Step::Compound(parts) => parts
            .iter()
            .any(|part| matches!(part, StepPart::Literal(text) if text.contains('('))),
        _ => false,
    }
}

/// The shape of an operation through one of its paths: a `GET` of a collection lists it,
/// except through `$count`, which gets its number.
fn shape_of(operation: &Operation, path: &super::OperationPath) -> Shape {
    match operation.method.as_str() {
        "GET" if super::OperationPath::counts(&path.template) => Shape::Get,
        "GET" if operation.response.as_ref().is_some_and(|r| r.collection) => Shape::List,
        "GET" => Shape::Get,
        "POST" => Shape::Create,
        "PATCH" => Shape::Update,
        "PUT" => Shape::Replace,
        "DELETE" => Shape::Delete,
        other => Shape::Method(other.to_ascii_lowercase()),
    }
}

/// The steps of a documented path, each parameter typed from the operation's path parameters.
fn steps(model: &ApiModel, path: &super::OperationPath) -> Vec<Step> {
    let mut params = path.params.iter();
    let mut next_param = |names: &[String]| {
        params.next().cloned().unwrap_or_else(|| PathParam {
            name: names.first().cloned().unwrap_or_default(),
            alternatives: names.to_vec(),
            ty: Primitive::String,
            description: String::new(),
        })
    };
    let mut steps = Vec::with_capacity(path.template.segments.len());
    for segment in &path.template.segments {
        let step = match segment.parts.as_slice() {
            [PathPart::Literal(text)] => match text.as_str() {
                "$value" => Step::Value,
                "$ref" => Step::Reference,
                "$count" => Step::Count,
                _ => {
                    let key = TypeKey(text.to_ascii_lowercase());
                    if text.contains('.') && model.types.contains_key(&key) {
                        Step::Cast {
                            name: text.clone(),
                            key,
                        }
                    } else if text.contains('<') {
                        Step::Compound(angle_placeholders(text))
                    } else {
                        Step::Segment(text.clone())
                    }
                }
            },
            [PathPart::Param { names }] => Step::Key(next_param(names)),
            parts => Step::Compound(
                parts
                    .iter()
                    .map(|part| match part {
                        PathPart::Literal(text) => StepPart::Literal(text.clone()),
                        PathPart::Param { names } => StepPart::Param(next_param(names)),
                    })
                    .collect(),
            ),
        };
        steps.push(step);
    }
    steps
}

/// `range(address='<address>')`: some pages write a placeholder in angle brackets, which the
/// path parser keeps as text; it is a string parameter like `{address}`.
fn angle_placeholders(text: &str) -> Vec<StepPart> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('<') {
        let Some((name, tail)) = after.split_once('>').filter(|(n, _)| !n.is_empty()) else {
            break;
        };
        if !before.is_empty() {
            parts.push(StepPart::Literal(before.to_owned()));
        }
        parts.push(StepPart::Param(PathParam {
            name: name.to_owned(),
            alternatives: vec![name.to_owned()],
            ty: Primitive::String,
            description: String::new(),
        }));
        rest = tail;
    }
    if !rest.is_empty() {
        parts.push(StepPart::Literal(rest.to_owned()));
    }
    parts
}

/// The tree while paths are added: children found by their step's key.
struct Trie {
    nodes: Vec<PathNode>,
    index: BTreeMap<(NodeId, String), NodeId>,
}

impl Trie {
    /// A trie holding the service root.
    fn new() -> Trie {
        Trie {
            nodes: PathTree::default().nodes,
            index: BTreeMap::new(),
        }
    }

    fn child(&mut self, parent: NodeId, step: Step) -> NodeId {
        let key = (parent, step.sort_key());
        if let Some(&id) = self.index.get(&key) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(PathNode {
            parent: Some(parent),
            step,
            children: Vec::new(),
            endpoints: Vec::new(),
        });
        self.nodes[parent].children.push(id);
        self.index.insert(key, id);
        id
    }

    fn depth(&self, mut node: NodeId) -> usize {
        let mut depth = 0;
        while let Some(parent) = self.nodes[node].parent {
            depth += 1;
            node = parent;
        }
        depth
    }

    /// The final tree: nodes that lead to no endpoint (a call's own segment) left out,
    /// children sorted by step, numbered depth-first so the order is the same for any input
    /// order.
    fn into_tree(mut self) -> PathTree {
        let mut live = vec![false; self.nodes.len()];
        for id in (0..self.nodes.len()).rev() {
            live[id] = !self.nodes[id].endpoints.is_empty()
                || self.nodes[id].children.iter().any(|&c| live[c]);
        }
        let keys: Vec<String> = self.nodes.iter().map(|n| n.step.sort_key()).collect();
        for node in &mut self.nodes {
            node.children.retain(|&c| live[c]);
            node.children.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        }
        let mut order = Vec::with_capacity(self.nodes.len());
        let mut stack = vec![0];
        while let Some(id) = stack.pop() {
            order.push(id);
            stack.extend(self.nodes[id].children.iter().rev());
        }
        let mut renumber = vec![0; self.nodes.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new;
        }
        let mut nodes: Vec<Option<PathNode>> = self.nodes.into_iter().map(Some).collect();
        let tree = order
            .iter()
            .filter_map(|&old| nodes[old].take())
            .map(|mut node| {
                node.parent = node.parent.map(|p| renumber[p]);
                node.children = node.children.iter().map(|&c| renumber[c]).collect();
                node
            })
            .collect();
        PathTree { nodes: tree }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OperationPath, ResolvedType, Source};

    fn operation(method: &str, paths: &[&str], collection: bool) -> Operation {
        Operation {
            name: "op".into(),
            title: "Op".into(),
            description: String::new(),
            area: "m".into(),
            method: method.into(),
            paths: paths
                .iter()
                .map(|p| OperationPath::with_string_params(p))
                .collect(),
            query_options: vec![],
            headers: vec![],
            body: None,
            response: Some(ResolvedType {
                target: crate::model::TypeRef::Primitive(Primitive::Json),
                collection,
            }),
            success_status: 200,
            media_form: None,
            examples: vec![],
            source: Source::default(),
        }
    }

    fn node_at(tree: &PathTree, path: &[&str]) -> NodeId {
        let mut node = 0;
        for segment in path {
            node = *tree.nodes[node]
                .children
                .iter()
                .find(|&&c| tree.nodes[c].step.template_text() == *segment)
                .unwrap_or_else(|| panic!("no `{segment}` under node {node}"));
        }
        node
    }

    #[test]
    fn operations_hang_on_their_nodes_and_actions_on_the_node_before() {
        let mut model = ApiModel::default();
        let mut user = crate::model::ComplexType {
            key: TypeKey::new("microsoft.graph", "user"),
            name: "user".into(),
            namespace: "microsoft.graph".into(),
            description: String::new(),
            area: Some("m".into()),
            base: None,
            key_property: None,
            open_type: false,
            is_abstract: false,
            is_media_entity: false,
            properties: vec![],
            origin: crate::model::TypeOrigin::ResourcePage,
            inferred: false,
            source: Source::default(),
        };
        user.properties.push(crate::model::Property {
            name: "messages".into(),
            ty: ResolvedType::primitive(Primitive::Json),
            description: String::new(),
            navigation: true,
            read_only: false,
            required: false,
            nullable: None,
            source: Source::default(),
        });
        model.types.insert(user.key.clone(), user);
        model.operations = vec![
            operation("GET", &["/me/messages", "/users/{id}/messages"], true),
            operation(
                "GET",
                &["/users/{id | userPrincipalName}/messages/{id}"],
                false,
            ),
            operation("POST", &["/me/messages"], false),
            operation("POST", &["/users/{id}/assignLicense"], false),
            operation("GET", &["/users/delta()"], true),
            operation("GET", &["/groups/{id}/members/microsoft.graph.user"], true),
        ];
        let tree = build(&model);
        let messages = node_at(&tree, &["me", "messages"]);
        let shapes: Vec<&Shape> = tree.nodes[messages]
            .endpoints
            .iter()
            .map(|e| &e.shape)
            .collect();
        assert_eq!(shapes, [&Shape::List, &Shape::Create]);
        let item = node_at(&tree, &["users", "{id}", "messages", "{id}"]);
        assert_eq!(tree.nodes[item].endpoints[0].shape, Shape::Get);
        let user = node_at(&tree, &["users", "{id}"]);
        assert!(matches!(
            &tree.nodes[user].endpoints[0].shape,
            Shape::Call(Step::Segment(name)) if name == "assignLicense"
        ));
        let users = node_at(&tree, &["users"]);
        assert!(matches!(
            &tree.nodes[users].endpoints[0].shape,
            Shape::Call(Step::Segment(name)) if name == "delta()"
        ));
        // The segment a call names is no node of its own.
        assert!(tree.nodes[user]
            .children
            .iter()
            .all(|&c| tree.nodes[c].step.template_text() != "assignLicense"));
        // `microsoft.graph.user` names no type of this model: a plain segment, not a cast.
        node_at(
            &tree,
            &["groups", "{id}", "members", "microsoft.graph.user"],
        );
        assert_eq!(tree.steps_to(item).len(), 4);
    }

    #[test]
    fn the_tree_is_the_same_whatever_the_operation_order() {
        let mut model = ApiModel {
            operations: vec![
                operation("GET", &["/b/{id}/c"], true),
                operation("GET", &["/a"], true),
                operation("DELETE", &["/b/{id}"], false),
            ],
            ..ApiModel::default()
        };
        let first = build(&model);
        model.operations.reverse();
        let second = build(&model);
        let texts = |tree: &PathTree| -> Vec<String> {
            tree.nodes.iter().map(|n| n.step.template_text()).collect()
        };
        assert_eq!(texts(&first), texts(&second));
        // `c` is no property of any type: a function of `/b/{id}`, not a node.
        assert_eq!(texts(&first), ["", "a", "b", "{id}"]);
    }
}

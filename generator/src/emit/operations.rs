//! The method that builds an operation's request, on the node of its path (see
//! [`super::paths`]), returning a typed [`Request`] value.
//!
//! [`Request`]: ../../runtime/struct.Request.html

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::rustdoc_markdown;
pub use super::gate::Gate;
use super::ident::{field_name, ident, Names};
use super::paths::step_pieces;
use super::text::{pad, push_doc, push_fn, type_text, Expr};
use super::types::{element, primitive, reference};
use super::Naming;
use crate::model::paths::Step;
use crate::model::{Operation, OperationPath, Primitive, QueryValue, ResolvedType, TypeRef};

/// The request headers pages name that the runtime's `Request` has a method for.
const REQUEST_HEADER_HELPERS: &[(&str, &str)] = &[
    ("ConsistencyLevel", "consistency_level_eventual"),
    ("If-Match", "if_match"),
    ("If-None-Match", "if_none_match"),
    ("Prefer", "prefer"),
    ("Workbook-Session-Id", "workbook_session_id"),
];

/// The type an operation's method reads its answer as through one of its paths: the runtime's
/// `Content` for media; else [`documented_type`], except that an operation documented as
/// `204 No Content` reads the runtime's `NoContent` whatever type its page names, since a 204
/// carries no body.
pub fn response_type(naming: &Naming, operation: &Operation, path: &OperationPath) -> TokenStream {
    if OperationPath::counts(&path.template) {
        return quote!(crate::runtime::Count);
    }
    if path.media.response {
        return quote!(crate::runtime::Content);
    }
    if operation.success_status == 204 {
        return quote!(crate::runtime::NoContent);
    }
    documented_type(naming, operation)
}

/// The response type the operation's pages document: the runtime's `NoContent` when they show
/// no body, which accepts and ignores whatever the service sends. The items of a delta
/// function that returns a resource are the runtime's `Delta`s of it, which tell removed items
/// from changed ones.
pub fn documented_type(naming: &Naming, operation: &Operation) -> TokenStream {
    match &operation.response {
        None => quote!(crate::runtime::NoContent),
        Some(ResolvedType {
            target,
            collection: true,
        }) => {
            let element = element(naming, target);
            if operation.is_delta() && matches!(target, TypeRef::Complex(_)) {
                quote!(crate::runtime::Collection<crate::runtime::Delta<#element>>)
            } else {
                quote!(crate::runtime::Collection<#element>)
            }
        }
        Some(ResolvedType {
            target: target @ TypeRef::Primitive(p),
            collection: false,
        }) if *p != Primitive::Json => {
            let element = element(naming, target);
            quote!(crate::runtime::Single<#element>)
        }
        Some(ty) => reference(naming, ty, false),
    }
}

/// Where and how an endpoint's method is emitted.
pub struct Call<'a> {
    pub path: &'a OperationPath,
    /// The action's or function's own segment, appended to `base`.
    pub step: Option<&'a Step>,
    /// `self` for a node's method; nothing for a crate-root function.
    pub receiver: Option<&'static str>,
    /// The path expression the request starts from.
    pub base: Expr,
    /// Doc text, `#[doc(alias)]`es and `#[cfg]`, written before the method.
    pub attributes: Attributes,
}

/// What is written before an item: its doc comment, its search aliases and its `#[cfg]`.
#[derive(Default)]
pub struct Attributes {
    pub doc: String,
    pub aliases: Vec<String>,
    pub cfg: Option<String>,
}

impl Attributes {
    pub fn push(&self, out: &mut String, indent: usize) {
        push_doc(out, &self.doc, indent);
        for alias in &self.aliases {
            pad(out, indent);
            out.push_str("#[doc(alias = ");
            out.push_str(&proc_macro2::Literal::string(alias).to_string());
            out.push_str(
                ")]
",
            );
        }
        if let Some(cfg) = &self.cfg {
            for line in cfg.lines() {
                pad(out, indent);
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

/// The method of one endpoint: the call's own segment (for an action or function) appended to
/// the base path, the fixed and placeholder query, and the body; written at `indent` spaces.
pub fn emit_call(
    out: &mut String,
    indent: usize,
    naming: &Naming,
    operation: &Operation,
    method_name: &str,
    call: Call,
) {
    let Call {
        path,
        step,
        receiver,
        base,
        attributes,
    } = call;
    let mut parameter_names = Names::reserving(&["body", "self"]);
    let (mut parameters, pieces) = match step {
        // A call is a function's own segment (`search(q='{q}')`), never an item path.
        Some(step) => step_pieces(step, false, &mut parameter_names),
        None => (Vec::new(), Vec::new()),
    };
    let path_expr = if pieces.is_empty() {
        base
    } else {
        Expr::call(
            "crate::runtime::support::extend_path",
            vec![base, Expr::SliceRef(pieces)],
        )
    };
    let mut calls = Vec::new();
    for fixed in &path.query {
        let name = Expr::string(&fixed.name);
        match &fixed.value {
            QueryValue::Literal(value) => {
                calls.push(Expr::call("query_param", vec![name, Expr::string(value)]));
            }
            QueryValue::Param(param) => {
                let parameter = ident(&parameter_names.claim(&field_name(&param.name))).to_string();
                parameters.push(format!("{parameter}: {}", parameter_type(param.ty)));
                let value = Expr::atom(format!(
                    "crate::runtime::PathValue::to_path_text(&{parameter})"
                ));
                calls.push(Expr::call("query_param", vec![name, value]));
            }
        }
    }
    let response = type_text(&response_type(naming, operation, path));
    let status = format!(
        "::http::StatusCode::{}",
        status_code(operation.success_status)
    );
    let body_type = match &operation.body {
        _ if path.media.request => {
            parameters.push("body: crate::runtime::Content".to_owned());
            "crate::runtime::Content".to_owned()
        }
        Some(body) => {
            let ty = type_text(&reference(naming, body, false));
            parameters.push(format!("body: {ty}"));
            ty
        }
        None => "crate::runtime::NoBody".to_owned(),
    };
    if body_type != "crate::runtime::NoBody" {
        calls.push(Expr::call("with_body", vec![Expr::atom("body")]));
    }
    let new = Expr::call(
        "crate::runtime::Request::new",
        vec![
            Expr::atom(format!(
                "::http::Method::{}",
                operation.method.to_ascii_uppercase()
            )),
            path_expr,
            Expr::atom(status),
        ],
    );
    let body = if calls.is_empty() {
        new
    } else {
        Expr::Chain(Box::new(new), calls)
    };
    let all_parameters: Vec<String> = receiver
        .map(str::to_owned)
        .into_iter()
        .chain(parameters)
        .collect();
    attributes.push(out, indent);
    push_fn(
        out,
        indent,
        &ident(method_name).to_string(),
        &all_parameters,
        &format!("crate::runtime::Request<{response}, {body_type}>"),
        &body,
    );
}

/// The `http` crate's constant for a success status.
fn status_code(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "CREATED",
        202 => "ACCEPTED",
        203 => "NON_AUTHORITATIVE_INFORMATION",
        204 => "NO_CONTENT",
        205 => "RESET_CONTENT",
        206 => "PARTIAL_CONTENT",
        207 => "MULTI_STATUS",
        208 => "ALREADY_REPORTED",
        _ => "OK",
    }
}

/// Path parameters by value for plain data, as `&str` for text.
pub fn parameter_type(ty: Primitive) -> String {
    type_text(&parameter_type_tokens(ty))
}

fn parameter_type_tokens(ty: Primitive) -> TokenStream {
    match ty {
        Primitive::Boolean
        | Primitive::Byte
        | Primitive::SByte
        | Primitive::Int16
        | Primitive::Int32
        | Primitive::Int64
        | Primitive::Single
        | Primitive::Double
        | Primitive::Decimal
        | Primitive::DateTimeOffset
        | Primitive::Date
        | Primitive::TimeOfDay
        | Primitive::Guid => primitive(ty),
        _ => quote!(&str),
    }
}

/// The rustdoc of an endpoint's method: the page's title and description, the request line,
/// what it supports, where it is documented, and the page's name and title as search aliases.
pub fn endpoint_doc(
    operation: &Operation,
    path: &OperationPath,
    template: &str,
    sharing: &[&Operation],
    method_name: &str,
    gate: Option<&Gate>,
) -> Attributes {
    let mut parts = vec![format!("{}.", operation.title.trim_end_matches('.'))];
    let description = rustdoc_markdown(&operation.description);
    if !description.is_empty() {
        parts.push(description);
    }
    let mut line = format!("`{} {template}", operation.method);
    for (i, fixed) in path.query.iter().enumerate() {
        let value = match &fixed.value {
            QueryValue::Literal(value) => value.clone(),
            QueryValue::Param(param) => format!("{{{}}}", param.name),
        };
        line.push(if i == 0 { '?' } else { '&' });
        line.push_str(&format!("{}={value}", fixed.name));
    }
    line.push('`');
    parts.push(line);
    if !operation.query_options.is_empty() {
        let options: Vec<String> = operation
            .query_options
            .iter()
            .map(|o| format!("`{}`", o.wire_name()))
            .collect();
        parts.push(format!(
            "Supports the OData query options {}.",
            options.join(", ")
        ));
    }
    for header in operation.headers.iter().filter(|h| {
        h.required
            && ![
                "authorization",
                "content-type",
                "content-length",
                "user-agent",
            ]
            .iter()
            .any(|set| h.name.eq_ignore_ascii_case(set))
    }) {
        let helper = REQUEST_HEADER_HELPERS
            .iter()
            .find(|(name, _)| header.name.eq_ignore_ascii_case(name))
            .map_or_else(
                || "set it with [`header`](crate::runtime::Request::header)".to_owned(),
                |(_, helper)| {
                    format!("set it with [`{helper}`](crate::runtime::Request::{helper})")
                },
            );
        parts.push(format!(
            "**Requires the `{}` header** ({helper}): {}",
            header.name,
            rustdoc_markdown(&header.description)
        ));
    }
    if operation.success_status == 202 && operation.response.is_none() {
        let mut accepted =
            "The service accepts the request and completes it later: it answers `202 Accepted` \
             without a body."
                .to_owned();
        let tracked = operation
            .examples
            .iter()
            .any(|e| e.response.as_ref().is_some_and(|r| r.location.is_some()));
        if tracked {
            accepted.push_str(
                " Its `Location` header, read with \
                 [`Response::location`](crate::runtime::Response::location), tracks the work.",
            );
        }
        parts.push(accepted);
    }
    parts.push(format!(
        "Documented in `{}` (line {}).",
        path.source.page, path.source.line
    ));
    if !sharing.is_empty() {
        let others: Vec<String> = sharing
            .iter()
            .map(|o| format!("`{}` ({})", o.title, o.source.page))
            .collect();
        parts.push(format!(
            "The same request is documented as {} too.",
            others.join(", ")
        ));
    }
    if let Some(note) = gate.and_then(Gate::describe) {
        parts.push(note);
    }
    let doc = parts.join("\n\n");
    let mut aliases: Vec<String> = Vec::new();
    for documented in std::iter::once(operation).chain(sharing.iter().copied()) {
        let stem = documented
            .source
            .page
            .rsplit('/')
            .next()
            .unwrap_or_default();
        for alias in [stem.trim_end_matches(".md"), documented.title.as_str()] {
            let alias = doc_alias(alias);
            if !alias.is_empty() && alias != method_name && !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
    }
    Attributes {
        doc,
        aliases,
        cfg: gate.and_then(Gate::cfg_text),
    }
}

/// Text rustdoc accepts as an alias: no quotes, no whitespace but single spaces at the inside.
fn doc_alias(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !matches!(c, '"' | '\''))
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

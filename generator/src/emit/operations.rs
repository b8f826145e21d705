//! The method that builds an operation's request, on the node of its path (see
//! [`super::paths`]), returning a typed [`Request`] value.
//!
//! [`Request`]: ../../runtime/struct.Request.html

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, rustdoc_markdown};
pub use super::gate::Gate;
use super::ident::{field_name, ident, Names};
use super::paths::step_pieces;
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
    pub receiver: Option<TokenStream>,
    /// The path expression the request starts from.
    pub base: TokenStream,
    pub doc: TokenStream,
    pub gate: TokenStream,
}

/// The method of one endpoint: the call's own segment (for an action or function) appended to
/// the base path, the fixed and placeholder query, and the body.
pub fn emit_call(
    naming: &Naming,
    operation: &Operation,
    method_name: &str,
    call: Call,
) -> TokenStream {
    let Call {
        path,
        step,
        receiver,
        base,
        doc,
        gate,
    } = call;
    let function = ident(method_name);
    let mut parameter_names = Names::reserving(&["body", "self"]);
    let (mut parameters, pieces) = match step {
        // A call is a function's own segment (`search(q='{q}')`), never an item path.
        Some(step) => step_pieces(step, false, &mut parameter_names),
        None => (Vec::new(), Vec::new()),
    };
    let path_expr = if pieces.is_empty() {
        base
    } else {
        quote!(crate::runtime::support::extend_path(#base, &[#(#pieces),*]))
    };
    let mut query = Vec::new();
    for fixed in &path.query {
        let name = &fixed.name;
        match &fixed.value {
            QueryValue::Literal(value) => query.push(quote!(.query_param(#name, #value))),
            QueryValue::Param(param) => {
                let parameter = ident(&parameter_names.claim(&field_name(&param.name)));
                let ty = parameter_type(param.ty);
                parameters.push(quote!(#parameter: #ty));
                query.push(quote!(.query_param(#name, crate::runtime::PathValue::to_path_text(&#parameter))));
            }
        }
    }
    let response = response_type(naming, operation, path);
    let method = ident(&operation.method.to_ascii_uppercase());
    let status = status_code(operation.success_status);
    let (body_type, with_body) = match &operation.body {
        _ if path.media.request => {
            parameters.push(quote!(body: crate::runtime::Content));
            (quote!(crate::runtime::Content), quote!(.with_body(body)))
        }
        Some(body) => {
            let ty = reference(naming, body, false);
            parameters.push(quote!(body: #ty));
            (quote!(#ty), quote!(.with_body(body)))
        }
        None => (quote!(crate::runtime::NoBody), TokenStream::new()),
    };
    let all_parameters = receiver.into_iter().chain(parameters);
    quote! {
        #doc
        #gate
        pub fn #function(#(#all_parameters),*) -> crate::runtime::Request<#response, #body_type> {
            crate::runtime::Request::new(::http::Method::#method, #path_expr, #status) #(#query)* #with_body
        }
    }
}

/// The `http` crate's constant for a success status.
fn status_code(status: u16) -> TokenStream {
    let name = match status {
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
    };
    let name = ident(name);
    quote!(::http::StatusCode::#name)
}

/// Path parameters by value for plain data, as `&str` for text.
pub fn parameter_type(ty: Primitive) -> TokenStream {
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
) -> TokenStream {
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
        parts.push(
            "The service accepts the request and does the work later: it answers `202 Accepted` \
             without a body, and the answer's headers say where to follow the work \
             ([`Response::location`](crate::runtime::Response::location), or \
             [`Response::header`](crate::runtime::Response::header) for `Operation-Location`)."
                .to_owned(),
        );
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
    let doc = doc_attrs(&parts.join("\n\n"));
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
    quote! {
        #doc
        #(#[doc(alias = #aliases)])*
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

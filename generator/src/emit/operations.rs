//! Endpoint functions: one per operation path, returning a typed [`Request`] value.
//!
//! An operation documented with several paths (`/me/...` and `/users/{id}/...`) gets one
//! function per path, named after what tells the paths apart (`list_trending_me`,
//! `list_trending_users`), since each path has its own parameters.
//!
//! [`Request`]: ../../runtime/struct.Request.html

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, rustdoc_markdown};
use super::ident::{field_name, ident, snake_name, Names};
use super::types::{element, primitive, reference};
use super::Naming;
use crate::model::{
    Operation, OperationPath, PathPart, Primitive, QueryValue, ResolvedType, TypeRef,
};

/// The functions of one operation: one per path, with the names [`function_names`] gave.
pub fn emit_operation(naming: &Naming, operation: &Operation, names: &[String]) -> TokenStream {
    let functions = operation
        .paths
        .iter()
        .zip(names)
        .map(|(path, name)| emit_function(naming, operation, path, name));
    quote!(#(#functions)*)
}

/// The function name of every path of every operation of a module, unique in the module.
pub fn function_names(operations: &[&Operation]) -> Vec<Vec<String>> {
    // Function names share the module's namespace with its types, which are camel case, so
    // only functions can collide with each other here.
    let mut taken = Names::new();
    operations
        .iter()
        .map(|operation| {
            path_function_names(operation)
                .iter()
                .map(|name| taken.claim(name))
                .collect()
        })
        .collect()
}

/// The type an operation's request parses its response into.
pub fn response_type(naming: &Naming, operation: &Operation) -> TokenStream {
    match &operation.response {
        None => quote!(()),
        Some(ResolvedType {
            target,
            collection: true,
        }) => {
            let element = element(naming, target);
            quote!(crate::runtime::Collection<#element>)
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

/// One name per path: the operation's name, plus for several paths the static segments that
/// only some of them have.
fn path_function_names(operation: &Operation) -> Vec<String> {
    let base = snake_name(&operation.name);
    if operation.paths.len() <= 1 {
        return vec![base];
    }
    let statics = |path: &OperationPath| -> Vec<String> {
        path.template
            .segments
            .iter()
            .filter_map(|segment| match segment.parts.as_slice() {
                [PathPart::Literal(text)] => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    let all: Vec<Vec<String>> = operation.paths.iter().map(statics).collect();
    let common: BTreeSet<&String> = all
        .first()
        .map(|first| {
            first
                .iter()
                .filter(|s| all.iter().all(|other| other.contains(s)))
                .collect()
        })
        .unwrap_or_default();
    let mut distinct: Vec<Vec<&str>> = all
        .iter()
        .map(|segments| {
            segments
                .iter()
                .filter(|s| !common.contains(s))
                .map(String::as_str)
                .collect()
        })
        .collect();
    // Overloads of one function differ only in their parameters: name them by those.
    if distinct.iter().all(Vec::is_empty) {
        distinct = operation
            .paths
            .iter()
            .map(|path| path.params.iter().map(|p| p.name.as_str()).collect())
            .collect();
        let unique: BTreeSet<&Vec<&str>> = distinct.iter().collect();
        if unique.len() != distinct.len() {
            distinct.iter_mut().for_each(Vec::clear);
        }
    }
    // The one path with nothing of its own is the operation's plain form.
    let plain = distinct.iter().filter(|d| d.is_empty()).count() == 1;
    distinct
        .iter()
        .enumerate()
        .map(|(i, words)| match (words.is_empty(), plain) {
            (true, true) => base.clone(),
            (true, false) => format!("{base}_{}", i + 1),
            (false, _) => format!("{base}_{}", snake_name(&words.join(" "))),
        })
        .collect()
}

fn emit_function(
    naming: &Naming,
    operation: &Operation,
    path: &OperationPath,
    name: &str,
) -> TokenStream {
    let function = ident(name);
    let mut parameter_names = Names::reserving(&["body"]);
    let mut parameters = Vec::new();
    // The path as pieces to concatenate: literal text, and encoded parameters.
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut literal = String::new();
    let mut params = path.params.iter();
    for segment in &path.template.segments {
        literal.push('/');
        for part in &segment.parts {
            match part {
                PathPart::Literal(text) => literal.push_str(text),
                PathPart::Param { .. } => {
                    let Some(param) = params.next() else { continue };
                    let parameter = ident(&parameter_names.claim(&field_name(&param.name)));
                    let ty = parameter_type(param.ty);
                    parameters.push(quote!(#parameter: #ty));
                    let text = std::mem::take(&mut literal);
                    pieces.push(quote!(#text));
                    pieces.push(quote!(&crate::runtime::path_parameter(#parameter)));
                }
            }
        }
    }
    if !literal.is_empty() || pieces.is_empty() {
        let text = if literal.is_empty() {
            "/".to_owned()
        } else {
            literal
        };
        pieces.push(quote!(#text));
    }
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
    let path_expr = match pieces.as_slice() {
        [only] => quote!(::std::string::String::from(#only)),
        _ => quote!([#(#pieces),*].concat()),
    };

    let response = response_type(naming, operation);
    let method = ident(&operation.method.to_ascii_uppercase());
    let status = status_code(operation.success_status);
    let request = quote! {
        crate::runtime::Request::new(::http::Method::#method, #path_expr, #status)
    };
    let (body_parameter, body_type, with_body) = match &operation.body {
        Some(body) => {
            let ty = reference(naming, body, false);
            (quote!(body: #ty), quote!(#ty), quote!(.with_body(body)))
        }
        None => (
            TokenStream::new(),
            quote!(crate::runtime::NoBody),
            TokenStream::new(),
        ),
    };
    let all_parameters = parameters
        .iter()
        .cloned()
        .chain((!body_parameter.is_empty()).then_some(body_parameter));
    let mut doc = function_doc(operation, path);
    let features: Vec<String> = naming
        .operation_features(operation)
        .iter()
        .map(|f| format!("`{f}`"))
        .collect();
    if !features.is_empty() {
        doc.push_str(&format!(
            "\n\nPresent with the {} feature too, whose module holds a type it takes or returns.",
            features.join(" and ")
        ));
    }
    let doc = doc_attrs(&doc);
    let gate = naming.operation_gate(operation);
    quote! {
        #doc
        #gate
        pub fn #function(#(#all_parameters),*) -> crate::runtime::Request<#response, #body_type> {
            #request #(#query)* #with_body
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

fn function_doc(operation: &Operation, path: &OperationPath) -> String {
    let mut parts = vec![format!("{}.", operation.title.trim_end_matches('.'))];
    let description = rustdoc_markdown(&operation.description);
    if !description.is_empty() {
        parts.push(description);
    }
    parts.push(format!(
        "`{} {}`",
        operation.method,
        path.template.to_template_string()
    ));
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
    let headers: Vec<String> = operation
        .headers
        .iter()
        .filter(|h| {
            h.required
                && !h.name.eq_ignore_ascii_case("authorization")
                && !h.name.eq_ignore_ascii_case("content-type")
        })
        .map(|h| format!("`{}`", h.name))
        .collect();
    if !headers.is_empty() {
        parts.push(format!("Required headers: {}.", headers.join(", ")));
    }
    parts.push(format!(
        "Documented in `{}` (line {}).",
        path.source.page, path.source.line
    ));
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

    fn operation(paths: &[&str]) -> Operation {
        Operation {
            name: "list_trending".into(),
            title: "List trending".into(),
            description: String::new(),
            module: "insights".into(),
            method: "GET".into(),
            paths: paths
                .iter()
                .map(|p| OperationPath::with_string_params(p))
                .collect(),
            query_options: vec![],
            headers: vec![],
            body: None,
            response: None,
            success_status: 200,
            examples: vec![],
            source: Source::default(),
        }
    }

    #[test]
    fn several_paths_are_named_by_what_tells_them_apart() {
        let names = path_function_names(&operation(&[
            "/me/insights/trending",
            "/users/{id}/insights/trending",
            "/me/mailFolders/{id}/insights/trending",
        ]));
        assert_eq!(
            names,
            [
                "list_trending_me",
                "list_trending_users",
                "list_trending_me_mail_folders"
            ]
        );
        let overloads = path_function_names(&operation(&["/a/{x}", "/a/{y}"]));
        assert_eq!(overloads, ["list_trending_x", "list_trending_y"]);
        let same = path_function_names(&operation(&["/a(k='{x}')", "/a(j='{x}')"]));
        assert_eq!(same, ["list_trending_1", "list_trending_2"]);
        let plain_and_ref = path_function_names(&operation(&["/me/shared/$ref", "/me/shared"]));
        assert_eq!(plain_and_ref, ["list_trending_ref", "list_trending"]);
        assert_eq!(path_function_names(&operation(&["/me"])), ["list_trending"]);
    }
}

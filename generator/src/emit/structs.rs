//! One struct per entity or complex type.
//!
//! Inherited properties are copied into each struct rather than composed with
//! `#[serde(flatten)] base: Base`: flattening makes serde buffer every field through its
//! `Content` type (slower, and it loses number precision for the derived type's fields), a
//! struct can flatten only once usefully alongside the catch-all map below, and users get
//! `user.display_name` instead of `user.base.base.display_name`. The one flatten kept is the
//! map of undocumented properties, which is what makes a round trip lossless.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, rustdoc_markdown};
use super::ident::{field_name, ident, Names};
use super::types::reference;
use super::Naming;
use crate::model::{ApiModel, ComplexType, TypeOrigin};

/// Field names the generated struct itself uses.
const ODATA_TYPE_FIELD: &str = "odata_type";
const ADDITIONAL_FIELD: &str = "additional_properties";

pub fn emit_struct(model: &ApiModel, naming: &Naming, ty: &ComplexType) -> TokenStream {
    let Some(item) = naming.types.get(&ty.key) else {
        return TokenStream::new();
    };
    let name = ident(&item.name);
    let doc = doc_attrs(&struct_doc(model, naming, ty));

    let mut field_names = Names::reserving(&[ODATA_TYPE_FIELD, ADDITIONAL_FIELD]);
    let fields = model
        .all_properties(&ty.key)
        .into_iter()
        .filter(|p| p.name != "@odata.type")
        .map(|property| {
            let field = ident(&field_names.claim(&field_name(&property.name)));
            let boxed = naming
                .boxed
                .contains(&(ty.key.clone(), property.name.clone()));
            let rust_type = reference(naming, &property.ty, boxed);
            let wire = &property.name;
            let mut text = rustdoc_markdown(&property.description);
            if text.is_empty() {
                text = format!("The `{wire}` property.");
            }
            let gated = naming.gated.get(&(ty.key.clone(), property.name.clone()));
            if let Some(feature) = gated {
                text.push_str(&format!("\n\nPresent with the `{feature}` feature, whose module holds its type; without it, the value is kept in `additional_properties`."));
            }
            let doc = doc_attrs(&text);
            let rename = (field.to_string().trim_start_matches("r#") != wire)
                .then(|| quote!(rename = #wire,));
            let gate = gated.map(|feature| quote!(#[cfg(feature = #feature)]));
            quote! {
                #doc
                #gate
                #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #field: ::std::option::Option<#rust_type>,
            }
        });
    let odata_type = ident(ODATA_TYPE_FIELD);
    let additional = ident(ADDITIONAL_FIELD);
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            /// The `@odata.type` of the instance, naming its type (possibly one derived from this).
            #[serde(rename = "@odata.type", default, skip_serializing_if = "::std::option::Option::is_none")]
            pub #odata_type: ::std::option::Option<::std::string::String>,
            #(#fields)*
            /// Properties the reference does not document, kept so that a round trip loses nothing.
            #[serde(flatten)]
            pub #additional: ::std::collections::BTreeMap<::std::string::String, ::serde_json::Value>,
        }
    }
}

fn struct_doc(model: &ApiModel, naming: &Naming, ty: &ComplexType) -> String {
    let mut parts = Vec::new();
    let description = rustdoc_markdown(&ty.description);
    parts.push(if description.is_empty() {
        format!("The `{}` type.", ty.name)
    } else {
        description
    });
    let mut facts = vec![format!("Graph type `{}.{}`", ty.namespace, ty.name)];
    if let Some(base) = ty.base.as_ref().and_then(|b| model.types.get(b)) {
        let base_name = naming
            .types
            .get(&base.key)
            .map_or(base.name.as_str(), |i| i.name.as_str());
        facts.push(format!(
            "derived from `{base_name}`, whose properties it includes"
        ));
    }
    if let Some(key) = &ty.key_property {
        facts.push(format!("key property `{key}`"));
    }
    if ty.is_abstract {
        facts.push("abstract".to_owned());
    }
    if ty.open_type {
        facts.push("open type".to_owned());
    }
    parts.push(format!("{}.", facts.join("; ")));
    let origin = match ty.origin {
        TypeOrigin::ResourcePage => "Defined in",
        TypeOrigin::RequestBodyTable => "Described by the request-body table of",
        TypeOrigin::ActionParameters => "The parameters table of",
        TypeOrigin::Example => "Inferred from the examples of",
    };
    parts.push(format!(
        "{origin} `{}` (line {}).",
        ty.source.page, ty.source.line
    ));
    parts.join("\n\n")
}

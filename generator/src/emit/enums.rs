//! One Rust enum per Graph enum: a variant per documented member with the exact wire value,
//! and an `Unknown(String)` variant that keeps values the service adds later (Graph enums grow;
//! that is what their `unknownFutureValue` member announces), so deserialization never fails on
//! a new value and writes it back unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, rustdoc_markdown};
use super::ident::{ident, type_name, Names};
use super::Naming;
use crate::model::EnumType;

pub fn emit_enum(naming: &Naming, ty: &EnumType) -> TokenStream {
    let Some(item) = naming.types.get(&ty.key) else {
        return TokenStream::new();
    };
    let name = ident(&item.name);
    let mut variant_names = Names::new();
    let members: Vec<(proc_macro2::Ident, &str, String)> = ty
        .members
        .iter()
        .map(|member| {
            let variant = ident(&variant_names.claim(&type_name(&member.name)));
            let mut doc = format!("`{}`", member.name);
            let description = rustdoc_markdown(&member.description);
            if !description.is_empty() {
                doc.push_str(": ");
                doc.push_str(&description);
            }
            (variant, member.name.as_str(), doc)
        })
        .collect();
    let unknown = ident(&variant_names.claim("Unknown"));

    let variants = members.iter().map(|(variant, _, doc)| {
        let doc = doc_attrs(doc);
        quote!(#doc #variant,)
    });
    let to_wire = members
        .iter()
        .map(|(variant, wire, _)| quote!(Self::#variant => #wire,));
    let from_wire = members
        .iter()
        .map(|(variant, wire, _)| quote!(#wire => Self::#variant,));

    let mut text = rustdoc_markdown(&ty.description);
    if text.is_empty() {
        text = format!("The `{}` enumeration.", ty.name);
    }
    text.push_str(&format!(
        "\n\nGraph enum `{}.{}`, defined in `{}` (line {}).",
        ty.namespace, ty.name, ty.source.page, ty.source.line
    ));
    let gate = naming.slices.type_gate(&ty.key);
    if let Some(note) = gate.describe() {
        text.push_str(&format!("\n\n{note}"));
    }
    let doc = doc_attrs(&text);
    let gate = gate.cfg();
    quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this crate does not know, kept as sent.
            #unknown(::std::string::String),
        }

        #gate
        impl crate::runtime::support::Sealed for #name {}

        #gate
        impl crate::runtime::WireEnum for #name {
            fn as_wire_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }

            fn from_wire_str(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        #gate
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(crate::runtime::WireEnum::as_wire_str(self))
            }
        }

        #gate
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                crate::runtime::support::serialize_enum(self, serializer)
            }
        }

        #gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::support::deserialize_enum(deserializer)
            }
        }
    }
}

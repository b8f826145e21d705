//! Rust types for model type references, and the one table that maps Graph primitives.

use proc_macro2::TokenStream;
use quote::quote;

use super::Naming;
use crate::model::{Primitive, ResolvedType, TypeRef};

/// Graph primitive → Rust type, as written in generated code. The README's mapping table is
/// this table. Paths are absolute so no Graph type name can shadow them.
pub const PRIMITIVE_MAPPING: &[(Primitive, &str)] = &[
    (Primitive::String, "::std::string::String"),
    (Primitive::Boolean, "bool"),
    (Primitive::Byte, "u8"),
    (Primitive::SByte, "i8"),
    (Primitive::Int16, "i16"),
    (Primitive::Int32, "i32"),
    (Primitive::Int64, "i64"),
    (Primitive::Single, "f32"),
    (Primitive::Double, "f64"),
    (Primitive::Decimal, "f64"),
    (Primitive::DateTimeOffset, "crate::runtime::DateTimeOffset"),
    (Primitive::Date, "crate::runtime::Date"),
    (Primitive::TimeOfDay, "crate::runtime::TimeOfDay"),
    (Primitive::Duration, "crate::runtime::Duration"),
    (Primitive::Guid, "crate::runtime::Guid"),
    (Primitive::Binary, "crate::runtime::Base64Bytes"),
    (Primitive::Stream, "crate::runtime::Base64Bytes"),
    (Primitive::Json, "::serde_json::Value"),
];

pub fn primitive(primitive: Primitive) -> TokenStream {
    let path = PRIMITIVE_MAPPING
        .iter()
        .find(|(p, _)| *p == primitive)
        .map_or("::serde_json::Value", |(_, path)| path);
    // The table holds only well-formed paths (checked by a test), so this parse cannot fail;
    // a JSON value is the safe fallback all the same.
    path.parse().unwrap_or_else(|_| quote!(::serde_json::Value))
}

/// The element type of a reference, without collection or option wrapping.
pub fn element(naming: &Naming, target: &TypeRef) -> TokenStream {
    match target {
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Complex(key) => naming
            .type_path(key)
            .unwrap_or_else(|| quote!(::serde_json::Value)),
        TypeRef::Enum(key) => match naming.type_path(key) {
            Some(path) if naming.flags.contains(key) => quote!(crate::runtime::Flags<#path>),
            Some(path) => path,
            None => quote!(::serde_json::Value),
        },
        TypeRef::Unresolved(_) => quote!(::serde_json::Value),
    }
}

/// The full type of a reference: `Vec<T>` for collections, `Box<T>` when `boxed`.
pub fn reference(naming: &Naming, ty: &ResolvedType, boxed: bool) -> TokenStream {
    let element = element(naming, &ty.target);
    if ty.collection {
        quote!(::std::vec::Vec<#element>)
    } else if boxed {
        quote!(::std::boxed::Box<#element>)
    } else {
        element
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_path_parses_as_a_type() {
        for (primitive, path) in PRIMITIVE_MAPPING {
            assert!(
                syn::parse_str::<syn::Type>(path).is_ok(),
                "{primitive:?}: {path}"
            );
        }
        assert_eq!(
            PRIMITIVE_MAPPING.len(),
            18,
            "every primitive is mapped once"
        );
    }
}

//! One struct per entity or complex type.
//!
//! Inherited properties are copied into each struct rather than composed with
//! `#[serde(flatten)] base: Base`: flattening makes serde buffer every field through its
//! `Content` type (slower, and it loses number precision for the derived type's fields), and
//! users get `user.display_name` instead of `user.base.base.display_name`.
//!
//! The map of undocumented properties, which is what makes a round trip lossless, is not a
//! `flatten` either: serde and its derive would buffer every object and expand into a large
//! impl per struct. Each struct implements the runtime's `Object` instead (a `match` from wire
//! name to field) and writes itself with its `ObjectWriter`; see `runtime/support.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::rustdoc_markdown;
use super::gate::Gate;
use super::ident::{field_name, ident, Names};
use super::text::{push_arm, push_doc, type_text, Expr, MAX_WIDTH};
use super::types::reference;
use super::Naming;
use crate::model::{ApiModel, ComplexType, TypeOrigin, TypeRef};

/// Field names the generated struct itself uses.
const ODATA_TYPE_FIELD: &str = "odata_type";
const ADDITIONAL_FIELD: &str = "additional_properties";

/// A struct: its definition and its `Object`, `Deserialize` and `Serialize` impls as formatted
/// text, and its hierarchy and helpers as tokens. The text parts are the same shape for every
/// struct and most of the crate's code: written as text, they spare the formatter parsing
/// them back. The pieces are `(text before, tokens, text after)`.
pub fn emit_struct(
    model: &ApiModel,
    naming: &Naming,
    ty: &ComplexType,
) -> (String, TokenStream, String) {
    let Some(item) = naming.types.get(&ty.key) else {
        return (String::new(), TokenStream::new(), String::new());
    };
    let name = ident(&item.name);
    let own_gate = naming.slices.type_gate(&ty.key);
    let cfg_text = own_gate.cfg_text();
    let cfg = own_gate.cfg();

    let mut definition = String::with_capacity(2048);
    push_doc(&mut definition, &struct_doc(model, naming, ty), 0);
    if let Some(cfg) = &cfg_text {
        definition.push_str(cfg);
        definition.push('\n');
    }
    definition.push_str("#[derive(Debug, Clone, Default, PartialEq)]\n");
    definition.push_str(&format!("pub struct {name} {{\n"));
    definition.push_str("    /// The `@odata.type` of the instance, naming its type (possibly one derived from this).\n");
    definition.push_str(&format!(
        "    pub {ODATA_TYPE_FIELD}: ::std::option::Option<::std::string::String>,\n"
    ));

    let mut field_names = Names::reserving(&[ODATA_TYPE_FIELD, ADDITIONAL_FIELD]);
    let mut session_fields: [Option<proc_macro2::Ident>; 3] = [None, None, None];
    let mut wire_fields = Vec::new();
    for property in model
        .all_properties(&ty.key)
        .into_iter()
        .filter(|p| p.name != "@odata.type")
    {
        let field = ident(&field_names.claim(&field_name(&property.name)));
        let boxed = naming
            .boxed
            .contains(&(ty.key.clone(), property.name.clone()));
        let rust_type = type_text(&reference(naming, &property.ty, boxed));
        let wire = &property.name;
        if let Some(at) = upload_session_property(property) {
            session_fields[at] = Some(field.clone());
        }
        let mut text = rustdoc_markdown(&property.description);
        if text.is_empty() {
            text = format!("The `{wire}` property.");
        }
        // A structural property's type is in every slice of its struct; a navigation
        // property's may not be, and then the field waits for a feature that brings it.
        let field_gate = match &property.ty.target {
            TypeRef::Complex(target) | TypeRef::Enum(target) if property.navigation => {
                Some(naming.slices.type_gate(target)).filter(|gate| !gate.covers(&own_gate))
            }
            _ => None,
        };
        if let Some(note) = field_gate.as_ref().and_then(|gate| gate.describe()) {
            text.push_str(&format!(
                "\n\n{note} Otherwise its JSON is kept in `additional_properties`."
            ));
        }
        push_doc(&mut definition, &text, 4);
        let field_cfg = field_gate.as_ref().and_then(Gate::cfg_text);
        if let Some(cfg) = &field_cfg {
            definition.push_str(&indent(cfg, "    "));
            definition.push('\n');
        }
        let line = format!("    pub {field}: ::std::option::Option<{rust_type}>,");
        if line.len() <= MAX_WIDTH {
            definition.push_str(&line);
            definition.push('\n');
        } else {
            definition.push_str(&format!(
                "    pub {field}: ::std::option::Option<\n        {rust_type},\n    >,\n"
            ));
        }
        wire_fields.push(WireField {
            cfg: field_cfg,
            wire: proc_macro2::Literal::string(wire).to_string(),
            field: field.to_string(),
        });
    }
    definition.push_str(
        "    /// Properties the reference does not document, kept so that a round trip loses nothing.\n",
    );
    definition.push_str(&format!(
        "    pub {ADDITIONAL_FIELD}: ::std::collections::BTreeMap<\n        ::std::string::String,\n        ::serde_json::Value,\n    >,\n}}\n"
    ));

    let hierarchy = emit_hierarchy(model, naming, ty, &cfg);
    let upload = match session_fields {
        [Some(url), Some(expiration), Some(ranges)] => quote! {
            #cfg
            impl #name {
                /// The upload of `total_size` bytes through this session, from the ranges it
                /// expects: send it with any HTTP client ([`Upload`](crate::runtime::upload::Upload)),
                /// or with the client's `upload`. `T` is what the last chunk's answer reads as.
                pub fn upload<T>(&self, total_size: u64) -> ::std::result::Result<crate::runtime::upload::Upload<T>, crate::runtime::Error> {
                    crate::runtime::upload::Upload::from_session(self.#url.as_deref(), self.#expiration, self.#ranges.as_deref(), total_size)
                }
            }
        },
        _ => TokenStream::new(),
    };
    let impls = object_impls(cfg_text.as_deref(), &item.name, &wire_fields);
    (definition, quote!(#hierarchy #upload), impls)
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|line| format!("{by}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A property as the `Object` and `Serialize` impls name it.
struct WireField {
    /// The field's own `#[cfg(...)]`, when it has one.
    cfg: Option<String>,
    /// The wire name as a string literal.
    wire: String,
    field: String,
}

/// The struct's `Object`, `Deserialize` and `Serialize` impls, formatted: each after a blank
/// line, as the formatter separates items.
fn object_impls(cfg: Option<&str>, name: &str, fields: &[WireField]) -> String {
    use std::fmt::Write as _;
    let cfg_line = |out: &mut String| {
        if let Some(cfg) = cfg {
            out.push_str(cfg);
            out.push('\n');
        }
    };
    let odata = WireField {
        cfg: None,
        wire: "\"@odata.type\"".to_owned(),
        field: ODATA_TYPE_FIELD.to_owned(),
    };
    let all = || std::iter::once(&odata).chain(fields);
    let mut out = String::with_capacity(600 + fields.len() * 160);
    out.push('\n');
    cfg_line(&mut out);
    let _ = writeln!(out, "impl crate::runtime::support::Object for {name} {{");
    out.push_str(
        "    fn read_field<'de, A: ::serde::de::MapAccess<'de>>(\n        &mut self,\n        name: &str,\n        map: &mut A,\n    ) -> ::std::result::Result<bool, A::Error> {\n        match name {\n",
    );
    for field in all() {
        if let Some(cfg) = &field.cfg {
            let _ = writeln!(out, "            {cfg}");
        }
        let call = Expr::call(
            "crate::runtime::support::read",
            vec![
                Expr::atom("map"),
                Expr::atom(format!("&mut self.{}", field.field)),
            ],
        );
        push_arm(&mut out, 12, &field.wire, &call);
    }
    out.push_str("            _ => Ok(false),\n        }\n    }\n");
    let _ = writeln!(
        out,
        "    fn additional_properties_mut(\n        &mut self,\n    ) -> &mut ::std::collections::BTreeMap<::std::string::String, ::serde_json::Value> {{\n        &mut self.{ADDITIONAL_FIELD}\n    }}\n}}"
    );
    out.push('\n');
    cfg_line(&mut out);
    let _ = writeln!(
        out,
        "impl<'de> ::serde::Deserialize<'de> for {name} {{\n    fn deserialize<D: ::serde::Deserializer<'de>>(\n        deserializer: D,\n    ) -> ::std::result::Result<Self, D::Error> {{\n        crate::runtime::support::deserialize_object(deserializer)\n    }}\n}}"
    );
    out.push('\n');
    cfg_line(&mut out);
    let _ = writeln!(
        out,
        "impl ::serde::Serialize for {name} {{\n    fn serialize<S: ::serde::Serializer>(\n        &self,\n        serializer: S,\n    ) -> ::std::result::Result<S::Ok, S::Error> {{\n        let mut object = crate::runtime::support::ObjectWriter::new(serializer)?;"
    );
    for field in all() {
        if let Some(cfg) = &field.cfg {
            let _ = writeln!(out, "        {cfg}");
        }
        let line = format!(
            "        object.field({}, &self.{});",
            field.wire, field.field
        );
        if line.len() <= MAX_WIDTH {
            out.push_str(&line);
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "        object.field(\n            {},\n            &self.{},\n        );",
                field.wire, field.field
            );
        }
    }
    let _ = writeln!(
        out,
        "        object.end(&self.{ADDITIONAL_FIELD})\n    }}\n}}"
    );
    out
}

/// Which property of an upload session (`uploadUrl`, `expirationDateTime`,
/// `nextExpectedRanges`) this is, by its name and type: a type with all three gets `upload()`.
fn upload_session_property(property: &crate::model::Property) -> Option<usize> {
    use crate::model::Primitive;
    let ty = &property.ty;
    match (property.name.as_str(), &ty.target, ty.collection) {
        ("uploadUrl", TypeRef::Primitive(Primitive::String), false) => Some(0),
        ("expirationDateTime", TypeRef::Primitive(Primitive::DateTimeOffset), false) => Some(1),
        ("nextExpectedRanges", TypeRef::Primitive(Primitive::String), true) => Some(2),
        _ => None,
    }
}

/// For a type in a hierarchy: its `GraphType` impl (the `@odata.type` names it stands for),
/// `cast` when it has derived types, and a `DerivesFrom` impl per base type, so that
/// `base.cast::<Derived>()` compiles only for a type that derives from the base.
///
/// A trait impl per (base, derived) pair rather than an enum per base: the impls are empty
/// markers and cost the compiler next to nothing, where an enum of every derived type would
/// make each base (`entity` has over a thousand) a huge type that every user of it compiles.
///
/// Every item carries the type's own `cfg`: a type's slices all hold its base types.
fn emit_hierarchy(
    model: &ApiModel,
    naming: &Naming,
    ty: &ComplexType,
    cfg: &TokenStream,
) -> TokenStream {
    let descendants = naming.descendants.get(&ty.key);
    let ancestors: Vec<&ComplexType> = model.ancestry(&ty.key).skip(1).collect();
    if descendants.is_none() && ancestors.is_empty() {
        return TokenStream::new();
    }
    let Some(name) = naming.type_path(&ty.key) else {
        return TokenStream::new();
    };
    let odata_types = std::iter::once(&ty.key)
        .chain(descendants.into_iter().flatten())
        .filter_map(|key| model.types.get(key))
        .map(|t| format!("{}.{}", t.namespace, t.name));
    let derives = ancestors.iter().filter_map(|base| {
        let base_path = naming.type_path(&base.key)?;
        Some(quote! {
            #cfg
            impl crate::runtime::DerivesFrom<#base_path> for #name {}
        })
    });
    let cast = descendants.map(|_| {
        quote! {
            #cfg
            impl #name {
                /// This value as one of the types derived from this one: `Ok(Some)` when its
                /// `@odata.type` names that type (or one derived from it), with every property
                /// typed and undocumented ones still kept; `Ok(None)` when it names another;
                /// an error when it names that type but its JSON does not read as it.
                pub fn cast<T: crate::runtime::DerivesFrom<Self>>(&self) -> ::std::result::Result<::std::option::Option<T>, ::serde_json::Error> {
                    crate::runtime::cast(self)
                }
            }
        }
    });
    quote! {
        #cfg
        impl crate::runtime::GraphType for #name {
            const ODATA_TYPES: &'static [&'static str] = &[#(#odata_types),*];
            fn odata_type(&self) -> ::std::option::Option<&str> {
                self.odata_type.as_deref()
            }
        }
        #cast
        #(#derives)*
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
    parts.extend(naming.slices.type_gate(&ty.key).describe());
    parts.join("\n\n")
}

//! One Rust enum per Graph enum: a variant per documented member with the exact wire value,
//! and an `Unknown(String)` variant that keeps values the service adds later (Graph enums grow;
//! that is what their `unknownFutureValue` member announces), so deserialization never fails on
//! a new value and writes it back unchanged.

use std::fmt::Write as _;

use super::docs::rustdoc_markdown;
use super::ident::{ident, type_name, Names};
use super::text::{push_arm, push_doc, Expr};
use super::Naming;
use crate::model::EnumType;

/// The enum and its impls, as formatted text.
pub fn emit_enum(naming: &Naming, ty: &EnumType) -> String {
    let Some(item) = naming.types.get(&ty.key) else {
        return String::new();
    };
    let name = ident(&item.name).to_string();
    let mut variant_names = Names::new();
    let members: Vec<(String, String, String)> = ty
        .members
        .iter()
        .map(|member| {
            let variant = ident(&variant_names.claim(&type_name(&member.name))).to_string();
            let mut doc = format!("`{}`", member.name);
            let description = rustdoc_markdown(&member.description);
            if !description.is_empty() {
                doc.push_str(": ");
                doc.push_str(&description);
            }
            let wire = proc_macro2::Literal::string(&member.name).to_string();
            (variant, wire, doc)
        })
        .collect();
    let unknown = ident(&variant_names.claim("Unknown")).to_string();

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
    let cfg = gate.cfg_text().map(|cfg| cfg + "\n").unwrap_or_default();

    let mut out = String::with_capacity(1024 + members.len() * 200);
    push_doc(&mut out, &text, 0);
    out.push_str(&cfg);
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]\n");
    let _ = writeln!(out, "pub enum {name} {{");
    for (variant, _, doc) in &members {
        push_doc(&mut out, doc, 4);
        let _ = writeln!(out, "    {variant},");
    }
    out.push_str("    /// A value this crate does not know, kept as sent.\n");
    let _ = writeln!(out, "    {unknown}(::std::string::String),\n}}\n");

    let _ = writeln!(
        out,
        "{cfg}impl crate::runtime::support::Sealed for {name} {{}}\n"
    );

    let _ = writeln!(out, "{cfg}impl crate::runtime::WireEnum for {name} {{");
    out.push_str("    fn as_wire_str(&self) -> &str {\n        match self {\n");
    for (variant, wire, _) in &members {
        push_arm(&mut out, 12, &format!("Self::{variant}"), &Expr::atom(wire));
    }
    let _ = writeln!(
        out,
        "            Self::{unknown}(value) => value,\n        }}\n    }}\n"
    );
    out.push_str("    fn from_wire_str(value: &str) -> Self {\n        match value {\n");
    for (variant, wire, _) in &members {
        push_arm(&mut out, 12, wire, &Expr::atom(format!("Self::{variant}")));
    }
    let _ = writeln!(
        out,
        "            other => Self::{unknown}(other.to_owned()),\n        }}\n    }}\n}}\n"
    );

    let _ = writeln!(
        out,
        "{cfg}impl ::std::fmt::Display for {name} {{\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n        f.write_str(crate::runtime::WireEnum::as_wire_str(self))\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "{cfg}impl ::serde::Serialize for {name} {{\n    fn serialize<S: ::serde::Serializer>(\n        &self,\n        serializer: S,\n    ) -> ::std::result::Result<S::Ok, S::Error> {{\n        crate::runtime::support::serialize_enum(self, serializer)\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "{cfg}impl<'de> ::serde::Deserialize<'de> for {name} {{\n    fn deserialize<D: ::serde::Deserializer<'de>>(\n        deserializer: D,\n    ) -> ::std::result::Result<Self, D::Error> {{\n        crate::runtime::support::deserialize_enum(deserializer)\n    }}\n}}"
    );
    out
}

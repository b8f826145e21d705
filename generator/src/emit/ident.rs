//! Rust identifiers from Graph names: case conversion, keyword escaping, and a per-scope
//! allocator that makes colliding names distinct by a fixed rule.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Every Rust keyword, strict and reserved, of all editions (`gen` included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers: these get a trailing `_` instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Reduces a name to ASCII letters, digits and `_`; other characters separate words.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
}

/// Makes `text` a valid identifier string: never empty, no leading digit, keywords escaped.
fn valid(text: String, fallback: &str, digit_prefix: &str) -> String {
    let text = if text.is_empty() {
        fallback.to_owned()
    } else {
        text
    };
    let text = if text.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{text}")
    } else {
        text
    };
    if NOT_RAW.contains(&text.as_str()) {
        format!("{text}_")
    } else {
        text
    }
}

/// `lastModifiedDateTime` → `last_modified_date_time`; `@odata.type` → `odata_type`.
pub fn field_name(wire: &str) -> String {
    valid(ascii_words(wire).to_snake_case(), "field", "n_")
}

/// `sharedInsight` → `SharedInsight`; `1080p` → `V1080p`.
pub fn type_name(wire: &str) -> String {
    valid(ascii_words(wire).to_upper_camel_case(), "Unnamed", "V")
}

/// A function or module name in snake case.
pub fn snake_name(text: &str) -> String {
    valid(ascii_words(text).to_snake_case(), "item", "n_")
}

/// Whether `name` is a Rust keyword of any edition, strict or reserved.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name) || NOT_RAW.contains(&name)
}

/// The `Ident` for a name produced by this module: keywords become raw identifiers.
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) && !NOT_RAW.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Hands out names within one scope (a struct's fields, an enum's variants, a module's items):
/// the first taker of a name gets it, later ones get `_2`, `_3`, ... (or `2`, `3` for
/// camel-case names), in the deterministic order the caller asks in.
#[derive(Debug, Default, Clone)]
pub struct Names {
    taken: BTreeSet<String>,
    /// Stem → the next number to try: every smaller one is taken, so a thousand takers of one
    /// name cost a thousand lookups, not half a million.
    next: BTreeMap<String, usize>,
}

impl Names {
    pub fn new() -> Self {
        Names::default()
    }

    /// Reserves names the generated code itself uses in this scope.
    pub fn reserving(names: &[&str]) -> Self {
        Names {
            taken: names.iter().map(|n| (*n).to_owned()).collect(),
            next: BTreeMap::new(),
        }
    }

    /// Returns `wanted` or the first free variant of it, and marks it taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        // An escaped keyword (`self_`, `Self_`) is numbered from its stem: `self_2`, `Self2`.
        let stem = wanted.trim_end_matches('_');
        let stem = if stem.is_empty() { wanted } else { stem };
        let separator = if stem.contains('_') || stem.chars().all(|c| !c.is_uppercase()) {
            "_"
        } else {
            ""
        };
        let mut candidate = wanted.to_owned();
        if self.taken.contains(&candidate) {
            let next = self.next.entry(stem.to_owned()).or_insert(2);
            loop {
                candidate = format!("{stem}{separator}{next}");
                *next += 1;
                if !self.taken.contains(&candidate) {
                    break;
                }
            }
        }
        self.taken.insert(candidate.clone());
        candidate
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_makes_a_valid_ident() {
        for keyword in KEYWORDS.iter().chain(NOT_RAW) {
            for name in [field_name(keyword), type_name(keyword), snake_name(keyword)] {
                let ident = ident(&name);
                let parsed: Result<syn::Ident, _> = syn::parse_str(&ident.to_string());
                let tokens = quote::quote!(struct S { #ident: u8 });
                assert!(
                    syn::parse2::<syn::ItemStruct>(tokens).is_ok(),
                    "{keyword} -> {ident}"
                );
                let _ = parsed;
            }
        }
    }

    #[test]
    fn names_from_wire_names() {
        let cases = [
            (
                "lastModifiedDateTime",
                "last_modified_date_time",
                "LastModifiedDateTime",
            ),
            ("@odata.type", "odata_type", "OdataType"),
            ("type", "type", "Type"),
            ("self", "self_", "Self_"),
            ("1080p", "n_1080p", "V1080p"),
            ("", "field", "Unnamed"),
            ("display name", "display_name", "DisplayName"),
            ("x-ms-header", "x_ms_header", "XMsHeader"),
            ("naïve", "na_ve", "NaVe"),
            ("VALUE", "value", "Value"),
        ];
        for (wire, field, ty) in cases {
            assert_eq!(field_name(wire), field, "field {wire:?}");
            assert_eq!(type_name(wire), ty, "type {wire:?}");
        }
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("self_").to_string(), "self_");
    }

    #[test]
    fn collisions_get_stable_suffixes() {
        let mut names = Names::reserving(&["additional_properties"]);
        assert_eq!(names.claim("value"), "value");
        assert_eq!(names.claim("value"), "value_2");
        assert_eq!(names.claim("value"), "value_3");
        assert_eq!(
            names.claim("additional_properties"),
            "additional_properties_2"
        );
        let mut types = Names::new();
        assert_eq!(types.claim("Session"), "Session");
        assert_eq!(types.claim("Session"), "Session2");
        let mut escaped = Names::new();
        assert_eq!(escaped.claim("self_"), "self_");
        assert_eq!(escaped.claim("self_"), "self_2");
        assert_eq!(escaped.claim("Self_"), "Self_");
        assert_eq!(escaped.claim("Self_"), "Self2");
    }
}

//! Type expressions as pages write them in table cells: `String`, `Edm.Int32`,
//! `[sharingDetail](../resources/sharingdetail.md) collection`, `Collection(microsoft.graph.x)`,
//! `[ageGroup](#agegroup-values)`, `String collection`.

use super::Link;

/// The primitive types of the Graph (OData EDM) type system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    String,
    Boolean,
    Byte,
    SByte,
    Int16,
    Int32,
    Int64,
    Single,
    Double,
    Decimal,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Guid,
    Binary,
    Stream,
    /// Any JSON value (`Json`, `Object`, untyped).
    Json,
}

impl Primitive {
    /// Recognises a primitive name, with or without `Edm.`, in any case, and the informal
    /// spellings pages use (`Int`, `Integer`, `Bool`, `Timestamp`, `DateTime`).
    pub fn from_name(name: &str) -> Option<Primitive> {
        let name = name.trim();
        let name = strip_prefix_ignore_case(name, "edm.").unwrap_or(name);
        let lower = name.to_ascii_lowercase();
        Some(match lower.as_str() {
            "string" | "str" | "url" | "uri" => Primitive::String,
            "boolean" | "bool" => Primitive::Boolean,
            "byte" => Primitive::Byte,
            "sbyte" => Primitive::SByte,
            "int16" => Primitive::Int16,
            "int32" | "int" | "integer" => Primitive::Int32,
            "int64" | "long" => Primitive::Int64,
            "single" | "float" => Primitive::Single,
            "double" | "number" => Primitive::Double,
            "decimal" => Primitive::Decimal,
            "datetimeoffset" | "datetime" | "timestamp" => Primitive::DateTimeOffset,
            "date" => Primitive::Date,
            "timeofday" | "time" => Primitive::TimeOfDay,
            "duration" | "timespan" => Primitive::Duration,
            "guid" | "uuid" => Primitive::Guid,
            "binary" | "base64" => Primitive::Binary,
            "stream" => Primitive::Stream,
            "json"
            | "object"
            | "untyped"
            | "json object"
            | "untyped json"
            | "untyped json object" => Primitive::Json,
            _ => return None,
        })
    }

    /// The EDM name (`Edm.String`), as the CSDL writes it.
    pub fn edm_name(self) -> &'static str {
        match self {
            Primitive::String => "Edm.String",
            Primitive::Boolean => "Edm.Boolean",
            Primitive::Byte => "Edm.Byte",
            Primitive::SByte => "Edm.SByte",
            Primitive::Int16 => "Edm.Int16",
            Primitive::Int32 => "Edm.Int32",
            Primitive::Int64 => "Edm.Int64",
            Primitive::Single => "Edm.Single",
            Primitive::Double => "Edm.Double",
            Primitive::Decimal => "Edm.Decimal",
            Primitive::DateTimeOffset => "Edm.DateTimeOffset",
            Primitive::Date => "Edm.Date",
            Primitive::TimeOfDay => "Edm.TimeOfDay",
            Primitive::Duration => "Edm.Duration",
            Primitive::Guid => "Edm.Guid",
            Primitive::Binary => "Edm.Binary",
            Primitive::Stream => "Edm.Stream",
            Primitive::Json => "Edm.Untyped",
        }
    }
}

/// A named (non-primitive) type as a page refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeName {
    /// The type's name without namespace, as written (`sharingDetail`).
    pub name: String,
    /// `microsoft.graph`, `microsoft.graph.callRecords`, ... when the page wrote a qualified name.
    pub namespace: Option<String>,
    /// The linked page's file stem, lower-cased (`sharingdetail`), when the type was a link.
    pub page: Option<String>,
    /// The anchor of a link (`agegroup-values`), for enums documented in a page section.
    pub anchor: Option<String>,
}

/// The element type of a [`TypeExpr`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeTerm {
    Primitive(Primitive),
    Named(TypeName),
}

/// A type expression: an element type and whether it is a collection of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeExpr {
    pub term: TypeTerm,
    pub collection: bool,
}

/// Reads the type written in a table cell. `Err` carries the cell text when it is neither a
/// primitive, a link to a type, nor a plausible type name.
pub fn parse_type_cell(text: &str, links: &[Link]) -> Result<TypeExpr, String> {
    let written = text.trim();
    // Notes in parentheses: `String (optional)`, `(Optional) String`; a note that names a
    // primitive refines the type (`string (timestamp)`).
    let (text, note) = split_note(written);
    if links.is_empty() {
        let (inner, collection) = strip_collection(&text);
        let refined = note
            .as_deref()
            .and_then(Primitive::from_name)
            .filter(|_| Primitive::from_name(inner) == Some(Primitive::String));
        if let Some(primitive) = refined.filter(|p| *p != Primitive::String) {
            return Ok(TypeExpr {
                term: TypeTerm::Primitive(primitive),
                collection,
            });
        }
    }
    let text = text.as_str();
    let (inner, mut collection) = strip_collection(text);
    // A link names the type; the link text is the type's name, the target its page.
    if let Some(link) = links.iter().find(|l| !l.text.trim().is_empty()) {
        let (target, target_collection) = strip_collection(link.target.trim());
        collection |= target_collection;
        let (name, _) = strip_collection(link.text.trim());
        if let Some(primitive) = Primitive::from_name(name) {
            return Ok(TypeExpr {
                term: TypeTerm::Primitive(primitive),
                collection,
            });
        }
        let (page, anchor) = split_link_target(target);
        if let Some(name) = qualified_name(name) {
            return Ok(TypeExpr {
                term: TypeTerm::Named(TypeName {
                    page,
                    anchor,
                    ..name
                }),
                collection,
            });
        }
        return Err(written.to_owned());
    }
    if let Some(primitive) = Primitive::from_name(inner) {
        return Ok(TypeExpr {
            term: TypeTerm::Primitive(primitive),
            collection,
        });
    }
    match qualified_name(inner) {
        Some(name) => Ok(TypeExpr {
            term: TypeTerm::Named(name),
            collection,
        }),
        None => Err(written.to_owned()),
    }
}

/// `String (optional)` → (`String`, `optional`); text without parentheses is returned whole.
fn split_note(text: &str) -> (String, Option<String>) {
    let Some(open) = text.find('(') else {
        return (text.to_owned(), None);
    };
    let Some(close) = text[open..].find(')').map(|i| open + i) else {
        return (text.to_owned(), None);
    };
    // `Collection(x)` is syntax, not a note.
    if text[..open].trim().eq_ignore_ascii_case("collection") {
        return (text.to_owned(), None);
    }
    let rest = format!("{} {}", &text[..open], &text[close + 1..]);
    (
        rest.split_whitespace().collect::<Vec<_>>().join(" "),
        Some(text[open + 1..close].trim().to_owned()),
    )
}

/// Reads a type name as annotations and CSDL-style text write it:
/// `microsoft.graph.user`, `Collection(microsoft.graph.user)`, `Edm.String`, `#microsoft.graph.x`.
pub fn parse_type_name(text: &str) -> Option<TypeExpr> {
    let (inner, collection) = strip_collection(text.trim().trim_start_matches('#'));
    if let Some(primitive) = Primitive::from_name(inner) {
        return Some(TypeExpr {
            term: TypeTerm::Primitive(primitive),
            collection,
        });
    }
    qualified_name(inner).map(|name| TypeExpr {
        term: TypeTerm::Named(name),
        collection,
    })
}

/// Splits `microsoft.graph.callRecords.session` into namespace and name; accepts a bare name.
fn qualified_name(text: &str) -> Option<TypeName> {
    let text = text.trim().trim_matches('*').trim_matches('`').trim();
    let is_identifier = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_')
    };
    if text.is_empty() || !text.split('.').all(is_identifier) {
        return None;
    }
    let (namespace, name) = match text.rsplit_once('.') {
        Some((namespace, name)) => (Some(namespace.to_owned()), name),
        None => (None, text),
    };
    Some(TypeName {
        name: name.to_owned(),
        namespace,
        page: None,
        anchor: None,
    })
}

/// `x collection`, `Collection(x)`, `collection of x`, `x[]` → (`x`, true).
fn strip_collection(text: &str) -> (&str, bool) {
    let text = text.trim();
    if let Some(inner) = strip_prefix_ignore_case(text, "collection(") {
        if let Some(inner) = inner.strip_suffix(')') {
            return (inner.trim(), true);
        }
    }
    if let Some(inner) = strip_prefix_ignore_case(text, "collection of ") {
        return (inner.trim(), true);
    }
    for suffix in [" collection", " array", "[]"] {
        if let Some(inner) = strip_suffix_ignore_case(text, suffix) {
            return (inner.trim(), true);
        }
    }
    (text, false)
}

/// `../resources/sharingDetail.md#x` → (Some("sharingdetail"), Some("x")); `#a` → (None, Some("a")).
fn split_link_target(target: &str) -> (Option<String>, Option<String>) {
    let (path, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_ascii_lowercase())),
        None => (target, None),
    };
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = strip_suffix_ignore_case(file, ".md").unwrap_or(file);
    let page = (!stem.is_empty()).then(|| stem.to_ascii_lowercase());
    (page, anchor.filter(|a| !a.is_empty()))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let start = text.len().checked_sub(suffix.len())?;
    let tail = text.get(start..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..start])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str, target: &str) -> Link {
        Link {
            text: text.into(),
            target: target.into(),
        }
    }

    fn named(name: &str, page: Option<&str>, anchor: Option<&str>, collection: bool) -> TypeExpr {
        TypeExpr {
            term: TypeTerm::Named(TypeName {
                name: name.into(),
                namespace: None,
                page: page.map(Into::into),
                anchor: anchor.map(Into::into),
            }),
            collection,
        }
    }

    fn primitive(p: Primitive, collection: bool) -> TypeExpr {
        TypeExpr {
            term: TypeTerm::Primitive(p),
            collection,
        }
    }

    #[test]
    fn type_cells() {
        let cases: Vec<(&str, Vec<Link>, Result<TypeExpr, String>)> = vec![
            ("String", vec![], Ok(primitive(Primitive::String, false))),
            ("Edm.Int64", vec![], Ok(primitive(Primitive::Int64, false))),
            (
                "string collection",
                vec![],
                Ok(primitive(Primitive::String, true)),
            ),
            (
                "Collection(Edm.Guid)",
                vec![],
                Ok(primitive(Primitive::Guid, true)),
            ),
            (
                "DateTimeOffset",
                vec![],
                Ok(primitive(Primitive::DateTimeOffset, false)),
            ),
            ("Boolean ", vec![], Ok(primitive(Primitive::Boolean, false))),
            (
                "sharingDetail collection",
                vec![link("sharingDetail", "../resources/sharingDetail.md")],
                Ok(named("sharingDetail", Some("sharingdetail"), None, true)),
            ),
            (
                "ageGroup",
                vec![link("ageGroup", "#agegroup-values")],
                Ok(named("ageGroup", None, Some("agegroup-values"), false)),
            ),
            (
                "timeZoneInformation",
                vec![link(
                    "timeZoneInformation",
                    "timezoneinformation.md collection",
                )],
                Ok(named(
                    "timeZoneInformation",
                    Some("timezoneinformation"),
                    None,
                    true,
                )),
            ),
            (
                "String",
                vec![link("String", "https://example.com/string")],
                Ok(primitive(Primitive::String, false)),
            ),
            (
                "microsoft.graph.callRecords.session",
                vec![],
                Ok(TypeExpr {
                    term: TypeTerm::Named(TypeName {
                        name: "session".into(),
                        namespace: Some("microsoft.graph.callRecords".into()),
                        page: None,
                        anchor: None,
                    }),
                    collection: false,
                }),
            ),
            (
                "plannerAssignments",
                vec![],
                Ok(named("plannerAssignments", None, None, false)),
            ),
            (
                "a string or a number",
                vec![],
                Err("a string or a number".into()),
            ),
            (
                "String (optional)",
                vec![],
                Ok(primitive(Primitive::String, false)),
            ),
            (
                "(Optional) String",
                vec![],
                Ok(primitive(Primitive::String, false)),
            ),
            (
                "string (timestamp)",
                vec![],
                Ok(primitive(Primitive::DateTimeOffset, false)),
            ),
            (
                "String (identifier)",
                vec![],
                Ok(primitive(Primitive::String, false)),
            ),
            ("JSON object", vec![], Ok(primitive(Primitive::Json, false))),
            ("Url", vec![], Ok(primitive(Primitive::String, false))),
            ("", vec![], Err(String::new())),
        ];
        for (text, links, expected) in cases {
            assert_eq!(parse_type_cell(text, &links), expected, "cell {text:?}");
        }
    }

    #[test]
    fn annotation_type_names() {
        assert_eq!(
            parse_type_name("#microsoft.graph.sharedInsight").map(|t| t.term),
            Some(TypeTerm::Named(TypeName {
                name: "sharedInsight".into(),
                namespace: Some("microsoft.graph".into()),
                page: None,
                anchor: None,
            }))
        );
        assert_eq!(
            parse_type_name("Collection(microsoft.graph.user)").map(|t| t.collection),
            Some(true)
        );
        assert_eq!(
            parse_type_name("Edm.String"),
            Some(primitive(Primitive::String, false))
        );
        assert_eq!(parse_type_name("not a type"), None);
    }
}

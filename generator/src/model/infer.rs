//! Types known from examples: every JSON object carrying `"@odata.type"` in an annotated
//! request, response or resource block is an instance of that type, and its keys are
//! properties whose types follow from the JSON values seen.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::page::type_expr::parse_type_name;
use crate::page::{BlockType, Page, Primitive, TypeExpr, TypeTerm};

use super::declare::{
    page_area, source_of, split_namespace, Declarations, DraftComplex, DraftProperty, DraftType,
};
use super::{Source, TypeKey, TypeOrigin};

/// Deeper JSON than this is not walked (serde_json already refuses more than 128 levels).
const MAX_DEPTH: usize = 64;

/// What the examples showed of one type.
struct Observed {
    name: String,
    namespace: String,
    area: Option<String>,
    source: Source,
    page: String,
    /// Property name → (merged type, where first seen).
    properties: BTreeMap<String, (Option<TypeExpr>, Source, usize)>,
    /// Property order as first seen.
    order: Vec<String>,
}

pub(super) fn infer_from_examples(pages: &[Page], declarations: &mut Declarations) {
    let mut observed: BTreeMap<TypeKey, Observed> = BTreeMap::new();
    for page in pages {
        for block in &page.code_blocks {
            let Some(annotation) = page.annotation(block.annotation) else {
                continue;
            };
            if !matches!(
                annotation.block_type,
                Some(BlockType::Request | BlockType::Response | BlockType::Resource)
            ) {
                continue;
            }
            let Some(value) = block.json.as_ref().and_then(|j| j.value.as_ref()) else {
                continue;
            };
            let mut walker = Walker {
                page,
                offset: block.offset,
                observed: &mut observed,
            };
            // The annotation names the type of a top-level body that does not say it itself.
            let declared = match annotation.block_type {
                Some(BlockType::Response) => annotation.odata_type.as_deref(),
                _ => None,
            };
            match (value, declared, annotation.is_collection.unwrap_or(false)) {
                (Value::Object(object), Some(declared), true) => {
                    let items = object
                        .get("value")
                        .and_then(Value::as_array)
                        .map_or(&[][..], Vec::as_slice);
                    for item in items {
                        walker.value(item, Some(declared), 0);
                    }
                    walker.object_properties(object, 0);
                }
                (value, declared, _) => {
                    walker.value(value, declared, 0);
                }
            }
        }
    }
    for (key, seen) in observed {
        // `{"@odata.type": "microsoft.graph.x"}` placeholders name enums too: a declared enum
        // is not an object type.
        if declarations.enums.contains_key(&key) {
            continue;
        }
        let properties = seen
            .order
            .iter()
            .filter_map(|name| {
                let (ty, source, offset) = seen.properties.get(name)?;
                Some(DraftProperty {
                    name: name.clone(),
                    ty: DraftType::Written(ty.clone().unwrap_or(TypeExpr {
                        term: TypeTerm::Primitive(Primitive::Json),
                        collection: false,
                    })),
                    description: String::new(),
                    navigation: false,
                    read_only: false,
                    required: false,
                    nullable: None,
                    from_representation: false,
                    source: source.clone(),
                    page: seen.page.clone(),
                    offset: *offset,
                    rows: Vec::new(),
                })
            })
            .collect();
        declarations.add_type(DraftComplex {
            key,
            name: seen.name,
            namespace: seen.namespace,
            description: String::new(),
            area: seen.area,
            base: None,
            key_property: None,
            open_type: false,
            is_abstract: false,
            is_media_entity: false,
            properties,
            origin: TypeOrigin::Example,
            source: seen.source,
            page: seen.page,
        });
    }
}

struct Walker<'a> {
    page: &'a Page,
    offset: usize,
    observed: &'a mut BTreeMap<TypeKey, Observed>,
}

impl Walker<'_> {
    /// Walks a value; `declared` is the type the context says an object here has.
    fn value(&mut self, value: &Value, declared: Option<&str>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Object(object) => {
                let written = object.get("@odata.type").and_then(Value::as_str);
                if let Some(type_name) = written.or(declared) {
                    self.instance(type_name, object);
                }
                self.object_properties(object, depth);
            }
            Value::Array(items) => {
                for item in items {
                    self.value(item, None, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn object_properties(&mut self, object: &Map<String, Value>, depth: usize) {
        for value in object.values() {
            self.value(value, None, depth + 1);
        }
    }

    /// Records `object` as an instance of `type_name`. An object with nothing but control
    /// information (`{"@odata.type": "microsoft.graph.x"}`) is a placeholder that names a type,
    /// an enum as often as an object type: it is no evidence of an object type.
    fn instance(&mut self, type_name: &str, object: &Map<String, Value>) {
        if object.keys().all(|k| k.contains('@')) {
            return;
        }
        let Some(TypeExpr {
            term: TypeTerm::Named(_),
            collection: false,
        }) = parse_type_name(type_name)
        else {
            return;
        };
        let (namespace, name) = split_namespace(type_name);
        let key = TypeKey::new(&namespace, &name);
        let source = source_of(self.page, self.offset);
        let seen = self.observed.entry(key).or_insert_with(|| Observed {
            name: name.clone(),
            namespace,
            area: page_area(self.page),
            source: source.clone(),
            page: self.page.stem.clone(),
            properties: BTreeMap::new(),
            order: Vec::new(),
        });
        // Prefer the camelCase spelling over an all-lower-case one.
        if seen.name.chars().all(|c| !c.is_uppercase()) && name.chars().any(char::is_uppercase) {
            seen.name = name;
        }
        for (property, value) in object {
            // `@odata.*` and `name@odata.*` are control information, not properties.
            if property.contains('@') {
                continue;
            }
            let observed_type = value_type(value);
            match seen.properties.get_mut(property) {
                Some((ty, _, _)) => *ty = merge(ty.take(), observed_type),
                None => {
                    seen.order.push(property.clone());
                    seen.properties.insert(
                        property.clone(),
                        (observed_type, source.clone(), self.offset),
                    );
                }
            }
        }
    }
}

/// The type a JSON value shows; `None` when it shows nothing (null, empty array).
fn value_type(value: &Value) -> Option<TypeExpr> {
    let primitive = |p| {
        Some(TypeExpr {
            term: TypeTerm::Primitive(p),
            collection: false,
        })
    };
    match value {
        Value::Null => None,
        Value::Bool(_) => primitive(Primitive::Boolean),
        Value::Number(n) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => primitive(Primitive::Int32),
            Some(_) => primitive(Primitive::Int64),
            None if n.is_u64() => primitive(Primitive::Int64),
            None => primitive(Primitive::Double),
        },
        Value::String(s) if looks_like_date_time(s) => primitive(Primitive::DateTimeOffset),
        Value::String(_) => primitive(Primitive::String),
        Value::Object(object) => match object
            .get("@odata.type")
            .and_then(Value::as_str)
            .and_then(parse_type_name)
        {
            Some(TypeExpr {
                term: term @ TypeTerm::Named(_),
                collection: false,
            }) => Some(TypeExpr {
                term,
                collection: false,
            }),
            _ => primitive(Primitive::Json),
        },
        Value::Array(items) => {
            let element = items.iter().map(value_type).fold(None, merge)?;
            if element.collection {
                // Arrays of arrays have no Graph type; keep them as JSON.
                return Some(TypeExpr {
                    term: TypeTerm::Primitive(Primitive::Json),
                    collection: true,
                });
            }
            Some(TypeExpr {
                collection: true,
                ..element
            })
        }
    }
}

/// `2016-12-31T23:59:25.6718097+03:00`: a date, `T`, a time (offset optional).
fn looks_like_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 19
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
}

/// Two observations of one property: the type that holds both.
fn merge(a: Option<TypeExpr>, b: Option<TypeExpr>) -> Option<TypeExpr> {
    let (a, b) = match (a, b) {
        (None, b) => return b,
        (a, None) => return a,
        (Some(a), Some(b)) => (a, b),
    };
    if a == b {
        return Some(a);
    }
    let json = |collection| {
        Some(TypeExpr {
            term: TypeTerm::Primitive(Primitive::Json),
            collection,
        })
    };
    if a.collection != b.collection {
        return json(false);
    }
    use Primitive::*;
    let term = match (&a.term, &b.term) {
        (TypeTerm::Primitive(x), TypeTerm::Primitive(y)) => match (x, y) {
            (Int32, Int64) | (Int64, Int32) => TypeTerm::Primitive(Int64),
            (Int32 | Int64, Double) | (Double, Int32 | Int64) => TypeTerm::Primitive(Double),
            (String, DateTimeOffset) | (DateTimeOffset, String) => TypeTerm::Primitive(String),
            _ => return json(a.collection),
        },
        (TypeTerm::Named(n), TypeTerm::Primitive(Json))
        | (TypeTerm::Primitive(Json), TypeTerm::Named(n)) => TypeTerm::Named(n.clone()),
        _ => return json(a.collection),
    };
    Some(TypeExpr {
        term,
        collection: a.collection,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prim(p: Primitive, collection: bool) -> Option<TypeExpr> {
        Some(TypeExpr {
            term: TypeTerm::Primitive(p),
            collection,
        })
    }

    #[test]
    fn value_types() {
        assert_eq!(
            value_type(&json!("2016-12-31T23:59:25.6718097+03:00")),
            prim(Primitive::DateTimeOffset, false)
        );
        assert_eq!(
            value_type(&json!("Display Name value")),
            prim(Primitive::String, false)
        );
        assert_eq!(value_type(&json!(3)), prim(Primitive::Int32, false));
        assert_eq!(
            value_type(&json!(5_000_000_000_i64)),
            prim(Primitive::Int64, false)
        );
        assert_eq!(value_type(&json!(0.5)), prim(Primitive::Double, false));
        assert_eq!(value_type(&json!([1, 2.5])), prim(Primitive::Double, true));
        assert_eq!(value_type(&json!([])), None);
        assert_eq!(value_type(&json!({"a": 1})), prim(Primitive::Json, false));
        assert!(matches!(
            value_type(&json!([{"@odata.type": "microsoft.graph.sharingDetail"}])),
            Some(TypeExpr {
                term: TypeTerm::Named(_),
                collection: true
            })
        ));
    }

    #[test]
    fn merging_observations() {
        assert_eq!(
            merge(
                prim(Primitive::Int32, false),
                prim(Primitive::Double, false)
            ),
            prim(Primitive::Double, false)
        );
        assert_eq!(
            merge(None, prim(Primitive::String, false)),
            prim(Primitive::String, false)
        );
        assert_eq!(
            merge(
                prim(Primitive::String, false),
                prim(Primitive::DateTimeOffset, false)
            ),
            prim(Primitive::String, false)
        );
        assert_eq!(
            merge(
                prim(Primitive::Boolean, false),
                prim(Primitive::String, false)
            ),
            prim(Primitive::Json, false)
        );
        assert_eq!(
            merge(
                prim(Primitive::String, true),
                prim(Primitive::String, false)
            ),
            prim(Primitive::Json, false)
        );
    }
}

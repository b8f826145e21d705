//! JSON annotations: `<!-- { "blockType": "request", "name": "x" } -->` comments that say what
//! the following block is. Every key is kept; the ones the format defines are also typed.

use serde_json::{Map, Value};

use super::lenient_json::read_lenient;
use crate::diagnostics::{Code, Sink};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockType {
    Request,
    Response,
    Resource,
    Ignored,
    Example,
    Other(String),
}

impl BlockType {
    fn from_name(name: &str) -> BlockType {
        match name.to_ascii_lowercase().as_str() {
            "request" => BlockType::Request,
            "response" => BlockType::Response,
            "resource" => BlockType::Resource,
            "ignored" => BlockType::Ignored,
            "example" => BlockType::Example,
            _ => BlockType::Other(name.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotation {
    /// Byte offset of the `<!--` that opens the comment.
    pub offset: usize,
    pub block_type: Option<BlockType>,
    pub name: Option<String>,
    pub odata_type: Option<String>,
    pub is_collection: Option<bool>,
    pub collection_property: Option<String>,
    pub truncated: Option<bool>,
    pub is_empty: Option<bool>,
    pub expect_error: Option<bool>,
    pub optional_properties: Vec<String>,
    pub nullable_properties: Vec<String>,
    pub key_property: Option<String>,
    pub base_type: Option<String>,
    pub open_type: Option<bool>,
    pub is_abstract: Option<bool>,
    pub is_media_entity: Option<bool>,
    pub is_composable: Option<bool>,
    pub sample_keys: Vec<String>,
    /// `"type": "#page.annotation"`: describes the page, not a block.
    pub is_page_annotation: bool,
    /// Every key as written, the typed ones included.
    pub raw: Map<String, Value>,
}

/// Reads the JSON inside an annotation comment. `comment_offset` is the byte offset of `<!--`
/// in the page and `json_offset` that of the JSON text. Returns `None` when the text is not an
/// annotation at all (does not start with `{`) or is unreadable (reported).
pub fn parse(
    json: &str,
    comment_offset: usize,
    json_offset: usize,
    sink: &mut Sink<'_>,
) -> Option<Annotation> {
    if !json.trim_start().starts_with('{') {
        return None;
    }
    let read = read_lenient(json);
    super::report_repairs(
        sink,
        Code::AnnotationJson,
        json_offset,
        "annotation is not strict JSON",
        &read.repairs,
    );
    let object = match read.value {
        Some(Value::Object(object)) => object,
        Some(_) => {
            sink.warn(
                Code::AnnotationJson,
                json_offset,
                "annotation JSON is not an object",
            );
            return None;
        }
        None => {
            let (offset, message) = read
                .error
                .map_or((0, "unreadable".to_owned()), |e| (e.offset, e.message));
            sink.warn(
                Code::AnnotationJson,
                json_offset + offset,
                format!("annotation is not readable JSON: {message}"),
            );
            return None;
        }
    };
    Some(Annotation::from_object(
        object,
        comment_offset,
        json_offset,
        sink,
    ))
}

impl Annotation {
    fn from_object(
        raw: Map<String, Value>,
        offset: usize,
        json_offset: usize,
        sink: &mut Sink<'_>,
    ) -> Annotation {
        let mut fields = Fields::new(&raw, sink, json_offset);
        Annotation {
            offset,
            block_type: fields.string("blockType").map(|s| BlockType::from_name(&s)),
            name: fields.string("name"),
            // Some pages write `@type` for `@odata.type`.
            odata_type: fields
                .string("@odata.type")
                .or_else(|| fields.string("@type")),
            is_collection: fields.boolean("isCollection"),
            collection_property: fields.string("collectionProperty"),
            truncated: fields.boolean("truncated"),
            is_empty: fields.boolean("isEmpty"),
            expect_error: fields.boolean("expectError"),
            optional_properties: fields.strings("optionalProperties"),
            nullable_properties: fields.strings("nullableProperties"),
            key_property: fields.string("keyProperty"),
            base_type: fields.string("baseType"),
            open_type: fields.boolean("openType"),
            is_abstract: fields.boolean("abstract"),
            is_media_entity: fields.boolean("isMediaEntity"),
            is_composable: fields.boolean("isComposable"),
            sample_keys: fields.strings("sampleKeys"),
            is_page_annotation: fields
                .string("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("#page.annotation")),
            raw,
        }
    }
}

/// The annotation keys [`Annotation`] reads.
const KEYS: [&str; 19] = [
    "blockType",
    "name",
    "@odata.type",
    "@type",
    "isCollection",
    "collectionProperty",
    "truncated",
    "isEmpty",
    "expectError",
    "optionalProperties",
    "nullableProperties",
    "keyProperty",
    "baseType",
    "openType",
    "abstract",
    "isMediaEntity",
    "isComposable",
    "sampleKeys",
    "type",
];

/// Typed access to annotation keys, reporting values of the wrong JSON type.
struct Fields<'a, 's, 'p> {
    /// The value of each of [`KEYS`]: spelled exactly so, else in any case, since JSON keys are
    /// case-sensitive but pages write `blocktype` and `BlockType` too. Found in one pass over
    /// the annotation rather than one per key.
    found: [Option<&'a Value>; KEYS.len()],
    sink: &'s mut Sink<'p>,
    offset: usize,
}

impl<'a, 's, 'p> Fields<'a, 's, 'p> {
    fn new(raw: &'a Map<String, Value>, sink: &'s mut Sink<'p>, offset: usize) -> Self {
        let mut found = [None; KEYS.len()];
        let mut exact = [false; KEYS.len()];
        for (written, value) in raw {
            for (i, key) in KEYS.iter().enumerate() {
                if written == key {
                    found[i] = Some(value);
                    exact[i] = true;
                } else if !exact[i] && found[i].is_none() && written.eq_ignore_ascii_case(key) {
                    found[i] = Some(value);
                }
            }
        }
        Fields {
            found,
            sink,
            offset,
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        let index = KEYS.iter().position(|k| *k == key);
        debug_assert!(index.is_some(), "`{key}` is not in KEYS");
        index.and_then(|i| self.found[i])
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Null => None,
            other => {
                let message = format!("annotation key `{key}` should be a string, found `{other}`");
                self.sink.warn(Code::Annotation, self.offset, message);
                None
            }
        }
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            Value::Null => None,
            other => {
                let message =
                    format!("annotation key `{key}` should be true or false, found `{other}`");
                self.sink.warn(Code::Annotation, self.offset, message);
                None
            }
        }
    }

    fn strings(&mut self, key: &str) -> Vec<String> {
        match self.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => vec![s.trim().to_owned()],
            Some(Value::Array(items)) => {
                let strings: Vec<String> = items
                    .iter()
                    .filter_map(|v| v.as_str().map(|s| s.trim().to_owned()))
                    .collect();
                if strings.len() != items.len() {
                    let message = format!("annotation key `{key}` should list strings only");
                    self.sink.warn(Code::Annotation, self.offset, message);
                }
                strings
            }
            Some(other) => {
                let message =
                    format!("annotation key `{key}` should be a list of strings, found `{other}`");
                self.sink.warn(Code::Annotation, self.offset, message);
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineIndex;

    fn read(json: &str) -> (Option<Annotation>, Vec<String>) {
        let lines = LineIndex::new(json);
        let mut sink = Sink::new("t.md", &lines);
        let annotation = parse(json, 0, 0, &mut sink);
        (
            annotation,
            sink.into_diagnostics()
                .into_iter()
                .map(|d| d.code.to_string())
                .collect(),
        )
    }

    #[test]
    fn typed_keys_and_raw_keys() {
        let (annotation, codes) = read(
            r#"{ "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.message",
                "isCollection": true, "optionalProperties": ["a", "b"], "custom": 1 }"#,
        );
        let annotation = annotation.expect("annotation");
        assert_eq!(annotation.block_type, Some(BlockType::Response));
        assert_eq!(annotation.truncated, Some(true));
        assert_eq!(annotation.is_collection, Some(true));
        assert_eq!(
            annotation.odata_type.as_deref(),
            Some("microsoft.graph.message")
        );
        assert_eq!(annotation.optional_properties, ["a", "b"]);
        assert_eq!(annotation.raw.get("custom"), Some(&Value::from(1)));
        assert!(codes.is_empty(), "{codes:?}");
    }

    #[test]
    fn lenient_json_is_recovered_with_a_note() {
        let (annotation, codes) = read("{ blockType: 'request', \"name\": \"x\", }");
        let annotation = annotation.expect("annotation");
        assert_eq!(annotation.block_type, Some(BlockType::Request));
        assert_eq!(annotation.name.as_deref(), Some("x"));
        assert!(
            codes.iter().all(|c| c == "annotation-json") && !codes.is_empty(),
            "{codes:?}"
        );
    }

    #[test]
    fn wrong_value_types_are_reported_not_fatal() {
        let (annotation, codes) = read(r#"{ "blockType": 3, "truncated": "yes", "name": "n" }"#);
        let annotation = annotation.expect("annotation");
        assert_eq!(annotation.block_type, None);
        assert_eq!(annotation.truncated, None);
        assert_eq!(annotation.name.as_deref(), Some("n"));
        assert_eq!(codes, ["annotation", "annotation"]);
    }

    #[test]
    fn page_annotations_and_non_annotations() {
        let (annotation, _) = read(r##"{ "type": "#page.annotation", "description": "d" }"##);
        assert!(annotation.is_some_and(|a| a.is_page_annotation));
        assert!(read("uuid: 8fcb5dbc").0.is_none());
        let (annotation, codes) = read("{ not json at all");
        assert!(annotation.is_none());
        assert_eq!(codes.last().map(String::as_str), Some("annotation-json"));
    }
}

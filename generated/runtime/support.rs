//! What the generated code is made of and users never name: how the generated structs read
//! and write JSON objects, how enums read and write their wire strings, how paths are built,
//! and the seal on the runtime's marker traits. Visible to the crate only.
//!
//! Each struct keeps the properties the pages do not document in `additional_properties`, so
//! that a round trip loses nothing. `#[serde(flatten)]` would do that, but it makes serde
//! buffer every object into an intermediate tree before reading a single field, and it expands
//! into a large impl per struct. Instead each struct implements [`Object`]: a `match` from
//! wire name to field, with every other key kept as JSON. One generic visitor here drives it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Implemented by the runtime's public marker traits' implementors only: [`GraphType`],
/// [`DerivesFrom`] and [`WireEnum`] are implemented by the generated types and no others, so
/// that what they promise (a qualified name, a place in a hierarchy, a wire string) holds.
///
/// [`GraphType`]: super::GraphType
/// [`DerivesFrom`]: super::DerivesFrom
/// [`WireEnum`]: super::WireEnum
pub trait Sealed {}

impl<T: Object> Sealed for T {}

/// A JSON object with documented properties and a catch-all for the others (implemented by
/// every generated struct).
pub trait Object: Default {
    /// Reads the value of the property `name` into its field with [`read`]; `false`, without
    /// reading the value, when the type documents no such property.
    fn read_field<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<bool, A::Error>;

    /// Where properties the type does not document go.
    fn additional_properties_mut(&mut self) -> &mut BTreeMap<String, Value>;
}

/// Reads the next value of `map` into a field. A function rather than `field = next_value()?`
/// in each arm of the generated `match`: the arms stay one call each, which is much less for
/// the compiler to check across thousands of fields.
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, field: &mut Option<T>) -> Result<bool, A::Error> {
    *field = map.next_value()?;
    Ok(true)
}

/// Deserializes an [`Object`] (used by the generated `Deserialize` impls).
pub fn deserialize_object<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            if !object.read_field(&name, &mut map)? {
                let value: Value = map.next_value()?;
                object.additional_properties_mut().insert(name.into_owned(), value);
            }
        }
        Ok(object)
    }
}

/// Writes an object's properties in order, leaving out those that are `None`, then the
/// undocumented ones (used by the generated `Serialize` impls). The first error is kept and
/// returned by [`ObjectWriter::end`], so that the generated code needs no `?` per field.
pub struct ObjectWriter<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> ObjectWriter<M> {
    pub fn new<S: Serializer<SerializeMap = M>>(serializer: S) -> Result<Self, S::Error> {
        serializer.serialize_map(None).map(|map| ObjectWriter { map, error: None })
    }

    pub fn field<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let (Some(value), None) = (value, &self.error) {
            self.error = self.map.serialize_entry(name, value).err();
        }
    }

    pub fn end(mut self, additional_properties: &BTreeMap<String, Value>) -> Result<M::Ok, M::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        for (name, value) in additional_properties {
            self.map.serialize_entry(name, value)?;
        }
        self.map.end()
    }
}

/// Serializes a [`WireEnum`](super::WireEnum) as its wire string (used by the generated
/// `Serialize` impls).
pub fn serialize_enum<E: super::WireEnum, S: Serializer>(value: &E, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_wire_str())
}

/// Deserializes a [`WireEnum`](super::WireEnum) from its wire string (used by the generated
/// `Deserialize` impls).
pub fn deserialize_enum<'de, E: super::WireEnum, D: Deserializer<'de>>(deserializer: D) -> Result<E, D::Error> {
    let Text(text) = Text::deserialize(deserializer)?;
    Ok(E::from_wire_str(&text))
}

/// Appends text to a path, in the same buffer: each step of the navigation surface
/// (`users().id(..).messages()`) extends the one `String` its first step allocated.
pub fn extend_path(mut path: String, pieces: &[&str]) -> String {
    path.reserve(pieces.iter().map(|piece| piece.len()).sum());
    for piece in pieces {
        path.push_str(piece);
    }
    path
}

/// A string, borrowed from the input when the input allows (serde's own `Cow<str>` always
/// copies): object keys, enum values, timestamps.
pub struct Text<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(text)))
    }
}

/// A struct written as the generator writes them, for the runtime's own tests.
#[cfg(test)]
pub(crate) mod test_item {
    use super::*;

    #[derive(Debug, Default, Clone, PartialEq)]
    pub struct TestItem {
        pub id: Option<String>,
        pub display_name: Option<String>,
        pub deleted: Option<Value>,
        pub additional_properties: BTreeMap<String, Value>,
    }

    impl Object for TestItem {
        fn read_field<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<bool, A::Error> {
            match name {
                "id" => read(map, &mut self.id),
                "displayName" => read(map, &mut self.display_name),
                "deleted" => read(map, &mut self.deleted),
                _ => Ok(false),
            }
        }

        fn additional_properties_mut(&mut self) -> &mut BTreeMap<String, Value> {
            &mut self.additional_properties
        }
    }

    impl<'de> Deserialize<'de> for TestItem {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer)
        }
    }

    impl Serialize for TestItem {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = ObjectWriter::new(serializer)?;
            object.field("id", &self.id);
            object.field("displayName", &self.display_name);
            object.field("deleted", &self.deleted);
            object.end(&self.additional_properties)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Point {
        x: Option<i32>,
        label: Option<String>,
        additional_properties: BTreeMap<String, Value>,
    }

    impl Object for Point {
        fn read_field<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<bool, A::Error> {
            match name {
                "x" => read(map, &mut self.x),
                "label" => read(map, &mut self.label),
                _ => Ok(false),
            }
        }

        fn additional_properties_mut(&mut self) -> &mut BTreeMap<String, Value> {
            &mut self.additional_properties
        }
    }

    impl<'de> Deserialize<'de> for Point {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer)
        }
    }

    impl Serialize for Point {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = ObjectWriter::new(serializer)?;
            object.field("x", &self.x);
            object.field("label", &self.label);
            object.end(&self.additional_properties)
        }
    }

    #[test]
    fn unknown_keys_are_kept_and_nulls_read_as_none() {
        let json = r#"{"x": 1, "label": null, "extra": {"deep": [1, 2]}, "\u0065scaped": true}"#;
        let point: Point = serde_json::from_str(json).unwrap();
        assert_eq!(point.x, Some(1));
        assert_eq!(point.label, None);
        assert_eq!(point.additional_properties["escaped"], true);
        let written = serde_json::to_value(&point).unwrap();
        assert_eq!(written, serde_json::json!({"x": 1, "extra": {"deep": [1, 2]}, "escaped": true}));
        // Through `serde_json::Value` too, as casts read.
        assert_eq!(serde_json::from_value::<Point>(written).unwrap(), point);
        let error = serde_json::from_str::<Point>(r#"{"x": "one"}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type"), "{error}");
    }
}

//! The items of a delta query: changed ones as their type, removed ones as what Graph says of
//! them (an `id` and an `@removed` reason, or a drive item's `deleted` facet).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::support::{Object, Text};

/// One item of a delta round (the response of every documented `delta` function is a
/// [`Collection`](super::Collection) of these).
///
/// Graph reports an item that left the result set (deleted, or moved out of what the query
/// watches) as its `id` with an `@removed` annotation and nothing else worth reading; a drive
/// item, as its `id` with a `deleted` facet. Every other item is a created or updated one,
/// with the properties that changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Delta<T> {
    /// Created or updated: the item with the properties that changed.
    Changed(T),
    /// Gone from the result set.
    Removed {
        id: String,
        reason: RemovalReason,
        /// Anything else the service sent with the removal (`@odata.type`, ...), kept so that
        /// writing the item back loses nothing.
        additional_properties: BTreeMap<String, Value>,
    },
}

impl<T> Delta<T> {
    /// The changed item, unless it was removed.
    pub fn changed(&self) -> Option<&T> {
        match self {
            Delta::Changed(item) => Some(item),
            Delta::Removed { .. } => None,
        }
    }

    /// The changed item, unless it was removed.
    pub fn into_changed(self) -> Option<T> {
        match self {
            Delta::Changed(item) => Some(item),
            Delta::Removed { .. } => None,
        }
    }

    /// The id of a removed item.
    pub fn removed_id(&self) -> Option<&str> {
        match self {
            Delta::Changed(_) => None,
            Delta::Removed { id, .. } => Some(id),
        }
    }
}

/// Why a delta item was removed: the `reason` of its `@removed` annotation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RemovalReason {
    /// `changed`: the item was deleted and can be restored, or it left the scope of the query
    /// (a user removed from a group).
    Changed,
    /// `deleted`: the item was deleted permanently; also the reason of a drive item that
    /// comes with a `deleted` facet (which stays in `additional_properties`).
    Deleted,
    /// A reason this crate does not know, kept as sent.
    Unknown(String),
}

impl RemovalReason {
    /// The reason as Graph writes it.
    pub fn as_wire_str(&self) -> &str {
        match self {
            RemovalReason::Changed => "changed",
            RemovalReason::Deleted => "deleted",
            RemovalReason::Unknown(reason) => reason,
        }
    }

    fn from_wire_str(reason: &str) -> Self {
        match reason {
            "changed" => RemovalReason::Changed,
            "deleted" => RemovalReason::Deleted,
            other => RemovalReason::Unknown(other.to_owned()),
        }
    }
}

const REMOVED: &str = "@removed";
/// The facet a drive item carries when it was deleted, in place of `@removed`.
const DELETED_FACET: &str = "deleted";

impl<T: Serialize> Serialize for Delta<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Delta::Changed(item) => item.serialize(serializer),
            Delta::Removed { id, reason, additional_properties } => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("id", id)?;
                for (name, value) in additional_properties {
                    map.serialize_entry(name, value)?;
                }
                // A removal read from a `deleted` facet is written back as it came, without an
                // annotation it did not carry.
                if !has_deleted_facet(additional_properties) {
                    let mut removed = Map::new();
                    removed.insert("reason".to_owned(), Value::String(reason.as_wire_str().to_owned()));
                    map.serialize_entry(REMOVED, &removed)?;
                }
                map.end()
            }
        }
    }
}

fn has_deleted_facet(properties: &BTreeMap<String, Value>) -> bool {
    properties.get(DELETED_FACET).is_some_and(Value::is_object)
}

/// Read in one pass, straight into `T`: the rare removed item is then taken apart again.
impl<'de, T: Object + Serialize> Deserialize<'de> for Delta<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DeltaVisitor(PhantomData))
    }
}

struct DeltaVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object + Serialize> Visitor<'de> for DeltaVisitor<T> {
    type Value = Delta<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a delta item")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Delta<T>, A::Error> {
        let mut item = T::default();
        let mut removed: Option<Value> = None;
        let mut facet = false;
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            if name == REMOVED {
                removed = Some(map.next_value()?);
                continue;
            }
            facet |= name == DELETED_FACET;
            if !item.read_field(&name, &mut map)? {
                let value: Value = map.next_value()?;
                item.additional_properties_mut().insert(name.into_owned(), value);
            }
        }
        if removed.is_none() && !facet {
            return Ok(Delta::Changed(item));
        }
        let Value::Object(object) = serde_json::to_value(&item).map_err(serde::de::Error::custom)? else {
            return Err(serde::de::Error::custom("a delta item that is not an object"));
        };
        let mut properties: BTreeMap<String, Value> = object.into_iter().collect();
        let reason = match &removed {
            Some(removed) => RemovalReason::from_wire_str(removed.get("reason").and_then(Value::as_str).unwrap_or_default()),
            None if has_deleted_facet(&properties) => RemovalReason::Deleted,
            // A `deleted` facet of `null`: the item is not deleted.
            None => return Ok(Delta::Changed(item)),
        };
        let id = match properties.remove("id") {
            Some(Value::String(id)) => id,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        Ok(Delta::Removed { id, reason, additional_properties: properties })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::support::test_item::TestItem as Item;

    #[test]
    fn removed_items_read_apart_from_changed_ones_and_write_back_the_same() {
        let page = r##"[
            {"id": "1", "displayName": "Kept", "futureField": 1},
            {"@odata.type": "#microsoft.graph.directoryRole", "id": "2", "@removed": {"reason": "deleted"}},
            {"id": "3", "@removed": {"reason": "changed"}}
        ]"##;
        let items: Vec<Delta<Item>> = serde_json::from_str(page).unwrap();
        assert_eq!(items[0].changed().map(|i| i.display_name.as_deref()), Some(Some("Kept")));
        assert_eq!(items[0].changed().map(|i| &i.additional_properties["futureField"]), Some(&Value::from(1)));
        assert!(matches!(&items[1], Delta::Removed { id, reason: RemovalReason::Deleted, .. } if id == "2"));
        assert_eq!(items[2].removed_id(), Some("3"));
        assert!(matches!(&items[2], Delta::Removed { reason: RemovalReason::Changed, .. }));
        let written = serde_json::to_value(&items).unwrap();
        assert_eq!(written, serde_json::from_str::<Value>(page).unwrap());
    }

    #[test]
    fn a_drive_item_with_a_deleted_facet_reads_as_removed_and_writes_back_as_it_came() {
        let page = r#"[
            {"id": "0123", "name": "report.docx", "deleted": {"state": "deleted"}, "parentReference": {"driveId": "d"}},
            {"id": "0124", "displayName": "Still here", "deleted": null}
        ]"#;
        let items: Vec<Delta<Item>> = serde_json::from_str(page).unwrap();
        match &items[0] {
            Delta::Removed { id, reason, additional_properties } => {
                assert_eq!(id, "0123");
                assert_eq!(*reason, RemovalReason::Deleted);
                assert_eq!(additional_properties["name"], "report.docx");
            }
            other => panic!("expected a removal, got {other:?}"),
        }
        assert_eq!(items[1].changed().and_then(|i| i.display_name.as_deref()), Some("Still here"));
        let written = serde_json::to_value(&items[0]).unwrap();
        assert_eq!(written, serde_json::from_str::<Value>(page).unwrap()[0]);
    }
}

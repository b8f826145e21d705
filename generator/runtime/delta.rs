//! The items of a delta query: changed ones as their type, removed ones as what Graph says of
//! them (an `id` and an `@removed` reason).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One item of a delta round (the response of every documented `delta` function is a
/// [`Collection`](super::Collection) of these).
///
/// Graph reports an item that left the result set (deleted, or moved out of what the query
/// watches) as its `id` with an `@removed` annotation and nothing else worth reading; every
/// other item is a created or updated one, with the properties that changed.
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
    /// `deleted`: the item was deleted permanently.
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

impl<T: Serialize> Serialize for Delta<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Delta::Changed(item) => item.serialize(serializer),
            Delta::Removed { id, reason, additional_properties } => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(additional_properties.len() + 2))?;
                map.serialize_entry("id", id)?;
                for (name, value) in additional_properties {
                    map.serialize_entry(name, value)?;
                }
                let mut removed = Map::new();
                removed.insert("reason".to_owned(), Value::String(reason.as_wire_str().to_owned()));
                map.serialize_entry(REMOVED, &removed)?;
                map.end()
            }
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Delta<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = Map::<String, Value>::deserialize(deserializer)?;
        let Some(removed) = object.remove(REMOVED) else {
            return T::deserialize(Value::Object(object)).map(Delta::Changed).map_err(serde::de::Error::custom);
        };
        let reason = removed.get("reason").and_then(Value::as_str).unwrap_or_default();
        let id = match object.remove("id") {
            Some(Value::String(id)) => id,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        Ok(Delta::Removed {
            id,
            reason: RemovalReason::from_wire_str(reason),
            additional_properties: object.into_iter().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        id: String,
        #[serde(rename = "displayName")]
        display_name: Option<String>,
    }

    #[test]
    fn removed_items_read_apart_from_changed_ones_and_write_back_the_same() {
        let page = r##"[
            {"id": "1", "displayName": "Kept"},
            {"@odata.type": "#microsoft.graph.directoryRole", "id": "2", "@removed": {"reason": "deleted"}},
            {"id": "3", "@removed": {"reason": "changed"}}
        ]"##;
        let items: Vec<Delta<Item>> = serde_json::from_str(page).unwrap();
        assert_eq!(items[0].changed().map(|i| i.display_name.as_deref()), Some(Some("Kept")));
        assert!(matches!(&items[1], Delta::Removed { id, reason: RemovalReason::Deleted, .. } if id == "2"));
        assert_eq!(items[2].removed_id(), Some("3"));
        assert!(matches!(&items[2], Delta::Removed { reason: RemovalReason::Changed, .. }));
        let written = serde_json::to_value(&items).unwrap();
        assert_eq!(written, serde_json::from_str::<Value>(page).unwrap());
    }
}

//! The envelopes OData puts results in: a page of a collection, a single primitive value.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use super::support::Text;

/// A page of a collection: `{"value": [...], "@odata.nextLink": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collection<T> {
    pub value: Vec<T>,
    /// The URL of the next page, when there is one.
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    /// The delta link that ends a delta query.
    #[serde(rename = "@odata.deltaLink", default, skip_serializing_if = "Option::is_none")]
    pub delta_link: Option<String>,
    /// The total count, when `$count=true` was asked for.
    #[serde(rename = "@odata.count", default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Other control information (`@odata.context`, ...), kept so a round trip loses nothing.
    #[serde(flatten)]
    pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            value: Vec::new(),
            next_link: None,
            delta_link: None,
            count: None,
            additional_properties: std::collections::BTreeMap::new(),
        }
    }
}

/// A single primitive result, which OData wraps as `{"value": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Single<T> {
    pub value: T,
    /// Control information (`@odata.context`, ...).
    #[serde(flatten)]
    pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,
}

// Read by hand rather than derived: a derived `Deserialize` with `flatten` would buffer the
// whole page into serde's intermediate tree before reading a single item.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Collection<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<fn() -> T>);

        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for PageVisitor<T> {
            type Value = Collection<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a collection object with `value`")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut value = None;
                let mut page = Collection::default();
                while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
                    match &*name {
                        "value" => value = Some(map.next_value()?),
                        "@odata.nextLink" => page.next_link = map.next_value()?,
                        "@odata.deltaLink" => page.delta_link = map.next_value()?,
                        "@odata.count" => page.count = map.next_value()?,
                        _ => {
                            let other = map.next_value()?;
                            page.additional_properties.insert(name.into_owned(), other);
                        }
                    }
                }
                page.value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
                Ok(page)
            }
        }

        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Single<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SingleVisitor<T>(PhantomData<fn() -> T>);

        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for SingleVisitor<T> {
            type Value = Single<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with `value`")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut value = None;
                let mut additional_properties = std::collections::BTreeMap::new();
                while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
                    if name == "value" {
                        value = Some(map.next_value()?);
                    } else {
                        additional_properties.insert(name.into_owned(), map.next_value()?);
                    }
                }
                let value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
                Ok(Single { value, additional_properties })
            }
        }

        deserializer.deserialize_map(SingleVisitor(PhantomData))
    }
}


//! What the generated types promise: their place in Graph's type hierarchies ([`GraphType`],
//! [`DerivesFrom`], [`cast`]) and the wire strings of enums ([`WireEnum`], [`Flags`]). The
//! traits are sealed: the generated types implement them, and no other type can.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::support::{Sealed, Text};

/// The members of a flags enum that a value combines, written as Graph writes them: `"a,b"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Flags<E>(pub Vec<E>);

impl<E: WireEnum> Serialize for Flags<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let names: Vec<&str> = self.0.iter().map(WireEnum::as_wire_str).collect();
        serializer.serialize_str(&names.join(","))
    }
}

impl<'de, E: WireEnum> Deserialize<'de> for Flags<E> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(text) = Text::deserialize(deserializer)?;
        let members = text.split(',').map(str::trim).filter(|m| !m.is_empty());
        Ok(Flags(members.map(E::from_wire_str).collect()))
    }
}

/// A type of a Graph type hierarchy (`directoryObject` and the `user`, `group`... derived
/// from it), as [`cast`] needs it.
pub trait GraphType: Serialize + DeserializeOwned + Sealed {
    /// The qualified names (`microsoft.graph.user`) of this type and of every type derived
    /// from it: the `@odata.type` values a value of this type may carry.
    const ODATA_TYPES: &'static [&'static str];

    /// The value's own `@odata.type`, when it carries one.
    fn odata_type(&self) -> Option<&str>;
}

/// `Self` derives from `Base`, directly or not: a value of `Base` may be one of `Self`. Only
/// such pairs are implemented, so a cast to a type outside the hierarchy does not compile.
pub trait DerivesFrom<Base: GraphType>: GraphType {}

/// Reads a value of a base type as one of its derived types.
///
/// `Ok(None)` when the value's `@odata.type` names neither `T` nor a type derived from `T`
/// (or it carries none). `Ok(Some)` when it does and its JSON reads as `T`: every property of
/// `T` comes out typed, and properties neither type documents stay in
/// `additional_properties`, so the cast loses nothing. An error when it does but the JSON
/// does not read as `T` (a property of `T` with a value of another type).
pub fn cast<B: GraphType, T: DerivesFrom<B>>(value: &B) -> Result<Option<T>, serde_json::Error> {
    let Some(odata_type) = value.odata_type() else {
        return Ok(None);
    };
    let name = odata_type.trim_start_matches('#');
    if !T::ODATA_TYPES.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return Ok(None);
    }
    serde_json::from_value(serde_json::to_value(value)?).map(Some)
}

/// Writes and reads enum values as their wire strings; values added to Graph after the crate
/// was generated are kept by each enum's `Unknown` variant.
pub trait WireEnum: Sized + Sealed {
    fn as_wire_str(&self) -> &str;
    fn from_wire_str(value: &str) -> Self;
}

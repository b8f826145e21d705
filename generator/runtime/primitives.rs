//! The Rust types Graph's primitive types map to, where no crate's type fits as it is.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::support::Text;

/// `Edm.DateTimeOffset`: an instant with its UTC offset.
///
/// A thin wrapper over [`chrono::DateTime<FixedOffset>`](chrono::DateTime) that also remembers
/// how the instant was written (digits of fractional seconds, `Z` or `+hh:mm` or no offset), so
/// that a value read from Graph is written back exactly as it came: Graph writes seven
/// fractional digits, which chrono alone would rewrite as nine. Equality, ordering and hashing
/// look at the instant only.
#[derive(Debug, Clone, Copy)]
pub struct DateTimeOffset {
    value: chrono::DateTime<chrono::FixedOffset>,
    style: TimestampStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TimestampStyle {
    fraction_digits: u8,
    offset: OffsetStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetStyle {
    Zulu,
    Numeric,
    /// No offset was written; the instant was read as UTC.
    Absent,
}

impl DateTimeOffset {
    /// The instant as a chrono value.
    pub fn as_chrono(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.value
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for DateTimeOffset {
    fn from(value: chrono::DateTime<chrono::FixedOffset>) -> Self {
        let fraction_digits = match value.timestamp_subsec_nanos() {
            0 => 0,
            n if n % 1_000_000 == 0 => 3,
            n if n % 100 == 0 => 7,
            _ => 9,
        };
        let offset = if value.offset().local_minus_utc() == 0 { OffsetStyle::Zulu } else { OffsetStyle::Numeric };
        DateTimeOffset { value, style: TimestampStyle { fraction_digits, offset } }
    }
}

impl From<chrono::DateTime<chrono::Utc>> for DateTimeOffset {
    fn from(value: chrono::DateTime<chrono::Utc>) -> Self {
        DateTimeOffset::from(value.fixed_offset())
    }
}

impl PartialEq for DateTimeOffset {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for DateTimeOffset {}

impl PartialOrd for DateTimeOffset {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeOffset {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl std::hash::Hash for DateTimeOffset {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl std::str::FromStr for DateTimeOffset {
    type Err = chrono::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (value, offset) = match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(value) => {
                let zulu = text.ends_with(['Z', 'z']);
                (value, if zulu { OffsetStyle::Zulu } else { OffsetStyle::Numeric })
            }
            Err(error) => match chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
                Ok(naive) => (naive.and_utc().fixed_offset(), OffsetStyle::Absent),
                Err(_) => return Err(error),
            },
        };
        let fraction_digits = text
            .split_once('.')
            .map_or(0, |(_, rest)| rest.chars().take_while(char::is_ascii_digit).count().min(9) as u8);
        Ok(DateTimeOffset { value, style: TimestampStyle { fraction_digits, offset } })
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value.format("%Y-%m-%dT%H:%M:%S"))?;
        let digits = usize::from(self.style.fraction_digits);
        if digits > 0 {
            let nanos = format!("{:09}", self.value.timestamp_subsec_nanos() % 1_000_000_000);
            write!(f, ".{}", &nanos[..digits.min(9)])?;
        }
        match self.style.offset {
            OffsetStyle::Zulu if self.value.offset().local_minus_utc() == 0 => f.write_str("Z"),
            OffsetStyle::Absent => Ok(()),
            _ => write!(f, "{}", self.value.format("%:z")),
        }
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTimeOffset {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(text) = Text::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
/// `Edm.Date`.
pub type Date = chrono::NaiveDate;
/// `Edm.TimeOfDay`.
pub type TimeOfDay = chrono::NaiveTime;
/// `Edm.Guid`.
pub type Guid = uuid::Uuid;

/// `Edm.Duration`: an ISO 8601 duration such as `PT1H30M`, kept as written so that it
/// round-trips exactly (Graph durations may carry years and months, which have no fixed length).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(pub String);

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Edm.Binary` and `Edm.Stream`: bytes, written in JSON as base64.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64Bytes(pub Vec<u8>);

impl Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine;
        let text = String::deserialize(deserializer)?;
        // Graph writes standard base64; URL-safe and unpadded forms are accepted too.
        let engines = [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::URL_SAFE,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        engines
            .iter()
            .find_map(|engine| engine.decode(text.trim()).ok())
            .map(Base64Bytes)
            .ok_or_else(|| serde::de::Error::custom("invalid base64"))
    }
}


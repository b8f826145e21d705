//! OData literals, for the expressions of `$filter` and `$orderby`: each value written as the
//! service reads it, so that a value is never taken for syntax.

use super::{Date, DateTimeOffset, Duration, Guid, TimeOfDay, WireEnum};

/// A string literal: between single quotes, each quote in it doubled
/// (`odata::string("O'Neil")` is `'O''Neil'`).
pub fn string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A GUID literal, bare as OData 4 writes it (`id eq 5b61a3c8-...`).
pub fn guid(value: Guid) -> String {
    value.hyphenated().to_string()
}

/// A date literal: `2021-03-04`.
pub fn date(value: Date) -> String {
    value.format("%Y-%m-%d").to_string()
}

/// A time-of-day literal: `13:30:00`, with fractional seconds when it has them.
pub fn time_of_day(value: TimeOfDay) -> String {
    value.format("%H:%M:%S%.f").to_string()
}

/// A date and time literal: `2021-03-04T05:06:07Z`, bare as OData 4 writes it.
pub fn date_time(value: impl Into<DateTimeOffset>) -> String {
    value.into().to_string()
}

/// A duration literal: `duration'PT1H30M'`.
pub fn duration(value: &Duration) -> String {
    format!("duration'{}'", value.0)
}

/// An enum member, as Graph's filters compare enum properties: its wire name as a string
/// literal (`importance eq 'high'`).
pub fn enum_member<E: WireEnum>(value: &E) -> String {
    string(value.as_wire_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_written_as_odata_reads_them() {
        assert_eq!(string("O'Neil"), "'O''Neil'");
        assert_eq!(string(""), "''");
        let id: Guid = "5B61A3C8-2A2B-4B0E-9F2F-3C1B5F1F7A10".parse().unwrap();
        assert_eq!(guid(id), "5b61a3c8-2a2b-4b0e-9f2f-3c1b5f1f7a10");
        assert_eq!(date(Date::from_ymd_opt(2021, 3, 4).unwrap()), "2021-03-04");
        assert_eq!(time_of_day(TimeOfDay::from_hms_opt(13, 30, 0).unwrap()), "13:30:00");
        let instant = chrono::DateTime::parse_from_rfc3339("2021-03-04T05:06:07Z").unwrap().to_utc();
        assert_eq!(date_time(instant), "2021-03-04T05:06:07Z");
        assert_eq!(duration(&Duration("PT1H30M".to_owned())), "duration'PT1H30M'");
    }

    #[test]
    fn a_literal_survives_the_query_string() {
        let request = crate::runtime::Request::<crate::runtime::NoContent>::new(
            http::Method::GET,
            "/users".to_owned(),
            http::StatusCode::OK,
        )
        .filter(format!("surname eq {} and startswith(mail,{})", string("O'Neil & Co"), string("a+b")));
        assert_eq!(request.path_and_query(), "/users?$filter=surname%20eq%20'O''Neil%20%26%20Co'%20and%20startswith(mail,'a%2Bb')");
    }
}

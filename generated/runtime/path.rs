//! How values are written into a URL path, by where they stand: a key segment of its own, an
//! OData string literal between quotes, or a bare value inside a segment.

use super::{Date, DateTimeOffset, Duration, Guid, TimeOfDay};

/// A value that can stand in a URL path: written as text, then percent-encoded.
pub trait PathValue {
    fn to_path_text(&self) -> String;
}

impl PathValue for str {
    fn to_path_text(&self) -> String {
        self.to_owned()
    }
}

impl<T: PathValue + ?Sized> PathValue for &T {
    fn to_path_text(&self) -> String {
        (**self).to_path_text()
    }
}

macro_rules! path_value_by_display {
    ($($ty:ty),*) => {
        $(impl PathValue for $ty {
            fn to_path_text(&self) -> String {
                self.to_string()
            }
        })*
    };
}

path_value_by_display!(String, bool, u8, i8, i16, i32, i64, f32, f64, Guid, Date, TimeOfDay, Duration);

impl PathValue for DateTimeOffset {
    fn to_path_text(&self) -> String {
        self.to_string()
    }
}

/// Characters left as they are in a path value: RFC 3986 unreserved characters plus the
/// sub-delimiters and `:`/`@` that path segments allow and Graph ids use. `+` is encoded: Graph
/// reads a raw one as a space.
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Encodes a value that is a path segment of its own, a key (`/users/{id}`): the value as it
/// is (`o'neil@contoso.com` stays one user), every character a segment reserves percent-encoded
/// (`/`, `?`, `#`, `%`, `+`...), and a leading `$`, which Graph would read as a system segment
/// such as `$value`.
pub fn key_segment(value: impl PathValue) -> String {
    let text = value.to_path_text();
    let encoded = percent_encoding::utf8_percent_encode(&text, PATH_VALUE).to_string();
    match encoded.strip_prefix('$') {
        Some(rest) => format!("%24{rest}"),
        None => encoded,
    }
}

/// Encodes a value written between quotes in a path, as an OData string literal
/// (`search(q='{q}')`): each quote doubled, as the literal requires, then percent-encoded as a
/// path value.
pub fn string_literal(value: impl PathValue) -> String {
    let text = value.to_path_text().replace('\'', "''");
    percent_encoding::utf8_percent_encode(&text, PATH_VALUE).to_string()
}

/// Encodes a drive item path (`root:/{item-path}:`, `{parent-id}:/{filename}:`): each segment
/// percent-encoded as a path value, and `:` too, which would end the path; the `/` between
/// segments kept. Slashes at either end are dropped, since the path is relative to the item
/// before the `:/`.
pub fn item_path(value: impl PathValue) -> String {
    const ITEM_PATH_SEGMENT: &percent_encoding::AsciiSet = &PATH_VALUE.add(b':');
    let text = value.to_path_text();
    let segments = text.trim_matches('/').split('/');
    let encoded: Vec<String> =
        segments.map(|segment| percent_encoding::utf8_percent_encode(segment, ITEM_PATH_SEGMENT).to_string()).collect();
    encoded.join("/")
}

/// Encodes a value that stands inside a segment without quotes (`range(address={address})`,
/// `{item-path}:`): percent-encoded as a path value.
pub fn segment_value(value: impl PathValue) -> String {
    percent_encoding::utf8_percent_encode(&value.to_path_text(), PATH_VALUE).to_string()
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_keeps_its_quotes_and_encodes_what_a_segment_reserves() {
        // One quote, encoded: the same user, never `o''neil`.
        assert_eq!(key_segment("o'neil@contoso.com"), "o%27neil@contoso.com");
        assert_eq!(key_segment("a/b?c#d%e+f g"), "a%2Fb%3Fc%23d%25e%2Bf%20g");
        assert_eq!(key_segment("$value"), "%24value");
        assert_eq!(key_segment("a$b"), "a$b");
        assert_eq!(key_segment("AAMk-AD_k.~!"), "AAMk-AD_k.~!");
        assert_eq!(key_segment("é"), "%C3%A9");
        assert_eq!(key_segment(42_i32), "42");
    }

    #[test]
    fn the_three_encoders_over_the_characters_that_tell_them_apart() {
        // (value, key segment, string literal, item path)
        let table = [
            ("'", "%27", "%27%27", "%27"),
            ("/", "%2F", "%2F", ""),
            ("a/b", "a%2Fb", "a%2Fb", "a/b"),
            ("+", "%2B", "%2B", "%2B"),
            ("#", "%23", "%23", "%23"),
            ("%", "%25", "%25", "%25"),
            ("?", "%3F", "%3F", "%3F"),
            ("&", "&", "&", "&"),
            (" ", "%20", "%20", "%20"),
            ("é", "%C3%A9", "%C3%A9", "%C3%A9"),
            ("$", "%24", "$", "$"),
            ("$value", "%24value", "$value", "$value"),
            ("a:b", "a:b", "a:b", "a%3Ab"),
            ("/docs/my report.txt", "%2Fdocs%2Fmy%20report.txt", "%2Fdocs%2Fmy%20report.txt", "docs/my%20report.txt"),
        ];
        for (value, key, literal, path) in table {
            assert_eq!(key_segment(value), key, "key segment of {value:?}");
            assert_eq!(string_literal(value), literal, "string literal of {value:?}");
            assert_eq!(item_path(value), path, "item path of {value:?}");
        }
    }

    #[test]
    fn a_string_literal_doubles_its_quotes() {
        assert_eq!(string_literal("o'neil"), "o%27%27neil");
        assert_eq!(string_literal("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn a_bare_value_is_encoded_as_it_is() {
        assert_eq!(segment_value("Sheet1!A1:B2"), "Sheet1!A1:B2");
        assert_eq!(segment_value("it's"), "it%27s");
        let guid: Guid = "5B61A3C8-2A2B-4B0E-9F2F-3C1B5F1F7A10".parse().unwrap();
        assert_eq!(segment_value(guid), "5b61a3c8-2a2b-4b0e-9f2f-3c1b5f1f7a10");
        let instant: DateTimeOffset = "2021-03-04T05:06:07Z".parse().unwrap();
        assert_eq!(segment_value(instant), "2021-03-04T05:06:07Z");
    }
}

//! Helpers for the tests generated from the pages' examples.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Reads an example body as `T`.
pub fn from_json<T: DeserializeOwned>(json: &str) -> T {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(error) => panic!("example does not read as {}: {error}\n{json}", std::any::type_name::<T>()),
    }
}

/// Parses an example's path parameter.
pub fn parse<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Display,
{
    match text.parse() {
        Ok(value) => value,
        Err(error) => panic!("`{text}` does not parse: {error}"),
    }
}

/// The example body reads as `T` and writes back as the same JSON: key order aside, with
/// nulls omitted, and with values written differently but meaning the same (`1` and `1.0`,
/// seven or nine fractional digits, GUID case) counted as equal.
pub fn assert_round_trip<T: DeserializeOwned + Serialize>(json: &str) {
    let typed: T = from_json(json);
    let written = match serde_json::to_value(&typed) {
        Ok(value) => value,
        Err(error) => panic!("{} does not serialize: {error}", std::any::type_name::<T>()),
    };
    let expected = from_json::<Value>(json);
    if let Err(path) = same(&expected, &written, String::new()) {
        panic!("round trip through {} changed `{path}`:\nexpected {expected}\nwritten  {written}", std::any::type_name::<T>());
    }
}

fn same(expected: &Value, written: &Value, path: String) -> Result<(), String> {
    match (expected, written) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let inner = format!("{path}/{key}");
                match b.get(key) {
                    Some(other) => same(value, other, inner)?,
                    None if value.is_null() => {}
                    None => return Err(inner),
                }
            }
            match b.keys().find(|k| !a.contains_key(*k)) {
                Some(extra) => Err(format!("{path}/{extra}")),
                None => Ok(()),
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .try_for_each(|(i, (x, y))| same(x, y, format!("{path}/{i}"))),
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::String(a), Value::String(b)) if a == b || same_text_value(a, b) => Ok(()),
        (a, b) if a == b => Ok(()),
        _ => Err(path),
    }
}

/// Two texts that are one typed value written two ways.
fn same_text_value(a: &str, b: &str) -> bool {
    let guid = |s: &str| s.parse::<super::Guid>().ok();
    let time = |s: &str| s.parse::<super::TimeOfDay>().ok();
    let instant = |s: &str| s.parse::<super::DateTimeOffset>().ok();
    (guid(a).is_some() && guid(a) == guid(b))
        || (time(a).is_some() && time(a) == time(b))
        || (instant(a).is_some() && instant(a) == instant(b))
}

/// The request has the example's method, and its path and query: percent-decoded, query
/// parameters in any order.
pub fn assert_request<T, B>(request: &super::Request<T, B>, method: &str, target: &str) {
    assert_eq!(request.method().as_str(), method);
    let (path, query) = split_target(&request.path_and_query());
    let (expected_path, expected_query) = split_target(target);
    assert_eq!(path, expected_path, "path");
    assert_eq!(query, expected_query, "query");
}

fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name).to_ascii_lowercase(), decode(value).replace('+', " "))
        })
        .collect();
    pairs.sort();
    (decode(path.trim_end_matches('/')).to_ascii_lowercase(), pairs)
}

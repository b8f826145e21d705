//! The lenient JSON reader on arbitrary text, checked against what its documentation promises.
#![no_main]

use graphdoc::page::lenient_json::read_lenient;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let read = read_lenient(text);
    // A value or the reason there is none, never both and never neither.
    assert_ne!(read.value.is_some(), read.error.is_some(), "{read:?}");
    if let Some(error) = &read.error {
        assert!(
            text.is_char_boundary(error.offset),
            "error offset {} is not a char boundary of the input",
            error.offset
        );
    }
    for repair in &read.repairs {
        assert!(
            repair.offset <= text.len(),
            "repair offset {} is outside the input",
            repair.offset
        );
    }
    // Strict JSON reads exactly as serde_json reads it, with nothing repaired.
    if let Ok(strict) = serde_json::from_str::<serde_json::Value>(text) {
        assert_eq!(read.value.as_ref(), Some(&strict));
        assert!(read.repairs.is_empty() && !read.truncated && read.error.is_none());
    }
});

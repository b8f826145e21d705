//! The lenient JSON reader on arbitrary text, checked against what its documentation promises.
#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|text: &str| {
    checks::lenient_json(text);
});

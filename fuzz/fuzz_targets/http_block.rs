//! The HTTP block and path template parsers on arbitrary text, checked against the offsets
//! they document.
#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|content: &str| {
    checks::http_block(content);
});

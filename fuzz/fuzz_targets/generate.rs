//! The whole pipeline on one page, in memory: parse, resolve, emit (no files are written).
#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::generate(data);
});

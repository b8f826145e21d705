//! The whole pipeline on one page, in memory: parse, resolve, emit (no files are written).
#![no_main]

use graphdoc::emit::{emit, EmitOptions};
use graphdoc::model::resolve;
use graphdoc::page::{parse_page, PageSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The same reading as the `page` target: lossy UTF-8, kind from the page's own `doc_type`.
    let text = String::from_utf8_lossy(data);
    let source = PageSource {
        path: "fuzz.md".into(),
        display: "fuzz.md".to_owned(),
    };
    let page = parse_page(&source, &text).page;
    // These are the stages `Config::generate` runs after reading the docs folders.
    let resolved = resolve(std::slice::from_ref(&page));
    emit(
        &resolved.model,
        &EmitOptions {
            crate_name: "msgraph".to_owned(),
        },
    );
});

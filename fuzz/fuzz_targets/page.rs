//! The page parser on arbitrary bytes, read the way the generator reads a page file.
#![no_main]

use graphdoc::diagnostics::render;
use graphdoc::page::{parse_page, PageSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `discover::read_page` replaces invalid UTF-8 (and warns), so the parser only ever sees a
    // lossy conversion of the file's bytes.
    let text = String::from_utf8_lossy(data);
    // No folder: the page kind then comes from the page's own `doc_type`, which the input
    // controls, so every kind of page is reachable.
    let source = PageSource {
        path: "fuzz.md".into(),
        display: "fuzz.md".to_owned(),
    };
    let parsed = parse_page(&source, &text);
    // The CLI renders every diagnostic with its source line: that must not panic either.
    for diagnostic in &parsed.diagnostics {
        render(diagnostic, Some(&text), false);
    }
});

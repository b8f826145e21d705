//! The HTTP block and path template parsers on arbitrary text, checked against the offsets
//! they document.
#![no_main]

use graphdoc::page::http::{parse_http_block, parse_path_template, BodyText, HttpHeader};
use graphdoc::page::{HttpBlock, PathTemplate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|content: &str| {
    let (block, issues) = parse_http_block(content);
    // Diagnostics slice the page at these offsets, so they must be char boundaries in the block.
    for issue in &issues {
        assert!(content.is_char_boundary(issue.offset), "{issue:?}");
    }
    match &block {
        Some(HttpBlock::Request(request)) => {
            for line in &request.lines {
                assert!(content.is_char_boundary(line.offset), "{line:?}");
            }
            check_headers_and_body(content, &request.headers, request.body.as_ref());
        }
        Some(HttpBlock::Response(response)) => {
            assert!(content.is_char_boundary(response.offset), "{response:?}");
            check_headers_and_body(content, &response.headers, response.body.as_ref());
        }
        None => {}
    }
    if let Ok(template) = parse_path_template(content) {
        assert_canonical_is_stable(&template);
    }
});

/// A header's offset is where its name is written; a body is the text at its offset, verbatim.
fn check_headers_and_body(content: &str, headers: &[HttpHeader], body: Option<&BodyText>) {
    for header in headers {
        let at = content.get(header.offset..).unwrap_or_default();
        assert!(at.starts_with(&header.name), "{header:?}");
    }
    if let Some(body) = body {
        let end = body.offset + body.text.len();
        assert_eq!(content.get(body.offset..end), Some(body.text.as_str()));
    }
}

/// The canonical form is a fixed point: reading it back gives the same canonical form, so
/// paths that compare equal once keep comparing equal.
fn assert_canonical_is_stable(template: &PathTemplate) {
    let canonical = template.to_template_string();
    match parse_path_template(&canonical) {
        Ok(again) => assert_eq!(again.to_template_string(), canonical),
        Err(message) => panic!("canonical form `{canonical}` does not parse: {message}"),
    }
}

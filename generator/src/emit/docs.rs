//! Page markdown → rustdoc text that is safe to embed: relative links become plain text (they
//! point into the docs tree, not into the crate), code blocks are fenced as `text` so page
//! snippets never become doctests, and brackets and angle brackets are escaped so page text
//! cannot form intra-doc links or HTML tags. Done on pulldown-cmark events, not with regexes.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use quote::quote;

/// Rewrites page markdown as safe rustdoc markdown.
pub fn rustdoc_markdown(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_code_block = false;
    let mut list_depth: usize = 0;
    // `[driveItem][item-resource]` names a link defined at the end of its page, out of this
    // text's reach: read it as a link (which becomes its text), not as literal brackets. A
    // lone `[text]` stays text.
    let mut reference_link = |link: BrokenLink<'_>| {
        matches!(link.link_type, LinkType::Reference | LinkType::Collapsed)
            .then_some((CowStr::Borrowed(""), CowStr::Borrowed("")))
    };
    let parser = Parser::new_with_broken_link_callback(
        markdown,
        Options::empty(),
        Some(&mut reference_link),
    );
    for event in parser {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                ensure_blank_line(&mut out);
                let fence = match kind {
                    CodeBlockKind::Fenced(info) if info.starts_with("json") => "```json,ignore\n",
                    _ => "```text\n",
                };
                out.push_str(fence);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("```\n\n");
            }
            Event::Text(text) if in_code_block => out.push_str(&text.replace("```", "` ` `")),
            Event::Text(text) => push_text(&mut out, &text),
            Event::Code(code) => {
                let ticks = if code.contains('`') { "`` " } else { "`" };
                let closing = if code.contains('`') { " ``" } else { "`" };
                out.push_str(ticks);
                out.push_str(&code);
                out.push_str(closing);
            }
            Event::Start(Tag::Paragraph | Tag::Heading { .. }) => ensure_blank_line(&mut out),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => out.push_str("\n\n"),
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                ensure_blank_line(&mut out);
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                out.push('\n');
            }
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
                out.push_str("- ");
            }
            Event::End(TagEnd::Item) => {}
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => out.push('*'),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => out.push_str("**"),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("\n\n"),
            Event::Html(html) | Event::InlineHtml(html) => {
                if html.to_ascii_lowercase().starts_with("<br") {
                    out.push_str("\n\n");
                } else if !html.trim_start().starts_with("<!--") {
                    push_escaped(&mut out, &html);
                }
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. })
            | Event::End(TagEnd::Link | TagEnd::Image) => {}
            Event::Rule => out.push_str("\n\n"),
            _ => {}
        }
    }
    collapse_blank_lines(&out.replace('\t', "    "))
}

/// Text with each web address made an autolink (`<https://...>`): rustdoc warns about bare URLs.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        push_escaped(out, &rest[..at]);
        let address = &rest[at..];
        let end = address
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
            .unwrap_or(address.len());
        // Sentence punctuation after an address is not part of it.
        let url = address[..end].trim_end_matches(['.', ',', ';', ':', ')', '\'']);
        if url.len() > "https://".len() {
            out.push('<');
            out.push_str(url);
            out.push('>');
        } else {
            push_escaped(out, url);
        }
        rest = &address[url.len()..];
    }
    push_escaped(out, rest);
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(
            c,
            '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

fn ensure_blank_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

fn collapse_blank_lines(text: &str) -> String {
    let text = text.trim();
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

thread_local! {
    /// The doc texts of the piece being emitted on this thread. A piece is emitted and
    /// formatted on one thread; [`doc_attrs`] puts a one-line marker in the tokens in place of
    /// each text, and [`restore_docs`] writes the texts back into the formatted source. Long
    /// docs are most of the navigation surface's bytes, and the formatter need not parse them.
    static DOC_TEXTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// What a doc marker line reads as once formatted, before its index.
const DOC_MARKER: &str = "/// graphdoc-doc:";

/// A doc comment: an attribute standing for `text`, written back as `///` lines by
/// [`restore_docs`] (one per line of `text`).
pub fn doc_attrs(text: &str) -> TokenStream {
    let index = DOC_TEXTS.with(|texts| {
        let mut texts = texts.borrow_mut();
        texts.push(text.to_owned());
        texts.len() - 1
    });
    let marker = format!(" graphdoc-doc:{index}");
    quote!(#[doc = #marker])
}

/// Forgets the doc texts of an earlier piece: called before a piece is emitted.
pub fn start_piece() {
    DOC_TEXTS.with(|texts| texts.borrow_mut().clear());
}

/// Formatted source with each doc marker line replaced by its text, as `///` lines at the
/// marker's indentation. Markers come in the order of their indices, each once; a line that
/// only looks like one (page text in a multi-line string literal, which the pieces that
/// write docs do not hold anyway) is left as it is.
pub fn restore_docs(formatted: &str) -> String {
    DOC_TEXTS.with(|texts| {
        let texts = texts.borrow();
        if texts.is_empty() {
            return formatted.to_owned();
        }
        let mut out =
            String::with_capacity(formatted.len() + texts.iter().map(String::len).sum::<usize>());
        let mut next = 0;
        for line in formatted.lines() {
            let body = line.trim_start();
            let text = body
                .strip_prefix(DOC_MARKER)
                .and_then(|index| index.parse::<usize>().ok())
                .filter(|&index| index == next)
                .and_then(|index| texts.get(index));
            match text {
                Some(text) => {
                    next += 1;
                    let indent = &line[..line.len() - body.len()];
                    for doc_line in text.lines() {
                        out.push_str(indent);
                        out.push_str("///");
                        if !doc_line.is_empty() {
                            out.push(' ');
                            out.push_str(doc_line);
                        }
                        out.push('\n');
                    }
                }
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_markdown_becomes_safe_rustdoc() {
        let cases = [
            (
                "Inherits from [entity](../resources/entity.md). Read-only.",
                "Inherits from entity. Read-only.",
            ),
            (
                "Use `$select` <br><br>Returned by default.",
                "Use `$select`\n\nReturned by default.",
            ),
            (
                "See [a] and <b> and x_y",
                "See \\[a\\] and \\<b\\> and x\\_y",
            ),
            ("```\nfn main() {}\n```", "```text\nfn main() {}\n```"),
            (
                "See https://aka.ms/graph, or <https://graph.microsoft.com/v1.0>.",
                "See <https://aka.ms/graph>, or <https://graph.microsoft.com/v1.0>.",
            ),
            (
                "```json\n{\"a\": 1}\n```",
                "```json,ignore\n{\"a\": 1}\n```",
            ),
            (
                "*/ and \"quotes\" and #[attr]",
                "\\*/ and \"quotes\" and \\#\\[attr\\]",
            ),
            (
                "A copy of an [driveItem][item-resource], or [this][].",
                "A copy of an driveItem, or this.",
            ),
            ("", ""),
        ];
        for (markdown, expected) in cases {
            assert_eq!(rustdoc_markdown(markdown), expected, "{markdown:?}");
        }
    }

    #[test]
    fn docs_come_back_as_comments_at_their_indentation() {
        start_piece();
        let first = doc_attrs("a\n\nb");
        let second = doc_attrs("c");
        let formatted = crate::emit::format_file(quote! {
            #first
            pub struct A;
            impl A {
                #second
                pub fn c() {}
            }
        });
        let restored = restore_docs(&formatted);
        assert_eq!(
            restored,
            "/// a\n///\n/// b\npub struct A;\nimpl A {\n    /// c\n    pub fn c() {}\n}\n"
        );
    }
}

//! Page markdown → rustdoc text that is safe to embed: relative links become plain text (they
//! point into the docs tree, not into the crate), code blocks are fenced as `text` so page
//! snippets never become doctests, and brackets and angle brackets are escaped so page text
//! cannot form intra-doc links or HTML tags. Done on pulldown-cmark events, not with regexes.

use proc_macro2::TokenStream;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use quote::quote;

/// Rewrites page markdown as safe rustdoc markdown.
pub fn rustdoc_markdown(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_code_block = false;
    let mut list_depth: usize = 0;
    for event in Parser::new(markdown) {
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

/// `#[doc = " line"]` attributes, one per line, so prettyplease prints them as `///` comments.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
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
            ("", ""),
        ];
        for (markdown, expected) in cases {
            assert_eq!(rustdoc_markdown(markdown), expected, "{markdown:?}");
        }
    }

    #[test]
    fn doc_attrs_are_one_per_line() {
        let tokens = doc_attrs("a\n\nb").to_string();
        assert_eq!(tokens.matches("doc").count(), 3, "{tokens}");
    }
}

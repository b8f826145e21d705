//! The `---` delimited front matter at the top of a page.
//!
//! Graph pages use a flat subset of YAML (`key: "value"`), often hand-edited: unquoted values,
//! single quotes, stray lines, a missing closing `---`. A YAML library would reject a page over
//! one bad line, so this reads `key: value` lines one by one and reports the rest.

use crate::diagnostics::{Code, Sink};

/// One `key: value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub value: String,
    pub offset: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub fields: Vec<Field>,
}

impl FrontMatter {
    /// The value of `key` (case-insensitive), if present and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case(key))
            .map(|f| f.value.as_str())
            .filter(|v| !v.is_empty())
    }

    pub fn title(&self) -> Option<&str> {
        self.get("title")
    }

    pub fn description(&self) -> Option<&str> {
        self.get("description")
    }

    pub fn doc_type(&self) -> Option<&str> {
        self.get("doc_type")
    }

    pub fn ms_prod(&self) -> Option<&str> {
        self.get("ms.prod")
    }
}

/// Reads the front matter at the start of `text` (after an optional BOM). Returns it and the
/// byte offset where the markdown body starts.
pub fn parse(text: &str, sink: &mut Sink<'_>) -> (FrontMatter, usize) {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut lines = LinesWithOffsets::new(text, start);
    match lines.next() {
        Some((_, first)) if first.trim_end() == "---" => {}
        _ => return (FrontMatter::default(), start),
    }
    let mut front_matter = FrontMatter::default();
    let mut pending_key: Option<usize> = None;
    while let Some((offset, line)) = lines.next() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return (front_matter, lines.position);
        }
        if trimmed.is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        // A YAML list item or continuation line belongs to the previous key.
        if line.starts_with([' ', '\t']) || trimmed.starts_with("- ") {
            match pending_key.and_then(|i| front_matter.fields.get_mut(i)) {
                Some(field) => {
                    let item = unquote(trimmed.trim_start().trim_start_matches("- ").trim());
                    if !field.value.is_empty() {
                        field.value.push(' ');
                    }
                    field.value.push_str(item);
                }
                None => sink.warn(
                    Code::FrontMatter,
                    offset,
                    "front matter line belongs to no key",
                ),
            }
            continue;
        }
        match trimmed.split_once(':') {
            Some((key, value)) if is_key(key) => {
                front_matter.fields.push(Field {
                    key: key.trim().to_owned(),
                    value: unquote(value.trim()).to_owned(),
                    offset,
                });
                pending_key = Some(front_matter.fields.len() - 1);
            }
            _ => sink.warn(
                Code::FrontMatter,
                offset,
                format!(
                    "front matter line is not `key: value`: `{}`",
                    truncate(trimmed, 60)
                ),
            ),
        }
    }
    sink.warn(
        Code::FrontMatter,
        start,
        "front matter is not closed with `---`; the whole page was read as front matter",
    );
    (front_matter, text.len())
}

fn is_key(key: &str) -> bool {
    let key = key.trim();
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Lines of `text` from `start`, each with its byte offset and without its line ending.
struct LinesWithOffsets<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> LinesWithOffsets<'a> {
    fn new(text: &'a str, start: usize) -> Self {
        LinesWithOffsets {
            text,
            position: start,
        }
    }
}

impl<'a> Iterator for LinesWithOffsets<'a> {
    /// The line's offset, and the line without `\n` / `\r\n`.
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.position..).filter(|r| !r.is_empty())?;
        let offset = self.position;
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.position += advance;
        Some((offset, line.strip_suffix('\r').unwrap_or(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineIndex;

    fn read(text: &str) -> (FrontMatter, usize, Vec<String>) {
        let lines = LineIndex::new(text);
        let mut sink = Sink::new("t.md", &lines);
        let (fm, body) = parse(text, &mut sink);
        let messages = sink
            .into_diagnostics()
            .into_iter()
            .map(|d| d.message)
            .collect();
        (fm, body, messages)
    }

    #[test]
    fn reads_quoted_unquoted_and_single_quoted_values() {
        let text = "---\ntitle: \"Add shared\"\nms.prod: cloud-printing\nauthor: 'x y'\ndoc_type: apiPageType\n---\n# Add";
        let (fm, body, messages) = read(text);
        assert_eq!(fm.title(), Some("Add shared"));
        assert_eq!(fm.ms_prod(), Some("cloud-printing"));
        assert_eq!(fm.get("author"), Some("x y"));
        assert_eq!(fm.doc_type(), Some("apiPageType"));
        assert_eq!(&text[body..], "# Add");
        assert!(messages.is_empty(), "{messages:?}");
    }

    #[test]
    fn tolerates_bom_crlf_and_bad_lines() {
        let text =
            "\u{feff}---\r\ntitle: \"T\"\r\nthis is not yaml\r\nms.prod: \"\"\r\n---\r\nbody";
        let (fm, body, messages) = read(text);
        assert_eq!(fm.title(), Some("T"));
        assert_eq!(fm.ms_prod(), None, "empty values read as absent");
        assert_eq!(&text[body..], "body");
        assert_eq!(messages.len(), 1, "{messages:?}");
    }

    #[test]
    fn unterminated_front_matter_is_reported() {
        let (fm, body, messages) = read("---\ntitle: x\n# Heading");
        assert_eq!(fm.title(), Some("x"));
        assert_eq!(body, "---\ntitle: x\n# Heading".len());
        assert!(
            messages.iter().any(|m| m.contains("not closed")),
            "{messages:?}"
        );
    }

    #[test]
    fn no_front_matter_means_body_starts_at_zero() {
        let (fm, body, messages) = read("# Title\n---\n");
        assert!(fm.fields.is_empty());
        assert_eq!(body, 0);
        assert!(messages.is_empty());
        assert_eq!(read("").1, 0);
    }

    #[test]
    fn list_values_join_onto_their_key() {
        let (fm, _, messages) = read("---\nkeywords:\n  - a\n  - b\n---\n");
        assert_eq!(fm.get("keywords"), Some("a b"));
        assert!(messages.is_empty(), "{messages:?}");
    }
}

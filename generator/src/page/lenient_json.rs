//! Lenient reading of the JSON found in Graph reference pages.
//!
//! The JSON annotations in HTML comments (`<!-- { "blockType": "request", } -->`) and the
//! example request and response bodies are written by hand, so they are often not strict
//! JSON: trailing commas, comments, elided content, smart or single quotes, unquoted keys.
//! [`read_lenient`] first tries strict JSON (most inputs are strict). When that fails, it
//! rewrites the text into strict JSON in a single linear, iterative pass and hands the result
//! to `serde_json`, whose recursion limit guards against deep nesting. Every repair is
//! reported with its position, so a caller can warn about a sloppy page instead of silently
//! accepting it, and errors point into the original text.
//!
//! Rules worth knowing (chosen to keep the rewrite predictable):
//! - An ellipsis (`...`, `…`, or a longer run of dots) outside a string is elision: it is
//!   removed and the result is marked `truncated`. Where it stands for a member's value
//!   (`"a": ...`) it becomes `null`, keeping the key, which is what a generator needs.
//! - A comment counts as elision when it contains `...` or `…`, or one of the words "more",
//!   "truncated", "omitted" or "etc" (case-insensitive, whole words).
//! - Comma fixes caused by an elision (the comma left before `}` by `"id": "1", ...`, or a
//!   comma an elision stood in for) are part of that elision and are not reported separately.
//! - A missing comma is inserted only between values on separate lines (or separated by an
//!   elision): `[1 2]` stays an error, so garbage is not silently accepted.
//! - Unquoted words are quoted only in key position; a bare word value other than `true`,
//!   `false`, `null` or a number stays an error.
//! - Text wrapped in an HTML comment (`<!-- ... -->`) is read from inside it; the wrapper is
//!   an envelope, not a defect, so it is not reported as a repair.
//! - Unicode whitespace (such as a no-break space) and a byte-order mark between tokens are
//!   ignored without a repair.
//! - An error at the end of the input (unterminated string, unclosed bracket) points to the
//!   end of the input.

use serde_json::error::Category;
use serde_json::Value;

/// How a lenient read went: the value (if any), what had to be repaired, and why it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct LenientJson {
    pub value: Option<serde_json::Value>,
    /// Repairs applied, in source order, each with the byte offset (in the input) where it applied.
    pub repairs: Vec<Repair>,
    /// True when the text elides content (`...`, `…`, or comments like `// more properties`) — a truncated example, which is not an error.
    pub truncated: bool,
    /// Why no value could be produced: byte offset into the input, and a message.
    pub error: Option<JsonError>,
}

/// One repair applied while reading leniently.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    /// Byte offset in the input where the repair applied.
    pub offset: usize,
    pub kind: RepairKind,
}

/// The kinds of non-strict JSON that [`read_lenient`] repairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairKind {
    /// A comma before `}` or `]` removed; also a stray comma (doubled, or right after `[`/`{`).
    TrailingComma,
    /// A comma inserted between two values or members on separate lines.
    MissingComma,
    /// A `//` or `/* */` comment removed.
    Comment,
    /// An elision (`...`, `…`) removed, or replaced by `null` where it was a member's value.
    Ellipsis,
    /// A string delimited by typographic quotes (“ ” ‘ ’) rewritten with `"`.
    SmartQuotes,
    /// A `'...'` string rewritten with `"`.
    SingleQuotes,
    /// A bare identifier in key position quoted.
    UnquotedKey,
}

impl RepairKind {
    /// A short human-readable description, for diagnostics.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::TrailingComma => "trailing comma removed",
            Self::MissingComma => "missing comma inserted",
            Self::Comment => "comment removed",
            Self::Ellipsis => "ellipsis removed",
            Self::SmartQuotes => "smart quotes replaced by straight quotes",
            Self::SingleQuotes => "single-quoted string double-quoted",
            Self::UnquotedKey => "unquoted key quoted",
        }
    }
}

/// Why a lenient read produced no value.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    /// Byte offset into the input (always on a char boundary).
    pub offset: usize,
    pub message: String,
}

impl LenientJson {
    fn failed(offset: usize, message: impl Into<String>) -> Self {
        Self {
            value: None,
            repairs: Vec::new(),
            truncated: false,
            error: Some(JsonError {
                offset,
                message: message.into(),
            }),
        }
    }

    fn strict(value: Value) -> Self {
        Self {
            value: Some(value),
            repairs: Vec::new(),
            truncated: false,
            error: None,
        }
    }
}

/// Reads `text` leniently. Never panics on any input.
#[must_use]
pub fn read_lenient(text: &str) -> LenientJson {
    // Fast path: most inputs are strict, and strict JSON must read exactly as serde_json reads it.
    if let Ok(value) = serde_json::from_str(text) {
        return LenientJson::strict(value);
    }
    let (body, base) = strip_html_comment(text);
    if body.trim().is_empty() {
        return LenientJson::failed(base, "empty input");
    }
    if body.len() != text.len() {
        if let Ok(value) = serde_json::from_str(body) {
            return LenientJson::strict(value);
        }
    }

    let rewritten = Rewriter::new(body).run();
    let mut result = LenientJson {
        value: None,
        repairs: rewritten
            .repairs
            .into_iter()
            .map(|repair| Repair {
                offset: base + repair.offset,
                kind: repair.kind,
            })
            .collect(),
        truncated: rewritten.truncated,
        error: None,
    };
    if rewritten.json.is_empty() {
        result.error = Some(JsonError {
            offset: base,
            message: "no JSON value: only comments or elisions".to_owned(),
        });
        return result;
    }
    match serde_json::from_str(&rewritten.json) {
        Ok(value) => result.value = Some(value),
        Err(err) => {
            let offset = if err.classify() == Category::Eof {
                body.len()
            } else {
                let out = offset_of(&rewritten.json, err.line(), err.column());
                floor_char_boundary(body, input_offset(&rewritten.segments, out))
            };
            result.error = Some(JsonError {
                offset: base + offset,
                message: message_of(&err),
            });
        }
    }
    result
}

/// Maps `serde_json`'s 1-based line/column in `json` to a byte offset (helper used for error positions).
///
/// `serde_json` counts columns in bytes and reports the column of the offending byte; line 0
/// (no position) maps to 0. The result is clamped to `json` and floored to a char boundary.
#[must_use]
pub fn offset_of(json: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start = if line == 1 {
        0
    } else {
        json.bytes()
            .enumerate()
            .filter(|&(_, byte)| byte == b'\n')
            .nth(line - 2)
            .map_or(json.len(), |(at, _)| at + 1)
    };
    floor_char_boundary(json, line_start.saturating_add(column.saturating_sub(1)))
}

/// The largest char boundary of `text` at or before `offset` (clamped to the length).
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `serde_json`'s message without its " at line L column C" suffix, which would refer to the
/// rewritten text rather than the input.
fn message_of(err: &serde_json::Error) -> String {
    let mut message = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    if let Some(len) = message.strip_suffix(&suffix).map(str::len) {
        message.truncate(len);
    }
    message
}

/// Splits off an HTML comment envelope (`<!-- ... -->`), returning the inside and its offset.
fn strip_html_comment(text: &str) -> (&str, usize) {
    let Some(inner) = text.trim_start().strip_prefix("<!--") else {
        return (text, 0);
    };
    let base = text.len() - inner.len();
    let inner = inner.trim_end();
    (inner.strip_suffix("-->").unwrap_or(inner), base)
}

/// Whether a comment's text says that content was left out.
fn is_elision_comment(comment: &str) -> bool {
    comment.contains("...")
        || comment.contains('…')
        || comment.split(|c: char| !c.is_alphanumeric()).any(|word| {
            ["more", "truncated", "omitted", "etc"]
                .iter()
                .any(|elision| word.eq_ignore_ascii_case(elision))
        })
}

/// Characters of bare words: numbers, literals and unquoted keys such as `@odata.type`.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '$' | '@' | '.' | '-' | '+')
}

/// Maps an offset in the rewritten text back to an offset in the input.
fn input_offset(segments: &[Segment], out: usize) -> usize {
    let index = segments.partition_point(|segment| segment.out <= out);
    match index.checked_sub(1).and_then(|i| segments.get(i)) {
        Some(segment) if segment.verbatim => segment.input + (out - segment.out),
        Some(segment) => segment.input,
        None => 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

impl Container {
    /// What comes first in a member of this container.
    fn member_start(self) -> Expect {
        match self {
            Self::Object => Expect::Key,
            Self::Array => Expect::Value,
        }
    }
}

/// What the rewriter expects next; it drives which repairs apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    Key,
    Colon,
    /// After a value: a comma or the closing bracket (or, at top level, the end).
    CommaOrClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Open(Container),
    Close(Container),
    Colon,
    Comma,
    /// A `"` string, copied verbatim.
    Str,
    /// A single- or smart-quoted string, already converted into `Rewriter::scratch`.
    ConvertedStr,
    /// A bare word: number, literal, or unquoted key.
    Word,
    Ellipsis,
    /// Anything else; copied verbatim so that `serde_json` reports it where it is.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Lexeme {
    token: Token,
    start: usize,
    end: usize,
}

/// A piece of the rewritten text and where it came from in the input. A verbatim piece maps
/// byte for byte; an inserted or converted one maps to its start.
#[derive(Debug, Clone, Copy)]
struct Segment {
    out: usize,
    input: usize,
    verbatim: bool,
}

struct Rewritten {
    json: String,
    segments: Vec<Segment>,
    repairs: Vec<Repair>,
    truncated: bool,
}

/// The single-pass lexer and rewriter. Nesting lives in `stack`, never on the call stack.
struct Rewriter<'a> {
    text: &'a str,
    pos: usize,
    out: String,
    segments: Vec<Segment>,
    repairs: Vec<Repair>,
    truncated: bool,
    stack: Vec<Container>,
    expect: Expect,
    /// A comma held back until we know whether a member follows it (else it is trailing).
    pending_comma: Option<usize>,
    /// A line break separates the previous token from the next.
    gap_newline: bool,
    /// Something was elided between the previous token and the next.
    gap_elided: bool,
    /// Input offset just past the previous token.
    last_end: usize,
    /// The last thing emitted was a bare word, so another must be separated by a space.
    last_was_word: bool,
    /// The converted text of the current `ConvertedStr` lexeme.
    scratch: String,
}

impl<'a> Rewriter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            out: String::with_capacity(text.len() + text.len() / 8),
            segments: Vec::new(),
            repairs: Vec::new(),
            truncated: false,
            stack: Vec::new(),
            expect: Expect::Value,
            pending_comma: None,
            gap_newline: false,
            gap_elided: false,
            last_end: 0,
            last_was_word: false,
            scratch: String::new(),
        }
    }

    fn run(mut self) -> Rewritten {
        while let Some(lexeme) = self.next_lexeme() {
            self.process(lexeme);
        }
        // Comma repairs are decided after the comments or elisions that follow them.
        self.repairs.sort_by_key(|repair| repair.offset);
        Rewritten {
            json: self.out,
            segments: self.segments,
            repairs: self.repairs,
            truncated: self.truncated,
        }
    }

    fn repair(&mut self, offset: usize, kind: RepairKind) {
        self.repairs.push(Repair { offset, kind });
    }

    fn rest(&self, at: usize) -> &'a str {
        self.text.get(at..).unwrap_or("")
    }

    // ---- Lexing ----

    fn next_lexeme(&mut self) -> Option<Lexeme> {
        self.skip_trivia();
        let start = self.pos;
        let c = self.rest(start).chars().next()?;
        let (token, end) = match c {
            '{' => (Token::Open(Container::Object), start + 1),
            '[' => (Token::Open(Container::Array), start + 1),
            '}' => (Token::Close(Container::Object), start + 1),
            ']' => (Token::Close(Container::Array), start + 1),
            ':' => (Token::Colon, start + 1),
            ',' => (Token::Comma, start + 1),
            '"' => (Token::Str, self.double_quoted_end(start)),
            '\'' => (
                Token::ConvertedStr,
                self.convert_string(start, RepairKind::SingleQuotes, &['\'']),
            ),
            '“' | '”' => (
                Token::ConvertedStr,
                self.convert_string(start, RepairKind::SmartQuotes, &['“', '”', '"']),
            ),
            '‘' | '’' => (
                Token::ConvertedStr,
                self.convert_string(start, RepairKind::SmartQuotes, &['‘', '’', '\'']),
            ),
            '…' => (Token::Ellipsis, self.ellipsis_end(start)),
            '.' if self.rest(start).starts_with("...") => {
                (Token::Ellipsis, self.ellipsis_end(start))
            }
            c if is_word_char(c) => (Token::Word, self.word_end(start)),
            c => (Token::Other, start + c.len_utf8()),
        };
        self.pos = end;
        Some(Lexeme { token, start, end })
    }

    /// Skips whitespace and comments, noting line breaks, comments and elisions.
    fn skip_trivia(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(self.pos) {
            match byte {
                b'\n' | b'\r' => {
                    self.gap_newline = true;
                    self.pos += 1;
                }
                b' ' | b'\t' | 0x0b | 0x0c => self.pos += 1,
                b'/' if bytes.get(self.pos + 1) == Some(&b'/') => {
                    let body = self.pos + 2;
                    let end = self
                        .rest(body)
                        .find(['\n', '\r'])
                        .map_or(self.text.len(), |at| body + at);
                    self.comment(self.pos, body, end);
                    self.pos = end;
                }
                b'/' if bytes.get(self.pos + 1) == Some(&b'*') => {
                    let body = self.pos + 2;
                    let (body_end, end) = match self.rest(body).find("*/") {
                        Some(at) => (body + at, body + at + 2),
                        None => (self.text.len(), self.text.len()),
                    };
                    self.comment(self.pos, body, body_end);
                    self.pos = end;
                }
                0x80.. => match self.rest(self.pos).chars().next() {
                    Some(c) if c.is_whitespace() || c == '\u{feff}' => {
                        // U+0085, U+2028 and U+2029 are line breaks too.
                        self.gap_newline |= matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}');
                        self.pos += c.len_utf8();
                    }
                    _ => return,
                },
                _ => return,
            }
        }
    }

    fn comment(&mut self, start: usize, body_start: usize, body_end: usize) {
        self.repair(start, RepairKind::Comment);
        let body = self.text.get(body_start..body_end).unwrap_or("");
        self.gap_newline |= body.contains(['\n', '\r']);
        if is_elision_comment(body) {
            self.truncated = true;
            self.gap_elided = true;
        }
    }

    /// End of a `"` string: after its closing quote, or the end of the input if unterminated.
    /// Scanning bytes is safe: `"` and `\` never occur inside multi-byte characters.
    fn double_quoted_end(&self, start: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut at = start + 1;
        while let Some(&byte) = bytes.get(at) {
            match byte {
                b'"' => return at + 1,
                b'\\' => at += 2,
                _ => at += 1,
            }
        }
        self.text.len()
    }

    /// Converts a string opened by a non-`"` quote at `start` into `scratch` as a `"` string
    /// and returns its end. `closers` are the quotes that end it. An unterminated string gets
    /// no closing quote, so `serde_json` reports it.
    fn convert_string(&mut self, start: usize, kind: RepairKind, closers: &[char]) -> usize {
        self.repair(start, kind);
        let text = self.text;
        let mut chars = text.get(start..).unwrap_or("").char_indices().skip(1);
        self.scratch.clear();
        self.scratch.push('"');
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    // `\'` and escaped smart quotes are not JSON escapes: unescape them.
                    Some((_, quote))
                        if quote != '"' && (quote == '\'' || closers.contains(&quote)) =>
                    {
                        self.scratch.push(quote);
                    }
                    Some((_, escaped)) => {
                        self.scratch.push('\\');
                        self.scratch.push(escaped);
                    }
                    None => self.scratch.push('\\'),
                },
                c if closers.contains(&c) => {
                    self.scratch.push('"');
                    return start + at + c.len_utf8();
                }
                '"' => self.scratch.push_str("\\\""),
                c => self.scratch.push(c),
            }
        }
        text.len()
    }

    fn ellipsis_end(&self, start: usize) -> usize {
        let rest = self.rest(start);
        rest.char_indices()
            .find(|&(_, c)| c != '.' && c != '…')
            .map_or(self.text.len(), |(at, _)| start + at)
    }

    /// End of a bare word; an ellipsis right after it (`1...`) is not part of it.
    fn word_end(&self, start: usize) -> usize {
        let rest = self.rest(start);
        rest.char_indices()
            .find(|&(at, c)| {
                !is_word_char(c)
                    || (c == '.' && rest.get(at..).is_some_and(|r| r.starts_with("...")))
            })
            .map_or(self.text.len(), |(at, _)| start + at)
    }

    // ---- Rewriting ----

    fn process(&mut self, lexeme: Lexeme) {
        match lexeme.token {
            Token::Ellipsis => return self.elide(lexeme),
            Token::Comma => {
                if self.comma(lexeme) {
                    // A dropped stray comma is like whitespace: the gap goes on.
                    return;
                }
            }
            Token::Close(_) => self.close(lexeme),
            Token::Colon => {
                self.emit_lexeme(lexeme);
                if self.expect == Expect::Colon {
                    self.expect = Expect::Value;
                }
            }
            _ => self.value(lexeme),
        }
        self.gap_newline = false;
        self.gap_elided = false;
        self.last_end = lexeme.end;
    }

    fn elide(&mut self, lexeme: Lexeme) {
        self.truncated = true;
        self.repair(lexeme.start, RepairKind::Ellipsis);
        if self.expect == Expect::Value && self.stack.last() == Some(&Container::Object) {
            // `"key": ...`: keep the key, with `null` for the elided value.
            self.emit("null", lexeme.start, false, true);
            self.expect = Expect::CommaOrClose;
            self.last_end = lexeme.end;
            self.gap_newline = false;
        }
        self.gap_elided = true;
    }

    /// Handles a comma; returns whether it was dropped as stray.
    fn comma(&mut self, lexeme: Lexeme) -> bool {
        let Some(&container) = self.stack.last() else {
            self.emit_lexeme(lexeme);
            return false;
        };
        match self.expect {
            Expect::CommaOrClose => {
                self.pending_comma = Some(lexeme.start);
                self.expect = container.member_start();
            }
            // A doubled comma, or one right after `[`/`{`: drop it.
            expect if expect == container.member_start() => {
                if !self.gap_elided {
                    self.repair(lexeme.start, RepairKind::TrailingComma);
                }
                return true;
            }
            _ => self.emit_lexeme(lexeme),
        }
        false
    }

    fn close(&mut self, lexeme: Lexeme) {
        if let Some(comma) = self.pending_comma.take() {
            if !self.gap_elided {
                self.repair(comma, RepairKind::TrailingComma);
            }
        }
        self.emit_lexeme(lexeme);
        self.stack.pop();
        self.expect = Expect::CommaOrClose;
    }

    /// A token that starts a value or a key.
    fn value(&mut self, lexeme: Lexeme) {
        if self.expect == Expect::CommaOrClose && (self.gap_newline || self.gap_elided) {
            if let Some(&container) = self.stack.last() {
                if !self.gap_elided {
                    self.repair(self.last_end, RepairKind::MissingComma);
                }
                self.emit(",", self.last_end, false, false);
                self.expect = container.member_start();
            }
        }
        if let Some(comma) = self.pending_comma.take() {
            self.emit(",", comma, true, false);
        }
        let is_key = self.expect == Expect::Key;
        if is_key && lexeme.token == Token::Word {
            self.repair(lexeme.start, RepairKind::UnquotedKey);
            let word = self.text.get(lexeme.start..lexeme.end).unwrap_or("");
            self.emit("\"", lexeme.start, false, false);
            self.emit(word, lexeme.start, true, false);
            self.emit("\"", lexeme.end, false, false);
            self.expect = Expect::Colon;
            return;
        }
        self.emit_lexeme(lexeme);
        self.expect = match lexeme.token {
            Token::Open(container) => {
                self.stack.push(container);
                container.member_start()
            }
            Token::Str | Token::ConvertedStr if is_key => Expect::Colon,
            _ => Expect::CommaOrClose,
        };
    }

    fn emit_lexeme(&mut self, lexeme: Lexeme) {
        if lexeme.token == Token::ConvertedStr {
            let converted = std::mem::take(&mut self.scratch);
            self.emit(&converted, lexeme.start, false, false);
            self.scratch = converted;
        } else {
            let text = self.text.get(lexeme.start..lexeme.end).unwrap_or("");
            self.emit(text, lexeme.start, true, lexeme.token == Token::Word);
        }
    }

    /// Appends `text`, recording where it came from. Two bare words in a row are separated
    /// by a space, so `1 2` does not become `12`.
    fn emit(&mut self, text: &str, input: usize, verbatim: bool, word: bool) {
        if word && self.last_was_word {
            self.segments.push(Segment {
                out: self.out.len(),
                input,
                verbatim: false,
            });
            self.out.push(' ');
        }
        // A verbatim piece that continues the previous one in both texts extends it.
        let extends = self.segments.last().is_some_and(|last| {
            verbatim && last.verbatim && last.input + (self.out.len() - last.out) == input
        });
        if !extends {
            self.segments.push(Segment {
                out: self.out.len(),
                input,
                verbatim,
            });
        }
        self.out.push_str(text);
        self.last_was_word = word;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};
    use RepairKind::*;

    /// What a table case expects.
    enum Want {
        /// A value (as strict JSON text), the repair kinds in order, and `truncated`.
        Value(&'static str, &'static [RepairKind], bool),
        /// An error at this input offset whose message contains this text.
        Error(usize, &'static str),
    }

    fn ok(json: &'static str, repairs: &'static [RepairKind]) -> Want {
        Want::Value(json, repairs, false)
    }

    fn cut(json: &'static str, repairs: &'static [RepairKind]) -> Want {
        Want::Value(json, repairs, true)
    }

    fn err(offset: usize, message: &'static str) -> Want {
        Want::Error(offset, message)
    }

    const TRUNCATED_EXAMPLE: &str = r#"{
  "value": [
    {
      "id": "1",
      ...
    }
  ]
}"#;

    const EVERYTHING: &str = "<!-- {\n  blockType: 'request', // the kind\n  “name”: ‘get-user’,\n  \"tags\": [\"a\", \"b\",]\n  \"sample\": {\"id\": \"1\", …}\n  \"rest\": ...\n} -->";

    fn cases() -> Vec<(&'static str, Want)> {
        vec![
            // Strict fast path.
            (
                r#"{"a": 1, "b": [true, false, null], "c": "x\"y"}"#,
                ok(r#"{"a":1,"b":[true,false,null],"c":"x\"y"}"#, &[]),
            ),
            ("  [1, 2.5e3, -0]\n", ok("[1, 2500.0, -0]", &[])),
            (r#""just a string""#, ok(r#""just a string""#, &[])),
            (
                r#"{"a": "... // not a comment /* */ 'x' “y”"}"#,
                ok(r#"{"a": "... // not a comment /* */ 'x' “y”"}"#, &[]),
            ),
            // Trailing and stray commas.
            (r#"{"a": 1,}"#, ok(r#"{"a":1}"#, &[TrailingComma])),
            ("[1, 2, ]", ok("[1,2]", &[TrailingComma])),
            ("[,1]", ok("[1]", &[TrailingComma])),
            ("[1,,2]", ok("[1,2]", &[TrailingComma])),
            (r#"{,"a":1}"#, ok(r#"{"a":1}"#, &[TrailingComma])),
            (
                "[[1,],[2,],]",
                ok("[[1],[2]]", &[TrailingComma, TrailingComma, TrailingComma]),
            ),
            // Missing commas.
            (
                "{\"a\": 1\n\"b\": 2}",
                ok(r#"{"a":1,"b":2}"#, &[MissingComma]),
            ),
            ("[{}\n{}]", ok("[{},{}]", &[MissingComma])),
            ("[1\r\n2]", ok("[1,2]", &[MissingComma])),
            (
                "{\"a\": {\"x\": 1}\n \"b\": [1]\n \"c\": \"z\"}",
                ok(
                    r#"{"a":{"x":1},"b":[1],"c":"z"}"#,
                    &[MissingComma, MissingComma],
                ),
            ),
            (
                "[1 /* two\nlines */ 2]",
                ok("[1,2]", &[MissingComma, Comment]),
            ),
            ("[1 2]", err(3, "expected")),
            ("{\"a\": 1 \"b\": 2}", err(8, "expected")),
            // Comments.
            ("{\"a\": 1 // note\n}", ok(r#"{"a":1}"#, &[Comment])),
            (
                "/* header */ {\"a\": /* inline */ 1}",
                ok(r#"{"a":1}"#, &[Comment, Comment]),
            ),
            (
                "{\"a\": 1, // more properties\n}",
                cut(r#"{"a":1}"#, &[Comment]),
            ),
            (
                "{\"a\": 1, // note\n}",
                ok(r#"{"a":1}"#, &[TrailingComma, Comment]),
            ),
            (
                "{\"a\": 1} // trailing comment",
                ok(r#"{"a":1}"#, &[Comment]),
            ),
            ("{\"a\": 1} /* never closed", ok(r#"{"a":1}"#, &[Comment])),
            ("// etc.\n[1]", cut("[1]", &[Comment])),
            ("[1, 2 /* Truncated */]", cut("[1,2]", &[Comment])),
            ("[1 /* moreover, furthermore */]", ok("[1]", &[Comment])),
            ("[1 /* … */]", cut("[1]", &[Comment])),
            (
                "{\"url\": \"http://example.com/*x*/\", }",
                ok(r#"{"url":"http://example.com/*x*/"}"#, &[TrailingComma]),
            ),
            ("[1,2]//x\r3", err(9, "trailing characters")),
            // Ellipses.
            ("[1, 2, ...]", cut("[1,2]", &[Ellipsis])),
            ("[ ... ]", cut("[]", &[Ellipsis])),
            ("{...}", cut("{}", &[Ellipsis])),
            (r#"{"a": ...}"#, cut(r#"{"a":null}"#, &[Ellipsis])),
            (
                r#"{"a": ..., "b": 2}"#,
                cut(r#"{"a":null,"b":2}"#, &[Ellipsis]),
            ),
            (
                "{\"a\": ...\n\"b\": 1}",
                cut(r#"{"a":null,"b":1}"#, &[Ellipsis]),
            ),
            ("[1, …]", cut("[1]", &[Ellipsis])),
            ("[1, …… ]", cut("[1]", &[Ellipsis])),
            ("[1, .......... ]", cut("[1]", &[Ellipsis])),
            ("[1, ..., 5]", cut("[1,5]", &[Ellipsis])),
            ("[..., 5]", cut("[5]", &[Ellipsis])),
            ("[1...]", cut("[1]", &[Ellipsis])),
            (
                "[{\"id\": 1}\n...\n{\"id\": 9}]",
                cut(r#"[{"id":1},{"id":9}]"#, &[Ellipsis]),
            ),
            ("[{...} {...}]", err(7, "expected")),
            (
                "[{...} ... {...}]",
                cut("[{},{}]", &[Ellipsis, Ellipsis, Ellipsis]),
            ),
            (
                r#"{"a": [...], "b": {…}}"#,
                cut(r#"{"a":[],"b":{}}"#, &[Ellipsis, Ellipsis]),
            ),
            (
                TRUNCATED_EXAMPLE,
                cut(r#"{"value":[{"id":"1"}]}"#, &[Ellipsis]),
            ),
            (
                "{\"value\": [\n  {\"id\": \"1\"},\n  ...\n]}",
                cut(r#"{"value":[{"id":"1"}]}"#, &[Ellipsis]),
            ),
            ("{\"a\": 1} ...", cut(r#"{"a":1}"#, &[Ellipsis])),
            ("...", Want::Error(0, "no JSON value")),
            ("[1, ..]", err(4, "expected")),
            // Smart quotes.
            (
                "{“a”: “b”}",
                ok(r#"{"a":"b"}"#, &[SmartQuotes, SmartQuotes]),
            ),
            ("{‘a’: 1}", ok(r#"{"a":1}"#, &[SmartQuotes])),
            ("{“a\": 1}", ok(r#"{"a":1}"#, &[SmartQuotes])),
            (
                "{“a”: “say \\\"hi\\\" 'x'”}",
                ok(r#"{"a":"say \"hi\" 'x'"}"#, &[SmartQuotes, SmartQuotes]),
            ),
            ("[‘it\\’s’]", ok(r#"["it’s"]"#, &[SmartQuotes])),
            (
                "{\"a\": \"“quoted”\", }",
                ok(r#"{"a":"“quoted”"}"#, &[TrailingComma]),
            ),
            // Single quotes.
            (
                "{'a': 'b'}",
                ok(r#"{"a":"b"}"#, &[SingleQuotes, SingleQuotes]),
            ),
            (
                r#"{'a': 'say "hi"'}"#,
                ok(r#"{"a":"say \"hi\""}"#, &[SingleQuotes, SingleQuotes]),
            ),
            (r"['it\'s']", ok(r#"["it's"]"#, &[SingleQuotes])),
            (
                r"['tab\tx\u00e9\\']",
                ok(r#"["tab\txé\\"]"#, &[SingleQuotes]),
            ),
            (
                "['“x”', '']",
                ok(r#"["“x”", ""]"#, &[SingleQuotes, SingleQuotes]),
            ),
            // Unquoted keys.
            ("{a: 1}", ok(r#"{"a":1}"#, &[UnquotedKey])),
            (
                r#"{ blockType: "request", @odata.type: "x", $skip: 1, content-type: 2, _x: 3 }"#,
                ok(
                    r#"{"blockType":"request","@odata.type":"x","$skip":1,"content-type":2,"_x":3}"#,
                    &[UnquotedKey; 5],
                ),
            ),
            (
                "{a: true, b :null, c: -1.5e3}",
                ok(r#"{"a":true,"b":null,"c":-1500.0}"#, &[UnquotedKey; 3]),
            ),
            ("{ é: 1 }", ok(r#"{"é":1}"#, &[UnquotedKey])),
            (
                "{a: 1\n b: 2}",
                ok(
                    r#"{"a":1,"b":2}"#,
                    &[UnquotedKey, MissingComma, UnquotedKey],
                ),
            ),
            (r#"{"a": foo}"#, err(7, "expected ident")),
            ("[a: 1]", err(1, "expected")),
            // Annotation forms.
            (
                r#"<!-- { "blockType": "request", "name": "x", } -->"#,
                ok(r#"{"blockType":"request","name":"x"}"#, &[TrailingComma]),
            ),
            (
                "<!-- {\n  \"blockType\": \"response\",\n  \"truncated\": true\n} -->",
                ok(r#"{"blockType":"response","truncated":true}"#, &[]),
            ),
            (
                r#"<!--{"blockType": "ignored"}-->"#,
                ok(r#"{"blockType":"ignored"}"#, &[]),
            ),
            (
                r#"{ "blockType": "request", "name": "x", }"#,
                ok(r#"{"blockType":"request","name":"x"}"#, &[TrailingComma]),
            ),
            ("<!-- -->", err(4, "empty")),
            (r#"<!-- { "a": x } -->"#, err(12, "expected")),
            // Everything at once.
            (
                EVERYTHING,
                cut(
                    r#"{"blockType":"request","name":"get-user","tags":["a","b"],"sample":{"id":"1"},"rest":null}"#,
                    &[
                        UnquotedKey,
                        SingleQuotes,
                        Comment,
                        SmartQuotes,
                        SmartQuotes,
                        TrailingComma,
                        MissingComma,
                        Ellipsis,
                        MissingComma,
                        Ellipsis,
                    ],
                ),
            ),
            // Unicode whitespace and a byte-order mark are skipped silently.
            ("\u{feff}{\"a\": 1}", ok(r#"{"a":1}"#, &[])),
            (
                "{\"a\":\u{a0}1,\u{2028}\"b\": 2\u{2029}}",
                ok(r#"{"a":1,"b":2}"#, &[]),
            ),
            ("[1\u{2028}2]", ok("[1,2]", &[MissingComma])),
            // Adversarial inputs.
            ("", err(0, "empty")),
            ("  \n\t ", err(0, "empty")),
            ("// only a comment", Want::Error(0, "no JSON value")),
            (r#"{"a": "abc"#, err(10, "EOF")),
            ("\"", err(1, "EOF")),
            ("'", err(1, "EOF")),
            ("“", err(3, "EOF")),
            (r#"{"a":"#, err(5, "EOF")),
            ("[1, 2", err(5, "EOF")),
            ("[1, 2,", err(6, "EOF")),
            ("{'a': 'unterminated}", err(20, "EOF")),
            ("['a\\", err(4, "EOF")),
            (r#"{"a": "\q"}"#, err(8, "invalid escape")),
            (r#"{"a": "\q", }"#, err(8, "invalid escape")),
            ("{\"a\":\0 1}", err(5, "expected value")),
            ("[\"a\0\", ]", err(3, "control character")),
            ("{\"a\": 1} x", err(9, "trailing characters")),
            ("{\"a\": 1}\n{\"b\": 2}", err(9, "trailing characters")),
            ("1 2", err(2, "trailing characters")),
            ("[1] ]", err(4, "trailing characters")),
            ("{\"a\" 1}", err(5, "expected `:`")),
            ("{\"a\": }", err(6, "expected value")),
            ("[}", err(1, "expected value")),
            ("[1,, \"b\": x]", err(8, "expected")),
            ("{'a': 1, b: [1, 2,], \"c\": ?}", err(26, "expected value")),
            ("{“é”: 1, 😀}", err(14, "key must be a string")),
        ]
    }

    #[test]
    fn table() {
        let mut failures = Vec::new();
        for (input, want) in cases() {
            let got = read_lenient(input);
            check_invariants(input, &got);
            let problem = match &want {
                Want::Value(json, repairs, truncated) => {
                    let expected: Value =
                        serde_json::from_str(json).expect("expected value is JSON");
                    let kinds: Vec<RepairKind> = got.repairs.iter().map(|r| r.kind).collect();
                    (got.value.as_ref() != Some(&expected)
                        || kinds != *repairs
                        || got.truncated != *truncated
                        || got.error.is_some())
                    .then(|| format!("want {json} {repairs:?} truncated={truncated}"))
                }
                Want::Error(offset, message) => match &got.error {
                    Some(e)
                        if e.offset == *offset
                            && e.message.contains(message)
                            && got.value.is_none() =>
                    {
                        None
                    }
                    _ => Some(format!("want error at {offset} containing {message:?}")),
                },
            };
            if let Some(problem) = problem {
                failures.push(format!("{input:?}: {problem}\n  got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failing cases:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// What must hold for any input: a value xor an error, and offsets inside the input on
    /// char boundaries, repairs in source order.
    fn check_invariants(input: &str, got: &LenientJson) {
        assert_ne!(
            got.value.is_some(),
            got.error.is_some(),
            "{input:?}: {got:?}"
        );
        if let Some(error) = &got.error {
            assert!(
                error.offset <= input.len() && input.is_char_boundary(error.offset),
                "{input:?}: {got:?}"
            );
            assert!(!error.message.is_empty());
        }
        for repair in &got.repairs {
            assert!(
                repair.offset <= input.len() && input.is_char_boundary(repair.offset),
                "{input:?}: {got:?}"
            );
        }
        assert!(
            got.repairs.windows(2).all(|w| w[0].offset <= w[1].offset),
            "{input:?}: {got:?}"
        );
    }

    #[test]
    fn repair_offsets_point_into_the_input() {
        let input = "{a: 'x', // c\n\"b\": [1, …,],\n\"c\": 2\n“d”: 3,}";
        let got = read_lenient(input);
        let at = |needle: &str| input.find(needle).expect("needle");
        let expected = vec![
            Repair {
                offset: at("a:"),
                kind: UnquotedKey,
            },
            Repair {
                offset: at("'x'"),
                kind: SingleQuotes,
            },
            Repair {
                offset: at("// c"),
                kind: Comment,
            },
            Repair {
                offset: at("…"),
                kind: Ellipsis,
            },
            Repair {
                offset: at("2\n") + 1,
                kind: MissingComma,
            },
            Repair {
                offset: at("“d”"),
                kind: SmartQuotes,
            },
            Repair {
                offset: at("3,") + 1,
                kind: TrailingComma,
            },
        ];
        assert_eq!(got.repairs, expected);
        assert!(got.truncated);
        assert_eq!(
            got.value,
            Some(serde_json::json!({"a": "x", "b": [1], "c": 2, "d": 3}))
        );
    }

    #[test]
    fn errors_in_verbatim_text_match_strict_positions() {
        for input in [
            r#"{"a": x}"#,
            r#"["ok", "bad \u12"]"#,
            "[1, 2}",
            "{\"a\":\n  [1,\n   tru]}",
        ] {
            let strict = serde_json::from_str::<Value>(input).expect_err("invalid");
            let got = read_lenient(input);
            let error = got.error.expect("error");
            assert_eq!(
                error.offset,
                offset_of(input, strict.line(), strict.column()),
                "{input:?}"
            );
            assert_eq!(error.message, message_of(&strict));
        }
    }

    #[test]
    fn offset_of_maps_lines_and_columns() {
        let json = "ab\ncdé\n\nx";
        assert_eq!(offset_of(json, 1, 1), 0);
        assert_eq!(offset_of(json, 1, 2), 1);
        assert_eq!(offset_of(json, 2, 1), 3);
        assert_eq!(offset_of(json, 2, 3), 5);
        assert_eq!(offset_of(json, 2, 4), 5, "floored to the start of é");
        assert_eq!(offset_of(json, 4, 1), 9);
        assert_eq!(offset_of(json, 4, 0), 9);
        assert_eq!(offset_of(json, 9, 9), json.len());
        assert_eq!(offset_of(json, 0, 0), 0);
        assert_eq!(offset_of("", 1, 1), 0);
    }

    #[test]
    fn describe_is_distinct_for_every_kind() {
        let kinds = [
            TrailingComma,
            MissingComma,
            Comment,
            Ellipsis,
            SmartQuotes,
            SingleQuotes,
            UnquotedKey,
        ];
        let mut descriptions: Vec<&str> = kinds.iter().map(|k| k.describe()).collect();
        descriptions.sort_unstable();
        descriptions.dedup();
        assert_eq!(descriptions.len(), kinds.len());
        assert_eq!(TrailingComma.describe(), "trailing comma removed");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let depth = 100_000;
        let inputs = [
            "[".repeat(depth),
            "[".repeat(depth) + &"]".repeat(depth),
            "{\"a\":".repeat(depth),
            "{a:[".repeat(depth) + &"],}".repeat(depth),
            "[...,".repeat(depth),
            "[".repeat(depth) + "'x'" + &",]".repeat(depth),
        ];
        for input in &inputs {
            let got = read_lenient(input);
            check_invariants(input, &got);
            assert!(got.error.is_some(), "nested input must fail");
        }
    }

    /// Generous bound that a linear pass meets easily even unoptimised, and a quadratic one
    /// on megabytes cannot.
    const LINEAR: Duration = Duration::from_secs(20);

    #[test]
    fn five_megabyte_inputs_are_fast() {
        let strict_item = r#"{"id": "0b7a1c", "name": "Ünïcode ✓", "tags": ["a", "b"], "n": 12.5}"#;
        // Separated by line breaks only (missing commas), with a trailing comma at the end.
        let lenient_item = "{id: '0b7a1c', \"name\": “Ünïcode ✓”, // note\n \"tags\": [\"a\", \"b\",], \"rest\": ...}";
        for (item, separator, lenient) in [(strict_item, ", ", false), (lenient_item, "\n", true)] {
            let count = 5_000_000 / item.len() + 1;
            let mut input = format!("[{}", vec![item; count].join(separator));
            input.push_str(if lenient { ",]" } else { "]" });
            assert!(input.len() >= 5_000_000);
            let started = Instant::now();
            let got = read_lenient(&input);
            assert!(started.elapsed() < LINEAR, "took {:?}", started.elapsed());
            let items = got.value.as_ref().and_then(Value::as_array).map(Vec::len);
            assert_eq!(items, Some(count), "{:?}", got.error);
            assert_eq!(got.truncated, lenient);
            assert_eq!(got.repairs.is_empty(), !lenient);
        }
    }

    /// Seventeen inputs of millions of one hostile character each: a quadratic pass on any of
    /// them would take hours, far past [`LINEAR`]. A quarter of the size in a debug build (the
    /// README's test command) proves the same at a quarter of the cost.
    #[test]
    fn megabytes_of_adversarial_input_are_linear() {
        let n = if cfg!(debug_assertions) {
            1_250_000
        } else {
            5_000_000
        };
        let inputs = [
            "'".repeat(n),
            "'a".repeat(n / 2),
            "“".repeat(n / 3),
            format!("\"{}", "\\".repeat(n)),
            "/*".repeat(n / 2),
            "//\n".repeat(n / 3),
            ".".repeat(n),
            "…".repeat(n / 3),
            "a".repeat(n),
            "a.".repeat(n / 2),
            "{a:".repeat(n / 3),
            format!("[{}]", "...,".repeat(n / 4)),
            format!("[{}]", "1\n".repeat(n / 2)),
            ",".repeat(n),
            "]".repeat(n),
            "\0".repeat(n),
            "\u{a0}".repeat(n / 2) + "x",
        ];
        for input in &inputs {
            let started = Instant::now();
            let got = read_lenient(input);
            assert!(
                started.elapsed() < LINEAR,
                "took {:?} on {:?}…",
                started.elapsed(),
                input.chars().take(8).collect::<String>()
            );
            check_invariants(input, &got);
        }
    }

    const SEEDS: &[&str] = &[
        "{a: 'x', // c\n\"b\": [1, …,],\n\"c\": 2\n“d”: ‘e’,}",
        "<!-- { \"blockType\": \"request\", /* x */ \"v\": [..., {...}] } -->",
        "[1.5e3, true, null, \"s\\\"q\", 'it\\'s', x]",
        r#"{"a": "\q", "b": "é"}"#,
    ];

    const MULTI_BYTE: &[&str] = &[
        "é", "…", "“", "”", "’", "😀", "\u{a0}", "\u{feff}", "\u{2028}", "\0",
    ];

    #[test]
    fn multi_byte_characters_anywhere_never_break_offsets() {
        for seed in SEEDS {
            for (at, _) in seed.char_indices().chain([(seed.len(), ' ')]) {
                for insert in MULTI_BYTE {
                    let input = format!("{}{insert}{}", &seed[..at], &seed[at..]);
                    check_invariants(&input, &read_lenient(&input));
                }
            }
        }
    }

    #[test]
    fn every_prefix_reads_without_panicking() {
        for seed in SEEDS.iter().chain([&EVERYTHING, &TRUNCATED_EXAMPLE]) {
            for (at, _) in seed.char_indices() {
                let input = &seed[..at];
                check_invariants(input, &read_lenient(input));
            }
        }
    }

    #[test]
    fn multi_byte_text_around_every_construct_reads() {
        let got = read_lenient("{é: 'ü', “ß”: [1, …, 2,], ‘ø’: \"😀\", /* ✓ */ \"x\": …}");
        assert_eq!(
            got.value,
            Some(serde_json::json!({"é": "ü", "ß": [1, 2], "ø": "😀", "x": null}))
        );
        assert!(got.truncated);
    }
}

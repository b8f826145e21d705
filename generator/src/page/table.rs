//! GFM tables: cells with their links, a role for each column from its header, a kind for the
//! table from its header and section, and typed rows for the kinds the model reads.

use super::type_expr::{parse_type_cell, TypeExpr};
use super::Link;
use crate::diagnostics::{Code, Sink};

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Plain text: markup removed, code spans kept as their content.
    pub text: String,
    /// The cell's markdown source, trimmed.
    pub markdown: String,
    pub links: Vec<Link>,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub offset: usize,
}

/// What a column holds, from its header wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Name,
    Type,
    Description,
    Required,
    Value,
    Other,
}

impl ColumnRole {
    /// The role of a header cell, by the wordings found in the reference pages.
    pub fn from_header(header: &str) -> ColumnRole {
        let header = normalize_header(header);
        match header.as_str() {
            "property" | "property name" | "name" | "parameter" | "parameter name"
            | "relationship" | "relationship name" | "member" | "query parameter" | "header"
            | "method" | "function" | "permission type" => ColumnRole::Name,
            "type" | "return type" | "data type" => ColumnRole::Type,
            "description" | "remarks" | "notes" => ColumnRole::Description,
            "required" | "required (y/n)" | "optional" => ColumnRole::Required,
            "value" | "int value" | "values" => ColumnRole::Value,
            _ => ColumnRole::Other,
        }
    }
}

/// What a table describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Properties,
    Relationships,
    Parameters,
    EnumMembers,
    Headers,
    Permissions,
    Methods,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub name: String,
    pub type_text: String,
    /// `None` when the table has no type column or the type cell could not be read (reported).
    pub ty: Option<TypeExpr>,
    pub description: String,
    pub description_markdown: String,
    /// From a Required column, when the table has one.
    pub required: Option<bool>,
    pub offset: usize,
    /// Offset of the type cell, for diagnostics about the type.
    pub type_offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumMemberRow {
    pub name: String,
    pub value: Option<String>,
    pub description: String,
    pub offset: usize,
}

/// Rows read according to the table's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedRows {
    /// Properties, relationships, parameters and headers: a name, maybe a type, a description.
    Members(Vec<MemberRow>),
    EnumMembers(Vec<EnumMemberRow>),
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: TableKind,
    pub offset: usize,
    pub header: Vec<Cell>,
    pub columns: Vec<ColumnRole>,
    pub rows: Vec<Row>,
    pub typed: TypedRows,
    pub section: Option<super::SectionId>,
    pub annotation: Option<usize>,
}

impl Table {
    pub fn members(&self) -> &[MemberRow] {
        match &self.typed {
            TypedRows::Members(rows) => rows,
            _ => &[],
        }
    }

    pub fn enum_members(&self) -> &[EnumMemberRow] {
        match &self.typed {
            TypedRows::EnumMembers(rows) => rows,
            _ => &[],
        }
    }

    fn column(&self, role: ColumnRole) -> Option<usize> {
        self.columns.iter().position(|&r| r == role)
    }
}

/// Decides the table's kind from its first header and the titles of its enclosing sections
/// (innermost first), then reads its rows accordingly.
pub fn classify(table: &mut Table, section_titles: &[&str], sink: &mut Sink<'_>) {
    table.kind = kind_of(table, section_titles);
    table.typed = match table.kind {
        TableKind::Properties
        | TableKind::Relationships
        | TableKind::Parameters
        | TableKind::Headers => TypedRows::Members(member_rows(table, sink)),
        TableKind::EnumMembers => TypedRows::EnumMembers(enum_rows(table, sink)),
        _ => TypedRows::None,
    };
}

fn kind_of(table: &Table, section_titles: &[&str]) -> TableKind {
    let first = table
        .header
        .first()
        .map(|c| normalize_header(&c.text))
        .unwrap_or_default();
    let has = |role| table.columns.contains(&role);
    let section = section_titles
        .first()
        .map(|t| t.to_ascii_lowercase())
        .unwrap_or_default();
    let under = |word: &str| {
        section_titles
            .iter()
            .any(|t| t.to_ascii_lowercase().contains(word))
    };
    let enum_section =
        section.ends_with("values") || section.ends_with("members") || section == "enum";
    match first.as_str() {
        "permission type" => TableKind::Permissions,
        "method" | "function" if has(ColumnRole::Type) => TableKind::Methods,
        "member" => TableKind::EnumMembers,
        "relationship" | "relationship name" => TableKind::Relationships,
        "property" | "property name" if has(ColumnRole::Type) => TableKind::Properties,
        "parameter" | "parameter name" | "query parameter" if has(ColumnRole::Type) => {
            TableKind::Parameters
        }
        "value" | "name" if enum_section => TableKind::EnumMembers,
        "header" => TableKind::Headers,
        "name" if under("header") => TableKind::Headers,
        "name" if has(ColumnRole::Type) => {
            if under("relationship") {
                TableKind::Relationships
            } else if under("propert") {
                TableKind::Properties
            } else {
                TableKind::Parameters
            }
        }
        _ => TableKind::Other,
    }
}

fn member_rows(table: &Table, sink: &mut Sink<'_>) -> Vec<MemberRow> {
    let name_column = table.column(ColumnRole::Name).unwrap_or(0);
    let type_column = table.column(ColumnRole::Type);
    let description_column = table
        .column(ColumnRole::Description)
        .or_else(|| table.column(ColumnRole::Value));
    let required_column = table.column(ColumnRole::Required);
    let keep_whole_name = table.kind == TableKind::Headers;
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let name = match row.cells.get(name_column) {
            Some(cell) if keep_whole_name => cell.text.trim().to_owned(),
            Some(cell) => member_name(&cell.text),
            // A ragged row too short to reach the name column.
            None => String::new(),
        };
        if name.is_empty() {
            // A blank row is only spacing; a row with content but no name loses that content.
            if row.cells.iter().any(|c| !c.text.trim().is_empty()) {
                sink.warn(
                    Code::TableShape,
                    row.offset,
                    "table row has no name; it is left out",
                );
            }
            continue;
        }
        let type_cell = type_column.and_then(|i| row.cells.get(i));
        let ty = type_cell.and_then(|cell| match parse_type_cell(&cell.text, &cell.links) {
            Ok(ty) => Some(ty),
            Err(text) => {
                let message = if text.is_empty() {
                    format!("`{name}` has no type")
                } else {
                    format!("type of `{name}` is not a known type expression: `{text}`")
                };
                sink.warn(Code::UnknownType, cell.offset, message);
                None
            }
        });
        let description = description_column.and_then(|i| row.cells.get(i));
        rows.push(MemberRow {
            name,
            type_text: type_cell
                .map(|c| c.text.trim().to_owned())
                .unwrap_or_default(),
            ty,
            description: description
                .map(|c| c.text.trim().to_owned())
                .unwrap_or_default(),
            description_markdown: description.map(|c| c.markdown.clone()).unwrap_or_default(),
            required: required_column
                .and_then(|i| row.cells.get(i))
                .and_then(|c| yes_no(&c.text)),
            offset: row.offset,
            type_offset: type_cell.map_or(row.offset, |c| c.offset),
        });
    }
    rows
}

fn enum_rows(table: &Table, sink: &mut Sink<'_>) -> Vec<EnumMemberRow> {
    let name_column = table.column(ColumnRole::Name).unwrap_or(0);
    let value_column = table
        .column(ColumnRole::Value)
        .filter(|&i| i != name_column);
    let description_column = table.column(ColumnRole::Description);
    table
        .rows
        .iter()
        .filter_map(|row| {
            let name = row
                .cells
                .get(name_column)
                .map(|cell| member_name(&cell.text))
                .unwrap_or_default();
            if name.is_empty() && row.cells.iter().any(|c| !c.text.trim().is_empty()) {
                sink.warn(
                    Code::TableShape,
                    row.offset,
                    "enum member row has no name; it is left out",
                );
            }
            (!name.is_empty()).then(|| EnumMemberRow {
                name,
                value: value_column
                    .and_then(|i| row.cells.get(i))
                    .map(|c| c.text.trim().to_owned())
                    .filter(|v| !v.is_empty()),
                description: description_column
                    .and_then(|i| row.cells.get(i))
                    .map(|c| c.text.trim().to_owned())
                    .unwrap_or_default(),
                offset: row.offset,
            })
        })
        .collect()
}

/// The name in a name cell: the first word, without emphasis, code marks or trailing notes
/// (`**id** (deprecated)` → `id`). Underscores are kept: the cell's text has had its markdown
/// emphasis read already, so an underscore left at either end is part of the name (`_id`).
fn member_name(text: &str) -> String {
    let word = text.split_whitespace().next().unwrap_or("");
    let word = word.split('(').next().unwrap_or(word);
    word.trim_matches(|c: char| matches!(c, '*' | '`' | '"' | '\'' | ',' | ':' | '\\'))
        .to_owned()
}

fn yes_no(text: &str) -> Option<bool> {
    match text
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase()
        .as_str()
    {
        "yes" | "y" | "true" | "required" => Some(true),
        "no" | "n" | "false" | "optional" => Some(false),
        _ => None,
    }
}

fn normalize_header(header: &str) -> String {
    header
        .trim()
        .trim_matches(|c: char| matches!(c, '*' | '_' | '?' | ':'))
        .trim()
        .to_ascii_lowercase()
}

/// Counts the cells a table row has in its source line: `|` not preceded by `\`, not counting a
/// leading and trailing pipe. This is how GFM and pulldown-cmark split rows: a pipe inside a
/// code span splits the cell too, and `\\|` is a backslash and an escaped pipe, not an escaped
/// backslash and a delimiter. pulldown-cmark pads or drops cells to the header's count, so
/// ragged rows are only visible in the source.
pub fn source_cell_count(line: &str) -> usize {
    let line = line.trim();
    // Searching for the pipes (memchr) and looking at the byte before each is far faster than
    // walking every char: `\` is ASCII, and no other UTF-8 character contains an ASCII byte.
    let bytes = line.as_bytes();
    let pipes = line
        .match_indices('|')
        .filter(|&(i, _)| i.checked_sub(1).and_then(|before| bytes.get(before)) != Some(&b'\\'))
        .count();
    let leading = usize::from(line.starts_with('|'));
    let trailing = usize::from(line.len() > 1 && line.ends_with('|') && !line.ends_with("\\|"));
    (pipes + 1).saturating_sub(leading + trailing).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineIndex;

    fn cell(text: &str) -> Cell {
        Cell {
            text: text.into(),
            markdown: text.into(),
            links: vec![],
            offset: 0,
        }
    }

    fn table(header: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            kind: TableKind::Other,
            offset: 0,
            header: header.iter().map(|h| cell(h)).collect(),
            columns: header.iter().map(|h| ColumnRole::from_header(h)).collect(),
            rows: rows
                .iter()
                .map(|r| Row {
                    cells: r.iter().map(|c| cell(c)).collect(),
                    offset: 0,
                })
                .collect(),
            typed: TypedRows::None,
            section: None,
            annotation: None,
        }
    }

    fn classified(header: &[&str], rows: &[&[&str]], sections: &[&str]) -> Table {
        let mut t = table(header, rows);
        let lines = LineIndex::new("");
        let mut sink = Sink::new("t.md", &lines);
        classify(&mut t, sections, &mut sink);
        t
    }

    #[test]
    fn kinds_from_header_wordings_and_sections() {
        let cases: Vec<(&[&str], &[&str], TableKind)> = vec![
            (
                &["Property", "Type", "Description"],
                &["Properties"],
                TableKind::Properties,
            ),
            (
                &["Property name", "Type", "Description"],
                &["Request body"],
                TableKind::Properties,
            ),
            (
                &["Relationship", "Type", "Description"],
                &["Relationships"],
                TableKind::Relationships,
            ),
            (
                &["Parameter", "Type", "Description"],
                &["Request body"],
                TableKind::Parameters,
            ),
            (
                &["Parameter", "Type", "Required?", "Description"],
                &["Function parameters"],
                TableKind::Parameters,
            ),
            (
                &["Name", "Type", "Description"],
                &["Query parameters"],
                TableKind::Parameters,
            ),
            (
                &["Name", "Type", "Description"],
                &["Request headers"],
                TableKind::Headers,
            ),
            (
                &["Name", "Description"],
                &["Request headers"],
                TableKind::Headers,
            ),
            (
                &["Header", "Value"],
                &["Request headers"],
                TableKind::Headers,
            ),
            (
                &["Member", "Value", "Description"],
                &["ageGroup values"],
                TableKind::EnumMembers,
            ),
            (&["Member"], &["x values"], TableKind::EnumMembers),
            (
                &["Value", "Description"],
                &["status values", "Properties"],
                TableKind::EnumMembers,
            ),
            (
                &[
                    "Permission type",
                    "Permissions (from least to most privileged)",
                ],
                &["Permissions"],
                TableKind::Permissions,
            ),
            (
                &["Method", "Return Type", "Description"],
                &["Methods"],
                TableKind::Methods,
            ),
            (&["Scenario", "Method"], &["Examples"], TableKind::Other),
        ];
        for (header, sections, expected) in cases {
            assert_eq!(
                classified(header, &[], sections).kind,
                expected,
                "{header:?} under {sections:?}"
            );
        }
    }

    #[test]
    fn member_rows_read_names_types_and_required() {
        let t = classified(
            &["Parameter", "Type", "Required?", "Description"],
            &[
                &["**count**", "Int32", "Yes", "How many."],
                &["since (optional)", "DateTimeOffset", "No", ""],
                &["", "", "", ""],
                &["_leading", "String", "No", ""],
                &["trailing_", "String", "No", ""],
            ],
            &["Function parameters"],
        );
        let rows = t.members();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2].name, "_leading");
        assert_eq!(rows[3].name, "trailing_");
        assert_eq!(rows[0].name, "count");
        assert_eq!(rows[0].required, Some(true));
        assert!(rows[0].ty.is_some());
        assert_eq!(rows[1].name, "since");
        assert_eq!(rows[1].required, Some(false));
    }

    #[test]
    fn enum_rows_read_member_value_description() {
        let t = classified(
            &["Member", "Value", "Description"],
            &[
                &["userDefined", "0", "User defined."],
                &["`fullScreen`", "1", ""],
            ],
            &["Members"],
        );
        let rows = t.enum_members();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].value.as_deref(), Some("0"));
        assert_eq!(rows[1].name, "fullScreen");
    }

    #[test]
    fn source_cells_count_ignores_escaped_pipes() {
        let cases = [
            ("|a|b|c|", 3),
            ("a|b", 2),
            ("| a \\| b | c |", 2),
            ("| `a|b` | c |", 3),
            ("| `a\\|b` | c |", 2),
            ("| a | ends with a backslash \\\\|", 2),
            ("|x|y \\\\| z|", 2),
            ("| a | ends with an escaped pipe \\|", 2),
            ("|a|", 1),
            ("|", 1),
            ("", 1),
        ];
        for (line, expected) in cases {
            assert_eq!(source_cell_count(line), expected, "{line:?}");
        }
    }
}

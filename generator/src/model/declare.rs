//! Pass one: what each page declares (types, enums), before any reference is resolved.

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::page::type_expr::parse_type_name;
use crate::page::{BlockType, MemberRow, Page, PageKind, TableKind, TypeExpr, TypeName, TypeTerm};

use super::account::{Item, ItemKind, Ledger};
use super::{EnumMember, EnumType, Source, TypeKey, TypeOrigin, DEFAULT_NAMESPACE};

/// A property whose type is not resolved yet.
#[derive(Debug, Clone)]
pub(super) struct DraftProperty {
    pub name: String,
    pub ty: DraftType,
    pub description: String,
    pub navigation: bool,
    pub read_only: bool,
    pub required: bool,
    pub nullable: Option<bool>,
    /// Known only from the JSON representation, which also lists inherited properties: it
    /// yields to a base type's table.
    pub from_representation: bool,
    pub source: Source,
    /// The page the property was written on, for resolving same-page anchors.
    pub page: String,
    pub offset: usize,
    /// The table rows that define it: the first is its definition, later ones restate it.
    pub rows: Vec<Item>,
}

/// A type reference as a page wrote it, or as inference found it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum DraftType {
    Written(TypeExpr),
    /// The type cell could not be read; the text is kept for the diagnostic.
    Unreadable(String),
}

/// A complex type whose references are not resolved yet.
#[derive(Debug, Clone)]
pub(super) struct DraftComplex {
    pub key: TypeKey,
    pub name: String,
    pub namespace: String,
    pub description: String,
    /// The area of the page that declares it (its `ms.prod`), if it names one.
    pub area: Option<String>,
    pub base: Option<TypeName>,
    pub key_property: Option<String>,
    pub open_type: bool,
    pub is_abstract: bool,
    pub is_media_entity: bool,
    pub properties: Vec<DraftProperty>,
    pub origin: TypeOrigin,
    pub source: Source,
    pub page: String,
}

/// What every page declares, and how to find a declaration from a link.
#[derive(Debug, Default)]
pub(super) struct Declarations {
    pub types: BTreeMap<TypeKey, DraftComplex>,
    pub enums: BTreeMap<TypeKey, EnumType>,
    /// Page stem → the main type declared on it.
    pub page_types: BTreeMap<String, TypeKey>,
    /// (page stem, heading anchor) → enum declared under that heading.
    pub page_enums: BTreeMap<(String, String), TypeKey>,
    /// (enum, member name) → the table rows that define the member, as for
    /// [`DraftProperty::rows`].
    pub enum_rows: BTreeMap<(TypeKey, String), Vec<Item>>,
    pub ledger: Ledger,
    pub diagnostics: Vec<Diagnostic>,
}

impl Declarations {
    fn report(
        &mut self,
        page: &Page,
        severity: Severity,
        code: Code,
        offset: usize,
        message: String,
    ) {
        let location = page.lines.location(offset);
        self.diagnostics.push(Diagnostic::new(
            severity,
            code,
            page.path.clone(),
            location,
            message,
        ));
    }

    /// Drops `items` under `page-shape`, with one warning at `offset` that says why.
    fn leave_out(
        &mut self,
        page: &Page,
        offset: usize,
        items: impl IntoIterator<Item = Item>,
        message: String,
    ) {
        self.ledger.dropped(Code::PageShape, items);
        self.report(page, Severity::Warning, Code::PageShape, offset, message);
    }

    /// Adds a type; when one with the same key exists the stronger origin wins and the weaker
    /// one's extra properties are merged in.
    pub fn add_type(&mut self, draft: DraftComplex) {
        match self.types.get_mut(&draft.key) {
            None => {
                self.types.insert(draft.key.clone(), draft);
            }
            Some(existing) => merge_types(existing, draft),
        }
    }
}

/// Merges `other` into `existing`, keeping the stronger origin's definitions. Of two resource
/// pages, the one named after the type (`user.md`, not `intune-devices-user.md`) is the type's
/// home, whose description, module and property definitions win; else the first.
pub(super) fn merge_types(existing: &mut DraftComplex, other: DraftComplex) {
    let stronger = other.origin > existing.origin
        || (other.origin == existing.origin && other.is_home() && !existing.is_home());
    let (mut strong, weak) = if stronger {
        (other, std::mem::replace(existing, placeholder()))
    } else {
        (std::mem::replace(existing, placeholder()), other)
    };
    strong.base = strong.base.or(weak.base);
    strong.key_property = strong.key_property.or(weak.key_property);
    if strong.description.is_empty() {
        strong.description = weak.description;
    }
    // Prefer the camelCase spelling a weaker source may have over an all-lower-case one.
    if strong.name.chars().all(|c| !c.is_uppercase())
        && weak.name.eq_ignore_ascii_case(&strong.name)
    {
        strong.name = weak.name;
    }
    strong.area = strong.area.or(weak.area);
    // A resource page is the whole truth about its type (two resource pages for one type are
    // reported and merged); partial sources (a request-body table, examples) complete each other.
    if strong.origin != TypeOrigin::ResourcePage || weak.origin == TypeOrigin::ResourcePage {
        let mut known: std::collections::HashMap<String, usize> = strong
            .properties
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.to_ascii_lowercase(), i))
            .collect();
        for property in weak.properties {
            match known.get(&property.name.to_ascii_lowercase()) {
                Some(&at) => {
                    if let Some(kept) = strong.properties.get_mut(at) {
                        kept.rows.extend(property.rows);
                    }
                }
                None => {
                    known.insert(property.name.to_ascii_lowercase(), strong.properties.len());
                    strong.properties.push(property);
                }
            }
        }
    }
    *existing = strong;
}

impl DraftComplex {
    fn is_home(&self) -> bool {
        self.origin == TypeOrigin::ResourcePage && self.page.eq_ignore_ascii_case(&self.name)
    }
}

fn placeholder() -> DraftComplex {
    DraftComplex {
        key: TypeKey(String::new()),
        name: String::new(),
        namespace: String::new(),
        description: String::new(),
        area: None,
        base: None,
        key_property: None,
        open_type: false,
        is_abstract: false,
        is_media_entity: false,
        properties: Vec::new(),
        origin: TypeOrigin::Example,
        source: Source::default(),
        page: String::new(),
    }
}

pub(super) fn declare(pages: &[Page]) -> Declarations {
    let mut declarations = Declarations::default();
    for page in pages {
        record_rows_left_out(page, &mut declarations.ledger);
        declare_enums(page, &mut declarations);
        match page.kind {
            PageKind::Resource => declare_resource(page, &mut declarations),
            // On API pages these tables document request bodies (see `operations`).
            PageKind::Api => {}
            PageKind::Enum | PageKind::Other => drop_stray_member_tables(page, &mut declarations),
        }
    }
    declarations
}

/// Only resource pages declare a type's properties and relationships. The same tables on an
/// enum page or a conceptual page declare nothing: their rows are dropped, with a warning at
/// each table.
fn drop_stray_member_tables(page: &Page, declarations: &mut Declarations) {
    let page_kind = match page.kind {
        PageKind::Enum => "an enum page",
        _ => "a page that is neither a resource nor an API page",
    };
    for (table, kind) in member_tables(page) {
        let rows = member_rows(page, table, kind);
        if rows.is_empty() {
            continue;
        }
        let message = format!(
            "a {} table on {page_kind} declares no type; its {} rows are left out (resource pages, `doc_type: resourcePageType` or under `resources/`, declare types)",
            if kind == ItemKind::Relationship { "relationships" } else { "properties" },
            rows.len()
        );
        declarations.leave_out(page, table.offset, rows, message);
    }
}

/// The page's properties and relationships tables, with the kind of item each row defines.
fn member_tables(page: &Page) -> impl Iterator<Item = (&crate::page::Table, ItemKind)> {
    page.tables.iter().filter_map(|table| match table.kind {
        TableKind::Properties => Some((table, ItemKind::Property)),
        TableKind::Relationships => Some((table, ItemKind::Relationship)),
        _ => None,
    })
}

fn member_rows(page: &Page, table: &crate::page::Table, kind: ItemKind) -> Vec<Item> {
    table
        .members()
        .iter()
        .map(|row| Item::row(kind, page, row.offset))
        .collect()
}

/// Table rows the parser could not read as members (no name: it reported them) are dropped.
fn record_rows_left_out(page: &Page, ledger: &mut Ledger) {
    for table in &page.tables {
        let (kind, read): (ItemKind, Vec<usize>) = match table.kind {
            TableKind::Properties => (ItemKind::Property, member_offsets(table)),
            TableKind::Relationships => (ItemKind::Relationship, member_offsets(table)),
            TableKind::EnumMembers => (
                ItemKind::EnumMember,
                table.enum_members().iter().map(|r| r.offset).collect(),
            ),
            _ => continue,
        };
        let left_out = table
            .rows
            .iter()
            .filter(|row| row.cells.iter().any(|c| !c.text.trim().is_empty()))
            .filter(|row| read.binary_search(&row.offset).is_err());
        ledger.dropped(
            Code::TableShape,
            left_out.map(|row| Item::row(kind, page, row.offset)),
        );
    }
}

fn member_offsets(table: &crate::page::Table) -> Vec<usize> {
    table.members().iter().map(|r| r.offset).collect()
}

/// The area a page says it belongs to: its `ms.prod`, when that is a plain name.
pub(super) fn page_area(page: &Page) -> Option<String> {
    let prod = page.front_matter.ms_prod().map(str::trim).filter(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })?;
    Some(module_name(&prod.to_ascii_lowercase()))
}

/// The area of an operation a page documents, which becomes its cargo feature: the page's
/// `ms.prod`, else, until [`super::areas`] places it, the first word of its file name.
pub(super) fn operation_area(page: &Page) -> String {
    page_area(page).unwrap_or_else(|| {
        module_name(
            &page
                .stem
                .split(['-', '_', '.'])
                .next()
                .unwrap_or(&page.stem)
                .to_ascii_lowercase(),
        )
    })
}

fn module_name(raw: &str) -> String {
    let module: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if module.is_empty() {
        "other".to_owned()
    } else {
        module
    }
}

pub(super) fn source_of(page: &Page, offset: usize) -> Source {
    Source {
        page: page.path.clone(),
        line: page.lines.location(offset).line,
    }
}

/// The description of a page: its first prose paragraph under the title, else the front matter's.
pub(super) fn page_description(page: &Page) -> String {
    page.paragraphs
        .iter()
        .filter(|p| {
            p.section
                .and_then(|s| page.sections.get(s))
                .is_some_and(|s| s.level == 1)
        })
        .map(|p| p.markdown.as_str())
        .find(|text| !text.starts_with("Namespace:") && !text.starts_with('>') && !text.is_empty())
        .or(page.front_matter.description())
        .unwrap_or("")
        .to_owned()
}

fn declare_enums(page: &Page, declarations: &mut Declarations) {
    for table in page
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::EnumMembers)
    {
        let heading = table.section.and_then(|s| page.sections.get(s));
        let heading_title = heading.map(|h| h.title.trim()).unwrap_or("");
        let name = enum_name(heading_title).or_else(|| match page.kind {
            PageKind::Enum => page.title.as_deref().and_then(title_type_name),
            _ => None,
        });
        let Some(name) = name else {
            let message = format!("enum table under `{heading_title}` names no enum (expected a `<name> values` heading); its members are left out");
            let rows = table
                .enum_members()
                .iter()
                .map(|row| Item::row(ItemKind::EnumMember, page, row.offset));
            declarations.leave_out(page, table.offset, rows, message);
            continue;
        };
        let (namespace, name) = match (name.contains('.'), page_namespace(page)) {
            (false, Some(namespace)) => (namespace.to_owned(), name),
            _ => split_namespace(&name),
        };
        let key = TypeKey::new(&namespace, &name);
        let mut members: Vec<EnumMember> = Vec::new();
        for row in table.enum_members() {
            declarations
                .enum_rows
                .entry((key.clone(), row.name.clone()))
                .or_default()
                .push(Item::row(ItemKind::EnumMember, page, row.offset));
            if members.iter().any(|m| m.name == row.name) {
                let message = format!(
                    "enum member `{}` is listed twice; the first row is kept",
                    row.name
                );
                declarations.report(page, Severity::Warning, Code::Conflict, row.offset, message);
                continue;
            }
            members.push(EnumMember {
                name: row.name.clone(),
                value: row.value.clone(),
                description: row.description.clone(),
            });
        }
        if let Some(heading) = heading {
            declarations
                .page_enums
                .insert((page.stem.clone(), slug(&heading.title)), key.clone());
        }
        let description = if page.kind == PageKind::Enum && enum_name(heading_title).is_none() {
            page_description(page)
        } else {
            String::new()
        };
        let flags = says_flags(page, table.section);
        match declarations.enums.get_mut(&key) {
            Some(existing) => {
                for member in members {
                    if !existing.members.iter().any(|m| m.name == member.name) {
                        existing.members.push(member);
                    }
                }
            }
            None => {
                declarations.enums.insert(
                    key.clone(),
                    EnumType {
                        key,
                        name,
                        namespace,
                        description,
                        area: page_area(page),
                        members,
                        flags,
                        source: source_of(page, table.offset),
                    },
                );
            }
        }
    }
}

/// Whether the prose next to an enum table (its section; the whole page for an enum page) says
/// the values combine: "flags", "bitwise", "can be combined".
fn says_flags(page: &Page, section: Option<usize>) -> bool {
    page.paragraphs
        .iter()
        .filter(|p| p.section == section || page.kind == PageKind::Enum)
        .any(|p| {
            let lower = p.text.to_ascii_lowercase();
            lower.contains("can be combined")
                || lower
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|word| word == "flags" || word == "bitwise")
        })
}

/// `ageGroup values` → `ageGroup`.
fn enum_name(heading: &str) -> Option<String> {
    let lower = heading.to_ascii_lowercase();
    let stem = ["values", "enum values", "enumeration values", "members"]
        .iter()
        .find_map(|suffix| {
            lower
                .strip_suffix(suffix)
                .map(|s| heading[..s.len()].trim())
        })?;
    let stem = stem
        .trim_end_matches(" enum")
        .trim()
        .trim_matches('`')
        .trim_matches('*')
        .trim();
    // Graph type names are camel case; "Possible values" or "Status values" name no type.
    let camel = stem.starts_with(|c: char| c.is_lowercase())
        || stem.chars().skip(1).any(char::is_uppercase);
    (is_type_name(stem) && camel).then(|| stem.to_owned())
}

/// `user resource type` → `user`; `windowsStartMenuModeType enum type` → `windowsStartMenuModeType`.
fn title_type_name(title: &str) -> Option<String> {
    // Only titles that say they name a type ("user resource type", "x enum type"): other
    // pages in the folder are overviews ("Use the ... API").
    let lower = title.trim().to_ascii_lowercase();
    if !(lower.ends_with(" type") || lower.ends_with(" resource")) {
        return None;
    }
    let first = title.split_whitespace().next()?;
    let first = first.trim_matches(|c: char| matches!(c, '`' | '*' | ':'));
    is_type_name(first).then(|| first.to_owned())
}

/// A property name: an identifier, possibly with `@` annotations (`x@odata.type`) or dots.
fn is_property_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '@')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '-'))
        && !text.ends_with("-value")
}

fn is_type_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

/// The `Namespace: microsoft.graph.callRecords` line under a page's title.
fn page_namespace(page: &Page) -> Option<&str> {
    page.paragraphs.iter().take(4).find_map(|p| {
        let namespace = p.text.strip_prefix("Namespace:")?.trim();
        is_type_name(namespace).then_some(namespace)
    })
}

/// `microsoft.graph.callRecords.session` → (`microsoft.graph.callRecords`, `session`).
pub(super) fn split_namespace(name: &str) -> (String, String) {
    let name = name.trim().trim_start_matches('#');
    match name.rsplit_once('.') {
        Some((namespace, name)) if !namespace.is_empty() => (namespace.to_owned(), name.to_owned()),
        _ => (DEFAULT_NAMESPACE.to_owned(), name.to_owned()),
    }
}

/// A heading's anchor as the docs site makes it: lower case, punctuation dropped, spaces → `-`.
pub(super) fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn declare_resource(page: &Page, declarations: &mut Declarations) {
    let resource_blocks: Vec<_> = page
        .code_blocks
        .iter()
        .filter_map(|block| {
            let annotation = page.annotation(block.annotation)?;
            (annotation.block_type == Some(BlockType::Resource)).then_some((block, annotation))
        })
        .collect();
    let annotated_name = resource_blocks
        .first()
        .and_then(|(_, a)| a.odata_type.as_deref())
        .map(str::to_owned);
    let Some(full_name) =
        annotated_name.or_else(|| page.title.as_deref().and_then(title_type_name))
    else {
        let message =
            "resource page names no type: no resource annotation with `@odata.type`, no title; its properties are left out"
                .to_owned();
        let rows: Vec<Item> = member_tables(page)
            .flat_map(|(table, kind)| member_rows(page, table, kind))
            .collect();
        declarations.leave_out(page, 0, rows, message);
        return;
    };
    let (namespace, name) = split_namespace(&full_name);
    let key = TypeKey::new(&namespace, &name);
    let annotation = resource_blocks.first().map(|(_, a)| *a);
    let offset = resource_blocks.first().map_or(0, |(b, _)| b.offset);

    let mut properties = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for table in &page.tables {
        let navigation = match table.kind {
            TableKind::Properties => false,
            TableKind::Relationships => true,
            _ => continue,
        };
        // Tables under an enum's heading, or describing the JSON inside a string property
        // ("Properties of a token lifetime policy definition"), are not this type's.
        let elsewhere = page.is_under(table.section, |t| {
            let t = t.to_ascii_lowercase();
            t.ends_with("values") || t.starts_with("properties of")
        });
        let kind = Item::member_kind(navigation);
        if elsewhere {
            let heading = table
                .section
                .and_then(|s| page.sections.get(s))
                .map_or("", |s| s.title.as_str());
            let message = format!(
                "the table under `{heading}` describes no property of the page's type; its {} rows are left out",
                table.members().len()
            );
            declarations.diagnostics.push(Diagnostic::new(
                Severity::Note,
                Code::Dropped,
                page.path.clone(),
                page.lines.location(table.offset),
                message,
            ));
            let rows = table.members().iter();
            declarations
                .ledger
                .dropped(Code::Dropped, rows.map(|r| Item::row(kind, page, r.offset)));
            continue;
        }
        for row in table.members() {
            let item = Item::row(kind, page, row.offset);
            if !seen.insert(row.name.clone()) {
                // Listed twice (often in both tables): the first row is the definition.
                match properties
                    .iter_mut()
                    .find(|p: &&mut DraftProperty| p.name == row.name)
                {
                    Some(first) => first.rows.push(item),
                    None => declarations.ledger.dropped(Code::TableShape, [item]),
                }
                continue;
            }
            // A row broken across lines leaves text where the name belongs.
            if !is_property_name(&row.name) {
                let message = format!("`{}` is not a property name; the row is left out", row.name);
                declarations.ledger.dropped(Code::TableShape, [item]);
                declarations.report(
                    page,
                    Severity::Warning,
                    Code::TableShape,
                    row.offset,
                    message,
                );
                continue;
            }
            properties.push(draft_property(page, row, navigation));
        }
    }
    // The annotation's `nullableProperties` say so for properties the descriptions leave open.
    for name in annotation.map_or(&[][..], |a| a.nullable_properties.as_slice()) {
        if let Some(property) = properties.iter_mut().find(|p| p.name == *name) {
            property.nullable.get_or_insert(true);
        }
    }
    if let Some((block, _)) = resource_blocks.first() {
        add_representation_properties(page, block, &mut properties, &mut declarations.diagnostics);
    }

    let annotated_base = annotation
        .and_then(|a| a.base_type.as_deref())
        .filter(|b| !b.is_empty());
    let base = annotated_base
        .and_then(|written| match parse_type_name(written).map(|t| t.term) {
            Some(TypeTerm::Named(name)) => Some(name),
            _ => {
                let message =
                    format!("base type `{written}` is not a structured type; the type has no base");
                declarations.report(
                    page,
                    Severity::Warning,
                    Code::UnresolvedType,
                    offset,
                    message,
                );
                None
            }
        })
        .or_else(|| inherits_from(page))
        // A row "Inherited from [entity](entity.md)" names an ancestor when nothing else does.
        .or_else(|| {
            page.tables
                .iter()
                .filter(|t| t.kind == TableKind::Properties)
                .flat_map(|t| t.members())
                .find_map(inherited_from)
        });
    if let Some(existing) = declarations
        .types
        .get(&key)
        .filter(|t| t.origin == TypeOrigin::ResourcePage)
    {
        let mut message = format!(
            "`{name}` is also defined by `{}` (line {}); the two definitions are merged",
            existing.source.page, existing.source.line
        );
        for property in &properties {
            let other = existing.properties.iter().find(|p| p.name == property.name);
            if let Some(other) = other.filter(|other| other.ty != property.ty) {
                message.push_str(&format!(
                    "; `{}` has different types, the definition on the type's own page (`{name}.md`) wins, else the first",
                    other.name
                ));
            }
        }
        declarations.report(page, Severity::Warning, Code::Conflict, offset, message);
    }
    declarations
        .page_types
        .insert(page.stem.clone(), key.clone());
    declarations.add_type(DraftComplex {
        key,
        name,
        namespace,
        description: page_description(page),
        area: page_area(page),
        base,
        key_property: annotation.and_then(|a| a.key_property.clone()),
        open_type: annotation.and_then(|a| a.open_type).unwrap_or(false),
        is_abstract: annotation.and_then(|a| a.is_abstract).unwrap_or(false),
        is_media_entity: annotation.and_then(|a| a.is_media_entity).unwrap_or(false),
        properties,
        origin: TypeOrigin::ResourcePage,
        source: source_of(page, offset),
        page: page.stem.clone(),
    });
}

pub(super) fn draft_property(page: &Page, row: &MemberRow, navigation: bool) -> DraftProperty {
    let description_lower = row.description.to_ascii_lowercase();
    DraftProperty {
        name: row.name.clone(),
        ty: match &row.ty {
            Some(ty) => DraftType::Written(ty.clone()),
            None => DraftType::Unreadable(row.type_text.clone()),
        },
        description: row.description_markdown.clone(),
        navigation,
        read_only: description_lower.contains("read-only")
            || description_lower.contains("read only"),
        nullable: nullable_in(&description_lower),
        from_representation: false,
        required: row
            .required
            .unwrap_or_else(|| description_lower.contains("required.")),
        source: source_of(page, row.offset),
        page: page.stem.clone(),
        offset: row.type_offset,
        rows: vec![Item::row(Item::member_kind(navigation), page, row.offset)],
    }
}

/// Properties that the JSON representation shows but no table lists.
/// The representation and the tables are two sources for one type: a property in both whose
/// collection-ness differs is reported.
fn add_representation_properties(
    page: &Page,
    block: &crate::page::CodeBlock,
    properties: &mut Vec<DraftProperty>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(serde_json::Value::Object(object)) =
        block.json.as_ref().and_then(|j| j.value.as_ref())
    else {
        return;
    };
    let mut by_name: std::collections::HashMap<String, usize> = properties
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.to_ascii_lowercase(), i))
        .collect();
    for (name, value) in object {
        if name.starts_with('@') {
            continue;
        }
        // Graph property names are camel case; capitalised keys are sample dynamic properties
        // of open types (`"Author"` on a list item's fields), and other keys name nothing.
        if !is_property_name(name) || name.starts_with(char::is_uppercase) {
            diagnostics.push(Diagnostic::new(
                Severity::Note,
                Code::Dropped,
                page.path.clone(),
                page.lines.location(block.content_offset),
                format!("JSON representation key `{name}` is not a property name; it is left out"),
            ));
            continue;
        }
        if let Some(existing) = by_name
            .get(&name.to_ascii_lowercase())
            .and_then(|&i| properties.get(i))
        {
            let shown = representation_type(value).map(|t| t.collection);
            let written = match &existing.ty {
                DraftType::Written(ty) => Some(ty.collection),
                DraftType::Unreadable(_) => None,
            };
            if let (Some(shown), Some(written)) = (shown, written) {
                if shown != written {
                    let (table, json) = if written {
                        ("a collection", "a single value")
                    } else {
                        ("a single value", "a collection")
                    };
                    diagnostics.push(Diagnostic::new(
                        Severity::Warning,
                        Code::Conflict,
                        page.path.clone(),
                        page.lines.location(block.content_offset),
                        format!("`{name}` is {table} in the property table but {json} in the JSON representation; the table wins"),
                    ));
                }
            }
            continue;
        }
        if let Some(ty) = representation_type(value) {
            by_name.insert(name.to_ascii_lowercase(), properties.len());
            properties.push(DraftProperty {
                name: name.clone(),
                ty: DraftType::Written(ty),
                description: String::new(),
                navigation: false,
                read_only: false,
                required: false,
                nullable: None,
                from_representation: true,
                source: source_of(page, block.offset),
                page: page.stem.clone(),
                offset: block.offset,
                rows: Vec::new(),
            });
        }
    }
}

/// The type a JSON representation's placeholder value stands for: `"string"`, `"String
/// (timestamp)"`, `1024`, `true`, `{"@odata.type": "microsoft.graph.x"}`, `[...]`.
fn representation_type(value: &serde_json::Value) -> Option<TypeExpr> {
    use crate::page::Primitive;
    use serde_json::Value;
    let primitive = |p| {
        Some(TypeExpr {
            term: TypeTerm::Primitive(p),
            collection: false,
        })
    };
    match value {
        Value::Bool(_) => primitive(Primitive::Boolean),
        Value::Number(n) if n.is_f64() => primitive(Primitive::Double),
        Value::Number(_) => primitive(Primitive::Int32),
        Value::String(text) => {
            let lower = text.to_ascii_lowercase();
            let hint = lower
                .split(['(', ')'])
                .nth(1)
                .unwrap_or(&lower)
                .trim()
                .to_owned();
            let p = crate::page::Primitive::from_name(&hint)
                .or_else(|| {
                    crate::page::Primitive::from_name(lower.split_whitespace().next().unwrap_or(""))
                })
                .unwrap_or(Primitive::String);
            primitive(if hint == "identifier" {
                Primitive::String
            } else {
                p
            })
        }
        Value::Object(object) => {
            let name = object.get("@odata.type")?.as_str()?;
            parse_type_name(name)
        }
        Value::Array(items) => {
            let mut element = representation_type(items.first()?)?;
            element.collection = true;
            Some(element)
        }
        Value::Null => None,
    }
}

/// "Not nullable." / "Nullable." in a description (lower-cased).
fn nullable_in(description: &str) -> Option<bool> {
    if description.contains("not nullable") || description.contains("non-nullable") {
        Some(false)
    } else if description.contains("nullable") {
        Some(true)
    } else {
        None
    }
}

/// The "Inherits from [entity](entity.md)" sentence of a resource page.
fn inherits_from(page: &Page) -> Option<TypeName> {
    page.paragraphs.iter().find_map(|paragraph| {
        let lower = paragraph.text.to_ascii_lowercase();
        let at = lower.find("inherits from")?;
        let after = &paragraph.text[at..];
        let link = paragraph
            .links
            .iter()
            .find(|l| after.contains(l.text.as_str()))?;
        let parsed =
            crate::page::type_expr::parse_type_cell(&link.text, std::slice::from_ref(link)).ok()?;
        match parsed.term {
            TypeTerm::Named(name) => Some(name),
            TypeTerm::Primitive(_) => None,
        }
    })
}

/// The type named by an "Inherited from [x](x.md)" description.
pub(super) fn inherited_from(row: &crate::page::MemberRow) -> Option<TypeName> {
    let lower = row.description_markdown.to_ascii_lowercase();
    let at = lower.find("inherited from [")?;
    let rest = &row.description_markdown[at + "inherited from [".len()..];
    let (text, rest) = rest.split_once("](")?;
    let (target, _) = rest.split_once(')')?;
    let link = crate::page::Link {
        text: text.to_owned(),
        target: target.to_owned(),
    };
    match crate::page::type_expr::parse_type_cell(text, std::slice::from_ref(&link))
        .ok()?
        .term
    {
        TypeTerm::Named(name) => Some(name),
        TypeTerm::Primitive(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_from_headings() {
        assert_eq!(enum_name("ageGroup values").as_deref(), Some("ageGroup"));
        assert_eq!(
            enum_name("trendingScope enum values").as_deref(),
            Some("trendingScope")
        );
        assert_eq!(enum_name("Members"), None);
        assert_eq!(enum_name("Possible values"), None);
        assert_eq!(
            title_type_name("windowsStartMenuModeType enum type").as_deref(),
            Some("windowsStartMenuModeType")
        );
    }

    #[test]
    fn slugs_match_the_docs_site() {
        assert_eq!(slug("ageGroup values"), "agegroup-values");
        assert_eq!(
            slug("Legal age group property definitions"),
            "legal-age-group-property-definitions"
        );
        assert_eq!(slug("status (values)"), "status-values");
    }

    #[test]
    fn representation_placeholders() {
        use serde_json::json;
        let ty = |v| representation_type(&v).map(|t| (t.term, t.collection));
        use crate::page::Primitive;
        assert_eq!(
            ty(json!("String (timestamp)")),
            Some((TypeTerm::Primitive(Primitive::DateTimeOffset), false))
        );
        assert_eq!(
            ty(json!("string (identifier)")),
            Some((TypeTerm::Primitive(Primitive::String), false))
        );
        assert_eq!(
            ty(json!(["string"])),
            Some((TypeTerm::Primitive(Primitive::String), true))
        );
        assert_eq!(
            ty(json!(true)),
            Some((TypeTerm::Primitive(Primitive::Boolean), false))
        );
        assert!(matches!(
            ty(json!({"@odata.type": "microsoft.graph.x"})),
            Some((TypeTerm::Named(_), false))
        ));
        assert_eq!(ty(json!(null)), None);
    }
}

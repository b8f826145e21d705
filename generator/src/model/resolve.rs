//! Resolution in passes: declare every type and enum first (pages, then examples, then request
//! bodies), so forward and circular references resolve; then resolve every reference, break
//! inheritance cycles, and order everything.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::page::{Page, Primitive, TypeExpr, TypeName, TypeTerm};

use super::account::{self, Item, ItemKind};
use super::declare::{self, Declarations, DraftComplex, DraftType};
use super::operations::{self, DraftOperation, DraftPath};
use super::{areas, paths};
use super::{
    infer, ApiModel, ComplexType, EnumMember, EnumType, FixedQuery, Media, Operation,
    OperationPath, PathParam, PathPart, Property, QueryValue, Resolved, ResolvedType, Source,
    TypeKey, TypeRef, DEFAULT_NAMESPACE,
};

/// Resolves all pages into one API model.
pub fn resolve(pages: &[Page]) -> Resolved {
    let mut declarations = declare::declare(pages);
    infer::infer_from_examples(pages, &mut declarations);
    let drafts = operations::collect(pages, &mut declarations);
    let pages_by_path: HashMap<&str, &Page> = pages.iter().map(|p| (p.path.as_str(), p)).collect();
    drop_enums_named_like_types(&mut declarations, &pages_by_path);

    let mut resolver = Resolver {
        index: NameIndex::new(&declarations),
        pages: pages_by_path,
        diagnostics: std::mem::take(&mut declarations.diagnostics),
    };
    declare_inline_enums(&mut declarations, &mut resolver);

    drop_restated_inherited(&mut declarations, &resolver.index);
    let emitted_items = final_items(&mut declarations, &drafts);
    let mut types: BTreeMap<TypeKey, ComplexType> = declarations
        .types
        .values()
        .map(|draft| (draft.key.clone(), resolver.complex(draft)))
        .collect();
    break_inheritance_cycles(&mut types, &mut resolver);
    let mut operations: Vec<Operation> = drafts.iter().map(|d| resolver.operation(d)).collect();
    operations.sort_by(|a, b| (&a.area, &a.name, &a.source).cmp(&(&b.area, &b.name, &b.source)));

    let mut model = ApiModel {
        types,
        enums: declarations.enums,
        operations,
        paths: paths::PathTree::default(),
    };
    areas::place_areas(
        &mut model,
        pages,
        &declarations.page_types,
        &mut resolver.diagnostics,
    );
    model.paths = paths::build(&model);
    Resolved {
        model,
        diagnostics: resolver.diagnostics,
        account: account::settle(pages, emitted_items, &declarations.ledger),
    }
}

/// The items the final declarations hold: each property's and enum member's defining row
/// (restating rows are recorded as merged) and each API page that yields an operation.
fn final_items(declarations: &mut Declarations, operations: &[DraftOperation]) -> Vec<Item> {
    let mut emitted = Vec::new();
    let mut restated = Vec::new();
    let mut split = |rows: &[Item]| {
        if let Some((first, rest)) = rows.split_first() {
            emitted.push(first.clone());
            restated.extend_from_slice(rest);
        }
    };
    for draft in declarations.types.values() {
        for property in &draft.properties {
            split(&property.rows);
        }
    }
    for ((key, member), rows) in &declarations.enum_rows {
        let kept = declarations
            .enums
            .get(key)
            .is_some_and(|e| e.members.iter().any(|m| m.name == *member));
        if kept {
            split(rows);
        }
    }
    declarations.ledger.merged(restated);
    let pages: BTreeSet<&str> = operations.iter().map(|o| o.source.page.as_str()).collect();
    emitted.extend(pages.into_iter().map(|page| Item {
        kind: ItemKind::Operation,
        page: page.to_owned(),
        offset: 0,
    }));
    emitted
}

/// Finds declarations by the ways pages refer to them.
struct NameIndex {
    /// Lower-case short name → keys with that name, complex types first.
    by_name: BTreeMap<String, Vec<(TypeKey, bool)>>,
    page_types: BTreeMap<String, TypeKey>,
    page_enums: BTreeMap<(String, String), TypeKey>,
    complex: BTreeSet<TypeKey>,
}

impl NameIndex {
    fn new(declarations: &Declarations) -> Self {
        let mut index = NameIndex {
            by_name: BTreeMap::new(),
            page_types: declarations.page_types.clone(),
            page_enums: declarations.page_enums.clone(),
            complex: declarations.types.keys().cloned().collect(),
        };
        for ty in declarations.types.values() {
            index.add(&ty.name, ty.key.clone(), false);
        }
        for ty in declarations.enums.values() {
            index.add(&ty.name, ty.key.clone(), true);
        }
        index
    }

    fn add(&mut self, name: &str, key: TypeKey, is_enum: bool) {
        let entries = self.by_name.entry(name.to_ascii_lowercase()).or_default();
        entries.push((key, is_enum));
        entries.sort_by_key(|(key, is_enum)| (*is_enum, key.clone()));
    }

    fn reference(&self, key: &TypeKey) -> TypeRef {
        if self.complex.contains(key) {
            TypeRef::Complex(key.clone())
        } else {
            TypeRef::Enum(key.clone())
        }
    }

    /// Resolves a name as written on page `from_page` (a stem).
    fn lookup(&self, name: &TypeName, from_page: &str) -> Option<TypeRef> {
        if let Some(anchor) = &name.anchor {
            let page = name.page.as_deref().unwrap_or(from_page);
            if let Some(key) = self.page_enums.get(&(page.to_owned(), anchor.clone())) {
                return Some(TypeRef::Enum(key.clone()));
            }
        }
        if let Some(found) = self.by_name(name, from_page) {
            return Some(found);
        }
        // The link's page is authoritative when the link text is not the type's name
        // (`[userActivity](projectrome-activity.md)`).
        let page = name.page.as_deref()?;
        self.page_types.get(page).map(|key| self.reference(key))
    }

    /// A bare name means the referring page's own namespace first (`callType` on a
    /// `microsoft.graph.callRecords` page), then `microsoft.graph`, then any.
    fn by_name(&self, name: &TypeName, from_page: &str) -> Option<TypeRef> {
        let candidates = self.by_name.get(&name.name.to_ascii_lowercase())?;
        let in_namespace = |namespace: &str| {
            candidates.iter().find(|(key, _)| {
                key.0
                    .strip_suffix(&name.name.to_ascii_lowercase())
                    .is_some_and(|prefix| {
                        prefix.trim_end_matches('.').eq_ignore_ascii_case(namespace)
                    })
            })
        };
        let page_namespace = self
            .page_types
            .get(from_page)
            .and_then(|key| key.0.rsplit_once('.'))
            .map(|(namespace, _)| namespace);
        let chosen = match &name.namespace {
            Some(namespace) => in_namespace(namespace),
            None => page_namespace
                .and_then(in_namespace)
                .or_else(|| in_namespace(DEFAULT_NAMESPACE))
                .or(candidates.first()),
        }?;
        Some(if chosen.1 {
            TypeRef::Enum(chosen.0.clone())
        } else {
            TypeRef::Complex(chosen.0.clone())
        })
    }
}

struct Resolver<'p> {
    index: NameIndex,
    pages: HashMap<&'p str, &'p Page>,
    diagnostics: Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn report(
        &mut self,
        severity: Severity,
        code: Code,
        source: &Source,
        offset: Option<usize>,
        message: String,
    ) {
        let location = match (self.pages.get(source.page.as_str()), offset) {
            (Some(page), Some(offset)) => page.lines.location(offset),
            (Some(page), None) => page.lines.line_location(source.line),
            (None, _) => Location::at_line(source.line),
        };
        self.diagnostics.push(Diagnostic::new(
            severity,
            code,
            source.page.clone(),
            location,
            message,
        ));
    }

    fn resolve(
        &mut self,
        ty: &DraftType,
        page: &str,
        source: &Source,
        offset: usize,
    ) -> ResolvedType {
        match ty {
            DraftType::Written(TypeExpr {
                term: TypeTerm::Primitive(p),
                collection,
            }) => ResolvedType {
                target: TypeRef::Primitive(*p),
                collection: *collection,
            },
            DraftType::Written(TypeExpr {
                term: TypeTerm::Named(name),
                collection,
            }) => {
                let target = match self.index.lookup(name, page) {
                    Some(found) => found,
                    None => {
                        let message = format!(
                            "type `{}` is not defined by any page; it is typed as JSON",
                            name.name
                        );
                        self.report(
                            Severity::Warning,
                            Code::UnresolvedType,
                            source,
                            Some(offset),
                            message,
                        );
                        TypeRef::Unresolved(name.name.clone())
                    }
                };
                ResolvedType {
                    target,
                    collection: *collection,
                }
            }
            // Reported when the table was read.
            DraftType::Unreadable(text) => ResolvedType {
                target: TypeRef::Unresolved(text.clone()),
                collection: false,
            },
        }
    }

    fn complex(&mut self, draft: &DraftComplex) -> ComplexType {
        let properties = draft
            .properties
            .iter()
            .map(|p| Property {
                name: p.name.clone(),
                ty: self.resolve(&p.ty, &p.page, &p.source, p.offset),
                description: p.description.clone(),
                navigation: p.navigation,
                read_only: p.read_only,
                required: p.required,
                nullable: p.nullable,
                source: p.source.clone(),
            })
            .collect();
        let base =
            draft
                .base
                .as_ref()
                .and_then(|base| match self.index.lookup(base, &draft.page) {
                    Some(TypeRef::Complex(key)) => Some(key),
                    _ => {
                        let message = format!(
                            "base type `{}` of `{}` is not a type any page defines",
                            base.name, draft.name
                        );
                        self.report(
                            Severity::Warning,
                            Code::UnresolvedType,
                            &draft.source,
                            None,
                            message,
                        );
                        None
                    }
                });
        ComplexType {
            key: draft.key.clone(),
            name: draft.name.clone(),
            namespace: draft.namespace.clone(),
            description: draft.description.clone(),
            area: draft.area.clone(),
            base,
            key_property: draft.key_property.clone(),
            open_type: draft.open_type,
            is_abstract: draft.is_abstract,
            is_media_entity: draft.is_media_entity,
            properties,
            origin: draft.origin,
            inferred: draft.origin == super::TypeOrigin::Example,
            source: draft.source.clone(),
        }
    }

    fn operation(&mut self, draft: &DraftOperation) -> Operation {
        let some_address_bytes = draft
            .paths
            .iter()
            .any(|p| OperationPath::addresses_bytes(&p.template));
        let paths = draft
            .paths
            .iter()
            .map(|path| OperationPath {
                media: path_media(draft, path, some_address_bytes),
                params: path
                    .template
                    .segments
                    .iter()
                    .flat_map(|segment| {
                        let parts = &segment.parts;
                        parts
                            .iter()
                            .enumerate()
                            .filter_map(move |(i, part)| match part {
                                PathPart::Param { names } => {
                                    let key = i.checked_sub(1).and_then(|j| match &parts[j] {
                                        PathPart::Literal(text) => function_parameter_key(text),
                                        PathPart::Param { .. } => None,
                                    });
                                    Some((names, key))
                                }
                                PathPart::Literal(_) => None,
                            })
                    })
                    .map(|(names, key)| self.path_param(draft, names, key))
                    .collect(),
                query: path
                    .query
                    .iter()
                    .map(|(name, value)| FixedQuery {
                        name: name.clone(),
                        value: match value.as_deref().map(placeholder) {
                            Some(Some(param)) => QueryValue::Param(self.path_param(
                                draft,
                                &[param.to_owned()],
                                Some(name),
                            )),
                            _ => QueryValue::Literal(value.clone().unwrap_or_default()),
                        },
                    })
                    .collect(),
                template: path.template.clone(),
                source: path.source.clone(),
            })
            .collect();
        let body = draft
            .body
            .as_ref()
            .map(|b| self.resolve(b, &draft.page, &draft.source, draft.offset));
        let response = match &draft.response {
            Some(Some(ty)) => Some(self.resolve(ty, &draft.page, &draft.source, draft.offset)),
            Some(None) => None,
            // Reported when the page was read; the body is still available as JSON.
            None => Some(ResolvedType::primitive(Primitive::Json)),
        };
        Operation {
            name: draft.name.clone(),
            title: draft.title.clone(),
            description: draft.description.clone(),
            area: draft.area.clone(),
            method: draft.method.clone(),
            paths,
            query_options: draft.query_options.clone(),
            headers: draft.headers.clone(),
            body,
            response,
            success_status: draft.success_status,
            media_form: draft.media_form.clone(),
            examples: draft.examples.clone(),
            source: draft.source.clone(),
        }
    }

    /// A path parameter, typed from the page's parameter tables when they list it (primitives
    /// only: a path carries text), else a string.
    /// `key` is the function parameter or query parameter the placeholder is the value of
    /// (`period` in `getReport(period='{period_value}')`): the tables document that name.
    fn path_param(&self, draft: &DraftOperation, names: &[String], key: Option<&str>) -> PathParam {
        let documented = key
            .into_iter()
            .chain(names.iter().map(String::as_str))
            .find_map(|n| {
                draft
                    .parameters
                    .get(&n.to_ascii_lowercase())
                    .map(|d| (n, d))
            });
        let name = match (key, documented) {
            (Some(key), Some((documented_name, _))) if documented_name == key => key.to_owned(),
            _ => names.first().cloned().unwrap_or_default(),
        };
        let documented = documented.map(|(_, d)| d);
        let ty = match documented {
            Some((
                DraftType::Written(TypeExpr {
                    term: TypeTerm::Primitive(p),
                    collection: false,
                }),
                _,
            )) => *p,
            _ => Primitive::String,
        };
        PathParam {
            name,
            alternatives: names.to_vec(),
            ty,
            description: documented.map(|(_, d)| d.clone()).unwrap_or_default(),
        }
    }
}

/// One qualified name cannot be both a structured type and an enum: the pages contradict each
/// other. The structured type (a resource page) is kept and the enum reported.
fn drop_enums_named_like_types(declarations: &mut Declarations, pages: &HashMap<&str, &Page>) {
    let clashing: Vec<TypeKey> = declarations
        .enums
        .keys()
        .filter(|k| declarations.types.contains_key(*k))
        .cloned()
        .collect();
    for key in clashing {
        let Some(dropped) = declarations.enums.remove(&key) else {
            continue;
        };
        let rows = dropped.members.iter().flat_map(|m| {
            declarations
                .enum_rows
                .get(&(key.clone(), m.name.clone()))
                .into_iter()
                .flatten()
                .cloned()
        });
        declarations
            .ledger
            .dropped(Code::Conflict, rows.collect::<Vec<_>>());
        let kept = declarations
            .types
            .get(&key)
            .map(|t| t.source.clone())
            .unwrap_or_default();
        let location = match pages.get(dropped.source.page.as_str()) {
            Some(page) => page.lines.line_location(dropped.source.line),
            None => Location::at_line(dropped.source.line),
        };
        declarations.diagnostics.push(Diagnostic::new(
            Severity::Warning,
            Code::Conflict,
            dropped.source.page.clone(),
            location,
            format!(
                "enum `{}` has the name of the type defined by `{}` (line {}); the enum is left out",
                dropped.name, kept.page, kept.line
            ),
        ));
    }
}

/// A JSON representation lists inherited properties too; where a base type declares one, the
/// representation's guess from a placeholder value must not restate it.
fn drop_restated_inherited(declarations: &mut Declarations, index: &NameIndex) {
    let mut drops: Vec<(TypeKey, String)> = Vec::new();
    for draft in declarations.types.values() {
        let mut ancestors = Vec::new();
        let mut current = draft;
        while let Some(TypeRef::Complex(base)) = current
            .base
            .as_ref()
            .and_then(|b| index.lookup(b, &current.page))
        {
            if ancestors.contains(&base) || base == draft.key {
                break;
            }
            let Some(next) = declarations.types.get(&base) else {
                break;
            };
            ancestors.push(base);
            current = next;
        }
        for property in draft.properties.iter().filter(|p| p.from_representation) {
            let inherited = ancestors
                .iter()
                .filter_map(|k| declarations.types.get(k))
                .any(|ancestor| {
                    ancestor
                        .properties
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(&property.name))
                });
            if inherited {
                drops.push((draft.key.clone(), property.name.clone()));
            }
        }
    }
    for (key, name) in drops {
        if let Some(draft) = declarations.types.get_mut(&key) {
            let (restated, kept) = std::mem::take(&mut draft.properties)
                .into_iter()
                .partition(|p| p.from_representation && p.name == name);
            draft.properties = kept;
            // The base type's property is emitted in this type's struct too.
            let restated: Vec<declare::DraftProperty> = restated;
            declarations
                .ledger
                .merged(restated.into_iter().flat_map(|p| p.rows));
        }
    }
}

/// `getReport(period='` → `period`: the function parameter a placeholder after this text is
/// the value of.
/// The media of one path of an operation. A path that addresses bytes (`.../$value`,
/// `.../content`) sends them with `PUT`, `POST` or `PATCH` and returns them with `GET`; what the
/// examples and the documented response say holds for every path, except where the page
/// mixes such paths with others (`GET /me/messages/{id}` and `GET /me/messages/{id}/$value`):
/// there it holds for the bytes paths alone.
fn path_media(draft: &DraftOperation, path: &DraftPath, some_address_bytes: bool) -> Media {
    let template = &path.template;
    let bytes = OperationPath::addresses_bytes(template);
    let mixed = !bytes && some_address_bytes;
    let documented = path
        .media
        .unwrap_or(if mixed { Media::default() } else { draft.media });
    Media {
        request: documented.request
            || (bytes && matches!(draft.method.as_str(), "PUT" | "POST" | "PATCH")),
        // A count's plain-text answer is served and read as media is.
        response: documented.response
            || (bytes && draft.method == "GET")
            || OperationPath::counts(template),
    }
}

fn function_parameter_key(text: &str) -> Option<&str> {
    let before = text.trim_end_matches('\'').strip_suffix('=')?;
    let start = before.rfind(['(', ',']).map_or(0, |i| i + 1);
    let key = before[start..].trim();
    (!key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(key)
}

/// `{start_datetime}` → `start_datetime`: a query value that is one placeholder.
fn placeholder(value: &str) -> Option<&str> {
    let inner = value.trim().strip_prefix('{')?.strip_suffix('}')?.trim();
    let valid = !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    valid.then_some(inner)
}

/// Named types that no page defines but whose description lists the allowed values
/// ("Possible values are: `a`, `b`, `c`") become enums with those members.
fn declare_inline_enums(declarations: &mut Declarations, resolver: &mut Resolver<'_>) {
    let mut found: BTreeMap<TypeKey, EnumType> = BTreeMap::new();
    for draft in declarations.types.values() {
        for property in &draft.properties {
            let DraftType::Written(TypeExpr {
                term: TypeTerm::Named(name),
                ..
            }) = &property.ty
            else {
                continue;
            };
            if resolver.index.lookup(name, &property.page).is_some() {
                continue;
            }
            let Some(members) = inline_values(&property.description) else {
                continue;
            };
            let namespace = name
                .namespace
                .clone()
                .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());
            let key = TypeKey::new(&namespace, &name.name);
            found.entry(key.clone()).or_insert_with(|| EnumType {
                key,
                name: name.name.clone(),
                namespace,
                description: String::new(),
                area: draft.area.clone(),
                members: members
                    .into_iter()
                    .map(|m| EnumMember {
                        name: m,
                        value: None,
                        description: String::new(),
                    })
                    .collect(),
                flags: false,
                source: property.source.clone(),
            });
        }
    }
    for (key, ty) in found {
        resolver.index.add(&ty.name, key.clone(), true);
        declarations.enums.insert(key, ty);
    }
}

/// The code-formatted words after "possible values" / "allowed values" in a description.
fn inline_values(description: &str) -> Option<Vec<String>> {
    let lower = description.to_ascii_lowercase();
    let at = [
        "possible values",
        "allowed values",
        "supported values",
        "the values are",
    ]
    .iter()
    .filter_map(|marker| lower.find(marker).map(|i| i + marker.len()))
    .min()?;
    let rest = &description[at..];
    // The list ends with its sentence.
    let end = rest.find(". ").map_or(rest.len(), |i| i + 1);
    let values: Vec<String> = rest[..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .map(str::to_owned)
        .collect();
    (values.len() >= 2).then_some(values)
}

/// Clears the base of one type in every inheritance loop (the first by key, so the choice is
/// stable) and reports the loop.
fn break_inheritance_cycles(
    types: &mut BTreeMap<TypeKey, ComplexType>,
    resolver: &mut Resolver<'_>,
) {
    let keys: Vec<TypeKey> = types.keys().cloned().collect();
    for start in keys {
        let mut chain = vec![start.clone()];
        let mut current = start.clone();
        while let Some(base) = types.get(&current).and_then(|t| t.base.clone()) {
            if let Some(position) = chain.iter().position(|k| *k == base) {
                let cycle = &chain[position..];
                let Some(breaker) = cycle.iter().min().cloned() else {
                    break;
                };
                let names: Vec<String> = cycle
                    .iter()
                    .chain(std::iter::once(&base))
                    .filter_map(|k| types.get(k).map(|t| t.name.clone()))
                    .collect();
                if let Some(ty) = types.get_mut(&breaker) {
                    ty.base = None;
                    let message = format!(
                        "inheritance loops ({}); `{}` is emitted without its base type",
                        names.join(" → "),
                        ty.name
                    );
                    let source = ty.source.clone();
                    resolver.report(
                        Severity::Warning,
                        Code::InheritanceCycle,
                        &source,
                        None,
                        message,
                    );
                }
                break;
            }
            chain.push(base.clone());
            current = base;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_parameter_keys() {
        assert_eq!(function_parameter_key("getReport(period='"), Some("period"));
        assert_eq!(function_parameter_key("topTrending(count="), Some("count"));
        assert_eq!(function_parameter_key(",since="), Some("since"));
        assert_eq!(function_parameter_key("items"), None);
        assert_eq!(function_parameter_key("root:"), None);
    }

    #[test]
    fn inline_value_lists() {
        assert_eq!(
            inline_values("The status. Possible values are: `notStarted`, `running`, `completed`."),
            Some(vec![
                "notStarted".into(),
                "running".into(),
                "completed".into()
            ])
        );
        assert_eq!(
            inline_values("Allowed values: `null`, `minor` and `adult`. Other `x`."),
            Some(vec!["null".into(), "minor".into(), "adult".into()])
        );
        assert_eq!(inline_values("Possible values: `a`."), None);
        assert_eq!(inline_values("No list here `a`, `b`."), None);
    }
}

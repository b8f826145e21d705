//! Areas for what pages that name none define. An area (a page's `ms.prod`) is a cargo feature
//! of the generated crate, so every operation needs one; a page without one documents something
//! of an area all the same. Its operations join the area of the resource the page is about, and
//! its types the area of the items that use them or of the pages they link with. A type's area
//! only seeds its area's slice (see the emitter's `slices`); a type left without one is still
//! compiled wherever it is needed.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::page::{Page, PageKind};

use super::declare;
use super::{ApiModel, TypeKey, TypeRef, BODY_NAMESPACE};

/// Places the types, enums and operations of pages that name no area. An operation that
/// nothing places keeps the first word of its page's file name as its area, with a warning.
pub(super) fn place_areas(
    model: &mut ApiModel,
    pages: &[Page],
    page_types: &BTreeMap<String, TypeKey>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut unplaced: BTreeSet<TypeKey> = model
        .types
        .values()
        .filter(|t| t.area.is_none())
        .map(|t| t.key.clone())
        .chain(
            model
                .enums
                .values()
                .filter(|e| e.area.is_none())
                .map(|e| e.key.clone()),
        )
        .collect();
    let mut unplaced_pages: BTreeSet<String> = pages
        .iter()
        .filter(|p| p.kind == PageKind::Api && declare::page_area(p).is_none())
        .map(|p| p.path.clone())
        .collect();
    place(model, &mut unplaced, &mut unplaced_pages, pages, page_types);
    for page in &unplaced_pages {
        let Some(operation) = model.operations.iter().find(|o| o.source.page == *page) else {
            continue;
        };
        diagnostics.push(Diagnostic::new(
            Severity::Warning,
            Code::PageShape,
            page.clone(),
            Location::at_line(operation.source.line),
            format!(
                "the page names no area (`ms.prod`) and nothing places its operations in one: their feature is `{}`",
                operation.area
            ),
        ));
    }
    model
        .operations
        .sort_by(|a, b| (&a.area, &a.name, &a.source).cmp(&(&b.area, &b.name, &b.source)));
}

/// Types and enums from pages that name no area join the module of the items that use them
/// (the module most of their users are in; the first by name on a tie), in passes until
/// nothing changes. Operations documented on the pages in `unplaced_pages` do not vote: their
/// module is no area yet.
fn place_with_users(
    model: &mut ApiModel,
    unplaced: &mut BTreeSet<TypeKey>,
    unplaced_pages: &BTreeSet<String>,
) {
    enum User {
        Type(TypeKey),
        Module(String),
    }
    let mut uses: Vec<(&TypeKey, User)> = Vec::new();
    for ty in model.types.values() {
        for property in &ty.properties {
            if let TypeRef::Complex(key) | TypeRef::Enum(key) = &property.ty.target {
                uses.push((key, User::Type(ty.key.clone())));
            }
        }
        if let Some(base) = &ty.base {
            uses.push((base, User::Type(ty.key.clone())));
        }
    }
    for operation in model
        .operations
        .iter()
        .filter(|o| !unplaced_pages.contains(&o.source.page))
    {
        for ty in operation.body.iter().chain(operation.response.iter()) {
            if let TypeRef::Complex(key) | TypeRef::Enum(key) = &ty.target {
                uses.push((key, User::Module(operation.area.clone())));
            }
        }
    }
    let mut users: BTreeMap<TypeKey, Vec<User>> = BTreeMap::new();
    for (key, user) in uses {
        if unplaced.contains(key) {
            users.entry(key.clone()).or_default().push(user);
        }
    }
    loop {
        let mut placements = Vec::new();
        for key in unplaced.iter() {
            let mut votes: BTreeMap<String, usize> = BTreeMap::new();
            for user in users.get(key).into_iter().flatten() {
                let module = match user {
                    User::Type(user) if !unplaced.contains(user) => area_of(model, user),
                    User::Type(_) => None,
                    User::Module(module) => Some(module.clone()),
                };
                if let Some(module) = module {
                    *votes.entry(module).or_default() += 1;
                }
            }
            // Most votes; on a tie the first module by name (max_by_key keeps the last max,
            // so iterate names in reverse).
            if let Some((module, _)) = votes.into_iter().rev().max_by_key(|(_, n)| *n) {
                placements.push((key.clone(), module));
            }
        }
        if placements.is_empty() {
            break;
        }
        for (key, module) in placements {
            unplaced.remove(&key);
            if let Some(ty) = model.types.get_mut(&key) {
                ty.area = Some(module);
            } else if let Some(ty) = model.enums.get_mut(&key) {
                ty.area = Some(module);
            }
        }
    }
}

/// Places types and operations that have no area yet, in rounds until nothing moves: types by
/// the items that use them, operations by their page's resource, types by their page's links.
fn place(
    model: &mut ApiModel,
    unplaced: &mut BTreeSet<TypeKey>,
    unplaced_pages: &mut BTreeSet<String>,
    pages: &[Page],
    page_types: &BTreeMap<String, TypeKey>,
) {
    loop {
        let before = (unplaced.len(), unplaced_pages.len());
        place_with_users(model, unplaced, unplaced_pages);
        place_operations(model, unplaced, unplaced_pages, page_types);
        if (unplaced.len(), unplaced_pages.len()) == before {
            place_by_links(model, unplaced, pages, page_types);
            if unplaced.len() == before.0 {
                break;
            }
        }
    }
}

/// Operations documented on pages that name no area join the area of the resource the page is
/// about (`filter-apply` → the `filter` page's `workbookFilter`), else of the type they return
/// or take; their own body types go with them.
fn place_operations(
    model: &mut ApiModel,
    unplaced: &mut BTreeSet<TypeKey>,
    unplaced_pages: &mut BTreeSet<String>,
    page_types: &BTreeMap<String, TypeKey>,
) {
    let module_of_type = |model: &ApiModel, key: &TypeKey| {
        if unplaced.contains(key) {
            return None;
        }
        area_of(model, key)
    };
    let mut moves: Vec<(usize, String)> = Vec::new();
    for (index, operation) in model.operations.iter().enumerate() {
        if !unplaced_pages.contains(&operation.source.page) {
            continue;
        }
        let file = operation.source.page.rsplit('/').next().unwrap_or_default();
        let resource = file
            .trim_end_matches(".md")
            .split(['-', '_'])
            .filter_map(|word| page_types.get(&word.to_ascii_lowercase()))
            .find_map(|key| module_of_type(model, key));
        let typed = || {
            operation
                .response
                .iter()
                .chain(operation.body.iter())
                .filter_map(|ty| match &ty.target {
                    TypeRef::Complex(key) | TypeRef::Enum(key)
                        if !key.0.starts_with(BODY_NAMESPACE) =>
                    {
                        module_of_type(model, key)
                    }
                    _ => None,
                })
                .next()
        };
        if let Some(module) = resource.or_else(typed) {
            moves.push((index, module));
        }
    }
    for (index, module) in moves {
        let Some(operation) = model.operations.get_mut(index) else {
            continue;
        };
        let page = operation.source.page.clone();
        unplaced_pages.remove(&page);
        let old = Some(std::mem::replace(&mut operation.area, module.clone()));
        let body = operation.body.as_ref().and_then(|b| match &b.target {
            TypeRef::Complex(key) if key.0.starts_with(BODY_NAMESPACE) => Some(key),
            _ => None,
        });
        if let Some(body) = body.and_then(|key| model.types.get_mut(key)) {
            if body.area == old || body.area.is_none() {
                body.area = Some(module);
                unplaced.remove(&body.key);
            }
        }
    }
}

/// Types that nothing placed uses join the area of the pages their own page links to, or that
/// link to it (`timeStamp` is linked from the file-version pages): the resource family they
/// belong to; failing that, the family their name starts with.
fn place_by_links(
    model: &mut ApiModel,
    unplaced: &mut BTreeSet<TypeKey>,
    pages: &[Page],
    page_types: &BTreeMap<String, TypeKey>,
) {
    let stem_of = |target: &str| -> Option<String> {
        let file = target.split(['#', '?']).next()?.rsplit('/').next()?;
        let stem = file.strip_suffix(".md")?;
        Some(stem.to_ascii_lowercase())
    };
    let links_of = |page: &Page| -> Vec<String> {
        page.paragraphs
            .iter()
            .flat_map(|p| &p.links)
            .chain(
                page.tables
                    .iter()
                    .flat_map(|t| &t.rows)
                    .flat_map(|r| &r.cells)
                    .flat_map(|c| &c.links),
            )
            .filter_map(|l| stem_of(&l.target))
            .collect()
    };
    let placed_module = |model: &ApiModel, unplaced: &BTreeSet<TypeKey>, stem: &str| {
        let key = page_types.get(stem).filter(|k| !unplaced.contains(*k))?;
        model.types.get(key).and_then(|t| t.area.clone())
    };
    let page_stems: BTreeMap<&str, &str> = pages
        .iter()
        .map(|p| (p.path.as_str(), p.stem.as_str()))
        .collect();
    let mut placements = Vec::new();
    for key in unplaced.iter() {
        let Some(own_stem) = model
            .types
            .get(key)
            .and_then(|t| page_stems.get(t.source.page.as_str()))
            .map(|s| s.to_ascii_lowercase())
        else {
            continue;
        };
        let mut votes: BTreeMap<String, usize> = BTreeMap::new();
        for page in pages.iter().filter(|p| p.kind == PageKind::Resource) {
            let links = links_of(page);
            let stems: Vec<String> = if page.stem.eq_ignore_ascii_case(&own_stem) {
                links
            } else if links.contains(&own_stem) {
                vec![page.stem.to_ascii_lowercase()]
            } else {
                continue;
            };
            for stem in stems.iter().filter(|s| **s != own_stem) {
                if let Some(module) = placed_module(model, unplaced, stem) {
                    *votes.entry(module).or_default() += 1;
                }
            }
        }
        // No page links either way: the family its name says (`workbookFilterDatetime`
        // among the `workbook...` types).
        if votes.is_empty() {
            let family = |name: &str| -> String {
                name.chars()
                    .take_while(|c| !c.is_ascii_uppercase())
                    .collect()
            };
            let own = model
                .types
                .get(key)
                .map(|t| family(&t.name))
                .unwrap_or_default();
            for ty in model.types.values() {
                if !own.is_empty() && !unplaced.contains(&ty.key) && family(&ty.name) == own {
                    if let Some(area) = &ty.area {
                        *votes.entry(area.clone()).or_default() += 1;
                    }
                }
            }
        }
        if let Some((module, _)) = votes.into_iter().rev().max_by_key(|(_, n)| *n) {
            placements.push((key.clone(), module));
        }
    }
    for (key, module) in placements {
        unplaced.remove(&key);
        if let Some(ty) = model.types.get_mut(&key) {
            ty.area = Some(module);
        }
    }
}

/// The area of a type or enum, if it has one.
fn area_of(model: &ApiModel, key: &TypeKey) -> Option<String> {
    model
        .types
        .get(key)
        .map(|t| t.area.clone())
        .or_else(|| model.enums.get(key).map(|e| e.area.clone()))
        .flatten()
}

//! The account of what the pages define and what became of it.
//!
//! Every row of a property, relationship or enum-member table and every API page is read
//! here straight from the page model, independently of how resolution consumes them. Each one
//! then has exactly one fate: it is in the model (emitted), it restates a definition that is in
//! the model (merged), or it was dropped with the code of the diagnostic that says so. Anything
//! else is unaccounted: a silent loss, which the corpus test forbids.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diagnostics::Code;
use crate::page::{Page, PageKind, TableKind};

/// What the account counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A row of a resource's properties table.
    Property,
    /// A row of a resource's relationships table.
    Relationship,
    EnumMember,
    /// An API page: it yields one operation per documented method.
    Operation,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [
        ItemKind::Property,
        ItemKind::Relationship,
        ItemKind::EnumMember,
        ItemKind::Operation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Property => "properties",
            ItemKind::Relationship => "relationships",
            ItemKind::EnumMember => "enum members",
            ItemKind::Operation => "API pages",
        }
    }
}

/// One thing a page defines: a table row, or (for operations) a whole API page at offset 0.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Item {
    pub kind: ItemKind,
    pub page: String,
    pub offset: usize,
}

impl Item {
    pub fn row(kind: ItemKind, page: &Page, offset: usize) -> Item {
        Item {
            kind,
            page: page.path.clone(),
            offset,
        }
    }

    pub fn api_page(page: &Page) -> Item {
        Item::row(ItemKind::Operation, page, 0)
    }

    /// The kind of a row of a members table, by the table's kind.
    pub fn member_kind(navigation: bool) -> ItemKind {
        if navigation {
            ItemKind::Relationship
        } else {
            ItemKind::Property
        }
    }
}

/// What became of an item, as resolution records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    /// Another row defines the same thing, and that definition is in the model.
    Merged,
    /// Left out, with a diagnostic of this code.
    Dropped(Code),
}

/// The fates recorded while resolving. An item recorded twice keeps its first fate.
#[derive(Debug, Default)]
pub(super) struct Ledger {
    fates: HashMap<Item, Fate>,
}

impl Ledger {
    pub fn merged(&mut self, items: impl IntoIterator<Item = Item>) {
        for item in items {
            self.fates.entry(item).or_insert(Fate::Merged);
        }
    }

    pub fn dropped(&mut self, code: Code, items: impl IntoIterator<Item = Item>) {
        for item in items {
            self.fates.entry(item).or_insert(Fate::Dropped(code));
        }
    }
}

/// The figures for one kind of item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub read: usize,
    /// In the model, so in the generated crate.
    pub emitted: usize,
    /// Restating a definition that is emitted (a property listed twice, an enum declared on
    /// two pages): nothing of it is lost.
    pub merged: usize,
    /// Diagnostic code → items dropped with a diagnostic of that code.
    pub dropped: BTreeMap<&'static str, usize>,
    /// Read, but neither emitted, merged nor dropped with a reason.
    pub unaccounted: usize,
}

impl Tally {
    pub fn dropped_total(&self) -> usize {
        self.dropped.values().sum()
    }

    /// Whether every item read has a fate: read = emitted + merged + dropped.
    pub fn balances(&self) -> bool {
        self.unaccounted == 0 && self.read == self.emitted + self.merged + self.dropped_total()
    }
}

/// What the pages define and what became of it, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Account {
    pub tallies: BTreeMap<ItemKind, Tally>,
    /// The first few unaccounted items (`page:line`), to find the silent drop.
    pub unaccounted_examples: Vec<String>,
}

impl Account {
    pub fn tally(&self, kind: ItemKind) -> Tally {
        self.tallies.get(&kind).cloned().unwrap_or_default()
    }

    pub fn balances(&self) -> bool {
        self.tallies.values().all(Tally::balances)
    }
}

/// Every item the pages define, read from the page model alone.
fn read_items(pages: &[Page]) -> Vec<Item> {
    let mut items = Vec::new();
    for page in pages {
        if page.kind == PageKind::Api {
            items.push(Item::api_page(page));
        }
        for table in &page.tables {
            let kind = match table.kind {
                // On API pages these tables document request bodies, not resources.
                TableKind::Properties if page.kind != PageKind::Api => ItemKind::Property,
                TableKind::Relationships if page.kind != PageKind::Api => ItemKind::Relationship,
                TableKind::EnumMembers => ItemKind::EnumMember,
                _ => continue,
            };
            // A row of empty cells is spacing, not a definition.
            let rows = table
                .rows
                .iter()
                .filter(|row| row.cells.iter().any(|c| !c.text.trim().is_empty()));
            items.extend(rows.map(|row| Item::row(kind, page, row.offset)));
        }
    }
    items
}

/// Settles the account: `emitted` are the items the final model holds.
pub(super) fn settle(
    pages: &[Page],
    emitted: impl IntoIterator<Item = Item>,
    ledger: &Ledger,
) -> Account {
    let emitted: std::collections::HashSet<Item> = emitted.into_iter().collect();
    let lines: HashMap<&str, &Page> = pages.iter().map(|p| (p.path.as_str(), p)).collect();
    let mut account = Account::default();
    for kind in ItemKind::ALL {
        account.tallies.insert(kind, Tally::default());
    }
    for item in read_items(pages) {
        let Some(tally) = account.tallies.get_mut(&item.kind) else {
            continue;
        };
        tally.read += 1;
        if emitted.contains(&item) {
            tally.emitted += 1;
            continue;
        }
        match ledger.fates.get(&item) {
            Some(Fate::Merged) => tally.merged += 1,
            Some(Fate::Dropped(code)) => *tally.dropped.entry(code.as_str()).or_default() += 1,
            None => {
                tally.unaccounted += 1;
                if account.unaccounted_examples.len() < 20 {
                    let line = lines
                        .get(item.page.as_str())
                        .map_or(0, |p| p.lines.location(item.offset).line);
                    account.unaccounted_examples.push(format!(
                        "{}:{line}: {}",
                        item.page,
                        item.kind.label()
                    ));
                }
            }
        }
    }
    account
}

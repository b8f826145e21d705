//! The crate's features: one per area of the reference that documents an operation, each a
//! complete slice of Graph.
//!
//! An area's slice is its operations and every type they need: the types of the area's own
//! pages, the operations' request and response types, and, transitively, base types and the
//! types of structural properties. Navigation properties are not followed: they name other
//! resources, which the areas reach through relationships until one area would bring nearly
//! the whole crate. A type belongs to every slice that reaches it and is compiled once, under
//! `cfg(any(...))` of those features; a type that every area reaches is always compiled, and
//! one that none reaches comes with `full` alone.

use std::collections::{BTreeMap, BTreeSet};

use super::gate::{Gate, FULL};
use crate::model::{ApiModel, Operation, TypeKey, TypeRef};

/// The crate's own features, which no area may take.
const RESERVED_FEATURES: &[&str] = &[FULL, "default", "client", "azure-identity"];

#[derive(Debug, Default)]
pub struct Slices {
    /// Area (as the model names it) → its feature. Only areas that document an operation.
    features: BTreeMap<String, String>,
    /// When each type and enum is compiled.
    types: BTreeMap<TypeKey, Gate>,
}

impl Slices {
    /// `sharing`: the operations whose method another's serves too (documented on several
    /// pages, see `paths`): the method takes the first's types, which every area of the others
    /// then needs.
    pub fn new(
        model: &ApiModel,
        sharing: &BTreeMap<(usize, usize), Vec<(usize, usize)>>,
    ) -> Slices {
        let areas: BTreeSet<&str> = model.operations.iter().map(|o| o.area.as_str()).collect();
        let features: BTreeMap<String, String> = areas
            .iter()
            .map(|area| {
                let mut feature = (*area).to_owned();
                while RESERVED_FEATURES.contains(&feature.as_str())
                    || (feature != *area && areas.contains(feature.as_str()))
                {
                    feature.push_str("_area");
                }
                ((*area).to_owned(), feature)
            })
            .collect();

        // Each type's edges to the types it needs.
        let mut needs: BTreeMap<&TypeKey, Vec<&TypeKey>> = BTreeMap::new();
        for ty in model.types.values() {
            let edges = needs.entry(&ty.key).or_default();
            edges.extend(ty.base.iter());
            for property in ty.properties.iter().filter(|p| !p.navigation) {
                if let TypeRef::Complex(key) | TypeRef::Enum(key) = &property.ty.target {
                    edges.push(key);
                }
            }
        }
        let mut shared_types: BTreeMap<&str, Vec<&TypeKey>> = BTreeMap::new();
        for (&(emitted, _), served) in sharing {
            let Some(provider) = model.operations.get(emitted) else {
                continue;
            };
            for operation in served.iter().filter_map(|(o, _)| model.operations.get(*o)) {
                shared_types
                    .entry(operation.area.as_str())
                    .or_default()
                    .extend(types_of(provider));
            }
        }
        let mut reached: BTreeMap<&TypeKey, BTreeSet<&str>> = BTreeMap::new();
        for (area, feature) in &features {
            let own_types = model
                .types
                .values()
                .filter(|t| t.area.as_deref() == Some(area))
                .map(|t| &t.key)
                .chain(
                    model
                        .enums
                        .values()
                        .filter(|e| e.area.as_deref() == Some(area))
                        .map(|e| &e.key),
                );
            let operation_types = model
                .operations
                .iter()
                .filter(|o| o.area == *area)
                .flat_map(types_of);
            let mut stack: Vec<&TypeKey> = own_types
                .chain(operation_types)
                .chain(
                    shared_types
                        .get(area.as_str())
                        .into_iter()
                        .flatten()
                        .copied(),
                )
                .collect();
            let mut seen: BTreeSet<&TypeKey> = BTreeSet::new();
            while let Some(key) = stack.pop() {
                if seen.insert(key) {
                    reached.entry(key).or_default().insert(feature);
                    stack.extend(needs.get(key).into_iter().flatten().copied());
                }
            }
        }
        let every_area = features.len();
        let types = model
            .types
            .keys()
            .chain(model.enums.keys())
            .map(|key| {
                let gate = match reached.get(key) {
                    Some(slices) if slices.len() == every_area => Gate::always(),
                    Some(slices) => {
                        let mut gate = Gate::never();
                        for feature in slices {
                            gate.or(&Gate::feature(feature));
                        }
                        gate
                    }
                    None => Gate::feature(FULL),
                };
                (key.clone(), gate)
            })
            .collect();
        Slices { features, types }
    }

    /// The area features, in order.
    pub fn features(&self) -> BTreeSet<String> {
        self.features.values().cloned().collect()
    }

    /// When a type or enum is compiled (never for a key the model does not hold).
    pub fn type_gate(&self, key: &TypeKey) -> Gate {
        self.types.get(key).cloned().unwrap_or_default()
    }

    /// When an operation's method exists: with its area's feature.
    pub fn operation_gate(&self, operation: &Operation) -> Gate {
        self.features
            .get(&operation.area)
            .map_or_else(Gate::never, |feature| Gate::feature(feature))
    }
}

/// The types an operation takes and returns.
fn types_of(operation: &Operation) -> impl Iterator<Item = &TypeKey> {
    operation
        .body
        .iter()
        .chain(&operation.response)
        .filter_map(|ty| match &ty.target {
            TypeRef::Complex(key) | TypeRef::Enum(key) => Some(key),
            TypeRef::Primitive(_) | TypeRef::Unresolved(_) => None,
        })
}

//! When an item of the generated crate exists, in cargo features.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

/// An item exists when every feature of at least one of these sets is on. The sets are kept
/// minimal (none contains another), so `{}` alone means always and no set means never.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gate {
    alternatives: Vec<BTreeSet<String>>,
}

impl Gate {
    /// No feature set makes the item exist (the start of an [`Gate::or`]).
    pub fn never() -> Gate {
        Gate::default()
    }

    /// The item exists when all these features are on.
    pub fn all(features: BTreeSet<String>) -> Gate {
        Gate {
            alternatives: vec![features],
        }
    }

    /// The item exists when this gate's or the other's features are on.
    pub fn or(&mut self, other: &Gate) {
        for set in &other.alternatives {
            if self.alternatives.iter().any(|kept| kept.is_subset(set)) {
                continue;
            }
            self.alternatives.retain(|kept| !set.is_subset(kept));
            self.alternatives.push(set.clone());
        }
        self.alternatives.sort();
    }

    pub fn is_always(&self) -> bool {
        self.alternatives.iter().any(BTreeSet::is_empty)
    }

    /// The `#[cfg(...)]` attribute, or nothing for an item that always exists.
    pub fn cfg(&self) -> TokenStream {
        if self.is_always() {
            return TokenStream::new();
        }
        let condition = |set: &BTreeSet<String>| {
            let features: Vec<&String> = set.iter().collect();
            match features.as_slice() {
                [one] => quote!(feature = #one),
                several => quote!(all(#(feature = #several),*)),
            }
        };
        match self.alternatives.as_slice() {
            [] => quote!(#[cfg(any())]),
            [one] => {
                let condition = condition(one);
                quote!(#[cfg(#condition)])
            }
            several => {
                let conditions = several.iter().map(condition);
                quote!(#[cfg(any(#(#conditions),*))])
            }
        }
    }

    /// The rustdoc sentence that says which features the item needs, if any.
    pub fn describe(&self) -> Option<String> {
        if self.is_always() || self.alternatives.is_empty() {
            return None;
        }
        let sets: Vec<String> = self
            .alternatives
            .iter()
            .map(|set| {
                set.iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        Some(match sets.as_slice() {
            [one] if self.alternatives[0].len() == 1 => format!("Present with the {one} feature."),
            [one] => format!("Present with the {one} features."),
            several => format!("Present when one of these is on: {}.", several.join("; ")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(features: &[&str]) -> BTreeSet<String> {
        features.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn alternatives_stay_minimal() {
        let mut gate = Gate::never();
        gate.or(&Gate::all(set(&["a", "b"])));
        gate.or(&Gate::all(set(&["a"])));
        gate.or(&Gate::all(set(&["a", "c"])));
        gate.or(&Gate::all(set(&["d"])));
        assert_eq!(
            gate.cfg().to_string(),
            quote!(#[cfg(any(feature = "a", feature = "d"))]).to_string()
        );
        gate.or(&Gate::all(set(&[])));
        assert!(gate.is_always());
        assert!(gate.cfg().is_empty());
        let both = Gate::all(set(&["a", "b"]));
        assert_eq!(
            both.cfg().to_string(),
            quote!(#[cfg(all(feature = "a", feature = "b"))]).to_string()
        );
        assert_eq!(
            both.describe().as_deref(),
            Some("Present with the `a` and `b` features.")
        );
    }
}

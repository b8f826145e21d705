//! When an item of the generated crate exists, in cargo features.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

/// The feature that turns on every area of the crate.
pub const FULL: &str = "full";

/// An item exists when any of its features is on, or always. Features are areas of the
/// reference, which never need each other, so "any of" is all a gate has to say; `full` turns
/// on every area.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gate {
    always: bool,
    any: BTreeSet<String>,
}

impl Gate {
    /// No feature makes the item exist (the start of an [`Gate::or`]).
    pub fn never() -> Gate {
        Gate::default()
    }

    /// The item exists whatever the features.
    pub fn always() -> Gate {
        Gate {
            always: true,
            any: BTreeSet::new(),
        }
    }

    /// The item exists when this feature is on.
    pub fn feature(name: &str) -> Gate {
        Gate {
            always: false,
            any: BTreeSet::from([name.to_owned()]),
        }
    }

    /// The item exists when this gate's or the other's features are on.
    pub fn or(&mut self, other: &Gate) {
        self.always |= other.always;
        self.any.extend(other.any.iter().cloned());
        if self.always {
            self.any.clear();
        }
    }

    pub fn is_always(&self) -> bool {
        self.always
    }

    pub fn is_never(&self) -> bool {
        !self.always && self.any.is_empty()
    }

    /// Whether the item exists in every build in which the other one does: what lets an item
    /// inside another (a field, a method) leave out a `cfg` of its own.
    pub fn covers(&self, other: &Gate) -> bool {
        if self.always || other.is_never() {
            return true;
        }
        !other.always
            && other
                .any
                .iter()
                .all(|f| self.any.contains(f) || (f == FULL && !self.is_never()))
    }

    /// The features, in order (none for an item that always exists).
    pub fn features(&self) -> impl Iterator<Item = &str> {
        self.any.iter().map(String::as_str)
    }

    /// The `cfg` predicate (`feature = "a"`, `any(feature = "a", feature = "b")`), or `None`
    /// for an item that always exists.
    pub fn condition(&self) -> Option<TokenStream> {
        if self.always {
            return None;
        }
        let features: Vec<&String> = self.any.iter().collect();
        Some(match features.as_slice() {
            [one] => quote!(feature = #one),
            several => quote!(any(#(feature = #several),*)),
        })
    }

    /// The `#[cfg(...)]` attribute, or nothing for an item that always exists.
    pub fn cfg(&self) -> TokenStream {
        match self.condition() {
            Some(condition) => quote!(#[cfg(#condition)]),
            None => TokenStream::new(),
        }
    }

    /// [`Gate::cfg`] as formatted text, on one line when it fits in 100 columns, else one
    /// feature a line; `None` for an item that always exists.
    pub fn cfg_text(&self) -> Option<String> {
        if self.always {
            return None;
        }
        let features: Vec<String> = self
            .any
            .iter()
            .map(|f| format!("feature = {}", proc_macro2::Literal::string(f)))
            .collect();
        let line = match features.as_slice() {
            [one] => format!("#[cfg({one})]"),
            several => format!("#[cfg(any({}))]", several.join(", ")),
        };
        if line.len() <= 100 || features.len() < 2 {
            return Some(line);
        }
        Some(format!(
            "#[cfg(\n    any(\n        {}\n    )\n)]",
            features.join(",\n        ")
        ))
    }

    /// The `#[cfg(...)]` attribute of an item that also needs `feature`.
    pub fn cfg_with(&self, feature: &str) -> TokenStream {
        match self.condition() {
            Some(condition) => quote!(#[cfg(all(#condition, feature = #feature))]),
            None => quote!(#[cfg(feature = #feature)]),
        }
    }

    /// The rustdoc sentence that says which features bring the item, with the names to copy
    /// into `features = [...]`; `None` for an item that always exists.
    pub fn describe(&self) -> Option<String> {
        let names: Vec<String> = self.any.iter().map(|f| format!("`{f}`")).collect();
        match names.as_slice() {
            _ if self.always => None,
            [] => Some("Never compiled: no feature brings it.".to_owned()),
            [full] if self.any.contains(FULL) => Some(format!(
                "Compiled with the {full} feature only: no area's operations use it."
            )),
            [one] => Some(format!("Compiled with the {one} feature (or `full`).")),
            several => Some(format!(
                "Compiled with any of the features {} (or `full`).",
                several.join(", ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(features: &[&str]) -> Gate {
        let mut gate = Gate::never();
        for feature in features {
            gate.or(&Gate::feature(feature));
        }
        gate
    }

    #[test]
    fn gates_combine_and_cover() {
        let gate = any(&["b", "a"]);
        assert_eq!(
            gate.cfg().to_string(),
            quote!(#[cfg(any(feature = "a", feature = "b"))]).to_string()
        );
        assert_eq!(
            gate.describe().as_deref(),
            Some("Compiled with any of the features `a`, `b` (or `full`).")
        );
        assert!(gate.covers(&any(&["a"])));
        assert!(!any(&["a"]).covers(&gate));
        // `full` turns on every area, so any area's item is there when a `full`-only one is.
        assert!(any(&["a"]).covers(&any(&[FULL])));
        assert!(!any(&[FULL]).covers(&any(&["a"])));
        assert!(Gate::always().covers(&gate));
        assert!(!gate.covers(&Gate::always()));
        assert!(gate.covers(&Gate::never()));

        let mut always = gate.clone();
        always.or(&Gate::always());
        assert!(always.is_always() && always.cfg().is_empty() && always.describe().is_none());
        assert_eq!(
            any(&["a"]).cfg_with("client").to_string(),
            quote!(#[cfg(all(feature = "a", feature = "client"))]).to_string()
        );
    }
}

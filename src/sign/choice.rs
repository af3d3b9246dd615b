//! Variants and the values they choose: the vocabulary that recipes, arguments and primitives
//! share (a leaf: it uses no other module of the core).

use std::collections::BTreeMap;

use serde::Deserialize;

/// A named choice that swaps a stage or a parameter; the first choice is the default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    pub choices: Vec<String>,
    #[serde(default)]
    pub help: Option<String>,
}

impl Variant {
    /// The default choice.
    pub fn default_choice(&self) -> &str {
        &self.choices[0]
    }
}

/// A value fixed in the recipe or picked by a variant's choice.
#[derive(Debug, Clone)]
pub enum Param<T> {
    Fixed(T),
    ByVariant {
        variant: String,
        values: BTreeMap<String, T>,
    },
}

impl<T> Param<T> {
    /// The same parameter with its values mapped.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Param<U> {
        match self {
            Param::Fixed(v) => Param::Fixed(f(v)),
            Param::ByVariant { variant, values } => Param::ByVariant {
                variant,
                values: values.into_iter().map(|(k, v)| (k, f(v))).collect(),
            },
        }
    }

    /// Every value it can take.
    pub fn values(&self) -> Vec<&T> {
        match self {
            Param::Fixed(v) => vec![v],
            Param::ByVariant { values, .. } => values.values().collect(),
        }
    }

    /// The value under a selection of variant choices (complete: every variant has a choice).
    pub fn get(&self, selection: &Selection) -> &T {
        match self {
            Param::Fixed(v) => v,
            // A selection checked against the recipe has every variant; any other falls back
            // to a value rather than panicking.
            Param::ByVariant { variant, values } => values
                .get(selection.choice(variant))
                .or_else(|| values.values().next())
                .expect("a variant has at least one choice"),
        }
    }
}

/// The chosen variant choices, one for each variant of a recipe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection(pub(crate) BTreeMap<String, String>);

impl Selection {
    /// The choice of a variant, by name.
    pub fn choice(&self, variant: &str) -> &str {
        self.0.get(variant).map(String::as_str).unwrap_or("")
    }

    /// Every variant with its choice, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

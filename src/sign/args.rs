//! Reading a stage's arguments from its recipe table: the one place where recipe text becomes
//! typed primitive arguments, fixed or chosen by a variant.

use std::collections::BTreeMap;

use super::choice::{Param, Variant};
use super::template::Template;

/// A value type that an argument can hold, parsed from its text.
pub trait ArgValue: Sized {
    fn parse(text: &str) -> Result<Self, String>;
}

impl ArgValue for Template {
    fn parse(text: &str) -> Result<Self, String> {
        Template::parse(text).map_err(|e| e.to_string())
    }
}

impl ArgValue for bool {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "true" | "yes" => Ok(true),
            "false" | "no" => Ok(false),
            _ => Err(format!(
                "expected true or false (or yes or no), found `{text}`"
            )),
        }
    }
}

impl ArgValue for usize {
    fn parse(text: &str) -> Result<Self, String> {
        text.parse()
            .map_err(|_| format!("expected a whole number, found `{text}`"))
    }
}

impl ArgValue for String {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
}

/// The fixed words an enum argument is spelled with in recipes.
pub trait ArgWords {
    const WORDS: &'static [&'static str];
}

/// Words in a sentence: `a, b or c`.
pub fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Implements [`ArgValue`] and [`ArgWords`] for an enum spelled with fixed words in recipes.
#[macro_export]
macro_rules! arg_words {
    ($ty:ty, { $($word:literal => $val:expr),* $(,)? }) => {
        impl $crate::sign::args::ArgWords for $ty {
            const WORDS: &'static [&'static str] = &[$($word),*];
        }
        impl $crate::sign::args::ArgValue for $ty {
            fn parse(text: &str) -> Result<Self, String> {
                match text {
                    $($word => Ok($val),)*
                    _ => Err(format!(
                        "expected {}, found `{text}`",
                        $crate::sign::args::one_of(
                            <$ty as $crate::sign::args::ArgWords>::WORDS
                        )
                    )),
                }
            }
        }
    };
}

/// What an argument holds, as the recipe writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A template (`"{a}.{b}"`).
    Template,
    /// A template or a list of templates.
    Templates,
    /// One of fixed words.
    Words(&'static [&'static str]),
    Bool,
    /// A whole number.
    Count,
    /// A whole number, or nothing.
    OptCount,
    /// A plain word (a name).
    Word,
    /// Free text.
    Text,
    /// A list of names.
    Names,
    /// A table of names to templates.
    TemplateMap,
    /// A table of values (any text, `""` too) to templates.
    ValueMap,
}

impl Kind {
    /// The kind as the README writes it (`T`, `"lower" \| "upper"`).
    pub fn written(self) -> String {
        match self {
            Kind::Template => "T".into(),
            Kind::Templates => "T \\| [T, …]".into(),
            Kind::Words(words) => words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" \\| "),
            Kind::Bool => "true \\| false".into(),
            Kind::Count => "N".into(),
            Kind::OptCount => "N (optional)".into(),
            Kind::Word => "\"name\"".into(),
            Kind::Text => "\"text\"".into(),
            Kind::Names => "[\"name\", …]".into(),
            Kind::TemplateMap => "{ name = T }".into(),
            Kind::ValueMap => "{ \"value\" = T, … }".into(),
        }
    }
}

/// One argument of a primitive: its key, what it holds, its default (None: required) and what
/// it means, in a line.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub default: Option<&'static str>,
    pub doc: &'static str,
}

impl ArgSpec {
    /// An argument the stage must give.
    pub const fn required(name: &'static str, kind: Kind, doc: &'static str) -> ArgSpec {
        ArgSpec {
            name,
            kind,
            default: None,
            doc,
        }
    }

    /// An argument with a default, written as a recipe would write it.
    pub const fn optional(
        name: &'static str,
        kind: Kind,
        default: &'static str,
        doc: &'static str,
    ) -> ArgSpec {
        ArgSpec {
            name,
            kind,
            default: Some(default),
            doc,
        }
    }
}

/// Reads the plain text of a TOML scalar (strings, booleans and integers).
pub fn scalar_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

/// The arguments of one stage: the primitive's own value and the other keys of its table, read
/// as the primitive's [`ArgSpec`]s declare them (defaults included). [`Args::finish`] rejects a
/// key that the primitive does not declare, naming what it takes.
pub struct Args<'a> {
    primitive: &'static str,
    specs: &'static [ArgSpec],
    main: &'a toml::Value,
    table: &'a toml::Table,
    variants: &'a [Variant],
}

impl<'a> Args<'a> {
    /// The arguments of a stage table whose primitive is `primitive` (its value is `main`),
    /// declaring `specs`.
    pub fn new(
        primitive: &'static str,
        specs: &'static [ArgSpec],
        main: &'a toml::Value,
        table: &'a toml::Table,
        variants: &'a [Variant],
    ) -> Args<'a> {
        Args {
            primitive,
            specs,
            main,
            table,
            variants,
        }
    }

    /// The primitive's own value (`hex = "{mac}"`), as a parameter.
    pub fn main<T: ArgValue>(&self) -> Result<Param<T>, String> {
        self.param(self.primitive, self.main)
    }

    /// The primitive's own value as a list of parameters (`concat = ["{a}", "{b}"]`); a single
    /// value is a list of one.
    pub fn main_list<T: ArgValue>(&self) -> Result<Vec<Param<T>>, String> {
        match self.main {
            toml::Value::Array(items) => items
                .iter()
                .map(|v| self.param(self.primitive, v))
                .collect(),
            v => Ok(vec![self.param(self.primitive, v)?]),
        }
    }

    /// The primitive's own value as a plain word (`param = "name"`).
    pub fn main_word(&self) -> Result<String, String> {
        scalar_text(self.main).ok_or_else(|| format!("{}: expected a string", self.primitive))
    }

    /// The declaration of an argument the primitive reads.
    fn spec(&self, name: &str) -> Result<&'static ArgSpec, String> {
        self.specs.iter().find(|s| s.name == name).ok_or_else(|| {
            format!(
                "`{}` reads `{name}`, which it does not declare (a defect of sigscope)",
                self.primitive
            )
        })
    }

    /// An argument, fixed or by variant: its value as written, else its declared default; a
    /// required argument that is missing is an error naming it.
    pub fn get<T: ArgValue>(&self, name: &'static str) -> Result<Param<T>, String> {
        let spec = self.spec(name)?;
        match (self.table.get(name), spec.default) {
            (Some(v), _) => self.param(name, v),
            (None, Some(default)) => Ok(Param::Fixed(
                T::parse(default).map_err(|m| format!("{name}: {m}"))?,
            )),
            (None, None) => Err(format!("`{}` needs `{name}`", self.primitive)),
        }
    }

    /// An argument as written, or None when the stage leaves it out (for an argument whose
    /// default is another argument, such as `case`'s `otherwise`).
    pub fn given<T: ArgValue>(&self, name: &'static str) -> Result<Option<Param<T>>, String> {
        self.spec(name)?;
        self.table
            .get(name)
            .map(|v| self.param(name, v))
            .transpose()
    }

    /// An optional list of words (`omit = ["sign"]`).
    pub fn words(&self, name: &'static str) -> Result<Vec<String>, String> {
        self.spec(name)?;
        match self.table.get(name) {
            None => Ok(Vec::new()),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|v| scalar_text(v).ok_or_else(|| format!("{name}: expected strings")))
                .collect(),
            Some(v) => Err(format!("{name}: expected a list, found a {}", v.type_str())),
        }
    }

    /// An optional table of names to templates (`set = { host = "{host}" }`), in name order.
    pub fn template_map(
        &self,
        name: &'static str,
    ) -> Result<Vec<(String, Param<Template>)>, String> {
        self.spec(name)?;
        match self.table.get(name) {
            None => Ok(Vec::new()),
            Some(toml::Value::Table(t)) => t
                .iter()
                .map(|(k, v)| Ok((k.clone(), self.param(name, v)?)))
                .collect(),
            Some(v) => Err(format!(
                "{name}: expected a table of names to templates, found a {}",
                v.type_str()
            )),
        }
    }

    /// Rejects the keys the primitive does not declare, naming them and what the primitive takes.
    pub fn finish(self) -> Result<(), String> {
        let extra = self.table.keys().find(|k| {
            !matches!(k.as_str(), "name" | "when")
                && k.as_str() != self.primitive
                && !self.specs.iter().any(|s| s.name == k.as_str())
        });
        match extra {
            None => Ok(()),
            Some(k) => {
                let mut takes: Vec<&str> = self.specs.iter().map(|s| s.name).collect();
                takes.sort_unstable();
                Err(format!(
                    "`{k}` does not apply to `{}`{}",
                    self.primitive,
                    if takes.is_empty() {
                        String::new()
                    } else {
                        format!(" (it takes {})", takes.join(", "))
                    }
                ))
            }
        }
    }

    /// A value as written: a scalar, or `{ variant = "x", map = { choice = value } }`.
    fn param<T: ArgValue>(&self, arg: &str, v: &toml::Value) -> Result<Param<T>, String> {
        let value = |text: &str| T::parse(text).map_err(|m| format!("{arg}: {m}"));
        let toml::Value::Table(t) = v else {
            let text = scalar_text(v)
                .ok_or_else(|| format!("{arg}: expected a string, found a {}", v.type_str()))?;
            return Ok(Param::Fixed(value(&text)?));
        };
        let Some(variant) = t.get("variant").and_then(|v| v.as_str()) else {
            return Err(format!(
                "{arg}: expected a string or {{ variant = \"NAME\", map = {{ … }} }}"
            ));
        };
        if let Some(k) = t
            .keys()
            .find(|k| !matches!(k.as_str(), "variant" | "map" | "otherwise"))
        {
            return Err(format!(
                "{arg}: unknown key `{k}` (expected variant, map and otherwise)"
            ));
        }
        // The value of the choices the map does not name (a stage only some choices use).
        let otherwise = match t.get("otherwise") {
            None => None,
            Some(v) => {
                Some(scalar_text(v).ok_or_else(|| format!("{arg}: otherwise is not a string"))?)
            }
        };
        let v = self
            .variants
            .iter()
            .find(|v| v.name == variant)
            .ok_or_else(|| format!("{arg}: no variant named `{variant}`"))?;
        let map = match t.get("map") {
            None => None,
            Some(toml::Value::Table(m)) => Some(m),
            Some(_) => return Err(format!("{arg}: map must be a table of choices to values")),
        };
        if let Some(extra) = map.and_then(|m| m.keys().find(|k| !v.choices.contains(k))) {
            return Err(format!(
                "{arg}: `{extra}` is not a choice of variant `{variant}` ({})",
                v.choices.join(", ")
            ));
        }
        let mut values = BTreeMap::new();
        for choice in &v.choices {
            let text = match map {
                None => choice.clone(),
                Some(map) => match (map.get(choice), &otherwise) {
                    (Some(value), _) => scalar_text(value).ok_or_else(|| {
                        format!("{arg}: the value for `{choice}` is not a string")
                    })?,
                    (None, Some(o)) => o.clone(),
                    (None, None) => {
                        return Err(format!(
                            "{arg}: the map of variant `{variant}` has no value for `{choice}` (and no otherwise)"
                        ));
                    }
                },
            };
            values.insert(choice.clone(), value(&text)?);
        }
        Ok(Param::ByVariant {
            variant: variant.to_string(),
            values,
        })
    }
}

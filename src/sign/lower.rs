//! A stage as a call that code in another language can make: the primitive as a named function,
//! its options resolved under the chosen variants, its inputs as templates. Code export
//! (`crate::code`) writes these calls in each language; every primitive lowers to one, so every
//! primitive can be exported.
//!
//! The functions and the order of their arguments are the contract each language's helpers
//! implement: each primitive's [`Spec`](super::primitive::Spec) declares its [`Func`], and the
//! README's primitives table lists them.

use super::template::{Piece, Template};

/// A function of the export contract: its name and the names of its arguments, in order.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Func {
    /// The function's name in snake case (`percent_encode`).
    pub name: &'static str,
    pub args: &'static [&'static str],
    /// Written as an expression of its one template argument (a concatenation), not as a call
    /// of a helper.
    pub inline: bool,
}

impl Func {
    /// A function that languages implement as a helper.
    pub const fn helper(name: &'static str, args: &'static [&'static str]) -> Func {
        Func {
            name,
            args,
            inline: false,
        }
    }

    /// The function's name in snake case (`percent_encode`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The names of the function's arguments, in order.
    pub fn arg_names(&self) -> &'static [&'static str] {
        self.args
    }
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Bytes made from a template.
    Bytes(Template),
    /// Several inputs.
    List(Vec<Template>),
    /// A word or literal text.
    Text(String),
    Int(usize),
    /// An end offset, or none.
    OptInt(Option<usize>),
    Bool(bool),
    Texts(Vec<String>),
    /// Names with templated values (`set`).
    Pairs(Vec<(String, Template)>),
}

/// A stage as a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub func: &'static Func,
    pub args: Vec<Arg>,
}

impl Call {
    pub fn new(func: &'static Func, args: Vec<Arg>) -> Call {
        Call { func, args }
    }
}

/// Templates joined with a separator, as one template.
pub fn joined<'a>(parts: impl IntoIterator<Item = &'a Template>, separator: &Template) -> Template {
    let mut pieces = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            pieces.extend(separator.pieces().iter().cloned());
        }
        pieces.extend(part.pieces().iter().cloned());
    }
    Template::from_pieces(pieces)
}

/// A template's text as a recipe writes it (`{name}={value}`), braces in literals doubled.
pub fn source(t: &Template) -> String {
    t.pieces()
        .iter()
        .map(|p| match p {
            Piece::Literal(l) => l.replace('{', "{{").replace('}', "}}"),
            Piece::Ref(r) => format!("{{{r}}}"),
        })
        .collect()
}

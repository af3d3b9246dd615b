//! The pure signing core: recipes, primitives and the engine that turns inputs into a trace.
//!
//! Nothing in here touches a terminal, the clipboard, files, the network, the clock or a random
//! source: "now" and nonces are made by the caller (see [`time`]) and passed in as field values.

pub mod args;
pub mod builtin;
pub mod calendar;
pub mod choice;
pub mod compare;
pub mod diff;
pub mod digest;
pub mod encoding;
pub mod engine;
pub mod find;
pub mod form;
pub mod json;
pub mod key;
pub mod lower;
pub mod primitive;
pub mod primitives;
pub mod pubkey;
pub mod recipe;
pub mod template;
pub mod time;
pub mod visible;
pub mod xml;

pub use compare::{Comparison, compare};
pub use engine::{BodyStream, Inputs, Memo, Placement, Stage, Trace, run, run_memo, stream};
pub use recipe::{
    BodyKind, Equivalence, Field, FieldKind, Recipe, RecipeError, Selection, Variant,
};

/// Why a run could not sign; each names the input and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("missing field `{name}` ({label})")]
    MissingField { name: String, label: String },
    #[error("unknown field `{name}`; this scheme's fields are: {}", .known.join(", "))]
    UnknownField { name: String, known: Vec<String> },
    #[error("unknown variant `{name}`; this scheme's variants are: {}", list_or_none(.known))]
    UnknownVariant { name: String, known: Vec<String> },
    #[error("variant `{variant}` has no choice `{choice}`; its choices are: {}", .choices.join(", "))]
    UnknownChoice {
        variant: String,
        choice: String,
        choices: Vec<String>,
    },
    #[error("{input}: invalid JSON at line {line}, column {column}: {message}")]
    InvalidJson {
        input: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{input}: invalid XML at line {line}, column {column} (stage `{stage}`): {message}")]
    InvalidXml {
        stage: String,
        input: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{input}: {} MiB is too large to parse (the limit is {} MiB)", .len >> 20, json::MAX_PARSED_BYTES >> 20)]
    TooLarge { input: String, len: usize },
    #[error("stage `{stage}` would hold {} MiB, over the {} MiB a stage may hold", .len >> 20, engine::MAX_STAGE_BYTES >> 20)]
    StageTooLarge { stage: String, len: usize },
    #[error("the stages would hold {} MiB in all, over the {} MiB a trace may hold (at stage `{stage}`)", .len >> 20, engine::MAX_TRACE_BYTES >> 20)]
    TraceTooLarge { stage: String, len: usize },
    #[error("{input}: missing parameter `{name}`")]
    MissingParam { input: String, name: String },
    #[error("{input}: {message}")]
    Input { input: String, message: String },
    #[error("{what} is not valid UTF-8 text")]
    NotText { what: String },
    #[error("recipe: {0}")]
    Recipe(String),
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.join(", ")
    }
}

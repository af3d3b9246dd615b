//! A stage as a call that code in another language can make: the primitive as a named function,
//! its options resolved under the chosen variants, its inputs as templates. Code export
//! (`crate::code`) writes these calls in each language; every primitive lowers to one, so every
//! primitive can be exported.
//!
//! The functions and the order of their arguments are the contract each language's helpers
//! implement:
//!
//! | function | arguments |
//! |---|---|
//! | `concat` | one template: the parts and separators joined (written as an expression) |
//! | `hmac` | alg, key, message |
//! | `hash` | alg, message |
//! | `hex` | data, upper case |
//! | `base64` | data, URL-safe alphabet, padding |
//! | `from_base64` | text, prefix to strip, URL-safe alphabet |
//! | `from_hex` | text, prefix to strip |
//! | `json` | text, sort (deep, top, none), spaced, escape non-ASCII, skip (none, null, null-or-empty), omitted members |
//! | `params` | inputs, decode, omitted names, set pairs, keep repeats, encode (none, rfc3986, form), sort (none, name, name-value), pair pattern, join |
//! | `param` | name, text, decode |
//! | `url` | url, part |
//! | `percent_encode` | data, keep (unreserved, unreserved-and-slash, form) |
//! | `percent_decode` | data, plus as space |
//! | `lower`, `upper`, `trim`, `normalize_path` | data |
//! | `slice` | data, start, end (none: to the end) |
//! | `headers` | header lines, set pairs, names to sign (`a;b`, empty: all), excluded names, names only |
//! | `utc_date` | unix seconds, dashes |

use super::template::{Piece, Template};

/// A function of the export contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    Concat,
    Hmac,
    Hash,
    Hex,
    Base64,
    FromBase64,
    FromHex,
    Json,
    Params,
    Param,
    Url,
    PercentEncode,
    PercentDecode,
    Lower,
    Upper,
    Trim,
    Slice,
    Headers,
    NormalizePath,
    UtcDate,
}

impl Func {
    /// The function's name in snake case (`percent_encode`).
    pub fn name(self) -> &'static str {
        match self {
            Func::Concat => "concat",
            Func::Hmac => "hmac",
            Func::Hash => "hash",
            Func::Hex => "hex",
            Func::Base64 => "base64",
            Func::FromBase64 => "from_base64",
            Func::FromHex => "from_hex",
            Func::Json => "json",
            Func::Params => "params",
            Func::Param => "param",
            Func::Url => "url",
            Func::PercentEncode => "percent_encode",
            Func::PercentDecode => "percent_decode",
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::Trim => "trim",
            Func::Slice => "slice",
            Func::Headers => "headers",
            Func::NormalizePath => "normalize_path",
            Func::UtcDate => "utc_date",
        }
    }
}

impl Func {
    /// The names of the function's arguments, in order.
    pub fn arg_names(self) -> &'static [&'static str] {
        match self {
            Func::Concat => &["parts"],
            Func::Hmac => &["alg", "key", "message"],
            Func::Hash => &["alg", "message"],
            Func::Hex => &["data", "upper"],
            Func::Base64 => &["data", "url_safe", "padding"],
            Func::FromBase64 => &["text", "strip", "url_safe"],
            Func::FromHex => &["text", "strip"],
            Func::Json => &["text", "sort", "spaced", "escape_unicode", "skip", "omit"],
            Func::Params => &[
                "inputs",
                "decode",
                "omit",
                "set",
                "keep_repeats",
                "encode",
                "sort",
                "pair",
                "join",
            ],
            Func::Param => &["name", "text", "decode"],
            Func::Url => &["url", "part"],
            Func::PercentEncode => &["data", "keep"],
            Func::PercentDecode => &["data", "plus_space"],
            Func::Lower | Func::Upper | Func::Trim => &["data"],
            Func::NormalizePath => &["path"],
            Func::Slice => &["data", "start", "end"],
            Func::Headers => &["lines", "set", "names", "exclude", "names_only"],
            Func::UtcDate => &["seconds", "dashes"],
        }
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
    pub func: Func,
    pub args: Vec<Arg>,
}

impl Call {
    pub fn new(func: Func, args: Vec<Arg>) -> Call {
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

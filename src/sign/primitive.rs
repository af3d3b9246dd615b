//! The shape of a primitive: what every stage's operation declares and does. The engine, the
//! recipe reader, code export and diagnose know primitives only through this: a [`Spec`] (name,
//! summary, arguments with their kinds, defaults and docs, the export function, published test
//! values) and the [`Primitive`] trait (inputs, evaluation, words, export call, what can go wrong
//! with it, its part in streaming). `primitives` registers them; this module knows none of them.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::SignError;
use super::args::{ArgSpec, Args};
use super::choice::{Param, Selection};
use super::digest::Alg;
use super::form::{ParamList, parse_params};
use super::json::MAX_PARSED_BYTES;
use super::lower::{Call, Func};
use super::template::{Piece, Template};

/// Bytes made from a template, with the ranges that came from a secret.
pub struct Rendered<'s> {
    pub bytes: Cow<'s, [u8]>,
    pub secret: Vec<Range<usize>>,
}

/// What a primitive's evaluation reads: its templates rendered over the run so far.
pub trait Scope {
    /// A template's bytes, references filled in.
    fn render(&self, t: &Template) -> Result<Rendered<'_>, SignError>;
    /// The name of the stage being made.
    fn stage(&self) -> &str;
    /// The name to use in messages for an input: the referred name, or the stage's.
    fn input_name(&self, t: &Template) -> String {
        t.single_ref().unwrap_or(self.stage()).to_string()
    }
    /// The signatures received, for a stage that verifies (empty when signing).
    fn received(&self) -> &[String] {
        &[]
    }
}

/// A primitive's result: its bytes, and where it knows them, the ranges that are secret. When a
/// primitive leaves `secret` as None, the engine decides: a MAC or hash output is not secret
/// (unless a later HMAC uses it as a key), anything else made from a secret is secret whole.
pub struct Out {
    pub bytes: Vec<u8>,
    pub secret: Option<Vec<Range<usize>>>,
    /// How the stage was made, when the primitive knows more than its description says (the
    /// key it verified with, the signature form it found).
    pub how: Option<String>,
}

/// Its length only: a stage's bytes may be secret.
impl fmt::Debug for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Out(<{} bytes>)", self.bytes.len())
    }
}

impl From<Vec<u8>> for Out {
    fn from(bytes: Vec<u8>) -> Out {
        Out {
            bytes,
            secret: None,
            how: None,
        }
    }
}

/// One primitive, its arguments read from a recipe.
pub trait Primitive: fmt::Debug + Send + Sync {
    /// The templates the stage reads under a selection (each reference must be defined earlier).
    fn inputs(&self, sel: &Selection) -> Vec<&Template>;
    /// The templates used as MAC keys: stages they refer to are derived secrets.
    fn keys(&self, _sel: &Selection) -> Vec<&Template> {
        Vec::new()
    }
    /// Makes the stage's bytes.
    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError>;
    /// How the stage is made, in words (`HMAC-SHA256(key: key, message: canonical)`).
    fn describe(&self, sel: &Selection) -> String;
    /// The stage as a call of the export contract (see [`crate::sign::lower`]); None for a
    /// stage that only diagnose makes and no export writes.
    fn lower(&self, sel: &Selection) -> Option<Call>;
    /// Whether the output is raw MAC or hash bytes (shown as a hex dump; ends a secret).
    fn raw(&self) -> bool {
        false
    }
    /// Whether the stage parses its input (JSON, parameters): worth remembering between runs.
    fn costly(&self) -> bool {
        false
    }
    /// What the stage can do when the body is streamed instead of held whole.
    fn stream_role(&self, _sel: &Selection) -> StreamRole<'_> {
        StreamRole::None
    }
    /// What another signer plausibly did differently with this stage, each as a rewritten copy
    /// of it with the slip it stands for (another hash, the arguments swapped, no decoding …).
    /// Diagnose tries each, on every stage that offers the same slip at once.
    fn mistakes(&self, _sel: &Selection) -> Vec<Mistake> {
        Vec::new()
    }
    /// For a stage that decodes strictly: the stage as a lenient decoder has it (Java's base64
    /// decoders ignore pad bits that are not zero), which diagnose tries only when the strict
    /// decoding fails (where it succeeds, both give the same bytes).
    fn lenient(&self, _sel: &Selection) -> Option<Mistake> {
        None
    }
    /// Whether the stage verifies received signatures with a public key (and signs with a
    /// private one) rather than computing a MAC.
    fn public_key(&self) -> bool {
        false
    }
    /// For a stage that writes the signature as text: the other ways a signer writes the raw
    /// MAC `raw` as its signature (hex in either case, base64 in either alphabet, padded or
    /// not, base64 of the hex text), each as a stage that replaces this one. Diagnose tries
    /// them on the signature stage, over every other candidate.
    fn output_forms(&self, _sel: &Selection, _raw: &Template) -> Vec<Mistake> {
        Vec::new()
    }
}

/// A stage's primitive, shared between copies of a recipe.
pub type Prim = Arc<dyn Primitive>;

/// A stage's part in a streamed run: a streamed body must be a whole part of one concatenation
/// that only a MAC or hash reads.
pub enum StreamRole<'a> {
    None,
    /// Joins its parts with a separator.
    Join {
        parts: &'a [Param<Template>],
        separator: &'a Template,
    },
    /// Digests `message`: an HMAC under `key`, or a plain hash without one.
    Digest {
        alg: Alg,
        key: Option<&'a Template>,
        message: &'a Template,
    },
}

/// The dimension of the slips of [`Primitive::output_forms`].
pub const OUTPUT: &str = "output";

/// A difference between two signers' ways with a stage, as data: its `kind` and parameters (the
/// same slip offered by two stages is one change), the part of the signing it is about (two
/// slips of one dimension do not combine), how likely it is (diagnose tries lower ranks
/// first), and a sentence about the other signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    pub data: serde_json::Value,
    pub dimension: &'static str,
    pub rank: u8,
    pub sentence: String,
}

/// A slip, and the stage as the other signer would have had it.
#[derive(Debug, Clone)]
pub struct Mistake {
    pub slip: Slip,
    pub prim: Prim,
}

/// A published value a primitive's stage must reproduce: the stage's table in TOML (its
/// templates read `{key}`, `{body}` or literal text), the key and body it signs, the expected
/// output and where the value is published.
pub struct Vector {
    pub stage: &'static str,
    pub key: &'static str,
    pub body: &'static str,
    pub expected: Expected,
    pub source: &'static str,
}

/// A stage's expected bytes: as text, or as hex for raw bytes.
pub enum Expected {
    Text(&'static str),
    Hex(&'static str),
}

/// A primitive as the recipe language knows it: the key that names it in a stage table, what it
/// makes, its arguments, the export function it lowers to, how to read it, and its test values.
pub struct Spec {
    pub name: &'static str,
    /// The result, in a few words (the README's primitives table).
    pub summary: &'static str,
    /// The primitive's own value (`hmac = "sha256"`): its kind and meaning.
    pub main: ArgSpec,
    /// The other keys of its table.
    pub args: &'static [ArgSpec],
    /// The export function its stages lower to.
    pub func: &'static Func,
    /// Reads a stage's arguments (declared in `main` and `args`) into the primitive.
    pub build: fn(&Args) -> Result<Prim, String>,
    /// Published values its stages must reproduce (at least one).
    pub vectors: &'static [Vector],
    /// The source file that holds it and its unit tests (`file!()`).
    pub file: &'static str,
}

impl fmt::Debug for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Spec({})", self.name)
    }
}

/// A template in words: a lone reference by its name, anything else quoted.
pub fn name_of(t: &Template) -> String {
    match t.single_ref() {
        Some(r) => r.to_string(),
        None => {
            let parts: Vec<String> = t
                .pieces()
                .iter()
                .map(|p| match p {
                    Piece::Ref(r) => r.clone(),
                    Piece::Literal(l) => format!("{l:?}"),
                })
                .collect();
            if parts.is_empty() {
                "\"\"".to_string()
            } else {
                parts.join(" + ")
            }
        }
    }
}

/// The most bytes one stage may hold: a recipe whose stages double their input stops here with
/// a clear error instead of growing until memory runs out.
pub const MAX_STAGE_BYTES: usize = 256 << 20;

/// Refuses an input too large to parse.
pub(crate) fn check_size(scope: &dyn Scope, t: &Template, len: usize) -> Result<(), SignError> {
    if len > MAX_PARSED_BYTES {
        return Err(SignError::TooLarge {
            input: scope.input_name(t),
            len,
        });
    }
    Ok(())
}

/// The parameters of a rendered template (`k=v&…` or a JSON object).
pub(crate) fn read_params(
    scope: &dyn Scope,
    t: &Template,
    decode: bool,
) -> Result<ParamList, SignError> {
    let text = scope.render(t)?;
    check_size(scope, t, text.bytes.len())?;
    parse_params(&text.bytes, decode).map_err(|e| SignError::InvalidJson {
        input: scope.input_name(t),
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

/// For primitives' unit tests: a stage's bytes over named values (no secrets).
#[cfg(test)]
pub(crate) fn eval_over_values(
    prim: &dyn Primitive,
    values: &[(&str, &[u8])],
) -> Result<Vec<u8>, SignError> {
    Ok(eval_received(prim, values, &[])?.bytes)
}

/// For primitives' unit tests: a stage's output over named values with these signatures
/// received (a verifying stage's input).
#[cfg(test)]
pub(crate) fn eval_received(
    prim: &dyn Primitive,
    values: &[(&str, &[u8])],
    received: &[String],
) -> Result<Out, SignError> {
    struct Values<'a>(&'a [(&'a str, &'a [u8])], &'a [String]);
    impl Values<'_> {
        fn get(&self, name: &str) -> Result<&[u8], SignError> {
            self.0
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
                .ok_or_else(|| SignError::Recipe(format!("no value `{name}`")))
        }
    }
    impl Scope for Values<'_> {
        fn render(&self, t: &Template) -> Result<Rendered<'_>, SignError> {
            let mut out = Vec::new();
            for p in t.pieces() {
                match p {
                    Piece::Literal(l) => out.extend_from_slice(l.as_bytes()),
                    Piece::Ref(r) => out.extend_from_slice(self.get(r)?),
                }
            }
            Ok(Rendered {
                bytes: Cow::Owned(out),
                secret: Vec::new(),
            })
        }
        fn stage(&self) -> &str {
            "test"
        }
        fn received(&self) -> &[String] {
            self.1
        }
    }
    prim.eval(&Values(values, received), &Selection::default())
}

/// For primitives' unit tests: a fixed template.
#[cfg(test)]
pub(crate) fn fixed(text: &str) -> Param<Template> {
    Param::Fixed(Template::parse(text).expect("a template"))
}

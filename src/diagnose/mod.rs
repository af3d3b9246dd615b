//! Why doesn't it match: search the plausible differences between how we signed and how the other
//! side did, and name the smallest set that reproduces their signature.
//!
//! The space: the scheme's own variants; the key (hex- or base64-decoded, trimmed, with a trailing
//! newline, a `whsec_` key decoded after its prefix, or a key the recipe decodes used as text); the
//! body (trailing newline added or removed, LF and CRLF swapped, JSON re-serialized compact, spaced
//! or pretty, sorted or not, non-ASCII escaped or not); a header of the request left unsigned; the
//! HMAC's hash function; separators (LF, CRLF); RFC 3986 encoding written as form encoding (`+`);
//! the URL (path only, without the query, without `?`, http or https, the default port written or
//! not); HMAC key and message swapped; and the output (hex lower or upper, base64 standard or
//! URL-safe, padded or not, base64 of the hex text). Changes to how the recipe signs (hash, swap,
//! separators, decoding, encoding) are rewrites of the recipe that the unchanged engine runs.
//! Every single change is tried, then every pair, each with every output encoding. Pure: no I/O.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use crate::sign::primitives::{self, Alg, Alphabet, Case as HexCase};
use crate::sign::recipe::{FieldKind, Selection};
use crate::sign::visible;
use crate::sign::{self, Comparison, Inputs, Recipe, SignError, Trace};

/// What was signed, and the signature someone else computed for it.
pub struct Case<'a> {
    pub recipe: &'a Recipe,
    pub fields: &'a BTreeMap<String, String>,
    pub key: &'a [u8],
    pub body: &'a [u8],
    /// The request's header lines (see [`Inputs::headers`]).
    pub headers: &'a [u8],
    pub selection: &'a Selection,
    pub expected: &'a str,
}

/// One difference between our signing and theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Variant {
        name: String,
        choice: String,
        ours: String,
    },
    KeyHexDecoded,
    KeyBase64Decoded,
    KeyTrimmed,
    KeyNewline,
    /// A `whsec_`-style key: the text after the prefix, base64-decoded.
    KeyPrefixDecoded(String),
    /// The recipe decodes the key (base64 or hex); the signer used its text as is.
    KeyNotDecoded,
    /// RFC 3986 encoding written as form encoding (a space as `+`).
    FormEncoding,
    /// A header of the request that the signer did not sign.
    HeaderLeftOut(String),
    /// The URL with its default port written (`:443`), or without it.
    UrlPort {
        written: bool,
        port: &'static str,
    },
    BodyNewlineAdded,
    BodyNewlineRemoved,
    BodyCrlf,
    BodyLf,
    BodyJson {
        sorted: bool,
        style: JsonStyle,
        ascii: bool,
    },
    Alg(Alg),
    Separators {
        crlf: bool,
    },
    UrlPathOnly,
    UrlWithoutQuery,
    UrlWithoutQuestionMark,
    UrlScheme(&'static str),
    Swapped,
    Output(Output),
}

/// How a body was written again as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStyle {
    /// `,` and `:`.
    Compact,
    /// `, ` and `: ` (Python's default).
    Spaced,
    /// Indented by two or four spaces.
    Pretty(usize),
}

/// An encoding of the raw MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Hex(HexCase),
    Base64 { alphabet: Alphabet, padded: bool },
    Base64OfHex(HexCase),
}

impl Change {
    /// The change as data for scripts: a `kind`, its parameters, and the sentence.
    pub fn data(&self) -> serde_json::Value {
        use serde_json::json;
        let case = |c: &HexCase| {
            if *c == HexCase::Upper {
                "upper"
            } else {
                "lower"
            }
        };
        let mut v = match self {
            Change::Variant { name, choice, ours } => {
                json!({"kind": "variant", "name": name, "choice": choice, "ours": ours})
            }
            Change::KeyHexDecoded => json!({"kind": "key_hex_decoded"}),
            Change::KeyBase64Decoded => json!({"kind": "key_base64_decoded"}),
            Change::KeyTrimmed => json!({"kind": "key_trimmed"}),
            Change::KeyNewline => json!({"kind": "key_newline"}),
            Change::KeyPrefixDecoded(prefix) => {
                json!({"kind": "key_prefix_decoded", "prefix": prefix})
            }
            Change::KeyNotDecoded => json!({"kind": "key_not_decoded"}),
            Change::FormEncoding => json!({"kind": "form_encoding"}),
            Change::HeaderLeftOut(name) => json!({"kind": "header_left_out", "header": name}),
            Change::UrlPort { written, port } => {
                json!({"kind": "url_port", "written": written, "port": port})
            }
            Change::BodyNewlineAdded => json!({"kind": "body_newline_added"}),
            Change::BodyNewlineRemoved => json!({"kind": "body_newline_removed"}),
            Change::BodyCrlf => json!({"kind": "body_crlf"}),
            Change::BodyLf => json!({"kind": "body_lf"}),
            Change::BodyJson {
                sorted,
                style,
                ascii,
            } => json!({
                "kind": "body_json",
                "sorted": sorted,
                "style": match style {
                    JsonStyle::Compact => "compact".to_string(),
                    JsonStyle::Spaced => "spaced".to_string(),
                    JsonStyle::Pretty(n) => format!("pretty-{n}"),
                },
                "ascii": ascii,
            }),
            Change::Alg(a) => json!({"kind": "alg", "alg": a.word()}),
            Change::Separators { crlf } => json!({"kind": "separators", "crlf": crlf}),
            Change::UrlPathOnly => json!({"kind": "url_path_only"}),
            Change::UrlWithoutQuery => json!({"kind": "url_without_query"}),
            Change::UrlWithoutQuestionMark => json!({"kind": "url_without_question_mark"}),
            Change::UrlScheme(s) => json!({"kind": "url_scheme", "scheme": s}),
            Change::Swapped => json!({"kind": "swapped"}),
            Change::Output(o) => match o {
                Output::Hex(c) => json!({"kind": "output", "encoding": "hex", "case": case(c)}),
                Output::Base64 { alphabet, padded } => json!({
                    "kind": "output",
                    "encoding": "base64",
                    "alphabet": if *alphabet == Alphabet::UrlSafe { "url-safe" } else { "standard" },
                    "padded": padded,
                }),
                Output::Base64OfHex(c) => {
                    json!({"kind": "output", "encoding": "base64-of-hex", "case": case(c)})
                }
            },
        };
        v["sentence"] = json!(self.sentence());
        v
    }

    /// The change in a plain sentence about the other signer.
    pub fn sentence(&self) -> String {
        match self {
            Change::Variant { name, choice, ours } => {
                format!("the signer used {name}={choice} where you used {name}={ours}")
            }
            Change::KeyHexDecoded => {
                "the signer's key was the hex-decoded bytes of your key text".into()
            }
            Change::KeyBase64Decoded => {
                "the signer's key was the base64-decoded bytes of your key text".into()
            }
            Change::KeyTrimmed => {
                "the signer's key had no surrounding whitespace (yours has some)".into()
            }
            Change::KeyPrefixDecoded(prefix) => format!(
                "the signer's key was the base64-decoded bytes of your key after `{prefix}` (yours is used as text)"
            ),
            Change::KeyNotDecoded => {
                "the signer used the key text as it is, not decoded (a whsec_ or hex secret used as text)".into()
            }
            Change::FormEncoding => {
                "the signer encoded spaces as + (form encoding) where RFC 3986 writes %20".into()
            }
            Change::HeaderLeftOut(name) => format!(
                "the signer did not sign the header `{name}` (added after signing?)"
            ),
            Change::UrlPort { written: true, port } => {
                format!("the signer's URL had the default port :{port} written")
            }
            Change::UrlPort { written: false, port } => {
                format!("the signer's URL had no :{port} (a default port)")
            }
            Change::KeyNewline => {
                "the signer's key ended with a newline (a key file written with echo?)".into()
            }
            Change::BodyNewlineAdded => "the signer's body ended with a newline".into(),
            Change::BodyNewlineRemoved => "the signer's body had no trailing newline".into(),
            Change::BodyCrlf => "the signer's body had CRLF line endings".into(),
            Change::BodyLf => "the signer's body had LF line endings (yours has CRLF)".into(),
            Change::BodyJson {
                sorted,
                style,
                ascii,
            } => format!(
                "the signer re-serialized the body as JSON: {}, {}, {}",
                match style {
                    JsonStyle::Compact => "compact".to_string(),
                    JsonStyle::Spaced =>
                        "with spaces after `,` and `:` (Python's json.dumps default)".to_string(),
                    JsonStyle::Pretty(n) => format!("pretty-printed with {n}-space indents"),
                },
                if *sorted {
                    "keys sorted"
                } else {
                    "keys in their order"
                },
                if *ascii {
                    "non-ASCII escaped as \\uXXXX"
                } else {
                    "non-ASCII as UTF-8"
                },
            ),
            Change::Alg(a) => format!("the signer used HMAC-{}", a.label()),
            Change::Separators { crlf: true } => {
                "the signer joined the lines with CRLF instead of LF".into()
            }
            Change::Separators { crlf: false } => {
                "the signer joined the lines with LF instead of CRLF".into()
            }
            Change::UrlPathOnly => "the signer signed only the path and query of the URL".into(),
            Change::UrlWithoutQuery => "the signer signed the URL without its query".into(),
            Change::UrlWithoutQuestionMark => {
                "the signer signed the URL without the `?` before the query".into()
            }
            Change::UrlScheme(s) => format!("the signer's URL began with {s}://"),
            Change::Swapped => "the signer swapped the HMAC's key and message".into(),
            Change::Output(o) => match o {
                Output::Hex(HexCase::Lower) => "the signature was the MAC in lower-case hex".into(),
                Output::Hex(HexCase::Upper) => "the signature was the MAC in upper-case hex".into(),
                Output::Base64 { alphabet, padded } => format!(
                    "the signature was the MAC in base64, {} alphabet, {}",
                    if *alphabet == Alphabet::UrlSafe {
                        "URL-safe"
                    } else {
                        "standard"
                    },
                    if *padded { "padded" } else { "without padding" }
                ),
                Output::Base64OfHex(c) => format!(
                    "the signature was base64 of the {} hex text",
                    if *c == HexCase::Upper {
                        "upper-case"
                    } else {
                        "lower-case"
                    }
                ),
            },
        }
    }

    /// Which part of the signing the change is about (two changes of one part do not combine).
    fn dimension(&self) -> String {
        match self {
            Change::Variant { name, .. } => format!("variant {name}"),
            Change::KeyHexDecoded
            | Change::KeyBase64Decoded
            | Change::KeyTrimmed
            | Change::KeyNewline
            | Change::KeyPrefixDecoded(_)
            | Change::KeyNotDecoded => "key".into(),
            Change::FormEncoding => "encoding".into(),
            Change::HeaderLeftOut(_) => "headers".into(),
            Change::BodyNewlineAdded
            | Change::BodyNewlineRemoved
            | Change::BodyCrlf
            | Change::BodyLf
            | Change::BodyJson { .. } => "body".into(),
            Change::Alg(_) => "algorithm".into(),
            Change::Separators { .. } => "separators".into(),
            Change::UrlPathOnly
            | Change::UrlWithoutQuery
            | Change::UrlWithoutQuestionMark
            | Change::UrlScheme(_)
            | Change::UrlPort { .. } => "url".into(),
            Change::Swapped => "swap".into(),
            Change::Output(_) => "output".into(),
        }
    }
}

/// A change with what it does to the inputs.
#[derive(Clone)]
struct Single {
    change: Change,
    apply: Apply,
}

#[derive(Clone)]
enum Apply {
    Choice(String, String),
    Key(Vec<u8>),
    Body(Vec<u8>),
    Field(String, String),
    /// The header lines without one header (and its name out of every `;` list of names).
    HeaderOut(String),
    Rewrite(Rewrite),
}

/// A change to the recipe itself, run by the unchanged engine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rewrite {
    /// Every HMAC with this hash function.
    Alg(Alg),
    /// Every HMAC with its key and message swapped.
    Swap,
    /// Separators of concatenations with LF written as CRLF (true) or CRLF as LF.
    Crlf(bool),
    /// Decoding stages (`from_base64`, `from_hex`) that pass their text through instead.
    NoDecode,
    /// RFC 3986 encodings written as form encoding.
    Form,
}

impl Rewrite {
    /// Applies the rewrite to one stage's table.
    fn apply(self, primitive: &str, table: &mut toml::Table) {
        match (self, primitive) {
            (Rewrite::Alg(a), "hmac") => {
                table.insert("hmac".into(), toml::Value::String(a.word().into()));
            }
            (Rewrite::Swap, "hmac") => {
                let (k, m) = (table.remove("key"), table.remove("message"));
                if let (Some(k), Some(m)) = (k, m) {
                    table.insert("key".into(), m);
                    table.insert("message".into(), k);
                }
            }
            (Rewrite::NoDecode, "from_base64" | "from_hex") => {
                if let Some(input) = table.remove(primitive) {
                    table.retain(|k, _| !matches!(k, "strip" | "alphabet"));
                    table.insert("concat".into(), toml::Value::Array(vec![input]));
                }
            }
            (Rewrite::Form, "params")
                if table.get("encode").and_then(|v| v.as_str()) == Some("rfc3986") =>
            {
                table.insert("encode".into(), toml::Value::String("form".into()));
            }
            (Rewrite::Form, "percent_encode")
                if table
                    .get("keep")
                    .is_none_or(|v| v.as_str() == Some("unreserved")) =>
            {
                table.insert("keep".into(), toml::Value::String("form".into()));
            }
            (Rewrite::Crlf(crlf), "concat") => {
                if let Some(sep) = table.get_mut("separator") {
                    map_strings(sep, &|s| {
                        let lf = s.replace("\r\n", "\n");
                        if crlf { lf.replace('\n', "\r\n") } else { lf }
                    });
                }
            }
            _ => {}
        }
    }
}

/// Rewrites every string of a TOML value.
fn map_strings(v: &mut toml::Value, f: &dyn Fn(&str) -> String) {
    match v {
        toml::Value::String(s) => *s = f(s),
        toml::Value::Table(t) => t.iter_mut().for_each(|(_, v)| map_strings(v, f)), // (|v| map_strings(v, f)),
        toml::Value::Array(a) => a.iter_mut().for_each(|v| map_strings(v, f)),
        _ => {}
    }
}

/// The smallest set of changes found, and the two traces it lies between.
pub struct Explanation {
    pub changes: Vec<Change>,
    pub ours: Trace,
    pub theirs: Trace,
    /// The signature the changes give (the expected one).
    pub signature: String,
}

/// What the search found.
pub enum Outcome {
    /// The signature already matches (or differs only as receivers accept).
    Matches(Comparison),
    Explained(Box<Explanation>),
    /// Nothing in the space reproduces it: how many signings were tried, over which parts.
    NotFound {
        tried: usize,
        dimensions: Vec<String>,
    },
    /// The search stopped before the end of the space: its budget ran out, or it was cancelled.
    Stopped {
        searched: usize,
        total: usize,
        cancelled: bool,
    },
}

impl Outcome {
    /// Where the explained strings part: the stage (`canonical_request` where the scheme has one,
    /// else `canonical`) and the first differing byte. None when they are the same or there is
    /// no explanation.
    pub fn difference(&self) -> Option<(&'static str, usize)> {
        let Outcome::Explained(e) = self else {
            return None;
        };
        ["canonical_request", "canonical"]
            .into_iter()
            .find_map(|name| {
                let (a, b) = (e.ours.stage(name)?, e.theirs.stage(name)?);
                (a.bytes != b.bytes).then(|| {
                    let at = a
                        .bytes
                        .iter()
                        .zip(&b.bytes)
                        .take_while(|(x, y)| x == y)
                        .count();
                    (name, at)
                })
            })
    }

    /// The outcome as data for scripts (`diagnose --format json`).
    pub fn data(&self) -> serde_json::Value {
        use serde_json::json;
        let difference = self
            .difference()
            .map(|(stage, byte)| json!({"stage": stage, "byte": byte}));
        match self {
            Outcome::Matches(c) => json!({
                "outcome": "matches",
                "equivalent": match c {
                    Comparison::Equivalent(why) => Some(why.to_string()),
                    _ => None,
                },
            }),
            Outcome::Explained(e) => json!({
                "outcome": "explained",
                "changes": e.changes.iter().map(Change::data).collect::<Vec<_>>(),
                "difference": difference,
                "signature": e.signature,
            }),
            Outcome::NotFound { tried, dimensions } => json!({
                "outcome": "not_found",
                "tried": tried,
                "dimensions": dimensions,
            }),
            Outcome::Stopped {
                searched,
                total,
                cancelled,
            } => json!({
                "outcome": if *cancelled { "cancelled" } else { "stopped" },
                "searched": searched,
                "total": total,
            }),
        }
    }

    /// The outcome in plain lines, as the command line prints it and the TUI shows it:
    /// sentences, then where the strings to sign part.
    pub fn report(&self) -> Vec<String> {
        match self {
            Outcome::Matches(c) => vec![format!(
                "The signatures match{}: nothing to diagnose.",
                match c {
                    Comparison::Equivalent(why) => format!(" ({why})"),
                    _ => String::new(),
                }
            )],
            Outcome::Explained(e) => {
                let n = e.changes.len();
                let mut lines = vec![format!(
                    "Explained by {n} difference{}:",
                    if n == 1 { "" } else { "s" }
                )];
                lines.extend(e.changes.iter().map(|c| format!("  - {}", c.sentence())));
                lines.push(String::new());
                // Where a scheme builds a canonical request before the string to sign (AWS,
                // TC3), that is where a difference can be read; the string to sign only holds
                // its hash.
                let request = match (
                    e.ours.stage("canonical_request"),
                    e.theirs.stage("canonical_request"),
                ) {
                    (Some(a), Some(b)) => byte_diff(a, b)
                        .map(|d| ("The canonical requests (canonical_request) part", d)),
                    _ => None,
                };
                match (e.ours.stage("canonical"), e.theirs.stage("canonical")) {
                    (Some(a), Some(b)) => match request.or_else(|| {
                        byte_diff(a, b).map(|d| ("The strings to sign (canonical) part", d))
                    }) {
                        Some((what, diff)) => {
                            let at = diff[2].rsplit(' ').next().unwrap_or("?").to_string();
                            lines.push(format!("{what} at byte {at}:"));
                            lines.extend(diff.into_iter().map(|l| format!("  {l}")));
                        }
                        None => lines.push(
                            "The strings to sign (canonical) are the same: the difference is in the key, the MAC or the output."
                                .to_string(),
                        ),
                    },
                    _ => lines.push("(this scheme has no stage named `canonical` to compare)".to_string()),
                }
                lines.push(String::new());
                lines.push(format!(
                    "With these differences the signature is {}",
                    e.signature
                ));
                lines
            }
            Outcome::Stopped {
                searched,
                total,
                cancelled: true,
            } => vec![format!(
                "Cancelled: searched {searched} of {total} candidates; none of them gives the expected signature."
            )],
            Outcome::Stopped {
                searched, total, ..
            } => vec![format!(
                "Stopped: searched {searched} of {total} candidates (the budget; raise it with --max-candidates); none of them gives the expected signature."
            )],
            Outcome::NotFound { tried, dimensions } => {
                let variants: Vec<&str> = dimensions
                    .iter()
                    .filter_map(|d| d.strip_prefix("variant "))
                    .collect();
                let mut parts: Vec<String> = Vec::new();
                if !variants.is_empty() {
                    parts.push(format!("the variants ({})", variants.join(", ")));
                }
                parts.extend(
                    dimensions
                        .iter()
                        .filter(|d| !d.starts_with("variant "))
                        .cloned(),
                );
                vec![format!(
                    "Not explained: {tried} signings were tried over {}, one change at a time and in pairs, each with every output encoding; none gives the expected signature. Check the key first: it is the one input no search can guess.",
                    parts.join(", ")
                )]
            }
        }
    }
}

/// Signings a search tries at most unless told otherwise (`--max-candidates`).
pub const DEFAULT_MAX_CANDIDATES: usize = 20_000;

/// How far a search may go, and where it reports its progress.
pub struct Limits<'a> {
    /// Signings at most (the first, unchanged one included).
    pub max_candidates: usize,
    /// Set from elsewhere (the TUI's Esc) to stop the search.
    pub cancel: Option<&'a AtomicBool>,
    /// Signings tried so far, for a progress display.
    pub progress: Option<&'a AtomicUsize>,
}

impl Default for Limits<'_> {
    fn default() -> Self {
        Limits {
            max_candidates: DEFAULT_MAX_CANDIDATES,
            cancel: None,
            progress: None,
        }
    }
}

/// Searches the space for the smallest set of changes that reproduces `case.expected`, within
/// the default limits.
pub fn diagnose(case: &Case) -> Result<Outcome, SignError> {
    diagnose_with(case, &Limits::default())
}

/// As [`diagnose`], within `limits`: past the budget, or when cancelled, the outcome says how
/// many of how many candidates were searched.
pub fn diagnose_with(case: &Case, limits: &Limits) -> Result<Outcome, SignError> {
    let expected = case.expected.trim();
    let ours = sign::run(
        case.recipe,
        &Inputs {
            fields: case.fields,
            key: case.key,
            body: case.body,
            headers: case.headers,
            selection: case.selection,
        },
    )?;
    let comparison = sign::compare(case.recipe, ours.signature(), expected);
    if comparison.accepted() {
        return Ok(Outcome::Matches(comparison));
    }
    let singles = singles(case, &ours);
    let rewritten = Rewritten::default();
    let mut tried = 1;
    // The size of the space: the unchanged signing, every single change, every pair of changes
    // to different parts.
    let dims: Vec<String> = singles.iter().map(|s| s.change.dimension()).collect();
    let mut per_dim: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for d in &dims {
        *per_dim.entry(d.as_str()).or_default() += 1;
    }
    let n = singles.len();
    let same: usize = per_dim.values().map(|k| k * k.saturating_sub(1) / 2).sum();
    let total = 1 + n + (n * n.saturating_sub(1) / 2 - same);
    let stop = |tried: usize| -> Option<Outcome> {
        if let Some(p) = limits.progress {
            p.store(tried, Ordering::Relaxed);
        }
        let cancelled = limits.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        (cancelled || tried >= limits.max_candidates).then_some(Outcome::Stopped {
            searched: tried,
            total,
            cancelled,
        })
    };
    // One change: the scheme's own variants and the other single changes first, then an output
    // encoding alone (a variant that names an encoding is the better answer).
    let mut with_output: Option<(Vec<Change>, Trace)> = None;
    for s in &singles {
        if let Some(stopped) = stop(tried) {
            return Ok(stopped);
        }
        tried += 1;
        let Ok(t) = run_with(case, &rewritten, &[s]) else {
            continue;
        };
        if sign::compare(case.recipe, t.signature(), expected).accepted() {
            return Ok(explained(vec![s.change.clone()], ours, t, expected));
        }
        if with_output.is_none()
            && let Some(o) = output_match(&t, expected)
        {
            with_output = Some((vec![s.change.clone(), Change::Output(o)], t));
        }
    }
    if let Some(o) = output_match(&ours, expected) {
        return Ok(explained(
            vec![Change::Output(o)],
            ours.clone(),
            ours,
            expected,
        ));
    }
    // Two changes: a pair of different parts, or one change and an output encoding.
    let mut three: Option<(Vec<Change>, Trace)> = None;
    for (i, a) in singles.iter().enumerate() {
        for (j, b) in singles.iter().enumerate().skip(i + 1) {
            if dims[i] == dims[j] {
                continue;
            }
            if let Some(stopped) = stop(tried) {
                return Ok(stopped);
            }
            tried += 1;
            let Ok(t) = run_with(case, &rewritten, &[a, b]) else {
                continue;
            };
            if sign::compare(case.recipe, t.signature(), expected).accepted() {
                return Ok(explained(
                    vec![a.change.clone(), b.change.clone()],
                    ours,
                    t,
                    expected,
                ));
            }
            if three.is_none()
                && with_output.is_none()
                && let Some(o) = output_match(&t, expected)
            {
                three = Some((
                    vec![a.change.clone(), b.change.clone(), Change::Output(o)],
                    t,
                ));
            }
        }
    }
    if let Some((changes, t)) = with_output.or(three) {
        return Ok(explained(changes, ours, t, expected));
    }
    let mut dimensions: Vec<String> = singles.iter().map(|s| s.change.dimension()).collect();
    dimensions.push("output".into());
    dimensions.dedup();
    Ok(Outcome::NotFound { tried, dimensions })
}

fn explained(changes: Vec<Change>, ours: Trace, theirs: Trace, signature: &str) -> Outcome {
    Outcome::Explained(Box::new(Explanation {
        changes,
        ours,
        theirs,
        signature: signature.to_string(),
    }))
}

/// The encoding of a trace's raw MAC that gives `expected`, if one does.
fn output_match(trace: &Trace, expected: &str) -> Option<Output> {
    let raw = trace.stages.iter().rev().find(|s| s.raw)?;
    let mac = &raw.bytes;
    let hex_lower = primitives::hex(mac, HexCase::Lower);
    let hex_upper = primitives::hex(mac, HexCase::Upper);
    let candidates: [(Output, Vec<u8>); 8] = [
        (Output::Hex(HexCase::Lower), hex_lower.clone()),
        (Output::Hex(HexCase::Upper), hex_upper.clone()),
        (
            Output::Base64 {
                alphabet: Alphabet::Standard,
                padded: true,
            },
            STANDARD.encode(mac).into_bytes(),
        ),
        (
            Output::Base64 {
                alphabet: Alphabet::Standard,
                padded: false,
            },
            STANDARD_NO_PAD.encode(mac).into_bytes(),
        ),
        (
            Output::Base64 {
                alphabet: Alphabet::UrlSafe,
                padded: true,
            },
            URL_SAFE.encode(mac).into_bytes(),
        ),
        (
            Output::Base64 {
                alphabet: Alphabet::UrlSafe,
                padded: false,
            },
            URL_SAFE_NO_PAD.encode(mac).into_bytes(),
        ),
        (
            Output::Base64OfHex(HexCase::Lower),
            STANDARD.encode(&hex_lower).into_bytes(),
        ),
        (
            Output::Base64OfHex(HexCase::Upper),
            STANDARD.encode(&hex_upper).into_bytes(),
        ),
    ];
    let own = trace.signature();
    candidates
        .into_iter()
        .find(|(_, bytes)| bytes.as_slice() != own && bytes.as_slice() == expected.as_bytes())
        .map(|(o, _)| o)
}

/// Signs with some changes applied.
/// The recipe under each set of rewrites tried so far, read once per search (reading a recipe
/// costs more than signing with it).
#[derive(Default)]
struct Rewritten(std::cell::RefCell<Vec<(Vec<Rewrite>, std::rc::Rc<Recipe>)>>);

impl Rewritten {
    fn get(&self, recipe: &Recipe, rewrites: &[Rewrite]) -> Result<std::rc::Rc<Recipe>, SignError> {
        if let Some((_, r)) = self.0.borrow().iter().find(|(k, _)| k == rewrites) {
            return Ok(r.clone());
        }
        let r = std::rc::Rc::new(
            recipe
                .rewrite(|p, t| rewrites.iter().for_each(|r| r.apply(p, t)))
                .map_err(|e| SignError::Recipe(e.to_string()))?,
        );
        self.0.borrow_mut().push((rewrites.to_vec(), r.clone()));
        Ok(r)
    }
}

fn run_with(case: &Case, rewritten: &Rewritten, changes: &[&Single]) -> Result<Trace, SignError> {
    let mut fields = case.fields.clone();
    let mut key = case.key.to_vec();
    let mut body = case.body.to_vec();
    let mut chosen: Vec<(String, String)> = case
        .selection
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut rewrites = Vec::new();
    let mut headers = std::borrow::Cow::Borrowed(case.headers);
    for s in changes {
        match &s.apply {
            Apply::Choice(name, choice) => {
                chosen.retain(|(k, _)| k != name);
                chosen.push((name.clone(), choice.clone()));
            }
            Apply::Key(k) => key = k.clone(),
            Apply::Body(b) => body = b.clone(),
            Apply::HeaderOut(name) => {
                headers = std::borrow::Cow::Owned(without_header(case.headers, name));
                for v in fields.values_mut() {
                    let names: Vec<&str> = v.split(';').collect();
                    if names.len() > 1 && names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                        *v = names
                            .into_iter()
                            .filter(|n| !n.eq_ignore_ascii_case(name))
                            .collect::<Vec<_>>()
                            .join(";");
                    }
                }
            }
            Apply::Field(name, value) => {
                fields.insert(name.clone(), value.clone());
            }
            Apply::Rewrite(r) => rewrites.push(*r),
        }
    }
    let kept;
    let recipe = if rewrites.is_empty() {
        case.recipe
    } else {
        kept = rewritten.get(case.recipe, &rewrites)?;
        &*kept
    };
    let selection = case
        .recipe
        .select(chosen.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    sign::run(
        recipe,
        &Inputs {
            fields: &fields,
            key: &key,
            body: &body,
            headers: &headers,
            selection: &selection,
        },
    )
}

/// Header lines without every line of one header (and the folded lines that continue it).
fn without_header(headers: &[u8], name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in headers.split_inclusive(|&b| b == b'\n') {
        if matches!(line.first(), Some(b' ' | b'\t')) {
            if !skipping {
                out.extend_from_slice(line);
            }
            continue;
        }
        let this = line.split(|&b| b == b':').next().unwrap_or_default();
        skipping = this.trim_ascii().eq_ignore_ascii_case(name.as_bytes());
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out
}

/// Every single change that applies to this case, most likely first.
fn singles(case: &Case, ours: &Trace) -> Vec<Single> {
    let mut out = Vec::new();
    let mut push = |change: Change, apply: Apply| out.push(Single { change, apply });

    for v in &case.recipe.variants {
        let current = case.selection.choice(&v.name).to_string();
        for c in v.choices.iter().filter(|c| **c != current) {
            push(
                Change::Variant {
                    name: v.name.clone(),
                    choice: c.clone(),
                    ours: current.clone(),
                },
                Apply::Choice(v.name.clone(), c.clone()),
            );
        }
    }

    let body = case.body;
    if !body.is_empty() {
        if body.ends_with(b"\n") {
            let cut = if body.ends_with(b"\r\n") { 2 } else { 1 };
            push(
                Change::BodyNewlineRemoved,
                Apply::Body(body[..body.len() - cut].to_vec()),
            );
        } else {
            push(
                Change::BodyNewlineAdded,
                Apply::Body([body, b"\n"].concat()),
            );
        }
        let text = String::from_utf8_lossy(body);
        if body.contains(&b'\n') && !text.contains("\r\n") {
            push(
                Change::BodyCrlf,
                Apply::Body(text.replace('\n', "\r\n").into_bytes()),
            );
        }
        if text.contains("\r\n") {
            push(
                Change::BodyLf,
                Apply::Body(text.replace("\r\n", "\n").into_bytes()),
            );
        }
        if let Ok(value) = primitives::parse_json(body) {
            let mut seen: Vec<Vec<u8>> = vec![body.to_vec()];
            for sorted in [false, true] {
                for style in [
                    JsonStyle::Compact,
                    JsonStyle::Spaced,
                    JsonStyle::Pretty(2),
                    JsonStyle::Pretty(4),
                ] {
                    for ascii in [false, true] {
                        let b = reserialize(&value, sorted, style, ascii);
                        if !seen.contains(&b) {
                            seen.push(b.clone());
                            push(
                                Change::BodyJson {
                                    sorted,
                                    style,
                                    ascii,
                                },
                                Apply::Body(b),
                            );
                        }
                    }
                }
            }
        }
    }

    let key = case.key;
    let key_text = String::from_utf8_lossy(key);
    let trimmed = key_text.trim();
    if trimmed.len() != key_text.len() {
        push(Change::KeyTrimmed, Apply::Key(trimmed.as_bytes().to_vec()));
    }
    if trimmed.len().is_multiple_of(2)
        && !trimmed.is_empty()
        && let Ok(k) = hex::decode(trimmed)
    {
        push(Change::KeyHexDecoded, Apply::Key(k));
    }
    if trimmed.len() >= 4 {
        let decoded = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
            .into_iter()
            .find_map(|e| e.decode(trimmed).ok());
        if let Some(k) = decoded {
            push(Change::KeyBase64Decoded, Apply::Key(k));
        }
    }
    push(Change::KeyNewline, Apply::Key([key, b"\n"].concat()));
    // `whsec_…`: the part after a lower-case prefix and `_`, base64-decoded.
    if let Some((prefix, rest)) = trimmed.split_once('_') {
        let is_prefix = !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_lowercase());
        let decoded = primitives::decode_base64(rest.as_bytes(), Alphabet::Standard)
            .or_else(|_| primitives::decode_base64(rest.as_bytes(), Alphabet::UrlSafe));
        if let (true, Ok(k)) = (is_prefix, decoded) {
            push(
                Change::KeyPrefixDecoded(format!("{prefix}_")),
                Apply::Key(k),
            );
        }
    }
    // Each header of the request, left out of what is signed.
    if let Ok(lines) = primitives::parse_header_lines(case.headers) {
        let mut seen = Vec::new();
        for (name, _) in lines {
            let name = name.to_ascii_lowercase();
            if !seen.contains(&name) {
                push(
                    Change::HeaderLeftOut(name.clone()),
                    Apply::HeaderOut(name.clone()),
                );
                seen.push(name);
            }
        }
    }

    for f in case
        .recipe
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Url)
    {
        let Some(url) = ours.fields.get(&f.name) else {
            continue;
        };
        let full = url.clone();
        if let Some((scheme, rest)) = full.split_once("://") {
            let other = if scheme == "https" { "http" } else { "https" };
            push(
                Change::UrlScheme(other),
                Apply::Field(f.name.clone(), format!("{other}://{rest}")),
            );
            let path_and_query = String::from_utf8_lossy(&primitives::url_part(
                full.as_bytes(),
                primitives::UrlPart::PathAndQuery,
            ))
            .into_owned();
            push(
                Change::UrlPathOnly,
                Apply::Field(f.name.clone(), path_and_query),
            );
        }
        if let Some((scheme, rest)) = full.split_once("://") {
            let port = if scheme == "https" { "443" } else { "80" };
            let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (host, path) = rest.split_at(host_end);
            let written = format!(":{port}");
            if let Some(bare) = host.strip_suffix(&written) {
                push(
                    Change::UrlPort {
                        written: false,
                        port,
                    },
                    Apply::Field(f.name.clone(), format!("{scheme}://{bare}{path}")),
                );
            } else if !host.contains(':') {
                push(
                    Change::UrlPort {
                        written: true,
                        port,
                    },
                    Apply::Field(f.name.clone(), format!("{scheme}://{host}{written}{path}")),
                );
            }
        }
        if let Some((without, _)) = full.split_once('?') {
            push(
                Change::UrlWithoutQuery,
                Apply::Field(f.name.clone(), without.to_string()),
            );
            push(
                Change::UrlWithoutQuestionMark,
                Apply::Field(f.name.clone(), full.replacen('?', "", 1)),
            );
        }
    }

    // What the recipe's own stages say, under our selection.
    let written = |primitive: &str, key: &str| -> Vec<String> {
        case.recipe
            .active_stages(case.selection)
            .filter(|s| s.primitive == primitive)
            .filter_map(|s| s.table.get(key))
            .filter_map(|v| match v {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Table(t) => {
                    let variant = t.get("variant")?.as_str()?;
                    let choice = case.selection.choice(variant);
                    match t.get("map") {
                        Some(toml::Value::Table(m)) => m.get(choice)?.as_str().map(String::from),
                        _ => Some(choice.to_string()),
                    }
                }
                _ => None,
            })
            .collect()
    };
    let separators = written("concat", "separator");
    if separators.iter().any(|s| s.contains('\n')) {
        let crlf = separators.iter().any(|s| s.contains("\r\n"));
        push(
            Change::Separators { crlf: !crlf },
            Apply::Rewrite(Rewrite::Crlf(!crlf)),
        );
    }
    let stages_of = |names: &[&str]| {
        case.recipe
            .active_stages(case.selection)
            .any(|s| names.contains(&s.primitive))
    };
    if stages_of(&["from_base64", "from_hex"]) {
        push(Change::KeyNotDecoded, Apply::Rewrite(Rewrite::NoDecode));
    }
    let rfc3986 = case.recipe.active_stages(case.selection).any(|s| {
        (s.primitive == "params"
            && s.table.get("encode").and_then(|v| v.as_str()) == Some("rfc3986"))
            || s.primitive == "percent_encode"
    });
    if rfc3986 {
        push(Change::FormEncoding, Apply::Rewrite(Rewrite::Form));
    }
    let algs = written("hmac", "hmac");
    if !algs.is_empty() {
        for a in [Alg::Sha256, Alg::Sha1, Alg::Sha512] {
            if !algs.iter().any(|w| w == a.word()) {
                push(Change::Alg(a), Apply::Rewrite(Rewrite::Alg(a)));
            }
        }
        push(Change::Swapped, Apply::Rewrite(Rewrite::Swap));
    }
    out
}

/// A JSON value written as a signer's library would: compact, spaced or indented, keys sorted or
/// not, non-ASCII as UTF-8 or `\uXXXX` (as Python's `json.dumps` does with `ensure_ascii`).
fn reserialize(value: &serde_json::Value, sorted: bool, style: JsonStyle, ascii: bool) -> Vec<u8> {
    let mut value = value.clone();
    if sorted {
        sort_keys(&mut value);
    }
    let text = match style {
        JsonStyle::Compact => serde_json::to_string(&value).expect("a value serializes"),
        JsonStyle::Spaced => {
            let mut out = Vec::new();
            let mut ser =
                serde_json::Serializer::with_formatter(&mut out, primitives::spaced_formatter());
            serde::Serialize::serialize(&value, &mut ser).expect("a value serializes");
            String::from_utf8(out).expect("JSON is UTF-8")
        }
        JsonStyle::Pretty(n) => {
            let indent = " ".repeat(n);
            let mut out = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(
                &mut out,
                serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes()),
            );
            serde::Serialize::serialize(&value, &mut ser).expect("a value serializes");
            String::from_utf8(out).expect("JSON is UTF-8")
        }
    };
    if !ascii {
        return text.into_bytes();
    }
    // Outside strings JSON is ASCII, so every non-ASCII character is inside a string.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out.into_bytes()
}

fn sort_keys(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_keys);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Where two strings to sign part, as three lines: ours, theirs, and a caret with the byte
/// offset; invisible bytes shown and the key masked. About 24 bytes of context either side.
pub fn byte_diff(ours: &sign::Stage, theirs: &sign::Stage) -> Option<Vec<String>> {
    if ours.bytes == theirs.bytes {
        return None;
    }
    // The comparison is made with the key masked on both sides, so that a key of another
    // length does not put the first difference (and the caret) inside `‹key›`.
    let (a, a_secret, a_map) = masked(ours);
    let (b, b_secret, _) = masked(theirs);
    let (a, b) = (&a, &b);
    if a == b {
        return Some(vec![format!(
            "yours and theirs differ only inside {}: the key, or its length, differs",
            visible::MASK
        )]);
    }
    let prefix = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let from = char_start(a, prefix.saturating_sub(24));
    let (line_a, caret) = window(a, &a_secret, from, prefix, a.len() - suffix);
    let (line_b, _) = window(b, &b_secret, from, prefix, b.len() - suffix);
    Some(vec![
        format!("yours:  {line_a}"),
        format!("theirs: {line_b}"),
        format!("        {}^ byte {}", " ".repeat(caret), a_map(prefix)),
    ])
}

/// A stage's bytes with each key range replaced by the mask's bytes, the ranges of the masks,
/// and a map from an offset in the masked bytes back to the stage's own (outside the masks).
fn masked(
    stage: &sign::Stage,
) -> (
    Vec<u8>,
    Vec<std::ops::Range<usize>>,
    impl Fn(usize) -> usize + use<>,
) {
    let mut spans = stage.secret.clone();
    spans.sort_by_key(|r| r.start);
    let mut out = Vec::with_capacity(stage.bytes.len());
    let mut ranges = Vec::new();
    // (offset in the masked bytes where a stretch of the stage's own bytes starts, its own offset)
    let mut stretches = vec![(0usize, 0usize)];
    let mut at = 0;
    for r in spans {
        if r.start < at || r.end > stage.bytes.len() {
            continue;
        }
        out.extend_from_slice(&stage.bytes[at..r.start]);
        let start = out.len();
        out.extend_from_slice(visible::MASK.as_bytes());
        ranges.push(start..out.len());
        at = r.end;
        stretches.push((out.len(), at));
    }
    out.extend_from_slice(&stage.bytes[at..]);
    let map = move |masked_at: usize| {
        let (m, own) = stretches
            .iter()
            .rev()
            .find(|(m, _)| *m <= masked_at)
            .copied()
            .unwrap_or((0, 0));
        own + (masked_at - m)
    };
    (out, ranges, map)
}

/// Moves an offset back to the start of a UTF-8 character.
fn char_start(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 && at < bytes.len() && bytes[at] & 0xc0 == 0x80 {
        at -= 1;
    }
    at
}

/// `bytes[from..end + 24]` made visible, and the column at which byte `at` is shown.
fn window(
    bytes: &[u8],
    secret: &[std::ops::Range<usize>],
    from: usize,
    at: usize,
    end: usize,
) -> (String, usize) {
    let to = char_start(bytes, (end + 24).min(bytes.len())).max(at.min(bytes.len()));
    let to = if to < end { end } else { to };
    let shifted: Vec<std::ops::Range<usize>> = secret
        .iter()
        .filter(|r| r.end > from && r.start < to)
        .map(|r| r.start.max(from) - from..r.end.min(to) - from)
        .collect();
    let shown = |upto: usize| -> String {
        let part = &bytes[from..upto];
        visible::segments(
            part,
            &shifted
                .iter()
                .filter(|r| r.start < upto - from)
                .map(|r| r.start..r.end.min(upto - from))
                .collect::<Vec<_>>(),
            false,
        )
        .iter()
        .map(|s| s.shown(part))
        .collect()
    };
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < bytes.len() { "…" } else { "" };
    let caret = lead.chars().count() + shown(at.min(to)).chars().count();
    (format!("{lead}{}{tail}", shown(to)), caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_shows_where_the_strings_part() {
        let stage = |bytes: &[u8]| sign::Stage {
            name: "canonical".into(),
            how: String::new(),
            bytes: bytes.to_vec(),
            secret: vec![],
            streamed: None,
            raw: false,
        };
        let ours = stage(
            b"0123456789012345678901234567890123456789/path?q=1 and then some more text here",
        );
        let theirs =
            stage(b"0123456789012345678901234567890123456789/pathq=1 and then some more text here");
        let lines = byte_diff(&ours, &theirs).unwrap();
        // 24 bytes of context before byte 45, and 24 after each side's differing part.
        assert_eq!(
            lines[0],
            "yours:  \u{2026}1234567890123456789/path?q=1 and then some more t\u{2026}"
        );
        assert_eq!(
            lines[1],
            "theirs: \u{2026}1234567890123456789/pathq=1 and then some more t\u{2026}"
        );
        assert_eq!(lines[2], format!("        {}^ byte 45", " ".repeat(25)));
        let crlf = byte_diff(&stage(b"a\nb"), &stage(b"a\r\nb")).unwrap();
        assert_eq!(
            crlf,
            ["yours:  a\\nb", "theirs: a\\r\\nb", "         ^ byte 1"]
        );
    }

    #[test]
    fn the_caret_never_points_inside_the_key() {
        // huawei-tenant's canonical starts with the key: theirs has a key one byte longer.
        let stage = |bytes: &[u8], key: usize| sign::Stage {
            name: "canonical".into(),
            how: String::new(),
            bytes: bytes.to_vec(),
            secret: std::iter::once(0..key).collect(),
            streamed: None,
            raw: false,
        };
        let lines = byte_diff(&stage(b"KEY1nonce-a", 4), &stage(b"KEY12nonce-b", 5)).unwrap();
        assert_eq!(
            lines,
            [
                "yours:  \u{2039}key\u{203a}nonce-a",
                "theirs: \u{2039}key\u{203a}nonce-b",
                "                   ^ byte 10",
            ]
        );
        let only_key = byte_diff(&stage(b"KEY1nonce", 4), &stage(b"KEY12nonce", 5)).unwrap();
        assert_eq!(only_key.len(), 1);
        assert!(only_key[0].contains("differ only inside"), "{only_key:?}");
    }

    #[test]
    fn python_json_dumps_forms() {
        let v =
            primitives::parse_json("{\"b\": [1, {\"é\": null}], \"a\": \"x\"}".as_bytes()).unwrap();
        // json.dumps(v) (Python's defaults)
        assert_eq!(
            reserialize(&v, false, JsonStyle::Spaced, true),
            br#"{"b": [1, {"\u00e9": null}], "a": "x"}"#
        );
        // json.dumps(v, sort_keys=True, indent=2, ensure_ascii=False)
        assert_eq!(
            String::from_utf8(reserialize(&v, true, JsonStyle::Pretty(2), false)).unwrap(),
            "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    {\n      \"é\": null\n    }\n  ]\n}"
        );
    }
}

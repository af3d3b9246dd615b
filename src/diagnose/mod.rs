//! Why doesn't it match: search the plausible differences between how we signed and how the other
//! side did, and name the smallest set that reproduces their signature.
//!
//! The space ([`space`]): the scheme's own variants; the key (hex- or base64-decoded, trimmed,
//! with a trailing newline, a `whsec_` key decoded after its prefix); the body (trailing newline
//! added or removed, LF and CRLF swapped, JSON re-serialized compact, spaced or pretty, sorted or
//! not, non-ASCII escaped or not); a header of the request left unsigned; the URL (path only,
//! without the query, without `?`, http or https, the default port written or not); and what
//! each stage of the recipe says can go wrong with it (another hash, the HMAC's key and message
//! swapped, separators LF or CRLF, a decoded key used as text, RFC 3986 written as form
//! encoding), run as copies of the recipe with those stages replaced by the unchanged engine.
//! Every single change is tried, then every pair, each with every way the signature stage could
//! have written the raw MAC (hex lower or upper, base64 standard or URL-safe, padded or not,
//! base64 of the hex text). Pure: no I/O.

mod change;
mod space;
mod stacks;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use self::change::{Change, JsonStyle};
pub use crate::sign::diff::byte_diff;

use self::space::{Apply, Single, singles, without_header};
use crate::sign::engine::eval_over;
use crate::sign::primitive::{Mistake, Prim};
use crate::sign::recipe::Selection;
use crate::sign::template::{Piece, Template};
use crate::sign::{self, Comparison, Inputs, Recipe, SignError, Trace};

/// When our own signing fails because a strict decoder refuses its input (a key in base64 whose
/// pad bits are not zero): the search again with every such stage lenient, as the other
/// signer's library (Java's) decodes, the lenient decoding the first change of what it finds.
/// Nothing lenient to try, or nothing found that way: the signing's own error.
fn lenient_retry(case: &Case, limits: &Limits, error: SignError) -> Result<Outcome, SignError> {
    let mut recipe = case.recipe.clone();
    let mut slip = None;
    for stage in recipe.stages.iter_mut() {
        if let Some(m) = stage.prim.lenient(case.selection) {
            stage.prim = m.prim;
            slip.get_or_insert(m.slip);
        }
    }
    let Some(slip) = slip else {
        return Err(error);
    };
    let lenient = Case {
        recipe: &recipe,
        ..*case
    };
    let change = Change::Stage(slip);
    match diagnose_with(&lenient, limits) {
        Ok(Outcome::Matches(_)) => {
            let t = sign::run(
                &recipe,
                &Inputs {
                    fields: case.fields,
                    key: case.key,
                    body: case.body,
                    headers: case.headers,
                    selection: case.selection,
                    received: Some(case.expected),
                },
            )?;
            Ok(explained(vec![change], t.clone(), t, case.expected.trim()))
        }
        Ok(Outcome::Explained(mut e)) => {
            e.changes.insert(0, change);
            Ok(Outcome::Explained(e))
        }
        _ => Err(error),
    }
}

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

/// The smallest set of changes found, and the two traces it lies between.
pub struct Explanation {
    pub changes: Vec<Change>,
    pub ours: Trace,
    pub theirs: Trace,
    /// The signature the changes give (the expected one).
    pub signature: String,
    /// The body as you sent it and as the signer signed it, when a change is to the body.
    pub bodies: Option<(Vec<u8>, Vec<u8>)>,
}

/// What applying an explanation to the inputs changes: the variants, fields and body the other
/// signer had, and how to read the key; what a recipe's own stage did differently cannot be
/// applied to the inputs (the report says so).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fix {
    pub choices: Vec<(String, String)>,
    pub fields: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// The key read as hex or base64 (the other signer decoded it).
    pub key_encoding: Option<crate::sign::key::KeyEncoding>,
    /// Changes that are not inputs (another hash, output, a header left out).
    pub not_applied: Vec<String>,
}

impl Fix {
    /// As data: the variants, fields and key reading to give, and the body (as text when it is
    /// UTF-8, else base64) — what `verify` needs to reproduce the other signer's signature.
    pub fn data(&self) -> serde_json::Value {
        use base64::Engine as _;
        let body = self.body.as_ref().map(|b| match std::str::from_utf8(b) {
            Ok(t) => serde_json::json!({"text": t}),
            Err(_) => serde_json::json!({
                "base64": base64::engine::general_purpose::STANDARD.encode(b)
            }),
        });
        serde_json::json!({
            "variants": self.choices.iter().cloned().collect::<BTreeMap<_, _>>(),
            "fields": self.fields.iter().cloned().collect::<BTreeMap<_, _>>(),
            "body": body,
            "key_encoding": self.key_encoding.map(|k| k.name()),
            "not_applied": self.not_applied,
        })
    }
}

impl Explanation {
    /// The inputs the other signer had, as changes to ours.
    pub fn fix(&self) -> Fix {
        let mut fix = Fix {
            body: self.bodies.as_ref().map(|(_, b)| b.clone()),
            ..Fix::default()
        };
        for (name, value) in &self.theirs.fields {
            if self.ours.fields.get(name) != Some(value) {
                fix.fields.push((name.clone(), value.clone()));
            }
        }
        for c in &self.changes {
            match c {
                Change::Variant { name, choice, .. } => {
                    fix.choices.push((name.clone(), choice.clone()))
                }
                Change::KeyHexDecoded => {
                    fix.key_encoding = Some(crate::sign::key::KeyEncoding::Hex)
                }
                Change::KeyBase64Decoded => {
                    fix.key_encoding = Some(crate::sign::key::KeyEncoding::Base64)
                }
                c if c.dimension() == "body"
                    || c.dimension() == "url"
                    || c.dimension() == "fields" => {}
                other => fix.not_applied.push(other.sentence()),
            }
        }
        fix
    }
}

/// What the search found.
pub enum Outcome {
    /// The signature already matches (or differs only as receivers accept).
    Matches(Comparison),
    Explained(Box<Explanation>),
    /// The signature lists a header the request does not carry: signed, and not sent (or
    /// dropped on the way). No search can make its value up.
    HeaderNotSent(String),
    /// Nothing in the space reproduces it: how many signings were tried, over which parts.
    NotFound {
        tried: usize,
        dimensions: Vec<String>,
        /// The candidates were verified with a public key (not computed with a secret).
        public_key: bool,
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
                "changes": e.changes.iter().map(|c| {
                    let mut d = c.data();
                    d["part"] = json!(c.dimension());
                    d
                }).collect::<Vec<_>>(),
                "difference": difference,
                // Where the bodies part, when a change is to the body (a body-only scheme has no
                // string to sign to compare).
                "body_difference": e.bodies.as_ref().and_then(|(a, b)| {
                    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
                    (a != b).then(|| json!({"byte": at, "ours_len": a.len(), "theirs_len": b.len()}))
                }),
                "signature": e.signature,
                "fix": e.fix().data(),
            }),
            Outcome::HeaderNotSent(header) => json!({
                "outcome": "explained",
                "changes": [{
                    "kind": "header_not_sent",
                    "header": header,
                    "part": "headers",
                    "sentence": header_not_sent(header),
                }],
                "difference": null,
                "signature": null,
            }),
            Outcome::NotFound {
                tried, dimensions, ..
            } => json!({
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
                            lines.push(format!("{what}{}:", at_byte(&diff)));
                            lines.extend(diff.into_iter().map(|l| format!("  {l}")));
                        }
                        None => lines.push(
                            "The strings to sign (canonical) are the same: the difference is in the key, the MAC or the output."
                                .to_string(),
                        ),
                    },
                    // A scheme that signs the body alone: the bodies are what differ.
                    _ => match e.bodies.as_ref().and_then(|(a, b)| {
                        let stage = |name: &str, bytes: &[u8]| crate::sign::Stage {
                            name: name.to_string(),
                            how: String::new(),
                            bytes: bytes.to_vec(),
                            secret: Vec::new(),
                            streamed: None,
                            raw: false,
                        };
                        byte_diff(&stage("body", a), &stage("body", b))
                    }) {
                        Some(diff) => {
                            lines.push(format!("The bodies part{}:", at_byte(&diff)));
                            lines.extend(diff.into_iter().map(|l| format!("  {l}")));
                        }
                        None => lines.push(
                            "(this scheme has no stage named `canonical` to compare)".to_string(),
                        ),
                    },
                }
                lines.push(String::new());
                lines.push(format!(
                    "With these differences the signature is {}",
                    e.signature
                ));
                lines
            }
            Outcome::HeaderNotSent(header) => vec![
                "Explained by 1 difference:".to_string(),
                format!("  - {}", header_not_sent(header)),
            ],
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
            Outcome::NotFound {
                tried,
                dimensions,
                public_key: true,
            } => vec![format!(
                "Not explained: {tried} candidate messages were verified over {}; none verifies with this public key. A key that verifies nothing is the wrong key, or the key of another environment (sandbox and live keys differ): compare its fingerprint (in the trace) with the one the vendor shows.",
                dimensions.join(", ")
            )],
            Outcome::NotFound {
                tried, dimensions, ..
            } => {
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

/// ` at byte N` from a byte diff's caret line; nothing when the diff has none (two strings that
/// differ only inside the masked key: one line says so).
fn at_byte(diff: &[String]) -> String {
    diff.get(2)
        .and_then(|l| l.rsplit_once("^ byte "))
        .map(|(_, n)| format!(" at byte {n}"))
        .unwrap_or_default()
}

/// The sentence for a signed header the request lacks.
fn header_not_sent(header: &str) -> String {
    format!(
        "`{header}` is signed but was not sent: the signature lists it and the request has no such header (the sender signed it and left it out, or a proxy dropped it); add it with -H '{header}: …' as the sender had it"
    )
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
    let ours = match sign::run(
        case.recipe,
        &Inputs {
            fields: case.fields,
            key: case.key,
            body: case.body,
            headers: case.headers,
            selection: case.selection,
            received: Some(case.expected),
        },
    ) {
        Ok(t) => t,
        Err(SignError::Input { message, .. })
            if message.contains("is not among the request's headers")
                || message.contains("the request has no such header") =>
        {
            let header = message.split('`').nth(1).unwrap_or("a header").to_string();
            return Ok(Outcome::HeaderNotSent(header));
        }
        Err(e) => return lenient_retry(case, limits, e),
    };
    let comparison = sign::compare(case.recipe, ours.signature(), expected);
    if comparison.accepted() {
        return Ok(Outcome::Matches(comparison));
    }
    let singles = singles(case, &ours);
    let rewritten = Rewritten::default();
    let forms = Forms::default();
    let mut tried = 1;
    // The size of the space: the unchanged signing, every single change, every pair of changes
    // to different parts.
    let dims: Vec<String> = singles.iter().map(|s| s.change.dimension()).collect();
    let mut per_dim: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for d in &dims {
        *per_dim.entry(d.as_str()).or_default() += 1;
    }
    let n = singles.len();
    let solo = singles.iter().filter(|s| s.solo).count();
    let paired = n - solo;
    let mut per_paired: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (d, s) in dims.iter().zip(&singles) {
        if !s.solo {
            *per_paired.entry(d.as_str()).or_default() += 1;
        }
    }
    let same: usize = per_paired
        .values()
        .map(|k| k * k.saturating_sub(1) / 2)
        .sum();
    let total = 1 + n + (paired * paired.saturating_sub(1) / 2 - same);
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
    let accepted = |t: &Trace| sign::compare(case.recipe, t.signature(), expected).accepted();
    // One change: the scheme's own variants and the other single changes first, then an output
    // encoding alone (a variant that names an encoding is the better answer).
    let mut with_output: Option<(Vec<usize>, Output)> = None;
    for (i, s) in singles.iter().enumerate() {
        // The large rare families come after the pairs.
        if s.solo {
            continue;
        }
        if let Some(stopped) = stop(tried) {
            return Ok(stopped);
        }
        tried += 1;
        let Ok(t) = run_with(case, &rewritten, &singles, &[i], None) else {
            continue;
        };
        if accepted(&t) {
            return Ok(with_bodies(
                explained(vec![s.change.clone()], ours, t, expected),
                case,
                &singles,
                &[i],
            ));
        }
        if with_output.is_none()
            && let Some(o) = output_match(case, &forms, &t, expected)
        {
            with_output = Some((vec![i], o));
        }
    }
    if let Some(o) = output_match(case, &forms, &ours, expected) {
        return explain_output(case, &rewritten, &singles, &[], o, ours, expected);
    }
    // Two changes: a pair of different parts, or one change and an output encoding.
    let mut three: Option<(Vec<usize>, Output)> = None;
    for i in 0..singles.len() {
        for j in i + 1..singles.len() {
            if dims[i] == dims[j] || singles[i].solo || singles[j].solo {
                continue;
            }
            if let Some(stopped) = stop(tried) {
                return Ok(stopped);
            }
            tried += 1;
            let Ok(t) = run_with(case, &rewritten, &singles, &[i, j], None) else {
                continue;
            };
            if accepted(&t) {
                return Ok(with_bodies(
                    explained(
                        vec![singles[i].change.clone(), singles[j].change.clone()],
                        ours,
                        t,
                        expected,
                    ),
                    case,
                    &singles,
                    &[i, j],
                ));
            }
            if three.is_none()
                && with_output.is_none()
                && let Some(o) = output_match(case, &forms, &t, expected)
            {
                three = Some((vec![i, j], o));
            }
        }
    }
    for (i, s) in singles.iter().enumerate().filter(|(_, s)| s.solo) {
        if let Some(stopped) = stop(tried) {
            return Ok(stopped);
        }
        tried += 1;
        if let Ok(t) = run_with(case, &rewritten, &singles, &[i], None)
            && accepted(&t)
        {
            return Ok(with_bodies(
                explained(vec![s.change.clone()], ours, t, expected),
                case,
                &singles,
                &[i],
            ));
        }
    }
    if let Some((chosen, o)) = with_output.or(three) {
        let chosen_now = chosen.clone();
        return explain_output(case, &rewritten, &singles, &chosen, o, ours, expected)
            .map(|out| with_bodies(out, case, &singles, &chosen_now));
    }
    let mut dimensions: Vec<String> = singles.iter().map(|s| s.change.dimension()).collect();
    dimensions.push(crate::sign::primitive::OUTPUT.into());
    dimensions.dedup();
    Ok(Outcome::NotFound {
        tried,
        dimensions,
        public_key: case.recipe.public_key_under(case.selection),
    })
}

fn explained(changes: Vec<Change>, ours: Trace, theirs: Trace, signature: &str) -> Outcome {
    Outcome::Explained(Box::new(Explanation {
        changes,
        ours,
        theirs,
        signature: signature.to_string(),
        bodies: None,
    }))
}

/// The explanation with the two bodies, when one of the chosen changes is to the body.
fn with_bodies(outcome: Outcome, case: &Case, singles: &[Single], chosen: &[usize]) -> Outcome {
    let theirs = chosen.iter().rev().find_map(|&i| match &singles[i].apply {
        Apply::Body(b) => Some(b.clone()),
        _ => None,
    });
    match (outcome, theirs) {
        (Outcome::Explained(mut e), Some(b)) => {
            e.bodies = Some((case.body.to_vec(), b));
            Outcome::Explained(e)
        }
        (outcome, _) => outcome,
    }
}

/// Another way of writing the raw MAC that the signature stage (by index) could have used.
struct Output {
    stage: usize,
    form: Mistake,
}

/// The explanation of some changes and an output form: their trace signed again with the
/// signature stage the other signer had, so that it shows their real last stage.
fn explain_output(
    case: &Case,
    rewritten: &Rewritten,
    singles: &[Single],
    chosen: &[usize],
    o: Output,
    ours: Trace,
    expected: &str,
) -> Result<Outcome, SignError> {
    let theirs = run_with(
        case,
        rewritten,
        singles,
        chosen,
        Some((o.stage, o.form.prim.clone())),
    )?;
    let mut changes: Vec<Change> = chosen.iter().map(|&i| singles[i].change.clone()).collect();
    changes.push(Change::Stage(o.form.slip));
    Ok(explained(changes, ours, theirs, expected))
}

/// The output forms of the signature stage, made once per selection and raw stage in a
/// search (a form is a stage with its slip's data and sentence: too costly to make again for
/// each of thousands of candidates).
#[derive(Default)]
struct Forms(std::cell::RefCell<Vec<FormsOf>>);

/// A selection, a raw stage's name, the signature stage's index and its forms.
type FormsOf = (Selection, String, usize, std::rc::Rc<Vec<Mistake>>);

impl Forms {
    /// The signature stage (by index) and its forms over the raw stage `raw`.
    fn get(
        &self,
        recipe: &Recipe,
        sel: &Selection,
        raw: &str,
    ) -> Option<(usize, std::rc::Rc<Vec<Mistake>>)> {
        if let Some((_, _, stage, forms)) = self
            .0
            .borrow()
            .iter()
            .find(|(s, r, _, _)| s == sel && r == raw)
        {
            return Some((*stage, forms.clone()));
        }
        let (stage, spec) = recipe
            .stages
            .iter()
            .enumerate()
            .rfind(|(_, s)| s.active(sel) && s.name == recipe.signature)?;
        let raw_ref = Template::from_pieces(vec![Piece::Ref(raw.to_string())]);
        let forms = std::rc::Rc::new(spec.prim.output_forms(sel, &raw_ref));
        self.0
            .borrow_mut()
            .push((sel.clone(), raw.to_string(), stage, forms.clone()));
        Some((stage, forms))
    }
}

/// The raw stage the signature is written from: followed back from the signature stage through
/// stages of one input (KuCoin makes its passphrase's MAC after the signature's, Recharge a
/// legacy digest beside it; neither is what the signature encodes).
fn signed_raw<'t>(recipe: &Recipe, trace: &'t Trace) -> Option<&'t sign::Stage> {
    let sel = &trace.selection;
    let mut name = recipe.signature.as_str();
    for _ in 0..recipe.stages.len() {
        let stage = trace.stages.iter().rev().find(|s| s.name == name)?;
        if stage.raw {
            return Some(stage);
        }
        let spec = recipe
            .stages
            .iter()
            .rfind(|s| s.active(sel) && s.name == name)?;
        let inputs: Vec<&str> = spec
            .prim
            .inputs(sel)
            .into_iter()
            .filter(|t| !t.pieces().is_empty())
            .filter_map(|t| t.single_ref())
            .collect();
        match inputs.as_slice() {
            [one] => name = one,
            _ => return None,
        }
    }
    None
}

/// The way of writing a trace's raw MAC, other than the signature stage's own, that gives
/// `expected`, if one does: the signature stage's output forms, made over the trace.
fn output_match(case: &Case, forms: &Forms, trace: &Trace, expected: &str) -> Option<Output> {
    let raw =
        signed_raw(case.recipe, trace).or_else(|| trace.stages.iter().rev().find(|s| s.raw))?;
    let (stage, all) = forms.get(case.recipe, &trace.selection, &raw.name)?;
    let name = &case.recipe.stages[stage].name;
    let own = trace.signature();
    all.iter()
        .find(|m| {
            eval_over(trace, &*m.prim, name).is_ok_and(|bytes| {
                bytes.as_slice() != own
                    && (bytes.as_slice() == expected.as_bytes()
                        || sign::compare(case.recipe, &bytes, expected).accepted())
            })
        })
        .map(|form| Output {
            stage,
            form: form.clone(),
        })
}

/// The recipe under each set of stage replacements tried so far (by the singles that make
/// them), made once per search.
#[derive(Default)]
struct Rewritten(std::cell::RefCell<Vec<(Vec<usize>, std::rc::Rc<Recipe>)>>);

impl Rewritten {
    fn get(
        &self,
        recipe: &Recipe,
        key: Vec<usize>,
        stages: &[(usize, Prim)],
    ) -> std::rc::Rc<Recipe> {
        if let Some((_, r)) = self.0.borrow().iter().find(|(k, _)| *k == key) {
            return r.clone();
        }
        let r = std::rc::Rc::new(recipe.with_stages(stages));
        self.0.borrow_mut().push((key, r.clone()));
        r
    }
}

/// Signs with some of the singles applied (by index), and the signature stage replaced when
/// `last` is given.
fn run_with(
    case: &Case,
    rewritten: &Rewritten,
    singles: &[Single],
    chosen: &[usize],
    last: Option<(usize, Prim)>,
) -> Result<Trace, SignError> {
    let mut fields = case.fields.clone();
    let mut key = case.key.to_vec();
    let mut body = case.body.to_vec();
    let mut chosen_variants: Vec<(String, String)> = case
        .selection
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut stages: Vec<(usize, Prim)> = Vec::new();
    let mut rewrites = Vec::new();
    let mut headers = std::borrow::Cow::Borrowed(case.headers);
    for &i in chosen {
        match &singles[i].apply {
            Apply::Choice(name, choice) => {
                chosen_variants.retain(|(k, _)| k != name);
                chosen_variants.push((name.clone(), choice.clone()));
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
            Apply::Fields(values) => {
                for (name, value) in values {
                    fields.insert(name.clone(), value.clone());
                }
            }
            Apply::Headers(lines) => headers = std::borrow::Cow::Owned(lines.clone()),
            Apply::Stages(replaced) => {
                rewrites.push(i);
                stages.extend(replaced.iter().cloned());
            }
        }
    }
    let kept;
    let once;
    let recipe = match last {
        Some(last) => {
            stages.push(last);
            once = case.recipe.with_stages(&stages);
            &once
        }
        None if rewrites.is_empty() => case.recipe,
        None => {
            kept = rewritten.get(case.recipe, rewrites, &stages);
            &*kept
        }
    };
    let selection = case.recipe.select(
        chosen_variants
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    sign::run(
        recipe,
        &Inputs {
            fields: &fields,
            key: &key,
            body: &body,
            headers: &headers,
            selection: &selection,
            received: Some(case.expected),
        },
    )
}

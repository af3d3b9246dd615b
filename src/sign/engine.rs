//! Runs a recipe over inputs and returns the trace: every stage in order, with its exact bytes.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::SignError;
use super::digest::Digester;
use super::primitive::{Primitive, Rendered, Scope, StreamRole};
use super::recipe::{FieldKind, INPUTS, Recipe, Selection, StageSpec};
use super::template::{Piece, Template};

/// Primitives whose output gives back their input: what a key is written from through them is
/// the key too.
const REVERSIBLE: &[&str] = &["hex", "base64", "from_hex", "from_base64", "concat"];

pub use super::primitive::MAX_STAGE_BYTES;
/// The most bytes all the stages of a trace may hold together.
pub const MAX_TRACE_BYTES: usize = 768 << 20;

/// What a run signs: field values, the key, the body and the chosen variants.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub fields: &'a BTreeMap<String, String>,
    pub key: &'a [u8],
    pub body: &'a [u8],
    /// The request's header lines as received (`Name: value`, one a line); empty when none.
    pub headers: &'a [u8],
    pub selection: &'a Selection,
    /// The signature received (as a request carried it, or --expect), for the stages that
    /// verify rather than compute (a public-key signature): each signature it holds is tried.
    /// None when signing.
    pub received: Option<&'a str>,
}

impl std::fmt::Debug for Inputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field("fields", self.fields)
            .field("key", &format_args!("<{} bytes, redacted>", self.key.len()))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("headers", &String::from_utf8_lossy(self.headers))
            .field("selection", self.selection)
            .field("received", &self.received)
            .finish()
    }
}

/// One stage of a trace.
#[derive(Clone, PartialEq, Eq)]
pub struct Stage {
    pub name: String,
    /// How the stage was made, in words (`HMAC-SHA256(key, canonical)`).
    pub how: String,
    /// The stage's exact bytes (empty when streamed).
    pub bytes: Vec<u8>,
    /// Byte ranges of `bytes` that are secret (the key, a secret field, or made from them), to
    /// be masked when shown.
    pub secret: Vec<Range<usize>>,
    /// Set when the stage was streamed into a MAC and not kept: its length in bytes.
    pub streamed: Option<u64>,
    /// Raw binary output of a MAC or hash, best shown as a hex dump.
    pub raw: bool,
}

impl std::fmt::Debug for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stage")
            .field("name", &self.name)
            .field("how", &self.how)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("secret", &self.secret)
            .field("streamed", &self.streamed)
            .field("raw", &self.raw)
            .finish()
    }
}

impl Stage {
    /// The stage's length in bytes, streamed or not.
    pub fn len(&self) -> u64 {
        self.streamed.unwrap_or(self.bytes.len() as u64)
    }

    /// Whether the stage is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where the signed values go in a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub body_members: Vec<(String, String)>,
    /// The body travels as the query string for this method (the recipe imports it from there:
    /// huawei-authtoken's parameters on a GET).
    pub body_in_query: bool,
    /// The request's own header lines that the scheme signs but does not place (an Accept or a
    /// User-Agent in the signed headers): a request made from the trace carries them too.
    pub carried: Vec<(String, String)>,
}

/// The result of a run: every stage in order, the signature and its placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub scheme: String,
    pub stages: Vec<Stage>,
    /// The name of the signature stage.
    pub signature_stage: String,
    pub placement: Placement,
    /// The field values used, defaults included.
    pub fields: BTreeMap<String, String>,
    pub selection: Selection,
}

impl Trace {
    /// A stage by name.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// The signature's bytes.
    pub fn signature(&self) -> &[u8] {
        self.stage(&self.signature_stage)
            .map_or(&[][..], |s| s.bytes.as_slice())
    }

    /// The signature as text (signatures are ASCII; other bytes are replaced).
    pub fn signature_text(&self) -> String {
        String::from_utf8_lossy(self.signature()).into_owned()
    }
}

/// Signs: runs every active stage of the recipe over the inputs.
pub fn run(recipe: &Recipe, inputs: &Inputs) -> Result<Trace, SignError> {
    run_inner(recipe, inputs, None)
}

/// The results of a run's costly stages (JSON and parameter forms), kept by a caller that signs
/// again and again (the TUI, on every keystroke) so that an unchanged body is not parsed again.
#[derive(Default)]
pub struct Memo {
    entries: std::collections::HashMap<String, (String, Vec<Vec<u8>>, Stage)>,
}

/// Signs as [`run`] does, reusing the costly stages of `memo` whose inputs and options are the
/// same as last time. The result is the same as [`run`]'s.
pub fn run_memo(recipe: &Recipe, inputs: &Inputs, memo: &mut Memo) -> Result<Trace, SignError> {
    run_inner(recipe, inputs, Some(memo))
}

fn run_inner(
    recipe: &Recipe,
    inputs: &Inputs,
    mut memo: Option<&mut Memo>,
) -> Result<Trace, SignError> {
    let sel = inputs.selection;
    recipe.check_selection(sel)?;
    let mut run = Run::new(recipe, inputs)?;
    for spec in recipe.active_stages(sel) {
        let stage = match memo.as_deref_mut() {
            Some(memo) if spec.prim.costly() => {
                let how = spec.prim.describe(sel);
                let rendered = spec
                    .prim
                    .inputs(sel)
                    .into_iter()
                    .map(|t| run.render(t))
                    .collect::<Result<Vec<_>, _>>()?;
                let same = |(h, i, _): &(String, Vec<Vec<u8>>, Stage)| {
                    *h == how
                        && i.len() == rendered.len()
                        && i.iter().zip(&rendered).all(|(a, b)| **a == *b.bytes)
                };
                match memo.entries.get(&spec.name) {
                    Some(entry) if same(entry) => entry.2.clone(),
                    _ => {
                        let kept = rendered.into_iter().map(|r| r.bytes.into_owned()).collect();
                        let stage = run.eval(spec)?;
                        memo.entries
                            .insert(spec.name.clone(), (how, kept, stage.clone()));
                        stage
                    }
                }
            }
            _ => run.eval(spec)?,
        };
        run.push(stage)?;
    }
    run.finish()
}

/// A run under way: the inputs and the stages made so far.
struct Run<'a> {
    recipe: &'a Recipe,
    inputs: Inputs<'a>,
    fields: BTreeMap<String, String>,
    stages: Vec<Stage>,
    /// Stages that a later HMAC uses as its whole key (AWS's signing-key chain): derived
    /// secrets, masked whole. A stage that is only part of a key (a timestamp) is not.
    key_stages: BTreeSet<&'a str>,
    /// The signatures the received value holds (see [`Inputs::received`]).
    received: Vec<String>,
    /// The stage being made, and whether anything it read was secret.
    current: &'a str,
    tainted: Cell<bool>,
}

impl<'a> Run<'a> {
    fn new(recipe: &'a Recipe, inputs: &Inputs<'a>) -> Result<Run<'a>, SignError> {
        let mut fields = BTreeMap::new();
        for (name, value) in inputs.fields {
            if recipe.field(name).is_none() {
                return Err(SignError::UnknownField {
                    name: name.clone(),
                    known: recipe.fields.iter().map(|f| f.name.clone()).collect(),
                });
            }
            fields.insert(name.clone(), value.clone());
        }
        for f in &recipe.fields {
            if let (None, Some(d)) = (fields.get(&f.name), &f.default) {
                fields.insert(f.name.clone(), d.clone());
            }
        }
        let sel = inputs.selection;
        let mut key_stages: BTreeSet<&str> = recipe
            .active_stages(sel)
            .flat_map(|s| s.prim.keys(sel))
            .filter_map(|t| t.single_ref())
            .filter(|r| !INPUTS.contains(r) && recipe.field(r).is_none())
            .collect();
        // A stage a key stage is written from reversibly is the same key in other letters: Baidu's
        // signing key is the hex of a MAC, so that MAC is masked too.
        loop {
            let more: Vec<&str> = recipe
                .active_stages(sel)
                .filter(|s| key_stages.contains(s.name.as_str()))
                .filter(|s| REVERSIBLE.contains(&s.primitive))
                .flat_map(|s| s.prim.inputs(sel))
                .filter_map(|t| t.single_ref())
                .filter(|r| !INPUTS.contains(r) && recipe.field(r).is_none())
                .filter(|r| !key_stages.contains(r))
                .collect();
            if more.is_empty() {
                break;
            }
            key_stages.extend(more);
        }
        Ok(Run {
            recipe,
            inputs: *inputs,
            fields,
            stages: Vec::new(),
            key_stages,
            received: inputs
                .received
                .map(|r| {
                    super::compare::candidates(recipe, r)
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            current: "",
            tainted: Cell::new(false),
        })
    }

    fn sel(&self) -> &'a Selection {
        self.inputs.selection
    }

    /// The bytes a name refers to, with the ranges that are secret.
    fn lookup(&self, name: &str) -> Result<(&[u8], Vec<Range<usize>>), SignError> {
        let whole = |b: &[u8]| {
            std::iter::once(0..b.len())
                .filter(|r| !r.is_empty())
                .collect()
        };
        match name {
            "key" => Ok((self.inputs.key, whole(self.inputs.key))),
            "body" => Ok((self.inputs.body, Vec::new())),
            "headers" => Ok((self.inputs.headers, Vec::new())),
            _ => {
                if let Some(s) = self.stages.iter().rev().find(|s| s.name == name) {
                    return Ok((&s.bytes, s.secret.clone()));
                }
                if let Some(v) = self.fields.get(name) {
                    let secret = match self.recipe.field(name) {
                        Some(f) if f.kind == FieldKind::Secret => whole(v.as_bytes()),
                        _ => Vec::new(),
                    };
                    return Ok((v.as_bytes(), secret));
                }
                match self.recipe.field(name) {
                    Some(f) => Err(SignError::MissingField {
                        name: f.name.clone(),
                        label: f.label.clone(),
                    }),
                    // The recipe check rules this out; say so plainly if it happens anyway.
                    None => Err(SignError::Recipe(format!(
                        "`{{{name}}}` is not defined at this point"
                    ))),
                }
            }
        }
    }

    fn eval(&mut self, spec: &'a StageSpec) -> Result<Stage, SignError> {
        let sel = self.sel();
        self.current = &spec.name;
        self.tainted.set(false);
        let mut out = spec.prim.eval(&*self, sel)?;
        let how = out.how.take();
        let whole = std::iter::once(0..out.bytes.len()).collect::<Vec<_>>();
        let secret = if self.key_stages.contains(spec.name.as_str()) {
            whole
        } else {
            match out.secret {
                Some(ranges) => ranges,
                None if !spec.prim.raw() && self.tainted.get() => whole,
                None => Vec::new(),
            }
        };
        Ok(Stage {
            name: spec.name.clone(),
            how: how.unwrap_or_else(|| spec.prim.describe(sel)),
            raw: spec.prim.raw(),
            secret: secret.into_iter().filter(|r| !r.is_empty()).collect(),
            bytes: out.bytes,
            streamed: None,
        })
    }

    fn text(&self, t: &Template, what: &str) -> Result<String, SignError> {
        let r = self.render(t)?;
        // A placed value never carries the key or anything made from it reversibly: those
        // bytes are written as ‹key› (only a MAC or hash of the key may leave).
        let bytes = if r.secret.is_empty() {
            r.bytes.into_owned()
        } else {
            let mut out = Vec::new();
            let mut at = 0;
            for range in &r.secret {
                out.extend_from_slice(&r.bytes[at..range.start.max(at)]);
                out.extend_from_slice(super::visible::MASK.as_bytes());
                at = range.end.max(at);
            }
            out.extend_from_slice(&r.bytes[at.min(r.bytes.len())..]);
            out
        };
        String::from_utf8(bytes).map_err(|_| SignError::NotText {
            what: what.to_string(),
        })
    }

    /// Places the signed values and closes the trace.
    fn finish(self) -> Result<Trace, SignError> {
        let method = self.text(&self.recipe.request.method, "the request method")?;
        let url = self.text(&self.recipe.request.url, "the request URL")?;
        let place = |list: &[super::recipe::Placed]| -> Result<Vec<(String, String)>, SignError> {
            let mut out = Vec::new();
            for p in list {
                if !(p.methods.is_empty()
                    || p.methods.iter().any(|m| m.eq_ignore_ascii_case(&method)))
                {
                    continue;
                }
                let name = self.text(&p.name, "a placed name")?;
                let value = self.text(&p.value, &name)?;
                let left_out = name.is_empty() || (p.optional && value.is_empty());
                if !left_out {
                    out.push((name, value));
                }
            }
            Ok(out)
        };
        let placement = Placement {
            headers: place(&self.recipe.headers)?,
            query: place(&self.recipe.query)?,
            body_members: place(&self.recipe.body_members)?,
            body_in_query: self
                .recipe
                .import
                .body
                .iter()
                .find(|s| {
                    s.methods.is_empty()
                        || s.methods.iter().any(|m| m.eq_ignore_ascii_case(&method))
                })
                .is_some_and(|s| s.from == "query"),
            method: method.clone(),
            url,
            carried: Vec::new(),
        };
        let mut placement = placement;
        if self.recipe.reads_headers
            && let Ok(lines) = super::primitives::parse_header_lines(self.inputs.headers)
        {
            for (name, value) in lines {
                let placed = placement
                    .headers
                    .iter()
                    .chain(&placement.carried)
                    .any(|(n, _)| n.eq_ignore_ascii_case(&name));
                let computed =
                    ["host", "content-length"].contains(&name.to_ascii_lowercase().as_str());
                if !placed && !computed {
                    placement
                        .carried
                        .push((name, String::from_utf8_lossy(&value).into_owned()));
                }
            }
        }
        Ok(Trace {
            scheme: self.recipe.id.clone(),
            signature_stage: self.recipe.signature.clone(),
            placement,
            fields: self.fields,
            selection: self.inputs.selection.clone(),
            stages: self.stages,
        })
    }
}

impl Run<'_> {
    /// Adds a stage, within the limits of a stage and of a trace.
    fn push(&mut self, stage: Stage) -> Result<(), SignError> {
        let len = stage.bytes.len();
        if len > MAX_STAGE_BYTES {
            return Err(SignError::StageTooLarge {
                stage: stage.name,
                len,
            });
        }
        let total = self.stages.iter().map(|s| s.bytes.len()).sum::<usize>() + len;
        if total > MAX_TRACE_BYTES {
            return Err(SignError::TraceTooLarge {
                stage: stage.name,
                len: total,
            });
        }
        self.stages.push(stage);
        Ok(())
    }
}

impl Scope for Run<'_> {
    fn received(&self) -> &[String] {
        &self.received
    }

    fn render(&self, t: &Template) -> Result<Rendered<'_>, SignError> {
        // What a template would make is measured before it is made.
        if t.single_ref().is_none() {
            let mut len = 0usize;
            for piece in t.pieces() {
                len = len.saturating_add(match piece {
                    Piece::Literal(l) => l.len(),
                    Piece::Ref(name) => self.lookup(name)?.0.len(),
                });
            }
            if len > MAX_STAGE_BYTES {
                return Err(SignError::StageTooLarge {
                    stage: self.current.to_string(),
                    len,
                });
            }
        }
        let r = if let Some(name) = t.single_ref() {
            let (bytes, secret) = self.lookup(name)?;
            Rendered {
                bytes: Cow::Borrowed(bytes),
                secret,
            }
        } else {
            let mut out = Vec::new();
            let mut secret = Vec::new();
            for piece in t.pieces() {
                match piece {
                    Piece::Literal(l) => out.extend_from_slice(l.as_bytes()),
                    Piece::Ref(name) => {
                        let (bytes, spans) = self.lookup(name)?;
                        let at = out.len();
                        secret.extend(spans.into_iter().map(|r| r.start + at..r.end + at));
                        out.extend_from_slice(bytes);
                    }
                }
            }
            Rendered {
                bytes: Cow::Owned(out),
                secret,
            }
        };
        if !r.secret.is_empty() {
            self.tainted.set(true);
        }
        Ok(r)
    }

    fn stage(&self) -> &str {
        self.current
    }
}

/// A run whose body is fed in chunks: possible when the body is used once, as a whole part of
/// a concatenation that only a MAC or hash reads. Made by [`stream`].
pub struct BodyStream<'a> {
    run: Run<'a>,
    active: Vec<&'a StageSpec>,
    /// Index in `active` of the concatenation holding the body, and of the MAC reading it.
    concat: usize,
    mac: usize,
    digester: Digester,
    suffix: Vec<u8>,
    fed: u64,
    prefix_len: u64,
}

impl std::fmt::Debug for BodyStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyStream")
            .field("fed", &self.fed)
            .finish_non_exhaustive()
    }
}

/// Starts a streamed run (the body in `inputs` is ignored), or None when this recipe and
/// selection need the whole body at once.
pub fn stream<'a>(
    recipe: &'a Recipe,
    inputs: &Inputs<'a>,
) -> Result<Option<BodyStream<'a>>, SignError> {
    let sel = inputs.selection;
    recipe.check_selection(sel)?;
    let active: Vec<&StageSpec> = recipe.active_stages(sel).collect();
    let Some((concat, mac, body_part)) = stream_plan(recipe, &active, sel) else {
        return Ok(None);
    };
    let empty = Inputs {
        body: &[],
        ..*inputs
    };
    let mut run = Run::new(recipe, &empty)?;
    for (i, spec) in active.iter().enumerate().take(mac) {
        if i != concat {
            let stage = run.eval(spec)?;
            run.push(stage)?;
        }
    }
    let StreamRole::Join { parts, separator } = active[concat].prim.stream_role(sel) else {
        return Ok(None);
    };
    let sep = run.render(separator)?.bytes.into_owned();
    let mut prefix = Vec::new();
    let mut suffix = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let out = if i <= body_part {
            &mut prefix
        } else {
            &mut suffix
        };
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        if i != body_part {
            out.extend_from_slice(&run.render(part.get(sel))?.bytes);
        }
    }
    let mut digester = match active[mac].prim.stream_role(sel) {
        StreamRole::Digest {
            alg,
            key: Some(key),
            ..
        } => Digester::hmac(alg, &run.render(key)?.bytes),
        StreamRole::Digest { alg, key: None, .. } => Digester::hash(alg),
        _ => return Ok(None),
    };
    digester.update(&prefix);
    Ok(Some(BodyStream {
        run,
        active,
        concat,
        mac,
        digester,
        suffix,
        fed: 0,
        prefix_len: prefix.len() as u64,
    }))
}

/// Finds (concat index, mac index, index of the `{body}` part) when the body can be streamed.
fn stream_plan(
    recipe: &Recipe,
    active: &[&StageSpec],
    sel: &Selection,
) -> Option<(usize, usize, usize)> {
    let uses = |name: &str| -> Vec<usize> {
        active
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.references(sel)
                    .into_iter()
                    .filter(move |r| *r == name)
                    .map(move |_| i)
            })
            .collect()
    };
    let placed = recipe
        .headers
        .iter()
        .chain(&recipe.query)
        .chain(&recipe.body_members)
        .flat_map(|p| [&p.value, &p.name])
        .chain([&recipe.request.method, &recipe.request.url]);
    let placed_uses = |name: &str| placed.clone().any(|t| t.references().any(|r| r == name));
    let [concat] = uses("body")[..] else {
        return None;
    };
    if placed_uses("body") {
        return None;
    }
    let StreamRole::Join { parts, .. } = active[concat].prim.stream_role(sel) else {
        return None;
    };
    let body_part = parts
        .iter()
        .position(|p| p.get(sel).single_ref() == Some("body"))?;
    let name = &active[concat].name;
    if recipe.signature == *name
        || placed_uses(name)
        || active.iter().filter(|s| &s.name == name).count() != 1
    {
        return None;
    }
    let [mac] = uses(name)[..] else { return None };
    match active[mac].prim.stream_role(sel) {
        StreamRole::Digest { key, message, .. } => (message.single_ref() == Some(name.as_str())
            && !key.is_some_and(|k| k.references().any(|r| r == name)))
        .then_some((concat, mac, body_part)),
        _ => None,
    }
}

impl BodyStream<'_> {
    /// Feeds the next chunk of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        self.digester.update(chunk);
        self.fed += chunk.len() as u64;
    }

    /// Closes the body and runs the remaining stages.
    pub fn finish(self) -> Result<Trace, SignError> {
        let BodyStream {
            mut run,
            active,
            concat,
            mac,
            mut digester,
            suffix,
            fed,
            prefix_len,
        } = self;
        digester.update(&suffix);
        let sel = run.sel();
        let placeholder = Stage {
            name: active[concat].name.clone(),
            how: format!("{} (streamed, not kept)", active[concat].prim.describe(sel)),
            bytes: Vec::new(),
            secret: Vec::new(),
            streamed: Some(prefix_len + fed + suffix.len() as u64),
            raw: false,
        };
        run.stages.insert(concat, placeholder);
        run.stages.push(Stage {
            name: active[mac].name.clone(),
            how: active[mac].prim.describe(sel),
            bytes: digester.finish(),
            secret: Vec::new(),
            streamed: None,
            raw: true,
        });
        for spec in &active[mac + 1..] {
            let stage = run.eval(spec)?;
            run.push(stage)?;
        }
        run.finish()
    }
}

/// Makes one stage with `prim` over a finished trace (its references read the trace's stages
/// and fields): how diagnose tries another last stage on a signing without signing again.
pub fn eval_over(trace: &Trace, prim: &dyn Primitive, name: &str) -> Result<Vec<u8>, SignError> {
    struct Over<'a> {
        trace: &'a Trace,
        name: &'a str,
    }
    impl Over<'_> {
        fn lookup(&self, r: &str) -> Result<&[u8], SignError> {
            if let Some(s) = self.trace.stages.iter().rev().find(|s| s.name == r) {
                return Ok(&s.bytes);
            }
            self.trace
                .fields
                .get(r)
                .map(|v| v.as_bytes())
                .ok_or_else(|| SignError::Recipe(format!("`{{{r}}}` is not in the trace")))
        }
    }
    impl Scope for Over<'_> {
        fn render(&self, t: &Template) -> Result<Rendered<'_>, SignError> {
            let bytes = match t.single_ref() {
                Some(r) => Cow::Borrowed(self.lookup(r)?),
                None => {
                    let mut out = Vec::new();
                    for piece in t.pieces() {
                        match piece {
                            Piece::Literal(l) => out.extend_from_slice(l.as_bytes()),
                            Piece::Ref(r) => out.extend_from_slice(self.lookup(r)?),
                        }
                    }
                    Cow::Owned(out)
                }
            };
            Ok(Rendered {
                bytes,
                secret: Vec::new(),
            })
        }

        fn stage(&self) -> &str {
            self.name
        }
    }
    Ok(prim.eval(&Over { trace, name }, &trace.selection)?.bytes)
}

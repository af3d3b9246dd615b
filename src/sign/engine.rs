//! Runs a recipe over inputs and returns the trace: every stage in order, with its exact bytes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use super::SignError;
use super::primitives::{self, Alg, Digester, JsonForm, JsonSkip, JsonSort, ParamsForm, UrlPart};
use super::recipe::{Op, Param, Recipe, Selection, StageSpec};
use super::template::{Piece, Template};

/// What a run signs: field values, the key, the body and the chosen variants.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub fields: &'a BTreeMap<String, String>,
    pub key: &'a [u8],
    pub body: &'a [u8],
    pub selection: &'a Selection,
}

impl std::fmt::Debug for Inputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field("fields", self.fields)
            .field("key", &format_args!("<{} bytes, redacted>", self.key.len()))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("selection", self.selection)
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
    /// Byte ranges of `bytes` that are the key itself, to be masked when shown.
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
    run_inner(recipe, inputs, None, Tweaks::default())
}

/// The results of a run's costly stages (JSON and parameter forms), kept by a caller that signs
/// again and again (the TUI, on every keystroke) so that an unchanged body is not parsed again.
#[derive(Default)]
pub struct Memo {
    entries: std::collections::HashMap<String, (String, Vec<u8>, Stage)>,
}

/// Signs as [`run`] does, reusing the costly stages of `memo` whose input and options are the
/// same as last time. The result is the same as [`run`]'s.
pub fn run_memo(recipe: &Recipe, inputs: &Inputs, memo: &mut Memo) -> Result<Trace, SignError> {
    run_inner(recipe, inputs, Some(memo), Tweaks::default())
}

/// Departures from a recipe that a signer may have made by mistake, for `diagnose`: they change
/// how a stage is computed, not the recipe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tweaks {
    /// Every HMAC with this hash function.
    pub alg: Option<Alg>,
    /// Every HMAC with its key and message swapped.
    pub swap_hmac: bool,
    /// Separators of concatenations with LF written as CRLF (`Some(true)`) or CRLF as LF.
    pub crlf: Option<bool>,
}

/// Signs as [`run`] does, with [`Tweaks`] applied.
pub fn run_tweaked(recipe: &Recipe, inputs: &Inputs, tweaks: Tweaks) -> Result<Trace, SignError> {
    run_inner(recipe, inputs, None, tweaks)
}

fn run_inner(
    recipe: &Recipe,
    inputs: &Inputs,
    mut memo: Option<&mut Memo>,
    tweaks: Tweaks,
) -> Result<Trace, SignError> {
    let sel = inputs.selection;
    let mut run = Run::new(recipe, inputs)?;
    run.tweaks = tweaks;
    for spec in recipe.active_stages(sel) {
        let costly = match &spec.op {
            Op::Json { input, .. } | Op::Params { input, .. } | Op::Param { input, .. } => {
                Some(input.get(sel))
            }
            _ => None,
        };
        let stage = match (costly, memo.as_deref_mut()) {
            (Some(t), Some(memo)) => {
                let how = describe(&spec.op, sel);
                let input = run.render(t)?;
                match memo.entries.get(&spec.name) {
                    Some((h, i, stage)) if *h == how && **i == *input.bytes => stage.clone(),
                    _ => {
                        let input = input.bytes.into_owned();
                        let stage = run.eval(spec)?;
                        memo.entries
                            .insert(spec.name.clone(), (how, input, stage.clone()));
                        stage
                    }
                }
            }
            _ => run.eval(spec)?,
        };
        run.stages.push(stage);
    }
    run.finish()
}

/// A run under way: the inputs and the stages made so far.
struct Run<'a> {
    recipe: &'a Recipe,
    inputs: Inputs<'a>,
    fields: BTreeMap<String, String>,
    stages: Vec<Stage>,
    tweaks: Tweaks,
}

/// Bytes made from a template, with the ranges that are the key.
struct Rendered<'s> {
    bytes: Cow<'s, [u8]>,
    secret: Vec<Range<usize>>,
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
        Ok(Run {
            recipe,
            inputs: *inputs,
            fields,
            stages: Vec::new(),
            tweaks: Tweaks::default(),
        })
    }

    fn sel(&self) -> &'a Selection {
        self.inputs.selection
    }

    /// The bytes a name refers to, with the key's ranges.
    fn lookup(&self, name: &str) -> Result<(&[u8], Vec<Range<usize>>), SignError> {
        match name {
            "key" => Ok((
                self.inputs.key,
                std::iter::once(0..self.inputs.key.len()).collect(),
            )),
            "body" => Ok((self.inputs.body, Vec::new())),
            _ => {
                if let Some(s) = self.stages.iter().rev().find(|s| s.name == name) {
                    return Ok((&s.bytes, s.secret.clone()));
                }
                if let Some(v) = self.fields.get(name) {
                    return Ok((v.as_bytes(), Vec::new()));
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

    fn render(&self, t: &Template) -> Result<Rendered<'_>, SignError> {
        if let Some(name) = t.single_ref() {
            let (bytes, secret) = self.lookup(name)?;
            return Ok(Rendered {
                bytes: Cow::Borrowed(bytes),
                secret,
            });
        }
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
        Ok(Rendered {
            bytes: Cow::Owned(out),
            secret,
        })
    }

    /// The name to use for an input in messages: the referred name, or the stage's.
    fn input_name(t: &Template, stage: &str) -> String {
        t.single_ref().unwrap_or(stage).to_string()
    }

    fn eval(&self, spec: &StageSpec) -> Result<Stage, SignError> {
        let sel = self.sel();
        let (bytes, secret) = match &spec.op {
            Op::Concat { parts, separator } => {
                let mut sep = self.render(separator.get(sel))?;
                if let Some(crlf) = self.tweaks.crlf {
                    let text = String::from_utf8_lossy(&sep.bytes).replace("\r\n", "\n");
                    let text = if crlf {
                        text.replace('\n', "\r\n")
                    } else {
                        text
                    };
                    sep.bytes = Cow::Owned(text.into_bytes());
                }
                let mut out = Vec::new();
                let mut secret = Vec::new();
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        let at = out.len();
                        secret.extend(sep.secret.iter().map(|r| r.start + at..r.end + at));
                        out.extend_from_slice(&sep.bytes);
                    }
                    let r = self.render(part.get(sel))?;
                    let at = out.len();
                    secret.extend(r.secret.into_iter().map(|r| r.start + at..r.end + at));
                    out.extend_from_slice(&r.bytes);
                }
                (out, secret)
            }
            Op::Hmac { alg, key, message } => {
                let mut key = self.render(key.get(sel))?;
                let mut message = self.render(message.get(sel))?;
                if self.tweaks.swap_hmac {
                    std::mem::swap(&mut key, &mut message);
                }
                let alg = self.tweaks.alg.unwrap_or(*alg.get(sel));
                (primitives::hmac(alg, &key.bytes, &message.bytes), vec![])
            }
            Op::Hash { alg, message } => {
                let message = self.render(message.get(sel))?;
                let mut d = Digester::hash(*alg.get(sel));
                d.update(&message.bytes);
                (d.finish(), vec![])
            }
            Op::Hex { input, case } => {
                let input = self.render(input.get(sel))?;
                (primitives::hex(&input.bytes, *case.get(sel)), vec![])
            }
            Op::Base64 {
                input,
                alphabet,
                padding,
            } => {
                let input = self.render(input.get(sel))?;
                (
                    primitives::base64(&input.bytes, *alphabet.get(sel), *padding.get(sel)),
                    vec![],
                )
            }
            Op::Json {
                input,
                sort,
                spaced,
                escape_unicode,
                skip,
                omit,
            } => {
                let t = input.get(sel);
                let text = self.render(t)?;
                Self::check_size(t, &spec.name, text.bytes.len())?;
                let form = JsonForm {
                    sort: *sort.get(sel),
                    spaced: *spaced.get(sel),
                    escape_unicode: *escape_unicode.get(sel),
                    skip: *skip.get(sel),
                    omit,
                };
                let canonical = super::json::canonical(&text.bytes, &form).map_err(|e| {
                    SignError::InvalidJson {
                        input: Self::input_name(t, &spec.name),
                        line: e.line,
                        column: e.column,
                        message: e.message,
                    }
                })?;
                (canonical, vec![])
            }
            Op::Params {
                input,
                sort,
                decode,
                omit,
            } => {
                let t = input.get(sel);
                let params = self.params(t, *decode.get(sel), &spec.name)?;
                let form = ParamsForm {
                    sort: *sort.get(sel),
                    decode: *decode.get(sel),
                    omit,
                };
                (primitives::params_canonical(&params, &form), vec![])
            }
            Op::Param {
                input,
                name,
                decode,
            } => {
                let t = input.get(sel);
                let params = self.params(t, *decode.get(sel), &spec.name)?;
                let value = params
                    .into_iter()
                    .find(|(k, _)| k == name.as_bytes())
                    .map(|(_, v)| v)
                    .ok_or_else(|| SignError::MissingParam {
                        input: Self::input_name(t, &spec.name),
                        name: name.clone(),
                    })?;
                (value, vec![])
            }
            Op::Url { input, part } => {
                let input = self.render(input.get(sel))?;
                (primitives::url_part(&input.bytes, *part.get(sel)), vec![])
            }
        };
        Ok(Stage {
            name: spec.name.clone(),
            how: describe(&spec.op, sel),
            raw: matches!(spec.op, Op::Hmac { .. } | Op::Hash { .. }),
            bytes,
            secret,
            streamed: None,
        })
    }

    fn params(
        &self,
        t: &Template,
        decode: bool,
        stage: &str,
    ) -> Result<primitives::ParamList, SignError> {
        let text = self.render(t)?;
        Self::check_size(t, stage, text.bytes.len())?;
        primitives::parse_params(&text.bytes, decode).map_err(|e| SignError::InvalidJson {
            input: Self::input_name(t, stage),
            line: e.line,
            column: e.column,
            message: e.message,
        })
    }

    fn check_size(t: &Template, stage: &str, len: usize) -> Result<(), SignError> {
        if len > primitives::MAX_PARSED_BYTES {
            return Err(SignError::TooLarge {
                input: Self::input_name(t, stage),
                len,
            });
        }
        Ok(())
    }

    fn text(&self, t: &Template, what: &str) -> Result<String, SignError> {
        let r = self.render(t)?;
        String::from_utf8(r.bytes.into_owned()).map_err(|_| SignError::NotText {
            what: what.to_string(),
        })
    }

    /// Places the signed values and closes the trace.
    fn finish(self) -> Result<Trace, SignError> {
        let method = self.text(&self.recipe.request.method, "the request method")?;
        let url = self.text(&self.recipe.request.url, "the request URL")?;
        let place = |list: &[super::recipe::Placed]| -> Result<Vec<(String, String)>, SignError> {
            list.iter()
                .filter(|p| {
                    p.methods.is_empty()
                        || p.methods.iter().any(|m| m.eq_ignore_ascii_case(&method))
                })
                .map(|p| {
                    let name = self.text(&p.name, "a placed name")?;
                    let value = self.text(&p.value, &name)?;
                    Ok((name, value))
                })
                .filter(|r| !matches!(r, Ok((name, _)) if name.is_empty()))
                .collect()
        };
        let placement = Placement {
            headers: place(&self.recipe.headers)?,
            query: place(&self.recipe.query)?,
            body_members: place(&self.recipe.body_members)?,
            method: method.clone(),
            url,
        };
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

/// How a stage is made, in words.
fn describe(op: &Op, sel: &Selection) -> String {
    let t = |p: &Param<Template>| name_of(p.get(sel));
    match op {
        Op::Concat { parts, separator } => {
            let sep = separator.get(sel);
            let joiner = if sep.pieces().is_empty() {
                " + ".to_string()
            } else {
                format!(" + {} + ", name_of(sep))
            };
            let parts: Vec<String> = parts.iter().map(t).collect();
            parts.join(&joiner)
        }
        Op::Hmac { alg, key, message } => format!(
            "HMAC-{}(key: {}, message: {})",
            alg.get(sel).label().replace('-', ""),
            t(key),
            t(message)
        ),
        Op::Hash { alg, message } => format!("{}({})", alg.get(sel).label(), t(message)),
        Op::Hex { input, case } => format!(
            "hex of {}, {} case",
            t(input),
            match case.get(sel) {
                primitives::Case::Lower => "lower",
                primitives::Case::Upper => "upper",
            }
        ),
        Op::Base64 {
            input,
            alphabet,
            padding,
        } => format!(
            "base64 of {}, {} alphabet, {}",
            t(input),
            match alphabet.get(sel) {
                primitives::Alphabet::Standard => "standard",
                primitives::Alphabet::UrlSafe => "URL-safe",
            },
            if *padding.get(sel) {
                "padded"
            } else {
                "unpadded"
            }
        ),
        Op::Json {
            input,
            sort,
            spaced,
            escape_unicode,
            skip,
            omit,
        } => {
            let mut words = vec![
                match sort.get(sel) {
                    JsonSort::Deep => "keys sorted at every depth",
                    JsonSort::Top => "top-level keys sorted",
                    JsonSort::None => "keys in input order",
                }
                .to_string(),
            ];
            words.push(
                if *spaced.get(sel) {
                    "spaced"
                } else {
                    "compact"
                }
                .to_string(),
            );
            words.push(
                if *escape_unicode.get(sel) {
                    "non-ASCII escaped"
                } else {
                    "non-ASCII raw"
                }
                .to_string(),
            );
            match skip.get(sel) {
                JsonSkip::None => {}
                JsonSkip::Null => words.push("null members dropped".to_string()),
                JsonSkip::NullOrEmpty => words.push("null and \"\" members dropped".to_string()),
            }
            if !omit.is_empty() {
                words.push(format!("without {}", omit.join(", ")));
            }
            format!("JSON of {}: {}", t(input), words.join(", "))
        }
        Op::Params {
            input,
            sort,
            decode,
            omit,
        } => {
            let mut words = vec![
                if *decode.get(sel) {
                    "values URL-decoded"
                } else {
                    "values as given"
                }
                .to_string(),
                if *sort.get(sel) {
                    "sorted by name"
                } else {
                    "in input order"
                }
                .to_string(),
            ];
            if !omit.is_empty() {
                words.push(format!("without {}", omit.join(", ")));
            }
            format!("k=v&… of {}: {}", t(input), words.join(", "))
        }
        Op::Param {
            input,
            name,
            decode,
        } => format!(
            "parameter {name} of {}, {}",
            t(input),
            if *decode.get(sel) {
                "URL-decoded"
            } else {
                "as given"
            }
        ),
        Op::Url { input, part } => format!(
            "{} of {}",
            match part.get(sel) {
                UrlPart::Full => "full URL",
                UrlPart::Path => "path",
                UrlPart::Query => "query",
                UrlPart::Search => "\"?\" + query (when present)",
                UrlPart::PathAndQuery => "path and query",
                UrlPart::Origin => "origin",
                UrlPart::Host => "host",
            },
            t(input)
        ),
    }
}

/// A template in words: a lone reference by its name, anything else quoted.
fn name_of(t: &Template) -> String {
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
            parts.join(" + ")
        }
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
            run.stages.push(stage);
        }
    }
    let Op::Concat { parts, separator } = &active[concat].op else {
        unreachable!("the plan checked the op")
    };
    let sep = run.render(separator.get(sel))?.bytes.into_owned();
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
    let mut digester = match &active[mac].op {
        Op::Hmac { alg, key, .. } => {
            Digester::hmac(*alg.get(sel), &run.render(key.get(sel))?.bytes)
        }
        Op::Hash { alg, .. } => Digester::hash(*alg.get(sel)),
        _ => unreachable!("the plan checked the op"),
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
                s.op.references(sel)
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
    let Op::Concat { parts, .. } = &active[concat].op else {
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
    match &active[mac].op {
        Op::Hmac { key, message, .. } if message.get(sel).single_ref() == Some(name.as_str()) => {
            (!key.get(sel).references().any(|r| r == name)).then_some((concat, mac, body_part))
        }
        Op::Hash { message, .. } if message.get(sel).single_ref() == Some(name.as_str()) => {
            Some((concat, mac, body_part))
        }
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
            how: format!("{} (streamed, not kept)", describe(&active[concat].op, sel)),
            bytes: Vec::new(),
            secret: Vec::new(),
            streamed: Some(prefix_len + fed + suffix.len() as u64),
            raw: false,
        };
        run.stages.insert(concat, placeholder);
        run.stages.push(Stage {
            name: active[mac].name.clone(),
            how: describe(&active[mac].op, sel),
            bytes: digester.finish(),
            secret: Vec::new(),
            streamed: None,
            raw: true,
        });
        for spec in &active[mac + 1..] {
            let stage = run.eval(spec)?;
            run.stages.push(stage);
        }
        run.finish()
    }
}

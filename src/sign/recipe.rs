//! The recipe model: a signing scheme as data, read from TOML and checked before use.
//!
//! A recipe names its inputs (fields, key, body), its variants, an ordered list of stages (each one
//! primitive over templates that refer to inputs and earlier stages), where the result is placed in
//! a request, its time window and its documented example. The README's "Writing a recipe" section
//! documents the format for users.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::primitives::{Alg, Alphabet, Case, JsonSkip, JsonSort, UrlPart};
use super::template::Template;

/// A signing scheme, loaded and checked.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Where the scheme is documented (a seed page, a URL).
    pub source: Option<String>,
    /// Known traps of the vendor's documentation.
    pub notes: Vec<String>,
    pub key: KeySpec,
    pub body: BodySpec,
    pub fields: Vec<Field>,
    pub variants: Vec<Variant>,
    pub stages: Vec<StageSpec>,
    /// The name of the stage that is the signature.
    pub signature: String,
    pub request: RequestSpec,
    pub headers: Vec<Placed>,
    pub query: Vec<Placed>,
    pub body_members: Vec<Placed>,
    pub window: Option<Window>,
    /// Differences from the computed signature that the scheme's receivers accept.
    pub equivalent: Vec<Equivalence>,
    /// Where an imported request holds the fields, the body and the received signature.
    pub import: ImportSpec,
    pub example: Example,
}

/// Where an imported request holds each input: for every target, sources tried in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSpec {
    /// Field name -> sources.
    pub fields: BTreeMap<String, Vec<Source>>,
    pub body: Vec<Source>,
    pub signature: Vec<Source>,
    /// Values taken apart by a template: `WallTech {token}:{signature}` from a header.
    pub patterns: Vec<Pattern>,
}

/// A place in a request: `header:NAME`, `query:NAME`, `member:NAME` (of a JSON body),
/// `method`, `url`, `url-without-query`, `body`, `query` (the whole query string). A name may be
/// a template over fields (`header:{header}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub from: String,
    /// Only for these request methods; empty: always.
    pub methods: Vec<String>,
}

/// A template matched against the value at a source; its references are the fields (and
/// `signature`) it captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub from: Source,
    pub pattern: Template,
}

/// A difference of form that receivers accept when comparing signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Equivalence {
    /// Hex letters in either case.
    HexCase,
    /// Base64 in the standard or the URL-safe alphabet.
    Base64Alphabet,
}

/// How the UI labels the secret.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySpec {
    #[serde(default = "default_key_label")]
    pub label: String,
}

fn default_key_label() -> String {
    "secret key".to_string()
}

/// What the body holds, for editors and for errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodySpec {
    #[serde(default)]
    pub kind: BodyKind,
    #[serde(default = "default_body_label")]
    pub label: String,
}

impl Default for BodySpec {
    fn default() -> Self {
        BodySpec {
            kind: BodyKind::Raw,
            label: default_body_label(),
        }
    }
}

fn default_body_label() -> String {
    "request body".to_string()
}

/// The body's expected content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    /// Any bytes, signed as given.
    #[default]
    Raw,
    /// A JSON document.
    Json,
    /// Request parameters: `k=v&k=v` or a JSON object.
    Params,
    /// The scheme signs no body.
    None,
}

/// What a field holds; decides how "now" and "new nonce" are made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    #[default]
    Text,
    UnixSeconds,
    UnixMillis,
    Rfc1123Date,
    Nonce,
    Url,
    Method,
}

impl FieldKind {
    /// Whether a missing value is made by the caller (clock or random source).
    pub fn is_generated(self) -> bool {
        matches!(
            self,
            FieldKind::UnixSeconds
                | FieldKind::UnixMillis
                | FieldKind::Rfc1123Date
                | FieldKind::Nonce
        )
    }

    /// The recipe spelling of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::UnixSeconds => "unix-seconds",
            FieldKind::UnixMillis => "unix-millis",
            FieldKind::Rfc1123Date => "rfc1123-date",
            FieldKind::Nonce => "nonce",
            FieldKind::Url => "url",
            FieldKind::Method => "method",
        }
    }
}

/// The characters a generated nonce is made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NonceAlphabet {
    #[default]
    Alnum,
    HexLower,
    HexUpper,
}

/// One named input of a scheme.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub kind: FieldKind,
    /// Used when the field is not given; a field with a default is optional.
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    /// Nonce length in characters.
    #[serde(default = "default_nonce_length")]
    pub length: usize,
    #[serde(default)]
    pub alphabet: NonceAlphabet,
}

fn default_nonce_length() -> usize {
    16
}

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
    /// The value under a selection of variant choices (complete: every variant has a choice).
    pub fn get(&self, selection: &Selection) -> &T {
        match self {
            Param::Fixed(v) => v,
            Param::ByVariant { variant, values } => &values[selection.choice(variant)],
        }
    }
}

/// The chosen variant choices, one for each variant of a recipe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection(BTreeMap<String, String>);

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

/// One stage of a recipe: a primitive, possibly only under some variant choices.
#[derive(Debug, Clone)]
pub struct StageSpec {
    pub name: String,
    /// Variant name -> the choices under which this stage is active.
    pub when: BTreeMap<String, Vec<String>>,
    pub op: Op,
    /// The 1-based line of the stage in its recipe file.
    pub line: usize,
}

impl StageSpec {
    /// Whether the stage is active under a selection.
    pub fn active(&self, selection: &Selection) -> bool {
        self.when
            .iter()
            .all(|(variant, choices)| choices.iter().any(|c| c == selection.choice(variant)))
    }
}

/// The closed set of primitives a stage can apply.
#[derive(Debug, Clone)]
pub enum Op {
    Concat {
        parts: Vec<Param<Template>>,
        separator: Param<Template>,
    },
    Hmac {
        alg: Param<Alg>,
        key: Param<Template>,
        message: Param<Template>,
    },
    Hash {
        alg: Param<Alg>,
        message: Param<Template>,
    },
    Hex {
        input: Param<Template>,
        case: Param<Case>,
    },
    Base64 {
        input: Param<Template>,
        alphabet: Param<Alphabet>,
        padding: Param<bool>,
    },
    Json {
        input: Param<Template>,
        sort: Param<JsonSort>,
        spaced: Param<bool>,
        escape_unicode: Param<bool>,
        skip: Param<JsonSkip>,
        omit: Vec<String>,
    },
    Params {
        input: Param<Template>,
        sort: Param<bool>,
        decode: Param<bool>,
        omit: Vec<String>,
    },
    Param {
        input: Param<Template>,
        name: String,
        decode: Param<bool>,
    },
    Url {
        input: Param<Template>,
        part: Param<UrlPart>,
    },
}

/// The method and URL of the request the signature goes into (for export).
#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: Template,
    pub url: Template,
}

/// A header, query parameter or body member that carries a signed value.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The header, parameter or member name; a placement whose name renders empty is left out.
    pub name: Template,
    pub value: Template,
    /// Only for these request methods (upper case); empty: always.
    pub methods: Vec<String>,
}

/// How long a server accepts a request after its time field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub field: String,
    pub seconds: u64,
}

/// The scheme's documented example inputs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// The signature the documentation prints, when it prints one.
    #[serde(default)]
    pub signature: Option<String>,
}

/// A recipe that could not be loaded: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeError {
    /// 1-based line; 0 when the problem has no place in the file.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RecipeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for RecipeError {}

impl Recipe {
    /// Reads and checks a recipe from its TOML text.
    pub fn from_toml(text: &str) -> Result<Recipe, RecipeError> {
        let raw: RawRecipe = toml::from_str(text).map_err(|e| RecipeError {
            line: e.span().map_or(0, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        let recipe = raw.compile(text)?;
        recipe.check()?;
        Ok(recipe)
    }

    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// A variant by name.
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// Completes a partial choice of variants with the defaults, rejecting unknown names and choices.
    pub fn select<'a>(
        &self,
        chosen: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Selection, super::SignError> {
        let mut map: BTreeMap<String, String> = self
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.default_choice().to_string()))
            .collect();
        for (name, choice) in chosen {
            let variant = self
                .variant(name)
                .ok_or_else(|| super::SignError::UnknownVariant {
                    name: name.to_string(),
                    known: self.variants.iter().map(|v| v.name.clone()).collect(),
                })?;
            if !variant.choices.iter().any(|c| c == choice) {
                return Err(super::SignError::UnknownChoice {
                    variant: name.to_string(),
                    choice: choice.to_string(),
                    choices: variant.choices.clone(),
                });
            }
            map.insert(name.to_string(), choice.to_string());
        }
        Ok(Selection(map))
    }

    /// The stages active under a selection, in order.
    pub fn active_stages<'a>(
        &'a self,
        selection: &'a Selection,
    ) -> impl Iterator<Item = &'a StageSpec> + 'a {
        self.stages.iter().filter(move |s| s.active(selection))
    }

    /// Every complete selection, or None when there are too many to list.
    fn all_selections(&self) -> Option<Vec<Selection>> {
        let mut all = vec![BTreeMap::new()];
        for v in &self.variants {
            if all.len() * v.choices.len() > 4096 {
                return None;
            }
            all = all
                .into_iter()
                .flat_map(|m| {
                    v.choices.iter().map(move |c| {
                        let mut m = m.clone();
                        m.insert(v.name.clone(), c.clone());
                        m
                    })
                })
                .collect();
        }
        Some(all.into_iter().map(Selection).collect())
    }

    /// Checks that, under every selection, each reference names an input or an earlier stage.
    fn check(&self) -> Result<(), RecipeError> {
        let inputs: BTreeSet<&str> = ["key", "body"]
            .into_iter()
            .chain(self.fields.iter().map(|f| f.name.as_str()))
            .collect();
        let err = |line: usize, message: String| Err(RecipeError { line, message });
        for s in &self.stages {
            if inputs.contains(s.name.as_str()) {
                return err(
                    s.line,
                    format!("stage `{}` has the name of an input", s.name),
                );
            }
        }
        let Some(selections) = self.all_selections() else {
            return Ok(());
        };
        for sel in &selections {
            let mut defined: BTreeSet<&str> = inputs.clone();
            let under = || {
                let s: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
                if s.is_empty() {
                    String::new()
                } else {
                    format!(" (with {})", s.join(", "))
                }
            };
            for s in self.active_stages(sel) {
                for name in s.op.references(sel) {
                    if !defined.contains(name) {
                        return err(
                            s.line,
                            format!(
                                "stage `{}` refers to `{{{name}}}`, which is neither an input nor an earlier stage{}",
                                s.name,
                                under()
                            ),
                        );
                    }
                }
                if s.name == self.signature && matches!(s.op, Op::Hmac { .. } | Op::Hash { .. }) {
                    return err(
                        s.line,
                        format!(
                            "the signature stage `{}` is raw MAC bytes: add a stage that encodes it with hex or base64",
                            s.name
                        ),
                    );
                }
                if !defined.insert(&s.name) {
                    return err(
                        s.line,
                        format!("stage `{}` is defined twice{}", s.name, under()),
                    );
                }
            }
            if !defined.contains(self.signature.as_str())
                || inputs.contains(self.signature.as_str())
            {
                return err(
                    0,
                    format!(
                        "the signature stage `{}` is not defined{}",
                        self.signature,
                        under()
                    ),
                );
            }
            let placed = self
                .headers
                .iter()
                .chain(&self.query)
                .chain(&self.body_members);
            let templates = placed
                .flat_map(|p| [(&p.value, "a placed value"), (&p.name, "a placed name")])
                .chain([
                    (&self.request.method, "request.method"),
                    (&self.request.url, "request.url"),
                ]);
            for (t, what) in templates {
                if let Some(name) = t.references().find(|n| !defined.contains(n)) {
                    return err(
                        0,
                        format!(
                            "`{what}` refers to `{{{name}}}`, which is not defined{}",
                            under()
                        ),
                    );
                }
            }
        }
        Ok(())
    }
}

impl Op {
    /// The primitive's name as written in a recipe.
    pub fn primitive(&self) -> &'static str {
        match self {
            Op::Concat { .. } => "concat",
            Op::Hmac { .. } => "hmac",
            Op::Hash { .. } => "hash",
            Op::Hex { .. } => "hex",
            Op::Base64 { .. } => "base64",
            Op::Json { .. } => "json",
            Op::Params { .. } => "params",
            Op::Param { .. } => "param",
            Op::Url { .. } => "url",
        }
    }

    /// The templates the op reads under a selection.
    pub fn templates<'a>(&'a self, sel: &Selection) -> Vec<&'a Template> {
        match self {
            Op::Concat { parts, separator } => parts
                .iter()
                .map(|p| p.get(sel))
                .chain([separator.get(sel)])
                .collect(),
            Op::Hmac { key, message, .. } => vec![key.get(sel), message.get(sel)],
            Op::Hash { message, .. } => vec![message.get(sel)],
            Op::Hex { input, .. }
            | Op::Base64 { input, .. }
            | Op::Json { input, .. }
            | Op::Params { input, .. }
            | Op::Param { input, .. }
            | Op::Url { input, .. } => vec![input.get(sel)],
        }
    }

    /// The names the op refers to under a selection.
    pub fn references<'a>(&'a self, sel: &Selection) -> Vec<&'a str> {
        self.templates(sel)
            .into_iter()
            .flat_map(|t| t.references())
            .collect()
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

// ---- The file format, as read by serde, then compiled into the model above. ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipe {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    key: KeySpec,
    #[serde(default)]
    body: BodySpec,
    #[serde(default)]
    fields: Vec<Spanned<Field>>,
    #[serde(default)]
    variants: Vec<Spanned<Variant>>,
    stages: Vec<Spanned<RawStage>>,
    #[serde(default = "default_signature")]
    signature: String,
    #[serde(default)]
    request: RawRequest,
    #[serde(default)]
    headers: Vec<Spanned<RawPlaced>>,
    #[serde(default)]
    query: Vec<Spanned<RawPlaced>>,
    #[serde(default)]
    body_members: Vec<Spanned<RawPlaced>>,
    #[serde(default)]
    window: Option<Spanned<Window>>,
    #[serde(default)]
    equivalent: Vec<Equivalence>,
    #[serde(default)]
    import: Option<Spanned<RawImport>>,
    #[serde(default)]
    example: Example,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImport {
    #[serde(default)]
    fields: BTreeMap<String, OneOrManySources>,
    #[serde(default)]
    body: Option<OneOrManySources>,
    #[serde(default)]
    signature: Option<OneOrManySources>,
    #[serde(default)]
    patterns: Vec<RawPattern>,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum RawSource {
    Plain(String),
    Limited {
        from: String,
        #[serde(default)]
        methods: Vec<String>,
    },
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum OneOrManySources {
    One(RawSource),
    Many(Vec<RawSource>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    from: RawSource,
    pattern: String,
}

/// Checks a source's kind and turns it into the model.
fn source(raw: &RawSource) -> Result<Source, String> {
    let (from, methods) = match raw {
        RawSource::Plain(f) => (f.clone(), Vec::new()),
        RawSource::Limited { from, methods } => (
            from.clone(),
            methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
        ),
    };
    let kind = from.split_once(':').map_or(from.as_str(), |(k, _)| k);
    let named = ["header", "query", "member"];
    let whole = ["method", "url", "url-without-query", "body", "query"];
    let ok = match from.split_once(':') {
        Some((k, name)) => named.contains(&k) && !name.is_empty() && Template::parse(name).is_ok(),
        None => whole.contains(&kind),
    };
    if ok {
        Ok(Source { from, methods })
    } else {
        Err(format!(
            "import source `{from}`: expected header:NAME, query:NAME, member:NAME, method, url, url-without-query, body or query"
        ))
    }
}

fn sources(raw: &OneOrManySources) -> Result<Vec<Source>, String> {
    match raw {
        OneOrManySources::One(s) => Ok(vec![source(s)?]),
        OneOrManySources::Many(list) => list.iter().map(source).collect(),
    }
}

fn default_signature() -> String {
    "signature".to_string()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    method: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaced {
    name: String,
    value: String,
    #[serde(default)]
    methods: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A parameter as written: a plain value, or `{ variant = "x", map = { choice = value } }`.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum RawParam {
    ByVariant {
        variant: String,
        #[serde(default)]
        map: Option<BTreeMap<String, toml::Value>>,
    },
    Value(toml::Value),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    name: String,
    #[serde(default)]
    when: BTreeMap<String, OneOrMany>,
    // The primitives: exactly one is given.
    concat: Option<Vec<RawParam>>,
    hmac: Option<RawParam>,
    hash: Option<RawParam>,
    hex: Option<RawParam>,
    base64: Option<RawParam>,
    json: Option<RawParam>,
    params: Option<RawParam>,
    param: Option<String>,
    url: Option<RawParam>,
    // Their arguments.
    separator: Option<RawParam>,
    key: Option<RawParam>,
    message: Option<RawParam>,
    case: Option<RawParam>,
    alphabet: Option<RawParam>,
    padding: Option<RawParam>,
    sort: Option<RawParam>,
    separators: Option<RawParam>,
    unicode: Option<RawParam>,
    skip: Option<RawParam>,
    omit: Option<Vec<String>>,
    decode: Option<RawParam>,
    from: Option<RawParam>,
    part: Option<RawParam>,
}

/// A value type that a parameter can hold, parsed from its text.
trait ParamValue: Sized {
    fn parse(text: &str) -> Result<Self, String>;
}

impl ParamValue for Template {
    fn parse(text: &str) -> Result<Self, String> {
        Template::parse(text).map_err(|e| e.to_string())
    }
}

impl ParamValue for bool {
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

/// Reads the plain text of a TOML scalar (strings and booleans).
fn scalar_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

struct StageCompiler<'a> {
    stage: &'a str,
    line: usize,
    variants: &'a [Variant],
}

impl StageCompiler<'_> {
    fn err(&self, message: String) -> RecipeError {
        RecipeError {
            line: self.line,
            message: format!("stage `{}`: {message}", self.stage),
        }
    }

    fn value<T: ParamValue>(&self, arg: &str, text: &str) -> Result<T, RecipeError> {
        T::parse(text).map_err(|m| self.err(format!("{arg}: {m}")))
    }

    fn param<T: ParamValue>(&self, arg: &str, raw: &RawParam) -> Result<Param<T>, RecipeError> {
        match raw {
            RawParam::Value(v) => {
                let text = scalar_text(v).ok_or_else(|| {
                    self.err(format!(
                        "{arg}: expected a string, found a {}",
                        v.type_str()
                    ))
                })?;
                Ok(Param::Fixed(self.value(arg, &text)?))
            }
            RawParam::ByVariant { variant, map } => {
                let v = self
                    .variants
                    .iter()
                    .find(|v| &v.name == variant)
                    .ok_or_else(|| self.err(format!("{arg}: no variant named `{variant}`")))?;
                let mut values = BTreeMap::new();
                if let Some(map) = map {
                    if let Some(extra) = map.keys().find(|k| !v.choices.contains(k)) {
                        return Err(self.err(format!(
                            "{arg}: `{extra}` is not a choice of variant `{variant}` ({})",
                            v.choices.join(", ")
                        )));
                    }
                }
                for choice in &v.choices {
                    let text = match map {
                        None => choice.clone(),
                        Some(map) => {
                            let value = map.get(choice).ok_or_else(|| {
                                self.err(format!(
                                    "{arg}: the map of variant `{variant}` has no value for `{choice}`"
                                ))
                            })?;
                            scalar_text(value).ok_or_else(|| {
                                self.err(format!("{arg}: the value for `{choice}` is not a string"))
                            })?
                        }
                    };
                    values.insert(choice.clone(), self.value(arg, &text)?);
                }
                Ok(Param::ByVariant {
                    variant: variant.clone(),
                    values,
                })
            }
        }
    }

    fn opt<T: ParamValue>(
        &self,
        arg: &str,
        raw: &Option<RawParam>,
        default: &str,
    ) -> Result<Param<T>, RecipeError> {
        match raw {
            Some(raw) => self.param(arg, raw),
            None => Ok(Param::Fixed(self.value(arg, default)?)),
        }
    }

    fn required<T: ParamValue>(
        &self,
        arg: &str,
        raw: &Option<RawParam>,
        primitive: &str,
    ) -> Result<Param<T>, RecipeError> {
        match raw {
            Some(raw) => self.param(arg, raw),
            None => Err(self.err(format!("`{primitive}` needs `{arg}`"))),
        }
    }

    fn compile(&self, s: &RawStage) -> Result<Op, RecipeError> {
        let given: Vec<&str> = [
            ("concat", s.concat.is_some()),
            ("hmac", s.hmac.is_some()),
            ("hash", s.hash.is_some()),
            ("hex", s.hex.is_some()),
            ("base64", s.base64.is_some()),
            ("json", s.json.is_some()),
            ("params", s.params.is_some()),
            ("param", s.param.is_some()),
            ("url", s.url.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, g)| g.then_some(n))
        .collect();
        let primitive = match given.as_slice() {
            [one] => *one,
            [] => {
                return Err(self.err(
                    "no primitive: give one of concat, hmac, hash, hex, base64, json, params, param, url"
                        .to_string(),
                ));
            }
            many => {
                return Err(self.err(format!(
                    "more than one primitive ({}): a stage applies exactly one",
                    many.join(", ")
                )));
            }
        };
        let allowed: &[&str] = match primitive {
            "concat" => &["separator"],
            "hmac" => &["key", "message"],
            "hash" => &["message"],
            "hex" => &["case"],
            "base64" => &["alphabet", "padding"],
            "json" => &["sort", "separators", "unicode", "skip", "omit"],
            "params" => &["sort", "decode", "omit"],
            "param" => &["from", "decode"],
            "url" => &["part"],
            _ => &[],
        };
        let args = [
            ("separator", s.separator.is_some()),
            ("key", s.key.is_some()),
            ("message", s.message.is_some()),
            ("case", s.case.is_some()),
            ("alphabet", s.alphabet.is_some()),
            ("padding", s.padding.is_some()),
            ("sort", s.sort.is_some()),
            ("separators", s.separators.is_some()),
            ("unicode", s.unicode.is_some()),
            ("skip", s.skip.is_some()),
            ("omit", s.omit.is_some()),
            ("decode", s.decode.is_some()),
            ("from", s.from.is_some()),
            ("part", s.part.is_some()),
        ];
        if let Some((arg, _)) = args.iter().find(|(a, g)| *g && !allowed.contains(a)) {
            return Err(self.err(format!(
                "`{arg}` does not apply to `{primitive}`{}",
                if allowed.is_empty() {
                    String::new()
                } else {
                    format!(" (it takes {})", allowed.join(", "))
                }
            )));
        }
        let main = |raw: &Option<RawParam>| -> Result<Param<Template>, RecipeError> {
            self.param(primitive, raw.as_ref().expect("checked above"))
        };
        Ok(match primitive {
            "concat" => Op::Concat {
                parts: s
                    .concat
                    .iter()
                    .flatten()
                    .map(|p| self.param("concat", p))
                    .collect::<Result<_, _>>()?,
                separator: self.opt("separator", &s.separator, "")?,
            },
            "hmac" => Op::Hmac {
                alg: self.param("hmac", s.hmac.as_ref().expect("checked above"))?,
                key: self.required("key", &s.key, "hmac")?,
                message: self.required("message", &s.message, "hmac")?,
            },
            "hash" => Op::Hash {
                alg: self.param("hash", s.hash.as_ref().expect("checked above"))?,
                message: self.required("message", &s.message, "hash")?,
            },
            "hex" => Op::Hex {
                input: main(&s.hex)?,
                case: self.opt("case", &s.case, "lower")?,
            },
            "base64" => Op::Base64 {
                input: main(&s.base64)?,
                alphabet: self.opt("alphabet", &s.alphabet, "standard")?,
                padding: self.opt("padding", &s.padding, "true")?,
            },
            "json" => Op::Json {
                input: main(&s.json)?,
                sort: self.opt("sort", &s.sort, "none")?,
                spaced: self.map_param(
                    "separators",
                    &s.separators,
                    &[("compact", false), ("spaced", true)],
                )?,
                escape_unicode: self.map_param(
                    "unicode",
                    &s.unicode,
                    &[("raw", false), ("escaped", true)],
                )?,
                skip: self.opt("skip", &s.skip, "none")?,
                omit: s.omit.clone().unwrap_or_default(),
            },
            "params" => Op::Params {
                input: main(&s.params)?,
                sort: self.map_param("sort", &s.sort, &[("name", true), ("none", false)])?,
                decode: self.opt("decode", &s.decode, "yes")?,
                omit: s.omit.clone().unwrap_or_default(),
            },
            "param" => Op::Param {
                input: self.opt("from", &s.from, "{body}")?,
                name: s.param.clone().expect("checked above"),
                decode: self.opt("decode", &s.decode, "yes")?,
            },
            "url" => Op::Url {
                input: main(&s.url)?,
                part: self.opt("part", &s.part, "full")?,
            },
            _ => unreachable!("every primitive is listed above"),
        })
    }

    /// A two-way parameter spelled with words (`compact`/`spaced`), read into a bool.
    fn map_param(
        &self,
        arg: &str,
        raw: &Option<RawParam>,
        words: &[(&str, bool); 2],
    ) -> Result<Param<bool>, RecipeError> {
        let read = |text: &str| -> Result<bool, RecipeError> {
            words
                .iter()
                .find(|(w, _)| *w == text)
                .map(|(_, b)| *b)
                .ok_or_else(|| {
                    self.err(format!(
                        "{arg}: expected {} or {}, found `{text}`",
                        words[0].0, words[1].0
                    ))
                })
        };
        let as_text: Param<Word> = self.opt(arg, raw, words[0].0)?;
        Ok(match as_text {
            Param::Fixed(w) => Param::Fixed(read(&w.0)?),
            Param::ByVariant { variant, values } => Param::ByVariant {
                variant,
                values: values
                    .into_iter()
                    .map(|(k, w)| Ok((k, read(&w.0)?)))
                    .collect::<Result<_, RecipeError>>()?,
            },
        })
    }
}

/// Any word; checked by the caller.
struct Word(String);

impl ParamValue for Word {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(Word(text.to_string()))
    }
}

macro_rules! param_words {
    ($ty:ty, $expected:expr, { $($word:literal => $val:expr),* $(,)? }) => {
        impl ParamValue for $ty {
            fn parse(text: &str) -> Result<Self, String> {
                match text {
                    $($word => Ok($val),)*
                    _ => Err(format!("expected {}, found `{text}`", $expected)),
                }
            }
        }
    };
}

param_words!(Alg, "sha1, sha256 or sha512", {
    "sha1" => Alg::Sha1, "sha256" => Alg::Sha256, "sha512" => Alg::Sha512,
});
param_words!(Case, "lower or upper", { "lower" => Case::Lower, "upper" => Case::Upper });
param_words!(Alphabet, "standard or url-safe", {
    "standard" => Alphabet::Standard, "url-safe" => Alphabet::UrlSafe,
});
param_words!(JsonSort, "deep, top or none", {
    "deep" => JsonSort::Deep, "top" => JsonSort::Top, "none" => JsonSort::None,
});
param_words!(JsonSkip, "none, null or null-or-empty", {
    "none" => JsonSkip::None, "null" => JsonSkip::Null, "null-or-empty" => JsonSkip::NullOrEmpty,
});
param_words!(UrlPart, "full, path, query, search, path-and-query, origin or host", {
    "full" => UrlPart::Full, "path" => UrlPart::Path, "query" => UrlPart::Query,
    "search" => UrlPart::Search, "path-and-query" => UrlPart::PathAndQuery,
    "origin" => UrlPart::Origin, "host" => UrlPart::Host,
});

impl RawRecipe {
    fn compile(self, text: &str) -> Result<Recipe, RecipeError> {
        let at = |span: Range<usize>| line_of(text, span.start);
        let err = |line: usize, message: String| RecipeError { line, message };

        let mut fields = Vec::new();
        for f in self.fields {
            let line = at(f.span());
            let mut f = f.into_inner();
            if !is_name(&f.name) {
                return Err(err(
                    line,
                    format!(
                        "field name `{}` must be letters, digits, `_`, `-` or `.`",
                        f.name
                    ),
                ));
            }
            if fields.iter().any(|g: &Field| g.name == f.name) {
                return Err(err(line, format!("field `{}` is declared twice", f.name)));
            }
            if ["key", "body"].contains(&f.name.as_str()) {
                return Err(err(
                    line,
                    format!("`{}` is a built-in input, not a field", f.name),
                ));
            }
            if f.length == 0 || f.length > 1024 {
                return Err(err(
                    line,
                    format!("field `{}`: length must be from 1 to 1024", f.name),
                ));
            }
            if f.label.is_empty() {
                f.label = f.name.clone();
            }
            fields.push(f);
        }

        let mut variants: Vec<Variant> = Vec::new();
        for v in self.variants {
            let line = at(v.span());
            let v = v.into_inner();
            if v.choices.is_empty() {
                return Err(err(line, format!("variant `{}` has no choices", v.name)));
            }
            if variants.iter().any(|w| w.name == v.name) {
                return Err(err(line, format!("variant `{}` is declared twice", v.name)));
            }
            let mut seen = BTreeSet::new();
            if let Some(c) = v.choices.iter().find(|c| !seen.insert(c.as_str())) {
                return Err(err(line, format!("variant `{}` lists `{c}` twice", v.name)));
            }
            variants.push(v);
        }

        let mut stages = Vec::new();
        for s in self.stages {
            let line = at(s.span());
            let s = s.into_inner();
            if !is_name(&s.name) {
                return Err(err(
                    line,
                    format!(
                        "stage name `{}` must be letters, digits, `_`, `-` or `.`",
                        s.name
                    ),
                ));
            }
            let compiler = StageCompiler {
                stage: &s.name,
                line,
                variants: &variants,
            };
            let mut when = BTreeMap::new();
            for (variant, choices) in &s.when {
                let choices = match choices {
                    OneOrMany::One(c) => vec![c.clone()],
                    OneOrMany::Many(c) => c.clone(),
                };
                let v = variants
                    .iter()
                    .find(|v| &v.name == variant)
                    .ok_or_else(|| compiler.err(format!("when: no variant named `{variant}`")))?;
                if let Some(c) = choices.iter().find(|c| !v.choices.contains(c)) {
                    return Err(compiler.err(format!(
                        "when: `{c}` is not a choice of variant `{variant}` ({})",
                        v.choices.join(", ")
                    )));
                }
                when.insert(variant.clone(), choices);
            }
            let op = compiler.compile(&s)?;
            stages.push(StageSpec {
                name: s.name,
                when,
                op,
                line,
            });
        }
        if stages.is_empty() {
            return Err(err(0, "the recipe has no stages".to_string()));
        }

        let template = |line: usize, what: &str, t: &str| {
            Template::parse(t).map_err(|e| err(line, format!("{what}: {e}")))
        };
        let placed =
            |list: Vec<Spanned<RawPlaced>>, what: &str| -> Result<Vec<Placed>, RecipeError> {
                list.into_iter()
                    .map(|p| {
                        let line = at(p.span());
                        let p = p.into_inner();
                        Ok(Placed {
                            value: template(line, &format!("{what} `{}`", p.name), &p.value)?,
                            name: template(line, &format!("{what} name"), &p.name)?,
                            methods: p.methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
                        })
                    })
                    .collect()
            };
        // Without a request URL the scheme still signs; only export needs one.
        let default_url = if fields.iter().any(|f| f.name == "url") {
            "{url}"
        } else {
            ""
        };
        let request = RequestSpec {
            method: template(
                0,
                "request.method",
                self.request.method.as_deref().unwrap_or("POST"),
            )?,
            url: template(
                0,
                "request.url",
                self.request.url.as_deref().unwrap_or(default_url),
            )?,
        };

        let window = match self.window {
            Some(w) => {
                let line = at(w.span());
                let w = w.into_inner();
                if !fields
                    .iter()
                    .any(|f| f.name == w.field && f.kind != FieldKind::Text)
                {
                    return Err(err(
                        line,
                        format!(
                            "window.field `{}` is not a time field of this scheme",
                            w.field
                        ),
                    ));
                }
                Some(w)
            }
            None => None,
        };

        let import_spec = match self.import {
            None => ImportSpec::default(),
            Some(raw) => {
                let line = at(raw.span());
                let raw = raw.into_inner();
                let e = |m: String| err(line, m);
                let mut spec = ImportSpec::default();
                for (field, list) in &raw.fields {
                    if !fields.iter().any(|f: &Field| &f.name == field) {
                        return Err(e(format!(
                            "import.fields: `{field}` is not a field of this scheme"
                        )));
                    }
                    spec.fields.insert(field.clone(), sources(list).map_err(e)?);
                }
                spec.body = match &raw.body {
                    Some(list) => sources(list).map_err(e)?,
                    None => vec![Source {
                        from: "body".into(),
                        methods: Vec::new(),
                    }],
                };
                if let Some(list) = &raw.signature {
                    spec.signature = sources(list).map_err(e)?;
                }
                for p in &raw.patterns {
                    let pattern = Template::parse(&p.pattern)
                        .map_err(|m| e(format!("import pattern: {m}")))?;
                    if let Some(name) = pattern
                        .references()
                        .find(|n| *n != "signature" && !fields.iter().any(|f| f.name == *n))
                    {
                        return Err(e(format!(
                            "import pattern `{}` captures `{{{name}}}`, which is not a field",
                            p.pattern
                        )));
                    }
                    spec.patterns.push(Pattern {
                        from: source(&p.from).map_err(e)?,
                        pattern,
                    });
                }
                spec
            }
        };

        Ok(Recipe {
            id: self.id,
            name: self.name,
            description: self.description,
            source: self.source,
            notes: self.notes,
            key: self.key,
            body: self.body,
            fields,
            variants,
            stages,
            signature: self.signature,
            request,
            headers: placed(self.headers, "header")?,
            query: placed(self.query, "query parameter")?,
            body_members: placed(self.body_members, "body member")?,
            window,
            equivalent: self.equivalent,
            import: import_spec,
            example: self.example,
        })
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

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

use super::args::Args;
pub use super::choice::{Param, Selection, Variant};
use super::primitives::{self, Prim};
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
    /// How a received value lists several signatures (Stripe's `v1=…` items), if it does.
    pub signatures: Option<SignatureList>,
    /// Whether a stage reads the request's header lines (`{headers}`), under some choice.
    pub reads_headers: bool,
    /// Where an imported request holds the fields, the body and the received signature.
    pub import: ImportSpec,
    pub example: Example,
}

/// How a received carrier writes its signatures: items split on `separator`, each read as one of
/// the `item` forms (`v1={signature}`): the literal text before and after `{signature}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureList {
    pub separator: Option<String>,
    pub items: Vec<(String, String)>,
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
    /// The value is a list split on this; each item that reads as the pattern gives captures.
    pub split: Option<String>,
    /// Captures that are base64 text of the value (`{ body = "url-safe" }`, a JWT's parts).
    pub decode: BTreeMap<String, super::primitives::Alphabet>,
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
    /// ISO 8601 basic format in UTC: `20150830T123600Z` (AWS's X-Amz-Date).
    #[serde(rename = "iso8601-basic")]
    Iso8601Basic,
    /// RFC 3339 in UTC: `2016-02-23T12:46:24Z`.
    #[serde(rename = "rfc3339")]
    Rfc3339,
    Nonce,
    Url,
    Method,
    /// A second secret (an OAuth token secret): masked like the key, never kept in a bundle.
    Secret,
}

impl FieldKind {
    /// Whether a missing value is made by the caller (clock or random source).
    pub fn is_generated(self) -> bool {
        matches!(
            self,
            FieldKind::UnixSeconds
                | FieldKind::UnixMillis
                | FieldKind::Rfc1123Date
                | FieldKind::Iso8601Basic
                | FieldKind::Rfc3339
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
            FieldKind::Iso8601Basic => "iso8601-basic",
            FieldKind::Rfc3339 => "rfc3339",
            FieldKind::Secret => "secret",
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

/// One stage of a recipe: a primitive, possibly only under some variant choices.
#[derive(Debug, Clone)]
pub struct StageSpec {
    pub name: String,
    /// Variant name -> the choices under which this stage is active.
    pub when: BTreeMap<String, Vec<String>>,
    /// The primitive's name as written (`hmac`).
    pub primitive: &'static str,
    pub prim: Prim,
    /// The stage's table as written, less `name` and `when`: what a rewrite of the recipe edits.
    pub table: toml::Table,
    /// The 1-based line of the stage in its recipe file.
    pub line: usize,
}

impl StageSpec {
    /// Reads a stage's primitive and arguments from its table. An error names the key it is
    /// about when a key is the problem (an unknown primitive), so the caller can point at its line.
    fn compile(
        name: &str,
        when: BTreeMap<String, Vec<String>>,
        table: toml::Table,
        line: usize,
        variants: &[Variant],
    ) -> Result<StageSpec, (Option<String>, String)> {
        let given: Vec<&'static primitives::Entry> =
            table.keys().filter_map(|k| primitives::entry(k)).collect();
        let all = || {
            primitives::ALL
                .iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let entry = match given.as_slice() {
            [one] => *one,
            [] => {
                return Err(match table.keys().next() {
                    Some(k) => (
                        Some(k.clone()),
                        format!(
                            "unknown field `{k}`, expected one of the primitives: {}",
                            all()
                        ),
                    ),
                    None => (None, format!("no primitive: give one of {}", all())),
                });
            }
            many => {
                let names: Vec<&str> = many.iter().map(|e| e.name).collect();
                return Err((
                    None,
                    format!(
                        "more than one primitive ({}): a stage applies exactly one",
                        names.join(", ")
                    ),
                ));
            }
        };
        let main = &table[entry.name];
        let mut args = Args::new(entry.name, main, &table, variants);
        let prim = (entry.build)(&mut args).map_err(|m| (None, m))?;
        args.finish().map_err(|m| (None, m))?;
        Ok(StageSpec {
            name: name.to_string(),
            when,
            primitive: entry.name,
            prim,
            table,
            line,
        })
    }

    /// Whether the stage is active under a selection.
    pub fn active(&self, selection: &Selection) -> bool {
        self.when
            .iter()
            .all(|(variant, choices)| choices.iter().any(|c| c == selection.choice(variant)))
    }

    /// The names the stage refers to under a selection.
    pub fn references<'a>(&'a self, sel: &Selection) -> Vec<&'a str> {
        self.prim
            .inputs(sel)
            .into_iter()
            .flat_map(|t| t.references())
            .collect()
    }
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
    /// Left out when its value renders empty (an optional session token).
    pub optional: bool,
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
    /// The request's header lines (`Name: value`, one a line), for schemes that sign headers.
    #[serde(default)]
    pub headers: String,
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

    /// Checks that a selection chooses, for each of the recipe's variants, one of its choices
    /// (a selection made by [`Recipe::select`] always does).
    pub fn check_selection(&self, selection: &Selection) -> Result<(), super::SignError> {
        for v in &self.variants {
            let choice = selection.choice(&v.name);
            if !v.choices.iter().any(|c| c == choice) {
                return Err(super::SignError::UnknownChoice {
                    variant: v.name.clone(),
                    choice: choice.to_string(),
                    choices: v.choices.clone(),
                });
            }
        }
        Ok(())
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

    /// The default selection and each selection that changes one variant from it.
    fn one_change_selections(&self) -> Vec<Selection> {
        let default: BTreeMap<String, String> = self
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.default_choice().to_string()))
            .collect();
        let mut all = vec![Selection(default.clone())];
        for v in &self.variants {
            for c in v.choices.iter().skip(1) {
                let mut m = default.clone();
                m.insert(v.name.clone(), c.clone());
                all.push(Selection(m));
            }
        }
        all
    }

    /// Checks that, under every selection, each reference names an input or an earlier stage.
    fn check(&self) -> Result<(), RecipeError> {
        let inputs: BTreeSet<&str> = INPUTS
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
        // Every combination when there are at most 4096; beyond, the defaults and every single
        // change of one variant (a bad reference shows under one of them in all but contrived
        // recipes).
        let selections = self
            .all_selections()
            .unwrap_or_else(|| self.one_change_selections());
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
                for name in s.references(sel) {
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
                if s.name == self.signature && s.prim.raw() {
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

/// The inputs every recipe has besides its fields: the secret key, the body, and the request's
/// header lines as received.
pub const INPUTS: [&str; 3] = ["key", "body", "headers"];

impl Recipe {
    /// The same recipe with its stages' tables rewritten by `edit` (given each stage's primitive
    /// name and table) and read again: how diagnose tries "the signer used SHA-1" or "joined
    /// with CRLF" without the engine knowing of it.
    pub fn rewrite(
        &self,
        mut edit: impl FnMut(&str, &mut toml::Table),
    ) -> Result<Recipe, RecipeError> {
        let mut out = self.clone();
        for s in &mut out.stages {
            let mut table = s.table.clone();
            edit(s.primitive, &mut table);
            *s = StageSpec::compile(&s.name, s.when.clone(), table, s.line, &self.variants)
                .map_err(|(_, message)| RecipeError {
                    line: s.line,
                    message,
                })?;
        }
        Ok(out)
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
    signatures: Option<Spanned<RawSignatures>>,
    #[serde(default)]
    import: Option<Spanned<RawImport>>,
    #[serde(default)]
    example: Example,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignatures {
    #[serde(default)]
    separator: Option<String>,
    item: OneOrMany,
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
    #[serde(default)]
    split: Option<String>,
    #[serde(default)]
    decode: BTreeMap<String, String>,
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
    let named = ["header", "query", "member", "form", "auth-param"];
    let whole = ["method", "url", "url-without-query", "body", "query"];
    let ok = match from.split_once(':') {
        Some((k, name)) => named.contains(&k) && !name.is_empty() && Template::parse(name).is_ok(),
        None => whole.contains(&kind),
    };
    if ok {
        Ok(Source { from, methods })
    } else {
        Err(format!(
            "import source `{from}`: expected header:NAME, query:NAME, member:NAME, form:NAME, auth-param:NAME, method, url, url-without-query, body or query"
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
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A stage as written: its name, `when`, and the primitive with its arguments (every other key).
#[derive(Deserialize)]
struct RawStage {
    name: String,
    #[serde(default)]
    when: BTreeMap<String, OneOrMany>,
    #[serde(flatten)]
    rest: toml::Table,
}

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
            if INPUTS.contains(&f.name.as_str()) {
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
            let stage_err = |m: String| RecipeError {
                line,
                message: format!("stage `{}`: {m}", s.name),
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
                    .ok_or_else(|| stage_err(format!("when: no variant named `{variant}`")))?;
                if let Some(c) = choices.iter().find(|c| !v.choices.contains(c)) {
                    return Err(stage_err(format!(
                        "when: `{c}` is not a choice of variant `{variant}` ({})",
                        v.choices.join(", ")
                    )));
                }
                when.insert(variant.clone(), choices);
            }
            let stage = StageSpec::compile(&s.name, when, s.rest, line, &variants).map_err(
                |(key, m)| match key {
                    // Point at the key itself, as the TOML reader does for other mistakes.
                    Some(key) => RecipeError {
                        line: key_line(text, line, &key),
                        message: m,
                    },
                    None => stage_err(m),
                },
            )?;
            stages.push(stage);
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
                            optional: p.optional,
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
                    if let Some(name) = pattern.references().find(|n| {
                        !matches!(*n, "signature" | "body")
                            && !n.starts_with('_')
                            && !fields.iter().any(|f| f.name == *n)
                    }) {
                        return Err(e(format!(
                            "import pattern `{}` captures `{{{name}}}`, which is not a field",
                            p.pattern
                        )));
                    }
                    let mut decode = BTreeMap::new();
                    for (name, alphabet) in &p.decode {
                        let a =
                            <super::primitives::Alphabet as super::args::ArgValue>::parse(alphabet)
                                .map_err(|m| e(format!("import pattern decode `{name}`: {m}")))?;
                        decode.insert(name.clone(), a);
                    }
                    spec.patterns.push(Pattern {
                        from: source(&p.from).map_err(e)?,
                        pattern,
                        split: p.split.clone(),
                        decode,
                    });
                }
                spec
            }
        };

        let signatures = match self.signatures {
            None => None,
            Some(raw) => {
                let line = at(raw.span());
                let raw = raw.into_inner();
                let forms = match raw.item {
                    OneOrMany::One(f) => vec![f],
                    OneOrMany::Many(f) => f,
                };
                let mut items = Vec::new();
                for form in forms {
                    let (before, after) = form.split_once("{signature}").ok_or_else(|| {
                        err(
                            line,
                            format!("signatures.item `{form}` has no `{{signature}}`"),
                        )
                    })?;
                    items.push((before.to_string(), after.to_string()));
                }
                Some(SignatureList {
                    separator: raw.separator.filter(|s| !s.is_empty()),
                    items,
                })
            }
        };

        fn mentions(v: &toml::Value, what: &str) -> bool {
            match v {
                toml::Value::String(s) => s.contains(what),
                toml::Value::Array(a) => a.iter().any(|v| mentions(v, what)),
                toml::Value::Table(t) => t.values().any(|v| mentions(v, what)),
                _ => false,
            }
        }
        let reads_headers = stages
            .iter()
            .any(|s| s.table.values().any(|v| mentions(v, "{headers}")));
        Ok(Recipe {
            reads_headers,
            signatures,
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

/// The line at or after `from` where `key = …` is written (or `from` when it cannot be found).
fn key_line(text: &str, from: usize, key: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(from, |(i, _)| i + 1)
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

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

pub use super::choice::{Param, Selection, Variant};
use crate::sign::args::Args;
use crate::sign::primitive::{Prim, Spec};
use crate::sign::primitives;
use crate::sign::template::Template;

mod check;
mod read;

/// A signing scheme, loaded and checked.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Where the scheme sits in the catalog.
    pub group: Group,
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

/// A part of the catalog, as the picker and `providers` group schemes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// The vendors of the seed documents.
    Seed,
    /// Webhook deliveries.
    Webhook,
    /// Cloud and platform APIs.
    Cloud,
    /// Cryptocurrency exchanges.
    Exchange,
    /// Standards many vendors use (OAuth, JWT, HTTP signatures).
    Standard,
    /// A user's own scheme.
    #[default]
    Other,
}

impl Group {
    /// The group's heading.
    pub fn label(self) -> &'static str {
        match self {
            Group::Seed => "seed vendors",
            Group::Webhook => "webhooks",
            Group::Cloud => "cloud APIs",
            Group::Exchange => "exchanges",
            Group::Standard => "auth standards",
            Group::Other => "your schemes",
        }
    }
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
    /// Every signature source the request has gives a signature (Box's primary and secondary
    /// headers), joined with the `[signatures]` separator; else the first found is the one.
    pub every_signature: bool,
    /// Values taken apart by a template: `WallTech {token}:{signature}` from a header.
    pub patterns: Vec<Pattern>,
    /// Variants the request picks (HubSpot's version header, OAuth's signature method, a
    /// presigned URL's query), in order: the first rule that finds its source decides.
    pub variants: Vec<VariantRule>,
}

/// A variant chosen by what a request carries: `choice` when the source is there at all, else
/// its value through `map` (or the value itself when it is one of the choices), else
/// `otherwise`. The source may be `field:NAME`, a value the import found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantRule {
    pub variant: String,
    pub from: Source,
    pub choice: Option<String>,
    pub map: BTreeMap<String, String>,
    /// The value is a JSON object and this member of it is read (a JWT header's `alg`).
    pub member: Option<String>,
    /// The choice for a value the map (or the choices) do not name; none: such a value is an
    /// error naming the source.
    pub otherwise: Option<String>,
    /// Values refused with a sentence of their own (a JWT's `alg: none`: the attack it is).
    pub refuse: BTreeMap<String, String>,
    /// The value is a parameter list and this parameter of it is read (RFC 9421's `alg`).
    pub parameter: Option<String>,
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
    pub decode: BTreeMap<String, super::encoding::Alphabet>,
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
    /// An XML document (WeChat Pay v2's `<xml>…</xml>`).
    Xml,
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

    /// Why a value does not read as this kind (None when it does, or the kind takes any text,
    /// dates included, since servers read them in many forms):
    /// one sentence, the value not repeated.
    pub fn problem(self, value: &str) -> Option<&'static str> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        let ok = match self {
            FieldKind::UnixSeconds | FieldKind::UnixMillis => v
                .strip_prefix('-')
                .unwrap_or(v)
                .bytes()
                .all(|b| b.is_ascii_digit()),
            // A path alone is a URL to the schemes that sign the path (the export asks for more).
            FieldKind::Url => {
                v.starts_with('/')
                    || ["http://", "https://"].iter().any(|p| {
                        // By bytes: a value may hold any character where the scheme would be.
                        v.len() > p.len()
                            && v.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
                            && !v.as_bytes()[p.len()..].starts_with(b"/")
                    })
            }
            FieldKind::Method => v.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'),
            _ => true,
        };
        (!ok).then_some(match self {
            FieldKind::UnixSeconds => "Unix seconds are digits (like 1565314789)",
            FieldKind::UnixMillis => "Unix milliseconds are digits (like 1565314789000)",
            FieldKind::Url => "a URL is https://host/path (or /path)",
            _ => "a method is letters (like POST)",
        })
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
        let given: Vec<&'static Spec> = table.keys().filter_map(|k| primitives::spec(k)).collect();
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
        let args = Args::new(entry.name, entry.args, main, &table, variants);
        let prim = (entry.build)(&args).map_err(|m| (None, m))?;
        args.finish().map_err(|m| (None, m))?;
        Ok(StageSpec {
            name: name.to_string(),
            when,
            primitive: entry.name,
            prim,
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
    /// Whether a stage verifies with a public key (Ed25519, ECDSA, RSA): the key is then a
    /// public key (not a secret) or a private key to sign with.
    pub fn public_key(&self) -> bool {
        self.stages.iter().any(|s| s.prim.public_key())
    }

    /// Whether a stage active under `sel` verifies with a public key (JWT's RS256 does, its
    /// HS256 does not).
    pub fn public_key_under(&self, sel: &Selection) -> bool {
        self.stages
            .iter()
            .any(|s| s.active(sel) && s.prim.public_key())
    }

    /// Whether a field of a kind is read by a stage under the default choices (the URL a
    /// scheme signs, not only places).
    pub fn signs_kind(&self, kind: FieldKind) -> bool {
        let Ok(sel) = self.select(std::iter::empty::<(&str, &str)>()) else {
            return true;
        };
        self.fields.iter().filter(|f| f.kind == kind).any(|f| {
            self.stages
                .iter()
                .any(|s| s.references(&sel).contains(&f.name.as_str()))
        })
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
}

/// The inputs every recipe has besides its fields: the secret key, the body, and the request's
/// header lines as received.
pub const INPUTS: [&str; 3] = ["key", "body", "headers"];

impl Recipe {
    /// The same recipe with some stages' primitives replaced (by index in `stages`): how
    /// diagnose runs "the signer used SHA-1" or "joined with CRLF" with the unchanged engine.
    pub fn with_stages(&self, replaced: &[(usize, Prim)]) -> Recipe {
        let mut out = self.clone();
        for (i, prim) in replaced {
            if let Some(s) = out.stages.get_mut(*i) {
                s.prim = prim.clone();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_url_value_with_non_ascii_where_the_scheme_goes_is_a_problem_not_a_panic() {
        // A fuzz finding (the TUI's field check): `é` straddles byte 7, where `http://` ends.
        assert!(super::FieldKind::Url.problem("éééééééé").is_some());
        assert!(super::FieldKind::Url.problem("httpséé://x").is_some());
        assert!(super::FieldKind::Url.problem("https://x/é").is_none());
        assert!(super::FieldKind::Url.problem("/path").is_none());
    }

    use super::FieldKind;

    #[test]
    fn values_that_are_not_their_kind() {
        assert!(FieldKind::UnixSeconds.problem("abc").is_some());
        assert!(FieldKind::UnixSeconds.problem("1565314789").is_none());
        assert!(FieldKind::Url.problem("notaurl").is_some());
        assert!(FieldKind::Url.problem("https:///x").is_some());
        assert!(FieldKind::Url.problem("https://h/x?a=1").is_none());
        // Dates are read as each server reads them (an RFC 1123 date with +0000, say): any text.
        assert!(FieldKind::Rfc1123Date.problem("yesterday").is_none());
        assert!(FieldKind::Text.problem("anything").is_none());
    }
}

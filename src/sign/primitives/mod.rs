//! The primitives that stages apply, one module each, registered in [`ALL`].
//!
//! A primitive reads its arguments from its stage's recipe table ([`Args`]), names the templates
//! it reads, evaluates over a [`Scope`] (its templates rendered over the run so far) and says in
//! words how its stage was made. Adding a primitive is adding a module and a line to [`ALL`].
//! Below the registry: the byte functions the primitives (and diagnose) share.

mod base64_;
mod concat;
mod date;
mod decode;
mod hash;
mod headers;
mod hex_;
mod hmac_;
mod json;
mod param;
mod params;
mod path;
mod percent;
mod text;
mod url;

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

pub use self::concat::Concat;
pub use self::decode::decode_base64;
pub use self::hash::Hash;
pub use self::headers::parse_header_lines;
pub use self::hmac_::HmacStage;
pub use self::params::{ParamSort, Repeats};
pub use self::percent::{Keep, percent_encode};

use super::SignError;
use super::args::Args;
use super::lower::Call;
use super::choice::Selection;
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
}

/// A primitive's result: its bytes, and where it knows them, the ranges that are secret. When a
/// primitive leaves `secret` as None, the engine decides: a MAC or hash output is not secret
/// (unless a later HMAC uses it as a key), anything else made from a secret is secret whole.
pub struct Out {
    pub bytes: Vec<u8>,
    pub secret: Option<Vec<Range<usize>>>,
}

impl From<Vec<u8>> for Out {
    fn from(bytes: Vec<u8>) -> Out {
        Out {
            bytes,
            secret: None,
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
    /// The stage as a call of the export contract (see [`crate::sign::lower`]).
    fn lower(&self, sel: &Selection) -> Call;
    /// Whether the output is raw MAC or hash bytes (shown as a hex dump; ends a secret).
    fn raw(&self) -> bool {
        false
    }
    /// Whether the stage parses its input (JSON, parameters): worth remembering between runs.
    fn costly(&self) -> bool {
        false
    }
    /// For the engine's streaming plan, which looks for a concatenation read by a MAC.
    fn as_any(&self) -> &dyn Any;
}

/// A stage's primitive, shared between copies of a recipe.
pub type Prim = Arc<dyn Primitive>;

/// A registered primitive: the key that names it in a stage table, and how to read its arguments.
pub struct Entry {
    pub name: &'static str,
    pub build: fn(&mut Args) -> Result<Prim, String>,
}

/// Every primitive, by the key that names it in a recipe.
pub const ALL: &[Entry] = &[
    concat::ENTRY,
    hmac_::ENTRY,
    hash::ENTRY,
    hex_::ENTRY,
    base64_::ENTRY,
    decode::FROM_BASE64,
    decode::FROM_HEX,
    json::ENTRY,
    params::ENTRY,
    param::ENTRY,
    url::ENTRY,
    percent::ENCODE,
    percent::DECODE,
    text::LOWER,
    text::UPPER,
    text::TRIM,
    text::SLICE,
    headers::CANONICAL,
    headers::SIGNED,
    path::ENTRY,
    date::ENTRY,
];

/// The entry of a primitive name.
pub fn entry(name: &str) -> Option<&'static Entry> {
    ALL.iter().find(|e| e.name == name)
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

crate::arg_words!(Alg, "sha1, sha256, sha384 or sha512", {
    "sha1" => Alg::Sha1, "sha256" => Alg::Sha256, "sha384" => Alg::Sha384, "sha512" => Alg::Sha512,
});
crate::arg_words!(Case, "lower or upper", { "lower" => Case::Lower, "upper" => Case::Upper });
crate::arg_words!(Alphabet, "standard or url-safe", {
    "standard" => Alphabet::Standard, "url-safe" => Alphabet::UrlSafe,
});
crate::arg_words!(JsonSort, "deep, top or none", {
    "deep" => JsonSort::Deep, "top" => JsonSort::Top, "none" => JsonSort::None,
});
crate::arg_words!(JsonSkip, "none, null or null-or-empty", {
    "none" => JsonSkip::None, "null" => JsonSkip::Null, "null-or-empty" => JsonSkip::NullOrEmpty,
});
crate::arg_words!(UrlPart, "full, path, query, search, path-and-query, origin, host or without-query", {
    "full" => UrlPart::Full, "path" => UrlPart::Path, "query" => UrlPart::Query,
    "search" => UrlPart::Search, "path-and-query" => UrlPart::PathAndQuery,
    "origin" => UrlPart::Origin, "host" => UrlPart::Host, "without-query" => UrlPart::WithoutQuery,
});

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde_json::Value;
use serde_json::ser::Formatter;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    /// The name as recipes write it (`sha256`).
    pub fn word(self) -> &'static str {
        match self {
            Alg::Sha1 => "sha1",
            Alg::Sha256 => "sha256",
            Alg::Sha384 => "sha384",
            Alg::Sha512 => "sha512",
        }
    }

    /// The name as documents write it (`SHA-256`).
    pub fn label(self) -> &'static str {
        match self {
            Alg::Sha1 => "SHA-1",
            Alg::Sha256 => "SHA-256",
            Alg::Sha384 => "SHA-384",
            Alg::Sha512 => "SHA-512",
        }
    }
}

/// Letter case of hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Lower,
    Upper,
}

/// Base64 alphabet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    Standard,
    UrlSafe,
}

/// Which object keys a JSON canonical form sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonSort {
    /// Every object, at every depth.
    Deep,
    /// The top-level object only.
    Top,
    None,
}

/// Which top-level members a JSON canonical form drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonSkip {
    None,
    Null,
    NullOrEmpty,
}

/// A part of a URL, taken verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPart {
    Full,
    Path,
    Query,
    /// `?` and the query, or nothing when there is no query (JavaScript's `url.search`).
    Search,
    PathAndQuery,
    /// Scheme and host.
    Origin,
    Host,
    /// Scheme, host and path: the URL without its query and fragment.
    WithoutQuery,
}

/// A MAC or hash being computed, fed in pieces.
#[derive(Clone)]
pub enum Digester {
    HmacSha1(Hmac<Sha1>),
    HmacSha256(Hmac<Sha256>),
    HmacSha384(Hmac<Sha384>),
    HmacSha512(Hmac<Sha512>),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Digester {
    /// An HMAC with the given key (any length).
    pub fn hmac(alg: Alg, key: &[u8]) -> Digester {
        // HMAC accepts keys of every length, so new_from_slice cannot fail.
        match alg {
            Alg::Sha1 => Digester::HmacSha1(Hmac::new_from_slice(key).expect("any key length")),
            Alg::Sha256 => Digester::HmacSha256(Hmac::new_from_slice(key).expect("any key length")),
            Alg::Sha384 => Digester::HmacSha384(Hmac::new_from_slice(key).expect("any key length")),
            Alg::Sha512 => Digester::HmacSha512(Hmac::new_from_slice(key).expect("any key length")),
        }
    }

    /// A plain hash.
    pub fn hash(alg: Alg) -> Digester {
        match alg {
            Alg::Sha1 => Digester::Sha1(Sha1::new()),
            Alg::Sha256 => Digester::Sha256(Sha256::new()),
            Alg::Sha384 => Digester::Sha384(Sha384::new()),
            Alg::Sha512 => Digester::Sha512(Sha512::new()),
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Digester::HmacSha1(m) => m.update(data),
            Digester::HmacSha256(m) => m.update(data),
            Digester::HmacSha384(m) => m.update(data),
            Digester::HmacSha512(m) => m.update(data),
            Digester::Sha1(h) => h.update(data),
            Digester::Sha256(h) => h.update(data),
            Digester::Sha384(h) => h.update(data),
            Digester::Sha512(h) => h.update(data),
        }
    }

    /// The raw MAC or digest.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Digester::HmacSha1(m) => m.finalize().into_bytes().to_vec(),
            Digester::HmacSha256(m) => m.finalize().into_bytes().to_vec(),
            Digester::HmacSha384(m) => m.finalize().into_bytes().to_vec(),
            Digester::HmacSha512(m) => m.finalize().into_bytes().to_vec(),
            Digester::Sha1(h) => h.finalize().to_vec(),
            Digester::Sha256(h) => h.finalize().to_vec(),
            Digester::Sha384(h) => h.finalize().to_vec(),
            Digester::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// HMAC of a whole message.
pub fn hmac(alg: Alg, key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut d = Digester::hmac(alg, key);
    d.update(message);
    d.finish()
}

/// Hex text of bytes.
pub fn hex(data: &[u8], case: Case) -> Vec<u8> {
    match case {
        Case::Lower => hex::encode(data).into_bytes(),
        Case::Upper => hex::encode_upper(data).into_bytes(),
    }
}

/// Base64 text of bytes.
pub fn base64(data: &[u8], alphabet: Alphabet, padding: bool) -> Vec<u8> {
    let engine = match (alphabet, padding) {
        (Alphabet::Standard, true) => &STANDARD,
        (Alphabet::Standard, false) => &STANDARD_NO_PAD,
        (Alphabet::UrlSafe, true) => &URL_SAFE,
        (Alphabet::UrlSafe, false) => &URL_SAFE_NO_PAD,
    };
    engine.encode(data).into_bytes()
}

/// Options of a JSON canonical form.
#[derive(Debug, Clone, Copy)]
pub struct JsonForm<'a> {
    pub sort: JsonSort,
    pub spaced: bool,
    pub escape_unicode: bool,
    pub skip: JsonSkip,
    pub omit: &'a [String],
}

/// Where and why a JSON text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The largest body the core parses as JSON or parameters (bodies hashed unchanged have no limit).
pub const MAX_PARSED_BYTES: usize = 256 << 20;

/// The text of a JSON body: UTF-8 without a byte order mark, or where and why not.
pub(crate) fn json_text(text: &[u8]) -> Result<&str, JsonError> {
    if text.starts_with(b"\xef\xbb\xbf") {
        return Err(JsonError {
            line: 1,
            column: 1,
            message: "starts with a UTF-8 byte order mark (EF BB BF), which JSON does not allow"
                .to_string(),
        });
    }
    std::str::from_utf8(text).map_err(|e| {
        let valid = &text[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        JsonError {
            line,
            column,
            message: format!("byte 0x{:02x} is not valid UTF-8", text[e.valid_up_to()]),
        }
    })
}

/// serde_json's error, with its place apart from its message; the column counts characters
/// (serde_json counts bytes, which puts an error on a CJK line three times too far).
pub(crate) fn json_error(text: &str, e: serde_json::Error) -> JsonError {
    let full = e.to_string();
    // serde_json appends " at line L column C"; keep only the message.
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m)
        .to_string();
    let column = match text.split('\n').nth(e.line().saturating_sub(1)) {
        Some(line) => {
            let mut end = e.column().min(line.len());
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            let counted = line[..end].chars().count();
            // serde_json's column is 1-based except before any byte of the line (0).
            if e.column() > line.len() {
                counted + e.column() - line.len()
            } else {
                counted
            }
        }
        None => e.column(),
    };
    JsonError {
        line: e.line(),
        column,
        message,
    }
}

/// Parses JSON text, keeping member order and numbers exactly as written.
pub fn parse_json(text: &[u8]) -> Result<Value, JsonError> {
    let text = json_text(text)?;
    let value: Value = serde_json::from_str(text).map_err(|e| json_error(text, e))?;
    // An object member named as serde_json names a number reads as a number: see sign::json.
    fn numbers(v: &Value) -> usize {
        match v {
            Value::Number(_) => 1,
            Value::Array(items) => items.iter().map(numbers).sum(),
            Value::Object(members) => members.values().map(numbers).sum(),
            _ => 0,
        }
    }
    let found = numbers(&value);
    if found > 0 && found != crate::sign::json::count_numbers(text) {
        return Err(crate::sign::json::reserved_name(text));
    }
    Ok(value)
}

/// Writes JSON as Python's `json.dumps` does: `,`/`:` or `, `/`: ` separators, and non-ASCII
/// either raw or as `\uXXXX` (lower-case hex, surrogate pairs beyond the BMP, DEL escaped too).
pub(crate) struct PyFormatter {
    pub(crate) spaced: bool,
    pub(crate) escape_unicode: bool,
}

/// The formatter of Python's `json.dumps` default separators (`, ` and `: `), non-ASCII raw.
pub(crate) fn spaced_formatter() -> PyFormatter {
    PyFormatter {
        spaced: true,
        escape_unicode: false,
    }
}

impl PyFormatter {
    /// The separator before an array item or an object member (none before the first).
    fn comma<W: ?Sized + std::io::Write>(
        &self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(if self.spaced { b", " } else { b"," })
        }
    }
}

impl Formatter for PyFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.comma(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.comma(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(if self.spaced { b": " } else { b":" })
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !self.escape_unicode {
            return writer.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                writer.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// Request parameters as (name, value) byte pairs, in their order.
pub type ParamList = Vec<(Vec<u8>, Vec<u8>)>;

/// Options of a parameter-list canonical form.
#[derive(Debug, Clone, Copy)]
pub struct ParamsForm<'a> {
    pub sort: bool,
    pub decode: bool,
    pub omit: &'a [String],
}

/// Reads request parameters from `k=v&k=v` text or from a JSON object, in their order.
/// Returns (name, value) byte pairs; values are URL-decoded when `decode` is set.
pub fn parse_params(text: &[u8], decode: bool) -> Result<ParamList, JsonError> {
    let trimmed = text.trim_ascii_start();
    if trimmed.first() == Some(&b'{') {
        let Some(members) = crate::sign::json::object_members(text)? else {
            return Err(JsonError {
                line: 1,
                column: 1,
                message: "expected a JSON object of parameters".to_string(),
            });
        };
        return Ok(members
            .into_iter()
            .map(|(k, v)| {
                let v = if decode { url_decode(&v) } else { v };
                (k.into_bytes(), v)
            })
            .collect());
    }
    Ok(text
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            if decode {
                (url_decode(k), url_decode(v))
            } else {
                (k.to_vec(), v.to_vec())
            }
        })
        .collect())
}

/// The canonical `k=v&k=v` form: omitted names dropped, the first of a repeated name kept,
/// sorted by name (byte order) when asked.
pub fn params_canonical(params: &[(Vec<u8>, Vec<u8>)], form: &ParamsForm) -> Vec<u8> {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&(Vec<u8>, Vec<u8>)> = params
        .iter()
        .filter(|p| !form.omit.iter().any(|o| o.as_bytes() == p.0.as_slice()))
        .filter(|p| seen.insert(p.0.as_slice()))
        .collect();
    if form.sort {
        kept.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let mut out = Vec::new();
    for (i, (k, v)) in kept.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

/// Decodes `%XX` and `+` (as a space); a `%` not followed by two hex digits stays as it is.
pub fn url_decode(text: &[u8]) -> Vec<u8> {
    percent_decode(text, true)
}

/// Decodes `%XX`, and `+` as a space when `plus_is_space` (form encoding) or as itself (RFC 3986);
/// a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(text: &[u8], plus_is_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < text.len() => match (hex_digit(text[i + 1]), hex_digit(text[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// A part of a URL (or of a path with a query), taken verbatim.
pub fn url_part(url: &[u8], part: UrlPart) -> Vec<u8> {
    let (origin, rest) = split_origin(url);
    let rest = match rest.iter().position(|&b| b == b'#') {
        Some(i) => &rest[..i],
        None => rest,
    };
    let (path, query) = match rest.iter().position(|&b| b == b'?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    match part {
        UrlPart::Full => url.to_vec(),
        UrlPart::Path => path.to_vec(),
        UrlPart::Query => query.unwrap_or_default().to_vec(),
        UrlPart::Search => match query {
            Some(q) if !q.is_empty() => [b"?", q].concat(),
            _ => Vec::new(),
        },
        UrlPart::PathAndQuery => rest.to_vec(),
        UrlPart::WithoutQuery => [origin, path].concat(),
        UrlPart::Origin => origin.to_vec(),
        UrlPart::Host => {
            let after = origin
                .windows(3)
                .position(|w| w == b"://")
                .map_or(origin, |i| &origin[i + 3..]);
            after.to_vec()
        }
    }
}

/// Splits `scheme://host[:port]` from the rest (path, query, fragment).
fn split_origin(url: &[u8]) -> (&[u8], &[u8]) {
    let Some(i) = url.windows(3).position(|w| w == b"://") else {
        return (&url[..0], url);
    };
    let after = i + 3;
    let end = url[after..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(url.len(), |j| after + j);
    (&url[..end], &url[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_parameters_keep_numbers_as_written() {
        // A member that is not a string is its compact JSON, numbers exactly as written (serde_json
        // alone would write 1E+2 as 1e+2); a repeated name keeps its place and takes the last value.
        let params = parse_params(br#"{"b":[1E+2,2.50],"a":null,"b":{"x":-0.0}}"#, false).unwrap();
        assert_eq!(
            params,
            vec![
                (b"b".to_vec(), br#"{"x":-0.0}"#.to_vec()),
                (b"a".to_vec(), b"".to_vec())
            ]
        );
        let params = parse_params(br#"{"n":[1E+2]}"#, false).unwrap();
        assert_eq!(params, vec![(b"n".to_vec(), b"[1E+2]".to_vec())]);
    }

    #[test]
    fn hmac_sha256_rfc4231_case_2() {
        // RFC 4231, test case 2.
        let mac = hmac(Alg::Sha256, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_sha1_rfc2202_case_2() {
        let mac = hmac(Alg::Sha1, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn hmac_sha512_rfc4231_case_2() {
        let mac = hmac(Alg::Sha512, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn sha256_of_abc_fips_180() {
        let mut d = Digester::hash(Alg::Sha256);
        d.update(b"a");
        d.update(b"bc");
        assert_eq!(
            hex::encode(d.finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn base64_rfc4648_and_alphabets() {
        // RFC 4648 section 10.
        assert_eq!(base64(b"foob", Alphabet::Standard, true), b"Zm9vYg==");
        assert_eq!(base64(b"foob", Alphabet::Standard, false), b"Zm9vYg");
        // 0xfb 0xff encodes to characters that differ between the alphabets.
        assert_eq!(base64(&[0xfb, 0xff], Alphabet::Standard, true), b"+/8=");
        assert_eq!(base64(&[0xfb, 0xff], Alphabet::UrlSafe, true), b"-_8=");
    }

    #[test]
    fn json_error_has_place() {
        let e = parse_json(b"{\n  \"a\": }").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert_eq!(e.message, "expected value");
    }

    #[test]
    fn json_bom_and_invalid_utf8_are_named() {
        let e = parse_json(b"\xef\xbb\xbf{}").unwrap_err();
        assert!(e.message.contains("byte order mark"), "{}", e.message);
        let e = parse_json(b"{\n \"a\": \"\xff\"}").unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 8, "byte 0xff is not valid UTF-8")
        );
    }

    #[test]
    fn params_decoded_sorted_first_wins() {
        let p = parse_params(b"b=2&a=x%2By+z&b=3&authToken=t&c", true).unwrap();
        let form = ParamsForm {
            sort: true,
            decode: true,
            omit: &["authToken".to_string()],
        };
        assert_eq!(params_canonical(&p, &form), b"a=x+y z&b=2&c=");
    }

    #[test]
    fn params_from_json_object() {
        let p = parse_params(br#"{"p2": "2", "p1": 1, "timeStamp": "x%40y"}"#, true).unwrap();
        let form = ParamsForm {
            sort: true,
            decode: true,
            omit: &[],
        };
        assert_eq!(params_canonical(&p, &form), b"p1=1&p2=2&timeStamp=x@y");
    }

    #[test]
    fn url_decode_keeps_bad_escapes() {
        assert_eq!(url_decode(b"%41%4"), b"A%4");
        assert_eq!(url_decode(b"%zz%"), b"%zz%");
    }

    #[test]
    fn url_parts_verbatim() {
        let u = b"https://example.com:8443/v2/a%20b?x=1&y=%41#frag";
        assert_eq!(url_part(u, UrlPart::Path), b"/v2/a%20b");
        assert_eq!(url_part(u, UrlPart::Query), b"x=1&y=%41");
        assert_eq!(url_part(u, UrlPart::Search), b"?x=1&y=%41");
        assert_eq!(url_part(u, UrlPart::PathAndQuery), b"/v2/a%20b?x=1&y=%41");
        assert_eq!(url_part(u, UrlPart::Origin), b"https://example.com:8443");
        assert_eq!(url_part(u, UrlPart::Host), b"example.com:8443");
        assert_eq!(url_part(b"/p", UrlPart::Search), b"");
        assert_eq!(url_part(b"/p?", UrlPart::Search), b"");
        assert_eq!(url_part(b"/p?q", UrlPart::Path), b"/p");
    }
}

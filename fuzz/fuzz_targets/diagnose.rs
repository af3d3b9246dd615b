//! Diagnose with a small budget: on a recipe assembled from the input (a few stages among
//! concat, hmac, hash, json, params, canonical_headers, url, key decoding and the output
//! encodings, with variants) or on a built-in scheme with a body of at most 256 bytes, against an
//! expected signature that is often reachable (ours, or ours after one or two of the changes the
//! search knows: a newline, CRLF, the key trimmed, another variant, a header left out, another
//! output encoding), the search gives an outcome or an error, never a panic, never more signings
//! than its budget; our own signature matches (on a scheme without a public key).
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use sigscope::diagnose::{Case, Limits, Outcome, diagnose_with};
use sigscope::sign::json::{JsonForm, JsonSkip, JsonSort, canonical};
use sigscope::sign::{self, Inputs, Recipe, builtin, pubkey};

fn recipes() -> &'static [Recipe] {
    static ALL: OnceLock<Vec<Recipe>> = OnceLock::new();
    ALL.get_or_init(|| builtin::all().expect("built-ins load"))
}

/// The public half of each built-in example key that is a private key (as PEM).
fn public_keys() -> &'static [Option<Vec<u8>>] {
    static KEYS: OnceLock<Vec<Option<Vec<u8>>>> = OnceLock::new();
    KEYS.get_or_init(|| {
        recipes()
            .iter()
            .map(|r| {
                let key = pubkey::parse(r.example.key.as_bytes(), None).ok()?;
                key.is_private().then(|| {
                    let b64 = STANDARD.encode(key.public_der());
                    let lines: Vec<&str> = b64
                        .as_bytes()
                        .chunks(64)
                        .map(|c| std::str::from_utf8(c).expect("ASCII"))
                        .collect();
                    format!(
                        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
                        lines.join("\n")
                    )
                    .into_bytes()
                })
            })
            .collect()
    })
}

/// Bodies are cut to this many bytes: the search signs each candidate over the whole body.
const MAX_BODY: usize = 256;
/// The budget is 1 to this many signings.
const MAX_BUDGET: usize = 16;
/// At most this many on a public-key scheme (each an RSA or ECDSA verification or signing).
const PK_BUDGET: usize = 4;

// ---- The recipe assembled from the input. ----

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Alg {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    fn name(self) -> &'static str {
        match self {
            Alg::Md5 => "md5",
            Alg::Sha1 => "sha1",
            Alg::Sha256 => "sha256",
            Alg::Sha384 => "sha384",
            Alg::Sha512 => "sha512",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum KeyDecode {
    Text,
    Base64 {
        url_safe: bool,
        whsec: bool,
        lenient: bool,
    },
    Hex,
}

#[derive(Arbitrary, Debug)]
enum BodyForm {
    /// The body is not signed.
    Unsigned,
    Raw,
    Json {
        sort: u8,
        spaced: bool,
        escaped: bool,
        skip: u8,
    },
    Params {
        sort: u8,
        encode: u8,
    },
    /// The hex digest of the body.
    Hash(Alg),
}

#[derive(Arbitrary, Debug)]
enum HeaderForm {
    Unsigned,
    /// Every header.
    All { sort: u8, as_sent: bool },
    /// The headers named, `;`-separated (a missing one skipped or an error).
    Named { names: u8, skip_missing: bool },
    Prefixed,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum UrlPart {
    Full,
    Path,
    Query,
    PathAndQuery,
}

#[derive(Arbitrary, Debug)]
enum Transform {
    None,
    Lower,
    Upper,
    Trim,
    PercentEncode,
}

#[derive(Arbitrary, Debug)]
enum Mac {
    Hmac(Alg),
    /// `hmac = { variant = "alg" }` over the first two or three of these.
    HmacVariant { three: bool },
    /// A plain digest of the canonical string with the key after it.
    Hash(Alg),
    /// An HMAC keyed by an HMAC of the timestamp (AWS's derived keys, in short).
    Derived(Alg),
}

#[derive(Arbitrary, Debug)]
enum Output {
    Hex { upper: bool },
    Base64 { url_safe: bool, padding: bool },
    /// Variant `enc`: hex or base64.
    Variant,
}

#[derive(Arbitrary, Debug)]
struct RecipeSpec {
    timestamp: bool,
    nonce: bool,
    method: bool,
    url: Option<UrlPart>,
    key: KeyDecode,
    body: BodyForm,
    headers: HeaderForm,
    /// The order of the canonical string's parts (their sort keys).
    order: [u8; 6],
    literal: bool,
    separator: u8,
    transform: Transform,
    mac: Mac,
    output: Output,
    prefix: bool,
    window: bool,
}

const SEPARATORS: [&str; 6] = ["", "\\n", ".", ":", "&", "\\r\\n"];
const HEADER_NAMES: [&str; 4] = ["content-type", "x-date", "host", "x-fuzz-id"];

impl RecipeSpec {
    /// The recipe as TOML.
    fn toml(&self) -> String {
        let mut t = String::from("id = \"fuzz\"\nname = \"Fuzz\"\n");
        let body_kind = match self.body {
            BodyForm::Unsigned => "none",
            BodyForm::Json { .. } => "json",
            BodyForm::Params { .. } => "params",
            _ => "raw",
        };
        t += &format!("[body]\nkind = \"{body_kind}\"\n");
        let field = |t: &mut String, name: &str, kind: &str| {
            *t += &format!("[[fields]]\nname = \"{name}\"\nkind = \"{kind}\"\n");
        };
        if self.timestamp || matches!(self.mac, Mac::Derived(_)) {
            field(&mut t, "timestamp", "unix-seconds");
        }
        if self.nonce {
            field(&mut t, "nonce", "nonce");
        }
        if self.method {
            field(&mut t, "method", "method");
        }
        if self.url.is_some() {
            field(&mut t, "url", "url");
        }
        if let Mac::HmacVariant { three } = self.mac {
            let choices = if three {
                "[\"sha256\", \"sha1\", \"sha512\"]"
            } else {
                "[\"sha256\", \"sha1\"]"
            };
            t += &format!("[[variants]]\nname = \"alg\"\nchoices = {choices}\n");
        }
        if let Output::Variant = self.output {
            t += "[[variants]]\nname = \"enc\"\nchoices = [\"hex\", \"base64\"]\n";
        }
        let stage = |t: &mut String, body: &str| *t += &format!("[[stages]]\n{body}\n");
        let key = match self.key {
            KeyDecode::Text => "{key}",
            KeyDecode::Base64 {
                url_safe,
                whsec,
                lenient,
            } => {
                stage(
                    &mut t,
                    &format!(
                        "name = \"k\"\nfrom_base64 = \"{{key}}\"\nalphabet = \"{}\"\n{}lenient = {lenient}",
                        if url_safe { "url-safe" } else { "standard" },
                        if whsec { "strip = \"whsec_\"\n" } else { "" },
                    ),
                );
                "{k}"
            }
            KeyDecode::Hex => {
                stage(&mut t, "name = \"k\"\nfrom_hex = \"{key}\"");
                "{k}"
            }
        };
        let mut parts: Vec<(u8, &str)> = Vec::new();
        match &self.body {
            BodyForm::Unsigned => {}
            BodyForm::Raw => parts.push((self.order[0], "{body}")),
            BodyForm::Json {
                sort,
                spaced,
                escaped,
                skip,
            } => {
                stage(
                    &mut t,
                    &format!(
                        "name = \"b\"\njson = \"{{body}}\"\nsort = \"{}\"\nseparators = \"{}\"\nunicode = \"{}\"\nskip = \"{}\"",
                        ["deep", "top", "none"][usize::from(sort % 3)],
                        if *spaced { "spaced" } else { "compact" },
                        if *escaped { "escaped" } else { "raw" },
                        ["none", "null", "null-or-empty"][usize::from(skip % 3)],
                    ),
                );
                parts.push((self.order[0], "{b}"));
            }
            BodyForm::Params { sort, encode } => {
                stage(
                    &mut t,
                    &format!(
                        "name = \"b\"\nparams = \"{{body}}\"\nsort = \"{}\"\nencode = \"{}\"",
                        ["none", "name", "name-value"][usize::from(sort % 3)],
                        ["none", "rfc3986", "form"][usize::from(encode % 3)],
                    ),
                );
                parts.push((self.order[0], "{b}"));
            }
            BodyForm::Hash(alg) => {
                stage(
                    &mut t,
                    &format!("name = \"bd\"\nhash = \"{}\"\nmessage = \"{{body}}\"", alg.name()),
                );
                stage(&mut t, "name = \"b\"\nhex = \"{bd}\"");
                parts.push((self.order[0], "{b}"));
            }
        }
        match self.headers {
            HeaderForm::Unsigned => {}
            HeaderForm::All { sort, as_sent } => {
                stage(
                    &mut t,
                    &format!(
                        "name = \"h\"\ncanonical_headers = \"{{headers}}\"\nsort = \"{}\"\nname_case = \"{}\"",
                        ["name", "line", "none"][usize::from(sort % 3)],
                        if as_sent { "as-sent" } else { "lower" },
                    ),
                );
                parts.push((self.order[1], "{h}"));
            }
            HeaderForm::Named {
                names,
                skip_missing,
            } => {
                let list: Vec<&str> = HEADER_NAMES
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| names & (1 << i) != 0)
                    .map(|(_, n)| *n)
                    .collect();
                let list = if list.is_empty() {
                    "host".to_string()
                } else {
                    list.join(";")
                };
                stage(
                    &mut t,
                    &format!(
                        "name = \"h\"\ncanonical_headers = \"{{headers}}\"\nnames = \"{list}\"\nmissing = \"{}\"",
                        if skip_missing { "skip" } else { "error" },
                    ),
                );
                parts.push((self.order[1], "{h}"));
            }
            HeaderForm::Prefixed => {
                stage(
                    &mut t,
                    "name = \"h\"\ncanonical_headers = \"{headers}\"\nprefixes = [\"x-\"]",
                );
                parts.push((self.order[1], "{h}"));
            }
        }
        if let Some(part) = self.url {
            let part = match part {
                UrlPart::Full => "full",
                UrlPart::Path => "path",
                UrlPart::Query => "query",
                UrlPart::PathAndQuery => "path-and-query",
            };
            stage(
                &mut t,
                &format!("name = \"u\"\nurl = \"{{url}}\"\npart = \"{part}\""),
            );
            parts.push((self.order[2], "{u}"));
        }
        if self.timestamp {
            parts.push((self.order[3], "{timestamp}"));
        }
        if self.nonce {
            parts.push((self.order[4], "{nonce}"));
        }
        if self.method {
            parts.push((self.order[5], "{method}"));
        }
        if self.literal || parts.is_empty() {
            parts.push((self.order[5] ^ 0x80, "v1"));
        }
        parts.sort_by_key(|(k, _)| *k);
        let list: Vec<String> = parts.iter().map(|(_, p)| format!("\"{p}\"")).collect();
        stage(
            &mut t,
            &format!(
                "name = \"canonical\"\nconcat = [{}]\nseparator = \"{}\"",
                list.join(", "),
                SEPARATORS[usize::from(self.separator) % SEPARATORS.len()],
            ),
        );
        let message = match self.transform {
            Transform::None => "{canonical}",
            Transform::Lower => {
                stage(&mut t, "name = \"c2\"\nlower = \"{canonical}\"");
                "{c2}"
            }
            Transform::Upper => {
                stage(&mut t, "name = \"c2\"\nupper = \"{canonical}\"");
                "{c2}"
            }
            Transform::Trim => {
                stage(&mut t, "name = \"c2\"\ntrim = \"{canonical}\"");
                "{c2}"
            }
            Transform::PercentEncode => {
                stage(&mut t, "name = \"c2\"\npercent_encode = \"{canonical}\"");
                "{c2}"
            }
        };
        match self.mac {
            Mac::Hmac(alg) => stage(
                &mut t,
                &format!(
                    "name = \"mac\"\nhmac = \"{}\"\nkey = \"{key}\"\nmessage = \"{message}\"",
                    alg.name()
                ),
            ),
            Mac::HmacVariant { .. } => stage(
                &mut t,
                &format!(
                    "name = \"mac\"\nhmac = {{ variant = \"alg\" }}\nkey = \"{key}\"\nmessage = \"{message}\""
                ),
            ),
            Mac::Hash(alg) => {
                stage(
                    &mut t,
                    &format!("name = \"keyed\"\nconcat = [\"{message}\", \"{key}\"]"),
                );
                stage(
                    &mut t,
                    &format!("name = \"mac\"\nhash = \"{}\"\nmessage = \"{{keyed}}\"", alg.name()),
                );
            }
            Mac::Derived(alg) => {
                stage(
                    &mut t,
                    &format!(
                        "name = \"kdate\"\nhmac = \"{}\"\nkey = \"{key}\"\nmessage = \"{{timestamp}}\"",
                        alg.name()
                    ),
                );
                stage(
                    &mut t,
                    &format!(
                        "name = \"mac\"\nhmac = \"{}\"\nkey = \"{{kdate}}\"\nmessage = \"{message}\"",
                        alg.name()
                    ),
                );
            }
        }
        match self.output {
            Output::Hex { upper } => stage(
                &mut t,
                &format!(
                    "name = \"signature\"\nhex = \"{{mac}}\"\ncase = \"{}\"",
                    if upper { "upper" } else { "lower" }
                ),
            ),
            Output::Base64 { url_safe, padding } => stage(
                &mut t,
                &format!(
                    "name = \"signature\"\nbase64 = \"{{mac}}\"\nalphabet = \"{}\"\npadding = {padding}",
                    if url_safe { "url-safe" } else { "standard" }
                ),
            ),
            Output::Variant => {
                stage(
                    &mut t,
                    "name = \"signature\"\nwhen = { enc = \"hex\" }\nhex = \"{mac}\"",
                );
                stage(
                    &mut t,
                    "name = \"signature\"\nwhen = { enc = \"base64\" }\nbase64 = \"{mac}\"",
                );
            }
        }
        let value = if self.prefix {
            "v1={signature}"
        } else {
            "{signature}"
        };
        t += &format!("[[headers]]\nname = \"X-Signature\"\nvalue = \"{value}\"\n");
        if self.prefix {
            t += "[signatures]\nseparator = \",\"\nitem = \"v1={signature}\"\n";
        }
        if self.window && (self.timestamp || matches!(self.mac, Mac::Derived(_))) {
            t += "[window]\nfield = \"timestamp\"\nseconds = 300\n";
        }
        t
    }
}

// ---- The case: inputs, the expected signature and the budget. ----

/// A change made to our inputs to get the expected signature: each is in the search's space.
#[derive(Debug, Clone, Copy)]
enum Slip {
    BodyNewline,
    BodyCrlf,
    BodyLf,
    BodyJsonCompact,
    BodyJsonSpaced,
    KeyNewline,
    KeyTrimmed,
    Variant(u8),
    HeaderOut,
    UrlHttp,
    UrlPathOnly,
}

impl Slip {
    fn from_byte(b: u8) -> Slip {
        match b % 11 {
            0 => Slip::BodyNewline,
            1 => Slip::BodyCrlf,
            2 => Slip::BodyLf,
            3 => Slip::BodyJsonCompact,
            4 => Slip::BodyJsonSpaced,
            5 => Slip::KeyNewline,
            6 => Slip::KeyTrimmed,
            7 => Slip::Variant(b / 11),
            8 => Slip::HeaderOut,
            9 => Slip::UrlHttp,
            _ => Slip::UrlPathOnly,
        }
    }
}

/// How the expected signature is made.
#[derive(Debug)]
enum Expected {
    /// Any text.
    Text(String),
    /// Ours, after these changes (none: ours as it is), its raw MAC perhaps written in another
    /// encoding.
    Ours { slips: Vec<Slip>, encoding: Option<u8> },
}

/// What one signing reads (owned).
#[derive(Debug, Clone)]
struct Values {
    fields: BTreeMap<String, String>,
    key: Vec<u8>,
    body: Vec<u8>,
    headers: Vec<u8>,
    choices: BTreeMap<String, String>,
}

#[derive(Debug)]
struct Input {
    /// A built-in scheme's index, or a recipe spec.
    recipe: Result<usize, RecipeSpec>,
    values: Values,
    /// A public-key scheme whose example key is private signs with it (an RSA signing a
    /// candidate: slow), else it verifies with its public half.
    private: bool,
    expected: Expected,
    budget: usize,
}

fn small_bytes(u: &mut Unstructured, max: usize) -> arbitrary::Result<Vec<u8>> {
    let n = usize::from(u8::arbitrary(u)?).min(max);
    Ok(u.bytes(n.min(u.len()))?.to_vec())
}

fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| char::from(b' ' + (b % 95)))
        .collect()
}

/// A small JSON object from the bytes (keys, values, a null, a nested object, non-ASCII).
fn json_body(bytes: &[u8]) -> Vec<u8> {
    let mut out = String::from("{");
    for (i, pair) in bytes.chunks(3).take(8).enumerate() {
        if i > 0 {
            out += ",";
        }
        let name = ["id", "amount", "b", "caf\u{e9}", "a", "note"][usize::from(pair[0] % 6)];
        let v = pair.get(1).copied().unwrap_or(0);
        let value = match v % 6 {
            0 => "null".to_string(),
            1 => format!("{}", pair.get(2).copied().unwrap_or(0)),
            2 => format!("\"{}\"", ascii(&pair[1..]).replace(['"', '\\'], "_")),
            3 => "\"\"".to_string(),
            4 => format!("{{\"z\":{v},\"a\":[1,2.50,\"\\u00e9\"]}}"),
            _ => "1E+2".to_string(),
        };
        out += &format!("\"{name}\":{value}");
    }
    out += "}";
    out.into_bytes()
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        // Byte 0: bit 0 a recipe spec (else a built-in), bit 1 the private key, bits 2-3 the
        // body's kind (bytes, the example's, JSON, form parameters).
        let mode = u8::arbitrary(u)?;
        let budget = 1 + usize::from(u8::arbitrary(u)?) % MAX_BUDGET;
        let (recipe, mut values) = if mode & 1 == 0 {
            let index = usize::from(u8::arbitrary(u)?) % recipes().len();
            let r = &recipes()[index];
            // A variant choice from the input; the others at the example's.
            let mut choices = r.example.variants.clone();
            let choice = u8::arbitrary(u)?;
            if let Some(v) = r.variants.get(usize::from(choice) % (r.variants.len() + 1)) {
                let c = &v.choices[usize::from(choice / 8) % v.choices.len()];
                choices.insert(v.name.clone(), c.clone());
            }
            let values = Values {
                fields: r.example.fields.clone(),
                key: r.example.key.clone().into_bytes(),
                body: r.example.body.as_bytes()[..r.example.body.len().min(MAX_BODY)].to_vec(),
                headers: r.example.headers.clone().into_bytes(),
                choices,
            };
            (Ok(index), values)
        } else {
            let spec = RecipeSpec::arbitrary(u)?;
            let mut fields = BTreeMap::new();
            fields.insert(
                "timestamp".to_string(),
                u32::arbitrary(u)?.to_string(),
            );
            fields.insert(
                "nonce".to_string(),
                hex(&u.bytes(4.min(u.len()))?.to_vec()),
            );
            fields.insert(
                "method".to_string(),
                ["POST", "GET", "put", ""][usize::from(u8::arbitrary(u)? % 4)].to_string(),
            );
            let path = ascii(&small_bytes(u, 12)?).replace([' ', '#', '?'], "/");
            fields.insert(
                "url".to_string(),
                format!("https://api.example.com:443/v1/{path}?b=2&a=%2F1"),
            );
            let raw_key = small_bytes(u, 32)?;
            let key = match &spec.key {
                KeyDecode::Text => raw_key,
                KeyDecode::Base64 {
                    url_safe, whsec, ..
                } => {
                    let mut k = String::new();
                    if *whsec {
                        k += "whsec_";
                    }
                    k += &if *url_safe { URL_SAFE } else { STANDARD }.encode(&raw_key);
                    k.into_bytes()
                }
                KeyDecode::Hex => hex(&raw_key).into_bytes(),
            };
            // The header lines: names from a few, values from the input.
            let mut headers = String::new();
            for _ in 0..u8::arbitrary(u)? % 4 {
                let name = ["Content-Type", "X-Date", "Host", "X-Fuzz-Id", "Accept"]
                    [usize::from(u8::arbitrary(u)? % 5)];
                headers += &format!("{name}: {}\n", ascii(&small_bytes(u, 16)?));
            }
            let values = Values {
                fields,
                key,
                body: Vec::new(),
                headers: headers.into_bytes(),
                choices: BTreeMap::new(),
            };
            (Err(spec), values)
        };
        match (mode >> 2) & 3 {
            0 => values.body = small_bytes(u, MAX_BODY)?,
            // The example's body (a spec's recipe has none: it gets JSON).
            1 if recipe.is_ok() => {}
            1 | 2 => values.body = json_body(&small_bytes(u, 24)?),
            _ => {
                let pairs = small_bytes(u, 24)?;
                values.body = pairs
                    .chunks(2)
                    .map(|p| {
                        format!(
                            "{}={}",
                            ["a", "b", "z", "a%20b", "sign"][usize::from(p[0] % 5)],
                            ascii(&p[1..]).replace(['&', '='], "%26")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("&")
                    .into_bytes();
            }
        }
        // The expected signature.
        let kind = u8::arbitrary(u)?;
        let expected = if kind % 8 == 0 {
            Expected::Text(String::from_utf8_lossy(&small_bytes(u, 96)?).into_owned())
        } else {
            let slips = (0..(kind % 8) / 3)
                .map(|_| u8::arbitrary(u).map(Slip::from_byte))
                .collect::<arbitrary::Result<Vec<_>>>()?;
            let encoding = (kind & 8 != 0).then(|| u8::arbitrary(u)).transpose()?;
            Expected::Ours { slips, encoding }
        };
        Ok(Input {
            recipe,
            values,
            private: mode & 2 != 0,
            expected,
            budget,
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn run(recipe: &Recipe, v: &Values) -> Option<sign::Trace> {
    let selection = recipe
        .select(v.choices.iter().map(|(k, c)| (k.as_str(), c.as_str())))
        .ok()?;
    sign::run(
        recipe,
        &Inputs {
            fields: &v.fields,
            key: &v.key,
            body: &v.body,
            headers: &v.headers,
            selection: &selection,
            received: None,
        },
    )
    .ok()
}

/// Our inputs after a change the search knows.
fn slipped(recipe: &Recipe, v: &Values, slip: Slip) -> Values {
    let mut v = v.clone();
    let json = |spaced| {
        canonical(
            &v.body,
            &JsonForm {
                sort: JsonSort::None,
                spaced,
                escape_unicode: false,
                skip: JsonSkip::None,
                omit: &[],
            },
        )
        .ok()
    };
    match slip {
        Slip::BodyNewline => {
            if v.body.ends_with(b"\n") {
                v.body.pop();
            } else {
                v.body.push(b'\n');
            }
        }
        Slip::BodyCrlf => {
            v.body = String::from_utf8_lossy(&v.body)
                .replace('\n', "\r\n")
                .into_bytes()
        }
        Slip::BodyLf => {
            v.body = String::from_utf8_lossy(&v.body)
                .replace("\r\n", "\n")
                .into_bytes()
        }
        Slip::BodyJsonCompact => v.body = json(false).unwrap_or(v.body.clone()),
        Slip::BodyJsonSpaced => v.body = json(true).unwrap_or(v.body.clone()),
        Slip::KeyNewline => v.key.push(b'\n'),
        Slip::KeyTrimmed => v.key = v.key.trim_ascii().to_vec(),
        Slip::Variant(i) => {
            if let Some(var) = recipe.variants.get(usize::from(i) % recipe.variants.len().max(1)) {
                let c = &var.choices[usize::from(i / 4) % var.choices.len()];
                v.choices.insert(var.name.clone(), c.clone());
            }
        }
        Slip::HeaderOut => {
            let at = v
                .headers
                .iter()
                .position(|&b| b == b'\n')
                .map_or(v.headers.len(), |i| i + 1);
            v.headers.drain(..at);
        }
        Slip::UrlHttp | Slip::UrlPathOnly => {
            if let Some(url) = v.fields.get_mut("url") {
                *url = if matches!(slip, Slip::UrlHttp) {
                    url.replacen("https://", "http://", 1)
                } else {
                    url.split('?').next().unwrap_or_default().to_string()
                };
            }
        }
    }
    v
}

/// The raw MAC of a trace (its last raw stage) written another way.
fn reencoded(trace: &sign::Trace, how: u8) -> Option<String> {
    let mac = &trace.stages.iter().rev().find(|s| s.raw)?.bytes;
    Some(match how % 6 {
        0 => hex(mac),
        1 => hex(mac).to_uppercase(),
        2 => STANDARD.encode(mac),
        3 => STANDARD_NO_PAD.encode(mac),
        4 => URL_SAFE.encode(mac),
        _ => URL_SAFE_NO_PAD.encode(mac),
    })
}

/// The expected signature and whether it is exactly ours: a text, or ours (signed with the
/// signer's inputs) after the changes, its MAC perhaps written another way.
fn expected_of(recipe: &Recipe, signer: &Values, expected: &Expected) -> Option<(String, bool)> {
    match expected {
        Expected::Text(t) => Some((t.clone(), false)),
        Expected::Ours { slips, encoding } => {
            let theirs = slips
                .iter()
                .fold(signer.clone(), |v, s| slipped(recipe, &v, *s));
            let trace = run(recipe, &theirs)?;
            Some(match encoding.and_then(|e| reencoded(&trace, e)) {
                Some(s) => (s, false),
                None => (trace.signature_text(), slips.is_empty()),
            })
        }
    }
}

fn check(recipe: &Recipe, ours: &Values, expected: &str, exact: bool, budget: usize) {
    let Ok(selection) = recipe.select(ours.choices.iter().map(|(k, c)| (k.as_str(), c.as_str())))
    else {
        return;
    };
    let progress = AtomicUsize::new(0);
    let limits = Limits {
        max_candidates: budget,
        cancel: None,
        progress: Some(&progress),
    };
    let case = Case {
        recipe,
        fields: &ours.fields,
        key: &ours.key,
        body: &ours.body,
        headers: &ours.headers,
        selection: &selection,
        expected,
    };
    let outcome = diagnose_with(&case, &limits);
    assert!(
        progress.load(Ordering::Relaxed) <= budget,
        "the budget was exceeded: {} signings for a budget of {budget}",
        progress.load(Ordering::Relaxed)
    );
    if let Ok(outcome) = &outcome {
        let _ = (outcome.report(), outcome.data(), outcome.difference());
        // Our own signature matches (when it reads back as the same text). Not on a
        // public-key scheme: what it signs is verified, and a failed `check` stage (Plaid's
        // body hash claim) appends its note to the signature, which then verifies nothing.
        if exact && !recipe.public_key() && expected.trim() == expected && !expected.is_empty() {
            assert!(
                matches!(outcome, Outcome::Matches(_)),
                "our own signature {expected:?} does not match: {:?}",
                outcome.report()
            );
        }
    }
}

fuzz_target!(|input: Input| {
    match &input.recipe {
        Ok(index) => {
            let recipe = &recipes()[*index];
            match &public_keys()[*index] {
                // A public-key scheme whose example key is private: we verify with the public
                // half (each candidate a cheap verification, not an RSA signing), against the
                // documented signature; the changes are made to our inputs, for the search to
                // undo.
                Some(public) if recipe.public_key() && !input.private => {
                    let mut ours = input.values.clone();
                    ours.key = public.clone();
                    let expected = match &input.expected {
                        Expected::Text(t) => t.clone(),
                        Expected::Ours { slips, .. } => {
                            for s in slips {
                                ours = slipped(recipe, &ours, *s);
                            }
                            let Some(documented) = &recipe.example.signature else {
                                return;
                            };
                            documented.clone()
                        }
                    };
                    check(recipe, &ours, &expected, false, input.budget.min(PK_BUDGET));
                }
                // Signing with a private key (an RSA signing each): a few candidates only.
                Some(_) if recipe.public_key() => {
                    if let Some((expected, exact)) =
                        expected_of(recipe, &input.values, &input.expected)
                    {
                        check(recipe, &input.values, &expected, exact, input.budget.min(PK_BUDGET));
                    }
                }
                _ => {
                    // A public-key scheme with a public example key verifies each candidate
                    // (milliseconds for ECDSA under the sanitizer): a few candidates too.
                    let budget = if recipe.public_key() {
                        input.budget.min(PK_BUDGET)
                    } else {
                        input.budget
                    };
                    if let Some((expected, exact)) =
                        expected_of(recipe, &input.values, &input.expected)
                    {
                        check(recipe, &input.values, &expected, exact, budget);
                    }
                }
            }
        }
        Err(spec) => {
            let text = spec.toml();
            let recipe = match Recipe::from_toml(&text) {
                Ok(r) => r,
                // The spec always makes a recipe that loads.
                Err(e) => panic!("the assembled recipe does not load: {e}\n{text}"),
            };
            if let Some((expected, exact)) = expected_of(&recipe, &input.values, &input.expected) {
                check(&recipe, &input.values, &expected, exact, input.budget);
            }
        }
    }
});

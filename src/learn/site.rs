//! Where a request carries its signature: every header, query parameter, form field or JSON
//! member whose value (alone, after a prefix such as `sha256=`, or as an item of a list such as
//! `t=…,v1=…`) decodes as hex, base64 or base64url to the length of a digest.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use crate::request::message::Imported;
use crate::sign::digest::Alg;

/// Where a value was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Header(String),
    Query(String),
    Form(String),
    Member(String),
}

impl Place {
    /// The recipe's import source (`header:X-Signature`).
    pub fn source(&self) -> String {
        match self {
            Place::Header(n) => format!("header:{n}"),
            Place::Query(n) => format!("query:{n}"),
            Place::Form(n) => format!("form:{n}"),
            Place::Member(n) => format!("member:{n}"),
        }
    }

    /// The words a user reads (`header X-Signature`).
    pub fn words(&self) -> String {
        match self {
            Place::Header(n) => format!("header {n}"),
            Place::Query(n) => format!("query parameter {n}"),
            Place::Form(n) => format!("form field {n}"),
            Place::Member(n) => format!("JSON member {n}"),
        }
    }

    /// The name alone.
    pub fn name(&self) -> &str {
        match self {
            Place::Header(n) | Place::Query(n) | Place::Form(n) | Place::Member(n) => n,
        }
    }
}

/// How the signature sits in the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// The whole value.
    Whole,
    /// After a prefix (`sha256=`, `v0=`).
    Prefixed(String),
    /// An item of a list (`t=…,v1=…`, `v1,… v1,…`), after the item's prefix (maybe empty).
    Item { separator: String, prefix: String },
    /// The signature of an HS256/384/512 JWT (after a word such as `Bearer `): the MAC of the
    /// token's `header.claims`.
    Jwt {
        prefix: String,
        signing_input: String,
    },
}

/// How the digest was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Hex { upper: bool },
    Base64 { url_safe: bool, padding: bool },
}

impl Encoding {
    /// Words for the explanation (`hex, lower case`).
    pub fn words(self) -> &'static str {
        match self {
            Encoding::Hex { upper: false } => "hex",
            Encoding::Hex { upper: true } => "upper-case hex",
            Encoding::Base64 {
                url_safe: false,
                padding: true,
            } => "base64",
            Encoding::Base64 {
                url_safe: false,
                padding: false,
            } => "base64 without padding",
            Encoding::Base64 {
                url_safe: true,
                padding: true,
            } => "base64url",
            Encoding::Base64 {
                url_safe: true,
                padding: false,
            } => "base64url without padding",
        }
    }
}

/// A place where the request may carry its signature, with the digest it decodes to.
#[derive(Debug, Clone)]
pub struct Site {
    pub place: Place,
    pub shape: Shape,
    /// The signature's text as carried.
    pub text: String,
    pub digest: Vec<u8>,
    pub encoding: Encoding,
    /// Other `name=value` items of the same list (Stripe's `t=…`): values a scheme may sign.
    pub list_values: Vec<(String, String)>,
}

impl Site {
    /// The hash function a digest of this length comes from.
    pub fn alg(&self) -> Alg {
        alg_of(self.digest.len()).unwrap_or(Alg::Sha256)
    }

    /// Where, in words (`the sha256= value of header X-Hub-Signature-256`).
    pub fn words(&self) -> String {
        match &self.shape {
            Shape::Whole => self.place.words(),
            Shape::Prefixed(p) => format!("{} after `{p}`", self.place.words()),
            Shape::Item { separator, prefix } if prefix.is_empty() => format!(
                "an item of the `{separator}`-separated list in {}",
                self.place.words()
            ),
            Shape::Item { separator, prefix } => format!(
                "the `{prefix}` item of the `{}`-separated list in {}",
                if separator == " " { "space" } else { separator },
                self.place.words()
            ),
            Shape::Jwt { .. } => format!("the JWT in {}", self.place.words()),
        }
    }
}

/// The hash function whose digest has this many bytes.
pub fn alg_of(len: usize) -> Option<Alg> {
    match len {
        16 => Some(Alg::Md5),
        20 => Some(Alg::Sha1),
        32 => Some(Alg::Sha256),
        48 => Some(Alg::Sha384),
        64 => Some(Alg::Sha512),
        _ => None,
    }
}

/// What a search looks for: the lengths a signature may have, and whether it is a public-key
/// signature (a JWT's `alg` then names RS, PS, ES or EdDSA, not HS).
#[derive(Clone, Copy)]
pub struct Wanted<'a> {
    pub len: &'a dyn Fn(usize) -> bool,
    pub public: bool,
}

/// An HMAC's or hash's: the length of a digest.
pub const DIGESTS: Wanted<'static> = Wanted {
    len: &|l| alg_of(l).is_some(),
    public: false,
};

/// The digests a text may be, with how each was written: hex first, then base64.
pub fn decode(text: &str) -> Vec<(Vec<u8>, Encoding)> {
    decode_with(text, DIGESTS.len)
}

/// The signatures of an accepted length a text may be, with how each was written.
pub fn decode_with(text: &str, ok_len: &dyn Fn(usize) -> bool) -> Vec<(Vec<u8>, Encoding)> {
    let mut out = Vec::new();
    let t = text.trim();
    if t.len() < 22 || t.len() > 1400 {
        return out;
    }
    if t.len().is_multiple_of(2) && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        let upper = t.bytes().any(|b| b.is_ascii_uppercase());
        let lower = t.bytes().any(|b| b.is_ascii_lowercase());
        if !(upper && lower)
            && let Ok(bytes) = hex::decode(t)
            && ok_len(bytes.len())
        {
            out.push((bytes, Encoding::Hex { upper }));
        }
    }
    let url_chars = t.contains(['-', '_']);
    let std_chars = t.contains(['+', '/']);
    if url_chars && std_chars {
        return out;
    }
    let padded = t.ends_with('=');
    let engines: [(bool, &base64::engine::GeneralPurpose); 2] = if url_chars {
        [(true, &URL_SAFE), (true, &URL_SAFE_NO_PAD)]
    } else {
        [(false, &STANDARD), (false, &STANDARD_NO_PAD)]
    };
    for (url_safe, engine) in engines {
        if let Ok(bytes) = engine.decode(t)
            && ok_len(bytes.len())
        {
            // Written without `=` where none was needed: padding on (the same text).
            let padding = padded || t.len().is_multiple_of(4);
            out.push((bytes, Encoding::Base64 { url_safe, padding }));
            break;
        }
    }
    out
}

/// Headers that never carry a signature and that schemes seldom sign.
pub const ORDINARY_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "connection",
    "accept",
    "accept-encoding",
    "accept-language",
    "user-agent",
    "transfer-encoding",
    "expect",
    "cookie",
    "origin",
    "referer",
    "cache-control",
    "pragma",
    "upgrade-insecure-requests",
    "keep-alive",
    "te",
];

/// A `prefix` + rest split of a value: a short word and `=`, `:` or `,` (`sha256=`, `v1,`).
fn prefixed(value: &str) -> Option<(&str, &str)> {
    let at = value.find(['=', ':', ','])?;
    let word = &value[..at];
    let ok = !word.is_empty()
        && word.len() <= 40
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    ok.then(|| (&value[..=at], &value[at + 1..]))
}

/// An HMAC JWT (`header.claims.signature`, the header naming HS256, HS384 or HS512), after an
/// optional word and a space (`Bearer `): the site of its signature.
fn jwt(place: &Place, value: &str, wanted: Wanted) -> Option<Site> {
    let (prefix, token) = match value.rsplit_once(' ') {
        Some((word, token)) => (format!("{word} "), token),
        None => (String::new(), value),
    };
    let mut segments = token.split('.');
    let (Some(h), Some(c), Some(sig), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return None;
    };
    let header = URL_SAFE_NO_PAD.decode(h).ok()?;
    let header: serde_json::Value = serde_json::from_slice(&header).ok()?;
    let alg = header.get("alg")?.as_str()?;
    if alg.starts_with("HS") == wanted.public || alg.eq_ignore_ascii_case("none") || c.is_empty() {
        return None;
    }
    let digest = URL_SAFE_NO_PAD.decode(sig).ok()?;
    if !(wanted.len)(digest.len()) {
        return None;
    }
    Some(Site {
        place: place.clone(),
        shape: Shape::Jwt {
            prefix,
            signing_input: format!("{h}.{c}"),
        },
        text: sig.to_string(),
        digest,
        encoding: Encoding::Base64 {
            url_safe: true,
            padding: false,
        },
        list_values: Vec::new(),
    })
}

/// The sites of one value at a place.
fn sites_of(place: &Place, value: &str, lists: bool, wanted: Wanted, out: &mut Vec<Site>) {
    let value = value.trim();
    if let Some(site) = jwt(place, value, wanted) {
        out.push(site);
        return;
    }
    let push = |out: &mut Vec<Site>, shape: Shape, text: &str, list_values: &[(String, String)]| {
        for (digest, encoding) in decode_with(text, wanted.len) {
            out.push(Site {
                place: place.clone(),
                shape: shape.clone(),
                text: text.to_string(),
                digest,
                encoding,
                list_values: list_values.to_vec(),
            });
        }
    };
    push(out, Shape::Whole, value, &[]);
    if let Some((prefix, rest)) = prefixed(value)
        && !rest.contains([',', ';', ' '])
    {
        push(out, Shape::Prefixed(prefix.to_string()), rest, &[]);
    }
    if !lists {
        return;
    }
    for separator in [",", ";", " "] {
        let items: Vec<&str> = value
            .split(separator)
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .collect();
        if items.len() < 2 {
            continue;
        }
        let values: Vec<(String, String)> = items
            .iter()
            .filter_map(|i| i.split_once('='))
            .filter(|(k, v)| {
                !k.is_empty() && !v.is_empty() && decode_with(v, wanted.len).is_empty()
            })
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        for item in &items {
            if let Some((prefix, rest)) = prefixed(item) {
                let shape = Shape::Item {
                    separator: separator.to_string(),
                    prefix: prefix.to_string(),
                };
                push(out, shape, rest, &values);
            }
            let shape = Shape::Item {
                separator: separator.to_string(),
                prefix: String::new(),
            };
            push(out, shape, item, &values);
        }
    }
}

/// Every place the request may carry its signature, the likeliest first (a header whose name
/// says signature, then other headers, the query, the form and the JSON body).
pub fn find(req: &Imported) -> Vec<Site> {
    find_with(req, DIGESTS)
}

/// As [`find`], for signatures of other lengths (a public key's).
pub fn find_with(req: &Imported, wanted: Wanted) -> Vec<Site> {
    let mut out = Vec::new();
    let mut headers: Vec<&(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| !ORDINARY_HEADERS.contains(&n.to_ascii_lowercase().as_str()))
        .collect();
    let says = |n: &str| {
        let n = n.to_ascii_lowercase();
        ["sign", "hmac", "hash", "auth", "digest", "mac", "token"]
            .iter()
            .any(|w| n.contains(w))
    };
    headers.sort_by_key(|(n, _)| !says(n));
    for (name, value) in headers {
        sites_of(&Place::Header(name.clone()), value, true, wanted, &mut out);
    }
    for (name, value) in query_pairs(&req.url) {
        sites_of(&Place::Query(name), &value, false, wanted, &mut out);
    }
    if is_form(req) {
        for (name, value) in crate::sign::form::parse_params(&req.body, true).unwrap_or_default() {
            let name = String::from_utf8_lossy(&name).into_owned();
            sites_of(
                &Place::Form(name),
                &String::from_utf8_lossy(&value),
                false,
                wanted,
                &mut out,
            );
        }
    } else {
        for (name, value) in json_members(&req.body) {
            sites_of(&Place::Member(name), &value, false, wanted, &mut out);
        }
    }
    out
}

/// The string, number and boolean members of a JSON object body, and those of the objects in
/// it (one level down, as `parent.child`), as written (a number's text kept).
pub fn json_members(body: &[u8]) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return Vec::new();
    };
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let mut out = Vec::new();
    for (name, value) in &map {
        if name.contains('.') {
            continue;
        }
        if let Some(s) = scalar(value) {
            out.push((name.clone(), s));
        } else if let serde_json::Value::Object(inner) = value {
            for (child, v) in inner {
                if let (false, Some(s)) = (child.contains('.'), scalar(v)) {
                    out.push((format!("{name}.{child}"), s));
                }
            }
        }
    }
    out
}

/// The query's (name, decoded value) pairs.
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    let query = crate::sign::form::url_part(url.as_bytes(), crate::sign::form::UrlPart::Query);
    crate::sign::form::parse_params(&query, true)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            (
                String::from_utf8_lossy(&k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect()
}

/// Whether the body is a form (`k=v&…`): its Content-Type says so.
pub fn is_form(req: &Imported) -> bool {
    req.header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("x-www-form-urlencoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], url: &str, body: &str) -> Imported {
        Imported {
            method: "POST".into(),
            url: url.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            head: Vec::new(),
            body: body.as_bytes().to_vec(),
            notes: Vec::new(),
            status: None,
        }
    }

    #[test]
    fn decodes_each_digest_length_and_encoding() {
        // SHA-256 of "" in hex (lower and upper), SHA-1 in base64, MD5 in base64url unpadded.
        let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(decode(h)[0].1, Encoding::Hex { upper: false });
        assert_eq!(decode(h)[0].0.len(), 32);
        assert_eq!(
            decode(&h.to_uppercase())[0].1,
            Encoding::Hex { upper: true }
        );
        // 64 hex digits are also base64 of 48 bytes (a SHA-384 digest): both are kept.
        assert_eq!(decode(h).len(), 2);
        let sha1 = "2jmj7l5rSw0yVb/vlWAYkK/YBwk=";
        assert_eq!(
            decode(sha1),
            vec![(
                STANDARD.decode(sha1).unwrap(),
                Encoding::Base64 {
                    url_safe: false,
                    padding: true
                }
            )]
        );
        let md5 = "1B2M2Y8AsgTpgAmY7PhCfg";
        assert_eq!(
            decode(md5)[0].1,
            Encoding::Base64 {
                url_safe: false,
                padding: false
            }
        );
        assert_eq!(decode("d41d8cd98f00b204e9800998ecf8427e")[0].0.len(), 16);
        let url = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
        assert_eq!(
            decode(url)[0].1,
            Encoding::Base64 {
                url_safe: true,
                padding: false
            }
        );
        // Mixed case hex, other lengths and text are not digests.
        assert!(
            decode("E3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").len() < 2
        );
        assert!(decode("hello world, this is not a signature").is_empty());
        assert!(decode("abcdef").is_empty());
    }

    #[test]
    fn finds_the_signature_of_an_hmac_jwt() {
        // PyJWT's HS256 token of {"iss":"netlify"} under "secret".
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJuZXRsaWZ5In0.sig";
        let req = request(&[("Authorization", &format!("Bearer {token}"))], "/", "");
        // A signature that is no digest: no site.
        assert!(find(&req).is_empty());
        let mac = crate::sign::digest::hmac(
            Alg::Sha256,
            b"secret",
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJuZXRsaWZ5In0",
        );
        let token = token.replace("sig", &URL_SAFE_NO_PAD.encode(mac));
        let req = request(&[("Authorization", &format!("Bearer {token}"))], "/", "");
        let sites = find(&req);
        assert_eq!(sites.len(), 1);
        assert_eq!(sites[0].digest.len(), 32);
        assert_eq!(
            sites[0].shape,
            Shape::Jwt {
                prefix: "Bearer ".into(),
                signing_input: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJuZXRsaWZ5In0"
                    .into()
            }
        );
    }

    #[test]
    fn finds_whole_prefixed_and_listed_signatures() {
        let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let req = request(
            &[
                ("X-Hub-Signature-256", &format!("sha256={h}")),
                ("Stripe-Signature", &format!("t=1700000000,v1={h},v0=abc")),
                (
                    "webhook-signature",
                    "v1,2jmj7l5rSw0yVb/vlWAYkK/YBwk= v1,xyz",
                ),
                ("Content-Type", h),
            ],
            "https://example.com/hook?sig=2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D",
            "",
        );
        let sites = find(&req);
        let has = |place: &str, shape: Shape| {
            sites
                .iter()
                .any(|s| s.place.source() == place && s.shape == shape)
        };
        assert!(has(
            "header:X-Hub-Signature-256",
            Shape::Prefixed("sha256=".into())
        ));
        assert!(has(
            "header:Stripe-Signature",
            Shape::Item {
                separator: ",".into(),
                prefix: "v1=".into()
            }
        ));
        assert!(has(
            "header:webhook-signature",
            Shape::Item {
                separator: " ".into(),
                prefix: "v1,".into()
            }
        ));
        assert!(has("query:sig", Shape::Whole));
        // Content-Type is never a signature.
        assert!(!sites.iter().any(|s| s.place.name() == "Content-Type"));
        let stripe = sites
            .iter()
            .find(|s| s.place.name() == "Stripe-Signature")
            .unwrap();
        assert_eq!(
            stripe.list_values,
            vec![
                ("t".to_string(), "1700000000".to_string()),
                ("v0".to_string(), "abc".to_string())
            ]
        );
    }
}

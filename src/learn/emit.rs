//! A found construction written as a complete recipe: fields named after the headers they come
//! from, the stages, where the signature and each value are found (`[import]`), where they go
//! (`[[headers]]`, `[[query]]`), notes on how it was learned, and an example made from the
//! request under a stand-in key (never the user's).

use std::fmt::Write;

use super::parts::{Part, PartKind};
use super::search::{Hit, KeyForm, Mac};
use super::site::{Encoding, Place, Shape, Site};
use crate::request::message::Imported;
use crate::sign::form::UrlPart;

/// The stand-in key of a learned recipe's example (the user's key is never written).
pub const EXAMPLE_KEY: &str = "sigscope-learned-example-key";

/// A TOML string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A template's literal text (braces doubled).
fn lit(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}

/// A field name from a header's (`X-Slack-Request-Timestamp` → `slack_request_timestamp`).
pub fn field_name(header: &str) -> String {
    let mut name = crate::code::snake(header);
    if let Some(rest) = name.strip_prefix("x_")
        && !rest.is_empty()
    {
        name = rest.to_string();
    }
    let name = name.trim_matches('_').to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{name}")
    } else {
        name
    }
}

/// Names a recipe reserves (inputs and this recipe's stages).
const RESERVED: &[&str] = &[
    "key",
    "body",
    "url",
    "method",
    "headers",
    "signature",
    "canonical",
    "mac",
    "secret",
    "path",
    "path_and_query",
    "full_url",
    "sorted_params",
    "query_raw",
    "unsigned_params",
];

/// One field the recipe takes from the request.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub source: String,
    /// For a list value: (header, separator, item name).
    pub pattern: Option<(String, String, String)>,
    pub value: String,
    pub kind: Option<&'static str>,
    /// A header the request carries it in (placed back there when signing).
    pub header: Option<String>,
    /// A segment of the JWT that carries the signature (read by the token's pattern).
    pub token: bool,
}

/// What a learned recipe is made of.
#[derive(Debug, Clone)]
pub struct Plan {
    pub fields: Vec<Field>,
    pub uses_url: bool,
    pub uses_method: bool,
    /// The template text of each part, in order.
    pub items: Vec<String>,
    /// Stages the parts need, as TOML blocks.
    pub part_stages: Vec<String>,
}

fn kind_of(value: &str) -> Option<&'static str> {
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    match value.len() {
        10 if digits => Some("unix-seconds"),
        13 if digits => Some("unix-millis"),
        _ => None,
    }
}

/// The fields and stage items a hit's parts need.
pub fn plan(parts: &[Part], hit: &Hit) -> Plan {
    let mut plan = Plan {
        fields: Vec::new(),
        uses_url: false,
        uses_method: false,
        items: Vec::new(),
        part_stages: Vec::new(),
    };
    let name_for = |wanted: String, fields: &[Field]| {
        let mut name = wanted;
        while RESERVED.contains(&name.as_str()) || fields.iter().any(|f| f.name == name) {
            name.push_str("_value");
        }
        name
    };
    for &i in &hit.parts {
        let part = &parts[i];
        let item = match &part.kind {
            PartKind::Body => "{body}".to_string(),
            PartKind::Header(h) => {
                let name = name_for(field_name(h), &plan.fields);
                let value = String::from_utf8_lossy(&part.bytes).into_owned();
                plan.fields.push(Field {
                    name: name.clone(),
                    label: h.clone(),
                    source: format!("header:{h}"),
                    pattern: None,
                    kind: kind_of(&value),
                    value,
                    header: Some(h.clone()),
                    token: false,
                });
                format!("{{{name}}}")
            }
            PartKind::Member(m) => {
                let leaf = m.rsplit('.').next().unwrap_or(m);
                let name = name_for(field_name(leaf), &plan.fields);
                let value = String::from_utf8_lossy(&part.bytes).into_owned();
                plan.fields.push(Field {
                    name: name.clone(),
                    label: format!("{m} in the body"),
                    source: format!("member:{m}"),
                    pattern: None,
                    kind: kind_of(&value),
                    value,
                    header: None,
                    token: false,
                });
                format!("{{{name}}}")
            }
            PartKind::ListValue {
                header,
                separator,
                name: item,
            } => {
                let name = name_for(field_name(item), &plan.fields);
                let value = String::from_utf8_lossy(&part.bytes).into_owned();
                plan.fields.push(Field {
                    name: name.clone(),
                    label: format!("{item} in {header}"),
                    source: String::new(),
                    pattern: Some((header.clone(), separator.clone(), item.clone())),
                    kind: kind_of(&value),
                    value,
                    header: None,
                    token: false,
                });
                format!("{{{name}}}")
            }
            PartKind::Method => {
                plan.uses_method = true;
                "{method}".to_string()
            }
            PartKind::Url(part) => {
                plan.uses_url = true;
                let (stage, word) = match part {
                    UrlPart::Path => ("path", "path"),
                    UrlPart::PathAndQuery => ("path_and_query", "path-and-query"),
                    _ => ("full_url", "full"),
                };
                plan.part_stages.push(format!(
                    "[[stages]]\nname = \"{stage}\"\nurl = \"{{url}}\"\npart = \"{word}\"\n"
                ));
                format!("{{{stage}}}")
            }
            PartKind::SortedForm { pair_sep, join } => {
                plan.part_stages.push(format!(
                    "[[stages]]\nname = \"sorted_params\"\nparams = \"{{body}}\"\nrepeats = \"all\"\nsort = \"name-value\"\npair = {}\njoin = {}\n",
                    q(&format!("{{name}}{pair_sep}{{value}}")),
                    q(join)
                ));
                "{sorted_params}".to_string()
            }
            PartKind::WithoutSignature { from_query, name } => {
                let source = if *from_query {
                    plan.uses_url = true;
                    plan.part_stages.push(
                        "[[stages]]\nname = \"query_raw\"\nurl = \"{url}\"\npart = \"query\"\n"
                            .to_string(),
                    );
                    "{query_raw}"
                } else {
                    "{body}"
                };
                plan.part_stages.push(format!(
                    "[[stages]]\nname = \"unsigned_params\"\nparams = \"{source}\"\ndecode = false\nrepeats = \"all\"\nomit = [{}]\n",
                    q(name)
                ));
                "{unsigned_params}".to_string()
            }
            PartKind::Literal(l) => lit(l),
            PartKind::JwtSigningInput => {
                let input = String::from_utf8_lossy(&part.bytes).into_owned();
                let (header, claims) = input.split_once('.').unwrap_or((&input, ""));
                for (name, label, value) in [
                    ("jwt_header", "the JWT's header (base64url)", header),
                    ("jwt_claims", "the JWT's claims (base64url)", claims),
                ] {
                    plan.fields.push(Field {
                        name: name.to_string(),
                        label: label.to_string(),
                        source: String::new(),
                        pattern: None,
                        value: value.to_string(),
                        kind: None,
                        header: None,
                        token: true,
                    });
                }
                "{jwt_header}.{jwt_claims}".to_string()
            }
        };
        plan.items.push(item);
    }
    plan
}

/// The example key in the form the construction reads the key.
pub fn example_key(form: &KeyForm) -> String {
    use base64::Engine;
    match form {
        KeyForm::Text => EXAMPLE_KEY.to_string(),
        KeyForm::Base64 { strip, url_safe } => {
            let e = if *url_safe {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
            } else {
                base64::engine::general_purpose::STANDARD
            };
            format!("{strip}{}", e.encode(EXAMPLE_KEY))
        }
        KeyForm::Hex => hex::encode(EXAMPLE_KEY),
    }
}

/// The construction in words (`HMAC-SHA256 (the key as text) over X-Timestamp "." the raw
/// body, hex, as the v1= item of …`).
pub fn describe(site: &Site, parts: &[Part], hit: &Hit) -> String {
    let over: Vec<String> = hit.parts.iter().map(|&i| parts[i].kind.words()).collect();
    let joined = if hit.parts.len() < 2 {
        over.join("")
    } else {
        let sep = match hit.joiner {
            "" => " then ".to_string(),
            "\n" => " \\n ".to_string(),
            j => format!(" \"{j}\" "),
        };
        over.join(&sep)
    };
    let enc = format!(", {}, in {}", site.encoding.words(), site.words());
    let alg = hit.how.alg.label();
    match hit.how.mac {
        Mac::Hmac => format!(
            "HMAC-{} ({}) over {joined}{enc}",
            alg.replace('-', ""),
            hit.how.key.words()
        ),
        Mac::KeyFirst => format!(
            "plain {alg} of the key then {joined}{}{enc}",
            joined_by(hit)
        ),
        Mac::KeyLast => format!(
            "plain {alg} of {joined} then the key{}{enc}",
            joined_by(hit)
        ),
        Mac::RsaPkcs1 => format!("RSASSA-PKCS1-v1_5 {alg} (the public key) over {joined}{enc}"),
        Mac::Verified => format!(
            "{} (the public key) over {joined}{enc}",
            verified_words(hit)
        ),
    }
}

/// The algorithm a verified hit's key signs with.
fn verified_words(hit: &Hit) -> &'static str {
    match hit.how.alg {
        crate::sign::digest::Alg::Sha512 => "Ed25519",
        crate::sign::digest::Alg::Sha384 => "ECDSA P-384 SHA-384",
        _ => "ECDSA P-256 SHA-256",
    }
}

/// Whether the hit is a public key's signature.
pub fn public(hit: &Hit) -> bool {
    matches!(hit.how.mac, Mac::RsaPkcs1 | Mac::Verified)
}

/// How the key is joined to the parts, in words (nothing when nothing joins them).
fn joined_by(hit: &Hit) -> String {
    if hit.joiner.is_empty() {
        String::new()
    } else {
        format!(" (joined by {:?})", hit.joiner)
    }
}

/// The recipe's text, with `example_signature` in its example (None: none written).
pub fn recipe(
    req: &Imported,
    site: &Site,
    parts: &[Part],
    hit: &Hit,
    notes: &[String],
    example: (Option<&str>, Option<&str>),
) -> String {
    let (example_key_text, example_signature) = example;
    let mut plan = plan(parts, hit);
    if matches!(site.place, Place::Query(_)) {
        plan.uses_url = true;
    }
    let alg = hit.how.alg;
    let mut t = String::new();
    let what = describe(site, parts, hit);
    let _ = writeln!(
        t,
        "# Learned by `sigscope learn` from a genuine request: {}.",
        what.replace('\n', " ")
    );
    let _ = writeln!(t, "id = {}", q(&learned_id(site)));
    let _ = writeln!(
        t,
        "name = {}",
        q(&format!("Learned scheme ({})", site.place.name()))
    );
    let _ = writeln!(t, "description = {}", q(&what));
    let _ = writeln!(t, "source = \"sigscope learn\"");
    let _ = writeln!(t, "notes = [");
    for n in notes {
        let _ = writeln!(t, "  {},", q(n));
    }
    let _ = writeln!(t, "]\n");
    let _ = writeln!(t, "[key]\nlabel = \"secret\"\n");
    let _ = writeln!(
        t,
        "[body]\nkind = \"raw\"\nlabel = \"request body (raw bytes as delivered)\"\n"
    );
    for f in &plan.fields {
        let _ = writeln!(
            t,
            "[[fields]]\nname = {}\nlabel = {}",
            q(&f.name),
            q(&f.label)
        );
        if let Some(k) = f.kind {
            let _ = writeln!(t, "kind = {}", q(k));
        }
        let _ = writeln!(t);
    }
    if plan.uses_method {
        let _ = writeln!(
            t,
            "[[fields]]\nname = \"method\"\nlabel = \"HTTP method\"\nkind = \"method\"\ndefault = {}\n",
            q(&req.method)
        );
    }
    let _ = writeln!(
        t,
        "[[fields]]\nname = \"url\"\nlabel = \"request URL\"\nkind = \"url\"\ndefault = {}\n",
        q(&url_default(req))
    );
    // The key's form.
    let key_ref = match &hit.how.key {
        KeyForm::Text => "{key}",
        KeyForm::Base64 { strip, url_safe } => {
            let _ = write!(
                t,
                "[[stages]]\nname = \"secret\"\nfrom_base64 = \"{{key}}\"\n"
            );
            if !strip.is_empty() {
                let _ = writeln!(t, "strip = {}", q(strip));
            }
            if *url_safe {
                let _ = writeln!(t, "alphabet = \"url-safe\"");
            }
            let _ = writeln!(t);
            "{secret}"
        }
        KeyForm::Hex => {
            let _ = writeln!(t, "[[stages]]\nname = \"secret\"\nfrom_hex = \"{{key}}\"\n");
            "{secret}"
        }
    };
    for s in &plan.part_stages {
        let _ = writeln!(t, "{s}");
    }
    let mut items = plan.items.clone();
    match hit.how.mac {
        Mac::KeyFirst => items.insert(0, key_ref.to_string()),
        Mac::KeyLast => items.push(key_ref.to_string()),
        Mac::Hmac | Mac::RsaPkcs1 | Mac::Verified => {}
    }
    let message = if items.len() == 1 {
        items[0].clone()
    } else {
        let list: Vec<String> = items.iter().map(|i| q(i)).collect();
        let _ = write!(
            t,
            "[[stages]]\nname = \"canonical\"\nconcat = [{}]\n",
            list.join(", ")
        );
        if !hit.joiner.is_empty() {
            let _ = writeln!(t, "separator = {}", q(hit.joiner));
        }
        let _ = writeln!(t);
        "{canonical}".to_string()
    };
    // A JWT whose claims hold the body's SHA-256 binds the body: the recipe checks it.
    let body_claim = match &site.shape {
        Shape::Jwt { signing_input, .. } => body_claim(signing_input, &req.body),
        _ => None,
    };
    let encoded = if body_claim.is_some() {
        "token_mac"
    } else {
        "signature"
    };
    if public(hit) {
        let text = match site.encoding {
            Encoding::Hex { .. } => "hex",
            Encoding::Base64 {
                url_safe: false, ..
            } => "base64",
            Encoding::Base64 { url_safe: true, .. } => "base64url",
        };
        // Ed25519 names its message in its main argument; RSA and ECDSA name the hash there.
        let (primitive, message_arg) = match hit.how.mac {
            Mac::RsaPkcs1 => (
                format!("rsa = \"{}\"", alg.word()),
                format!("message = {}\n", q(&message)),
            ),
            _ if hit.how.alg == crate::sign::digest::Alg::Sha512 => {
                (format!("ed25519 = {}", q(&message)), String::new())
            }
            _ => (
                format!("ecdsa = \"{}\"", alg.word()),
                format!("message = {}\n", q(&message)),
            ),
        };
        let _ = writeln!(
            t,
            "[[stages]]\nname = \"{encoded}\"\n{primitive}\n{message_arg}key = \"{{key}}\"\nencoding = \"{text}\""
        );
    } else {
        match hit.how.mac {
            Mac::Hmac => {
                let _ = writeln!(
                    t,
                    "[[stages]]\nname = \"mac\"\nhmac = \"{}\"\nkey = {}\nmessage = {}\n",
                    alg.word(),
                    q(key_ref),
                    q(&message)
                );
            }
            _ => {
                let _ = writeln!(
                    t,
                    "[[stages]]\nname = \"mac\"\nhash = \"{}\"\nmessage = {}\n",
                    alg.word(),
                    q(&message)
                );
            }
        }
        match site.encoding {
            Encoding::Hex { upper } => {
                let _ = write!(t, "[[stages]]\nname = \"{encoded}\"\nhex = \"{{mac}}\"\n");
                if upper {
                    let _ = writeln!(t, "case = \"upper\"");
                }
            }
            Encoding::Base64 { url_safe, padding } => {
                let _ = write!(
                    t,
                    "[[stages]]\nname = \"{encoded}\"\nbase64 = \"{{mac}}\"\n"
                );
                if url_safe {
                    let _ = writeln!(t, "alphabet = \"url-safe\"");
                }
                if !padding {
                    let _ = writeln!(t, "padding = false");
                }
            }
        }
    }
    let _ = writeln!(t);
    if let Some(claim) = &body_claim {
        let _ = writeln!(
            t,
            "[[stages]]\nname = \"claims_json\"\nfrom_base64 = \"{{jwt_claims}}\"\nalphabet = \"url-safe\"\n"
        );
        let _ = writeln!(
            t,
            "[[stages]]\nname = \"claimed_body_sha256\"\nparam = {}\nfrom = \"{{claims_json}}\"\n",
            q(claim)
        );
        let _ = writeln!(
            t,
            "[[stages]]\nname = \"body_digest\"\nhash = \"sha256\"\nmessage = \"{{body}}\"\n"
        );
        let _ = writeln!(
            t,
            "[[stages]]\nname = \"body_sha256\"\nhex = \"{{body_digest}}\"\n"
        );
        let _ = writeln!(
            t,
            "[[stages]]\nname = \"body_claim\"\ncheck = \"{{claimed_body_sha256}}\"\nequals = \"{{body_sha256}}\"\ndiffers = {}\n",
            q(&format!(" (the {claim} claim is not the body's SHA-256)"))
        );
        let _ = writeln!(
            t,
            "[[stages]]\nname = \"signature\"\nconcat = [\"{{token_mac}}\", \"{{body_claim}}\"]\n"
        );
    }
    let _ = writeln!(
        t,
        "[request]\nmethod = {}\nurl = \"{{url}}\"\n",
        q(if plan.uses_method {
            "{method}"
        } else {
            &req.method
        })
    );
    // Where the signature goes, and the headers the values come from.
    let item = match &site.shape {
        Shape::Whole => "{signature}".to_string(),
        Shape::Jwt { prefix, .. } => {
            format!("{}{{jwt_header}}.{{jwt_claims}}.{{signature}}", lit(prefix))
        }
        Shape::Prefixed(p) | Shape::Item { prefix: p, .. } => format!("{}{{signature}}", lit(p)),
    };
    match &site.place {
        Place::Header(h) => {
            let value = match &site.shape {
                Shape::Item { separator, .. } => {
                    let mut pieces: Vec<String> = plan
                        .fields
                        .iter()
                        .filter_map(|f| f.pattern.as_ref().map(|p| (f, p)))
                        .map(|(f, (_, _, n))| format!("{}={{{}}}", lit(n), f.name))
                        .collect();
                    pieces.push(item.clone());
                    pieces.join(separator)
                }
                _ => item.clone(),
            };
            let _ = writeln!(t, "[[headers]]\nname = {}\nvalue = {}\n", q(h), q(&value));
        }
        Place::Query(n) => {
            let _ = writeln!(t, "[[query]]\nname = {}\nvalue = \"{{signature}}\"\n", q(n));
        }
        Place::Form(_) | Place::Member(_) => {}
    }
    for f in &plan.fields {
        if let Some(h) = &f.header {
            let _ = writeln!(
                t,
                "[[headers]]\nname = {}\nvalue = {}\n",
                q(h),
                q(&format!("{{{}}}", f.name))
            );
        }
    }
    if let Some(ct) = req.header("content-type") {
        let _ = writeln!(
            t,
            "[[headers]]\nname = \"Content-Type\"\nvalue = {}\n",
            q(&lit(ct))
        );
    }
    match &site.shape {
        Shape::Prefixed(_) => {
            let _ = writeln!(t, "[signatures]\nitem = {}\n", q(&item));
        }
        Shape::Item { separator, .. } => {
            let _ = writeln!(
                t,
                "[signatures]\nseparator = {}\nitem = {}\n",
                q(separator),
                q(&item)
            );
        }
        Shape::Whole | Shape::Jwt { .. } => {}
    }
    let mut sources: Vec<String> = plan
        .fields
        .iter()
        .filter(|f| f.pattern.is_none() && !f.token)
        .map(|f| format!("{} = {}", f.name, q(&f.source)))
        .collect();
    if plan.uses_method {
        sources.push("method = \"method\"".to_string());
    }
    sources.push("url = \"url\"".to_string());
    let _ = writeln!(t, "[import]\nfields = {{ {} }}", sources.join(", "));
    match &site.shape {
        Shape::Jwt { .. } => {
            let _ = writeln!(
                t,
                "\n[[import.patterns]]\nfrom = {}\npattern = {}\n",
                q(&site.place.source()),
                q(&item)
            );
        }
        _ => {
            let _ = writeln!(t, "signature = {}\n", q(&site.place.source()));
        }
    }
    for f in &plan.fields {
        if let Some((header, separator, item)) = &f.pattern {
            let _ = writeln!(
                t,
                "[[import.patterns]]\nfrom = {}\nsplit = {}\npattern = {}\n",
                q(&format!("header:{header}")),
                q(separator),
                q(&format!("{}={{{}}}", lit(item), f.name))
            );
        }
    }
    let _ = writeln!(
        t,
        "{}",
        if public(hit) {
            "# The example is the request's, verified with the public key."
        } else {
            "# The example is the request's, signed with a stand-in key (the real key is never written)."
        }
    );
    let key = example_key_text.map_or_else(|| example_key(&hit.how.key), str::to_string);
    let _ = writeln!(t, "[example]\nkey = {}", q(&key));
    let _ = writeln!(t, "body = {}", q(&String::from_utf8_lossy(&req.body)));
    let mut values: Vec<String> = plan
        .fields
        .iter()
        .map(|f| format!("{} = {}", f.name, q(&f.value)))
        .collect();
    if plan.uses_method {
        values.push(format!("method = {}", q(&req.method)));
    }
    values.push(format!("url = {}", q(&url_default(req))));
    let _ = writeln!(t, "fields = {{ {} }}", values.join(", "));
    if let Some(sig) = example_signature {
        let _ = writeln!(t, "signature = {}", q(sig));
    }
    t
}

/// The claim of a JWT's claims (`header.claims`) that holds the hex SHA-256 of the body.
fn body_claim(signing_input: &str, body: &[u8]) -> Option<String> {
    use base64::Engine;
    let claims = signing_input.split_once('.')?.1;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(claims)
        .ok()?;
    let serde_json::Value::Object(map) = serde_json::from_slice(&claims).ok()? else {
        return None;
    };
    let digest = hex::encode(crate::sign::digest::hash(
        crate::sign::digest::Alg::Sha256,
        body,
    ));
    map.iter()
        .find(|(_, v)| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(&digest)))
        .map(|(k, _)| k.clone())
}

/// A learned recipe's id: `learned-` and the name of where its signature is
/// (`learned-x-zm-signature`).
pub fn learned_id(site: &Site) -> String {
    let slug: String = site
        .place
        .name()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "learned".to_string()
    } else {
        format!("learned-{slug}")
    }
}

/// The request's URL, or a stand-in when it names no host.
fn url_default(req: &Imported) -> String {
    if req.url.starts_with("http://") || req.url.starts_with("https://") {
        req.url.clone()
    } else {
        format!("https://example.com{}", req.url)
    }
}

//! `learn`: finds the scheme of a provider no catalog has from genuine requests and the key. An
//! HMAC that matches is proof: the construction of the request's parts that gives the received
//! signature under the key is the scheme. The search ([`search`]) tries where the signature is
//! ([`site`]), what is signed ([`parts`]) and how, the commonest first; a hit is written as a
//! recipe ([`emit`]) and accepted only when that recipe, loaded as a user's would be, verifies
//! every request given. Pure: no clock, no I/O.

pub mod emit;
pub mod parts;
pub mod public;
pub mod search;
pub mod site;

use std::collections::BTreeMap;

pub use search::{End, Limits};

use crate::request::import;
use crate::request::message::Imported;
use crate::sign::{self, Recipe};
use crate::wire::verdict::{Judge, Outcome as VerdictOutcome};

/// The budget `learn` searches by default: more than the whole space of a usual request.
pub const DEFAULT_MAX_CANDIDATES: usize = 20_000_000;

/// A scheme learned.
#[derive(Debug, Clone)]
pub struct Learned {
    /// The complete recipe (TOML).
    pub recipe: String,
    /// The construction in words.
    pub description: String,
    /// Where the signature was found.
    pub site: site::Site,
    pub hit: search::Hit,
    /// Words for each part signed, in order.
    pub parts: Vec<String>,
    /// Fields whose values differ between the requests.
    pub differ: Vec<String>,
    /// Fields equal in every request (`name=value`), which may be constants.
    pub equal: Vec<String>,
    pub tried: usize,
}

/// How a search ended without a scheme.
#[derive(Debug, Clone)]
pub struct NotFound {
    pub tried: usize,
    pub end: End,
    /// What was searched, in words.
    pub searched: String,
    /// Hits refused, and why (a construction that gave the first request's signature but did
    /// not verify another).
    pub refused: Vec<String>,
}

/// Searches for the scheme of `requests` (one or more genuine requests, signed with `key`).
pub fn learn(
    requests: &[Imported],
    key: &[u8],
    limits: &Limits,
) -> Result<Result<Learned, NotFound>, String> {
    if requests.is_empty() {
        return Err("learn needs at least one request".to_string());
    }
    // A key document (PEM, a JWK) is a public key's: its signatures are searched for.
    let public_key = crate::sign::pubkey::parse(key, None).ok();
    if crate::sign::pubkey::is_key_document(key)
        && let Some(pk) = &public_key
    {
        return Ok(learn_public(requests, key, pk, limits));
    }
    let hmac = learn_hmac(requests, key, limits)?;
    // Not an HMAC's secret, and a key in another form (hex or base64 of an Ed25519 key, a
    // base64 DER): its signatures.
    match (hmac, &public_key) {
        (Err(nf), Some(pk)) if nf.end == End::Exhausted => {
            let public = learn_public(requests, key, pk, limits);
            Ok(public.map_err(|mut p| {
                p.tried += nf.tried;
                p
            }))
        }
        (result, _) => Ok(result),
    }
}

/// The search under an HMAC's secret (or a plain hash's).
fn learn_hmac(
    requests: &[Imported],
    key: &[u8],
    limits: &Limits,
) -> Result<Result<Learned, NotFound>, String> {
    let first = &requests[0];
    let sites = site::find(first);
    if sites.is_empty() {
        return Ok(Err(NotFound {
            tried: 0,
            end: End::Exhausted,
            searched: "no header, query parameter, form field or JSON member of the first request holds a digest (hex, base64 or base64url of 16, 20, 32, 48 or 64 bytes, alone, after a prefix such as sha256=, or in a list such as t=…,v1=…)".to_string(),
            refused: Vec::new(),
        }));
    }
    let searched: Vec<(site::Site, Vec<parts::Part>)> = sites
        .into_iter()
        .map(|s| {
            let mut found = parts::find(first, &s);
            // A part equal to an earlier one adds nothing.
            let mut seen = std::collections::HashSet::new();
            found.retain(|p| seen.insert(p.bytes.clone()));
            (s, found)
        })
        .collect();
    let mut learned = None;
    let mut refused = Vec::new();
    let (end, tried) = search::run(&searched, key, limits, &mut |hit| {
        let (site, parts) = &searched[hit.site];
        match accept(requests, key, None, site, parts, hit) {
            Ok(l) => {
                learned = Some(l);
                true
            }
            Err(why) => {
                refused.push(why);
                false
            }
        }
    });
    match learned {
        Some(mut l) => {
            l.tried = tried;
            Ok(Ok(l))
        }
        None => Ok(Err(NotFound {
            tried,
            end,
            searched: searched_words(&searched),
            refused,
        })),
    }
}

/// The search under a public key: Ed25519 and ECDSA signatures verified over each message,
/// RSA PKCS#1 v1.5 ones through the digest they hold.
fn learn_public(
    requests: &[Imported],
    key: &[u8],
    pk: &crate::sign::pubkey::Key,
    limits: &Limits,
) -> Result<Learned, NotFound> {
    let first = &requests[0];
    let fits = |l: usize| public::length_fits(pk, l);
    let wanted = site::Wanted {
        len: &fits,
        public: true,
    };
    let rsa = pk.family() == crate::sign::pubkey::Family::Rsa;
    let searched: Vec<(site::Site, Vec<parts::Part>)> = site::find_with(first, wanted)
        .into_iter()
        .filter_map(|mut s| {
            if rsa {
                // The digest the signature holds is what the plain hashes are compared with.
                s.digest = public::rsa_digest(pk, &s.digest)?;
            }
            let mut found = parts::find(first, &s);
            let mut seen = std::collections::HashSet::new();
            found.retain(|p| seen.insert(p.bytes.clone()));
            Some((s, found))
        })
        .collect();
    if searched.is_empty() {
        return Err(NotFound {
            tried: 0,
            end: End::Exhausted,
            searched: format!(
                "no header, query parameter, form field or JSON member of the first request holds a signature of the {} ({})",
                pk.kind(),
                if rsa {
                    "RSASSA-PKCS1-v1_5 of the modulus length; PSS is not searched"
                } else {
                    "hex, base64 or base64url"
                }
            ),
            refused: Vec::new(),
        });
    }
    let mut learned = None;
    let mut refused = Vec::new();
    let mut accept_hit = |hit: &search::Hit| {
        let (site, parts) = &searched[hit.site];
        match accept(requests, key, Some(pk), site, parts, hit) {
            Ok(l) => {
                learned = Some(l);
                true
            }
            Err(why) => {
                refused.push(why);
                false
            }
        }
    };
    let (end, tried) = if rsa {
        let hows: Vec<Vec<search::How>> = searched
            .iter()
            .map(|(s, _)| vec![public::how(pk, s.digest.len())])
            .collect();
        search::run_with(&searched, &hows, limits, &mut accept_hit)
    } else {
        public::run_verified(&searched, pk, limits, &mut accept_hit)
    };
    match learned {
        Some(mut l) => {
            l.tried = tried;
            Ok(l)
        }
        None => Err(NotFound {
            tried,
            end,
            searched: format!(
                "{} (up to {} parts, verified with the {})",
                searched_words(&searched),
                if rsa {
                    search::MAX_PARTS
                } else {
                    public::MAX_VERIFIED_PARTS
                },
                pk.kind()
            ),
            refused,
        }),
    }
}

/// The search space in words.
fn searched_words(searched: &[(site::Site, Vec<parts::Part>)]) -> String {
    let mut sites: Vec<String> = searched
        .iter()
        .map(|(s, _)| {
            format!(
                "{} ({}, {} bytes)",
                s.words(),
                s.encoding.words(),
                s.digest.len()
            )
        })
        .collect();
    sites.dedup();
    let mut parts: Vec<String> = Vec::new();
    for (_, ps) in searched {
        for p in ps {
            let w = p.kind.words();
            if !parts.contains(&w) {
                parts.push(w);
            }
        }
    }
    format!(
        "signatures at {}; up to {} of {} in any order, joined by nothing, \".\", \":\", \"\\n\", \"&\", \"|\", \",\" or \";\"; HMAC with the key as text, base64- or hex-decoded, and the plain hash of key then message and message then key",
        sites.join(", "),
        search::MAX_PARTS,
        parts.join(", ")
    )
}

/// Writes a hit as a recipe and checks it the way a user's recipe is checked: it loads, and
/// it verifies every request.
fn accept(
    requests: &[Imported],
    key: &[u8],
    public_key: Option<&crate::sign::pubkey::Key>,
    site: &site::Site,
    parts: &[parts::Part],
    hit: &search::Hit,
) -> Result<Learned, String> {
    let description = emit::describe(site, parts, hit);
    // A public key's recipe carries the public key and the request's own signature as its
    // example; an HMAC's, a stand-in key and the signature made with it.
    let public_pem = public_key.map(public_pem);
    let draft = emit::recipe(
        &requests[0],
        site,
        parts,
        hit,
        &[],
        (public_pem.as_deref(), None),
    );
    let recipe = Recipe::from_toml(&draft).map_err(|e| format!("{description}: {e}"))?;
    // Which values are fields and which may be constants.
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for req in requests {
        let mapped = import::map(&recipe, req, &BTreeMap::new());
        for f in &recipe.fields {
            values
                .entry(f.name.clone())
                .or_default()
                .push(mapped.fields.get(&f.name).cloned().unwrap_or_default());
        }
    }
    let used: Vec<String> = emit::plan(parts, hit)
        .fields
        .iter()
        .map(|f| f.name.clone())
        .chain(["method".to_string(), "url".to_string()])
        .collect();
    let mut differ = Vec::new();
    let mut equal = Vec::new();
    for (name, vals) in &values {
        if !used.contains(name) {
            continue;
        }
        if vals.windows(2).all(|w| w[0] == w[1]) {
            equal.push(format!("{name}={}", vals[0]));
        } else {
            differ.push(name.clone());
        }
    }
    let mut notes = notes(requests.len(), &description, &recipe, &differ, &equal);
    if matches!(site.shape, site::Shape::Jwt { .. }) {
        notes.push("A JWT: the recipe checks its HMAC (and, when a claim holds the body's SHA-256, the body), not its other claims (exp, iat, iss, aud): check those as the vendor documents.".to_string());
    }
    let signature = match public_key {
        Some(_) => site.text.clone(),
        None => example_signature(&recipe, hit)?,
    };
    let text = emit::recipe(
        &requests[0],
        site,
        parts,
        hit,
        &notes,
        (public_pem.as_deref(), Some(&signature)),
    );
    let recipe = Recipe::from_toml(&text).map_err(|e| format!("{description}: {e}"))?;
    let judge = Judge::new(
        vec![recipe],
        Some(0),
        vec![key.to_vec()],
        BTreeMap::new(),
        BTreeMap::new(),
    );
    for (i, req) in requests.iter().enumerate() {
        let verdict = judge.verify(req, 0);
        if verdict.outcome != VerdictOutcome::Match {
            return Err(format!(
                "{description} gives request 1's signature but not request {}'s ({})",
                i + 1,
                verdict.message
            ));
        }
    }
    Ok(Learned {
        recipe: text,
        description,
        site: site.clone(),
        hit: hit.clone(),
        parts: hit.parts.iter().map(|&i| parts[i].kind.words()).collect(),
        differ,
        equal,
        tried: 0,
    })
}

/// A key's public half as PEM (SPKI).
fn public_pem(key: &crate::sign::pubkey::Key) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(key.public_der());
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}

/// The example's signature under the stand-in key.
fn example_signature(recipe: &Recipe, hit: &search::Hit) -> Result<String, String> {
    let selection = recipe
        .select(std::iter::empty())
        .map_err(|e| e.to_string())?;
    let key = emit::example_key(&hit.how.key);
    let inputs = sign::Inputs {
        fields: &recipe.example.fields,
        key: key.as_bytes(),
        body: recipe.example.body.as_bytes(),
        headers: b"",
        selection: &selection,
        received: None,
    };
    sign::run(recipe, &inputs)
        .map(|t| t.signature_text())
        .map_err(|e| e.to_string())
}

/// The recipe's notes: how it was learned, which values are fields, what a request cannot tell.
fn notes(
    count: usize,
    description: &str,
    recipe: &Recipe,
    differ: &[String],
    equal: &[String],
) -> Vec<String> {
    let mut out = vec![format!(
        "Learned by sigscope learn from {} genuine request{}: {description}.",
        count,
        if count == 1 { "" } else { "s" }
    )];
    if count == 1 {
        out.push("Learned from one request: every value read from it is a field; a second request (--request twice) tells fields from constants.".to_string());
    } else {
        if !differ.is_empty() {
            out.push(format!(
                "Values that differ between the requests (fields): {}.",
                differ.join(", ")
            ));
        }
        if !equal.is_empty() {
            out.push(format!(
                "Values equal in every request (fields here, but they may be constants): {}.",
                equal.join(", ")
            ));
        }
    }
    for f in &recipe.fields {
        if matches!(
            f.kind,
            sign::recipe::FieldKind::UnixSeconds | sign::recipe::FieldKind::UnixMillis
        ) {
            out.push(format!(
                "{} looks like a time: the vendor most likely refuses requests too far from its clock, but a request cannot tell the window (add [window] field = \"{}\" seconds = N when the vendor documents it).",
                f.label, f.name
            ));
        }
    }
    out.push("A request cannot tell what is signed only when present (an optional header, a query), nor which other encodings the vendor accepts: the recipe signs what this request's signature covers.".to_string());
    out
}

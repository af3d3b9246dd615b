//! Which scheme a request is, when no `-p` says: the schemes whose import finds a signature in
//! it, narrowed by how well each reads it, then by the vendor it names, then to the one standard.

use std::collections::BTreeMap;

use super::mapping::map;
use super::message::Imported;
use crate::sign::Recipe;

/// The schemes whose import finds a signature in a request, in catalog order.
pub fn recognize<'r>(recipes: &'r [Recipe], req: &Imported) -> Vec<&'r Recipe> {
    let found: Vec<(&Recipe, i64, usize)> = recipes
        .iter()
        .filter(|r| crate::request::mapping::could_carry_signature(r, req))
        .filter_map(|r| {
            let m = map(r, req, &BTreeMap::new());
            let signed = m.signature.as_ref().is_some_and(|s| !s.trim().is_empty());
            // How well the request fits the scheme: each input found where the scheme's import
            // looks counts for it, each one missing and each malformed carrier against it.
            let wanted = r.import.fields.len() as i64;
            let got = m.fields.len() as i64 + i64::from(m.body_captured);
            // A value the scheme cannot sign without (no default, not a time or nonce made
            // now) that the request does not give counts as a malformed carrier.
            let lacking = r
                .fields
                .iter()
                .filter(|f| f.default.is_none() && !f.kind.is_generated())
                .filter(|f| !m.fields.contains_key(&f.name) && m.looked.contains_key(&f.name))
                .count();
            signed.then_some((r, 2 * got - wanted, m.errors.len() + lacking))
        })
        .collect();
    // A scheme that finds its carrier malformed (Qiniu's pattern reading Azure's `SharedKey …`)
    // or lacks a value it needs (S3's AWSAccessKeyId in an OSS presigned URL) gives way to any
    // that reads the request cleanly.
    let clean = found.iter().any(|(_, _, errors)| *errors == 0);
    let found: Vec<(&Recipe, i64)> = found
        .into_iter()
        .filter(|(_, _, errors)| !clean || *errors == 0)
        .map(|(r, score, errors)| (r, score - errors as i64))
        .collect();
    if found.len() < 2 {
        return found.into_iter().map(|(r, _)| r).collect();
    }
    // Several carry a signature where this request has one: those whose import it fits best
    // (a Standard Webhooks request has webhook-id and webhook-timestamp too, a GoCardless one
    // not), then the one the request names, if exactly one is (GitHub and Meta both use
    // X-Hub-Signature-256; a GitHub request says X-GitHub-Event), else the one standard.
    let best = found.iter().map(|(_, score)| *score).max().unwrap_or(0);
    let fitting: Vec<&Recipe> = found
        .iter()
        .filter(|(_, score)| *score == best)
        .map(|(r, _)| *r)
        .collect();
    if fitting.len() == 1 {
        return fitting;
    }
    let named: Vec<&Recipe> = fitting.iter().copied().filter(|r| names(req, r)).collect();
    if named.len() == 1 {
        return named;
    }
    // No vendor named: a standard that fits as well is what the request is (a bare JWT is a
    // JWT, not Vonage's or Netlify's).
    let standard: Vec<&Recipe> = fitting
        .iter()
        .copied()
        .filter(|r| named.is_empty() && r.group == crate::sign::recipe::Group::Standard)
        .collect();
    if standard.len() == 1 {
        standard
    } else {
        fitting
    }
}

/// Whether a request names a scheme's vendor: its name's first word or its id's first part
/// (`github`, `meta`) in a header name or value or in the URL (`X-GitHub-Event`,
/// `User-Agent: GitHub-Hookshot`, `Host: api.htx.com`), or the host of the scheme's default URL.
fn names(req: &Imported, recipe: &Recipe) -> bool {
    let word = |t: &str| {
        t.split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
    };
    let tokens: Vec<String> = [word(&recipe.name), word(&recipe.id)]
        .into_iter()
        .flatten()
        .filter(|t| t.len() >= 3 && !matches!(t.as_str(), "standard" | "http" | "api" | "the"))
        .collect();
    let mut hay = req.url.to_ascii_lowercase();
    for (n, v) in &req.headers {
        hay.push('\n');
        hay.push_str(&n.to_ascii_lowercase());
        hay.push(':');
        hay.push_str(&v.to_ascii_lowercase());
    }
    let domain = |url: &str| -> Option<String> {
        let host = url.split("://").nth(1)?.split(['/', '?', ':']).next()?;
        let labels: Vec<&str> = host.split('.').collect();
        (labels.len() >= 2 && host != "example.com")
            .then(|| labels[labels.len() - 2..].join(".").to_ascii_lowercase())
    };
    let default_host = recipe
        .fields
        .iter()
        .filter(|f| f.kind == crate::sign::FieldKind::Url)
        .filter_map(|f| f.default.as_deref())
        .chain(recipe.example.fields.values().map(String::as_str))
        .filter_map(domain)
        .any(|d| domain(&req.url).is_some_and(|r| r == d));
    default_host || tokens.iter().any(|t| hay.contains(t.as_str()))
}

//! The search: every construction of up to four parts, joined by one separator, under every way
//! of keying a MAC or hash, compared with the digest a site carries. Prefixes are hashed once
//! and shared (a cloned state per step), so a part is fed once per place it takes.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use super::parts::Part;
use super::site::Site;
use crate::sign::digest::{Alg, Digester};

/// The separators a scheme joins its parts with, the commonest first.
pub const JOINERS: &[&str] = &[".", "", ":", "\n", "&", "|", ",", ";"];

/// The most parts a construction joins.
pub const MAX_PARTS: usize = 4;

/// How the key is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mac {
    Hmac,
    /// A plain hash of the key, then the parts (each joined as the parts are).
    KeyFirst,
    /// A plain hash of the parts, then the key.
    KeyLast,
    /// RSASSA-PKCS1-v1_5 under a public key: the plain hash of the parts is the digest the
    /// signature holds.
    RsaPkcs1,
    /// Ed25519 (`alg` SHA-512) or ECDSA (`alg` SHA-256 on P-256, SHA-384 on P-384) under a
    /// public key: each message verified.
    Verified,
}

/// How the key's text becomes the key's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyForm {
    Text,
    /// Base64-decoded after a prefix (`whsec_`; may be empty) is stripped.
    Base64 {
        strip: String,
        url_safe: bool,
    },
    Hex,
}

impl KeyForm {
    /// Words for the explanation.
    pub fn words(&self) -> String {
        match self {
            KeyForm::Text => "the key as text".to_string(),
            KeyForm::Base64 { strip, .. } if strip.is_empty() => {
                "the key base64-decoded".to_string()
            }
            KeyForm::Base64 { strip, .. } => format!("the key after `{strip}` base64-decoded"),
            KeyForm::Hex => "the key hex-decoded".to_string(),
        }
    }
}

/// One way of keying: the function, the key's use and form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct How {
    pub alg: Alg,
    pub mac: Mac,
    pub key: KeyForm,
    /// The key's bytes in this form.
    pub bytes: Vec<u8>,
}

/// A construction that gives a site's digest.
#[derive(Debug, Clone)]
pub struct Hit {
    pub site: usize,
    pub how: How,
    /// Indexes into the site's parts, in order.
    pub parts: Vec<usize>,
    pub joiner: &'static str,
}

/// Bounds of a search.
#[derive(Default, Clone, Copy)]
pub struct Limits<'a> {
    /// Constructions to try at most.
    pub max_candidates: usize,
    pub cancel: Option<&'a AtomicBool>,
    /// Constructions tried so far, for a progress display.
    pub progress: Option<&'a AtomicUsize>,
}

/// How a search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// A hit was accepted.
    Found,
    /// Every construction was tried.
    Exhausted,
    /// The candidate budget ran out.
    Budget,
    Cancelled,
}

/// The key forms a key's text may be in, the commonest first.
pub fn key_forms(key: &[u8]) -> Vec<(KeyForm, Vec<u8>)> {
    let mut out = vec![(KeyForm::Text, key.to_vec())];
    let Ok(text) = std::str::from_utf8(key) else {
        return out;
    };
    let text = text.trim();
    // A vendor prefix (`whsec_`) before base64.
    let stripped = text
        .find('_')
        .filter(|&i| (2..=10).contains(&i) && text[..i].bytes().all(|b| b.is_ascii_lowercase()))
        .map(|i| &text[..=i]);
    let mut tries: Vec<&str> = Vec::new();
    if let Some(p) = stripped {
        tries.push(p);
    }
    tries.push("");
    for strip in tries {
        let rest = &text[strip.len()..];
        let url_safe = rest.contains(['-', '_']);
        let engines = if url_safe {
            [&URL_SAFE, &URL_SAFE_NO_PAD]
        } else {
            [&STANDARD, &STANDARD_NO_PAD]
        };
        if let Some(bytes) = engines.iter().find_map(|e| e.decode(rest).ok())
            && bytes.len() >= 8
            && !out.iter().any(|(_, b)| *b == bytes)
        {
            out.push((
                KeyForm::Base64 {
                    strip: strip.to_string(),
                    url_safe,
                },
                bytes,
            ));
        }
    }
    if text.len() >= 16
        && text.len().is_multiple_of(2)
        && let Ok(bytes) = hex::decode(text)
    {
        out.push((KeyForm::Hex, bytes));
    }
    out
}

/// The ways of keying for a digest of `alg`, the commonest first.
pub fn hows(alg: Alg, key: &[u8]) -> Vec<How> {
    let mut out: Vec<How> = key_forms(key)
        .into_iter()
        .map(|(form, bytes)| How {
            alg,
            mac: Mac::Hmac,
            key: form,
            bytes,
        })
        .collect();
    for mac in [Mac::KeyLast, Mac::KeyFirst] {
        out.push(How {
            alg,
            mac,
            key: KeyForm::Text,
            bytes: key.to_vec(),
        });
    }
    out
}

/// Runs the search over `sites` (each with its parts), calling `accept` with each hit until
/// one is accepted. Returns how it ended and how many constructions were tried.
pub fn run(
    sites: &[(Site, Vec<Part>)],
    key: &[u8],
    limits: &Limits,
    accept: &mut dyn FnMut(&Hit) -> bool,
) -> (End, usize) {
    let hows: Vec<Vec<How>> = sites.iter().map(|(s, _)| hows(s.alg(), key)).collect();
    run_with(sites, &hows, limits, accept)
}

/// As [`run`], with the ways of keying of each site given.
pub fn run_with(
    sites: &[(Site, Vec<Part>)],
    hows: &[Vec<How>],
    limits: &Limits,
    accept: &mut dyn FnMut(&Hit) -> bool,
) -> (End, usize) {
    let mut state = State {
        tried: 0,
        limits,
        accept,
    };
    for depth in 1..=MAX_PARTS {
        for (index, (site, parts)) in sites.iter().enumerate() {
            if parts.len() < depth {
                continue;
            }
            for how in &hows[index] {
                // One part alone needs no separator, unless the key is joined to it.
                let joiners = if depth == 1 && matches!(how.mac, Mac::Hmac | Mac::RsaPkcs1) {
                    &JOINERS[..1]
                } else {
                    JOINERS
                };
                for joiner in joiners {
                    let start = match how.mac {
                        Mac::Hmac => Digester::hmac(how.alg, &how.bytes),
                        Mac::KeyFirst => {
                            let mut d = Digester::hash(how.alg);
                            d.update(&how.bytes);
                            d
                        }
                        Mac::KeyLast | Mac::RsaPkcs1 | Mac::Verified => Digester::hash(how.alg),
                    };
                    let mut walk = Walk {
                        site: index,
                        digest: &site.digest,
                        parts,
                        how,
                        joiner,
                        depth,
                        seq: Vec::with_capacity(depth),
                    };
                    if let Some(end) = walk.step(&mut state, &start, 0) {
                        return (end, state.tried);
                    }
                }
            }
        }
    }
    (End::Exhausted, state.tried)
}

struct State<'s, 'l> {
    tried: usize,
    limits: &'s Limits<'l>,
    accept: &'s mut dyn FnMut(&Hit) -> bool,
}

struct Walk<'w> {
    site: usize,
    digest: &'w [u8],
    parts: &'w [Part],
    how: &'w How,
    joiner: &'static str,
    depth: usize,
    seq: Vec<usize>,
}

impl Walk<'_> {
    /// Extends the construction at `level` with each unused part; returns when the search ends.
    fn step(&mut self, state: &mut State, prefix: &Digester, level: usize) -> Option<End> {
        for i in 0..self.parts.len() {
            let part = &self.parts[i];
            if self.seq.contains(&i) || (level > 0 && part.kind.first_only()) {
                continue;
            }
            if part.kind.first_only() && self.how.mac == Mac::KeyFirst {
                continue;
            }
            let mut d = prefix.clone();
            if level > 0 || self.how.mac == Mac::KeyFirst {
                d.update(self.joiner.as_bytes());
            }
            d.update(&part.bytes);
            self.seq.push(i);
            let end = if level + 1 == self.depth {
                self.finish(state, d)
            } else {
                self.step(state, &d, level + 1)
            };
            self.seq.pop();
            if end.is_some() {
                return end;
            }
        }
        None
    }

    fn finish(&self, state: &mut State, mut d: Digester) -> Option<End> {
        if self.how.mac == Mac::KeyLast {
            d.update(self.joiner.as_bytes());
            d.update(&self.how.bytes);
        }
        state.tried += 1;
        if state.tried.is_multiple_of(4096) {
            if let Some(p) = state.limits.progress {
                p.store(state.tried, Ordering::Relaxed);
            }
            if state
                .limits
                .cancel
                .is_some_and(|c| c.load(Ordering::Relaxed))
            {
                return Some(End::Cancelled);
            }
        }
        if d.finish() == self.digest {
            let hit = Hit {
                site: self.site,
                how: self.how.clone(),
                parts: self.seq.clone(),
                joiner: self.joiner,
            };
            if (state.accept)(&hit) {
                return Some(End::Found);
            }
        }
        (state.tried >= state.limits.max_candidates).then_some(End::Budget)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::parts::PartKind;
    use crate::learn::site::{Encoding, Place, Shape};
    use crate::sign::digest;

    fn site(digest: Vec<u8>) -> Site {
        Site {
            place: Place::Header("X-Sig".into()),
            shape: Shape::Whole,
            text: String::new(),
            digest,
            encoding: Encoding::Hex { upper: false },
            list_values: Vec::new(),
        }
    }

    fn part(text: &str, kind: PartKind) -> Part {
        Part {
            bytes: text.as_bytes().to_vec(),
            kind,
        }
    }

    fn limits() -> Limits<'static> {
        Limits {
            max_candidates: 10_000_000,
            cancel: None,
            progress: None,
        }
    }

    fn first_hit(sites: &[(Site, Vec<Part>)], key: &[u8]) -> Option<Hit> {
        let mut found = None;
        run(sites, key, &limits(), &mut |h| {
            found = Some(h.clone());
            true
        });
        found
    }

    #[test]
    fn finds_each_dimension() {
        let parts = vec![
            part("{\"a\":1}", PartKind::Body),
            part("1700000000", PartKind::Header("X-Timestamp".into())),
            part("POST", PartKind::Method),
            part("/hook", PartKind::Url(crate::sign::form::UrlPart::Path)),
            part("v0", PartKind::Literal("v0".into())),
        ];
        // HMAC-SHA256 over v0:timestamp:body (Slack's shape).
        let mac = digest::hmac(Alg::Sha256, b"k", b"v0:1700000000:{\"a\":1}");
        let hit = first_hit(&[(site(mac), parts.clone())], b"k").expect("found");
        assert_eq!(hit.parts, vec![4, 1, 0]);
        assert_eq!(hit.joiner, ":");
        // Four parts joined by a newline, SHA-1, the key hex-decoded.
        let key = b"00112233445566778899aabbccddeeff";
        let raw = hex::decode(key).unwrap();
        let mac = digest::hmac(Alg::Sha1, &raw, b"POST\n/hook\n1700000000\n{\"a\":1}");
        let hit = first_hit(&[(site(mac), parts.clone())], key).expect("found");
        assert_eq!(hit.how.key, KeyForm::Hex);
        assert_eq!(hit.parts, vec![2, 3, 1, 0]);
        // The key base64-decoded after whsec_.
        let key = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let raw = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let mac = digest::hmac(Alg::Sha512, &raw, b"1700000000.{\"a\":1}");
        let hit = first_hit(&[(site(mac), parts.clone())], key).expect("found");
        assert_eq!(
            hit.how.key,
            KeyForm::Base64 {
                strip: "whsec_".into(),
                url_safe: false
            }
        );
        // A plain MD5 of body, timestamp, key with nothing between (Cloudinary's shape).
        let d = digest::hash(Alg::Md5, b"{\"a\":1}1700000000secret");
        let hit = first_hit(&[(site(d), parts.clone())], b"secret").expect("found");
        assert_eq!(hit.how.mac, Mac::KeyLast);
        assert_eq!(hit.parts, vec![0, 1]);
        // And the key first.
        let d = digest::hash(Alg::Sha256, b"secret|POST");
        let hit = first_hit(&[(site(d), parts.clone())], b"secret").expect("found");
        assert_eq!((hit.how.mac, hit.joiner), (Mac::KeyFirst, "|"));
    }

    #[test]
    fn random_bytes_end_exhausted_within_the_budget_and_a_refused_hit_goes_on() {
        let parts = vec![
            part("body", PartKind::Body),
            part("1", PartKind::Header("A".into())),
            part("2", PartKind::Header("B".into())),
            part("GET", PartKind::Method),
        ];
        let (end, tried) = run(
            &[(site(vec![7; 32]), parts.clone())],
            b"k",
            &limits(),
            &mut |_| true,
        );
        assert_eq!(end, End::Exhausted);
        assert!(tried > 1000, "{tried}");
        let small = Limits {
            max_candidates: 100,
            ..limits()
        };
        let (end, tried) = run(
            &[(site(vec![7; 32]), parts.clone())],
            b"k",
            &small,
            &mut |_| true,
        );
        assert_eq!((end, tried), (End::Budget, 100));
        // Refusing the hit (it does not verify a second request) goes on to the end.
        let mac = digest::hmac(Alg::Sha256, b"k", b"body");
        let mut seen = 0;
        let (end, _) = run(&[(site(mac), parts)], b"k", &limits(), &mut |_| {
            seen += 1;
            false
        });
        assert_eq!((end, seen), (End::Exhausted, 1));
    }

    #[test]
    fn key_forms_of_common_secrets() {
        let forms: Vec<KeyForm> = key_forms(b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(forms[0], KeyForm::Text);
        assert!(forms.contains(&KeyForm::Base64 {
            strip: "whsec_".into(),
            url_safe: false
        }));
        assert_eq!(key_forms(b"It's a Secret to Everybody").len(), 1);
    }
}

//! The search under a public key: Ed25519 and ECDSA signatures are verified over each
//! candidate message (up to three parts: a verification costs far more than a hash); an RSA
//! PKCS#1 v1.5 signature gives up the digest it signs once (`s^e mod n`), so the fast search of
//! plain hashes finds its message.

use std::sync::atomic::Ordering;

use signature::Verifier;

use super::parts::Part;
use super::search::{End, Hit, How, JOINERS, KeyForm, Limits, Mac};
use super::site::{Site, alg_of};
use crate::sign::digest::Alg;
use crate::sign::pubkey::{Family, Key, Material};

/// The most parts a verified construction joins.
pub const MAX_VERIFIED_PARTS: usize = 3;

/// Whether a signature of `len` bytes can be the key's: Ed25519's 64, ECDSA's raw r‖s or DER,
/// RSA's modulus length.
pub fn length_fits(key: &Key, len: usize) -> bool {
    match key.family() {
        Family::Ed25519 => len == 64,
        Family::P256 => len == 64 || (68..=72).contains(&len),
        Family::P384 => len == 96 || (100..=104).contains(&len),
        Family::Rsa => {
            rsa_public(key).is_some_and(|k| rsa::traits::PublicKeyParts::size(&k) == len)
        }
    }
}

fn rsa_public(key: &Key) -> Option<rsa::RsaPublicKey> {
    match &key.material {
        Material::RsaPublic(k) => Some(k.clone()),
        Material::RsaPrivate(k) => Some(k.to_public_key()),
        _ => None,
    }
}

/// The digest an RSASSA-PKCS1-v1_5 signature signs (`s^e mod n`, then `00 01 FF… 00` and the
/// DigestInfo), when it is one: a public operation on public values.
pub fn rsa_digest(key: &Key, sig: &[u8]) -> Option<Vec<u8>> {
    use rsa::traits::PublicKeyParts;
    let pk = rsa_public(key)?;
    let k = pk.size();
    if sig.len() != k {
        return None;
    }
    let m = rsa::BigUint::from_bytes_be(sig).modpow(pk.e(), pk.n());
    let bytes = m.to_bytes_be();
    if bytes.len() > k {
        return None;
    }
    let mut em = vec![0u8; k - bytes.len()];
    em.extend_from_slice(&bytes);
    if em.len() < 11 || em[0] != 0 || em[1] != 1 {
        return None;
    }
    let end = 2 + em[2..].iter().position(|&b| b != 0xff)?;
    if end < 10 || em[end] != 0 {
        return None;
    }
    let info = &em[end + 1..];
    [20, 32, 48, 64].into_iter().find_map(|l| {
        let n = info.len();
        (n > l + 2 && info[n - l - 1] == l as u8 && info[n - l - 2] == 0x04)
            .then(|| info[n - l..].to_vec())
    })
}

/// Whether `sig` is the key's Ed25519 or ECDSA signature of `message` (ECDSA with SHA-256 on
/// P-256 and SHA-384 on P-384; the signature raw r‖s or DER).
pub fn verifies(key: &Key, message: &[u8], sig: &[u8]) -> bool {
    macro_rules! ecdsa {
        ($curve:ident, $vk:expr) => {{
            let parsed = $curve::ecdsa::Signature::from_slice(sig)
                .or_else(|_| $curve::ecdsa::Signature::from_der(sig));
            parsed.is_ok_and(|s| $vk.verify(message, &s).is_ok())
        }};
    }
    match &key.material {
        Material::Ed25519Public(k) => {
            ed25519_dalek::Signature::from_slice(sig).is_ok_and(|s| k.verify(message, &s).is_ok())
        }
        Material::Ed25519Private(k) => ed25519_dalek::Signature::from_slice(sig)
            .is_ok_and(|s| k.verifying_key().verify(message, &s).is_ok()),
        Material::P256Public(k) => ecdsa!(p256, k),
        Material::P256Private(k) => ecdsa!(p256, k.verifying_key()),
        Material::P384Public(k) => ecdsa!(p384, k),
        Material::P384Private(k) => ecdsa!(p384, k.verifying_key()),
        Material::RsaPublic(_) | Material::RsaPrivate(_) => false,
    }
}

/// The way of keying for a key's signatures: verified (Ed25519, ECDSA), or the plain hash an
/// RSA signature holds.
pub fn how(key: &Key, digest_len: usize) -> How {
    let (alg, mac) = match key.family() {
        Family::Ed25519 => (Alg::Sha512, Mac::Verified),
        Family::P256 => (Alg::Sha256, Mac::Verified),
        Family::P384 => (Alg::Sha384, Mac::Verified),
        Family::Rsa => (alg_of(digest_len).unwrap_or(Alg::Sha256), Mac::RsaPkcs1),
    };
    How {
        alg,
        mac,
        key: KeyForm::Text,
        bytes: Vec::new(),
    }
}

/// Verifies every construction of up to [`MAX_VERIFIED_PARTS`] parts under one separator with
/// the key, calling `accept` with each that verifies until one is accepted.
pub fn run_verified(
    sites: &[(Site, Vec<Part>)],
    key: &Key,
    limits: &Limits,
    accept: &mut dyn FnMut(&Hit) -> bool,
) -> (End, usize) {
    let mut tried = 0;
    for depth in 1..=MAX_VERIFIED_PARTS {
        for (index, (site, parts)) in sites.iter().enumerate() {
            if parts.len() < depth {
                continue;
            }
            let joiners = if depth == 1 { &JOINERS[..1] } else { JOINERS };
            for joiner in joiners {
                let mut walk = Verify {
                    index,
                    site,
                    parts,
                    key,
                    joiner,
                    depth,
                    seq: Vec::new(),
                    message: Vec::new(),
                };
                if let Some(end) = walk.step(&mut tried, limits, accept, 0) {
                    return (end, tried);
                }
            }
        }
    }
    (End::Exhausted, tried)
}

struct Verify<'v> {
    index: usize,
    site: &'v Site,
    parts: &'v [Part],
    key: &'v Key,
    joiner: &'static str,
    depth: usize,
    seq: Vec<usize>,
    message: Vec<u8>,
}

impl Verify<'_> {
    fn step(
        &mut self,
        tried: &mut usize,
        limits: &Limits,
        accept: &mut dyn FnMut(&Hit) -> bool,
        level: usize,
    ) -> Option<End> {
        for i in 0..self.parts.len() {
            let part = &self.parts[i];
            if self.seq.contains(&i) || (level > 0 && part.kind.first_only()) {
                continue;
            }
            let mark = self.message.len();
            if level > 0 {
                self.message.extend_from_slice(self.joiner.as_bytes());
            }
            self.message.extend_from_slice(&part.bytes);
            self.seq.push(i);
            let end = if level + 1 == self.depth {
                *tried += 1;
                if tried.is_multiple_of(256) {
                    if let Some(p) = limits.progress {
                        p.store(*tried, Ordering::Relaxed);
                    }
                    if limits.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                        return Some(End::Cancelled);
                    }
                }
                if verifies(self.key, &self.message, &self.site.digest) {
                    let hit = Hit {
                        site: self.index,
                        how: how(self.key, 0),
                        parts: self.seq.clone(),
                        joiner: self.joiner,
                    };
                    if accept(&hit) {
                        return Some(End::Found);
                    }
                }
                (*tried >= limits.max_candidates).then_some(End::Budget)
            } else {
                self.step(tried, limits, accept, level + 1)
            };
            self.seq.pop();
            self.message.truncate(mark);
            if end.is_some() {
                return end;
            }
        }
        None
    }
}

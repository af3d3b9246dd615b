//! `rsa = "sha1" | "sha256" | "sha384" | "sha512"` (the hash), `padding = "pkcs1" | "pss"`,
//! `message = T`, `key = T`, `encoding = "base64" | "base64url" | "hex"`: an RSA signature,
//! RSASSA-PKCS1-v1_5 or RSASSA-PSS (salt as long as the hash, MGF1 with the same hash). With the
//! signature received each one it holds is verified with the public key (a PEM, a certificate,
//! a JWK …); without one, a private key signs. PSS salts are random by the standard; here the
//! salt is drawn from a generator seeded with the message and the public key, so that signing
//! stays a pure function (any salt verifies). AWS SNS, PayPal, Alipay, WeChat Pay and RS256 JWTs
//! sign so.
//!
//! Signing uses the `rsa` crate's private-key operation, which RUSTSEC-2023-0071 (Marvin) says
//! leaks timing: sigscope signs only on the user's own machine, with test or their own keys, and
//! never as a service that answers others; verifying uses only the public key.

use std::sync::Arc;

use rand_chacha::rand_core::SeedableRng;
use sha2::Digest;
use signature::{RandomizedSigner, SignatureEncoding, Signer, Verifier};

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::pubkey::{
    ENCODING, Family, KID_FROM, Key, KeyAt, Material, PkKind, SigText, eval_stage,
};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "rsa",
    summary: "an RSA signature (PKCS#1 v1.5 or PSS): each received one verified with the public key, or one made with the private key",
    main: ArgSpec::required("rsa", Kind::Words(Hash::WORDS), "the hash of the message"),
    args: &[
        ArgSpec::required("message", Kind::Template, "the message"),
        ArgSpec::required(
            "key",
            Kind::Template,
            "the key (PEM, DER, certificate or JWK)",
        ),
        ArgSpec::optional(
            "padding",
            Kind::Words(Padding::WORDS),
            "pkcs1",
            "RSASSA-PKCS1-v1_5 or RSASSA-PSS",
        ),
        ENCODING,
        KID_FROM,
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Rsa {
            hash: a.main()?,
            message: a.get("message")?,
            key: a.get("key")?,
            padding: a.get("padding")?,
            encoding: a.get("encoding")?,
            kid_from: a.get("kid_from")?,
        }))
    },
    vectors: &[Vector {
        // RFC 9421 section 4.3: the proxy's signature (rsa-v1_5-sha256 with the key of appendix
        // B.1.1, test-key-rsa) over the signature base the section prints.
        stage: "rsa = \"sha256\"\nmessage = \"{body}\"\nkey = \"{key}\"",
        key: include_str!("rsa_rfc9421_test_key_rsa.pem"),
        body: include_str!("rsa_rfc9421_4_3.msg"),
        expected: Expected::Text(
            "S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==",
        ),
        source: "RFC 9421, section 4.3 (proxy_sig, test-key-rsa of appendix B.1.1)",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "rsa",
    &["hash", "message", "key", "pss", "encoding", "kid_from"],
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}
crate::arg_words!(Hash, {
    "sha1" => Hash::Sha1,
    "sha256" => Hash::Sha256,
    "sha384" => Hash::Sha384,
    "sha512" => Hash::Sha512,
});

impl Hash {
    fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Padding {
    Pkcs1,
    Pss,
}
crate::arg_words!(Padding, { "pkcs1" => Padding::Pkcs1, "pss" => Padding::Pss });

#[derive(Debug)]
struct Rsa {
    hash: Param<Hash>,
    message: Param<Template>,
    key: Param<Template>,
    padding: Param<Padding>,
    encoding: Param<SigText>,
    kid_from: Param<Template>,
}

fn public(key: &Key) -> Option<rsa::RsaPublicKey> {
    match &key.material {
        Material::RsaPublic(k) => Some(k.clone()),
        Material::RsaPrivate(k) => Some(k.to_public_key()),
        _ => None,
    }
}

fn verify_with<D>(pk: rsa::RsaPublicKey, pss: bool, message: &[u8], sig: &[u8]) -> bool
where
    D: Digest + const_oid::AssociatedOid + digest::FixedOutputReset,
{
    if pss {
        let Ok(sig) = rsa::pss::Signature::try_from(sig) else {
            return false;
        };
        rsa::pss::VerifyingKey::<D>::new(pk)
            .verify(message, &sig)
            .is_ok()
    } else {
        let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig) else {
            return false;
        };
        rsa::pkcs1v15::VerifyingKey::<D>::new(pk)
            .verify(message, &sig)
            .is_ok()
    }
}

fn sign_with<D>(sk: &rsa::RsaPrivateKey, pss: bool, message: &[u8]) -> Result<Vec<u8>, String>
where
    D: Digest + const_oid::AssociatedOid + digest::FixedOutputReset,
{
    if pss {
        // A salt from a generator seeded with the message and the public key: pure, and any
        // salt verifies.
        let mut seed = sha2::Sha256::new();
        seed.update(message);
        seed.update(rsa::traits::PublicKeyParts::n(sk).to_bytes_be());
        let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed.finalize().into());
        rsa::pss::SigningKey::<D>::new(sk.clone())
            .try_sign_with_rng(&mut rng, message)
            .map(|s| s.to_vec())
            .map_err(|e| e.to_string())
    } else {
        rsa::pkcs1v15::SigningKey::<D>::new(sk.clone())
            .try_sign(message)
            .map(|s| s.to_vec())
            .map_err(|e| e.to_string())
    }
}

impl Primitive for Rsa {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![
            self.key.get(sel),
            self.message.get(sel),
            self.kid_from.get(sel),
        ]
    }

    fn public_key(&self) -> bool {
        true
    }

    fn keys(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.key.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let message = scope.render(self.message.get(sel))?;
        let hash = *self.hash.get(sel);
        let pss = *self.padding.get(sel) == Padding::Pss;
        let algorithm = format!(
            "RSASSA-{} {}",
            if pss { "PSS" } else { "PKCS1-v1_5" },
            hash.name()
        );
        eval_stage(
            scope,
            KeyAt {
                key: self.key.get(sel),
                kid_from: self.kid_from.get(sel),
            },
            &message.bytes,
            PkKind {
                algorithm,
                text: *self.encoding.get(sel),
                families: &[Family::Rsa],
            },
            |key, message, sig| {
                let pk = public(key).ok_or("is not for an RSA key")?;
                let size = rsa::traits::PublicKeyParts::size(&pk);
                if sig.len() != size {
                    return Err(format!(
                        "is {} bytes where this {}-bit key's are {size}",
                        sig.len(),
                        size * 8
                    ));
                }
                let ok = match hash {
                    Hash::Sha1 => verify_with::<sha1::Sha1>(pk, pss, message, sig),
                    Hash::Sha256 => verify_with::<sha2::Sha256>(pk, pss, message, sig),
                    Hash::Sha384 => verify_with::<sha2::Sha384>(pk, pss, message, sig),
                    Hash::Sha512 => verify_with::<sha2::Sha512>(pk, pss, message, sig),
                };
                if ok {
                    Ok(String::new())
                } else {
                    Err("does not verify".into())
                }
            },
            |key, message| {
                let Material::RsaPrivate(sk) = &key.material else {
                    return Err("is not an RSA private key".into());
                };
                match hash {
                    Hash::Sha1 => sign_with::<sha1::Sha1>(sk, pss, message),
                    Hash::Sha256 => sign_with::<sha2::Sha256>(sk, pss, message),
                    Hash::Sha384 => sign_with::<sha2::Sha384>(sk, pss, message),
                    Hash::Sha512 => sign_with::<sha2::Sha512>(sk, pss, message),
                }
            },
        )
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "RSASSA-{} {} signature of {} ({}), verified with the public key or made with the private one",
            match self.padding.get(sel) {
                Padding::Pkcs1 => "PKCS1-v1_5",
                Padding::Pss => "PSS",
            },
            self.hash.get(sel).name(),
            name_of(self.message.get(sel)),
            self.encoding.get(sel).name()
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Text(self.hash.get(sel).name().to_lowercase().replace('-', "")),
                Arg::Bytes(self.message.get(sel).clone()),
                Arg::Bytes(self.key.get(sel).clone()),
                Arg::Bool(*self.padding.get(sel) == Padding::Pss),
                Arg::Text(self.encoding.get(sel).name().to_string()),
                Arg::Bytes(self.kid_from.get(sel).clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_received, fixed};
    use crate::sign::pubkey::NOT_VERIFIED;

    fn stage(padding: Padding, hash: Hash) -> Rsa {
        Rsa {
            hash: Param::Fixed(hash),
            message: fixed("{body}"),
            key: fixed("{key}"),
            padding: Param::Fixed(padding),
            encoding: Param::Fixed(SigText::Base64),
            kid_from: fixed(""),
        }
    }

    const KEY: &str = include_str!("rsa_rfc9421_test_key_rsa.pem");
    const BASE: &str = include_str!("rsa_rfc9421_4_3.msg");

    #[test]
    fn a_pss_signature_made_here_verifies_and_not_as_pkcs1_nor_with_another_hash() {
        let made = eval_received(
            &stage(Padding::Pss, Hash::Sha512),
            &[("key", KEY.as_bytes()), ("body", BASE.as_bytes())],
            &[],
        )
        .unwrap();
        let sig = String::from_utf8(made.bytes).unwrap();
        let verify = |p, h| {
            eval_received(
                &stage(p, h),
                &[("key", KEY.as_bytes()), ("body", BASE.as_bytes())],
                std::slice::from_ref(&sig),
            )
            .unwrap()
            .bytes
        };
        assert_eq!(verify(Padding::Pss, Hash::Sha512), sig.as_bytes());
        assert_eq!(
            verify(Padding::Pkcs1, Hash::Sha512),
            NOT_VERIFIED.as_bytes()
        );
        assert_eq!(verify(Padding::Pss, Hash::Sha256), NOT_VERIFIED.as_bytes());
    }

    #[test]
    fn a_signature_of_the_wrong_length_says_the_key_size() {
        let out = eval_received(
            &stage(Padding::Pkcs1, Hash::Sha256),
            &[("key", KEY.as_bytes()), ("body", BASE.as_bytes())],
            &["AAAA".to_string()],
        )
        .unwrap();
        let how = out.how.unwrap();
        assert!(
            how.contains("3 bytes where this 2048-bit key's are 256"),
            "{how}"
        );
    }
}

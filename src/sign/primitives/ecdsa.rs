//! `ecdsa = "sha256" | "sha384"` (the hash), `message = T`, `key = T`,
//! `encoding = "base64" | "base64url" | "hex"`, `form = "der" | "raw"`: an ECDSA signature on
//! P-256 or P-384 (the curve is the key's). With the signature received each one it holds is
//! verified, in DER or in raw `r‖s` (the trace says which it found, and a high S, which some
//! verifiers refuse); without one, a private key signs (RFC 6979: the same message gives the same
//! signature) in `form`. SendGrid signs its events so; ES256 and ES384 JWTs in raw form.

use std::sync::Arc;

use sha2::Digest;
use signature::hazmat::{PrehashSigner, PrehashVerifier};

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::pubkey::{
    ENCODING, Family, KID_FROM, KeyAt, Material, PkKind, SigText, eval_stage,
};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "ecdsa",
    summary: "an ECDSA signature on P-256 or P-384: each received one (DER or raw r‖s) verified with the public key, or one made with the private key (RFC 6979)",
    main: ArgSpec::required("ecdsa", Kind::Words(Hash::WORDS), "the hash of the message"),
    args: &[
        ArgSpec::required("message", Kind::Template, "the message"),
        ArgSpec::required("key", Kind::Template, "the key (PEM, DER or JWK)"),
        ENCODING,
        KID_FROM,
        ArgSpec::optional(
            "form",
            Kind::Words(Form::WORDS),
            "der",
            "the signature's form when signing (verifying reads either)",
        ),
        ArgSpec::optional(
            "curve",
            Kind::Words(Curve::WORDS),
            "any",
            "the curve the key must be on (ES256: p256), or any",
        ),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Ecdsa {
            hash: a.main()?,
            message: a.get("message")?,
            key: a.get("key")?,
            encoding: a.get("encoding")?,
            kid_from: a.get("kid_from")?,
            form: a.get("form")?,
            curve: a.get("curve")?,
        }))
    },
    vectors: &[Vector {
        // RFC 6979 appendix A.2.5: P-256, SHA-256, the message "sample"; the private key x as a
        // JWK's `d`; the signature r‖s.
        stage: "ecdsa = \"sha256\"\nmessage = \"{body}\"\nkey = \"{key}\"\nencoding = \"hex\"\nform = \"raw\"",
        key: r#"{"kty":"EC","crv":"P-256","d":"ya-p2EW6dRZrXCFXZ7HWk05Qw9s26JsSe4piKxIPZyE"}"#,
        body: "sample",
        expected: Expected::Text(
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
        ),
        source: "RFC 6979, appendix A.2.5 (P-256, SHA-256, \"sample\")",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "ecdsa",
    &["hash", "message", "key", "encoding", "raw", "kid_from"],
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha384,
}
crate::arg_words!(Hash, { "sha256" => Hash::Sha256, "sha384" => Hash::Sha384 });

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Curve {
    Any,
    P256,
    P384,
}
crate::arg_words!(Curve, { "any" => Curve::Any, "p256" => Curve::P256, "p384" => Curve::P384 });

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Der,
    Raw,
}
crate::arg_words!(Form, { "der" => Form::Der, "raw" => Form::Raw });

#[derive(Debug)]
struct Ecdsa {
    hash: Param<Hash>,
    message: Param<Template>,
    key: Param<Template>,
    encoding: Param<SigText>,
    kid_from: Param<Template>,
    form: Param<Form>,
    curve: Param<Curve>,
}

/// Verifies on one curve: the signature read as raw r‖s when it is exactly that long, else as
/// DER; what it found, in words.
macro_rules! verify_on {
    ($curve:ident, $vk:expr, $prehash:expr, $sig:expr) => {{
        let (sig, found) = match $curve::ecdsa::Signature::from_slice($sig) {
            Ok(s) => (s, "raw r‖s"),
            Err(_) => match $curve::ecdsa::Signature::from_der($sig) {
                Ok(s) => (s, "DER"),
                Err(_) => {
                    return Err(format!(
                        "is neither DER nor raw r‖s for {}",
                        stringify!($curve)
                    ));
                }
            },
        };
        let high = sig.normalize_s().is_some();
        let (r, s) = sig.split_bytes();
        let words = format!(
            ", {found}: r = {}, s = {}{}",
            hex::encode(r),
            hex::encode(s),
            if high {
                ", high S (some verifiers refuse it)"
            } else {
                ""
            }
        );
        match $vk.verify_prehash($prehash, &sig) {
            Ok(()) => Ok(words),
            Err(_) => Err(format!("({}) does not verify", &words[2..])),
        }
    }};
}

impl Primitive for Ecdsa {
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
        let prehash = match hash {
            Hash::Sha256 => sha2::Sha256::digest(&message.bytes).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(&message.bytes).to_vec(),
        };
        let form = *self.form.get(sel);
        let algorithm = format!(
            "ECDSA-{}",
            match hash {
                Hash::Sha256 => "SHA256",
                Hash::Sha384 => "SHA384",
            }
        );
        let families: &[Family] = match self.curve.get(sel) {
            Curve::Any => &[Family::P256, Family::P384],
            Curve::P256 => &[Family::P256],
            Curve::P384 => &[Family::P384],
        };
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
                families,
            },
            |key, _message, sig| match &key.material {
                Material::P256Public(k) => verify_on!(p256, k, &prehash, sig),
                Material::P256Private(k) => verify_on!(p256, k.verifying_key(), &prehash, sig),
                Material::P384Public(k) => verify_on!(p384, k, &prehash, sig),
                Material::P384Private(k) => verify_on!(p384, k.verifying_key(), &prehash, sig),
                _ => Err("is not for an EC key".into()),
            },
            |key, _message| {
                let (der, raw) = match &key.material {
                    Material::P256Private(k) => {
                        let s: p256::ecdsa::Signature =
                            k.sign_prehash(&prehash).map_err(|e| e.to_string())?;
                        (s.to_der().as_bytes().to_vec(), s.to_bytes().to_vec())
                    }
                    Material::P384Private(k) => {
                        let s: p384::ecdsa::Signature =
                            k.sign_prehash(&prehash).map_err(|e| e.to_string())?;
                        (s.to_der().as_bytes().to_vec(), s.to_bytes().to_vec())
                    }
                    _ => return Err("is not an EC private key".into()),
                };
                Ok(if form == Form::Der { der } else { raw })
            },
        )
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "ECDSA-{} signature of {} ({}, {}), verified with the public key or made with the private one",
            match self.hash.get(sel) {
                Hash::Sha256 => "SHA256",
                Hash::Sha384 => "SHA384",
            },
            name_of(self.message.get(sel)),
            match self.form.get(sel) {
                Form::Der => "DER",
                Form::Raw => "raw r‖s",
            },
            self.encoding.get(sel).name()
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Text(
                    match self.hash.get(sel) {
                        Hash::Sha256 => "sha256",
                        Hash::Sha384 => "sha384",
                    }
                    .to_string(),
                ),
                Arg::Bytes(self.message.get(sel).clone()),
                Arg::Bytes(self.key.get(sel).clone()),
                Arg::Text(self.encoding.get(sel).name().to_string()),
                Arg::Bool(*self.form.get(sel) == Form::Raw),
                Arg::Bytes(self.kid_from.get(sel).clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_received, fixed};

    fn stage(form: Form) -> Ecdsa {
        Ecdsa {
            hash: Param::Fixed(Hash::Sha256),
            message: fixed("{body}"),
            key: fixed("{key}"),
            encoding: Param::Fixed(SigText::Hex),
            kid_from: fixed(""),
            form: Param::Fixed(form),
            curve: Param::Fixed(Curve::Any),
        }
    }

    // RFC 6979 appendix A.2.5: the P-256 key pair, and the signature of "sample" with SHA-256,
    // whose s is above n/2 (a high S).
    const PUBLIC: &str = r#"{"kty":"EC","crv":"P-256","x":"YP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Y","y":"eQP-EAi4vJmkGunpVii8ZPLxsgwtfp9Rd6PClNRGIpk"}"#;
    const PRIVATE: &str =
        r#"{"kty":"EC","crv":"P-256","d":"ya-p2EW6dRZrXCFXZ7HWk05Qw9s26JsSe4piKxIPZyE"}"#;
    const SAMPLE: &str = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

    #[test]
    fn rfc6979_raw_signature_verifies_and_its_high_s_is_noted() {
        let out = eval_received(
            &stage(Form::Raw),
            &[("key", PUBLIC.as_bytes()), ("body", b"sample")],
            &[SAMPLE.to_string()],
        )
        .unwrap();
        assert_eq!(out.bytes, SAMPLE.as_bytes());
        let how = out.how.unwrap();
        assert!(how.contains("raw r‖s") && how.contains("high S"), "{how}");
    }

    #[test]
    fn a_der_signature_made_with_the_private_key_verifies_as_der() {
        let made = eval_received(
            &stage(Form::Der),
            &[("key", PRIVATE.as_bytes()), ("body", b"sample")],
            &[],
        )
        .unwrap();
        let text = String::from_utf8(made.bytes).unwrap();
        assert!(text.starts_with("30"), "DER begins with a SEQUENCE: {text}");
        let out = eval_received(
            &stage(Form::Raw),
            &[("key", PUBLIC.as_bytes()), ("body", b"sample")],
            std::slice::from_ref(&text),
        )
        .unwrap();
        assert_eq!(out.bytes, text.as_bytes());
        assert!(out.how.unwrap().contains(", DER"));
    }

    #[test]
    fn a_key_of_another_curve_is_one_sentence() {
        // ES256 needs a P-256 key: RFC 6979's P-256 key where P-384 is asked for.
        let es384 = Ecdsa {
            curve: Param::Fixed(Curve::P384),
            ..stage(Form::Raw)
        };
        let e = eval_received(
            &es384,
            &[("key", PUBLIC.as_bytes()), ("body", b"sample")],
            &[SAMPLE.to_string()],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("ECDSA P-256 public key") && e.contains("needs ECDSA P-384"),
            "{e}"
        );
    }

    #[test]
    fn a_key_of_another_kind_is_one_sentence() {
        let ed25519 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
        let e = eval_received(
            &stage(Form::Der),
            &[("key", ed25519.as_bytes()), ("body", b"sample")],
            &[SAMPLE.to_string()],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("Ed25519 public key") && e.contains("needs ECDSA P-256"),
            "{e}"
        );
        assert!(!e.contains('\n'));
    }
}

//! `ed25519 = T` (the message), `key = T`, `encoding = "base64" | "base64url" | "hex"`: an
//! Ed25519 signature (RFC 8032). With the signature received (verify, diagnose, listen) each
//! one it holds is verified with the public key (or a private key's public half) and the stage
//! is the one that verifies, exactly as received, or `(not verified)`; without one, a private key
//! signs. Discord and Telnyx sign their webhooks so.

use std::sync::Arc;

use ed25519_dalek::{Signer, Verifier};

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::pubkey::{
    ENCODING, Family, KID_FROM, KeyAt, Material, PkKind, SigText, eval_stage,
};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "ed25519",
    summary: "an Ed25519 signature: each received one verified with the public key (the stage is the one that verifies, or `(not verified)`), or one made with the private key",
    main: ArgSpec::required("ed25519", Kind::Template, "the message"),
    args: &[
        ArgSpec::required(
            "key",
            Kind::Template,
            "the key (PEM, DER, JWK, or 32 bytes in hex or base64)",
        ),
        ENCODING,
        KID_FROM,
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Ed25519 {
            message: a.main()?,
            key: a.get("key")?,
            encoding: a.get("encoding")?,
            kid_from: a.get("kid_from")?,
        }))
    },
    vectors: &[Vector {
        // RFC 8032 section 7.1, TEST 2: the secret key as a JWK's `d`, the message 0x72.
        stage: "ed25519 = \"{body}\"\nkey = \"{key}\"\nencoding = \"hex\"",
        key: r#"{"kty":"OKP","crv":"Ed25519","d":"TM0Imyj_ltqdtsNG7BFOD1uKMZ81q6Yk2oz27U-4pvs"}"#,
        body: "r",
        expected: Expected::Text(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        source: "RFC 8032, section 7.1, TEST 2",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("ed25519", &["message", "key", "encoding", "kid_from"]);

#[derive(Debug)]
struct Ed25519 {
    message: Param<Template>,
    key: Param<Template>,
    encoding: Param<SigText>,
    kid_from: Param<Template>,
}

impl Primitive for Ed25519 {
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
        eval_stage(
            scope,
            KeyAt {
                key: self.key.get(sel),
                kid_from: self.kid_from.get(sel),
            },
            &message.bytes,
            PkKind {
                algorithm: "Ed25519".into(),
                text: *self.encoding.get(sel),
                families: &[Family::Ed25519],
            },
            |key, message, sig| {
                let sig = ed25519_dalek::Signature::from_slice(sig)
                    .map_err(|_| format!("is {} bytes where Ed25519's are 64", sig.len()))?;
                let ok = match &key.material {
                    Material::Ed25519Public(k) => k.verify(message, &sig).is_ok(),
                    Material::Ed25519Private(k) => k.verifying_key().verify(message, &sig).is_ok(),
                    _ => false,
                };
                if ok {
                    Ok(String::new())
                } else {
                    Err("does not verify".into())
                }
            },
            |key, message| match &key.material {
                Material::Ed25519Private(k) => Ok(k.sign(message).to_bytes().to_vec()),
                _ => Err("is not an Ed25519 private key".into()),
            },
        )
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "Ed25519 signature of {} ({}), verified with the public key or made with the private one",
            name_of(self.message.get(sel)),
            self.encoding.get(sel).name()
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.message.get(sel).clone()),
                Arg::Bytes(self.key.get(sel).clone()),
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

    fn stage() -> Ed25519 {
        Ed25519 {
            message: fixed("{body}"),
            key: fixed("{key}"),
            encoding: Param::Fixed(SigText::Hex),
            kid_from: fixed(""),
        }
    }

    // RFC 8032 section 7.1, TEST 1: the public key, the empty message and its signature.
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const SIGNATURE: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    #[test]
    fn rfc8032_test_1_verifies_with_the_public_key_and_a_changed_byte_does_not() {
        let out = eval_received(
            &stage(),
            &[("key", PUBLIC.as_bytes()), ("body", b"")],
            &[SIGNATURE.to_string()],
        )
        .unwrap();
        assert_eq!(out.bytes, SIGNATURE.as_bytes());
        assert!(out.how.unwrap().contains("Ed25519 verified"));
        let out = eval_received(
            &stage(),
            &[("key", PUBLIC.as_bytes()), ("body", b"x")],
            &[SIGNATURE.to_string()],
        )
        .unwrap();
        assert_eq!(out.bytes, NOT_VERIFIED.as_bytes());
        assert!(out.how.unwrap().contains("does not verify"));
    }

    #[test]
    fn a_public_key_cannot_sign_and_a_short_signature_is_named() {
        let e = eval_received(&stage(), &[("key", PUBLIC.as_bytes()), ("body", b"")], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs the private key"), "{e}");
        let out = eval_received(
            &stage(),
            &[("key", PUBLIC.as_bytes()), ("body", b"")],
            &["abcd".to_string()],
        )
        .unwrap();
        assert!(
            out.how.unwrap().contains("2 bytes where Ed25519's are 64"),
            "a wrong-length signature is said so"
        );
    }
}

//! `hmac = "md5" | "sha1" | "sha256" | "sha384" | "sha512"`, `key = T`, `message = T`: the raw MAC.

use std::sync::Arc;

use serde_json::json;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::digest::{Alg, hmac};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{
    Expected, Mistake, Out, Primitive, Scope, Slip, Spec, StreamRole, Vector, name_of,
};
use crate::sign::template::Template;

const ALGS: Kind = Kind::Words(<Alg as crate::sign::args::ArgWords>::WORDS);

pub const SPEC: Spec = Spec {
    name: "hmac",
    summary: "the raw MAC",
    main: ArgSpec::required("hmac", ALGS, "the hash function"),
    args: &[
        ArgSpec::required("key", Kind::Template, "the key's bytes"),
        ArgSpec::required("message", Kind::Template, "the message"),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(HmacStage {
            alg: a.main()?,
            key: a.get("key")?,
            message: a.get("message")?,
        }))
    },
    vectors: &[
        Vector {
            stage: "hmac = \"sha256\"\nkey = \"{key}\"\nmessage = \"{body}\"",
            key: "Jefe",
            body: "what do ya want for nothing?",
            expected: Expected::Hex(
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            source: "RFC 4231, test case 2",
        },
        Vector {
            stage: "hmac = \"md5\"\nkey = \"{key}\"\nmessage = \"{body}\"",
            key: "Jefe",
            body: "what do ya want for nothing?",
            expected: Expected::Hex("750c783e6ab0b503eaa86e310a5db738"),
            source: "RFC 2202, HMAC-MD5 test case 2",
        },
    ],
    file: file!(),
};

const FUNC: Func = Func::helper("hmac", &["alg", "key", "message"]);

/// An HMAC of a message under a key.
#[derive(Debug, Clone)]
struct HmacStage {
    alg: Param<Alg>,
    key: Param<Template>,
    message: Param<Template>,
}

impl Primitive for HmacStage {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.key.get(sel), self.message.get(sel)]
    }

    fn keys(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.key.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let key = scope.render(self.key.get(sel))?;
        // A public key's text as an HMAC key is what the key-confusion attack forges (an HS256
        // JWT accepted by a verifier holding the issuer's RS256 public key): refused.
        if let Some(what) = crate::sign::pubkey::public_summary(&key.bytes, false) {
            return Err(SignError::Input {
                input: scope.input_name(self.key.get(sel)),
                message: format!(
                    "is a public key ({what}): an HMAC keyed with a public key's text is the key-confusion attack (an HS256 token checked with an RS256 key, RFC 8725 section 2.1); refused: give the HMAC secret, or the algorithm the key is for"
                ),
            });
        }
        let message = scope.render(self.message.get(sel))?;
        Ok(hmac(*self.alg.get(sel), &key.bytes, &message.bytes).into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "HMAC-{}(key: {}, message: {})",
            self.alg.get(sel).label().replace('-', ""),
            name_of(self.key.get(sel)),
            name_of(self.message.get(sel))
        )
    }

    fn raw(&self) -> bool {
        true
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Text(self.alg.get(sel).word().to_string()),
                Arg::Bytes(self.key.get(sel).clone()),
                Arg::Bytes(self.message.get(sel).clone()),
            ],
        ))
    }

    fn stream_role(&self, sel: &Selection) -> StreamRole<'_> {
        StreamRole::Digest {
            alg: *self.alg.get(sel),
            key: Some(self.key.get(sel)),
            message: self.message.get(sel),
        }
    }

    /// Another hash function (SHA-256, SHA-1, SHA-512, most used first), and the key and the
    /// message swapped.
    fn mistakes(&self, sel: &Selection) -> Vec<Mistake> {
        let own = *self.alg.get(sel);
        let mut out: Vec<Mistake> = [Alg::Sha256, Alg::Sha1, Alg::Sha512]
            .into_iter()
            .filter(|a| *a != own)
            .map(|a| Mistake {
                slip: Slip {
                    data: json!({"kind": "alg", "alg": a.word()}),
                    dimension: "algorithm",
                    rank: 3,
                    sentence: format!("the signer used HMAC-{}", a.label()),
                },
                prim: Arc::new(HmacStage {
                    alg: Param::Fixed(a),
                    ..self.clone()
                }),
            })
            .collect();
        out.push(Mistake {
            slip: Slip {
                data: json!({"kind": "swapped"}),
                dimension: "swap",
                rank: 4,
                sentence: "the signer swapped the HMAC's key and message".into(),
            },
            prim: Arc::new(HmacStage {
                key: self.message.clone(),
                message: self.key.clone(),
                alg: self.alg.clone(),
            }),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::args::ArgValue;

    #[test]
    fn offers_the_other_hashes_and_the_swap() {
        let h = HmacStage {
            alg: Param::Fixed(Alg::Sha1),
            key: Param::Fixed(Template::parse("{key}").unwrap()),
            message: Param::Fixed(Template::parse("{canonical}").unwrap()),
        };
        let sel = Selection::default();
        let words: Vec<String> = h
            .mistakes(&sel)
            .iter()
            .map(|m| m.prim.describe(&sel))
            .collect();
        assert_eq!(
            words,
            [
                "HMAC-SHA256(key: key, message: canonical)",
                "HMAC-SHA512(key: key, message: canonical)",
                "HMAC-SHA1(key: canonical, message: key)",
            ]
        );
        assert_eq!(
            Alg::parse("sha3").unwrap_err(),
            "expected md5, sha1, sha256, sha384 or sha512, found `sha3`"
        );
    }
}

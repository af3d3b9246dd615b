//! `hash = "md5" | "sha1" | "sha256" | "sha384" | "sha512"`, `message = T`: the raw digest.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::digest::{self, Alg};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, StreamRole, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "hash",
    summary: "the raw digest",
    main: ArgSpec::required("hash", Kind::Words(Alg::WORDS), "the hash function"),
    args: &[ArgSpec::required("message", Kind::Template, "the message")],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Hash {
            alg: a.main()?,
            message: a.get("message")?,
        }))
    },
    vectors: &[
        Vector {
            stage: "hash = \"sha256\"\nmessage = \"{body}\"",
            key: "",
            body: "abc",
            expected: Expected::Hex(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            source: "FIPS 180-2, appendix B.1",
        },
        Vector {
            stage: "hash = \"md5\"\nmessage = \"{body}\"",
            key: "",
            body: "message digest",
            expected: Expected::Hex("f96b697d7cb7938d525a2f31aaf161d0"),
            source: "RFC 1321, appendix A.5",
        },
    ],
    file: file!(),
};

const FUNC: Func = Func::helper("hash", &["alg", "message"]);

/// A plain digest of a message.
#[derive(Debug)]
struct Hash {
    alg: Param<Alg>,
    message: Param<Template>,
}

impl Primitive for Hash {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.message.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let message = scope.render(self.message.get(sel))?;
        Ok(digest::hash(*self.alg.get(sel), &message.bytes).into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "{}({})",
            self.alg.get(sel).label(),
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
                Arg::Bytes(self.message.get(sel).clone()),
            ],
        ))
    }

    fn stream_role(&self, sel: &Selection) -> StreamRole<'_> {
        StreamRole::Digest {
            alg: *self.alg.get(sel),
            key: None,
            message: self.message.get(sel),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_the_digest() {
        let h = Hash {
            alg: Param::Fixed(Alg::Sha256),
            message: Param::Fixed(Template::parse("{canonical_request}").unwrap()),
        };
        assert_eq!(
            h.describe(&Selection::default()),
            "SHA-256(canonical_request)"
        );
    }
}

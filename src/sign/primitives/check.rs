//! `check = T`, `equals = T`, `differs = T`: a value a request claims, compared with one we
//! compute (Netlify's and Vonage's token claim holding the body's SHA-256). The output is empty
//! when they are equal and `differs` when not, so that a recipe appends it to its signature: a
//! token whose MAC is right but whose claim is not the body's digest is a mismatch, and the
//! trace shows which stage said so.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "check",
    summary: "nothing when the two values are equal, `differs` when not (appended to a signature, a claim that is not what we compute makes a mismatch)",
    main: ArgSpec::required("check", Kind::Template, "the value claimed"),
    args: &[
        ArgSpec::required("equals", Kind::Template, "the value it must equal"),
        ArgSpec::optional(
            "differs",
            Kind::Template,
            "≠",
            "what the stage gives when they differ",
        ),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Check {
            claimed: a.main()?,
            equals: a.get("equals")?,
            differs: a.get("differs")?,
        }))
    },
    vectors: &[Vector {
        stage: "check = \"{body}\"\nequals = \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"",
        key: "",
        body: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        expected: Expected::Text(""),
        source: "FIPS 180-2, appendix B.1: the SHA-256 of \"abc\", claimed and computed alike",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("check", &["claimed", "computed", "differs"]);

#[derive(Debug)]
struct Check {
    claimed: Param<Template>,
    equals: Param<Template>,
    differs: Param<Template>,
}

impl Primitive for Check {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![
            self.claimed.get(sel),
            self.equals.get(sel),
            self.differs.get(sel),
        ]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let claimed = scope.render(self.claimed.get(sel))?;
        let computed = scope.render(self.equals.get(sel))?;
        if claimed.bytes == computed.bytes {
            Ok(Vec::new().into())
        } else {
            Ok(scope
                .render(self.differs.get(sel))?
                .bytes
                .into_owned()
                .into())
        }
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "nothing when {} equals {}, else {}",
            name_of(self.claimed.get(sel)),
            name_of(self.equals.get(sel)),
            name_of(self.differs.get(sel))
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.claimed.get(sel).clone()),
                Arg::Bytes(self.equals.get(sel).clone()),
                Arg::Bytes(self.differs.get(sel).clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn empty_when_equal_and_the_mark_when_not() {
        let c = Check {
            claimed: fixed("{a}"),
            equals: fixed("{b}"),
            differs: fixed("!"),
        };
        assert_eq!(
            eval_over_values(&c, &[("a", b"x1"), ("b", b"x1")]).unwrap(),
            b""
        );
        assert_eq!(
            eval_over_values(&c, &[("a", b"x1"), ("b", b"x2")]).unwrap(),
            b"!"
        );
    }
}

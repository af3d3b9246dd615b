//! `hex = T`, `case = "lower" | "upper"`: hex text.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::encoding::{Case, hex};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Mistake, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "hex",
    summary: "hex text",
    main: ArgSpec::required("hex", Kind::Template, "the bytes to write"),
    args: &[ArgSpec::optional(
        "case",
        Kind::Words(Case::WORDS),
        "lower",
        "the letters' case",
    )],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Hex {
            input: a.main()?,
            case: a.get("case")?,
        }))
    },
    vectors: &[Vector {
        stage: "hex = \"{body}\"\ncase = \"upper\"",
        key: "",
        body: "foobar",
        expected: Expected::Text("666F6F626172"),
        source: "RFC 4648, section 10",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("hex", &["data", "upper"]);

#[derive(Debug)]
struct Hex {
    input: Param<Template>,
    case: Param<Case>,
}

impl Primitive for Hex {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        Ok(hex(&input.bytes, *self.case.get(sel)).into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "hex of {}, {} case",
            name_of(self.input.get(sel)),
            match self.case.get(sel) {
                Case::Lower => "lower",
                Case::Upper => "upper",
            }
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.case.get(sel) == Case::Upper),
            ],
        ))
    }

    fn output_forms(&self, _sel: &Selection, raw: &Template) -> Vec<Mistake> {
        super::output::forms(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_the_case() {
        let h = Hex {
            input: Param::Fixed(Template::parse("{mac}").unwrap()),
            case: Param::Fixed(Case::Upper),
        };
        assert_eq!(h.describe(&Selection::default()), "hex of mac, upper case");
    }
}

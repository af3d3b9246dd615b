//! `hex = T`, `case = "lower" | "upper"`: hex text.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Case, Entry, Out, Primitive, Scope, hex, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "hex",
    build: |a| {
        Ok(Arc::new(Hex {
            input: a.main()?,
            case: a.opt("case", "lower")?,
        }))
    },
};

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

    fn lower(&self, sel: &Selection) -> Call {
        Call::new(
            Func::Hex,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.case.get(sel) == Case::Upper),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

//! `param = "name"`, `from = T` (default `{body}`), `decode`: one parameter's value.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Entry, Out, Primitive, Scope, name_of, read_params};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "param",
    build: |a| {
        Ok(Arc::new(OneParam {
            name: a.main_word()?,
            input: a.opt("from", "{body}")?,
            decode: a.opt("decode", "yes")?,
        }))
    },
};

#[derive(Debug)]
struct OneParam {
    name: String,
    input: Param<Template>,
    decode: Param<bool>,
}

impl Primitive for OneParam {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let params = read_params(scope, t, *self.decode.get(sel))?;
        params
            .into_iter()
            .find(|(k, _)| k == self.name.as_bytes())
            .map(|(_, v)| v.into())
            .ok_or_else(|| SignError::MissingParam {
                input: scope.input_name(t),
                name: self.name.clone(),
            })
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "parameter {} of {}, {}",
            self.name,
            name_of(self.input.get(sel)),
            if *self.decode.get(sel) {
                "URL-decoded"
            } else {
                "as given"
            }
        )
    }

    fn costly(&self) -> bool {
        true
    }

    fn lower(&self, sel: &Selection) -> Call {
        Call::new(
            Func::Param,
            vec![
                Arg::Text(self.name.clone()),
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.decode.get(sel)),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

//! `base64 = T`, `alphabet = "standard" | "url-safe"`, `padding = true | false`: base64 text.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Alphabet, Entry, Out, Primitive, Scope, base64, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "base64",
    build: |a| {
        Ok(Arc::new(Base64 {
            input: a.main()?,
            alphabet: a.opt("alphabet", "standard")?,
            padding: a.opt("padding", "true")?,
        }))
    },
};

#[derive(Debug)]
struct Base64 {
    input: Param<Template>,
    alphabet: Param<Alphabet>,
    padding: Param<bool>,
}

impl Primitive for Base64 {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        Ok(base64(
            &input.bytes,
            *self.alphabet.get(sel),
            *self.padding.get(sel),
        )
        .into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "base64 of {}, {} alphabet, {}",
            name_of(self.input.get(sel)),
            match self.alphabet.get(sel) {
                Alphabet::Standard => "standard",
                Alphabet::UrlSafe => "URL-safe",
            },
            if *self.padding.get(sel) {
                "padded"
            } else {
                "unpadded"
            }
        )
    }

    fn lower(&self, sel: &Selection) -> Call {
        Call::new(
            Func::Base64,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.alphabet.get(sel) == Alphabet::UrlSafe),
                Arg::Bool(*self.padding.get(sel)),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

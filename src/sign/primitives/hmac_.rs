//! `hmac = "sha1" | "sha256" | "sha512"`, `key = T`, `message = T`: the raw MAC.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Alg, Entry, Out, Primitive, Scope, hmac, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "hmac",
    build: |a| {
        Ok(Arc::new(HmacStage {
            alg: a.main()?,
            key: a.required("key")?,
            message: a.required("message")?,
        }))
    },
};

/// An HMAC of a message under a key.
#[derive(Debug)]
pub struct HmacStage {
    pub alg: Param<Alg>,
    pub key: Param<Template>,
    pub message: Param<Template>,
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

    fn lower(&self, sel: &Selection) -> Call {
        Call::new(
            Func::Hmac,
            vec![
                Arg::Text(self.alg.get(sel).word().to_string()),
                Arg::Bytes(self.key.get(sel).clone()),
                Arg::Bytes(self.message.get(sel).clone()),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

//! `hash = "sha1" | "sha256" | "sha512"`, `message = T`: the raw digest.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Alg, Digester, Entry, Out, Primitive, Scope, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "hash",
    build: |a| {
        Ok(Arc::new(Hash {
            alg: a.main()?,
            message: a.required("message")?,
        }))
    },
};

/// A plain digest of a message.
#[derive(Debug)]
pub struct Hash {
    pub alg: Param<Alg>,
    pub message: Param<Template>,
}

impl Primitive for Hash {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.message.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let message = scope.render(self.message.get(sel))?;
        let mut d = Digester::hash(*self.alg.get(sel));
        d.update(&message.bytes);
        Ok(d.finish().into())
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

    fn lower(&self, sel: &Selection) -> Call {
        Call::new(
            Func::Hash,
            vec![
                Arg::Text(self.alg.get(sel).word().to_string()),
                Arg::Bytes(self.message.get(sel).clone()),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

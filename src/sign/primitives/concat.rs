//! `concat = [T, …]`, `separator = T`: the parts joined.

use crate::sign::lower::{Arg, Call, Func, joined};
use std::any::Any;
use std::sync::Arc;

use super::{Entry, Out, Primitive, Scope, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "concat",
    build: |a| {
        Ok(Arc::new(Concat {
            parts: a.main_list()?,
            separator: a.opt("separator", "")?,
        }))
    },
};

/// The parts of a concatenation and the separator between them.
#[derive(Debug)]
pub struct Concat {
    pub parts: Vec<Param<Template>>,
    pub separator: Param<Template>,
}

impl Primitive for Concat {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        self.parts
            .iter()
            .map(|p| p.get(sel))
            .chain([self.separator.get(sel)])
            .collect()
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let sep = scope.render(self.separator.get(sel))?;
        let mut out = Vec::new();
        let mut secret = Vec::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                let at = out.len();
                secret.extend(sep.secret.iter().map(|r| r.start + at..r.end + at));
                out.extend_from_slice(&sep.bytes);
            }
            let r = scope.render(part.get(sel))?;
            // Measured before it is made: parts that double each other stop at the limit.
            let len = out.len() + r.bytes.len();
            if len > crate::sign::engine::MAX_STAGE_BYTES {
                return Err(SignError::StageTooLarge {
                    stage: scope.stage().to_string(),
                    len,
                });
            }
            let at = out.len();
            secret.extend(r.secret.into_iter().map(|r| r.start + at..r.end + at));
            out.extend_from_slice(&r.bytes);
        }
        Ok(Out {
            bytes: out,
            secret: Some(secret),
        })
    }

    fn describe(&self, sel: &Selection) -> String {
        let sep = self.separator.get(sel);
        let joiner = if sep.pieces().is_empty() {
            " + ".to_string()
        } else {
            format!(" + {} + ", name_of(sep))
        };
        let parts: Vec<String> = self.parts.iter().map(|p| name_of(p.get(sel))).collect();
        parts.join(&joiner)
    }

    fn lower(&self, sel: &Selection) -> Call {
        let parts = self.parts.iter().map(|p| p.get(sel));
        Call::new(
            Func::Concat,
            vec![Arg::Bytes(joined(parts, self.separator.get(sel)))],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

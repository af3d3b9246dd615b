//! Text transforms: `lower = T`, `upper = T`, `trim = T` (ASCII whitespace at both ends), and
//! `slice = T` with `start` and `end` (byte offsets; `end` may be left out).

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Entry, Out, Primitive, Scope, name_of};
use crate::sign::SignError;
use crate::sign::args::{ArgValue, Args};
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const LOWER: Entry = Entry {
    name: "lower",
    build: |a| text(a, Transform::Lower),
};
pub const UPPER: Entry = Entry {
    name: "upper",
    build: |a| text(a, Transform::Upper),
};
pub const TRIM: Entry = Entry {
    name: "trim",
    build: |a| text(a, Transform::Trim),
};
pub const SLICE: Entry = Entry {
    name: "slice",
    build: |a| {
        let start: Param<usize> = a.opt("start", "0")?;
        let end: Param<Bound> = a.opt("end", "")?;
        Ok(Arc::new(Text {
            input: a.main()?,
            transform: Transform::Slice(start, end),
        }))
    },
};

fn text(a: &mut Args, transform: Transform) -> Result<super::Prim, String> {
    Ok(Arc::new(Text {
        input: a.main()?,
        transform,
    }))
}

/// An optional end offset.
#[derive(Debug, Clone, Copy)]
struct Bound(Option<usize>);

impl ArgValue for Bound {
    fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Ok(Bound(None));
        }
        usize::parse(text).map(|n| Bound(Some(n)))
    }
}

#[derive(Debug)]
enum Transform {
    Lower,
    Upper,
    Trim,
    Slice(Param<usize>, Param<Bound>),
}

#[derive(Debug)]
struct Text {
    input: Param<Template>,
    transform: Transform,
}

impl Primitive for Text {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        let b = &input.bytes;
        Ok(match &self.transform {
            Transform::Lower => b.to_ascii_lowercase(),
            Transform::Upper => b.to_ascii_uppercase(),
            Transform::Trim => b.trim_ascii().to_vec(),
            Transform::Slice(start, end) => {
                let end = end.get(sel).0.unwrap_or(b.len()).min(b.len());
                let start = (*start.get(sel)).min(end);
                b[start..end].to_vec()
            }
        }
        .into())
    }

    fn describe(&self, sel: &Selection) -> String {
        let input = name_of(self.input.get(sel));
        match &self.transform {
            Transform::Lower => format!("{input} in lower case (ASCII)"),
            Transform::Upper => format!("{input} in upper case (ASCII)"),
            Transform::Trim => format!("{input} without surrounding whitespace"),
            Transform::Slice(start, end) => match end.get(sel).0 {
                Some(e) => format!("bytes {}..{e} of {input}", start.get(sel)),
                None => format!("{input} from byte {}", start.get(sel)),
            },
        }
    }

    fn lower(&self, sel: &Selection) -> Call {
        let input = Arg::Bytes(self.input.get(sel).clone());
        match &self.transform {
            Transform::Lower => Call::new(Func::Lower, vec![input]),
            Transform::Upper => Call::new(Func::Upper, vec![input]),
            Transform::Trim => Call::new(Func::Trim, vec![input]),
            Transform::Slice(start, end) => Call::new(
                Func::Slice,
                vec![
                    input,
                    Arg::Int(*start.get(sel)),
                    Arg::OptInt(end.get(sel).0),
                ],
            ),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

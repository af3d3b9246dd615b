//! `utc_date = T` (unix seconds), `format = "yyyy-mm-dd" | "yyyymmdd"`: the UTC calendar date.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Entry, Out, Primitive, Scope, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "utc_date",
    build: |a| {
        Ok(Arc::new(UtcDate {
            input: a.main()?,
            dashes: a.opt::<Format>("format", "yyyy-mm-dd")?.map(|f| f.0),
        }))
    },
};

struct Format(bool);
crate::arg_words!(Format, "yyyy-mm-dd or yyyymmdd", {
    "yyyy-mm-dd" => Format(true), "yyyymmdd" => Format(false),
});

#[derive(Debug)]
struct UtcDate {
    input: Param<Template>,
    dashes: Param<bool>,
}

impl Primitive for UtcDate {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let input = scope.render(t)?;
        let seconds = std::str::from_utf8(&input.bytes)
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|s| (0..253_402_300_800).contains(s))
            .ok_or_else(|| SignError::Input {
                input: scope.input_name(t),
                message: format!(
                    "`{}` is not a time in unix seconds",
                    String::from_utf8_lossy(&input.bytes)
                ),
            })?;
        let (y, m, d) = crate::sign::time::civil_from_days(seconds.div_euclid(86_400));
        let text = if *self.dashes.get(sel) {
            format!("{y:04}-{m:02}-{d:02}")
        } else {
            format!("{y:04}{m:02}{d:02}")
        };
        Ok(text.into_bytes().into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "UTC date of {} (unix seconds), {}",
            name_of(self.input.get(sel)),
            if *self.dashes.get(sel) {
                "yyyy-mm-dd"
            } else {
                "yyyymmdd"
            }
        )
    }

    fn lower(&self, sel: &Selection) -> Call {
        Call::new(
            Func::UtcDate,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.dashes.get(sel)),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

//! `utc_date = T` (unix seconds), `format = "yyyy-mm-dd" | "yyyymmdd"`: the UTC calendar date.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "utc_date",
    summary: "the UTC date of unix seconds",
    main: ArgSpec::required("utc_date", Kind::Template, "unix seconds"),
    args: &[ArgSpec::optional(
        "format",
        Kind::Words(Format::WORDS),
        "yyyy-mm-dd",
        "with dashes or without",
    )],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(UtcDate {
            input: a.main()?,
            dashes: a.get::<Format>("format")?.map(|f| f.0),
        }))
    },
    vectors: &[Vector {
        stage: "utc_date = \"{body}\"\nformat = \"yyyymmdd\"",
        key: "",
        body: "1440938160",
        expected: Expected::Text("20150830"),
        source: "AWS SigV4 test suite, get-vanilla (X-Amz-Date 20150830T123600Z)",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("utc_date", &["seconds", "dashes"]);

struct Format(bool);
crate::arg_words!(Format, {
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
        let (y, m, d) = crate::sign::calendar::civil_from_days(seconds.div_euclid(86_400));
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

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.dashes.get(sel)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn the_epoch_and_a_leap_day() {
        let d = |s: &[u8], dashes| {
            eval_over_values(
                &UtcDate {
                    input: fixed("{t}"),
                    dashes: Param::Fixed(dashes),
                },
                &[("t", s)],
            )
        };
        // POSIX time 0 is 1970-01-01; 951782400 is 2000-02-29T00:00:00Z.
        assert_eq!(d(b"0", true).unwrap(), b"1970-01-01");
        assert_eq!(d(b"951782400", false).unwrap(), b"20000229");
    }
}

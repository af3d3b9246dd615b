//! Text transforms: `lower = T`, `upper = T`, `trim = T` (ASCII whitespace at both ends), and
//! `slice = T` with `start` and `end` (byte offsets; `end` may be left out).

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgValue, Args, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Prim, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const LOWER: Spec = Spec {
    name: "lower",
    summary: "ASCII letters in lower case",
    main: ArgSpec::required("lower", Kind::Template, "the text"),
    args: &[],
    func: &LOWER_FUNC,
    build: |a| text(a, Transform::Lower),
    vectors: &[Vector {
        stage: "lower = \"{body}\"",
        key: "",
        body: "X-Amz-Date",
        expected: Expected::Text("x-amz-date"),
        source: "AWS SigV4 test suite, get-vanilla (its header names in the canonical request)",
    }],
    file: file!(),
};
pub const UPPER: Spec = Spec {
    name: "upper",
    summary: "ASCII letters in upper case",
    main: ArgSpec::required("upper", Kind::Template, "the text"),
    args: &[],
    func: &UPPER_FUNC,
    build: |a| text(a, Transform::Upper),
    vectors: &[Vector {
        stage: "upper = \"{body}\"",
        key: "",
        body: "666f6f626172",
        expected: Expected::Text("666F6F626172"),
        source: "RFC 4648, section 10 (BASE16 is upper case)",
    }],
    file: file!(),
};
pub const TRIM: Spec = Spec {
    name: "trim",
    summary: "surrounding ASCII whitespace removed",
    main: ArgSpec::required("trim", Kind::Template, "the text"),
    args: &[],
    func: &TRIM_FUNC,
    build: |a| text(a, Transform::Trim),
    vectors: &[Vector {
        stage: "trim = \"{body}\"",
        key: "",
        body: "   value1   ",
        expected: Expected::Text("value1"),
        source: "AWS SigV4 test suite, get-header-value-trim (My-Header1 in its .creq)",
    }],
    file: file!(),
};
pub const SLICE: Spec = Spec {
    name: "slice",
    summary: "a part, by byte offsets: the date `20150830` of `20150830T123600Z` is `end = 8`",
    main: ArgSpec::required("slice", Kind::Template, "the text"),
    args: &[
        ArgSpec::optional("start", Kind::Count, "0", "the first byte"),
        ArgSpec::optional(
            "end",
            Kind::OptCount,
            "",
            "the byte after the last; none: to the end",
        ),
    ],
    func: &SLICE_FUNC,
    build: |a| {
        let start: Param<usize> = a.get("start")?;
        let end: Param<Bound> = a.get("end")?;
        Ok(Arc::new(Text {
            input: a.main()?,
            transform: Transform::Slice(start, end),
        }))
    },
    vectors: &[Vector {
        stage: "slice = \"{body}\"\nend = 8",
        key: "",
        body: "20150830T123600Z",
        expected: Expected::Text("20150830"),
        source: "AWS SigV4 test suite, get-vanilla.sts (the credential scope's date)",
    }],
    file: file!(),
};

const LOWER_FUNC: Func = Func::helper("lower", &["data"]);
const UPPER_FUNC: Func = Func::helper("upper", &["data"]);
const TRIM_FUNC: Func = Func::helper("trim", &["data"]);
const SLICE_FUNC: Func = Func::helper("slice", &["data", "start", "end"]);

fn text(a: &Args, transform: Transform) -> Result<Prim, String> {
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

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let input = Arg::Bytes(self.input.get(sel).clone());
        Some(match &self.transform {
            Transform::Lower => Call::new(&LOWER_FUNC, vec![input]),
            Transform::Upper => Call::new(&UPPER_FUNC, vec![input]),
            Transform::Trim => Call::new(&TRIM_FUNC, vec![input]),
            Transform::Slice(start, end) => Call::new(
                &SLICE_FUNC,
                vec![
                    input,
                    Arg::Int(*start.get(sel)),
                    Arg::OptInt(end.get(sel).0),
                ],
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn slice_to_the_end_and_trim() {
        let slice = Text {
            input: fixed("{d}"),
            transform: Transform::Slice(Param::Fixed(9), Param::Fixed(Bound(None))),
        };
        assert_eq!(
            eval_over_values(&slice, &[("d", b"20150830T123600Z")]).unwrap(),
            b"123600Z"
        );
        let trim = Text {
            input: fixed("{d}"),
            transform: Transform::Trim,
        };
        assert_eq!(
            eval_over_values(&trim, &[("d", b"\t value \r\n")]).unwrap(),
            b"value"
        );
    }
}

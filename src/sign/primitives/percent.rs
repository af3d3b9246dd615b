//! `percent_encode = T` (`keep = "unreserved" | "unreserved-and-slash"`) and
//! `percent_decode = T` (`plus = "plus" | "space"`): RFC 3986 percent-encoding, upper-case hex.

use std::sync::Arc;

use serde_json::json;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::form::percent_decode;
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{
    Expected, Mistake, Out, Primitive, Scope, Slip, Spec, Vector, name_of,
};
use crate::sign::template::Template;

pub const ENCODE: Spec = Spec {
    name: "percent_encode",
    summary: "RFC 3986: all but `A-Z a-z 0-9 - . _ ~` (and `/`, or with a space as `+`) as `%XX`, upper-case hex",
    main: ArgSpec::required("percent_encode", Kind::Template, "the bytes to encode"),
    args: &[ArgSpec::optional(
        "keep",
        Kind::Words(Keep::WORDS),
        "unreserved",
        "what is left as it is",
    )],
    func: &ENCODE_FUNC,
    build: |a| {
        Ok(Arc::new(Encode {
            input: a.main()?,
            keep: a.get("keep")?,
        }))
    },
    vectors: &[Vector {
        stage: "percent_encode = \"{body}\"",
        key: "",
        body: "=%3D",
        expected: Expected::Text("%3D%253D"),
        source: "RFC 5849, section 3.4.1.3.2 (the parameter b5)",
    }],
    file: file!(),
};

pub const DECODE: Spec = Spec {
    name: "percent_decode",
    summary: "`%XX` decoded; `+` kept or read as a space",
    main: ArgSpec::required("percent_decode", Kind::Template, "the text to decode"),
    args: &[ArgSpec::optional(
        "plus",
        Kind::Words(Plus::WORDS),
        "plus",
        "what `+` decodes to",
    )],
    func: &DECODE_FUNC,
    build: |a| {
        Ok(Arc::new(Decode {
            input: a.main()?,
            plus: a.get("plus")?,
        }))
    },
    vectors: &[Vector {
        stage: "percent_decode = \"{body}\"\nplus = \"space\"",
        key: "",
        body: "c2&a3=2+q",
        expected: Expected::Text("c2&a3=2 q"),
        source: "RFC 5849, section 3.4.1.3.1 (the body's a3 is \"2 q\")",
    }],
    file: file!(),
};

const ENCODE_FUNC: Func = Func::helper("percent_encode", &["data", "keep"]);
const DECODE_FUNC: Func = Func::helper("percent_decode", &["data", "plus_space"]);

/// The slip of a signer who wrote form encoding where the recipe writes RFC 3986.
pub(super) fn form_slip() -> Slip {
    Slip {
        data: json!({"kind": "form_encoding"}),
        dimension: "encoding",
        rank: 2,
        sentence: "the signer encoded spaces as + (form encoding) where RFC 3986 writes %20".into(),
    }
}

/// Which bytes percent-encoding leaves as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// RFC 3986 unreserved: `A-Z a-z 0-9 - . _ ~`.
    Unreserved,
    /// Unreserved and `/` (a path, as AWS encodes it).
    UnreservedAndSlash,
    /// Form encoding (`application/x-www-form-urlencoded`, Python's `quote_plus`): unreserved
    /// kept and a space written as `+`.
    Form,
}
crate::arg_words!(Keep, {
    "unreserved" => Keep::Unreserved, "unreserved-and-slash" => Keep::UnreservedAndSlash,
    "form" => Keep::Form,
});

/// What `+` decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plus {
    Plus,
    Space,
}
crate::arg_words!(Plus, { "plus" => Plus::Plus, "space" => Plus::Space });

/// Percent-encodes every byte but the kept ones, with upper-case hex.
pub fn percent_encode(data: &[u8], keep: Keep) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(data.len());
    for &b in data {
        let kept = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (b == b'/' && keep == Keep::UnreservedAndSlash);
        if kept {
            out.push(b);
        } else if b == b' ' && keep == Keep::Form {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        }
    }
    out
}

#[derive(Debug)]
struct Encode {
    input: Param<Template>,
    keep: Param<Keep>,
}

impl Primitive for Encode {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        Ok(percent_encode(&input.bytes, *self.keep.get(sel)).into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "{} percent-encoded (RFC 3986{}, upper-case hex)",
            name_of(self.input.get(sel)),
            match self.keep.get(sel) {
                Keep::Unreserved => "",
                Keep::UnreservedAndSlash => "; `/` kept",
                Keep::Form => "; form style, space as +",
            }
        )
    }

    /// RFC 3986 encoding written as form encoding (a space as `+`).
    fn mistakes(&self, _sel: &Selection) -> Vec<Mistake> {
        if !matches!(self.keep, Param::Fixed(Keep::Unreserved)) {
            return Vec::new();
        }
        vec![Mistake {
            slip: form_slip(),
            prim: Arc::new(Encode {
                input: self.input.clone(),
                keep: Param::Fixed(Keep::Form),
            }),
        }]
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let keep = match self.keep.get(sel) {
            Keep::Unreserved => "unreserved",
            Keep::UnreservedAndSlash => "unreserved-and-slash",
            Keep::Form => "form",
        };
        Some(Call::new(
            &ENCODE_FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Text(keep.to_string()),
            ],
        ))
    }
}

#[derive(Debug)]
struct Decode {
    input: Param<Template>,
    plus: Param<Plus>,
}

impl Primitive for Decode {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        let plus_is_space = *self.plus.get(sel) == Plus::Space;
        Ok(percent_decode(&input.bytes, plus_is_space).into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "{} percent-decoded{}",
            name_of(self.input.get(sel)),
            match self.plus.get(sel) {
                Plus::Plus => "",
                Plus::Space => ", `+` as a space",
            }
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &DECODE_FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.plus.get(sel) == Plus::Space),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_unreserved_only() {
        // RFC 5849 section 3.6's examples.
        assert_eq!(
            percent_encode(b"Ladies + Gentlemen", Keep::Unreserved),
            b"Ladies%20%2B%20Gentlemen"
        );
        assert_eq!(
            percent_encode(b"An encoded string!", Keep::Unreserved),
            b"An%20encoded%20string%21"
        );
        assert_eq!(
            percent_encode(b"Dogs, Cats & Mice", Keep::Unreserved),
            b"Dogs%2C%20Cats%20%26%20Mice"
        );
        assert_eq!(
            percent_encode("☃".as_bytes(), Keep::Unreserved),
            b"%E2%98%83"
        );
        assert_eq!(
            percent_encode(b"/a b/~", Keep::UnreservedAndSlash),
            b"/a%20b/~"
        );
    }
}

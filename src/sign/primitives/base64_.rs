//! `base64 = T`, `alphabet = "standard" | "url-safe"`, `padding = true | false`: base64 text.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::encoding::{Alphabet, base64};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Mistake, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "base64",
    summary: "base64 text",
    main: ArgSpec::required("base64", Kind::Template, "the bytes to write"),
    args: &[
        ArgSpec::optional(
            "alphabet",
            Kind::Words(Alphabet::WORDS),
            "standard",
            "`+/` or `-_`",
        ),
        ArgSpec::optional("padding", Kind::Bool, "true", "`=` at the end"),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Base64 {
            input: a.main()?,
            alphabet: a.get("alphabet")?,
            padding: a.get("padding")?,
        }))
    },
    vectors: &[Vector {
        stage: "base64 = \"{body}\"",
        key: "",
        body: "foobar",
        expected: Expected::Text("Zm9vYmFy"),
        source: "RFC 4648, section 10",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("base64", &["data", "url_safe", "padding"]);

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

    fn output_forms(&self, _sel: &Selection, raw: &Template) -> Vec<Mistake> {
        super::output::forms(raw)
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.alphabet.get(sel) == Alphabet::UrlSafe),
                Arg::Bool(*self.padding.get(sel)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_safe_unpadded() {
        let b = Base64 {
            input: Param::Fixed(Template::parse("{mac}").unwrap()),
            alphabet: Param::Fixed(Alphabet::UrlSafe),
            padding: Param::Fixed(false),
        };
        assert_eq!(
            b.describe(&Selection::default()),
            "base64 of mac, URL-safe alphabet, unpadded"
        );
    }
}

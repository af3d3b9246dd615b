//! `url = T`, `part = …`: a part of a URL, verbatim.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::form::{UrlPart, url_part};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "url",
    summary: "a part of a URL, verbatim (`search` is `?query`, or nothing without a query)",
    main: ArgSpec::required("url", Kind::Template, "the URL (or a path with a query)"),
    args: &[ArgSpec::optional(
        "part",
        Kind::Words(UrlPart::WORDS),
        "full",
        "which part",
    )],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Url {
            input: a.main()?,
            part: a.get("part")?,
        }))
    },
    vectors: &[Vector {
        stage: "url = \"{body}\"\npart = \"path\"",
        key: "",
        body: "foo://example.com:8042/over/there?name=ferret#nose",
        expected: Expected::Text("/over/there"),
        source: "RFC 3986, section 3 (the example's path)",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("url", &["url", "part"]);

#[derive(Debug)]
struct Url {
    input: Param<Template>,
    part: Param<UrlPart>,
}

impl Primitive for Url {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        Ok(url_part(&input.bytes, *self.part.get(sel)).into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "{} of {}",
            match self.part.get(sel) {
                UrlPart::Full => "full URL",
                UrlPart::Path => "path",
                UrlPart::Query => "query",
                UrlPart::Search => "\"?\" + query (when present)",
                UrlPart::PathAndQuery => "path and query",
                UrlPart::Origin => "origin",
                UrlPart::Host => "host",
                UrlPart::WithoutQuery => "URL without query",
            },
            name_of(self.input.get(sel))
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let part = match self.part.get(sel) {
            UrlPart::Full => "full",
            UrlPart::Path => "path",
            UrlPart::Query => "query",
            UrlPart::Search => "search",
            UrlPart::PathAndQuery => "path-and-query",
            UrlPart::Origin => "origin",
            UrlPart::Host => "host",
            UrlPart::WithoutQuery => "without-query",
        };
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Text(part.to_string()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn rfc3986_section_3_example() {
        let u: &[u8] = b"foo://example.com:8042/over/there?name=ferret#nose";
        let part = |p| {
            eval_over_values(
                &Url {
                    input: fixed("{u}"),
                    part: Param::Fixed(p),
                },
                &[("u", u)],
            )
            .unwrap()
        };
        assert_eq!(part(UrlPart::Query), b"name=ferret");
        assert_eq!(part(UrlPart::Host), b"example.com:8042");
        assert_eq!(part(UrlPart::Origin), b"foo://example.com:8042");
    }
}

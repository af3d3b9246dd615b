//! `url = T`, `part = …`: a part of a URL, verbatim.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Entry, Out, Primitive, Scope, UrlPart, name_of, url_part};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "url",
    build: |a| {
        Ok(Arc::new(Url {
            input: a.main()?,
            part: a.opt("part", "full")?,
        }))
    },
};

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

    fn lower(&self, sel: &Selection) -> Call {
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
        Call::new(
            Func::Url,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Text(part.to_string()),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

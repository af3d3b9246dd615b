//! `json = T` with `sort`, `separators`, `unicode`, `skip`, `omit`: the JSON re-serialized.

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use super::{Entry, JsonForm, JsonSkip, JsonSort, Out, Primitive, Scope, check_size, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const ENTRY: Entry = Entry {
    name: "json",
    build: |a| {
        Ok(Arc::new(Json {
            input: a.main()?,
            sort: a.opt("sort", "none")?,
            spaced: a.opt::<Spacing>("separators", "compact")?.map(|s| s.0),
            escape_unicode: a.opt::<Unicode>("unicode", "raw")?.map(|u| u.0),
            skip: a.opt("skip", "none")?,
            omit: a.words("omit")?,
        }))
    },
};

struct Spacing(bool);
crate::arg_words!(Spacing, "compact or spaced", { "compact" => Spacing(false), "spaced" => Spacing(true) });
struct Unicode(bool);
crate::arg_words!(Unicode, "raw or escaped", { "raw" => Unicode(false), "escaped" => Unicode(true) });

#[derive(Debug)]
struct Json {
    input: Param<Template>,
    sort: Param<JsonSort>,
    spaced: Param<bool>,
    escape_unicode: Param<bool>,
    skip: Param<JsonSkip>,
    omit: Vec<String>,
}

impl Primitive for Json {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let text = scope.render(t)?;
        check_size(scope, t, text.bytes.len())?;
        let form = JsonForm {
            sort: *self.sort.get(sel),
            spaced: *self.spaced.get(sel),
            escape_unicode: *self.escape_unicode.get(sel),
            skip: *self.skip.get(sel),
            omit: &self.omit,
        };
        crate::sign::json::canonical(&text.bytes, &form)
            .map(Out::from)
            .map_err(|e| SignError::InvalidJson {
                input: scope.input_name(t),
                line: e.line,
                column: e.column,
                message: e.message,
            })
    }

    fn describe(&self, sel: &Selection) -> String {
        let mut words = vec![
            match self.sort.get(sel) {
                JsonSort::Deep => "keys sorted at every depth",
                JsonSort::Top => "top-level keys sorted",
                JsonSort::None => "keys in input order",
            },
            if *self.spaced.get(sel) {
                "spaced"
            } else {
                "compact"
            },
            if *self.escape_unicode.get(sel) {
                "non-ASCII escaped"
            } else {
                "non-ASCII raw"
            },
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        match self.skip.get(sel) {
            JsonSkip::None => {}
            JsonSkip::Null => words.push("null members dropped".to_string()),
            JsonSkip::NullOrEmpty => words.push("null and \"\" members dropped".to_string()),
        }
        if !self.omit.is_empty() {
            words.push(format!("without {}", self.omit.join(", ")));
        }
        format!(
            "JSON of {}: {}",
            name_of(self.input.get(sel)),
            words.join(", ")
        )
    }

    fn costly(&self) -> bool {
        true
    }

    fn lower(&self, sel: &Selection) -> Call {
        let sort = match self.sort.get(sel) {
            JsonSort::Deep => "deep",
            JsonSort::Top => "top",
            JsonSort::None => "none",
        };
        let skip = match self.skip.get(sel) {
            JsonSkip::None => "none",
            JsonSkip::Null => "null",
            JsonSkip::NullOrEmpty => "null-or-empty",
        };
        Call::new(
            Func::Json,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Text(sort.to_string()),
                Arg::Bool(*self.spaced.get(sel)),
                Arg::Bool(*self.escape_unicode.get(sel)),
                Arg::Text(skip.to_string()),
                Arg::Texts(self.omit.clone()),
            ],
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

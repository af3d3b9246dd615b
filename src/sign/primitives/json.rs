//! `json = T` with `sort`, `separators`, `unicode`, `skip`, `omit`: the JSON re-serialized.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::json::{JsonForm, JsonSkip, JsonSort};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, check_size, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "json",
    summary: "the JSON re-serialized; strings and numbers kept exactly as written (`1.50` and `1E5` stay so), `spaced` and `escaped` as Python's `json.dumps`",
    main: ArgSpec::required("json", Kind::Template, "a JSON text"),
    args: &[
        ArgSpec::optional(
            "sort",
            Kind::Words(JsonSort::WORDS),
            "none",
            "which objects' keys are sorted",
        ),
        ArgSpec::optional(
            "separators",
            Kind::Words(Spacing::WORDS),
            "compact",
            "`,` `:` or `, ` `: `",
        ),
        ArgSpec::optional(
            "unicode",
            Kind::Words(Unicode::WORDS),
            "raw",
            "non-ASCII as UTF-8 or `\\uXXXX`",
        ),
        ArgSpec::optional(
            "skip",
            Kind::Words(JsonSkip::WORDS),
            "none",
            "top-level members dropped by value",
        ),
        ArgSpec::optional("omit", Kind::Names, "", "top-level members dropped by name"),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Json {
            input: a.main()?,
            sort: a.get("sort")?,
            spaced: a.get::<Spacing>("separators")?.map(|s| s.0),
            escape_unicode: a.get::<Unicode>("unicode")?.map(|u| u.0),
            skip: a.get("skip")?,
            omit: a.words("omit")?,
        }))
    },
    vectors: &[
        Vector {
            stage: "json = \"{body}\"\nsort = \"deep\"\nseparators = \"spaced\"",
            key: "",
            body: "{\"c\": 0, \"b\": 0, \"a\": 0}",
            expected: Expected::Text("{\"a\": 0, \"b\": 0, \"c\": 0}"),
            source: "Python's json module documentation: json.dumps({\"c\": 0, \"b\": 0, \"a\": 0}, sort_keys=True)",
        },
        Vector {
            stage: "json = \"{body}\"",
            key: "",
            body: "[1, 2, 3, {\"4\": 5, \"6\": 7}]",
            expected: Expected::Text("[1,2,3,{\"4\":5,\"6\":7}]"),
            source: "Python's json module documentation: json.dumps([1, 2, 3, {'4': 5, '6': 7}], separators=(',', ':'))",
        },
    ],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "json",
    &["text", "sort", "spaced", "escape_unicode", "skip", "omit"],
);

struct Spacing(bool);
crate::arg_words!(Spacing, { "compact" => Spacing(false), "spaced" => Spacing(true) });
struct Unicode(bool);
crate::arg_words!(Unicode, { "raw" => Unicode(false), "escaped" => Unicode(true) });

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

    fn lower(&self, sel: &Selection) -> Option<Call> {
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
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Text(sort.to_string()),
                Arg::Bool(*self.spaced.get(sel)),
                Arg::Bool(*self.escape_unicode.get(sel)),
                Arg::Text(skip.to_string()),
                Arg::Texts(self.omit.clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    fn json(sort: JsonSort, spaced: bool, escape: bool, skip: JsonSkip) -> Json {
        Json {
            input: fixed("{b}"),
            sort: Param::Fixed(sort),
            spaced: Param::Fixed(spaced),
            escape_unicode: Param::Fixed(escape),
            skip: Param::Fixed(skip),
            omit: Vec::new(),
        }
    }

    #[test]
    fn python_json_dumps_escapes_and_skips() {
        // Python's json module documentation: json.dumps('\u1234') == '"\\u1234"'.
        let j = json(JsonSort::None, false, true, JsonSkip::None);
        assert_eq!(
            eval_over_values(&j, &[("b", "[\"\u{1234}\"]".as_bytes())]).unwrap(),
            b"[\"\\u1234\"]"
        );
        let j = json(JsonSort::Top, false, false, JsonSkip::Null);
        assert_eq!(
            eval_over_values(
                &j,
                &[("b", br#"{"b": 1, "a": null, "c": {"z": 1, "y": 2}}"#)]
            )
            .unwrap(),
            br#"{"b":1,"c":{"z":1,"y":2}}"#
        );
    }
}

//! `switch = T` with `map = { "value" = T, … }`, `otherwise = T` and `ignore_case`: a part that
//! depends on a value. The value is compared with each key of `map` (exactly, or ignoring ASCII
//! case); the result is the template of the key it equals, else `otherwise` (left out: the value
//! itself). Only the chosen template is rendered. Uses: a piece only when a value is not empty
//! (`map = { "" = "" }`, `otherwise = "&x={x}"`), only for some methods (Akamai EdgeGrid's
//! POST-only body hash), Azure Shared Key's empty Content-Length for 0 (`map = { "0" = "" }`).

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Args, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Prim, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::{Piece, Template};

pub const SPEC: Spec = Spec {
    name: "switch",
    summary: "the template of the `map` key that the value equals, else `otherwise`; only that one is made (a body hash for POST only: `switch = \"{method}\"`, `map = { POST = \"{hash}\" }`, `otherwise = \"\"`)",
    main: ArgSpec::required("switch", Kind::Template, "the value compared"),
    args: &[
        ArgSpec::required(
            "map",
            Kind::ValueMap,
            "the result for each value (`\"\"` is the empty value)",
        ),
        ArgSpec::optional(
            "otherwise",
            Kind::Template,
            "",
            "the result when no key matches; left out: the value itself",
        ),
        ArgSpec::optional(
            "ignore_case",
            Kind::Bool,
            "false",
            "keys match whatever the ASCII case (`post` as `POST`)",
        ),
    ],
    func: &FUNC,
    build,
    vectors: &[
        Vector {
            stage: "switch = \"{body}\"\nmap = { \"0\" = \"\" }",
            key: "",
            body: "0",
            expected: Expected::Text(""),
            source: "Azure Storage, Authorize with Shared Key: the string to sign's Content-Length is the empty string when zero (version 2015-02-21 and later)",
        },
        Vector {
            stage: "switch = \"{body}\"\nmap = { \"0\" = \"\" }",
            key: "",
            body: "11",
            expected: Expected::Text("11"),
            source: "Azure Storage, Authorize with Shared Key: any other Content-Length is signed as sent",
        },
    ],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "switch",
    &["value", "keys", "results", "otherwise", "ignore_case"],
);

fn build(a: &Args) -> Result<Prim, String> {
    let value: Param<Template> = a.main()?;
    let arms = a.template_map("map")?;
    if arms.is_empty() {
        return Err(
            "`switch` needs `map` with at least one value (`map = { \"\" = \"\" }`)".into(),
        );
    }
    let ignore_case: Param<bool> = a.get("ignore_case")?;
    if ignore_case.values().into_iter().any(|b| *b) {
        for (i, (k, _)) in arms.iter().enumerate() {
            if let Some((other, _)) = arms[..i].iter().find(|(o, _)| o.eq_ignore_ascii_case(k)) {
                return Err(format!(
                    "map: `{other}` and `{k}` are the same value when case is ignored"
                ));
            }
        }
    }
    let otherwise = a.given("otherwise")?;
    Ok(Arc::new(Switch {
        value,
        arms,
        otherwise,
        ignore_case,
    }))
}

/// A value's arms, and what it gives when none matches.
#[derive(Debug)]
struct Switch {
    value: Param<Template>,
    /// Keys and their results, in the map's order (a key matches at most one arm).
    arms: Vec<(String, Param<Template>)>,
    /// None: the value itself.
    otherwise: Option<Param<Template>>,
    ignore_case: Param<bool>,
}

impl Switch {
    fn otherwise<'a>(&'a self, sel: &Selection) -> &'a Template {
        self.otherwise.as_ref().unwrap_or(&self.value).get(sel)
    }

    /// The template the value picks.
    fn pick<'a>(&'a self, value: &[u8], sel: &Selection) -> &'a Template {
        let fold = *self.ignore_case.get(sel);
        self.arms
            .iter()
            .find(|(k, _)| {
                if fold {
                    k.as_bytes().eq_ignore_ascii_case(value)
                } else {
                    k.as_bytes() == value
                }
            })
            .map(|(_, t)| t.get(sel))
            .unwrap_or_else(|| self.otherwise(sel))
    }
}

impl Primitive for Switch {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        let mut out = vec![self.value.get(sel)];
        out.extend(self.arms.iter().map(|(_, t)| t.get(sel)));
        out.push(self.otherwise(sel));
        out
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let value = scope.render(self.value.get(sel))?;
        let chosen = self.pick(&value.bytes, sel);
        let out = scope.render(chosen)?;
        // Which arm was taken tells something of a secret value: then the result is secret whole.
        let secret = if value.secret.is_empty() {
            out.secret
        } else {
            std::iter::once(0..out.bytes.len()).collect()
        };
        Ok(Out {
            bytes: out.bytes.into_owned(),
            secret: Some(secret),
            how: None,
        })
    }

    fn describe(&self, sel: &Selection) -> String {
        let arms: Vec<String> = self
            .arms
            .iter()
            .map(|(k, t)| format!("{k:?} → {}", name_of(t.get(sel))))
            .collect();
        let otherwise = match &self.otherwise {
            None => "as it is".to_string(),
            Some(t) => name_of(t.get(sel)),
        };
        format!(
            "by {}{}: {}; otherwise {otherwise}",
            name_of(self.value.get(sel)),
            if *self.ignore_case.get(sel) {
                " (any case)"
            } else {
                ""
            },
            arms.join(", ")
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let keys = self
            .arms
            .iter()
            .map(|(k, _)| {
                Template::from_pieces(if k.is_empty() {
                    Vec::new()
                } else {
                    vec![Piece::Literal(k.clone())]
                })
            })
            .collect();
        let results = self.arms.iter().map(|(_, t)| t.get(sel).clone()).collect();
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.value.get(sel).clone()),
                Arg::List(keys),
                Arg::List(results),
                Arg::Bytes(self.otherwise(sel).clone()),
                Arg::Bool(*self.ignore_case.get(sel)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    fn switch(value: &str, arms: &[(&str, &str)], otherwise: Option<&str>, fold: bool) -> Switch {
        Switch {
            value: fixed(value),
            arms: arms
                .iter()
                .map(|(k, t)| (k.to_string(), fixed(t)))
                .collect(),
            otherwise: otherwise.map(fixed),
            ignore_case: Param::Fixed(fold),
        }
    }

    #[test]
    fn the_matching_arm_else_otherwise_else_the_value() {
        // Akamai EdgeGrid: the content hash is signed for POST only (edgegrid-python's
        // make_content_hash), else the field is empty.
        let post_only = switch("{method}", &[("POST", "{hash}")], Some(""), false);
        let values = |m: &'static [u8]| [("method", m), ("hash", b"h=".as_slice())];
        assert_eq!(
            eval_over_values(&post_only, &values(b"POST")).unwrap(),
            b"h="
        );
        assert_eq!(eval_over_values(&post_only, &values(b"PUT")).unwrap(), b"");
        assert_eq!(eval_over_values(&post_only, &values(b"post")).unwrap(), b"");
        // A piece only when a value is not empty.
        let present = switch("{x}", &[("", "")], Some("&x={x}"), false);
        assert_eq!(eval_over_values(&present, &[("x", b"")]).unwrap(), b"");
        assert_eq!(eval_over_values(&present, &[("x", b"1")]).unwrap(), b"&x=1");
        // No otherwise: the value itself.
        let itself = switch("{n}", &[("0", "")], None, false);
        assert_eq!(eval_over_values(&itself, &[("n", b"20")]).unwrap(), b"20");
    }

    #[test]
    fn ignore_case_folds_ascii_only() {
        let c = switch("{method}", &[("POST", "yes")], Some("no"), true);
        assert_eq!(
            eval_over_values(&c, &[("method", b"post")]).unwrap(),
            b"yes"
        );
        assert_eq!(
            eval_over_values(&c, &[("method", b"PoSt")]).unwrap(),
            b"yes"
        );
        let c = switch("{v}", &[("é", "yes")], Some("no"), true);
        assert_eq!(
            eval_over_values(&c, &[("v", "É".as_bytes())]).unwrap(),
            b"no"
        );
    }

    #[test]
    fn only_the_chosen_arm_is_made() {
        // `{missing}` is no value here: rendering it would be an error.
        let c = switch("{m}", &[("GET", "{missing}")], Some("ok"), false);
        assert_eq!(eval_over_values(&c, &[("m", b"POST")]).unwrap(), b"ok");
        assert!(eval_over_values(&c, &[("m", b"GET")]).is_err());
    }
}

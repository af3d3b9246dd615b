//! `param = "name"`, `from = T` (default `{body}`), `decode`: one parameter's value.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of, read_params};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "param",
    summary: "one parameter's value; a missing one is an error",
    main: ArgSpec::required("param", Kind::Word, "the parameter's name"),
    args: &[
        ArgSpec::optional(
            "from",
            Kind::Template,
            "{body}",
            "the parameters (`k=v&…` or a JSON object)",
        ),
        ArgSpec::optional("decode", Kind::Bool, "yes", "the value URL-decoded"),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(OneParam {
            name: a.main_word()?,
            input: a.get("from")?,
            decode: a.get("decode")?,
        }))
    },
    vectors: &[Vector {
        stage: "param = \"a3\"\nfrom = \"b5=%3D%253D&a3=a&c%40=&a2=r%20b\"",
        key: "",
        body: "",
        expected: Expected::Text("a"),
        source: "RFC 5849, section 3.4.1.3.1 (the query's a3)",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("param", &["name", "text", "decode"]);

#[derive(Debug)]
struct OneParam {
    name: String,
    input: Param<Template>,
    decode: Param<bool>,
}

impl Primitive for OneParam {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let params = read_params(scope, t, *self.decode.get(sel))?;
        params
            .into_iter()
            .find(|(k, _)| k == self.name.as_bytes())
            .map(|(_, v)| v.into())
            .ok_or_else(|| SignError::MissingParam {
                input: scope.input_name(t),
                name: self.name.clone(),
            })
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "parameter {} of {}, {}",
            self.name,
            name_of(self.input.get(sel)),
            if *self.decode.get(sel) {
                "URL-decoded"
            } else {
                "as given"
            }
        )
    }

    fn costly(&self) -> bool {
        true
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Text(self.name.clone()),
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.decode.get(sel)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn rfc5849_query_parameter() {
        // RFC 5849, section 3.4.1.3.1: the query's a2 is "r b".
        let p = |name: &str| OneParam {
            name: name.to_string(),
            input: fixed("{q}"),
            decode: Param::Fixed(true),
        };
        let q: &[u8] = b"b5=%3D%253D&a3=a&c%40=&a2=r%20b";
        assert_eq!(eval_over_values(&p("a2"), &[("q", q)]).unwrap(), b"r b");
        assert_eq!(eval_over_values(&p("b5"), &[("q", q)]).unwrap(), b"=%3D");
        assert!(eval_over_values(&p("zz"), &[("q", q)]).is_err());
    }
}

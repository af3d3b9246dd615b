//! `php_serialize = T` (parameters: `k=v&…` text or a JSON object), `omit = [names]`,
//! `decode = true | false`: the parameters sorted by name (PHP's `ksort`) and written as PHP's
//! `serialize()` writes an array of strings, `a:N:{s:LEN:"name";s:LEN:"value";…}`, each LEN the
//! UTF-8 byte length. Paddle Classic signs its webhooks' fields so.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of, read_params};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "php_serialize",
    summary: "the parameters sorted by name and written as PHP's serialize() writes an array of strings: a:N:{s:LEN:\"name\";s:LEN:\"value\";…}, LEN in bytes",
    main: ArgSpec::required(
        "php_serialize",
        Kind::Template,
        "the parameters (`k=v&…` or a JSON object)",
    ),
    args: &[
        ArgSpec::optional("omit", Kind::Names, "", "names left out"),
        ArgSpec::optional("decode", Kind::Bool, "yes", "values URL-decoded first"),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(PhpSerialize {
            input: a.main()?,
            omit: a.words("omit")?,
            decode: a.get("decode")?,
        }))
    },
    vectors: &[Vector {
        // php > echo serialize(["b" => "2", "a" => "Zoë"]) after ksort: the PHP manual's format
        // for arrays and strings (LEN is the byte length: ë is two bytes).
        stage: "php_serialize = \"{body}\"",
        key: "",
        body: "b=2&a=Zo%C3%AB&c=",
        expected: Expected::Text(
            "a:3:{s:1:\"a\";s:4:\"Zoë\";s:1:\"b\";s:1:\"2\";s:1:\"c\";s:0:\"\";}",
        ),
        source: "the PHP manual, serialize() (strings as s:LEN:\"…\"; arrays as a:N:{key;value;…}) with ksort()",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("php_serialize", &["text", "omit", "decode"]);

#[derive(Debug)]
struct PhpSerialize {
    input: Param<Template>,
    omit: Vec<String>,
    decode: Param<bool>,
}

impl Primitive for PhpSerialize {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let mut list = read_params(scope, self.input.get(sel), *self.decode.get(sel))?;
        list.retain(|(k, _)| !self.omit.iter().any(|o| o.as_bytes() == k.as_slice()));
        // ksort: by name; a repeated name keeps its last value, as a PHP array does.
        let mut map = std::collections::BTreeMap::new();
        for (k, v) in list {
            map.insert(k, v);
        }
        let mut out = format!("a:{}:{{", map.len()).into_bytes();
        let string = |out: &mut Vec<u8>, s: &[u8]| {
            out.extend_from_slice(format!("s:{}:\"", s.len()).as_bytes());
            out.extend_from_slice(s);
            out.extend_from_slice(b"\";");
        };
        for (k, v) in &map {
            string(&mut out, k);
            string(&mut out, v);
        }
        out.push(b'}');
        Ok(out.into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "PHP serialize() of the parameters of {}, sorted by name{}{}",
            name_of(self.input.get(sel)),
            if *self.decode.get(sel) {
                ", values URL-decoded"
            } else {
                ""
            },
            if self.omit.is_empty() {
                String::new()
            } else {
                format!(", without {}", self.omit.join(", "))
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
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Texts(self.omit.clone()),
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
    fn paddles_documented_form_sorted_with_byte_lengths() {
        // Paddle Classic's verification snippet: every field but p_signature, ksort()ed, the
        // values decoded; `customer_name` Zoë Müller is 12 bytes.
        let p = PhpSerialize {
            input: fixed("{form}"),
            omit: vec!["p_signature".into()],
            decode: Param::Fixed(true),
        };
        let form: &[u8] = b"p_signature=abc%3D&customer_name=Zo%C3%AB+M%C3%BCller&alert_id=1";
        assert_eq!(
            String::from_utf8(eval_over_values(&p, &[("form", form)]).unwrap()).unwrap(),
            "a:2:{s:8:\"alert_id\";s:1:\"1\";s:13:\"customer_name\";s:12:\"Zoë Müller\";}"
        );
    }
}

//! `params = T | [T, …]`: a parameter list (from `k=v&…` text or a JSON object) written in a
//! canonical form: some names omitted or set, repeats kept or not, names and values encoded or
//! not, sorted, each pair written by a template and the pairs joined.

use std::sync::Arc;

use super::percent::{Keep, percent_encode};
use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func, source};
use crate::sign::primitive::{
    Expected, Mistake, Out, Primitive, Scope, Spec, Vector, name_of, read_params,
};
use crate::sign::template::{Piece, Template};

pub const SPEC: Spec = Spec {
    name: "params",
    summary: "parameters from `k=v&…` text or a JSON object (several inputs joined), some set or omitted, the first of a repeated name or all, names and values RFC 3986-encoded or not, sorted, each pair written by `pair` and joined by `join` (Twilio: `pair = \"{name}{value}\"`, `join = \"\"`; `{eq_value}` is `=` and the value, or nothing when it is empty: OSS's `acl`)",
    main: ArgSpec::required("params", Kind::Templates, "the parameter texts"),
    args: &[
        ArgSpec::optional("sort", Kind::Words(ParamSort::WORDS), "none", "the order"),
        ArgSpec::optional("decode", Kind::Bool, "yes", "values URL-decoded first"),
        ArgSpec::optional("omit", Kind::Names, "", "names left out"),
        ArgSpec::optional("set", Kind::TemplateMap, "", "parameters added or replaced"),
        ArgSpec::optional(
            "repeats",
            Kind::Words(Repeats::WORDS),
            "first",
            "what a repeated name keeps",
        ),
        ArgSpec::optional(
            "encode",
            Kind::Words(Encode::WORDS),
            "none",
            "how names and values are written",
        ),
        ArgSpec::optional("pair", Kind::Template, "{name}={value}", "one pair"),
        ArgSpec::optional("join", Kind::Template, "&", "between pairs"),
    ],
    func: &FUNC,
    build: |a| {
        let pair: Param<Template> = a.get("pair")?;
        for t in pair.values() {
            if let Some(r) = t
                .references()
                .find(|r| !matches!(*r, "name" | "value" | "eq_value"))
            {
                return Err(format!(
                    "pair: `{{{r}}}` is not `{{name}}`, `{{value}}` or `{{eq_value}}`"
                ));
            }
        }
        Ok(Arc::new(Params {
            inputs: a.main_list()?,
            sort: a.get("sort")?,
            decode: a.get("decode")?,
            omit: a.words("omit")?,
            set: a.template_map("set")?,
            repeats: a.get("repeats")?,
            encode: a.get("encode")?,
            pair,
            join: a.get("join")?,
        }))
    },
    vectors: &[Vector {
        stage: "params = [\"b5=%3D%253D&a3=a&c%40=&a2=r%20b\", \"c2&a3=2+q\", \"oauth_consumer_key=9djdj82h48djs9d2&oauth_token=kkk9d7dh3k39sjv7&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_nonce=7d8f3e4a\"]\nsort = \"name-value\"\nrepeats = \"all\"\nencode = \"rfc3986\"",
        key: "",
        body: "",
        expected: Expected::Text(
            "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7",
        ),
        source: "RFC 5849, section 3.4.1.3.2 (the normalized parameters)",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "params",
    &[
        "inputs",
        "decode",
        "omit",
        "set",
        "keep_repeats",
        "encode",
        "sort",
        "pair",
        "join",
    ],
);

/// How a parameter list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamSort {
    None,
    /// By name (byte order), repeats in their order.
    Name,
    /// By name, then by value.
    NameValue,
}
crate::arg_words!(ParamSort, {
    "none" => ParamSort::None, "name" => ParamSort::Name, "name-value" => ParamSort::NameValue,
});

/// What happens to a repeated name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeats {
    First,
    All,
}
crate::arg_words!(Repeats, { "first" => Repeats::First, "all" => Repeats::All });

/// How names and values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encode {
    None,
    Rfc3986,
    /// Form encoding: a space as `+` (what a signer using a form encoder writes).
    Form,
}
crate::arg_words!(Encode, {
    "none" => Encode::None, "rfc3986" => Encode::Rfc3986, "form" => Encode::Form,
});

#[derive(Debug, Clone)]
struct Params {
    inputs: Vec<Param<Template>>,
    sort: Param<ParamSort>,
    decode: Param<bool>,
    omit: Vec<String>,
    set: Vec<(String, Param<Template>)>,
    repeats: Param<Repeats>,
    encode: Param<Encode>,
    pair: Param<Template>,
    join: Param<Template>,
}

impl Primitive for Params {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        self.inputs
            .iter()
            .chain(self.set.iter().map(|(_, t)| t))
            .chain([&self.join])
            .map(|p| p.get(sel))
            .collect()
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let decode = *self.decode.get(sel);
        let mut list = Vec::new();
        for t in &self.inputs {
            list.extend(read_params(scope, t.get(sel), decode)?);
        }
        list.retain(|(k, _)| !self.omit.iter().any(|o| o.as_bytes() == k.as_slice()));
        for (name, t) in &self.set {
            let value = scope.render(t.get(sel))?.bytes.into_owned();
            if !value.is_empty() {
                list.retain(|(k, _)| k != name.as_bytes());
                list.push((name.as_bytes().to_vec(), value));
            }
        }
        if *self.repeats.get(sel) == Repeats::First {
            let mut seen = std::collections::HashSet::new();
            list.retain(|(k, _)| seen.insert(k.clone()));
        }
        let keep = match self.encode.get(sel) {
            Encode::None => None,
            Encode::Rfc3986 => Some(Keep::Unreserved),
            Encode::Form => Some(Keep::Form),
        };
        if let Some(keep) = keep {
            for (k, v) in &mut list {
                *k = percent_encode(k, keep);
                *v = percent_encode(v, keep);
            }
        }
        match self.sort.get(sel) {
            ParamSort::None => {}
            ParamSort::Name => list.sort_by(|a, b| a.0.cmp(&b.0)),
            ParamSort::NameValue => list.sort(),
        }
        let join = scope.render(self.join.get(sel))?;
        let pair = self.pair.get(sel);
        let mut out = Vec::new();
        for (i, (k, v)) in list.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(&join.bytes);
            }
            for piece in pair.pieces() {
                match piece {
                    Piece::Literal(l) => out.extend_from_slice(l.as_bytes()),
                    Piece::Ref(r) if r == "name" => out.extend_from_slice(k),
                    // "=" and the value, or nothing for an empty value (OSS's `acl`).
                    Piece::Ref(r) if r == "eq_value" => {
                        if !v.is_empty() {
                            out.push(b'=');
                            out.extend_from_slice(v);
                        }
                    }
                    Piece::Ref(_) => out.extend_from_slice(v),
                }
            }
        }
        Ok(out.into())
    }

    fn describe(&self, sel: &Selection) -> String {
        let mut words = vec![
            if *self.decode.get(sel) {
                "values URL-decoded"
            } else {
                "values as given"
            }
            .to_string(),
        ];
        match self.encode.get(sel) {
            Encode::None => {}
            Encode::Rfc3986 => words.push("names and values RFC 3986-encoded".to_string()),
            Encode::Form => words.push("names and values form-encoded (space as +)".to_string()),
        }
        words.push(
            match self.sort.get(sel) {
                ParamSort::None => "in input order",
                ParamSort::Name => "sorted by name",
                ParamSort::NameValue => "sorted by name, then value",
            }
            .to_string(),
        );
        if *self.repeats.get(sel) == Repeats::All {
            words.push("repeated names kept".to_string());
        }
        if !self.set.is_empty() {
            let names: Vec<&str> = self.set.iter().map(|(n, _)| n.as_str()).collect();
            words.push(format!("with {}", names.join(", ")));
        }
        if !self.omit.is_empty() {
            words.push(format!("without {}", self.omit.join(", ")));
        }
        let inputs: Vec<String> = self.inputs.iter().map(|t| name_of(t.get(sel))).collect();
        let pair = self.pair.get(sel).to_string();
        let join = self.join.get(sel).to_string();
        let form = if pair == "{name}={value}" && join == "&" {
            "k=v&…".to_string()
        } else {
            // Quoted, as the join is: a line end in the pair stays on one line.
            format!("{pair:?} joined by {join:?}")
        };
        format!("{form} of {}: {}", inputs.join(" + "), words.join(", "))
    }

    fn costly(&self) -> bool {
        true
    }

    /// RFC 3986 encoding written as form encoding (a space as `+`).
    fn mistakes(&self, _sel: &Selection) -> Vec<Mistake> {
        if !matches!(self.encode, Param::Fixed(Encode::Rfc3986)) {
            return Vec::new();
        }
        vec![
            Mistake {
                slip: super::percent::form_slip(),
                prim: Arc::new(Params {
                    encode: Param::Fixed(Encode::Form),
                    ..self.clone()
                }),
            },
            // botocore handed a raw URL sorts its query but writes each pair as it was
            // written: `:`, `,` and spaces are not percent-encoded.
            Mistake {
                slip: crate::sign::primitive::Slip {
                    data: serde_json::json!({"kind": "params_as_written", "stack": "botocore given a raw URL"}),
                    dimension: "encoding",
                    rank: 3,
                    sentence: "the signer signed the query's parameters as written, not percent-encoded (botocore given a raw URL whose query has `:`, `,` or spaces sorts the pairs but does not encode them)".into(),
                },
                prim: Arc::new(Params {
                    encode: Param::Fixed(Encode::None),
                    decode: Param::Fixed(false),
                    ..self.clone()
                }),
            },
        ]
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let encode = match self.encode.get(sel) {
            Encode::None => "none",
            Encode::Rfc3986 => "rfc3986",
            Encode::Form => "form",
        };
        let sort = match self.sort.get(sel) {
            ParamSort::None => "none",
            ParamSort::Name => "name",
            ParamSort::NameValue => "name-value",
        };
        Some(Call::new(
            &FUNC,
            vec![
                Arg::List(self.inputs.iter().map(|t| t.get(sel).clone()).collect()),
                Arg::Bool(*self.decode.get(sel)),
                Arg::Texts(self.omit.clone()),
                Arg::Pairs(
                    self.set
                        .iter()
                        .map(|(n, t)| (n.clone(), t.get(sel).clone()))
                        .collect(),
                ),
                Arg::Bool(*self.repeats.get(sel) == Repeats::All),
                Arg::Text(encode.to_string()),
                Arg::Text(sort.to_string()),
                Arg::Text(source(self.pair.get(sel))),
                Arg::Bytes(self.join.get(sel).clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn twilio_pairs_sorted_and_joined_without_separators() {
        // Twilio's webhook security documentation: the POST parameters sorted by name, each
        // name followed by its value, nothing between them.
        let p = Params {
            inputs: vec![fixed("{form}")],
            sort: Param::Fixed(ParamSort::Name),
            decode: Param::Fixed(false),
            omit: Vec::new(),
            set: Vec::new(),
            repeats: Param::Fixed(Repeats::First),
            encode: Param::Fixed(Encode::None),
            pair: fixed("{name}{value}"),
            join: fixed(""),
        };
        let form: &[u8] = b"To=+18005551212&CallSid=CA1234567890ABCDE&Caller=+12349013030&Digits=1234&From=+12349013030";
        assert_eq!(
            String::from_utf8(eval_over_values(&p, &[("form", form)]).unwrap()).unwrap(),
            "CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212"
        );
        assert_eq!(p.mistakes(&Selection::default()).len(), 0);
    }
}

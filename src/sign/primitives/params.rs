//! `params = T | [T, …]`: a parameter list (from `k=v&…` text or a JSON object) written in a
//! canonical form: some names omitted or set, repeats kept or not, names and values encoded or
//! not, sorted, each pair written by a template and the pairs joined.

use crate::sign::lower::{Arg, Call, Func, source};
use std::any::Any;
use std::sync::Arc;

use super::{Entry, Keep, Out, Primitive, Scope, name_of, percent_encode, read_params};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::{Piece, Template};

pub const ENTRY: Entry = Entry {
    name: "params",
    build: |a| {
        let pair: Param<Template> = a.opt("pair", "{name}={value}")?;
        for t in pair.values() {
            if let Some(r) = t.references().find(|r| !matches!(*r, "name" | "value")) {
                return Err(format!("pair: `{{{r}}}` is not `{{name}}` or `{{value}}`"));
            }
        }
        Ok(Arc::new(Params {
            inputs: a.main_list()?,
            sort: a.opt("sort", "none")?,
            decode: a.opt("decode", "yes")?,
            omit: a.words("omit")?,
            set: a.template_map("set")?,
            repeats: a.opt("repeats", "first")?,
            encode: a.opt("encode", "none")?,
            pair,
            join: a.opt("join", "&")?,
        }))
    },
};

/// How a parameter list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamSort {
    None,
    /// By name (byte order), repeats in their order.
    Name,
    /// By name, then by value.
    NameValue,
}
crate::arg_words!(ParamSort, "name, name-value or none", {
    "none" => ParamSort::None, "name" => ParamSort::Name, "name-value" => ParamSort::NameValue,
});

/// What happens to a repeated name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeats {
    First,
    All,
}
crate::arg_words!(Repeats, "first or all", { "first" => Repeats::First, "all" => Repeats::All });

/// How names and values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encode {
    None,
    Rfc3986,
    /// Form encoding: a space as `+` (what a signer using a form encoder writes).
    Form,
}
crate::arg_words!(Encode, "none, rfc3986 or form", {
    "none" => Encode::None, "rfc3986" => Encode::Rfc3986, "form" => Encode::Form,
});

#[derive(Debug)]
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
            format!("{pair} joined by {join:?}")
        };
        format!("{form} of {}: {}", inputs.join(" + "), words.join(", "))
    }

    fn costly(&self) -> bool {
        true
    }

    fn lower(&self, sel: &Selection) -> Call {
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
        Call::new(
            Func::Params,
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
        )
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

//! Canonical request headers, as AWS SigV4 (and schemes like it) sign them:
//! `canonical_headers = T` gives `name:value\n` lines and `signed_headers = T` the names joined
//! by `;`. T is a header list as received (`Name: value` lines; folded lines continue the one
//! before). Both take `set = { name = T }` (headers the scheme adds or replaces; an empty value
//! adds nothing), `names = T` (the `;`-separated names to sign, as a request's `SignedHeaders`
//! says; empty: every header) and `exclude = [...]` (names never signed when `names` is empty).
//! Names are lower-cased; values trimmed, runs of spaces made one, repeats joined with `,` in
//! their order; lines sorted by name.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Args, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Prim, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

const ARGS: &[ArgSpec] = &[
    ArgSpec::optional(
        "set",
        Kind::TemplateMap,
        "",
        "headers added or replaced (an empty value adds nothing)",
    ),
    ArgSpec::optional(
        "names",
        Kind::Template,
        "",
        "the names to sign, `a;b;c`; empty: every header",
    ),
    ArgSpec::optional(
        "exclude",
        Kind::Names,
        "",
        "names never signed when `names` is empty",
    ),
];

pub const CANONICAL: Spec = Spec {
    name: "canonical_headers",
    summary: "of a header list: `name:value` lines, names lower-cased, values trimmed and spaces squeezed, folded lines unfolded, repeats joined with `,`, sorted",
    main: ArgSpec::required(
        "canonical_headers",
        Kind::Template,
        "header lines as received",
    ),
    args: ARGS,
    func: &FUNC,
    build: |a| build(a, false),
    vectors: &[Vector {
        stage: "canonical_headers = \"{body}\"",
        key: "",
        body: "Host:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
        expected: Expected::Text("host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"),
        source: "AWS SigV4 test suite, get-vanilla.req and .creq",
    }],
    file: file!(),
};

pub const SIGNED: Spec = Spec {
    name: "signed_headers",
    summary: "the same headers' names joined with `;`",
    main: ArgSpec::required("signed_headers", Kind::Template, "header lines as received"),
    args: ARGS,
    func: &FUNC,
    build: |a| build(a, true),
    vectors: &[Vector {
        stage: "signed_headers = \"{body}\"",
        key: "",
        body: "Host:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
        expected: Expected::Text("host;x-amz-date"),
        source: "AWS SigV4 test suite, get-vanilla.creq",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "headers",
    &["lines", "set", "names", "exclude", "names_only"],
);

fn build(a: &Args, names_only: bool) -> Result<Prim, String> {
    Ok(Arc::new(Headers {
        input: a.main()?,
        set: a.template_map("set")?,
        names: a.get("names")?,
        exclude: a.words("exclude")?,
        names_only,
    }))
}

#[derive(Debug)]
struct Headers {
    input: Param<Template>,
    set: Vec<(String, Param<Template>)>,
    names: Param<Template>,
    exclude: Vec<String>,
    names_only: bool,
}

/// Header names and values, in their order.
pub type HeaderList = Vec<(String, Vec<u8>)>;

/// Reads `Name: value` lines (CRLF or LF; a line starting with a space or tab continues the
/// header before it). Errors name the 1-based line.
pub fn parse_header_lines(text: &[u8]) -> Result<HeaderList, (usize, String)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if matches!(line[0], b' ' | b'\t') {
            let Some(last) = out.last_mut() else {
                return Err((i + 1, "a continuation line with no header before it".into()));
            };
            last.1.push(b' ');
            last.1.extend_from_slice(line.trim_ascii());
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err((
                i + 1,
                format!(
                    "`{}` is not a header line (`Name: value`)",
                    String::from_utf8_lossy(line)
                ),
            ));
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic()) {
            return Err((
                i + 1,
                format!("`{}` is not a header name", String::from_utf8_lossy(name)),
            ));
        }
        out.push((
            String::from_utf8_lossy(name).into_owned(),
            line[colon + 1..].trim_ascii().to_vec(),
        ));
    }
    Ok(out)
}

/// Trimmed, with every run of spaces and tabs made one space.
fn squeeze(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    for &b in value.trim_ascii() {
        let space = matches!(b, b' ' | b'\t');
        if space && out.last() == Some(&b' ') {
            continue;
        }
        out.push(if space { b' ' } else { b });
    }
    out
}

impl Headers {
    /// The signed headers: lower-case name and canonical value, sorted by name.
    fn lines(
        &self,
        scope: &dyn Scope,
        sel: &Selection,
    ) -> Result<Vec<(String, Vec<u8>)>, SignError> {
        let t = self.input.get(sel);
        let text = scope.render(t)?;
        let mut list = parse_header_lines(&text.bytes).map_err(|(line, m)| SignError::Input {
            input: scope.input_name(t),
            message: format!("line {line}: {m}"),
        })?;
        for (name, v) in &self.set {
            let value = scope.render(v.get(sel))?.bytes.into_owned();
            if !value.is_empty() {
                list.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                list.push((name.clone(), value));
            }
        }
        let names = scope.render(self.names.get(sel))?;
        let wanted: Vec<String> = String::from_utf8_lossy(&names.bytes)
            .split(';')
            .map(|n| n.trim().to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        let mut merged: Vec<(String, Vec<u8>)> = Vec::new();
        for (name, value) in list {
            let name = name.to_ascii_lowercase();
            let keep = if wanted.is_empty() {
                !self.exclude.iter().any(|e| e.eq_ignore_ascii_case(&name))
            } else {
                wanted.contains(&name)
            };
            if !keep {
                continue;
            }
            let value = squeeze(&value);
            match merged.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => {
                    v.push(b',');
                    v.extend_from_slice(&value);
                }
                None => merged.push((name, value)),
            }
        }
        if let Some(missing) = wanted.iter().find(|w| !merged.iter().any(|(n, _)| n == *w)) {
            return Err(SignError::Input {
                input: scope.input_name(self.names.get(sel)),
                message: format!(
                    "the signed header `{missing}` is not among the request's headers"
                ),
            });
        }
        merged.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(merged)
    }
}

impl Primitive for Headers {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        [&self.input, &self.names]
            .into_iter()
            .chain(self.set.iter().map(|(_, t)| t))
            .map(|p| p.get(sel))
            .collect()
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let lines = self.lines(scope, sel)?;
        let mut out = Vec::new();
        if self.names_only {
            let names: Vec<&str> = lines.iter().map(|(n, _)| n.as_str()).collect();
            out.extend_from_slice(names.join(";").as_bytes());
        } else {
            for (name, value) in lines {
                out.extend_from_slice(name.as_bytes());
                out.push(b':');
                out.extend_from_slice(&value);
                out.push(b'\n');
            }
        }
        Ok(out.into())
    }

    fn describe(&self, sel: &Selection) -> String {
        let mut from = name_of(self.input.get(sel));
        if !self.set.is_empty() {
            let names: Vec<&str> = self.set.iter().map(|(n, _)| n.as_str()).collect();
            from = format!("{from} with {}", names.join(", "));
        }
        let every = if self.exclude.is_empty() {
            "every header".to_string()
        } else {
            format!("every header but {}", self.exclude.join(", "))
        };
        let which = if self.names.get(sel).pieces().is_empty() {
            every
        } else {
            format!(
                "the headers {} lists ({every} when it is empty)",
                name_of(self.names.get(sel))
            )
        };
        if self.names_only {
            format!("names of {which} of {from}: lower case, sorted, joined by \";\"")
        } else {
            format!(
                "{which} of {from}: lower-case name:value lines, values trimmed and spaces squeezed, sorted"
            )
        }
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Pairs(
                    self.set
                        .iter()
                        .map(|(n, t)| (n.clone(), t.get(sel).clone()))
                        .collect(),
                ),
                Arg::Bytes(self.names.get(sel).clone()),
                Arg::Texts(self.exclude.clone()),
                Arg::Bool(self.names_only),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn aws_get_header_key_duplicate() {
        // AWS SigV4 test suite, get-header-key-duplicate: its .req headers and .creq lines.
        let lines: &[u8] = b"Host:example.amazonaws.com\nMy-Header1:value2\nMy-Header1:value2\nMy-Header1:value1\nX-Amz-Date:20150830T123600Z";
        let headers = |names_only| Headers {
            input: fixed("{h}"),
            set: Vec::new(),
            names: fixed(""),
            exclude: Vec::new(),
            names_only,
        };
        assert_eq!(
            String::from_utf8(eval_over_values(&headers(false), &[("h", lines)]).unwrap()).unwrap(),
            "host:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n"
        );
        assert_eq!(
            eval_over_values(&headers(true), &[("h", lines)]).unwrap(),
            b"host;my-header1;x-amz-date"
        );
    }
}

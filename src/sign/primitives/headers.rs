//! Canonical request headers, as AWS SigV4 and the schemes like it sign them:
//! `canonical_headers = T` writes the chosen headers and `signed_headers = T` their names joined
//! by `;`. T is a header list as received (`Name: value` lines; folded lines continue the one
//! before).
//!
//! Which headers: `set = { name = T }` adds or replaces some (an empty value adds nothing);
//! `names = T` lists the names to sign (split on `separator`, `;` unless told), `prefixes`
//! selects every header whose name starts with one of them, and with neither every header is
//! signed but those `exclude` names. A listed name the request lacks is an error, or skipped
//! (`missing = "skip"`); `empty = "drop"` leaves out headers whose value is empty.
//!
//! How: names lower-cased (or as sent), values trimmed and runs of spaces made one (unless
//! `squeeze = false`), repeats joined with `,` in their order, names and values RFC 3986-encoded
//! if asked; sorted by name (or by the written line, or not at all: then in the order `names`
//! gives, the others as received), each written by `pair` (`{name}:{value}`), joined by `join`
//! (`\n`), which also ends the list unless `trailing = false`. The defaults are AWS SigV4's.

use std::sync::Arc;

use super::percent::{Keep, percent_encode};
use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Args, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func, source};
use crate::sign::primitive::{Expected, Out, Prim, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::{Piece, Template};

const SET: ArgSpec = ArgSpec::optional(
    "set",
    Kind::TemplateMap,
    "",
    "headers added or replaced (an empty value adds nothing)",
);
const NAMES: ArgSpec = ArgSpec::optional(
    "names",
    Kind::Template,
    "",
    "the names to sign, `a;b;c`; with no `names` and no `prefixes`: every header",
);
const SEPARATOR: ArgSpec = ArgSpec::optional(
    "separator",
    Kind::Text,
    ";",
    "the character between the names of `names` (`,` for Contentful)",
);
const PREFIXES: ArgSpec = ArgSpec::optional(
    "prefixes",
    Kind::Names,
    "",
    "every header whose name starts with one of these is signed too (`x-amz-`); none present is no error",
);
const EXCLUDE: ArgSpec = ArgSpec::optional(
    "exclude",
    Kind::Names,
    "",
    "names never signed unless `names` lists them",
);
const MISSING: ArgSpec = ArgSpec::optional(
    "missing",
    Kind::Words(Missing::WORDS),
    "error",
    "what a name of `names` that the request lacks does",
);
const EMPTY: ArgSpec = ArgSpec::optional(
    "empty",
    Kind::Words(Empty::WORDS),
    "keep",
    "headers whose value is empty kept or left out",
);
const NAME_CASE: ArgSpec = ArgSpec::optional(
    "name_case",
    Kind::Words(NameCase::WORDS),
    "lower",
    "names in lower case or as the request spells them",
);
const ENCODE: ArgSpec = ArgSpec::optional(
    "encode",
    Kind::Words(Encode::WORDS),
    "none",
    "names and values RFC 3986-encoded (all but `A-Z a-z 0-9 - . _ ~` as `%XX`) or not",
);
const SORT: ArgSpec = ArgSpec::optional(
    "sort",
    Kind::Words(Sort::WORDS),
    "name",
    "by name, by the written line (Baidu), or none: in the order of `names`, then as received",
);
const SORT_NAMES: ArgSpec = ArgSpec::optional(
    "sort",
    Kind::Words(&["name", "none"]),
    "name",
    "by name, or none: in the order of `names`, then as received",
);
const SQUEEZE: ArgSpec = ArgSpec::optional(
    "squeeze",
    Kind::Bool,
    "true",
    "runs of spaces and tabs inside a value made one space",
);
const PAIR: ArgSpec = ArgSpec::optional("pair", Kind::Template, "{name}:{value}", "one header");
const JOIN: ArgSpec = ArgSpec::optional("join", Kind::Template, "\n", "between two headers");
const TRAILING: ArgSpec = ArgSpec::optional(
    "trailing",
    Kind::Bool,
    "true",
    "`join` written after the last header too (AWS); `false`: only between",
);

pub const CANONICAL: Spec = Spec {
    name: "canonical_headers",
    summary: "of a header list: the chosen headers, folded lines unfolded, values trimmed, repeats joined with `,`, each written by `pair` and joined by `join` (Contentful: `pair = \"{name}:{value}\"`, `join = \";\"`, `trailing = false`)",
    main: ArgSpec::required(
        "canonical_headers",
        Kind::Template,
        "header lines as received",
    ),
    args: &[
        SET, NAMES, SEPARATOR, PREFIXES, EXCLUDE, MISSING, EMPTY, NAME_CASE, ENCODE, SORT, SQUEEZE,
        PAIR, JOIN, TRAILING,
    ],
    func: &FUNC,
    build: |a| build(a, false),
    vectors: &[
        Vector {
            stage: "canonical_headers = \"{body}\"",
            key: "",
            body: "Host:example.amazonaws.com\nX-Amz-Date:20150830T123600Z",
            expected: Expected::Text("host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"),
            source: "AWS SigV4 test suite, get-vanilla.req and .creq",
        },
        Vector {
            stage: "canonical_headers = \"{body}\"\nprefixes = [\"x-amz-\"]",
            key: "",
            body: "User-Agent: curl/7.15.5\nHost: static.johnsmith.net:8080\nDate: Tue, 27 Mar 2007 21:06:08 +0000\nx-amz-acl: public-read\ncontent-type: application/x-download\nContent-MD5: 4gJE4saaMU4BqNR0kLY+lw==\nX-Amz-Meta-ReviewedBy: joe@johnsmith.net\nX-Amz-Meta-ReviewedBy: jane@johnsmith.net\nX-Amz-Meta-FileChecksum: 0x02661779\nX-Amz-Meta-ChecksumAlgorithm: crc32\nContent-Disposition: attachment; filename=database.dat\nContent-Encoding: gzip\nContent-Length: 5913339",
            expected: Expected::Text(
                "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\nx-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n",
            ),
            source: "AWS S3 REST authentication (signature version 2), the upload example's CanonicalizedAmzHeaders",
        },
        Vector {
            stage: "canonical_headers = \"{body}\"\nnames = \"host;content-md5;content-length;content-type\"\nprefixes = [\"x-bce-\"]\nmissing = \"skip\"\nempty = \"drop\"\nencode = \"rfc3986\"\nsqueeze = false\nsort = \"line\"\ntrailing = false",
            key: "",
            body: "Host: bj.bcebos.com\nDate: Mon, 27 Apr 2015 16:23:49 +0800\nContent-Type: text/plain\nContent-Length: 8\nContent-Md5: NFzcPqhviddjRNnSOGo4rw==\nx-bce-date: 2015-04-27T08:23:49Z",
            expected: Expected::Text(
                "content-length:8\ncontent-md5:NFzcPqhviddjRNnSOGo4rw%3D%3D\ncontent-type:text%2Fplain\nhost:bj.bcebos.com\nx-bce-date:2015-04-27T08%3A23%3A49Z",
            ),
            source: "Baidu AI Cloud, Generate Authentication String (bce-auth-v1), the example's CanonicalHeaders",
        },
    ],
    file: file!(),
};

pub const SIGNED: Spec = Spec {
    name: "signed_headers",
    summary: "the names of the headers `canonical_headers` would write with the same arguments, joined with `;`",
    main: ArgSpec::required("signed_headers", Kind::Template, "header lines as received"),
    args: &[
        SET, NAMES, SEPARATOR, PREFIXES, EXCLUDE, MISSING, EMPTY, NAME_CASE, ENCODE, SORT_NAMES,
    ],
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
    &[
        "lines",
        "set",
        "names",
        "separator",
        "prefixes",
        "exclude",
        "missing",
        "empty",
        "name_case",
        "encode",
        "sort",
        "squeeze",
        "pair",
        "join",
        "trailing",
    ],
);

/// What a name of `names` that the request lacks does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    Error,
    Skip,
}
crate::arg_words!(Missing, { "error" => Missing::Error, "skip" => Missing::Skip });

/// Whether headers with an empty value are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Empty {
    Keep,
    Drop,
}
crate::arg_words!(Empty, { "keep" => Empty::Keep, "drop" => Empty::Drop });

/// How names are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameCase {
    Lower,
    /// As the request (or `set`) spells the first of its kind.
    AsSent,
}
crate::arg_words!(NameCase, { "lower" => NameCase::Lower, "as-sent" => NameCase::AsSent });

/// How names and values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encode {
    None,
    Rfc3986,
}
crate::arg_words!(Encode, { "none" => Encode::None, "rfc3986" => Encode::Rfc3986 });

/// The order of the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    /// By the written name, in byte order.
    Name,
    /// By the written line (`pair`), in byte order: Baidu sorts `name:value` strings.
    Line,
    /// The order of `names`, then the others as received.
    None,
}
crate::arg_words!(Sort, { "name" => Sort::Name, "line" => Sort::Line, "none" => Sort::None });

fn build(a: &Args, names_only: bool) -> Result<Prim, String> {
    let separator: Param<String> = a.get("separator")?;
    for s in separator.values() {
        if !(s.len() == 1 && s.is_ascii() && !s.as_bytes()[0].is_ascii_alphanumeric()) {
            return Err(format!(
                "separator: expected one character such as `;` or `,`, found `{s}`"
            ));
        }
    }
    let (sort, squeeze, pair, join, trailing) = if names_only {
        let sort: Param<Sort> = a.get("sort")?;
        if sort.values().iter().any(|s| **s == Sort::Line) {
            return Err("sort: expected name or none, found `line`".into());
        }
        (
            sort,
            Param::Fixed(true),
            Param::Fixed(Template::parse("{name}").map_err(|e| e.to_string())?),
            Param::Fixed(Template::parse(";").map_err(|e| e.to_string())?),
            Param::Fixed(false),
        )
    } else {
        let pair: Param<Template> = a.get("pair")?;
        for t in pair.values() {
            if let Some(r) = t.references().find(|r| !matches!(*r, "name" | "value")) {
                return Err(format!("pair: `{{{r}}}` is not `{{name}}` or `{{value}}`"));
            }
        }
        (
            a.get("sort")?,
            a.get("squeeze")?,
            pair,
            a.get("join")?,
            a.get("trailing")?,
        )
    };
    Ok(Arc::new(Headers {
        input: a.main()?,
        set: a.template_map("set")?,
        names: a.get("names")?,
        separator,
        prefixes: a.words("prefixes")?,
        exclude: a.words("exclude")?,
        missing: a.get("missing")?,
        empty: a.get("empty")?,
        name_case: a.get("name_case")?,
        encode: a.get("encode")?,
        sort,
        squeeze,
        pair,
        join,
        trailing,
        names_only,
    }))
}

#[derive(Debug)]
struct Headers {
    input: Param<Template>,
    set: Vec<(String, Param<Template>)>,
    names: Param<Template>,
    separator: Param<String>,
    prefixes: Vec<String>,
    exclude: Vec<String>,
    missing: Param<Missing>,
    empty: Param<Empty>,
    name_case: Param<NameCase>,
    encode: Param<Encode>,
    sort: Param<Sort>,
    squeeze: Param<bool>,
    /// `{name}` for `signed_headers`.
    pair: Param<Template>,
    join: Param<Template>,
    trailing: Param<bool>,
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

/// One signed header: its name as written, its value as written, and the written line.
struct Line {
    name: Vec<u8>,
    value: Vec<u8>,
}

impl Headers {
    /// The signed headers, names and values as written, in their order.
    fn lines(&self, scope: &dyn Scope, sel: &Selection) -> Result<Vec<Line>, SignError> {
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
        let separator = self.separator.get(sel).as_str();
        let mut wanted: Vec<String> = Vec::new();
        for n in String::from_utf8_lossy(&names.bytes).split(separator) {
            let n = n.trim().to_ascii_lowercase();
            if !n.is_empty() && !wanted.contains(&n) {
                wanted.push(n);
            }
        }
        let every = wanted.is_empty() && self.prefixes.is_empty();
        let drop_empty = *self.empty.get(sel) == Empty::Drop;
        let squeezed = *self.squeeze.get(sel);
        // Merged by lower-case name, in the order received: (key, name as first sent, value).
        let mut merged: Vec<(String, String, Vec<u8>)> = Vec::new();
        for (name, value) in list {
            let key = name.to_ascii_lowercase();
            let listed = wanted.contains(&key);
            let chosen = listed
                || ((every
                    || self
                        .prefixes
                        .iter()
                        .any(|p| key.starts_with(&p.to_ascii_lowercase())))
                    && !self.exclude.iter().any(|e| e.eq_ignore_ascii_case(&key)));
            let value = if squeezed {
                squeeze(&value)
            } else {
                value.trim_ascii().to_vec()
            };
            if !chosen || (drop_empty && value.is_empty()) {
                continue;
            }
            match merged.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, v)) => {
                    v.push(b',');
                    v.extend_from_slice(&value);
                }
                None => merged.push((key, name, value)),
            }
        }
        if *self.missing.get(sel) == Missing::Error
            && let Some(absent) = wanted.iter().find(|w| !merged.iter().any(|m| m.0 == **w))
        {
            return Err(SignError::Input {
                input: scope.input_name(self.names.get(sel)),
                message: format!("the signed header `{absent}` is not among the request's headers"),
            });
        }
        let sort = *self.sort.get(sel);
        if sort == Sort::None {
            // Those `names` lists, in its order, then the others as received.
            let rank = |key: &str| wanted.iter().position(|w| w == key).unwrap_or(wanted.len());
            merged.sort_by_key(|m| rank(&m.0));
        }
        let encode = *self.encode.get(sel) == Encode::Rfc3986;
        let as_sent = *self.name_case.get(sel) == NameCase::AsSent;
        let mut lines: Vec<Line> = merged
            .into_iter()
            .map(|(key, name, value)| {
                let name = if as_sent { name } else { key };
                if encode {
                    Line {
                        name: percent_encode(name.as_bytes(), Keep::Unreserved),
                        value: percent_encode(&value, Keep::Unreserved),
                    }
                } else {
                    Line {
                        name: name.into_bytes(),
                        value,
                    }
                }
            })
            .collect();
        match sort {
            Sort::Name => lines.sort_by(|a, b| a.name.cmp(&b.name)),
            Sort::Line => {
                let pair = self.pair.get(sel);
                lines.sort_by_cached_key(|l| written(pair, l));
            }
            Sort::None => {}
        }
        Ok(lines)
    }
}

/// A header written by the `pair` template.
fn written(pair: &Template, line: &Line) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in pair.pieces() {
        match piece {
            Piece::Literal(l) => out.extend_from_slice(l.as_bytes()),
            Piece::Ref(r) if r == "name" => out.extend_from_slice(&line.name),
            Piece::Ref(_) => out.extend_from_slice(&line.value),
        }
    }
    out
}

impl Primitive for Headers {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        [&self.input, &self.names, &self.join]
            .into_iter()
            .chain(self.set.iter().map(|(_, t)| t))
            .map(|p| p.get(sel))
            .collect()
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let lines = self.lines(scope, sel)?;
        let join = scope.render(self.join.get(sel))?;
        let pair = self.pair.get(sel);
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(&join.bytes);
            }
            out.extend_from_slice(&written(pair, line));
        }
        if *self.trailing.get(sel) && !lines.is_empty() {
            out.extend_from_slice(&join.bytes);
        }
        Ok(out.into())
    }

    fn describe(&self, sel: &Selection) -> String {
        let mut from = name_of(self.input.get(sel));
        if !self.set.is_empty() {
            let names: Vec<&str> = self.set.iter().map(|(n, _)| n.as_str()).collect();
            from = format!("{from} with {}", names.join(", "));
        }
        let names = self.names.get(sel);
        let listed = !names.pieces().is_empty();
        let but = format!(" but {}", self.exclude.join(", "));
        let but = if self.exclude.is_empty() { "" } else { &but };
        let prefixed = format!("every {} header", self.prefixes.join(" or "));
        let mut which = match (listed, self.prefixes.is_empty()) {
            (false, true) => format!("every header{but}"),
            (false, false) => format!("{prefixed}{but}"),
            (true, true) => format!("the headers {} lists", name_of(names)),
            (true, false) => format!("the headers {} lists and {prefixed}{but}", name_of(names)),
        };
        if listed {
            let mut notes = Vec::new();
            if self.separator.get(sel) != ";" {
                notes.push(format!("{:?}-separated", self.separator.get(sel)));
            }
            if *self.missing.get(sel) == Missing::Skip {
                notes.push("absent ones skipped".to_string());
            }
            if self.prefixes.is_empty() {
                notes.push(format!("every header{but} when it is empty"));
            }
            which = format!("{which} ({})", notes.join("; "));
        }
        let mut how = vec![
            match self.name_case.get(sel) {
                NameCase::Lower => "names in lower case",
                NameCase::AsSent => "names as sent",
            }
            .to_string(),
        ];
        if *self.empty.get(sel) == Empty::Drop {
            how.push("empty ones left out".into());
        }
        if !self.names_only {
            how.push(
                if *self.squeeze.get(sel) {
                    "values trimmed and spaces squeezed"
                } else {
                    "values trimmed"
                }
                .into(),
            );
        }
        if *self.encode.get(sel) == Encode::Rfc3986 {
            how.push("RFC 3986-encoded".into());
        }
        how.push(
            match self.sort.get(sel) {
                Sort::Name => "sorted by name",
                Sort::Line => "sorted by line",
                Sort::None => "in the order listed",
            }
            .into(),
        );
        if self.names_only {
            return format!(
                "names of {which} of {from}: {}, joined by \";\"",
                how.join(", ")
            );
        }
        let pair = source(self.pair.get(sel));
        let join = self.join.get(sel).to_string();
        let form = if *self.trailing.get(sel) {
            format!("{pair:?} lines, each ended by {join:?}")
        } else {
            format!("{pair:?} joined by {join:?}")
        };
        format!("{which} of {from}: {form}, {}", how.join(", "))
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let word = |w: &str| Arg::Text(w.to_string());
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
                Arg::Text(self.separator.get(sel).clone()),
                Arg::Texts(self.prefixes.clone()),
                Arg::Texts(self.exclude.clone()),
                word(match self.missing.get(sel) {
                    Missing::Error => "error",
                    Missing::Skip => "skip",
                }),
                word(match self.empty.get(sel) {
                    Empty::Keep => "keep",
                    Empty::Drop => "drop",
                }),
                word(match self.name_case.get(sel) {
                    NameCase::Lower => "lower",
                    NameCase::AsSent => "as-sent",
                }),
                word(match self.encode.get(sel) {
                    Encode::None => "none",
                    Encode::Rfc3986 => "rfc3986",
                }),
                word(match self.sort.get(sel) {
                    Sort::Name => "name",
                    Sort::Line => "line",
                    Sort::None => "none",
                }),
                Arg::Bool(*self.squeeze.get(sel)),
                Arg::Text(source(self.pair.get(sel))),
                Arg::Bytes(self.join.get(sel).clone()),
                Arg::Bool(*self.trailing.get(sel)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    /// A stage with AWS's defaults.
    fn aws(names_only: bool) -> Headers {
        Headers {
            input: fixed("{h}"),
            set: Vec::new(),
            names: fixed(""),
            separator: Param::Fixed(";".into()),
            prefixes: Vec::new(),
            exclude: Vec::new(),
            missing: Param::Fixed(Missing::Error),
            empty: Param::Fixed(Empty::Keep),
            name_case: Param::Fixed(NameCase::Lower),
            encode: Param::Fixed(Encode::None),
            sort: Param::Fixed(Sort::Name),
            squeeze: Param::Fixed(true),
            pair: fixed(if names_only {
                "{name}"
            } else {
                "{name}:{value}"
            }),
            join: fixed(if names_only { ";" } else { "\n" }),
            trailing: Param::Fixed(!names_only),
            names_only,
        }
    }

    fn text(h: &Headers, lines: &[u8]) -> Result<String, SignError> {
        eval_over_values(h, &[("h", lines)]).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn aws_get_header_key_duplicate() {
        // AWS SigV4 test suite, get-header-key-duplicate: its .req headers and .creq lines.
        let lines: &[u8] = b"Host:example.amazonaws.com\nMy-Header1:value2\nMy-Header1:value2\nMy-Header1:value1\nX-Amz-Date:20150830T123600Z";
        assert_eq!(
            text(&aws(false), lines).unwrap(),
            "host:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n"
        );
        assert_eq!(
            text(&aws(true), lines).unwrap(),
            "host;my-header1;x-amz-date"
        );
    }

    #[test]
    fn aws_get_header_value_trim() {
        // AWS SigV4 test suite, get-header-value-trim: spaces around and inside a value.
        let spaced: &[u8] = b"Host:example.amazonaws.com\nMy-Header1: value1\nMy-Header2: \"a   b   c\"\nX-Amz-Date:20150830T123600Z";
        assert_eq!(
            text(&aws(false), spaced).unwrap(),
            "host:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n"
        );
    }

    #[test]
    fn prefixes_with_none_present_give_nothing() {
        // AWS S3 REST authentication (signature version 2): a GET with no x-amz-* header has an
        // empty CanonicalizedAmzHeaders ("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg").
        let h = Headers {
            prefixes: vec!["x-amz-".into()],
            ..aws(false)
        };
        let lines: &[u8] =
            b"Host: johnsmith.s3.amazonaws.com\nDate: Tue, 27 Mar 2007 19:36:42 +0000";
        assert_eq!(text(&h, lines).unwrap(), "");
    }

    #[test]
    fn a_listed_header_the_request_lacks_is_an_error_unless_skipped() {
        let h = Headers {
            names: fixed("host;x-amz-date"),
            ..aws(false)
        };
        let e = text(&h, b"Host:example.amazonaws.com")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`x-amz-date` is not among the request's headers"),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
        let h = Headers {
            missing: Param::Fixed(Missing::Skip),
            ..h
        };
        assert_eq!(
            text(&h, b"Host:example.amazonaws.com").unwrap(),
            "host:example.amazonaws.com\n"
        );
    }

    #[test]
    fn contentful_names_from_a_comma_separated_list_joined_by_semicolons() {
        // @contentful/node-apps-toolkit 3.16.1 signRequest, the headers part of the text it
        // hands to HMAC (captured from crypto.createHmac's update): the names
        // x-contentful-signed-headers lists, `name:value` joined by `;` with none after the last,
        // values only trimmed (the double space inside the webhook name stays).
        let h = Headers {
            names: fixed("{list}"),
            separator: Param::Fixed(",".into()),
            squeeze: Param::Fixed(false),
            join: fixed(";"),
            trailing: Param::Fixed(false),
            ..aws(false)
        };
        let lines: &[u8] = b"Content-Type: application/json\nX-Contentful-Topic: ContentManagement.Entry.publish\nX-Contentful-Webhook-Name:  My  Hook \nUser-Agent: Contentful-Webhooks\nX-Contentful-Timestamp: 1704067200123\nX-Contentful-Signed-Headers: content-type,x-contentful-signed-headers,x-contentful-timestamp,x-contentful-topic,x-contentful-webhook-name";
        let list: &[u8] = b"content-type,x-contentful-signed-headers,x-contentful-timestamp,x-contentful-topic,x-contentful-webhook-name";
        assert_eq!(
            String::from_utf8(eval_over_values(&h, &[("h", lines), ("list", list)]).unwrap())
                .unwrap(),
            "content-type:application/json;x-contentful-signed-headers:content-type,x-contentful-signed-headers,x-contentful-timestamp,x-contentful-topic,x-contentful-webhook-name;x-contentful-timestamp:1704067200123;x-contentful-topic:ContentManagement.Entry.publish;x-contentful-webhook-name:My  Hook"
        );
    }

    #[test]
    fn akamai_headers_to_sign_in_their_order_joined_by_tabs() {
        // edgegrid-python 2.0.9, EdgeGridAuthHeaders(headers_to_sign=["X-Test2", "Host",
        // "X-Absent", "X-Test1"]).canonicalize_headers over these headers: the configured order,
        // an absent one skipped, whitespace runs squeezed, joined by tabs.
        let h = Headers {
            names: fixed("X-Test2;Host;X-Absent;X-Test1"),
            missing: Param::Fixed(Missing::Skip),
            sort: Param::Fixed(Sort::None),
            join: fixed("\t"),
            trailing: Param::Fixed(false),
            ..aws(false)
        };
        let lines: &[u8] = b"X-Test1:   one   two\tthree \nHost: akab-example.luna.akamaiapis.net\nUser-Agent: curl\nX-Test2: 2";
        assert_eq!(
            text(&h, lines).unwrap(),
            "x-test2:2\thost:akab-example.luna.akamaiapis.net\tx-test1:one two three"
        );
        let h = Headers {
            name_case: Param::Fixed(NameCase::AsSent),
            ..h
        };
        assert!(text(&h, lines).unwrap().starts_with("X-Test2:2\tHost:"));
    }

    #[test]
    fn baidu_sorts_whole_lines_and_drops_empty_values() {
        // bce-python-sdk 0.9.79, bce_v1_signer._get_canonical_headers over these headers:
        // b"host:bj.bcebos.com\nx-bce-meta-a-b:2\nx-bce-meta-a:1" (the lines sorted as strings,
        // so `-` before `:`; the blank x-bce-empty left out).
        let baidu = Headers {
            names: fixed("host;content-md5;content-length;content-type"),
            prefixes: vec!["x-bce-".into()],
            missing: Param::Fixed(Missing::Skip),
            empty: Param::Fixed(Empty::Drop),
            encode: Param::Fixed(Encode::Rfc3986),
            squeeze: Param::Fixed(false),
            sort: Param::Fixed(Sort::Line),
            trailing: Param::Fixed(false),
            ..aws(false)
        };
        let lines: &[u8] =
            b"x-bce-meta-a: 1\nx-bce-meta-a-b: 2\nhost: bj.bcebos.com\nx-bce-empty:   ";
        assert_eq!(
            text(&baidu, lines).unwrap(),
            "host:bj.bcebos.com\nx-bce-meta-a-b:2\nx-bce-meta-a:1"
        );
    }
}

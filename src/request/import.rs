//! Import of a customer's request: a raw HTTP request (request line, headers, blank line, body;
//! CRLF or LF) or a curl command line. The body is kept byte for byte.

use std::collections::BTreeMap;

use super::message::err;
pub use super::message::{ImportError, Imported};
use crate::sign::Recipe;
use crate::sign::primitives;
use crate::sign::recipe::Source;
use crate::sign::template::{Piece, Template};

/// Reads a raw HTTP request or a curl command line. `read_file` resolves curl's `@file` data.
pub fn parse(
    input: &[u8],
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    let rest = &input[start..];
    if [&b"curl "[..], b"curl\t", b"curl\\", b"printf "]
        .iter()
        .any(|p| rest.starts_with(p))
    {
        let text = std::str::from_utf8(input).map_err(|e| {
            let line = input[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            err(line, "a curl command line must be UTF-8 text")
        })?;
        super::curl::parse(text, read_file)
    } else if input[start..].is_empty() {
        Err(err(0, "the request is empty"))
    } else {
        let skipped = input[..start].iter().filter(|&&b| b == b'\n').count();
        let mut notes = Vec::new();
        let owned = normalize_head(&input[start..], &mut notes);
        let mut r = parse_http(owned.as_deref().unwrap_or(&input[start..]), skipped)?;
        notes.append(&mut r.notes);
        r.notes = notes;
        Ok(r)
    }
}

/// A head's line end, its lines, and the body after the blank line.
type SplitHead<'a> = (&'static [u8], Vec<&'a [u8]>, Option<&'a [u8]>);

/// How the lines of a request's head end (`\n` for LF and CRLF alike, `\r`, or `\r\r` for CRLF
/// pasted through tmux), the head's lines without their ends, and the body after the blank line.
fn split_head(input: &[u8]) -> Option<SplitHead<'_>> {
    // The line end of the first line decides how every line of the head ends.
    let p = input.iter().position(|&b| b == b'\r' || b == b'\n')?;
    let run = input[p..].iter().take_while(|&&b| b == b'\r').count();
    let unit: &'static [u8] = match (input[p], input.get(p + run)) {
        (b'\n', _) | (_, Some(b'\n')) => b"\n",
        // CR CR before the first header, and four CRs for the blank line: CRLF pasted by tmux.
        _ if run == 2 && input.windows(4).any(|w| w == b"\r\r\r\r") => b"\r\r",
        _ => b"\r",
    };
    if unit == b"\n" {
        let end = find_blank_line(input);
        let head = &input[..end.unwrap_or(input.len())];
        let lines = head
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect();
        let body = end.map(|e| {
            let rest = &input[e..];
            let skip = if rest.starts_with(b"\r\n\r\n") { 4 } else { 2 };
            &rest[skip..]
        });
        Some((unit, lines, body))
    } else {
        let blank = [unit, unit].concat();
        let end = input.windows(blank.len()).position(|w| w == blank);
        let head = &input[..end.unwrap_or(input.len())];
        let mut lines = Vec::new();
        let mut rest = head;
        while let Some(i) = rest.windows(unit.len()).position(|w| w == unit) {
            lines.push(&rest[..i]);
            rest = &rest[i + unit.len()..];
        }
        lines.push(rest);
        Some((unit, lines, end.map(|e| &input[e + blank.len()..])))
    }
}

/// A pasted request whose head lines end in CR alone or CR CR (tmux's paste), with LF line ends
/// in the head so that an editor shows one header a line; the body is kept as it is. None when
/// the head's lines already end in LF or CRLF.
pub fn head_with_lf(input: &str) -> Option<String> {
    let (unit, head, body) = split_head(input.as_bytes())?;
    if unit == b"\n" {
        return None;
    }
    let mut out = head.join(&b'\n');
    if let Some(body) = body {
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(body);
    }
    // Splitting at ASCII bytes keeps UTF-8 whole.
    String::from_utf8(out).ok()
}

/// A request head as a terminal paste or a browser's devtools may give it, rewritten to what
/// HTTP/1.1 reads: lines that end in CR alone or in CR CR (tmux's paste turns LF into CR) get
/// CRLF; an HTTP/2 or HTTP/3 request line gets HTTP/1.1; HTTP/2 pseudo-headers (`:method`,
/// `:path`, `:authority`, `:scheme`) become the request line and Host. The body after the blank
/// line is never changed. None when nothing needs rewriting.
fn normalize_head(input: &[u8], notes: &mut Vec<String>) -> Option<Vec<u8>> {
    let (unit, head, body) = split_head(input)?;
    let mut lines: Vec<Vec<u8>> = head.into_iter().map(<[u8]>::to_vec).collect();
    let mut changed = unit != b"\n";
    if changed {
        notes.push(format!(
            "the request's lines end in {} (a terminal's paste?): read as line ends; the body is kept as it is",
            if unit == b"\r" { "CR alone" } else { "CR CR" }
        ));
    }
    // HTTP/2 pseudo-headers, as devtools list them.
    let pseudo = |lines: &[Vec<u8>], name: &[u8]| -> Option<String> {
        lines.iter().find_map(|l| {
            l.strip_prefix(name)
                .and_then(|v| v.strip_prefix(b":"))
                .map(|v| String::from_utf8_lossy(v.trim_ascii()).into_owned())
        })
    };
    if lines.iter().any(|l| l.starts_with(b":")) {
        let method = pseudo(&lines, b":method");
        let path = pseudo(&lines, b":path");
        let authority = pseudo(&lines, b":authority");
        let scheme = pseudo(&lines, b":scheme");
        let first_is_pseudo = lines[0].starts_with(b":");
        lines.retain(|l| !l.starts_with(b":"));
        if first_is_pseudo {
            let (Some(m), Some(t)) = (method, path) else {
                return None;
            };
            let target = match (&scheme, &authority) {
                (Some(s), Some(a)) => format!("{s}://{a}{t}"),
                _ => t,
            };
            lines.insert(0, format!("{m} {target} HTTP/1.1").into_bytes());
        }
        if let Some(a) = authority
            && !lines[1..]
                .iter()
                .any(|l| l.len() > 5 && l[..5].eq_ignore_ascii_case(b"host:"))
        {
            lines.insert(1, format!("Host: {a}").into_bytes());
        }
        notes.push("HTTP/2 pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) were read as the request line and Host".into());
        changed = true;
    }
    // `POST /x HTTP/2` (or HTTP/3, as devtools show them): the same request in HTTP/1.1 words.
    let first = &mut lines[0];
    for v in [&b" HTTP/2"[..], b" HTTP/2.0", b" HTTP/3", b" HTTP/3.0"] {
        if first.ends_with(v) {
            let version = String::from_utf8_lossy(&v[1..]).into_owned();
            first.truncate(first.len() - v.len());
            first.extend_from_slice(b" HTTP/1.1");
            notes.push(format!(
                "the request line says {version}: read as the same request in HTTP/1.1"
            ));
            changed = true;
            break;
        }
    }
    if !changed {
        return None;
    }
    let mut out = lines.join(&b"\r\n"[..]);
    if let Some(body) = body {
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(body);
    }
    Some(out)
}

/// A body sent with `Transfer-Encoding: chunked`, de-chunked: each chunk's size line (hex, with
/// any extension), its bytes and its line end; the trailer after the last chunk is ignored.
pub fn dechunk(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let eol = body[i..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| format!("the chunk size line at byte {i} has no line end"))?;
        let line = body[i..i + eol]
            .strip_suffix(b"\r")
            .unwrap_or(&body[i..i + eol]);
        let size_text = line
            .split(|&b| b == b';')
            .next()
            .unwrap_or(b"")
            .trim_ascii();
        let size = std::str::from_utf8(size_text)
            .ok()
            .filter(|t| !t.is_empty() && t.len() <= 15)
            .and_then(|t| usize::from_str_radix(t, 16).ok())
            .ok_or_else(|| {
                format!(
                    "the chunk size `{}` at byte {i} is not a hex number",
                    crate::sign::visible::printable(&String::from_utf8_lossy(line))
                )
            })?;
        i += eol + 1;
        if size == 0 {
            return Ok(out);
        }
        let end = i
            .checked_add(size)
            .filter(|&e| e <= body.len())
            .ok_or_else(|| {
                format!(
                    "a chunk of {size} bytes at byte {i} runs past the end ({} bytes left)",
                    body.len() - i
                )
            })?;
        out.extend_from_slice(&body[i..end]);
        i = end;
        if body[i..].starts_with(b"\r\n") {
            i += 2;
        } else if body[i..].starts_with(b"\n") {
            i += 1;
        } else {
            return Err(format!(
                "the chunk ending at byte {i} is not followed by a line end"
            ));
        }
    }
}

/// A raw HTTP/1.x request. `skipped` lines of blank input came before it (for line numbers).
fn parse_http(input: &[u8], skipped: usize) -> Result<Imported, ImportError> {
    // A request line pasted without its version ("POST /x") is read as HTTP/1.1.
    let first_end = input
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(input.len());
    let first = input[..first_end]
        .strip_suffix(b"\r")
        .unwrap_or(&input[..first_end]);
    let words: Vec<&[u8]> = first
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let method_ok = words
        .first()
        .is_some_and(|m| m.iter().all(u8::is_ascii_uppercase));
    let target_ok = words
        .get(1)
        .is_some_and(|t| t.starts_with(b"/") || t.windows(3).any(|w| w == b"://") || *t == b"*");
    // A target with spaces in it (`GET /example space/ HTTP/1.1`, as AWS's test suite has):
    // everything between the method and the version.
    let spaced_target =
        (words.len() > 3 && words[words.len() - 1].starts_with(b"HTTP/")).then(|| {
            let start = first.iter().position(|&b| b == b' ').unwrap_or(0) + 1;
            let end = first
                .iter()
                .rposition(|&b| b == b' ')
                .unwrap_or(first.len());
            String::from_utf8_lossy(first[start..end].trim_ascii()).into_owned()
        });
    let words = match &spaced_target {
        Some(_) => vec![words[0], b"/", words[words.len() - 1]],
        None => words,
    };
    if !(method_ok && target_ok && (2..=3).contains(&words.len())) {
        return Err(err(
            skipped + 1,
            format!(
                "expected a request line such as `POST /path HTTP/1.1` or a curl command line, found `{}`",
                clip(&String::from_utf8_lossy(first))
            ),
        ));
    }
    let mut notes = Vec::new();
    let head_end = find_blank_line(input).unwrap_or(input.len());
    let head = input[first_end.min(head_end)..head_end]
        .strip_prefix(b"\n")
        .unwrap_or(&input[first_end.min(head_end)..head_end])
        .to_vec();
    // httparse refuses folded header lines; the head keeps them, the parse gets them unfolded.
    let folded = head
        .windows(2)
        .any(|w| w[0] == b'\n' && matches!(w[1], b' ' | b'\t'));
    let owned;
    let input = if words.len() == 2 || spaced_target.is_some() || folded {
        let mut v = words.join(&b' ');
        if words.len() == 2 {
            v.extend_from_slice(b" HTTP/1.1");
            notes.push("the request line has no HTTP version; read as HTTP/1.1".to_string());
        }
        let mut rest = input[first.len()..].to_vec();
        if folded {
            let end = find_blank_line(&rest).unwrap_or(rest.len());
            let mut unfolded = Vec::with_capacity(rest.len());
            let mut i = 0;
            while i < end {
                let cr = rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n');
                let nl = if cr { i + 1 } else { i };
                if rest[nl] == b'\n' && i > 0 && matches!(rest.get(nl + 1), Some(b' ' | b'\t')) {
                    unfolded.push(b' ');
                    i = nl + 1;
                    while matches!(rest.get(i), Some(b' ' | b'\t')) {
                        i += 1;
                    }
                    continue;
                }
                unfolded.push(rest[i]);
                i += 1;
            }
            unfolded.extend_from_slice(&rest[end..]);
            rest = unfolded;
            notes.push("folded header lines were joined".to_string());
        }
        v.extend_from_slice(&rest);
        owned = v;
        &owned[..]
    } else {
        input
    };
    let mut headers = vec![httparse::EMPTY_HEADER; 128];
    let mut req = httparse::Request::new(&mut headers);
    let head_len = match req.parse(input) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            // No blank line: everything is head, there is no body.
            let mut with_end = input.to_vec();
            with_end.extend_from_slice(b"\r\n\r\n");
            let mut headers = vec![httparse::EMPTY_HEADER; 128];
            let mut req2 = httparse::Request::new(&mut headers);
            match req2.parse(&with_end) {
                Ok(httparse::Status::Complete(_)) => {
                    notes.push(
                        "no blank line after the headers: read with an empty body".to_string(),
                    );
                    return finish_http(&req2, &[], notes, head, spaced_target);
                }
                _ => {
                    return Err(locate_http_error(
                        input,
                        skipped,
                        "the request is incomplete",
                    ));
                }
            }
        }
        Err(e) => return Err(locate_http_error(input, skipped, &e.to_string())),
    };
    finish_http(&req, &input[head_len..], notes, head, spaced_target)
}

fn finish_http(
    req: &httparse::Request,
    body: &[u8],
    mut notes: Vec<String>,
    head: Vec<u8>,
    spaced_target: Option<String>,
) -> Result<Imported, ImportError> {
    let method = req.method.unwrap_or("GET").to_string();
    let target = spaced_target.unwrap_or_else(|| req.path.unwrap_or("/").to_string());
    let mut headers = Vec::new();
    for h in req.headers.iter() {
        let value = String::from_utf8(h.value.to_vec()).map_err(|_| {
            err(
                0,
                format!("the value of header `{}` is not UTF-8 text", h.name),
            )
        })?;
        headers.push((h.name.to_string(), value));
    }
    let mut body = body.to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        let raw = body.len();
        body =
            dechunk(&body).map_err(|e| err(0, format!("the chunked body does not read: {e}")))?;
        notes.push(format!(
            "the body was sent chunked (Transfer-Encoding: chunked): read as its {} de-chunked bytes ({raw} on the wire)",
            body.len()
        ));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    if let Some(n) = length.filter(|_| !chunked) {
        if body.len() > n {
            notes.push(format!(
                "{} bytes after the {n} of Content-Length are left out (a newline the file added?)",
                body.len() - n
            ));
            body.truncate(n);
        } else if body.len() < n {
            notes.push(format!(
                "the body has {} bytes, Content-Length says {n}",
                body.len()
            ));
        }
    }
    let url = if target.contains("://") {
        target
    } else {
        match headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("host")) {
            Some((_, host)) => {
                notes.push(
                    "raw HTTP does not say the scheme: https assumed (--set url=… to change)"
                        .to_string(),
                );
                format!("https://{}{target}", host.trim())
            }
            None => {
                notes.push("no Host header: the URL is the request target alone".to_string());
                target
            }
        }
    };
    Ok(Imported {
        method,
        url,
        headers,
        head,
        body,
        notes,
    })
}

/// Finds the first line of a raw request that httparse would refuse, to name it.
fn locate_http_error(input: &[u8], skipped: usize, fallback: &str) -> ImportError {
    let head_end = find_blank_line(input).unwrap_or(input.len());
    for (i, line) in input[..head_end].split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let n = skipped + i + 1;
        let text = String::from_utf8_lossy(line);
        if i == 0 {
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            let method_ok = words
                .first()
                .is_some_and(|m| m.chars().all(|c| c.is_ascii_uppercase()));
            if words.len() != 3 || !method_ok || !words[2].starts_with("HTTP/") {
                return err(
                    n,
                    format!(
                        "expected a request line such as `POST /path HTTP/1.1`, found `{}`",
                        clip(&text)
                    ),
                );
            }
            continue;
        }
        match text.split_once(':') {
            Some((name, _))
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)) => {}
            _ => {
                return err(
                    n,
                    format!(
                        "expected a header line `Name: value`, found `{}`",
                        clip(&text)
                    ),
                );
            }
        }
    }
    err(
        skipped + 1,
        format!("not a raw HTTP request or a curl command line: {fallback}"),
    )
}

fn find_blank_line(input: &[u8]) -> Option<usize> {
    let crlf = input.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = input.windows(2).position(|w| w == b"\n\n");
    [crlf, lf].into_iter().flatten().min()
}

fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        s.chars().take(57).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// A request's values for a scheme: fields, body and the signature it carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapped {
    pub fields: BTreeMap<String, String>,
    pub body: Option<Vec<u8>>,
    /// The request's header lines as received.
    pub headers: Vec<u8>,
    pub signature: Option<String>,
    /// What was taken from where, and what was not found.
    pub notes: Vec<String>,
    /// A carrier that is there but malformed (an Authorization that does not read as the
    /// scheme's, a Stripe-Signature without t=): one sentence each, naming the header.
    pub errors: Vec<String>,
}

/// The schemes whose import finds a signature in a request, in catalog order.
pub fn recognize<'r>(recipes: &'r [Recipe], req: &Imported) -> Vec<&'r Recipe> {
    recipes
        .iter()
        .filter(|r| {
            map(r, req, &BTreeMap::new())
                .signature
                .is_some_and(|s| !s.trim().is_empty())
        })
        .collect()
}

/// Takes a scheme's inputs from a request, by the recipe's `[import]` rules. Fields in `given`
/// (set explicitly) are kept and not looked up.
pub fn map(recipe: &Recipe, req: &Imported, given: &BTreeMap<String, String>) -> Mapped {
    map_with(recipe, req, given, &BTreeMap::new())
}

/// As [`map`]; `context` holds field values that name sources (`header:{header}`) without
/// being kept over the request's.
pub fn map_with(
    recipe: &Recipe,
    req: &Imported,
    given: &BTreeMap<String, String>,
    context: &BTreeMap<String, String>,
) -> Mapped {
    let mut m = Mapped {
        headers: req.head.clone(),
        ..Mapped::default()
    };
    let spec = &recipe.import;
    let known = |m: &Mapped, name: &str| {
        given
            .get(name)
            .or(m.fields.get(name))
            .or(context.get(name).filter(|v| !v.is_empty()))
            .cloned()
    };
    for (field, sources) in &spec.fields {
        if given.contains_key(field) {
            continue;
        }
        match first_value(req, sources, &|n| known(&m, n)) {
            Some((v, _)) => {
                m.fields.insert(field.clone(), v);
            }
            None => m.notes.push(format!(
                "no {} in the request for `{field}`",
                describe_sources(sources, req)
            )),
        }
    }
    for p in &spec.patterns {
        let Some(value) = source_value(req, &p.from, &|n| known(&m, n)) else {
            m.notes.push(format!("no {} in the request", p.from.from));
            continue;
        };
        let (kind, source_name) = p.from.from.split_once(':').unwrap_or(("", &p.from.from));
        let place = if kind == "header" {
            format!("header {source_name}")
        } else {
            p.from.from.clone()
        };
        let found = match &p.split {
            // A list (`t=…,v1=…`): the captures of every item that reads as the pattern.
            Some(sep) => {
                let all: Vec<(String, String)> = value
                    .split(sep.as_str())
                    .filter_map(|item| match_pattern(&p.pattern, item.trim()))
                    .flatten()
                    .collect();
                (!all.is_empty()).then_some(all)
            }
            None => match_pattern(&p.pattern, &value),
        };
        match found {
            Some(captures) => {
                for (name, v) in captures {
                    let v = match p.decode.get(&name) {
                        Some(alphabet) => {
                            match crate::sign::primitives::decode_base64(v.as_bytes(), *alphabet) {
                                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                                Err(e) => {
                                    m.errors.push(format!("{place}: the {name} part {e}"));
                                    continue;
                                }
                            }
                        }
                        None => v,
                    };
                    if name == "signature" {
                        m.signature = Some(v);
                    } else if name == "body" {
                        m.body = Some(v.into_bytes());
                    } else if !name.starts_with('_') && !given.contains_key(&name) {
                        m.fields.entry(name).or_insert(v);
                    }
                }
            }
            None => {
                let shown: String = value.chars().take(60).collect();
                m.errors.push(match &p.split {
                    Some(sep) => format!(
                        "{place}: no `{}` item among `{shown}` (items split on {sep:?})",
                        p.pattern
                    ),
                    None => format!("{place}: `{shown}` does not read as `{}`", p.pattern),
                });
            }
        }
    }
    if !spec.signature.is_empty() {
        match first_value(req, &spec.signature, &|n| known(&m, n)) {
            Some((v, _)) => m.signature = Some(v),
            None => m.notes.push(format!(
                "no {} in the request for the signature",
                describe_sources(&spec.signature, req)
            )),
        }
    }
    let body_sources = if spec.body.is_empty() {
        vec![Source {
            from: "body".into(),
            methods: Vec::new(),
        }]
    } else {
        spec.body.clone()
    };
    if m.body.is_none() {
        m.body = first_value_bytes(req, &body_sources, &|n| known(&m, n)).map(|(b, _)| b);
    }
    m
}

fn applies(source: &Source, req: &Imported) -> bool {
    source.methods.is_empty()
        || source
            .methods
            .iter()
            .any(|x| x.eq_ignore_ascii_case(&req.method))
}

fn describe_sources(sources: &[Source], req: &Imported) -> String {
    let list: Vec<&str> = sources
        .iter()
        .filter(|s| applies(s, req))
        .map(|s| s.from.as_str())
        .collect();
    list.join(" or ")
}

fn first_value(
    req: &Imported,
    sources: &[Source],
    field: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, usize)> {
    first_value_bytes(req, sources, field)
        .map(|(b, i)| (String::from_utf8_lossy(&b).into_owned(), i))
}

fn first_value_bytes(
    req: &Imported,
    sources: &[Source],
    field: &dyn Fn(&str) -> Option<String>,
) -> Option<(Vec<u8>, usize)> {
    sources
        .iter()
        .enumerate()
        .filter(|(_, s)| applies(s, req))
        .find_map(|(i, s)| source_value_bytes(req, s, field).map(|v| (v, i)))
}

fn source_value(
    req: &Imported,
    source: &Source,
    field: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    source_value_bytes(req, source, field).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The value at a source, if the request has it.
fn source_value_bytes(
    req: &Imported,
    source: &Source,
    field: &dyn Fn(&str) -> Option<String>,
) -> Option<Vec<u8>> {
    let (kind, name) = match source.from.split_once(':') {
        Some((k, n)) => (k, Some(render_name(n, field)?)),
        None => (source.from.as_str(), None),
    };
    let (before_fragment, _) = req.url.split_once('#').unwrap_or((&req.url, ""));
    let (without_query, query) = match before_fragment.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (before_fragment, None),
    };
    match (kind, name) {
        ("header", Some(n)) => req.header(&n).map(|v| v.trim().as_bytes().to_vec()),
        ("query", Some(n)) => {
            let params = primitives::parse_params(query?.as_bytes(), true).ok()?;
            params
                .into_iter()
                .find(|(k, _)| k == n.as_bytes())
                .map(|(_, v)| v)
        }
        ("member", Some(n)) => {
            let json = primitives::parse_json(&req.body).ok()?;
            match member(&json, &n)? {
                serde_json::Value::String(s) => Some(s.clone().into_bytes()),
                other => Some(other.to_string().into_bytes()),
            }
        }
        ("form", Some(n)) => primitives::parse_params(&req.body, true)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == n.as_bytes())
            .map(|(_, v)| v),
        ("auth-param", Some(n)) => auth_params(req.header("authorization")?)
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&n))
            .map(|(_, v)| v.into_bytes()),
        ("method", None) => Some(req.method.clone().into_bytes()),
        ("url", None) => Some(req.url.clone().into_bytes()),
        ("url-without-query", None) => Some(without_query.as_bytes().to_vec()),
        ("body", None) => Some(req.body.clone()),
        ("query", None) => query.map(|q| q.as_bytes().to_vec()),
        _ => None,
    }
}

/// The member at a dotted path (`items.0.data.sig`): object names, and array indexes by number.
/// A member whose own name holds dots is found too.
pub fn member<'v>(value: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    if let Some(v) = value.as_object().and_then(|o| o.get(path)) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    let next = match value {
        serde_json::Value::Object(o) => o.get(head)?,
        serde_json::Value::Array(a) => a.get(head.parse::<usize>().ok()?)?,
        _ => return None,
    };
    member(next, rest)
}

/// The parameters of an `Authorization` header after its scheme word: `k=v` or `k="v"`, comma
/// separated; values percent-decoded (as OAuth writes them).
fn auth_params(value: &str) -> Vec<(String, String)> {
    let rest = value.trim().split_once([' ', '\t']).map_or("", |(_, r)| r);
    let mut out = Vec::new();
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && matches!(bytes[i], b' ' | b',' | b'\t') {
            i += 1;
        }
        let Some(eq) = rest[i..].find('=').map(|e| e + i) else {
            break;
        };
        let name = rest[i..eq].trim().to_string();
        let mut j = eq + 1;
        let value = if bytes.get(j) == Some(&b'"') {
            let end = rest[j + 1..].find('"').map_or(rest.len(), |e| e + j + 1);
            let v = &rest[j + 1..end.min(rest.len())];
            j = (end + 1).min(rest.len());
            v
        } else {
            let end = rest[j..].find(',').map_or(rest.len(), |e| e + j);
            let v = rest[j..end].trim();
            j = end;
            v
        };
        let value = primitives::percent_decode(value.as_bytes(), false);
        out.push((name, String::from_utf8_lossy(&value).into_owned()));
        i = j;
    }
    out
}

/// A source name with `{field}` references filled in; None when a field is empty.
fn render_name(name: &str, field: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let t = Template::parse(name).ok()?;
    let mut out = String::new();
    for p in t.pieces() {
        match p {
            Piece::Literal(l) => out.push_str(l),
            Piece::Ref(r) => out.push_str(&field(r).filter(|v| !v.is_empty())?),
        }
    }
    Some(out)
}

/// Matches `value` against a template: literals in order, each reference taking the text up to
/// the next literal (the last one, the rest).
fn match_pattern(pattern: &Template, value: &str) -> Option<Vec<(String, String)>> {
    let pieces = pattern.pieces();
    let mut rest = value.trim();
    let mut out = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Literal(l) => rest = rest.strip_prefix(l.as_str())?,
            Piece::Ref(name) => {
                let end = match pieces.get(i + 1) {
                    Some(Piece::Literal(next)) => rest.find(next.as_str())?,
                    _ => rest.len(),
                };
                out.push((name.clone(), rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(_: &str) -> Result<Vec<u8>, String> {
        Err("no files here".into())
    }

    #[test]
    fn raw_http_with_crlf_keeps_the_body_exactly() {
        let r = parse(b"POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nSign: abc\r\nContent-Length: 6\r\n\r\n{\"a\"}\r\n", &mut no_files).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://api.tpns.tencent.com/v3/push/app");
        assert_eq!(r.header("sign"), Some("abc"));
        assert_eq!(r.body, b"{\"a\"}\r");
        assert!(r.notes.iter().any(|n| n.contains("Content-Length")));
    }

    #[test]
    fn raw_http_with_lf_and_no_version() {
        let r = parse(
            b"\nPOST https://example.isv.com/produceAPI/v2/tenantSync\nx-sign:11C4\n\n{\"a\": 1}\n",
            &mut no_files,
        )
        .unwrap();
        assert_eq!(r.url, "https://example.isv.com/produceAPI/v2/tenantSync");
        assert_eq!(r.header("x-sign"), Some("11C4"));
        assert_eq!(r.body, b"{\"a\": 1}\n");
    }

    #[test]
    fn cr_and_cr_cr_line_ends_in_the_head_keep_the_body() {
        let crlf = b"POST /x HTTP/1.1\r\nHost: h\r\nSign: abc\r\n\r\nline1\r\nline2";
        let lf = crlf
            .to_vec()
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect::<Vec<_>>();
        let r = parse(&lf, &mut no_files).unwrap();
        assert_eq!(
            (r.url.as_str(), r.header("sign")),
            ("https://h/x", Some("abc"))
        );
        assert_eq!(r.body, b"line1\r\rline2");
        let cr: Vec<u8> = String::from_utf8_lossy(crlf)
            .replace("\r\n", "\r")
            .into_bytes();
        let r = parse(&cr, &mut no_files).unwrap();
        assert_eq!(
            (r.header("sign"), r.body.as_slice()),
            (Some("abc"), &b"line1\rline2"[..])
        );
        assert!(
            r.notes.iter().any(|n| n.contains("CR alone")),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn http2_and_http3_request_lines_and_pseudo_headers() {
        let r = parse(
            b"POST /x?a=1 HTTP/2\nhost: h\nsign: s\n\nbody",
            &mut no_files,
        )
        .unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str(), r.body.as_slice()),
            ("POST", "https://h/x?a=1", &b"body"[..])
        );
        assert!(
            r.notes.iter().any(|n| n.contains("HTTP/2")),
            "{:?}",
            r.notes
        );
        let r = parse(b"GET /y HTTP/3\r\nHost: h\r\n\r\n", &mut no_files).unwrap();
        assert_eq!(r.url, "https://h/y");
        let r = parse(
            b":authority: api.example.com\n:method: PUT\n:path: /v1/a\n:scheme: http\ncontent-type: text/plain\n\nhi",
            &mut no_files,
        )
        .unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str()),
            ("PUT", "http://api.example.com/v1/a")
        );
        assert_eq!(
            (r.header("host"), r.header("content-type")),
            (Some("api.example.com"), Some("text/plain"))
        );
        assert_eq!(r.body, b"hi");
    }

    #[test]
    fn a_chunked_body_is_de_chunked() {
        let r = parse(
            b"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n",
            &mut no_files,
        )
        .unwrap();
        assert_eq!(r.body, b"Wikipedia in \r\n\r\nchunks.");
        assert!(
            r.notes.iter().any(|n| n.contains("chunked")),
            "{:?}",
            r.notes
        );
        let e = parse(
            b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab",
            &mut no_files,
        )
        .unwrap_err();
        assert!(e.message.contains("not a hex number"), "{e}");
        let e = parse(
            b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nab",
            &mut no_files,
        )
        .unwrap_err();
        assert!(e.message.contains("runs past the end"), "{e}");
    }

    #[test]
    fn a_bad_header_line_is_named() {
        let e = parse(
            b"POST / HTTP/1.1\r\nHost: h\r\nthis is not a header\r\n\r\n",
            &mut no_files,
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse(b"\n\nhello world\n", &mut no_files).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn curl_as_a_shell_reads_it() {
        let cmd = "curl -X POST -H 'Content-Type: application/json' \\\n  'https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLU' \\\n  --data '{\"a\": \"it'\\''s\"}'";
        let r = parse(cmd.as_bytes(), &mut no_files).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url,
            "https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLU"
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, b"{\"a\": \"it's\"}");
    }

    #[test]
    fn curl_data_forms() {
        let mut files = |p: &str| -> Result<Vec<u8>, String> {
            assert_eq!(p, "body.json");
            Ok(b"{\r\n\"a\": 1\r\n}\n".to_vec())
        };
        let r = parse(b"curl https://h/x -d @body.json -d b=2", &mut files).unwrap();
        assert_eq!(r.body, b"{\"a\": 1}&b=2");
        let r = parse(b"curl https://h/x --data-binary @body.json", &mut files).unwrap();
        assert_eq!(r.body, b"{\r\n\"a\": 1\r\n}\n");
        let r = parse(b"curl --url https://h/x --data-raw @x -XPUT", &mut files).unwrap();
        assert_eq!((r.method.as_str(), r.body.as_slice()), ("PUT", &b"@x"[..]));
        let r = parse(b"curl -G https://h/x?a=1 -d b=2", &mut files).unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str()),
            ("GET", "https://h/x?a=1&b=2")
        );
    }

    fn recipe(id: &str) -> Recipe {
        crate::sign::builtin::all()
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    }

    #[test]
    fn tpns_fields_and_sign_from_the_seed_page_request() {
        // The HTTP example of the seed page, as printed there.
        let raw = "POST /v3/push/app HTTP/1.1\nHost: api.tpns.tencent.com\nContent-Type: application/json\nAccessId: 1500001048\nTimeStamp: 1565314789\nSign: Y2QyMDc3NDY4MmJmNzhiZmRiNDNlMTdkMWQ1ZDU2YjNlNWI3ODlhMTY3MGZjMTUyN2VmNTRjNjVkMmQ3Yjc2ZA==\n\n{\"a\":1}";
        let req = parse(raw.as_bytes(), &mut no_files).unwrap();
        let m = map(&recipe("tpns"), &req, &BTreeMap::new());
        assert_eq!(m.fields["access_id"], "1500001048");
        assert_eq!(m.fields["timestamp"], "1565314789");
        assert_eq!(m.fields["url"], "https://api.tpns.tencent.com/v3/push/app");
        assert_eq!(
            m.signature.as_deref(),
            Some(
                "Y2QyMDc3NDY4MmJmNzhiZmRiNDNlMTdkMWQ1ZDU2YjNlNWI3ODlhMTY3MGZjMTUyN2VmNTRjNjVkMmQ3Yjc2ZA=="
            )
        );
        assert_eq!(m.body.as_deref(), Some(&b"{\"a\":1}"[..]));
        // An explicit field wins over the request's.
        let given = BTreeMap::from([("timestamp".to_string(), "1".to_string())]);
        assert!(
            !map(&recipe("tpns"), &req, &given)
                .fields
                .contains_key("timestamp")
        );
    }

    #[test]
    fn etower_authorization_is_taken_apart() {
        let raw = "GET /services/shipper/orders?page=1 HTTP/1.1\r\nHost: cfs-qa.etowertech.com\r\nX-WallTech-Date: Thu, 04 Nov 2021 03:39:28 GMT\r\nAuthorization: WallTech testLvs2jdug2qIoRsJyuxs:2THPh5_j4OTYUGdinstTC4nYqDE=\r\n\r\n";
        let m = map(
            &recipe("etower"),
            &parse(raw.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(m.fields["token"], "testLvs2jdug2qIoRsJyuxs");
        assert_eq!(m.signature.as_deref(), Some("2THPh5_j4OTYUGdinstTC4nYqDE="));
        assert_eq!(m.fields["method"], "GET");
        assert_eq!(
            m.fields["url"],
            "https://cfs-qa.etowertech.com/services/shipper/orders?page=1"
        );
        assert_eq!(m.fields["date"], "Thu, 04 Nov 2021 03:39:28 GMT");
    }

    #[test]
    fn huawei_query_and_authtoken_and_moneyhoney_header() {
        let curl = "curl -X POST -H 'Content-Type: application/json' 'https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLUammMSInlrNWb' --data '{}'";
        let m = map(
            &recipe("huawei-basic"),
            &parse(curl.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(
            (m.fields["timestamp"].as_str(), m.fields["nonce"].as_str()),
            ("1716363778801", "RLLUammMSInlrNWb")
        );
        assert_eq!(m.fields["url"], "https://www.isvwebsite.com/saasproduce");
        assert_eq!(m.signature.as_deref(), Some("af71"));
        let get =
            "GET /saasproduce?p1=1&timeStamp=201706211855321&authToken=a%2Bb HTTP/1.1\nHost: h\n\n";
        let m = map(
            &recipe("huawei-authtoken"),
            &parse(get.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(
            m.body.as_deref(),
            Some(&b"p1=1&timeStamp=201706211855321&authToken=a%2Bb"[..])
        );
        assert_eq!(m.signature.as_deref(), Some("a+b"));
        let raw = "POST /v2/x?q=1 HTTP/1.1\nHost: example.com\nX-Sig: abc\n\n{}";
        let req = parse(raw.as_bytes(), &mut no_files).unwrap();
        let m = map(&recipe("moneyhoney"), &req, &BTreeMap::new());
        assert_eq!(m.signature, None, "no header named yet");
        let given = BTreeMap::from([("header".to_string(), "X-Sig".to_string())]);
        assert_eq!(
            map(&recipe("moneyhoney"), &req, &given)
                .signature
                .as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn linksfield_sign_member() {
        let raw = "POST /api HTTP/1.1\nHost: h\n\n{\"version\": \"2.0\", \"sign\": \"Z8zC\"}";
        let m = map(
            &recipe("linksfield"),
            &parse(raw.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(m.signature.as_deref(), Some("Z8zC"));
    }

    #[test]
    fn curl_errors_name_the_line() {
        let e = parse(b"curl https://h/x \\\n -H 'no colon'", &mut no_files).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "the header `no colon` has no `:`")
        );
        let e = parse(b"curl -X", &mut no_files).unwrap_err();
        assert_eq!(e.message, "`-X` needs a value");
        let e = parse(b"curl 'https://h/x", &mut no_files).unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
        let e = parse(b"curl -s", &mut no_files).unwrap_err();
        assert_eq!(e.message, "the curl command line has no URL");
    }
}

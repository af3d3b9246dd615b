//! The search space: every single change that applies to a case. The changes to the inputs
//! (variants, the key's forms, the body's line ends and JSON re-serializations, a header left
//! unsigned, the URL's forms) are made here; the changes to how the recipe signs come from its
//! stages, each primitive saying what can go wrong with it.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use super::Case;
use super::change::{Change, JsonStyle};
use super::stacks;
use crate::sign::encoding::{Alphabet, decode_base64};
use crate::sign::form::{UrlPart, url_part};
use crate::sign::json::{parse_json, spaced_formatter};
use crate::sign::primitive::{Mistake, Prim, Slip};
use crate::sign::primitives::parse_header_lines;
use crate::sign::{FieldKind, Trace};

/// A change with what it does to the inputs.
#[derive(Clone)]
pub(super) struct Single {
    pub(super) change: Change,
    pub(super) apply: Apply,
    /// Tried alone only, never in a pair (one of a family too large to pair: a millisecond
    /// remainder).
    pub(super) solo: bool,
}

#[derive(Clone)]
pub(super) enum Apply {
    Choice(String, String),
    Key(Vec<u8>),
    Body(Vec<u8>),
    Field(String, String),
    /// Several fields at once (two swapped).
    Fields(Vec<(String, String)>),
    /// The header lines replaced.
    Headers(Vec<u8>),
    /// The header lines without one header (and its name out of every `;` list of names).
    HeaderOut(String),
    /// Stages of the recipe (by index) replaced by the other signer's.
    Stages(Vec<(usize, Prim)>),
}

/// Header lines without every line of one header (and the folded lines that continue it).
pub(super) fn without_header(headers: &[u8], name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in headers.split_inclusive(|&b| b == b'\n') {
        if matches!(line.first(), Some(b' ' | b'\t')) {
            if !skipping {
                out.extend_from_slice(line);
            }
            continue;
        }
        let this = line.split(|&b| b == b':').next().unwrap_or_default();
        skipping = this.trim_ascii().eq_ignore_ascii_case(name.as_bytes());
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out
}

/// Every single change that applies to this case, most likely first.
pub(super) fn singles(case: &Case, ours: &Trace) -> Vec<Single> {
    let mut out = Vec::new();
    let mut solos = Vec::new();
    let mut push = |change: Change, apply: Apply| {
        out.push(Single {
            change,
            apply,
            solo: false,
        })
    };

    for v in &case.recipe.variants {
        let current = case.selection.choice(&v.name).to_string();
        for c in v.choices.iter().filter(|c| **c != current) {
            push(
                Change::Variant {
                    name: v.name.clone(),
                    choice: c.clone(),
                    ours: current.clone(),
                },
                Apply::Choice(v.name.clone(), c.clone()),
            );
        }
    }

    let body = case.body;
    if !body.is_empty() {
        if body.ends_with(b"\n") {
            let cut = if body.ends_with(b"\r\n") { 2 } else { 1 };
            push(
                Change::BodyNewlineRemoved,
                Apply::Body(body[..body.len() - cut].to_vec()),
            );
        } else {
            push(
                Change::BodyNewlineAdded,
                Apply::Body([body, b"\n"].concat()),
            );
        }
        let text = String::from_utf8_lossy(body);
        if body.contains(&b'\n') && !text.contains("\r\n") {
            push(
                Change::BodyCrlf,
                Apply::Body(text.replace('\n', "\r\n").into_bytes()),
            );
        }
        if text.contains("\r\n") {
            push(
                Change::BodyLf,
                Apply::Body(text.replace("\r\n", "\n").into_bytes()),
            );
        }
        if let Ok(value) = parse_json(body) {
            json_singles(body, &value, &mut push);
        }
        byte_singles(body, &mut push);
        form_singles(case, ours, &mut push);
    }

    let key = case.key;
    let key_text = String::from_utf8_lossy(key);
    let trimmed = key_text.trim();
    if trimmed.len() != key_text.len() {
        push(Change::KeyTrimmed, Apply::Key(trimmed.as_bytes().to_vec()));
    }
    if trimmed.len().is_multiple_of(2)
        && !trimmed.is_empty()
        && let Ok(k) = hex::decode(trimmed)
    {
        push(Change::KeyHexDecoded, Apply::Key(k));
    }
    if trimmed.len() >= 4 {
        let decoded = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
            .into_iter()
            .find_map(|e| e.decode(trimmed).ok());
        if let Some(k) = decoded {
            push(Change::KeyBase64Decoded, Apply::Key(k));
        }
    }
    push(Change::KeyNewline, Apply::Key([key, b"\n"].concat()));
    if !key.ends_with(b"\r\n") {
        push(Change::KeyCrlf, Apply::Key([key, b"\r\n"].concat()));
    }
    // `whsec_…`: the part after a lower-case prefix and `_`, base64-decoded.
    if let Some((prefix, rest)) = trimmed.split_once('_') {
        let is_prefix = !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_lowercase());
        let decoded = decode_base64(rest.as_bytes(), Alphabet::Standard)
            .or_else(|_| decode_base64(rest.as_bytes(), Alphabet::UrlSafe));
        if let (true, Ok(k)) = (is_prefix, decoded) {
            push(
                Change::KeyPrefixDecoded(format!("{prefix}_")),
                Apply::Key(k),
            );
        }
    }
    // Each header of the request, left out of what is signed.
    if let Ok(lines) = parse_header_lines(case.headers) {
        let mut seen = Vec::new();
        for (name, _) in lines {
            let name = name.to_ascii_lowercase();
            if !seen.contains(&name) {
                push(
                    Change::HeaderLeftOut(name.clone()),
                    Apply::HeaderOut(name.clone()),
                );
                seen.push(name);
            }
        }
    }

    for f in case
        .recipe
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Url)
    {
        let Some(url) = ours.fields.get(&f.name) else {
            continue;
        };
        let full = url.clone();
        if let Some((scheme, rest)) = full.split_once("://") {
            let other = if scheme == "https" { "http" } else { "https" };
            push(
                Change::UrlScheme(other),
                Apply::Field(f.name.clone(), format!("{other}://{rest}")),
            );
            let path_and_query =
                String::from_utf8_lossy(&url_part(full.as_bytes(), UrlPart::PathAndQuery))
                    .into_owned();
            push(
                Change::UrlPathOnly,
                Apply::Field(f.name.clone(), path_and_query),
            );
        }
        if let Some((scheme, rest)) = full.split_once("://") {
            let port = if scheme == "https" { "443" } else { "80" };
            let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (host, path) = rest.split_at(host_end);
            let written = format!(":{port}");
            if let Some(bare) = host.strip_suffix(&written) {
                push(
                    Change::UrlPort {
                        written: false,
                        port,
                    },
                    Apply::Field(f.name.clone(), format!("{scheme}://{bare}{path}")),
                );
            } else if !host.contains(':') {
                push(
                    Change::UrlPort {
                        written: true,
                        port,
                    },
                    Apply::Field(f.name.clone(), format!("{scheme}://{host}{written}{path}")),
                );
            }
        }
        url_singles(&f.name, &full, &mut push);
        if let Some((without, _)) = full.split_once('?') {
            push(
                Change::UrlWithoutQuery,
                Apply::Field(f.name.clone(), without.to_string()),
            );
            push(
                Change::UrlWithoutQuestionMark,
                Apply::Field(f.name.clone(), full.replacen('?', "", 1)),
            );
        }
    }

    field_singles(case, ours, &mut push);
    // A time signed in milliseconds where its header carries seconds (`Date.now()` signed,
    // `Math.floor(Date.now() / 1000)` sent): every millisecond of that second, alone, last.
    for f in &case.recipe.fields {
        if f.kind != FieldKind::UnixSeconds {
            continue;
        }
        let Some(n) = ours
            .fields
            .get(&f.name)
            .and_then(|v| v.trim().parse::<i64>().ok())
        else {
            continue;
        };
        for ms in 1..1000 {
            solos.push(Single {
                change: Change::FieldMillis {
                    name: f.name.clone(),
                    millis: true,
                },
                apply: Apply::Field(f.name.clone(), (n.saturating_mul(1000) + ms).to_string()),
                solo: true,
            });
        }
    }
    if let Ok(lines) = parse_header_lines(case.headers) {
        for (name, value) in &lines {
            if !name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let value = String::from_utf8_lossy(value);
            let other = match value.split_once(';') {
                Some((bare, _)) => bare.trim().to_string(),
                None => format!("{}; charset=utf-8", value.trim()),
            };
            let replaced = replace_header(case.headers, name, &other);
            push(
                Change::HeaderValue {
                    header: name.to_ascii_lowercase(),
                    value: other,
                },
                Apply::Headers(replaced),
            );
        }
    }

    // What each stage of the recipe says can go wrong with it, likeliest first; a slip that
    // several stages offer is one change to all of them.
    let mut offered: Vec<(u8, usize, Mistake)> = Vec::new();
    for (i, stage) in case.recipe.stages.iter().enumerate() {
        if stage.active(case.selection) {
            offered.extend(
                stage
                    .prim
                    .mistakes(case.selection)
                    .into_iter()
                    .map(|m| (m.slip.rank, i, m)),
            );
        }
    }
    offered.sort_by_key(|(rank, _, _)| *rank);
    let mut slips: Vec<(Slip, Vec<(usize, Prim)>)> = Vec::new();
    for (_, i, m) in offered {
        match slips.iter_mut().find(|(s, _)| *s == m.slip) {
            Some((_, stages)) => stages.push((i, m.prim)),
            None => slips.push((m.slip, vec![(i, m.prim)])),
        }
    }
    for (slip, stages) in slips {
        push(Change::Stage(slip), Apply::Stages(stages));
    }
    out.append(&mut solos);
    out
}

/// Header lines with every value of one header replaced.
fn replace_header(headers: &[u8], name: &str, value: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in headers.split_inclusive(|&b| b == b'\n') {
        let this = line.split(|&b| b == b':').next().unwrap_or_default();
        if this.trim_ascii().eq_ignore_ascii_case(name.as_bytes()) {
            let end = if line.ends_with(b"\r\n") {
                "\r\n"
            } else if line.ends_with(b"\n") {
                "\n"
            } else {
                ""
            };
            out.extend_from_slice(format!("{name}: {value}{end}").as_bytes());
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The URL with a trailing slash added or dropped, its query sorted or written again by each
/// URL encoder, and a proxy's or the app's own host.
fn url_singles(name: &str, url: &str, push: &mut dyn FnMut(Change, Apply)) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let with = |path: &str, query: Option<&str>| match query {
        Some(q) => format!("{scheme}://{host}{path}?{q}"),
        None => format!("{scheme}://{host}{path}"),
    };
    if let Some(stripped) = path.strip_suffix('/').filter(|p| !p.is_empty()) {
        push(
            Change::UrlTrailingSlash(false),
            Apply::Field(name.to_string(), with(stripped, query)),
        );
    } else {
        let added = if path.is_empty() {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        push(
            Change::UrlTrailingSlash(true),
            Apply::Field(name.to_string(), with(&added, query)),
        );
    }
    if let Some(q) = query {
        let mut parts: Vec<&str> = q.split('&').collect();
        parts.sort();
        let sorted = parts.join("&");
        if sorted != q {
            push(
                Change::UrlQuerySorted,
                Apply::Field(name.to_string(), with(path, Some(&sorted))),
            );
        }
        if let Ok(pairs) = crate::sign::form::parse_params(q.as_bytes(), true) {
            let mut seen = vec![q.to_string()];
            for e in stacks::FORM_ENCODERS {
                let written = String::from_utf8_lossy(&stacks::form_encode(&pairs, e)).into_owned();
                if !seen.contains(&written) {
                    seen.push(written.clone());
                    push(
                        Change::UrlQueryEncoded(e.stack),
                        Apply::Field(name.to_string(), with(path, Some(&written))),
                    );
                }
            }
        }
    }
    for other in [
        "localhost:3000",
        "localhost:8080",
        "localhost:5000",
        "localhost:8000",
        "localhost",
        "127.0.0.1:3000",
        "127.0.0.1:8080",
    ] {
        if other != host {
            let url = format!("{scheme}://{other}{tail}");
            push(
                Change::UrlHost(other.to_string()),
                Apply::Field(name.to_string(), url),
            );
        }
    }
}

/// Fields swapped in pairs, each rendered as a template renders a missing value, and a time in
/// the other unit.
fn field_singles(case: &Case, ours: &Trace, push: &mut dyn FnMut(Change, Apply)) {
    let plain: Vec<(&str, &String)> = case
        .recipe
        .fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Url | FieldKind::Method))
        .filter_map(|f| ours.fields.get(&f.name).map(|v| (f.name.as_str(), v)))
        .collect();
    for (i, (a, va)) in plain.iter().enumerate() {
        for (b, vb) in &plain[i + 1..] {
            if va != vb && !va.is_empty() && !vb.is_empty() {
                push(
                    Change::FieldsSwapped(a.to_string(), b.to_string()),
                    Apply::Fields(vec![
                        (a.to_string(), vb.to_string()),
                        (b.to_string(), va.to_string()),
                    ]),
                );
            }
        }
    }
    for f in &case.recipe.fields {
        let Some(value) = ours.fields.get(&f.name) else {
            continue;
        };
        match f.kind {
            FieldKind::UnixSeconds => {
                if let Ok(n) = value.trim().parse::<i64>() {
                    push(
                        Change::FieldMillis {
                            name: f.name.clone(),
                            millis: true,
                        },
                        Apply::Field(f.name.clone(), (n.saturating_mul(1000)).to_string()),
                    );
                }
            }
            FieldKind::UnixMillis => {
                if let Ok(n) = value.trim().parse::<i64>() {
                    push(
                        Change::FieldMillis {
                            name: f.name.clone(),
                            millis: false,
                        },
                        Apply::Field(f.name.clone(), (n / 1000).to_string()),
                    );
                }
            }
            _ => {}
        }
    }
    for (name, value) in &plain {
        for literal in ["undefined", "null", "None", ""] {
            if value.as_str() != literal {
                push(
                    Change::FieldLiteral {
                        name: name.to_string(),
                        value: literal,
                    },
                    Apply::Field(name.to_string(), literal.to_string()),
                );
            }
        }
    }
}

/// The body written again as JSON by each stack's encoder (the commonest first), then by every
/// other combination of style, order and escapes; each also with a final newline added (or
/// dropped), which is one change: `print(json.dumps(v))`, `jq .`.
fn json_singles(body: &[u8], value: &serde_json::Value, push: &mut dyn FnMut(Change, Apply)) {
    let mut seen: Vec<Vec<u8>> = vec![body.to_vec()];
    let had_newline = body.ends_with(b"\n");
    let mut offer = |b: Vec<u8>, change: &dyn Fn(Option<bool>) -> Change| {
        let mut forms = vec![(b.clone(), None)];
        if had_newline {
            forms.push((b.clone(), Some(false)));
            forms[0] = ([&b[..], b"\n"].concat(), None);
        } else {
            forms.push(([&b[..], b"\n"].concat(), Some(true)));
        }
        for (bytes, newline) in forms {
            if !seen.contains(&bytes) {
                seen.push(bytes.clone());
                push(change(newline), Apply::Body(bytes));
            }
        }
    };
    for e in stacks::JSON_ENCODERS {
        let mut v = value.clone();
        if e.empty_object_array {
            stacks::empty_objects_as_arrays(&mut v);
        }
        let plain = reserialize(&v, e.sorted, e.style, false);
        let mut plain = stacks::with_numbers(&String::from_utf8_lossy(&plain), body, e.numbers);
        if e.ruby_empties {
            plain = stacks::ruby_empties(&plain);
        }
        let text = stacks::escape(&plain, e);
        let e = *e;
        offer(text.into_bytes(), &|newline| Change::BodyJson {
            sorted: e.sorted,
            style: e.style,
            ascii: e.ascii,
            slashes: e.slashes,
            html: e.html,
            stack: e.stack,
            newline,
        });
    }
    for sorted in [false, true] {
        for style in [
            JsonStyle::Compact,
            JsonStyle::Spaced,
            JsonStyle::Pretty(2),
            JsonStyle::Pretty(4),
        ] {
            for ascii in [false, true] {
                let b = reserialize(value, sorted, style, ascii);
                let b = stacks::with_numbers(
                    &String::from_utf8_lossy(&b),
                    body,
                    stacks::Numbers::Written,
                )
                .into_bytes();
                offer(b, &|newline| Change::BodyJson {
                    sorted,
                    style,
                    ascii,
                    slashes: false,
                    html: false,
                    stack: "",
                    newline,
                });
            }
        }
    }
}

/// Byte-level accidents: a BOM, mojibake either way, line ends stripped, whitespace collapsed.
fn byte_singles(body: &[u8], push: &mut dyn FnMut(Change, Apply)) {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    match body.strip_prefix(BOM) {
        Some(rest) => push(Change::BodyBom(false), Apply::Body(rest.to_vec())),
        None => push(Change::BodyBom(true), Apply::Body([BOM, body].concat())),
    }
    for cp1252 in [false, true] {
        if let Some(b) = stacks::mojibake(body, cp1252) {
            push(
                Change::BodyMojibake {
                    cp1252,
                    undone: false,
                },
                Apply::Body(b),
            );
        }
        if let Some(b) = stacks::unmojibake(body, cp1252) {
            push(
                Change::BodyMojibake {
                    cp1252,
                    undone: true,
                },
                Apply::Body(b),
            );
        }
    }
    if body.contains(&b'\n') || body.contains(&b'\r') {
        let stripped: Vec<u8> = body
            .iter()
            .copied()
            .filter(|b| *b != b'\n' && *b != b'\r')
            .collect();
        push(Change::BodyLineEndsStripped, Apply::Body(stripped));
    }
    if let Some(words) = stacks::collapsed(body, b" ") {
        push(
            Change::BodyCollapsed { echo: true },
            Apply::Body([&words[..], b"\n"].concat()),
        );
        push(Change::BodyCollapsed { echo: true }, Apply::Body(words));
    }
    // A pretty-printed file sent by `curl -d @file`, which strips its line ends: the signer
    // signed the file.
    for eol in [&b"\n"[..], b"\r\n"] {
        for last in [true, false] {
            if let Some(b) = stacks::relined(body, eol, last) {
                push(
                    Change::BodyLineEndsRestored {
                        crlf: eol.len() == 2,
                    },
                    Apply::Body(b),
                );
            }
        }
    }
    if let Some(words) = stacks::collapsed(body, b"") {
        push(Change::BodyCollapsed { echo: false }, Apply::Body(words));
    }
}

/// A form body written again by each URL encoder, decoded, and with the URL's query merged in.
fn form_singles(case: &Case, ours: &Trace, push: &mut dyn FnMut(Change, Apply)) {
    let body = case.body;
    if !stacks::looks_like_form(body) {
        return;
    }
    let Ok(pairs) = crate::sign::form::parse_params(body, true) else {
        return;
    };
    let mut seen = vec![body.to_vec()];
    for e in stacks::FORM_ENCODERS {
        let b = stacks::form_encode(&pairs, e);
        if !seen.contains(&b) {
            seen.push(b.clone());
            push(Change::BodyForm(e.stack), Apply::Body(b));
        }
    }
    let decoded: Vec<u8> = pairs
        .iter()
        .map(|(k, v)| [&k[..], b"=", &v[..]].concat())
        .collect::<Vec<_>>()
        .join(&b'&');
    if !seen.contains(&decoded) {
        push(Change::BodyFormDecoded, Apply::Body(decoded));
    }
    let query = case
        .recipe
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Url)
        .filter_map(|f| ours.fields.get(&f.name))
        .find_map(|u| u.split_once('?').map(|(_, q)| q.to_string()));
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        push(
            Change::BodyQueryMerged,
            Apply::Body([body, b"&", q.as_bytes()].concat()),
        );
    }
}

/// A JSON value written as a signer's library would: compact, spaced or indented, keys sorted or
/// not, non-ASCII as UTF-8 or `\uXXXX` (as Python's `json.dumps` does with `ensure_ascii`).
fn reserialize(value: &serde_json::Value, sorted: bool, style: JsonStyle, ascii: bool) -> Vec<u8> {
    let mut value = value.clone();
    if sorted {
        sort_keys(&mut value);
    }
    let text = match style {
        JsonStyle::Compact => serde_json::to_string(&value).expect("a value serializes"),
        JsonStyle::Spaced => {
            let mut out = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(&mut out, spaced_formatter());
            serde::Serialize::serialize(&value, &mut ser).expect("a value serializes");
            String::from_utf8(out).expect("JSON is UTF-8")
        }
        JsonStyle::Pretty(_) | JsonStyle::Tab => {
            let indent = match style {
                JsonStyle::Pretty(n) => " ".repeat(n),
                _ => "\t".to_string(),
            };
            let mut out = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(
                &mut out,
                serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes()),
            );
            serde::Serialize::serialize(&value, &mut ser).expect("a value serializes");
            String::from_utf8(out).expect("JSON is UTF-8")
        }
    };
    if !ascii {
        return text.into_bytes();
    }
    // Outside strings JSON is ASCII, so every non-ASCII character is inside a string.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out.into_bytes()
}

fn sort_keys(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_keys);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_dumps_forms() {
        let v = parse_json("{\"b\": [1, {\"é\": null}], \"a\": \"x\"}".as_bytes()).unwrap();
        // json.dumps(v) (Python's defaults)
        assert_eq!(
            reserialize(&v, false, JsonStyle::Spaced, true),
            br#"{"b": [1, {"\u00e9": null}], "a": "x"}"#
        );
        // json.dumps(v, sort_keys=True, indent=2, ensure_ascii=False)
        assert_eq!(
            String::from_utf8(reserialize(&v, true, JsonStyle::Pretty(2), false)).unwrap(),
            "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    {\n      \"é\": null\n    }\n  ]\n}"
        );
    }
}

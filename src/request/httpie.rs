//! An HTTPie command line (`http` / `https`), read as bash splits it and as HTTPie 3 builds
//! the request: `[METHOD] URL [ITEM …]` with items `Header:value`, `Header;` (empty),
//! `param==value`, `field=value`, `field:=json`, `field=@file`, `field:=@file`; the JSON body
//! as Python's `json.dumps` writes it (`, ` and `: `, non-ASCII as `\uXXXX`, floats as Python
//! prints them), a `--form` body as Python's `urlencode`, `--raw` as given.

use base64::Engine;
use serde_json::Value;

use super::message::{ImportError, Imported, err};
use super::shell::{self, Token};

/// Options that take a value and change nothing sent (or only what is printed).
const VALUED: &[&str] = &[
    "--print",
    "-p",
    "--pretty",
    "--style",
    "-s",
    "--timeout",
    "--verify",
    "--session",
    "--session-read-only",
    "--output",
    "-o",
    "--max-redirects",
    "--cert",
    "--cert-key",
    "--cert-key-pass",
    "--ssl",
    "--ciphers",
    "--proxy",
    "--history-print",
    "-P",
    "--format-options",
    "--response-charset",
    "--response-mime",
    "--max-headers",
];

/// Options that take no value and change nothing sent.
const FLAGS: &[&str] = &[
    "--offline",
    "-v",
    "--verbose",
    "-h",
    "--headers",
    "-b",
    "--body",
    "-m",
    "--meta",
    "--ignore-stdin",
    "-I",
    "--follow",
    "-F",
    "--check-status",
    "--path-as-is",
    "--download",
    "-d",
    "--quiet",
    "-q",
    "--all",
    "--unsorted",
    "--sorted",
    "--stream",
    "-S",
    "--continue",
    "-c",
    "--ignore-netrc",
    "--debug",
    "--traceback",
    "--json",
    "-j",
    "--pretty=all",
];

/// Reads an HTTPie command line.
pub fn parse(
    text: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let split = shell::split(text).map_err(|e| err(e.line, e.message))?;
    let mut words: Vec<(String, usize)> = Vec::new();
    for t in split.tokens {
        match t {
            Token::Word { bytes, line } => words.push((
                String::from_utf8(bytes).map_err(|_| err(line, "an argument is not UTF-8 text"))?,
                line,
            )),
            Token::Pipe { line } => {
                return Err(err(
                    line,
                    "a pipe into HTTPie is not read: give the body with --raw",
                ));
            }
        }
    }
    let mut notes = split.notes;
    let Some((program, _)) = words.first() else {
        return Err(err(1, "the command line is empty"));
    };
    let default_scheme = if program == "https" { "https" } else { "http" };
    let mut form = false;
    let mut raw: Option<String> = None;
    let mut auth: Option<(String, usize)> = None;
    let mut auth_type = "basic".to_string();
    let mut positionals: Vec<(String, usize)> = Vec::new();
    let mut default_scheme = default_scheme.to_string();
    let mut i = 1;
    let mut options_done = false;
    while i < words.len() {
        let (w, line) = (&words[i].0, words[i].1);
        i += 1;
        if options_done || !w.starts_with('-') || w == "-" {
            positionals.push((w.clone(), line));
            continue;
        }
        if w == "--" {
            options_done = true;
            continue;
        }
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        let mut value = || -> Result<String, ImportError> {
            if let Some(v) = &inline {
                return Ok(v.clone());
            }
            let v = words
                .get(i)
                .map(|(v, _)| v.clone())
                .ok_or_else(|| err(line, format!("`{name}` needs a value")))?;
            i += 1;
            Ok(v)
        };
        match name.as_str() {
            "--form" | "-f" => form = true,
            "--raw" => raw = Some(value()?),
            "--auth" | "-a" => auth = Some((value()?, line)),
            "--auth-type" | "-A" => auth_type = value()?.to_ascii_lowercase(),
            "--default-scheme" => default_scheme = value()?,
            "--multipart" | "--boundary" => {
                return Err(err(
                    line,
                    format!(
                        "`{name}` sends a multipart body, which HTTPie frames with a random boundary: give the raw request (--offline prints it)"
                    ),
                ));
            }
            "--compress" | "-x" => {
                return Err(err(
                    line,
                    "`--compress` deflates the body: give the raw request (--offline prints it)",
                ));
            }
            "--chunked" => {
                notes.push("--chunked sends the body in chunks; the body is read de-chunked".into())
            }
            n if FLAGS.contains(&n) => {}
            n if VALUED.contains(&n) => {
                value()?;
            }
            n if n.starts_with("-") && !n.starts_with("--") && n.len() > 2 => {
                // Clustered short flags (`-vF`).
                for c in n[1..].chars() {
                    let f = format!("-{c}");
                    if f == "-f" {
                        form = true;
                    } else if !FLAGS.contains(&f.as_str()) {
                        return Err(err(
                            line,
                            format!("unsupported HTTPie option `{f}` (in `{n}`)"),
                        ));
                    }
                }
            }
            n => return Err(err(line, format!("unsupported HTTPie option `{n}`"))),
        }
    }
    // `[METHOD] URL ITEM…`
    let method_given = positionals.len() >= 2
        && positionals[0].0.chars().all(|c| c.is_ascii_alphabetic())
        && !positionals[0].0.is_empty();
    let (method, rest) = if method_given {
        (
            Some(positionals[0].0.to_ascii_uppercase()),
            &positionals[1..],
        )
    } else {
        (None, &positionals[..])
    };
    let Some(((url, url_line), items)) = rest.split_first() else {
        return Err(err(
            text.lines().count().max(1),
            "the HTTPie command line has no URL",
        ));
    };
    let mut url = full_url(url, &default_scheme);
    let mut headers: Vec<(String, Option<String>)> = Vec::new();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut data: Vec<(String, Value)> = Vec::new();
    for (item, line) in items {
        let Some((key, sep, value)) = split_item(item) else {
            return Err(err(
                *line,
                format!(
                    "`{item}` is not a request item (Header:value, name==value, field=value, field:=json)"
                ),
            ));
        };
        match sep {
            ":" => headers.push((key, (!value.is_empty()).then_some(value))),
            ";" => {
                if !value.is_empty() {
                    return Err(err(*line, format!("`{item}`: `Header;` takes no value")));
                }
                headers.push((key, Some(String::new())));
            }
            "==" => query.push((key, value)),
            "=" => data.push((key, Value::String(value))),
            "=@" => {
                let bytes = read_file(&value).map_err(|e| err(*line, format!("{value}: {e}")))?;
                data.push((
                    key,
                    Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                ));
            }
            ":=" | ":=@" => {
                let text = if sep == ":=@" {
                    let bytes =
                        read_file(&value).map_err(|e| err(*line, format!("{value}: {e}")))?;
                    String::from_utf8_lossy(&bytes).into_owned()
                } else {
                    value
                };
                let v: Value = serde_json::from_str(&text)
                    .map_err(|e| err(*line, format!("`{item}`: the value is not JSON: {e}")))?;
                if form {
                    return Err(err(
                        *line,
                        format!("`{item}`: a raw JSON field cannot be sent in a form"),
                    ));
                }
                data.push((key, v));
            }
            _ => {
                return Err(err(
                    *line,
                    format!(
                        "`{item}` uploads a file (multipart), which HTTPie frames with a random boundary: give the raw request (--offline prints it)"
                    ),
                ));
            }
        }
    }
    if !query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        let q: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
            .collect();
        url.push_str(&q.join("&"));
    }
    let mut out_headers: Vec<(String, String)> = Vec::new();
    let mut body = Vec::new();
    let has_data = !data.is_empty();
    let (content_type, accept) = if let Some(r) = raw {
        if has_data {
            return Err(err(
                *url_line,
                "--raw and data fields cannot be mixed (HTTPie refuses it too)",
            ));
        }
        body = r.into_bytes();
        if form {
            (
                Some("application/x-www-form-urlencoded; charset=utf-8"),
                None,
            )
        } else {
            (
                Some("application/json"),
                Some("application/json, */*;q=0.5"),
            )
        }
    } else if form {
        if has_data {
            let pairs: Vec<String> = data
                .iter()
                .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v.as_str().unwrap_or(""))))
                .collect();
            body = pairs.join("&").into_bytes();
            (
                Some("application/x-www-form-urlencoded; charset=utf-8"),
                None,
            )
        } else {
            (None, None)
        }
    } else if has_data {
        let object = nest(&data, *url_line)?;
        body = dumps(&object).into_bytes();
        (
            Some("application/json"),
            Some("application/json, */*;q=0.5"),
        )
    } else {
        (None, None)
    };
    // HTTPie's own headers that a signature may cover; a header given replaces its default.
    let given = |n: &str| headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
    if let Some(a) = accept
        && !given("accept")
    {
        out_headers.push(("Accept".into(), a.into()));
    }
    if let Some(c) = content_type
        && !given("content-type")
    {
        out_headers.push(("Content-Type".into(), c.into()));
        notes.push(format!("HTTPie sends `Content-Type: {c}`; it is added"));
    }
    for (n, v) in &headers {
        if let Some(v) = v {
            out_headers.push((n.clone(), v.clone()));
        }
    }
    if let Some((credentials, line)) = auth {
        match auth_type.as_str() {
            "basic" => {
                if !credentials.contains(':') {
                    return Err(err(
                        line,
                        format!(
                            "`-a {credentials}` has no password (HTTPie would ask for it): give `user:password`"
                        ),
                    ));
                }
                let b64 = base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes());
                out_headers.push(("Authorization".into(), format!("Basic {b64}")));
            }
            "bearer" => out_headers.push(("Authorization".into(), format!("Bearer {credentials}"))),
            other => {
                return Err(err(
                    line,
                    format!(
                        "--auth-type {other} makes HTTPie answer a challenge itself: give the Authorization header it sent"
                    ),
                ));
            }
        }
    }
    let method = method.unwrap_or_else(|| if body.is_empty() { "GET" } else { "POST" }.to_string());
    notes.push(
        "HTTPie also sends User-Agent, Accept-Encoding and Connection, which are left out".into(),
    );
    Ok(Imported::from_parts(method, url, out_headers, body, notes))
}

/// A URL as HTTPie completes it: `:3000/x` is localhost, no scheme gets the default one.
fn full_url(url: &str, scheme: &str) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    if let Some(rest) = url.strip_prefix(':') {
        // `:3000/x`, `:/x`
        let (port, path) = match rest.find('/') {
            Some(p) => (&rest[..p], &rest[p..]),
            None => (rest, ""),
        };
        let host = if port.is_empty() {
            "localhost".to_string()
        } else {
            format!("localhost:{port}")
        };
        let path = if path.is_empty() { "/" } else { path };
        return format!("{scheme}://{host}{path}");
    }
    format!("{scheme}://{url}")
}

/// An item's key, separator and value: the separator that starts first (the longest where
/// several start at once); a `\` before a separator character escapes it.
fn split_item(item: &str) -> Option<(String, &'static str, String)> {
    const SEPS: [&str; 8] = [":=@", "=@", "==", ":=", "@", "=", ":", ";"];
    let chars: Vec<char> = item.chars().collect();
    let mut key = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() && "=:@;\\".contains(chars[i + 1]) {
            key.push(chars[i + 1]);
            i += 2;
            continue;
        }
        let rest: String = chars[i..].iter().collect();
        if let Some(sep) = SEPS.iter().find(|s| rest.starts_with(**s)) {
            let value: String = chars[i + sep.chars().count()..].iter().collect();
            return Some((key, sep, value));
        }
        key.push(chars[i]);
        i += 1;
    }
    None
}

/// The JSON object of the data fields, with HTTPie's nested keys (`a[b]=x`, `a[]=x`).
fn nest(data: &[(String, Value)], line: usize) -> Result<Value, ImportError> {
    let mut root = Value::Object(serde_json::Map::new());
    for (key, value) in data {
        let path = key_path(key).ok_or_else(|| {
            err(
                line,
                format!(
                    "the field name `{key}` uses HTTPie's nested syntax in a way that is not read"
                ),
            )
        })?;
        let mut node = &mut root;
        for (n, step) in path.iter().enumerate() {
            let last = n + 1 == path.len();
            match step {
                Step::Key(k) => {
                    let Value::Object(map) = node else {
                        return Err(err(
                            line,
                            format!("`{key}`: a member of something that is not an object"),
                        ));
                    };
                    if last {
                        map.insert(k.clone(), value.clone());
                        break;
                    }
                    let next_is_append = matches!(path.get(n + 1), Some(Step::Append));
                    node = map.entry(k.clone()).or_insert_with(|| {
                        if next_is_append {
                            Value::Array(Vec::new())
                        } else {
                            Value::Object(serde_json::Map::new())
                        }
                    });
                }
                Step::Append => {
                    let Value::Array(items) = node else {
                        return Err(err(
                            line,
                            format!("`{key}`: `[]` on something that is not an array"),
                        ));
                    };
                    if !last {
                        return Err(err(line, format!("`{key}`: `[]` is read only at the end")));
                    }
                    items.push(value.clone());
                }
            }
        }
    }
    Ok(root)
}

enum Step {
    Key(String),
    Append,
}

fn key_path(key: &str) -> Option<Vec<Step>> {
    let Some(open) = key.find('[') else {
        return Some(vec![Step::Key(key.to_string())]);
    };
    let mut steps = vec![Step::Key(key[..open].to_string())];
    let mut rest = &key[open..];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        let name = &inner[..close];
        if name.is_empty() {
            steps.push(Step::Append);
        } else if name.chars().all(|c| c.is_ascii_digit()) {
            return None;
        } else {
            steps.push(Step::Key(name.to_string()));
        }
        rest = &inner[close + 1..];
    }
    Some(steps)
}

/// Python's `urllib.parse.quote_plus`: all but letters, digits and `_.-~` as %XX, space `+`.
fn quote_plus(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `json.dumps(value)` with Python's defaults.
fn dumps(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Number(n) => py_number(&n.to_string()),
        Value::String(s) => py_string(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(dumps).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", py_string(k), dumps(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A JSON number as `json.loads` then `json.dumps` give it back: an integer as written, a
/// float as Python's `repr`.
fn py_number(text: &str) -> String {
    if !text.contains(['.', 'e', 'E']) {
        return match text {
            "-0" => "0".into(),
            t => t.to_string(),
        };
    }
    let Ok(v) = text.parse::<f64>() else {
        return text.to_string();
    };
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{:e}", v.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return text.to_string();
    };
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if v < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let rest = if digits.len() > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        format!(
            "{sign}{}{rest}e{}{:02}",
            &digits[..1],
            if exp < 0 { "-" } else { "+" },
            exp.abs()
        )
    }
}

/// A string as `json.dumps` writes it (ensure_ascii).
fn py_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_numbers_and_strings() {
        for (written, python) in [
            ("1.50", "1.5"),
            ("1e20", "1e+20"),
            ("2.0", "2.0"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1e16", "1e+16"),
            ("123456789012345.6", "123456789012345.6"),
            ("-0", "0"),
            ("12345678901234567890", "12345678901234567890"),
        ] {
            assert_eq!(py_number(written), python, "{written}");
        }
        assert_eq!(
            py_string("é\u{7f}😀\"\\\n"),
            r#""\u00e9\u007f\ud83d\ude00\"\\\n""#
        );
    }

    #[test]
    fn items_urls_and_bodies() {
        let r = parse(
            "http --offline POST :3000/x X-Sig:abc 'Empty;' q=='a b' name='é' n:=1.50 'a[b]=c' 'l[]=1' 'l[]=2'",
            &mut |_| Err("no".into()),
        )
        .unwrap();
        assert_eq!(r.url, "http://localhost:3000/x?q=a+b");
        assert_eq!(
            String::from_utf8(r.body.clone()).unwrap(),
            r#"{"name": "\u00e9", "n": 1.5, "a": {"b": "c"}, "l": ["1", "2"]}"#
        );
        assert_eq!(r.header("x-sig"), Some("abc"));
        assert_eq!(r.header("empty"), Some(""));
        let r = parse("https -f example.org/f a='b c' d=~*", &mut |_| {
            Err("no".into())
        })
        .unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str()),
            ("POST", "https://example.org/f")
        );
        assert_eq!(r.body, b"a=b+c&d=~%2A");
        let e = parse("http POST h/x f@file.bin", &mut |_| Err("no".into())).unwrap_err();
        assert!(e.message.contains("multipart"), "{e}");
    }
}

//! What real stacks do to bytes, each named as its users know it: JSON written again by each
//! common encoder (JavaScript's `JSON.stringify`, Python's `json.dumps`, PHP's `json_encode` and
//! its flags, Go's `json.Marshal`, Gson, pretty-printers), a form or query written again by each
//! common URL encoder (urllib, `URLSearchParams`, PHP, Go's `url.Values`, Java's `URLEncoder`,
//! `encodeURIComponent`), and byte-level accidents (a BOM, UTF-8 read as Latin-1 or
//! windows-1252, line ends stripped by `curl -d @file`, whitespace collapsed by an unquoted
//! shell variable).

use super::change::JsonStyle;

/// How a stack writes numbers it parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    /// As written (the text of each number kept).
    Written,
    /// JavaScript's (and Go's float64): `1.0` as `1`, `1e3` as `1000`.
    Js,
    /// Python's, PHP's, Ruby's and Jackson's floats: `1e3` as `1000.0`, `1.0` kept.
    Float,
}

/// A JSON encoder as a stack configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonEncoder {
    /// The stack's name for it, as its users write it.
    pub stack: &'static str,
    pub sorted: bool,
    pub style: JsonStyle,
    /// Non-ASCII as `\uXXXX`.
    pub ascii: bool,
    /// `/` as `\/` (PHP).
    pub slashes: bool,
    /// `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026` (Go; Gson adds `=` and `'`).
    pub html: bool,
    pub gson: bool,
    pub numbers: Numbers,
}

const fn enc(
    stack: &'static str,
    sorted: bool,
    style: JsonStyle,
    ascii: bool,
    slashes: bool,
    html: bool,
    numbers: Numbers,
) -> JsonEncoder {
    JsonEncoder {
        stack,
        sorted,
        style,
        ascii,
        slashes,
        html,
        gson: false,
        numbers,
    }
}

/// The encoders, the commonest first: the first of several that write the same bytes names
/// them.
pub const JSON_ENCODERS: &[JsonEncoder] = &[
    enc(
        "JavaScript's JSON.stringify (Express's req.body; also Jackson and Ruby's to_json)",
        false,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Js,
    ),
    enc(
        "Python's json.dumps",
        false,
        JsonStyle::Spaced,
        true,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "PHP's json_encode",
        false,
        JsonStyle::Compact,
        true,
        true,
        false,
        Numbers::Float,
    ),
    enc(
        "PHP's json_encode with JSON_UNESCAPED_SLASHES",
        false,
        JsonStyle::Compact,
        true,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "PHP's json_encode with JSON_UNESCAPED_UNICODE",
        false,
        JsonStyle::Compact,
        false,
        true,
        false,
        Numbers::Float,
    ),
    enc(
        "PHP's json_encode with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE (also Ruby's to_json, Jackson)",
        false,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "Go's json.Marshal of a map",
        true,
        JsonStyle::Compact,
        false,
        false,
        true,
        Numbers::Js,
    ),
    JsonEncoder {
        gson: true,
        ..enc(
            "Gson's toJson",
            false,
            JsonStyle::Compact,
            false,
            false,
            true,
            Numbers::Written,
        )
    },
    enc(
        "Python's json.dumps(ensure_ascii=False)",
        false,
        JsonStyle::Spaced,
        false,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "Python's json.dumps(separators=(\",\", \":\"))",
        false,
        JsonStyle::Compact,
        true,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "Python's json.dumps(sort_keys=True)",
        true,
        JsonStyle::Spaced,
        true,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "JSON.stringify(value, null, 2) (also jq .)",
        false,
        JsonStyle::Pretty(2),
        false,
        false,
        false,
        Numbers::Js,
    ),
    enc(
        "Python's json.dumps(indent=4)",
        false,
        JsonStyle::Pretty(4),
        true,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "Python's json.dumps(indent=2)",
        false,
        JsonStyle::Pretty(2),
        true,
        false,
        false,
        Numbers::Float,
    ),
    enc(
        "PHP's json_encode with JSON_PRETTY_PRINT",
        false,
        JsonStyle::Pretty(4),
        true,
        true,
        false,
        Numbers::Float,
    ),
    enc(
        "Go's json.MarshalIndent with a tab",
        true,
        JsonStyle::Tab,
        false,
        false,
        true,
        Numbers::Js,
    ),
    enc(
        "jq -cS (keys sorted, compact)",
        true,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Written,
    ),
];

/// A value's numbers as a stack writes them.
pub fn renumber(value: &mut serde_json::Value, numbers: Numbers) {
    match value {
        serde_json::Value::Number(n) if numbers != Numbers::Written => {
            let text = n.to_string();
            let integer = !text.contains(['.', 'e', 'E']);
            if integer {
                return;
            }
            let Ok(f) = text.parse::<f64>() else {
                return;
            };
            if !f.is_finite() {
                return;
            }
            let written = match numbers {
                Numbers::Js if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
                Numbers::Js => format!("{f}"),
                _ if f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
                _ => format!("{f}"),
            };
            if let Ok(n) = serde_json::from_str::<serde_json::Number>(&written) {
                *value = serde_json::Value::Number(n);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| renumber(v, numbers)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| renumber(v, numbers)),
        _ => {}
    }
}

/// Escapes an encoder writes inside strings, applied to its plain output (outside strings JSON
/// is ASCII with no `/`, `<`, `>`, `&`, `=` or `'`, so every one of them is inside a string).
pub fn escape(text: &str, e: &JsonEncoder) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '/' if e.slashes => out.push_str("\\/"),
            '<' if e.html => out.push_str("\\u003c"),
            '>' if e.html => out.push_str("\\u003e"),
            '&' if e.html => out.push_str("\\u0026"),
            '=' if e.gson => out.push_str("\\u003d"),
            '\'' if e.gson => out.push_str("\\u0027"),
            '\u{2028}' if e.html => out.push_str("\\u2028"),
            '\u{2029}' if e.html => out.push_str("\\u2029"),
            c if e.ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A URL encoder of form values and query strings, as a stack configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormEncoder {
    pub stack: &'static str,
    /// Bytes written as they are (besides ASCII letters and digits).
    pub safe: &'static str,
    /// A space as `+` (else `%20`).
    pub plus: bool,
    /// Pairs sorted by name.
    pub sorted: bool,
}

/// The URL encoders, the commonest first.
pub const FORM_ENCODERS: &[FormEncoder] = &[
    FormEncoder {
        stack: "Python's urllib.parse.urlencode (quote_plus)",
        safe: "_.-~",
        plus: true,
        sorted: false,
    },
    FormEncoder {
        stack: "JavaScript's URLSearchParams",
        safe: "*-._",
        plus: true,
        sorted: false,
    },
    FormEncoder {
        stack: "PHP's http_build_query (urlencode)",
        safe: "-_.",
        plus: true,
        sorted: false,
    },
    FormEncoder {
        stack: "Go's url.Values.Encode (sorted by name, spaces as +)",
        safe: "-_.~",
        plus: true,
        sorted: true,
    },
    FormEncoder {
        stack: "Java's URLEncoder.encode (spaces as +, * kept, ~ as %7E)",
        safe: ".-*_",
        plus: true,
        sorted: false,
    },
    FormEncoder {
        stack: "PHP's rawurlencode (RFC 3986, spaces as %20)",
        safe: "-_.~",
        plus: false,
        sorted: false,
    },
    FormEncoder {
        stack: "Python's urlencode(quote_via=quote)",
        safe: "_.-~/",
        plus: false,
        sorted: false,
    },
    FormEncoder {
        stack: "JavaScript's encodeURIComponent (!'()* kept, spaces as %20)",
        safe: "-_.!~*'()",
        plus: false,
        sorted: false,
    },
];

/// One value written by an encoder.
pub fn form_escape(bytes: &[u8], e: &FormEncoder) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || e.safe.as_bytes().contains(&b) {
            out.push(b as char);
        } else if b == b' ' && e.plus {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decoded pairs written again by an encoder.
pub fn form_encode(pairs: &[(Vec<u8>, Vec<u8>)], e: &FormEncoder) -> Vec<u8> {
    let mut pairs = pairs.to_vec();
    if e.sorted {
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form_escape(k, e), form_escape(v, e)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Whether a body reads as a form (`k=v&k=v`, every part with `=`, nothing a form never has).
pub fn looks_like_form(body: &[u8]) -> bool {
    !body.is_empty()
        && body.contains(&b'=')
        && !body.iter().any(|b| b.is_ascii_whitespace() && *b != b' ')
        && body
            .split(|&b| b == b'&')
            .all(|p| p.contains(&b'=') && !p.starts_with(b"="))
        && !body.starts_with(b"{")
}

/// The bytes of UTF-8 text read as Latin-1 (or windows-1252) and written again as UTF-8 (the
/// classic mojibake: `é` becomes `Ã©`); None when nothing changes.
pub fn mojibake(body: &[u8], cp1252: bool) -> Option<Vec<u8>> {
    if body.is_ascii() || std::str::from_utf8(body).is_err() {
        return None;
    }
    let mut out = String::with_capacity(body.len() * 2);
    for &b in body {
        let c = if cp1252 && (0x80..0xa0).contains(&b) {
            CP1252_HIGH[usize::from(b - 0x80)]?
        } else {
            char::from(b)
        };
        out.push(c);
    }
    Some(out.into_bytes())
}

/// Mojibake undone: UTF-8 text whose characters are all below U+0100 (or windows-1252's),
/// written as those bytes (the receiver decoded a double-encoded body once more); None when it
/// is not that.
pub fn unmojibake(body: &[u8], cp1252: bool) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    if text.is_ascii() {
        return None;
    }
    let mut out = Vec::with_capacity(body.len());
    for c in text.chars() {
        let b = if (c as u32) < 0x100 && !(cp1252 && (0x80..0xa0).contains(&(c as u32))) {
            c as u32 as u8
        } else if cp1252 {
            0x80 + CP1252_HIGH.iter().position(|h| *h == Some(c))? as u8
        } else {
            return None;
        };
        out.push(b);
    }
    (std::str::from_utf8(&out).is_ok() && out != body).then_some(out)
}

/// windows-1252's characters for the bytes 0x80 to 0x9F (five are unassigned).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// A shell's unquoted `$body`: every run of whitespace one space, none at the ends (`echo $body`
/// adds a newline; `printf %s $body` joins the words with nothing).
pub fn collapsed(body: &[u8], join: &[u8]) -> Option<Vec<u8>> {
    let words: Vec<&[u8]> = body
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let out = words.join(join);
    (out != body).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoders_as_their_stacks_write() {
        let v = b"a b+c*~!'()/\xc3\xa9";
        let by = |stack: &str| {
            let e = FORM_ENCODERS
                .iter()
                .find(|e| e.stack.starts_with(stack))
                .unwrap();
            form_escape(v, e)
        };
        // urllib.parse.quote_plus("a b+c*~!'()/é")
        assert_eq!(by("Python's urllib"), "a+b%2Bc%2A~%21%27%28%29%2F%C3%A9");
        // new URLSearchParams({v}).toString()
        assert_eq!(
            by("JavaScript's URLSearchParams"),
            "a+b%2Bc*%7E%21%27%28%29%2F%C3%A9"
        );
        // PHP urlencode
        assert_eq!(
            by("PHP's http_build_query"),
            "a+b%2Bc%2A%7E%21%27%28%29%2F%C3%A9"
        );
        // Java URLEncoder.encode(v, UTF_8)
        assert_eq!(by("Java's"), "a+b%2Bc*%7E%21%27%28%29%2F%C3%A9");
        // encodeURIComponent
        assert_eq!(
            by("JavaScript's encodeURIComponent"),
            "a%20b%2Bc*~!'()%2F%C3%A9"
        );
    }

    #[test]
    fn mojibake_both_ways() {
        let utf8 = "café – ok".as_bytes();
        let latin = mojibake(utf8, false).unwrap();
        assert_eq!(
            String::from_utf8(latin.clone()).unwrap(),
            "cafÃ© â\u{80}\u{93} ok"
        );
        let cp = mojibake(utf8, true).unwrap();
        assert_eq!(String::from_utf8(cp.clone()).unwrap(), "cafÃ© â€“ ok");
        assert_eq!(unmojibake(&cp, true).unwrap(), utf8);
        assert_eq!(unmojibake(&latin, false).unwrap(), utf8);
        assert!(mojibake(b"plain", false).is_none());
    }

    #[test]
    fn numbers_as_stacks_write_them() {
        let mut v: serde_json::Value = serde_json::from_str(r#"[1.0, 1e3, 2, 0.5]"#).unwrap();
        let mut js = v.clone();
        renumber(&mut js, Numbers::Js);
        assert_eq!(js.to_string(), "[1,1000,2,0.5]");
        renumber(&mut v, Numbers::Float);
        assert_eq!(v.to_string(), "[1.0,1000.0,2,0.5]");
    }
}

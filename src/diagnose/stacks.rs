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
    /// Python's floats (`repr`): `1e3` as `1000.0`, `1.0` kept, `1e20` as `1e+20`.
    Python,
    /// PHP's (`json_encode` without JSON_PRESERVE_ZERO_FRACTION): `1.0` as `1`, `1e3` as `1000`,
    /// `1e20` as `1.0e+20`.
    Php,
    /// Ruby's floats: `1e3` as `1000.0`, `1.0` kept, `1e20` as `1.0e+20`.
    Ruby,
    /// Java's `Double.toString` (Jackson): `1e3` as `1000.0`, `1e20` as `1.0E20`.
    Java,
    /// jq 1.6's: `1.0` as `1`, `1e3` as `1000`, `1e20` as `1e+20`.
    Jq,
}

/// A float in exponent form as Python (`1e+20`, `1.5e-07`) or PHP and Ruby (`1.0e+20`) write
/// it.
fn exponent_form(f: f64, php: bool) -> String {
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mantissa = if php && !mantissa.contains('.') {
        format!("{mantissa}.0")
    } else {
        mantissa.to_string()
    };
    let sign = if exp < 0 { '-' } else { '+' };
    if php {
        format!("{mantissa}e{sign}{}", exp.abs())
    } else {
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
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
    /// An empty object written `[]` (PHP's `json_decode($raw, true)` makes it an array).
    pub empty_object_array: bool,
    /// Empty arrays and objects over lines, as Ruby's `pretty_generate` writes them (`[`, an
    /// empty line, `]`; `{`, `}`).
    pub ruby_empties: bool,
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
        empty_object_array: false,
        ruby_empties: false,
    }
}

/// A PHP encoder after `json_decode($raw, true)`: an empty object comes back an array.
const fn assoc(e: JsonEncoder, stack: &'static str) -> JsonEncoder {
    JsonEncoder {
        stack,
        empty_object_array: true,
        ..e
    }
}

/// The encoders, the commonest first: the first of several that write the same bytes names
/// them.
pub const JSON_ENCODERS: &[JsonEncoder] = &[
    enc(
        "JavaScript's JSON.stringify (Express's req.body)",
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
        Numbers::Python,
    ),
    enc(
        "PHP's json_encode",
        false,
        JsonStyle::Compact,
        true,
        true,
        false,
        Numbers::Php,
    ),
    enc(
        "PHP's json_encode with JSON_UNESCAPED_SLASHES",
        false,
        JsonStyle::Compact,
        true,
        false,
        false,
        Numbers::Php,
    ),
    enc(
        "PHP's json_encode with JSON_UNESCAPED_UNICODE",
        false,
        JsonStyle::Compact,
        false,
        true,
        false,
        Numbers::Php,
    ),
    enc(
        "PHP's json_encode with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE",
        false,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Php,
    ),
    assoc(
        enc(
            "",
            false,
            JsonStyle::Compact,
            true,
            true,
            false,
            Numbers::Php,
        ),
        "PHP's json_encode(json_decode($raw, true))",
    ),
    assoc(
        enc(
            "",
            false,
            JsonStyle::Compact,
            true,
            false,
            false,
            Numbers::Php,
        ),
        "PHP's json_encode(json_decode($raw, true), JSON_UNESCAPED_SLASHES)",
    ),
    assoc(
        enc(
            "",
            false,
            JsonStyle::Compact,
            false,
            true,
            false,
            Numbers::Php,
        ),
        "PHP's json_encode(json_decode($raw, true), JSON_UNESCAPED_UNICODE)",
    ),
    assoc(
        enc(
            "",
            false,
            JsonStyle::Compact,
            false,
            false,
            false,
            Numbers::Php,
        ),
        "PHP's json_encode(json_decode($raw, true), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)",
    ),
    enc(
        "Jackson's writeValueAsString(readTree(raw))",
        false,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Java,
    ),
    enc(
        "jq -c .",
        false,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Jq,
    ),
    enc(
        "jq .",
        false,
        JsonStyle::Pretty(2),
        false,
        false,
        false,
        Numbers::Jq,
    ),
    JsonEncoder {
        ruby_empties: true,
        ..enc(
            "Ruby's JSON.pretty_generate",
            false,
            JsonStyle::Pretty(2),
            false,
            false,
            false,
            Numbers::Ruby,
        )
    },
    enc(
        "Ruby's to_json",
        false,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Ruby,
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
        Numbers::Python,
    ),
    enc(
        "Python's json.dumps(separators=(\",\", \":\"))",
        false,
        JsonStyle::Compact,
        true,
        false,
        false,
        Numbers::Python,
    ),
    enc(
        "Python's json.dumps(separators=(\",\", \":\"), ensure_ascii=False)",
        false,
        JsonStyle::Compact,
        false,
        false,
        false,
        Numbers::Python,
    ),
    enc(
        "Python's json.dumps(sort_keys=True, separators=(\",\", \":\"))",
        true,
        JsonStyle::Compact,
        true,
        false,
        false,
        Numbers::Python,
    ),
    enc(
        "Python's json.dumps(sort_keys=True)",
        true,
        JsonStyle::Spaced,
        true,
        false,
        false,
        Numbers::Python,
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
        Numbers::Python,
    ),
    enc(
        "Python's json.dumps(indent=2)",
        false,
        JsonStyle::Pretty(2),
        true,
        false,
        false,
        Numbers::Python,
    ),
    enc(
        "PHP's json_encode with JSON_PRETTY_PRINT",
        false,
        JsonStyle::Pretty(4),
        true,
        true,
        false,
        Numbers::Php,
    ),
    assoc(
        enc(
            "",
            false,
            JsonStyle::Pretty(4),
            true,
            true,
            false,
            Numbers::Php,
        ),
        "PHP's json_encode(json_decode($raw, true), JSON_PRETTY_PRINT)",
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

/// A number literal as a stack that parsed it writes it again.
pub fn number_text(literal: &str, numbers: Numbers) -> String {
    let integer = !literal.contains(['.', 'e', 'E']);
    if integer || numbers == Numbers::Written {
        return literal.to_string();
    }
    let Ok(f) = literal.parse::<f64>() else {
        return literal.to_string();
    };
    if !f.is_finite() {
        return literal.to_string();
    }
    let big = |limit: f64| f.abs() >= limit || (f != 0.0 && f.abs() < 1e-4);
    match numbers {
        Numbers::Js if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        // Number.prototype.toString: an exponent below 1e-6 and from 1e21 (`1.5e-7`, `1e+21`).
        Numbers::Js if f.abs() >= 1e21 || (f != 0.0 && f.abs() < 1e-6) => exponent_form(f, false)
            .replace("e+0", "e+")
            .replace("e-0", "e-"),
        Numbers::Js => format!("{f}"),
        Numbers::Python if big(1e16) => exponent_form(f, false),
        Numbers::Php if big(1e15) => exponent_form(f, true),
        Numbers::Php if f.fract() == 0.0 => format!("{f:.0}"),
        Numbers::Ruby if big(1e16) => exponent_form(f, true),
        Numbers::Java if f.abs() >= 1e7 || (f != 0.0 && f.abs() < 1e-3) => {
            exponent_form(f, true).replace("e+", "E").replace('e', "E")
        }
        Numbers::Jq if f.fract() == 0.0 && f.abs() < 1e17 => format!("{f:.0}"),
        Numbers::Jq if big(1e17) => exponent_form(f, false).replace("e+0", "e+"),
        _ if f.fract() == 0.0 => format!("{f:.1}"),
        _ => format!("{f}"),
    }
}

/// The number literals of a JSON text, in order, as written (`1e3`, `1.0`).
fn number_literals(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < text.len()
                    && matches!(text[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push(String::from_utf8_lossy(&text[start..i]).into_owned());
            }
            _ => i += 1,
        }
    }
    out
}

/// JSON text (as serde wrote it, numbers normalized: `1e+3`) with each number as a stack writes
/// the original's literal: as written (Gson, jq -S), or as that stack's floats.
pub fn with_numbers(json: &str, original: &[u8], numbers: Numbers) -> String {
    let map: std::collections::HashMap<String, String> = number_literals(original)
        .into_iter()
        .filter_map(|lit| {
            serde_json::from_str::<serde_json::Number>(&lit)
                .ok()
                .map(|n| (n.to_string(), number_text(&lit, numbers)))
        })
        .collect();
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                out.push_str(&json[start..i]);
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = &json[start..i];
                out.push_str(map.get(token).map_or(token, String::as_str));
            }
            _ => {
                let c = json[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// Pretty JSON with its empty arrays and objects over lines as Ruby's `pretty_generate` writes
/// them: `[` then an empty line then `]`, and `{` then `}`, the closer at the line's indent.
pub fn ruby_empties(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('[', Some(']')) | ('{', Some('}')) => {
                let closer = chars.next().unwrap_or(']');
                let line = out.rsplit('\n').next().unwrap_or("");
                let indent: String = line.chars().take_while(|c| *c == ' ').collect();
                out.push(c);
                if c == '[' {
                    out.push('\n');
                }
                out.push('\n');
                out.push_str(&indent);
                out.push(closer);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every empty object an empty array (PHP's associative decoding).
pub fn empty_objects_as_arrays(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) if map.is_empty() => {
            *value = serde_json::Value::Array(Vec::new());
        }
        serde_json::Value::Object(map) => map.values_mut().for_each(empty_objects_as_arrays),
        serde_json::Value::Array(items) => items.iter_mut().for_each(empty_objects_as_arrays),
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
    /// PHP's `$_POST`: a repeated name keeps its last value, at its first place.
    pub php_post: bool,
}

/// The URL encoders, the commonest first.
pub const FORM_ENCODERS: &[FormEncoder] = &[
    FormEncoder {
        stack: "Python's urllib.parse.urlencode (quote_plus)",
        safe: "_.-~",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "JavaScript's URLSearchParams (also Java's URLEncoder)",
        safe: "*-._",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "PHP's http_build_query($_POST) (a repeated name keeps its last value)",
        safe: "-_.",
        plus: true,
        sorted: false,
        php_post: true,
    },
    FormEncoder {
        stack: "PHP's http_build_query (urlencode)",
        safe: "-_.",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "Go's url.Values.Encode (sorted by name, spaces as +)",
        safe: "-_.~",
        plus: true,
        sorted: true,
        php_post: false,
    },
    FormEncoder {
        stack: "Java's URLEncoder.encode (spaces as +, * kept, ~ as %7E)",
        safe: ".-*_",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "PHP's rawurlencode or Python's urlencode(quote_via=quote) (RFC 3986, spaces as %20)",
        safe: "-_.~",
        plus: false,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "Python's urlencode(quote_via=quote) (RFC 3986 and / kept)",
        safe: "_.-~/",
        plus: false,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "JavaScript's encodeURIComponent (!'()* kept, spaces as %20)",
        safe: "-_.!~*'()",
        plus: false,
        sorted: false,
        php_post: false,
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
    if e.php_post {
        let mut kept: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for (k, v) in pairs {
            match kept.iter_mut().find(|(n, _)| *n == k) {
                Some(slot) => slot.1 = v,
                None => kept.push((k, v)),
            }
        }
        pairs = kept;
    }
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

/// A JSON body whose line ends were stripped (`curl -d @file` sends a pretty-printed file
/// without its CR and LF): the line ends put back where a pretty-printer writes them (after
/// `{`, `[` and `,`, before `}` and `]`, the spaces kept as indentation), with `eol`, and a
/// final one when `last`. None when the body has line ends or no indentation.
pub fn relined(body: &[u8], eol: &[u8], last: bool) -> Option<Vec<u8>> {
    if body.contains(&b'\n') || body.contains(&b'\r') || !body.windows(2).any(|w| w == b"  ") {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let b = body[i];
        if in_string {
            out.push(b);
            if b == b'\\' && i + 1 < body.len() {
                out.push(body[i + 1]);
                i += 1;
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b'{' | b'[' | b',' => {
                out.push(b);
                let empty = matches!(body.get(i + 1), Some(b'}' | b']')) && b != b',';
                if !empty {
                    out.extend_from_slice(eol);
                }
            }
            b'}' | b']' => {
                let prev = out.iter().rposition(|c| *c != b' ');
                let opened =
                    prev.is_some_and(|p| matches!(out[p], b'{' | b'[')) && !out.ends_with(eol);
                if !opened {
                    // The indentation before the closer stays on its new line.
                    let spaces = out.iter().rev().take_while(|c| **c == b' ').count();
                    let at = out.len() - spaces;
                    if !out[..at].ends_with(eol) {
                        out.splice(at..at, eol.iter().copied());
                    }
                }
                out.push(b);
            }
            _ => out.push(b),
        }
        i += 1;
    }
    if last {
        out.extend_from_slice(eol);
    }
    Some(out)
}

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
    fn numbers_as_stacks_write_them_in_text() {
        let text = br#"[1.0, 1e3, 2, 0.5, 1e20, 1.5e-7]"#;
        let plain = serde_json::to_string(&crate::sign::json::parse_json(text).unwrap()).unwrap();
        let by = |n| with_numbers(&plain, text, n);
        assert_eq!(
            by(Numbers::Js),
            "[1,1000,2,0.5,100000000000000000000,1.5e-7]"
        );
        assert_eq!(by(Numbers::Python), "[1.0,1000.0,2,0.5,1e+20,1.5e-07]");
        assert_eq!(by(Numbers::Php), "[1,1000,2,0.5,1.0e+20,1.5e-7]");
        assert_eq!(by(Numbers::Ruby), "[1.0,1000.0,2,0.5,1.0e+20,1.5e-7]");
        assert_eq!(by(Numbers::Java), "[1.0,1000.0,2,0.5,1.0E20,1.5E-7]");
        assert_eq!(by(Numbers::Jq), "[1,1000,2,0.5,1e+20,1.5e-07]");
        assert_eq!(by(Numbers::Written), "[1.0,1e3,2,0.5,1e20,1.5e-7]");
    }
}

#[cfg(test)]
mod written_numbers {
    #[test]
    fn literals_kept() {
        let text = br#"{"a":1e3,"b":[1.0,"x1e3 -2",1e20,-2.5E-3]}"#;
        let v = crate::sign::json::parse_json(text).unwrap();
        let plain = serde_json::to_string(&v).unwrap();
        assert_eq!(
            super::with_numbers(&plain, text, super::Numbers::Written),
            std::str::from_utf8(text).unwrap()
        );
    }
}

//! JSON written again by each common encoder: its separators, indents, key order, escapes and
//! the way it writes the numbers it parsed.

use crate::diagnose::change::JsonStyle;

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

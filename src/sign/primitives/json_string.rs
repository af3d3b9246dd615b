//! `json_string = T`: the bytes written as a JSON string literal, exactly as JavaScript's
//! `JSON.stringify` writes a string (ECMA-262 QuoteJSONString): in double quotes, `"` and `\`
//! escaped, backspace, form feed, line feed, carriage return and tab as `\b` `\f` `\n` `\r` `\t`,
//! the other controls below U+0020 as `\u00xx` (lower-case hex), everything else as it is (`/`,
//! DEL, U+2028 and all non-ASCII text unescaped, as UTF-8). Hygraph signs
//! `JSON.stringify({Body: rawBody, …})`, the raw body as such a string.
//!
//! A JavaScript string holds UTF-16 text, so bytes that are not UTF-8 have no such string: they
//! are an error naming the input and the offset (a JavaScript receiver would have decoded them
//! to U+FFFD first, which is no longer the body it received). Lone surrogates cannot arise from
//! valid UTF-8, so `JSON.stringify`'s `\udxxx` escapes never apply.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{
    Expected, MAX_STAGE_BYTES, Out, Primitive, Scope, Spec, Vector, name_of,
};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "json_string",
    summary: "a JSON string literal as JavaScript's `JSON.stringify` writes one: quoted, `\\\"` `\\\\` `\\b` `\\f` `\\n` `\\r` `\\t`, other controls as `\\u00xx`, the rest (`/`, non-ASCII) as it is; bytes that are not UTF-8 are an error naming the offset",
    main: ArgSpec::required("json_string", Kind::Template, "the text (UTF-8)"),
    args: &[],
    func: &FUNC,
    build: |a| Ok(Arc::new(JsonString { input: a.main()? })),
    vectors: &[
        Vector {
            stage: "json_string = \"{body}\"",
            key: "",
            body: "\u{8}\t\n\u{c}\r\"\\/",
            expected: Expected::Text("\"\\b\\t\\n\\f\\r\\\"\\\\/\""),
            source: "ECMA-262, QuoteJSONString and its table of JSON single character escape sequences (`/` is not in it)",
        },
        Vector {
            stage: "json_string = \"{body}\"",
            key: "",
            body: "\u{0}\u{1f}\u{7f}",
            expected: Expected::Text("\"\\u0000\\u001f\u{7f}\""),
            source: "ECMA-262, QuoteJSONString: other code units below 0x20 as UnicodeEscape (\\u and four lower-case hex digits)",
        },
        Vector {
            stage: "json_string = \"{body}\"",
            key: "",
            body: "\u{1d306}",
            expected: Expected::Text("\"\u{1d306}\""),
            source: "test262, built-ins/JSON/stringify/string-escape-unicode.js (JSON.stringify(\"\\uD834\\uDF06\") is '\"𝌆\"')",
        },
    ],
    file: file!(),
};

const FUNC: Func = Func::helper("json_string", &["data"]);

/// The JSON string literal of UTF-8 text, as `JSON.stringify` writes it; Err with the offset of
/// the first byte that is not UTF-8.
pub fn json_string(data: &[u8]) -> Result<Vec<u8>, usize> {
    std::str::from_utf8(data).map_err(|e| e.valid_up_to())?;
    let len = 2 + data.iter().map(|&b| escaped_len(b)).sum::<usize>();
    let mut out = Vec::with_capacity(len);
    out.push(b'"');
    for &b in data {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
    Ok(out)
}

/// How many bytes a byte becomes.
fn escaped_len(b: u8) -> usize {
    match b {
        b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => 2,
        0..=0x1f => 6,
        _ => 1,
    }
}

#[derive(Debug)]
struct JsonString {
    input: Param<Template>,
}

impl Primitive for JsonString {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let input = scope.render(t)?;
        let len = 2 + input.bytes.iter().map(|&b| escaped_len(b)).sum::<usize>();
        if len > MAX_STAGE_BYTES {
            return Err(SignError::StageTooLarge {
                stage: scope.stage().to_string(),
                len,
            });
        }
        json_string(&input.bytes)
            .map(Out::from)
            .map_err(|at| SignError::Input {
                input: scope.input_name(t),
                message: format!(
                    "not UTF-8 text at byte {at}, so stage `{}` cannot write it as a JSON string",
                    scope.stage()
                ),
            })
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "{} as a JSON string (JSON.stringify)",
            name_of(self.input.get(sel))
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![Arg::Bytes(self.input.get(sel).clone())],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn escapes_as_json_stringify() {
        // RFC 8259, section 7: "a string containing only a single reverse solidus character may
        // be represented more compactly as \"\\\\\"".
        assert_eq!(json_string(b"\\").unwrap(), b"\"\\\\\"");
        // The empty string; U+2028 stays raw (JSON.stringify does not escape it).
        assert_eq!(json_string(b"").unwrap(), b"\"\"");
        assert_eq!(
            json_string("\u{2028}é".as_bytes()).unwrap(),
            "\"\u{2028}é\"".as_bytes()
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_naming_the_offset() {
        assert_eq!(json_string(b"ok\xff"), Err(2));
        // An encoded surrogate (CESU-8) and an overlong form are not UTF-8 either.
        assert_eq!(json_string(b"\xed\xa0\x80"), Err(0));
        assert_eq!(json_string(b"a\xc0\xaf"), Err(1));
        let j = JsonString {
            input: fixed("{body}"),
        };
        let e = eval_over_values(&j, &[("body", b"{\"a\":\"\xfe\"}")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "body: not UTF-8 text at byte 6, so stage `test` cannot write it as a JSON string"
        );
    }
}

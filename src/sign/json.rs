//! JSON canonical forms, written straight from serde_json's parse into a light tree that borrows
//! from the text: no `Value`, no hashing of keys, numbers kept exactly as written. The trace is
//! recomputed on every keystroke, and a 1 MiB body must cost a few milliseconds, not fifteen.
//! Also: reading a JSON text with the place of its first error, and the forms of Python's
//! `json.dumps` (a leaf: no other module of the core).

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use serde_json::Value;
use serde_json::ser::Formatter;

/// The key serde_json (with `arbitrary_precision`) uses to hand a number to a visitor as a map
/// with one entry whose value is the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Which object keys a JSON canonical form sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonSort {
    /// Every object, at every depth.
    Deep,
    /// The top-level object only.
    Top,
    None,
}

/// Which top-level members a JSON canonical form drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonSkip {
    None,
    Null,
    NullOrEmpty,
}

/// Options of a JSON canonical form.
#[derive(Debug, Clone, Copy)]
pub struct JsonForm<'a> {
    pub sort: JsonSort,
    pub spaced: bool,
    pub escape_unicode: bool,
    pub skip: JsonSkip,
    pub omit: &'a [String],
}

/// Where and why a JSON text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The largest body the core parses as JSON or parameters (bodies hashed unchanged have no limit).
pub const MAX_PARSED_BYTES: usize = 256 << 20;

/// The text of a JSON body: UTF-8 without a byte order mark, or where and why not.
pub(crate) fn json_text(text: &[u8]) -> Result<&str, JsonError> {
    if text.starts_with(b"\xef\xbb\xbf") {
        return Err(JsonError {
            line: 1,
            column: 1,
            message: "starts with a UTF-8 byte order mark (EF BB BF), which JSON does not allow"
                .to_string(),
        });
    }
    std::str::from_utf8(text).map_err(|e| {
        let valid = &text[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        JsonError {
            line,
            column,
            message: format!("byte 0x{:02x} is not valid UTF-8", text[e.valid_up_to()]),
        }
    })
}

/// serde_json's error, with its place apart from its message; the column counts characters
/// (serde_json counts bytes, which puts an error on a CJK line three times too far).
pub(crate) fn json_error(text: &str, e: serde_json::Error) -> JsonError {
    let full = e.to_string();
    // serde_json appends " at line L column C"; keep only the message.
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m)
        .to_string();
    let column = match text.split('\n').nth(e.line().saturating_sub(1)) {
        Some(line) => {
            let mut end = e.column().min(line.len());
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            let counted = line[..end].chars().count();
            // serde_json's column is 1-based except before any byte of the line (0).
            if e.column() > line.len() {
                counted + e.column() - line.len()
            } else {
                counted
            }
        }
        None => e.column(),
    };
    JsonError {
        line: e.line(),
        column,
        message,
    }
}

/// Parses JSON text, keeping member order and numbers exactly as written.
pub fn parse_json(text: &[u8]) -> Result<Value, JsonError> {
    let text = json_text(text)?;
    let value: Value = serde_json::from_str(text).map_err(|e| json_error(text, e))?;
    // An object member named as serde_json names a number reads as a number: see sign::json.
    fn numbers(v: &Value) -> usize {
        match v {
            Value::Number(_) => 1,
            Value::Array(items) => items.iter().map(numbers).sum(),
            Value::Object(members) => members.values().map(numbers).sum(),
            _ => 0,
        }
    }
    let found = numbers(&value);
    if found > 0 && found != count_numbers(text) {
        return Err(reserved_name(text));
    }
    Ok(value)
}

/// Writes JSON as Python's `json.dumps` does: `,`/`:` or `, `/`: ` separators, and non-ASCII
/// either raw or as `\uXXXX` (lower-case hex, surrogate pairs beyond the BMP, DEL escaped too).
pub(crate) struct PyFormatter {
    pub(crate) spaced: bool,
    pub(crate) escape_unicode: bool,
}

/// The formatter of Python's `json.dumps` default separators (`, ` and `: `), non-ASCII raw.
pub(crate) fn spaced_formatter() -> PyFormatter {
    PyFormatter {
        spaced: true,
        escape_unicode: false,
    }
}

impl PyFormatter {
    /// The separator before an array item or an object member (none before the first).
    fn comma<W: ?Sized + std::io::Write>(
        &self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(if self.spaced { b", " } else { b"," })
        }
    }
}

impl Formatter for PyFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.comma(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.comma(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(if self.spaced { b": " } else { b":" })
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !self.escape_unicode {
            return writer.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                writer.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

crate::arg_words!(JsonSort, { "deep" => JsonSort::Deep, "top" => JsonSort::Top, "none" => JsonSort::None });
crate::arg_words!(JsonSkip, {
    "none" => JsonSkip::None, "null" => JsonSkip::Null, "null-or-empty" => JsonSkip::NullOrEmpty,
});

/// A parsed JSON value; strings and numbers borrow from the text where they can.
enum Node<'a> {
    Null,
    Bool(bool),
    /// serde_json's text of the number, and its place among the text's numbers.
    Number(Cow<'a, str>, usize),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// A parsed text: the tree, and the numbers as written where serde_json's text differs.
struct Parsed<'a> {
    node: Node<'a>,
    tokens: Option<Vec<&'a str>>,
}

fn parse(text: &[u8]) -> Result<Parsed<'_>, JsonError> {
    let text = json_text(text)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let numbers = Numbers::default();
    let node = NodeSeed(&numbers)
        .deserialize(&mut de)
        .map_err(|e| json_error(text, e))?;
    de.end().map_err(|e| json_error(text, e))?;
    // serde_json (arbitrary_precision) hands a number over as an object whose one member has a
    // reserved name; an object of the text with that name looks the same. Every such object was
    // counted as a number: more of them than the text has numbers means one was an object.
    if numbers.count.get() > 0 && numbers.count.get() != count_numbers(text) {
        return Err(reserved_name(text));
    }
    // serde_json writes an exponent as e+N; where a number has one, take it as written.
    let tokens = if numbers.exponent.get() {
        Some(number_tokens(text)).filter(|t| t.len() == numbers.count.get())
    } else {
        None
    };
    Ok(Parsed { node, tokens })
}

/// Parses JSON text and writes it in a canonical form.
pub fn canonical(text: &[u8], form: &JsonForm) -> Result<Vec<u8>, JsonError> {
    let Parsed { mut node, tokens } = parse(text)?;
    if let Node::Object(members) = &mut node {
        members.retain(|(k, v)| {
            !form.omit.iter().any(|o| o == k)
                && match form.skip {
                    JsonSkip::None => true,
                    JsonSkip::Null => !matches!(v, Node::Null),
                    JsonSkip::NullOrEmpty => {
                        !matches!(v, Node::Null) && !matches!(v, Node::String(s) if s.is_empty())
                    }
                }
        });
    }
    let mut out = Vec::with_capacity(text.len());
    write(&mut node, true, form, tokens.as_deref(), &mut out);
    Ok(out)
}

/// An object's members as name-value pairs.
pub type Members = Vec<(String, Vec<u8>)>;

/// The members of a JSON object as name-value pairs: a string value is its text, null is empty,
/// anything else is compact JSON with numbers as written. None when the text is not an object.
pub fn object_members(text: &[u8]) -> Result<Option<Members>, JsonError> {
    let Parsed { node, tokens } = parse(text)?;
    let Node::Object(members) = node else {
        return Ok(None);
    };
    let form = JsonForm {
        sort: JsonSort::None,
        spaced: false,
        escape_unicode: false,
        skip: JsonSkip::None,
        omit: &[],
    };
    let pairs = members
        .into_iter()
        .map(|(k, mut v)| {
            let value = match &v {
                Node::String(s) => s.as_bytes().to_vec(),
                Node::Null => Vec::new(),
                _ => {
                    let mut out = Vec::new();
                    write(&mut v, false, &form, tokens.as_deref(), &mut out);
                    out
                }
            };
            (k.into_owned(), value)
        })
        .collect();
    Ok(Some(pairs))
}

/// The error for an object member named as serde_json names a number: where the name is written
/// plainly, its place.
pub(crate) fn reserved_name(text: &str) -> JsonError {
    let (line, column) = match text.find(NUMBER_TOKEN) {
        Some(at) => {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, before[start..].chars().count())
        }
        None => (1, 1),
    };
    JsonError {
        line,
        column,
        message: format!(
            "a member is named `{NUMBER_TOKEN}`, a name the JSON reader reserves for numbers; it cannot be signed here"
        ),
    }
}

/// How many numbers a JSON text holds (strings skipped). Run only on text that serde_json has
/// already accepted.
pub(crate) fn count_numbers(text: &str) -> usize {
    numbers_in(text).count()
}

/// The numbers of a JSON text as written, in order; strings are skipped. Run only on text that
/// serde_json has already accepted.
fn number_tokens(text: &str) -> Vec<&str> {
    numbers_in(text).collect()
}

/// The numbers of a JSON text as written, in order, strings skipped.
fn numbers_in(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            match b[i] {
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b'-' | b'0'..=b'9' => {
                    let start = i;
                    while i < b.len()
                        && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    {
                        i += 1;
                    }
                    return Some(&text[start..i]);
                }
                _ => i += 1,
            }
        }
        None
    })
}

fn write(node: &mut Node, top: bool, form: &JsonForm, tokens: Option<&[&str]>, out: &mut Vec<u8>) {
    let (comma, colon): (&[u8], &[u8]) = if form.spaced {
        (b", ", b": ")
    } else {
        (b",", b":")
    };
    match node {
        Node::Null => out.extend_from_slice(b"null"),
        Node::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Node::Number(n, at) => {
            let written = tokens.and_then(|t| t.get(*at)).filter(|_| n.contains('e'));
            out.extend_from_slice(written.map_or(n.as_bytes(), |t| t.as_bytes()));
        }
        Node::String(s) => write_str(s, form, out),
        Node::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter_mut().enumerate() {
                if i > 0 {
                    out.extend_from_slice(comma);
                }
                write(item, false, form, tokens, out);
            }
            out.push(b']');
        }
        Node::Object(members) => {
            if form.sort == JsonSort::Deep || (form.sort == JsonSort::Top && top) {
                // Byte order of UTF-8 is code point order, as Python sorts.
                members.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            }
            out.push(b'{');
            for (i, (k, v)) in members.iter_mut().enumerate() {
                if i > 0 {
                    out.extend_from_slice(comma);
                }
                write_str(k, form, out);
                out.extend_from_slice(colon);
                write(v, false, form, tokens, out);
            }
            out.push(b'}');
        }
    }
}

fn write_str(s: &str, form: &JsonForm, out: &mut Vec<u8>) {
    let formatter = PyFormatter {
        spaced: form.spaced,
        escape_unicode: form.escape_unicode,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, formatter);
    serde::Serializer::serialize_str(&mut ser, s).expect("writing JSON to memory cannot fail");
}

/// Members of one object: a repeated name keeps its first place and takes the last value, as
/// serde_json's map and Python's dict both do.
fn dedupe<'a>(members: &mut Vec<(Cow<'a, str>, Node<'a>)>) {
    if members.len() < 2 {
        return;
    }
    // foldhash with a fixed seed, not SipHash: a 1 MiB body's object has tens of thousands of
    // keys on every keystroke, and the core takes no randomness.
    let mut seen: std::collections::HashMap<&str, usize, foldhash::fast::FixedState> =
        std::collections::HashMap::with_capacity_and_hasher(members.len(), Default::default());
    let mut moves: Vec<(usize, usize)> = Vec::new();
    for (i, (k, _)) in members.iter().enumerate() {
        if let Some(&first) = seen.get(k.as_ref()) {
            moves.push((first, i));
        } else {
            seen.insert(k.as_ref(), i);
        }
    }
    if moves.is_empty() {
        return;
    }
    let mut keep = vec![true; members.len()];
    for (first, later) in moves {
        members.swap(first, later);
        keep[later] = false;
    }
    let mut i = 0;
    members.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// How many numbers were read, and whether any has an exponent.
#[derive(Default)]
struct Numbers {
    count: Cell<usize>,
    exponent: Cell<bool>,
}

/// Reads a value, numbering its numbers in the order of the text.
#[derive(Clone, Copy)]
struct NodeSeed<'c>(&'c Numbers);

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(NodeVisitor(self.0))
    }
}

struct NodeVisitor<'c>(&'c Numbers);

impl NodeVisitor<'_> {
    fn number<'a>(&self, text: Cow<'a, str>) -> Node<'a> {
        let at = self.0.count.get();
        self.0.count.set(at + 1);
        if text.contains('e') {
            self.0.exponent.set(true);
        }
        Node::Number(text, at)
    }
}

impl<'de> Visitor<'de> for NodeVisitor<'_> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.number(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.number(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.number(Cow::Owned(v.to_string())))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Node::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Node::String(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Node::String(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(NodeSeed(self.0))? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if members.is_empty() && key == NUMBER_TOKEN {
                let text: Cow<'de, str> = map.next_value_seed(KeySeed)?;
                return Ok(self.number(text));
            }
            let value = map.next_value_seed(NodeSeed(self.0))?;
            members.push((key, value));
        }
        dedupe(&mut members);
        Ok(Node::Object(members))
    }
}

/// A string that borrows from the text when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn json_error_has_place() {
        let e = parse_json(b"{\n  \"a\": }").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert_eq!(e.message, "expected value");
    }

    #[test]
    fn json_bom_and_invalid_utf8_are_named() {
        let e = parse_json(b"\xef\xbb\xbf{}").unwrap_err();
        assert!(e.message.contains("byte order mark"), "{}", e.message);
        let e = parse_json(b"{\n \"a\": \"\xff\"}").unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 8, "byte 0xff is not valid UTF-8")
        );
    }

    fn deep() -> JsonForm<'static> {
        JsonForm {
            sort: JsonSort::Deep,
            spaced: false,
            escape_unicode: false,
            skip: JsonSkip::None,
            omit: &[],
        }
    }

    #[test]
    fn a_member_named_like_a_number_is_refused_not_read_as_one() {
        // serde_json (arbitrary_precision) reads this object as the number "hello world".
        for text in [
            r#"{"$serde_json::private::Number":"hello world"}"#,
            r#"{"a":[1,{"\u0024serde_json::private::Number":"1"}]}"#,
            r#"{"$serde_json::private::Number":"1"}"#,
        ] {
            let e = canonical(text.as_bytes(), &deep()).unwrap_err();
            assert!(e.message.contains("reserves for numbers"), "{text}: {e:?}");
            // serde_json's own reading refuses it too (as an invalid number, or by our count).
            assert!(parse_json(text.as_bytes()).is_err(), "{text}");
        }
        // Numbers themselves still keep their text.
        let out = canonical(br#"{"b":1E+2,"a":[2.50,-0]}"#, &deep()).unwrap();
        assert_eq!(out, br#"{"a":[2.50,-0],"b":1E+2}"#);
    }

    fn canon(text: &str, sort: JsonSort, spaced: bool, esc: bool, skip: JsonSkip) -> String {
        let form = JsonForm {
            sort,
            spaced,
            escape_unicode: esc,
            skip,
            omit: &["sign".to_string()],
        };
        String::from_utf8(canonical(text.as_bytes(), &form).unwrap()).unwrap()
    }

    // Expected strings below are what Python 3's json.dumps prints for the same input (numbers
    // kept as written: Python would print 1.50 as 1.5).
    #[test]
    fn like_python_sorted_compact() {
        assert_eq!(
            canon(
                r#"{"b":{"y":1,"x":[{"d":1,"c":2}]},"a":1.50,"sign":"s"}"#,
                JsonSort::Deep,
                false,
                false,
                JsonSkip::None
            ),
            r#"{"a":1.50,"b":{"x":[{"c":2,"d":1}],"y":1}}"#
        );
    }

    #[test]
    fn like_python_spaced_escaped() {
        // json.dumps({"k":"é😀\x7f","n":None}) == '{"k": "\\u00e9\\ud83d\\ude00\\u007f", "n": null}'
        assert_eq!(
            canon(
                "{\"k\":\"é😀\u{7f}\",\"n\":null}",
                JsonSort::None,
                true,
                true,
                JsonSkip::None
            ),
            r#"{"k": "\u00e9\ud83d\ude00\u007f", "n": null}"#
        );
    }

    #[test]
    fn top_sort_keeps_nested_order_and_skips() {
        let t = r#"{"z":{"b":1,"a":2},"e":"","n":null,"a":0}"#;
        assert_eq!(
            canon(t, JsonSort::Top, false, false, JsonSkip::Null),
            r#"{"a":0,"e":"","z":{"b":1,"a":2}}"#
        );
        assert_eq!(
            canon(t, JsonSort::Top, false, false, JsonSkip::NullOrEmpty),
            r#"{"a":0,"z":{"b":1,"a":2}}"#
        );
    }

    #[test]
    fn control_characters_and_escaped_keys() {
        // json.dumps({"a":"\x01\n\t\"\\/"}, separators=(",",":")) == '{"a":"\\u0001\\n\\t\\"\\\\/"}'
        assert_eq!(
            canon(
                "{\"a\":\"\\u0001\\n\\t\\\"\\\\/\"}",
                JsonSort::None,
                false,
                false,
                JsonSkip::None
            ),
            r#"{"a":"\u0001\n\t\"\\/"}"#
        );
        // A key with an escape is compared by its value: "\u0062" is "b".
        assert_eq!(
            canon(
                r#"{"c":1,"\u0062":2}"#,
                JsonSort::Deep,
                false,
                false,
                JsonSkip::None
            ),
            r#"{"b":2,"c":1}"#
        );
    }

    #[test]
    fn repeated_names_keep_first_place_and_last_value() {
        // json.dumps(json.loads('{"a":1,"b":2,"a":3}')) == '{"a": 3, "b": 2}'
        assert_eq!(
            canon(
                r#"{"a":1,"b":2,"a":3}"#,
                JsonSort::None,
                true,
                false,
                JsonSkip::None
            ),
            r#"{"a": 3, "b": 2}"#
        );
    }

    #[test]
    fn numbers_exactly_as_written() {
        assert_eq!(
            canon(
                r#"[1.0, -0, 12.780, 123456789012345678901234567890]"#,
                JsonSort::None,
                false,
                false,
                JsonSkip::None
            ),
            "[1.0,-0,12.780,123456789012345678901234567890]"
        );
        // serde_json writes an exponent as e+N; the text's own form is kept, even where members
        // are sorted, repeated, or strings hold digits and an `e`.
        assert_eq!(
            canon(
                "[1e5, 2E-3, 3e+1]",
                JsonSort::None,
                false,
                false,
                JsonSkip::None
            ),
            "[1e5,2E-3,3e+1]"
        );
        assert_eq!(
            canon(
                r#"{"z": 1E2, "s": "e 5 -1", "a": [2e0, {"k": 3.5e-1}], "z": 4e4}"#,
                JsonSort::Deep,
                false,
                false,
                JsonSkip::None
            ),
            r#"{"a":[2e0,{"k":3.5e-1}],"s":"e 5 -1","z":4e4}"#
        );
    }

    #[test]
    fn errors_have_a_place() {
        let form = JsonForm {
            sort: JsonSort::None,
            spaced: false,
            escape_unicode: false,
            skip: JsonSkip::None,
            omit: &[],
        };
        let e = canonical(b"{\n  \"a\": }", &form).unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 8, "expected value")
        );
        let e = canonical(b"{} x", &form).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (1, "trailing characters"));
        // Columns count characters: the `x` is the 8th character of its line (the 12th byte).
        let e = canonical("{\"名前\": x}".as_bytes(), &form).unwrap_err();
        assert_eq!((e.line, e.column), (1, 8), "{}", e.message);
        let e = parse_json("[\n\"測試\",,1]".as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 6), "{}", e.message);
    }
}

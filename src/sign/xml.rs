//! Flat XML documents, as WeChat Pay v2 sends its parameters: one root element whose children
//! each hold a value (`<xml><appid>wx1</appid><body><![CDATA[x]]></body></xml>`). Read with
//! quick-xml: each child's name, its text (CDATA unwrapped, the five predefined entities and
//! character references decoded, line ends normalized as XML 1.0 says) and where it sits, so a
//! value can be put back in place. No DTD is read: a DOCTYPE is refused, and with it any entity
//! but the predefined ones (no expansion, so no amplification). A leaf: no other module of the
//! core.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Where and why an XML text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One child element of the root: its name, its text, and its bytes in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub value: Vec<u8>,
    /// From its `<` to the end of its end tag.
    pub span: Range<usize>,
    /// Where it starts (line and column, from 1), for messages.
    pub line: usize,
    pub column: usize,
}

/// A flat document: the root's name, its children in order (repeats kept), and where the
/// root's end tag starts (none for an empty root, `<xml/>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flat {
    pub root: String,
    pub elements: Vec<Element>,
    pub root_end: Option<usize>,
}

/// Line and column (both from 1, the column in characters) of a byte offset.
fn place(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

fn error_at(text: &str, offset: usize, message: impl Into<String>) -> XmlError {
    let (line, column) = place(text, offset);
    XmlError {
        line,
        column,
        message: message.into(),
    }
}

/// XML 1.0 line ends: CR LF and a lone CR read as LF.
fn push_normalized(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\r' {
            out.push(b);
        } else if bytes.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        }
    }
}

/// What has been read so far.
enum At {
    BeforeRoot,
    /// Inside the root, between its children.
    Root,
    /// Inside a child: its name, its start and the text so far.
    Child(String, usize, Vec<u8>),
    AfterRoot,
}

/// The document after the byte-order marks it starts with. Every one goes: the XML reader would
/// skip one more by itself, and the places it reports would then be three bytes off the text.
fn without_boms(mut bytes: &[u8]) -> &[u8] {
    while let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        bytes = rest;
    }
    bytes
}

/// Reads a flat document: one root element, its children's texts. Text between the children
/// may only be white space; comments and processing instructions are skipped; attributes are
/// not read. A child that holds an element, a DOCTYPE, an entity other than the predefined
/// ones, bytes that are not UTF-8 or an unclosed tag are errors, each with its place.
pub fn read_flat(bytes: &[u8]) -> Result<Flat, XmlError> {
    let bytes = without_boms(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        error_at(
            valid,
            valid.len(),
            format!(
                "byte 0x{:02x} is not UTF-8 (only UTF-8 documents are read)",
                bytes[e.valid_up_to()]
            ),
        )
    })?;
    let mut reader = Reader::from_str(text);
    let mut at = At::BeforeRoot;
    let mut root = String::new();
    let mut elements = Vec::new();
    let mut root_end = None;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| error_at(text, reader.error_position() as usize, e.to_string()))?;
        let end = reader.buffer_position() as usize;
        let name_of = |raw: &str| raw.to_string();
        match (event, &mut at) {
            (Event::DocType(_), _) => {
                return Err(error_at(
                    text,
                    start,
                    "a DOCTYPE is refused: no DTD or entity declarations are read",
                ));
            }
            (Event::Decl(_) | Event::PI(_) | Event::Comment(_), _) => {}
            (Event::Start(e), At::BeforeRoot) => {
                root = name_of(e.name().as_ref());
                at = At::Root;
            }
            (Event::Empty(e), At::BeforeRoot) => {
                root = name_of(e.name().as_ref());
                at = At::AfterRoot;
            }
            (Event::Start(e), At::Root) => {
                at = At::Child(name_of(e.name().as_ref()), start, Vec::new());
            }
            (Event::Empty(e), At::Root) => {
                let (line, column) = place(text, start);
                elements.push(Element {
                    name: name_of(e.name().as_ref()),
                    value: Vec::new(),
                    span: start..end,
                    line,
                    column,
                });
            }
            (Event::End(_), At::Root) => {
                root_end = Some(start);
                at = At::AfterRoot;
            }
            (Event::Text(t), At::Child(_, _, value)) => push_normalized(value, &t),
            (Event::CData(t), At::Child(_, _, value)) => push_normalized(value, &t),
            (Event::GeneralRef(r), At::Child(_, _, value)) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_xml_entity(&r) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(error_at(
                                text,
                                start,
                                format!(
                                    "the entity &{}; is not one of XML's five (amp, lt, gt, apos, quot); no others are read",
                                    &*r
                                ),
                            ));
                        }
                    },
                    Err(e) => return Err(error_at(text, start, format!("&{};: {e}", &*r))),
                };
                value.extend_from_slice(resolved.as_bytes());
            }
            (Event::End(_), At::Child(name, from, value)) => {
                let (line, column) = place(text, *from);
                elements.push(Element {
                    name: std::mem::take(name),
                    value: std::mem::take(value),
                    span: *from..end,
                    line,
                    column,
                });
                at = At::Root;
            }
            (Event::Start(e) | Event::Empty(e), At::Child(name, _, _)) => {
                return Err(error_at(
                    text,
                    start,
                    format!(
                        "<{name}> holds an element <{}>: only a flat document is read (<{root}><name>value</name>…</{root}>)",
                        name_of(e.name().as_ref())
                    ),
                ));
            }
            (Event::Start(e) | Event::Empty(e), At::AfterRoot) => {
                return Err(error_at(
                    text,
                    start,
                    format!(
                        "a second root element <{}> after </{root}>",
                        name_of(e.name().as_ref())
                    ),
                ));
            }
            (Event::Text(t), _) if t.trim_ascii().is_empty() => {}
            (Event::CData(t), At::Root) if t.is_empty() => {}
            (Event::Text(_) | Event::CData(_) | Event::GeneralRef(_), place_now) => {
                let offset = start + (text[start..].len() - text[start..].trim_ascii_start().len());
                let message = match place_now {
                    At::Root => {
                        format!("text directly inside <{root}>: only elements are read there")
                    }
                    _ => "text outside the root element".to_string(),
                };
                return Err(error_at(text, offset, message));
            }
            (Event::End(_), At::BeforeRoot | At::AfterRoot) => {
                return Err(error_at(text, start, "an end tag that closes nothing"));
            }
            (Event::Eof, At::AfterRoot) => break,
            (Event::Eof, At::BeforeRoot) => {
                return Err(error_at(
                    text,
                    start,
                    "no root element: the document is empty",
                ));
            }
            (Event::Eof, At::Root) => {
                return Err(error_at(
                    text,
                    start,
                    format!("the document ends inside <{root}>"),
                ));
            }
            (Event::Eof, At::Child(name, _, _)) => {
                return Err(error_at(
                    text,
                    start,
                    format!("the document ends inside <{name}>"),
                ));
            }
        }
    }
    Ok(Flat {
        root,
        elements,
        root_end,
    })
}

/// The text of the first child named `name`, if the document reads and has one.
pub fn element_value(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    read_flat(bytes)
        .ok()?
        .elements
        .into_iter()
        .find(|e| e.name == name)
        .map(|e| e.value)
}

/// Text escaped for an element's content: `&`, `<` and `>` as entities.
pub fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The document with a child `<name>value</name>`: the first one of that name replaced, or a
/// new one before the root's end tag (on a line of its own when the children are).
pub fn with_element(bytes: &[u8], name: &str, value: &str) -> Result<Vec<u8>, XmlError> {
    let flat = read_flat(bytes)?;
    let offset = bytes.len() - without_boms(bytes).len();
    let element = format!("<{name}>{}</{name}>", escape(value));
    let mut out = Vec::with_capacity(bytes.len() + element.len() + 1);
    match flat.elements.iter().find(|e| e.name == name) {
        Some(e) => {
            let span = e.span.start + offset..e.span.end + offset;
            out.extend_from_slice(&bytes[..span.start]);
            // An element written as CDATA stays CDATA (a replay keeps the request's form).
            let cdata = bytes[span.clone()].windows(9).any(|w| w == b"<![CDATA[");
            if cdata && !value.contains("]]>") {
                out.extend_from_slice(format!("<{name}><![CDATA[{value}]]></{name}>").as_bytes());
            } else {
                out.extend_from_slice(element.as_bytes());
            }
            out.extend_from_slice(&bytes[span.end..]);
        }
        None => {
            let Some(end) = flat.root_end else {
                return Err(XmlError {
                    line: 1,
                    column: 1,
                    message: format!(
                        "the root <{0}/> is empty: write it as <{0}></{0}>",
                        flat.root
                    ),
                });
            };
            let at = end + offset;
            out.extend_from_slice(&bytes[..at]);
            out.extend_from_slice(element.as_bytes());
            if bytes[at - 1] == b'\n' {
                out.push(b'\n');
            }
            out.extend_from_slice(&bytes[at..]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        read_flat(text.as_bytes())
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
            .elements
            .into_iter()
            .map(|e| (e.name, String::from_utf8(e.value).unwrap()))
            .collect()
    }

    fn error(text: &str) -> XmlError {
        read_flat(text.as_bytes()).expect_err(text)
    }

    /// Found by the json fuzz target: a document that starts with two byte-order marks had its
    /// element put three bytes early (inside a comment), where it did not read back.
    #[test]
    fn an_element_goes_in_its_place_after_two_byte_order_marks() {
        let doc = "\u{feff}\u{feff}<xml>\r\n<!-- c --><sign/>\r\n<sign>0</sign>\r\n</xml>";
        let out = with_element(doc.as_bytes(), "sign", "a&<b>").unwrap();
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "\u{feff}\u{feff}<xml>\r\n<!-- c --><sign>a&amp;&lt;b&gt;</sign>\r\n<sign>0</sign>\r\n</xml>"
        );
        assert_eq!(read_flat(&out).unwrap().elements[0].value, b"a&<b>");
    }

    #[test]
    fn wechat_pay_elements_cdata_and_numbers() {
        // The form of WeChat Pay's documents: a declaration, CDATA for text, numbers bare, an
        // empty element.
        let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<xml>\r\n<appid><![CDATA[wx2421b1c4370ec43b]]></appid>\r\n<attach><![CDATA[]]></attach>\r\n<total_fee>1</total_fee>\r\n<empty/>\r\n<!-- a comment --><body><![CDATA[a <b> & c]]></body>\r\n</xml>\r\n";
        let got = pairs(doc);
        let want = [
            ("appid", "wx2421b1c4370ec43b"),
            ("attach", ""),
            ("total_fee", "1"),
            ("empty", ""),
            ("body", "a <b> & c"),
        ];
        assert_eq!(
            got,
            want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
        );
        let flat = read_flat(doc.as_bytes()).unwrap();
        assert_eq!(flat.root, "xml");
        assert_eq!(&doc[flat.root_end.unwrap()..], "</xml>\r\n");
        assert_eq!(
            &doc[flat.elements[2].span.clone()],
            "<total_fee>1</total_fee>"
        );
        assert_eq!(flat.elements[2].line, 5);
    }

    #[test]
    fn entities_character_references_and_line_ends() {
        // XML 1.0, 2.11 and 4.6: CR LF and lone CR read as LF; &#13; is a CR kept as it is.
        let got = pairs(
            "<r><a>x&amp;y&lt;&gt;&apos;&quot;&#x41;&#66;</a><b>1\r\n2\r3&#13;\n</b><c>é 日本</c></r>",
        );
        assert_eq!(got[0].1, "x&y<>'\"AB");
        assert_eq!(got[1].1, "1\n2\n3\r\n");
        assert_eq!(got[2].1, "é 日本");
    }

    #[test]
    fn repeats_are_kept_and_attributes_ignored() {
        let got = pairs("<xml><a k=\"v\">1</a><a>2</a></xml>");
        assert_eq!(got, [("a".into(), "1".into()), ("a".into(), "2".into())]);
    }

    #[test]
    fn a_doctype_is_refused_so_no_entity_is_expanded() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\n<xml><a>&lol2;</a></xml>";
        let e = error(bomb);
        assert_eq!((e.line, e.column), (2, 1), "{e:?}");
        assert!(e.message.contains("DOCTYPE"), "{e:?}");
        let e = error("<xml><a>&lol;</a></xml>");
        assert!(e.message.contains("&lol;"), "{e:?}");
    }

    #[test]
    fn each_malformed_document_says_where() {
        for (doc, line, column, words) in [
            ("", 1, 1, "empty"),
            ("<xml><a>1</a>", 1, 14, "ends inside <xml>"),
            (
                "<xml>\n<a>1</b>\n</xml>",
                2,
                5,
                "expected `</a>`, but `</b>` was found",
            ),
            ("<xml>\n<a><b>1</b></a></xml>", 2, 4, "holds an element <b>"),
            (
                "<xml>\n  stray<a>1</a></xml>",
                2,
                3,
                "directly inside <xml>",
            ),
            ("<xml></xml><x/>", 1, 12, "second root"),
            ("{\"a\":1}", 1, 1, "outside the root"),
            ("<xml><a>1 & 2</a></xml>", 1, 11, "ill-formed"),
        ] {
            let e = error(doc);
            assert!(e.message.contains(words), "{doc:?}: {e:?}");
            assert_eq!((e.line, e.column), (line, column), "{doc:?}: {e:?}");
        }
        let e = read_flat(b"<xml><a>\xff</a></xml>").unwrap_err();
        assert_eq!((e.line, e.column), (1, 9), "{e:?}");
        assert!(e.message.contains("0xff"), "{e:?}");
    }

    #[test]
    fn an_element_is_put_in_place_or_added() {
        let doc = b"<xml>\n<a>1</a>\n</xml>";
        assert_eq!(
            with_element(doc, "sign", "S&").unwrap(),
            b"<xml>\n<a>1</a>\n<sign>S&amp;</sign>\n</xml>"
        );
        assert_eq!(
            with_element(
                b"<xml><sign><![CDATA[old]]></sign><a>1</a></xml>",
                "sign",
                "new"
            )
            .unwrap(),
            // CDATA stays CDATA, so a request signed again keeps its form.
            b"<xml><sign><![CDATA[new]]></sign><a>1</a></xml>"
        );
        assert!(with_element(b"<xml/>", "sign", "x").is_err());
        assert!(with_element(b"{}", "sign", "x").is_err());
    }
}

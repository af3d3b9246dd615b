//! What real stacks do to bytes, each named as its users know it: JSON written again by each
//! common encoder (JavaScript's `JSON.stringify`, Python's `json.dumps`, PHP's `json_encode` and
//! its flags, Go's `json.Marshal`, Gson, pretty-printers), a form or query written again by each
//! common URL encoder (urllib, `URLSearchParams`, PHP, Go's `url.Values`, Java's `URLEncoder`,
//! `encodeURIComponent`), and byte-level accidents (a BOM, UTF-8 read as Latin-1 or
//! windows-1252, line ends stripped by `curl -d @file`, whitespace collapsed by an unquoted
//! shell variable).

mod bytes;
mod form;
mod json;

pub use bytes::*;
pub use form::*;
pub use json::*;

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

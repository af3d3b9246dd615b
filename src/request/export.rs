//! Builds a ready request from a trace's placement and the body: the signature placed in its
//! headers, query parameters or body member, the body bytes kept exactly.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::sign::Placement;

/// Everything but the unreserved characters of RFC 3986 is encoded in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A query name or value percent-encoded as a placed one is.
pub fn encode_query_value(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Absolute URL with the placed query parameters.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(
        "the request URL `{0}` is not absolute (scheme and host): give the full URL with --set url=…"
    )]
    NotAbsolute(String),
    #[error(
        "the scheme names no request URL: add `url` under [request] in its recipe, or a `url` field"
    )]
    NoUrl,
    #[error("the body must be a JSON object to carry the `{member}` member: {reason}")]
    NotAnObject { member: String, reason: String },
    /// An XML body that does not read as a flat document, so no element can go in it.
    #[error(
        "the XML body cannot carry the <{member}> element: line {line}, column {column}: {message}"
    )]
    NotFlatXml {
        member: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A CR, LF or NUL (or, in a name, method or URL, any control byte or space) would end a
    /// line early or smuggle another header into the request.
    #[error(
        "{what} holds {byte}, which would break the request apart (header injection); fix the value"
    )]
    Unsafe { what: String, byte: String },
}

/// Refuses values that would end a line of the request early or add one of their own.
fn check(placement: &Placement) -> Result<(), ExportError> {
    let byte_name = |c: char| match c {
        '\r' => "a CR (\\r)".to_string(),
        '\n' => "an LF (\\n)".to_string(),
        '\0' => "a NUL byte".to_string(),
        ' ' => "a space".to_string(),
        c => format!("the control character U+{:04X}", c as u32),
    };
    let strict =
        |what: String, text: &str| match text.chars().find(|c| c.is_control() || c.is_whitespace())
        {
            Some(c) => Err(ExportError::Unsafe {
                what,
                byte: byte_name(c),
            }),
            None => Ok(()),
        };
    strict("the request method".to_string(), &placement.method)?;
    strict("the request URL".to_string(), &placement.url)?;
    for (name, value) in &placement.headers {
        strict(format!("the header name `{}`", name.escape_debug()), name)?;
        if let Some(c) = value.chars().find(|c| matches!(c, '\r' | '\n' | '\0')) {
            return Err(ExportError::Unsafe {
                what: format!("the value of the header `{}`", name.escape_debug()),
                byte: byte_name(c),
            });
        }
    }
    Ok(())
}

/// Places the signed values: query parameters appended to the URL, body members added to the
/// JSON body (written in place when absent, so the rest of the bytes stay as they were).
pub fn build(placement: &Placement, body: &[u8]) -> Result<Request, ExportError> {
    check(placement)?;
    let mut url = placement.url.clone();
    let mut body = body.to_vec();
    if placement.body_in_query && !body.is_empty() {
        // The parameters go in the query string, before the placed ones, as the recipe reads
        // them back.
        let params =
            String::from_utf8(std::mem::take(&mut body)).map_err(|_| ExportError::Unsafe {
                what: "the body, which goes in the query string for this method,".into(),
                byte: "bytes that are not UTF-8 text".into(),
            })?;
        if let Some(c) = params
            .chars()
            .find(|c| c.is_control() || *c == ' ' || *c == '#')
        {
            return Err(ExportError::Unsafe {
                what: "the body, which goes in the query string for this method,".into(),
                byte: format!("{c:?} (encode it as %XX)"),
            });
        }
        let (base, fragment) = match url.find('#') {
            Some(i) => (url[..i].to_string(), url[i..].to_string()),
            None => (url.clone(), String::new()),
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        url = format!("{base}{sep}{params}{fragment}");
    }
    if !placement.query.is_empty() {
        let (base, fragment) = match url.find('#') {
            Some(i) => (url[..i].to_string(), url[i..].to_string()),
            None => (url.clone(), String::new()),
        };
        let mut q = base;
        for (name, value) in &placement.query {
            q.push(if q.contains('?') { '&' } else { '?' });
            q.push_str(&utf8_percent_encode(name, QUERY_VALUE).to_string());
            q.push('=');
            q.push_str(&utf8_percent_encode(value, QUERY_VALUE).to_string());
        }
        url = q + &fragment;
    }
    for (name, value) in &placement.body_members {
        body = with_member(&body, name, value)?;
    }
    Ok(Request {
        method: placement.method.clone(),
        url,
        headers: placement
            .headers
            .iter()
            .chain(&placement.carried)
            .cloned()
            .collect(),
        body,
    })
}

/// The body with a string member set: appended before the closing brace when absent, the whole
/// object rewritten (compact, order kept) when the member is already there. In an XML body (one
/// that starts with `<`) the member is a child element of the root: put in place of the first
/// of its name, or added before the root's end tag.
fn with_member(body: &[u8], name: &str, value: &str) -> Result<Vec<u8>, ExportError> {
    let start = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    if start.trim_ascii_start().first() == Some(&b'<') {
        return crate::sign::xml::with_element(body, name, value).map_err(|e| {
            ExportError::NotFlatXml {
                member: name.to_string(),
                line: e.line,
                column: e.column,
                message: e.message,
            }
        });
    }
    let not_object = |reason: String| ExportError::NotAnObject {
        member: name.to_string(),
        reason,
    };
    let parsed = crate::sign::json::parse_json(body).map_err(|e| {
        not_object(format!(
            "line {}, column {}: {}",
            e.line, e.column, e.message
        ))
    })?;
    let serde_json::Value::Object(mut map) = parsed else {
        return Err(not_object("it is not an object".to_string()));
    };
    // A dotted path (`items.0.data.sig`) to a member inside: set it there, the body rewritten.
    if name.contains('.') && !map.contains_key(name) {
        let mut root = serde_json::Value::Object(map);
        let mut at = &mut root;
        let parts: Vec<&str> = name.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            at = match at {
                serde_json::Value::Object(o) => {
                    let next = o
                        .entry(part.to_string())
                        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                    if last {
                        *next = serde_json::Value::String(value.to_string());
                    }
                    next
                }
                serde_json::Value::Array(a) => {
                    let slot = part.parse::<usize>().ok().and_then(|n| a.get_mut(n));
                    let Some(next) = slot else {
                        return Err(not_object(format!("it has no item `{part}`")));
                    };
                    if last {
                        *next = serde_json::Value::String(value.to_string());
                    }
                    next
                }
                _ => return Err(not_object(format!("`{part}` is not inside an object"))),
            };
        }
        return Ok(serde_json::to_vec(&root).expect("a value serializes"));
    }
    let member = serde_json::to_string(name).expect("a string serializes")
        + ":"
        + &serde_json::to_string(value).expect("a string serializes");
    if map.contains_key(name) {
        // In place, so the rest of the bytes stay as written (a replay writes them back).
        if let Some(span) = top_level_value(body, name) {
            let mut out = body[..span.start].to_vec();
            out.extend_from_slice(
                serde_json::to_string(value)
                    .expect("a string serializes")
                    .as_bytes(),
            );
            out.extend_from_slice(&body[span.end..]);
            return Ok(out);
        }
        map.insert(
            name.to_string(),
            serde_json::Value::String(value.to_string()),
        );
        return Ok(serde_json::to_vec(&map).expect("a map serializes"));
    }
    let end = body
        .iter()
        .rposition(|&b| b == b'}')
        .expect("an object ends with `}`");
    let mut out = body[..end].to_vec();
    let before = out.trim_ascii_end();
    if before.last() != Some(&b'{') {
        out.truncate(before.len());
        out.push(b',');
    }
    out.extend_from_slice(member.as_bytes());
    out.extend_from_slice(&body[end..]);
    Ok(out)
}

/// Where the value of a top-level member of a JSON object lies in its bytes (the first of the
/// name, read without unescaping: a name written with escapes is not found).
fn top_level_value(body: &[u8], name: &str) -> Option<std::ops::Range<usize>> {
    let key = serde_json::to_string(name).ok()?;
    let mut depth = 0usize;
    let mut i = 0;
    // The end of a string starting at `at` (its closing quote's index + 1).
    let string_end = |at: usize| -> Option<usize> {
        let mut j = at + 1;
        while j < body.len() {
            match body[j] {
                b'\\' => j += 2,
                b'"' => return Some(j + 1),
                _ => j += 1,
            }
        }
        None
    };
    let mut expect_key = false;
    while i < body.len() {
        match body[i] {
            b'"' => {
                let end = string_end(i)?;
                if depth == 1 && expect_key && &body[i..end] == key.as_bytes() {
                    let mut j = end;
                    while body.get(j)?.is_ascii_whitespace() {
                        j += 1;
                    }
                    if body[j] != b':' {
                        return None;
                    }
                    j += 1;
                    while body.get(j)?.is_ascii_whitespace() {
                        j += 1;
                    }
                    let start = j;
                    let end = if body[j] == b'"' {
                        string_end(j)?
                    } else {
                        // A number, literal, object or array: up to the `,` or `}` at this depth.
                        let mut d = 0usize;
                        let mut k = j;
                        while k < body.len() {
                            match body[k] {
                                b'"' => {
                                    k = string_end(k)?;
                                    continue;
                                }
                                b'{' | b'[' => d += 1,
                                b'}' | b']' if d == 0 => break,
                                b'}' | b']' => d -= 1,
                                b',' if d == 0 => break,
                                _ => {}
                            }
                            k += 1;
                        }
                        let trimmed = body[j..k].trim_ascii_end().len();
                        j + trimmed
                    };
                    return Some(start..end);
                }
                expect_key = false;
                i = end;
                continue;
            }
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => expect_key = depth == 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The lines that carry the signature, as a user pastes them: the request line when values go in
/// the query, the header lines, and the body after a blank line when a value goes in the body.
/// Returns the text and what it holds, in words.
pub fn head_text(placement: &Placement, body: &[u8]) -> Result<(String, String), ExportError> {
    let request = build(placement, body)?;
    let mut text = String::new();
    let mut what = Vec::new();
    if !placement.query.is_empty() {
        text += &format!("{} {}\n", request.method, request.url);
        what.push("the request line".to_string());
    }
    for (name, value) in &request.headers {
        text += &format!("{name}: {value}\n");
    }
    if !request.headers.is_empty() {
        let n = request.headers.len();
        what.push(format!("{n} header line{}", if n == 1 { "" } else { "s" }));
    }
    if !placement.body_members.is_empty() {
        text.push('\n');
        text += &String::from_utf8_lossy(&request.body);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        what.push("the body".to_string());
    }
    Ok((text, what.join(" and ")))
}

/// Splits an absolute URL into (host with port, request target).
fn split_url(url: &str) -> Result<(&str, String), ExportError> {
    if url.is_empty() {
        return Err(ExportError::NoUrl);
    }
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .filter(|r| !r.is_empty() && !r.starts_with('/'))
        .ok_or_else(|| ExportError::NotAbsolute(url.to_string()))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    let mut target = rest[end..].split('#').next().unwrap_or("").to_string();
    if !target.starts_with('/') {
        target.insert(0, '/');
    }
    Ok((host, target))
}

impl Request {
    /// The request as raw HTTP/1.1 bytes: CRLF line ends, `Host` and `Content-Length` added
    /// unless the placement has them.
    pub fn to_http(&self) -> Result<Vec<u8>, ExportError> {
        self.http_bytes(false)
    }

    /// The request as sent to its server: as [`Request::to_http`], but the target always in
    /// origin-form (`/path?query`), which every server reads.
    pub fn to_wire(&self) -> Result<Vec<u8>, ExportError> {
        self.http_bytes(true)
    }

    fn http_bytes(&self, origin_form: bool) -> Result<Vec<u8>, ExportError> {
        let (host, target) = split_url(&self.url)?;
        let has = |n: &str| self.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
        // Raw HTTP does not say https or http; a reader takes https. Any other scheme is kept by
        // writing the absolute URL as the target (absolute-form, which servers accept).
        let target = if origin_form || self.url.starts_with("https://") {
            target
        } else {
            let end = self.url.find('#').unwrap_or(self.url.len());
            self.url[..end].to_string()
        };
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, target);
        if !has("host") {
            out += &format!("Host: {host}\r\n");
        }
        for (name, value) in &self.headers {
            out += &format!("{name}: {value}\r\n");
        }
        if !has("content-length")
            && (!self.body.is_empty() || !matches!(self.method.as_str(), "GET" | "HEAD"))
        {
            out += &format!("Content-Length: {}\r\n", self.body.len());
        }
        out += "\r\n";
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        Ok(bytes)
    }

    /// The request as a curl command line for a POSIX shell; the body is passed exactly
    /// (`$'…'` quoting when it holds bytes that single quotes would not carry safely).
    pub fn to_curl(&self) -> Result<String, ExportError> {
        split_url(&self.url)?;
        let mut words = vec![
            format!("curl -X {}", shell_words::quote(&self.method)),
            shell_words::quote(&self.url).into_owned(),
        ];
        for (name, value) in &self.headers {
            words.push(format!(
                "-H {}",
                shell_words::quote(&format!("{name}: {value}"))
            ));
        }
        // A NUL cannot travel in an argument (bash cuts it there): such a body is written by
        // printf into curl's standard input.
        let piped = self.body.contains(&0);
        if piped {
            words.push("--data-binary @-".to_string());
        } else if !self.body.is_empty() {
            words.push(format!("--data-binary {}", quote_bytes(&self.body)));
        }
        let line = words.join(" \\\n  ") + "\n";
        Ok(if piped {
            format!("{} |\n{line}", printf_quoted(&self.body))
        } else {
            line
        })
    }
}

/// `printf '…'` that writes `bytes` exactly in any POSIX shell: printable ASCII as itself,
/// `%` doubled, every other byte (and `\\` and `'`) as a three-digit octal escape.
fn printf_quoted(bytes: &[u8]) -> String {
    let mut out = String::from("printf '");
    for &b in bytes {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' | b'\'' => out.push_str(&format!("\\{b:03o}")),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('\'');
    out
}

/// Quotes bytes for a POSIX shell: single quotes for plain text, ANSI-C `$'…'` otherwise.
fn quote_bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t') =>
        {
            shell_words::quote(text).into_owned()
        }
        _ => {
            let mut out = String::from("$'");
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if c.is_control() => {
                            let mut buf = [0; 4];
                            for b in c.encode_utf8(&mut buf).bytes() {
                                out.push_str(&format!("\\x{b:02x}"));
                            }
                        }
                        c => out.push(c),
                    }
                }
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            out.push('\'');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement() -> Placement {
        Placement {
            method: "POST".into(),
            url: "https://h.example:8443/p/a?x=1#f".into(),
            headers: vec![("Sign".into(), "abc=".into())],
            query: vec![("signature".into(), "a+b/c=".into())],
            body_members: vec![],
            body_in_query: false,
            carried: vec![],
        }
    }

    #[test]
    fn query_values_are_percent_encoded_before_the_fragment() {
        let r = build(&placement(), b"").unwrap();
        assert_eq!(
            r.url,
            "https://h.example:8443/p/a?x=1&signature=a%2Bb%2Fc%3D#f"
        );
    }

    #[test]
    fn carried_headers_go_out_after_the_placed_ones() {
        let p = Placement {
            carried: vec![("Accept".into(), "application/json".into())],
            ..placement()
        };
        let r = build(&p, b"{}").unwrap();
        assert_eq!(
            r.headers,
            [
                ("Sign".to_string(), "abc=".to_string()),
                ("Accept".into(), "application/json".into())
            ]
        );
    }

    #[test]
    fn raw_http_has_host_length_and_exact_body() {
        let mut p = placement();
        p.query.clear();
        let http = build(&p, b"{\"a\":1}\r\n").unwrap().to_http().unwrap();
        assert_eq!(
            http,
            b"POST /p/a?x=1 HTTP/1.1\r\nHost: h.example:8443\r\nSign: abc=\r\nContent-Length: 9\r\n\r\n{\"a\":1}\r\n"
        );
    }

    #[test]
    fn body_member_is_appended_in_place() {
        let mut p = placement();
        p.body_members = vec![("sign".into(), "S=".into())];
        assert_eq!(
            build(&p, b"{\"a\": 1 }\n").unwrap().body,
            b"{\"a\": 1,\"sign\":\"S=\"}\n"
        );
        assert_eq!(build(&p, b"{ }").unwrap().body, b"{ \"sign\":\"S=\"}");
        assert_eq!(
            build(&p, b"{\"sign\":\"old\",\"b\":2}").unwrap().body,
            b"{\"sign\":\"S=\",\"b\":2}"
        );
        // An existing member's value is replaced where it is, the spacing kept.
        assert_eq!(
            build(&p, b"{\"a\": {\"sign\": 1}, \"sign\" : null , \"b\": 2}")
                .unwrap()
                .body,
            b"{\"a\": {\"sign\": 1}, \"sign\" : \"S=\" , \"b\": 2}"
        );
        assert!(build(&p, b"[1]").is_err());
        // An XML body (WeChat Pay v2): the member is an element of the root.
        assert_eq!(
            build(&p, b"<xml>\n<a>1</a>\n</xml>").unwrap().body,
            b"<xml>\n<a>1</a>\n<sign>S=</sign>\n</xml>"
        );
        let e = build(&p, b"<xml><a>1</xml>").unwrap_err().to_string();
        assert!(e.starts_with("the XML body cannot carry the <sign> element: line 1, column 10: ill-formed document: expected `</a>`"), "{e}");
    }

    #[test]
    fn curl_quotes_like_a_shell_reads() {
        let mut p = placement();
        p.query.clear();
        let curl = build(&p, b"it's").unwrap().to_curl().unwrap();
        // Round trip through a shell-words split, as a shell would read it.
        let words = shell_words::split(&curl.replace("\\\n", "")).unwrap();
        assert_eq!(
            words,
            [
                "curl",
                "-X",
                "POST",
                "https://h.example:8443/p/a?x=1#f",
                "-H",
                "Sign: abc=",
                "--data-binary",
                "it's"
            ]
        );
        let curl = build(&p, b"a\r\n\xff").unwrap().to_curl().unwrap();
        assert!(curl.ends_with("--data-binary $'a\\r\\n\\xff'\n"), "{curl}");
    }

    #[test]
    fn relative_url_is_an_error() {
        let mut p = placement();
        p.url = "/v2/x".into();
        assert!(matches!(
            build(&p, b"").unwrap().to_http(),
            Err(ExportError::NotAbsolute(_))
        ));
    }
}

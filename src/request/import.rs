//! Import of a customer's request: a raw HTTP request (request line, headers, blank line, body;
//! CRLF or LF) or a curl command line. The body is kept byte for byte.

use std::fmt;

/// A request as it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub method: String,
    /// The full URL when the host is known; else the request target as given.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Things a user should know about how it was read (one sentence each).
    pub notes: Vec<String>,
}

impl Imported {
    /// The first header of a name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// 1-based line of the input; 0 when the problem has no line.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

fn err(line: usize, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        message: message.into(),
    }
}

/// Reads a raw HTTP request or a curl command line. `read_file` resolves curl's `@file` data.
pub fn parse(
    input: &[u8],
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    if input[start..].starts_with(b"curl ") || input[start..].starts_with(b"curl\t") {
        let text = std::str::from_utf8(input).map_err(|e| {
            let line = input[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            err(line, "a curl command line must be UTF-8 text")
        })?;
        parse_curl(text, read_file)
    } else if input[start..].is_empty() {
        Err(err(0, "the request is empty"))
    } else {
        parse_http(
            &input[start..],
            input[..start].iter().filter(|&&b| b == b'\n').count(),
        )
    }
}

/// A raw HTTP/1.x request. `skipped` lines of blank input came before it (for line numbers).
fn parse_http(input: &[u8], skipped: usize) -> Result<Imported, ImportError> {
    // A request line pasted without its version ("POST /x") is read as HTTP/1.1.
    let first_end = input
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(input.len());
    let first = input[..first_end]
        .strip_suffix(b"\r")
        .unwrap_or(&input[..first_end]);
    let words: Vec<&[u8]> = first
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let method_ok = words
        .first()
        .is_some_and(|m| m.iter().all(u8::is_ascii_uppercase));
    let target_ok = words
        .get(1)
        .is_some_and(|t| t.starts_with(b"/") || t.windows(3).any(|w| w == b"://") || *t == b"*");
    if !(method_ok && target_ok && (2..=3).contains(&words.len())) {
        return Err(err(
            skipped + 1,
            format!(
                "expected a request line such as `POST /path HTTP/1.1` or a curl command line, found `{}`",
                clip(&String::from_utf8_lossy(first))
            ),
        ));
    }
    let mut notes = Vec::new();
    let owned;
    let input = if words.len() == 2 {
        let mut v = first.to_vec();
        v.extend_from_slice(b" HTTP/1.1");
        v.extend_from_slice(&input[first.len()..]);
        owned = v;
        notes.push("the request line has no HTTP version; read as HTTP/1.1".to_string());
        &owned[..]
    } else {
        input
    };
    let mut headers = vec![httparse::EMPTY_HEADER; 128];
    let mut req = httparse::Request::new(&mut headers);
    let head_len = match req.parse(input) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            // No blank line: everything is head, there is no body.
            let mut with_end = input.to_vec();
            with_end.extend_from_slice(b"\r\n\r\n");
            let mut headers = vec![httparse::EMPTY_HEADER; 128];
            let mut req2 = httparse::Request::new(&mut headers);
            match req2.parse(&with_end) {
                Ok(httparse::Status::Complete(_)) => {
                    notes.push(
                        "no blank line after the headers: read with an empty body".to_string(),
                    );
                    return finish_http(&req2, &[], notes);
                }
                _ => {
                    return Err(locate_http_error(
                        input,
                        skipped,
                        "the request is incomplete",
                    ));
                }
            }
        }
        Err(e) => return Err(locate_http_error(input, skipped, &e.to_string())),
    };
    finish_http(&req, &input[head_len..], notes)
}

fn finish_http(
    req: &httparse::Request,
    body: &[u8],
    mut notes: Vec<String>,
) -> Result<Imported, ImportError> {
    let method = req.method.unwrap_or("GET").to_string();
    let target = req.path.unwrap_or("/").to_string();
    let mut headers = Vec::new();
    for h in req.headers.iter() {
        let value = String::from_utf8(h.value.to_vec()).map_err(|_| {
            err(
                0,
                format!("the value of header `{}` is not UTF-8 text", h.name),
            )
        })?;
        headers.push((h.name.to_string(), value));
    }
    let mut body = body.to_vec();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    if let Some(n) = length {
        if body.len() > n {
            notes.push(format!(
                "{} bytes after the {n} of Content-Length are left out (a newline the file added?)",
                body.len() - n
            ));
            body.truncate(n);
        } else if body.len() < n {
            notes.push(format!(
                "the body has {} bytes, Content-Length says {n}",
                body.len()
            ));
        }
    }
    let url = if target.contains("://") {
        target
    } else {
        match headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("host")) {
            Some((_, host)) => {
                notes.push(
                    "raw HTTP does not say the scheme: https assumed (--set url=… to change)"
                        .to_string(),
                );
                format!("https://{}{target}", host.trim())
            }
            None => {
                notes.push("no Host header: the URL is the request target alone".to_string());
                target
            }
        }
    };
    Ok(Imported {
        method,
        url,
        headers,
        body,
        notes,
    })
}

/// Finds the first line of a raw request that httparse would refuse, to name it.
fn locate_http_error(input: &[u8], skipped: usize, fallback: &str) -> ImportError {
    let head_end = find_blank_line(input).unwrap_or(input.len());
    for (i, line) in input[..head_end].split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let n = skipped + i + 1;
        let text = String::from_utf8_lossy(line);
        if i == 0 {
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            let method_ok = words
                .first()
                .is_some_and(|m| m.chars().all(|c| c.is_ascii_uppercase()));
            if words.len() != 3 || !method_ok || !words[2].starts_with("HTTP/") {
                return err(
                    n,
                    format!(
                        "expected a request line such as `POST /path HTTP/1.1`, found `{}`",
                        clip(&text)
                    ),
                );
            }
            continue;
        }
        match text.split_once(':') {
            Some((name, _))
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)) => {}
            _ => {
                return err(
                    n,
                    format!(
                        "expected a header line `Name: value`, found `{}`",
                        clip(&text)
                    ),
                );
            }
        }
    }
    err(
        skipped + 1,
        format!("not a raw HTTP request or a curl command line: {fallback}"),
    )
}

fn find_blank_line(input: &[u8]) -> Option<usize> {
    let crlf = input.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = input.windows(2).position(|w| w == b"\n\n");
    [crlf, lf].into_iter().flatten().min()
}

fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        s.chars().take(57).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// A curl command line: options as a shell reads them, line continuations joined.
fn parse_curl(
    text: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    let words = shell_words::split(&joined).map_err(|e| {
        err(
            text.lines().count(),
            format!(
                "the curl command line does not read as a shell would: {e} (an unclosed quote?)"
            ),
        )
    })?;
    let line_of = |word: &str| -> usize {
        text.find(word)
            .map_or(1, |i| text[..i].matches('\n').count() + 1)
    };
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut data: Vec<Vec<u8>> = Vec::new();
    let mut get = false;
    let mut notes = Vec::new();
    let mut it = words.iter().skip(1).peekable();
    while let Some(word) = it.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, ImportError> {
            if let Some(v) = &inline {
                return Ok(v.clone());
            }
            // Short options may carry their value attached: -XPOST, -H'A: b'.
            if !flag.starts_with("--") && word.len() > 2 && word.starts_with(name) {
                return Ok(word[name.len()..].to_string());
            }
            it.next()
                .cloned()
                .ok_or_else(|| err(line_of(word), format!("`{flag}` needs a value")))
        };
        let short = |s: &str| {
            word == s || (word.starts_with(s) && word.len() > 2 && !word.starts_with("--"))
        };
        if short("-X") || flag == "--request" {
            method = Some(value("-X")?);
        } else if short("-H") || flag == "--header" {
            let h = value("-H")?;
            let (name, v) = h
                .split_once(':')
                .ok_or_else(|| err(line_of(&h), format!("the header `{h}` has no `:`")))?;
            headers.push((name.trim().to_string(), v.trim_start().to_string()));
        } else if short("-d") || matches!(flag, "--data" | "--data-ascii") {
            // -d @file: the file's bytes with CR and LF taken out, as curl does.
            let d = value("-d")?;
            let bytes = match d.strip_prefix('@') {
                Some(path) => read_file(path)
                    .map_err(|e| err(line_of(&d), format!("{d}: {e}")))?
                    .into_iter()
                    .filter(|&b| b != b'\r' && b != b'\n')
                    .collect(),
                None => d.into_bytes(),
            };
            data.push(bytes);
        } else if flag == "--data-binary" {
            let d = value("--data-binary")?;
            let bytes = match d.strip_prefix('@') {
                Some(path) => read_file(path).map_err(|e| err(line_of(&d), format!("{d}: {e}")))?,
                None => d.into_bytes(),
            };
            data.push(bytes);
        } else if flag == "--data-raw" {
            data.push(value("--data-raw")?.into_bytes());
        } else if flag == "--json" {
            data.push(value("--json")?.into_bytes());
            headers.push(("Content-Type".into(), "application/json".into()));
            headers.push(("Accept".into(), "application/json".into()));
        } else if flag == "--url" {
            url = Some(value("--url")?);
        } else if short("-G") || flag == "--get" {
            get = true;
        } else if short("-A") || flag == "--user-agent" {
            headers.push(("User-Agent".into(), value("-A")?));
        } else if short("-e") || flag == "--referer" {
            headers.push(("Referer".into(), value("-e")?));
        } else if short("-b") || flag == "--cookie" {
            headers.push(("Cookie".into(), value("-b")?));
        } else if short("-u")
            || short("-o")
            || short("-m")
            || matches!(
                flag,
                "--user"
                    | "--output"
                    | "--max-time"
                    | "--connect-timeout"
                    | "--retry"
                    | "-w"
                    | "--write-out"
                    | "--cacert"
                    | "--cert"
                    | "--key"
                    | "--proxy"
                    | "-x"
            )
        {
            let _ = value(flag)?;
        } else if word.starts_with('-') && word.len() > 1 {
            // A flag without a value (-s, -v, -k, -i, -L, --compressed …): it does not change
            // what is signed.
            if word.starts_with("--") && !KNOWN_FLAGS.contains(&word.as_str()) {
                notes.push(format!(
                    "`{word}` is not read; if it takes a value, that value was read as the URL"
                ));
            }
        } else if url.is_none() {
            url = Some(word.clone());
        } else {
            return Err(err(
                line_of(word),
                format!("a second URL `{word}`: one request at a time"),
            ));
        }
    }
    let mut url =
        url.ok_or_else(|| err(text.lines().count(), "the curl command line has no URL"))?;
    let mut body = data.join(&b'&');
    if get && !body.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&String::from_utf8_lossy(&body));
        body.clear();
    }
    let method = method.unwrap_or_else(|| if body.is_empty() { "GET" } else { "POST" }.to_string());
    Ok(Imported {
        method,
        url,
        headers,
        body,
        notes,
    })
}

/// curl flags that take no value.
const KNOWN_FLAGS: &[&str] = &[
    "--silent",
    "--verbose",
    "--insecure",
    "--include",
    "--location",
    "--compressed",
    "--fail",
    "--show-error",
    "--http1.1",
    "--http2",
    "--globoff",
    "--no-buffer",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(_: &str) -> Result<Vec<u8>, String> {
        Err("no files here".into())
    }

    #[test]
    fn raw_http_with_crlf_keeps_the_body_exactly() {
        let r = parse(b"POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nSign: abc\r\nContent-Length: 6\r\n\r\n{\"a\"}\r\n", &mut no_files).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://api.tpns.tencent.com/v3/push/app");
        assert_eq!(r.header("sign"), Some("abc"));
        assert_eq!(r.body, b"{\"a\"}\r");
        assert!(r.notes.iter().any(|n| n.contains("Content-Length")));
    }

    #[test]
    fn raw_http_with_lf_and_no_version() {
        let r = parse(
            b"\nPOST https://example.isv.com/produceAPI/v2/tenantSync\nx-sign:11C4\n\n{\"a\": 1}\n",
            &mut no_files,
        )
        .unwrap();
        assert_eq!(r.url, "https://example.isv.com/produceAPI/v2/tenantSync");
        assert_eq!(r.header("x-sign"), Some("11C4"));
        assert_eq!(r.body, b"{\"a\": 1}\n");
    }

    #[test]
    fn a_bad_header_line_is_named() {
        let e = parse(
            b"POST / HTTP/1.1\r\nHost: h\r\nthis is not a header\r\n\r\n",
            &mut no_files,
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse(b"\n\nhello world\n", &mut no_files).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn curl_as_a_shell_reads_it() {
        let cmd = "curl -X POST -H 'Content-Type: application/json' \\\n  'https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLU' \\\n  --data '{\"a\": \"it'\\''s\"}'";
        let r = parse(cmd.as_bytes(), &mut no_files).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url,
            "https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLU"
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, b"{\"a\": \"it's\"}");
    }

    #[test]
    fn curl_data_forms() {
        let mut files = |p: &str| -> Result<Vec<u8>, String> {
            assert_eq!(p, "body.json");
            Ok(b"{\r\n\"a\": 1\r\n}\n".to_vec())
        };
        let r = parse(b"curl https://h/x -d @body.json -d b=2", &mut files).unwrap();
        assert_eq!(r.body, b"{\"a\": 1}&b=2");
        let r = parse(b"curl https://h/x --data-binary @body.json", &mut files).unwrap();
        assert_eq!(r.body, b"{\r\n\"a\": 1\r\n}\n");
        let r = parse(b"curl --url https://h/x --data-raw @x -XPUT", &mut files).unwrap();
        assert_eq!((r.method.as_str(), r.body.as_slice()), ("PUT", &b"@x"[..]));
        let r = parse(b"curl -G https://h/x?a=1 -d b=2", &mut files).unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str()),
            ("GET", "https://h/x?a=1&b=2")
        );
    }

    #[test]
    fn curl_errors_name_the_line() {
        let e = parse(b"curl https://h/x \\\n -H 'no colon'", &mut no_files).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "the header `no colon` has no `:`")
        );
        let e = parse(b"curl -X", &mut no_files).unwrap_err();
        assert_eq!(e.message, "`-X` needs a value");
        let e = parse(b"curl 'https://h/x", &mut no_files).unwrap_err();
        assert!(e.message.contains("unclosed quote"), "{e}");
        let e = parse(b"curl -s", &mut no_files).unwrap_err();
        assert_eq!(e.message, "the curl command line has no URL");
    }
}

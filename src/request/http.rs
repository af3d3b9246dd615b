//! A raw HTTP request as a customer pastes or saves it, read into the request it was: the
//! request line, the headers in order with their case, the body byte for byte. Line ends in CR
//! alone or CR CR (a terminal's paste), HTTP/2 request lines and pseudo-headers, folded header
//! lines and chunked bodies are read too, with a note saying so.

use super::message::{ImportError, Imported, err};

/// The note of a raw request whose URL is taken to be https (the request line does not say).
pub const HTTPS_ASSUMED: &str =
    "raw HTTP does not say the scheme: https assumed (--set url=… to change)";

/// Reads a raw HTTP request; blank lines before it are skipped (and counted for line numbers).
pub fn parse(input: &[u8]) -> Result<Imported, ImportError> {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    if input[start..].is_empty() {
        return Err(err(0, "the request is empty"));
    }
    let skipped = input[..start].iter().filter(|&&b| b == b'\n').count();
    let mut notes = Vec::new();
    // A response (`HTTP/1.1 200 OK`): its status code is kept, and its headers and body read as
    // a request's are (RFC 9421 signs responses too).
    let status = response_status(&input[start..]);
    let as_request;
    let input = match status {
        Some(code) => {
            let line_end = input[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(input.len(), |p| start + p);
            let first = input[start..line_end]
                .strip_suffix(b"\r")
                .unwrap_or(&input[start..line_end]);
            notes.push(format!(
                "a response (`{}`): status {code}, its headers and body",
                String::from_utf8_lossy(first)
            ));
            as_request = [
                &input[..start],
                b"GET / HTTP/1.1",
                &input[start + first.len()..],
            ]
            .concat();
            &as_request[..]
        }
        None => input,
    };
    let owned = normalize_head(&input[start..], &mut notes);
    let mut r = parse_http(owned.as_deref().unwrap_or(&input[start..]), skipped)?;
    notes.append(&mut r.notes);
    r.notes = notes;
    if status.is_some() {
        r.method = String::new();
        r.url = String::new();
        r.status = status;
    }
    Ok(r)
}

/// The status code of a response's first line (`HTTP/1.1 200 OK`, `HTTP/2 404`).
fn response_status(input: &[u8]) -> Option<u16> {
    let line = input.split(|&b| b == b'\n').next()?;
    let mut words = line.split(|&b| b == b' ').filter(|w| !w.is_empty());
    let version = words.next()?;
    let code = words.next()?.trim_ascii();
    (version.starts_with(b"HTTP/") && code.len() == 3 && code.iter().all(u8::is_ascii_digit))
        .then(|| std::str::from_utf8(code).ok()?.parse().ok())
        .flatten()
}

/// A head's line end, its lines, and the body after the blank line.
type SplitHead<'a> = (&'static [u8], Vec<&'a [u8]>, Option<&'a [u8]>);

/// How the lines of a request's head end (`\n` for LF and CRLF alike, `\r`, or `\r\r` for CRLF
/// pasted through tmux), the head's lines without their ends, and the body after the blank line.
fn split_head(input: &[u8]) -> Option<SplitHead<'_>> {
    // The line end of the first line decides how every line of the head ends.
    let p = input.iter().position(|&b| b == b'\r' || b == b'\n')?;
    let run = input[p..].iter().take_while(|&&b| b == b'\r').count();
    let unit: &'static [u8] = match (input[p], input.get(p + run)) {
        (b'\n', _) | (_, Some(b'\n')) => b"\n",
        // CR CR before the first header, and four CRs for the blank line: CRLF pasted by tmux.
        _ if run == 2 && input.windows(4).any(|w| w == b"\r\r\r\r") => b"\r\r",
        _ => b"\r",
    };
    if unit == b"\n" {
        let end = find_blank_line(input);
        let head = &input[..end.unwrap_or(input.len())];
        let lines = head
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect();
        let body = end.map(|e| {
            let rest = &input[e..];
            let skip = if rest.starts_with(b"\r\n\r\n") { 4 } else { 2 };
            &rest[skip..]
        });
        Some((unit, lines, body))
    } else {
        let blank = [unit, unit].concat();
        let end = input.windows(blank.len()).position(|w| w == blank);
        let head = &input[..end.unwrap_or(input.len())];
        let mut lines = Vec::new();
        let mut rest = head;
        while let Some(i) = rest.windows(unit.len()).position(|w| w == unit) {
            lines.push(&rest[..i]);
            rest = &rest[i + unit.len()..];
        }
        lines.push(rest);
        Some((unit, lines, end.map(|e| &input[e + blank.len()..])))
    }
}

/// A pasted request whose head lines end in CR alone or CR CR (tmux's paste), with LF line ends
/// in the head so that an editor shows one header a line; the body is kept as it is. None when
/// the head's lines already end in LF or CRLF.
pub fn head_with_lf(input: &str) -> Option<String> {
    let (unit, head, body) = split_head(input.as_bytes())?;
    if unit == b"\n" {
        return None;
    }
    let mut out = head.join(&b'\n');
    if let Some(body) = body {
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(body);
    }
    // Splitting at ASCII bytes keeps UTF-8 whole.
    String::from_utf8(out).ok()
}

/// A request head as a terminal paste or a browser's devtools may give it, rewritten to what
/// HTTP/1.1 reads: lines that end in CR alone or in CR CR (tmux's paste turns LF into CR) get
/// CRLF; an HTTP/2 or HTTP/3 request line gets HTTP/1.1; HTTP/2 pseudo-headers (`:method`,
/// `:path`, `:authority`, `:scheme`) become the request line and Host. The body after the blank
/// line is never changed. None when nothing needs rewriting.
fn normalize_head(input: &[u8], notes: &mut Vec<String>) -> Option<Vec<u8>> {
    let (unit, head, body) = split_head(input)?;
    let mut lines: Vec<Vec<u8>> = head.into_iter().map(<[u8]>::to_vec).collect();
    let mut changed = unit != b"\n";
    if changed {
        notes.push(format!(
            "the request's lines end in {} (a terminal's paste?): read as line ends; the body is kept as it is",
            if unit == b"\r" { "CR alone" } else { "CR CR" }
        ));
    }
    // HTTP/2 pseudo-headers, as devtools list them.
    let pseudo = |lines: &[Vec<u8>], name: &[u8]| -> Option<String> {
        lines.iter().find_map(|l| {
            l.strip_prefix(name)
                .and_then(|v| v.strip_prefix(b":"))
                .map(|v| String::from_utf8_lossy(v.trim_ascii()).into_owned())
        })
    };
    if lines.iter().any(|l| l.starts_with(b":")) {
        let method = pseudo(&lines, b":method");
        let path = pseudo(&lines, b":path");
        let authority = pseudo(&lines, b":authority");
        let scheme = pseudo(&lines, b":scheme");
        let first_is_pseudo = lines[0].starts_with(b":");
        lines.retain(|l| !l.starts_with(b":"));
        if first_is_pseudo {
            let (Some(m), Some(t)) = (method, path) else {
                return None;
            };
            let target = match (&scheme, &authority) {
                (Some(s), Some(a)) => format!("{s}://{a}{t}"),
                _ => t,
            };
            lines.insert(0, format!("{m} {target} HTTP/1.1").into_bytes());
        }
        if let Some(a) = authority
            && !lines[1..]
                .iter()
                .any(|l| l.len() > 5 && l[..5].eq_ignore_ascii_case(b"host:"))
        {
            lines.insert(1, format!("Host: {a}").into_bytes());
        }
        notes.push("HTTP/2 pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) were read as the request line and Host".into());
        changed = true;
    }
    // `POST /x HTTP/2` (or HTTP/3, as devtools show them): the same request in HTTP/1.1 words.
    let first = &mut lines[0];
    for v in [&b" HTTP/2"[..], b" HTTP/2.0", b" HTTP/3", b" HTTP/3.0"] {
        if first.ends_with(v) {
            let version = String::from_utf8_lossy(&v[1..]).into_owned();
            first.truncate(first.len() - v.len());
            first.extend_from_slice(b" HTTP/1.1");
            notes.push(format!(
                "the request line says {version}: read as the same request in HTTP/1.1"
            ));
            changed = true;
            break;
        }
    }
    if !changed {
        return None;
    }
    let mut out = lines.join(&b"\r\n"[..]);
    if let Some(body) = body {
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(body);
    }
    Some(out)
}

/// A body sent with `Transfer-Encoding: chunked`, de-chunked: each chunk's size line (hex, with
/// any extension), its bytes and its line end; the trailer after the last chunk is ignored.
pub fn dechunk(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let eol = body[i..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| format!("the chunk size line at byte {i} has no line end"))?;
        let line = body[i..i + eol]
            .strip_suffix(b"\r")
            .unwrap_or(&body[i..i + eol]);
        let size_text = line
            .split(|&b| b == b';')
            .next()
            .unwrap_or(b"")
            .trim_ascii();
        let size = std::str::from_utf8(size_text)
            .ok()
            .filter(|t| !t.is_empty() && t.len() <= 15)
            .and_then(|t| usize::from_str_radix(t, 16).ok())
            .ok_or_else(|| {
                format!(
                    "the chunk size `{}` at byte {i} is not a hex number",
                    crate::sign::visible::printable(&String::from_utf8_lossy(line))
                )
            })?;
        i += eol + 1;
        if size == 0 {
            return Ok(out);
        }
        let end = i
            .checked_add(size)
            .filter(|&e| e <= body.len())
            .ok_or_else(|| {
                format!(
                    "a chunk of {size} bytes at byte {i} runs past the end ({} bytes left)",
                    body.len() - i
                )
            })?;
        out.extend_from_slice(&body[i..end]);
        i = end;
        if body[i..].starts_with(b"\r\n") {
            i += 2;
        } else if body[i..].starts_with(b"\n") {
            i += 1;
        } else {
            return Err(format!(
                "the chunk ending at byte {i} is not followed by a line end"
            ));
        }
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
    // A target with spaces in it (`GET /example space/ HTTP/1.1`, as AWS's test suite has):
    // everything between the method and the version.
    let spaced_target =
        (words.len() > 3 && words[words.len() - 1].starts_with(b"HTTP/")).then(|| {
            let start = first.iter().position(|&b| b == b' ').unwrap_or(0) + 1;
            let end = first
                .iter()
                .rposition(|&b| b == b' ')
                .unwrap_or(first.len());
            String::from_utf8_lossy(first[start..end].trim_ascii()).into_owned()
        });
    let words = match &spaced_target {
        Some(_) => vec![words[0], b"/", words[words.len() - 1]],
        None => words,
    };
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
    let head_end = find_blank_line(input).unwrap_or(input.len());
    let head = input[first_end.min(head_end)..head_end]
        .strip_prefix(b"\n")
        .unwrap_or(&input[first_end.min(head_end)..head_end])
        .to_vec();
    // httparse refuses folded header lines; the head keeps them, the parse gets them unfolded.
    let folded = head
        .windows(2)
        .any(|w| w[0] == b'\n' && matches!(w[1], b' ' | b'\t'));
    let owned;
    let input = if words.len() == 2 || spaced_target.is_some() || folded {
        let mut v = words.join(&b' ');
        if words.len() == 2 {
            v.extend_from_slice(b" HTTP/1.1");
            notes.push("the request line has no HTTP version; read as HTTP/1.1".to_string());
        }
        let mut rest = input[first.len()..].to_vec();
        if folded {
            let end = find_blank_line(&rest).unwrap_or(rest.len());
            let mut unfolded = Vec::with_capacity(rest.len());
            let mut i = 0;
            while i < end {
                let cr = rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n');
                let nl = if cr { i + 1 } else { i };
                if rest[nl] == b'\n' && i > 0 && matches!(rest.get(nl + 1), Some(b' ' | b'\t')) {
                    unfolded.push(b' ');
                    i = nl + 1;
                    while matches!(rest.get(i), Some(b' ' | b'\t')) {
                        i += 1;
                    }
                    continue;
                }
                unfolded.push(rest[i]);
                i += 1;
            }
            unfolded.extend_from_slice(&rest[end..]);
            rest = unfolded;
            notes.push("folded header lines were joined".to_string());
        }
        v.extend_from_slice(&rest);
        owned = v;
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
                    return finish_http(&req2, &[], notes, head, spaced_target);
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
    finish_http(&req, &input[head_len..], notes, head, spaced_target)
}

fn finish_http(
    req: &httparse::Request,
    body: &[u8],
    mut notes: Vec<String>,
    head: Vec<u8>,
    spaced_target: Option<String>,
) -> Result<Imported, ImportError> {
    let method = req.method.unwrap_or("GET").to_string();
    let target = spaced_target.unwrap_or_else(|| req.path.unwrap_or("/").to_string());
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
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        let raw = body.len();
        body =
            dechunk(&body).map_err(|e| err(0, format!("the chunked body does not read: {e}")))?;
        notes.push(format!(
            "the body was sent chunked (Transfer-Encoding: chunked): read as its {} de-chunked bytes ({raw} on the wire)",
            body.len()
        ));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    if let Some(n) = length.filter(|_| !chunked) {
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
                notes.push(HTTPS_ASSUMED.to_string());
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
        head,
        body,
        notes,
        status: None,
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

#[cfg(test)]
mod tests {

    #[test]
    fn a_response_keeps_its_status_and_reads_its_headers_and_body() {
        // RFC 9421 appendix B.2.4's response, as the RFC prints it.
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 23\r\n\r\n{\"message\": \"good dog\"}";
        let r = super::parse(raw).unwrap();
        assert_eq!(r.status, Some(200));
        assert_eq!(r.method, "");
        assert_eq!(r.body, b"{\"message\": \"good dog\"}");
        assert_eq!(super::response_status(b"HTTP/2 404\r\n"), Some(404));
        assert_eq!(super::response_status(b"GET / HTTP/1.1\r\n"), None);
    }

    use super::*;

    #[test]
    fn raw_http_with_crlf_keeps_the_body_exactly() {
        let r = parse(b"POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nSign: abc\r\nContent-Length: 6\r\n\r\n{\"a\"}\r\n").unwrap();
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
        )
        .unwrap();
        assert_eq!(r.url, "https://example.isv.com/produceAPI/v2/tenantSync");
        assert_eq!(r.header("x-sign"), Some("11C4"));
        assert_eq!(r.body, b"{\"a\": 1}\n");
    }

    #[test]
    fn cr_and_cr_cr_line_ends_in_the_head_keep_the_body() {
        let crlf = b"POST /x HTTP/1.1\r\nHost: h\r\nSign: abc\r\n\r\nline1\r\nline2";
        let lf = crlf
            .to_vec()
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect::<Vec<_>>();
        let r = parse(&lf).unwrap();
        assert_eq!(
            (r.url.as_str(), r.header("sign")),
            ("https://h/x", Some("abc"))
        );
        assert_eq!(r.body, b"line1\r\rline2");
        let cr: Vec<u8> = String::from_utf8_lossy(crlf)
            .replace("\r\n", "\r")
            .into_bytes();
        let r = parse(&cr).unwrap();
        assert_eq!(
            (r.header("sign"), r.body.as_slice()),
            (Some("abc"), &b"line1\rline2"[..])
        );
        assert!(
            r.notes.iter().any(|n| n.contains("CR alone")),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn http2_and_http3_request_lines_and_pseudo_headers() {
        let r = parse(b"POST /x?a=1 HTTP/2\nhost: h\nsign: s\n\nbody").unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str(), r.body.as_slice()),
            ("POST", "https://h/x?a=1", &b"body"[..])
        );
        assert!(
            r.notes.iter().any(|n| n.contains("HTTP/2")),
            "{:?}",
            r.notes
        );
        let r = parse(b"GET /y HTTP/3\r\nHost: h\r\n\r\n").unwrap();
        assert_eq!(r.url, "https://h/y");
        let r = parse(
            b":authority: api.example.com\n:method: PUT\n:path: /v1/a\n:scheme: http\ncontent-type: text/plain\n\nhi",
        )
        .unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str()),
            ("PUT", "http://api.example.com/v1/a")
        );
        assert_eq!(
            (r.header("host"), r.header("content-type")),
            (Some("api.example.com"), Some("text/plain"))
        );
        assert_eq!(r.body, b"hi");
    }

    #[test]
    fn a_chunked_body_is_de_chunked() {
        let r = parse(
            b"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, b"Wikipedia in \r\n\r\nchunks.");
        assert!(
            r.notes.iter().any(|n| n.contains("chunked")),
            "{:?}",
            r.notes
        );
        let e =
            parse(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab").unwrap_err();
        assert!(e.message.contains("not a hex number"), "{e}");
        let e =
            parse(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nab").unwrap_err();
        assert!(e.message.contains("runs past the end"), "{e}");
    }

    #[test]
    fn a_bad_header_line_is_named() {
        let e = parse(b"POST / HTTP/1.1\r\nHost: h\r\nthis is not a header\r\n\r\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse(b"\n\nhello world\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }
}

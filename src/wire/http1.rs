//! HTTP/1.1 messages read as they arrived: the head's bytes kept exactly (header case, order,
//! repeats, spacing), the body de-chunked, the wire bytes of the whole message kept beside.
//! httparse reads the head; the framing (Content-Length, chunked, to the end) is here because
//! every HTTP crate that does it for us normalizes the head, and the head is what we debug.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How much a peer may send, and how long it may take. A user can raise each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of a head (request line and header lines) at most: past it, 431.
    pub max_head: usize,
    /// Bytes of a body at most (de-chunked): past it, 413.
    pub max_body: usize,
    /// From a request's first byte to the end of its head: past it, 408.
    pub header_timeout: Duration,
    /// How long a kept-alive connection waits for the next request, and a body for its next
    /// bytes.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head: 64 * 1024,
            max_body: 16 * 1024 * 1024,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Header lines a head may have at most (httparse needs a bound).
const MAX_HEADERS: usize = 256;

/// A stream whose reads can time out.
pub trait Timed: Read + Write {
    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;
}

impl Timed for TcpStream {
    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_read_timeout(timeout)
    }
}

impl Timed for rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(timeout)
    }
}

impl<T: Timed + ?Sized> Timed for Box<T> {
    fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_timeout(timeout)
    }
}

/// A peer whose bytes arrive in the pieces given, then end; what is written to it is kept. For
/// tests and fuzzing: reads take at most one piece, as a socket's might.
pub struct Arriving {
    pieces: std::collections::VecDeque<Vec<u8>>,
    pub written: Vec<u8>,
}

impl Arriving {
    pub fn new(pieces: impl IntoIterator<Item = Vec<u8>>) -> Arriving {
        Arriving {
            pieces: pieces.into_iter().collect(),
            written: Vec::new(),
        }
    }
}

impl Read for Arriving {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(mut piece) = self.pieces.pop_front() else {
            return Ok(0);
        };
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        if n < piece.len() {
            self.pieces.push_front(piece.split_off(n));
        }
        Ok(n)
    }
}

impl Write for Arriving {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Timed for Arriving {
    fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
}

/// Why no message was read.
#[derive(Debug)]
pub enum Fail {
    /// The peer closed the connection, or let it idle out, before a message began: no answer is
    /// owed.
    Closed,
    /// The peer took too long (`what`: "the request head", "the body").
    Timeout(&'static str),
    /// The head was over the limit.
    HeadTooLarge(usize),
    /// More header lines than a head may have.
    TooManyHeaders,
    /// The body is over the limit (`declared`: its Content-Length when it said one). `head`:
    /// the message's head and its bytes, read before the body was refused.
    BodyTooLarge {
        limit: usize,
        declared: Option<u64>,
        head: Option<Box<(Head, Vec<u8>)>>,
    },
    /// Not HTTP/1.x as the standard has it: what and where.
    Malformed(String),
    /// `Expect` with something other than 100-continue.
    Expectation(String),
    Io(io::Error),
}

impl Fail {
    /// The status a server answers with, when it answers.
    pub fn status(&self) -> Option<u16> {
        match self {
            Fail::Closed | Fail::Io(_) => None,
            Fail::Timeout(_) => Some(408),
            Fail::HeadTooLarge(_) | Fail::TooManyHeaders => Some(431),
            Fail::BodyTooLarge { .. } => Some(413),
            Fail::Malformed(_) => Some(400),
            Fail::Expectation(_) => Some(417),
        }
    }
}

impl std::fmt::Display for Fail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fail::Closed => f.write_str("the connection closed"),
            Fail::Timeout(what) => write!(f, "{what} did not arrive in time"),
            Fail::HeadTooLarge(limit) => write!(
                f,
                "the head is over the limit of {limit} bytes (--max-header-bytes raises it)"
            ),
            Fail::BodyTooLarge {
                limit,
                declared: Some(n),
                ..
            } => write!(
                f,
                "the body ({n} bytes) is over the limit of {limit} bytes (--max-body-bytes raises it)"
            ),
            Fail::BodyTooLarge { limit, .. } => write!(
                f,
                "the body is over the limit of {limit} bytes (--max-body-bytes raises it)"
            ),
            Fail::TooManyHeaders => write!(f, "the head has more than {MAX_HEADERS} header lines"),
            Fail::Malformed(why) => write!(f, "malformed HTTP: {why}"),
            Fail::Expectation(e) => write!(f, "unsupported Expect: {e}"),
            Fail::Io(e) => write!(f, "{e}"),
        }
    }
}

/// A message's start line, its header lines as httparse read them, and where its body begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Request: method, target, version (`HTTP/1.1`). Response: version, status, reason.
    pub start: [String; 3],
    /// Names with their case, values as bytes, in the order received, repeats kept.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The head's length in bytes, the blank line included.
    pub len: usize,
    /// HTTP/1.0 (0) or HTTP/1.1 (1).
    pub minor: u8,
}

impl Head {
    /// Values of a header, in order (case-insensitive name).
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Whether a comma-separated header holds a token (case-insensitive).
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.values(name).any(|v| {
            v.split(|&b| b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
        })
    }

    /// Whether the connection stays open after this message.
    pub fn keep_alive(&self) -> bool {
        if self.has_token("Connection", "close") {
            false
        } else {
            self.minor >= 1 || self.has_token("Connection", "keep-alive")
        }
    }
}

/// A whole message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub head: Head,
    /// Every byte of the message as it came over the wire (chunk framing included).
    pub raw: Vec<u8>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
    /// Whether the body came chunked.
    pub chunked: bool,
}

/// How a body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    None,
    Length(u64),
    Chunked,
    /// A response without a length: to the end of the connection.
    UntilClose,
}

/// One side of a connection: the stream and the bytes read from it but not yet used.
pub struct Conn<S> {
    pub stream: S,
    buf: Vec<u8>,
    /// Where the next message begins in `buf`.
    at: usize,
}

impl<S: Timed> Conn<S> {
    pub fn new(stream: S) -> Self {
        Conn {
            stream,
            buf: Vec::with_capacity(16 * 1024),
            at: 0,
        }
    }

    /// Reads more bytes before `deadline`. Ok(false) at the end of the stream.
    fn fill(&mut self, deadline: Instant, what: &'static str) -> Result<bool, Fail> {
        let now = Instant::now();
        if now >= deadline {
            return Err(Fail::Timeout(what));
        }
        self.stream
            .set_timeout(Some(deadline - now))
            .map_err(Fail::Io)?;
        let old = self.buf.len();
        self.buf.resize(old + 16 * 1024, 0);
        loop {
            match self.stream.read(&mut self.buf[old..]) {
                Ok(n) => {
                    self.buf.truncate(old + n);
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    self.buf.truncate(old);
                    return Err(Fail::Timeout(what));
                }
                Err(e) => {
                    self.buf.truncate(old);
                    // A TLS peer that closes without close_notify, or a reset: the end.
                    if matches!(
                        e.kind(),
                        io::ErrorKind::UnexpectedEof
                            | io::ErrorKind::ConnectionReset
                            | io::ErrorKind::ConnectionAborted
                    ) {
                        return Ok(false);
                    }
                    return Err(Fail::Io(e));
                }
            }
        }
    }

    /// Drops the bytes of messages already read.
    fn compact(&mut self) {
        if self.at > 0 {
            self.buf.drain(..self.at);
            self.at = 0;
        }
    }

    /// Reads the next request. `Expect: 100-continue` is answered before the body is read.
    pub fn read_request(&mut self, limits: &Limits) -> Result<Message, Fail> {
        self.compact();
        // Wait for the first byte as long as a kept-alive connection may idle.
        let idle = Instant::now() + limits.idle_timeout;
        // Empty lines before a request line are skipped (RFC 9112 §2.2).
        loop {
            let skip = self.buf.iter().take_while(|&&b| b == b'\r' || b == b'\n');
            let n = skip.count();
            self.buf.drain(..n);
            if !self.buf.is_empty() {
                break;
            }
            match self.fill(idle, "the next request") {
                Ok(true) => {}
                Ok(false) | Err(Fail::Timeout(_)) => return Err(Fail::Closed),
                Err(e) => return Err(e),
            }
        }
        let head = self.read_head(limits, "the request head", |buf| {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut req = httparse::Request::new(&mut headers);
            Ok(match req.parse(buf)? {
                httparse::Status::Partial => None,
                httparse::Status::Complete(len) => {
                    let minor = req.version.unwrap_or(1);
                    Some(Head {
                        start: [
                            req.method.unwrap_or_default().to_string(),
                            req.path.unwrap_or_default().to_string(),
                            format!("HTTP/1.{minor}"),
                        ],
                        headers: owned(req.headers),
                        len,
                        minor,
                    })
                }
            })
        })?;
        let framing = request_framing(&head)?;
        if let Some(expect) = head.values("Expect").next() {
            if !expect.trim_ascii().eq_ignore_ascii_case(b"100-continue") {
                return Err(Fail::Expectation(
                    String::from_utf8_lossy(expect).into_owned(),
                ));
            }
            if let Framing::Length(n) = framing
                && n > limits.max_body as u64
            {
                return Err(Fail::BodyTooLarge {
                    limit: limits.max_body,
                    declared: Some(n),
                    head: Some(Box::new((head.clone(), self.buf[..head.len].to_vec()))),
                });
            }
            // Only when the body is not already on its way.
            if head.minor >= 1 && self.buf.len() == head.len && framing != Framing::None {
                self.stream
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .map_err(Fail::Io)?;
            }
        }
        self.read_body(head, framing, limits)
    }

    /// Reads the response to a request (`head_request`: it was a HEAD, so no body follows).
    /// Interim 1xx responses are skipped.
    pub fn read_response(&mut self, limits: &Limits, head_request: bool) -> Result<Message, Fail> {
        loop {
            self.compact();
            let head = self.read_head(limits, "the response head", |buf| {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut res = httparse::Response::new(&mut headers);
                let mut config = httparse::ParserConfig::default();
                config
                    .allow_obsolete_multiline_headers_in_responses(true)
                    .allow_spaces_after_header_name_in_responses(true);
                Ok(match config.parse_response(&mut res, buf)? {
                    httparse::Status::Partial => None,
                    httparse::Status::Complete(len) => {
                        let minor = res.version.unwrap_or(1);
                        Some(Head {
                            start: [
                                format!("HTTP/1.{minor}"),
                                res.code.unwrap_or_default().to_string(),
                                res.reason.unwrap_or_default().to_string(),
                            ],
                            headers: owned(res.headers),
                            len,
                            minor,
                        })
                    }
                })
            })?;
            let status: u16 = head.start[1].parse().unwrap_or(0);
            if (100..200).contains(&status) && status != 101 {
                self.at = head.len;
                continue;
            }
            let framing = if head_request || status == 204 || status == 304 {
                Framing::None
            } else {
                match request_framing(&head)? {
                    Framing::None if head.values("Content-Length").next().is_none() => {
                        Framing::UntilClose
                    }
                    f => f,
                }
            };
            return self.read_body(head, framing, limits);
        }
    }

    /// Reads a head (`what`: "the request head") with `parse`, which makes httparse's reading a
    /// [`Head`] (None while it is partial), waiting for more bytes until the header timeout.
    fn read_head(
        &mut self,
        limits: &Limits,
        what: &'static str,
        parse: impl Fn(&[u8]) -> Result<Option<Head>, httparse::Error>,
    ) -> Result<Head, Fail> {
        let deadline = Instant::now() + limits.header_timeout;
        loop {
            match parse(&self.buf) {
                Ok(Some(head)) if head.len > limits.max_head => {
                    return Err(Fail::HeadTooLarge(limits.max_head));
                }
                Ok(Some(head)) => return Ok(head),
                Ok(None) => {
                    if self.buf.len() > limits.max_head {
                        return Err(Fail::HeadTooLarge(limits.max_head));
                    }
                    if !self.fill(deadline, what)? {
                        return Err(Fail::Malformed(if self.buf.is_empty() {
                            format!("the connection closed before {what} came")
                        } else {
                            format!(
                                "the connection closed after {} bytes, inside {what}",
                                self.buf.len()
                            )
                        }));
                    }
                }
                Err(httparse::Error::TooManyHeaders) => return Err(Fail::TooManyHeaders),
                Err(e) => return Err(Fail::Malformed(malformed(&self.buf, e))),
            }
        }
    }

    fn read_body(
        &mut self,
        head: Head,
        framing: Framing,
        limits: &Limits,
    ) -> Result<Message, Fail> {
        let too_large = |declared, buf: &[u8]| Fail::BodyTooLarge {
            limit: limits.max_body,
            declared,
            head: Some(Box::new((head.clone(), buf[..head.len].to_vec()))),
        };
        let body_start = head.len;
        let (body, end) = match framing {
            Framing::None => (Vec::new(), body_start),
            Framing::Length(n) => {
                if n > limits.max_body as u64 {
                    return Err(too_large(Some(n), &self.buf));
                }
                let end = body_start + n as usize;
                while self.buf.len() < end {
                    let deadline = Instant::now() + limits.idle_timeout;
                    if !self.fill(deadline, "the body")? {
                        return Err(Fail::Malformed(format!(
                            "the connection closed after {} of the {n} body bytes Content-Length announced",
                            self.buf.len() - body_start
                        )));
                    }
                }
                (self.buf[body_start..end].to_vec(), end)
            }
            Framing::UntilClose => {
                loop {
                    if self.buf.len() - body_start > limits.max_body {
                        return Err(too_large(None, &self.buf));
                    }
                    let deadline = Instant::now() + limits.idle_timeout;
                    if !self.fill(deadline, "the body")? {
                        break;
                    }
                }
                (self.buf[body_start..].to_vec(), self.buf.len())
            }
            Framing::Chunked => match self.read_chunked(body_start, limits) {
                Err(Fail::BodyTooLarge { .. }) => return Err(too_large(None, &self.buf)),
                other => other?,
            },
        };
        let raw = self.buf[..end].to_vec();
        self.at = end;
        Ok(Message {
            head,
            raw,
            body,
            chunked: framing == Framing::Chunked,
        })
    }

    /// A chunked body from `start`: (the de-chunked bytes, where the message ends).
    fn read_chunked(&mut self, start: usize, limits: &Limits) -> Result<(Vec<u8>, usize), Fail> {
        let mut body = Vec::new();
        let mut i = start;
        let closed = |at: usize| {
            Fail::Malformed(format!(
                "the connection closed inside the chunked body (at byte {at} of the message)"
            ))
        };
        loop {
            // The size line.
            let size = loop {
                match httparse::parse_chunk_size(&self.buf[i..]) {
                    Ok(httparse::Status::Complete((n, size))) => {
                        i += n;
                        break size;
                    }
                    Ok(httparse::Status::Partial) => {
                        if self.buf.len() - i > 4096 {
                            return Err(Fail::Malformed(format!(
                                "a chunk size line at byte {i} runs past 4 KiB"
                            )));
                        }
                        let deadline = Instant::now() + limits.idle_timeout;
                        if !self.fill(deadline, "the body")? {
                            return Err(closed(self.buf.len()));
                        }
                    }
                    Err(_) => {
                        return Err(Fail::Malformed(format!(
                            "the chunk size line at byte {i} is not a hex size"
                        )));
                    }
                }
            };
            if size == 0 {
                // Trailer lines, then an empty line.
                loop {
                    match self.buf[i..].windows(2).position(|w| w == b"\r\n") {
                        Some(0) => return Ok((body, i + 2)),
                        Some(p) => i += p + 2,
                        None => {
                            if self.buf.len() - start > limits.max_body + limits.max_head {
                                return Err(Fail::HeadTooLarge(limits.max_head));
                            }
                            let deadline = Instant::now() + limits.idle_timeout;
                            if !self.fill(deadline, "the body")? {
                                return Err(closed(self.buf.len()));
                            }
                        }
                    }
                }
            }
            if body.len() as u64 + size > limits.max_body as u64 {
                return Err(too_large_chunked(limits));
            }
            let end = i + size as usize;
            while self.buf.len() < end + 2 {
                let deadline = Instant::now() + limits.idle_timeout;
                if !self.fill(deadline, "the body")? {
                    return Err(closed(self.buf.len()));
                }
            }
            body.extend_from_slice(&self.buf[i..end]);
            if &self.buf[end..end + 2] != b"\r\n" {
                return Err(Fail::Malformed(format!(
                    "the chunk ending at byte {end} is not followed by CRLF"
                )));
            }
            i = end + 2;
        }
    }
}

fn too_large_chunked(limits: &Limits) -> Fail {
    Fail::BodyTooLarge {
        limit: limits.max_body,
        declared: None,
        head: None,
    }
}

fn owned(headers: &[httparse::Header]) -> Vec<(String, Vec<u8>)> {
    headers
        .iter()
        .map(|h| (h.name.to_string(), h.value.to_vec()))
        .collect()
}

/// httparse's error, with the line it was found on.
fn malformed(buf: &[u8], e: httparse::Error) -> String {
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let lines = buf[..end].split(|&b| b == b'\n').count().max(1);
    let first = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(&first[..first.len().min(80)]).into_owned();
    format!(
        "{e} (in the first {lines} line{} of the head; it begins `{}`)",
        if lines == 1 { "" } else { "s" },
        crate::sign::visible::printable(first.trim_end())
    )
}

/// The body's framing by RFC 9112 §6.3: Transfer-Encoding (chunked last) wins; a Content-Length
/// must be one number; none of them is no body.
fn request_framing(head: &Head) -> Result<Framing, Fail> {
    if head.values("Transfer-Encoding").next().is_some() {
        let last = head
            .values("Transfer-Encoding")
            .flat_map(|v| v.split(|&b| b == b','))
            .map(|t| t.trim_ascii())
            .filter(|t| !t.is_empty())
            .last()
            .unwrap_or_default();
        if !last.eq_ignore_ascii_case(b"chunked") {
            return Err(Fail::Malformed(format!(
                "Transfer-Encoding `{}` does not end in chunked, so the body's length is unknown",
                String::from_utf8_lossy(last)
            )));
        }
        if head.values("Content-Length").next().is_some() {
            return Err(Fail::Malformed(
                "both Transfer-Encoding and Content-Length: which one frames the body is ambiguous"
                    .to_string(),
            ));
        }
        return Ok(Framing::Chunked);
    }
    let mut length: Option<u64> = None;
    for v in head.values("Content-Length") {
        for part in v.split(|&b| b == b',') {
            let n = std::str::from_utf8(part.trim_ascii())
                .ok()
                .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|t| t.parse::<u64>().ok())
                .ok_or_else(|| {
                    Fail::Malformed(format!(
                        "Content-Length `{}` is not a number",
                        String::from_utf8_lossy(v)
                    ))
                })?;
            if length.is_some_and(|l| l != n) {
                return Err(Fail::Malformed(
                    "two Content-Length values that differ".to_string(),
                ));
            }
            length = Some(n);
        }
    }
    Ok(match length {
        Some(0) | None => Framing::None,
        Some(n) => Framing::Length(n),
    })
}

/// A short response with a text body.
pub fn answer(status: u16, text: &str, close: bool) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n{}\r\n{text}",
        reason(status),
        text.len(),
        if close { "Connection: close\r\n" } else { "" },
    )
    .into_bytes()
}

/// The standard reason phrase of a status.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        417 => "Expectation Failed",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection whose peer sends these pieces.
    fn peer(pieces: &[&[u8]]) -> Conn<Arriving> {
        Conn::new(Arriving::new(pieces.iter().map(|p| p.to_vec())))
    }

    fn limits() -> Limits {
        Limits {
            max_body: 100,
            max_head: 200,
            ..Limits::default()
        }
    }

    #[test]
    fn pipelined_requests_split_anywhere_are_read_one_by_one() {
        let two = b"POST /a HTTP/1.1\r\nX-Case: 1\r\nx-case:  2 \r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: h\r\n\r\n";
        // Whole, and one byte at a time.
        for pieces in [vec![&two[..]], two.chunks(1).collect::<Vec<_>>()] {
            let mut c = peer(&pieces);
            let a = c.read_request(&limits()).unwrap();
            assert_eq!(a.head.start, ["POST", "/a", "HTTP/1.1"]);
            assert_eq!(
                a.head.headers[..2],
                [
                    ("X-Case".to_string(), b"1".to_vec()),
                    ("x-case".to_string(), b"2".to_vec())
                ]
            );
            assert_eq!(a.body, b"abc");
            assert_eq!(a.raw, &two[..a.raw.len()]);
            let b = c.read_request(&limits()).unwrap();
            assert_eq!(b.head.start[1], "/b");
            assert_eq!(b.raw, &two[a.raw.len()..]);
            assert!(matches!(c.read_request(&limits()), Err(Fail::Closed)));
        }
    }

    #[test]
    fn chunked_bodies_are_dechunked_and_kept_raw() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n";
        let mut c = peer(&[raw]);
        let m = c.read_request(&limits()).unwrap();
        assert!(m.chunked);
        assert_eq!(m.body, b"abcde");
        assert_eq!(m.raw, raw);
    }

    #[test]
    fn what_is_refused_and_how() {
        let status = |raw: &[u8]| {
            peer(&[raw])
                .read_request(&limits())
                .err()
                .and_then(|e| e.status())
        };
        // Both framings, a bad length, two lengths, a coding that does not end in chunked.
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            Some(400)
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
            Some(400)
        );
        // Over the limits; an Expect that is not 100-continue; a bad chunk size.
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n"),
            Some(413)
        );
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(300));
        assert_eq!(status(long.as_bytes()), Some(431));
        assert_eq!(status(b"POST / HTTP/1.1\r\nExpect: tea\r\n\r\n"), Some(417));
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            Some(400)
        );
        assert_eq!(status(b"\x16\x03\x01\x02\x00\x01\x00"), Some(400));
        // A connection that ends inside a head is malformed; before any byte it is just closed.
        assert_eq!(status(b"GET / HT"), Some(400));
        assert!(matches!(
            peer(&[b"\r\n"]).read_request(&limits()),
            Err(Fail::Closed)
        ));
    }

    #[test]
    fn expect_100_continue_is_answered_before_the_body() {
        let mut c = peer(&[
            b"PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
            b"hi",
        ]);
        let m = c.read_request(&limits()).unwrap();
        assert_eq!(m.body, b"hi");
        assert_eq!(c.stream.written, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn responses_by_length_chunks_or_to_the_end() {
        let mut c =
            peer(&[b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
        let m = c.read_response(&limits(), false).unwrap();
        assert_eq!(
            (m.head.start[1].as_str(), m.body.as_slice()),
            ("200", &b"ok"[..])
        );
        let mut c = peer(&[b"HTTP/1.0 200 OK\r\n\r\nto the end"]);
        assert_eq!(
            c.read_response(&limits(), false).unwrap().body,
            b"to the end"
        );
        let mut c = peer(&[b"HTTP/1.1 204 No Content\r\n\r\n"]);
        assert!(c.read_response(&limits(), false).unwrap().body.is_empty());
        let mut c = peer(&[b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"]);
        assert!(c.read_response(&limits(), true).unwrap().body.is_empty());
    }
}

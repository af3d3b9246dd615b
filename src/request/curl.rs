//! A curl command line, read as bash and curl read it: the words as bash splits them (ANSI-C
//! quoting included), curl's options by name with their values, the body built as curl builds
//! it. `printf '…' | curl … --data-binary @-` (how sigscope exports a body that no argument can
//! carry) reads the body from the printf.

use base64::Engine;
use percent_encoding::{NON_ALPHANUMERIC, percent_encode};

use super::message::{ImportError, Imported, err};
use super::shell::{self, Token};

/// What an option does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    /// Takes no value and does not change the bytes sent.
    Flag,
    /// Takes a value that does not change the bytes sent (timeouts, output files, TLS files).
    Ignored,
    Method,
    Header,
    /// `-d`, `--data`, `--data-ascii`: `@file` is read with CR and LF taken out.
    Data,
    DataBinary,
    DataRaw,
    DataUrlencode,
    Json,
    Url,
    Get,
    Head,
    UserAgent,
    Referer,
    Cookie,
    User,
    Bearer,
    Range,
    Upload,
    Form,
    /// Read as a file of options, or a signature curl computes itself: refused with a reason.
    Refused(&'static str),
}

/// The long name of a short option.
fn long_of(short: char) -> Option<&'static str> {
    Some(match short {
        'X' => "request",
        'H' => "header",
        'd' => "data",
        'G' => "get",
        'I' => "head",
        'A' => "user-agent",
        'e' => "referer",
        'b' => "cookie",
        'u' => "user",
        'F' => "form",
        'T' => "upload-file",
        'r' => "range",
        'o' => "output",
        'm' => "max-time",
        'w' => "write-out",
        'x' => "proxy",
        'E' => "cert",
        'K' => "config",
        'c' => "cookie-jar",
        'D' => "dump-header",
        'U' => "proxy-user",
        'y' => "speed-time",
        'Y' => "speed-limit",
        'z' => "time-cond",
        'C' => "continue-at",
        's' => "silent",
        'S' => "show-error",
        'v' => "verbose",
        'k' => "insecure",
        'i' => "include",
        'L' => "location",
        'f' => "fail",
        '#' => "progress-bar",
        'N' => "no-buffer",
        'g' => "globoff",
        '4' => "ipv4",
        '6' => "ipv6",
        'q' => "disable",
        'n' => "netrc",
        'O' => "remote-name",
        'J' => "remote-header-name",
        'j' => "junk-session-cookies",
        'Z' => "parallel",
        'p' => "proxytunnel",
        'R' => "remote-time",
        '0' => "http1.0",
        '1' => "tlsv1",
        '2' => "sslv2",
        '3' => "sslv3",
        _ => return None,
    })
}

fn option(long: &str) -> Option<Opt> {
    use Opt::*;
    Some(match long {
        "request" => Method,
        "header" => Header,
        "data" | "data-ascii" => Data,
        "data-binary" => DataBinary,
        "data-raw" => DataRaw,
        "data-urlencode" => DataUrlencode,
        "json" => Json,
        "url" => Url,
        "get" => Get,
        "head" => Head,
        "user-agent" => UserAgent,
        "referer" => Referer,
        "cookie" => Cookie,
        "user" => User,
        "oauth2-bearer" => Bearer,
        "range" => Range,
        "upload-file" => Upload,
        "form" | "form-string" => Form,
        "config" => Refused("reads more options from a file; put them in the line"),
        "aws-sigv4" => Refused(
            "makes curl compute an AWS signature itself; give the request as it was sent (curl -v shows its headers)",
        ),
        "variable" | "expand-url" | "expand-data" | "expand-header" => {
            Refused("expands curl variables; put their values in the line")
        }
        "silent"
        | "show-error"
        | "verbose"
        | "insecure"
        | "include"
        | "location"
        | "location-trusted"
        | "compressed"
        | "compressed-ssh"
        | "fail"
        | "fail-early"
        | "fail-with-body"
        | "progress-bar"
        | "no-progress-meter"
        | "no-buffer"
        | "buffer"
        | "http0.9"
        | "http1.0"
        | "http1.1"
        | "http2"
        | "http2-prior-knowledge"
        | "http3"
        | "http3-only"
        | "globoff"
        | "ipv4"
        | "ipv6"
        | "tr-encoding"
        | "raw"
        | "netrc"
        | "netrc-optional"
        | "remote-name"
        | "remote-name-all"
        | "remote-header-name"
        | "junk-session-cookies"
        | "anyauth"
        | "basic"
        | "digest"
        | "ntlm"
        | "negotiate"
        | "path-as-is"
        | "ssl"
        | "ssl-reqd"
        | "ssl-no-revoke"
        | "ssl-revoke-best-effort"
        | "tlsv1"
        | "tlsv1.0"
        | "tlsv1.1"
        | "tlsv1.2"
        | "tlsv1.3"
        | "sslv2"
        | "sslv3"
        | "no-keepalive"
        | "keepalive"
        | "tcp-nodelay"
        | "tcp-fastopen"
        | "no-sessionid"
        | "no-alpn"
        | "no-npn"
        | "create-dirs"
        | "disable"
        | "disable-eprt"
        | "disable-epsv"
        | "false-start"
        | "parallel"
        | "parallel-immediate"
        | "proxy-insecure"
        | "proxytunnel"
        | "styled-output"
        | "no-styled-output"
        | "suppress-connect-headers"
        | "xattr"
        | "remote-time"
        | "ignore-content-length"
        | "post301"
        | "post302"
        | "post303"
        | "disallow-username-in-url"
        | "doh-insecure"
        | "cert-status"
        | "retry-all-errors"
        | "retry-connrefused"
        | "no-clobber"
        | "remove-on-error"
        | "skip-existing"
        | "show-headers"
        | "ca-native"
        | "proxy-ca-native" => Flag,
        "output"
        | "max-time"
        | "connect-timeout"
        | "retry"
        | "retry-delay"
        | "retry-max-time"
        | "write-out"
        | "cacert"
        | "capath"
        | "cert"
        | "key"
        | "cert-type"
        | "key-type"
        | "pass"
        | "proxy"
        | "proxy-user"
        | "resolve"
        | "connect-to"
        | "interface"
        | "limit-rate"
        | "cookie-jar"
        | "dump-header"
        | "trace"
        | "trace-ascii"
        | "stderr"
        | "max-redirs"
        | "max-filesize"
        | "dns-servers"
        | "unix-socket"
        | "abstract-unix-socket"
        | "proto"
        | "proto-redir"
        | "proto-default"
        | "ciphers"
        | "tls13-ciphers"
        | "tls-max"
        | "speed-limit"
        | "speed-time"
        | "time-cond"
        | "continue-at"
        | "local-port"
        | "keepalive-time"
        | "expect100-timeout"
        | "happy-eyeballs-timeout-ms"
        | "output-dir"
        | "parallel-max"
        | "preproxy"
        | "socks4"
        | "socks4a"
        | "socks5"
        | "socks5-hostname"
        | "noproxy"
        | "pinnedpubkey"
        | "crlfile"
        | "engine"
        | "doh-url"
        | "alt-svc"
        | "hsts"
        | "etag-save"
        | "etag-compare"
        | "trace-config"
        | "ip-tos"
        | "vlan-priority"
        | "rate" => Ignored,
        _ => return None,
    })
}

fn text(bytes: &[u8], line: usize, what: &str) -> Result<String, ImportError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| err(line, format!("{what} is not UTF-8 text")))
}

/// Reads a curl command line (optionally after `printf '…' |`). `read_file` resolves `@file`.
pub fn parse(
    text_in: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    if let Some(line) = windows_cmd_line(text_in) {
        return Err(err(
            line,
            "this curl line is written for Windows cmd (`^` escapes): copy it as cURL (bash) instead",
        ));
    }
    let split = shell::split(text_in).map_err(|e| err(e.line, e.message))?;
    let notes = split.notes;
    // Split at pipes: `printf FORMAT | curl …` gives curl its standard input.
    let mut commands: Vec<Vec<(Vec<u8>, usize)>> = vec![Vec::new()];
    for token in split.tokens {
        match token {
            Token::Word { bytes, line } => commands.last_mut().unwrap().push((bytes, line)),
            Token::Pipe { line } => {
                if commands.last().unwrap().is_empty() {
                    return Err(err(line, "a `|` with no command before it"));
                }
                commands.push(Vec::new());
            }
        }
    }
    let last_line = text_in.lines().count().max(1);
    let (stdin, words) = match commands.as_slice() {
        [curl] => (None, curl),
        [printf, curl] => (Some(printf_output(printf)?), curl),
        _ => {
            return Err(err(
                1,
                "only `curl …` or `printf '…' | curl …` is read: one command at a time",
            ));
        }
    };
    match words.first() {
        Some((w, _)) if w == b"curl" => {}
        Some((w, line)) => {
            return Err(err(
                *line,
                format!(
                    "expected `curl` after the pipe, found `{}`",
                    String::from_utf8_lossy(w)
                ),
            ));
        }
        None => return Err(err(last_line, "a `|` with no command after it")),
    }
    from_words(words, stdin, notes, last_line, read_file)
}

/// Reads curl's arguments (`words[0]` is the command name) as curl does; `stdin` is what a pipe
/// gave it, `notes` what the reading of the line noticed, `last_line` the line a missing URL is
/// reported on.
pub(super) fn from_words(
    words: &[(Vec<u8>, usize)],
    stdin: Option<Vec<u8>>,
    mut notes: Vec<String>,
    last_line: usize,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let mut stdin = stdin;
    // The caller's reader says what it read or left out (it alone knows).
    let mut read_at = |value: &[u8], line: usize| -> Result<Vec<u8>, ImportError> {
        let path = text(value, line, "the file name")?;
        if path == "-" {
            return stdin.take().ok_or_else(|| {
                err(
                    line,
                    "`@-` reads the body from standard input, which is not in the line: give the body itself",
                )
            });
        }
        read_file(&path).map_err(|e| err(line, format!("@{path}: {e}")))
    };

    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut data: Vec<Vec<u8>> = Vec::new();
    let mut json = false;
    let mut form_data = false;
    let mut get = false;
    let mut head = false;
    let mut upload = false;
    let mut globoff = false;
    let mut i = 1;
    while i < words.len() {
        let (word, line) = (&words[i].0, words[i].1);
        i += 1;
        // The options this word names, each with its value when it takes one.
        let mut named: Vec<(String, Opt, Option<Vec<u8>>)> = Vec::new();
        if let Some(long) = word.strip_prefix(b"--").filter(|l| !l.is_empty()) {
            let long = text(long, line, "an option")?;
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) if option(n).is_some() => (n.to_string(), Some(v.as_bytes().to_vec())),
                _ => (long.clone(), None),
            };
            let negated = name
                .strip_prefix("no-")
                .filter(|n| option(n) == Some(Opt::Flag));
            let opt = match (option(&name), negated) {
                (Some(o), _) => o,
                (None, Some(_)) => Opt::Flag,
                (None, None) => {
                    return Err(err(line, format!("unsupported curl option `--{name}`")));
                }
            };
            named.push((format!("--{name}"), opt, inline));
        } else if word.len() > 1 && word[0] == b'-' {
            let cluster = text(&word[1..], line, "an option")?;
            for (k, c) in cluster.char_indices() {
                let opt = long_of(c)
                    .and_then(option)
                    .ok_or_else(|| err(line, format!("unsupported curl option `-{c}`")))?;
                if matches!(opt, Opt::Flag | Opt::Get | Opt::Head) {
                    named.push((format!("-{c}"), opt, None));
                    continue;
                }
                let rest = &cluster[k + c.len_utf8()..];
                let attached = (!rest.is_empty()).then(|| rest.as_bytes().to_vec());
                named.push((format!("-{c}"), opt, attached));
                break;
            }
        } else {
            let w = text(word, line, "the URL")?;
            if url.is_some() {
                return Err(err(
                    line,
                    format!("a second URL `{w}`: one request at a time"),
                ));
            }
            url = Some(w);
            continue;
        }
        for (name, opt, attached) in named {
            let takes_value = !matches!(opt, Opt::Flag | Opt::Get | Opt::Head);
            let value = if takes_value {
                match attached {
                    Some(v) => v,
                    None => {
                        let Some((v, _)) = words.get(i) else {
                            return Err(err(line, format!("`{name}` needs a value")));
                        };
                        i += 1;
                        v.clone()
                    }
                }
            } else {
                Vec::new()
            };
            match opt {
                Opt::Flag if name == "--globoff" || name == "-g" => globoff = true,
                Opt::Flag | Opt::Ignored => {}
                Opt::Refused(why) => {
                    return Err(err(line, format!("`{name}` is not supported: it {why}")));
                }
                Opt::Method => method = Some(text(&value, line, "the method")?),
                Opt::Get => get = true,
                Opt::Head => head = true,
                Opt::Url => {
                    if url.is_some() {
                        return Err(err(line, "a second URL: one request at a time"));
                    }
                    url = Some(text(&value, line, "the URL")?);
                }
                Opt::Header => {
                    let h = text(&value, line, "a header")?;
                    if h.starts_with('@') {
                        return Err(err(
                            line,
                            format!("`{name} {h}` reads headers from a file; put them in the line"),
                        ));
                    }
                    match h.split_once(':') {
                        Some((n, v)) if v.trim().is_empty() => {
                            // `Name:` tells curl to leave out a header it would add.
                            notes.push(format!(
                                "`{name} '{n}:'` removes a header curl adds; no header is sent"
                            ));
                        }
                        Some((n, v)) => {
                            headers.push((n.trim().to_string(), v.trim_start().to_string()))
                        }
                        None => match h.strip_suffix(';') {
                            // `Name;` sends the header with an empty value.
                            Some(n) => headers.push((n.trim().to_string(), String::new())),
                            None => {
                                return Err(err(line, format!("the header `{h}` has no `:`")));
                            }
                        },
                    }
                }
                Opt::Data | Opt::DataBinary => {
                    let bytes = match value.strip_prefix(b"@") {
                        Some(path) => {
                            let b = read_at(path, line)?;
                            if opt == Opt::Data {
                                b.into_iter()
                                    .filter(|&b| b != b'\r' && b != b'\n')
                                    .collect()
                            } else {
                                b
                            }
                        }
                        None => value,
                    };
                    data.push(bytes);
                    form_data = true;
                }
                Opt::DataRaw => {
                    data.push(value);
                    form_data = true;
                }
                Opt::DataUrlencode => {
                    data.push(urlencode_data(&value, line, &mut read_at)?);
                    form_data = true;
                }
                Opt::Json => {
                    let bytes = match value.strip_prefix(b"@") {
                        Some(path) => read_at(path, line)?,
                        None => value,
                    };
                    data.push(bytes);
                    json = true;
                }
                Opt::UserAgent => {
                    headers.push(("User-Agent".into(), text(&value, line, "the user agent")?))
                }
                Opt::Referer => {
                    headers.push(("Referer".into(), text(&value, line, "the referer")?))
                }
                Opt::Cookie => {
                    let c = text(&value, line, "the cookie")?;
                    if !c.contains('=') {
                        notes.push(format!(
                            "`{name} {c}` names a cookie file, which is not read"
                        ));
                    } else {
                        headers.push(("Cookie".into(), c));
                    }
                }
                Opt::User => {
                    let u = text(&value, line, "the user")?;
                    if !u.contains(':') {
                        return Err(err(
                            line,
                            format!(
                                "`{name} {u}` has no password (curl would ask for it): give `user:password`"
                            ),
                        ));
                    }
                    let b64 = base64::engine::general_purpose::STANDARD.encode(u.as_bytes());
                    headers.push(("Authorization".into(), format!("Basic {b64}")));
                }
                Opt::Bearer => headers.push((
                    "Authorization".into(),
                    format!("Bearer {}", text(&value, line, "the token")?),
                )),
                Opt::Range => headers.push((
                    "Range".into(),
                    format!("bytes={}", text(&value, line, "the range")?),
                )),
                Opt::Upload => {
                    data.push(read_at(&value, line)?);
                    upload = true;
                }
                Opt::Form => {
                    return Err(err(
                        line,
                        format!(
                            "`{name}` sends a multipart body, which curl frames with a random boundary: it is not signed byte-exact here; give the raw HTTP request as it was sent (curl -v or --trace-ascii shows it)"
                        ),
                    ));
                }
            }
        }
    }
    let mut url = url.ok_or_else(|| err(last_line, "the curl command line has no URL"))?;
    if !globoff {
        // curl's URL globbing takes `\[` `\]` `\{` `\}` as the bracket itself (browsers'
        // "Copy as cURL" escape brackets so).
        url = unescape_glob(&url);
    }
    let mut body = if json && !form_data {
        data.concat()
    } else {
        data.join(&b'&')
    };
    let has = |headers: &[(String, String)], n: &str| {
        headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n))
    };
    if get {
        if !body.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&String::from_utf8_lossy(&body));
            body.clear();
        }
    } else if json {
        for (n, v) in [
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ] {
            if !has(&headers, n) {
                headers.push((n.into(), v.into()));
            }
        }
    } else if form_data && !has(&headers, "content-type") {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        notes.push(
            "curl sends `Content-Type: application/x-www-form-urlencoded` with -d; it is added"
                .into(),
        );
    }
    let method = method.unwrap_or_else(|| {
        if head {
            "HEAD"
        } else if upload {
            "PUT"
        } else if body.is_empty() || get {
            "GET"
        } else {
            "POST"
        }
        .to_string()
    });
    let head_bytes = headers
        .iter()
        .flat_map(|(n, v)| format!("{n}: {v}\n").into_bytes())
        .collect();
    Ok(Imported {
        method,
        url,
        headers,
        head: head_bytes,
        body,
        notes,
        status: None,
    })
}

/// A URL with curl's glob escapes (`\[`, `\]`, `\{`, `\}`) taken as the bracket itself.
fn unescape_glob(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut chars = url.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && chars
                .peek()
                .is_some_and(|n| matches!(n, '[' | ']' | '{' | '}'))
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// The first line of a curl line written for Windows cmd: `^"` quoting or a `^` continuation.
fn windows_cmd_line(text: &str) -> Option<usize> {
    text.lines().enumerate().find_map(|(n, l)| {
        (l.contains("^\"") || l.trim_end().ends_with(" ^") || l.trim_end() == "^").then_some(n + 1)
    })
}

/// Reads the file an `@name` value names (`@-`: the piped standard input), noting it.
type ReadAt<'a> = dyn FnMut(&[u8], usize) -> Result<Vec<u8>, ImportError> + 'a;

/// `--data-urlencode` as curl encodes it: `content`, `=content`, `name=content`, `@file`,
/// `name@file`; the content percent-encoded except the unreserved characters.
fn urlencode_data(value: &[u8], line: usize, read_at: &mut ReadAt) -> Result<Vec<u8>, ImportError> {
    let enc = |b: &[u8]| -> Vec<u8> {
        const KEEP: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        percent_encode(b, KEEP).to_string().into_bytes()
    };
    let eq = value.iter().position(|&b| b == b'=');
    let at = value.iter().position(|&b| b == b'@');
    Ok(match (eq, at) {
        (Some(0), _) => enc(&value[1..]),
        (Some(e), a) if a.is_none_or(|a| e < a) => {
            let mut out = value[..e + 1].to_vec();
            out.extend(enc(&value[e + 1..]));
            out
        }
        (_, Some(a)) => {
            let content = read_at(&value[a + 1..], line)?;
            let mut out = Vec::new();
            if a > 0 {
                out.extend_from_slice(&value[..a]);
                out.push(b'=');
            }
            out.extend(enc(&content));
            out
        }
        _ => enc(value),
    })
}

/// What `printf FORMAT` (or `printf '%s' TEXT`) writes, as bash's printf writes it.
fn printf_output(words: &[(Vec<u8>, usize)]) -> Result<Vec<u8>, ImportError> {
    let line = words.first().map_or(1, |w| w.1);
    let refuse = || {
        err(
            line,
            "only `printf '…' | curl …` can come before the pipe (the body curl reads with @-)",
        )
    };
    match words {
        [(p, _), (format, _)] if p == b"printf" => {
            let mut out = Vec::new();
            let mut i = 0;
            while i < format.len() {
                match format[i] {
                    b'\\' => {
                        let (bytes, used) = printf_escape(&format[i + 1..]);
                        out.extend_from_slice(&bytes);
                        i += 1 + used;
                    }
                    b'%' if format.get(i + 1) == Some(&b'%') => {
                        out.push(b'%');
                        i += 2;
                    }
                    b'%' => {
                        return Err(err(
                            line,
                            "the printf format has a `%` directive without its argument; write `%%` for a percent sign",
                        ));
                    }
                    c => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            Ok(out)
        }
        [(p, _), (format, _), (arg, _)] if p == b"printf" && format == b"%s" => Ok(arg.clone()),
        _ => Err(refuse()),
    }
}

/// One escape of a printf format after its backslash: `\NNN` octal (one to three digits),
/// `\xHH`, and the letters; anything else keeps its backslash.
fn printf_escape(s: &[u8]) -> (Vec<u8>, usize) {
    match s.first() {
        Some(b'0'..=b'7') => {
            let (byte, n) = shell::octal(s);
            (vec![byte], n)
        }
        Some(b'x') => {
            let hex: Vec<u8> = s[1..]
                .iter()
                .take(2)
                .take_while(|b| b.is_ascii_hexdigit())
                .copied()
                .collect();
            match u8::from_str_radix(std::str::from_utf8(&hex).unwrap_or(""), 16) {
                Ok(v) => (vec![v], 1 + hex.len()),
                Err(_) => (b"\\x".to_vec(), 1),
            }
        }
        Some(&c) => {
            let b = match c {
                b'a' => 0x07,
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 0x0b,
                b'\\' => b'\\',
                b'"' => b'"',
                b'\'' => b'\'',
                _ => return (vec![b'\\', c], 1),
            };
            (vec![b], 1)
        }
        None => (b"\\".to_vec(), 0),
    }
}

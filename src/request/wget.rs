//! A wget command line, read as bash splits it and as GNU Wget builds the request: `--method`,
//! `--header`, `--post-data` / `--body-data` (and their `-file` forms), `--user-agent`,
//! `--referer`; the URL escaped as wget escapes it; the Content-Type wget adds to a body.

use super::message::{ImportError, Imported, err};
use super::shell::{self, Token};

/// What an option does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opt {
    Flag,
    Ignored,
    Method,
    Header,
    PostData,
    PostFile,
    BodyData,
    BodyFile,
    UserAgent,
    Referer,
    Refused(&'static str),
}

fn option(long: &str) -> Option<Opt> {
    use Opt::*;
    Some(match long {
        "method" => Method,
        "header" => Header,
        "post-data" => PostData,
        "post-file" => PostFile,
        "body-data" => BodyData,
        "body-file" => BodyFile,
        "user-agent" => UserAgent,
        "referer" => Referer,
        "quiet"
        | "verbose"
        | "no-verbose"
        | "server-response"
        | "spider"
        | "no-check-certificate"
        | "continue"
        | "timestamping"
        | "no-clobber"
        | "debug"
        | "content-disposition"
        | "no-cache"
        | "no-cookies"
        | "keep-session-cookies"
        | "ignore-length"
        | "save-headers"
        | "auth-no-challenge"
        | "inet4-only"
        | "inet6-only"
        | "no-dns-cache"
        | "no-proxy"
        | "show-progress"
        | "no-http-keep-alive"
        | "https-only"
        | "content-on-error"
        | "no-hsts"
        | "trust-server-names"
        | "retry-connrefused"
        | "no-netrc"
        | "ignore-case"
        | "no-iri"
        | "backups"
        | "compression" => Flag,
        "output-document"
        | "output-file"
        | "append-output"
        | "tries"
        | "timeout"
        | "read-timeout"
        | "connect-timeout"
        | "dns-timeout"
        | "wait"
        | "waitretry"
        | "limit-rate"
        | "directory-prefix"
        | "ca-certificate"
        | "ca-directory"
        | "certificate"
        | "private-key"
        | "certificate-type"
        | "private-key-type"
        | "secure-protocol"
        | "max-redirect"
        | "load-cookies"
        | "save-cookies"
        | "progress"
        | "bind-address"
        | "local-encoding"
        | "remote-encoding"
        | "hsts-file"
        | "report-speed"
        | "ciphers"
        | "pinnedpubkey"
        | "e"
        | "execute"
        | "restrict-file-names" => Ignored,
        "user" | "password" | "http-user" | "http-password" | "ask-password" => Refused(
            "makes wget answer a 401 challenge itself: give the Authorization header it sent (--header)",
        ),
        "input-file" | "config" => Refused("reads more from a file: put it in the line"),
        "recursive" | "mirror" | "page-requisites" => Refused("fetches many requests: give one"),
        _ => return None,
    })
}

fn short(c: char) -> Option<&'static str> {
    Some(match c {
        'q' => "quiet",
        'v' => "verbose",
        'S' => "server-response",
        'c' => "continue",
        'N' => "timestamping",
        'd' => "debug",
        '4' => "inet4-only",
        '6' => "inet6-only",
        'O' => "output-document",
        'o' => "output-file",
        'a' => "append-output",
        't' => "tries",
        'T' => "timeout",
        'w' => "wait",
        'P' => "directory-prefix",
        'U' => "user-agent",
        'i' => "input-file",
        'r' => "recursive",
        'm' => "mirror",
        'p' => "page-requisites",
        'e' => "execute",
        _ => return None,
    })
}

/// Reads a wget command line. `read_file` reads `--post-file` / `--body-file`.
pub fn parse(
    text: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let split = shell::split(text).map_err(|e| err(e.line, e.message))?;
    let mut words: Vec<(Vec<u8>, usize)> = Vec::new();
    for t in split.tokens {
        match t {
            Token::Word { bytes, line } => words.push((bytes, line)),
            Token::Pipe { line } => {
                return Err(err(line, "a pipe is not read: give one wget command"));
            }
        }
    }
    let mut notes = split.notes;
    let text_of = |b: &[u8], line: usize| {
        String::from_utf8(b.to_vec()).map_err(|_| err(line, "an argument is not UTF-8 text"))
    };
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body: Option<Vec<u8>> = None;
    let mut post = false;
    let mut i = 1;
    while i < words.len() {
        let (w, line) = (words[i].0.clone(), words[i].1);
        i += 1;
        let mut named: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        if let Some(long) = w.strip_prefix(b"--") {
            let long = text_of(long, line)?;
            match long.split_once('=') {
                Some((n, v)) => named.push((n.to_string(), Some(v.as_bytes().to_vec()))),
                None => named.push((long, None)),
            }
        } else if w.len() > 1 && w[0] == b'-' {
            let cluster = text_of(&w[1..], line)?;
            for (k, c) in cluster.char_indices() {
                let long =
                    short(c).ok_or_else(|| err(line, format!("unsupported wget option `-{c}`")))?;
                let takes = !matches!(option(long), Some(Opt::Flag));
                if takes {
                    let rest = &cluster[k + c.len_utf8()..];
                    named.push((
                        long.to_string(),
                        (!rest.is_empty()).then(|| rest.as_bytes().to_vec()),
                    ));
                    break;
                }
                named.push((long.to_string(), None));
            }
        } else {
            let u = text_of(&w, line)?;
            if url.is_some() {
                return Err(err(
                    line,
                    format!("a second URL `{u}`: one request at a time"),
                ));
            }
            url = Some(u);
            continue;
        }
        for (name, attached) in named {
            let opt = match option(&name) {
                Some(o) => o,
                None if name.starts_with("no-") => Opt::Flag,
                None => return Err(err(line, format!("unsupported wget option `--{name}`"))),
            };
            if let Opt::Refused(why) = opt {
                return Err(err(line, format!("`--{name}` is not read: it {why}")));
            }
            let value = if opt == Opt::Flag {
                Vec::new()
            } else {
                match attached {
                    Some(v) => v,
                    None => {
                        let v = words
                            .get(i)
                            .map(|(v, _)| v.clone())
                            .ok_or_else(|| err(line, format!("`--{name}` needs a value")))?;
                        i += 1;
                        v
                    }
                }
            };
            match opt {
                Opt::Flag | Opt::Ignored | Opt::Refused(_) => {}
                Opt::Method => method = Some(text_of(&value, line)?.to_ascii_uppercase()),
                Opt::Header => {
                    let h = text_of(&value, line)?;
                    match h.split_once(':') {
                        Some((n, v)) if v.trim().is_empty() => {
                            // An empty value clears the header given before.
                            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(n.trim()));
                        }
                        Some((n, v)) => headers.push((n.trim().to_string(), v.trim().to_string())),
                        None => return Err(err(line, format!("the header `{h}` has no `:`"))),
                    }
                }
                Opt::PostData | Opt::BodyData => {
                    body = Some(value);
                    post |= opt == Opt::PostData;
                }
                Opt::PostFile | Opt::BodyFile => {
                    let path = text_of(&value, line)?;
                    body = Some(read_file(&path).map_err(|e| err(line, format!("{path}: {e}")))?);
                    post |= opt == Opt::PostFile;
                }
                Opt::UserAgent => headers.push(("User-Agent".into(), text_of(&value, line)?)),
                Opt::Referer => headers.push(("Referer".into(), text_of(&value, line)?)),
            }
        }
    }
    let url = url.ok_or_else(|| {
        err(
            text.lines().count().max(1),
            "the wget command line has no URL",
        )
    })?;
    let url = escape_url(&url);
    let method = match (method, post) {
        (Some(m), _) => m,
        (None, true) => "POST".into(),
        (None, false) => {
            if body.is_some() {
                notes.push("--body-data without --method: wget sends no body with GET".into());
                body = None;
            }
            "GET".into()
        }
    };
    if body.is_some()
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        notes.push(
            "wget sends `Content-Type: application/x-www-form-urlencoded` with a body; it is added"
                .into(),
        );
    }
    notes.push("wget also sends User-Agent (unless given), Accept, Accept-Encoding and Connection, which are left out".into());
    Ok(Imported::from_parts(
        method,
        url,
        headers,
        body.unwrap_or_default(),
        notes,
    ))
}

/// The URL as wget sends it: space, `"` `<` `>` `\` `{` `}` `|` `^` `` ` ``, controls and
/// non-ASCII as %XX, a `%` not before two hex digits as `%25`; the fragment left off.
fn escape_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escaped_percent = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        match b {
            b'%' if escaped_percent => out.push('%'),
            b' ' | b'"' | b'<' | b'>' | b'\\' | b'{' | b'}' | b'|' | b'^' | b'`' | b'%' => {
                out.push_str(&format!("%{b:02X}"))
            }
            0..=0x1f | 0x7f..=0xff => out.push_str(&format!("%{b:02X}")),
            _ => out.push(b as char),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_as_wget_escapes_them() {
        // What wget 1.21.3 sent for this URL (tests/fixtures/import/wget/README.md).
        assert_eq!(
            escape_url(
                "http://127.0.0.1:18085/p a\"<>\\{}|^`é~*!$&'()+,;=:@[]/x?q=a b\"<>\\{}|^`é~*!$&'()+,;=:@[]%41%zz#frag"
            ),
            "http://127.0.0.1:18085/p%20a%22%3C%3E%5C%7B%7D%7C%5E%60%C3%A9~*!$&'()+,;=:@[]/x?q=a%20b%22%3C%3E%5C%7B%7D%7C%5E%60%C3%A9~*!$&'()+,;=:@[]%41%25zz"
        );
    }

    #[test]
    fn options() {
        let r = parse(
            "wget -qO- --header='X-Sig: abc' --post-data='a=1' 'https://h/x'",
            &mut |_| Err("no".into()),
        )
        .unwrap();
        assert_eq!(
            (r.method.as_str(), r.body.as_slice()),
            ("POST", &b"a=1"[..])
        );
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let r = parse("wget --method=put --body-data '{}' --header 'Content-Type: application/json' https://h/x", &mut |_| Err("no".into())).unwrap();
        assert_eq!(
            (r.method.as_str(), r.header("content-type")),
            ("PUT", Some("application/json"))
        );
        let e = parse("wget --user=a --password=b https://h", &mut |_| {
            Err("no".into())
        })
        .unwrap_err();
        assert!(e.message.contains("401"), "{e}");
    }
}

//! A PowerShell command that sends a request: Chrome's "Copy as PowerShell" (a `$session` for
//! the User-Agent and cookies, then `Invoke-WebRequest -UseBasicParsing -Uri … -Headers @{…}
//! -ContentType … -Body …`), and `Invoke-WebRequest` / `Invoke-RestMethod` (`iwr`, `irm`)
//! written by hand, with string variables assigned before it.
//!
//! Strings are read as PowerShell reads them: `"…"` with backtick escapes, `""`, `$var` and
//! `$([char]N)` (how Chrome writes every character outside printable ASCII); `'…'` with `''`;
//! here-strings; the typographic quotes PowerShell also takes as quotes. A body given as
//! `[System.Text.Encoding]::UTF8.GetBytes(…)` is those bytes.

mod lexer;

use std::collections::BTreeMap;

use super::message::{ImportError, Imported, err};
use lexer::{Lexer, Tok};

/// A value a variable or an argument holds.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(Vec<u16>),
    Bytes(Vec<u8>),
    Table(Vec<(Vec<u16>, Vec<u16>)>),
    Session,
}

/// Text as UTF-8, a lone surrogate as U+FFFD (as .NET's UTF-8 encoder writes it).
fn utf8(units: &[u16], lone: &mut bool) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| {
            r.unwrap_or_else(|_| {
                *lone = true;
                '\u{fffd}'
            })
        })
        .collect()
}

/// Reads a PowerShell command (and the assignments before it).
pub fn parse(
    text: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let chars: Vec<char> = text.chars().collect();
    let mut vars: BTreeMap<String, Value> = BTreeMap::new();
    let mut user_agent: Option<Vec<u16>> = None;
    let mut cookies: Vec<(Vec<u16>, Vec<u16>)> = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    let mut found: Option<Imported> = None;
    let mut lone = false;
    loop {
        // One statement's tokens, read with the variables assigned so far.
        let mut lexer = Lexer {
            s: &chars,
            i: pos,
            line,
            vars: &vars,
        };
        let mut toks: Vec<(Tok, usize)> = Vec::new();
        let mut depth = 0usize;
        while let Some((t, l)) = lexer.next()? {
            match t {
                Tok::Open(_) | Tok::HashOpen => {
                    depth += 1;
                    if depth > 64 {
                        return Err(err(l, "brackets nested more than 64 deep"));
                    }
                }
                Tok::Close(_) => depth = depth.saturating_sub(1),
                Tok::Newline | Tok::Semi if depth == 0 => {
                    if toks.is_empty() {
                        continue;
                    }
                    break;
                }
                _ => {}
            }
            toks.push((t, l));
        }
        pos = lexer.i;
        line = lexer.line;
        if toks.is_empty() {
            break;
        }
        let first_line = toks[0].1;
        match &toks[0].0 {
            Tok::Var(name) => {
                let lower = name.to_ascii_lowercase();
                let rest = &toks[1..];
                if let Some(prop) = lower.strip_suffix(".useragent")
                    && matches!(vars.get(prop), Some(Value::Session))
                {
                    match rest {
                        [(Tok::Eq, _), (Tok::Str(s), _)] => user_agent = Some(s.clone()),
                        _ => {
                            return Err(err(
                                first_line,
                                "`$session.UserAgent = …` takes one string",
                            ));
                        }
                    }
                    continue;
                }
                if lower.ends_with(".cookies.add") {
                    cookies.push(cookie(rest, first_line)?);
                    continue;
                }
                match rest.first() {
                    Some((Tok::Eq, _)) => {
                        let value = expression(&rest[1..], first_line, &vars)?;
                        vars.insert(lower, value);
                    }
                    Some((Tok::Pipe, _)) => {
                        return Err(err(
                            first_line,
                            "a value piped into the command is not read: give it with -Body",
                        ));
                    }
                    _ => {
                        return Err(err(
                            first_line,
                            format!(
                                "`${name} …` is not read: only assignments of strings, hashtables and a WebRequestSession come before the command"
                            ),
                        ));
                    }
                }
            }
            Tok::Word(w) if is_cmdlet(w) => {
                if found.is_some() {
                    return Err(err(
                        first_line,
                        "a second request command: give one Invoke-WebRequest or Invoke-RestMethod command",
                    ));
                }
                found = Some(command(
                    &toks,
                    &vars,
                    user_agent.take(),
                    &cookies,
                    read_file,
                    &mut lone,
                )?);
            }
            Tok::Word(w) => {
                return Err(err(
                    first_line,
                    format!(
                        "`{w}` is not read: give one Invoke-WebRequest or Invoke-RestMethod command (string variables may be assigned before it)"
                    ),
                ));
            }
            other => {
                return Err(err(
                    first_line,
                    format!(
                        "expected a command or an assignment, found {}",
                        describe(other)
                    ),
                ));
            }
        }
    }
    let mut r = found.ok_or_else(|| {
        err(
            line.saturating_sub(1).max(1),
            "no Invoke-WebRequest or Invoke-RestMethod command",
        )
    })?;
    if lone {
        r.notes.push(
            "a string holds half a surrogate pair (`[char]` of 0xD800-0xDFFF alone): it is sent as U+FFFD".into(),
        );
    }
    Ok(r)
}

fn is_cmdlet(w: &str) -> bool {
    ["invoke-webrequest", "invoke-restmethod", "iwr", "irm"]
        .contains(&w.to_ascii_lowercase().as_str())
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Str(_) => "a string".into(),
        Tok::Word(w) => format!("`{w}`"),
        Tok::Param(p) => format!("`-{p}`"),
        Tok::Var(v) => format!("`${v}`"),
        Tok::HashOpen => "`@{`".into(),
        Tok::Open(c) | Tok::Close(c) => format!("`{c}`"),
        Tok::Eq => "`=`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Semi => "`;`".into(),
        Tok::Pipe => "`|`".into(),
        Tok::Static => "`::`".into(),
        Tok::Newline => "a line end".into(),
    }
}

/// `(New-Object System.Net.Cookie("name", "value", "/", "domain"))` after `.Cookies.Add`.
fn cookie(toks: &[(Tok, usize)], line: usize) -> Result<(Vec<u16>, Vec<u16>), ImportError> {
    let strings: Vec<&Vec<u16>> = toks
        .iter()
        .filter_map(|(t, _)| match t {
            Tok::Str(s) => Some(s),
            _ => None,
        })
        .collect();
    let names_cookie = toks
        .iter()
        .any(|(t, _)| matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case("System.Net.Cookie") || w.eq_ignore_ascii_case("Net.Cookie")));
    match strings.as_slice() {
        [name, value, ..] if names_cookie => Ok(((*name).clone(), (*value).clone())),
        _ => Err(err(
            line,
            "`$session.Cookies.Add(…)` is read with `(New-Object System.Net.Cookie(\"name\", \"value\", …))`",
        )),
    }
}

/// The value an assignment or an argument gives: a string (several joined with `+`), a
/// hashtable, UTF-8 bytes of a string, a WebRequestSession, a variable's value.
fn expression(
    toks: &[(Tok, usize)],
    line: usize,
    vars: &BTreeMap<String, Value>,
) -> Result<Value, ImportError> {
    let toks: Vec<&Tok> = toks.iter().map(|(t, _)| t).collect();
    // Parentheses around the whole value.
    let mut toks = toks.as_slice();
    while toks.len() >= 2
        && matches!(toks[0], Tok::Open('('))
        && matches!(toks[toks.len() - 1], Tok::Close(')'))
    {
        toks = &toks[1..toks.len() - 1];
    }
    match toks {
        [Tok::Str(s)] => Ok(Value::Text(s.clone())),
        [Tok::Word(w)] if !w.is_empty() => Ok(Value::Text(w.encode_utf16().collect())),
        [Tok::Var(v)] => vars.get(&v.to_ascii_lowercase()).cloned().ok_or_else(|| {
            err(
                line,
                format!("`${v}` is not assigned before the command: put its value in the line"),
            )
        }),
        [Tok::Word(new), Tok::Word(ty)]
            if new.eq_ignore_ascii_case("New-Object")
                && ty.to_ascii_lowercase().ends_with("webrequestsession") =>
        {
            Ok(Value::Session)
        }
        [Tok::HashOpen, inner @ .., Tok::Close('}')] => hashtable(inner, line, vars),
        [
            Tok::Open('['),
            Tok::Word(ty),
            Tok::Close(']'),
            Tok::Static,
            Tok::Word(call),
            Tok::Open('('),
            arg @ ..,
            Tok::Close(')'),
        ] if ty.to_ascii_lowercase().trim_start_matches("system.") == "text.encoding" => {
            let call = call.to_ascii_lowercase();
            let Some(encoding) = call.strip_suffix(".getbytes") else {
                return Err(err(
                    line,
                    format!("`[{ty}]::{call}` is not read (only UTF8.GetBytes)"),
                ));
            };
            let Value::Text(t) = expression(
                &arg.iter().map(|t| ((*t).clone(), line)).collect::<Vec<_>>(),
                line,
                vars,
            )?
            else {
                return Err(err(line, "GetBytes takes a string"));
            };
            match encoding {
                "utf8" => {
                    let mut lone = false;
                    let s = utf8(&t, &mut lone);
                    Ok(Value::Bytes(s.into_bytes()))
                }
                other => Err(err(
                    line,
                    format!("`[{ty}]::{other}.GetBytes` is not read: only UTF8.GetBytes is"),
                )),
            }
        }
        parts
            if parts.len() >= 3
                && parts
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .all(|t| matches!(t, Tok::Word(w) if w == "+")) =>
        {
            let mut out = Vec::new();
            for p in parts.iter().step_by(2) {
                match expression(&[((*p).clone(), line)], line, vars)? {
                    Value::Text(t) => out.extend(t),
                    _ => return Err(err(line, "only strings are joined with `+`")),
                }
            }
            Ok(Value::Text(out))
        }
        _ => Err(err(
            line,
            "a value that is not a string, a hashtable, UTF8.GetBytes(…) or a variable is not read: put the value itself in the line",
        )),
    }
}

/// The entries of `@{ … }` (after `@{`, before `}`), in the order written.
fn hashtable(
    toks: &[&Tok],
    line: usize,
    vars: &BTreeMap<String, Value>,
) -> Result<Value, ImportError> {
    let mut entries = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if matches!(toks[i], Tok::Newline | Tok::Semi) {
            i += 1;
            continue;
        }
        let key: Vec<u16> = match toks[i] {
            Tok::Str(s) => s.clone(),
            Tok::Word(w) => w.encode_utf16().collect(),
            other => {
                return Err(err(
                    line,
                    format!(
                        "a hashtable key is a name or a string, not {}",
                        describe(other)
                    ),
                ));
            }
        };
        if !matches!(toks.get(i + 1), Some(Tok::Eq)) {
            return Err(err(line, "a hashtable entry is `name = value`"));
        }
        let end = toks[i + 2..]
            .iter()
            .position(|t| matches!(t, Tok::Newline | Tok::Semi))
            .map_or(toks.len(), |p| i + 2 + p);
        let value_toks: Vec<(Tok, usize)> = toks[i + 2..end]
            .iter()
            .map(|t| ((*t).clone(), line))
            .collect();
        match expression(&value_toks, line, vars)? {
            Value::Text(v) => entries.push((key, v)),
            _ => return Err(err(line, "a header's value is a string")),
        }
        i = end;
    }
    Ok(Value::Table(entries))
}

/// How a parameter of the cmdlets is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum P {
    Uri,
    Method,
    Headers,
    ContentType,
    Body,
    UserAgent,
    Session,
    InFile,
    /// Takes no value and changes nothing sent.
    Switch,
    /// Takes a value that changes nothing sent.
    Ignored,
    Refused(&'static str),
}

fn param(name: &str) -> Option<P> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "uri" | "url" => P::Uri,
        "method" | "custommethod" => P::Method,
        "headers" => P::Headers,
        "contenttype" => P::ContentType,
        "body" => P::Body,
        "useragent" => P::UserAgent,
        "websession" => P::Session,
        "infile" => P::InFile,
        "usebasicparsing"
        | "skipcertificatecheck"
        | "skipheadervalidation"
        | "disablekeepalive"
        | "passthru"
        | "skiphttperrorcheck"
        | "allowunencryptedauthentication"
        | "nodefaultproxy"
        | "allowinsecureredirect"
        | "resume"
        | "preservehttpmethodonredirect"
        | "preserveauthorizationonredirect"
        | "proxyusedefaultcredentials" => P::Switch,
        "outfile"
        | "timeoutsec"
        | "connectiontimeoutseconds"
        | "operationtimeoutseconds"
        | "maximumredirection"
        | "maximumretrycount"
        | "retryintervalsec"
        | "proxy"
        | "proxycredential"
        | "sessionvariable"
        | "sv"
        | "erroraction"
        | "ea"
        | "warningaction"
        | "verbose"
        | "transferencoding"
        | "httpversion"
        | "sslprotocol"
        | "certificatethumbprint"
        | "certificate"
        | "responseheaderstvariable"
        | "statuscodevariable"
        | "responseheadersvariable"
        | "followrellink"
        | "maximumfollowrellink"
        | "unixsocket" => P::Ignored,
        "form" => P::Refused(
            "sends a multipart body, which PowerShell frames with a random boundary: give the raw request",
        ),
        "credential" | "usedefaultcredentials" | "authentication" | "token" => P::Refused(
            "makes PowerShell authenticate by itself: give the Authorization header it sent (-Headers)",
        ),
        _ => return None,
    })
}

#[allow(clippy::too_many_arguments)]
fn command(
    toks: &[(Tok, usize)],
    vars: &BTreeMap<String, Value>,
    session_agent: Option<Vec<u16>>,
    cookies: &[(Vec<u16>, Vec<u16>)],
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    lone: &mut bool,
) -> Result<Imported, ImportError> {
    let mut url: Option<Vec<u16>> = None;
    let mut method: Option<Vec<u16>> = None;
    let mut headers: Vec<(Vec<u16>, Vec<u16>)> = Vec::new();
    let mut content_type: Option<Vec<u16>> = None;
    let mut body: Option<Value> = None;
    let mut user_agent = session_agent;
    let mut session = false;
    let mut notes = Vec::new();
    let mut i = 1;
    // The tokens of one argument: up to the next parameter, or one balanced group.
    let arg_end = |from: usize| -> usize {
        let mut depth = 0usize;
        let mut j = from;
        while j < toks.len() {
            match &toks[j].0 {
                Tok::Open(_) | Tok::HashOpen => depth += 1,
                Tok::Close(_) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j + 1;
                    }
                }
                Tok::Param(_) if depth == 0 => return j,
                _ if depth == 0 => {
                    // A plain value is one token, unless `+` joins strings.
                    if matches!(toks.get(j + 1), Some((Tok::Word(w), _)) if w == "+") {
                        j += 2;
                        continue;
                    }
                    return j + 1;
                }
                _ => {}
            }
            j += 1;
        }
        toks.len()
    };
    while i < toks.len() {
        let (tok, line) = (&toks[i].0, toks[i].1);
        match tok {
            Tok::Param(name) => {
                let p = param(name).ok_or_else(|| {
                    err(
                        line,
                        format!(
                            "unsupported parameter `-{name}` of {}",
                            match &toks[0].0 {
                                Tok::Word(w) => w.as_str(),
                                _ => "the command",
                            }
                        ),
                    )
                })?;
                i += 1;
                if p == P::Switch {
                    // `-Switch:$false` takes its value attached.
                    continue;
                }
                if let P::Refused(why) = p {
                    return Err(err(line, format!("`-{name}` is not read: it {why}")));
                }
                let end = arg_end(i);
                if end <= i {
                    return Err(err(line, format!("`-{name}` needs a value")));
                }
                let value_toks = &toks[i..end];
                i = end;
                if p == P::Ignored {
                    continue;
                }
                if p == P::Session {
                    session = true;
                    continue;
                }
                let value = expression(value_toks, line, vars)?;
                let text = |v: Value| -> Result<Vec<u16>, ImportError> {
                    match v {
                        Value::Text(t) => Ok(t),
                        _ => Err(err(line, format!("`-{name}` takes a string"))),
                    }
                };
                match p {
                    P::Uri => url = Some(text(value)?),
                    P::Method => method = Some(text(value)?),
                    P::ContentType => content_type = Some(text(value)?),
                    P::UserAgent => user_agent = Some(text(value)?),
                    P::Headers => match value {
                        Value::Table(entries) => headers.extend(entries),
                        _ => {
                            return Err(err(
                                line,
                                "`-Headers` takes a hashtable `@{ name = value }`",
                            ));
                        }
                    },
                    P::Body => body = Some(value),
                    P::InFile => {
                        let path = utf8(&text(value)?, lone);
                        let bytes = read_file(&path)
                            .map_err(|e| err(line, format!("-InFile {path}: {e}")))?;
                        body = Some(Value::Bytes(bytes));
                    }
                    _ => {}
                }
            }
            Tok::Str(_) | Tok::Word(_) | Tok::Var(_) if url.is_none() => {
                // The first positional argument is the URI.
                let end = arg_end(i);
                match expression(&toks[i..end], line, vars)? {
                    Value::Text(t) => url = Some(t),
                    _ => return Err(err(line, "the URI is a string")),
                }
                i = end;
            }
            Tok::Pipe => {
                return Err(err(
                    line,
                    "the command's output piped on is not read: give the request command alone",
                ));
            }
            other => {
                return Err(err(
                    line,
                    format!("unexpected {} in the command", describe(other)),
                ));
            }
        }
    }
    let url = url.ok_or_else(|| err(toks[0].1, "the command has no -Uri"))?;
    let url = utf8(&url, lone);
    let method = method.map_or_else(
        || "GET".to_string(),
        |m| utf8(&m, lone).to_ascii_uppercase(),
    );
    let mut out_headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (utf8(n, lone), utf8(v, lone)))
        .collect();
    if out_headers.len() > 1 {
        notes.push(
            "PowerShell sends a hashtable's headers in an order of its own: they are kept in the order written".into(),
        );
    }
    if let Some(ua) = user_agent {
        out_headers.push(("User-Agent".into(), utf8(&ua, lone)));
    }
    if !cookies.is_empty() && session {
        let jar: Vec<String> = cookies
            .iter()
            .map(|(n, v)| format!("{}={}", utf8(n, lone), utf8(v, lone)))
            .collect();
        out_headers.push(("Cookie".into(), jar.join("; ")));
    }
    let ct = content_type.map(|c| utf8(&c, lone));
    if let Some(ct) = &ct {
        out_headers.push(("Content-Type".into(), ct.clone()));
    }
    let body = match body {
        None => Vec::new(),
        Some(Value::Bytes(b)) => b,
        Some(Value::Text(t)) => {
            let s = utf8(&t, lone);
            let charset = ct.as_deref().and_then(|c| {
                c.to_ascii_lowercase()
                    .split("charset=")
                    .nth(1)
                    .map(|s| s.trim_matches(['"', ' ', ';']).to_string())
            });
            match charset.as_deref() {
                Some("iso-8859-1" | "latin1" | "latin-1") => s
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                    .collect(),
                Some(_) => s.into_bytes(),
                None => {
                    if !s.is_ascii() {
                        notes.push(
                            "the string body has characters outside ASCII and -ContentType names no charset: read as UTF-8, as PowerShell 7.4 and later send it (Windows PowerShell 5.1 sends ISO-8859-1)".into(),
                        );
                    }
                    s.into_bytes()
                }
            }
        }
        Some(Value::Table(_)) => {
            return Err(err(
                toks[0].1,
                "a hashtable -Body is encoded by PowerShell in an order of its own: give the body as a string",
            ));
        }
        Some(Value::Session) => return Err(err(toks[0].1, "-Body takes a string or bytes")),
    };
    if !out_headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("user-agent"))
    {
        notes.push(
            "PowerShell also sends its own User-Agent (and Host, Content-Length), which are left out".into(),
        );
    }
    Ok(Imported::from_parts(method, url, out_headers, body, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Imported {
        parse(text, &mut |_| Err("no files".into())).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn chrome_copy_as_powershell() {
        let text = "$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\n$session.UserAgent = \"Mozilla/5.0 (X11)\"\n$session.Cookies.Add((New-Object System.Net.Cookie(\"sid\", \"a`$b\", \"/\", \"h\")))\nInvoke-WebRequest -UseBasicParsing -Uri \"https://h/x?a=1\" `\n-Method \"POST\" `\n-WebSession $session `\n-Headers @{\n\"accept\"=\"*/*\"\n  \"x-sig\"=\"`\"q`\"\"\n} `\n-ContentType \"application/json\" `\n-Body ([System.Text.Encoding]::UTF8.GetBytes(\"caf$([char]233) `$5 100% $([char]55357)$([char]56832)$([char]10)\"))";
        let r = read(text);
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://h/x?a=1");
        assert_eq!(
            r.headers,
            [
                ("accept".to_string(), "*/*".to_string()),
                ("x-sig".into(), "\"q\"".into()),
                ("User-Agent".into(), "Mozilla/5.0 (X11)".into()),
                ("Cookie".into(), "sid=a$b".into()),
                ("Content-Type".into(), "application/json".into()),
            ]
        );
        assert_eq!(r.body, "café $5 100% 😀\n".as_bytes());
    }

    #[test]
    fn hand_written_forms() {
        let r = read(
            "$body = '{\"a\": \"it''s\"}'\nirm https://h/x -Method Post -Body $body -ContentType 'application/json; charset=utf-8'",
        );
        assert_eq!(r.body, b"{\"a\": \"it's\"}");
        assert_eq!(r.method, "POST");
        let r = read(
            "Invoke-RestMethod -Uri 'https://h/x' -Method PUT -Body @\"\nline1 `t\n\"line2\"\n\"@",
        );
        assert_eq!(r.body, b"line1 \t\n\"line2\"");
        for (text, expect) in [
            ("iwr https://h -Body $x", "`$x` is not assigned"),
            ("iwr https://h -Body \"$(Get-Date)\"", "subexpression"),
            ("iwr https://h -Credential $c", "authenticate by itself"),
            ("iwr https://h -Frob 1", "unsupported parameter `-Frob`"),
            ("iwr https://h -Body \"x", "never closed"),
            ("$a = 1", "no Invoke-WebRequest"),
        ] {
            let e = parse(text, &mut |_| Err(String::new())).unwrap_err();
            assert!(e.message.contains(expect), "{text}: {e}");
        }
    }
}

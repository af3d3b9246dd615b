//! A `fetch(url, options)` call: a browser's "Copy as fetch" (Chrome writes the options as
//! JSON; Firefox adds `await`), Chrome's "Copy as fetch (Node.js)", or one written by hand.
//! Its arguments are read as JavaScript literals (strings with every escape, objects, arrays,
//! `new Headers(…)`, `JSON.stringify(…)`, `new URLSearchParams(…)`), and the body is the bytes
//! fetch sends: a string as UTF-8, with the Content-Type fetch adds when none is given.

use super::message::{ImportError, Imported, err};

/// A JavaScript value as written.
#[derive(Debug, Clone, PartialEq)]
enum Js {
    /// UTF-16 code units, as JavaScript holds strings.
    Str(Vec<u16>),
    /// A number, as written.
    Num(String),
    Bool(bool),
    Null,
    Undefined,
    Obj(Vec<(String, Js)>),
    Arr(Vec<Js>),
    /// `new Headers(…)`, `JSON.stringify(…)`, `new URLSearchParams(…)`.
    Call(String, Vec<Js>),
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    line: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn at(&self, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(k, c)| self.s.get(self.i + k) == Some(&c))
    }

    fn skip(&mut self) -> Result<(), ImportError> {
        loop {
            match self.peek() {
                Some('\n') => {
                    self.line += 1;
                    self.i += 1;
                }
                Some(c) if c.is_whitespace() => self.i += 1,
                Some('/') if self.s.get(self.i + 1) == Some(&'/') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                }
                Some('/') if self.s.get(self.i + 1) == Some(&'*') => {
                    let start = self.line;
                    self.i += 2;
                    loop {
                        match self.peek() {
                            None => return Err(err(start, "a `/*` comment is never closed")),
                            Some('*') if self.s.get(self.i + 1) == Some(&'/') => {
                                self.i += 2;
                                break;
                            }
                            Some(c) => {
                                if c == '\n' {
                                    self.line += 1;
                                }
                                self.i += 1;
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn expect(&mut self, c: char) -> Result<(), ImportError> {
        self.skip()?;
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(err(
                self.line,
                format!(
                    "expected `{c}`, found {}",
                    self.peek()
                        .map_or("the end".to_string(), |f| format!("`{f}`"))
                ),
            ))
        }
    }

    fn ident(&mut self) -> String {
        let mut w = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '$' || c == '.' {
                w.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        w
    }

    fn value(&mut self) -> Result<Js, ImportError> {
        self.skip()?;
        self.depth += 1;
        if self.depth > 64 {
            return Err(err(self.line, "values nested more than 64 deep"));
        }
        let line = self.line;
        let v = match self.peek() {
            Some(q @ ('"' | '\'' | '`')) => {
                self.i += 1;
                Js::Str(self.string(q, line)?)
            }
            Some('{') => {
                self.i += 1;
                let mut members = Vec::new();
                loop {
                    self.skip()?;
                    if self.peek() == Some('}') {
                        self.i += 1;
                        break;
                    }
                    let key = match self.peek() {
                        Some(q @ ('"' | '\'')) => {
                            self.i += 1;
                            String::from_utf16_lossy(&self.string(q, self.line)?)
                        }
                        Some('.') if self.at("...") => {
                            return Err(err(
                                self.line,
                                "a spread (`...`) is not read: write the values out",
                            ));
                        }
                        Some('[') => {
                            return Err(err(
                                self.line,
                                "a computed key (`[…]`) is not read: write the name",
                            ));
                        }
                        _ => {
                            let k = self.ident();
                            if k.is_empty() {
                                return Err(err(self.line, "expected a member name"));
                            }
                            k
                        }
                    };
                    self.skip()?;
                    if self.peek() != Some(':') {
                        return Err(err(
                            self.line,
                            format!(
                                "the member `{key}` has no `:` and value (shorthand members are not read)"
                            ),
                        ));
                    }
                    self.i += 1;
                    let v = self.value()?;
                    members.push((key, v));
                    self.skip()?;
                    match self.peek() {
                        Some(',') => self.i += 1,
                        Some('}') => {}
                        _ => return Err(err(self.line, "expected `,` or `}` after a member")),
                    }
                }
                Js::Obj(members)
            }
            Some('[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip()?;
                    if self.peek() == Some(']') {
                        self.i += 1;
                        break;
                    }
                    items.push(self.value()?);
                    self.skip()?;
                    match self.peek() {
                        Some(',') => self.i += 1,
                        Some(']') => {}
                        _ => return Err(err(self.line, "expected `,` or `]` in an array")),
                    }
                }
                Js::Arr(items)
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '.' => {
                let mut n = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+') {
                        n.push(c);
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                Js::Num(n)
            }
            Some(c) if c.is_alphabetic() || c == '_' || c == '$' => {
                let word = self.ident();
                match word.as_str() {
                    "true" => Js::Bool(true),
                    "false" => Js::Bool(false),
                    "null" => Js::Null,
                    "undefined" => Js::Undefined,
                    "new" => {
                        self.skip()?;
                        let name = self.ident();
                        self.call(name)?
                    }
                    "JSON.stringify" | "String" => self.call(word)?,
                    other => {
                        return Err(err(
                            line,
                            format!(
                                "`{other}` is a name whose value is not in the snippet: put the value itself in place"
                            ),
                        ));
                    }
                }
            }
            Some(c) => return Err(err(line, format!("a value cannot start with `{c}`"))),
            None => return Err(err(line, "the snippet ends where a value is expected")),
        };
        self.depth -= 1;
        Ok(v)
    }

    fn call(&mut self, name: String) -> Result<Js, ImportError> {
        let known = ["Headers", "URLSearchParams", "JSON.stringify", "String"];
        if !known.contains(&name.as_str()) {
            return Err(err(
                self.line,
                format!("`{name}(…)` is not read (only Headers, URLSearchParams, JSON.stringify)"),
            ));
        }
        self.expect('(')?;
        let mut args = Vec::new();
        loop {
            self.skip()?;
            if self.peek() == Some(')') {
                self.i += 1;
                break;
            }
            args.push(self.value()?);
            self.skip()?;
            match self.peek() {
                Some(',') => self.i += 1,
                Some(')') => {}
                _ => {
                    return Err(err(
                        self.line,
                        format!("expected `,` or `)` in `{name}(…)`"),
                    ));
                }
            }
        }
        Ok(Js::Call(name, args))
    }

    /// A string literal after its opening quote.
    fn string(&mut self, quote: char, line: usize) -> Result<Vec<u16>, ImportError> {
        let mut out: Vec<u16> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(err(
                    line,
                    format!("the quote `{quote}` opened here is never closed"),
                ));
            };
            self.i += 1;
            match c {
                c if c == quote => return Ok(out),
                '\\' => self.escape(&mut out)?,
                '$' if quote == '`' && self.peek() == Some('{') => {
                    return Err(err(
                        self.line,
                        "a template literal's `${…}` is not read: put the value in place",
                    ));
                }
                '\n' if quote != '`' => {
                    return Err(err(
                        line,
                        format!("the quote `{quote}` opened here is not closed on its line"),
                    ));
                }
                '\r' if quote == '`' => {
                    // A template literal reads CR LF and CR as LF.
                    if self.peek() == Some('\n') {
                        self.i += 1;
                    }
                    self.line += 1;
                    out.push(u16::from(b'\n'));
                }
                c => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    let mut buf = [0u16; 2];
                    out.extend_from_slice(c.encode_utf16(&mut buf));
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u16>) -> Result<(), ImportError> {
        let line = self.line;
        let Some(c) = self.peek() else {
            return Err(err(line, "a string ends with a backslash"));
        };
        self.i += 1;
        let hex = |p: &mut Self, n: usize| -> Option<u32> {
            let digits: String = p.s.get(p.i..p.i + n)?.iter().collect();
            let v = u32::from_str_radix(&digits, 16).ok()?;
            p.i += n;
            Some(v)
        };
        let unit = match c {
            'n' => 0x0a,
            'r' => 0x0d,
            't' => 0x09,
            'b' => 0x08,
            'f' => 0x0c,
            'v' => 0x0b,
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => 0,
            'x' => hex(self, 2).ok_or_else(|| err(line, "`\\x` needs two hex digits"))?,
            'u' if self.peek() == Some('{') => {
                self.i += 1;
                let digits: String = self.s[self.i..]
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .collect();
                self.i += digits.len();
                if self.peek() != Some('}') {
                    return Err(err(line, "`\\u{…}` is not closed"));
                }
                self.i += 1;
                let v = u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| err(line, "`\\u{…}` is not a code point"))?;
                let mut buf = [0u16; 2];
                out.extend_from_slice(v.encode_utf16(&mut buf));
                return Ok(());
            }
            'u' => hex(self, 4).ok_or_else(|| err(line, "`\\u` needs four hex digits"))?,
            '\r' => {
                if self.peek() == Some('\n') {
                    self.i += 1;
                }
                self.line += 1;
                return Ok(());
            }
            '\n' | '\u{2028}' | '\u{2029}' => {
                self.line += 1;
                return Ok(());
            }
            other => {
                let mut buf = [0u16; 2];
                out.extend_from_slice(other.encode_utf16(&mut buf));
                return Ok(());
            }
        };
        out.push(unit as u16);
        Ok(())
    }
}

/// A JavaScript string as fetch sends it: UTF-8, a lone surrogate as U+FFFD.
fn usv(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or('\u{fffd}'))
        .collect()
}

/// What `JSON.stringify` writes for a value (None: undefined, which it leaves out).
fn stringify(v: &Js, line: usize) -> Result<Option<String>, ImportError> {
    Ok(Some(match v {
        Js::Undefined => return Ok(None),
        Js::Null => "null".into(),
        Js::Bool(b) => b.to_string(),
        Js::Num(n) => js_number(n)
            .ok_or_else(|| err(line, format!("`{n}` is not a number JSON.stringify reads")))?,
        Js::Str(s) => json_string(s),
        Js::Arr(items) => {
            let mut parts = Vec::new();
            for i in items {
                parts.push(stringify(i, line)?.unwrap_or_else(|| "null".into()));
            }
            format!("[{}]", parts.join(","))
        }
        Js::Obj(members) => {
            // Integer keys first, ascending, as JavaScript orders an object's own keys.
            let index = |k: &str| -> Option<u32> {
                (k == "0" || (!k.starts_with('0') && k.chars().all(|c| c.is_ascii_digit())))
                    .then(|| k.parse::<u32>().ok())
                    .flatten()
                    .filter(|&n| n != u32::MAX)
            };
            let mut keys: Vec<(String, &Js)> = Vec::new();
            for (k, v) in members {
                match keys.iter_mut().find(|(n, _)| n == k) {
                    Some(slot) => slot.1 = v,
                    None => keys.push((k.clone(), v)),
                }
            }
            let mut ints: Vec<&(String, &Js)> =
                keys.iter().filter(|(k, _)| index(k).is_some()).collect();
            ints.sort_by_key(|(k, _)| index(k));
            let rest = keys.iter().filter(|(k, _)| index(k).is_none());
            let mut parts = Vec::new();
            for (k, v) in ints.into_iter().chain(rest) {
                if let Some(s) = stringify(v, line)? {
                    let key: Vec<u16> = k.encode_utf16().collect();
                    parts.push(format!("{}:{s}", json_string(&key)));
                }
            }
            format!("{{{}}}", parts.join(","))
        }
        Js::Call(name, _) => {
            return Err(err(
                line,
                format!("JSON.stringify of `{name}(…)` is not read"),
            ));
        }
    }))
}

/// A string as JSON.stringify writes it (a lone surrogate as `\uDXXX`).
fn json_string(units: &[u16]) -> String {
    let mut out = String::from("\"");
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok('"') => out.push_str("\\\""),
            Ok('\\') => out.push_str("\\\\"),
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok('\n') => out.push_str("\\n"),
            Ok('\r') => out.push_str("\\r"),
            Ok('\t') => out.push_str("\\t"),
            Ok(c) if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            Ok(c) => out.push(c),
            Err(e) => out.push_str(&format!("\\u{:04x}", e.unpaired_surrogate())),
        }
    }
    out.push('"');
    out
}

/// A number literal as JavaScript prints it (Number.prototype.toString); None when it is not one.
fn js_number(text: &str) -> Option<String> {
    let t = text.replace('_', "");
    let v: f64 = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()? as f64
    } else if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()? as f64
    } else if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        u64::from_str_radix(o, 8).ok()? as f64
    } else {
        t.parse().ok()?
    };
    if !v.is_finite() {
        return Some("null".into());
    }
    if v == 0.0 {
        return Some("0".into());
    }
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e')?;
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i32 = exp.parse().ok()?;
    let k = digits.len() as i32;
    let n = exp + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let rest = if k > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        let e = n - 1;
        format!(
            "{}{rest}e{}{}",
            &digits[..1],
            if e < 0 { "-" } else { "+" },
            e.abs()
        )
    };
    Some(if v < 0.0 { format!("-{body}") } else { body })
}

/// `application/x-www-form-urlencoded` as URLSearchParams writes it.
fn form_urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Reads a fetch call.
pub fn parse(text: &str) -> Result<Imported, ImportError> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser {
        s: &chars,
        i: 0,
        line: 1,
        depth: 0,
    };
    p.skip()?;
    if p.at("await") {
        p.i += 5;
        p.skip()?;
    }
    if !p.at("fetch") {
        return Err(err(p.line, "expected `fetch(`"));
    }
    p.i += 5;
    p.expect('(')?;
    let url = p.value()?;
    p.skip()?;
    let options = if p.peek() == Some(',') {
        p.i += 1;
        p.skip()?;
        if p.peek() == Some(')') {
            None
        } else {
            Some(p.value()?)
        }
    } else {
        None
    };
    p.skip()?;
    if p.peek() == Some(',') {
        p.i += 1;
    }
    p.expect(')')?;
    // What follows: `;`, `.then(…)` chains; another fetch is a second request.
    let rest: String = chars[p.i..].iter().collect();
    if let Some(k) = rest.find("fetch(") {
        let line = p.line + rest[..k].matches('\n').count();
        return Err(err(
            line,
            "a second fetch call (\"Copy all as fetch\"?): give one request",
        ));
    }
    let line = 1;
    let url = match url {
        Js::Str(s) => usv(&s),
        _ => return Err(err(line, "the URL (fetch's first argument) is a string")),
    };
    let mut notes = Vec::new();
    let mut method = "GET".to_string();
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body: Option<(Vec<u8>, Option<&str>)> = None;
    let members = match options {
        None => Vec::new(),
        Some(Js::Obj(m)) => m,
        Some(_) => return Err(err(line, "fetch's second argument is an object of options")),
    };
    for (key, value) in members {
        match key.as_str() {
            "method" => match value {
                Js::Str(s) => method = usv(&s).to_ascii_uppercase(),
                _ => return Err(err(line, "`method` is a string")),
            },
            "headers" => headers = header_list(value, line)?,
            "body" => {
                body = match value {
                    Js::Null | Js::Undefined => None,
                    Js::Str(s) => Some((usv(&s).into_bytes(), Some("text/plain;charset=UTF-8"))),
                    Js::Call(name, args) if name == "JSON.stringify" => {
                        let Some(v) = args.first() else {
                            return Err(err(line, "JSON.stringify() has no argument"));
                        };
                        let s = stringify(v, line)?.unwrap_or_default();
                        notes.push(
                            "the body is JSON.stringify's output, compact, as JavaScript writes it"
                                .into(),
                        );
                        Some((s.into_bytes(), Some("text/plain;charset=UTF-8")))
                    }
                    Js::Call(name, args) if name == "URLSearchParams" => {
                        let pairs = match args.first() {
                            None => Vec::new(),
                            Some(Js::Obj(m)) => m
                                .iter()
                                .map(|(k, v)| Ok((k.clone(), scalar(v, line)?)))
                                .collect::<Result<Vec<_>, ImportError>>()?,
                            Some(Js::Arr(items)) => items
                                .iter()
                                .map(|i| pair(i, line))
                                .collect::<Result<Vec<_>, ImportError>>()?,
                            Some(Js::Str(s)) => {
                                let s = usv(s);
                                let s = s.strip_prefix('?').unwrap_or(&s).to_string();
                                crate::sign::form::parse_params(s.as_bytes(), true)
                                    .map_err(|e| {
                                        err(line, format!("URLSearchParams: {}", e.message))
                                    })?
                                    .into_iter()
                                    .map(|(k, v)| {
                                        (
                                            String::from_utf8_lossy(&k).into_owned(),
                                            String::from_utf8_lossy(&v).into_owned(),
                                        )
                                    })
                                    .collect()
                            }
                            Some(_) => {
                                return Err(err(
                                    line,
                                    "URLSearchParams takes an object, pairs or a string",
                                ));
                            }
                        };
                        let s = pairs
                            .iter()
                            .map(|(k, v)| format!("{}={}", form_urlencode(k), form_urlencode(v)))
                            .collect::<Vec<_>>()
                            .join("&");
                        Some((
                            s.into_bytes(),
                            Some("application/x-www-form-urlencoded;charset=UTF-8"),
                        ))
                    }
                    Js::Call(name, _) => {
                        return Err(err(
                            line,
                            format!("a `{name}` body is not read: give the body as a string"),
                        ));
                    }
                    _ => {
                        return Err(err(
                            line,
                            "the body is a string (or JSON.stringify, URLSearchParams)",
                        ));
                    }
                }
            }
            "referrer" | "referrerPolicy" | "mode" | "credentials" | "cache" | "redirect"
            | "integrity" | "keepalive" | "signal" | "duplex" | "priority" | "window"
            | "dispatcher" | "agent" | "compress" | "follow" | "size" | "timeout" => {}
            other => notes.push(format!("the fetch option `{other}` is not read")),
        }
    }
    let mut body_bytes = Vec::new();
    if let Some((bytes, default_type)) = body {
        if let Some(ct) = default_type
            && !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".into(), ct.into()));
            notes.push(format!(
                "fetch sends `Content-Type: {ct}` with this body when none is given; it is added"
            ));
        }
        body_bytes = bytes;
    }
    notes.push(
        "a browser also sends headers fetch may not set (Cookie, Origin, Referer, User-Agent, Sec-Fetch-*), and Node.js its own; they are left out".into(),
    );
    Ok(Imported::from_parts(
        method, url, headers, body_bytes, notes,
    ))
}

fn scalar(v: &Js, line: usize) -> Result<String, ImportError> {
    match v {
        Js::Str(s) => Ok(usv(s)),
        Js::Num(n) => js_number(n).ok_or_else(|| err(line, format!("`{n}` is not a number"))),
        Js::Bool(b) => Ok(b.to_string()),
        Js::Null => Ok("null".into()),
        Js::Undefined => Ok("undefined".into()),
        _ => Err(err(line, "a header or parameter value is a string")),
    }
}

fn pair(v: &Js, line: usize) -> Result<(String, String), ImportError> {
    match v {
        Js::Arr(kv) if kv.len() == 2 => Ok((scalar(&kv[0], line)?, scalar(&kv[1], line)?)),
        _ => Err(err(line, "a pair is `[name, value]`")),
    }
}

/// Headers from an object, `[[name, value]…]`, or `new Headers(…)` of either. fetch joins
/// repeats of a name with `, ` (Headers lower-cases names; a plain object keeps them).
fn header_list(v: Js, line: usize) -> Result<Vec<(String, String)>, ImportError> {
    let list = match v {
        Js::Obj(members) => members
            .iter()
            .map(|(k, v)| Ok((k.clone(), scalar(v, line)?)))
            .collect::<Result<Vec<_>, ImportError>>()?,
        Js::Arr(items) => items
            .iter()
            .map(|i| pair(i, line))
            .collect::<Result<Vec<_>, ImportError>>()?,
        Js::Call(name, mut args) if name == "Headers" => {
            return match args.pop() {
                None => Ok(Vec::new()),
                Some(a) => header_list(a, line),
            };
        }
        Js::Undefined | Js::Null => Vec::new(),
        _ => {
            return Err(err(
                line,
                "`headers` is an object, pairs, or new Headers(…)",
            ));
        }
    };
    // A later member of the same name in an object literal replaces the earlier one.
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in list {
        match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&k)) {
            Some(slot) => {
                slot.1.push_str(", ");
                slot.1.push_str(&v);
            }
            None => out.push((k, v.trim().to_string())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_copy_as_fetch() {
        let text = r#"fetch("https://h/x?a=1", {
  "headers": {
    "accept": "*/*",
    "content-type": "application/json",
    "x-sig": "\"q\""
  },
  "referrer": "https://app/",
  "body": "{\"note\":\"caf\u00e9 \ud83d\ude00\",\"p\":\"C:\\\\t\\n\"}\n",
  "method": "POST",
  "mode": "cors",
  "credentials": "include"
});"#;
        let r = parse(text).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.header("x-sig"), Some("\"q\""));
        assert_eq!(
            r.body,
            "{\"note\":\"café 😀\",\"p\":\"C:\\\\t\\n\"}\n".as_bytes()
        );
    }

    #[test]
    fn js_forms() {
        let r = parse("await fetch('https://h/x', { method: 'put', body: JSON.stringify({b: 1.50, a: [1e21, 0.000001, 1e-7, -0], 2: 'x', 1: undefined}), headers: new Headers([['X-A', '1'], ['x-a', '2']]) })").unwrap();
        assert_eq!(r.method, "PUT");
        assert_eq!(r.body, br#"{"2":"x","b":1.5,"a":[1e+21,0.000001,1e-7,0]}"#);
        assert_eq!(r.header("x-a"), Some("1, 2"));
        assert_eq!(r.header("content-type"), Some("text/plain;charset=UTF-8"));
        let r = parse("fetch(`https://h/x`, {method: \"POST\", body: new URLSearchParams({q: 'a b&é', n: '*~'})})").unwrap();
        assert_eq!(r.body, b"q=a+b%26%C3%A9&n=*%7E");
        for (text, expect) in [
            ("fetch(url)", "`url` is a name"),
            ("fetch('https://h', {body: `a${b}`})", "`${…}`"),
            ("fetch('https://h'); fetch('https://i')", "a second fetch"),
            ("fetch('https://h", "never closed"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.message.contains(expect), "{text}: {e}");
        }
    }
}

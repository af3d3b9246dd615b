//! PowerShell's tokens as far as the request commands need them: strings (`"…"` with backtick
//! escapes, `$var` and `$([char]N)`; `'…'`; here-strings; the typographic quotes), words,
//! `-Parameters`, `$variables`, `@{`, brackets, and line continuations.

use std::collections::BTreeMap;

use super::super::message::{ImportError, err};
use super::Value;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A string, as UTF-16 code units (`[char]` can make half a surrogate pair).
    Str(Vec<u16>),
    /// A bare word: a command, a type name, an unquoted value.
    Word(String),
    /// `-Name` (without the dash).
    Param(String),
    /// `$name`, with any `.Member` after it (`session.Cookies.Add`).
    Var(String),
    /// `@{`
    HashOpen,
    Open(char),
    Close(char),
    Eq,
    Comma,
    Semi,
    Pipe,
    /// `::`
    Static,
    /// A line end that ends a statement.
    Newline,
}

pub(super) struct Lexer<'a> {
    pub s: &'a [char],
    pub i: usize,
    pub line: usize,
    pub vars: &'a BTreeMap<String, Value>,
}

fn is_dquote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}')
}

fn is_squote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2015}')
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }

    /// The next token and its line; None at the end.
    pub fn next(&mut self) -> Result<Option<(Tok, usize)>, ImportError> {
        loop {
            let Some(c) = self.peek(0) else {
                return Ok(None);
            };
            match c {
                ' ' | '\t' | '\r' | '\u{a0}' => self.i += 1,
                '`' if matches!(self.peek(1), Some('\n')) => {
                    self.i += 2;
                    self.line += 1;
                }
                '`' if self.peek(1) == Some('\r') && self.peek(2) == Some('\n') => {
                    self.i += 3;
                    self.line += 1;
                }
                '#' => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                }
                '<' if self.peek(1) == Some('#') => {
                    let start = self.line;
                    self.i += 2;
                    loop {
                        match self.peek(0) {
                            None => return Err(err(start, "a `<#` comment is never closed")),
                            Some('#') if self.peek(1) == Some('>') => {
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
                _ => break,
            }
        }
        let line = self.line;
        let c = self.peek(0).unwrap_or(' ');
        let tok = match c {
            '\n' => {
                self.i += 1;
                self.line += 1;
                Tok::Newline
            }
            ';' => {
                self.i += 1;
                Tok::Semi
            }
            '|' => {
                self.i += 1;
                Tok::Pipe
            }
            ',' => {
                self.i += 1;
                Tok::Comma
            }
            '=' => {
                self.i += 1;
                Tok::Eq
            }
            '(' | '[' | '{' => {
                self.i += 1;
                Tok::Open(c)
            }
            ')' | ']' | '}' => {
                self.i += 1;
                Tok::Close(c)
            }
            ':' if self.peek(1) == Some(':') => {
                self.i += 2;
                Tok::Static
            }
            '@' if self.peek(1) == Some('{') => {
                self.i += 2;
                Tok::HashOpen
            }
            '@' if self.peek(1).is_some_and(is_dquote) || self.peek(1).is_some_and(is_squote) => {
                Tok::Str(self.here_string()?)
            }
            c if is_dquote(c) => {
                self.i += 1;
                Tok::Str(self.expandable(line)?)
            }
            c if is_squote(c) => {
                self.i += 1;
                Tok::Str(self.verbatim(line)?)
            }
            '$' if self
                .peek(1)
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '{') =>
            {
                self.i += 1;
                Tok::Var(self.var_name())
            }
            '&' | '>' | '<' => {
                return Err(err(
                    line,
                    format!(
                        "`{c}` (a call or a redirection) is not read: give one Invoke-WebRequest or Invoke-RestMethod command"
                    ),
                ));
            }
            c if is_dash(c) && self.peek(1).is_some_and(|c| c.is_alphabetic()) => {
                self.i += 1;
                let name = self.word();
                Tok::Param(name.trim_end_matches(':').to_string())
            }
            _ => Tok::Word(self.word()),
        };
        Ok(Some((tok, line)))
    }

    fn word(&mut self) -> String {
        let mut w = String::new();
        while let Some(c) = self.peek(0) {
            if c.is_whitespace()
                || matches!(c, ';' | '|' | ',' | '=' | '(' | ')' | '[' | ']' | '{' | '}')
                || is_dquote(c)
                || is_squote(c)
                || (c == ':' && self.peek(1) == Some(':'))
            {
                break;
            }
            w.push(c);
            self.i += 1;
        }
        if w.is_empty() {
            // A character no token starts with: take it alone, so that reading goes on.
            if let Some(c) = self.peek(0) {
                w.push(c);
                self.i += 1;
            }
        }
        w
    }

    fn var_name(&mut self) -> String {
        if self.peek(0) == Some('{') {
            self.i += 1;
            let mut n = String::new();
            while let Some(c) = self.peek(0) {
                self.i += 1;
                if c == '}' {
                    break;
                }
                n.push(c);
            }
            return n;
        }
        let mut n = String::new();
        while let Some(c) = self.peek(0) {
            if c.is_alphanumeric()
                || c == '_'
                || c == ':'
                || (c == '.' && self.peek(1).is_some_and(char::is_alphabetic))
            {
                n.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        n
    }

    /// `'…'`: as written, `''` a quote.
    fn verbatim(&mut self, line: usize) -> Result<Vec<u16>, ImportError> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(err(line, "the quote `'` opened here is never closed"));
            };
            self.i += 1;
            if is_squote(c) {
                if self.peek(0).is_some_and(is_squote) {
                    out.push(c);
                    self.i += 1;
                    continue;
                }
                break;
            }
            if c == '\n' {
                self.line += 1;
            }
            out.push(c);
        }
        Ok(out.encode_utf16().collect())
    }

    /// `"…"`: backtick escapes, `""`, `$var`, `$(…)`.
    fn expandable(&mut self, line: usize) -> Result<Vec<u16>, ImportError> {
        let mut out: Vec<u16> = Vec::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(err(line, "the quote `\"` opened here is never closed"));
            };
            self.i += 1;
            match c {
                c if is_dquote(c) => {
                    if self.peek(0).is_some_and(is_dquote) {
                        push(&mut out, c);
                        self.i += 1;
                        continue;
                    }
                    break;
                }
                '`' => self.escape(&mut out),
                '$' => self.expansion(&mut out, true)?,
                c => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    push(&mut out, c);
                }
            }
        }
        Ok(out)
    }

    /// One backtick escape, after the backtick.
    fn escape(&mut self, out: &mut Vec<u16>) {
        let Some(c) = self.peek(0) else {
            return;
        };
        self.i += 1;
        let ch = match c {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            'e' => '\u{1b}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            'u' if self.peek(0) == Some('{') => {
                let hex: String = self.s[self.i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .collect();
                if self.peek(1 + hex.len()) == Some('}')
                    && let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                {
                    self.i += hex.len() + 2;
                    ch
                } else {
                    'u'
                }
            }
            '\n' => {
                self.line += 1;
                '\n'
            }
            other => other,
        };
        push(out, ch);
    }

    /// A `$` in an expandable string, after the `$`: a variable's value, `$([char]N)`, or a
    /// literal `$` when no name follows.
    fn expansion(&mut self, out: &mut Vec<u16>, in_string: bool) -> Result<(), ImportError> {
        let line = self.line;
        match self.peek(0) {
            Some('(') => {
                // `$([char]N)`, `$([char]0xNN)`, as Chrome writes them.
                let rest: String = self.s[self.i..].iter().take(24).collect();
                let lower = rest.to_ascii_lowercase();
                if let Some(after) = lower.strip_prefix("([char]") {
                    let digits: String = after
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    if after[digits.len()..].starts_with(')') {
                        let value = match digits.strip_prefix("0x") {
                            Some(hex) => u32::from_str_radix(hex, 16).ok(),
                            None => digits.parse::<u32>().ok(),
                        };
                        if let Some(v) = value.filter(|v| *v <= 0xffff) {
                            out.push(v as u16);
                            self.i += "([char]".len() + digits.len() + 1;
                            return Ok(());
                        }
                    }
                }
                Err(err(
                    line,
                    "a `$(…)` subexpression is run by PowerShell: put its value in the line (only `$([char]N)` is read)",
                ))
            }
            Some(c) if c.is_alphanumeric() || c == '_' || c == '{' => {
                let name = self.var_name();
                match self.vars.get(&name.to_ascii_lowercase()) {
                    Some(Value::Text(t)) => {
                        out.extend_from_slice(t);
                        Ok(())
                    }
                    _ => Err(err(
                        line,
                        format!(
                            "`${name}` is a PowerShell variable{} that is not assigned a string before the command: put its value in the line",
                            if in_string { " inside a string" } else { "" }
                        ),
                    )),
                }
            }
            _ => {
                out.push(u16::from(b'$'));
                Ok(())
            }
        }
    }

    /// `@"…"@` and `@'…'@`: the lines between the opening and the closing line.
    fn here_string(&mut self) -> Result<Vec<u16>, ImportError> {
        let line = self.line;
        let expandable = self.peek(1).is_some_and(is_dquote);
        self.i += 2;
        while self
            .peek(0)
            .is_some_and(|c| c == ' ' || c == '\t' || c == '\r')
        {
            self.i += 1;
        }
        if self.peek(0) != Some('\n') {
            return Err(err(
                line,
                "a here-string's opening `@\"` or `@'` must end its line",
            ));
        }
        self.i += 1;
        self.line += 1;
        let mut out: Vec<u16> = Vec::new();
        let mut at_line_start = true;
        loop {
            let Some(c) = self.peek(0) else {
                return Err(err(line, "the here-string opened here is never closed"));
            };
            let closes = if expandable {
                is_dquote(c)
            } else {
                is_squote(c)
            };
            if at_line_start && closes && self.peek(1) == Some('@') {
                self.i += 2;
                // The line end before the closing line is not part of the string.
                if out.last() == Some(&u16::from(b'\n')) {
                    out.pop();
                    if out.last() == Some(&u16::from(b'\r')) {
                        out.pop();
                    }
                }
                return Ok(out);
            }
            self.i += 1;
            at_line_start = c == '\n';
            if c == '\n' {
                self.line += 1;
            }
            match c {
                '`' if expandable => self.escape(&mut out),
                '$' if expandable => self.expansion(&mut out, true)?,
                c => push(&mut out, c),
            }
        }
    }
}

fn push(out: &mut Vec<u16>, c: char) {
    let mut buf = [0u16; 2];
    out.extend_from_slice(c.encode_utf16(&mut buf));
}

//! Reads a command line as bash reads it, far enough for the curl lines people paste: blanks
//! between words, `\` and line continuations, single and double quotes, ANSI-C `$'…'` quoting
//! (what browsers' "Copy as cURL (bash)" writes for bodies with escapes), comments, and the
//! `|` of a pipe. Words are bytes: `$'\xff'` is one byte that is not UTF-8.
//!
//! Expansions (`$VAR`, `$(…)`, globs) are not performed; a `$` that is not a quote stays as it is.

/// One piece of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word after quote removal, and the 1-based line it starts on.
    Word { bytes: Vec<u8>, line: usize },
    /// `|`, on its line.
    Pipe { line: usize },
}

/// Why a command line does not read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellError {
    pub line: usize,
    pub message: String,
}

/// What the reading noticed that changes the bytes (bash cuts a `$'…'` word at a NUL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    pub tokens: Vec<Token>,
    pub notes: Vec<String>,
}

/// Splits `text` into words and pipes.
pub fn split(text: &str) -> Result<Split, ShellError> {
    let s = text.as_bytes();
    let mut out = Split::default();
    let mut i = 0;
    let mut line = 1;
    // The word being read, and whether one has started (an empty `''` is a word).
    let mut word: Vec<u8> = Vec::new();
    let mut started: Option<usize> = None;
    let mut cut_at_nul = false;
    let finish = |word: &mut Vec<u8>, started: &mut Option<usize>, out: &mut Split| {
        if let Some(l) = started.take() {
            out.tokens.push(Token::Word {
                bytes: std::mem::take(word),
                line: l,
            });
        }
    };
    while i < s.len() {
        let c = s[i];
        match c {
            b' ' | b'\t' | b'\r' => {
                finish(&mut word, &mut started, &mut out);
                i += 1;
            }
            b'\n' => {
                finish(&mut word, &mut started, &mut out);
                line += 1;
                i += 1;
            }
            b'#' if started.is_none() => {
                while i < s.len() && s[i] != b'\n' {
                    i += 1;
                }
            }
            b'|' => {
                finish(&mut word, &mut started, &mut out);
                if s.get(i + 1) == Some(&b'|') {
                    return Err(ShellError {
                        line,
                        message: "`||` joins two commands: give one curl command".into(),
                    });
                }
                out.tokens.push(Token::Pipe { line });
                i += 1;
            }
            b';' | b'&' | b'<' | b'>' | b'(' | b')' | b'`' => {
                let what = match c {
                    b';' | b'&' => "joins or ends commands",
                    b'<' | b'>' => "is a redirection",
                    _ => "is a subshell or a command substitution",
                };
                return Err(ShellError {
                    line,
                    message: format!(
                        "`{}` {what}: give one curl command, with every such character quoted",
                        c as char
                    ),
                });
            }
            b'\\' => {
                started.get_or_insert(line);
                match s.get(i + 1) {
                    Some(b'\n') => {
                        line += 1;
                        i += 2;
                        // A continuation ends no word by itself; an empty one does not start one.
                        if word.is_empty() && started == Some(line - 1) {
                            started = None;
                        }
                    }
                    Some(b'\r') if s.get(i + 2) == Some(&b'\n') => {
                        line += 1;
                        i += 3;
                        if word.is_empty() && started == Some(line - 1) {
                            started = None;
                        }
                    }
                    Some(_) => {
                        let n = char_len(s, i + 1);
                        word.extend_from_slice(&s[i + 1..i + 1 + n]);
                        i += 1 + n;
                    }
                    None => i += 1,
                }
            }
            b'\'' => {
                started.get_or_insert(line);
                let start = i;
                i += 1;
                while i < s.len() && s[i] != b'\'' {
                    if s[i] == b'\n' {
                        line += 1;
                    }
                    word.push(s[i]);
                    i += 1;
                }
                if i == s.len() {
                    return Err(unclosed(text, start, "'"));
                }
                i += 1;
            }
            b'"' => {
                started.get_or_insert(line);
                let start = i;
                i += 1;
                i = double_quoted(s, i, &mut word, &mut line)
                    .map_err(|e| e.unwrap_or_else(|| unclosed(text, start, "\"")))?;
            }
            b'$' if s.get(i + 1) == Some(&b'\'') => {
                started.get_or_insert(line);
                let start = i;
                i += 2;
                let mut cut = false;
                loop {
                    let Some(&c) = s.get(i) else {
                        return Err(unclosed(text, start, "$'"));
                    };
                    match c {
                        b'\'' => {
                            i += 1;
                            break;
                        }
                        b'\\' => {
                            let (bytes, used) = ansi_c_escape(&s[i + 1..]);
                            if bytes.contains(&0) {
                                cut = true;
                            }
                            if !cut {
                                word.extend_from_slice(&bytes);
                            }
                            i += 1 + used;
                        }
                        c => {
                            if c == b'\n' {
                                line += 1;
                            }
                            if !cut {
                                word.push(c);
                            }
                            i += 1;
                        }
                    }
                }
                cut_at_nul |= cut;
            }
            b'$' if s.get(i + 1) == Some(&b'"') => {
                // Locale translation: the same as double quotes here.
                started.get_or_insert(line);
                let start = i;
                i += 2;
                i = double_quoted(s, i, &mut word, &mut line)
                    .map_err(|e| e.unwrap_or_else(|| unclosed(text, start, "$\"")))?;
            }
            b'$' if expands(s, i) => return Err(expansion(s, i, line)),
            _ => {
                started.get_or_insert(line);
                let n = char_len(s, i);
                word.extend_from_slice(&s[i..i + n]);
                i += n;
            }
        }
    }
    finish(&mut word, &mut started, &mut out);
    if cut_at_nul {
        out.notes.push(
            "a `$'…'` word holds a NUL byte (\\0 or \\x00): bash cuts it there, so the bytes after it \
             are not sent and are left out here"
                .into(),
        );
    }
    Ok(out)
}

/// The length of the UTF-8 character at `i` (1 for a stray byte).
fn char_len(s: &[u8], i: usize) -> usize {
    let n = match s[i] {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    };
    n.min(s.len() - i)
}

fn unclosed(text: &str, start: usize, quote: &str) -> ShellError {
    ShellError {
        line: text[..start].matches('\n').count() + 1,
        message: format!("the quote `{quote}` opened here is never closed"),
    }
}

/// Whether the `$` at `i` starts a parameter expansion (`$NAME`, `${…}`, `$1`).
fn expands(s: &[u8], i: usize) -> bool {
    s.get(i + 1)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'{' | b'('))
}

fn expansion(s: &[u8], i: usize, line: usize) -> ShellError {
    if s.get(i + 1) == Some(&b'(') {
        return ShellError {
            line,
            message: "`$(…)` is a command substitution: put its output in the line".into(),
        };
    }
    let end = s[i + 1..]
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'{' || c == b'}'))
        .map_or(s.len(), |n| i + 1 + n);
    ShellError {
        line,
        message: format!(
            "`{}` is a shell variable, which sigscope does not expand: put its value in the line",
            String::from_utf8_lossy(&s[i..end])
        ),
    }
}

/// Reads a double-quoted string from `i` (after the quote) into `word`; returns the index after
/// the closing quote, Err(None) when there is none, or the error of an expansion inside.
fn double_quoted(
    s: &[u8],
    mut i: usize,
    word: &mut Vec<u8>,
    line: &mut usize,
) -> Result<usize, Option<ShellError>> {
    while i < s.len() {
        match s[i] {
            b'"' => return Ok(i + 1),
            b'$' if expands(s, i) => return Err(Some(expansion(s, i, *line))),
            b'`' => {
                return Err(Some(ShellError {
                    line: *line,
                    message: "a command substitution (`…`) inside double quotes: put its output in the line".into(),
                }));
            }
            b'\\' if matches!(s.get(i + 1), Some(b'$' | b'`' | b'"' | b'\\')) => {
                word.push(s[i + 1]);
                i += 2;
            }
            b'\\' if s.get(i + 1) == Some(&b'\n') => {
                *line += 1;
                i += 2;
            }
            c => {
                if c == b'\n' {
                    *line += 1;
                }
                word.push(c);
                i += 1;
            }
        }
    }
    Err(None)
}

/// One escape of `$'…'` after its backslash, as bash reads it: the bytes it stands for and how
/// many bytes of `s` it used. An escape bash does not know keeps its backslash.
fn ansi_c_escape(s: &[u8]) -> (Vec<u8>, usize) {
    let Some(&c) = s.first() else {
        return (b"\\".to_vec(), 0);
    };
    let digits = |radix: u32, max: usize| -> (u32, usize) {
        let mut v = 0u32;
        let mut n = 0;
        while n < max {
            match s.get(1 + n).and_then(|&b| (b as char).to_digit(radix)) {
                Some(d) => {
                    v = v * radix + d;
                    n += 1;
                }
                None => break,
            }
        }
        (v, n)
    };
    let simple = |b: u8| (vec![b], 1);
    match c {
        b'a' => simple(0x07),
        b'b' => simple(0x08),
        b'e' | b'E' => simple(0x1b),
        b'f' => simple(0x0c),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(0x0b),
        b'\\' | b'\'' | b'"' | b'?' => simple(c),
        b'0'..=b'7' => {
            let (byte, n) = octal(s);
            (vec![byte], n)
        }
        b'x' => match digits(16, 2) {
            (_, 0) => (b"\\x".to_vec(), 1),
            (v, n) => (vec![v as u8], 1 + n),
        },
        b'u' | b'U' => {
            let (v, n) = digits(16, if c == b'u' { 4 } else { 8 });
            if n == 0 {
                return (vec![b'\\', c], 1);
            }
            (utf8_like_bash(v), 1 + n)
        }
        b'c' => match s.get(1) {
            // Control-x: the letter's upper case with the top bits cleared; `\c?` is DEL and
            // `\c\\` takes both backslashes.
            Some(b'?') => (vec![0x7f], 2),
            Some(b'\\') if s.get(2) == Some(&b'\\') => (vec![0x1c], 3),
            Some(&x) => (vec![x.to_ascii_uppercase() & 0x1f], 2),
            None => (b"\\c".to_vec(), 1),
        },
        _ => (vec![b'\\'], 0),
    }
}

/// An octal escape's byte and how many digits it took: up to three, the first included (`s`
/// starts with a digit 0-7); the value wraps to a byte as bash and printf do.
pub(crate) fn octal(s: &[u8]) -> (u8, usize) {
    let mut v = 0u32;
    let mut n = 0;
    while n < 3 {
        match s.get(n) {
            Some(&d @ b'0'..=b'7') => {
                v = v * 8 + u32::from(d - b'0');
                n += 1;
            }
            _ => break,
        }
    }
    ((v & 0xff) as u8, n)
}

/// A code point written as bash writes `\u` and `\U`: UTF-8 extended to surrogates and to the
/// old five- and six-byte forms up to 0x7FFFFFFF; nothing beyond.
fn utf8_like_bash(v: u32) -> Vec<u8> {
    let len = match v {
        0..=0x7f => return vec![v as u8],
        0x80..=0x7ff => 2,
        0x800..=0xffff => 3,
        0x1_0000..=0x1f_ffff => 4,
        0x20_0000..=0x3ff_ffff => 5,
        0x400_0000..=0x7fff_ffff => 6,
        _ => return Vec::new(),
    };
    let lead: u8 = [0, 0, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc][len];
    let mut out = vec![0u8; len];
    let mut v = v;
    for b in out[1..].iter_mut().rev() {
        *b = 0x80 | (v & 0x3f) as u8;
        v >>= 6;
    }
    out[0] = lead | v as u8;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<u8>> {
        split(text)
            .unwrap()
            .tokens
            .into_iter()
            .filter_map(|t| match t {
                Token::Word { bytes, .. } => Some(bytes),
                Token::Pipe { .. } => None,
            })
            .collect()
    }

    #[test]
    fn quotes_escapes_and_continuations() {
        assert_eq!(
            words("curl 'a b' \"c\\\"d\" e\\ f \\\n  g''h ''"),
            [&b"curl"[..], b"a b", b"c\"d", b"e f", b"gh", b""]
        );
        assert_eq!(
            words(r"x $'caf\u00e9\\n' $'it\'s' $'\x41\101\cA\e'"),
            [&b"x"[..], "café\\n".as_bytes(), b"it's", b"AA\x01\x1b"]
        );
        assert_eq!(words(r"$'\xff\xfe'"), [vec![0xff, 0xfe]]);
    }

    #[test]
    fn a_nul_cuts_the_word_as_bash_does() {
        let s = split(r"$'ab\x00cd'").unwrap();
        assert_eq!(
            s.tokens,
            [Token::Word {
                bytes: b"ab".to_vec(),
                line: 1
            }]
        );
        assert_eq!(s.notes.len(), 1);
    }

    #[test]
    fn errors_name_the_line() {
        let e = split("curl \\\n 'x").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("never closed"), "{}", e.message);
        assert!(split("curl x; rm y").is_err());
        assert!(split("curl $(cat x)").is_err());
    }
}

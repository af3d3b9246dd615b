//! A curl command line written for Windows cmd: Chrome's "Copy as cURL (cmd)" and Firefox's
//! "Copy as cURL (Windows)", or one typed by hand. cmd.exe reads `^` escapes and `"` quotes,
//! then curl.exe splits its command line into arguments by the Microsoft C runtime's rules
//! (`"` quotes, `\"` a literal quote, `""` inside quotes a quote); the arguments are curl's,
//! read as curl reads them.
//!
//! The browsers write their lines for a reading that differs from cmd.exe's in places (carets
//! escape inside quotes too; Chrome doubles every backslash, Firefox none), which cmd.exe does
//! not always honour (Chromium bug 1242803). A line with `^` escapes is read as the browser
//! that wrote it means it, which is the request the browser sent; a note says when cmd.exe
//! would have read it differently.

use super::message::{ImportError, Imported, err};

/// Whether a curl line is written for cmd: `^"` quoting, or a line that ends in a `^`.
pub fn is_cmd_line(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_end();
        l.contains("^\"") || t.ends_with(" ^") || t == "^"
    })
}

/// How the line is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// As cmd.exe and the C runtime read it.
    Plain,
    /// As Chrome's generator means it: carets everywhere, `\\` one backslash, `\"` a quote.
    Chrome,
    /// As Firefox's means it: carets everywhere, `\"` a quote, other backslashes as they are.
    Firefox,
}

/// Reads a cmd curl line. `read_file` resolves `@file` data, as for a bash line.
pub fn parse(
    text: &str,
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    let generated = has_caret_escape(text);
    let first = text.split_whitespace().next().unwrap_or("");
    let mode = match (generated, first.eq_ignore_ascii_case("curl.exe")) {
        (false, _) => Mode::Plain,
        (true, true) => Mode::Firefox,
        (true, false) => Mode::Chrome,
    };
    let words = split(text, mode)?;
    let mut notes = Vec::new();
    if mode != Mode::Plain && split(text, Mode::Plain).ok().as_ref() != Some(&words) {
        notes.push(format!(
            "read as {}'s \"Copy as cURL\" for Windows means it (carets escape inside quotes too{}): run in cmd.exe, this line would send other bytes (Chromium bug 1242803)",
            if mode == Mode::Chrome { "Chrome" } else { "Firefox" },
            if mode == Mode::Chrome {
                ", `\\\\` is one backslash"
            } else {
                ""
            }
        ));
    }
    match words.first() {
        Some((w, _)) if w.eq_ignore_ascii_case("curl") || w.eq_ignore_ascii_case("curl.exe") => {}
        Some((w, line)) => {
            return Err(err(*line, format!("expected `curl`, found `{w}`")));
        }
        None => return Err(err(1, "the command line is empty")),
    }
    let last_line = text.lines().count().max(1);
    let words: Vec<(Vec<u8>, usize)> = words
        .into_iter()
        .map(|(w, l)| (w.into_bytes(), l))
        .collect();
    let mut r = super::curl::from_words(&words, None, notes, last_line, read_file)?;
    if r.body.windows(3).any(|w| w == "\u{fffd}".as_bytes()) {
        r.notes.push(
            "the body holds U+FFFD replacement characters: the browsers' Copy as cURL for Windows puts a caret between the two halves of a character beyond U+FFFF (an emoji), which loses it, so the body differs from the one sent there".into(),
        );
    }
    Ok(r)
}

/// Whether the text has a caret escape (`^` before anything but a line end).
fn has_caret_escape(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'^' && w[1] != b'\n' && w[1] != b'\r')
}

/// A character of the command line cmd.exe hands curl.exe, and its line.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    line: usize,
}

/// cmd.exe's reading: the command line it passes on. Carets escape the next character (outside
/// quotes only, unless `everywhere`), a caret before a line end continues the line (the first
/// character of the next line taken as it is), CRs are dropped.
fn cmd_phase(text: &str, everywhere: bool) -> Result<Vec<Ch>, ImportError> {
    let chars: Vec<char> = text.chars().filter(|&c| c != '\r').collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut quoted = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '^' if everywhere || !quoted => {
                match chars.get(i + 1) {
                    Some('\n') => {
                        // A continuation: the line end goes; the next character is taken as is.
                        line += 1;
                        i += 2;
                        if let Some(&next) = chars.get(i) {
                            if next == '\n' {
                                line += 1;
                            }
                            out.push(Ch { c: next, line });
                            i += 1;
                        }
                    }
                    Some(&next) => {
                        out.push(Ch { c: next, line });
                        i += 2;
                    }
                    None => i += 1,
                }
            }
            '"' => {
                quoted = !quoted;
                out.push(Ch { c, line });
                i += 1;
            }
            '\n' => {
                // The command ends; anything after it is another command.
                if chars[i..].iter().any(|c| !c.is_whitespace()) {
                    return Err(err(
                        line + 1,
                        "a second command after a line end: give one curl command (cmd continues a line only after a `^`)",
                    ));
                }
                break;
            }
            '&' | '|' | '<' | '>' if !quoted && !everywhere => {
                let what = if matches!(c, '&' | '|') {
                    "joins commands"
                } else {
                    "is a redirection"
                };
                return Err(err(
                    line,
                    format!(
                        "`{c}` {what}: give one curl command, with every such character quoted or escaped with `^`"
                    ),
                ));
            }
            _ => {
                out.push(Ch { c, line });
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The arguments of a command line, split as the C runtime splits them (in `mode`'s reading
/// of backslashes), each with the line it starts on.
fn split(text: &str, mode: Mode) -> Result<Vec<(String, usize)>, ImportError> {
    let chars = cmd_phase(text, mode != Mode::Plain)?;
    let mut words = Vec::new();
    let mut word = String::new();
    let mut started: Option<usize> = None;
    let mut quoted = false;
    let mut i = 0;
    while i < chars.len() {
        let Ch { c, line } = chars[i];
        match c {
            ' ' | '\t' if !quoted => {
                if let Some(l) = started.take() {
                    words.push((std::mem::take(&mut word), l));
                }
                i += 1;
            }
            '\\' => {
                started.get_or_insert(line);
                let run = chars[i..].iter().take_while(|ch| ch.c == '\\').count();
                let before_quote = chars.get(i + run).is_some_and(|ch| ch.c == '"');
                match mode {
                    Mode::Plain => {
                        if before_quote {
                            word.extend(std::iter::repeat_n('\\', run / 2));
                            if run % 2 == 1 {
                                word.push('"');
                                i += run + 1;
                            } else {
                                i += run;
                            }
                        } else {
                            word.extend(std::iter::repeat_n('\\', run));
                            i += run;
                        }
                    }
                    Mode::Chrome => {
                        // Pairs are one backslash each; an odd one escapes the quote after it.
                        word.extend(std::iter::repeat_n('\\', run / 2));
                        if run % 2 == 1 {
                            if before_quote {
                                word.push('"');
                                i += run + 1;
                            } else {
                                word.push('\\');
                                i += run;
                            }
                        } else {
                            i += run;
                        }
                    }
                    Mode::Firefox => {
                        // The last backslash before a quote escapes it; the others are as written.
                        if before_quote {
                            word.extend(std::iter::repeat_n('\\', run - 1));
                            word.push('"');
                            i += run + 1;
                        } else {
                            word.extend(std::iter::repeat_n('\\', run));
                            i += run;
                        }
                    }
                }
            }
            '"' => {
                started.get_or_insert(line);
                if quoted && chars.get(i + 1).is_some_and(|ch| ch.c == '"') {
                    // `""` inside quotes is a quote, and the quotes go on.
                    word.push('"');
                    i += 2;
                } else {
                    quoted = !quoted;
                    i += 1;
                }
            }
            _ => {
                started.get_or_insert(line);
                word.push(c);
                i += 1;
            }
        }
    }
    if let Some(l) = started {
        words.push((word, l));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str, mode: Mode) -> Vec<String> {
        split(text, mode)
            .unwrap()
            .into_iter()
            .map(|(w, _)| w)
            .collect()
    }

    #[test]
    fn the_c_runtime_rules() {
        assert_eq!(
            args(r#"curl "a b" c\"d "e""f" g\\h "i\\" j"#, Mode::Plain),
            ["curl", "a b", "c\"d", "e\"f", "g\\\\h", "i\\", "j"]
        );
        // Carets outside quotes only; `^` and a line end continue the line.
        assert_eq!(
            args("curl ^&x \"^&y\" ^\n  -d z", Mode::Plain),
            ["curl", "&x", "^&y", "-d", "z"]
        );
        assert!(split("curl x & del y", Mode::Plain).is_err());
        assert!(split("curl x\ncurl y", Mode::Plain).is_err());
    }

    #[test]
    fn chrome_and_firefox_mean_their_escapes() {
        // Chrome's escapeStringWin of `{"a":"C:\t"}` (no newline: plain quotes around).
        let chrome = r#"curl "^{^\^"a^\^":^\^"C:^\^\t^\^"^}""#;
        assert_eq!(args(chrome, Mode::Chrome)[1], r#"{"a":"C:\t"}"#);
        // cmd.exe itself keeps the carets inside the quotes: another argument.
        assert_ne!(args(chrome, Mode::Plain)[1], r#"{"a":"C:\t"}"#);
        // A newline: `^"` around, `^` and two line ends inside.
        assert_eq!(
            args("curl ^\"a^\n\nb %^PATH%^\"", Mode::Chrome)[1],
            "a\nb %PATH%"
        );
        // Firefox: `"^` CRLF CRLF `"` for a newline, backslashes as they are.
        assert_eq!(
            args("curl.exe ^\"x^\\^\"y\\z\"^\r\n\r\n\"w^\"", Mode::Firefox)[1],
            "x\"y\\z\nw"
        );
    }
}

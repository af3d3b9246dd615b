//! Stage bytes made visible: every byte a person could miss (CR, LF, tab, trailing spaces, a BOM,
//! non-ASCII and control bytes, invalid UTF-8) is marked, and the key is masked. The CLI and the
//! TUI both render these segments, so a stage means the same thing everywhere.

use std::borrow::Cow;
use std::ops::Range;

/// What a segment of a stage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Printable ASCII (one column a byte).
    Text,
    Cr,
    Lf,
    Tab,
    /// Spaces at the end of a line or of the stage.
    TrailingSpace,
    Bom,
    /// Printable non-ASCII characters.
    NonAscii,
    /// Characters that print as nothing or look like a space (NBSP, zero-width, …).
    Invisible,
    /// ASCII control bytes other than CR, LF and tab, and DEL.
    Control,
    /// Bytes that are not valid UTF-8.
    InvalidByte,
    /// A combining mark (the accent of an NFD `é`), which a terminal may draw on the character
    /// before it or not at all.
    Combining,
    /// A Cyrillic or Greek letter in a word of Latin letters (`А` for `A`).
    MixedScript,
    /// The key, masked.
    Secret,
}

/// A run of one kind of bytes. Text is not copied: [`Segment::shown`] reads it from the stage's
/// bytes, so marking a 1 MiB stage allocates only for the rare escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub mark: Mark,
    /// The bytes of the stage this segment stands for.
    pub bytes: Range<usize>,
    /// The escape that stands for a marker (`\r`, `\x01`, `\u{feff}`, `‹key›`); empty for text
    /// and trailing spaces, whose shown form follows from their bytes.
    marker: Cow<'static, str>,
}

impl Segment {
    /// What to show: the text itself, `·` for each trailing space, or the marker's escape.
    /// `stage` is the bytes the segments were made from.
    pub fn shown<'a>(&'a self, stage: &'a [u8]) -> Cow<'a, str> {
        match self.mark {
            Mark::Text | Mark::NonAscii => match stage.get(self.bytes.clone()) {
                Some(b) => String::from_utf8_lossy(b),
                None => Cow::Borrowed(""),
            },
            Mark::TrailingSpace => Cow::Owned("·".repeat(self.bytes.len())),
            _ => Cow::Borrowed(&self.marker),
        }
    }
}

/// The text shown in place of the key.
pub const MASK: &str = "‹key›";

/// Splits stage bytes into marked segments; `secret` ranges (the key) are shown as [`MASK`]
/// unless `reveal` is set.
pub fn segments(bytes: &[u8], secret: &[Range<usize>], reveal: bool) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut secret: Vec<Range<usize>> = if reveal { Vec::new() } else { secret.to_vec() };
    secret.sort_by_key(|r| r.start);
    let mut at = 0;
    for r in secret {
        if r.start >= r.end || r.end > bytes.len() || r.start < at {
            continue;
        }
        plain(bytes, at..r.start, &mut out);
        out.push(Segment {
            mark: Mark::Secret,
            bytes: r.clone(),
            marker: Cow::Borrowed(MASK),
        });
        at = r.end;
    }
    plain(bytes, at..bytes.len(), &mut out);
    out
}

fn push(out: &mut Vec<Segment>, mark: Mark, marker: Cow<'static, str>, bytes: Range<usize>) {
    if let Some(last) = out.last_mut()
        && last.mark == mark
        && last.bytes.end == bytes.start
        && matches!(mark, Mark::Text | Mark::NonAscii | Mark::TrailingSpace)
    {
        last.bytes.end = bytes.end;
        return;
    }
    out.push(Segment {
        mark,
        bytes,
        marker,
    });
}

const NONE: Cow<'static, str> = Cow::Borrowed("");

fn plain(bytes: &[u8], range: Range<usize>, out: &mut Vec<Segment>) {
    let base = range.start;
    let slice = &bytes[range];
    let mut offset = 0;
    for chunk in slice.utf8_chunks() {
        let valid = chunk.valid();
        let v = valid.as_bytes();
        let mut i = 0;
        while i < v.len() {
            let at = base + offset + i;
            // A run of printable ASCII goes in one piece; its trailing spaces are marked when a
            // line end or the end of the stage (not of this stretch between masked keys) follows.
            if (0x20..0x7f).contains(&v[i]) {
                let mut j = i;
                while j < v.len() && (0x20..0x7f).contains(&v[j]) {
                    j += 1;
                }
                let line_ends =
                    j == v.len() && chunk.invalid().is_empty() && base + offset + j == bytes.len()
                        || matches!(v.get(j), Some(b'\n' | b'\r'));
                let text_end = if line_ends {
                    j - v[i..j].iter().rev().take_while(|&&b| b == b' ').count()
                } else {
                    j
                };
                if text_end > i {
                    push(out, Mark::Text, NONE, at..at + (text_end - i));
                }
                if j > text_end {
                    let s = base + offset + text_end;
                    push(out, Mark::TrailingSpace, NONE, s..s + (j - text_end));
                }
                i = j;
                continue;
            }
            let c = valid[i..].chars().next().expect("i is on a char boundary");
            let span = at..at + c.len_utf8();
            match c {
                '\r' => push(out, Mark::Cr, Cow::Borrowed("\\r"), span),
                '\n' => push(out, Mark::Lf, Cow::Borrowed("\\n"), span),
                '\t' => push(out, Mark::Tab, Cow::Borrowed("\\t"), span),
                '\u{feff}' => push(out, Mark::Bom, Cow::Borrowed("\\u{feff}"), span),
                c if (c as u32) < 0x20 || c == '\u{7f}' => push(
                    out,
                    Mark::Control,
                    Cow::Owned(format!("\\x{:02x}", c as u32)),
                    span,
                ),
                c if is_invisible(c) => push(out, Mark::Invisible, escape(c).into(), span),
                c if is_combining(c) => push(out, Mark::Combining, escape(c).into(), span),
                c if is_lookalike_script(c) && in_latin_word(valid, i, c) => {
                    push(out, Mark::MixedScript, escape(c).into(), span)
                }
                _ => push(out, Mark::NonAscii, NONE, span),
            }
            i += c.len_utf8();
        }
        offset += valid.len();
        for &b in chunk.invalid() {
            let at = base + offset;
            push(
                out,
                Mark::InvalidByte,
                Cow::Owned(format!("\\x{b:02x}")),
                at..at + 1,
            );
            offset += 1;
        }
    }
}

/// `\u{…}`, the marker of one character.
fn escape(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{483}'..='\u{489}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// Cyrillic and Greek letters, among which are the look-alikes of Latin ones.
fn is_lookalike_script(c: char) -> bool {
    matches!(c, '\u{370}'..='\u{3ff}' | '\u{400}'..='\u{52f}')
}

/// Whether the word around the character at `i` (letters and digits) holds a Latin letter.
fn in_latin_word(text: &str, i: usize, c: char) -> bool {
    let word = |ch: &char| ch.is_alphanumeric() || is_combining(*ch);
    let before = text[..i].chars().rev().take_while(word);
    let after = text[i + c.len_utf8()..].chars().take_while(word);
    before.chain(after).any(|ch| ch.is_ascii_alphabetic())
}

/// A segment as plain text that cannot be mistaken for another: markers as they are, and in text
/// the characters that begin a marker escaped themselves (a backslash doubled, `·` and `‹`
/// written as `\u{…}`), so that `\t` is always a tab and `\\t` a backslash and a `t`.
pub fn unambiguous<'a>(seg: &'a Segment, stage: &'a [u8]) -> Cow<'a, str> {
    let shown = seg.shown(stage);
    if !matches!(seg.mark, Mark::Text | Mark::NonAscii) || !shown.contains(['\\', '·', '‹']) {
        return shown;
    }
    let mut out = String::with_capacity(shown.len() + 4);
    for c in shown.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '·' | '‹' => out.push_str(&escape(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{202a}'..='\u{202e}' | '\u{00ad}')
}

/// Raw bytes as hex-dump lines of `per_row` bytes: offset, then the bytes, in groups of eight.
pub fn hex_dump(bytes: &[u8], per_row: usize) -> Vec<String> {
    let per_row = per_row.max(1);
    bytes
        .chunks(per_row)
        .enumerate()
        .map(|(i, row)| {
            let mut line = format!("{:04x} ", i * per_row);
            for (j, b) in row.iter().enumerate() {
                line.push_str(if j > 0 && j % 8 == 0 { "  " } else { " " });
                line.push_str(&format!("{b:02x}"));
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(bytes: &[u8], secret: &[Range<usize>]) -> Vec<(Mark, String)> {
        segments(bytes, secret, false)
            .into_iter()
            .map(|s| (s.mark, s.shown(bytes).into_owned()))
            .collect()
    }

    #[test]
    fn invisible_bytes_are_marked() {
        let s = shown("\u{feff}a b  \r\n\té\u{a0}\x01\x7f".as_bytes(), &[]);
        assert_eq!(
            s,
            vec![
                (Mark::Bom, "\\u{feff}".into()),
                (Mark::Text, "a b".into()),
                (Mark::TrailingSpace, "··".into()),
                (Mark::Cr, "\\r".into()),
                (Mark::Lf, "\\n".into()),
                (Mark::Tab, "\\t".into()),
                (Mark::NonAscii, "é".into()),
                (Mark::Invisible, "\\u{a0}".into()),
                (Mark::Control, "\\x01".into()),
                (Mark::Control, "\\x7f".into()),
            ]
        );
    }

    #[test]
    fn trailing_spaces_before_a_line_end_or_the_end_only() {
        let s = shown(b"a  b  \n  ", &[]);
        assert_eq!(
            s,
            vec![
                (Mark::Text, "a  b".into()),
                (Mark::TrailingSpace, "··".into()),
                (Mark::Lf, "\\n".into()),
                (Mark::TrailingSpace, "··".into()),
            ]
        );
        // Before invalid UTF-8 a space is not at a line end.
        assert_eq!(shown(b"a \xff", &[])[0], (Mark::Text, "a ".into()));
    }

    #[test]
    fn spaces_before_the_key_are_not_trailing() {
        // huawei's canonical is key + nonce + …; a space before a masked key ends no line.
        let s = shown(b"a  KEY", std::slice::from_ref(&(3..6)));
        assert_eq!(
            s,
            vec![(Mark::Text, "a  ".into()), (Mark::Secret, MASK.into())]
        );
    }

    #[test]
    fn look_alikes_and_combining_marks_are_marked() {
        // A Cyrillic А in a Latin word, an NFD é; a Cyrillic word alone is text.
        let s = shown("P\u{410}Y e\u{301} Привет".as_bytes(), &[]);
        assert_eq!(
            s,
            vec![
                (Mark::Text, "P".into()),
                (Mark::MixedScript, "\\u{410}".into()),
                (Mark::Text, "Y e".into()),
                (Mark::Combining, "\\u{301}".into()),
                (Mark::Text, " ".into()),
                (Mark::NonAscii, "Привет".into()),
            ]
        );
    }

    #[test]
    fn text_that_looks_like_a_marker_is_escaped_in_plain_text() {
        let plain = |b: &[u8]| -> String {
            segments(b, &[], false)
                .iter()
                .map(|s| unambiguous(s, b).into_owned())
                .collect()
        };
        // A literal backslash-t and a tab; the text `\xff` and the byte 0xFF; a literal `·`
        // and a trailing space; a literal `‹key›`.
        assert_eq!(plain(b"\\t\t"), "\\\\t\\t");
        assert_eq!(plain(b"\\xff\xff"), "\\\\xff\\xff");
        assert_eq!(plain("a· ".as_bytes()), "a\\u{b7}·");
        assert_eq!(plain("‹key›".as_bytes()), "\\u{2039}key›");
    }

    #[test]
    fn hex_dump_rows() {
        let rows = hex_dump(&(0u8..20).collect::<Vec<_>>(), 16);
        assert_eq!(
            rows[0],
            "0000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f"
        );
        assert_eq!(rows[1], "0010  10 11 12 13");
        let rows = hex_dump(&(0u8..10).collect::<Vec<_>>(), 8);
        assert_eq!(rows, ["0000  00 01 02 03 04 05 06 07", "0008  08 09"]);
    }

    #[test]
    fn invalid_utf8_and_secret() {
        let s = shown(b"KEYn\xffz", std::slice::from_ref(&(0..3)));
        assert_eq!(
            s,
            vec![
                (Mark::Secret, MASK.into()),
                (Mark::Text, "n".into()),
                (Mark::InvalidByte, "\\xff".into()),
                (Mark::Text, "z".into()),
            ]
        );
        let revealed: String = segments(b"KEYn", std::slice::from_ref(&(0..3)), true)
            .iter()
            .map(|s| s.shown(b"KEYn"))
            .collect();
        assert_eq!(revealed, "KEYn");
    }
}

/// Text made safe for a terminal: control characters (C0, DEL, C1) and bidirectional overrides
/// written as `\x1b` or `\u{202e}`, so that a value from a stranger's request or bundle cannot
/// move the cursor, retitle the window or clear the screen. A backslash stays as it is.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            if (c as u32) < 0x80 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod printable_tests {
    use super::printable;

    #[test]
    fn escapes_never_reach_the_terminal() {
        assert_eq!(printable("1500001048"), "1500001048");
        assert_eq!(
            printable("a\u{1b}]2;PWNED\u{7}\u{1b}[2J"),
            "a\\x1b]2;PWNED\\x07\\x1b[2J"
        );
        assert_eq!(
            printable("x\r\ny\u{9b}z\u{202e}"),
            "x\\x0d\\x0ay\\u{9b}z\\u{202e}"
        );
    }
}

//! Byte-level accidents: a form told apart, mojibake either way, line ends stripped and put
//! back, whitespace collapsed.
/// Whether a body reads as a form (`k=v&k=v`, every part with `=`, nothing a form never has).
pub fn looks_like_form(body: &[u8]) -> bool {
    !body.is_empty()
        && body.contains(&b'=')
        && !body.iter().any(|b| b.is_ascii_whitespace() && *b != b' ')
        && body
            .split(|&b| b == b'&')
            .all(|p| p.contains(&b'=') && !p.starts_with(b"="))
        && !body.starts_with(b"{")
}

/// The bytes of UTF-8 text read as Latin-1 (or windows-1252) and written again as UTF-8 (the
/// classic mojibake: `é` becomes `Ã©`); None when nothing changes.
pub fn mojibake(body: &[u8], cp1252: bool) -> Option<Vec<u8>> {
    if body.is_ascii() || std::str::from_utf8(body).is_err() {
        return None;
    }
    let mut out = String::with_capacity(body.len() * 2);
    for &b in body {
        let c = if cp1252 && (0x80..0xa0).contains(&b) {
            CP1252_HIGH[usize::from(b - 0x80)]?
        } else {
            char::from(b)
        };
        out.push(c);
    }
    Some(out.into_bytes())
}

/// Mojibake undone: UTF-8 text whose characters are all below U+0100 (or windows-1252's),
/// written as those bytes (the receiver decoded a double-encoded body once more); None when it
/// is not that.
pub fn unmojibake(body: &[u8], cp1252: bool) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    if text.is_ascii() {
        return None;
    }
    let mut out = Vec::with_capacity(body.len());
    for c in text.chars() {
        let b = if (c as u32) < 0x100 && !(cp1252 && (0x80..0xa0).contains(&(c as u32))) {
            c as u32 as u8
        } else if cp1252 {
            0x80 + CP1252_HIGH.iter().position(|h| *h == Some(c))? as u8
        } else {
            return None;
        };
        out.push(b);
    }
    (std::str::from_utf8(&out).is_ok() && out != body).then_some(out)
}

/// windows-1252's characters for the bytes 0x80 to 0x9F (five are unassigned).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// A JSON body whose line ends were stripped (`curl -d @file` sends a pretty-printed file
/// without its CR and LF): the line ends put back where a pretty-printer writes them (after
/// `{`, `[` and `,`, before `}` and `]`, the spaces kept as indentation), with `eol`, and a
/// final one when `last`. None when the body has line ends or no indentation.
pub fn relined(body: &[u8], eol: &[u8], last: bool) -> Option<Vec<u8>> {
    if body.contains(&b'\n') || body.contains(&b'\r') || !body.windows(2).any(|w| w == b"  ") {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let b = body[i];
        if in_string {
            out.push(b);
            if b == b'\\' && i + 1 < body.len() {
                out.push(body[i + 1]);
                i += 1;
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b'{' | b'[' | b',' => {
                out.push(b);
                let empty = matches!(body.get(i + 1), Some(b'}' | b']')) && b != b',';
                if !empty {
                    out.extend_from_slice(eol);
                }
            }
            b'}' | b']' => {
                let prev = out.iter().rposition(|c| *c != b' ');
                let opened =
                    prev.is_some_and(|p| matches!(out[p], b'{' | b'[')) && !out.ends_with(eol);
                if !opened {
                    // The indentation before the closer stays on its new line.
                    let spaces = out.iter().rev().take_while(|c| **c == b' ').count();
                    let at = out.len() - spaces;
                    if !out[..at].ends_with(eol) {
                        out.splice(at..at, eol.iter().copied());
                    }
                }
                out.push(b);
            }
            _ => out.push(b),
        }
        i += 1;
    }
    if last {
        out.extend_from_slice(eol);
    }
    Some(out)
}

/// A shell's unquoted `$body`: every run of whitespace one space, none at the ends (`echo $body`
/// adds a newline; `printf %s $body` joins the words with nothing).
pub fn collapsed(body: &[u8], join: &[u8]) -> Option<Vec<u8>> {
    let words: Vec<&[u8]> = body
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let out = words.join(join);
    (out != body).then_some(out)
}

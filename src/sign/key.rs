//! The key as the user writes it (text, hex or base64) and what is worth saying about its bytes.

use super::encoding::{Alphabet, decode_base64};

/// How a key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyEncoding {
    /// The bytes of the text as typed.
    #[default]
    Text,
    /// Hex digits (surrounding whitespace ignored).
    Hex,
    /// Base64, standard or URL-safe, padded or not (surrounding whitespace ignored).
    Base64,
}

impl KeyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            KeyEncoding::Text => "text",
            KeyEncoding::Hex => "hex",
            KeyEncoding::Base64 => "base64",
        }
    }

    /// The next encoding, in the order text, hex, base64.
    pub fn next(self) -> KeyEncoding {
        match self {
            KeyEncoding::Text => KeyEncoding::Hex,
            KeyEncoding::Hex => KeyEncoding::Base64,
            KeyEncoding::Base64 => KeyEncoding::Text,
        }
    }

    /// The key's bytes from what was written; the message never holds the key.
    pub fn decode(self, written: &[u8]) -> Result<Vec<u8>, String> {
        let trimmed = written.trim_ascii();
        match self {
            KeyEncoding::Text => Ok(written.to_vec()),
            KeyEncoding::Hex => hex::decode(trimmed).map_err(|e| match e {
                hex::FromHexError::InvalidHexCharacter { index, .. } => {
                    format!(
                        "the key is not hex: character {} is not a hex digit",
                        index + 1
                    )
                }
                hex::FromHexError::OddLength => {
                    format!(
                        "the key is not hex: {} digits, an odd number",
                        trimmed.len()
                    )
                }
                other => format!("the key is not hex: {other}"),
            }),
            KeyEncoding::Base64 => decode_base64(trimmed, Alphabet::Standard)
                .or_else(|_| decode_base64(trimmed, Alphabet::UrlSafe))
                .map_err(|e| {
                    // The decoder names the offending character: keep only where it is.
                    let at = e
                        .rsplit(" at character ")
                        .next()
                        .filter(|_| e.contains(" at character "));
                    match at {
                        Some(at) => {
                            format!("the key is not base64: character {at} is not in its alphabet")
                        }
                        None => "the key is not base64 (its length cannot be)".to_string(),
                    }
                }),
        }
    }
}

/// What is worth a warning about a key's bytes: empty, a line end, a byte order mark, spaces at
/// its ends. The words never hold the key.
pub fn notes(key: &[u8]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if key.is_empty() {
        out.push("signing with an empty key");
        return out;
    }
    if key.ends_with(b"\n") {
        out.push("it ends with a newline");
    }
    if key.contains(&b'\r') {
        out.push("it holds a CR");
    }
    if key.starts_with(b"\xef\xbb\xbf") {
        out.push("it starts with a byte order mark");
    }
    let ends = [key.first(), key.last()];
    if ends.iter().any(|b| matches!(b, Some(b' ' | b'\t'))) {
        out.push("it has spaces at its ends");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_decode_and_refuse_without_echoing_the_key() {
        assert_eq!(KeyEncoding::Hex.decode(b" 6b6579\n").unwrap(), b"key");
        assert_eq!(KeyEncoding::Base64.decode(b"a2V5").unwrap(), b"key");
        assert_eq!(KeyEncoding::Base64.decode(b"_-8").unwrap(), [0xff, 0xef]);
        assert_eq!(KeyEncoding::Text.decode(b" k\n").unwrap(), b" k\n");
        let e = KeyEncoding::Hex.decode(b"6b6g").unwrap_err();
        assert_eq!(e, "the key is not hex: character 4 is not a hex digit");
        let e = KeyEncoding::Hex.decode(b"6b6").unwrap_err();
        assert_eq!(e, "the key is not hex: 3 digits, an odd number");
        let e = KeyEncoding::Base64.decode(b"a2V5!").unwrap_err();
        assert!(e.starts_with("the key is not base64"), "{e}");
        assert!(!e.contains('!'));
    }

    #[test]
    fn notes_name_what_a_reader_cannot_see() {
        assert_eq!(notes(b""), ["signing with an empty key"]);
        assert_eq!(notes(b"secret\n"), ["it ends with a newline"]);
        assert_eq!(
            notes(b"\xef\xbb\xbfsecret\r\n"),
            [
                "it ends with a newline",
                "it holds a CR",
                "it starts with a byte order mark"
            ]
        );
        assert_eq!(notes(b" secret"), ["it has spaces at its ends"]);
        assert!(notes(b"secret").is_empty());
    }
}

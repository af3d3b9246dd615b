//! Hex and base64, both ways (a leaf: no other module of the core).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Letter case of hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Lower,
    Upper,
}

crate::arg_words!(Case, { "lower" => Case::Lower, "upper" => Case::Upper });

/// Base64 alphabet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    Standard,
    UrlSafe,
}

crate::arg_words!(Alphabet, {
    "standard" => Alphabet::Standard, "url-safe" => Alphabet::UrlSafe,
});

/// Hex text of bytes.
pub fn hex(data: &[u8], case: Case) -> Vec<u8> {
    match case {
        Case::Lower => hex::encode(data).into_bytes(),
        Case::Upper => hex::encode_upper(data).into_bytes(),
    }
}

/// Base64 text of bytes.
pub fn base64(data: &[u8], alphabet: Alphabet, padding: bool) -> Vec<u8> {
    let engine = match (alphabet, padding) {
        (Alphabet::Standard, true) => &STANDARD,
        (Alphabet::Standard, false) => &STANDARD_NO_PAD,
        (Alphabet::UrlSafe, true) => &URL_SAFE,
        (Alphabet::UrlSafe, false) => &URL_SAFE_NO_PAD,
    };
    engine.encode(data).into_bytes()
}

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);

/// Base64 in one alphabet, padded or not; the bits after the last whole byte must be zero
/// (RFC 4648 section 3.5).
pub fn decode_base64(text: &[u8], alphabet: Alphabet) -> Result<Vec<u8>, String> {
    decode_base64_with(text, alphabet, false)
}

/// As [`decode_base64`]; with `trailing_bits`, bits after the last whole byte that are not zero
/// are ignored, as Java's `java.util.Base64` decoders and most libraries do (`QR==` is `A`).
pub fn decode_base64_with(
    text: &[u8],
    alphabet: Alphabet,
    trailing_bits: bool,
) -> Result<Vec<u8>, String> {
    let config = LENIENT.with_decode_allow_trailing_bits(trailing_bits);
    let engine = match alphabet {
        Alphabet::Standard => GeneralPurpose::new(&base64::alphabet::STANDARD, config),
        Alphabet::UrlSafe => GeneralPurpose::new(&base64::alphabet::URL_SAFE, config),
    };
    engine.decode(text).map_err(|e| match e {
        base64::DecodeError::InvalidByte(at, b) => format!(
            "is not base64: {} at character {}",
            if b.is_ascii_graphic() {
                format!("`{}`", b as char)
            } else {
                format!("byte 0x{b:02x}")
            },
            at + 1
        ),
        base64::DecodeError::InvalidLength(n) => {
            format!("is not base64: {n} characters cannot be a base64 text")
        }
        base64::DecodeError::InvalidLastSymbol(at, b) => format!(
            "is not strict base64: `{}` at character {} leaves bits that are not zero (Java's decoders ignore them; a recipe's from_base64 does with lenient = true)",
            b as char,
            at + 1
        ),
        other => format!("is not base64: {other}"),
    })
}

/// Hex text decoded, or why not.
pub fn decode_hex(text: &[u8]) -> Result<Vec<u8>, String> {
    hex::decode(text).map_err(|e| match e {
        hex::FromHexError::InvalidHexCharacter { c, index } => {
            format!("is not hex: `{c}` at character {}", index + 1)
        }
        hex::FromHexError::OddLength => {
            format!("is not hex: {} digits, an odd number", text.len())
        }
        other => format!("is not hex: {other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_and_alphabets() {
        // RFC 4648 section 10.
        assert_eq!(base64(b"foob", Alphabet::Standard, true), b"Zm9vYg==");
        assert_eq!(base64(b"foob", Alphabet::Standard, false), b"Zm9vYg");
        // 0xfb 0xff encodes to characters that differ between the alphabets.
        assert_eq!(base64(&[0xfb, 0xff], Alphabet::Standard, true), b"+/8=");
        assert_eq!(base64(&[0xfb, 0xff], Alphabet::UrlSafe, true), b"-_8=");
        assert_eq!(
            decode_base64(b"Zm9vYg", Alphabet::Standard).unwrap(),
            b"foob"
        );
        assert_eq!(
            decode_base64(b"Zm9v*g==", Alphabet::Standard).unwrap_err(),
            "is not base64: `*` at character 5"
        );
    }
}

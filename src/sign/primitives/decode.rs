//! Decoding: `from_base64 = T` (`alphabet = "standard" | "url-safe"`, padding optional) and
//! `from_hex = T`, each with `strip = "prefix"` (removed first when present, as `whsec_`).

use crate::sign::lower::{Arg, Call, Func};
use std::any::Any;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::{Alphabet, Entry, Out, Primitive, Scope, name_of};
use crate::sign::SignError;
use crate::sign::choice::{Param, Selection};
use crate::sign::template::Template;

pub const FROM_BASE64: Entry = Entry {
    name: "from_base64",
    build: |a| {
        Ok(Arc::new(Decode {
            input: a.main()?,
            strip: a.opt("strip", "")?,
            from: From::Base64(a.opt("alphabet", "standard")?),
        }))
    },
};

pub const FROM_HEX: Entry = Entry {
    name: "from_hex",
    build: |a| {
        Ok(Arc::new(Decode {
            input: a.main()?,
            strip: a.opt("strip", "")?,
            from: From::Hex,
        }))
    },
};

#[derive(Debug)]
enum From {
    Base64(Param<Alphabet>),
    Hex,
}

#[derive(Debug)]
struct Decode {
    input: Param<Template>,
    strip: Param<String>,
    from: From,
}

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);

/// Base64 in one alphabet, padded or not.
pub fn decode_base64(text: &[u8], alphabet: Alphabet) -> Result<Vec<u8>, String> {
    let engine = match alphabet {
        Alphabet::Standard => GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT),
        Alphabet::UrlSafe => GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT),
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
        other => format!("is not base64: {other}"),
    })
}

impl Primitive for Decode {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let input = scope.render(t)?;
        let strip = self.strip.get(sel);
        let text = input
            .bytes
            .strip_prefix(strip.as_bytes())
            .unwrap_or(&input.bytes);
        let after = if strip.is_empty() {
            String::new()
        } else {
            format!(" (after `{strip}`)")
        };
        let decoded = match &self.from {
            From::Base64(alphabet) => decode_base64(text, *alphabet.get(sel)),
            From::Hex => hex::decode(text).map_err(|e| match e {
                hex::FromHexError::InvalidHexCharacter { c, index } => {
                    format!("is not hex: `{c}` at character {}", index + 1)
                }
                hex::FromHexError::OddLength => {
                    format!("is not hex: {} digits, an odd number", text.len())
                }
                other => format!("is not hex: {other}"),
            }),
        };
        decoded.map(Out::from).map_err(|m| SignError::Input {
            input: scope.input_name(t),
            message: format!("{after} {m}").trim_start().to_string(),
        })
    }

    fn describe(&self, sel: &Selection) -> String {
        let strip = self.strip.get(sel);
        let input = if strip.is_empty() {
            name_of(self.input.get(sel))
        } else {
            format!("{} without {strip:?}", name_of(self.input.get(sel)))
        };
        match &self.from {
            From::Base64(a) => format!(
                "bytes of {input}, base64-decoded ({} alphabet)",
                match a.get(sel) {
                    Alphabet::Standard => "standard",
                    Alphabet::UrlSafe => "URL-safe",
                }
            ),
            From::Hex => format!("bytes of {input}, hex-decoded"),
        }
    }

    fn lower(&self, sel: &Selection) -> Call {
        let input = Arg::Bytes(self.input.get(sel).clone());
        let strip = Arg::Text(self.strip.get(sel).clone());
        match &self.from {
            From::Base64(a) => Call::new(
                Func::FromBase64,
                vec![input, strip, Arg::Bool(*a.get(sel) == Alphabet::UrlSafe)],
            ),
            From::Hex => Call::new(Func::FromHex, vec![input, strip]),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

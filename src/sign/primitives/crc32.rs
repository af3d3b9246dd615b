//! `crc32 = T`, `format = "decimal" | "hex"`: the CRC-32 (ISO-HDLC, as zlib computes it) of the
//! bytes, as text: PayPal signs the decimal CRC-32 of the body.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "crc32",
    summary: "the CRC-32 of the bytes (zlib's), as decimal or 8 lower-case hex digits",
    main: ArgSpec::required("crc32", Kind::Template, "the bytes"),
    args: &[ArgSpec::optional(
        "format",
        Kind::Words(Format::WORDS),
        "decimal",
        "how the number is written",
    )],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Crc32 {
            input: a.main()?,
            format: a.get("format")?,
        }))
    },
    vectors: &[
        Vector {
            stage: "crc32 = \"{body}\"",
            key: "",
            body: "123456789",
            expected: Expected::Text("3421780262"),
            source: "the CRC catalogue, CRC-32/ISO-HDLC: check = 0xcbf43926",
        },
        Vector {
            stage: "crc32 = \"{body}\"\nformat = \"hex\"",
            key: "",
            body: "123456789",
            expected: Expected::Text("cbf43926"),
            source: "the CRC catalogue, CRC-32/ISO-HDLC: check = 0xcbf43926",
        },
    ],
    file: file!(),
};

const FUNC: Func = Func::helper("crc32", &["data", "hex"]);

/// How the checksum is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Decimal,
    Hex,
}
crate::arg_words!(Format, { "decimal" => Format::Decimal, "hex" => Format::Hex });

#[derive(Debug)]
struct Crc32 {
    input: Param<Template>,
    format: Param<Format>,
}

impl Primitive for Crc32 {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        let sum = crc32fast::hash(&input.bytes);
        Ok(match self.format.get(sel) {
            Format::Decimal => sum.to_string(),
            Format::Hex => format!("{sum:08x}"),
        }
        .into_bytes()
        .into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "CRC-32 of {}, {}",
            name_of(self.input.get(sel)),
            match self.format.get(sel) {
                Format::Decimal => "decimal",
                Format::Hex => "hex",
            }
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bool(*self.format.get(sel) == Format::Hex),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn zlib_crc32_of_empty_and_a_pangram() {
        // zlib.crc32(b"") == 0 and zlib.crc32(b"The quick brown fox jumps over the lazy dog")
        // == 0x414fa339 (Python's zlib module documents zlib's CRC-32).
        assert_eq!(crc32fast::hash(b""), 0);
        assert_eq!(
            crc32fast::hash(b"The quick brown fox jumps over the lazy dog"),
            0x414f_a339
        );
    }
}

//! Decoding: `from_base64 = T` (`alphabet = "standard" | "url-safe"`, padding optional) and
//! `from_hex = T`, each with `strip = "prefix"` (removed first when present, as `whsec_`).

use std::sync::Arc;

use serde_json::json;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::encoding::{Alphabet, decode_base64_with, decode_hex};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{
    Expected, Mistake, Out, Primitive, Scope, Slip, Spec, Vector, name_of,
};
use crate::sign::template::Template;

const STRIP: ArgSpec = ArgSpec::optional(
    "strip",
    Kind::Text,
    "",
    "a prefix removed first when present (`whsec_`)",
);

pub const FROM_BASE64: Spec = Spec {
    name: "from_base64",
    summary: "the decoded bytes (padding optional); not base64 is an error naming the input and the character",
    main: ArgSpec::required("from_base64", Kind::Template, "base64 text"),
    args: &[
        ArgSpec::optional(
            "alphabet",
            Kind::Words(Alphabet::WORDS),
            "standard",
            "`+/` or `-_`",
        ),
        STRIP,
        ArgSpec::optional(
            "lenient",
            Kind::Bool,
            "false",
            "bits after the last whole byte that are not zero ignored (Java's decoders), not an error",
        ),
    ],
    func: &FROM_BASE64_FUNC,
    build: |a| {
        Ok(Arc::new(Decode {
            input: a.main()?,
            strip: a.get("strip")?,
            from: From::Base64(a.get("alphabet")?, a.get("lenient")?),
        }))
    },
    vectors: &[
        Vector {
            stage: "from_base64 = \"{body}\"",
            key: "",
            body: "Zm9vYmFy",
            expected: Expected::Text("foobar"),
            source: "RFC 4648, section 10",
        },
        Vector {
            stage: "from_base64 = \"{body}\"\nlenient = true",
            key: "",
            body: "Zm9vYh==",
            expected: Expected::Text("foob"),
            source: "RFC 4648, sections 3.5 and 10: Zm9vYg== is foob; a decoder that does not check the pad bits reads Zm9vYh== alike",
        },
    ],
    file: file!(),
};

pub const FROM_HEX: Spec = Spec {
    name: "from_hex",
    summary: "the decoded bytes",
    main: ArgSpec::required("from_hex", Kind::Template, "hex text, either case"),
    args: &[STRIP],
    func: &FROM_HEX_FUNC,
    build: |a| {
        Ok(Arc::new(Decode {
            input: a.main()?,
            strip: a.get("strip")?,
            from: From::Hex,
        }))
    },
    vectors: &[Vector {
        stage: "from_hex = \"{body}\"",
        key: "",
        body: "666F6F626172",
        expected: Expected::Text("foobar"),
        source: "RFC 4648, section 10",
    }],
    file: file!(),
};

const FROM_BASE64_FUNC: Func = Func::helper("from_base64", &["text", "strip", "url_safe"]);
const FROM_HEX_FUNC: Func = Func::helper("from_hex", &["text", "strip"]);

#[derive(Debug)]
enum From {
    Base64(Param<Alphabet>, Param<bool>),
    Hex,
}

#[derive(Debug)]
struct Decode {
    input: Param<Template>,
    strip: Param<String>,
    from: From,
}

impl Primitive for Decode {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let input = scope.render(t)?;
        let strip = self.strip.get(sel);
        let stripped = input.bytes.strip_prefix(strip.as_bytes());
        let text = stripped.unwrap_or(&input.bytes);
        // The prefix is named only when it was there to remove.
        let after = if strip.is_empty() || stripped.is_none() {
            String::new()
        } else {
            format!(" (after `{strip}`)")
        };
        let decoded = match &self.from {
            From::Base64(alphabet, lenient) => {
                decode_base64_with(text, *alphabet.get(sel), *lenient.get(sel))
            }
            From::Hex => decode_hex(text),
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
            From::Base64(a, lenient) => format!(
                "bytes of {input}, base64-decoded ({} alphabet{})",
                match a.get(sel) {
                    Alphabet::Standard => "standard",
                    Alphabet::UrlSafe => "URL-safe",
                },
                if *lenient.get(sel) {
                    ", pad bits ignored"
                } else {
                    ""
                }
            ),
            From::Hex => format!("bytes of {input}, hex-decoded"),
        }
    }

    /// The key text used as it is, not decoded. (A lenient base64 decode is no slip to try: where
    /// the strict one succeeds it gives the same bytes.)
    fn mistakes(&self, _sel: &Selection) -> Vec<Mistake> {
        vec![Mistake {
            slip: Slip {
                data: json!({"kind": "key_not_decoded"}),
                dimension: "key",
                rank: 1,
                sentence: "the signer used the key text as it is, not decoded (a whsec_ or hex secret used as text)".into(),
            },
            prim: Arc::new(super::concat::verbatim(self.input.clone())),
        }]
    }

    fn lenient(&self, sel: &Selection) -> Option<Mistake> {
        let From::Base64(alphabet, lenient) = &self.from else {
            return None;
        };
        if *lenient.get(sel) {
            return None;
        }
        Some(Mistake {
            slip: Slip {
                data: json!({"kind": "base64_lenient", "input": name_of(self.input.get(sel))}),
                dimension: "key",
                rank: 1,
                sentence: format!(
                    "the signer decoded `{}` leniently, ignoring pad bits that are not zero (as Java's Base64 decoders and Apache Commons Codec do); a strict decoder refuses it (a recipe says `lenient = true`)",
                    name_of(self.input.get(sel))
                ),
            },
            prim: Arc::new(Decode {
                input: self.input.clone(),
                strip: self.strip.clone(),
                from: From::Base64(alphabet.clone(), Param::Fixed(true)),
            }),
        })
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let input = Arg::Bytes(self.input.get(sel).clone());
        let strip = Arg::Text(self.strip.get(sel).clone());
        Some(match &self.from {
            // Every language's decoder here ignores pad bits: the snippet is lenient either way.
            From::Base64(a, _) => Call::new(
                &FROM_BASE64_FUNC,
                vec![input, strip, Arg::Bool(*a.get(sel) == Alphabet::UrlSafe)],
            ),
            From::Hex => Call::new(&FROM_HEX_FUNC, vec![input, strip]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_what_is_stripped() {
        let d = Decode {
            input: Param::Fixed(Template::parse("{key}").unwrap()),
            strip: Param::Fixed("whsec_".into()),
            from: From::Base64(Param::Fixed(Alphabet::Standard), Param::Fixed(false)),
        };
        assert_eq!(
            d.describe(&Selection::default()),
            "bytes of key without \"whsec_\", base64-decoded (standard alphabet)"
        );
    }
}

//! The differences diagnose names: each as data for scripts, as a sentence about the other
//! signer, and the part of the signing it is about.

use crate::sign::primitive::Slip;

/// One difference between our signing and theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Variant {
        name: String,
        choice: String,
        ours: String,
    },
    KeyHexDecoded,
    KeyBase64Decoded,
    KeyTrimmed,
    KeyNewline,
    /// A `whsec_`-style key: the text after the prefix, base64-decoded.
    KeyPrefixDecoded(String),
    /// A header of the request that the signer did not sign.
    HeaderLeftOut(String),
    /// The URL with its default port written (`:443`), or without it.
    UrlPort {
        written: bool,
        port: &'static str,
    },
    BodyNewlineAdded,
    BodyNewlineRemoved,
    BodyCrlf,
    BodyLf,
    BodyJson {
        sorted: bool,
        style: JsonStyle,
        ascii: bool,
    },
    UrlPathOnly,
    UrlWithoutQuery,
    UrlWithoutQuestionMark,
    UrlScheme(&'static str),
    /// A slip that a stage of the recipe offered (another hash, the lines joined with CRLF, the
    /// key not decoded, form encoding, the HMAC's arguments swapped, another output encoding).
    Stage(Slip),
}

/// How a body was written again as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStyle {
    /// `,` and `:`.
    Compact,
    /// `, ` and `: ` (Python's default).
    Spaced,
    /// Indented by two or four spaces.
    Pretty(usize),
}

impl Change {
    /// The change as data for scripts: a `kind`, its parameters, and the sentence.
    pub fn data(&self) -> serde_json::Value {
        use serde_json::json;
        let mut v = match self {
            Change::Variant { name, choice, ours } => {
                json!({"kind": "variant", "name": name, "choice": choice, "ours": ours})
            }
            Change::KeyHexDecoded => json!({"kind": "key_hex_decoded"}),
            Change::KeyBase64Decoded => json!({"kind": "key_base64_decoded"}),
            Change::KeyTrimmed => json!({"kind": "key_trimmed"}),
            Change::KeyNewline => json!({"kind": "key_newline"}),
            Change::KeyPrefixDecoded(prefix) => {
                json!({"kind": "key_prefix_decoded", "prefix": prefix})
            }
            Change::HeaderLeftOut(name) => json!({"kind": "header_left_out", "header": name}),
            Change::UrlPort { written, port } => {
                json!({"kind": "url_port", "written": written, "port": port})
            }
            Change::BodyNewlineAdded => json!({"kind": "body_newline_added"}),
            Change::BodyNewlineRemoved => json!({"kind": "body_newline_removed"}),
            Change::BodyCrlf => json!({"kind": "body_crlf"}),
            Change::BodyLf => json!({"kind": "body_lf"}),
            Change::BodyJson {
                sorted,
                style,
                ascii,
            } => json!({
                "kind": "body_json",
                "sorted": sorted,
                "style": match style {
                    JsonStyle::Compact => "compact".to_string(),
                    JsonStyle::Spaced => "spaced".to_string(),
                    JsonStyle::Pretty(n) => format!("pretty-{n}"),
                },
                "ascii": ascii,
            }),
            Change::UrlPathOnly => json!({"kind": "url_path_only"}),
            Change::UrlWithoutQuery => json!({"kind": "url_without_query"}),
            Change::UrlWithoutQuestionMark => json!({"kind": "url_without_question_mark"}),
            Change::UrlScheme(s) => json!({"kind": "url_scheme", "scheme": s}),
            Change::Stage(slip) => slip.data.clone(),
        };
        v["sentence"] = json!(self.sentence());
        v
    }

    /// The change in a plain sentence about the other signer.
    pub fn sentence(&self) -> String {
        match self {
            Change::Variant { name, choice, ours } => {
                format!("the signer used {name}={choice} where you used {name}={ours}")
            }
            Change::KeyHexDecoded => {
                "the signer's key was the hex-decoded bytes of your key text".into()
            }
            Change::KeyBase64Decoded => {
                "the signer's key was the base64-decoded bytes of your key text".into()
            }
            Change::KeyTrimmed => {
                "the signer's key had no surrounding whitespace (yours has some)".into()
            }
            Change::KeyPrefixDecoded(prefix) => format!(
                "the signer's key was the base64-decoded bytes of your key after `{prefix}` (yours is used as text)"
            ),
            Change::HeaderLeftOut(name) => {
                format!("the signer did not sign the header `{name}` (added after signing?)")
            }
            Change::UrlPort {
                written: true,
                port,
            } => {
                format!("the signer's URL had the default port :{port} written")
            }
            Change::UrlPort {
                written: false,
                port,
            } => {
                format!("the signer's URL had no :{port} (a default port)")
            }
            Change::KeyNewline => {
                "the signer's key ended with a newline (a key file written with echo?)".into()
            }
            Change::BodyNewlineAdded => "the signer's body ended with a newline".into(),
            Change::BodyNewlineRemoved => "the signer's body had no trailing newline".into(),
            Change::BodyCrlf => "the signer's body had CRLF line endings".into(),
            Change::BodyLf => "the signer's body had LF line endings (yours has CRLF)".into(),
            Change::BodyJson {
                sorted,
                style,
                ascii,
            } => format!(
                "the signer re-serialized the body as JSON: {}, {}, {}",
                match style {
                    JsonStyle::Compact => "compact".to_string(),
                    JsonStyle::Spaced =>
                        "with spaces after `,` and `:` (Python's json.dumps default)".to_string(),
                    JsonStyle::Pretty(n) => format!("pretty-printed with {n}-space indents"),
                },
                if *sorted {
                    "keys sorted"
                } else {
                    "keys in their order"
                },
                if *ascii {
                    "non-ASCII escaped as \\uXXXX"
                } else {
                    "non-ASCII as UTF-8"
                },
            ),
            Change::UrlPathOnly => "the signer signed only the path and query of the URL".into(),
            Change::UrlWithoutQuery => "the signer signed the URL without its query".into(),
            Change::UrlWithoutQuestionMark => {
                "the signer signed the URL without the `?` before the query".into()
            }
            Change::UrlScheme(s) => format!("the signer's URL began with {s}://"),
            Change::Stage(slip) => slip.sentence.clone(),
        }
    }

    /// Which part of the signing the change is about (two changes of one part do not combine).
    pub(super) fn dimension(&self) -> String {
        match self {
            Change::Variant { name, .. } => format!("variant {name}"),
            Change::KeyHexDecoded
            | Change::KeyBase64Decoded
            | Change::KeyTrimmed
            | Change::KeyNewline
            | Change::KeyPrefixDecoded(_) => "key".into(),
            Change::HeaderLeftOut(_) => "headers".into(),
            Change::BodyNewlineAdded
            | Change::BodyNewlineRemoved
            | Change::BodyCrlf
            | Change::BodyLf
            | Change::BodyJson { .. } => "body".into(),
            Change::UrlPathOnly
            | Change::UrlWithoutQuery
            | Change::UrlWithoutQuestionMark
            | Change::UrlScheme(_)
            | Change::UrlPort { .. } => "url".into(),
            Change::Stage(slip) => slip.dimension.into(),
        }
    }
}

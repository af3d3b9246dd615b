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
    /// The key with a CRLF after it (a key file saved on Windows).
    KeyCrlf,
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
        /// `/` as `\/` (PHP).
        slashes: bool,
        /// `<`, `>`, `&` as `\u003c`… (Go, Gson).
        html: bool,
        /// The stack that writes it so (empty: none in particular).
        stack: &'static str,
        /// A final newline added (true) or dropped (false) as well.
        newline: Option<bool>,
    },
    /// The form written again by a stack's URL encoder.
    BodyForm(&'static str),
    /// The form's pairs signed decoded (`k=v&…` as the values read).
    BodyFormDecoded,
    /// The query's parameters merged into the form's (Flask's `request.values`).
    BodyQueryMerged,
    /// A UTF-8 byte order mark added (true) or removed (false).
    BodyBom(bool),
    /// UTF-8 read as Latin-1 or windows-1252 and written again (or that undone).
    BodyMojibake {
        cp1252: bool,
        undone: bool,
    },
    /// Every CR and LF removed (`curl -d @file`).
    BodyLineEndsStripped,
    /// The signer signed the file whose line ends `curl -d @file` stripped from what was sent.
    BodyLineEndsRestored {
        crlf: bool,
    },
    /// Whitespace runs collapsed by an unquoted shell variable (`echo $body` joins with a space
    /// and adds a newline; `printf %s $body` joins with nothing).
    BodyCollapsed {
        echo: bool,
    },
    /// The URL with a trailing `/` added (true) or dropped.
    UrlTrailingSlash(bool),
    UrlQuerySorted,
    /// The URL's query written again by a stack's URL encoder.
    UrlQueryEncoded(&'static str),
    /// Another host signed (a proxy's or the app's own).
    UrlHost(String),
    /// Two fields' values swapped.
    FieldsSwapped(String, String),
    /// A field rendered as a literal (`undefined`, `null`, `None`, empty).
    FieldLiteral {
        name: String,
        value: &'static str,
    },
    /// A time in milliseconds where seconds are signed (true), or the reverse.
    FieldMillis {
        name: String,
        millis: bool,
    },
    /// A header's value with a parameter added or dropped (`; charset=utf-8`).
    HeaderValue {
        header: String,
        value: String,
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
    /// Indented by a tab.
    Tab,
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
            Change::KeyCrlf => json!({"kind": "key_crlf"}),
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
                slashes,
                html,
                stack,
                newline,
            } => json!({
                "kind": "body_json",
                "sorted": sorted,
                "style": match style {
                    JsonStyle::Compact => "compact".to_string(),
                    JsonStyle::Spaced => "spaced".to_string(),
                    JsonStyle::Pretty(n) => format!("pretty-{n}"),
                    JsonStyle::Tab => "pretty-tab".to_string(),
                },
                "ascii": ascii,
                "escaped_slashes": slashes,
                "escaped_html": html,
                "stack": (!stack.is_empty()).then_some(*stack),
                "final_newline": newline,
            }),
            Change::BodyForm(stack) => json!({"kind": "body_form", "stack": stack}),
            Change::BodyFormDecoded => json!({"kind": "body_form_decoded"}),
            Change::BodyQueryMerged => {
                json!({"kind": "body_query_merged", "stack": "Flask's request.values"})
            }
            Change::BodyBom(added) => json!({"kind": "body_bom", "added": added}),
            Change::BodyMojibake { cp1252, undone } => json!({
                "kind": "body_mojibake",
                "charset": if *cp1252 { "windows-1252" } else { "latin-1" },
                "undone": undone,
            }),
            Change::BodyLineEndsStripped => {
                json!({"kind": "body_line_ends_stripped", "stack": "curl -d @file"})
            }
            Change::BodyLineEndsRestored { crlf } => json!({
                "kind": "body_line_ends_restored",
                "stack": "curl -d @file",
                "line_end": if *crlf { "crlf" } else { "lf" },
            }),
            Change::BodyCollapsed { echo } => json!({
                "kind": "body_whitespace_collapsed",
                "stack": if *echo { "echo $body" } else { "printf %s $body" },
            }),
            Change::UrlTrailingSlash(added) => {
                json!({"kind": "url_trailing_slash", "added": added})
            }
            Change::UrlQuerySorted => json!({"kind": "url_query_sorted"}),
            Change::UrlQueryEncoded(stack) => {
                json!({"kind": "url_query_encoded", "stack": stack})
            }
            Change::UrlHost(host) => json!({"kind": "url_host", "host": host}),
            Change::FieldsSwapped(a, b) => {
                json!({"kind": "fields_swapped", "fields": [a, b]})
            }
            Change::FieldLiteral { name, value } => {
                json!({"kind": "field_literal", "field": name, "value": value})
            }
            Change::FieldMillis { name, millis } => {
                json!({"kind": "field_time_unit", "field": name, "millis": millis})
            }
            Change::HeaderValue { header, value } => {
                json!({"kind": "header_value", "header": header, "value": value})
            }
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
            Change::KeyCrlf => {
                "the signer's key ended with CRLF (a key file saved on Windows, read whole)".into()
            }
            Change::BodyNewlineAdded => "the signer's body ended with a newline".into(),
            Change::BodyNewlineRemoved => "the signer's body had no trailing newline".into(),
            Change::BodyCrlf => "the signer's body had CRLF line endings".into(),
            Change::BodyLf => "the signer's body had LF line endings (yours has CRLF)".into(),
            Change::BodyJson {
                sorted,
                style,
                ascii,
                slashes,
                html,
                stack,
                newline,
            } => format!(
                "the signer re-serialized the body as JSON: {}, {}, {}{}{}{}{}",
                match style {
                    JsonStyle::Compact => "compact".to_string(),
                    JsonStyle::Spaced =>
                        "with spaces after `,` and `:` (Python's json.dumps default)".to_string(),
                    JsonStyle::Pretty(n) => format!("pretty-printed with {n}-space indents"),
                    JsonStyle::Tab => "pretty-printed with tab indents".to_string(),
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
                if *slashes { ", `/` escaped as `\\/`" } else { "" },
                if *html {
                    ", `<`, `>` and `&` as `\\u003c`, `\\u003e`, `\\u0026`"
                } else {
                    ""
                },
                match newline {
                    Some(true) => ", and a final newline added (print, echo, jq)",
                    Some(false) => ", and no final newline",
                    None => "",
                },
                if stack.is_empty() {
                    String::new()
                } else {
                    format!(" ({stack} writes it so)")
                },
            ),
            Change::BodyForm(stack) => {
                format!("the signer's form body was written again by {stack}")
            }
            Change::BodyFormDecoded => {
                "the signer signed the form's pairs decoded (k=v&… as the values read, not as sent)".into()
            }
            Change::BodyQueryMerged => "the signer's parameters had the query's merged in (Flask's request.values, PHP's $_REQUEST)".into(),
            Change::BodyBom(true) => {
                "the signer's body began with a UTF-8 byte order mark (EF BB BF; a file saved by a Windows editor)".into()
            }
            Change::BodyBom(false) => {
                "the signer's body had no UTF-8 byte order mark (yours begins with EF BB BF)".into()
            }
            Change::BodyMojibake { cp1252, undone: false } => format!(
                "the signer read the body's UTF-8 bytes as {} and encoded them again (é became Ã©)",
                if *cp1252 { "windows-1252" } else { "Latin-1" }
            ),
            Change::BodyMojibake { cp1252, undone: true } => format!(
                "the signer's body was your text decoded once more from {} (yours is double-encoded: Ã© where they had é)",
                if *cp1252 { "windows-1252" } else { "Latin-1" }
            ),
            Change::BodyLineEndsStripped => {
                "the signer's body had every CR and LF removed (curl -d @file strips them; --data-binary keeps them)".into()
            }
            Change::BodyLineEndsRestored { crlf } => format!(
                "the signer signed the file with its {} line ends, and every CR and LF was removed from what was sent (curl -d @file strips them; --data-binary keeps them)",
                if *crlf { "CRLF" } else { "LF" }
            ),
            Change::BodyCollapsed { echo: true } => {
                "the signer's body had its whitespace collapsed to single spaces and a newline added (an unquoted $body in a shell: echo $body)".into()
            }
            Change::BodyCollapsed { echo: false } => {
                "the signer's body had its whitespace removed between words (an unquoted $body in a shell: printf %s $body)".into()
            }
            Change::UrlTrailingSlash(true) => "the signer's URL path ended with a `/`".into(),
            Change::UrlTrailingSlash(false) => {
                "the signer's URL path had no trailing `/`".into()
            }
            Change::UrlQuerySorted => {
                "the signer's URL had its query parameters sorted".into()
            }
            Change::UrlQueryEncoded(stack) => {
                format!("the signer's URL query was written again by {stack}")
            }
            Change::UrlHost(host) => format!(
                "the signer signed the URL with the host {host} (the app's own address behind a proxy or tunnel, not the public one)"
            ),
            Change::FieldsSwapped(a, b) => {
                format!("the signer swapped the values of {a} and {b}")
            }
            Change::FieldLiteral { name, value: "" } => {
                format!("the signer signed {name} empty (a missing value)")
            }
            Change::FieldLiteral { name, value } => format!(
                "the signer signed {name} as the text `{value}` (a missing value rendered by a template)"
            ),
            Change::FieldMillis { name, millis: true } => format!(
                "the signer signed {name} in milliseconds (Date.now()) where seconds are signed"
            ),
            Change::FieldMillis { name, millis: false } => {
                format!("the signer signed {name} in seconds where milliseconds are signed")
            }
            Change::HeaderValue { header, value } => {
                format!("the signer signed the header `{header}` as `{value}`")
            }
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
    pub fn dimension(&self) -> String {
        match self {
            Change::Variant { name, .. } => format!("variant {name}"),
            Change::KeyHexDecoded
            | Change::KeyBase64Decoded
            | Change::KeyTrimmed
            | Change::KeyNewline
            | Change::KeyCrlf
            | Change::KeyPrefixDecoded(_) => "key".into(),
            Change::HeaderLeftOut(_) => "headers".into(),
            Change::BodyNewlineAdded
            | Change::BodyNewlineRemoved
            | Change::BodyCrlf
            | Change::BodyLf
            | Change::BodyJson { .. }
            | Change::BodyForm(_)
            | Change::BodyFormDecoded
            | Change::BodyQueryMerged
            | Change::BodyBom(_)
            | Change::BodyMojibake { .. }
            | Change::BodyLineEndsStripped
            | Change::BodyLineEndsRestored { .. }
            | Change::BodyCollapsed { .. } => "body".into(),
            Change::FieldsSwapped(..)
            | Change::FieldLiteral { .. }
            | Change::FieldMillis { .. } => "fields".into(),
            Change::HeaderValue { .. } => "headers".into(),
            Change::UrlPathOnly
            | Change::UrlWithoutQuery
            | Change::UrlWithoutQuestionMark
            | Change::UrlScheme(_)
            | Change::UrlPort { .. }
            | Change::UrlTrailingSlash(_)
            | Change::UrlQuerySorted
            | Change::UrlQueryEncoded(_)
            | Change::UrlHost(_) => "url".into(),
            Change::Stage(slip) => slip.dimension.into(),
        }
    }
}

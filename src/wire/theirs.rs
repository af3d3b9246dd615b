//! The server's own strings: what an answer says it signed (AWS's `SignatureDoesNotMatch`, in
//! its JSON, XML and S3 forms), or what a user pasted as "their canonical string", compared
//! with our stages line by line and byte by byte.

use crate::diagnose;
use crate::sign::{Stage, Trace};

/// A string the server says it signed, and which of our stages it stands beside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theirs {
    /// `canonical_request` or `canonical` (the string to sign).
    pub stage: &'static str,
    pub bytes: Vec<u8>,
    /// Where it was read from, for the report ("S3's <CanonicalRequestBytes>").
    pub source: &'static str,
}

/// What an error answer says the server signed: S3's XML elements (the exact bytes when it gives
/// them), else the "should have been" sentences of other AWS services, in JSON or XML.
pub fn from_response(body: &[u8]) -> Vec<Theirs> {
    let text = String::from_utf8_lossy(body);
    let mut found = Vec::new();
    for (stage, tag) in [
        ("canonical_request", "CanonicalRequest"),
        ("canonical", "StringToSign"),
    ] {
        if let Some(bytes) = element(&text, &format!("{tag}Bytes")).and_then(|b| hex_bytes(&b)) {
            found.push(Theirs {
                stage,
                bytes,
                source: if stage == "canonical" {
                    "<StringToSignBytes>"
                } else {
                    "<CanonicalRequestBytes>"
                },
            });
        } else if let Some(t) = element(&text, tag) {
            found.push(Theirs {
                stage,
                bytes: unescape_xml(&t).into_bytes(),
                source: if stage == "canonical" {
                    "<StringToSign>"
                } else {
                    "<CanonicalRequest>"
                },
            });
        }
    }
    if !found.is_empty() {
        return found;
    }
    // The message of other services: in a JSON member, an XML <Message>, or plain.
    let mut messages: Vec<String> = Vec::new();
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        collect_strings(&value, &mut messages);
    }
    if let Some(m) = element(&text, "Message") {
        messages.push(unescape_xml(&m));
    }
    messages.push(text.into_owned());
    for m in &messages {
        let canonical = quoted_after(m, "The Canonical String for this request should have been");
        let to_sign = quoted_after(m, "The String-to-Sign should have been");
        if canonical.is_some() || to_sign.is_some() {
            if let Some(c) = canonical {
                found.push(Theirs {
                    stage: "canonical_request",
                    bytes: c.into_bytes(),
                    source: "the answer's \"Canonical String … should have been\"",
                });
            }
            if let Some(s) = to_sign {
                found.push(Theirs {
                    stage: "canonical",
                    bytes: s.into_bytes(),
                    source: "the answer's \"String-to-Sign should have been\"",
                });
            }
            break;
        }
    }
    found
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// The text between `'` after a phrase: `… should have been\n'TEXT'` (TEXT may hold quotes; it
/// ends at the last quote before the next sentence or the end).
fn quoted_after(message: &str, phrase: &str) -> Option<String> {
    let at = message.find(phrase)? + phrase.len();
    let rest = message[at..].trim_start_matches([' ', '\r', '\n', ':']);
    let rest = rest.strip_prefix('\'')?;
    let end = [
        "\n\nThe String-to-Sign",
        "\n\nThe canonical",
        "\n\nThe Canonical",
    ]
    .iter()
    .filter_map(|s| rest.find(s))
    .min()
    .unwrap_or(rest.len());
    let inner = rest[..end].trim_end();
    let close = inner.rfind('\'')?;
    Some(inner[..close].to_string())
}

/// The text of the first `<tag>…</tag>`.
fn element(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&close)? + start;
    Some(text[start..end].to_string())
}

/// S3's `<…Bytes>`: two-digit hex numbers separated by spaces.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    text.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).ok())
        .collect()
}

fn unescape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Which of our stages a pasted string stands beside: the string to sign when it shares more
/// of its beginning with ours, else the canonical request (for schemes that have one).
pub fn pasted(trace: &Trace, bytes: Vec<u8>) -> Theirs {
    let common = |s: Option<&Stage>| {
        s.map_or(0, |s| {
            s.bytes
                .iter()
                .zip(&bytes)
                .take_while(|(a, b)| a == b)
                .count()
        })
    };
    let stage = match trace.stage("canonical_request") {
        Some(_) if common(trace.stage("canonical_request")) >= common(trace.stage("canonical")) => {
            "canonical_request"
        }
        _ => "canonical",
    };
    Theirs {
        stage,
        bytes,
        source: "the pasted string",
    }
}

/// The comparison, in lines: same, or the first differing line and byte with both sides shown
/// (invisible bytes marked, the key masked).
pub fn compare(trace: &Trace, theirs: &Theirs) -> Vec<String> {
    let Some(ours) = trace.stage(theirs.stage) else {
        return vec![format!(
            "{}: this scheme has no stage named `{}` to compare with",
            theirs.source, theirs.stage
        )];
    };
    let what = if theirs.stage == "canonical" {
        "string to sign (canonical)"
    } else {
        "canonical request (canonical_request)"
    };
    let theirs_stage = Stage {
        name: ours.name.clone(),
        how: String::new(),
        bytes: theirs.bytes.clone(),
        secret: Vec::new(),
        streamed: None,
        raw: false,
    };
    let Some(diff) = diagnose::byte_diff(ours, &theirs_stage) else {
        return vec![format!(
            "The server's {what}, from {}, is the same as ours ({} bytes).",
            theirs.source,
            ours.bytes.len()
        )];
    };
    let at = ours
        .bytes
        .iter()
        .zip(&theirs.bytes)
        .take_while(|(a, b)| a == b)
        .count();
    let line = ours.bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let line_text = |bytes: &[u8]| -> String {
        let start = bytes[..at.min(bytes.len())]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| start + p);
        crate::sign::visible::printable(&String::from_utf8_lossy(&bytes[start..end])).into_owned()
    };
    let mut lines = vec![format!(
        "The server's {what}, from {}, differs from ours at line {line}, byte {at}:",
        theirs.source
    )];
    lines.push(format!("  yours, line {line}:  {}", line_text(&ours.bytes)));
    lines.push(format!(
        "  theirs, line {line}: {}",
        line_text(&theirs.bytes)
    ));
    lines.extend(diff.into_iter().map(|l| format!("  {l}")));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_json_message() {
        // The shape of an AWS JSON-protocol error (the message's text as AWS writes it).
        let body = br#"{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nabc'\n"}"#;
        let found = from_response(body);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].stage, "canonical_request");
        assert!(found[0].bytes.starts_with(b"POST\n/\n\nhost:"));
        assert!(found[0].bytes.ends_with(b"caaff8a"));
        assert_eq!(found[1].stage, "canonical");
        assert!(found[1].bytes.ends_with(b"aws4_request\nabc"));
    }

    #[test]
    fn s3_xml_prefers_the_exact_bytes() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256\nX</StringToSign><StringToSignBytes>41 57 53 0a 59</StringToSignBytes><CanonicalRequest>GET\n/a&amp;b</CanonicalRequest></Error>";
        let found = from_response(body);
        assert_eq!(found[0].stage, "canonical_request");
        assert_eq!(found[0].bytes, b"GET\n/a&b");
        assert_eq!(found[1].stage, "canonical");
        assert_eq!(found[1].bytes, b"AWS\nY");
    }

    #[test]
    fn nothing_in_other_answers() {
        assert!(from_response(b"{\"ok\":true}").is_empty());
        assert!(from_response(b"\xff\xfe").is_empty());
    }
}

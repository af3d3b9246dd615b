//! Text of the wire made safe to show: the key masked wherever it appears, control characters
//! escaped, JSON bodies indented.

use crate::sign::visible;

/// Text with the key's bytes, wherever they appear, shown as the mask (keys under 4 bytes are
/// left alone: they would mask ordinary text).
pub fn mask_key(text: &str, key: &[u8]) -> String {
    match std::str::from_utf8(key) {
        Ok(k) if k.len() >= 4 => text.replace(k, visible::MASK),
        _ => text.to_string(),
    }
}

/// A head's lines made safe to print, each after a prefix (`> `, `< `).
pub fn head_lines(head: &[u8], prefix: &str, key: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(head)
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| format!("{prefix}{}", visible::printable(&mask_key(l, key))))
        .collect()
}

/// An answer's body as lines: indented JSON when it is a JSON object or array, its text when
/// it is UTF-8, else its size.
pub fn body_lines(body: &[u8], key: &[u8]) -> Vec<String> {
    if body.is_empty() {
        return Vec::new();
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
        && (v.is_object() || v.is_array())
        && let Ok(pretty) = serde_json::to_string_pretty(&v)
    {
        return pretty
            .lines()
            .map(|l| visible::printable(&mask_key(l, key)).into_owned())
            .collect();
    }
    match std::str::from_utf8(body) {
        Ok(t) => t
            .lines()
            .map(|l| visible::printable(&mask_key(l, key)).into_owned())
            .collect(),
        Err(_) => vec![format!("({} bytes, not UTF-8)", body.len())],
    }
}

/// A duration as milliseconds with one decimal.
pub fn millis(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_masked_and_escapes_are_not_passed_on() {
        assert_eq!(mask_key("a secret1 b", b"secret1"), "a ‹key› b");
        assert_eq!(mask_key("a ab b", b"ab"), "a ab b");
        assert_eq!(
            head_lines(b"HTTP/1.1 200 OK\r\nX: \x1b[2J\r\n\r\n", "< ", b""),
            ["< HTTP/1.1 200 OK", "< X: \\x1b[2J"]
        );
        assert_eq!(body_lines(b"{\"a\":1}", b""), ["{", "  \"a\": 1", "}"]);
    }
}

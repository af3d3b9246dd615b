//! A form or query written again by each common URL encoder.
/// A URL encoder of form values and query strings, as a stack configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormEncoder {
    pub stack: &'static str,
    /// Bytes written as they are (besides ASCII letters and digits).
    pub safe: &'static str,
    /// A space as `+` (else `%20`).
    pub plus: bool,
    /// Pairs sorted by name.
    pub sorted: bool,
    /// PHP's `$_POST`: a repeated name keeps its last value, at its first place.
    pub php_post: bool,
}

/// The URL encoders, the commonest first.
pub const FORM_ENCODERS: &[FormEncoder] = &[
    FormEncoder {
        stack: "Python's urllib.parse.urlencode (quote_plus)",
        safe: "_.-~",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "JavaScript's URLSearchParams (also Java's URLEncoder)",
        safe: "*-._",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "PHP's http_build_query($_POST) (a repeated name keeps its last value)",
        safe: "-_.",
        plus: true,
        sorted: false,
        php_post: true,
    },
    FormEncoder {
        stack: "PHP's http_build_query (urlencode)",
        safe: "-_.",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "Go's url.Values.Encode (sorted by name, spaces as +)",
        safe: "-_.~",
        plus: true,
        sorted: true,
        php_post: false,
    },
    FormEncoder {
        stack: "Java's URLEncoder.encode (spaces as +, * kept, ~ as %7E)",
        safe: ".-*_",
        plus: true,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "PHP's rawurlencode or Python's urlencode(quote_via=quote) (RFC 3986, spaces as %20)",
        safe: "-_.~",
        plus: false,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "Python's urlencode(quote_via=quote) (RFC 3986 and / kept)",
        safe: "_.-~/",
        plus: false,
        sorted: false,
        php_post: false,
    },
    FormEncoder {
        stack: "JavaScript's encodeURIComponent (!'()* kept, spaces as %20)",
        safe: "-_.!~*'()",
        plus: false,
        sorted: false,
        php_post: false,
    },
];

/// One value written by an encoder.
pub fn form_escape(bytes: &[u8], e: &FormEncoder) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || e.safe.as_bytes().contains(&b) {
            out.push(b as char);
        } else if b == b' ' && e.plus {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decoded pairs written again by an encoder.
pub fn form_encode(pairs: &[(Vec<u8>, Vec<u8>)], e: &FormEncoder) -> Vec<u8> {
    let mut pairs = pairs.to_vec();
    if e.php_post {
        let mut kept: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for (k, v) in pairs {
            match kept.iter_mut().find(|(n, _)| *n == k) {
                Some(slot) => slot.1 = v,
                None => kept.push((k, v)),
            }
        }
        pairs = kept;
    }
    if e.sorted {
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form_escape(k, e), form_escape(v, e)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

//! Request parameters (`k=v&…` or a JSON object) and URL parts: reading, decoding and the
//! canonical `k=v&…` form (uses only [`super::json`]).

use super::json::{JsonError, object_members};

/// A part of a URL, taken verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPart {
    Full,
    Path,
    Query,
    /// `?` and the query, or nothing when there is no query (JavaScript's `url.search`).
    Search,
    PathAndQuery,
    /// Scheme and host.
    Origin,
    Host,
    /// Scheme, host and path: the URL without its query and fragment.
    WithoutQuery,
}

/// Request parameters as (name, value) byte pairs, in their order.
pub type ParamList = Vec<(Vec<u8>, Vec<u8>)>;

/// Options of a parameter-list canonical form.
#[derive(Debug, Clone, Copy)]
pub struct ParamsForm<'a> {
    pub sort: bool,
    pub decode: bool,
    pub omit: &'a [String],
}

/// Reads request parameters from `k=v&k=v` text or from a JSON object, in their order.
/// Returns (name, value) byte pairs; values are URL-decoded when `decode` is set.
pub fn parse_params(text: &[u8], decode: bool) -> Result<ParamList, JsonError> {
    let trimmed = text.trim_ascii_start();
    if trimmed.first() == Some(&b'{') {
        let Some(members) = object_members(text)? else {
            return Err(JsonError {
                line: 1,
                column: 1,
                message: "expected a JSON object of parameters".to_string(),
            });
        };
        return Ok(members
            .into_iter()
            .map(|(k, v)| {
                let v = if decode { url_decode(&v) } else { v };
                (k.into_bytes(), v)
            })
            .collect());
    }
    Ok(text
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            if decode {
                (url_decode(k), url_decode(v))
            } else {
                (k.to_vec(), v.to_vec())
            }
        })
        .collect())
}

/// The canonical `k=v&k=v` form: omitted names dropped, the first of a repeated name kept,
/// sorted by name (byte order) when asked.
pub fn params_canonical(params: &[(Vec<u8>, Vec<u8>)], form: &ParamsForm) -> Vec<u8> {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&(Vec<u8>, Vec<u8>)> = params
        .iter()
        .filter(|p| !form.omit.iter().any(|o| o.as_bytes() == p.0.as_slice()))
        .filter(|p| seen.insert(p.0.as_slice()))
        .collect();
    if form.sort {
        kept.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let mut out = Vec::new();
    for (i, (k, v)) in kept.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

/// Decodes `%XX` and `+` (as a space); a `%` not followed by two hex digits stays as it is.
pub fn url_decode(text: &[u8]) -> Vec<u8> {
    percent_decode(text, true)
}

/// Decodes `%XX`, and `+` as a space when `plus_is_space` (form encoding) or as itself (RFC 3986);
/// a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(text: &[u8], plus_is_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < text.len() => match (hex_digit(text[i + 1]), hex_digit(text[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// A part of a URL (or of a path with a query), taken verbatim.
pub fn url_part(url: &[u8], part: UrlPart) -> Vec<u8> {
    let (origin, rest) = split_origin(url);
    let rest = match rest.iter().position(|&b| b == b'#') {
        Some(i) => &rest[..i],
        None => rest,
    };
    let (path, query) = match rest.iter().position(|&b| b == b'?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    match part {
        UrlPart::Full => url.to_vec(),
        UrlPart::Path => path.to_vec(),
        UrlPart::Query => query.unwrap_or_default().to_vec(),
        UrlPart::Search => match query {
            Some(q) if !q.is_empty() => [b"?", q].concat(),
            _ => Vec::new(),
        },
        UrlPart::PathAndQuery => rest.to_vec(),
        UrlPart::WithoutQuery => [origin, path].concat(),
        UrlPart::Origin => origin.to_vec(),
        UrlPart::Host => {
            let after = origin
                .windows(3)
                .position(|w| w == b"://")
                .map_or(origin, |i| &origin[i + 3..]);
            after.to_vec()
        }
    }
}

/// Splits `scheme://host[:port]` from the rest (path, query, fragment).
fn split_origin(url: &[u8]) -> (&[u8], &[u8]) {
    let Some(i) = url.windows(3).position(|w| w == b"://") else {
        return (&url[..0], url);
    };
    let after = i + 3;
    let end = url[after..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(url.len(), |j| after + j);
    (&url[..end], &url[end..])
}

crate::arg_words!(UrlPart, {
    "full" => UrlPart::Full, "path" => UrlPart::Path, "query" => UrlPart::Query,
    "search" => UrlPart::Search, "path-and-query" => UrlPart::PathAndQuery,
    "origin" => UrlPart::Origin, "host" => UrlPart::Host, "without-query" => UrlPart::WithoutQuery,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_named_like_a_number_is_refused() {
        // serde_json (arbitrary_precision) would read this object as the number "hello world".
        let text = r#"{"$serde_json::private::Number":"hello world"}"#;
        let e = parse_params(text.as_bytes(), true).unwrap_err();
        assert!(e.message.contains("reserves for numbers"), "{e:?}");
    }
    #[test]
    fn json_parameters_keep_numbers_as_written() {
        // A member that is not a string is its compact JSON, numbers exactly as written (serde_json
        // alone would write 1E+2 as 1e+2); a repeated name keeps its place and takes the last value.
        let params = parse_params(br#"{"b":[1E+2,2.50],"a":null,"b":{"x":-0.0}}"#, false).unwrap();
        assert_eq!(
            params,
            vec![
                (b"b".to_vec(), br#"{"x":-0.0}"#.to_vec()),
                (b"a".to_vec(), b"".to_vec())
            ]
        );
        let params = parse_params(br#"{"n":[1E+2]}"#, false).unwrap();
        assert_eq!(params, vec![(b"n".to_vec(), b"[1E+2]".to_vec())]);
    }

    #[test]
    fn params_decoded_sorted_first_wins() {
        let p = parse_params(b"b=2&a=x%2By+z&b=3&authToken=t&c", true).unwrap();
        let form = ParamsForm {
            sort: true,
            decode: true,
            omit: &["authToken".to_string()],
        };
        assert_eq!(params_canonical(&p, &form), b"a=x+y z&b=2&c=");
    }

    #[test]
    fn params_from_json_object() {
        let p = parse_params(br#"{"p2": "2", "p1": 1, "timeStamp": "x%40y"}"#, true).unwrap();
        let form = ParamsForm {
            sort: true,
            decode: true,
            omit: &[],
        };
        assert_eq!(params_canonical(&p, &form), b"p1=1&p2=2&timeStamp=x@y");
    }

    #[test]
    fn url_decode_keeps_bad_escapes() {
        assert_eq!(url_decode(b"%41%4"), b"A%4");
        assert_eq!(url_decode(b"%zz%"), b"%zz%");
    }

    #[test]
    fn url_parts_verbatim() {
        let u = b"https://example.com:8443/v2/a%20b?x=1&y=%41#frag";
        assert_eq!(url_part(u, UrlPart::Path), b"/v2/a%20b");
        assert_eq!(url_part(u, UrlPart::Query), b"x=1&y=%41");
        assert_eq!(url_part(u, UrlPart::Search), b"?x=1&y=%41");
        assert_eq!(url_part(u, UrlPart::PathAndQuery), b"/v2/a%20b?x=1&y=%41");
        assert_eq!(url_part(u, UrlPart::Origin), b"https://example.com:8443");
        assert_eq!(url_part(u, UrlPart::Host), b"example.com:8443");
        assert_eq!(url_part(b"/p", UrlPart::Search), b"");
        assert_eq!(url_part(b"/p?", UrlPart::Search), b"");
        assert_eq!(url_part(b"/p?q", UrlPart::Path), b"/p");
    }
}

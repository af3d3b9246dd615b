//! A customer's request sent again as it was: its method, URL, header list and body kept, and
//! only what the scheme places (the signature, a timestamp it carries) or the user adds (`-H`)
//! changed. Without changes, raw HTTP is written back byte for byte.

use percent_encoding::percent_decode_str;

use super::export::{self, ExportError, Request};
use super::message::Imported;
use super::written;
use crate::sign::Placement;

/// A request as it was imported, the base of every way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    pub method: String,
    pub url: String,
    /// The header lines as read: names as written, order and repeats kept.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The bytes read, when they were raw HTTP: written back when nothing changed.
    pub raw: Option<Vec<u8>>,
}

impl Base {
    /// The base of an imported request; `raw` is the input when it was raw HTTP.
    pub fn new(imported: &Imported, raw: Option<Vec<u8>>) -> Base {
        Base {
            method: imported.method.clone(),
            url: imported.url.clone(),
            headers: imported.headers.clone(),
            body: imported.body.clone(),
            raw,
        }
    }

    fn request(&self) -> Request {
        Request {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }
}

/// How a signed trace becomes the request that goes out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Replay<'a> {
    /// The imported request, if any.
    pub base: Option<&'a Base>,
    /// The scheme's method field decides the method (else the base's stays).
    pub method_from_trace: bool,
    /// The user set the URL (`--set url=`): the trace's URL replaces the base's.
    pub url_from_trace: bool,
    /// Header lines added (`-H`): each replaces the first of its name, or is appended.
    pub extra: &'a [(String, String)],
    /// The signed body was taken out of a carrier (a Gemini payload header, a JWT): the HTTP
    /// body goes out as the request had it.
    pub body_from_base: bool,
    /// Headers the scheme places with a fixed value (a Content-Type): added to a request of
    /// our own, but not to an imported one, which keeps its own or goes without.
    pub constant: &'a [String],
    /// The headers the scheme's import reads a signature from (each version's): when the
    /// signature placed changes, those it does not place no longer hold and go.
    pub carriers: &'a [String],
    /// The signature the request carried is the one made, from the request's own values: what
    /// the request went without (a header, a query parameter, an auth header's parameter) is
    /// not added to it, and a signature it carries under another of its headers (a second
    /// key's) stays there.
    pub holds: bool,
    /// The query parameters the scheme's import reads a signature from (a presigned URL's
    /// X-Amz-Signature).
    pub carrier_params: &'a [String],
    /// The signature made, as text.
    pub signature: Option<&'a str>,
}

/// The headers a recipe's import reads a signature from.
pub fn signature_headers(recipe: &crate::sign::Recipe) -> Vec<String> {
    recipe
        .import
        .signature
        .iter()
        .filter_map(|s| s.from.strip_prefix("header:"))
        .filter(|name| !name.contains('{'))
        .map(str::to_string)
        .collect()
}

/// The query parameters a recipe's import reads a signature from.
pub fn signature_params(recipe: &crate::sign::Recipe) -> Vec<String> {
    recipe
        .import
        .signature
        .iter()
        .filter_map(|s| s.from.strip_prefix("query:"))
        .filter(|name| !name.contains('{'))
        .map(str::to_string)
        .collect()
}

/// The names of the headers a recipe places with a fixed value (no field or stage in it).
pub fn constant_headers(recipe: &crate::sign::Recipe) -> Vec<String> {
    use crate::sign::template::Piece;
    recipe
        .headers
        .iter()
        .filter(|p| p.value.references().next().is_none())
        .filter_map(|p| match p.name.pieces() {
            [Piece::Literal(name)] => Some(name.clone()),
            _ => None,
        })
        .collect()
}

impl Replay<'_> {
    /// The request to send: the base with the placed values put in (a header's value where the
    /// base has that header, in the form the base wrote it, else appended; a query parameter
    /// likewise), or, without a base, the request [`export::build`] makes; `-H` lines in either.
    pub fn build(&self, placement: &Placement, body: &[u8]) -> Result<Request, ExportError> {
        let built = export::build(placement, body)?;
        let Some(base) = self.base else {
            let mut out = built;
            for (name, value) in self.extra {
                set_header(&mut out.headers, name, value, true);
            }
            return Ok(out);
        };
        let mut out_body = if self.body_from_base {
            base.body.clone()
        } else {
            built.body.clone()
        };
        let mut url = if self.url_from_trace {
            built.url.clone()
        } else {
            let mut url = base.url.clone();
            if placement.body_in_query && !built.url.is_empty() {
                // The body is the query string: the (possibly edited) body replaces it.
                let query = String::from_utf8_lossy(body).into_owned();
                url = with_query(&url, &query);
            }
            for (name, value) in &placement.query {
                let form = std::str::from_utf8(&base.body).ok();
                if has_param(&url, name) {
                    url = with_param(&url, name, value);
                } else if form.is_some_and(|f| params(f).any(|(key, _)| decoded(key) == *name)) {
                    // A placed parameter the request carried in its form body (Binance's
                    // signature beside the order's parameters) goes back there, not in the URL.
                    let form = String::from_utf8_lossy(&out_body).into_owned();
                    out_body = with_param_in(&form, name, value).into_bytes();
                } else if !self.holds {
                    url = with_param(&url, name, value);
                }
            }
            url
        };
        // A presigned URL: the request carries its signature in a query parameter where the
        // scheme places it in a header. The signature goes to that parameter, and the header
        // form of what the URL carries is not added.
        let presigned = self
            .carrier_params
            .iter()
            .find(|n| has_param(&url, n) && !placement.query.iter().any(|(p, _)| p == *n));
        if let (Some(name), Some(signature)) = (presigned, self.signature) {
            url = with_param(&url, name, signature);
        }
        let theirs = |name: &str| {
            base.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        // What each placed header is set to; left out where the request's own stays.
        let mut placed: Vec<(&str, String)> = Vec::new();
        for (name, value) in placement.headers.iter().chain(&placement.carried) {
            let fixed = self.constant.iter().any(|c| c.eq_ignore_ascii_case(name));
            // A value that holds the key comes out masked: the request's own stays.
            let masked = value.contains(crate::sign::visible::MASK);
            // An auth header the request carried without its word, under a header the word
            // names (cavage's Signature header): the new parameters go there.
            if theirs(name).is_none()
                && !fixed
                && !self.holds
                && presigned.is_none()
                && let Some((their_name, form)) = written::under_word(&base.headers, value)
            {
                placed.push((their_name, form));
                continue;
            }
            let new = match theirs(name) {
                // A fixed value (a Content-Type) is for a request of our own: an imported one
                // keeps its own, or goes without.
                _ if fixed => continue,
                None if self.holds || presigned.is_some() => continue,
                None => value.clone(),
                Some(_) if masked => continue,
                Some(t) if written::holds_as_member(t, value) => continue,
                // The signature made is already the request's, under another of its headers
                // (a second key's while the secret rotates).
                Some(t)
                    if self.holds && t != value && base.headers.iter().any(|(_, v)| v == value) =>
                {
                    continue;
                }
                Some(t) => {
                    written::in_their_form(t, value, self.holds).unwrap_or_else(|| value.clone())
                }
            };
            placed.push((name, new));
        }
        let is_carrier = |n: &str| self.carriers.iter().any(|c| c.eq_ignore_ascii_case(n));
        let changed = placed
            .iter()
            .any(|(name, value)| is_carrier(name) && theirs(name) != Some(value.as_str()));
        let mut headers = base.headers.clone();
        if changed {
            headers.retain(|(n, _)| {
                !is_carrier(n)
                    || placement
                        .headers
                        .iter()
                        .any(|(p, _)| p.eq_ignore_ascii_case(n))
            });
        }
        for (name, value) in &placed {
            set_header(&mut headers, name, value, false);
        }
        for (name, value) in self.extra {
            set_header(&mut headers, name, value, true);
        }
        let mut out = Request {
            method: if self.method_from_trace {
                built.method.clone()
            } else {
                base.method.clone()
            },
            url,
            headers,
            body: out_body,
        };
        // The request as it came is written back as it came (a chunked body stays chunked).
        if out != base.request() {
            fix_framing(&mut out, base);
        }
        Ok(out)
    }

    /// The request as raw HTTP: the base's own bytes when the request is the base unchanged.
    pub fn to_http(&self, request: &Request) -> Result<Vec<u8>, ExportError> {
        if let Some(base) = self.base
            && let Some(raw) = &base.raw
            && *request == base.request()
        {
            return Ok(raw.clone());
        }
        request.to_http()
    }
}

/// Sets a header: the first of its name (any case) gets the value; absent, it is appended.
/// `replace_all` drops later ones of the name too (a `-H` line is the header's one value).
fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: &str, replace_all: bool) {
    let mut seen = false;
    headers.retain_mut(|(n, v)| {
        if !n.eq_ignore_ascii_case(name) {
            return true;
        }
        if seen {
            return !replace_all;
        }
        seen = true;
        if v != value {
            *v = value.to_string();
        }
        true
    });
    if !seen {
        headers.push((name.to_string(), value.to_string()));
    }
}

/// Keeps the head true to the body and the URL: a Content-Length the body no longer has is
/// corrected; a chunked body (read whole) goes with a Content-Length; a Host that named the
/// base's authority names the new URL's when the URL moved.
fn fix_framing(request: &mut Request, base: &Base) {
    let chunked = request.headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("transfer-encoding"));
        set_header(
            &mut request.headers,
            "Content-Length",
            &request.body.len().to_string(),
            true,
        );
    }
    let len = request.body.len().to_string();
    for (n, v) in &mut request.headers {
        if n.eq_ignore_ascii_case("content-length") && *v != len {
            *v = len.clone();
        }
    }
    let (old, new) = (authority(&base.url), authority(&request.url));
    if let (Some(old), Some(new)) = (old, new)
        && !old.eq_ignore_ascii_case(new)
    {
        for (n, v) in &mut request.headers {
            if n.eq_ignore_ascii_case("host") && v.eq_ignore_ascii_case(old) {
                *v = new.to_string();
            }
        }
    }
}

/// The `host[:port]` of an absolute URL.
pub fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

/// The URL with its scheme and authority (and a path prefix) taken from `to`: a request sent to
/// another host with its own path and query. `to` is `http[s]://host[:port][/prefix]`.
pub fn retarget(url: &str, to: &str) -> Result<String, String> {
    let Some((scheme, rest)) = to.split_once("://") else {
        return Err(format!(
            "--to `{to}` is not a base URL: give http://HOST:PORT or https://HOST"
        ));
    };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
        return Err(format!(
            "--to `{to}` is not a base URL: give http://HOST:PORT or https://HOST"
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(format!(
            "--to `{to}` has a query or fragment: give only http://HOST:PORT (and a path prefix)"
        ));
    }
    let path_and_query = match url.split_once("://") {
        Some((_, r)) => r.find(['/', '?']).map_or("/", |i| &r[i..]),
        None if url.starts_with('/') => url,
        None => "/",
    };
    let path_and_query = path_and_query.split('#').next().unwrap_or("");
    let base = to.trim_end_matches('/');
    let sep = if path_and_query.starts_with('/') {
        ""
    } else {
        "/"
    };
    Ok(format!("{base}{sep}{path_and_query}"))
}

/// Whether a URL's query has a parameter of this (decoded) name.
fn has_param(url: &str, name: &str) -> bool {
    query_parts(url).any(|(key, _)| decoded(key) == name)
}

fn decoded(key: &str) -> String {
    percent_decode_str(&key.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A URL's query parameters as written: (name, whole part).
fn query_parts(url: &str) -> impl Iterator<Item = (&str, &str)> {
    let rest = split_fragment(url).0;
    params(rest.split_once('?').map_or("", |(_, q)| q))
}

/// A query string's (or a form body's) parameters as written: (name, whole part).
fn params(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| (p.split('=').next().unwrap_or(p), p))
}

/// The URL with its query string replaced (fragment kept).
fn with_query(url: &str, query: &str) -> String {
    let (rest, fragment) = split_fragment(url);
    let path = rest.split('?').next().unwrap_or(rest);
    if query.is_empty() {
        format!("{path}{fragment}")
    } else {
        format!("{path}?{query}{fragment}")
    }
}

fn split_fragment(url: &str) -> (&str, &str) {
    match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    }
}

/// The URL with a query parameter set: the first of its name (decoded) takes the value in
/// place, the rest of the query as written; absent, it is appended.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let (rest, fragment) = split_fragment(url);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, q),
        None => (rest, ""),
    };
    format!("{path}?{}{fragment}", with_param_in(query, name, value))
}

/// A query string (or form body) with a parameter set, as [`with_param`]: a part whose value
/// already reads as the one placed stays as written (its own percent-encoding kept).
fn with_param_in(query: &str, name: &str, value: &str) -> String {
    let encoded = export::encode_query_value(value);
    let mut done = false;
    let mut parts: Vec<String> = Vec::new();
    for (key, part) in params(query) {
        if !done && decoded(key) == name {
            done = true;
            let same = part
                .split_once('=')
                .is_some_and(|(_, v)| decoded(v) == value);
            parts.push(if same {
                part.to_string()
            } else {
                format!("{key}={encoded}")
            });
        } else {
            parts.push(part.to_string());
        }
    }
    if !done {
        parts.push(format!("{}={encoded}", export::encode_query_value(name)));
    }
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Base {
        Base {
            method: "POST".into(),
            url: "https://api.example.com:8443/hooks/gh?team=a&sig=old".into(),
            headers: vec![
                ("Host".into(), "api.example.com:8443".into()),
                ("X-GitHub-Event".into(), "push".into()),
                ("x-hub-signature-256".into(), "sha256=old".into()),
                ("Accept".into(), "a".into()),
                ("Accept".into(), "b".into()),
                ("Content-Length".into(), "2".into()),
            ],
            body: b"{}".to_vec(),
            raw: Some(b"RAW".to_vec()),
        }
    }

    fn placement() -> Placement {
        Placement {
            method: "PUT".into(),
            url: "https://example.com/default".into(),
            headers: vec![("X-Hub-Signature-256".into(), "sha256=new".into())],
            ..Placement::default()
        }
    }

    #[test]
    fn the_base_keeps_its_url_headers_and_order_and_only_the_placed_change() {
        let b = base();
        let replay = Replay {
            base: Some(&b),
            ..Replay::default()
        };
        let r = replay.build(&placement(), b"{\"a\":1}").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url,
            "https://api.example.com:8443/hooks/gh?team=a&sig=old"
        );
        assert_eq!(
            r.headers,
            [
                ("Host".to_string(), "api.example.com:8443".to_string()),
                ("X-GitHub-Event".into(), "push".into()),
                ("x-hub-signature-256".into(), "sha256=new".into()),
                ("Accept".into(), "a".into()),
                ("Accept".into(), "b".into()),
                ("Content-Length".into(), "7".into()),
            ]
        );
        // Changed, so written anew, not the raw bytes.
        assert!(replay.to_http(&r).unwrap().starts_with(
            b"POST /hooks/gh?team=a&sig=old HTTP/1.1\r\nHost: api.example.com:8443\r\n"
        ));
    }

    #[test]
    fn unchanged_is_the_raw_bytes() {
        let b = base();
        let replay = Replay {
            base: Some(&b),
            ..Replay::default()
        };
        let p = Placement {
            headers: vec![("X-Hub-Signature-256".into(), "sha256=old".into())],
            ..placement()
        };
        let r = replay.build(&p, b"{}").unwrap();
        assert_eq!(replay.to_http(&r).unwrap(), b"RAW");
    }

    #[test]
    fn query_placed_in_place_and_extra_headers_and_a_new_url_moves_host() {
        let b = base();
        let extra = [("X-Trace".to_string(), "1".to_string())];
        let replay = Replay {
            base: Some(&b),
            method_from_trace: true,
            url_from_trace: false,
            extra: &extra,
            constant: &[],
            carriers: &[],
            body_from_base: false,
            holds: false,
            carrier_params: &[],
            signature: None,
        };
        let p = Placement {
            query: vec![("sig".into(), "a+b".into()), ("t".into(), "9".into())],
            ..placement()
        };
        let r = replay.build(&p, b"{}").unwrap();
        assert_eq!(r.method, "PUT");
        assert_eq!(
            r.url,
            "https://api.example.com:8443/hooks/gh?team=a&sig=a%2Bb&t=9"
        );
        assert_eq!(r.headers.last().unwrap(), &("X-Trace".into(), "1".into()));
        let moved = Replay {
            url_from_trace: true,
            ..replay
        };
        let p = Placement {
            url: "http://127.0.0.1:3000/x".into(),
            ..placement()
        };
        let r = moved.build(&p, b"{}").unwrap();
        assert_eq!(r.headers[0], ("Host".into(), "127.0.0.1:3000".into()));
    }

    #[test]
    fn a_signature_the_form_body_carried_goes_back_there_and_fixed_headers_stay_out() {
        let b = Base {
            method: "POST".into(),
            url: "https://api.example.com/api/v3/order".into(),
            headers: vec![("Host".into(), "api.example.com".into())],
            body: b"symbol=LTCBTC&signature=old&x=1".to_vec(),
            raw: None,
        };
        let constant = ["Content-Type".to_string()];
        let replay = Replay {
            base: Some(&b),
            constant: &constant,
            ..Replay::default()
        };
        let p = Placement {
            url: "https://api.example.com/api/v3/order".into(),
            query: vec![("signature".into(), "new".into())],
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Key".into(), "‹key›".into()),
            ],
            ..Placement::default()
        };
        let r = replay.build(&p, &b.body).unwrap();
        assert_eq!(r.url, "https://api.example.com/api/v3/order");
        assert_eq!(r.body, b"symbol=LTCBTC&signature=new&x=1");
        // The fixed Content-Type the customer did not send stays out; a masked key is no value.
        assert_eq!(
            r.headers,
            [
                ("Host".to_string(), "api.example.com".to_string()),
                ("X-Key".into(), "‹key›".into())
            ]
        );
        // Nor does it replace the one the customer sent (a JSON body's).
        let json = Base {
            headers: vec![("Content-Type".into(), "application/json".into())],
            ..b.clone()
        };
        let r = Replay {
            base: Some(&json),
            ..replay
        }
        .build(&p, &b.body)
        .unwrap();
        assert_eq!(
            r.headers[0],
            ("Content-Type".into(), "application/json".into())
        );
    }

    #[test]
    fn another_versions_signature_goes_when_ours_changes() {
        // HubSpot sends v3 beside the older X-HubSpot-Signature: a new v3 leaves the old one
        // wrong, so it goes; unchanged, both stay.
        let b = Base {
            method: "POST".into(),
            url: "https://h/x".into(),
            headers: vec![
                ("X-HubSpot-Signature".into(), "old1".into()),
                ("X-HubSpot-Signature-v3".into(), "old3".into()),
            ],
            body: Vec::new(),
            raw: None,
        };
        let carriers = [
            "X-HubSpot-Signature-v3".to_string(),
            "X-HubSpot-Signature".to_string(),
        ];
        let replay = Replay {
            base: Some(&b),
            carriers: &carriers,
            ..Replay::default()
        };
        let placed = |v: &str| Placement {
            url: "https://h/x".into(),
            headers: vec![("X-HubSpot-Signature-v3".into(), v.into())],
            ..Placement::default()
        };
        let r = replay.build(&placed("new3"), b"").unwrap();
        assert_eq!(
            r.headers,
            [("X-HubSpot-Signature-v3".to_string(), "new3".to_string())]
        );
        let r = replay.build(&placed("old3"), b"").unwrap();
        assert_eq!(r.headers, b.headers);
    }

    #[test]
    fn what_the_request_wrote_stays_as_written() {
        // A query value that reads as the one placed keeps its own encoding; an auth header
        // keeps its parameters' order; a list holding the signature placed stays whole; a
        // chunked body unchanged stays chunked (the raw bytes).
        let b = Base {
            method: "GET".into(),
            url: "https://h/x?rsct=application/pdf&sig=a/b%3D".into(),
            headers: vec![
                ("Authorization".into(), r#"Hawk mac="m", id="i""#.into()),
                ("X-Sig".into(), "v1=old,v1=new".into()),
                ("Transfer-Encoding".into(), "chunked".into()),
            ],
            body: b"ab".to_vec(),
            raw: Some(b"RAW".to_vec()),
        };
        let replay = Replay {
            base: Some(&b),
            ..Replay::default()
        };
        let p = |mac: &str| Placement {
            url: "https://h/x".into(),
            query: vec![
                ("rsct".into(), "application/pdf".into()),
                ("sig".into(), "a/b=".into()),
            ],
            headers: vec![
                (
                    "Authorization".into(),
                    format!(r#"Hawk id="i", mac="{mac}""#),
                ),
                ("X-Sig".into(), "v1=new".into()),
            ],
            ..Placement::default()
        };
        let r = replay.build(&p("m"), b"ab").unwrap();
        assert_eq!(replay.to_http(&r).unwrap(), b"RAW");
        let r = replay.build(&p("m2"), b"ab").unwrap();
        assert_eq!(r.url, b.url);
        assert_eq!(
            r.headers,
            [
                (
                    "Authorization".to_string(),
                    r#"Hawk mac="m2", id="i""#.to_string()
                ),
                ("X-Sig".into(), "v1=old,v1=new".into()),
                ("Content-Length".into(), "2".into()),
            ]
        );
    }

    #[test]
    fn a_request_whose_signature_holds_gets_nothing_it_went_without() {
        // A presigned URL: the scheme places headers, but the request carries its signature in
        // the query and it holds. A second key's signature under a sibling header stays there.
        let b = Base {
            method: "GET".into(),
            url: "https://h/x?X-Sig=s2".into(),
            headers: vec![
                ("X-Sig-1".into(), "s1".into()),
                ("X-Sig-2".into(), "s2".into()),
            ],
            body: Vec::new(),
            raw: None,
        };
        let p = Placement {
            url: "https://h/x".into(),
            query: vec![("X-Date".into(), "now".into())],
            headers: vec![
                ("X-Date".into(), "now".into()),
                ("X-Sig-1".into(), "s2".into()),
            ],
            ..Placement::default()
        };
        let holds = Replay {
            base: Some(&b),
            holds: true,
            ..Replay::default()
        };
        let r = holds.build(&p, b"").unwrap();
        assert_eq!((r.url.as_str(), &r.headers), (b.url.as_str(), &b.headers));
        // Not holding, the same placement is added and replaces.
        let not = Replay {
            holds: false,
            ..holds
        };
        let r = not.build(&p, b"").unwrap();
        assert_eq!(r.url, "https://h/x?X-Sig=s2&X-Date=now");
        assert_eq!(
            r.headers,
            [
                ("X-Sig-1".to_string(), "s2".to_string()),
                ("X-Sig-2".into(), "s2".into()),
                ("X-Date".into(), "now".into())
            ]
        );
    }

    #[test]
    fn a_presigned_url_takes_a_new_signature_in_its_query() {
        let b = Base {
            method: "GET".into(),
            url: "https://h/x?X-Date=d&X-Sig=old".into(),
            headers: vec![("Host".into(), "h".into())],
            body: Vec::new(),
            raw: None,
        };
        let params = ["X-Sig".to_string()];
        let replay = Replay {
            base: Some(&b),
            carrier_params: &params,
            signature: Some("new"),
            ..Replay::default()
        };
        let p = Placement {
            url: "https://h/x".into(),
            headers: vec![
                ("X-Date".into(), "d".into()),
                ("Authorization".into(), "Sig new".into()),
            ],
            ..Placement::default()
        };
        let r = replay.build(&p, b"").unwrap();
        assert_eq!(r.url, "https://h/x?X-Date=d&X-Sig=new");
        assert_eq!(r.headers, b.headers);
        // A request with the signature in a header is no presigned URL: the header goes in.
        let header_signed = Base {
            url: "https://h/x".into(),
            ..b.clone()
        };
        let r = Replay {
            base: Some(&header_signed),
            ..replay
        }
        .build(&p, b"")
        .unwrap();
        assert_eq!(r.url, "https://h/x");
        assert_eq!(r.headers.len(), 3);
    }

    #[test]
    fn a_form_body_with_a_hash_sign_takes_its_signature_back() {
        // `#` in a form body is a character, not a URL's fragment.
        let b = Base {
            method: "POST".into(),
            url: "https://h/withdraw".into(),
            headers: Vec::new(),
            body: b"name=wallet #2&signature=old".to_vec(),
            raw: None,
        };
        let replay = Replay {
            base: Some(&b),
            ..Replay::default()
        };
        let p = Placement {
            url: "https://h/withdraw".into(),
            query: vec![("signature".into(), "new".into())],
            ..Placement::default()
        };
        let r = replay.build(&p, &b.body).unwrap();
        assert_eq!(r.url, "https://h/withdraw");
        assert_eq!(r.body, b"name=wallet #2&signature=new");
    }

    #[test]
    fn retarget_keeps_path_and_query() {
        assert_eq!(
            retarget("https://h.example/a/b?c=1#f", "http://127.0.0.1:3000").unwrap(),
            "http://127.0.0.1:3000/a/b?c=1"
        );
        assert_eq!(
            retarget("https://h.example", "http://127.0.0.1:3000/pre/").unwrap(),
            "http://127.0.0.1:3000/pre/"
        );
        assert!(retarget("https://h/a", "127.0.0.1:3000").is_err());
        assert!(retarget("https://h/a", "http://h/?q").is_err());
    }
}

//! API clients' saved requests: a Postman collection (v2.0 and v2.1), an Insomnia export (v4),
//! a Bruno request file (`.bru`). One request is picked (by `--entry`, else the one that
//! carries a signature), its `{{variables}}` filled from the collection's own and an
//! environment's values, and it is built as the client sends it: the URL encoded as the client
//! encodes it, the auth header it adds, the Content-Type it adds; the body text byte for byte.

mod bruno;
mod insomnia;
mod postman;

pub use bruno::bruno;
pub use insomnia::insomnia;
pub use postman::postman;

use base64::Engine;
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

use super::entry::Candidate;
use super::message::{ImportError, Imported, err};
use super::vars::{self, Syntax, Unresolved, Vars};

/// A request as a client holds it, before its variables are filled in.
#[derive(Default)]
struct Draft {
    method: String,
    url: String,
    /// Query parameters kept apart from the URL (Postman's `query`, Insomnia's `parameters`).
    query: Vec<(Option<String>, Option<String>)>,
    headers: Vec<(String, String)>,
    body: DraftBody,
    /// The auth, as a header or a query parameter to add.
    auth: Option<Auth>,
    /// Content-Type the client adds when the request has none.
    content_type: Option<&'static str>,
    notes: Vec<String>,
    /// Why the request cannot be built byte-exact (multipart, a file, a computed auth).
    refused: Option<String>,
}

#[derive(Default)]
enum DraftBody {
    #[default]
    None,
    Text(String),
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
}

enum Auth {
    Header(String, String),
    Basic(String, String),
    Query(String, String),
}

/// Percent-encodes all but the unreserved characters (a form body as Postman's runtime and
/// curl's --data-urlencode encode it).
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Postman's path encode set (postman-url-encoder: controls, space, `"` `#` `<` `>` `?` `` ` ``
/// `{` `}`, and every byte past ASCII).
const POSTMAN_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Postman's query encode set for a parameter's value; a name also encodes `=`.
const POSTMAN_QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'&');
const POSTMAN_QUERY_KEY: &AsciiSet = &POSTMAN_QUERY_VALUE.add(b'=');

/// Encodes as Postman does: a `%XX` already there is kept, and so is a `%` before anything else.
fn postman_encode(text: &str, set: &'static AsciiSet) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    // Split at each `%` so that `utf8_percent_encode` never sees one (it is not in the sets).
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%' {
            out.extend(utf8_percent_encode(&text[start..i], set));
            out.push('%');
            start = i + 1;
        }
    }
    out.extend(utf8_percent_encode(&text[start..], set));
    out
}

/// A draft with its variables filled in, built as the client sends it.
fn finish(
    d: Draft,
    name: String,
    path: String,
    vars: &Vars,
    syntax: Syntax,
    given: bool,
) -> Candidate {
    let mut un = Unresolved::default();
    let mut sub = |t: &str, place: &str| vars::substitute(t, vars, syntax, place, &mut un);
    let method = sub(&d.method, "the method");
    let url = sub(&d.url, "the URL");
    let label_url = url.clone();
    let request = build(d, method.clone(), url, &mut sub).and_then(|r| {
        un.check(syntax, given)?;
        Ok(r)
    });
    Candidate {
        name,
        path,
        method,
        url: label_url,
        request,
    }
}

fn build(
    d: Draft,
    method: String,
    url: String,
    sub: &mut dyn FnMut(&str, &str) -> String,
) -> Result<Imported, ImportError> {
    if let Some(why) = d.refused {
        return Err(err(0, format!("the request is not read: {why}")));
    }
    let mut query: Vec<(Option<String>, Option<String>)> = d
        .query
        .iter()
        .map(|(k, v)| {
            (
                k.as_deref().map(|k| sub(k, "a query parameter")),
                v.as_deref().map(|v| sub(v, "a query parameter")),
            )
        })
        .collect();
    let mut headers: Vec<(String, String)> = d
        .headers
        .iter()
        .map(|(n, v)| {
            let place = format!("header {n}");
            (sub(n, &place), sub(v, &place))
        })
        .collect();
    match d.auth {
        Some(Auth::Header(n, v)) => {
            let place = format!("the auth ({n})");
            headers.push((sub(&n, &place), sub(&v, &place)));
        }
        Some(Auth::Basic(user, password)) => {
            let pair = format!(
                "{}:{}",
                sub(&user, "the auth's username"),
                sub(&password, "the auth's password")
            );
            let b64 = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
            headers.push(("Authorization".into(), format!("Basic {b64}")));
        }
        Some(Auth::Query(k, v)) => {
            query.push((Some(sub(&k, "the auth")), Some(sub(&v, "the auth"))));
        }
        None => {}
    }
    let body = match d.body {
        DraftBody::None => Vec::new(),
        DraftBody::Text(t) => sub(&t, "the body").into_bytes(),
        DraftBody::Form(pairs) => pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(&sub(k, "the body"), FORM),
                    utf8_percent_encode(&sub(v, "the body"), FORM)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
    };
    let mut notes = d.notes;
    if let Some(ct) = d.content_type
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        && (!body.is_empty() || ct == "application/x-www-form-urlencoded")
    {
        headers.push(("Content-Type".into(), ct.into()));
        notes.push(format!("the client adds `Content-Type: {ct}`; it is added"));
    }
    let url = encode_url(&url, &query);
    let mut r = Imported::from_parts(method, url, headers, body, Vec::new());
    r.notes = notes;
    Ok(r)
}

/// The URL with its path and query encoded as Postman encodes them (Insomnia and Bruno encode
/// alike for what matters: spaces, quotes, non-ASCII), and the extra parameters added.
fn encode_url(url: &str, extra: &[(Option<String>, Option<String>)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (before_query, query) = match base.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (base, None),
    };
    // The path starts after `scheme://host`.
    let path_start = before_query
        .find("://")
        .map(|i| i + 3)
        .and_then(|s| before_query[s..].find('/').map(|p| s + p))
        .unwrap_or(if before_query.contains("://") {
            before_query.len()
        } else {
            before_query.find('/').unwrap_or(before_query.len())
        });
    let mut out = before_query[..path_start].to_string();
    out.push_str(&postman_encode(&before_query[path_start..], POSTMAN_PATH));
    let mut params: Vec<String> = Vec::new();
    for part in query.into_iter().flat_map(|q| q.split('&')) {
        match part.split_once('=') {
            Some((k, v)) => params.push(format!(
                "{}={}",
                postman_encode(k, POSTMAN_QUERY_KEY),
                postman_encode(v, POSTMAN_QUERY_VALUE)
            )),
            None => params.push(postman_encode(part, POSTMAN_QUERY_KEY)),
        }
    }
    for (k, v) in extra {
        let k = k.as_deref().map(|k| postman_encode(k, POSTMAN_QUERY_KEY));
        let v = v.as_deref().map(|v| postman_encode(v, POSTMAN_QUERY_VALUE));
        params.push(match (k, v) {
            (Some(k), Some(v)) => format!("{k}={v}"),
            (Some(k), None) => k,
            (None, Some(v)) => format!("={v}"),
            (None, None) => continue,
        });
    }
    if query.is_some() || !params.is_empty() {
        out.push('?');
        out.push_str(&params.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_encoded_as_postman_encodes_them() {
        // What newman 6.2.2 sent for this URL (tests/fixtures/import/postman/README.md).
        assert_eq!(
            encode_url("http://127.0.0.1:18083/p/a b{c}`é?x=1 2&y='\"<>é&z", &[]),
            "http://127.0.0.1:18083/p/a%20b%7Bc%7D%60%C3%A9?x=1%202&y=%27%22%3C%3E%C3%A9&z"
        );
        assert_eq!(
            encode_url(
                "https://h/a%2Fb?q=100%&r=%41",
                &[(Some("k".into()), Some("a&b".into()))]
            ),
            "https://h/a%2Fb?q=100%&r=%41&k=a%26b"
        );
    }
}

//! What a scheme may sign: the raw body, timestamp-, id- and nonce-like header and list values,
//! the method, the path, the path with query, the full URL, a sorted form, and the literal
//! prefixes vendors put first (`v0`), each with where a recipe finds it.

use crate::request::message::Imported;
use crate::sign::form::{UrlPart, parse_params, url_part};

use super::site::{ORDINARY_HEADERS, Place, Shape, Site, is_form};

/// A value a scheme may sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub bytes: Vec<u8>,
    pub kind: PartKind,
}

/// Where a part comes from, as the recipe will take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartKind {
    /// The raw body.
    Body,
    /// A header's value.
    Header(String),
    /// A member of a JSON body (`parent.child` one level down) beside the signature's.
    Member(String),
    /// A `name=value` item of the list that carries the signature (Stripe's `t=`).
    ListValue {
        header: String,
        separator: String,
        name: String,
    },
    Method,
    /// A part of the URL: path, path and query, or the full URL.
    Url(UrlPart),
    /// The form body's parameters sorted by name: `k=v&…` (decoded) or `kv…` (Twilio's).
    SortedForm {
        pair_sep: &'static str,
        join: &'static str,
    },
    /// The query (or form) as sent without the parameter that carries the signature.
    WithoutSignature {
        from_query: bool,
        name: String,
    },
    /// A literal a scheme puts first (`v0` of Slack's `v0:timestamp:body`).
    Literal(String),
    /// A JWT's `header.claims`, which its signature covers.
    JwtSigningInput,
}

impl PartKind {
    /// Words for the explanation (`header X-Slack-Request-Timestamp`).
    pub fn words(&self) -> String {
        match self {
            PartKind::Body => "the raw body".to_string(),
            PartKind::Header(h) => h.clone(),
            PartKind::Member(m) => format!("JSON member {m}"),
            PartKind::ListValue { header, name, .. } => format!("{name} of {header}"),
            PartKind::Method => "the method".to_string(),
            PartKind::Url(UrlPart::Path) => "the path".to_string(),
            PartKind::Url(UrlPart::PathAndQuery) => "the path and query".to_string(),
            PartKind::Url(_) => "the full URL".to_string(),
            PartKind::SortedForm { join: "", .. } => {
                "the form's parameters sorted by name, each name then value, joined by nothing"
                    .to_string()
            }
            PartKind::SortedForm { .. } => "the form's parameters sorted by name".to_string(),
            PartKind::WithoutSignature { from_query, name } => format!(
                "the {} without {name}",
                if *from_query { "query" } else { "form" }
            ),
            PartKind::Literal(l) => format!("the text `{l}`"),
            PartKind::JwtSigningInput => "the token's header.claims".to_string(),
        }
    }

    /// Whether it may only come first.
    pub fn first_only(&self) -> bool {
        matches!(self, PartKind::Literal(_))
    }
}

/// The most header values a search takes (the likeliest kept).
const MAX_HEADER_PARTS: usize = 6;

/// How likely a header is signed: timestamps first, then ids and nonces, then the rest.
fn header_rank(name: &str, value: &str) -> Option<u8> {
    let n = name.to_ascii_lowercase();
    if ORDINARY_HEADERS.contains(&n.as_str()) || value.is_empty() || value.len() > 256 {
        return None;
    }
    let digits = value.bytes().all(|b| b.is_ascii_digit());
    if (digits && matches!(value.len(), 9..=13))
        || ["timestamp", "time", "date"].iter().any(|w| n.contains(w))
    {
        Some(0)
    } else if ["nonce", "id", "delivery", "request", "event"]
        .iter()
        .any(|w| n.contains(w))
    {
        Some(1)
    } else {
        Some(2)
    }
}

/// The parts of a request a scheme may sign, given the site its signature is at, likeliest
/// first.
pub fn find(req: &Imported, site: &Site) -> Vec<Part> {
    if let Shape::Jwt { signing_input, .. } = &site.shape {
        return vec![Part {
            bytes: signing_input.as_bytes().to_vec(),
            kind: PartKind::JwtSigningInput,
        }];
    }
    let mut out = vec![Part {
        bytes: req.body.clone(),
        kind: PartKind::Body,
    }];
    let sig_header = match &site.place {
        Place::Header(h) => Some(h.as_str()),
        _ => None,
    };
    // The other values of the signature's list (Stripe's t=).
    if let (Some(header), Shape::Item { separator, .. }) = (sig_header, &site.shape) {
        for (name, value) in &site.list_values {
            out.push(Part {
                bytes: value.as_bytes().to_vec(),
                kind: PartKind::ListValue {
                    header: header.to_string(),
                    separator: separator.clone(),
                    name: name.clone(),
                },
            });
        }
    }
    let mut headers: Vec<(u8, &str, &str)> = req
        .headers
        .iter()
        .filter(|(n, _)| Some(n.as_str()) != sig_header)
        .filter_map(|(n, v)| header_rank(n, v).map(|r| (r, n.as_str(), v.as_str())))
        .collect();
    headers.sort_by_key(|h| h.0);
    let mut seen = std::collections::HashSet::new();
    for (_, name, value) in headers
        .into_iter()
        .filter(|(_, n, _)| seen.insert(n.to_ascii_lowercase()))
        .take(MAX_HEADER_PARTS)
    {
        out.push(Part {
            bytes: value.as_bytes().to_vec(),
            kind: PartKind::Header(name.to_string()),
        });
    }
    // The members beside a signature carried in a JSON body (Mailgun's signature.timestamp and
    // signature.token, Razorpay's order and payment ids).
    if let Place::Member(sig) = &site.place {
        let parent = sig.rsplit_once('.').map(|(p, _)| p);
        let mut members: Vec<(u8, String, String)> = super::site::json_members(&req.body)
            .into_iter()
            .filter(|(n, _)| n != sig && n.rsplit_once('.').map(|(p, _)| p) == parent)
            .filter_map(|(n, v)| header_rank(&n, &v).map(|r| (r, n, v)))
            .collect();
        members.sort_by_key(|m| m.0);
        for (_, name, value) in members.into_iter().take(MAX_HEADER_PARTS) {
            out.push(Part {
                bytes: value.into_bytes(),
                kind: PartKind::Member(name),
            });
        }
    }
    out.push(Part {
        bytes: req.method.as_bytes().to_vec(),
        kind: PartKind::Method,
    });
    let url = req.url.as_bytes();
    if url.starts_with(b"http://") || url.starts_with(b"https://") {
        out.push(Part {
            bytes: url_part(url, UrlPart::Path),
            kind: PartKind::Url(UrlPart::Path),
        });
        if !url_part(url, UrlPart::Query).is_empty() {
            out.push(Part {
                bytes: url_part(url, UrlPart::PathAndQuery),
                kind: PartKind::Url(UrlPart::PathAndQuery),
            });
        }
        out.push(Part {
            bytes: url_part(url, UrlPart::Full),
            kind: PartKind::Url(UrlPart::Full),
        });
    }
    match &site.place {
        Place::Query(name) => {
            let query = url_part(url, UrlPart::Query);
            out.push(Part {
                bytes: without(&query, name),
                kind: PartKind::WithoutSignature {
                    from_query: true,
                    name: name.clone(),
                },
            });
        }
        Place::Form(name) => out.push(Part {
            bytes: without(&req.body, name),
            kind: PartKind::WithoutSignature {
                from_query: false,
                name: name.clone(),
            },
        }),
        _ => {}
    }
    if is_form(req)
        && let Ok(params) = parse_params(&req.body, true)
    {
        let mut sorted = params.clone();
        sorted.sort();
        for (pair_sep, join) in [("", ""), ("=", "&")] {
            let mut bytes = Vec::new();
            for (i, (k, v)) in sorted.iter().enumerate() {
                if i > 0 {
                    bytes.extend_from_slice(join.as_bytes());
                }
                bytes.extend_from_slice(k);
                bytes.extend_from_slice(pair_sep.as_bytes());
                bytes.extend_from_slice(v);
            }
            out.push(Part {
                bytes,
                kind: PartKind::SortedForm { pair_sep, join },
            });
        }
    }
    // A literal first word: the version a prefixed signature names (Slack's v0= signs v0:…), else
    // v0 (Customer.io signs v0:timestamp:body under a bare signature).
    let prefix = match &site.shape {
        Shape::Prefixed(p) => Some(p),
        Shape::Item { prefix, .. } if !prefix.is_empty() => Some(prefix),
        _ => None,
    };
    let word = prefix
        .map(|p| p.trim_end_matches(['=', ':', ',']))
        .filter(|w| !w.is_empty())
        .unwrap_or("v0");
    out.push(Part {
        bytes: word.as_bytes().to_vec(),
        kind: PartKind::Literal(word.to_string()),
    });
    out
}

/// `k=v&…` as sent, without the parameters named `name`.
fn without(params: &[u8], name: &str) -> Vec<u8> {
    let kept: Vec<&[u8]> = params
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let k = p.split(|&b| b == b'=').next().unwrap_or_default();
            crate::sign::form::url_decode(k) != name.as_bytes()
        })
        .collect();
    kept.join(&b'&')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::site;

    #[test]
    fn parts_of_a_slack_like_request() {
        let req = Imported {
            method: "POST".into(),
            url: "https://example.com/slack/events?x=1".into(),
            headers: vec![
                ("X-Slack-Request-Timestamp".into(), "1531420618".into()),
                (
                    "X-Slack-Signature".into(),
                    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503".into(),
                ),
                ("User-Agent".into(), "Slackbot".into()),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            head: Vec::new(),
            body: b"b=2&a=1%2B".to_vec(),
            notes: Vec::new(),
            status: None,
        };
        let sites = site::find(&req);
        let s = &sites[0];
        assert_eq!(s.place.name(), "X-Slack-Signature");
        let parts = find(&req, s);
        let kinds: Vec<&PartKind> = parts.iter().map(|p| &p.kind).collect();
        assert_eq!(kinds[0], &PartKind::Body);
        assert_eq!(
            kinds[1],
            &PartKind::Header("X-Slack-Request-Timestamp".into())
        );
        assert!(kinds.contains(&&PartKind::Literal("v0".into())));
        assert!(
            !kinds
                .iter()
                .any(|k| matches!(k, PartKind::Header(h) if h == "User-Agent"))
        );
        let path_query = parts
            .iter()
            .find(|p| p.kind == PartKind::Url(UrlPart::PathAndQuery))
            .unwrap();
        assert_eq!(path_query.bytes, b"/slack/events?x=1");
        let sorted = parts
            .iter()
            .find(|p| matches!(p.kind, PartKind::SortedForm { join: "&", .. }))
            .unwrap();
        assert_eq!(sorted.bytes, b"a=1+&b=2");
        assert_eq!(without(b"a=1&sig=x&b=2", "sig"), b"a=1&b=2");
    }
}

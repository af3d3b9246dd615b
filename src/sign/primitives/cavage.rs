//! `cavage_string = T`: the signing string of draft-cavage-http-signatures (the HTTP Signatures
//! that Mastodon, ActivityPub servers and OCI use), built from the list the request carries. T is
//! the `headers="…"` parameter: names separated by spaces, in the order they are signed. Each
//! name gives one line, `name: value` (the name in lower case; the values of a repeated header
//! trimmed and joined by `, `); the pseudo-headers are `(request-target)` (the method in lower
//! case, a space, the path and query), `(created)` and `(expires)` (the signature's own
//! parameters). Lines are joined by `\n`. A listed header the request lacks is an error.

use std::sync::Arc;

use super::headers::parse_header_lines;
use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Args, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::form::{UrlPart, url_part};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Prim, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "cavage_string",
    summary: "draft-cavage-http-signatures' signing string: one `name: value` line per name of the list, in its order (names in lower case, repeats joined by `, `; `(request-target)` is the lower-case method, a space and the path and query; `(created)`, `(expires)`), joined by `\\n`; a listed header the request lacks is an error",
    main: ArgSpec::required(
        "cavage_string",
        Kind::Template,
        "the `headers` parameter: names separated by spaces",
    ),
    args: &[
        ArgSpec::required("method", Kind::Template, "the request's method"),
        ArgSpec::required(
            "target",
            Kind::Template,
            "the request's URL (its path and query)",
        ),
        ArgSpec::optional(
            "headers",
            Kind::Template,
            "{headers}",
            "the request's header lines",
        ),
        ArgSpec::optional(
            "set",
            Kind::TemplateMap,
            "",
            "headers added or replaced (an empty value adds nothing)",
        ),
        ArgSpec::optional(
            "created",
            Kind::Template,
            "",
            "the `created` parameter, for `(created)`",
        ),
        ArgSpec::optional(
            "expires",
            Kind::Template,
            "",
            "the `expires` parameter, for `(expires)`",
        ),
    ],
    func: &FUNC,
    build,
    vectors: &[Vector {
        // draft-ietf-httpbis-message-signatures-00 (normatively draft-cavage-12), appendix A.3.1.1.
        stage: "cavage_string = \"(created) (request-target)\"\nmethod = \"POST\"\ntarget = \"https://example.com/foo?param=value&pet=dog\"\nheaders = \"{body}\"\ncreated = \"1402170695\"",
        key: "",
        body: "Host: example.com\nDate: Tue, 07 Jun 2014 20:51:35 GMT\nContent-Type: application/json\nDigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\nContent-Length: 18\n",
        expected: Expected::Text(
            "(created): 1402170695\n(request-target): post /foo?param=value&pet=dog",
        ),
        source: "draft-ietf-httpbis-message-signatures-00 (compatible with draft-cavage-http-signatures-12), test case \"hs2019 signature over minimal recommended content\"",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "cavage_string",
    &[
        "names", "method", "target", "headers", "set", "created", "expires",
    ],
);

fn build(a: &Args) -> Result<Prim, String> {
    Ok(Arc::new(Cavage {
        names: a.main()?,
        method: a.get("method")?,
        url: a.get("target")?,
        headers: a.get("headers")?,
        set: a.template_map("set")?,
        created: a.get("created")?,
        expires: a.get("expires")?,
    }))
}

#[derive(Debug)]
struct Cavage {
    names: Param<Template>,
    method: Param<Template>,
    url: Param<Template>,
    headers: Param<Template>,
    set: Vec<(String, Param<Template>)>,
    created: Param<Template>,
    expires: Param<Template>,
}

/// What a signing string is built from.
pub struct Request<'a> {
    pub method: &'a [u8],
    pub url: &'a [u8],
    pub headers: &'a [(String, Vec<u8>)],
    pub created: &'a [u8],
    pub expires: &'a [u8],
}

/// The signing string of a `headers` list over a request, or the error naming the entry.
pub fn signing_string(names: &[u8], req: &Request) -> Result<Vec<u8>, String> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for name in names.split(|b| b.is_ascii_whitespace()) {
        if name.is_empty() {
            continue;
        }
        let name = name.to_ascii_lowercase();
        let shown = String::from_utf8_lossy(&name).into_owned();
        let value = match name.as_slice() {
            b"(request-target)" => {
                let rest = url_part(req.url, UrlPart::PathAndQuery);
                let mut v = req.method.to_ascii_lowercase();
                v.push(b' ');
                if !rest.starts_with(b"/") {
                    v.push(b'/');
                }
                v.extend_from_slice(&rest);
                v
            }
            b"(created)" | b"(expires)" => {
                let v = if name == b"(created)" {
                    req.created
                } else {
                    req.expires
                };
                if v.is_empty() {
                    return Err(format!(
                        "`{shown}` is listed, but the signature has no `{}` parameter",
                        &shown[1..shown.len() - 1]
                    ));
                }
                v.to_vec()
            }
            n if n.starts_with(b"(") => {
                return Err(format!(
                    "`{shown}` is not a pseudo-header of the draft ((request-target), (created), (expires))"
                ));
            }
            _ => {
                let values: Vec<&[u8]> = req
                    .headers
                    .iter()
                    .filter(|(n, _)| n.as_bytes().eq_ignore_ascii_case(&name))
                    .map(|(_, v)| v.trim_ascii())
                    .collect();
                if values.is_empty() {
                    return Err(format!(
                        "`{shown}` is listed, but the request has no such header"
                    ));
                }
                values.join(&b", "[..])
            }
        };
        lines.push([name.as_slice(), b": ", &value].concat());
    }
    Ok(lines.join(&b"\n"[..]))
}

impl Primitive for Cavage {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        [
            &self.names,
            &self.method,
            &self.url,
            &self.headers,
            &self.created,
            &self.expires,
        ]
        .into_iter()
        .chain(self.set.iter().map(|(_, t)| t))
        .map(|p| p.get(sel))
        .collect()
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let names_t = self.names.get(sel);
        let names = scope.render(names_t)?;
        let method = scope.render(self.method.get(sel))?;
        let url = scope.render(self.url.get(sel))?;
        let created = scope.render(self.created.get(sel))?;
        let expires = scope.render(self.expires.get(sel))?;
        let headers_t = self.headers.get(sel);
        let text = scope.render(headers_t)?;
        let mut list = parse_header_lines(&text.bytes).map_err(|(line, m)| SignError::Input {
            input: scope.input_name(headers_t),
            message: format!("line {line}: {m}"),
        })?;
        for (name, v) in &self.set {
            let value = scope.render(v.get(sel))?.bytes.into_owned();
            if !value.is_empty() {
                list.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                list.push((name.clone(), value));
            }
        }
        let req = Request {
            method: &method.bytes,
            url: &url.bytes,
            headers: &list,
            created: created.bytes.trim_ascii(),
            expires: expires.bytes.trim_ascii(),
        };
        signing_string(&names.bytes, &req)
            .map(Out::from)
            .map_err(|message| SignError::Input {
                input: format!(
                    "stage `{}` (cavage_string of {})",
                    scope.stage(),
                    scope.input_name(names_t)
                ),
                message,
            })
    }

    fn describe(&self, sel: &Selection) -> String {
        let mut from = name_of(self.headers.get(sel));
        if !self.set.is_empty() {
            let names: Vec<&str> = self.set.iter().map(|(n, _)| n.as_str()).collect();
            from = format!("{from} with {}", names.join(", "));
        }
        format!(
            "\"name: value\" lines of the headers {} lists, in its order, joined by \"\\n\" ((request-target) from {} and {}; headers from {from})",
            name_of(self.names.get(sel)),
            name_of(self.method.get(sel)),
            name_of(self.url.get(sel)),
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.names.get(sel).clone()),
                Arg::Bytes(self.method.get(sel).clone()),
                Arg::Bytes(self.url.get(sel).clone()),
                Arg::Bytes(self.headers.get(sel).clone()),
                Arg::Pairs(
                    self.set
                        .iter()
                        .map(|(n, t)| (n.clone(), t.get(sel).clone()))
                        .collect(),
                ),
                Arg::Bytes(self.created.get(sel).clone()),
                Arg::Bytes(self.expires.get(sel).clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(names: &str, headers: &[u8], created: &str) -> Result<String, String> {
        let list = parse_header_lines(headers).expect("header lines");
        let req = Request {
            method: b"POST",
            url: b"https://example.com/foo?param=value&pet=dog",
            headers: &list,
            created: created.as_bytes(),
            expires: b"",
        };
        signing_string(names.as_bytes(), &req).map(|b| String::from_utf8(b).expect("text"))
    }

    /// The test message of draft-ietf-httpbis-message-signatures-00's appendix (draft-cavage-12's).
    const MESSAGE: &[u8] = b"Host: example.com\nDate: Tue, 07 Jun 2014 20:51:35 GMT\nContent-Type: application/json\nDigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\nContent-Length: 18\n";

    #[test]
    fn draft_test_case_covering_all_header_fields() {
        assert_eq!(
            string(
                "(created) (request-target) host date content-type digest content-length",
                MESSAGE,
                "1402170695"
            )
            .unwrap(),
            "(created): 1402170695\n(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Tue, 07 Jun 2014 20:51:35 GMT\ncontent-type: application/json\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\ncontent-length: 18"
        );
    }

    #[test]
    fn draft_header_canonicalization_examples() {
        // draft-ietf-httpbis-message-signatures-00, section 2.1's examples: whitespace trimmed,
        // folded lines unfolded, repeats joined by ", ", an empty header kept.
        let h: &[u8] = b"Server: www.example.com\nX-OWS-Header:   Leading and trailing whitespace.   \nX-Obs-Fold-Header: Obsolete\n    line folding.\nX-Empty-Header: \nCache-Control: max-age=60\nCache-Control:    must-revalidate\n";
        assert_eq!(
            string(
                "cache-control X-OWS-Header x-obs-fold-header x-empty-header server",
                h,
                ""
            )
            .unwrap(),
            "cache-control: max-age=60, must-revalidate\nx-ows-header: Leading and trailing whitespace.\nx-obs-fold-header: Obsolete line folding.\nx-empty-header: \nserver: www.example.com"
        );
    }

    #[test]
    fn errors_name_the_entry() {
        assert!(
            string("date x-missing", MESSAGE, "")
                .unwrap_err()
                .contains("`x-missing`")
        );
        assert!(
            string("(created)", MESSAGE, "")
                .unwrap_err()
                .contains("created")
        );
        assert!(
            string("(key-id)", MESSAGE, "")
                .unwrap_err()
                .contains("`(key-id)`")
        );
        assert_eq!(string("", MESSAGE, "").unwrap(), "");
    }
}

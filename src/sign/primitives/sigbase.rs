//! `signature_base = T`: the signature base of RFC 9421 (HTTP Message Signatures) for a request,
//! built from the list the request carries. T is the value of one member of `Signature-Input`
//! (without its label): an inner list of component identifiers with the signature's parameters,
//! `("@method" "@authority" "content-type");created=1618884473;keyid="k"`. Each identifier gives
//! one line, `"name";params: value`, in the list's order; the last line is
//! `"@signature-params": ` and the list, strictly re-serialized (RFC 8941, by the `sfv` crate).
//! Derived components (`@method`, `@target-uri`, `@authority`, `@scheme`, `@request-target`,
//! `@path`, `@query`, `@query-param;name=…`) come from `method` and `url`; fields from the header
//! lines (`headers`, with `set`), repeats joined by `, `, with `;sf`, `;key=…` and `;bs`.
//! Anything RFC 9421 section 2.5 calls an error (a missing field, an unknown component or
//! parameter, `@status` or `;req` in a request) is one error naming the component.
//!
//! The base is text only: the MAC (or, later, a public-key signature) is the next stage's.

use std::sync::Arc;

use sfv::{BareItem, FieldType, Item, List, ListEntry, Parser};

use super::headers::parse_header_lines;
use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Args, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::encoding::{Alphabet, base64};
use crate::sign::form::{UrlPart, percent_decode, url_part};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Prim, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "signature_base",
    summary: "RFC 9421's signature base: one `\"component\": value` line per identifier of the list, in its order (derived `@method` `@target-uri` `@authority` `@scheme` `@request-target` `@path` `@query` `@query-param;name=`, header fields with `;sf` `;key=` `;bs`), then `\"@signature-params\": ` and the list re-serialized; an unknown or missing component is an error naming it",
    main: ArgSpec::required(
        "signature_base",
        Kind::Template,
        "a Signature-Input member's value: the inner list and its parameters",
    ),
    args: &[
        ArgSpec::required("method", Kind::Template, "the request's method"),
        ArgSpec::required(
            "target",
            Kind::Template,
            "the request's URL (scheme, authority, path and query)",
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
            "status",
            Kind::Template,
            "",
            "a response's status code (`@status`); empty: the message is a request",
        ),
    ],
    func: &FUNC,
    build,
    vectors: &[Vector {
        // RFC 9421 appendix B.2.5: the test-request, the signature base printed there.
        stage: "signature_base = '(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"'\nmethod = \"POST\"\ntarget = \"https://example.com/foo?param=Value&Pet=dog\"\nheaders = \"{body}\"",
        key: "",
        body: "Host: example.com\nDate: Tue, 20 Apr 2021 02:07:55 GMT\nContent-Type: application/json\nContent-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\nContent-Length: 18\n",
        expected: Expected::Text(
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@authority\": example.com\n\"content-type\": application/json\n\"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"",
        ),
        source: "RFC 9421 appendix B.2.5 (the signature base of sig-b25)",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper(
    "signature_base",
    &["params", "method", "target", "headers", "set"],
);

fn build(a: &Args) -> Result<Prim, String> {
    Ok(Arc::new(SignatureBase {
        params: a.main()?,
        method: a.get("method")?,
        url: a.get("target")?,
        headers: a.get("headers")?,
        set: a.template_map("set")?,
        status: a.get("status")?,
    }))
}

#[derive(Debug)]
struct SignatureBase {
    params: Param<Template>,
    method: Param<Template>,
    url: Param<Template>,
    headers: Param<Template>,
    set: Vec<(String, Param<Template>)>,
    status: Param<Template>,
}

/// What a signature base is built from: the request's method, URL and header lines (a
/// response's status code instead, when it is one).
pub struct Message<'a> {
    pub method: &'a [u8],
    pub url: &'a [u8],
    pub headers: &'a [(String, Vec<u8>)],
    /// A response's status code; empty for a request.
    pub status: &'a [u8],
}

/// The signature base of a Signature-Input member's value over a message, or the error (one
/// sentence, naming the component) that RFC 9421 section 2.5 asks for.
pub fn signature_base(params: &[u8], msg: &Message) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(params).map_err(|_| "not ASCII text".to_string())?;
    let list: List = Parser::new(text.trim())
        .parse()
        .map_err(|e| format!("`{text}` is not a parameterized inner list (RFC 8941): {e}"))?;
    let [ListEntry::InnerList(inner)] = list.as_slice() else {
        return Err(format!(
            "`{text}` is not one inner list `(\"…\" …);created=…` (give the member's value, without its label)"
        ));
    };
    let mut out = Vec::new();
    let mut seen: Vec<&Item> = Vec::new();
    for item in &inner.items {
        let shown = item.serialize();
        let BareItem::String(name) = &item.bare_item else {
            return Err(format!(
                "the covered component {shown} is not a String (\"name\")"
            ));
        };
        if seen.iter().any(|s| same_identifier(s, item)) {
            return Err(format!("the covered component {shown} is listed twice"));
        }
        seen.push(item);
        let value = component(name.as_str(), item, msg)
            .map_err(|m| format!("the covered component {shown}: {m}"))?;
        if let Some(b) = value.iter().find(|b| !(b.is_ascii() && **b != b'\n')) {
            return Err(format!(
                "the covered component {shown}: its value holds the byte 0x{b:02x}, which a signature base cannot (RFC 9421 2.5; `;bs` wraps such a field)"
            ));
        }
        out.extend_from_slice(shown.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&value);
        out.push(b'\n');
    }
    let serialized = list.serialize().unwrap_or_default();
    out.extend_from_slice(b"\"@signature-params\": ");
    out.extend_from_slice(serialized.as_bytes());
    Ok(out)
}

/// Whether two identifiers are the same component: the same name and the same parameters, in
/// any order (RFC 9421 section 2).
fn same_identifier(a: &Item, b: &Item) -> bool {
    a.bare_item == b.bare_item
        && a.params.len() == b.params.len()
        && a.params.iter().all(|(k, v)| b.params.get(k) == Some(v))
}

/// The value of one covered component.
fn component(name: &str, item: &Item, msg: &Message) -> Result<Vec<u8>, String> {
    let flag = |p: &str| item.params.contains_key(p);
    if flag("req") {
        return Err("`req` takes a value from the request of a response; this is a request".into());
    }
    if flag("tr") {
        return Err("`tr` names a trailer, which a request here does not carry".into());
    }
    if let Some(derived) = name.strip_prefix('@') {
        let allowed: &[&str] = if derived == "query-param" {
            &["name"]
        } else {
            &[]
        };
        if let Some((k, _)) = item
            .params
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            return Err(format!(
                "the parameter `{}` does not apply here",
                k.as_str()
            ));
        }
        return derived_value(derived, item, msg);
    }
    if let Some((k, _)) = item
        .params
        .iter()
        .find(|(k, _)| !matches!(k.as_str(), "sf" | "key" | "bs"))
    {
        return Err(format!(
            "the parameter `{}` is not one of a field's (sf, key, bs)",
            k.as_str()
        ));
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("a field's component name is its name in lower case (RFC 9421 2.1)".into());
    }
    let values: Vec<&[u8]> = msg
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim_ascii())
        .collect();
    if values.is_empty() {
        return Err(format!(
            "the request has no `{name}` header (a covered field must be there)"
        ));
    }
    if flag("bs") {
        if flag("sf") || flag("key") {
            return Err("`bs` cannot go with `sf` or `key`".into());
        }
        let wrapped: Vec<Vec<u8>> = values
            .iter()
            .map(|v| [&b":"[..], &base64(v, Alphabet::Standard, true), b":"].concat())
            .collect();
        return Ok(wrapped.join(&b", "[..]));
    }
    let joined = values.join(&b", "[..]);
    if let Some(key) = item.params.get("key") {
        let BareItem::String(key) = key else {
            return Err("`key` must be a String (`;key=\"a\"`)".into());
        };
        let dict: sfv::Dictionary = Parser::new(&joined).parse().map_err(|e| {
            format!("`key` needs a Dictionary, and the field does not read as one: {e}")
        })?;
        let member = dict
            .get(key.as_str())
            .ok_or_else(|| format!("the Dictionary has no member `{}`", key.as_str()))?;
        let one: List = vec![member.clone()];
        return Ok(one.serialize().unwrap_or_default().into_bytes());
    }
    if flag("sf") {
        if let Ok(dict) = Parser::new(&joined).parse::<sfv::Dictionary>() {
            return Ok(dict.serialize().unwrap_or_default().into_bytes());
        }
        return match Parser::new(&joined).parse::<List>() {
            Ok(list) => Ok(list.serialize().unwrap_or_default().into_bytes()),
            Err(e) => Err(format!(
                "`sf` needs a structured field, and the value is not a Dictionary, List or Item: {e}"
            )),
        };
    }
    Ok(joined)
}

/// A derived component's value (RFC 9421 section 2.2).
fn derived_value(derived: &str, item: &Item, msg: &Message) -> Result<Vec<u8>, String> {
    let url = msg.url;
    let path = || {
        let p = url_part(url, UrlPart::Path);
        if p.is_empty() { b"/".to_vec() } else { p }
    };
    let has_query = url_part(url, UrlPart::PathAndQuery).contains(&b'?');
    let query = url_part(url, UrlPart::Query);
    Ok(match derived {
        "method" => msg.method.to_vec(),
        "target-uri" => url.split(|&b| b == b'#').next().unwrap_or(url).to_vec(),
        "authority" => authority(url)?,
        "scheme" => {
            let at = url
                .windows(3)
                .position(|w| w == b"://")
                .ok_or("the URL has no scheme")?;
            url[..at].to_ascii_lowercase()
        }
        "request-target" => {
            let mut out = path();
            if has_query {
                out.push(b'?');
                out.extend_from_slice(&query);
            }
            out
        }
        "path" => path(),
        "query" => [&b"?"[..], &query].concat(),
        "query-param" => {
            let Some(BareItem::String(wanted)) = item.params.get("name") else {
                return Err("`@query-param` needs `;name=\"…\"`, a String".into());
            };
            let found: Vec<Vec<u8>> = query
                .split(|&b| b == b'&')
                .filter(|p| !p.is_empty())
                .filter_map(|pair| {
                    let (n, v) = match pair.iter().position(|&b| b == b'=') {
                        Some(i) => (&pair[..i], &pair[i + 1..]),
                        None => (pair, &b""[..]),
                    };
                    (form_encode(&percent_decode(n, true)) == wanted.as_str().as_bytes())
                        .then(|| form_encode(&percent_decode(v, true)))
                })
                .collect();
            match found.as_slice() {
                [one] => one.clone(),
                [] => return Err("the query has no such parameter".into()),
                _ => {
                    return Err(
                        "the query repeats that parameter, which RFC 9421 2.2.8 forbids to sign"
                            .into(),
                    );
                }
            }
        }
        "status" if msg.status.is_empty() => {
            return Err("`@status` is a response's; this is a request".into());
        }
        // RFC 9421 2.2.9: the three-digit status code.
        "status" => msg.status.to_vec(),
        "signature-params" => {
            return Err("`@signature-params` is always the last line, never in the list".into());
        }
        _ => return Err("not a derived component this knows (RFC 9421 2.2)".into()),
    })
}

/// The URL's authority, normalized (HTTP section 4.2.3): lower case, without a default port or
/// user information.
fn authority(url: &[u8]) -> Result<Vec<u8>, String> {
    let at = url
        .windows(3)
        .position(|w| w == b"://")
        .ok_or("the URL has no authority (scheme://host)")?;
    let scheme = url[..at].to_ascii_lowercase();
    let host = url_part(url, UrlPart::Host).to_ascii_lowercase();
    let host = match host.iter().rposition(|&b| b == b'@') {
        Some(i) => host[i + 1..].to_vec(),
        None => host,
    };
    let default = match scheme.as_slice() {
        b"https" | b"wss" => &b":443"[..],
        b"http" | b"ws" => b":80",
        _ => b"",
    };
    Ok(match host.strip_suffix(default) {
        Some(h) if !default.is_empty() => h.to_vec(),
        _ => host,
    })
}

/// The "percent-encode after encoding" of WHATWG URL's form serializing, as RFC 9421 2.2.8
/// uses it: all but `A-Z a-z 0-9 * - . _` as `%XX`, a space too.
fn form_encode(data: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(data.len());
    for &b in data {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        }
    }
    out
}

impl Primitive for SignatureBase {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        [
            &self.params,
            &self.method,
            &self.url,
            &self.headers,
            &self.status,
        ]
        .into_iter()
        .chain(self.set.iter().map(|(_, t)| t))
        .map(|p| p.get(sel))
        .collect()
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let params_t = self.params.get(sel);
        let params = scope.render(params_t)?;
        let method = scope.render(self.method.get(sel))?;
        let url = scope.render(self.url.get(sel))?;
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
        let status = scope.render(self.status.get(sel))?;
        let msg = Message {
            method: &method.bytes,
            url: &url.bytes,
            headers: &list,
            status: &status.bytes,
        };
        signature_base(&params.bytes, &msg)
            .map(Out::from)
            .map_err(|message| SignError::Input {
                input: format!(
                    "stage `{}` (signature_base of {})",
                    scope.stage(),
                    scope.input_name(params_t)
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
            "RFC 9421 signature base of the components {} lists (method {}, URL {}, headers {from}), then \"@signature-params\"",
            name_of(self.params.get(sel)),
            name_of(self.method.get(sel)),
            name_of(self.url.get(sel)),
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.params.get(sel).clone()),
                Arg::Bytes(self.method.get(sel).clone()),
                Arg::Bytes(self.url.get(sel).clone()),
                Arg::Bytes(self.headers.get(sel).clone()),
                Arg::Pairs(
                    self.set
                        .iter()
                        .map(|(n, t)| (n.clone(), t.get(sel).clone()))
                        .collect(),
                ),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9421 appendix B.2's test-request.
    const TEST_REQUEST: &[u8] = b"Host: example.com\nDate: Tue, 20 Apr 2021 02:07:55 GMT\nContent-Type: application/json\nContent-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\nContent-Length: 18\n";

    fn base(params: &str, method: &str, url: &str, headers: &[u8]) -> Result<String, String> {
        let list = parse_header_lines(headers).expect("header lines");
        let msg = Message {
            status: b"",
            method: method.as_bytes(),
            url: url.as_bytes(),
            headers: &list,
        };
        signature_base(params.as_bytes(), &msg).map(|b| String::from_utf8(b).expect("ASCII"))
    }

    fn test_request(params: &str) -> Result<String, String> {
        base(
            params,
            "POST",
            "https://example.com/foo?param=Value&Pet=dog",
            TEST_REQUEST,
        )
    }

    #[test]
    fn rfc9421_appendix_b2_signature_bases() {
        // B.2.1, minimal: no component, only the parameters.
        assert_eq!(
            test_request(
                r#"();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
            )
            .unwrap(),
            r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
        );
        // B.2.2, selective: a named query parameter and a tag.
        assert_eq!(
            test_request(r#"("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#).unwrap(),
            "\"@authority\": example.com\n\"content-digest\": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\n\"@query-param\";name=\"Pet\": dog\n\"@signature-params\": (\"@authority\" \"content-digest\" \"@query-param\";name=\"Pet\");created=1618884473;keyid=\"test-key-rsa-pss\";tag=\"header-example\""
        );
        // B.2.3, full coverage.
        assert_eq!(
            test_request(r#"("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#).unwrap(),
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@query\": ?param=Value&Pet=dog\n\"@authority\": example.com\n\"content-type\": application/json\n\"content-digest\": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@query\" \"@authority\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-rsa-pss\""
        );
        // B.2.6 (ed25519): whitespace the Structured Fields syntax allows is re-serialized away.
        assert_eq!(
            test_request(r#"("date"   "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#).unwrap(),
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\"content-type\": application/json\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
        );
    }

    #[test]
    fn rfc9421_section_2_1_field_values() {
        // The example message of section 2.1 and its component values (2.1, 2.1.1, 2.1.2).
        let h: &[u8] = b"Host: www.example.com\nDate: Tue, 20 Apr 2021 02:07:56 GMT\nX-OWS-Header:   Leading and trailing whitespace.   \nX-Obs-Fold-Header: Obsolete\n    line folding.\nCache-Control: max-age=60\nCache-Control:    must-revalidate\nExample-Dict:  a=1,    b=2;x=1;y=2,   c=(a   b   c)\nX-Empty-Header: \n";
        let lines = |list: &str| {
            let b = base(&format!("({list})"), "GET", "https://www.example.com/", h).unwrap();
            b.rsplit_once("\n\"@signature-params\"")
                .map(|(l, _)| l.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            lines(
                r#""host" "date" "x-ows-header" "x-obs-fold-header" "cache-control" "example-dict""#
            ),
            "\"host\": www.example.com\n\"date\": Tue, 20 Apr 2021 02:07:56 GMT\n\"x-ows-header\": Leading and trailing whitespace.\n\"x-obs-fold-header\": Obsolete line folding.\n\"cache-control\": max-age=60, must-revalidate\n\"example-dict\": a=1,    b=2;x=1;y=2,   c=(a   b   c)"
        );
        assert_eq!(lines(r#""x-empty-header""#), "\"x-empty-header\": ");
        assert_eq!(
            lines(r#""example-dict";sf"#),
            "\"example-dict\";sf: a=1, b=2;x=1;y=2, c=(a b c)"
        );
        let d: &[u8] = b"Example-Dict:  a=1, b=2;x=1;y=2, c=(a   b    c), d\n";
        let b = base(
            r#"("example-dict";key="a" "example-dict";key="d" "example-dict";key="b" "example-dict";key="c")"#,
            "GET",
            "https://www.example.com/",
            d,
        )
        .unwrap();
        assert!(b.starts_with("\"example-dict\";key=\"a\": 1\n\"example-dict\";key=\"d\": ?1\n\"example-dict\";key=\"b\": 2;x=1;y=2\n\"example-dict\";key=\"c\": (a b c)\n"), "{b}");
    }

    #[test]
    fn rfc9421_section_2_1_3_byte_sequences() {
        let two: &[u8] = b"Example-Header: value, with, lots\nExample-Header: of, commas\n";
        let one: &[u8] = b"Example-Header: value, with, lots, of, commas\n";
        let p = r#"("example-header";bs)"#;
        let url = "https://www.example.com/";
        assert!(base(p, "GET", url, two).unwrap().starts_with(
            "\"example-header\";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:\n"
        ));
        assert!(
            base(p, "GET", url, one)
                .unwrap()
                .starts_with("\"example-header\";bs: :dmFsdWUsIHdpdGgsIGxvdHMsIG9mLCBjb21tYXM=:\n")
        );
    }

    #[test]
    fn rfc9421_section_2_2_derived_components() {
        let get = |list: &str, method: &str, url: &str| {
            base(&format!("({list})"), method, url, b"").map(|b| {
                b.rsplit_once("\n\"@signature-params\"")
                    .map(|(l, _)| l.to_string())
                    .unwrap_or_default()
            })
        };
        let url = "https://www.example.com/path?param=value";
        assert_eq!(
            get(
                r#""@method" "@target-uri" "@authority" "@request-target" "@path" "@query""#,
                "POST",
                url
            )
            .unwrap(),
            "\"@method\": POST\n\"@target-uri\": https://www.example.com/path?param=value\n\"@authority\": www.example.com\n\"@request-target\": /path?param=value\n\"@path\": /path\n\"@query\": ?param=value"
        );
        assert_eq!(
            get(
                r#""@scheme""#,
                "POST",
                "http://www.example.com/path?param=value"
            )
            .unwrap(),
            "\"@scheme\": http"
        );
        assert_eq!(
            get(
                r#""@query""#,
                "GET",
                "https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman"
            )
            .unwrap(),
            "\"@query\": ?param=value&foo=bar&baz=bat%2Dman"
        );
        assert_eq!(
            get(r#""@query""#, "GET", "https://www.example.com/path").unwrap(),
            "\"@query\": ?"
        );
        assert_eq!(
            get(r#""@query-param";name="baz" "@query-param";name="qux" "@query-param";name="param""#, "GET", "https://www.example.com/path?param=value&foo=bar&baz=batman&qux=").unwrap(),
            "\"@query-param\";name=\"baz\": batman\n\"@query-param\";name=\"qux\": \n\"@query-param\";name=\"param\": value"
        );
        assert_eq!(
            get(r#""@query-param";name="var" "@query-param";name="bar" "@query-param";name="fa%C3%A7ade%22%3A%20""#, "GET", "https://www.example.com/parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something").unwrap(),
            "\"@query-param\";name=\"var\": this%20is%20a%20big%0Amultiline%20value\n\"@query-param\";name=\"bar\": with%20plus%20whitespace\n\"@query-param\";name=\"fa%C3%A7ade%22%3A%20\": something"
        );
        assert_eq!(
            get(r#""@authority""#, "GET", "https://WWW.Example.com:443/").unwrap(),
            "\"@authority\": www.example.com"
        );
    }

    #[test]
    fn errors_name_the_component() {
        let err = |p: &str| test_request(p).unwrap_err();
        assert!(err(r#"("x-missing")"#).contains("\"x-missing\""));
        assert!(err(r#"("@status")"#).contains("response"));
        assert!(err(r#"("date" "date")"#).contains("twice"));
        assert!(err(r#"("@query-param";name="nope")"#).contains("no such parameter"));
        assert!(err(r#"("content-type";req)"#).contains("`req`"));
        assert!(err(r#"("content-type";bs;sf)"#).contains("`bs`"));
        assert!(err(r#"("@bogus")"#).contains("\"@bogus\""));
        assert!(err(r#"("@signature-params")"#).contains("last line"));
        assert!(err("sig1=(\"date\")").contains("inner list"));
        assert!(err("(\"date\"").contains("RFC 8941"));
        assert!(err("(date)").contains("not a String"));
        for e in [err("(\"x\""), err("(\"x-missing\")")] {
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }
}

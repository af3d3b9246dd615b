//! A scheme's inputs taken from a request by the recipe's `[import]` rules: its fields, body,
//! variant choices and the signature it carried, and what was not found or is malformed.

use std::collections::BTreeMap;

use super::message::Imported;
use crate::sign::Recipe;
use crate::sign::recipe::Source;
use crate::sign::template::{Piece, Template};

/// A request's values for a scheme: fields, body and the signature it carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapped {
    pub fields: BTreeMap<String, String>,
    pub body: Option<Vec<u8>>,
    /// The request's header lines as received.
    pub headers: Vec<u8>,
    pub signature: Option<String>,
    /// Variant choices the request makes (its version header, its signature method).
    pub variants: BTreeMap<String, String>,
    /// For each field the request did not give, where the import looked (`query:X-Amz-Credential`).
    pub looked: BTreeMap<String, String>,
    /// Whether a pattern took the body out of a carrier (a JWT's payload).
    pub body_captured: bool,
    /// What was taken from where, and what was not found.
    pub notes: Vec<String>,
    /// A carrier that is there but malformed (an Authorization that does not read as the
    /// scheme's, a Stripe-Signature without t=): one sentence each, naming the header.
    pub errors: Vec<String>,
}

/// Takes a scheme's inputs from a request, by the recipe's `[import]` rules. Fields in `given`
/// (set explicitly) are kept and not looked up.
pub fn map(recipe: &Recipe, req: &Imported, given: &BTreeMap<String, String>) -> Mapped {
    map_with(recipe, req, given, &BTreeMap::new())
}

/// As [`map`]; `context` holds field values that name sources (`header:{header}`) without
/// being kept over the request's.
pub fn map_with(
    recipe: &Recipe,
    req: &Imported,
    given: &BTreeMap<String, String>,
    context: &BTreeMap<String, String>,
) -> Mapped {
    let mut m = Mapped {
        headers: req.head.clone(),
        ..Mapped::default()
    };
    let spec = &recipe.import;
    let known = |m: &Mapped, name: &str| {
        given
            .get(name)
            .or(m.fields.get(name))
            .or(context.get(name).filter(|v| !v.is_empty()))
            .cloned()
    };
    for (field, sources) in &spec.fields {
        if given.contains_key(field) {
            continue;
        }
        let mut errs = Vec::new();
        let found = first_value(req, sources, &|n| known(&m, n), &mut errs);
        add_errors(&mut m, errs);
        match found {
            Some((v, _)) => {
                m.fields.insert(field.clone(), v);
            }
            None => {
                let places = describe_sources(sources, req);
                m.notes
                    .push(format!("no {places} in the request for `{field}`"));
                m.looked.insert(field.clone(), places);
            }
        }
    }
    // Patterns on one source are alternatives (OSS's V1 `OSS ak:sig` and V4 `OSS4-HMAC-SHA256
    // Credential=…` Authorization): a value that reads as none of them is the error, once.
    let mut unread: Vec<(String, String)> = Vec::new();
    let mut read_sources: Vec<String> = Vec::new();
    for p in &spec.patterns {
        let mut errs = Vec::new();
        let value = source_value(req, &p.from, &|n| known(&m, n), &mut errs);
        add_errors(&mut m, errs);
        let Some(value) = value else {
            m.notes.push(format!("no {} in the request", p.from.from));
            for name in p.pattern.references() {
                if !m.fields.contains_key(name) && !given.contains_key(name) {
                    let place = m.looked.entry(name.to_string()).or_default();
                    if !place.is_empty() {
                        place.push_str(" or ");
                    }
                    place.push_str(&p.from.from);
                }
            }
            continue;
        };
        let place = place_of(&p.from.from);
        let found = match &p.split {
            // A list (`t=…,v1=…`): the captures of every item that reads as the pattern.
            Some(sep) => {
                let all: Vec<(String, String)> = value
                    .split(sep.as_str())
                    .filter_map(|item| match_pattern(&p.pattern, item.trim()))
                    .flatten()
                    .collect();
                (!all.is_empty()).then_some(all)
            }
            None => match_pattern(&p.pattern, &value),
        };
        match found {
            Some(captures) => {
                read_sources.push(p.from.from.clone());
                for (name, v) in captures {
                    let v = match p.decode.get(&name) {
                        Some(alphabet) => {
                            match crate::sign::encoding::decode_base64(v.as_bytes(), *alphabet) {
                                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                                Err(e) => {
                                    m.errors.push(format!("{place}: the {name} part {e}"));
                                    continue;
                                }
                            }
                        }
                        None => v,
                    };
                    if name == "signature" {
                        m.signature = Some(v);
                    } else if name == "body" {
                        m.body = Some(v.into_bytes());
                        m.body_captured = true;
                    } else if !name.starts_with('_') && !given.contains_key(&name) {
                        m.fields.entry(name).or_insert(v);
                    }
                }
            }
            None => {
                let shown: String = value.chars().take(60).collect();
                let error = match &p.split {
                    Some(sep) => format!(
                        "{place}: no `{}` item among `{shown}` (items split on {sep:?})",
                        p.pattern
                    ),
                    None => format!("{place}: `{shown}` does not read as `{}`", p.pattern),
                };
                match unread.iter_mut().find(|(from, _)| *from == p.from.from) {
                    Some((_, e)) => {
                        let alt = format!(" or `{}`", p.pattern);
                        e.push_str(&alt);
                    }
                    None => unread.push((p.from.from.clone(), error)),
                }
            }
        }
    }
    for (from, error) in unread {
        if !read_sources.contains(&from) {
            m.errors.push(error);
        }
    }
    if !spec.signature.is_empty() {
        let mut errs = Vec::new();
        let found = if spec.every_signature {
            let separator = recipe
                .signatures
                .as_ref()
                .and_then(|l| l.separator.clone())
                .unwrap_or_else(|| ",".to_string());
            let all: Vec<String> = spec
                .signature
                .iter()
                .filter(|s| applies(s, req))
                .filter_map(|s| source_value(req, s, &|n| known(&m, n), &mut errs))
                .collect();
            (!all.is_empty()).then(|| (all.join(&separator), 0))
        } else {
            first_value(req, &spec.signature, &|n| known(&m, n), &mut errs)
        };
        add_errors(&mut m, errs);
        match found {
            Some((v, _)) => m.signature = Some(v),
            None => m.notes.push(format!(
                "no {} in the request for the signature",
                describe_sources(&spec.signature, req)
            )),
        }
    }
    let body_sources = if spec.body.is_empty() {
        vec![Source {
            from: "body".into(),
            methods: Vec::new(),
        }]
    } else {
        spec.body.clone()
    };
    if m.body.is_none() {
        let mut errs = Vec::new();
        m.body =
            first_value_bytes(req, &body_sources, &|n| known(&m, n), &mut errs).map(|(b, _)| b);
        add_errors(&mut m, errs);
    }
    // An XML body the import reads from (`xml:sign`) that does not read: say where, rather than
    // that nothing was found. A body that is not XML at all (no `<` first) is only not found.
    let xml_source = spec
        .fields
        .values()
        .flatten()
        .chain(&spec.signature)
        .chain(spec.variants.iter().map(|v| &v.from))
        .find(|s| s.from.starts_with("xml:"));
    let body = req.body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&req.body);
    if let Some(source) = xml_source
        && body.trim_ascii_start().first() == Some(&b'<')
        && let Err(e) = crate::sign::xml::read_flat(&req.body)
    {
        m.errors.push(format!(
            "body: invalid XML at line {}, column {} ({} is read from it): {}",
            e.line, e.column, source.from, e.message
        ));
    }
    for rule in &spec.variants {
        if m.variants.contains_key(&rule.variant) {
            continue;
        }
        // `field:NAME` reads what the import found (a service named in a credential scope).
        let mut errs = Vec::new();
        let value = match rule.from.from.strip_prefix("field:") {
            Some(name) => known(&m, name),
            None => source_value(req, &rule.from, &|n| known(&m, n), &mut errs),
        };
        add_errors(&mut m, errs);
        let Some(mut value) = value else {
            continue;
        };
        if let Some(name) = &rule.member {
            let json = crate::sign::json::parse_json(value.as_bytes()).ok();
            match json.as_ref().and_then(|j| member(j, name)) {
                Some(serde_json::Value::String(v)) => value = v.clone(),
                Some(other) => value = other.to_string(),
                None => continue,
            }
        }
        if let Some(name) = &rule.parameter {
            // A parameter of a list (`…;alg="ed25519";keyid="k"`, `a=1, b=2`), quotes taken off.
            let found = value
                .split([';', ','])
                .map(str::trim)
                .find_map(|p| p.strip_prefix(name.as_str())?.strip_prefix('='))
                .map(|v| v.trim_matches('"').to_string());
            match found {
                Some(v) => value = v,
                None => continue,
            }
        }
        let choices = recipe
            .variant(&rule.variant)
            .map(|v| v.choices.clone())
            .unwrap_or_default();
        let value = value.trim();
        // A value is matched as written, then in any case, then by what comes before its
        // first `;` (a Content-Type's media type without its charset).
        // Then by its first word (an Authorization header's scheme: `OSS4-HMAC-SHA256 Credential=…`).
        let bare = value.split(';').next().unwrap_or(value).trim();
        let word = value.split_whitespace().next().unwrap_or(value);
        let find = |keys: &mut dyn Iterator<Item = &String>| -> Option<String> {
            let keys: Vec<&String> = keys.collect();
            keys.iter()
                .find(|k| k.as_str() == value)
                .or_else(|| keys.iter().find(|k| k.eq_ignore_ascii_case(value)))
                .or_else(|| keys.iter().find(|k| k.eq_ignore_ascii_case(bare)))
                .or_else(|| keys.iter().find(|k| k.eq_ignore_ascii_case(word)))
                .map(|k| k.to_string())
        };
        if let Some(why) = rule
            .refuse
            .iter()
            .find(|(v, _)| v.eq_ignore_ascii_case(value))
            .map(|(_, why)| why)
        {
            m.errors.push(format!(
                "{}: `{value}` is refused: {why}",
                place_of(&rule.from.from)
            ));
            continue;
        }
        let picked = match (&rule.choice, rule.map.is_empty()) {
            (Some(c), _) => Some(c.clone()),
            (None, false) => find(&mut rule.map.keys())
                .and_then(|k| rule.map.get(&k).cloned())
                .or_else(|| rule.otherwise.clone()),
            (None, true) => find(&mut choices.iter()).or_else(|| rule.otherwise.clone()),
        };
        match picked {
            Some(choice) => {
                m.notes.push(format!(
                    "{} picks {}={choice}",
                    place_of(&rule.from.from),
                    rule.variant
                ));
                m.variants.insert(rule.variant.clone(), choice);
            }
            None => {
                let shown: String = value.chars().take(60).collect();
                let known: Vec<&str> = if rule.map.is_empty() {
                    choices.iter().map(String::as_str).collect()
                } else {
                    rule.map.keys().map(String::as_str).collect()
                };
                m.errors.push(format!(
                    "{}: `{shown}` is not one this scheme knows ({})",
                    place_of(&rule.from.from),
                    known.join(", ")
                ));
            }
        }
    }
    m
}

/// Whether the request could hold `recipe`'s signature: false only when no place the import
/// looks for it (a signature source, or a pattern that captures `signature`) can give a value.
/// Cheap (no body parsed), so that recognizing a request among all schemes maps fully only
/// those it may be; a place it cannot judge cheaply (a name made from a field) counts as maybe.
pub(crate) fn could_carry_signature(recipe: &Recipe, req: &Imported) -> bool {
    let spec = &recipe.import;
    spec.signature
        .iter()
        .filter(|s| applies(s, req))
        .any(|s| may_have(req, s))
        || spec
            .patterns
            .iter()
            .filter(|p| p.pattern.references().any(|r| r == "signature"))
            .any(|p| applies(&p.from, req) && may_have(req, &p.from))
}

/// False only when the request certainly has nothing at `source`.
fn may_have(req: &Imported, source: &Source) -> bool {
    let Some((kind, name)) = source.from.split_once(':') else {
        return true;
    };
    if name.contains('{') {
        return true;
    }
    let has_header = |h: &str| req.header(h).is_some();
    // A name that an encoding could hide (`%73ig`, `\u0073ig`): maybe.
    let contains = |hay: &[u8], name: &str, escapes: &[&[u8]]| {
        escapes
            .iter()
            .any(|e| hay.windows(e.len()).any(|w| w == *e))
            || hay.windows(name.len()).any(|w| w == name.as_bytes())
    };
    match kind {
        "header" => has_header(name),
        "headers" => req.headers.iter().any(|(n, _)| {
            n.len() >= name.len()
                && n.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        }),
        "query" => req
            .url
            .split_once('?')
            .is_some_and(|(_, q)| contains(q.as_bytes(), name, &[b"%", b"+"])),
        "member" => {
            // An array index (`items.0`) is not written in the body.
            let last = name.rsplit('.').next().unwrap_or(name);
            last.bytes().all(|b| b.is_ascii_digit()) || contains(&req.body, last, &[b"\\"])
        }
        "form" => contains(&req.body, name, &[b"%", b"+"]),
        "xml" => contains(&req.body, name, &[b"&"]),
        "auth-param" => has_header("authorization"),
        "param" | "dict" => name.split_once('/').is_none_or(|(h, _)| has_header(h)),
        "dict-key" => has_header(name),
        _ => true,
    }
}

/// A source as a sentence names it: `header X-Foo`, `query:X-Amz-Signature`.
fn place_of(from: &str) -> String {
    match from.split_once(':') {
        Some(("header", name)) => format!("header {name}"),
        _ => from.to_string(),
    }
}

fn applies(source: &Source, req: &Imported) -> bool {
    source.methods.is_empty()
        || source
            .methods
            .iter()
            .any(|x| x.eq_ignore_ascii_case(&req.method))
}

fn describe_sources(sources: &[Source], req: &Imported) -> String {
    let list: Vec<&str> = sources
        .iter()
        .filter(|s| applies(s, req))
        .map(|s| s.from.as_str())
        .collect();
    list.join(" or ")
}

/// Keeps the errors a source's lookup found, each once.
fn add_errors(m: &mut Mapped, errs: Vec<String>) {
    for e in errs {
        if !m.errors.contains(&e) {
            m.errors.push(e);
        }
    }
}

fn first_value(
    req: &Imported,
    sources: &[Source],
    field: &dyn Fn(&str) -> Option<String>,
    errs: &mut Vec<String>,
) -> Option<(String, usize)> {
    first_value_bytes(req, sources, field, errs)
        .map(|(b, i)| (String::from_utf8_lossy(&b).into_owned(), i))
}

fn first_value_bytes(
    req: &Imported,
    sources: &[Source],
    field: &dyn Fn(&str) -> Option<String>,
    errs: &mut Vec<String>,
) -> Option<(Vec<u8>, usize)> {
    sources
        .iter()
        .enumerate()
        .filter(|(_, s)| applies(s, req))
        .find_map(|(i, s)| source_value_bytes(req, s, field, errs).map(|v| (v, i)))
}

fn source_value(
    req: &Imported,
    source: &Source,
    field: &dyn Fn(&str) -> Option<String>,
    errs: &mut Vec<String>,
) -> Option<String> {
    source_value_bytes(req, source, field, errs).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The value at a source, if the request has it. A carrier that is there but malformed (a
/// Structured Field that does not parse, a dictionary without the member asked for) adds one
/// sentence naming its header to `errs`.
fn source_value_bytes(
    req: &Imported,
    source: &Source,
    field: &dyn Fn(&str) -> Option<String>,
    errs: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let (kind, name) = match source.from.split_once(':') {
        Some((k, n)) => (k, Some(render_name(n, field)?)),
        None => (source.from.as_str(), None),
    };
    let (before_fragment, _) = req.url.split_once('#').unwrap_or((&req.url, ""));
    let (without_query, query) = match before_fragment.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (before_fragment, None),
    };
    match (kind, name) {
        ("header", Some(n)) => req.header(&n).map(|v| v.trim().as_bytes().to_vec()),
        // Every header whose name starts so (DocuSign's X-DocuSign-Signature-1, -2 …), in the
        // request's order, values joined with `,`.
        ("headers", Some(prefix)) => {
            let values: Vec<&str> = req
                .headers
                .iter()
                .filter(|(n, _)| {
                    n.len() >= prefix.len()
                        && n.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
                })
                .map(|(_, v)| v.trim())
                .collect();
            (!values.is_empty()).then(|| values.join(",").into_bytes())
        }
        ("query", Some(n)) => {
            let params = crate::sign::form::parse_params(query?.as_bytes(), true).ok()?;
            params
                .into_iter()
                .find(|(k, _)| k == n.as_bytes())
                .map(|(_, v)| v)
        }
        ("member", Some(n)) => {
            let json = crate::sign::json::parse_json(&req.body).ok()?;
            match member(&json, &n)? {
                serde_json::Value::String(s) => Some(s.clone().into_bytes()),
                other => Some(other.to_string().into_bytes()),
            }
        }
        ("form", Some(n)) => crate::sign::form::parse_params(&req.body, true)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == n.as_bytes())
            .map(|(_, v)| v),
        ("xml", Some(n)) => crate::sign::xml::element_value(&req.body, &n),
        ("auth-param", Some(n)) => auth_params(req.header("authorization")?)
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&n))
            .map(|(_, v)| v.into_bytes()),
        ("param", Some(n)) => {
            let (header, name) = n.split_once('/')?;
            header_params(req.header(header)?)
                .into_iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.into_bytes())
        }
        ("dict-key", Some(header)) => match dictionary(req, &header) {
            Ok(dict) => dict?.keys().next().map(|k| k.as_str().as_bytes().to_vec()),
            Err(e) => {
                errs.push(e);
                None
            }
        },
        ("dict", Some(n)) => {
            let (header, key) = n.split_once('/')?;
            match dictionary(req, header) {
                Ok(dict) => {
                    let dict = dict?;
                    match dict.iter().find(|(k, _)| k.as_str() == key) {
                        Some((_, member)) => Some(member_text(member).into_bytes()),
                        None => {
                            let keys: Vec<&str> = dict.keys().map(|k| k.as_str()).collect();
                            errs.push(format!(
                                "header {header} has no member `{key}` (it has {})",
                                if keys.is_empty() {
                                    "none".to_string()
                                } else {
                                    keys.join(", ")
                                }
                            ));
                            None
                        }
                    }
                }
                Err(e) => {
                    errs.push(e);
                    None
                }
            }
        }
        ("method", None) => Some(req.method.clone().into_bytes()),
        ("status", None) => req.status.map(|s| s.to_string().into_bytes()),
        ("url", None) => Some(req.url.clone().into_bytes()),
        ("url-without-query", None) => Some(without_query.as_bytes().to_vec()),
        ("body", None) => Some(req.body.clone()),
        ("query", None) => query.map(|q| q.as_bytes().to_vec()),
        _ => None,
    }
}

/// The member at a dotted path (`items.0.data.sig`): object names, and array indexes by number.
/// A member whose own name holds dots is found too.
pub fn member<'v>(value: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    if let Some(v) = value.as_object().and_then(|o| o.get(path)) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    let next = match value {
        serde_json::Value::Object(o) => o.get(head)?,
        serde_json::Value::Array(a) => a.get(head.parse::<usize>().ok()?)?,
        _ => return None,
    };
    member(next, rest)
}

/// A header read as a Structured Field Dictionary (RFC 8941, by the `sfv` crate), its lines
/// combined; None when the request has no such header, an error naming it when it does not parse.
fn dictionary(req: &Imported, header: &str) -> Result<Option<sfv::Dictionary>, String> {
    let lines: Vec<&str> = req
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(header))
        .map(|(_, v)| v.trim())
        .collect();
    if lines.is_empty() {
        return Ok(None);
    }
    let value = lines.join(", ");
    sfv::Parser::new(&value)
        .parse::<sfv::Dictionary>()
        .map(Some)
        .map_err(|e| {
            let shown: String = value.chars().take(60).collect();
            format!(
                "header {header}: `{shown}` is not a Structured Field Dictionary (RFC 8941): {e}"
            )
        })
}

/// A dictionary member as a field holds it: a String's text, a Byte Sequence's base64, anything
/// else (an Inner List with its parameters, a token, a number) strictly serialized.
fn member_text(member: &sfv::ListEntry) -> String {
    use sfv::{BareItem, FieldType, ListEntry};
    if let ListEntry::Item(item) = member {
        match &item.bare_item {
            BareItem::String(s) => return s.as_str().to_string(),
            BareItem::ByteSequence(b) => {
                return String::from_utf8_lossy(&crate::sign::encoding::base64(
                    b,
                    crate::sign::encoding::Alphabet::Standard,
                    true,
                ))
                .into_owned();
            }
            _ => {}
        }
    }
    let one: sfv::List = vec![member.clone()];
    one.serialize().unwrap_or_default()
}

/// The parameters of an `Authorization` header after its scheme word: `k=v` or `k="v"`, comma
/// separated; values percent-decoded (as OAuth writes them).
fn auth_params(value: &str) -> Vec<(String, String)> {
    let rest = value.trim().split_once([' ', '\t']).map_or("", |(_, r)| r);
    params_list(rest)
}

/// The parameters of a header that is a list of them, with or without a scheme word before
/// (`Signature: keyId="k",signature="…"`, or `Authorization: Signature keyId="k",…`).
fn header_params(value: &str) -> Vec<(String, String)> {
    let value = value.trim();
    let first = value.split([',', '=']).next().unwrap_or("");
    match first.trim().split_once([' ', '\t']) {
        Some(_) => auth_params(value),
        None => params_list(value),
    }
}

/// `k=v` or `k="v"` parameters, comma separated; values percent-decoded.
fn params_list(rest: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && matches!(bytes[i], b' ' | b',' | b'\t') {
            i += 1;
        }
        let Some(eq) = rest[i..].find('=').map(|e| e + i) else {
            break;
        };
        let name = rest[i..eq].trim().to_string();
        let mut j = eq + 1;
        let value = if bytes.get(j) == Some(&b'"') {
            let end = rest[j + 1..].find('"').map_or(rest.len(), |e| e + j + 1);
            let v = &rest[j + 1..end.min(rest.len())];
            j = (end + 1).min(rest.len());
            v
        } else {
            let end = rest[j..].find(',').map_or(rest.len(), |e| e + j);
            let v = rest[j..end].trim();
            j = end;
            v
        };
        let value = crate::sign::form::percent_decode(value.as_bytes(), false);
        out.push((name, String::from_utf8_lossy(&value).into_owned()));
        i = j;
    }
    out
}

/// A source name with `{field}` references filled in; None when a field is empty.
fn render_name(name: &str, field: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let t = Template::parse(name).ok()?;
    let mut out = String::new();
    for p in t.pieces() {
        match p {
            Piece::Literal(l) => out.push_str(l),
            Piece::Ref(r) => out.push_str(&field(r).filter(|v| !v.is_empty())?),
        }
    }
    Some(out)
}

/// Matches `value` against a template: literals in order, each reference taking the text up to
/// the next literal (the last one, the rest).
fn match_pattern(pattern: &Template, value: &str) -> Option<Vec<(String, String)>> {
    let pieces = pattern.pieces();
    let mut rest = value.trim();
    let mut out = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Literal(l) => rest = rest.strip_prefix(l.as_str())?,
            Piece::Ref(name) => {
                let end = match pieces.get(i + 1) {
                    Some(Piece::Literal(next)) => rest.find(next.as_str())?,
                    _ => rest.len(),
                };
                out.push((name.clone(), rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty().then_some(out)
}

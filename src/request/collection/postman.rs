//! A Postman collection (v2.0, v2.1): its items, variables, auth and bodies as Postman sends them.

use serde_json::Value;

use super::super::entry::{self, Candidate, ImportOptions};
use super::super::message::{ImportError, Imported, err};
use super::super::vars::{self, Environment, Syntax, Vars};
use super::{Auth, Draft, DraftBody, finish};

/// Reads a Postman collection (v2.0 or v2.1).
pub fn postman(json: &Value, opts: &mut ImportOptions) -> Result<Imported, ImportError> {
    let mut own = Vars {
        values: Vec::new(),
        source: "the collection's variables".into(),
    };
    for v in json
        .get("variable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let disabled = v.get("disabled").and_then(Value::as_bool).unwrap_or(false);
        if let (false, Some(key)) = (disabled, v.get("key").and_then(Value::as_str)) {
            own.values
                .push((key.to_string(), vars::json_text(v.get("value"))));
        }
    }
    let (vars, given) = match &opts.environment {
        Some(Environment::Values(env)) => (own.then(env), true),
        Some(Environment::Named(name)) => {
            return Err(err(
                0,
                format!(
                    "--environment {name}: no such file (a Postman collection holds no environments by name: give the environment's file, exported from Postman)"
                ),
            ));
        }
        None => (own, false),
    };
    let mut candidates = Vec::new();
    let root_auth = json.get("auth");
    let root_script = has_prerequest(json);
    walk_postman(
        json.get("item").and_then(Value::as_array),
        "",
        root_auth,
        root_script,
        &vars,
        given,
        &mut candidates,
    );
    let signed = opts.signed_fn();
    entry::pick(
        "the Postman collection",
        candidates,
        opts.entry.as_ref(),
        &*signed,
    )
}

fn has_prerequest(node: &Value) -> bool {
    node.get("event")
        .and_then(Value::as_array)
        .is_some_and(|events| {
            events.iter().any(|e| {
                e.get("listen").and_then(Value::as_str) == Some("prerequest")
                    && e.get("script")
                        .and_then(|s| s.get("exec"))
                        .is_some_and(|x| match x {
                            Value::Array(lines) => lines
                                .iter()
                                .any(|l| l.as_str().is_some_and(|l| !l.trim().is_empty())),
                            Value::String(s) => !s.trim().is_empty(),
                            _ => false,
                        })
            })
        })
}

fn walk_postman(
    items: Option<&Vec<Value>>,
    prefix: &str,
    auth: Option<&Value>,
    script: bool,
    vars: &Vars,
    given: bool,
    out: &mut Vec<Candidate>,
) {
    for item in items.into_iter().flatten() {
        let name = item
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)")
            .to_string();
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let item_auth = item.get("auth").filter(|a| !a.is_null()).or(auth);
        let item_script = script || has_prerequest(item);
        if let Some(children) = item.get("item").and_then(Value::as_array) {
            walk_postman(
                Some(children),
                &path,
                item_auth,
                item_script,
                vars,
                given,
                out,
            );
            continue;
        }
        let Some(request) = item.get("request") else {
            continue;
        };
        let draft = postman_draft(request, item_auth, item_script);
        out.push(finish(draft, name, path, vars, Syntax::Postman, given));
    }
}

fn postman_draft(request: &Value, inherited: Option<&Value>, script: bool) -> Draft {
    let mut d = Draft::default();
    // A request may be a bare URL string.
    if let Some(url) = request.as_str() {
        d.method = "GET".into();
        d.url = url.to_string();
        return d;
    }
    d.method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("GET")
        .to_ascii_uppercase();
    match request.get("url") {
        Some(Value::String(s)) => d.url = s.clone(),
        Some(url @ Value::Object(_)) => postman_url(url, &mut d),
        _ => {}
    }
    match request.get("header") {
        Some(Value::Array(headers)) => {
            for h in headers {
                if h.get("disabled").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                if let Some(key) = h.get("key").and_then(Value::as_str) {
                    d.headers
                        .push((key.to_string(), vars::json_text(h.get("value"))));
                }
            }
        }
        Some(Value::String(lines)) => {
            for line in lines.lines() {
                if let Some((n, v)) = line.split_once(':') {
                    d.headers.push((n.trim().into(), v.trim().into()));
                }
            }
        }
        _ => {}
    }
    let auth = request.get("auth").filter(|a| !a.is_null()).or(inherited);
    if let Some(auth) = auth {
        postman_auth(auth, &mut d);
    }
    if let Some(body) = request.get("body").filter(|b| !b.is_null()) {
        let disabled = body.get("disabled").and_then(Value::as_bool) == Some(true);
        match body.get("mode").and_then(Value::as_str) {
            _ if disabled => {}
            Some("raw") => {
                d.body = DraftBody::Text(vars::json_text(body.get("raw")));
                let language = body
                    .get("options")
                    .and_then(|o| o.get("raw"))
                    .and_then(|r| r.get("language"))
                    .and_then(Value::as_str);
                d.content_type = Some(match language {
                    Some("json") => "application/json",
                    Some("javascript") => "application/javascript",
                    Some("html") => "text/html",
                    Some("xml") => "application/xml",
                    _ => "text/plain",
                });
            }
            Some("urlencoded") => {
                let pairs = body
                    .get("urlencoded")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|p| p.get("disabled").and_then(Value::as_bool) != Some(true))
                    .map(|p| (vars::json_text(p.get("key")), vars::json_text(p.get("value"))))
                    .collect();
                d.body = DraftBody::Form(pairs);
                d.content_type = Some("application/x-www-form-urlencoded");
            }
            Some("formdata") => {
                d.refused = Some(
                    "its body is form-data (multipart), which Postman frames with a random boundary: give the request as sent (Postman's console, or a HAR file)".into(),
                )
            }
            Some("file") => {
                d.refused = Some(
                    "its body is a file, which the collection does not hold: give the request as sent (Postman's console, or a HAR file)".into(),
                )
            }
            Some("graphql") => {
                d.refused = Some(
                    "its body is GraphQL, which Postman serializes itself: give the request as sent (Postman's console, or a HAR file)".into(),
                )
            }
            Some(other) => d.refused = Some(format!("its body mode `{other}` is not read")),
            None => {}
        }
    }
    if script {
        d.notes.push(
            "the collection has a pre-request script, which is not run: a value it would set is not set"
                .into(),
        );
    }
    d.notes.push(
        "Postman also sends User-Agent, Accept, Cache-Control, Postman-Token, Accept-Encoding and Connection, which are left out".into(),
    );
    d
}

/// A Postman URL object, from its parts (as Postman builds it), else its `raw`.
fn postman_url(url: &Value, d: &mut Draft) {
    let raw = url.get("raw").and_then(Value::as_str).unwrap_or("");
    let has_parts = url.get("host").is_some() || url.get("path").is_some();
    if !has_parts {
        d.url = raw.to_string();
        return;
    }
    let mut out = String::new();
    if let Some(p) = url.get("protocol").and_then(Value::as_str) {
        out.push_str(p.trim_end_matches("://").trim_end_matches(':'));
        out.push_str("://");
    }
    match url.get("host") {
        Some(Value::Array(parts)) => {
            let parts: Vec<String> = parts.iter().map(|p| vars::json_text(Some(p))).collect();
            out.push_str(&parts.join("."));
        }
        Some(Value::String(h)) => out.push_str(h),
        _ => {}
    }
    if let Some(port) = url.get("port").filter(|p| !p.is_null()) {
        out.push(':');
        out.push_str(&vars::json_text(Some(port)));
    }
    match url.get("path") {
        Some(Value::Array(parts)) => {
            for p in parts {
                out.push('/');
                match p {
                    Value::Object(o) => {
                        out.push_str(&vars::json_text(o.get("value")));
                    }
                    other => out.push_str(&vars::json_text(Some(other))),
                }
            }
        }
        Some(Value::String(p)) => {
            if !p.starts_with('/') {
                out.push('/');
            }
            out.push_str(p);
        }
        _ => {}
    }
    for q in url
        .get("query")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if q.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let key = q
            .get("key")
            .filter(|k| !k.is_null())
            .map(|k| vars::json_text(Some(k)));
        let value = q
            .get("value")
            .filter(|v| !v.is_null())
            .map(|v| vars::json_text(Some(v)));
        d.query.push((key, value));
    }
    if let Some(hash) = url.get("hash").and_then(Value::as_str) {
        out.push('#');
        out.push_str(hash);
    }
    d.url = out;
}

/// The value of a Postman auth parameter: v2.1 lists `{key, value}`, v2.0 has an object.
fn auth_param(auth: &Value, kind: &str, key: &str) -> Option<String> {
    match auth.get(kind)? {
        Value::Array(list) => list
            .iter()
            .find(|p| p.get("key").and_then(Value::as_str) == Some(key))
            .map(|p| vars::json_text(p.get("value"))),
        Value::Object(map) => map.get(key).map(|v| vars::json_text(Some(v))),
        _ => None,
    }
}

fn postman_auth(auth: &Value, d: &mut Draft) {
    let kind = auth.get("type").and_then(Value::as_str).unwrap_or("noauth");
    let p = |k: &str| auth_param(auth, kind, k).unwrap_or_default();
    match kind {
        "noauth" | "inherit" => {}
        "bearer" => {
            d.auth = Some(Auth::Header(
                "Authorization".into(),
                format!("Bearer {}", p("token")),
            ))
        }
        "basic" => d.auth = Some(Auth::Basic(p("username"), p("password"))),
        "apikey" => {
            let key = auth_param(auth, kind, "key").unwrap_or_else(|| "X-API-Key".into());
            let value = p("value");
            d.auth = Some(match auth_param(auth, kind, "in").as_deref() {
                Some("query") => Auth::Query(key, value),
                _ => Auth::Header(key, value),
            });
        }
        "oauth2" => {
            let token = p("accessToken");
            let prefix = auth_param(auth, kind, "headerPrefix").unwrap_or_else(|| "Bearer".into());
            d.auth = Some(match auth_param(auth, kind, "addTokenTo").as_deref() {
                Some("queryParams") => Auth::Query("access_token".into(), token),
                _ => Auth::Header(
                    "Authorization".into(),
                    format!("{prefix} {token}").trim_start().to_string(),
                ),
            });
        }
        other => {
            d.refused = Some(format!(
                "its auth is `{other}`, which Postman computes when it sends (a signature or a challenge): give the request as sent (Postman's console, or a HAR file)"
            ))
        }
    }
}

//! An Insomnia export (format 4): its requests, folders and environments.

use serde_json::Value;

use super::super::entry::{self, ImportOptions};
use super::super::message::{ImportError, Imported, err};
use super::super::vars::{self, Environment, Syntax, Vars};
use super::{Auth, Draft, DraftBody, finish};

/// Reads an Insomnia export (format 4).
pub fn insomnia(json: &Value, opts: &mut ImportOptions) -> Result<Imported, ImportError> {
    let empty = Vec::new();
    let resources = json
        .get("resources")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    fn kind(r: &Value) -> &str {
        r.get("_type").and_then(Value::as_str).unwrap_or("")
    }
    let id = |r: &Value| {
        r.get("_id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let parent = |r: &Value| {
        r.get("parentId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let workspaces: Vec<String> = resources
        .iter()
        .filter(|r| kind(r) == "workspace")
        .map(id)
        .collect();
    let envs: Vec<&Value> = resources
        .iter()
        .filter(|r| kind(r) == "environment")
        .collect();
    let base: Vec<&Value> = envs
        .iter()
        .copied()
        .filter(|e| workspaces.contains(&parent(e)) || parent(e).is_empty())
        .collect();
    let base_ids: Vec<String> = base.iter().map(|e| id(e)).collect();
    let subs: Vec<&Value> = envs
        .iter()
        .copied()
        .filter(|e| base_ids.contains(&parent(e)))
        .collect();
    let env_vars = |e: &Value, source: &str| {
        let mut v = Vars {
            values: Vec::new(),
            source: source.to_string(),
        };
        if let Some(data) = e.get("data") {
            vars::flatten("", data, &mut v.values);
        }
        v
    };
    let mut all = Vars {
        values: Vec::new(),
        source: "the export's base environment".into(),
    };
    for b in &base {
        all = all.then(&env_vars(b, "the base environment"));
    }
    let env_name = |e: &Value| {
        e.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut notes = Vec::new();
    let given = match &opts.environment {
        Some(Environment::Values(v)) => {
            all = all.then(v);
            true
        }
        Some(Environment::Named(name)) => {
            let found = subs
                .iter()
                .find(|e| env_name(e) == *name)
                .or_else(|| subs.iter().find(|e| env_name(e).eq_ignore_ascii_case(name)));
            match found {
                Some(e) => {
                    all = all.then(&env_vars(e, name));
                    notes.push(format!(
                        "the export's environment `{}` is applied",
                        env_name(e)
                    ));
                    true
                }
                None => {
                    let names: Vec<String> = subs.iter().map(|e| env_name(e)).collect();
                    return Err(err(
                        0,
                        format!(
                            "--environment {name}: no such file, and the Insomnia export has no environment of that name ({})",
                            if names.is_empty() {
                                "it has none but its base environment".to_string()
                            } else {
                                format!("it has {}", names.join(", "))
                            }
                        ),
                    ));
                }
            }
        }
        None => {
            if !subs.is_empty() {
                let names: Vec<String> =
                    subs.iter().map(|e| format!("`{}`", env_name(e))).collect();
                notes.push(format!(
                    "the export's environments {} are not applied (--environment NAME applies one); only its base environment is",
                    names.join(", ")
                ));
            }
            false
        }
    };
    // Folder names, for each request's path.
    let folder = |fid: &str| -> Option<(String, String)> {
        resources
            .iter()
            .find(|r| kind(r) == "request_group" && id(r) == fid)
            .map(|r| {
                (
                    r.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    parent(r),
                )
            })
    };
    let mut candidates = Vec::new();
    for r in resources.iter().filter(|r| kind(r) == "request") {
        let name = r
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)")
            .to_string();
        let mut path = name.clone();
        let mut up = parent(r);
        for _ in 0..32 {
            match folder(&up) {
                Some((fname, next)) => {
                    path = format!("{fname}/{path}");
                    up = next;
                }
                None => break,
            }
        }
        let mut draft = insomnia_draft(r);
        draft.notes.extend(notes.iter().cloned());
        candidates.push(finish(draft, name, path, &all, Syntax::Insomnia, given));
    }
    let signed = opts.signed_fn();
    entry::pick(
        "the Insomnia export",
        candidates,
        opts.entry.as_ref(),
        &*signed,
    )
}

fn insomnia_draft(r: &Value) -> Draft {
    let mut d = Draft {
        method: r
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase(),
        url: vars::json_text(r.get("url")),
        ..Draft::default()
    };
    let enabled = |p: &&Value| p.get("disabled").and_then(Value::as_bool) != Some(true);
    for p in r
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(enabled)
    {
        d.query.push((
            Some(vars::json_text(p.get("name"))),
            Some(vars::json_text(p.get("value"))),
        ));
    }
    for h in r
        .get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(enabled)
    {
        let name = vars::json_text(h.get("name"));
        if !name.is_empty() {
            d.headers.push((name, vars::json_text(h.get("value"))));
        }
    }
    if let Some(body) = r.get("body").filter(|b| b.is_object()) {
        let mime = body.get("mimeType").and_then(Value::as_str).unwrap_or("");
        if mime.starts_with("multipart/") {
            d.refused = Some("its body is multipart, which Insomnia frames with a random boundary: give the request as sent (Insomnia's timeline, or a HAR file)".into());
        } else if body.get("fileName").is_some() {
            d.refused = Some("its body is a file, which the export does not hold: give the request as sent (Insomnia's timeline, or a HAR file)".into());
        } else if let Some(params) = body.get("params").and_then(Value::as_array) {
            d.body = DraftBody::Form(
                params
                    .iter()
                    .filter(enabled)
                    .map(|p| {
                        (
                            vars::json_text(p.get("name")),
                            vars::json_text(p.get("value")),
                        )
                    })
                    .collect(),
            );
        } else if let Some(text) = body.get("text").and_then(Value::as_str) {
            d.body = DraftBody::Text(text.to_string());
        }
        if !mime.is_empty() && !mime.starts_with("multipart/") {
            d.content_type = Some(match mime {
                "application/json" => "application/json",
                "application/x-www-form-urlencoded" => "application/x-www-form-urlencoded",
                "application/xml" => "application/xml",
                "text/xml" => "text/xml",
                "text/plain" => "text/plain",
                "application/graphql" => "application/json",
                _ => "",
            })
            .filter(|c| !c.is_empty());
        }
    }
    if let Some(a) = r.get("authentication").filter(|a| a.is_object()) {
        let disabled = a.get("disabled").and_then(Value::as_bool) == Some(true);
        let s = |k: &str| vars::json_text(a.get(k));
        match a.get("type").and_then(Value::as_str) {
            _ if disabled => {}
            None | Some("none") => {}
            Some("bearer") => {
                let prefix = a
                    .get("prefix")
                    .and_then(Value::as_str)
                    .filter(|p| !p.is_empty())
                    .unwrap_or("Bearer");
                d.auth = Some(Auth::Header(
                    "Authorization".into(),
                    format!("{prefix} {}", s("token")),
                ));
            }
            Some("basic") => d.auth = Some(Auth::Basic(s("username"), s("password"))),
            Some("apikey") => {
                d.auth = Some(match a.get("addTo").and_then(Value::as_str) {
                    Some("queryParams") => Auth::Query(s("key"), s("value")),
                    _ => Auth::Header(s("key"), s("value")),
                })
            }
            Some(other) => {
                d.refused = Some(format!(
                    "its authentication is `{other}`, which Insomnia computes when it sends: give the request as sent (Insomnia's timeline, or a HAR file)"
                ))
            }
        }
    }
    d.notes.push(
        "Insomnia also sends User-Agent, Accept and other headers of its own, which are left out"
            .into(),
    );
    d
}

//! A HAR 1.2 file (browsers' "Save all as HAR", Postman, Insomnia, Charles, mitmproxy): one
//! entry's request, picked by `--entry` or as the one that carries a signature. Its headers as
//! the file lists them (HTTP/2 pseudo-headers left out), its body from `postData.text` (base64
//! when `encoding` says so), or from `params` when the text is missing.

use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::entry::ImportOptions;
use super::entry::{self, Candidate};
use super::message::{ImportError, Imported, err};
use super::vars::json_text;

/// Whether a JSON document is a HAR file.
pub fn is_har(json: &Value) -> bool {
    json.get("log")
        .is_some_and(|log| log.get("entries").is_some_and(Value::is_array))
}

/// Reads the request of one entry of a HAR file.
pub fn parse(json: &Value, opts: &mut ImportOptions) -> Result<Imported, ImportError> {
    if let Some(name) = opts.environment_label() {
        return Err(err(
            0,
            format!(
                "{name}: a HAR file holds requests as they were sent, with no variables to fill in"
            ),
        ));
    }
    let entries = json
        .get("log")
        .and_then(|l| l.get("entries"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let candidates: Vec<Candidate> = entries
        .iter()
        .map(|e| {
            let request = e.get("request");
            let method = request
                .and_then(|r| r.get("method"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let url = request
                .and_then(|r| r.get("url"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            Candidate {
                name: url.clone(),
                path: String::new(),
                method,
                url,
                request: match request {
                    Some(r) => read_request(r),
                    None => Err(err(0, "the entry has no `request`")),
                },
            }
        })
        .collect();
    let signed = opts.signed_fn();
    entry::pick("the HAR file", candidates, opts.entry.as_ref(), &*signed)
}

/// Percent-encodes all but the unreserved characters, for a body HAR gives only as `params`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn read_request(r: &Value) -> Result<Imported, ImportError> {
    let method = r
        .get("method")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| err(0, "the entry's request has no method"))?
        .to_string();
    let url = r
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| err(0, "the entry's request has no URL"))?
        .to_string();
    let mut notes = Vec::new();
    let mut headers = Vec::new();
    let mut pseudo = false;
    for h in r
        .get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = json_text(h.get("name"));
        if name.starts_with(':') {
            pseudo = true;
            continue;
        }
        if name.is_empty() {
            continue;
        }
        headers.push((name, json_text(h.get("value"))));
    }
    if pseudo {
        notes.push(
            "HTTP/2 pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) are left out: the method and URL say them".into(),
        );
    }
    let mut body = Vec::new();
    if let Some(post) = r.get("postData").filter(|p| p.is_object()) {
        let mime = post.get("mimeType").and_then(Value::as_str).unwrap_or("");
        match post.get("text").and_then(Value::as_str) {
            Some(text) => {
                let base64 = post
                    .get("encoding")
                    .and_then(Value::as_str)
                    .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
                if base64 {
                    let compact: String = text.split_whitespace().collect();
                    body = base64::engine::general_purpose::STANDARD
                        .decode(compact.as_bytes())
                        .map_err(|e| {
                            err(
                                0,
                                format!("postData.text is not base64 as its `encoding` says: {e}"),
                            )
                        })?;
                } else {
                    body = text.as_bytes().to_vec();
                    if text.contains('\u{fffd}') {
                        notes.push(
                            "the body holds U+FFFD replacement characters: the tool that saved the HAR could not keep bytes that were not UTF-8, so a signature over them will not match".into(),
                        );
                    }
                }
            }
            None => {
                let params: Vec<&Value> = post
                    .get("params")
                    .and_then(Value::as_array)
                    .map(|p| p.iter().collect())
                    .unwrap_or_default();
                if mime.starts_with("multipart/") {
                    return Err(err(
                        0,
                        "the entry's multipart body is not in the HAR file as text (only its parameters): give the raw request",
                    ));
                }
                if !params.is_empty() {
                    body = params
                        .iter()
                        .map(|p| {
                            format!(
                                "{}={}",
                                utf8_percent_encode(&json_text(p.get("name")), FORM),
                                utf8_percent_encode(&json_text(p.get("value")), FORM)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("&")
                        .into_bytes();
                    notes.push(
                        "the HAR file has the body's parameters but not its text: they are joined and encoded as a form (every byte but A-Z a-z 0-9 - . _ ~ as %XX), which may differ from the bytes sent".into(),
                    );
                }
            }
        }
    }
    let size = r.get("bodySize").and_then(Value::as_i64).unwrap_or(-1);
    if body.is_empty() && size > 0 {
        notes.push(format!(
            "the HAR file says the body had {size} bytes but holds none of them (saved without content?): the body is empty"
        ));
    }
    Ok(Imported::from_parts(method, url, headers, body, notes))
}

//! A Bruno request file (`.bru`): its request block, headers, body, auth and variables.

use super::super::bru::{BRU_METHODS, BruBlock, bru_blocks};
use super::super::entry::ImportOptions;
use super::super::message::{ImportError, Imported, err};
use super::super::vars::{Environment, Syntax, Vars};
use super::{Auth, Draft, DraftBody, finish};

/// Reads a Bruno request file (`.bru`).
pub fn bruno(text: &str, opts: &mut ImportOptions) -> Result<Imported, ImportError> {
    let blocks = bru_blocks(text)?;
    let block = |name: &str| blocks.iter().find(|b| b.name == name);
    let Some(http) = blocks
        .iter()
        .find(|b| BRU_METHODS.contains(&b.name.as_str()) || b.name == "http")
    else {
        let kinds: Vec<&str> = blocks.iter().map(|b| b.name.as_str()).collect();
        let what = if kinds.contains(&"vars") {
            "a Bruno environment (give it with --environment, and the request's .bru file with --request)"
        } else if kinds.contains(&"grpc") || kinds.contains(&"ws") {
            "a Bruno gRPC or WebSocket request, which is not HTTP"
        } else {
            "a Bruno file without a request (no `get {`, `post {` … block)"
        };
        return Err(err(0, format!("this is {what}")));
    };
    let fields: Vec<(String, String)> = http.pairs();
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let mut d = Draft {
        method: if http.name == "http" {
            field("method").unwrap_or("GET").to_ascii_uppercase()
        } else {
            http.name.to_ascii_uppercase()
        },
        url: field("url").unwrap_or("").to_string(),
        ..Draft::default()
    };
    // Path parameters (`/users/:id`) are put in the URL.
    if let Some(params) = block("params:path") {
        for (k, v) in params.pairs() {
            if k.starts_with('~') {
                continue;
            }
            d.url = replace_path_param(&d.url, &k, &v);
        }
    }
    if let Some(h) = block("headers") {
        d.headers = h
            .pairs()
            .into_iter()
            .filter(|(k, _)| !k.starts_with('~'))
            .collect();
    }
    let mode = field("body").unwrap_or("none");
    let text_of = |name: &str| block(name).map(BruBlock::text).unwrap_or_default();
    match mode {
        "none" => {}
        "json" => {
            d.body = DraftBody::Text(text_of("body:json"));
            d.content_type = Some("application/json");
        }
        "text" => {
            d.body = DraftBody::Text(text_of("body:text"));
            d.content_type = Some("text/plain");
        }
        "xml" => {
            d.body = DraftBody::Text(text_of("body:xml"));
            d.content_type = Some("application/xml");
        }
        "sparql" => {
            d.body = DraftBody::Text(text_of("body:sparql"));
            d.content_type = Some("application/sparql-query");
        }
        "formUrlEncoded" => {
            let pairs = block("body:form-urlencoded")
                .map(BruBlock::pairs)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| !k.starts_with('~'))
                .collect();
            d.body = DraftBody::Form(pairs);
            d.content_type = Some("application/x-www-form-urlencoded");
        }
        "multipartForm" => {
            d.refused = Some("its body is multipart, which Bruno frames with a random boundary: give the request as sent (Bruno's timeline, or a HAR file)".into())
        }
        other => d.refused = Some(format!("its body mode `{other}` is not read")),
    }
    let auth = field("auth").unwrap_or("none");
    let auth_field = |name: &str, k: &str| {
        block(name)
            .map(BruBlock::pairs)
            .unwrap_or_default()
            .into_iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v)
            .unwrap_or_default()
    };
    match auth {
        "none" => {}
        "inherit" => d.notes.push(
            "its auth is inherited from the collection (collection.bru), which is not read: an Authorization header it adds is not in the request".into(),
        ),
        "bearer" => {
            d.auth = Some(Auth::Header(
                "Authorization".into(),
                format!("Bearer {}", auth_field("auth:bearer", "token")),
            ))
        }
        "basic" => {
            d.auth = Some(Auth::Basic(
                auth_field("auth:basic", "username"),
                auth_field("auth:basic", "password"),
            ))
        }
        "apikey" => {
            let key = auth_field("auth:apikey", "key");
            let value = auth_field("auth:apikey", "value");
            d.auth = Some(match auth_field("auth:apikey", "placement").as_str() {
                "queryparams" => Auth::Query(key, value),
                _ => Auth::Header(key, value),
            })
        }
        other => {
            d.refused = Some(format!(
                "its auth is `{other}`, which Bruno computes when it sends: give the request as sent (Bruno's timeline, or a HAR file)"
            ))
        }
    }
    if blocks.iter().any(|b| b.name == "script:pre-request") {
        d.notes.push(
            "the request has a pre-request script, which is not run: a value it would set is not set"
                .into(),
        );
    }
    d.notes.push(
        "Bruno also sends User-Agent, Accept and other headers of its own, which are left out"
            .into(),
    );
    // Request variables win over the environment's.
    let own = Vars {
        values: block("vars:pre-request")
            .map(BruBlock::pairs)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| !k.starts_with('~'))
            .map(|(k, v)| (k.trim_start_matches('@').to_string(), v))
            .collect(),
        source: "the request's vars".into(),
    };
    let (vars, given) = match &opts.environment {
        Some(Environment::Values(env)) => (env.clone().then(&own), true),
        Some(Environment::Named(name)) => {
            return Err(err(
                0,
                format!(
                    "--environment {name}: no such file (give a Bruno environment's file, such as environments/{name}.bru)"
                ),
            ));
        }
        None => (own, false),
    };
    let name = block("meta")
        .map(BruBlock::pairs)
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v)
        .unwrap_or_else(|| "(unnamed)".into());
    let candidate = finish(d, name.clone(), name, &vars, Syntax::Bruno, given);
    let request = candidate.request?;
    Ok(request)
}

fn replace_path_param(url: &str, name: &str, value: &str) -> String {
    let token = format!(":{name}");
    let mut out = String::new();
    let mut rest = url;
    while let Some(i) = rest.find(&token) {
        let after = &rest[i + token.len()..];
        let ends = after.is_empty() || after.starts_with(['/', '?', '#']);
        out.push_str(&rest[..i]);
        if ends && (i == 0 || rest[..i].ends_with('/')) {
            out.push_str(value);
        } else {
            out.push_str(&token);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters() {
        assert_eq!(
            replace_path_param("https://h/users/:id/x?:id", "id", "5"),
            "https://h/users/5/x?:id"
        );
    }
}

//! `diagnose` against mistakes made by running the real stacks' code (Node, Python, PHP, Go,
//! Java, Ruby, bash): `tests/fixtures/diagnose-stacks/`, whose generators (`gen.sh`) run each
//! stack's own library over a request and keep the signature it computed. For each case the
//! explanation must name the change in the stack's words, and applying it (the `fix` of
//! `--format json`: their body, fields, variants, key reading) must make `verify` match.

mod common;

use std::path::Path;

use common::sigscope;

/// Words the explanation must hold for each class (any one of the alternatives).
fn words(class: &str) -> &'static [&'static str] {
    match class {
        "json_js_stringify" => &["JavaScript's JSON.stringify"],
        "json_python_dumps" => &["Python's json.dumps"],
        "json_python_dumps_compact_unicode" => &["ensure_ascii=False"],
        "json_php_encode" => &["PHP's json_encode"],
        "json_php_unescaped_slashes" => &["JSON_UNESCAPED_SLASHES"],
        "json_php_unescaped_unicode" => &["JSON_UNESCAPED_UNICODE"],
        "json_php_unescaped_both" => &["JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE"],
        "json_go_marshal" => &["Go's json.Marshal"],
        "json_java" => &["Jackson", "Gson"],
        "json_ruby_to_json" => &["Ruby's to_json"],
        "json_pretty_2" => &["2-space indents"],
        "json_pretty_4" => &["4-space indents"],
        "json_pretty_tab" => &["tab indents"],
        "json_pretty_php" => &["JSON_PRETTY_PRINT"],
        "json_sorted_keys" => &["keys sorted"],
        "json_and_newline" => &["final newline"],
        "form_python_quote_plus" => &["urllib.parse.urlencode"],
        "form_python_quote" => &["quote_via=quote"],
        "form_urlsearchparams" => &["URLSearchParams"],
        "form_php_urlencode" | "form_php_http_build_query" => &["http_build_query"],
        "form_php_rawurlencode" => &["rawurlencode"],
        "form_go_values_encode" => &["url.Values.Encode"],
        "form_java_urlencoder" => &["URLEncoder"],
        "form_encode_uri_component" => &["encodeURIComponent"],
        "form_decoded_join" => &["decoded"],
        "form_query_merged" => &["merged"],
        "bom_added" => &["began with a UTF-8 byte order mark"],
        "bom_removed" => &["no UTF-8 byte order mark"],
        "latin1_mojibake" => &["Latin-1"],
        "cp1252_mojibake" => &["windows-1252"],
        "crlf_stripped" => &["every CR and LF was removed", "every CR and LF removed"],
        "whitespace_collapsed" => &["whitespace"],
        "crlf" => &["CRLF line endings"],
        "lf" => &["LF line endings"],
        "hex_upper" => &["upper-case hex"],
        "base64_unpadded" => &["without padding"],
        "base64_urlsafe" => &["URL-safe"],
        "key_whsec_decoded" => &["whsec_"],
        "key_newline" => &["key ended with a newline"],
        "key_crlf" => &["key ended with CRLF"],
        "url_trailing_slash_added" => &["ended with a `/`"],
        "url_trailing_slash_dropped" => &["no trailing `/`"],
        "url_query_dropped" => &["without its query"],
        "url_query_sorted" => &["query parameters sorted"],
        "url_http" => &["began with http://"],
        "url_default_port" => &["default port"],
        "url_proxy_host" => &["with the host"],
        "header_missing" => &["is signed but was not sent"],
        "header_charset" => &["content-type"],
        "fields_swapped" => &["swapped the values"],
        "field_undefined" => &["`undefined`"],
        "field_null" => &["`null`", "`None`"],
        "field_empty" => &["empty"],
        "millis_for_seconds" => &["milliseconds"],
        "raw_query_for_canonical" => &["query"],
        _ => &[],
    }
}

#[test]
fn diagnose_explains_mistakes_real_stacks_made() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnose-stacks");
    let Ok(text) = std::fs::read_to_string(dir.join("cases.json")) else {
        eprintln!("skipped: tests/fixtures/diagnose-stacks is absent");
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("cases.json reads");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diagnose-stacks");
    std::fs::create_dir_all(&scratch).expect("a scratch folder");
    let mut explained = Vec::new();
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().expect("an id");
        let class = case["class"].as_str().expect("a class");
        let scheme = case["scheme"].as_str().expect("a scheme");
        let expected = case["expected"].as_str().expect("the stack's signature");
        let request = dir
            .join(case["request"].as_str().expect("a request"))
            .to_string_lossy()
            .to_string();
        // The key as given, or from a key file (its bytes exactly: a CRLF key file is the case).
        let key_file = case["key_file"]
            .as_str()
            .map(|f| dir.join(f).to_string_lossy().to_string());
        let key = case["key"].as_str().unwrap_or_default().to_string();
        let mut base: Vec<String> = vec!["-p".into(), scheme.into(), "--request".into(), request];
        match &key_file {
            Some(f) => base.extend(["--key-file".into(), f.clone()]),
            None => base.extend(["--key".into(), key.clone()]),
        }
        for (k, v) in case["set"].as_object().into_iter().flatten() {
            base.extend([
                "--set".into(),
                format!("{k}={}", v.as_str().unwrap_or_default()),
            ]);
        }
        let run = |cmd: &str, extra: &[String]| {
            let mut args: Vec<String> = vec![cmd.to_string()];
            args.extend(base.iter().cloned());
            args.extend(extra.iter().cloned());
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            sigscope(&refs)
        };
        let o = run("diagnose", &["--expect".into(), expected.into()]);
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        let want = words(class);
        if o.status.code() != Some(0) || !out.contains("Explained by") {
            failures.push(format!("{id} ({class}): not explained: {out}{err}"));
            continue;
        }
        if !want.iter().any(|w| out.contains(w)) {
            failures.push(format!(
                "{id} ({class}): the explanation does not say {want:?}:\n{out}"
            ));
            continue;
        }
        // Applying it: their body, fields and variants make verify match.
        let o = run(
            "diagnose",
            &[
                "--expect".into(),
                expected.into(),
                "--format".into(),
                "json".into(),
            ],
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("diagnose's JSON");
        let fix = &v["fix"];
        let mut extra: Vec<String> = vec!["--expect".into(), expected.into()];
        if let Some(body) = fix["body"]["text"].as_str() {
            let file = scratch.join(format!("{id}.body"));
            std::fs::write(&file, body).expect("written");
            extra.extend(["--body-file".into(), file.to_string_lossy().to_string()]);
        }
        for (k, val) in fix["fields"].as_object().into_iter().flatten() {
            extra.extend([
                "--set".into(),
                format!("{k}={}", val.as_str().unwrap_or_default()),
            ]);
        }
        for (k, val) in fix["variants"].as_object().into_iter().flatten() {
            extra.extend([
                "--variant".into(),
                format!("{k}={}", val.as_str().unwrap_or_default()),
            ]);
        }
        let applicable = fix["body"].is_object()
            || fix["fields"].as_object().is_some_and(|m| !m.is_empty())
            || fix["variants"].as_object().is_some_and(|m| !m.is_empty());
        if applicable {
            let o = run("verify", &extra);
            if o.status.code() != Some(0) {
                failures.push(format!(
                    "{id} ({class}): applying {fix} does not make verify match: {}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                ));
                continue;
            }
        }
        explained.push(id.to_string());
    }
    eprintln!(
        "diagnose-stacks: {} of {} real-stack mistakes explained",
        explained.len(),
        cases.len()
    );
    assert!(
        failures.len() * 10 <= cases.len(),
        "{} of {} not explained:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    if !failures.is_empty() {
        eprintln!("not explained:\n{}", failures.join("\n\n"));
    }
}

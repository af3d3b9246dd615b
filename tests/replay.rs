//! Replay fidelity: an imported request keeps its method, URL, header list and body through
//! every way out, and only what the scheme places changes. Each built-in scheme's own raw HTTP
//! export reads back to the same bytes; a customer's GitHub delivery keeps its path, query and
//! headers in curl, raw HTTP and `send`, which a plain loopback listener here receives.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;

mod common;

use common::sigscope;

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sigscope-replay-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ids() -> Vec<String> {
    let out = sigscope(&["providers", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_scheme_reads_its_own_http_export_back_byte_for_byte() {
    let dir = tempdir("own");
    let mut failures = Vec::new();
    let ids = ids();
    assert!(ids.len() > 100, "{} schemes", ids.len());
    for id in &ids {
        let mut flags = vec!["-p", id, "--example"];
        // moneyhoney's example leaves the header name to the user.
        if id == "moneyhoney" {
            flags.extend(["--set", "header=X-Signature"]);
        }
        let mut sign = vec!["sign", "--format", "http"];
        sign.extend(&flags);
        let first = sigscope(&sign);
        assert!(first.status.success(), "{id}: {:?}", first);
        let file = dir.join(format!("{id}.http"));
        std::fs::write(&file, &first.stdout).unwrap();
        let mut again = sign.clone();
        again.extend(["--request", file.to_str().unwrap()]);
        let second = sigscope(&again);
        if second.stdout != first.stdout {
            failures.push(format!(
                "{id}: {}\n--- export\n{}\n--- replay\n{}",
                String::from_utf8_lossy(&second.stderr),
                String::from_utf8_lossy(&first.stdout),
                String::from_utf8_lossy(&second.stdout)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_scheme_sends_its_imported_request_as_it_was() {
    // Each scheme's example exported as raw HTTP, then replayed with `send --request … --to`
    // to a plain loopback listener here: the listener receives the file's bytes, head and
    // body, its path, query and headers as written (nothing changes: the signature holds).
    let dir = tempdir("send-all");
    let mut failures = Vec::new();
    let ids = ids();
    for id in &ids {
        let mut sign = vec!["sign", "--format", "http", "-p", id, "--example"];
        if id == "moneyhoney" {
            sign.extend(["--set", "header=X-Signature"]);
        }
        let export = sigscope(&sign);
        assert!(export.status.success(), "{id}: {export:?}");
        let file = dir.join(format!("{id}.http"));
        std::fs::write(&file, &export.stdout).unwrap();
        let split = export
            .stdout
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|p| p + 4)
            .unwrap_or_else(|| panic!("{id}: no head in the export"));
        let (head, body) = export.stdout.split_at(split);
        // A request line in absolute form (`POST http://host/path HTTP/1.1`, as a proxy is
        // sent one) goes to a server in origin form: the path and query as written.
        let head = String::from_utf8(head.to_vec()).unwrap();
        let head = match head.split_once(' ') {
            Some((method, rest)) if rest.starts_with("http://") || rest.starts_with("https://") => {
                let after = &rest[rest.find("://").unwrap() + 3..];
                let path = &after[after.find(['/', ' ']).unwrap()..];
                let path = if path.starts_with(' ') {
                    format!("/{path}")
                } else {
                    path.to_string()
                };
                format!("{method} {path}")
            }
            _ => head,
        };
        let head = head.as_bytes();
        let (port, got) = serve_once();
        let to = format!("http://127.0.0.1:{port}");
        let mut send = vec![
            "send",
            "-p",
            id,
            "--example",
            "--request",
            file.to_str().unwrap(),
            "--to",
            &to,
            "--timeout",
            "10",
        ];
        if id == "moneyhoney" {
            send.extend(["--set", "header=X-Signature"]);
        }
        let out = sigscope(&send);
        let (got_head, got_body) = got.join().unwrap();
        if !out.status.success() || got_head.as_bytes() != head || got_body != body {
            failures.push(format!(
                "{id}: {}\n--- file\n{}\n--- received\n{got_head}{}\n",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&export.stdout),
                String::from_utf8_lossy(&got_body)
            ));
        }
    }
    assert!(ids.len() > 100, "{} schemes", ids.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A delivery as GitHub documents one (LF line ends, as a user saves it), to the customer's
/// own path and query, with the headers their app routes on.
const DELIVERY: &str = "POST /hooks/github?team=payments HTTP/1.1\n\
Host: api.acme.test:8443\n\
User-Agent: GitHub-Hookshot/044aadd\n\
Content-Type: application/json\n\
X-GitHub-Event: issues\n\
X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958\n\
X-Hub-Signature-256: sha256=0000\n\
Content-Length: 17\n\
\n\
{\"action\":\"open\"}";

/// The signature GitHub's docs give for their example, computed here apart from sigscope:
/// HMAC-SHA256 of the body with the key, by the hmac crate.
fn github_signature(key: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[test]
fn a_customer_request_keeps_path_query_and_headers_in_http_and_curl() {
    let dir = tempdir("customer");
    let file = dir.join("gh.http");
    std::fs::write(&file, DELIVERY).unwrap();
    let path = file.to_str().unwrap();
    let sig = github_signature("k", b"{\"action\":\"open\"}");
    let out = sigscope(&[
        "sign",
        "-p",
        "github",
        "--key",
        "k",
        "--request",
        path,
        "--format",
        "http",
        "-H",
        "X-Replayed-By: support",
    ]);
    assert!(out.status.success(), "{out:?}");
    let expected = format!(
        "POST /hooks/github?team=payments HTTP/1.1\r\n\
Host: api.acme.test:8443\r\n\
User-Agent: GitHub-Hookshot/044aadd\r\n\
Content-Type: application/json\r\n\
X-GitHub-Event: issues\r\n\
X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958\r\n\
X-Hub-Signature-256: {sig}\r\n\
Content-Length: 17\r\n\
X-Replayed-By: support\r\n\
\r\n\
{{\"action\":\"open\"}}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);

    // With the signature it carries right, nothing changes: the file comes back as it was.
    let right = DELIVERY.replace("sha256=0000", &sig);
    std::fs::write(&file, &right).unwrap();
    let out = sigscope(&[
        "sign",
        "-p",
        "github",
        "--key",
        "k",
        "--request",
        path,
        "--format",
        "http",
    ]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), right);

    let out = sigscope(&[
        "sign",
        "-p",
        "github",
        "--key",
        "k",
        "--request",
        path,
        "--format",
        "curl",
    ]);
    let curl = String::from_utf8(out.stdout).unwrap();
    let words = shell_words::split(&curl.replace("\\\n", "")).unwrap();
    assert_eq!(
        words[..4],
        [
            "curl",
            "-X",
            "POST",
            "https://api.acme.test:8443/hooks/github?team=payments"
        ]
    );
    for header in [
        "User-Agent: GitHub-Hookshot/044aadd",
        "X-GitHub-Event: issues",
        "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958",
        &format!("X-Hub-Signature-256: {sig}"),
    ] {
        assert!(words.iter().any(|w| w == header), "{header} in {curl}");
    }
}

#[test]
fn header_flag_goes_out_for_a_scheme_that_signs_no_headers() {
    let out = sigscope(&[
        "sign",
        "-p",
        "github",
        "--example",
        "-H",
        "X-Tenant: 7",
        "--format",
        "http",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\r\nX-Tenant: 7\r\n"), "{text}");
}

/// A server for one request: its port and the request it received (head as text, body).
fn serve_once() -> (u16, std::thread::JoinHandle<(String, Vec<u8>)>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let got = common::read_message(&mut s);
        s.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            .unwrap();
        got
    });
    (port, h)
}

#[test]
fn send_replays_a_capture_to_another_host_with_its_own_path_and_headers() {
    let dir = tempdir("send");
    let file = dir.join("capture.http");
    std::fs::write(&file, DELIVERY).unwrap();
    let (port, got) = serve_once();
    let to = format!("http://127.0.0.1:{port}");
    let out = sigscope(&[
        "send",
        "-p",
        "github",
        "--key",
        "k",
        "--request",
        file.to_str().unwrap(),
        "--to",
        &to,
        "--timeout",
        "10",
    ]);
    assert!(out.status.success(), "{out:?}");
    let (head, body) = got.join().unwrap();
    let sig = github_signature("k", b"{\"action\":\"open\"}");
    assert_eq!(
        head,
        format!(
            "POST /hooks/github?team=payments HTTP/1.1\r\n\
Host: api.acme.test:8443\r\n\
User-Agent: GitHub-Hookshot/044aadd\r\n\
Content-Type: application/json\r\n\
X-GitHub-Event: issues\r\n\
X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958\r\n\
X-Hub-Signature-256: {sig}\r\n\
Content-Length: 17\r\n\
\r\n"
        )
    );
    assert_eq!(body, b"{\"action\":\"open\"}");
}

#[test]
fn send_takes_the_url_as_an_argument_or_a_flag() {
    for flag in [None, Some("--url")] {
        let (port, got) = serve_once();
        let url = format!("http://127.0.0.1:{port}/in/gh?x=1");
        let mut args = vec!["send", "-p", "github", "--example", "--timeout", "10"];
        if let Some(f) = flag {
            args.push(f);
        }
        args.push(&url);
        let out = sigscope(&args);
        assert!(out.status.success(), "{out:?}");
        let (head, _) = got.join().unwrap();
        assert!(
            head.starts_with(&format!(
                "POST /in/gh?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            )),
            "{head}"
        );
    }
    let out = sigscope(&[
        "send",
        "-p",
        "github",
        "--example",
        "--dry-run",
        "ftp://h/x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "sigscope: error: the URL `ftp://h/x` is not an http:// or https:// URL\n"
    );
}

#[test]
fn a_bundle_of_an_imported_request_replays_where_it_went() {
    let dir = tempdir("bundle");
    let file = dir.join("gh.http");
    std::fs::write(&file, DELIVERY).unwrap();
    let path = file.to_str().unwrap();
    let sign = |extra: &[&str]| {
        let mut args = vec!["sign", "-p", "github", "--key", "k"];
        args.extend(extra);
        let out = sigscope(&args);
        assert!(out.status.success(), "{out:?}");
        out.stdout
    };
    let bundle = sign(&["--request", path, "--format", "bundle"]);
    let json: serde_json::Value = serde_json::from_slice(&bundle).unwrap();
    assert_eq!(
        json["url"],
        "https://api.acme.test:8443/hooks/github?team=payments"
    );
    assert_eq!(json["method"], "POST");
    assert!(!String::from_utf8_lossy(&bundle).contains("\"k\""));
    let saved = dir.join("case.json");
    std::fs::write(&saved, &bundle).unwrap();
    let from_bundle = sign(&["--bundle", saved.to_str().unwrap(), "--format", "http"]);
    let from_request = sign(&["--request", path, "--format", "http"]);
    assert_eq!(
        String::from_utf8_lossy(&from_bundle),
        String::from_utf8_lossy(&from_request)
    );
}

#[test]
fn genuine_catalog_requests_come_back_byte_for_byte() {
    // The SDK-made requests of tests/fixtures/catalog, signed again with their own key: nothing
    // changes, so `--format http` is the file as it was.
    let mut checked = 0;
    let mut failures = Vec::new();
    for (dir, cases) in common::case_files("catalog") {
        for case in cases.as_array().unwrap() {
            let id = case["id"].as_str().unwrap();
            if case["key_form"] != "text" {
                continue;
            }
            for request in case["requests"].as_array().unwrap() {
                if request["valid"] != true {
                    continue;
                }
                let file = dir.join(request["file"].as_str().unwrap());
                let Ok(raw) = std::fs::read(&file) else {
                    continue;
                };
                // The values a case gives beside its request (a passphrase, a token secret,
                // the headers it signs), as the catalog's verify test gives them.
                let sets: Vec<String> = request["set"]
                    .as_object()
                    .or(case["set"].as_object())
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
                    .collect();
                let mut args = vec![
                    "sign",
                    "-p",
                    id,
                    "--key",
                    case["key"].as_str().unwrap(),
                    "--request",
                    file.to_str().unwrap(),
                    "--format",
                    "http",
                ];
                for s in &sets {
                    args.extend(["--set", s.as_str()]);
                }
                let out = sigscope(&args);
                checked += 1;
                if out.stdout != raw {
                    failures.push(format!("{id}: {}", file.display()));
                }
            }
        }
    }
    if checked == 0 {
        return; // the fixtures are absent
    }
    assert!(checked >= 100, "{checked} requests");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_presigned_url_signed_with_another_key_carries_the_new_signature_in_its_query() {
    // S3's presigned GET (botocore), signed again with another key: the signature goes to
    // X-Amz-Signature, where the request carried it, and no Authorization header is added.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/catalog/builtin-regressions/aws-sigv4-s3-presigned-get.http");
    let Ok(raw) = std::fs::read_to_string(&file) else {
        return; // the fixtures are absent
    };
    let path = file.to_str().unwrap();
    let out = sigscope(&[
        "sign",
        "-p",
        "aws-sigv4",
        "--key",
        "other",
        "--request",
        path,
        "--format",
        "http",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let signature = |http: &str| {
        let line = http.lines().next().unwrap().to_string();
        let at = line.find("X-Amz-Signature=").unwrap();
        (line[..at].to_string(), line[at..].to_string())
    };
    let (before, theirs) = signature(&raw);
    let (ours_before, ours) = signature(&text);
    assert_eq!(before, ours_before);
    assert_ne!(theirs, ours);
    assert!(!text.contains("Authorization"), "{text}");
    verifies("aws-sigv4", "other", &text, "presigned");
}

/// `verify` of the request `text` with the scheme and key matches (exit 0).
fn verifies(scheme: &str, key: &str, text: &str, name: &str) {
    let again = tempdir(name).join("again.http");
    std::fs::write(&again, text).unwrap();
    let verify = sigscope(&[
        "verify",
        "-p",
        scheme,
        "--key",
        key,
        "--request",
        again.to_str().unwrap(),
    ]);
    assert_eq!(verify.status.code(), Some(0), "{verify:?}");
}

#[test]
fn a_signature_header_without_the_word_takes_the_new_parameters() {
    // draft-cavage's Signature header (as Mastodon sends it), signed again with another key:
    // its parameters change in place, and no Authorization form is added beside it.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/catalog/api-f-sigbase/cavage-sigheader.http");
    let Ok(raw) = std::fs::read_to_string(&file) else {
        return; // the fixtures are absent
    };
    let out = sigscope(&[
        "sign",
        "-p",
        "cavage",
        "--key",
        "other",
        "--request",
        file.to_str().unwrap(),
        "--format",
        "http",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |http: &str| {
        http.lines()
            .find(|l| l.starts_with("signature: "))
            .unwrap()
            .to_string()
    };
    assert_ne!(line(&raw), line(&text));
    assert!(line(&text).starts_with("signature: keyId=\"client-42\",algorithm="));
    assert!(!text.contains("Authorization"), "{text}");
    verifies("cavage", "other", &text, "sigheader");
}

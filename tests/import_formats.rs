//! The import formats beyond raw HTTP and bash curl, each from a fixture under
//! tests/fixtures/import/ (how each was made: its README.md). Where a real tool sent the request
//! (Chromium for the HAR file, Node.js for fetch, wget, newman for Postman, the Bruno CLI) the
//! bytes its listener captured are the expected values; HTTPie's own `--offline` print is its
//! expected value; the Windows cmd and PowerShell lines, made by the browsers' published
//! escaping from the HAR file's request, must give that request back.

mod common;

use std::path::{Path, PathBuf};

use sigscope::request::import::{
    self, EntrySelector, Environment, ImportOptions, Imported, read_environment,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A request a listener captured: its method, target, headers in order, body. Read here with
/// a split at the blank line, not with sigscope's reader.
struct Captured {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Captured {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn captured_bytes(raw: &[u8]) -> Captured {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a blank line");
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap().split(' ');
    let method = first.next().unwrap().to_string();
    let target = first.next().unwrap().to_string();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_string(), v.trim().to_string())
        })
        .collect();
    Captured {
        method,
        target,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

/// The request a listener captured whose request line starts so (`POST /v1/orders`).
fn captured(folder: &str, starts: &str) -> Captured {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .find(|b| b.starts_with(starts.as_bytes()))
        .map(|b| captured_bytes(&b))
        .unwrap_or_else(|| panic!("no `{starts}` in {folder}"))
}

fn no_files(p: &str) -> Result<Vec<u8>, String> {
    Err(format!("no file {p} in a fixture"))
}

fn read_with(
    rel: &str,
    entry: Option<&str>,
    environment: Option<Environment>,
) -> Result<Imported, import::ImportError> {
    import::parse_with(
        &bytes(rel),
        &mut ImportOptions {
            entry: entry.map(EntrySelector::parse),
            environment,
            read_file: &mut no_files,
            signed: None,
        },
    )
}

fn read(rel: &str) -> Imported {
    read_with(rel, None, None).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn env_file(rel: &str) -> Environment {
    Environment::Values(read_environment(&bytes(rel), rel).unwrap())
}

/// The fixtures' body: non-ASCII (é, ☕, an emoji), `$`, `%`, quotes, backslashes, newlines.
fn body() -> Vec<u8> {
    bytes("body.json")
}

/// The HAR file's signed POST, as the file lists it.
fn har_post() -> serde_json::Value {
    let har: serde_json::Value = serde_json::from_slice(&bytes("har/chromium.har")).unwrap();
    har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["request"]["method"] == "POST")
        .unwrap()["request"]
        .clone()
}

fn har_headers(skip: &[&str]) -> Vec<(String, String)> {
    har_post()["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                h["value"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(n, _)| !skip.iter().any(|s| s.eq_ignore_ascii_case(n)))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn har_from_chromium_picks_the_signed_entry_byte_exact() {
    let r = read("har/chromium.har");
    let sent = captured("har/captured", "POST ");
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, format!("http://127.0.0.1:18090{}", sent.target));
    assert_eq!(r.url, "http://127.0.0.1:18090/v1/orders?src=har&q=a%20b");
    assert_eq!(r.headers, har_headers(&[]));
    assert_eq!(r.body, sent.body, "the body Chromium sent");
    assert_eq!(r.body, body());
    assert_eq!(r.header("x-note"), sent.header("x-note"));
    assert!(
        r.notes[0].contains("2. POST") && r.notes[0].contains("carries a signature"),
        "{:?}",
        r.notes
    );
    // The other entries, by number and by a part of the URL.
    let r = read_with("har/chromium.har", Some("3"), None).unwrap();
    assert_eq!(
        (r.method.as_str(), r.url.as_str()),
        ("GET", "http://127.0.0.1:18090/v1/orders?page=2")
    );
    let r = read_with("har/chromium.har", Some("/app"), None).unwrap();
    assert_eq!(r.url, "http://127.0.0.1:18090/app");
    let e = read_with("har/chromium.har", Some("9"), None).unwrap_err();
    assert_eq!(
        e.message,
        "--entry 9: the HAR file holds 3 requests (1 to 3)"
    );
}

#[test]
fn har_base64_params_and_several_candidates() {
    let har = |entries: &str| {
        format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "t", "version": "1"}}, "entries": [{entries}]}}}}"#
        )
    };
    let entry = |method: &str, url: &str, post: &str| {
        format!(
            r#"{{"request": {{"method": "{method}", "url": "{url}", "httpVersion": "HTTP/2", "headers": [{{"name": ":authority", "value": "h"}}, {{"name": "x-a", "value": "1"}}], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 4{post}}}, "response": {{}}}}"#
        )
    };
    let b64 = har(&entry(
        "POST",
        "https://h/b",
        r#", "postData": {"mimeType": "application/octet-stream", "text": "/wAB/g==", "encoding": "base64"}"#,
    ));
    let r = import::parse(b64.as_bytes(), &mut no_files).unwrap();
    assert_eq!(r.body, [0xff, 0x00, 0x01, 0xfe]);
    assert_eq!(r.headers, pairs(&[("x-a", "1")]), "pseudo-headers left out");
    let params = har(&entry(
        "POST",
        "https://h/p",
        r#", "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "a b", "value": "c&d=é"}, {"name": "x", "value": "~*"}]}"#,
    ));
    let r = import::parse(params.as_bytes(), &mut no_files).unwrap();
    assert_eq!(r.body, b"a%20b=c%26d%3D%C3%A9&x=~%2A");
    let two = har(&format!(
        "{}, {}",
        entry("GET", "https://h/one", ""),
        entry("DELETE", "https://h/two", "")
    ));
    let e = import::parse(two.as_bytes(), &mut no_files).unwrap_err();
    assert_eq!(
        e.message,
        "the HAR file holds 2 requests and none carries a signature a scheme recognizes: pass --entry N or --entry NAME (1. GET https://h/one; 2. DELETE https://h/two)"
    );
}

#[test]
fn copy_as_fetch_browser_and_node_as_node_sent_them() {
    for (file, sent) in [("fetch/chrome.js", 1), ("fetch/chrome-node.js", 2)] {
        let r = read(file);
        let sent = captured_bytes(&bytes(&format!("fetch/captured/{sent:03}.http")));
        assert_eq!(r.method, sent.method, "{file}");
        assert_eq!(
            r.url,
            format!("http://127.0.0.1:18091{}", sent.target),
            "{file}"
        );
        assert_eq!(r.body, sent.body, "{file}: the body Node.js sent");
        assert_eq!(r.body, body(), "{file}");
        // Every header of the snippet, in its order, as Node.js sent it.
        let names: Vec<String> = r.headers.iter().map(|(n, _)| n.to_lowercase()).collect();
        let on_wire: Vec<(String, String)> = sent
            .headers
            .iter()
            .filter(|(n, _)| names.contains(&n.to_lowercase()))
            .map(|(n, v)| (n.to_lowercase(), v.clone()))
            .collect();
        let ours: Vec<(String, String)> = r
            .headers
            .iter()
            .map(|(n, v)| (n.to_lowercase(), v.clone()))
            .collect();
        assert_eq!(ours, on_wire, "{file}");
        assert_eq!(r.header("x-note"), Some("a \"b\" $c 100%"));
    }
}

/// The HAR body with the emoji as the Windows "Copy as cURL" writes leave it: a caret between
/// its two UTF-16 halves makes each a lone surrogate, which the file holds as U+FFFD.
fn body_with_split_emoji() -> Vec<u8> {
    String::from_utf8(body())
        .unwrap()
        .replace('😀', "\u{fffd}\u{fffd}")
        .into_bytes()
}

#[test]
fn copy_as_curl_cmd_chrome_and_firefox_give_the_request_back() {
    let url = har_post()["url"].as_str().unwrap().to_string();
    let r = read("cmd/chrome.cmd");
    assert_eq!((r.method.as_str(), r.url.as_str()), ("POST", url.as_str()));
    assert_eq!(
        r.headers,
        har_headers(&["accept-encoding", "host", "content-length"])
    );
    assert_eq!(r.body, body_with_split_emoji());
    assert!(
        r.notes.iter().any(|n| n.contains("Chromium bug 1242803")),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|n| n.contains("U+FFFD")),
        "{:?}",
        r.notes
    );
    let r = read("cmd/firefox.cmd");
    assert_eq!((r.method.as_str(), r.url.as_str()), ("POST", url.as_str()));
    assert_eq!(r.headers, har_headers(&["host", "content-length"]));
    assert_eq!(r.body, body_with_split_emoji());
}

#[test]
fn copy_as_powershell_gives_the_request_back() {
    let r = read("powershell/chrome.ps1");
    let post = har_post();
    assert_eq!(
        (r.method.as_str(), r.url.as_str()),
        ("POST", post["url"].as_str().unwrap())
    );
    let mut expect = har_headers(&[
        "host",
        "connection",
        "content-length",
        "content-type",
        "user-agent",
        "cookie",
    ]);
    let har = har_headers(&[]);
    let get = |n: &str| har.iter().find(|(h, _)| h == n).unwrap().1.clone();
    expect.push(("User-Agent".into(), get("User-Agent")));
    expect.push(("Content-Type".into(), get("Content-Type")));
    assert_eq!(r.headers, expect);
    assert_eq!(r.body, body(), "the emoji survives $([char]N) pairs");
}

/// The request HTTPie printed with --offline.
fn offline(rel: &str) -> Captured {
    captured_bytes(&bytes(rel))
}

#[test]
fn httpie_items_and_raw_body_as_httpie_builds_them() {
    for (line, printed) in [
        ("httpie/items.sh", "httpie/items.offline"),
        ("httpie/raw.sh", "httpie/raw.offline"),
    ] {
        let r = read(line);
        let sent = offline(printed);
        assert_eq!(r.method, sent.method, "{line}");
        assert_eq!(
            r.url,
            format!("http://127.0.0.1:18092{}", sent.target),
            "{line}"
        );
        assert_eq!(
            r.body,
            sent.body,
            "{line}: {}",
            String::from_utf8_lossy(&r.body)
        );
        for name in ["Content-Type", "Accept", "X-Note"] {
            assert_eq!(r.header(name), sent.header(name), "{line}: {name}");
        }
    }
    assert_eq!(read("httpie/raw.sh").body, body());
}

#[test]
fn wget_as_wget_sent_it() {
    let r = read("wget/command.sh");
    let sent = captured("wget/captured", "POST ");
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, format!("http://127.0.0.1:18093{}", sent.target));
    assert_eq!(r.body, sent.body);
    assert_eq!(r.body, body());
    assert_eq!(
        r.headers,
        pairs(&[
            ("Content-Type", sent.header("content-type").unwrap()),
            ("X-GitHub-Event", "push"),
            ("X-Note", sent.header("x-note").unwrap()),
        ])
    );
}

#[test]
fn postman_collection_with_variables_as_newman_sent_it() {
    let env = || Some(env_file("postman/environment.json"));
    // No --entry: the one item that carries a signature.
    let r = read_with("postman/collection.json", None, env()).unwrap();
    let sent = captured("postman/captured", "POST /v1/orders");
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, format!("http://127.0.0.1:18094{}", sent.target));
    assert_eq!(r.headers, sent.headers[..4].to_vec());
    assert_eq!(r.body, sent.body, "the body newman sent");
    assert!(
        String::from_utf8_lossy(&r.body).contains(r#""who": "bob & "alice"""#),
        "the collection variable in the body"
    );
    let r = read_with("postman/collection.json", Some("Subscribe (form)"), env()).unwrap();
    let sent = captured("postman/captured", "POST /v1/subscribe");
    assert_eq!(r.body, sent.body);
    assert_eq!(r.header("authorization"), sent.header("authorization"));
    assert_eq!(r.header("content-type"), sent.header("content-type"));
    let r = read_with("postman/collection.json", Some("Orders/List orders"), env()).unwrap();
    let sent = captured("postman/captured", "GET ");
    assert_eq!(r.url, format!("http://127.0.0.1:18094{}", sent.target));
    // Without the environment the variables are named, not signed as `{{signature}}`.
    let e = read_with("postman/collection.json", Some("Create order"), None).unwrap_err();
    assert!(
        e.message
            .contains("`{{signature}}` in header X-Hub-Signature-256")
            && e.message.contains("`{{timestamp}}` in header X-Timestamp")
            && e.message.contains("--environment FILE"),
        "{e}"
    );
    let e = read_with("postman/collection.json", None, None).unwrap_err();
    assert!(
        e.message.starts_with("the Postman collection: request 2. `Orders/Create order` (POST http://127.0.0.1:18094/v1/orders) does not read: variables have no value: `{{signature}}`")
            && e.message.contains("; of the 1 that read, none carries a signature"),
        "{e}"
    );
}

#[test]
fn insomnia_export_with_its_environments() {
    let prod = || Some(Environment::Named("Production".into()));
    let r = read_with("insomnia/export.json", None, prod()).unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.url,
        "https://api.example.com/v1/orders?src=insomnia&q=a%20b"
    );
    assert_eq!(
        r.headers,
        pairs(&[
            ("Content-Type", "application/json"),
            ("X-GitHub-Event", "push"),
            (
                "X-Hub-Signature-256",
                "sha256=dbbbfd0e8c3eb2d21994213e3218294ec007f99599d4c9bf9bbdc830c112d13b"
            ),
            ("X-Timestamp", "1700000000"),
        ])
    );
    assert_eq!(r.body, body());
    let r = read_with("insomnia/export.json", Some("List orders"), prod()).unwrap();
    assert_eq!(r.url, "https://api.example.com/v1/orders?page=2");
    assert_eq!(r.header("authorization"), Some("Bearer tok-456"));
    let e = read_with("insomnia/export.json", Some("1"), None).unwrap_err();
    assert!(
        e.message.contains("`{{ _.signature }}`"),
        "the base environment alone leaves the signature: {e}"
    );
    let e = read_with(
        "insomnia/export.json",
        None,
        Some(Environment::Named("Staging".into())),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "--environment Staging: no such file, and the Insomnia export has no environment of that name (it has Production)"
    );
}

#[test]
fn bruno_request_as_the_bruno_cli_sent_it() {
    let env = Some(env_file("bruno/collection/environments/Local.bru"));
    let r = read_with("bruno/collection/create-order.bru", None, env).unwrap();
    let sent = captured("bruno/captured", "POST ");
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, format!("http://127.0.0.1:18095{}", sent.target));
    assert_eq!(r.body, sent.body, "the body the Bruno CLI sent");
    assert_eq!(r.body, body());
    for name in [
        "Content-Type",
        "X-GitHub-Event",
        "X-Hub-Signature-256",
        "X-Timestamp",
    ] {
        assert_eq!(r.header(name), sent.header(name), "{name}");
    }
    assert_eq!(r.header("x-debug"), None, "a disabled header");
    let e = read_with("bruno/collection/create-order.bru", None, None).unwrap_err();
    assert!(
        e.message.contains("`{{baseUrl}}` in the URL") && e.message.contains("`{{signature}}`"),
        "{e}"
    );
}

#[test]
fn anything_else_is_one_line_naming_what_it_looks_like() {
    for (text, says) in [
        (
            "{\"id\": 1, \"name\": \"x\", \"values\": []}",
            "the request is a Postman environment",
        ),
        ("{\"a\": 1}", "JSON that is not a HAR file"),
        (
            "Get-Content req.json | Invoke-RestMethod",
            "a PowerShell command, `Get-Content`",
        ),
        ("import requests\nrequests.post('https://h')", "Python code"),
        ("https://h/x?a=1", "a URL alone"),
        ("xh POST https://h/x a=1", "a `xh` command line"),
        (
            "type: collection.insomnia.rest/5.0\nname: x",
            "an Insomnia v5 export",
        ),
    ] {
        let e = import::parse(text.as_bytes(), &mut no_files).unwrap_err();
        assert!(e.message.contains(says), "{text}: {e}");
        assert!(
            e.message
                .contains("read: raw HTTP, curl (bash or Windows cmd), PowerShell"),
            "{e}"
        );
        assert!(!e.message.contains('\n'));
    }
    let e = import::parse(b"not a request at all", &mut no_files).unwrap_err();
    assert!(
        e.message.starts_with("expected a request line") && e.message.contains("HAR"),
        "{e}"
    );
    // --entry and --environment where they do not apply.
    let e = import::parse_with(
        b"curl https://h/x",
        &mut ImportOptions {
            entry: Some(EntrySelector::Index(2)),
            environment: None,
            read_file: &mut no_files,
            signed: None,
        },
    )
    .unwrap_err();
    assert!(
        e.message
            .starts_with("--entry 2: the request is a curl command line"),
        "{e}"
    );
}

#[test]
fn the_command_line_takes_entry_and_environment() {
    let d = dir();
    let p = |rel: &str| d.join(rel).to_str().unwrap().to_string();
    // verify without -p: the HAR entry and the scheme both recognized by the signature.
    let o = common::sigscope(&[
        "verify",
        "--request",
        &p("har/chromium.har"),
        "--key",
        "it's a secret",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = common::sigscope(&[
        "verify",
        "--request",
        &p("postman/collection.json"),
        "--environment",
        &p("postman/environment.json"),
        "--key",
        "it's a secret",
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = common::sigscope(&[
        "verify",
        "-p",
        "github",
        "--request",
        &p("insomnia/export.json"),
        "--environment",
        "Production",
        "--entry",
        "Create order",
        "--key",
        "it's a secret",
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A wrong key is a mismatch (exit 1), not a reading error.
    let o = common::sigscope(&[
        "verify",
        "-p",
        "github",
        "--request",
        &p("bruno/collection/create-order.bru"),
        "--environment",
        &p("bruno/collection/environments/Local.bru"),
        "--key",
        "wrong",
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The variables left: one line, exit 2.
    let o = common::sigscope(&[
        "sign",
        "-p",
        "github",
        "--request",
        &p("postman/collection.json"),
        "--entry",
        "Create order",
        "--key",
        "k",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("`{{signature}}`"), "{err}");
    // --entry needs --request.
    let o = common::sigscope(&["sign", "-p", "github", "--entry", "2", "--key", "k"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Every prefix of every fixture, and each with bytes changed here and there, reads or says
/// why: never a panic (the fuzz target `import` goes further).
#[test]
fn no_input_makes_a_reader_panic() {
    let files = [
        "cmd/chrome.cmd",
        "cmd/firefox.cmd",
        "powershell/chrome.ps1",
        "fetch/chrome.js",
        "httpie/items.sh",
        "httpie/raw.sh",
        "wget/command.sh",
        "bruno/collection/create-order.bru",
        "insomnia/export.json",
        "postman/collection.json",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let specials = b"^\"'`$\\{}[]()@%:=;|&<>\n\r\t \xff\xc3#,.-";
    for file in files {
        let input = bytes(file);
        let step = (input.len() / 400).max(1);
        for end in (0..input.len()).step_by(step) {
            let _ = import::parse(&input[..end], &mut no_files);
        }
        for _ in 0..300 {
            let mut m = input.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % m.len().max(1);
                let b = specials[(next() as usize) % specials.len()];
                match next() % 3 {
                    0 if !m.is_empty() => m[at] = b,
                    1 => m.insert(at.min(m.len()), b),
                    _ if !m.is_empty() => {
                        m.remove(at);
                    }
                    _ => {}
                }
            }
            let _ = import::parse(&m, &mut no_files);
        }
    }
}

//! F7 with a HAR file of several requests: none picked, the TUI lists them (those that carry a
//! signature marked and the first of them selected) and Enter reads the one selected, byte for
//! byte, its signature checked against an HMAC computed here.

use ratatui::crossterm::event::{Event, KeyCode};

const NOW: i64 = 1_716_363_800_000;

mod common;

use common::{key, screen};

/// GitHub's formula, apart from the engine: `sha256=` and hex of HMAC-SHA256(key, body).
fn github_signature(key: &str, body: &str) -> String {
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("any key");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// One request of a HAR file: method, URL, body and headers.
type Entry<'a> = (&'a str, &'a str, &'a str, Vec<(&'a str, String)>);

/// A HAR 1.2 file (as a browser saves it) of these requests.
fn har(entries: &[Entry]) -> String {
    let entries: Vec<serde_json::Value> = entries
        .iter()
        .map(|(method, url, body, headers)| {
            let headers: Vec<serde_json::Value> = headers
                .iter()
                .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
                .collect();
            let mut request = serde_json::json!({
                "method": method, "url": url, "httpVersion": "HTTP/1.1",
                "headers": headers, "queryString": [], "cookies": [],
                "headersSize": -1, "bodySize": body.len(),
            });
            if !body.is_empty() {
                request["postData"] =
                    serde_json::json!({"mimeType": "application/json", "text": body});
            }
            serde_json::json!({"request": request, "response": {}})
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": entries}
    }))
    .unwrap()
}

#[test]
fn f7_lists_the_requests_of_a_har_file_and_enter_reads_the_one_picked() {
    let mut app = common::app("github", NOW);
    let secret = common::recipe("github").example.key.clone();
    let (first, second) = (r#"{"n":1}"#, r#"{"n":2,"s":"é"}"#);
    let signed = |body: &str| {
        vec![
            ("Content-Type", "application/json".to_string()),
            ("X-GitHub-Event", "push".to_string()),
            ("X-Hub-Signature-256", github_signature(&secret, body)),
        ]
    };
    let text = har(&[
        ("GET", "https://example.com/app", "", vec![]),
        ("POST", "https://example.com/hook/a", first, signed(first)),
        ("POST", "https://example.com/hook/b", second, signed(second)),
    ]);
    app.handle(key(KeyCode::F(7)));
    app.handle(Event::Paste(text));
    app.handle(key(KeyCode::F(7)));
    // Two carry a signature: a list, the first signed one selected.
    let status = app.status.clone().unwrap().text;
    assert!(
        status.starts_with("3 requests: ↑↓ and Enter pick one (2 carry a signature"),
        "{status}"
    );
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("Requests pasted"), "{shown}");
    assert!(
        shown.contains("  1. GET https://example.com/app"),
        "{shown}"
    );
    assert!(
        shown.contains("✓ 2. POST https://example.com/hook/a"),
        "{shown}"
    );
    assert!(
        shown.contains("✓ 3. POST https://example.com/hook/b"),
        "{shown}"
    );
    // Down, Enter: the third request, its body and its signature; the stages match it.
    app.handle(key(KeyCode::Down));
    app.handle(key(KeyCode::Enter));
    assert!(app.overlay.is_none());
    assert_eq!(app.inputs.body.bytes(), second.as_bytes());
    assert_eq!(
        app.expected.lines().concat(),
        github_signature(&secret, second)
    );
    let trace = app.computed.result.as_ref().unwrap();
    assert_eq!(
        format!("sha256={}", trace.signature_text()),
        github_signature(&secret, second)
    );
    let status = app.status.clone().unwrap().text;
    assert!(
        status.contains("request 3. POST https://example.com/hook/b is read"),
        "{status}"
    );
    // Esc instead of Enter leaves the inputs as they were.
    let mut other = common::app("github", NOW);
    let before = other.inputs.body.bytes();
    other.handle(key(KeyCode::F(7)));
    other.handle(Event::Paste(har(&[
        ("GET", "https://example.com/one", "", vec![]),
        ("GET", "https://example.com/two", "", vec![]),
    ])));
    other.handle(key(KeyCode::F(7)));
    assert!(matches!(
        other.overlay,
        Some(sigscope::tui::app::Overlay::Entries(_))
    ));
    other.handle(key(KeyCode::Esc));
    assert!(other.overlay.is_none());
    assert_eq!(other.inputs.body.bytes(), before);
}

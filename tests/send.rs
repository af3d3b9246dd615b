//! `sigscope send` against test servers on loopback: plain HTTP, TLS with a test certificate
//! (rcgen) trusted through --cacert, and AWS-style `SignatureDoesNotMatch` answers whose strings
//! come from AWS's own SigV4 test suite in ../shared.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

const KEY: &str = "It's a Secret to Everybody";

mod common;

use common::sigscope;

/// Reads one request (head, then Content-Length bytes) from a stream, as it came.
fn read_request(s: &mut impl Read) -> Vec<u8> {
    let (head, body) = common::read_message(s);
    let mut buf = head.into_bytes();
    buf.extend_from_slice(&body);
    buf
}

/// A server for one request: returns its port and a handle giving the bytes it received.
fn serve_once(answer: Vec<u8>) -> (u16, std::thread::JoinHandle<Vec<u8>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let got = read_request(&mut s);
        s.write_all(&answer).unwrap();
        got
    });
    (port, h)
}

fn answer(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nX-Request-Id: abc\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn sends_exactly_what_the_http_export_shows_and_prints_the_answer() {
    let (port, got) = serve_once(answer(
        "200 OK",
        "application/json",
        "{\"ok\":true,\"n\":[1,2]}",
    ));
    let url = format!("http://127.0.0.1:{port}/github/webhook?x=1");
    let body = "{\"zen\":\"Design for failure.\"}\r\n";
    let flags = [
        "-p",
        "github",
        "--key",
        KEY,
        "--set",
        &format!("url={url}"),
        "--body",
        body,
    ];
    let o = sigscope(&[&["send"][..], &flags].concat());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got = got.join().unwrap();
    // The export, with its target in origin-form (it writes http:// URLs in absolute-form).
    let export = sigscope(&[&["sign", "--format", "http"][..], &flags].concat()).stdout;
    let export = String::from_utf8(export).unwrap().replacen(
        &format!("http://127.0.0.1:{port}/github/webhook?x=1"),
        "/github/webhook?x=1",
        1,
    );
    assert_eq!(String::from_utf8(got).unwrap(), export);
    // The answer: status, headers, the JSON body made readable, timings.
    assert!(text.contains("< HTTP/1.1 200 OK"), "{text}");
    assert!(text.contains("< X-Request-Id: abc"), "{text}");
    assert!(text.contains("  \"ok\": true,"), "{text}");
    assert!(text.contains("· connect "), "{text}");
    // The key is never printed.
    assert!(!text.contains(KEY));
}

#[test]
fn a_refusal_exits_1() {
    let (port, got) = serve_once(answer("401 Unauthorized", "text/plain", "bad signature"));
    let url = format!("url=http://127.0.0.1:{port}/h");
    let o = sigscope(&[
        "send", "-p", "github", "--key", KEY, "--set", &url, "--body", "x",
    ]);
    assert_eq!(o.status.code(), Some(1));
    got.join().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("bad signature"), "{text}");
    // Nobody listening: exit 1 and one line.
    let o = sigscope(&[
        "send", "-p", "github", "--key", KEY, "--set", &url, "--body", "x",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot connect"), "{err}");
}

fn suite(name: &str) -> Option<String> {
    let p: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "../shared/vectors/aws-sigv4-testsuite/get-vanilla",
        name,
    ]
    .iter()
    .collect();
    match std::fs::read_to_string(&p) {
        Ok(t) => Some(t),
        Err(_) => {
            eprintln!(
                "SKIPPED: {} is absent (../shared holds AWS's SigV4 test suite)",
                p.display()
            );
            None
        }
    }
}

/// AWS answers with the canonical request it computed: here get-vanilla's, whose Host header is
/// AWS's host while ours is the test server's. The report names the host line.
#[test]
fn an_aws_signature_does_not_match_answer_is_diffed_line_by_line() {
    let (Some(creq), Some(sts)) = (suite("get-vanilla.creq"), suite("get-vanilla.sts")) else {
        return;
    };
    let message = format!(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{creq}'\n\nThe String-to-Sign should have been\n'{sts}'\n"
    );
    let body =
        serde_json::json!({"__type": "SignatureDoesNotMatch", "message": message}).to_string();
    let (port, got) = serve_once(answer("403 Forbidden", "application/x-amz-json-1.1", &body));
    let url = format!("url=http://127.0.0.1:{port}/");
    let o = sigscope(&["send", "-p", "aws-sigv4", "--example", "--set", &url]);
    got.join().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("The server's canonical request (canonical_request), from the answer's \"Canonical String … should have been\", differs from ours at line 4"),
        "{text}"
    );
    assert!(
        text.contains(&format!("yours, line 4:  host:127.0.0.1:{port}")),
        "{text}"
    );
    assert!(
        text.contains("theirs, line 4: host:example.amazonaws.com"),
        "{text}"
    );
    assert!(
        text.contains("The server's string to sign (canonical)"),
        "{text}"
    );

    // S3's XML form, with the exact bytes.
    let hex: Vec<String> = creq.bytes().map(|b| format!("{b:02x}")).collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>ignored</CanonicalRequest><CanonicalRequestBytes>{}</CanonicalRequestBytes></Error>",
        hex.join(" ")
    );
    let (port, got) = serve_once(answer("403 Forbidden", "application/xml", &xml));
    let url = format!("url=http://127.0.0.1:{port}/");
    let o = sigscope(&["send", "-p", "aws-sigv4", "--example", "--set", &url]);
    got.join().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("from <CanonicalRequestBytes>, differs from ours at line 4"),
        "{text}"
    );
}

#[test]
fn their_canonical_pasted_into_a_file() {
    let Some(creq) = suite("get-vanilla.creq") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("sigscope-theirs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // verify's report on a string written to a file.
    let compared = |name: &str, theirs: &str| -> String {
        let path = dir.join(name);
        std::fs::write(&path, theirs).unwrap();
        let o = sigscope(&[
            "verify",
            "-p",
            "aws-sigv4",
            "--example",
            "--their-canonical",
            path.to_str().unwrap(),
        ]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let text = compared("same.txt", &creq);
    assert!(text.contains("is the same as ours"), "{text}");
    // One header line differs: its line and byte are named.
    let text = compared(
        "other.txt",
        &creq.replace("x-amz-date:20150830T123600Z", "x-amz-date:20150830T123600"),
    );
    assert!(
        text.contains("differs from ours at line 5, byte "),
        "{text}"
    );
    assert!(
        text.contains("theirs, line 5: x-amz-date:20150830T123600\n"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn https_with_a_test_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("sigscope-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("ca.pem");
    std::fs::write(&pem, cert.cert.pem()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into()),
        )
        .unwrap();
    let config = Arc::new(config);
    let config2 = config.clone();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (tcp, _) = l.accept().unwrap();
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let got = read_request(&mut tls);
        tls.write_all(&answer("200 OK", "text/plain", "over TLS"))
            .unwrap();
        tls.conn.send_close_notify();
        let _ = tls.flush();
        got
    });
    let url = format!("url=https://localhost:{port}/secure");
    let o = sigscope(&[
        "send",
        "-p",
        "github",
        "--key",
        KEY,
        "--set",
        &url,
        "--body",
        "hi",
        "--cacert",
        pem.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("over TLS"), "{text}");
    let got = String::from_utf8(server.join().unwrap()).unwrap();
    assert!(
        got.starts_with("POST /secure HTTP/1.1\r\nHost: localhost:"),
        "{got}"
    );
    // Without the certificate, the system's roots do not trust it: exit 1, the TLS error named.
    // (a TLS server with the same certificate, which the client refuses in the handshake)
    let l2 = TcpListener::bind("127.0.0.1:0").unwrap();
    let port2 = l2.local_addr().unwrap().port();
    let config2 = config2.clone();
    std::thread::spawn(move || {
        let (tcp, _) = l2.accept().unwrap();
        let conn = rustls::ServerConnection::new(config2).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let _ = tls.read(&mut [0u8; 16]);
    });
    let url = format!("url=https://localhost:{port2}/secure");
    let o = sigscope(&[
        "send", "-p", "github", "--key", KEY, "--set", &url, "--body", "hi",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("TLS") && err.contains("certificate"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

//! curl lines as browsers copy them, read by sigscope and by bash itself: bash is the oracle for
//! every word (ANSI-C quoting included), and the imported body is the bytes bash passes to curl.

use std::process::Command;

use sigscope::request::import::{self, Imported};
use sigscope::request::shell::{self, Token};

/// The arguments bash passes to `curl` for `line`, each as bytes.
fn bash_args(line: &str) -> Vec<Vec<u8>> {
    let script = format!(
        "curl() {{ for a in \"$@\"; do printf '%s' \"$a\" | od -An -v -tx1 | tr -d ' \\n'; echo; done; }}\n{line}"
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| hex::decode(l).unwrap())
        .collect()
}

fn our_words(line: &str) -> Vec<Vec<u8>> {
    shell::split(line)
        .unwrap()
        .tokens
        .into_iter()
        .skip(1)
        .map(|t| match t {
            Token::Word { bytes, .. } => bytes,
            Token::Pipe { .. } => panic!("no pipe expected"),
        })
        .collect()
}

fn import(line: &str) -> Imported {
    import::parse(line.as_bytes(), &mut |p| Err(format!("no file {p}")))
        .unwrap_or_else(|e| panic!("{e}\n{line}"))
}

// Chrome's "Copy as cURL (bash)": single quotes, one option a line, ANSI-C quoting for a body
// with a quote, a backslash or a character outside printable ASCII.
const CHROME: &str = r#"curl 'https://api.example.com/v1/orders?page=2' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'accept-language: en-GB,en;q=0.9' \
  -H 'content-type: application/json' \
  -b 'session=abc; theme=dark' \
  -H 'origin: https://app.example.com' \
  -H 'x-signature: 9a1f' \
  --data-raw $'{"note":"caf\u00e9\\n","q":"it\'s","tab":"\t","e":"\ud83d\ude00"}' \
  --compressed"#;

// Firefox's "Copy as cURL (POSIX)": one line, -X first, ANSI-C quoting for escapes.
const FIREFOX: &str = r#"curl 'https://api.example.com/v1/orders' -X POST -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' -H 'Accept: */*' -H 'Content-Type: application/json' -H 'X-Signature: 9a1f' -H 'Connection: keep-alive' --data-raw $'{"text":"line1\\nline2\\r\\n","quote":"\'","nul":"\\u0000"}'"#;

// Safari's "Copy as cURL": every value single-quoted, the method quoted too, --data-binary.
const SAFARI: &str = r#"curl 'https://api.example.com/v1/orders' \
-X 'POST' \
-H 'Content-Type: application/json' \
-H 'Accept: application/json' \
-H 'X-Signature: 9a1f' \
--data-binary '{"name":"it'"'"'s","path":"C:\\temp"}'"#;

#[test]
fn browser_exports_read_word_for_word_as_bash_reads_them() {
    for line in [CHROME, FIREFOX, SAFARI] {
        assert_eq!(our_words(line), bash_args(line), "{line}");
    }
}

#[test]
fn chrome_body_is_the_bytes_bash_sends() {
    let r = import(CHROME);
    let args = bash_args(CHROME);
    let data = args
        .iter()
        .position(|a| a == b"--data-raw")
        .map(|i| args[i + 1].clone())
        .unwrap();
    assert_eq!(r.body, data);
    // The UTF-8 é, a backslash-n pair, a quote, a real tab, and the emoji bash writes from the
    // two surrogate escapes (three bytes each, as bash does).
    assert!(
        r.body
            .starts_with("{\"note\":\"café\\n\",\"q\":\"it's\",\"tab\":\"\t\"".as_bytes())
    );
    assert_eq!(r.body.len(), 52, "{:?}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("cookie"), Some("session=abc; theme=dark"));
    assert_eq!(r.header("x-signature"), Some("9a1f"));
    assert_eq!(r.url, "https://api.example.com/v1/orders?page=2");
}

#[test]
fn firefox_and_safari_bodies() {
    let r = import(FIREFOX);
    assert_eq!(
        r.body,
        br#"{"text":"line1\nline2\r\n","quote":"'","nul":"\u0000"}"#
    );
    let r = import(SAFARI);
    assert_eq!(r.body, br#"{"name":"it's","path":"C:\\temp"}"#);
    assert_eq!(r.method, "POST");
}

#[test]
fn every_byte_value_in_ansi_c_quoting() {
    // \x01 … \xff one byte each, and the octal and \c forms of a few.
    let mut line = String::from("curl https://h/x --data-binary $'");
    for b in 1..=255u8 {
        line += &format!("\\x{b:02x}");
    }
    line += r"\101\7\cA\c?\E\a\v\f\b\'\?\q'";
    assert_eq!(our_words(&line), bash_args(&line));
    let r = import(&line);
    assert_eq!(r.body.len(), 255 + 11 + 2, "{:?}", r.body);
}

#[test]
fn a_nul_in_ansi_c_quoting_cuts_the_word_as_bash_does() {
    let line = r"curl https://h/x --data-binary $'ab\x00cd'ef";
    assert_eq!(our_words(line), bash_args(line));
    let r = import(line);
    assert_eq!(r.body, b"abef");
    assert!(r.notes.iter().any(|n| n.contains("NUL")), "{:?}", r.notes);
}

#[test]
fn windows_cmd_lines_are_recognized() {
    // Read as cmd.exe lines since the import-formats work (tests/import_formats.rs has more).
    let cmd = "curl ^\"https://api.example.com/v1/orders^\" ^\n  -H ^\"content-type: application/json^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":1^}^\"";
    let r = import::parse(cmd.as_bytes(), &mut |_| Err(String::new())).unwrap();
    assert_eq!(r.url, "https://api.example.com/v1/orders");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body, b"{\"a\":1}");
}

#[test]
fn options_as_curl_reads_them() {
    // Clustered short flags, an attached value, --data-urlencode in each of its forms.
    let r = import(
        "curl -sSLk -XPUT https://h/x --data-urlencode 'a b&c' --data-urlencode '=é/' --data-urlencode 'name=x y~z'",
    );
    assert_eq!(r.method, "PUT");
    assert_eq!(r.body, b"a%20b%26c&%C3%A9%2F&name=x%20y~z");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // -u is a Basic Authorization header, -I a HEAD, --json sets its headers unless given.
    let r = import("curl -u 'ab:c d' -I https://h/x");
    assert_eq!(r.method, "HEAD");
    assert_eq!(r.header("authorization"), Some("Basic YWI6YyBk"));
    let r = import("curl https://h/x --json '{\"a\":1}' -H 'Accept: text/plain'");
    assert_eq!(r.header("accept"), Some("text/plain"));
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn unsupported_options_are_named() {
    for (line, expect) in [
        (
            "curl --frobnicate https://h/x",
            "unsupported curl option `--frobnicate`",
        ),
        ("curl -sQ x https://h/x", "unsupported curl option `-Q`"),
        ("curl -F a=@f https://h/x", "multipart"),
        ("curl --form-string a=b https://h/x", "multipart"),
        ("curl -K opts https://h/x", "reads more options from a file"),
        ("curl \"$URL\"", "`$URL` is a shell variable"),
        ("curl https://h/x; rm -rf /", "give one curl command"),
    ] {
        let e = import::parse(line.as_bytes(), &mut |_| Err(String::new())).unwrap_err();
        assert!(e.message.contains(expect), "{line}: {e}");
    }
}

#[test]
fn a_printf_pipe_gives_curl_its_body() {
    let line = r"printf '\377\000a%%\n' | curl https://h/x --data-binary @-";
    let r = import(line);
    assert_eq!(r.body, b"\xff\x00a%\n");
    let out = Command::new("bash")
        .arg("-c")
        .arg(r"printf '\377\000a%%\n'")
        .output()
        .unwrap();
    assert_eq!(out.stdout, r.body);
}

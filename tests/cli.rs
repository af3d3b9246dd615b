//! The command line, run as a user runs it: the real binary, real files, standard input.
//! Expected values come from the shared vectors, the seed pages, or a second computation with
//! the RustCrypto crates directly.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use serde_json::Value;

mod common;

use common::{tpns_sign, vector};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sigscope"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command that refuses before reading standard input closes it: the write may then fail
    // with a broken pipe, which is no failure of the test.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn tpns_example_headers_carry_the_documented_sign() {
    let o = run(&["sign", "-p", "tpns", "--example", "--format", "headers"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The Sign, AccessId and TimeStamp lines of the seed page's HTTP example.
    assert_eq!(
        stdout(&o),
        "Sign: Y2QyMDc3NDY4MmJmNzhiZmRiNDNlMTdkMWQ1ZDU2YjNlNWI3ODlhMTY3MGZjMTUyN2VmNTRjNjVkMmQ3Yjc2ZA==\n\
         AccessId: 1500001048\n\
         TimeStamp: 1565314789\n\
         Content-Type: application/json\n"
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn every_scheme_example_signs_as_its_vector() {
    for (scheme, id) in [
        ("linksfield", "LF-1"),
        ("tpns", "TP-1"),
        ("huawei-authtoken", "HW-A1"),
        ("huawei-basic", "HW-B1"),
        ("huawei-tenant", "HW-C1"),
        ("etower", "ET-1"),
        ("moneyhoney", "HM-2"),
    ] {
        let o = run(&["sign", "-p", scheme, "--example"]);
        assert!(o.status.success(), "{scheme}: {}", stderr(&o));
        assert_eq!(
            stdout(&o),
            format!("{}\n", vector(id).signature),
            "{scheme}"
        );
    }
}

#[test]
fn explicit_flags_override_the_example() {
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--example",
        "--variant",
        "output=base64",
    ]);
    assert_eq!(stdout(&o).trim(), vector("TP-V1").signature);
    let v3 = vector("TP-V3");
    let o = run(&["sign", "-p", "tpns", "--example", "--body", &v3.body]);
    assert_eq!(stdout(&o).trim(), v3.signature);
    let o = run(&[
        "sign",
        "-p",
        "etower",
        "--example",
        "--set",
        "url=https://cfs-qa.etowertech.com/services/shipper/orders?page=1",
        "--set",
        "method=GET",
    ]);
    assert_eq!(stdout(&o).trim(), vector("ET-2").signature);
}

#[test]
fn inputs_without_the_example() {
    let v = vector("HW-A2");
    let o = run(&[
        "sign",
        "-p",
        "huawei-authtoken",
        "--key",
        &v.key,
        "--body",
        &v.body,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), v.signature);
    let v = vector("HM-9");
    let o = run(&[
        "sign",
        "-p",
        "moneyhoney",
        "--key",
        &v.key,
        "--body",
        &v.body,
        "--set",
        &format!("url={}", v.fields["url"]),
        "--variant",
        "mode=response",
    ]);
    assert_eq!(stdout(&o).trim(), v.signature);
}

#[test]
fn json_format_follows_the_design_schema() {
    let v = vector("HW-C1");
    let o = run(&[
        "sign",
        "-p",
        "huawei-tenant",
        "--example",
        "--format",
        "json",
        "--reveal",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["scheme"], "huawei-tenant");
    assert_eq!(j["signature"], v.signature);
    let stages = j["stages"].as_array().unwrap();
    let canonical = stages.iter().find(|s| s["name"] == "canonical").unwrap();
    assert_eq!(canonical["hex"], hex::encode(v.canonical.as_bytes()));
    assert_eq!(canonical["text"], v.canonical);
    // The raw MAC is not UTF-8: it has hex and no text.
    let mac = stages.iter().find(|s| s["name"] == "mac").unwrap();
    assert!(mac.get("text").is_none());
    assert!(stages.iter().all(|s| s["name"] != "key"));
    let headers = j["headers"].as_array().unwrap();
    assert_eq!(
        headers[0],
        serde_json::json!({ "name": "x-sign", "value": v.signature })
    );
}

#[test]
fn body_from_a_file_and_from_standard_input() {
    let v = vector("TP-1");
    let path = tmp("tp1.json", v.body.as_bytes());
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--example",
        "--body-file",
        path.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&o).trim(), v.signature);
    let o = run_stdin(
        &["sign", "-p", "tpns", "--example", "--body-file", "-"],
        v.body.as_bytes(),
    );
    assert_eq!(stdout(&o).trim(), v.signature);
    // Through the in-memory path too (json is never streamed).
    let o = run_stdin(
        &[
            "sign",
            "-p",
            "tpns",
            "--example",
            "--body-file",
            "-",
            "--format",
            "json",
        ],
        v.body.as_bytes(),
    );
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["signature"], v.signature);
}

#[test]
fn non_utf8_and_large_bodies_sign_exactly() {
    // 3 MiB of every byte value, CRLFs and invalid UTF-8 included: streamed and in memory.
    let body: Vec<u8> = (0..3 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let path = tmp("large.bin", &body);
    let want = tpns_sign(b"k", "1700000000", "42", &body);
    let args = [
        "sign",
        "-p",
        "tpns",
        "--key",
        "k",
        "--set",
        "timestamp=1700000000",
        "--set",
        "access_id=42",
        "--body-file",
        path.to_str().unwrap(),
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), want);
    let o = run(&[&args[..], &["--format", "json"]].concat());
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["signature"], want);
    assert!(
        j["stages"][0].get("text").is_none(),
        "non-UTF-8 canonical has no text"
    );
}

#[test]
fn missing_time_and_nonce_are_made_and_shown() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--key",
        "k",
        "--set",
        "access_id=7",
        "--body",
        "{}",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ts = j["generated"]["timestamp"].as_str().unwrap();
    let t: u64 = ts.parse().unwrap();
    assert!(
        t >= before && t <= before + 60,
        "timestamp {t} is now, in seconds"
    );
    assert_eq!(j["signature"], tpns_sign(b"k", ts, "7", b"{}"));
    assert_eq!(
        stderr(&o),
        format!("sigscope: note: timestamp not given; using {ts} (now)\n")
    );

    let o = run(&[
        "sign",
        "-p",
        "huawei-basic",
        "--key",
        "k",
        "--body",
        "{}",
        "--format",
        "json",
    ]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let nonce = j["generated"]["nonce"].as_str().unwrap();
    assert_eq!(nonce.len(), 16);
    assert!(nonce.chars().all(|c| c.is_ascii_alphanumeric()));
    let ms: u64 = j["generated"]["timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        ms / 1000 >= before && ms / 1000 <= before + 60,
        "timestamp {ms} is now, in milliseconds"
    );

    let o = run(&[
        "sign",
        "-p",
        "etower",
        "--key",
        "k",
        "--set",
        "method=GET",
        "--set",
        "url=https://x.example/",
        "--set",
        "token=t",
        "--format",
        "json",
    ]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let date = j["generated"]["date"].as_str().unwrap();
    assert!(
        date.ends_with(" GMT") && date.len() == 29,
        "RFC 1123 date: {date}"
    );
}

#[test]
fn key_sources() {
    let v = vector("TP-1");
    let o = bin()
        .args([
            "sign",
            "-p",
            "tpns",
            "--example",
            "--key",
            "wrong",
            "--key-env",
            "SIGSCOPE_TEST_KEY",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "two key sources conflict");
    let o = bin()
        .args([
            "sign",
            "-p",
            "tpns",
            "--example",
            "--key-env",
            "SIGSCOPE_TEST_KEY",
        ])
        .env("SIGSCOPE_TEST_KEY", &v.key)
        .output()
        .unwrap();
    assert_eq!(stdout(&o).trim(), v.signature);
    // A key file is taken exactly: its trailing newline is part of the key, and we say so.
    let path = tmp("key.txt", format!("{}\n", v.key).as_bytes());
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--example",
        "--key-file",
        path.to_str().unwrap(),
    ]);
    let want = tpns_sign(
        format!("{}\n", v.key).as_bytes(),
        "1565314789",
        "1500001048",
        v.body.as_bytes(),
    );
    assert_eq!(stdout(&o).trim(), want);
    assert!(stderr(&o).contains("ends with a newline, which is part of the key"));
}

/// Runs a failing command and returns its one line of stderr.
fn fails(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?} exits 2; stdout: {}",
        stdout(&o)
    );
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err:?}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "{args:?} prints nothing on stdout");
    err.trim_end().to_string()
}

#[test]
fn bad_input_gets_one_clear_line() {
    let bad = tmp("bad.json", b"{\n  \"a\": 1,\n  \"b\": \n}\n");
    let bad_json_line = format!(
        "sigscope: error: body from --body-file {}: invalid JSON at line 4, column 1: expected value",
        bad.display()
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "sign",
                "-p",
                "linksfield",
                "--key",
                "k",
                "--body",
                "{\"a\": 1,,}",
            ],
            "sigscope: error: body from --body: invalid JSON at line 1, column 9: key must be a string",
        ),
        (
            vec![
                "sign",
                "-p",
                "huawei-basic",
                "--example",
                "--body-file",
                bad.to_str().unwrap(),
            ],
            &bad_json_line,
        ),
        (
            vec!["sign", "-p", "tpns", "--key", "k"],
            "sigscope: error: missing field `access_id` (AccessId): give --set access_id=VALUE",
        ),
        (
            vec!["sign", "-p", "tpns", "--set", "access_id=1"],
            "sigscope: error: no key: give --key, --key-env, --key-file, --key-hex or --key-base64 (or --example for the documented example)",
        ),
        (
            vec!["sign", "-p", "nope", "--example"],
            "sigscope: error: unknown scheme `nope`; `sigscope providers` lists them",
        ),
        (
            vec!["sign", "-p", "gihtub", "--example"],
            "sigscope: error: unknown scheme `gihtub`; did you mean github? (`sigscope providers` lists them)",
        ),
        (
            vec![
                "sign",
                "-p",
                "tpns",
                "--example",
                "--variant",
                "output=hexx",
            ],
            "sigscope: error: --variant: variant `output` has no choice `hexx`; its choices are: base64-of-hex, base64, hex",
        ),
        (
            vec!["sign", "-p", "tpns", "--example", "--variant", "outptu=hex"],
            "sigscope: error: --variant: unknown variant `outptu`; this scheme's variants are: output, hex_case",
        ),
        (
            vec!["sign", "-p", "tpns", "--example", "--set", "acess_id=1"],
            "sigscope: error: --set acess_id=1: unknown field `acess_id`; this scheme's fields are: access_id, timestamp, url",
        ),
        (
            vec![
                "sign",
                "-p",
                "tpns",
                "--example",
                "--body-file",
                "/nonexistent/body.json",
            ],
            "sigscope: error: --body-file /nonexistent/body.json: cannot read: no such file",
        ),
        (
            vec!["sign", "-p", "tpns", "--example", "--key-file", "/"],
            "sigscope: error: --key-file /: is a directory",
        ),
        (
            vec![
                "sign",
                "-p",
                "huawei-authtoken",
                "--key",
                "k",
                "--body",
                "p1=1&p2=2",
            ],
            "sigscope: error: body from --body: missing parameter `timeStamp`",
        ),
        (
            vec![
                "sign",
                "-p",
                "huawei-authtoken",
                "--key",
                "k",
                "--body",
                "{\"p1\": }",
            ],
            "sigscope: error: body from --body: invalid JSON at line 1, column 8: expected value",
        ),
        (
            vec![
                "sign",
                "-p",
                "tpns",
                "--example",
                "--key-env",
                "SIGSCOPE_SURELY_UNSET",
            ],
            "sigscope: error: --key-env SIGSCOPE_SURELY_UNSET: the environment variable is not set",
        ),
        (
            vec!["sign", "--example"],
            "sigscope: error: no scheme: give -p SCHEME (`sigscope providers` lists them)",
        ),
        (
            vec![
                "sign",
                "-p",
                "moneyhoney",
                "--example",
                "--set",
                "url=/v2/x",
                "--format",
                "curl",
            ],
            "sigscope: error: the request URL `/v2/x` is not absolute (scheme and host): give the full URL with --set url=…",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(fails(&args), want, "{args:?}");
    }
}

#[test]
fn bad_recipes_name_file_line_and_problem() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/recipes");
    let cases = [
        (
            "unknown-primitive.toml",
            "line 6: unknown field `concot`, expected one of",
        ),
        (
            "undefined-reference.toml",
            "line 8: stage `canonical` refers to `{nonce}`, which is neither an input nor an earlier stage",
        ),
        (
            "bad-choice-map.toml",
            "line 8: stage `mac`: hmac: the map of variant `alg` has no value for `sha1`",
        ),
        ("syntax.toml", "line 2: "),
        (
            "variant-only-reference.toml",
            "line 14: stage `signature` refers to `{digest}`, which is neither an input nor an earlier stage (with inner=none)",
        ),
    ];
    for (file, want) in cases {
        let path = format!("{dir}/{file}");
        let err = fails(&["sign", "--recipe", &path, "--key", "k"]);
        let prefix = format!("sigscope: error: recipe {path}: ");
        assert!(err.starts_with(&prefix), "{err}");
        assert!(err[prefix.len()..].starts_with(want), "{file}: {err}");
    }
    let err = fails(&["sign", "--recipe", "/nonexistent.toml", "--key", "k"]);
    assert_eq!(
        err,
        "sigscope: error: --recipe /nonexistent.toml: cannot read: no such file"
    );
}

#[test]
fn the_key_is_masked_in_the_trace() {
    let o = run(&["-p", "huawei-basic"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let v = vector("HW-B1");
    assert!(!out.contains(&v.key), "the key appears in the trace");
    // The canonical line: the key masked, then nonce, timestamp and the inner hex.
    assert!(
        out.contains(&format!("  ‹key›{}", &v.canonical[v.key.len()..])),
        "{out}"
    );
    assert!(out.contains(&v.signature));
}

#[test]
fn bare_command_shows_the_default_example_trace() {
    let o = run(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let v = vector("TP-1");
    assert!(out.starts_with("tpns · Tencent TPNS push API\n"), "{out}");
    assert!(out.contains(&format!("  {}\n", v.canonical)));
    // The raw MAC as a hex dump: the first 16 bytes of the documented hashcode.
    assert!(
        out.contains("  0000  cd 20 77 46 82 bf 78 bf  db 43 e1 7d 1d 5d 56 b3\n"),
        "{out}"
    );
    assert!(out.contains(&format!("Sign: {}\n", v.signature)));
    let o = run(&["--expect", &v.signature]);
    assert!(stdout(&o).contains("result     match"));
    let o = run(&["--expect", "Y2Qy"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn providers_lists_every_scheme_with_its_spec_variants() {
    let o = run(&["providers", "--format", "json"]);
    let list: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    let variants = |id: &str| -> Vec<String> {
        let r = list.iter().find(|r| r["id"] == id).unwrap();
        r["variants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let choices: Vec<&str> = v["choices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap())
                    .collect();
                format!("{}={}", v["name"].as_str().unwrap(), choices.join("|"))
            })
            .collect()
    };
    // Names and choices exactly as SPEC.md lists them.
    assert_eq!(
        variants("linksfield"),
        [
            "order=sorted|as-given",
            "separators=compact|spaced",
            "unicode=raw|escaped",
            "empty=skip|keep",
            "output=base64|hex"
        ]
    );
    assert_eq!(
        variants("tpns"),
        ["output=base64-of-hex|base64|hex", "hex_case=lower|upper"]
    );
    assert_eq!(
        variants("huawei-authtoken"),
        ["key=key+timestamp|key-only", "decode_values=yes|no"]
    );
    assert_eq!(
        variants("huawei-basic"),
        [
            "inner=hmac|sha256|none",
            "inner_case=lower|upper",
            "payload=sorted-compact|raw",
            "case=lower|upper"
        ]
    );
    assert_eq!(
        variants("huawei-tenant"),
        ["payload=sorted-compact|raw", "case=lower|upper"]
    );
    assert_eq!(
        variants("etower"),
        [
            "alphabet=url-safe|standard",
            "separator=lf|crlf",
            "url=full|path"
        ]
    );
    assert_eq!(
        variants("moneyhoney"),
        [
            "query_separator=?|none",
            "output=hex|base64",
            "mode=request|multipart|response"
        ]
    );
    let text = stdout(&run(&["providers"]));
    for id in [
        "tpns",
        "linksfield",
        "huawei-authtoken",
        "huawei-basic",
        "huawei-tenant",
        "etower",
        "moneyhoney",
    ] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} listed");
    }
}

#[test]
fn curl_format_reads_back_as_the_same_request() {
    let v = vector("ET-1");
    let o = run(&[
        "sign",
        "-p",
        "etower",
        "--example",
        "--body",
        "{\"x\": \"it's\"}\n",
        "--format",
        "curl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let words = shell_words::split(&stdout(&o).replace("\\\n", "")).unwrap();
    assert_eq!(
        words,
        [
            "curl",
            "-X",
            "POST",
            "http://qa.etowertech.com/services/shipper/orders",
            "-H",
            "X-WallTech-Date: Thu, 04 Nov 2021 03:39:28 GMT",
            "-H",
            &format!(
                "Authorization: WallTech test5AdbzO5OEeOpvgAVXUFE0A:{}",
                v.signature
            ),
            "-H",
            "Content-Type: application/json",
            "-H",
            "Accept: application/json",
            "--data-binary",
            "{\"x\": \"it's\"}\n",
        ]
    );
}

#[test]
fn http_format_parses_as_http() {
    let v = vector("LF-1");
    let o = run(&["sign", "-p", "linksfield", "--example", "--format", "http"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut req = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(head) = req.parse(&o.stdout).unwrap() else {
        panic!("incomplete request")
    };
    assert_eq!((req.method, req.path), (Some("POST"), Some("/api")));
    let body = &o.stdout[head..];
    let find = |n: &str| {
        req.headers
            .iter()
            .find(|h| h.name == n)
            .map(|h| h.value.to_vec())
    };
    assert_eq!(
        find("Content-Length"),
        Some(body.len().to_string().into_bytes())
    );
    // The body is the example body with the `sign` member added.
    let sent: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(sent["sign"], v.signature);
    let original: Value = serde_json::from_str(&v.body).unwrap();
    for (k, val) in original.as_object().unwrap() {
        assert_eq!(&sent[k], val);
    }
}

#[test]
fn verify_exits_0_on_match_and_1_on_mismatch() {
    let v = vector("TP-1");
    let o = run(&[
        "verify",
        "-p",
        "tpns",
        "--example",
        "--expect",
        &v.signature,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).ends_with("result     match\n"));
    // The newer doc page's example (TP-V3: "platform" dropped from the body) cannot verify.
    let v3 = vector("TP-V3");
    let o = run(&[
        "verify",
        "-p",
        "tpns",
        "--example",
        "--body",
        &v3.body,
        "--expect",
        &v.signature,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("result     MISMATCH: first difference at character"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn verify_accepts_what_receivers_accept_and_only_warns_on_time() {
    // The seed page prints x-sign in upper case; receivers ignore case.
    let v = vector("HW-C1");
    let o = run(&[
        "verify",
        "-p",
        "huawei-tenant",
        "--example",
        "--expect",
        &v.signature.to_uppercase(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("result     match (hex letter case differs; receivers ignore case)\n")
    );
    // The example's timestamp is years old: a warning on stderr, not a mismatch.
    assert!(
        stderr(&o).contains("warning: the request time is"),
        "{}",
        stderr(&o)
    );
    // The standard alphabet for etower's URL-safe signature (ET-3 against ET-3-V1).
    let o = run(&[
        "verify",
        "-p",
        "etower",
        "--example",
        "--set",
        "url=https://qa.etowertech.com/services/shipper/orders",
        "--expect",
        &vector("ET-3-V1").signature,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("base64 alphabet differs"));
    // Upper case is not accepted where the scheme does not say so.
    let o = run(&[
        "verify",
        "-p",
        "moneyhoney",
        "--example",
        "--expect",
        &vector("HM-2").signature.to_uppercase(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        fails(&[
            "verify",
            "-p",
            "tpns",
            "--key",
            "k",
            "--set",
            "access_id=1",
            "--set",
            "timestamp=2"
        ]),
        "sigscope: error: verify needs --expect SIGNATURE (or --request with the signature in it)"
    );
}

/// The seed page's HTTP example for TPNS, with the body of a vector.
fn tpns_request(body: &str) -> Vec<u8> {
    format!(
        "POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nContent-Type: application/json\r\nAccessId: 1500001048\r\nTimeStamp: 1565314789\r\nSign: {}\r\n\r\n{body}",
        vector("TP-1").signature
    )
    .into_bytes()
}

#[test]
fn verify_a_raw_request_from_standard_input() {
    let key = vector("TP-1").key;
    let o = run_stdin(
        &["verify", "-p", "tpns", "--key", &key, "--request", "-"],
        &tpns_request(&vector("TP-1").body),
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // The newer page's body (TP-V3) with the old Sign: it cannot verify.
    let o = run_stdin(
        &["verify", "-p", "tpns", "--key", &key, "--request", "-"],
        &tpns_request(&vector("TP-V3").body),
    );
    assert_eq!(o.status.code(), Some(1));
    // Explicit flags win over the request: the right timestamp for a wrong one in the request.
    let wrong = String::from_utf8(tpns_request(&vector("TP-1").body))
        .unwrap()
        .replace("TimeStamp: 1565314789", "TimeStamp: 1");
    let o = run_stdin(
        &[
            "verify",
            "-p",
            "tpns",
            "--key",
            &key,
            "--request",
            "-",
            "--set",
            "timestamp=1565314789",
        ],
        wrong.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn verify_a_curl_command_with_etower_authorization() {
    // ET-2's request as a curl command line: the token and signature come out of Authorization.
    let v = vector("ET-2");
    let curl = format!(
        "curl 'https://cfs-qa.etowertech.com/services/shipper/orders?page=1' \\\n  -H 'X-WallTech-Date: Thu, 04 Nov 2021 03:39:28 GMT' \\\n  -H 'Authorization: WallTech test5AdbzO5OEeOpvgAVXUFE0A:{}' \\\n  -H 'Accept: application/json'\n",
        v.signature
    );
    let path = tmp("et2.curl", curl.as_bytes());
    let o = run(&[
        "verify",
        "-p",
        "etower",
        "--key",
        &v.key,
        "--request",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // The request line and body of a signed request come back out as a curl line.
    let o = run(&[
        "sign",
        "-p",
        "etower",
        "--key",
        &v.key,
        "--request",
        path.to_str().unwrap(),
        "--format",
        "curl",
    ]);
    assert!(stdout(&o).contains(&v.signature), "{}", stdout(&o));
}

#[test]
fn a_malformed_request_names_the_line() {
    let bad = tmp(
        "bad.http",
        b"POST /x HTTP/1.1\nHost: h\nthis is no header\n\n{}",
    );
    let err = fails(&[
        "verify",
        "-p",
        "huawei-tenant",
        "--key",
        "k",
        "--request",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(
        err,
        format!(
            "sigscope: error: --request {}: line 3: expected a header line `Name: value`, found `this is no header`",
            bad.display()
        )
    );
    let err = fails(&[
        "verify",
        "-p",
        "tpns",
        "--key",
        "k",
        "--request",
        "-",
        "--body-file",
        "-",
    ]);
    assert!(err.contains("both want standard input"), "{err}");
}

#[test]
fn a_bundle_never_holds_the_key() {
    use base64::Engine as _;
    for scheme in [
        "tpns",
        "linksfield",
        "huawei-authtoken",
        "huawei-basic",
        "huawei-tenant",
        "etower",
        "moneyhoney",
    ] {
        let o = run(&["sign", "-p", scheme, "--example", "--format", "bundle"]);
        assert!(o.status.success(), "{scheme}: {}", stderr(&o));
        let text = stdout(&o);
        let list: Vec<Value> =
            serde_json::from_str(&stdout(&run(&["providers", "--format", "json"]))).unwrap();
        assert!(list.iter().any(|r| r["id"] == scheme));
        let key = match scheme {
            "tpns" => vector("TP-1").key,
            "linksfield" => vector("LF-1").key,
            "etower" => vector("ET-1").key,
            "moneyhoney" => vector("HM-2").key,
            _ => vector("HW-C1").key,
        };
        for form in [
            key.clone(),
            hex::encode(&key),
            base64::engine::general_purpose::STANDARD.encode(&key),
        ] {
            assert!(
                !text.contains(&form),
                "{scheme}: the bundle holds the key ({form})"
            );
        }
        assert!(text.contains("\"sigscope_bundle\": 1"));
    }
}

#[test]
fn a_bundle_reproduces_the_case_with_the_key_given_separately() {
    // Support staff get the bundle; they verify with the key they hold.
    let o = run(&[
        "sign",
        "-p",
        "huawei-basic",
        "--example",
        "--format",
        "bundle",
    ]);
    let path = tmp("case.bundle.json", &o.stdout);
    let key = vector("HW-B1").key;
    let o = run(&["verify", "--bundle", path.to_str().unwrap(), "--key", &key]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(&vector("HW-B1").signature));
    assert!(stdout(&o).contains("every stage matches the bundle's fingerprints"));
    // With another key, only what depends on the key differs (the inner HMAC is in the canonical).
    let o = run(&[
        "verify",
        "--bundle",
        path.to_str().unwrap(),
        "--key",
        "wrong",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "stages that differ from the bundle's: inner_mac, inner, canonical, mac, signature"
        ),
        "{}",
        stdout(&o)
    );
    // A bundle of a user recipe carries the recipe.
    let readme = include_str!("../README.md");
    let start = readme.find("<!-- recipe-example -->").unwrap();
    let block = &readme[start..];
    let toml = &block[block.find("```toml\n").unwrap() + 8..];
    let toml = &toml[..toml.find("```").unwrap()];
    let recipe = tmp("acme.toml", toml.as_bytes());
    let o = run(&[
        "sign",
        "--recipe",
        recipe.to_str().unwrap(),
        "--example",
        "--format",
        "bundle",
    ]);
    let bundle = tmp("acme.bundle.json", &o.stdout);
    let o = run(&[
        "verify",
        "--bundle",
        bundle.to_str().unwrap(),
        "--key",
        "whsec_test",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // A bundle is a case of one scheme: naming another is an error, not a silent drop.
    let err = fails(&[
        "verify",
        "-p",
        "tpns",
        "--bundle",
        path.to_str().unwrap(),
        "--key",
        "k",
    ]);
    assert_eq!(
        err,
        "sigscope: error: --bundle is a case of scheme `huawei-basic`, not `tpns`: leave out -p, or give the bundle of this scheme"
    );
    // A damaged bundle gets one line that says where.
    let bad = tmp(
        "bad.bundle.json",
        b"{\"sigscope_bundle\": 1,\n \"scheme\": }",
    );
    let err = fails(&["verify", "--bundle", bad.to_str().unwrap(), "--key", "k"]);
    assert_eq!(
        err,
        format!(
            "sigscope: error: --bundle {}: line 2, column 12: expected value",
            bad.display()
        )
    );
}

#[test]
fn code_export_asks_for_a_language_and_refuses_in_one_line() {
    let o = run(&["sign", "-p", "tpns", "--example", "--format", "code"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "sigscope: error: --format code needs --lang: python, javascript, go, java, php, ruby or bash\n"
    );
    let o = run(&["sign", "-p", "tpns", "--example", "--lang", "go"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--lang applies to --format code only"));
    let o = run(&[
        "sign",
        "-p",
        "linksfield",
        "--example",
        "--format",
        "code",
        "--lang",
        "bash",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "sigscope: error: bash cannot express `json` (stage `canonical`: bash has no JSON parser); choose another language\n"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn code_export_of_a_user_recipe_runs_and_keeps_the_key_out() {
    // A recipe of the user's own (the README's worked example), not a built-in: the snippet is
    // made from its stages. Its last line must be the signature `sign` prints.
    let readme = include_str!("../README.md");
    let marker = "<!-- recipe-example -->";
    let rest = &readme[readme.find(marker).unwrap() + marker.len()..];
    let rest = &rest[rest.find("```").unwrap()..];
    let rest = &rest[rest.find('\n').unwrap() + 1..];
    let recipe = tmp(
        "acme-code.toml",
        &rest.as_bytes()[..rest.find("```").unwrap()],
    );
    let recipe = recipe.to_str().unwrap();
    let key = "k3y-that-must-not-leak";
    let body = tmp("acme-code-body.json", br#"{"b":2,"a":1}"#);
    let body = body.to_str().unwrap();
    let common = [
        "--recipe",
        recipe,
        "--example",
        "--key",
        key,
        "--body-file",
        body,
    ];
    let sig = run(&[&["sign"][..], &common].concat());
    assert!(sig.status.success(), "{}", stderr(&sig));
    let o = run(&[
        &["sign"][..],
        &common,
        &["--format", "code", "--lang", "python"],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let code = stdout(&o);
    assert!(!code.contains(key), "the key is in the snippet");
    assert!(code.contains("SIGSCOPE_KEY"));
    if Command::new("python3").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI has python3");
        eprintln!("skipped running the snippet: python3 not found");
        return;
    }
    let script = tmp("acme-code.py", code.as_bytes());
    let ran = Command::new("python3")
        .arg(&script)
        .arg(body)
        .env("SIGSCOPE_KEY", key)
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let printed = String::from_utf8(ran.stdout).unwrap();
    assert_eq!(printed.lines().last(), stdout(&sig).lines().last());
}

/// Every subcommand's long flags, from `--help` (the source both generators read).
fn commands_and_flags() -> Vec<(String, Vec<String>)> {
    let help = stdout(&run(&["--help"]));
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 6, "{commands:?}");
    commands
        .into_iter()
        .map(|c| {
            let help = stdout(&run(&[&c, "--help"]));
            let flags: Vec<String> = help
                .split(|ch: char| ch.is_whitespace() || ch == ',')
                .filter(|w| w.starts_with("--") && w.len() > 2)
                .map(|w| {
                    w.trim_end_matches(|ch: char| !ch.is_ascii_alphanumeric())
                        .to_string()
                })
                .filter(|w| w.len() > 2)
                .collect();
            (c, flags)
        })
        .collect()
}

#[test]
fn completions_cover_every_command_and_flag() {
    let all = commands_and_flags();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for (command, flags) in &all {
            assert!(script.contains(command.as_str()), "{shell}: no {command}");
            for flag in flags {
                let bare = flag.trim_start_matches('-');
                assert!(script.contains(bare), "{shell}: no {flag} of {command}");
            }
        }
    }
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_pages_cover_every_command_and_flag() {
    let main = stdout(&run(&["man"]));
    assert!(
        main.starts_with(".ie") && main.contains(".TH sigscope 1"),
        "{main}"
    );
    for (command, flags) in commands_and_flags() {
        assert!(main.contains(&command), "the main page lists {command}");
        let o = run(&["man", &command]);
        assert!(o.status.success(), "{command}: {}", stderr(&o));
        let page = stdout(&o);
        assert!(
            page.contains(&format!(".TH sigscope-{command} 1")),
            "{page}"
        );
        // clap_mangen leaves out visible aliases (--provider, for --scheme).
        for flag in flags.iter().filter(|f| *f != "--provider") {
            let roff = flag.replace('-', "\\-");
            assert!(page.contains(&roff), "man {command}: no {flag}");
        }
    }
    // The sections clap does not make, the keys from the table the TUI dispatches with.
    for section in [
        ".SH \"TUI KEYS\"",
        ".SH \"EXIT STATUS\"",
        ".SH \"FILES\"",
        ".SH \"ENVIRONMENT\"",
    ] {
        assert!(main.contains(section), "no {section}");
    }
    assert!(
        main.contains(".TP\n\\fBAlt\\-M\\fR\nthe last messages in full (Alt\\-M hides them)\n")
    );
    assert!(main.contains("\\fBNO_COLOR\\fR"));
    let o = run(&["man", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no command `nope`"));
}

#[test]
fn verify_as_json_and_quiet() {
    let v = vector("TP-1");
    let mut args = vec!["verify", "-p", "tpns", "--key", &v.key, "--body", &v.body];
    let sets: Vec<String> = v
        .fields
        .iter()
        .map(|(k, val)| format!("{k}={val}"))
        .collect();
    for s in &sets {
        args.extend(["--set", s]);
    }
    let with = |extra: &[&str]| run(&[&args[..], extra].concat());
    let o = with(&["--expect", &v.signature, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["match"], true);
    assert_eq!(j["verdict"], "match");
    assert_eq!(j["computed"], v.signature.as_str());
    assert_eq!(j["difference"], Value::Null);
    // One character changed in the middle: a mismatch there, both lengths given.
    let mut wrong = v.signature.clone().into_bytes();
    wrong[10] = if wrong[10] == b'A' { b'B' } else { b'A' };
    let wrong = String::from_utf8(wrong).unwrap();
    let o = with(&["--expect", &wrong, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["verdict"], "mismatch");
    assert_eq!(j["difference"]["stage"], "signature");
    assert_eq!(j["difference"]["character"], 10);
    assert_eq!(j["difference"]["expected_len"], v.signature.len());
    // --quiet: the exit code only.
    let o = with(&["--expect", &wrong, "--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    let o = with(&["--expect", &v.signature, "-q"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    // The key never appears in the JSON.
    assert!(
        !String::from_utf8_lossy(&with(&["--expect", &wrong, "--format", "json"]).stdout)
            .contains(&v.key)
    );
}

#[test]
fn the_key_as_hex_or_base64_and_an_empty_key_warned() {
    let v = vector("TP-1");
    let sets: Vec<String> = v
        .fields
        .iter()
        .map(|(k, val)| format!("{k}={val}"))
        .collect();
    let with = |key: &[&str]| {
        let mut args = vec!["sign", "-p", "tpns", "--body", &v.body];
        for s in &sets {
            args.extend(["--set", s]);
        }
        run(&[&args[..], key].concat())
    };
    let hex = hex::encode(&v.key);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&v.key);
    for key in [["--key-hex", hex.as_str()], ["--key-base64", b64.as_str()]] {
        let o = with(&key);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o).trim(), v.signature);
    }
    let o = with(&["--key-hex", "6b6g"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "sigscope: error: --key-hex: the key is not hex: character 4 is not a hex digit\n"
    );
    let o = with(&["--key", ""]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "sigscope: warning: signing with an empty key (--key is empty)\n"
    );
    let o = with(&["--key", "secret "]);
    assert!(stderr(&o).contains("the key (--key): it has spaces at its ends"));
    assert!(!stderr(&o).contains("secret"));
}

#[test]
fn sign_json_masks_the_key_unless_revealed() {
    // huawei-basic's string to sign begins with the key itself.
    let key = "TestAccessKey-0123456789";
    let o = run(&[
        "sign",
        "-p",
        "huawei-basic",
        "--example",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains(key), "the key is in the JSON");
    assert!(
        !text.contains(&hex::encode(key)),
        "the key's hex is in the JSON"
    );
    let j: Value = serde_json::from_str(&text).unwrap();
    let canonical = j["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "canonical")
        .unwrap();
    assert_eq!(canonical["masked"], true);
    assert_eq!(
        canonical["secret_ranges"],
        serde_json::json!([[0, key.len()]])
    );
    assert!(canonical["text"].as_str().unwrap().starts_with("‹key›"));
    assert!(canonical.get("hex").is_none());
    let o = run(&[
        "sign",
        "-p",
        "huawei-basic",
        "--example",
        "--format",
        "json",
        "--reveal",
    ]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let canonical = j["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "canonical")
        .unwrap();
    assert!(canonical["text"].as_str().unwrap().starts_with(key));
    // A key that is also in the body: it shows where the body has it, and only there.
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--example",
        "--key",
        "k3y-in-body",
        "--body",
        "{\"k\":\"k3y-in-body\"}",
        "--format",
        "json",
    ]);
    let text = stdout(&o);
    let j: Value = serde_json::from_str(&text).unwrap();
    let canonical = &j["stages"][0];
    assert_eq!(
        canonical["text"]
            .as_str()
            .unwrap()
            .matches("k3y-in-body")
            .count(),
        1
    );
    assert!(canonical.get("secret_ranges").is_none());
    // Secret fields (OAuth's token secret) are masked too.
    let o = run(&["sign", "-p", "oauth1", "--example", "--format", "json"]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["fields"]["token_secret"], "‹secret›");
}

#[test]
fn a_key_that_is_also_in_the_body_shows_only_as_body() {
    let body = "{\"k\":\"k3y-in-body\"}";
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--example",
        "--key",
        "k3y-in-body",
        "--body",
        body,
        "--format",
        "bundle",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bundle: Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = stdout(&o);
    let in_body = bundle["body"]
        .as_str()
        .map_or(0, |b| b.matches("k3y-in-body").count());
    assert_eq!(in_body, 1, "{text}");
    assert_eq!(text.matches("k3y-in-body").count(), in_body, "{text}");
}

#[test]
fn files_named_in_a_request_are_read_only_with_consent() {
    let data = tmp("named.txt", b"file-bytes-of-the-user");
    let line = format!(
        "curl -X POST 'https://api.tpns.tencent.com/v3/push/app' -H 'AccessId: 1' -H 'TimeStamp: 2' --data-binary @{}\n",
        data.display()
    );
    let req = tmp("named.curl", line.as_bytes());
    let req = req.to_str().unwrap();
    // Without consent: not read, a note names it, and a bundle holds none of it.
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--key",
        "k",
        "--request",
        req,
        "--format",
        "bundle",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "the local file `{}`, which is not read without --allow-request-files",
            data.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("file-bytes-of-the-user"));
    // With consent: the file's bytes are the body.
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--key",
        "k",
        "--request",
        req,
        "--allow-request-files",
        "--format",
        "json",
    ]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        j["stages"][0]["text"]
            .as_str()
            .unwrap()
            .ends_with("file-bytes-of-the-user")
    );
    // Standard input and devices: never, even with consent.
    for dev in ["/dev/stdin", "/dev/zero"] {
        let req = tmp(
            "dev.curl",
            format!("curl 'https://x/' --data-binary @{dev}\n").as_bytes(),
        );
        let o = run_stdin(
            &[
                "sign",
                "-p",
                "tpns",
                "--key",
                "k",
                "--set",
                "access_id=1",
                "--set",
                "timestamp=1",
                "--request",
                req.to_str().unwrap(),
                "--allow-request-files",
            ],
            b"typed",
        );
        assert_eq!(o.status.code(), Some(2), "{dev}");
        assert!(
            stderr(&o).contains("not a regular file"),
            "{dev}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_bundle_cannot_redefine_a_built_in_to_print_the_key() {
    // A stranger's bundle whose recipe is `tpns` plus a header carrying base64 of the key.
    let recipe = include_str!("../assets/providers/tpns.toml").to_string()
        + "\n[[stages]]\nname = \"leak\"\nbase64 = \"{key}\"\n\n[[headers]]\nname = \"X-Leak\"\nvalue = \"{leak}\"\n";
    let o = run(&["sign", "-p", "tpns", "--example", "--format", "bundle"]);
    let mut bundle: Value = serde_json::from_slice(&o.stdout).unwrap();
    bundle["recipe"] = Value::String(recipe);
    let path = tmp("evil.bundle.json", bundle.to_string().as_bytes());
    let key = "the-support-teams-key";
    let o = run(&["verify", "--bundle", path.to_str().unwrap(), "--key", key]);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    let b64 = base64::engine::general_purpose::STANDARD.encode(key);
    assert!(
        !all.contains(key) && !all.contains(&b64),
        "the key leaked:\n{all}"
    );
    assert!(
        stderr(&o).contains("carries its own recipe `tpns`; it is loaded as `bundle:tpns`"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("X-Leak: ‹key›"), "{}", stdout(&o));
}

#[test]
fn control_bytes_never_reach_the_terminal_and_never_split_a_request() {
    // A value with CR LF (or a NUL) would add a header to the exported request.
    // (A NUL cannot be an argument: it comes in a bundle.)
    let o = run(&["sign", "-p", "tpns", "--example", "--format", "bundle"]);
    let mut bundle: Value = serde_json::from_slice(&o.stdout).unwrap();
    bundle["fields"]["access_id"] = Value::String("1\0x".into());
    let with_nul = tmp("nul.bundle.json", bundle.to_string().as_bytes());
    for value in ["1\r\nX-Injected: yes", "NUL"] {
        for format in ["http", "curl", "headers"] {
            let set = format!("access_id={value}");
            let o = if value == "NUL" {
                run(&[
                    "sign",
                    "--bundle",
                    with_nul.to_str().unwrap(),
                    "--key",
                    "k",
                    "--format",
                    format,
                ])
            } else {
                run(&[
                    "sign",
                    "-p",
                    "tpns",
                    "--example",
                    "--set",
                    &set,
                    "--format",
                    format,
                ])
            };
            assert_eq!(o.status.code(), Some(2), "{format}");
            assert!(o.stdout.is_empty(), "{format}: {}", stdout(&o));
            assert!(
                stderr(&o).contains("which would break the request apart (header injection)"),
                "{}",
                stderr(&o)
            );
        }
    }
    // Escapes from a value, an expected signature or an error are written out, not acted on.
    let evil = "\u{1b}]2;PWNED\u{7}\u{1b}[2J";
    let o = run(&[
        "verify",
        "-p",
        "tpns",
        "--example",
        "--set",
        &format!("access_id={evil}"),
        "--expect",
        evil,
    ]);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{all:?}");
    assert!(stdout(&o).contains("\\x1b]2;PWNED\\x07\\x1b[2J"));
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--example",
        "--set",
        &format!("{evil}=1"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains('\u{1b}'), "{:?}", stderr(&o));
    assert!(stderr(&o).contains("\\x1b"));
}

#[test]
fn inputs_have_size_limits_with_clear_lines() {
    // A sparse file bigger than every limit (no disk used): a device such as /dev/zero is
    // refused before any limit applies.
    let big = std::env::temp_dir().join(format!("sigscope-big-{}", std::process::id()));
    std::fs::File::create(&big)
        .unwrap()
        .set_len(300 << 20)
        .unwrap();
    let b = big.to_string_lossy().to_string();
    for (args, want) in [
        (
            vec!["sign", "-p", "tpns", "--example", "--key-file", &b],
            format!("--key-file {b}: more than 64 KiB, the most a key may be"),
        ),
        (
            vec!["sign", "--recipe", &b, "--example"],
            format!("--recipe {b}: more than 1 MiB, the most a recipe may be"),
        ),
        (
            vec!["sign", "-p", "linksfield", "--example", "--body-file", &b],
            format!(
                "--body-file {b}: more than 256 MiB, the most a body that is not streamed may be"
            ),
        ),
        (
            vec!["verify", "--bundle", &b, "--key", "k"],
            format!("--bundle {b}: more than 256 MiB, the most a bundle may be"),
        ),
        (
            vec!["sign", "-p", "tpns", "--example", "--key-file", "/dev/zero"],
            "--key-file /dev/zero: is a device or a socket, not a file (give - for standard input)"
                .to_string(),
        ),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), format!("sigscope: error: {want}\n"));
    }
    let _ = std::fs::remove_file(&big);
}

#[test]
fn a_recipe_whose_stages_double_stops_at_the_stage_limit() {
    let mut recipe = String::from(
        "id = \"doubling\"\nname = \"Doubling\"\ndescription = \"d\"\n[key]\nlabel = \"key\"\n[body]\nkind = \"raw\"\n\n[[stages]]\nname = \"s0\"\nconcat = [\"{body}{body}\"]\n",
    );
    for i in 1..=40 {
        recipe += &format!(
            "\n[[stages]]\nname = \"s{i}\"\nconcat = [\"{{s{}}}\", \"{{s{}}}\"]\n",
            i - 1,
            i - 1
        );
    }
    recipe += "\n[[stages]]\nname = \"mac\"\nhmac = \"sha256\"\nkey = \"{key}\"\nmessage = \"{s40}\"\n\n[[stages]]\nname = \"signature\"\nhex = \"{mac}\"\n\n[example]\nkey = \"k\"\nbody = \"ab\"\n";
    let path = tmp("doubling.toml", recipe.as_bytes());
    let o = run(&["sign", "--recipe", path.to_str().unwrap(), "--example"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "sigscope: error: stage `s27` would hold 512 MiB, over the 256 MiB a stage may hold\n"
    );
}

#[test]
fn a_recipe_with_thousands_of_variant_combinations_is_still_checked() {
    // 13 two-choice variants: 8192 combinations, more than are checked one by one.
    let mut recipe = String::from(
        "id = \"many\"\nname = \"Many\"\ndescription = \"d\"\n[key]\nlabel = \"key\"\n[body]\nkind = \"raw\"\n",
    );
    for i in 0..13 {
        recipe += &format!("\n[[variants]]\nname = \"v{i}\"\nchoices = [\"a\", \"b\"]\n");
    }
    recipe += "\n[[stages]]\nname = \"canonical\"\nwhen = { v12 = \"a\" }\nconcat = [\"{body}\"]\n\n[[stages]]\nname = \"canonical\"\nwhen = { v12 = \"b\" }\nconcat = [\"{bodyy}\"]\n\n[[stages]]\nname = \"mac\"\nhmac = \"sha256\"\nkey = \"{key}\"\nmessage = \"{canonical}\"\n\n[[stages]]\nname = \"signature\"\nhex = \"{mac}\"\n\n[example]\nkey = \"k\"\nbody = \"x\"\n";
    let path = tmp("many.toml", recipe.as_bytes());
    let o = run(&["sign", "--recipe", path.to_str().unwrap(), "--example"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "stage `canonical` refers to `{bodyy}`, which is neither an input nor an earlier stage"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_body_file_that_cannot_be_read_is_said_before_missing_fields() {
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--key",
        "k",
        "--body-file",
        "/nonexistent/push.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "sigscope: error: --body-file /nonexistent/push.json: cannot read: no such file\n"
    );
}

#[test]
fn the_trace_tells_literal_text_from_the_bytes_it_marks() {
    // A literal backslash-t and a tab, a literal `·` and trailing spaces, a Cyrillic А in a
    // Latin word and an NFD é (e + U+0301).
    let body = "a\\tb\tc·  \nP\u{410}Y e\u{301}";
    let o = run(&[
        "sign",
        "-p",
        "tpns",
        "--key",
        "k",
        "--set",
        "access_id=1",
        "--set",
        "timestamp=2",
        "--body",
        body,
        "--format",
        "trace",
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("  21a\\\\tb\\tc\\u{b7}··\\n\n  P\\u{410}Y e\\u{301}\n"),
        "{out}"
    );
}

#[test]
fn verify_small_things() {
    // An empty --expect is a usage error, not a mismatch.
    let o = run(&["verify", "-p", "tpns", "--example", "--expect", ""]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--expect is empty"), "{}", stderr(&o));
    // --example compares with the signature the documentation prints.
    let o = run(&["verify", "-p", "tpns", "--example", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["expected"], vector("TP-1").signature.as_str());
    // A recipe without [import] says so when given a request.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/providers/tpns.toml"
    ))
    .unwrap();
    let start = text.find("[import]").unwrap();
    let end = text.find("[example]").unwrap();
    let recipe = text[..start].to_string() + &text[end..];
    let recipe = tmp(
        "no-import.toml",
        recipe
            .replace("id = \"tpns\"", "id = \"my-tpns\"")
            .as_bytes(),
    );
    let request = tmp(
        "no-import.http",
        b"POST /v3/push/app HTTP/1.1\r\nHost: h\r\nSign: abc\r\n\r\n{}",
    );
    let o = run(&[
        "verify",
        "--recipe",
        recipe.to_str().unwrap(),
        "--key",
        "k",
        "--set",
        "access_id=1",
        "--set",
        "timestamp=2",
        "--request",
        request.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no [import] table"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_bundle_says_the_key_differs_even_when_a_stage_holds_the_key() {
    // huawei-tenant's canonical holds the key: with a key of another length, only the MAC and
    // what follows may differ, and the verdict names the key.
    let o = run(&[
        "sign",
        "-p",
        "huawei-tenant",
        "--example",
        "--format",
        "bundle",
    ]);
    let bundle = tmp("tenant-bundle.json", &o.stdout);
    let o = run(&[
        "verify",
        "--bundle",
        bundle.to_str().unwrap(),
        "--key",
        "a-much-longer-key-than-the-example-one",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "bundle     stages that differ from the bundle's: mac, signature; the first is `mac`, a MAC over inputs that all agree: the key is not the one the bundle was made with"
        ),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "verify",
        "--bundle",
        bundle.to_str().unwrap(),
        "--key",
        "TestAccessKey-0123456789",
    ]);
    assert!(stdout(&o).contains("bundle     every stage matches the bundle's fingerprints"));
}

#[test]
fn a_huge_value_quoted_in_an_error_is_cut() {
    let huge = format!("output={}", "x".repeat(120_000));
    let o = run(&["sign", "-p", "tpns", "--example", "--variant", &huge]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.len() < 1000, "{} bytes", e.len());
    assert!(e.contains("more bytes)"), "{e}");
}

#[test]
fn listen_refuses_a_timeout_too_short_to_serve_anyone() {
    for (flag, value) in [
        ("--idle-timeout", "1e-300"),
        ("--header-timeout", "0"),
        ("--idle-timeout", "inf"),
    ] {
        let o = run(&["listen", "-p", "github", "--key", "k", flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("give a number of seconds from 0.01"), "{e}");
        assert!(e.len() < 200, "the value is written short: {e}");
    }
}

#[test]
fn a_curl_line_file_over_the_request_limit_is_refused_unread() {
    let dir = std::env::temp_dir().join(format!("sigscope-sparse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.bin");
    // Sparse: 2 GiB long, nothing written.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let line = dir.join("req.curl");
    std::fs::write(
        &line,
        format!(
            "curl https://example.com/x -H 'X-Hub-Signature-256: sha256=00' --data-binary @{}\n",
            big.display()
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let o = run(&[
        "verify",
        "-p",
        "github",
        "--key",
        "k",
        "--allow-request-files",
        "--request",
        line.to_str().unwrap(),
    ]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("more than 256 MiB, the most a request's data may be"),
        "{e}"
    );
    // Without the flag the file is named once, as not read (never also as read).
    let o = run(&[
        "verify",
        "-p",
        "github",
        "--key",
        "k",
        "--request",
        line.to_str().unwrap(),
    ]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!e.contains("the body is read from the file"), "{e}");
    assert!(
        e.contains("which is not read without --allow-request-files"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A FIFO that nothing writes to is an error after a deadline, not a hang; one a program writes
/// to is read; a device is refused at once (#25 item 8).
#[cfg(unix)]
#[test]
fn a_fifo_without_a_writer_ends_with_one_line_and_a_device_is_refused() {
    let dir = std::env::temp_dir().join(format!("sigscope-fifo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("key");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo_arg = fifo.to_string_lossy().to_string();
    let started = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args(["sign", "-p", "github", "--example", "--format", "signature"])
        .args(["--key-file", &fifo_arg])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("nothing was written to this FIFO"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // With a writer: the key is read.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, b"It's a Secret to Everybody").unwrap())
    };
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args(["sign", "-p", "github", "--example", "--format", "signature"])
        .args(["--key-file", &fifo_arg])
        .output()
        .unwrap();
    writer.join().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let with_flag = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args(["sign", "-p", "github", "--example", "--format", "signature"])
        .args(["--key", "It's a Secret to Everybody"])
        .output()
        .unwrap();
    assert_eq!(o.stdout, with_flag.stdout);
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args([
            "sign",
            "-p",
            "github",
            "--example",
            "--body-file",
            "/dev/zero",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is a device or a socket"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn field_values_are_checked_as_their_kind() {
    let o = run(&["sign", "-p", "tpns", "--example", "--set", "timestamp=abc"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "sigscope: error: --set timestamp=…: Unix seconds are digits (like 1565314789); `abc` is not one\n"
    );
    let o = run(&["sign", "-p", "etower", "--example", "--set", "url=notaurl"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "sigscope: error: --set url=…: a URL is https://host/path (or /path); `notaurl` is not one\n"
    );
}

#[test]
fn a_binary_request_file_is_named_with_the_offset_not_echoed() {
    let dir = std::env::temp_dir().join(format!("sigscope-cli-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("blob.http");
    std::fs::write(
        &file,
        b"POST /x HTTP/1.1\r\nHost: h\r\nX: \x1b]52;c;\xff\r\n\r\n{}",
    )
    .unwrap();
    let o = run(&[
        "verify",
        "-p",
        "github",
        "--key",
        "k",
        "--request",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "sigscope: error: --request {}: not a request: a binary byte 0x1b at offset 30 (a request is raw HTTP text or a command line)\n",
            file.display()
        )
    );
}

#[test]
fn a_key_without_the_prefix_is_not_said_to_be_after_it() {
    let o = run(&[
        "sign",
        "-p",
        "standard-webhooks",
        "--example",
        "--key",
        "abc*",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("whsec_"), "{err}");
    assert_eq!(
        err,
        "sigscope: error: key: is not base64: `*` at character 4\n"
    );
}

#[test]
fn quiet_prints_nothing_at_all() {
    let dir = std::env::temp_dir().join(format!("sigscope-cli-quiet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("stripe.http");
    // Recognized without -p (a note), an empty key (a warning), an old timestamp (a warning).
    std::fs::write(
        &file,
        "POST /hook HTTP/1.1\nHost: h\nStripe-Signature: t=1614265330,v1=00\n\n{}",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    for cmd in ["verify", "diagnose"] {
        let o = run(&[cmd, "--key", "", "--request", path, "--quiet"]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        assert_eq!(
            (stdout(&o), String::from_utf8_lossy(&o.stderr).into_owned()),
            (String::new(), String::new()),
            "{cmd}"
        );
    }
}

#[test]
fn every_documented_example_value_reads_as_its_kind() {
    // The schemes' own documented examples pass the check `--set` makes.
    for recipe in sigscope::sign::builtin::all().unwrap() {
        for (name, value) in &recipe.example.fields {
            if let Some(field) = recipe.field(name) {
                assert_eq!(
                    field.kind.problem(value),
                    None,
                    "{} {name}={value}",
                    recipe.id
                );
            }
        }
    }
}

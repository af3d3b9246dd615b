//! Every export reads back: for every built-in scheme, every method it can take and both request
//! formats, `sign --format curl|http` written to a file and read by `verify --request` matches.
//! A body that no argument can carry (a NUL) survives a real bash running the curl export.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sigscope")
}

fn run(args: &[&str]) -> Output {
    let dir = tempdir();
    Command::new(bin())
        .args(args)
        .env("XDG_CONFIG_HOME", &dir)
        .env("XDG_STATE_HOME", &dir)
        .env("HOME", &dir)
        .env_remove("SIGSCOPE_KEY")
        .output()
        .expect("sigscope runs")
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sigscope-roundtrip-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Scheme {
    id: String,
    has_method: bool,
}

fn schemes() -> Vec<Scheme> {
    let out = run(&["providers", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| Scheme {
            id: p["id"].as_str().unwrap().to_string(),
            has_method: p["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "method"),
        })
        .collect()
}

#[test]
fn every_scheme_method_and_format_reads_back_through_verify_request() {
    let dir = tempdir();
    let mut checked = 0;
    let mut failures = Vec::new();
    for scheme in schemes() {
        let methods: &[&str] = if scheme.has_method {
            &["", "GET", "POST", "PUT", "DELETE"]
        } else {
            &[""]
        };
        for method in methods {
            for format in ["curl", "http"] {
                let mut sign = vec!["sign", "-p", &scheme.id, "--example", "--format", format];
                let set_method = format!("method={method}");
                if !method.is_empty() {
                    sign.extend(["--set", &set_method]);
                }
                // moneyhoney's example leaves the header name to the user.
                if scheme.id == "moneyhoney" {
                    sign.extend(["--set", "header=X-Signature"]);
                }
                let out = run(&sign);
                assert!(
                    out.status.success(),
                    "{sign:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let file = dir.join(format!("{}-{method}.{format}", scheme.id));
                std::fs::write(&file, &out.stdout).unwrap();
                let mut verify = vec!["verify", "-p", &scheme.id, "--example", "--request"];
                let path = file.to_str().unwrap();
                verify.push(path);
                if !method.is_empty() {
                    verify.extend(["--set", &set_method]);
                }
                if scheme.id == "moneyhoney" {
                    verify.extend(["--set", "header=X-Signature"]);
                }
                let v = run(&verify);
                checked += 1;
                if !v.status.success() {
                    failures.push(format!(
                        "{} {method} {format}: exit {:?}\n{}\n{}",
                        scheme.id,
                        v.status.code(),
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&v.stderr)
                    ));
                }
            }
        }
    }
    assert!(checked > 60, "{checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs a curl export in bash with `curl` as a function that writes the body it would send (the
/// `--data-binary` argument, or standard input for `@-`) to a file, and returns those bytes.
fn body_bash_sends(curl_line: &[u8]) -> Vec<u8> {
    let dir = tempdir();
    let out_file = dir.join("sent.bin");
    let script = format!(
        "curl() {{ while [ $# -gt 0 ]; do if [ \"$1\" = --data-binary ]; then shift; \
         if [ \"$1\" = @- ]; then cat > '{o}'; else printf '%s' \"$1\" > '{o}'; fi; fi; shift; done; }}\n",
        o = out_file.display()
    );
    let mut full = script.into_bytes();
    full.extend_from_slice(curl_line);
    let script_file = dir.join("export.sh");
    std::fs::write(&script_file, &full).unwrap();
    let status = Command::new("bash").arg(&script_file).status().unwrap();
    assert!(status.success());
    std::fs::read(&out_file).unwrap()
}

#[test]
fn a_body_with_every_byte_value_survives_curl_export_bash_and_import() {
    let dir = tempdir();
    let all: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let body = dir.join("all-bytes.bin");
    std::fs::write(&body, &all).unwrap();
    for scheme in ["tpns", "github", "stripe", "slack", "standard-webhooks"] {
        let body_path = body.to_str().unwrap();
        let out = run(&[
            "sign",
            "-p",
            scheme,
            "--example",
            "--body-file",
            body_path,
            "--format",
            "curl",
        ]);
        assert!(
            out.status.success(),
            "{scheme}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(body_bash_sends(&out.stdout), all, "{scheme}");
        let file = dir.join(format!("{scheme}-binary.curl"));
        std::fs::write(&file, &out.stdout).unwrap();
        let v = run(&[
            "verify",
            "-p",
            scheme,
            "--example",
            "--body-file",
            body_path,
            "--request",
            file.to_str().unwrap(),
        ]);
        assert!(
            v.status.success(),
            "{scheme}: {}{}",
            String::from_utf8_lossy(&v.stdout),
            String::from_utf8_lossy(&v.stderr)
        );
        // The request's own body is read back: verify without --body-file takes it from there.
        let v = run(&[
            "verify",
            "-p",
            scheme,
            "--example",
            "--request",
            file.to_str().unwrap(),
        ]);
        assert!(
            v.status.success(),
            "{scheme} (body from the request): {}{}",
            String::from_utf8_lossy(&v.stdout),
            String::from_utf8_lossy(&v.stderr)
        );
    }
}

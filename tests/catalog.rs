//! The catalog: every built-in scheme is complete (an example, notes, a source, an import, a
//! group), and each scheme proven against its vendor reproduces what the vendor's SDK computed.
//!
//! The proofs are `tests/fixtures/catalog/*/cases.json`, written by the generator beside each
//! (`gen.py`, `gen.mjs`), which runs the vendor's SDK from PyPI or npm; their output is committed,
//! so these tests need no SDK. A case names the scheme, the key, the SDK's signature for the
//! recipe's documented example, and requests the SDK signed (and tampered ones): each must
//! verify, or not, exactly as the vendor's own check says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sigscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("sigscope runs")
}

/// Every cases file, with its folder.
fn case_files() -> Vec<(PathBuf, serde_json::Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog");
    let Ok(dirs) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dir in dirs.map(|d| d.expect("an entry").path()) {
        let file = dir.join("cases.json");
        if let Ok(text) = std::fs::read_to_string(&file) {
            let value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            out.push((dir, value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_builtin_scheme_is_complete() {
    let all = sigscope::sign::builtin::all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
    let mut missing = Vec::new();
    for r in &all {
        let mut lacks = Vec::new();
        if r.source.is_none() {
            lacks.push("a source");
        }
        if r.notes.is_empty() {
            lacks.push("notes");
        }
        if r.example.key.is_empty() {
            lacks.push("an example");
        }
        if r.import == Default::default() {
            lacks.push("an [import]");
        }
        if r.group == sigscope::sign::recipe::Group::Other {
            lacks.push("a group");
        }
        if !lacks.is_empty() {
            missing.push(format!("{}: {}", r.id, lacks.join(", ")));
        }
    }
    assert!(
        missing.is_empty(),
        "incomplete built-ins:\n{}",
        missing.join("\n")
    );
}

#[test]
fn each_scheme_reproduces_its_vendors_sdk() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (dir, cases) in case_files() {
        for case in cases.as_array().expect("cases.json is a list") {
            let id = case["id"].as_str().expect("a case has an id");
            let sdk = case["sdk"].as_str().unwrap_or("?");
            let key_flag = match case["key_form"].as_str().unwrap_or("text") {
                "hex" => "--key-hex",
                "base64" => "--key-base64",
                _ => "--key",
            };
            let key = case["key"].as_str().expect("a case has a key");
            if let Some(want) = case["example_signature"].as_str() {
                let o = sigscope(&["sign", "-p", id, "--example", "--format", "signature"]);
                let got = String::from_utf8_lossy(&o.stdout).trim().to_string();
                if !o.status.success() || got != want {
                    failures.push(format!(
                        "{id}: the documented example gives {got:?}, {sdk} gives {want:?} ({})",
                        String::from_utf8_lossy(&o.stderr).trim()
                    ));
                }
                checked += 1;
            }
            for req in case["requests"].as_array().into_iter().flatten() {
                let file = dir.join(req["file"].as_str().expect("a request names its file"));
                let valid = req["valid"]
                    .as_bool()
                    .expect("a request says if it is valid");
                let file_arg = file.to_string_lossy().to_string();
                let mut args = vec!["verify", "-p", id, key_flag, key, "--request", &file_arg];
                let extra: Vec<String> = req["set"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect();
                for s in &extra {
                    args.extend(["--set", s.as_str()]);
                }
                let o = sigscope(&args);
                let want = if valid { Some(0) } else { Some(1) };
                if o.status.code() != want {
                    failures.push(format!(
                        "{id}: {} should {}verify ({sdk} says so), exit {:?}: {}{}",
                        file.display(),
                        if valid { "" } else { "not " },
                        o.status.code(),
                        String::from_utf8_lossy(&o.stdout).trim(),
                        String::from_utf8_lossy(&o.stderr).trim()
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("catalog: {checked} checks against vendors' SDKs");
}

#[test]
fn the_readme_lists_the_catalog() {
    let all = sigscope::sign::builtin::all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (begin, end) = ("<!-- schemes: begin -->\n", "<!-- schemes: end -->");
    let at = readme.find(begin).expect("the README marks its schemes") + begin.len();
    let to = readme[at..].find(end).expect("the schemes' end marker") + at;
    let table = sigscope::sign::builtin::readme_table(&all);
    if readme[at..to] != table && std::env::var_os("SIGSCOPE_BLESS").is_some() {
        let updated = format!("{}{table}{}", &readme[..at], &readme[to..]);
        std::fs::write(&path, updated).expect("README.md written");
        return;
    }
    assert!(
        readme[at..to] == table,
        "the README's schemes differ from the catalog (run with SIGSCOPE_BLESS=1 to write them):\n{table}"
    );
}

//! `sigscope diagnose` on cases whose expected signatures were computed by a separate program
//! (tests/fixtures/diagnose/gen.py, Python's hmac and hashlib): one case per kind of difference in
//! the search space, two with two differences, and one that nothing explains.

use std::collections::BTreeMap;
use std::process::Command;

use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    id: String,
    scheme: String,
    fields: BTreeMap<String, String>,
    key: String,
    body: String,
    expected: String,
    explains: Vec<String>,
    #[serde(default)]
    recipe: Option<String>,
    /// Request header lines (`Name: value`), for schemes that sign headers.
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    variants: BTreeMap<String, String>,
}

#[test]
fn diagnose_names_each_kind_of_difference() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("fixtures/diagnose/cases.json")).unwrap();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for c in &cases {
        let mut args: Vec<String> = vec![
            "diagnose".into(),
            "-p".into(),
            c.scheme.clone(),
            "--key".into(),
            c.key.clone(),
        ];
        args.extend([
            "--body".into(),
            c.body.clone(),
            "--expect".into(),
            c.expected.clone(),
        ]);
        if let Some(r) = &c.recipe {
            args.extend([
                "--recipe".into(),
                format!("{}/tests/fixtures/diagnose/{r}", env!("CARGO_MANIFEST_DIR")),
            ]);
        }
        for (k, v) in &c.fields {
            args.extend(["--set".into(), format!("{k}={v}")]);
        }
        for h in &c.headers {
            args.extend(["-H".into(), h.clone()]);
        }
        for (k, v) in &c.variants {
            args.extend(["--variant".into(), format!("{k}={v}")]);
        }
        let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
            .args(&args)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        let want_code = if c.explains.is_empty() { 1 } else { 0 };
        if o.status.code() != Some(want_code) {
            failures.push(format!(
                "{}: exit {:?}, want {want_code}\n{out}{}",
                c.id,
                o.status.code(),
                String::from_utf8_lossy(&o.stderr)
            ));
            continue;
        }
        if c.explains.is_empty() {
            if !out.contains("Not explained:") {
                failures.push(format!("{}: expected `Not explained`\n{out}", c.id));
            }
            continue;
        }
        let count = format!(
            "Explained by {} difference",
            c.explains.len().min(out.matches("\n  - ").count().max(1))
        );
        for words in &c.explains {
            if !out.contains(words.as_str()) {
                failures.push(format!(
                    "{}: the explanation does not say `{words}`\n{out}",
                    c.id
                ));
            }
        }
        if !out.contains(&count) {
            failures.push(format!("{}: {count} expected\n{out}", c.id));
        }
        if !out.contains(&format!("the signature is {}", c.expected)) {
            failures.push(format!(
                "{}: the reproduced signature is not shown\n{out}",
                c.id
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn diagnose_as_json_gives_the_changes_as_data_and_quiet_prints_nothing() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("fixtures/diagnose/cases.json")).unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let mut args: Vec<String> = vec![
            "diagnose".into(),
            "-p".into(),
            c.scheme.clone(),
            "--key".into(),
            c.key.clone(),
            "--body".into(),
            c.body.clone(),
            "--expect".into(),
            c.expected.clone(),
        ];
        if let Some(r) = &c.recipe {
            args.extend([
                "--recipe".into(),
                format!("{}/tests/fixtures/diagnose/{r}", env!("CARGO_MANIFEST_DIR")),
            ]);
        }
        for (k, v) in &c.fields {
            args.extend(["--set".into(), format!("{k}={v}")]);
        }
        for h in &c.headers {
            args.extend(["-H".into(), h.clone()]);
        }
        for (k, v) in &c.variants {
            args.extend(["--variant".into(), format!("{k}={v}")]);
        }
        let run = |extra: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_sigscope"))
                .args(&args)
                .args(extra)
                .output()
                .unwrap()
        };
        let want_code = if c.explains.is_empty() { 1 } else { 0 };
        let quiet = run(&["--quiet"]);
        if quiet.status.code() != Some(want_code) || !quiet.stdout.is_empty() {
            failures.push(format!("{}: --quiet printed or exited wrong", c.id));
        }
        let o = run(&["--format", "json"]);
        let v: serde_json::Value = match serde_json::from_slice(&o.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: not JSON ({e})", c.id));
                continue;
            }
        };
        assert_eq!(v["scheme"], c.scheme.as_str());
        assert_eq!(v["expected"], c.expected.as_str());
        if c.explains.is_empty() {
            if v["outcome"] != "not_found" || v["tried"].as_u64().unwrap_or(0) == 0 {
                failures.push(format!("{}: want not_found: {v}", c.id));
            }
            continue;
        }
        if v["outcome"] != "explained" || v["signature"] != c.expected.as_str() {
            failures.push(format!("{}: want explained: {v}", c.id));
            continue;
        }
        let changes = v["changes"].as_array().unwrap();
        for words in &c.explains {
            // `The canonical requests (canonical_request) part at byte 8`: the difference as data.
            if let Some((head, byte)) = words.split_once(" part at byte ") {
                let stage = head.rsplit('(').next().unwrap().trim_end_matches(')');
                if v["difference"]["stage"] != stage
                    || v["difference"]["byte"] != byte.parse::<u64>().unwrap()
                {
                    failures.push(format!("{}: want the difference {words}: {v}", c.id));
                }
                continue;
            }
            let named = changes.iter().any(|ch| {
                ch["kind"].is_string() && ch["sentence"].as_str().unwrap().contains(words.as_str())
            });
            if !named {
                failures.push(format!("{}: no change says `{words}`: {v}", c.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_search_over_a_huge_space_stops_at_its_budget_and_says_so() {
    // 200 variants: 200 single changes and some 20 000 pairs, each pair a full signing.
    let mut recipe = String::from(
        "id = \"wide\"\nname = \"Wide\"\ndescription = \"d\"\n[key]\nlabel = \"key\"\n[body]\nkind = \"raw\"\n",
    );
    for i in 0..200 {
        recipe += &format!("\n[[variants]]\nname = \"v{i}\"\nchoices = [\"a\", \"b\"]\n");
    }
    recipe += "\n[[stages]]\nname = \"canonical\"\nconcat = [\"{body}\"]\n\n[[stages]]\nname = \"mac\"\nhmac = \"sha256\"\nkey = \"{key}\"\nmessage = \"{canonical}\"\n\n[[stages]]\nname = \"signature\"\nhex = \"{mac}\"\n\n[example]\nkey = \"k\"\nbody = \"x\"\n";
    let dir = std::env::temp_dir().join(format!("sigscope-wide-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wide.toml");
    std::fs::write(&path, recipe).unwrap();
    let started = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args([
            "diagnose",
            "--recipe",
            path.to_str().unwrap(),
            "--example",
            "--expect",
            "00",
            "--max-candidates",
            "300",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("Stopped: searched 300 of "), "{out}");
    assert!(out.contains("raise it with --max-candidates"), "{out}");
    assert!(started.elapsed().as_secs() < 30);
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args([
            "diagnose",
            "--recipe",
            path.to_str().unwrap(),
            "--example",
            "--expect",
            "00",
            "--max-candidates",
            "300",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["outcome"], "stopped");
    assert_eq!(v["searched"], 300);
    assert!(v["total"].as_u64().unwrap() > 20_000, "{v}");
}

#[test]
fn a_key_change_inside_the_string_to_sign_is_reported_without_a_panic() {
    // Cloudinary signs body + timestamp + the secret: the example signed with the key and a
    // trailing newline (Python: hashlib.sha1(body + ts + key + "\n")). The strings to sign then
    // differ only inside the masked key, which the report says instead of a caret (a fuzz
    // finding: the report read a caret line that is not there and panicked).
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args([
            "diagnose",
            "-p",
            "cloudinary",
            "--example",
            "--variant",
            "alg=sha1",
            "--expect",
            "e956b5e92757b6d10d8d6d512ab5361bb2328bdd",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("key ended with a newline"), "{out}");
    assert!(out.contains("differ only inside"), "{out}");
}

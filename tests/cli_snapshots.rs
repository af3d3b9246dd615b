//! Snapshots of what the command line prints for people: every built-in scheme's trace of its
//! documented example (`sign --example --format trace`), and diagnose's report on each case of
//! `tests/fixtures/diagnose` (whose expected signatures Python computed). Volatile values (a
//! request's age, values made now) are filtered, so a change of wording or of a stage shows up
//! and a change of clock does not.

mod common;

use common::sigscope;
use sigscope::sign::builtin;

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_path("snapshots/cli");
    s.add_filter(r"\d+ (s|min|h|days?) (old|ago|from now|ahead)", "[AGE]");
    s.add_filter(r"request time [^\n]*", "request time [AGE]");
    s
}

#[test]
fn every_scheme_trace_of_its_example() {
    for recipe in builtin::all().expect("built-ins load") {
        let id = recipe.id.as_str();
        let o = sigscope(&["sign", "-p", id, "--example", "--format", "trace"]);
        assert!(
            o.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut text = String::from_utf8_lossy(&o.stdout).to_string();
        // A time the example lacks is made now: fixed here (a value of the same form), so the
        // trace is the same on every run.
        let fixed: Vec<String> = text
            .lines()
            .filter(|l| l.ends_with("(made now)"))
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                let (name, value) = (words.next()?, words.next()?);
                let v = if value.len() == 16 && value.ends_with('Z') {
                    "20260101T000000Z".to_string()
                } else if value.bytes().all(|b| b.is_ascii_digit()) {
                    "1800000000000"[..value.len().min(13)].to_string()
                } else {
                    return None;
                };
                Some(format!("{name}={v}"))
            })
            .collect();
        if !fixed.is_empty() {
            let mut args = vec!["sign", "-p", id, "--example", "--format", "trace"];
            for f in &fixed {
                args.extend(["--set", f.as_str()]);
            }
            let o = sigscope(&args);
            assert!(
                o.status.success(),
                "{id}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            text = String::from_utf8_lossy(&o.stdout).to_string();
        }
        settings().bind(|| insta::assert_snapshot!(format!("trace_{id}"), text));
    }
}

#[test]
fn diagnose_reports_on_the_held_out_cases() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("fixtures/diagnose/cases.json")).expect("cases.json");
    let mut all = String::new();
    for c in &cases {
        let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
        let mut args: Vec<String> = vec![
            "diagnose".into(),
            "-p".into(),
            s("scheme"),
            "--key".into(),
            s("key"),
            "--body".into(),
            s("body"),
            "--expect".into(),
            s("expected"),
        ];
        if let Some(r) = c["recipe"].as_str() {
            args.extend([
                "--recipe".into(),
                format!("{}/tests/fixtures/diagnose/{r}", env!("CARGO_MANIFEST_DIR")),
            ]);
        }
        for (k, v) in c["fields"].as_object().into_iter().flatten() {
            args.extend([
                "--set".into(),
                format!("{k}={}", v.as_str().unwrap_or_default()),
            ]);
        }
        for h in c["headers"].as_array().into_iter().flatten() {
            args.extend(["-H".into(), h.as_str().unwrap_or_default().to_string()]);
        }
        for (k, v) in c["variants"].as_object().into_iter().flatten() {
            args.extend([
                "--variant".into(),
                format!("{k}={}", v.as_str().unwrap_or_default()),
            ]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = sigscope(&refs);
        all.push_str(&format!(
            "== {} (exit {:?})\n{}\n",
            s("id"),
            o.status.code(),
            String::from_utf8_lossy(&o.stdout)
        ));
    }
    settings().bind(|| insta::assert_snapshot!("diagnose_held_out", all));
}

//! Public-key schemes against requests their vendors' SDKs and libraries signed (or published):
//! `tests/fixtures/pubkey/*/cases.json`, written by the generator beside each (`gen.py`), which
//! runs PyNaCl, the sendgrid, PyJWT, oauthlib, httpsig, oci … packages; their output is committed,
//! so these tests need none of them. Each genuine request must verify with the vendor's public
//! key as the user has it (hex, base64, base64 DER, PEM, a certificate, a JWKS), and each
//! tampered one must not.

mod common;

use std::path::Path;

use common::{case_files, sigscope};

#[test]
fn each_public_key_scheme_verifies_its_vendors_requests() {
    let builtins = sigscope::sign::builtin::all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut not_built = std::collections::BTreeSet::new();
    for (dir, cases) in case_files("pubkey") {
        for case in cases.as_array().expect("cases.json is a list") {
            // (The diagnose cases have a folder of their own and another form.)
            if case.get("requests").is_none() {
                continue;
            }
            let id = case["id"].as_str().expect("a case has an id");
            let Some(recipe) = builtins.iter().find(|r| r.id == id && r.public_key()) else {
                not_built.insert(id.to_string());
                continue;
            };
            let sdk = case["sdk"].as_str().unwrap_or("?");
            let key = dir.join(case["public_key_file"].as_str().expect("a public key file"));
            let key = key.to_string_lossy().to_string();
            // The algorithm, where the request does not say it (RFC 9421 B.2 leaves it to the key).
            let variant = case["algorithm"]
                .as_str()
                .filter(|a| {
                    recipe
                        .variant("alg")
                        .is_some_and(|v| v.choices.iter().any(|c| c == a))
                })
                .map(|a| format!("alg={a}"));
            let sets: Vec<String> = case["fields"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| recipe.field(k).is_some())
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect();
            for req in case["requests"].as_array().into_iter().flatten() {
                let file = dir.join(req["file"].as_str().expect("a request names its file"));
                let valid = req["valid"]
                    .as_bool()
                    .expect("a request says if it is valid");
                let file_arg = file.to_string_lossy().to_string();
                let mut args = vec![
                    "verify",
                    "-p",
                    id,
                    "--key-file",
                    &key,
                    "--request",
                    &file_arg,
                ];
                for s in &sets {
                    args.extend(["--set", s.as_str()]);
                }
                if let Some(v) = &variant {
                    args.extend(["--variant", v.as_str()]);
                }
                let o = sigscope(&args);
                // An attack (alg none, an HMAC keyed with the public key) is refused by name.
                if let Some(attack) = req["attack"].as_str().or(case["attack"].as_str()) {
                    let all = format!(
                        "{}{}",
                        String::from_utf8_lossy(&o.stdout),
                        String::from_utf8_lossy(&o.stderr)
                    );
                    if o.status.success() || !all.contains("attack") {
                        failures.push(format!(
                            "{id}: {} ({attack}) is not refused as the attack it is: {all}",
                            file.display()
                        ));
                    }
                    checked += 1;
                    continue;
                }
                let want = if valid { Some(0) } else { Some(1) };
                if o.status.code() != want {
                    failures.push(format!(
                        "{id}: {} should {}verify ({sdk} says so), exit {:?}: {}{}",
                        file.display(),
                        if valid { "" } else { "not " },
                        o.status.code(),
                        String::from_utf8_lossy(&o.stdout)
                            .lines()
                            .filter(|l| l.contains("verified") || l.starts_with("result"))
                            .collect::<Vec<_>>()
                            .join(" / "),
                        String::from_utf8_lossy(&o.stderr).trim()
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if case_files("pubkey").is_empty() {
        eprintln!("pubkey: skipped, tests/fixtures/pubkey is absent");
    }
    eprintln!(
        "pubkey: {checked} checks against vendors' libraries; not built in yet: {}",
        not_built.into_iter().collect::<Vec<_>>().join(", ")
    );
    assert!(checked >= 6, "only {checked} checks ran");
}

/// Each public-key scheme's documented example signs with its test private key to the value the
/// vendor's library made (Ed25519 and RSA PKCS#1 v1.5 are deterministic; ECDSA's RFC 6979 is
/// not what the vendor's library used, so its example is checked by verifying).
#[test]
fn each_example_verifies_and_deterministic_ones_sign_to_the_vendors_value() {
    let builtins = sigscope::sign::builtin::all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
    let mut failures = Vec::new();
    for r in builtins.iter().filter(|r| r.public_key()) {
        let o = sigscope(&["verify", "-p", &r.id, "--example"]);
        if o.status.code() != Some(0) {
            failures.push(format!(
                "{}: the example does not verify: {}{}",
                r.id,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    for id in ["discord", "telnyx"] {
        let o = sigscope(&["sign", "-p", id, "--example", "--format", "signature"]);
        let want = builtins
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.example.signature.clone())
            .unwrap_or_default();
        if String::from_utf8_lossy(&o.stdout).trim() != want {
            failures.push(format!(
                "{id}: signing the example does not give the vendor's value"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A public key where a private one is needed, and a key of another kind, are one line each.
#[test]
fn the_wrong_kind_of_key_is_one_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pubkey/webhooks");
    if !dir.exists() {
        eprintln!("skipped: tests/fixtures/pubkey/webhooks is absent");
        return;
    }
    let public = dir.join("discord-public.hex").to_string_lossy().to_string();
    let o = sigscope(&["sign", "-p", "discord", "--example", "--key-file", &public]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("needs the private key"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let ec = dir
        .join("sendgrid-public.b64")
        .to_string_lossy()
        .to_string();
    let req = dir.join("discord.http").to_string_lossy().to_string();
    let o = sigscope(&[
        "verify",
        "-p",
        "discord",
        "--key-file",
        &ec,
        "--request",
        &req,
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("ECDSA P-256 public key") && err.contains("needs Ed25519"),
        "{err}"
    );
}

#[derive(serde::Deserialize)]
struct DiagnoseCase {
    id: String,
    scheme: String,
    key_file: String,
    fields: std::collections::BTreeMap<String, String>,
    body: String,
    expected: String,
    explains: Vec<String>,
    #[serde(default)]
    variants: std::collections::BTreeMap<String, String>,
}

/// Diagnose names a sender's mistake for a public-key scheme as for an HMAC one: each candidate
/// message is verified with the public key (tests/fixtures/pubkey/diagnose/gen.py signs with
/// `cryptography` over what the mistaken sender signed).
#[test]
fn diagnose_names_a_mistake_under_a_public_key() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pubkey/diagnose");
    let Ok(text) = std::fs::read_to_string(dir.join("cases.json")) else {
        eprintln!("skipped: tests/fixtures/pubkey/diagnose is absent");
        return;
    };
    let cases: Vec<DiagnoseCase> = serde_json::from_str(&text).expect("cases.json");
    let mut failures = Vec::new();
    for c in &cases {
        let key = dir.join(&c.key_file).to_string_lossy().to_string();
        let mut args = vec![
            "diagnose",
            "-p",
            &c.scheme,
            "--key-file",
            &key,
            "--body",
            &c.body,
            "--expect",
            &c.expected,
        ];
        let sets: Vec<String> = c.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for s in &sets {
            args.extend(["--set", s.as_str()]);
        }
        let variants: Vec<String> = c.variants.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for v in &variants {
            args.extend(["--variant", v.as_str()]);
        }
        let o = sigscope(&args);
        let out = String::from_utf8_lossy(&o.stdout);
        if o.status.code() != Some(0) || !c.explains.iter().all(|w| out.contains(w.as_str())) {
            failures.push(format!(
                "{}: {out}{}",
                c.id,
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 4);
}

/// A public key that verifies no candidate gets its own sentence: the wrong key, or another
/// environment's.
#[test]
fn a_key_that_verifies_nothing_is_named() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pubkey/webhooks");
    if !dir.exists() {
        eprintln!("skipped: tests/fixtures/pubkey/webhooks is absent");
        return;
    }
    // Telnyx's Ed25519 public key is a valid key, but not Discord's.
    let other = dir.join("telnyx-public.b64").to_string_lossy().to_string();
    let req = dir.join("discord.http").to_string_lossy().to_string();
    let o = sigscope(&[
        "diagnose",
        "-p",
        "discord",
        "--key-file",
        &other,
        "--request",
        &req,
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("none verifies with this public key") && out.contains("another environment"),
        "{out}"
    );
}

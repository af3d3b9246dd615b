//! `learn` against the catalog: for every HMAC webhook scheme built in, a request its vendor's
//! SDK signed (`tests/fixtures/catalog`, or the built-in's own example, which the catalog proved
//! against the vendor) is learned without naming the scheme; the recipe found must verify a
//! second genuine request of that scheme with other values and reject it tampered. The misses
//! are listed with the reason learn gave.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{case_files, sigscope};
use sigscope::sign::builtin;
use sigscope::sign::recipe::{FieldKind, Group};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("learn")
        .join(name);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// The key flag of a case's key form.
fn key_flag(form: &str) -> &'static str {
    match form {
        "hex" => "--key-hex",
        "base64" => "--key-base64",
        _ => "--key",
    }
}

/// For each scheme, the first genuine request a vendor's SDK signed (no --set needed), with its
/// key flag and key.
fn vendor_requests() -> BTreeMap<String, (PathBuf, &'static str, String)> {
    let mut out = BTreeMap::new();
    for (dir, cases) in case_files("catalog") {
        for case in cases.as_array().expect("a list") {
            let id = case["id"].as_str().expect("an id").to_string();
            let Some(req) = case["requests"].as_array().into_iter().flatten().find(|r| {
                r["valid"].as_bool() == Some(true) && r.get("set").is_none_or(|s| s.is_null())
            }) else {
                continue;
            };
            let file = dir.join(req["file"].as_str().expect("a file"));
            let flag = key_flag(case["key_form"].as_str().unwrap_or("text"));
            let key = case["key"].as_str().expect("a key").to_string();
            out.entry(id).or_insert((file, flag, key));
        }
    }
    out
}

/// Another body of the same kind as the example's.
fn other_body(example: &str) -> String {
    let t = example.trim_start();
    if t.starts_with('{') {
        r#"{"learned":"a second request","n":2,"list":[1,2,3]}"#.to_string()
    } else if t.starts_with('<') {
        "<xml><learned>a second request</learned><n>2</n></xml>".to_string()
    } else if example.contains('=') {
        "learned=a+second+request&n=2".to_string()
    } else {
        "a second request".to_string()
    }
}

/// Tampered copies of a raw HTTP request, one change each: a byte of the body, a digit of each
/// short header value (a timestamp, an id), a letter of each long one (a token's claims), the
/// path's last letter. Lengths are kept.
fn tamperings(raw: &[u8]) -> Vec<Vec<u8>> {
    let start = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .expect("a head");
    let flip = |b: &mut u8| {
        *b = match *b {
            b'0'..=b'8' => *b + 1,
            b'9' => b'0',
            b'x' => b'y',
            _ => b'x',
        }
    };
    let mut out = Vec::new();
    let mut body = raw.to_vec();
    if let Some(b) = body[start..]
        .iter_mut()
        .rev()
        .find(|b| b.is_ascii_alphanumeric())
    {
        flip(b);
        out.push(body);
    }
    let mut late = Vec::new();
    let mut line_start = raw
        .iter()
        .position(|&b| b == b'\n')
        .map_or(start, |p| p + 1);
    while line_start < start - 2 {
        let end = line_start
            + raw[line_start..]
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(0);
        let line = &raw[line_start..end];
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
            let short = line.len() - colon < 66;
            // A long value (a token): a letter a third of the way in (its claims).
            let third = colon + (line.len() - colon) / 3;
            if !short && line[third].is_ascii_alphanumeric() {
                let mut t = raw.to_vec();
                flip(&mut t[line_start + third]);
                late.push(t);
            }
            if short
                && !["host", "content-length", "content-type"].contains(&name.as_str())
                && let Some(i) = (colon..line.len())
                    .rev()
                    .find(|&i| line[i].is_ascii_digit())
            {
                let mut t = raw.to_vec();
                flip(&mut t[line_start + i]);
                out.push(t);
            }
        }
        line_start = end + 1;
    }
    out.append(&mut late);
    // The path's last letter (before the query and the version).
    let first_line = raw.iter().position(|&b| b == b'\n').unwrap_or(0);
    let target_end = raw[..first_line]
        .iter()
        .rposition(|&b| b == b' ')
        .unwrap_or(0);
    let path_end = raw[..target_end]
        .iter()
        .position(|&b| b == b'?')
        .unwrap_or(target_end);
    if let Some(i) = (0..path_end).rev().find(|&i| raw[i].is_ascii_alphabetic()) {
        let mut t = raw.to_vec();
        flip(&mut t[i]);
        out.push(t);
    }
    out
}

/// Writes a second genuine request of a scheme (and its tampered twin), checked with the
/// built-in from the first one's values: another body where the built-in verifies it, else the
/// same body with every time field moved on, else the example with another body and the fields
/// that hold the body's SHA-256 (a JWT's claims) made anew.
fn second_request(
    dir: &Path,
    recipe: &sigscope::sign::Recipe,
    first: &Path,
    flag: &str,
    key: &str,
    variant: Option<&str>,
) -> Option<(PathBuf, PathBuf)> {
    let id = recipe.id.as_str();
    let tag = variant.unwrap_or("default").replace(['=', '/'], "-");
    let body = other_body(&recipe.example.body);
    let mut times = Vec::new();
    for f in &recipe.fields {
        let value = recipe.example.fields.get(&f.name);
        let moved = match f.kind {
            FieldKind::UnixSeconds => value.and_then(|v| v.parse::<i64>().ok()).map(|v| v + 1234),
            FieldKind::UnixMillis => value
                .and_then(|v| v.parse::<i64>().ok())
                .map(|v| v + 1_234_000),
            _ => None,
        };
        if let Some(v) = moved {
            times.push(format!("{}={v}", f.name));
        }
    }
    // A field that holds the body's SHA-256 (a JWT's claims): the same with the new body's,
    // from the example.
    let digest = |b: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    };
    let (old, new) = (
        digest(recipe.example.body.as_bytes()),
        digest(body.as_bytes()),
    );
    let mut rebound = vec!["--example".to_string(), "--body".to_string(), body.clone()];
    for (name, value) in &recipe.example.fields {
        if value.contains(&old) {
            rebound.extend([
                "--set".to_string(),
                format!("{name}={}", value.replace(&old, &new)),
            ]);
        }
    }
    if rebound.len() == 3 {
        rebound.clear();
    }
    let tries: [Vec<String>; 3] = [
        vec!["--body".to_string(), body],
        times
            .iter()
            .flat_map(|t| ["--set".to_string(), t.clone()])
            .collect(),
        rebound,
    ];
    let second = dir.join(format!("{id}-second-{tag}.http"));
    let bad = dir.join(format!("{id}-second-{tag}-tampered.http"));
    for extra in &tries {
        let first = first.to_string_lossy().to_string();
        if extra.is_empty() {
            continue;
        }
        let mut args = vec!["sign", "-p", id, flag, key, "--format", "http"];
        if extra[0] != "--example" {
            args.extend(["--request", first.as_str()]);
        }
        args.extend(extra.iter().map(String::as_str));
        if let Some(v) = variant {
            args.extend(["--variant", v]);
        }
        let o = sigscope(&args);
        if !o.status.success() {
            continue;
        }
        std::fs::write(&second, &o.stdout).expect("written");
        // The built-in itself accepts it and rejects a tampered copy (the first change it
        // notices: the body, else a signed header, else the path).
        let verdict = |file: &Path| {
            let f = file.to_string_lossy().to_string();
            sigscope(&["verify", "-p", id, flag, key, "--request", &f])
                .status
                .code()
        };
        if verdict(&second) != Some(0) {
            continue;
        }
        for t in tamperings(&o.stdout) {
            std::fs::write(&bad, &t).expect("written");
            if verdict(&bad) == Some(1) {
                return Some((second, bad));
            }
        }
    }
    None
}

#[test]
fn learns_back_the_catalogs_hmac_webhook_schemes() {
    let vendors = vendor_requests();
    if vendors.is_empty() {
        eprintln!("skipped: tests/fixtures/catalog is absent");
        return;
    }
    let dir = scratch("catalog");
    let all = builtin::all().expect("built-ins load");
    let schemes: Vec<_> = all
        .iter()
        .filter(|r| r.group == Group::Webhook && !r.public_key())
        .collect();
    let mut learned = Vec::new();
    let mut misses = Vec::new();
    let mut wrong = Vec::new();
    for recipe in &schemes {
        let id = recipe.id.as_str();
        // The first request: the vendor's, else the built-in's example.
        let (first, flag, key) = match vendors.get(id) {
            Some((file, flag, key)) => (file.clone(), *flag, key.clone()),
            None => {
                let o = sigscope(&["sign", "-p", id, "--example", "--format", "http"]);
                assert!(o.status.success(), "{id}: the example signs");
                let file = dir.join(format!("{id}-example.http"));
                std::fs::write(&file, &o.stdout).expect("written");
                (file, "--key", recipe.example.key.clone())
            }
        };
        // A second genuine request with other values: the built-in (which the catalog proved
        // against the vendor) signs another body, or, for a scheme that reads its values from
        // the body, the same body at other times.
        // The default choice, then each variant's other choices (a request may carry several
        // members' signatures: the recipe learned is checked on a request of its member).
        let mut variants: Vec<Option<String>> = vec![None];
        for v in &recipe.variants {
            for c in v.choices.iter().skip(1) {
                variants.push(Some(format!("{}={c}", v.name)));
            }
        }
        let seconds: Vec<(PathBuf, PathBuf)> = variants
            .iter()
            .filter_map(|v| second_request(&dir, recipe, &first, flag, &key, v.as_deref()))
            .collect();
        if seconds.is_empty() {
            misses.push(format!(
                "{id}: no second request (the built-in signs no other body or time it verifies)"
            ));
            continue;
        }
        let first_arg = first.to_string_lossy().to_string();
        let o = sigscope(&["learn", flag, &key, "--request", &first_arg]);
        if o.status.code() != Some(0) {
            let why = String::from_utf8_lossy(&o.stderr);
            misses.push(format!(
                "{id}: {}",
                why.lines().next().unwrap_or_default().trim()
            ));
            continue;
        }
        let recipe_file = dir.join(format!("{id}-learned.toml"));
        std::fs::write(&recipe_file, &o.stdout).expect("written");
        let recipe_arg = recipe_file.to_string_lossy().to_string();
        let verify = |file: &Path| {
            let f = file.to_string_lossy().to_string();
            let o = sigscope(&[
                "verify",
                "--recipe",
                &recipe_arg,
                flag,
                &key,
                "--request",
                &f,
            ]);
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stderr).trim().to_string(),
            )
        };
        // The first second request that carries the learned recipe's signature (exit 2: the
        // carrier is absent, a request of another member).
        let Some((second, bad)) = seconds.iter().find(|(s, _)| verify(s).0 != Some(2)) else {
            wrong.push(format!(
                "{id}: no second request carries the learned recipe's signature ({})",
                verify(&seconds[0].0).1
            ));
            continue;
        };
        let (good, why_good) = verify(second);
        let (tamp, why_tamp) = verify(bad);
        if good == Some(0) && tamp == Some(1) {
            learned.push(id.to_string());
        } else {
            wrong.push(format!(
                "{id}: the learned recipe gives {good:?} on a second genuine request ({why_good}) and {tamp:?} on it tampered ({why_tamp})"
            ));
        }
    }
    let total = schemes.len();
    eprintln!(
        "learn: {} of {total} HMAC webhook schemes learned back and checked on a second request; missed:\n  {}",
        learned.len(),
        misses.join("\n  ")
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // At least 90%: the misses are named in the output (and the README says which kinds).
    assert!(
        learned.len() * 10 >= total * 9,
        "only {} of {total} learned; missed:\n{}",
        learned.len(),
        misses.join("\n")
    );
}

#[test]
fn a_random_signature_ends_not_found_and_two_requests_tell_fields_from_constants() {
    let dir = scratch("random");
    // 32 random-looking bytes (SHA-256 of a phrase no construction signs), a 4 KiB body.
    let body = "x".repeat(4096);
    let raw = format!(
        "POST /hooks/acme?tenant=7 HTTP/1.1\r\nHost: api.example.com\r\nX-Acme-Timestamp: 1700000000\r\nX-Acme-Delivery: 0b7c2f4e-1d9a-4e8b-9c3d-5a6f7e8d9c0b\r\nX-Acme-Nonce: 8f14e45f\r\nX-Acme-Signature: sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let file = dir.join("random.http");
    std::fs::write(&file, raw).expect("written");
    let f = file.to_string_lossy().to_string();
    let o = sigscope(&["learn", "--key", "acme-secret", "--request", &f]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("not found: no construction gives the signature"),
        "{err}"
    );
    assert!(err.contains("X-Acme-Signature after `sha256=`"), "{err}");
    assert!(o.stdout.is_empty());
    // A budget cut says so.
    let o = sigscope(&[
        "learn",
        "--key",
        "acme-secret",
        "--request",
        &f,
        "--max-candidates",
        "1000",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stopped at --max-candidates 1000"));

    // Two Stripe-shaped deliveries signed by the built-in (proven against stripe-python): the
    // timestamp differs, the URL does not.
    let mut files = Vec::new();
    for (t, body) in [("1700000000", r#"{"a":1}"#), ("1700000999", r#"{"b":2}"#)] {
        let o = sigscope(&[
            "sign",
            "-p",
            "stripe",
            "--example",
            "--set",
            &format!("timestamp={t}"),
            "--body",
            body,
            "--format",
            "http",
        ]);
        assert!(o.status.success());
        let file = dir.join(format!("stripe-{t}.http"));
        std::fs::write(&file, &o.stdout).expect("written");
        files.push(file.to_string_lossy().to_string());
    }
    let o = sigscope(&[
        "learn",
        "--key",
        "whsec_test_secret",
        "--request",
        &files[0],
        "--request",
        &files[1],
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["hash"], "sha256");
    assert_eq!(v["construction"], "hmac");
    assert_eq!(v["separator"], ".");
    assert_eq!(v["signature"]["source"], "header:Stripe-Signature");
    assert_eq!(v["fields_differ"], serde_json::json!(["t"]));
    assert_eq!(
        v["fields_equal"],
        serde_json::json!(["url=https://example.com/stripe/webhook"])
    );
    // The recipe never holds the key.
    let recipe = v["recipe"].as_str().expect("a recipe");
    assert!(!recipe.contains("whsec_test_secret"));
    assert!(recipe.contains("Values that differ between the requests (fields): t."));
}

#[test]
fn learns_public_key_schemes_from_requests_their_vendors_libraries_signed() {
    // (scheme, public key, vendor-signed request, private key): PyNaCl and cryptography signed
    // the webhooks (tests/fixtures/pubkey/webhooks/gen.py), PyJWT the tokens (standards/gen.py).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pubkey");
    if !root.exists() {
        eprintln!("skipped: tests/fixtures/pubkey is absent");
        return;
    }
    let cases = [
        (
            "discord",
            "webhooks/discord-public.hex",
            "webhooks/discord",
            "webhooks/discord-private.pem",
            "Ed25519",
        ),
        (
            "telnyx",
            "webhooks/telnyx-public.b64",
            "webhooks/telnyx",
            "webhooks/telnyx-private.pem",
            "Ed25519",
        ),
        (
            "sendgrid",
            "webhooks/sendgrid-public.b64",
            "webhooks/sendgrid",
            "webhooks/sendgrid-private.pem",
            "ECDSA P-256",
        ),
        (
            "jwt",
            "standards/keys/rsa-2048-public.spki.pem",
            "standards/jwt-RS256",
            "standards/keys/rsa-2048-private.pkcs8.pem",
            "RSASSA-PKCS1-v1_5 SHA-256",
        ),
        (
            "jwt",
            "standards/keys/ec-p256-public.spki.pem",
            "standards/jwt-ES256",
            "standards/keys/ec-p256-private.pkcs8.pem",
            "ECDSA P-256",
        ),
        (
            "jwt",
            "standards/keys/ed25519-public.spki.pem",
            "standards/jwt-EdDSA",
            "standards/keys/ed25519-private.pkcs8.pem",
            "Ed25519",
        ),
    ];
    let dir = scratch("public");
    for (id, public, request, private, words) in cases {
        let public = root.join(public).to_string_lossy().to_string();
        let private = root.join(private).to_string_lossy().to_string();
        let genuine = root
            .join(format!("{request}.http"))
            .to_string_lossy()
            .to_string();
        let tampered = root
            .join(format!("{request}-tampered.http"))
            .to_string_lossy()
            .to_string();
        let o = sigscope(&["learn", "--key-file", &public, "--request", &genuine]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(0), "{request}: {err}");
        assert!(err.contains(words), "{request}: {err}");
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(!text.contains("PRIVATE"), "{request}");
        let recipe = dir.join(format!("{}.toml", request.replace('/', "-")));
        std::fs::write(&recipe, &text).expect("written");
        let recipe = recipe.to_string_lossy().to_string();
        // A second genuine request: the built-in signs another body with the private key.
        let o = sigscope(&[
            "sign",
            "-p",
            id,
            "--key-file",
            &private,
            "--request",
            &genuine,
            "--body",
            r#"{"learned":"a second request"}"#,
            "--format",
            "http",
        ]);
        assert!(
            o.status.success(),
            "{request}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let second = dir.join(format!("{}-second.http", request.replace('/', "-")));
        std::fs::write(&second, &o.stdout).expect("written");
        let second = second.to_string_lossy().to_string();
        for (file, want) in [(&genuine, 0), (&second, 0), (&tampered, 1)] {
            let o = sigscope(&[
                "verify",
                "--recipe",
                &recipe,
                "--key-file",
                &public,
                "--request",
                file,
            ]);
            assert_eq!(
                o.status.code(),
                Some(want),
                "{request}: the learned recipe on {file}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

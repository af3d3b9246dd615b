//! The public schemes against values published outside this project: every case of
//! `../shared/vectors/public.json` (vendor docs, SDK tests, RFCs) through the built-in recipe,
//! and AWS's official SigV4 test suite (`../shared/vectors/aws-sigv4-testsuite`) through the
//! binary: canonical request, string to sign and verify. Each test says when it skipped because
//! `../shared` is absent (CI has it).

mod common;

use common::{recipe, sigscope};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sigscope::sign::{self, Inputs};

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; the public vectors were not checked",
            p.display()
        );
        None
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Form-encodes pairs as Python's urlencode does (quote_plus).
fn form(pairs: &[Value]) -> String {
    let enc = |t: &str| {
        t.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|p| format!("{}={}", enc(&s(&p[0])), enc(&s(&p[1]))))
        .collect::<Vec<_>>()
        .join("&")
}

/// One public case as the scheme's inputs: fields, body and variant choices.
fn case_inputs(
    dir: &Path,
    case: &Value,
) -> (BTreeMap<String, String>, Vec<u8>, BTreeMap<String, String>) {
    let inputs = &case["inputs"];
    let mut fields = BTreeMap::new();
    let mut variants = BTreeMap::new();
    let mut body = match case.get("body_file") {
        Some(f) => std::fs::read(dir.join(s(f))).unwrap(),
        None => s(&case["body"]).into_bytes(),
    };
    let mut set = |k: &str, v: String| {
        fields.insert(k.to_string(), v);
    };
    match s(&case["scheme"]).as_str() {
        "twilio" => {
            set(
                "url",
                inputs
                    .get("url")
                    .map_or("https://example.com/".to_string(), s),
            );
            match inputs.get("params").and_then(Value::as_array) {
                Some(p) if !p.is_empty() => body = form(p).into_bytes(),
                _ if !body.is_empty() => {
                    variants.insert("body".to_string(), "json".to_string());
                }
                _ => {}
            }
        }
        "binance" => set(
            "url",
            format!(
                "https://api.binance.com/api/v3/order?{}",
                s(&inputs["query"])
            ),
        ),
        "kraken" => {
            set("nonce", s(&inputs["nonce"]));
            set(
                "url",
                format!("https://api.kraken.com{}", s(&inputs["uri_path"])),
            );
        }
        "alibaba-rpc" => {
            set("method", s(&inputs["method"]));
            let names = [
                ("Timestamp", "timestamp"),
                ("Format", "format"),
                ("AccessKeyId", "access_key_id"),
                ("Action", "action"),
                ("SignatureMethod", "signature_method"),
                ("SignatureNonce", "nonce"),
                ("Version", "version"),
                ("SignatureVersion", "signature_version"),
            ];
            for (from, to) in names {
                set(to, s(&inputs["params"][from]));
            }
        }
        "tencent-tc3" => {
            set("timestamp", s(&inputs["timestamp"]));
            set("service", s(&inputs["service"]));
            set("url", format!("https://{}/", s(&inputs["host"])));
            set("content_type", s(&inputs["content_type"]));
            set("secret_id", "AKIDEXAMPLE".to_string());
        }
        "stripe" => set("timestamp", s(&inputs["t"])),
        "razorpay" => {
            if inputs.get("order_id").is_some() {
                set("order_id", s(&inputs["order_id"]));
                set("payment_id", s(&inputs["payment_id"]));
                variants.insert("kind".to_string(), "payment".to_string());
            }
        }
        "jwt" => {
            set("header", s(&inputs["header"]));
            body = s(&inputs["payload"]).into_bytes();
            variants.insert("key".to_string(), "base64url".to_string());
        }
        "oauth1" => {
            set("method", s(&inputs["method"]));
            set("url", s(&inputs["url"]));
            set("token_secret", s(&inputs["token_secret"]));
            for p in inputs["oauth"].as_array().unwrap() {
                let name = s(&p[0]);
                set(name.strip_prefix("oauth_").unwrap_or(&name), s(&p[1]));
            }
        }
        _ => {
            for (k, v) in inputs.as_object().unwrap() {
                set(k, s(v));
            }
        }
    }
    (fields, body, variants)
}

#[test]
fn every_published_case_reproduces_through_its_builtin_recipe() {
    let Some(dir) = shared() else { return };
    let text = std::fs::read_to_string(dir.join("public.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let mut schemes = std::collections::BTreeSet::new();
    for case in &cases {
        let id = s(&case["id"]);
        let scheme = s(&case["scheme"]);
        let recipe = recipe(&scheme);
        let (fields, body, variants) = case_inputs(&dir, case);
        let selection = recipe
            .select(variants.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .unwrap();
        let key = s(&case["key"]);
        let trace = sign::run(
            &recipe,
            &Inputs {
                fields: &fields,
                key: key.as_bytes(),
                body: &body,
                headers: b"",
                selection: &selection,
                received: None,
            },
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        let expected = s(&case["expected"]);
        if id == "twilio-sdk-json-body-hash" {
            let stage = trace.stage("body_sha256").unwrap();
            assert_eq!(String::from_utf8_lossy(&stage.bytes), expected, "{id}");
        } else {
            // The expected value as the vendor prints it: a header value (sha256=…, t=…,v1=…)
            // or the bare signature.
            let c = sign::compare::compare_set(&recipe, trace.signature(), &expected);
            assert_eq!(
                c.comparison,
                sign::Comparison::Match,
                "{id}: computed {} for {expected}",
                trace.signature_text()
            );
        }
        if scheme == "tencent-tc3" {
            let date = trace.stage("date").unwrap();
            assert_eq!(date.bytes, s(&case["inputs"]["date"]).as_bytes(), "{id}");
        }
        if let Some(printed) = case.get("printed_in_rfc") {
            assert_ne!(trace.signature_text(), s(printed), "{id}: the erratum");
        }
        schemes.insert(scheme);
    }
    eprintln!(
        "{} public cases over {} schemes reproduce",
        cases.len(),
        schemes.len()
    );
}

/// A folder for a test's request files, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("sigscope-{what}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes a file and returns its path as text.
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

const AWS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Every case folder of the suite (those holding a `.sreq`), nested ones included.
fn aws_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.join(format!("{name}.sreq")).is_file() {
                out.push(p.clone());
            }
            aws_cases(&p, out);
        }
    }
}

#[test]
fn aws_sigv4_test_suite_all_cases() {
    let Some(dir) = shared() else { return };
    let mut cases = Vec::new();
    aws_cases(&dir.join("aws-sigv4-testsuite"), &mut cases);
    assert_eq!(cases.len(), 34, "the suite has 34 cases");
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let file = |ext: &str| case.join(format!("{name}.{ext}"));
        let sreq = file("sreq").to_string_lossy().to_string();
        let o = sigscope(&[
            "sign",
            "-p",
            "aws-sigv4",
            "--key",
            AWS_KEY,
            "--request",
            &sreq,
            "--format",
            "json",
        ]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let json: Value = serde_json::from_slice(&o.stdout).unwrap();
        let stage = |n: &str| -> String {
            let st = json["stages"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == n)
                .unwrap_or_else(|| panic!("{name}: no stage {n}"));
            String::from_utf8(hex::decode(st["hex"].as_str().unwrap()).unwrap()).unwrap()
        };
        let read = |ext: &str| std::fs::read_to_string(file(ext)).unwrap();
        assert_eq!(stage("canonical_request"), read("creq"), "{name}: creq");
        assert_eq!(stage("canonical"), read("sts"), "{name}: sts");
        let authz = read("authz");
        let want = authz.rsplit("Signature=").next().unwrap().trim();
        assert_eq!(json["signature"], want, "{name}: signature of .authz");
        let v = sigscope(&[
            "verify",
            "-p",
            "aws-sigv4",
            "--key",
            AWS_KEY,
            "--request",
            &sreq,
        ]);
        if name == "get-vanilla-with-session-token" {
            // The suite's .sreq of this case carries get-vanilla's signature (5fa00fa3…), not
            // the one its own .authz gives; verify is right to refuse it.
            assert_eq!(v.status.code(), Some(1), "{name}");
        } else {
            assert!(
                v.status.success(),
                "{name}: verify: {}",
                String::from_utf8_lossy(&v.stdout)
            );
        }
    }
}

/// The schemes of the public list, as built in.
const PUBLIC: &[&str] = &[
    "aws-sigv4",
    "tencent-tc3",
    "alibaba-rpc",
    "oauth1",
    "github",
    "stripe",
    "slack",
    "shopify",
    "standard-webhooks",
    "twilio",
    "square",
    "paddle",
    "razorpay",
    "adyen",
    "binance",
    "kraken",
    "jwt",
];

#[test]
fn every_public_scheme_verifies_its_own_request_and_refuses_a_tampered_one() {
    let dir = Scratch::new("roundtrip");
    for id in PUBLIC {
        let r = recipe(id);
        // The request as the vendor would send it: razorpay's webhook (its example is the
        // checkout signature, which travels in no request of its own).
        let mut sign_args = vec!["sign", "-p", id, "--example", "--format", "http"];
        if *id == "razorpay" {
            sign_args.extend([
                "--variant",
                "kind=webhook",
                "--body",
                "{\"event\":\"payment.captured\"}",
            ]);
        }
        let o = sigscope(&sign_args);
        assert!(
            o.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let http = o.stdout;
        let p = dir.file(&format!("{id}.http"), &http);
        // What a request does not carry: the key, a secret field, variant choices, and the
        // URL's scheme (raw HTTP has none).
        let mut extra: Vec<String> = vec!["--key".into(), r.example.key.clone()];
        for (k, v) in &r.example.variants {
            if !(*id == "razorpay" && k == "kind") {
                extra.extend(["--variant".into(), format!("{k}={v}")]);
            }
        }
        for f in &r.fields {
            let secret = f.kind == sigscope::sign::FieldKind::Secret;
            if let Some(v) = r
                .example
                .fields
                .get(&f.name)
                .filter(|_| secret || f.name == "url")
            {
                extra.extend(["--set".into(), format!("{}={v}", f.name)]);
            }
        }
        let verify = |file: &str, with_p: bool| {
            let mut a: Vec<String> = vec!["verify".into()];
            if with_p {
                a.extend(["-p".into(), id.to_string()]);
            }
            a.extend(extra.iter().cloned());
            a.extend(["--request".into(), file.to_string()]);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            sigscope(&a)
        };
        let o = verify(&p, true);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{id}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        if *id != "binance" {
            // binance and huawei-basic both carry `signature` in the query.
            let o = verify(&p, false);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{id} without -p: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(
                String::from_utf8_lossy(&o.stderr).contains(&format!("reads as scheme {id} ")),
                "{id}"
            );
        }
        // One byte of the body changed: refused (when the scheme signs the body).
        let text = String::from_utf8_lossy(&http).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        if body.len() > 2 && !["alibaba-rpc", "adyen", "jwt"].contains(id) {
            let mut b = body.as_bytes().to_vec();
            let i = b.iter().position(|c| c.is_ascii_alphabetic()).unwrap();
            b[i] = if b[i] == b'a' { b'b' } else { b'a' };
            let tampered = dir.file(
                &format!("{id}-body.http"),
                [head.as_bytes(), b"\r\n\r\n", &b].concat(),
            );
            let o = verify(&tampered, true);
            assert_eq!(o.status.code(), Some(1), "{id}: a changed body verified");
        }
        // Where the body is not what is signed, a signed value changed: refused.
        let signed_value = match *id {
            "alibaba-rpc" => Some(("Action=DescribeRegions", "Action=DescribeRegionX")),
            "adyen" => Some(("\"TestMerchant\"", "\"TestMerchanX\"")),
            "jwt" => Some((".eyJpc3Mi", ".eyJpc3Ni")),
            _ => None,
        };
        if let Some((from, to)) = signed_value {
            assert!(text.contains(from), "{id}: {text}");
            let tampered = dir.file(&format!("{id}-value.http"), text.replacen(from, to, 1));
            let o = verify(&tampered, true);
            assert_eq!(o.status.code(), Some(1), "{id}: a changed value verified");
        }
    }
}

#[test]
fn malformed_carriers_get_one_clear_line() {
    let dir = Scratch::new("bad");
    let run = |name: &str, scheme: &str, key: &str, request: &str| {
        let p = dir.file(name, request);
        let o = sigscope(&["verify", "-p", scheme, "--key", key, "--request", &p]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    // A whsec_ secret that is not base64.
    let (code, err) = run(
        "sw.http",
        "standard-webhooks",
        "whsec_not*base64",
        "POST /hook HTTP/1.1\nHost: x\nwebhook-id: m\nwebhook-timestamp: 1614265330\nwebhook-signature: v1,abc\n\n{}",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("sigscope: error: key: (after `whsec_`) is not base64: `*` at character 4"),
        "{err}"
    );
    // A Stripe-Signature without t=.
    let (code, err) = run(
        "stripe.http",
        "stripe",
        "whsec_x",
        "POST /hook HTTP/1.1\nHost: x\nStripe-Signature: v1=abc\n\n{}",
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("header Stripe-Signature: no `t={timestamp}` item among `v1=abc`"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn malformed_authorization_headers_name_the_header() {
    let dir = Scratch::new("authz");
    let cases = [
        (
            "aws-sigv4",
            "AWS4-HMAC-SHA256 Credential=AKID, Signature=abc",
            "header Authorization: `AWS4-HMAC-SHA256 Credential=AKID, Signature=abc` does not read as `AWS4-HMAC-SHA256 Credential={access_key_id}/",
        ),
        (
            "jwt",
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30",
            "header Authorization: `Bearer eyJhbGciOiJIUzI1NiJ9.e30` does not read as `Bearer {header}.{body}.{signature}`",
        ),
        (
            "jwt",
            "Bearer e!J9.e30.abc",
            "header Authorization: the header part is not base64: `!` at character 2",
        ),
    ];
    for (scheme, authz, want) in cases {
        let p = dir.file(
            &format!("{scheme}.http"),
            format!("GET / HTTP/1.1\nHost: x\nAuthorization: {authz}\n\n"),
        );
        let o = sigscope(&["verify", "-p", scheme, "--key", "k", "--request", &p]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{scheme}: {err}");
        assert!(
            err.lines().count() == 1 && err.contains(want),
            "{scheme}: {err}"
        );
    }
}

#[test]
fn derived_signing_keys_are_masked_like_the_key() {
    // AWS's signing key for the suite's credentials and date (k_signing), as hex: computed with
    // Python's hmac over the documented chain.
    let k_signing = "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75";
    let o = sigscope(&["sign", "-p", "aws-sigv4", "--example", "--format", "trace"]);
    let trace = String::from_utf8_lossy(&o.stdout);
    assert!(trace.contains("k_signing · 32 bytes"), "{trace}");
    assert!(!trace.contains("93 81 27 b5"), "k_signing shown: {trace}");
    let o = sigscope(&["sign", "-p", "aws-sigv4", "--example", "--format", "bundle"]);
    let bundle = String::from_utf8_lossy(&o.stdout);
    assert!(!bundle.contains(k_signing) && !bundle.contains(AWS_KEY));
    let v: Value = serde_json::from_str(&bundle).unwrap();
    let masked: Vec<&str> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["key_masked"] == true)
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(masked, ["k_date", "k_region", "k_service", "k_signing"]);
    // A key written as hex of a MAC (Baidu's, Tencent COS's, Akamai's signing key) is masked
    // with the MAC it is written from.
    for (id, want) in [
        ("baidu-bce", ["signing_key_mac", "signing_key"]),
        ("tencent-cos", ["sign_key_mac", "sign_key"]),
        ("akamai-edgegrid", ["signing_key_mac", "signing_key"]),
    ] {
        let o = sigscope(&["sign", "-p", id, "--example", "--format", "bundle"]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let masked: Vec<&str> = v["stages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["key_masked"] == true)
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(masked, want, "{id}");
    }
    // OAuth's token secret is a secret field: masked, and not in a bundle.
    let o = sigscope(&["sign", "-p", "oauth1", "--example", "--format", "bundle"]);
    let bundle = String::from_utf8_lossy(&o.stdout);
    assert!(!bundle.contains("dh893hdasih9"), "{bundle}");
    let o = sigscope(&["sign", "-p", "oauth1", "--example", "--format", "trace"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("dh893hdasih9"));
}

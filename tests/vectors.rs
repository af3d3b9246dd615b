//! Every case of the shared test vectors (`tests/vectors.json`, a copy of
//! `shared/providers/vectors.json`) reproduces byte for byte: the canonical stage, the MAC and the
//! signature. The streamed path must agree with the whole-body path wherever it applies.

mod common;

use common::recipe;

use std::collections::BTreeMap;

use serde::Deserialize;
use sigscope::sign::{self, Inputs, builtin};

#[derive(Deserialize)]
struct Vector {
    id: String,
    scheme: String,
    variants: BTreeMap<String, String>,
    fields: BTreeMap<String, String>,
    key: String,
    body: String,
    canonical: String,
    mac_hex: String,
    signature: String,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("vectors.json")).expect("vectors.json parses")
}

#[test]
fn the_file_is_the_shared_one() {
    // CI runs beside shared/; when it is there, the copy must not have drifted.
    if let Ok(shared) = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/providers/vectors.json"
    )) {
        assert_eq!(
            shared,
            include_str!("vectors.json"),
            "tests/vectors.json differs from shared/providers/vectors.json"
        );
    }
}

#[test]
fn every_vector_reproduces() {
    let all = vectors();
    assert_eq!(all.len(), 31, "the vector file holds 31 cases");
    let mut failures = Vec::new();
    for v in &all {
        let recipe = recipe(&v.scheme);
        let selection = recipe
            .select(v.variants.iter().map(|(k, c)| (k.as_str(), c.as_str())))
            .unwrap_or_else(|e| panic!("{}: {e}", v.id));
        let inputs = Inputs {
            fields: &v.fields,
            key: v.key.as_bytes(),
            body: v.body.as_bytes(),
            headers: b"",
            selection: &selection,
            received: None,
        };
        let trace = match sign::run(&recipe, &inputs) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{}: {e}", v.id));
                continue;
            }
        };
        let canonical = trace.stage("canonical").map(|s| s.bytes.as_slice());
        if canonical != Some(v.canonical.as_bytes()) {
            failures.push(format!(
                "{}: canonical\n  got  {:?}\n  want {:?}",
                v.id,
                canonical.map(String::from_utf8_lossy),
                v.canonical
            ));
        }
        let mac = trace.stage("mac").map(|s| hex::encode(&s.bytes));
        if mac.as_deref() != Some(v.mac_hex.as_str()) {
            failures.push(format!("{}: mac {mac:?}, want {}", v.id, v.mac_hex));
        }
        if trace.signature() != v.signature.as_bytes() {
            failures.push(format!(
                "{}: signature {}, want {}",
                v.id,
                trace.signature_text(),
                v.signature
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn memoized_runs_agree_with_plain_runs() {
    // One memo across every vector in turn, as the TUI keeps one across keystrokes and toggles,
    // then the huawei-authtoken decoding toggled back and forth over the same body.
    let mut memo = sign::Memo::default();
    let mut cases: Vec<(String, BTreeMap<String, String>, String)> = vectors()
        .into_iter()
        .map(|v| (v.id.clone(), v.variants.clone(), v.signature.clone()))
        .collect();
    cases.extend(cases.clone());
    let all = vectors();
    for (id, variants, want) in cases {
        let v = all.iter().find(|v| v.id == id).unwrap();
        let recipe = recipe(&v.scheme);
        let selection = recipe
            .select(variants.iter().map(|(k, c)| (k.as_str(), c.as_str())))
            .unwrap();
        let inputs = Inputs {
            fields: &v.fields,
            key: v.key.as_bytes(),
            body: v.body.as_bytes(),
            headers: b"",
            selection: &selection,
            received: None,
        };
        assert_eq!(
            sign::run_memo(&recipe, &inputs, &mut memo)
                .unwrap()
                .signature_text(),
            want,
            "{id}"
        );
    }
    let recipe = recipe("huawei-authtoken");
    let fields = BTreeMap::new();
    for decode in ["no", "yes", "no"] {
        let selection = recipe.select([("decode_values", decode)]).unwrap();
        let inputs = Inputs {
            fields: &fields,
            key: b"k",
            body: b"a=%41&timeStamp=2%30",
            headers: b"",
            selection: &selection,
            received: None,
        };
        assert_eq!(
            sign::run_memo(&recipe, &inputs, &mut memo).unwrap(),
            sign::run(&recipe, &inputs).unwrap(),
            "decode_values={decode}"
        );
    }
}

#[test]
fn streamed_signatures_match_the_vectors() {
    let mut streamed = 0;
    for v in vectors() {
        let recipe = recipe(&v.scheme);
        let selection = recipe
            .select(v.variants.iter().map(|(k, c)| (k.as_str(), c.as_str())))
            .unwrap();
        let inputs = Inputs {
            fields: &v.fields,
            key: v.key.as_bytes(),
            body: b"",
            headers: b"",
            selection: &selection,
            received: None,
        };
        let Some(mut stream) = sign::stream(&recipe, &inputs).unwrap() else {
            continue;
        };
        // Odd-sized chunks, so that chunk edges fall inside multi-byte characters.
        for chunk in v.body.as_bytes().chunks(7) {
            stream.update(chunk);
        }
        let trace = stream.finish().unwrap();
        assert_eq!(trace.signature_text(), v.signature, "{}", v.id);
        assert_eq!(
            trace.stage("canonical").unwrap().len(),
            v.canonical.len() as u64,
            "{}",
            v.id
        );
        streamed += 1;
    }
    // tpns (4 cases) and moneyhoney (request and response modes) stream; JSON schemes do not.
    assert!(
        streamed >= 8,
        "only {streamed} vectors took the streamed path"
    );
}

#[test]
fn documented_examples_reproduce_their_printed_signature() {
    for r in builtin::all().unwrap() {
        let Some(printed) = &r.example.signature else {
            continue;
        };
        let selection = r
            .select(
                r.example
                    .variants
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            )
            .unwrap();
        // A public-key scheme's printed signature is verified with the example's key (ECDSA
        // and PSS signatures are randomized: the vendor's library made another than ours).
        let received = r.public_key_under(&selection).then_some(printed.as_str());
        let inputs = Inputs {
            fields: &r.example.fields,
            key: r.example.key.as_bytes(),
            body: r.example.body.as_bytes(),
            headers: r.example.headers.as_bytes(),
            selection: &selection,
            received,
        };
        assert_eq!(
            &sign::run(&r, &inputs).unwrap().signature_text(),
            printed,
            "{}",
            r.id
        );
    }
}

#[test]
fn a_default_selection_never_panics() {
    // `Selection::default()` was not made by `Recipe::select`: every scheme must still answer,
    // with a trace or an error, and never panic.
    let selection = sigscope::sign::Selection::default();
    for recipe in builtin::all().unwrap() {
        let ex = &recipe.example;
        let inputs = Inputs {
            fields: &ex.fields,
            key: ex.key.as_bytes(),
            body: ex.body.as_bytes(),
            headers: ex.headers.as_bytes(),
            selection: &selection,
            received: None,
        };
        let _ = sign::run(&recipe, &inputs);
        let _ = sigscope::sign::compare::compare_set(&recipe, b"x", "y");
    }
}

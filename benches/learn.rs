//! Speed of `learn`: the whole search space of a 4 KiB request whose signature nothing gives
//! (the worst case; the target is under 2 s on one core), and learning a few catalog schemes
//! from their vendors' requests (the usual ones in milliseconds).

use std::path::Path;

use sigscope::learn::{self, Limits};
use sigscope::request::import;

fn main() {
    divan::main();
}

fn limits() -> Limits<'static> {
    Limits {
        max_candidates: learn::DEFAULT_MAX_CANDIDATES,
        cancel: None,
        progress: None,
    }
}

/// A 4 KiB request with three timestamp/id/nonce headers, a query, and a signature nothing
/// gives.
#[divan::bench(sample_count = 5)]
fn learn_4kib_not_found(bencher: divan::Bencher) {
    let body = "x".repeat(4096);
    let raw = format!(
        "POST /hooks/acme?tenant=7 HTTP/1.1\r\nHost: api.example.com\r\nX-Acme-Timestamp: 1700000000\r\nX-Acme-Delivery: 0b7c2f4e-1d9a-4e8b-9c3d-5a6f7e8d9c0b\r\nX-Acme-Nonce: 8f14e45f\r\nX-Acme-Signature: sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let req = import::parse(raw.as_bytes(), &mut |_| Ok(Vec::new())).unwrap();
    bencher.bench_local(|| {
        let out = learn::learn(std::slice::from_ref(&req), b"acme-secret", &limits()).unwrap();
        assert!(out.is_err());
    });
}

/// (fixture, key) of vendors' requests: one part, two with a list value, three with a literal,
/// three headers.
const VENDORS: &[(&str, &str)] = &[
    ("webhooks-a/box.http", "SamplePrimaryKey"),
    ("npm-webhooks/zoom.http", "zoom_example_secret_token"),
    ("npm-webhooks/sanity.http", "sanity_example_webhook_secret"),
];

#[divan::bench(args = VENDORS, sample_count = 10)]
fn learn_vendor_request(bencher: divan::Bencher, case: &(&str, &str)) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog");
    let Ok(raw) = std::fs::read(dir.join(case.0)) else {
        eprintln!("skipped: {} is absent", case.0);
        return;
    };
    let req = import::parse(&raw, &mut |_| Ok(Vec::new())).unwrap();
    bencher.bench_local(|| {
        let out = learn::learn(std::slice::from_ref(&req), case.1.as_bytes(), &limits()).unwrap();
        assert!(out.is_ok());
    });
}

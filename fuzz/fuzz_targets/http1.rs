//! The listener's reader: any bytes, arriving in any pieces, give requests or a refusal with its
//! status, never a panic or a hang; what is read is verified against every scheme (recognized),
//! and the same bytes read as a response say what they are.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sigscope::sign::builtin;
use sigscope::wire::http1::{Arriving, Conn, Fail, Limits};
use sigscope::wire::verdict::Judge;

fn judge() -> &'static Judge {
    static J: OnceLock<Judge> = OnceLock::new();
    J.get_or_init(|| {
        let mut j = Judge::new(
            builtin::all().expect("built-ins load"),
            None,
            vec![b"key".to_vec()],
            Default::default(),
            Default::default(),
        );
        // A mismatch is diagnosed, within a budget that keeps the target fast: the explanation's
        // search is the `diagnose` target's part; here its few first candidates cover the path
        // from a request read to a report.
        j.max_candidates = 8;
        j
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, rest)) = data.split_first() else {
        return;
    };
    let size = usize::from(piece).max(1);
    let pieces = || Arriving::new(rest.chunks(size).map(<[u8]>::to_vec));
    let limits = Limits {
        max_head: 4096,
        max_body: 64 * 1024,
        ..Limits::default()
    };
    let mut conn = Conn::new(pieces());
    let mut judged = 0;
    loop {
        match conn.read_request(&limits) {
            Ok(m) => {
                assert!(rest.windows(m.raw.len()).any(|w| w == m.raw.as_slice()));
                // Every request is read; the first two are judged (recognized among all schemes,
                // verified, a mismatch explained). Judging is most of an input's time, and the
                // judge keeps nothing between requests: a third judged here reaches nothing that
                // an input holding it first does not.
                if judged < 2 {
                    judged += 1;
                    let mut v =
                        match sigscope::request::import::parse(&m.raw, &mut |_| Ok(Vec::new())) {
                            Ok(request) => judge().verify(&request, 0),
                            Err(e) => sigscope::wire::verdict::Verdict::unreadable(&e),
                        };
                    judge().explain(&mut v);
                }
            }
            Err(Fail::Closed) => break,
            Err(e) => {
                assert!(e.status().is_some(), "{e}");
                break;
            }
        }
    }
    let mut conn = Conn::new(pieces());
    let _ = conn.read_response(&limits, false);
});

//! The listener's reader: any bytes, arriving in any pieces, give requests or a refusal with its
//! status, never a panic or a hang; what is read is verified against every scheme (recognized),
//! and the same bytes read as a response say what they are.
#![no_main]

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sigscope::sign::builtin;
use sigscope::wire::http1::{Conn, Fail, Limits, Timed};
use sigscope::wire::verdict::Judge;

/// Bytes that arrive in pieces; what is written is dropped.
struct Peer(VecDeque<Vec<u8>>);

impl Read for Peer {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(mut piece) = self.0.pop_front() else {
            return Ok(0);
        };
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        if n < piece.len() {
            self.0.push_front(piece.split_off(n));
        }
        Ok(n)
    }
}

impl Write for Peer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Timed for Peer {
    fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
}

fn judge() -> &'static Judge {
    static J: OnceLock<Judge> = OnceLock::new();
    J.get_or_init(|| {
        let mut j = Judge::new(
            builtin::all().expect("built-ins load"),
            None,
            b"key".to_vec(),
            Default::default(),
            Default::default(),
        );
        // A mismatch is diagnosed, within a budget that keeps the target fast (diagnose has its
        // own target).
        j.max_candidates = 64;
        j
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, rest)) = data.split_first() else {
        return;
    };
    let size = usize::from(piece).max(1);
    let pieces = || Peer(rest.chunks(size).map(<[u8]>::to_vec).collect());
    let limits = Limits {
        max_head: 4096,
        max_body: 64 * 1024,
        ..Limits::default()
    };
    let mut conn = Conn::new(pieces());
    loop {
        match conn.read_request(&limits) {
            Ok(m) => {
                assert!(rest.windows(m.raw.len()).any(|w| w == m.raw.as_slice()));
                let mut v = judge().verify(&m.raw, 0);
                judge().explain(&mut v);
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

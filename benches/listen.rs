//! `listen` throughput: small GitHub webhook deliveries over 50 keep-alive connections on
//! loopback, each answered before the next is sent on its connection; an iteration is 1,000
//! deliveries, and every capture is received (none lost) before it ends. The baseline is the
//! same load against a minimal server that only answers (no parsing past Content-Length, no
//! verification, no capture). Target: 5,000 deliveries a second.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use sigscope::sign::builtin;
use sigscope::wire::listen::{self, Options};
use sigscope::wire::verdict::Judge;

const CONNECTIONS: usize = 50;
const PER_CONNECTION: usize = 20;
const KEY: &[u8] = b"It's a Secret to Everybody";

fn main() {
    divan::main();
}

/// The deliveries of one connection, each a whole request.
fn deliveries(connection: usize) -> Vec<Vec<u8>> {
    (0..PER_CONNECTION)
        .map(|i| {
            let body = format!(
                "{{\"action\":\"opened\",\"number\":{},\"repository\":{{\"full_name\":\"octo/hello\"}}}}",
                connection * PER_CONNECTION + i
            );
            let mut mac = Hmac::<Sha256>::new_from_slice(KEY).unwrap();
            mac.update(body.as_bytes());
            let sig = hex::encode(mac.finalize().into_bytes());
            format!(
                "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: GitHub-Hookshot/1\r\nX-GitHub-Event: pull_request\r\nX-Hub-Signature-256: sha256={sig}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        })
        .collect()
}

/// Reads one answer (Content-Length framing) from a connection.
fn read_answer(s: &mut TcpStream, buf: &mut Vec<u8>) {
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).unwrap();
        assert!(n > 0, "the server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if buf.len() >= end + 4 + len {
                assert!(buf.starts_with(b"HTTP/1.1 200"));
                return;
            }
        }
    }
}

/// Sends every connection's deliveries, one at a time on each, all connections at once.
fn load(conns: &mut [TcpStream], requests: &[Vec<Vec<u8>>]) {
    std::thread::scope(|scope| {
        for (conn, reqs) in conns.iter_mut().zip(requests) {
            scope.spawn(move || {
                let mut buf = Vec::new();
                for r in reqs {
                    conn.write_all(r).unwrap();
                    read_answer(conn, &mut buf);
                }
            });
        }
    });
}

fn connect(addr: SocketAddr) -> Vec<TcpStream> {
    (0..CONNECTIONS)
        .map(|_| {
            let s = TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            s
        })
        .collect()
}

#[divan::bench(sample_count = 20)]
fn listen_1000_webhooks_50_connections(bencher: divan::Bencher) {
    listen_1000(bencher, true);
}

/// As above without `-p`: each delivery is recognized among all the built-in schemes first.
#[divan::bench(sample_count = 20)]
fn listen_1000_webhooks_50_connections_recognized(bencher: divan::Bencher) {
    listen_1000(bencher, false);
}

fn listen_1000(bencher: divan::Bencher, fixed: bool) {
    let recipes = builtin::all().unwrap();
    let github = recipes.iter().position(|r| r.id == "github").unwrap();
    let judge = Judge::new(
        recipes,
        fixed.then_some(github),
        vec![KEY.to_vec()],
        Default::default(),
        Default::default(),
    );
    let listener = listen::start(Options::default(), Arc::new(judge)).unwrap();
    let mut conns = connect(listener.addr);
    let requests: Vec<_> = (0..CONNECTIONS).map(deliveries).collect();
    bencher
        .counter(divan::counter::ItemsCount::new(
            CONNECTIONS * PER_CONNECTION,
        ))
        .bench_local(|| {
            load(&mut conns, &requests);
            // Every delivery captured, verified and matched.
            for _ in 0..CONNECTIONS * PER_CONNECTION {
                let c = listener.captures.recv().unwrap();
                assert!(c.verdict.unwrap().matched());
            }
        });
}

/// The baseline: a server that reads each request's head and Content-Length bytes and answers.
#[divan::bench(sample_count = 20)]
fn baseline_minimal_server_1000_requests_50_connections(bencher: divan::Bencher) {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in server.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let _ = s.set_nodelay(true);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let end = loop {
                        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break end;
                        }
                        match s.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse().unwrap_or(0));
                    while buf.len() < end + 4 + len {
                        match s.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..end + 4 + len);
                    if s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    let mut conns = connect(addr);
    let requests: Vec<_> = (0..CONNECTIONS).map(deliveries).collect();
    bencher
        .counter(divan::counter::ItemsCount::new(
            CONNECTIONS * PER_CONNECTION,
        ))
        .bench_local(|| load(&mut conns, &requests));
}

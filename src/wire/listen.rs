//! `sigscope listen`: a local receiver. Each connection has its own thread (a debugging receiver
//! sees tens of connections, not tens of thousands, and a thread keeps the reading code plain);
//! each request is captured as it arrived, verified, answered, explained and reported on a
//! channel, newest last.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::client::{self, Target, Tls};
use super::http1::{self, Conn, Fail, Limits};
use super::verdict::{Judge, Outcome, Verdict};
use crate::request::import;

/// The port a listener takes when none is given.
pub const DEFAULT_PORT: u16 = 8787;

/// What the sender gets back. Unless `VerdictDetail` is asked for, the answer's text depends
/// only on the outcome's kind (match, mismatch, unsigned, unverifiable), never on where or how
/// a wrong signature differs: a sender who could read that could forge a signature a character
/// at a time. The position and the explanation go to listen's own output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Respond {
    /// Always this status.
    Status(u16),
    /// 200 when the signature matches, 401 when not.
    Verdict,
    /// As `Verdict`, and the text says where the signatures differ and what diagnose found: a
    /// forgery oracle for anyone who can reach the listener, for debugging a sender you own.
    VerdictDetail,
}

impl Respond {
    /// The status the sender gets for this verdict.
    pub fn status(self, verdict: &Verdict) -> u16 {
        match self {
            Respond::Status(s) => s,
            Respond::Verdict | Respond::VerdictDetail if verdict.matched() => 200,
            Respond::Verdict | Respond::VerdictDetail => 401,
        }
    }

    /// The answer's text: a fixed line per outcome, or with `VerdictDetail` the message and
    /// diagnose's finding.
    pub fn text(self, verdict: &Verdict) -> String {
        let mark = verdict.outcome.mark();
        if self == Respond::VerdictDetail {
            return match &verdict.explanation {
                Some(e) => format!("sigscope: {mark} {}: {e}\n", verdict.message),
                None => format!("sigscope: {mark} {}\n", verdict.message),
            };
        }
        let fixed = match verdict.outcome {
            Outcome::Match => "the signature matches",
            Outcome::Mismatch => "the signature does not match",
            Outcome::Unsigned => "no signature found",
            Outcome::Error => "the request could not be verified",
        };
        format!("sigscope: {mark} {fixed}\n")
    }
}

impl std::str::FromStr for Respond {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "verdict" => return Ok(Respond::Verdict),
            "verdict-detail" => return Ok(Respond::VerdictDetail),
            _ => {}
        }
        match s.parse::<u16>() {
            Ok(n) if (200..600).contains(&n) => Ok(Respond::Status(n)),
            _ => Err(format!(
                "`{s}` is not a status from 200 to 599, nor `verdict` (200 on a match, 401 otherwise) or `verdict-detail`"
            )),
        }
    }
}

/// How the listener runs.
#[derive(Clone)]
pub struct Options {
    pub bind: SocketAddr,
    pub limits: Limits,
    pub respond: Respond,
    /// Pass each request on to this app and answer with its answer.
    pub forward: Option<Target>,
    pub tls: Option<Tls>,
    /// Write each request to this folder as a raw HTTP file.
    pub save: Option<PathBuf>,
    /// Connections at once; one more gets 503.
    pub max_connections: usize,
    /// The most a forward may take, from connecting to the app's last byte (502 past it).
    pub forward_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            limits: Limits::default(),
            respond: Respond::Status(200),
            forward: None,
            tls: None,
            save: None,
            max_connections: 512,
            forward_timeout: Duration::from_secs(30),
        }
    }
}

/// One request as received, and what became of it.
#[derive(Debug, Clone)]
pub struct Capture {
    /// 1, 2, 3 … in the order requests were read.
    pub seq: u64,
    /// When its head was read, in Unix milliseconds.
    pub millis: i64,
    pub peer: SocketAddr,
    /// The request's bytes as they came over the wire (for a refused request, as much as was
    /// read of its head).
    pub raw: Vec<u8>,
    pub method: String,
    /// The request target as on the request line.
    pub target: String,
    pub chunked: bool,
    /// The body's length, de-chunked.
    pub body_len: usize,
    /// Why the request was refused (400, 408, 413, 431 …), when it was.
    pub problem: Option<String>,
    /// The status the sender got.
    pub status: u16,
    /// The forward's outcome: the app's status, or why it failed.
    pub forwarded: Option<Result<u16, String>>,
    /// Where the request was saved, or why it was not.
    pub saved: Option<Result<PathBuf, String>>,
    /// None for a refused request.
    pub verdict: Option<Verdict>,
    /// Its share of the queue's bytes, given back when the capture (and every clone) is
    /// dropped, or released.
    ticket: Option<Arc<Ticket>>,
}

/// The most bytes of captures queued for the output: past it a connection waits before it
/// queues another (its sender waits for the next answer, as TCP makes it) and no new
/// connection is accepted, so that a reader that stops reading bounds listen's memory.
pub const MAX_QUEUED_BYTES: usize = 64 << 20;

/// The bytes of captures queued and not yet consumed.
#[derive(Debug, Default)]
struct Budget {
    used: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Budget {
    /// Waits until `bytes` fit (a capture larger than the whole budget passes when the queue is
    /// empty), then takes them.
    fn take(self: &Arc<Self>, bytes: usize) -> Ticket {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used > 0 && *used + bytes > MAX_QUEUED_BYTES {
            used = self.freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += bytes;
        Ticket {
            budget: self.clone(),
            bytes,
        }
    }

    fn full(&self) -> bool {
        *self.used.lock().unwrap_or_else(|p| p.into_inner()) >= MAX_QUEUED_BYTES
    }
}

/// A capture's share of the budget.
#[derive(Debug)]
struct Ticket {
    budget: Arc<Budget>,
    bytes: usize,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(self.bytes);
        self.budget.freed.notify_all();
    }
}

impl Capture {
    /// Gives its bytes back to the queue now (a consumer that keeps the capture, as the TUI's
    /// list does, has taken it off the queue).
    pub fn release(&mut self) {
        self.ticket = None;
    }

    /// A one-line summary: time, method, target, scheme, ✓/✗ and the sentence.
    pub fn line(&self) -> String {
        let time = clock_time(self.millis);
        let target = crate::sign::visible::printable(&self.target).into_owned();
        match (&self.verdict, &self.problem) {
            (_, Some(problem)) => format!(
                "{time} {} {target} {} {problem}",
                if self.method.is_empty() {
                    "-"
                } else {
                    &self.method
                },
                self.status
            ),
            (Some(v), None) => {
                let mut s = format!(
                    "{time} {} {target} {} {} {}",
                    self.method,
                    v.scheme.as_deref().unwrap_or("-"),
                    v.outcome.mark(),
                    v.sentence()
                );
                if self.chunked {
                    s.push_str(" · the body came chunked (de-chunked)");
                }
                if let Some(f) = &self.forwarded {
                    match f {
                        Ok(status) => s.push_str(&format!(" · forwarded: {status}")),
                        Err(e) => s.push_str(&format!(" · forward failed: {e}")),
                    }
                }
                if let Some(Err(e)) = &self.saved {
                    s.push_str(&format!(" · not saved: {e}"));
                }
                s
            }
            (None, None) => format!("{time} {} {target}", self.method),
        }
    }

    /// The capture as one JSON object (`listen --format json`).
    pub fn json(&self) -> serde_json::Value {
        let v = self.verdict.as_ref();
        serde_json::json!({
            "seq": self.seq,
            "time": rfc3339(self.millis),
            "peer": self.peer.to_string(),
            "method": self.method,
            "target": self.target,
            "chunked": self.chunked,
            "body_bytes": self.body_len,
            "status": self.status,
            "problem": self.problem,
            "scheme": v.and_then(|v| v.scheme.clone()),
            "match": v.is_some_and(Verdict::matched),
            "outcome": v.map(|v| format!("{:?}", v.outcome).to_lowercase()),
            "signature": {
                "received": v.and_then(|v| v.received.clone()),
                "computed": v.and_then(|v| v.computed.clone()),
            },
            "message": v.map(|v| v.message.clone()),
            "explanation": v.and_then(|v| v.explanation.clone()),
            "explained": v.is_some_and(|v| v.explained),
            "notes": v.map(|v| v.notes.clone()).unwrap_or_default(),
            "forwarded": self.forwarded.as_ref().map(|f| match f {
                Ok(s) => serde_json::json!({"status": s}),
                Err(e) => serde_json::json!({"error": e}),
            }),
            "saved": self.saved.as_ref().map(|s| match s {
                Ok(p) => serde_json::json!(p.display().to_string()),
                Err(e) => serde_json::json!({"error": e}),
            }),
        })
    }
}

/// `HH:MM:SS.mmm` (UTC) of Unix milliseconds.
pub fn clock_time(millis: i64) -> String {
    let ms = millis.rem_euclid(86_400_000);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// RFC 3339 UTC time of Unix milliseconds.
pub fn rfc3339(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let (y, m, d) = crate::sign::time::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{}Z", clock_time(millis))
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A running listener.
pub struct Listener {
    pub addr: SocketAddr,
    /// Captures, in the order they were finished.
    pub captures: mpsc::Receiver<Capture>,
    stop: Arc<AtomicBool>,
    shared: Arc<Shared>,
}

impl Listener {
    /// Stops: no new connection is accepted, every connection is told (one waiting for its
    /// next request is closed at once; one serving a request closes after it). Returns at once;
    /// [`Listener::wait_closed`] waits for the connections to end.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.shared.stopping.store(true, Ordering::SeqCst);
        // The shutdown signal every connection watches: those blocked reading their next
        // request wake up closed.
        self.shared.close_waiting();
        // Wake the accepting thread.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.shared.open.load(Ordering::SeqCst)
    }

    /// Waits until every connection has ended, at most `timeout`; whether they all have.
    pub fn wait_closed(&self, timeout: Duration) -> bool {
        let by = std::time::Instant::now() + timeout;
        let (lock, ended) = &self.shared.ended;
        let mut guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        while self.shared.open.load(Ordering::SeqCst) > 0 {
            let left = by.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            guard = ended
                .wait_timeout(guard, left.min(Duration::from_millis(50)))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }
}

impl Listener {
    /// Requests read whole whose line is not queued yet (a stop waits for them).
    pub fn in_flight(&self) -> usize {
        self.shared.busy.load(Ordering::SeqCst)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Shared {
    options: Options,
    judge: Arc<Judge>,
    seq: AtomicU64,
    open: AtomicUsize,
    out: mpsc::Sender<Capture>,
    /// Set on a stop: each connection closes after the request it is serving.
    stopping: AtomicBool,
    /// Requests read whole whose line is not queued yet.
    busy: AtomicUsize,
    budget: Arc<Budget>,
    /// Each open connection: a handle to close it, and since when it has been waiting for a
    /// request (None while it serves one).
    slots: std::sync::Mutex<std::collections::HashMap<u64, Slot>>,
    next_slot: AtomicU64,
    /// Signalled each time a connection ends (a stop waits on it).
    ended: (std::sync::Mutex<()>, std::sync::Condvar),
}

/// A connection's slot, held while it is open and given back when dropped: a connection that
/// ends any way (a panic in its thread included) frees its slot.
struct Permit {
    shared: Arc<Shared>,
    id: u64,
}

impl Permit {
    fn new(shared: &Arc<Shared>, stream: &TcpStream) -> Permit {
        let id = shared.next_slot.fetch_add(1, Ordering::SeqCst);
        shared.open.fetch_add(1, Ordering::SeqCst);
        if let Ok(handle) = stream.try_clone() {
            shared
                .slots
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(
                    id,
                    Slot {
                        stream: handle,
                        waiting_since: Some(std::time::Instant::now()),
                    },
                );
        }
        Permit {
            shared: shared.clone(),
            id,
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.shared
            .slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
        self.shared.open.fetch_sub(1, Ordering::SeqCst);
        let (lock, ended) = &self.shared.ended;
        let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        ended.notify_all();
    }
}

/// An open connection as the accept loop sees it.
struct Slot {
    stream: TcpStream,
    waiting_since: Option<std::time::Instant>,
}

impl Shared {
    /// Under slot pressure, closes the connection that has waited longest for a request (a
    /// silent socket, a head trickled a byte at a time) so that a newcomer is served; false
    /// when every connection is serving a request.
    fn evict_idlest(&self) -> bool {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let idlest = slots
            .values()
            .filter_map(|s| s.waiting_since.map(|t| (t, &s.stream)))
            .min_by_key(|(t, _)| *t);
        match idlest {
            Some((_, stream)) => {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                true
            }
            None => false,
        }
    }

    /// Closes every connection waiting for its next request (a stop).
    fn close_waiting(&self) {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        for s in slots.values().filter(|s| s.waiting_since.is_some()) {
            let _ = s.stream.shutdown(std::net::Shutdown::Both);
        }
    }

    fn set_waiting(&self, id: u64, waiting: bool) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = slots.get_mut(&id) {
            s.waiting_since = waiting.then(std::time::Instant::now);
        }
    }
}

/// Counts a request in flight while it lives.
struct Busy<'a>(&'a AtomicUsize);

impl<'a> Busy<'a> {
    fn new(count: &'a AtomicUsize) -> Busy<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Busy(count)
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Binds and starts accepting. The captures arrive on [`Listener::captures`].
pub fn start(options: Options, judge: Arc<Judge>) -> std::io::Result<Listener> {
    if let Some(dir) = &options.save {
        std::fs::create_dir_all(dir)?;
    }
    let socket = TcpListener::bind(options.bind)?;
    let addr = socket.local_addr()?;
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let shared = Arc::new(Shared {
        options,
        judge,
        seq: AtomicU64::new(0),
        open: AtomicUsize::new(0),
        out: tx,
        stopping: AtomicBool::new(false),
        busy: AtomicUsize::new(0),
        budget: Arc::new(Budget::default()),
        slots: std::sync::Mutex::new(std::collections::HashMap::new()),
        next_slot: AtomicU64::new(0),
        ended: (std::sync::Mutex::new(()), std::sync::Condvar::new()),
    });
    let stopping = stop.clone();
    let accepting = shared.clone();
    std::thread::Builder::new()
        .name("listen-accept".into())
        .spawn(move || {
            for stream in socket.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                // The output is behind: hold this connection until the queue has room, and
                // accept no other meanwhile (senders wait in the kernel's backlog).
                while shared.budget.full() && !stopping.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                let Ok(mut stream) = stream else {
                    // Out of descriptors, say: wait a moment rather than spin.
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let peer = stream
                    .peer_addr()
                    .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
                // Every slot taken: the connection that has waited longest for a request makes
                // room (a slowloris holds slots by waiting); only when every connection is
                // serving a request does the newcomer get 503.
                if shared.open.load(Ordering::SeqCst) >= shared.options.max_connections
                    && !shared.evict_idlest()
                {
                    let _ = stream.write_all(&http1::answer(
                        503,
                        "sigscope: too many connections at once\n",
                        true,
                    ));
                    continue;
                }
                // The permit counts the connection from now on and frees its slot however the
                // connection ends (a thread that cannot start, a panic).
                let permit = Permit::new(&shared, &stream);
                let spawned = std::thread::Builder::new()
                    .name("listen-conn".into())
                    .spawn(move || {
                        let shared = permit.shared.clone();
                        serve_slot(stream, peer, &shared, permit.id);
                        drop(permit);
                    });
                if spawned.is_err() {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        })?;
    Ok(Listener {
        addr,
        captures: rx,
        stop,
        shared: accepting,
    })
}

/// One connection: requests until it closes, idles out, a request is refused or the
/// listener stops.
fn serve_slot(stream: TcpStream, peer: SocketAddr, shared: &Shared, id: u64) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(shared.options.limits.idle_timeout));
    let mut conn = Conn::new(stream);
    loop {
        // Stopping: a kept-alive connection closes after the request it served.
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        shared.set_waiting(id, true);
        let read = conn.read_request(&shared.options.limits);
        shared.set_waiting(id, false);
        match read {
            Ok(msg) => {
                // A request read whole is in flight until its line is queued.
                let _busy = Busy::new(&shared.busy);
                let millis = now_millis();
                let seq = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
                // Bytes off the wire name no files: a curl line's `@file` reads as empty.
                let mut verdict = match import::parse(&msg.raw, &mut |_| Ok(Vec::new())) {
                    Ok(request) => shared.judge.verify(&request, millis),
                    Err(e) => Verdict::unreadable(&e),
                };
                let detail = shared.options.respond == Respond::VerdictDetail;
                if detail && shared.options.forward.is_none() {
                    // Asked for: the sender hears what diagnose found, so it runs first.
                    shared.judge.explain(&mut verdict);
                }
                let keep = msg.head.keep_alive();
                let [method, target, _] = msg.head.start.clone();
                let (response, status, forwarded, close) = match &shared.options.forward {
                    Some(app) => forward(app, &msg, shared, keep),
                    None => {
                        let status = shared.options.respond.status(&verdict);
                        let text = shared.options.respond.text(&verdict);
                        let mut answer = http1::answer(status, &text, !keep);
                        if method == "HEAD" {
                            // The head alone: a HEAD is answered without a body.
                            let end = answer.windows(4).position(|w| w == b"\r\n\r\n");
                            answer.truncate(end.map_or(answer.len(), |e| e + 4));
                        }
                        (answer, status, None, !keep)
                    }
                };
                let written = conn
                    .stream
                    .write_all(&response)
                    .and_then(|()| conn.stream.flush());
                // Answered: from here the connection waits for its next request (it may make
                // room for a newcomer while its capture is explained and queued).
                if written.is_ok() && !close {
                    shared.set_waiting(id, true);
                }
                shared.judge.explain(&mut verdict);
                let saved = shared
                    .options
                    .save
                    .as_ref()
                    .map(|dir| save(dir, seq, &method, millis, &msg.raw));
                let ticket = Some(Arc::new(shared.budget.take(msg.raw.len() + 512)));
                let _ = shared.out.send(Capture {
                    ticket,
                    seq,
                    millis,
                    peer,
                    raw: msg.raw,
                    method,
                    target,
                    chunked: msg.chunked,
                    body_len: msg.body.len(),
                    problem: None,
                    status,
                    forwarded,
                    saved,
                    verdict: Some(verdict),
                });
                if written.is_err() || close {
                    return;
                }
            }
            Err(Fail::Closed) | Err(Fail::Io(_)) => return,
            Err(fail) => {
                let status = fail.status().unwrap_or(400);
                let (method, target, raw) = match &fail {
                    Fail::BodyTooLarge { head: Some(h), .. } => {
                        (h.0.start[0].clone(), h.0.start[1].clone(), h.1.clone())
                    }
                    _ => (String::new(), String::new(), Vec::new()),
                };
                let text = format!("sigscope: {fail}\n");
                let _ = conn.stream.write_all(&http1::answer(status, &text, true));
                let _ = conn.stream.flush();
                let seq = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
                let ticket = Some(Arc::new(shared.budget.take(raw.len() + 512)));
                let _ = shared.out.send(Capture {
                    ticket,
                    seq,
                    millis: now_millis(),
                    peer,
                    raw,
                    method,
                    target,
                    chunked: false,
                    body_len: 0,
                    problem: Some(fail.to_string()),
                    status,
                    forwarded: None,
                    saved: None,
                    verdict: None,
                });
                linger(conn.stream);
                return;
            }
        }
    }
}

/// After refusing a request whose bytes are still coming, reads a little of them before
/// closing, so that the sender's stack does not reset the connection before the answer is read.
fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 16 * 1024];
    let mut left = 4 * 1024 * 1024usize;
    while let Ok(n) = stream.read(&mut sink) {
        if n == 0 || n >= left {
            break;
        }
        left -= n;
    }
}

/// Passes a request to the app: the same bytes, the request target under the app URL's path.
/// Returns the answer to relay, its status, the forward's outcome and whether to close after.
fn forward(
    app: &Target,
    msg: &http1::Message,
    shared: &Shared,
    keep: bool,
) -> (Vec<u8>, u16, Option<Result<u16, String>>, bool) {
    let line_end = msg
        .raw
        .windows(2)
        .position(|w| w == b"\r\n")
        .or_else(|| msg.raw.iter().position(|&b| b == b'\n'))
        .unwrap_or(0);
    let [method, target, version] = &msg.head.start;
    let prefix = app.path.trim_end_matches('/');
    let target = if target.starts_with('/') {
        format!("{prefix}{target}")
    } else {
        target.clone()
    };
    let mut bytes = format!("{method} {target} {version}").into_bytes();
    bytes.extend_from_slice(&msg.raw[line_end..]);
    match client::exchange_within(
        app,
        &bytes,
        shared.options.tls.as_ref(),
        &shared.options.limits,
        method == "HEAD",
        shared.options.forward_timeout,
    ) {
        Ok(x) => {
            let until_close = x.response.head.values("Content-Length").next().is_none()
                && !x.response.chunked
                && !x.response.body.is_empty();
            let close = !keep || !x.response.head.keep_alive() || until_close;
            (x.response.raw, x.status, Some(Ok(x.status)), close)
        }
        Err(e) => {
            let text = format!("sigscope: the forward to {} failed: {e}\n", app.origin());
            (http1::answer(502, &text, !keep), 502, Some(Err(e)), !keep)
        }
    }
}

/// Writes a capture as `NNNNNN-METHOD.http` in `dir`, exactly as it arrived.
fn save(
    dir: &std::path::Path,
    seq: u64,
    method: &str,
    millis: i64,
    raw: &[u8],
) -> Result<PathBuf, String> {
    let method: String = method
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(16)
        .collect();
    let path = dir.join(format!("{seq:06}-{millis}-{method}.http"));
    // Written beside and renamed: a full disk or a crash never leaves a partial capture.
    let partial = dir.join(format!(".{seq:06}-{millis}-{method}.http.partial"));
    let reason = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::StorageFull => "the disk is full".to_string(),
        _ => e.to_string(),
    };
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .and_then(|mut file| file.write_all(raw))
        .and_then(|()| std::fs::rename(&partial, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(format!("{}: not saved: {}", path.display(), reason(e)));
    }
    Ok(path)
}

#[cfg(test)]
mod stop_tests {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::time::Duration;

    use super::{Options, start};
    use crate::wire::verdict::Judge;

    fn listener() -> super::Listener {
        let recipes = crate::sign::builtin::all().expect("built-ins load");
        let github = recipes.iter().position(|r| r.id == "github");
        let judge = Judge::new(
            recipes,
            github,
            vec![b"k".to_vec()],
            Default::default(),
            Default::default(),
        );
        start(Options::default(), Arc::new(judge)).expect("binds loopback")
    }

    #[test]
    fn a_stop_tells_idle_connections_and_waits_for_them_to_end() {
        let l = listener();
        // Two kept-alive connections: one idle after a request, one that never sent one.
        let mut served = std::net::TcpStream::connect(l.addr).unwrap();
        served
            .write_all(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            .unwrap();
        let mut buf = [0u8; 512];
        let n = served.read(&mut buf).unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        let silent = std::net::TcpStream::connect(l.addr).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while l.open() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(l.open(), 2);
        l.stop();
        assert!(
            l.wait_closed(Duration::from_secs(5)),
            "{} still open",
            l.open()
        );
        assert_eq!(l.open(), 0);
        // Both sockets were closed by the listener (end of stream), not left to idle out.
        served
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        assert_eq!(served.read(&mut buf).unwrap_or(0), 0);
        drop(silent);
        // Nothing new is accepted.
        let late = std::net::TcpStream::connect_timeout(&l.addr, Duration::from_millis(300));
        if let Ok(mut s) = late {
            s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assert_eq!(s.read(&mut buf).unwrap_or(0), 0);
        }
    }
}

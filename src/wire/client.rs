//! The client end: a request's exact bytes written to a server (plain TCP, or TLS with rustls
//! and the system's roots), and its answer read back. The bytes are ours to the last one: HTTP
//! clients such as ureq and reqwest rewrite header names in lower or title case, and a request
//! sigscope shows must be the request it sends.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::http1::{Conn, Limits, Message, Timed};

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// The path and query (`/` when the URL has none).
    pub path: String,
}

impl Target {
    /// Reads an `http://` or `https://` URL.
    pub fn parse(url: &str) -> Result<Target, String> {
        let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(format!("`{url}` is not an http:// or https:// URL"));
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let mut path = rest[end..].split('#').next().unwrap_or("").to_string();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        if authority.contains('@') {
            return Err(format!(
                "`{url}`: credentials in a URL are not sent; put them in a header"
            ));
        }
        let (host, port) = match authority.strip_prefix('[') {
            // [::1]:8080
            Some(v6) => {
                let close = v6
                    .find(']')
                    .ok_or_else(|| format!("`{url}`: an IPv6 address without its `]`"))?;
                let port = v6[close + 1..].strip_prefix(':');
                (v6[..close].to_string(), port)
            }
            None => match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            },
        };
        if host.is_empty() {
            return Err(format!("`{url}` has no host"));
        }
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| format!("`{url}`: the port `{p}` is not a number from 0 to 65535"))?,
            None if tls => 443,
            None => 80,
        };
        Ok(Target {
            tls,
            host,
            port,
            path,
        })
    }

    /// The URL again, without its path.
    pub fn origin(&self) -> String {
        let default = if self.tls { 443 } else { 80 };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let scheme = if self.tls { "https" } else { "http" };
        if self.port == default {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }
}

/// TLS settings: the system's roots, and any the user adds (`--cacert`).
#[derive(Clone)]
pub struct Tls(Arc<rustls::ClientConfig>);

impl Tls {
    /// The system's root certificates, with the PEM certificates of `extra` added.
    pub fn new(extra: Option<&Path>) -> Result<Tls, String> {
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            // A system certificate rustls cannot read is skipped, as browsers do.
            let _ = roots.add(cert);
        }
        if let Some(path) = extra {
            use rustls::pki_types::pem::PemObject;
            let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("--cacert {}: {e}", path.display()))?
                .collect::<Result<_, _>>()
                .map_err(|e| format!("--cacert {}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "--cacert {}: no PEM certificate in it",
                    path.display()
                ));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("--cacert {}: {e}", path.display()))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Tls(Arc::new(config)))
    }
}

/// Stops an exchange under way from another thread: its socket is shut down, so that a read
/// or a write waiting on it returns at once.
#[derive(Default)]
pub struct Canceller {
    stopped: std::sync::atomic::AtomicBool,
    socket: std::sync::Mutex<Option<TcpStream>>,
}

impl Canceller {
    pub fn cancel(&self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Ok(guard) = self.socket.lock()
            && let Some(s) = guard.as_ref()
        {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    fn cancelled(&self) -> bool {
        self.stopped.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn hold(&self, socket: &TcpStream) {
        if let (Ok(mut guard), Ok(clone)) = (self.socket.lock(), socket.try_clone()) {
            *guard = Some(clone);
        }
    }
}

/// A request sent and its answer, with the times each part took.
#[derive(Debug)]
pub struct Exchange {
    pub response: Message,
    pub status: u16,
    /// Name lookup and TCP (and TLS) connection.
    pub connect: Duration,
    /// From the request written to the answer's first byte and its whole head.
    pub wait: Duration,
    pub total: Duration,
}

/// Sends `request` (its exact bytes) to `target` on a new connection and reads the answer.
/// `head_request`: no body follows the answer's head.
pub fn exchange(
    target: &Target,
    request: &[u8],
    tls: Option<&Tls>,
    limits: &Limits,
    head_request: bool,
) -> Result<Exchange, String> {
    exchange_cancellable(
        target,
        request,
        tls,
        limits,
        head_request,
        &Canceller::default(),
    )
}

/// As [`exchange`], ended after `total` whatever the server does (a server that trickles a byte
/// a second never trips the idle timeout): one watchdog thread cancels every exchange past its
/// deadline.
pub fn exchange_within(
    target: &Target,
    request: &[u8],
    tls: Option<&Tls>,
    limits: &Limits,
    head_request: bool,
    total: Duration,
) -> Result<Exchange, String> {
    let cancel = std::sync::Arc::new(Canceller::default());
    let id = watchdog().watch(Instant::now() + total, cancel.clone());
    let result = exchange_cancellable(target, request, tls, limits, head_request, &cancel);
    watchdog().forget(id);
    result.map_err(|e| {
        if cancel.cancelled() {
            format!(
                "{} did not answer within {} s",
                target.origin(),
                total.as_secs_f64()
            )
        } else {
            e
        }
    })
}

/// An exchange watched: its id, its deadline and what cancels it.
type Watched = (u64, Instant, std::sync::Arc<Canceller>);

/// Exchanges with a deadline, and the thread that cancels them (started once, when first needed).
struct Watchdog {
    /// The last id given, and the exchanges watched.
    watched: std::sync::Mutex<(u64, Vec<Watched>)>,
}

impl Watchdog {
    fn watch(&self, deadline: Instant, cancel: std::sync::Arc<Canceller>) -> u64 {
        let mut w = self.watched.lock().unwrap_or_else(|p| p.into_inner());
        w.0 += 1;
        let id = w.0;
        w.1.push((id, deadline, cancel));
        id
    }

    fn forget(&self, id: u64) {
        let mut w = self.watched.lock().unwrap_or_else(|p| p.into_inner());
        w.1.retain(|(i, _, _)| *i != id);
    }
}

fn watchdog() -> &'static Watchdog {
    static W: std::sync::OnceLock<&'static Watchdog> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let w: &'static Watchdog = Box::leak(Box::new(Watchdog {
            watched: std::sync::Mutex::new((0, Vec::new())),
        }));
        let _ = std::thread::Builder::new()
            .name("exchange-deadlines".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    let now = Instant::now();
                    let mut guard = w.watched.lock().unwrap_or_else(|p| p.into_inner());
                    guard.1.retain(|(_, deadline, cancel)| {
                        let due = *deadline <= now;
                        if due {
                            cancel.cancel();
                        }
                        !due
                    });
                }
            });
        w
    })
}

/// As [`exchange`]; `cancel` stops it from another thread.
pub fn exchange_cancellable(
    target: &Target,
    request: &[u8],
    tls: Option<&Tls>,
    limits: &Limits,
    head_request: bool,
    cancel: &Canceller,
) -> Result<Exchange, String> {
    let started = Instant::now();
    let addrs: Vec<_> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| format!("{}: the name does not resolve: {e}", target.host))?
        .collect();
    let mut last = format!("{}: no address", target.host);
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, limits.header_timeout) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = format!("{}: cannot connect to {addr}: {e}", target.origin()),
        }
    }
    let tcp = tcp.ok_or(last)?;
    cancel.hold(&tcp);
    if cancel.cancelled() {
        return Err("cancelled".to_string());
    }
    let _ = tcp.set_nodelay(true);
    tcp.set_write_timeout(Some(limits.idle_timeout))
        .map_err(|e| e.to_string())?;
    let mut stream: Box<dyn Timed + Send> = if target.tls {
        let tls = match tls {
            Some(t) => t.clone(),
            None => Tls::new(None)?,
        };
        let name = rustls::pki_types::ServerName::try_from(target.host.clone())
            .map_err(|e| format!("{}: not a TLS server name: {e}", target.host))?;
        let conn =
            rustls::ClientConnection::new(tls.0.clone(), name).map_err(|e| format!("TLS: {e}"))?;
        let mut s = rustls::StreamOwned::new(conn, tcp);
        // The handshake now, so that its failure is named as such.
        s.sock
            .set_read_timeout(Some(limits.header_timeout))
            .map_err(|e| e.to_string())?;
        while s.conn.is_handshaking() {
            s.conn
                .complete_io(&mut s.sock)
                .map_err(|e| format!("TLS with {}: {e}", target.origin()))?;
        }
        Box::new(s)
    } else {
        Box::new(tcp)
    };
    let connect = started.elapsed();
    stream
        .write_all(request)
        .and_then(|()| stream.flush())
        .map_err(|e| format!("sending to {}: {e}", target.origin()))?;
    let sent = Instant::now();
    let mut conn = Conn::new(stream);
    let response = conn.read_response(limits, head_request).map_err(|e| {
        if cancel.cancelled() {
            "cancelled".to_string()
        } else {
            format!("the answer from {}: {e}", target.origin())
        }
    })?;
    let wait = sent.elapsed();
    let status = response.head.start[1].parse().unwrap_or(0);
    Ok(Exchange {
        response,
        status,
        connect,
        wait,
        total: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = Target::parse("http://127.0.0.1:3000").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str()),
            (false, "127.0.0.1", 3000, "/")
        );
        let t = Target::parse("https://api.example.com/v1/x?a=1#frag").unwrap();
        assert_eq!((t.tls, t.port, t.path.as_str()), (true, 443, "/v1/x?a=1"));
        let t = Target::parse("http://[::1]:8080/h").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.origin()),
            ("::1", 8080, "http://[::1]:8080".to_string())
        );
        assert!(Target::parse("ftp://x").is_err());
        assert!(Target::parse("http://x:99999/").is_err());
        assert!(Target::parse("http://u:p@x/").is_err());
    }
}

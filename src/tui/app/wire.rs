//! The TUI's two ends of the wire: the received-requests list (a listener's captures, newest
//! first; Enter opens one in the main screen) and the answer to a request sent (F12), shown
//! beside the stages. The sockets are the runtime's: it starts them on an [`Effect`]; what they
//! bring comes back as messages ([`super::Msg::Captured`], [`super::Msg::Answered`]).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;

use ratatui::style::{Modifier, Style};

use super::{App, CancelSend, Effect, text_area};
use crate::wire::client::{Canceller, Exchange, Target};
use crate::wire::listen::{Capture, Listener};
use crate::wire::show;
use crate::wire::verdict::{Judge, Outcome};

/// Captures kept for the list; older ones are dropped (and counted).
pub const KEEP: usize = 5000;

/// A listener's captures, as the list shows them.
pub struct Received {
    pub addr: SocketAddr,
    /// The scheme every request is verified with, or None when each is recognized.
    pub scheme: Option<String>,
    /// Oldest first; the list shows them newest first.
    pub captures: VecDeque<Capture>,
    pub total: u64,
    pub matched: u64,
    pub mismatched: u64,
    /// Captures no longer kept (past [`KEEP`]).
    pub dropped: u64,
    /// The selected row (0: the newest).
    pub cursor: usize,
    /// Captures that came while the list was closed.
    pub unseen: u64,
    /// The listener, stopped when the list goes (its captures come as messages).
    _listener: Listener,
}

impl Received {
    pub fn new(listener: Listener, scheme: Option<String>) -> Received {
        Received {
            addr: listener.addr,
            scheme,
            captures: VecDeque::new(),
            total: 0,
            matched: 0,
            mismatched: 0,
            dropped: 0,
            cursor: 0,
            unseen: 0,
            _listener: listener,
        }
    }

    /// The capture at a row of the list (0: the newest).
    pub fn row(&self, i: usize) -> Option<&Capture> {
        self.captures
            .len()
            .checked_sub(i + 1)
            .and_then(|at| self.captures.get(at))
    }
}

/// A request on its way (F12): Esc cancels it.
pub struct Sending {
    pub id: u64,
    pub target: String,
    /// When it was handed to the runtime (the app's clock, in milliseconds).
    pub started: i64,
    /// The request's head as sent, the key masked.
    pub request: Vec<String>,
    cancel: Arc<Canceller>,
}

/// The answer to the last request sent, as lines for its pane.
pub struct Response {
    /// `200 OK · 12.3 ms`, or why it failed.
    pub title: String,
    pub ok: bool,
    pub lines: Vec<String>,
}

impl App {
    /// A request the listener received: into the list, bounded by [`KEEP`].
    pub fn captured(&mut self, mut c: Capture) {
        let list_open = self.list_open();
        let Some(r) = &mut self.received else {
            return;
        };
        // Off the queue: the list keeps it, bounded by KEEP.
        c.release();
        r.total += 1;
        match c.verdict.as_ref().map(|v| v.outcome) {
            Some(Outcome::Match) => r.matched += 1,
            Some(Outcome::Mismatch) => r.mismatched += 1,
            _ => {}
        }
        r.captures.push_back(c);
        if r.captures.len() > KEEP {
            r.captures.pop_front();
            r.dropped += 1;
        }
        if list_open {
            // The selection stays on the request it was on.
            if r.cursor > 0 {
                r.cursor = (r.cursor + 1).min(r.captures.len() - 1);
            }
        } else {
            r.unseen += 1;
        }
    }

    /// The answer to the request sent (or why there is none).
    pub fn answered(&mut self, job: u64, result: Result<Exchange, String>) {
        let Some(s) = self.sending.take_if(|s| s.id == job) else {
            return;
        };
        self.show_response(result, s.request);
    }

    fn show_response(&mut self, result: Result<Exchange, String>, request: Vec<String>) {
        let key = self
            .key_encoding
            .decode(&self.inputs.key.bytes())
            .unwrap_or_default();
        // The answer first (what the server said), then the request it answered.
        let mut lines = Vec::new();
        self.response = Some(match result {
            Ok(x) => {
                let r = &x.response;
                lines.extend(show::head_lines(&r.raw[..r.head.len], "< ", &key));
                lines.push(String::new());
                lines.extend(show::body_lines(&r.body, &key));
                if let Ok(trace) = &self.computed.result {
                    for theirs in crate::wire::theirs::from_response(&r.body) {
                        lines.push(String::new());
                        lines.extend(crate::wire::theirs::compare(trace, &theirs));
                    }
                }
                lines.push(String::new());
                lines.extend(request);
                Response {
                    title: format!(
                        "{} {} · connect {} · answer {} · total {}",
                        x.status,
                        r.head.start[2],
                        show::millis(x.connect),
                        show::millis(x.wait),
                        show::millis(x.total)
                    ),
                    ok: (200..300).contains(&x.status),
                    lines,
                }
            }
            Err(e) => {
                lines.push(crate::sign::visible::printable(&e).into_owned());
                lines.push(String::new());
                lines.extend(request);
                Response {
                    title: if e == "cancelled" {
                        "cancelled".to_string()
                    } else {
                        "not sent".to_string()
                    },
                    ok: false,
                    lines,
                }
            }
        });
        self.view.response_scroll = 0;
    }

    /// F11: starts listening (the runtime binds), or shows and hides the list.
    pub(super) fn toggle_listen(&mut self) -> Vec<Effect> {
        if self.received.is_some() {
            if self.list_open() {
                self.close_overlays();
            } else {
                self.open_overlay(super::Overlay::Received);
            }
            if let Some(r) = &mut self.received {
                r.unseen = 0;
            }
            return vec![];
        }
        if let Err(e) = self.key_encoding.decode(&self.inputs.key.bytes()) {
            self.say(&format!("no listening without a key: {e}"), true);
            return vec![];
        }
        vec![Effect::Listen]
    }

    /// What a listener started from the main screen verifies with: the scheme, key and
    /// variants as they are now.
    pub fn listen_judge(&self) -> Judge {
        Judge::new(
            self.recipes.clone(),
            Some(self.current),
            vec![
                self.key_encoding
                    .decode(&self.inputs.key.bytes())
                    .unwrap_or_default(),
            ],
            self.inputs.choices.clone(),
            Default::default(),
        )
    }

    /// The runtime started a listener: the list opens on it.
    pub fn listening(&mut self, listener: Listener, scheme: Option<String>) {
        let addr = listener.addr;
        self.received = Some(Received::new(listener, scheme.clone()));
        self.open_overlay(super::Overlay::Received);
        self.say(
            &format!(
                "listening on http://{addr} with {}, the key as it is now; F11 shows the requests",
                scheme
                    .as_deref()
                    .unwrap_or("the scheme each request reads as")
            ),
            false,
        );
    }

    /// The runtime could not listen.
    pub fn not_listening(&mut self, why: &str) {
        self.say(&format!("cannot listen: {why}"), true);
    }

    pub(super) fn list_move(&mut self, action: super::keys::Action) {
        use super::keys::Action;
        let Some(r) = &mut self.received else { return };
        let last = r.captures.len().saturating_sub(1);
        let page = self.view.list_page.max(1);
        r.cursor = match action {
            Action::ListUp => r.cursor.saturating_sub(1),
            Action::ListDown => (r.cursor + 1).min(last),
            Action::ListPageUp => r.cursor.saturating_sub(page),
            Action::ListPageDown => (r.cursor + page).min(last),
            Action::ListTop => 0,
            _ => last,
        };
    }

    /// Enter in the list: the request in the main screen, its scheme picked, its fields,
    /// headers, body and signature taken as F7 takes a pasted one.
    pub(super) fn open_capture(&mut self) {
        let Some(r) = &self.received else { return };
        let Some(c) = r.row(r.cursor) else {
            self.say("no request yet", true);
            return;
        };
        if c.verdict.is_none() {
            self.say(
                &format!(
                    "request {} was refused ({}): there is nothing to open",
                    c.seq,
                    c.problem.as_deref().unwrap_or("?")
                ),
                true,
            );
            return;
        }
        let raw = c.raw.clone();
        let seq = c.seq;
        let scheme = c.verdict.as_ref().and_then(|v| v.scheme.clone());
        if let Some(index) = scheme
            .as_deref()
            .and_then(|id| self.recipes.iter().position(|r| r.id == id))
        {
            self.switch_scheme(index);
        }
        self.close_overlays();
        let text = String::from_utf8_lossy(&raw).into_owned();
        match self.import_request_text(&text) {
            Ok(message) => self.say(&format!("request {seq} opened: {message}"), false),
            Err(e) => self.say(&format!("request {seq} does not read: {e}"), true),
        }
    }

    /// F12: signs the request as the stages show it and hands it to the runtime to send.
    pub(super) fn send(&mut self) -> Vec<Effect> {
        if self.sending.is_some() {
            self.say("a request is on its way: Esc cancels it", true);
            return vec![];
        }
        self.settle();
        let trace = match &self.computed.result {
            Ok(t) => t,
            Err(e) => {
                self.say(&format!("nothing to send: {e}"), true);
                return vec![];
            }
        };
        let body = self.inputs.body.bytes();
        let request = match self.replay(trace).build(&trace.placement, &body) {
            Ok(r) => r,
            Err(e) => {
                self.say(&format!("nothing to send: {e}"), true);
                return vec![];
            }
        };
        let target = match Target::parse(&request.url) {
            Ok(t) => t,
            Err(_) if !request.url.contains("://") => {
                self.say(
                    "nothing to send: the request URL field is empty (give it https://…)",
                    true,
                );
                return vec![];
            }
            Err(e) => {
                self.say(&format!("nothing to send: {e}"), true);
                return vec![];
            }
        };
        let bytes = match request.to_wire() {
            Ok(b) => b,
            Err(e) => {
                self.say(&format!("nothing to send: {e}"), true);
                return vec![];
            }
        };
        let key = self
            .key_encoding
            .decode(&self.inputs.key.bytes())
            .unwrap_or_default();
        let head_len = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(bytes.len(), |p| p + 4);
        let mut shown = show::head_lines(&bytes[..head_len], "> ", &key);
        if head_len < bytes.len() {
            shown.push(format!("> ({} bytes of body)", bytes.len() - head_len));
        }
        let id = self.next_job();
        let cancel = Arc::new(Canceller::default());
        self.sending = Some(Sending {
            id,
            target: format!("{}{}", target.origin(), target.path),
            started: self.now_millis,
            request: shown.clone(),
            cancel: cancel.clone(),
        });
        self.response = None;
        vec![Effect::Send {
            target,
            head_request: request.method == "HEAD",
            bytes,
            shown,
            job: id,
            cancel: CancelSend(cancel),
        }]
    }

    /// Esc: cancels a request under way. Returns whether there was one.
    pub(super) fn cancel_send(&mut self) -> bool {
        match &self.sending {
            Some(s) => {
                s.cancel.cancel();
                true
            }
            None => false,
        }
    }

    /// Alt-T: opens the box for the server's string, or compares what was pasted into it.
    pub(super) fn their_string(&mut self) {
        match self.take_theirs_box() {
            None => {
                let mut t = text_area("");
                t.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
                t.set_placeholder_text(
                    "paste the string the server says it signed (its canonical request or string to sign)",
                );
                self.open_overlay(super::Overlay::Theirs(t));
            }
            Some(t) => {
                let text = t.lines().join("\n");
                if text.is_empty() {
                    self.say("nothing was pasted: Esc closes the box", true);
                    self.open_overlay(super::Overlay::Theirs(t));
                    return;
                }
                self.settle();
                match &self.computed.result {
                    Ok(trace) => {
                        let theirs = crate::wire::theirs::pasted(trace, text.into_bytes());
                        self.messages_shown = false;
                        self.diagnosis = Some(crate::wire::theirs::compare(trace, &theirs));
                        self.view.diagnosis_scroll = 0;
                    }
                    Err(e) => {
                        self.say(&format!("no stages to compare with: {e}"), true);
                        self.open_overlay(super::Overlay::Theirs(t));
                    }
                }
            }
        }
    }

    /// The title of the list.
    pub fn received_title(&self) -> String {
        let Some(r) = &self.received else {
            return String::new();
        };
        format!(
            "Received on http://{} · {} · {} request{}: {} ✓ {} ✗{}",
            r.addr,
            r.scheme.as_deref().unwrap_or("schemes recognized"),
            r.total,
            if r.total == 1 { "" } else { "s" },
            r.matched,
            r.mismatched,
            if r.dropped > 0 {
                format!(" · {} older ones not kept", r.dropped)
            } else {
                String::new()
            }
        )
    }
}

//! Everything that reaches the TUI from outside its update arrives as one [`Msg`] on one
//! channel: terminal events, signals, the traces of the signing thread, the progress and results
//! of a diagnose or learn search, a listener's captures and the answer to a request sent. The
//! loop ([`crate::tui::run`]) does a single blocking receive on that channel; the threads that send
//! on it are started by the runtime ([`crate::tui::runtime`]) from the effects an update returns.

use ratatui::crossterm::event::Event;

use super::SignDone;
use crate::wire::client::Exchange;
use crate::wire::listen::Capture;

/// One message for the loop.
pub enum Msg {
    /// A terminal event (a key, a paste, the mouse, a resize).
    Terminal(Event),
    /// The terminal went away (its reader failed).
    TerminalGone(String),
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT: its number.
    Signal(i32),
    /// SIGTSTP: give the terminal back and stop until continued.
    Suspend,
    /// A trace signed on the signing thread.
    Signed(SignDone),
    /// How far a search under way has come (candidates or constructions tried).
    Progress { job: u64, tried: usize },
    /// A diagnose search ended: its report, and what Alt-A would apply.
    Diagnosed {
        job: u64,
        report: Vec<String>,
        fix: Option<crate::diagnose::Fix>,
    },
    /// A learn search ended.
    Learned {
        job: u64,
        result: Result<crate::learn::Learned, String>,
    },
    /// A request the listener received.
    Captured(Capture),
    /// The answer to a request sent (F12), or why there is none.
    Answered {
        job: u64,
        result: Result<Exchange, String>,
    },
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Msg::Terminal(e) => write!(f, "Terminal({e:?})"),
            Msg::TerminalGone(e) => write!(f, "TerminalGone({e})"),
            Msg::Signal(n) => write!(f, "Signal({n})"),
            Msg::Suspend => write!(f, "Suspend"),
            Msg::Signed(_) => write!(f, "Signed"),
            Msg::Progress { job, tried } => write!(f, "Progress({job}, {tried})"),
            Msg::Diagnosed { job, .. } => write!(f, "Diagnosed({job})"),
            Msg::Learned { job, .. } => write!(f, "Learned({job})"),
            Msg::Captured(c) => write!(f, "Captured({})", c.seq),
            Msg::Answered { job, .. } => write!(f, "Answered({job})"),
        }
    }
}

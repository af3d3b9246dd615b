//! The runtime: it carries out the effects an update returns, and starts every thread of the
//! TUI (the terminal reader, the signal watcher, the signing thread, each search, each request
//! sent, the forwarding of a listener's captures). Each thread reports on the one channel of
//! [`Msg`]s that the loop receives from.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender};
use std::time::Duration;

use ratatui::crossterm::event;

use super::app::{App, Effect, Msg, SignWork};
use super::clipboard::Clipboard;
use crate::wire::listen::Listener;

/// Messages waiting for the loop at most; a thread with more to say waits (a listener's
/// captures then wait in its own bounded queue, and it stops reading requests).
const QUEUE: usize = 4096;
/// How often a search under way reports how far it has come.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// What runs beside the loop: the sending end of its channel, the signing thread, the clipboard.
pub struct Runtime {
    tx: SyncSender<Msg>,
    signer: Option<Sender<SignWork>>,
    clipboard: Option<Clipboard>,
}

/// What an effect asks of the loop itself.
pub enum Next {
    Go,
    Quit,
}

impl Runtime {
    /// A runtime and the receiving end of its channel. `clipboard`: None where there is none
    /// (a headless run: copies are then said to fail).
    pub fn new(clipboard: Option<Clipboard>) -> (Runtime, Receiver<Msg>) {
        let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
        (
            Runtime {
                tx,
                signer: None,
                clipboard,
            },
            rx,
        )
    }

    /// The channel's sending end, for a thread started outside (the terminal reader).
    pub fn sender(&self) -> SyncSender<Msg> {
        self.tx.clone()
    }

    /// Carries out the effects of one update, in order.
    pub fn carry_out(&mut self, app: &mut App, effects: Vec<Effect>) -> Next {
        for effect in effects {
            if let Next::Quit = self.one(app, effect) {
                return Next::Quit;
            }
        }
        Next::Go
    }

    fn one(&mut self, app: &mut App, effect: Effect) -> Next {
        match effect {
            Effect::Quit => return Next::Quit,
            Effect::Copy { text, what } => match &mut self.clipboard {
                Some(clipboard) if !clipboard.takes(&text) => app.too_large_to_copy(&what, text),
                Some(clipboard) => {
                    let mut out = std::io::stdout();
                    let outcome = clipboard.copy(&text, &mut out);
                    let _ = out.flush();
                    app.copied(&what, outcome);
                }
                None => app.copied(&what, Err("no clipboard here".to_string())),
            },
            Effect::SaveRecipe { dir, id, text } => {
                app.written("the learned recipe", super::save_recipe(&dir, &id, &text));
            }
            Effect::WriteFile { name, text, what } => {
                app.written(&what, super::write_new_file(&name, text.as_bytes()));
            }
            Effect::Listen => {
                let judge = Arc::new(app.listen_judge());
                let scheme = app.recipe().id.clone();
                match super::listen_on_loopback(judge) {
                    Ok(listener) => self.listening(app, listener, Some(scheme)),
                    Err(e) => app.not_listening(&e.to_string()),
                }
            }
            Effect::Send {
                target,
                head_request,
                bytes,
                job,
                cancel,
                ..
            } => {
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let result = exchange(&target, &bytes, head_request, &cancel.0);
                    let _ = tx.send(Msg::Answered { job, result });
                });
            }
            Effect::Sign(work) => self.sign(*work),
            Effect::Diagnose(work) => {
                let job = work.id;
                let failed = Msg::Diagnosed {
                    job,
                    report: vec!["diagnose stopped without a result (an internal error)".into()],
                    fix: None,
                };
                self.search(job, failed, move |progress| {
                    let (report, fix) = work.run(progress);
                    Msg::Diagnosed { job, report, fix }
                });
            }
            Effect::Learn(work) => {
                let job = work.id;
                let failed = Msg::Learned {
                    job,
                    result: Err("learn stopped without a result (an internal error)".into()),
                };
                self.search(job, failed, move |progress| Msg::Learned {
                    job,
                    result: work.run(progress),
                });
            }
        }
        Next::Go
    }

    /// Hands a listener to the app; its captures come to the loop as messages.
    pub fn listening(&mut self, app: &mut App, mut listener: Listener, scheme: Option<String>) {
        let captures = std::mem::replace(&mut listener.captures, std::sync::mpsc::channel().1);
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            // Ends when the listener stops (its senders gone) or the loop is gone.
            for capture in captures {
                if tx.send(Msg::Captured(capture)).is_err() {
                    return;
                }
            }
        });
        app.listening(listener, scheme);
    }

    /// Hands a signing to the signing thread (started the first time, and again if it died).
    fn sign(&mut self, work: SignWork) {
        let work = match &self.signer {
            Some(signer) => match signer.send(work) {
                Ok(()) => return,
                Err(e) => e.0,
            },
            None => work,
        };
        let signer = spawn_signer(self.tx.clone());
        let _ = signer.send(work);
        self.signer = Some(signer);
    }

    /// Runs a search on a thread of its own, with a second thread that reports its progress
    /// until it ends. A panic inside the search ends it with `failed` (never a search shown as
    /// under way for ever).
    fn search(
        &self,
        job: u64,
        failed: Msg,
        run: impl FnOnce(&AtomicUsize) -> Msg + Send + 'static,
    ) {
        let progress = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let (p, d, tx) = (progress.clone(), done.clone(), self.tx.clone());
        std::thread::spawn(move || {
            let msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                // SIGSCOPE_DEBUG_PANIC=search: a search panics, to check that the screen
                // stays and the search ends said (the pty tests do).
                if std::env::var_os("SIGSCOPE_DEBUG_PANIC").is_some_and(|v| v == "search") {
                    panic!("a search with SIGSCOPE_DEBUG_PANIC=search");
                }
                run(&p)
            }))
            .unwrap_or(failed);
            d.store(true, Ordering::SeqCst);
            let _ = tx.send(msg);
        });
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(PROGRESS_EVERY);
                if done.load(Ordering::SeqCst) {
                    return;
                }
                let tried = progress.load(Ordering::Relaxed);
                if tx.send(Msg::Progress { job, tried }).is_err() {
                    return;
                }
            }
        });
    }
}

/// The signing thread: it signs the latest job waiting (older ones are dropped) and sends its
/// trace back; a panic inside a signing is said in the stages' place and the thread goes on.
fn spawn_signer(tx: SyncSender<Msg>) -> Sender<SignWork> {
    let (jobs, rx) = std::sync::mpsc::channel::<SignWork>();
    std::thread::spawn(move || {
        let mut memo = crate::sign::Memo::default();
        while let Ok(mut work) = rx.recv() {
            while let Ok(newer) = rx.try_recv() {
                work = newer;
            }
            let generation = work.generation();
            let done =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work.sign(&mut memo)))
                    .unwrap_or_else(|_| {
                        memo = crate::sign::Memo::default();
                        super::app::SignDone::failed(
                            generation,
                            "internal error while signing (the inputs are kept)".to_string(),
                        )
                    });
            if tx.send(Msg::Signed(done)).is_err() {
                return;
            }
        }
    });
    jobs
}

/// Sends a request and reads its answer (TLS for https), Esc's canceller able to stop it.
fn exchange(
    target: &crate::wire::client::Target,
    bytes: &[u8],
    head_request: bool,
    cancel: &crate::wire::client::Canceller,
) -> Result<crate::wire::client::Exchange, String> {
    let tls = if target.tls {
        Some(crate::wire::client::Tls::new(None)?)
    } else {
        None
    };
    let limits = crate::wire::http1::Limits {
        header_timeout: Duration::from_secs(30),
        idle_timeout: Duration::from_secs(30),
        ..Default::default()
    };
    crate::wire::client::exchange_cancellable(
        target,
        bytes,
        tls.as_ref(),
        &limits,
        head_request,
        cancel,
    )
}

/// Reads terminal events on a thread and passes them on; after a read error it says the
/// terminal is gone and ends. (When the terminal goes away, crossterm's reader spins inside
/// poll and never returns, crossterm issue #793: the loop must still see the SIGHUP and end.)
pub fn spawn_event_reader(tx: SyncSender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(ev) => Msg::Terminal(ev),
                Err(e) => {
                    let _ = tx.send(Msg::TerminalGone(e.to_string()));
                    return;
                }
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

/// Watches SIGTERM, SIGHUP, SIGINT, SIGQUIT (each a [`Msg::Signal`]) and SIGTSTP (a
/// [`Msg::Suspend`]).
#[cfg(unix)]
pub fn spawn_signal_watcher(tx: SyncSender<Msg>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP])?;
    std::thread::spawn(move || {
        for sig in signals.forever() {
            let msg = if sig == SIGTSTP {
                Msg::Suspend
            } else {
                Msg::Signal(sig)
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
    Ok(())
}

#[cfg(not(unix))]
pub fn spawn_signal_watcher(_tx: SyncSender<Msg>) -> std::io::Result<()> {
    Ok(())
}

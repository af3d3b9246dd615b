//! The terminal UI: a ratatui app that renders the core's trace live as the user edits.
//!
//! `app` holds the state and its update, `view` draws it, `keys` is the one key table, `stages`
//! lays out the stage panel, `clipboard` copies. This module runs the event loop.

pub mod app;
pub mod bigtext;
pub mod clipboard;
pub mod hexedit;
pub mod keys;
pub mod stages;
pub mod view;

use std::io::Write;
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

use app::{App, Effect};
use clipboard::Clipboard;

/// How a run ended.
pub enum Ended {
    /// The user quit.
    Quit,
    /// A signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT) ended it; its number.
    Signal(i32),
    /// An internal error (a panic) ended it: the app is as it was, so its edits can be kept.
    Panic,
    /// The terminal failed (it went away, or refused a write): the edits are kept all the same.
    Terminal(String),
}

/// How long the loop waits for an event before looking at the signal flag.
const SIGNAL_CHECK: Duration = Duration::from_millis(200);
/// How often a trace under way on the signing thread is looked for.
const TRACE_CHECK: Duration = Duration::from_millis(1);
/// How often a listener's captures and a request under way are looked for: a burst of requests
/// is drawn at most this often, however fast it comes.
const WIRE_CHECK: Duration = Duration::from_millis(30);

/// Runs the app until the user quits or a signal ends it; the terminal is restored on every way
/// out (a signal and a panic included), and the app comes back so that its work can be kept.
pub fn run(mut app: App, now: impl Fn() -> i64) -> std::io::Result<(App, Ended)> {
    // Signals set a flag that the loop reads between events: the terminal is then restored by
    // the same path as a quit, and the session kept.
    let signal = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    #[cfg(unix)]
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGQUIT,
    ] {
        signal_hook::flag::register_usize(sig, std::sync::Arc::clone(&signal), sig as usize)?;
    }
    let signalled = || {
        let s = signal.load(std::sync::atomic::Ordering::Relaxed);
        (s != 0).then_some(s as i32)
    };
    // SIGTSTP (job control's stop, `kill -TSTP`): the terminal is restored, the process stops,
    // and on SIGCONT (`fg`) raw mode, the alternate screen and the screen come back.
    let suspend = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    signal_hook::flag::register(
        signal_hook::consts::SIGTSTP,
        std::sync::Arc::clone(&suspend),
    )?;
    // crossterm honours NO_COLOR by writing `ESC[m` for every colour, which also resets bold and
    // reverse; the view removes the colours itself and keeps the emphasis.
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    ratatui::crossterm::style::force_color_output(true);
    let mut terminal = ratatui::init();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        let _ = ratatui::try_restore();
        previous(info);
    }));
    // A panic in the loop unwinds to here: the terminal is restored below and the app, still
    // holding the user's edits, goes back to be kept.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(
        || -> std::io::Result<Ended> {
            execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
            let mut clipboard = Clipboard::detect(clipboard::Env::from_process());
            // Terminal events are read on a thread of their own: when the terminal goes away,
            // crossterm's reader spins inside poll and never returns (crossterm issue #793), and
            // the loop here must still see the SIGHUP and end.
            let events = spawn_event_reader();
            loop {
                if let Some(sig) = signalled() {
                    return Ok(Ended::Signal(sig));
                }
                app.now_millis = now();
                terminal.draw(|f| view::draw(&app, f))?;
                // Wait for an event, waking to look at the signal flag, and once a second when the
                // screen shows the clock.
                let clock = app.ticking().then(|| {
                    std::time::Instant::now()
                        + Duration::from_millis(1000 - app.now_millis.rem_euclid(1000) as u64)
                });
                // A status message goes when it is old: the screen is drawn again then.
                let status_ends = app.fresh_status().map(|s| {
                    std::time::Instant::now()
                        + Duration::from_millis((s.until() - app.now_millis).max(0) as u64)
                });
                let deadline = [clock, status_ends].into_iter().flatten().min();
                let first = loop {
                    if let Some(sig) = signalled() {
                        return Ok(Ended::Signal(sig));
                    }
                    if suspend.swap(false, std::sync::atomic::Ordering::SeqCst) {
                        suspend_until_continued(&mut terminal)?;
                        break None;
                    }
                    // While a trace is computed on the signing thread, look for it often.
                    let check = if app.catching_up() {
                        TRACE_CHECK
                    } else if app.on_the_wire() {
                        WIRE_CHECK
                    } else {
                        SIGNAL_CHECK
                    };
                    let wait = match deadline {
                        Some(d) => d
                            .saturating_duration_since(std::time::Instant::now())
                            .min(check),
                        None => check,
                    };
                    match events.recv_timeout(wait) {
                        Ok(ev) => break Some(ev?),
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                        // The reader stopped: the terminal is gone.
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                            return Ok(Ended::Signal(HANGUP));
                        }
                    }
                    if app.poll_trace() {
                        break None;
                    }
                    // A search under way: its progress, or its result, on screen.
                    if app.poll_background() {
                        break None;
                    }
                    // Requests received, an answer come back.
                    if app.poll_wire() {
                        break None;
                    }
                    if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                        break None;
                    }
                };
                // SIGSCOPE_DEBUG_PANIC=1: F12 panics, to check that a crash restores the terminal
                // and keeps the edits (the pty tests do).
                if let Some(event::Event::Key(k)) = &first
                    && k.code == event::KeyCode::F(12)
                    && std::env::var_os("SIGSCOPE_DEBUG_PANIC").is_some()
                {
                    panic!("F12 with SIGSCOPE_DEBUG_PANIC set");
                }
                let mut effects = Vec::new();
                if let Some(ev) = first {
                    app.now_millis = now();
                    effects.extend(app.handle(ev));
                    // Take whatever else is already waiting (a burst of typing) before drawing again.
                    while effects.is_empty()
                        && let Ok(ev) = events.try_recv()
                    {
                        effects.extend(app.handle(ev?));
                    }
                }
                for effect in effects {
                    match effect {
                        Effect::Quit => return Ok(Ended::Quit),
                        Effect::Copy { text, what } if !clipboard.takes(&text) => {
                            app.too_large_to_copy(&what, text);
                        }
                        Effect::SaveRecipe { dir, id, text } => {
                            app.written("the learned recipe", save_recipe(&dir, &id, &text));
                        }
                        Effect::WriteFile { name, text, what } => {
                            app.written(&what, write_new_file(&name, text.as_bytes()));
                        }
                        Effect::Copy { text, what } => {
                            let mut out = std::io::stdout();
                            let outcome = clipboard.copy(&text, &mut out);
                            let _ = out.flush();
                            app.copied(&what, outcome);
                        }
                        Effect::Listen => {
                            let judge = std::sync::Arc::new(app.listen_judge());
                            let scheme = app.recipe().id.clone();
                            match listen_on_loopback(judge) {
                                Ok(listener) => app.listening(listener, Some(scheme)),
                                Err(e) => app.not_listening(&e.to_string()),
                            }
                        }
                        Effect::Send {
                            target,
                            head_request,
                            bytes,
                            shown,
                        } => {
                            app.sending_started(app::Sending::start(
                                target,
                                bytes,
                                head_request,
                                shown,
                            ));
                        }
                    }
                }
            }
        },
    ))
    .unwrap_or(Ok(Ended::Panic));
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    let _ = ratatui::try_restore();
    // The terminal's own drop prints to standard error when it cannot show the cursor, and
    // printing to a closed terminal panics: show it here, ignoring a failure, and skip the drop.
    let _ = terminal.show_cursor();
    std::mem::forget(terminal);
    let ended = result.unwrap_or_else(|e| Ended::Terminal(e.to_string()));
    Ok((app, ended))
}

/// A listener started from the main screen: on 127.0.0.1, the usual port when it is free, else
/// any free one.
fn listen_on_loopback(
    judge: std::sync::Arc<crate::wire::verdict::Judge>,
) -> std::io::Result<crate::wire::listen::Listener> {
    let options = |port| crate::wire::listen::Options {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        ..Default::default()
    };
    crate::wire::listen::start(options(crate::wire::listen::DEFAULT_PORT), judge.clone())
        .or_else(|_| crate::wire::listen::start(options(0), judge))
}

/// Gives the terminal back (cooked mode, the main screen, no mouse or bracketed paste), stops
/// the process, and once continued takes the terminal again and redraws everything.
fn suspend_until_continued(terminal: &mut ratatui::DefaultTerminal) -> std::io::Result<()> {
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    let _ = ratatui::try_restore();
    #[cfg(unix)]
    // SIGSTOP: the stop SIGTSTP would have been (its handler is ours); SIGCONT resumes here.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
    ratatui::crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        ratatui::crossterm::terminal::EnterAlternateScreen,
        ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All),
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    // The screen is blank: forget what ratatui believes it holds, so that the next frame is
    // drawn whole (Terminal::clear would ask the terminal for the cursor, whose answer the
    // event thread reads).
    terminal.swap_buffers();
    Ok(())
}

/// The signal number a vanished terminal is reported as.
const HANGUP: i32 = 1;

/// Reads terminal events on a thread and passes them on; the channel closes after a read error.
fn spawn_event_reader() -> std::sync::mpsc::Receiver<std::io::Result<event::Event>> {
    let (tx, rx) = std::sync::mpsc::sync_channel(4096);
    std::thread::spawn(move || {
        loop {
            let ev = event::read();
            let failed = ev.is_err();
            if tx.send(ev).is_err() || failed {
                return;
            }
        }
    });
    rx
}

/// Writes a new file in the current directory (never over an existing one); returns its path.
/// Writes a recipe as a new file of the recipes folder (made 700 when missing; the file 600):
/// `ID.toml`, else `ID-2.toml` and on (its id then `ID-2`), never over another.
fn save_recipe(dir: &std::path::Path, id: &str, text: &str) -> Result<String, String> {
    use std::io::Write as _;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    for n in 1..1000 {
        let (name, text) = if n == 1 {
            (id.to_string(), text.to_string())
        } else {
            let name = format!("{id}-{n}");
            let text = text.replacen(&format!("id = \"{id}\""), &format!("id = \"{name}\""), 1);
            (name, text)
        };
        let path = dir.join(format!("{name}.toml"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                return Ok(format!(
                    "{} (scheme `{name}` of every sigscope started now)",
                    path.display()
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!(
        "{}: {id}.toml to {id}-999.toml all exist",
        dir.display()
    ))
}

fn write_new_file(name: &str, bytes: &[u8]) -> Result<String, String> {
    use std::io::Write as _;
    let path = std::env::current_dir()
        .map_err(|e| format!("no current directory: {e}"))?
        .join(name);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

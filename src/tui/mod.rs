//! The terminal UI: a ratatui app that renders the core's trace live as the user edits.
//!
//! `app` holds the state and its update, `view` draws it, `keys` is the one key table, `stages`
//! lays out the stage panel, `clipboard` copies, `app::message` is what reaches the loop
//! and `runtime` carries out the effects and starts every thread. This module runs the event loop:
//! draw, one blocking receive, update, effects.

pub mod app;
pub mod bigtext;
pub mod clipboard;
pub mod hexedit;
pub mod keys;
pub mod runtime;
pub mod stages;
pub mod view;
pub mod widgets;

use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

use app::App;
use app::Msg;
use clipboard::Clipboard;
use runtime::{Next, Runtime};

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

/// How often the screen is drawn again while a request is on its way (its clock).
const BUSY_TICK: Duration = Duration::from_millis(100);
/// Messages taken in one go before the screen is drawn again (a burst of typing or captures).
const BURST: usize = 1024;

/// Runs the app until the user quits or a signal ends it; the terminal is restored on every way
/// out (a signal and a panic included), and the app comes back so that its work can be kept.
/// `listening`: a listener started by the command line, whose list opens at once.
pub fn run(
    mut app: App,
    now: impl Fn() -> i64,
    listening: Option<(crate::wire::listen::Listener, Option<String>)>,
) -> std::io::Result<(App, Ended)> {
    // crossterm honours NO_COLOR by writing `ESC[m` for every colour, which also resets bold and
    // reverse; the view removes the colours itself and keeps the emphasis.
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    ratatui::crossterm::style::force_color_output(true);
    let (mut runtime, inbox) =
        Runtime::new(Some(Clipboard::detect(clipboard::Env::from_process())));
    // Signals become messages: the terminal is then restored by the same path as a quit, and
    // the session kept.
    runtime::spawn_signal_watcher(runtime.sender())?;
    let mut terminal = ratatui::init();
    let previous = std::panic::take_hook();
    let ui = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        // A panic of the loop's thread ends the screen: the terminal is given back first. One
        // of a thread beside it (a search, the signing thread) is caught there and said in the
        // app; nothing is written over the screen, which stays as it is.
        if std::thread::current().id() != ui {
            return;
        }
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
            runtime::spawn_event_reader(runtime.sender());
            if let Some((listener, scheme)) = listening {
                runtime.listening(&mut app, listener, scheme);
            }
            // What the app asked for while it was made (a large body to sign).
            let effects = app.take_effects();
            if let Next::Quit = runtime.carry_out(&mut app, effects) {
                return Ok(Ended::Quit);
            }
            loop {
                app.now_millis = now();
                terminal.draw(|f| view::draw(&mut app, f))?;
                // The one receive: until a message comes, or the screen must change with time
                // (the clock of a scheme with a window, a status message growing old, a request's
                // clock).
                let clock = app
                    .ticking()
                    .then(|| 1000 - app.now_millis.rem_euclid(1000));
                let status_ends = app
                    .fresh_status()
                    .map(|s| (s.until() - app.now_millis).max(0));
                let busy = app.busy().then_some(BUSY_TICK.as_millis() as i64);
                let wait = [clock, status_ends, busy].into_iter().flatten().min();
                let first = match wait {
                    Some(ms) => match inbox.recv_timeout(Duration::from_millis(ms as u64)) {
                        Ok(msg) => msg,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                            return Ok(Ended::Signal(HANGUP));
                        }
                    },
                    None => match inbox.recv() {
                        Ok(msg) => msg,
                        Err(_) => return Ok(Ended::Signal(HANGUP)),
                    },
                };
                // Whatever else is already waiting is taken before drawing again.
                let mut msg = Some(first);
                let mut taken = 0;
                while let Some(m) = msg.take() {
                    match m {
                        Msg::Signal(sig) => return Ok(Ended::Signal(sig)),
                        // The reader stopped: the terminal is gone.
                        Msg::TerminalGone(_) => return Ok(Ended::Signal(HANGUP)),
                        Msg::Suspend => {
                            suspend_until_continued(&mut terminal)?;
                            break;
                        }
                        m => {
                            // SIGSCOPE_DEBUG_PANIC=1: F12 panics, to check that a crash restores
                            // the terminal and keeps the edits (the pty tests do).
                            if let Msg::Terminal(event::Event::Key(k)) = &m
                                && k.code == event::KeyCode::F(12)
                                && std::env::var_os("SIGSCOPE_DEBUG_PANIC")
                                    .is_some_and(|v| v == "1")
                            {
                                panic!("F12 with SIGSCOPE_DEBUG_PANIC set");
                            }
                            app.now_millis = now();
                            let effects = app.update(m);
                            if let Next::Quit = runtime.carry_out(&mut app, effects) {
                                return Ok(Ended::Quit);
                            }
                        }
                    }
                    taken += 1;
                    if taken < BURST {
                        msg = inbox.try_recv().ok();
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
pub(crate) fn listen_on_loopback(
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

/// Writes a recipe as a new file of the recipes folder (made 700 when missing; the file 600):
/// `ID.toml`, else `ID-2.toml` and on (its id then `ID-2`), never over another.
pub(crate) fn save_recipe(dir: &std::path::Path, id: &str, text: &str) -> Result<String, String> {
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

/// Writes a new file in the current directory (never over an existing one); returns its path.
pub(crate) fn write_new_file(name: &str, bytes: &[u8]) -> Result<String, String> {
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

//! The terminal UI: a ratatui app that renders the core's trace live as the user edits.
//!
//! `app` holds the state and its update, `view` draws it, `keys` is the one key table, `stages`
//! lays out the stage panel, `clipboard` copies. This module runs the event loop.

pub mod app;
pub mod bigtext;
pub mod clipboard;
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

/// Runs the app until the user quits; the terminal is restored on every way out, panics included.
pub fn run(mut app: App, now: impl Fn() -> i64) -> std::io::Result<App> {
    let mut terminal = ratatui::init();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        ratatui::restore();
        previous(info);
    }));
    let result = (|| {
        execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
        let mut clipboard = Clipboard::detect(clipboard::Env::from_process());
        loop {
            app.now_millis = now();
            terminal.draw(|f| view::draw(&app, f))?;
            // Block until an event; wake once a second only when the screen shows the clock.
            let first = if app.ticking() {
                let to_next_second = 1000 - app.now_millis.rem_euclid(1000) as u64;
                if event::poll(Duration::from_millis(to_next_second))? {
                    Some(event::read()?)
                } else {
                    None
                }
            } else {
                Some(event::read()?)
            };
            let mut effects = Vec::new();
            if let Some(ev) = first {
                app.now_millis = now();
                effects.extend(app.handle(ev));
                // Take whatever else is already waiting (a burst of typing) before drawing again.
                while effects.is_empty() && event::poll(Duration::ZERO)? {
                    effects.extend(app.handle(event::read()?));
                }
            }
            for effect in effects {
                match effect {
                    Effect::Quit => return Ok(()),
                    Effect::Copy { text, what } => {
                        let mut out = std::io::stdout();
                        let outcome = clipboard.copy(&text, &mut out);
                        let _ = out.flush();
                        app.copied(&what, outcome);
                    }
                }
            }
        }
    })();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    result.map(|()| app)
}

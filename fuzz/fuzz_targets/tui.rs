//! The TUI's update and draw: any sequence of keys and pastes, on any scheme, at 80×24, never
//! panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use sigscope::sign::{Recipe, builtin};
use sigscope::tui::app::{App, Prefill};

fn recipes() -> &'static [Recipe] {
    static ALL: OnceLock<Vec<Recipe>> = OnceLock::new();
    ALL.get_or_init(|| builtin::all().expect("built-ins load"))
}

fn event(byte: u8, next: u8) -> Event {
    let key = |code| Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    match byte {
        0 => key(KeyCode::Tab),
        1 => key(KeyCode::BackTab),
        2 => key(KeyCode::Enter),
        3 => key(KeyCode::Backspace),
        4 => key(KeyCode::Left),
        5 => key(KeyCode::Right),
        6 => key(KeyCode::Up),
        7 => key(KeyCode::Down),
        8 => key(KeyCode::Esc),
        // F2 to F10 (not F1's help alone, which would hide the rest).
        9 => key(KeyCode::F(2 + next % 9)),
        10 => Event::Paste(String::from_utf8_lossy(&[next, b'\r', next, 0, b'\n']).into_owned()),
        11 => key(KeyCode::Home),
        12 => key(KeyCode::End),
        b => key(KeyCode::Char(char::from(b))),
    }
}

fuzz_target!(|data: &[u8]| {
    let [scheme, rest @ ..] = data else {
        return;
    };
    let all = recipes().to_vec();
    let current = usize::from(*scheme) % all.len();
    let prefill = Prefill::example(&all[current]);
    let mut app = App::new(
        all,
        current,
        &prefill,
        None,
        1_700_000_000_000,
        Box::new(|b: &mut [u8]| b.fill(7)),
    );
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    for pair in rest.chunks(2).take(64) {
        let ev = event(pair[0], pair.get(1).copied().unwrap_or(0));
        // Ctrl-C would quit; a diagnose search would outlive the input.
        if matches!(&ev, Event::Key(k) if k.code == KeyCode::F(8)) {
            continue;
        }
        let _ = app.handle(ev);
        terminal
            .draw(|f| sigscope::tui::view::draw(&app, f))
            .expect("draws");
    }
});

//! Snapshots of the screen (ratatui's TestBackend) for each scheme's default screen at 120×40
//! and the bare start at 80×24. The clock is fixed; the age line is filtered all the same, so a
//! change of wording elsewhere shows up and a change of clock does not.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sigscope::sign::builtin;
use sigscope::tui::view;

const NOW: i64 = 1_764_000_000_000;

mod common;

/// A scheme's example drawn at width×height, as text with trailing spaces cut.
fn screen(scheme: &str, width: u16, height: u16) -> String {
    let mut app = common::app(scheme, NOW);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(&mut app, f)).unwrap();
    common::buffer_text(terminal.backend().buffer(), true) + "\n"
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"request time \d+ (s|min|h|days)", "request time [AGE]");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn bare_start_at_80x24() {
    settings().bind(|| {
        insta::assert_snapshot!("bare_start_80x24", screen(builtin::DEFAULT_SCHEME, 80, 24))
    });
}

#[test]
fn every_scheme_default_screen_at_120x40() {
    // Every built-in scheme, not a list: a scheme added is a snapshot added.
    for recipe in builtin::all().expect("built-ins load") {
        let scheme = recipe.id.as_str();
        settings()
            .bind(|| insta::assert_snapshot!(format!("{scheme}_120x40"), screen(scheme, 120, 40)));
    }
}

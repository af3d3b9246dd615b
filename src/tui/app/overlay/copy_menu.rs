//! The "copy as" menu (F9): curl, raw HTTP, a bundle, code in a language Tab picks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::keys::{self, Scope};
use crate::tui::widgets::{ACCENT, centered, pane};

/// The "copy as" menu (F9).
pub(super) fn draw_copy_menu(app: &App, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = keys::BINDINGS
        .iter()
        .filter(|b| b.scope == Scope::CopyMenu)
        .map(|b| {
            let help = if b.action == keys::Action::CopyCode {
                format!("copy the trace as {} code", app.code_lang.label())
            } else {
                b.help.to_string()
            };
            Line::from(vec![
                Span::styled(
                    format!(" {} ", b.keys_label),
                    Style::default().fg(Color::Black).bg(ACCENT),
                ),
                Span::raw(format!(" {help}")),
            ])
        })
        .collect();
    let rect = centered(area, 72, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(pane("Copy as · Esc cancels".to_string(), true)),
        rect,
    );
}

/// The menu's keys: each copies one way (looked up before the global keys too, for Tab); any
/// other key does nothing while it is open.
pub(super) fn on_key(
    app: &mut App,
    key: ratatui::crossterm::event::KeyEvent,
) -> Vec<crate::tui::app::Effect> {
    match keys::lookup(Scope::CopyMenu, &key) {
        Some(action) => app.act(action),
        None => vec![],
    }
}

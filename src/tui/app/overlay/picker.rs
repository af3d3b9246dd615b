//! The scheme picker (F4): type to search the schemes, profiles and sessions; its keys move
//! the selection and Enter opens one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::widgets::{ACCENT, centered, pane};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::app::{App, Pick, Picker};
use crate::tui::keys::{self, Scope};

pub(super) fn draw_picker(app: &App, picker: &Picker, frame: &mut Frame, area: Rect) {
    let matches = app.picker_matches();
    let rect = centered(area, 76, (matches.len() as u16 * 2 + 4).max(7));
    frame.render_widget(Clear, rect);
    let block = pane(
        "Scheme, profile or session · type to search · Enter opens · Esc closes".to_string(),
        true,
    );
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = vec![Line::from(vec![
        Span::styled("search: ", Style::default().fg(Color::Gray)),
        Span::styled(
            picker.query.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled("▏", Style::default().fg(ACCENT)),
    ])];
    if matches.is_empty() {
        lines.push(Line::from(Span::styled(
            "no scheme matches",
            Style::default().fg(Color::Red),
        )));
    }
    let cursor = picker.cursor.min(matches.len().saturating_sub(1));
    for (i, &pick) in matches.iter().enumerate() {
        let style = if i == cursor {
            Style::default().fg(Color::Black).bg(ACCENT)
        } else {
            Style::default()
        };
        let (head, detail) = match pick {
            Pick::Scheme(index) => {
                let r = &app.recipes[index];
                let current = if index == app.current {
                    " (current)"
                } else {
                    ""
                };
                (
                    format!("{:18} {}{current}", r.id, r.name),
                    r.description.clone(),
                )
            }
            Pick::Extra(index) => {
                let e = &app.extras[index];
                (format!("{:18} {}", e.title, e.scheme), e.detail.clone())
            }
            Pick::Learn => (
                format!("{:18} {}", "learn", crate::tui::app::LEARN_ENTRY),
                "no scheme fits? paste one genuine request (F7); the key is the Key pane's"
                    .to_string(),
            ),
        };
        lines.push(Line::from(Span::styled(
            head,
            style.add_modifier(Modifier::BOLD),
        )));
        lines.push(Line::from(Span::styled(
            format!("{:18} {detail}", ""),
            Style::default().fg(Color::Gray),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The picker's keys: the selection moves and Enter opens (the key table's), else typing
/// searches.
pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<crate::tui::app::Effect> {
    if let Some(action) = keys::lookup(Scope::Picker, &key) {
        return app.act(action);
    }
    let Some(picker) = app.picker_mut() else {
        return vec![];
    };
    match key.code {
        KeyCode::Backspace => {
            picker.query.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => picker.query.push(c),
        _ => {}
    }
    picker.cursor = 0;
    vec![]
}

//! F7's list of the requests a pasted HAR file or collection holds, when none was picked (none
//! or several carry a signature): the picker's keys move the selection, Enter reads the one
//! selected into the inputs.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Overlay;
use crate::request::import::Choices;
use crate::tui::app::{App, Effect};
use crate::tui::keys::{self, Action, Scope};
use crate::tui::widgets::{ACCENT, centered, fit, pane};

/// The requests to pick from, and the text they were pasted as.
pub struct EntryList {
    text: String,
    choices: Choices,
    pub cursor: usize,
}

impl EntryList {
    /// The list, the selection on the first request that carries a signature.
    pub fn new(text: String, choices: Choices) -> EntryList {
        let cursor = choices.signed.first().copied().unwrap_or(0);
        EntryList {
            text,
            choices,
            cursor,
        }
    }
}

/// The picker's keys: Up and Down move, Enter reads the request selected.
pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Entries(list)) = &mut app.overlay else {
        return vec![];
    };
    let last = list.choices.labels.len().saturating_sub(1);
    match keys::lookup(Scope::Picker, &key) {
        Some(Action::PickerUp) => list.cursor = list.cursor.saturating_sub(1),
        Some(Action::PickerDown) => list.cursor = (list.cursor + 1).min(last),
        Some(Action::PickerChoose) => {
            let Some(Overlay::Entries(list)) = app.overlay.take() else {
                return vec![];
            };
            app.read_entry(&list.text, list.cursor + 1);
        }
        _ => {}
    }
    vec![]
}

pub(super) fn draw_entries(list: &EntryList, frame: &mut Frame, area: Rect) {
    let rows = list.choices.labels.len() as u16;
    let rect = centered(area, area.width.saturating_sub(8).max(40), rows + 2);
    frame.render_widget(Clear, rect);
    let block = pane(
        "Requests pasted · ↑↓ select · Enter reads one · Esc cancels".to_string(),
        true,
    );
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let height = inner.height.max(1) as usize;
    // The selection stays on screen: the list scrolls a page at a time.
    let top = list.cursor / height * height;
    let width = inner.width as usize;
    let lines: Vec<Line> = list
        .choices
        .labels
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, label)| {
            let signed = list.choices.signed.contains(&i);
            let mark = if signed { "✓ " } else { "  " };
            let style = if i == list.cursor {
                Style::default().fg(Color::Black).bg(ACCENT)
            } else if signed {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            Line::from(Span::styled(fit(&format!("{mark}{label}"), width), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

//! The help overlay (F1): the scheme's own words first, then every key of the key table by
//! scope and the editors' keys, scrolled when it is longer than the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::app::{App, ViewState};
use crate::tui::keys::{self, Scope};
use crate::tui::widgets::{ACCENT, centered, pane, printable, wrap_words};

/// The scheme's own words, first in the help: its source, its notes (the traps of its
/// documents), and what each field and variant means.
fn scheme_help(app: &App, width: usize) -> Vec<Line<'static>> {
    let recipe = app.recipe();
    let head = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Span::styled(
        format!("This scheme: {} · {}", recipe.id, recipe.name),
        head,
    ))];
    let indent = 12;
    let text_width = width.saturating_sub(indent + 2).max(20);
    let item = |label: String, text: &str, lines: &mut Vec<Line<'static>>| {
        // A name longer than the label column has a line of its own.
        let long = label.chars().count() > indent - 3;
        if long {
            lines.push(Line::from(Span::styled(format!("  {label}"), bold)));
        }
        for (i, l) in wrap_words(&printable(text), text_width)
            .into_iter()
            .enumerate()
        {
            let left = if i == 0 && !long {
                label.clone()
            } else {
                String::new()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {left:w$}", w = indent - 2), bold),
                Span::raw(l),
            ]));
        }
    };
    if !recipe.description.is_empty() {
        item("recipe".into(), &recipe.description, &mut lines);
    }
    if let Some(source) = &recipe.source {
        item("source".into(), source, &mut lines);
    }
    for note in &recipe.notes {
        item("note".into(), &format!("• {note}"), &mut lines);
    }
    for f in &recipe.fields {
        let text = match &f.help {
            Some(h) => format!("{}: {h}", f.label),
            None => f.label.clone(),
        };
        item(f.name.clone(), &text, &mut lines);
    }
    for v in &recipe.variants {
        let text = format!(
            "{} ({})",
            v.help.as_deref().unwrap_or("a variant"),
            v.choices.join(" | ")
        );
        item(v.name.clone(), &text, &mut lines);
    }
    lines
}

pub(super) fn draw_help(app: &App, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    let mut lines = scheme_help(app, area.width.min(100) as usize);
    for scope in [
        Scope::Global,
        Scope::Variants,
        Scope::Stages,
        Scope::Picker,
        Scope::CopyMenu,
        Scope::Help,
    ] {
        lines.push(Line::from(Span::styled(
            scope.title(),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        )));
        for b in keys::BINDINGS.iter().filter(|b| b.scope == scope) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:24}", b.keys_label),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(b.help),
            ]));
        }
    }
    lines.push(Line::from(Span::styled(
        "Editors",
        Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
    )));
    for (k, what) in [
        ("Ctrl-Z / Ctrl-U, Ctrl-R", "undo, redo"),
        (
            "arrows, Home, End",
            "move; Ctrl-A / Ctrl-E: start / end of line",
        ),
        (
            "Ctrl-K, Ctrl-W",
            "delete to the end of the line, delete a word",
        ),
        (
            "paste (terminal)",
            "bracketed paste inserts text as one edit",
        ),
        ("Enter in a field", "next field (fields are one line)"),
        (
            "a body over 64 KiB",
            "lighter editor: arrows, PgUp/PgDn, Ctrl-Z/R",
        ),
        (
            "a body not UTF-8: hex",
            "0-9 a-f overwrite a digit; Insert: insert mode",
        ),
        (
            "hex: Del / Backspace",
            "delete a byte; paste hex to insert; Ctrl-Z/R",
        ),
        (
            "hex: Home/End PgUp/PgDn",
            "row start/end, page; Ctrl-Home/End: first/last",
        ),
        ("mouse", "a click focuses a pane; wheel scrolls stages"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {k:24}"),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(what),
        ]));
    }
    let rect = centered(area, 100, lines.len() as u16 + 2);
    let room = rect.height.saturating_sub(2) as usize;
    let max_scroll = lines.len().saturating_sub(room);
    let scroll = view.help_scroll.min(max_scroll);
    view.help_scroll = scroll;
    view.help_page = room;
    let title = if max_scroll > 0 {
        format!(
            "Keys · lines {}–{} of {} · Up/Down/PgUp/PgDn · F1 or Esc closes",
            scroll + 1,
            scroll + room,
            lines.len()
        )
    } else {
        "Keys · F1 or Esc closes".to_string()
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(pane(title, true))
            .scroll((scroll as u16, 0)),
        rect,
    );
}

/// The help's keys: scrolling; any other key does nothing while it is open.
pub(super) fn on_key(
    app: &mut App,
    key: ratatui::crossterm::event::KeyEvent,
) -> Vec<crate::tui::app::Effect> {
    match keys::lookup(Scope::Help, &key) {
        Some(action) => app.act(action),
        None => vec![],
    }
}

//! The received-requests list (F11): a listener's captures, newest first; its keys move the
//! selection and Enter opens a request in the main screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::app::{App, ViewState};
use crate::tui::keys::{self, Scope};
use crate::tui::widgets::{centered, fit, pane, printable, wrap_words};

/// The received-requests list (F11): newest first, the selection on a row, its verdict below.
pub(super) fn draw_received(app: &App, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    let Some(r) = &app.received else { return };
    let rect = centered(
        area,
        area.width.saturating_sub(4).max(40),
        area.height.saturating_sub(4).max(8),
    );
    frame.render_widget(Clear, rect);
    let title = fit(
        &format!("{} · Enter opens · Esc closes", app.received_title()),
        rect.width.saturating_sub(2) as usize,
    );
    let block = pane(title, true);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let width = inner.width as usize;
    // The selected request's verdict at the bottom, in full.
    let detail: Vec<String> = r
        .row(r.cursor)
        .map(|c| {
            let mut d = vec![String::new()];
            match &c.verdict {
                Some(v) => {
                    d.push(format!(
                        "#{} from {} · {} {} · {} body bytes{} · answered {}",
                        c.seq,
                        c.peer,
                        c.method,
                        printable(&c.target),
                        c.body_len,
                        if c.chunked { " (chunked)" } else { "" },
                        c.status
                    ));
                    d.push(format!(
                        "received {}",
                        printable(v.received.as_deref().unwrap_or("-"))
                    ));
                    d.push(format!("computed {}", v.computed.as_deref().unwrap_or("-")));
                    d.extend(wrap_words(&printable(v.sentence()), width));
                    for n in &v.notes {
                        d.extend(wrap_words(&format!("note: {}", printable(n)), width));
                    }
                    if let Some(f) = &c.forwarded {
                        d.push(match f {
                            Ok(s) => format!("forwarded: the app answered {s}"),
                            Err(e) => format!("forward failed: {}", printable(e)),
                        });
                    }
                }
                None => {
                    d.push(format!(
                        "#{} from {} · refused with {}",
                        c.seq, c.peer, c.status
                    ));
                    d.extend(wrap_words(
                        &printable(c.problem.as_deref().unwrap_or("")),
                        width,
                    ));
                }
            }
            d
        })
        .unwrap_or_default();
    let list_rows = (inner.height as usize).saturating_sub(detail.len()).max(1);
    view.list_page = list_rows;
    let mut lines: Vec<Line> = Vec::new();
    if r.captures.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "Nothing yet. Send requests to http://{} (curl, your provider's test delivery, a tunnel).",
                r.addr
            ),
            Style::default().fg(Color::Gray),
        )));
    }
    let first = r.cursor.saturating_sub(list_rows.saturating_sub(1));
    for i in first..(first + list_rows).min(r.captures.len()) {
        let Some(c) = r.row(i) else { break };
        let (mark, mark_style) = match &c.verdict {
            Some(v) if v.matched() => ("✓", Style::default().fg(Color::Green)),
            Some(v) if v.outcome == crate::wire::verdict::Outcome::Mismatch => {
                ("✗", Style::default().fg(Color::Red))
            }
            _ => ("?", Style::default().fg(Color::Yellow)),
        };
        let scheme = c
            .verdict
            .as_ref()
            .and_then(|v| v.scheme.clone())
            .unwrap_or_else(|| "-".to_string());
        let sentence = match &c.verdict {
            Some(v) => v.sentence().to_string(),
            None => c.problem.clone().unwrap_or_default(),
        };
        let head = format!(
            "{} {:>5} {:<6} {:<28} {:<16} ",
            crate::wire::listen::clock_time(c.millis),
            c.seq,
            fit(if c.method.is_empty() { "-" } else { &c.method }, 6),
            fit(&printable(&c.target), 28),
            fit(&scheme, 16),
        );
        let rest = fit(
            &printable(&sentence),
            width.saturating_sub(head.chars().count() + 2),
        );
        let selected = i == r.cursor;
        let base = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(head, base),
            Span::styled(
                format!("{mark} "),
                base.patch(mark_style).add_modifier(Modifier::BOLD),
            ),
            Span::styled(rest, base),
        ]));
    }
    while lines.len() < list_rows {
        lines.push(Line::from(""));
    }
    lines.extend(detail.into_iter().map(Line::from));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The list's keys: the selection moves, Enter opens a request.
pub(super) fn on_key(
    app: &mut App,
    key: ratatui::crossterm::event::KeyEvent,
) -> Vec<crate::tui::app::Effect> {
    match keys::lookup(Scope::Received, &key) {
        Some(action) => app.act(action),
        None => vec![],
    }
}

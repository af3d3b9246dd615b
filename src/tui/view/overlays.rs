//! The boxes drawn over the screen: the paste boxes (F7's request, Alt-T's server string), the
//! received-requests list (F11), the copy menu (F9) and the scheme picker (F4). The help has a
//! file of its own.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{ACCENT, centered, fit, pane, printable, wrap_words};
use crate::tui::app::{App, Pick};
use crate::tui::keys::{self, Scope};

/// A box over the screen that text is pasted into (F7's request, Alt-T's server string).
pub(super) fn draw_paste_box(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    text: &ratatui_textarea::TextArea<'static>,
) {
    let rect = centered(
        area,
        area.width.saturating_sub(8).max(40),
        area.height.saturating_sub(6).max(8),
    );
    frame.render_widget(Clear, rect);
    let block = pane(title.to_string(), true);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(text, inner);
}

/// The received-requests list (F11): newest first, the selection on a row, its verdict below.
pub(super) fn draw_received(app: &App, frame: &mut Frame, area: Rect) {
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
    r.page.set(list_rows);
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

pub(super) fn draw_picker(app: &App, frame: &mut Frame, area: Rect) {
    let matches = app.picker_matches();
    let picker = app.picker.as_ref().expect("drawn only when open");
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

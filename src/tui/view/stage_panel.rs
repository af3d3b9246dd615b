//! The stage panel: each stage's header and content, scrolled (following the selection when it
//! moves), then where the signature is sent; or the error that keeps the inputs from signing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, Wrap};

use crate::sign;
use crate::tui::app::{App, Focus, ViewState};
use crate::tui::widgets::{ACCENT, pane};

pub(super) fn draw_stages(app: &App, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    let focused = app.focus == Focus::Stages;
    let trace = match &app.computed.result {
        Ok(t) => t,
        Err(e) => {
            let title = if app.catching_up() {
                "Stages · error · catching up…"
            } else {
                "Stages · error"
            };
            let block =
                pane(title.to_string(), focused).border_style(Style::default().fg(Color::Red));
            let text = vec![
                Line::from(Span::styled(
                    e.clone(),
                    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
                )),
                Line::from(""),
                Line::from(Span::styled(
                    "Your edits are kept; the stages come back as soon as the inputs sign.",
                    Style::default().fg(Color::DarkGray),
                )),
            ];
            frame.render_widget(
                Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
                area,
            );
            view.areas.stages = area;
            return;
        }
    };
    let inner_width = area.width.saturating_sub(3) as usize; // borders and the scrollbar
    let content_width = inner_width.saturating_sub(2).max(8);
    let height = area.height.saturating_sub(2) as usize;
    view.areas.stages = area;
    view.areas.stage_page = height.max(1);

    // The panel is a list of blocks: each stage's header and content, then where the result goes.
    let rows = match &view.stage_rows {
        Some((version, width, rows))
            if *version == app.computed.version && *width == content_width =>
        {
            rows.clone()
        }
        _ => {
            let rows = app.computed.rows(content_width);
            view.stage_rows = Some((app.computed.version, content_width, rows.clone()));
            rows
        }
    };
    let placement = placement_lines(trace, inner_width);
    let mut starts = Vec::with_capacity(rows.len());
    let mut total = 0usize;
    for r in &rows {
        starts.push(total);
        total += 1 + r;
    }
    let placement_start = total;
    total += placement.len();

    let max_scroll = total.saturating_sub(height);
    let mut scroll = view.stage_scroll.min(max_scroll);
    if view.follow_selection
        && let Some(&top) = starts.get(app.stage_cursor)
    {
        if top < scroll {
            scroll = top;
        } else if top >= scroll + height {
            scroll = (top + 1).saturating_sub(height);
        }
    }
    view.stage_scroll = scroll;

    let mut lines: Vec<Line<'static>> = Vec::with_capacity(height);
    for (i, view) in app.computed.views.iter().enumerate() {
        let start = starts[i];
        let end = start + 1 + rows[i];
        if end <= scroll || start >= scroll + height {
            continue;
        }
        if start >= scroll {
            let selected = i == app.stage_cursor;
            let style = if selected && focused {
                Style::default()
                    .fg(Color::Black)
                    .bg(ACCENT)
                    .add_modifier(Modifier::BOLD)
            } else if selected {
                Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
            } else {
                Style::default().add_modifier(Modifier::BOLD)
            };
            let marker = if selected { "▸ " } else { "  " };
            let header: String = view
                .header
                .chars()
                .take(inner_width.saturating_sub(2))
                .collect();
            let cut = if header.chars().count() < view.header.chars().count() {
                "…"
            } else {
                ""
            };
            lines.push(Line::from(vec![
                Span::styled(marker, style),
                Span::styled(format!("{header}{cut}"), style),
            ]));
        }
        let skip = scroll.saturating_sub(start + 1);
        let room = height - lines.len().min(height);
        for line in view.lines(content_width, skip, room) {
            let mut spans = vec![Span::raw("  ")];
            spans.extend(line.spans);
            lines.push(Line::from(spans));
        }
    }
    if placement_start + placement.len() > scroll {
        let skip = scroll.saturating_sub(placement_start);
        let room = height.saturating_sub(lines.len());
        lines.extend(placement.into_iter().skip(skip).take(room));
    }
    lines.truncate(height);

    let mut title = if total > height {
        format!(
            "Stages · rows {}–{} of {}",
            scroll + 1,
            (scroll + height).min(total),
            total
        )
    } else {
        "Stages".to_string()
    };
    if app.catching_up() {
        title.push_str(" · catching up…");
    }
    frame.render_widget(Paragraph::new(lines).block(pane(title, focused)), area);
    if total > height {
        let mut state = ScrollbarState::new(max_scroll + 1).position(scroll);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area.inner(ratatui::layout::Margin {
                vertical: 1,
                horizontal: 0,
            }),
            &mut state,
        );
    }
}

/// Where the signature goes, as lines (long values wrapped, never cut).
fn placement_lines(trace: &sign::Trace, width: usize) -> Vec<Line<'static>> {
    let p = &trace.placement;
    let mut lines = Vec::new();
    if p.headers.is_empty() && p.query.is_empty() && p.body_members.is_empty() {
        return lines;
    }
    lines.push(Line::from(Span::styled(
        "── sent as ──",
        Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
    )));
    let mut push = |label: String, value: &str| {
        let text = format!("{label}{value}");
        let chars: Vec<char> = text.chars().collect();
        for (i, chunk) in chars.chunks(width.max(8)).enumerate() {
            let s: String = chunk.iter().collect();
            if i == 0 {
                let split = label.chars().count().min(s.chars().count());
                let (l, v) = s.split_at(s.char_indices().nth(split).map_or(s.len(), |(b, _)| b));
                lines.push(Line::from(vec![
                    Span::styled(l.to_string(), Style::default().fg(Color::Green)),
                    Span::raw(v.to_string()),
                ]));
            } else {
                lines.push(Line::from(s));
            }
        }
    };
    for (n, v) in &p.query {
        push(format!("?{n}="), v);
    }
    for (n, v) in &p.headers {
        push(format!("{n}: "), v);
    }
    for (n, v) in &p.body_members {
        push(format!("body \"{n}\": "), v);
    }
    lines
}

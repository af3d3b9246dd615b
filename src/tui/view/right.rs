//! The right column laid out: the diagnosis above (F8, Alt-T), the stage panel, the answer to a
//! request sent (F12) beside or below it, and the expected signature at the bottom.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::expected::{draw_expected, expected_lines};
use super::stage_panel::draw_stages;
use crate::tui::app::{App, ViewState};
use crate::tui::widgets::{ACCENT, fit, pane};

pub(super) fn draw_right(app: &App, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    let inner_width = area.width.saturating_sub(2).max(1) as usize;
    let lines = expected_lines(app, inner_width);
    // Borders, the editor, then each line as many rows as it wraps to.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_width))
        .sum();
    let height = 3 + rows as u16;
    let diagnosis_rows = app.diagnosis.as_ref().map_or(0, |d| {
        let rows: usize = d
            .iter()
            .map(|l| l.chars().count().max(1).div_ceil(inner_width))
            .sum();
        (rows as u16 + 2).min(area.height / 2)
    });
    let [diagnosis, stages, expected] = Layout::vertical([
        Constraint::Length(diagnosis_rows),
        Constraint::Min(4),
        Constraint::Length(height),
    ])
    .areas(area);
    if let Some(d) = &app.diagnosis {
        let lines: Vec<Line> = d
            .iter()
            .map(|l| {
                let style = if l.starts_with("Explained") {
                    Style::default()
                        .fg(Color::Green)
                        .add_modifier(Modifier::BOLD)
                } else if l.starts_with("Not explained") {
                    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
                } else {
                    Style::default()
                };
                Line::from(Span::styled(l.clone(), style))
            })
            .collect();
        // Longer than its box: scrolled with Alt-Up/Alt-Down, the title says which rows.
        let total: usize = d
            .iter()
            .map(|l| l.chars().count().max(1).div_ceil(inner_width))
            .sum();
        let room = diagnosis.height.saturating_sub(2) as usize;
        let max_scroll = total.saturating_sub(room);
        let scroll = view.diagnosis_scroll.min(max_scroll);
        view.diagnosis_scroll = scroll;
        let title = if max_scroll > 0 {
            format!(
                "Diagnosis · rows {}–{} of {total} · Alt-Up/Down",
                scroll + 1,
                scroll + room
            )
        } else if app.messages_shown {
            "Messages (Alt-M)".to_string()
        } else {
            "Diagnosis (F8)".to_string()
        };
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll as u16, 0))
                .block(pane(title, false)),
            diagnosis,
        );
    }
    if app.response.is_some() || app.sending.is_some() {
        // The answer beside the stages when there is room, else below them.
        let [stages, answer] = if stages.width >= 100 {
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(stages)
        } else {
            Layout::vertical([Constraint::Min(4), Constraint::Percentage(45)]).areas(stages)
        };
        draw_stages(app, frame, stages, view);
        draw_response(app, frame, answer, view);
    } else {
        draw_stages(app, frame, stages, view);
    }
    draw_expected(app, frame, expected, lines, view);
}

/// The answer to the request sent (F12), or the request on its way.
fn draw_response(app: &App, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    let inner_width = area.width.saturating_sub(2).max(1) as usize;
    let room = area.height.saturating_sub(2) as usize;
    let (title, style, lines): (String, Style, Vec<Line>) = match (&app.sending, &app.response) {
        (Some(s), _) => (
            format!(
                "Sending to {} · {:.1} s · Esc cancels",
                s.target,
                (app.now_millis - s.started).max(0) as f64 / 1000.0
            ),
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            s.request.iter().map(|l| Line::from(l.clone())).collect(),
        ),
        (None, Some(r)) => {
            let style = if r.ok {
                Style::default()
                    .fg(Color::Green)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
            };
            let lines = r
                .lines
                .iter()
                .map(|l| {
                    let style = if l.starts_with("> ") {
                        Style::default().fg(Color::DarkGray)
                    } else if l.starts_with("< ") {
                        Style::default().fg(ACCENT)
                    } else if l.starts_with("The server's") {
                        Style::default()
                            .fg(Color::Yellow)
                            .add_modifier(Modifier::BOLD)
                    } else {
                        Style::default()
                    };
                    Line::from(Span::styled(l.clone(), style))
                })
                .collect();
            (format!("Answer {}", r.title), style, lines)
        }
        (None, None) => return,
    };
    let total: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_width))
        .sum();
    let max_scroll = total.saturating_sub(room);
    let scroll = view.response_scroll.min(max_scroll);
    view.response_scroll = scroll;
    // Where it scrolls, that is said before the timings, which may be cut.
    let title = if max_scroll > 0 {
        let (first, rest) = title.split_once(" · ").unwrap_or((&title, ""));
        format!(
            "{first} · rows {}–{} of {total} · Alt-Up/Down · {rest}",
            scroll + 1,
            (scroll + room).min(total)
        )
    } else {
        title
    };
    let title = fit(&title, area.width.saturating_sub(2) as usize);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(title, style));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(block),
        area,
    );
}

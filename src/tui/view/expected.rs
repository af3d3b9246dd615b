//! The expected-signature pane: its editor, then the verdict against the computed signature (a
//! mismatch shown where it starts), the age line and a bundle's verdict.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::sign::{self, Comparison};
use crate::tui::app::{App, Focus, ViewState};
use crate::tui::widgets::pane;

/// What the expected-signature pane says under its editor: the verdict and the age line.
pub(super) fn expected_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let expected_text = app.expected.lines().concat();
    let comparison = app
        .computed
        .result
        .as_ref()
        .ok()
        .filter(|_| !expected_text.trim().is_empty())
        .map(|t| sign::compare(app.recipe(), t.signature(), &expected_text));
    let mut lines = Vec::new();
    let signature = app
        .computed
        .result
        .as_ref()
        .map(|t| t.signature_text())
        .unwrap_or_default();
    // A public-key scheme verifies rather than computes: its verdict is in those words.
    let verifies = app
        .computed
        .result
        .as_ref()
        .is_ok_and(|t| app.recipe().public_key_under(&t.selection));
    match &comparison {
        None => {}
        Some(Comparison::Match) if verifies => lines.push(Line::from(Span::styled(
            "✓ verifies with the public key",
            Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
        ))),
        Some(Comparison::Mismatch { .. }) if verifies => {
            let why = signature
                .strip_prefix(expected_text.trim())
                .filter(|r| !r.is_empty() && !expected_text.trim().is_empty())
                .map(|r| format!("✗ the signature verifies, but{r}"))
                .unwrap_or_else(|| {
                    "✗ does not verify with this key (the signature stage says why)".to_string()
                });
            lines.push(Line::from(Span::styled(
                why,
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            )));
        }
        Some(Comparison::Match) => lines.push(Line::from(Span::styled(
            "✓ match",
            Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
        ))),
        Some(Comparison::Equivalent(why)) => lines.push(Line::from(vec![
            Span::styled(
                "✓ match",
                Style::default()
                    .fg(Color::Green)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!(" · {why}"), Style::default().fg(Color::Green)),
        ])),
        Some(Comparison::Mismatch {
            at,
            computed_len,
            expected_len,
        }) => {
            lines.push(Line::from(Span::styled(
                format!(
                    "✗ mismatch at character {} (lengths {computed_len}, {expected_len})",
                    at + 1
                ),
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            )));
            let expected_text = app.expected.lines().concat();
            let expected_text = expected_text.trim();
            let room = width.saturating_sub(12);
            lines.push(diff_line("computed  ", &signature, *at, room));
            lines.push(diff_line("expected  ", expected_text, *at, room));
        }
    }
    if let Some((text, ok)) = app.age_line() {
        let color = if ok { Color::Green } else { Color::Yellow };
        lines.push(Line::from(Span::styled(text, Style::default().fg(color))));
    }
    // Opened from a bundle: what its fingerprints say of this trace.
    if let (Some(bundle), Ok(trace)) = (&app.bundle, &app.computed.result) {
        let verdict = bundle.verdict(trace);
        let color = if bundle.differing_stages(trace).is_empty() {
            Color::Green
        } else {
            Color::Yellow
        };
        lines.push(Line::from(Span::styled(
            format!("bundle: {verdict}"),
            Style::default().fg(color),
        )));
    }
    lines
}

pub(super) fn draw_expected(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    view: &mut ViewState,
) {
    let block = pane(
        "Expected signature".to_string(),
        app.focus == Focus::Expected,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    view.areas.expected = area;
    let [editor, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(&app.expected, editor);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
}

/// One side of a mismatch, scrolled so the first difference shows, highlighted.
fn diff_line(label: &'static str, text: &str, at: usize, room: usize) -> Line<'static> {
    let chars: Vec<char> = text.chars().collect();
    let start = at
        .saturating_sub(room / 2)
        .min(chars.len().saturating_sub(room.min(chars.len())));
    let end = (start + room).min(chars.len());
    let before: String = chars[start..at.min(end)].iter().collect();
    let diff: String = chars.get(at).map_or("∅".to_string(), |c| c.to_string());
    let after: String = chars
        .get(at + 1..end.max(at + 1))
        .map_or(String::new(), |s| s.iter().collect());
    Line::from(vec![
        Span::styled(label, Style::default().fg(Color::Gray)),
        Span::raw(if start > 0 {
            format!("…{before}")
        } else {
            before
        }),
        Span::styled(
            diff,
            Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(if end < chars.len() {
            format!("{after}…")
        } else {
            after
        }),
    ])
}

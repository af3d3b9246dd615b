//! The bars around the panes: the title line at the top (the scheme, a listener's state), the
//! status line and the key hints below, in the widest form that fits.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::keys;
use crate::tui::widgets::{ACCENT, fit};

pub(super) fn draw_title(app: &App, frame: &mut Frame, area: Rect) {
    let r = app.recipe();
    let line = Line::from(vec![
        Span::styled(
            " sigscope ",
            Style::default()
                .fg(Color::Black)
                .bg(ACCENT)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(r.id.clone(), Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" · {}", r.name)),
    ]);
    let mut spans = line.spans;
    if let Some(r) = &app.received {
        let text = if r.unseen > 0 {
            format!("  ● listening :{} · {} new (F11)", r.addr.port(), r.unseen)
        } else {
            format!("  ● listening :{}", r.addr.port())
        };
        spans.push(Span::styled(text, Style::default().fg(Color::Green)));
    }
    let line = Line::from(spans);
    let hint = "  (F4: scheme)";
    let line = if line.width() + hint.len() <= area.width as usize {
        let mut spans = line.spans;
        spans.push(Span::styled(hint, Style::default().fg(Color::DarkGray)));
        Line::from(spans)
    } else {
        line
    };
    frame.render_widget(Paragraph::new(line), area);
}

pub(super) fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let (text, style) = match app.fresh_status() {
        Some(s) => (
            s.text.clone(),
            Style::default().fg(if s.error { Color::Red } else { Color::Green }),
        ),
        None => (
            app.recipe().description.clone(),
            Style::default().fg(Color::DarkGray),
        ),
    };
    // One row: a longer message ends in an ellipsis rather than being cut without a sign.
    let text = fit(&text, area.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
}

/// The main keys, as many whole ones as fit; F1 (help lists the rest) always shows.
/// The key hints, in the widest form that fits: every key with its words; then shorter words
/// (`F5 hdrs`); then the function keys alone, with F1 to say what they do. F1 help is always
/// there, last.
pub(super) fn draw_footer(frame: &mut Frame, area: Rect) {
    let room = area.width as usize;
    let items = keys::footer();
    let short = |key: &'static str, word: &'static str| -> (&'static str, &'static str) {
        let key = if key == "Ctrl-C" { "^C" } else { key };
        // `F11 / Alt-L`: the F-key (the help names the other).
        let key = key.split(" / ").next().unwrap_or(key);
        let word = match word {
            "copy headers" => "hdrs",
            "copy stage" => "stage",
            "request" => "req",
            "diagnose" => "diag",
            "copy as" => "copy",
            "reveal" => "show",
            w => w,
        };
        (key, word)
    };
    let full: Vec<(&str, String)> = items
        .iter()
        .map(|&(k, w)| (k.split(" / ").next().unwrap_or(k), format!(" {w}  ")))
        .collect();
    let compact: Vec<(&str, String)> = items
        .iter()
        .filter(|(k, _)| *k != "Tab")
        .map(|&(k, w)| {
            let (k, w) = short(k, w);
            (k, format!(" {w} "))
        })
        .collect();
    let keys_only: Vec<(&str, String)> = items
        .iter()
        .filter(|(k, _)| *k != "Tab")
        .map(|&(k, w)| {
            let (k, w) = short(k, w);
            let word = if k.starts_with('F') && k != "F1" {
                " ".to_string()
            } else {
                format!(" {w} ")
            };
            (k, word)
        })
        .collect();
    // The columns a form takes, without the gap after its last hint.
    let width = |list: &[(&str, String)]| -> usize {
        let gap = list.last().map_or(0, |(_, w)| w.len() - w.trim_end().len());
        list.iter()
            .map(|(k, w)| k.chars().count() + w.chars().count())
            .sum::<usize>()
            - gap
    };
    // Where the compact form does not fit (80 columns), it goes without the wire's keys (F11,
    // F12; the help lists them) before it goes without words.
    let without_wire: Vec<(&str, String)> = compact
        .iter()
        .filter(|(k, _)| !matches!(*k, "F11" | "F12"))
        .cloned()
        .collect();
    let chosen = [full, compact, without_wire]
        .into_iter()
        .find(|l| width(l) <= room)
        .unwrap_or(keys_only);
    // Help last, whatever the order of the bindings.
    let (mut rest, help): (Vec<_>, Vec<_>) = chosen.into_iter().partition(|(k, _)| *k != "F1");
    rest.extend(help);
    let mut spans = Vec::new();
    for (key, word) in rest {
        spans.push(Span::styled(
            key,
            Style::default().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(
            word.trim_end().to_string() + if word.ends_with("  ") { "  " } else { " " },
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

//! Draws the app: title, inputs on the left, the live stage panel and the expected signature on
//! the right, status and footer below, the help and the scheme picker as overlays.
//!
//! This file lays the screen out and holds what every part draws with (the pane block, a
//! centred box, text fitted to its room); each part is drawn in its own file: `status` (the
//! title line, the status line and the key hints), `inputs` (the left column's editors),
//! `right` (the right column: the diagnosis, the answer to a request sent), `stage_panel`,
//! `expected` (the expected signature and its verdict), `overlays` (the picker, the paste
//! boxes, the copy menu, the received list) and `help`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

mod expected;
mod help;
mod inputs;
mod overlays;
mod right;
mod stage_panel;
mod status;

use super::app::{App, Areas};
use help::draw_help;
use inputs::draw_inputs;
use overlays::{draw_copy_menu, draw_paste_box, draw_picker, draw_received};
use right::draw_right;
use status::{draw_footer, draw_status, draw_title};

const ACCENT: Color = Color::Cyan;

fn pane(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(Color::Gray)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(title, style))
}

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    draw_coloured(app, frame);
    if app.no_color {
        without_colours(frame.buffer_mut());
    }
}

/// NO_COLOR means no colour, not no emphasis: a coloured background becomes reverse video, an
/// accent or signal colour becomes bold, grey becomes dim; every colour is then removed.
pub fn without_colours(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        let mut m = cell.modifier;
        if cell.bg != Color::Reset {
            m.toggle(Modifier::REVERSED);
        } else {
            match cell.fg {
                Color::Reset | Color::White => {}
                Color::Gray | Color::DarkGray => m.insert(Modifier::DIM),
                _ => m.insert(Modifier::BOLD),
            }
        }
        cell.modifier = m;
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
        cell.underline_color = Color::Reset;
    }
}

fn draw_coloured(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let mut areas = Areas::default();
    let [title, main, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    areas.title = title;
    draw_title(app, frame, title);

    let left_width = (area.width * 42 / 100)
        .clamp(30.min(area.width / 2), area.width / 2)
        .max(24);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(main);
    draw_inputs(app, frame, left, &mut areas);
    draw_right(app, frame, right, &mut areas);
    draw_status(app, frame, status);
    draw_footer(frame, footer);
    if let Some(_picker) = &app.picker {
        draw_picker(app, frame, area);
    }
    if let Some(b) = &app.request_box {
        let title = if app.learn_box {
            "Learn: paste a genuine request of the unknown provider · F7 learns · Esc cancels"
        } else {
            "Paste a raw HTTP request or a curl command line · F7 reads it · Esc cancels"
        };
        draw_paste_box(frame, area, title, b);
    }
    if let Some(b) = &app.theirs_box {
        draw_paste_box(
            frame,
            area,
            "Paste the string the server says it signed · Alt-T compares · Esc cancels",
            b,
        );
    }
    if app.list_open {
        draw_received(app, frame, area);
    }
    if app.copy_menu {
        draw_copy_menu(app, frame, area);
    }
    if app.help {
        draw_help(app, frame, area);
    }
    *app.areas.borrow_mut() = areas;
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Words wrapped to lines of at most `width` characters (a longer word has a line of its own).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Text cut to `room` characters, with `…` where it was cut.
fn fit(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(room.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn printable(text: &str) -> String {
    crate::sign::visible::printable(text).into_owned()
}

//! Draws the app: title, inputs on the left, the live stage panel and the expected signature on
//! the right, status and footer below, the help and the scheme picker as overlays.
//!
//! This file lays the screen out (what every part draws with is in `widgets`); each part is
//! drawn in its own file: `status` (the title line, the status line and the key hints),
//! `inputs` (the left column's editors), `right` (the right column: the diagnosis, the answer
//! to a request sent), `stage_panel` and `expected` (the expected signature and its verdict).
//! The overlays draw themselves (`app::overlay`, a file each with its keys). The view's
//! scratch state ([`ViewState`]) is passed `&mut` to drawing; nothing here changes the app.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier};

mod expected;
mod inputs;
mod right;
mod stage_panel;
mod status;

use super::app::{App, Areas, ViewState};
use inputs::draw_inputs;
use right::draw_right;
use status::{draw_footer, draw_status, draw_title};

/// Draws the whole screen.
/// Draws the whole screen. The view's scratch state is taken out of the app for the frame
/// and put back with what drawing laid out (scroll positions clamped, the panes' places).
pub fn draw(app: &mut App, frame: &mut Frame) {
    let mut view = std::mem::take(&mut app.view);
    draw_coloured(app, &mut view, frame);
    app.view = view;
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

fn draw_coloured(app: &App, view: &mut ViewState, frame: &mut Frame) {
    let area = frame.area();
    view.areas = Areas::default();
    let [title, main, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    view.areas.title = title;
    draw_title(app, frame, title);

    let left_width = (area.width * 42 / 100)
        .clamp(30.min(area.width / 2), area.width / 2)
        .max(24);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(main);
    draw_inputs(app, frame, left, view);
    draw_right(app, frame, right, view);
    draw_status(app, frame, status);
    draw_footer(frame, footer);
    super::app::overlay::draw(app, frame, area, view);
}

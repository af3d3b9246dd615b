//! The paste boxes drawn over the screen: F7's request (or the request to learn from) and
//! Alt-T's server string; their keys go to the box's editor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use crate::tui::widgets::{centered, pane};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

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

/// A key for a paste box's editor (Ctrl-Z undoes).
pub(super) fn on_key(b: &mut TextArea<'static>, key: KeyEvent) {
    if key.code == KeyCode::Char('z') && key.modifiers == KeyModifiers::CONTROL {
        b.undo();
    } else {
        b.input(key);
    }
}

/// A paste into Alt-T's box. tmux's paste sends line ends as CR: a string with CRs and no LF
/// at all came that way (a canonical string's lines end in LF), and is read with LF; what is
/// then said on the status line.
pub(super) fn into_theirs(b: &mut TextArea<'static>, text: &str) -> Option<&'static str> {
    let (text, said) = if text.contains('\r') && !text.contains('\n') {
        (
            text.replace('\r', "\n"),
            Some("the paste had CR line ends and no LF (a terminal's paste): read as LF"),
        )
    } else {
        (text.to_string(), None)
    };
    // ratatui-textarea's insert_str drops one CR before each LF; doubled, it stays.
    b.insert_str(text.replace("\r\n", "\r\r\n"));
    said
}

/// A paste into F7's box. A request's head may come with CR line ends (tmux's paste): the
/// reader takes CR, LF and CRLF alike.
pub(super) fn into_request(b: &mut TextArea<'static>, text: &str) {
    let text = crate::request::import::head_with_lf(text).unwrap_or_else(|| text.to_string());
    b.insert_str(text.replace("\r\n", "\r\r\n"));
}

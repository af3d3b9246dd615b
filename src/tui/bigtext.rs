//! An editor for large bodies (over 64 KiB). ratatui-textarea re-lays out the whole text on every
//! edit and walks every grapheme of the cursor's line on every frame, which costs tens of
//! milliseconds for a 1 MiB one-line body. This one keeps the text as one string, wraps it at the
//! pane's width and lays out only the rows on screen; lines of ASCII are wrapped by arithmetic.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::StatefulWidget;
use unicode_width::UnicodeWidthChar;

/// One edit, for undo and redo.
#[derive(Debug, Clone)]
enum Edit {
    Insert { at: usize, text: String },
    Delete { at: usize, text: String },
}

/// A large text with a cursor (a byte offset on a character boundary).
#[derive(Debug)]
pub struct BigText {
    text: String,
    cursor: usize,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// The size of the last frame (for page moves), as the view recorded it.
    page: (usize, usize),
    pub focused: bool,
}

impl BigText {
    pub fn new(text: String) -> BigText {
        BigText {
            text,
            cursor: 0,
            undo: Vec::new(),
            redo: Vec::new(),
            page: (80, 10),
            focused: false,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Puts the cursor at a byte offset (moved back to a character boundary).
    pub fn set_cursor(&mut self, mut at: usize) {
        at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        self.cursor = at;
    }

    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::Insert { at, text } => {
                self.text.insert_str(*at, text);
                self.cursor = at + text.len();
            }
            Edit::Delete { at, text } => {
                self.text.replace_range(*at..*at + text.len(), "");
                self.cursor = *at;
            }
        }
    }

    fn edit(&mut self, edit: Edit) -> bool {
        self.apply(&edit);
        self.undo.push(edit);
        self.redo.clear();
        true
    }

    /// Inserts text at the cursor, as one edit.
    pub fn insert_str(&mut self, s: &str) -> bool {
        if s.is_empty() {
            return false;
        }
        self.edit(Edit::Insert {
            at: self.cursor,
            text: s.to_string(),
        })
    }

    pub fn undo(&mut self) -> bool {
        let Some(edit) = self.undo.pop() else {
            return false;
        };
        let inverse = match &edit {
            Edit::Insert { at, text } => Edit::Delete {
                at: *at,
                text: text.clone(),
            },
            Edit::Delete { at, text } => Edit::Insert {
                at: *at,
                text: text.clone(),
            },
        };
        self.apply(&inverse);
        self.redo.push(edit);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(edit) = self.redo.pop() else {
            return false;
        };
        self.apply(&edit);
        self.undo.push(edit);
        true
    }

    fn prev_boundary(&self, at: usize) -> usize {
        self.text[..at]
            .chars()
            .next_back()
            .map_or(0, |c| at - c.len_utf8())
    }

    fn next_boundary(&self, at: usize) -> usize {
        self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8())
    }

    fn line_start(&self, at: usize) -> usize {
        self.text[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self, at: usize) -> usize {
        self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i)
    }

    /// Handles a key; returns whether the text changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let (width, height) = self.page;
        match key.code {
            KeyCode::Char('z' | 'u') if ctrl => self.undo(),
            KeyCode::Char('r' | 'y') if ctrl => self.redo(),
            KeyCode::Char('a') if ctrl => {
                self.cursor = self.line_start(self.cursor);
                false
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.line_end(self.cursor);
                false
            }
            KeyCode::Char(c) if !ctrl && !alt => self.insert_str(c.encode_utf8(&mut [0; 4])),
            KeyCode::Enter => self.insert_str("\n"),
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.prev_boundary(self.cursor);
                let text = self.text[at..self.cursor].to_string();
                self.edit(Edit::Delete { at, text })
            }
            KeyCode::Delete if self.cursor < self.text.len() => {
                let end = self.next_boundary(self.cursor);
                let text = self.text[self.cursor..end].to_string();
                self.edit(Edit::Delete {
                    at: self.cursor,
                    text,
                })
            }
            KeyCode::Left => {
                self.cursor = self.prev_boundary(self.cursor);
                false
            }
            KeyCode::Right => {
                self.cursor = self.next_boundary(self.cursor);
                false
            }
            KeyCode::Home if ctrl => {
                self.cursor = 0;
                false
            }
            KeyCode::End if ctrl => {
                self.cursor = self.text.len();
                false
            }
            KeyCode::Home => {
                self.cursor = self.line_start(self.cursor);
                false
            }
            KeyCode::End => {
                self.cursor = self.line_end(self.cursor);
                false
            }
            KeyCode::Up => {
                self.move_rows(-1, width);
                false
            }
            KeyCode::Down => {
                self.move_rows(1, width);
                false
            }
            KeyCode::PageUp => {
                self.move_rows(-(height.max(2) as isize - 1), width);
                false
            }
            KeyCode::PageDown => {
                self.move_rows(height.max(2) as isize - 1, width);
                false
            }
            _ => false,
        }
    }

    /// Moves the cursor `n` rows down (up when negative), keeping its column where it can.
    fn move_rows(&mut self, n: isize, width: usize) {
        let (row, col) = self.position(self.cursor, width);
        let target = (row as isize + n).max(0) as usize;
        self.cursor = self.offset_at(target, col, width);
    }

    /// The (row, column) of a byte offset, with lines wrapped at `width` columns.
    pub fn position(&self, at: usize, width: usize) -> (usize, usize) {
        let mut row = 0;
        let mut start = 0;
        loop {
            let end = self.line_end(start);
            if at <= end {
                let (r, c) = wrap_within(&self.text[start..end], at - start, width);
                return (row + r, c);
            }
            row += line_rows(&self.text[start..end], width);
            start = end + 1;
        }
    }

    /// The byte offset at a (row, column), clamped to the text.
    fn offset_at(&self, target: usize, col: usize, width: usize) -> usize {
        let mut row = 0;
        let mut start = 0;
        loop {
            let end = self.line_end(start);
            let rows = line_rows(&self.text[start..end], width);
            if target < row + rows || end == self.text.len() {
                let line = &self.text[start..end];
                return start + offset_in_line(line, (target - row).min(rows - 1), col, width);
            }
            row += rows;
            start = end + 1;
        }
    }

    /// The rows `top..top + height` as (text, byte offset of the row's start).
    fn rows(&self, top: usize, height: usize, width: usize) -> Vec<(&str, usize)> {
        let mut out = Vec::with_capacity(height);
        let mut row = 0;
        let mut start = 0;
        loop {
            let end = self.line_end(start);
            let line = &self.text[start..end];
            if row >= top {
                // A line that starts on screen is walked only as far as the screen shows it (a
                // 1 MiB line of non-ASCII text is not walked to its end on every frame).
                let mut starts = row_starts(line, width).peekable();
                while let Some(a) = starts.next() {
                    if out.len() == height {
                        return out;
                    }
                    let b = starts.peek().copied().unwrap_or(line.len());
                    out.push((&line[a..b], start + a));
                    row += 1;
                }
                if end == self.text.len() || out.len() == height {
                    return out;
                }
                start = end + 1;
                continue;
            }
            let rows = line_rows(line, width);
            if row + rows > top {
                for r in top.saturating_sub(row)..rows {
                    if out.len() == height {
                        return out;
                    }
                    let a = offset_in_line(line, r, 0, width);
                    let b = if r + 1 < rows {
                        offset_in_line(line, r + 1, 0, width)
                    } else {
                        line.len()
                    };
                    out.push((&line[a..b], start + a));
                }
            }
            row += rows;
            if end == self.text.len() || out.len() == height {
                return out;
            }
            start = end + 1;
        }
    }
}

/// The byte offsets at which the rows of a line wrapped at `width` start (0 first, always).
fn row_starts(line: &str, width: usize) -> Box<dyn Iterator<Item = usize> + '_> {
    if line.is_ascii() {
        let rows = line.len().div_ceil(width).max(1);
        return Box::new((0..rows).map(move |r| r * width));
    }
    let mut col = 0;
    Box::new(
        std::iter::once(0).chain(line.char_indices().filter_map(move |(i, c)| {
            let w = c.width().unwrap_or(0);
            let wraps = col + w > width;
            if wraps {
                col = 0;
            }
            col += w;
            (wraps && i > 0).then_some(i)
        })),
    )
}

/// Rows a line takes at a width (at least one).
fn line_rows(line: &str, width: usize) -> usize {
    if line.is_ascii() {
        return line.len().div_ceil(width).max(1);
    }
    let mut rows = 1;
    let mut col = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if col + w > width {
            rows += 1;
            col = 0;
        }
        col += w;
    }
    rows
}

/// The (row, column) of byte `at` within a line wrapped at `width`. At the end of a full row the
/// cursor stands at the start of the next.
fn wrap_within(line: &str, at: usize, width: usize) -> (usize, usize) {
    if line.is_ascii() {
        return (at / width, at % width);
    }
    let (mut row, mut col) = (0, 0);
    for (i, c) in line.char_indices() {
        let w = c.width().unwrap_or(0);
        if col + w > width {
            row += 1;
            col = 0;
        }
        if i == at {
            return (row, col);
        }
        col += w;
    }
    if col >= width {
        (row + 1, 0)
    } else {
        (row, col)
    }
}

/// The byte offset within a line of (row, column), clamped to the row.
fn offset_in_line(line: &str, row: usize, col: usize, width: usize) -> usize {
    if line.is_ascii() {
        let row_start = row * width;
        return (row_start + col).min(line.len()).min(row_start + width);
    }
    let (mut r, mut c) = (0, 0);
    for (i, ch) in line.char_indices() {
        let w = ch.width().unwrap_or(0);
        if c + w > width {
            if r == row {
                return i;
            }
            r += 1;
            c = 0;
        }
        if r == row && c >= col {
            return i;
        }
        c += w;
    }
    line.len()
}

/// Where a [`BigText`] was drawn: its first row on screen and the size of the frame (the
/// view's scratch state; the update passes the size back with [`BigText::set_page`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BigView {
    pub top: usize,
    pub size: (usize, usize),
}

impl Default for BigView {
    fn default() -> BigView {
        BigView {
            top: 0,
            size: (80, 10),
        }
    }
}

impl BigText {
    /// The size of the frame it was last drawn in, for page moves.
    pub fn set_page(&mut self, size: (usize, usize)) {
        self.page = size;
    }
}

impl StatefulWidget for &BigText {
    type State = BigView;

    fn render(self, area: Rect, buf: &mut Buffer, view: &mut BigView) {
        let width = area.width.max(1) as usize;
        let height = area.height as usize;
        view.size = (width, height);
        // Keep the cursor's row on screen.
        let (cursor_row, cursor_col) = self.position(self.cursor, width);
        let mut top = view.top;
        if cursor_row < top {
            top = cursor_row;
        } else if cursor_row >= top + height.max(1) {
            top = cursor_row + 1 - height.max(1);
        }
        view.top = top;
        for (i, (row, _)) in self.rows(top, height, width).into_iter().enumerate() {
            let shown: String = row
                .chars()
                .map(|c| if c.is_control() { '·' } else { c })
                .collect();
            buf.set_stringn(area.x, area.y + i as u16, shown, width, Style::default());
        }
        if self.focused && cursor_row >= top && cursor_row < top + height {
            let x = area.x + cursor_col.min(width - 1) as u16;
            let y = area.y + (cursor_row - top) as u16;
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_style(
                    Style::default()
                        .add_modifier(Modifier::REVERSED)
                        .fg(Color::Reset),
                );
                if cell.symbol().is_empty() {
                    cell.set_symbol(" ");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_deleting_and_undo() {
        let mut t = BigText::new("ab\ncd".into());
        t.input(key(KeyCode::End));
        t.input(key(KeyCode::Char('é')));
        assert_eq!(t.text(), "abé\ncd");
        t.input(key(KeyCode::Backspace));
        t.input(key(KeyCode::Backspace));
        assert_eq!(t.text(), "a\ncd");
        t.input(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
        t.input(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
        assert_eq!(t.text(), "abé\ncd");
        t.input(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
        assert_eq!(t.text(), "ab\ncd");
        t.input(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL));
        t.insert_str("\r\nx");
        assert_eq!(t.text(), "ab\ncd\r\nx");
    }

    #[test]
    fn rows_wrap_and_up_down_keep_the_column() {
        let t = BigText::new(format!("{}\n{}", "a".repeat(25), "b".repeat(3)));
        let rows: Vec<&str> = t.rows(0, 10, 10).into_iter().map(|(r, _)| r).collect();
        assert_eq!(rows, ["aaaaaaaaaa", "aaaaaaaaaa", "aaaaa", "bbb"]);
        assert_eq!(
            t.rows(2, 2, 10).iter().map(|(r, _)| *r).collect::<Vec<_>>(),
            ["aaaaa", "bbb"]
        );
        let mut t = t;
        t.set_page((10, 5));
        t.set_cursor(13); // row 1, column 3
        assert_eq!(t.position(t.cursor(), 10), (1, 3));
        t.input(key(KeyCode::Down));
        assert_eq!(t.position(t.cursor(), 10), (2, 3));
        t.input(key(KeyCode::Down));
        assert_eq!(t.position(t.cursor(), 10), (3, 3)); // the end of "bbb"
        t.input(key(KeyCode::Up));
        t.input(key(KeyCode::Up));
        assert_eq!(t.position(t.cursor(), 10), (1, 3));
    }

    #[test]
    fn wide_characters_wrap_whole() {
        let t = BigText::new("测试测试测".into());
        let rows: Vec<&str> = t.rows(0, 5, 4).into_iter().map(|(r, _)| r).collect();
        assert_eq!(rows, ["测试", "测试", "测"]);
        assert_eq!(t.position(6, 4), (1, 0));
    }
}

//! A hex editor for bytes that are not UTF-8 (a body a text editor cannot hold): classic hex-dump
//! rows (offset, bytes in hex, the same bytes as ASCII), a cursor on one nibble, overwrite or
//! insert typing. The rows shown follow the cursor through a `top` the key handler keeps, given
//! the pane's size; drawing only reads (a resize between keys is made up for when drawing).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;

/// Bytes with a cursor. The cursor is a byte index in `0..=len`: at `len` it stands after the
/// last byte, where typing appends.
#[derive(Debug, Clone, Default)]
pub struct HexEditor {
    bytes: Vec<u8>,
    cursor: usize,
    /// On the low (second) hex digit of the byte under the cursor.
    low: bool,
    /// Typing at a byte's first digit inserts a new byte rather than overwriting.
    insert: bool,
    /// The offset of the first row on screen, as the last key left it.
    top: usize,
    undo: Vec<Splice>,
    redo: Vec<Splice>,
}

/// One change of the bytes, for undo and redo.
#[derive(Debug, Clone)]
struct Splice {
    at: usize,
    removed: Vec<u8>,
    inserted: Vec<u8>,
    /// The cursor before and after the change.
    before: (usize, bool),
    after: (usize, bool),
}

/// How a pane of some width lays out the rows: the offset's hex digits and the bytes per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub digits: usize,
    pub per_row: usize,
}

impl Layout {
    /// The most bytes per row (16, 8, 4, 2 or 1) that fit in `width` columns, for `len` bytes.
    pub fn new(width: u16, len: usize) -> Layout {
        let digits = format!("{len:x}").len().max(4);
        let per_row = [16, 8, 4, 2]
            .into_iter()
            .find(|&n| row_width(digits, n) <= width as usize)
            .unwrap_or(1);
        Layout { digits, per_row }
    }

    /// Where a byte's first hex digit is drawn, from the row's start.
    fn hex_column(&self, i: usize) -> usize {
        self.digits + 2 + 3 * i
    }

    /// Where a byte's ASCII character is drawn, from the row's start.
    fn ascii_column(&self, i: usize) -> usize {
        self.digits + 2 + 3 * self.per_row - 1 + 2 + i
    }
}

/// A row's width: the offset, two spaces, the bytes as `xx` one space apart, two spaces, ASCII.
fn row_width(digits: usize, per_row: usize) -> usize {
    digits + 2 + 3 * per_row - 1 + 2 + per_row
}

impl HexEditor {
    pub fn new(bytes: Vec<u8>) -> HexEditor {
        HexEditor {
            bytes,
            ..HexEditor::default()
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The cursor: a byte index, and whether it is on that byte's low digit.
    pub fn cursor(&self) -> (usize, bool) {
        (self.cursor, self.low)
    }

    pub fn insert_mode(&self) -> bool {
        self.insert
    }

    /// The layout for a pane `width` columns wide.
    pub fn layout(&self, width: u16) -> Layout {
        Layout::new(width, self.bytes.len())
    }

    /// One key, in a pane of `width` × `height` (inside its border). Returns whether the bytes
    /// changed.
    pub fn input(&mut self, key: KeyEvent, width: u16, height: u16) -> bool {
        let per_row = self.layout(width).per_row;
        let page = per_row * (height as usize).max(1);
        let len = self.bytes.len();
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let mut changed = false;
        match key.code {
            KeyCode::Left if self.low => self.low = false,
            KeyCode::Left if self.cursor > 0 => {
                self.cursor -= 1;
                self.low = true;
            }
            KeyCode::Right if !self.low && self.cursor < len => self.low = true,
            KeyCode::Right if self.cursor < len => {
                self.cursor += 1;
                self.low = false;
            }
            KeyCode::Up if self.cursor >= per_row => self.cursor -= per_row,
            KeyCode::Down => self.move_to(self.cursor + per_row),
            KeyCode::PageUp => self.cursor = self.cursor.saturating_sub(page),
            KeyCode::PageDown => self.move_to(self.cursor + page),
            KeyCode::Home if ctrl => self.move_to(0),
            KeyCode::End if ctrl => self.move_to(len),
            KeyCode::Home => self.move_to(self.cursor - self.cursor % per_row),
            KeyCode::Char('a') if ctrl => self.move_to(self.cursor - self.cursor % per_row),
            KeyCode::End => self.go_row_end(per_row),
            KeyCode::Char('e') if ctrl => self.go_row_end(per_row),
            KeyCode::Insert => self.insert = !self.insert,
            KeyCode::Char('z') if ctrl => changed = self.step_history(true),
            KeyCode::Char('r' | 'y') if ctrl => changed = self.step_history(false),
            KeyCode::Backspace if self.low => {
                // Mid-byte: the byte being typed goes.
                changed = self.delete(self.cursor);
            }
            KeyCode::Backspace if self.cursor > 0 => changed = self.delete(self.cursor - 1),
            KeyCode::Delete => changed = self.delete(self.cursor),
            KeyCode::Char(c) if !ctrl && c.is_ascii_hexdigit() => {
                let digit = c.to_digit(16).expect("a hex digit") as u8;
                self.type_digit(digit);
                changed = true;
            }
            _ => {}
        }
        self.top = self.shown_top(per_row, height as usize) * per_row;
        changed
    }

    /// Inserts `bytes` at the cursor (after the byte under it when the cursor is mid-byte); the
    /// cursor goes after them.
    pub fn insert_bytes(&mut self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return false;
        }
        let at = self.cursor + usize::from(self.low);
        self.splice(at, 0, bytes, (at + bytes.len(), false));
        true
    }

    /// A paste: hex digits, whitespace ignored, inserted as bytes. Returns how many bytes, or
    /// why the text is not hex (then nothing changes).
    pub fn paste_hex(&mut self, text: &str) -> Result<usize, String> {
        let bytes = parse_hex(text)?;
        self.insert_bytes(&bytes);
        Ok(bytes.len())
    }

    fn move_to(&mut self, at: usize) {
        self.cursor = at.min(self.bytes.len());
        self.low = false;
    }

    fn go_row_end(&mut self, per_row: usize) {
        let start = self.cursor - self.cursor % per_row;
        let last = (start + per_row - 1).min(self.bytes.len().saturating_sub(1));
        self.cursor = last.max(start).min(self.bytes.len());
        self.low = false;
    }

    fn delete(&mut self, at: usize) -> bool {
        if at < self.bytes.len() {
            self.splice(at, 1, &[], (at, false));
            true
        } else {
            self.low = false;
            false
        }
    }

    fn type_digit(&mut self, digit: u8) {
        let at = self.cursor;
        if at == self.bytes.len() || (self.insert && !self.low) {
            self.splice(at, 0, &[digit << 4], (at, true));
        } else if !self.low {
            let byte = (self.bytes[at] & 0x0f) | digit << 4;
            self.splice(at, 1, &[byte], (at, true));
        } else {
            let byte = (self.bytes[at] & 0xf0) | digit;
            self.splice(at, 1, &[byte], (at + 1, false));
        }
    }

    /// Every change of the bytes: `remove` bytes at `at` give way to `insert`, and the cursor
    /// goes to `cursor`. Kept for undo; a new change drops what undo took back.
    fn splice(&mut self, at: usize, remove: usize, insert: &[u8], cursor: (usize, bool)) {
        let removed: Vec<u8> = self
            .bytes
            .splice(at..at + remove, insert.iter().copied())
            .collect();
        self.undo.push(Splice {
            at,
            removed,
            inserted: insert.to_vec(),
            before: (self.cursor, self.low),
            after: cursor,
        });
        self.redo.clear();
        (self.cursor, self.low) = cursor;
    }

    /// Takes the last change back (`undo`) or makes it again; whether there was one.
    fn step_history(&mut self, undo: bool) -> bool {
        let (from, to) = if undo {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(edit) = from.pop() else {
            return false;
        };
        let (gone, back, cursor) = if undo {
            (&edit.inserted, &edit.removed, edit.before)
        } else {
            (&edit.removed, &edit.inserted, edit.after)
        };
        self.bytes
            .splice(edit.at..edit.at + gone.len(), back.iter().copied());
        (self.cursor, self.low) = cursor;
        to.push(edit);
        true
    }

    /// The number of rows: enough for every byte, and for the place after the last one when
    /// the cursor is there (or there are no bytes).
    pub fn rows(&self, per_row: usize) -> usize {
        let len = self.bytes.len();
        if self.cursor == len {
            len / per_row + 1
        } else {
            len.div_ceil(per_row)
        }
    }

    /// The first row shown in `height` rows: the last key's, moved the least that keeps the
    /// cursor's row on screen.
    fn shown_top(&self, per_row: usize, height: usize) -> usize {
        let height = height.max(1);
        let row = self.cursor / per_row;
        let top = self.top / per_row;
        if row < top {
            row
        } else if row >= top + height {
            row + 1 - height
        } else {
            top
        }
    }

    /// The text of one row, as drawn: `0010  41 42 ff  AB.`.
    pub fn row_text(&self, row: usize, layout: Layout) -> String {
        let Layout { digits, per_row } = layout;
        let start = row * per_row;
        let chunk =
            &self.bytes[start.min(self.bytes.len())..(start + per_row).min(self.bytes.len())];
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        if chunk.is_empty() {
            return format!("{start:0digits$x}");
        }
        let hex_width = 3 * per_row - 1;
        format!("{start:0digits$x}  {:hex_width$}  {ascii}", hex.join(" "))
    }

    /// A widget that draws the editor, its cursor shown when `focused`.
    pub fn view(&self, focused: bool) -> HexView<'_> {
        HexView {
            editor: self,
            focused,
        }
    }
}

/// Hex digits, whitespace ignored, as bytes; else why not.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if let Some(bad) = digits.iter().find(|b| !b.is_ascii_hexdigit()) {
        return Err(format!(
            "nothing was pasted: these bytes are not UTF-8 and are edited as hex, and the paste has {:?}, not a hex digit",
            *bad as char
        ));
    }
    if digits.len() % 2 == 1 {
        return Err(format!(
            "nothing was pasted: these bytes are not UTF-8 and are edited as hex, and the paste has {} hex digits, an odd count",
            digits.len()
        ));
    }
    Ok(digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).expect("ASCII hex digits");
            u8::from_str_radix(s, 16).expect("two hex digits")
        })
        .collect())
}

/// The editor drawn in a pane.
pub struct HexView<'a> {
    editor: &'a HexEditor,
    focused: bool,
}

impl Widget for HexView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let e = self.editor;
        let layout = e.layout(area.width);
        let height = area.height as usize;
        if height == 0 || area.width == 0 {
            return;
        }
        let top = e.shown_top(layout.per_row, height);
        let offset_style = Style::default().fg(Color::DarkGray);
        for (i, row) in (top..e.rows(layout.per_row)).take(height).enumerate() {
            let text = e.row_text(row, layout);
            let y = area.y + i as u16;
            buf.set_stringn(area.x, y, &text, area.width as usize, Style::default());
            let digits = layout.digits.min(area.width as usize);
            buf.set_stringn(area.x, y, &text[..digits], digits, offset_style);
        }
        if !self.focused {
            return;
        }
        let (cursor, low) = e.cursor();
        let row = cursor / layout.per_row;
        let col = cursor % layout.per_row;
        if row < top || row >= top + height {
            return;
        }
        let y = area.y + (row - top) as u16;
        let cursor_style = Style::default()
            .add_modifier(Modifier::REVERSED)
            .fg(Color::Reset);
        let hex_x = layout.hex_column(col) + usize::from(low);
        let ascii_x = layout.ascii_column(col);
        for (x, style) in [
            (hex_x, cursor_style),
            (ascii_x, Style::default().add_modifier(Modifier::UNDERLINED)),
        ] {
            if x >= area.width as usize {
                continue;
            }
            if let Some(cell) = buf.cell_mut((area.x + x as u16, y)) {
                cell.set_style(style);
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
    use ratatui::crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(e: &mut HexEditor, keys: &str) -> bool {
        let mut changed = false;
        for c in keys.chars() {
            changed |= e.input(key(KeyCode::Char(c)), 40, 10);
        }
        changed
    }

    #[test]
    fn typing_overwrites_the_nibble_under_the_cursor_and_advances() {
        let mut e = HexEditor::new(vec![0xff, 0xfe, 0x00, 0x41]);
        assert!(typed(&mut e, "4"));
        assert_eq!(e.bytes(), [0x4f, 0xfe, 0x00, 0x41]);
        assert_eq!(e.cursor(), (0, true));
        assert!(typed(&mut e, "2A"));
        assert_eq!(e.bytes(), [0x42, 0xae, 0x00, 0x41]);
        assert_eq!(e.cursor(), (1, true));
        // Moving keys change nothing.
        assert!(!e.input(key(KeyCode::Right), 40, 10));
        assert_eq!(e.cursor(), (2, false));
        assert!(!e.input(key(KeyCode::Left), 40, 10));
        assert!(!e.input(key(KeyCode::Left), 40, 10));
        assert_eq!(e.cursor(), (1, false));
        // Not a hex digit: nothing.
        assert!(!typed(&mut e, "g"));
        assert_eq!(e.bytes(), [0x42, 0xae, 0x00, 0x41]);
    }

    #[test]
    fn insert_mode_inserts_a_byte_at_a_digit_boundary() {
        let mut e = HexEditor::new(vec![0xff, 0x41]);
        e.input(key(KeyCode::Right), 40, 10);
        e.input(key(KeyCode::Right), 40, 10);
        assert!(!e.input(key(KeyCode::Insert), 40, 10));
        assert!(e.insert_mode());
        assert!(typed(&mut e, "0"));
        assert_eq!(e.bytes(), [0xff, 0x00, 0x41]);
        assert!(typed(&mut e, "a"));
        assert_eq!(e.bytes(), [0xff, 0x0a, 0x41]);
        assert_eq!(e.cursor(), (2, false));
        // At the end, typing appends in either mode.
        e.input(key(KeyCode::Insert), 40, 10);
        e.input(key(KeyCode::End), 40, 10);
        e.input(key(KeyCode::Right), 40, 10);
        e.input(key(KeyCode::Right), 40, 10);
        assert_eq!(e.cursor(), (3, false));
        assert!(typed(&mut e, "7e"));
        assert_eq!(e.bytes(), [0xff, 0x0a, 0x41, 0x7e]);
    }

    #[test]
    fn backspace_and_delete_remove_a_byte() {
        let mut e = HexEditor::new(vec![1, 2, 3, 4]);
        e.input(key(KeyCode::Right), 40, 10);
        e.input(key(KeyCode::Right), 40, 10);
        assert!(e.input(key(KeyCode::Delete), 40, 10));
        assert_eq!(e.bytes(), [1, 3, 4]);
        assert!(e.input(key(KeyCode::Backspace), 40, 10));
        assert_eq!(e.bytes(), [3, 4]);
        assert_eq!(e.cursor(), (0, false));
        assert!(!e.input(key(KeyCode::Backspace), 40, 10));
        e.input(key(KeyCode::End), 40, 10);
        assert_eq!(e.cursor(), (1, false));
        e.input(key(KeyCode::Right), 40, 10);
        e.input(key(KeyCode::Right), 40, 10);
        assert!(!e.input(key(KeyCode::Delete), 40, 10));
        assert!(e.input(key(KeyCode::Backspace), 40, 10));
        assert_eq!(e.bytes(), [3]);
    }

    #[test]
    fn undo_and_redo_take_each_change_back_and_again() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        let mut e = HexEditor::new(vec![0x10, 0x20, 0x30]);
        typed(&mut e, "ab");
        e.input(key(KeyCode::Delete), 40, 10);
        assert_eq!(e.paste_hex("0102"), Ok(2));
        assert_eq!(e.bytes(), [0xab, 0x01, 0x02, 0x30]);
        assert!(e.input(ctrl('z'), 40, 10));
        assert_eq!(e.bytes(), [0xab, 0x30]);
        assert_eq!(e.cursor(), (1, false));
        assert!(e.input(ctrl('z'), 40, 10));
        assert_eq!(e.bytes(), [0xab, 0x20, 0x30]);
        assert!(e.input(ctrl('z'), 40, 10));
        assert!(e.input(ctrl('z'), 40, 10));
        assert_eq!(e.bytes(), [0x10, 0x20, 0x30]);
        assert_eq!(e.cursor(), (0, false));
        assert!(!e.input(ctrl('z'), 40, 10));
        assert!(e.input(ctrl('r'), 40, 10));
        assert_eq!(e.bytes(), [0xa0, 0x20, 0x30]);
        assert_eq!(e.cursor(), (0, true));
        // A new change drops what was taken back.
        typed(&mut e, "c");
        assert_eq!(e.bytes(), [0xac, 0x20, 0x30]);
        assert!(!e.input(ctrl('r'), 40, 10));
    }

    #[test]
    fn rows_fit_the_width_and_read_as_a_hex_dump() {
        let e = HexEditor::new(b"\xff\xfe\x00A".to_vec());
        // 4 + 2 + 23 + 2 + 8 = 39 columns for 8 bytes a row; 71 for 16.
        assert_eq!(e.layout(31).per_row, 4);
        assert_eq!(e.layout(39).per_row, 8);
        assert_eq!(e.layout(70).per_row, 8);
        assert_eq!(e.layout(71).per_row, 16);
        assert_eq!(
            e.row_text(0, e.layout(39)),
            "0000  ff fe 00 41              ...A"
        );
        let e = HexEditor::new(b"Hello, \x01world!\x7f".to_vec());
        let layout = e.layout(23);
        assert_eq!(layout.per_row, 4);
        let rows: Vec<String> = (0..e.rows(4)).map(|r| e.row_text(r, layout)).collect();
        assert_eq!(
            rows,
            [
                "0000  48 65 6c 6c  Hell",
                "0004  6f 2c 20 01  o, .",
                "0008  77 6f 72 6c  worl",
                "000c  64 21 7f     d!.",
            ]
        );
        // Whole rows: the place after the last byte has a row of its own when the cursor is
        // there.
        let mut e = HexEditor::new(b"0123".to_vec());
        let rows = |e: &HexEditor| -> Vec<String> {
            (0..e.rows(4)).map(|r| e.row_text(r, layout)).collect()
        };
        assert_eq!(rows(&e), ["0000  30 31 32 33  0123"]);
        e.input(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL), 23, 5);
        assert_eq!(e.cursor(), (4, false));
        assert_eq!(rows(&e), ["0000  30 31 32 33  0123", "0004"]);
        assert_eq!(HexEditor::new(vec![]).rows(4), 1);
    }

    #[test]
    fn drawing_highlights_the_cursor_and_scrolls_to_it() {
        let mut e = HexEditor::new((0u8..64).collect());
        let area = Rect::new(0, 0, 23, 3);
        let draw = |e: &HexEditor| {
            let mut buf = Buffer::empty(area);
            e.view(true).render(area, &mut buf);
            buf
        };
        let buf = draw(&e);
        let line = |buf: &Buffer, y: u16| -> String {
            (0..area.width).map(|x| buf[(x, y)].symbol()).collect()
        };
        assert_eq!(line(&buf, 0), "0000  00 01 02 03  ....");
        assert!(buf[(6, 0)].modifier.contains(Modifier::REVERSED));
        assert!(!buf[(7, 0)].modifier.contains(Modifier::REVERSED));
        // Down past the last row on screen scrolls by one row.
        for _ in 0..3 {
            e.input(key(KeyCode::Down), 23, 3);
        }
        e.input(key(KeyCode::Right), 23, 3);
        let buf = draw(&e);
        assert_eq!(line(&buf, 0), "0004  04 05 06 07  ....");
        assert_eq!(line(&buf, 2), "000c  0c 0d 0e 0f  ....");
        assert!(buf[(7, 2)].modifier.contains(Modifier::REVERSED));
        // A page down, then a narrower pane: the cursor's row is still drawn.
        e.input(key(KeyCode::PageDown), 23, 3);
        assert_eq!(e.cursor(), (24, false));
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 2));
        e.view(true).render(Rect::new(0, 0, 12, 2), &mut buf);
        let text: String = (0..12).map(|x| buf[(x, 1)].symbol()).collect();
        assert_eq!(text, "0018  18  . ");
        // Ctrl-Home goes back to the top.
        e.input(KeyEvent::new(KeyCode::Home, KeyModifiers::CONTROL), 23, 3);
        assert_eq!(line(&draw(&e), 0), "0000  00 01 02 03  ....");
    }

    #[test]
    fn a_paste_takes_hex_and_refuses_anything_else() {
        let mut e = HexEditor::new(vec![0xaa]);
        assert_eq!(e.paste_hex("de ad\nBE\tef"), Ok(4));
        assert_eq!(e.bytes(), [0xde, 0xad, 0xbe, 0xef, 0xaa]);
        assert_eq!(e.cursor(), (4, false));
        assert!(e.paste_hex("abc").unwrap_err().contains("odd"));
        assert!(e.paste_hex("hello").unwrap_err().contains("'h'"));
        assert_eq!(e.bytes(), [0xde, 0xad, 0xbe, 0xef, 0xaa]);
    }
}

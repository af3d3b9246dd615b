//! The TUI's hex editor for a body that is not UTF-8, driven by key events and pastes without
//! a terminal: each edit signs the new bytes exactly (HMAC computed here directly).

use ratatui::crossterm::event::{Event, KeyCode};
use sigscope::tui::app::Editor;

const NOW: i64 = 1_716_363_800_000;

mod common;

use common::{ctrl, key, screen, signature, tpns_sign, type_text, vector};

#[test]
fn a_non_utf8_body_is_kept_exactly_and_edited_as_hex() {
    let mut app = common::app_with("tpns", NOW, |p| p.body = b"a\xff\r\n".to_vec(), None);
    assert!(matches!(app.inputs.body, Editor::Binary(_)));
    let v = vector("TP-1");
    let sign = |body: &[u8]| tpns_sign(&v.key, "1565314789", "1500001048", body);
    assert_eq!(signature(&app), sign(b"a\xff\r\n"));
    // Not a hex digit: nothing changes, and the status says why.
    type_text(&mut app, "x");
    assert_eq!(app.inputs.body.bytes(), b"a\xff\r\n");
    let status = app.status.as_ref().unwrap();
    assert!(status.error && status.text.contains("not a hex digit"));
    // The body is drawn as hex and edited as hex: 4 then 2 overwrite 'a' (0x61) with 'B'.
    let shown = screen(&mut app, 120, 40);
    assert!(shown.contains("Body · 4 bytes · hex, not UTF-8"), "{shown}");
    assert!(
        shown.contains("│0000  61 ff 0d 0a              a..."),
        "{shown}"
    );
    // In an 80×24 terminal the pane is narrower: 4 bytes a row still fit.
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("│0000  61 ff 0d 0a  a...      "), "{shown}");
    type_text(&mut app, "42");
    assert_eq!(app.inputs.body.bytes(), b"B\xff\r\n");
    assert_eq!(signature(&app), sign(b"B\xff\r\n"));
    // Delete takes the byte under the cursor (0xff) out, and signs again.
    app.handle(key(KeyCode::Delete));
    assert_eq!(app.inputs.body.bytes(), b"B\r\n");
    assert_eq!(signature(&app), sign(b"B\r\n"));
    // Insert mode: a typed byte goes in before the cursor's.
    app.handle(key(KeyCode::Insert));
    type_text(&mut app, "00");
    assert_eq!(app.inputs.body.bytes(), b"B\x00\r\n");
    assert_eq!(signature(&app), sign(b"B\x00\r\n"));
    // A paste is read as hex, whitespace ignored; anything else is refused with a message.
    app.handle(Event::Paste("fe ED\n".into()));
    assert_eq!(app.inputs.body.bytes(), b"B\x00\xfe\xed\r\n");
    assert_eq!(signature(&app), sign(b"B\x00\xfe\xed\r\n"));
    app.handle(Event::Paste("hello".into()));
    assert_eq!(app.inputs.body.bytes(), b"B\x00\xfe\xed\r\n");
    assert!(app.status.as_ref().unwrap().error);
    assert!(app.status.as_ref().unwrap().text.contains("hex"));
    // Ctrl-Z takes the paste back, and signs again.
    app.handle(ctrl('z'));
    assert_eq!(app.inputs.body.bytes(), b"B\x00\r\n");
    assert_eq!(signature(&app), sign(b"B\x00\r\n"));
}

//! Terminal events in: key dispatch (the copy menu, the global keys, the overlays, the focused
//! pane's scope, else the focused editor), bracketed paste, and mouse clicks and the wheel.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;

use super::{App, Editor, Effect, Focus};
use crate::tui::keys::{self, Action, Scope};

impl App {
    /// Handles one terminal event: the state changed, and the effects the runtime must carry
    /// out (those asked for deep in the update, a signing or a search, included).
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        let mut effects = self.on_event(event);
        effects.append(&mut self.outbox);
        effects
    }

    fn on_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.on_key(k),
            Event::Paste(text) => {
                self.on_paste(&text);
                vec![]
            }
            Event::Mouse(m) => {
                self.on_mouse(m);
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // The copy menu's own keys (Tab picks a language there) come before the global ones.
        if let Some(effects) = self.copy_menu_key(&key) {
            return effects;
        }
        if let Some(action) = keys::lookup(Scope::Global, &key) {
            return self.act(action);
        }
        // The overlay on top takes every other key.
        if let Some(effects) = self.overlay_key(key) {
            return effects;
        }
        let scope = match self.focus {
            Focus::Variants => Some(Scope::Variants),
            Focus::Stages => Some(Scope::Stages),
            _ => None,
        };
        if let Some(action) = scope.and_then(|s| keys::lookup(s, &key)) {
            return self.act(action);
        }
        self.edit(key);
        vec![]
    }

    /// A key for the focused editor.
    fn edit(&mut self, key: KeyEvent) {
        // A large editor's page moves go by the frame it was last drawn in.
        let [key_view, headers_view, body_view] = self.view.big;
        for (editor, view) in [
            (&mut self.inputs.key, key_view),
            (&mut self.inputs.headers, headers_view),
            (&mut self.inputs.body, body_view),
        ] {
            if let Editor::Big(b) = editor {
                b.set_page(view.size);
            }
        }
        let undo = key.code == KeyCode::Char('z') && key.modifiers == KeyModifiers::CONTROL;
        // Right after F3, Ctrl-Z puts back the fields it filled.
        if undo && let Some(saved) = self.undo_fill.take() {
            let names: Vec<String> = saved
                .iter()
                .map(|(i, _)| self.recipe().fields[*i].name.clone())
                .collect();
            for (i, editor) in saved {
                self.inputs.fields[i] = editor;
            }
            let focus = self.focus;
            self.set_focus(focus);
            self.say(&format!("F3 undone: {} as before", names.join(", ")), false);
            self.recompute();
            return;
        }
        let changed = match self.focus {
            Focus::Field(i) => match key.code {
                KeyCode::Enter | KeyCode::Down => {
                    self.step_focus(1);
                    false
                }
                KeyCode::Up => {
                    self.step_focus(-1);
                    false
                }
                _ if undo => self.inputs.fields[i].undo(),
                _ => self.inputs.fields[i].input(key),
            },
            Focus::Key => match &mut self.inputs.key {
                Editor::Text(t) if undo => t.undo(),
                Editor::Text(t) => t.input(key),
                Editor::Big(b) => b.input(key),
                Editor::Binary(_) => false,
            },
            Focus::Body
                if key.code == KeyCode::Enter
                    && key.modifiers.is_empty()
                    && self.inputs.body.uses_crlf() =>
            {
                // A CRLF body gets CRLF line ends from Enter too (the editor would add LF).
                // At a line's end the cursor may stand after its CR: the new line end goes
                // before that CR, which then ends the new line.
                match &mut self.inputs.body {
                    Editor::Text(t) => {
                        let ratatui_textarea::DataCursor(row, col) = t.cursor();
                        let line = &t.lines()[row];
                        if col > 0 && col == line.chars().count() && line.ends_with('\r') {
                            t.move_cursor(ratatui_textarea::CursorMove::Back);
                        }
                        // The text editor drops one CR before each LF it is given: give it two.
                        t.insert_str("\r\r\n")
                    }
                    Editor::Big(b) => {
                        let at = b.cursor();
                        if at > 0
                            && b.text().as_bytes()[at - 1] == b'\r'
                            && b.text().as_bytes().get(at).is_none_or(|&c| c == b'\n')
                        {
                            b.set_cursor(at - 1);
                        }
                        b.insert_str("\r\n")
                    }
                    Editor::Binary(_) => false,
                }
            }
            Focus::Body => match &mut self.inputs.body {
                Editor::Text(t) if undo => t.undo(),
                Editor::Text(t) => t.input(key),
                Editor::Big(b) => b.input(key),
                Editor::Binary(_) => self.hex_key(key, Focus::Body),
            },
            Focus::Headers => match &mut self.inputs.headers {
                Editor::Text(t) if undo => t.undo(),
                Editor::Text(t) => t.input(key),
                Editor::Big(b) => b.input(key),
                Editor::Binary(_) => self.hex_key(key, Focus::Headers),
            },
            Focus::Expected => {
                let edited = key.code != KeyCode::Enter
                    && if undo {
                        self.expected.undo()
                    } else {
                        self.expected.input(key)
                    };
                // A public-key scheme verifies the expected signature: an edit signs again.
                edited && self.recipes[self.current].public_key()
            }
            Focus::Variants | Focus::Stages => false,
        };
        if changed {
            self.recompute();
        }
    }

    fn on_paste(&mut self, text: &str) {
        // The bytes as they came: CR, LF, CRLF and NUL alike (a terminal may send line ends as
        // CR; then the body holds CR, which the stages show, rather than a guess).
        let normalized = text.to_string();
        if self.overlay_paste(text) {
            return;
        }
        let line_end = text.contains(['\r', '\n']);
        if line_end && matches!(self.focus, Focus::Field(_)) {
            self.say(
                "a field holds one line and the paste has a line end: nothing was pasted (paste the value alone)",
                true,
            );
            return;
        }
        let lone_cr = text.replace("\r\n", "").contains('\r');
        let one_line = |s: &str| s.replace(['\r', '\n'], "");
        // ratatui-textarea's insert_str drops one CR before each LF; double it so it stays.
        let keep_cr = normalized.replace("\r\n", "\r\r\n");
        let changed = match self.focus {
            Focus::Field(i) => self.inputs.fields[i].insert_str(one_line(&normalized)),
            Focus::Key => match &mut self.inputs.key {
                Editor::Text(t) => t.insert_str(&keep_cr),
                Editor::Big(b) => b.insert_str(&normalized),
                Editor::Binary(_) => false,
            },
            Focus::Body => match &mut self.inputs.body {
                Editor::Text(t) => t.insert_str(&keep_cr),
                Editor::Big(b) => b.insert_str(&normalized),
                Editor::Binary(_) => return self.paste_hex(text, Focus::Body),
            },
            Focus::Headers => match &mut self.inputs.headers {
                Editor::Text(t) => t.insert_str(&keep_cr),
                Editor::Big(b) => b.insert_str(&normalized),
                Editor::Binary(_) => return self.paste_hex(text, Focus::Headers),
            },
            Focus::Expected => {
                self.expected.insert_str(one_line(&normalized).trim())
                    && self.recipes[self.current].public_key()
            }
            Focus::Variants | Focus::Stages => {
                self.say("paste into an editor: focus one with Tab or a click", true);
                false
            }
        };
        if changed {
            self.inputs.body.fit_size();
            let focus = self.focus;
            self.set_focus(focus);
            if lone_cr {
                self.say(
                    &format!(
                        "pasted {} bytes; its lone CRs (terminals often send line ends so) are kept as they came, shown as \\r in the stages",
                        normalized.len()
                    ),
                    false,
                );
            } else {
                self.say(&format!("pasted {} bytes", normalized.len()), false);
            }
            self.recompute();
        }
    }

    fn on_mouse(&mut self, m: MouseEvent) {
        let at = Position::new(m.column, m.row);
        let areas = self.view.areas.clone();
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if self.help_open() || self.picker().is_some() {
                    return;
                }
                if areas.title.contains(at) {
                    self.act(Action::PickScheme);
                    return;
                }
                let mut target = areas
                    .fields
                    .iter()
                    .position(|r| r.contains(at))
                    .map(Focus::Field);
                for (rect, focus) in [
                    (areas.variants, Focus::Variants),
                    (areas.key, Focus::Key),
                    (areas.headers, Focus::Headers),
                    (areas.body, Focus::Body),
                    (areas.expected, Focus::Expected),
                    (areas.stages, Focus::Stages),
                ] {
                    if target.is_none() && rect.contains(at) {
                        target = Some(focus);
                    }
                }
                if let Some(f) = target {
                    self.set_focus(f);
                }
            }
            MouseEventKind::ScrollDown if areas.stages.contains(at) => {
                self.view.stage_scroll += 3;
                self.view.follow_selection = false;
            }
            MouseEventKind::ScrollUp if areas.stages.contains(at) => {
                self.view.stage_scroll = self.view.stage_scroll.saturating_sub(3);
                self.view.follow_selection = false;
            }
            _ => {}
        }
    }
}

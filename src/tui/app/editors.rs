//! The input editors: [`Editor`] (ratatui-textarea, the large-text editor, or bytes kept as they
//! are), the one-line field editors, and a scheme's inputs ([`SchemeInputs`]) with the values
//! they start from ([`Prefill`]).

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui_textarea::TextArea;

use crate::sign::{Field, FieldKind, Recipe};
use crate::tui::bigtext::BigText;
use crate::tui::hexedit::HexEditor;

/// A text editor, or a hex editor for bytes that are not UTF-8 (kept exactly as they are).
pub enum Editor {
    /// ratatui-textarea, for texts up to [`BIG`]: every editing key, wrapped lines.
    Text(Box<TextArea<'static>>),
    /// Our own editor for larger texts, laid out only where it shows (see `bigtext`).
    Big(Box<BigText>),
    /// Bytes that are not UTF-8, edited as hex.
    Binary(HexEditor),
}

/// Above this size a body is edited with [`BigText`]: ratatui-textarea re-lays out the whole
/// text on every edit, which does not fit a frame for a large body.
const BIG: usize = 64 * 1024;

impl Editor {
    /// Whether the text's first line ends in CRLF: Enter then ends a line the same way.
    pub(super) fn uses_crlf(&self) -> bool {
        match self {
            Editor::Text(t) => t.lines().len() > 1 && t.lines()[0].ends_with('\r'),
            Editor::Big(_) => {
                let bytes = self.bytes();
                bytes
                    .iter()
                    .position(|&b| b == b'\n')
                    .is_some_and(|i| i > 0 && bytes[i - 1] == b'\r')
            }
            Editor::Binary(_) => false,
        }
    }

    /// An editor for `bytes`; `may_be_big` lets a large text use the large-text editor (the key
    /// never does: its editor masks it).
    pub(super) fn new(bytes: &[u8], may_be_big: bool) -> Editor {
        match std::str::from_utf8(bytes) {
            Ok(text) if may_be_big && text.len() > BIG => {
                Editor::Big(Box::new(BigText::new(text.to_string())))
            }
            Ok(text) => {
                let mut t = text_area(text);
                t.set_wrap_mode(ratatui_textarea::WrapMode::Glyph);
                Editor::Text(Box::new(t))
            }
            Err(_) => Editor::Binary(HexEditor::new(bytes.to_vec())),
        }
    }

    /// Moves a text that has grown large (a paste) to the large-text editor, cursor kept.
    pub(super) fn fit_size(&mut self) {
        let Editor::Text(t) = &*self else { return };
        if self.len() <= BIG {
            return;
        }
        let ratatui_textarea::DataCursor(row, col) = t.cursor();
        let lines = t.lines();
        let at: usize = lines[..row].iter().map(|l| l.len() + 1).sum::<usize>()
            + lines[row]
                .char_indices()
                .nth(col)
                .map_or(lines[row].len(), |(i, _)| i);
        let mut big = BigText::new(lines.join("\n"));
        big.set_cursor(at);
        *self = Editor::Big(Box::new(big));
    }

    /// The length of [`Editor::bytes`], without building them.
    pub fn len(&self) -> usize {
        match self {
            Editor::Text(t) => {
                let lines = t.lines();
                lines.iter().map(String::len).sum::<usize>() + lines.len().saturating_sub(1)
            }
            Editor::Big(b) => b.text().len(),
            Editor::Binary(h) => h.bytes().len(),
        }
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The exact bytes.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Editor::Text(t) => t.lines().join("\n").into_bytes(),
            Editor::Big(b) => b.text().as_bytes().to_vec(),
            Editor::Binary(h) => h.bytes().to_vec(),
        }
    }
}

impl super::App {
    /// A key for a hex editor (the body's or the headers'), in its pane as last drawn. Returns
    /// whether the bytes changed; a character that is not a hex digit says so.
    pub(super) fn hex_key(&mut self, key: KeyEvent, focus: super::Focus) -> bool {
        let (editor, pane) = match focus {
            super::Focus::Headers => (&mut self.inputs.headers, self.view.areas.headers),
            _ => (&mut self.inputs.body, self.view.areas.body),
        };
        let Editor::Binary(hex) = editor else {
            return false;
        };
        let changed = hex.input(
            key,
            pane.width.saturating_sub(2),
            pane.height.saturating_sub(2),
        );
        if let KeyCode::Char(c) = key.code
            && !c.is_ascii_hexdigit()
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            self.say(
                &format!("{c:?} is not a hex digit (bytes not UTF-8 are edited as hex: 0-9, a-f)"),
                true,
            );
        }
        changed
    }

    /// A paste into a hex editor (the body's or the headers'): hex digits, whitespace ignored,
    /// become bytes at the cursor and sign again; anything else changes nothing and says why.
    pub(super) fn paste_hex(&mut self, text: &str, focus: super::Focus) {
        let editor = match focus {
            super::Focus::Headers => &mut self.inputs.headers,
            _ => &mut self.inputs.body,
        };
        let Editor::Binary(hex) = editor else { return };
        match hex.paste_hex(text) {
            Ok(n) => {
                self.say(&format!("pasted {n} bytes (read as hex)"), false);
                if n > 0 {
                    self.recompute();
                }
            }
            Err(e) => self.say(&e, true),
        }
    }
}

pub(super) fn text_area(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(text.split('\n').map(str::to_string).collect());
    t.set_cursor_line_style(Style::default());
    t.set_cursor_style(Style::default());
    t
}

/// The one-line editor of a field; time and nonce fields say which key fills them.
pub(super) fn field_editor(field: &Field, value: &str) -> TextArea<'static> {
    let mut t = text_area(value);
    match field.kind {
        FieldKind::Nonce => t.set_placeholder_text("F3: new nonce"),
        FieldKind::Secret => t.set_mask_char('•'),
        k if k.is_generated() => t.set_placeholder_text("F3: now"),
        _ => {}
    }
    t
}

/// The fields that have a value, as given: a value with a line end (--set, a request) keeps it,
/// so the TUI signs the same bytes as `sign`.
pub(super) fn field_values(recipe: &Recipe, inputs: &SchemeInputs) -> BTreeMap<String, String> {
    recipe
        .fields
        .iter()
        .zip(&inputs.fields)
        .filter_map(|(f, t)| {
            let value = t.lines().join("\n");
            (!value.is_empty()).then(|| (f.name.clone(), value))
        })
        .collect()
}

/// The inputs of one scheme, kept while the user looks at another.
pub struct SchemeInputs {
    pub fields: Vec<TextArea<'static>>,
    pub key: Editor,
    pub body: Editor,
    /// The request's header lines, for schemes that sign headers.
    pub headers: Editor,
    pub choices: BTreeMap<String, String>,
}

/// Values to start a scheme with.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub fields: BTreeMap<String, String>,
    pub key: Vec<u8>,
    pub body: Vec<u8>,
    pub headers: Vec<u8>,
    pub choices: BTreeMap<String, String>,
    /// The expected signature, when the prefill brings one (a session).
    pub expected: Option<String>,
}

impl Prefill {
    /// A scheme's documented example.
    pub fn example(recipe: &Recipe) -> Prefill {
        Prefill {
            fields: recipe.example.fields.clone(),
            key: recipe.example.key.clone().into_bytes(),
            body: recipe.example.body.clone().into_bytes(),
            headers: recipe.example.headers.clone().into_bytes(),
            choices: recipe.example.variants.clone(),
            expected: None,
        }
    }
}

impl SchemeInputs {
    pub(super) fn new(recipe: &Recipe, prefill: &Prefill) -> SchemeInputs {
        let fields = recipe
            .fields
            .iter()
            .map(|f| {
                let value = prefill
                    .fields
                    .get(&f.name)
                    .or(f.default.as_ref())
                    .cloned()
                    .unwrap_or_default();
                field_editor(f, &value)
            })
            .collect();
        let mut choices: BTreeMap<String, String> = recipe
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.default_choice().to_string()))
            .collect();
        for (k, v) in &prefill.choices {
            if recipe.variant(k).is_some_and(|var| var.choices.contains(v)) {
                choices.insert(k.clone(), v.clone());
            }
        }
        SchemeInputs {
            fields,
            key: Editor::new(&prefill.key, false),
            body: Editor::new(&prefill.body, true),
            headers: Editor::new(&prefill.headers, true),
            choices,
        }
    }
}

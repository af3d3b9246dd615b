//! A pasted request read into the inputs (F7's box, and a received request opened from the
//! list): its fields, headers, body and signature, for the current scheme.

use std::collections::BTreeMap;

use ratatui_textarea::TextArea;

use super::editors::field_editor;
use super::{App, Editor, text_area};

impl App {
    /// Reads the request pasted into the box into the fields, the body and the expected
    /// signature; a request that does not read keeps the box open with the message.
    pub(super) fn read_request(&mut self, boxed: TextArea<'static>) {
        let text = boxed.lines().join("\n");
        match self.import_request(&text, None) {
            Ok(message) => self.say(&message, false),
            // A HAR file or a collection of several requests, none picked: a list to pick from.
            Err(e) if e.choices.is_some() => {
                let choices = e.choices.clone().expect("checked");
                self.say(
                    &format!(
                        "{} requests: ↑↓ and Enter pick one ({} carry a signature a scheme recognizes) · Esc cancels",
                        choices.labels.len(),
                        choices.signed.len()
                    ),
                    false,
                );
                self.open_overlay(super::Overlay::Entries(super::overlay::EntryList::new(
                    text, choices,
                )));
            }
            Err(e) => {
                self.say(&format!("the request does not read: {e}"), true);
                self.open_overlay(super::Overlay::Paste {
                    text: boxed,
                    learn: false,
                });
            }
        }
    }

    /// Enter in F7's list: the request picked (1-based) of the pasted HAR file or collection.
    pub(crate) fn read_entry(&mut self, text: &str, entry: usize) {
        match self.import_request(text, Some(entry)) {
            Ok(message) => self.say(&message, false),
            Err(e) => self.say(&format!("request {entry} does not read: {e}"), true),
        }
    }

    /// Alt-O: switches to the scheme F7 recognized and reads the request again for it.
    pub(super) fn switch_offered(&mut self) {
        let Some((index, text, entry)) = self.scheme_offer.take() else {
            self.say(
                "no scheme to switch to: F7 offers one when a request reads as another scheme",
                true,
            );
            return;
        };
        self.switch_scheme(index);
        match self.import_request(&text, entry) {
            Ok(message) => self.say(&format!("{} · {message}", self.recipe().id), false),
            Err(e) => self.say(&format!("the request does not read: {e}"), true),
        }
    }

    /// Takes a request's fields, headers, body and signature for the current scheme, as F7
    /// does; returns what was taken (for the status line).
    pub(super) fn import_request_text(&mut self, text: &str) -> Result<String, String> {
        self.import_request(text, None).map_err(|e| e.to_string())
    }

    /// As [`App::import_request_text`], `entry` (1-based) picking one request of a HAR file's
    /// or a collection's; the error lists the requests to pick from when none was picked.
    fn import_request(
        &mut self,
        text: &str,
        entry: Option<usize>,
    ) -> Result<String, crate::request::import::ImportError> {
        // A pasted curl line may name a local file (`-d @/etc/passwd`, `@/dev/stdin`): the TUI
        // never reads one; the note says which and where the body goes instead.
        let mut skipped: Vec<String> = Vec::new();
        let mut read = |p: &str| -> Result<Vec<u8>, String> {
            skipped.push(p.to_string());
            Ok(Vec::new())
        };
        let parsed = crate::request::import::parse_with(
            text.as_bytes(),
            &mut crate::request::import::ImportOptions {
                entry: entry.map(crate::request::import::EntrySelector::Index),
                environment: None,
                read_file: &mut read,
                signed: None,
            },
        );
        let skipped = skipped;
        self.scheme_offer = None;
        let mut imported = parsed?;
        let mut raw_ok = true;
        let cr_note = cr_body_as_lf(&mut imported);
        if cr_note.is_some() {
            // The terminal changed the bytes: what comes back out is rebuilt, not the paste.
            raw_ok = false;
        }
        let recipe = self.recipes[self.current].clone();
        let current: BTreeMap<String, String> = recipe
            .fields
            .iter()
            .zip(&self.inputs.fields)
            .map(|(f, t)| (f.name.clone(), t.lines().join("\n")))
            .collect();
        let mapped =
            crate::request::import::map_with(&recipe, &imported, &BTreeMap::new(), &current);
        let raw = (raw_ok
            && matches!(
                crate::request::formats::sniff(text.as_bytes()),
                crate::request::formats::Format::Http
            ))
        .then(|| text.as_bytes().to_vec());
        let base = crate::request::replay::Base::new(&imported, raw);
        let mut took = Vec::new();
        for (i, f) in recipe.fields.iter().enumerate() {
            if let Some(v) = mapped.fields.get(&f.name) {
                self.inputs.fields[i] = field_editor(f, v);
                took.push(f.name.clone());
            }
        }
        if let Some(body) = &mapped.body {
            self.inputs.body = Editor::new(body, true);
            took.push(format!("body ({} bytes)", body.len()));
        }
        if !mapped.headers.is_empty() {
            self.inputs.headers = Editor::new(&mapped.headers, true);
            took.push("the headers".to_string());
        }
        for (name, choice) in &mapped.variants {
            self.inputs.choices.insert(name.clone(), choice.clone());
            took.push(format!("{name}={choice}"));
        }
        if let Some(sig) = &mapped.signature {
            self.expected = text_area(sig);
            took.push("the signature".to_string());
        }
        // The URL field as the import left it: an edit of it afterwards moves the request.
        self.replay_base = Some((base, self.url_field()));
        let focus = self.focus;
        self.set_focus(focus);
        self.recompute();
        let mut message = format!(
            "request read: {}",
            if took.is_empty() {
                "nothing for this scheme".to_string()
            } else {
                took.join(", ")
            }
        );
        if let Some(note) = cr_note {
            message += &format!(" · {note}");
        }
        // As `verify --request` does: the scheme whose import finds the request's signature.
        let found = crate::request::recognize::recognize(&self.recipes, &imported);
        if !found.iter().any(|r| r.id == recipe.id)
            && let Some(other) = found.first()
            && let Some(index) = self.recipes.iter().position(|r| r.id == other.id)
        {
            message += &format!(
                " · it reads as scheme {} ({}): Alt-O switches to it",
                other.id, other.name
            );
            self.scheme_offer = Some((index, text.to_string(), entry));
        }
        let files: Vec<String> = skipped
            .iter()
            .map(|f| {
                format!("the file `{f}` it names is not read: paste the body into the Body pane")
            })
            .collect();
        if !mapped.notes.is_empty()
            || !mapped.errors.is_empty()
            || !imported.notes.is_empty()
            || !files.is_empty()
        {
            let notes: Vec<String> = files
                .iter()
                .chain(&imported.notes)
                .chain(&mapped.errors)
                .chain(&mapped.notes)
                .cloned()
                .collect();
            message += &format!(" · {}", notes.join("; "));
        }
        Ok(message)
    }
}

/// A body whose line ends all came as CR (terminals turn a pasted LF into CR: tmux, xterm, VTE)
/// read with the line ends it was sent with: CR CR as CRLF, CR alone as LF. Only when the body
/// has no LF at all and the request says it is whole (its Content-Length is the body's length,
/// which the change keeps) or the body reads as JSON once changed; a body with real CRLF line
/// ends is kept as it is. Returns the note for the status line.
fn cr_body_as_lf(imported: &mut crate::request::import::Imported) -> Option<String> {
    let body = &imported.body;
    if body.contains(&b'\n') || !body.contains(&b'\r') {
        return None;
    }
    let mut fixed = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        match (body[i], body.get(i + 1)) {
            (b'\r', Some(b'\r')) => {
                fixed.extend_from_slice(b"\r\n");
                i += 2;
            }
            (b'\r', _) => {
                fixed.push(b'\n');
                i += 1;
            }
            (b, _) => {
                fixed.push(b);
                i += 1;
            }
        }
    }
    let length_says = imported
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        == Some(fixed.len());
    let json = serde_json::from_slice::<serde_json::Value>(&fixed).is_ok();
    if !(length_says || json) {
        return None;
    }
    let crlf = fixed.windows(2).any(|w| w == b"\r\n");
    imported.body = fixed;
    Some(format!(
        "the body's line ends came as CR (a terminal's paste): read as {}",
        if crlf { "CRLF" } else { "LF" }
    ))
}

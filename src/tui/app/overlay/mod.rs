//! What is drawn over the main screen, as one state: [`Overlay`]. Each kind is a file of its
//! own holding its keys and its drawing: `help` (F1), `picker` (F4), `paste` (F7's request box,
//! Alt-T's box for the server's string), `entries` (F7's list of a HAR file's requests),
//! `copy_menu` (F9) and `received` (F11's list).
//!
//! The help and the copy menu open over another overlay (the one beneath comes back when they
//! close); every other overlay replaces what was open. Esc closes them all.

mod copy_menu;
mod entries;
mod help;
mod paste;
mod picker;
mod received;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

pub use entries::EntryList;

use super::{App, Effect, Picker, ViewState};

/// An overlay over the main screen.
pub enum Overlay {
    /// The help (F1), over what was open.
    Help { beneath: Option<Box<Overlay>> },
    /// The scheme picker (F4).
    Picker(Picker),
    /// F7's box: a request pasted to read (`learn`: to learn an unknown scheme from).
    Paste {
        text: TextArea<'static>,
        learn: bool,
    },
    /// Alt-T's box: the string the server says it signed.
    Theirs(TextArea<'static>),
    /// The "copy as" menu (F9), over what was open.
    CopyMenu { beneath: Option<Box<Overlay>> },
    /// The received-requests list (F11).
    Received,
    /// F7's list of the requests a pasted HAR file or collection holds.
    Entries(EntryList),
}

impl Overlay {
    /// The overlay beneath this one, if it opens over another.
    fn beneath(&self) -> Option<&Overlay> {
        match self {
            Overlay::Help { beneath } | Overlay::CopyMenu { beneath } => beneath.as_deref(),
            _ => None,
        }
    }

    /// This overlay and those beneath it, top first.
    fn stack(&self) -> impl Iterator<Item = &Overlay> {
        std::iter::successors(Some(self), |o| o.beneath())
    }
}

impl App {
    /// Whether any overlay of this kind is open (on top or beneath).
    fn overlay_is(&self, kind: impl Fn(&Overlay) -> bool) -> bool {
        self.overlay.as_ref().is_some_and(|o| o.stack().any(kind))
    }

    /// The help is open.
    pub fn help_open(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Help { .. }))
    }

    /// The copy menu is open.
    pub fn copy_menu_open(&self) -> bool {
        self.overlay_is(|o| matches!(o, Overlay::CopyMenu { .. }))
    }

    /// The received list is open (perhaps beneath the help or the copy menu).
    pub fn list_open(&self) -> bool {
        self.overlay_is(|o| matches!(o, Overlay::Received))
    }

    /// The picker, while open.
    pub fn picker(&self) -> Option<&Picker> {
        match &self.overlay {
            Some(Overlay::Picker(p)) => Some(p),
            _ => None,
        }
    }

    pub(crate) fn picker_mut(&mut self) -> Option<&mut Picker> {
        match &mut self.overlay {
            Some(Overlay::Picker(p)) => Some(p),
            _ => None,
        }
    }

    /// F7's box, while open (perhaps beneath the help).
    pub fn request_box(&self) -> Option<&TextArea<'static>> {
        self.overlay.as_ref()?.stack().find_map(|o| match o {
            Overlay::Paste { text, .. } => Some(text),
            _ => None,
        })
    }

    /// F7's box is open for a request to learn from.
    pub fn learn_box(&self) -> bool {
        self.overlay_is(|o| matches!(o, Overlay::Paste { learn: true, .. }))
    }

    /// Alt-T's box, while open (perhaps beneath the help or the copy menu).
    pub fn theirs_box(&self) -> Option<&TextArea<'static>> {
        self.overlay.as_ref()?.stack().find_map(|o| match o {
            Overlay::Theirs(t) => Some(t),
            _ => None,
        })
    }

    /// Opens an overlay in place of whatever was open.
    pub(crate) fn open_overlay(&mut self, overlay: Overlay) {
        self.overlay = Some(overlay);
    }

    /// Closes every overlay. Returns whether one was open.
    pub(crate) fn close_overlays(&mut self) -> bool {
        self.overlay.take().is_some()
    }

    /// F1: opens the help over what is open (a picker closes), or closes it, putting back what
    /// was beneath.
    pub(crate) fn toggle_help(&mut self) {
        self.view.help_scroll = 0;
        self.overlay = match self.overlay.take() {
            Some(Overlay::Help { beneath }) => beneath.map(|b| *b),
            Some(Overlay::Picker(_)) | None => Some(Overlay::Help { beneath: None }),
            Some(other) => Some(Overlay::Help {
                beneath: Some(Box::new(other)),
            }),
        };
    }

    /// F9: the copy menu, over the list or Alt-T's box (not over the help, the picker or F7's
    /// box, whose keys come first).
    pub(crate) fn open_copy_menu(&mut self) {
        match self.overlay.take() {
            None => self.overlay = Some(Overlay::CopyMenu { beneath: None }),
            Some(o @ (Overlay::Received | Overlay::Theirs(_))) => {
                self.overlay = Some(Overlay::CopyMenu {
                    beneath: Some(Box::new(o)),
                })
            }
            other => self.overlay = other,
        }
    }

    /// Closes the copy menu, putting back what was beneath.
    pub(crate) fn close_copy_menu(&mut self) {
        self.overlay = match self.overlay.take() {
            Some(Overlay::CopyMenu { beneath }) => beneath.map(|b| *b),
            other => other,
        };
    }

    /// Takes F7's box out (to read what was pasted), with its learn flag; what was over it
    /// (the help) closes with it. None when it is not open.
    pub(crate) fn take_request_box(&mut self) -> Option<(TextArea<'static>, bool)> {
        self.request_box()?;
        match self.take_down_to(|o| matches!(o, Overlay::Paste { .. }))? {
            Overlay::Paste { text, learn } => Some((text, learn)),
            _ => None,
        }
    }

    /// Takes Alt-T's box out (to compare what was pasted); what was over it closes with it.
    pub(crate) fn take_theirs_box(&mut self) -> Option<TextArea<'static>> {
        self.theirs_box()?;
        match self.take_down_to(|o| matches!(o, Overlay::Theirs(_)))? {
            Overlay::Theirs(t) => Some(t),
            _ => None,
        }
    }

    /// Takes the overlays off from the top down to the first of a kind, which is returned.
    fn take_down_to(&mut self, kind: impl Fn(&Overlay) -> bool) -> Option<Overlay> {
        let mut o = self.overlay.take();
        while let Some(top) = o {
            if kind(&top) {
                return Some(top);
            }
            o = match top {
                Overlay::Help { beneath } | Overlay::CopyMenu { beneath } => beneath.map(|b| *b),
                _ => None,
            };
        }
        None
    }

    /// The text box on top, where typing and pasting go.
    fn top_box(&mut self) -> Option<&mut TextArea<'static>> {
        match self.overlay.as_mut()? {
            Overlay::Paste { text, .. } => Some(text),
            Overlay::Theirs(t) => Some(t),
            _ => None,
        }
    }

    /// A key for the overlay on top (the global keys have been looked up first). None: no
    /// overlay is open and the key goes to the main screen.
    pub(crate) fn overlay_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        Some(match self.overlay.as_ref()? {
            Overlay::Help { .. } => help::on_key(self, key),
            Overlay::CopyMenu { .. } => copy_menu::on_key(self, key),
            Overlay::Paste { .. } | Overlay::Theirs(_) => {
                let b = self.top_box().expect("a box is on top");
                paste::on_key(b, key);
                vec![]
            }
            Overlay::Received => received::on_key(self, key),
            Overlay::Picker(_) => picker::on_key(self, key),
            Overlay::Entries(_) => entries::on_key(self, key),
        })
    }

    /// A paste for the overlay on top. Returns false when no overlay takes pastes.
    pub(crate) fn overlay_paste(&mut self, text: &str) -> bool {
        match self.overlay.as_mut() {
            Some(Overlay::Picker(p)) => {
                p.query.push_str(text.trim());
                true
            }
            Some(Overlay::Theirs(_)) => {
                let said = paste::into_theirs(self.top_box().expect("on top"), text);
                if let Some(said) = said {
                    self.note(said);
                }
                true
            }
            Some(Overlay::Paste { text: b, .. }) => {
                paste::into_request(b, text);
                true
            }
            _ => false,
        }
    }

    /// The copy menu's own keys (Tab picks a language there), looked up before the global ones.
    pub(crate) fn copy_menu_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if !matches!(self.overlay, Some(Overlay::CopyMenu { .. })) {
            return None;
        }
        let action = crate::tui::keys::lookup(crate::tui::keys::Scope::CopyMenu, key)?;
        Some(self.act(action))
    }
}

/// Draws the overlays, the lowest first.
pub fn draw(app: &App, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    if let Some(o) = &app.overlay {
        let stack: Vec<&Overlay> = o.stack().collect();
        for o in stack.into_iter().rev() {
            draw_one(app, o, frame, area, view);
        }
    }
}

fn draw_one(app: &App, overlay: &Overlay, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    match overlay {
        Overlay::Help { .. } => help::draw_help(app, frame, area, view),
        Overlay::Picker(p) => picker::draw_picker(app, p, frame, area),
        Overlay::Paste { text, learn } => {
            let title = if *learn {
                "Learn: paste a genuine request of the unknown provider · F7 learns · Esc cancels"
            } else {
                "Paste a raw HTTP request or a curl command line · F7 reads it · Esc cancels"
            };
            paste::draw_paste_box(frame, area, title, text);
        }
        Overlay::Theirs(t) => paste::draw_paste_box(
            frame,
            area,
            "Paste the string the server says it signed · Alt-T compares · Esc cancels",
            t,
        ),
        Overlay::CopyMenu { .. } => copy_menu::draw_copy_menu(app, frame, area),
        Overlay::Received => received::draw_received(app, frame, area, view),
        Overlay::Entries(list) => entries::draw_entries(list, frame, area),
    }
}

#[cfg(test)]
mod tests {
    use super::Overlay;

    #[test]
    fn the_stack_is_the_top_then_what_is_beneath() {
        let o = Overlay::Help {
            beneath: Some(Box::new(Overlay::CopyMenu {
                beneath: Some(Box::new(Overlay::Received)),
            })),
        };
        let kinds: Vec<&str> = o
            .stack()
            .map(|o| match o {
                Overlay::Help { .. } => "help",
                Overlay::CopyMenu { .. } => "copy",
                Overlay::Received => "received",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["help", "copy", "received"]);
    }
}

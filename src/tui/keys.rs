//! Every key of the TUI in one table: the dispatcher, the help overlay and the footer all read it,
//! so the help never drifts from the keys that work. Global actions sit on keys that no editor
//! uses (F-keys, Tab, Ctrl-C), so typing never triggers one by surprise.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    RevealKey,
    Now,
    PickScheme,
    CopyHeaders,
    CopyStage,
    /// Close an overlay.
    Close,
    VariantUp,
    VariantDown,
    ChoiceNext,
    ChoicePrev,
    StageUp,
    StageDown,
    ScrollUp,
    ScrollDown,
    ScrollTop,
    ScrollBottom,
    PickerUp,
    PickerDown,
    PickerChoose,
    HelpUp,
    HelpDown,
    HelpPageUp,
    HelpPageDown,
    HelpTop,
    HelpBottom,
    /// Show the last status messages in full, or hide them.
    Messages,
    /// Switch to the scheme F7 recognized in a pasted request, and read it again.
    SwitchOffered,
    /// Scroll the diagnosis box (when it is longer than its room).
    DiagnosisUp,
    DiagnosisDown,
    /// Open the request paste box, or read what was pasted into it.
    PasteRequest,
    Diagnose,
    CopyAs,
    CopyCurl,
    CopyHttp,
    CopyBundle,
    /// Copy the trace as code in the language the menu shows.
    CopyCode,
    /// Read the key as text, hex or base64 (the next of the three).
    KeyEncoding,
    CodeLangNext,
    CodeLangPrev,
    /// Write the copy that was too large for the terminal's clipboard to a file.
    WriteUnsent,
    /// Start listening, or show and hide the received-requests list.
    Listen,
    /// Sign and send the request; its answer shows beside the stages.
    Send,
    /// Open the box for the server's own string, or compare what was pasted there.
    TheirString,
    ListUp,
    ListDown,
    ListPageUp,
    ListPageDown,
    ListTop,
    ListBottom,
    /// Open the selected request in the main screen.
    ListOpen,
    /// Write the learned recipe into the recipes folder.
    SaveRecipe,
    /// Apply what diagnose found to the inputs.
    ApplyFix,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, editors included.
    Global,
    /// The variants pane has focus.
    Variants,
    /// The stage panel has focus.
    Stages,
    /// The scheme picker is open.
    Picker,
    /// The help is open.
    Help,
    /// The "copy as" menu is open.
    CopyMenu,
    /// The received-requests list is open.
    Received,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Variants => "Variants pane",
            Scope::Stages => "Stage panel",
            Scope::Picker => "Scheme picker, and F7's list of a HAR file's requests",
            Scope::Help => "This help",
            Scope::CopyMenu => "Copy-as menu",
            Scope::Received => "Received-requests list",
        }
    }
}

/// One key (code and modifiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub KeyCode, pub KeyModifiers);

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const ALT: KeyModifiers = KeyModifiers::ALT;

/// A row of the key table.
pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [Key],
    /// How the keys are written in the help and footer.
    pub keys_label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// A short word for the footer, for the main keys.
    pub footer: Option<&'static str>,
}

/// The key table, in the order the help shows it.
pub const BINDINGS: &[Binding] = &[
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Char('c'), CTRL)],
        keys_label: "Ctrl-C",
        action: Action::Quit,
        help: "quit",
        footer: Some("quit"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(1), NONE)],
        keys_label: "F1",
        action: Action::Help,
        help: "show or hide this help",
        footer: Some("help"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Tab, NONE)],
        keys_label: "Tab",
        action: Action::FocusNext,
        help: "focus the next pane or field",
        footer: Some("next"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::BackTab, SHIFT), Key(KeyCode::BackTab, NONE)],
        keys_label: "Shift-Tab",
        action: Action::FocusPrev,
        help: "focus the previous pane or field",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(10), NONE)],
        keys_label: "F10",
        action: Action::KeyEncoding,
        help: "read the key as text, hex or base64",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(2), NONE)],
        keys_label: "F2",
        action: Action::RevealKey,
        help: "reveal or mask the key, also inside stages",
        footer: Some("reveal"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(3), NONE)],
        keys_label: "F3",
        action: Action::Now,
        help: "now / new nonce (focused field, else all)",
        footer: Some("now"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(4), NONE)],
        keys_label: "F4",
        action: Action::PickScheme,
        help: "pick a scheme (type to search)",
        footer: Some("scheme"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(5), NONE)],
        keys_label: "F5",
        action: Action::CopyHeaders,
        help: "copy the final header lines to the clipboard",
        footer: Some("copy headers"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(6), NONE)],
        keys_label: "F6",
        action: Action::CopyStage,
        help: "copy the selected stage (hex for raw bytes)",
        footer: Some("copy stage"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Esc, NONE)],
        keys_label: "Esc",
        action: Action::Close,
        help: "close the help, the picker or a box",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(7), NONE)],
        keys_label: "F7",
        action: Action::PasteRequest,
        help: "paste a request or curl line (F7 reads it)",
        footer: Some("request"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(8), NONE)],
        keys_label: "F8",
        action: Action::Diagnose,
        help: "diagnose: why the expected signature differs",
        footer: Some("diagnose"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Up, ALT)],
        keys_label: "Alt-Up",
        action: Action::DiagnosisUp,
        help: "scroll the diagnosis (else the answer) up",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Down, ALT)],
        keys_label: "Alt-Down",
        action: Action::DiagnosisDown,
        help: "scroll the diagnosis (else the answer) down",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(9), NONE)],
        keys_label: "F9",
        action: Action::CopyAs,
        help: "copy as curl, raw HTTP, a bundle (no key) or code",
        footer: Some("copy as"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(11), NONE), Key(KeyCode::Char('l'), ALT)],
        keys_label: "F11 / Alt-L",
        action: Action::Listen,
        help: "listen on a local port; show the requests received",
        footer: Some("listen"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::F(12), NONE), Key(KeyCode::Char('s'), ALT)],
        keys_label: "F12 / Alt-S",
        action: Action::Send,
        help: "sign and send the request; its answer shows here",
        footer: Some("send"),
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Char('a'), ALT)],
        keys_label: "Alt-A",
        action: Action::ApplyFix,
        help: "apply what diagnose found (variants, fields, body)",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Char('w'), ALT)],
        keys_label: "Alt-W",
        action: Action::SaveRecipe,
        help: "save the learned recipe (F4 → learn) in recipes/",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Char('o'), ALT)],
        keys_label: "Alt-O",
        action: Action::SwitchOffered,
        help: "switch to the scheme F7 recognized",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Char('m'), ALT)],
        keys_label: "Alt-M",
        action: Action::Messages,
        help: "the last messages in full (Alt-M hides them)",
        footer: None,
    },
    Binding {
        scope: Scope::Global,
        keys: &[Key(KeyCode::Char('t'), ALT)],
        keys_label: "Alt-T",
        action: Action::TheirString,
        help: "paste the server's string to sign; Alt-T compares",
        footer: None,
    },
    Binding {
        scope: Scope::Received,
        keys: &[Key(KeyCode::Up, NONE), Key(KeyCode::Char('k'), NONE)],
        keys_label: "Up / k",
        action: Action::ListUp,
        help: "newer request",
        footer: None,
    },
    Binding {
        scope: Scope::Received,
        keys: &[Key(KeyCode::Down, NONE), Key(KeyCode::Char('j'), NONE)],
        keys_label: "Down / j",
        action: Action::ListDown,
        help: "older request",
        footer: None,
    },
    Binding {
        scope: Scope::Received,
        keys: &[Key(KeyCode::PageUp, NONE)],
        keys_label: "PgUp",
        action: Action::ListPageUp,
        help: "a page newer",
        footer: None,
    },
    Binding {
        scope: Scope::Received,
        keys: &[Key(KeyCode::PageDown, NONE)],
        keys_label: "PgDn",
        action: Action::ListPageDown,
        help: "a page older",
        footer: None,
    },
    Binding {
        scope: Scope::Received,
        keys: &[Key(KeyCode::Home, NONE), Key(KeyCode::Char('g'), NONE)],
        keys_label: "Home / g",
        action: Action::ListTop,
        help: "the newest request",
        footer: None,
    },
    Binding {
        scope: Scope::Received,
        keys: &[Key(KeyCode::End, NONE), Key(KeyCode::Char('G'), NONE)],
        keys_label: "End / G",
        action: Action::ListBottom,
        help: "the oldest request kept",
        footer: None,
    },
    Binding {
        scope: Scope::Received,
        keys: &[Key(KeyCode::Enter, NONE)],
        keys_label: "Enter",
        action: Action::ListOpen,
        help: "open the request in the main screen",
        footer: None,
    },
    Binding {
        scope: Scope::CopyMenu,
        keys: &[Key(KeyCode::Char('c'), NONE)],
        keys_label: "c",
        action: Action::CopyCurl,
        help: "copy the request as a curl command line",
        footer: None,
    },
    Binding {
        scope: Scope::CopyMenu,
        keys: &[Key(KeyCode::Char('h'), NONE)],
        keys_label: "h",
        action: Action::CopyHttp,
        help: "copy the request as raw HTTP",
        footer: None,
    },
    Binding {
        scope: Scope::CopyMenu,
        keys: &[Key(KeyCode::Char('b'), NONE)],
        keys_label: "b",
        action: Action::CopyBundle,
        help: "copy a redacted repro bundle (no key)",
        footer: None,
    },
    Binding {
        scope: Scope::CopyMenu,
        keys: &[Key(KeyCode::Char('p'), NONE)],
        keys_label: "p",
        action: Action::CopyCode,
        help: "copy the trace as code (key from SIGSCOPE_KEY)",
        footer: None,
    },
    Binding {
        scope: Scope::CopyMenu,
        keys: &[Key(KeyCode::Char('w'), NONE)],
        keys_label: "w",
        action: Action::WriteUnsent,
        help: "write the last copy too large for OSC 52 to a file",
        footer: None,
    },
    Binding {
        scope: Scope::CopyMenu,
        keys: &[Key(KeyCode::Tab, NONE), Key(KeyCode::Right, NONE)],
        keys_label: "Tab",
        action: Action::CodeLangNext,
        help: "next language for p",
        footer: None,
    },
    Binding {
        scope: Scope::CopyMenu,
        keys: &[
            Key(KeyCode::BackTab, SHIFT),
            Key(KeyCode::BackTab, NONE),
            Key(KeyCode::Left, NONE),
        ],
        keys_label: "Shift-Tab",
        action: Action::CodeLangPrev,
        help: "previous language for p",
        footer: None,
    },
    Binding {
        scope: Scope::Variants,
        keys: &[Key(KeyCode::Up, NONE), Key(KeyCode::Char('k'), NONE)],
        keys_label: "Up / k",
        action: Action::VariantUp,
        help: "previous variant",
        footer: None,
    },
    Binding {
        scope: Scope::Variants,
        keys: &[Key(KeyCode::Down, NONE), Key(KeyCode::Char('j'), NONE)],
        keys_label: "Down / j",
        action: Action::VariantDown,
        help: "next variant",
        footer: None,
    },
    Binding {
        scope: Scope::Variants,
        keys: &[
            Key(KeyCode::Right, NONE),
            Key(KeyCode::Char(' '), NONE),
            Key(KeyCode::Enter, NONE),
            Key(KeyCode::Char('l'), NONE),
        ],
        keys_label: "Right / Space / Enter",
        action: Action::ChoiceNext,
        help: "next choice of the variant",
        footer: None,
    },
    Binding {
        scope: Scope::Variants,
        keys: &[Key(KeyCode::Left, NONE), Key(KeyCode::Char('h'), NONE)],
        keys_label: "Left / h",
        action: Action::ChoicePrev,
        help: "previous choice of the variant",
        footer: None,
    },
    Binding {
        scope: Scope::Stages,
        keys: &[Key(KeyCode::Up, NONE), Key(KeyCode::Char('k'), NONE)],
        keys_label: "Up / k",
        action: Action::StageUp,
        help: "select the previous stage",
        footer: None,
    },
    Binding {
        scope: Scope::Stages,
        keys: &[Key(KeyCode::Down, NONE), Key(KeyCode::Char('j'), NONE)],
        keys_label: "Down / j",
        action: Action::StageDown,
        help: "select the next stage",
        footer: None,
    },
    Binding {
        scope: Scope::Stages,
        keys: &[Key(KeyCode::PageUp, NONE)],
        keys_label: "PgUp",
        action: Action::ScrollUp,
        help: "scroll up a page",
        footer: None,
    },
    Binding {
        scope: Scope::Stages,
        keys: &[Key(KeyCode::PageDown, NONE), Key(KeyCode::Char(' '), NONE)],
        keys_label: "PgDn / Space",
        action: Action::ScrollDown,
        help: "scroll down a page",
        footer: None,
    },
    Binding {
        scope: Scope::Stages,
        keys: &[Key(KeyCode::Home, NONE), Key(KeyCode::Char('g'), NONE)],
        keys_label: "Home / g",
        action: Action::ScrollTop,
        help: "scroll to the top",
        footer: None,
    },
    Binding {
        scope: Scope::Stages,
        keys: &[
            Key(KeyCode::End, NONE),
            Key(KeyCode::Char('G'), SHIFT),
            Key(KeyCode::Char('G'), NONE),
        ],
        keys_label: "End / G",
        action: Action::ScrollBottom,
        help: "scroll to the bottom",
        footer: None,
    },
    Binding {
        scope: Scope::Picker,
        keys: &[Key(KeyCode::Up, NONE)],
        keys_label: "Up",
        action: Action::PickerUp,
        help: "previous scheme",
        footer: None,
    },
    Binding {
        scope: Scope::Picker,
        keys: &[Key(KeyCode::Down, NONE)],
        keys_label: "Down",
        action: Action::PickerDown,
        help: "next scheme",
        footer: None,
    },
    Binding {
        scope: Scope::Picker,
        keys: &[Key(KeyCode::Enter, NONE)],
        keys_label: "Enter",
        action: Action::PickerChoose,
        help: "open it (edits of every scheme are kept)",
        footer: None,
    },
    Binding {
        scope: Scope::Help,
        keys: &[Key(KeyCode::Up, NONE), Key(KeyCode::Char('k'), NONE)],
        keys_label: "Up / k",
        action: Action::HelpUp,
        help: "scroll the help up a line",
        footer: None,
    },
    Binding {
        scope: Scope::Help,
        keys: &[Key(KeyCode::Down, NONE), Key(KeyCode::Char('j'), NONE)],
        keys_label: "Down / j",
        action: Action::HelpDown,
        help: "scroll the help down a line",
        footer: None,
    },
    Binding {
        scope: Scope::Help,
        keys: &[Key(KeyCode::PageUp, NONE)],
        keys_label: "PgUp",
        action: Action::HelpPageUp,
        help: "scroll the help up a page",
        footer: None,
    },
    Binding {
        scope: Scope::Help,
        keys: &[Key(KeyCode::PageDown, NONE), Key(KeyCode::Char(' '), NONE)],
        keys_label: "PgDn / Space",
        action: Action::HelpPageDown,
        help: "scroll the help down a page",
        footer: None,
    },
    Binding {
        scope: Scope::Help,
        keys: &[Key(KeyCode::Home, NONE), Key(KeyCode::Char('g'), NONE)],
        keys_label: "Home / g",
        action: Action::HelpTop,
        help: "the top of the help",
        footer: None,
    },
    Binding {
        scope: Scope::Help,
        keys: &[Key(KeyCode::End, NONE), Key(KeyCode::Char('G'), NONE)],
        keys_label: "End / G",
        action: Action::HelpBottom,
        help: "the end of the help",
        footer: None,
    },
];

/// The action of a key in a scope, if the table has one.
pub fn lookup(scope: Scope, key: &KeyEvent) -> Option<Action> {
    // Shift is part of the character for printable keys; compare without it there.
    let mods = match key.code {
        KeyCode::Char(_) => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    };
    BINDINGS
        .iter()
        .filter(|b| b.scope == scope)
        .find(|b| {
            b.keys.iter().any(|k| {
                let kmods = match k.0 {
                    KeyCode::Char(_) => k.1 - KeyModifiers::SHIFT,
                    _ => k.1,
                };
                k.0 == key.code && kmods == mods
            })
        })
        .map(|b| b.action)
}

/// The footer's list: the main keys with a short word each.
pub fn footer() -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter_map(|b| b.footer.map(|f| (b.keys_label, f)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_a_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let clash = a.keys.iter().any(|k| b.keys.contains(k)) && (a.scope == b.scope);
                assert!(
                    !clash,
                    "{} and {} share a key in {:?}",
                    a.keys_label, b.keys_label, a.scope
                );
            }
        }
    }

    #[test]
    fn global_keys_never_are_plain_characters() {
        // An editor receives every plain character: no global action may take one.
        for b in BINDINGS.iter().filter(|b| b.scope == Scope::Global) {
            for k in b.keys {
                let plain = matches!(k.0, KeyCode::Char(_))
                    && !k.1.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                assert!(!plain, "{} is a plain character", b.keys_label);
            }
        }
    }

    #[test]
    fn help_lines_fit_an_80_column_terminal() {
        for b in BINDINGS {
            assert!(b.keys_label.len() <= 24, "{}", b.keys_label);
            assert!(b.help.chars().count() <= 50, "{}", b.help);
        }
    }

    #[test]
    fn lookup_finds_by_scope() {
        let f5 = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
        assert_eq!(lookup(Scope::Global, &f5), Some(Action::CopyHeaders));
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(lookup(Scope::Global, &j), None);
        assert_eq!(lookup(Scope::Stages, &j), Some(Action::StageDown));
    }
}

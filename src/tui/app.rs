//! The TUI's state and its update: messages in ([`Msg`]: terminal events, traces, search
//! results, captures, answers), state changed, effects out ([`Effect`]: copy, write, listen,
//! send, sign, diagnose, learn, quit) for the runtime to carry out. Nothing here starts a
//! thread or touches the terminal, the clipboard, a socket or a file; the trace always comes
//! from the core.
//!
//! This file holds the state itself ([`App`]), the focus, the effects, the view's scratch
//! state and the status line; the update is split by what it does: `editors` (the input
//! editors and a scheme's inputs), `signing` (the core's runs, large inputs on the runtime's
//! signing thread), `input` (key, paste and mouse events), `actions` (the key table's
//! actions), `picker` (schemes, profiles and sessions), `copy` (copy and export), `import` (a
//! pasted request), `diagnose` (F8's search), `learn` (an unknown scheme learned), `wire`
//! (listening and sending), `message` (what reaches the loop) and `overlay` (what is drawn
//! over the screen, one file each with its keys and its drawing).

use std::collections::{BTreeMap, HashMap};

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

mod actions;
mod copy;
mod diagnose;
mod editors;
mod import;
mod input;
mod learn;
pub mod message;
pub mod overlay;
mod picker;
mod signing;
mod wire;
pub use diagnose::DiagnoseJob;
pub use diagnose::DiagnoseWork;
pub use editors::{Editor, Prefill, SchemeInputs};
pub use learn::LearnWork;
pub use learn::{LEARN_ENTRY, LearnJob};
pub use picker::{Extra, Pick, Picker};
pub use signing::{ASYNC_FROM_BYTES, Computed, SignDone, SignWork};
pub use wire::{KEEP, Received, Response, Sending};

use super::keys;
use crate::sign::{self, Recipe, time};
use editors::{field_values, text_area};
pub use message::Msg;
pub use overlay::Overlay;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Field(usize),
    Variants,
    Key,
    Body,
    Headers,
    Expected,
    Stages,
}

/// What the runtime must do after an update: the update itself never starts a thread nor
/// touches the terminal, the clipboard, the network or a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Copy {
        text: String,
        what: String,
    },
    /// Write a learned recipe into the recipes folder (a new file there).
    SaveRecipe {
        dir: std::path::PathBuf,
        id: String,
        text: String,
    },
    /// Write text to a new file in the current directory (a copy too large for OSC 52).
    WriteFile {
        name: String,
        text: String,
        what: String,
    },
    Quit,
    /// Start listening with [`App::listen_judge`], and hand the listener to [`App::listening`].
    Listen,
    /// Send these bytes on a thread; the answer comes back as [`Msg::Answered`] for `job`.
    Send {
        target: crate::wire::client::Target,
        head_request: bool,
        bytes: Vec<u8>,
        /// The request's head as shown, the key masked.
        shown: Vec<String>,
        job: u64,
        /// What Esc cancels the exchange with.
        cancel: CancelSend,
    },
    /// Sign on the signing thread (inputs too large to sign between two keystrokes); the trace
    /// comes back as [`Msg::Signed`].
    Sign(Box<SignWork>),
    /// Run a diagnose search on a thread of its own ([`Msg::Progress`], [`Msg::Diagnosed`]).
    Diagnose(Box<DiagnoseWork>),
    /// Run a learn search on a thread of its own ([`Msg::Progress`], [`Msg::Learned`]).
    Learn(Box<LearnWork>),
}

/// The canceller of a request sent (compared by identity).
#[derive(Clone)]
pub struct CancelSend(pub std::sync::Arc<crate::wire::client::Canceller>);

impl std::fmt::Debug for CancelSend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CancelSend")
    }
}

impl PartialEq for CancelSend {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for CancelSend {}

/// A status message, and whether it reports a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
    /// When it was said (the app's clock, in milliseconds).
    pub at: i64,
}

impl Status {
    /// When it stops being shown: a report after 8 s, an error after 20 s.
    pub fn until(&self) -> i64 {
        self.at + if self.error { 20_000 } else { 8_000 }
    }
}

/// The view's scratch state, passed `&mut` to drawing: where the last frame put each pane, the
/// scroll positions it clamped, the rows a page holds. The update reads it (a click, a page
/// move) and sets the scroll positions; drawing clamps them and records what it laid out.
#[derive(Debug, Clone)]
pub struct ViewState {
    /// The first row of the stage panel shown; drawing clamps it and follows the selection.
    pub stage_scroll: usize,
    pub follow_selection: bool,
    /// The first line of the help shown (clamped when drawn).
    pub help_scroll: usize,
    /// Rows of help on screen (set when drawn): a page for PgUp/PgDn.
    pub help_page: usize,
    /// The first row of the diagnosis shown (clamped when drawn).
    pub diagnosis_scroll: usize,
    /// The first row of the answer shown (clamped when drawn).
    pub response_scroll: usize,
    /// Rows of the received list on screen (set when drawn), a page for PgUp/PgDn.
    pub list_page: usize,
    pub areas: Areas,
    /// The stage panel's rows of each stage at a width, for the trace of a version.
    pub stage_rows: Option<(u64, usize, Vec<usize>)>,
    /// The large editors' first rows and sizes: key, headers, body.
    pub big: [crate::tui::bigtext::BigView; 3],
    /// A public key's words for the Key pane's title, with the key they are of (reading a key,
    /// an RSA private key above all, costs more than a frame should).
    pub key_words: Option<(Vec<u8>, String)>,
}

impl Default for ViewState {
    fn default() -> ViewState {
        ViewState {
            stage_scroll: 0,
            follow_selection: false,
            help_scroll: 0,
            help_page: 10,
            diagnosis_scroll: 0,
            response_scroll: 0,
            list_page: 10,
            areas: Areas::default(),
            stage_rows: None,
            big: Default::default(),
            key_words: None,
        }
    }
}

/// Where the last frame put each pane, for mouse clicks.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    pub title: Rect,
    pub fields: Vec<Rect>,
    pub variants: Rect,
    pub key: Rect,
    pub headers: Rect,
    pub body: Rect,
    pub expected: Rect,
    pub stages: Rect,
    /// Rows of the stage panel's inside.
    pub stage_page: usize,
}

/// A source of random bytes for nonces.
pub type Random = Box<dyn FnMut(&mut [u8])>;

/// The whole state of the TUI.
pub struct App {
    pub recipes: Vec<Recipe>,
    pub current: usize,
    pub inputs: SchemeInputs,
    saved: HashMap<String, SchemeInputs>,
    pub expected: TextArea<'static>,
    pub focus: Focus,
    pub reveal: bool,
    pub variant_cursor: usize,
    pub stage_cursor: usize,
    /// What is drawn over the main screen (see [`Overlay`]).
    pub overlay: Option<Overlay>,
    /// The language the copy menu writes code in.
    pub code_lang: crate::code::Lang,
    /// Profiles and history sessions, offered in the picker after the schemes.
    pub extras: Vec<Extra>,
    /// The diagnose search under way, if any.
    pub diagnosing: Option<DiagnoseJob>,
    /// What the last diagnosis found, for Alt-A to apply.
    pub fix: Option<crate::diagnose::Fix>,
    /// The learn search under way, if any.
    pub learning: Option<LearnJob>,
    /// The last recipe learned, for Alt-W.
    pub learned: Option<String>,
    /// The folder of the user's recipes (beside the config), where Alt-W saves.
    pub recipes_dir: Option<std::path::PathBuf>,
    /// Control bytes in the body (other than line ends and tabs), which its editor cannot draw:
    /// counted when the body is signed, not on every frame.
    pub body_control_bytes: usize,
    /// The profile the session was started from, kept with it in history.
    pub profile: Option<String>,
    /// How the key editor's text is read (F10): text, hex or base64.
    pub key_encoding: crate::sign::key::KeyEncoding,
    /// The last diagnosis (F8), as lines; cleared when an input changes.
    pub diagnosis: Option<Vec<String>>,
    /// The TOML text of schemes that are not built in (for bundles).
    pub recipe_texts: BTreeMap<String, String>,
    /// A copy too large for OSC 52, waiting to be written to a file (F9, w).
    pub unsent_copy: Option<(String, String)>,
    /// The repro bundle the session opened, whose fingerprints every trace is compared with.
    pub bundle: Option<crate::request::bundle::Bundle>,
    /// The request imported (F7, or `--request`), which F9's curl and raw HTTP and F12 keep
    /// but for what the scheme places; with the URL field's value then, to tell an edit.
    pub replay_base: Option<(crate::request::replay::Base, Option<String>)>,
    /// The fields F3 filled, as they were, for Ctrl-Z right after it.
    undo_fill: Option<Vec<(usize, TextArea<'static>)>>,
    /// The listener's captures (F11), while listening.
    pub received: Option<Received>,
    /// A request on its way (F12).
    pub sending: Option<Sending>,
    /// The answer to the last request sent, shown beside the stages.
    pub response: Option<Response>,
    pub status: Option<Status>,
    /// The current scheme's headers placed with a fixed value (see `replay::constant_headers`).
    pub constant_headers: Vec<String>,
    /// The current scheme's signature headers (see `replay::signature_headers`).
    pub carrier_headers: Vec<String>,
    /// The query parameters its import reads a signature from (a presigned URL's).
    pub carrier_params: Vec<String>,
    /// The scheme F7 recognized in the request pasted (its index), the text and the request
    /// picked of several, for Alt-O.
    pub scheme_offer: Option<(usize, String, Option<usize>)>,
    /// The last status messages, oldest first (Alt-M shows them in full).
    pub messages: Vec<Status>,
    /// The box above the stages shows the messages, not a diagnosis.
    pub messages_shown: bool,
    pub now_millis: i64,
    /// NO_COLOR is set: the screen is drawn without colours, emphasis kept (bold, reverse).
    pub no_color: bool,
    pub computed: Computed,
    /// The view's scratch state (see [`ViewState`]).
    pub view: ViewState,
    /// Effects asked for deep in an update (a signing, a search), handed out at its end.
    outbox: Vec<Effect>,
    /// Numbers the jobs handed to the runtime (searches, requests sent).
    jobs: u64,
    random: Random,
    memo: sign::Memo,
    /// Counts recomputes; a trace from the signing thread is shown only if it is the latest.
    generation: u64,
    /// The generation the signing thread is computing, while the stages are behind.
    pending: Option<u64>,
}

/// Status messages the log keeps.
const MESSAGES_KEPT: usize = 20;

impl App {
    /// How a trace becomes the request F9 and F12 give: the imported request kept, the
    /// method and URL of the trace when the scheme takes them as fields the user changed.
    pub(crate) fn replay<'a>(
        &'a self,
        trace: &'a crate::sign::Trace,
    ) -> crate::request::replay::Replay<'a> {
        use crate::sign::recipe::FieldKind;
        let recipe = &self.recipes[self.current];
        let url_now = self.url_field();
        crate::request::replay::Replay {
            base: self.replay_base.as_ref().map(|(b, _)| b),
            method_from_trace: recipe.fields.iter().any(|f| f.kind == FieldKind::Method),
            url_from_trace: self
                .replay_base
                .as_ref()
                .is_some_and(|(_, url)| url_now.is_some() && *url != url_now),
            extra: &[],
            constant: &self.constant_headers,
            carriers: &self.carrier_headers,
            body_from_base: false,
            holds: false,
            carrier_params: &self.carrier_params,
            signature: std::str::from_utf8(trace.signature()).ok(),
        }
    }

    /// The value of the scheme's URL field, if it has one.
    pub(crate) fn url_field(&self) -> Option<String> {
        self.recipes[self.current]
            .fields
            .iter()
            .zip(&self.inputs.fields)
            .find(|(f, _)| f.kind == crate::sign::recipe::FieldKind::Url)
            .map(|(_, t)| t.lines().join("\n"))
    }

    /// An app on `recipes[current]`, prefilled; other schemes open on their examples.
    pub fn new(
        recipes: Vec<Recipe>,
        current: usize,
        prefill: &Prefill,
        expected: Option<&str>,
        now_millis: i64,
        random: Random,
    ) -> App {
        let inputs = SchemeInputs::new(&recipes[current], prefill);
        let mut expected_area = text_area(expected.unwrap_or(""));
        expected_area.set_placeholder_text("paste the signature the server expects");
        let mut app = App {
            recipes,
            current,
            inputs,
            saved: HashMap::new(),
            expected: expected_area,
            focus: Focus::Body,
            reveal: false,
            variant_cursor: 0,
            stage_cursor: 0,
            overlay: None,
            code_lang: crate::code::Lang::Python,
            extras: Vec::new(),
            profile: None,
            diagnosing: None,
            fix: None,
            learning: None,
            learned: None,
            recipes_dir: None,
            body_control_bytes: 0,
            key_encoding: crate::sign::key::KeyEncoding::Text,
            diagnosis: None,
            recipe_texts: BTreeMap::new(),
            unsent_copy: None,
            bundle: None,
            replay_base: None,
            undo_fill: None,
            received: None,
            sending: None,
            response: None,
            status: None,
            messages: Vec::new(),
            scheme_offer: None,
            constant_headers: Vec::new(),
            carrier_headers: Vec::new(),
            carrier_params: Vec::new(),
            messages_shown: false,
            now_millis,
            no_color: false,
            computed: Computed {
                result: Err(String::new()),
                views: Vec::new(),
                version: 0,
            },
            view: ViewState::default(),
            outbox: Vec::new(),
            jobs: 0,
            random,
            memo: sign::Memo::default(),
            generation: 0,
            pending: None,
        };
        app.apply_masks();
        app.set_focus(app.first_focus());
        app.recompute();
        app
    }

    pub fn recipe(&self) -> &Recipe {
        &self.recipes[self.current]
    }

    fn first_focus(&self) -> Focus {
        if self.recipe().body.kind == sign::BodyKind::None {
            if self.recipe().fields.is_empty() {
                Focus::Key
            } else {
                Focus::Field(0)
            }
        } else {
            Focus::Body
        }
    }

    /// The focus stops, in Tab order.
    pub fn focus_order(&self) -> Vec<Focus> {
        let mut order: Vec<Focus> = (0..self.inputs.fields.len()).map(Focus::Field).collect();
        if !self.recipe().variants.is_empty() {
            order.push(Focus::Variants);
        }
        order.push(Focus::Key);
        if self.shows_headers() {
            order.push(Focus::Headers);
        }
        order.extend([Focus::Body, Focus::Expected, Focus::Stages]);
        order
    }

    /// Whether the headers editor is on screen: the scheme signs headers, or some were given.
    pub fn shows_headers(&self) -> bool {
        self.recipe().reads_headers || !self.inputs.headers.is_empty()
    }

    fn set_focus(&mut self, focus: Focus) {
        let cursor = Style::default().add_modifier(Modifier::REVERSED);
        let hidden = Style::default();
        let focused = |f: Focus| if f == focus { cursor } else { hidden };
        for (i, t) in self.inputs.fields.iter_mut().enumerate() {
            t.set_cursor_style(focused(Focus::Field(i)));
        }
        if let Editor::Text(t) = &mut self.inputs.key {
            t.set_cursor_style(focused(Focus::Key));
        }
        match &mut self.inputs.body {
            Editor::Text(t) => t.set_cursor_style(focused(Focus::Body)),
            Editor::Big(b) => b.focused = focus == Focus::Body,
            Editor::Binary(_) => {}
        }
        match &mut self.inputs.headers {
            Editor::Text(t) => t.set_cursor_style(focused(Focus::Headers)),
            Editor::Big(b) => b.focused = focus == Focus::Headers,
            Editor::Binary(_) => {}
        }
        self.expected.set_cursor_style(focused(Focus::Expected));
        self.focus = focus;
    }

    fn apply_masks(&mut self) {
        if let Editor::Text(t) = &mut self.inputs.key {
            if self.reveal {
                t.clear_mask_char();
            } else {
                t.set_mask_char('•');
            }
        }
    }

    fn step_focus(&mut self, step: isize) {
        let order = self.focus_order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let next = (at + step).rem_euclid(order.len() as isize) as usize;
        self.set_focus(order[next]);
    }

    fn say(&mut self, text: &str, error: bool) {
        let status = Status {
            text: text.to_string(),
            error,
            at: self.now_millis,
        };
        // The status line cuts a long message; the log keeps it whole (Alt-M).
        self.messages.push(status.clone());
        if self.messages.len() > MESSAGES_KEPT {
            self.messages.remove(0);
        }
        self.status = Some(status);
    }

    /// Alt-M: the last messages, newest first, in full in the box above the stages; again hides
    /// them.
    pub(super) fn toggle_messages(&mut self) {
        if self.messages_shown {
            self.messages_shown = false;
            self.diagnosis = None;
            return;
        }
        let mut lines = vec![format!(
            "The last {} messages, newest first (Alt-M hides them):",
            self.messages.len()
        )];
        lines.extend(
            self.messages
                .iter()
                .rev()
                .map(|m| format!("{}{}", if m.error { "✗ " } else { "· " }, m.text)),
        );
        self.diagnosis = Some(lines);
        self.view.diagnosis_scroll = 0;
        self.messages_shown = true;
    }

    /// The current scheme's inputs as a history session (never the key, nor a secret field).
    pub fn session(&self, now_millis: i64) -> crate::history::Session {
        let recipe = self.recipe();
        // A secret field (an OAuth token secret: half of the HMAC key) is never kept at rest.
        let mut fields = field_values(recipe, &self.inputs);
        fields.retain(|name, _| {
            recipe
                .field(name)
                .is_none_or(|f| f.kind != crate::sign::FieldKind::Secret)
        });
        let mut session = crate::history::Session {
            saved_at: now_millis,
            scheme: recipe.id.clone(),
            recipe: self.recipe_texts.get(&recipe.id).cloned(),
            profile: self.profile.clone(),
            fields,
            variants: self.inputs.choices.clone(),
            headers: String::from_utf8_lossy(&self.inputs.headers.bytes()).into_owned(),
            expected: self.expected.lines().concat(),
            ..Default::default()
        };
        session.set_body(&self.inputs.body.bytes());
        session
    }

    /// The update for every message but the runtime's own (signals, a terminal gone): the
    /// state changed, and the effects the runtime must carry out.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Terminal(event) => return self.handle(event),
            Msg::Signed(done) => self.signed(done),
            Msg::Progress { job, tried } => {
                self.diagnose_progress(job, tried);
                self.learn_progress(job, tried);
            }
            Msg::Diagnosed { job, report, fix } => self.diagnosed(job, report, fix),
            Msg::Learned { job, result } => self.learned(job, result),
            Msg::Captured(capture) => self.captured(capture),
            Msg::Answered { job, result } => self.answered(job, result),
            Msg::TerminalGone(_) | Msg::Signal(_) | Msg::Suspend => {}
        }
        std::mem::take(&mut self.outbox)
    }

    /// The effects asked for outside an update (while the app was made, or by a method the
    /// command line called).
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.outbox)
    }

    /// A number for a job handed to the runtime.
    fn next_job(&mut self) -> u64 {
        self.jobs += 1;
        self.jobs
    }

    /// Whether something under way changes the screen with time alone (a request's clock).
    pub fn busy(&self) -> bool {
        self.sending.is_some()
    }

    /// Shows a line in the status bar (for the command line's notes at start).
    pub fn note(&mut self, text: &str) {
        self.say(text, false);
    }

    /// Whether the screen shows something that changes with the clock.
    pub fn ticking(&self) -> bool {
        self.recipe().window.is_some()
    }

    /// The status message while it is fresh; an old one is not shown.
    pub fn fresh_status(&self) -> Option<&Status> {
        self.status.as_ref().filter(|s| self.now_millis < s.until())
    }

    /// The age line for schemes with a window.
    pub fn age_line(&self) -> Option<(String, bool)> {
        let trace = self.computed.result.as_ref().ok()?;
        let age = time::age(self.recipe(), &trace.fields, self.now_millis)?;
        Some(match age {
            Err(e) => (e, false),
            Ok(a) => {
                let when = a.to_string();
                let verdict = if a.accepted() {
                    "a server accepts it"
                } else {
                    "a server refuses it"
                };
                (
                    format!(
                        "request time {when}: {verdict} (window {} s; F3: now)",
                        a.window_seconds
                    ),
                    a.accepted(),
                )
            }
        })
    }
}

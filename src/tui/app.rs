//! The TUI's state and its update: events in, state changed, effects (copy, quit) out. Nothing
//! here draws or touches the terminal; the trace always comes from the core.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

mod wire;
pub use wire::{KEEP, Received, Response, Sending};

use super::bigtext::BigText;
use super::keys::{self, Action, Scope};
use super::stages::StageView;
use crate::request::export;
use crate::sign::{self, Field, FieldKind, Recipe, Trace, time};

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

/// A text editor, or bytes that are not UTF-8 and so are kept as they are, read-only.
pub enum Editor {
    /// ratatui-textarea, for texts up to [`BIG`]: every editing key, wrapped lines.
    Text(Box<TextArea<'static>>),
    /// Our own editor for larger texts, laid out only where it shows (see `bigtext`).
    Big(Box<BigText>),
    Binary(Vec<u8>),
}

/// Above this size a body is edited with [`BigText`]: ratatui-textarea re-lays out the whole
/// text on every edit, which does not fit a frame for a large body.
const BIG: usize = 64 * 1024;

impl Editor {
    /// Whether the text's first line ends in CRLF: Enter then ends a line the same way.
    fn uses_crlf(&self) -> bool {
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
    fn new(bytes: &[u8], may_be_big: bool) -> Editor {
        match std::str::from_utf8(bytes) {
            Ok(text) if may_be_big && text.len() > BIG => {
                Editor::Big(Box::new(BigText::new(text.to_string())))
            }
            Ok(text) => {
                let mut t = text_area(text);
                t.set_wrap_mode(ratatui_textarea::WrapMode::Glyph);
                Editor::Text(Box::new(t))
            }
            Err(_) => Editor::Binary(bytes.to_vec()),
        }
    }

    /// Moves a text that has grown large (a paste) to the large-text editor, cursor kept.
    fn fit_size(&mut self) {
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
            Editor::Binary(b) => b.len(),
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
            Editor::Binary(b) => b.clone(),
        }
    }
}

fn text_area(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(text.split('\n').map(str::to_string).collect());
    t.set_cursor_line_style(Style::default());
    t.set_cursor_style(Style::default());
    t
}

/// The one-line editor of a field; time and nonce fields say which key fills them.
fn field_editor(field: &Field, value: &str) -> TextArea<'static> {
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
fn field_values(recipe: &Recipe, inputs: &SchemeInputs) -> BTreeMap<String, String> {
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
    fn new(recipe: &Recipe, prefill: &Prefill) -> SchemeInputs {
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

/// The searchable scheme list.
pub struct Picker {
    pub query: String,
    pub cursor: usize,
}

/// A picker entry beside the schemes: a profile or a session from history, which loads the
/// inputs of its scheme when chosen (a profile's key source is read then).
pub struct Extra {
    /// `profile acme`, `session 3 min ago`.
    pub title: String,
    pub detail: String,
    /// The id of its scheme.
    pub scheme: String,
    pub load: Box<dyn Fn() -> Result<Prefill, String>>,
}

/// A diagnose search running off the UI thread (F8): Esc cancels it, an edit drops it.
pub struct DiagnoseJob {
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Signings tried so far.
    pub progress: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub result: std::sync::mpsc::Receiver<Vec<String>>,
}

/// What a picker line opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Scheme(usize),
    Extra(usize),
}

/// The last run of the core, made ready to show.
pub struct Computed {
    pub result: Result<Trace, String>,
    pub views: Vec<StageView>,
    /// Rows of each stage's content at a width, computed once per trace and width.
    rows: RefCell<Option<(usize, Vec<usize>)>>,
}

impl Computed {
    /// Content rows of each stage at `width`.
    pub fn rows(&self, width: usize) -> Vec<usize> {
        let mut cache = self.rows.borrow_mut();
        match &*cache {
            Some((w, rows)) if *w == width => rows.clone(),
            _ => {
                let rows: Vec<usize> = self.views.iter().map(|v| v.rows(width)).collect();
                *cache = Some((width, rows.clone()));
                rows
            }
        }
    }
}

/// What the runtime must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Copy {
        text: String,
        what: String,
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
    /// Send these bytes on a thread ([`Sending::start`]) and hand it to [`App::sending_started`].
    Send {
        target: crate::wire::client::Target,
        head_request: bool,
        bytes: Vec<u8>,
        /// The request's head as shown, the key masked.
        shown: Vec<String>,
    },
}

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
    /// The first row of the stage panel shown; the view clamps it and follows the selection.
    pub stage_scroll: Cell<usize>,
    pub follow_selection: Cell<bool>,
    pub picker: Option<Picker>,
    pub help: bool,
    /// The box a request is pasted into (F7), while open.
    pub request_box: Option<TextArea<'static>>,
    /// The "copy as" menu (F9), while open.
    pub copy_menu: bool,
    /// The language the copy menu writes code in.
    pub code_lang: crate::code::Lang,
    /// Profiles and history sessions, offered in the picker after the schemes.
    pub extras: Vec<Extra>,
    /// The diagnose search under way, if any.
    pub diagnosing: Option<DiagnoseJob>,
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
    /// The first line of the help shown; the view clamps it.
    pub help_scroll: Cell<usize>,
    /// A copy too large for OSC 52, waiting to be written to a file (F9, w).
    pub unsent_copy: Option<(String, String)>,
    /// The repro bundle the session opened, whose fingerprints every trace is compared with.
    pub bundle: Option<crate::request::bundle::Bundle>,
    /// The fields F3 filled, as they were, for Ctrl-Z right after it.
    undo_fill: Option<Vec<(usize, TextArea<'static>)>>,
    /// Rows of help on screen (set when drawn): a page for PgUp/PgDn.
    pub help_page: Cell<usize>,
    /// The first row of the diagnosis shown (clamped when drawn).
    pub diagnosis_scroll: Cell<usize>,
    /// The listener's captures (F11), while listening.
    pub received: Option<Received>,
    /// The received-requests list is on screen.
    pub list_open: bool,
    /// A request on its way (F12).
    pub sending: Option<Sending>,
    /// The answer to the last request sent, shown beside the stages.
    pub response: Option<Response>,
    /// The first row of the answer shown (clamped when drawn).
    pub response_scroll: Cell<usize>,
    /// The box the server's own string is pasted into (Alt-T), while open.
    pub theirs_box: Option<TextArea<'static>>,
    pub status: Option<Status>,
    pub now_millis: i64,
    /// NO_COLOR is set: the screen is drawn without colours, emphasis kept (bold, reverse).
    pub no_color: bool,
    pub computed: Computed,
    pub areas: RefCell<Areas>,
    random: Random,
    memo: sign::Memo,
    /// Counts recomputes; a trace from the signing thread is shown only if it is the latest.
    generation: u64,
    /// The generation the signing thread is computing, while the stages are behind.
    pending: Option<u64>,
    worker: Option<SignWorker>,
}

impl App {
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
            stage_scroll: Cell::new(0),
            follow_selection: Cell::new(false),
            picker: None,
            help: false,
            request_box: None,
            copy_menu: false,
            code_lang: crate::code::Lang::Python,
            extras: Vec::new(),
            profile: None,
            diagnosing: None,
            body_control_bytes: 0,
            key_encoding: crate::sign::key::KeyEncoding::Text,
            diagnosis: None,
            recipe_texts: BTreeMap::new(),
            help_scroll: Cell::new(0),
            unsent_copy: None,
            bundle: None,
            undo_fill: None,
            help_page: Cell::new(10),
            diagnosis_scroll: Cell::new(0),
            received: None,
            list_open: false,
            sending: None,
            response: None,
            response_scroll: Cell::new(0),
            theirs_box: None,
            status: None,
            now_millis,
            no_color: false,
            computed: Computed {
                result: Err(String::new()),
                views: Vec::new(),
                rows: RefCell::new(None),
            },
            areas: RefCell::new(Areas::default()),
            random,
            memo: sign::Memo::default(),
            generation: 0,
            pending: None,
            worker: None,
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

    /// Runs the core on the current inputs and prepares the stage views: at once for small
    /// inputs, on the signing thread for large ones (the editor echoes the key at once; the stages
    /// follow when their trace comes, the latest input winning).
    pub fn recompute(&mut self) {
        self.diagnosis = None;
        // Any change after F3 makes its undo a thing of the past.
        self.undo_fill = None;
        if let Some(job) = self.diagnosing.take() {
            job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.generation += 1;
        let job = self.job();
        let recipe = &self.recipes[self.current];
        if job.body.len() + job.headers.len() < ASYNC_FROM_BYTES {
            let done = sign_job(recipe, job, &mut self.memo);
            self.pending = None;
            self.apply(done);
            return;
        }
        let worker = self.worker.get_or_insert_with(SignWorker::spawn);
        if worker.jobs.send((recipe.clone(), job)).is_err() {
            // The signing thread is gone (it panicked): sign here rather than never.
            self.worker = None;
            self.pending = None;
            return self.recompute_here();
        }
        self.pending = Some(self.generation);
    }

    /// Signs on this thread (the fallback when the signing thread is gone).
    fn recompute_here(&mut self) {
        let job = self.job();
        let done = sign_job(&self.recipes[self.current], job, &mut self.memo);
        self.apply(done);
    }

    /// The current inputs, taken from the editors for one signing.
    fn job(&self) -> SignJob {
        let recipe = &self.recipes[self.current];
        SignJob {
            generation: self.generation,
            fields: field_values(recipe, &self.inputs),
            key: self.key_encoding.decode(&self.inputs.key.bytes()),
            encoding: self.key_encoding,
            body: self.inputs.body.bytes(),
            headers: self.inputs.headers.bytes(),
            choices: self.inputs.choices.clone(),
            reveal: self.reveal,
        }
    }

    /// Whether the stages on screen are older than the inputs (a trace is being computed).
    pub fn catching_up(&self) -> bool {
        self.pending.is_some()
    }

    /// Takes the latest trace from the signing thread when it has come; drops older ones.
    /// Returns whether the screen changed.
    pub fn poll_trace(&mut self) -> bool {
        let Some(worker) = &self.worker else {
            return false;
        };
        let mut latest = None;
        loop {
            match worker.done.try_recv() {
                Ok(done) => latest = Some(done),
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.worker = None;
                    if self.pending.take().is_some() {
                        self.recompute_here();
                        return true;
                    }
                    return false;
                }
            }
        }
        match latest {
            Some(done) if Some(done.generation) == self.pending => {
                self.pending = None;
                self.apply(done);
                true
            }
            _ => false,
        }
    }

    /// Waits for the trace of the current inputs (before an action that reads it: copy,
    /// diagnose), at most a few seconds.
    pub fn settle(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while let Some(wanted) = self.pending {
            let Some(worker) = &self.worker else {
                self.pending = None;
                return self.recompute_here();
            };
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match worker.done.recv_timeout(left) {
                Ok(done) if done.generation == wanted => {
                    self.pending = None;
                    self.apply(done);
                }
                // An older trace: dropped.
                Ok(_) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => return,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    self.worker = None;
                    self.pending = None;
                    return self.recompute_here();
                }
            }
        }
    }

    /// Shows a finished trace.
    fn apply(&mut self, done: SignDone) {
        self.body_control_bytes = done.control_bytes;
        self.computed = Computed {
            views: done.views,
            result: done.result,
            rows: RefCell::new(None),
        };
        if self.stage_cursor >= self.computed.views.len() {
            self.stage_cursor = self.computed.views.len().saturating_sub(1);
        }
    }
}

/// Inputs this large are signed on the signing thread.
pub const ASYNC_FROM_BYTES: usize = 64 << 10;

/// What one signing needs, taken from the editors.
pub struct SignJob {
    generation: u64,
    fields: BTreeMap<String, String>,
    key: Result<Vec<u8>, String>,
    encoding: crate::sign::key::KeyEncoding,
    body: Vec<u8>,
    headers: Vec<u8>,
    choices: BTreeMap<String, String>,
    reveal: bool,
}

/// A signing's result, made ready to show.
pub struct SignDone {
    generation: u64,
    result: Result<Trace, String>,
    views: Vec<StageView>,
    control_bytes: usize,
}

/// The thread that signs large inputs; it drops every job but the latest waiting.
pub struct SignWorker {
    jobs: std::sync::mpsc::Sender<(Recipe, SignJob)>,
    done: std::sync::mpsc::Receiver<SignDone>,
}

impl SignWorker {
    fn spawn() -> SignWorker {
        let (jobs, job_rx) = std::sync::mpsc::channel::<(Recipe, SignJob)>();
        let (done_tx, done) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut memo = sign::Memo::default();
            while let Ok(mut job) = job_rx.recv() {
                while let Ok(newer) = job_rx.try_recv() {
                    job = newer;
                }
                let (recipe, job) = job;
                if done_tx.send(sign_job(&recipe, job, &mut memo)).is_err() {
                    return;
                }
            }
        });
        SignWorker { jobs, done }
    }
}

/// Signs one job: the trace, or the error in the words the stages pane shows.
fn sign_job(recipe: &Recipe, job: SignJob, memo: &mut sign::Memo) -> SignDone {
    let SignJob {
        generation,
        fields,
        key,
        encoding,
        body,
        headers,
        choices,
        reveal,
    } = job;
    let control_bytes = body
        .iter()
        .filter(|&&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        .count();
    let result = key
        .map_err(|message| sign::SignError::Input {
            input: format!("the key, read as {} (F10 changes it)", encoding.name()),
            message: message.trim_start_matches("the key ").to_string(),
        })
        .and_then(|key| {
            recipe
                .select(choices.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .map(|selection| (key, selection))
        })
        .and_then(|(key, selection)| {
            sign::run_memo(
                recipe,
                &sign::Inputs {
                    fields: &fields,
                    key: &key,
                    body: &body,
                    headers: &headers,
                    selection: &selection,
                },
                memo,
            )
        });
    let result = result.map_err(|e| match e {
        sign::SignError::MissingField { name, label } => {
            let kind = recipe.field(&name).map(|f| f.kind);
            let hint = if kind.is_some_and(FieldKind::is_generated) {
                " (F3 fills it)"
            } else {
                ""
            };
            format!("missing field `{name}` ({label}){hint}")
        }
        e => e.to_string(),
    });
    SignDone {
        generation,
        views: result
            .as_ref()
            .map(|t| t.stages.iter().map(|s| StageView::new(s, reveal)).collect())
            .unwrap_or_default(),
        result,
        control_bytes,
    }
}

impl App {
    /// Handles one terminal event.
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
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
        if self.copy_menu
            && let Some(action) = keys::lookup(Scope::CopyMenu, &key)
        {
            return self.act(action);
        }
        if let Some(action) = keys::lookup(Scope::Global, &key) {
            return self.act(action);
        }
        if self.help {
            return match keys::lookup(Scope::Help, &key) {
                Some(action) => self.act(action),
                None => vec![],
            };
        }
        if self.copy_menu {
            return match keys::lookup(Scope::CopyMenu, &key) {
                Some(action) => self.act(action),
                None => vec![],
            };
        }
        if let Some(b) = self.request_box.as_mut().or(self.theirs_box.as_mut()) {
            let undo = key.code == KeyCode::Char('z') && key.modifiers == KeyModifiers::CONTROL;
            if undo {
                b.undo();
            } else {
                b.input(key);
            }
            return vec![];
        }
        if self.list_open {
            return match keys::lookup(Scope::Received, &key) {
                Some(action) => self.act(action),
                None => vec![],
            };
        }
        if self.picker.is_some() {
            if let Some(action) = keys::lookup(Scope::Picker, &key) {
                return self.act(action);
            }
            let picker = self.picker.as_mut().expect("checked above");
            match key.code {
                KeyCode::Backspace => {
                    picker.query.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    picker.query.push(c)
                }
                _ => {}
            }
            picker.cursor = 0;
            return vec![];
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
                Editor::Binary(_) => {
                    self.say("the body is not UTF-8 text: it is kept byte for byte and cannot be edited here", true);
                    false
                }
            },
            Focus::Headers => match &mut self.inputs.headers {
                Editor::Text(t) if undo => t.undo(),
                Editor::Text(t) => t.input(key),
                Editor::Big(b) => b.input(key),
                Editor::Binary(_) => false,
            },
            Focus::Expected => {
                if key.code != KeyCode::Enter {
                    if undo {
                        self.expected.undo()
                    } else {
                        self.expected.input(key)
                    };
                }
                false
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
        if let Some(p) = &mut self.picker {
            p.query.push_str(text.trim());
            return;
        }
        if let Some(b) = &mut self.theirs_box {
            // tmux's paste sends line ends as CR: a string with CRs and no LF at all came that
            // way (a canonical string's lines end in LF), and is read with LF.
            let text = if normalized.contains('\r') && !normalized.contains('\n') {
                self.status = Some(Status {
                    text: "the paste had CR line ends and no LF (a terminal's paste): read as LF"
                        .to_string(),
                    error: false,
                    at: self.now_millis,
                });
                normalized.replace('\r', "\n")
            } else {
                normalized
            };
            b.insert_str(text.replace("\r\n", "\r\r\n"));
            return;
        }
        if let Some(b) = &mut self.request_box {
            // A request's head may come with CR line ends (tmux's paste): the reader takes CR,
            // LF and CRLF alike.
            let text = crate::request::import::head_with_lf(&normalized).unwrap_or(normalized);
            b.insert_str(text.replace("\r\n", "\r\r\n"));
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
                Editor::Binary(_) => false,
            },
            Focus::Headers => match &mut self.inputs.headers {
                Editor::Text(t) => t.insert_str(&keep_cr),
                Editor::Big(b) => b.insert_str(&normalized),
                Editor::Binary(_) => false,
            },
            Focus::Expected => {
                self.expected.insert_str(one_line(&normalized).trim());
                false
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
        let areas = self.areas.borrow().clone();
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if self.help || self.picker.is_some() {
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
                self.stage_scroll.set(self.stage_scroll.get() + 3);
                self.follow_selection.set(false);
            }
            MouseEventKind::ScrollUp if areas.stages.contains(at) => {
                self.stage_scroll
                    .set(self.stage_scroll.get().saturating_sub(3));
                self.follow_selection.set(false);
            }
            _ => {}
        }
    }

    fn step_focus(&mut self, step: isize) {
        let order = self.focus_order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let next = (at + step).rem_euclid(order.len() as isize) as usize;
        self.set_focus(order[next]);
    }

    fn say(&mut self, text: &str, error: bool) {
        self.status = Some(Status {
            text: text.to_string(),
            error,
            at: self.now_millis,
        });
    }

    /// Carries out an action from the key table.
    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Help => {
                self.help = !self.help;
                self.help_scroll.set(0);
                self.picker = None;
            }
            Action::HelpUp => self
                .help_scroll
                .set(self.help_scroll.get().saturating_sub(1)),
            Action::HelpDown => self.help_scroll.set(self.help_scroll.get() + 1),
            Action::HelpPageUp => self.help_scroll.set(
                self.help_scroll
                    .get()
                    .saturating_sub(self.help_page.get().max(1)),
            ),
            Action::HelpPageDown => self
                .help_scroll
                .set(self.help_scroll.get() + self.help_page.get().max(1)),
            Action::HelpTop => self.help_scroll.set(0),
            // Clamped to the last page when drawn.
            Action::HelpBottom => self.help_scroll.set(usize::MAX / 2),
            // The diagnosis when it is shown, else the answer to a request sent.
            Action::DiagnosisUp if self.diagnosis.is_none() => self
                .response_scroll
                .set(self.response_scroll.get().saturating_sub(1)),
            Action::DiagnosisDown if self.diagnosis.is_none() => {
                self.response_scroll.set(self.response_scroll.get() + 1)
            }
            Action::DiagnosisUp => self
                .diagnosis_scroll
                .set(self.diagnosis_scroll.get().saturating_sub(1)),
            Action::DiagnosisDown => self.diagnosis_scroll.set(self.diagnosis_scroll.get() + 1),
            Action::Close => {
                if let Some(job) = &self.diagnosing {
                    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                let open = self.help
                    || self.picker.is_some()
                    || self.request_box.is_some()
                    || self.theirs_box.is_some()
                    || self.copy_menu
                    || self.list_open;
                self.help = false;
                self.picker = None;
                self.request_box = None;
                self.theirs_box = None;
                self.copy_menu = false;
                self.list_open = false;
                // With nothing else open, Esc cancels a request under way, then closes its answer.
                if !open && !self.cancel_send() {
                    self.response = None;
                }
            }
            Action::Listen => return self.toggle_listen(),
            Action::Send => return self.send(),
            Action::TheirString => self.their_string(),
            Action::ListUp
            | Action::ListDown
            | Action::ListPageUp
            | Action::ListPageDown
            | Action::ListTop
            | Action::ListBottom => self.list_move(action),
            Action::ListOpen => self.open_capture(),
            Action::PasteRequest => match self.request_box.take() {
                None => {
                    self.help = false;
                    self.picker = None;
                    let mut t = text_area("");
                    t.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
                    t.set_placeholder_text("paste a raw HTTP request (request line, headers, blank line, body) or a curl command line");
                    self.request_box = Some(t);
                }
                Some(t) => self.read_request(t),
            },
            Action::Diagnose => self.diagnose(),
            Action::CopyAs => {
                if self.picker.is_none() && !self.help && self.request_box.is_none() {
                    self.copy_menu = true;
                }
            }
            Action::CopyCurl | Action::CopyHttp | Action::CopyBundle => {
                self.copy_menu = false;
                return self.copy_as(action);
            }
            Action::CopyCode => {
                self.copy_menu = false;
                return self.copy_code();
            }
            Action::WriteUnsent => {
                self.copy_menu = false;
                return match self.unsent_copy.take() {
                    Some((what, text)) => vec![Effect::WriteFile {
                        name: format!("sigscope-copy-{}.txt", self.now_millis),
                        text,
                        what,
                    }],
                    None => {
                        self.say("no copy is waiting to be written to a file", true);
                        vec![]
                    }
                };
            }
            Action::CodeLangNext | Action::CodeLangPrev => {
                let all = crate::code::Lang::ALL;
                let at = all.iter().position(|l| *l == self.code_lang).unwrap_or(0);
                let step = if action == Action::CodeLangNext {
                    1
                } else {
                    all.len() - 1
                };
                self.code_lang = all[(at + step) % all.len()];
            }
            Action::FocusNext => {
                if self.picker.is_none() && !self.help && self.request_box.is_none() {
                    self.step_focus(1);
                }
            }
            Action::FocusPrev => {
                if self.picker.is_none() && !self.help && self.request_box.is_none() {
                    self.step_focus(-1);
                }
            }
            Action::KeyEncoding => {
                self.key_encoding = self.key_encoding.next();
                self.recompute();
                self.say(
                    &format!("the key is read as {}", self.key_encoding.name()),
                    false,
                );
            }
            Action::RevealKey => {
                self.reveal = !self.reveal;
                self.apply_masks();
                self.recompute();
                self.say(
                    if self.reveal {
                        "key revealed (F2 masks it)"
                    } else {
                        "key masked"
                    },
                    false,
                );
            }
            Action::Now => self.fill_now(),
            Action::PickScheme => {
                self.help = false;
                self.picker = Some(Picker {
                    query: String::new(),
                    cursor: self.current,
                });
            }
            Action::CopyHeaders => return self.copy_headers(),
            Action::CopyStage => return self.copy_stage(),
            Action::VariantUp => self.variant_cursor = self.variant_cursor.saturating_sub(1),
            Action::VariantDown => {
                self.variant_cursor =
                    (self.variant_cursor + 1).min(self.recipe().variants.len().saturating_sub(1));
            }
            Action::ChoiceNext => self.cycle_choice(1),
            Action::ChoicePrev => self.cycle_choice(-1),
            Action::StageUp => {
                self.stage_cursor = self.stage_cursor.saturating_sub(1);
                self.follow_selection.set(true);
            }
            Action::StageDown => {
                self.stage_cursor =
                    (self.stage_cursor + 1).min(self.computed.views.len().saturating_sub(1));
                self.follow_selection.set(true);
            }
            Action::ScrollUp | Action::ScrollDown => {
                let page = self.areas.borrow().stage_page.max(1);
                let s = self.stage_scroll.get();
                self.stage_scroll.set(if action == Action::ScrollUp {
                    s.saturating_sub(page)
                } else {
                    s + page
                });
                self.follow_selection.set(false);
            }
            Action::ScrollTop => {
                self.stage_scroll.set(0);
                self.follow_selection.set(false);
            }
            Action::ScrollBottom => {
                self.stage_scroll.set(usize::MAX / 2);
                self.follow_selection.set(false);
            }
            Action::PickerUp | Action::PickerDown => {
                let n = self.picker_matches().len();
                if let Some(p) = &mut self.picker {
                    p.cursor = if action == Action::PickerUp {
                        p.cursor.saturating_sub(1)
                    } else {
                        (p.cursor + 1).min(n.saturating_sub(1))
                    };
                }
            }
            Action::PickerChoose => {
                let matches = self.picker_matches();
                let cursor = self.picker.as_ref().map_or(0, |p| p.cursor);
                match matches.get(cursor.min(matches.len().saturating_sub(1))) {
                    Some(&Pick::Scheme(index)) => {
                        self.picker = None;
                        self.switch_scheme(index);
                    }
                    Some(&Pick::Extra(index)) => {
                        self.picker = None;
                        self.open_extra(index);
                    }
                    None => {}
                }
            }
        }
        vec![]
    }

    /// The schemes whose id, name or description holds every word of the query, then the
    /// profiles and sessions whose words do.
    pub fn picker_matches(&self) -> Vec<Pick> {
        let query = self
            .picker
            .as_ref()
            .map_or(String::new(), |p| p.query.to_lowercase());
        let hit = |hay: String| {
            let hay = hay.to_lowercase();
            query.split_whitespace().all(|w| hay.contains(w))
        };
        let schemes = self
            .recipes
            .iter()
            .enumerate()
            .filter(|(_, r)| hit(format!("{} {} {}", r.id, r.name, r.description)))
            .map(|(i, _)| Pick::Scheme(i));
        let extras = self
            .extras
            .iter()
            .enumerate()
            .filter(|(_, e)| hit(format!("{} {} {}", e.title, e.scheme, e.detail)))
            .map(|(i, _)| Pick::Extra(i));
        schemes.chain(extras).collect()
    }

    /// Opens a profile or a session: its scheme with its inputs. The key it brings (a
    /// profile's) replaces the scheme's; a session brings none, so the scheme's key stays.
    fn open_extra(&mut self, index: usize) {
        let extra = &self.extras[index];
        let title = extra.title.clone();
        let Some(at) = self.recipes.iter().position(|r| r.id == extra.scheme) else {
            let text = format!("{title}: no scheme `{}` here", extra.scheme);
            self.say(&text, true);
            return;
        };
        let mut prefill = match (extra.load)() {
            Ok(p) => p,
            Err(e) => {
                self.say(&format!("{title}: {e}"), true);
                return;
            }
        };
        let had_key = !prefill.key.is_empty();
        if !had_key {
            let current = if at == self.current {
                Some(&self.inputs)
            } else {
                self.saved.get(&self.recipes[at].id)
            };
            prefill.key = current.map(|i| i.key.bytes()).unwrap_or_default();
        }
        self.switch_scheme(at);
        self.inputs = SchemeInputs::new(&self.recipes[at], &prefill);
        if let Some(name) = title.strip_prefix("profile ") {
            self.profile = Some(name.to_string());
        }
        if let Some(expected) = prefill.expected.as_deref() {
            self.expected = text_area(expected);
            self.expected
                .set_placeholder_text("paste the signature the server expects");
        }
        self.apply_masks();
        self.set_focus(self.first_focus());
        self.recompute();
        let key_note = if had_key || !prefill.key.is_empty() {
            ""
        } else {
            " (history keeps no key: type it in the Key pane)"
        };
        self.say(&format!("{title} · {}{key_note}", self.recipe().id), false);
    }

    /// The current scheme's inputs as a history session (never the key).
    pub fn session(&self, now_millis: i64) -> crate::history::Session {
        let recipe = self.recipe();
        let fields = field_values(recipe, &self.inputs);
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

    /// Shows a line in the status bar (for the command line's notes at start).
    pub fn note(&mut self, text: &str) {
        self.say(text, false);
    }

    fn switch_scheme(&mut self, index: usize) {
        if index == self.current {
            return;
        }
        let id = self.recipes[index].id.clone();
        let next = self.saved.remove(&id).unwrap_or_else(|| {
            SchemeInputs::new(
                &self.recipes[index],
                &Prefill::example(&self.recipes[index]),
            )
        });
        let previous = std::mem::replace(&mut self.inputs, next);
        self.saved
            .insert(self.recipes[self.current].id.clone(), previous);
        self.current = index;
        self.variant_cursor = 0;
        self.stage_cursor = 0;
        self.stage_scroll.set(0);
        self.apply_masks();
        self.set_focus(self.first_focus());
        self.recompute();
        let r = self.recipe();
        let text = format!("{} · {}", r.id, r.name);
        self.say(&text, false);
    }

    fn cycle_choice(&mut self, step: isize) {
        let Some(v) = self.recipe().variants.get(self.variant_cursor).cloned() else {
            return;
        };
        let current = self
            .inputs
            .choices
            .get(&v.name)
            .cloned()
            .unwrap_or_default();
        let at = v.choices.iter().position(|c| *c == current).unwrap_or(0) as isize;
        let next = (at + step).rem_euclid(v.choices.len() as isize) as usize;
        self.inputs
            .choices
            .insert(v.name.clone(), v.choices[next].clone());
        self.recompute();
    }

    /// "Now" for the focused time field, a new nonce for a nonce field; elsewhere, all of them.
    fn fill_now(&mut self) {
        let fields = self.recipe().fields.clone();
        let targets: Vec<usize> = match self.focus {
            Focus::Field(i) if fields[i].kind.is_generated() => vec![i],
            _ => (0..fields.len())
                .filter(|&i| fields[i].kind.is_generated())
                .collect(),
        };
        if targets.is_empty() {
            self.say("this scheme has no time or nonce field", true);
            return;
        }
        let mut said = Vec::new();
        let mut saved = Vec::new();
        for i in targets {
            let f = &fields[i];
            saved.push((i, self.inputs.fields[i].clone()));
            let value = match time::time_value(f.kind, self.now_millis) {
                Some(v) => v,
                None => {
                    let mut random = vec![0u8; time::nonce_bytes_needed(f)];
                    (self.random)(&mut random);
                    time::nonce_value(f, &random)
                }
            };
            self.inputs.fields[i] = field_editor(f, &value);
            said.push(format!("{} = {value}", f.name));
        }
        let focus = self.focus;
        self.set_focus(focus);
        self.say(&format!("{} (Ctrl-Z undoes)", said.join(", ")), false);
        self.recompute();
        self.undo_fill = Some(saved);
    }

    fn copy_headers(&mut self) -> Vec<Effect> {
        self.settle();
        let trace = match &self.computed.result {
            Ok(t) => t,
            Err(e) => {
                let text = format!("nothing to copy: {e}");
                self.say(&text, true);
                return vec![];
            }
        };
        let body = self.inputs.body.bytes();
        match export::head_text(&trace.placement, &body) {
            Ok((text, what)) if !text.is_empty() => vec![Effect::Copy { text, what }],
            Ok(_) => {
                self.say("this scheme places the signature nowhere yet: fill the field that names its header", true);
                vec![]
            }
            Err(e) => {
                self.say(&e.to_string(), true);
                vec![]
            }
        }
    }

    fn copy_stage(&mut self) -> Vec<Effect> {
        self.settle();
        let Ok(trace) = &self.computed.result else {
            self.say("nothing to copy: the trace has an error", true);
            return vec![];
        };
        let Some(stage) = trace.stages.get(self.stage_cursor) else {
            return vec![];
        };
        if stage.streamed.is_some() {
            self.say("that stage was streamed and not kept", true);
            return vec![];
        }
        let (text, how) = match std::str::from_utf8(&stage.bytes) {
            Ok(t) if !stage.raw => {
                if !self.reveal && !stage.secret.is_empty() {
                    let masked: String =
                        sign::visible::segments(&stage.bytes, &stage.secret, false)
                            .iter()
                            .map(|s| {
                                if s.mark == sign::visible::Mark::Secret {
                                    s.shown(&stage.bytes)
                                } else {
                                    String::from_utf8_lossy(&stage.bytes[s.bytes.clone()])
                                }
                            })
                            .collect();
                    (masked, " with the key masked (F2 reveals)")
                } else {
                    (t.to_string(), "")
                }
            }
            _ => (hex::encode(&stage.bytes), " as hex"),
        };
        vec![Effect::Copy {
            text,
            what: format!("stage `{}`{how}", stage.name),
        }]
    }

    /// Reads the request pasted into the box into the fields, the body and the expected
    /// signature; a request that does not read keeps the box open with the message.
    fn read_request(&mut self, boxed: TextArea<'static>) {
        let text = boxed.lines().join("\n");
        match self.import_request_text(&text) {
            Ok(message) => self.say(&message, false),
            Err(e) => {
                self.say(&format!("the request does not read: {e}"), true);
                self.request_box = Some(boxed);
            }
        }
    }

    /// Takes a request's fields, headers, body and signature for the current scheme, as F7
    /// does; returns what was taken (for the status line).
    fn import_request_text(&mut self, text: &str) -> Result<String, String> {
        // A pasted curl line may name a local file (`-d @/etc/passwd`, `@/dev/stdin`): the TUI
        // never reads one; the note says which and where the body goes instead.
        let mut skipped: Vec<String> = Vec::new();
        let mut read = |p: &str| -> Result<Vec<u8>, String> {
            skipped.push(p.to_string());
            Ok(Vec::new())
        };
        let parsed = crate::request::import::parse(text.as_bytes(), &mut read);
        let skipped = skipped;
        let imported = parsed.map_err(|e| e.to_string())?;
        let recipe = self.recipes[self.current].clone();
        let current: BTreeMap<String, String> = recipe
            .fields
            .iter()
            .zip(&self.inputs.fields)
            .map(|(f, t)| (f.name.clone(), t.lines().join("\n")))
            .collect();
        let mapped =
            crate::request::import::map_with(&recipe, &imported, &BTreeMap::new(), &current);
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
        if let Some(sig) = &mapped.signature {
            self.expected = text_area(sig);
            took.push("the signature".to_string());
        }
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

    /// Searches for the differences that reproduce the expected signature (F8).
    fn diagnose(&mut self) {
        self.settle();
        self.diagnosis_scroll.set(0);
        let expected = self.expected.lines().concat();
        if expected.trim().is_empty() {
            self.say("diagnose needs the expected signature: paste it into its field (or a request with F7)", true);
            return;
        }
        let Ok(trace) = &self.computed.result else {
            self.say("the inputs do not sign yet: fix the error first", true);
            return;
        };
        let Ok(key) = self.key_encoding.decode(&self.inputs.key.bytes()) else {
            self.say("the key does not read: fix the error first", true);
            return;
        };
        let body = self.inputs.body.bytes();
        let Ok(selection) = self.recipe().select(
            self.inputs
                .choices
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        ) else {
            return;
        };
        let fields = trace.fields.clone();
        let headers = self.inputs.headers.bytes();
        let recipe = self.recipe().clone();
        if let Some(job) = self.diagnosing.take() {
            job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        // The search runs on its own thread: the screen stays live, Esc cancels it.
        let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (tx, rx) = std::sync::mpsc::channel();
        let (c, p) = (cancel.clone(), progress.clone());
        std::thread::spawn(move || {
            let case = crate::diagnose::Case {
                recipe: &recipe,
                fields: &fields,
                key: &key,
                body: &body,
                headers: &headers,
                selection: &selection,
                expected: &expected,
            };
            let limits = crate::diagnose::Limits {
                cancel: Some(&c),
                progress: Some(&p),
                ..Default::default()
            };
            let lines = match crate::diagnose::diagnose_with(&case, &limits) {
                Ok(outcome) => outcome.report(),
                Err(e) => vec![format!("diagnose failed: {e}")],
            };
            let _ = tx.send(lines);
        });
        self.diagnosing = Some(DiagnoseJob {
            cancel,
            progress,
            result: rx,
        });
        self.diagnosis = Some(vec!["diagnosing… (Esc cancels)".to_string()]);
        self.say("diagnosing… (Esc cancels)", false);
    }

    /// Takes the result of a search under way when it has come, or shows its progress. Returns
    /// whether the screen changed.
    pub fn poll_background(&mut self) -> bool {
        let Some(job) = &self.diagnosing else {
            return false;
        };
        match job.result.try_recv() {
            Ok(lines) => {
                self.diagnosing = None;
                self.diagnosis = Some(lines);
                self.say(
                    "diagnosis above the stages (it clears when an input changes)",
                    false,
                );
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                let n = job.progress.load(std::sync::atomic::Ordering::Relaxed);
                self.diagnosis = Some(vec![format!(
                    "diagnosing… {n} candidates searched (Esc cancels)"
                )]);
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.diagnosing = None;
                self.diagnosis = Some(vec!["diagnose stopped without a result".to_string()]);
            }
        }
        true
    }

    /// The request as curl, raw HTTP or a bundle, for the clipboard (F9).
    fn copy_as(&mut self, action: Action) -> Vec<Effect> {
        self.settle();
        let Ok(trace) = &self.computed.result else {
            self.say("nothing to copy: the trace has an error", true);
            return vec![];
        };
        let body = self.inputs.body.bytes();
        let built = crate::request::export::build(&trace.placement, &body);
        let result = match action {
            Action::CopyCurl => built
                .and_then(|r| r.to_curl())
                .map(|t| (t, "the request as curl")),
            Action::CopyHttp => built.and_then(|r| r.to_http()).map(|b| {
                (
                    String::from_utf8_lossy(&b).into_owned(),
                    "the request as raw HTTP",
                )
            }),
            _ => {
                let expected = self.expected.lines().concat();
                let expected = Some(expected.trim()).filter(|e| !e.is_empty());
                let text = self.recipe_texts.get(&self.recipe().id).map(String::as_str);
                Ok((
                    crate::request::bundle::Bundle::new(
                        self.recipe(),
                        trace,
                        text,
                        &body,
                        &self.inputs.headers.bytes(),
                        expected,
                    )
                    .to_json(),
                    "a repro bundle (no key)",
                ))
            }
        };
        match result {
            Ok((text, what)) => vec![Effect::Copy {
                text,
                what: what.to_string(),
            }],
            Err(e) => {
                self.say(&e.to_string(), true);
                vec![]
            }
        }
    }

    /// The trace as a program in the chosen language, for the clipboard (F9, p).
    fn copy_code(&mut self) -> Vec<Effect> {
        self.settle();
        let Ok(trace) = &self.computed.result else {
            self.say("nothing to copy: the trace has an error", true);
            return vec![];
        };
        let lang = self.code_lang;
        let recipe = self.recipe();
        let headers = self.inputs.headers.bytes();
        let request = crate::code::Request {
            recipe,
            trace,
            headers: &headers,
            command: &crate::code::command(recipe, &trace.selection, lang),
        };
        match crate::code::generate(&request, lang) {
            Ok(text) => vec![Effect::Copy {
                text,
                what: format!("the trace as {} code", lang.label()),
            }],
            Err(e) => {
                self.say(&e.to_string(), true);
                vec![]
            }
        }
    }

    /// A copy the terminal's clipboard would drop (over the OSC 52 limit): kept, and the user
    /// offered a file instead.
    pub fn too_large_to_copy(&mut self, what: &str, text: String) {
        let kb = text.len().div_ceil(1000);
        self.say(
            &format!(
                "{what} is {kb} KB, more than the about 100 KB terminals take by OSC 52: nothing copied; F9 then w writes it to a file"
            ),
            true,
        );
        self.unsent_copy = Some((what.to_string(), text));
    }

    /// Records the outcome of writing a copy to a file.
    pub fn written(&mut self, what: &str, outcome: Result<String, String>) {
        match outcome {
            Ok(path) => self.say(&format!("wrote {what} to {path}"), false),
            Err(e) => self.say(&format!("could not write {what}: {e}"), true),
        }
    }

    /// Records the outcome of a copy effect.
    pub fn copied(&mut self, what: &str, outcome: Result<&str, String>) {
        match outcome {
            Ok(how) => self.say(&format!("copied {what} to {how}"), false),
            Err(e) => self.say(&format!("could not copy {what}: {e}"), true),
        }
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

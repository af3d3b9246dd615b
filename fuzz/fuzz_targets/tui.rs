//! The TUI's update and draw: any sequence of keys (any code the app handles, with Ctrl, Alt,
//! Shift), pastes, mouse clicks, clock ticks and resizes (1×1 to 200×60), on any scheme, never
//! panics. Structured input (see `Input`): hundreds of actions in a few kilobytes.
//!
//! The runtime's effects are played without touching the machine: a copy goes to OSC 52 written
//! into a buffer (never the system clipboard), a file (a large copy, a learned recipe) is never
//! written, a listener is never bound, a request is never sent. F8 (diagnose) is skipped, and F7
//! when its box is the learn box: each search runs on a thread that would outlive the input (the
//! `diagnose` target fuzzes that search). Ctrl-C's Quit changes nothing in the app, so the
//! actions after it carry on. Every effect is matched by name: a new one fails to build here
//! until it is played safely.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use sigscope::sign::{Recipe, builtin, pubkey};
use sigscope::tui::app::{App, Effect, Extra, Prefill};
use sigscope::tui::clipboard::Clipboard;

/// Every built-in scheme, read once.
fn recipes() -> &'static [Recipe] {
    static ALL: OnceLock<Vec<Recipe>> = OnceLock::new();
    ALL.get_or_init(|| builtin::all().expect("built-ins load"))
}

/// For each scheme whose example key is a private key: its public key, as PEM (verifying is
/// much cheaper than signing, and is the other half of those schemes).
fn public_keys() -> &'static [Option<Vec<u8>>] {
    static KEYS: OnceLock<Vec<Option<Vec<u8>>>> = OnceLock::new();
    KEYS.get_or_init(|| {
        use base64::Engine as _;
        recipes()
            .iter()
            .map(|r| {
                if !r.public_key() {
                    return None;
                }
                let key = pubkey::parse(r.example.key.as_bytes(), None).ok()?;
                if !key.is_private() {
                    return None;
                }
                let b64 = base64::engine::general_purpose::STANDARD.encode(key.public_der());
                let lines: Vec<&str> = b64
                    .as_bytes()
                    .chunks(64)
                    .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
                    .collect();
                Some(
                    format!(
                        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
                        lines.join("\n")
                    )
                    .into_bytes(),
                )
            })
            .collect()
    })
}

/// The keys that are not characters, as `KeyCode`s (an index byte picks one, modulo 32).
const SPECIAL: [KeyCode; 32] = [
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Enter,
    KeyCode::Backspace,
    KeyCode::Esc,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Delete,
    KeyCode::Insert,
    KeyCode::F(1),
    KeyCode::F(2),
    KeyCode::F(3),
    KeyCode::F(4),
    KeyCode::F(5),
    KeyCode::F(6),
    KeyCode::F(7),
    KeyCode::F(8),
    KeyCode::F(9),
    KeyCode::F(10),
    KeyCode::F(11),
    KeyCode::F(12),
    KeyCode::Null,
    KeyCode::CapsLock,
    KeyCode::ScrollLock,
    KeyCode::NumLock,
    KeyCode::PrintScreen,
];

/// Keys that go with Ctrl or Alt after the 26 letters.
const CTRL_MORE: [KeyCode; 6] = [
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Home,
    KeyCode::End,
];
const ALT_MORE: [KeyCode; 6] = [
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Backspace,
    KeyCode::Enter,
];

/// One thing the user (or the terminal) does.
#[derive(Debug)]
enum Action {
    Key(KeyEvent),
    Paste(String),
    /// The terminal's new size: the screen is drawn at it.
    Resize(u16, u16),
    /// A frame at the current size (the runtime draws after each burst of events).
    Draw,
    Mouse(MouseEventKind, u16, u16),
    /// The clock moves on (milliseconds): status lines expire, a window's age changes.
    Tick(i64),
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Action {
    Action::Key(KeyEvent::new(code, modifiers))
}

fn mods(bits: u8) -> KeyModifiers {
    let mut m = KeyModifiers::NONE;
    for (bit, flag) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::CONTROL),
        (4, KeyModifiers::ALT),
        (8, KeyModifiers::SUPER),
    ] {
        if bits & bit != 0 {
            m |= flag;
        }
    }
    m
}

/// The byte format, one action after another (lengths in front, so seeds are easy to write):
///
/// | first byte | action |
/// |---|---|
/// | `0x00` | draw |
/// | `0x01 c m` | key: `c` < 0x80 the character `c`, else `SPECIAL[c % 32]`; `m` the modifiers (bit 0 Shift, 1 Ctrl, 2 Alt, 3 Super) and kind (bits 4–5: 1 repeat, 2 release) |
/// | `0x02 n bytes` | paste of `n` bytes (`n` = 255: a little-endian u16 length follows), read as UTF-8 lossily |
/// | `0x03 w h` | resize to `1 + w % 200` × `1 + h % 60`, drawn |
/// | `0x04 k x y` | mouse: `k % 7` picks left down, right down, up, drag, scroll down, scroll up, moved |
/// | `0x05 t t` | the clock moves on by a little-endian u16 × 100 ms |
/// | `0x06 u u u u` | the character of a little-endian u32 (else U+FFFD) |
/// | `0x07 c`, `0x08 c` | Ctrl-`c`, Alt-`c` (`c` a byte as a character) |
/// | `0x09` Tab, `0x0a` `0x0d` Enter, `0x1b` Esc, `0x7f` Backspace; other bytes below 0x20 and printable ASCII: that character |
/// | `0x80`–`0x9f` | `SPECIAL[b - 0x80]` (arrows, Home/End, PgUp/PgDn, Delete, Insert, F1–F12 …) |
/// | `0xa0`–`0xbf` | Ctrl-a … Ctrl-z, Ctrl-arrows, Ctrl-Home/End |
/// | `0xc0`–`0xdf` | Alt-a … Alt-z, Alt-arrows, Alt-Backspace, Alt-Enter |
/// | `0xe0`–`0xff` | Shift with `SPECIAL[b - 0xe0]` |
impl<'a> Arbitrary<'a> for Action {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let b = u8::arbitrary(u)?;
        Ok(match b {
            0x00 => Action::Draw,
            0x01 => {
                let c = u8::arbitrary(u)?;
                let m = u8::arbitrary(u)?;
                let code = if c < 0x80 {
                    KeyCode::Char(char::from(c))
                } else {
                    SPECIAL[usize::from(c % 32)]
                };
                let kind = match (m >> 4) & 3 {
                    1 => KeyEventKind::Repeat,
                    2 => KeyEventKind::Release,
                    _ => KeyEventKind::Press,
                };
                Action::Key(KeyEvent::new_with_kind_and_state(
                    code,
                    mods(m),
                    kind,
                    KeyEventState::NONE,
                ))
            }
            0x02 => {
                let mut n = usize::from(u8::arbitrary(u)?);
                if n == 255 {
                    n = usize::from(u16::from_le_bytes([u8::arbitrary(u)?, u8::arbitrary(u)?]));
                }
                let bytes = u.bytes(n.min(u.len()))?;
                Action::Paste(String::from_utf8_lossy(bytes).into_owned())
            }
            0x03 => {
                let w = u8::arbitrary(u)?;
                let h = u8::arbitrary(u)?;
                Action::Resize(1 + u16::from(w) % 200, 1 + u16::from(h) % 60)
            }
            0x04 => {
                let k = u8::arbitrary(u)?;
                let x = u8::arbitrary(u)?;
                let y = u8::arbitrary(u)?;
                let kind = match k % 7 {
                    0 => MouseEventKind::Down(MouseButton::Left),
                    1 => MouseEventKind::Down(MouseButton::Right),
                    2 => MouseEventKind::Up(MouseButton::Left),
                    3 => MouseEventKind::Drag(MouseButton::Left),
                    4 => MouseEventKind::ScrollDown,
                    5 => MouseEventKind::ScrollUp,
                    _ => MouseEventKind::Moved,
                };
                Action::Mouse(kind, u16::from(x), u16::from(y))
            }
            0x05 => Action::Tick(i64::from(u16::arbitrary(u)?) * 100),
            0x06 => {
                let c = char::from_u32(u32::arbitrary(u)?).unwrap_or('\u{fffd}');
                key(KeyCode::Char(c), KeyModifiers::NONE)
            }
            0x07 => key(
                KeyCode::Char(char::from(u8::arbitrary(u)?)),
                KeyModifiers::CONTROL,
            ),
            0x08 => key(
                KeyCode::Char(char::from(u8::arbitrary(u)?)),
                KeyModifiers::ALT,
            ),
            0x09 => key(KeyCode::Tab, KeyModifiers::NONE),
            0x0a | 0x0d => key(KeyCode::Enter, KeyModifiers::NONE),
            0x1b => key(KeyCode::Esc, KeyModifiers::NONE),
            0x7f => key(KeyCode::Backspace, KeyModifiers::NONE),
            0x80..=0x9f => key(SPECIAL[usize::from(b - 0x80)], KeyModifiers::NONE),
            0xa0..=0xbf => match b - 0xa0 {
                i @ 0..26 => key(KeyCode::Char(char::from(b'a' + i)), KeyModifiers::CONTROL),
                i => key(CTRL_MORE[usize::from(i - 26)], KeyModifiers::CONTROL),
            },
            0xc0..=0xdf => match b - 0xc0 {
                i @ 0..26 => key(KeyCode::Char(char::from(b'a' + i)), KeyModifiers::ALT),
                i => key(ALT_MORE[usize::from(i - 26)], KeyModifiers::ALT),
            },
            0xe0..=0xff => key(SPECIAL[usize::from(b - 0xe0)], KeyModifiers::SHIFT),
            c => key(KeyCode::Char(char::from(c)), KeyModifiers::NONE),
        })
    }
}

/// The sizes a session may start at (the flags' top three bits pick one).
/// Small ones mostly: a frame's cost grows with its cells (80×24 takes about a millisecond
/// under the sanitizer), and a resize reaches any size up to 200×60.
const START_SIZES: [(u16, u16); 8] = [
    (40, 12),
    (80, 24),
    (20, 5),
    (1, 1),
    (60, 20),
    (30, 8),
    (100, 30),
    (12, 3),
];

/// Actions at most in one input (a few kilobytes hold this many).
const MAX_ACTIONS: usize = 1024;

/// A session: the scheme, how it starts, then the actions.
///
/// Byte 0 picks the scheme (modulo the number of built-ins); byte 1 holds flags: bit 0
/// NO_COLOR, bits 1–2 the expected signature (none, the example's, the example's with its last
/// character changed, or a text that follows: a length byte and its bytes), bit 3 a public-key
/// scheme whose example key is private keeps it (each edit signs: an RSA signing takes
/// milliseconds under the sanitizer) instead of the public half (each edit verifies), bit 4 the
/// body starts empty, bits 5–7 the first terminal size.
#[derive(Debug)]
struct Input {
    scheme: usize,
    no_color: bool,
    expected: Option<String>,
    private: bool,
    empty_body: bool,
    size: (u16, u16),
    actions: Vec<Action>,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let scheme = usize::from(u8::arbitrary(u)?) % recipes().len();
        let flags = u8::arbitrary(u)?;
        let example = recipes()[scheme].example.signature.clone();
        let expected = match (flags >> 1) & 3 {
            0 => None,
            1 => example,
            2 => example.map(|mut s| {
                let last = s.pop().map_or('0', |c| if c == '0' { '1' } else { '0' });
                s.push(last);
                s
            }),
            _ => {
                let n = usize::from(u8::arbitrary(u)?);
                let bytes = u.bytes(n.min(u.len()))?;
                Some(String::from_utf8_lossy(bytes).into_owned())
            }
        };
        let mut actions = Vec::new();
        while !u.is_empty() && actions.len() < MAX_ACTIONS {
            actions.push(Action::arbitrary(u)?);
        }
        Ok(Input {
            scheme,
            no_color: flags & 1 != 0,
            expected,
            private: flags & 8 != 0,
            empty_body: flags & 16 != 0,
            size: START_SIZES[usize::from(flags >> 5)],
            actions,
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

/// Schemes the app gets: the chosen one and three on each side (cloning all 130 for every input
/// cost more than the rest of a short input). The picker (F4) switches among these.
const AROUND: usize = 3;

fn app_for(input: &Input) -> App {
    let all = recipes();
    let n = all.len();
    let window: Vec<Recipe> = (0..=2 * AROUND)
        .map(|i| all[(input.scheme + n + i - AROUND) % n].clone())
        .collect();
    let current = AROUND;
    let recipe = &window[current];
    let mut prefill = Prefill::example(recipe);
    if !input.private
        && let Some(public) = &public_keys()[input.scheme]
    {
        prefill.key = public.clone();
    }
    if input.empty_body {
        prefill.body.clear();
    }
    // Profiles and history sessions in the picker, each loaded by a closure (no files): one on
    // a neighbour with a key, one without a key but with an expected signature, one whose
    // scheme is not here, and one that fails to load.
    let neighbour = Prefill::example(&window[current + 1]);
    let session = Prefill {
        key: Vec::new(),
        expected: window[current + 2].example.signature.clone(),
        ..Prefill::example(&window[current + 2])
    };
    let extras = vec![
        Extra {
            title: "profile fuzz".to_string(),
            detail: "a profile".to_string(),
            scheme: window[current + 1].id.clone(),
            load: Box::new(move || Ok(neighbour.clone())),
        },
        Extra {
            title: "session 3 min ago".to_string(),
            detail: "a session".to_string(),
            scheme: window[current + 2].id.clone(),
            load: Box::new(move || Ok(session.clone())),
        },
        Extra {
            title: "profile gone".to_string(),
            detail: "its scheme is not here".to_string(),
            scheme: "no-such-scheme".to_string(),
            load: Box::new(|| Ok(Prefill::default())),
        },
        Extra {
            title: "profile broken".to_string(),
            detail: "its key file is missing".to_string(),
            scheme: window[current - 1].id.clone(),
            load: Box::new(|| Err("cannot read the key file".to_string())),
        },
    ];
    let mut app = App::new(
        window,
        current,
        &prefill,
        input.expected.as_deref(),
        1_700_000_000_000,
        Box::new(|b: &mut [u8]| b.fill(7)),
    );
    app.no_color = input.no_color;
    app.extras = extras;
    app
}

/// Plays the runtime's part for each effect, without the clipboard, files, sockets or threads.
fn play(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Copy { text, what } => {
                let mut osc52 = Clipboard::Osc52;
                if osc52.takes(&text) {
                    let mut terminal = Vec::new();
                    let outcome = osc52.copy(&text, &mut terminal);
                    app.copied(&what, outcome);
                } else {
                    app.too_large_to_copy(&what, text);
                }
            }
            Effect::WriteFile { name, what, .. } => app.written(&what, Ok(name)),
            Effect::SaveRecipe { id, .. } => {
                app.written("the learned recipe", Ok(format!("recipes/{id}.toml")))
            }
            Effect::Listen => app.not_listening("the fuzz target binds no socket"),
            // The signing thread's part, here and now.
            Effect::Sign(work) => {
                let done = work.sign(&mut sigscope::sign::Memo::default());
                app.signed(done);
            }
            // Sending would open a connection, a search would outlive the input (the app shows
            // it under way); Quit leaves the app as it was.
            Effect::Send { .. } | Effect::Diagnose(_) | Effect::Learn(_) | Effect::Quit => {}
        }
    }
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &mut App) {
    terminal
        .draw(|f| sigscope::tui::view::draw(app, f))
        .expect("draws");
}

fuzz_target!(|input: Input| {
    let mut app = app_for(&input);
    let (w, h) = input.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    for action in input.actions {
        match action {
            Action::Key(k) => {
                let effects = app.handle(Event::Key(k));
                play(&mut app, effects);
            }
            Action::Paste(text) => {
                let effects = app.handle(Event::Paste(text));
                play(&mut app, effects);
            }
            Action::Mouse(kind, column, row) => {
                let effects = app.handle(Event::Mouse(MouseEvent {
                    kind,
                    column,
                    row,
                    modifiers: KeyModifiers::NONE,
                }));
                play(&mut app, effects);
            }
            Action::Resize(w, h) => {
                terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
                draw(&mut terminal, &mut app);
            }
            Action::Draw => draw(&mut terminal, &mut app),
            Action::Tick(ms) => app.now_millis += ms,
        }
    }
    draw(&mut terminal, &mut app);
});

//! What the socket tests share: reading one HTTP/1.1 message off a stream, as a plain client or
//! server would (the head to its blank line, then Content-Length bytes). Written here, not with
//! sigscope's own reader, so that the tests do not check the code with itself.

use std::io::Read;

/// One message: its head as text (the blank line included) and its body.
#[allow(dead_code)]
pub fn read_message(s: &mut impl Read) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte)
            .unwrap_or_else(|e| panic!("{e} inside a head: {head:?}"));
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    (head, body)
}

/// The status of a response's head.
#[allow(dead_code)]
pub fn status(head: &str) -> u16 {
    head[9..12].parse().unwrap()
}

/// Runs the binary with NO_COLOR set.
#[allow(dead_code)]
pub fn sigscope(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("sigscope runs")
}

/// Every `cases.json` below `tests/fixtures/<under>/*/`, with its folder, in folder order
/// (none when the fixtures are absent).
#[allow(dead_code)]
pub fn case_files(under: &str) -> Vec<(std::path::PathBuf, serde_json::Value)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(under);
    let Ok(dirs) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dir in dirs.map(|d| d.expect("an entry").path()) {
        let file = dir.join("cases.json");
        if let Ok(text) = std::fs::read_to_string(&file) {
            let value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            out.push((dir, value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A built-in scheme by id.
#[allow(dead_code)]
pub fn recipe(id: &str) -> sigscope::sign::Recipe {
    sigscope::sign::builtin::all()
        .expect("built-ins load")
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no built-in scheme `{id}`"))
}

/// A published vector of a seed scheme (`tests/vectors.json`, from the seed documents).
#[derive(serde::Deserialize, Debug, Clone)]
#[allow(dead_code)]
pub struct Vector {
    pub id: String,
    pub key: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub canonical: String,
    pub signature: String,
}

/// The vector of one seed scheme.
#[allow(dead_code)]
pub fn vector(id: &str) -> Vector {
    let all: Vec<Vector> =
        serde_json::from_str(include_str!("../vectors.json")).expect("vectors.json parses");
    all.into_iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no vector `{id}`"))
}

/// TPNS's formula computed here, apart from the engine:
/// base64(hex(HMAC-SHA256(key, timestamp + access_id + body))).
#[allow(dead_code)]
pub fn tpns_sign(
    key: impl AsRef<[u8]>,
    timestamp: &str,
    access_id: &str,
    body: impl AsRef<[u8]>,
) -> String {
    use base64::Engine as _;
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_ref()).expect("any key");
    mac.update(timestamp.as_bytes());
    mac.update(access_id.as_bytes());
    mac.update(body.as_ref());
    base64::engine::general_purpose::STANDARD.encode(hex::encode(mac.finalize().into_bytes()))
}

/// The TUI on a built-in scheme's example, at a fixed clock, with a fixed random source.
#[allow(dead_code)]
pub fn app(scheme: &str, now_millis: i64) -> sigscope::tui::app::App {
    app_with(scheme, now_millis, |_| {}, None)
}

/// As [`app`], the example's inputs changed by `change` first, with an expected signature.
#[allow(dead_code)]
pub fn app_with(
    scheme: &str,
    now_millis: i64,
    change: impl FnOnce(&mut sigscope::tui::app::Prefill),
    expected: Option<&str>,
) -> sigscope::tui::app::App {
    let recipes = sigscope::sign::builtin::all().expect("built-ins load");
    let current = recipes
        .iter()
        .position(|r| r.id == scheme)
        .unwrap_or_else(|| panic!("no built-in scheme `{scheme}`"));
    let mut prefill = sigscope::tui::app::Prefill::example(&recipes[current]);
    change(&mut prefill);
    sigscope::tui::app::App::new(
        recipes,
        current,
        &prefill,
        expected,
        now_millis,
        Box::new(|b: &mut [u8]| b.fill(7)),
    )
}

/// The app drawn on a `w`×`h` TestBackend, as text: one line a row.
#[allow(dead_code)]
pub fn screen(app: &mut sigscope::tui::app::App, w: u16, h: u16) -> String {
    let mut t =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("a test terminal");
    t.draw(|f| sigscope::tui::view::draw(app, f))
        .expect("draws");
    buffer_text(t.backend().buffer(), false)
}

/// A drawn buffer as text, one line a row; `trim`: trailing spaces cut.
#[allow(dead_code)]
pub fn buffer_text(buffer: &ratatui::buffer::Buffer, trim: bool) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            let line: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
            if trim {
                line.trim_end().to_string()
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Carries out `effects` as the TUI's runtime does (with no clipboard) and feeds the app the
/// messages that come back (and carries out what they ask) until `done` holds; at most 60 s.
#[allow(dead_code)]
pub fn run_until(
    app: &mut sigscope::tui::app::App,
    effects: Vec<sigscope::tui::app::Effect>,
    done: impl Fn(&sigscope::tui::app::App) -> bool,
) {
    let (mut runtime, inbox) = sigscope::tui::runtime::Runtime::new(None);
    let _ = runtime.carry_out(app, effects);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done(app) {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing came back in 60 s"
        );
        if let Ok(msg) = inbox.recv_timeout(std::time::Duration::from_millis(50)) {
            let effects = app.update(msg);
            let _ = runtime.carry_out(app, effects);
        }
    }
}

/// A key without modifiers, as the terminal sends it.
#[allow(dead_code)]
pub fn key(code: ratatui::crossterm::event::KeyCode) -> ratatui::crossterm::event::Event {
    use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Ctrl and a character.
#[allow(dead_code)]
pub fn ctrl(c: char) -> ratatui::crossterm::event::Event {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types text into the app, a key a character.
#[allow(dead_code)]
pub fn type_text(app: &mut sigscope::tui::app::App, text: &str) {
    for c in text.chars() {
        app.handle(key(ratatui::crossterm::event::KeyCode::Char(c)));
    }
}

/// The signature the stages show (the trace must sign).
#[allow(dead_code)]
pub fn signature(app: &sigscope::tui::app::App) -> String {
    app.computed
        .result
        .as_ref()
        .expect("the trace signs")
        .signature_text()
}

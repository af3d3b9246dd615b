//! Speed of the trace, which the TUI recomputes on every keystroke, and of streaming a large body.
//!
//! `cargo bench` runs every scheme's trace at 4 KiB and 1 MiB bodies, and the 1 GiB streamed
//! `sign --format signature --body-file` path (the file is written once under target/).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use sigscope::cli::{InputArgs, Resolved};
use sigscope::sign::{self, BodyKind, Inputs, Recipe, builtin};

fn main() {
    divan::main();
}

const SCHEMES: &[&str] = &[
    "tpns",
    "linksfield",
    "huawei-authtoken",
    "huawei-basic",
    "huawei-tenant",
    "etower",
    "moneyhoney",
    "aws-sigv4",
];

/// A body of about `size` bytes that the scheme accepts: a JSON object of many members, or a
/// parameter list with the `timeStamp` the scheme needs.
fn body_for(recipe: &Recipe, size: usize) -> Vec<u8> {
    if recipe.body.kind == BodyKind::Params {
        let mut s = String::from("timeStamp=20240101120000000");
        let mut i = 0;
        while s.len() < size {
            s += &format!("&p{i:06}=value%20{i}");
            i += 1;
        }
        return s.into_bytes();
    }
    let mut s = String::from("{\"version\":\"2.0\"");
    let mut i = 0;
    while s.len() < size {
        s += &format!(
            ",\"member{i:06}\": {{\"text\": \"value {i} é\", \"n\": {i}.50, \"ok\": true}}"
        );
        i += 1;
    }
    s.push('}');
    s.into_bytes()
}

#[divan::bench(args = SCHEMES, consts = [4096, 1048576])]
fn trace<const SIZE: usize>(bencher: divan::Bencher, scheme: &str) {
    let recipe = builtin::all()
        .unwrap()
        .into_iter()
        .find(|r| r.id == scheme)
        .unwrap();
    let body = body_for(&recipe, SIZE);
    let fields: BTreeMap<String, String> = recipe.example.fields.clone();
    let selection = recipe.select([]).unwrap();
    let key = recipe.example.key.as_bytes().to_vec();
    bencher.bench_local(|| {
        let inputs = Inputs {
            fields: &fields,
            key: &key,
            body: divan::black_box(&body),
            headers: recipe.example.headers.as_bytes(),
            selection: &selection,
            received: None,
        };
        sign::run(&recipe, &inputs).unwrap()
    });
}

/// Verifying a received signature over a 4 KiB body: an HMAC scheme (the signature computed and
/// compared), Ed25519 (discord) and RSA-2048 PKCS#1 v1.5 (paypal) verified with the public key
/// as SPKI DER (the key parsed on every run, as the TUI and diagnose do).
#[divan::bench(args = ["github", "discord", "paypal", "sendgrid"])]
fn verify_4kib(bencher: divan::Bencher, scheme: &str) {
    let recipe = builtin::all()
        .unwrap()
        .into_iter()
        .find(|r| r.id == scheme)
        .unwrap();
    let body = body_for(&recipe, 4096);
    let fields: BTreeMap<String, String> = recipe.example.fields.clone();
    let selection = recipe.select([]).unwrap();
    let private = recipe.example.key.as_bytes().to_vec();
    let sign_with = |key: &[u8], received: Option<&str>| {
        let inputs = Inputs {
            fields: &fields,
            key,
            body: &body,
            headers: recipe.example.headers.as_bytes(),
            selection: &selection,
            received,
        };
        sign::run(&recipe, &inputs).unwrap()
    };
    let signature = sign_with(&private, None).signature_text();
    let key = if recipe.public_key() {
        sign::pubkey::parse(&private, None).unwrap().public_der()
    } else {
        private.clone()
    };
    assert_eq!(
        sign_with(&key, Some(&signature)).signature_text(),
        signature,
        "{scheme} verifies"
    );
    bencher.bench_local(|| sign_with(divan::black_box(&key), Some(&signature)));
}

/// A 1 GiB file under target/, written once.
fn gib_file() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-1gib.bin");
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(1 << 30) {
        let chunk: Vec<u8> = (0..1u32 << 20)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for _ in 0..1024 {
            f.write_all(&chunk).unwrap();
        }
        f.flush().unwrap();
    }
    path
}

/// `sign -p tpns --format signature --body-file 1GiB`, through the command line's own path.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn stream_1gib_tpns(bencher: divan::Bencher) {
    let path = gib_file();
    let catalog = sigscope::cli::Catalog::load(None).unwrap();
    let recipe = catalog.pick(Some("tpns"), true).unwrap();
    let args = InputArgs {
        scheme: Some("tpns".into()),
        example: true,
        body_file: Some(path),
        ..InputArgs::default()
    };
    bencher
        .counter(divan::counter::BytesCount::new(1usize << 30))
        .bench_local(|| {
            let resolved = Resolved::from_args(recipe, &args, true).unwrap();
            resolved.sign(recipe).unwrap().signature_text()
        });
}

/// Where a keystroke goes in the `tui_keystroke_1mib_*` benches.
#[derive(Debug, Clone, Copy)]
enum Typing {
    /// The first field, with a 1 MiB body loaded.
    Field,
    /// A 1 MiB body of many lines (pretty JSON, a form, a log).
    BodyLines,
    /// A 1 MiB body that is one single line (minified JSON).
    BodyOneLine,
}

/// What a keystroke bench waits for before it stops the clock.
#[derive(Debug, Clone, Copy)]
enum Until {
    /// The frame that echoes the key in the editor (the stages may still be catching up).
    Editor,
    /// The frame whose stages show the new trace.
    Stages,
}

const KEYSTROKE_CASES: [(&str, Typing); 8] = [
    ("tpns", Typing::Field),
    ("linksfield", Typing::Field),
    ("tpns", Typing::BodyLines),
    ("linksfield", Typing::BodyLines),
    ("huawei-tenant", Typing::BodyLines),
    ("tpns", Typing::BodyOneLine),
    ("aws-sigv4", Typing::Field),
    ("aws-sigv4", Typing::BodyLines),
];

/// One keystroke in the TUI with a 1 MiB body, to the frame that echoes it (the update and a
/// full redraw of a 200×60 screen; the trace is computed on the signing thread). Target: 2 ms.
#[divan::bench(args = KEYSTROKE_CASES, sample_count = 30)]
fn tui_keystroke_1mib_editor_frame(bencher: divan::Bencher, case: (&str, Typing)) {
    keystroke(bencher, case, Until::Editor);
}

/// One keystroke in the TUI with a 1 MiB body, to the frame whose stages show its trace.
/// Target: 16 ms.
#[divan::bench(args = KEYSTROKE_CASES, sample_count = 30)]
fn tui_keystroke_1mib_stage_frame(bencher: divan::Bencher, case: (&str, Typing)) {
    keystroke(bencher, case, Until::Stages);
}

fn keystroke(bencher: divan::Bencher, (scheme, typing): (&str, Typing), until: Until) {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use sigscope::tui::app::{App, Focus, Prefill};

    let recipes = builtin::all().unwrap();
    let current = recipes.iter().position(|r| r.id == scheme).unwrap();
    let mut prefill = Prefill::example(&recipes[current]);
    let body = body_for(&recipes[current], 1024 * 1024);
    prefill.body = match typing {
        Typing::BodyOneLine => body,
        // One member a line.
        _ => String::from_utf8(body)
            .unwrap()
            .replace(",\"member", ",\n\"member")
            .into_bytes(),
    };
    let mut app = App::new(
        recipes,
        current,
        &prefill,
        None,
        0,
        Box::new(|b: &mut [u8]| b.fill(1)),
    );
    if let Typing::Field = typing {
        while app.focus != Focus::Field(0) {
            app.handle(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
        }
    }
    app.settle();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    terminal
        .draw(|f| sigscope::tui::view::draw(&mut app, f))
        .unwrap();
    // The runtime's part as in the app: the trace of a large body is signed on the signing
    // thread and comes back as a message.
    let (mut runtime, inbox) = sigscope::tui::runtime::Runtime::new(None);
    // Type a character then delete it, alternately, so the input keeps its size and stays valid.
    let mut add = true;
    bencher.bench_local(|| {
        let code = if add {
            KeyCode::Char(' ')
        } else {
            KeyCode::Backspace
        };
        add = !add;
        let effects = app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        let _ = runtime.carry_out(&mut app, effects);
        if let Until::Stages = until {
            // The loop's one receive, until the trace of this keystroke is in.
            while app.catching_up() {
                let msg = inbox.recv().unwrap();
                let effects = app.update(msg);
                let _ = runtime.carry_out(&mut app, effects);
            }
        }
        // The editor frame: the keystroke echoed, the stages as they were (a trace that came
        // meanwhile waits for the next receive, as it waits in the loop's channel).
        terminal
            .draw(|f| sigscope::tui::view::draw(&mut app, f))
            .unwrap();
    });
    app.settle();
}

/// `diagnose` with a 4 KiB body and a signature nothing explains: the whole search (every single
/// change and every pair, each with every output encoding). The target is under 100 ms.
#[divan::bench(args = SCHEMES, sample_count = 10)]
fn diagnose_4kib_not_found(bencher: divan::Bencher, scheme: &str) {
    use sigscope::diagnose::{Case, Outcome, diagnose};
    let recipe = builtin::all()
        .unwrap()
        .into_iter()
        .find(|r| r.id == scheme)
        .unwrap();
    let body = body_for(&recipe, 4096);
    let selection = recipe.select([]).unwrap();
    let fields = recipe.example.fields.clone();
    let case = Case {
        recipe: &recipe,
        fields: &fields,
        key: recipe.example.key.as_bytes(),
        body: &body,
        headers: b"",
        selection: &selection,
        expected: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    };
    bencher.bench_local(|| {
        let outcome = diagnose(divan::black_box(&case)).unwrap();
        assert!(matches!(outcome, Outcome::NotFound { .. }));
    });
}

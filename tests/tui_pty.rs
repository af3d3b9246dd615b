//! End to end: the real binary in a pseudo-terminal (portable-pty), its screen read back with
//! vt100. Types into the body, waits for the expected signature (computed here with HMAC
//! directly) to match on screen, then quits with Ctrl-C and checks the exit status.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use sha2::Sha256;

mod common;

use common::tpns_sign;

/// A terminal screen followed from the pty's output; once `closing` is set, the reader closes
/// its end of the terminal after its next read.
struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    closing: Arc<std::sync::atomic::AtomicBool>,
}

/// Follows the output of a 120×40 pty in a screen.
fn follow(master: &dyn portable_pty::MasterPty) -> Screen {
    let screen = Screen {
        parser: Arc::new(Mutex::new(vt100::Parser::new(
            40.try_into().unwrap(),
            120.try_into().unwrap(),
            0,
        ))),
        closing: Arc::new(std::sync::atomic::AtomicBool::new(false)),
    };
    let mut reader = master.try_clone_reader().unwrap();
    let (sink, closing) = (Arc::clone(&screen.parser), Arc::clone(&screen.closing));
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || closing.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            sink.lock().unwrap().process(&buf[..n]);
        }
    });
    screen
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen holds `needle`; panics with the screen after 15 s.
    fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if self.text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("`{needle}` never appeared; the screen:\n{}", self.text());
    }
}

#[test]
fn type_into_the_body_until_the_signature_matches_then_quit() {
    let body = r#"{"a":1}"#;
    // The TPNS example's key, AccessId and TimeStamp, as the seed page gives them.
    let expected = tpns_sign(
        "1452fcebae9f3115ba794fb0fff2fd73",
        "1565314789",
        "1500001048",
        body,
    );

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_sigscope"));
    cmd.args([
        "-p",
        "tpns",
        "--example",
        "--body",
        "",
        "--expect",
        &expected,
    ]);
    cmd.env("TERM", "xterm-256color");
    isolate(&mut cmd, "typing");
    cmd.env_remove("DISPLAY");
    cmd.env_remove("WAYLAND_DISPLAY");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);

    let screen = follow(&*pty.master);
    let mut keys = pty.master.take_writer().unwrap();

    screen.wait_for("Expected signature");
    screen.wait_for("✗ mismatch");
    // The body editor has focus at start; type the body a key at a time.
    for c in body.chars() {
        keys.write_all(c.to_string().as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    screen.wait_for("✓ match");
    screen.wait_for(&expected[..40]);
    screen.wait_for("Body · 7 bytes");

    keys.write_all(b"\x03").unwrap();
    keys.flush().unwrap();
    let status = exited(&mut child, "Ctrl-C did not quit");
    assert!(status.success(), "exit status {status:?}");
}

/// Config and history in folders of the test's own, not the user's.
fn isolate(cmd: &mut CommandBuilder, name: &str) -> std::path::PathBuf {
    let root = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("pty-{name}"));
    std::fs::create_dir_all(&root).unwrap();
    cmd.cwd(&root);
    cmd.env("XDG_STATE_HOME", root.join("state"));
    cmd.env("XDG_CONFIG_HOME", root.join("config"));
    cmd.env("HOME", &root);
    root
}

/// The binary in a 120×40 pseudo-terminal, its screen followed.
fn start(
    args: &[&str],
    name: &str,
    fresh: bool,
) -> (
    Screen,
    Box<dyn Write + Send>,
    Box<dyn portable_pty::Child + Send + Sync>,
) {
    let (screen, keys, child, master) = start_with_master(args, name, fresh, &[]);
    // The master must live as long as the child reads from it.
    std::mem::forget(master);
    (screen, keys, child)
}

type Started = (
    Screen,
    Box<dyn Write + Send>,
    Box<dyn portable_pty::Child + Send + Sync>,
    Box<dyn portable_pty::MasterPty + Send>,
);

fn start_with_master(args: &[&str], name: &str, fresh: bool, env: &[(&str, &str)]) -> Started {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_sigscope"));
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    let root = isolate(&mut cmd, name);
    if fresh {
        let _ = std::fs::remove_dir_all(root.join("state"));
    }
    cmd.env_remove("DISPLAY");
    cmd.env_remove("WAYLAND_DISPLAY");
    cmd.env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let screen = follow(&*pty.master);
    let keys = pty.master.take_writer().unwrap();
    (screen, keys, child, pty.master)
}

fn quit(keys: &mut Box<dyn Write + Send>, child: &mut Box<dyn portable_pty::Child + Send + Sync>) {
    keys.write_all(b"\x03").unwrap();
    keys.flush().unwrap();
    let status = exited(child, "Ctrl-C did not quit");
    assert!(status.success(), "exit status {status:?}");
}

/// Waits for the child to end; panics with `what` after 10 s.
fn exited(
    child: &mut Box<dyn portable_pty::Child + Send + Sync>,
    what: &str,
) -> portable_pty::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The screen without its last two lines (the status line and the key hints).
fn without_status(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[..lines.len().saturating_sub(2)].join("\n")
}

#[test]
fn a_session_comes_back_with_resume() {
    let key = "1452fcebae9f3115ba794fb0fff2fd73";
    let (screen, mut keys, mut child) =
        start(&["-p", "tpns", "--example", "--body", ""], "resume", true);
    screen.wait_for("Expected signature");
    for c in r#"{"resumed":true}"#.chars() {
        keys.write_all(c.to_string().as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    screen.wait_for("Body · 16 bytes");
    // Wait for the stages to settle on the new body, then remember the screen.
    std::thread::sleep(Duration::from_millis(300));
    let before = without_status(&screen.text());
    assert!(before.contains("{\"resumed\":true}"), "{before}");
    quit(&mut keys, &mut child);

    // History keeps no key: give it again; everything else comes back.
    let (screen, mut keys, mut child) = start(&["--resume", "--key", key], "resume", false);
    screen.wait_for("Body · 16 bytes");
    screen.wait_for("reopened");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(without_status(&screen.text()), before);
    quit(&mut keys, &mut child);
}

#[cfg(unix)]
#[test]
fn signals_restore_the_terminal_and_keep_the_session() {
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let name = format!("signal-{signal}");
        let (screen, _keys, mut child, master) =
            start_with_master(&["-p", "tpns", "--example"], &name, true, &[]);
        screen.wait_for("Expected signature");
        {
            let p = screen.parser.lock().unwrap();
            assert!(
                p.screen().alternate_screen(),
                "the TUI uses the alternate screen"
            );
            assert!(p.screen().bracketed_paste());
        }
        let tty = master.tty_name().expect("the pty's name");
        let stty = || {
            let o = std::process::Command::new("stty")
                .args(["-a", "-F"])
                .arg(&tty)
                .output()
                .unwrap();
            String::from_utf8_lossy(&o.stdout).into_owned()
        };
        assert!(stty().contains("-icanon"), "raw mode while running");
        let pid = child.process_id().expect("a pid").to_string();
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = exited(&mut child, &format!("SIG{signal} did not end it"));
        assert_eq!(status.exit_code(), code, "SIG{signal}");
        std::thread::sleep(Duration::from_millis(200));
        let p = screen.parser.lock().unwrap();
        let s = p.screen();
        assert!(
            !s.alternate_screen(),
            "SIG{signal}: still on the alternate screen"
        );
        assert!(!s.bracketed_paste(), "SIG{signal}: bracketed paste left on");
        assert_eq!(
            s.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "SIG{signal}: mouse capture left on"
        );
        let modes = stty();
        assert!(
            modes.contains(" icanon") && modes.contains(" echo"),
            "SIG{signal}: raw mode left on: {modes}"
        );
        // The work is kept: the session is in history.
        let history = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("pty-{name}/state/sigscope/history"));
        let kept = std::fs::read_dir(&history).map(|d| d.count()).unwrap_or(0);
        assert_eq!(
            kept,
            1,
            "SIG{signal}: the session is kept in {}",
            history.display()
        );
    }
}

#[test]
fn a_crash_restores_the_terminal_and_keeps_the_edits() {
    let (screen, mut keys, mut child) = {
        // SIGSCOPE_DEBUG_PANIC makes F12 panic inside the event loop.
        // The child copies the environment when it is spawned; nothing else here reads it.
        unsafe { std::env::set_var("SIGSCOPE_DEBUG_PANIC", "1") };
        let started = start(&["-p", "tpns", "--example", "--body", ""], "panic", true);
        unsafe { std::env::remove_var("SIGSCOPE_DEBUG_PANIC") };
        started
    };
    screen.wait_for("Expected signature");
    for c in "kept".chars() {
        keys.write_all(c.to_string().as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    screen.wait_for("Body · 4 bytes");
    keys.write_all(b"\x1b[24~").unwrap(); // F12
    keys.flush().unwrap();
    let status = exited(&mut child, "the panic did not end it");
    assert_eq!(status.exit_code(), 101);
    std::thread::sleep(Duration::from_millis(200));
    {
        let p = screen.parser.lock().unwrap();
        assert!(
            !p.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!p.screen().bracketed_paste());
    }
    let history = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pty-panic/state/sigscope/history");
    let files: Vec<_> = std::fs::read_dir(&history)
        .unwrap()
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(text.contains("\"body\": \"kept\""), "{text}");
    assert!(
        !text.contains("1452fcebae9f3115ba794fb0fff2fd73"),
        "the key is kept"
    );
}

#[test]
fn no_color_keeps_bold_reverse_and_the_cursor() {
    let (screen, mut keys, mut child, _master) = start_with_master(
        &["-p", "tpns", "--example"],
        "no-color",
        true,
        &[("NO_COLOR", "1")],
    );
    screen.wait_for("canonical");
    // Focus the body editor, whose cursor is drawn in reverse video.
    keys.write_all(b"\t\t").unwrap();
    keys.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let parser = screen.parser.lock().unwrap();
    let s = parser.screen();
    let (rows, cols) = s.size();
    let (mut bold, mut inverse, mut coloured) = (0, 0, 0);
    for r in 0..rows.get() {
        for c in 0..cols.get() {
            let cell = s.cell(r, c).unwrap();
            bold += usize::from(cell.bold());
            inverse += usize::from(cell.inverse());
            coloured += usize::from(
                cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default,
            );
        }
    }
    drop(parser);
    assert_eq!(coloured, 0, "NO_COLOR: no cell has a colour");
    assert!(bold > 20, "bold cells: {bold}");
    assert!(inverse > 5, "reverse cells: {inverse}");
    quit(&mut keys, &mut child);
}

#[test]
fn the_tui_opens_without_a_key_and_asks_for_it() {
    let (screen, mut keys, mut child, _master) = start_with_master(
        &[
            "-p",
            "tpns",
            "--body",
            "hello",
            "--set",
            "access_id=1500001048",
        ],
        "no-key",
        true,
        &[],
    );
    screen.wait_for("no key given: type it in the Key pane");
    assert!(
        screen.text().contains("Key · 0 bytes · EMPTY"),
        "{}",
        screen.text()
    );
    // The Key pane has the focus: typing goes into the key.
    keys.write_all(b"secret").unwrap();
    keys.flush().unwrap();
    screen.wait_for("Key · 6 bytes");
    quit(&mut keys, &mut child);
}

#[test]
fn a_copy_over_the_osc52_limit_is_said_and_written_to_a_file_on_request() {
    let root = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pty-osc52");
    std::fs::create_dir_all(&root).unwrap();
    let body = root.join("big.json");
    std::fs::write(&body, format!("{{\"a\":\"{}\"}}", "x".repeat(200_000))).unwrap();
    for old in std::fs::read_dir(&root).unwrap().flatten() {
        if old
            .file_name()
            .to_string_lossy()
            .starts_with("sigscope-copy-")
        {
            std::fs::remove_file(old.path()).unwrap();
        }
    }
    let (screen, mut keys, mut child, _master) = start_with_master(
        &[
            "-p",
            "tpns",
            "--example",
            "--body-file",
            body.to_str().unwrap(),
        ],
        "osc52",
        true,
        &[],
    );
    screen.wait_for("canonical");
    keys.write_all(b"\x1b[17~").unwrap(); // F6: copy the selected stage
    keys.flush().unwrap();
    screen.wait_for("more than the about 100 KB");
    keys.write_all(b"\x1b[20~w").unwrap(); // F9, then w
    keys.flush().unwrap();
    screen.wait_for("wrote stage");
    let written: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("sigscope-copy-")
        })
        .collect();
    assert_eq!(written.len(), 1);
    let text = std::fs::read_to_string(written[0].path()).unwrap();
    assert!(
        text.len() > 200_000 && text.contains("xxxx"),
        "{}",
        text.len()
    );
    quit(&mut keys, &mut child);
}

#[test]
fn a_closed_terminal_ends_it_at_once_and_keeps_the_session() {
    // Closing the terminal (tmux kill-server, a closed window) left the process spinning at
    // 100% CPU inside crossterm's reader, deaf to SIGHUP and SIGTERM.
    let name = "closed-terminal";
    let (screen, mut keys, mut child, master) =
        start_with_master(&["-p", "tpns", "--example"], name, true, &[]);
    screen.wait_for("Expected signature");
    keys.write_all(b"\t\t\tedited").unwrap();
    keys.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Close every end of the terminal: the last key makes the screen redraw, which wakes the
    // reader to close its own.
    screen
        .closing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    keys.write_all(b"x").unwrap();
    keys.flush().unwrap();
    drop(keys);
    drop(master);
    let status = exited(&mut child, "a closed terminal did not end it");
    // Ended by the SIGHUP (129) or by the terminal's failed read or write (1), whichever the
    // loop saw first.
    assert!(
        matches!(status.exit_code(), 1 | 129),
        "exit {}",
        status.exit_code()
    );
    let history = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("pty-{name}/state/sigscope/history"));
    let kept = std::fs::read_dir(&history).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 1, "the session is kept in {}", history.display());
}

fn github_delivery(path: &str, body: &str, signed: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(b"It's a Secret to Everybody").unwrap();
    mac.update(signed.as_bytes());
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: sha256={}\r\nContent-Length: {}\r\n\r\n{body}",
        hex::encode(mac.finalize().into_bytes()),
        body.len()
    )
    .into_bytes()
}

/// Delivers requests on one keep-alive connection, reading each answer's head.
fn deliver(port: u16, requests: &[Vec<u8>]) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    for r in requests {
        s.write_all(r).unwrap();
        common::read_message(&mut s);
    }
}

#[test]
fn listen_in_a_terminal_lists_requests_newest_first_and_opens_one() {
    let (screen, mut keys, mut child, _master) = start_with_master(
        &[
            "listen",
            "-p",
            "github",
            "--key",
            "It's a Secret to Everybody",
            "--port",
            "0",
        ],
        "listen",
        true,
        &[],
    );
    screen.wait_for("Received on http://127.0.0.1:");
    let text = screen.text();
    let port: u16 = text
        .split("Received on http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    deliver(
        port,
        &[
            github_delivery("/good", "Hello, World!", "Hello, World!"),
            github_delivery("/bad", "{\n\"a\": 1\n}", "{\r\n\"a\": 1\r\n}"),
        ],
    );
    screen.wait_for("2 requests: 1 ✓ 1 ✗");
    let text = screen.text();
    let (bad, good) = (text.find("/bad").unwrap(), text.find("/good").unwrap());
    assert!(bad < good, "newest first:\n{text}");
    // The selected (newest) request's verdict, diagnosed, under the list.
    screen.wait_for("CRLF");
    // The older one, opened in the main screen.
    keys.write_all(b"\x1b[B\r").unwrap();
    keys.flush().unwrap();
    screen.wait_for("request 1 opened");
    screen.wait_for("✓ match");
    assert!(screen.text().contains("Hello, World!"), "{}", screen.text());
    // A burst over several connections: the list keeps up and loses none.
    let threads: Vec<_> = (0..10)
        .map(|c| {
            std::thread::spawn(move || {
                let reqs: Vec<Vec<u8>> = (0..20)
                    .map(|i| github_delivery(&format!("/burst/{c}/{i}"), "x", "x"))
                    .collect();
                deliver(port, &reqs);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    screen.wait_for("200 new (F11)");
    // F11 shows the list again.
    keys.write_all(b"\x1b[23~").unwrap();
    keys.flush().unwrap();
    screen.wait_for("202 requests: 201 ✓ 1 ✗");
    quit(&mut keys, &mut child);
}

#[test]
fn f12_sends_and_shows_the_answer_and_esc_cancels_a_slow_one() {
    // A server that answers 201 with JSON, and one that never answers.
    let quick = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let quick_port = quick.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut s, _) = quick.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        s.write_all(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"id\":7}")
            .unwrap();
    });
    let slow = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let slow_port = slow.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (_s, _) = slow.accept().unwrap();
        std::thread::sleep(Duration::from_secs(60));
    });
    // The github TUI with its URL on a server, after F12.
    let sent_to = |port: u16, name: &str| -> Started {
        let url = format!("url=http://127.0.0.1:{port}/hook");
        let (screen, mut keys, child, master) = start_with_master(
            &[
                "-p",
                "github",
                "--key",
                "It's a Secret to Everybody",
                "--body",
                "hi",
                "--set",
                &url,
            ],
            name,
            true,
            &[],
        );
        screen.wait_for("Stages");
        keys.write_all(b"\x1b[24~").unwrap();
        keys.flush().unwrap();
        (screen, keys, child, master)
    };
    let (screen, mut keys, mut child, _master) = sent_to(quick_port, "send");
    screen.wait_for("Answer 201 Created");
    screen.wait_for("\"id\": 7");
    assert!(
        screen.text().contains("> POST /hook HTTP/1.1"),
        "{}",
        screen.text()
    );
    quit(&mut keys, &mut child);

    let (screen, mut keys, mut child, _master) = sent_to(slow_port, "send-slow");
    screen.wait_for("Sending to http://127.0.0.1:");
    // The screen never waits: typing goes on while the request is out.
    keys.write_all(b"!").unwrap();
    keys.flush().unwrap();
    screen.wait_for("Body · 3 bytes");
    let started = Instant::now();
    keys.write_all(b"\x1b").unwrap();
    keys.flush().unwrap();
    screen.wait_for("Answer cancelled");
    assert!(started.elapsed() < Duration::from_secs(3));
    quit(&mut keys, &mut child);
}

/// SIGTSTP (job control's stop) gives the terminal back before the process stops; SIGCONT
/// (`fg`) takes it again and redraws (#25 item 7).
#[test]
fn a_stop_gives_the_terminal_back_and_a_continue_redraws() {
    let (screen, _keys, mut child, master) =
        start_with_master(&["-p", "tpns", "--example"], "suspend", true, &[]);
    screen.wait_for("Expected signature");
    let tty = master.tty_name().expect("the pty's name");
    let stty = || {
        let o = std::process::Command::new("stty")
            .args(["-a", "-F"])
            .arg(&tty)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let pid = child.process_id().expect("a pid").to_string();
    let kill = |sig: &str| {
        assert!(
            std::process::Command::new("kill")
                .args([sig, &pid])
                .status()
                .unwrap()
                .success()
        )
    };
    kill("-TSTP");
    let start = Instant::now();
    loop {
        let on_alternate = screen.parser.lock().unwrap().screen().alternate_screen();
        if !on_alternate && stty().contains(" icanon") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the terminal was not given back"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        screen.parser.lock().unwrap().screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
    kill("-CONT");
    let start = Instant::now();
    loop {
        let on_alternate = screen.parser.lock().unwrap().screen().alternate_screen();
        if on_alternate
            && stty().contains("-icanon")
            && screen.text().contains("Expected signature")
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "not redrawn after SIGCONT:\n{}",
            screen.text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    kill("-TERM");
    exited(&mut child, "SIGTERM did not end it");
}

#[test]
fn f7_reads_a_paste_whose_line_ends_the_terminal_turned_into_cr() {
    // tmux, xterm and VTE send a pasted LF as CR: the request below arrives with CR line ends
    // only, its JSON body (signed with LF, as GitHub sent it) too.
    let body = "{\n  \"action\": \"opened\"\n}";
    let delivery = String::from_utf8(github_delivery("/hook", body, body)).unwrap();
    let pasted = delivery.replace("\r\n", "\r").replace('\n', "\r");
    let (screen, mut keys, mut child) = start(&["-p", "github", "--example"], "f7-cr", true);
    screen.wait_for("Expected signature");
    // F7, the bracketed paste, F7 again.
    keys.write_all(b"\x1b[18~").unwrap();
    keys.flush().unwrap();
    screen.wait_for("Paste a raw HTTP request");
    keys.write_all(format!("\x1b[200~{pasted}\x1b[201~").as_bytes())
        .unwrap();
    keys.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    keys.write_all(b"\x1b[18~").unwrap();
    keys.flush().unwrap();
    // Read with LF again (its Content-Length says so), and the signature it carried matches.
    screen.wait_for("the body's line ends came as CR");
    screen.wait_for("✓ match");
    screen.wait_for(&format!("Body · {} bytes", body.len()));
    quit(&mut keys, &mut child);
}

#[test]
fn a_search_that_panics_ends_said_and_the_screen_stays() {
    // SIGSCOPE_DEBUG_PANIC=search: F8's search panics on its thread.
    let (screen, mut keys, mut child, _master) = start_with_master(
        &["-p", "github", "--example", "--expect", "sha256=00"],
        "search-panic",
        true,
        &[("SIGSCOPE_DEBUG_PANIC", "search")],
    );
    screen.wait_for("Expected signature");
    keys.write_all(b"\x1b[19~").unwrap(); // F8
    keys.flush().unwrap();
    screen.wait_for("diagnose stopped without a result (an internal error)");
    {
        let p = screen.parser.lock().unwrap();
        assert!(p.screen().alternate_screen(), "the screen was given back");
        assert!(p.screen().bracketed_paste());
        assert!(
            !p.screen().contents().contains("panicked"),
            "{}",
            p.screen().contents()
        );
    }
    // Still in raw mode: a key is a key.
    keys.write_all(b"x").unwrap();
    keys.flush().unwrap();
    screen.wait_for("Body · 14 bytes");
    quit(&mut keys, &mut child);
}

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

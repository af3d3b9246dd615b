//! The clipboard: the system clipboard through arboard where a display is present (one object
//! kept for the whole process, since X11 drops the text when its owner exits), OSC 52 through the
//! terminal otherwise (over SSH, in tmux without a display). Failures are reported, never panics.

use std::io::Write;

use base64::Engine as _;

/// Where copies go.
pub enum Clipboard {
    System(arboard::Clipboard),
    Osc52,
}

/// What the environment says about where we run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Env {
    pub display: bool,
    pub ssh: bool,
}

impl Env {
    /// Reads `DISPLAY`, `WAYLAND_DISPLAY`, `SSH_CONNECTION` and `SSH_TTY`.
    pub fn from_process() -> Env {
        let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        Env {
            display: set("DISPLAY") || set("WAYLAND_DISPLAY"),
            ssh: set("SSH_CONNECTION") || set("SSH_TTY"),
        }
    }
}

impl Clipboard {
    /// The system clipboard when a local display is there and opens, else OSC 52.
    pub fn detect(env: Env) -> Clipboard {
        if env.display
            && !env.ssh
            && let Ok(c) = arboard::Clipboard::new()
        {
            return Clipboard::System(c);
        }
        Clipboard::Osc52
    }

    /// Whether `text` can go this way: the system clipboard takes anything; terminals cap what
    /// an OSC 52 sequence carries (about 100 KB in common ones) and drop more without a word.
    pub fn takes(&self, text: &str) -> bool {
        match self {
            Clipboard::System(_) => true,
            Clipboard::Osc52 => text.len().div_ceil(3) * 4 <= OSC52_MAX,
        }
    }

    /// Copies text; returns how it was copied, in words. OSC 52 is written to `terminal`.
    pub fn copy(&mut self, text: &str, terminal: &mut impl Write) -> Result<&'static str, String> {
        if let Clipboard::System(c) = self {
            match c.set_text(text.to_string()) {
                Ok(()) => return Ok("the system clipboard"),
                Err(_) => *self = Clipboard::Osc52,
            }
        }
        terminal
            .write_all(osc52(text).as_bytes())
            .and_then(|()| terminal.flush())
            .map_err(|e| format!("the terminal refused the OSC 52 sequence: {e}"))?;
        Ok("the terminal (OSC 52)")
    }
}

/// The most base64 an OSC 52 sequence is sent with (xterm and tmux take about 100 KB).
pub const OSC52_MAX: usize = 100_000;

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_has_a_size_limit() {
        let c = Clipboard::Osc52;
        assert!(c.takes(&"x".repeat(74_000)));
        assert!(!c.takes(&"x".repeat(76_000)));
    }

    #[test]
    fn osc52_sequence_is_exact() {
        // "Sign: x" in base64 is U2lnbjogeA== (RFC 4648 alphabet, padded).
        assert_eq!(osc52("Sign: x"), "\x1b]52;c;U2lnbjogeA==\x07");
    }

    #[test]
    fn without_display_copies_go_through_the_terminal() {
        let mut c = Clipboard::detect(Env {
            display: false,
            ssh: false,
        });
        let mut term = Vec::new();
        assert_eq!(c.copy("abc", &mut term), Ok("the terminal (OSC 52)"));
        assert_eq!(term, b"\x1b]52;c;YWJj\x07");
        // Over SSH the remote display is not ours: OSC 52 as well.
        assert!(matches!(
            Clipboard::detect(Env {
                display: true,
                ssh: true
            }),
            Clipboard::Osc52
        ));
    }
}

//! The TUI's sessions, kept so that quitting never loses a request: the scheme, fields, body,
//! header lines, variant choices and expected signature of each, never the key. One JSON file a
//! session in the platform's state directory (`~/.local/state/sigscope/history` on Linux); the
//! newest `keep` are kept, within a total size. A body over the size limit (or every body, when
//! bodies are not to be kept) is kept as its SHA-256 and size, with a note: a customer's body is
//! their data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::config::HistoryLimits as Limits;

/// One session's inputs (never the key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// When it was saved, in unix milliseconds.
    pub saved_at: i64,
    pub scheme: String,
    /// The TOML text of a scheme that is not built in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<String>,
    /// The profile it was started from, whose key source can give the key again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// The body when it is UTF-8 text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body as base64 when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// A body not kept: its SHA-256 (hex), size, and why it was not kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_len: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_note: Option<String>,
    #[serde(default)]
    pub headers: String,
    #[serde(default)]
    pub expected: String,
}

impl Session {
    /// Sets the body, as text when it is UTF-8.
    pub fn set_body(&mut self, body: &[u8]) {
        match std::str::from_utf8(body) {
            Ok(text) => {
                self.body = Some(text.to_string());
                self.body_base64 = None;
            }
            Err(_) => {
                self.body = None;
                self.body_base64 = Some(base64::engine::general_purpose::STANDARD.encode(body));
            }
        }
    }

    /// Keeps the body as its SHA-256 and size, not its bytes, saying why.
    pub fn drop_body(&mut self, why: &str) {
        let body = self.body_bytes();
        self.body_sha256 = Some(hex::encode(Sha256::digest(&body)));
        self.body_len = Some(body.len() as u64);
        self.body_note = Some(why.to_string());
        self.body = None;
        self.body_base64 = None;
    }

    /// The body's exact bytes.
    pub fn body_bytes(&self) -> Vec<u8> {
        match (&self.body, &self.body_base64) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }

    /// One line for a list: when, the scheme and what the request holds.
    pub fn summary(&self, now_millis: i64) -> String {
        let ago = (now_millis - self.saved_at).max(0) / 1000;
        let when = match ago {
            0..60 => "just now".to_string(),
            60..3600 => format!("{} min ago", ago / 60),
            3600..86_400 => format!("{} h ago", ago / 3600),
            _ => format!("{} days ago", ago / 86_400),
        };
        let mut words = vec![when];
        match self.body_len {
            Some(n) => words.push(format!("{n}-byte body not kept")),
            None => words.push(format!("{}-byte body", self.body_bytes().len())),
        }
        if !self.expected.is_empty() {
            words.push("an expected signature".to_string());
        }
        if let Some(p) = &self.profile {
            words.push(format!("profile {p}"));
        }
        words.join(", ")
    }
}

/// The history folder in the platform's state directory.
pub fn default_dir() -> Option<PathBuf> {
    crate::config::Dirs::platform().map(|d| d.state.join("history"))
}

/// Saves a session and keeps only the newest `keep` files, within the limits; returns the file
/// written. With `keep` 0 nothing is written.
pub fn save(
    dir: &Path,
    session: &Session,
    keep: usize,
    limits: &Limits,
) -> std::io::Result<Option<PathBuf>> {
    if keep == 0 {
        return Ok(None);
    }
    let mut session = session.clone();
    let len = session.body_bytes().len();
    if session.body_len.is_none() && len > 0 {
        if !limits.keep_bodies {
            session.drop_body("history.keep_bodies = false: the body is not kept");
        } else if len > limits.max_body_bytes {
            session.drop_body(&format!(
                "the body ({len} bytes) is over history.max_body_bytes ({}): only its SHA-256 and size are kept",
                limits.max_body_bytes
            ));
        }
    }
    let session = &session;
    private_dir(dir)?;
    let name: String = session
        .scheme
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{:013}-{name}.json", session.saved_at.max(0)));
    let text = serde_json::to_string_pretty(session).map_err(std::io::Error::other)?;
    // Written beside and renamed, so a crash never leaves half a file.
    let partial = path.with_extension("json.partial");
    private_file(&partial, text.as_bytes())?;
    std::fs::rename(&partial, &path)?;
    let mut files = files(dir);
    while files.len() > keep {
        let oldest = files.remove(files.len() - 1);
        let _ = std::fs::remove_file(oldest);
    }
    let size = |p: &PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
    let mut total: u64 = files.iter().map(size).sum();
    while total > limits.max_total_bytes && files.len() > 1 {
        let oldest = files.remove(files.len() - 1);
        total -= size(&oldest);
        let _ = std::fs::remove_file(oldest);
    }
    Ok(Some(path))
}

/// Creates the folder (and its missing parents) readable by the user alone (mode 700 on Unix);
/// an existing history folder is narrowed to 700 too.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Writes a file readable by the user alone (mode 600 on Unix), created so from the start.
pub fn private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The sessions in a folder, newest first; files that do not read are left out.
pub fn list(dir: &Path) -> Vec<(PathBuf, Session)> {
    files(dir)
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let session: Session = serde_json::from_str(&text).ok()?;
            Some((p, session))
        })
        .collect()
}

/// Session files, newest first (their names begin with the time).
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.reverse();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_round_trip_exactly_and_only_the_newest_are_kept() {
        let dir = std::env::temp_dir().join(format!("sigscope-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut s = Session {
            scheme: "tpns".into(),
            ..Session::default()
        };
        s.set_body(b"\xff\x00 binary\r\n");
        s.fields.insert("access_id".into(), "1500001048".into());
        for t in 0..5 {
            s.saved_at = 1_700_000_000_000 + t;
            save(&dir, &s, 3, &Limits::default()).unwrap();
        }
        let all = list(&dir);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].1.saved_at, 1_700_000_000_004);
        assert_eq!(all[0].1.body_bytes(), b"\xff\x00 binary\r\n");
        assert_eq!(all[0].1.fields, s.fields);
        assert_eq!(save(&dir, &s, 0, &Limits::default()).unwrap(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bodies_over_the_limit_or_not_to_be_kept_are_their_hash_and_size() {
        let dir = std::env::temp_dir().join(format!("sigscope-history-cap-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut s = Session {
            scheme: "tpns".into(),
            saved_at: 1_700_000_000_000,
            ..Session::default()
        };
        s.set_body(b"abc");
        let small = Limits {
            max_body_bytes: 2,
            ..Limits::default()
        };
        save(&dir, &s, 10, &small).unwrap();
        let kept = &list(&dir)[0].1;
        assert_eq!(
            (kept.body.as_deref(), kept.body_base64.as_deref()),
            (None, None)
        );
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            kept.body_sha256.as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(kept.body_len, Some(3));
        assert!(
            kept.body_note
                .as_deref()
                .unwrap()
                .contains("over history.max_body_bytes (2)")
        );
        assert!(
            kept.summary(1_700_000_000_000)
                .contains("3-byte body not kept")
        );
        s.saved_at += 1;
        let none = Limits {
            keep_bodies: false,
            ..Limits::default()
        };
        save(&dir, &s, 10, &none).unwrap();
        assert_eq!(
            list(&dir)[0].1.body_note.as_deref(),
            Some("history.keep_bodies = false: the body is not kept")
        );
        // A total cap smaller than two sessions keeps the newest alone.
        s.saved_at += 1;
        let one_file = std::fs::metadata(&list(&dir)[0].0).unwrap().len();
        let tight = Limits {
            max_total_bytes: one_file + 10,
            ..Limits::default()
        };
        let newest = save(&dir, &s, 10, &tight).unwrap().unwrap();
        let all = list(&dir);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].0, newest);
        assert_eq!(all[0].1.body_bytes(), b"abc");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

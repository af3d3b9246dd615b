//! The user's configuration: profiles (a scheme or recipe, fixed fields, variant choices and where
//! the key comes from), how much history to keep, and the folder of the user's own recipes.
//!
//! The file is TOML in the platform's config directory (`~/.config/sigscope/config.toml` on
//! Linux), or where `--config` points. sigscope never writes a key into it; a literal key is
//! refused unless the file says `allow_plaintext_key = true`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// Sessions kept in history when the config does not say.
pub const DEFAULT_HISTORY: usize = 50;

/// How long a key command may take when its profile does not say.
pub const DEFAULT_KEY_TIMEOUT: Duration = Duration::from_secs(10);

/// Where sigscope keeps its files.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub config: PathBuf,
    pub state: PathBuf,
}

impl Dirs {
    /// The platform's directories (XDG on Linux), if a home directory is known.
    pub fn platform() -> Option<Dirs> {
        let p = directories::ProjectDirs::from("", "", "sigscope")?;
        let state = p
            .state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| p.data_local_dir().to_path_buf());
        Some(Dirs {
            config: p.config_dir().to_path_buf(),
            state,
        })
    }
}

/// The configuration as loaded.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from (it may not exist).
    pub path: Option<PathBuf>,
    pub history: usize,
    /// What history keeps of bodies, and how much in all.
    pub history_limits: HistoryLimits,
    pub profiles: BTreeMap<String, Profile>,
    /// Profiles that hold a literal key (allowed by `allow_plaintext_key`).
    pub plaintext: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    allow_plaintext_key: bool,
    history: Option<HistoryFile>,
    #[serde(default)]
    profiles: BTreeMap<String, toml::Spanned<Profile>>,
}

/// What history keeps of bodies, and how much in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLimits {
    /// Keep bodies at all (`history.keep_bodies`).
    pub keep_bodies: bool,
    /// A body larger than this, in bytes, is kept as its SHA-256 and size.
    pub max_body_bytes: usize,
    /// The folder's sessions together, in bytes: the oldest go first (the newest always stays).
    pub max_total_bytes: u64,
}

impl Default for HistoryLimits {
    fn default() -> HistoryLimits {
        HistoryLimits {
            keep_bodies: true,
            max_body_bytes: 1 << 20,
            max_total_bytes: 64 << 20,
        }
    }
}

/// `history = N` (sessions kept), or a `[history]` table.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum HistoryFile {
    Count(usize),
    Table(HistoryTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryTable {
    /// Sessions kept (0: none).
    keep: Option<usize>,
    /// Keep request bodies (true when not said).
    keep_bodies: Option<bool>,
    /// A body over this many bytes is kept as its SHA-256 and size.
    max_body_bytes: Option<usize>,
    /// The sessions together, at most, in bytes.
    max_total_bytes: Option<u64>,
}

/// A named set of inputs to start from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// A scheme id (built-in or from the recipes folder).
    pub scheme: Option<String>,
    /// A recipe file (`~` is the home directory).
    pub recipe: Option<PathBuf>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// Request header lines (`Name: value`).
    #[serde(default)]
    pub headers: Vec<String>,
    /// The key from an environment variable.
    pub key_env: Option<String>,
    /// The key from a file, byte for byte.
    pub key_file: Option<PathBuf>,
    /// The key from a command's standard output, run only when the key is needed.
    pub key_command: Option<String>,
    /// Seconds the key command may take (10 when not said).
    pub key_timeout: Option<u64>,
    /// The key itself: refused unless `allow_plaintext_key = true`.
    key: Option<toml::Spanned<String>>,
}

/// Where a profile's key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env(String),
    File(PathBuf),
    Command { command: String, timeout: Duration },
    Literal,
}

/// A key read from its source, with a note on what was done to it.
pub struct KeyRead {
    pub bytes: Vec<u8>,
    pub note: Option<String>,
}

/// A TOML reader's message without the value it quotes (`invalid type: integer `9876…``): a
/// config holds secrets, and a misplaced one must not be printed back. The names of keys the
/// reader expected stay.
fn without_values(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid ") else {
        return message.to_string();
    };
    // `invalid type: integer `987`, expected …`, `invalid value: string "x", expected …`.
    match rest.split_once(", expected") {
        Some((what, expected)) => {
            let kind: String = what
                .split_once(['`', '"'])
                .map_or(what, |(head, _)| head)
                .trim_end()
                .to_string();
            format!("invalid {kind}, expected{expected}")
        }
        None => message.to_string(),
    }
}

/// The most a configuration file may be.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// A configuration file's text: a regular file (a FIFO or a device such as `/dev/zero` is
/// refused at once, never read until it ends) of at most [`MAX_CONFIG_BYTES`], in UTF-8.
fn read_bounded(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let what = || format!("config {}", path.display());
    // Asked before opening: opening a FIFO with no writer waits for one.
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", what()))?;
    if !meta.is_file() {
        return Err(format!(
            "{}: not a regular file (a pipe or a device is not read)",
            what()
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", what()))?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", what()))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "{}: more than {} KiB, the most a configuration may be",
            what(),
            MAX_CONFIG_BYTES >> 10
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", what()))
}

impl Config {
    /// The default file: `config.toml` in the platform's config directory.
    pub fn default_path() -> Option<PathBuf> {
        Dirs::platform().map(|d| d.config.join("config.toml"))
    }

    /// Reads the configuration: `explicit` (from `--config`) must exist; the default file may
    /// be absent, which is an empty configuration.
    pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match Config::default_path() {
                Some(p) if p.exists() => p,
                other => {
                    return Ok(Config {
                        path: other,
                        history: DEFAULT_HISTORY,
                        history_limits: HistoryLimits::default(),
                        ..Config::default()
                    });
                }
            },
        };
        let text = read_bounded(&path)?;
        Config::parse(&text, &path)
    }

    /// Reads a configuration's text; errors name the file and line.
    pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
        let at = |offset: usize| {
            let line = text[..offset.min(text.len())].matches('\n').count() + 1;
            format!("{}:{line}", path.display())
        };
        let file: File = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map_or_else(|| path.display().to_string(), |s| at(s.start));
            format!("config {place}: {}", without_values(e.message().trim()))
        })?;
        let mut profiles = BTreeMap::new();
        let mut plaintext = Vec::new();
        for (name, spanned) in file.profiles {
            let start = spanned.span().start;
            let profile = spanned.into_inner();
            if profile.scheme.is_some() && profile.recipe.is_some() {
                return Err(format!(
                    "config {}: profile `{name}` names both a scheme and a recipe; keep one",
                    at(start)
                ));
            }
            let sources = [
                profile.key_env.is_some(),
                profile.key_file.is_some(),
                profile.key_command.is_some(),
                profile.key.is_some(),
            ];
            if sources.iter().filter(|s| **s).count() > 1 {
                return Err(format!(
                    "config {}: profile `{name}` has more than one key source (key_env, key_file, key_command, key); keep one",
                    at(start)
                ));
            }
            if let Some(key) = &profile.key {
                if !file.allow_plaintext_key {
                    return Err(format!(
                        "config {}: profile `{name}` holds the key itself; use key_env, key_file or key_command (or set allow_plaintext_key = true)",
                        at(key.span().start)
                    ));
                }
                plaintext.push(name.clone());
            }
            profiles.insert(name, profile);
        }
        let defaults = HistoryLimits::default();
        let (history, history_limits) = match file.history {
            None => (DEFAULT_HISTORY, defaults),
            Some(HistoryFile::Count(n)) => (n, defaults),
            Some(HistoryFile::Table(t)) => (
                t.keep.unwrap_or(DEFAULT_HISTORY),
                HistoryLimits {
                    keep_bodies: t.keep_bodies.unwrap_or(defaults.keep_bodies),
                    max_body_bytes: t.max_body_bytes.unwrap_or(defaults.max_body_bytes),
                    max_total_bytes: t.max_total_bytes.unwrap_or(defaults.max_total_bytes),
                },
            ),
        };
        Ok(Config {
            path: Some(path.to_path_buf()),
            history,
            history_limits,
            profiles,
            plaintext,
        })
    }

    /// A profile by name, or a line naming the ones there are.
    pub fn profile(&self, name: &str) -> Result<&Profile, String> {
        self.profiles.get(name).ok_or_else(|| {
            let file = self
                .path
                .as_ref()
                .map_or("no config file".to_string(), |p| p.display().to_string());
            if self.profiles.is_empty() {
                format!("no profile `{name}`: {file} defines none")
            } else {
                let names: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
                format!(
                    "no profile `{name}` in {file}; its profiles are: {}",
                    names.join(", ")
                )
            }
        })
    }

    /// The folder of the user's own recipes: `recipes/` beside the config file.
    pub fn recipes_dir(&self) -> Option<PathBuf> {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|d| d.join("recipes"))
    }
}

impl Profile {
    /// Where the key comes from, when the profile says.
    pub fn key_source(&self) -> Option<KeySource> {
        if let Some(v) = &self.key_env {
            Some(KeySource::Env(v.clone()))
        } else if let Some(p) = &self.key_file {
            Some(KeySource::File(expand_home(p)))
        } else if let Some(c) = &self.key_command {
            Some(KeySource::Command {
                command: c.clone(),
                timeout: self
                    .key_timeout
                    .map_or(DEFAULT_KEY_TIMEOUT, Duration::from_secs),
            })
        } else {
            self.key.as_ref().map(|_| KeySource::Literal)
        }
    }

    /// The literal key of a profile allowed to hold one.
    pub fn literal_key(&self) -> Option<&str> {
        self.key.as_ref().map(|k| k.get_ref().as_str())
    }

    /// The recipe file, `~` expanded.
    pub fn recipe_path(&self) -> Option<PathBuf> {
        self.recipe.as_deref().map(expand_home)
    }
}

impl KeySource {
    /// In words, for listings and messages (never the key).
    pub fn describe(&self) -> String {
        match self {
            KeySource::Env(v) => format!("environment variable {v}"),
            KeySource::File(p) => format!("file {}", p.display()),
            KeySource::Command { command, .. } => format!("command `{}`", printable(command)),
            KeySource::Literal => "the config file itself".to_string(),
        }
    }

    /// Reads the key. A command's trailing newlines are dropped, as `$(…)` drops them.
    pub fn read(&self, profile: &Profile) -> Result<KeyRead, String> {
        match self {
            KeySource::Env(v) => std::env::var_os(v)
                .map(|k| KeyRead {
                    bytes: k.into_encoded_bytes(),
                    note: None,
                })
                .ok_or_else(|| format!("key_env {v}: the environment variable is not set")),
            KeySource::File(p) => std::fs::read(p)
                .map(|bytes| KeyRead { bytes, note: None })
                .map_err(|e| format!("key_file {}: {e}", p.display())),
            KeySource::Command { command, timeout } => run_key_command(command, *timeout),
            KeySource::Literal => Ok(KeyRead {
                bytes: profile
                    .literal_key()
                    .unwrap_or_default()
                    .as_bytes()
                    .to_vec(),
                note: None,
            }),
        }
    }
}

/// Runs a key command with `sh -c`, standard input closed, within `timeout`.
fn run_key_command(command: &str, timeout: Duration) -> Result<KeyRead, String> {
    let what = format!("key_command `{}`", printable(command));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: cannot run it: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    // A key is never longer than 64 KiB: read a byte more to tell, and no further.
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = (&mut stdout).take((64 << 10) + 1).read_to_end(&mut b);
        // Drain the rest so the command is not stopped by a full pipe before the timeout.
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stderr.read_to_end(&mut b);
        b
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{what} did not finish within {} s (is it waiting for a password?)",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("{what}: {e}")),
        }
    };
    let mut bytes = out.join().unwrap_or_default();
    let errors = err.join().unwrap_or_default();
    if !status.success() {
        let first = String::from_utf8_lossy(&errors)
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(": {}", printable(l.trim())))
            .unwrap_or_default();
        return Err(format!("{what} failed ({status}){first}"));
    }
    let mut dropped = 0;
    while bytes.last() == Some(&b'\n') {
        bytes.pop();
        dropped += 1;
    }
    if bytes.is_empty() {
        return Err(format!("{what} printed nothing"));
    }
    let note = (dropped > 0)
        .then(|| format!("the trailing newline of {what}'s output was dropped, as $(…) drops it"));
    Ok(KeyRead { bytes, note })
}

/// A path with a leading `~/` made the home directory.
fn expand_home(path: &Path) -> PathBuf {
    match path.strip_prefix("~") {
        Ok(rest) => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(rest))
            .unwrap_or_else(|| path.to_path_buf()),
        Err(_) => path.to_path_buf(),
    }
}

/// Text with control characters written as `\u{…}`, safe to print on a terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

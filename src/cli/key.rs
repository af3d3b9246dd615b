//! Where the key comes from: the key flags (one struct, flattened by every command that takes a
//! key) or a profile's key source, read into bytes that no Debug output shows.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::files::{MAX_KEY_BYTES, read_file, size_words};
use crate::sign::key::KeyEncoding;

/// Where the key comes from: the key flags, or the key a profile's source gave. The commands
/// that sign and `listen` flatten the same flags. A flag given several times (or several flags)
/// give several keys, which only the commands that verify take: a match with any of them is a
/// match (Box's primary and secondary signature keys, a key being rotated).
#[derive(Args, Debug, Clone, Default)]
#[group(id = "key_source", multiple = true)]
pub struct KeySource {
    /// The key, as text (verify, diagnose and listen take several, and accept a match with any).
    #[arg(long, value_name = "TEXT")]
    pub key: Vec<OsString>,
    /// The key, from an environment variable.
    #[arg(long, value_name = "VAR")]
    pub key_env: Vec<String>,
    /// The key, from a file (its exact bytes).
    #[arg(long, value_name = "PATH")]
    pub key_file: Vec<PathBuf>,
    /// The key, as hex digits (its bytes are what the digits say).
    #[arg(long, value_name = "HEX")]
    pub key_hex: Vec<String>,
    /// The key, as base64 (standard or URL-safe, padded or not).
    #[arg(long, value_name = "BASE64")]
    pub key_base64: Vec<String>,
    /// The key a profile's source gave (set by the profile, never by a flag).
    #[arg(skip)]
    pub profile: Option<(Secret, String)>,
    /// Whether the command takes several keys (verify, diagnose; set by the command, never by a
    /// flag).
    #[arg(skip)]
    pub several: bool,
    /// --quiet: no notes or warnings on stderr (errors still have their line).
    #[arg(skip)]
    pub quiet: bool,
}

impl KeySource {
    /// The key flags, for messages that ask for one.
    pub const FLAGS: &str = "--key, --key-env, --key-file, --key-hex or --key-base64";

    /// Whether a flag gives the key.
    pub fn has_flag(&self) -> bool {
        self.flag_count() > 0
    }

    fn flag_count(&self) -> usize {
        self.key.len()
            + self.key_env.len()
            + self.key_file.len()
            + self.key_hex.len()
            + self.key_base64.len()
    }

    /// Whether a flag or the profile gives the key.
    pub fn is_given(&self) -> bool {
        self.has_flag() || self.profile.is_some()
    }

    /// The key from the key flags (or the profile's source, or the example's key): its bytes,
    /// checked for size, with a warning on stderr when it is empty or holds what a reader cannot
    /// see. Several keys are an error here: only the commands that verify take them
    /// ([`KeySource::read_all`]).
    pub fn read(&self, example_key: Option<&str>) -> Result<Secret, CliError> {
        self.read_one(example_key, false)
    }

    /// As [`KeySource::read`], for a scheme that does (`public_scheme`) or does not take a key
    /// document (see [`KeySource::read_keys`]).
    pub fn read_one(
        &self,
        example_key: Option<&str>,
        public_scheme: bool,
    ) -> Result<Secret, CliError> {
        if self.flag_count() > 1 {
            return Err(CliError(format!(
                "{} keys are given ({}): only verify, diagnose and listen take several; give one",
                self.flag_count(),
                self.flag_names().join(", ")
            )));
        }
        let mut all = self.read_keys(example_key, public_scheme)?;
        Ok(all.swap_remove(0).0)
    }

    /// The flags given, in the order of [`KeySource::read_all`], for messages.
    fn flag_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        names.extend(self.key.iter().map(|_| "--key".to_string()));
        names.extend(self.key_env.iter().map(|v| format!("--key-env {v}")));
        names.extend(
            self.key_file
                .iter()
                .map(|p| format!("--key-file {}", p.display())),
        );
        names.extend(self.key_hex.iter().map(|_| "--key-hex".to_string()));
        names.extend(self.key_base64.iter().map(|_| "--key-base64".to_string()));
        names
    }

    /// Every key the flags give (at least one: else the profile's, else the example's), each
    /// with where it came from, checked as [`KeySource::read`] checks one.
    pub fn read_all(&self, example_key: Option<&str>) -> Result<Vec<(Secret, String)>, CliError> {
        self.read_keys(example_key, false)
    }

    /// As [`KeySource::read_all`]; `public_scheme`: the scheme takes a public or private key
    /// document (PEM, JWK, hex or base64 of a key), read with its surrounding whitespace
    /// trimmed, so that the notes about a secret's invisible bytes do not apply.
    pub fn read_keys(
        &self,
        example_key: Option<&str>,
        public_scheme: bool,
    ) -> Result<Vec<(Secret, String)>, CliError> {
        let mut keys: Vec<(Vec<u8>, String)> = Vec::new();
        for k in &self.key {
            keys.push((k.clone().into_encoded_bytes(), "--key".to_string()));
        }
        for var in &self.key_env {
            let key = std::env::var_os(var)
                .ok_or_else(|| {
                    CliError(format!(
                        "--key-env {var}: the environment variable is not set"
                    ))
                })?
                .into_encoded_bytes();
            keys.push((key, format!("--key-env {var}")));
        }
        for path in &self.key_file {
            let source = format!("--key-file {}", path.display());
            keys.push((read_file(path, "--key-file")?, source));
        }
        for hex in &self.key_hex {
            let key = KeyEncoding::Hex
                .decode(hex.as_bytes())
                .map_err(|e| CliError(format!("--key-hex: {e}")))?;
            keys.push((key, "--key-hex".to_string()));
        }
        for b64 in &self.key_base64 {
            let key = KeyEncoding::Base64
                .decode(b64.as_bytes())
                .map_err(|e| CliError(format!("--key-base64: {e}")))?;
            keys.push((key, "--key-base64".to_string()));
        }
        if keys.is_empty() {
            if let Some((key, source)) = &self.profile {
                keys.push((key.bytes().to_vec(), source.clone()));
            } else if let Some(k) = example_key {
                keys.push((k.as_bytes().to_vec(), "the example".to_string()));
            } else {
                return Err(CliError(format!(
                    "no key: give {} (or --example for the documented example)",
                    Self::FLAGS
                )));
            }
        }
        // Several keys of one kind are told apart by their place.
        let several = keys.len() > 1;
        let mut out = Vec::with_capacity(keys.len());
        for (i, (key, mut key_source)) in keys.into_iter().enumerate() {
            if several {
                key_source = format!("key {} ({key_source})", i + 1);
            }
            if key.len() > MAX_KEY_BYTES {
                return Err(CliError(format!(
                    "the key ({key_source}) is {} bytes, over the {} a key may be",
                    key.len(),
                    size_words(MAX_KEY_BYTES)
                )));
            }
            let notes = if public_scheme || crate::sign::pubkey::is_key_document(&key) {
                Vec::new()
            } else {
                crate::sign::key::notes(&key)
            };
            if self.quiet {
            } else if key.is_empty() {
                eprintln!("sigscope: warning: signing with an empty key ({key_source} is empty)");
            } else if !notes.is_empty() {
                eprintln!(
                    "sigscope: note: the key ({key_source}): {}, which is part of the key",
                    notes.join("; ")
                );
            }
            out.push((Secret(key), key_source));
        }
        Ok(out)
    }
}

/// The key's bytes; never shown by Debug.
#[derive(Clone, Default)]
pub struct Secret(pub(crate) Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<{} bytes, redacted>)", self.0.len())
    }
}

impl Secret {
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

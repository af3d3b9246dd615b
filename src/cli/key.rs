//! Where the key comes from: the key flags (one struct, flattened by every command that takes a
//! key) or a profile's key source, read into bytes that no Debug output shows.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::files::{MAX_KEY_BYTES, read_file, size_words};
use crate::sign::key::KeyEncoding;

/// Where the key comes from: at most one of the key flags, or the key a profile's source gave.
/// The commands that sign and `listen` flatten the same flags.
#[derive(Args, Debug, Clone, Default)]
#[group(id = "key_source", multiple = false)]
pub struct KeySource {
    /// The key, as text.
    #[arg(long, value_name = "TEXT")]
    pub key: Option<OsString>,
    /// The key, from an environment variable.
    #[arg(long, value_name = "VAR")]
    pub key_env: Option<String>,
    /// The key, from a file (its exact bytes).
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// The key, as hex digits (its bytes are what the digits say).
    #[arg(long, value_name = "HEX")]
    pub key_hex: Option<String>,
    /// The key, as base64 (standard or URL-safe, padded or not).
    #[arg(long, value_name = "BASE64")]
    pub key_base64: Option<String>,
    /// The key a profile's source gave (set by the profile, never by a flag).
    #[arg(skip)]
    pub profile: Option<(Secret, String)>,
}

impl KeySource {
    /// The key flags, for messages that ask for one.
    pub const FLAGS: &str = "--key, --key-env, --key-file, --key-hex or --key-base64";

    /// Whether a flag gives the key.
    pub fn has_flag(&self) -> bool {
        self.key.is_some()
            || self.key_env.is_some()
            || self.key_file.is_some()
            || self.key_hex.is_some()
            || self.key_base64.is_some()
    }

    /// Whether a flag or the profile gives the key.
    pub fn is_given(&self) -> bool {
        self.has_flag() || self.profile.is_some()
    }

    /// The key from the key flags (or the profile's source, or the example's key): its bytes,
    /// checked for size, with a warning on stderr when it is empty or holds what a reader cannot
    /// see.
    pub fn read(&self, example_key: Option<&str>) -> Result<Secret, CliError> {
        let (key, key_source) = if let Some(k) = &self.key {
            (k.clone().into_encoded_bytes(), "--key".to_string())
        } else if let Some(var) = &self.key_env {
            let key = std::env::var_os(var)
                .ok_or_else(|| {
                    CliError(format!(
                        "--key-env {var}: the environment variable is not set"
                    ))
                })?
                .into_encoded_bytes();
            (key, format!("--key-env {var}"))
        } else if let Some(path) = &self.key_file {
            let source = format!("--key-file {}", path.display());
            (read_file(path, "--key-file")?, source)
        } else if let Some(hex) = &self.key_hex {
            let key = KeyEncoding::Hex
                .decode(hex.as_bytes())
                .map_err(|e| CliError(format!("--key-hex: {e}")))?;
            (key, "--key-hex".to_string())
        } else if let Some(b64) = &self.key_base64 {
            let key = KeyEncoding::Base64
                .decode(b64.as_bytes())
                .map_err(|e| CliError(format!("--key-base64: {e}")))?;
            (key, "--key-base64".to_string())
        } else if let Some((key, source)) = &self.profile {
            (key.bytes().to_vec(), source.clone())
        } else if let Some(k) = example_key {
            (k.as_bytes().to_vec(), "the example".to_string())
        } else {
            return Err(CliError(format!(
                "no key: give {} (or --example for the documented example)",
                Self::FLAGS
            )));
        };
        if key.len() > MAX_KEY_BYTES {
            return Err(CliError(format!(
                "the key ({key_source}) is {} bytes, over the {} a key may be",
                key.len(),
                size_words(MAX_KEY_BYTES)
            )));
        }
        let notes = crate::sign::key::notes(&key);
        if key.is_empty() {
            eprintln!("sigscope: warning: signing with an empty key ({key_source} is empty)");
        } else if !notes.is_empty() {
            eprintln!(
                "sigscope: note: the key ({key_source}): {}, which is part of the key",
                notes.join("; ")
            );
        }
        Ok(Secret(key))
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

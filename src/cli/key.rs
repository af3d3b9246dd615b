//! Where the key comes from: the key flags or a profile's key source, read into bytes that no
//! Debug output shows.

use super::files::{MAX_KEY_BYTES, read_file, size_words};
use super::{CliError, InputArgs};
use crate::sign::key::KeyEncoding;

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

/// The key from the key flags (or the profile's source, or the example's key): its bytes,
/// checked for size, with a warning on stderr when it is empty or holds what a reader cannot see.
pub fn resolve_key(args: &InputArgs, example_key: Option<&str>) -> Result<Secret, CliError> {
    let (key, key_source) = if let Some(k) = &args.key {
        (k.clone().into_encoded_bytes(), "--key".to_string())
    } else if let Some(var) = &args.key_env {
        let key = std::env::var_os(var)
            .ok_or_else(|| {
                CliError(format!(
                    "--key-env {var}: the environment variable is not set"
                ))
            })?
            .into_encoded_bytes();
        (key, format!("--key-env {var}"))
    } else if let Some(path) = &args.key_file {
        let source = format!("--key-file {}", path.display());
        (read_file(path, "--key-file")?, source)
    } else if let Some(hex) = &args.key_hex {
        let key = KeyEncoding::Hex
            .decode(hex.as_bytes())
            .map_err(|e| CliError(format!("--key-hex: {e}")))?;
        (key, "--key-hex".to_string())
    } else if let Some(b64) = &args.key_base64 {
        let key = KeyEncoding::Base64
            .decode(b64.as_bytes())
            .map_err(|e| CliError(format!("--key-base64: {e}")))?;
        (key, "--key-base64".to_string())
    } else if let Some((key, source)) = &args.profile_key {
        (key.bytes().to_vec(), source.clone())
    } else if let Some(k) = example_key {
        (k.as_bytes().to_vec(), "the example".to_string())
    } else {
        return Err(CliError(
            "no key: give --key, --key-env, --key-file, --key-hex or --key-base64 (or --example for the documented example)".to_string(),
        ));
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

//! `--request PATH` read from its file: which request of a file that holds several, with which
//! variables, local files a curl line names read only when allowed, and a binary file named
//! with its offset instead of echoed.

use std::path::Path;

use super::CliError;
use super::args::InputArgs;
use super::files::{io_reason, read_file};

/// Which request of a file that holds several, and the values of its variables: `--entry`,
/// `--environment`, and how to tell the request that carries a signature (None: any built-in
/// scheme's).
#[derive(Default)]
pub(super) struct RequestPick<'a> {
    pub entry: Option<&'a str>,
    pub environment: Option<&'a Path>,
    pub signed: Option<&'a dyn Fn(&crate::request::import::Imported) -> bool>,
}

impl<'a> RequestPick<'a> {
    /// `--entry` and `--environment` of the input flags, with `signed`.
    pub fn from_args(
        args: &'a InputArgs,
        signed: &'a dyn Fn(&crate::request::import::Imported) -> bool,
    ) -> RequestPick<'a> {
        RequestPick {
            entry: args.entry.as_deref(),
            environment: args.environment.as_deref(),
            signed: Some(signed),
        }
    }
}

/// Reads `--request PATH` (`-`: standard input) as a request in any format the import reads
/// (a HAR file's or a collection's as `pick` says), whose `@file` data is read from the current
/// directory, as curl would, only when allowed. The notes say which files were read or left
/// unread.
pub(super) fn parse_request_file(
    path: &Path,
    allow_request_files: bool,
    pick: &RequestPick,
) -> Result<crate::request::import::Imported, CliError> {
    parse_request_file_raw(path, allow_request_files, pick).map(|(imported, _)| imported)
}

/// As [`parse_request_file`], with the bytes read when they are raw HTTP (to write back
/// unchanged).
pub(super) fn parse_request_file_raw(
    path: &Path,
    allow_request_files: bool,
    pick: &RequestPick,
) -> Result<(crate::request::import::Imported, Option<Vec<u8>>), CliError> {
    let bytes = read_file(path, "--request")?;
    let raw = matches!(
        crate::request::formats::sniff(&bytes),
        crate::request::formats::Format::Http
    )
    .then(|| bytes.clone());
    // A customer's curl line may name a local file (`--data-binary @/etc/passwd`): it is read
    // only with the user's consent, and only when it is a regular file.
    let mut skipped = Vec::new();
    let mut read_files = Vec::new();
    let mut read = |p: &str| -> Result<Vec<u8>, String> {
        if !allow_request_files {
            skipped.push(p.to_string());
            return Ok(Vec::new());
        }
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot read: {}", io_reason(&e)))?;
        if !meta.is_file() {
            return Err(
                "not a regular file (standard input and devices are never read from a request)"
                    .to_string(),
            );
        }
        // As large as a request may be, and no larger (a sparse 2 GiB file is refused unread).
        let limit = super::files::MAX_REQUEST_BYTES;
        if meta.len() > limit as u64 {
            return Err(format!(
                "more than {}, the most a request's data may be",
                super::files::size_words(limit)
            ));
        }
        let data = std::fs::read(p).map_err(|e| format!("cannot read: {}", io_reason(&e)))?;
        read_files.push(p.to_string());
        Ok(data)
    };
    let parsed = crate::request::import::parse_with(&bytes, &mut import_options(pick, &mut read)?);
    let mut imported = parsed.map_err(|e| match binary_at(&bytes) {
        // The bytes themselves are never echoed: they can be anything, a terminal's too.
        Some((at, byte)) => CliError(format!(
            "--request {}: not a request: a binary byte 0x{byte:02x} at offset {at} (a request is raw HTTP text or a command line)",
            path.display()
        )),
        None => CliError(format!("--request {}: {e}", path.display())),
    })?;
    for file in read_files {
        imported
            .notes
            .push(format!("the body is read from the file `{file}`"));
    }
    for file in skipped {
        imported.notes.push(format!(
            "the request's data comes from the local file `{file}`, which is not read without --allow-request-files: that part of the body is empty"
        ));
    }
    Ok((imported, raw))
}

/// The first byte of a request's head (up to its blank line) that no text request holds: a
/// NUL or other control byte, or bytes that are not UTF-8; with its offset.
fn binary_at(bytes: &[u8]) -> Option<(usize, u8)> {
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let end = lf.into_iter().chain(crlf).min().unwrap_or(bytes.len());
    let head = &bytes[..end];
    if let Some(at) = head
        .iter()
        .position(|&b| (b < 0x20 && !matches!(b, b'\r' | b'\n' | b'\t')) || b == 0x7f)
    {
        return Some((at, head[at]));
    }
    std::str::from_utf8(head)
        .err()
        .map(|e| (e.valid_up_to(), head[e.valid_up_to()]))
}

/// The import's options: `--entry`, and `--environment` (a file of values, or the name of an
/// environment an Insomnia export holds when no such file exists).
pub(super) fn import_options<'a>(
    pick: &RequestPick<'a>,
    read_file: &'a mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<crate::request::import::ImportOptions<'a>, CliError> {
    use crate::request::import::{EntrySelector, Environment, read_environment};
    let environment = match pick.environment {
        None => None,
        Some(path) => {
            let looks_like_path = path.components().count() > 1 || path.extension().is_some();
            if path.exists() || looks_like_path {
                let bytes = read_file_checked(path)?;
                let source = format!("--environment {}", path.display());
                Some(Environment::Values(
                    read_environment(&bytes, &source)
                        .map_err(|e| CliError(format!("{source}: {e}")))?,
                ))
            } else {
                Some(Environment::Named(path.display().to_string()))
            }
        }
    };
    Ok(crate::request::import::ImportOptions {
        entry: pick.entry.map(EntrySelector::parse),
        environment,
        read_file,
        signed: pick.signed,
    })
}

fn read_file_checked(path: &Path) -> Result<Vec<u8>, CliError> {
    if path.as_os_str() == "-" {
        return Err(CliError(
            "--environment -: the environment is read from a file, not standard input".into(),
        ));
    }
    read_file(path, "--environment")
}

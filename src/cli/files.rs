//! Reading the files that flags name (`-` is standard input): whole, up to what each flag may
//! hold, or in chunks for a streamed body; a failure is one line naming the flag and the path.

use std::io::Read;
use std::path::Path;

use super::CliError;

/// Reads a whole file (`-` is standard input), with a one-line error naming the flag and path.
pub fn read_file(path: &Path, flag: &str) -> Result<Vec<u8>, CliError> {
    let limit = read_limit(flag);
    let mut bytes = Vec::new();
    let mut over = false;
    read_chunks_limited(path, flag, limit, |chunk| {
        if bytes.len() + chunk.len() > limit {
            over = true;
        } else {
            bytes.extend_from_slice(chunk);
        }
    })?;
    if over {
        return Err(CliError(format!(
            "{flag} {}: more than {}, the most {} may be",
            path.display(),
            size_words(limit),
            match flag {
                "--key-file" => "a key",
                "--recipe" => "a recipe",
                "--bundle" => "a bundle",
                "--request" => "a request",
                "--environment" => "an environment",
                _ => "a body that is not streamed",
            }
        )));
    }
    Ok(bytes)
}

/// The most a key may be, from any source.
pub const MAX_KEY_BYTES: usize = 64 << 10;

/// How much a file given with a flag may hold.
/// The most a request (and the data its curl line reads from files) may be.
pub const MAX_REQUEST_BYTES: usize = crate::sign::engine::MAX_STAGE_BYTES;

fn read_limit(flag: &str) -> usize {
    match flag {
        "--key-file" => MAX_KEY_BYTES,
        "--recipe" => 1 << 20,
        _ => crate::sign::engine::MAX_STAGE_BYTES,
    }
}

/// A size in words (`64 KiB`, `256 MiB`).
pub fn size_words(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{} KiB", n >> 10)
    }
}

/// Feeds a body file to `sink` in chunks. A regular file is read in 1 MiB chunks on a thread of
/// its own while `sink` hashes the chunk before (reading overlapped with hashing, on the second
/// core: 1 GiB in 511 ms where reading in turn took 589 ms; 64 KiB chunks handed over cost more
/// than they saved); anything else (standard input, a FIFO) is read in turn, 64 KiB at a time.
pub fn read_chunks(path: &Path, mut sink: impl FnMut(&[u8])) -> Result<(), CliError> {
    let regular =
        path.as_os_str() != "-" && std::fs::metadata(path).is_ok_and(|m| m.file_type().is_file());
    if !regular {
        return read_chunks_with(path, "--body-file", sink);
    }
    let mut file = std::fs::File::open(path).map_err(|e| {
        CliError(format!(
            "--body-file {}: cannot read: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    const CHUNK: usize = 1 << 20;
    // Filled buffers go to the sink, empty ones come back: four in all, so that the reader is
    // at most three chunks ahead.
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<std::io::Result<(Vec<u8>, usize)>>(3);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    for _ in 0..4 {
        let _ = empty_tx.send(vec![0u8; CHUNK]);
    }
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(mut buf) = empty_rx.recv() {
                let n = loop {
                    match file.read(&mut buf) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        other => break other,
                    }
                };
                let done = !matches!(n, Ok(n) if n > 0);
                if full_tx.send(n.map(|n| (buf, n))).is_err() || done {
                    return;
                }
            }
        });
        loop {
            match full_rx.recv() {
                Ok(Ok((_, 0))) | Err(_) => return Ok(()),
                Ok(Ok((buf, n))) => {
                    sink(&buf[..n]);
                    let _ = empty_tx.send(buf);
                }
                Ok(Err(e)) => {
                    return Err(CliError(format!(
                        "--body-file {}: cannot read: {}",
                        path.display(),
                        io_reason(&e)
                    )));
                }
            }
        }
    })
}

fn read_chunks_with(path: &Path, flag: &str, sink: impl FnMut(&[u8])) -> Result<(), CliError> {
    read_chunks_limited(path, flag, usize::MAX, sink)
}

/// Says now when a file given with a flag cannot be read (missing, a directory, no permission).
pub fn check_readable(path: &Path, flag: &str) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return Ok(());
    }
    if path.is_dir() {
        return Err(CliError(format!(
            "{flag} {}: is a directory",
            path.display()
        )));
    }
    std::fs::File::open(path).map(drop).map_err(|e| {
        CliError(format!(
            "{flag} {}: cannot read: {}",
            path.display(),
            io_reason(&e)
        ))
    })
}

/// Reads a file (or standard input, `-`) in 64 KiB chunks, stopping once more than `limit`
/// bytes have come (the sink sees the chunk that goes over).
fn read_chunks_limited(
    path: &Path,
    flag: &str,
    limit: usize,
    mut sink: impl FnMut(&[u8]),
) -> Result<(), CliError> {
    let fail = |e: std::io::Error| {
        CliError(format!(
            "{flag} {}: cannot read: {}",
            path.display(),
            io_reason(&e)
        ))
    };
    let mut reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        if path.is_dir() {
            return Err(CliError(format!(
                "{flag} {}: is a directory",
                path.display()
            )));
        }
        match special(path, flag)? {
            Some(fifo) => Box::new(fifo),
            None => Box::new(std::fs::File::open(path).map_err(fail)?),
        }
    };
    // 64 KiB reads: large enough for few system calls, small enough that the chunk is still in
    // the cache when the hash reads it (1 MiB reads evicted it and doubled the system time).
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0usize;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                total += n;
                sink(&buf[..n]);
                if total > limit {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(fail(e)),
        }
    }
}

/// How long a FIFO (`<(command)`, a named pipe) may take to give its first byte: a pipe that no
/// program writes to would otherwise hang the command.
pub const FIFO_FIRST_BYTE: std::time::Duration = std::time::Duration::from_secs(10);

/// A file that is not a regular file: a device or a socket is refused in one line; a FIFO is
/// opened without blocking and read with a deadline for its first byte ([`FIFO_FIRST_BYTE`]).
/// None: a regular file (or a symlink to one), opened as usual.
#[cfg(unix)]
fn special(path: &Path, flag: &str) -> Result<Option<Fifo>, CliError> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(None);
    };
    let kind = meta.file_type();
    if kind.is_char_device() || kind.is_block_device() || kind.is_socket() {
        return Err(CliError(format!(
            "{flag} {}: is a device or a socket, not a file (give - for standard input)",
            path.display()
        )));
    }
    if !kind.is_fifo() {
        return Ok(None);
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            CliError(format!(
                "{flag} {}: cannot read: {}",
                path.display(),
                io_reason(&e)
            ))
        })?;
    Ok(Some(Fifo {
        file,
        started: std::time::Instant::now(),
        seen: false,
    }))
}

#[cfg(not(unix))]
fn special(_path: &Path, _flag: &str) -> Result<Option<Fifo>, CliError> {
    Ok(None)
}

/// A FIFO opened without blocking: reads wait (in short sleeps) for a writer and its bytes; no
/// byte within [`FIFO_FIRST_BYTE`] is an error naming the flag.
struct Fifo {
    file: std::fs::File,
    started: std::time::Instant,
    seen: bool,
}

impl Read for Fifo {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.file.read(buf) {
                Ok(0) if self.seen => return Ok(0),
                Ok(0) => {}
                Ok(n) => {
                    self.seen = true;
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            if !self.seen && self.started.elapsed() > FIFO_FIRST_BYTE {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "nothing was written to this FIFO within {} s (no program writes to it?)",
                        FIFO_FIRST_BYTE.as_secs()
                    ),
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// An I/O error in a few words, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".to_string(),
        PermissionDenied => "permission denied".to_string(),
        IsADirectory => "is a directory".to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

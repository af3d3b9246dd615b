//! A request as it was read, whichever way it came (raw HTTP or a curl command line), and why one
//! could not be read. The readers share these; this module uses none of them.

use std::fmt;

/// A request as it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub method: String,
    /// The full URL when the host is known; else the request target as given.
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The header lines as received (folded lines and spacing kept), one a line.
    pub head: Vec<u8>,
    pub body: Vec<u8>,
    /// Things a user should know about how it was read (one sentence each).
    pub notes: Vec<String>,
    /// A response's status code (`HTTP/1.1 200 OK`), which a signed response covers as
    /// `@status`; None for a request.
    pub status: Option<u16>,
}

impl Imported {
    /// The first header of a name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// 1-based line of the input; 0 when the problem has no line.
    pub line: usize,
    pub message: String,
    /// When the input holds several requests and none was picked: each one's label (`3. POST
    /// https://…`), and the 0-based numbers of those that carry a signature, for a list to
    /// pick from (the TUI's F7).
    pub choices: Option<Choices>,
}

/// The requests of a HAR file or a collection, as a list to pick one from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    pub labels: Vec<String>,
    pub signed: Vec<usize>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

/// An [`ImportError`] at a line (0: no line).
pub(super) fn err(line: usize, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        message: message.into(),
        choices: None,
    }
}

impl Imported {
    /// A request read from a format that lists its headers (not raw HTTP): its head is the
    /// header lines as `Name: value`, one a line.
    pub fn from_parts(
        method: String,
        url: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        notes: Vec<String>,
    ) -> Imported {
        let head = headers
            .iter()
            .flat_map(|(n, v)| format!("{n}: {v}\n").into_bytes())
            .collect();
        Imported {
            method,
            url,
            headers,
            head,
            body,
            notes,
            status: None,
        }
    }
}

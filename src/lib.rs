//! sigscope: a debugger for HMAC request signatures.
//!
//! [`sign`] is the pure core; [`request`] builds requests; [`cli`] is the command line and
//! [`tui`] the terminal UI over both.

pub mod cli;
pub mod code;
pub mod config;
pub mod diagnose;
pub mod history;
pub mod learn;
pub mod request;
pub mod sign;
pub mod tui;
pub mod wire;

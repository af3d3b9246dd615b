//! sigscope: a debugger for HMAC request signatures.
//!
//! [`sign`] is the pure core; [`request`] builds requests; [`cli`] is the command line over both.

pub mod cli;
pub mod request;
pub mod sign;

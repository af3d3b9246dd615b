//! sigscope: a debugger for HMAC request signatures.

pub mod sign;

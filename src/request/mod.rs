//! Requests: export of a signed request as raw HTTP or a curl command, byte-exact.

pub mod export;

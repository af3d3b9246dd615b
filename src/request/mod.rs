//! Requests: import of a customer's raw HTTP request or curl command line, and export of a signed
//! request as raw HTTP or a curl command; bodies byte-exact both ways.

pub mod bundle;
pub mod curl;
pub mod export;
pub mod http;
pub mod import;
pub mod message;
pub mod recognize;
pub mod shell;

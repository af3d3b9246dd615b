//! Requests: import of a customer's request (raw HTTP, a curl, PowerShell, fetch, HTTPie or wget
//! command line, a HAR file, a Postman, Insomnia or Bruno collection), and export of a signed
//! request as raw HTTP or a curl command; bodies byte-exact both ways.

pub mod bru;
pub mod bundle;
pub mod cmd;
pub mod collection;
pub mod curl;
pub mod entry;
pub mod export;
pub mod fetch;
pub mod formats;
pub mod har;
pub mod http;
pub mod httpie;
pub mod import;
pub mod mapping;
pub mod message;
pub mod powershell;
pub mod recognize;
pub mod replay;
pub mod shell;
pub mod vars;
pub mod wget;
pub mod written;

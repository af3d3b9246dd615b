//! Which format a request is in, told from its first bytes: JSON (a HAR file, a Postman
//! collection, an Insomnia export), a `.bru` file, a command line by its first word, raw HTTP;
//! and for anything else, one sentence saying what it looks like and what is read.

use serde_json::Value;

use super::message::{ImportError, err};

/// The formats read, for messages.
pub const READ: &str = "raw HTTP, curl (bash or Windows cmd), PowerShell (Invoke-WebRequest, Invoke-RestMethod), fetch (browser or Node.js), HTTPie, wget, HAR, a Postman collection (v2), an Insomnia export (v4), a Bruno .bru request";

#[derive(Debug)]
pub enum Format {
    Http,
    Curl,
    CmdCurl,
    PowerShell,
    Fetch,
    Httpie,
    Wget,
    Har,
    Postman,
    Insomnia,
    Bruno,
    /// Not a format read: the error to give.
    Unknown(ImportError),
}

impl Format {
    /// The format with an article, for sentences: `a curl command line`.
    pub fn describe(&self) -> &'static str {
        match self {
            Format::Http | Format::Unknown(_) => "a raw HTTP request",
            Format::Curl => "a curl command line",
            Format::CmdCurl => "a curl command line for Windows cmd",
            Format::PowerShell => "a PowerShell command",
            Format::Fetch => "a fetch call",
            Format::Httpie => "an HTTPie command line",
            Format::Wget => "a wget command line",
            Format::Har => "a HAR file",
            Format::Postman => "a Postman collection",
            Format::Insomnia => "an Insomnia export",
            Format::Bruno => "a Bruno request",
        }
    }
}

/// The text after a BOM and leading blank space, and the 1-based line it starts on.
fn start(input: &[u8]) -> (&[u8], usize) {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let at = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    let line = input[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    (&input[at..], line)
}

/// Tells the format of a request.
pub fn sniff(input: &[u8]) -> Format {
    let (rest, line) = start(input);
    if rest.first().is_some_and(|&b| b == b'{' || b == b'[') {
        return sniff_json(input);
    }
    let first_line = rest.split(|&b| b == b'\n').next().unwrap_or(b"");
    let first_line = String::from_utf8_lossy(first_line);
    let first_line = first_line.trim_end_matches('\r');
    if request_line(first_line) {
        return Format::Http;
    }
    // A shell prompt before the command (`$ curl …`, `PS C:\> iwr …`).
    let command = strip_prompt(first_line);
    let word = command
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let lower = word.to_ascii_lowercase();
    match lower.as_str() {
        "curl" | "printf" => {
            let text = String::from_utf8_lossy(rest);
            return if super::cmd::is_cmd_line(&text) {
                Format::CmdCurl
            } else {
                Format::Curl
            };
        }
        "curl.exe" => return Format::CmdCurl,
        "http" | "https" => return Format::Httpie,
        "wget" | "wget2" => return Format::Wget,
        "fetch" => return Format::Fetch,
        "await" if command["await".len()..].trim_start().starts_with("fetch") => {
            return Format::Fetch;
        }
        "invoke-webrequest" | "invoke-restmethod" | "iwr" | "irm" => return Format::PowerShell,
        _ => {}
    }
    if word.starts_with('$') && word.len() > 1 && powershell_script(rest) {
        return Format::PowerShell;
    }
    let text = String::from_utf8_lossy(rest);
    if super::bru::looks_like_bru(&text) {
        return Format::Bruno;
    }
    if first_line.starts_with(':') {
        // HTTP/2 pseudo-headers, as devtools list them.
        return Format::Http;
    }
    match unknown(first_line, &text, line) {
        Some(e) => Format::Unknown(e),
        None => Format::Http,
    }
}

/// Whether a line reads as an HTTP request or response line: `POST /x HTTP/1.1`, `GET
/// https://h/x`, `HTTP/1.1 200 OK`.
fn request_line(line: &str) -> bool {
    let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [v, code, ..] if v.starts_with("HTTP/") => code.len() == 3,
        [method, target, rest @ ..] => {
            method.chars().all(|c| c.is_ascii_uppercase() || c == '-')
                && (target.starts_with('/') || target.contains("://") || *target == "*")
                && (rest.is_empty() || rest.last().is_some_and(|v| v.starts_with("HTTP/")))
        }
        _ => false,
    }
}

fn strip_prompt(line: &str) -> &str {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("$ ").or_else(|| line.strip_prefix("> ")) {
        return rest.trim_start();
    }
    if line.starts_with("PS ")
        && let Some(i) = line.find("> ")
    {
        return line[i + 2..].trim_start();
    }
    line
}

/// Whether a text that starts with `$name` is a PowerShell script that calls one of the
/// cmdlets read (Chrome's "Copy as PowerShell" starts with `$session = …`).
fn powershell_script(rest: &[u8]) -> bool {
    let text = String::from_utf8_lossy(rest).to_ascii_lowercase();
    ["invoke-webrequest", "invoke-restmethod", "iwr ", "irm "]
        .iter()
        .any(|c| text.contains(c))
}

/// Parses JSON for the JSON formats; the error names its line.
pub fn json(input: &[u8]) -> Result<Value, ImportError> {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    serde_json::from_slice(input).map_err(|e| {
        err(
            e.line(),
            format!("invalid JSON at column {}: {e}", e.column()),
        )
    })
}

fn sniff_json(input: &[u8]) -> Format {
    let json = match json(input) {
        Ok(j) => j,
        Err(e) => return Format::Unknown(e),
    };
    let text_of = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    if super::har::is_har(&json) {
        return Format::Har;
    }
    let schema = text_of(json.get("info").and_then(|i| i.get("schema")));
    if schema.contains("getpostman.com")
        || (json.get("info").is_some() && json.get("item").is_some_and(Value::is_array))
    {
        if schema.contains("v1.") {
            return unknown_json("a Postman collection v1: export it from Postman as v2.1");
        }
        return Format::Postman;
    }
    if json.get("__export_format").is_some() || text_of(json.get("_type")) == "export" {
        let version = json
            .get("__export_format")
            .and_then(Value::as_i64)
            .unwrap_or(4);
        if version < 4 {
            return unknown_json(
                "an Insomnia export older than format 4: export it again from a current Insomnia",
            );
        }
        return Format::Insomnia;
    }
    if json.get("_postman_variable_scope").is_some()
        || (json.get("values").is_some_and(Value::is_array) && json.get("name").is_some())
    {
        return unknown_json(
            "a Postman environment: give it with --environment, and the collection with --request",
        );
    }
    if json.get("requests").is_some() && json.get("order").is_some() {
        return unknown_json("a Postman collection v1: export it from Postman as v2.1");
    }
    if json.get("openapi").is_some() || json.get("swagger").is_some() {
        return unknown_json("an OpenAPI document, which describes an API rather than a request");
    }
    let what = match &json {
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().take(6).map(String::as_str).collect();
            format!(
                "JSON that is not a HAR file, a Postman collection or an Insomnia export (its keys: {})",
                keys.join(", ")
            )
        }
        Value::Array(_) => {
            "a JSON array, not a HAR file, a Postman collection or an Insomnia export".to_string()
        }
        _ => "JSON".to_string(),
    };
    unknown_json(&what)
}

fn unknown_json(what: &str) -> Format {
    Format::Unknown(err(0, format!("the request is {what}; read: {READ}")))
}

/// What a text that is no format read looks like; None when it may be raw HTTP (which then
/// says where it goes wrong).
fn unknown(first_line: &str, text: &str, line: usize) -> Option<ImportError> {
    let command = strip_prompt(first_line);
    let word = command.split_whitespace().next().unwrap_or("");
    let lower = text.to_ascii_lowercase();
    let what = if first_line.starts_with('<') {
        "XML or HTML".to_string()
    } else if lower.contains("collection.insomnia.rest/5") {
        "an Insomnia v5 export (YAML): export it from Insomnia as Insomnia v4 (JSON)".to_string()
    } else if lower.starts_with("openapi:") || lower.starts_with("swagger:") {
        "an OpenAPI document, which describes an API rather than a request".to_string()
    } else if word.contains('-')
        && word.split('-').count() == 2
        && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        format!(
            "a PowerShell command, `{word}`, which is not Invoke-WebRequest or Invoke-RestMethod"
        )
    } else if lower.contains("import requests")
        || lower.starts_with("requests.")
        || lower.contains("\nrequests.")
    {
        "Python code (requests)".to_string()
    } else if lower.contains("xmlhttprequest")
        || lower.contains("axios")
        || lower.contains("$.ajax")
        || word == "const"
        || word == "let"
        || word == "var"
    {
        "JavaScript that is not a fetch call".to_string()
    } else if (word.starts_with("http://") || word.starts_with("https://"))
        && command.split_whitespace().count() == 1
    {
        "a URL alone: give the whole request (raw HTTP, a curl line, a HAR file …)".to_string()
    } else if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && command.split_whitespace().count() > 1
        && command
            .split_whitespace()
            .skip(1)
            .any(|w| w.starts_with('-') || w.contains("://"))
    {
        format!("a `{word}` command line, which is not one of the tools read")
    } else {
        return None;
    };
    Some(err(line, format!("the request is {what}; read: {READ}")))
}

/// An error of the raw HTTP reader about the first line: the request is none of the formats
/// read, so say so and list them.
pub fn explain(input: &[u8], e: ImportError) -> ImportError {
    let (_, first) = start(input);
    if e.line == first && e.message.starts_with("expected a request line") {
        err(
            e.line,
            format!("{}; or any of the formats read: {READ}", e.message),
        )
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> String {
        format!("{:?}", sniff(text.as_bytes()))
            .split('(')
            .next()
            .unwrap()
            .to_string()
    }

    #[test]
    fn formats_are_told_apart() {
        for (text, expect) in [
            ("POST /x HTTP/1.1\nHost: h\n\n", "Http"),
            ("\n\nGET https://h/x\n", "Http"),
            ("HTTP/1.1 200 OK\n\n", "Http"),
            ("curl https://h/x", "Curl"),
            ("$ curl https://h/x", "Curl"),
            ("curl ^\"https://h/x^\" ^\n  -H ^\"a: b^\"", "CmdCurl"),
            ("curl.exe \"https://h/x\"", "CmdCurl"),
            ("http POST :3000/x a=b", "Httpie"),
            ("wget --post-data=a https://h/x", "Wget"),
            ("fetch(\"https://h/x\", {})", "Fetch"),
            ("await fetch(\"https://h/x\", {})", "Fetch"),
            ("Invoke-WebRequest -Uri \"https://h/x\"", "PowerShell"),
            (
                "$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\nInvoke-WebRequest -UseBasicParsing -Uri \"https://h\"",
                "PowerShell",
            ),
            (
                "meta {\n  name: x\n}\n\npost {\n  url: https://h\n}\n",
                "Bruno",
            ),
            ("{\"log\": {\"version\": \"1.2\", \"entries\": []}}", "Har"),
            (
                "{\"info\": {\"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"}, \"item\": []}",
                "Postman",
            ),
            (
                "{\"_type\": \"export\", \"__export_format\": 4, \"resources\": []}",
                "Insomnia",
            ),
            ("{\"a\": 1}", "Unknown"),
            ("Get-Content x.json", "Unknown"),
            ("https://h/x", "Unknown"),
            ("<xml/>", "Unknown"),
            ("hello world", "Http"),
        ] {
            assert_eq!(kind(text), expect, "{text}");
        }
    }

    #[test]
    fn unknown_input_says_what_it_looks_like() {
        let Format::Unknown(e) = sniff(b"{\"name\": \"x\", \"values\": []}") else {
            panic!()
        };
        assert!(
            e.message
                .starts_with("the request is a Postman environment"),
            "{e}"
        );
        assert!(e.message.contains("read: raw HTTP, curl"), "{e}");
        let Format::Unknown(e) = sniff(b"\n\nGet-ChildItem -Path x") else {
            panic!()
        };
        assert_eq!(e.line, 3);
        assert!(e.message.contains("`Get-ChildItem`"), "{e}");
        let Format::Unknown(e) = sniff(b"{\"a\": ") else {
            panic!()
        };
        assert!(e.message.starts_with("invalid JSON"), "{e}");
    }
}

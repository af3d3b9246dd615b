//! The syntax of Bruno's `.bru` files: blocks of `name: value` pairs (`headers {`), of text
//! (`body:json {`), or lists (`vars:secret [`), as Bruno's own parser reads them. Requests and
//! environments are both written in it.

use super::message::{ImportError, err};

/// One block of a `.bru` file.
#[derive(Debug, Clone)]
pub struct BruBlock {
    pub name: String,
    /// 1-based line of its header.
    pub line: usize,
    /// The lines inside, as written (without the closing line).
    pub lines: Vec<String>,
    pub text: bool,
}

impl BruBlock {
    /// A dictionary block's pairs: `name: value` a line, both trimmed (`~name` kept as is).
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.lines
            .iter()
            .filter_map(|l| {
                let l = l.trim();
                if l.is_empty() {
                    return None;
                }
                let (k, v) = l.split_once(':').unwrap_or((l, ""));
                let k = k.trim();
                let k = k
                    .strip_prefix('"')
                    .and_then(|k| k.strip_suffix('"'))
                    .map(|k| k.replace("\\\"", "\""))
                    .unwrap_or_else(|| k.to_string());
                Some((k, v.trim().to_string()))
            })
            .collect()
    }

    /// A text block's text as Bruno reads it: each line without its first two spaces, joined
    /// with LF; the blank lines right after `{` are not part of it.
    pub fn text(&self) -> String {
        let start = self
            .lines
            .iter()
            .position(|l| !l.is_empty())
            .unwrap_or(self.lines.len());
        self.lines[start..]
            .iter()
            .map(|l| l.strip_prefix("  ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Whether a block of this name holds text rather than `name: value` pairs.
fn bru_text_block(name: &str) -> bool {
    matches!(
        name,
        "body"
            | "body:json"
            | "body:text"
            | "body:xml"
            | "body:sparql"
            | "body:graphql"
            | "body:graphql:vars"
            | "tests"
            | "docs"
    ) || name.starts_with("script:")
}

/// The blocks of a `.bru` file (`name {` … `}` at the start of a line, `name [` … `]` for
/// lists); an error names the first line that is in no block.
pub fn bru_blocks(text: &str) -> Result<Vec<BruBlock>, ImportError> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.trim().is_empty() {
            i += 1;
            continue;
        }
        let header = l.trim_end();
        let (name, close) = if let Some(n) = header.strip_suffix('{') {
            (n.trim_end(), "}")
        } else if let Some(n) = header.strip_suffix('[') {
            (n.trim_end(), "]")
        } else {
            return Err(err(
                i + 1,
                format!(
                    "expected a block such as `post {{` or `headers {{`, found `{}`",
                    l.chars().take(40).collect::<String>()
                ),
            ));
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(err(i + 1, format!("`{header}` does not name a block")));
        }
        let start = i;
        i += 1;
        let mut inner = Vec::new();
        loop {
            let Some(l) = lines.get(i) else {
                return Err(err(
                    start + 1,
                    format!(
                        "the block `{name}` opened here is never closed (a `{close}` alone on a line)"
                    ),
                ));
            };
            i += 1;
            if *l == close {
                break;
            }
            inner.push(l.to_string());
        }
        blocks.push(BruBlock {
            name: name.to_string(),
            line: start + 1,
            lines: inner,
            text: bru_text_block(name),
        });
    }
    Ok(blocks)
}

pub(super) const BRU_METHODS: [&str; 9] = [
    "get", "post", "put", "delete", "patch", "options", "head", "connect", "trace",
];

/// Whether text reads as a `.bru` request file: blocks, one of them a method's.
pub fn looks_like_bru(text: &str) -> bool {
    let mut headers = text.lines().filter(|l| {
        let t = l.trim_end();
        !l.starts_with(' ') && (t.ends_with(" {") || t.ends_with(" ["))
    });
    headers.any(|l| {
        let name = l.trim_end().trim_end_matches(['{', '[']).trim();
        name == "meta" || BRU_METHODS.contains(&name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_text_and_pairs() {
        let text = "meta {\n  name: Create\n}\n\npost {\n  url: https://h/x\n  body: json\n}\n\nbody:json {\n  {\n    \"a\": \"}\"\n  }\n}\n";
        let blocks = bru_blocks(text).unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[2].text(), "{\n  \"a\": \"}\"\n}");
        assert_eq!(blocks[1].pairs()[0], ("url".into(), "https://h/x".into()));
        let e = bru_blocks("meta {\n  name: x\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(looks_like_bru(text));
        assert!(!looks_like_bru("POST /x HTTP/1.1\n\n{}"));
    }
}

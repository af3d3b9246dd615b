//! bash with openssl and coreutils: values held as hex, so any byte survives. A JSON canonical
//! form is beyond what it can say plainly: recipes that re-serialize JSON are refused in one line
//! (and a JSON object of parameters is refused when the snippet runs).

use super::super::{Program, Show};
use super::{Arg, StepStyle, Syntax, comment_lines, write_steps};

pub struct Bash;

impl Syntax for Bash {
    fn comment(&self) -> &'static str {
        "#"
    }

    fn helper_source(&self) -> &'static str {
        include_str!("../../../assets/code/bash.sh")
    }

    fn usage(&self) -> &'static str {
        "Run: SIGSCOPE_KEY='…' bash sign.sh BODY_FILE   (the body from standard input when no file is named)\nNeeds openssl and coreutils. Values are held as hex so that any byte survives."
    }

    fn reserved(&self) -> &'static [&'static str] {
        &[
            "BASH",
            "PATH",
            "HOME",
            "IFS",
            "PWD",
            "OLDPWD",
            "UID",
            "EUID",
            "PPID",
            "RANDOM",
            "SECONDS",
            "HOSTNAME",
            "HOSTTYPE",
            "LANG",
            "LC_ALL",
            "SHELL",
            "USER",
            "TERM",
            "OPTIND",
            "OPTARG",
            "REPLY",
            "PS1",
            "PS2",
            "PS4",
            "LINENO",
            "FUNCNAME",
            "GROUPS",
            "TMPDIR",
            "CDPATH",
            "ENV",
            "MAIL",
            "HISTFILE",
            "SIGSCOPE_KEY",
        ]
    }

    fn local(&self, snake: &str) -> String {
        snake.to_string()
    }

    fn constant(&self, snake: &str) -> String {
        snake.to_ascii_uppercase()
    }

    fn reference(&self, ident: &str) -> String {
        format!("\"${{{ident}}}\"")
    }

    fn bytes(&self, b: &[u8]) -> String {
        if b.is_empty() {
            "\"\"".to_string()
        } else if b.iter().all(|c| (0x20..0x7f).contains(c)) {
            let text = String::from_utf8_lossy(b).replace('\'', "'\\''");
            format!("\"$(hex_of '{text}')\"")
        } else {
            format!("\"{}\"", hex::encode(b))
        }
    }

    fn text(&self, s: &str) -> String {
        format!("'{}'", s.replace('\'', "'\\''"))
    }

    fn boolean(&self, b: bool) -> String {
        if b { "1" } else { "0" }.to_string()
    }

    fn none(&self) -> String {
        "''".to_string()
    }

    /// Words as one argument, separated by spaces (names have none).
    fn texts(&self, items: &[String]) -> String {
        self.text(&items.join(" "))
    }

    /// Hex values as one argument, separated by `:` (hex has none).
    fn list(&self, exprs: &[String]) -> String {
        let inner: Vec<&str> = exprs.iter().map(|e| unquoted(e)).collect();
        format!("\"{}\"", inner.join(":"))
    }

    /// `Name:hex` items as one argument, separated by spaces.
    fn pairs(&self, items: &[(String, String)]) -> String {
        let items: Vec<String> = items
            .iter()
            .map(|(n, v)| format!("{}:{}", n.trim_matches('\''), unquoted(v)))
            .collect();
        format!("\"{}\"", items.join(" "))
    }

    fn concat(&self, exprs: &[String]) -> String {
        let inner: Vec<&str> = exprs
            .iter()
            .map(|e| {
                e.strip_prefix('"')
                    .and_then(|e| e.strip_suffix('"'))
                    .unwrap_or(e)
            })
            .collect();
        format!("\"{}\"", inner.concat())
    }

    fn call(&self, function: &str, args: &[Arg]) -> String {
        let args: Vec<&str> = args.iter().map(|a| a.expr.as_str()).collect();
        format!("\"$({function} {})\"", args.join(" "))
    }

    fn assemble(&self, p: &Program) -> String {
        let mut out = String::from("#!/usr/bin/env bash\n");
        out.push_str(&comment_lines("#", &p.doc));
        out.push_str("\nset -euo pipefail\nshopt -s extglob inherit_errexit\nexport LC_ALL=C\n\n");
        out.push_str(&p.helpers);
        out.push('\n');
        for (ident, expr, comment) in &p.constants {
            out.push_str(&format!("{ident}={expr} # {comment}\n"));
        }
        if !p.constants.is_empty() {
            out.push('\n');
        }
        out.push_str("main() {\n");
        let mut locals: Vec<&str> = Vec::new();
        if p.reads_key {
            locals.push("key");
        }
        locals.extend(p.secrets.iter().map(|(i, _)| i.as_str()));
        if p.reads_body {
            locals.push("body");
        }
        locals.extend(p.steps.iter().map(|s| s.ident.as_str()));
        out.push_str(&format!("  local {}\n", locals.join(" ")));
        if p.reads_key {
            out.push_str("  key=$(secret SIGSCOPE_KEY)\n");
        }
        for (ident, env) in &p.secrets {
            out.push_str(&format!("  {ident}=$(secret {env})\n"));
        }
        if p.reads_body {
            out.push_str("  body=$(read_body \"$@\")\n");
        }
        write_steps(
            &mut out,
            p,
            &StepStyle {
                indent: "  ",
                comment: "#",
                assign: &|name, expr| format!("{name}={expr}"),
                show: &|show, name, ident| match show {
                    Show::Text => format!("show {name} \"${ident}\""),
                    Show::Hex => format!("show_hex {name} \"${ident}\""),
                    Show::Secret => format!("show_secret {name}"),
                },
                write: &|bytes| format!("bytes_of {bytes}"),
                newline: "\"0a\"",
            },
        );
        out.push_str("}\n\nmain \"$@\"\n");
        out
    }
}

/// An expression without its surrounding double quotes, to be joined inside others.
fn unquoted(expr: &str) -> &str {
    expr.strip_prefix('"')
        .and_then(|e| e.strip_suffix('"'))
        .unwrap_or(expr)
}

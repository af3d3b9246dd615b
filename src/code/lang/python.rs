//! Python 3 (standard library only).

use super::super::{Program, Show};
use super::{Arg, StepStyle, Syntax, call_named, comment_lines, quoted, write_steps};

pub struct Python;

impl Syntax for Python {
    fn comment(&self) -> &'static str {
        "#"
    }

    fn helper_source(&self) -> &'static str {
        include_str!("../../../assets/code/python.py")
    }

    fn usage(&self) -> &'static str {
        "Run: SIGSCOPE_KEY='…' python3 sign.py BODY_FILE   (the body from standard input when no file is named)"
    }

    fn reserved(&self) -> &'static [&'static str] {
        &[
            "False",
            "None",
            "True",
            "and",
            "as",
            "assert",
            "async",
            "await",
            "break",
            "class",
            "continue",
            "def",
            "del",
            "elif",
            "else",
            "except",
            "finally",
            "for",
            "from",
            "global",
            "if",
            "import",
            "in",
            "is",
            "lambda",
            "nonlocal",
            "not",
            "or",
            "pass",
            "raise",
            "return",
            "try",
            "while",
            "with",
            "yield",
            "main",
            "base64",
            "datetime",
            "hashlib",
            "hmac",
            "json",
            "os",
            "re",
            "sys",
            "urllib",
            "bytes",
            "str",
            "len",
            "list",
            "set",
            "hex",
            "hash",
            "format",
            "input",
            "type",
            "id",
            "max",
            "min",
            "show",
            "show_hex",
            "show_secret",
            "secret",
            "read_body",
            "out",
        ]
    }

    fn local(&self, snake: &str) -> String {
        snake.to_string()
    }

    fn constant(&self, snake: &str) -> String {
        snake.to_ascii_uppercase()
    }

    fn bytes(&self, b: &[u8]) -> String {
        format!("b{}", quoted(b, b"", |c| format!("\\x{c:02x}")))
    }

    fn text(&self, s: &str) -> String {
        if s.is_ascii() {
            quoted(s.as_bytes(), b"", |c| format!("\\x{c:02x}"))
        } else {
            format!("{s:?}")
        }
    }

    fn boolean(&self, b: bool) -> String {
        if b { "True" } else { "False" }.to_string()
    }

    fn none(&self) -> String {
        "None".to_string()
    }

    fn concat(&self, exprs: &[String]) -> String {
        exprs.join(" + ")
    }

    fn call(&self, function: &str, args: &[Arg]) -> String {
        call_named(function, args, "=", |n| if n == "set" { "set_" } else { n })
    }

    fn assemble(&self, p: &Program) -> String {
        let mut out = String::from("#!/usr/bin/env python3\n");
        out.push_str(&comment_lines("#", &p.doc));
        out.push('\n');
        for import in &p.imports {
            out.push_str(&format!("import {import}\n"));
        }
        out.push('\n');
        for (ident, expr, comment) in &p.constants {
            out.push_str(&format!("{ident} = {expr}  # {comment}\n"));
        }
        if !p.constants.is_empty() {
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&p.helpers);
        out.push_str("\n\ndef main():\n");
        if p.reads_key {
            out.push_str("    key = secret(\"SIGSCOPE_KEY\")\n");
        }
        for (ident, env) in &p.secrets {
            out.push_str(&format!("    {ident} = secret({env:?})\n"));
        }
        if p.reads_body {
            out.push_str("    body = read_body()\n");
        }
        write_steps(
            &mut out,
            p,
            &StepStyle {
                indent: "    ",
                comment: "#",
                assign: &|name, expr| format!("{name} = {expr}"),
                show: &|show, name, ident| match show {
                    Show::Text => format!("show({name:?}, {ident})"),
                    Show::Hex => format!("show_hex({name:?}, {ident})"),
                    Show::Secret => format!("show_secret({name:?})"),
                },
                write: &|bytes| format!("sys.stdout.buffer.write({bytes})"),
                newline: "b\"\\n\"",
            },
        );
        out.push_str("\n\nif __name__ == \"__main__\":\n    main()\n");
        out
    }
}

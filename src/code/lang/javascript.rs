//! JavaScript for Node.js (built-in modules only).

use super::super::{Program, Show, camel};
use super::{Arg, StepStyle, Syntax, call_labelled, comment_lines, quoted_utf16, write_steps};

pub struct JavaScript;

impl Syntax for JavaScript {
    fn comment(&self) -> &'static str {
        "//"
    }

    fn helper_source(&self) -> &'static str {
        include_str!("../../../assets/code/javascript.js")
    }

    fn usage(&self) -> &'static str {
        "Run: SIGSCOPE_KEY='…' node sign.js BODY_FILE   (the body from standard input when no file is named)"
    }

    fn reserved(&self) -> &'static [&'static str] {
        &[
            "await",
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "debugger",
            "default",
            "delete",
            "do",
            "else",
            "enum",
            "export",
            "extends",
            "false",
            "finally",
            "for",
            "function",
            "if",
            "implements",
            "import",
            "in",
            "instanceof",
            "interface",
            "let",
            "new",
            "null",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "static",
            "super",
            "switch",
            "this",
            "throw",
            "true",
            "try",
            "typeof",
            "var",
            "void",
            "while",
            "with",
            "yield",
            "arguments",
            "eval",
            "undefined",
            "Buffer",
            "JSON",
            "Map",
            "Set",
            "Math",
            "Number",
            "String",
            "process",
            "require",
            "crypto",
            "fs",
            "main",
            "show",
            "showHex",
            "showSecret",
            "secret",
            "readBody",
            "bin",
            "unbin",
            "jsonParse",
            "jsonWrite",
            "paramsParse",
        ]
    }

    fn local(&self, snake: &str) -> String {
        camel(snake)
    }

    fn constant(&self, snake: &str) -> String {
        snake.to_ascii_uppercase()
    }

    fn bytes(&self, b: &[u8]) -> String {
        match std::str::from_utf8(b) {
            Ok(s) => format!("Buffer.from({})", quoted_utf16(s)),
            Err(_) => format!("Buffer.from(\"{}\", \"hex\")", hex::encode(b)),
        }
    }

    fn text(&self, s: &str) -> String {
        quoted_utf16(s)
    }

    fn concat(&self, exprs: &[String]) -> String {
        format!("Buffer.concat([{}])", exprs.join(", "))
    }

    fn call(&self, function: &str, args: &[Arg]) -> String {
        call_labelled(function, args)
    }

    fn assemble(&self, p: &Program) -> String {
        let mut out = String::from("#!/usr/bin/env node\n");
        out.push_str(&comment_lines("//", &p.doc));
        out.push_str("\n\"use strict\";\n\n");
        for import in &p.imports {
            out.push_str(&format!("const {import} = require(\"{import}\");\n"));
        }
        out.push('\n');
        for (ident, expr, comment) in &p.constants {
            out.push_str(&format!("const {ident} = {expr}; // {comment}\n"));
        }
        if !p.constants.is_empty() {
            out.push('\n');
        }
        out.push_str(&p.helpers);
        out.push_str("\nfunction main() {\n");
        if p.reads_key {
            out.push_str("  const key = secret(\"SIGSCOPE_KEY\");\n");
        }
        for (ident, env) in &p.secrets {
            out.push_str(&format!("  const {ident} = secret(\"{env}\");\n"));
        }
        if p.reads_body {
            out.push_str("  const body = readBody();\n");
        }
        write_steps(
            &mut out,
            p,
            &StepStyle {
                indent: "  ",
                comment: "//",
                assign: &|name, expr| format!("const {name} = {expr};"),
                show: &|show, name, ident| match show {
                    Show::Text => format!("show(\"{name}\", {ident});"),
                    Show::Hex => format!("showHex(\"{name}\", {ident});"),
                    Show::Secret => format!("showSecret(\"{name}\");"),
                },
                write: &|bytes| format!("process.stdout.write({bytes});"),
                newline: "\"\\n\"",
            },
        );
        out.push_str("}\n\nmain();\n");
        out
    }
}

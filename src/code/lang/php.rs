//! PHP 8 (core extensions only: hash, json, pcre).

use super::super::{Program, Show};
use super::{Arg, StepStyle, Syntax, call_named, comment_lines, quoted, write_steps};

pub struct Php;

impl Syntax for Php {
    fn comment(&self) -> &'static str {
        "//"
    }

    fn helper_source(&self) -> &'static str {
        include_str!("../../../assets/code/php.php")
    }

    fn usage(&self) -> &'static str {
        "Run: SIGSCOPE_KEY='…' php sign.php BODY_FILE   (the body from standard input when no file is named)"
    }

    fn reserved(&self) -> &'static [&'static str] {
        &[
            "this", "argv", "argc", "GLOBALS", "_SERVER", "_ENV", "TRUE", "FALSE", "NULL",
        ]
    }

    fn local(&self, snake: &str) -> String {
        format!("${snake}")
    }

    fn constant(&self, snake: &str) -> String {
        snake.to_ascii_uppercase()
    }

    fn bytes(&self, b: &[u8]) -> String {
        quoted(b, b"$", |c| format!("\\x{c:02x}"))
    }

    fn text(&self, s: &str) -> String {
        self.bytes(s.as_bytes())
    }

    fn concat(&self, exprs: &[String]) -> String {
        exprs.join(" . ")
    }

    fn call(&self, function: &str, args: &[Arg]) -> String {
        call_named(function, args, ": ", |n| n)
    }

    fn assemble(&self, p: &Program) -> String {
        let mut out = String::from("#!/usr/bin/env php\n<?php\n");
        out.push_str(&comment_lines("//", &p.doc));
        out.push_str("\ndeclare(strict_types=1);\n\n");
        for (ident, expr, comment) in &p.constants {
            out.push_str(&format!("const {ident} = {expr}; // {comment}\n"));
        }
        if !p.constants.is_empty() {
            out.push('\n');
        }
        out.push_str(&p.helpers);
        out.push_str("\nfunction main(array $argv): void\n{\n");
        if p.reads_key {
            out.push_str("    $key = secret('SIGSCOPE_KEY');\n");
        }
        for (ident, env) in &p.secrets {
            out.push_str(&format!("    {ident} = secret('{env}');\n"));
        }
        if p.reads_body {
            out.push_str("    $body = read_body($argv);\n");
        }
        write_steps(
            &mut out,
            p,
            &StepStyle {
                indent: "    ",
                comment: "//",
                assign: &|name, expr| format!("{name} = {expr};"),
                show: &|show, name, ident| match show {
                    Show::Text => format!("show('{name}', {ident});"),
                    Show::Hex => format!("show_hex('{name}', {ident});"),
                    Show::Secret => format!("show_secret('{name}');"),
                },
                write: &|bytes| format!("echo {bytes};"),
                newline: "\"\\n\"",
            },
        );
        out.push_str("}\n\nmain($argv);\n");
        out
    }
}

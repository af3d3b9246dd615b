//! Ruby 3 (standard library only).

use super::super::{Program, Show};
use super::{Arg, StepStyle, Syntax, comment_lines, quoted, write_steps};

pub struct Ruby;

impl Syntax for Ruby {
    fn comment(&self) -> &'static str {
        "#"
    }

    fn helper_source(&self) -> &'static str {
        include_str!("../../../assets/code/ruby.rb")
    }

    fn usage(&self) -> &'static str {
        "Run: SIGSCOPE_KEY='…' ruby sign.rb BODY_FILE   (the body from standard input when no file is named)"
    }

    fn reserved(&self) -> &'static [&'static str] {
        &[
            "BEGIN",
            "END",
            "alias",
            "and",
            "begin",
            "break",
            "case",
            "class",
            "def",
            "defined?",
            "do",
            "else",
            "elsif",
            "end",
            "ensure",
            "false",
            "for",
            "if",
            "in",
            "module",
            "next",
            "nil",
            "not",
            "or",
            "redo",
            "rescue",
            "retry",
            "return",
            "self",
            "super",
            "then",
            "true",
            "undef",
            "unless",
            "until",
            "when",
            "while",
            "yield",
            // Constants Ruby or the helpers use: a field named `env` would be written `ENV`.
            "ENV",
            "ARGV",
            "ARGF",
            "STDIN",
            "STDOUT",
            "STDERR",
            "DATA",
            "JSON",
            "RUBY_VERSION",
            "RUBY_PLATFORM",
            "RUBY_ENGINE",
            "TOPLEVEL_BINDING",
            "main",
            "show",
            "show_hex",
            "show_secret",
            "secret",
            "read_body",
            "format",
            "loop",
            "puts",
            "print",
            "p",
            "raise",
            "require",
            "json_parse",
            "json_value",
            "json_expect",
            "json_string",
            "json_write",
            "params_parse",
        ]
    }

    fn local(&self, snake: &str) -> String {
        snake.to_string()
    }

    fn constant(&self, snake: &str) -> String {
        let upper = snake.to_ascii_uppercase();
        if upper.starts_with('_') {
            format!("F{upper}")
        } else {
            upper
        }
    }

    fn bytes(&self, b: &[u8]) -> String {
        format!("{}.b", quoted(b, b"#", |c| format!("\\x{c:02x}")))
    }

    fn text(&self, s: &str) -> String {
        if s.is_ascii() {
            quoted(s.as_bytes(), b"#", |c| format!("\\x{c:02x}"))
        } else {
            let escaped: String = s
                .chars()
                .map(|c| match c {
                    '"' | '\\' | '#' => format!("\\{c}"),
                    c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
                    c => c.to_string(),
                })
                .collect();
            format!("\"{escaped}\"")
        }
    }

    fn none(&self) -> String {
        "nil".to_string()
    }

    fn concat(&self, exprs: &[String]) -> String {
        exprs.join(" + ")
    }

    fn call(&self, function: &str, args: &[Arg]) -> String {
        let args: Vec<&str> = args.iter().map(|a| a.expr.as_str()).collect();
        format!("{function}({})", args.join(", "))
    }

    fn assemble(&self, p: &Program) -> String {
        let mut out = String::from("#!/usr/bin/env ruby\n# frozen_string_literal: true\n\n");
        out.push_str(&comment_lines("#", &p.doc));
        out.push('\n');
        for import in &p.imports {
            out.push_str(&format!("require \"{import}\"\n"));
        }
        if !p.imports.is_empty() {
            out.push('\n');
        }
        for (ident, expr, comment) in &p.constants {
            out.push_str(&format!("{ident} = {expr} # {comment}\n"));
        }
        if !p.constants.is_empty() {
            out.push('\n');
        }
        out.push_str(&p.helpers);
        out.push_str("\ndef main\n");
        if p.reads_key {
            out.push_str("  key = secret(\"SIGSCOPE_KEY\")\n");
        }
        for (ident, env) in &p.secrets {
            out.push_str(&format!("  {ident} = secret(\"{env}\")\n"));
        }
        if p.reads_body {
            out.push_str("  body = read_body\n");
        }
        write_steps(
            &mut out,
            p,
            &StepStyle {
                indent: "  ",
                comment: "#",
                assign: &|name, expr| format!("{name} = {expr}"),
                show: &|show, name, ident| match show {
                    Show::Text => format!("show(\"{name}\", {ident})"),
                    Show::Hex => format!("show_hex(\"{name}\", {ident})"),
                    Show::Secret => format!("show_secret(\"{name}\")"),
                },
                write: &|bytes| format!("$stdout.write({bytes})"),
                newline: "\"\\n\"",
            },
        );
        out.push_str("end\n\nmain\n");
        out
    }
}

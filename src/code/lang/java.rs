//! Java 17 (the JDK only), one class `Sign`.

use super::super::{Program, Show, camel};
use super::{Arg, StepStyle, Syntax, call_labelled, comment_lines, quoted_utf16, write_steps};

pub struct Java;

impl Syntax for Java {
    fn comment(&self) -> &'static str {
        "//"
    }

    fn helper_source(&self) -> &'static str {
        include_str!("../../../assets/code/java.java")
    }

    fn usage(&self) -> &'static str {
        "Run: SIGSCOPE_KEY='…' java Sign.java BODY_FILE   (the body from standard input when no file is named)"
    }

    fn reserved(&self) -> &'static [&'static str] {
        &[
            "abstract",
            "assert",
            "boolean",
            "break",
            "byte",
            "case",
            "catch",
            "char",
            "class",
            "const",
            "continue",
            "default",
            "do",
            "double",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "float",
            "for",
            "goto",
            "if",
            "implements",
            "import",
            "instanceof",
            "int",
            "interface",
            "long",
            "native",
            "new",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "short",
            "static",
            "strictfp",
            "super",
            "switch",
            "synchronized",
            "this",
            "throw",
            "throws",
            "transient",
            "try",
            "void",
            "volatile",
            "while",
            "true",
            "false",
            "null",
            "var",
            "record",
            "yield",
            "args",
            "main",
            "show",
            "showHex",
            "showSecret",
            "emit",
            "secret",
            "readBody",
            "utf8",
            "bin",
            "unbin",
            "unhex",
            "cat",
            "jsonParse",
            "jsonWrite",
            "jsonString",
            "paramsParse",
            "Sign",
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
            Ok(s) => format!("utf8({})", quoted_utf16(s)),
            Err(_) => format!("unhex(\"{}\")", hex::encode(b)),
        }
    }

    fn text(&self, s: &str) -> String {
        quoted_utf16(s)
    }

    fn none(&self) -> String {
        "-1".to_string()
    }

    fn list(&self, exprs: &[String]) -> String {
        format!("List.of({})", exprs.join(", "))
    }

    fn pairs(&self, items: &[(String, String)]) -> String {
        let items: Vec<String> = items
            .iter()
            .map(|(n, v)| format!("Map.entry({n}, {v})"))
            .collect();
        format!("List.of({})", items.join(", "))
    }

    fn concat(&self, exprs: &[String]) -> String {
        format!("cat({})", exprs.join(", "))
    }

    fn call(&self, function: &str, args: &[Arg]) -> String {
        call_labelled(function, args)
    }

    fn assemble(&self, p: &Program) -> String {
        let mut out = comment_lines("//", &p.doc);
        out.push('\n');
        for import in &p.imports {
            out.push_str(&format!("import {import};\n"));
        }
        out.push_str("\npublic class Sign {\n");
        for (ident, expr, comment) in &p.constants {
            out.push_str(&format!(
                "    static final byte[] {ident} = {expr}; // {comment}\n"
            ));
        }
        if !p.constants.is_empty() {
            out.push('\n');
        }
        out.push_str("    public static void main(String[] args) throws Exception {\n");
        if p.reads_key {
            out.push_str("        byte[] key = secret(\"SIGSCOPE_KEY\");\n");
        }
        for (ident, env) in &p.secrets {
            out.push_str(&format!("        byte[] {ident} = secret(\"{env}\");\n"));
        }
        if p.reads_body {
            out.push_str("        byte[] body = readBody(args);\n");
        }
        write_steps(
            &mut out,
            p,
            &StepStyle {
                indent: "        ",
                comment: "//",
                assign: &|name, expr| format!("byte[] {name} = {expr};"),
                show: &|show, name, ident| match show {
                    Show::Text => format!("show(\"{name}\", {ident});"),
                    Show::Hex => format!("showHex(\"{name}\", {ident});"),
                    Show::Secret => format!("showSecret(\"{name}\");"),
                },
                write: &|bytes| format!("emit({bytes});"),
                newline: "utf8(\"\\n\")",
            },
        );
        out.push_str("    }\n\n");
        out.push_str(&p.helpers);
        out.push_str("}\n");
        out
    }
}

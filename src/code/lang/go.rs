//! Go (standard library only).

use super::super::{Program, Show, camel};
use super::{Arg, StepStyle, Syntax, call_labelled, comment_lines, quoted, write_steps};

pub struct Go;

impl Syntax for Go {
    fn comment(&self) -> &'static str {
        "//"
    }

    fn helper_source(&self) -> &'static str {
        include_str!("../../../assets/code/go.go")
    }

    fn usage(&self) -> &'static str {
        "Run: SIGSCOPE_KEY='…' go run sign.go BODY_FILE   (the body from standard input when no file is named)"
    }

    fn reserved(&self) -> &'static [&'static str] {
        &[
            "break",
            "case",
            "chan",
            "const",
            "continue",
            "default",
            "defer",
            "else",
            "fallthrough",
            "for",
            "func",
            "go",
            "goto",
            "if",
            "import",
            "interface",
            "map",
            "package",
            "range",
            "return",
            "select",
            "struct",
            "switch",
            "type",
            "var",
            "append",
            "bool",
            "byte",
            "cap",
            "close",
            "copy",
            "delete",
            "error",
            "false",
            "true",
            "nil",
            "int",
            "len",
            "make",
            "new",
            "panic",
            "print",
            "println",
            "string",
            "iota",
            "bytes",
            "fmt",
            "hex",
            "hmac",
            "io",
            "os",
            "sha1",
            "sha256",
            "sha512",
            "hash",
            "base64",
            "json",
            "sort",
            "strings",
            "strconv",
            "time",
            "regexp",
            "utf16",
            "show",
            "showHex",
            "showSecret",
            "fail",
            "secret",
            "readBody",
            "cat",
            "pair",
            "hashFor",
            "jsonParse",
            "jsonString",
            "jsonWrite",
            "jsonMember",
            "jsonObject",
            "paramsParse",
            "main",
        ]
    }

    fn local(&self, snake: &str) -> String {
        camel(snake)
    }

    fn constant(&self, snake: &str) -> String {
        camel(snake)
    }

    fn bytes(&self, b: &[u8]) -> String {
        if b.is_empty() {
            return "[]byte{}".to_string();
        }
        format!("[]byte({})", quoted(b, b"", |c| format!("\\x{c:02x}")))
    }

    fn text(&self, s: &str) -> String {
        quoted(s.as_bytes(), b"", |c| format!("\\x{c:02x}"))
    }

    fn none(&self) -> String {
        "-1".to_string()
    }

    fn texts(&self, items: &[String]) -> String {
        let items: Vec<String> = items.iter().map(|s| self.text(s)).collect();
        format!("[]string{{{}}}", items.join(", "))
    }

    fn list(&self, exprs: &[String]) -> String {
        format!("[][]byte{{{}}}", exprs.join(", "))
    }

    fn pairs(&self, items: &[(String, String)]) -> String {
        let items: Vec<String> = items.iter().map(|(n, v)| format!("{{{n}, {v}}}")).collect();
        format!("[]pair{{{}}}", items.join(", "))
    }

    fn concat(&self, exprs: &[String]) -> String {
        format!("cat({})", exprs.join(", "))
    }

    fn call(&self, function: &str, args: &[Arg]) -> String {
        call_labelled(function, args)
    }

    fn assemble(&self, p: &Program) -> String {
        let mut out = comment_lines("//", &p.doc);
        out.push_str("\npackage main\n\nimport (\n");
        for import in &p.imports {
            out.push_str(&format!("\t\"{import}\"\n"));
        }
        out.push_str(")\n\n");
        if !p.constants.is_empty() {
            out.push_str("var (\n");
            for (ident, expr, comment) in &p.constants {
                out.push_str(&format!("\t{ident} = {expr} // {comment}\n"));
            }
            out.push_str(")\n\n");
        }
        out.push_str(&p.helpers);
        out.push_str("\nfunc main() {\n");
        if p.reads_key {
            out.push_str("\tkey := secret(\"SIGSCOPE_KEY\")\n");
        }
        for (ident, env) in &p.secrets {
            out.push_str(&format!("\t{ident} := secret(\"{env}\")\n"));
        }
        if p.reads_body {
            out.push_str("\tbody := readBody()\n");
        }
        write_steps(
            &mut out,
            p,
            &StepStyle {
                indent: "\t",
                comment: "//",
                assign: &|name, expr| format!("{name} := {expr}"),
                show: &|show, name, ident| match show {
                    Show::Text => format!("show(\"{name}\", {ident})"),
                    Show::Hex => format!("showHex(\"{name}\", {ident})"),
                    // A secret stage no later stage reads is still a variable Go
                    // must see used.
                    Show::Secret => format!("showSecret(\"{name}\")\n\t_ = {ident}"),
                },
                write: &|bytes| format!("os.Stdout.Write({bytes})"),
                newline: "[]byte(\"\\n\")",
            },
        );
        out.push_str("}\n");
        out
    }
}

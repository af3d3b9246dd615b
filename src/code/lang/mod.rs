//! The languages code export writes, each a [`Syntax`] and a file of helpers in `assets/code`.

mod bash;
mod go;
mod java;
mod javascript;
mod php;
mod python;
mod ruby;

use std::collections::BTreeSet;

use super::{Program, Show};

/// An argument of a helper call, written.
pub struct Arg {
    /// The contract's name for it (`url_safe`).
    pub name: &'static str,
    pub expr: String,
    /// An option (a flag, word, number or list of words) rather than data.
    pub option: bool,
}

/// A call with its options named from the first one on (`name=value` in Python, `name: value`
/// in PHP), so that `hex_text(mac, upper=False)` says what `False` means.
pub(crate) fn call_named(
    function: &str,
    args: &[Arg],
    bind: &str,
    rename: fn(&str) -> &str,
) -> String {
    let mut named = false;
    let args: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            named |= a.option && i > 0;
            if named {
                format!("{}{bind}{}", rename(a.name), a.expr)
            } else {
                a.expr.clone()
            }
        })
        .collect();
    format!("{function}({})", args.join(", "))
}

/// A call with its flags labelled by a comment (`hexText(mac, /* upper */ false)`).
pub(crate) fn call_labelled(function: &str, args: &[Arg]) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if a.option
                && (a.expr == "true" || a.expr == "false" || a.expr == "-1" || a.expr == "null")
            {
                format!("/* {} */ {}", a.name, a.expr)
            } else {
                a.expr.clone()
            }
        })
        .collect();
    format!("{function}({})", args.join(", "))
}

/// A language code export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    JavaScript,
    Go,
    Java,
    Php,
    Ruby,
    Bash,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::Go,
        Lang::Java,
        Lang::Php,
        Lang::Ruby,
        Lang::Bash,
    ];

    /// The name `--lang` takes.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::Go => "go",
            Lang::Java => "java",
            Lang::Php => "php",
            Lang::Ruby => "ruby",
            Lang::Bash => "bash",
        }
    }

    /// The language's name in prose.
    pub fn label(self) -> &'static str {
        match self {
            Lang::Python => "Python",
            Lang::JavaScript => "JavaScript (Node.js)",
            Lang::Go => "Go",
            Lang::Java => "Java",
            Lang::Php => "PHP",
            Lang::Ruby => "Ruby",
            Lang::Bash => "bash",
        }
    }

    /// The usual file name of a snippet (Java's must match its class).
    pub fn file_name(self) -> &'static str {
        match self {
            Lang::Python => "sign.py",
            Lang::JavaScript => "sign.js",
            Lang::Go => "sign.go",
            Lang::Java => "Sign.java",
            Lang::Php => "sign.php",
            Lang::Ruby => "sign.rb",
            Lang::Bash => "sign.sh",
        }
    }

    /// A language by name (`js` and `node` are JavaScript, `sh` is bash).
    pub fn parse(name: &str) -> Option<Lang> {
        match name.to_ascii_lowercase().as_str() {
            "python" | "py" | "python3" => Some(Lang::Python),
            "javascript" | "js" | "node" | "nodejs" => Some(Lang::JavaScript),
            "go" | "golang" => Some(Lang::Go),
            "java" => Some(Lang::Java),
            "php" => Some(Lang::Php),
            "ruby" | "rb" => Some(Lang::Ruby),
            "bash" | "sh" | "shell" => Some(Lang::Bash),
            _ => None,
        }
    }

    pub(crate) fn syntax(self) -> Box<dyn Syntax> {
        match self {
            Lang::Python => Box::new(python::Python),
            Lang::JavaScript => Box::new(javascript::JavaScript),
            Lang::Go => Box::new(go::Go),
            Lang::Java => Box::new(java::Java),
            Lang::Php => Box::new(php::Php),
            Lang::Ruby => Box::new(ruby::Ruby),
            Lang::Bash => Box::new(bash::Bash),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a language writes values, calls and the program around them.
pub trait Syntax {
    /// The line comment marker (`#`).
    fn comment(&self) -> &'static str;
    /// The helpers file.
    fn helper_source(&self) -> &'static str;
    /// Lines telling how to run the program.
    fn usage(&self) -> &'static str;
    /// Words an identifier must not be.
    fn reserved(&self) -> &'static [&'static str];
    /// A local variable for a snake-case name.
    fn local(&self, snake: &str) -> String;
    /// A constant for a snake-case name.
    fn constant(&self, snake: &str) -> String;
    /// An identifier used in an expression.
    fn reference(&self, ident: &str) -> String {
        ident.to_string()
    }
    /// Bytes as a literal expression.
    fn bytes(&self, b: &[u8]) -> String;
    /// Text as a string literal.
    fn text(&self, s: &str) -> String;
    fn boolean(&self, b: bool) -> String {
        b.to_string()
    }
    /// No value (an open end).
    fn none(&self) -> String {
        "null".to_string()
    }
    /// A list of string literals.
    fn texts(&self, items: &[String]) -> String {
        let items: Vec<String> = items.iter().map(|s| self.text(s)).collect();
        self.list(&items)
    }
    /// A list of byte expressions (`[a, b]` unless the language says otherwise).
    fn list(&self, exprs: &[String]) -> String {
        format!("[{}]", exprs.join(", "))
    }
    /// Names (string literals) with byte expressions: a list of two-item lists.
    fn pairs(&self, items: &[(String, String)]) -> String {
        let items: Vec<String> = items.iter().map(|(n, v)| format!("[{n}, {v}]")).collect();
        self.list(&items)
    }
    /// Byte expressions joined.
    fn concat(&self, exprs: &[String]) -> String;
    /// A helper called; options (flags, words, numbers) may be named.
    fn call(&self, function: &str, args: &[Arg]) -> String {
        let args: Vec<&str> = args.iter().map(|a| a.expr.as_str()).collect();
        format!("{function}({})", args.join(", "))
    }
    /// The whole program.
    fn assemble(&self, p: &Program) -> String;
}

/// A language's helpers file, cut into sections at marker lines:
/// `<comment> @helper NAME FUNCTION [needs=a,b] [imports=x,y]`. NAME is the contract's function
/// (or a support section's own name), FUNCTION what the code calls (`-` for support code). The
/// section `main` is always included.
pub struct Helpers {
    sections: Vec<Section>,
    /// Contract names the language cannot express, with the reason.
    unsupported: Vec<(String, String)>,
}

struct Section {
    name: String,
    function: Option<String>,
    needs: Vec<String>,
    imports: Vec<String>,
    code: String,
}

impl Helpers {
    pub fn parse(source: &str, comment: &str) -> Helpers {
        let marker = format!("{comment} @helper ");
        let unsupported_marker = format!("{comment} @unsupported ");
        let mut sections: Vec<Section> = Vec::new();
        let mut unsupported = Vec::new();
        for line in source.lines() {
            if let Some(rest) = line.strip_prefix(&unsupported_marker) {
                let (name, why) = rest.split_once(' ').unwrap_or((rest, ""));
                unsupported.push((name.to_string(), why.trim().to_string()));
            } else if let Some(rest) = line.strip_prefix(&marker) {
                let mut words = rest.split_whitespace();
                let name = words.next().unwrap_or_default().to_string();
                let function = words.next().filter(|f| *f != "-").map(str::to_string);
                let mut needs = Vec::new();
                let mut imports = Vec::new();
                for w in words {
                    if let Some(list) = w.strip_prefix("needs=") {
                        needs.extend(list.split(',').map(str::to_string));
                    } else if let Some(list) = w.strip_prefix("imports=") {
                        imports.extend(list.split(',').map(str::to_string));
                    }
                }
                sections.push(Section {
                    name,
                    function,
                    needs,
                    imports,
                    code: String::new(),
                });
            } else if let Some(s) = sections.last_mut() {
                s.code.push_str(line);
                s.code.push('\n');
            }
        }
        Helpers {
            sections,
            unsupported,
        }
    }

    /// Why the language has no helper for a contract name, where its helpers say so
    /// (`@unsupported NAME reason`).
    pub fn unsupported(&self, name: &str) -> Option<&str> {
        self.unsupported
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, why)| why.as_str())
    }

    /// The contract names the helpers declare unsupported.
    #[cfg(test)]
    pub fn unsupported_names(&self) -> impl Iterator<Item = &str> {
        self.unsupported.iter().map(|(n, _)| n.as_str())
    }

    /// The function a contract name is called by, if the language has it.
    pub fn function(&self, name: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.function.as_deref())
    }

    /// Every function the helpers define.
    pub fn functions(&self) -> impl Iterator<Item = String> + '_ {
        self.sections.iter().filter_map(|s| s.function.clone())
    }

    /// The code of `main` and of the wanted sections with what they need, in file order, and
    /// their imports.
    pub fn collect(&self, wanted: &BTreeSet<&str>) -> (String, Vec<String>) {
        let mut keep: BTreeSet<&str> = BTreeSet::new();
        let mut todo: Vec<&str> = wanted.iter().copied().chain(["main"]).collect();
        while let Some(name) = todo.pop() {
            if keep.insert(name)
                && let Some(s) = self.sections.iter().find(|s| s.name == name)
            {
                todo.extend(s.needs.iter().map(String::as_str));
            }
        }
        let mut code = String::new();
        let mut imports = BTreeSet::new();
        for s in self
            .sections
            .iter()
            .filter(|s| keep.contains(s.name.as_str()))
        {
            let text = s.code.trim_matches('\n');
            if !text.is_empty() {
                if !code.is_empty() {
                    code.push_str("\n\n");
                }
                code.push_str(text);
                code.push('\n');
            }
            imports.extend(s.imports.iter().cloned());
        }
        (code, imports.into_iter().collect())
    }
}

/// Bytes as a double-quoted literal in a C-like language: printable ASCII as is, `"` and `\`
/// escaped, common controls as `\n` `\r` `\t`, anything else by `other`.
pub(crate) fn quoted(b: &[u8], extra: &[u8], other: impl Fn(u8) -> String) -> String {
    let mut out = String::from("\"");
    for &c in b {
        match c {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(c as char);
            }
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if extra.contains(&c) => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&other(c)),
        }
    }
    out.push('"');
    out
}

/// A string as a double-quoted literal with `\uXXXX` escapes beyond ASCII (JSON, Java, JS).
pub(crate) fn quoted_utf16(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// Comment lines, each with the marker; blank lines keep the bare marker.
pub(crate) fn comment_lines(marker: &str, lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                format!("{marker}\n")
            } else {
                format!("{marker} {l}\n")
            }
        })
        .collect()
}

/// How a language writes the body of its main function: the statements for each stage, then the
/// header lines and the signature.
pub(crate) struct StepStyle<'a> {
    pub indent: &'a str,
    pub comment: &'a str,
    /// The statement that gives a name a value.
    pub assign: &'a dyn Fn(&str, &str) -> String,
    /// The statement that prints a stage: how, its name, its identifier.
    pub show: &'a dyn Fn(Show, &str, &str) -> String,
    /// The statement that writes bytes to standard output.
    pub write: &'a dyn Fn(&str) -> String,
    /// A line end, as a bytes expression.
    pub newline: &'a str,
}

/// The stages, the header lines and the signature, in a language's style.
pub(crate) fn write_steps(out: &mut String, p: &Program, st: &StepStyle) {
    let line = |out: &mut String, text: String| {
        out.push_str(st.indent);
        out.push_str(&text);
        out.push('\n');
    };
    for step in &p.steps {
        out.push('\n');
        line(out, format!("{} {}", st.comment, step.comment));
        line(out, (st.assign)(&step.ident, &step.expr));
        line(out, (st.show)(step.show, &step.name, &step.ident));
    }
    out.push('\n');
    line(
        out,
        format!(
            "{} The request's header lines, then the signature alone.",
            st.comment
        ),
    );
    line(out, (st.write)(st.newline));
    for header in &p.header_lines {
        line(out, (st.write)(header));
    }
    line(out, (st.write)(&p.signature));
}

//! Code export: a trace as a program in another language that computes exactly this signature.
//!
//! The program is made from the recipe's active stages under the chosen variants: each stage is a
//! call of the export contract ([`crate::sign::lower`]), written in the language with the helpers
//! of `assets/code/<lang>`, of which only those the stages use are included. Field values and the
//! request's header lines are constants; the key (and any secret field) comes from the
//! environment, the body from the file named by the first argument or standard input. The program
//! prints every stage as the trace shows it (text as is, raw bytes as hex, anything made from a
//! secret as `(secret, not shown)`), then a blank line, the header lines, and last the signature
//! alone.
//!
//! Pure: text in, text out.

mod lang;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::sign::lower::{Arg, Call};
use crate::sign::recipe::{FieldKind, Recipe};
use crate::sign::template::{Piece, Template};
use crate::sign::{Selection, Stage, Trace};

pub use lang::Lang;

/// The environment variable a snippet reads the key from.
pub const KEY_ENV: &str = "SIGSCOPE_KEY";

/// Why no snippet was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// The language has no helper for a primitive the recipe uses.
    Unsupported {
        lang: Lang,
        func: &'static str,
        stage: String,
        /// Why, as the language's helpers say.
        why: Option<String>,
    },
    /// The trace does not belong to the recipe (a stage is missing).
    Mismatch(String),
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Unsupported {
                lang,
                func,
                stage,
                why,
            } => write!(
                f,
                "{} cannot express `{func}` (stage `{stage}`{}); choose another language",
                lang.label(),
                why.as_deref().map(|w| format!(": {w}")).unwrap_or_default()
            ),
            CodeError::Mismatch(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CodeError {}

/// How a program prints a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// The bytes as they are.
    Text,
    /// Raw MAC or hash bytes, as lower-case hex.
    Hex,
    /// Made from a secret: only its name.
    Secret,
}

impl Show {
    /// How a stage of a trace is shown.
    pub fn of(stage: &Stage) -> Show {
        if !stage.secret.is_empty() {
            Show::Secret
        } else if stage.raw {
            Show::Hex
        } else {
            Show::Text
        }
    }
}

/// What a program is asked to make, beyond the recipe and its trace.
pub struct Request<'a> {
    pub recipe: &'a Recipe,
    pub trace: &'a Trace,
    /// The `{headers}` input: the request's header lines.
    pub headers: &'a [u8],
    /// The command that made the program, for its opening comment.
    pub command: &'a str,
}

/// A program's parts, each already written in its language; [`lang::Syntax::assemble`] lays
/// them out.
pub struct Program {
    /// Lines of the opening comment.
    pub doc: Vec<String>,
    /// Imports the helpers need, sorted.
    pub imports: Vec<String>,
    /// The helpers' code.
    pub helpers: String,
    /// Field values and the header lines: (identifier, expression, comment).
    pub constants: Vec<(String, String, String)>,
    /// Secret fields: (identifier, environment variable).
    pub secrets: Vec<(String, String)>,
    pub steps: Vec<Step>,
    /// Header lines (`Name: value` and a line end), each one expression.
    pub header_lines: Vec<String>,
    /// The signature and a line end, as one expression.
    pub signature: String,
    /// Whether a stage reads the key.
    pub reads_key: bool,
    /// Whether a stage reads the body.
    pub reads_body: bool,
}

/// One stage, written.
pub struct Step {
    pub name: String,
    pub ident: String,
    pub comment: String,
    pub expr: String,
    pub show: Show,
}

/// Writes the program for a trace in a language.
pub fn generate(req: &Request, lang: Lang) -> Result<String, CodeError> {
    let syntax = lang.syntax();
    let helpers = lang::Helpers::parse(syntax.helper_source(), syntax.comment());
    let recipe = req.recipe;
    let trace = req.trace;
    let sel = &trace.selection;

    let mut names = Names::new(&*syntax, &helpers);
    let stages: Vec<_> = recipe.active_stages(sel).collect();
    for spec in &stages {
        names.stage(&spec.name);
    }

    // A placed value never shows a secret (the key, a secret field, a stage made from them):
    // the program writes it as the trace does, masked.
    let secret = |name: &str| {
        name == "key"
            || recipe
                .field(name)
                .is_some_and(|f| f.kind == FieldKind::Secret)
            || trace
                .stage(name)
                .is_some_and(|s| Show::of(s) == Show::Secret)
    };

    // What the stages and the header lines read. A secret only a header line names is masked
    // there, so the program does not read it (Go refuses a variable it never uses).
    let mut used: BTreeSet<String> = BTreeSet::new();
    let placed = placed_headers(recipe, trace, req.headers);
    for spec in &stages {
        for t in spec.prim.inputs(sel) {
            used.extend(t.references().map(str::to_string));
        }
    }
    for (n, v) in &placed {
        used.extend(
            n.references()
                .chain(v.references())
                .filter(|r| !secret(r))
                .map(str::to_string),
        );
    }

    let mut constants = Vec::new();
    let mut secrets = Vec::new();
    for field in &recipe.fields {
        if !used.contains(&field.name) {
            continue;
        }
        if field.kind == FieldKind::Secret {
            names.stage(&field.name);
            let env = format!("SIGSCOPE_{}", upper_snake(&field.name));
            secrets.push((names.get(&field.name), env));
            continue;
        }
        let ident = names.constant(&field.name);
        let value = trace.fields.get(&field.name).cloned().unwrap_or_default();
        let comment = if field.label.is_empty() {
            field.name.clone()
        } else {
            field.label.clone()
        };
        constants.push((ident, syntax.bytes(value.as_bytes()), comment));
    }
    if used.contains("headers") {
        let ident = names.constant("headers");
        constants.push((
            ident,
            syntax.bytes(req.headers),
            "the request's header lines".to_string(),
        ));
    }

    let mut wanted: BTreeSet<&'static str> = BTreeSet::new();
    let mut steps = Vec::new();
    for spec in &stages {
        let stage = trace.stage(&spec.name).ok_or_else(|| {
            CodeError::Mismatch(format!("the trace has no stage `{}`", spec.name))
        })?;
        let call = spec.prim.lower(sel).ok_or_else(|| {
            CodeError::Mismatch(format!("stage `{}` has no export function", spec.name))
        })?;
        let expr = write_call(&*syntax, &helpers, &names, &call).ok_or_else(|| {
            CodeError::Unsupported {
                lang,
                func: call.func.name(),
                stage: spec.name.clone(),
                why: helpers.unsupported(call.func.name()).map(str::to_string),
            }
        })?;
        if !call.func.inline {
            wanted.insert(call.func.name());
        }
        steps.push(Step {
            name: spec.name.clone(),
            ident: names.get(&spec.name),
            comment: format!("{}: {}", spec.name, stage.how),
            expr,
            show: Show::of(stage),
        });
    }

    let line = |parts: Vec<Piece>| {
        let mut pieces = parts;
        pieces.push(Piece::Literal("\n".to_string()));
        template(&*syntax, &names, &Template::from_pieces(pieces))
    };
    let header_lines = placed
        .iter()
        .map(|(n, v)| {
            let mut pieces = n.pieces().to_vec();
            pieces.push(Piece::Literal(": ".to_string()));
            pieces.extend(v.pieces().iter().map(|p| match p {
                Piece::Ref(r) if secret(r) => {
                    Piece::Literal(crate::sign::visible::MASK.to_string())
                }
                other => other.clone(),
            }));
            line(pieces)
        })
        .collect();

    let (helper_code, imports) = helpers.collect(&wanted);
    let mut doc = vec![
        format!(
            "{}: the signature sigscope traced, as {} code.",
            recipe.name,
            lang.label()
        ),
        format!("Made by: {}", req.command),
        String::new(),
    ];
    doc.extend(syntax.usage().lines().map(str::to_string));
    if recipe.public_key_under(sel) {
        doc.push(
            "Public-key signature: SIGSCOPE_KEY holds the key (PEM, DER, JWK or JWKS, hex or base64); with SIGSCOPE_SIGNATURE set, it is verified (printed as received, or `(not verified)`), else a private key signs."
                .to_string(),
        );
        if lang == Lang::Python {
            doc.push("Needs the cryptography package (pip install cryptography).".to_string());
        }
    }
    if !secrets.is_empty() {
        let envs: Vec<&str> = secrets.iter().map(|(_, e)| e.as_str()).collect();
        doc.push(format!("Secret fields come from: {}.", envs.join(", ")));
    }
    let choices = variant_words(recipe, sel);
    if !choices.is_empty() {
        doc.push(format!("Variant choices written in: {choices}."));
    }
    let program = Program {
        doc,
        imports,
        helpers: helper_code,
        constants,
        secrets,
        steps,
        header_lines,
        signature: line(vec![Piece::Ref(recipe.signature.clone())]),
        reads_key: used.contains("key"),
        reads_body: used.contains("body"),
    };
    Ok(syntax.assemble(&program))
}

/// What a program prints for a trace: the contract the snippets are tested against.
pub fn expected_output(req: &Request) -> Vec<u8> {
    let trace = req.trace;
    let mut out = Vec::new();
    for spec in req.recipe.active_stages(&trace.selection) {
        let Some(stage) = trace.stage(&spec.name) else {
            continue;
        };
        match Show::of(stage) {
            Show::Text => {
                out.extend_from_slice(format!("{}: ", stage.name).as_bytes());
                out.extend_from_slice(&stage.bytes);
            }
            Show::Hex => out.extend_from_slice(
                format!("{} (hex): {}", stage.name, hex::encode(&stage.bytes)).as_bytes(),
            ),
            Show::Secret => {
                out.extend_from_slice(format!("{}: (secret, not shown)", stage.name).as_bytes())
            }
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    for (name, value) in &trace.placement.headers {
        out.extend_from_slice(format!("{name}: {value}\n").as_bytes());
    }
    out.extend_from_slice(trace.signature());
    out.push(b'\n');
    out
}

/// The command that makes a program: the scheme, the variants that are not the default, and the
/// language. The key and the body are never part of it.
pub fn command(recipe: &Recipe, sel: &Selection, lang: Lang) -> String {
    let mut words = vec![format!("sigscope sign -p {}", recipe.id)];
    for v in &recipe.variants {
        let choice = sel.choice(&v.name);
        if choice != v.default_choice() {
            words.push(format!("--variant {}={choice}", v.name));
        }
    }
    words.push(format!("--format code --lang {}", lang.name()));
    words.join(" ")
}

/// The chosen variants in words (`payload=raw, case=upper`).
fn variant_words(recipe: &Recipe, sel: &Selection) -> String {
    recipe
        .variants
        .iter()
        .map(|v| format!("{} = {}", v.name, sel.choice(&v.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The recipe's header placements that the trace placed, as (name, value) templates.
fn placed_headers(recipe: &Recipe, trace: &Trace, headers: &[u8]) -> Vec<(Template, Template)> {
    let method = &trace.placement.method;
    let render = |t: &Template| -> Vec<u8> {
        let mut out = Vec::new();
        for piece in t.pieces() {
            match piece {
                Piece::Literal(l) => out.extend_from_slice(l.as_bytes()),
                Piece::Ref(r) => {
                    if let Some(s) = trace.stage(r) {
                        out.extend_from_slice(&s.bytes);
                    } else if let Some(v) = trace.fields.get(r) {
                        out.extend_from_slice(v.as_bytes());
                    } else if r == "headers" {
                        out.extend_from_slice(headers);
                    }
                }
            }
        }
        out
    };
    recipe
        .headers
        .iter()
        .filter(|p| {
            p.methods.is_empty() || p.methods.iter().any(|m| m.eq_ignore_ascii_case(method))
        })
        .filter(|p| !(render(&p.name).is_empty() || p.optional && render(&p.value).is_empty()))
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect()
}

/// A call written in a language, or None when the language has no helper for it.
fn write_call(
    s: &dyn lang::Syntax,
    helpers: &lang::Helpers,
    names: &Names,
    call: &Call,
) -> Option<String> {
    if call.func.inline {
        let [Arg::Bytes(t)] = call.args.as_slice() else {
            return None;
        };
        return Some(template(s, names, t));
    }
    let function = helpers.function(call.func.name())?;
    let args: Vec<lang::Arg> = call
        .args
        .iter()
        .zip(call.func.arg_names())
        .map(|(a, &name)| {
            let (expr, option) = match a {
                Arg::Bytes(t) => (template(s, names, t), false),
                Arg::List(ts) => (
                    s.list(&ts.iter().map(|t| template(s, names, t)).collect::<Vec<_>>()),
                    false,
                ),
                Arg::Text(t) => (s.text(t), true),
                Arg::Int(n) => (n.to_string(), true),
                Arg::OptInt(Some(n)) => (n.to_string(), true),
                Arg::OptInt(None) => (s.none(), true),
                Arg::Bool(b) => (s.boolean(*b), true),
                Arg::Texts(ts) => (s.texts(ts), true),
                Arg::Pairs(ps) => (
                    s.pairs(
                        &ps.iter()
                            .map(|(n, t)| (s.text(n), template(s, names, t)))
                            .collect::<Vec<_>>(),
                    ),
                    true,
                ),
            };
            lang::Arg { name, expr, option }
        })
        .collect();
    Some(s.call(function, &args))
}

/// A template as an expression: its pieces joined.
fn template(s: &dyn lang::Syntax, names: &Names, t: &Template) -> String {
    let parts: Vec<String> = t
        .pieces()
        .iter()
        .map(|p| match p {
            Piece::Literal(l) => s.bytes(l.as_bytes()),
            Piece::Ref(r) => s.reference(&names.get(r)),
        })
        .collect();
    match parts.len() {
        0 => s.bytes(b""),
        1 => parts.into_iter().next().unwrap_or_default(),
        _ => s.concat(&parts),
    }
}

/// Identifiers for the recipe's names, kept clear of the language's words and helpers.
struct Names<'a> {
    syntax: &'a dyn lang::Syntax,
    taken: BTreeSet<String>,
    map: BTreeMap<String, String>,
}

impl<'a> Names<'a> {
    fn new(syntax: &'a dyn lang::Syntax, helpers: &lang::Helpers) -> Names<'a> {
        let mut taken: BTreeSet<String> = syntax.reserved().iter().map(|w| w.to_string()).collect();
        taken.extend(helpers.functions());
        let mut names = Names {
            syntax,
            taken,
            map: BTreeMap::new(),
        };
        names.insert("key", syntax.local("key"));
        names.insert("body", syntax.local("body"));
        names
    }

    fn insert(&mut self, name: &str, mut ident: String) {
        while self.taken.contains(&ident) {
            ident.push('_');
        }
        self.taken.insert(ident.clone());
        self.map.insert(name.to_string(), ident);
    }

    fn stage(&mut self, name: &str) {
        if !self.map.contains_key(name) {
            let ident = self.syntax.local(&snake(name));
            self.insert(name, ident);
        }
    }

    fn constant(&mut self, name: &str) -> String {
        if !self.map.contains_key(name) {
            let ident = self.syntax.constant(&snake(name));
            self.insert(name, ident);
        }
        self.get(name)
    }

    fn get(&self, name: &str) -> String {
        self.map.get(name).cloned().unwrap_or_else(|| snake(name))
    }
}

/// A recipe name as a snake-case identifier (`x-sign` → `x_sign`).
pub(crate) fn snake(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

fn upper_snake(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

/// A snake-case name in camel case (`k_date` → `kDate`).
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' && !out.is_empty() {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitives;

    #[test]
    fn a_field_named_like_a_ruby_constant_keeps_clear_of_it() {
        // Hygraph's `env` field: written `ENV`, it replaced Ruby's environment, and `secret`
        // could no longer read the key.
        let recipe = Recipe::from_toml(
            "id = \"t\"\nname = \"t\"\ndescription = \"t\"\n\n\
             [[fields]]\nname = \"env\"\ndefault = \"master\"\n\n\
             [[stages]]\nname = \"mac\"\nhmac = \"sha256\"\nkey = \"{key}\"\nmessage = \"{env}\"\n\n\
             [[stages]]\nname = \"signature\"\nhex = \"{mac}\"\n",
        )
        .expect("a recipe");
        let trace = crate::sign::run(
            &recipe,
            &crate::sign::Inputs {
                fields: &BTreeMap::new(),
                key: b"k",
                body: b"",
                headers: b"",
                selection: &Selection::default(),
                received: None,
            },
        )
        .expect("a trace");
        let program = generate(
            &Request {
                recipe: &recipe,
                trace: &trace,
                headers: b"",
                command: "test",
            },
            Lang::Ruby,
        )
        .expect("Ruby code");
        assert!(
            !program.lines().any(|l| l.starts_with("ENV =")),
            "{program}"
        );
        assert!(
            program.lines().any(|l| l.starts_with("ENV_ =")),
            "{program}"
        );
    }

    #[test]
    fn every_primitive_has_a_helper_or_a_reason_in_every_language() {
        for lang in Lang::ALL {
            let syntax = lang.syntax();
            let helpers = lang::Helpers::parse(syntax.helper_source(), syntax.comment());
            for spec in primitives::ALL.iter().filter(|s| !s.func.inline) {
                let name = spec.func.name();
                match (helpers.function(name), helpers.unsupported(name)) {
                    (Some(_), None) => {}
                    (None, Some(why)) => assert!(!why.is_empty(), "{lang}: `{name}` has no reason"),
                    (Some(_), Some(_)) => {
                        panic!("{lang}: `{name}` is both a helper and unsupported")
                    }
                    (None, None) => panic!(
                        "{lang} has no helper for `{name}` (primitive `{}`) and says no reason",
                        spec.name
                    ),
                }
            }
            for name in helpers.unsupported_names() {
                assert!(
                    primitives::ALL.iter().any(|s| s.func.name() == name),
                    "{lang}: `{name}` is declared unsupported but no primitive lowers to it"
                );
            }
        }
    }
}

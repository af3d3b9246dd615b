//! The recipe file format, as serde reads it, then compiled into the model (with the line of
//! each mistake) and checked.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::*;

impl Recipe {
    /// Reads and checks a recipe from its TOML text.
    pub fn from_toml(text: &str) -> Result<Recipe, RecipeError> {
        let recipe = Recipe::from_checked_toml(text)?;
        recipe.check()?;
        Ok(recipe)
    }

    /// Reads a recipe whose checks have passed before (a built-in, checked by the tests): the
    /// same as [`Recipe::from_toml`] without walking every selection of its variants again.
    pub fn from_checked_toml(text: &str) -> Result<Recipe, RecipeError> {
        let raw: RawRecipe = toml::from_str(text).map_err(|e| RecipeError {
            line: e.span().map_or(0, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        raw.compile(text)
    }
}

/// Whether a TOML value holds a string that contains `what`.
fn mentions(v: &toml::Value, what: &str) -> bool {
    match v {
        toml::Value::String(s) => s.contains(what),
        toml::Value::Array(a) => a.iter().any(|v| mentions(v, what)),
        toml::Value::Table(t) => t.values().any(|v| mentions(v, what)),
        _ => false,
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

// ---- The file format, as read by serde, then compiled into the model above. ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipe {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    group: Group,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    key: KeySpec,
    #[serde(default)]
    body: BodySpec,
    #[serde(default)]
    fields: Vec<Spanned<Field>>,
    #[serde(default)]
    variants: Vec<Spanned<Variant>>,
    stages: Vec<Spanned<RawStage>>,
    #[serde(default = "default_signature")]
    signature: String,
    #[serde(default)]
    request: RawRequest,
    #[serde(default)]
    headers: Vec<Spanned<RawPlaced>>,
    #[serde(default)]
    query: Vec<Spanned<RawPlaced>>,
    #[serde(default)]
    body_members: Vec<Spanned<RawPlaced>>,
    #[serde(default)]
    window: Option<Spanned<Window>>,
    #[serde(default)]
    equivalent: Vec<Equivalence>,
    #[serde(default)]
    signatures: Option<Spanned<RawSignatures>>,
    #[serde(default)]
    import: Option<Spanned<RawImport>>,
    #[serde(default)]
    example: Example,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignatures {
    #[serde(default)]
    separator: Option<String>,
    item: OneOrMany,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImport {
    #[serde(default)]
    fields: BTreeMap<String, OneOrManySources>,
    #[serde(default)]
    body: Option<OneOrManySources>,
    #[serde(default)]
    signature: Option<OneOrManySources>,
    #[serde(default)]
    every_signature: bool,
    #[serde(default)]
    patterns: Vec<RawPattern>,
    #[serde(default)]
    variants: Vec<RawVariantRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariantRule {
    variant: String,
    from: RawSource,
    #[serde(default)]
    choice: Option<String>,
    #[serde(default)]
    map: BTreeMap<String, String>,
    #[serde(default)]
    otherwise: Option<String>,
    #[serde(default)]
    member: Option<String>,
    #[serde(default)]
    refuse: BTreeMap<String, String>,
    #[serde(default)]
    parameter: Option<String>,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum RawSource {
    Plain(String),
    Limited {
        from: String,
        #[serde(default)]
        methods: Vec<String>,
    },
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum OneOrManySources {
    One(RawSource),
    Many(Vec<RawSource>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    from: RawSource,
    pattern: String,
    #[serde(default)]
    split: Option<String>,
    #[serde(default)]
    decode: BTreeMap<String, String>,
}

/// Checks a source's kind and turns it into the model.
fn source(raw: &RawSource) -> Result<Source, String> {
    let (from, methods) = match raw {
        RawSource::Plain(f) => (f.clone(), Vec::new()),
        RawSource::Limited { from, methods } => (
            from.clone(),
            methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
        ),
    };
    let kind = from.split_once(':').map_or(from.as_str(), |(k, _)| k);
    let named = [
        "header",
        "headers",
        "query",
        "member",
        "form",
        "xml",
        "auth-param",
        "param",
        "dict",
        "dict-key",
    ];
    let whole = [
        "method",
        "url",
        "url-without-query",
        "body",
        "query",
        "status",
    ];
    let ok = match from.split_once(':') {
        Some((k, name)) => {
            named.contains(&k)
                && !name.is_empty()
                && Template::parse(name).is_ok()
                && (!matches!(k, "param" | "dict")
                    || name
                        .split_once('/')
                        .is_some_and(|(h, n)| !h.is_empty() && !n.is_empty()))
        }
        None => whole.contains(&kind),
    };
    if ok {
        Ok(Source { from, methods })
    } else {
        Err(format!(
            "import source `{from}`: expected header:NAME, headers:PREFIX, query:NAME, member:NAME, form:NAME, xml:NAME, auth-param:NAME, param:HEADER/NAME, dict:HEADER/KEY, dict-key:HEADER, method, url, url-without-query, body, query or status"
        ))
    }
}

fn sources(raw: &OneOrManySources) -> Result<Vec<Source>, String> {
    match raw {
        OneOrManySources::One(s) => Ok(vec![source(s)?]),
        OneOrManySources::Many(list) => list.iter().map(source).collect(),
    }
}

fn default_signature() -> String {
    "signature".to_string()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    method: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaced {
    name: String,
    value: String,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A stage as written: its name, `when`, and the primitive with its arguments (every other key).
#[derive(Deserialize)]
struct RawStage {
    name: String,
    #[serde(default)]
    when: BTreeMap<String, OneOrMany>,
    #[serde(flatten)]
    rest: toml::Table,
}

impl RawRecipe {
    fn compile(self, text: &str) -> Result<Recipe, RecipeError> {
        let at = |span: Range<usize>| line_of(text, span.start);
        let err = |line: usize, message: String| RecipeError { line, message };

        let mut fields = Vec::new();
        for f in self.fields {
            let line = at(f.span());
            let mut f = f.into_inner();
            if !is_name(&f.name) {
                return Err(err(
                    line,
                    format!(
                        "field name `{}` must be letters, digits, `_`, `-` or `.`",
                        f.name
                    ),
                ));
            }
            if fields.iter().any(|g: &Field| g.name == f.name) {
                return Err(err(line, format!("field `{}` is declared twice", f.name)));
            }
            if INPUTS.contains(&f.name.as_str()) {
                return Err(err(
                    line,
                    format!("`{}` is a built-in input, not a field", f.name),
                ));
            }
            if f.length == 0 || f.length > 1024 {
                return Err(err(
                    line,
                    format!("field `{}`: length must be from 1 to 1024", f.name),
                ));
            }
            if f.label.is_empty() {
                f.label = f.name.clone();
            }
            fields.push(f);
        }

        let mut variants: Vec<Variant> = Vec::new();
        for v in self.variants {
            let line = at(v.span());
            let v = v.into_inner();
            if v.choices.is_empty() {
                return Err(err(line, format!("variant `{}` has no choices", v.name)));
            }
            if variants.iter().any(|w| w.name == v.name) {
                return Err(err(line, format!("variant `{}` is declared twice", v.name)));
            }
            let mut seen = BTreeSet::new();
            if let Some(c) = v.choices.iter().find(|c| !seen.insert(c.as_str())) {
                return Err(err(line, format!("variant `{}` lists `{c}` twice", v.name)));
            }
            variants.push(v);
        }

        let mut stages = Vec::new();
        // Whether a stage reads the request's header lines, under some choice.
        let mut reads_headers = false;
        for s in self.stages {
            let line = at(s.span());
            let s = s.into_inner();
            if !is_name(&s.name) {
                return Err(err(
                    line,
                    format!(
                        "stage name `{}` must be letters, digits, `_`, `-` or `.`",
                        s.name
                    ),
                ));
            }
            let stage_err = |m: String| RecipeError {
                line,
                message: format!("stage `{}`: {m}", s.name),
            };
            let mut when = BTreeMap::new();
            for (variant, choices) in &s.when {
                let choices = match choices {
                    OneOrMany::One(c) => vec![c.clone()],
                    OneOrMany::Many(c) => c.clone(),
                };
                let v = variants
                    .iter()
                    .find(|v| &v.name == variant)
                    .ok_or_else(|| stage_err(format!("when: no variant named `{variant}`")))?;
                if let Some(c) = choices.iter().find(|c| !v.choices.contains(c)) {
                    return Err(stage_err(format!(
                        "when: `{c}` is not a choice of variant `{variant}` ({})",
                        v.choices.join(", ")
                    )));
                }
                when.insert(variant.clone(), choices);
            }
            reads_headers |= s.rest.values().any(|v| mentions(v, "{headers}"));
            let stage = StageSpec::compile(&s.name, when, s.rest, line, &variants).map_err(
                |(key, m)| match key {
                    // Point at the key itself, as the TOML reader does for other mistakes.
                    Some(key) => RecipeError {
                        line: key_line(text, line, &key),
                        message: m,
                    },
                    None => stage_err(m),
                },
            )?;
            stages.push(stage);
        }
        if stages.is_empty() {
            return Err(err(0, "the recipe has no stages".to_string()));
        }

        let template = |line: usize, what: &str, t: &str| {
            Template::parse(t).map_err(|e| err(line, format!("{what}: {e}")))
        };
        let placed =
            |list: Vec<Spanned<RawPlaced>>, what: &str| -> Result<Vec<Placed>, RecipeError> {
                list.into_iter()
                    .map(|p| {
                        let line = at(p.span());
                        let p = p.into_inner();
                        Ok(Placed {
                            value: template(line, &format!("{what} `{}`", p.name), &p.value)?,
                            name: template(line, &format!("{what} name"), &p.name)?,
                            methods: p.methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
                            optional: p.optional,
                        })
                    })
                    .collect()
            };
        // Without a request URL the scheme still signs; only export needs one.
        let default_url = if fields.iter().any(|f| f.name == "url") {
            "{url}"
        } else {
            ""
        };
        let request = RequestSpec {
            method: template(
                0,
                "request.method",
                self.request.method.as_deref().unwrap_or("POST"),
            )?,
            url: template(
                0,
                "request.url",
                self.request.url.as_deref().unwrap_or(default_url),
            )?,
        };

        let window = match self.window {
            Some(w) => {
                let line = at(w.span());
                let w = w.into_inner();
                if !fields
                    .iter()
                    .any(|f| f.name == w.field && f.kind != FieldKind::Text)
                {
                    return Err(err(
                        line,
                        format!(
                            "window.field `{}` is not a time field of this scheme",
                            w.field
                        ),
                    ));
                }
                Some(w)
            }
            None => None,
        };

        let import_spec = match self.import {
            None => ImportSpec::default(),
            Some(raw) => {
                let line = at(raw.span());
                let raw = raw.into_inner();
                let e = |m: String| err(line, m);
                let mut spec = ImportSpec::default();
                for (field, list) in &raw.fields {
                    if !fields.iter().any(|f: &Field| &f.name == field) {
                        return Err(e(format!(
                            "import.fields: `{field}` is not a field of this scheme"
                        )));
                    }
                    spec.fields.insert(field.clone(), sources(list).map_err(e)?);
                }
                spec.body = match &raw.body {
                    Some(list) => sources(list).map_err(e)?,
                    None => vec![Source {
                        from: "body".into(),
                        methods: Vec::new(),
                    }],
                };
                if let Some(list) = &raw.signature {
                    spec.signature = sources(list).map_err(e)?;
                }
                if raw.every_signature {
                    if spec.signature.len() < 2 {
                        return Err(e(
                            "import.every_signature: give import.signature a list of two or more sources"
                                .to_string(),
                        ));
                    }
                    match self.signatures.as_ref().map(|s| s.get_ref()) {
                        Some(RawSignatures {
                            separator: Some(_), ..
                        }) => {}
                        _ => {
                            return Err(e("import.every_signature: the signatures are joined with the separator of a [signatures] table, and there is none".to_string()));
                        }
                    }
                    spec.every_signature = true;
                }
                for p in &raw.patterns {
                    let pattern = Template::parse(&p.pattern)
                        .map_err(|m| e(format!("import pattern: {m}")))?;
                    if let Some(name) = pattern.references().find(|n| {
                        !matches!(*n, "signature" | "body")
                            && !n.starts_with('_')
                            && !fields.iter().any(|f| f.name == *n)
                    }) {
                        return Err(e(format!(
                            "import pattern `{}` captures `{{{name}}}`, which is not a field",
                            p.pattern
                        )));
                    }
                    let mut decode = BTreeMap::new();
                    for (name, alphabet) in &p.decode {
                        let a =
                            <crate::sign::encoding::Alphabet as crate::sign::args::ArgValue>::parse(alphabet)
                                .map_err(|m| e(format!("import pattern decode `{name}`: {m}")))?;
                        decode.insert(name.clone(), a);
                    }
                    spec.patterns.push(Pattern {
                        from: source(&p.from).map_err(e)?,
                        pattern,
                        split: p.split.clone(),
                        decode,
                    });
                }
                for r in &raw.variants {
                    let Some(v) = variants.iter().find(|v| v.name == r.variant) else {
                        return Err(e(format!(
                            "import.variants: `{}` is not a variant of this scheme",
                            r.variant
                        )));
                    };
                    let named = r.choice.iter().chain(r.map.values()).chain(&r.otherwise);
                    if let Some(bad) = named.into_iter().find(|c| !v.choices.contains(c)) {
                        return Err(e(format!(
                            "import.variants: `{bad}` is not a choice of `{}` ({})",
                            v.name,
                            v.choices.join(", ")
                        )));
                    }
                    if r.choice.is_some() && !r.map.is_empty() {
                        return Err(e(format!(
                            "import.variants `{}`: give `choice` or `map`, not both",
                            r.variant
                        )));
                    }
                    let from = match &r.from {
                        RawSource::Plain(f) => match f.strip_prefix("field:") {
                            Some(name) if fields.iter().any(|x| x.name == name) => Source {
                                from: f.clone(),
                                methods: Vec::new(),
                            },
                            Some(name) => {
                                return Err(e(format!(
                                    "import.variants: `field:{name}`: `{name}` is not a field"
                                )));
                            }
                            None => source(&r.from).map_err(e)?,
                        },
                        _ => source(&r.from).map_err(e)?,
                    };
                    spec.variants.push(VariantRule {
                        variant: r.variant.clone(),
                        from,
                        otherwise: r.otherwise.clone(),
                        member: r.member.clone(),
                        choice: r.choice.clone(),
                        map: r.map.clone(),
                        refuse: r.refuse.clone(),
                        parameter: r.parameter.clone(),
                    });
                }
                spec
            }
        };

        let signatures = match self.signatures {
            None => None,
            Some(raw) => {
                let line = at(raw.span());
                let raw = raw.into_inner();
                let forms = match raw.item {
                    OneOrMany::One(f) => vec![f],
                    OneOrMany::Many(f) => f,
                };
                let mut items = Vec::new();
                for form in forms {
                    let (before, after) = form.split_once("{signature}").ok_or_else(|| {
                        err(
                            line,
                            format!("signatures.item `{form}` has no `{{signature}}`"),
                        )
                    })?;
                    items.push((before.to_string(), after.to_string()));
                }
                Some(SignatureList {
                    separator: raw.separator.filter(|s| !s.is_empty()),
                    items,
                })
            }
        };

        Ok(Recipe {
            reads_headers,
            signatures,
            id: self.id,
            name: self.name,
            description: self.description,
            group: self.group,
            source: self.source,
            notes: self.notes,
            key: self.key,
            body: self.body,
            fields,
            variants,
            stages,
            signature: self.signature,
            request,
            headers: placed(self.headers, "header")?,
            query: placed(self.query, "query parameter")?,
            body_members: placed(self.body_members, "body member")?,
            window,
            equivalent: self.equivalent,
            import: import_spec,
            example: self.example,
        })
    }
}

/// The line at or after `from` where `key = …` is written (or `from` when it cannot be found).
fn key_line(text: &str, from: usize, key: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(from, |(i, _)| i + 1)
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

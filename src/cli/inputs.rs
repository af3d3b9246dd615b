//! From command-line flags to the core's inputs: the scheme, fields, key, body and variants,
//! with values made from the clock or a random source where the user gave none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::CliError;
use super::args::InputArgs;
use super::files::{check_readable, read_chunks, read_file};
use super::key::Secret;
use super::request_file::{RequestPick, import_options, parse_request_file_raw};
use crate::request::bundle::Bundle;
use crate::sign::{self, Inputs, Recipe, Selection, SignError, Trace, builtin, time};

/// The schemes on offer: the built-ins, and a user's recipe file (which wins on a shared id).
pub struct Catalog {
    pub recipes: Vec<Recipe>,
    /// The id and TOML text of the user's recipe (from --recipe or a bundle).
    user: Option<(String, String)>,
    /// The id and TOML text of each recipe from the user's recipes folder.
    library: BTreeMap<String, String>,
    /// The bundle given with --bundle.
    pub bundle: Option<Bundle>,
}

impl Catalog {
    /// The built-ins, plus the scheme of `recipe_file` when given.
    pub fn load(recipe_file: Option<&Path>) -> Result<Catalog, CliError> {
        let recipes =
            builtin::all().map_err(|(file, e)| CliError(format!("built-in recipe {file}: {e}")))?;
        let mut catalog = Catalog {
            recipes,
            user: None,
            library: BTreeMap::new(),
            bundle: None,
        };
        if let Some(path) = recipe_file {
            let bytes = read_file(path, "--recipe")?;
            let text = String::from_utf8(bytes)
                .map_err(|_| CliError(format!("recipe {}: not UTF-8 text", path.display())))?;
            catalog.add_user(text, &format!("recipe {}", path.display()))?;
        }
        Ok(catalog)
    }

    /// Loads the user's recipe from its text; it replaces a built-in of the same id.
    fn add_user(&mut self, text: String, what: &str) -> Result<(), CliError> {
        let recipe = Recipe::from_toml(&text).map_err(|e| CliError(format!("{what}: {e}")))?;
        self.recipes.retain(|r| r.id != recipe.id);
        self.user = Some((recipe.id.clone(), text));
        self.recipes.push(recipe);
        Ok(())
    }

    /// The user's recipes folder (beside the config file): schemes of their own, added after the
    /// built-ins. One that does not load, or that takes a built-in's id, is skipped with a
    /// warning.
    fn add_folder(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let loaded = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    Recipe::from_toml(&text)
                        .map(|r| (r, text))
                        .map_err(|e| e.to_string())
                });
            match loaded {
                Ok((recipe, _)) if self.taken(&recipe.id) => eprintln!(
                    "sigscope: warning: recipe {}: the id `{}` is taken; skipped (rename it)",
                    path.display(),
                    recipe.id
                ),
                Ok((recipe, text)) => {
                    self.library.insert(recipe.id.clone(), text);
                    self.recipes.push(recipe);
                }
                Err(e) => eprintln!(
                    "sigscope: warning: recipe {}: {e} (skipped)",
                    path.display()
                ),
            }
        }
    }

    /// Only the built-in `id`, when there is one (a command that names its scheme needs no
    /// other: start-up does not grow with the catalog); else every built-in.
    fn load_one(id: &str) -> Result<Catalog, CliError> {
        let file = format!("{id}.toml");
        let Some((_, text)) = builtin::SOURCES.iter().find(|(f, _)| *f == file) else {
            return Catalog::load(None);
        };
        let recipe = Recipe::from_checked_toml(text)
            .map_err(|e| CliError(format!("built-in recipe {file}: {e}")))?;
        Ok(Catalog {
            recipes: vec![recipe],
            user: None,
            library: BTreeMap::new(),
            bundle: None,
        })
    }

    /// Whether an id is taken: by a scheme loaded here or by any built-in.
    fn taken(&self, id: &str) -> bool {
        self.recipes.iter().any(|r| r.id == id)
            || builtin::SOURCES
                .iter()
                .any(|(f, _)| f.strip_suffix(".toml") == Some(id))
    }

    /// The catalog for a command that signs or checks with one scheme: as [`Catalog::for_inputs`],
    /// but when `-p` names a built-in only that one is read (a user's recipe of that id still
    /// wins over it).
    pub fn for_scheme(args: &InputArgs) -> Result<Catalog, CliError> {
        match args.scheme.as_deref() {
            Some(id) => Catalog::with_inputs(Catalog::load_one(id)?, args),
            None => Catalog::for_inputs(args),
        }
    }

    /// The catalog for a command's inputs: the recipes folder, --recipe, and --bundle with the
    /// recipe it carries.
    pub fn for_inputs(args: &InputArgs) -> Result<Catalog, CliError> {
        Catalog::with_inputs(Catalog::load(None)?, args)
    }

    fn with_inputs(catalog: Catalog, args: &InputArgs) -> Result<Catalog, CliError> {
        let mut catalog = catalog;
        let config = crate::config::Config::load(args.config.as_deref()).map_err(CliError)?;
        if let Some(dir) = config.recipes_dir() {
            catalog.add_folder(&dir);
        }
        if let Some(text) = &args.recipe_text {
            catalog.add_user(text.clone(), "the session's recipe")?;
        }
        if let Some(path) = &args.recipe {
            let bytes = read_file(path, "--recipe")?;
            let text = String::from_utf8(bytes)
                .map_err(|_| CliError(format!("recipe {}: not UTF-8 text", path.display())))?;
            catalog.add_user(text, &format!("recipe {}", path.display()))?;
        }
        if let Some(path) = &args.bundle {
            let bytes = read_file(path, "--bundle")?;
            let bundle = Bundle::parse(&bytes)
                .map_err(|e| CliError(format!("--bundle {}: {e}", path.display())))?;
            let mut bundle = bundle;
            if let (Some(text), None) = (&bundle.recipe, &catalog.user) {
                let what = format!("--bundle {}: its recipe", path.display());
                let mut recipe =
                    Recipe::from_toml(text).map_err(|e| CliError(format!("{what}: {e}")))?;
                // A bundle's recipe never stands in for a built-in scheme: a stranger's file
                // could otherwise redefine `tpns` to print the key.
                if catalog.taken(&recipe.id) {
                    let own = format!("bundle:{}", recipe.id);
                    if !args.key_source.quiet {
                        eprintln!(
                            "sigscope: warning: --bundle {} carries its own recipe `{}`; it is loaded as `{own}`, not as the built-in scheme",
                            path.display(),
                            recipe.id
                        );
                    }
                    if bundle.scheme == recipe.id {
                        bundle.scheme = own.clone();
                    }
                    recipe.id = own;
                }
                catalog.user = Some((recipe.id.clone(), text.clone()));
                catalog.recipes.push(recipe);
            }
            catalog.bundle = Some(bundle);
        }
        Ok(catalog)
    }

    /// The scheme of -p, else the bundle's, else as [`Catalog::pick`].
    pub fn pick_for(&self, args: &InputArgs, required: bool) -> Result<&Recipe, CliError> {
        let scheme = args
            .scheme
            .as_deref()
            .or(self.bundle.as_ref().map(|b| b.scheme.as_str()));
        self.pick(scheme, required)
    }

    /// As [`Catalog::pick_for`], but without -p (nor a bundle or a recipe file) a `--request`
    /// file picks the scheme whose import finds its signature in the request; when several do,
    /// it names them and asks for -p.
    pub fn pick_or_recognize(&self, args: &InputArgs) -> Result<&Recipe, CliError> {
        let Some(path) = args
            .request
            .as_deref()
            .filter(|_| args.scheme.is_none() && self.bundle.is_none() && self.user.is_none())
        else {
            return self.pick_for(args, true);
        };
        if path.as_os_str() == "-" {
            return Err(CliError(
                "no scheme: give -p SCHEME (a request on standard input is read once, so it cannot be recognized first)".to_string(),
            ));
        }
        let bytes = read_file(path, "--request")?;
        // Files a curl line names are not read to recognize the scheme.
        let mut no_files = |_: &str| Ok(Vec::new());
        // Of several requests, the one some scheme of the catalog finds a signature in.
        let signed = |r: &crate::request::import::Imported| {
            !crate::request::recognize::recognize(&self.recipes, r).is_empty()
        };
        let imported = crate::request::import::parse_with(
            &bytes,
            &mut import_options(&RequestPick::from_args(args, &signed), &mut no_files)?,
        )
        .map_err(|e| CliError(format!("--request {}: {e}", path.display())))?;
        let found = crate::request::recognize::recognize(&self.recipes, &imported);
        match found.as_slice() {
            [one] => {
                if !args.key_source.quiet {
                    eprintln!(
                        "sigscope: note: the request reads as scheme {} ({}); -p picks another",
                        one.id, one.name
                    );
                }
                Ok(one)
            }
            [] => Err(CliError(format!(
                "--request {}: no scheme finds its signature in this request: give -p SCHEME (`sigscope providers` lists them)",
                path.display(),
            ))),
            many => Err(CliError(format!(
                "--request {}: the request could be {}: give -p SCHEME",
                path.display(),
                many.iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))),
        }
    }

    /// The id and TOML text of the scheme that is not built in, if one was loaded.
    pub fn user_recipe(&self) -> Option<(&str, &str)> {
        self.user
            .as_ref()
            .map(|(id, text)| (id.as_str(), text.as_str()))
    }

    /// The TOML text of a scheme that is not built in.
    pub fn user_text(&self, id: &str) -> Option<&str> {
        self.user
            .as_ref()
            .filter(|(u, _)| u == id)
            .map(|(_, t)| t.as_str())
            .or_else(|| self.library.get(id).map(String::as_str))
    }

    /// The texts of every recipe that is not built in (for bundles made in the TUI).
    pub fn user_texts(&self) -> BTreeMap<String, String> {
        let mut all = self.library.clone();
        if let Some((id, text)) = &self.user {
            all.insert(id.clone(), text.clone());
        }
        all
    }

    /// The scheme named with -p, else the recipe file's, else (when not `required`) the default.
    pub fn pick(&self, scheme: Option<&str>, required: bool) -> Result<&Recipe, CliError> {
        let id = match (scheme, &self.user) {
            (Some(id), _) => id,
            (None, Some((user, _))) => user.as_str(),
            (None, None) if !required => builtin::DEFAULT_SCHEME,
            (None, None) => {
                return Err(CliError(
                    "no scheme: give -p SCHEME (`sigscope providers` lists them)".to_string(),
                ));
            }
        };
        self.recipes.iter().find(|r| r.id == id).ok_or_else(|| {
            let near = crate::sign::find::nearest(self.recipes.iter().map(|r| r.id.as_str()), id);
            CliError(if near.is_empty() {
                format!("unknown scheme `{id}`; `sigscope providers` lists them")
            } else {
                format!(
                    "unknown scheme `{id}`; did you mean {}? (`sigscope providers` lists them)",
                    near.join(", ")
                )
            })
        })
    }
}

/// The body: in memory, or a file to stream through the MAC.
#[derive(Debug)]
pub enum Body {
    Bytes(Vec<u8>),
    Stream(PathBuf),
}

/// A field value made because none was given.
#[derive(Debug, Clone)]
pub struct Generated {
    pub field: String,
    pub value: String,
    pub how: &'static str,
}

/// Everything a run needs, resolved from the flags.
#[derive(Debug)]
pub struct Resolved {
    pub fields: BTreeMap<String, String>,
    pub generated: Vec<Generated>,
    pub key: Secret,
    /// Where the key came from, when several were given (`key 1 (--key-env A)`), else empty.
    pub key_label: String,
    /// The keys after the first, each with where it came from, for the commands that verify
    /// with several (a match with any is a match).
    pub more_keys: Vec<(Secret, String)>,
    pub body: Body,
    /// Where the body came from, for messages (`--body-file req.json`).
    pub body_source: String,
    pub selection: Selection,
    /// The request's header lines (from --header, else the request, the bundle or the example).
    pub headers: Vec<u8>,
    /// The signature an imported request carried.
    pub received: Option<String>,
    /// The signature the imported request carried, when nothing was given over its values
    /// (no --set, --variant, --body): a way out keeps the request as it is when it holds.
    pub untouched_signature: Option<String>,
    /// What the import of a request found and did not find.
    pub notes: Vec<String>,
    /// For each field a request did not give, where its import looked.
    pub looked: BTreeMap<String, String>,
    /// The imported request, which every way out keeps but for what the scheme places.
    pub base: Option<crate::request::replay::Base>,
    /// The `-H` lines, added to every way out.
    pub extra_headers: Vec<(String, String)>,
    /// The headers the scheme places with a fixed value (kept out of an imported request).
    pub constant_headers: Vec<String>,
    /// The headers the scheme's import reads a signature from.
    pub carrier_headers: Vec<String>,
    /// The query parameters the scheme's import reads a signature from.
    pub carrier_params: Vec<String>,
    /// The body was taken from a carrier in the imported request (not its HTTP body).
    pub body_captured: bool,
    /// The URL was set (`--set url=`), so it replaces the imported request's.
    pub url_given: bool,
}

impl Resolved {
    /// Resolves the flags for `recipe`; with `may_stream`, a body file whose scheme hashes it
    /// unchanged is left on disk to be streamed.
    pub fn from_args(
        recipe: &Recipe,
        args: &InputArgs,
        may_stream: bool,
    ) -> Result<Resolved, CliError> {
        Resolved::from_args_with(recipe, args, None, may_stream)
    }

    /// As [`Resolved::from_args`], with a bundle's values under the request's and the flags'.
    pub fn from_args_with(
        recipe: &Recipe,
        args: &InputArgs,
        bundle: Option<&Bundle>,
        may_stream: bool,
    ) -> Result<Resolved, CliError> {
        let example = &recipe.example;
        if let Some(b) = bundle.filter(|b| b.scheme != recipe.id) {
            return Err(CliError(format!(
                "--bundle is a case of scheme `{}`, not `{}`: leave out -p, or give the bundle of this scheme",
                b.scheme, recipe.id
            )));
        }

        let mut explicit = BTreeMap::new();
        for item in &args.set {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| CliError(format!("--set `{item}`: expected NAME=VALUE")))?;
            if let Some(problem) = recipe.field(name).and_then(|f| f.kind.problem(value)) {
                return Err(CliError(format!(
                    "--set {name}=…: {problem}; `{}` is not one",
                    crate::sign::visible::printable(&cut_value(value))
                )));
            }
            if recipe.field(name).is_none() {
                return Err(CliError(format!(
                    "--set {item}: {}",
                    SignError::UnknownField {
                        name: name.to_string(),
                        known: recipe.fields.iter().map(|f| f.name.clone()).collect(),
                    }
                )));
            }
            explicit.insert(name.to_string(), value.to_string());
        }
        let url_given = explicit.keys().any(|name| {
            recipe
                .field(name)
                .is_some_and(|f| f.kind == crate::sign::recipe::FieldKind::Url)
        });
        let (imported, base) = match &args.request {
            Some(path) => {
                let (mapped, base) = import_request(recipe, path, args, &explicit)?;
                (Some(mapped), Some(base))
            }
            None => (None, bundle.and_then(Bundle::request)),
        };
        // Explicit flags win over the request, which wins over the example.
        let mut fields = if args.example {
            example.fields.clone()
        } else {
            BTreeMap::new()
        };
        if let Some(b) = bundle {
            fields.extend(b.fields.clone());
        }
        if let Some(m) = &imported {
            fields.extend(m.fields.clone());
        }
        fields.extend(explicit);
        let generated = generate_missing(recipe, &mut fields)?;

        let example_key = args.example.then_some(example.key.as_str());
        let public = recipe.public_key();
        let mut keys = if args.key_source.several {
            args.key_source.read_keys(example_key, public)?
        } else {
            vec![(
                args.key_source.read_one(example_key, public)?,
                String::new(),
            )]
        };
        let (key, key_label) = keys.remove(0);
        let more_keys = keys;

        let streamable = may_stream && recipe.body_members.is_empty();
        let body_captured = args.body.is_none()
            && args.body_file.is_none()
            && imported.as_ref().is_some_and(|m| m.body_captured);
        let (body, body_source) = if let Some(b) = &args.body {
            (
                Body::Bytes(b.clone().into_encoded_bytes()),
                "--body".to_string(),
            )
        } else if let Some(path) = &args.body_file {
            let source = format!("--body-file {}", path.display());
            if streamable {
                // Streamed when signed, but a file that cannot be read is said now, before any
                // question about fields.
                check_readable(path, "--body-file")?;
                (Body::Stream(path.clone()), source)
            } else {
                (Body::Bytes(read_file(path, "--body-file")?), source)
            }
        } else if let Some(body) = imported.as_ref().and_then(|m| m.body.clone()) {
            let path = args
                .request
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string());
            (
                Body::Bytes(body),
                format!("the request's body (--request {path})"),
            )
        } else if let Some(b) = bundle {
            let body = b
                .body_bytes()
                .map_err(|e| CliError(format!("--bundle: {e}")))?;
            (Body::Bytes(body), "the bundle's body".to_string())
        } else if args.example {
            (
                Body::Bytes(example.body.clone().into_bytes()),
                "the example body".to_string(),
            )
        } else {
            (Body::Bytes(Vec::new()), "the body (none given)".to_string())
        };

        let mut chosen: BTreeMap<String, String> = if args.example {
            example.variants.clone()
        } else {
            BTreeMap::new()
        };
        if let Some(b) = bundle {
            chosen.extend(b.variants.clone());
        }
        if let Some(m) = &imported {
            chosen.extend(m.variants.clone());
        }
        for item in &args.variants {
            let (name, choice) = item
                .split_once('=')
                .ok_or_else(|| CliError(format!("--variant `{item}`: expected NAME=CHOICE")))?;
            chosen.insert(name.to_string(), choice.to_string());
        }
        let selection = recipe
            .select(chosen.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| CliError(format!("--variant: {e}")))?;

        let untouched = args.set.is_empty()
            && args.variants.is_empty()
            && args.body.is_none()
            && args.body_file.is_none();
        let untouched_signature = imported
            .as_ref()
            .and_then(|m| m.signature.clone())
            .filter(|_| untouched);
        let mut extra_headers = Vec::new();
        let headers = if !args.headers.is_empty() {
            let mut h = Vec::new();
            for line in &args.headers {
                let Some((name, value)) = line
                    .split_once(':')
                    .filter(|(n, _)| !n.trim().is_empty() && !line.contains(['\r', '\n']))
                else {
                    return Err(CliError(format!(
                        "--header `{line}`: expected one `Name: value` line"
                    )));
                };
                extra_headers.push((name.trim().to_string(), value.trim().to_string()));
                h.extend_from_slice(line.as_bytes());
                h.push(b'\n');
            }
            h
        } else if let Some(m) = &imported {
            m.headers.clone()
        } else if let Some(b) = bundle.filter(|b| !b.headers.is_empty()) {
            b.headers.clone().into_bytes()
        } else if args.example {
            example.headers.clone().into_bytes()
        } else {
            Vec::new()
        };
        Ok(Resolved {
            base,
            untouched_signature,
            extra_headers,
            constant_headers: crate::request::replay::constant_headers(recipe),
            carrier_headers: crate::request::replay::signature_headers(recipe),
            carrier_params: crate::request::replay::signature_params(recipe),
            body_captured,
            url_given,
            fields,
            generated,
            headers,
            key,
            key_label,
            more_keys,
            body,
            body_source,
            selection,
            received: imported
                .as_ref()
                .and_then(|m| m.signature.clone())
                .or(bundle.map(|b| b.expected.clone().unwrap_or_else(|| b.signature.clone()))),
            looked: imported
                .as_ref()
                .map(|m| m.looked.clone())
                .unwrap_or_default(),
            notes: imported.map(|m| m.notes).unwrap_or_default(),
        })
    }

    /// Tells on stderr which values were made, and how, and what an import did not find.
    pub fn report_generated(&self) {
        for n in &self.notes {
            eprintln!(
                "sigscope: note: request: {}",
                crate::sign::visible::printable(n)
            );
        }
        for g in &self.generated {
            eprintln!(
                "sigscope: note: {} not given; using {} ({})",
                g.field, g.value, g.how
            );
        }
    }

    /// How a trace of `recipe` becomes the request that goes out (the import kept, `-H` added).
    pub fn replay<'a>(
        &'a self,
        recipe: &Recipe,
        trace: &'a Trace,
    ) -> crate::request::replay::Replay<'a> {
        let holds = self.untouched_signature.as_deref().is_some_and(|carried| {
            crate::sign::compare::compare(recipe, trace.signature(), carried).accepted()
        });
        crate::request::replay::Replay {
            holds,
            constant: &self.constant_headers,
            carriers: &self.carrier_headers,
            carrier_params: &self.carrier_params,
            signature: std::str::from_utf8(trace.signature()).ok(),
            body_from_base: self.body_captured,
            base: self.base.as_ref(),
            method_from_trace: recipe
                .fields
                .iter()
                .any(|f| f.kind == crate::sign::recipe::FieldKind::Method),
            url_from_trace: self.url_given,
            extra: &self.extra_headers,
        }
    }

    /// The values to open the TUI with.
    pub fn prefill(&self) -> crate::tui::app::Prefill {
        crate::tui::app::Prefill {
            fields: self.fields.clone(),
            key: self.key.bytes().to_vec(),
            body: self.body_bytes().unwrap_or_default().to_vec(),
            headers: self.headers.clone(),
            choices: self
                .selection
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            expected: None,
        }
    }

    pub fn body_bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Bytes(b) => Some(b),
            Body::Stream(_) => None,
        }
    }

    /// Runs the core, streaming the body file when the scheme allows it.
    pub fn sign(&self, recipe: &Recipe) -> Result<Trace, CliError> {
        self.sign_with_key(recipe, self.key.bytes(), None)
    }

    /// The i-th key given (0: the first), of 1 + `more_keys`.
    pub fn key_at(&self, i: usize) -> &[u8] {
        match i {
            0 => self.key.bytes(),
            i => self.more_keys[i - 1].0.bytes(),
        }
    }

    /// How many keys were given.
    pub fn key_count(&self) -> usize {
        1 + self.more_keys.len()
    }

    /// Signs as [`Resolved::sign`], with `key`; `received`: the signature to verify, for the
    /// stages that verify (public-key signatures) rather than compute.
    pub fn sign_with_key(
        &self,
        recipe: &Recipe,
        key: &[u8],
        received: Option<&str>,
    ) -> Result<Trace, CliError> {
        match &self.body {
            Body::Bytes(body) => {
                let inputs = Inputs {
                    fields: &self.fields,
                    key,
                    body,
                    headers: &self.headers,
                    selection: &self.selection,
                    received,
                };
                sign::run(recipe, &inputs).map_err(|e| self.explain(e))
            }
            Body::Stream(path) => {
                let inputs = Inputs {
                    fields: &self.fields,
                    key,
                    body: &[],
                    headers: &self.headers,
                    selection: &self.selection,
                    received,
                };
                match sign::stream(recipe, &inputs).map_err(|e| self.explain(e))? {
                    Some(mut stream) => {
                        read_chunks(path, |chunk| stream.update(chunk))?;
                        stream.finish().map_err(|e| self.explain(e))
                    }
                    None => {
                        let body = read_file(path, "--body-file")?;
                        let inputs = Inputs {
                            body: &body,
                            ..inputs
                        };
                        sign::run(recipe, &inputs).map_err(|e| self.explain(e))
                    }
                }
            }
        }
    }

    /// A core error, in terms of the flags that caused it.
    fn explain(&self, e: SignError) -> CliError {
        match e {
            SignError::MissingField { name, label } => CliError(match self.looked.get(&name) {
                Some(place) => format!(
                    "missing field `{name}` ({label}): the request has no {place}; give --set {name}=VALUE"
                ),
                None => format!("missing field `{name}` ({label}): give --set {name}=VALUE"),
            }),
            SignError::InvalidJson {
                input,
                line,
                column,
                message,
            } if input == "body" => CliError(format!(
                "body from {}: invalid JSON at line {line}, column {column}: {message}",
                self.body_source
            )),
            SignError::InvalidXml {
                stage,
                input,
                line,
                column,
                message,
            } if input == "body" => CliError(format!(
                "body from {}: invalid XML at line {line}, column {column} (stage `{stage}`): {message}",
                self.body_source
            )),
            SignError::TooLarge { input, len } if input == "body" => CliError(format!(
                "body from {}: {} MiB is too large to parse as JSON or parameters (the limit is {} MiB); only schemes that hash the body unchanged take bodies of any size",
                self.body_source,
                len >> 20,
                sign::json::MAX_PARSED_BYTES >> 20
            )),
            SignError::MissingParam { input, name } if input == "body" => CliError(format!(
                "body from {}: missing parameter `{name}`",
                self.body_source
            )),
            other => CliError(other.to_string()),
        }
    }
}

/// A value quoted in an error, cut short when long.
fn cut_value(value: &str) -> String {
    match value.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_string(),
    }
}

/// Reads and maps `--request PATH` (`-`: standard input); `@file` data is read from the
/// current directory, as curl would.
fn import_request(
    recipe: &Recipe,
    path: &Path,
    args: &InputArgs,
    explicit: &BTreeMap<String, String>,
) -> Result<(crate::request::import::Mapped, crate::request::replay::Base), CliError> {
    if path.as_os_str() == "-"
        && args
            .body_file
            .as_deref()
            .is_some_and(|p| p.as_os_str() == "-")
    {
        return Err(CliError(
            "--request - and --body-file - both want standard input: give one of them a file"
                .to_string(),
        ));
    }
    // Of several requests (a HAR file, a collection), the one this scheme finds a signature in.
    let signed = |r: &crate::request::import::Imported| {
        !crate::request::recognize::recognize(std::slice::from_ref(recipe), r).is_empty()
    };
    let pick = RequestPick::from_args(args, &signed);
    let (imported, raw) = parse_request_file_raw(path, args.allow_request_files, &pick)?;
    let mut mapped = crate::request::import::map(recipe, &imported, explicit);
    if let Some(e) = mapped.errors.first() {
        return Err(CliError(format!("--request {}: {e}", path.display())));
    }
    let base = crate::request::replay::Base::new(&imported, raw);
    let mut notes = imported.notes;
    // Whether the request went over https matters only to a scheme that signs the URL (and to
    // where `send` goes, which says it there).
    if !recipe.signs_kind(crate::sign::recipe::FieldKind::Url) {
        notes.retain(|n| n != crate::request::http::HTTPS_ASSUMED);
    }
    notes.append(&mut mapped.notes);
    mapped.notes = notes;
    Ok((mapped, base))
}

/// Makes a value for every missing time or nonce field, from the clock or a random source.
fn generate_missing(
    recipe: &Recipe,
    fields: &mut BTreeMap<String, String>,
) -> Result<Vec<Generated>, CliError> {
    let mut made = Vec::new();
    for f in &recipe.fields {
        if fields.contains_key(&f.name) || f.default.is_some() || !f.kind.is_generated() {
            continue;
        }
        let (value, how) = match time::time_value(f.kind, now_millis()) {
            Some(v) => (v, "now"),
            None => {
                let mut random = vec![0u8; time::nonce_bytes_needed(f)];
                getrandom::fill(&mut random)
                    .map_err(|e| CliError(format!("no random source for the nonce: {e}")))?;
                (time::nonce_value(f, &random), "a new random nonce")
            }
        };
        fields.insert(f.name.clone(), value.clone());
        made.push(Generated {
            field: f.name.clone(),
            value,
            how,
        });
    }
    Ok(made)
}

/// The clock, in Unix milliseconds.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The flags with a profile's values under them (`-P NAME`): its scheme or recipe when none is
/// given, its fields, variants and headers before the flags' own (which win), and its key when no
/// key flag is given. The key source is read here, only for commands that sign.
pub fn with_profile(args: &InputArgs) -> Result<InputArgs, CliError> {
    let mut args = args.clone();
    let Some(name) = args.profile.clone() else {
        return Ok(args);
    };
    let config = crate::config::Config::load(args.config.as_deref()).map_err(CliError)?;
    let profile = config.profile(&name).map_err(CliError)?;
    if config.plaintext.contains(&name) && !args.key_source.quiet {
        eprintln!(
            "sigscope: warning: profile `{name}` holds its key in {} (allow_plaintext_key = true)",
            config
                .path
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string())
        );
    }
    if args.scheme.is_none() && args.recipe.is_none() && args.bundle.is_none() {
        args.scheme = profile.scheme.clone();
        args.recipe = profile.recipe_path();
    }
    args.put_under(&profile.fields, &profile.variants);
    if args.headers.is_empty() {
        args.headers = profile.headers.clone();
    }
    if let (false, Some(source)) = (args.key_source.has_flag(), profile.key_source()) {
        let read = source
            .read(profile)
            .map_err(|e| CliError(format!("profile `{name}`: {e}")))?;
        if let Some(note) = read.note.filter(|_| !args.key_source.quiet) {
            eprintln!("sigscope: note: profile `{name}`: {note}");
        }
        args.key_source.profile = Some((
            Secret(read.bytes),
            format!("profile {name}, {}", source.describe()),
        ));
    }
    Ok(args)
}

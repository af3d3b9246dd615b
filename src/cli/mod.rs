//! The command line: `sign`, `providers`, and the bare command, over the pure core.

mod args;
mod files;
mod inputs;
mod key;
mod output;
mod wire;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::sign::Comparison;

pub use args::{
    Cli, Command, DiagnoseArgs, Format, InputArgs, ListFormat, ProfilesArgs, ProvidersArgs,
    SignArgs, VerdictFormat, VerifyArgs,
};
pub use inputs::{Catalog, Resolved, with_profile};
pub use key::KeySource;

/// A failure the user can fix: one line on stderr, exit 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Some(Command::Sign(args)) => sign(&args, &mut out),
        Some(Command::Verify(args)) => verify(&args, &mut out),
        Some(Command::Diagnose(args)) => diagnose(&args, &mut out),
        Some(Command::Providers(args)) => providers(&args, &mut out),
        Some(Command::Listen(args)) => wire::listen(&args, &mut out),
        Some(Command::Send(args)) => wire::send(&args, &mut out),
        Some(Command::Profiles(args)) => profiles(&args, &mut out),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "sigscope", &mut out);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { command }) => man(command.as_deref(), &mut out),
        None => match cli.resume {
            Some(n) => resume(&cli.inputs, cli.expect.as_deref(), n, &mut out),
            None => show(&cli.inputs, cli.expect.as_deref(), &mut out),
        },
    };
    // A terminal that went away (EIO, ENXIO) leaves nothing to tell: the command's own outcome
    // stands (the TUI has kept the session and chosen the exit code).
    let flushed = match out.flush() {
        Err(e) if matches!(e.raw_os_error(), Some(5 | 6)) => Ok(()),
        other => other.map_err(CliError::from),
    };
    match result.and_then(|code| flushed.map(|()| code)) {
        Ok(code) => code,
        Err(CliError(message)) if is_broken_pipe(&message) => ExitCode::SUCCESS,
        Err(CliError(message)) => {
            // One line, and nothing a terminal would act on (a stranger's file names and values
            // can be in it).
            let line = message.replace('\n', " ");
            let _ = writeln!(
                std::io::stderr(),
                "sigscope: error: {}",
                crate::sign::visible::printable(&line)
            );
            ExitCode::from(2)
        }
    }
}

/// `sigscope --resume [N]`: the Nth latest session of history, as if its values were given as
/// flags (flags given now win). History keeps no key: without a key flag or the session's
/// profile, the key starts empty and the TUI asks for it.
fn resume(
    args: &InputArgs,
    expect: Option<&str>,
    n: usize,
    out: &mut impl Write,
) -> Result<ExitCode, CliError> {
    let dir = crate::history::default_dir()
        .ok_or_else(|| CliError("--resume: no state directory (is HOME set?)".into()))?;
    let sessions = crate::history::list(&dir);
    if sessions.is_empty() {
        return Err(CliError(format!(
            "--resume: no sessions in {} yet (the TUI keeps one when you quit)",
            dir.display()
        )));
    }
    let Some((path, session)) = sessions.get(n.max(1) - 1) else {
        return Err(CliError(format!(
            "--resume {n}: {} holds {} session(s)",
            dir.display(),
            sessions.len()
        )));
    };
    let mut args = args.clone();
    if args.scheme.is_none() && args.recipe.is_none() {
        args.scheme = Some(session.scheme.clone());
        args.recipe_text = session.recipe.clone();
    }
    if args.profile.is_none() {
        args.profile = session.profile.clone();
    }
    args.put_under(&session.fields, &session.variants);
    if args.body.is_none() && args.body_file.is_none() {
        args.body = Some(os_bytes(session.body_bytes()));
    }
    if args.headers.is_empty() {
        args.headers = session
            .headers
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
    }
    let keyed = args.key_source.has_flag() || args.profile.is_some();
    let mut note = format!("reopened {}", path.display());
    if !keyed {
        args.key_source.key = Some(std::ffi::OsString::new());
        note.push_str(" · history keeps no key: type it in the Key pane");
    }
    args.start_note = Some(note);
    let expected = expect
        .map(str::to_string)
        .or_else(|| Some(session.expected.clone()).filter(|e| !e.is_empty()));
    show(&args, expected.as_deref(), out)
}

/// Bytes as an argument value (exact on Unix).
fn os_bytes(bytes: Vec<u8>) -> std::ffi::OsString {
    #[cfg(unix)]
    {
        std::os::unix::ffi::OsStringExt::from_vec(bytes)
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(&bytes).into_owned().into()
    }
}

/// The picker's profiles (their key sources read when chosen) and history sessions.
fn picker_extras(
    config: &crate::config::Config,
    recipes: &[crate::sign::Recipe],
    history: Option<&std::path::Path>,
    args: &InputArgs,
) -> Vec<crate::tui::app::Extra> {
    use crate::tui::app::{Extra, Prefill};
    let mut extras = Vec::new();
    for (name, profile) in &config.profiles {
        let Some(scheme) = profile.scheme.clone() else {
            continue;
        };
        let Some(recipe) = recipes.iter().find(|r| r.id == scheme).cloned() else {
            continue;
        };
        let flags = InputArgs {
            profile: Some(name.clone()),
            config: args.config.clone(),
            ..InputArgs::default()
        };
        let detail = match profile.key_source() {
            Some(k) => format!("key from {}", k.describe()),
            None => "no key source".to_string(),
        };
        extras.push(Extra {
            title: format!("profile {name}"),
            detail,
            scheme,
            load: Box::new(move || {
                let args = with_profile(&flags).map_err(|e| e.0)?;
                let r = Resolved::from_args(&recipe, &args, false).map_err(|e| e.0)?;
                Ok(r.prefill())
            }),
        });
    }
    let now = inputs::now_millis();
    for (_, session) in history.map(crate::history::list).unwrap_or_default() {
        if !recipes.iter().any(|r| r.id == session.scheme) {
            continue;
        }
        let detail = session.summary(now);
        let scheme = session.scheme.clone();
        extras.push(Extra {
            title: "session".to_string(),
            detail,
            scheme,
            load: Box::new(move || {
                Ok(Prefill {
                    fields: session.fields.clone(),
                    key: Vec::new(),
                    body: session.body_bytes(),
                    headers: session.headers.clone().into_bytes(),
                    choices: session.variants.clone(),
                    expected: Some(session.expected.clone()).filter(|e| !e.is_empty()),
                })
            }),
        });
    }
    extras
}

/// `sigscope profiles`: the config's profiles, their key sources named but not run.
fn profiles(args: &ProfilesArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let config = crate::config::Config::load(args.config.as_deref()).map_err(CliError)?;
    let file = config
        .path
        .as_ref()
        .map_or("(no config directory)".to_string(), |p| {
            p.display().to_string()
        });
    let rows: Vec<serde_json::Value> = config
        .profiles
        .iter()
        .map(|(name, p)| {
            serde_json::json!({
                "name": name,
                "scheme": p.scheme,
                "recipe": p.recipe_path().map(|r| r.display().to_string()),
                "fields": p.fields,
                "variants": p.variants,
                "headers": p.headers,
                "key_source": p.key_source().map(|k| k.describe()),
            })
        })
        .collect();
    if args.format == ListFormat::Json {
        let value = serde_json::json!({ "config": file, "profiles": rows });
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if config.profiles.is_empty() {
        writeln!(out, "no profiles in {file}")?;
        writeln!(
            out,
            "add one: [profiles.NAME] with scheme, fields, variants and key_env, key_file or key_command"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "profiles in {file}:")?;
    for (name, p) in &config.profiles {
        let scheme = p
            .scheme
            .clone()
            .or_else(|| p.recipe_path().map(|r| format!("recipe {}", r.display())))
            .unwrap_or_else(|| "(the default scheme)".to_string());
        let mut parts = vec![scheme];
        parts.extend(p.fields.iter().map(|(k, v)| format!("{k}={v}")));
        parts.extend(p.variants.iter().map(|(k, v)| format!("variant {k}={v}")));
        parts.push(match p.key_source() {
            Some(k) => format!("key from {}", k.describe()),
            None => "no key source".to_string(),
        });
        writeln!(out, "  {name:<14} {}", parts.join(", "))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `sigscope man [COMMAND]`: the roff page of sigscope or of one command.
fn man(command: Option<&str>, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let root = <Cli as clap::CommandFactory>::command();
    let page = match command {
        None => root,
        Some(name) => {
            let names: Vec<String> = root
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let sub = root.find_subcommand(name).cloned().ok_or_else(|| {
                CliError(format!(
                    "no command `{name}`; the commands are {}",
                    names.join(", ")
                ))
            })?;
            sub.name(format!("sigscope-{name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    clap_mangen::Man::new(page).render(out)?;
    Ok(ExitCode::SUCCESS)
}

fn is_broken_pipe(message: &str) -> bool {
    message.contains("Broken pipe")
}

/// `sigscope sign`.
fn sign(args: &SignArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let profiled = SignArgs {
        inputs: with_profile(&args.inputs)?,
        format: args.format,
        lang: args.lang,
        reveal: args.reveal,
    };
    let args = &profiled;
    let catalog = Catalog::for_inputs(&args.inputs)?;
    let recipe = catalog.pick_for(&args.inputs, true)?;
    if args.format == Format::Code && args.lang.is_none() {
        return Err(CliError(
            "--format code needs --lang: python, javascript, go, java, php, ruby or bash".into(),
        ));
    }
    if args.format != Format::Code && args.lang.is_some() {
        return Err(CliError(
            "--lang applies to --format code only (sign --format code --lang LANG)".into(),
        ));
    }
    let streamable = matches!(args.format, Format::Signature | Format::Headers);
    let resolved =
        Resolved::from_args_with(recipe, &args.inputs, catalog.bundle.as_ref(), streamable)?;
    let trace = resolved.sign(recipe)?;
    resolved.report_generated();
    if args.format == Format::Bundle {
        let bundle = crate::request::bundle::Bundle::new(
            recipe,
            &trace,
            catalog.user_text(&recipe.id),
            resolved.body_bytes().unwrap_or_default(),
            &resolved.headers,
            resolved.received.as_deref(),
        );
        out.write_all(bundle.to_json().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    if let (Format::Code, Some(lang)) = (args.format, args.lang) {
        let request = crate::code::Request {
            recipe,
            trace: &trace,
            headers: &resolved.headers,
            command: &crate::code::command(recipe, &trace.selection, lang),
        };
        let text = crate::code::generate(&request, lang).map_err(|e| CliError(e.to_string()))?;
        out.write_all(text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.format == Format::Json {
        output::write_json(out, recipe, &resolved, &trace, args.reveal)?;
        return Ok(ExitCode::SUCCESS);
    }
    output::write(out, args.format, recipe, &resolved, &trace)?;
    Ok(ExitCode::SUCCESS)
}

/// The bare command: the TUI in a terminal; the trace of the example (or of the inputs given)
/// when standard input or output is not a terminal.
fn show(
    args: &InputArgs,
    expect: Option<&str>,
    out: &mut impl Write,
) -> Result<ExitCode, CliError> {
    show_with(args, expect, out, None)
}

/// Something to do to the app before the TUI starts (`listen` hands it its listener).
type Start = Box<dyn FnOnce(&mut crate::tui::app::App)>;

/// As [`show`], with `start` run on the app before the screen opens.
fn show_with(
    args: &InputArgs,
    expect: Option<&str>,
    out: &mut impl Write,
    start: Option<Start>,
) -> Result<ExitCode, CliError> {
    let args = &with_profile(args)?;
    let catalog = Catalog::for_inputs(args)?;
    let recipe = catalog.pick_for(args, false)?;
    let mut args = args.clone();
    if !args.has_values() {
        args.example = true;
    }
    use std::io::IsTerminal;
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    // The TUI opens without a key and asks for it in the Key pane; printing needs one.
    let ask_key = terminal && !args.key_source.is_given() && !args.example;
    if ask_key {
        args.key_source.key = Some(std::ffi::OsString::new());
    }
    let resolved = Resolved::from_args_with(recipe, &args, catalog.bundle.as_ref(), false)?;
    let expect = expect.or(resolved.received.as_deref());
    if terminal {
        resolved.report_generated();
        let current = catalog
            .recipes
            .iter()
            .position(|r| r.id == recipe.id)
            .unwrap_or(0);
        let prefill = resolved.prefill();
        let random: crate::tui::app::Random = Box::new(|buf: &mut [u8]| {
            if getrandom::fill(buf).is_err() {
                buf.fill(0);
            }
        });
        let texts = catalog.user_texts();
        let config = crate::config::Config::load(args.config.as_deref()).map_err(CliError)?;
        let history = crate::history::default_dir().filter(|_| config.history > 0);
        let extras = picker_extras(&config, &catalog.recipes, history.as_deref(), &args);
        let mut app = crate::tui::app::App::new(
            catalog.recipes,
            current,
            &prefill,
            expect,
            inputs::now_millis(),
            random,
        );
        app.recipe_texts = texts;
        app.bundle = catalog.bundle.clone();
        app.extras = extras;
        app.profile = args.profile.clone();
        if ask_key {
            app.focus = crate::tui::app::Focus::Key;
            app.note("no key given: type it in the Key pane (F10: hex, base64)");
        } else if let Some(note) = &args.start_note {
            app.note(note);
        } else if let Some(dir) = &history {
            app.note(&format!(
                "this session is kept in {} when you quit (sigscope --resume reopens it)",
                dir.display()
            ));
        }
        if let Some(start) = start {
            start(&mut app);
        }
        let (app, ended) = crate::tui::run(app, inputs::now_millis)?;
        let panicked = matches!(
            ended,
            crate::tui::Ended::Panic | crate::tui::Ended::Terminal(_)
        );
        // After an internal error or a failed terminal, the edits are kept even when history is
        // off. What is said after the screen ends goes to a standard error that may be gone (a
        // closed terminal): a failed write is ignored, never a panic.
        let say = |line: String| {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "{line}");
        };
        let keep = history
            .clone()
            .or_else(|| panicked.then(crate::history::default_dir).flatten());
        if let Some(dir) = &keep {
            let session = app.session(inputs::now_millis());
            match crate::history::save(dir, &session, config.history.max(1)) {
                Ok(Some(path)) => say(format!(
                    "sigscope: the session is kept in {} (sigscope --resume reopens it)",
                    path.display()
                )),
                Ok(None) => {}
                Err(e) => say(format!(
                    "sigscope: warning: the session could not be kept in {}: {e}",
                    dir.display()
                )),
            }
        }
        return Ok(match ended {
            crate::tui::Ended::Quit => ExitCode::SUCCESS,
            crate::tui::Ended::Signal(sig) => {
                say(format!(
                    "sigscope: ended by signal {sig}; the terminal is restored"
                ));
                ExitCode::from(128u8.saturating_add(sig as u8))
            }
            crate::tui::Ended::Panic => {
                say(
                    "sigscope: stopped on an internal error (reported above); your edits are kept (never the key): sigscope --resume reopens them".to_string(),
                );
                ExitCode::from(101)
            }
            crate::tui::Ended::Terminal(e) => {
                say(format!(
                    "sigscope: the terminal failed ({e}); your edits are kept (never the key): sigscope --resume reopens them"
                ));
                ExitCode::from(1)
            }
        });
    }
    let trace = resolved.sign(recipe)?;
    resolved.report_generated();
    output::write(out, Format::Trace, recipe, &resolved, &trace)?;
    if let Some(expected) = expect {
        let matched = output::write_expectation(out, recipe, &trace, expected)?;
        return Ok(if matched {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    Ok(ExitCode::SUCCESS)
}

/// The signature to compare with: --expect, else the one a request or a bundle carried, else
/// (with --example) the one the documentation prints.
fn expected_signature<'a>(
    args: &'a VerifyArgs,
    resolved: &'a Resolved,
    recipe: &'a crate::sign::Recipe,
    command: &str,
) -> Result<&'a str, CliError> {
    if let Some(e) = &args.expect
        && e.trim().is_empty()
    {
        return Err(CliError(format!(
            "--expect is empty: give the signature to compare with ({command} --expect SIGNATURE)"
        )));
    }
    args.expect
        .as_deref()
        .or(resolved.received.as_deref())
        .or_else(|| {
            args.inputs
                .example
                .then_some(recipe.example.signature.as_deref())
                .flatten()
        })
        .ok_or_else(|| {
            CliError(if args.inputs.request.is_some() {
                if recipe.import.signature.is_empty() {
                    format!(
                        "the recipe `{}` has no [import] table, so nothing is read from the request: give --expect SIGNATURE",
                        recipe.id
                    )
                } else {
                    "the request carries no signature for this scheme: give --expect SIGNATURE"
                        .to_string()
                }
            } else if args.inputs.example {
                format!(
                    "the example of `{}` prints no signature: give --expect SIGNATURE",
                    recipe.id
                )
            } else {
                format!(
                    "{command} needs --expect SIGNATURE (or --request with the signature in it)"
                )
            })
        })
}

/// `sigscope verify`: the trace, then how the signature compares; exit 0 match, 1 mismatch.
/// A request time outside the scheme's window is a warning, not a mismatch.
fn verify(args: &VerifyArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let profiled = VerifyArgs {
        inputs: with_profile(&args.inputs)?,
        expect: args.expect.clone(),
        format: args.format,
        quiet: args.quiet,
        their_canonical: args.their_canonical.clone(),
    };
    let args = &profiled;
    let catalog = Catalog::for_inputs(&args.inputs)?;
    let recipe = catalog.pick_or_recognize(&args.inputs)?;
    // A body file the scheme hashes unchanged is streamed, as sign does (a bundle's fingerprints
    // need every stage's bytes).
    let stream = catalog.bundle.is_none();
    let resolved = Resolved::from_args_with(recipe, &args.inputs, catalog.bundle.as_ref(), stream)?;
    let expected = expected_signature(args, &resolved, recipe, "verify")?;
    let trace = resolved.sign(recipe)?;
    if !args.quiet {
        resolved.report_generated();
    }
    let set = crate::sign::compare::compare_set(recipe, trace.signature(), expected);
    let accepted = set.comparison.accepted();
    let theirs = match &args.their_canonical {
        Some(path) => {
            let bytes = files::read_file(path, "--their-canonical")?;
            let theirs = crate::wire::theirs::pasted(&trace, bytes);
            Some(crate::wire::theirs::compare(&trace, &theirs))
        }
        None => None,
    };
    let differ = catalog.bundle.as_ref().map(|b| b.differing_stages(&trace));
    let age = crate::sign::time::age(recipe, &trace.fields, inputs::now_millis())
        .and_then(Result::ok)
        .filter(|age| !age.accepted());
    let code = if accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    if args.quiet {
        return Ok(code);
    }
    if args.format == VerdictFormat::Json {
        let (verdict, reason, difference) = match &set.comparison {
            Comparison::Match => ("match", None, None),
            Comparison::Equivalent(why) => ("equivalent", Some(*why), None),
            Comparison::Mismatch {
                at,
                computed_len,
                expected_len,
            } => (
                "mismatch",
                None,
                Some(serde_json::json!({
                    "stage": trace.signature_stage,
                    "character": at,
                    "computed_len": computed_len,
                    "expected_len": expected_len,
                })),
            ),
        };
        let value = serde_json::json!({
            "scheme": recipe.id,
            "match": accepted,
            "verdict": verdict,
            "reason": reason,
            "computed": trace.signature_text(),
            "expected": set.candidate,
            "received": expected.trim(),
            "signature_index": set.index + 1,
            "signature_count": set.count,
            "difference": difference,
            "bundle_differing_stages": differ,
            "time_warning": age.as_ref().map(|a| format!("the request time is {a}")),
            "their_canonical": theirs,
        });
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(code);
    }
    output::write(out, Format::Trace, recipe, &resolved, &trace)?;
    output::write_expectation(out, recipe, &trace, expected)?;
    if let Some(bundle) = &catalog.bundle {
        writeln!(out, "bundle     {}", bundle.verdict(&trace))?;
    }
    if let Some(lines) = theirs {
        writeln!(out)?;
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    if let Some(age) = age {
        eprintln!(
            "sigscope: warning: the request time is {age}; servers refuse a request more than {} s off (a warning, not a mismatch)",
            age.window_seconds
        );
    }
    Ok(code)
}

fn diagnose(all: &DiagnoseArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let args = &all.verify;
    let profiled = VerifyArgs {
        inputs: with_profile(&args.inputs)?,
        expect: args.expect.clone(),
        format: args.format,
        quiet: args.quiet,
        their_canonical: args.their_canonical.clone(),
    };
    let args = &profiled;
    use crate::diagnose::{self, Case, Outcome};
    let catalog = Catalog::for_inputs(&args.inputs)?;
    let recipe = catalog.pick_or_recognize(&args.inputs)?;
    let resolved = Resolved::from_args_with(recipe, &args.inputs, catalog.bundle.as_ref(), false)?;
    let expected = expected_signature(args, &resolved, recipe, "diagnose")?;
    let body = resolved.body_bytes().unwrap_or_default();
    // The fields as signed (defaults and generated values included).
    let trace = resolved.sign(recipe)?;
    if !args.quiet {
        resolved.report_generated();
    }
    let case = Case {
        recipe,
        fields: &trace.fields,
        key: resolved.key.bytes(),
        body,
        headers: &resolved.headers,
        selection: &resolved.selection,
        expected,
    };
    let limits = diagnose::Limits {
        max_candidates: all.max_candidates,
        ..Default::default()
    };
    let outcome = diagnose::diagnose_with(&case, &limits).map_err(|e| CliError(e.to_string()))?;
    let code = match outcome {
        Outcome::Matches(_) | Outcome::Explained(_) => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    };
    if args.quiet {
        return Ok(code);
    }
    if args.format == VerdictFormat::Json {
        let mut value = outcome.data();
        value["match"] = serde_json::json!(matches!(outcome, Outcome::Matches(_)));
        value["scheme"] = serde_json::json!(recipe.id);
        value["expected"] = serde_json::json!(expected.trim());
        value["computed"] = serde_json::json!(trace.signature_text());
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(code);
    }
    writeln!(
        out,
        "expected   {}",
        crate::sign::visible::printable(expected.trim())
    )?;
    writeln!(out, "computed   {}", trace.signature_text())?;
    writeln!(out)?;
    for line in outcome.report() {
        writeln!(out, "{line}")?;
    }
    Ok(code)
}

/// `sigscope providers`.
fn providers(args: &ProvidersArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let catalog = Catalog::load(args.recipe.as_deref())?;
    output::write_providers(out, args.format, &catalog.recipes)?;
    Ok(ExitCode::SUCCESS)
}

//! The command line: `sign`, `providers`, and the bare command, over the pure core.

mod args;
mod files;
mod inputs;
mod key;
mod output;
mod show;
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
            Some(n) => show::resume(&cli.inputs, cli.expect.as_deref(), n, &mut out),
            None => show::show(&cli.inputs, cli.expect.as_deref(), &mut out),
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

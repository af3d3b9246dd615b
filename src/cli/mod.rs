//! The command line over the pure core: parsing, dispatch and the one-line error; `sign`,
//! `providers`, `profiles` and `man`. The flags are in args.rs, the bare command in show.rs,
//! `verify` and `diagnose` in verify.rs, `listen` and `send` in wire.rs.

mod args;
mod files;
mod inputs;
mod key;
mod learn;
mod output;
mod request_file;
mod show;
mod verify;
mod wire;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use args::{
    Cli, Command, DiagnoseArgs, Format, InputArgs, LearnArgs, LearnFormat, ListFormat,
    ProfilesArgs, ProvidersArgs, SignArgs, VerdictFormat, VerifyArgs,
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
    let cli = Cli::parse_from(hoist_global_flags(std::env::args_os().collect()));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Some(Command::Sign(args)) => sign(&args, &mut out),
        Some(Command::Verify(args)) => verify::verify(&args, &mut out),
        Some(Command::Diagnose(args)) => verify::diagnose(&args, &mut out),
        Some(Command::Learn(args)) => learn::learn(&args, &mut out),
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
            let line = cut(&message.replace('\n', " "), MAX_ERROR_CHARS);
            let _ = writeln!(
                std::io::stderr(),
                "sigscope: error: {}",
                crate::sign::visible::printable(&line)
            );
            ExitCode::from(2)
        }
    }
}

/// The flags that may come before the command as well as after it (`sigscope -p github verify
/// …`, `sigscope --config C sign …`); each takes a value.
const GLOBAL_FLAGS: &[&str] = &[
    "-p",
    "--scheme",
    "--provider",
    "-P",
    "--profile",
    "--config",
];

/// The arguments with global flags given before the command moved after its name, where the
/// command reads them; without a command (the TUI), or with anything else before it, they stay
/// as they are.
fn hoist_global_flags(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let commands: Vec<String> = <Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let mut moved = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let Some(arg) = args[i].to_str() else {
            return args;
        };
        if commands.iter().any(|c| c == arg) {
            if moved.is_empty() {
                return args;
            }
            let mut out = vec![args[0].clone(), args[i].clone()];
            out.extend(moved);
            out.extend(args[i + 1..].iter().cloned());
            return out;
        }
        let name = if arg.starts_with("--") {
            arg.split_once('=').map_or(arg, |(n, _)| n)
        } else {
            arg.get(..2).unwrap_or(arg)
        };
        if !GLOBAL_FLAGS.contains(&name) {
            return args;
        }
        moved.push(args[i].clone());
        // `--scheme=github` and `-pgithub` carry their value; `-p github` takes the next one.
        let attached = if arg.starts_with("--") {
            arg.contains('=')
        } else {
            arg.len() > 2
        };
        if !attached {
            match args.get(i + 1) {
                Some(v) => moved.push(v.clone()),
                None => return args,
            }
            i += 1;
        }
        i += 1;
    }
    args
}

/// The longest error line, in characters: a value quoted back (a 120 KB `--variant`) is cut.
const MAX_ERROR_CHARS: usize = 600;

/// A line cut to `max` characters, saying how much was left out.
fn cut(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        None => line.to_string(),
        Some((at, _)) => format!("{}… ({} more bytes)", &line[..at], line.len() - at),
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
    let main = command.is_none();
    clap_mangen::Man::new(page).render(out)?;
    if main {
        out.write_all(extra_man_sections().as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Text for roff: backslashes escaped, a line that would start with a control character guarded.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The main page's sections clap does not make: the TUI's keys (from the table that dispatches
/// them), exit status, files and environment.
fn extra_man_sections() -> String {
    use crate::tui::keys::BINDINGS;
    let mut page = String::from(".SH \"TUI KEYS\"\n");
    let mut scope = None;
    for b in BINDINGS {
        if scope != Some(b.scope) {
            scope = Some(b.scope);
            page += &format!(".SS \"{}\"\n", b.scope.title());
        }
        page += &format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_text(b.keys_label),
            roff_text(b.help)
        );
    }
    let section = |title: &str, items: &[(&str, &str)]| {
        let mut s = format!(".SH \"{title}\"\n");
        for (term, text) in items {
            s += &format!(".TP\n\\fB{}\\fR\n{}\n", roff_text(term), roff_text(text));
        }
        s
    };
    page += &section(
        "EXIT STATUS",
        &[
            (
                "0",
                "success; verify: the signature matches; diagnose: explained; learn: found; send: a 2xx answer; listen: every request matched",
            ),
            (
                "1",
                "verify: mismatch; diagnose: not explained; learn: not found; send: not 2xx (or no answer); listen: a request did not match",
            ),
            (
                "2",
                "bad usage or bad input, with one line on standard error naming what is wrong",
            ),
            (
                "128 + N",
                "the TUI ended by signal N (SIGTERM, SIGHUP, SIGINT, SIGQUIT), the terminal restored and the session kept",
            ),
        ],
    );
    page += &section(
        "FILES",
        &[
            (
                "~/.config/sigscope/config.toml",
                "the config: profiles, history limits (--config names another; the platform's config directory elsewhere)",
            ),
            (
                "~/.config/sigscope/recipes/",
                "the user's own recipes (beside the config file in use), loaded with the built-in schemes; Alt-W saves a learned one there",
            ),
            (
                "~/.local/state/sigscope/history/",
                "the TUI's sessions, one JSON file each (mode 600): never the key; bodies within history.max_body_bytes unless history.keep_bodies = false",
            ),
        ],
    );
    page += &section(
        "ENVIRONMENT",
        &[
            (
                "NO_COLOR",
                "set and not empty: the TUI draws without colours",
            ),
            (
                "XDG_CONFIG_HOME, XDG_STATE_HOME, HOME",
                "where the config, recipes and history are (on Linux)",
            ),
            (
                "DISPLAY, WAYLAND_DISPLAY",
                "a local display: copies go to the system clipboard; without one, through the terminal (OSC 52)",
            ),
            (
                "SSH_CONNECTION, SSH_TTY",
                "over SSH, copies go through the terminal (OSC 52)",
            ),
            (
                "SIGSCOPE_KEY",
                "the key the programs of sign --format code read (sigscope itself reads a key only from --key-env VAR)",
            ),
        ],
    );
    page
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
    let catalog = Catalog::for_scheme(&args.inputs)?;
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
        )
        .with_request(resolved.base.as_ref());
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

/// `sigscope providers`.
fn providers(args: &ProvidersArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let catalog = Catalog::load(args.recipe.as_deref())?;
    let query = args.query.join(" ");
    let found: Vec<&crate::sign::Recipe> = crate::sign::find::rank(&catalog.recipes, &query)
        .into_iter()
        .map(|i| &catalog.recipes[i])
        .collect();
    if found.is_empty() {
        return Err(CliError(format!(
            "no scheme answers `{query}`; `sigscope providers` lists them all"
        )));
    }
    output::write_providers(out, args.format, &found, query.is_empty())?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::hoist_global_flags;

    fn hoisted(args: &[&str]) -> Vec<String> {
        hoist_global_flags(args.iter().map(|a| a.into()).collect())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn global_flags_before_the_command_go_after_it() {
        assert_eq!(
            hoisted(&[
                "s",
                "-p",
                "github",
                "--config=c.toml",
                "verify",
                "--example"
            ]),
            [
                "s",
                "verify",
                "-p",
                "github",
                "--config=c.toml",
                "--example"
            ]
        );
        assert_eq!(
            hoisted(&["s", "-pgithub", "-P", "acme", "sign"]),
            ["s", "sign", "-pgithub", "-P", "acme"]
        );
        // The TUI (no command), or another flag first: as given.
        assert_eq!(hoisted(&["s", "-p", "github"]), ["s", "-p", "github"]);
        assert_eq!(
            hoisted(&["s", "--example", "-p", "x", "sign"]),
            ["s", "--example", "-p", "x", "sign"]
        );
        // A value that is a command's name is the flag's value.
        assert_eq!(
            hoisted(&["s", "--profile", "sign", "verify"]),
            ["s", "verify", "--profile", "sign"]
        );
    }
}

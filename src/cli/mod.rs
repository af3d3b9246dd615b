//! The command line: `sign`, `providers`, and the bare command, over the pure core.

mod files;
mod inputs;
mod key;
mod output;
mod wire;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::sign::Comparison;

pub use inputs::{Catalog, Resolved, with_profile};
pub use key::KeySource;

#[derive(Parser, Debug)]
#[command(
    name = "sigscope",
    version,
    about = "Debug HMAC request signatures: every stage of the signature, visible",
    long_about = "Debug HMAC request signatures: every stage of the signature, visible.\n\n\
        With no command, sigscope opens the terminal UI on a scheme's documented example (or on \
        the inputs given); when standard input or output is not a terminal, it prints the trace \
        instead.",
    after_help = "Examples:\n  \
        sigscope                                  the TUI on the tpns example\n  \
        sigscope -p aws-sigv4 --example           the TUI on another scheme's example\n  \
        sigscope -p tpns --request cust.curl      the TUI on a customer's request\n  \
        sigscope sign -p tpns --example --format trace\n  \
        sigscope providers",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The signature to compare with.
    #[arg(long, value_name = "SIGNATURE")]
    pub expect: Option<String>,
    /// Reopen a session from history: the latest, or the Nth latest (never with its key: give
    /// one, or it comes from the session's profile).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1")]
    pub resume: Option<usize>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign a request and print the signature, headers, trace, a ready request or code.
    #[command(after_help = "Examples:\n  \
        sigscope sign -p tpns --example --format headers\n  \
        sigscope sign -p tpns --key-env TPNS_SECRET --set access_id=1500001048 --body-file push.json\n  \
        sigscope sign -p aws-sigv4 --example --format trace\n  \
        sigscope sign -p stripe --example --format code --lang python > sign.py\n  \
        sigscope sign -p tpns --request cust.curl --format bundle > case.json")]
    Sign(SignArgs),
    /// Compare the computed signature with an expected one: exit 0 match, 1 mismatch.
    #[command(after_help = "Examples:\n  \
        sigscope verify -p tpns --key-env TPNS_SECRET --body-file push.json --expect 'NTk3…'\n  \
        sigscope verify --request webhook.http --key-env STRIPE_SECRET\n  \
        sigscope verify --bundle case.json --key-env TPNS_SECRET")]
    Verify(VerifyArgs),
    /// Find the smallest set of differences that reproduces an expected signature: exit 0
    /// explained, 1 not found.
    #[command(after_help = "Examples:\n  \
        sigscope diagnose -p moneyhoney --key-env MH_KEY --request cust.http\n  \
        sigscope diagnose -p tpns --key-env TPNS_SECRET --body-file push.json --expect 'Zm9v…'")]
    Diagnose(DiagnoseArgs),
    /// Receive requests on a local port, byte-exact, and verify each as it arrives (one line,
    /// or one JSON object, a request on standard output): exit 0 when every request matched.
    #[command(after_help = "Examples:\n  \
        sigscope listen -p github --key-env GH_SECRET\n  \
        sigscope listen -p github --key-env GH_SECRET --forward http://127.0.0.1:3000\n  \
        sigscope listen --key-env STRIPE_SECRET --port 0 --format json --save captures/\n  \
        sigscope verify --request captures/000001-1795000000000-POST.http --key-env GH_SECRET")]
    Listen(wire::ListenArgs),
    /// Sign a request and send it (the URL from the scheme's url field), then print the
    /// server's answer and timings; where the answer says what the server signed, the first line
    /// and byte where it differs from ours. Exit 0 on 2xx, 1 otherwise.
    #[command(after_help = "Examples:\n  \
        sigscope send -p github --key-env GH_SECRET --set url=http://127.0.0.1:3000/hook --body-file event.json\n  \
        sigscope send -p aws-sigv4 --key-env AWS_SECRET_ACCESS_KEY --set access_key_id=AKIA… --set url=https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\n  \
        sigscope send -p tpns --example --dry-run")]
    Send(wire::SendArgs),
    /// List the schemes (built-in, and a --recipe file's).
    #[command(after_help = "Examples:\n  \
        sigscope providers\n  \
        sigscope providers --format json\n  \
        sigscope providers --recipe acme.toml")]
    Providers(ProvidersArgs),
    /// List the profiles of the config file (their key sources named, never run).
    #[command(after_help = "Examples:\n  \
        sigscope profiles\n  \
        sigscope profiles --config ./team.toml --format json\n  \
        sigscope -P acme                          the TUI on a profile\n  \
        sigscope sign -P acme --body-file push.json")]
    Profiles(ProfilesArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = "Examples:\n  \
        sigscope completions bash > ~/.local/share/bash-completion/completions/sigscope\n  \
        sigscope completions zsh > ~/.zfunc/_sigscope\n  \
        sigscope completions fish > ~/.config/fish/completions/sigscope.fish")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of sigscope or of one of its commands.
    #[command(after_help = "Examples:\n  \
        sigscope man | man -l -\n  \
        sigscope man sign > sigscope-sign.1")]
    Man {
        /// The command whose page to print (the main page when none).
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The signature to compare with.
    #[arg(long, value_name = "SIGNATURE")]
    pub expect: Option<String>,
    /// What to print: the readable verdict, or one JSON object (fields in the README).
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
    /// Print nothing; the exit code is the verdict (errors still get their line on stderr).
    #[arg(long, short = 'q', conflicts_with = "format")]
    pub quiet: bool,
    /// The string the server says it signed (its canonical request or string to sign, pasted
    /// into a file): the first line and byte where it differs from ours.
    #[arg(long, value_name = "PATH")]
    pub their_canonical: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    pub verify: VerifyArgs,
    /// Signings to try at most before stopping with "searched N of M candidates".
    #[arg(long, value_name = "N", default_value_t = crate::diagnose::DEFAULT_MAX_CANDIDATES)]
    pub max_candidates: usize,
}

/// Output formats of `verify` and `diagnose`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerdictFormat {
    Text,
    Json,
}

/// The inputs of a signature, shared by every command.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// The scheme (see `sigscope providers`).
    #[arg(
        short = 'p',
        long = "scheme",
        visible_alias = "provider",
        value_name = "SCHEME"
    )]
    pub scheme: Option<String>,
    /// A scheme field, NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub key_source: KeySource,
    /// The body, as text.
    #[arg(long, value_name = "TEXT", group = "body_source")]
    pub body: Option<OsString>,
    /// The body, from a file (exact bytes; `-` is standard input).
    #[arg(long, value_name = "PATH", group = "body_source")]
    pub body_file: Option<PathBuf>,
    /// A variant choice, NAME=CHOICE (repeatable).
    #[arg(long = "variant", value_name = "NAME=CHOICE")]
    pub variants: Vec<String>,
    /// A request header `Name: value` (repeatable): the header list of schemes that sign headers
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Use a scheme from a recipe file (the README's "Writing a recipe").
    #[arg(long, value_name = "PATH")]
    pub recipe: Option<PathBuf>,
    /// Start from the scheme's documented example; explicit flags override its values.
    #[arg(long)]
    pub example: bool,
    /// Take fields, body and the received signature from a raw HTTP request or a curl command
    /// line (`-` is standard input); explicit flags win over its values.
    #[arg(long, value_name = "PATH")]
    pub request: Option<PathBuf>,
    /// Load a redacted repro bundle (everything but the key; see `sign --format bundle`).
    #[arg(long, value_name = "PATH")]
    pub bundle: Option<PathBuf>,
    /// Read the local files a --request curl line names (`-d @file`); off by default, since a
    /// customer's line can name any file. Standard input and devices are never read.
    #[arg(long)]
    pub allow_request_files: bool,
    /// Start from a profile of the config file: its scheme, fields, variants and key source
    /// (explicit flags win).
    #[arg(short = 'P', long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file (default: config.toml in the platform's config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// A recipe's text to use (a resumed session's scheme that is not built in).
    #[arg(skip)]
    pub recipe_text: Option<String>,
    /// A line for the TUI's status bar at start.
    #[arg(skip)]
    pub start_note: Option<String>,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Signature)]
    pub format: Format,
    /// The language of `--format code`: python, javascript, go, java, php, ruby or bash.
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::code::Lang>,
    /// In `--format json`, the exact bytes of stages that hold the key (or a key derived from
    /// it) and of secret fields, which are masked otherwise.
    #[arg(long)]
    pub reveal: bool,
}

fn parse_lang(name: &str) -> Result<crate::code::Lang, String> {
    crate::code::Lang::parse(name).ok_or_else(|| {
        let names: Vec<&str> = crate::code::Lang::ALL.iter().map(|l| l.name()).collect();
        format!(
            "unknown language `{name}`; choose one of {}",
            names.join(", ")
        )
    })
}

/// Output formats of `sign`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The signature alone.
    Signature,
    /// The lines that carry it: headers (with the request line when it goes in the query, and
    /// the body when it goes in the body).
    Headers,
    /// One JSON object: signature, stages, placement, fields.
    Json,
    /// Every stage, made readable.
    Trace,
    /// A curl command line.
    Curl,
    /// A raw HTTP/1.1 request.
    Http,
    /// A redacted repro bundle (JSON): everything but the key, and a fingerprint of each stage.
    Bundle,
    /// A program in `--lang` that computes this signature, stage by stage (the key from
    /// SIGSCOPE_KEY, the body from a file or standard input).
    Code,
}

#[derive(Args, Debug)]
pub struct ProvidersArgs {
    /// Also list the scheme of this recipe file.
    #[arg(long, value_name = "PATH")]
    pub recipe: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct ProfilesArgs {
    /// The config file (default: config.toml in the platform's config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Json,
}

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

impl InputArgs {
    /// Puts field values and variant choices under the flags' own (which come later, and win).
    pub fn put_under(
        &mut self,
        fields: &std::collections::BTreeMap<String, String>,
        variants: &std::collections::BTreeMap<String, String>,
    ) {
        let pairs = |m: &std::collections::BTreeMap<String, String>| -> Vec<String> {
            m.iter().map(|(k, v)| format!("{k}={v}")).collect()
        };
        let mut set = pairs(fields);
        set.append(&mut self.set);
        self.set = set;
        let mut chosen = pairs(variants);
        chosen.append(&mut self.variants);
        self.variants = chosen;
    }

    /// Whether any input value was given (a scheme or recipe alone is not a value).
    pub fn has_values(&self) -> bool {
        !self.set.is_empty()
            || self.key_source.is_given()
            || self.body.is_some()
            || self.body_file.is_some()
            || !self.variants.is_empty()
            || self.example
            || self.request.is_some()
            || self.bundle.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

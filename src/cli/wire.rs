//! `sigscope listen` and `sigscope send`: the command line over [`crate::wire`].

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::inputs::Catalog;
use super::key::KeySource;
use super::{CliError, InputArgs, VerdictFormat, with_profile};
use crate::wire::client::{Target, Tls};
use crate::wire::http1::Limits;
use crate::wire::listen::{self, Respond};
use crate::wire::show::{body_lines, head_lines, mask_key, millis};
use crate::wire::verdict::Judge;

use crate::wire::listen::DEFAULT_PORT;

/// What `listen` takes of the input flags: the scheme, the key, fields and variants (a request's
/// body, headers and signature come from the wire).
#[derive(Args, Debug, Clone)]
#[command(mut_args(listen_key_hex_help))]
pub struct ListenInputs {
    /// The scheme (see `sigscope providers`); without it, each request's is recognized.
    #[arg(
        short = 'p',
        long = "scheme",
        visible_alias = "provider",
        value_name = "SCHEME"
    )]
    pub scheme: Option<String>,
    /// A field that wins over the request's, NAME=VALUE (repeatable): the URL a sender signed
    /// before a tunnel changed it, say.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub key_source: KeySource,
    /// A variant choice, NAME=CHOICE (repeatable).
    #[arg(long = "variant", value_name = "NAME=CHOICE")]
    pub variants: Vec<String>,
    /// Use a scheme from a recipe file.
    #[arg(long, value_name = "PATH")]
    pub recipe: Option<PathBuf>,
    /// Start from a profile of the config file: its scheme, variants and key source.
    #[arg(short = 'P', long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file (default: config.toml in the platform's config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// listen's page has always given --key-hex a shorter line than the other pages; it stayed as it
/// was when the key flags became one struct. (`mut_arg` would move the flag to the end of the
/// completion scripts; `mut_args` keeps every flag in its place.)
fn listen_key_hex_help(arg: clap::Arg) -> clap::Arg {
    if arg.get_id() == "key_hex" {
        arg.help("The key, as hex digits")
    } else {
        arg
    }
}

impl ListenInputs {
    fn input_args(&self) -> InputArgs {
        InputArgs {
            scheme: self.scheme.clone(),
            set: self.set.clone(),
            key_source: self.key_source.clone(),
            variants: self.variants.clone(),
            recipe: self.recipe.clone(),
            profile: self.profile.clone(),
            config: self.config.clone(),
            ..InputArgs::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct ListenArgs {
    #[command(flatten)]
    pub inputs: ListenInputs,
    /// The port (0 picks a free one, named on the first line of standard error).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// The address to listen on; anything but loopback lets other machines send to it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The answer: a status (200 unless told), or `verdict` (200 on a match, 401 otherwise).
    /// The text is one fixed line per outcome; `verdict-detail` adds where the signatures
    /// differ and what diagnose found, which lets a sender forge a signature (for a sender you
    /// own, on loopback). With --forward, the app's answer is relayed instead.
    #[arg(long, value_name = "STATUS", default_value = "200")]
    pub respond: Respond,
    /// Pass each request on to an app (same bytes, the target under this URL's path) and
    /// answer with the app's answer.
    #[arg(long, value_name = "URL", value_parser = Target::parse)]
    pub forward: Option<Target>,
    /// Write each request to this folder as a raw HTTP file (`--request` reads it back).
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,
    /// One line a request, or one JSON object a line.
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
    /// Stop after N requests.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Bytes a body may have (413 past it).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body)]
    pub max_body_bytes: usize,
    /// Bytes a request head may have (431 past it).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_head)]
    pub max_header_bytes: usize,
    /// Seconds a sender may take from a request's first byte to the end of its head (408 past
    /// it).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub header_timeout: f64,
    /// Seconds a kept-alive connection may idle, and a body may pause.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub idle_timeout: f64,
    /// Connections at once (one more gets 503).
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_connections: usize,
    /// Signings a diagnose of a mismatch may try.
    #[arg(long, value_name = "N", default_value_t = crate::diagnose::DEFAULT_MAX_CANDIDATES)]
    pub max_candidates: usize,
    /// Trust this PEM certificate (and the system's roots) for an https --forward.
    #[arg(long, value_name = "PATH")]
    pub cacert: Option<PathBuf>,
}

fn seconds(flag: &str, s: f64) -> Result<Duration, CliError> {
    if s.is_finite() && s > 0.0 && s < 1e7 {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(CliError(format!(
            "{flag} {s}: give a number of seconds above 0"
        )))
    }
}

/// `sigscope listen`.
pub fn listen(args: &ListenArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let inputs = with_profile(&args.inputs.input_args())?;
    let catalog = Catalog::for_inputs(&inputs)?;
    let fixed = match inputs.scheme.as_deref() {
        Some(_) => {
            let recipe = catalog.pick_for(&inputs, true)?;
            catalog.recipes.iter().position(|r| r.id == recipe.id)
        }
        None => None,
    };
    if !inputs.key_source.is_given() {
        return Err(CliError(format!(
            "no key: give {} (every request is verified with it)",
            KeySource::FLAGS
        )));
    }
    let key = inputs.key_source.read(None)?;
    let mut given = BTreeMap::new();
    for item in &inputs.set {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| CliError(format!("--set `{item}`: expected NAME=VALUE")))?;
        given.insert(name.to_string(), value.to_string());
    }
    let mut choices = BTreeMap::new();
    for item in &inputs.variants {
        let (name, choice) = item
            .split_once('=')
            .ok_or_else(|| CliError(format!("--variant `{item}`: expected NAME=CHOICE")))?;
        choices.insert(name.to_string(), choice.to_string());
    }
    if let Some(i) = fixed {
        catalog.recipes[i]
            .select(choices.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| CliError(format!("--variant: {e}")))?;
    }
    let mut judge = Judge::new(
        catalog.recipes.clone(),
        fixed,
        key.bytes().to_vec(),
        choices,
        given,
    );
    judge.max_candidates = args.max_candidates;
    let tls = match (&args.forward, &args.cacert) {
        (Some(t), _) if t.tls => Some(Tls::new(args.cacert.as_deref()).map_err(CliError)?),
        _ => None,
    };
    let options = listen::Options {
        bind: SocketAddr::new(args.bind, args.port),
        limits: Limits {
            max_head: args.max_header_bytes.max(256),
            max_body: args.max_body_bytes,
            header_timeout: seconds("--header-timeout", args.header_timeout)?,
            idle_timeout: seconds("--idle-timeout", args.idle_timeout)?,
        },
        respond: args.respond,
        forward: args.forward.clone(),
        tls,
        save: args.save.clone(),
        max_connections: args.max_connections.max(1),
    };
    let listener = listen::start(options, Arc::new(judge)).map_err(|e| {
        let mut m = format!("cannot listen on {}:{}: {e}", args.bind, args.port);
        if e.kind() == std::io::ErrorKind::AddrInUse {
            m.push_str(" (--port 0 picks a free port)");
        }
        if let Some(dir) = &args.save
            && !dir.is_dir()
        {
            m = if dir.exists() {
                format!("--save {}: not a folder", dir.display())
            } else {
                format!("--save {}: {e}", dir.display())
            };
        }
        CliError(m)
    })?;
    // The contract's first line, in a terminal too (it stays above the screen when it closes).
    eprintln!("listening on http://{}", listener.addr);
    if !args.bind.is_loopback() {
        eprintln!(
            "sigscope: warning: listening on {}, which other machines can reach: every request they send is captured and answered",
            args.bind
        );
        if args.respond == Respond::VerdictDetail && args.forward.is_none() {
            eprintln!(
                "sigscope: warning: --respond verdict-detail tells every sender where its signature goes wrong, which lets anyone who reaches {} forge one",
                args.bind
            );
        }
    }
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && args.format == VerdictFormat::Text
        && args.count.is_none()
    {
        // In a terminal: the TUI, its list of received requests open.
        let scheme = fixed.map(|i| catalog.recipes[i].id.clone());
        let mut tui_inputs = inputs.clone();
        tui_inputs.set.clear();
        return super::show_with(
            &tui_inputs,
            None,
            out,
            Some(Box::new(move |app| app.listening(listener, scheme))),
        );
    }
    let scheme = match fixed {
        Some(i) => format!("scheme {}", catalog.recipes[i].id),
        None => "the scheme each request reads as".to_string(),
    };
    let forward = args.forward.as_ref().map_or(String::new(), |t| {
        format!(", forwarding to {}{}", t.origin(), t.path)
    });
    eprintln!("sigscope: verifying with {scheme}{forward}; Ctrl-C stops");
    let mut all_matched = true;
    // Lines are written in blocks while captures are waiting, and flushed as soon as none is:
    // a reader sees each line at once, and a burst costs one write, not one a line.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut seen = 0u64;
    loop {
        let capture = match listener.captures.try_recv() {
            Ok(c) => c,
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                out.flush()?;
                match listener.captures.recv() {
                    Ok(c) => c,
                    Err(_) => break,
                }
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
        };
        seen += 1;
        all_matched &= capture.verdict.as_ref().is_some_and(|v| v.matched());
        match args.format {
            VerdictFormat::Json => {
                serde_json::to_writer(&mut out, &capture.json())?;
                writeln!(out)?;
            }
            VerdictFormat::Text => writeln!(out, "{}", capture.line())?,
        }
        if args.count.is_some_and(|n| seen >= n) {
            break;
        }
    }
    out.flush()?;
    Ok(if all_matched {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[derive(Args, Debug)]
pub struct SendArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Trust this PEM certificate besides the system's roots (a test server's, say).
    #[arg(long, value_name = "PATH")]
    pub cacert: Option<PathBuf>,
    /// Seconds to wait for the connection, and for each part of the answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Bytes of the answer's body to read at most.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body)]
    pub max_body_bytes: usize,
    /// The request, the answer and the comparisons as text, or one JSON object.
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
    /// Print the request that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `sigscope send`: sign, send, print the answer; exit 0 on 2xx, 1 otherwise.
pub fn send(args: &SendArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    use crate::request::export;
    let inputs = with_profile(&args.inputs)?;
    let catalog = Catalog::for_inputs(&inputs)?;
    let recipe = catalog.pick_or_recognize(&inputs)?;
    let resolved =
        super::Resolved::from_args_with(recipe, &inputs, catalog.bundle.as_ref(), false)?;
    let trace = resolved.sign(recipe)?;
    resolved.report_generated();
    let request = export::build(&trace.placement, resolved.body_bytes().unwrap_or_default())
        .map_err(|e| CliError(e.to_string()))?;
    if request.url.is_empty() {
        return Err(CliError(format!(
            "send needs the request's URL: give --set url=https://… (the scheme `{}` has no URL here)",
            recipe.id
        )));
    }
    let target = Target::parse(&request.url).map_err(CliError)?;
    let bytes = request.to_wire().map_err(|e| CliError(e.to_string()))?;
    let key = resolved.key.bytes();
    let head_len = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(bytes.len(), |p| p + 4);
    let json = args.format == VerdictFormat::Json;
    if !json {
        writeln!(out, "* {} {}", request.method, target.origin())?;
        for line in head_lines(&bytes[..head_len], "> ", key) {
            writeln!(out, "{line}")?;
        }
        if head_len < bytes.len() {
            // The body as sent (not re-indented): its lines, up to 40 of them.
            writeln!(out, ">")?;
            let body = &bytes[head_len..];
            match std::str::from_utf8(body) {
                Ok(text) => {
                    let lines: Vec<&str> = text.split('\n').collect();
                    for line in lines.iter().take(40) {
                        let line =
                            crate::sign::visible::printable(&mask_key(line, key)).into_owned();
                        writeln!(out, "> {line}")?;
                    }
                    if lines.len() > 40 {
                        writeln!(out, "> … {} more lines", lines.len() - 40)?;
                    }
                }
                Err(_) => writeln!(out, "> ({} bytes, not UTF-8)", body.len())?,
            }
        }
        writeln!(out)?;
    }
    if args.dry_run {
        if json {
            let value = serde_json::json!({
                "request": String::from_utf8_lossy(&bytes[..head_len]).to_string(),
                "sent": false,
            });
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let timeout = seconds("--timeout", args.timeout)?;
    let limits = Limits {
        max_head: Limits::default().max_head,
        max_body: args.max_body_bytes,
        header_timeout: timeout,
        idle_timeout: timeout,
    };
    let tls = if target.tls {
        Some(Tls::new(args.cacert.as_deref()).map_err(CliError)?)
    } else {
        None
    };
    let exchange = match crate::wire::client::exchange(
        &target,
        &bytes,
        tls.as_ref(),
        &limits,
        request.method == "HEAD",
    ) {
        Ok(x) => x,
        Err(e) => {
            eprintln!(
                "sigscope: error: {}",
                crate::sign::visible::printable(&e.replace('\n', " "))
            );
            return Ok(ExitCode::from(1));
        }
    };
    let response = &exchange.response;
    let theirs = crate::wire::theirs::from_response(&response.body);
    let compared: Vec<(String, Vec<String>)> = theirs
        .iter()
        .map(|t| (t.stage.to_string(), crate::wire::theirs::compare(&trace, t)))
        .collect();
    if json {
        let value = serde_json::json!({
            "request": mask_key(&String::from_utf8_lossy(&bytes[..head_len]), key),
            "status": exchange.status,
            "reason": response.head.start[2],
            "headers": response.head.headers.iter().map(|(n, v)| serde_json::json!({
                "name": n, "value": String::from_utf8_lossy(v),
            })).collect::<Vec<_>>(),
            "body": String::from_utf8_lossy(&response.body),
            "timings_ms": {
                "connect": exchange.connect.as_secs_f64() * 1000.0,
                "wait": exchange.wait.as_secs_f64() * 1000.0,
                "total": exchange.total.as_secs_f64() * 1000.0,
            },
            "their_strings": compared.iter().map(|(stage, lines)| serde_json::json!({
                "stage": stage, "report": lines,
            })).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
    } else {
        for line in head_lines(&response.raw[..response.head.len], "< ", key) {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "<")?;
        for line in body_lines(&response.body, key) {
            writeln!(out, "{line}")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "* {} {} · connect {} · answer {} · total {}{}",
            exchange.status,
            response.head.start[2],
            millis(exchange.connect),
            millis(exchange.wait),
            millis(exchange.total),
            if response.chunked { " · chunked" } else { "" }
        )?;
        for (_, lines) in &compared {
            writeln!(out)?;
            for line in lines {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(if (200..300).contains(&exchange.status) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

//! `sigscope listen` and `sigscope send`: the command line over [`crate::wire`].

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::inputs::{Catalog, resolve_key};
use super::{CliError, InputArgs, VerdictFormat, with_profile};
use crate::wire::client::{Target, Tls};
use crate::wire::http1::Limits;
use crate::wire::listen::{self, Respond};
use crate::wire::verdict::Judge;

/// The port `listen` takes when none is given.
pub const DEFAULT_PORT: u16 = 8787;

#[derive(Args, Debug)]
pub struct ListenArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The port (0 picks a free one, named on the first line of standard error).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// The address to listen on; anything but loopback lets other machines send to it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The answer: a status (200 unless told), or `verdict` (200 on a match, 401 otherwise).
    /// With --forward, the app's answer is relayed instead.
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

/// The flags of another command that mean nothing to `listen`, whose requests come from the wire.
fn refuse_request_flags(args: &InputArgs, command: &str) -> Result<(), CliError> {
    let given = [
        (args.body.is_some(), "--body"),
        (args.body_file.is_some(), "--body-file"),
        (args.request.is_some(), "--request"),
        (args.bundle.is_some(), "--bundle"),
        (!args.headers.is_empty(), "--header"),
    ];
    if let Some((_, flag)) = given.iter().find(|(g, _)| *g) {
        return Err(CliError(format!(
            "{command} takes each request from the wire: {flag} does not apply"
        )));
    }
    Ok(())
}

/// `sigscope listen`.
pub fn listen(args: &ListenArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let inputs = with_profile(&args.inputs)?;
    refuse_request_flags(&inputs, "listen")?;
    let catalog = Catalog::for_inputs(&inputs)?;
    let fixed = match inputs.scheme.as_deref() {
        Some(_) => {
            let recipe = catalog.pick_for(&inputs, true)?;
            catalog.recipes.iter().position(|r| r.id == recipe.id)
        }
        None => None,
    };
    let example_key = (inputs.example)
        .then(|| fixed.map(|i| catalog.recipes[i].example.key.as_str()))
        .flatten();
    let key = resolve_key(&inputs, example_key)?;
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
            m = format!("--save {}: {e}", dir.display());
        }
        CliError(m)
    })?;
    eprintln!("listening on http://{}", listener.addr);
    if !args.bind.is_loopback() {
        eprintln!(
            "sigscope: warning: listening on {}, which other machines can reach: every request they send is captured and answered",
            args.bind
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
    for (seen, capture) in (1u64..).zip(listener.captures.iter()) {
        all_matched &= capture.verdict.as_ref().is_some_and(|v| v.matched());
        match args.format {
            VerdictFormat::Json => {
                serde_json::to_writer(&mut *out, &capture.json())?;
                writeln!(out)?;
            }
            VerdictFormat::Text => writeln!(out, "{}", capture.line())?,
        }
        out.flush()?;
        if args.count.is_some_and(|n| seen >= n) {
            break;
        }
    }
    Ok(if all_matched {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

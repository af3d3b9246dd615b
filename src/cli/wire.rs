//! `sigscope listen` and `sigscope send`: the command line over [`crate::wire`].

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::args::{ListenArgs, SendArgs, VerdictFormat};
use super::inputs::Catalog;
use super::key::KeySource;
use super::{CliError, with_profile};
use crate::wire::client::{Target, Tls};
use crate::wire::http1::Limits;
use crate::wire::listen::{self, Respond};
use crate::wire::show::{body_lines, head_lines, mask_key, millis};
use crate::wire::verdict::Judge;

fn seconds(flag: &str, s: f64) -> Result<Duration, CliError> {
    // Below 10 ms every connection would be cut before it could speak.
    if s.is_finite() && (0.01..1e7).contains(&s) {
        Ok(Duration::from_secs_f64(s))
    } else {
        // Written short: 1e-300 as 1e-300, not three hundred zeros.
        let shown = if s != 0.0 && (s.abs() < 1e-3 || s.abs() >= 1e9) {
            format!("{s:e}")
        } else {
            format!("{s}")
        };
        Err(CliError(format!(
            "{flag} {shown}: give a number of seconds from 0.01 to 10000000"
        )))
    }
}

/// How long a stopping listen waits for the requests in flight to finish.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

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
    let public = fixed.is_some_and(|i| catalog.recipes[i].public_key());
    let keys: Vec<Vec<u8>> = inputs
        .key_source
        .read_keys(None, public)?
        .into_iter()
        .map(|(k, _)| k.bytes().to_vec())
        .collect();
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
    let mut judge = Judge::new(catalog.recipes.clone(), fixed, keys, choices, given);
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
        forward_timeout: seconds("--forward-timeout", args.forward_timeout)?,
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
        return super::show::show_with(&tui_inputs, None, out, Some((listener, scheme)));
    }
    let scheme = match fixed {
        Some(i) => format!("scheme {}", catalog.recipes[i].id),
        None => "the scheme each request reads as".to_string(),
    };
    let forward = args.forward.as_ref().map_or(String::new(), |t| {
        format!(", forwarding to {}{}", t.origin(), t.path)
    });
    eprintln!("sigscope: verifying with {scheme}{forward}; Ctrl-C stops");
    // SIGTERM, SIGINT or SIGHUP: stop accepting, let the requests in flight finish (up to
    // STOP_GRACE), write every line and exit as --count does; a second signal exits at once (130).
    let signalled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&signalled))
            .and_then(|_| signal_hook::flag::register(sig, Arc::clone(&signalled)))
            .map_err(|e| CliError(format!("cannot handle signals: {e}")))?;
    }
    let mut stop_by: Option<std::time::Instant> = None;
    let mut all_matched = true;
    // Lines are written in blocks while captures are waiting, and flushed as soon as none is:
    // a reader sees each line at once, and a burst costs one write, not one a line.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut seen = 0u64;
    loop {
        if stop_by.is_none() && signalled.load(std::sync::atomic::Ordering::SeqCst) {
            listener.stop();
            stop_by = Some(std::time::Instant::now() + STOP_GRACE);
        }
        let capture = match listener.captures.try_recv() {
            Ok(c) => c,
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                out.flush()?;
                if let Some(by) = stop_by
                    && ((listener.in_flight() == 0 && listener.open() == 0)
                        || std::time::Instant::now() >= by)
                {
                    // Every request in flight has finished (or the grace is over), and every
                    // line it made is written.
                    match listener.captures.try_recv() {
                        Ok(c) => c,
                        Err(_) => break,
                    }
                } else {
                    match listener
                        .captures
                        .recv_timeout(std::time::Duration::from_millis(50))
                    {
                        Ok(c) => c,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                    }
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

/// `sigscope send`: sign, send, print the answer; exit 0 on 2xx, 1 otherwise.
pub fn send(args: &SendArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let mut inputs = with_profile(&args.inputs)?;
    let catalog = Catalog::for_inputs(&inputs)?;
    let recipe = catalog.pick_or_recognize(&inputs)?;
    let url = args.url.as_deref().or(args.url_arg.as_deref());
    if let Some(url) = url {
        if !url.starts_with("http://") && !url.starts_with("https://") {
            return Err(CliError(format!(
                "the URL `{url}` is not an http:// or https:// URL"
            )));
        }
        // A scheme that signs its URL signs this one.
        if let Some(field) = recipe
            .fields
            .iter()
            .find(|f| f.kind == crate::sign::recipe::FieldKind::Url)
            && !inputs
                .set
                .iter()
                .any(|s| s.starts_with(&format!("{}=", field.name)))
        {
            inputs.set.push(format!("{}={url}", field.name));
        }
    }
    let resolved =
        super::Resolved::from_args_with(recipe, &inputs, catalog.bundle.as_ref(), false)?;
    let trace = resolved.sign(recipe)?;
    resolved.report_generated();
    let mut replay = resolved.replay(recipe, &trace);
    replay.url_from_trace |= url.is_some();
    let mut placement = trace.placement.clone();
    if let Some(url) = url {
        // A scheme that does not sign its URL is sent to this one.
        placement.url = url.to_string();
    }
    let mut request = replay
        .build(&placement, resolved.body_bytes().unwrap_or_default())
        .map_err(|e| CliError(e.to_string()))?;
    if let Some(to) = &args.to {
        request.url = crate::request::replay::retarget(&request.url, to).map_err(CliError)?;
    }
    if url.is_none()
        && args.to.is_none()
        && resolved.base.as_ref().is_some_and(|b| b.raw.is_some())
        && request.url.starts_with("https://")
        && !recipe.signs_kind(crate::sign::recipe::FieldKind::Url)
    {
        eprintln!(
            "sigscope: note: raw HTTP does not say the scheme: sent over https (--url or --to to change)"
        );
    }
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

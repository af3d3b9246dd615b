//! `learn`: the scheme of genuine requests, found by the core's search and printed as a recipe
//! (or JSON); what it found, or what it searched, on standard error; progress when that is a
//! terminal.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::CliError;
use super::args::{InputArgs, LearnArgs, LearnFormat};
use super::inputs::with_profile;
use super::request_file::{RequestPick, parse_request_file};
use crate::learn::{self, End, Limits};

pub fn learn(args: &LearnArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    if args.max_candidates == 0 {
        return Err(CliError(
            "--max-candidates 0 leaves nothing to search: give 1 or more".to_string(),
        ));
    }
    let inputs = with_profile(&InputArgs {
        key_source: args.key_source.clone(),
        profile: args.profile.clone(),
        config: args.config.clone(),
        ..InputArgs::default()
    })?;
    if !inputs.key_source.is_given() {
        return Err(CliError(
            "learn needs the key the requests were signed with: --key-env NAME, --key-file PATH, --key, --key-hex or --key-base64".to_string(),
        ));
    }
    let key = inputs.key_source.read(None)?;
    let stdin_requests = args.request.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_requests > 1 {
        return Err(CliError(
            "--request - is given more than once: standard input holds one request".to_string(),
        ));
    }
    let requests = args
        .request
        .iter()
        .map(|p| {
            let pick = RequestPick {
                entry: args.entry.as_deref(),
                environment: args.environment.as_deref(),
                signed: None,
            };
            parse_request_file(p, args.allow_request_files, &pick)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let progress = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let shown = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let (progress, done) = (progress.clone(), done.clone());
        std::thread::spawn(move || {
            let mut last = 0;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(150));
                let n = progress.load(Ordering::Relaxed);
                if n != last {
                    last = n;
                    eprint!("\rsigscope: learning… {n} constructions tried");
                }
            }
            if last > 0 {
                eprint!("\r\x1b[K");
            }
        })
    });
    let started = Instant::now();
    let limits = Limits {
        max_candidates: args.max_candidates,
        cancel: None,
        progress: Some(&progress),
    };
    let result = learn::learn(&requests, key.bytes(), &limits);
    done.store(true, Ordering::Relaxed);
    if let Some(t) = shown {
        let _ = t.join();
    }
    let millis = started.elapsed().as_millis();
    let outcome = result.map_err(CliError)?;
    match outcome {
        Ok(found) => {
            if args.format == LearnFormat::Json {
                let value = serde_json::json!({
                    "found": true,
                    "description": found.description,
                    "signature": {
                        "source": found.site.place.source(),
                        "where": found.site.words(),
                        "encoding": found.site.encoding.words(),
                    },
                    "hash": found.hit.how.alg.word(),
                    "construction": match found.hit.how.mac {
                        learn::search::Mac::Hmac => "hmac",
                        learn::search::Mac::KeyFirst => "hash-key-first",
                        learn::search::Mac::KeyLast => "hash-key-last",
                        learn::search::Mac::RsaPkcs1 => "rsa-pkcs1",
                        learn::search::Mac::Verified => "verified",
                    },
                    "key_form": found.hit.how.key.words(),
                    "parts": found.parts,
                    "separator": found.hit.joiner,
                    "fields_differ": found.differ,
                    "fields_equal": found.equal,
                    "requests": requests.len(),
                    "tried": found.tried,
                    "millis": millis,
                    "recipe": found.recipe,
                });
                serde_json::to_writer_pretty(&mut *out, &value)?;
                writeln!(out)?;
            } else {
                out.write_all(found.recipe.as_bytes())?;
            }
            if !args.quiet {
                eprintln!(
                    "sigscope: learned from {} request{} ({} constructions tried, {millis} ms): {}",
                    requests.len(),
                    if requests.len() == 1 { "" } else { "s" },
                    found.tried,
                    found.description
                );
                if requests.len() > 1 {
                    if !found.differ.is_empty() {
                        eprintln!(
                            "sigscope: fields (they differ between the requests): {}",
                            found.differ.join(", ")
                        );
                    }
                    if !found.equal.is_empty() {
                        eprintln!(
                            "sigscope: equal in every request (may be constants): {}",
                            found.equal.join(", ")
                        );
                    }
                }
                eprintln!(
                    "sigscope: the recipe verifies {}; check another with: sigscope verify --recipe FILE --request OTHER (and the key flag)",
                    if requests.len() == 1 {
                        "the request".to_string()
                    } else {
                        format!("all {} requests", requests.len())
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(nf) => {
            let why = match nf.end {
                End::Budget => format!(
                    "stopped at --max-candidates {} ({} constructions tried, {millis} ms)",
                    args.max_candidates, nf.tried
                ),
                End::Cancelled => format!("cancelled after {} constructions", nf.tried),
                End::Exhausted | End::Found => format!(
                    "no construction gives the signature ({} tried, {millis} ms)",
                    nf.tried
                ),
            };
            if args.format == LearnFormat::Json {
                let value = serde_json::json!({
                    "found": false,
                    "why": why,
                    "searched": nf.searched,
                    "refused": nf.refused,
                    "tried": nf.tried,
                    "millis": millis,
                });
                serde_json::to_writer_pretty(&mut *out, &value)?;
                writeln!(out)?;
            }
            if !args.quiet {
                eprintln!("sigscope: not found: {why}");
                eprintln!("sigscope: searched {}", nf.searched);
                for r in nf.refused.iter().take(5) {
                    eprintln!("sigscope: refused: {r}");
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

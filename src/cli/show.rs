//! The bare command: the TUI in a terminal, the trace when standard input or output is not one;
//! `--resume` (a session of history as flags); and the picker's profiles and sessions.

use std::io::Write;
use std::process::ExitCode;

use super::CliError;
use super::args::{Format, InputArgs};
use super::inputs::{self, Catalog, Resolved, with_profile};
use super::output;

/// The bare command: the TUI in a terminal; the trace of the example (or of the inputs given)
/// when standard input or output is not a terminal.
pub fn show(
    args: &InputArgs,
    expect: Option<&str>,
    out: &mut impl Write,
) -> Result<ExitCode, CliError> {
    show_with(args, expect, out, None)
}

/// A listener started by `listen`, and the scheme it verifies with (None: each recognized).
pub type Listening = (crate::wire::listen::Listener, Option<String>);

/// As [`show`], with a listener whose list opens when the screen does.
pub fn show_with(
    args: &InputArgs,
    expect: Option<&str>,
    out: &mut impl Write,
    listening: Option<Listening>,
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
        args.key_source.key = vec![std::ffi::OsString::new()];
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
        let replay_base = resolved.base.clone();
        let mut app = crate::tui::app::App::new(
            catalog.recipes,
            current,
            &prefill,
            expect,
            inputs::now_millis(),
            random,
        );
        app.recipe_texts = texts;
        app.recipes_dir = config.recipes_dir();
        app.bundle = catalog.bundle.clone();
        if let Some(base) = replay_base {
            app.replay_base = Some((base, app.url_field()));
        }
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
                under_home(dir)
            ));
        }
        let (app, ended) = crate::tui::run(app, inputs::now_millis, listening)?;
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
            match crate::history::save(dir, &session, config.history.max(1), &config.history_limits)
            {
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

/// `sigscope --resume [N]`: the Nth latest session of history, as if its values were given as
/// flags (flags given now win). History keeps no key: without a key flag or the session's
/// profile, the key starts empty and the TUI asks for it.
pub fn resume(
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
    if let (Some(why), true) = (
        &session.body_note,
        args.body.as_ref().is_some_and(|b| b.is_empty()),
    ) {
        note.push_str(&format!(" · {why}: give the body again"));
    }
    if !keyed {
        args.key_source.key = vec![std::ffi::OsString::new()];
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

/// A path as the status line shows it: `~/…` under the home folder (shorter, and the same on
/// every machine), else as it is.
fn under_home(path: &std::path::Path) -> String {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .and_then(|home| path.strip_prefix(home).ok().map(|rest| rest.to_path_buf()))
        .map_or_else(
            || path.display().to_string(),
            |rest| format!("~/{}", rest.display()),
        )
}

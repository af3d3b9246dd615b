//! `sigscope verify` and `sigscope diagnose`: the computed signature against an expected one (a
//! verdict, or the smallest set of differences that explains it).

use std::io::Write;
use std::process::ExitCode;

use super::CliError;
use super::args::{DiagnoseArgs, Format, VerdictFormat, VerifyArgs};
use super::files;
use super::inputs::{self, Catalog, Resolved, with_profile};
use super::output;
use crate::sign::Comparison;

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
                let imports_it = !recipe.import.signature.is_empty()
                    || recipe
                        .import
                        .patterns
                        .iter()
                        .any(|p| p.pattern.references().any(|r| r == "signature"));
                if !imports_it {
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

/// Which of several keys the verdict is about, in words: the one accepted, or that none was.
fn key_words(resolved: &Resolved, index: usize, accepted: bool) -> String {
    let count = resolved.key_count();
    let source = match index {
        0 => resolved.key_label.clone(),
        i => resolved.more_keys[i - 1].1.clone(),
    };
    if accepted {
        format!("{source} gives the accepted signature ({count} keys given)")
    } else {
        format!("none of the {count} keys gives an accepted signature (the trace above is key 1's)")
    }
}

/// `sigscope verify`: the trace, then how the signature compares; exit 0 match, 1 mismatch.
/// A request time outside the scheme's window is a warning, not a mismatch.
pub fn verify(args: &VerifyArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let mut quiet = args.inputs.clone();
    quiet.key_source.quiet = args.quiet;
    let mut inputs = with_profile(&quiet)?;
    inputs.key_source.several = true;
    let profiled = VerifyArgs {
        inputs,
        expect: args.expect.clone(),
        format: args.format,
        quiet: args.quiet,
        their_canonical: args.their_canonical.clone(),
    };
    let args = &profiled;
    let catalog = Catalog::for_scheme(&args.inputs)?;
    let recipe = catalog.pick_or_recognize(&args.inputs)?;
    // A body file the scheme hashes unchanged is streamed, as sign does (a bundle's fingerprints
    // need every stage's bytes).
    let stream = catalog.bundle.is_none();
    let resolved = Resolved::from_args_with(recipe, &args.inputs, catalog.bundle.as_ref(), stream)?;
    let expected = expected_signature(args, &resolved, recipe, "verify")?;
    let keyed = crate::sign::compare::with_keys(
        recipe,
        resolved.key_count(),
        expected,
        |i| resolved.sign_with_key(recipe, resolved.key_at(i), Some(expected)),
        |t: &crate::sign::Trace| t.signature(),
    )?;
    let (trace, set) = (keyed.signed, keyed.set);
    let key_line = (keyed.key_count > 1)
        .then(|| key_words(&resolved, keyed.key_index, set.comparison.accepted()));
    if !args.quiet {
        resolved.report_generated();
    }
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
            "key_index": keyed.key_index + 1,
            "key_count": keyed.key_count,
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
    if let Some(line) = key_line {
        writeln!(out, "key        {line}")?;
    }
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

pub fn diagnose(all: &DiagnoseArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    if all.max_candidates == 0 {
        return Err(CliError(
            "--max-candidates 0 leaves nothing to search: give 1 or more".to_string(),
        ));
    }
    let args = &all.verify;
    let mut quiet = args.inputs.clone();
    quiet.key_source.quiet = args.quiet;
    let mut inputs = with_profile(&quiet)?;
    inputs.key_source.several = true;
    let profiled = VerifyArgs {
        inputs,
        expect: args.expect.clone(),
        format: args.format,
        quiet: args.quiet,
        their_canonical: args.their_canonical.clone(),
    };
    let args = &profiled;
    use crate::diagnose::{self, Case, Outcome};
    let catalog = Catalog::for_scheme(&args.inputs)?;
    let recipe = catalog.pick_or_recognize(&args.inputs)?;
    let resolved = Resolved::from_args_with(recipe, &args.inputs, catalog.bundle.as_ref(), false)?;
    let expected = expected_signature(args, &resolved, recipe, "diagnose")?;
    let body = resolved.body_bytes().unwrap_or_default();
    // The fields as signed (defaults and generated values included). A signing that fails (a
    // key a strict decoder refuses) is diagnosed still: the search may find how the other
    // signer's library read it; else its error is the answer.
    let (trace, sign_error) = match resolved.sign(recipe) {
        Ok(t) => (Some(t), None),
        Err(e) => (None, Some(e)),
    };
    let fields = match &trace {
        Some(t) => t.fields.clone(),
        None => {
            let mut fields = resolved.fields.clone();
            for f in &recipe.fields {
                if let (false, Some(d)) = (fields.contains_key(&f.name), &f.default) {
                    fields.insert(f.name.clone(), d.clone());
                }
            }
            fields
        }
    };
    if !args.quiet {
        resolved.report_generated();
    }
    let limits = diagnose::Limits {
        max_candidates: all.max_candidates,
        ..Default::default()
    };
    // With several keys, each is searched in turn (a match or an explanation ends it); the
    // report is the first key's when none explains the signature.
    let mut found = None;
    for i in 0..resolved.key_count() {
        let case = Case {
            recipe,
            fields: &fields,
            key: resolved.key_at(i),
            body,
            headers: &resolved.headers,
            selection: &resolved.selection,
            expected,
        };
        let outcome = match (diagnose::diagnose_with(&case, &limits), &sign_error) {
            (Ok(o), _) => o,
            (Err(_), Some(e)) => return Err(CliError(e.0.clone())),
            (Err(e), None) => return Err(CliError(e.to_string())),
        };
        let done = matches!(
            outcome,
            Outcome::Matches(_) | Outcome::Explained(_) | Outcome::HeaderNotSent(_)
        );
        if done || found.is_none() {
            found = Some((i, outcome));
        }
        if done {
            break;
        }
    }
    let Some((key_index, outcome)) = found else {
        return Err(CliError("no key to diagnose with".to_string()));
    };
    let key_line = (resolved.key_count() > 1).then(|| {
        let source = match key_index {
            0 => resolved.key_label.clone(),
            i => resolved.more_keys[i - 1].1.clone(),
        };
        match outcome {
            Outcome::Matches(_) => format!("{source} gives the signature"),
            Outcome::Explained(_) | Outcome::HeaderNotSent(_) => {
                format!("{source}: the explanation below is with it")
            }
            _ => format!(
                "none of the {} keys gives or explains the signature (below: key 1's search)",
                resolved.key_count()
            ),
        }
    });
    let code = match outcome {
        Outcome::Matches(_) | Outcome::Explained(_) | Outcome::HeaderNotSent(_) => {
            ExitCode::SUCCESS
        }
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
        value["computed"] = serde_json::json!(trace.as_ref().map(|t| t.signature_text()));
        value["key_index"] = serde_json::json!(key_index + 1);
        value["key_count"] = serde_json::json!(resolved.key_count());
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(code);
    }
    writeln!(
        out,
        "expected   {}",
        crate::sign::visible::printable(expected.trim())
    )?;
    match (&trace, &sign_error) {
        (Some(t), _) => writeln!(out, "computed   {}", t.signature_text())?,
        (None, Some(e)) => writeln!(out, "computed   none: {}", e.0)?,
        (None, None) => {}
    }
    if let Some(line) = key_line {
        writeln!(out, "key        {line}")?;
    }
    writeln!(out)?;
    for line in outcome.report() {
        writeln!(out, "{line}")?;
    }
    Ok(code)
}

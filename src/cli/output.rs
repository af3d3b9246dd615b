//! What the command line prints: the formats of `sign`, the trace, and the scheme list.

use std::io::Write;

use serde_json::{Value, json};

use super::CliError;
use super::args::{Format, ListFormat};
use super::inputs::Resolved;
use crate::request::export;
use crate::sign::visible::{self, Mark};
use crate::sign::{Comparison, Recipe, Trace};

/// Writes a signed trace in a format.
pub fn write(
    out: &mut impl Write,
    format: Format,
    recipe: &Recipe,
    resolved: &Resolved,
    trace: &Trace,
) -> Result<(), CliError> {
    match format {
        Format::Signature => writeln!(out, "{}", trace.signature_text())?,
        Format::Headers => out.write_all(
            export::head_text(&trace.placement, body(resolved))?
                .0
                .as_bytes(),
        )?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(recipe, resolved, trace, false))?;
            writeln!(out)?;
        }
        Format::Trace => write_trace(out, recipe, resolved, trace)?,
        Format::Curl => {
            let request = resolved
                .replay(recipe, trace)
                .build(&trace.placement, body(resolved))?;
            out.write_all(request.to_curl()?.as_bytes())?;
        }
        Format::Http => {
            let replay = resolved.replay(recipe, trace);
            let request = replay.build(&trace.placement, body(resolved))?;
            out.write_all(&replay.to_http(&request)?)?;
        }
        Format::Bundle | Format::Code => unreachable!("sign writes bundles and code itself"),
    }
    if matches!(format, Format::Headers | Format::Curl | Format::Http) {
        warn_unplaced(recipe, trace);
    }
    Ok(())
}

fn body(resolved: &Resolved) -> &[u8] {
    resolved.body_bytes().unwrap_or_default()
}

/// Says on stderr when a placement was left out because a field naming it is empty.
fn warn_unplaced(recipe: &Recipe, trace: &Trace) {
    for p in recipe
        .headers
        .iter()
        .chain(&recipe.query)
        .chain(&recipe.body_members)
    {
        if let Some(field) = p.name.single_ref().filter(|f| recipe.field(f).is_some())
            && trace.fields.get(field).is_none_or(|v| v.is_empty())
        {
            let value = p
                .value
                .single_ref()
                .and_then(|r| trace.stage(r))
                .map_or_else(
                    || p.value.to_string(),
                    |s| String::from_utf8_lossy(&s.bytes).into_owned(),
                );
            eprintln!(
                "sigscope: note: `{field}` is empty, so {value} is placed nowhere: name its place with --set {field}=NAME"
            );
        }
    }
}

/// The `--format json` object (the schema of DESIGN.md, extended with placement and fields).
/// `sign --format json`, the key and secret values exact only with `--reveal`.
pub fn write_json(
    out: &mut impl Write,
    recipe: &Recipe,
    resolved: &Resolved,
    trace: &Trace,
    reveal: bool,
) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *out, &to_json(recipe, resolved, trace, reveal))?;
    writeln!(out)?;
    Ok(())
}

/// The trace as JSON. A stage holding secret bytes (the key, a derived key, a secret field)
/// lists their ranges in `secret_ranges`; unless `reveal`, its `hex` is left out and its `text`
/// shows each range as `‹key›`, and secret fields are `‹secret›`.
fn to_json(recipe: &Recipe, resolved: &Resolved, trace: &Trace, reveal: bool) -> Value {
    let stages: Vec<Value> = trace
        .stages
        .iter()
        .filter(|s| s.streamed.is_none())
        .map(|s| {
            let mut o = json!({ "name": s.name });
            if s.secret.is_empty() || reveal {
                o["hex"] = json!(hex::encode(&s.bytes));
                if let Ok(text) = std::str::from_utf8(&s.bytes) {
                    o["text"] = json!(text);
                }
            } else {
                let mut masked = Vec::new();
                let mut at = 0;
                for r in &s.secret {
                    masked.extend_from_slice(&s.bytes[at..r.start.max(at)]);
                    masked.extend_from_slice("‹key›".as_bytes());
                    at = r.end.max(at);
                }
                masked.extend_from_slice(&s.bytes[at.min(s.bytes.len())..]);
                if let Ok(text) = String::from_utf8(masked) {
                    o["text"] = json!(text);
                }
                o["masked"] = json!(true);
            }
            if !s.secret.is_empty() {
                o["secret_ranges"] = json!(
                    s.secret
                        .iter()
                        .map(|r| [r.start, r.end])
                        .collect::<Vec<_>>()
                );
            }
            o["how"] = json!(s.how);
            o
        })
        .collect();
    let fields: serde_json::Map<String, Value> = trace
        .fields
        .iter()
        .map(|(k, v)| {
            let secret = recipe
                .field(k)
                .is_some_and(|f| f.kind == crate::sign::FieldKind::Secret);
            let shown = if secret && !reveal {
                "‹secret›"
            } else {
                v.as_str()
            };
            (k.clone(), json!(shown))
        })
        .collect();
    let pairs = |list: &[(String, String)]| -> Vec<Value> {
        list.iter()
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect()
    };
    let p = &trace.placement;
    let variants: serde_json::Map<String, Value> = trace
        .selection
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let generated: serde_json::Map<String, Value> = resolved
        .generated
        .iter()
        .map(|g| (g.field.clone(), json!(g.value)))
        .collect();
    json!({
        "scheme": trace.scheme,
        "signature": trace.signature_text(),
        "stages": stages,
        "headers": pairs(&p.headers),
        "query": pairs(&p.query),
        "body_members": pairs(&p.body_members),
        "method": p.method,
        "url": p.url,
        "fields": fields,
        "generated": generated,
        "variants": variants,
    })
}

/// Every stage, made readable: invisible bytes marked, the key masked, MACs as hex dumps.
/// Text from the inputs, safe for a terminal (see [`crate::sign::visible::printable`]).
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    crate::sign::visible::printable(text)
}

fn write_trace(
    out: &mut impl Write,
    recipe: &Recipe,
    resolved: &Resolved,
    trace: &Trace,
) -> Result<(), CliError> {
    writeln!(out, "{} · {}", shown(&recipe.id), shown(&recipe.name))?;
    let width = recipe
        .fields
        .iter()
        .map(|f| f.name.len())
        .chain([4, 8])
        .max()
        .unwrap_or(8);
    for f in &recipe.fields {
        let value = trace
            .fields
            .get(&f.name)
            .map_or("(not set)", String::as_str);
        let masked;
        let value = if f.kind == crate::sign::FieldKind::Secret && !value.is_empty() {
            masked = format!("{} ({} bytes)", visible::MASK, value.len());
            masked.as_str()
        } else {
            value
        };
        let tag = if resolved.generated.iter().any(|g| g.field == f.name) {
            "  (made now)"
        } else if f.default.as_deref() == Some(value) {
            "  (default)"
        } else {
            ""
        };
        writeln!(out, "  {:width$}  {}{tag}", f.name, shown(value))?;
    }
    // A public key is not a secret: shown by kind and fingerprint. Anything else is masked.
    match crate::sign::pubkey::describe_public(
        resolved.key.bytes(),
        recipe.public_key_under(&resolved.selection),
    ) {
        Some(words) => writeln!(out, "  {:width$}  {words}", "key")?,
        None => writeln!(
            out,
            "  {:width$}  {} ({} bytes)",
            "key",
            visible::MASK,
            resolved.key.bytes().len()
        )?,
    }
    match resolved.body_bytes() {
        Some(b) => writeln!(out, "  {:width$}  {} bytes", "body", b.len())?,
        None => writeln!(
            out,
            "  {:width$}  {} (streamed)",
            "body", resolved.body_source
        )?,
    }
    if !recipe.variants.is_empty() {
        let v: Vec<String> = trace
            .selection
            .iter()
            .map(|(k, c)| format!("{k}={c}"))
            .collect();
        writeln!(out, "  {:width$}  {}", "variants", v.join("  "))?;
    }
    for s in &trace.stages {
        writeln!(out)?;
        writeln!(out, "{} · {} bytes · {}", s.name, s.len(), shown(&s.how))?;
        if s.streamed.is_some() {
            continue;
        }
        if s.raw && s.secret.is_empty() {
            for line in visible::hex_dump(&s.bytes, 16) {
                writeln!(out, "  {line}")?;
            }
            continue;
        }
        let mut line = String::from("  ");
        for seg in visible::segments(&s.bytes, &s.secret, false) {
            line.push_str(&visible::unambiguous(&seg, &s.bytes));
            if seg.mark == Mark::Lf {
                writeln!(out, "{line}")?;
                line = String::from("  ");
            }
        }
        if line.len() > 2 || s.bytes.is_empty() {
            writeln!(out, "{line}")?;
        }
    }
    let p = &trace.placement;
    if !(p.headers.is_empty() && p.query.is_empty() && p.body_members.is_empty()) {
        writeln!(out)?;
        for (n, v) in &p.query {
            writeln!(out, "query  {}={}", shown(n), shown(v))?;
        }
        for (n, v) in &p.headers {
            writeln!(out, "{}: {}", shown(n), shown(v))?;
        }
        for (n, v) in &p.body_members {
            writeln!(out, "body member  \"{}\": \"{}\"", shown(n), shown(v))?;
        }
    }
    Ok(())
}

/// Compares the signature with an expected one (in constant time, accepting what the scheme's
/// receivers accept) and says how they relate. Returns whether a receiver would accept it.
pub fn write_expectation(
    out: &mut impl Write,
    recipe: &Recipe,
    trace: &Trace,
    expected: &str,
) -> Result<bool, CliError> {
    let set = crate::sign::compare::compare_set(recipe, trace.signature(), expected);
    let comparison = set.comparison;
    let computed = trace.signature_text();
    writeln!(out)?;
    if recipe.public_key_under(&trace.selection) {
        // Verified, not computed: the stage is the received signature that verifies.
        writeln!(out, "received   {}", shown(expected.trim()))?;
        let verdict = if comparison.accepted() {
            match set.count {
                1 => "result     match: the signature verifies with the public key".to_string(),
                n => format!(
                    "result     match: signature {} of {n} verifies with the public key",
                    set.index + 1
                ),
            }
        } else if let Some(rest) = computed
            .strip_prefix(set.candidate.trim())
            .filter(|r| !r.is_empty() && !set.candidate.trim().is_empty())
        {
            // The signature verified; a check the scheme makes (a claimed body digest) did not.
            format!(
                "result     MISMATCH: the signature verifies with the public key, but{}",
                rest.trim_start_matches(' ').strip_prefix('(').map_or(
                    rest.to_string(),
                    |r| format!(" {}", r.trim_end_matches(')'))
                )
            )
        } else {
            format!(
                "result     MISMATCH: no signature received verifies with this key (stage `{}` says why)",
                trace.signature_stage
            )
        };
        writeln!(out, "{verdict}")?;
        return Ok(comparison.accepted());
    }
    writeln!(out, "computed   {computed}")?;
    if set.count > 1 || set.candidate != expected.trim() {
        writeln!(out, "received   {}", shown(expected.trim()))?;
        writeln!(
            out,
            "expected   {}   (signature {} of {} in it)",
            shown(set.candidate),
            set.index + 1,
            set.count
        )?;
    } else {
        writeln!(out, "expected   {}", shown(set.candidate))?;
    }
    match &comparison {
        Comparison::Match => writeln!(out, "result     match")?,
        Comparison::Equivalent(why) => writeln!(out, "result     match ({why})")?,
        Comparison::Mismatch {
            at,
            computed_len,
            expected_len,
        } => {
            let column: usize = computed.chars().take(*at).count();
            writeln!(out, "           {}^", " ".repeat(column))?;
            writeln!(
                out,
                "result     MISMATCH: first difference at character {} (lengths {computed_len} and {expected_len})",
                at + 1
            )?;
        }
    }
    Ok(comparison.accepted())
}

/// `sigscope providers`.
/// The schemes, each with its fields and variants; in text, under its group's heading when
/// `grouped` (the whole catalog, in catalog order).
pub fn write_providers(
    out: &mut impl Write,
    format: ListFormat,
    recipes: &[&Recipe],
    grouped: bool,
) -> Result<(), CliError> {
    match format {
        ListFormat::Json => {
            let list: Vec<Value> = recipes
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "name": r.name,
                        "description": r.description,
                        "group": r.group.label(),
                        "fields": r.fields.iter().map(|f| json!({
                            "name": f.name,
                            "label": f.label,
                            "kind": f.kind.as_str(),
                            "required": f.default.is_none(),
                            "default": f.default,
                        })).collect::<Vec<_>>(),
                        "variants": r.variants.iter().map(|v| json!({
                            "name": v.name,
                            "choices": v.choices,
                            "default": v.default_choice(),
                        })).collect::<Vec<_>>(),
                        "window_seconds": r.window.as_ref().map(|w| w.seconds),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            let mut group = None;
            for (i, r) in recipes.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                if grouped && group != Some(r.group) {
                    group = Some(r.group);
                    writeln!(out, "## {}", r.group.label())?;
                    writeln!(out)?;
                }
                writeln!(out, "{:18}{}", r.id, r.name)?;
                writeln!(out, "{:18}{}", "", r.description)?;
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|f| {
                        let mut s = f.name.clone();
                        if f.kind != crate::sign::FieldKind::Text {
                            s += &format!(" ({})", f.kind.as_str());
                        }
                        if f.default.is_some() {
                            s += " [optional]";
                        }
                        s
                    })
                    .collect();
                writeln!(out, "{:18}fields: {}", "", fields.join(", "))?;
                if !r.variants.is_empty() {
                    let v: Vec<String> = r
                        .variants
                        .iter()
                        .map(|v| format!("{}={}", v.name, v.choices.join("|")))
                        .collect();
                    writeln!(out, "{:18}variants: {}", "", v.join("  "))?;
                }
            }
        }
    }
    Ok(())
}

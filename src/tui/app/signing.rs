//! The core's runs: every edit signs the inputs again, at once for small inputs, else on the
//! runtime's signing thread (an [`Effect::Sign`] out, a [`super::Msg::Signed`] back, the latest
//! winning), with the memo that keeps an unchanged body from being parsed again; [`Computed`] is
//! the last run, made ready to show.

use std::collections::BTreeMap;

use super::{App, Effect, field_values};
use crate::sign::{self, FieldKind, Recipe, Trace};
use crate::tui::stages::StageView;

/// The last run of the core, made ready to show.
pub struct Computed {
    pub result: Result<Trace, String>,
    pub views: Vec<StageView>,
    /// Which run this is (the view keeps its layout of the stages per version).
    pub version: u64,
}

impl Computed {
    /// Content rows of each stage at `width`.
    pub fn rows(&self, width: usize) -> Vec<usize> {
        self.views.iter().map(|v| v.rows(width)).collect()
    }
}

impl App {
    /// Runs the core on the current inputs and prepares the stage views: at once for small
    /// inputs, on the signing thread for large ones (the editor echoes the key at once; the stages
    /// follow when their trace comes, the latest input winning).
    pub fn recompute(&mut self) {
        self.constant_headers = crate::request::replay::constant_headers(self.recipe());
        self.carrier_headers = crate::request::replay::signature_headers(self.recipe());
        self.carrier_params = crate::request::replay::signature_params(self.recipe());
        self.diagnosis = None;
        self.messages_shown = false;
        self.fix = None;
        // Any change after F3 makes its undo a thing of the past.
        self.undo_fill = None;
        if let Some(job) = self.diagnosing.take() {
            job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.generation += 1;
        let job = self.job();
        let recipe = &self.recipes[self.current];
        if job.body.len() + job.headers.len() < ASYNC_FROM_BYTES {
            let done = sign_job(recipe, job, &mut self.memo);
            self.pending = None;
            self.apply(done);
            return;
        }
        // Too large to sign between two keystrokes: the runtime's signing thread signs it, and
        // the stages catch up when its trace comes back.
        self.pending = Some(self.generation);
        self.outbox.push(Effect::Sign(Box::new(SignWork {
            recipe: recipe.clone(),
            job,
        })));
    }

    /// Signs on this thread, now.
    fn recompute_here(&mut self) {
        let job = self.job();
        let done = sign_job(&self.recipes[self.current], job, &mut self.memo);
        self.apply(done);
    }

    /// The current inputs, taken from the editors for one signing.
    fn job(&self) -> SignJob {
        let recipe = &self.recipes[self.current];
        SignJob {
            generation: self.generation,
            fields: field_values(recipe, &self.inputs),
            key: self.key_encoding.decode(&self.inputs.key.bytes()),
            encoding: self.key_encoding,
            body: self.inputs.body.bytes(),
            headers: self.inputs.headers.bytes(),
            choices: self.inputs.choices.clone(),
            reveal: self.reveal,
            received: {
                let expected = self.expected.lines().concat();
                Some(expected.trim().to_string()).filter(|e| !e.is_empty())
            },
        }
    }

    /// Whether the stages on screen are older than the inputs (a trace is being computed).
    pub fn catching_up(&self) -> bool {
        self.pending.is_some()
    }

    /// A trace from the signing thread: shown when it is of the latest inputs, else dropped.
    pub fn signed(&mut self, done: SignDone) {
        if Some(done.generation) == self.pending {
            self.pending = None;
            self.apply(done);
        }
    }

    /// The trace of the current inputs, before an action that reads it (copy, diagnose, send):
    /// when the signing thread is behind, signed here, now.
    pub fn settle(&mut self) {
        if self.pending.take().is_some() {
            self.recompute_here();
        }
    }

    /// Shows a finished trace.
    fn apply(&mut self, done: SignDone) {
        self.body_control_bytes = done.control_bytes;
        self.computed = Computed {
            views: done.views,
            result: done.result,
            version: done.generation,
        };
        if self.stage_cursor >= self.computed.views.len() {
            self.stage_cursor = self.computed.views.len().saturating_sub(1);
        }
    }
}

/// Inputs this large are signed on the signing thread.
pub const ASYNC_FROM_BYTES: usize = 64 << 10;

/// What one signing needs, taken from the editors.
pub struct SignJob {
    generation: u64,
    fields: BTreeMap<String, String>,
    key: Result<Vec<u8>, String>,
    encoding: crate::sign::key::KeyEncoding,
    body: Vec<u8>,
    headers: Vec<u8>,
    choices: BTreeMap<String, String>,
    reveal: bool,
    /// The expected signature, which a public-key stage verifies.
    received: Option<String>,
}

/// A signing's result, made ready to show.
pub struct SignDone {
    generation: u64,
    result: Result<Trace, String>,
    views: Vec<StageView>,
    control_bytes: usize,
}

impl SignDone {
    /// A signing that failed inside (a panic of the signing thread), said in the stages' place.
    pub fn failed(generation: u64, message: String) -> SignDone {
        SignDone {
            generation,
            result: Err(message),
            views: Vec::new(),
            control_bytes: 0,
        }
    }
}

/// A signing for the runtime's signing thread: the recipe and the inputs.
pub struct SignWork {
    recipe: Recipe,
    job: SignJob,
}

impl SignWork {
    /// Signs (on the signing thread, with its memo).
    pub fn sign(self, memo: &mut sign::Memo) -> SignDone {
        sign_job(&self.recipe, self.job, memo)
    }

    /// Which inputs it signs.
    pub fn generation(&self) -> u64 {
        self.job.generation
    }
}

impl std::fmt::Debug for SignWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignWork({})", self.job.generation)
    }
}

impl PartialEq for SignWork {
    fn eq(&self, other: &Self) -> bool {
        self.job.generation == other.job.generation
    }
}

impl Eq for SignWork {}

/// Signs one job: the trace, or the error in the words the stages pane shows.
fn sign_job(recipe: &Recipe, job: SignJob, memo: &mut sign::Memo) -> SignDone {
    let SignJob {
        generation,
        fields,
        key,
        encoding,
        body,
        headers,
        choices,
        reveal,
        received,
    } = job;
    let control_bytes = body
        .iter()
        .filter(|&&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        .count();
    let result = key
        .map_err(|message| sign::SignError::Input {
            input: format!("the key, read as {} (F10 changes it)", encoding.name()),
            message: message.trim_start_matches("the key ").to_string(),
        })
        .and_then(|key| {
            recipe
                .select(choices.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .map(|selection| (key, selection))
        })
        .and_then(|(key, selection)| {
            sign::run_memo(
                recipe,
                &sign::Inputs {
                    fields: &fields,
                    key: &key,
                    body: &body,
                    headers: &headers,
                    selection: &selection,
                    received: received.as_deref(),
                },
                memo,
            )
        });
    let result = result.map_err(|e| match e {
        sign::SignError::MissingField { name, label } => {
            let kind = recipe.field(&name).map(|f| f.kind);
            let hint = if kind.is_some_and(FieldKind::is_generated) {
                " (F3 fills it)"
            } else {
                ""
            };
            format!("missing field `{name}` ({label}){hint}")
        }
        e => e.to_string(),
    });
    SignDone {
        generation,
        views: result
            .as_ref()
            .map(|t| t.stages.iter().map(|s| StageView::new(s, reveal)).collect())
            .unwrap_or_default(),
        result,
        control_bytes,
    }
}

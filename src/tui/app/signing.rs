//! The core's runs: every edit signs the inputs again, at once for small inputs and on the
//! signing thread for large ones (its jobs and results, the latest winning), with the memo that
//! keeps an unchanged body from being parsed again; [`Computed`] is the last run, made ready to
//! show.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::{App, field_values};
use crate::sign::{self, FieldKind, Recipe, Trace};
use crate::tui::stages::StageView;

/// The last run of the core, made ready to show.
pub struct Computed {
    pub result: Result<Trace, String>,
    pub views: Vec<StageView>,
    /// Rows of each stage's content at a width, computed once per trace and width.
    pub(super) rows: RefCell<Option<(usize, Vec<usize>)>>,
}

impl Computed {
    /// Content rows of each stage at `width`.
    pub fn rows(&self, width: usize) -> Vec<usize> {
        let mut cache = self.rows.borrow_mut();
        match &*cache {
            Some((w, rows)) if *w == width => rows.clone(),
            _ => {
                let rows: Vec<usize> = self.views.iter().map(|v| v.rows(width)).collect();
                *cache = Some((width, rows.clone()));
                rows
            }
        }
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
        let worker = self.worker.get_or_insert_with(SignWorker::spawn);
        if worker.jobs.send((recipe.clone(), job)).is_err() {
            // The signing thread is gone (it panicked): sign here rather than never.
            self.worker = None;
            self.pending = None;
            return self.recompute_here();
        }
        self.pending = Some(self.generation);
    }

    /// Signs on this thread (the fallback when the signing thread is gone).
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

    /// Takes the latest trace from the signing thread when it has come; drops older ones.
    /// Returns whether the screen changed.
    pub fn poll_trace(&mut self) -> bool {
        let Some(worker) = &self.worker else {
            return false;
        };
        let mut latest = None;
        loop {
            match worker.done.try_recv() {
                Ok(done) => latest = Some(done),
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.worker = None;
                    if self.pending.take().is_some() {
                        self.recompute_here();
                        return true;
                    }
                    return false;
                }
            }
        }
        match latest {
            Some(done) if Some(done.generation) == self.pending => {
                self.pending = None;
                self.apply(done);
                true
            }
            _ => false,
        }
    }

    /// Waits for the trace of the current inputs (before an action that reads it: copy,
    /// diagnose), at most a few seconds.
    pub fn settle(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while let Some(wanted) = self.pending {
            let Some(worker) = &self.worker else {
                self.pending = None;
                return self.recompute_here();
            };
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match worker.done.recv_timeout(left) {
                Ok(done) if done.generation == wanted => {
                    self.pending = None;
                    self.apply(done);
                }
                // An older trace: dropped.
                Ok(_) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => return,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    self.worker = None;
                    self.pending = None;
                    return self.recompute_here();
                }
            }
        }
    }

    /// Shows a finished trace.
    fn apply(&mut self, done: SignDone) {
        self.body_control_bytes = done.control_bytes;
        self.computed = Computed {
            views: done.views,
            result: done.result,
            rows: RefCell::new(None),
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

/// The thread that signs large inputs; it drops every job but the latest waiting.
pub struct SignWorker {
    jobs: std::sync::mpsc::Sender<(Recipe, SignJob)>,
    done: std::sync::mpsc::Receiver<SignDone>,
}

impl SignWorker {
    fn spawn() -> SignWorker {
        let (jobs, job_rx) = std::sync::mpsc::channel::<(Recipe, SignJob)>();
        let (done_tx, done) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut memo = sign::Memo::default();
            while let Ok(mut job) = job_rx.recv() {
                while let Ok(newer) = job_rx.try_recv() {
                    job = newer;
                }
                let (recipe, job) = job;
                if done_tx.send(sign_job(&recipe, job, &mut memo)).is_err() {
                    return;
                }
            }
        });
        SignWorker { jobs, done }
    }
}

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

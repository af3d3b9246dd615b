//! The diagnose search (F8): it runs off the UI thread, looking for the differences that
//! reproduce the expected signature; Esc cancels it, an edit drops it, its report shows above
//! the stages.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::{App, Effect};

/// A diagnose search handed to the runtime (F8): Esc cancels it, an edit drops it.
pub struct DiagnoseJob {
    pub id: u64,
    pub cancel: Arc<AtomicBool>,
}

/// What a diagnose search needs, owned, for the thread the runtime runs it on.
pub struct DiagnoseWork {
    pub id: u64,
    cancel: Arc<AtomicBool>,
    recipe: crate::sign::Recipe,
    fields: std::collections::BTreeMap<String, String>,
    key: Vec<u8>,
    body: Vec<u8>,
    headers: Vec<u8>,
    selection: crate::sign::recipe::Selection,
    expected: String,
}

impl DiagnoseWork {
    /// Runs the search, counting the signings tried in `progress`: the report, and what
    /// Alt-A would apply.
    pub fn run(self, progress: &AtomicUsize) -> (Vec<String>, Option<crate::diagnose::Fix>) {
        let case = crate::diagnose::Case {
            recipe: &self.recipe,
            fields: &self.fields,
            key: &self.key,
            body: &self.body,
            headers: &self.headers,
            selection: &self.selection,
            expected: &self.expected,
        };
        let limits = crate::diagnose::Limits {
            cancel: Some(&self.cancel),
            progress: Some(progress),
            ..Default::default()
        };
        match crate::diagnose::diagnose_with(&case, &limits) {
            Ok(outcome) => {
                let fix = match &outcome {
                    crate::diagnose::Outcome::Explained(e) => Some(e.fix()),
                    _ => None,
                };
                (outcome.report(), fix)
            }
            Err(e) => (vec![format!("diagnose failed: {e}")], None),
        }
    }
}

impl std::fmt::Debug for DiagnoseWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DiagnoseWork({})", self.id)
    }
}

impl PartialEq for DiagnoseWork {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for DiagnoseWork {}

impl App {
    /// Searches for the differences that reproduce the expected signature (F8): the search is
    /// handed to the runtime, which runs it off the UI thread.
    pub(super) fn diagnose(&mut self) {
        self.settle();
        self.view.diagnosis_scroll = 0;
        let expected = self.expected.lines().concat();
        if expected.trim().is_empty() {
            self.say("diagnose needs the expected signature: paste it into its field (or a request with F7)", true);
            return;
        }
        let Ok(trace) = &self.computed.result else {
            self.say("the inputs do not sign yet: fix the error first", true);
            return;
        };
        let Ok(key) = self.key_encoding.decode(&self.inputs.key.bytes()) else {
            self.say("the key does not read: fix the error first", true);
            return;
        };
        let body = self.inputs.body.bytes();
        let Ok(selection) = self.recipe().select(
            self.inputs
                .choices
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        ) else {
            return;
        };
        let fields = trace.fields.clone();
        let headers = self.inputs.headers.bytes();
        let recipe = self.recipe().clone();
        if let Some(job) = self.diagnosing.take() {
            job.cancel.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let id = self.next_job();
        self.outbox.push(Effect::Diagnose(Box::new(DiagnoseWork {
            id,
            cancel: cancel.clone(),
            recipe,
            fields,
            key,
            body,
            headers,
            selection,
            expected,
        })));
        self.diagnosing = Some(DiagnoseJob { id, cancel });
        self.messages_shown = false;
        self.diagnosis = Some(vec!["diagnosing… (Esc cancels)".to_string()]);
        self.say("diagnosing… (Esc cancels)", false);
    }

    /// Applies what diagnose found (Alt-A): the other signer's variants, fields, body and key
    /// reading, so that the stages show their signature; the expected signature then matches.
    pub(super) fn apply_fix(&mut self) {
        let Some(fix) = self.fix.take() else {
            self.say("nothing to apply: F8 diagnoses a mismatch first", true);
            return;
        };
        let recipe = self.recipe().clone();
        let mut applied = Vec::new();
        for (name, choice) in &fix.choices {
            self.inputs.choices.insert(name.clone(), choice.clone());
            applied.push(format!("{name}={choice}"));
        }
        for (name, value) in &fix.fields {
            if let Some(i) = recipe.fields.iter().position(|f| &f.name == name) {
                self.inputs.fields[i] = super::editors::field_editor(&recipe.fields[i], value);
                applied.push(name.clone());
            }
        }
        if let Some(body) = &fix.body {
            self.inputs.body = super::Editor::new(body, true);
            applied.push(format!("their body ({} bytes)", body.len()));
        }
        if let Some(encoding) = fix.key_encoding {
            self.key_encoding = encoding;
            applied.push(format!("the key read as {}", encoding.name()));
        }
        let focus = self.focus;
        self.set_focus(focus);
        self.recompute();
        let matched = self.computed.result.as_ref().is_ok_and(|t| {
            let expected = self.expected.lines().concat();
            crate::sign::compare(self.recipe(), t.signature(), expected.trim()).accepted()
        });
        let mut said = format!(
            "applied {}: {}",
            applied.join(", "),
            if matched {
                "the expected signature matches (F9 copies the corrected request)"
            } else {
                "the expected signature still differs"
            }
        );
        if !fix.not_applied.is_empty() {
            said += &format!(
                " · not inputs, left to the recipe: {}",
                fix.not_applied.join("; ")
            );
        }
        self.say(&said, !matched);
    }

    /// How far the search under way has come.
    pub(super) fn diagnose_progress(&mut self, job: u64, tried: usize) {
        if self.diagnosing.as_ref().is_some_and(|d| d.id == job) {
            self.diagnosis = Some(vec![format!(
                "diagnosing… {tried} candidates searched (Esc cancels)"
            )]);
        }
    }

    /// The search's report: shown above the stages, unless an edit dropped the search.
    pub(super) fn diagnosed(
        &mut self,
        job: u64,
        mut lines: Vec<String>,
        fix: Option<crate::diagnose::Fix>,
    ) {
        if self.diagnosing.as_ref().is_none_or(|d| d.id != job) {
            return;
        }
        self.diagnosing = None;
        let applicable = fix.as_ref().is_some_and(|f| {
            !f.choices.is_empty()
                || !f.fields.is_empty()
                || f.body.is_some()
                || f.key_encoding.is_some()
        });
        if applicable {
            lines.push(
                "Alt-A applies it: their variants, fields and body in the inputs.".to_string(),
            );
        }
        self.fix = fix.filter(|_| applicable);
        self.diagnosis = Some(lines);
        self.say(
            if applicable {
                "diagnosis above the stages · Alt-A applies it (it clears when an input changes)"
            } else {
                "diagnosis above the stages (it clears when an input changes)"
            },
            false,
        );
    }
}

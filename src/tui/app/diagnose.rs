//! The diagnose search (F8): it runs off the UI thread, looking for the differences that
//! reproduce the expected signature; Esc cancels it, an edit drops it, its report shows above
//! the stages.

use super::App;

/// A diagnose search running off the UI thread (F8): Esc cancels it, an edit drops it.
pub struct DiagnoseJob {
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Signings tried so far.
    pub progress: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub result: std::sync::mpsc::Receiver<(Vec<String>, Option<crate::diagnose::Fix>)>,
}

impl App {
    /// Searches for the differences that reproduce the expected signature (F8).
    pub(super) fn diagnose(&mut self) {
        self.settle();
        self.diagnosis_scroll.set(0);
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
            job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        // The search runs on its own thread: the screen stays live, Esc cancels it.
        let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (tx, rx) = std::sync::mpsc::channel();
        let (c, p) = (cancel.clone(), progress.clone());
        std::thread::spawn(move || {
            let case = crate::diagnose::Case {
                recipe: &recipe,
                fields: &fields,
                key: &key,
                body: &body,
                headers: &headers,
                selection: &selection,
                expected: &expected,
            };
            let limits = crate::diagnose::Limits {
                cancel: Some(&c),
                progress: Some(&p),
                ..Default::default()
            };
            let found = match crate::diagnose::diagnose_with(&case, &limits) {
                Ok(outcome) => {
                    let fix = match &outcome {
                        crate::diagnose::Outcome::Explained(e) => Some(e.fix()),
                        _ => None,
                    };
                    (outcome.report(), fix)
                }
                Err(e) => (vec![format!("diagnose failed: {e}")], None),
            };
            let _ = tx.send(found);
        });
        self.diagnosing = Some(DiagnoseJob {
            cancel,
            progress,
            result: rx,
        });
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

    /// Takes the result of a search under way when it has come, or shows its progress. Returns
    /// whether the screen changed.
    pub fn poll_background(&mut self) -> bool {
        let learned = self.poll_learn();
        let Some(job) = &self.diagnosing else {
            return learned;
        };
        match job.result.try_recv() {
            Ok((mut lines, fix)) => {
                self.diagnosing = None;
                let applicable = fix.as_ref().is_some_and(|f| {
                    !f.choices.is_empty()
                        || !f.fields.is_empty()
                        || f.body.is_some()
                        || f.key_encoding.is_some()
                });
                if applicable {
                    lines.push(
                        "Alt-A applies it: their variants, fields and body in the inputs."
                            .to_string(),
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
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                let n = job.progress.load(std::sync::atomic::Ordering::Relaxed);
                self.diagnosis = Some(vec![format!(
                    "diagnosing… {n} candidates searched (Esc cancels)"
                )]);
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.diagnosing = None;
                self.diagnosis = Some(vec!["diagnose stopped without a result".to_string()]);
            }
        }
        true
    }
}

//! The diagnose search (F8): it runs off the UI thread, looking for the differences that
//! reproduce the expected signature; Esc cancels it, an edit drops it, its report shows above
//! the stages.

use super::App;

/// A diagnose search running off the UI thread (F8): Esc cancels it, an edit drops it.
pub struct DiagnoseJob {
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Signings tried so far.
    pub progress: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub result: std::sync::mpsc::Receiver<Vec<String>>,
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
            let lines = match crate::diagnose::diagnose_with(&case, &limits) {
                Ok(outcome) => outcome.report(),
                Err(e) => vec![format!("diagnose failed: {e}")],
            };
            let _ = tx.send(lines);
        });
        self.diagnosing = Some(DiagnoseJob {
            cancel,
            progress,
            result: rx,
        });
        self.diagnosis = Some(vec!["diagnosing… (Esc cancels)".to_string()]);
        self.say("diagnosing… (Esc cancels)", false);
    }

    /// Takes the result of a search under way when it has come, or shows its progress. Returns
    /// whether the screen changed.
    pub fn poll_background(&mut self) -> bool {
        let learned = self.poll_learn();
        let Some(job) = &self.diagnosing else {
            return learned;
        };
        match job.result.try_recv() {
            Ok(lines) => {
                self.diagnosing = None;
                self.diagnosis = Some(lines);
                self.say(
                    "diagnosis above the stages (it clears when an input changes)",
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

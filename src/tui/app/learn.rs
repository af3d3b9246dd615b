//! Learning an unknown scheme (F4's last entry): a genuine request pasted into F7's box and the
//! Key pane's key; the search runs off the UI thread with its progress on the status line (Esc
//! cancels); the recipe found opens as a user recipe with every stage, and Alt-W writes it into
//! the recipes folder beside the config.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use super::{App, Effect, Prefill, SchemeInputs, text_area};
use crate::learn::{self, Learned};
use crate::sign::Recipe;

/// The picker's entry for a scheme no catalog has.
pub const LEARN_ENTRY: &str = "unknown scheme: learn from a request";

/// A search under way.
pub struct LearnJob {
    pub cancel: Arc<AtomicBool>,
    pub progress: Arc<AtomicUsize>,
    result: mpsc::Receiver<Result<Learned, String>>,
    /// The request pasted, read into the learned scheme's inputs when found.
    request: String,
    key: Vec<u8>,
}

impl Drop for LearnJob {
    /// A search nobody waits for stops.
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl App {
    /// Opens F7's box for the request to learn from.
    pub(super) fn open_learn(&mut self) {
        self.help = false;
        self.picker = None;
        let mut t = text_area("");
        t.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        t.set_placeholder_text(
            "paste a genuine request of the unknown provider (raw HTTP or a curl line); F7 learns its scheme with the key in the Key pane",
        );
        self.request_box = Some(t);
        self.learn_box = true;
        self.say(
            "learn: paste a genuine request, then F7 (the key is the Key pane's: Esc and type it there first if needed)",
            false,
        );
    }

    /// Starts the search on the request pasted into the box; a request that does not read, or
    /// a missing key, keeps the box open with the message.
    pub(super) fn start_learn(&mut self, boxed: TextArea<'static>) {
        let text = boxed.lines().join("\n");
        let parsed = crate::request::import::parse(text.as_bytes(), &mut |_| Ok(Vec::new()));
        let imported = match parsed {
            Ok(r) => r,
            Err(e) => {
                self.say(&format!("learn: the request does not read: {e}"), true);
                self.request_box = Some(boxed);
                return;
            }
        };
        let key = match self.key_encoding.decode(&self.inputs.key.bytes()) {
            Ok(k) if !k.is_empty() => k,
            Ok(_) => {
                self.say(
                    "learn needs the key: Esc, type it in the Key pane, then F4 → learn again (the request stays pasted)",
                    true,
                );
                self.request_box = Some(boxed);
                return;
            }
            Err(e) => {
                self.say(&format!("learn: the key does not read: {e}"), true);
                self.request_box = Some(boxed);
                return;
            }
        };
        self.learn_box = false;
        if let Some(job) = self.learning.take() {
            job.cancel.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let (c, p, k) = (cancel.clone(), progress.clone(), key.clone());
        std::thread::spawn(move || {
            let limits = learn::Limits {
                max_candidates: learn::DEFAULT_MAX_CANDIDATES,
                cancel: Some(&c),
                progress: Some(&p),
            };
            let result = match learn::learn(std::slice::from_ref(&imported), &k, &limits) {
                Ok(Ok(found)) => Ok(found),
                Ok(Err(nf)) => Err(match nf.end {
                    learn::End::Cancelled => "learn cancelled".to_string(),
                    _ => format!(
                        "learn: not found ({} constructions tried): searched {}",
                        nf.tried, nf.searched
                    ),
                }),
                Err(e) => Err(format!("learn: {e}")),
            };
            let _ = tx.send(result);
        });
        self.learning = Some(LearnJob {
            cancel,
            progress,
            result: rx,
            request: text,
            key,
        });
        self.say("learning… (Esc cancels)", false);
    }

    /// Takes the search's result when it has come, or shows its progress. Returns whether the
    /// screen changed.
    pub(super) fn poll_learn(&mut self) -> bool {
        let Some(job) = &self.learning else {
            return false;
        };
        match job.result.try_recv() {
            Ok(result) => {
                let job = self.learning.take().expect("checked above");
                match result {
                    Ok(found) => self.open_learned(found, &job.request, job.key.clone()),
                    Err(e) => self.say(&e, true),
                }
            }
            Err(mpsc::TryRecvError::Empty) => {
                let n = job.progress.load(Ordering::Relaxed);
                self.say(
                    &format!("learning… {n} constructions tried (Esc cancels)"),
                    false,
                );
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                self.learning = None;
                self.say("learn stopped without a result", true);
            }
        }
        true
    }

    /// Opens the recipe found as a user recipe, with the request's values and the key.
    fn open_learned(&mut self, found: Learned, request: &str, key: Vec<u8>) {
        let recipe = match Recipe::from_toml(&found.recipe) {
            Ok(r) => r,
            Err(e) => {
                self.say(&format!("learn: the recipe found does not load: {e}"), true);
                return;
            }
        };
        let id = recipe.id.clone();
        self.recipe_texts.insert(id.clone(), found.recipe.clone());
        self.saved.remove(&id);
        let at = match self.recipes.iter().position(|r| r.id == id) {
            Some(i) => {
                self.recipes[i] = recipe;
                i
            }
            None => {
                self.recipes.push(recipe);
                self.recipes.len() - 1
            }
        };
        if at == self.current {
            // Learned again: the scheme's inputs are made anew below.
            self.recompute();
        } else {
            self.switch_scheme(at);
        }
        let mut prefill = Prefill::example(&self.recipes[at]);
        prefill.key = key;
        self.inputs = SchemeInputs::new(&self.recipes[at], &prefill);
        // The Key pane's key was read through its encoding: the new pane shows those bytes.
        self.key_encoding = crate::sign::key::KeyEncoding::Text;
        self.apply_masks();
        let _ = self.import_request_text(request);
        self.learned = Some(found.recipe);
        self.say(
            &format!(
                "learned ({} tried): {} · Alt-W saves the recipe",
                found.tried, found.description
            ),
            false,
        );
    }

    /// Writes the learned recipe into the recipes folder (Alt-W).
    pub(super) fn save_learned(&mut self) -> Vec<Effect> {
        let Some(text) = self.learned.clone() else {
            self.say(
                "nothing learned to save: F4 → \"unknown scheme: learn from a request\"",
                true,
            );
            return vec![];
        };
        let Some(dir) = self.recipes_dir.clone() else {
            self.say("no config folder here to save recipes in", true);
            return vec![];
        };
        let id = self
            .recipes
            .iter()
            .find(|r| self.recipe_texts.get(&r.id) == Some(&text))
            .map_or_else(|| "learned".to_string(), |r| r.id.clone());
        vec![Effect::SaveRecipe { dir, id, text }]
    }
}

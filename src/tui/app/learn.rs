//! Learning an unknown scheme (F4's last entry): a genuine request pasted into F7's box and the
//! Key pane's key; the search runs off the UI thread with its progress on the status line (Esc
//! cancels); the recipe found opens as a user recipe with every stage, and Alt-W writes it into
//! the recipes folder beside the config.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use super::{App, Effect, Overlay, Prefill, SchemeInputs, text_area};
use crate::learn::{self, Learned};
use crate::sign::Recipe;

/// The picker's entry for a scheme no catalog has.
pub const LEARN_ENTRY: &str = "unknown scheme: learn from a request";

/// A search handed to the runtime.
pub struct LearnJob {
    pub id: u64,
    pub cancel: Arc<AtomicBool>,
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

/// What a learn search needs, owned, for the thread the runtime runs it on.
pub struct LearnWork {
    pub id: u64,
    cancel: Arc<AtomicBool>,
    request: crate::request::import::Imported,
    key: Vec<u8>,
}

impl LearnWork {
    /// Runs the search, counting the constructions tried in `progress`.
    pub fn run(self, progress: &AtomicUsize) -> Result<Learned, String> {
        let limits = learn::Limits {
            max_candidates: learn::DEFAULT_MAX_CANDIDATES,
            cancel: Some(&self.cancel),
            progress: Some(progress),
        };
        match learn::learn(std::slice::from_ref(&self.request), &self.key, &limits) {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(nf)) => Err(match nf.end {
                learn::End::Cancelled => "learn cancelled".to_string(),
                _ => format!(
                    "learn: not found ({} constructions tried): searched {}",
                    nf.tried, nf.searched
                ),
            }),
            Err(e) => Err(format!("learn: {e}")),
        }
    }
}

impl std::fmt::Debug for LearnWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LearnWork({})", self.id)
    }
}

impl PartialEq for LearnWork {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for LearnWork {}

impl App {
    /// Opens F7's box for the request to learn from.
    pub(super) fn open_learn(&mut self) {
        let mut t = text_area("");
        t.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        t.set_placeholder_text(
            "paste a genuine request of the unknown provider (raw HTTP or a curl line); F7 learns its scheme with the key in the Key pane",
        );
        self.open_overlay(Overlay::Paste {
            text: t,
            learn: true,
        });
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
                self.open_overlay(Overlay::Paste {
                    text: boxed,
                    learn: true,
                });
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
                self.open_overlay(Overlay::Paste {
                    text: boxed,
                    learn: true,
                });
                return;
            }
            Err(e) => {
                self.say(&format!("learn: the key does not read: {e}"), true);
                self.open_overlay(Overlay::Paste {
                    text: boxed,
                    learn: true,
                });
                return;
            }
        };
        if let Some(job) = self.learning.take() {
            job.cancel.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let id = self.next_job();
        self.outbox.push(Effect::Learn(Box::new(LearnWork {
            id,
            cancel: cancel.clone(),
            request: imported,
            key: key.clone(),
        })));
        self.learning = Some(LearnJob {
            id,
            cancel,
            request: text,
            key,
        });
        self.say("learning… (Esc cancels)", false);
    }

    /// How far the search under way has come.
    pub(super) fn learn_progress(&mut self, job: u64, tried: usize) {
        if self.learning.as_ref().is_some_and(|l| l.id == job) {
            self.say(
                &format!("learning… {tried} constructions tried (Esc cancels)"),
                false,
            );
        }
    }

    /// The search's result: the recipe opens, or the status says why there is none.
    pub(super) fn learned(&mut self, job: u64, result: Result<Learned, String>) {
        if self.learning.as_ref().is_none_or(|l| l.id != job) {
            return;
        }
        let job = self.learning.take().expect("checked above");
        match result {
            Ok(found) => self.open_learned(found, &job.request, job.key.clone()),
            Err(e) => self.say(&e, true),
        }
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

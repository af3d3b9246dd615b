//! The scheme picker (F4): its search over the schemes, then the profiles and history sessions
//! beside them; switching schemes (each keeps its inputs) and opening a profile or a session.

use super::{App, Areas, Prefill, SchemeInputs, text_area};

/// The searchable scheme list.
pub struct Picker {
    pub query: String,
    pub cursor: usize,
}

/// A picker entry beside the schemes: a profile or a session from history, which loads the
/// inputs of its scheme when chosen (a profile's key source is read then).
pub struct Extra {
    /// `profile acme`, `session 3 min ago`.
    pub title: String,
    pub detail: String,
    /// The id of its scheme.
    pub scheme: String,
    pub load: Box<dyn Fn() -> Result<Prefill, String>>,
}

/// What a picker line opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Scheme(usize),
    Extra(usize),
    /// Learn a scheme no catalog has from a genuine request.
    Learn,
}

impl App {
    /// The schemes that answer every word of the query, best first (ids, then names, then
    /// descriptions: see [`crate::sign::find::rank`]), then the profiles and sessions whose
    /// words do.
    pub fn picker_matches(&self) -> Vec<Pick> {
        let query = self
            .picker()
            .map_or(String::new(), |p| p.query.to_lowercase());
        let hit = |hay: String| {
            let hay = hay.to_lowercase();
            query.split_whitespace().all(|w| hay.contains(w))
        };
        let schemes = crate::sign::find::rank(&self.recipes, &query)
            .into_iter()
            .map(Pick::Scheme);
        let extras = self
            .extras
            .iter()
            .enumerate()
            .filter(|(_, e)| hit(format!("{} {} {}", e.title, e.scheme, e.detail)))
            .map(|(i, _)| Pick::Extra(i));
        // The learn entry comes last, or first when the query asks for it ("learn").
        let learn = hit(super::LEARN_ENTRY.to_string()).then_some(Pick::Learn);
        if query.trim().is_empty() {
            schemes.chain(extras).chain(learn).collect()
        } else {
            learn.into_iter().chain(schemes).chain(extras).collect()
        }
    }

    /// Opens a profile or a session: its scheme with its inputs. The key it brings (a
    /// profile's) replaces the scheme's; a session brings none, so the scheme's key stays.
    pub(super) fn open_extra(&mut self, index: usize) {
        let extra = &self.extras[index];
        let title = extra.title.clone();
        let Some(at) = self.recipes.iter().position(|r| r.id == extra.scheme) else {
            let text = format!("{title}: no scheme `{}` here", extra.scheme);
            self.say(&text, true);
            return;
        };
        let mut prefill = match (extra.load)() {
            Ok(p) => p,
            Err(e) => {
                self.say(&format!("{title}: {e}"), true);
                return;
            }
        };
        let had_key = !prefill.key.is_empty();
        if !had_key {
            let current = if at == self.current {
                Some(&self.inputs)
            } else {
                self.saved.get(&self.recipes[at].id)
            };
            prefill.key = current.map(|i| i.key.bytes()).unwrap_or_default();
        }
        self.switch_scheme(at);
        self.inputs = SchemeInputs::new(&self.recipes[at], &prefill);
        if let Some(name) = title.strip_prefix("profile ") {
            self.profile = Some(name.to_string());
        }
        if let Some(expected) = prefill.expected.as_deref() {
            self.expected = text_area(expected);
            self.expected
                .set_placeholder_text("paste the signature the server expects");
        }
        self.apply_masks();
        self.set_focus(self.first_focus());
        self.recompute();
        let key_note = if had_key || !prefill.key.is_empty() {
            ""
        } else {
            " (history keeps no key: type it in the Key pane)"
        };
        self.say(&format!("{title} · {}{key_note}", self.recipe().id), false);
    }

    pub(super) fn switch_scheme(&mut self, index: usize) {
        if index == self.current {
            return;
        }
        let id = self.recipes[index].id.clone();
        let next = self.saved.remove(&id).unwrap_or_else(|| {
            SchemeInputs::new(
                &self.recipes[index],
                &Prefill::example(&self.recipes[index]),
            )
        });
        let previous = std::mem::replace(&mut self.inputs, next);
        self.saved
            .insert(self.recipes[self.current].id.clone(), previous);
        self.current = index;
        self.variant_cursor = 0;
        self.stage_cursor = 0;
        self.view.stage_scroll = 0;
        // The last frame's panes are the other scheme's (its fields, its rows): a click that
        // comes before the next frame hits none of them.
        self.view.areas = Areas::default();
        self.apply_masks();
        self.set_focus(self.first_focus());
        self.recompute();
        let r = self.recipe();
        let text = format!("{} · {}", r.id, r.name);
        self.say(&text, false);
    }
}

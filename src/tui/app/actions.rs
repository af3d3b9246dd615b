//! The key table's actions carried out ([`App::act`]): the F-keys, the overlays' keys, focus,
//! variants and stage scrolling; and F3's fill of time and nonce fields.

use ratatui::style::{Modifier, Style};

use super::editors::field_editor;
use super::{App, Effect, Focus, Overlay, Pick, Picker, text_area};
use crate::sign::time;
use crate::tui::keys::Action;

impl App {
    /// Carries out an action from the key table.
    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Help => self.toggle_help(),
            Action::HelpUp => self.view.help_scroll = self.view.help_scroll.saturating_sub(1),
            Action::HelpDown => self.view.help_scroll += 1,
            Action::HelpPageUp => {
                self.view.help_scroll = self
                    .view
                    .help_scroll
                    .saturating_sub(self.view.help_page.max(1))
            }
            Action::HelpPageDown => self.view.help_scroll += self.view.help_page.max(1),
            Action::HelpTop => self.view.help_scroll = 0,
            // Clamped to the last page when drawn.
            Action::HelpBottom => self.view.help_scroll = usize::MAX / 2,
            // The diagnosis when it is shown, else the answer to a request sent.
            Action::DiagnosisUp if self.diagnosis.is_none() => {
                self.view.response_scroll = self.view.response_scroll.saturating_sub(1)
            }
            Action::DiagnosisDown if self.diagnosis.is_none() => self.view.response_scroll += 1,
            Action::DiagnosisUp => {
                self.view.diagnosis_scroll = self.view.diagnosis_scroll.saturating_sub(1)
            }
            Action::DiagnosisDown => self.view.diagnosis_scroll += 1,
            Action::Close => {
                if let Some(job) = &self.diagnosing {
                    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                if let Some(job) = &self.learning {
                    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                let open = self.close_overlays();
                // With nothing else open, Esc cancels a request under way, then closes its answer.
                if !open && !self.cancel_send() {
                    self.response = None;
                }
            }
            Action::Listen => return self.toggle_listen(),
            Action::Send => return self.send(),
            Action::TheirString => self.their_string(),
            Action::Messages => self.toggle_messages(),
            Action::SwitchOffered => self.switch_offered(),
            Action::ListUp
            | Action::ListDown
            | Action::ListPageUp
            | Action::ListPageDown
            | Action::ListTop
            | Action::ListBottom => self.list_move(action),
            Action::ListOpen => self.open_capture(),
            Action::PasteRequest => match self.take_request_box() {
                None => {
                    let mut t = text_area("");
                    t.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
                    t.set_placeholder_text("paste a raw HTTP request (request line, headers, blank line, body) or a curl command line");
                    self.open_overlay(Overlay::Paste {
                        text: t,
                        learn: false,
                    });
                }
                Some((t, true)) => self.start_learn(t),
                Some((t, false)) => self.read_request(t),
            },
            Action::Diagnose => self.diagnose(),
            Action::SaveRecipe => return self.save_learned(),
            Action::ApplyFix => self.apply_fix(),
            Action::CopyAs => self.open_copy_menu(),
            Action::CopyCurl | Action::CopyHttp | Action::CopyBundle => {
                self.close_copy_menu();
                return self.copy_as(action);
            }
            Action::CopyCode => {
                self.close_copy_menu();
                return self.copy_code();
            }
            Action::WriteUnsent => {
                self.close_copy_menu();
                return match self.unsent_copy.take() {
                    Some((what, text)) => vec![Effect::WriteFile {
                        name: format!("sigscope-copy-{}.txt", self.now_millis),
                        text,
                        what,
                    }],
                    None => {
                        self.say("no copy is waiting to be written to a file", true);
                        vec![]
                    }
                };
            }
            Action::CodeLangNext | Action::CodeLangPrev => {
                let all = crate::code::Lang::ALL;
                let at = all.iter().position(|l| *l == self.code_lang).unwrap_or(0);
                let step = if action == Action::CodeLangNext {
                    1
                } else {
                    all.len() - 1
                };
                self.code_lang = all[(at + step) % all.len()];
            }
            Action::FocusNext => {
                if self.overlay.is_none() {
                    self.step_focus(1);
                }
            }
            Action::FocusPrev => {
                if self.overlay.is_none() {
                    self.step_focus(-1);
                }
            }
            Action::KeyEncoding => {
                self.key_encoding = self.key_encoding.next();
                self.recompute();
                self.say(
                    &format!("the key is read as {}", self.key_encoding.name()),
                    false,
                );
            }
            Action::RevealKey => {
                self.reveal = !self.reveal;
                self.apply_masks();
                self.recompute();
                self.say(
                    if self.reveal {
                        "key revealed (F2 masks it)"
                    } else {
                        "key masked"
                    },
                    false,
                );
            }
            Action::Now => self.fill_now(),
            Action::PickScheme => {
                self.open_overlay(Overlay::Picker(Picker {
                    query: String::new(),
                    cursor: self.current,
                }));
            }
            Action::CopyHeaders => return self.copy_headers(),
            Action::CopyStage => return self.copy_stage(),
            Action::VariantUp => self.variant_cursor = self.variant_cursor.saturating_sub(1),
            Action::VariantDown => {
                self.variant_cursor =
                    (self.variant_cursor + 1).min(self.recipe().variants.len().saturating_sub(1));
            }
            Action::ChoiceNext => self.cycle_choice(1),
            Action::ChoicePrev => self.cycle_choice(-1),
            Action::StageUp => {
                self.stage_cursor = self.stage_cursor.saturating_sub(1);
                self.view.follow_selection = true;
            }
            Action::StageDown => {
                self.stage_cursor =
                    (self.stage_cursor + 1).min(self.computed.views.len().saturating_sub(1));
                self.view.follow_selection = true;
            }
            Action::ScrollUp | Action::ScrollDown => {
                let page = self.view.areas.stage_page.max(1);
                let s = self.view.stage_scroll;
                self.view.stage_scroll = if action == Action::ScrollUp {
                    s.saturating_sub(page)
                } else {
                    s + page
                };
                self.view.follow_selection = false;
            }
            Action::ScrollTop => {
                self.view.stage_scroll = 0;
                self.view.follow_selection = false;
            }
            Action::ScrollBottom => {
                self.view.stage_scroll = usize::MAX / 2;
                self.view.follow_selection = false;
            }
            Action::PickerUp | Action::PickerDown => {
                let n = self.picker_matches().len();
                if let Some(p) = self.picker_mut() {
                    p.cursor = if action == Action::PickerUp {
                        p.cursor.saturating_sub(1)
                    } else {
                        (p.cursor + 1).min(n.saturating_sub(1))
                    };
                }
            }
            Action::PickerChoose => {
                let matches = self.picker_matches();
                let cursor = self.picker().map_or(0, |p| p.cursor);
                match matches.get(cursor.min(matches.len().saturating_sub(1))) {
                    Some(&Pick::Scheme(index)) => {
                        self.close_overlays();
                        self.switch_scheme(index);
                    }
                    Some(&Pick::Extra(index)) => {
                        self.close_overlays();
                        self.open_extra(index);
                    }
                    Some(&Pick::Learn) => self.open_learn(),
                    None => {}
                }
            }
        }
        vec![]
    }

    fn cycle_choice(&mut self, step: isize) {
        let Some(v) = self.recipe().variants.get(self.variant_cursor).cloned() else {
            return;
        };
        let current = self
            .inputs
            .choices
            .get(&v.name)
            .cloned()
            .unwrap_or_default();
        let at = v.choices.iter().position(|c| *c == current).unwrap_or(0) as isize;
        let next = (at + step).rem_euclid(v.choices.len() as isize) as usize;
        self.inputs
            .choices
            .insert(v.name.clone(), v.choices[next].clone());
        self.recompute();
    }

    /// "Now" for the focused time field, a new nonce for a nonce field; elsewhere, all of them.
    fn fill_now(&mut self) {
        let fields = self.recipe().fields.clone();
        let targets: Vec<usize> = match self.focus {
            Focus::Field(i) if fields[i].kind.is_generated() => vec![i],
            _ => (0..fields.len())
                .filter(|&i| fields[i].kind.is_generated())
                .collect(),
        };
        if targets.is_empty() {
            self.say("this scheme has no time or nonce field", true);
            return;
        }
        let mut said = Vec::new();
        let mut saved = Vec::new();
        for i in targets {
            let f = &fields[i];
            saved.push((i, self.inputs.fields[i].clone()));
            let value = match time::time_value(f.kind, self.now_millis) {
                Some(v) => v,
                None => {
                    let mut random = vec![0u8; time::nonce_bytes_needed(f)];
                    (self.random)(&mut random);
                    time::nonce_value(f, &random)
                }
            };
            self.inputs.fields[i] = field_editor(f, &value);
            said.push(format!("{} = {value}", f.name));
        }
        let focus = self.focus;
        self.set_focus(focus);
        self.say(&format!("{} (Ctrl-Z undoes)", said.join(", ")), false);
        self.recompute();
        self.undo_fill = Some(saved);
    }
}

//! Copy and export: the signature's headers (F5), a stage (F6), the request as curl, raw HTTP,
//! a bundle or code (F9's menu), and the outcome of a copy, or of its file when it is too large.

use super::{App, Effect};
use crate::request::export;
use crate::sign;
use crate::tui::keys::Action;

impl App {
    pub(super) fn copy_headers(&mut self) -> Vec<Effect> {
        self.settle();
        let trace = match &self.computed.result {
            Ok(t) => t,
            Err(e) => {
                let text = format!("nothing to copy: {e}");
                self.say(&text, true);
                return vec![];
            }
        };
        let body = self.inputs.body.bytes();
        match export::head_text(&trace.placement, &body) {
            Ok((text, what)) if !text.is_empty() => vec![Effect::Copy { text, what }],
            Ok(_) => {
                self.say("this scheme places the signature nowhere yet: fill the field that names its header", true);
                vec![]
            }
            Err(e) => {
                self.say(&e.to_string(), true);
                vec![]
            }
        }
    }

    pub(super) fn copy_stage(&mut self) -> Vec<Effect> {
        self.settle();
        let Ok(trace) = &self.computed.result else {
            self.say("nothing to copy: the trace has an error", true);
            return vec![];
        };
        let Some(stage) = trace.stages.get(self.stage_cursor) else {
            return vec![];
        };
        if stage.streamed.is_some() {
            self.say("that stage was streamed and not kept", true);
            return vec![];
        }
        let (text, how) = match std::str::from_utf8(&stage.bytes) {
            Ok(t) if !stage.raw => {
                if !self.reveal && !stage.secret.is_empty() {
                    let masked: String =
                        sign::visible::segments(&stage.bytes, &stage.secret, false)
                            .iter()
                            .map(|s| {
                                if s.mark == sign::visible::Mark::Secret {
                                    s.shown(&stage.bytes)
                                } else {
                                    String::from_utf8_lossy(&stage.bytes[s.bytes.clone()])
                                }
                            })
                            .collect();
                    (masked, " with the key masked (F2 reveals)")
                } else {
                    (t.to_string(), "")
                }
            }
            _ => (hex::encode(&stage.bytes), " as hex"),
        };
        vec![Effect::Copy {
            text,
            what: format!("stage `{}`{how}", stage.name),
        }]
    }

    /// The request as curl, raw HTTP or a bundle, for the clipboard (F9).
    pub(super) fn copy_as(&mut self, action: Action) -> Vec<Effect> {
        self.settle();
        let Ok(trace) = &self.computed.result else {
            self.say("nothing to copy: the trace has an error", true);
            return vec![];
        };
        let body = self.inputs.body.bytes();
        let replay = self.replay(trace);
        let built = replay.build(&trace.placement, &body);
        let result = match action {
            Action::CopyCurl => built
                .and_then(|r| r.to_curl())
                .map(|t| (t, "the request as curl")),
            Action::CopyHttp => built.and_then(|r| replay.to_http(&r)).map(|b| {
                (
                    String::from_utf8_lossy(&b).into_owned(),
                    "the request as raw HTTP",
                )
            }),
            _ => {
                let expected = self.expected.lines().concat();
                let expected = Some(expected.trim()).filter(|e| !e.is_empty());
                let text = self.recipe_texts.get(&self.recipe().id).map(String::as_str);
                Ok((
                    crate::request::bundle::Bundle::new(
                        self.recipe(),
                        trace,
                        text,
                        &body,
                        &self.inputs.headers.bytes(),
                        expected,
                    )
                    .with_request(self.replay_base.as_ref().map(|(b, _)| b))
                    .to_json(),
                    "a repro bundle (no key)",
                ))
            }
        };
        match result {
            Ok((text, what)) => vec![Effect::Copy {
                text,
                what: what.to_string(),
            }],
            Err(e) => {
                self.say(&e.to_string(), true);
                vec![]
            }
        }
    }

    /// The trace as a program in the chosen language, for the clipboard (F9, p).
    pub(super) fn copy_code(&mut self) -> Vec<Effect> {
        self.settle();
        let Ok(trace) = &self.computed.result else {
            self.say("nothing to copy: the trace has an error", true);
            return vec![];
        };
        let lang = self.code_lang;
        let recipe = self.recipe();
        let headers = self.inputs.headers.bytes();
        let request = crate::code::Request {
            recipe,
            trace,
            headers: &headers,
            command: &crate::code::command(recipe, &trace.selection, lang),
        };
        match crate::code::generate(&request, lang) {
            Ok(text) => vec![Effect::Copy {
                text,
                what: format!("the trace as {} code", lang.label()),
            }],
            Err(e) => {
                self.say(&e.to_string(), true);
                vec![]
            }
        }
    }

    /// A copy the terminal's clipboard would drop (over the OSC 52 limit): kept, and the user
    /// offered a file instead.
    pub fn too_large_to_copy(&mut self, what: &str, text: String) {
        let kb = text.len().div_ceil(1000);
        self.say(
            &format!(
                "{what} is {kb} KB, more than the about 100 KB terminals take by OSC 52: nothing copied; F9 then w writes it to a file"
            ),
            true,
        );
        self.unsent_copy = Some((what.to_string(), text));
    }

    /// Records the outcome of writing a copy to a file.
    pub fn written(&mut self, what: &str, outcome: Result<String, String>) {
        match outcome {
            Ok(path) => self.say(&format!("wrote {what} to {path}"), false),
            Err(e) => self.say(&format!("could not write {what}: {e}"), true),
        }
    }

    /// Records the outcome of a copy effect.
    pub fn copied(&mut self, what: &str, outcome: Result<&str, String>) {
        match outcome {
            Ok(how) => self.say(&format!("copied {what} to {how}"), false),
            Err(e) => self.say(&format!("could not copy {what}: {e}"), true),
        }
    }
}

//! The verdict on a received request: which scheme, the signature it carried and ours, match or
//! not, and on a mismatch what diagnose says. Everything here is the core's work on the request
//! as import read it; the listener only reads the request that arrived and hands it over.

use std::collections::BTreeMap;

use crate::diagnose;
use crate::request::import::{self, ImportError, Imported};
use crate::sign::{self, Inputs, Recipe};

/// What a verdict says, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Match,
    Mismatch,
    /// No signature for the scheme in the request.
    Unsigned,
    /// The request could not be verified (no scheme, a field missing, a malformed carrier …).
    Error,
}

impl Outcome {
    /// ✓, ✗, or ? when nothing was compared.
    pub fn mark(self) -> &'static str {
        match self {
            Outcome::Match => "✓",
            Outcome::Mismatch => "✗",
            Outcome::Unsigned | Outcome::Error => "?",
        }
    }
}

/// The verdict on one request.
#[derive(Clone)]
pub struct Verdict {
    pub scheme: Option<String>,
    pub outcome: Outcome,
    /// The signature the request carried.
    pub received: Option<String>,
    /// The signature we computed for it.
    pub computed: Option<String>,
    /// One sentence: "the signatures match", "they differ from character 12 on", or why no
    /// comparison was made.
    pub message: String,
    /// What diagnose found, on a mismatch, once [`Judge::explain`] ran.
    pub explanation: Option<String>,
    /// Whether diagnose found the mistake (false when it searched and found none).
    pub explained: bool,
    /// How the request was read (de-chunked …) and what was not found in it.
    pub notes: Vec<String>,
    /// What diagnose needs, kept from the verification.
    case: Option<Box<Kept>>,
}

impl std::fmt::Debug for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verdict")
            .field("scheme", &self.scheme)
            .field("outcome", &self.outcome)
            .field("received", &self.received)
            .field("computed", &self.computed)
            .field("message", &self.message)
            .field("explanation", &self.explanation)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct Kept {
    recipe: usize,
    fields: BTreeMap<String, String>,
    body: Vec<u8>,
    headers: Vec<u8>,
    choices: BTreeMap<String, String>,
    expected: String,
}

impl Verdict {
    fn error(scheme: Option<&Recipe>, message: String, notes: Vec<String>) -> Verdict {
        Verdict {
            scheme: scheme.map(|r| r.id.clone()),
            outcome: Outcome::Error,
            received: None,
            computed: None,
            message,
            explanation: None,
            explained: false,
            notes,
            case: None,
        }
    }

    /// The verdict on a request that could not be read.
    pub fn unreadable(e: &ImportError) -> Verdict {
        Verdict::error(None, format!("the request could not be read: {e}"), vec![])
    }

    /// Whether the signature was accepted.
    pub fn matched(&self) -> bool {
        self.outcome == Outcome::Match
    }

    /// The sentence a one-line report ends with: diagnose's finding when there is one, else the
    /// message.
    pub fn sentence(&self) -> &str {
        self.explanation.as_deref().unwrap_or(&self.message)
    }
}

/// Verifies requests against a scheme (or the scheme each request reads as) and a key.
pub struct Judge {
    recipes: Vec<Recipe>,
    fixed: Option<usize>,
    /// The keys: a match with any is a match (at least one).
    keys: Vec<Vec<u8>>,
    choices: BTreeMap<String, String>,
    given: BTreeMap<String, String>,
    /// Signings a diagnose search may try.
    pub max_candidates: usize,
    /// The time a diagnose search may take.
    pub diagnose_budget: std::time::Duration,
}

/// The largest body listen diagnoses itself.
pub const MAX_DIAGNOSED_BODY: usize = 1 << 20;

impl std::fmt::Debug for Judge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Judge(scheme {:?}, {} key(s) <redacted>)",
            self.fixed.map(|i| &self.recipes[i].id),
            self.keys.len()
        )
    }
}

impl Judge {
    /// `fixed`: the scheme's index in `recipes`, or None to recognize each request's. `given`
    /// fields win over the request's (a URL the request was sent to before a tunnel, say).
    /// `keys`: one or more; a request is accepted when any of them gives an accepted signature.
    pub fn new(
        recipes: Vec<Recipe>,
        fixed: Option<usize>,
        keys: Vec<Vec<u8>>,
        choices: BTreeMap<String, String>,
        given: BTreeMap<String, String>,
    ) -> Judge {
        Judge {
            recipes,
            fixed,
            keys: if keys.is_empty() {
                vec![Vec::new()]
            } else {
                keys
            },
            choices,
            given,
            max_candidates: diagnose::DEFAULT_MAX_CANDIDATES,
            diagnose_budget: std::time::Duration::from_secs(2),
        }
    }

    /// Verifies a request, as [`import::parse`] read it from raw HTTP (as it came over the wire,
    /// or as a saved file); a request that did not read gets [`Verdict::unreadable`].
    /// `now_millis` is the clock, for the scheme's time window.
    pub fn verify(&self, imported: &Imported, now_millis: i64) -> Verdict {
        let notes = imported.notes.clone();
        let index = match self.fixed {
            Some(i) => i,
            None => {
                let found = crate::request::recognize::recognize(&self.recipes, imported);
                match found.as_slice() {
                    [one] => self
                        .recipes
                        .iter()
                        .position(|r| r.id == one.id)
                        .unwrap_or_default(),
                    [] => {
                        return Verdict {
                            outcome: Outcome::Unsigned,
                            ..Verdict::error(
                                None,
                                "no scheme finds its signature in this request (-p names one)"
                                    .to_string(),
                                notes,
                            )
                        };
                    }
                    many => {
                        return Verdict::error(
                            None,
                            format!(
                                "the request could be {}: -p names one",
                                many.iter()
                                    .map(|r| r.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" or ")
                            ),
                            notes,
                        );
                    }
                }
            }
        };
        let recipe = &self.recipes[index];
        let mapped = import::map(recipe, imported, &self.given);
        let mut notes = notes;
        notes.extend(mapped.notes.iter().cloned());
        if let Some(e) = mapped.errors.first() {
            return Verdict::error(Some(recipe), e.clone(), notes);
        }
        let Some(expected) = mapped.signature.clone().filter(|s| !s.trim().is_empty()) else {
            return Verdict {
                outcome: Outcome::Unsigned,
                ..Verdict::error(
                    Some(recipe),
                    format!("the request carries no {} signature", recipe.id),
                    notes,
                )
            };
        };
        // The request's own choices (its version header), under the --variant flags.
        let mut choices = mapped.variants.clone();
        choices.extend(self.choices.iter().map(|(k, v)| (k.clone(), v.clone())));
        let selection = match recipe.select(choices.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(s) => s,
            Err(e) => return Verdict::error(Some(recipe), e.to_string(), notes),
        };
        let body = mapped.body.clone().unwrap_or_else(|| imported.body.clone());
        let keyed = sign::compare::with_keys(
            recipe,
            self.keys.len(),
            &expected,
            |i| {
                let inputs = Inputs {
                    fields: &mapped.fields,
                    key: &self.keys[i],
                    body: &body,
                    headers: &mapped.headers,
                    selection: &selection,
                    received: Some(&expected),
                };
                sign::run(recipe, &inputs)
            },
            |t: &sign::Trace| t.signature(),
        );
        let keyed = match keyed {
            Ok(k) => k,
            Err(e) => {
                let mut v = Verdict::error(Some(recipe), e.to_string(), notes);
                v.received = Some(expected);
                return v;
            }
        };
        let (trace, set) = (&keyed.signed, &keyed.set);
        if let Some(Ok(age)) = sign::time::age(recipe, &trace.fields, now_millis)
            && !age.accepted()
        {
            notes.push(format!(
                "the request time is {age}: a server refuses it past {} s",
                age.window_seconds
            ));
        }
        let which = if keyed.key_count > 1 && set.comparison.accepted() {
            format!(" with key {} of {}", keyed.key_index + 1, keyed.key_count)
        } else {
            String::new()
        };
        let (outcome, message) = match &set.comparison {
            sign::Comparison::Match if recipe.public_key_under(&selection) => (
                Outcome::Match,
                format!("the signature verifies with the public key{which}"),
            ),
            sign::Comparison::Match => (Outcome::Match, format!("the signatures match{which}")),
            sign::Comparison::Equivalent(why) => (
                Outcome::Match,
                format!("the signatures match{which} ({why})"),
            ),
            sign::Comparison::Mismatch { .. } if recipe.public_key_under(&selection) => (
                Outcome::Mismatch,
                "no signature received verifies with the public key".to_string(),
            ),
            sign::Comparison::Mismatch { at, .. } if keyed.key_count > 1 => (
                Outcome::Mismatch,
                format!(
                    "no key of {} gives it (key 1's signature differs from character {} on)",
                    keyed.key_count,
                    at + 1
                ),
            ),
            sign::Comparison::Mismatch { at, .. } => (
                Outcome::Mismatch,
                format!("the signatures differ from character {} on", at + 1),
            ),
        };
        Verdict {
            scheme: Some(recipe.id.clone()),
            outcome,
            received: Some(expected.trim().to_string()),
            computed: Some(trace.signature_text()),
            message,
            explanation: None,
            explained: false,
            notes,
            case: (outcome == Outcome::Mismatch).then(|| {
                Box::new(Kept {
                    recipe: index,
                    fields: trace.fields.clone(),
                    body,
                    headers: mapped.headers.clone(),
                    choices,
                    expected,
                })
            }),
        }
    }

    /// On a mismatch, runs the diagnose search and puts what it found in the verdict.
    pub fn explain(&self, verdict: &mut Verdict) {
        let Some(kept) = verdict.case.take() else {
            return;
        };
        let recipe = &self.recipes[kept.recipe];
        let Ok(selection) =
            recipe.select(kept.choices.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        else {
            return;
        };
        // A large body is not searched here (each candidate signs it again): the command line
        // does it, on the saved capture.
        if kept.body.len() > MAX_DIAGNOSED_BODY {
            verdict.explanation = Some(format!(
                "not diagnosed here: the body is over {} MiB (sigscope diagnose --request on the saved capture searches it)",
                MAX_DIAGNOSED_BODY >> 20
            ));
            return;
        }
        // The search has a time budget besides its count: a timer stops it.
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let done = std::sync::atomic::AtomicBool::new(false);
        let budget = self.diagnose_budget;
        std::thread::scope(|scope| {
            let timer = scope.spawn(|| {
                let until = std::time::Instant::now() + budget;
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    let now = std::time::Instant::now();
                    if now >= until {
                        cancel.store(true, std::sync::atomic::Ordering::SeqCst);
                        return;
                    }
                    std::thread::park_timeout(until - now);
                }
            });
            self.explain_within(verdict, &kept, recipe, &selection, &cancel);
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            timer.thread().unpark();
        });
    }

    fn explain_within(
        &self,
        verdict: &mut Verdict,
        kept: &Kept,
        recipe: &Recipe,
        selection: &crate::sign::Selection,
        cancel: &std::sync::atomic::AtomicBool,
    ) {
        let limits = diagnose::Limits {
            max_candidates: self.max_candidates,
            cancel: Some(cancel),
            ..Default::default()
        };
        // With several keys, each is searched in turn until one explains the signature.
        let several = self.keys.len() > 1;
        let mut first = None;
        for (i, key) in self.keys.iter().enumerate() {
            let case = diagnose::Case {
                recipe,
                fields: &kept.fields,
                key,
                body: &kept.body,
                headers: &kept.headers,
                selection,
                expected: &kept.expected,
            };
            let result = diagnose::diagnose_with(&case, &limits);
            let explained = matches!(
                &result,
                Ok(diagnose::Outcome::Explained(_) | diagnose::Outcome::HeaderNotSent(_))
            );
            if explained || first.is_none() {
                let with = if several && explained {
                    format!(" (with key {} of {})", i + 1, self.keys.len())
                } else {
                    String::new()
                };
                first = Some((result, with));
            }
            if explained {
                break;
            }
        }
        let Some((result, with)) = first else {
            return;
        };
        match result {
            Ok(outcome) => {
                verdict.explained = matches!(
                    outcome,
                    diagnose::Outcome::Explained(_) | diagnose::Outcome::HeaderNotSent(_)
                );
                verdict.explanation = Some(match &outcome {
                    diagnose::Outcome::Explained(e) => {
                        let mut s = e
                            .changes
                            .iter()
                            .map(|c| c.sentence())
                            .collect::<Vec<_>>()
                            .join("; ");
                        if let Some((stage, byte)) = outcome.difference() {
                            s.push_str(&format!(" (the {stage} strings part at byte {byte})"));
                        }
                        s.push_str(&with);
                        s
                    }
                    diagnose::Outcome::Stopped {
                        searched,
                        total,
                        cancelled: true,
                    } => format!(
                        "diagnose stopped at its {} s budget after {searched} of {total} candidates (sigscope diagnose searches them all)",
                        self.diagnose_budget.as_secs_f64()
                    ),
                    other => other.report().join(" "),
                });
            }
            Err(e) => verdict.explanation = Some(format!("diagnose could not run: {e}")),
        }
    }
}

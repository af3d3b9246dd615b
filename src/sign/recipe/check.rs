//! The checks a recipe passes before use: under every selection of its variants (or, when they
//! are too many, the default and each one-change selection), each reference names an input or
//! an earlier stage, and the names, placements and example hold together.

use std::collections::{BTreeMap, BTreeSet};

use super::{INPUTS, Recipe, RecipeError, Selection};

impl Recipe {
    /// Every complete selection, or None when there are too many to list.
    fn all_selections(&self) -> Option<Vec<Selection>> {
        let mut all = vec![BTreeMap::new()];
        for v in &self.variants {
            if all.len() * v.choices.len() > 4096 {
                return None;
            }
            all = all
                .into_iter()
                .flat_map(|m| {
                    v.choices.iter().map(move |c| {
                        let mut m = m.clone();
                        m.insert(v.name.clone(), c.clone());
                        m
                    })
                })
                .collect();
        }
        Some(all.into_iter().map(Selection).collect())
    }

    /// The default selection and each selection that changes one variant from it.
    fn one_change_selections(&self) -> Vec<Selection> {
        let default: BTreeMap<String, String> = self
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.default_choice().to_string()))
            .collect();
        let mut all = vec![Selection(default.clone())];
        for v in &self.variants {
            for c in v.choices.iter().skip(1) {
                let mut m = default.clone();
                m.insert(v.name.clone(), c.clone());
                all.push(Selection(m));
            }
        }
        all
    }

    /// Checks that, under every selection, each reference names an input or an earlier stage.
    pub(super) fn check(&self) -> Result<(), RecipeError> {
        let inputs: BTreeSet<&str> = INPUTS
            .into_iter()
            .chain(self.fields.iter().map(|f| f.name.as_str()))
            .collect();
        let err = |line: usize, message: String| Err(RecipeError { line, message });
        for s in &self.stages {
            if inputs.contains(s.name.as_str()) {
                return err(
                    s.line,
                    format!("stage `{}` has the name of an input", s.name),
                );
            }
        }
        // Every combination when there are at most 4096; beyond, the defaults and every single
        // change of one variant (a bad reference shows under one of them in all but contrived
        // recipes).
        let selections = self
            .all_selections()
            .unwrap_or_else(|| self.one_change_selections());
        for sel in &selections {
            let mut defined: BTreeSet<&str> = inputs.clone();
            let under = || {
                let s: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
                if s.is_empty() {
                    String::new()
                } else {
                    format!(" (with {})", s.join(", "))
                }
            };
            for s in self.active_stages(sel) {
                for name in s.references(sel) {
                    if !defined.contains(name) {
                        return err(
                            s.line,
                            format!(
                                "stage `{}` refers to `{{{name}}}`, which is neither an input nor an earlier stage{}",
                                s.name,
                                under()
                            ),
                        );
                    }
                }
                if s.name == self.signature && s.prim.raw() {
                    return err(
                        s.line,
                        format!(
                            "the signature stage `{}` is raw MAC bytes: add a stage that encodes it with hex or base64",
                            s.name
                        ),
                    );
                }
                if !defined.insert(&s.name) {
                    return err(
                        s.line,
                        format!("stage `{}` is defined twice{}", s.name, under()),
                    );
                }
            }
            if !defined.contains(self.signature.as_str())
                || inputs.contains(self.signature.as_str())
            {
                return err(
                    0,
                    format!(
                        "the signature stage `{}` is not defined{}",
                        self.signature,
                        under()
                    ),
                );
            }
            let placed = self
                .headers
                .iter()
                .chain(&self.query)
                .chain(&self.body_members);
            let templates = placed
                .flat_map(|p| [(&p.value, "a placed value"), (&p.name, "a placed name")])
                .chain([
                    (&self.request.method, "request.method"),
                    (&self.request.url, "request.url"),
                ]);
            for (t, what) in templates {
                if let Some(name) = t.references().find(|n| !defined.contains(n)) {
                    return err(
                        0,
                        format!(
                            "`{what}` refers to `{{{name}}}`, which is not defined{}",
                            under()
                        ),
                    );
                }
            }
        }
        Ok(())
    }
}

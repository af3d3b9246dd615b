//! Diagnose with a bounded budget: any body and expected signature give an outcome or an error,
//! never a panic, and never more signings than the budget.
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use sigscope::diagnose::{Case, Limits, diagnose_with};
use sigscope::sign::{Recipe, builtin};

fn recipes() -> &'static [Recipe] {
    static ALL: OnceLock<Vec<Recipe>> = OnceLock::new();
    ALL.get_or_init(|| builtin::all().expect("built-ins load"))
}

fuzz_target!(|data: &[u8]| {
    let [scheme, split, rest @ ..] = data else {
        return;
    };
    let recipe = &recipes()[usize::from(*scheme) % recipes().len()];
    let (expected, body) = rest.split_at(usize::from(*split).min(rest.len()));
    let expected = String::from_utf8_lossy(expected);
    let Ok(selection) = recipe.select(std::iter::empty()) else {
        return;
    };
    let progress = AtomicUsize::new(0);
    let limits = Limits {
        max_candidates: 40,
        cancel: None,
        progress: Some(&progress),
    };
    let case = Case {
        recipe,
        fields: &recipe.example.fields,
        key: recipe.example.key.as_bytes(),
        body,
        headers: recipe.example.headers.as_bytes(),
        selection: &selection,
        expected: &expected,
    };
    let _ = diagnose_with(&case, &limits);
    assert!(
        progress.load(Ordering::Relaxed) <= 40,
        "the budget was exceeded"
    );
});

//! The engine over every scheme and variant choice: any body, key and field values sign or say
//! why, never a panic; the streamed signature agrees with the whole-body one.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sigscope::sign::{self, Inputs, Recipe, builtin};

fn recipes() -> &'static [Recipe] {
    static ALL: OnceLock<Vec<Recipe>> = OnceLock::new();
    ALL.get_or_init(|| builtin::all().expect("built-ins load"))
}

fuzz_target!(|data: &[u8]| {
    let [scheme, choice, key_len, field, rest @ ..] = data else {
        return;
    };
    let recipe = &recipes()[usize::from(*scheme) % recipes().len()];
    // A variant choice from the input; the others stay at their defaults.
    let mut chosen = Vec::new();
    if let Some(v) = recipe
        .variants
        .get(usize::from(*choice) % (recipe.variants.len() + 1))
    {
        chosen.push((
            v.name.as_str(),
            v.choices[usize::from(*choice) % v.choices.len()].as_str(),
        ));
    }
    let Ok(selection) = recipe.select(chosen) else {
        return;
    };
    let (key, body) = rest.split_at(usize::from(*key_len).min(rest.len()));
    let mut fields = recipe.example.fields.clone();
    // One field's value from the body's first line, as a stranger's request could set it.
    if let Some(f) = recipe
        .fields
        .get(usize::from(*field) % recipe.fields.len().max(1))
    {
        let line = body.split(|&b| b == b'\n').next().unwrap_or_default();
        fields.insert(f.name.clone(), String::from_utf8_lossy(line).into_owned());
    }
    let inputs = Inputs {
        fields: &fields,
        key,
        body,
        headers: body,
        selection: &selection,
        received: None,
    };
    let whole = sign::run(recipe, &inputs);
    if let Ok(Some(mut stream)) = sign::stream(
        recipe,
        &Inputs {
            body: b"",
            ..inputs
        },
    ) {
        stream.update(body);
        if let (Ok(a), Ok(b)) = (&whole, &stream.finish()) {
            assert_eq!(
                a.signature(),
                b.signature(),
                "streamed and whole signatures differ"
            );
        }
    }
    if let Ok(trace) = whole {
        let _ = sign::compare::compare_set(recipe, trace.signature(), "x");
    }
});

//! The recipe loader: any text loads or says why, never a panic; a recipe that loads signs (or
//! says why), and its streamed signature agrees with the whole-body one.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use sigscope::sign::{self, Inputs, Recipe};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(recipe) = Recipe::from_toml(text) else {
        return;
    };
    let Ok(selection) = recipe.select(std::iter::empty()) else {
        return;
    };
    let fields: BTreeMap<String, String> = recipe.example.fields.clone();
    let body = recipe.example.body.as_bytes();
    let inputs = Inputs {
        fields: &fields,
        key: b"fuzz-key",
        body,
        headers: recipe.example.headers.as_bytes(),
        selection: &selection,
        received: None,
    };
    let whole = sign::run(&recipe, &inputs);
    if let Ok(Some(mut stream)) = sign::stream(
        &recipe,
        &Inputs {
            body: b"",
            ..inputs
        },
    ) {
        stream.update(body);
        let streamed = stream.finish();
        if let (Ok(a), Ok(b)) = (&whole, &streamed) {
            assert_eq!(
                a.signature(),
                b.signature(),
                "streamed and whole signatures differ"
            );
        }
    }
});

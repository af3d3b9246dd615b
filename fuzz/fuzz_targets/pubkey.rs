//! Keys and signatures as users paste them: whatever the bytes, `pubkey::parse` gives a key or
//! one sentence (never a panic, never a line break), a key's summary and fingerprint are made,
//! and a signature's text decodes or is refused; a key that reads verifies any signature bytes
//! through the recipe stages without panicking (wrong lengths, DER garbage, high S).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigscope::sign::pubkey::{SigText, parse};
use sigscope::sign::{self, Inputs, builtin};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn schemes() -> &'static [sign::Recipe] {
    static R: OnceLock<Vec<sign::Recipe>> = OnceLock::new();
    R.get_or_init(|| {
        builtin::all()
            .expect("built-ins load")
            .into_iter()
            .filter(|r| ["discord", "sendgrid", "paypal"].contains(&r.id.as_str()))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&options, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(options).min(rest.len());
    let (key, signature) = rest.split_at(split);
    match parse(key, None) {
        Ok(k) => {
            let _ = (k.summary(), k.fingerprint(), k.is_private());
        }
        Err(e) => assert!(!e.contains('\n'), "one line: {e}"),
    }
    let text = String::from_utf8_lossy(signature);
    for enc in [SigText::Hex, SigText::Base64, SigText::Base64Url] {
        let _ = enc.decode(&text);
    }
    // Verify the signature text against each public-key scheme's example with the fuzzed key.
    for recipe in schemes() {
        let selection = recipe.select([]).expect("default choices");
        let fields: BTreeMap<String, String> = recipe.example.fields.clone();
        let inputs = Inputs {
            fields: &fields,
            key,
            body: recipe.example.body.as_bytes(),
            headers: recipe.example.headers.as_bytes(),
            selection: &selection,
            received: Some(&text),
        };
        let _ = sign::run(recipe, &inputs);
    }
});

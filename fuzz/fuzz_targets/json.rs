//! JSON canonical forms, parameter lists and flat XML documents: never a panic; a canonical form
//! is JSON that reads back to itself; an element put into an XML document reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigscope::sign::json::canonical;
use sigscope::sign::form::parse_params;
use sigscope::sign::json::{JsonForm, JsonSkip, JsonSort};
use sigscope::sign::xml::{read_flat, with_element};

fuzz_target!(|data: &[u8]| {
    let Some((&options, text)) = data.split_first() else {
        return;
    };
    let omit = ["sign".to_string()];
    let form = JsonForm {
        sort: [JsonSort::Deep, JsonSort::Top, JsonSort::None][usize::from(options % 3)],
        spaced: options & 4 != 0,
        escape_unicode: options & 8 != 0,
        skip: [JsonSkip::None, JsonSkip::Null, JsonSkip::NullOrEmpty]
            [usize::from((options >> 4) % 3)],
        omit: if options & 64 != 0 { &omit } else { &[] },
    };
    if let Ok(out) = canonical(text, &form) {
        // Sorted deep and compact, a canonical form is a fixed point.
        if form.sort == JsonSort::Deep && !form.spaced && form.skip == JsonSkip::None {
            let again = canonical(&out, &form).expect("a canonical form reads back");
            assert_eq!(again, out, "canonical form is not a fixed point");
        }
    }
    let _ = parse_params(text, options & 128 != 0);
    if let Ok(flat) = read_flat(text)
        && flat.root_end.is_some()
    {
        let out = with_element(text, "sign", "a&<b>").expect("a flat document takes an element");
        let again = read_flat(&out).expect("the document reads back with the element");
        assert!(
            again
                .elements
                .iter()
                .any(|e| e.name == "sign" && e.value == b"a&<b>"),
            "the element put in reads back"
        );
    }
});

//! The request importer: raw HTTP and curl lines read or say why, never a panic, never a file;
//! what reads maps onto every scheme.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sigscope::request::import;
use sigscope::sign::{Recipe, builtin};

fn recipes() -> &'static [Recipe] {
    static ALL: OnceLock<Vec<Recipe>> = OnceLock::new();
    ALL.get_or_init(|| builtin::all().expect("built-ins load"))
}

fuzz_target!(|data: &[u8]| {
    let mut no_files = |_: &str| -> Result<Vec<u8>, String> { Ok(Vec::new()) };
    let Ok(request) = import::parse(data, &mut no_files) else {
        return;
    };
    for recipe in recipes() {
        let _ = import::map(recipe, &request, &BTreeMap::new());
    }
});

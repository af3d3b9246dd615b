//! Bundles: any bytes read or say why, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigscope::request::bundle::Bundle;

fuzz_target!(|data: &[u8]| {
    let _ = Bundle::parse(data);
});

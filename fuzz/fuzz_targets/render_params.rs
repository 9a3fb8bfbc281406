//! lrp_fuzz::render_params on arbitrary bytes (see fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lrp_fuzz::render_params(data));

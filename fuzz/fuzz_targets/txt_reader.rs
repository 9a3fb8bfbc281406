//! lrp_fuzz::txt_reader on arbitrary bytes (see fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lrp_fuzz::txt_reader(data));

//! The C entry points (lrp::ffi) driven with fuzzer-chosen networks, shapes, buffer
//! lengths, layouts, rules and parameters: no crash, no panic, outputs only on success.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lrp_fuzz::c_api(data));

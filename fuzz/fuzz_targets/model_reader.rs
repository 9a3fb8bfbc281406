//! lrp::model_io::parse on arbitrary bytes: errors are fine, panics are not.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lrp_fuzz::model_reader(data));

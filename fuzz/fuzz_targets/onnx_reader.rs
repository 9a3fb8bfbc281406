//! lrp::onnx::parse on arbitrary bytes: errors are fine, panics and broken promises are not.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lrp_fuzz::onnx_reader(data));

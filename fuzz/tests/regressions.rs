//! Replays every saved input under regressions/<target>/ (crashes found by fuzzing, once
//! fixed, and inputs worth keeping) through the same harness code the fuzz targets run.
//! Plain `cargo test` in fuzz/: needs neither nightly nor libFuzzer.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_file() {
            let data = std::fs::read(&path).expect("readable input");
            eprintln!("replaying {}", path.display());
            run(&data);
            count += 1;
        }
    }
    assert!(count > 0, "no inputs in {}", dir.display());
}

#[test]
fn model_reader_regressions() {
    replay("model_reader", lrp_fuzz::model_reader);
}

#[test]
fn onnx_reader_regressions() {
    replay("onnx_reader", lrp_fuzz::onnx_reader);
}

#[test]
fn c_api_regressions() {
    replay("c_api", lrp_fuzz::c_api);
}

#[test]
fn npy_reader_regressions() {
    replay("npy_reader", lrp_fuzz::npy_reader);
}

#[test]
fn txt_reader_regressions() {
    replay("txt_reader", lrp_fuzz::txt_reader);
}

#[test]
fn render_params_regressions() {
    replay("render_params", lrp_fuzz::render_params);
}

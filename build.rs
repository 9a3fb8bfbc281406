//! Build script: generates the C header from the C layer (src/ffi/) with cbindgen.
//!
//! The header always goes to `$OUT_DIR/lrp.h`. On a developer's machine it also refreshes
//! the committed `include/lrp.h`; under CI (the `CI` variable set) the committed file is
//! left alone, so that `tests/header.rs`, which compares the two, fails when someone
//! changed the C layer without committing the regenerated header.
//!
//! From the header it then generates the MATLAB files that must agree with it (see
//! build/matlab.rs): the loadlibrary prototype file `bindings/matlab/lrp_proto.m` and the
//! constants `bindings/matlab/+lrp_native/constants.m`, written to `$OUT_DIR` and, outside
//! CI, refreshed in the tree the same way (tests/header.rs compares them too).

use std::path::{Path, PathBuf};

#[path = "build/matlab.rs"]
mod matlab;

/// Writes `text` to `path` unless it already holds it (an unchanged file keeps its
/// timestamp), and never under CI, where the committed file is what is being tested.
fn refresh_committed(path: &Path, text: &[u8]) {
    if std::env::var_os("CI").is_none() && std::fs::read(path).ok().as_deref() != Some(text) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the generated file's folder");
        }
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/matlab.rs");
    println!("cargo:rerun-if-env-changed=CI");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    // Only the C layer (src/ffi and the modules it declares) is parsed: public constants
    // of the Rust core are no part of the C interface.
    let header = cbindgen::Builder::new()
        .with_src(root.join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate the header");
    let mut text = Vec::new();
    header.write(&mut text);
    std::fs::write(out_dir.join("lrp.h"), &text).expect("$OUT_DIR/lrp.h");
    refresh_committed(&root.join("include/lrp.h"), &text);

    let generated = matlab::generate(std::str::from_utf8(&text).expect("the header is UTF-8"));
    for (name, body, committed) in [
        (
            "lrp_proto.m",
            &generated.proto,
            "bindings/matlab/lrp_proto.m",
        ),
        (
            "constants.m",
            &generated.constants,
            "bindings/matlab/+lrp_native/constants.m",
        ),
    ] {
        std::fs::write(out_dir.join(name), body).expect("$OUT_DIR/*.m");
        refresh_committed(&root.join(committed), body.as_bytes());
    }
}

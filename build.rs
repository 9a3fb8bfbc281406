//! Build script: generates the C header from the C layer (src/ffi/) with cbindgen.
//!
//! The header always goes to `$OUT_DIR/lrp.h`. On a developer's machine it also refreshes
//! the committed `include/lrp.h`; under CI (the `CI` variable set) the committed file is
//! left alone, so that `tests/header.rs`, which compares the two, fails when someone
//! changed the C layer without committing the regenerated header.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
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
    let committed = root.join("include/lrp.h");
    // Write only on change, so an unchanged header keeps its timestamp.
    if std::env::var_os("CI").is_none()
        && std::fs::read(&committed).ok().as_deref() != Some(text.as_slice())
    {
        std::fs::create_dir_all(root.join("include")).expect("include/");
        std::fs::write(&committed, &text).expect("include/lrp.h");
    }
}

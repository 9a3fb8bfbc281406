//! Build script. The C header generation (cbindgen into include/lrp.h) lands here with the
//! C layer; for now it only asks Cargo to rerun when this file changes.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}

//! Helpers shared by the integration tests: where the shared reference data lives.
#![allow(dead_code)]

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/golden` next to the repository (the toolbox's reference results).
pub fn golden_dir() -> PathBuf {
    repo_root().join("../shared/golden")
}

/// `../shared/golden-zennit` next to the repository (zennit's reference results).
pub fn zennit_dir() -> PathBuf {
    repo_root().join("../shared/golden-zennit")
}

/// `../shared/golden-onnx` next to the repository (ONNX models with zennit's results).
pub fn onnx_dir() -> PathBuf {
    repo_root().join("../shared/golden-onnx")
}

/// A file of `../shared/golden-onnx`, or `None` as for [`golden_file`].
pub fn onnx_file(name: &str) -> Option<PathBuf> {
    shared_file(onnx_dir().join(name))
}

/// A file of `../shared/golden`, or `None` (with a note) when the shared data is absent.
/// Under CI (the `CI` variable set) a missing file is a failure, never a skip.
pub fn golden_file(name: &str) -> Option<PathBuf> {
    shared_file(golden_dir().join(name))
}

/// A file of `../shared/golden-zennit`, or `None` as for [`golden_file`].
pub fn zennit_file(name: &str) -> Option<PathBuf> {
    shared_file(zennit_dir().join(name))
}

fn shared_file(path: PathBuf) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{} is missing: CI must have ../shared", path.display());
    }
    eprintln!(
        "note: {} is missing; skipping (this would fail under CI)",
        path.display()
    );
    None
}

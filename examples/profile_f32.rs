//! The f32 path on ResNet-18 (224 x 224, the bench's shape, random weights): `cargo run
//! --release --example profile_f32 -- [batch] [runs] [f32|f64]` (default 16 3 f32) runs
//! `explain_f32` with the epsilon_plus presets that many times in that precision, printing
//! each time: a workload for `perf record`, as profile_layers is for single layers.
//! `-- B 0 compare` prints how far the f32 map is from the f64 one; `-- B RUNS cnn64-ab`
//! runs cnn64 with alphabeta(1) in f32 instead.
// Only the ResNet-18 of the bench's workloads is used here.
#[allow(dead_code)]
#[path = "../benches/support/workloads.rs"]
mod workloads;

use lrp::{Composite, Precision};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let batch = args.first().and_then(|b| b.parse().ok()).unwrap_or(16);
    let runs = args.get(1).and_then(|b| b.parse().ok()).unwrap_or(3);
    let precision = match args.get(2).map(String::as_str) {
        Some("f64") => Precision::F64,
        Some("compare") => return compare(batch),
        Some("cnn64-ab") => return cnn64_alphabeta(batch, runs),
        _ => Precision::F32,
    };
    let mut net = workloads::resnet18();
    net.set_composite(&Composite::from_name("epsilon_plus", None, None, None, None).unwrap())
        .unwrap();
    net.set_precision(precision);
    let x = workloads::normal_images(batch, 224, 224, 3).mapv(|v| v as f32);
    let classes = vec![0; batch];
    for _ in 0..runs {
        let t = Instant::now();
        let r = net.explain_f32(x.view(), &classes, None).unwrap();
        println!(
            "{precision:?} B={batch}: {:.3} s (sum {:e})",
            t.elapsed().as_secs_f64(),
            r.sum()
        );
    }
}

/// `... profile_f32 -- B 0 compare`: the f32 map against the f64 map of the same input,
/// normwise and in the largest element (relative to the f64 map's largest magnitude).
fn compare(batch: usize) {
    let mut net = workloads::resnet18();
    net.set_composite(&Composite::from_name("epsilon_plus", None, None, None, None).unwrap())
        .unwrap();
    let x = workloads::normal_images(batch, 224, 224, 3).mapv(|v| v as f32);
    let classes = vec![0; batch];
    let r32 = net
        .explain_f32(x.view(), &classes, None)
        .unwrap()
        .mapv(f64::from);
    net.set_precision(Precision::F32);
    let r32_in_f32 = net
        .explain_f32(x.view(), &classes, None)
        .unwrap()
        .mapv(f64::from);
    let (r64, r32) = (r32, r32_in_f32);
    let diff: f64 = r32.iter().zip(&r64).map(|(a, b)| (a - b) * (a - b)).sum();
    let norm: f64 = r64.iter().map(|b| b * b).sum();
    let max_diff = r32
        .iter()
        .zip(&r64)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    let scale = r64.iter().fold(0.0f64, |m, b| m.max(b.abs()));
    println!(
        "ResNet-18 B={batch} epsilon_plus, f32 against f64: normwise {:.2e}, largest element {:.2e} of the map's largest",
        (diff / norm).sqrt(),
        max_diff / scale
    );
}

/// cnn64 (the bench's) with alphabeta(1) in f32, `runs` times at batch `batch`.
fn cnn64_alphabeta(batch: usize, runs: usize) {
    let mut net = workloads::cnn64();
    net.set_precision(Precision::F32);
    let x = workloads::normal_images(batch, 64, 64, 3).mapv(|v| v as f32);
    let classes = vec![0; batch];
    let rule = Some(lrp::Rule::AlphaBeta(1.0));
    let t = Instant::now();
    for _ in 0..runs {
        net.explain_f32(x.view(), &classes, rule.clone()).unwrap();
    }
    println!(
        "cnn64 alphabeta f32 B={batch}: {:.2} ms per call",
        t.elapsed().as_secs_f64() * 1e3 / runs as f64
    );
}

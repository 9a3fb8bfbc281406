//! Where the time goes, layer by layer: runs forward and LRP on growing prefixes of a
//! network and prints how much each added layer costs (median of 9 runs). A tool for
//! performance work; the README's figures come from `cargo bench --bench lrp_bench`.
//!
//! Run: `cargo run --release --example profile_layers [eps|ab] [cnn64|lenet]`.

#[path = "../benches/support/workloads.rs"]
mod workloads;

use lrp::{model_io, Layer, Network, Rule};
use ndarray::ArrayD;
use std::time::Instant;

/// The benchmark's cnn64 and its random batch.
fn cnn64() -> (Vec<Layer>, ArrayD<f64>) {
    (
        workloads::cnn64().layers().cloned().collect(),
        workloads::cnn64_inputs(),
    )
}

/// LeNet-5 and 256 MNIST images from the shared golden data.
fn lenet() -> (Vec<Layer>, ArrayD<f64>) {
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/golden");
    let net = model_io::read(golden.join("lenet5.txt")).expect("../shared/golden/lenet5.txt");
    (
        net.layers().cloned().collect(),
        workloads::lenet_inputs(&golden, 256),
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rule = match args.get(1).map(String::as_str) {
        Some("ab") => Rule::AlphaBeta(1.0),
        _ => Rule::Epsilon(0.01),
    };
    let (layers, x) = if args.get(2).map(String::as_str) == Some("lenet") {
        lenet()
    } else {
        cnn64()
    };
    let (mut prev_forward, mut prev_lrp) = (0.0, 0.0);
    for k in 1..=layers.len() {
        let net = Network::from_layers(layers[..k].iter().cloned());
        let (mut forward, mut lrp) = (Vec::new(), Vec::new());
        for _ in 0..9 {
            let t = Instant::now();
            let trace = net.trace(x.view()).unwrap();
            forward.push(t.elapsed().as_secs_f64());
            let r = trace.output().clone();
            let t = Instant::now();
            net.lrp_trace(&trace, r.view(), Some(rule.clone())).unwrap();
            lrp.push(t.elapsed().as_secs_f64());
        }
        let (f, l) = (median(forward), median(lrp));
        println!(
            "layer {k:2} {:12} forward {:+.4} s  lrp {:+.4} s",
            layers[k - 1].kind().name(),
            f - prev_forward,
            l - prev_lrp
        );
        (prev_forward, prev_lrp) = (f, l);
    }
}

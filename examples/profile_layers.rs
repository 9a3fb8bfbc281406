//! Where the time goes, layer by layer: runs forward and LRP on growing prefixes of a
//! network and prints how much each added layer costs (median of 9 runs). A tool for
//! performance work; the README's figures come from `cargo bench --bench lrp_bench`.
//!
//! Run: `cargo run --release --example profile_layers [eps|ab] [cnn64|lenet]`.

use lrp::{model_io, Convolution, Layer, Linear, Network, Pool, Rule};
use ndarray::{Array4, ArrayD};
use rand_distr::{Distribution, Normal};
use std::time::Instant;

/// The benchmark's cnn64 and a random 64 x 64 x 64 x 3 batch.
fn cnn64() -> (Vec<Layer>, ArrayD<f64>) {
    let mut rng = lrp::seeded_rng(64);
    let conv = |f: [usize; 4], rng: &mut _| {
        Layer::Convolution(Convolution::random(f, (1, 1), rng).unwrap())
    };
    let pool = || Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap());
    let layers = vec![
        conv([3, 3, 3, 32], &mut rng),
        Layer::Rect,
        pool(),
        conv([3, 3, 32, 64], &mut rng),
        Layer::Rect,
        pool(),
        conv([3, 3, 64, 128], &mut rng),
        Layer::Rect,
        pool(),
        Layer::Flatten,
        Layer::Linear(Linear::random(4608, 256, &mut rng).unwrap()),
        Layer::Rect,
        Layer::Linear(Linear::random(256, 10, &mut rng).unwrap()),
    ];
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut rng = lrp::seeded_rng(7);
    let x = Array4::from_shape_simple_fn((64, 64, 64, 3), || normal.sample(&mut rng)).into_dyn();
    (layers, x)
}

/// LeNet-5 from the shared golden data and a 256 x 32 x 32 x 1 pattern batch.
fn lenet() -> (Vec<Layer>, ArrayD<f64>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden/lenet5.txt");
    let net = model_io::read(path).expect("../shared/golden/lenet5.txt");
    let x = Array4::from_shape_fn((256, 32, 32, 1), |(a, b, c, _)| {
        ((a * 7 + b * 3 + c * 5) % 17) as f64 / 8.0 - 1.0
    });
    (net.layers().cloned().collect(), x.into_dyn())
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
            net.lrp_trace(&trace, r.view(), Some(rule)).unwrap();
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

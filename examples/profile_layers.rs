//! Where the time goes, layer by layer: each layer of a network runs alone on the input
//! the full network gives it, forward and LRP, and the example prints its best time
//! and the GFLOP/s its products achieve, next to the machine's dgemm ceiling measured
//! with the library's GEMM kernel (matrixmultiply) on one thread and on every thread.
//! A tool for performance work; the README's figures come from `cargo bench --bench
//! lrp_bench`.
//!
//! Run: `cargo run --release --example profile_layers [eps|ab] [cnn64|lenet] [batch...]`
//! (default: eps cnn64 1 64). `... profile_layers explain B` instead runs one
//! `explain` of cnn64 at batch B (`... explain B [eps|ab] [out.npy]`) and exits, printing the high-water
//! memory of explain with `/usr/bin/time -v`.

#[path = "../benches/support/workloads.rs"]
mod workloads;

use lrp::{model_io, Layer, Network, Rule};
use ndarray::{s, Array2, ArrayD, Axis};
use rayon::prelude::*;
use std::time::Instant;

/// The benchmark's cnn64 and its random batch (64 samples; larger batches repeat them).
fn cnn64(batch: usize) -> (Vec<Layer>, ArrayD<f64>) {
    let x = workloads::cnn64_inputs();
    let idx: Vec<usize> = (0..batch).map(|i| i % x.shape()[0]).collect();
    (
        workloads::cnn64().layers().cloned().collect(),
        x.select(Axis(0), &idx),
    )
}

/// LeNet-5 and MNIST images from the shared golden data.
fn lenet(batch: usize) -> (Vec<Layer>, ArrayD<f64>) {
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/golden");
    let net = model_io::read(golden.join("lenet5.txt")).expect("../shared/golden/lenet5.txt");
    (
        net.layers().cloned().collect(),
        workloads::lenet_inputs(&golden, batch),
    )
}

/// The best of repeated timings: on a shared machine the figure least disturbed by other
/// processes (a thread descheduled in the middle of a split product delays all of it).
fn best(v: Vec<f64>) -> f64 {
    v.into_iter().fold(f64::INFINITY, f64::min)
}

/// Multiply-adds of one layer's product at this input (0 for layers without weights).
fn macs(layer: &Layer, x: &ArrayD<f64>, y: &ArrayD<f64>) -> f64 {
    match layer {
        // Every output position meets hf*wf*df taps of each filter.
        Layer::Convolution(c) => {
            let [hf, wf, df, _] = c.filter_size();
            (y.len() * hf * wf * df) as f64
        }
        Layer::Linear(l) => (x.shape()[0] * l.inputs() * l.outputs()) as f64,
        _ => 0.0,
    }
}

/// The products an LRP rule makes per forward-sized product on a layer with weights:
/// epsilon one (S W^T); alphabeta(1) two per sign that occurs in the input (the
/// denominators x+ W+ + x- W- and the factor S W+^T per sign).
fn lrp_products(rule: &Rule, x: &ArrayD<f64>) -> f64 {
    match rule {
        Rule::AlphaBeta(_) => {
            let pos = x.iter().any(|&v| v > 0.0) as u8;
            let neg = x.iter().any(|&v| v < 0.0) as u8;
            // One denominator product per sign, one factor product per sign.
            f64::from(pos + neg) * 2.0
        }
        _ => 1.0,
    }
}

/// GFLOP/s of matrixmultiply's dgemm on an n x n x n product, on one thread and with the
/// rows of C split over every thread (the best the library's kernel does here).
fn dgemm_ceiling(n: usize) -> (f64, f64) {
    let a = Array2::from_shape_fn((n, n), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
    let b = Array2::from_shape_fn((n, n), |(i, j)| ((i * 5 + j) % 13) as f64 * 0.25);
    let mut c = Array2::<f64>::zeros((n, n));
    let flops = 2.0 * (n * n * n) as f64;
    let product = |a: ndarray::ArrayView2<f64>, mut c: ndarray::ArrayViewMut2<f64>| {
        let (m, k) = a.dim();
        // SAFETY: live views of the stated shapes; C is borrowed mutably.
        unsafe {
            matrixmultiply::dgemm(
                m,
                k,
                n,
                1.0,
                a.as_ptr(),
                a.strides()[0],
                a.strides()[1],
                b.as_ptr(),
                b.strides()[0],
                b.strides()[1],
                0.0,
                c.as_mut_ptr(),
                c.strides()[0],
                c.strides()[1],
            )
        }
    };
    let time = |f: &mut dyn FnMut()| {
        best(
            (0..7)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64()
                })
                .collect(),
        )
    };
    let one = time(&mut || product(a.view(), c.view_mut()));
    let threads = rayon::current_num_threads();
    let rows = n.div_ceil(threads);
    let all = time(&mut || {
        c.axis_chunks_iter_mut(Axis(0), rows)
            .into_par_iter()
            .zip(a.axis_chunks_iter(Axis(0), rows).into_par_iter())
            .for_each(|(c, a)| product(a, c))
    });
    (flops / one * 1e-9, flops / all * 1e-9)
}

/// Each layer alone on its input from the full trace: best forward and LRP times over
/// `runs` repetitions, with GFLOP/s for the layers with weights.
fn profile(layers: &[Layer], x: &ArrayD<f64>, rule: &Rule, runs: usize) {
    let full = Network::from_layers(layers.iter().cloned());
    let trace = full.trace(x.view()).unwrap();
    let (mut total_f, mut total_l) = (0.0, 0.0);
    println!(
        "| layer | kind | forward ms | fwd GFLOP/s | LRP ms | LRP GFLOP/s |\n|---|---|---|---|---|---|"
    );
    for (k, layer) in layers.iter().enumerate() {
        let net = Network::from_layers([layer.clone()]);
        let input = trace.activation(k).unwrap();
        let output = trace.activation(k + 1).unwrap();
        let r = output.clone();
        let (mut forward, mut lrp) = (Vec::new(), Vec::new());
        for rep in 0..=runs {
            let owned = input.clone();
            let t = Instant::now();
            let t1 = net.trace(owned).unwrap();
            let f = t.elapsed().as_secs_f64();
            let t = Instant::now();
            net.lrp_trace(&t1, r.view(), Some(rule.clone())).unwrap();
            let l = t.elapsed().as_secs_f64();
            if rep > 0 {
                forward.push(f);
                lrp.push(l);
            }
        }
        let (f, l) = (best(forward), best(lrp));
        total_f += f;
        total_l += l;
        let m = macs(layer, input, output);
        let rate = |products: f64, t: f64| {
            if m > 0.0 {
                format!("{:.1}", 2.0 * m * products / t * 1e-9)
            } else {
                "".into()
            }
        };
        println!(
            "| {k:2} | {} | {:.3} | {} | {:.3} | {} |",
            layer.kind().name(),
            f * 1e3,
            rate(1.0, f),
            l * 1e3,
            rate(lrp_products(rule, input), l),
        );
    }
    println!(
        "| | total | {:.3} | | {:.3} | |",
        total_f * 1e3,
        total_l * 1e3
    );
}

/// The process's peak resident memory as Linux reports it (VmHWM), or a note that the
/// platform does not.
fn high_water() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .map_or("peak RSS unknown".into(), |v| format!("peak RSS {v}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("forward") {
        let batch = args.get(1).and_then(|b| b.parse().ok()).unwrap_or(256);
        let (layers, x) = cnn64(batch);
        let trace = Network::from_layers(layers).trace(x).unwrap();
        let bytes: usize = (0..)
            .map_while(|i| trace.activation(i))
            .map(|a| a.len() * 8)
            .sum();
        println!(
            "forward cnn64 B={batch}: activations {:.1} MB; {}",
            bytes as f64 / 1e6,
            high_water()
        );
        return;
    }
    if args.first().map(String::as_str) == Some("explain") {
        let batch = args.get(1).and_then(|b| b.parse().ok()).unwrap_or(256);
        let rule = match args.get(2).map(String::as_str) {
            Some("ab") => Rule::AlphaBeta(1.0),
            _ => Rule::Epsilon(0.01),
        };
        let (layers, x) = cnn64(batch);
        let net = Network::from_layers(layers);
        let t = Instant::now();
        let r = net.explain(x, &vec![0; batch], Some(rule.clone())).unwrap();
        println!(
            "explain cnn64 B={batch} {rule:?}: {:.3} s, input {:.1} MB, sum of relevance {:e}; {}",
            t.elapsed().as_secs_f64(),
            (r.len() * 8) as f64 / 1e6,
            r.sum(),
            high_water()
        );
        // An optional file for comparing two builds bit for bit.
        if let Some(path) = args.get(3) {
            use lrp::data_io::{write_npy, NpyDtype, NpyOrder};
            write_npy(path, r.view(), NpyDtype::F64, NpyOrder::C).unwrap();
        }
        return;
    }
    let rule = match args.first().map(String::as_str) {
        Some("ab") => Rule::AlphaBeta(1.0),
        _ => Rule::Epsilon(0.01),
    };
    let lenet_net = args.get(1).map(String::as_str) == Some("lenet");
    let mut batches: Vec<usize> = args.iter().skip(2).filter_map(|b| b.parse().ok()).collect();
    if batches.is_empty() {
        batches = vec![1, 64];
    }
    let (one, all) = dgemm_ceiling(1536);
    println!(
        "threads: {}; dgemm ceiling (matrixmultiply, 1536^3): {one:.1} GFLOP/s on one thread, {all:.1} on all",
        rayon::current_num_threads()
    );
    for batch in batches {
        let (layers, x) = if lenet_net {
            lenet(batch)
        } else {
            cnn64(batch)
        };
        let x = x.slice(s![..batch, .., .., ..]).to_owned().into_dyn();
        println!(
            "\n{} B={batch}, rule {rule:?}",
            if lenet_net { "LeNet-5" } else { "cnn64" }
        );
        let runs = if batch < 8 { 50 } else { 9 };
        profile(&layers, &x, &rule, runs);
    }
}

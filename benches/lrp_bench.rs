//! Forward and forward + LRP timings of the workloads, printed as a Markdown table.
//!
//! Run: `cargo bench --bench lrp_bench` (optionally `-- --quick` for fewer repetitions).
//! Each figure is the median over repeated runs, all measured in this one process so the
//! ratios compare like with like on a shared, noisy machine.

#[path = "support/workloads.rs"]
mod workloads;

use lrp::{model_io, Canonizer, Composite, Convention, Network, Rule};
use ndarray::{ArrayD, Ix2};
use std::path::PathBuf;
use std::time::Instant;
use workloads::{cnn64, cnn64_inputs, lenet_inputs, normal_images, resnet18};

/// Seconds spent in `f`.
fn secs<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed().as_secs_f64(), out)
}

/// The median of a sample of timings.
fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The output of each sample masked to its top class: the usual relevance to explain.
fn top_class_relevance(y: &ArrayD<f64>) -> ArrayD<f64> {
    let y2 = y.view().into_dimensionality::<Ix2>().expect("N x C output");
    let mut r = ArrayD::zeros(y.raw_dim());
    for (n, row) in y2.outer_iter().enumerate() {
        let k = lrp::train::argmax(row.iter());
        r[[n, k]] = row[k];
    }
    r
}

struct Row {
    workload: String,
    forward: f64,
    epsilon: f64,
    alpha1: f64,
    /// The epsilon LRP pass alone, on the forward pass's trace.
    epsilon_only: f64,
}

/// Each repetition times one forward pass and then the epsilon and the alphabeta LRP
/// passes on its trace, so that all figures of a row come from the same moments of a
/// shared machine; the row reports medians.
fn measure(workload: &str, net: &Network, x: &ArrayD<f64>, runs: usize) -> Row {
    let (mut fwd, mut eps, mut ab) = (Vec::new(), Vec::new(), Vec::new());
    for rep in 0..=runs {
        let (t_fwd, trace) = secs(|| net.trace(x.view()).unwrap());
        let r = top_class_relevance(trace.output());
        let (t_eps, _) = secs(|| {
            net.lrp_trace(&trace, r.view(), Some(Rule::Epsilon(0.01)))
                .unwrap()
        });
        let (t_ab, _) = secs(|| {
            net.lrp_trace(&trace, r.view(), Some(Rule::AlphaBeta(1.0)))
                .unwrap()
        });
        if rep > 0 {
            // Repetition 0 warms caches and the allocator.
            fwd.push(t_fwd);
            eps.push(t_eps);
            ab.push(t_ab);
        }
    }
    eprintln!("measured {workload}");
    Row {
        workload: workload.to_string(),
        forward: median(fwd.clone()),
        epsilon: median(fwd.iter().zip(&eps).map(|(f, e)| f + e).collect()),
        alpha1: median(fwd.iter().zip(&ab).map(|(f, a)| f + a).collect()),
        epsilon_only: median(eps),
    }
}

/// Forward, and forward + LRP with zennit's `epsilon_plus` and the canonizers it needs
/// (residual sums), of a network as ONNX files bring them; medians.
fn measure_composite(
    workload: &str,
    net: &Network,
    x: &ArrayD<f64>,
    runs: usize,
) -> (String, f64, f64) {
    let mut net = net.canonized(&Canonizer::for_model(net)).unwrap();
    net.set_convention(Convention::Zennit);
    net.set_composite(&Composite::from_name("epsilon_plus", None, None, None, None).unwrap())
        .unwrap();
    let (mut fwd, mut lrp) = (Vec::new(), Vec::new());
    for rep in 0..=runs {
        let (t_fwd, trace) = secs(|| net.trace(x.view()).unwrap());
        let r = top_class_relevance(trace.output());
        let (t_lrp, _) = secs(|| net.lrp_trace(&trace, r.view(), None).unwrap());
        if rep > 0 {
            fwd.push(t_fwd);
            lrp.push(t_fwd + t_lrp);
        }
    }
    eprintln!("measured {workload}");
    (workload.to_string(), median(fwd), median(lrp))
}

/// Many classes at once against one class at a time: `explain_classes` with all K = 10
/// classes of LeNet-5 (one forward pass, ten LRP passes) and K/2 = 5 separate `explain`
/// calls (each a forward and an LRP pass), interleaved; medians of each.
fn measure_classes(net: &Network, x: &ArrayD<f64>, runs: usize) -> (f64, f64) {
    let n = x.shape()[0];
    let all: Vec<usize> = (0..10).collect();
    let rule = Some(Rule::Epsilon(0.01));
    let (mut together, mut separate) = (Vec::new(), Vec::new());
    for rep in 0..=runs {
        let (t_all, _) = secs(|| net.explain_classes(x.view(), &all, rule.clone()).unwrap());
        let (t_half, _) = secs(|| {
            for k in 0..all.len() / 2 {
                net.explain(x.view(), &vec![k; n], rule.clone()).unwrap();
            }
        });
        if rep > 0 {
            together.push(t_all);
            separate.push(t_half);
        }
    }
    eprintln!("measured classes");
    (median(together), median(separate))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // `cargo bench --bench lrp_bench -- cnn64` runs only the workloads whose name contains
    // one of the given words.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted =
        |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    let reps = |full: usize| if quick { (full / 4).max(3) } else { full };
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/golden");
    let lenet = model_io::read(golden.join("lenet5.txt")).expect("../shared/golden/lenet5.txt");
    let mut rows = Vec::new();
    for (batch, runs) in [(1, 200), (64, 30), (256, 15)] {
        let name = format!("LeNet-5, B={batch}");
        if wanted(&name) {
            let x = lenet_inputs(&golden, batch);
            rows.push(measure(&name, &lenet, &x, reps(runs)));
        }
    }
    for (batch, runs) in [(1, 60), (64, 12)] {
        let name = format!("cnn64, B={batch}");
        if wanted(&name) {
            let x = cnn64_inputs();
            let x = x
                .slice(ndarray::s![..batch, .., .., ..])
                .to_owned()
                .into_dyn();
            rows.push(measure(&name, &cnn64(), &x, reps(runs)));
        }
    }

    let onnx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/golden-onnx");
    let mut graphs = Vec::new();
    for (batch, runs) in [(1, 20), (16, 6)] {
        let name = format!("golden-onnx resnet_tiny (3 x 64 x 64), B={batch}");
        if wanted(&name) {
            let net = model_io::read(onnx.join("resnet_tiny.onnx")).expect("resnet_tiny.onnx");
            let x = normal_images(batch, 3, 64, 64);
            graphs.push(measure_composite(&name, &net, &x, reps(runs)));
        }
    }
    if wanted("ResNet-18 (3 x 224 x 224), B=1") {
        let x = normal_images(1, 224, 224, 3);
        graphs.push(measure_composite(
            "ResNet-18 (3 x 224 x 224), B=1",
            &resnet18(),
            &x,
            reps(5),
        ));
    }

    let classes =
        wanted("classes").then(|| measure_classes(&lenet, &lenet_inputs(&golden, 64), reps(40)));

    println!(
        "threads: {}, f64, median of repeated runs{}",
        rayon::current_num_threads(),
        if quick { " (--quick)" } else { "" }
    );
    println!("| workload | forward | forward + LRP epsilon(0.01) | forward + LRP alphabeta(1) | epsilon LRP pass alone / forward |");
    println!("|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {:.4} s | {:.4} s | {:.4} s | {:.2}x |",
            r.workload,
            r.forward,
            r.epsilon,
            r.alpha1,
            r.epsilon_only / r.forward
        );
    }
    if !graphs.is_empty() {
        println!();
        println!(
            "| network (ONNX-style graph) | forward | forward + LRP epsilon_plus (canonized) |"
        );
        println!("|---|---|---|");
        for (name, fwd, lrp) in &graphs {
            println!("| {name} | {fwd:.4} s | {lrp:.4} s |");
        }
    }
    if let Some((together, separate)) = classes {
        println!();
        println!("| LeNet-5, B=64, epsilon(0.01) | time |");
        println!("|---|---|");
        println!("| 10 classes at once (explain_classes) | {together:.4} s |");
        println!("| 5 separate forward + LRP calls (explain) | {separate:.4} s |");
        println!("| ratio | {:.2}x |", together / separate);
    }
}

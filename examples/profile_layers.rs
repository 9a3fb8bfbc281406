//! Where the time goes, layer by layer: each layer of a network runs alone on the input
//! the full network gives it, forward and LRP, and the example prints its best time
//! and the GFLOP/s its products achieve, next to the machine's dgemm ceiling measured
//! with the library's GEMM kernel (matrixmultiply) on one thread and on every thread.
//! A tool for performance work; the README's figures come from `cargo bench --bench
//! lrp_bench`.
//!
//! Run: `cargo run --release --example profile_layers [eps|ab] [cnn64|lenet|resnet_tiny]
//! [batch...]` (resnet_tiny: golden-onnx's ResNet with the epsilon_plus presets)
//! (default: eps cnn64 1 64); with `PROFILE_LAYER=k` only layer k runs (for `perf record`),
//! `PROFILE_RUNS=n` times, and `PROFILE_PASS=forward` or `lrp` repeats only that pass. `... profile_layers explain B` instead runs one
//! `explain` of cnn64 at batch B (`... explain B [eps|ab|resnet_tiny] [out.npy]`; resnet_tiny
//! is golden-onnx's ResNet, canonized, with the composite epsilon_plus) and exits, printing
//! the process's peak resident memory (VmHWM, as `/usr/bin/time -v` reports it), the peak of
//! the bytes allocated on the heap and the large arrays alive at that peak: the accounting
//! of what explain holds.

#[path = "../benches/support/workloads.rs"]
mod workloads;

use lrp::{model_io, Layer, Network, Rule};
use ndarray::{Array2, ArrayD, Axis};
use rayon::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Instant;

/// Allocations at least this large are listed one by one (arrays, im2col blocks).
#[cfg_attr(feature = "mimalloc", allow(dead_code))]
const LARGE: usize = 1 << 20;
/// How many large allocations the lists hold.
const SLOTS: usize = 256;

/// The system allocator, counting the bytes alive and their peak, and listing the large
/// allocations alive at the peak: what `explain` holds at its high-water mark, array by
/// array. (Heap bytes, not pages: a zeroed allocation not yet written counts in full here
/// but not in the resident set.) Only without the library's allocator (the `mimalloc`
/// feature, which sets the global allocator itself): `cargo run --release
/// --no-default-features --example profile_layers explain ...`.
#[cfg_attr(feature = "mimalloc", allow(dead_code))]
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// The large allocations alive now (address, size; size 0 for a free slot), and a copy
/// taken whenever a large allocation set a new peak.
#[cfg_attr(feature = "mimalloc", allow(dead_code))]
static LARGE_LIVE: Mutex<[(usize, usize); SLOTS]> = Mutex::new([(0, 0); SLOTS]);
static LARGE_AT_PEAK: Mutex<([(usize, usize); SLOTS], usize)> = Mutex::new(([(0, 0); SLOTS], 0));

#[cfg_attr(feature = "mimalloc", allow(dead_code))]
impl Counting {
    fn added(&self, ptr: *mut u8, size: usize) {
        let live = LIVE.fetch_add(size, Relaxed) + size;
        let new_peak = PEAK.fetch_max(live, Relaxed) < live;
        if size >= LARGE && !ptr.is_null() {
            let mut table = LARGE_LIVE.lock().unwrap();
            if let Some(slot) = table.iter_mut().find(|s| s.1 == 0) {
                *slot = (ptr as usize, size);
            }
            if new_peak {
                *LARGE_AT_PEAK.lock().unwrap() = (*table, live);
            }
        }
    }
}

// SAFETY: forwards every call to the system allocator unchanged; the bookkeeping
// allocates nothing (fixed tables behind a const-initialised mutex).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        self.added(ptr, layout.size());
        ptr
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // calloc: large zeroed blocks come as untouched pages, as without the counter.
        let ptr = System.alloc_zeroed(layout);
        self.added(ptr, layout.size());
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        if layout.size() >= LARGE {
            let mut table = LARGE_LIVE.lock().unwrap();
            if let Some(slot) = table.iter_mut().find(|s| s.0 == ptr as usize && s.1 != 0) {
                *slot = (0, 0);
            }
        }
        System.dealloc(ptr, layout)
    }
}

#[cfg(not(feature = "mimalloc"))]
#[global_allocator]
static COUNTING: Counting = Counting;

/// The heap's peak and the large allocations alive at it, largest first, in MB.
fn heap_report() -> String {
    if cfg!(feature = "mimalloc") {
        return "heap not counted (mimalloc; build with --no-default-features)".into();
    }
    let (table, at) = *LARGE_AT_PEAK.lock().unwrap();
    let mut sizes: Vec<usize> = table.iter().map(|s| s.1).filter(|&s| s > 0).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let listed: usize = sizes.iter().sum();
    let mb = |b: usize| b as f64 / 1e6;
    format!(
        "heap peak {:.1} MB; at the last peak set by a large allocation ({:.1} MB) the {} arrays of at least 1 MB hold {:.1} MB: {}",
        mb(PEAK.load(Relaxed)),
        mb(at),
        sizes.len(),
        mb(listed),
        sizes
            .iter()
            .map(|&s| format!("{:.1}", mb(s)))
            .collect::<Vec<_>>()
            .join(" + ")
    )
}

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

/// golden-onnx's resnet_tiny as the golden test runs its LRP cases (ResNet canonizer,
/// composite epsilon_plus with epsilon 1e-6, zennit's convention) and its two input
/// images repeated to `batch` samples.
fn resnet_tiny(batch: usize) -> (Network, ArrayD<f64>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/golden-onnx");
    let net = model_io::read(dir.join("resnet_tiny.onnx")).expect("../shared/golden-onnx");
    let mut net = net
        .canonized(&lrp::Canonizer::from_name("resnet").unwrap())
        .unwrap();
    net.set_convention(lrp::Convention::Zennit);
    net.set_composite(
        &lrp::Composite::from_name("epsilon_plus", Some(1e-6), None, None, None).unwrap(),
    )
    .unwrap();
    let x = lrp::data_io::read_npy(dir.join("resnet_tiny_input.npy")).expect("input");
    let idx: Vec<usize> = (0..batch).map(|i| i % x.shape()[0]).collect();
    (net, x.select(Axis(0), &idx))
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

/// Each node alone on its input from the full trace: best forward and LRP times over
/// `runs` repetitions, with GFLOP/s for the layers with weights. Every node takes `rule`
/// or, when `None`, its preset; nodes of several inputs (Add) are left out.
fn profile(full: &Network, x: &ArrayD<f64>, rule: Option<&Rule>, runs: usize) {
    let trace = full.trace(x.view()).unwrap();
    let (mut total_f, mut total_l) = (0.0, 0.0);
    println!(
        "| layer | kind | forward ms | fwd GFLOP/s | LRP ms | LRP GFLOP/s |\n|---|---|---|---|---|---|"
    );
    // PROFILE_LAYER=k: only layer k, for a profiler (`perf record`) to see it alone.
    let only: Option<usize> = std::env::var("PROFILE_LAYER")
        .ok()
        .and_then(|k| k.parse().ok());
    for (k, layer) in full.layers().enumerate() {
        let &[from] = full.node_inputs(k).unwrap() else {
            continue;
        };
        if only.is_some_and(|only| only != k) {
            continue;
        }
        let mut net = Network::from_layers([layer.clone()]);
        net.set_convention(full.convention());
        let rule = rule.cloned().unwrap_or_else(|| full.preset(k).unwrap());
        let input = trace.activation(from).unwrap();
        let output = trace.activation(k + 1).unwrap();
        let r = output.clone();
        let (mut forward, mut lrp) = (Vec::new(), Vec::new());
        // PROFILE_PASS=forward or lrp: only that pass repeats (LRP on one trace).
        let pass = std::env::var("PROFILE_PASS").unwrap_or_default();
        let once = (pass == "lrp").then(|| net.trace(input.clone()).unwrap());
        for rep in 0..=runs {
            let owned = once.is_none().then(|| input.clone());
            let t = Instant::now();
            let fresh = owned.map(|owned| net.trace(owned).unwrap());
            let f = t.elapsed().as_secs_f64();
            let t1 = once.as_ref().or(fresh.as_ref()).expect("one of the two");
            let t = Instant::now();
            if pass != "forward" {
                net.lrp_trace(t1, r.view(), Some(rule.clone())).unwrap();
            }
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
            rate(lrp_products(&rule, input), l),
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
        let (name, net, x, rule) = match args.get(2).map(String::as_str) {
            Some("resnet_tiny") => {
                let (net, x) = resnet_tiny(batch);
                ("resnet_tiny epsilon_plus", net, x, None)
            }
            other => {
                let rule = match other {
                    Some("ab") => Rule::AlphaBeta(1.0),
                    _ => Rule::Epsilon(0.01),
                };
                let (layers, x) = cnn64(batch);
                ("cnn64", Network::from_layers(layers), x, Some(rule))
            }
        };
        let before = LIVE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let t = Instant::now();
        let r = net.explain(x, &vec![0; batch], rule.clone()).unwrap();
        println!(
            "explain {name} B={batch} {rule:?}: {:.3} s, input {:.1} MB, sum of relevance {:e}; {}\nheap before explain {:.1} MB (the model and the input); {}",
            t.elapsed().as_secs_f64(),
            (r.len() * 8) as f64 / 1e6,
            r.sum(),
            high_water(),
            before as f64 / 1e6,
            heap_report()
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
    let which = args.get(1).map(String::as_str).unwrap_or("cnn64");
    let mut batches: Vec<usize> = args.iter().skip(2).filter_map(|b| b.parse().ok()).collect();
    if batches.is_empty() {
        batches = vec![1, 64];
    }
    // Not under a profiler looking at one layer.
    let (one, all) = if std::env::var("PROFILE_LAYER").is_ok() {
        (f64::NAN, f64::NAN)
    } else {
        dgemm_ceiling(1536)
    };
    println!(
        "threads: {}; dgemm ceiling (matrixmultiply, 1536^3): {one:.1} GFLOP/s on one thread, {all:.1} on all",
        rayon::current_num_threads()
    );
    for batch in batches {
        // resnet_tiny takes its composite's presets (the rule argument is ignored).
        let (net, x, rule) = match which {
            "lenet" => {
                let (layers, x) = lenet(batch);
                (Network::from_layers(layers), x, Some(&rule))
            }
            "resnet_tiny" => {
                let (net, x) = resnet_tiny(batch);
                (net, x, None)
            }
            _ => {
                let (layers, x) = cnn64(batch);
                (Network::from_layers(layers), x, Some(&rule))
            }
        };
        println!(
            "\n{which} B={batch}, rule {}",
            rule.map_or("epsilon_plus presets".into(), |r| format!("{r:?}"))
        );
        let runs = std::env::var("PROFILE_RUNS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(if batch < 8 { 50 } else { 9 });
        profile(&net, &x, rule, runs);
    }
}

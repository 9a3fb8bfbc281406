//! Splitting work never changes a result: a sample explained alone (the layers then split
//! their products and scatters over the threads inside the sample) gives the same bits as
//! the same sample inside a batch (one task per block of samples) and as a run on one
//! thread, for every rule and for the input gradient, on convolutions with padding,
//! strides, dilation and groups, a one-channel first layer and a wide Linear layer.

use lrp::{seeded_rng, Convolution, GradientMode, Layer, Linear, Network, Rule};
use ndarray::{s, Array1, Array4, ArrayD, Axis};
use rand_distr::{Distribution, Normal};

fn conv(rng: &mut impl rand::Rng, filter: [usize; 4], stride: (usize, usize)) -> Convolution {
    let normal = Normal::new(0.0, 0.3).unwrap();
    let w = Array4::from_shape_simple_fn((filter[0], filter[1], filter[2], filter[3]), || {
        normal.sample(rng)
    });
    let b = Array1::from_shape_simple_fn(filter[3], || normal.sample(rng));
    Convolution::new(w, b, stride).unwrap()
}

/// Three channels in: a padded 3 x 3 convolution, a strided, dilated, grouped, unevenly
/// padded one, a wide Linear; each large enough at batch 1 to split (at least 2^20
/// multiply-adds).
fn rgb_network() -> Network {
    let mut rng = seeded_rng(16);
    let first = conv(&mut rng, [3, 3, 3, 32], (1, 1)).with_padding([1; 4]);
    let second = conv(&mut rng, [3, 3, 16, 32], (2, 2))
        .with_padding([1, 2, 0, 1])
        .with_dilation((2, 2))
        .unwrap()
        .with_groups(2)
        .unwrap();
    // 40 x 40 -> 40 x 40 (padded) -> 19 x 20 (dilated extent 5, padding 1 + 0 / 2 + 1).
    Network::from_layers([
        Layer::Convolution(first),
        Layer::Rect,
        Layer::Convolution(second),
        Layer::Rect,
        Layer::Flatten,
        Layer::Linear(Linear::random(19 * 20 * 32, 200, &mut rng).unwrap()),
        Layer::Rect,
        Layer::Linear(Linear::random(200, 10, &mut rng).unwrap()),
    ])
}

/// One channel in, vertical stride 2: the first-layer path that scatters whole rows.
fn gray_network() -> Network {
    let mut rng = seeded_rng(17);
    Network::from_layers([
        Layer::Convolution(conv(&mut rng, [5, 5, 1, 32], (2, 1))),
        Layer::Rect,
        Layer::Flatten,
        Layer::Linear(Linear::random(30 * 60 * 32, 10, &mut rng).unwrap()),
    ])
}

fn images(n: usize, h: usize, w: usize, d: usize) -> ArrayD<f64> {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut rng = seeded_rng(99);
    Array4::from_shape_simple_fn((n, h, w, d), || normal.sample(&mut rng)).into_dyn()
}

fn rules() -> Vec<Rule> {
    vec![
        Rule::Epsilon(0.01),
        Rule::AlphaBeta(1.0),
        Rule::AlphaBeta(2.0),
        Rule::Gamma(0.25),
        Rule::Flat,
        Rule::WSquare,
        Rule::ZBox {
            low: (-1.0).into(),
            high: 2.0.into(),
        },
    ]
}

/// Relevance maps and input gradients of `x` for every rule, computed on `threads`
/// threads, each sample alone or the batch at once.
fn results(net: &Network, x: &ArrayD<f64>, threads: usize, alone: bool) -> Vec<ArrayD<f64>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        // Sample i is explained for class i % 10 wherever it runs.
        let run = |x: ArrayD<f64>, first: usize| -> Vec<ArrayD<f64>> {
            let n = x.shape()[0];
            let classes: Vec<usize> = (first..first + n).map(|i| i % 10).collect();
            let mut out: Vec<ArrayD<f64>> = rules()
                .into_iter()
                .map(|rule| net.explain(x.view(), &classes, Some(rule)).unwrap())
                .collect();
            let trace = net.trace(x.view()).unwrap();
            let dy = trace.output().mapv(|v| v.sin());
            out.push(
                net.input_gradient_trace(&trace, dy.view(), GradientMode::Gradient)
                    .unwrap(),
            );
            out
        };
        if !alone {
            return run(x.clone(), 0);
        }
        let per_sample: Vec<Vec<ArrayD<f64>>> = (0..x.shape()[0])
            .map(|i| run(x.slice(s![i..i + 1, .., .., ..]).to_owned().into_dyn(), i))
            .collect();
        (0..per_sample[0].len())
            .map(|k| {
                let parts: Vec<_> = per_sample.iter().map(|p| p[k].view()).collect();
                ndarray::concatenate(Axis(0), &parts).unwrap()
            })
            .collect()
    })
}

fn check(net: &Network, x: &ArrayD<f64>) {
    // Four threads: a batch of 8 gives every thread whole samples, a sample alone is
    // split inside; one thread splits nothing.
    let batch = results(net, x, 4, false);
    let alone = results(net, x, 4, true);
    let serial = results(net, x, 1, false);
    let names: Vec<String> = rules()
        .iter()
        .map(|r| format!("{r:?}"))
        .chain(["input gradient".to_string()])
        .collect();
    for ((name, b), (a, s)) in names.iter().zip(&batch).zip(alone.iter().zip(&serial)) {
        assert!(
            b.iter().any(|&v| v != 0.0),
            "{name}: a map of zeros compares trivially"
        );
        assert!(b == a, "{name}: samples alone differ from the batch");
        assert!(b == s, "{name}: four threads differ from one");
    }
}

#[test]
fn samples_alone_equal_the_batch_and_one_thread_bit_for_bit() {
    check(&rgb_network(), &images(8, 40, 40, 3));
}

#[test]
fn one_channel_first_layer_alone_equals_the_batch_bit_for_bit() {
    check(&gray_network(), &images(8, 64, 64, 1));
}

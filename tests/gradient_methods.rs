//! The gradient methods (SPEC.md "Gradient methods", `Network::attribute`): hand-computed
//! cases on a two-layer ReLU network, each method against its definition computed directly
//! from plain gradients, SmoothGrad's seeding, integrated gradients' completeness, and one
//! test per error.

mod common;

use lrp::{
    data_io, model_io, Convention, Convolution, GradientMethod, Layer, Linear, LrpError, Network,
    Pool, DEFAULT_IG_STEPS, DEFAULT_SMOOTHGRAD_SAMPLES, DEFAULT_SMOOTHGRAD_SIGMA,
};
use ndarray::{arr2, Array1, Array2, Array4, ArrayD, Axis};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

fn assert_close(actual: &ArrayD<f64>, expected: &ArrayD<f64>, tol: f64, what: &str) {
    assert_eq!(actual.shape(), expected.shape(), "{what}: shapes");
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a - e).abs() <= tol * (1.0 + e.abs()),
            "{what}: {actual} vs {expected}"
        );
    }
}

fn d2(rows: &[[f64; 2]]) -> ArrayD<f64> {
    Array2::from(rows.to_vec()).into_dyn()
}

/// x (2) -> Linear W1 (z1 = x1 + 2 x2, z2 = -x1 + x2 + 0.5) -> Rect -> Linear W2 (2 x 2).
fn hand_net() -> Network {
    let w1 = arr2(&[[1.0, -1.0], [2.0, 1.0]]);
    let w2 = arr2(&[[1.0, -2.0], [3.0, 1.0]]);
    Network::from_layers([
        Layer::Linear(Linear::new(w1, Array1::from(vec![0.0, 0.5])).unwrap()),
        Layer::Rect,
        Layer::Linear(Linear::new(w2, Array1::zeros(2)).unwrap()),
    ])
}

/// Sample A = [2, 1]: z = [4, -0.5], only hidden unit 1 is on. Sample B = [1, 1]:
/// z = [3, 0.5], both on. Both explain output 2: dy = [0, 1], so the hidden gradient is
/// column 2 of W2, dh = [-2, 1].
fn hand_case() -> (ArrayD<f64>, ArrayD<f64>) {
    (d2(&[[2.0, 1.0], [1.0, 1.0]]), d2(&[[0.0, 1.0], [0.0, 1.0]]))
}

fn run(net: &Network, x: &ArrayD<f64>, dy: &ArrayD<f64>, m: GradientMethod) -> ArrayD<f64> {
    net.attribute(x.view(), dy.view(), m).unwrap()
}

#[test]
fn gradient_guided_backprop_and_deconvnet_by_hand() {
    let (net, (x, dy)) = (hand_net(), hand_case());
    // Gradient: A passes dh .* [1, 0] = [-2, 0], dx = W1 [-2, 0] = [-2, -4];
    // B passes [-2, 1], dx = [-2 - 1, -4 + 1] = [-3, -3].
    let g = run(&net, &x, &dy, GradientMethod::Gradient);
    assert_close(&g, &d2(&[[-2.0, -4.0], [-3.0, -3.0]]), 1e-15, "gradient");
    // Guided: only positive dh through units that are on: A nothing, B [0, 1] -> [-1, 1].
    let guided = run(&net, &x, &dy, GradientMethod::GuidedBackprop);
    assert_close(&guided, &d2(&[[0.0, 0.0], [-1.0, 1.0]]), 1e-15, "guided");
    // Deconvnet: max(dh, 0) = [0, 1] whether on or not: [-1, 1] for both.
    let deconv = run(&net, &x, &dy, GradientMethod::Deconvnet);
    assert_close(
        &deconv,
        &d2(&[[-1.0, 1.0], [-1.0, 1.0]]),
        1e-15,
        "deconvnet",
    );
}

#[test]
fn input_x_gradient_and_dense_sensitivity_by_hand() {
    let (net, (x, dy)) = (hand_net(), hand_case());
    let ixg = run(&net, &x, &dy, GradientMethod::InputXGradient);
    assert_close(&ixg, &d2(&[[-4.0, -4.0], [-3.0, -3.0]]), 1e-15, "x .* g");
    let g = run(&net, &x, &dy, GradientMethod::Gradient);
    assert_eq!(
        ixg,
        &x * &g,
        "input_x_gradient is x .* gradient, bit for bit"
    );
    // A dense input has no channel axis: |g|.
    let s = run(&net, &x, &dy, GradientMethod::Sensitivity);
    assert_close(&s, &d2(&[[2.0, 4.0], [3.0, 3.0]]), 1e-15, "|g|");
}

/// Conv 2x2 (3 -> 2 channels), Rect, Flatten, Linear to 3 classes; seeded weights.
fn conv_net(seed: u64) -> Network {
    let mut rng = lrp::seeded_rng(seed);
    let w = Array4::from_shape_fn((2, 2, 3, 2), |_| rng.random_range(-1.0..1.0));
    let conv = Convolution::new(w, Array1::from(vec![0.1, -0.1]), (1, 1)).unwrap();
    // 4 x 4 input, 2 x 2 filter, stride 1: 3 x 3 x 2 = 18 features.
    let w2 = Array2::from_shape_fn((18, 3), |_| rng.random_range(-1.0..1.0));
    Network::from_layers([
        Layer::Convolution(conv),
        Layer::Rect,
        Layer::Flatten,
        Layer::Linear(Linear::new(w2, Array1::zeros(3)).unwrap()),
    ])
}

fn random_array(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut rng = lrp::seeded_rng(seed);
    ArrayD::from_shape_fn(shape, |_| rng.random_range(-1.0..1.0))
}

fn one_hot(n: usize, c: usize) -> ArrayD<f64> {
    Array2::from_shape_fn((n, c), |(i, j)| f64::from(u8::from(j == i % c))).into_dyn()
}

#[test]
fn image_sensitivity_is_the_channel_norm_of_the_gradient() {
    let net = conv_net(3);
    let x = random_array(&[2, 4, 4, 3], 4);
    let dy = one_hot(2, 3);
    let g = run(&net, &x, &dy, GradientMethod::Gradient);
    let s = run(&net, &x, &dy, GradientMethod::Sensitivity);
    assert_eq!(s.shape(), &[2, 4, 4, 1]);
    assert_eq!(
        GradientMethod::Sensitivity.output_shape(&[2, 4, 4, 3]),
        [2, 4, 4, 1]
    );
    let mut nonzero = 0;
    for n in 0..2 {
        for h in 0..4 {
            for w in 0..4 {
                let sq: f64 = (0..3).map(|c| g[[n, h, w, c]].powi(2)).sum();
                assert!((s[[n, h, w, 0]] - sq.sqrt()).abs() <= 1e-14 * (1.0 + sq.sqrt()));
                nonzero += usize::from(sq > 0.0);
            }
        }
    }
    assert!(
        nonzero > 8,
        "the case exercises the norm ({nonzero} non-zero pixels)"
    );
}

/// SmoothGrad as SPEC.md defines it, from plain gradients, with the draw order the
/// library documents: copy by copy, each element in C order, noise sigma (max - min) of
/// its own sample.
fn smoothgrad_directly(
    net: &Network,
    x: &ArrayD<f64>,
    dy: &ArrayD<f64>,
    samples: usize,
    sigma: f64,
    seed: u64,
) -> ArrayD<f64> {
    let mut rng = lrp::seeded_rng(seed);
    let per_sample = x.len() / x.shape()[0];
    let std: Vec<f64> = x
        .axis_iter(Axis(0))
        .map(|s| {
            let max = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let min = s.iter().cloned().fold(f64::INFINITY, f64::min);
            sigma * (max - min)
        })
        .collect();
    let mut sum = ArrayD::zeros(x.raw_dim());
    for _ in 0..samples {
        let mut noisy = x.clone();
        for (i, v) in noisy.iter_mut().enumerate() {
            let z: f64 = StandardNormal.sample(&mut rng);
            *v += std[i / per_sample] * z;
        }
        sum += &run(net, &noisy, dy, GradientMethod::Gradient);
    }
    sum / samples as f64
}

#[test]
fn smoothgrad_is_the_mean_gradient_over_noisy_copies() {
    let net = conv_net(5);
    // Two samples of very different ranges: the noise must follow each one's range.
    let mut x = random_array(&[2, 4, 4, 3], 6);
    x.index_axis_mut(Axis(0), 1).mapv_inplace(|v| 10.0 * v);
    let dy = one_hot(2, 3);
    let m = GradientMethod::SmoothGrad {
        samples: 12,
        sigma: 0.2,
        seed: 42,
    };
    let sg = run(&net, &x, &dy, m);
    let want = smoothgrad_directly(&net, &x, &dy, 12, 0.2, 42);
    assert_close(&sg, &want, 1e-12, "smoothgrad vs its definition");
    let g = run(&net, &x, &dy, GradientMethod::Gradient);
    assert!(
        (&sg - &g).iter().any(|d| d.abs() > 1e-3),
        "the noise changes the result"
    );
}

#[test]
fn smoothgrad_seeds_reproduce_and_sigma_zero_is_the_gradient() {
    let net = conv_net(7);
    let x = random_array(&[3, 4, 4, 3], 8);
    let dy = one_hot(3, 3);
    let sg = |seed, sigma| {
        run(
            &net,
            &x,
            &dy,
            GradientMethod::SmoothGrad {
                samples: 9,
                sigma,
                seed,
            },
        )
    };
    let a = sg(1, 0.3);
    assert_eq!(a, sg(1, 0.3), "same seed: bit-identical");
    let b = sg(2, 0.3);
    let differ = a.iter().zip(&b).filter(|(u, v)| u != v).count();
    assert!(
        differ > a.len() / 2,
        "another seed: other noise ({differ} of {} differ)",
        a.len()
    );
    let g = run(&net, &x, &dy, GradientMethod::Gradient);
    assert_close(&sg(1, 0.0), &g, 1e-14, "sigma 0");
}

#[test]
fn smoothgrad_of_a_linear_network_is_its_gradient() {
    // The gradient of a linear map is the same everywhere: noise cannot change it.
    let w = arr2(&[[0.5, -1.0], [2.0, 0.25], [-3.0, 1.0]]);
    let net = Network::from_layers([Layer::Linear(Linear::new(w, Array1::zeros(2)).unwrap())]);
    let x = Array2::from_shape_vec((2, 3), vec![1.0, 2.0, -4.0, 0.5, 0.0, 3.0])
        .unwrap()
        .into_dyn();
    let dy = d2(&[[1.0, 0.0], [0.5, 2.0]]);
    let m = GradientMethod::SmoothGrad {
        samples: 5,
        sigma: 1.0,
        seed: 3,
    };
    // g = W dy per sample: [0.5, 2, -3] and [0.25 - 2, 1 + 0.5, -1.5 + 2].
    let want = Array2::from_shape_vec((2, 3), vec![0.5, 2.0, -3.0, -1.75, 1.5, 0.5])
        .unwrap()
        .into_dyn();
    assert_close(&run(&net, &x, &dy, m), &want, 1e-14, "smoothgrad, linear");
}

/// f(x) = sum(dy .* network(x)): what the methods explain.
fn selected_output(net: &Network, x: &ArrayD<f64>, dy: &ArrayD<f64>) -> Vec<f64> {
    let y = net.trace(x.view()).unwrap().output().clone();
    (&y * dy).sum_axis(Axis(1)).iter().copied().collect()
}

/// f(x) - f(0) per sample, f as in [`selected_output`]: what integrated gradients from a
/// zero baseline should sum to.
fn differences_from_zero(net: &Network, x: &ArrayD<f64>, dy: &ArrayD<f64>) -> Vec<f64> {
    let fx = selected_output(net, x, dy);
    let f0 = selected_output(net, &ArrayD::zeros(x.raw_dim()), dy);
    fx.iter().zip(&f0).map(|(a, b)| a - b).collect()
}

/// Integrated gradients from zeros at `steps` and, for each of `samples`, the relative
/// completeness error |sum of its attributions - diffs[n]| / |diffs[n]|.
fn completeness_errors(
    net: &Network,
    x: &ArrayD<f64>,
    dy: &ArrayD<f64>,
    steps: usize,
    diffs: &[f64],
    samples: &[usize],
) -> (ArrayD<f64>, Vec<f64>) {
    let ig = run(net, x, dy, GradientMethod::IntegratedGradients { steps });
    let errors = samples
        .iter()
        .map(|&n| (ig.index_axis(Axis(0), n).sum() - diffs[n]).abs() / diffs[n].abs())
        .collect();
    (ig, errors)
}

#[test]
fn integrated_gradients_by_hand_in_one_dimension() {
    // f(x) = relu(x - 1), x = 3, baseline 0, 4 steps: points 0.75, 1.5, 2.25, 3 have
    // gradients 0, 1, 1, 1; IG = 3 * 3/4 = 2.25 (the right Riemann sum; exact f: 2).
    let net = Network::from_layers([
        Layer::Linear(Linear::new(arr2(&[[1.0]]), Array1::from(vec![-1.0])).unwrap()),
        Layer::Rect,
    ]);
    let x = arr2(&[[3.0]]).into_dyn();
    let dy = arr2(&[[1.0]]).into_dyn();
    let ig = run(
        &net,
        &x,
        &dy,
        GradientMethod::IntegratedGradients { steps: 4 },
    );
    assert_close(&ig, &arr2(&[[2.25]]).into_dyn(), 1e-15, "4 steps");
    // With a baseline of 2 the whole path is in the linear part: exactly f(3) - f(2) = 1.
    let x0 = arr2(&[[2.0]]).into_dyn();
    let ig = net
        .attribute_with_baseline(
            x.view(),
            dy.view(),
            GradientMethod::IntegratedGradients { steps: 4 },
            Some(x0.view()),
        )
        .unwrap();
    assert_close(&ig, &arr2(&[[1.0]]).into_dyn(), 1e-15, "baseline 2");
}

#[test]
fn integrated_gradients_on_a_linear_network_are_exact() {
    let net = conv_net(9);
    // Without Rect the conv net is affine: IG = (x - x0) .* gradient for any steps, and
    // completeness holds to rounding.
    let linear = Network::from_layers(net.layers().filter(|l| !matches!(l, Layer::Rect)).cloned());
    let x = random_array(&[4, 4, 4, 3], 10);
    let x0 = random_array(&[4, 4, 4, 3], 11);
    let dy = one_hot(4, 3);
    let ig = linear
        .attribute_with_baseline(
            x.view(),
            dy.view(),
            GradientMethod::IntegratedGradients { steps: 3 },
            Some(x0.view()),
        )
        .unwrap();
    let g = run(&linear, &x, &dy, GradientMethod::Gradient);
    assert_close(&ig, &(&(&x - &x0) * &g), 1e-12, "IG of an affine map");
    let (fx, f0) = (
        selected_output(&linear, &x, &dy),
        selected_output(&linear, &x0, &dy),
    );
    for n in 0..4 {
        let sum = ig.index_axis(Axis(0), n).sum();
        assert!(
            (sum - (fx[n] - f0[n])).abs() <= 1e-12 * (1.0 + fx[n].abs() + f0[n].abs()),
            "sample {n}: sum {sum}, f(x) - f(x0) = {}",
            fx[n] - f0[n]
        );
    }
}

#[test]
fn integrated_gradients_through_tied_maxpool_maxima_are_complete() {
    // One 2 x 2 window holding 3 everywhere: f(t x) = 3 t along the whole path, and the
    // tie persists. The gradient goes to the first maximum only, so IG = [3, 0, 0, 0] and
    // sums to f(x) - f(0) = 3; giving every tied maximum the full gradient (the toolbox's
    // backward) would sum to 12.
    let net = Network::from_layers([Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap())]);
    let x = ArrayD::from_elem(vec![1, 2, 2, 1], 3.0);
    let dy = ArrayD::from_elem(vec![1, 1, 1, 1], 1.0);
    let ig = run(
        &net,
        &x,
        &dy,
        GradientMethod::IntegratedGradients { steps: 4 },
    );
    let want = ArrayD::from_shape_vec(vec![1, 2, 2, 1], vec![3.0, 0.0, 0.0, 0.0]).unwrap();
    assert_close(&ig, &want, 1e-15, "IG through a tied window");
}

#[test]
fn integrated_gradients_completeness_on_the_zennit_relu_cnn() {
    // The small ReLU CNN of ../shared/golden-zennit (conv 5x5x8, Rect, MaxPool, conv
    // 5x5x16, Rect, MaxPool, Linear 256-10) on its 8 MNIST-like inputs in [-1, 1], each
    // explaining its one-hot class from a zero baseline. The flat background makes whole
    // MaxPool windows tie along the path. Every sample's sum of attributions is within 1 %
    // of f(x) - f(0) at 64 steps (measured worst 0.80 %, median about 0.4 %).
    let (Some(model), Some(input), Some(onehot)) = (
        common::zennit_file("cnn_relu.txt"),
        common::zennit_file("z_cnn_relu_input.npy"),
        common::zennit_file("z_cnn_relu_onehot.npy"),
    ) else {
        return;
    };
    let mut net = model_io::read(model).unwrap();
    let x = data_io::read_npy(input).unwrap();
    let dy = data_io::read_npy(onehot).unwrap();
    let diffs = differences_from_zero(&net, &x, &dy);
    for (n, d) in diffs.iter().enumerate() {
        assert!(
            d.abs() > 0.1,
            "sample {n}: f(x) - f(0) = {d} is too small to judge"
        );
    }
    let samples: Vec<usize> = (0..diffs.len()).collect();
    let (ig, errors) = completeness_errors(&net, &x, &dy, 64, &diffs, &samples);
    println!(
        "integrated gradients, 64 steps, cnn_relu: relative completeness errors {:?}",
        errors
            .iter()
            .map(|e| format!("{e:.2e}"))
            .collect::<Vec<_>>()
    );
    for (n, e) in errors.iter().enumerate() {
        assert!(*e <= 0.01, "sample {n}: relative error {e:.3e} at 64 steps");
    }
    // The convention is LRP's business; the gradient methods are the same under either.
    net.set_convention(Convention::Zennit);
    let zennit = run(
        &net,
        &x,
        &dy,
        GradientMethod::IntegratedGradients { steps: 64 },
    );
    assert_eq!(
        ig, zennit,
        "integrated gradients under the zennit convention"
    );
}

#[test]
fn integrated_gradients_completeness_on_a_small_relu_network() {
    // A 6-10-8-3 ReLU MLP with biases, 16 random samples, zero baseline. Along the path
    // f is piecewise linear with a kink wherever a unit switches, and the right Riemann sum
    // of SPEC.md is off by up to the kink's change of slope / steps at each one: the error
    // is O(1 / steps), not exactly 0. Samples whose f(x) - f(0) is below 10 % of the
    // typical size are left out (a relative error of a near-zero difference means
    // nothing).
    let mut rng = lrp::seeded_rng(12);
    let mut dense = |m, n| {
        let w = Array2::from_shape_fn((m, n), |_| rng.random_range(-1.0..1.0));
        let b = Array1::from_shape_fn(n, |_| rng.random_range(-0.2..0.2));
        Layer::Linear(Linear::new(w, b).unwrap())
    };
    let net = Network::from_layers([
        dense(6, 10),
        Layer::Rect,
        dense(10, 8),
        Layer::Rect,
        dense(8, 3),
    ]);
    let x = random_array(&[16, 6], 13);
    let dy = one_hot(16, 3);
    let diffs = differences_from_zero(&net, &x, &dy);
    let typical = diffs.iter().map(|d| d.abs()).sum::<f64>() / diffs.len() as f64;
    let used: Vec<usize> = (0..16)
        .filter(|&n| diffs[n].abs() >= 0.1 * typical)
        .collect();
    assert!(used.len() >= 12, "only {} samples are usable", used.len());
    let worst = |e: &[f64]| e.iter().cloned().fold(0.0, f64::max);
    let median = |e: &[f64]| {
        let mut e = e.to_vec();
        e.sort_by(f64::total_cmp);
        e[e.len() / 2]
    };
    let mut report = Vec::new();
    for steps in [64, 128, 256, 1024] {
        let (_, e) = completeness_errors(&net, &x, &dy, steps, &diffs, &used);
        report.push((steps, worst(&e), median(&e)));
        println!(
            "integrated gradients, {steps} steps, {} samples: relative completeness error worst {:.2e}, median {:.2e}",
            used.len(),
            worst(&e),
            median(&e)
        );
    }
    // Measured: at 64 steps worst 1.95e-2, median 6.7e-3; 128: 1.1e-2; 256: 8.5e-3.
    assert!(report[0].2 <= 0.01, "median at 64 steps: {:?}", report[0]);
    assert!(report[0].1 <= 0.025, "worst at 64 steps: {:?}", report[0]);
    assert!(report[2].1 <= 0.01, "worst at 256 steps: {:?}", report[2]);
    // O(1 / steps): 16 times the steps, at least 4 times more accurate at the worst.
    assert!(report[3].1 <= report[0].1 / 4.0, "{report:?}");
}

#[test]
fn integrated_gradients_are_the_mean_gradient_along_the_path() {
    let net = conv_net(14);
    let x = random_array(&[2, 4, 4, 3], 15);
    let x0 = random_array(&[2, 4, 4, 3], 16);
    let dy = one_hot(2, 3);
    let steps = 7;
    let mut sum = ArrayD::zeros(x.raw_dim());
    for k in 1..=steps {
        let point = &x0 + &((&x - &x0) * (k as f64 / steps as f64));
        sum += &run(&net, &point, &dy, GradientMethod::Gradient);
    }
    let want = (&x - &x0) * &(sum / steps as f64);
    let ig = net
        .attribute_with_baseline(
            x.view(),
            dy.view(),
            GradientMethod::IntegratedGradients { steps },
            Some(x0.view()),
        )
        .unwrap();
    assert_close(&ig, &want, 1e-12, "IG vs its definition");
}

#[test]
fn attribution_leaves_the_network_state_alone_and_threads_share_it() {
    let mut net = conv_net(17);
    let x = random_array(&[2, 4, 4, 3], 18);
    let dy = one_hot(2, 3);
    assert!(net.cached_trace().is_none());
    let m = GradientMethod::SmoothGrad {
        samples: 4,
        sigma: 0.1,
        seed: 5,
    };
    let alone = run(&net, &x, &dy, m);
    assert!(net.cached_trace().is_none(), "attribute caches nothing");
    let shared = &net;
    let results: Vec<ArrayD<f64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| run(shared, &x, &dy, m)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(results.iter().all(|r| *r == alone));
    net.forward(x.view(), false).unwrap();
    let cached = net.cached_trace().unwrap().output().clone();
    run(&net, &random_array(&[3, 4, 4, 3], 19), &one_hot(3, 3), m);
    assert_eq!(net.cached_trace().unwrap().output(), &cached);
}

#[test]
fn names_defaults_and_round_trips() {
    let names = [
        ("gradient", GradientMethod::Gradient),
        ("Input_X_Gradient", GradientMethod::InputXGradient),
        ("sensitivity", GradientMethod::Sensitivity),
        ("guided-backprop", GradientMethod::GuidedBackprop),
        ("DECONVNET", GradientMethod::Deconvnet),
    ];
    for (name, want) in names {
        let m = GradientMethod::from_name(name, Some(3), Some(0.5), 9).unwrap();
        assert_eq!(m, want, "{name}");
        assert_eq!(
            GradientMethod::from_name(m.name(), None, None, 0).unwrap(),
            m
        );
    }
    assert_eq!(
        GradientMethod::from_name("SmoothGrad", None, None, 7).unwrap(),
        GradientMethod::SmoothGrad {
            samples: DEFAULT_SMOOTHGRAD_SAMPLES,
            sigma: DEFAULT_SMOOTHGRAD_SIGMA,
            seed: 7
        }
    );
    assert_eq!(
        GradientMethod::from_name("smoothgrad", Some(3), Some(0.0), 1).unwrap(),
        GradientMethod::SmoothGrad {
            samples: 3,
            sigma: 0.0,
            seed: 1
        }
    );
    for name in ["integrated_gradients", "IntegratedGradients", "ig"] {
        assert_eq!(
            GradientMethod::from_name(name, None, Some(1.0), 0).unwrap(),
            GradientMethod::IntegratedGradients {
                steps: DEFAULT_IG_STEPS
            }
        );
    }
    assert_eq!(
        GradientMethod::from_name("integrated_gradients", Some(8), None, 0)
            .unwrap()
            .name(),
        "integrated_gradients"
    );
}

fn bad_parameter(e: LrpError, name: &str, parts: &[&str]) {
    let text = e.to_string();
    match e {
        LrpError::BadParameter { name: n, .. } => assert_eq!(n, name, "{text}"),
        other => panic!("expected a bad {name}, got {other:?}"),
    }
    for p in parts {
        assert!(text.contains(p), "'{text}' lacks '{p}'");
    }
}

#[test]
fn unknown_names_and_parameters_out_of_range() {
    match GradientMethod::from_name("saliency", None, None, 0) {
        Err(e @ LrpError::UnknownMethod { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("'saliency'") && text.contains("integrated_gradients"),
                "{text}"
            );
        }
        other => panic!("expected UnknownMethod, got {other:?}"),
    }
    let err = |name, count, sigma| GradientMethod::from_name(name, count, sigma, 0).unwrap_err();
    bad_parameter(
        err("smoothgrad", Some(0), None),
        "samples",
        &["at least 1", "given 0"],
    );
    bad_parameter(
        err("smoothgrad", None, Some(-0.1)),
        "sigma",
        &[">= 0", "-0.1"],
    );
    bad_parameter(
        err("smoothgrad", None, Some(f64::NAN)),
        "sigma",
        &["finite", "NaN"],
    );
    bad_parameter(
        err("smoothgrad", None, Some(f64::INFINITY)),
        "sigma",
        &["inf"],
    );
    bad_parameter(
        err("ig", Some(0), None),
        "steps",
        &["at least 1", "given 0"],
    );
    // The enum built directly is checked by attribute too.
    let (net, (x, dy)) = (hand_net(), hand_case());
    let e = net
        .attribute(
            x.view(),
            dy.view(),
            GradientMethod::IntegratedGradients { steps: 0 },
        )
        .unwrap_err();
    bad_parameter(e, "steps", &["given 0"]);
    // A noise level that overflows for the input's range.
    let huge = d2(&[[-1e308, 1e308]]);
    let e = net
        .attribute(
            huge.view(),
            d2(&[[0.0, 1.0]]).view(),
            GradientMethod::SmoothGrad {
                samples: 1,
                sigma: 1.0,
                seed: 0,
            },
        )
        .unwrap_err();
    bad_parameter(e, "sigma", &["sample 0", "overflows"]);
}

#[test]
fn wrong_shapes_non_finite_values_and_misplaced_baselines() {
    let (net, (x, dy)) = (hand_net(), hand_case());
    let ig = GradientMethod::IntegratedGradients { steps: 2 };
    let shape_err = |r: lrp::Result<ArrayD<f64>>, what: &str, parts: &[&str]| {
        let e = r.unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, LrpError::ShapeMismatch { .. }), "{text}");
        assert!(text.contains(what), "{text}");
        for p in parts {
            assert!(text.contains(p), "'{text}' lacks '{p}'");
        }
    };
    shape_err(
        net.attribute(x.view(), d2(&[[1.0, 0.0]]).view(), GradientMethod::Gradient),
        "gradient dy",
        &["expected [2 x 2], given [1 x 2]"],
    );
    shape_err(
        net.attribute(
            Array2::<f64>::zeros((2, 3)).into_dyn().view(),
            dy.view(),
            ig,
        ),
        "input of layer 1 (Linear)",
        &["given [2 x 3]"],
    );
    let short = d2(&[[0.0, 0.0]]);
    shape_err(
        net.attribute_with_baseline(x.view(), dy.view(), ig, Some(short.view())),
        "baseline",
        &["expected [2 x 2], given [1 x 2]"],
    );
    let e = net
        .attribute_with_baseline(
            x.view(),
            dy.view(),
            GradientMethod::Gradient,
            Some(x.view()),
        )
        .unwrap_err();
    bad_parameter(e, "baseline", &["only integrated_gradients", "gradient"]);
    let non_finite = |r: lrp::Result<ArrayD<f64>>, what: &str| match r.unwrap_err() {
        LrpError::NonFinite { what: w, index, .. } => {
            assert_eq!(w, what);
            assert_eq!(index, [1, 0]);
        }
        other => panic!("expected NonFinite {what}, got {other:?}"),
    };
    let mut bad = x.clone();
    bad[[1, 0]] = f64::NAN;
    let sg = GradientMethod::SmoothGrad {
        samples: 2,
        sigma: 0.1,
        seed: 0,
    };
    non_finite(net.attribute(bad.view(), dy.view(), sg), "input");
    non_finite(net.attribute(x.view(), bad.view(), ig), "gradient dy");
    non_finite(
        net.attribute_with_baseline(x.view(), dy.view(), ig, Some(bad.view())),
        "baseline",
    );
}

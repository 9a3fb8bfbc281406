//! Training (SPEC.md "Training"): a fast check on a synthetic problem that needs the
//! hidden layer, reproducibility under a fixed seed, and (ignored by default because it is
//! slow) the MNIST MLP of `examples/train_mnist.rs` reaching 95 % accuracy.

mod common;

use lrp::train::{self, TrainEvent, TrainOptions};
use lrp::{data_io, seeded_rng, Layer, Linear, Network};
use ndarray::{Array2, ArrayD, Axis};
use rand_distr::{Distribution, Normal};

/// XOR-like data: `n` points around the four corners (+-1, +-1) with Gaussian noise of
/// standard deviation 0.3; class 0 where the corner's coordinates have the same sign,
/// class 1 otherwise. Returns the N x 2 points and their N x 2 one-hot targets.
fn xor_blobs(n: usize, seed: u64) -> (ArrayD<f64>, ArrayD<f64>) {
    let mut rng = seeded_rng(seed);
    let noise = Normal::new(0.0, 0.3).expect("valid deviation");
    let mut x = Array2::zeros((n, 2));
    let mut y = Array2::zeros((n, 2));
    for i in 0..n {
        let (cx, cy) = match i % 4 {
            0 => (1.0, 1.0),
            1 => (-1.0, -1.0),
            2 => (1.0, -1.0),
            _ => (-1.0, 1.0),
        };
        x[[i, 0]] = cx + noise.sample(&mut rng);
        x[[i, 1]] = cy + noise.sample(&mut rng);
        y[[i, usize::from(cx * cy < 0.0)]] = 1.0;
    }
    (x.into_dyn(), y.into_dyn())
}

/// A 2-8-2 network (Linear, Tanh, Linear, SoftMax) with seeded initialisation.
fn xor_net(seed: u64) -> Network {
    let mut rng = seeded_rng(seed);
    Network::from_layers([
        Layer::Linear(Linear::random(2, 8, &mut rng).unwrap()),
        Layer::Tanh,
        Layer::Linear(Linear::random(8, 2, &mut rng).unwrap()),
        Layer::SoftMax,
    ])
}

/// Options for the synthetic problem: small batches, a learning rate that converges fast.
fn xor_options() -> TrainOptions {
    TrainOptions {
        batchsize: 20,
        iters: 400,
        lrate: 0.05,
        status: 50,
        seed: 7,
        ..TrainOptions::default()
    }
}

/// Trains a fresh `xor_net(0)` on `xor_blobs(400, 1)` with `xor_options()` and returns it
/// with the events reported.
fn train_xor() -> (Network, Vec<TrainEvent>) {
    let (x, y) = xor_blobs(400, 1);
    let mut net = xor_net(0);
    let mut events = Vec::new();
    train::train(
        &mut net,
        x.view(),
        y.view(),
        None,
        &xor_options(),
        None,
        &mut |e| events.push(e.clone()),
    )
    .unwrap();
    (net, events)
}

/// The bit patterns of every weight and bias of `net`, layer after layer.
fn parameter_bits(net: &Network) -> Vec<u64> {
    net.layers()
        .flat_map(|l| {
            let w = l
                .weights()
                .into_iter()
                .flat_map(|w| w.iter().copied().collect::<Vec<_>>());
            let b = l
                .biases()
                .into_iter()
                .flat_map(|b| b.iter().copied().collect::<Vec<_>>());
            w.chain(b).map(f64::to_bits).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn training_learns_xor_like_blobs() {
    let (x_test, y_test) = xor_blobs(400, 2);
    let (before, _) = train::evaluate(&xor_net(0), x_test.view(), y_test.view()).unwrap();
    let (net, events) = train_xor();
    let (after, _) = train::evaluate(&net, x_test.view(), y_test.view()).unwrap();
    assert!(
        after >= 0.9 && after > before,
        "held-out accuracy {before} before training, {after} after (want >= 0.9)"
    );
    assert!(
        matches!(events.last(), Some(TrainEvent::Restored { .. })),
        "training ends by restoring the best parameters, events: {events:?}"
    );
    assert!(
        net.cached_trace().is_none(),
        "restoring drops the cached trace"
    );
}

#[test]
fn training_with_the_same_seeds_gives_bit_identical_weights() {
    let (a, events_a) = train_xor();
    let (b, events_b) = train_xor();
    assert_eq!(parameter_bits(&a), parameter_bits(&b));
    let accuracies = |events: &[TrainEvent]| -> Vec<f64> {
        events
            .iter()
            .filter_map(|e| match e {
                TrainEvent::Evaluated { accuracy, .. } => Some(*accuracy),
                _ => None,
            })
            .collect()
    };
    assert_eq!(accuracies(&events_a), accuracies(&events_b));
}

#[test]
fn training_with_another_batch_seed_gives_other_weights() {
    let (a, _) = train_xor();
    let (x, y) = xor_blobs(400, 1);
    let mut b = xor_net(0);
    let opts = TrainOptions {
        seed: 8,
        ..xor_options()
    };
    train::train(&mut b, x.view(), y.view(), None, &opts, None, &mut |_| {}).unwrap();
    assert_ne!(parameter_bits(&a), parameter_bits(&b));
}

/// The MNIST MLP of `examples/train_mnist.rs` in fewer iterations: 784-300-10 trained on
/// the first 8000 images must reach 95 % on the last 2000. Slow in debug builds; run with
/// `cargo test --release --test training -- --ignored`; `make test` (CI) includes it.
#[test]
#[ignore = "slow: trains an MNIST MLP (run with --release -- --ignored)"]
fn mnist_mlp_reaches_95_percent_on_held_out_images() {
    let (Some(images), Some(labels)) = (
        common::golden_file("mnist10k_images_u8.npy"),
        common::golden_file("mnist10k_labels_u8.npy"),
    ) else {
        return;
    };
    let images = data_io::read_npy(images).unwrap();
    let labels = data_io::read_npy(labels).unwrap();
    let n = images.shape()[0];
    let x = images
        .into_shape_with_order((n, 784))
        .unwrap()
        .mapv(|v| v / 127.5 - 1.0);
    let mut y = Array2::zeros((n, 10));
    for (i, &label) in labels.iter().enumerate() {
        y[[i, label as usize]] = 1.0;
    }
    let (x_train, x_val) = x.view().split_at(Axis(0), 8000);
    let (y_train, y_val) = y.view().split_at(Axis(0), 8000);

    let mut rng = seeded_rng(1);
    let mut net = Network::from_layers([
        Layer::Linear(Linear::random(784, 300, &mut rng).unwrap()),
        Layer::Rect,
        Layer::Linear(Linear::random(300, 10, &mut rng).unwrap()),
        Layer::SoftMax,
    ]);
    let opts = TrainOptions {
        batchsize: 64,
        iters: 2000,
        lrate: 0.002,
        status: 250,
        seed: 1,
        ..TrainOptions::default()
    };
    train::train(
        &mut net,
        x_train.into_dyn(),
        y_train.into_dyn(),
        Some((x_val.into_dyn(), y_val.into_dyn())),
        &opts,
        None,
        &mut |e| eprintln!("{e}"),
    )
    .unwrap();
    let (accuracy, _) = train::evaluate(&net, x_val.into_dyn(), y_val.into_dyn()).unwrap();
    assert!(
        accuracy >= 0.95,
        "accuracy {accuracy} on the last 2000 images"
    );
}

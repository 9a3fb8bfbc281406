//! Trains a 784-300-10 MLP (Linear, Rect, Linear, SoftMax) on the first 8000 images of
//! `mnist10k_images_u8.npy`, validating on the last 2000, and prints the toolbox's progress
//! lines, the final accuracy on the last 2000 images and the wall time.
//!
//! Run: `cargo run --release --example train_mnist [DATA_DIR]`; DATA_DIR defaults to
//! `../shared/golden` next to the repository and must hold `mnist10k_images_u8.npy` and
//! `mnist10k_labels_u8.npy` (u8 arrays).

use lrp::train::{self, TrainOptions};
use lrp::{data_io, seeded_rng, Layer, Linear, Network};
use ndarray::{Array2, ArrayD, Axis};
use std::path::PathBuf;
use std::time::Instant;

/// Number of leading images used for training; the rest are the validation/test set.
const TRAIN: usize = 8000;
/// Number of classes (digits).
const CLASSES: usize = 10;
/// Seed of the weight initialisation and of the batch draw.
const SEED: u64 = 1;

/// The directory holding the MNIST files: the first command-line argument, else
/// `../shared/golden` relative to the crate.
fn data_dir() -> PathBuf {
    std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/golden"))
}

/// Images as an N x 784 batch scaled from [0, 255] to [-1, 1] (x / 127.5 - 1).
fn scaled_images(raw: ArrayD<f64>) -> Array2<f64> {
    let n = raw.shape()[0];
    let features = raw.len() / n.max(1);
    raw.into_shape_with_order((n, features))
        .expect("C-order images")
        .mapv(|v| v / 127.5 - 1.0)
}

/// One-hot N x `classes` targets for integer labels.
fn one_hot(labels: &ArrayD<f64>, classes: usize) -> Array2<f64> {
    let mut y = Array2::zeros((labels.len(), classes));
    for (i, &label) in labels.iter().enumerate() {
        y[[i, label as usize]] = 1.0;
    }
    y
}

/// The MLP 784-300-10 with the toolbox's seeded initialisation.
fn mlp(seed: u64) -> lrp::Result<Network> {
    let mut rng = seeded_rng(seed);
    Ok(Network::from_layers([
        Layer::Linear(Linear::random(784, 300, &mut rng)?),
        Layer::Rect,
        Layer::Linear(Linear::random(300, CLASSES, &mut rng)?),
        Layer::SoftMax,
    ]))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = data_dir();
    let images = data_io::read_npy(dir.join("mnist10k_images_u8.npy"))?;
    let labels = data_io::read_npy(dir.join("mnist10k_labels_u8.npy"))?;
    let x = scaled_images(images);
    let y = one_hot(&labels, CLASSES);
    let n = x.nrows();
    assert!(n > TRAIN, "need more than {TRAIN} images, found {n}");
    println!(
        "MNIST: {n} images of {} pixels; training on {TRAIN}, validating on {}",
        x.ncols(),
        n - TRAIN
    );

    let (x_train, x_val) = x.view().split_at(Axis(0), TRAIN);
    let (y_train, y_val) = y.view().split_at(Axis(0), TRAIN);

    let mut net = mlp(SEED)?;
    let opts = TrainOptions {
        // Gradients are summed over the batch, and the [-1, 1] scaling leaves most inputs at
        // -1: the toolbox's lrate 0.005 diverges at batch 64, 0.002 converges steadily.
        batchsize: 64,
        iters: 4000,
        lrate: 0.002,
        status: 250,
        seed: SEED,
        ..TrainOptions::default()
    };
    println!(
        "training 784-300-10: batchsize {}, iters {}, lrate {}, seed {}",
        opts.batchsize, opts.iters, opts.lrate, opts.seed
    );

    let started = Instant::now();
    let report = train::train(
        &mut net,
        x_train.into_dyn(),
        y_train.into_dyn(),
        Some((x_val.into_dyn(), y_val.into_dyn())),
        &opts,
        None,
        &mut |event| println!("{event}"),
    )?;
    let train_secs = started.elapsed().as_secs_f64();

    let (accuracy, l1) = train::evaluate(&net, x_val.into_dyn(), y_val.into_dyn())?;
    println!(
        "test accuracy on the last {} images: {:.2}% (l1-loss {l1:.4}) after {} iterations",
        n - TRAIN,
        accuracy * 100.0,
        report.iterations
    );
    println!(
        "wall time: {train_secs:.1} s training, {:.1} s total",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

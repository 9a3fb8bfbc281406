//! The benchmark's workloads, shared by `benches/lrp_bench.rs` and
//! `examples/profile_layers.rs` (included with `#[path]`).

use lrp::{Convolution, Layer, Linear, Network, Pool};
use ndarray::{s, Array4, ArrayD, Axis};
use rand_distr::{Distribution, Normal};
use std::path::Path;

/// MNIST test images as LeNet-5 takes them: 28x28 padded by 2 pixels of -1, N x 32 x 32 x 1.
pub fn lenet_inputs(golden: &Path, n: usize) -> ArrayD<f64> {
    let x = lrp::data_io::read_npy(golden.join("mnist_test_x.npy")).expect("mnist_test_x.npy");
    let mut out = Array4::from_elem((n, 32, 32, 1), -1.0);
    for i in 0..n {
        let img = x.index_axis(Axis(0), i % x.shape()[0]);
        let img = img.to_shape((28, 28)).expect("784 pixels");
        out.slice_mut(s![i, 2..30, 2..30, 0]).assign(&img);
    }
    out.into_dyn()
}

/// The "cnn64": 64x64x3 inputs, three conv/rect/maxpool blocks, two dense layers.
pub fn cnn64() -> Network {
    let mut rng = lrp::seeded_rng(64);
    let conv = |f: [usize; 4], rng: &mut _| {
        Layer::Convolution(Convolution::random(f, (1, 1), rng).unwrap())
    };
    let pool = || Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap());
    Network::from_layers([
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
    ])
}

/// The random input batch of cnn64: 64 x 64 x 64 x 3, standard normal, seeded.
pub fn cnn64_inputs() -> ArrayD<f64> {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut rng = lrp::seeded_rng(7);
    Array4::from_shape_simple_fn((64, 64, 64, 3), || normal.sample(&mut rng)).into_dyn()
}

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

/// torchvision's ResNet-18 in shape (BasicBlock [2, 2, 2, 2], 1000 classes), random
/// weights (He's normal initialisation, seeded), BatchNorm folded into the convolutions as
/// an ONNX export does: N x 224 x 224 x 3 inputs (channels last inside the core).
/// (The bench uses it; `examples/profile_layers.rs`, which includes this file, does not.)
#[allow(dead_code)]
pub fn resnet18() -> Network {
    let mut rng = lrp::seeded_rng(18);
    let mut net = Network::new();
    let mut conv =
        |net: &mut Network, input: usize, k: usize, cin: usize, cout: usize, stride: usize| {
            let fan_in = (k * k * cin) as f64;
            let normal = Normal::new(0.0, (2.0 / fan_in).sqrt()).unwrap();
            let w = Array4::from_shape_simple_fn((k, k, cin, cout), || normal.sample(&mut rng));
            let pad = k / 2;
            let c = Convolution::new(w, ndarray::Array1::zeros(cout), (stride, stride))
                .unwrap()
                .with_padding([pad; 4]);
            net.add_node(Layer::Convolution(c), &[input]).unwrap()
        };
    let stem = conv(&mut net, 0, 7, 3, 64, 2);
    let relu = net.add_node(Layer::Rect, &[stem]).unwrap();
    let pool = Pool::new((3, 3), (2, 2))
        .unwrap()
        .with_padding([1; 4])
        .unwrap();
    let mut x = net.add_node(Layer::MaxPool(pool), &[relu]).unwrap();
    let mut cin = 64;
    for (cout, first_stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
        for block in 0..2 {
            let stride = if block == 0 { first_stride } else { 1 };
            let a = conv(&mut net, x, 3, cin, cout, stride);
            let a = net.add_node(Layer::Rect, &[a]).unwrap();
            let b = conv(&mut net, a, 3, cout, cout, 1);
            let identity = if stride != 1 || cin != cout {
                conv(&mut net, x, 1, cin, cout, stride)
            } else {
                x
            };
            let sum = net.add_node(Layer::Add, &[b, identity]).unwrap();
            x = net.add_node(Layer::Rect, &[sum]).unwrap();
            cin = cout;
        }
    }
    let gap = net.add_node(Layer::GlobalAvgPool, &[x]).unwrap();
    let flat = net.add_node(Layer::Flatten, &[gap]).unwrap();
    net.add_node(
        Layer::Linear(Linear::random(512, 1000, &mut rng).unwrap()),
        &[flat],
    )
    .unwrap();
    net
}

/// Standard normal values, seeded, of shape n x a x b x c (images in either layout).
#[allow(dead_code)]
pub fn normal_images(n: usize, h: usize, w: usize, c: usize) -> ArrayD<f64> {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut rng = lrp::seeded_rng(224);
    Array4::from_shape_simple_fn((n, h, w, c), || normal.sample(&mut rng)).into_dyn()
}

use lrp::{Convolution, Layer, Linear, Network, Pool, Rule};
use ndarray::{Array4, ArrayD};
use rand_distr::{Distribution, Normal};
use std::time::Instant;
fn main() {
    let mut rng = lrp::seeded_rng(64);
    let conv = |f: [usize; 4], rng: &mut _| {
        Layer::Convolution(Convolution::random(f, (1, 1), rng).unwrap())
    };
    let pool = || Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap());
    let net = Network::from_layers(vec![
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
    ]);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let mut rng = lrp::seeded_rng(7);
    let x = Array4::from_shape_simple_fn((64, 64, 64, 3), || normal.sample(&mut rng)).into_dyn();
    let tr = net.trace(x.view()).unwrap();
    let full = tr.output().clone();
    let mut masked = ArrayD::zeros(full.raw_dim());
    for n in 0..64 {
        let k = lrp::train::argmax(full.slice(ndarray::s![n, ..]).iter());
        masked[[n, k]] = full[[n, k]];
    }
    for (name, r) in [
        ("full", &full),
        ("masked", &masked),
        ("full", &full),
        ("masked", &masked),
    ] {
        let mut ts = vec![];
        for _ in 0..9 {
            let t = Instant::now();
            net.lrp_trace(&tr, r.view(), Some(Rule::Epsilon(0.01)))
                .unwrap();
            ts.push(t.elapsed().as_secs_f64());
        }
        ts.sort_by(f64::total_cmp);
        println!("{name}: {:.4}", ts[4]);
    }
}

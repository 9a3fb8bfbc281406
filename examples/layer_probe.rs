use lrp::{Convolution, Layer, Linear, Network, Pool, Rule};
use ndarray::Array4;
use std::time::Instant;
fn main() {
    let mut rng = lrp::seeded_rng(64);
    let conv = |f: [usize; 4], rng: &mut _| {
        Layer::Convolution(Convolution::random(f, (1, 1), rng).unwrap())
    };
    let pool = || Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap());
    let layers = vec![
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
    ];
    let (layers, x) = if std::env::args().nth(2).as_deref() == Some("lenet") {
        let net = lrp::model_io::read("../shared/golden/lenet5.txt").unwrap();
        (
            net.layers().cloned().collect::<Vec<_>>(),
            Array4::from_shape_fn((256, 32, 32, 1), |(a, b, c, d)| {
                ((a * 7 + b * 3 + c * 5 + d) % 17) as f64 / 8.0 - 1.0
            })
            .into_dyn(),
        )
    } else {
        (
            layers,
            Array4::from_shape_fn((64, 64, 64, 3), |(a, b, c, d)| {
                ((a * 7 + b * 3 + c * 5 + d) % 17) as f64 / 8.0 - 1.0
            })
            .into_dyn(),
        )
    };
    let rule = match std::env::args().nth(1).as_deref() {
        Some("ab") => Rule::AlphaBeta(1.0),
        _ => Rule::Epsilon(0.01),
    };
    let mut prev_f = 0.0;
    let mut prev_l = 0.0;
    for k in 1..=layers.len() {
        let net = Network::from_layers(layers[..k].iter().cloned());
        let mut tf = f64::MAX;
        let mut tl = f64::MAX;
        for _ in 0..7 {
            let t = Instant::now();
            let tr = net.trace(x.view()).unwrap();
            tf = tf.min(t.elapsed().as_secs_f64());
            let r = tr.output().clone();
            let t = Instant::now();
            net.lrp_trace(&tr, r.view(), Some(rule)).unwrap();
            tl = tl.min(t.elapsed().as_secs_f64());
        }
        println!(
            "layer {k:2} {:12}: forward +{:.4}s  lrp +{:.4}s",
            format!("{:?}", layers[k - 1].kind()),
            tf - prev_f,
            tl - prev_l
        );
        prev_f = tf;
        prev_l = tl;
    }
}

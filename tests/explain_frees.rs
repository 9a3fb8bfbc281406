//! `Network::explain` keeps only the activations LRP reads (it frees a Convolution's output
//! when the rule does not divide by it and a Rect follows) and shares the weight parts of
//! the rules among blocks: its heatmaps must equal forward + `lrp_trace` on the full trace
//! bit for bit, for every rule, on a padded, grouped, strided convolution too.

use lrp::{Convention, Convolution, Layer, Linear, Network, Pool, Rule};
use ndarray::{Array1, Array2, Array4, ArrayD};

/// Deterministic values in [-1, 1) without a random generator.
fn values(n: usize, seed: usize) -> Vec<f64> {
    (0..n)
        .map(|i| (((i * 7919 + seed * 104_729) % 2003) as f64 / 1001.5) - 1.0)
        .collect()
}

fn conv(f: [usize; 4], seed: usize) -> Convolution {
    let w = Array4::from_shape_vec(f, values(f.iter().product(), seed)).unwrap();
    let b = Array1::from_vec(values(f[3], seed + 1)) * 0.1;
    Convolution::new(w, b, (1, 1)).unwrap()
}

fn linear(m: usize, n: usize, seed: usize) -> Linear {
    let w = Array2::from_shape_vec((m, n), values(m * n, seed)).unwrap();
    Linear::new(w, Array1::from_vec(values(n, seed + 1)) * 0.1).unwrap()
}

/// conv (padded, 2 groups) -> rect -> maxpool -> conv (strided) -> rect -> conv -> tanh ->
/// flatten -> linear -> rect -> linear: every Convolution's output is read by a layer that
/// does not read it for LRP.
fn network() -> Network {
    let first = conv([3, 3, 2, 8], 1)
        .with_padding([1, 1, 1, 1])
        .with_groups(2)
        .unwrap();
    let mut second = conv([3, 3, 8, 6], 3);
    second.stride = (2, 1);
    Network::from_layers([
        Layer::Convolution(first),
        Layer::Rect,
        Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap()),
        Layer::Convolution(second),
        Layer::Rect,
        Layer::Convolution(conv([2, 2, 6, 4], 5)),
        Layer::Tanh,
        Layer::Flatten,
        Layer::Linear(linear(8, 12, 7)),
        Layer::Rect,
        Layer::Linear(linear(12, 3, 9)),
    ])
}

#[test]
fn explain_equals_lrp_on_the_full_trace_bit_for_bit() {
    let x = ArrayD::from_shape_vec(vec![5, 12, 10, 4], values(5 * 12 * 10 * 4, 11)).unwrap();
    let classes = [0, 1, 2, 1, 0];
    let rules = [
        Rule::Simple,
        Rule::Epsilon(0.01),
        Rule::AlphaBeta(1.0),
        Rule::AlphaBeta(2.0),
        Rule::Flat,
        Rule::WSquare,
        Rule::Gamma(0.25),
        Rule::from_name("zbox", Some(2.0)).unwrap(),
    ];
    for convention in [Convention::Toolbox, Convention::Zennit] {
        let mut net = network();
        net.set_convention(convention);
        let trace = net.trace(x.view()).unwrap();
        let y = trace.output();
        let mut r = ArrayD::zeros(y.raw_dim());
        for (s, &k) in classes.iter().enumerate() {
            r[[s, k]] = y[[s, k]];
        }
        for rule in &rules {
            let expected = net.lrp_trace(&trace, r.view(), Some(rule.clone())).unwrap();
            let actual = net.explain(x.view(), &classes, Some(rule.clone())).unwrap();
            assert_eq!(actual.as_slice().unwrap().len(), expected.len(), "{rule:?}");
            let same = actual
                .iter()
                .zip(expected.iter())
                .all(|(a, e)| a.to_bits() == e.to_bits());
            assert!(
                same,
                "{rule:?} {convention:?}: explain differs from lrp_trace"
            );
            assert!(expected.iter().any(|&v| v != 0.0), "{rule:?}: all zero");
        }
    }
}

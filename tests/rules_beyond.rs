//! The rules, composites and gradient methods beyond the numpy toolbox (SPEC.md "Beyond the
//! numpy toolbox") on layers small enough to compute by hand.

use lrp::{
    Composite, Convention, Convolution, GradientMode, Layer, Linear, Network, Pool, Rule,
    ZENNIT_STABILIZER,
};
use ndarray::{arr2, Array1, Array2, Array4, ArrayD};
use rand::Rng;

const STAB: f64 = ZENNIT_STABILIZER;

/// A 2 x 2 Convolution from c_in to c_out channels with zero weights (for preset checks).
fn zero_conv(c_in: usize, c_out: usize) -> Layer {
    Layer::Convolution(
        Convolution::new(
            Array4::zeros((2, 2, c_in, c_out)),
            Array1::zeros(c_out),
            (1, 1),
        )
        .unwrap(),
    )
}

fn linear_net(w: Array2<f64>) -> Network {
    let b = Array1::zeros(w.ncols());
    Network::from_layers([Layer::Linear(Linear::new(w, b).unwrap())])
}

fn lrp(net: &mut Network, x: &ArrayD<f64>, r: &ArrayD<f64>, rule: Rule) -> ArrayD<f64> {
    net.forward(x.view(), true).unwrap();
    net.lrp(r.view(), Some(rule.clone())).unwrap()
}

fn assert_close(actual: &ArrayD<f64>, expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a - e).abs() <= 1e-12 * (1.0 + e.abs()),
            "{actual} vs {expected:?}"
        );
    }
}

#[test]
fn gamma_on_a_2x2_linear_layer_by_hand() {
    // W (inputs x outputs), x = [1, 2], g = 0.5: z_1 = 5 > 0, z_2 = -1 < 0.
    let mut net = linear_net(arr2(&[[1.0, -2.0], [2.0, 0.5]]));
    let x = arr2(&[[1.0, 2.0]]).into_dyn();
    let r = arr2(&[[1.0, 1.0]]).into_dyn();
    let rx = lrp(&mut net, &x, &r, Rule::Gamma(0.5));
    // Output 1 (z > 0): x+ meets u = w + g w+ = [1.5, 3]: shares 1.5 and 6 of 7.5.
    // Output 2 (z < 0): x+ meets v = w + g w- = [-3, 0.5]: shares -3 and 1 of -2.
    let (d1, d2) = (7.5 + STAB, -2.0 - STAB);
    assert_close(&rx, &[1.5 / d1 - 3.0 / d2, 6.0 / d1 + 1.0 / d2]);
    assert!((rx.sum() - 2.0).abs() < 1e-5, "conserves without bias");
}

#[test]
fn gamma_zero_is_epsilon_like_and_zero_outputs_pass_nothing() {
    // z_2 = 1 - 1 = 0 exactly: its relevance is dropped.
    let mut net = linear_net(arr2(&[[1.0, 1.0], [1.0, -0.5]]));
    let x = arr2(&[[1.0, 2.0]]).into_dyn();
    let r = arr2(&[[3.0, 5.0]]).into_dyn();
    let rx = lrp(&mut net, &x, &r, Rule::Gamma(0.0));
    let d = 3.0 + STAB;
    assert_close(&rx, &[3.0 / d, 6.0 / d]);
}

#[test]
fn zbox_on_a_2x2_linear_layer_by_hand() {
    let mut net = linear_net(arr2(&[[1.0, -2.0], [2.0, 0.5]]));
    let x = arr2(&[[1.0, 2.0]]).into_dyn();
    let r = arr2(&[[1.0, 1.0]]).into_dyn();
    let rx = lrp(
        &mut net,
        &x,
        &r,
        Rule::ZBox {
            low: (-1.0).into(),
            high: 2.0.into(),
        },
    );
    // x_i w_ij - l w+_ij - h w-_ij: output 1 gives [2, 6] (sum 8), output 2 [2, 1.5]
    // (sum 3.5).
    let (d1, d2) = (8.0 + STAB, 3.5 + STAB);
    assert_close(&rx, &[2.0 / d1 + 2.0 / d2, 6.0 / d1 + 1.5 / d2]);
    assert!((rx.sum() - 2.0).abs() < 1e-5, "conserves without bias");
}

#[test]
fn zbox_with_per_feature_bounds_on_a_linear_layer_by_hand() {
    // The layer of the scalar case, now with bounds [-1, 0] for input 1 and [0, 2] for
    // input 2 (a Linear layer's channels are its input features).
    let mut net = linear_net(arr2(&[[1.0, -2.0], [2.0, 0.5]]));
    let x = arr2(&[[1.0, 2.0]]).into_dyn();
    let r = arr2(&[[1.0, 1.0]]).into_dyn();
    let rule = Rule::ZBox {
        low: vec![-1.0, 0.0].into(),
        high: vec![0.0, 2.0].into(),
    };
    let rx = lrp(&mut net, &x, &r, rule);
    // x_i w_ij - l_i w+_ij - h_i w-_ij. Output 1 (w = [1, 2]): [1 + 1, 4 - 0] = [2, 4];
    // output 2 (w = [-2, 0.5]): [-2 - 0, 1 - 0] = [-2, 1]: sum -1, negative stabiliser.
    let (d1, d2) = (6.0 + STAB, -1.0 - STAB);
    assert_close(&rx, &[2.0 / d1 - 2.0 / d2, 4.0 / d1 + 1.0 / d2]);
}

/// The z^B rule straight from its definition on a Convolution with channel-dependent
/// bounds: every window, output and input term spelled out (no im2col, no GEMM).
fn zbox_by_definition(
    w: &ndarray::Array4<f64>,
    x: &ArrayD<f64>,
    r: &ArrayD<f64>,
    low: &[f64],
    high: &[f64],
) -> ArrayD<f64> {
    let (hf, wf, d, nf) = w.dim();
    let (n, h, wd) = (x.shape()[0], x.shape()[1], x.shape()[2]);
    let (ho, wo) = (h - hf + 1, wd - wf + 1);
    let mut rx = ArrayD::zeros(x.raw_dim());
    for s in 0..n {
        for (oh, ow, f) in product3(ho, wo, nf) {
            let term = |i: usize, j: usize, c: usize| {
                let wv = w[[i, j, c, f]];
                x[[s, oh + i, ow + j, c]] * wv - low[c] * wv.max(0.0) - high[c] * wv.min(0.0)
            };
            let mut z = 0.0;
            for (i, j, c) in product3(hf, wf, d) {
                z += term(i, j, c);
            }
            let share = r[[s, oh, ow, f]] / (z + STAB * if z >= 0.0 { 1.0 } else { -1.0 });
            for (i, j, c) in product3(hf, wf, d) {
                rx[[s, oh + i, ow + j, c]] += term(i, j, c) * share;
            }
        }
    }
    rx
}

/// All (a, b, c) with a < na, b < nb, c < nc, c fastest.
fn product3(na: usize, nb: usize, nc: usize) -> impl Iterator<Item = (usize, usize, usize)> {
    (0..na).flat_map(move |a| (0..nb).flat_map(move |b| (0..nc).map(move |c| (a, b, c))))
}

#[test]
fn zbox_with_per_channel_bounds_on_a_convolution_matches_the_definition() {
    let mut rng = lrp::seeded_rng(11);
    let mut draw = |shape: &[usize], lo: f64, hi: f64| {
        ArrayD::from_shape_fn(shape, |_| rng.random_range(lo..hi))
    };
    let w: ndarray::Array4<f64> = draw(&[2, 3, 3, 2], -1.0, 1.0)
        .into_dimensionality()
        .unwrap();
    let conv = Convolution::new(w.clone(), Array1::zeros(2), (1, 1)).unwrap();
    let mut net = Network::from_layers([Layer::Convolution(conv)]);
    // Each channel has its own range (an RGB image normalised per channel, say).
    let (low, high) = ([-1.0, 0.0, -3.0], [1.0, 2.0, 0.5]);
    let mut x = draw(&[2, 4, 5, 3], 0.0, 1.0);
    for ((_, _, _, c), v) in x
        .view_mut()
        .into_dimensionality::<ndarray::Ix4>()
        .unwrap()
        .indexed_iter_mut()
    {
        *v = low[c] + *v * (high[c] - low[c]);
    }
    let y = net.forward(x.view(), true).unwrap();
    let r = draw(y.shape(), -1.0, 1.0);
    let rule = Rule::ZBox {
        low: low.to_vec().into(),
        high: high.to_vec().into(),
    };
    let rx = net.lrp(r.view(), Some(rule)).unwrap();
    let expected = zbox_by_definition(&w, &x, &r, &low, &high);
    assert_close(&rx, expected.as_slice().unwrap());
    // Equal per-channel bounds are the scalar rule, bit for bit.
    let per_channel = net
        .lrp(
            r.view(),
            Some(Rule::ZBox {
                low: vec![-1.0; 3].into(),
                high: vec![2.0; 3].into(),
            }),
        )
        .unwrap();
    let scalar = net
        .lrp(
            r.view(),
            Some(Rule::ZBox {
                low: (-1.0).into(),
                high: 2.0.into(),
            }),
        )
        .unwrap();
    assert_eq!(per_channel, scalar);
}

#[test]
fn per_channel_bounds_of_the_wrong_length_or_order_are_errors() {
    let conv = Convolution::new(Array4::zeros((2, 2, 3, 2)), Array1::zeros(2), (1, 1)).unwrap();
    let mut net = Network::from_layers([Layer::Rect, Layer::Convolution(conv)]);
    let y = net
        .forward(ArrayD::zeros(vec![1, 3, 3, 3]).view(), true)
        .unwrap();
    let two = Rule::ZBox {
        low: vec![-1.0, -1.0].into(),
        high: 1.0.into(),
    };
    let err = net.lrp(y.view(), Some(two)).unwrap_err().to_string();
    assert!(
        err.contains("zbox low bounds of layer 2") && err.contains('3') && err.contains('2'),
        "{err}"
    );
    let mismatched = Rule::ZBox {
        low: vec![-1.0; 3].into(),
        high: vec![1.0; 2].into(),
    };
    assert!(mismatched
        .validate()
        .unwrap_err()
        .to_string()
        .contains("zbox high bound"));
    let crossed = Rule::ZBox {
        low: vec![-1.0, 2.0, 0.0].into(),
        high: vec![1.0, 1.0, 1.0].into(),
    };
    let err = crossed.validate().unwrap_err().to_string();
    assert!(err.contains("channel 1"), "{err}");
    assert!(net.lrp(y.view(), Some(crossed)).is_err());
    let empty = Rule::ZBox {
        low: Vec::<f64>::new().into(),
        high: 1.0.into(),
    };
    assert!(empty.validate().is_err());
    // Presets are checked against the layer when they are set.
    let two = Rule::ZBox {
        low: vec![-1.0, -1.0].into(),
        high: 1.0.into(),
    };
    let err = net.set_preset(1, two.clone()).unwrap_err().to_string();
    assert!(err.contains("zbox low bounds of layer 2"), "{err}");
    assert!(net.set_lrp_parameters(two).is_err());
    assert_eq!(
        net.preset(1).unwrap(),
        Rule::Simple,
        "a failed setter changes nothing"
    );
    let three = Rule::ZBox {
        low: vec![-1.0, 0.0, -2.0].into(),
        high: 1.0.into(),
    };
    net.set_preset(1, three.clone()).unwrap();
    assert_eq!(net.preset(1).unwrap(), three);
}

#[test]
fn gamma_and_zbox_conserve_without_bias_on_linear_and_convolution() {
    let mut rng = lrp::seeded_rng(7);
    let mut draw = |shape: &[usize], lo: f64, hi: f64| {
        ArrayD::from_shape_fn(shape, |_| rng.random_range(lo..hi))
    };
    let lin = Linear::new(
        draw(&[6, 4], -1.0, 1.0).into_dimensionality().unwrap(),
        Array1::zeros(4),
    )
    .unwrap();
    let conv = Convolution::new(
        draw(&[2, 2, 3, 4], -1.0, 1.0)
            .into_dimensionality::<ndarray::Ix4>()
            .unwrap(),
        Array1::zeros(4),
        (1, 1),
    )
    .unwrap();
    let cases: [(Layer, Vec<usize>); 2] = [
        (Layer::Linear(lin), vec![3, 6]),
        (Layer::Convolution(conv), vec![2, 4, 4, 3]),
    ];
    for (layer, shape) in cases {
        let mut net = Network::from_layers([layer]);
        let x = draw(&shape, -1.0, 1.0);
        let y = net.forward(x.view(), true).unwrap();
        for rule in [
            Rule::Gamma(0.25),
            Rule::Gamma(0.0),
            Rule::ZBox {
                low: (-1.0).into(),
                high: 1.0.into(),
            },
        ] {
            let rx = net.lrp(y.view(), Some(rule.clone())).unwrap();
            assert_eq!(rx.shape(), x.shape());
            let n = shape[0];
            for s in 0..n {
                let got: f64 = rx.index_axis(ndarray::Axis(0), s).sum();
                let want: f64 = y.index_axis(ndarray::Axis(0), s).sum();
                assert!(
                    (got - want).abs() <= 1e-4 * (1.0 + want.abs()),
                    "{rule} sample {s}: {got} vs {want}"
                );
            }
        }
    }
}

#[test]
fn new_rule_names_and_parameters() {
    assert_eq!(
        Rule::from_name("zplus", None).unwrap(),
        Rule::AlphaBeta(1.0)
    );
    assert_eq!(Rule::from_name("Gamma", None).unwrap(), Rule::Gamma(0.25));
    assert_eq!(
        Rule::from_name("gamma", Some(1.0)).unwrap(),
        Rule::Gamma(1.0)
    );
    assert_eq!(
        Rule::from_name("zbox", Some(2.0)).unwrap(),
        Rule::ZBox {
            low: (-2.0).into(),
            high: 2.0.into()
        }
    );
    assert!(Rule::from_name("zbox", None).is_err());
    assert!(Rule::from_name("gamma", Some(-0.1)).is_err());
    assert!(Rule::Gamma(f64::NAN).validate().is_err());
    assert!(Rule::ZBox {
        low: 1.0.into(),
        high: 0.0.into()
    }
    .validate()
    .is_err());
    assert!(Rule::ZBox {
        low: f64::NEG_INFINITY.into(),
        high: 0.0.into()
    }
    .validate()
    .is_err());
    assert_eq!(Rule::Gamma(0.5).to_string(), "gamma(0.5)");
    assert_eq!(
        Rule::ZBox {
            low: (-1.0).into(),
            high: 1.0.into()
        }
        .to_string(),
        "zbox(-1, 1)"
    );
}

#[test]
fn composites_map_layers_by_type_and_position() {
    let pool = Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap());
    let lin = Layer::Linear(Linear::new(Array2::zeros((4, 3)), Array1::zeros(3)).unwrap());
    let mut net = Network::from_layers([
        zero_conv(1, 2),
        Layer::Rect,
        pool,
        zero_conv(2, 4),
        Layer::Flatten,
        lin,
    ]);
    let presets = |net: &Network| {
        (0..net.len())
            .map(|i| net.preset(i).unwrap())
            .collect::<Vec<_>>()
    };
    let cases = [
        (
            Composite::from_name("epsilon_plus", None, None, None, None).unwrap(),
            [
                Rule::AlphaBeta(1.0),
                Rule::Simple,
                Rule::Simple,
                Rule::AlphaBeta(1.0),
                Rule::Simple,
                Rule::Epsilon(1e-6),
            ],
        ),
        (
            Composite::EpsilonAlpha2Beta1 { epsilon: 1e-6 },
            [
                Rule::AlphaBeta(2.0),
                Rule::Simple,
                Rule::Simple,
                Rule::AlphaBeta(2.0),
                Rule::Simple,
                Rule::Epsilon(1e-6),
            ],
        ),
        (
            Composite::EpsilonPlusFlat { epsilon: 1e-6 },
            [
                Rule::Flat,
                Rule::Simple,
                Rule::Simple,
                Rule::AlphaBeta(1.0),
                Rule::Simple,
                Rule::Epsilon(1e-6),
            ],
        ),
        (
            Composite::from_name("epsilon_gamma_box", None, None, Some(-1.0), Some(1.0)).unwrap(),
            [
                Rule::ZBox {
                    low: (-1.0).into(),
                    high: 1.0.into(),
                },
                Rule::Simple,
                Rule::Simple,
                Rule::Gamma(0.25),
                Rule::Simple,
                Rule::Epsilon(1e-6),
            ],
        ),
    ];
    for (composite, expected) in cases {
        net.set_composite(&composite).unwrap();
        assert_eq!(presets(&net), expected, "{}", composite.name());
    }
    // A Linear first layer of epsilon_gamma_box keeps its type's rule.
    let mut mlp = linear_net(Array2::zeros((2, 2)));
    mlp.set_composite(&Composite::EpsilonGammaBox {
        epsilon: 0.1,
        gamma: 0.25,
        low: 0.0.into(),
        high: 1.0.into(),
    })
    .unwrap();
    assert_eq!(mlp.preset(0), Some(Rule::Epsilon(0.1)));
    assert!(Composite::from_name("epsilon_gamma_box", None, None, None, None).is_err());
    assert!(Composite::from_name("nope", None, None, None, None).is_err());
    assert!(mlp
        .set_composite(&Composite::EpsilonPlus { epsilon: -1.0 })
        .is_err());
}

#[test]
fn gradient_methods_treat_rect_as_defined() {
    let mut net = Network::from_layers([Layer::Rect]);
    let x = arr2(&[[-1.0, 2.0, 3.0, 0.5]]).into_dyn();
    let dy = arr2(&[[1.0, -1.0, 2.0, 0.0]]).into_dyn();
    net.forward(x.view(), false).unwrap();
    let run = |mode| net.input_gradient(dy.view(), mode).unwrap();
    assert_close(&run(GradientMode::Gradient), &[0.0, -1.0, 2.0, 0.0]);
    assert_close(&run(GradientMode::GuidedBackprop), &[0.0, 0.0, 2.0, 0.0]);
    assert_close(&run(GradientMode::Deconvnet), &[1.0, 0.0, 2.0, 0.0]);
    assert_eq!(
        run(GradientMode::Gradient),
        net.backward(dy.view()).unwrap()
    );
}

#[test]
fn maxpool_ties_share_relevance_by_the_convention_and_the_gradient_goes_to_the_first() {
    let mut net = Network::from_layers([Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap())]);
    let x = ArrayD::from_shape_vec(vec![1, 2, 2, 1], vec![1.0, 3.0, 3.0, 2.0]).unwrap();
    let r = ArrayD::from_shape_vec(vec![1, 1, 1, 1], vec![4.0]).unwrap();
    net.forward(x.view(), true).unwrap();
    let gradient = |net: &Network| {
        net.input_gradient(r.view(), GradientMode::Gradient)
            .unwrap()
    };
    assert_close(
        &net.lrp(r.view(), Some(Rule::Simple)).unwrap(),
        &[0.0, 2.0, 2.0, 0.0],
    );
    // The gradient methods take the exact gradient in either convention (the first tied
    // maximum, as PyTorch); only the toolbox's backward, used in training, gives each tie
    // the full gradient (SPEC.md "Backward").
    assert_close(&gradient(&net), &[0.0, 4.0, 0.0, 0.0]);
    assert_close(&net.backward(r.view()).unwrap(), &[0.0, 4.0, 4.0, 0.0]);
    net.set_convention(Convention::Zennit);
    assert_eq!(net.convention(), Convention::Zennit);
    assert_close(
        &net.lrp(r.view(), Some(Rule::Simple)).unwrap(),
        &[0.0, 4.0, 0.0, 0.0],
    );
    assert_close(&gradient(&net), &[0.0, 4.0, 0.0, 0.0]);
    assert_close(&net.backward(r.view()).unwrap(), &[0.0, 4.0, 4.0, 0.0]);
}

#[test]
fn caffe_formula_types_switch_rules_at_the_layer_index() {
    let lin = Layer::Linear(Linear::new(Array2::zeros((4, 3)), Array1::zeros(3)).unwrap());
    // Layers 0..5: conv, Rect, SumPool, conv, Flatten, Linear.
    let mut net = Network::from_layers([
        zero_conv(1, 2),
        Layer::Rect,
        Layer::SumPool(Pool::new((2, 2), (2, 2)).unwrap()),
        zero_conv(2, 4),
        Layer::Flatten,
        lin,
    ]);
    let (e, a) = (Rule::Epsilon(0.5), Rule::AlphaBeta(2.0));
    let (f, w) = (Rule::Flat, Rule::WSquare);
    let expected = |formula: u32| -> [Rule; 6] {
        match formula {
            0 => [
                e.clone(),
                e.clone(),
                e.clone(),
                e.clone(),
                e.clone(),
                e.clone(),
            ],
            2 => [
                a.clone(),
                a.clone(),
                a.clone(),
                a.clone(),
                a.clone(),
                a.clone(),
            ],
            // Switch layer 3: layers 0..=3 with parameters (0 and 3) take the lower rule.
            54 => [
                f.clone(),
                e.clone(),
                e.clone(),
                f.clone(),
                e.clone(),
                e.clone(),
            ],
            56 => [
                w.clone(),
                e.clone(),
                e.clone(),
                w.clone(),
                e.clone(),
                e.clone(),
            ],
            58 => [
                f.clone(),
                a.clone(),
                a.clone(),
                f.clone(),
                a.clone(),
                a.clone(),
            ],
            60 => [
                w.clone(),
                a.clone(),
                a.clone(),
                w.clone(),
                a.clone(),
                a.clone(),
            ],
            100 => [
                a.clone(),
                e.clone(),
                e.clone(),
                a.clone(),
                e.clone(),
                e.clone(),
            ],
            102 => [
                f.clone(),
                e.clone(),
                e.clone(),
                f.clone(),
                e.clone(),
                e.clone(),
            ],
            104 => [
                w.clone(),
                e.clone(),
                e.clone(),
                w.clone(),
                e.clone(),
                e.clone(),
            ],
            _ => unreachable!(),
        }
    };
    for formula in lrp::CAFFE_FORMULAS {
        net.set_composite(&Composite::caffe(formula, 3, 0.5, 2.0).unwrap())
            .unwrap();
        let got: Vec<Rule> = (0..net.len()).map(|i| net.preset(i).unwrap()).collect();
        assert_eq!(got, expected(formula), "formula {formula}");
    }
    // Switching below every layer with parameters: 102 is plain 100.
    net.set_composite(&Composite::caffe(102, 0, 0.5, 2.0).unwrap())
        .unwrap();
    assert_eq!(net.preset(3).unwrap(), a);
    assert_eq!(net.preset(0).unwrap(), f);
    let err = Composite::caffe(55, 3, 0.5, 2.0).unwrap_err().to_string();
    assert!(err.contains("given 55"), "{err}");
    assert!(Composite::caffe(0, 0, -1.0, 1.0).is_err());
    assert!(Composite::caffe(2, 0, 0.1, -1.0).is_err());
}

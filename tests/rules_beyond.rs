//! The rules, composites and gradient methods beyond the numpy toolbox (SPEC.md "Beyond the
//! numpy toolbox") on layers small enough to compute by hand.

use lrp::{
    Composite, Convention, Convolution, GradientMode, Layer, Linear, Network, Pool, Rule,
    ZENNIT_STABILIZER,
};
use ndarray::{arr2, Array1, Array2, Array4, ArrayD};
use rand::Rng;

const STAB: f64 = ZENNIT_STABILIZER;

fn linear_net(w: Array2<f64>) -> Network {
    let b = Array1::zeros(w.ncols());
    Network::from_layers([Layer::Linear(Linear::new(w, b).unwrap())])
}

fn lrp(net: &mut Network, x: &ArrayD<f64>, r: &ArrayD<f64>, rule: Rule) -> ArrayD<f64> {
    net.forward(x.view(), true).unwrap();
    net.lrp(r.view(), Some(rule)).unwrap()
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
            low: -1.0,
            high: 2.0,
        },
    );
    // x_i w_ij - l w+_ij - h w-_ij: output 1 gives [2, 6] (sum 8), output 2 [2, 1.5]
    // (sum 3.5).
    let (d1, d2) = (8.0 + STAB, 3.5 + STAB);
    assert_close(&rx, &[2.0 / d1 + 2.0 / d2, 6.0 / d1 + 1.5 / d2]);
    assert!((rx.sum() - 2.0).abs() < 1e-5, "conserves without bias");
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
                low: -1.0,
                high: 1.0,
            },
        ] {
            let rx = net.lrp(y.view(), Some(rule)).unwrap();
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
            low: -2.0,
            high: 2.0
        }
    );
    assert!(Rule::from_name("zbox", None).is_err());
    assert!(Rule::from_name("gamma", Some(-0.1)).is_err());
    assert!(Rule::Gamma(f64::NAN).validate().is_err());
    assert!(Rule::ZBox {
        low: 1.0,
        high: 0.0
    }
    .validate()
    .is_err());
    assert!(Rule::ZBox {
        low: f64::NEG_INFINITY,
        high: 0.0
    }
    .validate()
    .is_err());
    assert_eq!(Rule::Gamma(0.5).to_string(), "gamma(0.5)");
    assert_eq!(
        Rule::ZBox {
            low: -1.0,
            high: 1.0
        }
        .to_string(),
        "zbox(-1, 1)"
    );
}

#[test]
fn composites_map_layers_by_type_and_position() {
    let conv = |c_in, c_out| {
        Layer::Convolution(
            Convolution::new(
                Array4::zeros((2, 2, c_in, c_out)),
                Array1::zeros(c_out),
                (1, 1),
            )
            .unwrap(),
        )
    };
    let pool = Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap());
    let lin = Layer::Linear(Linear::new(Array2::zeros((4, 3)), Array1::zeros(3)).unwrap());
    let mut net = Network::from_layers([
        conv(1, 2),
        Layer::Rect,
        pool,
        conv(2, 4),
        Layer::Flatten,
        lin,
    ]);
    let presets = |net: &Network| {
        (0..net.len())
            .map(|i| net.preset(i).unwrap())
            .collect::<Vec<_>>()
    };
    let eps = Rule::Epsilon(1e-6);
    let s = Rule::Simple;
    let cases = [
        (
            Composite::from_name("epsilon_plus", None, None, None, None).unwrap(),
            [Rule::AlphaBeta(1.0), s, s, Rule::AlphaBeta(1.0), s, eps],
        ),
        (
            Composite::EpsilonAlpha2Beta1 { epsilon: 1e-6 },
            [Rule::AlphaBeta(2.0), s, s, Rule::AlphaBeta(2.0), s, eps],
        ),
        (
            Composite::EpsilonPlusFlat { epsilon: 1e-6 },
            [Rule::Flat, s, s, Rule::AlphaBeta(1.0), s, eps],
        ),
        (
            Composite::from_name("epsilon_gamma_box", None, None, Some(-1.0), Some(1.0)).unwrap(),
            [
                Rule::ZBox {
                    low: -1.0,
                    high: 1.0,
                },
                s,
                s,
                Rule::Gamma(0.25),
                s,
                eps,
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
        low: 0.0,
        high: 1.0,
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
fn maxpool_ties_follow_the_convention() {
    let mut net = Network::from_layers([Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap())]);
    let x = ArrayD::from_shape_vec(vec![1, 2, 2, 1], vec![1.0, 3.0, 3.0, 2.0]).unwrap();
    let r = ArrayD::from_shape_vec(vec![1, 1, 1, 1], vec![4.0]).unwrap();
    net.forward(x.view(), true).unwrap();
    let toolbox_lrp = net.lrp(r.view(), Some(Rule::Simple)).unwrap();
    let toolbox_grad = net
        .input_gradient(r.view(), GradientMode::Gradient)
        .unwrap();
    assert_close(&toolbox_lrp, &[0.0, 2.0, 2.0, 0.0]);
    assert_close(&toolbox_grad, &[0.0, 4.0, 4.0, 0.0]);
    net.set_convention(Convention::Zennit);
    assert_eq!(net.convention(), Convention::Zennit);
    let zennit_lrp = net.lrp(r.view(), Some(Rule::Simple)).unwrap();
    let zennit_grad = net
        .input_gradient(r.view(), GradientMode::Gradient)
        .unwrap();
    assert_close(&zennit_lrp, &[0.0, 4.0, 0.0, 0.0]);
    assert_close(&zennit_grad, &[0.0, 4.0, 0.0, 0.0]);
}

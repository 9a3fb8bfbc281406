//! The f32 precision of a network ([`lrp::Precision`]): its stateless calls agree with f64
//! on the golden models within the tolerance README states, the f32 and f64 doors give the
//! same numbers, and the f32 copy of the parameters follows every change of the layers.

mod common;

use lrp::{model_io, Canonizer, Composite, Network, Precision, Rule};
use ndarray::ArrayD;

/// What README promises for f32 against f64: normwise relative difference of a map.
const F32_TOLERANCE: f64 = 1e-4;

/// ||a - b|| / ||b|| (b the f64 reference, not all zero).
fn normwise(a: &ArrayD<f64>, b: &ArrayD<f64>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    let diff: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    let norm: f64 = b.iter().map(|y| y * y).sum();
    assert!(norm > 0.0, "reference all zero");
    (diff / norm).sqrt()
}

fn top_classes(net: &Network, x: &ArrayD<f64>) -> Vec<usize> {
    let y = net.predict(x.view()).unwrap();
    y.outer_iter()
        .map(|row| (0..row.len()).fold(0, |best, k| if row[k] > row[best] { k } else { best }))
        .collect()
}

fn toolbox_model(name: &str) -> Option<(Network, ArrayD<f64>)> {
    let model = common::golden_file(&format!("{name}.txt"))?;
    let input = common::golden_file(&format!("{name}_input.npy"))?;
    Some((
        model_io::read(model).unwrap(),
        lrp::data_io::read_npy(input).unwrap(),
    ))
}

fn onnx_model(name: &str) -> Option<(Network, ArrayD<f64>)> {
    let model = common::onnx_file(&format!("{name}.onnx"))?;
    let input = common::onnx_file(&format!("{name}_input.npy"))?;
    Some((
        model_io::read(model).unwrap(),
        lrp::data_io::read_npy(input).unwrap(),
    ))
}

/// f64 and f32 maps of `net` for `x` with `rule`, through the f64 door.
fn both_precisions(
    net: &mut Network,
    x: &ArrayD<f64>,
    rule: Option<Rule>,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let classes = top_classes(net, x);
    net.set_precision(Precision::F64);
    let r64 = net.explain(x.view(), &classes, rule.clone()).unwrap();
    net.set_precision(Precision::F32);
    let r32 = net.explain(x.view(), &classes, rule).unwrap();
    net.set_precision(Precision::F64);
    (r32, r64)
}

/// The toolbox's golden models and inputs (every rule the toolbox has) and the golden-onnx
/// models (zennit's composites on the canonized VGG, ResNet and mixed model): explain in
/// f32 against f64, which the golden tests hold to the references.
#[test]
fn f32_explain_agrees_with_f64_on_the_golden_models() {
    let rules = [
        Some(Rule::Simple),
        Some(Rule::Epsilon(0.01)),
        Some(Rule::AlphaBeta(1.0)),
        Some(Rule::AlphaBeta(2.0)),
        Some(Rule::Flat),
        Some(Rule::WSquare),
        None,
    ];
    let mut worst: f64 = 0.0;
    let mut cases = 0;
    for model in ["convnet", "lenet5", "mlp_rect", "mlp_tanh"] {
        let Some((mut net, x)) = toolbox_model(model) else {
            return;
        };
        for rule in &rules {
            let (r32, r64) = both_precisions(&mut net, &x, rule.clone());
            let err = normwise(&r32, &r64);
            eprintln!("f32 vs f64 {model} {rule:?}: {err:.1e}");
            assert!(err <= F32_TOLERANCE, "{model} {rule:?}: {err:e}");
            worst = worst.max(err);
            cases += 1;
        }
    }
    for model in ["vgg_bn", "resnet_tiny", "mixed"] {
        let Some((net, x)) = onnx_model(model) else {
            return;
        };
        let canonizers = Canonizer::for_model(&net);
        let mut net = net.into_canonized(&canonizers).unwrap();
        for composite in ["epsilon_plus", "epsilon_alpha2_beta1", "epsilon_gamma_box"] {
            let c = Composite::from_name(composite, None, None, Some(-3.0), Some(3.0)).unwrap();
            net.set_composite(&c).unwrap();
            let (r32, r64) = both_precisions(&mut net, &x, None);
            let err = normwise(&r32, &r64);
            eprintln!("f32 vs f64 {model} {composite}: {err:.1e}");
            assert!(err <= F32_TOLERANCE, "{model} {composite}: {err:e}");
            worst = worst.max(err);
            cases += 1;
        }
    }
    eprintln!("f32 vs f64: worst normwise {worst:.1e} over {cases} cases");
    assert_eq!(cases, 4 * 7 + 3 * 3);
}

/// Under f32 precision the f64 door is the f32 door with one conversion each way: the same
/// numbers. Under f64 precision the f32 door converts and computes in f64.
#[test]
fn the_f32_and_f64_doors_give_the_same_numbers() {
    let Some((mut net, x)) = toolbox_model("lenet5") else {
        return;
    };
    let classes = top_classes(&net, &x);
    let x32 = x.mapv(|v| v as f32);
    let rule = Some(Rule::Epsilon(0.01));
    for precision in [Precision::F32, Precision::F64] {
        net.set_precision(precision);
        assert_eq!(net.precision(), precision);
        let through_f32 = net.explain_f32(x32.view(), &classes, rule.clone()).unwrap();
        let x_rounded = x32.mapv(f64::from);
        let through_f64 = net
            .explain(x_rounded.view(), &classes, rule.clone())
            .unwrap();
        assert_eq!(through_f32, through_f64.mapv(|v| v as f32), "{precision:?}");
        let y32 = net.predict_f32(x32.view()).unwrap();
        let y64 = net.predict(x_rounded.view()).unwrap();
        assert_eq!(y32, y64.mapv(|v| v as f32), "{precision:?}");
    }
    // f32 really computes in f32: its map is not the f64 one rounded.
    net.set_precision(Precision::F32);
    let r32 = net.explain_f32(x32.view(), &classes, rule.clone()).unwrap();
    net.set_precision(Precision::F64);
    let r64 = net.explain_f32(x32.view(), &classes, rule).unwrap();
    assert_ne!(r32, r64);
    let err = normwise(&r32.mapv(f64::from), &r64.mapv(f64::from));
    assert!(err > 0.0 && err <= F32_TOLERANCE, "{err:e}");
}

/// Predictions and several classes at once in f32 agree with f64.
#[test]
fn f32_predict_and_explain_classes_agree_with_f64() {
    let Some((mut net, x)) = onnx_model("resnet_tiny") else {
        return;
    };
    let y64 = net.predict(x.view()).unwrap();
    let k = [0, 3, 7];
    let m64 = net
        .explain_classes(x.view(), &k, Some(Rule::Epsilon(0.1)))
        .unwrap();
    let s64 = net
        .explain_class_set(x.view(), &k, Some(Rule::Epsilon(0.1)))
        .unwrap();
    net.set_precision(Precision::F32);
    let y32 = net.predict(x.view()).unwrap();
    let m32 = net
        .explain_classes(x.view(), &k, Some(Rule::Epsilon(0.1)))
        .unwrap();
    let s32 = net
        .explain_class_set(x.view(), &k, Some(Rule::Epsilon(0.1)))
        .unwrap();
    assert!(normwise(&y32, &y64) <= 1e-6, "predict");
    assert_eq!(m32.shape(), &[3, 2, 3, 64, 64]);
    assert!(normwise(&m32, &m64) <= F32_TOLERANCE, "explain_classes");
    assert!(normwise(&s32, &s64) <= F32_TOLERANCE, "explain_class_set");
}

/// The f32 copy of the parameters is made once and dropped whenever the layers change:
/// after each change, the network gives what a network built with the changed layers and
/// then set to f32 gives, bit for bit.
#[test]
fn the_f32_copy_follows_every_change_of_the_layers() {
    let Some((base, x)) = toolbox_model("lenet5") else {
        return;
    };
    let classes = top_classes(&base, &x);
    let rule = Some(Rule::Epsilon(0.01));
    let in_f32 = |net: &Network| {
        let mut fresh = net.clone();
        fresh.set_precision(Precision::F64);
        fresh.set_precision(Precision::F32);
        fresh.explain(x.view(), &classes, rule.clone()).unwrap()
    };
    let first_with_weights = (0..base.len())
        .find(|&i| base.layer(i).unwrap().kind().has_parameters())
        .unwrap();
    type Change = Box<dyn Fn(&mut Network)>;
    let changes: Vec<(&str, Change)> = vec![
        (
            "set_weights",
            Box::new(move |net: &mut Network| {
                let w = net.layer(first_with_weights).unwrap().weights().unwrap();
                let w = w.mapv(|v| v * 1.5);
                net.set_weights(first_with_weights, w.view()).unwrap();
            }),
        ),
        (
            "set_biases",
            Box::new(move |net: &mut Network| {
                let b = net.layer(first_with_weights).unwrap().biases().unwrap();
                let b = b.mapv(|v| v + 0.25);
                net.set_biases(first_with_weights, b.view()).unwrap();
            }),
        ),
        (
            "replace_layer",
            Box::new(move |net: &mut Network| {
                // The same layer with W negated.
                let mut other = net.clone();
                let w = other.layer(first_with_weights).unwrap().weights().unwrap();
                let w = w.mapv(|v| -v);
                other.set_weights(first_with_weights, w.view()).unwrap();
                let layer = other.layer(first_with_weights).unwrap().clone();
                net.replace_layer(first_with_weights, layer).unwrap();
            }),
        ),
        (
            "update",
            Box::new(|net: &mut Network| {
                let x = lrp::data_io::read_npy(common::golden_file("lenet5_input.npy").unwrap())
                    .unwrap();
                let y = net.forward(x.view(), false).unwrap();
                net.backward(y.view()).unwrap();
                net.update(0.05).unwrap();
            }),
        ),
    ];
    for (what, change) in changes {
        let mut net = base.clone();
        net.set_precision(Precision::F32);
        let before = net.explain(x.view(), &classes, rule.clone()).unwrap();
        change(&mut net);
        let after = net.explain(x.view(), &classes, rule.clone()).unwrap();
        assert_ne!(before, after, "{what} changed nothing");
        assert_eq!(after, in_f32(&net), "{what}: the f32 copy is stale");
        assert_eq!(net.precision(), Precision::F32);
    }
    // Canonizing keeps the precision and computes on the canonized layers.
    let Some((net, x)) = onnx_model("mixed") else {
        return;
    };
    let mut net = net;
    net.set_precision(Precision::F32);
    let classes = top_classes(&net, &x);
    net.explain(x.view(), &classes, None).unwrap();
    let canonized = net
        .canonized(&Canonizer::from_name("merge_batchnorm").unwrap())
        .unwrap();
    assert_eq!(canonized.precision(), Precision::F32);
    let mut reference = canonized.clone();
    reference.set_precision(Precision::F64);
    let r64 = reference.explain(x.view(), &classes, None).unwrap();
    let r32 = canonized.explain(x.view(), &classes, None).unwrap();
    assert!(normwise(&r32, &r64) <= F32_TOLERANCE);
    assert!(r32.shape() == x.shape() && r32 != r64);
}

//! Several classes from one forward pass (SPEC.md "Beyond the numpy toolbox",
//! multi-class): K maps at once equal K separate calls, and the composite map of a set of
//! classes is the map of the sum of their masked outputs.

mod common;

use lrp::{model_io, Composite, Network, Rule};
use ndarray::{ArrayD, Axis};

fn lenet_and_batch() -> Option<(Network, ArrayD<f64>)> {
    let golden = common::golden_dir();
    if !golden.join("lenet5.txt").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "golden data missing under CI"
        );
        return None;
    }
    let net = model_io::read(golden.join("lenet5.txt")).unwrap();
    let x = lrp::data_io::read_npy(golden.join("lenet5_input.npy")).unwrap();
    Some((net, x))
}

/// Equal up to rounding: within 1e-12 of the larger of the two arrays' largest magnitudes.
fn assert_close(a: &ArrayD<f64>, b: &ArrayD<f64>, what: &str) {
    assert_eq!(a.shape(), b.shape(), "{what}");
    let scale = a.iter().chain(b).fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(scale > 0.0, "{what}: all zero");
    let worst = a
        .iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(
        worst <= 1e-12 * scale,
        "{what}: differs by {worst} (scale {scale})"
    );
}

#[test]
fn k_classes_at_once_equal_k_separate_calls_for_every_rule() {
    let Some((mut net, x)) = lenet_and_batch() else {
        return;
    };
    let n = x.shape()[0];
    let classes = [3, 0, 9, 7];
    let presets = Composite::from_name("epsilon_plus", None, None, None, None).unwrap();
    for rule in [
        Some(Rule::Epsilon(0.01)),
        Some(Rule::AlphaBeta(2.0)),
        Some(Rule::Flat),
        Some(Rule::Gamma(0.25)),
        None,
    ] {
        if rule.is_none() {
            net.set_composite(&presets).unwrap();
        }
        let maps = net
            .explain_classes(x.view(), &classes, rule.clone())
            .unwrap();
        let mut expected_shape = vec![classes.len()];
        expected_shape.extend_from_slice(x.shape());
        assert_eq!(maps.shape(), expected_shape.as_slice());
        for (k, &class) in classes.iter().enumerate() {
            let single = net
                .explain(x.view(), &vec![class; n], rule.clone())
                .unwrap();
            // The same trace and the same sums (shared denominators are the same
            // reciprocals a single pass multiplies by): bit for bit.
            assert_eq!(
                maps.index_axis(Axis(0), k),
                single,
                "{rule:?} class {class}"
            );
        }
    }
}

#[test]
fn the_composite_map_of_a_class_set_is_the_sum_of_its_classes() {
    let Some((net, x)) = lenet_and_batch() else {
        return;
    };
    let set = [1, 4, 8];
    let rule = Some(Rule::Epsilon(0.01));
    let composite = net.explain_class_set(x.view(), &set, rule.clone()).unwrap();
    let maps = net.explain_classes(x.view(), &set, rule).unwrap();
    let sum = maps.sum_axis(Axis(0));
    assert_eq!(composite.shape(), x.shape());
    let scale = sum.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(scale > 0.0);
    for (a, b) in composite.iter().zip(&sum) {
        assert!((a - b).abs() <= 1e-12 * scale, "{a} vs {b}");
    }
}

#[test]
fn lrp_many_takes_any_stack_of_relevances() {
    let Some((net, x)) = lenet_and_batch() else {
        return;
    };
    let trace = net.trace(x.view()).unwrap();
    let y = trace.output();
    // Map 0: the whole output; map 1: twice the whole output (LRP is linear in R).
    let rs = ndarray::stack(Axis(0), &[y.view(), (y * 2.0).view()]).unwrap();
    let maps = net
        .lrp_many_trace(&trace, rs.view(), Some(Rule::Epsilon(0.1)))
        .unwrap();
    let one = net
        .lrp_trace(&trace, y.view(), Some(Rule::Epsilon(0.1)))
        .unwrap();
    assert_eq!(maps.index_axis(Axis(0), 0), one, "map 0");
    assert_close(
        &maps.index_axis(Axis(0), 1).to_owned(),
        &(&one * 2.0),
        "map 1",
    );
}

#[test]
fn bad_class_lists_and_stacks_are_errors_naming_the_problem() {
    let Some((net, x)) = lenet_and_batch() else {
        return;
    };
    let err = |classes: &[usize]| {
        net.explain_classes(x.view(), classes, None)
            .unwrap_err()
            .to_string()
    };
    assert!(err(&[]).contains("at least one class"), "{}", err(&[]));
    assert!(err(&[2, 10]).contains("entry 1 must be below the 10 outputs, given 10"));
    assert!(err(&[4, 4]).contains("entry 1 repeats class 4"));
    let set_err = net.explain_class_set(x.view(), &[11], None).unwrap_err();
    assert!(set_err.to_string().contains("given 11"), "{set_err}");
    let trace = net.trace(x.view()).unwrap();
    let wrong = ArrayD::zeros(vec![2, x.shape()[0], 9]);
    let e = net.lrp_many_trace(&trace, wrong.view(), None).unwrap_err();
    assert!(e.to_string().contains("each of the K maps"), "{e}");
    let empty = ArrayD::zeros(vec![0, x.shape()[0], 10]);
    assert!(net.lrp_many_trace(&trace, empty.view(), None).is_err());
    // A network whose output is not N x C cannot name classes.
    let conv_only = Network::from_layers([net.layer(0).unwrap().clone()]);
    let e = conv_only.explain_classes(x.view(), &[0], None).unwrap_err();
    assert!(e.to_string().contains("N x C output"), "{e}");
}

/// `explain_targets` gives what the single-purpose calls give, bit for bit, with the
/// network's output, in either precision; bad targets are errors naming the classes.
#[test]
fn explain_targets_equals_the_single_purpose_calls() {
    let Some((mut net, x)) = lenet_and_batch() else {
        return;
    };
    let n = x.shape()[0];
    let rule = Some(Rule::Epsilon(0.01));
    for precision in [lrp::Precision::F64, lrp::Precision::F32] {
        net.set_precision(precision);
        let y = net.predict(x.view()).unwrap();
        let top: Vec<usize> = y
            .outer_iter()
            .map(|row| (0..row.len()).fold(0, |b, k| if row[k] > row[b] { k } else { b }))
            .collect();
        let per: Vec<usize> = (0..n).map(|s| (s * 3) % 10).collect();
        let each = [2, 7, 4];
        let cases: Vec<(lrp::Targets, Vec<ArrayD<f64>>)> = vec![
            (
                lrp::Targets::Top,
                vec![net.explain(x.view(), &top, rule.clone()).unwrap()],
            ),
            (
                lrp::Targets::PerSample(&per),
                vec![net.explain(x.view(), &per, rule.clone()).unwrap()],
            ),
            (
                lrp::Targets::Each(&each),
                net.explain_classes(x.view(), &each, rule.clone())
                    .unwrap()
                    .outer_iter()
                    .map(|m| m.to_owned())
                    .collect(),
            ),
            (
                lrp::Targets::Set(&each),
                vec![net
                    .explain_class_set(x.view(), &each, rule.clone())
                    .unwrap()],
            ),
        ];
        for (targets, expected) in cases {
            let got = net
                .explain_targets(x.view(), targets, rule.clone())
                .unwrap();
            assert_eq!(got.output, y, "{targets:?} {precision:?}");
            assert_eq!(got.maps, expected, "{targets:?} {precision:?}");
        }
        let x32 = x.mapv(|v| v as f32);
        let got32 = net
            .explain_targets_f32(x32.view(), lrp::Targets::Each(&each), rule.clone())
            .unwrap();
        assert_eq!(got32.maps.len(), 3);
        assert_eq!(got32.maps[0].shape(), x.shape());
    }
    for (targets, needle) in [
        (lrp::Targets::PerSample(&[1]), "one per sample"),
        (lrp::Targets::Each(&[10]), "must be below 10"),
        (lrp::Targets::Set(&[]), "holds no class"),
    ] {
        let err = net.explain_targets(x.view(), targets, None).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    }
}

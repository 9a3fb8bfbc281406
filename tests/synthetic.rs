//! The generated shape images (`lrp::synthetic`) and what LRP makes of them: the data's
//! properties, and the demo's claim that the heatmaps of a trained CNN pick out the
//! class-defining shape (most positive relevance on the shape's pixels, which cover a
//! small part of the image).

use lrp::synthetic::{self, ShapesOptions, CLASSES};
use lrp::train::{self, TrainOptions};
use lrp::{LrpError, Rule};
use ndarray::{array, Array2, Axis};
use std::time::Instant;

#[test]
fn shapes_are_seeded_labelled_in_range_and_masked() {
    let opts = ShapesOptions {
        seed: 5,
        ..ShapesOptions::default()
    };
    let set = synthetic::shapes(40, &opts).unwrap();
    let s = opts.size;
    assert_eq!(set.x.shape(), &[40, s, s, 1]);
    assert_eq!(set.y.shape(), &[40, CLASSES]);
    assert_eq!(set.masks.shape(), &[40, s, s]);
    assert!(set.x.iter().all(|v| (-1.0..=1.0).contains(v)));
    for (i, (&label, y)) in set.labels.iter().zip(set.y.outer_iter()).enumerate() {
        assert_eq!(label, i % CLASSES);
        let mut one_hot = [0.0; CLASSES];
        one_hot[label] = 1.0;
        assert_eq!(y.to_vec(), one_hot);
    }
    for (img, mask) in set.x.outer_iter().zip(set.masks.outer_iter()) {
        let on = mask.iter().filter(|&&m| m).count();
        // A visible shape that covers a small part of the image.
        assert!(on >= 12 && on < s * s / 10, "{on} mask pixels");
        let img = img.index_axis(Axis(2), 0);
        let mean = |want: bool| {
            let vals: Vec<f64> = img
                .iter()
                .zip(mask.iter())
                .filter(|(_, &m)| m == want)
                .map(|(&v, _)| v)
                .collect();
            vals.iter().sum::<f64>() / vals.len() as f64
        };
        assert!(mean(true) > 0.4, "shape pixels are bright: {}", mean(true));
        assert!(mean(false) < -0.6, "the rest is dark: {}", mean(false));
    }
    // Same seed, same images; another seed, other images.
    assert_eq!(synthetic::shapes(40, &opts).unwrap(), set);
    let other = synthetic::shapes(
        40,
        &ShapesOptions {
            seed: 6,
            ..opts.clone()
        },
    )
    .unwrap();
    assert_ne!(other.x, set.x);
}

#[test]
fn shapes_without_noise_or_clutter_are_exactly_the_mask() {
    let opts = ShapesOptions {
        size: 12,
        noise: 0.0,
        clutter: 0,
        seed: 1,
    };
    let set = synthetic::shapes(8, &opts).unwrap();
    for (img, mask) in set.x.outer_iter().zip(set.masks.outer_iter()) {
        for (&v, &m) in img.iter().zip(mask.iter()) {
            if m {
                assert!((0.7..=1.0).contains(&v), "{v}");
            } else {
                assert_eq!(v, -1.0);
            }
        }
    }
    // The bars lie along their axis: a horizontal bar's mask spans more columns than rows.
    let extent = |i: usize, axis: usize| {
        let mask = set.masks.index_axis(Axis(0), i);
        let idx: Vec<usize> = mask
            .indexed_iter()
            .filter(|(_, &m)| m)
            .map(|(p, _)| if axis == 0 { p.0 } else { p.1 })
            .collect();
        idx.iter().max().unwrap() - idx.iter().min().unwrap() + 1
    };
    assert_eq!(extent(0, 0), 2);
    assert!(extent(0, 1) >= 6);
    assert_eq!(extent(1, 1), 2);
    assert!(extent(1, 0) >= 6);
}

#[test]
fn shapes_and_cnn_refuse_bad_options() {
    let small = ShapesOptions {
        size: synthetic::MIN_SIZE - 1,
        ..ShapesOptions::default()
    };
    assert!(matches!(
        synthetic::shapes(1, &small),
        Err(LrpError::BadParameter { .. })
    ));
    for noise in [-0.1, f64::NAN, f64::INFINITY] {
        let bad = ShapesOptions {
            noise,
            ..ShapesOptions::default()
        };
        assert!(matches!(
            synthetic::shapes(1, &bad),
            Err(LrpError::BadParameter { .. })
        ));
    }
    assert!(matches!(
        synthetic::shapes(usize::MAX, &ShapesOptions::default()),
        Err(LrpError::BadParameter { .. })
    ));
    assert_eq!(
        synthetic::shapes(0, &ShapesOptions::default())
            .unwrap()
            .labels
            .len(),
        0
    );
    assert!(synthetic::cnn(synthetic::MIN_SIZE - 1, 0).is_err());
    for size in [synthetic::MIN_SIZE, 16, 24, 32] {
        let net = synthetic::cnn(size, 0).unwrap();
        assert_eq!(net.output_shape(&[3, size, size, 1]).unwrap(), [3, CLASSES]);
    }
}

#[test]
fn dilate_and_positive_share_by_hand() {
    let mask = array![
        [false, false, false, false],
        [false, true, false, false],
        [false, false, false, false]
    ];
    let grown = synthetic::dilate(mask.view(), 1);
    let expected = array![
        [true, true, true, false],
        [true, true, true, false],
        [true, true, true, false]
    ];
    assert_eq!(grown, expected);
    assert_eq!(synthetic::dilate(mask.view(), 0), mask);
    assert!(synthetic::dilate(mask.view(), 9).iter().all(|&m| m));

    // Positive relevance 4 on the mask, 1 + 3 off it; negative values do not count.
    let r = array![
        [0.0, -5.0, 1.0, 0.0],
        [0.0, 4.0, 0.0, 3.0],
        [-2.0, 0.0, 0.0, 0.0]
    ];
    let share = synthetic::positive_share(r.view().into_dyn(), mask.view()).unwrap();
    assert!((share - 0.5).abs() < 1e-15);
    // An H x W x 1 heatmap fits an H x W mask; no positive relevance is a share of 0.
    let r3 = r.clone().into_shape_with_order((3, 4, 1)).unwrap();
    let share3 = synthetic::positive_share(r3.view().into_dyn(), mask.view()).unwrap();
    assert_eq!(share3, share);
    let negative = -r.mapv(f64::abs);
    assert_eq!(
        synthetic::positive_share(negative.view().into_dyn(), mask.view()).unwrap(),
        0.0
    );
    let wrong = Array2::<f64>::zeros((4, 3));
    assert!(matches!(
        synthetic::positive_share(wrong.view().into_dyn(), mask.view()),
        Err(LrpError::ShapeMismatch { .. })
    ));
}

/// The demo's claim: after brief training, the CNN classifies the test images well, and
/// for the correctly classified ones most of the positive relevance (epsilon and
/// alphabeta) lies on the shape that defines the class (grown by one pixel), which covers
/// well under a quarter of the image.
#[test]
fn trained_cnn_puts_most_relevance_on_the_class_defining_shape() {
    let started = Instant::now();
    let data = |n, seed| {
        synthetic::shapes(
            n,
            &ShapesOptions {
                seed,
                ..ShapesOptions::default()
            },
        )
        .unwrap()
    };
    let (train_set, test_set) = (data(1000, 11), data(200, 12));
    let size = ShapesOptions::default().size;
    let mut net = synthetic::cnn(size, 3).unwrap();
    let opts = TrainOptions {
        batchsize: 32,
        iters: 600,
        lrate: 0.005,
        status: 600,
        seed: 3,
        ..TrainOptions::default()
    };
    train::train(
        &mut net,
        train_set.x.view().into_dyn(),
        train_set.y.view().into_dyn(),
        None,
        &opts,
        None,
        &mut |_| {},
    )
    .unwrap();
    let (accuracy, _) = train::evaluate(
        &net,
        test_set.x.view().into_dyn(),
        test_set.y.view().into_dyn(),
    )
    .unwrap();
    println!(
        "test accuracy {:.2} % after {:.1} s",
        accuracy * 100.0,
        started.elapsed().as_secs_f64()
    );
    assert!(accuracy > 0.9, "test accuracy {accuracy}");

    assert!(net.drop_softmax_output_layer());
    let trace = net.trace(test_set.x.view().into_dyn()).unwrap();
    let scores = trace.output();
    let mut r0 = ndarray::ArrayD::zeros(scores.raw_dim());
    let mut hits = Vec::new();
    for (i, row) in scores.outer_iter().enumerate() {
        let p = train::argmax(row.iter());
        r0[[i, p]] = row[p];
        if p == test_set.labels[i] {
            hits.push(i);
        }
    }
    let masks: Vec<Array2<bool>> = hits
        .iter()
        .map(|&i| synthetic::dilate(test_set.masks.index_axis(Axis(0), i), 1))
        .collect();
    let covers: Vec<f64> = masks
        .iter()
        .map(|m| m.iter().filter(|&&v| v).count() as f64 / m.len() as f64)
        .collect();
    let largest_cover = covers.iter().copied().fold(0.0f64, f64::max);
    println!(
        "the shapes grown by 1 pixel cover {:.1} % of an image on average, at most {:.1} %",
        mean(&covers) * 100.0,
        largest_cover * 100.0
    );
    assert!(largest_cover < 0.25, "mask cover {largest_cover}");

    for rule in [
        Rule::Epsilon(0.01),
        Rule::AlphaBeta(1.0),
        Rule::AlphaBeta(2.0),
    ] {
        let r = net
            .lrp_trace(&trace, r0.view(), Some(rule.clone()))
            .unwrap();
        let shares: Vec<f64> = hits
            .iter()
            .zip(&masks)
            .map(|(&i, m)| synthetic::positive_share(r.index_axis(Axis(0), i), m.view()).unwrap())
            .collect();
        let majority = shares.iter().filter(|&&s| s > 0.5).count() as f64 / shares.len() as f64;
        let lowest = shares.iter().copied().fold(f64::INFINITY, f64::min);
        println!(
            "{rule:?}: positive relevance on the shape {:.1} % on average (lowest {:.1} %), \
             above half in {:.1} % of {} correctly classified images",
            mean(&shares) * 100.0,
            lowest * 100.0,
            majority * 100.0,
            shares.len()
        );
        assert!(
            mean(&shares) > 0.5,
            "{rule:?}: mean share {}",
            mean(&shares)
        );
        assert!(majority > 0.7, "{rule:?}: share above half in {majority}");
        // Per class: the shape's share of relevance is at least twice its share of pixels.
        for class in 0..CLASSES {
            let of = |v: &[f64]| -> Vec<f64> {
                hits.iter()
                    .zip(v)
                    .filter(|(&i, _)| test_set.labels[i] == class)
                    .map(|(_, &s)| s)
                    .collect()
            };
            let (share, cover) = (mean(&of(&shares)), mean(&of(&covers)));
            println!(
                "    {}: {:.1} % of the relevance on {:.1} % of the pixels",
                synthetic::CLASS_NAMES[class],
                share * 100.0,
                cover * 100.0
            );
            assert!(
                share > 2.0 * cover,
                "{rule:?}, class {class}: {share} vs {cover}"
            );
        }
    }
    println!("took {:.1} s", started.elapsed().as_secs_f64());
}

fn mean(values: &[f64]) -> f64 {
    assert!(!values.is_empty());
    values.iter().sum::<f64>() / values.len() as f64
}

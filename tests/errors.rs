//! Every way a call can fail: one test per situation, each checking the `LrpError`
//! variant and that its message names the problem (argument, expected versus given, file
//! and line). Bad input must return an error, never panic, and never leave a network half
//! changed.

use lrp::{data_io, model_io, seeded_rng, Layer, Linear, LrpError, Network, Pool, Rule};
use ndarray::{array, Array2, ArrayD, IxDyn};
use std::path::PathBuf;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Asserts that `message` contains every one of `parts`, showing the whole message when
/// one is missing.
fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "error message {message:?} should mention {part:?}"
        );
    }
}

/// Parses model text under the file name "model.txt" and returns the error it must give.
fn parse_err(text: &str) -> LrpError {
    match model_io::parse(text, "model.txt") {
        Ok(net) => panic!(
            "expected a parse error for {text:?}, got a network of {} layers",
            net.len()
        ),
        Err(e) => e,
    }
}

/// Parses model text that must fail with `LrpError::Parse` at `line` in "model.txt";
/// returns the error's message (the part after "file:line: ") and checks that the
/// Display form starts with "model.txt:<line>:".
fn parse_error_at(text: &str, line: usize) -> String {
    let e = parse_err(text);
    let display = e.to_string();
    match e {
        LrpError::Parse {
            file,
            line: got,
            message,
        } => {
            assert_eq!(file, "model.txt", "{display}");
            assert_eq!(got, line, "wrong line number in {display:?}");
            assert!(
                display.starts_with(&format!("model.txt:{line}: ")),
                "Display should start with file:line, got {display:?}"
            );
            message
        }
        other => panic!("expected LrpError::Parse, got {other:?}"),
    }
}

/// A two-layer network: Linear 4 -> 3 (fixed weights), Rect.
fn small_net() -> Network {
    let w = Array2::from_shape_fn((4, 3), |(i, j)| (i as f64 + 1.0) * 0.1 - j as f64 * 0.2);
    let b = array![0.1, -0.1, 0.0];
    Network::from_layers([Layer::Linear(Linear::new(w, b).unwrap()), Layer::Rect])
}

/// A 2 x 4 input for `small_net`.
fn small_input() -> ArrayD<f64> {
    array![[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0]].into_dyn()
}

/// A path in the temporary directory that is unique to this test process and `name`.
fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lrp-errors-{}-{name}", std::process::id()))
}

// ---------------------------------------------------------------------------------------
// Model files: truncation, counts, tokens, layer names, headers
// ---------------------------------------------------------------------------------------

#[test]
fn truncated_linear_without_weights_line_reports_the_line_after_the_header() {
    let msg = parse_error_at("Rect\nLinear 2 3\n", 3);
    assert_mentions(
        &msg,
        &["unexpected end of file", "6 weights", "Linear 2 3 (line 2)"],
    );
}

#[test]
fn truncated_linear_without_biases_line_reports_the_missing_biases() {
    let msg = parse_error_at("Linear 2 3\n1 2 3 4 5 6\n", 3);
    assert_mentions(
        &msg,
        &["unexpected end of file", "3 biases", "Linear 2 3 (line 1)"],
    );
}

#[test]
fn truncated_convolution_with_weights_but_no_biases_line() {
    let msg = parse_error_at("Convolution 2 2 1 2 1 1\n1 2 3 4 5 6 7 8\n\n", 4);
    assert_mentions(
        &msg,
        &[
            "unexpected end of file",
            "2 biases",
            "Convolution 2 2 1 2 1 1 (line 1)",
        ],
    );
}

#[test]
fn truncated_legacy_linear_reports_the_missing_row() {
    // Legacy layout: m lines of n numbers; the second row is missing.
    let msg = parse_error_at("Linear 2 3\n1 2 3\n", 3);
    assert_mentions(&msg, &["unexpected end of file", "row 2 of 2"]);
}

#[test]
fn wrong_number_of_linear_weights_says_expected_and_found() {
    let msg = parse_error_at("Linear 2 3\n1 2 3 4 5\n0 0 0\n", 2);
    assert_mentions(&msg, &["expected 6 weights", "found 5 numbers"]);
}

#[test]
fn wrong_number_of_convolution_weights_says_expected_and_found() {
    let msg = parse_error_at("Flatten\nConvolution 2 2 1 2 1 1\n1 2 3 4 5 6 7\n0 0\n", 3);
    assert_mentions(&msg, &["expected 8 weights", "found 7 numbers"]);
}

#[test]
fn wrong_number_of_biases_says_expected_and_found() {
    let msg = parse_error_at("Linear 2 3\n1 2 3 4 5 6\n0 0\n", 3);
    assert_mentions(&msg, &["expected 3 biases", "found 2 numbers"]);
}

#[test]
fn short_legacy_row_names_the_row_and_the_counts() {
    let msg = parse_error_at("Linear 2 3\n1 2 3\n4 5\n0 0 0\n", 3);
    assert_mentions(&msg, &["row 2 of 2", "3 numbers", "found 2 numbers"]);
}

#[test]
fn non_numeric_weight_token_is_named() {
    let msg = parse_error_at("Linear 2 2\n1 2 abc 4\n0 0\n", 2);
    assert_mentions(&msg, &["expected a number", "'abc'"]);
}

#[test]
fn non_numeric_bias_token_is_named() {
    let msg = parse_error_at("Linear 1 2\n1 2\n0 1,5\n", 3);
    assert_mentions(&msg, &["'1,5'"]);
}

#[test]
fn non_finite_weight_is_rejected_with_its_value() {
    let msg = parse_error_at("Linear 1 2\n1 nan\n0 0\n", 2);
    assert_mentions(&msg, &["finite", "NaN"]);
    let msg = parse_error_at("Linear 1 2\n1 2\n0 -inf\n", 3);
    assert_mentions(&msg, &["finite", "-inf"]);
}

#[test]
fn layer_line_where_numbers_are_expected_is_named() {
    // The biases line is missing: the next layer's name is read in its place.
    let msg = parse_error_at("Linear 1 2\n1 2\nRect\n", 3);
    assert_mentions(&msg, &["expected a number", "'Rect'"]);
}

#[test]
fn unknown_layer_name_is_named_with_its_line() {
    let msg = parse_error_at("Rect\n\nConv 5 5 1 2 1 1\n", 3);
    assert_mentions(&msg, &["'Conv'", "Linear", "Convolution", "SoftMax"]);
}

#[test]
fn very_long_unknown_token_is_cut_in_the_message() {
    let long = "X".repeat(500);
    let msg = parse_error_at(&format!("{long}\n"), 1);
    assert!(msg.len() < 300, "message not cut: {} chars", msg.len());
    assert_mentions(&msg, &["XXXX", "..."]);
}

#[test]
fn linear_header_with_one_size_says_how_many_are_needed() {
    let msg = parse_error_at("Linear 3\n1 2 3\n0\n", 1);
    assert_mentions(&msg, &["expected 2 sizes after 'Linear'", "found 1"]);
}

#[test]
fn linear_header_with_a_non_integer_size_names_it() {
    let msg = parse_error_at("Linear a 2\n1 2\n0 0\n", 1);
    assert_mentions(&msg, &["positive integer", "'Linear'", "'a'"]);
}

#[test]
fn maxpool_header_with_a_zero_size_is_rejected() {
    let msg = parse_error_at("Rect\nMaxPool 0 2 2 2\n", 2);
    assert_mentions(&msg, &["positive integer", "'MaxPool'", "'0'"]);
}

#[test]
fn convolution_header_with_too_many_sizes_is_rejected() {
    let msg = parse_error_at("Convolution 5 5 1 2 1 1 7\n", 1);
    assert_mentions(&msg, &["expected 6 sizes after 'Convolution'", "found 7"]);
}

#[test]
fn layer_without_parameters_rejects_header_arguments() {
    let msg = parse_error_at("Rect 3\n", 1);
    assert_mentions(&msg, &["expected 0 sizes after 'Rect'", "found 1"]);
}

#[test]
fn huge_linear_sizes_are_a_parse_error_not_an_overflow_panic() {
    // m * n overflows usize; the reader must say so instead of panicking (debug builds)
    // or computing a wrapped count (release builds).
    let text = "Linear 4294967296 4294967296\n1 2\n0 0\n";
    let result = std::panic::catch_unwind(|| model_io::parse(text, "model.txt"));
    match result {
        Ok(Err(LrpError::Parse { line, .. })) => assert_eq!(line, 1, "the header is at fault"),
        Ok(other) => panic!("expected a Parse error, got {other:?}"),
        Err(_) => panic!("parsing huge Linear sizes panicked instead of returning an error"),
    }
}

#[test]
fn linear_sizes_whose_product_wraps_to_the_count_given_are_a_parse_error() {
    // m = (2^64 + 2) / 3 and n = 3: m * n wraps to 2 in release builds, which equals the
    // number of weights on the line. The reader must reject the header, not panic.
    let m = (u64::MAX / 3 + 1).to_string();
    let text = format!("Linear {m} 3\n1 2\n0 0 0\n");
    let result = std::panic::catch_unwind(|| model_io::parse(&text, "model.txt"));
    match result {
        Ok(Err(LrpError::Parse { line, .. })) => assert_eq!(line, 1, "the header is at fault"),
        Ok(other) => panic!("expected a Parse error, got {other:?}"),
        Err(_) => panic!("parsing overflowing Linear sizes panicked instead of returning an error"),
    }
}

#[test]
fn huge_convolution_sizes_are_a_parse_error_not_an_overflow_panic() {
    let text = "Convolution 65536 65536 65536 65536 1 1\n1 2\n0\n";
    let result = std::panic::catch_unwind(|| model_io::parse(text, "model.txt"));
    match result {
        Ok(Err(LrpError::Parse { line, .. })) => assert_eq!(line, 1, "the header is at fault"),
        Ok(other) => panic!("expected a Parse error, got {other:?}"),
        Err(_) => panic!("parsing huge Convolution sizes panicked instead of returning an error"),
    }
}

#[test]
fn model_read_from_a_file_names_that_file_in_parse_errors() {
    let path = temp_path("bad-model.txt");
    std::fs::write(&path, "Linear 2 2\n1 2 3\n0 0\n").unwrap();
    let e = model_io::read(&path).unwrap_err();
    let _ = std::fs::remove_file(&path);
    let display = e.to_string();
    match e {
        LrpError::Parse { file, line, .. } => {
            assert_eq!(file, path.display().to_string());
            assert_eq!(line, 2);
        }
        other => panic!("expected LrpError::Parse, got {other:?}"),
    }
    assert!(
        display.starts_with(&format!("{}:2: ", path.display())),
        "{display}"
    );
}

// ---------------------------------------------------------------------------------------
// Files: missing, unreadable
// ---------------------------------------------------------------------------------------

#[test]
fn missing_model_file_is_io_with_the_path() {
    let path = temp_path("no-such-model.txt");
    let e = model_io::read(&path).unwrap_err();
    let display = e.to_string();
    match &e {
        LrpError::Io { path: p, source } => {
            assert_eq!(p, &path);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected LrpError::Io, got {other:?}"),
    }
    assert_mentions(&display, &[&path.display().to_string()]);
    assert!(
        std::error::Error::source(&e).is_some(),
        "Io errors expose the OS error as their source"
    );
}

#[test]
fn missing_npy_file_is_io_with_the_path() {
    let path = temp_path("no-such-array.npy");
    let e = data_io::read_npy(&path).unwrap_err();
    let display = e.to_string();
    match &e {
        LrpError::Io { path: p, .. } => assert_eq!(p, &path),
        other => panic!("expected LrpError::Io, got {other:?}"),
    }
    assert_mentions(&display, &[&path.display().to_string()]);
}

#[test]
fn file_that_is_not_npy_is_a_parse_error_naming_the_file() {
    let path = temp_path("not-an-array.npy");
    std::fs::write(&path, "this is not an npy file").unwrap();
    let e = data_io::read_npy(&path).unwrap_err();
    let _ = std::fs::remove_file(&path);
    let display = e.to_string();
    assert!(matches!(e, LrpError::Parse { .. }), "got {e:?}");
    assert_mentions(&display, &[&path.display().to_string(), "npy"]);
}

#[test]
fn writing_a_model_into_a_missing_directory_is_io_with_the_path() {
    let path = temp_path("no-such-dir").join("model.txt");
    let e = model_io::write(&small_net(), &path).unwrap_err();
    assert!(
        matches!(&e, LrpError::Io { path: p, .. } if p == &path),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &[&path.display().to_string()]);
}

// ---------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------

#[test]
fn forward_with_wrong_feature_count_names_layer_expected_and_given() {
    let mut rng = seeded_rng(1);
    let mut net = Network::from_layers([
        Layer::Linear(Linear::random(784, 10, &mut rng).unwrap()),
        Layer::SoftMax,
    ]);
    let x = ArrayD::zeros(IxDyn(&[3, 5]));
    let e = net.forward(x.view(), false).unwrap_err();
    let display = e.to_string();
    match e {
        LrpError::ShapeMismatch {
            what,
            expected,
            given,
        } => {
            assert_eq!(what, "input of layer 1 (Linear)");
            assert_eq!(expected, vec![None, Some(784)]);
            assert_eq!(given, vec![3, 5]);
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert_mentions(&display, &["layer 1 (Linear)", "N x 784", "3 x 5"]);
}

#[test]
fn forward_mismatch_inside_the_network_names_the_failing_layer() {
    let mut rng = seeded_rng(2);
    let mut net = Network::from_layers([
        Layer::Linear(Linear::random(4, 3, &mut rng).unwrap()),
        Layer::Rect,
        Layer::Linear(Linear::random(5, 2, &mut rng).unwrap()),
    ]);
    let e = net.forward(small_input().view(), false).unwrap_err();
    assert!(matches!(e, LrpError::ShapeMismatch { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["layer 3 (Linear)", "N x 5", "2 x 3"]);
}

#[test]
fn forward_of_a_dense_batch_into_a_convolution_names_the_image_shape() {
    let mut rng = seeded_rng(3);
    let conv = lrp::Convolution::random([5, 5, 1, 2], (1, 1), &mut rng).unwrap();
    let mut net = Network::from_layers([Layer::Convolution(conv)]);
    let x = ArrayD::zeros(IxDyn(&[2, 784]));
    let e = net.forward(x.view(), false).unwrap_err();
    assert!(matches!(e, LrpError::ShapeMismatch { .. }), "got {e:?}");
    assert_mentions(
        &e.to_string(),
        &["layer 1 (Convolution)", "N x 5 x 5 x 1", "2 x 784"],
    );
}

#[test]
fn forward_without_a_batch_dimension_is_a_bad_parameter() {
    let mut net = small_net();
    let x = ArrayD::zeros(IxDyn(&[4]));
    let e = net.forward(x.view(), false).unwrap_err();
    assert!(
        matches!(&e, LrpError::BadParameter { name, .. } if name == "input shape"),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["batch dimension", "[4]"]);
}

#[test]
fn lrp_with_relevance_of_the_wrong_shape_names_expected_and_given() {
    let mut net = small_net();
    net.forward(small_input().view(), false).unwrap();
    let r = ArrayD::ones(IxDyn(&[2, 4]));
    let e = net.lrp(r.view(), None).unwrap_err();
    let display = e.to_string();
    match e {
        LrpError::ShapeMismatch {
            what,
            expected,
            given,
        } => {
            assert_eq!(what, "relevance R");
            assert_eq!(expected, vec![Some(2), Some(3)]);
            assert_eq!(given, vec![2, 4]);
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert_mentions(
        &display,
        &["relevance R", "expected [2 x 3]", "given [2 x 4]"],
    );
}

#[test]
fn backward_with_a_gradient_of_the_wrong_shape_names_expected_and_given() {
    let mut net = small_net();
    net.forward(small_input().view(), false).unwrap();
    let dy = ArrayD::ones(IxDyn(&[3, 3]));
    let e = net.backward(dy.view()).unwrap_err();
    assert!(
        matches!(&e, LrpError::ShapeMismatch { what, .. } if what == "gradient dy"),
        "got {e:?}"
    );
    assert_mentions(
        &e.to_string(),
        &["gradient dy", "expected [2 x 3]", "given [3 x 3]"],
    );
}

#[test]
fn set_weights_with_the_wrong_shape_names_the_layer_and_both_shapes() {
    let mut net = small_net();
    let w = ArrayD::zeros(IxDyn(&[3, 4]));
    let e = net.set_weights(0, w.view()).unwrap_err();
    assert!(matches!(e, LrpError::ShapeMismatch { .. }), "got {e:?}");
    assert_mentions(
        &e.to_string(),
        &["W of layer 1 (Linear)", "expected [4 x 3]", "given [3 x 4]"],
    );
}

#[test]
fn set_biases_with_the_wrong_length_names_the_layer_and_both_lengths() {
    let mut net = small_net();
    let b = ArrayD::zeros(IxDyn(&[4]));
    let e = net.set_biases(0, b.view()).unwrap_err();
    assert!(matches!(e, LrpError::ShapeMismatch { .. }), "got {e:?}");
    assert_mentions(
        &e.to_string(),
        &["B of layer 1 (Linear)", "expected [3]", "given [4]"],
    );
}

#[test]
fn set_weights_on_a_layer_without_weights_is_a_bad_parameter() {
    let mut net = small_net();
    let w = ArrayD::zeros(IxDyn(&[4, 3]));
    let e = net.set_weights(1, w.view()).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["layer 2", "Rect", "no W"]);
    let e = net.set_weights(7, w.view()).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["layer index", "2", "7"]);
}

#[test]
fn linear_with_biases_of_the_wrong_length_is_a_shape_mismatch() {
    let e = Linear::new(Array2::zeros((4, 3)), array![0.0, 0.0]).unwrap_err();
    assert!(matches!(e, LrpError::ShapeMismatch { .. }), "got {e:?}");
    assert_mentions(
        &e.to_string(),
        &["B of Linear", "expected [3]", "given [2]"],
    );
}

#[test]
fn lrp_trace_with_a_trace_of_another_network_is_an_error_not_a_panic() {
    // Same number of layers and the same output shape, but another input size.
    let mut rng = seeded_rng(4);
    let a = Network::from_layers([Layer::Linear(Linear::random(3, 2, &mut rng).unwrap())]);
    let b = Network::from_layers([Layer::Linear(Linear::random(4, 2, &mut rng).unwrap())]);
    let trace = b.trace(small_input().view()).unwrap();
    let r = trace.output().clone();
    let result = std::panic::catch_unwind(|| a.lrp_trace(&trace, r.view(), None));
    match result {
        Ok(Err(e)) => assert!(
            matches!(
                e,
                LrpError::ShapeMismatch { .. } | LrpError::BadParameter { .. }
            ),
            "got {e:?}"
        ),
        Ok(Ok(rel)) => panic!(
            "expected an error, got relevance of shape {:?}",
            rel.shape()
        ),
        Err(_) => panic!("lrp_trace with a foreign trace panicked instead of returning an error"),
    }
}

// ---------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_rule_name_is_named() {
    let e = Rule::from_name("foo", None).unwrap_err();
    assert!(
        matches!(&e, LrpError::UnknownRule { name } if name == "foo"),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["'foo'", "epsilon", "alphabeta"]);
}

#[test]
fn rule_names_are_case_insensitive_and_accept_the_toolbox_aliases() {
    let cases = [
        ("EPSILON", Rule::Epsilon(lrp::DEFAULT_EPSILON)),
        ("Alpha", Rule::AlphaBeta(lrp::DEFAULT_ALPHA)),
        ("AlphaBeta", Rule::AlphaBeta(lrp::DEFAULT_ALPHA)),
        ("W^2", Rule::WSquare),
        ("ww", Rule::WSquare),
        ("none", Rule::Simple),
        ("Simple", Rule::Simple),
        ("FLAT", Rule::Flat),
    ];
    for (name, rule) in cases {
        assert_eq!(Rule::from_name(name, None).unwrap(), rule, "{name}");
    }
    assert_eq!(
        Rule::from_name("Epsilon", Some(0.5)).unwrap(),
        Rule::Epsilon(0.5)
    );
}

// ---------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------

#[test]
fn epsilon_zero_negative_or_nan_is_a_bad_parameter() {
    for eps in [0.0, -0.1, f64::NAN, f64::INFINITY] {
        let e = Rule::from_name("epsilon", Some(eps)).unwrap_err();
        assert!(
            matches!(&e, LrpError::BadParameter { name, .. } if name == "epsilon"),
            "eps {eps}: got {e:?}"
        );
        assert_mentions(&e.to_string(), &["epsilon", "> 0", &format!("given {eps}")]);
    }
}

#[test]
fn negative_alpha_is_a_bad_parameter() {
    let e = Rule::from_name("alphabeta", Some(-1.0)).unwrap_err();
    assert!(
        matches!(&e, LrpError::BadParameter { name, .. } if name == "alpha"),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["alpha", ">= 0", "given -1"]);
}

#[test]
fn invalid_rule_passed_to_lrp_or_presets_is_a_bad_parameter() {
    let mut net = small_net();
    net.forward(small_input().view(), false).unwrap();
    let r = ArrayD::ones(IxDyn(&[2, 3]));
    let e = net.lrp(r.view(), Some(Rule::Epsilon(0.0))).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["epsilon", "given 0"]);
    let e = net.set_preset(0, Rule::AlphaBeta(-2.0)).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    let e = net.set_lrp_parameters(Rule::Epsilon(f64::NAN)).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_eq!(net.preset(0), Some(Rule::Simple), "presets unchanged");
}

#[test]
fn pool_with_a_zero_window_or_stride_is_a_bad_parameter() {
    for (pool, stride) in [((0, 2), (2, 2)), ((2, 2), (2, 0))] {
        let e = Pool::new(pool, stride).unwrap_err();
        assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
        assert_mentions(&e.to_string(), &["at least 1", &format!("{pool:?}")]);
    }
}

#[test]
fn linear_random_with_a_zero_size_is_a_bad_parameter() {
    let e = Linear::random(0, 3, &mut seeded_rng(0)).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["Linear", "positive", "0 x 3"]);
}

#[test]
fn convolution_random_with_a_zero_stride_is_a_bad_parameter() {
    let e = lrp::Convolution::random([3, 3, 1, 2], (0, 1), &mut seeded_rng(0)).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["stride"]);
}

#[test]
fn non_finite_learning_rate_is_a_bad_parameter() {
    let mut net = small_net();
    let x = small_input();
    let y = net.forward(x.view(), false).unwrap();
    net.backward(y.view()).unwrap();
    let e = net.update(f64::NAN).unwrap_err();
    assert!(
        matches!(&e, LrpError::BadParameter { name, .. } if name == "lrate"),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["lrate", "finite", "NaN"]);
}

#[test]
fn unknown_lrate_decay_is_a_bad_parameter() {
    let e = lrp::train::LrateDecay::from_name("cubic").unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["lrate_decay", "'cubic'"]);
}

#[test]
fn training_with_zero_batchsize_is_a_bad_parameter() {
    let mut net = small_net();
    let x = small_input();
    let y = array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]].into_dyn();
    let opts = lrp::train::TrainOptions {
        batchsize: 0,
        ..Default::default()
    };
    let e = lrp::train::train(&mut net, x.view(), y.view(), None, &opts, None, &mut |_| {})
        .unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["batchsize", "given 0"]);
}

#[test]
fn training_targets_of_the_wrong_shape_are_a_shape_mismatch() {
    let mut net = small_net();
    let x = small_input();
    let y = array![[1.0, 0.0], [0.0, 1.0]].into_dyn();
    let opts = lrp::train::TrainOptions::default();
    let e = lrp::train::train(&mut net, x.view(), y.view(), None, &opts, None, &mut |_| {})
        .unwrap_err();
    assert!(matches!(e, LrpError::ShapeMismatch { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["training targets", "[2 x 3]", "[2 x 2]"]);
}

// ---------------------------------------------------------------------------------------
// Call order
// ---------------------------------------------------------------------------------------

#[test]
fn lrp_before_forward_is_out_of_order() {
    let net = small_net();
    let r = ArrayD::ones(IxDyn(&[2, 3]));
    let e = net.lrp(r.view(), None).unwrap_err();
    assert!(
        matches!(
            e,
            LrpError::OutOfOrder {
                call: "lrp",
                needs: "forward"
            }
        ),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["lrp", "forward first"]);
}

#[test]
fn backward_before_forward_is_out_of_order() {
    let mut net = small_net();
    let dy = ArrayD::ones(IxDyn(&[2, 3]));
    let e = net.backward(dy.view()).unwrap_err();
    assert!(
        matches!(
            e,
            LrpError::OutOfOrder {
                call: "backward",
                ..
            }
        ),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["backward", "forward first"]);
}

#[test]
fn update_before_backward_is_out_of_order() {
    let mut net = small_net();
    net.forward(small_input().view(), false).unwrap();
    let e = net.update(0.1).unwrap_err();
    assert!(
        matches!(e, LrpError::OutOfOrder { call: "update", .. }),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["update", "backward"]);
}

#[test]
fn lrp_after_clean_is_out_of_order_again() {
    let mut net = small_net();
    net.forward(small_input().view(), false).unwrap();
    net.clean();
    let r = ArrayD::ones(IxDyn(&[2, 3]));
    let e = net.lrp(r.view(), None).unwrap_err();
    assert!(matches!(e, LrpError::OutOfOrder { .. }), "got {e:?}");
}

// ---------------------------------------------------------------------------------------
// Non-finite values
// ---------------------------------------------------------------------------------------

#[test]
fn nan_input_reports_the_first_offending_multi_index() {
    let mut rng = seeded_rng(5);
    let mut net = Network::from_layers([Layer::Linear(Linear::random(4, 2, &mut rng).unwrap())]);
    let mut x = ArrayD::zeros(IxDyn(&[3, 4]));
    x[[1, 2]] = f64::NAN;
    x[[2, 0]] = f64::NAN;
    let e = net.forward(x.view(), false).unwrap_err();
    let display = e.to_string();
    match e {
        LrpError::NonFinite { what, index, value } => {
            assert_eq!(what, "input");
            assert_eq!(index, vec![1, 2]);
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    assert_mentions(&display, &["NaN", "input", "[1, 2]"]);
}

#[test]
fn nan_in_an_image_batch_reports_all_four_indices() {
    let mut net = Network::from_layers([Layer::Flatten]);
    let mut x = ArrayD::zeros(IxDyn(&[2, 3, 3, 2]));
    x[[1, 0, 2, 1]] = f64::NEG_INFINITY;
    let e = net.forward(x.view(), false).unwrap_err();
    assert!(
        matches!(&e, LrpError::NonFinite { index, .. } if index == &[1, 0, 2, 1]),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["-inf", "[1, 0, 2, 1]"]);
}

#[test]
fn infinite_relevance_into_lrp_is_non_finite() {
    let mut net = small_net();
    net.forward(small_input().view(), false).unwrap();
    let mut r = ArrayD::zeros(IxDyn(&[2, 3]));
    r[[0, 1]] = f64::INFINITY;
    let e = net.lrp(r.view(), None).unwrap_err();
    assert!(
        matches!(&e, LrpError::NonFinite { what, index, .. } if what == "relevance R" && index == &[0, 1]),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["relevance R", "inf", "[0, 1]"]);
}

#[test]
fn nan_gradient_into_backward_is_non_finite() {
    let mut net = small_net();
    net.forward(small_input().view(), false).unwrap();
    let mut dy = ArrayD::zeros(IxDyn(&[2, 3]));
    dy[[1, 1]] = f64::NAN;
    let e = net.backward(dy.view()).unwrap_err();
    assert!(
        matches!(&e, LrpError::NonFinite { what, index, .. } if what == "gradient dy" && index == &[1, 1]),
        "got {e:?}"
    );
}

#[test]
fn nan_weights_in_set_weights_are_non_finite() {
    let mut net = small_net();
    let mut w = ArrayD::zeros(IxDyn(&[4, 3]));
    w[[3, 2]] = f64::NAN;
    let e = net.set_weights(0, w.view()).unwrap_err();
    assert!(
        matches!(&e, LrpError::NonFinite { index, .. } if index == &[3, 2]),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["W of layer 1 (Linear)", "[3, 2]"]);
}

// ---------------------------------------------------------------------------------------
// No partial outputs: a failing call leaves the network as it was
// ---------------------------------------------------------------------------------------

#[test]
fn failing_forward_keeps_the_previous_cached_trace_usable() {
    let mut net = small_net();
    let x = small_input();
    let y = net.forward(x.view(), false).unwrap();
    let r = y.clone();
    let before = net.lrp(r.view(), None).unwrap();

    let mut bad = ArrayD::zeros(IxDyn(&[5, 4]));
    bad[[4, 3]] = f64::NAN;
    assert!(net.forward(bad.view(), false).is_err());
    let wrong_shape = ArrayD::zeros(IxDyn(&[5, 7]));
    assert!(net.forward(wrong_shape.view(), false).is_err());

    let trace = net
        .cached_trace()
        .expect("the earlier forward's trace is kept");
    assert_eq!(trace.input(), &x);
    assert_eq!(trace.output(), &y);
    assert_eq!(net.lrp(r.view(), None).unwrap(), before);
}

#[test]
fn failing_backward_keeps_the_previous_gradients() {
    let mut net = small_net();
    let y = net.forward(small_input().view(), false).unwrap();
    net.backward(y.view()).unwrap();
    let grad = net.gradient(0).cloned().expect("Linear has gradients");

    let wrong = ArrayD::zeros(IxDyn(&[2, 2]));
    assert!(net.backward(wrong.view()).is_err());
    assert_eq!(net.gradient(0), Some(&grad));
    net.update(0.1)
        .expect("update still possible after the failed backward");
}

#[test]
fn failing_set_weights_leaves_the_weights_unchanged() {
    let mut net = small_net();
    let before = net.clone();
    let mut w = ArrayD::from_elem(IxDyn(&[4, 3]), 7.0);
    w[[2, 1]] = f64::INFINITY;
    assert!(net.set_weights(0, w.view()).is_err());
    assert!(net
        .set_biases(0, ArrayD::zeros(IxDyn(&[5])).view())
        .is_err());
    assert_eq!(net, before);
}

#[test]
fn failing_model_write_keeps_an_existing_file() {
    let path = temp_path("keep-model.txt");
    model_io::write(&small_net(), &path).unwrap();
    let original = std::fs::read_to_string(&path).unwrap();
    // Block the temporary file's name with a directory, so the write must fail.
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::create_dir_all(&partial).unwrap();
    let result = model_io::write(&Network::from_layers([Layer::Tanh]), &path);
    let after = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_dir_all(&partial);
    let _ = std::fs::remove_file(&path);
    assert!(matches!(result, Err(LrpError::Io { .. })), "got {result:?}");
    assert_eq!(after, original);
}

#[test]
fn failing_training_leaves_the_network_unchanged() {
    let mut net = small_net();
    let before = net.clone();
    let x = small_input();
    let y = array![[1.0, 0.0], [0.0, 1.0]].into_dyn();
    let opts = lrp::train::TrainOptions::default();
    assert!(
        lrp::train::train(&mut net, x.view(), y.view(), None, &opts, None, &mut |_| {}).is_err()
    );
    assert_eq!(net, before);
}

// ---------------------------------------------------------------------------------------
// Hostile input (issue 17): bounded reads, bounded work, strict names
// ---------------------------------------------------------------------------------------

/// Runs `f` on another thread and fails the test when it has not returned within
/// `seconds` (a hang is a finding, not a stuck test run).
fn within<T: Send + 'static>(
    seconds: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(seconds))
        .unwrap_or_else(|_| panic!("{what} did not return within {seconds} s"))
}

#[test]
fn dev_zero_as_a_model_fails_at_once_on_line_1() {
    let e = within(10, "model_io::read(/dev/zero)", || {
        model_io::read("/dev/zero")
    })
    .expect_err("/dev/zero is no model");
    match &e {
        LrpError::Parse { file, line, .. } => {
            assert_eq!((file.as_str(), *line), ("/dev/zero", 1), "{e}")
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert_mentions(&e.to_string(), &["longer than 256 bytes"]);
}

#[test]
fn dev_urandom_as_a_model_fails_at_once() {
    let e = within(10, "model_io::read(/dev/urandom)", || {
        model_io::read("/dev/urandom")
    })
    .expect_err("random bytes are no model");
    assert!(matches!(e, LrpError::Parse { .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["/dev/urandom"]);
}

#[test]
fn endless_whitespace_stops_at_the_documented_limit() {
    let text = format!("Rect\n{}Rect\n", " \n".repeat(model_io::MAX_BLANK_BYTES));
    let msg = parse_error_at(&text, 1 + model_io::MAX_BLANK_BYTES / 2 + 1);
    assert_mentions(
        &msg,
        &["whitespace", &model_io::MAX_BLANK_BYTES.to_string()],
    );
}

#[test]
fn more_layers_than_the_limit_are_a_parse_error() {
    let text = "Rect\n".repeat(model_io::MAX_LAYERS + 1);
    let msg = parse_error_at(&text, model_io::MAX_LAYERS + 1);
    assert_mentions(&msg, &["more than 65536 layers"]);
}

#[test]
fn a_line_with_far_more_numbers_than_its_header_stops_early() {
    let text = format!("Linear 1 1\n{}\n0\n", "1 ".repeat(100_000));
    let msg = parse_error_at(&text, 2);
    assert_mentions(&msg, &["expected 1 weights", "more than 4097 numbers"]);
}

#[test]
fn a_header_asking_for_more_memory_than_the_machine_has_fails_before_reading() {
    // 2^31 x 2^31 doubles are 32 EiB: no machine holds them.
    let msg = parse_error_at("Linear 2147483648 2147483648\n1\n", 1);
    assert_mentions(&msg, &["Linear 2147483648 2147483648", "memory"]);
}

#[test]
fn empty_blank_and_null_model_files_are_errors() {
    for (text, line) in [("", 1), ("\n\n  \n\t\n", 5), ("   ", 1)] {
        let msg = parse_error_at(text, line);
        assert_mentions(&msg, &["no layers"]);
    }
    let msg = parse_error_at("# a comment\n", 1);
    assert_mentions(&msg, &["expected a layer name", "'#'"]);
    let e = model_io::read("/dev/null").expect_err("/dev/null holds no layers");
    assert!(
        matches!(&e, LrpError::Parse { file, line: 1, .. } if file == "/dev/null"),
        "got {e:?}"
    );
    assert_mentions(&e.to_string(), &["no layers"]);
}

#[test]
fn linear_sizes_that_do_not_chain_are_a_parse_error_at_the_second_layer() {
    let msg = parse_error_at("Linear 2 2\n1 2 3 4\n0 0\nRect\nLinear 3 1\n1 2 3\n0\n", 5);
    assert_mentions(
        &msg,
        &[
            "Linear 3 1",
            "takes 3 inputs",
            "Linear 2 2 (line 1) gives 2",
            "do not chain",
        ],
    );
    // Through SoftMax and Flatten too; a Flatten after a Convolution hides the count.
    let msg = parse_error_at(
        "Linear 1 2\n1 2\n0 0\nFlatten\nSoftMax\nLinear 3 1\n1 2 3\n0\n",
        6,
    );
    assert_mentions(&msg, &["takes 3 inputs"]);
    model_io::parse(
        "Convolution 1 1 1 2 1 1\n1 2\n0 0\nFlatten\nLinear 8 1\n1 2 3 4 5 6 7 8\n0\n",
        "ok.txt",
    )
    .expect("a Flatten after a Convolution gives H*W*2 features: any count may fit");
}

#[test]
fn convolution_channels_that_do_not_chain_are_a_parse_error() {
    let text =
        "Convolution 1 1 1 2 1 1\n1 2\n0 0\nMaxPool 2 2 2 2\nConvolution 1 1 3 1 1 1\n1 2 3\n0\n";
    let msg = parse_error_at(text, 5);
    assert_mentions(&msg, &["takes 3 input channels", "gives 2 channels"]);
}

#[test]
fn writing_a_model_read_would_refuse_is_an_error_and_writes_nothing() {
    let path = temp_path("unreadable-model.txt");
    let e = model_io::write(&Network::new(), &path).unwrap_err();
    assert_mentions(&e.to_string(), &["no layers"]);
    let w = |m, n| {
        Layer::Linear(Linear::new(Array2::zeros((m, n)), ndarray::Array1::zeros(n)).unwrap())
    };
    let e = model_io::write(&Network::from_layers([w(2, 2), w(3, 1)]), &path).unwrap_err();
    assert_mentions(&e.to_string(), &["layer 2", "do not chain"]);
    assert!(!path.exists(), "nothing may be written on failure");
}

#[test]
fn rule_names_with_whitespace_are_unknown() {
    for name in ["epsilon ", " epsilon", "eps\t", "alpha\n", " "] {
        match Rule::from_name(name, None) {
            Err(LrpError::UnknownRule { name: n }) => assert_eq!(n, name),
            other => panic!("{name:?}: expected UnknownRule, got {other:?}"),
        }
    }
    assert_eq!(
        Rule::from_name("EpSiLoN", None).unwrap(),
        Rule::Epsilon(0.01)
    );
    assert!(lrp::Composite::from_name(" epsilon_plus", None, None, None, None).is_err());
}

#[test]
fn per_layer_gamma_or_zbox_on_a_layer_without_weights_is_an_error() {
    let mut net = small_net();
    for rule in [
        Rule::Gamma(0.25),
        Rule::from_name("zbox", Some(1.0)).unwrap(),
    ] {
        let before = net.preset(1);
        let e = net.set_preset(1, rule.clone()).unwrap_err();
        assert_mentions(&e.to_string(), &[rule.name(), "layer 2", "Rect"]);
        assert_eq!(net.preset(1), before, "nothing changes on error");
        net.set_preset(0, rule.clone()).unwrap();
        // Network-wide, every layer takes it (those without weights treat it as simple).
        net.set_lrp_parameters(rule).unwrap();
    }
    // The toolbox's rules stay accepted on every layer, as in the toolbox.
    net.set_preset(1, Rule::Epsilon(0.5)).unwrap();
}

#[test]
fn canny_and_heatmap_sigma_beyond_the_limit_is_refused_and_large_sigma_is_fast() {
    let img = Array2::from_shape_fn((28, 28), |(i, j)| ((i * j) % 7) as f64 / 7.0);
    for sigma in [1e6, 1e9, lrp::render::MAX_SIGMA * 1.01, -1.0, f64::NAN] {
        let e = lrp::render::canny(img.view(), sigma, 0.1, 0.2).unwrap_err();
        assert_mentions(&e.to_string(), &["sigma", "100"]);
        let e = lrp::render::hm_to_rgb(
            img.view().into_dyn(),
            Some(img.view().into_dyn()),
            1,
            None,
            sigma,
            "jet",
            true,
        )
        .unwrap_err();
        assert_mentions(&e.to_string(), &["sigma"]);
    }
    // The largest sigma: the kernel's taps are bounded by the image, so this is quick.
    let edges = within(10, "canny at MAX_SIGMA", move || {
        lrp::render::canny(img.view(), lrp::render::MAX_SIGMA, 0.1, 0.2).map(|e| e.len())
    });
    assert_eq!(edges.unwrap(), 28 * 28);
}

#[test]
fn dev_zero_as_a_text_matrix_fails_at_the_line_limit() {
    let e = within(10, "data_io::read_txt(/dev/zero)", || {
        data_io::read_txt("/dev/zero")
    })
    .expect_err("/dev/zero is no matrix");
    assert!(matches!(&e, LrpError::Parse { line: 1, .. }), "got {e:?}");
    assert_mentions(&e.to_string(), &["/dev/zero", "longer than"]);
}

#[test]
fn npy_files_claiming_more_than_they_hold_are_refused_before_allocating() {
    let path = temp_path("claims.npy");
    let npy = |shape: &str, data: &[u8]| {
        let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    };
    // 2^40 doubles (8 TiB) claimed by a file of 16 data bytes; 10^30 elements overflow.
    for shape in [
        "(1099511627776,)",
        "(1000000000000000, 1000000000000000)",
        "(3,)",
    ] {
        std::fs::write(&path, npy(shape, &[0u8; 16])).unwrap();
        let e = data_io::read_npy(&path).unwrap_err();
        assert!(matches!(e, LrpError::Parse { .. }), "{shape}: got {e:?}");
    }
    // A version-2 header length field of 4 GiB.
    let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let e = data_io::read_npy(&path).unwrap_err();
    assert_mentions(&e.to_string(), &["header claims 4294967295 bytes"]);
    let e = data_io::npy_info(&path).unwrap_err();
    assert_mentions(&e.to_string(), &["header claims"]);
    let _ = std::fs::remove_file(&path);
    let e = within(10, "read_npy(/dev/zero)", || data_io::read_npy("/dev/zero")).unwrap_err();
    assert_mentions(&e.to_string(), &["magic"]);
}

#[test]
fn a_vertical_tab_is_part_of_a_word_not_a_panic() {
    // Found by fuzzing: the reader splits at ASCII whitespace, which a vertical tab is not.
    let msg = parse_error_at("\x0b", 1);
    assert_mentions(&msg, &["expected a layer name", "\\u{b}"]);
    let msg = parse_error_at("Rect\x0b\n", 1);
    assert_mentions(&msg, &["found 'Rect\\u{b}'"]);
}

#[test]
fn a_short_file_with_a_large_header_allocates_for_what_it_holds() {
    // Found by fuzzing: "Linear 92 9960077" (916 M weights, 7 GB) followed by one bad
    // token reserved the 7 GB before reading it (libFuzzer's malloc limit caught it; the
    // input is fuzz/regressions/model_reader/header-claims-7-gb). Here: the error itself.
    let msg = parse_error_at("Linear 92 9960077\nx\n", 2);
    assert_mentions(&msg, &["expected a number", "'x'"]);
}

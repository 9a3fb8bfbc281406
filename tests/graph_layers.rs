//! Hand-computed cases for the layers of today's networks (padding, dilation, groups,
//! AvgPool, BatchNorm, Add, Concat, ceil mode) and conservation on graphs.

use lrp::{
    BatchNorm, Canonizer, Convention, Convolution, Layer, LayerKind, Linear, Network, Pool, Rule,
};
use ndarray::{array, Array1, Array4, ArrayD, IxDyn};

fn image(h: usize, w: usize, d: usize, v: &[f64]) -> ArrayD<f64> {
    ArrayD::from_shape_vec(IxDyn(&[1, h, w, d]), v.to_vec()).unwrap()
}

fn assert_close(got: &ArrayD<f64>, want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol,
            "{what}: element {i} is {g}, expected {w}"
        );
    }
}

fn ones_filter(h: usize, w: usize, d: usize, n: usize) -> Array4<f64> {
    Array4::ones((h, w, d, n))
}

#[test]
fn padded_convolution_forward_and_relevance_stay_on_the_image() {
    // 2 x 2 image, a 2 x 2 filter of ones, padding 1 on every side: a 3 x 3 output.
    let conv = Convolution::new(ones_filter(2, 2, 1, 1), Array1::zeros(1), (1, 1))
        .unwrap()
        .with_padding([1, 1, 1, 1]);
    let mut net = Network::from_layers([Layer::Convolution(conv)]);
    let x = image(2, 2, 1, &[1.0, 2.0, 3.0, 4.0]);
    let y = net.forward(x.view(), false).unwrap();
    assert_eq!(y.shape(), &[1, 3, 3, 1]);
    assert_close(
        &y,
        &[1.0, 3.0, 2.0, 4.0, 10.0, 6.0, 3.0, 7.0, 4.0],
        0.0,
        "forward",
    );
    // simple with R = y: every output sends each image cell x_i R_j / y_j = x_i; a cell
    // feeds the four outputs whose windows hold it, so it receives 4 x_i; nothing lands
    // on padding, and the total is conserved.
    let r = net.lrp(y.view(), Some(Rule::Simple)).unwrap();
    assert_close(&r, &[4.0, 8.0, 12.0, 16.0], 1e-12, "simple");
    assert!((r.sum() - y.sum()).abs() < 1e-12);
    // flat: each output's relevance spread over its real inputs only (zennit counts only
    // the cells a padded window holds): the corner output 1 goes wholly to cell (0, 0).
    let r = net.lrp(y.view(), Some(Rule::Flat)).unwrap();
    assert!(
        (r.sum() - y.sum()).abs() < 1e-12,
        "flat conserves: {}",
        r.sum()
    );
    // cell (0,0): 1 (corner) + 3/2 + 4/2 + 10/4
    assert!((r[[0, 0, 0, 0]] - (1.0 + 1.5 + 2.0 + 2.5)).abs() < 1e-12);
    // Backward: the gradient of sum(y) is the number of outputs each cell feeds.
    let g = net.backward(ArrayD::ones(y.raw_dim()).view()).unwrap();
    assert_close(&g, &[4.0, 4.0, 4.0, 4.0], 0.0, "backward");
}

#[test]
fn dilated_convolution_skips_taps() {
    // One row [1 2 3 4 5], filter [1 10] with dilation 2: x_i + 10 x_(i+2).
    let w = Array4::from_shape_vec((1, 2, 1, 1), vec![1.0, 10.0]).unwrap();
    let conv = Convolution::new(w, array![0.5], (1, 1))
        .unwrap()
        .with_dilation((1, 2))
        .unwrap();
    let mut net = Network::from_layers([Layer::Convolution(conv)]);
    let x = image(1, 5, 1, &[1.0, 2.0, 3.0, 4.0, 5.0]);
    let y = net.forward(x.view(), false).unwrap();
    assert_close(&y, &[31.5, 42.5, 53.5], 0.0, "forward");
    // epsilon with R = 1 on the middle output only: x_1 and x_3 share it as 2 : 40.
    let r0 = image(1, 3, 1, &[0.0, 1.0, 0.0]);
    let r = net.lrp(r0.view(), Some(Rule::Epsilon(1e-9))).unwrap();
    let z = 42.5 + 1e-9;
    assert_close(&r, &[0.0, 2.0 / z, 0.0, 40.0 / z, 0.0], 1e-12, "epsilon");
}

#[test]
fn grouped_convolution_keeps_channels_apart() {
    // Depthwise: two channels, groups 2, 1 x 1 filters 2 and 3.
    let w = Array4::from_shape_vec((1, 1, 1, 2), vec![2.0, 3.0]).unwrap();
    let conv = Convolution::new(w, Array1::zeros(2), (1, 1))
        .unwrap()
        .with_groups(2)
        .unwrap();
    assert_eq!(conv.input_channels(), 2);
    let mut net = Network::from_layers([Layer::Convolution(conv)]);
    let x = image(1, 2, 2, &[1.0, -1.0, 4.0, 5.0]);
    let y = net.forward(x.view(), false).unwrap();
    assert_close(&y, &[2.0, -3.0, 8.0, 15.0], 0.0, "forward");
    let r = net.lrp(y.view(), Some(Rule::Simple)).unwrap();
    assert_close(
        &r,
        &[2.0, -3.0, 8.0, 15.0],
        1e-12,
        "simple maps each channel to itself",
    );
    // Groups that do not divide the filters are refused.
    let w = Array4::ones((1, 1, 1, 3));
    let err = Convolution::new(w, Array1::zeros(3), (1, 1))
        .unwrap()
        .with_groups(2)
        .unwrap_err();
    assert!(err.to_string().contains("groups"), "{err}");
}

#[test]
fn avgpool_divides_with_or_without_padding_cells() {
    let x = image(2, 2, 1, &[1.0, 2.0, 3.0, 4.0]);
    let pool = Pool::new((2, 2), (2, 2))
        .unwrap()
        .with_padding([1, 1, 1, 1])
        .unwrap();
    // Each of the four windows holds one image cell and three padding cells.
    let mut with_pad = Network::from_layers([Layer::AvgPool(pool)]);
    let y = with_pad.forward(x.view(), false).unwrap();
    assert_close(&y, &[0.25, 0.5, 0.75, 1.0], 0.0, "count_include_pad");
    let mut without = Network::from_layers([Layer::AvgPool(pool.with_count_include_pad(false))]);
    let y2 = without.forward(x.view(), false).unwrap();
    assert_close(&y2, &[1.0, 2.0, 3.0, 4.0], 0.0, "count only image cells");
    // zennit's Norm (epsilon 1e-6): x_i R_j / (S_j + divisor eps): each cell takes almost
    // all of its window's relevance.
    let r = with_pad.lrp(y.view(), Some(Rule::Epsilon(1e-6))).unwrap();
    let want: Vec<f64> = [1.0, 2.0, 3.0, 4.0]
        .iter()
        .zip(y.iter())
        .map(|(x, y)| x * y / (x + 4.0 * 1e-6))
        .collect();
    assert_close(&r, &want, 1e-15, "Norm");
    // An average of 2 x 2 windows without padding: y = mean, R goes back by shares.
    let mut plain = Network::from_layers([Layer::AvgPool(Pool::new((2, 2), (2, 2)).unwrap())]);
    let y = plain.forward(x.view(), false).unwrap();
    assert_close(&y, &[2.5], 0.0, "mean");
    let r = plain.lrp(y.view(), Some(Rule::Simple)).unwrap();
    assert_close(&r, &[0.25, 0.5, 0.75, 1.0], 1e-12, "shares");
    let g = plain.backward(ArrayD::ones(y.raw_dim()).view()).unwrap();
    assert_close(&g, &[0.25; 4], 0.0, "gradient of a mean");
}

#[test]
fn global_average_and_ceil_mode_shapes() {
    let mut gap = Network::from_layers([Layer::GlobalAvgPool]);
    let x = image(2, 2, 2, &[1.0, 10.0, 2.0, 20.0, 3.0, 30.0, 4.0, 40.0]);
    let y = gap.forward(x.view(), false).unwrap();
    assert_eq!(y.shape(), &[1, 1, 1, 2]);
    assert_close(&y, &[2.5, 25.0], 0.0, "means");
    let ceil = Network::from_layers([Layer::MaxPool(
        Pool::new((2, 2), (2, 2)).unwrap().with_ceil_mode(true),
    )]);
    assert_eq!(ceil.output_shape(&[1, 5, 5, 1]).unwrap(), vec![1, 3, 3, 1]);
    let floor = Network::from_layers([Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap())]);
    assert_eq!(floor.output_shape(&[1, 5, 5, 1]).unwrap(), vec![1, 2, 2, 1]);
    // PyTorch's MaxPool2d(3, 2, padding=1) on 64 x 64: 32 x 32.
    let padded = Network::from_layers([Layer::MaxPool(
        Pool::new((3, 3), (2, 2))
            .unwrap()
            .with_padding([1, 1, 1, 1])
            .unwrap(),
    )]);
    assert_eq!(
        padded.output_shape(&[1, 64, 64, 3]).unwrap(),
        vec![1, 32, 32, 3]
    );
    assert!(Pool::new((2, 2), (2, 2))
        .unwrap()
        .with_padding([2, 0, 0, 0])
        .is_err());
}

#[test]
fn batchnorm_scales_and_shifts_per_channel() {
    // gamma 2, var 4 (eps 0): scale 1; beta 1, mean 3: shift -2. Channel 2: scale 0.5.
    let bn = BatchNorm::new(
        array![2.0, 1.0],
        array![1.0, 0.0],
        array![3.0, 0.0],
        array![4.0, 4.0],
        0.0,
    )
    .unwrap();
    let mut net = Network::from_layers([Layer::BatchNorm(bn)]);
    let x = array![[5.0, 6.0]].into_dyn();
    let y = net.forward(x.view(), false).unwrap();
    assert_close(&y, &[3.0, 3.0], 0.0, "forward");
    let g = net.backward(ArrayD::ones(y.raw_dim()).view()).unwrap();
    assert_close(&g, &[1.0, 0.5], 0.0, "backward");
    let r = net.lrp(y.view(), Some(Rule::Pass)).unwrap();
    assert_close(&r, &[3.0, 3.0], 0.0, "pass");
    // epsilon: x scale R / stab(y): 5 * 1 * 3 / 3 and 6 * 0.5 * 3 / 3.
    let r = net.lrp(y.view(), Some(Rule::Epsilon(1e-12))).unwrap();
    assert_close(&r, &[5.0, 3.0], 1e-9, "epsilon");
    assert!(BatchNorm::new(array![1.0], array![0.0], array![0.0], array![-1.0], 0.5).is_err());
}

/// input -> Linear -> Rect -> Linear, plus the input: y = f(x) + x.
fn residual() -> Network {
    let mut net = Network::new();
    let w1 = array![[1.0, -1.0], [2.0, 0.5]];
    let w2 = array![[0.5, 1.0], [-1.0, 2.0]];
    net.push(Layer::Linear(Linear::new(w1, Array1::zeros(2)).unwrap()));
    net.push(Layer::Rect);
    net.push(Layer::Linear(Linear::new(w2, Array1::zeros(2)).unwrap()));
    let out = net.len();
    net.add_node(Layer::Add, &[out, 0]).unwrap();
    net
}

#[test]
fn add_shares_relevance_by_contribution_and_pass_copies_it() {
    let mut net = Network::from_layers([]);
    net.add_node(Layer::Identity, &[0]).unwrap();
    net.add_node(Layer::Add, &[0, 1]).unwrap();
    let x = array![[1.0, 3.0]].into_dyn();
    let y = net.forward(x.view(), false).unwrap();
    assert_close(&y, &[2.0, 6.0], 0.0, "x + x");
    // Both summands are x: either rule gives the input all of R twice over halves.
    let r = net.lrp(y.view(), Some(Rule::Simple)).unwrap();
    assert_close(&r, &[2.0, 6.0], 1e-12, "simple: halves from each path");
    let r = net.lrp(y.view(), Some(Rule::Pass)).unwrap();
    assert_close(&r, &[4.0, 12.0], 0.0, "pass: R along each path");
    // Residual network: shares x_i / sum at the Add, conservation without biases.
    let mut res = residual();
    let x = array![[1.0, 2.0], [-1.0, 0.5]].into_dyn();
    let y = res.forward(x.view(), false).unwrap();
    // f(x) for sample 1: h = relu([1*1+2*2, -1+1]) = [5, 0]; f = [2.5, 5]; + x.
    assert_close(
        &y.slice(ndarray::s![0, ..]).to_owned().into_dyn(),
        &[3.5, 7.0],
        1e-12,
        "forward",
    );
    let r = res.lrp(y.view(), Some(Rule::Simple)).unwrap();
    for s in 0..2 {
        let (rin, rout) = (r.row_sum(s), y.row_sum(s));
        assert!((rin - rout).abs() < 1e-9, "sample {s}: {rin} vs {rout}");
    }
    // The gradient adds up along both paths: d y_k / d x = W2^T diag(h>0) W1^T + I.
    let g = res
        .backward(array![[1.0, 0.0], [0.0, 0.0]].into_dyn().view())
        .unwrap();
    assert_close(
        &g.slice(ndarray::s![0, ..]).to_owned().into_dyn(),
        &[1.5, 1.0],
        1e-12,
        "gradient",
    );
}

trait RowSum {
    fn row_sum(&self, s: usize) -> f64;
}

impl RowSum for ArrayD<f64> {
    fn row_sum(&self, s: usize) -> f64 {
        self.index_axis(ndarray::Axis(0), s).sum()
    }
}

#[test]
fn concat_joins_channels_and_splits_relevance() {
    let mut net = Network::new();
    net.add_node(Layer::Rect, &[0]).unwrap();
    net.add_node(Layer::Concat, &[0, 1]).unwrap();
    let x = array![[1.0, -2.0]].into_dyn();
    let y = net.forward(x.view(), false).unwrap();
    assert_close(&y, &[1.0, -2.0, 1.0, 0.0], 0.0, "forward");
    let r = net
        .lrp(array![[1.0, 2.0, 3.0, 4.0]].into_dyn().view(), None)
        .unwrap();
    assert_close(&r, &[4.0, 6.0], 0.0, "pieces add up at the input");
}

#[test]
fn graph_errors_name_the_node() {
    let mut net = Network::new();
    let err = net.add_node(Layer::Add, &[0]).unwrap_err().to_string();
    assert!(err.contains("at least 2"), "{err}");
    let err = net.add_node(Layer::Rect, &[3]).unwrap_err().to_string();
    assert!(err.contains("values 0 to 0"), "{err}");
    let mut lin = Network::from_layers([Layer::Linear(
        Linear::new(array![[1.0]], array![0.0]).unwrap(),
    )]);
    let err = lin.set_preset(0, Rule::Pass).unwrap_err().to_string();
    assert!(
        err.contains("pass") && err.contains("layer 1 (Linear)"),
        "{err}"
    );
    let mut add = residual();
    let err = add
        .set_preset(3, Rule::AlphaBeta(1.0))
        .unwrap_err()
        .to_string();
    assert!(err.contains("alphabeta") && err.contains("Add"), "{err}");
    // A network-wide rule leaves the layers that do not take it alone.
    add.set_lrp_parameters(Rule::AlphaBeta(1.0)).unwrap();
    assert_eq!(add.preset(3), Some(Rule::Simple));
    assert_eq!(add.preset(0), Some(Rule::AlphaBeta(1.0)));
}

#[test]
fn merging_batchnorm_keeps_the_forward_pass_and_resnet_sum_marks_adds() {
    let mut net = Network::new();
    net.push(Layer::Linear(
        Linear::new(array![[1.0, 2.0], [3.0, -1.0]], array![0.5, -0.5]).unwrap(),
    ));
    net.push(Layer::BatchNorm(
        BatchNorm::new(
            array![2.0, 0.5],
            array![1.0, -1.0],
            array![0.2, 0.3],
            array![1.5, 0.7],
            1e-5,
        )
        .unwrap(),
    ));
    net.push(Layer::Rect);
    let out = net.len();
    net.add_node(Layer::Add, &[out, out]).unwrap();
    let x = array![[0.3, -1.2], [2.0, 0.1]].into_dyn();
    let y = net.forward(x.view(), false).unwrap();
    let mut merged = net
        .canonized(&Canonizer::from_name("resnet").unwrap())
        .unwrap();
    let kinds: Vec<LayerKind> = merged.layers().map(|l| l.kind()).collect();
    assert_eq!(kinds, [LayerKind::Linear, LayerKind::Rect, LayerKind::Sum]);
    assert_eq!(merged.node_inputs(2), Some(&[2, 2][..]));
    let y2 = merged.forward(x.view(), false).unwrap();
    for (a, b) in y.iter().zip(y2.iter()) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    // The original is unchanged.
    assert_eq!(net.len(), 4);
    assert!(Canonizer::from_name("bogus").is_err());

    // zennit's merge leaves the BatchNorm with identity statistics and its epsilon: the
    // merged layer's output, divided by sqrt(1 + 1e-5), before the ReLU.
    net.set_convention(Convention::Zennit);
    let mut zennit = net
        .canonized(&Canonizer::from_name("resnet").unwrap())
        .unwrap();
    let kinds: Vec<LayerKind> = zennit.layers().map(|l| l.kind()).collect();
    assert_eq!(
        kinds,
        [
            LayerKind::Linear,
            LayerKind::BatchNorm,
            LayerKind::Rect,
            LayerKind::Sum
        ]
    );
    assert_eq!(zennit.node_inputs(1), Some(&[1][..]));
    assert_eq!(zennit.node_inputs(3), Some(&[3, 3][..]));
    let y3 = zennit.forward(x.view(), false).unwrap();
    let s = 1.0 / (1.0 + 1e-5f64).sqrt();
    for (a, b) in y.iter().zip(y3.iter()) {
        assert!((a * s - b).abs() < 1e-12, "{a} * {s} vs {b}");
    }
}

#[test]
fn the_text_format_refuses_what_it_cannot_hold() {
    let dir = std::env::temp_dir().join(format!("lrp-graph-write-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("graph.txt");
    let err = lrp::model_io::write(&residual(), &path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("graph") && err.contains("ONNX"), "{err}");
    let padded = Network::from_layers([Layer::Convolution(
        Convolution::new(ones_filter(2, 2, 1, 1), Array1::zeros(1), (1, 1))
            .unwrap()
            .with_padding([1, 0, 0, 0]),
    )]);
    let err = lrp::model_io::write(&padded, &path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("layer 1 is a Convolution"), "{err}");
    assert!(!path.exists(), "nothing written on failure");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sensitivity_takes_the_norm_over_the_channels_of_a_channels_first_network() {
    use lrp::{GradientMethod, Layout, Reshape};
    let w = Array4::from_shape_vec((1, 1, 2, 1), vec![2.0, -3.0]).unwrap();
    let mut net = Network::from_layers([
        Layer::Convolution(Convolution::new(w, Array1::zeros(1), (1, 1)).unwrap()),
        Layer::GlobalAvgPool,
        Layer::Reshape(Reshape::flatten()),
    ]);
    net.set_layout(Layout::ChannelsFirst);
    // N x C x H x W = 1 x 2 x 2 x 3.
    let x = ArrayD::from_shape_fn(IxDyn(&[1, 2, 2, 3]), |i| (i[1] + 2 * i[2] + i[3]) as f64);
    let dy = array![[1.0]].into_dyn();
    let g = net
        .attribute(x.view(), dy.view(), GradientMethod::Gradient)
        .unwrap();
    // d mean(2 x_0 - 3 x_1) / d x: 2/6 on channel 0, -3/6 on channel 1, everywhere.
    assert_eq!(g.shape(), &[1, 2, 2, 3]);
    assert!((g[[0, 0, 1, 2]] - 2.0 / 6.0).abs() < 1e-15 && (g[[0, 1, 0, 0]] + 0.5).abs() < 1e-15);
    let s = net
        .attribute(x.view(), dy.view(), GradientMethod::Sensitivity)
        .unwrap();
    assert_eq!(s.shape(), &[1, 1, 2, 3]);
    assert_eq!(
        GradientMethod::Sensitivity.output_shape_in(&[1, 2, 2, 3], Layout::ChannelsFirst),
        vec![1, 1, 2, 3]
    );
    let want = ((2.0f64 / 6.0).powi(2) + 0.25).sqrt();
    assert!(s.iter().all(|v| (v - want).abs() < 1e-15), "{s}");
}

//! `lrp demo`: train a small CNN on generated images and explain its predictions with LRP.
//!
//! Without options it generates images of four shapes ([`lrp::synthetic`]: horizontal
//! bar, vertical bar, diagonal, ring, on a noisy background with clutter), trains a CNN on
//! them with a progress bar, prints the test accuracy and the timings, explains the first
//! test images with the epsilon and the alphabeta rule and writes `lrp_demo.png`: one row
//! per image with the input, the epsilon heatmap and the alphabeta heatmap (red positive,
//! blue negative relevance). It also prints how much of the positive relevance falls on
//! the shape that defines the class.
//!
//! `lrp demo --model FILE --data FILE.npy` explains the first samples of the data with a
//! model in the toolbox's text format instead, e.g. `--model ../shared/golden/lenet5.txt
//! --data ../shared/golden/mnist_test_x.npy`. Rows of 784 values are taken as 28 x 28
//! images and padded with -1 to 32 x 32 when the model needs that (the toolbox's LeNet-5
//! convention).
//!
//! `lrp explain` without a model trains the same CNN ([`train_cnn`]) and explains test
//! images it writes as PNG files ([`prepare_explain`]).

use crate::args::{DemoArgs, ExplainArgs};
use crate::CliError;
use indicatif::{ProgressBar, ProgressStyle};
use lrp::render::{self, RgbImage};
use lrp::synthetic::{self, Shapes, ShapesOptions, CLASS_NAMES};
use lrp::train::{self, TrainEvent, TrainOptions};
use lrp::{data_io, model_io, Layer, Network, Rule};
use ndarray::{s, Array2, ArrayD, ArrayView3, ArrayViewD, Axis, IxDyn};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The epsilon of the epsilon rule.
const EPSILON: f64 = 0.01;
/// The alpha of the alphabeta rule (beta = 1 - alpha).
const ALPHA: f64 = 2.0;
/// Generated training images.
const TRAIN_IMAGES: usize = 2000;
/// Generated validation images (training keeps the parameters that do best on them).
const VALIDATION_IMAGES: usize = 200;
/// Generated test images (accuracy, timings, relevance on the shapes).
const TEST_IMAGES: usize = 400;
/// Seed of the data, the weights and the batch draw.
const SEED: u64 = 1;
/// Pixels of the PNG per image pixel.
const SCALING: usize = 8;
/// Black pixels between panels and between rows.
const GAP: usize = 6;

/// Test images `lrp explain` writes and explains when no model is given.
const EXPLAIN_IMAGES: usize = 8;

/// `lrp demo`: the generated-images demo, or --model/--data.
pub fn run(args: DemoArgs) -> Result<ExitCode, CliError> {
    let result = match (&args.model, &args.data) {
        (Some(model), Some(data)) => files_demo(&args, model, data),
        _ => synthetic_demo(&args),
    };
    result.map(|()| ExitCode::SUCCESS).map_err(CliError::failed)
}

/// The demo's errors are messages for the user.
type DemoResult<T> = Result<T, String>;

/// Turns a library error into a message that says what was being done.
fn context<T>(what: &str, r: lrp::Result<T>) -> DemoResult<T> {
    r.map_err(|e| format!("{what}: {e}"))
}

// ---------------------------------------------------------------------------------------
// The default demo: generated data
// ---------------------------------------------------------------------------------------

/// The training options of the demo. Training keeps the parameters of the best
/// evaluation on the validation set (the toolbox's rule), so an iteration count well past
/// convergence costs time and changes nothing.
fn demo_train_options() -> TrainOptions {
    TrainOptions {
        batchsize: 32,
        iters: 600,
        lrate: 0.005,
        status: 50,
        seed: SEED,
        ..TrainOptions::default()
    }
}

/// The training's progress on stderr: an indicatif bar ticked once per iteration (through
/// the training's batch hook) that shows the last validation accuracy. Where stderr is not
/// a terminal the bar is hidden and each evaluation prints one line instead.
struct TrainingBar {
    bar: ProgressBar,
    started: Instant,
    /// The iteration of the last evaluation, and of the best one (whose parameters the
    /// training keeps).
    evaluated: usize,
    best: usize,
}

impl TrainingBar {
    fn new(total: usize) -> TrainingBar {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "training {bar:30} {pos}/{len} iterations, {elapsed}, ~{eta} left {msg}",
            )
            .expect("a valid template"),
        );
        TrainingBar {
            bar,
            started: Instant::now(),
            evaluated: 0,
            best: 0,
        }
    }

    fn tick(&self) {
        self.bar.inc(1);
    }

    fn event(&mut self, event: &TrainEvent) {
        match event {
            TrainEvent::Evaluated {
                iteration,
                accuracy,
                ..
            } => {
                self.evaluated = *iteration;
                let acc = format!("validation accuracy {:.1} %", accuracy * 100.0);
                if self.bar.is_hidden() {
                    eprintln!(
                        "training: iteration {iteration}/{}, {acc}, {:.1} s",
                        self.bar.length().unwrap_or(0),
                        self.started.elapsed().as_secs_f64()
                    );
                }
                self.bar.set_message(acc);
            }
            TrainEvent::NewBest { .. } => self.best = self.evaluated,
            _ => {}
        }
    }

    /// Removes the bar and returns the iteration whose parameters were kept.
    fn finish(self) -> usize {
        self.bar.finish_and_clear();
        self.best
    }
}

/// The data sets of the demo (generated with the demo's seeds).
struct DemoData {
    train: Shapes,
    validation: Shapes,
    test: Shapes,
}

fn demo_data(test_images: usize) -> DemoResult<DemoData> {
    let data = |n, seed| {
        context(
            "generating images",
            synthetic::shapes(
                n,
                &ShapesOptions {
                    seed,
                    ..ShapesOptions::default()
                },
            ),
        )
    };
    Ok(DemoData {
        train: data(TRAIN_IMAGES, SEED)?,
        validation: data(VALIDATION_IMAGES, SEED + 1)?,
        test: data(test_images, SEED + 2)?,
    })
}

/// The demo's CNN trained on `data` (progress on stderr), SoftMax output dropped, with the
/// training's report and the iteration whose parameters it kept.
fn train_cnn(data: &DemoData) -> DemoResult<(Network, train::TrainReport, usize)> {
    let size = ShapesOptions::default().size;
    let mut net = context("building the CNN", synthetic::cnn(size, SEED))?;
    let opts = demo_train_options();
    println!("network: {}", describe(&net));
    println!(
        "training: batch {}, {} iterations, learning rate {}, seed {}",
        opts.batchsize, opts.iters, opts.lrate, opts.seed
    );
    let bar = RefCell::new(TrainingBar::new(opts.iters));
    // The batch hook passes each batch on unchanged and ticks the bar.
    let mut tick = |batch: ArrayD<f64>| -> lrp::Result<ArrayD<f64>> {
        bar.borrow().tick();
        Ok(batch)
    };
    let trained = train::train(
        &mut net,
        data.train.x.view().into_dyn(),
        data.train.y.view().into_dyn(),
        Some((
            data.validation.x.view().into_dyn(),
            data.validation.y.view().into_dyn(),
        )),
        &opts,
        Some(&mut tick),
        &mut |event| bar.borrow_mut().event(event),
    );
    let best_iteration = bar.into_inner().finish();
    let report = context("training", trained)?;
    net.drop_softmax_output_layer();
    Ok((net, report, best_iteration))
}

/// `lrp explain` without a model: trains the demo CNN, writes it to OUT/demo_model.txt and
/// the first test images to OUT/demo_inputs/ (8-bit grey PNGs of the [-1, 1] images), and
/// sets the arguments to explain them as `lrp explain OUT/demo_model.txt OUT/demo_inputs
/// --size 24 --mean 0.5 --std 0.5` would (options given stay). Returns the model's path.
pub fn prepare_explain(args: &mut ExplainArgs) -> Result<PathBuf, CliError> {
    if !args.inputs.is_empty() {
        return Err(CliError::usage("INPUT needs a MODEL before it"));
    }
    let fail = CliError::failed;
    println!("no MODEL given: training the demo CNN on generated images of four shapes");
    let data = demo_data(EXPLAIN_IMAGES).map_err(fail)?;
    let (net, report, _) = train_cnn(&data).map_err(fail)?;
    let (accuracy, _) = context(
        "testing",
        train::evaluate(
            &net,
            data.test.x.view().into_dyn(),
            data.test.y.view().into_dyn(),
        ),
    )
    .map_err(fail)?;
    let inputs = args.out.join("demo_inputs");
    std::fs::create_dir_all(&inputs)
        .map_err(|e| fail(format!("cannot create {}: {e}", inputs.display())))?;
    let model = args.out.join("demo_model.txt");
    context("writing the model", model_io::write(&net, &model)).map_err(fail)?;
    for (i, image) in data.test.x.outer_iter().enumerate() {
        // [-1, 1] to [0, 1]; --mean 0.5 --std 0.5 maps it back.
        let grey = image.index_axis(Axis(2), 0).mapv(|v| (v + 1.0) / 2.0);
        let (h, w) = grey.dim();
        let rgb = grey
            .insert_axis(Axis(2))
            .broadcast((h, w, 3))
            .expect("grey to RGB")
            .to_owned();
        let name = CLASS_NAMES[data.test.labels[i]].replace(' ', "_");
        let path = inputs.join(format!("{i}_{name}.png"));
        context("writing a test image", render::write_png(rgb.view(), &path)).map_err(fail)?;
    }
    let size = ShapesOptions::default().size;
    println!(
        "wrote {} (test accuracy {:.0} % on these {EXPLAIN_IMAGES} images, validation {:.1} %) \
         and {EXPLAIN_IMAGES} test images in {}; explaining them as \
         `lrp explain {} {} --size {size} --mean 0.5 --std 0.5` does",
        model.display(),
        accuracy * 100.0,
        report.best_accuracy * 100.0,
        inputs.display(),
        model.display(),
        inputs.display(),
    );
    args.inputs = vec![inputs];
    args.size.get_or_insert((size, size));
    if args.mean == [0.0] && args.std == [1.0] {
        args.mean = vec![0.5];
        args.std = vec![0.5];
    }
    Ok(model)
}

fn synthetic_demo(args: &DemoArgs) -> DemoResult<()> {
    let started = Instant::now();
    let samples = usize::from(args.samples);
    let size = ShapesOptions::default().size;
    let data = demo_data(TEST_IMAGES.max(samples))?;
    println!(
        "data: {} training, {} validation and {} test images of {size} x {size} pixels, \
         classes: {} (generated in {:.2} s)",
        data.train.labels.len(),
        data.validation.labels.len(),
        data.test.labels.len(),
        CLASS_NAMES.join(", "),
        started.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let (net, report, best_iteration) = train_cnn(&data)?;
    let train_time = t.elapsed();
    let test_set = &data.test;

    let x = test_set.x.view().into_dyn();
    let t = Instant::now();
    let trace = context("forward pass", net.trace(x.view()))?;
    let forward_time = t.elapsed();
    let scores = trace.output().clone();
    let predicted: Vec<usize> = scores
        .outer_iter()
        .map(|row| train::argmax(row.iter()))
        .collect();
    let correct: Vec<bool> = predicted
        .iter()
        .zip(&test_set.labels)
        .map(|(p, l)| p == l)
        .collect();
    let accuracy = correct.iter().filter(|&&c| c).count() as f64 / correct.len() as f64;
    println!(
        "test accuracy: {:.2} % on {} images (after {} iterations, with the parameters of \
         iteration {best_iteration}: {:.2} % on the validation images)",
        accuracy * 100.0,
        correct.len(),
        report.iterations,
        report.best_accuracy * 100.0,
    );

    let r0 = top_class_relevance(&scores, &predicted);
    let (rules, heatmaps, lrp_times) = explain_with_both_rules(&net, &trace, &r0)?;
    let n = correct.len();
    println!(
        "timings: training {:.2} s, forward {:.1} ms, LRP {} {:.1} ms, LRP {} {:.1} ms \
         ({n} test images, batch {n})",
        train_time.as_secs_f64(),
        ms(forward_time),
        rule_label(&rules[0]),
        ms(lrp_times[0]),
        rule_label(&rules[1]),
        ms(lrp_times[1]),
    );

    // How well the heatmaps pick out the shapes: the share of positive relevance on the
    // class-defining pixels (grown by one pixel), against the share of the image they cover.
    let dilated: Vec<Array2<bool>> = test_set
        .masks
        .outer_iter()
        .map(|m| synthetic::dilate(m, 1))
        .collect();
    let hits: Vec<usize> = (0..n).filter(|&i| correct[i]).collect();
    let cover = mean(
        hits.iter()
            .map(|&i| dilated[i].iter().filter(|&&m| m).count() as f64 / dilated[i].len() as f64),
    );
    for (rule, r) in rules.iter().zip(&heatmaps) {
        let mut shares = Vec::with_capacity(hits.len());
        for &i in &hits {
            let share = synthetic::positive_share(r.index_axis(Axis(0), i), dilated[i].view());
            shares.push(context("measuring relevance", share)?);
        }
        println!(
            "positive relevance on the shapes ({}): {:.1} % on average over the {} correctly \
             classified test images; the shapes (grown by 1 pixel) cover {:.1} % of an image",
            rule_label(rule),
            mean(shares.iter().copied()) * 100.0,
            hits.len(),
            cover * 100.0
        );
    }

    let k = usize::from(args.samples).min(n);
    let mut rows = Vec::with_capacity(k);
    for i in 0..k {
        println!(
            "  test image {i}: {} -> predicted {}{}",
            CLASS_NAMES[test_set.labels[i]],
            CLASS_NAMES[predicted[i]],
            if correct[i] { "" } else { " (wrong)" }
        );
        rows.push(figure_row(
            x.index_axis(Axis(0), i),
            heatmaps.iter().map(|r| r.index_axis(Axis(0), i)),
        )?);
    }
    write_figure(&rows, &args.out, &rules, started)
}

// ---------------------------------------------------------------------------------------
// --model FILE --data FILE.npy
// ---------------------------------------------------------------------------------------

fn files_demo(args: &DemoArgs, model: &Path, data: &Path) -> DemoResult<()> {
    let started = Instant::now();
    let mut net = context("reading the model", model_io::read(model))?;
    if net.drop_softmax_output_layer() {
        println!("model: {} (SoftMax output dropped for LRP)", describe(&net));
    } else {
        println!("model: {}", describe(&net));
    }
    let raw = context("reading the data", data_io::read_npy(data))?;
    if raw.ndim() < 2 || raw.shape()[0] == 0 {
        return Err(format!(
            "{}: expected N x ... samples (one per row, N >= 1), given shape {:?}",
            data.display(),
            raw.shape()
        ));
    }
    let k = usize::from(args.samples).min(raw.shape()[0]);
    let mut raw = raw.slice_axis(Axis(0), (0..k).into()).to_owned();
    if let Some(note) = rescale_bytes(&mut raw) {
        println!("{note}");
    }
    let (x, how) = fit_input(&net, raw)?;
    println!(
        "data: the first {k} of the samples in {} as {how}",
        data.display()
    );

    let t = Instant::now();
    let trace = context("forward pass", net.trace(x.view()))?;
    let forward_time = t.elapsed();
    let scores = trace.output().clone();
    if scores.ndim() != 2 {
        return Err(format!(
            "the model's output is {:?}; LRP of the top class needs N x C",
            scores.shape()
        ));
    }
    let predicted: Vec<usize> = scores
        .outer_iter()
        .map(|row| train::argmax(row.iter()))
        .collect();
    let r0 = top_class_relevance(&scores, &predicted);
    let (rules, heatmaps, lrp_times) = explain_with_both_rules(&net, &trace, &r0)?;
    let mut rows = Vec::with_capacity(k);
    for (i, &p) in predicted.iter().enumerate() {
        let row = scores.index_axis(Axis(0), i);
        println!("  sample {i}: predicted class {p} (score {:.3})", row[p]);
        rows.push(figure_row(
            x.index_axis(Axis(0), i),
            heatmaps.iter().map(|r| r.index_axis(Axis(0), i)),
        )?);
    }
    println!(
        "timings: forward {:.2} ms, LRP {} {:.2} ms, LRP {} {:.2} ms (batch {k})",
        ms(forward_time),
        rule_label(&rules[0]),
        ms(lrp_times[0]),
        rule_label(&rules[1]),
        ms(lrp_times[1]),
    );
    write_figure(&rows, &args.out, &rules, started)
}

/// Data of whole numbers in [0, 255] with values above 1 (8-bit images such as
/// `mnist10k_images_u8.npy`) is scaled to [-1, 1] as the toolbox does (x / 127.5 - 1);
/// returns a note saying so.
fn rescale_bytes(x: &mut ArrayD<f64>) -> Option<String> {
    let bytes = x
        .iter()
        .all(|&v| (0.0..=255.0).contains(&v) && v.fract() == 0.0);
    if bytes && x.iter().any(|&v| v > 1.0) {
        x.mapv_inplace(|v| v / 127.5 - 1.0);
        Some("data: 8-bit values, scaled from [0, 255] to [-1, 1]".into())
    } else {
        None
    }
}

/// The data reshaped to what the model takes: as given, as H x W x 1 images (N x H x W
/// data, or rows of a square number of values), or such images padded by 2 pixels of -1
/// on every side (the toolbox's LeNet-5 takes 28 x 28 MNIST digits as 32 x 32). Fails with
/// the reason the data as given does not fit when no form does.
fn fit_input(net: &Network, x: ArrayD<f64>) -> DemoResult<(ArrayD<f64>, String)> {
    let shape = x.shape().to_vec();
    let (n, sample) = (shape[0], &shape[1..]);
    let count: usize = sample.iter().product();
    let side = (count as f64).sqrt().round() as usize;
    let image: Option<(usize, usize)> = match *sample {
        [h, w] | [h, w, 1] => Some((h, w)),
        [_] if side * side == count => Some((side, side)),
        _ => None,
    };
    let fits = |s: &[usize]| {
        let mut probe = vec![1];
        probe.extend_from_slice(s);
        net.output_shape(&probe)
    };
    let given = match fits(sample) {
        Ok(_) => return Ok((x, format!("given, {sample:?} per sample"))),
        Err(e) => e,
    };
    if let Some((h, w)) = image {
        if fits(&[h, w, 1]).is_ok() {
            let x = x
                .into_shape_with_order(IxDyn(&[n, h, w, 1]))
                .map_err(|e| format!("reshaping the data: {e}"))?;
            return Ok((x, format!("{h} x {w} x 1 images")));
        }
        if fits(&[h + 4, w + 4, 1]).is_ok() {
            let img = x
                .into_shape_with_order((n, h, w))
                .map_err(|e| format!("reshaping the data: {e}"))?;
            let mut padded = ndarray::Array4::from_elem((n, h + 4, w + 4, 1), -1.0);
            padded.slice_mut(s![.., 2..h + 2, 2..w + 2, 0]).assign(&img);
            return Ok((
                padded.into_dyn(),
                format!(
                    "{h} x {w} images padded with -1 to {} x {} x 1",
                    h + 4,
                    w + 4
                ),
            ));
        }
    }
    let tried = match image {
        Some((h, w)) => format!(
            "; tried {h} x {w} x 1 and, padded with -1, {} x {} x 1 too",
            h + 4,
            w + 4
        ),
        None => String::new(),
    };
    Err(format!(
        "the model does not take the data's samples ({sample:?} each): {given}{tried}"
    ))
}

// ---------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------

/// The demo's rules (epsilon, alphabeta), the heatmaps of every sample with each, and the
/// time each LRP pass took.
type RulesMapsTimes = ([Rule; 2], Vec<ArrayD<f64>>, Vec<Duration>);

/// The demo's two heatmaps of every sample (epsilon and alphabeta, in that order), with the
/// time each LRP pass took.
fn explain_with_both_rules(
    net: &Network,
    trace: &lrp::Trace,
    r0: &ArrayD<f64>,
) -> DemoResult<RulesMapsTimes> {
    let rules = [Rule::Epsilon(EPSILON), Rule::AlphaBeta(ALPHA)];
    let mut heatmaps = Vec::new();
    let mut lrp_times = Vec::new();
    for rule in &rules {
        let t = Instant::now();
        let r = context("LRP", net.lrp_trace(trace, r0.view(), Some(rule.clone())))?;
        lrp_times.push(t.elapsed());
        heatmaps.push(r);
    }
    Ok((rules, heatmaps, lrp_times))
}

/// The relevance LRP starts from: each sample's score of its top class, zero elsewhere.
fn top_class_relevance(scores: &ArrayD<f64>, classes: &[usize]) -> ArrayD<f64> {
    let mut r = ArrayD::zeros(scores.raw_dim());
    for (i, &c) in classes.iter().enumerate() {
        r[[i, c]] = scores[[i, c]];
    }
    r
}

/// One line naming the layers, e.g. "Convolution 3x3x1x16, Rect, MaxPool 2x2, ...".
fn describe(net: &Network) -> String {
    let parts: Vec<String> = net
        .layers()
        .map(|layer| match layer {
            Layer::Linear(l) => format!("Linear {}x{}", l.inputs(), l.outputs()),
            Layer::Convolution(c) => {
                let [h, w, d, f] = c.filter_size();
                format!("Convolution {h}x{w}x{d}x{f}")
            }
            Layer::MaxPool(p) | Layer::SumPool(p) => {
                format!("{} {}x{}", layer.kind().name(), p.pool.0, p.pool.1)
            }
            other => other.kind().name().to_string(),
        })
        .collect();
    parts.join(", ")
}

fn rule_label(rule: &Rule) -> String {
    match rule.param() {
        Some(p) => format!("{} {p}", rule.name()),
        None => rule.name().to_string(),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// One sample's input (H x W x D, or a vector of a square number of values) as a picture
/// and its H x W relevance (summed over channels).
fn to_picture(x: ArrayViewD<f64>, r: ArrayViewD<f64>) -> DemoResult<(RgbImage, Array2<f64>)> {
    let shape = x.shape().to_vec();
    let (h, w, d) = match *shape.as_slice() {
        [h, w, d] => (h, w, d),
        [h, w] => (h, w, 1),
        [m] => {
            let side = (m as f64).sqrt().round() as usize;
            if side * side != m {
                return Err(format!(
                    "cannot draw samples of {m} values (not a square image)"
                ));
            }
            (side, side, 1)
        }
        _ => return Err(format!("cannot draw samples of shape {shape:?}")),
    };
    let x3 = x
        .to_shape((h, w, d))
        .map_err(|e| format!("reshaping a sample: {e}"))?;
    let r3 = r
        .to_shape((h, w, d))
        .map_err(|e| format!("reshaping a heatmap: {e}"))?;
    let heat = r3.sum_axis(Axis(2));
    let input = if d == 3 {
        // Colour images: scaled as a whole to [0, 1].
        let (lo, hi) = x3
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let range = if hi > lo { hi - lo } else { 1.0 };
        let rgb = x3.mapv(|v| (v - lo) / range);
        context(
            "drawing the input",
            render::enlarge_rgb(rgb.view(), SCALING),
        )?
    } else {
        // Grey images (or the channels' mean): low values white, high values black.
        let grey = x3.mean_axis(Axis(2)).expect("d >= 1");
        context(
            "drawing the input",
            render::digit_to_rgb(grey.view().into_dyn(), SCALING, None, "binary"),
        )?
    };
    Ok((input, heat))
}

/// A row of the figure: the input, then one heatmap per rule (bwr colours: red positive,
/// blue negative, white none; normalised by the largest magnitude).
fn figure_row<'a>(
    x: ArrayViewD<f64>,
    heatmaps: impl Iterator<Item = ArrayViewD<'a, f64>>,
) -> DemoResult<RgbImage> {
    let mut panels = Vec::new();
    for r in heatmaps {
        let (input, heat) = to_picture(x.view(), r)?;
        if panels.is_empty() {
            panels.push(input);
        }
        panels.push(context(
            "drawing a heatmap",
            render::hm_to_rgb(
                heat.into_dyn().view(),
                None,
                SCALING,
                None,
                0.0,
                "bwr",
                true,
            ),
        )?);
    }
    let views: Vec<ArrayView3<f64>> = panels.iter().map(|p| p.view()).collect();
    context("placing the panels", render::hstack(&views, GAP))
}

/// Stacks the figure's rows into `out` and says so, with the time since `started`.
fn write_figure(rows: &[RgbImage], out: &Path, rules: &[Rule], started: Instant) -> DemoResult<()> {
    let views: Vec<ArrayView3<f64>> = rows.iter().map(|r| r.view()).collect();
    let figure = context("stacking the rows", render::vstack(&views, GAP))?;
    context("writing the picture", render::write_png(figure.view(), out))?;
    println!(
        "wrote {} ({} rows: input, {} heatmap, {} heatmap); total {:.2} s",
        out.display(),
        rows.len(),
        rule_label(&rules[0]),
        rule_label(&rules[1]),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

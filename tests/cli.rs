//! The `lrp` command line, run as a program: `lrp explain` over a folder of generated PNGs
//! (one corrupt) and over a `.npy` batch, checked against the library's own explanations
//! and heatmaps; `--class all` and lists; `lrp info` on every golden toolbox model; usage
//! errors (exit status 2); the demo model when no model is given.

mod common;

use common::golden_file;
use lrp::{data_io, model_io, render, Network, Rule};
use ndarray::{Array4, ArrayD, Axis};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LRP: &str = env!("CARGO_BIN_EXE_lrp");

/// A fresh, empty scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn lrp(args: &[&str]) -> Output {
    Command::new(LRP).args(args).output().expect("lrp runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A 32 x 32 grey image: a dark background with a bright bar and a blob whose places
/// depend on `seed`, and a gradient, so that the images differ and use many grey levels.
fn test_image(seed: usize) -> Vec<u8> {
    let mut px = vec![0u8; 32 * 32];
    for r in 0..32 {
        for c in 0..32 {
            let mut v = ((r * 3 + c * 2 + seed * 7) % 40) as u8;
            let bar = 6 + (seed * 5) % 18;
            if (bar..bar + 3).contains(&c) && (4..28).contains(&r) {
                v = 230 - (seed as u8) * 10;
            }
            let (cr, cc) = (8 + (seed * 11) % 16, 10 + (seed * 3) % 12);
            if (r as i64 - cr as i64).pow(2) + (c as i64 - cc as i64).pow(2) < 12 {
                v = 180 + (r as u8);
            }
            px[r * 32 + c] = v;
        }
    }
    px
}

fn write_grey_png(path: &Path, pixels: &[u8], side: u32) {
    let file = fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(pixels).unwrap();
}

/// LeNet-5 without its (absent) SoftMax, and one image as the CLI builds it with
/// `--mean 0.5 --std 0.5`: 1 x 32 x 32 x 1, (v / 255 - 0.5) / 0.5.
fn lenet_input(pixels: &[u8]) -> ArrayD<f64> {
    Array4::from_shape_fn((1, 32, 32, 1), |(_, r, c, _)| {
        (pixels[r * 32 + c] as f64 / 255.0 - 0.5) / 0.5
    })
    .into_dyn()
}

fn top_class(net: &Network, x: &ArrayD<f64>) -> usize {
    let y = net.trace(x.view()).unwrap().output().clone();
    lrp::train::argmax(y.index_axis(Axis(0), 0).iter())
}

/// The file names in `dir`.
fn listing(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// The PNG the CLI must have drawn for a relevance map (bwr, scale 8, normalised).
fn assert_heatmap_file(path: &Path, relevance: &ArrayD<f64>) {
    let map = relevance.index_axis(Axis(0), 0).sum_axis(Axis(2));
    let expected =
        render::hm_to_rgb(map.view().into_dyn(), None, 8, None, 0.0, "bwr", true).unwrap();
    assert_png_file(path, &expected);
}

/// The file holds `expected` after PNG's 8-bit rounding, pixel for pixel.
fn assert_png_file(path: &Path, expected: &render::RgbImage) {
    let mut expected_png = Vec::new();
    render::encode_png(expected.view(), &mut expected_png).unwrap();
    let decode = |bytes: &[u8]| {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        (info.width, info.height, buf)
    };
    let (w, h, got) = decode(&fs::read(path).unwrap());
    let (ew, eh, want) = decode(&expected_png);
    assert_eq!((w, h), (ew, eh), "{}", path.display());
    assert!(
        got == want,
        "{}: pixels differ from the library's",
        path.display()
    );
}

#[test]
fn explain_folder_with_a_corrupt_png() {
    let Some(model) = golden_file("lenet5.txt") else {
        return;
    };
    let dir = scratch("folder");
    let inputs = dir.join("inputs");
    let out = dir.join("out");
    fs::create_dir_all(&inputs).unwrap();
    let images: Vec<Vec<u8>> = (0..5).map(test_image).collect();
    for (i, px) in images.iter().enumerate() {
        write_grey_png(&inputs.join(format!("img{i}.png")), px, 32);
    }
    fs::write(
        inputs.join("broken.png"),
        b"\x89PNG\r\n\x1a\nthis is no image",
    )
    .unwrap();
    fs::write(inputs.join("notes.txt"), "not an input").unwrap();

    let run = lrp(&[
        "explain",
        s(&model),
        s(&inputs),
        "--size",
        "32",
        "--mean",
        "0.5",
        "--std",
        "0.5",
        "--out",
        s(&out),
        "--save-relevance",
    ]);
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert_eq!(
        run.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let broken = inputs.join("broken.png");
    assert!(
        stderr.contains(&format!(
            "{}: not a readable PNG or JPEG image",
            broken.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("lrp: 1 input failed: "), "{stderr}");
    assert!(
        stdout.contains("explained 5 of 6 inputs (5 samples, the top class)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("5 heatmaps and 5 relevance files"),
        "{stdout}"
    );
    assert!(stdout.contains("skipped 1 file of other types"), "{stdout}");

    let net = model_io::read(&model).unwrap();
    let mut expected = BTreeSet::new();
    for (i, px) in images.iter().enumerate() {
        let x = lenet_input(px);
        let k = top_class(&net, &x);
        let r = net
            .explain(x.view(), &[k], Some(Rule::Epsilon(0.01)))
            .unwrap();
        let stem = format!("img{i}_class{k}");
        let saved = data_io::read_npy(out.join(format!("{stem}.npy"))).unwrap();
        assert_eq!(saved.shape(), &[1, 32, 32, 1]);
        assert!(saved == r, "{stem}.npy differs from the library's explain");
        assert!(r.iter().any(|&v| v != 0.0));
        assert_heatmap_file(&out.join(format!("{stem}.png")), &r);
        expected.insert(format!("{stem}.png"));
        expected.insert(format!("{stem}.npy"));
    }
    assert_eq!(listing(&out), expected);

    // --fail-fast stops at the bad file: fewer than all inputs explained, status 1.
    let out2 = dir.join("out-fail-fast");
    let list = dir.join("list.txt");
    fs::write(
        &list,
        "# broken first\ninputs/broken.png\n\ninputs/img0.png\ninputs/img1.png\n",
    )
    .unwrap();
    let run = lrp(&[
        "explain",
        s(&model),
        &format!("@{}", list.display()),
        "--size",
        "32",
        "--out",
        s(&out2),
        "--fail-fast",
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("broken.png: not a readable PNG"));
}

#[test]
fn explain_classes_all_and_lists() {
    let Some(model) = golden_file("lenet5.txt") else {
        return;
    };
    let dir = scratch("classes");
    let img = dir.join("digit.png");
    let px = test_image(3);
    write_grey_png(&img, &px, 32);
    let out = dir.join("all");
    let run = lrp(&[
        "explain",
        s(&model),
        s(&img),
        "--class",
        "all",
        "--out",
        s(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let want: BTreeSet<String> = (0..10).map(|k| format!("digit_class{k}.png")).collect();
    assert_eq!(listing(&out), want);

    // A list of classes through an @list file naming the image; relevance as the library's
    // for that class; default mean 0, std 1 (pixels in [0, 1]).
    let out = dir.join("list");
    let list = dir.join("inputs.txt");
    fs::write(&list, "digit.png\n").unwrap();
    let run = lrp(&[
        "explain",
        s(&model),
        &format!("@{}", list.display()),
        "--class",
        "7,2",
        "--rule",
        "alphabeta",
        "--param",
        "2",
        "--save-relevance",
        "--out",
        s(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(text(&run.stdout).contains("alphabeta 2"));
    let net = model_io::read(&model).unwrap();
    let x = Array4::from_shape_fn((1, 32, 32, 1), |(_, r, c, _)| px[r * 32 + c] as f64 / 255.0)
        .into_dyn();
    for k in [7, 2] {
        let r = net
            .explain(x.view(), &[k], Some(Rule::AlphaBeta(2.0)))
            .unwrap();
        let saved = data_io::read_npy(out.join(format!("digit_class{k}.npy"))).unwrap();
        let worst = (&saved - &r).iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(worst <= 1e-12, "class {k}: off by {worst}");
    }
    assert_eq!(listing(&out).len(), 4);
}

#[test]
fn explain_npy_batch() {
    let (Some(model), Some(data)) = (golden_file("lenet5.txt"), golden_file("lenet5_input.npy"))
    else {
        return;
    };
    let dir = scratch("npy");
    let run = lrp(&[
        "explain",
        s(&model),
        s(&data),
        "--save-relevance",
        "--out",
        s(&dir),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let net = model_io::read(&model).unwrap();
    let x = data_io::read_npy(&data).unwrap();
    let n = x.shape()[0];
    assert_eq!(listing(&dir).len(), 2 * n);
    for i in 0..n {
        let xi = x.index_axis(Axis(0), i).insert_axis(Axis(0)).to_owned();
        let k = top_class(&net, &xi);
        let r = net
            .explain(xi.view(), &[k], Some(Rule::Epsilon(0.01)))
            .unwrap();
        let saved = data_io::read_npy(dir.join(format!("lenet5_input_{i}_class{k}.npy"))).unwrap();
        let worst = (&saved - &r).iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(worst <= 1e-12, "sample {i}: off by {worst}");
    }
}

/// Layer rows of `lrp info` (columns separated by two or more spaces): (index, layer kind,
/// output shape, parameter count).
fn info_rows(stdout: &str) -> Vec<(usize, String, String, usize)> {
    stdout
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line
                .split("  ")
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect();
            let index = fields.first()?.parse::<usize>().ok()?;
            assert_eq!(fields.len(), 5, "{line}");
            let kind = fields[1].split(' ').next().unwrap().to_string();
            Some((
                index,
                kind,
                fields[2].to_string(),
                fields[3].parse().unwrap(),
            ))
        })
        .collect()
}

#[test]
fn info_on_every_golden_toolbox_model() {
    let names = [
        "lenet5.txt",
        "convnet.txt",
        "convnet_softmax.txt",
        "mlp_rect.txt",
        "mlp_rect_nosoftmax.txt",
        "mlp_tanh.txt",
        "mlp_tanh_nosoftmax.txt",
        "xor_net_small.txt",
    ];
    for name in names {
        let Some(model) = golden_file(name) else {
            return;
        };
        let run = lrp(&["info", s(&model)]);
        let stdout = text(&run.stdout);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        let net = model_io::read(&model).unwrap();
        let rows = info_rows(&stdout);
        assert_eq!(rows.len(), net.len(), "{name}:\n{stdout}");
        let mut total = 0;
        for ((i, kind, _, count), layer) in rows.iter().zip(net.layers()) {
            let params =
                layer.weights().map_or(0, |w| w.len()) + layer.biases().map_or(0, |b| b.len());
            total += params;
            assert_eq!(kind, layer.kind().name(), "{name} layer {i}");
            assert_eq!(*count, params, "{name} layer {i}");
        }
        assert!(
            stdout.contains(&format!("parameters: {total}\n")),
            "{name}:\n{stdout}"
        );
    }
    // Hand-counted: LeNet-5 takes 32 x 32 x 1; its layers hold 260, 6275, 40100 and 1010
    // parameters; the last output is N x 1 x 1 x 10 before Flatten.
    let Some(model) = golden_file("lenet5.txt") else {
        return;
    };
    let stdout = text(&lrp(&["info", s(&model)]).stdout);
    assert!(
        stdout.contains("input: N x 32 x 32 x 1 (inferred"),
        "{stdout}"
    );
    let rows = info_rows(&stdout);
    let counts: Vec<usize> = rows.iter().map(|r| r.3).filter(|&c| c > 0).collect();
    assert_eq!(counts, [260, 6275, 40100, 1010]);
    assert!(stdout.contains("parameters: 47645\n"));
    let outputs: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(outputs[0], "N x 28 x 28 x 10");
    assert_eq!(outputs[2], "N x 14 x 14 x 10");
    assert_eq!(outputs[9], "N x 1 x 1 x 10");
    assert_eq!(outputs[10], "N x 10");
    let mlp = golden_file("mlp_rect.txt").unwrap();
    let stdout = text(&lrp(&["info", s(&mlp)]).stdout);
    assert!(stdout.contains("input: N x 784 ("), "{stdout}");
    assert!(stdout.contains("parameters: 52650\n"), "{stdout}");
    assert!(stdout.contains("drops the SoftMax"), "{stdout}");
    // A shape the model does not take is a usage error naming the layer.
    let run = lrp(&["info", s(&model), "--input-shape", "28,28,1"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("layer"), "{}", text(&run.stderr));
}

#[test]
fn bad_arguments_exit_2_with_clap_errors() {
    let model =
        golden_file("lenet5.txt").map_or_else(|| "lenet5.txt".into(), |p| s(&p).to_string());
    let cases: [(&[&str], &str); 8] = [
        (&["explain", &model, "x.png", "--class", "abc"], "--class"),
        (
            &["explain", &model, "x.png", "--cmap", "rainbow"],
            "unknown colour map 'rainbow'",
        ),
        (&["explain", &model, "x.png", "--rule", "nope"], "--rule"),
        (
            &["explain", &model, "x.png", "--layout", "hwcn"],
            "--layout",
        ),
        (&["explain", &model, "x.png", "--size", "0"], "--size"),
        (
            &[
                "explain",
                &model,
                "x.png",
                "--rule",
                "epsilon",
                "--composite",
                "epsilon_plus",
            ],
            "cannot be used with",
        ),
        (&["frobnicate"], "unrecognized subcommand"),
        (
            &["explain", &model, "x.png", "--mean", "nan"],
            "not a finite number",
        ),
    ];
    for (args, needle) in cases {
        let run = lrp(args);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(stderr.contains("try '--help'"), "{args:?}: {stderr}");
    }
    // Found once the model is read: still usage errors with status 2.
    if golden_file("lenet5.txt").is_some() {
        for (args, needle) in [
            (
                vec!["explain", &model, "x.png", "--class", "10"],
                "the model has 10 outputs",
            ),
            (
                vec!["explain", &model, "x.png", "--size", "28"],
                "does not take",
            ),
            (vec!["explain", &model], "no INPUT given"),
            (
                vec!["explain", &model, "x.png", "--mean", "0.1,0.2"],
                "--mean needs 1 value",
            ),
        ] {
            let run = lrp(&args);
            let stderr = text(&run.stderr);
            assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(needle), "{args:?}: {stderr}");
        }
    }
    // A model that cannot be read: status 1, the file named.
    let run = lrp(&["explain", "/nonexistent/model.txt", "x.png"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("/nonexistent/model.txt"));
}

/// `lrp explain` without a model trains the demo CNN (slow in debug builds: `make test`
/// runs it in release with --include-ignored).
#[test]
#[ignore]
fn explain_without_a_model_uses_the_demo() {
    let dir = scratch("demo");
    let run = lrp(&["explain", "--out", s(&dir)]);
    let stdout = text(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&run.stderr)
    );
    let model = dir.join("demo_model.txt");
    let net = model_io::read(&model).unwrap();
    let inputs = listing(&dir.join("demo_inputs"));
    assert_eq!(inputs.len(), 8);
    // Every heatmap names the class the trained model predicts for its image, and the
    // model gets most of the 8 test images right (their names hold the true class).
    let mut right = 0;
    for name in &inputs {
        let img = render::read_png(dir.join("demo_inputs").join(name)).unwrap();
        let x = img
            .index_axis(Axis(2), 0)
            .mapv(|v| (v - 0.5) / 0.5)
            .insert_axis(Axis(2))
            .insert_axis(Axis(0))
            .into_dyn();
        let k = top_class(&net, &x);
        let stem = name.trim_end_matches(".png");
        assert!(
            dir.join(format!("{stem}_class{k}.png")).exists(),
            "{stem}: class {k}\n{stdout}"
        );
        let label = ["horizontal_bar", "vertical_bar", "diagonal", "ring"]
            .iter()
            .position(|l| stem.ends_with(l))
            .unwrap();
        right += usize::from(label == k);
    }
    assert!(right >= 6, "{right} of 8 right");
    assert!(stdout.contains("explained 8 of 8 inputs"), "{stdout}");
}

/// A colour JPEG of another size into the grey 32 x 32 LeNet-5: decoded, resized (Lanczos3)
/// and converted to grey as the `image` crate does, normalised, NHWC; and a grey PNG into
/// the flat MLP (784 values, 28 x 28), with --overlay.
#[test]
fn explain_resized_jpeg_and_flat_models() {
    let (Some(lenet), Some(mlp)) = (golden_file("lenet5.txt"), golden_file("mlp_rect.txt")) else {
        return;
    };
    let dir = scratch("jpeg");
    let photo = dir.join("photo.jpg");
    let rgb = image::RgbImage::from_fn(40, 30, |x, y| {
        let inside = (12..28).contains(&x) && (8..22).contains(&y);
        if inside {
            image::Rgb([240, 240, 230])
        } else {
            image::Rgb([(x * 6) as u8, 40, (y * 8) as u8])
        }
    });
    rgb.save(&photo).unwrap();
    let out = dir.join("out");
    let run = lrp(&[
        "explain",
        s(&lenet),
        s(&photo),
        "--mean",
        "0.5",
        "--std",
        "0.25",
        "--save-relevance",
        "--out",
        s(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let decoded = image::open(&photo).unwrap();
    let grey = decoded
        .resize_exact(32, 32, image::imageops::FilterType::Lanczos3)
        .to_luma8();
    let x = Array4::from_shape_fn((1, 32, 32, 1), |(_, r, c, _)| {
        (grey.get_pixel(c as u32, r as u32)[0] as f64 / 255.0 - 0.5) / 0.25
    })
    .into_dyn();
    let net = model_io::read(&lenet).unwrap();
    let k = top_class(&net, &x);
    let r = net
        .explain(x.view(), &[k], Some(Rule::Epsilon(0.01)))
        .unwrap();
    let saved = data_io::read_npy(out.join(format!("photo_class{k}.npy"))).unwrap();
    assert!(
        saved == r,
        "the JPEG's relevance differs from the library's"
    );

    let png = dir.join("digit.png");
    let px = test_image(1);
    write_grey_png(&png, &px, 32);
    let run = lrp(&[
        "explain",
        s(&mlp),
        s(&png),
        s(&photo),
        "--overlay",
        "--save-relevance",
        "--out",
        s(&out),
    ]);
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(
        stdout.contains("input 784 (28 x 28 x 1 image, flattened)"),
        "{stdout}"
    );
    assert!(stdout.contains("SoftMax output dropped"), "{stdout}");
    let mut net = model_io::read(&mlp).unwrap();
    net.drop_softmax_output_layer();
    let img = image::open(&png)
        .unwrap()
        .resize_exact(28, 28, image::imageops::FilterType::Lanczos3)
        .to_luma8();
    let x = ndarray::Array2::from_shape_fn((1, 784), |(_, i)| img.as_raw()[i] as f64 / 255.0)
        .into_dyn();
    let k = top_class(&net, &x);
    let r = net
        .explain(x.view(), &[k], Some(Rule::Epsilon(0.01)))
        .unwrap();
    let saved = data_io::read_npy(out.join(format!("digit_class{k}.npy"))).unwrap();
    assert_eq!(saved.shape(), &[1, 784]);
    assert!(saved == r, "the MLP's relevance differs from the library's");
    // The overlay: the heatmap (scale 256 / 28 = 9) blended at 0.6 over the grey image.
    let map = r.to_shape((28, 28)).unwrap().to_owned().into_dyn();
    let heat = render::hm_to_rgb(map.view(), None, 9, None, 0.0, "bwr", true).unwrap();
    let picture = ndarray::Array3::from_shape_fn((28, 28, 3), |(i, j, _)| {
        img.as_raw()[i * 28 + j] as f64 / 255.0
    });
    let base = render::enlarge_rgb(picture.view(), 9).unwrap();
    let blended = &heat * 0.6 + &base * 0.4;
    assert_png_file(&out.join(format!("digit_class{k}.png")), &blended);
}

/// Pixel order: a Linear model on 2 x 2 RGB images (12 inputs) reads a PNG as H x W x C
/// values by default and as C x H x W with --layout nchw (the order of ONNX models). A
/// `.npy` batch of the wrong shape fails with its name and both shapes.
#[test]
fn layouts_order_the_pixels() {
    let dir = scratch("layout");
    let mut rng = lrp::seeded_rng(7);
    let net = Network::from_layers([lrp::Layer::Linear(
        lrp::Linear::random(12, 3, &mut rng).unwrap(),
    )]);
    let model = dir.join("rgb.txt");
    model_io::write(&net, &model).unwrap();
    // Channel c of pixel (i, j): 20 + 60 c + 10 (2 i + j), so every value differs.
    let value = |i: usize, j: usize, c: usize| (20 + 60 * c + 10 * (2 * i + j)) as u8;
    let picture =
        ndarray::Array3::from_shape_fn((2, 2, 3), |(i, j, c)| value(i, j, c) as f64 / 255.0);
    let png = dir.join("rgb.png");
    render::write_png(picture.view(), &png).unwrap();
    for (layout, index) in [
        (
            "nhwc",
            Box::new(|i: usize, j: usize, c: usize| (i * 2 + j) * 3 + c)
                as Box<dyn Fn(usize, usize, usize) -> usize>,
        ),
        (
            "nchw",
            Box::new(|i: usize, j: usize, c: usize| c * 4 + i * 2 + j),
        ),
    ] {
        let out = dir.join(layout);
        let run = lrp(&[
            "explain",
            s(&model),
            s(&png),
            "--size",
            "2",
            "--layout",
            layout,
            "--class",
            "1",
            "--save-relevance",
            "--out",
            s(&out),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        let mut x = ndarray::Array2::<f64>::zeros((1, 12));
        for (i, j, c) in
            (0..2).flat_map(|i| (0..2).flat_map(move |j| (0..3).map(move |c| (i, j, c))))
        {
            x[[0, index(i, j, c)]] = value(i, j, c) as f64 / 255.0;
        }
        let r = net
            .explain(x.into_dyn().view(), &[1], Some(Rule::Epsilon(0.01)))
            .unwrap();
        let saved = data_io::read_npy(out.join("rgb_class1.npy")).unwrap();
        assert!(saved == r, "{layout}: {saved} against {r}");
    }
    let bad = dir.join("bad.npy");
    data_io::write_npy(
        &bad,
        ndarray::Array2::<f64>::zeros((2, 5)).into_dyn().view(),
        data_io::NpyDtype::F64,
        data_io::NpyOrder::C,
    )
    .unwrap();
    let run = lrp(&["explain", s(&model), s(&bad), "--out", s(&dir.join("bad"))]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains(&format!(
            "{}: samples of shape [5] do not fit the model",
            bad.display()
        )),
        "{stderr}"
    );
}

/// An ONNX model from PyTorch (the golden-onnx VGG, 3 x 32 x 32 RGB in, N x C x H x W) over
/// a folder of generated PNGs with one corrupt file: one heatmap per good image, the saved
/// relevance equal to the library's own `epsilon_plus` (after the canonizers zennit needs)
/// bit for bit, the corrupt file named, exit status 1.
#[test]
fn explain_an_onnx_model_over_a_folder() {
    let Some(model) = common::onnx_file("vgg_bn.onnx") else {
        return;
    };
    let dir = scratch("onnx");
    let inputs = dir.join("in");
    fs::create_dir_all(&inputs).unwrap();
    let images: Vec<image::RgbImage> = (0..3u32)
        .map(|seed| {
            image::RgbImage::from_fn(32, 32, |x, y| {
                let bar = (4 + 7 * seed..8 + 7 * seed).contains(&x);
                image::Rgb([
                    if bar { 250 } else { (x * 7) as u8 },
                    ((y * 5 + seed * 40) % 256) as u8,
                    ((x + y) * 3) as u8,
                ])
            })
        })
        .collect();
    for (i, img) in images.iter().enumerate() {
        img.save(inputs.join(format!("img{i}.png"))).unwrap();
    }
    fs::write(inputs.join("broken.png"), b"\x89PNG\r\n\x1a\n not an image").unwrap();
    let out = dir.join("out");
    let run = lrp(&[
        "explain",
        s(&model),
        s(&inputs),
        "--size",
        "32",
        "--save-relevance",
        "--out",
        s(&out),
    ]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("broken.png"), "{stderr}");
    let net = model_io::read(&model).unwrap();
    let mut net = net.canonized(&lrp::Canonizer::for_model(&net)).unwrap();
    net.set_convention(lrp::Convention::Zennit);
    net.set_composite(&lrp::Composite::from_name("epsilon_plus", None, None, None, None).unwrap())
        .unwrap();
    let pngs: Vec<String> = listing(&out)
        .into_iter()
        .filter(|f| f.ends_with(".png"))
        .collect();
    assert_eq!(pngs.len(), 3, "{pngs:?}");
    for (i, img) in images.iter().enumerate() {
        let x = Array4::from_shape_fn((1, 3, 32, 32), |(_, c, r, col)| {
            img.get_pixel(col as u32, r as u32)[c] as f64 / 255.0
        })
        .into_dyn();
        let k = top_class(&net, &x);
        let r = net.explain(x.view(), &[k], None).unwrap();
        let saved = data_io::read_npy(out.join(format!("img{i}_class{k}.npy"))).unwrap();
        assert!(
            saved == r,
            "image {i}: the saved relevance differs from the library's"
        );
    }
}

/// `--precision f32`: the saved relevance is the library's f32 explanation bit for bit
/// (within 1e-4 of f64 normwise, and not the f64 one).
#[test]
fn explain_in_f32() {
    let Some(model) = common::onnx_file("vgg_bn.onnx") else {
        return;
    };
    let dir = scratch("f32");
    let img = image::RgbImage::from_fn(32, 32, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8])
    });
    let input = dir.join("img.png");
    img.save(&input).unwrap();
    let out = dir.join("out");
    let run = lrp(&[
        "explain",
        s(&model),
        s(&input),
        "--precision",
        "f32",
        "--save-relevance",
        "--out",
        s(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let mut net = model_io::read(&model).unwrap();
    net.set_convention(lrp::Convention::Zennit);
    let mut net = net.canonized(&lrp::Canonizer::for_model(&net)).unwrap();
    net.set_composite(&lrp::Composite::from_name("epsilon_plus", None, None, None, None).unwrap())
        .unwrap();
    let x = Array4::from_shape_fn((1, 3, 32, 32), |(_, c, r, col)| {
        img.get_pixel(col as u32, r as u32)[c] as f64 / 255.0
    })
    .into_dyn();
    let k = top_class(&net, &x);
    let r64 = net.explain(x.view(), &[k], None).unwrap();
    net.set_precision(lrp::Precision::F32);
    let r32 = net.explain(x.view(), &[k], None).unwrap();
    let saved = data_io::read_npy(out.join(format!("img_class{k}.npy"))).unwrap();
    assert!(
        saved == r32,
        "the saved relevance is not the library's f32 map"
    );
    assert!(saved != r64);
    let diff: f64 = r32.iter().zip(&r64).map(|(a, b)| (a - b) * (a - b)).sum();
    let norm: f64 = r64.iter().map(|b| b * b).sum();
    assert!((diff / norm).sqrt() <= 1e-4);
    let bad = lrp(&["explain", s(&model), s(&input), "--precision", "f16"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--precision"),
        "{}",
        text(&bad.stderr)
    );
}

/// `lrp info` on every golden-onnx model: its nodes, their inputs and the parameter count.
#[test]
fn info_on_every_golden_onnx_model() {
    for name in ["vgg_bn.onnx", "resnet_tiny.onnx", "mixed.onnx"] {
        let Some(model) = common::onnx_file(name) else {
            return;
        };
        let run = lrp(&["info", s(&model)]);
        let stdout = text(&run.stdout);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        let net = model_io::read(&model).unwrap();
        let params: usize = net
            .layers()
            .map(|l| l.weights().map_or(0, |w| w.len()) + l.biases().map_or(0, |b| b.len()))
            .sum();
        assert!(
            stdout.contains(&format!("parameters: {params}")),
            "{name}: {stdout}"
        );
        assert!(stdout.contains("Convolution"), "{name}: {stdout}");
        if name == "resnet_tiny.onnx" {
            // The first residual Add takes the block's second convolution and the MaxPool.
            assert!(stdout.contains("Add <- 6, 3"), "{name}: {stdout}");
            assert!(
                stdout.contains("input: N x 3 x 64 x 64 (declared by the model)"),
                "{name}: {stdout}"
            );
            assert!(stdout.contains("N x 512 x 1 x 1"), "{name}: {stdout}");
        }
    }
}

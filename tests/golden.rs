//! Golden parity: every case of the manifest named by LRP_GOLDEN (default
//! ../shared/golden/manifest.json, from the repository root; the zennit references with
//! LRP_GOLDEN=../shared/golden-zennit/manifest.json) must match its reference within the
//! manifest's rtol/atol. The zennit manifest also runs on its own test, so that the
//! default run covers both, and golden-onnx likewise. Under CI a missing manifest fails.
//! LRP_GOLDEN_REPORT=1 prints the normwise error of every case.

mod common;

use lrp::{
    data_io, model_io, BatchNorm, Canonizer, Composite, Convention, GradientMode, Layer, Network,
    Rule,
};
use ndarray::{Array1, ArrayD};
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Manifest {
    dir: PathBuf,
    rtol: f64,
    atol: f64,
    cases: Vec<Value>,
}

/// Whose numerical conventions a case follows, from what it asks for rather than from
/// which manifest holds it: the methods SPEC.md defines beyond the toolbox (composites,
/// zplus, gamma, zbox, and the gradient family, which are PyTorch autograd's) were computed
/// with zennit and follow its conventions; everything the numpy toolbox has (its rules,
/// `backward`, `train_step`) follows the toolbox.
fn convention_of(case: &Value) -> Convention {
    let beyond_rule = case["rule"].as_str().is_some_and(|r| {
        matches!(
            r.to_ascii_lowercase().as_str(),
            "zplus" | "z+" | "gamma" | "zbox"
        )
    });
    let beyond_op = matches!(
        case["op"].as_str(),
        Some("gradient" | "guided_backprop" | "deconvnet")
    );
    if beyond_rule || beyond_op || case.get("composite").is_some() {
        Convention::Zennit
    } else {
        Convention::Toolbox
    }
}

/// The manifest named by LRP_GOLDEN, or the toolbox's.
fn manifest() -> Option<Manifest> {
    let path = match std::env::var_os("LRP_GOLDEN") {
        Some(p) => common::repo_root().join(PathBuf::from(p)),
        None => common::golden_dir().join("manifest.json"),
    };
    manifest_at(path)
}

/// The zennit manifest (rules, composites and gradient methods beyond the toolbox).
fn onnx_manifest() -> Option<Manifest> {
    manifest_at(common::onnx_dir().join("manifest.json"))
}

fn zennit_manifest() -> Option<Manifest> {
    manifest_at(common::zennit_dir().join("manifest.json"))
}

fn manifest_at(path: PathBuf) -> Option<Manifest> {
    if !path.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "golden manifest {} is missing (CI is set: failing instead of skipping)",
            path.display()
        );
        eprintln!(
            "note: golden manifest {} is missing; skipping",
            path.display()
        );
        return None;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    Some(Manifest {
        dir: path.parent().unwrap().to_path_buf(),
        rtol: json["rtol"].as_f64().expect("rtol"),
        atol: json["atol"].as_f64().expect("atol"),
        cases: json["cases"].as_array().expect("cases").clone(),
    })
}

/// One array to compare: a label, what the library computed and what the manifest expects.
struct Check {
    label: String,
    actual: ArrayD<f64>,
    expected: ArrayD<f64>,
}

fn load(dir: &Path, case: &Value, key: &str) -> ArrayD<f64> {
    let name = case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case lacks '{key}'"));
    data_io::read_npy(dir.join(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn rule_of(name: &Value, param: &Value) -> Rule {
    Rule::from_name(name.as_str().expect("rule name"), param.as_f64())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs one case through the library and returns the arrays to compare. LRP on a model
/// with folded BatchNorms runs as zennit's canonized model computed it (see
/// [`FOLDED_BATCHNORM_MODELS`]).
fn run_case(m: &Manifest, case: &Value) -> Result<Vec<Check>, String> {
    run_case_as(m, case, true)
}

/// [`run_case`], with `zennit_residuals` saying whether LRP on a folded model gets zennit's
/// merge residuals back.
fn run_case_as(m: &Manifest, case: &Value, zennit_residuals: bool) -> Result<Vec<Check>, String> {
    let name = case["name"].as_str().unwrap_or("?").to_string();
    let mut net = model_io::read(m.dir.join(case["model"].as_str().ok_or("no model")?))
        .map_err(|e| e.to_string())?;
    net.set_convention(convention_of(case));
    // The canonizers zennit applied (golden-onnx's LRP cases name them).
    if let Some(canonizer) = case["canonizer"].as_str() {
        let canonizers = Canonizer::from_name(canonizer).map_err(|e| e.to_string())?;
        net = net.canonized(&canonizers).map_err(|e| e.to_string())?;
    }
    // After the canonizers, which would merge these BatchNorms again.
    if zennit_residuals && case["op"] == "lrp" && is_folded(case) {
        net = with_zennit_merge_residuals(&net, PYTORCH_BATCHNORM_EPSILON);
    }
    let x = load(&m.dir, case, "input");
    let op = case["op"].as_str().ok_or("no op")?;
    let one = |actual: ArrayD<f64>| -> Result<Vec<Check>, String> {
        Ok(vec![Check {
            label: name.clone(),
            actual,
            expected: load(&m.dir, case, "expected"),
        }])
    };
    match op {
        "forward" => one(net.forward(x.view(), false).map_err(|e| e.to_string())?),
        "lrp" => {
            net.forward(x.view(), true).map_err(|e| e.to_string())?;
            let r = load(&m.dir, case, "relevance");
            let rule = if let Some(presets) = case["layer_rules"].as_array() {
                assert_eq!(presets.len(), net.len(), "{name}: one preset per layer");
                for (i, p) in presets.iter().enumerate() {
                    net.set_preset(i, rule_of(&p["rule"], &p["param"]))
                        .map_err(|e| e.to_string())?;
                }
                None
            } else if let Some(composite) = case["composite"].as_str() {
                let c = Composite::from_name(
                    composite,
                    case["epsilon"].as_f64(),
                    case["gamma"].as_f64(),
                    case["low"].as_f64(),
                    case["high"].as_f64(),
                )
                .map_err(|e| e.to_string())?;
                net.set_composite(&c).map_err(|e| e.to_string())?;
                None
            } else if case.get("rule").is_some() {
                Some(rule_of(&case["rule"], &case["param"]))
            } else {
                return Err(format!(
                    "{name}: lrp case with neither rule nor layer_rules is not supported yet"
                ));
            };
            one(net.lrp(r.view(), rule).map_err(|e| e.to_string())?)
        }
        "backward" => {
            net.forward(x.view(), false).map_err(|e| e.to_string())?;
            let dy = load(&m.dir, case, "gradient");
            one(net.backward(dy.view()).map_err(|e| e.to_string())?)
        }
        "input_x_gradient" => {
            net.forward(x.view(), false).map_err(|e| e.to_string())?;
            let dy = load(&m.dir, case, "gradient");
            let g = net
                .input_gradient(dy.view(), GradientMode::Gradient)
                .map_err(|e| e.to_string())?;
            one(g * &x)
        }
        "gradient" | "guided_backprop" | "deconvnet" => {
            let mode = match op {
                "gradient" => GradientMode::Gradient,
                "guided_backprop" => GradientMode::GuidedBackprop,
                _ => GradientMode::Deconvnet,
            };
            net.forward(x.view(), false).map_err(|e| e.to_string())?;
            let dy = load(&m.dir, case, "gradient");
            one(net
                .input_gradient(dy.view(), mode)
                .map_err(|e| e.to_string())?)
        }
        "train_step" => {
            let y = net.forward(x.view(), false).map_err(|e| e.to_string())?;
            let t = load(&m.dir, case, "targets");
            net.backward((&y - &t).view()).map_err(|e| e.to_string())?;
            net.update(case["learning_rate"].as_f64().ok_or("no learning_rate")?)
                .map_err(|e| e.to_string())?;
            let expected: Network = model_io::read(
                m.dir
                    .join(case["expected_model"].as_str().ok_or("no expected_model")?),
            )
            .map_err(|e| e.to_string())?;
            if expected.len() != net.len() {
                return Err(format!(
                    "{name}: expected model has {} layers, ours {}",
                    expected.len(),
                    net.len()
                ));
            }
            let mut checks = Vec::new();
            for (i, (ours, theirs)) in net.layers().zip(expected.layers()).enumerate() {
                for (what, a, b) in [
                    ("W", ours.weights(), theirs.weights()),
                    ("B", ours.biases(), theirs.biases()),
                ] {
                    if let (Some(a), Some(b)) = (a, b) {
                        checks.push(Check {
                            label: format!("{name} layer {} {what}", i + 1),
                            actual: a.to_owned(),
                            expected: b.to_owned(),
                        });
                    }
                }
            }
            Ok(checks)
        }
        other => Err(format!("{name}: op '{other}' is not supported")),
    }
}

/// The worst violation of |a - e| <= atol + rtol |e|, as a message, or None when all hold.
fn mismatch(check: &Check, rtol: f64, atol: f64) -> Option<String> {
    if check.actual.shape() != check.expected.shape() {
        return Some(format!(
            "{}: shape {:?}, expected {:?}",
            check.label,
            check.actual.shape(),
            check.expected.shape()
        ));
    }
    let mut worst: Option<(f64, usize, f64, f64)> = None;
    for (i, (&a, &e)) in check.actual.iter().zip(check.expected.iter()).enumerate() {
        // NaN compares false with everything: count it as the worst possible excess.
        let excess = (a - e).abs() - (atol + rtol * e.abs());
        let excess = if excess.is_nan() {
            f64::INFINITY
        } else {
            excess
        };
        if excess > 0.0 && worst.is_none_or(|w| excess > w.0) {
            worst = Some((excess, i, a, e));
        }
    }
    worst.map(|(_, i, a, e)| {
        format!(
            "{}: element {i} (C order) is {a:e}, expected {e:e} (rtol {rtol:e}, atol {atol:e})",
            check.label
        )
    })
}

#[test]
fn every_manifest_case_matches_the_reference() {
    let Some(m) = manifest() else { return };
    check_all_cases(&m);
}

/// The golden-onnx models whose ONNX file has each BatchNorm already folded into the
/// convolution before it (golden-onnx/README.md: "Conv (...; BatchNorm folded in by the
/// exporter)": every Conv of vgg_bn and resnet_tiny had one, with PyTorch's epsilon 1e-5).
/// zennit computed their LRP cases on the PyTorch model, where its MergeBatchNorm left
/// each BatchNorm as x / sqrt(1 + 1e-5) (statistics set to identity, epsilon kept; with
/// `Convention::Zennit` our merge does the same, see `BatchNorm::zennit_merge_residual`).
/// The file cannot carry that factor, so for these models the runner checks LRP twice:
/// with the factor put back after every convolution, against the manifest's elementwise
/// tolerance, and as read, against the normwise bound below.
const FOLDED_BATCHNORM_MODELS: [&str; 2] = ["vgg_bn.onnx", "resnet_tiny.onnx"];

/// PyTorch's default BatchNorm epsilon, what zennit's merge left in the folded models.
const PYTORCH_BATCHNORM_EPSILON: f64 = 1e-5;

/// The normwise bound (max |ours - zennit's| over max |zennit's|) that LRP on a folded
/// model as read meets: zennit's extra factor 1 / sqrt(1 + 1e-5) at each of its 5 (vgg_bn)
/// or 11 (resnet_tiny) BatchNorms changes how much of each layer's output the bias
/// explains. Measured: 5.2e-7, 1.1e-6, 1.0e-6 (vgg_bn), 8.8e-6, 1.4e-5 and 1.1e-5
/// (resnet_tiny).
const FOLDED_BATCHNORM_NORMWISE: f64 = 2e-5;

/// A copy of `net` with a BatchNorm that scales by 1 / sqrt(1 + `epsilon`) after every
/// convolution: what zennit's MergeBatchNorm leaves of a BatchNorm it merged.
fn with_zennit_merge_residuals(net: &Network, epsilon: f64) -> Network {
    let mut out = Network::new();
    out.set_layout(net.layout());
    out.set_convention(net.convention());
    // New value of every old value (0, the input, stays).
    let mut value = vec![0usize];
    for (i, layer) in net.layers().enumerate() {
        let inputs: Vec<usize> = net
            .node_inputs(i)
            .unwrap()
            .iter()
            .map(|&v| value[v])
            .collect();
        // add_node returns the value of the node's output.
        let mut id = out.add_node(layer.clone(), &inputs).unwrap();
        if let Layer::Convolution(c) = layer {
            let n = c.filter_size()[3];
            let residual = BatchNorm::new(
                Array1::ones(n),
                Array1::zeros(n),
                Array1::zeros(n),
                Array1::ones(n),
                epsilon,
            )
            .unwrap();
            id = out.add_node(Layer::BatchNorm(residual), &[id]).unwrap();
        }
        value.push(id);
    }
    out
}

#[test]
fn every_onnx_manifest_case_matches_the_reference() {
    let Some(m) = onnx_manifest() else { return };
    check_all_cases(&m);
}

/// LRP on the folded models as read: within [`FOLDED_BATCHNORM_NORMWISE`] of zennit's (and
/// measurably off: the factor is real, so the elementwise check must fail on some case).
#[test]
fn onnx_lrp_without_zennit_merge_residuals_is_normwise_close() {
    let Some(m) = onnx_manifest() else { return };
    let mut compared = 0;
    let mut elementwise_misses = 0;
    for case in &m.cases {
        if case["op"] != "lrp" || !is_folded(case) {
            continue;
        }
        for check in run_case_as(&m, case, false).unwrap_or_else(|e| panic!("{e}")) {
            let e = normwise_error(&check);
            assert!(
                e <= FOLDED_BATCHNORM_NORMWISE,
                "{}: normwise error {e:e} above {FOLDED_BATCHNORM_NORMWISE:e}",
                check.label
            );
            elementwise_misses += mismatch(&check, m.rtol, m.atol).is_some() as usize;
            compared += 1;
        }
    }
    assert_eq!(compared, 6, "three composites on two folded models");
    assert!(elementwise_misses > 0, "the missing factor went unnoticed");
}

fn is_folded(case: &Value) -> bool {
    FOLDED_BATCHNORM_MODELS.contains(&case["model"].as_str().unwrap_or(""))
}

/// The largest |actual - expected| over the largest |expected| of `check`, NaN
/// propagating (f64::max would drop it).
fn normwise_error(check: &Check) -> f64 {
    assert_eq!(
        check.actual.shape(),
        check.expected.shape(),
        "{}",
        check.label
    );
    let scale = check.expected.iter().fold(0.0f64, |a, e| a.max(e.abs()));
    let worst = check
        .actual
        .iter()
        .zip(check.expected.iter())
        .fold(0.0f64, |a, (x, e)| {
            let d = (x - e).abs();
            if d.is_nan() || d > a {
                d
            } else {
                a
            }
        });
    worst / scale
}

#[test]
fn onnx_runner_fails_when_an_expected_array_is_off_by_one_percent() {
    let Some(m) = onnx_manifest() else { return };
    check_one_percent_detected(&m);
}

#[test]
fn every_zennit_manifest_case_matches_the_reference() {
    let Some(m) = zennit_manifest() else { return };
    check_all_cases(&m);
}

/// Every case of the manifest within its tolerances.
fn check_all_cases(m: &Manifest) {
    assert!(!m.cases.is_empty(), "the manifest has no cases");
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &m.cases {
        match run_case(m, case) {
            Ok(checks) => {
                for check in &checks {
                    compared += check.expected.len();
                    if std::env::var_os("LRP_GOLDEN_REPORT").is_some() {
                        println!(
                            "{}: normwise error {:e}",
                            check.label,
                            normwise_error(check)
                        );
                    }
                    failures.extend(mismatch(check, m.rtol, m.atol));
                }
            }
            Err(e) => failures.push(e),
        }
    }
    println!(
        "{} cases, {compared} values compared, {} failures",
        m.cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "golden failures:\n{}",
        failures.join("\n")
    );
}

/// The runner must notice an error of 1 % in any expected array: scale every expected
/// array by 1.01 and require every case to fail.
#[test]
fn runner_fails_when_an_expected_array_is_off_by_one_percent() {
    let Some(m) = manifest() else { return };
    check_one_percent_detected(&m);
}

#[test]
fn zennit_runner_fails_when_an_expected_array_is_off_by_one_percent() {
    let Some(m) = zennit_manifest() else { return };
    check_one_percent_detected(&m);
}

fn check_one_percent_detected(m: &Manifest) {
    for case in &m.cases {
        let checks = run_case(m, case).unwrap_or_else(|e| panic!("{e}"));
        for mut check in checks {
            // Arrays whose values all sit within atol of zero cannot show a relative error.
            if check.expected.iter().all(|e| e.abs() * 0.01 <= m.atol) {
                continue;
            }
            check.expected.mapv_inplace(|e| e * 1.01);
            assert!(
                mismatch(&check, m.rtol, m.atol).is_some(),
                "{}: a 1 % error in the expected array went unnoticed",
                check.label
            );
        }
    }
}

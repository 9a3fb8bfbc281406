//! `lrp info`: a model's layers with their output shapes, parameter counts and what each
//! LRP rule does on them.

use crate::args::InfoArgs;
use crate::model::{self, SampleShape};
use crate::CliError;
use lrp::{model_io, Layer, Rule};
use std::process::ExitCode;

/// `lrp info`: the table of layers for the given or inferred input shape.
pub fn run(args: InfoArgs) -> Result<ExitCode, CliError> {
    let net = model_io::read(&args.model).map_err(|e| {
        CliError::failed(format!(
            "cannot read the model {}: {e}",
            args.model.display()
        ))
    })?;
    let layout = model::input_layout(&args.model, &net);
    let (sample, how) = match &args.input_shape {
        Some(dims) => (dims.0.clone(), "given".to_string()),
        None => {
            // Read once: for an ONNX model this parses the file's graph again.
            let declared = model::declared_size(&args.model);
            match model::sample_shape(&net, layout, declared) {
                Ok(shape) if declared.is_some() => {
                    (shape.dims(), "declared by the model".to_string())
                }
                Ok(shape) => (shape.dims(), inferred(&shape)),
                Err(e) => {
                    return Err(CliError::usage(format!(
                        "cannot infer the input shape ({e}); give --input-shape"
                    )))
                }
            }
        }
    };
    let mut input = vec![1];
    input.extend_from_slice(&sample);
    let shapes = net
        .shapes(&input)
        .map_err(|e| CliError::usage(format!("--input-shape {}: {e}", dims_text(&sample))))?;

    println!("model: {} ({} layers)", args.model.display(), net.len());
    println!("input: N x {} ({how})", dims_text(&sample));
    // A graph names each node's inputs (layer numbers; "input" for the network input).
    let sequential = net.is_sequential();
    let rows: Vec<[String; 5]> = net
        .layers()
        .zip(&shapes[1..])
        .enumerate()
        .map(|(i, (layer, out))| {
            let mut what = describe(layer);
            if !sequential {
                let from: Vec<String> = net
                    .node_inputs(i)
                    .unwrap_or_default()
                    .iter()
                    .map(|&v| {
                        if v == 0 {
                            "input".into()
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                what.push_str(&format!(" <- {}", from.join(", ")));
            }
            // Shapes as the caller gives them (N x C x H x W for ONNX models).
            let out = net.layout().external_shape(out);
            [
                (i + 1).to_string(),
                what,
                format!("N x {}", dims_text(&out[1..])),
                parameters(layer).to_string(),
                rules(layer),
            ]
        })
        .collect();
    let header = ["#", "layer", "output", "parameters", "LRP rules"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        println!(
            "{:>w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
    }
    let total: usize = net.layers().map(parameters).sum();
    println!("parameters: {total}");
    let mut explained = net.clone();
    let note = if explained.drop_softmax_output_layer() {
        " (on the scores: lrp explain drops the SoftMax output layer)"
    } else {
        ""
    };
    println!(
        "lrp explain's default: {}{note}",
        model::default_method(&args.model, &explained).label()
    );
    Ok(ExitCode::SUCCESS)
}

fn inferred(shape: &SampleShape) -> String {
    if shape.flat {
        "the first Linear layer's inputs".into()
    } else {
        "inferred: the smallest square image the model takes".into()
    }
}

fn dims_text(dims: &[usize]) -> String {
    dims.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(" x ")
}

/// "Convolution 5x5x1x10 /1", "Linear 784x64", "SumPool 2x2 /2", "Rect".
fn describe(layer: &Layer) -> String {
    match layer {
        Layer::Linear(l) => format!("Linear {}x{}", l.inputs(), l.outputs()),
        Layer::Convolution(c) => {
            let [h, w, d, f] = c.filter_size();
            format!(
                "Convolution {h}x{w}x{d}x{f} stride {}x{}",
                c.stride.0, c.stride.1
            )
        }
        Layer::MaxPool(p) | Layer::SumPool(p) | Layer::AvgPool(p) => format!(
            "{} {}x{} stride {}x{}",
            layer.kind().name(),
            p.pool.0,
            p.pool.1,
            p.stride.0,
            p.stride.1
        ),
        other => other.kind().name().to_string(),
    }
}

/// Trainable values: W and B.
fn parameters(layer: &Layer) -> usize {
    layer.weights().map_or(0, |w| w.len()) + layer.biases().map_or(0, |b| b.len())
}

/// The rules a layer accepts (`Layer::accepts`, so a new layer kind needs no entry here).
fn rules(layer: &Layer) -> String {
    let candidates = [
        Rule::Simple,
        Rule::Epsilon(lrp::DEFAULT_EPSILON),
        Rule::AlphaBeta(lrp::DEFAULT_ALPHA),
        Rule::Flat,
        Rule::WSquare,
        Rule::Gamma(lrp::DEFAULT_GAMMA),
        Rule::ZBox {
            low: (-1.0).into(),
            high: 1.0.into(),
        },
        Rule::Pass,
    ];
    let names: Vec<&str> = candidates
        .iter()
        .filter(|r| layer.accepts(r))
        .map(|r| r.name())
        .collect();
    names.join(" ")
}

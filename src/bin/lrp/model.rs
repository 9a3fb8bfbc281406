//! Reading a model and the decisions that depend on what kind of model it is: the default
//! explanation method ([`default_method`]), the pixel order of its input ([`input_layout`])
//! and the shape of one sample ([`sample_shape`]). ONNX models differ only here: the
//! library reads them as graphs taking N x C x H x W batches, explained by default with
//! zennit's `epsilon_plus` after the canonizers it needs.

use crate::CliError;
use lrp::{model_io, Canonizer, Composite, Convention, Layer, Network, Rule};
use std::path::Path;

/// The pixel order of a model's image input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// N x H x W x C: the toolbox's.
    Nhwc,
    /// N x C x H x W: PyTorch's and ONNX's.
    Nchw,
}

/// How relevance is sent back: one rule everywhere, or a composite's presets.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// The same rule on every layer.
    Rule(Rule),
    /// Presets by layer type and position.
    Composite(Composite),
}

impl Method {
    /// Sets the network up for the method and returns the rule argument of the library's
    /// LRP calls (`None`: the presets). A composite is zennit's: the network is canonized
    /// as zennit's composites need it (BatchNorm merged, residual sums marked; nothing on a
    /// toolbox model) and follows zennit's conventions.
    pub fn apply(&self, net: &mut Network) -> lrp::Result<Option<Rule>> {
        match self {
            Method::Rule(rule) => Ok(Some(rule.clone())),
            Method::Composite(c) => {
                // The convention first: under zennit's, the BatchNorm merge leaves the
                // 1/sqrt(1+eps) that zennit's leaves.
                net.set_convention(Convention::Zennit);
                let list = Canonizer::for_model(net);
                *net = std::mem::take(net).into_canonized(&list)?;
                net.set_composite(c).map(|()| None)
            }
        }
    }

    /// "epsilon 0.01", "composite epsilon_plus", ...
    pub fn label(&self) -> String {
        match self {
            Method::Rule(rule) => match rule {
                Rule::ZBox { low, high } => format!("zbox [{low}, {high}]"),
                _ => match rule.param() {
                    Some(p) => format!("{} {p}", rule.name()),
                    None => rule.name().to_string(),
                },
            },
            Method::Composite(c) => format!("composite {}", c.name()),
        }
    }
}

/// Whether the file names an ONNX model (by its extension, as `model_io::read` decides).
pub fn is_onnx(model_path: &Path) -> bool {
    model_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("onnx"))
}

/// Reads a model and drops a SoftMax output layer (LRP explains the scores before it, as
/// the toolbox's demos do); says whether it dropped one.
pub fn load(model_path: &Path) -> Result<(Network, bool), CliError> {
    let mut net = model_io::read(model_path).map_err(|e| {
        CliError::failed(format!(
            "cannot read the model {}: {e}",
            model_path.display()
        ))
    })?;
    if net.is_empty() {
        return Err(CliError::failed(format!(
            "the model {} has no layers",
            model_path.display()
        )));
    }
    let dropped = net.drop_softmax_output_layer();
    Ok((net, dropped))
}

/// The method when neither --rule nor --composite is given: zennit's `epsilon_plus` (with
/// the model's canonizers) for ONNX models, the toolbox's epsilon (0.01) for toolbox
/// models.
pub fn default_method(model_path: &Path, net: &Network) -> Method {
    let _ = net;
    if is_onnx(model_path) {
        Method::Composite(Composite::EpsilonPlus {
            epsilon: lrp::DEFAULT_COMPOSITE_EPSILON,
        })
    } else {
        Method::Rule(Rule::Epsilon(lrp::DEFAULT_EPSILON))
    }
}

/// The pixel order of the model's input when --layout is not given: the network's own
/// (N x C x H x W for ONNX models, N x H x W x C for toolbox models).
pub fn input_layout(model_path: &Path, net: &Network) -> Layout {
    let _ = model_path;
    match net.layout() {
        lrp::Layout::ChannelsFirst => Layout::Nchw,
        lrp::Layout::ChannelsLast => Layout::Nhwc,
    }
}

/// The image size (H, W) an ONNX model declares for its input (N x C x H x W with fixed C,
/// H and W), if it declares one: the default --size for such models. Reads the file's
/// header again (the network keeps no declared shape).
pub fn declared_size(model_path: &Path) -> Option<(usize, usize)> {
    if !is_onnx(model_path) {
        return None;
    }
    let model = lrp::onnx::read(model_path).ok()?;
    match model.inputs.first()?.shape.as_deref()? {
        [_, Some(_), Some(h), Some(w)] => Some((*h, *w)),
        _ => None,
    }
}

/// One sample of the model's input, as an image: H x W pixels of C channels, in the
/// model's layout, or flattened to one vector (an MLP's input) in that order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleShape {
    pub h: usize,
    pub w: usize,
    pub c: usize,
    pub layout: Layout,
    pub flat: bool,
}

impl SampleShape {
    /// The sample's dimensions without the batch axis.
    pub fn dims(&self) -> Vec<usize> {
        match (self.flat, self.layout) {
            (true, _) => vec![self.h * self.w * self.c],
            (false, Layout::Nhwc) => vec![self.h, self.w, self.c],
            (false, Layout::Nchw) => vec![self.c, self.h, self.w],
        }
    }

    /// The batch shape for `n` samples.
    pub fn batch(&self, n: usize) -> Vec<usize> {
        let mut shape = vec![n];
        shape.extend(self.dims());
        shape
    }

    /// "32 x 32 x 1 (N x H x W x C)" and the like.
    pub fn describe(&self) -> String {
        let dims: Vec<String> = self.dims().iter().map(|d| d.to_string()).collect();
        let order = match (self.flat, self.layout) {
            (true, Layout::Nhwc) => {
                format!("{} x {} x {} image, flattened", self.h, self.w, self.c)
            }
            (true, Layout::Nchw) => {
                format!("{} x {} x {} image, flattened", self.c, self.h, self.w)
            }
            (false, Layout::Nhwc) => "H x W x C".into(),
            (false, Layout::Nchw) => "C x H x W".into(),
        };
        format!("{} ({order})", dims.join(" x "))
    }
}

/// Sides tried when inferring a square input size.
const MAX_INFERRED_SIDE: usize = 2048;

/// Whether the network takes one sample of `dims` and gives a vector of scores per sample.
fn takes(net: &Network, dims: &[usize]) -> bool {
    let mut shape = vec![1];
    shape.extend_from_slice(dims);
    net.output_shape(&shape).is_ok_and(|out| out.len() == 2)
}

/// The shape of one sample the network takes, in `layout`, at `size` (H x W) or else the
/// smallest square size it takes. Image models (a Convolution before any Linear layer)
/// take H x W x C with C the first Convolution's depth; models starting with a Linear layer
/// of m inputs take flat vectors of H W C = m values (C = 1, or 3 when m is not H W; with
/// no size given a square image if m is a square or 3 times one, else 1 x m). Fails with
/// what was tried.
pub fn sample_shape(
    net: &Network,
    layout: Layout,
    size: Option<(usize, usize)>,
) -> Result<SampleShape, String> {
    let first = net.layers().find(|l| l.weights().is_some());
    let starts_linear = matches!(net.layer(0), Some(Layer::Linear(_)));
    if let (true, Some(Layer::Linear(l))) = (starts_linear, first) {
        let m = l.inputs();
        let fit = |h: usize, w: usize| {
            [1, 3]
                .into_iter()
                .find(|c| h * w * c == m)
                .map(|c| SampleShape {
                    h,
                    w,
                    c,
                    layout,
                    flat: true,
                })
        };
        let side = |n: usize| {
            let s = (n as f64).sqrt().round() as usize;
            (s * s == n).then_some(s)
        };
        return match size {
            Some((h, w)) => fit(h, w).ok_or_else(|| {
                format!("the model takes vectors of {m} values, not {h} x {w} images (of 1 or 3 channels)")
            }),
            // Not a square image: a row of m values (for .npy inputs; images would be
            // squeezed into it).
            None => Ok(side(m)
                .map(|s| (s, s))
                .or_else(|| (m % 3 == 0).then(|| side(m / 3).map(|s| (s, s))).flatten())
                .and_then(|(h, w)| fit(h, w))
                .unwrap_or(SampleShape {
                    h: 1,
                    w: m,
                    c: 1,
                    layout,
                    flat: true,
                })),
        };
    }
    let channels: Vec<usize> = match first {
        Some(Layer::Convolution(c)) => vec![c.input_channels()],
        _ => vec![1, 3],
    };
    let make = |h, w, c| SampleShape {
        h,
        w,
        c,
        layout,
        flat: false,
    };
    match size {
        Some((h, w)) => {
            for &c in &channels {
                let s = make(h, w, c);
                if takes(net, &s.dims()) {
                    return Ok(s);
                }
            }
            let s = make(h, w, channels[0]);
            let err = net
                .output_shape(&s.batch(1))
                .err()
                .map_or("its output is not N x classes".to_string(), |e| {
                    e.to_string()
                });
            Err(format!(
                "the model does not take {} inputs: {err}",
                s.describe()
            ))
        }
        None => {
            for side in 1..=MAX_INFERRED_SIDE {
                for &c in &channels {
                    let s = make(side, side, c);
                    if takes(net, &s.dims()) {
                        return Ok(s);
                    }
                }
            }
            Err(format!(
                "found no square input up to {MAX_INFERRED_SIDE} x {MAX_INFERRED_SIDE} the model takes; give --size"
            ))
        }
    }
}

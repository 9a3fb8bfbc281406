//! The layers of a network (the toolbox's modules) and the operations every layer offers:
//! shape inference, forward, backward and LRP.
//!
//! A layer is plain data (its parameters). Activations are not stored in layers: the
//! network keeps them in a [`crate::Trace`] and hands each layer its input and output, so
//! one network can serve several threads at once.

mod activation;
mod convolution;
mod flatten;
mod linear;
mod pool;

pub use convolution::{Convolution, DEFAULT_CONV_FILTER, DEFAULT_CONV_STRIDE};
pub use linear::Linear;
pub use pool::Pool;

use crate::relevance::{epsilon_of, stabilised_reciprocals};
use crate::rule::{Convention, Rule, SUMPOOL_STABILIZER};
use ndarray::{ArrayD, ArrayViewD};

/// One layer of a network.
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    /// Fully connected: Y = X W + B, X is N x m.
    Linear(Linear),
    /// Valid, strided cross-correlation on N x H x W x D batches.
    Convolution(Convolution),
    /// Maximum over each window, per channel.
    MaxPool(Pool),
    /// Sum over each window times 1/sqrt(ph*pw).
    SumPool(Pool),
    /// N x H x W x D -> N x (H*W*D), C order.
    Flatten,
    /// max(0, x).
    Rect,
    /// tanh(x).
    Tanh,
    /// exp(x) / sum(exp(x)) over the features of each sample.
    SoftMax,
}

/// The kind of a layer, with the stable numbers the C layer exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum LayerKind {
    /// [`Layer::Linear`]
    Linear = 1,
    /// [`Layer::Convolution`]
    Convolution = 2,
    /// [`Layer::MaxPool`]
    MaxPool = 3,
    /// [`Layer::SumPool`]
    SumPool = 4,
    /// [`Layer::Flatten`]
    Flatten = 5,
    /// [`Layer::Rect`]
    Rect = 6,
    /// [`Layer::Tanh`]
    Tanh = 7,
    /// [`Layer::SoftMax`]
    SoftMax = 8,
}

impl LayerKind {
    /// The name the toolbox and the text model format use ("Linear", "MaxPool", ...).
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Linear => "Linear",
            LayerKind::Convolution => "Convolution",
            LayerKind::MaxPool => "MaxPool",
            LayerKind::SumPool => "SumPool",
            LayerKind::Flatten => "Flatten",
            LayerKind::Rect => "Rect",
            LayerKind::Tanh => "Tanh",
            LayerKind::SoftMax => "SoftMax",
        }
    }

    /// The kind for a stable number, if there is one.
    pub fn from_code(code: i32) -> Option<LayerKind> {
        use LayerKind::*;
        [
            Linear,
            Convolution,
            MaxPool,
            SumPool,
            Flatten,
            Rect,
            Tanh,
            SoftMax,
        ]
        .into_iter()
        .find(|k| *k as i32 == code)
    }

    /// Whether the layer has trainable parameters W and B.
    pub fn has_parameters(self) -> bool {
        matches!(self, LayerKind::Linear | LayerKind::Convolution)
    }
}

/// W with every element drawn from Normal(0, std), the toolbox's initialisation; sizes
/// too large to allocate are an error.
pub(crate) fn random_weights(
    what: &str,
    shape: &[usize],
    std: f64,
    rng: &mut impl rand::Rng,
) -> crate::Result<ArrayD<f64>> {
    use rand_distr::Distribution;
    let normal = rand_distr::Normal::new(0.0, std).expect("positive, finite deviation");
    let mut data = crate::buffer::with_capacity_for(what, shape)?;
    let n = crate::buffer::element_count(what, shape)?;
    data.extend((0..n).map(|_| normal.sample(rng)));
    Ok(ArrayD::from_shape_vec(ndarray::IxDyn(shape), data).expect("sized for the shape"))
}

/// Weights and biases must be finite: a NaN would poison every output.
pub(crate) fn check_finite_parameters(
    layer: &str,
    w: &ArrayViewD<f64>,
    b: &ArrayViewD<f64>,
) -> crate::Result<()> {
    crate::network::check_finite(&format!("W of {layer}"), w)?;
    crate::network::check_finite(&format!("B of {layer}"), b)
}

/// Gradients of a layer's parameters, summed over the batch; the shapes of W and B.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamGrad {
    /// dLoss/dW, shaped like W.
    pub dw: ArrayD<f64>,
    /// dLoss/dB, shaped like B.
    pub db: ArrayD<f64>,
}

/// What a backward pass through one layer should produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BackwardWants {
    /// The gradient with respect to the layer's input.
    pub dx: bool,
    /// The gradients of the layer's parameters.
    pub params: bool,
}

/// Expected input shape, with `None` for "any size": what `check_input` reports on a
/// mismatch.
pub(crate) type ExpectedShape = Vec<Option<usize>>;

impl Layer {
    /// The layer's kind.
    pub fn kind(&self) -> LayerKind {
        match self {
            Layer::Linear(_) => LayerKind::Linear,
            Layer::Convolution(_) => LayerKind::Convolution,
            Layer::MaxPool(_) => LayerKind::MaxPool,
            Layer::SumPool(_) => LayerKind::SumPool,
            Layer::Flatten => LayerKind::Flatten,
            Layer::Rect => LayerKind::Rect,
            Layer::Tanh => LayerKind::Tanh,
            Layer::SoftMax => LayerKind::SoftMax,
        }
    }

    /// The output shape for an input of shape `input` (batch first), or the shape the
    /// layer expects when `input` does not fit.
    pub(crate) fn output_shape(
        &self,
        input: &[usize],
    ) -> std::result::Result<Vec<usize>, ExpectedShape> {
        match self {
            Layer::Linear(l) => l.output_shape(input),
            Layer::Convolution(c) => c.output_shape(input),
            Layer::MaxPool(p) | Layer::SumPool(p) => p.output_shape(input),
            Layer::Flatten => flatten::output_shape(input),
            Layer::Rect | Layer::Tanh => Ok(input.to_vec()),
            Layer::SoftMax => activation::softmax_output_shape(input),
        }
    }

    /// Y for input X. `x` has a shape `output_shape` accepted, in standard layout.
    pub(crate) fn forward(&self, x: &ArrayD<f64>) -> ArrayD<f64> {
        match self {
            Layer::Linear(l) => l.forward(x),
            Layer::Convolution(c) => c.forward(x),
            Layer::MaxPool(p) => p.forward_max(x),
            Layer::SumPool(p) => p.forward_sum(x),
            Layer::Flatten => flatten::forward(x),
            Layer::Rect => activation::rect(x),
            Layer::Tanh => activation::tanh(x),
            Layer::SoftMax => activation::softmax(x),
        }
    }

    /// The gradient with respect to the input (if `wants.dx`) and the parameter gradients
    /// (if `wants.params` and the layer has parameters), given the layer's input `x`,
    /// output `y` and the gradient `dy` with respect to its output. SoftMax passes `dy`
    /// through unchanged (the toolbox trains with dy = prediction - target). `dy` is taken
    /// by value so that elementwise layers can reuse its memory.
    pub(crate) fn backward(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        dy: ArrayD<f64>,
        wants: BackwardWants,
    ) -> (Option<ArrayD<f64>>, Option<ParamGrad>) {
        if let Layer::Linear(l) = self {
            return l.backward(x, dy.view(), wants);
        }
        if let Layer::Convolution(c) = self {
            return c.backward(x, dy.view(), wants);
        }
        if !wants.dx {
            return (None, None);
        }
        let dx = match self {
            Layer::MaxPool(p) => p.backward_max(x, y, dy.view()),
            Layer::SumPool(p) => p.backward_sum(x, dy.view()),
            Layer::Flatten => flatten::backward(x, dy),
            Layer::Rect => activation::rect_backward(y, dy),
            Layer::Tanh => activation::tanh_backward(y, dy),
            Layer::SoftMax => dy,
            Layer::Linear(_) | Layer::Convolution(_) => unreachable!("handled above"),
        };
        (Some(dx), None)
    }

    /// Relevance at the input, given the layer's input `x`, output `y`, the relevance `r`
    /// at its output (shaped like `y`), the rule to apply and the numerical convention. `r`
    /// is taken by value: the activation layers pass it through without a copy.
    pub(crate) fn lrp(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        r: ArrayD<f64>,
        rule: &Rule,
        convention: Convention,
    ) -> ArrayD<f64> {
        match self {
            Layer::Linear(l) => l.lrp(x, y, r, rule, convention),
            Layer::Convolution(c) => c.lrp(x, y, r, rule, convention),
            Layer::MaxPool(p) => p.lrp_max(x, y, r.view(), rule, convention),
            Layer::SumPool(p) => p.lrp_sum(x, r.view(), rule),
            Layer::Flatten => flatten::backward(x, r),
            Layer::Rect | Layer::Tanh | Layer::SoftMax => r,
        }
    }

    /// What `lrp` with `rule` can compute once and share among several relevances sent
    /// back through this layer on the same x and y (the denominators of `simple` and
    /// `epsilon` on Linear, Convolution and SumPool layers), or `None` where nothing is
    /// worth sharing.
    pub(crate) fn lrp_shared_part(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        rule: &Rule,
    ) -> Option<ArrayD<f64>> {
        match (self, rule) {
            (Layer::Linear(_) | Layer::Convolution(_), _) => {
                epsilon_of(rule).map(|eps| stabilised_reciprocals(y, eps))
            }
            (Layer::SumPool(p), Rule::Simple) => Some(p.sum_reciprocals(x, SUMPOOL_STABILIZER)),
            (Layer::SumPool(p), Rule::Epsilon(eps)) => Some(p.sum_reciprocals(x, *eps)),
            _ => None,
        }
    }

    /// `lrp` with the part [`Layer::lrp_shared_part`] prepared for the same x, y and rule;
    /// equal to `lrp` bit for bit (both multiply by the same reciprocals).
    pub(crate) fn lrp_with_shared_part(
        &self,
        x: &ArrayD<f64>,
        shared: &ArrayD<f64>,
        r: ArrayD<f64>,
    ) -> ArrayD<f64> {
        match self {
            Layer::Linear(l) => l.lrp_with_reciprocals(x, shared, r),
            Layer::Convolution(c) => c.lrp_with_reciprocals(x, shared, r),
            Layer::SumPool(p) => p.lrp_sum_with_reciprocals(x, shared, &r),
            _ => unreachable!("only layers with a shared part get here"),
        }
    }

    /// The trainable weights W, if the layer has any.
    pub fn weights(&self) -> Option<ArrayViewD<'_, f64>> {
        match self {
            Layer::Linear(l) => Some(l.w.view().into_dyn()),
            Layer::Convolution(c) => Some(c.w.view().into_dyn()),
            _ => None,
        }
    }

    /// The trainable biases B, if the layer has any.
    pub fn biases(&self) -> Option<ArrayViewD<'_, f64>> {
        match self {
            Layer::Linear(l) => Some(l.b.view().into_dyn()),
            Layer::Convolution(c) => Some(c.b.view().into_dyn()),
            _ => None,
        }
    }

    /// Which parameter ("W" or "B") a step W -= lrate dW, B -= lrate dB would make
    /// non-finite, if any. Computes the step as `apply_gradient` does, without storing it.
    pub(crate) fn gradient_step_breaks_finiteness(
        &self,
        grad: &ParamGrad,
        lrate: f64,
    ) -> Option<&'static str> {
        let breaks = |p: ArrayViewD<f64>, d: &ArrayD<f64>| {
            p.iter()
                .zip(d.iter())
                .any(|(&p, &d)| !(p + -lrate * d).is_finite())
        };
        let (w, b) = (self.weights()?, self.biases()?);
        if breaks(w, &grad.dw) {
            Some("W")
        } else if breaks(b, &grad.db) {
            Some("B")
        } else {
            None
        }
    }

    /// W -= lrate dW, B -= lrate dB for layers with parameters; nothing for the others.
    pub(crate) fn apply_gradient(&mut self, grad: &ParamGrad, lrate: f64) {
        let (w, b) = match self {
            Layer::Linear(l) => (l.w.view_mut().into_dyn(), l.b.view_mut().into_dyn()),
            Layer::Convolution(c) => (c.w.view_mut().into_dyn(), c.b.view_mut().into_dyn()),
            _ => return,
        };
        let mut w = w;
        let mut b = b;
        w.scaled_add(-lrate, &grad.dw);
        b.scaled_add(-lrate, &grad.db);
    }
}

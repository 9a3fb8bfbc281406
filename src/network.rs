//! The network (the toolbox's `Sequential`): layers applied in order, with the toolbox's
//! stateful calls (forward, then backward/update or lrp) on top of stateless ones
//! ([`Network::trace`], [`Network::lrp_trace`], [`Network::explain`]) that several threads
//! may run at once on one shared network.

use crate::composite::Composite;
use crate::error::{LrpError, Result};
use crate::layers::{BackwardWants, Layer, LayerKind, ParamGrad};
use crate::rule::{Convention, Rule};
use ndarray::{ArrayD, ArrayViewD, CowArray, Dimension, IxDyn};

mod multiclass;

/// How Rect layers pass the gradient back in [`Network::input_gradient`] (SPEC.md
/// "Gradient methods"); every other layer uses its plain gradient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GradientMode {
    /// The plain gradient: Rect passes DY .* (x > 0).
    #[default]
    Gradient,
    /// Guided backpropagation: Rect passes DY .* (x > 0) .* (DY > 0).
    GuidedBackprop,
    /// Deconvnet: Rect passes max(DY, 0).
    Deconvnet,
}

/// The activations of one forward pass: the input, then every layer's output.
#[derive(Clone, Debug)]
pub struct Trace {
    activations: Vec<ArrayD<f64>>,
}

impl Trace {
    /// The network input the trace started from.
    pub fn input(&self) -> &ArrayD<f64> {
        &self.activations[0]
    }

    /// The network output.
    pub fn output(&self) -> &ArrayD<f64> {
        self.activations
            .last()
            .expect("a trace holds at least the input")
    }

    /// The input of layer `i` (equal to the output of layer `i - 1`); `i == len` gives the
    /// network output.
    pub fn activation(&self, i: usize) -> Option<&ArrayD<f64>> {
        self.activations.get(i)
    }
}

/// One layer with its LRP preset and the gradients of its last backward pass.
#[derive(Clone, Debug, PartialEq)]
struct Module {
    layer: Layer,
    preset: Rule,
    grad: Option<ParamGrad>,
}

/// A feed-forward network of layers, with per-layer LRP presets.
///
/// `Network` is `Send + Sync`: `&self` methods (`trace`, `lrp_trace`, `explain`,
/// `output_shape`, ...) may run on several threads at once; the toolbox-style calls that
/// cache state (`forward`, `backward`, `update`) take `&mut self`.
#[derive(Clone, Debug, Default)]
pub struct Network {
    modules: Vec<Module>,
    /// The last `forward`'s activations, for `backward` and `lrp`.
    cached: Option<Trace>,
    /// Whose conventions `lrp` and `input_gradient` follow.
    convention: Convention,
}

impl Network {
    /// An empty network (its output is its input).
    pub fn new() -> Network {
        Network::default()
    }

    /// A network of the given layers, all with the `simple` preset.
    pub fn from_layers(layers: impl IntoIterator<Item = Layer>) -> Network {
        let mut net = Network::new();
        layers.into_iter().for_each(|l| net.push(l));
        net
    }

    /// Appends a layer (preset `simple`). Drops the cached forward pass.
    pub fn push(&mut self, layer: Layer) {
        self.modules.push(Module {
            layer,
            preset: Rule::Simple,
            grad: None,
        });
        self.cached = None;
    }

    /// Removes and returns the last layer. Drops the cached forward pass.
    pub fn pop(&mut self) -> Option<Layer> {
        self.cached = None;
        self.modules.pop().map(|m| m.layer)
    }

    /// The toolbox's `drop_softmax_output_layer`: removes the last layer if it is a
    /// SoftMax and says whether it did.
    pub fn drop_softmax_output_layer(&mut self) -> bool {
        if self.modules.last().map(|m| m.layer.kind()) == Some(LayerKind::SoftMax) {
            self.pop();
            true
        } else {
            false
        }
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// Whether the network has no layers.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// Layer `i` (0-based).
    pub fn layer(&self, i: usize) -> Option<&Layer> {
        self.modules.get(i).map(|m| &m.layer)
    }

    /// The layers in order.
    pub fn layers(&self) -> impl ExactSizeIterator<Item = &Layer> + '_ {
        self.modules.iter().map(|m| &m.layer)
    }

    fn module_mut(&mut self, i: usize) -> Result<&mut Module> {
        let len = self.modules.len();
        self.modules.get_mut(i).ok_or_else(|| {
            LrpError::param(
                "layer index",
                format!("must be below the number of layers {len}, given {i}"),
            )
        })
    }

    /// Replaces W of layer `i` (a Linear or Convolution layer) by `w` of the same shape.
    /// The cached forward pass is kept, as in the toolbox.
    pub fn set_weights(&mut self, i: usize, w: ArrayViewD<f64>) -> Result<()> {
        let module = self.module_mut(i)?;
        let what = format!("W of layer {} ({})", i + 1, module.layer.kind().name());
        let target = match &mut module.layer {
            Layer::Linear(l) => l.w.view_mut().into_dyn(),
            Layer::Convolution(c) => c.w.view_mut().into_dyn(),
            other => return Err(no_parameters(i, other)),
        };
        assign_checked(target, w, what)
    }

    /// Replaces B of layer `i` (a Linear or Convolution layer) by `b` of the same length.
    pub fn set_biases(&mut self, i: usize, b: ArrayViewD<f64>) -> Result<()> {
        let module = self.module_mut(i)?;
        let what = format!("B of layer {} ({})", i + 1, module.layer.kind().name());
        let target = match &mut module.layer {
            Layer::Linear(l) => l.b.view_mut().into_dyn(),
            Layer::Convolution(c) => c.b.view_mut().into_dyn(),
            other => return Err(no_parameters(i, other)),
        };
        // B is a vector; accept it as 1 x n or n x 1 too, as MATLAB users hold it.
        let b = b
            .to_shape(IxDyn(&[b.len()]))
            .expect("vector reshape")
            .into_owned();
        assign_checked(target, b.view(), what)
    }

    /// The numerical convention of `lrp` (default [`Convention::Toolbox`]).
    pub fn convention(&self) -> Convention {
        self.convention
    }

    /// Sets the numerical convention of `lrp`: [`Convention::Zennit`] makes composites
    /// and `zplus` match zennit. The gradient methods do not depend on it.
    pub fn set_convention(&mut self, convention: Convention) {
        self.convention = convention;
    }

    /// The LRP preset of layer `i`.
    pub fn preset(&self, i: usize) -> Option<Rule> {
        self.modules.get(i).map(|m| m.preset.clone())
    }

    /// Sets the LRP preset of layer `i` (the toolbox's per-layer `set_lrp_parameters`).
    /// The rules beyond the toolbox's that only Linear and Convolution layers use (`gamma`,
    /// `zbox`) are an error on any other layer, which would ignore them; the toolbox's
    /// rules are accepted on every layer, as the toolbox does.
    pub fn set_preset(&mut self, i: usize, rule: Rule) -> Result<()> {
        rule.validate()?;
        let m = self.module_mut(i)?;
        if matches!(rule, Rule::Gamma(_) | Rule::ZBox { .. }) && m.layer.weights().is_none() {
            return Err(LrpError::param(
                "rule",
                format!(
                    "{} applies to Linear and Convolution layers only; layer {} is a {}",
                    rule.name(),
                    i + 1,
                    m.layer.kind().name()
                ),
            ));
        }
        check_bounds_fit(i, &m.layer, &rule)?;
        m.preset = rule;
        Ok(())
    }

    /// Sets the LRP preset of every layer (the toolbox's `Sequential.set_lrp_parameters`).
    pub fn set_lrp_parameters(&mut self, rule: Rule) -> Result<()> {
        rule.validate()?;
        for (i, m) in self.modules.iter().enumerate() {
            check_bounds_fit(i, &m.layer, &rule)?;
        }
        self.modules
            .iter_mut()
            .for_each(|m| m.preset = rule.clone());
        Ok(())
    }

    /// Sets every layer's preset from a composite (SPEC.md "Composites"): its rule for the
    /// layer's type and position. Nothing changes when the composite's parameters are out of
    /// range.
    pub fn set_composite(&mut self, composite: &Composite) -> Result<()> {
        composite.validate()?;
        let rules = composite.rules(self.layers());
        for (i, (m, rule)) in self.modules.iter().zip(&rules).enumerate() {
            check_bounds_fit(i, &m.layer, rule)?;
        }
        for (m, rule) in self.modules.iter_mut().zip(rules) {
            m.preset = rule;
        }
        Ok(())
    }

    /// The shapes of every activation for an input of shape `input`: the input shape, then
    /// each layer's output shape. Fails with the first layer that does not fit.
    pub fn shapes(&self, input: &[usize]) -> Result<Vec<Vec<usize>>> {
        if input.len() < 2 || input.contains(&0) {
            return Err(LrpError::param(
                "input shape",
                format!("needs a batch dimension and at least one more, none of them 0; given {input:?}"),
            ));
        }
        // An input that fits in memory keeps every later shape's element count in range.
        crate::buffer::element_count("input shape", input)?;
        let mut shapes = vec![input.to_vec()];
        for (i, m) in self.modules.iter().enumerate() {
            let last = shapes.last().expect("non-empty");
            let next = m
                .layer
                .output_shape(last)
                .map_err(|expected| LrpError::ShapeMismatch {
                    what: format!("input of layer {} ({})", i + 1, m.layer.kind().name()),
                    expected,
                    given: last.clone(),
                })?;
            shapes.push(next);
        }
        Ok(shapes)
    }

    /// The output shape for an input of shape `input`.
    pub fn output_shape(&self, input: &[usize]) -> Result<Vec<usize>> {
        Ok(self.shapes(input)?.pop().expect("non-empty"))
    }

    /// Runs the network on `x` (batch first) and returns all activations, leaving the
    /// network untouched. Thread-safe.
    ///
    /// `x` may be a view (copied into the trace) or an owned array (moved into it, which
    /// spares a copy of the batch).
    pub fn trace<'a>(&self, x: impl Into<CowArray<'a, f64, IxDyn>>) -> Result<Trace> {
        let x = x.into();
        self.shapes(x.shape())?;
        check_finite("input", &x.view())?;
        let mut activations = Vec::with_capacity(self.modules.len() + 1);
        activations.push(if x.is_standard_layout() {
            x.into_owned()
        } else {
            x.as_standard_layout().into_owned()
        });
        for m in &self.modules {
            let next = m.layer.forward(activations.last().expect("non-empty"));
            activations.push(next);
        }
        Ok(Trace { activations })
    }

    /// The toolbox's `forward(X, lrp_aware)`: runs the network, caches the activations for
    /// `backward` and `lrp`, and returns the output. `lrp_aware` is accepted for
    /// compatibility; results are identical either way.
    pub fn forward<'a>(
        &mut self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        lrp_aware: bool,
    ) -> Result<ArrayD<f64>> {
        let _ = lrp_aware;
        let trace = self.trace(x)?;
        let y = trace.output().clone();
        self.cached = Some(trace);
        self.modules.iter_mut().for_each(|m| m.grad = None);
        Ok(y)
    }

    /// The activations of the last `forward`, if any.
    pub fn cached_trace(&self) -> Option<&Trace> {
        self.cached.as_ref()
    }

    /// The toolbox's `clean()`: drops cached activations and gradients.
    pub fn clean(&mut self) {
        self.cached = None;
        self.modules.iter_mut().for_each(|m| m.grad = None);
    }

    fn cached_or(&self, call: &'static str) -> Result<&Trace> {
        self.cached.as_ref().ok_or(LrpError::OutOfOrder {
            call,
            needs: "forward",
        })
    }

    /// The gradient of the network output with respect to its input, given `dy` (shaped
    /// like the output) after `forward`; also keeps every layer's parameter gradients for
    /// `update`. SoftMax passes `dy` through (the toolbox trains with dy = Y - T).
    pub fn backward(&mut self, dy: ArrayViewD<f64>) -> Result<ArrayD<f64>> {
        self.backward_with(dy, true)
            .map(|dx| dx.expect("input gradient requested"))
    }

    /// `backward`, optionally skipping the first layer's input gradient (training does not
    /// need it).
    pub(crate) fn backward_with(
        &mut self,
        dy: ArrayViewD<f64>,
        want_input_grad: bool,
    ) -> Result<Option<ArrayD<f64>>> {
        let trace = self.cached_or("backward")?;
        check_same_shape("gradient dy", trace.output().shape(), dy.shape())?;
        check_finite("gradient dy", &dy)?;
        let mut grads = Vec::with_capacity(self.modules.len());
        let mut g = Some(dy.as_standard_layout().into_owned());
        for (i, m) in self.modules.iter().enumerate().rev() {
            let wants = BackwardWants {
                dx: i > 0 || want_input_grad,
                params: m.layer.kind().has_parameters(),
            };
            let (x, y) = (&trace.activations[i], &trace.activations[i + 1]);
            let dy = g
                .take()
                .expect("every layer but the first passes a gradient on");
            let (dx, grad) = m.layer.backward(x, y, dy, wants);
            grads.push(grad);
            g = dx;
        }
        for (m, grad) in self.modules.iter_mut().rev().zip(grads) {
            m.grad = grad;
        }
        Ok(g)
    }

    /// The gradient of the network output with respect to its input for `dy` (shaped like
    /// the output) on the last `forward`, with Rect layers treated as `mode` says. SoftMax
    /// passes `dy` through, as in [`Network::backward`]. Where a MaxPool window holds its
    /// maximum more than once, only the first (row-major) receives the gradient, as in
    /// PyTorch and Caffe, in either convention: that is the gradient of the network along
    /// any path on which the tie persists, which integrated gradients rely on. (The
    /// toolbox's `backward`, used in training, gives every tied maximum the full gradient;
    /// on an image with a flat background that multiplies the gradient of each tied window,
    /// and integrated gradients of a MaxPool network then missed f(x) - f(0) by 200 %.)
    /// Keeps no parameter gradients.
    pub fn input_gradient(&self, dy: ArrayViewD<f64>, mode: GradientMode) -> Result<ArrayD<f64>> {
        self.input_gradient_trace(self.cached_or("input_gradient")?, dy, mode)
    }

    /// [`Network::input_gradient`] on a given trace of this network. Thread-safe.
    pub fn input_gradient_trace(
        &self,
        trace: &Trace,
        dy: ArrayViewD<f64>,
        mode: GradientMode,
    ) -> Result<ArrayD<f64>> {
        self.check_trace(trace)?;
        check_same_shape("gradient dy", trace.output().shape(), dy.shape())?;
        check_finite("gradient dy", &dy)?;
        let mut g = dy.as_standard_layout().into_owned();
        let wants = BackwardWants {
            dx: true,
            params: false,
        };
        for (i, m) in self.modules.iter().enumerate().rev() {
            let (x, y) = (&trace.activations[i], &trace.activations[i + 1]);
            g = match (&m.layer, mode) {
                (Layer::Rect, GradientMode::GuidedBackprop) => {
                    ndarray::Zip::from(&mut g).and(x).for_each(|d, &x| {
                        if !(x > 0.0 && *d > 0.0) {
                            *d = 0.0;
                        }
                    });
                    g
                }
                (Layer::Rect, GradientMode::Deconvnet) => {
                    g.mapv_inplace(|d| d.max(0.0));
                    g
                }
                (Layer::MaxPool(p), _) => p.route_to_first_max(x, y, g.view()),
                _ => m
                    .layer
                    .backward(x, y, g, wants)
                    .0
                    .expect("input gradient requested"),
            };
        }
        Ok(g)
    }

    /// The toolbox's `update(lrate)`: W -= lrate dW, B -= lrate dB with the gradients of
    /// the last `backward`.
    pub fn update(&mut self, lrate: f64) -> Result<()> {
        if !lrate.is_finite() {
            return Err(LrpError::param(
                "lrate",
                format!("must be finite, given {lrate}"),
            ));
        }
        let has_params = self.modules.iter().any(|m| m.layer.kind().has_parameters());
        if has_params && self.modules.iter().all(|m| m.grad.is_none()) {
            return Err(LrpError::OutOfOrder {
                call: "update",
                needs: "forward and backward",
            });
        }
        // All or nothing: a step that would make a parameter non-finite (a diverging
        // training) changes no layer.
        for (i, m) in self.modules.iter().enumerate() {
            if let Some(grad) = &m.grad {
                if let Some(what) = m.layer.gradient_step_breaks_finiteness(grad, lrate) {
                    return Err(LrpError::param(
                        "lrate",
                        format!(
                            "the update by {lrate} makes {what} of layer {} non-finite",
                            i + 1
                        ),
                    ));
                }
            }
        }
        for m in &mut self.modules {
            if let Some(grad) = &m.grad {
                m.layer.apply_gradient(grad, lrate);
            }
        }
        Ok(())
    }

    /// Parameter gradients of layer `i` from the last `backward`, if any.
    pub fn gradient(&self, i: usize) -> Option<&ParamGrad> {
        self.modules.get(i).and_then(|m| m.grad.as_ref())
    }

    /// The toolbox's `lrp(R, rule, param)` on the last `forward`: relevance `r` (shaped
    /// like the output) sent back to the input, with `rule` for every layer or, when
    /// `None`, each layer's preset.
    pub fn lrp(&self, r: ArrayViewD<f64>, rule: Option<Rule>) -> Result<ArrayD<f64>> {
        self.lrp_trace(self.cached_or("lrp")?, r, rule)
    }

    /// LRP of `r` on a given trace of this network. Thread-safe.
    pub fn lrp_trace(
        &self,
        trace: &Trace,
        r: ArrayViewD<f64>,
        rule: Option<Rule>,
    ) -> Result<ArrayD<f64>> {
        self.check_lrp_inputs(trace, &rule)?;
        check_same_shape("relevance R", trace.output().shape(), r.shape())?;
        check_finite("relevance R", &r)?;
        Ok(self.lrp_layers(trace, r.as_standard_layout().into_owned(), &rule))
    }

    /// The checks every LRP entry point makes before touching any data: the trace fits
    /// this network, the rule's parameters are valid, per-channel bounds fit their layers.
    pub(crate) fn check_lrp_inputs(&self, trace: &Trace, rule: &Option<Rule>) -> Result<()> {
        self.check_trace(trace)?;
        if let Some(rule) = rule {
            rule.validate()?;
        }
        for (i, m) in self.modules.iter().enumerate() {
            let rule = rule.as_ref().unwrap_or(&m.preset);
            check_bounds_fit(i, &m.layer, rule)?;
        }
        Ok(())
    }

    /// Sends `rel` (shaped like the trace's output, standard layout) back through every
    /// layer with `rule` or the presets; inputs already checked.
    pub(crate) fn lrp_layers(
        &self,
        trace: &Trace,
        mut rel: ArrayD<f64>,
        rule: &Option<Rule>,
    ) -> ArrayD<f64> {
        for (i, m) in self.modules.iter().enumerate().rev() {
            let rule = rule.as_ref().unwrap_or(&m.preset);
            let (x, y) = (&trace.activations[i], &trace.activations[i + 1]);
            rel = m.layer.lrp(x, y, rel, rule, self.convention);
        }
        rel
    }

    /// Fails unless `trace` has the activation shapes this network makes from its input.
    fn check_trace(&self, trace: &Trace) -> Result<()> {
        let shapes = self.shapes(trace.input().shape())?;
        let fits = trace.activations.len() == shapes.len()
            && trace
                .activations
                .iter()
                .zip(&shapes)
                .all(|(a, s)| a.shape() == s.as_slice());
        if !fits {
            return Err(LrpError::param(
                "trace",
                "was made by a network of another architecture",
            ));
        }
        Ok(())
    }

    /// One call from input to heatmap, without touching the cached state (so threads may
    /// share the network): forward `x`, keep for sample n only the output of class
    /// `classes[n]`, and send it back with `rule` (or the presets). The output must be
    /// N x C; the result is shaped like `x`.
    pub fn explain<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<f64>> {
        let trace = self.trace(x)?;
        let y = trace.output();
        let n = y.shape()[0];
        let c = match y.shape() {
            [_, c] => *c,
            other => {
                return Err(LrpError::param(
                    "explain",
                    format!("needs an N x C output, the network gives {other:?}"),
                ))
            }
        };
        if classes.len() != n {
            return Err(LrpError::shape("classes", &[n], &[classes.len()]));
        }
        if let Some((s, &k)) = classes.iter().enumerate().find(|(_, &k)| k >= c) {
            return Err(LrpError::param(
                "classes",
                format!("class of sample {s} must be below {c}, given {k}"),
            ));
        }
        let mut r = ArrayD::zeros(y.raw_dim());
        for (s, &k) in classes.iter().enumerate() {
            r[[s, k]] = y[[s, k]];
        }
        self.lrp_trace(&trace, r.view(), rule)
    }

    /// Parameters of all layers, for keeping the best state in training.
    pub(crate) fn snapshot(&self) -> Vec<Layer> {
        self.layers().cloned().collect()
    }

    /// Restores parameters saved by `snapshot` (same architecture).
    pub(crate) fn restore(&mut self, layers: Vec<Layer>) {
        for (m, l) in self.modules.iter_mut().zip(layers) {
            m.layer = l;
        }
        self.clean();
    }
}

impl PartialEq for Network {
    /// Networks are equal when their layers and presets are; cached state is ignored.
    fn eq(&self, other: &Self) -> bool {
        self.modules.len() == other.modules.len()
            && self
                .modules
                .iter()
                .zip(&other.modules)
                .all(|(a, b)| a.layer == b.layer && a.preset == b.preset)
    }
}

fn no_parameters(i: usize, layer: &Layer) -> LrpError {
    LrpError::param(
        "layer index",
        format!(
            "layer {} is a {} and has no W or B",
            i + 1,
            layer.kind().name()
        ),
    )
}

fn assign_checked(
    mut target: ndarray::ArrayViewMutD<f64>,
    value: ArrayViewD<f64>,
    what: String,
) -> Result<()> {
    if target.shape() != value.shape() {
        return Err(LrpError::shape(what, target.shape(), value.shape()));
    }
    check_finite(&what, &value)?;
    target.assign(&value);
    Ok(())
}

/// Per-channel zbox bounds must have one value per input channel of the layer (the third
/// axis of a Convolution's W, the rows of a Linear layer's W); layers without parameters
/// treat zbox as `simple` and ignore bounds.
fn check_bounds_fit(i: usize, layer: &Layer, rule: &Rule) -> Result<()> {
    let Rule::ZBox { low, high } = rule else {
        return Ok(());
    };
    let Some(w) = layer.weights() else {
        return Ok(());
    };
    let channels = w.shape()[w.ndim() - 2];
    for (what, bound) in [("low", low), ("high", high)] {
        if let Some(given) = bound.channels() {
            if given != channels {
                return Err(LrpError::shape(
                    format!(
                        "zbox {what} bounds of layer {} (one per input channel)",
                        i + 1
                    ),
                    &[channels],
                    &[given],
                ));
            }
        }
    }
    Ok(())
}

fn check_same_shape(what: &str, expected: &[usize], given: &[usize]) -> Result<()> {
    if expected != given {
        return Err(LrpError::shape(what, expected, given));
    }
    Ok(())
}

/// Fails with the multi-index of the first NaN or infinity in `a` (C order).
pub(crate) fn check_finite(what: &str, a: &ArrayViewD<f64>) -> Result<()> {
    if a.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    match a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        None => Ok(()),
        Some((index, &value)) => Err(LrpError::NonFinite {
            what: what.to_string(),
            index: index.as_array_view().to_vec(),
            value,
        }),
    }
}

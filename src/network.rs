//! The network: a graph of layers, each node a layer applied to the outputs of earlier nodes
//! (a sequence, the toolbox's `Sequential`, is the simple case), with the toolbox's
//! stateful calls (forward, then backward/update or lrp) on top of stateless ones
//! ([`Network::trace`], [`Network::lrp_trace`], [`Network::explain`]) that several threads
//! may run at once on one shared network.
//!
//! Values are numbered: value 0 is the network input, value i + 1 the output of node i.
//! A node's inputs are earlier values, so the nodes' order is a topological order; the
//! network's output is the last node's output. Going back (backward, LRP, the gradient
//! methods), the node's contributions to each of its inputs add up where one value feeds
//! several nodes.

use crate::composite::Composite;
use crate::element::{Element, Precision};
use crate::error::{LrpError, Result};
use crate::layers::{BackwardWants, Layer, LayerKind, ParamGrad};
use crate::rule::{Convention, Rule};
use crate::targets::Targets;
use ndarray::{ArrayD, ArrayViewD, CowArray, Dimension, IxDyn};
use std::sync::OnceLock;

/// The axis order of the image batches a network takes and gives back (2-D batches are
/// N x features either way). Inside, the core keeps images as N x H x W x D.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    /// N x H x W x D: the toolbox's order (the default).
    #[default]
    ChannelsLast,
    /// N x C x H x W: PyTorch's and ONNX's order (networks read from ONNX files).
    ChannelsFirst,
}

impl Layout {
    /// A shape in this layout as the core keeps it (images N x H x W x C).
    pub fn internal_shape(self, s: &[usize]) -> Vec<usize> {
        match (self, s) {
            (Layout::ChannelsFirst, &[n, c, h, w]) => vec![n, h, w, c],
            _ => s.to_vec(),
        }
    }

    /// A shape of the core (e.g. from [`Network::shapes`]) as the caller sees it in this
    /// layout.
    pub fn external_shape(self, s: &[usize]) -> Vec<usize> {
        match (self, s) {
            (Layout::ChannelsFirst, &[n, h, w, c]) => vec![n, c, h, w],
            _ => s.to_vec(),
        }
    }

    /// A caller's array as the core keeps it (a view where no permutation is needed).
    pub(crate) fn to_internal<'a, T: Element>(
        self,
        a: CowArray<'a, T, IxDyn>,
    ) -> CowArray<'a, T, IxDyn> {
        if self == Layout::ChannelsFirst && a.ndim() == 4 {
            let permuted = a
                .view()
                .permuted_axes(IxDyn(&[0, 2, 3, 1]))
                .as_standard_layout()
                .into_owned();
            return permuted.into();
        }
        a
    }

    /// A core array as the caller sees it in this layout.
    pub(crate) fn to_external<T: Element>(self, a: ArrayD<T>) -> ArrayD<T> {
        if self == Layout::ChannelsFirst && a.ndim() == 4 {
            return a
                .permuted_axes(IxDyn(&[0, 3, 1, 2]))
                .as_standard_layout()
                .into_owned();
        }
        a
    }
}

mod canonize;
mod multiclass;

pub use multiclass::Explained;

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

/// The activations of one forward pass: the input, then every layer's output, in the
/// element type the pass computed in (f64 unless said otherwise).
#[derive(Clone, Debug)]
pub struct Trace<T: Element = f64> {
    activations: Vec<ArrayD<T>>,
    /// For a value left out of the trace because it is cheap to make again from a kept
    /// one (a Rect's output, from the convolution output LRP keeps anyway): the node that
    /// makes it. Empty when nothing was left out so ([`Network::explain`]).
    remade_by: Vec<Option<usize>>,
}

/// The activations a backward walk reads ([`Network::walk_back`]): a trace the caller
/// keeps, or one the walk owns and frees as it goes.
pub(crate) enum Walked<'t, T: Element = f64> {
    Borrowed(&'t Trace<T>),
    Owned(Trace<T>),
}

impl<'t, T: Element> From<&'t Trace<T>> for Walked<'t, T> {
    fn from(trace: &'t Trace<T>) -> Self {
        Walked::Borrowed(trace)
    }
}

impl<T: Element> From<Trace<T>> for Walked<'_, T> {
    fn from(trace: Trace<T>) -> Self {
        Walked::Owned(trace)
    }
}

impl<T: Computes> Walked<'_, T> {
    fn activations(&self) -> &[ArrayD<T>] {
        match self {
            Walked::Borrowed(t) => &t.activations,
            Walked::Owned(t) => &t.activations,
        }
    }

    /// Makes again the values among `values` that the trace left out to be remade (see
    /// [`Trace::remade_by`]), from their makers' kept inputs; they are freed again when
    /// the walk passes their maker.
    fn remake(&mut self, net: &Network, values: impl Iterator<Item = usize>) {
        let Walked::Owned(t) = self else { return };
        for v in values {
            let Some(Some(p)) = t.remade_by.get(v).copied() else {
                continue;
            };
            if !is_empty(&t.activations[v]) {
                continue;
            }
            let made = {
                let ins: Vec<&ArrayD<T>> = net.modules[p]
                    .inputs
                    .iter()
                    .map(|&u| &t.activations[u])
                    .collect();
                T::layer(net, p).ops().forward(&ins)
            };
            t.activations[v] = made;
        }
    }

    /// Frees activation `i` of an owned trace (it is left empty); a borrowed one is kept.
    fn release(&mut self, i: usize) {
        if let Walked::Owned(t) = self {
            t.activations[i] = empty();
        }
    }
}

impl<T: Element> Trace<T> {
    /// Marks the values left out to be made again by the given nodes (see `remade_by`).
    pub(crate) fn set_remade_by(&mut self, remade_by: Vec<Option<usize>>) {
        self.remade_by = remade_by;
    }

    /// The network input the trace started from.
    pub fn input(&self) -> &ArrayD<T> {
        &self.activations[0]
    }

    /// The network output.
    pub fn output(&self) -> &ArrayD<T> {
        self.activations
            .last()
            .expect("a trace holds at least the input")
    }

    /// The input of layer `i` (equal to the output of layer `i - 1`); `i == len` gives the
    /// network output.
    pub fn activation(&self, i: usize) -> Option<&ArrayD<T>> {
        self.activations.get(i)
    }
}

/// One node: a layer, the values it takes, its LRP preset and the gradients of its last
/// backward pass.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Module {
    layer: Layer,
    inputs: Vec<usize>,
    preset: Rule,
    grad: Option<ParamGrad>,
}

/// A feed-forward network: a graph of layers, with per-layer LRP presets.
///
/// `Network` is `Send + Sync`: `&self` methods (`trace`, `lrp_trace`, `explain`,
/// `output_shape`, ...) may run on several threads at once; the toolbox-style calls that
/// cache state (`forward`, `backward`, `update`) take `&mut self`.
#[derive(Clone, Debug, Default)]
pub struct Network {
    modules: Vec<Module>,
    /// The last `forward`'s activations, for `backward` and `lrp`.
    cached: Option<Trace>,
    /// Whose conventions `lrp` follows where the toolbox and zennit differ (only: the
    /// stabiliser of `alphabeta`, a tied MaxPool maximum, and what the BatchNorm merge
    /// leaves).
    convention: Convention,
    /// The axis order of the image batches the caller passes and gets back.
    layout: Layout,
    /// What the stateless calls compute in.
    precision: Precision,
    /// Under f32 precision, the layers converted to f32: made at first use, dropped by
    /// every change of the layers (everything that reaches a node mutably).
    f32_layers: OnceLock<Vec<Layer<f32>>>,
}

/// An element type a network computes in, and where its layers of that type are: f64 in
/// the nodes themselves, f32 in the copy the f32 precision keeps.
pub(crate) trait Computes: Element {
    /// The layer of node `i` in this element type.
    fn layer(net: &Network, i: usize) -> &Layer<Self>;
}

impl Computes for f64 {
    fn layer(net: &Network, i: usize) -> &Layer<f64> {
        &net.modules[i].layer
    }
}

impl Computes for f32 {
    fn layer(net: &Network, i: usize) -> &Layer<f32> {
        &net.f32_layers
            .get_or_init(|| net.modules.iter().map(|m| m.layer.to_f32()).collect())[i]
    }
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

    /// Appends a layer that takes the last value (the previous layer's output, or the
    /// network input), with preset `simple`. Drops the cached forward pass. A layer that
    /// takes several inputs (Add, Concat) needs [`Network::add_node`].
    pub fn push(&mut self, layer: Layer) {
        let last = self.modules.len();
        self.modules.push(Module {
            layer,
            inputs: vec![last],
            preset: Rule::Simple,
            grad: None,
        });
        self.layers_changed();
    }

    /// Adds a node: `layer` applied to the values `inputs` (0 the network input, i + 1
    /// the output of node i), preset `simple`. Returns the value of its output. The new
    /// node's output becomes the network's output. Drops the cached forward pass.
    pub fn add_node(&mut self, layer: Layer, inputs: &[usize]) -> Result<usize> {
        let values = self.modules.len() + 1;
        let node = self.modules.len() + 1;
        if let Some(&v) = inputs.iter().find(|&&v| v >= values) {
            return Err(LrpError::param(
                "node inputs",
                format!("node {node} ({}) may take values 0 to {} (the input and earlier nodes), given {v}", layer.kind().name(), values - 1),
            ));
        }
        let arity_fits = if layer.takes_many_inputs() {
            inputs.len() >= 2
        } else {
            inputs.len() == 1
        };
        if !arity_fits {
            let wanted = if layer.takes_many_inputs() {
                "at least 2"
            } else {
                "exactly 1"
            };
            return Err(LrpError::param(
                "node inputs",
                format!(
                    "node {node} ({}) takes {wanted} inputs, given {}",
                    layer.kind().name(),
                    inputs.len()
                ),
            ));
        }
        self.modules.push(Module {
            layer,
            inputs: inputs.to_vec(),
            preset: Rule::Simple,
            grad: None,
        });
        self.layers_changed();
        Ok(node)
    }

    /// Replaces the layer of node `i` by one of the same kind and the same output shape for
    /// every input shape the old one took (the caller's promise: e.g. new parameters of the
    /// same sizes). Keeps the node's inputs and preset; drops the cached forward pass.
    pub fn replace_layer(&mut self, i: usize, layer: Layer) -> Result<()> {
        let m = self.module_mut(i)?;
        if m.layer.kind() != layer.kind() || m.layer.sizes() != layer.sizes() {
            return Err(LrpError::param(
                "layer",
                format!(
                    "layer {} is a {} {:?}, the replacement a {} {:?}",
                    i + 1,
                    m.layer.kind().name(),
                    m.layer.sizes(),
                    layer.kind().name(),
                    layer.sizes()
                ),
            ));
        }
        m.layer = layer;
        self.layers_changed();
        Ok(())
    }

    /// The values node `i` takes (0 the network input, j + 1 the output of node j).
    pub fn node_inputs(&self, i: usize) -> Option<&[usize]> {
        self.modules.get(i).map(|m| m.inputs.as_slice())
    }

    /// Whether every node takes the output of the node before it (or the input, for the
    /// first): the toolbox's `Sequential`.
    pub fn is_sequential(&self) -> bool {
        self.modules
            .iter()
            .enumerate()
            .all(|(i, m)| m.inputs == [i])
    }

    /// The axis order of the image batches the network takes and gives back.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Sets the axis order of the image batches the network takes and gives back.
    pub fn set_layout(&mut self, layout: Layout) {
        self.layout = layout;
        self.cached = None;
    }

    /// What the stateless calls ([`Network::explain`], [`Network::explain_f32`],
    /// [`Network::predict`], [`Network::predict_f32`], and the C doors built on them)
    /// compute in.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Sets what the stateless calls compute in. Under [`Precision::F32`] the first such
    /// call makes an f32 copy of the parameters (kept until the layers change: set_weights,
    /// update, canonizing, ...), the activations and relevances are f32, and data of the
    /// other type is converted once on the way in and once on the way out. The toolbox's
    /// stateful calls (`forward`, `backward`, `lrp`, `update`), training and the gradient
    /// methods compute in f64 either way.
    pub fn set_precision(&mut self, precision: Precision) {
        self.precision = precision;
        if precision == Precision::F64 {
            self.f32_layers.take();
        }
    }

    /// The layers changed: drops the cached forward pass and the f32 copy.
    fn layers_changed(&mut self) {
        self.cached = None;
        self.f32_layers.take();
    }

    /// Removes and returns the last layer. Drops the cached forward pass. (In a graph the
    /// new output is the node before it, whatever fed the removed node.)
    pub fn pop(&mut self) -> Option<Layer> {
        self.layers_changed();
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

    /// Node `i` for changing: drops the f32 copy of the layers (the cached forward pass
    /// stays: the toolbox keeps it when weights are set).
    fn module_mut(&mut self, i: usize) -> Result<&mut Module> {
        self.f32_layers.take();
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
        let kind = module.layer.kind();
        let Some((target, _)) = module.layer.parameters_mut() else {
            return Err(no_parameters(i, kind));
        };
        assign_checked(target, w, what)
    }

    /// Replaces B of layer `i` (a Linear or Convolution layer) by `b` of the same length.
    pub fn set_biases(&mut self, i: usize, b: ArrayViewD<f64>) -> Result<()> {
        let module = self.module_mut(i)?;
        let what = format!("B of layer {} ({})", i + 1, module.layer.kind().name());
        let kind = module.layer.kind();
        let Some((_, target)) = module.layer.parameters_mut() else {
            return Err(no_parameters(i, kind));
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
    /// and `zplus` match zennit. The gradient methods do not depend on it. Set it before
    /// [`Network::canonized`]: the BatchNorm merge leaves zennit's 1/sqrt(1+eps) residual
    /// only on a network that already follows zennit's convention.
    pub fn set_convention(&mut self, convention: Convention) {
        self.convention = convention;
    }

    /// The LRP preset of layer `i`.
    pub fn preset(&self, i: usize) -> Option<Rule> {
        self.modules.get(i).map(|m| m.preset.clone())
    }

    /// Sets the LRP preset of layer `i` (the toolbox's per-layer `set_lrp_parameters`). A
    /// rule the layer does not accept ([`Layer::accepts`]: `pass` on a Linear layer,
    /// `alphabeta` on an Add, `gamma` or `zbox` on a layer without weights, which would
    /// ignore them) is an error naming layer and rule; the toolbox's rules are accepted on
    /// every layer of the toolbox's kinds, as the toolbox does.
    pub fn set_preset(&mut self, i: usize, rule: Rule) -> Result<()> {
        rule.validate()?;
        let m = self.module_mut(i)?;
        check_accepts(i, &m.layer, &rule)?;
        check_bounds_fit(i, &m.layer, &rule)?;
        m.preset = rule;
        Ok(())
    }

    /// Sets the LRP preset of every layer that accepts `rule` (the toolbox's
    /// `Sequential.set_lrp_parameters`); the others keep theirs.
    pub fn set_lrp_parameters(&mut self, rule: Rule) -> Result<()> {
        rule.validate()?;
        for (i, m) in self.modules.iter().enumerate() {
            check_bounds_fit(i, &m.layer, &rule)?;
        }
        self.modules
            .iter_mut()
            .filter(|m| m.layer.accepts(&rule))
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
        // A layer the composite's rule does not apply to (alphabeta of a Caffe type on an
        // Add, say) keeps its preset.
        for (m, rule) in self.modules.iter_mut().zip(rules) {
            if m.layer.accepts(&rule) {
                m.preset = rule;
            }
        }
        Ok(())
    }

    /// The shapes of every value for an input of shape `input` (in the network's layout):
    /// the input shape, then each node's output shape, as the core keeps them (images
    /// N x H x W x D). Fails with the first node that does not fit.
    pub fn shapes(&self, input: &[usize]) -> Result<Vec<Vec<usize>>> {
        if input.len() < 2 || input.contains(&0) {
            return Err(LrpError::param(
                "input shape",
                format!("needs a batch dimension and at least one more, none of them 0; given {input:?}"),
            ));
        }
        // An input that fits in memory keeps every later shape's element count in range.
        crate::buffer::element_count("input shape", input)?;
        let mut shapes = vec![self.layout.internal_shape(input)];
        for (i, m) in self.modules.iter().enumerate() {
            let ins: Vec<&[usize]> = m.inputs.iter().map(|&v| shapes[v].as_slice()).collect();
            let next = m.layer.ops().output_shape(&ins).map_err(|expected| {
                // Name the input that does not fit (the first, unless a later one differs).
                let given = ins
                    .iter()
                    .find(|s| {
                        s.len() != expected.len()
                            || s.iter()
                                .zip(&expected)
                                .any(|(g, e)| e.is_some_and(|e| e != *g))
                    })
                    .unwrap_or(&ins[0]);
                LrpError::ShapeMismatch {
                    what: format!("input of layer {} ({})", i + 1, m.layer.kind().name()),
                    expected,
                    given: given.to_vec(),
                }
            })?;
            // A padded or strided node (built from C or a file) can ask for an output no
            // machine holds: refuse it here rather than abort in the allocation.
            crate::buffer::check_memory(
                &format!("output of layer {} ({})", i + 1, m.layer.kind().name()),
                &next,
            )?;
            shapes.push(next);
        }
        Ok(shapes)
    }

    /// The output shape for an input of shape `input` (both in the network's layout).
    pub fn output_shape(&self, input: &[usize]) -> Result<Vec<usize>> {
        let out = self.shapes(input)?.pop().expect("non-empty");
        Ok(self.layout.external_shape(&out))
    }

    /// Runs the network on `x` (batch first, in the network's layout) and returns all
    /// activations, leaving the network untouched. Thread-safe.
    ///
    /// `x` may be a view (copied into the trace) or an owned array (moved into it, which
    /// spares a copy of the batch). The trace keeps images as N x H x W x D.
    pub fn trace<'a>(&self, x: impl Into<CowArray<'a, f64, IxDyn>>) -> Result<Trace> {
        self.trace_keeping(x, None)
    }

    /// [`Network::trace`] computed in `T` (f32: on the f32 copy of the layers).
    pub(crate) fn trace_in<'a, T: Computes>(
        &self,
        x: impl Into<CowArray<'a, T, IxDyn>>,
    ) -> Result<Trace<T>> {
        self.trace_keeping(x, None)
    }

    /// [`Network::trace`], keeping only the values `keep` marks (all when `None`): each
    /// other value is freed as soon as the last node that takes it has run, and left empty
    /// in the trace. The network input and output are always kept.
    pub(crate) fn trace_keeping<'a, T: Computes>(
        &self,
        x: impl Into<CowArray<'a, T, IxDyn>>,
        keep: Option<&[bool]>,
    ) -> Result<Trace<T>> {
        let x = x.into();
        self.shapes(x.shape())?;
        check_finite("input", &x.view())?;
        let x = self.layout.to_internal(x);
        let mut activations = Vec::with_capacity(self.modules.len() + 1);
        activations.push(if x.is_standard_layout() {
            x.into_owned()
        } else {
            x.as_standard_layout().into_owned()
        });
        // The last node that takes each value (nodes come in topological order).
        let mut last_reader = vec![None; self.modules.len() + 1];
        for (i, m) in self.modules.iter().enumerate() {
            m.inputs.iter().for_each(|&v| last_reader[v] = Some(i));
        }
        let n = self.modules.len();
        let dropped = |v: usize| v != 0 && v != n && keep.is_some_and(|k| !k[v]);
        for (i, m) in self.modules.iter().enumerate() {
            let ins: Vec<&ArrayD<T>> = m.inputs.iter().map(|&v| &activations[v]).collect();
            let next = T::layer(self, i).ops().forward(&ins);
            activations.push(next);
            for &v in &m.inputs {
                if last_reader[v] == Some(i) && dropped(v) {
                    activations[v] = empty();
                }
            }
            if last_reader[i + 1].is_none() && dropped(i + 1) {
                activations[i + 1] = empty();
            }
        }
        Ok(Trace {
            activations,
            remade_by: Vec::new(),
        })
    }

    /// Which values the LRP of `rule` (or the presets) reads, as each layer says
    /// ([`crate::layers::LayerOps::lrp_reads`]): the trace
    /// [`Network::explain`] keeps. The output is read to make the relevance.
    pub(crate) fn values_lrp_reads(&self, rule: &Option<Rule>) -> Vec<bool> {
        let mut read = vec![false; self.modules.len() + 1];
        read[0] = true;
        *read.last_mut().expect("the input at least") = true;
        for (i, m) in self.modules.iter().enumerate() {
            let reads = m.layer.ops().lrp_reads(self.rule_of(i, rule));
            read[i + 1] |= reads.output;
            if reads.inputs {
                m.inputs.iter().for_each(|&v| read[v] = true);
            }
        }
        read
    }

    /// The values of `read` (from [`Network::values_lrp_reads`]) that need not be kept
    /// because a layer cheap to run again ([`crate::layers::LayerOps::cheap_to_remake`]:
    /// Rect) makes them from a value kept anyway: taken out of `read`, with the node
    /// that makes each. Under epsilon a Convolution keeps its output and the MaxPool after
    /// its Rect reads the Rect's output: that second copy of the map is made again at the
    /// MaxPool's LRP step instead of being held through the whole forward pass.
    pub(crate) fn values_to_remake(&self, read: &mut [bool]) -> Vec<Option<usize>> {
        let mut remade_by = vec![None; read.len()];
        let last = read.len() - 1;
        for (p, m) in self.modules.iter().enumerate() {
            let v = p + 1;
            let remake = v != last
                && read[v]
                && m.layer.ops().cheap_to_remake()
                && m.inputs.iter().all(|&u| read[u]);
            if remake {
                read[v] = false;
                remade_by[v] = Some(p);
            }
        }
        remade_by
    }

    /// The toolbox's `forward(X, lrp_aware)`: runs the network, caches the activations for
    /// `backward` and `lrp`, and returns the output (in the network's layout). `lrp_aware`
    /// is accepted for compatibility; results are identical either way.
    pub fn forward<'a>(
        &mut self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        lrp_aware: bool,
    ) -> Result<ArrayD<f64>> {
        let _ = lrp_aware;
        let trace = self.trace(x)?;
        let y = self.layout.to_external(trace.output().clone());
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

    /// `v` (given in the network's layout, shaped like the trace's output) as the core
    /// keeps it, checked for shape and finiteness; `what` names it in errors.
    fn output_side<'a, T: Element>(
        &self,
        trace: &Trace<T>,
        what: &str,
        v: ArrayViewD<'a, T>,
    ) -> Result<ArrayD<T>> {
        let expected = self.layout.external_shape(trace.output().shape());
        check_same_shape(what, &expected, v.shape())?;
        check_finite(what, &v)?;
        Ok(self
            .layout
            .to_internal(v.into())
            .as_standard_layout()
            .into_owned())
    }

    /// Sends `top` (shaped like the trace's output) back through the graph: `step(node,
    /// inputs, output, incoming)` gives a node's contributions to each of its inputs, which
    /// add up where a value feeds several nodes. Nodes that nothing reaches are skipped.
    /// Returns what reaches the network input (zeros if nothing does).
    ///
    /// Given a trace by value, the walk frees each activation once its last reader is
    /// done: the output of node i is read last by node i itself (its readers come after
    /// it), so at any moment only the activations still ahead are held, besides the
    /// relevance in flight.
    pub(crate) fn walk_back<'t, T: Computes>(
        &self,
        trace: impl Into<Walked<'t, T>>,
        top: ArrayD<T>,
        mut step: impl FnMut(usize, &[&ArrayD<T>], &ArrayD<T>, ArrayD<T>) -> Vec<ArrayD<T>>,
    ) -> ArrayD<T> {
        let mut trace = trace.into();
        let n = self.modules.len();
        let mut incoming: Vec<Option<ArrayD<T>>> = vec![None; n + 1];
        incoming[n] = Some(top);
        for (i, m) in self.modules.iter().enumerate().rev() {
            let Some(r) = incoming[i + 1].take() else {
                trace.release(i + 1);
                continue;
            };
            trace.remake(self, m.inputs.iter().copied().chain([i + 1]));
            let activations = trace.activations();
            let ins: Vec<&ArrayD<T>> = m.inputs.iter().map(|&v| &activations[v]).collect();
            let parts = step(i, &ins, &activations[i + 1], r);
            for (&v, part) in m.inputs.iter().zip(parts) {
                match &mut incoming[v] {
                    Some(sum) => *sum += &part,
                    slot => *slot = Some(part),
                }
            }
            trace.release(i + 1);
        }
        incoming[0]
            .take()
            .unwrap_or_else(|| ArrayD::zeros(trace.activations()[0].raw_dim()))
    }

    /// The gradient of the network output with respect to its input, given `dy` (shaped
    /// like the output) after `forward`; also keeps every layer's parameter gradients for
    /// `update`. SoftMax passes `dy` through (the toolbox trains with dy = Y - T).
    pub fn backward(&mut self, dy: ArrayViewD<f64>) -> Result<ArrayD<f64>> {
        self.backward_with(dy, true)
            .map(|dx| dx.expect("input gradient requested"))
    }

    /// `backward`, optionally skipping the input gradient of the nodes that take only the
    /// network input (training does not need it).
    pub(crate) fn backward_with(
        &mut self,
        dy: ArrayViewD<f64>,
        want_input_grad: bool,
    ) -> Result<Option<ArrayD<f64>>> {
        let trace = self.cached_or("backward")?;
        let dy = self.output_side(trace, "gradient dy", dy)?;
        let mut grads = vec![None; self.modules.len()];
        let dx = self.walk_back(trace, dy, |i, ins, y, dy| {
            let m = &self.modules[i];
            let wants = BackwardWants {
                dx: want_input_grad || m.inputs.iter().any(|&v| v > 0),
                params: m.layer.kind().has_parameters(),
            };
            let (dx, grad) = m.layer.ops().backward(ins, y, dy, wants);
            grads[i] = grad;
            dx
        });
        for (m, grad) in self.modules.iter_mut().zip(grads) {
            m.grad = grad;
        }
        Ok(want_input_grad.then(|| self.layout.to_external(dx)))
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
        let dy = self.output_side(trace, "gradient dy", dy)?;
        let g = self.walk_back(trace, dy, |i, ins, y, dy| {
            self.modules[i].layer.ops().input_gradient(ins, y, dy, mode)
        });
        Ok(self.layout.to_external(g))
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
        self.f32_layers.take();
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
    /// like the output) sent back to the input, with `rule` for every layer that accepts it
    /// or, when `None`, each layer's preset (a layer that does not accept `rule` keeps its
    /// preset).
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
        self.lrp_trace_in(trace, r, rule)
    }

    /// [`Network::lrp_trace`] on a trace computed in `T`.
    pub(crate) fn lrp_trace_in<T: Computes>(
        &self,
        trace: &Trace<T>,
        r: ArrayViewD<T>,
        rule: Option<Rule>,
    ) -> Result<ArrayD<T>> {
        self.check_lrp_inputs(trace, &rule)?;
        let r = self.output_side(trace, "relevance R", r)?;
        Ok(self.layout.to_external(self.lrp_layers(trace, r, &rule)))
    }

    /// The rule node `i` applies: `rule` where given and accepted, else its preset.
    pub(crate) fn rule_of<'a>(&'a self, i: usize, rule: &'a Option<Rule>) -> &'a Rule {
        let m = &self.modules[i];
        match rule {
            Some(rule) if m.layer.accepts(rule) => rule,
            _ => &m.preset,
        }
    }

    /// The checks every LRP entry point makes before touching any data: the trace fits
    /// this network, the rule's parameters are valid, per-channel bounds fit their layers.
    pub(crate) fn check_lrp_inputs<T: Element>(
        &self,
        trace: &Trace<T>,
        rule: &Option<Rule>,
    ) -> Result<()> {
        self.check_trace(trace)?;
        self.check_rule(rule)
    }

    /// The checks of [`Network::check_lrp_inputs`] that do not need the trace.
    pub(crate) fn check_rule(&self, rule: &Option<Rule>) -> Result<()> {
        if let Some(rule) = rule {
            rule.validate()?;
        }
        for (i, m) in self.modules.iter().enumerate() {
            check_bounds_fit(i, &m.layer, self.rule_of(i, rule))?;
        }
        Ok(())
    }

    /// Sends `rel` (shaped like the trace's output, standard layout, as the core keeps it)
    /// back through every node with `rule` or the presets; inputs already checked. The
    /// result is as the core keeps the input.
    pub(crate) fn lrp_layers<'t, T: Computes>(
        &self,
        trace: impl Into<Walked<'t, T>>,
        rel: ArrayD<T>,
        rule: &Option<Rule>,
    ) -> ArrayD<T> {
        self.walk_back(trace, rel, |i, ins, y, r| {
            T::layer(self, i)
                .ops()
                .lrp(ins, y, r, self.rule_of(i, rule), self.convention)
        })
    }

    /// Fails unless `trace` has the activation shapes this network makes from its input.
    fn check_trace<T: Element>(&self, trace: &Trace<T>) -> Result<()> {
        let input = self.layout.external_shape(trace.input().shape());
        let shapes = self.shapes(&input)?;
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
    /// N x C; the result is shaped like `x`. Computes in the network's
    /// [`Network::precision`] (under f32, `x` is converted once in and the map once out).
    pub fn explain<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<f64>> {
        self.explain_any(x.into(), classes, rule)
    }

    /// [`Network::explain`] for f32 data, giving an f32 map: under f32 precision without
    /// any conversion, under f64 with one conversion in and one out.
    pub fn explain_f32<'a>(
        &self,
        x: impl Into<CowArray<'a, f32, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<f32>> {
        self.explain_any(x.into(), classes, rule)
    }

    /// [`Network::explain`] for data of type `E`, computed in the network's precision:
    /// converted once each way when they differ.
    pub(crate) fn explain_any<E: Element>(
        &self,
        x: CowArray<'_, E, IxDyn>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<E>> {
        match self.precision {
            Precision::F64 => Ok(E::from_f64s(self.explain_in(
                E::into_f64s(x),
                classes,
                rule,
            )?)),
            Precision::F32 => Ok(E::from_f32s(self.explain_in(
                E::into_f32s(x),
                classes,
                rule,
            )?)),
        }
    }

    /// [`Network::explain`] computed in `T`.
    fn explain_in<'a, T: Computes>(
        &self,
        x: impl Into<CowArray<'a, T, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<T>> {
        let mut explained = self.explain_targets_in(x, Targets::PerSample(classes), rule)?;
        Ok(explained.maps.pop().expect("one map per sample's class"))
    }

    /// The network's output for `x` (batch first, in the network's layout), without
    /// touching the cached state; computed in the network's [`Network::precision`].
    pub fn predict<'a>(&self, x: impl Into<CowArray<'a, f64, IxDyn>>) -> Result<ArrayD<f64>> {
        self.predict_any(x.into())
    }

    /// [`Network::predict`] for f32 data, giving f32.
    pub fn predict_f32<'a>(&self, x: impl Into<CowArray<'a, f32, IxDyn>>) -> Result<ArrayD<f32>> {
        self.predict_any(x.into())
    }

    /// [`Network::predict`] for data of type `E` (see [`Network::explain_any`]).
    pub(crate) fn predict_any<E: Element>(&self, x: CowArray<'_, E, IxDyn>) -> Result<ArrayD<E>> {
        match self.precision {
            Precision::F64 => Ok(E::from_f64s(self.predict_in(E::into_f64s(x))?)),
            Precision::F32 => Ok(E::from_f32s(self.predict_in(E::into_f32s(x))?)),
        }
    }

    /// [`Network::predict`] computed in `T`: a trace that keeps only input and output.
    fn predict_in<'a, T: Computes>(
        &self,
        x: impl Into<CowArray<'a, T, IxDyn>>,
    ) -> Result<ArrayD<T>> {
        let keep_none = vec![false; self.modules.len() + 1];
        let trace = self.trace_keeping(x, Some(&keep_none))?;
        let mut activations = trace.activations;
        let y = activations.pop().expect("the output at least");
        Ok(self.layout.to_external(y))
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
        self.layers_changed();
        self.clean();
    }
}

impl PartialEq for Network {
    /// Networks are equal when their layers and presets are; cached state is ignored.
    fn eq(&self, other: &Self) -> bool {
        self.modules.len() == other.modules.len()
            && self.layout == other.layout
            && self
                .modules
                .iter()
                .zip(&other.modules)
                .all(|(a, b)| a.layer == b.layer && a.inputs == b.inputs && a.preset == b.preset)
    }
}

/// An array holding nothing: a freed activation's place in a trace.
fn empty<T: Element>() -> ArrayD<T> {
    ArrayD::zeros(IxDyn(&[0]))
}

/// Whether `a` is a value a trace left out ([`empty`]; no activation has a dim of 0).
fn is_empty<T: Element>(a: &ArrayD<T>) -> bool {
    a.len() == 0
}

fn no_parameters(i: usize, kind: LayerKind) -> LrpError {
    LrpError::param(
        "layer index",
        format!("layer {} is a {} and has no W or B", i + 1, kind.name()),
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

/// A rule set on one layer must be one the layer accepts.
fn check_accepts(i: usize, layer: &Layer, rule: &Rule) -> Result<()> {
    if layer.accepts(rule) {
        return Ok(());
    }
    Err(LrpError::param(
        "rule",
        format!(
            "{} does not apply to layer {} ({})",
            rule.name(),
            i + 1,
            layer.kind().name()
        ),
    ))
}

/// Per-channel zbox bounds must have one value per input channel of the layer (the third
/// axis of a Convolution's W, the rows of a Linear layer's W); layers without parameters
/// treat zbox as `simple` and ignore bounds.
fn check_bounds_fit(i: usize, layer: &Layer, rule: &Rule) -> Result<()> {
    let Rule::ZBox { low, high } = rule else {
        return Ok(());
    };
    let Some(channels) = layer.ops().input_channels() else {
        return Ok(());
    };
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
pub(crate) fn check_finite<T: Element>(what: &str, a: &ArrayViewD<T>) -> Result<()> {
    if a.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    match a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        None => Ok(()),
        Some((index, &value)) => Err(LrpError::NonFinite {
            what: what.to_string(),
            index: index.as_array_view().to_vec(),
            value: value.into_f64(),
        }),
    }
}

#[cfg(test)]
mod remake_tests {
    use super::*;
    use crate::layers::{Convolution, Pool};

    /// conv -> rect -> maxpool -> flatten -> linear: under epsilon the convolution keeps its
    /// output, so the Rect's output (read by the MaxPool's LRP) is made again instead of
    /// kept; under alphabeta the convolution drops its output and the Rect's is kept.
    #[test]
    fn a_rect_output_is_remade_only_where_its_input_is_kept() {
        let w = ndarray::Array4::from_shape_fn((3, 3, 1, 2), |(a, b, _, f)| {
            (a as f64 - b as f64) * 0.3 + f as f64 * 0.1 - 0.05
        });
        let conv = Convolution::new(w, ndarray::Array1::zeros(2), (1, 1)).unwrap();
        let lin = crate::layers::Linear::new(
            ndarray::Array2::from_shape_fn((8, 2), |(i, j)| ((i * 3 + j) % 5) as f64 - 2.0),
            ndarray::Array1::zeros(2),
        )
        .unwrap();
        let net = Network::from_layers([
            Layer::Convolution(conv),
            Layer::Rect,
            Layer::MaxPool(Pool::new((2, 2), (2, 2)).unwrap()),
            Layer::Flatten,
            Layer::Linear(lin),
        ]);
        let mut read = net.values_lrp_reads(&Some(Rule::Epsilon(0.01)));
        assert!(
            read[1] && read[2],
            "epsilon reads the conv and the Rect outputs"
        );
        let remade = net.values_to_remake(&mut read);
        assert_eq!(
            remade[2],
            Some(1),
            "the Rect's output is made again by node 1"
        );
        assert!(read[1] && !read[2]);
        assert_eq!(remade.iter().flatten().count(), 1);
        let mut read = net.values_lrp_reads(&Some(Rule::AlphaBeta(1.0)));
        assert!(!read[1]);
        assert!(net.values_to_remake(&mut read).iter().all(Option::is_none));
        // And the map is the one of the full trace, bit for bit.
        let x = ArrayD::from_shape_fn(IxDyn(&[2, 7, 7, 1]), |d| {
            ((d[0] * 49 + d[1] * 7 + d[2]) % 11) as f64 / 5.0 - 1.0
        });
        let rule = Some(Rule::Epsilon(0.01));
        let trace = net.trace(x.view()).unwrap();
        let y = trace.output().clone();
        let mut r = ArrayD::zeros(y.raw_dim());
        r[[0, 1]] = y[[0, 1]];
        r[[1, 0]] = y[[1, 0]];
        let full = net.lrp_trace(&trace, r.view(), rule.clone()).unwrap();
        assert_eq!(net.explain(x.view(), &[1, 0], rule).unwrap(), full);
    }
}

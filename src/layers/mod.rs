//! The layers of a network (the toolbox's modules and the layers of today's networks) and the
//! one interface through which the rest of the library reaches them, [`LayerOps`]: shape
//! inference, forward, backward, the gradient methods' backward, which LRP rules apply and
//! how, and the layer's parameters.
//!
//! A layer is plain data (its parameters). Activations are not stored in layers: the
//! network keeps them in a [`crate::Trace`] and hands each layer its inputs and output, so
//! one network can serve several threads at once. A layer kind is one module of this folder;
//! [`Layer::ops`] is the only place that lists the kinds.
//!
//! Image batches are N x H x W x D (channels last) inside the core, whatever layout a model
//! file or a caller uses (see [`crate::Layout`]).

mod activation;
mod add;
mod batchnorm;
mod concat;
mod convolution;
mod fixed_weights;
mod flatten;
mod global_pool;
mod linear;
mod pool;
mod reshape;

pub use batchnorm::BatchNorm;
pub use convolution::{Convolution, DEFAULT_CONV_FILTER, DEFAULT_CONV_STRIDE};
pub use linear::Linear;
pub use pool::Pool;
pub use reshape::Reshape;

use crate::element::Element;
use crate::network::GradientMode;
use crate::rule::{Convention, Rule};
use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD};

/// One layer of a network, with its parameters in f64 (the default: what networks hold,
/// train, read and write) or f32 (a copy made by [`Layer::to_f32`] to compute in f32).
#[derive(Clone, Debug, PartialEq)]
pub enum Layer<T = f64> {
    /// Fully connected: Y = X W + B, X is N x m.
    Linear(Linear<T>),
    /// Strided cross-correlation on N x H x W x D batches, with optional zero padding,
    /// dilation and groups.
    Convolution(Convolution<T>),
    /// Maximum over each window, per channel (padding cells never win).
    MaxPool(Pool),
    /// Sum over each window times 1/sqrt(ph*pw).
    SumPool(Pool),
    /// Mean over each window (ONNX AveragePool, PyTorch AvgPool2d).
    AvgPool(Pool),
    /// Mean over all positions of each channel: N x H x W x D -> N x 1 x 1 x D (ONNX
    /// GlobalAveragePool, PyTorch AdaptiveAvgPool2d(1)).
    GlobalAvgPool,
    /// Per-channel scale and shift of inference-mode batch normalisation.
    BatchNorm(BatchNorm),
    /// Elementwise sum of two or more inputs of equal shape (a residual connection).
    Add,
    /// An Add marked by the ResNet canonizer ([`crate::Canonizer::ResNetSum`]): the same
    /// sum, which composites explain in proportion to the summands (zennit's `Sum` module
    /// with `Norm`), where a plain Add passes the relevance to each summand.
    Sum,
    /// Concatenation of two or more inputs along the channels (the last axis inside the
    /// core).
    Concat,
    /// N x H x W x D -> N x (H*W*D), C order (the toolbox's Flatten).
    Flatten,
    /// ONNX Flatten / Reshape: a reshape of the channels-first view of the input.
    Reshape(Reshape),
    /// The identity (ONNX Identity, Dropout at inference).
    Identity,
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
    /// [`Layer::AvgPool`]
    AvgPool = 9,
    /// [`Layer::GlobalAvgPool`]
    GlobalAvgPool = 10,
    /// [`Layer::BatchNorm`]
    BatchNorm = 11,
    /// [`Layer::Add`]
    Add = 12,
    /// [`Layer::Concat`]
    Concat = 13,
    /// [`Layer::Reshape`]
    Reshape = 14,
    /// [`Layer::Identity`]
    Identity = 15,
    /// [`Layer::Sum`]
    Sum = 16,
}

impl LayerKind {
    /// Every kind, in the order of their numbers.
    pub const ALL: [LayerKind; 16] = [
        LayerKind::Linear,
        LayerKind::Convolution,
        LayerKind::MaxPool,
        LayerKind::SumPool,
        LayerKind::Flatten,
        LayerKind::Rect,
        LayerKind::Tanh,
        LayerKind::SoftMax,
        LayerKind::AvgPool,
        LayerKind::GlobalAvgPool,
        LayerKind::BatchNorm,
        LayerKind::Add,
        LayerKind::Concat,
        LayerKind::Reshape,
        LayerKind::Identity,
        LayerKind::Sum,
    ];

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
            LayerKind::AvgPool => "AvgPool",
            LayerKind::GlobalAvgPool => "GlobalAvgPool",
            LayerKind::BatchNorm => "BatchNorm",
            LayerKind::Add => "Add",
            LayerKind::Concat => "Concat",
            LayerKind::Reshape => "Reshape",
            LayerKind::Identity => "Identity",
            LayerKind::Sum => "Sum",
        }
    }

    /// The kind for a stable number, if there is one.
    pub fn from_code(code: i32) -> Option<LayerKind> {
        LayerKind::ALL.into_iter().find(|k| *k as i32 == code)
    }

    /// Whether the layer has trainable parameters W and B (Linear and Convolution; a
    /// BatchNorm's statistics are not trained).
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

/// Gradients of a layer's parameters, summed over the batch; the shapes of W and B. In
/// the layer's element type (f64 for the layers of a network, which trains in f64).
#[derive(Clone, Debug, PartialEq)]
pub struct ParamGrad<T = f64> {
    /// dLoss/dW, shaped like W.
    pub dw: ArrayD<T>,
    /// dLoss/dB, shaped like B.
    pub db: ArrayD<T>,
}

/// What a backward pass through one layer should produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BackwardWants {
    /// The gradient with respect to the layer's inputs.
    pub dx: bool,
    /// The gradients of the layer's parameters.
    pub params: bool,
}

/// Expected input shape, with `None` for "any size": what shape inference reports on a
/// mismatch.
pub(crate) type ExpectedShape = Vec<Option<usize>>;

/// A layer's inputs, one array per incoming edge (one for all but Add and Concat).
pub(crate) type Inputs<'a, 'b, T = f64> = &'a [&'b ArrayD<T>];

/// Everything the network asks of a layer kind, for arrays of element type `T` (f64, what
/// `Layer::ops` gives, or f32). Each kind implements it in its own module, once for both
/// types where its kernels are generic; arrays are in standard layout, shapes were checked
/// by [`LayerOps::output_shape`].
pub(crate) trait LayerOps<T: Element = f64> {
    /// The layer's kind.
    fn kind(&self) -> LayerKind;

    /// The same layer computing in f32, its parameters rounded to nearest: each kind
    /// converts its own data (BatchNorm keeps f64 vectors and converts them per call).
    fn to_f32(&self) -> Layer<f32>;

    /// Whether the layer takes two or more inputs (Add, Concat) rather than exactly one.
    fn takes_many_inputs(&self) -> bool {
        false
    }

    /// The output shape for inputs of the given shapes (batch first), or the shape the
    /// layer expects when they do not fit (for many-input layers: of the first input that
    /// does not fit).
    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape>;

    /// Y for the inputs.
    fn forward(&self, xs: Inputs<T>) -> ArrayD<T>;

    /// The gradients with respect to the inputs (if `wants.dx`; else empty) and the
    /// parameter gradients (if `wants.params` and the layer has parameters), given the
    /// inputs, the output `y` and the gradient `dy` with respect to it. `dy` is taken by
    /// value so that elementwise layers can reuse its memory. SoftMax passes `dy` through
    /// (the toolbox trains with dy = prediction - target).
    fn backward(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>);

    /// The gradient methods' backward: the exact gradient, with Rect treated as `mode`
    /// says and a tied MaxPool maximum taking the whole gradient at its first position.
    fn input_gradient(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        dy: ArrayD<T>,
        _mode: GradientMode,
    ) -> Vec<ArrayD<T>> {
        let wants = BackwardWants {
            dx: true,
            params: false,
        };
        self.backward(xs, y, dy, wants).0
    }

    /// Whether `rule` means something for this layer. Setting a rule a layer does not
    /// accept on that layer alone is an error; network-wide settings leave it out.
    fn accepts(&self, rule: &Rule) -> bool;

    /// Relevance at each input, given the inputs, the output `y`, the relevance `r` at the
    /// output (shaped like `y`, taken by value so pass-through layers need no copy), the
    /// rule (one the layer accepts) and the numerical convention.
    fn lrp(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        r: ArrayD<T>,
        rule: &Rule,
        convention: Convention,
    ) -> Vec<ArrayD<T>>;

    /// Which activations `lrp` with `rule` reads, so that [`crate::Network::explain`]
    /// need not keep the others: both unless the layer says otherwise.
    fn lrp_reads(&self, _rule: &Rule) -> LrpReads {
        LrpReads::BOTH
    }

    /// Whether running the forward pass again costs less than keeping its output through
    /// the forward and LRP passes (an elementwise max): [`crate::Network::explain`] then
    /// makes the output again where a later LRP step reads it.
    fn cheap_to_remake(&self) -> bool {
        false
    }

    /// What `lrp` with `rule` can compute once and share among several relevances sent
    /// back through this layer on the same inputs and output (the stabilised denominators
    /// of `simple` and `epsilon`), or `None` where nothing is worth sharing.
    fn lrp_shared_part(&self, _xs: Inputs<T>, _y: &ArrayD<T>, _rule: &Rule) -> Option<ArrayD<T>> {
        None
    }

    /// `lrp` with the part [`LayerOps::lrp_shared_part`] prepared for the same inputs,
    /// output and rule; equal to `lrp` bit for bit.
    fn lrp_with_shared_part(
        &self,
        _xs: Inputs<T>,
        _shared: &ArrayD<T>,
        _r: ArrayD<T>,
    ) -> Vec<ArrayD<T>> {
        unreachable!("only layers with a shared part get here")
    }

    /// The trainable weights W and biases B, if the layer has any.
    fn parameters(&self) -> Option<(ArrayViewD<'_, T>, ArrayViewD<'_, T>)> {
        None
    }

    /// The number of input channels a per-channel zbox bound must match, for layers that
    /// take zbox.
    fn input_channels(&self) -> Option<usize> {
        None
    }

    /// The sizes that define the layer, in the order of its header line in the text model
    /// format (e.g. m, n of Linear); empty for layers defined by their name alone.
    fn sizes(&self) -> Vec<usize> {
        vec![]
    }

    /// The layer's stored numbers beyond its sizes, one line each in the text model format
    /// (W and B of Linear and Convolution, BatchNorm's four vectors and epsilon).
    fn number_lines(&self) -> Vec<Vec<f64>> {
        vec![]
    }
}

/// The activations a layer's LRP reads ([`LayerOps::lrp_reads`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LrpReads {
    /// Its inputs (their values, or only their shapes).
    pub inputs: bool,
    /// Its output.
    pub output: bool,
}

impl LrpReads {
    /// Inputs and output: what a layer reads unless it says otherwise.
    pub const BOTH: LrpReads = LrpReads {
        inputs: true,
        output: true,
    };
    /// Nothing: layers that pass the relevance on as it comes.
    pub const NOTHING: LrpReads = LrpReads {
        inputs: false,
        output: false,
    };
}

/// The parts of [`LayerOps`] that Linear and Convolution share, delegating to their
/// inherent methods of the same names: one input, every rule but `pass`, the stabilised
/// reciprocals of simple/epsilon as the part shared among several relevances, W and B.
macro_rules! layer_with_weights {
    ($ty:ident) => {
        fn output_shape(
            &self,
            inputs: &[&[usize]],
        ) -> std::result::Result<Vec<usize>, ExpectedShape> {
            $ty::output_shape(self, inputs[0])
        }

        fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
            $ty::forward(self, xs[0])
        }

        fn backward(
            &self,
            xs: Inputs<T>,
            _y: &ArrayD<T>,
            dy: ArrayD<T>,
            wants: BackwardWants,
        ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
            let (dx, grad) = $ty::backward(self, xs[0], dy.view(), wants);
            (dx.into_iter().collect(), grad)
        }

        fn accepts(&self, rule: &Rule) -> bool {
            !matches!(rule, Rule::Pass)
        }

        fn lrp(
            &self,
            xs: Inputs<T>,
            y: &ArrayD<T>,
            r: ArrayD<T>,
            rule: &Rule,
            convention: Convention,
        ) -> Vec<ArrayD<T>> {
            vec![$ty::lrp(self, xs[0], y, r, rule, convention)]
        }

        fn lrp_shared_part(&self, _xs: Inputs<T>, y: &ArrayD<T>, rule: &Rule) -> Option<ArrayD<T>> {
            crate::relevance::epsilon_of(rule)
                .map(|eps| crate::relevance::stabilised_reciprocals(y, eps))
        }

        fn lrp_with_shared_part(
            &self,
            xs: Inputs<T>,
            shared: &ArrayD<T>,
            r: ArrayD<T>,
        ) -> Vec<ArrayD<T>> {
            vec![self.lrp_with_reciprocals(xs[0], shared, r)]
        }

        fn parameters(&self) -> Option<(ArrayViewD<'_, T>, ArrayViewD<'_, T>)> {
            Some((self.w.view().into_dyn(), self.b.view().into_dyn()))
        }

        fn number_lines(&self) -> Vec<Vec<f64>> {
            vec![
                self.w.iter().map(|v| v.into_f64()).collect(),
                self.b.iter().map(|v| v.into_f64()).collect(),
            ]
        }
    };
}
pub(crate) use layer_with_weights;

/// The relevance sent back unchanged (pass-through layers and the `pass` rule).
pub(crate) fn passed<T>(r: ArrayD<T>) -> Vec<ArrayD<T>> {
    vec![r]
}

impl<T: Element> Layer<T> {
    /// The one place that maps each kind of layer to the module implementing it.
    pub(crate) fn ops(&self) -> &dyn LayerOps<T> {
        match self {
            Layer::Linear(l) => l,
            Layer::Convolution(c) => c,
            Layer::MaxPool(p) => pool::Max::of(p),
            Layer::SumPool(p) => pool::Sum::of(p),
            Layer::AvgPool(p) => pool::Avg::of(p),
            Layer::GlobalAvgPool => &global_pool::GlobalAvgPool,
            Layer::BatchNorm(b) => b,
            Layer::Add => &add::Add::PLAIN,
            Layer::Sum => &add::Add::CANONIZED,
            Layer::Concat => &concat::Concat,
            Layer::Flatten => &flatten::Flatten,
            Layer::Reshape(r) => r,
            Layer::Identity => &activation::Identity,
            Layer::Rect => &activation::Rect,
            Layer::Tanh => &activation::Tanh,
            Layer::SoftMax => &activation::SoftMax,
        }
    }

    /// The layer's kind.
    pub fn kind(&self) -> LayerKind {
        self.ops().kind()
    }

    /// Whether the layer takes two or more inputs (Add, Concat).
    pub fn takes_many_inputs(&self) -> bool {
        self.ops().takes_many_inputs()
    }

    /// The sizes that define the layer, in the order of its header line in the text model
    /// format (Linear: m n; Convolution: hf wf df nf sh sw, then pt pl pb pr dh dw groups
    /// when not plain; the pools: ph pw sh sw, then pt pl pb pr ceil (and AvgPool's
    /// count_include_pad); BatchNorm: channels; Reshape: its rank then the entries as
    /// numbers, -1 written as 0 ... see the kinds' docs); empty for the others.
    pub fn sizes(&self) -> Vec<usize> {
        self.ops().sizes()
    }

    /// The layer's stored numbers, one line each in the text model format.
    pub fn number_lines(&self) -> Vec<Vec<f64>> {
        self.ops().number_lines()
    }

    /// Whether `rule` means something for this layer (see [`crate::Network::set_preset`]).
    pub fn accepts(&self, rule: &Rule) -> bool {
        self.ops().accepts(rule)
    }

    /// The same layer computing in f32: parameters rounded to nearest, everything else
    /// as it is.
    pub fn to_f32(&self) -> Layer<f32> {
        self.ops().to_f32()
    }
}

impl Layer {
    /// The trainable weights W, if the layer has any.
    pub fn weights(&self) -> Option<ArrayViewD<'_, f64>> {
        self.ops().parameters().map(|(w, _)| w)
    }

    /// The trainable biases B, if the layer has any.
    pub fn biases(&self) -> Option<ArrayViewD<'_, f64>> {
        self.ops().parameters().map(|(_, b)| b)
    }

    /// Mutable W and B of the layers with trainable parameters.
    pub(crate) fn parameters_mut(
        &mut self,
    ) -> Option<(ArrayViewMutD<'_, f64>, ArrayViewMutD<'_, f64>)> {
        match self {
            Layer::Linear(l) => Some((l.w.view_mut().into_dyn(), l.b.view_mut().into_dyn())),
            Layer::Convolution(c) => Some((c.w.view_mut().into_dyn(), c.b.view_mut().into_dyn())),
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
        let (w, b) = self.ops().parameters()?;
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
        if let Some((mut w, mut b)) = self.parameters_mut() {
            w.scaled_add(-lrate, &grad.dw);
            b.scaled_add(-lrate, &grad.db);
        }
    }
}

/// What the tests of the layers' f32 instantiation share: inputs, the rules, the measure
/// of agreement with f64 and its bound.
#[cfg(test)]
pub(crate) mod f32_check {
    use crate::element::Element;
    use crate::rule::{Bound, Rule};
    use ndarray::{ArrayD, IxDyn};

    /// Normwise relative difference of an f32 result from the f64 one computed from the
    /// same numbers: max |r32 - r64| / max |r64|.
    pub(crate) const F32_TOLERANCE: f64 = 1e-5;

    /// Values of both signs with full mantissas, rounded to T.
    pub(crate) fn irregular<T: Element>(shape: &[usize], seed: f64) -> ArrayD<T> {
        let n: usize = shape.iter().product();
        let values = (0..n).map(|i| T::from_f64(((i as f64) * 0.73 + seed).sin() * 1.1 + 0.05));
        ArrayD::from_shape_vec(IxDyn(shape), values.collect()).expect("sized for the shape")
    }

    /// Every rule a layer with weights accepts, with parameters of each kind.
    pub(crate) fn every_rule() -> Vec<Rule> {
        vec![
            Rule::Simple,
            Rule::Epsilon(0.1),
            Rule::AlphaBeta(1.0),
            Rule::AlphaBeta(2.0),
            Rule::Flat,
            Rule::WSquare,
            Rule::Gamma(0.25),
            Rule::ZBox {
                low: Bound::scalar(-1.5),
                high: Bound::scalar(2.0),
            },
        ]
    }

    /// max |r32 - r64| / max |r64| (0 when both are 0).
    pub(crate) fn agreement(r32: &ArrayD<f32>, r64: &ArrayD<f64>) -> f64 {
        assert_eq!(r32.shape(), r64.shape());
        let scale = r64.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let diff = r32
            .iter()
            .zip(r64)
            .fold(0.0_f64, |m, (&a, &b)| m.max((f64::from(a) - b).abs()));
        if diff == 0.0 {
            0.0
        } else {
            diff / scale
        }
    }

    /// [`agreement`] of every pair of arrays, the worst one.
    fn worst(r32: &[ArrayD<f32>], r64: &[ArrayD<f64>]) -> f64 {
        assert_eq!(r32.len(), r64.len());
        r32.iter()
            .zip(r64)
            .map(|(a, b)| agreement(a, b))
            .fold(0.0, f64::max)
    }

    #[test]
    fn every_kind_computes_in_f32_close_to_f64() {
        use super::*;
        use crate::rule::Convention;
        let pool = Pool::new((2, 2), (2, 2)).unwrap();
        let padded = Pool::new((3, 3), (2, 2))
            .unwrap()
            .with_padding([1, 1, 1, 1])
            .unwrap();
        let bn = BatchNorm::new(
            ndarray::array![1.2, 0.7, -0.4],
            ndarray::array![0.1, -0.2, 0.3],
            ndarray::array![0.05, 0.0, -0.1],
            ndarray::array![0.9, 1.3, 0.4],
            1e-5,
        )
        .unwrap();
        let reshape = Reshape::flatten();
        let l32 = Linear::<f32> {
            w: irregular(&[12, 5], 0.3).into_dimensionality().unwrap(),
            b: irregular(&[5], 1.1).into_dimensionality().unwrap(),
        };
        let l64 = l32.to_element::<f64>();
        let c64 = Convolution::new(
            irregular(&[3, 3, 3, 4], 0.5).into_dimensionality().unwrap(),
            irregular(&[4], 0.8).into_dimensionality().unwrap(),
            (1, 1),
        )
        .unwrap()
        .with_padding([1, 0, 1, 1]);
        let c32 = c64.to_element::<f32>();
        let image = vec![vec![2, 6, 5, 3]];
        #[allow(clippy::type_complexity)]
        let kinds: Vec<(&dyn LayerOps<f32>, &dyn LayerOps<f64>, Vec<Vec<usize>>)> = vec![
            (&activation::Rect, &activation::Rect, image.clone()),
            (&activation::Tanh, &activation::Tanh, image.clone()),
            (&activation::SoftMax, &activation::SoftMax, vec![vec![3, 7]]),
            (&activation::Identity, &activation::Identity, image.clone()),
            (&flatten::Flatten, &flatten::Flatten, image.clone()),
            (&reshape, &reshape, image.clone()),
            (pool::Max::of(&pool), pool::Max::of(&pool), image.clone()),
            (
                pool::Max::of(&padded),
                pool::Max::of(&padded),
                image.clone(),
            ),
            (pool::Sum::of(&pool), pool::Sum::of(&pool), image.clone()),
            (
                pool::Avg::of(&padded),
                pool::Avg::of(&padded),
                image.clone(),
            ),
            (
                &global_pool::GlobalAvgPool,
                &global_pool::GlobalAvgPool,
                image.clone(),
            ),
            (&bn, &bn, image.clone()),
            (
                &add::Add::PLAIN,
                &add::Add::PLAIN,
                vec![image[0].clone(); 2],
            ),
            (
                &add::Add::CANONIZED,
                &add::Add::CANONIZED,
                vec![image[0].clone(); 3],
            ),
            (
                &concat::Concat,
                &concat::Concat,
                vec![vec![2, 3, 3, 2], vec![2, 3, 3, 1]],
            ),
            (&l32, &l64, vec![vec![3, 12]]),
            (&c32, &c64, image.clone()),
        ];
        let mut rules = every_rule();
        rules.push(Rule::Pass);
        for (k, (ops32, ops64, shapes)) in kinds.into_iter().enumerate() {
            let kind = ops64.kind().name();
            let x32: Vec<ArrayD<f32>> = shapes
                .iter()
                .enumerate()
                .map(|(i, s)| irregular(s, k as f64 + i as f64 * 0.3))
                .collect();
            let x64: Vec<ArrayD<f64>> = x32.iter().map(|x| x.mapv(f64::from)).collect();
            let (xs32, xs64): (Vec<_>, Vec<_>) = (x32.iter().collect(), x64.iter().collect());
            let (y32, y64) = (ops32.forward(&xs32), ops64.forward(&xs64));
            let err = agreement(&y32, &y64);
            assert!(err <= F32_TOLERANCE, "{kind} forward: {err:e}");
            let wants = BackwardWants {
                dx: true,
                params: true,
            };
            let (dx32, g32) = ops32.backward(&xs32, &y32, y32.clone(), wants);
            let (dx64, g64) = ops64.backward(&xs64, &y64, y64.clone(), wants);
            let err = worst(&dx32, &dx64);
            assert!(err <= F32_TOLERANCE, "{kind} backward: {err:e}");
            if let (Some(g32), Some(g64)) = (g32, g64) {
                let err = worst(&[g32.dw, g32.db], &[g64.dw, g64.db]);
                assert!(err <= F32_TOLERANCE, "{kind} parameter gradients: {err:e}");
            }
            for rule in rules.iter().filter(|r| ops64.accepts(r)) {
                for convention in [Convention::Toolbox, Convention::Zennit] {
                    let r32 = ops32.lrp(&xs32, &y32, y32.clone(), rule, convention);
                    let r64 = ops64.lrp(&xs64, &y64, y64.clone(), rule, convention);
                    let err = worst(&r32, &r64);
                    assert!(err <= F32_TOLERANCE, "{kind} {rule}: {err:e}");
                }
                let shared32 = ops32.lrp_shared_part(&xs32, &y32, rule);
                let shared64 = ops64.lrp_shared_part(&xs64, &y64, rule);
                assert_eq!(shared32.is_some(), shared64.is_some());
                if let (Some(s32), Some(s64)) = (shared32, shared64) {
                    let r32 = ops32.lrp_with_shared_part(&xs32, &s32, y32.clone());
                    let r64 = ops64.lrp_with_shared_part(&xs64, &s64, y64.clone());
                    let err = worst(&r32, &r64);
                    assert!(err <= F32_TOLERANCE, "{kind} {rule} shared: {err:e}");
                }
            }
        }
    }

    /// The toolbox's golden models and inputs computed in f32 layer by layer (their layers
    /// converted with `Layer::to_f32`) against the f64 network: the agreement the f32 path
    /// can promise on real networks. Skipped when the shared golden data is absent.
    #[test]
    fn golden_models_in_f32_agree_with_f64() {
        use super::Layer;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/golden");
        if !dir.exists() {
            eprintln!("note: {} is missing; skipping", dir.display());
            return;
        }
        let rules = [
            Rule::Simple,
            Rule::Epsilon(0.01),
            Rule::AlphaBeta(1.0),
            Rule::AlphaBeta(2.0),
            Rule::Flat,
            Rule::WSquare,
        ];
        for model in ["convnet", "lenet5", "mlp_rect", "mlp_tanh"] {
            let net = crate::model_io::read(dir.join(format!("{model}.txt"))).unwrap();
            let x = crate::data_io::read_npy(dir.join(format!("{model}_input.npy"))).unwrap();
            let trace = net.trace(x.view()).unwrap();
            let layers: Vec<Layer<f32>> = net.layers().map(Layer::to_f32).collect();
            assert!(net.is_sequential());
            let mut acts = vec![trace.input().mapv(|v| v as f32)];
            for layer in &layers {
                let next = layer.ops().forward(&[acts.last().unwrap()]);
                acts.push(next);
            }
            let (y32, y64) = (acts.last().unwrap(), trace.output());
            let err = agreement(y32, y64);
            eprintln!("f32 vs f64 {model} forward: {err:.1e}");
            assert!(err <= GOLDEN_F32_TOLERANCE, "{model} forward: {err:e}");
            for rule in &rules {
                let r64 = net
                    .lrp_trace(&trace, y64.view(), Some(rule.clone()))
                    .unwrap();
                let mut r = y32.clone();
                for (i, layer) in layers.iter().enumerate().rev() {
                    let preset = net.preset(i).unwrap();
                    let rule = if layer.accepts(rule) { rule } else { &preset };
                    let ins = [&acts[i]];
                    r = layer
                        .ops()
                        .lrp(&ins, &acts[i + 1], r, rule, net.convention())[0]
                        .clone();
                }
                let r32 = net
                    .layout()
                    .to_external(r.mapv(f64::from))
                    .mapv(|v| v as f32);
                let err = agreement(&r32, &r64);
                eprintln!("f32 vs f64 {model} {rule}: {err:.1e}");
                assert!(err <= GOLDEN_F32_TOLERANCE, "{model} {rule}: {err:e}");
            }
        }
    }

    /// What the golden models' f32 results keep of f64 (normwise, see [`agreement`]).
    const GOLDEN_F32_TOLERANCE: f64 = 1e-4;
}

//! Rect, Tanh, SoftMax and Identity: elementwise or per-sample activations without
//! parameters. For LRP all of them pass relevance through unchanged, whatever the rule.
//!
//! Activations of convolutional layers run to tens of megabytes: the elementwise passes
//! are spread over rayon's threads and reuse the incoming gradient's memory.

use super::{
    passed, BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, LrpReads, ParamGrad,
};
use crate::element::Element;
use crate::network::GradientMode;
use crate::rule::{Convention, Rule};
use ndarray::{ArrayD, Axis, Zip};

/// max(0, x).
pub(crate) fn rect<T: Element>(x: &ArrayD<T>) -> ArrayD<T> {
    Zip::from(x).par_map_collect(|&v| v.max(T::zero()))
}

/// tanh(x).
pub(crate) fn tanh<T: Element>(x: &ArrayD<T>) -> ArrayD<T> {
    Zip::from(x).par_map_collect(|&v| v.tanh())
}

/// dX = dY where the output is positive (the input was), 0 elsewhere; in dY's memory.
pub(crate) fn rect_backward<T: Element>(y: &ArrayD<T>, mut dy: ArrayD<T>) -> ArrayD<T> {
    Zip::from(&mut dy).and(y).par_for_each(|d, &y| {
        if y <= T::zero() {
            *d = T::zero();
        }
    });
    dy
}

/// dX = dY (1 - Y^2), in dY's memory.
pub(crate) fn tanh_backward<T: Element>(y: &ArrayD<T>, mut dy: ArrayD<T>) -> ArrayD<T> {
    Zip::from(&mut dy)
        .and(y)
        .par_for_each(|d, &y| *d *= T::one() - y * y);
    dy
}

/// SoftMax normalises over the features of each sample: it takes N x M batches.
pub(crate) fn softmax_output_shape(
    input: &[usize],
) -> std::result::Result<Vec<usize>, ExpectedShape> {
    match input {
        [_, _] => Ok(input.to_vec()),
        _ => Err(vec![None, input.get(1).copied()]),
    }
}

/// exp(x - max) / sum(exp(x - max)) per row: the row maximum keeps exp from overflowing.
pub(crate) fn softmax<T: Element>(x: &ArrayD<T>) -> ArrayD<T> {
    let mut y = x.clone();
    for mut row in y.axis_iter_mut(Axis(0)) {
        let max = row.fold(T::neg_infinity(), |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row.mapv_inplace(|v| v / sum);
    }
    y
}

/// The elementwise layers' common parts: one input, rules accepted and ignored, relevance
/// passed through.
macro_rules! passes_relevance {
    () => {
        fn accepts(&self, rule: &Rule) -> bool {
            !rule.needs_weights()
        }

        fn lrp(
            &self,
            _xs: Inputs<T>,
            _y: &ArrayD<T>,
            r: ArrayD<T>,
            _rule: &Rule,
            _convention: Convention,
        ) -> Vec<ArrayD<T>> {
            passed(r)
        }
    };
}

/// max(0, x).
pub(crate) struct Rect;
/// tanh(x).
pub(crate) struct Tanh;
/// Softmax over the features of each sample.
pub(crate) struct SoftMax;
/// The identity (ONNX Identity, Dropout at inference).
pub(crate) struct Identity;

impl<T: Element> LayerOps<T> for Rect {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Rect
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Rect
    }
    fn lrp_reads(&self, _rule: &Rule) -> LrpReads {
        // The relevance passes as it comes.
        LrpReads::NOTHING
    }
    fn cheap_to_remake(&self) -> bool {
        true
    }
    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        Ok(inputs[0].to_vec())
    }
    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        rect(xs[0])
    }
    fn backward(
        &self,
        _xs: Inputs<T>,
        y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        let dx = wants.dx.then(|| rect_backward(y, dy));
        (dx.into_iter().collect(), None)
    }
    fn input_gradient(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        mut dy: ArrayD<T>,
        mode: GradientMode,
    ) -> Vec<ArrayD<T>> {
        match mode {
            GradientMode::Gradient => vec![rect_backward(y, dy)],
            GradientMode::GuidedBackprop => {
                Zip::from(&mut dy).and(xs[0]).for_each(|d, &x| {
                    if !(x > T::zero() && *d > T::zero()) {
                        *d = T::zero();
                    }
                });
                vec![dy]
            }
            GradientMode::Deconvnet => {
                dy.mapv_inplace(|d| d.max(T::zero()));
                vec![dy]
            }
        }
    }
    passes_relevance!();
}

impl<T: Element> LayerOps<T> for Tanh {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Tanh
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Tanh
    }
    fn lrp_reads(&self, _rule: &Rule) -> LrpReads {
        // The relevance passes as it comes.
        LrpReads::NOTHING
    }
    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        Ok(inputs[0].to_vec())
    }
    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        tanh(xs[0])
    }
    fn backward(
        &self,
        _xs: Inputs<T>,
        y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        let dx = wants.dx.then(|| tanh_backward(y, dy));
        (dx.into_iter().collect(), None)
    }
    passes_relevance!();
}

impl<T: Element> LayerOps<T> for SoftMax {
    fn to_f32(&self) -> Layer<f32> {
        Layer::SoftMax
    }

    fn kind(&self) -> LayerKind {
        LayerKind::SoftMax
    }
    fn lrp_reads(&self, _rule: &Rule) -> LrpReads {
        // The relevance passes as it comes.
        LrpReads::NOTHING
    }
    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        softmax_output_shape(inputs[0])
    }
    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        softmax(xs[0])
    }
    /// The toolbox trains with dy = prediction - target: SoftMax passes dy through.
    fn backward(
        &self,
        _xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        (if wants.dx { vec![dy] } else { vec![] }, None)
    }
    passes_relevance!();
}

impl<T: Element> LayerOps<T> for Identity {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Identity
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Identity
    }
    fn lrp_reads(&self, _rule: &Rule) -> LrpReads {
        // The relevance passes as it comes.
        LrpReads::NOTHING
    }
    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        Ok(inputs[0].to_vec())
    }
    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        xs[0].clone()
    }
    fn backward(
        &self,
        _xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        (if wants.dx { vec![dy] } else { vec![] }, None)
    }
    passes_relevance!();
}

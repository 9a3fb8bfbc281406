//! Flatten: N x H x W x D -> N x (H*W*D) in C order; backward and LRP reshape back.

use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad};
use crate::element::Element;
use crate::rule::{Convention, Rule};
use ndarray::{ArrayD, IxDyn};

pub(crate) fn output_shape(input: &[usize]) -> std::result::Result<Vec<usize>, ExpectedShape> {
    match input {
        // Network::shapes checked the input's element count, so the product cannot overflow.
        [n, rest @ ..] if !rest.is_empty() => Ok(vec![*n, rest.iter().product()]),
        _ => Err(vec![None, None]),
    }
}

pub(crate) fn forward<T: Element>(x: &ArrayD<T>) -> ArrayD<T> {
    let shape = output_shape(x.shape()).expect("checked input shape");
    x.to_shape(IxDyn(&shape))
        .expect("C-order reshape")
        .into_owned()
}

/// Reshapes a gradient or relevance of the flattened output back to the input's shape
/// (no copy: every array the network passes is in standard layout).
pub(crate) fn backward<T: Element>(x: &ArrayD<T>, dy: ArrayD<T>) -> ArrayD<T> {
    let dy = if dy.is_standard_layout() {
        dy
    } else {
        dy.as_standard_layout().into_owned()
    };
    dy.into_shape_with_order(x.raw_dim())
        .expect("C-order reshape")
}

/// The toolbox's Flatten.
pub(crate) struct Flatten;

impl<T: Element> LayerOps<T> for Flatten {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Flatten
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Flatten
    }
    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        output_shape(inputs[0])
    }
    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        forward(xs[0])
    }
    fn backward(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        (
            if wants.dx {
                vec![backward(xs[0], dy)]
            } else {
                vec![]
            },
            None,
        )
    }
    fn accepts(&self, rule: &Rule) -> bool {
        !rule.needs_weights()
    }
    fn lrp(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        r: ArrayD<T>,
        _rule: &Rule,
        _convention: Convention,
    ) -> Vec<ArrayD<T>> {
        vec![backward(xs[0], r)]
    }
}

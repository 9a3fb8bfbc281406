//! Concat: two or more inputs joined along the channels (the last axis inside the core;
//! ONNX's axis 1 of N x C x H x W). Relevance and gradients are split back along the same
//! axis, whatever the rule.

use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad};
use crate::element::Element;
use crate::rule::{Convention, Rule};
use ndarray::{ArrayD, Axis};

/// The layer (no parameters).
pub(crate) struct Concat;

/// `a` cut along its last axis into pieces as wide as the inputs' last axes.
fn split<T: Element>(a: &ArrayD<T>, xs: Inputs<T>) -> Vec<ArrayD<T>> {
    let last = Axis(a.ndim() - 1);
    let mut start = 0;
    xs.iter()
        .map(|x| {
            let width = x.shape()[x.ndim() - 1];
            let piece = a
                .slice_axis(last, ndarray::Slice::from(start..start + width))
                .as_standard_layout()
                .into_owned();
            start += width;
            piece
        })
        .collect()
}

impl<T: Element> LayerOps<T> for Concat {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Concat
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Concat
    }

    fn takes_many_inputs(&self) -> bool {
        true
    }

    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        let first = inputs[0];
        let rank = first.len();
        let fits = |s: &&[usize]| s.len() == rank && s[..rank - 1] == first[..rank - 1];
        if rank < 2 || !inputs.iter().all(fits) {
            let mut expected: Vec<Option<usize>> = first.iter().map(|&d| Some(d)).collect();
            if let Some(last) = expected.last_mut() {
                *last = None;
            }
            return Err(expected);
        }
        let mut out = first.to_vec();
        out[rank - 1] = inputs.iter().map(|s| s[rank - 1]).sum();
        Ok(out)
    }

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        let views: Vec<_> = xs.iter().map(|x| x.view()).collect();
        let y = ndarray::concatenate(Axis(xs[0].ndim() - 1), &views).expect("checked shapes");
        // ndarray lays the result out with the joined axis outermost in memory; the layers
        // after this one need standard layout (a GlobalAvgPool after a Concat panicked).
        if y.is_standard_layout() {
            y
        } else {
            y.as_standard_layout().into_owned()
        }
    }

    fn backward(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        (if wants.dx { split(&dy, xs) } else { vec![] }, None)
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
        split(&r, xs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::IxDyn;

    /// The output is in standard layout, with the channels of each input side by side.
    #[test]
    fn forward_joins_the_channels_in_standard_layout() {
        let a = ArrayD::from_shape_fn(IxDyn(&[1, 2, 2, 1]), |i| (i[1] * 2 + i[2]) as f64);
        let b = ArrayD::from_shape_fn(IxDyn(&[1, 2, 2, 2]), |i| 10.0 + i[3] as f64);
        let y = Concat.forward(&[&a, &b]);
        assert!(y.is_standard_layout());
        assert_eq!(y.shape(), &[1, 2, 2, 3]);
        let flat: Vec<f64> = y.as_slice().expect("standard layout").to_vec();
        assert_eq!(
            flat,
            [0.0, 10.0, 11.0, 1.0, 10.0, 11.0, 2.0, 10.0, 11.0, 3.0, 10.0, 11.0]
        );
    }
}

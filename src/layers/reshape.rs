//! Reshape: ONNX's Flatten and Reshape. ONNX reshapes N x C x H x W tensors in C order of
//! that layout, while the core keeps images as N x H x W x C: the layer reshapes the
//! channels-first view of its input (and gives a 4-D result back channels last), so the
//! features of a flattened image come in the order the model was trained with.
//! Relevance and gradients are reshaped back, whatever the rule.

use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad};
use crate::element::Element;
use crate::error::{LrpError, Result};
use crate::rule::{Convention, Rule};
use ndarray::{ArrayD, IxDyn};

/// A reshape with ONNX's semantics: 0 keeps the input's dimension, -1 takes what is left;
/// the batch dimension must stay first and unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reshape {
    /// The target shape, batch first, as ONNX gives it.
    pub shape: Vec<i64>,
}

impl Reshape {
    /// A reshape to `shape` (at least 2 entries; at most one -1; no entry below -1).
    pub fn new(shape: Vec<i64>) -> Result<Reshape> {
        let bad = shape.len() < 2
            || shape.iter().any(|&d| d < -1)
            || shape.iter().filter(|&&d| d == -1).count() > 1;
        if bad {
            return Err(LrpError::param(
                "Reshape shape",
                format!("needs a batch and at least one more entry, each >= -1, at most one -1; given {shape:?}"),
            ));
        }
        Ok(Reshape { shape })
    }

    /// ONNX's Flatten with axis 1: N x (everything else).
    pub fn flatten() -> Reshape {
        Reshape { shape: vec![0, -1] }
    }

    /// The output shape (channels-first view) for an input of channels-first shape `input`.
    fn target(&self, input: &[usize]) -> Option<Vec<usize>> {
        let total: usize = input.iter().product();
        let mut out = Vec::with_capacity(self.shape.len());
        let mut free = None;
        for (i, &d) in self.shape.iter().enumerate() {
            out.push(match d {
                0 => *input.get(i)?,
                -1 => {
                    free = Some(i);
                    1
                }
                d => usize::try_from(d).ok()?,
            });
        }
        // Checked: a target shape from a caller or a file may hold absurd entries.
        let product = |v: &[usize]| v.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        let known = product(&out)?;
        if let Some(i) = free {
            if known == 0 || total % known != 0 {
                return None;
            }
            out[i] = total / known;
        }
        (product(&out)? == total && out[0] == input[0]).then_some(out)
    }
}

/// N x H x W x C as N x C x H x W (other ranks unchanged), in standard layout.
fn to_channels_first<T: Element>(a: ArrayD<T>) -> ArrayD<T> {
    if a.ndim() != 4 {
        return a;
    }
    a.permuted_axes(IxDyn(&[0, 3, 1, 2]))
        .as_standard_layout()
        .into_owned()
}

/// N x C x H x W as N x H x W x C (other ranks unchanged), in standard layout.
fn to_channels_last<T: Element>(a: ArrayD<T>) -> ArrayD<T> {
    if a.ndim() != 4 {
        return a;
    }
    a.permuted_axes(IxDyn(&[0, 2, 3, 1]))
        .as_standard_layout()
        .into_owned()
}

/// A core shape (channels last) as ONNX sees it.
fn channels_first_shape(s: &[usize]) -> Vec<usize> {
    match *s {
        [n, h, w, c] => vec![n, c, h, w],
        _ => s.to_vec(),
    }
}

/// An ONNX shape as the core keeps it.
fn channels_last_shape(s: &[usize]) -> Vec<usize> {
    match *s {
        [n, c, h, w] => vec![n, h, w, c],
        _ => s.to_vec(),
    }
}

impl Reshape {
    /// `a` (shaped like the layer's output) back to the shape of input `x`.
    fn back<T: Element>(&self, a: ArrayD<T>, x: &ArrayD<T>) -> ArrayD<T> {
        let a = to_channels_first(a);
        let shape = channels_first_shape(x.shape());
        to_channels_last(a.into_shape_with_order(IxDyn(&shape)).expect("same count"))
    }
}

impl<T: Element> LayerOps<T> for Reshape {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Reshape(self.clone())
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Reshape
    }

    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        match self.target(&channels_first_shape(inputs[0])) {
            Some(out) => Ok(channels_last_shape(&out)),
            None => Err(self
                .shape
                .iter()
                .map(|&d| usize::try_from(d).ok().filter(|&d| d > 0))
                .collect()),
        }
    }

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        let x = to_channels_first(xs[0].clone());
        let out = self.target(x.shape()).expect("checked shape");
        to_channels_last(x.into_shape_with_order(IxDyn(&out)).expect("same count"))
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
                vec![self.back(dy, xs[0])]
            } else {
                vec![]
            },
            None,
        )
    }

    fn accepts(&self, rule: &Rule) -> bool {
        !rule.needs_weights()
    }

    /// The target shape's entries, -1 written as 0 would be ambiguous: so on their own
    /// line (see `number_lines`); the header holds the rank.
    fn sizes(&self) -> Vec<usize> {
        vec![self.shape.len()]
    }

    fn number_lines(&self) -> Vec<Vec<f64>> {
        vec![self.shape.iter().map(|&d| d as f64).collect()]
    }

    fn lrp(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        r: ArrayD<T>,
        _rule: &Rule,
        _convention: Convention,
    ) -> Vec<ArrayD<T>> {
        vec![self.back(r, xs[0])]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries whose product overflows are a shape that does not fit, not an overflow
    /// (a panic in builds with overflow checks, a wrapped product in others).
    #[test]
    fn absurd_target_entries_do_not_fit() {
        // Shape inference does not depend on the element type; f64 names one.
        let shape = |r: &Reshape, input: &[usize]| LayerOps::<f64>::output_shape(r, &[input]);
        let huge = Reshape::new(vec![0, 1 << 40, 1 << 40, -1]).expect("valid entries");
        assert!(shape(&huge, &[2, 3]).is_err());
        let wraps = Reshape::new(vec![0, 1 << 62, 8]).expect("valid entries");
        assert!(shape(&wraps, &[1, 4]).is_err());
        let fine = Reshape::new(vec![0, -1]).expect("valid entries");
        assert_eq!(shape(&fine, &[2, 3, 4, 5]), Ok(vec![2, 60]));
    }
}

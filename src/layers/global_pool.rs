//! GlobalAvgPool: the mean over all positions of each channel, N x H x W x D ->
//! N x 1 x 1 x D (ONNX GlobalAveragePool, PyTorch's AdaptiveAvgPool2d(1)).
//! It is an AvgPool whose window is the whole image, and takes AvgPool's rules.

use super::fixed_weights;
use super::pool::Avg;
use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad, Pool};
use crate::element::Element;
use crate::rule::{Convention, Rule};
use ndarray::ArrayD;

/// The layer (no parameters).
pub(crate) struct GlobalAvgPool;

/// The AvgPool over the whole of an input of shape N x H x W x D.
fn window_of<T: Element>(x: &ArrayD<T>) -> Pool {
    let s = x.shape();
    Pool::new((s[1], s[2]), (1, 1)).expect("a checked input has positive H and W")
}

impl<T: Element> LayerOps<T> for GlobalAvgPool {
    fn to_f32(&self) -> Layer<f32> {
        Layer::GlobalAvgPool
    }

    fn kind(&self) -> LayerKind {
        LayerKind::GlobalAvgPool
    }

    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        match *inputs[0] {
            [n, _, _, d] => Ok(vec![n, 1, 1, d]),
            _ => Err(vec![None, None, None, None]),
        }
    }

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        window_of(xs[0]).forward_avg(xs[0])
    }

    fn backward(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        let x = xs[0];
        let dx = wants.dx.then(|| window_of(x).backward_avg(x, dy.view()));
        (dx.into_iter().collect(), None)
    }

    fn accepts(&self, rule: &Rule) -> bool {
        LayerOps::<T>::accepts(Avg::of(&Pool::default()), rule)
    }

    fn lrp(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        r: ArrayD<T>,
        rule: &Rule,
        _convention: Convention,
    ) -> Vec<ArrayD<T>> {
        let x = xs[0];
        vec![fixed_weights::lrp(
            Avg::of(&window_of(x)),
            x,
            r.view(),
            rule,
        )]
    }
}

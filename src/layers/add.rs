//! Add: the elementwise sum of two or more inputs of equal shape (a residual connection).
//!
//! Its relevance: `pass` sends R unchanged to every summand (the gradient, what zennit does
//! without a canonizer), `simple` and `epsilon` in proportion to each summand's share,
//! R_i = x_i R / stab(sum), which is zennit's `Norm` with epsilon 1e-6 (what its
//! ResNet canonizer puts at every residual Add).

use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad};
use crate::element::Element;
use crate::relevance::epsilon_of;
use crate::rule::{stabilize, Convention, Rule};
use ndarray::{ArrayD, Zip};

/// The layer (no parameters): a plain Add, or the ResNet canonizer's Sum.
pub(crate) struct Add {
    kind: LayerKind,
}

impl Add {
    /// [`crate::Layer::Add`].
    pub(crate) const PLAIN: Add = Add {
        kind: LayerKind::Add,
    };
    /// [`crate::Layer::Sum`].
    pub(crate) const CANONIZED: Add = Add {
        kind: LayerKind::Sum,
    };
}

impl<T: Element> LayerOps<T> for Add {
    fn to_f32(&self) -> Layer<f32> {
        if self.kind == LayerKind::Sum {
            Layer::Sum
        } else {
            Layer::Add
        }
    }

    fn kind(&self) -> LayerKind {
        self.kind
    }

    fn takes_many_inputs(&self) -> bool {
        true
    }

    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        let first = inputs[0];
        match inputs.iter().find(|s| **s != first) {
            None => Ok(first.to_vec()),
            Some(_) => Err(first.iter().map(|&d| Some(d)).collect()),
        }
    }

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        let mut y = xs[0].clone();
        for x in &xs[1..] {
            y += *x;
        }
        y
    }

    fn backward(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        if !wants.dx {
            return (vec![], None);
        }
        (vec![dy; xs.len()], None)
    }

    fn accepts(&self, rule: &Rule) -> bool {
        matches!(rule, Rule::Pass | Rule::Simple | Rule::Epsilon(_))
    }

    fn lrp(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        mut r: ArrayD<T>,
        rule: &Rule,
        _convention: Convention,
    ) -> Vec<ArrayD<T>> {
        let Some(eps) = epsilon_of(rule) else {
            return vec![r; xs.len()];
        };
        let eps = T::from_f64(eps);
        // R / stab(y) once, then each summand's share.
        Zip::from(&mut r)
            .and(y)
            .par_for_each(|r, &y| *r *= T::one() / stabilize(y, eps));
        xs.iter()
            .map(|x| Zip::from(*x).and(&r).par_map_collect(|&x, &s| x * s))
            .collect()
    }
}

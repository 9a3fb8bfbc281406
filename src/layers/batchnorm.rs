//! BatchNorm at inference: per channel (the last axis inside the core) y = x scale + shift
//! with scale = gamma / sqrt(var + epsilon) and shift = beta - mean scale.
//!
//! For LRP zennit passes relevance through a BatchNorm it could not merge into the layer
//! before it (`pass`); `simple` and `epsilon` treat it as the diagonal linear layer it is.
//! The canonizer that merges it is [`crate::Canonizer::MergeBatchNorm`].

use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad};
use crate::element::Element;
use crate::error::{LrpError, Result};
use crate::relevance::epsilon_of;
use crate::rule::{stabilize, Convention, Rule};
use ndarray::{Array1, ArrayD, Zip};

/// Inference-mode batch normalisation with its statistics and affine parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNorm {
    /// gamma, one per channel.
    pub gamma: Array1<f64>,
    /// beta, one per channel.
    pub beta: Array1<f64>,
    /// The running mean, one per channel.
    pub mean: Array1<f64>,
    /// The running variance, one per channel.
    pub var: Array1<f64>,
    /// The epsilon added to the variance.
    pub epsilon: f64,
    scale: Array1<f64>,
    shift: Array1<f64>,
}

impl BatchNorm {
    /// A BatchNorm of `gamma.len()` channels. All four vectors must have that length and be
    /// finite, epsilon >= 0 finite, and var + epsilon > 0.
    pub fn new(
        gamma: Array1<f64>,
        beta: Array1<f64>,
        mean: Array1<f64>,
        var: Array1<f64>,
        epsilon: f64,
    ) -> Result<BatchNorm> {
        let c = gamma.len();
        for (what, v) in [("beta", &beta), ("mean", &mean), ("var", &var)] {
            if v.len() != c {
                return Err(LrpError::shape(
                    format!("{what} of BatchNorm"),
                    &[c],
                    &[v.len()],
                ));
            }
        }
        for (what, v) in [
            ("gamma", &gamma),
            ("beta", &beta),
            ("mean", &mean),
            ("var", &var),
        ] {
            crate::network::check_finite(&format!("{what} of BatchNorm"), &v.view().into_dyn())?;
        }
        if !(epsilon.is_finite() && epsilon >= 0.0) {
            return Err(LrpError::param(
                "BatchNorm epsilon",
                format!("must be finite and >= 0, given {epsilon}"),
            ));
        }
        if let Some((i, v)) = var.iter().enumerate().find(|(_, &v)| v + epsilon <= 0.0) {
            return Err(LrpError::param(
                "BatchNorm var",
                format!("var + epsilon must be > 0, channel {i} has var {v}"),
            ));
        }
        let scale = Zip::from(&gamma)
            .and(&var)
            .map_collect(|&g, &v| g / (v + epsilon).sqrt());
        let shift = Zip::from(&beta)
            .and(&mean)
            .and(&scale)
            .map_collect(|&b, &m, &s| b - m * s);
        Ok(BatchNorm {
            gamma,
            beta,
            mean,
            var,
            epsilon,
            scale,
            shift,
        })
    }

    /// The number of channels.
    pub fn channels(&self) -> usize {
        self.gamma.len()
    }

    /// gamma / sqrt(var + epsilon), per channel.
    pub fn scale(&self) -> &Array1<f64> {
        &self.scale
    }

    /// beta - mean scale, per channel.
    pub fn shift(&self) -> &Array1<f64> {
        &self.shift
    }

    /// What zennit's `MergeBatchNorm` leaves of this BatchNorm after merging it into the
    /// layer before it: mean 0, var 1, gamma 1, beta 0, but the same epsilon, so it scales
    /// by 1 / sqrt(1 + epsilon) (about 1 - 5e-6 for PyTorch's default 1e-5).
    pub fn zennit_merge_residual(&self) -> BatchNorm {
        let c = self.channels();
        BatchNorm::new(
            Array1::ones(c),
            Array1::zeros(c),
            Array1::zeros(c),
            Array1::ones(c),
            self.epsilon,
        )
        .expect("identity statistics with a valid epsilon are valid")
    }
}

/// A per-channel vector in the element type of a pass: the C numbers of scale or shift are
/// converted per call rather than kept in f32 too (a copy of C values for f64).
fn in_type<T: Element>(v: &Array1<f64>) -> Array1<T> {
    v.mapv(T::from_f64)
}

impl<T: Element> LayerOps<T> for BatchNorm {
    fn to_f32(&self) -> Layer<f32> {
        Layer::BatchNorm(self.clone())
    }

    fn kind(&self) -> LayerKind {
        LayerKind::BatchNorm
    }

    fn output_shape(&self, inputs: &[&[usize]]) -> std::result::Result<Vec<usize>, ExpectedShape> {
        match inputs[0] {
            [_, .., c] if inputs[0].len() >= 2 && *c == self.channels() => Ok(inputs[0].to_vec()),
            _ => Err(vec![None, Some(self.channels())]),
        }
    }

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        let (scale, shift) = (in_type(&self.scale), in_type(&self.shift));
        let mut y = xs[0].clone();
        Zip::from(y.lanes_mut(ndarray::Axis(xs[0].ndim() - 1))).par_for_each(|mut lane| {
            Zip::from(&mut lane)
                .and(&scale)
                .and(&shift)
                .for_each(|y, &s, &t| *y = *y * s + t);
        });
        y
    }

    fn backward(
        &self,
        _xs: Inputs<T>,
        _y: &ArrayD<T>,
        mut dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        if !wants.dx {
            return (vec![], None);
        }
        let scale = in_type(&self.scale);
        let last = ndarray::Axis(dy.ndim() - 1);
        Zip::from(dy.lanes_mut(last)).par_for_each(|mut lane| lane *= &scale);
        (vec![dy], None)
    }

    fn accepts(&self, rule: &Rule) -> bool {
        matches!(rule, Rule::Pass | Rule::Simple | Rule::Epsilon(_))
    }

    fn sizes(&self) -> Vec<usize> {
        vec![self.channels()]
    }

    /// gamma, beta, mean, var, then epsilon alone.
    fn number_lines(&self) -> Vec<Vec<f64>> {
        vec![
            self.gamma.to_vec(),
            self.beta.to_vec(),
            self.mean.to_vec(),
            self.var.to_vec(),
            vec![self.epsilon],
        ]
    }

    /// `pass`: R unchanged; `simple`/`epsilon`: x_i scale_i R_i / stab(y_i).
    fn lrp(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        mut r: ArrayD<T>,
        rule: &Rule,
        _convention: Convention,
    ) -> Vec<ArrayD<T>> {
        let Some(eps) = epsilon_of(rule) else {
            return vec![r];
        };
        let (eps, scale) = (T::from_f64(eps), in_type(&self.scale));
        let last = ndarray::Axis(r.ndim() - 1);
        Zip::from(r.lanes_mut(last))
            .and(xs[0].lanes(last))
            .and(y.lanes(last))
            .par_for_each(|mut r, x, y| {
                Zip::from(&mut r)
                    .and(&x)
                    .and(&y)
                    .and(&scale)
                    .for_each(|r, &x, &y, &s| *r = x * s * *r * (T::one() / stabilize(y, eps)));
            });
        vec![r]
    }
}

//! The LRP rules of a layer with fixed, non-negative weights and no bias (SumPool, AvgPool,
//! GlobalAvgPool), applied by one kernel instead of one implementation per rule and layer.
//!
//! Such a layer is a linear map z = A x with a_ij >= 0, so every rule takes zennit's
//! modifier-and-reducer form (zennit's `BasicHook`): modify the input to x', compute
//! z' = A x' with the layer's own forward map, s = R / stab(z'), and hand back
//! R_x = x' * A^T s through the layer's own gradient. The layer supplies only A and A^T
//! ([`FixedWeights`]); the rules are here:
//! - `simple`, `epsilon(eps)` (zennit's `Norm`): x' = x, stabiliser eps sign(z), where
//!   `simple` takes the layer's own stabiliser;
//! - `alphabeta(alpha)`: the x+ term with alpha and the x- term with beta = 1 - alpha, each
//!   stabilised with 1e-16 away from zero; a zero coefficient skips its term;
//! - `flat` and `ww`: x' = 1 (the weights are equal within a window, so w^2 shares are the
//!   flat ones): R_j / (cells of the window) to each cell;
//! - `gamma` and `zbox` act as `simple` (the layers do not accept them; a network-wide rule
//!   skips them).
//!
//! Padding cells are not inputs: A covers the image cells only, so no relevance lands on
//! them.

use crate::element::Element;
use crate::relevance::stabilised_reciprocals;
use crate::rule::{Rule, SIMPLE_STABILIZER};
use ndarray::{ArrayD, ArrayViewD, Zip};

/// A linear layer with fixed non-negative weights and no bias, as its forward map and its
/// transpose.
pub(crate) trait FixedWeights {
    /// z = A x: the layer's outputs for input `x`.
    fn apply<T: Element>(&self, x: &ArrayD<T>) -> ArrayD<T>;

    /// A^T s, shaped like `x` (the layer's gradient for the output gradient `s`).
    fn transpose<T: Element>(&self, x: &ArrayD<T>, s: ArrayViewD<T>) -> ArrayD<T>;

    /// The stabiliser of `simple` on this layer.
    fn simple_stabilizer(&self) -> f64;
}

/// R_x for the relevance `r` of the outputs, by `rule`.
pub(crate) fn lrp<T: Element>(
    layer: &impl FixedWeights,
    x: &ArrayD<T>,
    r: ArrayViewD<T>,
    rule: &Rule,
) -> ArrayD<T> {
    match *rule {
        Rule::Flat | Rule::WSquare => {
            let ones = ArrayD::ones(x.raw_dim());
            // Every window holds at least one image cell, so A 1 > 0.
            let s = Zip::from(&r)
                .and(&layer.apply(&ones))
                .map_collect(|&r, &z| r / z);
            layer.transpose(x, s.view())
        }
        Rule::AlphaBeta(alpha) => {
            let beta = 1.0 - alpha;
            let mut out = ArrayD::zeros(x.raw_dim());
            for (coefficient, part, stabilizer) in [
                (alpha, x.mapv(|v| v.max(T::zero())), SIMPLE_STABILIZER),
                (beta, x.mapv(|v| v.min(T::zero())), -SIMPLE_STABILIZER),
            ] {
                if coefficient == 0.0 {
                    continue;
                }
                let (coefficient, stabilizer) = (T::from_f64(coefficient), T::from_f64(stabilizer));
                let s = Zip::from(&r)
                    .and(&layer.apply(&part))
                    .map_collect(|&r, &z| coefficient * r / (z + stabilizer));
                out += &(part * layer.transpose(x, s.view()));
            }
            out
        }
        _ => {
            let inv = shared_part(layer, x, rule).expect("ratio rules have a shared part");
            lrp_with_shared_part(layer, x, &inv, r)
        }
    }
}

/// What LRP by `rule` computes once for several relevances of the same outputs: 1 / stab(z)
/// for the ratio rules (`simple`, `epsilon`, and `gamma`/`zbox` acting as `simple`); `None`
/// for the others.
pub(crate) fn shared_part<T: Element>(
    layer: &impl FixedWeights,
    x: &ArrayD<T>,
    rule: &Rule,
) -> Option<ArrayD<T>> {
    let eps = match *rule {
        Rule::Epsilon(eps) => eps,
        Rule::Simple | Rule::Gamma(_) | Rule::ZBox { .. } => layer.simple_stabilizer(),
        Rule::AlphaBeta(_) | Rule::Flat | Rule::WSquare | Rule::Pass => return None,
    };
    Some(stabilised_reciprocals(&layer.apply(x), eps))
}

/// The ratio rules with the reciprocals of [`shared_part`]: x * A^T (r / stab(z)).
pub(crate) fn lrp_with_shared_part<T: Element>(
    layer: &impl FixedWeights,
    x: &ArrayD<T>,
    inv: &ArrayD<T>,
    r: ArrayViewD<T>,
) -> ArrayD<T> {
    let s = Zip::from(&r).and(inv).map_collect(|&r, &v| r * v);
    let mut out = layer.transpose(x, s.view());
    out *= x;
    out
}

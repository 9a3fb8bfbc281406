//! LRP rules: which formula a layer uses to send relevance from its output to its input
//! (SPEC.md "LRP"). A rule is plain data; the layers interpret it.

use crate::element::Element;
use crate::error::{LrpError, Result};
use std::fmt;
use std::sync::Arc;

/// Stabiliser of the `simple` rule for Linear and Convolution layers (and of `alphabeta`'s
/// denominators): keeps 0/0 at 0 without changing non-degenerate results.
pub const SIMPLE_STABILIZER: f64 = 1e-16;
/// Stabiliser of the `simple` rule for SumPool layers, as in the toolbox.
pub const SUMPOOL_STABILIZER: f64 = 1e-12;
/// Epsilon used when the `epsilon` rule is named without a parameter.
pub const DEFAULT_EPSILON: f64 = 0.01;
/// Alpha used when the `alphabeta` rule is named without a parameter.
pub const DEFAULT_ALPHA: f64 = 1.0;
/// Gamma used when the `gamma` rule is named without a parameter.
pub const DEFAULT_GAMMA: f64 = 0.25;
/// Stabiliser of the `gamma` and `zbox` rules (zennit's): stab(t) = t + 1e-6 sign(t).
pub const ZENNIT_STABILIZER: f64 = 1e-6;

/// Whose numerical conventions LRP follows where the toolbox and zennit (PyTorch) differ; a
/// network setting ([`crate::Network::set_convention`]). The gradient methods compute the
/// exact gradient in both (a tied MaxPool maximum: the first takes the gradient).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Convention {
    /// The numpy toolbox's: `alphabeta` stabilised with 1e-16 (`SIMPLE_STABILIZER`); a MaxPool
    /// window that holds its maximum several times splits the relevance equally among them.
    #[default]
    Toolbox,
    /// zennit's: `alphabeta` (and so `zplus`) stabilised with [`ZENNIT_STABILIZER`]; a
    /// MaxPool window sends its relevance to its first maximum (row-major), as PyTorch's
    /// max-pooling gradient does; [`crate::Canonizer::MergeBatchNorm`] leaves the
    /// 1 / sqrt(1 + epsilon) that zennit's merge leaves. Results of composites then match
    /// zennit's.
    Zennit,
}

/// A bound of the `zbox` rule: one value for every input, or one per input channel (the
/// last axis of the layer's input: the channels of an H x W x C image, the features of a
/// Linear layer's input). Cheap to clone (the values are shared).
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    // Always behind a pointer, scalar or not: a rule without bounds then holds nothing the
    // optimised clone of a rule would test (with an inline scalar it tested the pointer of
    // an absent bound, a harmless read of unwritten bytes that valgrind reports in every
    // C caller).
    values: Arc<[f64]>,
    per_channel: bool,
}

impl Bound {
    /// The same bound for every input.
    pub fn scalar(v: f64) -> Bound {
        Bound {
            values: Arc::new([v]),
            per_channel: false,
        }
    }

    /// One bound per input channel; its length must equal the layer's channel count.
    pub fn per_channel(values: impl Into<Arc<[f64]>>) -> Bound {
        Bound {
            values: values.into(),
            per_channel: true,
        }
    }

    /// The bound of every column of a layer's input rows whose `k` columns cycle through
    /// the channels fastest (the im2col rows of a Convolution, the inputs of a Linear
    /// layer). The channel count must divide `k` (checked by the network before LRP).
    pub(crate) fn per_column(&self, k: usize) -> Vec<f64> {
        self.values.iter().copied().cycle().take(k).collect()
    }

    /// The number of values of a per-channel bound; `None` for a scalar.
    pub fn channels(&self) -> Option<usize> {
        self.per_channel.then_some(self.values.len())
    }

    /// The bound's values: one for a scalar, one per input channel otherwise.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

impl From<f64> for Bound {
    fn from(v: f64) -> Bound {
        Bound::scalar(v)
    }
}

impl From<Vec<f64>> for Bound {
    fn from(v: Vec<f64>) -> Bound {
        Bound::per_channel(v)
    }
}

impl From<&[f64]> for Bound {
    fn from(v: &[f64]) -> Bound {
        Bound::per_channel(v)
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.channels() {
            None => write!(f, "{}", self.values[0]),
            Some(_) => write!(f, "{:?}", self.values()),
        }
    }
}

/// One LRP rule with its parameter.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Rule {
    /// z_ij / z_j R_j (toolbox names `simple`, `none`); every layer's default preset.
    #[default]
    Simple,
    /// z_ij / (z_j + eps sign(z_j)) R_j, eps > 0.
    Epsilon(f64),
    /// alpha z+ / z+_j - beta z- / z-_j with beta = 1 - alpha (toolbox convention), alpha >= 0.
    AlphaBeta(f64),
    /// Uniform over the receptive field: R_j / fan-in.
    Flat,
    /// w_ij^2 / sum_i w_ij^2 R_j (toolbox names `ww`, `w^2`).
    WSquare,
    /// The gamma rule with parameter g >= 0: for z_j > 0 the share of
    /// x+_i u_ij + x-_i v_ij in sum_i (x+_i u_ij + x-_i v_ij) + b_j + g b+_j, with
    /// u = w + g w+ and v = w + g w-; for z_j < 0 the same with u and v swapped and
    /// b_j + g b-_j; z_j = 0 passes nothing. Stabiliser [`ZENNIT_STABILIZER`].
    Gamma(f64),
    /// The z^B rule for inputs bounded by `low <= x_i <= high`:
    /// R_i = x_i c_i - low c+_i - high c-_i with s_j = R_j / stab(sum_i (x_i w_ij -
    /// low w+_ij - high w-_ij)) (no bias), c = W s, c+ = W+ s, c- = W- s. Stabiliser
    /// [`ZENNIT_STABILIZER`].
    ZBox {
        /// Lower bound of the inputs (scalar or per channel).
        low: Bound,
        /// Upper bound of the inputs (scalar or per channel).
        high: Bound,
    },
    /// The relevance passes unchanged to every input (zennit's `Pass`, and what zennit does
    /// where a composite names no rule for a summation): BatchNorm, Add and the layers that
    /// pass relevance anyway. Layers with weights do not accept it.
    Pass,
}

impl Rule {
    /// Builds a rule from the toolbox's name (case-insensitive, aliases accepted) and an
    /// optional parameter. A missing parameter takes the rule's default; a parameter out of
    /// range (epsilon <= 0, alpha < 0, gamma < 0, anything non-finite) is
    /// [`LrpError::BadParameter`]. Parameters given to rules without one are ignored, as in
    /// the toolbox. `zplus` (`z+`) is `alphabeta` with alpha = 1; `zbox` takes its bound p
    /// as the parameter and gives [-p, p] (a missing bound is an error; build
    /// [`Rule::ZBox`] directly for asymmetric bounds).
    pub fn from_name(name: &str, param: Option<f64>) -> Result<Rule> {
        let lower = name.to_ascii_lowercase();
        let rule = match lower.as_str() {
            "" | "simple" | "none" => Rule::Simple,
            "epsilon" | "eps" => Rule::Epsilon(param.unwrap_or(DEFAULT_EPSILON)),
            "alphabeta" | "alpha" => Rule::AlphaBeta(param.unwrap_or(DEFAULT_ALPHA)),
            "flat" => Rule::Flat,
            "ww" | "w^2" | "wsquare" => Rule::WSquare,
            "zplus" | "z+" => Rule::AlphaBeta(1.0),
            "gamma" => Rule::Gamma(param.unwrap_or(DEFAULT_GAMMA)),
            "pass" => Rule::Pass,
            "zbox" | "z^b" => match param {
                Some(p) => Rule::ZBox {
                    low: Bound::scalar(-p),
                    high: Bound::scalar(p),
                },
                None => {
                    return Err(LrpError::param(
                        "zbox bound",
                        "must be given (the inputs lie in [-bound, bound])",
                    ))
                }
            },
            _ => {
                return Err(LrpError::UnknownRule {
                    name: name.to_string(),
                })
            }
        };
        rule.validate()?;
        Ok(rule)
    }

    /// Checks the rule's parameter range.
    pub fn validate(&self) -> Result<()> {
        if let Rule::ZBox { low, high } = self {
            return validate_bounds(low, high);
        }
        match *self {
            Rule::Epsilon(eps) if !(eps.is_finite() && eps > 0.0) => Err(LrpError::param(
                "epsilon",
                format!("must be finite and > 0, given {eps}"),
            )),
            Rule::AlphaBeta(alpha) if !(alpha.is_finite() && alpha >= 0.0) => Err(LrpError::param(
                "alpha",
                format!("must be finite and >= 0 (beta = 1 - alpha), given {alpha}"),
            )),
            Rule::Gamma(g) if !(g.is_finite() && g >= 0.0) => Err(LrpError::param(
                "gamma",
                format!("must be finite and >= 0, given {g}"),
            )),
            _ => Ok(()),
        }
    }

    /// Whether the rule means something only on layers with weights (`gamma`, `zbox`: a
    /// layer without weights would ignore it).
    pub fn needs_weights(&self) -> bool {
        matches!(self, Rule::Gamma(_) | Rule::ZBox { .. })
    }

    /// The canonical name of the rule (what `from_name` maps aliases to).
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Simple => "simple",
            Rule::Epsilon(_) => "epsilon",
            Rule::AlphaBeta(_) => "alphabeta",
            Rule::Flat => "flat",
            Rule::WSquare => "ww",
            Rule::Gamma(_) => "gamma",
            Rule::ZBox { .. } => "zbox",
            Rule::Pass => "pass",
        }
    }

    /// The rule's parameter, if it has a single one (`zbox` has two: see its fields).
    pub fn param(&self) -> Option<f64> {
        match *self {
            Rule::Epsilon(p) | Rule::AlphaBeta(p) | Rule::Gamma(p) => Some(p),
            _ => None,
        }
    }
}

/// zbox bounds: finite, per-channel ones of equal length (a scalar pairs with any), and
/// low <= high channel by channel.
fn validate_bounds(low: &Bound, high: &Bound) -> Result<()> {
    for (what, b) in [("zbox low bound", low), ("zbox high bound", high)] {
        if let Some((c, v)) = b.values().iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(LrpError::param(
                what,
                format!("must be finite, channel {c} is {v}"),
            ));
        }
        if b.channels() == Some(0) {
            return Err(LrpError::param(what, "must hold at least one value"));
        }
    }
    if let (Some(l), Some(h)) = (low.channels(), high.channels()) {
        if l != h {
            return Err(LrpError::shape("zbox high bound", &[l], &[h]));
        }
    }
    let n = low.values().len().max(high.values().len());
    let at = |b: &Bound, c: usize| b.values()[c.min(b.values().len() - 1)];
    if let Some(c) = (0..n).find(|&c| at(low, c) > at(high, c)) {
        return Err(LrpError::param(
            "zbox bounds",
            format!(
                "must have low <= high, channel {c} has [{}, {}]",
                at(low, c),
                at(high, c)
            ),
        ));
    }
    Ok(())
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Rule::ZBox { low, high } = self {
            return write!(f, "zbox({low}, {high})");
        }
        match self.param() {
            Some(p) => write!(f, "{}({p})", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

/// sign(t) as the toolbox uses it for stabilisers: +1 for t >= 0, -1 otherwise.
#[inline]
pub(crate) fn sign<T: Element>(t: T) -> T {
    if t >= T::zero() {
        T::one()
    } else {
        -T::one()
    }
}

/// t + eps sign(t): the denominator of the simple and epsilon rules, in the element type of
/// the pass (`eps` converted by the caller, once per kernel: rules keep f64 parameters).
#[inline]
pub(crate) fn stabilize<T: Element>(t: T, eps: T) -> T {
    t + eps * sign(t)
}

//! Composites: rule presets chosen by layer type and position (SPEC.md "Beyond the numpy
//! toolbox"), as plain data. "First" is the first Linear or Convolution layer; layers
//! without parameters (pooling, activations, Flatten, SoftMax) get `simple`.

use crate::error::{LrpError, Result};
use crate::layers::{Layer, LayerKind};
use crate::rule::{Bound, Rule};

/// Epsilon of the composites when none is given (zennit's).
pub const DEFAULT_COMPOSITE_EPSILON: f64 = 1e-6;

/// A composite: one rule per layer, by layer type and position.
#[derive(Clone, Debug, PartialEq)]
pub enum Composite {
    /// First layer as its type; Convolution `zplus`; Linear `epsilon(epsilon)`.
    EpsilonPlus {
        /// Epsilon of the Linear layers.
        epsilon: f64,
    },
    /// First layer as its type; Convolution `alphabeta(2)` (zennit's (2, 1)); Linear
    /// `epsilon(epsilon)`.
    EpsilonAlpha2Beta1 {
        /// Epsilon of the Linear layers.
        epsilon: f64,
    },
    /// First layer `flat`; Convolution `zplus`; Linear `epsilon(epsilon)`.
    EpsilonPlusFlat {
        /// Epsilon of the Linear layers.
        epsilon: f64,
    },
    /// First layer `zbox(low, high)` if it is a Convolution (else as its type);
    /// Convolution `gamma(gamma)`; Linear `epsilon(epsilon)`.
    EpsilonGammaBox {
        /// Epsilon of the Linear layers.
        epsilon: f64,
        /// Gamma of the Convolution layers.
        gamma: f64,
        /// Lower input bound of the first layer (scalar or per input channel).
        low: Bound,
        /// Upper input bound of the first layer (scalar or per input channel).
        high: Bound,
    },
}

impl Composite {
    /// A composite by name (`epsilon_plus`, `epsilon_alpha2_beta1`, `epsilon_plus_flat`,
    /// `epsilon_gamma_box`; case-insensitive) with optional parameters: a missing epsilon is
    /// [`DEFAULT_COMPOSITE_EPSILON`], a missing gamma 0.25; `epsilon_gamma_box` needs both
    /// bounds. Parameters the composite does not use are ignored.
    pub fn from_name(
        name: &str,
        epsilon: Option<f64>,
        gamma: Option<f64>,
        low: Option<f64>,
        high: Option<f64>,
    ) -> Result<Composite> {
        let epsilon = epsilon.unwrap_or(DEFAULT_COMPOSITE_EPSILON);
        let composite = match name.trim().to_ascii_lowercase().as_str() {
            "epsilon_plus" => Composite::EpsilonPlus { epsilon },
            "epsilon_alpha2_beta1" => Composite::EpsilonAlpha2Beta1 { epsilon },
            "epsilon_plus_flat" => Composite::EpsilonPlusFlat { epsilon },
            "epsilon_gamma_box" => match (low, high) {
                (Some(low), Some(high)) => Composite::EpsilonGammaBox {
                    epsilon,
                    gamma: gamma.unwrap_or(crate::rule::DEFAULT_GAMMA),
                    low: Bound::Scalar(low),
                    high: Bound::Scalar(high),
                },
                _ => {
                    return Err(LrpError::param(
                        "epsilon_gamma_box bounds",
                        "low and high must both be given",
                    ))
                }
            },
            _ => {
                return Err(LrpError::param(
                    "composite",
                    format!(
                        "must be epsilon_plus, epsilon_alpha2_beta1, epsilon_plus_flat or \
                         epsilon_gamma_box, given '{name}'"
                    ),
                ))
            }
        };
        composite.validate()?;
        Ok(composite)
    }

    /// The composite's name, as [`Composite::from_name`] takes it.
    pub fn name(&self) -> &'static str {
        match self {
            Composite::EpsilonPlus { .. } => "epsilon_plus",
            Composite::EpsilonAlpha2Beta1 { .. } => "epsilon_alpha2_beta1",
            Composite::EpsilonPlusFlat { .. } => "epsilon_plus_flat",
            Composite::EpsilonGammaBox { .. } => "epsilon_gamma_box",
        }
    }

    /// Checks the parameters through the rules they make.
    pub fn validate(&self) -> Result<()> {
        for kind in [LayerKind::Linear, LayerKind::Convolution] {
            self.rule_for(kind, true).validate()?;
            self.rule_for(kind, false).validate()?;
        }
        Ok(())
    }

    /// The rule for a layer of type `kind`; `first` says whether it is the first Linear or
    /// Convolution layer of the network.
    pub fn rule_for(&self, kind: LayerKind, first: bool) -> Rule {
        let epsilon = match *self {
            Composite::EpsilonPlus { epsilon }
            | Composite::EpsilonAlpha2Beta1 { epsilon }
            | Composite::EpsilonPlusFlat { epsilon }
            | Composite::EpsilonGammaBox { epsilon, .. } => epsilon,
        };
        match (kind, self) {
            (LayerKind::Linear | LayerKind::Convolution, Composite::EpsilonPlusFlat { .. })
                if first =>
            {
                Rule::Flat
            }
            (LayerKind::Convolution, Composite::EpsilonGammaBox { low, high, .. }) if first => {
                Rule::ZBox {
                    low: low.clone(),
                    high: high.clone(),
                }
            }
            (LayerKind::Linear, _) => Rule::Epsilon(epsilon),
            (LayerKind::Convolution, Composite::EpsilonAlpha2Beta1 { .. }) => Rule::AlphaBeta(2.0),
            (LayerKind::Convolution, Composite::EpsilonGammaBox { gamma, .. }) => {
                Rule::Gamma(*gamma)
            }
            (LayerKind::Convolution, _) => Rule::AlphaBeta(1.0),
            _ => Rule::Simple,
        }
    }

    /// One rule per layer of `layers`, in order.
    pub fn rules<'a>(&self, layers: impl IntoIterator<Item = &'a Layer>) -> Vec<Rule> {
        let mut seen_first = false;
        layers
            .into_iter()
            .map(|layer| {
                let kind = layer.kind();
                let first = kind.has_parameters() && !seen_first;
                seen_first |= kind.has_parameters();
                self.rule_for(kind, first)
            })
            .collect()
    }
}

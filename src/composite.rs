//! Composites: rule presets chosen by layer type and position (SPEC.md "Beyond the numpy
//! toolbox"), as plain data. zennit's composites: "first" is the first Linear or
//! Convolution layer; layers without parameters (pooling, activations, Flatten, SoftMax)
//! get `simple`. The Caffe toolbox's formula types ([`Composite::Caffe`]) switch rules at
//! a layer index.

use crate::error::{LrpError, Result};
use crate::layers::{Layer, LayerKind};
use crate::rule::{Bound, Rule, ZENNIT_STABILIZER};

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
    /// The Caffe LRP toolbox's `relpropformulatype` with its switch layer
    /// (`auxiliaryvariable_maxlayerindexforflatdistinconv`): 0 epsilon and 2 alphabeta on
    /// every layer; 54 / 56 epsilon and 58 / 60 alphabeta, with the Linear and
    /// Convolution layers at and below `layer` switched to flat (54, 58) or ww (56, 60);
    /// 100 alphabeta on Convolution and epsilon on every other layer, 102 / 104 the same
    /// with flat / ww at and below `layer`. Build it with [`Composite::caffe`].
    Caffe {
        /// The formula type: 0, 2, 54, 56, 58, 60, 100, 102 or 104.
        formula: u32,
        /// The 0-based index of the highest layer that takes the lower rule (types 54 to
        /// 60 and 102, 104; ignored by the others).
        layer: usize,
        /// Epsilon of the epsilon rule.
        epsilon: f64,
        /// Alpha of the alphabeta rule (toolbox convention, beta = 1 - alpha: Caffe's
        /// `alphabeta_beta` b is alpha = 1 - b).
        alpha: f64,
    },
}

/// The Caffe toolbox's formula types that [`Composite::caffe`] knows.
pub const CAFFE_FORMULAS: [u32; 9] = [0, 2, 54, 56, 58, 60, 100, 102, 104];

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
        let composite = match name.to_ascii_lowercase().as_str() {
            "epsilon_plus" => Composite::EpsilonPlus { epsilon },
            "epsilon_alpha2_beta1" => Composite::EpsilonAlpha2Beta1 { epsilon },
            "epsilon_plus_flat" => Composite::EpsilonPlusFlat { epsilon },
            "epsilon_gamma_box" => match (low, high) {
                (Some(low), Some(high)) => Composite::EpsilonGammaBox {
                    epsilon,
                    gamma: gamma.unwrap_or(crate::rule::DEFAULT_GAMMA),
                    low: Bound::scalar(low),
                    high: Bound::scalar(high),
                },
                _ => {
                    return Err(LrpError::param(
                        "epsilon_gamma_box bounds",
                        "low and high must both be given",
                    ))
                }
            },
            _ => {
                return Err(LrpError::UnknownComposite {
                    name: name.to_string(),
                })
            }
        };
        composite.validate()?;
        Ok(composite)
    }

    /// The Caffe toolbox's formula type `formula` switching at (0-based) layer index
    /// `layer`, with the epsilon and alpha (toolbox convention) of its rules. An unknown
    /// formula type or an invalid parameter is an error.
    pub fn caffe(formula: u32, layer: usize, epsilon: f64, alpha: f64) -> Result<Composite> {
        if !CAFFE_FORMULAS.contains(&formula) {
            return Err(LrpError::param(
                "Caffe formula type",
                format!("must be one of {CAFFE_FORMULAS:?}, given {formula}"),
            ));
        }
        let composite = Composite::Caffe {
            formula,
            layer,
            epsilon,
            alpha,
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
            Composite::Caffe { .. } => "caffe",
        }
    }

    /// Checks the parameters through the rules they make.
    pub fn validate(&self) -> Result<()> {
        if let Composite::Caffe { epsilon, alpha, .. } = *self {
            Rule::Epsilon(epsilon).validate()?;
            return Rule::AlphaBeta(alpha).validate();
        }
        for kind in [LayerKind::Linear, LayerKind::Convolution] {
            self.rule_for(kind, true, 0).validate()?;
            self.rule_for(kind, false, 0).validate()?;
        }
        Ok(())
    }

    /// The rule for a layer of type `kind` at 0-based position `index`; `first` says
    /// whether it is the first Linear or Convolution layer of the network.
    fn rule_for(&self, kind: LayerKind, first: bool, index: usize) -> Rule {
        let epsilon = match *self {
            Composite::EpsilonPlus { epsilon }
            | Composite::EpsilonAlpha2Beta1 { epsilon }
            | Composite::EpsilonPlusFlat { epsilon }
            | Composite::EpsilonGammaBox { epsilon, .. } => epsilon,
            Composite::Caffe {
                formula,
                layer,
                epsilon,
                alpha,
            } => return caffe_rule(formula, kind, index <= layer, epsilon, alpha),
        };
        match (kind, self) {
            // zennit's `layer_map_base`: averages and its canonized sums take `Norm`
            // (epsilon with the stabiliser 1e-6), BatchNorm `Pass`; a plain Add is no module
            // in PyTorch, so its gradient passes the relevance to each summand.
            (LayerKind::AvgPool | LayerKind::GlobalAvgPool | LayerKind::Sum, _) => {
                Rule::Epsilon(ZENNIT_STABILIZER)
            }
            (LayerKind::BatchNorm | LayerKind::Add, _) => Rule::Pass,
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
            .enumerate()
            .map(|(index, layer)| {
                let kind = layer.kind();
                let first = kind.has_parameters() && !seen_first;
                seen_first |= kind.has_parameters();
                self.rule_for(kind, first, index)
            })
            .collect()
    }
}

/// The rule of Caffe formula type `formula` for a layer of type `kind`; `lower` says
/// whether the layer is at or below the switch layer.
fn caffe_rule(formula: u32, kind: LayerKind, lower: bool, epsilon: f64, alpha: f64) -> Rule {
    let (eps, ab) = (Rule::Epsilon(epsilon), Rule::AlphaBeta(alpha));
    let upper = match formula {
        2 | 58 | 60 => ab,
        100 | 102 | 104 if kind == LayerKind::Convolution => ab,
        _ => eps,
    };
    if !(lower && kind.has_parameters()) {
        return upper;
    }
    match formula {
        54 | 58 | 102 => Rule::Flat,
        56 | 60 | 104 => Rule::WSquare,
        _ => upper,
    }
}

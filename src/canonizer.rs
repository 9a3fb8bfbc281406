//! Canonizers: rewrites of a network that keep its forward pass but give LRP a form its
//! rules explain well (zennit's `canonizers.py`). They are explicit steps: a user sees
//! which ran ([`Network::canonized`] returns a new network; the original is unchanged) and
//! composites name the ones they need ([`Canonizer::for_model`]).

use crate::error::{LrpError, Result};

/// One rewrite of a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Canonizer {
    /// Every BatchNorm that directly follows a Linear or Convolution layer (whose output
    /// feeds nothing else) is merged into it: W' = W scale (per output), B' = B scale +
    /// shift. The forward pass is the same up to rounding; LRP then sees one layer
    /// (zennit's `SequentialMergeBatchNorm`). Under [`crate::Convention::Zennit`] a BatchNorm
    /// that scales by 1 / sqrt(1 + epsilon) stays in its place, as zennit leaves it (see
    /// [`crate::BatchNorm::zennit_merge_residual`]), so that results match zennit's.
    MergeBatchNorm,
    /// Every residual Add becomes a [`crate::Layer::Sum`], which composites explain in
    /// proportion to the summands' contributions (zennit's `ResNetCanonizer` summation
    /// module with the `Norm` rule).
    ResNetSum,
}

impl Canonizer {
    /// The canonizers of a name (case-insensitive): `merge_batchnorm` (also
    /// `sequential_merge_batchnorm`) and `vgg`: [MergeBatchNorm]; `resnet`: [MergeBatchNorm,
    /// ResNetSum]; `resnet_sum`: [ResNetSum]; `none` or an empty name: none.
    pub fn from_name(name: &str) -> Result<Vec<Canonizer>> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "" | "none" => vec![],
            "merge_batchnorm" | "sequential_merge_batchnorm" | "vgg" => {
                vec![Canonizer::MergeBatchNorm]
            }
            "resnet" => vec![Canonizer::MergeBatchNorm, Canonizer::ResNetSum],
            "resnet_sum" => vec![Canonizer::ResNetSum],
            _ => {
                return Err(LrpError::param(
                    "canonizer",
                    format!("must be none, merge_batchnorm, sequential_merge_batchnorm, vgg, resnet or resnet_sum; given '{name}'"),
                ))
            }
        })
    }

    /// The canonizer's name.
    pub fn name(self) -> &'static str {
        match self {
            Canonizer::MergeBatchNorm => "merge_batchnorm",
            Canonizer::ResNetSum => "resnet_sum",
        }
    }

    /// What a zennit composite needs on a network with these layers: BatchNorm merged
    /// wherever it can be, and residual Adds as summation modules (zennit's `VGGCanonizer`,
    /// `ResNetCanonizer`, `SequentialMergeBatchNorm` all merge; the ResNet one also marks
    /// the sums). Plain networks need none.
    pub fn for_model(net: &crate::Network) -> Vec<Canonizer> {
        use crate::LayerKind;
        let has = |k: LayerKind| net.layers().any(|l| l.kind() == k);
        let mut out = Vec::new();
        if has(LayerKind::BatchNorm) {
            out.push(Canonizer::MergeBatchNorm);
        }
        if has(LayerKind::Add) {
            out.push(Canonizer::ResNetSum);
        }
        out
    }
}

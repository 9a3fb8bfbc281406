//! The graph rewrites of [`Canonizer`]s.

use super::{Module, Network};
use crate::canonizer::Canonizer;
use crate::error::Result;
use crate::layers::{Convolution, Layer, Linear};
use crate::rule::Convention;
use ndarray::{Array1, Axis};
use std::sync::OnceLock;

impl Network {
    /// A copy of this network with `canonizers` applied in order (see [`Canonizer`]). The
    /// copy has no cached forward pass; presets, layout and convention carry over (a merged
    /// BatchNorm's preset goes with it).
    pub fn canonized(&self, canonizers: &[Canonizer]) -> Result<Network> {
        // Field by field: a derived clone would copy the cached activations only to drop them.
        let copy = Network {
            modules: self.modules.clone(),
            cached: None,
            convention: self.convention,
            layout: self.layout,
            precision: self.precision,
            f32_layers: OnceLock::new(),
        };
        copy.into_canonized(canonizers)
    }

    /// [`Network::canonized`] on a network the caller owns (no copy of the parameters).
    pub fn into_canonized(mut self, canonizers: &[Canonizer]) -> Result<Network> {
        self.layers_changed();
        let mut net = self;
        for c in canonizers {
            net = match c {
                Canonizer::MergeBatchNorm => net.merge_batchnorm(),
                Canonizer::ResNetSum => {
                    for m in &mut net.modules {
                        if m.layer == Layer::Add {
                            m.layer = Layer::Sum;
                        }
                    }
                    net
                }
            };
        }
        Ok(net)
    }

    /// How many nodes take value `v`.
    fn consumers(&self, v: usize) -> usize {
        self.modules
            .iter()
            .map(|m| m.inputs.iter().filter(|&&i| i == v).count())
            .sum()
    }

    fn merge_batchnorm(self) -> Network {
        // Which BatchNorm nodes merge into the node before them.
        let merges: Vec<bool> = self
            .modules
            .iter()
            .map(|m| {
                let Layer::BatchNorm(_) = m.layer else {
                    return false;
                };
                let v = m.inputs[0];
                v > 0
                    && matches!(
                        self.modules[v - 1].layer,
                        Layer::Linear(_) | Layer::Convolution(_)
                    )
                    && self.consumers(v) == 1
                    && v < self.modules.len()
            })
            .collect();
        let mut out = Network {
            modules: Vec::with_capacity(self.modules.len()),
            cached: None,
            convention: self.convention,
            layout: self.layout,
            precision: self.precision,
            f32_layers: OnceLock::new(),
        };
        // New value of every old value (0 stays the input).
        let mut value = vec![0usize; self.modules.len() + 1];
        for (i, m) in self.modules.into_iter().enumerate() {
            if merges[i] {
                let Layer::BatchNorm(bn) = &m.layer else {
                    unreachable!("checked above")
                };
                let target = value[m.inputs[0]];
                let prev = &mut out.modules[target - 1].layer;
                fold(prev, bn.scale(), bn.shift());
                if out.convention == Convention::Zennit {
                    // zennit's MergeBatchNorm sets the BatchNorm's statistics and affine
                    // parameters to identity but keeps its epsilon, so the canonized model
                    // scales by 1 / sqrt(1 + epsilon) there (and passes relevance through).
                    let residual = Layer::BatchNorm(bn.zennit_merge_residual());
                    out.modules.push(Module {
                        layer: residual,
                        inputs: vec![target],
                        ..m
                    });
                    value[i + 1] = out.modules.len();
                } else {
                    value[i + 1] = target;
                }
                continue;
            }
            out.modules.push(Module {
                inputs: m.inputs.iter().map(|&v| value[v]).collect(),
                ..m
            });
            value[i + 1] = out.modules.len();
        }
        out
    }
}

/// W' = W scale per output (the last axis of W), B' = B scale + shift.
fn fold(layer: &mut Layer, scale: &Array1<f64>, shift: &Array1<f64>) {
    let (w, b) = match layer {
        Layer::Linear(Linear { w, b }) => (w.view_mut().into_dyn(), b),
        Layer::Convolution(Convolution { w, b, .. }) => (w.view_mut().into_dyn(), b),
        _ => unreachable!("merges only into Linear and Convolution"),
    };
    let mut w = w;
    let last = Axis(w.ndim() - 1);
    for mut lane in w.lanes_mut(last) {
        lane *= scale;
    }
    *b = &*b * scale + shift;
}

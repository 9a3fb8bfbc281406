//! Several classes explained from one forward pass (SPEC.md "Beyond the numpy toolbox",
//! multi-class): K relevance maps for K classes, and the Caffe toolbox's composite map of
//! a set of classes.
//!
//! The map of class k needs only the one trace and the output masked to class k, so the
//! forward pass runs once and the K backward passes share its activations. The parts of a
//! layer's rule that do not depend on the relevance (the stabilised denominators
//! 1 / stab(z_j) of `simple` and `epsilon`: a division per output, as costly as the rest of
//! the elementwise work) are computed once per layer instead of K times, and the K
//! relevances go back in parallel. (Stacking the K relevances into one batch measured
//! slower: it needs K copies of every activation.)

use super::{check_finite, check_same_shape, Computes, Network, Trace};
use crate::element::{Element, Precision};
use crate::error::{LrpError, Result};
use crate::rule::Rule;
use crate::targets::Targets;
use ndarray::{ArrayD, ArrayViewD, Axis, CowArray, IxDyn};
use rayon::prelude::*;

impl Network {
    /// LRP of K relevance batches on one trace: `rs` is K x (output shape), one relevance
    /// batch per map; the result is K x (input shape), map k equal to
    /// `lrp_trace(trace, rs[k], rule)`. Shapes in the network's layout. Thread-safe.
    pub fn lrp_many_trace(
        &self,
        trace: &Trace,
        rs: ArrayViewD<f64>,
        rule: Option<Rule>,
    ) -> Result<ArrayD<f64>> {
        self.lrp_many_trace_in(trace, rs, rule)
    }

    /// [`Network::lrp_many_trace`] on a trace computed in `T`.
    pub(crate) fn lrp_many_trace_in<T: Computes>(
        &self,
        trace: &Trace<T>,
        rs: ArrayViewD<T>,
        rule: Option<Rule>,
    ) -> Result<ArrayD<T>> {
        self.check_lrp_inputs(trace, &rule)?;
        let out = self.layout.external_shape(trace.output().shape());
        let Some((&k, per_map)) = rs.shape().split_first() else {
            return Err(LrpError::param(
                "relevance R",
                "needs a leading axis of maps",
            ));
        };
        if k == 0 {
            return Err(LrpError::param("relevance R", "holds no map (K = 0)"));
        }
        check_same_shape("relevance R (each of the K maps)", &out, per_map)?;
        check_finite("relevance R", &rs)?;
        let rels: Vec<ArrayD<T>> = rs
            .axis_iter(Axis(0))
            .map(|r| {
                self.layout
                    .to_internal(r.into())
                    .as_standard_layout()
                    .into_owned()
            })
            .collect();
        let maps: Vec<ArrayD<T>> = self
            .lrp_layers_many(trace, rels, &rule)
            .into_iter()
            .map(|m| self.layout.to_external(m))
            .collect();
        let views: Vec<_> = maps.iter().map(|m| m.view()).collect();
        Ok(ndarray::stack(Axis(0), &views).expect("K maps shaped like the input"))
    }

    /// Sends every relevance of `rels` back through the graph. What a layer's rule lets it
    /// prepare once (the stabilised denominators of `simple` and `epsilon`) is computed
    /// first, for every layer; then the relevances go back in parallel, one task per
    /// relevance through all layers (a layer's blocks still split further when a thread
    /// is idle). Measured against going back layer by layer with all relevances together:
    /// the same speed with less memory alive at once.
    fn lrp_layers_many<T: Computes>(
        &self,
        trace: &Trace<T>,
        rels: Vec<ArrayD<T>>,
        rule: &Option<Rule>,
    ) -> Vec<ArrayD<T>> {
        let inputs_of = |i: usize| -> Vec<&ArrayD<T>> {
            self.modules[i]
                .inputs
                .iter()
                .map(|&v| &trace.activations[v])
                .collect()
        };
        let shared: Vec<Option<ArrayD<T>>> = (0..self.modules.len())
            .into_par_iter()
            .map(|i| {
                T::layer(self, i).ops().lrp_shared_part(
                    &inputs_of(i),
                    &trace.activations[i + 1],
                    self.rule_of(i, rule),
                )
            })
            .collect();
        rels.into_par_iter()
            .map(|r| {
                self.walk_back(trace, r, |i, ins, y, r| match &shared[i] {
                    Some(part) => T::layer(self, i).ops().lrp_with_shared_part(ins, part, r),
                    None => T::layer(self, i).ops().lrp(
                        ins,
                        y,
                        r,
                        self.rule_of(i, rule),
                        self.convention,
                    ),
                })
            })
            .collect()
    }

    /// Explains `x` for `targets` from one forward pass, computed in the network's
    /// [`Network::precision`]: the network's output (N x C) and the maps (each shaped like
    /// `x`; one, or one per class for [`Targets::Each`]). The first LRP pass of a single map
    /// frees activations as [`Network::explain`] does; several maps share the trace as
    /// [`Network::explain_classes`]. Thread-safe.
    pub fn explain_targets<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        targets: Targets,
        rule: Option<Rule>,
    ) -> Result<Explained<f64>> {
        self.explain_targets_any(x.into(), targets, rule)
    }

    /// [`Network::explain_targets`] for f32 data, giving f32.
    pub fn explain_targets_f32<'a>(
        &self,
        x: impl Into<CowArray<'a, f32, IxDyn>>,
        targets: Targets,
        rule: Option<Rule>,
    ) -> Result<Explained<f32>> {
        self.explain_targets_any(x.into(), targets, rule)
    }

    /// [`Network::explain_targets`] for data of type `E` (converted once each way when the
    /// precision is not `E`).
    pub(crate) fn explain_targets_any<E: Element>(
        &self,
        x: CowArray<'_, E, IxDyn>,
        targets: Targets,
        rule: Option<Rule>,
    ) -> Result<Explained<E>> {
        fn to<T: Element, E: Element>(
            e: Explained<T>,
            f: impl Fn(ArrayD<T>) -> ArrayD<E>,
        ) -> Explained<E> {
            Explained {
                output: f(e.output),
                maps: e.maps.into_iter().map(f).collect(),
            }
        }
        Ok(match self.precision {
            Precision::F64 => to(
                self.explain_targets_in(E::into_f64s(x), targets, rule)?,
                E::from_f64s,
            ),
            Precision::F32 => to(
                self.explain_targets_in(E::into_f32s(x), targets, rule)?,
                E::from_f32s,
            ),
        })
    }

    /// [`Network::explain_targets`] computed in `T`.
    pub(crate) fn explain_targets_in<'a, T: Computes>(
        &self,
        x: impl Into<CowArray<'a, T, IxDyn>>,
        targets: Targets,
        rule: Option<Rule>,
    ) -> Result<Explained<T>> {
        let x = x.into();
        self.check_rule(&rule)?;
        // One map: keep only what LRP reads (and make a Rect's output again where that is
        // cheaper than keeping it); several maps share the whole trace.
        let mut keep = (targets.maps() == 1).then(|| self.values_lrp_reads(&rule));
        let remade_by = keep.as_mut().map(|k| self.values_to_remake(k));
        let mut trace = self.trace_keeping(x, keep.as_deref())?;
        if let Some(remade_by) = remade_by {
            trace.set_remade_by(remade_by);
        }
        let y = trace.output();
        let &[n, c] = y.shape() else {
            return Err(LrpError::param(
                "targets",
                format!("need an N x C output, the network gives {:?}", y.shape()),
            ));
        };
        targets.check(n, c)?;
        let output = self.layout.to_external(y.clone());
        let mut batches = targets.batches(y, true);
        // (In f32 a forward pass may overflow where f64's does not: say so, not NaN maps.)
        for batch in &batches {
            check_finite("relevance R", &batch.view())?;
        }
        if batches.len() == 1 {
            // The walk owns the trace and frees activations as it goes.
            let r = batches.pop().expect("one batch");
            let map = self.lrp_layers(trace, r, &rule);
            return Ok(Explained {
                output,
                maps: vec![self.layout.to_external(map)],
            });
        }
        let maps = self.lrp_layers_many(&trace, batches, &rule);
        Ok(Explained {
            output,
            maps: maps
                .into_iter()
                .map(|m| self.layout.to_external(m))
                .collect(),
        })
    }

    /// K heatmaps from one forward pass: for each class `classes[k]`, every sample's
    /// output is kept only at that class and sent back with `rule` (or the presets). The
    /// output must be N x C; the result is K x (shape of `x`). Equals K calls of
    /// [`Network::explain`] with every sample explained for the same class, but runs the
    /// forward pass once. Thread-safe.
    pub fn explain_classes<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<f64>> {
        let x: CowArray<f64, IxDyn> = x.into();
        match self.precision {
            Precision::F64 => self.explain_classes_in(x, classes, rule),
            Precision::F32 => Ok(f64::from_f32s(self.explain_classes_in(
                f64::into_f32s(x),
                classes,
                rule,
            )?)),
        }
    }

    /// [`Network::explain_classes`] computed in `T`.
    fn explain_classes_in<'a, T: Computes>(
        &self,
        x: impl Into<CowArray<'a, T, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<T>> {
        let x = x.into();
        self.check_class_list(x.shape(), classes)?;
        let maps = self
            .explain_targets_in(x, Targets::Each(classes), rule)?
            .maps;
        let views: Vec<_> = maps.iter().map(|m| m.view()).collect();
        Ok(ndarray::stack(Axis(0), &views).expect("K maps shaped like the input"))
    }

    /// The Caffe toolbox's composite map of a set of classes: one heatmap per sample,
    /// explaining the sum of the outputs of `classes` (each sample's output kept at those
    /// classes, zero elsewhere). By linearity it is the sum of the classes' single maps.
    /// The output must be N x C; the result is shaped like `x`. Thread-safe.
    pub fn explain_class_set<'a>(
        &self,
        x: impl Into<CowArray<'a, f64, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<f64>> {
        let x: CowArray<f64, IxDyn> = x.into();
        match self.precision {
            Precision::F64 => self.explain_class_set_in(x, classes, rule),
            Precision::F32 => Ok(f64::from_f32s(self.explain_class_set_in(
                f64::into_f32s(x),
                classes,
                rule,
            )?)),
        }
    }

    /// [`Network::explain_class_set`] computed in `T`.
    fn explain_class_set_in<'a, T: Computes>(
        &self,
        x: impl Into<CowArray<'a, T, IxDyn>>,
        classes: &[usize],
        rule: Option<Rule>,
    ) -> Result<ArrayD<T>> {
        let x = x.into();
        self.check_class_list(x.shape(), classes)?;
        let mut explained = self.explain_targets_in(x, Targets::Set(classes), rule)?;
        Ok(explained.maps.pop().expect("one map of the set"))
    }

    /// Before any work: the network's output for an input of `input` (the caller's shape)
    /// must be N x C and the classes a non-empty list of distinct indices below C.
    fn check_class_list(&self, input: &[usize], classes: &[usize]) -> Result<()> {
        let y = self.output_shape(input)?;
        let &[_, c] = y.as_slice() else {
            return Err(LrpError::param(
                "classes",
                format!("explaining classes needs an N x C output, the network gives {y:?}"),
            ));
        };
        check_classes(classes, c)
    }
}

/// What [`Network::explain_targets`] gives: the network's output and the maps, in the
/// element type of the data it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained<T> {
    /// The network's output for the input (N x C).
    pub output: ArrayD<T>,
    /// The relevance maps, each shaped like the input.
    pub maps: Vec<ArrayD<T>>,
}

/// At least one class, each below `c`, none twice.
fn check_classes(classes: &[usize], c: usize) -> Result<()> {
    if classes.is_empty() {
        return Err(LrpError::param("classes", "must name at least one class"));
    }
    if let Some((i, &k)) = classes.iter().enumerate().find(|(_, &k)| k >= c) {
        return Err(LrpError::param(
            "classes",
            format!("entry {i} must be below the {c} outputs, given {k}"),
        ));
    }
    for (i, k) in classes.iter().enumerate() {
        if classes[..i].contains(k) {
            return Err(LrpError::param(
                "classes",
                format!("entry {i} repeats class {k}"),
            ));
        }
    }
    Ok(())
}

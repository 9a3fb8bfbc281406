//! The fully connected layer: Y = X W + B for X of shape N x m.

use super::layer_with_weights;
use super::{BackwardWants, ExpectedShape, Inputs, LayerKind, LayerOps, ParamGrad};
use crate::error::{LrpError, Result};
use crate::gemm::{gemm, gemm_new, Par};
use crate::relevance::{dense_terms, needs_input_rows, Rows, WeightParts};
use crate::rule::{Convention, Rule};
use ndarray::{Array1, Array2, ArrayD, ArrayView2, ArrayViewD, Axis, Ix2};
use rand::Rng;
use rayon::prelude::*;

/// Rows of the input relevance weighted by x per parallel task in LRP.
const ROWS_PER_TASK: usize = 16;

/// A fully connected layer with weights W (m x n) and biases B (n).
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    /// Weights, m inputs x n outputs.
    pub w: Array2<f64>,
    /// Biases, one per output.
    pub b: Array1<f64>,
}

impl Linear {
    /// A layer with the given parameters; B must have W's number of columns.
    pub fn new(w: Array2<f64>, b: Array1<f64>) -> Result<Linear> {
        if b.len() != w.ncols() {
            return Err(LrpError::shape("B of Linear", &[w.ncols()], &[b.len()]));
        }
        super::check_finite_parameters("Linear", &w.view().into_dyn(), &b.view().into_dyn())?;
        Ok(Linear { w, b })
    }

    /// The toolbox's initialisation: W ~ Normal(0, 1/sqrt(m)) (standard deviation), B = 0.
    pub fn random(m: usize, n: usize, rng: &mut impl Rng) -> Result<Linear> {
        if m == 0 || n == 0 {
            return Err(LrpError::param(
                "Linear size",
                format!("m and n must be positive, given {m} x {n}"),
            ));
        }
        let w = super::random_weights("Linear size", &[m, n], 1.0 / (m as f64).sqrt(), rng)?;
        Ok(Linear {
            w: w.into_dimensionality().expect("2-D"),
            b: Array1::zeros(n),
        })
    }

    /// Number of inputs m.
    pub fn inputs(&self) -> usize {
        self.w.nrows()
    }

    /// Number of outputs n.
    pub fn outputs(&self) -> usize {
        self.w.ncols()
    }

    pub(crate) fn output_shape(
        &self,
        input: &[usize],
    ) -> std::result::Result<Vec<usize>, ExpectedShape> {
        match input {
            [n, m] if *m == self.inputs() => Ok(vec![*n, self.outputs()]),
            _ => Err(vec![None, Some(self.inputs())]),
        }
    }

    fn as_matrix(a: &ArrayD<f64>) -> ArrayView2<'_, f64> {
        a.view()
            .into_dimensionality::<Ix2>()
            .expect("checked rank-2 input")
    }

    pub(crate) fn forward(&self, x: &ArrayD<f64>) -> ArrayD<f64> {
        let x = Self::as_matrix(x);
        let mut y = Array2::zeros((x.nrows(), self.outputs()));
        y.rows_mut()
            .into_iter()
            .for_each(|mut row| row.assign(&self.b));
        gemm(1.0, x, self.w.view(), 1.0, y.view_mut(), Par::Split);
        y.into_dyn()
    }

    pub(crate) fn backward(
        &self,
        x: &ArrayD<f64>,
        dy: ArrayViewD<f64>,
        wants: BackwardWants,
    ) -> (Option<ArrayD<f64>>, Option<ParamGrad>) {
        let x = Self::as_matrix(x);
        let dy = dy
            .into_dimensionality::<Ix2>()
            .expect("checked rank-2 gradient");
        let dx = wants.dx.then(|| {
            let mut dx = Array2::zeros(x.raw_dim());
            gemm(1.0, dy, self.w.t(), 0.0, dx.view_mut(), Par::Split);
            dx.into_dyn()
        });
        let grad = wants.params.then(|| {
            let mut dw = Array2::zeros(self.w.raw_dim());
            gemm(1.0, x.t(), dy, 0.0, dw.view_mut(), Par::Split);
            ParamGrad {
                dw: dw.into_dyn(),
                db: dy.sum_axis(Axis(0)).into_dyn(),
            }
        });
        (dx, grad)
    }

    pub(crate) fn lrp(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        r: ArrayD<f64>,
        rule: &Rule,
        convention: Convention,
    ) -> ArrayD<f64> {
        let x = Self::as_matrix(x);
        let y = Self::as_matrix(y);
        let mut r = r
            .into_dimensionality::<Ix2>()
            .expect("checked rank-2 relevance");
        // The whole batch is one block: its products split over the threads by the columns
        // of W (the larger side at small batches), so W is packed once per call rather
        // than once per block of rows.
        let terms = dense_terms(
            rule,
            convention,
            Rows::plain(needs_input_rows(rule).then_some(x)),
            y,
            r.view_mut(),
            self.w.view(),
            &WeightParts::new(rule, self.w.view()).columns(0..self.outputs()),
            self.b.view(),
            Par::Split,
        );
        let mut rx = Array2::zeros(x.raw_dim());
        rx.axis_chunks_iter_mut(Axis(0), ROWS_PER_TASK)
            .into_par_iter()
            .zip(x.axis_chunks_iter(Axis(0), ROWS_PER_TASK))
            .enumerate()
            .for_each(|(i, (mut rx, x))| {
                let rows = i * ROWS_PER_TASK..i * ROWS_PER_TASK + x.nrows();
                let rx = rx
                    .as_slice_mut()
                    .expect("row blocks of a C-order array are contiguous");
                let x = x
                    .as_slice()
                    .expect("row blocks of a C-order array are contiguous");
                for term in &terms {
                    let factor = term.factor.slice(ndarray::s![rows.clone(), ..]);
                    let factor = factor.as_slice().expect("rows of an owned matrix");
                    term.weight.accumulate(rx, factor, x);
                }
            });
        rx.into_dyn()
    }

    /// `simple`/`epsilon` LRP with the stabilised reciprocals `inv` = 1 / stab(y) prepared
    /// beforehand (shared by several relevances): x .* ((r .* inv) W^T).
    pub(crate) fn lrp_with_reciprocals(
        &self,
        x: &ArrayD<f64>,
        inv: &ArrayD<f64>,
        mut r: ArrayD<f64>,
    ) -> ArrayD<f64> {
        r *= inv;
        let s = r
            .into_dimensionality::<Ix2>()
            .expect("checked rank-2 relevance");
        let mut rx = gemm_new(s.view(), self.w.t(), Par::Split);
        rx *= &Self::as_matrix(x);
        rx.into_dyn()
    }
}

impl LayerOps for Linear {
    fn kind(&self) -> LayerKind {
        LayerKind::Linear
    }

    layer_with_weights!(Linear);

    fn input_channels(&self) -> Option<usize> {
        Some(self.inputs())
    }

    fn sizes(&self) -> Vec<usize> {
        vec![self.inputs(), self.outputs()]
    }
}

//! The fully connected layer: Y = X W + B for X of shape N x m.
//!
//! Everything but construction is generic over the element type (a `Linear<f32>` computes
//! in f32); the layers of a network are f64.

use super::layer_with_weights;
use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad};
use crate::element::Element;
use crate::error::{LrpError, Result};
use crate::gemm::{gemm, gemm_new, Par};
use crate::relevance::{dense_terms, needs_input_rows, Rows, WeightParts};
use crate::rule::{Convention, Rule};
use ndarray::{Array1, Array2, ArrayD, ArrayView2, ArrayViewD, Axis, Ix2};
use rand::Rng;
use rayon::prelude::*;

/// Rows of the input relevance weighted by x per parallel task in LRP.
const ROWS_PER_TASK: usize = 16;

/// A fully connected layer with weights W (m x n) and biases B (n), in f64 (the default,
/// what networks hold and train) or f32.
#[derive(Clone, Debug, PartialEq)]
pub struct Linear<T = f64> {
    /// Weights, m inputs x n outputs.
    pub w: Array2<T>,
    /// Biases, one per output.
    pub b: Array1<T>,
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
}

impl<T: Element> Linear<T> {
    /// The same layer with its parameters in `U` (rounded to nearest when narrowing): how
    /// an f32 copy of a network's layer is made.
    pub fn to_element<U: Element>(&self) -> Linear<U> {
        Linear {
            w: self.w.mapv(|v| U::from_f64(v.into_f64())),
            b: self.b.mapv(|v| U::from_f64(v.into_f64())),
        }
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

    fn as_matrix(a: &ArrayD<T>) -> ArrayView2<'_, T> {
        a.view()
            .into_dimensionality::<Ix2>()
            .expect("checked rank-2 input")
    }

    pub(crate) fn forward(&self, x: &ArrayD<T>) -> ArrayD<T> {
        let x = Self::as_matrix(x);
        let mut y = Array2::zeros((x.nrows(), self.outputs()));
        y.rows_mut()
            .into_iter()
            .for_each(|mut row| row.assign(&self.b));
        gemm(
            T::one(),
            x,
            self.w.view(),
            T::one(),
            y.view_mut(),
            Par::Split,
        );
        y.into_dyn()
    }

    pub(crate) fn backward(
        &self,
        x: &ArrayD<T>,
        dy: ArrayViewD<T>,
        wants: BackwardWants,
    ) -> (Option<ArrayD<T>>, Option<ParamGrad<T>>) {
        let x = Self::as_matrix(x);
        let dy = dy
            .into_dimensionality::<Ix2>()
            .expect("checked rank-2 gradient");
        let dx = wants.dx.then(|| {
            let mut dx = Array2::zeros(x.raw_dim());
            gemm(
                T::one(),
                dy,
                self.w.t(),
                T::zero(),
                dx.view_mut(),
                Par::Split,
            );
            dx.into_dyn()
        });
        let grad = wants.params.then(|| {
            let mut dw = Array2::zeros(self.w.raw_dim());
            gemm(T::one(), x.t(), dy, T::zero(), dw.view_mut(), Par::Split);
            ParamGrad {
                dw: dw.into_dyn(),
                db: dy.sum_axis(Axis(0)).into_dyn(),
            }
        });
        (dx, grad)
    }

    pub(crate) fn lrp(
        &self,
        x: &ArrayD<T>,
        y: &ArrayD<T>,
        r: ArrayD<T>,
        rule: &Rule,
        convention: Convention,
    ) -> ArrayD<T> {
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
        x: &ArrayD<T>,
        inv: &ArrayD<T>,
        mut r: ArrayD<T>,
    ) -> ArrayD<T> {
        r *= inv;
        let s = r
            .into_dimensionality::<Ix2>()
            .expect("checked rank-2 relevance");
        let mut rx = gemm_new(s.view(), self.w.t(), Par::Split);
        rx *= &Self::as_matrix(x);
        rx.into_dyn()
    }
}

impl<T: Element> LayerOps<T> for Linear<T> {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Linear(self.to_element())
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::f32_check::{agreement, every_rule, irregular, F32_TOLERANCE};

    #[test]
    fn f32_forward_and_lrp_agree_with_f64() {
        // Batch 1 (the few-rows GEMM path) and 9, weights of both signs, inputs of both
        // signs and after a Rect, every rule; the f64 layer holds the f32 layer's numbers,
        // so only the arithmetic differs.
        let l32 = Linear {
            w: irregular::<f32>(&[40, 12], 0.3)
                .into_dimensionality()
                .unwrap(),
            b: irregular::<f32>(&[12], 1.7).into_dimensionality().unwrap(),
        };
        let l64 = l32.to_element::<f64>();
        assert_eq!(l64.to_element::<f32>(), l32);
        for batch in [1, 9] {
            for rect in [false, true] {
                let mut x32 = irregular::<f32>(&[batch, 40], 0.9);
                if rect {
                    x32.mapv_inplace(|v| v.max(0.0));
                }
                let x64 = x32.mapv(f64::from);
                let (y32, y64) = (l32.forward(&x32), l64.forward(&x64));
                let err = agreement(&y32, &y64);
                // Not 0: the f32 instantiation does compute in f32.
                assert!(err > 0.0 && err <= F32_TOLERANCE, "forward: {err:e}");
                for rule in every_rule() {
                    for convention in [Convention::Toolbox, Convention::Zennit] {
                        let r32 = l32.lrp(&x32, &y32, y32.clone(), &rule, convention);
                        let r64 = l64.lrp(&x64, &y64, y64.clone(), &rule, convention);
                        let err = agreement(&r32, &r64);
                        assert!(err <= F32_TOLERANCE, "{rule} batch {batch}: {err:e}");
                    }
                }
                let inv32 = crate::relevance::stabilised_reciprocals(&y32, 0.01);
                let inv64 = crate::relevance::stabilised_reciprocals(&y64, 0.01);
                let r32 = l32.lrp_with_reciprocals(&x32, &inv32, y32.clone());
                let r64 = l64.lrp_with_reciprocals(&x64, &inv64, y64.clone());
                assert!(agreement(&r32, &r64) <= F32_TOLERANCE, "shared part");
            }
        }
    }
}

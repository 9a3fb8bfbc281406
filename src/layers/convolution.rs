//! The convolution layer: valid (unpadded), strided cross-correlation of N x H x W x D
//! batches with nf filters of size hf x wf x D.
//!
//! Every pass works on blocks of samples in parallel. A block is unrolled into its im2col
//! matrix (one row per output position, one column per filter tap, rows x K with
//! K = hf*wf*D), so forward is one product with W viewed as K x nf, and backward and LRP
//! are products with W^T followed by col2im (the scatter-add back onto the image).

use super::{BackwardWants, ExpectedShape, ParamGrad};
use crate::error::{LrpError, Result};
use crate::gemm::{gemm, gemm_new};
use crate::relevance::{
    dense_terms, divide_by_stabilised, epsilon_of, needs_input_rows, InputWeight, Term,
};
use crate::rule::{Convention, Rule};
use ndarray::{Array1, Array2, Array4, ArrayD, ArrayView2, ArrayViewD, ArrayViewMut2, Axis};
use rand::Rng;
use rayon::prelude::*;

/// Target size (in f64 elements) of one block's im2col matrix: it stays in the L2 cache
/// while giving each thread several blocks to balance.
const COLS_PER_TASK: usize = 1 << 16;

/// The toolbox's default filter size [hf, wf, df, nf] of a Convolution layer.
pub const DEFAULT_CONV_FILTER: [usize; 4] = [5, 5, 3, 32];
/// The toolbox's default stride of a Convolution layer.
pub const DEFAULT_CONV_STRIDE: (usize, usize) = (2, 2);

/// A convolution layer with filters W (hf x wf x df x nf), biases B (nf) and a stride.
#[derive(Clone, Debug, PartialEq)]
pub struct Convolution {
    /// Filters, hf x wf x df x nf (height, width, input channels, filters).
    pub w: Array4<f64>,
    /// Biases, one per filter.
    pub b: Array1<f64>,
    /// Stride (vertical, horizontal), both at least 1.
    pub stride: (usize, usize),
}

/// Sizes of one convolution applied to one input shape.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    h: usize,
    w: usize,
    d: usize,
    hf: usize,
    wf: usize,
    nf: usize,
    sh: usize,
    sw: usize,
    ho: usize,
    wo: usize,
}

impl Geometry {
    /// Filter taps per output position (the fan-in).
    fn k(&self) -> usize {
        self.hf * self.wf * self.d
    }
    /// Output positions per sample.
    fn positions(&self) -> usize {
        self.ho * self.wo
    }
    fn input_len(&self) -> usize {
        self.h * self.w * self.d
    }
    fn output_len(&self) -> usize {
        self.positions() * self.nf
    }
    /// Samples per parallel task.
    fn samples_per_task(&self, n: usize) -> usize {
        let by_size = (COLS_PER_TASK / (self.positions() * self.k()).max(1)).max(1);
        let threads = rayon::current_num_threads().max(1);
        by_size.min(n.div_ceil(threads)).max(1)
    }

    /// Unrolls `x` (samples x H x W x D, C order) into `cols` (samples*positions x K).
    fn im2col(&self, x: &[f64], cols: &mut [f64]) {
        let k = self.k();
        let run = self.wf * self.d;
        let mut row = 0;
        for sample in x.chunks_exact(self.input_len()) {
            for oh in 0..self.ho {
                for ow in 0..self.wo {
                    let dst = &mut cols[row * k..(row + 1) * k];
                    for fh in 0..self.hf {
                        let src = ((oh * self.sh + fh) * self.w + ow * self.sw) * self.d;
                        dst[fh * run..(fh + 1) * run].copy_from_slice(&sample[src..src + run]);
                    }
                    row += 1;
                }
            }
        }
    }

    /// Adds each row of `cols` (samples*positions x K) back onto the window it came from in
    /// `x` (samples x H x W x D): the adjoint of [`Geometry::im2col`].
    fn col2im_add(&self, cols: &[f64], x: &mut [f64]) {
        let k = self.k();
        let run = self.wf * self.d;
        let mut row = 0;
        for sample in x.chunks_exact_mut(self.input_len()) {
            for oh in 0..self.ho {
                for ow in 0..self.wo {
                    let src = &cols[row * k..(row + 1) * k];
                    for fh in 0..self.hf {
                        let dst = ((oh * self.sh + fh) * self.w + ow * self.sw) * self.d;
                        for (d, s) in sample[dst..dst + run]
                            .iter_mut()
                            .zip(&src[fh * run..(fh + 1) * run])
                        {
                            *d += s;
                        }
                    }
                    row += 1;
                }
            }
        }
    }
}

impl Geometry {
    /// rx = x .* col2im(S W^T) for one block, S the shares (rows x nf) that `simple` and
    /// `epsilon` send back. With one input channel and a horizontal stride of 1 the product
    /// is taken the other way round, W S^T (taps x positions), and each tap's map is added
    /// as whole output rows: long runs that vectorise, where col2im of S W^T adds runs of
    /// only wf values (the usual first layer of a grayscale network).
    fn scatter_shares_times_x(&self, wm: ArrayView2<f64>, s: &[f64], x: &[f64], rx: &mut [f64]) {
        let shares = matrix(s, s.len() / self.nf, self.nf);
        if self.d == 1 && self.sw == 1 {
            self.tap_rows_add(gemm_new(wm, shares.t()).view(), rx);
        } else {
            self.col2im_add(gemm_new(shares, wm.t()).as_slice().expect("owned"), rx);
        }
        rx.iter_mut().zip(x).for_each(|(r, &x)| *r *= x);
    }

    /// For one input channel and a horizontal stride of 1: rx += the scatter of
    /// `by_tap` (taps x samples*positions, row t the contribution of filter tap t = (a, b)
    /// at every output position) onto the image, output row i of tap (a, b) landing on image
    /// row i*sh + a from column b. The same sums as col2im of the transposed matrix.
    fn tap_rows_add(&self, by_tap: ArrayView2<f64>, rx: &mut [f64]) {
        debug_assert!(self.d == 1 && self.sw == 1);
        let positions = self.positions();
        for (t, tap) in by_tap.outer_iter().enumerate() {
            let (a, b) = (t / self.wf, t % self.wf);
            let tap = tap
                .as_slice()
                .expect("rows of a fresh matrix are contiguous");
            for (sample_rx, sample_tap) in rx
                .chunks_exact_mut(self.input_len())
                .zip(tap.chunks_exact(positions))
            {
                for (i, row) in sample_tap.chunks_exact(self.wo).enumerate() {
                    let start = (i * self.sh + a) * self.w + b;
                    sample_rx[start..start + self.wo]
                        .iter_mut()
                        .zip(row)
                        .for_each(|(r, &v)| *r += v);
                }
            }
        }
    }
}

impl Convolution {
    /// A layer with the given filters, biases and stride (both at least 1).
    pub fn new(w: Array4<f64>, b: Array1<f64>, stride: (usize, usize)) -> Result<Convolution> {
        let nf = w.dim().3;
        if b.len() != nf {
            return Err(LrpError::shape("B of Convolution", &[nf], &[b.len()]));
        }
        check_positive("Convolution stride", &[stride.0, stride.1])?;
        check_positive("Convolution filter size", w.shape())?;
        super::check_finite_parameters("Convolution", &w.view().into_dyn(), &b.view().into_dyn())?;
        Ok(Convolution { w, b, stride })
    }

    /// The toolbox's initialisation: W ~ Normal(0, 1/sqrt(hf*wf*df)) (standard deviation),
    /// B = 0.
    pub fn random(
        filter: [usize; 4],
        stride: (usize, usize),
        rng: &mut impl Rng,
    ) -> Result<Convolution> {
        check_positive("Convolution filter size", &filter)?;
        let fan_in = (filter[0] as f64) * (filter[1] as f64) * (filter[2] as f64);
        let w =
            super::random_weights("Convolution filter size", &filter, 1.0 / fan_in.sqrt(), rng)?;
        Convolution::new(
            w.into_dimensionality().expect("4-D"),
            Array1::zeros(filter[3]),
            stride,
        )
    }

    /// Filter size [hf, wf, df, nf].
    pub fn filter_size(&self) -> [usize; 4] {
        let (hf, wf, df, nf) = self.w.dim();
        [hf, wf, df, nf]
    }

    fn geometry(&self, input: &[usize]) -> Option<Geometry> {
        let [hf, wf, df, nf] = self.filter_size();
        let (sh, sw) = self.stride;
        match *input {
            [_, h, w, d] if d == df && h >= hf && w >= wf => Some(Geometry {
                h,
                w,
                d,
                hf,
                wf,
                nf,
                sh,
                sw,
                ho: (h - hf) / sh + 1,
                wo: (w - wf) / sw + 1,
            }),
            _ => None,
        }
    }

    pub(crate) fn output_shape(
        &self,
        input: &[usize],
    ) -> std::result::Result<Vec<usize>, ExpectedShape> {
        let [hf, wf, df, _] = self.filter_size();
        match self.geometry(input) {
            Some(g) => Ok(vec![input[0], g.ho, g.wo, g.nf]),
            None => {
                // Name the smallest image that fits; keep the given H and W when they fit.
                let dim = |i: usize, min: usize| match input.get(i) {
                    Some(&v) if v >= min && input.len() == 4 => Some(v),
                    _ => Some(min),
                };
                Err(vec![None, dim(1, hf), dim(2, wf), Some(df)])
            }
        }
    }

    fn w_matrix(&self) -> ArrayView2<'_, f64> {
        let [hf, wf, df, nf] = self.filter_size();
        self.w
            .view()
            .into_shape_with_order((hf * wf * df, nf))
            .expect("standard-layout filters")
    }

    fn geometry_of(&self, x: &ArrayD<f64>) -> Geometry {
        self.geometry(x.shape()).expect("checked input shape")
    }

    pub(crate) fn forward(&self, x: &ArrayD<f64>) -> ArrayD<f64> {
        let g = self.geometry_of(x);
        let n = x.shape()[0];
        let mut y = Array4::zeros((n, g.ho, g.wo, g.nf));
        let spt = g.samples_per_task(n);
        let wm = self.w_matrix();
        slice(&mut y)
            .par_chunks_mut(spt * g.output_len())
            .zip(slice_of(x).par_chunks(spt * g.input_len()))
            .for_each(|(y, x)| {
                let rows = y.len() / g.nf;
                let mut cols = vec![0.0; rows * g.k()];
                g.im2col(x, &mut cols);
                let mut y = ArrayViewMut2::from_shape((rows, g.nf), y).expect("block shape");
                y.rows_mut()
                    .into_iter()
                    .for_each(|mut row| row.assign(&self.b));
                gemm(1.0, matrix(&cols, rows, g.k()), wm, 1.0, y);
            });
        y.into_dyn()
    }

    pub(crate) fn backward(
        &self,
        x: &ArrayD<f64>,
        dy: ArrayViewD<f64>,
        wants: BackwardWants,
    ) -> (Option<ArrayD<f64>>, Option<ParamGrad>) {
        let g = self.geometry_of(x);
        let n = x.shape()[0];
        let spt = g.samples_per_task(n);
        let dy = dy.as_standard_layout();
        let dy = dy.as_slice().expect("standard layout");
        let wm = self.w_matrix();
        let dx = wants.dx.then(|| {
            let mut dx = ArrayD::zeros(x.raw_dim());
            slice(&mut dx)
                .par_chunks_mut(spt * g.input_len())
                .zip(dy.par_chunks(spt * g.output_len()))
                .for_each(|(dx, dy)| {
                    let rows = dy.len() / g.nf;
                    let dcols = gemm_new(matrix(dy, rows, g.nf), wm.t());
                    g.col2im_add(dcols.as_slice().expect("owned"), dx);
                });
            dx
        });
        let grad = wants.params.then(|| {
            let dw = slice_of(x)
                .par_chunks(spt * g.input_len())
                .zip(dy.par_chunks(spt * g.output_len()))
                .map(|(x, dy)| {
                    let rows = dy.len() / g.nf;
                    let mut cols = vec![0.0; rows * g.k()];
                    g.im2col(x, &mut cols);
                    let mut dw = Array2::zeros((g.k(), g.nf));
                    gemm(
                        1.0,
                        matrix(&cols, rows, g.k()).t(),
                        matrix(dy, rows, g.nf),
                        0.0,
                        dw.view_mut(),
                    );
                    dw
                })
                .reduce(|| Array2::zeros((g.k(), g.nf)), |a, b| a + b);
            let db = matrix(dy, dy.len() / g.nf, g.nf).sum_axis(Axis(0));
            ParamGrad {
                dw: dw
                    .into_shape_with_order(self.w.raw_dim())
                    .expect("K x nf")
                    .into_dyn(),
                db: db.into_dyn(),
            }
        });
        (dx, grad)
    }

    pub(crate) fn lrp(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        mut r: ArrayD<f64>,
        rule: &Rule,
        convention: Convention,
    ) -> ArrayD<f64> {
        let g = self.geometry_of(x);
        let n = x.shape()[0];
        let spt = g.samples_per_task(n);
        let r = slice(&mut r);
        let wm = self.w_matrix();
        let mut rx = ArrayD::zeros(x.raw_dim());
        slice(&mut rx)
            .par_chunks_mut(spt * g.input_len())
            .zip(slice_of(x).par_chunks(spt * g.input_len()))
            .zip(slice_of(y).par_chunks(spt * g.output_len()))
            .zip(r.par_chunks_mut(spt * g.output_len()))
            .for_each(|(((rx, x), y), r)| {
                if let Some(eps) = epsilon_of(rule) {
                    divide_by_stabilised(y, r, eps);
                    g.scatter_shares_times_x(wm, r, x, rx);
                    return;
                }
                let rows = y.len() / g.nf;
                let cols = needs_input_rows(rule).then(|| {
                    let mut cols = vec![0.0; rows * g.k()];
                    g.im2col(x, &mut cols);
                    cols
                });
                let cols = cols.as_deref().map(|c| matrix(c, rows, g.k()));
                let terms = dense_terms(
                    rule,
                    convention,
                    cols,
                    matrix(y, rows, g.nf),
                    ArrayViewMut2::from_shape((rows, g.nf), r).expect("block shape"),
                    wm,
                    self.b.view(),
                );
                scatter_terms(&g, terms, cols, x, rx);
            });
        rx
    }
}

impl Convolution {
    /// `simple`/`epsilon` LRP with the stabilised reciprocals `inv` = 1 / stab(y) prepared
    /// beforehand (shared by several relevances): x .* col2im((r .* inv) W^T), block by
    /// block as in [`Convolution::lrp`].
    pub(crate) fn lrp_with_reciprocals(
        &self,
        x: &ArrayD<f64>,
        inv: &ArrayD<f64>,
        mut r: ArrayD<f64>,
    ) -> ArrayD<f64> {
        let g = self.geometry_of(x);
        let spt = g.samples_per_task(x.shape()[0]);
        let wm = self.w_matrix();
        let mut rx = ArrayD::zeros(x.raw_dim());
        slice(&mut rx)
            .par_chunks_mut(spt * g.input_len())
            .zip(slice_of(x).par_chunks(spt * g.input_len()))
            .zip(slice_of(inv).par_chunks(spt * g.output_len()))
            .zip(slice(&mut r).par_chunks_mut(spt * g.output_len()))
            .for_each(|(((rx, x), inv), r)| {
                r.iter_mut().zip(inv).for_each(|(r, &v)| *r *= v);
                g.scatter_shares_times_x(wm, r, x, rx);
            });
        rx
    }
}

/// rx += sum_t col2im(C_t) .* weight_t(x) for one block. With the im2col rows at hand the
/// weights are applied row by row and scattered once; otherwise a single term is scattered
/// and then weighted on the image, which spares building the rows.
fn scatter_terms(
    g: &Geometry,
    terms: Vec<Term>,
    cols: Option<ArrayView2<f64>>,
    x: &[f64],
    rx: &mut [f64],
) {
    match (cols, terms.as_slice()) {
        (_, [single]) if single.weight == InputWeight::One => {
            g.col2im_add(single.factor.as_slice().expect("owned"), rx);
        }
        (_, [single]) if single.weight == InputWeight::X => {
            g.col2im_add(single.factor.as_slice().expect("owned"), rx);
            rx.iter_mut().zip(x).for_each(|(r, &x)| *r *= x);
        }
        (Some(cols), _) => {
            let cols = cols.as_slice().expect("im2col rows are contiguous");
            let mut rcols = vec![0.0; cols.len()];
            for term in &terms {
                term.weight
                    .accumulate(&mut rcols, term.factor.as_slice().expect("owned"), cols);
            }
            g.col2im_add(&rcols, rx);
        }
        (None, _) => {
            let mut scattered = vec![0.0; rx.len()];
            for term in terms {
                scattered.fill(0.0);
                g.col2im_add(term.factor.as_slice().expect("owned"), &mut scattered);
                term.weight.accumulate(rx, &scattered, x);
            }
        }
    }
}

fn check_positive(what: &str, values: &[usize]) -> Result<()> {
    if values.contains(&0) {
        return Err(LrpError::param(
            what,
            format!("every entry must be at least 1, given {values:?}"),
        ));
    }
    Ok(())
}

/// A rows x cols matrix view of a contiguous slice.
fn matrix(data: &[f64], rows: usize, cols: usize) -> ArrayView2<'_, f64> {
    ArrayView2::from_shape((rows, cols), data).expect("block shape")
}

fn slice_of(a: &ArrayD<f64>) -> &[f64] {
    a.as_slice()
        .expect("activations are kept in standard layout")
}

fn slice<D: ndarray::Dimension>(a: &mut ndarray::Array<f64, D>) -> &mut [f64] {
    a.as_slice_mut()
        .expect("freshly allocated arrays are in standard layout")
}

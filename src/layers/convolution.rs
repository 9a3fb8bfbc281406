//! The convolution layer: strided cross-correlation of N x H x W x D batches with nf
//! filters of size hf x wf x D/groups, with zero padding, dilation and groups.
//!
//! Every pass works on blocks of samples in parallel. A block is unrolled into its im2col
//! matrix (one row per output position, one column per filter tap, rows x K with
//! K = hf*wf*D), so forward is one product with W viewed as K x nf, and backward and LRP
//! are products with W^T followed by col2im (the scatter-add back onto the image).
//!
//! Everything but construction is generic over the element type (a `Convolution<f32>`
//! computes in f32); the layers of a network are f64.

use super::layer_with_weights;
use super::{
    BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, LrpReads, ParamGrad,
};
use crate::element::Element;
use crate::error::{LrpError, Result};
use crate::gemm::{gemm, gemm_new, plan, Par};
use crate::relevance::{
    dense_terms, divide_by_stabilised, epsilon_of, needs_input_rows, InputWeight, Rows, Term,
    WeightParts,
};
use crate::rule::{Convention, Rule};
use ndarray::{s, Array1, Array2, Array4, ArrayD, ArrayView2, ArrayViewD, ArrayViewMut2, Axis};
use rand::Rng;
use rayon::prelude::*;
use std::ops::Range;

/// Target size (in elements, f64 or f32) of one block's im2col matrix: it stays in the L2 cache
/// while giving each thread several blocks to balance.
const COLS_PER_TASK: usize = 1 << 16;

/// The fewest im2col rows a forward task takes: fewer would leave the GEMM kernel short
/// rows to work on (a layer with a large fan-in K).
const MIN_ROWS_PER_TASK: usize = 64;

/// Bands of image rows per thread and sample when a scatter splits a sample (batch 1):
/// a few per thread balance a shared machine's uneven threads.
const BANDS_PER_THREAD: usize = 4;

/// Elements per parallel chunk of the elementwise steps that split a block.
const ELEMENTS_PER_CHUNK: usize = 1 << 14;

/// The toolbox's default filter size [hf, wf, df, nf] of a Convolution layer.
pub const DEFAULT_CONV_FILTER: [usize; 4] = [5, 5, 3, 32];
/// The toolbox's default stride of a Convolution layer.
pub const DEFAULT_CONV_STRIDE: (usize, usize) = (2, 2);

/// A convolution layer with filters W (hf x wf x df x nf), biases B (nf), a stride, zero
/// padding, dilation and groups. With `groups` g the D input channels and the nf filters
/// fall into g equal groups and filter f sees only the channels of its group: df = D / g
/// (g = D and nf = D is a depthwise convolution). Parameters in f64 (the default, what
/// networks hold and train) or f32.
#[derive(Clone, Debug, PartialEq)]
pub struct Convolution<T = f64> {
    /// Filters, hf x wf x df x nf (height, width, input channels per group, filters).
    pub w: Array4<T>,
    /// Biases, one per filter.
    pub b: Array1<T>,
    /// Stride (vertical, horizontal), both at least 1.
    pub stride: (usize, usize),
    /// Zero padding (top, left, bottom, right) in input cells. Relevance and gradients
    /// never land on padding cells.
    pub padding: [usize; 4],
    /// Spacing of the filter taps (vertical, horizontal), both at least 1.
    pub dilation: (usize, usize),
    /// Number of groups, at least 1, dividing the input channels and the filters.
    pub groups: usize,
}

/// Sizes of one convolution applied to one input shape.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    h: usize,
    w: usize,
    /// Input channels (all groups).
    d: usize,
    hf: usize,
    wf: usize,
    /// Input channels per group.
    dg: usize,
    /// Filters (all groups).
    nf: usize,
    groups: usize,
    sh: usize,
    sw: usize,
    dh: usize,
    dw: usize,
    pt: usize,
    pl: usize,
    ho: usize,
    wo: usize,
}

impl Geometry {
    /// Filter taps per output position and group (the fan-in).
    fn k(&self) -> usize {
        self.hf * self.wf * self.dg
    }
    /// Filters per group.
    fn nfg(&self) -> usize {
        self.nf / self.groups
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
    /// No padding, no dilation, one group: every window lies inside the image as runs of
    /// wf*D contiguous values, which the fast paths copy whole.
    fn is_plain(&self) -> bool {
        self.groups == 1
            && self.dh == 1
            && self.dw == 1
            && self.pt == 0
            && self.pl == 0
            && (self.ho - 1) * self.sh + self.hf <= self.h
            && (self.wo - 1) * self.sw + self.wf <= self.w
    }
    /// The most samples a task of the scattering passes (backward, LRP) takes: as many as
    /// keep its im2col-sized matrices near COLS_PER_TASK elements, at least one.
    fn max_samples_per_task(&self) -> usize {
        (COLS_PER_TASK / (self.positions() * self.k()).max(1)).max(1)
    }

    /// [`Geometry::max_samples_per_task`] for LRP, but enough samples for MIN_ROWS_PER_TASK
    /// rows: a 3x3x512x512 layer on a 2x2 map had blocks of 12 rows, and the kernel spent
    /// more time packing W for each block than multiplying. (Backward keeps the smaller
    /// blocks: its dW sums the blocks, and more rows per block would change that sum's order.)
    fn max_samples_per_lrp_task(&self) -> usize {
        self.max_samples_per_task()
            .max(MIN_ROWS_PER_TASK.div_ceil(self.positions()))
    }

    /// The most im2col rows a forward task takes (rows of all samples in a row).
    fn max_rows_per_task(&self) -> usize {
        (COLS_PER_TASK / self.k().max(1)).max(MIN_ROWS_PER_TASK)
    }

    /// The offset in one sample of input cell (row ih, column iw) for output position
    /// (oh, ow) and tap (fh, fw), or `None` when the tap falls on padding.
    #[inline]
    fn tap_offset(&self, oh: usize, ow: usize, fh: usize, fw: usize) -> Option<usize> {
        let ih = (oh * self.sh + fh * self.dh).checked_sub(self.pt)?;
        let iw = (ow * self.sw + fw * self.dw).checked_sub(self.pl)?;
        (ih < self.h && iw < self.w).then_some((ih * self.w + iw) * self.d)
    }

    /// Unrolls the channels of group `g` of `x` (samples x H x W x D, C order) into `cols`:
    /// im2col rows `rows` (row = sample * positions + position), K values each; padding
    /// cells become 0. With [`Par::Split`] the rows are shared out over the threads.
    fn im2col<T: Element>(&self, x: &[T], g: usize, rows: Range<usize>, cols: &mut [T], par: Par) {
        let k = self.k();
        match par {
            Par::Serial => self.im2col_rows(x, g, rows.start, cols),
            Par::Split => cols
                .par_chunks_mut(k * MIN_ROWS_PER_TASK)
                .enumerate()
                .for_each(|(i, cols)| {
                    self.im2col_rows(x, g, rows.start + i * MIN_ROWS_PER_TASK, cols)
                }),
        }
    }

    /// [`Geometry::im2col`] on the calling thread, rows from `first` on.
    fn im2col_rows<T: Element>(&self, x: &[T], g: usize, first: usize, cols: &mut [T]) {
        let (k, positions, plain) = (self.k(), self.positions(), self.is_plain());
        let (dg, c0) = (self.dg, g * self.dg);
        for (row, dst) in (first..).zip(cols.chunks_exact_mut(k)) {
            let sample = &x[row / positions * self.input_len()..][..self.input_len()];
            let (oh, ow) = (row % positions / self.wo, row % positions % self.wo);
            if plain {
                // Each filter row is one run of wf*D contiguous values.
                let run = self.wf * self.d;
                for (fh, dst) in dst.chunks_exact_mut(run).enumerate() {
                    let src = ((oh * self.sh + fh) * self.w + ow * self.sw) * self.d;
                    dst.copy_from_slice(&sample[src..src + run]);
                }
                continue;
            }
            for fh in 0..self.hf {
                for fw in 0..self.wf {
                    let t = (fh * self.wf + fw) * dg;
                    match self.tap_offset(oh, ow, fh, fw) {
                        Some(src) => dst[t..t + dg].copy_from_slice(&sample[src + c0..][..dg]),
                        None => dst[t..t + dg].fill(T::zero()),
                    }
                }
            }
        }
    }

    /// 1 where a column of the im2col rows of one sample lies inside the image, 0 on
    /// padding (positions x K): what the rules that treat every tap alike (flat, ww, zbox's
    /// bounds) weigh their taps with. `None` when no tap falls on padding.
    fn inside_mask<T: Element>(&self, samples: usize) -> Option<Array2<T>> {
        if self.is_plain() {
            return None;
        }
        let k = self.k();
        let mut one = Array2::zeros((self.positions(), k));
        let mut any_outside = false;
        for oh in 0..self.ho {
            for ow in 0..self.wo {
                let mut row = one.row_mut(oh * self.wo + ow);
                for fh in 0..self.hf {
                    for fw in 0..self.wf {
                        let inside = self.tap_offset(oh, ow, fh, fw).is_some();
                        any_outside |= !inside;
                        let t = (fh * self.wf + fw) * self.dg;
                        for c in 0..self.dg {
                            row[t + c] = if inside { T::one() } else { T::zero() };
                        }
                    }
                }
            }
        }
        if !any_outside {
            return None;
        }
        let mut mask = Array2::zeros((samples * self.positions(), k));
        for mut rows in mask.axis_chunks_iter_mut(Axis(0), self.positions()) {
            rows.assign(&one);
        }
        Some(mask)
    }

    /// Runs `f(sample, band, out)` for every sample of `x` (samples x H x W x D), where
    /// `out` holds image rows `band` of that sample: one band of all H rows per sample on
    /// the calling thread, or with [`Par::Split`] several bands per sample over the threads.
    /// Bands do not overlap, so the scatters below run in parallel without sharing a cell;
    /// and each cell still receives its sums in the same order.
    fn for_each_band<T: Element>(
        &self,
        x: &mut [T],
        par: Par,
        f: impl Fn(usize, Range<usize>, &mut [T]) + Sync,
    ) {
        let row_len = self.w * self.d;
        match par {
            Par::Serial => {
                for (s, out) in x.chunks_exact_mut(self.input_len()).enumerate() {
                    f(s, 0..self.h, out);
                }
            }
            Par::Split => {
                let band = self
                    .h
                    .div_ceil(BANDS_PER_THREAD * rayon::current_num_threads());
                x.par_chunks_exact_mut(self.input_len())
                    .enumerate()
                    .for_each(|(s, sample)| {
                        sample
                            .par_chunks_mut(band * row_len)
                            .enumerate()
                            .for_each(|(b, out)| {
                                let start = b * band;
                                f(s, start..start + out.len() / row_len, out)
                            })
                    });
            }
        }
    }

    /// Adds each row of `cols` (samples*positions x K) back onto the cells of group `g` it
    /// came from in `x` (samples x H x W x D): the adjoint of [`Geometry::im2col`]. Values
    /// of padding cells are dropped.
    fn col2im_add<T: Element>(&self, cols: &[T], g: usize, x: &mut [T], par: Par) {
        let per_sample = self.positions() * self.k();
        self.for_each_band(x, par, |s, band, out| {
            self.col2im_band(&cols[s * per_sample..][..per_sample], g, band, out)
        });
    }

    /// [`Geometry::col2im_add`] of one sample's rows onto its image rows `band` (`out`).
    /// Output positions go in order (row by row, left to right), so a cell receives its
    /// terms in the same order whatever the bands.
    fn col2im_band<T: Element>(&self, cols: &[T], g: usize, band: Range<usize>, out: &mut [T]) {
        let (k, row_len) = (self.k(), self.w * self.d);
        let (dg, c0) = (self.dg, g * self.dg);
        // The output rows whose windows reach into the band.
        let first = (band.start + self.pt).saturating_sub((self.hf - 1) * self.dh) / self.sh;
        let last = ((band.end - 1 + self.pt) / self.sh + 1).min(self.ho);
        let plain = self.is_plain();
        for oh in first..last {
            for fh in 0..self.hf {
                let Some(ih) = (oh * self.sh + fh * self.dh).checked_sub(self.pt) else {
                    continue;
                };
                if !band.contains(&ih) {
                    continue;
                }
                let line = &mut out[(ih - band.start) * row_len..][..row_len];
                for ow in 0..self.wo {
                    let src = &cols[(oh * self.wo + ow) * k..][..k];
                    if plain {
                        let run = self.wf * self.d;
                        let dst = &mut line[ow * self.sw * self.d..][..run];
                        let src = &src[fh * run..][..run];
                        dst.iter_mut().zip(src).for_each(|(d, &s)| *d += s);
                        continue;
                    }
                    for fw in 0..self.wf {
                        let Some(iw) = (ow * self.sw + fw * self.dw).checked_sub(self.pl) else {
                            continue;
                        };
                        if iw >= self.w {
                            continue;
                        }
                        let t = (fh * self.wf + fw) * dg;
                        line[iw * self.d + c0..][..dg]
                            .iter_mut()
                            .zip(&src[t..t + dg])
                            .for_each(|(d, &s)| *d += s);
                    }
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
    fn scatter_shares_times_x<T: Element>(
        &self,
        wm: ArrayView2<T>,
        s: &[T],
        x: &[T],
        rx: &mut [T],
        par: Par,
    ) {
        let shares = matrix(s, s.len() / self.nf, self.nf);
        if self.d == 1 && self.sw == 1 && self.is_plain() {
            self.tap_rows_add(gemm_new(wm, shares.t(), par).view(), rx, par);
        } else {
            let nfg = self.nfg();
            for g in 0..self.groups {
                let cols = gemm_new(
                    shares.slice(s![.., g * nfg..(g + 1) * nfg]),
                    wm.slice(s![.., g * nfg..(g + 1) * nfg]).t(),
                    par,
                );
                self.col2im_add(cols.as_slice().expect("owned"), g, rx, par);
            }
        }
        elementwise(par, rx, x, x, |rx, x, _| {
            rx.iter_mut().zip(x).for_each(|(r, &x)| *r *= x)
        });
    }

    /// For one input channel and a horizontal stride of 1: rx += the scatter of
    /// `by_tap` (taps x samples*positions, row t the contribution of filter tap t = (a, b)
    /// at every output position) onto the image, output row i of tap (a, b) landing on image
    /// row i*sh + a from column b. The same sums as col2im of the transposed matrix.
    fn tap_rows_add<T: Element>(&self, by_tap: ArrayView2<T>, rx: &mut [T], par: Par) {
        debug_assert!(self.d == 1 && self.sw == 1 && self.is_plain());
        let positions = self.positions();
        self.for_each_band(rx, par, |s, band, out| {
            for (t, tap) in by_tap.outer_iter().enumerate() {
                let (a, b) = (t / self.wf, t % self.wf);
                let tap = tap
                    .as_slice()
                    .expect("rows of a fresh matrix are contiguous");
                let sample_tap = &tap[s * positions..][..positions];
                for (i, row) in sample_tap.chunks_exact(self.wo).enumerate() {
                    let ih = i * self.sh + a;
                    if !band.contains(&ih) {
                        continue;
                    }
                    let start = (ih - band.start) * self.w + b;
                    out[start..start + self.wo]
                        .iter_mut()
                        .zip(row)
                        .for_each(|(r, &v)| *r += v);
                }
            }
        });
    }
}

/// `f(out, a, b)` on equally long slices, whole on the calling thread or, with
/// [`Par::Split`], in matching chunks over the threads (elementwise work only).
fn elementwise<T: Element>(
    par: Par,
    out: &mut [T],
    a: &[T],
    b: &[T],
    f: impl Fn(&mut [T], &[T], &[T]) + Sync,
) {
    match par {
        Par::Serial => f(out, a, b),
        Par::Split => out
            .par_chunks_mut(ELEMENTS_PER_CHUNK)
            .zip(a.par_chunks(ELEMENTS_PER_CHUNK))
            .zip(b.par_chunks(ELEMENTS_PER_CHUNK))
            .for_each(|((out, a), b)| f(out, a, b)),
    }
}

impl Convolution {
    /// A layer with the given filters, biases and stride (both at least 1), no padding,
    /// no dilation, one group: the toolbox's valid convolution.
    pub fn new(w: Array4<f64>, b: Array1<f64>, stride: (usize, usize)) -> Result<Convolution> {
        let nf = w.dim().3;
        if b.len() != nf {
            return Err(LrpError::shape("B of Convolution", &[nf], &[b.len()]));
        }
        check_positive("Convolution stride", &[stride.0, stride.1])?;
        check_positive("Convolution filter size", w.shape())?;
        super::check_finite_parameters("Convolution", &w.view().into_dyn(), &b.view().into_dyn())?;
        Ok(Convolution {
            w,
            b,
            stride,
            padding: [0; 4],
            dilation: (1, 1),
            groups: 1,
        })
    }

    /// The same layer with zero padding (top, left, bottom, right).
    pub fn with_padding(mut self, padding: [usize; 4]) -> Convolution {
        self.padding = padding;
        self
    }

    /// The same layer with dilation (vertical, horizontal), both at least 1.
    pub fn with_dilation(mut self, dilation: (usize, usize)) -> Result<Convolution> {
        check_positive("Convolution dilation", &[dilation.0, dilation.1])?;
        self.dilation = dilation;
        Ok(self)
    }

    /// The same layer with `groups` groups: nf must be a multiple of `groups`, and the
    /// input then has df * groups channels.
    pub fn with_groups(mut self, groups: usize) -> Result<Convolution> {
        let nf = self.w.dim().3;
        if groups == 0 || nf % groups != 0 {
            return Err(LrpError::param(
                "Convolution groups",
                format!("must be at least 1 and divide the {nf} filters, given {groups}"),
            ));
        }
        self.groups = groups;
        Ok(self)
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
}

impl<T: Element> Convolution<T> {
    /// The same layer with its parameters in `U` (rounded to nearest when narrowing): how
    /// an f32 copy of a network's layer is made.
    pub fn to_element<U: Element>(&self) -> Convolution<U> {
        Convolution {
            w: self.w.mapv(|v| U::from_f64(v.into_f64())),
            b: self.b.mapv(|v| U::from_f64(v.into_f64())),
            stride: self.stride,
            padding: self.padding,
            dilation: self.dilation,
            groups: self.groups,
        }
    }

    /// Filter size [hf, wf, df, nf] (df: input channels per group).
    pub fn filter_size(&self) -> [usize; 4] {
        let (hf, wf, df, nf) = self.w.dim();
        [hf, wf, df, nf]
    }

    /// Whether the layer is the toolbox's plain convolution (no padding, dilation 1, one
    /// group): the only kind the text model format writes with the toolbox's header.
    pub fn is_plain(&self) -> bool {
        self.padding == [0; 4] && self.dilation == (1, 1) && self.groups == 1
    }

    /// The input channels the layer takes: df times the groups.
    pub fn input_channels(&self) -> usize {
        self.w.dim().2 * self.groups
    }

    fn geometry(&self, input: &[usize]) -> Option<Geometry> {
        let [hf, wf, dg, nf] = self.filter_size();
        let (sh, sw) = self.stride;
        let (dh, dw) = self.dilation;
        let [pt, pl, pb, pr] = self.padding;
        let [_, h, w, d] = *input else { return None };
        if d != dg * self.groups {
            return None;
        }
        // The extent of a dilated filter; the padded image must hold it.
        let eh = dh.checked_mul(hf - 1)?.checked_add(1)?;
        let ew = dw.checked_mul(wf - 1)?.checked_add(1)?;
        let ph = h.checked_add(pt)?.checked_add(pb)?;
        let pw = w.checked_add(pl)?.checked_add(pr)?;
        if ph < eh || pw < ew {
            return None;
        }
        Some(Geometry {
            h,
            w,
            d,
            hf,
            wf,
            dg,
            nf,
            groups: self.groups,
            sh,
            sw,
            dh,
            dw,
            pt,
            pl,
            ho: (ph - eh) / sh + 1,
            wo: (pw - ew) / sw + 1,
        })
    }

    pub(crate) fn output_shape(
        &self,
        input: &[usize],
    ) -> std::result::Result<Vec<usize>, ExpectedShape> {
        let [hf, wf, _, _] = self.filter_size();
        match self.geometry(input) {
            Some(g) => Ok(vec![input[0], g.ho, g.wo, g.nf]),
            None => {
                // Name the smallest image that fits; keep the given H and W when they fit.
                let [pt, pl, pb, pr] = self.padding;
                let min_h = (self.dilation.0 * (hf - 1) + 1)
                    .saturating_sub(pt + pb)
                    .max(1);
                let min_w = (self.dilation.1 * (wf - 1) + 1)
                    .saturating_sub(pl + pr)
                    .max(1);
                let dim = |i: usize, min: usize| match input.get(i) {
                    Some(&v) if v >= min && input.len() == 4 => Some(v),
                    _ => Some(min),
                };
                Err(vec![
                    None,
                    dim(1, min_h),
                    dim(2, min_w),
                    Some(self.input_channels()),
                ])
            }
        }
    }

    fn w_matrix(&self) -> ArrayView2<'_, T> {
        let [hf, wf, df, nf] = self.filter_size();
        self.w
            .view()
            .into_shape_with_order((hf * wf * df, nf))
            .expect("standard-layout filters")
    }

    fn geometry_of(&self, x: &ArrayD<T>) -> Geometry {
        self.geometry(x.shape()).expect("checked input shape")
    }

    pub(crate) fn forward(&self, x: &ArrayD<T>) -> ArrayD<T> {
        let g = self.geometry_of(x);
        let n = x.shape()[0];
        let mut y = Array4::zeros((n, g.ho, g.wo, g.nf));
        // Tasks are runs of im2col rows, across sample boundaries: a batch of one still
        // gives every thread rows of its own.
        let plan = plan(n * g.positions(), g.max_rows_per_task(), g.k() * g.nf);
        let wm = self.w_matrix();
        let nfg = g.nfg();
        let x = slice_of(x);
        slice(&mut y)
            .par_chunks_mut(plan.per_task * g.nf)
            .enumerate()
            .for_each(|(task, y)| {
                let rows = y.len() / g.nf;
                let first = task * plan.per_task;
                let mut cols = vec![T::zero(); rows * g.k()];
                let mut y = ArrayViewMut2::from_shape((rows, g.nf), y).expect("block shape");
                y.rows_mut()
                    .into_iter()
                    .for_each(|mut row| row.assign(&self.b));
                for grp in 0..g.groups {
                    g.im2col(x, grp, first..first + rows, &mut cols, Par::Serial);
                    let range = grp * nfg..(grp + 1) * nfg;
                    gemm(
                        T::one(),
                        matrix(&cols, rows, g.k()),
                        wm.slice(s![.., range.clone()]),
                        T::one(),
                        y.slice_mut(s![.., range]),
                        plan.inner,
                    );
                }
            });
        y.into_dyn()
    }

    pub(crate) fn backward(
        &self,
        x: &ArrayD<T>,
        dy: ArrayViewD<T>,
        wants: BackwardWants,
    ) -> (Option<ArrayD<T>>, Option<ParamGrad<T>>) {
        let g = self.geometry_of(x);
        let n = x.shape()[0];
        let plan = plan(n, g.max_samples_per_task(), g.output_len() * g.k());
        let spt = plan.per_task;
        let dy = dy.as_standard_layout();
        let dy = dy.as_slice().expect("standard layout");
        let wm = self.w_matrix();
        let nfg = g.nfg();
        let dx = wants.dx.then(|| {
            let mut dx = ArrayD::zeros(x.raw_dim());
            slice(&mut dx)
                .par_chunks_mut(spt * g.input_len())
                .zip(dy.par_chunks(spt * g.output_len()))
                .for_each(|(dx, dy)| {
                    let rows = dy.len() / g.nf;
                    let dy = matrix(dy, rows, g.nf);
                    for grp in 0..g.groups {
                        let range = grp * nfg..(grp + 1) * nfg;
                        let dcols = gemm_new(
                            dy.slice(s![.., range.clone()]),
                            wm.slice(s![.., range]).t(),
                            plan.inner,
                        );
                        g.col2im_add(dcols.as_slice().expect("owned"), grp, dx, plan.inner);
                    }
                });
            dx
        });
        let grad = wants.params.then(|| {
            let dw = slice_of(x)
                .par_chunks(spt * g.input_len())
                .zip(dy.par_chunks(spt * g.output_len()))
                .map(|(x, dy)| {
                    let rows = dy.len() / g.nf;
                    let dy = matrix(dy, rows, g.nf);
                    let mut cols = vec![T::zero(); rows * g.k()];
                    let mut dw = Array2::zeros((g.k(), g.nf));
                    for grp in 0..g.groups {
                        g.im2col(x, grp, 0..rows, &mut cols, plan.inner);
                        let range = grp * nfg..(grp + 1) * nfg;
                        gemm(
                            T::one(),
                            matrix(&cols, rows, g.k()).t(),
                            dy.slice(s![.., range.clone()]),
                            T::zero(),
                            dw.slice_mut(s![.., range]),
                            plan.inner,
                        );
                    }
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
        x: &ArrayD<T>,
        y: &ArrayD<T>,
        mut r: ArrayD<T>,
        rule: &Rule,
        convention: Convention,
    ) -> ArrayD<T> {
        let g = self.geometry_of(x);
        let n = x.shape()[0];
        let plan = plan(n, g.max_samples_per_lrp_task(), g.output_len() * g.k());
        let (spt, par) = (plan.per_task, plan.inner);
        let r = slice(&mut r);
        let wm = self.w_matrix();
        let nfg = g.nfg();
        // The padding mask of a full block, built once; a shorter last block takes its
        // first rows (every sample's rows are the same). Only the rules that need it.
        let mask = epsilon_of(rule)
            .is_none()
            .then(|| g.inside_mask(spt))
            .flatten();
        let parts = WeightParts::new(rule, wm);
        let mut rx = ArrayD::zeros(x.raw_dim());
        slice(&mut rx)
            .par_chunks_mut(spt * g.input_len())
            .zip(slice_of(x).par_chunks(spt * g.input_len()))
            .zip(r.par_chunks_mut(spt * g.output_len()))
            .enumerate()
            .for_each(|(block, ((rx, x), r))| {
                // y is empty (freed by explain) for the rules that do not read it.
                let start = block * spt * g.output_len();
                let y = slice_of(y).get(start..start + r.len()).unwrap_or(&[]);
                if let Some(eps) = epsilon_of(rule) {
                    elementwise(par, r, y, y, |r, y, _| divide_by_stabilised(y, r, eps));
                    g.scatter_shares_times_x(wm, r, x, rx, par);
                    return;
                }
                let rows = r.len() / g.nf;
                let inside = mask.as_ref().map(|m| m.slice(s![..rows, ..]));
                let mut cols = vec![T::zero(); rows * g.k()];
                let y = matrix(y, y.len() / g.nf, g.nf);
                let mut r = ArrayViewMut2::from_shape((rows, g.nf), r).expect("block shape");
                for grp in 0..g.groups {
                    let range = grp * nfg..(grp + 1) * nfg;
                    let have_cols = needs_input_rows(rule);
                    if have_cols {
                        g.im2col(x, grp, 0..rows, &mut cols, par);
                    }
                    let cols = have_cols.then(|| matrix(&cols, rows, g.k()));
                    let terms = dense_terms(
                        rule,
                        convention,
                        Rows { cols, inside },
                        y.slice(s![.., range.clone()]),
                        r.slice_mut(s![.., range.clone()]),
                        wm.slice(s![.., range.clone()]),
                        &parts.columns(range.clone()),
                        self.b.slice(s![range]),
                        par,
                    );
                    scatter_terms(&g, grp, terms, cols, x, rx, par);
                }
            });
        rx
    }

    /// `simple`/`epsilon` LRP with the stabilised reciprocals `inv` = 1 / stab(y) prepared
    /// beforehand (shared by several relevances): x .* col2im((r .* inv) W^T), block by
    /// block as in [`Convolution::lrp`].
    pub(crate) fn lrp_with_reciprocals(
        &self,
        x: &ArrayD<T>,
        inv: &ArrayD<T>,
        mut r: ArrayD<T>,
    ) -> ArrayD<T> {
        let g = self.geometry_of(x);
        let plan = plan(
            x.shape()[0],
            g.max_samples_per_lrp_task(),
            g.positions() * g.k(),
        );
        let (spt, par) = (plan.per_task, plan.inner);
        let wm = self.w_matrix();
        let mut rx = ArrayD::zeros(x.raw_dim());
        slice(&mut rx)
            .par_chunks_mut(spt * g.input_len())
            .zip(slice_of(x).par_chunks(spt * g.input_len()))
            .zip(slice_of(inv).par_chunks(spt * g.output_len()))
            .zip(slice(&mut r).par_chunks_mut(spt * g.output_len()))
            .for_each(|(((rx, x), inv), r)| {
                elementwise(par, r, inv, inv, |r, inv, _| {
                    r.iter_mut().zip(inv).for_each(|(r, &v)| *r *= v)
                });
                g.scatter_shares_times_x(wm, r, x, rx, par);
            });
        rx
    }
}

/// rx += sum_t col2im(C_t) .* weight_t(x) for one block and group. With the im2col rows at
/// hand the weights are applied row by row and scattered once; otherwise a single term is
/// scattered and then weighted on the image, which spares building the rows.
fn scatter_terms<T: Element>(
    g: &Geometry,
    grp: usize,
    terms: Vec<Term<T>>,
    cols: Option<ArrayView2<T>>,
    x: &[T],
    rx: &mut [T],
    par: Par,
) {
    fn owned<T>(t: &Term<T>) -> &[T] {
        t.factor.as_slice().expect("owned")
    }
    if let [single] = terms.as_slice() {
        if single.weight == InputWeight::One {
            return g.col2im_add(owned(single), grp, rx, par);
        }
    }
    match cols {
        Some(cols) => {
            let cols = cols.as_slice().expect("im2col rows are contiguous");
            // The first factor, weighted in place, gathers the sum: no zeroed rows x K
            // buffer per block. (A -0 there for a +0 changes nothing: rx starts at +0.)
            let mut terms = terms.into_iter();
            let Some(Term { mut factor, weight }) = terms.next() else {
                return;
            };
            let rcols = factor.as_slice_mut().expect("owned");
            elementwise(par, rcols, cols, cols, |out, c, _| weight.weigh(out, c));
            for term in terms {
                elementwise(par, rcols, owned(&term), cols, |out, f, c| {
                    term.weight.accumulate(out, f, c)
                });
            }
            g.col2im_add(rcols, grp, rx, par);
        }
        None => {
            let mut scattered = vec![T::zero(); rx.len()];
            for term in terms {
                scattered.fill(T::zero());
                g.col2im_add(owned(&term), grp, &mut scattered, par);
                elementwise(par, rx, &scattered, x, |out, s, x| {
                    term.weight.accumulate(out, s, x)
                });
            }
        }
    }
}

impl<T: Element> LayerOps<T> for Convolution<T> {
    fn to_f32(&self) -> Layer<f32> {
        Layer::Convolution(self.to_element())
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Convolution
    }

    layer_with_weights!(Convolution);

    fn lrp_reads(&self, rule: &Rule) -> LrpReads {
        LrpReads {
            inputs: true,
            // Only the rules that divide by z read the output (gamma for its signs); the
            // others recompute what they need from the input.
            output: matches!(rule, Rule::Simple | Rule::Epsilon(_) | Rule::Gamma(_)),
        }
    }

    fn input_channels(&self) -> Option<usize> {
        Some(Convolution::input_channels(self))
    }

    fn sizes(&self) -> Vec<usize> {
        let [hf, wf, df, nf] = self.filter_size();
        let mut sizes = vec![hf, wf, df, nf, self.stride.0, self.stride.1];
        if !self.is_plain() {
            sizes.extend(self.padding);
            sizes.extend([self.dilation.0, self.dilation.1, self.groups]);
        }
        sizes
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
fn matrix<T>(data: &[T], rows: usize, cols: usize) -> ArrayView2<'_, T> {
    ArrayView2::from_shape((rows, cols), data).expect("block shape")
}

fn slice_of<T>(a: &ArrayD<T>) -> &[T] {
    a.as_slice()
        .expect("activations are kept in standard layout")
}

fn slice<T, D: ndarray::Dimension>(a: &mut ndarray::Array<T, D>) -> &mut [T] {
    a.as_slice_mut()
        .expect("freshly allocated arrays are in standard layout")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::f32_check::{agreement, every_rule, irregular, F32_TOLERANCE};

    #[test]
    fn f32_forward_and_lrp_agree_with_f64() {
        // One layer per path of the kernels: a grayscale plain one (taps added as whole
        // rows), a padded one (the padding mask of flat, ww, zbox), a strided, dilated,
        // grouped one; batches of 1 and 3.
        let plain = Convolution::<f32> {
            w: irregular(&[5, 5, 1, 6], 0.4).into_dimensionality().unwrap(),
            b: irregular(&[6], 2.1).into_dimensionality().unwrap(),
            stride: (1, 1),
            padding: [0; 4],
            dilation: (1, 1),
            groups: 1,
        };
        let padded = Convolution::<f32> {
            w: irregular(&[3, 3, 4, 5], 1.4).into_dimensionality().unwrap(),
            b: irregular(&[5], 0.2).into_dimensionality().unwrap(),
            padding: [1, 2, 0, 1],
            ..plain.clone()
        };
        let grouped = Convolution::<f32> {
            w: irregular(&[3, 2, 2, 6], 0.8).into_dimensionality().unwrap(),
            b: irregular(&[6], 0.6).into_dimensionality().unwrap(),
            stride: (2, 1),
            padding: [1, 0, 1, 1],
            dilation: (1, 2),
            groups: 2,
        };
        for (c32, channels) in [(plain, 1), (padded, 4), (grouped, 4)] {
            let c64 = c32.to_element::<f64>();
            assert_eq!(c64.to_element::<f32>(), c32);
            for batch in [1, 3] {
                for rect in [false, true] {
                    let mut x32 = irregular::<f32>(&[batch, 9, 8, channels], 0.9);
                    if rect {
                        x32.mapv_inplace(|v| v.max(0.0));
                    }
                    let x64 = x32.mapv(f64::from);
                    let (y32, y64) = (c32.forward(&x32), c64.forward(&x64));
                    let err = agreement(&y32, &y64);
                    // Not 0: the f32 instantiation does compute in f32.
                    assert!(err > 0.0 && err <= F32_TOLERANCE, "forward: {err:e}");
                    for rule in every_rule() {
                        for convention in [Convention::Toolbox, Convention::Zennit] {
                            let r32 = c32.lrp(&x32, &y32, y32.clone(), &rule, convention);
                            let r64 = c64.lrp(&x64, &y64, y64.clone(), &rule, convention);
                            let err = agreement(&r32, &r64);
                            assert!(err <= F32_TOLERANCE, "{rule} batch {batch}: {err:e}");
                        }
                    }
                    let inv32 = crate::relevance::stabilised_reciprocals(&y32, 0.01);
                    let inv64 = crate::relevance::stabilised_reciprocals(&y64, 0.01);
                    let r32 = c32.lrp_with_reciprocals(&x32, &inv32, y32.clone());
                    let r64 = c64.lrp_with_reciprocals(&x64, &inv64, y64.clone());
                    assert!(agreement(&r32, &r64) <= F32_TOLERANCE, "shared part");
                }
            }
        }
    }
}

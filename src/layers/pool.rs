//! MaxPool, SumPool and AvgPool: windows of ph x pw moved with stride (sh, sw) over each
//! channel of N x H x W x D batches, with optional padding (top, left, bottom, right) and
//! ceil mode (PyTorch's and ONNX's). Windows may overlap; contributions of overlapping
//! windows add. Padding cells belong to no window: they never win a maximum, add nothing to
//! a sum and receive no relevance; an average divides by the window's cells, padding
//! included or not (`count_include_pad`). SumPool and AvgPool explain through the one
//! kernel of fixed-weight layers ([`super::fixed_weights`]); MaxPool routes relevance to
//! its maxima.

use super::fixed_weights::{self, FixedWeights};
use super::{BackwardWants, ExpectedShape, Inputs, Layer, LayerKind, LayerOps, ParamGrad};
use crate::element::Element;
use crate::error::{LrpError, Result};
use crate::network::GradientMode;
use crate::rule::{Convention, Rule, SIMPLE_STABILIZER, SUMPOOL_STABILIZER};
use ndarray::{ArrayD, ArrayViewD, IxDyn};
use rayon::prelude::*;

/// Pooling window, stride and padding, shared by MaxPool, SumPool and AvgPool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool {
    /// Window (height, width), both at least 1.
    pub pool: (usize, usize),
    /// Stride (vertical, horizontal), both at least 1.
    pub stride: (usize, usize),
    /// Padding (top, left, bottom, right) in cells, each below the window's size.
    pub padding: [usize; 4],
    /// Whether the output size rounds up (a last, partial window), as PyTorch's
    /// `ceil_mode`; windows that would start in the bottom or right padding are dropped.
    pub ceil_mode: bool,
    /// AvgPool only: whether the divisor counts the padding cells of a window (PyTorch's
    /// default and ONNX's `count_include_pad = 1`) or only the image's cells.
    pub count_include_pad: bool,
}

impl Default for Pool {
    /// The toolbox's default: 2 x 2 windows with stride 2.
    fn default() -> Self {
        Pool {
            pool: (2, 2),
            stride: (2, 2),
            padding: [0; 4],
            ceil_mode: false,
            count_include_pad: true,
        }
    }
}

/// Sizes of one pooling applied to one input shape.
#[derive(Clone, Copy)]
struct Geometry {
    h: usize,
    w: usize,
    d: usize,
    ph: usize,
    pw: usize,
    sh: usize,
    sw: usize,
    pt: usize,
    pl: usize,
    /// The bottom and right edges of the padded image.
    hp: usize,
    wp: usize,
    ho: usize,
    wo: usize,
}

impl Geometry {
    fn input_len(&self) -> usize {
        self.h * self.w * self.d
    }
    fn output_len(&self) -> usize {
        self.ho * self.wo * self.d
    }
    /// Calls `f(output offset, window offsets, padded window size)` for every output
    /// position of one sample. Offsets are into one sample's C-order data and point at
    /// channel 0 of the window's image cells (padding cells are left out); the D channels
    /// follow contiguously, so every operation below runs over channels in its inner loop.
    /// The padded size counts the window's cells inside the padded image (PyTorch's
    /// divisor with `count_include_pad`).
    fn for_each_position(&self, mut f: impl FnMut(usize, &[usize], usize)) {
        let mut window = Vec::with_capacity(self.ph * self.pw);
        for oh in 0..self.ho {
            for ow in 0..self.wo {
                window.clear();
                let (top, left) = (oh * self.sh, ow * self.sw);
                let rows = (top + self.ph).min(self.hp) - top;
                let cols = (left + self.pw).min(self.wp) - left;
                for i in 0..rows {
                    let Some(ih) = (top + i).checked_sub(self.pt).filter(|&v| v < self.h) else {
                        continue;
                    };
                    for j in 0..cols {
                        if let Some(iw) = (left + j).checked_sub(self.pl).filter(|&v| v < self.w) {
                            window.push((ih * self.w + iw) * self.d);
                        }
                    }
                }
                f((oh * self.wo + ow) * self.d, &window, rows * cols);
            }
        }
    }
}

impl Pool {
    /// A pooling layer's geometry; window and stride must be at least 1.
    pub fn new(pool: (usize, usize), stride: (usize, usize)) -> Result<Pool> {
        if pool.0 == 0 || pool.1 == 0 || stride.0 == 0 || stride.1 == 0 {
            return Err(LrpError::param(
                "pool/stride",
                format!(
                    "window and stride must be at least 1, given pool {pool:?} stride {stride:?}"
                ),
            ));
        }
        Ok(Pool {
            pool,
            stride,
            ..Pool::default()
        })
    }

    /// The same pooling with padding (top, left, bottom, right), each side below the
    /// window's size in its direction (as PyTorch and ONNX require: a window of padding
    /// alone would have no maximum).
    pub fn with_padding(mut self, padding: [usize; 4]) -> Result<Pool> {
        let [t, l, b, r] = padding;
        if t.max(b) >= self.pool.0 || l.max(r) >= self.pool.1 {
            return Err(LrpError::param(
                "pool padding",
                format!(
                    "each side must be below the window {:?}, given {padding:?}",
                    self.pool
                ),
            ));
        }
        self.padding = padding;
        Ok(self)
    }

    /// The same pooling with PyTorch's `ceil_mode`.
    pub fn with_ceil_mode(mut self, ceil_mode: bool) -> Pool {
        self.ceil_mode = ceil_mode;
        self
    }

    /// The same pooling with AvgPool's `count_include_pad`.
    pub fn with_count_include_pad(mut self, count_include_pad: bool) -> Pool {
        self.count_include_pad = count_include_pad;
        self
    }

    /// The header sizes of the text model format: ph pw sh sw, then (when not plain, or
    /// always for AvgPool) pt pl pb pr ceil_mode, and AvgPool's count_include_pad.
    fn sizes(&self, kind: LayerKind) -> Vec<usize> {
        let mut sizes = vec![self.pool.0, self.pool.1, self.stride.0, self.stride.1];
        let avg = kind == LayerKind::AvgPool;
        if !self.is_plain() || (avg && !self.count_include_pad) {
            sizes.extend(self.padding);
            sizes.push(usize::from(self.ceil_mode));
            if avg {
                sizes.push(usize::from(self.count_include_pad));
            }
        }
        sizes
    }

    /// Whether the pooling is the toolbox's (no padding, floor mode).
    pub fn is_plain(&self) -> bool {
        self.padding == [0; 4] && !self.ceil_mode
    }

    fn geometry(&self, input: &[usize]) -> Option<Geometry> {
        let (ph, pw) = self.pool;
        let (sh, sw) = self.stride;
        let [pt, pl, pb, pr] = self.padding;
        let [_, h, w, d] = *input else { return None };
        let (hp, wp) = (h.checked_add(pt + pb)?, w.checked_add(pl + pr)?);
        if hp < ph || wp < pw {
            return None;
        }
        // PyTorch's output size: floor or ceil of the steps, and in ceil mode no window
        // that starts beyond the image and its top/left padding.
        let size = |padded: usize, k: usize, s: usize, before: usize, len: usize| {
            let steps = padded - k;
            let mut n = if self.ceil_mode {
                steps.div_ceil(s)
            } else {
                steps / s
            } + 1;
            if self.ceil_mode && (n - 1) * s >= len + before {
                n -= 1;
            }
            n
        };
        Some(Geometry {
            h,
            w,
            d,
            ph,
            pw,
            sh,
            sw,
            pt,
            pl,
            hp,
            wp,
            ho: size(hp, ph, sh, pt, h),
            wo: size(wp, pw, sw, pl, w),
        })
    }

    pub(crate) fn output_shape(
        &self,
        input: &[usize],
    ) -> std::result::Result<Vec<usize>, ExpectedShape> {
        match self.geometry(input) {
            Some(g) => Ok(vec![input[0], g.ho, g.wo, g.d]),
            None => {
                let [pt, pl, pb, pr] = self.padding;
                Err(vec![
                    None,
                    Some(self.pool.0.saturating_sub(pt + pb).max(1)),
                    Some(self.pool.1.saturating_sub(pl + pr).max(1)),
                    None,
                ])
            }
        }
    }

    /// Runs `f(geometry, sample index, input sample, output-side sample, result sample)`
    /// for every sample in parallel, where `other` is an output-shaped array (a gradient or
    /// relevance, or empty) and the result is shaped like the input (`to_input`) or the
    /// output.
    fn per_sample<T: Element>(
        &self,
        x: &ArrayD<T>,
        other: &[T],
        to_input: bool,
        f: impl Fn(&Geometry, usize, &[T], &[T], &mut [T]) + Sync,
    ) -> ArrayD<T> {
        let g = self.geometry(x.shape()).expect("checked input shape");
        let n = x.shape()[0];
        let shape = if to_input {
            x.shape().to_vec()
        } else {
            vec![n, g.ho, g.wo, g.d]
        };
        let mut out = ArrayD::zeros(IxDyn(&shape));
        let out_len = if to_input {
            g.input_len()
        } else {
            g.output_len()
        };
        let x = x.as_slice().expect("standard layout");
        let other_len = if other.is_empty() { 0 } else { other.len() / n };
        out.as_slice_mut()
            .expect("fresh array")
            .par_chunks_mut(out_len.max(1))
            .enumerate()
            .for_each(|(s, out)| {
                let xs = &x[s * g.input_len()..(s + 1) * g.input_len()];
                let os = &other[s * other_len..(s + 1) * other_len];
                f(&g, s, xs, os, out);
            });
        out
    }

    /// [`Pool::per_sample`] back to the input for the max-pooling routines, which also read
    /// the pooled output `y`: `f(geometry, x, y, v, out)` on one sample's slices, `v` shaped
    /// like `y` (the gradient or relevance coming back).
    fn per_sample_to_input<T: Element>(
        &self,
        x: &ArrayD<T>,
        y: &ArrayD<T>,
        v: ArrayViewD<T>,
        f: impl Fn(&Geometry, &[T], &[T], &[T], &mut [T]) + Sync,
    ) -> ArrayD<T> {
        let ys = y.as_slice().expect("standard layout");
        let v = v.as_standard_layout();
        self.per_sample(
            x,
            v.as_slice().expect("standard layout"),
            true,
            |g, s, x, v, out| {
                f(
                    g,
                    x,
                    &ys[s * g.output_len()..(s + 1) * g.output_len()],
                    v,
                    out,
                )
            },
        )
    }

    pub(crate) fn forward_max<T: Element>(&self, x: &ArrayD<T>) -> ArrayD<T> {
        self.per_sample(x, &[], false, |g, _, x, _, y| {
            g.for_each_position(|o, win, _| {
                let y = &mut y[o..o + g.d];
                y.copy_from_slice(&x[win[0]..win[0] + g.d]);
                for &i in &win[1..] {
                    // Inputs are finite (checked on entry): a plain comparison is the maximum
                    // and vectorises, unlike the NaN-aware f64::max.
                    y.iter_mut()
                        .zip(&x[i..i + g.d])
                        .for_each(|(y, &x)| *y = if x > *y { x } else { *y });
                }
            })
        })
    }

    pub(crate) fn forward_sum<T: Element>(&self, x: &ArrayD<T>) -> ArrayD<T> {
        self.window_sums(x, self.sum_scale())
    }

    /// Every window's sum times `scale`.
    fn window_sums<T: Element>(&self, x: &ArrayD<T>, scale: f64) -> ArrayD<T> {
        let scale = T::from_f64(scale);
        self.per_sample(x, &[], false, |g, _, x, _, y| {
            g.for_each_position(|o, win, _| {
                let y = &mut y[o..o + g.d];
                for &i in win {
                    y.iter_mut().zip(&x[i..i + g.d]).for_each(|(y, &x)| *y += x);
                }
                y.iter_mut().for_each(|y| *y *= scale);
            })
        })
    }

    /// 1/sqrt(ph*pw): SumPool's output scale.
    fn sum_scale(&self) -> f64 {
        1.0 / ((self.pool.0 * self.pool.1) as f64).sqrt()
    }

    /// Every position of a window that equals its maximum receives the full gradient.
    pub(crate) fn backward_max<T: Element>(
        &self,
        x: &ArrayD<T>,
        y: &ArrayD<T>,
        dy: ArrayViewD<T>,
    ) -> ArrayD<T> {
        self.per_sample_to_input(x, y, dy, |g, x, y, dy, dx| {
            g.for_each_position(|o, win, _| {
                let (y, dy) = (&y[o..o + g.d], &dy[o..o + g.d]);
                for &i in win {
                    let (x, dx) = (&x[i..i + g.d], &mut dx[i..i + g.d]);
                    for c in 0..g.d {
                        dx[c] += is_max(x[c], y[c]) * dy[c];
                    }
                }
            })
        })
    }

    /// Each window's value of `v` (shaped like `y`) goes wholly to the first position of the
    /// window (row-major) that holds its maximum: PyTorch's max-pooling gradient. The
    /// gradient methods use it in either convention, LRP under zennit's.
    pub(crate) fn route_to_first_max<T: Element>(
        &self,
        x: &ArrayD<T>,
        y: &ArrayD<T>,
        v: ArrayViewD<T>,
    ) -> ArrayD<T> {
        self.per_sample_to_input(x, y, v, |g, x, y, v, dx| {
            g.for_each_position(|o, win, _| {
                let (y, v) = (&y[o..o + g.d], &v[o..o + g.d]);
                for c in 0..g.d {
                    if let Some(&i) = win.iter().find(|&&i| x[i + c] == y[c]) {
                        dx[i + c] += v[c];
                    }
                }
            })
        })
    }

    pub(crate) fn backward_sum<T: Element>(&self, x: &ArrayD<T>, dy: ArrayViewD<T>) -> ArrayD<T> {
        self.scatter_to_windows(x, dy, self.sum_scale())
    }

    /// `dy` of every window times `scale` added to each of its image cells: the transpose
    /// of [`Pool::window_sums`].
    fn scatter_to_windows<T: Element>(
        &self,
        x: &ArrayD<T>,
        dy: ArrayViewD<T>,
        scale: f64,
    ) -> ArrayD<T> {
        let dy = dy.as_standard_layout();
        let scale = T::from_f64(scale);
        self.per_sample(
            x,
            dy.as_slice().expect("standard layout"),
            true,
            |g, _, _, dy, dx| {
                g.for_each_position(|o, win, _| {
                    for &i in win {
                        dx[i..i + g.d]
                            .iter_mut()
                            .zip(&dy[o..o + g.d])
                            .for_each(|(dx, &d)| *dx += d * scale);
                    }
                })
            },
        )
    }

    /// MaxPool: R_j split equally among the window's maxima (simple, epsilon, alphabeta;
    /// gamma and zbox act as simple; under [`Convention::Zennit`] R_j goes to the first
    /// maximum), or uniformly over the window (flat, ww).
    pub(crate) fn lrp_max<T: Element>(
        &self,
        x: &ArrayD<T>,
        y: &ArrayD<T>,
        r: ArrayViewD<T>,
        rule: &Rule,
        convention: Convention,
    ) -> ArrayD<T> {
        if matches!(rule, Rule::Flat | Rule::WSquare) {
            return fixed_weights::lrp(&WindowSums(self), x, r, rule);
        }
        if convention == Convention::Zennit {
            return self.route_to_first_max(x, y, r);
        }
        self.per_sample_to_input(x, y, r, |g, x, y, r, rx| {
            let mut share = vec![T::zero(); g.d];
            g.for_each_position(|o, win, _| {
                let y = &y[o..o + g.d];
                share.fill(T::zero());
                for &i in win {
                    let x = &x[i..i + g.d];
                    for c in 0..g.d {
                        share[c] += is_max(x[c], y[c]);
                    }
                }
                // Every window holds its maximum at least once, so the count is >= 1.
                share
                    .iter_mut()
                    .zip(&r[o..o + g.d])
                    .for_each(|(s, &r)| *s = r / *s);
                for &i in win {
                    let (x, rx) = (&x[i..i + g.d], &mut rx[i..i + g.d]);
                    for c in 0..g.d {
                        rx[c] += is_max(x[c], y[c]) * share[c];
                    }
                }
            })
        })
    }
}

impl Pool {
    /// The divisor of an average over a window with `cells` image cells and `padded` cells
    /// inside the padded image.
    fn divisor(&self, cells: usize, padded: usize) -> f64 {
        if self.count_include_pad {
            padded as f64
        } else {
            cells as f64
        }
    }

    pub(crate) fn forward_avg<T: Element>(&self, x: &ArrayD<T>) -> ArrayD<T> {
        self.per_sample(x, &[], false, |g, _, x, _, y| {
            g.for_each_position(|o, win, padded| {
                let y = &mut y[o..o + g.d];
                for &i in win {
                    y.iter_mut().zip(&x[i..i + g.d]).for_each(|(y, &x)| *y += x);
                }
                let scale = T::from_f64(1.0 / self.divisor(win.len(), padded));
                y.iter_mut().for_each(|y| *y *= scale);
            })
        })
    }

    pub(crate) fn backward_avg<T: Element>(&self, x: &ArrayD<T>, dy: ArrayViewD<T>) -> ArrayD<T> {
        let dy = dy.as_standard_layout();
        self.per_sample(
            x,
            dy.as_slice().expect("standard layout"),
            true,
            |g, _, _, dy, dx| {
                g.for_each_position(|o, win, padded| {
                    let scale = T::from_f64(1.0 / self.divisor(win.len(), padded));
                    for &i in win {
                        dx[i..i + g.d]
                            .iter_mut()
                            .zip(&dy[o..o + g.d])
                            .for_each(|(dx, &d)| *dx += d * scale);
                    }
                })
            },
        )
    }
}

/// The plain window sums of a pooling (every weight 1): the fixed weights SumPool's LRP
/// uses (its output scale 1/sqrt(ph pw) cancels in every rule but in the stabiliser, which
/// the toolbox adds to the plain sum), and MaxPool's `flat` and `ww`.
struct WindowSums<'a>(&'a Pool);

impl FixedWeights for WindowSums<'_> {
    fn apply<T: Element>(&self, x: &ArrayD<T>) -> ArrayD<T> {
        self.0.window_sums(x, 1.0)
    }

    fn transpose<T: Element>(&self, x: &ArrayD<T>, s: ArrayViewD<T>) -> ArrayD<T> {
        self.0.scatter_to_windows(x, s, 1.0)
    }

    fn simple_stabilizer(&self) -> f64 {
        SUMPOOL_STABILIZER
    }
}

/// AvgPool's fixed weights 1/divisor: zennit's `Norm` (epsilon 1e-6) stabilises the
/// average itself.
impl FixedWeights for Avg {
    fn apply<T: Element>(&self, x: &ArrayD<T>) -> ArrayD<T> {
        self.0.forward_avg(x)
    }

    fn transpose<T: Element>(&self, x: &ArrayD<T>, s: ArrayViewD<T>) -> ArrayD<T> {
        self.0.backward_avg(x, s)
    }

    fn simple_stabilizer(&self) -> f64 {
        SIMPLE_STABILIZER
    }
}

/// MaxPool's view of a [`Pool`].
#[repr(transparent)]
pub(crate) struct Max(Pool);
/// SumPool's view of a [`Pool`].
#[repr(transparent)]
pub(crate) struct Sum(Pool);
/// AvgPool's view of a [`Pool`].
#[repr(transparent)]
pub(crate) struct Avg(Pool);

macro_rules! pool_view {
    ($view:ident) => {
        impl $view {
            /// The pooling seen as this kind of layer.
            pub(crate) fn of(p: &Pool) -> &$view {
                // SAFETY: the view is a #[repr(transparent)] wrapper of Pool, so a
                // reference to a Pool is a valid reference to it, for the same lifetime.
                unsafe { &*(p as *const Pool as *const $view) }
            }
        }
    };
}
pool_view!(Max);
pool_view!(Sum);
pool_view!(Avg);

/// The parts every pooling kind shares: one input, the pool's shape inference.
macro_rules! pool_common {
    ($kind:expr) => {
        fn kind(&self) -> LayerKind {
            $kind
        }

        fn output_shape(
            &self,
            inputs: &[&[usize]],
        ) -> std::result::Result<Vec<usize>, ExpectedShape> {
            self.0.output_shape(inputs[0])
        }

        fn sizes(&self) -> Vec<usize> {
            self.0.sizes($kind)
        }
    };
}

impl<T: Element> LayerOps<T> for Max {
    fn to_f32(&self) -> Layer<f32> {
        Layer::MaxPool(self.0)
    }

    pool_common!(LayerKind::MaxPool);

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        self.0.forward_max(xs[0])
    }

    fn backward(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        let dx = wants.dx.then(|| self.0.backward_max(xs[0], y, dy.view()));
        (dx.into_iter().collect(), None)
    }

    fn input_gradient(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        dy: ArrayD<T>,
        _mode: GradientMode,
    ) -> Vec<ArrayD<T>> {
        vec![self.0.route_to_first_max(xs[0], y, dy.view())]
    }

    fn accepts(&self, rule: &Rule) -> bool {
        !matches!(rule, Rule::Pass | Rule::Gamma(_) | Rule::ZBox { .. })
    }

    fn lrp(
        &self,
        xs: Inputs<T>,
        y: &ArrayD<T>,
        r: ArrayD<T>,
        rule: &Rule,
        convention: Convention,
    ) -> Vec<ArrayD<T>> {
        vec![self.0.lrp_max(xs[0], y, r.view(), rule, convention)]
    }
}

impl<T: Element> LayerOps<T> for Sum {
    fn to_f32(&self) -> Layer<f32> {
        Layer::SumPool(self.0)
    }

    pool_common!(LayerKind::SumPool);

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        self.0.forward_sum(xs[0])
    }

    fn backward(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        let dx = wants.dx.then(|| self.0.backward_sum(xs[0], dy.view()));
        (dx.into_iter().collect(), None)
    }

    fn accepts(&self, rule: &Rule) -> bool {
        !matches!(rule, Rule::Pass | Rule::Gamma(_) | Rule::ZBox { .. })
    }

    fn lrp(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        r: ArrayD<T>,
        rule: &Rule,
        _convention: Convention,
    ) -> Vec<ArrayD<T>> {
        vec![fixed_weights::lrp(
            &WindowSums(&self.0),
            xs[0],
            r.view(),
            rule,
        )]
    }

    fn lrp_shared_part(&self, xs: Inputs<T>, _y: &ArrayD<T>, rule: &Rule) -> Option<ArrayD<T>> {
        fixed_weights::shared_part(&WindowSums(&self.0), xs[0], rule)
    }

    fn lrp_with_shared_part(
        &self,
        xs: Inputs<T>,
        shared: &ArrayD<T>,
        r: ArrayD<T>,
    ) -> Vec<ArrayD<T>> {
        vec![fixed_weights::lrp_with_shared_part(
            &WindowSums(&self.0),
            xs[0],
            shared,
            r.view(),
        )]
    }
}

impl<T: Element> LayerOps<T> for Avg {
    fn to_f32(&self) -> Layer<f32> {
        Layer::AvgPool(self.0)
    }

    pool_common!(LayerKind::AvgPool);

    fn forward(&self, xs: Inputs<T>) -> ArrayD<T> {
        self.0.forward_avg(xs[0])
    }

    fn backward(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        dy: ArrayD<T>,
        wants: BackwardWants,
    ) -> (Vec<ArrayD<T>>, Option<ParamGrad<T>>) {
        let dx = wants.dx.then(|| self.0.backward_avg(xs[0], dy.view()));
        (dx.into_iter().collect(), None)
    }

    fn accepts(&self, rule: &Rule) -> bool {
        !matches!(rule, Rule::Pass | Rule::Gamma(_) | Rule::ZBox { .. })
    }

    fn lrp(
        &self,
        xs: Inputs<T>,
        _y: &ArrayD<T>,
        r: ArrayD<T>,
        rule: &Rule,
        _convention: Convention,
    ) -> Vec<ArrayD<T>> {
        vec![fixed_weights::lrp(self, xs[0], r.view(), rule)]
    }
}

/// 1.0 where an input equals its window's maximum, else 0.0: a branch-free mask, so the
/// loops over channels vectorise.
#[inline]
fn is_max<T: Element>(x: T, max: T) -> T {
    if x == max {
        T::one()
    } else {
        T::zero()
    }
}

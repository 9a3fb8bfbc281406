//! MaxPool and SumPool: windows of ph x pw moved with stride (sh, sw) over each channel of
//! N x H x W x D batches. Windows may overlap; contributions of overlapping windows add.

use super::ExpectedShape;
use crate::error::{LrpError, Result};
use crate::rule::{stabilize, Convention, Rule, SIMPLE_STABILIZER, SUMPOOL_STABILIZER};
use ndarray::{ArrayD, ArrayViewD, IxDyn};
use rayon::prelude::*;

/// Pooling window and stride, shared by MaxPool and SumPool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool {
    /// Window (height, width), both at least 1.
    pub pool: (usize, usize),
    /// Stride (vertical, horizontal), both at least 1.
    pub stride: (usize, usize),
}

impl Default for Pool {
    /// The toolbox's default: 2 x 2 windows with stride 2.
    fn default() -> Self {
        Pool {
            pool: (2, 2),
            stride: (2, 2),
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
    /// Calls `f(output offset, window offsets)` for every output position of one sample.
    /// Offsets are into one sample's C-order data and point at channel 0; the D channels
    /// follow contiguously, so every operation below runs over channels in its inner loop.
    fn for_each_position(&self, mut f: impl FnMut(usize, &[usize])) {
        let mut window = Vec::with_capacity(self.ph * self.pw);
        for oh in 0..self.ho {
            for ow in 0..self.wo {
                window.clear();
                for i in 0..self.ph {
                    for j in 0..self.pw {
                        window.push(((oh * self.sh + i) * self.w + ow * self.sw + j) * self.d);
                    }
                }
                f((oh * self.wo + ow) * self.d, &window);
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
        Ok(Pool { pool, stride })
    }

    fn geometry(&self, input: &[usize]) -> Option<Geometry> {
        let (ph, pw) = self.pool;
        let (sh, sw) = self.stride;
        match *input {
            [_, h, w, d] if h >= ph && w >= pw => Some(Geometry {
                h,
                w,
                d,
                ph,
                pw,
                sh,
                sw,
                ho: (h - ph) / sh + 1,
                wo: (w - pw) / sw + 1,
            }),
            _ => None,
        }
    }

    pub(crate) fn output_shape(
        &self,
        input: &[usize],
    ) -> std::result::Result<Vec<usize>, ExpectedShape> {
        match self.geometry(input) {
            Some(g) => Ok(vec![input[0], g.ho, g.wo, g.d]),
            None => Err(vec![None, Some(self.pool.0), Some(self.pool.1), None]),
        }
    }

    /// Runs `f(geometry, sample index, input sample, output-side sample, result sample)`
    /// for every sample in parallel, where `other` is an output-shaped array (a gradient or
    /// relevance, or empty) and the result is shaped like the input (`to_input`) or the
    /// output.
    fn per_sample(
        &self,
        x: &ArrayD<f64>,
        other: &[f64],
        to_input: bool,
        f: impl Fn(&Geometry, usize, &[f64], &[f64], &mut [f64]) + Sync,
    ) -> ArrayD<f64> {
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
    fn per_sample_to_input(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        v: ArrayViewD<f64>,
        f: impl Fn(&Geometry, &[f64], &[f64], &[f64], &mut [f64]) + Sync,
    ) -> ArrayD<f64> {
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

    pub(crate) fn forward_max(&self, x: &ArrayD<f64>) -> ArrayD<f64> {
        self.per_sample(x, &[], false, |g, _, x, _, y| {
            g.for_each_position(|o, win| {
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

    pub(crate) fn forward_sum(&self, x: &ArrayD<f64>) -> ArrayD<f64> {
        let scale = self.sum_scale();
        self.per_sample(x, &[], false, |g, _, x, _, y| {
            g.for_each_position(|o, win| {
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
    pub(crate) fn backward_max(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        dy: ArrayViewD<f64>,
    ) -> ArrayD<f64> {
        self.per_sample_to_input(x, y, dy, |g, x, y, dy, dx| {
            g.for_each_position(|o, win| {
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
    pub(crate) fn route_to_first_max(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        v: ArrayViewD<f64>,
    ) -> ArrayD<f64> {
        self.per_sample_to_input(x, y, v, |g, x, y, v, dx| {
            g.for_each_position(|o, win| {
                let (y, v) = (&y[o..o + g.d], &v[o..o + g.d]);
                for c in 0..g.d {
                    if let Some(&i) = win.iter().find(|&&i| x[i + c] == y[c]) {
                        dx[i + c] += v[c];
                    }
                }
            })
        })
    }

    pub(crate) fn backward_sum(&self, x: &ArrayD<f64>, dy: ArrayViewD<f64>) -> ArrayD<f64> {
        let scale = self.sum_scale();
        let dy = dy.as_standard_layout();
        self.per_sample(
            x,
            dy.as_slice().expect("standard layout"),
            true,
            |g, _, _, dy, dx| {
                g.for_each_position(|o, win| {
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
    pub(crate) fn lrp_max(
        &self,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
        r: ArrayViewD<f64>,
        rule: &Rule,
        convention: Convention,
    ) -> ArrayD<f64> {
        if matches!(rule, Rule::Flat | Rule::WSquare) {
            return self.lrp_uniform(x, r);
        }
        if convention == Convention::Zennit {
            return self.route_to_first_max(x, y, r);
        }
        self.per_sample_to_input(x, y, r, |g, x, y, r, rx| {
            let mut share = vec![0.0; g.d];
            g.for_each_position(|o, win| {
                let y = &y[o..o + g.d];
                share.fill(0.0);
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

    /// SumPool: x_i / S_j R_j with the rule's stabiliser (S_j the plain window sum; gamma and
    /// zbox act as simple), the alphabeta split by the sign of x_i, or uniform (flat, ww).
    pub(crate) fn lrp_sum(&self, x: &ArrayD<f64>, r: ArrayViewD<f64>, rule: &Rule) -> ArrayD<f64> {
        match *rule {
            Rule::Flat | Rule::WSquare => self.lrp_uniform(x, r),
            Rule::Simple | Rule::Gamma(_) | Rule::ZBox { .. } => {
                self.lrp_sum_ratio(x, r, SUMPOOL_STABILIZER)
            }
            Rule::Epsilon(eps) => self.lrp_sum_ratio(x, r, eps),
            Rule::AlphaBeta(alpha) => self.lrp_sum_alphabeta(x, r, alpha),
        }
    }

    /// 1 / (S_j + eps sign(S_j)) for every window (S_j its plain sum), shaped like the
    /// output: SumPool's `simple`/`epsilon` denominators, prepared once when several
    /// relevances go back through the layer.
    pub(crate) fn sum_reciprocals(&self, x: &ArrayD<f64>, eps: f64) -> ArrayD<f64> {
        self.per_sample(x, &[], false, |g, _, x, _, inv| {
            g.for_each_position(|o, win| {
                let inv = &mut inv[o..o + g.d];
                for &i in win {
                    inv.iter_mut()
                        .zip(&x[i..i + g.d])
                        .for_each(|(s, &x)| *s += x);
                }
                inv.iter_mut().for_each(|s| *s = 1.0 / stabilize(*s, eps));
            })
        })
    }

    /// SumPool `simple`/`epsilon` LRP with prepared reciprocals (see
    /// [`Pool::sum_reciprocals`]): x_i inv_j R_j.
    pub(crate) fn lrp_sum_with_reciprocals(
        &self,
        x: &ArrayD<f64>,
        inv: &ArrayD<f64>,
        r: &ArrayD<f64>,
    ) -> ArrayD<f64> {
        let inv = inv.as_slice().expect("standard layout");
        self.per_sample(
            x,
            r.as_slice().expect("standard layout"),
            true,
            |g, s, x, r, rx| {
                let inv = &inv[s * g.output_len()..(s + 1) * g.output_len()];
                let mut factor = vec![0.0; g.d];
                g.for_each_position(|o, win| {
                    factor
                        .iter_mut()
                        .zip(&r[o..o + g.d])
                        .zip(&inv[o..o + g.d])
                        .for_each(|((f, &r), &v)| *f = r * v);
                    for &i in win {
                        let (x, rx) = (&x[i..i + g.d], &mut rx[i..i + g.d]);
                        for c in 0..g.d {
                            rx[c] += x[c] * factor[c];
                        }
                    }
                })
            },
        )
    }

    /// x_i / (S_j + eps sign(S_j)) R_j.
    fn lrp_sum_ratio(&self, x: &ArrayD<f64>, r: ArrayViewD<f64>, eps: f64) -> ArrayD<f64> {
        let r = r.as_standard_layout();
        self.per_sample(
            x,
            r.as_slice().expect("standard layout"),
            true,
            |g, _, x, r, rx| {
                // Per channel of the window: S_j, then R_j / stabilised S_j.
                let mut factor = vec![0.0; g.d];
                g.for_each_position(|o, win| {
                    factor.fill(0.0);
                    for &i in win {
                        factor
                            .iter_mut()
                            .zip(&x[i..i + g.d])
                            .for_each(|(f, &x)| *f += x);
                    }
                    factor
                        .iter_mut()
                        .zip(&r[o..o + g.d])
                        .for_each(|(f, &r)| *f = r * (1.0 / stabilize(*f, eps)));
                    for &i in win {
                        let (x, rx) = (&x[i..i + g.d], &mut rx[i..i + g.d]);
                        for c in 0..g.d {
                            rx[c] += x[c] * factor[c];
                        }
                    }
                })
            },
        )
    }

    /// alpha x+_i / (S+_j + 1e-16) R_j + beta x-_i / (S-_j - 1e-16) R_j, beta = 1 - alpha;
    /// a zero coefficient skips its term, as in the toolbox.
    fn lrp_sum_alphabeta(&self, x: &ArrayD<f64>, r: ArrayViewD<f64>, alpha: f64) -> ArrayD<f64> {
        let beta = 1.0 - alpha;
        let r = r.as_standard_layout();
        self.per_sample(
            x,
            r.as_slice().expect("standard layout"),
            true,
            |g, _, x, r, rx| {
                let mut fpos = vec![0.0; g.d];
                let mut fneg = vec![0.0; g.d];
                g.for_each_position(|o, win| {
                    fpos.fill(0.0);
                    fneg.fill(0.0);
                    for &i in win {
                        let x = &x[i..i + g.d];
                        for c in 0..g.d {
                            fpos[c] += positive(x[c]);
                            fneg[c] += negative(x[c]);
                        }
                    }
                    let r = &r[o..o + g.d];
                    for c in 0..g.d {
                        fpos[c] = if alpha != 0.0 {
                            alpha * r[c] / (fpos[c] + SIMPLE_STABILIZER)
                        } else {
                            0.0
                        };
                        fneg[c] = if beta != 0.0 {
                            beta * r[c] / (fneg[c] - SIMPLE_STABILIZER)
                        } else {
                            0.0
                        };
                    }
                    for &i in win {
                        let (x, rx) = (&x[i..i + g.d], &mut rx[i..i + g.d]);
                        for c in 0..g.d {
                            rx[c] += positive(x[c]) * fpos[c] + negative(x[c]) * fneg[c];
                        }
                    }
                })
            },
        )
    }

    /// R_j / (ph*pw) to every position of the window.
    fn lrp_uniform(&self, x: &ArrayD<f64>, r: ArrayViewD<f64>) -> ArrayD<f64> {
        let share = 1.0 / (self.pool.0 * self.pool.1) as f64;
        let r = r.as_standard_layout();
        self.per_sample(
            x,
            r.as_slice().expect("standard layout"),
            true,
            |g, _, _, r, rx| {
                g.for_each_position(|o, win| {
                    for &i in win {
                        rx[i..i + g.d]
                            .iter_mut()
                            .zip(&r[o..o + g.d])
                            .for_each(|(rx, &r)| *rx += r * share);
                    }
                })
            },
        )
    }
}

/// 1.0 where an input equals its window's maximum, else 0.0: a branch-free mask, so the
/// loops over channels vectorise.
#[inline]
fn is_max(x: f64, max: f64) -> f64 {
    f64::from(u8::from(x == max))
}

/// max(x, 0) for finite x, as a select that vectorises.
#[inline]
fn positive(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// min(x, 0) for finite x, as a select that vectorises.
#[inline]
fn negative(x: f64) -> f64 {
    if x < 0.0 {
        x
    } else {
        0.0
    }
}

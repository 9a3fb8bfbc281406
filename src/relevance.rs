//! The one relevance kernel behind every rule on Linear and Convolution layers.
//!
//! Both layers reduce to the same dense problem: rows of inputs `cols` (the batch for
//! Linear, the im2col patches for Convolution; rows x K), weights `w` (K x F), biases `b`
//! (F), outputs `y = cols w + b` (rows x F) and output relevance `r` (rows x F). A rule
//! turns these into a few *terms*: a factor matrix C (rows x K) and how it meets the input,
//! so that the input relevance is `sum_t scatter(C_t) .* weight_t(x)`, where `scatter` is
//! the identity for Linear and col2im for Convolution. No rule ever builds the
//! rows x K x F tensor z_ij of the definitions: each term is one or two matrix products.
//!
//! Everything here is generic over the element type (f32 or f64); the rules' parameters
//! stay f64 in [`Rule`] and are converted where a kernel uses them.

use crate::element::Element;
use crate::gemm::{gemm, gemm_new, Par};
use crate::rule::{stabilize, Convention, Rule, SIMPLE_STABILIZER, ZENNIT_STABILIZER};
use ndarray::{Array1, Array2, ArrayD, ArrayView1, ArrayView2, ArrayViewMut2, CowArray, Ix2, Zip};
use std::sync::OnceLock;

/// How a factor matrix meets the layer input x_i.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputWeight {
    /// Multiply by x_i.
    X,
    /// Multiply by max(x_i, 0).
    Positive,
    /// Multiply by min(x_i, 0).
    Negative,
    /// Use the factor as it is.
    One,
}

impl InputWeight {
    /// out += factor .* weight(x), elementwise over equally long slices. The match sits
    /// outside the loops so that each loop vectorises; inputs are finite (checked on
    /// entry), so plain comparisons stand in for the NaN-aware max and min.
    pub(crate) fn accumulate<T: Element>(self, out: &mut [T], factor: &[T], x: &[T]) {
        let triples = out.iter_mut().zip(factor).zip(x);
        match self {
            InputWeight::X => triples.for_each(|((o, &c), &x)| *o += c * x),
            InputWeight::Positive => triples
                .for_each(|((o, &c), &x)| *o += c * if x > T::zero() { x } else { T::zero() }),
            InputWeight::Negative => triples
                .for_each(|((o, &c), &x)| *o += c * if x < T::zero() { x } else { T::zero() }),
            InputWeight::One => out.iter_mut().zip(factor).for_each(|(o, &c)| *o += c),
        }
    }

    /// factor .* weight(x), in place in `factor`: [`InputWeight::accumulate`] onto zeros
    /// without the zeros (the same products; a -0 where that gives +0).
    pub(crate) fn weigh<T: Element>(self, factor: &mut [T], x: &[T]) {
        let pairs = factor.iter_mut().zip(x);
        match self {
            InputWeight::X => pairs.for_each(|(c, &x)| *c *= x),
            InputWeight::Positive => {
                pairs.for_each(|(c, &x)| *c *= if x > T::zero() { x } else { T::zero() })
            }
            InputWeight::Negative => {
                pairs.for_each(|(c, &x)| *c *= if x < T::zero() { x } else { T::zero() })
            }
            InputWeight::One => {}
        }
    }
}

/// One summand of the input relevance: `factor` (rows x K) weighted by `weight(x)`.
pub(crate) struct Term<T> {
    pub factor: Array2<T>,
    pub weight: InputWeight,
}

/// Whether `rule` needs the input rows themselves (not only y and r) to compute its terms.
pub(crate) fn needs_input_rows(rule: &Rule) -> bool {
    matches!(
        rule,
        Rule::AlphaBeta(_) | Rule::Gamma(_) | Rule::ZBox { .. }
    )
}

/// What a rule may need of a block's inputs besides y and r.
#[derive(Clone, Copy, Default)]
pub(crate) struct Rows<'a, T> {
    /// The input rows (rows x K); must be `Some` when [`needs_input_rows`] says so.
    pub cols: Option<ArrayView2<'a, T>>,
    /// 1 where a column of a row is a real input, 0 where it is padding (rows x K); `None`
    /// when every column is real. The rules that weigh every input alike (flat, ww, zbox's
    /// bounds) count only real inputs, as zennit's do (its modified layers pad with zeros).
    pub inside: Option<ArrayView2<'a, T>>,
}

impl<'a, T> Rows<'a, T> {
    /// Rows without padding.
    pub(crate) fn plain(cols: Option<ArrayView2<'a, T>>) -> Rows<'a, T> {
        Rows { cols, inside: None }
    }
}

/// The matrices a rule derives from W alone (K x F): alphabeta's W+ and W-, gamma's
/// u = W + g W+ and v = W + g W-, zbox's bounded W (low W+ + high W-, row by row), ww's
/// W.^2, flat's ones. Made once per layer call, on first use, and shared by all its blocks
/// and threads: made per block they cost each thread W-sized copies (four copies of W at
/// once on two threads for alphabeta, 76 MB on a 3x3x512x512 convolution) and a pass over
/// W per block; made on first use, alphabeta's W- is never made after a Rect (no x-).
pub(crate) struct WeightParts<'w, T> {
    rule: &'w Rule,
    w: ArrayView2<'w, T>,
    made: [OnceLock<Array2<T>>; 2],
}

impl<'w, T: Element> WeightParts<'w, T> {
    /// The parts of `w` that `rule` may need (none for simple and epsilon, which use W).
    pub(crate) fn new(rule: &'w Rule, w: ArrayView2<'w, T>) -> WeightParts<'w, T> {
        WeightParts {
            rule,
            w,
            made: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// Part `i` (0: W+, u, bounded W, W.^2 or ones; 1: W- or v), made on first use.
    fn part(&self, i: usize) -> &Array2<T> {
        self.made[i].get_or_init(|| {
            let w = self.w;
            match (self.rule, i) {
                (Rule::AlphaBeta(_), 0) => w.mapv(|v| v.max(T::zero())),
                (Rule::AlphaBeta(_), _) => w.mapv(|v| v.min(T::zero())),
                (&Rule::Gamma(g), 0) => {
                    let g = T::from_f64(g);
                    w.mapv(|v| v + g * v.max(T::zero()))
                }
                (&Rule::Gamma(g), _) => {
                    let g = T::from_f64(g);
                    w.mapv(|v| v + g * v.min(T::zero()))
                }
                (Rule::ZBox { low, high }, _) => {
                    let k = w.nrows();
                    let in_type = |b: &crate::Bound| -> Vec<T> {
                        b.per_column(k).into_iter().map(T::from_f64).collect()
                    };
                    let (low, high) = (in_type(low), in_type(high));
                    // Row k of W meets input column k, whose bounds are low[k] and high[k].
                    let mut bounded = w.to_owned();
                    for ((mut row, &l), &h) in bounded.rows_mut().into_iter().zip(&low).zip(&high) {
                        row.mapv_inplace(|v| l * v.max(T::zero()) + h * v.min(T::zero()));
                    }
                    bounded
                }
                (Rule::WSquare, _) => w.mapv(|v| v * v),
                (Rule::Flat, _) => Array2::ones(w.raw_dim()),
                (Rule::Simple | Rule::Epsilon(_) | Rule::Pass, _) => {
                    unreachable!("simple and epsilon use W itself")
                }
            }
        })
    }

    /// The parts restricted to the outputs (columns) `columns`: one group's filters.
    pub(crate) fn columns(&self, columns: std::ops::Range<usize>) -> Columns<'_, 'w, T> {
        Columns {
            parts: self,
            columns,
        }
    }
}

/// One group's columns of a layer's [`WeightParts`].
pub(crate) struct Columns<'p, 'w, T> {
    parts: &'p WeightParts<'w, T>,
    columns: std::ops::Range<usize>,
}

impl<T: Element> Columns<'_, '_, T> {
    /// Part `i` of these columns. A group of a grouped convolution gets a contiguous copy,
    /// as the rules had before (a sum along a strided view may add in another order); all
    /// columns stay a view.
    fn get(&self, i: usize) -> CowArray<'_, T, Ix2> {
        let part = self
            .parts
            .part(i)
            .slice(ndarray::s![.., self.columns.clone()]);
        if part.is_standard_layout() {
            part.into()
        } else {
            part.to_owned().into()
        }
    }
}

/// The terms of `rule` for one block of rows. `r` is scratch: the rules that divide it by
/// their denominators do so in place instead of allocating a copy. `convention` picks the
/// stabiliser of `alphabeta`; `par` whether the products spread over the threads. `parts`
/// are the block's columns of the layer's [`WeightParts`] for `rule`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn dense_terms<T: Element>(
    rule: &Rule,
    convention: Convention,
    rows: Rows<T>,
    y: ArrayView2<T>,
    r: ArrayViewMut2<T>,
    w: ArrayView2<T>,
    parts: &Columns<T>,
    b: ArrayView1<T>,
    par: Par,
) -> Vec<Term<T>> {
    let Rows { cols, inside } = rows;
    match *rule {
        Rule::Simple => epsilon_terms(y, r, w, T::from_f64(SIMPLE_STABILIZER), par),
        Rule::Epsilon(eps) => epsilon_terms(y, r, w, T::from_f64(eps), par),
        Rule::AlphaBeta(alpha) => {
            let cols = cols.expect("alphabeta needs the input rows");
            let stab = match convention {
                Convention::Toolbox => SIMPLE_STABILIZER,
                Convention::Zennit => ZENNIT_STABILIZER,
            };
            alphabeta_terms(cols, r.view(), parts, b, alpha, T::from_f64(stab), par)
        }
        Rule::Flat | Rule::WSquare => vec![wsquare_term(r, parts.get(0).view(), inside, par)],
        Rule::Pass => unreachable!("layers with weights do not accept pass"),
        Rule::Gamma(g) => {
            let cols = cols.expect("gamma needs the input rows");
            let (u, v) = (parts.get(0), parts.get(1));
            gamma_terms(
                cols,
                y,
                r.view(),
                u.view(),
                v.view(),
                b,
                T::from_f64(g),
                par,
            )
        }
        Rule::ZBox { .. } => {
            let cols = cols.expect("zbox needs the input rows");
            zbox_terms(cols, inside, r, w, parts.get(0).view(), par)
        }
    }
}

/// x+ or x- of a block's input rows: a copy, or the rows themselves when they hold only
/// that sign.
type SignPart<'a, T> = CowArray<'a, T, Ix2>;

/// The positive and negative parts x+ and x- of the input rows, each `None` when that
/// sign does not occur in the block (after a Rect there is no x-). When only one sign
/// occurs, its part is the rows themselves, borrowed rather than copied.
#[allow(clippy::type_complexity)]
fn split_signs<T: Element>(
    cols: ArrayView2<'_, T>,
) -> (Option<SignPart<'_, T>>, Option<SignPart<'_, T>>) {
    let has_pos = cols.iter().any(|&v| v > T::zero());
    let has_neg = cols.iter().any(|&v| v < T::zero());
    let part = |keep: fn(T) -> T, other_sign_present: bool| -> SignPart<T> {
        if other_sign_present {
            cols.mapv(keep).into()
        } else {
            cols.into()
        }
    };
    (
        has_pos.then(|| part(|v| v.max(T::zero()), has_neg)),
        has_neg.then(|| part(|v| v.min(T::zero()), has_pos)),
    )
}

/// x+ w_a + x- w_b (rows x F) for the parts of [`split_signs`], skipping an absent part.
/// The weights come from `w_a()` and `w_b()`, fetched only for a part that is present.
fn signed_product<'a, T: Element>(
    xp: &Option<SignPart<T>>,
    xn: &Option<SignPart<T>>,
    w_a: &dyn Fn() -> CowArray<'a, T, Ix2>,
    w_b: &dyn Fn() -> CowArray<'a, T, Ix2>,
    dim: (usize, usize),
    par: Par,
) -> Array2<T> {
    let mut z = Array2::zeros(dim);
    for (x, w) in [(xp, w_a), (xn, w_b)] {
        if let Some(x) = x {
            gemm(T::one(), x.view(), w().view(), T::one(), z.view_mut(), par);
        }
    }
    z
}

/// The gamma rule. With u = w + g w+ and v = w + g w-, outputs with y_j > 0 divide R_j by
/// stab(x+ u + x- v + b_j + g b+_j) into s+, outputs with y_j < 0 by
/// stab(x+ v + x- u + b_j + g b-_j) into s-; then x+ meets s+ u^T + s- v^T and x- meets
/// s+ v^T + s- u^T. Products with an x+ or x- that is zero throughout the block are skipped.
/// `u` and `v` come from [`WeightParts`].
#[allow(clippy::too_many_arguments)]
fn gamma_terms<T: Element>(
    cols: ArrayView2<T>,
    y: ArrayView2<T>,
    r: ArrayView2<T>,
    u: ArrayView2<T>,
    v: ArrayView2<T>,
    b: ArrayView1<T>,
    g: T,
    par: Par,
) -> Vec<Term<T>> {
    let (xp, xn) = split_signs(cols);
    let (has_pos, has_neg) = (xp.is_some(), xn.is_some());
    // R ./ stab(x+ w_a + x- w_b + offset) where `keep(y_j)`, 0 elsewhere.
    let share = |w_a: ArrayView2<T>, w_b: ArrayView2<T>, offset: Array1<T>, keep: fn(T) -> bool| {
        let mut z = signed_product(&xp, &xn, &|| w_a.into(), &|| w_b.into(), r.dim(), par);
        Zip::from(&mut z)
            .and(&r)
            .and(&y)
            .and_broadcast(&offset)
            .for_each(|z, &r, &y, &offset| {
                *z = if keep(y) {
                    r / stabilize(*z + offset, T::from_f64(ZENNIT_STABILIZER))
                } else {
                    T::zero()
                }
            });
        z
    };
    let s_pos = share(u, v, b.mapv(|b| b + g * b.max(T::zero())), |y| {
        y > T::zero()
    });
    let s_neg = share(v, u, b.mapv(|b| b + g * b.min(T::zero())), |y| {
        y < T::zero()
    });
    // s+ w_a^T + s- w_b^T
    let factor = |w_a: ArrayView2<T>, w_b: ArrayView2<T>| {
        let mut c = times_wt(s_pos.view(), w_a, par);
        gemm(T::one(), s_neg.view(), w_b.t(), T::one(), c.view_mut(), par);
        c
    };
    let positive = has_pos.then(|| Term {
        factor: factor(u, v),
        weight: InputWeight::Positive,
    });
    let negative = has_neg.then(|| Term {
        factor: factor(v, u),
        weight: InputWeight::Negative,
    });
    positive.into_iter().chain(negative).collect()
}

/// The z^B rule: s = R ./ stab(X W - L W+ - H W-), L and H the bounds of the real inputs
/// (0 on padding), then x meets s W^T and the bounds give the factor -s (low W+ + high W-)^T.
/// R is divided in place. `bounded` (low W+ + high W-) comes from [`WeightParts`].
fn zbox_terms<T: Element>(
    cols: ArrayView2<T>,
    inside: Option<ArrayView2<T>>,
    mut r: ArrayViewMut2<T>,
    w: ArrayView2<T>,
    bounded: ArrayView2<T>,
    par: Par,
) -> Vec<Term<T>> {
    let mut z = gemm_new(cols, w, par);
    match inside {
        // Each row's real inputs: the bounds of padding cells are 0.
        Some(inside) => gemm(-T::one(), inside, bounded, T::one(), z.view_mut(), par),
        None => {
            let offset = bounded.sum_axis(ndarray::Axis(0));
            z -= &offset;
        }
    }
    Zip::from(&mut r)
        .and(&z)
        .for_each(|r, &z| *r /= stabilize(z, T::from_f64(ZENNIT_STABILIZER)));
    let mut bound_factor = times_wt(r.view(), bounded, par);
    bound_factor.mapv_inplace(|v| -v);
    vec![
        Term {
            factor: times_wt(r.view(), w, par),
            weight: InputWeight::X,
        },
        Term {
            factor: bound_factor,
            weight: InputWeight::One,
        },
    ]
}

/// The stabiliser of `simple` and `epsilon` on Linear and Convolution layers, or `None`
/// for the other rules.
pub(crate) fn epsilon_of(rule: &Rule) -> Option<f64> {
    match *rule {
        Rule::Simple => Some(SIMPLE_STABILIZER),
        Rule::Epsilon(eps) => Some(eps),
        _ => None,
    }
}

/// R ./ (Y + eps sign(Y)), in place: the shares that `simple` and `epsilon` send through
/// W^T.
pub(crate) fn divide_by_stabilised<T: Element>(y: &[T], r: &mut [T], eps: f64) {
    let eps = T::from_f64(eps);
    // Times the reciprocal rather than a division, so that the many-class path, which
    // prepares the reciprocals once (`stabilised_reciprocals`), gives the same bits.
    r.iter_mut()
        .zip(y)
        .for_each(|(r, &y)| *r *= T::one() / stabilize(y, eps));
}

/// 1 / (t + eps sign(t)) for every t: what `simple` and `epsilon` divide by, prepared once
/// when several relevances go back through the same layer.
pub(crate) fn stabilised_reciprocals<T: Element>(t: &ArrayD<T>, eps: f64) -> ArrayD<T> {
    let eps = T::from_f64(eps);
    t.mapv(|t| T::one() / stabilize(t, eps))
}

/// C = (R ./ (Y + eps sign(Y))) W^T, to be multiplied by x. R is divided in place.
fn epsilon_terms<T: Element>(
    y: ArrayView2<T>,
    mut r: ArrayViewMut2<T>,
    w: ArrayView2<T>,
    eps: T,
    par: Par,
) -> Vec<Term<T>> {
    // Times the reciprocal: see `divide_by_stabilised`.
    Zip::from(&mut r)
        .and(&y)
        .for_each(|r, &y| *r *= T::one() / stabilize(y, eps));
    vec![Term {
        factor: times_wt(r.view(), w, par),
        weight: InputWeight::X,
    }]
}

/// alpha z+_ij / z+_j + beta z-_ij / z-_j, split by the signs of x and w:
/// z+_ij = x+ w+ + x- w-, z-_ij = x+ w- + x- w+. The alpha term is skipped when alpha = 0,
/// the beta term when beta = 1 - alpha = 0, as the toolbox does. Products with an x+ or x-
/// that is zero throughout the block are skipped too: after a Rect every input is >= 0,
/// which halves the work on all but the first layer. W+ and W- come from the layer's
/// [`WeightParts`] (0 and 1), each made only if a product needs it.
fn alphabeta_terms<T: Element>(
    cols: ArrayView2<T>,
    r: ArrayView2<T>,
    parts: &Columns<T>,
    b: ArrayView1<T>,
    alpha: f64,
    stab: T,
    par: Par,
) -> Vec<Term<T>> {
    const PLUS: usize = 0;
    const MINUS: usize = 1;
    // alpha and beta stay f64 for the tests against 0 (what the toolbox skips).
    let beta = 1.0 - alpha;
    let (xp, xn) = split_signs(cols);
    let (has_pos, has_neg) = (xp.is_some(), xn.is_some());
    // coef * R ./ (x+ w_a + x- w_b + offset), the share of one sign; `offset` holds the
    // bias part and the stabiliser per output.
    let share = |a: usize, b: usize, offset: Array1<T>, coef: f64| {
        let coef = T::from_f64(coef);
        let mut z = signed_product(&xp, &xn, &|| parts.get(a), &|| parts.get(b), r.dim(), par);
        Zip::from(&mut z)
            .and(&r)
            .and_broadcast(&offset)
            .for_each(|z, &r, &offset| *z = coef * r / (*z + offset));
        z
    };
    // Factors for x+ and for x-, accumulated over the alpha and beta terms.
    let mut on_xp: Option<Array2<T>> = None;
    let mut on_xn: Option<Array2<T>> = None;
    let add = |slot: &mut Option<Array2<T>>, wanted: bool, s: &Array2<T>, part: usize| {
        if !wanted {
            return;
        }
        let w = parts.get(part);
        match slot {
            Some(c) => gemm(T::one(), s.view(), w.t(), T::one(), c.view_mut(), par),
            None => *slot = Some(times_wt(s.view(), w.view(), par)),
        }
    };
    if alpha != 0.0 {
        let s = share(PLUS, MINUS, b.mapv(|b| b.max(T::zero()) + stab), alpha);
        add(&mut on_xp, has_pos, &s, PLUS);
        add(&mut on_xn, has_neg, &s, MINUS);
    }
    if beta != 0.0 {
        let s = share(MINUS, PLUS, b.mapv(|b| b.min(T::zero()) - stab), beta);
        add(&mut on_xp, has_pos, &s, MINUS);
        add(&mut on_xn, has_neg, &s, PLUS);
    }
    let positive = on_xp.map(|factor| Term {
        factor,
        weight: InputWeight::Positive,
    });
    let negative = on_xn.map(|factor| Term {
        factor,
        weight: InputWeight::Negative,
    });
    positive.into_iter().chain(negative).collect()
}

/// C = (R ./ (I V)) V^T with V = W.^2 (ww) or all ones (flat: every real input of a row
/// receives R_j / its row's number of real inputs), from [`WeightParts`], and I the rows'
/// real inputs (all ones without padding); R divided in place; the factors of padding
/// inputs are dropped by the caller. A filter whose weights are all zero passes nothing.
fn wsquare_term<T: Element>(
    mut r: ArrayViewMut2<T>,
    v: ArrayView2<T>,
    inside: Option<ArrayView2<T>>,
    par: Par,
) -> Term<T> {
    let divide = |r: &mut T, z: T| *r = if z == T::zero() { T::zero() } else { *r / z };
    match inside {
        Some(inside) => {
            let z = gemm_new(inside, v, par);
            Zip::from(&mut r).and(&z).for_each(|r, &z| divide(r, z));
        }
        None => {
            let colsum = v.sum_axis(ndarray::Axis(0));
            Zip::from(&mut r)
                .and_broadcast(&colsum)
                .for_each(|r, &z| divide(r, z));
        }
    }
    let mut factor = times_wt(r.view(), v, par);
    if let Some(inside) = inside {
        factor *= &inside;
    }
    Term {
        factor,
        weight: InputWeight::One,
    }
}

/// S W^T for S (rows x F) and W (K x F).
fn times_wt<T: Element>(s: ArrayView2<T>, w: ArrayView2<T>, par: Par) -> Array2<T> {
    gemm_new(s, w.t(), par)
}

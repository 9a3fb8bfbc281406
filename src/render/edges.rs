//! Canny edge detection as scikit-image's `feature.canny` does it (the detector the Python
//! toolbox draws its outlines with): Gaussian smoothing with zero padding, corrected for
//! the weight lost at the border; Sobel gradients (mirrored border); non-maximum
//! suppression with linear interpolation between the two neighbours along the gradient;
//! hysteresis over 8-connected pixels. The one-pixel border of the image is never an edge.

use crate::error::{LrpError, Result};
use ndarray::{Array2, ArrayView2, Axis};
use std::collections::VecDeque;

/// Gradient magnitude below which a pixel is no edge candidate (skimage's default for
/// floating-point images, whose range is taken as [-1, 1]).
pub(crate) const LOW_THRESHOLD: f64 = 0.1;
/// Gradient magnitude a connected run of candidates must reach somewhere to be an edge.
pub(crate) const HIGH_THRESHOLD: f64 = 0.2;

/// The largest Gaussian `sigma` (pixels) [`canny`] and `hm_to_rgb` accept: the kernel
/// reaches 4 sigma, so 100 already smooths 800 pixels; beyond, the smoothing only costs
/// time (the toolbox uses 2). The taps applied are further bounded by the image: no more
/// than its height or width on either side.
pub const MAX_SIGMA: f64 = 100.0;

/// Fails unless `0 <= sigma <= MAX_SIGMA`.
pub(crate) fn check_sigma(sigma: f64) -> Result<()> {
    if !(sigma.is_finite() && (0.0..=MAX_SIGMA).contains(&sigma)) {
        return Err(LrpError::param(
            "sigma",
            format!("must be finite, >= 0 and <= {MAX_SIGMA} (pixels), given {sigma}"),
        ));
    }
    Ok(())
}

/// The Canny edges of a grey image: `true` where an edge runs.
///
/// `sigma` is the standard deviation of the Gaussian smoothing in pixels (0: none);
/// `low` and `high` are the hysteresis thresholds on the gradient magnitude of the smoothed
/// image (skimage's defaults, used by `hm_to_rgb`, are 0.1 and 0.2). Needs finite values,
/// `0 <= sigma <=` [`MAX_SIGMA`] and `0 <= low <= high`.
pub fn canny(image: ArrayView2<'_, f64>, sigma: f64, low: f64, high: f64) -> Result<Array2<bool>> {
    check_sigma(sigma)?;
    if !(low.is_finite() && high.is_finite() && 0.0 <= low && low <= high) {
        return Err(LrpError::param(
            "thresholds",
            format!("need 0 <= low <= high, both finite; given low {low}, high {high}"),
        ));
    }
    if let Some((index, &value)) = image.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(LrpError::NonFinite {
            what: "image (canny)".into(),
            index: vec![index.0, index.1],
            value,
        });
    }
    let (h, w) = image.dim();
    let smoothed = smooth(image, sigma);
    let (gi, gj) = sobel(&smoothed);
    let magnitude = Array2::from_shape_fn((h, w), |p| gi[p].hypot(gj[p]));
    let low = if low == 0.0 { 1e-14 } else { low };
    let candidates = suppress_non_maxima(&gi, &gj, &magnitude, low);
    Ok(hysteresis(&candidates, &magnitude, high))
}

/// Gaussian weights of scipy's `gaussian_filter` (truncated at 4 sigma).
fn gaussian_kernel(sigma: f64) -> Vec<f64> {
    if sigma <= 1e-15 {
        return vec![1.0];
    }
    let radius = (4.0 * sigma + 0.5) as i64;
    let c = -0.5 / (sigma * sigma);
    let mut k: Vec<f64> = (-radius..=radius)
        .map(|x| (c * (x * x) as f64).exp())
        .collect();
    let sum: f64 = k.iter().sum();
    k.iter_mut().for_each(|v| *v /= sum);
    k
}

/// Correlates every lane along `axis` with the symmetric `kernel` (centred), zero outside
/// the image. Mirror-image pixels are added before weighting, as scipy does, so that a
/// symmetric image gives exactly symmetric results.
fn filter_zero_padded(a: &Array2<f64>, kernel: &[f64], axis: Axis) -> Array2<f64> {
    let radius = kernel.len() / 2;
    let mut out = Array2::zeros(a.dim());
    for (src, mut dst) in a.lanes(axis).into_iter().zip(out.lanes_mut(axis)) {
        let n = src.len();
        // Taps farther than the lane is long only ever meet the zero padding.
        let reach = radius.min(n);
        let get = |j: isize| {
            if (0..n as isize).contains(&j) {
                src[j as usize]
            } else {
                0.0
            }
        };
        for i in 0..n {
            let mut acc = src[i] * kernel[radius];
            for d in 1..=reach {
                let (lo, hi) = (i as isize - d as isize, (i + d) as isize);
                acc += (get(lo) + get(hi)) * kernel[radius + d];
            }
            dst[i] = acc;
        }
    }
    out
}

/// Gaussian smoothing with zero padding, divided by the smoothed all-ones image so that
/// border pixels are not darkened (skimage's "bleed-over" correction).
fn smooth(image: ArrayView2<'_, f64>, sigma: f64) -> Array2<f64> {
    let kernel = gaussian_kernel(sigma);
    let blur = |a: &Array2<f64>| {
        let rows = filter_zero_padded(a, &kernel, Axis(0));
        filter_zero_padded(&rows, &kernel, Axis(1))
    };
    let smoothed = blur(&image.to_owned());
    let weight = blur(&Array2::ones(image.dim()));
    smoothed / (weight + f64::EPSILON)
}

/// Sobel gradients along rows (`i`) and columns (`j`), mirroring the border
/// (`d c b a | a b c d`), as scipy's `ndimage.sobel`: the central difference along one
/// axis, then the smoothing `[1, 2, 1]` along the other.
fn sobel(a: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let (h, w) = a.dim();
    let clamp = |x: isize, n: usize| x.clamp(0, n as isize - 1) as usize;
    let at = |i: isize, j: isize| a[[clamp(i, h), clamp(j, w)]];
    let mut gi = Array2::zeros((h, w));
    let mut gj = Array2::zeros((h, w));
    for i in 0..h as isize {
        for j in 0..w as isize {
            let di = |c: isize| at(i + 1, c) - at(i - 1, c);
            let dj = |r: isize| at(r, j + 1) - at(r, j - 1);
            gi[[i as usize, j as usize]] = di(j) * 2.0 + (di(j - 1) + di(j + 1));
            gj[[i as usize, j as usize]] = dj(i) * 2.0 + (dj(i - 1) + dj(i + 1));
        }
    }
    (gi, gj)
}

/// Pixels (off the border) whose magnitude reaches `low` and is not below the magnitude
/// interpolated at either neighbour along the gradient.
fn suppress_non_maxima(
    gi: &Array2<f64>,
    gj: &Array2<f64>,
    magnitude: &Array2<f64>,
    low: f64,
) -> Array2<bool> {
    let (h, w) = magnitude.dim();
    let mut out = Array2::from_elem((h, w), false);
    if h < 3 || w < 3 {
        return out;
    }
    for x in 1..h - 1 {
        for y in 1..w - 1 {
            let m = magnitude[[x, y]];
            if m < low {
                continue;
            }
            let (di, dj) = (gi[[x, y]], gj[[x, y]]);
            let (ai, aj) = (di.abs(), dj.abs());
            let down = di <= 0.0;
            let left = dj <= 0.0;
            // Offsets (row, column) of the axis neighbour and the diagonal neighbour on the
            // gradient's side, and the weight of the diagonal one.
            let ((a, b), wt) = if down == left {
                // Both components of one sign: between the axes and the main diagonal.
                if ai > aj {
                    (((1, 0), (1, 1)), aj / ai)
                } else {
                    (((0, 1), (1, 1)), ai / aj)
                }
            } else if ai < aj {
                (((0, 1), (-1, 1)), ai / aj)
            } else {
                (((-1, 0), (-1, 1)), aj / ai)
            };
            let mag = |(r, c): (isize, isize)| {
                magnitude[[(x as isize + r) as usize, (y as isize + c) as usize]]
            };
            let neg = |(r, c): (isize, isize)| (-r, -c);
            let plus = mag(b) * wt + mag(a) * (1.0 - wt) <= m;
            let minus = mag(neg(b)) * wt + mag(neg(a)) * (1.0 - wt) <= m;
            out[[x, y]] = plus && minus;
        }
    }
    out
}

/// Keeps the 8-connected groups of candidates that hold at least one pixel of magnitude
/// `high` or more.
fn hysteresis(candidates: &Array2<bool>, magnitude: &Array2<f64>, high: f64) -> Array2<bool> {
    let (h, w) = candidates.dim();
    let mut edges = Array2::from_elem((h, w), false);
    let mut queue = VecDeque::new();
    for ((x, y), &c) in candidates.indexed_iter() {
        if c && magnitude[[x, y]] >= high {
            edges[[x, y]] = true;
            queue.push_back((x, y));
        }
    }
    while let Some((x, y)) = queue.pop_front() {
        for nx in x.saturating_sub(1)..=(x + 1).min(h - 1) {
            for ny in y.saturating_sub(1)..=(y + 1).min(w - 1) {
                if candidates[[nx, ny]] && !edges[[nx, ny]] {
                    edges[[nx, ny]] = true;
                    queue.push_back((nx, ny));
                }
            }
        }
    }
    edges
}

//! Colouring: inputs (`digit_to_rgb`) and relevance maps (`hm_to_rgb`) as RGB images.

use super::colormap::Colormap;
use super::edges::{canny, HIGH_THRESHOLD, LOW_THRESHOLD};
use super::image::{enlarge_rgb, vec2im};
use super::RgbImage;
use crate::error::{LrpError, Result};
use ndarray::{Array2, Array3, ArrayViewD, Axis, Dimension};

fn check_finite(a: &ArrayViewD<'_, f64>, what: &str) -> Result<()> {
    match a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some((index, &value)) => Err(LrpError::NonFinite {
            what: what.into(),
            index: index.slice().to_vec(),
            value,
        }),
        None => Ok(()),
    }
}

/// Colours every pixel of `u` (values in [0, 1]) with `cmap`.
fn colour(u: &Array2<f64>, cmap: Colormap) -> Array3<f64> {
    let (h, w) = u.dim();
    let mut rgb = Array3::zeros((h, w, 3));
    for ((i, j), &v) in u.indexed_iter() {
        let c = cmap.rgb(v);
        for (k, &ck) in c.iter().enumerate() {
            rgb[[i, j, k]] = ck;
        }
    }
    rgb
}

/// An input image as RGB, the toolbox's `digit_to_rgb`: `x` is reshaped by
/// [`vec2im`](super::vec2im) (to `shape`, or square), scaled linearly so that its minimum
/// is 0 and its maximum 1 (a constant image is all 0), coloured with the map named `cmap`
/// (the toolbox's default is "binary": white background, dark strokes for high values),
/// and enlarged `scaling` times. The result is (scaling H) x (scaling W) x 3 in [0, 1].
pub fn digit_to_rgb(
    x: ArrayViewD<'_, f64>,
    scaling: usize,
    shape: Option<(usize, usize)>,
    cmap: &str,
) -> Result<RgbImage> {
    let cmap = Colormap::from_name(cmap)?;
    check_finite(&x, "x (digit_to_rgb)")?;
    let img = vec2im(x, shape)?;
    let min = img.fold(f64::INFINITY, |a, &b| a.min(b));
    let max = img.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let range = max - min;
    let u = img.mapv(|v| if range > 0.0 { (v - min) / range } else { 0.0 });
    enlarge_rgb(colour(&u, cmap).view(), scaling)
}

/// A relevance map as RGB, the toolbox's `hm_to_rgb`.
///
/// `r` is reshaped by [`vec2im`](super::vec2im) into an H x W image (`shape`, or square).
/// With `normalize` it is divided by its largest magnitude, so that it spans at most
/// [-1, 1] with 0 staying 0 (an all-zero map stays 0); without, it is taken as already in
/// [-1, 1] and clipped there. The value t becomes u = (t + 1) / 2 and is coloured with
/// the map named `cmap` (the toolbox's default is "jet"; see
/// [`Colormap::from_name`]); the image is enlarged `scaling` times to
/// (scaling H) x (scaling W) x 3.
///
/// With an input `x` (the same number of elements as `r`, reshaped and enlarged the same
/// way) its Canny edges at `sigma` (skimage's detector with thresholds 0.1 and 0.2; see
/// [`canny`](super::canny)) are drawn in black on top, as the toolbox does. A different
/// element count is a [`LrpError::ShapeMismatch`] (the toolbox printed a note and skipped
/// the outline).
pub fn hm_to_rgb(
    r: ArrayViewD<'_, f64>,
    x: Option<ArrayViewD<'_, f64>>,
    scaling: usize,
    shape: Option<(usize, usize)>,
    sigma: f64,
    cmap: &str,
    normalize: bool,
) -> Result<RgbImage> {
    let cmap = Colormap::from_name(cmap)?;
    super::edges::check_sigma(sigma)?;
    check_finite(&r, "r (hm_to_rgb)")?;
    let heat = vec2im(r.view(), shape)?;
    let (h, w) = heat.dim();
    let scale = if normalize {
        let max_abs = heat.fold(0.0f64, |a, &b| a.max(b.abs()));
        if max_abs > 0.0 {
            1.0 / max_abs
        } else {
            0.0
        }
    } else {
        1.0
    };
    let u = heat.mapv(|v| ((v * scale).clamp(-1.0, 1.0) + 1.0) / 2.0);
    let mut rgb = enlarge_rgb(colour(&u, cmap).view(), scaling)?;
    if let Some(x) = x {
        if x.len() != r.len() {
            return Err(LrpError::ShapeMismatch {
                what: "x (hm_to_rgb: the input whose outline is drawn must have as many elements as r)".into(),
                expected: vec![Some(r.len())],
                given: x.shape().to_vec(),
            });
        }
        check_finite(&x, "x (hm_to_rgb)")?;
        let x = vec2im(x, Some((h, w)))?;
        let big = super::enlarge(x.into_dyn().view(), scaling)?
            .into_dimensionality()
            .expect("rank 2 in, rank 2 out");
        let edges = canny(big.view(), sigma, LOW_THRESHOLD, HIGH_THRESHOLD)?;
        for (mut px, &edge) in rgb.lanes_mut(Axis(2)).into_iter().zip(edges.iter()) {
            if edge {
                px.fill(0.0);
            }
        }
    }
    Ok(rgb)
}

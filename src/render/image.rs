//! Image shapes: reshaping vectors into images, nearest-neighbour enlarging, the corner
//! repaint, and placing images side by side or one above the other.

use super::RgbImage;
use crate::error::{LrpError, Result};
use ndarray::{s, Array2, Array3, ArrayD, ArrayView3, ArrayViewD, Axis};

/// Reshapes the elements of `v` (any shape, read in row-major order) into an image of
/// `shape` = (height, width), or into a square image when `shape` is `None` (the element
/// count must then be a perfect square). This is the toolbox's `vec2im` with Python's
/// (row-major) reshape; MATLAB's version transposes a column-major reshape, which is the
/// same image.
pub fn vec2im(v: ArrayViewD<'_, f64>, shape: Option<(usize, usize)>) -> Result<Array2<f64>> {
    let n = v.len();
    let (h, w) = match shape {
        Some(hw) => hw,
        None => {
            let side = (n as f64).sqrt().round() as usize;
            if side * side != n {
                return Err(LrpError::param(
                    "shape",
                    format!("no shape given and {n} elements do not form a square image"),
                ));
            }
            (side, side)
        }
    };
    if h.checked_mul(w) != Some(n) {
        return Err(LrpError::shape("image (vec2im)", &[h, w], v.shape()));
    }
    let data: Vec<f64> = v.iter().copied().collect();
    Ok(Array2::from_shape_vec((h, w), data).expect("element count checked"))
}

fn check_scaling(scaling: usize) -> Result<()> {
    if scaling == 0 {
        return Err(LrpError::param(
            "scaling",
            "must be an integer >= 1, given 0",
        ));
    }
    Ok(())
}

/// Enlarges an image of rank 2 (H x W) or 3 (H x W x D) by repeating every pixel
/// `scaling` times along height and width (nearest neighbour): the result is
/// (scaling H) x (scaling W) [x D]. `scaling` must be at least 1.
pub fn enlarge(img: ArrayViewD<'_, f64>, scaling: usize) -> Result<ArrayD<f64>> {
    check_scaling(scaling)?;
    if !(2..=3).contains(&img.ndim()) {
        return Err(LrpError::param(
            "image",
            format!(
                "enlarge takes an H x W or H x W x D image, given shape {:?}",
                img.shape()
            ),
        ));
    }
    let rank = img.ndim();
    let img3 = if rank == 2 {
        img.insert_axis(Axis(2))
    } else {
        img
    }
    .into_dimensionality::<ndarray::Ix3>()
    .expect("rank checked");
    let (h, w, d) = img3.dim();
    let too_big = || LrpError::param("scaling", format!("{scaling} makes the image too large"));
    let sh = h.checked_mul(scaling).ok_or_else(too_big)?;
    let sw = w.checked_mul(scaling).ok_or_else(too_big)?;
    sh.checked_mul(sw)
        .and_then(|n| n.checked_mul(d))
        .ok_or_else(too_big)?;
    crate::buffer::check_memory("scaling (the enlarged image)", &[sh, sw, d])?;
    let out = Array3::from_shape_fn((sh, sw, d), |(i, j, c)| img3[[i / scaling, j / scaling, c]]);
    Ok(if rank == 2 {
        out.index_axis_move(Axis(2), 0).into_dyn()
    } else {
        out.into_dyn()
    })
}

/// Enlarges an RGB image (H x W x 3) by `scaling` (see [`enlarge`]).
pub fn enlarge_rgb(img: ArrayView3<'_, f64>, scaling: usize) -> Result<RgbImage> {
    let out = enlarge(img.into_dyn(), scaling)?;
    Ok(out.into_dimensionality().expect("rank 3 in, rank 3 out"))
}

/// The toolbox's `repaint_corner_pixels`: paints the top-left and the bottom-right
/// `scaling` x `scaling` blocks of `rgb` (H x W x C) with the mean colour of the three
/// pixels just outside each block (right, below and diagonal). The toolbox used it to hide
/// the two pixels it overwrote to fix the colour range; `hm_to_rgb` here needs no such
/// trick and does not call it. Needs H and W larger than `scaling`.
pub fn repaint_corner_pixels(rgb: &mut Array3<f64>, scaling: usize) -> Result<()> {
    check_scaling(scaling)?;
    let (h, w, _) = rgb.dim();
    if h <= scaling || w <= scaling {
        return Err(LrpError::param(
            "scaling",
            format!("repainting corners of {scaling} pixels needs an image larger than that, given {h} x {w}"),
        ));
    }
    let s = scaling;
    let mean = |a: &Array3<f64>, p: [(usize, usize); 3]| {
        let mut m = a.slice(s![p[0].0, p[0].1, ..]).to_owned();
        m += &a.slice(s![p[1].0, p[1].1, ..]);
        m += &a.slice(s![p[2].0, p[2].1, ..]);
        m / 3.0
    };
    let top = mean(rgb, [(0, s), (s, 0), (s, s)]);
    let (lh, lw) = (h - 1, w - 1);
    let bottom = mean(rgb, [(lh, lw - s), (lh - s, lw), (lh - s, lw - s)]);
    for mut px in rgb.slice_mut(s![..s, ..s, ..]).lanes_mut(Axis(2)) {
        px.assign(&top);
    }
    for mut px in rgb.slice_mut(s![h - s.., w - s.., ..]).lanes_mut(Axis(2)) {
        px.assign(&bottom);
    }
    Ok(())
}

/// The error for a row of images whose total width overflows.
fn too_wide(gap: usize) -> LrpError {
    LrpError::param(
        "gap",
        format!("the images side by side with gap {gap} are too large"),
    )
}

/// Places images (each H x W_i x 3, all of one height) side by side, left to right, with
/// `gap` black columns between neighbours (none before the first or after the last): the
/// image `save_image` writes. At least one image is needed.
pub fn hstack(images: &[ArrayView3<'_, f64>], gap: usize) -> Result<RgbImage> {
    let first = images
        .first()
        .ok_or_else(|| LrpError::param("images", "at least one image is needed"))?;
    let h = first.dim().0;
    let mut width = 0usize;
    for (i, img) in images.iter().enumerate() {
        let (ih, iw, c) = img.dim();
        if ih != h || c != 3 {
            return Err(LrpError::ShapeMismatch {
                what: format!("image {i} (all must be H x W x 3 with the first's H)"),
                expected: vec![Some(h), None, Some(3)],
                given: vec![ih, iw, c],
            });
        }
        width = width.checked_add(iw).ok_or_else(|| too_wide(gap))?;
    }
    width = gap
        .checked_mul(images.len() - 1)
        .and_then(|gaps| width.checked_add(gaps))
        .ok_or_else(|| too_wide(gap))?;
    let data = crate::buffer::zeros("images side by side", &[h, width, 3])?;
    let mut out = RgbImage::from_shape_vec((h, width, 3), data).expect("sized for the shape");
    let mut at = 0;
    for img in images {
        let iw = img.dim().1;
        out.slice_mut(s![.., at..at + iw, ..]).assign(img);
        at += iw + gap;
    }
    Ok(out)
}

/// Places images (each H_i x W x 3, all of one width) one above the other, top to bottom,
/// with `gap` black rows between neighbours (none above the first or below the last): rows
/// made by [`hstack`] stacked into a grid. At least one image is needed.
pub fn vstack(images: &[ArrayView3<'_, f64>], gap: usize) -> Result<RgbImage> {
    let first = images
        .first()
        .ok_or_else(|| LrpError::param("images", "at least one image is needed"))?;
    let w = first.dim().1;
    let too_tall = || {
        LrpError::param(
            "gap",
            format!("the images one above the other with gap {gap} are too large"),
        )
    };
    let mut height = 0usize;
    for (i, img) in images.iter().enumerate() {
        let (ih, iw, c) = img.dim();
        if iw != w || c != 3 {
            return Err(LrpError::ShapeMismatch {
                what: format!("image {i} (all must be H x W x 3 with the first's W)"),
                expected: vec![None, Some(w), Some(3)],
                given: vec![ih, iw, c],
            });
        }
        height = height.checked_add(ih).ok_or_else(too_tall)?;
    }
    height = gap
        .checked_mul(images.len() - 1)
        .and_then(|gaps| height.checked_add(gaps))
        .ok_or_else(too_tall)?;
    let data = crate::buffer::zeros("images one above the other", &[height, w, 3])?;
    let mut out = RgbImage::from_shape_vec((height, w, 3), data).expect("sized for the shape");
    let mut at = 0;
    for img in images {
        let ih = img.dim().0;
        out.slice_mut(s![at..at + ih, .., ..]).assign(img);
        at += ih + gap;
    }
    Ok(out)
}

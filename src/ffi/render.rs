//! Rendering through the C ABI: colour maps, heatmaps and inputs as RGB images, enlarging,
//! the corner repaint, Canny edges and PNG output (what MATLAB's `+render` package calls).
//!
//! Images are doubles in [0, 1]; an RGB image is an H x W x 3 array in the caller's
//! `layout` (with `LRP_LAYOUT_COL_MAJOR` exactly MATLAB's H x W x 3 array, ready for
//! `imshow`). Every function is stateless and thread-safe.

use super::args::{self, text, Layout};
use super::status::{status, Failure, FfiResult};
use crate::render::{self, Colormap};
use ndarray::{s, ArrayD, ArrayView3, CowArray, Ix2, Ix3, IxDyn};
use std::ffi::c_char;

/// The largest Gaussian `sigma` (pixels) `lrp_render_canny` and `lrp_render_hm_to_rgb`
/// accept; a larger one is LRP_ERR_INVALID_ARGUMENT naming `sigma`. (The kernel reaches 4
/// sigma; the taps applied are further bounded by the image's height and width, so the
/// work of the smoothing is at most (2 min(4 sigma, max(h, w)) + 1) multiply-adds per
/// pixel and pass.)
pub const LRP_RENDER_MAX_SIGMA: f64 = 100.0;
const _: () = assert!(LRP_RENDER_MAX_SIGMA == render::MAX_SIGMA);

/// An optional colour map name: NULL gives `default`.
unsafe fn cmap_arg(cmap: *const c_char, default: &str) -> FfiResult<&str> {
    if cmap.is_null() {
        Ok(default)
    } else {
        text(cmap, "cmap")
    }
}

/// The caller's `h` x `w` image in `layout`, row-major.
unsafe fn image2<'a>(
    ptr: *const f64,
    len: usize,
    h: usize,
    w: usize,
    layout: Layout,
    what: &str,
) -> FfiResult<CowArray<'a, f64, IxDyn>> {
    args::input(ptr, len, &[h, w], layout, what)
}

/// Checks the output buffer for an (h scaling) x (w scaling) x `d` image.
fn check_scaled_output(
    out: *mut f64,
    out_len: usize,
    h: usize,
    w: usize,
    d: usize,
    scaling: usize,
) -> FfiResult<()> {
    let too_big = || Failure::invalid("the enlarged image has too many elements");
    let shape = [
        h.checked_mul(scaling).ok_or_else(too_big)?,
        w.checked_mul(scaling).ok_or_else(too_big)?,
        d,
    ];
    let needed = shape
        .iter()
        .try_fold(1usize, |a, &b| a.checked_mul(b))
        .ok_or_else(too_big)?;
    args::check_output(out, out_len, needed, &shape, "out")
}

/// Colours `u_len` values `u` (in [0, 1]; clipped, NaN counts as 0) with the colour map
/// named `cmap` and writes their RGB colours to `rgb` as a `u_len` x 3 matrix in `layout`
/// (`rgb_len` >= 3 `u_len`). Names, case-insensitive: "jet" (MATLAB's jet(255), the
/// heatmap default), "binary" (1-gray(255), the input default), "gray", the toolbox's
/// "gray-red", "gray-red2", "black-green", "black-firered", "black-yellow" (alias
/// "blue-black-yellow"), and zennit's "seismic", "bwr", "coldnhot". An unknown name is
/// `LRP_ERR_INVALID_ARGUMENT` (the message lists the known ones). For heatmaps,
/// u = (t + 1) / 2 where t in [-1, 1] is the relevance over its largest magnitude.
///
/// # Safety
/// `cmap` NULL or a NUL-terminated string; `u` NULL or `u_len` readable doubles; `rgb`
/// NULL or `rgb_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_colormap(
    cmap: *const c_char,
    u: *const f64,
    u_len: usize,
    layout: i32,
    rgb: *mut f64,
    rgb_len: usize,
) -> i32 {
    status("lrp_render_colormap", || {
        let layout = args::layout(layout)?;
        let map = Colormap::from_name(text(cmap, "cmap")?)?;
        let u = args::input(u, u_len, &[u_len], Layout::RowMajor, "u")?;
        let needed = u_len
            .checked_mul(3)
            .ok_or_else(|| Failure::invalid("u_len is too large"))?;
        args::check_output(rgb, rgb_len, needed, &[u_len, 3], "rgb")?;
        let mut colours = ArrayD::zeros(IxDyn(&[u_len, 3]));
        for (i, &v) in u.iter().enumerate() {
            let c = map.rgb(v);
            for k in 0..3 {
                colours[[i, k]] = c[k];
            }
        }
        args::write(rgb, rgb_len, &colours, layout, "rgb")
    })
}

/// The toolbox's `hm_to_rgb`: the relevance map `r` (an `h` x `w` image, `r_len` = h w
/// doubles in `layout`) as an RGB image of (h `scaling`) x (w `scaling`) x 3 doubles in
/// [0, 1], written to `out` in `layout` (`out_len` at least that).
///
/// With `normalize` nonzero, `r` is divided by its largest magnitude (an all-zero map stays
/// 0); with 0 it is taken as already in [-1, 1] and clipped. The value t is coloured at
/// u = (t + 1) / 2 with the map named `cmap` (NULL: "jet"; see `lrp_render_colormap`),
/// and every pixel repeated `scaling` (>= 1) times along both axes. `x`, if not NULL, is
/// the input the map explains (`x_len` = h w doubles, same layout; ignored when NULL): its
/// Canny edges (skimage's detector on the enlarged input, Gaussian `sigma` in pixels of the
/// enlarged image, 0 <= sigma <= LRP_RENDER_MAX_SIGMA, thresholds 0.1 and 0.2; the toolbox uses 2) are drawn in black.
/// NaN or infinite values are `LRP_ERR_NON_FINITE`. Thread-safe.
///
/// # Safety
/// `r` NULL or `r_len` readable doubles; `x` NULL or `x_len` readable doubles; `cmap` NULL
/// or a NUL-terminated string; `out` NULL or `out_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_hm_to_rgb(
    r: *const f64,
    r_len: usize,
    h: usize,
    w: usize,
    x: *const f64,
    x_len: usize,
    scaling: usize,
    sigma: f64,
    cmap: *const c_char,
    normalize: i32,
    layout: i32,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    status("lrp_render_hm_to_rgb", || {
        let layout = args::layout(layout)?;
        let cmap = cmap_arg(cmap, "jet")?;
        let r = image2(r, r_len, h, w, layout, "r")?;
        let x = if x.is_null() {
            None
        } else {
            Some(image2(x, x_len, h, w, layout, "x")?)
        };
        check_scaled_output(out, out_len, h, w, 3, scaling)?;
        let img = render::hm_to_rgb(
            r.view(),
            x.as_ref().map(|x| x.view()),
            scaling,
            Some((h, w)),
            sigma,
            cmap,
            normalize != 0,
        )?;
        args::write(out, out_len, &img.into_dyn(), layout, "out")
    })
}

/// The toolbox's `digit_to_rgb`: the input image `x` (`h` x `w`, `x_len` = h w doubles in
/// `layout`) scaled so that its minimum is 0 and its maximum 1 (a constant image is all 0),
/// coloured with the map named `cmap` (NULL: "binary", white background with dark strokes
/// for high values; see `lrp_render_colormap`) and enlarged `scaling` (>= 1) times: an
/// (h scaling) x (w scaling) x 3 image written to `out` in `layout`. Thread-safe.
///
/// # Safety
/// `x` NULL or `x_len` readable doubles; `cmap` NULL or a NUL-terminated string; `out`
/// NULL or `out_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_digit_to_rgb(
    x: *const f64,
    x_len: usize,
    h: usize,
    w: usize,
    scaling: usize,
    cmap: *const c_char,
    layout: i32,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    status("lrp_render_digit_to_rgb", || {
        let layout = args::layout(layout)?;
        let cmap = cmap_arg(cmap, "binary")?;
        let x = image2(x, x_len, h, w, layout, "x")?;
        check_scaled_output(out, out_len, h, w, 3, scaling)?;
        let img = render::digit_to_rgb(x.view(), scaling, Some((h, w)), cmap)?;
        args::write(out, out_len, &img.into_dyn(), layout, "out")
    })
}

/// The toolbox's `enlarge_image`: repeats every pixel of the `h` x `w` x `d` image `img`
/// (`img_len` = h w d doubles in `layout`; `d` = 1 for a grey image) `scaling` (>= 1) times
/// along height and width, writing the (h scaling) x (w scaling) x d result to `out` in
/// `layout`. Thread-safe.
///
/// # Safety
/// `img` NULL or `img_len` readable doubles; `out` NULL or `out_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_enlarge(
    img: *const f64,
    img_len: usize,
    h: usize,
    w: usize,
    d: usize,
    scaling: usize,
    layout: i32,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    status("lrp_render_enlarge", || {
        let layout = args::layout(layout)?;
        let img = args::input(img, img_len, &[h, w, d], layout, "img")?;
        check_scaled_output(out, out_len, h, w, d, scaling)?;
        let big = render::enlarge(img.view(), scaling)?;
        args::write(out, out_len, &big, layout, "out")
    })
}

/// The toolbox's `repaint_corner_pixels`, in place: the top-left and bottom-right
/// `scaling` x `scaling` blocks of the `h` x `w` x 3 image `img` (`img_len` = 3 h w
/// doubles in `layout`) take the mean colour of the three pixels just outside each block.
/// Needs h and w larger than `scaling`. `img` is changed only on success. Thread-safe.
///
/// # Safety
/// `img` NULL or `img_len` readable and writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_repaint_corner_pixels(
    img: *mut f64,
    img_len: usize,
    h: usize,
    w: usize,
    scaling: usize,
    layout: i32,
) -> i32 {
    status("lrp_render_repaint_corner_pixels", || {
        let layout = args::layout(layout)?;
        let rgb = args::input(img, img_len, &[h, w, 3], layout, "img")?;
        let mut rgb = rgb
            .into_owned()
            .into_dimensionality::<Ix3>()
            .expect("shape of rank 3");
        render::repaint_corner_pixels(&mut rgb, scaling)?;
        args::write(img, img_len, &rgb.into_dyn(), layout, "img")
    })
}

/// The Canny edges of the `h` x `w` grey image `x` (`x_len` = h w doubles in `layout`), as
/// scikit-image's `feature.canny` finds them: Gaussian smoothing with standard deviation
/// `sigma` (pixels, 0 <= sigma <= LRP_RENDER_MAX_SIGMA), Sobel gradients, non-maximum suppression, hysteresis between
/// `low` and `high` (0 <= low <= high; skimage's defaults, used by `lrp_render_hm_to_rgb`,
/// are 0.1 and 0.2). Writes an `h` x `w` map to `edges` in `layout`: 1.0 on an edge, 0.0
/// elsewhere (the one-pixel border is never an edge). Thread-safe.
///
/// # Safety
/// `x` NULL or `x_len` readable doubles; `edges` NULL or `edges_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_canny(
    x: *const f64,
    x_len: usize,
    h: usize,
    w: usize,
    sigma: f64,
    low: f64,
    high: f64,
    layout: i32,
    edges: *mut f64,
    edges_len: usize,
) -> i32 {
    status("lrp_render_canny", || {
        let layout = args::layout(layout)?;
        let x = image2(x, x_len, h, w, layout, "x")?;
        args::check_output(edges, edges_len, x.len(), &[h, w], "edges")?;
        let x = x.view().into_dimensionality::<Ix2>().expect("rank 2");
        let found = render::canny(x, sigma, low, high)?;
        let map = found.mapv(|e| if e { 1.0 } else { 0.0 }).into_dyn();
        args::write(edges, edges_len, &map, layout, "edges")
    })
}

/// Writes the `h` x `w` x 3 RGB image `img` (`img_len` = 3 h w doubles in `layout`, values
/// in [0, 1]; clipped, then rounded to 8 bits as MATLAB's `imwrite` does) to `path` as an
/// 8-bit RGB PNG, replacing any file there. NaN or infinite values are
/// `LRP_ERR_NON_FINITE` and nothing is written. Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `img` NULL or `img_len` readable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_save_png(
    path: *const c_char,
    img: *const f64,
    img_len: usize,
    h: usize,
    w: usize,
    layout: i32,
) -> i32 {
    status("lrp_render_save_png", || {
        let layout = args::layout(layout)?;
        let path = text(path, "path")?;
        let img = args::input(img, img_len, &[h, w, 3], layout, "img")?;
        let img = img.view().into_dimensionality::<Ix3>().expect("rank 3");
        render::write_png(img, path)?;
        Ok(())
    })
}

/// The toolbox's `save_image`: `count` (>= 1) RGB images of height `h` and widths
/// `widths[0]`, ..., `widths[count-1]` (each >= 1) are written to `path` as one PNG, side
/// by side from left to right with `gap` black columns between neighbours. The images are
/// passed concatenated along the width: `images` is one h x W x 3 array (W the sum of the
/// widths) in `layout` (`images_len` elements), which is what MATLAB's
/// `horzcat(imgs{:})` gives.
/// Values as for `lrp_render_save_png`. Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `images` NULL or `images_len` readable doubles;
/// `widths` NULL or `count` readable int32s.
#[no_mangle]
pub unsafe extern "C" fn lrp_render_save_images_png(
    path: *const c_char,
    images: *const f64,
    images_len: usize,
    h: usize,
    widths: *const i32,
    count: usize,
    gap: usize,
    layout: i32,
) -> i32 {
    status("lrp_render_save_images_png", || {
        let layout = args::layout(layout)?;
        let path = text(path, "path")?;
        if widths.is_null() {
            return Err(Failure::null("widths"));
        }
        if count == 0 {
            return Err(Failure::invalid("count must be at least 1"));
        }
        let widths = std::slice::from_raw_parts(widths, count);
        let mut total = 0usize;
        for (i, &wi) in widths.iter().enumerate() {
            if wi < 1 {
                return Err(Failure::invalid(format!(
                    "widths[{i}] must be at least 1, given {wi}"
                )));
            }
            total = total
                .checked_add(wi as usize)
                .ok_or_else(|| Failure::invalid("the widths add up to too much"))?;
        }
        let all = args::input(images, images_len, &[h, total, 3], layout, "images")?;
        let all = all.view().into_dimensionality::<Ix3>().expect("rank 3");
        let mut parts: Vec<ArrayView3<'_, f64>> = Vec::with_capacity(count);
        let mut at = 0;
        for &wi in widths {
            let wi = wi as usize;
            parts.push(all.slice(s![.., at..at + wi, ..]));
            at += wi;
        }
        render::save_image(&parts, path, gap)?;
        Ok(())
    })
}

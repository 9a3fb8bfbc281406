//! Inputs to arrays and relevance to pictures: decoding PNG/JPEG images (the `image` crate),
//! resizing and normalising them into the model's sample shape, reading `.npy` batches, and
//! drawing heatmaps (optionally over the input).

use crate::args::Resize;
use crate::model::{Layout, SampleShape};
use image::imageops::FilterType;
use lrp::render::{self, Colormap, RgbImage};
use ndarray::{Array3, ArrayD, ArrayView3, ArrayViewD, Axis, Dimension, IxDyn};
use std::path::Path;

/// Per-channel normalisation of pixels in [0, 1]: (v - mean[c]) / std[c]. One value applies
/// to every channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Normalisation {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

impl Normalisation {
    /// Checks that mean and std have 1 or `channels` values.
    pub fn check(&self, channels: usize) -> Result<(), String> {
        for (name, v) in [("--mean", &self.mean), ("--std", &self.std)] {
            if v.len() != 1 && v.len() != channels {
                return Err(format!(
                    "{name} needs 1 value or one per channel ({channels}), given {}",
                    v.len()
                ));
            }
        }
        Ok(())
    }

    fn apply(&self, v: f64, c: usize) -> f64 {
        let pick = |a: &[f64]| if a.len() == 1 { a[0] } else { a[c] };
        (v - pick(&self.mean)) / pick(&self.std)
    }
}

/// A decoded input: its samples (N x the sample shape) and, per sample, the picture the
/// heatmap may be drawn over (H x W x 3 in [0, 1]).
pub struct Loaded {
    pub x: ArrayD<f64>,
    pub pictures: Vec<RgbImage>,
}

/// Decodes an image (the format is read from its bytes, not trusted from the name),
/// resizes it to the sample's H x W, converts it to grey (C = 1) or RGB (C = 3), scales
/// 8-bit values to [0, 1] and normalises them. The picture is the resized image.
pub fn load_image(
    path: &Path,
    shape: &SampleShape,
    norm: &Normalisation,
    resize: Resize,
) -> Result<Loaded, String> {
    let reader = image::ImageReader::open(path)
        .map_err(|e| format!("cannot open: {e}"))?
        .with_guessed_format()
        .map_err(|e| format!("cannot read: {e}"))?;
    // The decoder's default limits (512 MB) bound the work on hostile files.
    let img = reader
        .decode()
        .map_err(|e| format!("not a readable PNG or JPEG image: {e}"))?;
    let (h, w) = (shape.h, shape.w);
    let img = if (img.height() as usize, img.width() as usize) != (h, w) {
        let filter = match resize {
            Resize::Nearest => FilterType::Nearest,
            Resize::Bilinear => FilterType::Triangle,
            Resize::Lanczos3 => FilterType::Lanczos3,
        };
        img.resize_exact(w as u32, h as u32, filter)
    } else {
        img
    };
    // H x W x C in [0, 1].
    let hwc: Array3<f64> = match shape.c {
        1 => {
            let grey = img.to_luma8();
            Array3::from_shape_fn((h, w, 1), |(i, j, _)| {
                grey.get_pixel(j as u32, i as u32)[0] as f64 / 255.0
            })
        }
        _ => {
            let rgb = img.to_rgb8();
            Array3::from_shape_fn((h, w, 3), |(i, j, c)| {
                rgb.get_pixel(j as u32, i as u32)[c] as f64 / 255.0
            })
        }
    };
    let picture = if shape.c == 1 {
        hwc.broadcast((h, w, 3)).expect("grey to RGB").to_owned()
    } else {
        hwc.clone()
    };
    let mut normalised = hwc;
    for ((_, _, c), v) in normalised.indexed_iter_mut() {
        *v = norm.apply(*v, c);
    }
    let ordered = match shape.layout {
        Layout::Nhwc => normalised,
        Layout::Nchw => normalised
            .permuted_axes([2, 0, 1])
            .as_standard_layout()
            .into_owned(),
    };
    let x = ordered
        .into_dyn()
        .into_shape_with_order(IxDyn(&shape.batch(1)))
        .map_err(|e| format!("reshaping the image: {e}"))?;
    Ok(Loaded {
        x,
        pictures: vec![picture],
    })
}

/// Reads a `.npy` batch as given (no normalisation): N x the sample shape, a single sample
/// without the batch axis, or N samples of as many values in another shape (e.g. N x 784
/// for 28 x 28 x 1), reshaped in C order. Pictures: each sample scaled to [0, 1] (grey as
/// the channels' mean unless it has 3).
pub fn load_npy(path: &Path, shape: &SampleShape) -> Result<Loaded, String> {
    let raw = lrp::data_io::read_npy(path).map_err(|e| strip_path(e.to_string(), path))?;
    let dims = shape.dims();
    let per_sample: usize = dims.iter().product();
    let n = if raw.shape() == dims.as_slice() {
        1
    } else if raw.ndim() >= 2 && raw.shape()[1..].iter().product::<usize>() == per_sample {
        raw.shape()[0]
    } else {
        return Err(format!(
            "samples of shape {:?} do not fit the model, which takes {} per sample \
             (expected N x {})",
            &raw.shape()[1.min(raw.ndim())..],
            shape.describe(),
            dims.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(" x ")
        ));
    };
    if n == 0 {
        return Err("holds no samples (N = 0)".into());
    }
    let x = raw
        .as_standard_layout()
        .into_owned()
        .into_shape_with_order(IxDyn(&shape.batch(n)))
        .map_err(|e| format!("reshaping the samples: {e}"))?;
    if let Some((index, v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(format!(
            "value {v} at {:?} is not finite",
            index.as_array_view().to_vec()
        ));
    }
    let pictures = x
        .axis_iter(Axis(0))
        .map(|s| sample_picture(s, shape))
        .collect();
    Ok(Loaded { x, pictures })
}

/// The library's I/O messages start with the path; the caller names the file already.
fn strip_path(message: String, path: &Path) -> String {
    let prefix = format!("{}: ", path.display());
    message
        .strip_prefix(&prefix)
        .map(str::to_string)
        .unwrap_or(message)
}

/// One sample in H x W x C order.
fn to_hwc(sample: ArrayViewD<f64>, shape: &SampleShape) -> Array3<f64> {
    let (h, w, c) = (shape.h, shape.w, shape.c);
    let owned = sample.as_standard_layout().into_owned();
    match shape.layout {
        Layout::Nhwc => owned
            .into_shape_with_order((h, w, c))
            .expect("sample shape checked"),
        Layout::Nchw => owned
            .into_shape_with_order((c, h, w))
            .expect("sample shape checked")
            .permuted_axes([1, 2, 0])
            .as_standard_layout()
            .into_owned(),
    }
}

/// A sample drawn as a picture: scaled as a whole to [0, 1]; RGB if it has 3 channels,
/// else the channels' mean in grey.
fn sample_picture(sample: ArrayViewD<f64>, shape: &SampleShape) -> RgbImage {
    let hwc = to_hwc(sample, shape);
    let (lo, hi) = hwc
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let range = if hi > lo { hi - lo } else { 1.0 };
    let (h, w) = (shape.h, shape.w);
    if shape.c == 3 {
        hwc.mapv(|v| (v - lo) / range)
    } else {
        let grey = hwc.mean_axis(Axis(2)).expect("C >= 1");
        Array3::from_shape_fn((h, w, 3), |(i, j, _)| (grey[[i, j]] - lo) / range)
    }
}

/// How a heatmap is drawn.
pub struct Drawing {
    pub cmap: Colormap,
    pub scale: usize,
    /// Opacity of the heatmap over the picture, if drawn over it.
    pub overlay: Option<f64>,
}

/// The default scale: enough for 256 pixels across the larger side, at least 1.
pub fn default_scale(shape: &SampleShape) -> usize {
    (256 / shape.h.max(shape.w)).max(1)
}

/// One sample's relevance (the sample shape) as a heatmap: summed over the channels,
/// divided by its largest magnitude and coloured with the map (0 at its middle), enlarged,
/// and blended over the picture if asked.
pub fn heatmap(
    relevance: ArrayViewD<f64>,
    picture: ArrayView3<f64>,
    shape: &SampleShape,
    drawing: &Drawing,
) -> lrp::Result<RgbImage> {
    let map = to_hwc(relevance, shape).sum_axis(Axis(2));
    let heat = render::hm_to_rgb(
        map.into_dyn().view(),
        None,
        drawing.scale,
        None,
        0.0,
        drawing.cmap.name(),
        true,
    )?;
    let Some(alpha) = drawing.overlay else {
        return Ok(heat);
    };
    let base = render::enlarge_rgb(picture, drawing.scale)?;
    Ok(&heat * alpha + &base * (1.0 - alpha))
}

//! Writing RGB images as 8-bit PNG files (with the `png` crate).

use super::image::hstack;
use super::RgbImage;
use crate::error::{LrpError, Result};
use ndarray::{ArrayView3, Axis};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The 8-bit value of a colour in [0, 1]: clipped, times 255, rounded (as MATLAB's
/// `imwrite` converts doubles).
fn to_u8(v: f64) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// The pixels of an H x W x 3 image as 8-bit RGB, row by row, checked for NaN and
/// infinities.
fn rgb_bytes(img: ArrayView3<'_, f64>) -> Result<Vec<u8>> {
    let (h, w, c) = img.dim();
    if c != 3 || h == 0 || w == 0 {
        return Err(LrpError::ShapeMismatch {
            what: "image (an H x W x 3 RGB image with H, W >= 1)".into(),
            expected: vec![None, None, Some(3)],
            given: vec![h, w, c],
        });
    }
    if h > u32::MAX as usize || w > u32::MAX as usize {
        return Err(LrpError::param(
            "image",
            format!("{h} x {w} is too large for PNG"),
        ));
    }
    let mut bytes = Vec::with_capacity(h * w * 3);
    for (index, &v) in img.indexed_iter() {
        if !v.is_finite() {
            return Err(LrpError::NonFinite {
                what: "image".into(),
                index: vec![index.0, index.1, index.2],
                value: v,
            });
        }
        bytes.push(to_u8(v));
    }
    Ok(bytes)
}

/// Encodes an H x W x 3 image (values in [0, 1], clipped; rounded to 8 bits) as PNG
/// (8-bit RGB, no alpha) into `sink`.
pub fn encode_png(img: ArrayView3<'_, f64>, sink: impl Write) -> Result<()> {
    encode(img, sink, Path::new("<memory>"))
}

fn encode(img: ArrayView3<'_, f64>, sink: impl Write, path: &Path) -> Result<()> {
    let bytes = rgb_bytes(img)?;
    let (h, w, _) = img.dim();
    let io = |source: std::io::Error| LrpError::Io {
        path: path.to_path_buf(),
        source,
    };
    let fail = |e: ::png::EncodingError| match e {
        ::png::EncodingError::IoError(source) => io(source),
        other => LrpError::param("image", format!("PNG encoding failed: {other}")),
    };
    let mut encoder = ::png::Encoder::new(sink, w as u32, h as u32);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&bytes).map_err(fail)?;
    writer.finish().map_err(fail)
}

/// Writes an H x W x 3 image (values in [0, 1], clipped; rounded to 8 bits) to `path` as
/// an 8-bit RGB PNG, replacing any file there.
pub fn write_png(img: ArrayView3<'_, f64>, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    // Check the image before creating (and truncating) the file.
    rgb_bytes(img)?;
    let file = File::create(path).map_err(|source| LrpError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut sink = BufWriter::new(file);
    encode(img, &mut sink, path)?;
    sink.flush().map_err(|source| LrpError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The toolbox's `save_image`: places the images (each H x W_i x 3, one height for all)
/// side by side with `gap` black columns between them, writes the result to `path` as PNG
/// (see [`write_png`]) and returns it.
pub fn save_image(
    images: &[ArrayView3<'_, f64>],
    path: impl AsRef<Path>,
    gap: usize,
) -> Result<RgbImage> {
    let image = hstack(images, gap)?;
    write_png(image.view(), path)?;
    Ok(image)
}

/// Reads an 8-bit or 16-bit PNG (grey, grey + alpha, RGB, RGBA or palette) as an
/// H x W x 3 RGB image in [0, 1]; alpha is dropped.
pub fn read_png(path: impl AsRef<Path>) -> Result<RgbImage> {
    let path = path.as_ref();
    let parse = |message: String| LrpError::Parse {
        file: path.display().to_string(),
        line: 1,
        message,
    };
    let file = File::open(path).map_err(|source| LrpError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut decoder = ::png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(::png::Transformations::EXPAND);
    let mut reader = decoder
        .read_info()
        .map_err(|e| parse(format!("not a readable PNG: {e}")))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| parse("PNG too large".into()))?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| parse(format!("not a readable PNG: {e}")))?;
    let (h, w) = (info.height as usize, info.width as usize);
    let channels = info.color_type.samples();
    let (max, sample): (f64, Box<dyn Fn(usize) -> f64>) = match info.bit_depth {
        ::png::BitDepth::Eight => (255.0, Box::new(|i| buf[i] as f64)),
        ::png::BitDepth::Sixteen => (
            65535.0,
            Box::new(|i| u16::from_be_bytes([buf[2 * i], buf[2 * i + 1]]) as f64),
        ),
        other => return Err(parse(format!("unsupported bit depth {other:?}"))),
    };
    let line = info.line_size;
    let per_sample = if max > 255.0 { 2 } else { 1 };
    let mut img = RgbImage::zeros((h, w, 3));
    for ((i, j), mut px) in img
        .lanes_mut(Axis(2))
        .into_iter()
        .enumerate()
        .map(|(k, px)| ((k / w, k % w), px))
    {
        let base = (i * line) / per_sample + j * channels;
        for (c, v) in px.iter_mut().enumerate() {
            // Grey (with or without alpha) repeats its one colour sample.
            let s = if channels >= 3 { c } else { 0 };
            *v = sample(base + s) / max;
        }
    }
    Ok(img)
}

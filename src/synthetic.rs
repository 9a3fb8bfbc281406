//! Generated images for demos and tests: grey-scale pictures of four shapes, each with the
//! mask of the pixels that make it its class, so a heatmap can be checked against ground
//! truth without any download.
//!
//! Every image is S x S (default 24 x 24) with values in [-1, 1]: a dark background at -1
//! with Gaussian noise, a bright shape (the class) at a random position, and a few bright
//! clutter dots that belong to no class. The classes ([`CLASS_NAMES`]) are a horizontal
//! bar, a vertical bar, a diagonal bar (top left to bottom right) and a ring. Sample i has
//! class i mod 4, so any run of four consecutive samples holds every class once.
//!
//! ```
//! use lrp::synthetic::{self, ShapesOptions};
//!
//! let set = synthetic::shapes(8, &ShapesOptions::default()).unwrap();
//! assert_eq!(set.x.shape(), &[8, 24, 24, 1]);
//! assert_eq!(set.y.shape(), &[8, synthetic::CLASSES]);
//! assert_eq!(set.labels[..4], [0, 1, 2, 3]);
//! // The class-defining pixels are bright, and they are a small part of the image.
//! let mask = set.masks.index_axis(ndarray::Axis(0), 0);
//! assert!(mask.iter().filter(|&&m| m).count() < 24 * 24 / 10);
//! ```

use crate::error::{LrpError, Result};
use crate::layers::{Convolution, Layer, Linear, Pool};
use crate::network::Network;
use ndarray::{Array2, Array3, Array4, ArrayView2, ArrayViewD};
use rand::Rng;
use rand_distr::{Distribution, Normal};

/// Number of classes of [`shapes`].
pub const CLASSES: usize = 4;

/// The classes of [`shapes`], by label.
pub const CLASS_NAMES: [&str; CLASSES] = ["horizontal bar", "vertical bar", "diagonal", "ring"];

/// Smallest image side [`shapes`] accepts: every shape must fit with room to move.
pub const MIN_SIZE: usize = 12;

/// How [`shapes`] draws its images.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapesOptions {
    /// Image side S in pixels (at least [`MIN_SIZE`]; default 24).
    pub size: usize,
    /// Standard deviation of the Gaussian noise added to every pixel (default 0.15); the
    /// result is clipped to [-1, 1].
    pub noise: f64,
    /// Number of bright clutter dots (2 x 2 pixels) per image, placed off the shape
    /// (default 4).
    pub clutter: usize,
    /// Seed of all random draws (default 0): the same options give the same images on
    /// every platform.
    pub seed: u64,
}

impl Default for ShapesOptions {
    fn default() -> Self {
        ShapesOptions {
            size: 24,
            noise: 0.15,
            clutter: 4,
            seed: 0,
        }
    }
}

/// A generated data set of N images.
#[derive(Clone, Debug, PartialEq)]
pub struct Shapes {
    /// The images, N x S x S x 1, values in [-1, 1].
    pub x: Array4<f64>,
    /// One-hot targets, N x [`CLASSES`].
    pub y: Array2<f64>,
    /// The class of each image (index into [`CLASS_NAMES`]).
    pub labels: Vec<usize>,
    /// For each image, the pixels of its shape (the class-defining pixels), N x S x S.
    pub masks: Array3<bool>,
}

/// Generates `n` images (see the [module documentation](self)); sample i has class i mod 4.
///
/// Fails if `size` is below [`MIN_SIZE`] or `noise` is negative or not finite.
pub fn shapes(n: usize, opts: &ShapesOptions) -> Result<Shapes> {
    let s = opts.size;
    if s < MIN_SIZE {
        return Err(LrpError::param(
            "size",
            format!("must be at least {MIN_SIZE}, given {s}"),
        ));
    }
    if !(opts.noise.is_finite() && opts.noise >= 0.0) {
        return Err(LrpError::param(
            "noise",
            format!("must be finite and >= 0, given {}", opts.noise),
        ));
    }
    crate::buffer::element_count("synthetic images", &[n, s, s])?;
    let mut rng = crate::seeded_rng(opts.seed);
    let noise = Normal::new(0.0, opts.noise).expect("checked deviation");
    let mut x = Array4::from_elem((n, s, s, 1), -1.0);
    let mut y = Array2::zeros((n, CLASSES));
    let mut masks = Array3::from_elem((n, s, s), false);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % CLASSES;
        labels.push(class);
        y[[i, class]] = 1.0;
        let mask = draw_shape(class, s, &mut rng);
        let brightness = rng.random_range(0.7..=1.0);
        let mut img = Array2::from_elem((s, s), -1.0);
        for ((r, c), &on) in mask.indexed_iter() {
            if on {
                img[[r, c]] = brightness;
            }
        }
        for _ in 0..opts.clutter {
            let (r, c) = (rng.random_range(0..s - 1), rng.random_range(0..s - 1));
            let value = rng.random_range(0.3..=1.0);
            for (dr, dc) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                if !mask[[r + dr, c + dc]] {
                    img[[r + dr, c + dc]] = value;
                }
            }
        }
        for ((r, c), v) in img.indexed_iter() {
            let noisy = (v + noise.sample(&mut rng)).clamp(-1.0, 1.0);
            x[[i, r, c, 0]] = noisy;
        }
        masks.index_axis_mut(ndarray::Axis(0), i).assign(&mask);
    }
    Ok(Shapes {
        x,
        y,
        labels,
        masks,
    })
}

/// The mask of one shape of class `class` at a random place in an s x s image.
fn draw_shape(class: usize, s: usize, rng: &mut impl Rng) -> Array2<bool> {
    let mut mask = Array2::from_elem((s, s), false);
    match class {
        // Bars: 2 pixels thick, between half and three quarters of the side long.
        0 | 1 => {
            let len = rng.random_range(s / 2..=3 * s / 4);
            let along = rng.random_range(0..=s - len);
            let across = rng.random_range(1..=s - 3);
            for k in along..along + len {
                for t in across..across + 2 {
                    let (r, c) = if class == 0 { (t, k) } else { (k, t) };
                    mask[[r, c]] = true;
                }
            }
        }
        // Diagonal: from top left to bottom right, 2 pixels wide.
        2 => {
            let len = rng.random_range(s / 2..=2 * s / 3);
            let r0 = rng.random_range(0..=s - len);
            let c0 = rng.random_range(0..=s - len - 1);
            for k in 0..len {
                mask[[r0 + k, c0 + k]] = true;
                mask[[r0 + k, c0 + k + 1]] = true;
            }
        }
        // Ring: pixels within 0.75 of a circle of radius s/6 to s/5.
        _ => {
            let radius = rng.random_range(s as f64 / 6.0..=s as f64 / 5.0);
            let margin = radius + 1.0;
            let cy = rng.random_range(margin..=s as f64 - 1.0 - margin);
            let cx = rng.random_range(margin..=s as f64 - 1.0 - margin);
            for ((r, c), m) in mask.indexed_iter_mut() {
                let d = ((r as f64 - cy).powi(2) + (c as f64 - cx).powi(2)).sqrt();
                *m = (d - radius).abs() <= 0.75;
            }
        }
    }
    mask
}

/// A small CNN for these images (S x S x 1 in, [`CLASSES`] scores out), with the
/// toolbox's seeded initialisation: a 3 x 3 convolution (16 filters), Rect, 2 x 2 sum
/// pooling, a 3 x 3 or 4 x 4 convolution (32 filters; the size that leaves an even map),
/// Rect, 2 x 2 sum pooling, then Flatten, Linear to 64, Rect, Linear to [`CLASSES`] and
/// SoftMax. It is the network the `lrp demo` command trains. For S = 24 the activations
/// are 22 x 22 x 16, 11 x 11 x 16, 8 x 8 x 32 and 4 x 4 x 32 (512 features).
///
/// Every pooling window fits the map exactly, so every pixel reaches the output (a
/// dropped border would leave shapes there invisible, and the network would classify
/// them by what is missing elsewhere). Sum pooling, as in the toolbox's LeNet-5, spreads
/// relevance over whole windows; with max pooling the heatmaps pick out the shapes less
/// well.
///
/// Fails if `size` is below [`MIN_SIZE`] or odd.
pub fn cnn(size: usize, seed: u64) -> Result<Network> {
    if size < MIN_SIZE || size % 2 == 1 {
        return Err(LrpError::param(
            "size",
            format!("must be even and at least {MIN_SIZE}, given {size}"),
        ));
    }
    let pooled = (size - 2) / 2;
    let second = if pooled % 2 == 0 { 3 } else { 4 };
    let mapped = pooled + 1 - second; // even, so the second pooling covers it
    let side = mapped / 2;
    let mut rng = crate::seeded_rng(seed);
    let pool = || Pool::new((2, 2), (2, 2)).map(Layer::SumPool);
    Ok(Network::from_layers([
        Layer::Convolution(Convolution::random([3, 3, 1, 16], (1, 1), &mut rng)?),
        Layer::Rect,
        pool()?,
        Layer::Convolution(Convolution::random(
            [second, second, 16, 32],
            (1, 1),
            &mut rng,
        )?),
        Layer::Rect,
        pool()?,
        Layer::Flatten,
        Layer::Linear(Linear::random(side * side * 32, 64, &mut rng)?),
        Layer::Rect,
        Layer::Linear(Linear::random(64, CLASSES, &mut rng)?),
        Layer::SoftMax,
    ]))
}

/// `mask` grown by `radius` pixels in every direction (a square neighbourhood: a pixel is
/// set if any pixel within `radius` rows and columns of it is).
pub fn dilate(mask: ArrayView2<'_, bool>, radius: usize) -> Array2<bool> {
    let (h, w) = mask.dim();
    let mut out = Array2::from_elem((h, w), false);
    for ((r, c), &on) in mask.indexed_iter() {
        if on {
            let rows = r.saturating_sub(radius)..(r + radius + 1).min(h);
            for rr in rows {
                for cc in c.saturating_sub(radius)..(c + radius + 1).min(w) {
                    out[[rr, cc]] = true;
                }
            }
        }
    }
    out
}

/// The share of positive relevance that falls on `mask`: the sum of the positive values of
/// `relevance` at masked pixels over the sum of all its positive values (0 when there are
/// none). `relevance` is one sample's heatmap, H x W or H x W x 1 for an H x W `mask`.
pub fn positive_share(relevance: ArrayViewD<'_, f64>, mask: ArrayView2<'_, bool>) -> Result<f64> {
    let (h, w) = mask.dim();
    if relevance.shape() != [h, w] && relevance.shape() != [h, w, 1] {
        return Err(LrpError::ShapeMismatch {
            what: "relevance (H x W or H x W x 1, as the mask)".into(),
            expected: vec![Some(h), Some(w), Some(1)],
            given: relevance.shape().to_vec(),
        });
    }
    let (mut on, mut all) = (0.0, 0.0);
    for (&r, &m) in relevance.iter().zip(mask.iter()) {
        if r > 0.0 {
            all += r;
            if m {
                on += r;
            }
        }
    }
    Ok(if all > 0.0 { on / all } else { 0.0 })
}

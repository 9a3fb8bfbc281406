//! Rendering relevance maps and inputs as images, as the toolbox's `render` package does:
//! [`vec2im`], [`enlarge`], [`repaint_corner_pixels`], [`digit_to_rgb`], [`hm_to_rgb`] and
//! [`save_image`] (PNG), with colour maps by name ([`Colormap`]) and the Canny edge
//! detector that draws the input's outline ([`canny`]); [`hstack`] and [`vstack`] arrange
//! images in rows and columns.
//!
//! Images are [`RgbImage`]s: H x W x 3 arrays of f64 in [0, 1], C order.
//!
//! ```
//! use lrp::render;
//! use ndarray::Array2;
//!
//! // A 4 x 4 relevance map: positive on the left, negative on the right.
//! let r = Array2::from_shape_fn((4, 4), |(_, j)| if j < 2 { 1.0 } else { -0.5 });
//! let img = render::hm_to_rgb(r.into_dyn().view(), None, 3, None, 2.0, "bwr", true).unwrap();
//! assert_eq!(img.dim(), (12, 12, 3));
//! assert_eq!(img[[0, 0, 0]], 1.0); // +1 is red in "bwr"
//! ```

mod colormap;
mod edges;
mod heatmap;
mod image;
mod save;

pub use colormap::Colormap;
pub use edges::{canny, MAX_SIGMA};
pub use heatmap::{digit_to_rgb, hm_to_rgb};
pub use image::{enlarge, enlarge_rgb, hstack, repaint_corner_pixels, vec2im, vstack};
pub use save::{encode_png, read_png, save_image, write_png};

/// An RGB image: H x W x 3, channels red, green, blue, values in [0, 1].
pub type RgbImage = ndarray::Array3<f64>;

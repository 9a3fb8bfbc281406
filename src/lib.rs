//! # lrp: Layer-wise Relevance Propagation
//!
//! A re-creation of the LRP Toolbox (Lapuschkin et al., JMLR 2016) in Rust. Build or read a
//! [`Network`] of layers (Linear, Convolution, MaxPool, SumPool, Flatten, Rect, Tanh,
//! SoftMax), train it, run it forward, and explain its predictions: LRP sends the output's
//! relevance back to the input with a [`Rule`] per layer. [`Network::attribute`] explains
//! with a [`GradientMethod`] instead: gradient, input x gradient, sensitivity, guided
//! backprop, deconvnet, SmoothGrad, integrated gradients.
//!
//! ```
//! use lrp::{Layer, Linear, Network, Rule};
//! use ndarray::array;
//!
//! let w = array![[1.0, -1.0], [2.0, 0.5]];
//! let mut net = Network::from_layers([Layer::Linear(Linear::new(w, array![0.0, 0.0]).unwrap()), Layer::Rect]);
//! let x = array![[1.0, 1.0]].into_dyn();
//! let y = net.forward(x.view(), false).unwrap();          // [[3, 0]]
//! let r = net.lrp(y.view(), Some(Rule::Epsilon(0.01))).unwrap();
//! assert!((r.sum() - 3.0 * 3.0 / 3.01).abs() < 1e-12);   // epsilon absorbs a little
//! ```
//!
//! Arrays are f64, C order, batch first; image batches are N x H x W x D. The numerical
//! contract is the project's SPEC.md. [`render`] draws relevance maps as heatmap images
//! (PNG), [`data_io`] reads and writes `.npy` and plain-text data files, and [`synthetic`]
//! generates small labelled images with the ground truth of what defines their class (the
//! `lrp demo` command trains on them and explains the predictions).

#![warn(missing_docs)]

/// See Cargo.toml: reusing large blocks instead of page-faulting fresh ones each call.
/// Rust programs that bring their own global allocator disable the `mimalloc` feature.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod buffer;
mod canonizer;
mod composite;
pub mod data_io;
mod element;
mod error;
pub mod ffi;
mod gemm;
mod gradient_methods;
mod layers;
pub mod model_io;
mod network;
pub mod onnx;
mod relevance;
pub mod render;
mod rule;
pub mod synthetic;
mod targets;
pub mod train;

pub use canonizer::Canonizer;
pub use composite::{Composite, CAFFE_FORMULAS, DEFAULT_COMPOSITE_EPSILON};
pub use element::{Element, Precision};
pub use error::{LrpError, Result};
pub use gradient_methods::{
    GradientMethod, DEFAULT_IG_STEPS, DEFAULT_SMOOTHGRAD_SAMPLES, DEFAULT_SMOOTHGRAD_SIGMA,
};
pub use layers::{
    BatchNorm, Convolution, Layer, LayerKind, Linear, ParamGrad, Pool, Reshape,
    DEFAULT_CONV_FILTER, DEFAULT_CONV_STRIDE,
};
pub use network::{Explained, GradientMode, Layout, Network, Trace};
pub use rule::{
    Bound, Convention, Rule, DEFAULT_ALPHA, DEFAULT_EPSILON, DEFAULT_GAMMA, ZENNIT_STABILIZER,
};
pub use targets::Targets;

/// The deterministic random generator behind seeded initialisation and training draws:
/// the same seed gives the same numbers on every platform.
pub fn seeded_rng(seed: u64) -> rand_chacha::ChaCha8Rng {
    use rand::SeedableRng;
    rand_chacha::ChaCha8Rng::seed_from_u64(seed)
}

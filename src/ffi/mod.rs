//! The C ABI: `extern "C"` functions prefixed `lrp_` around opaque handles, generated into
//! `include/lrp.h` by cbindgen (see build.rs).
//!
//! Conventions (the header repeats them):
//! - Every fallible function returns an `int32_t` status: `LRP_OK` (0) or one of the
//!   `LRP_ERR_*` codes. `lrp_last_error()` gives the calling thread's message for its last
//!   failure. Functions returning a handle return NULL on failure.
//! - Outputs (buffers and scalars) are written only on success; on failure they are left
//!   as they were.
//! - No panic crosses the boundary: it becomes `LRP_ERR_PANIC`.
//! - Arrays are doubles with an explicit length and an `int32_t layout`:
//!   `LRP_LAYOUT_ROW_MAJOR` (C) or `LRP_LAYOUT_COL_MAJOR` (MATLAB, Fortran). Shapes are
//!   batch first (N x M, or N x H x W x D) in both layouts; the library converts.
//! - Output buffers are allocated by the caller.
//!
//! Data flows from the exports here into the core (`crate::Network`) and back; this layer
//! only checks and converts arguments.

// rustfmt keeps these alphabetical, and cbindgen follows this order: the header lists every
// constant first, then the functions module by module: composites, compute, data files,
// gradient methods, graphs (layer specs, nodes), network handles and layers, rendering, status and errors, training. The
// argument helpers export nothing.
mod args;
mod composite;
mod compute;
mod data;
mod gradient;
mod graph;
mod network;
mod render;
mod status;
mod train;

pub use args::{LRP_LAYOUT_COL_MAJOR, LRP_LAYOUT_ROW_MAJOR};
pub use composite::*;
pub use compute::*;
pub use data::*;
pub use gradient::*;
pub use graph::*;
pub use network::*;
pub use render::*;
pub use status::*;
pub use train::*;

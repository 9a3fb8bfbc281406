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
//! - Arrays are doubles (the `_f32` doors of precision.rs take floats): `data, dims, rank`
//!   in the second edition (array.rs, explain.rs,
//!   explain_options.rs), an explicit length and up to four dims in the first. The memory
//!   order is an `int32_t layout`: `LRP_LAYOUT_ROW_MAJOR` (C) or `LRP_LAYOUT_COL_MAJOR`
//!   (MATLAB, Fortran). Shapes are batch first in the network's axis order (N x M,
//!   N x H x W x D, or N x C x H x W for ONNX models) in both layouts; the library converts.
//! - Output buffers are allocated by the caller.
//!
//! Data flows from the exports here into the core (`crate::Network`) and back; this layer
//! only checks and converts arguments.

// cbindgen follows the order of these declarations: the header lists every constant
// first, then the functions module by module. The second edition of the interface comes
// first (arrays as data, dims and rank; the explain options handle; graphs built node by
// node and read back), then the first edition, kept for the MATLAB bindings and existing
// callers: composites, compute, data files, gradient methods, network handles and layers,
// rendering, status and errors, training. rustfmt sorts each group of declarations; blank
// lines keep the order here. The argument helpers export nothing.
mod array;

mod explain_options;

mod explain;

mod precision;

mod graph;

mod args;
mod composite;
mod compute;
mod data;
mod gradient;
mod network;
mod render;
mod status;
mod train;

pub use args::{LRP_LAYOUT_COL_MAJOR, LRP_LAYOUT_ROW_MAJOR};
pub use array::*;
pub use composite::*;
pub use compute::*;
pub use data::*;
pub use explain::*;
pub use explain_options::*;
pub use gradient::*;
pub use graph::*;
pub use network::*;
pub use precision::*;
pub use render::*;
pub use status::*;
pub use train::*;

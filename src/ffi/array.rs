//! Arrays of any rank through the C ABI, second edition: an array is
//! `const double *data, const size_t *dims, int32_t rank`, its element count the product of
//! its dims; shapes of results come from queries that take dims. Also the forward pass and
//! the output-shape query in that form.

use super::args::{self, Layout};
use super::network::{handle, LrpNetwork};
use super::status::{status, Failure, FfiResult, LRP_ERR_SHAPE_MISMATCH};
use crate::element::Element;
use crate::network::Network;
use ndarray::{ArrayBase, CowArray, IxDyn};

/// The highest rank an array argument may have (`rank` from 1 to this). Bounds how many
/// dims the library reads from a caller's `dims` pointer.
pub const LRP_MAX_RANK: i32 = 32;

/// The dims of an array argument (its dims and rank arguments named `dims_name` and
/// `rank_name` in errors): `rank` from 1 to LRP_MAX_RANK, every dim at least 1, the element
/// count within `size_t` and addressable as doubles. Errors name the argument, the
/// offending dim and the dims given.
///
/// # Safety
/// `dims` must be NULL or readable for `rank` values when `rank` is in range.
pub(crate) unsafe fn dims(
    dims: *const usize,
    rank: i32,
    dims_name: &str,
    rank_name: &str,
) -> FfiResult<Vec<usize>> {
    if !(1..=LRP_MAX_RANK).contains(&rank) {
        return Err(Failure::invalid(format!(
            "{rank_name} must be 1 to {LRP_MAX_RANK}, given {rank}"
        )));
    }
    if dims.is_null() {
        return Err(Failure::null(dims_name));
    }
    let given = std::slice::from_raw_parts(dims, rank as usize).to_vec();
    if let Some(i) = given.iter().position(|&d| d == 0) {
        return Err(Failure::invalid(format!(
            "{dims_name}[{i}] is 0: every dimension must be at least 1, given {given:?}"
        )));
    }
    if given
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .is_none()
    {
        return Err(Failure::invalid(format!(
            "{dims_name} {given:?}: the element count overflows size_t"
        )));
    }
    crate::buffer::element_count(dims_name, &given)?;
    Ok(given)
}

/// The element count of dims already checked by [`dims`] (or made by the library).
pub(crate) fn count(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The caller's input batch `x` of `given` dims (checked by [`dims`]) in `layout`, read with
/// the shape the network accepts: trailing singleton dims may be dropped or added, as
/// MATLAB's size() does (see `lrp_network_output_dims`).
///
/// # Safety
/// `x` must be NULL or readable for the element count of `given`.
pub(crate) unsafe fn input_batch<'a, T: Element>(
    net: &Network,
    x: *const T,
    given: Vec<usize>,
    layout: Layout,
) -> FfiResult<CowArray<'a, T, IxDyn>> {
    let shape = args::fit_input_shape(net, given);
    args::input(x, count(&shape), &shape, layout, "x")
}

/// Writes `shape` to the caller's `out_dims` (room for `out_dims_cap`) and its rank to
/// `*out_rank`; `out_dims` NULL with `out_dims_cap` 0 asks for the rank alone. Nothing is
/// written on failure.
///
/// # Safety
/// `out_dims` NULL or writable for `out_dims_cap` values; `out_rank` NULL or writable.
pub(crate) unsafe fn write_dims(
    shape: &[usize],
    out_dims: *mut usize,
    out_dims_cap: usize,
    out_rank: *mut i32,
) -> FfiResult<()> {
    if out_rank.is_null() {
        return Err(Failure::null("out_rank"));
    }
    if out_dims.is_null() && out_dims_cap != 0 {
        return Err(Failure::null("out_dims (with out_dims_cap > 0)"));
    }
    if !out_dims.is_null() {
        if out_dims_cap < shape.len() {
            return Err(Failure::new(
                LRP_ERR_SHAPE_MISMATCH,
                format!(
                    "out_dims has room for {out_dims_cap} dims, the result has rank {} \
                     (dims {shape:?})",
                    shape.len()
                ),
            ));
        }
        std::slice::from_raw_parts_mut(out_dims, shape.len()).copy_from_slice(shape);
    }
    *out_rank = shape.len() as i32;
    Ok(())
}

/// Checks that the output buffer `out` exists and holds at least the elements of `shape`.
pub(crate) fn check_out<T>(ptr: *mut T, len: usize, shape: &[usize], what: &str) -> FfiResult<()> {
    args::check_output(ptr, len, count(shape), shape, what)
}

/// Writes `result` to the caller's buffer in `layout`.
///
/// # Safety
/// `ptr` must be NULL or writable for `len` doubles.
pub(crate) unsafe fn write<T: Element, S: ndarray::Data<Elem = T>>(
    ptr: *mut T,
    len: usize,
    result: &ArrayBase<S, IxDyn>,
    layout: Layout,
    what: &str,
) -> FfiResult<()> {
    args::write(ptr, len, result, layout, what)
}

/// The shape of the network's output for an input of `in_dims` (`in_rank` dims, batch first,
/// in the network's own axis order: N x C x H x W for a network read from ONNX, N x H x W x D
/// for toolbox models, N x M for dense batches): written to `out_dims` (room for
/// `out_dims_cap` values) and its rank to `*out_rank`. Pass `out_dims` NULL and
/// `out_dims_cap` 0 to ask for the rank alone. Trailing singleton dims of the input may be
/// left out or added (MATLAB drops them: an N x 28 x 28 x 1 batch has size [N 28 28]): when
/// the network rejects `in_dims` as given, the same dims with 1s appended (up to rank 4) or
/// removed (down to rank 2) are tried. Works for sequences and graphs alike. Errors: rank
/// outside 1..LRP_MAX_RANK or a dim of 0 (LRP_ERR_INVALID_ARGUMENT, naming `in_dims`), an
/// input the network does not take (LRP_ERR_SHAPE_MISMATCH, naming the layer, expected and
/// given), `out_dims_cap` below the rank (LRP_ERR_SHAPE_MISMATCH). Nothing is written on
/// failure. Shares the handle (thread-safe).
///
/// # Safety
/// `net` NULL or live; `in_dims` NULL or `in_rank` readable values; `out_dims` NULL or
/// `out_dims_cap` writable values; `out_rank` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_output_dims(
    net: *const LrpNetwork,
    in_dims: *const usize,
    in_rank: i32,
    out_dims: *mut usize,
    out_dims_cap: usize,
    out_rank: *mut i32,
) -> i32 {
    status("lrp_network_output_dims", || {
        let net = handle(net)?.read();
        let given = dims(in_dims, in_rank, "in_dims", "in_rank")?;
        let input = args::fit_input_shape(&net, given);
        let output = net.output_shape(&input)?;
        write_dims(&output, out_dims, out_dims_cap, out_rank)
    })
}

/// The forward pass without caching anything: the input batch `x` (`x_rank` dims
/// `x_dims`, batch first, in the network's axis order as for `lrp_network_output_dims`;
/// `layout` LRP_LAYOUT_ROW_MAJOR or LRP_LAYOUT_COL_MAJOR says how the elements lie in
/// memory) goes through the network and its output (dims from `lrp_network_output_dims`)
/// is written to `y`, which holds `y_len` doubles (at least the output's element count), in
/// `layout`. The element count of `x` is the product of `x_dims`. Shares the handle:
/// threads may call it, `lrp_network_explain_with` and the other readers at once. (The
/// toolbox-style `lrp_network_forward` caches the activations for `lrp_network_lrp` and
/// `lrp_network_backward` and takes the handle exclusively.) Errors as for
/// `lrp_network_output_dims`, plus NULL `x` or `y` (LRP_ERR_NULL_ARGUMENT), `y_len` too small
/// (LRP_ERR_SHAPE_MISMATCH, expected and given) and NaN or infinite inputs
/// (LRP_ERR_NON_FINITE); `y` is written only on success.
///
/// # Safety
/// `net` NULL or live; `x_dims` NULL or `x_rank` readable values; `x` NULL or readable for
/// the product of `x_dims` doubles; `y` NULL or `y_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_predict(
    net: *const LrpNetwork,
    x: *const f64,
    x_dims: *const usize,
    x_rank: i32,
    layout: i32,
    y: *mut f64,
    y_len: usize,
) -> i32 {
    status("lrp_network_predict", || {
        predict(net, x, x_dims, x_rank, layout, y, y_len)
    })
}

/// The body of `lrp_network_predict` and `lrp_network_predict_f32` for caller data of
/// type `E`: computed in the network's precision, converted once each way when that is
/// not `E`.
///
/// # Safety
/// As `lrp_network_predict`, with `E` for double.
pub(crate) unsafe fn predict<E: Element>(
    net: *const LrpNetwork,
    x: *const E,
    x_dims: *const usize,
    x_rank: i32,
    layout: i32,
    y: *mut E,
    y_len: usize,
) -> FfiResult<()> {
    let layout = args::layout(layout)?;
    let net = handle(net)?.read();
    let given = dims(x_dims, x_rank, "x_dims", "x_rank")?;
    let x = input_batch(&net, x, given, layout)?;
    let shape = net.output_shape(x.shape())?;
    check_out(y, y_len, &shape, "y")?;
    let result = net.predict_any(x)?;
    write(y, y_len, &result, layout, "y")
}

//! Checked conversions of C arguments: pointers, strings, shapes and the memory layout of
//! arrays (row-major for C, column-major for MATLAB and Fortran).

use super::status::{Failure, FfiResult, LRP_ERR_SHAPE_MISMATCH};
use crate::element::Element;
use crate::network::Network;
use ndarray::{ArrayBase, ArrayD, ArrayViewD, ArrayViewMutD, CowArray, IxDyn, ShapeBuilder};
use std::ffi::{c_char, CStr};

/// Arrays in C order: the last index varies fastest.
pub const LRP_LAYOUT_ROW_MAJOR: i32 = 0;
/// Arrays in Fortran/MATLAB order: the first index varies fastest.
pub const LRP_LAYOUT_COL_MAJOR: i32 = 1;

/// The memory order of a caller's arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    RowMajor,
    ColMajor,
}

pub(crate) fn layout(flag: i32) -> FfiResult<Layout> {
    match flag {
        LRP_LAYOUT_ROW_MAJOR => Ok(Layout::RowMajor),
        LRP_LAYOUT_COL_MAJOR => Ok(Layout::ColMajor),
        other => Err(Failure::invalid(format!(
            "layout must be LRP_LAYOUT_ROW_MAJOR (0) or LRP_LAYOUT_COL_MAJOR (1), given {other}"
        ))),
    }
}

/// A NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn text<'a>(ptr: *const c_char, what: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    CStr::from_ptr(ptr)
        .to_str()
        .map_err(|_| Failure::invalid(format!("{what} is not valid UTF-8")))
}

/// A mutable reference to an output scalar, checked for NULL.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of one `T`.
pub(crate) unsafe fn out<'a, T>(ptr: *mut T, what: &str) -> FfiResult<&'a mut T> {
    ptr.as_mut().ok_or_else(|| Failure::null(what))
}

/// A shape from a rank (1 to 4) and up to four dimensions; dimensions past the rank are
/// ignored.
pub(crate) fn shape(rank: i32, dims: [usize; 4]) -> FfiResult<Vec<usize>> {
    if !(1..=4).contains(&rank) {
        return Err(Failure::invalid(format!(
            "rank must be 1 to 4, given {rank}"
        )));
    }
    Ok(dims[..rank as usize].to_vec())
}

/// The shape an input is read as. MATLAB drops trailing singleton dimensions (an
/// N x 28 x 28 x 1 batch has size [N 28 28]) and a caller may pass N x M x 1 x 1 for a dense
/// batch: when the network rejects the shape as given, the same memory with trailing 1s
/// added (up to rank 4) or removed (down to rank 2) is tried. Otherwise the shape is kept
/// and the network's error names it.
pub(crate) fn fit_input_shape(net: &Network, given: Vec<usize>) -> Vec<usize> {
    if net.shapes(&given).is_ok() {
        return given;
    }
    let mut padded = given.clone();
    while padded.len() < 4 {
        padded.push(1);
        if net.shapes(&padded).is_ok() {
            return padded;
        }
    }
    let mut trimmed = given.clone();
    while trimmed.len() > 2 && trimmed.last() == Some(&1) {
        trimmed.pop();
        if net.shapes(&trimmed).is_ok() {
            return trimmed;
        }
    }
    given
}

/// The element count of an array the caller passes: every dimension at least 1 and the
/// count addressable (ndarray's limit), or an error.
fn elements(shape: &[usize]) -> FfiResult<usize> {
    if shape.contains(&0) {
        return Err(Failure::invalid(format!(
            "every dimension must be at least 1, given shape {shape:?}"
        )));
    }
    Ok(crate::buffer::element_count("shape", shape)?)
}

fn length_failure(what: &str, needed: usize, given: usize, shape: &[usize]) -> Failure {
    Failure::new(
        LRP_ERR_SHAPE_MISMATCH,
        format!("{what} has {given} elements, expected {needed} (shape {shape:?})"),
    )
}

/// A caller's array of `shape` in `layout`, as a row-major array (borrowed when it already
/// is one). `len` must equal the number of elements.
///
/// # Safety
/// `ptr` must be NULL or valid for reads of `len` doubles for the returned lifetime.
pub(crate) unsafe fn input<'a, T: Element>(
    ptr: *const T,
    len: usize,
    shape: &[usize],
    layout: Layout,
    what: &str,
) -> FfiResult<CowArray<'a, T, IxDyn>> {
    let needed = elements(shape)?;
    if len != needed {
        return Err(length_failure(what, needed, len, shape));
    }
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    let data = std::slice::from_raw_parts(ptr, len);
    Ok(match layout {
        Layout::RowMajor => ArrayViewD::from_shape(IxDyn(shape), data)
            .expect("length checked")
            .into(),
        Layout::ColMajor => {
            let view = ArrayViewD::from_shape(IxDyn(shape).f(), data).expect("length checked");
            CowArray::from(standard_copy(view))
        }
    })
}

/// A C-order copy of a view in any memory order. Copies through a fixed-rank view where
/// possible: ndarray's dynamic-rank copy walks every element through an index vector and
/// is about ten times slower (a measurable share of an LRP call from MATLAB).
fn standard_copy<T: Element>(view: ArrayViewD<T>) -> ArrayD<T> {
    fn fixed<D: ndarray::Dimension, T: Element>(view: ArrayViewD<T>) -> ArrayD<T> {
        let view = view.into_dimensionality::<D>().expect("rank matched");
        let mut out = ndarray::Array::zeros(view.raw_dim());
        out.assign(&view);
        out.into_dyn()
    }
    match view.ndim() {
        1 => fixed::<ndarray::Ix1, T>(view),
        2 => fixed::<ndarray::Ix2, T>(view),
        3 => fixed::<ndarray::Ix3, T>(view),
        4 => fixed::<ndarray::Ix4, T>(view),
        5 => fixed::<ndarray::Ix5, T>(view),
        6 => fixed::<ndarray::Ix6, T>(view),
        _ => view.as_standard_layout().into_owned(),
    }
}

/// Checks that an output buffer exists and holds at least `needed` doubles, before any
/// work is done.
pub(crate) fn check_output<T>(
    ptr: *mut T,
    len: usize,
    needed: usize,
    shape: &[usize],
    what: &str,
) -> FfiResult<()> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    if len < needed {
        return Err(length_failure(what, needed, len, shape));
    }
    Ok(())
}

/// Writes `result` into the caller's buffer in `layout`: the first `result.len()` doubles.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of `len` doubles.
pub(crate) unsafe fn write<T: Element, S: ndarray::Data<Elem = T>>(
    ptr: *mut T,
    len: usize,
    result: &ArrayBase<S, IxDyn>,
    layout: Layout,
    what: &str,
) -> FfiResult<()> {
    check_output(ptr, len, result.len(), result.shape(), what)?;
    let buffer = std::slice::from_raw_parts_mut(ptr, result.len());
    match layout {
        Layout::RowMajor => match result.as_slice() {
            Some(data) => buffer.copy_from_slice(data),
            None => assign_fixed(
                ArrayViewMutD::from_shape(IxDyn(result.shape()), buffer).expect("length checked"),
                result.view(),
            ),
        },
        Layout::ColMajor => {
            let target = ArrayViewMutD::from_shape(IxDyn(result.shape()).f(), buffer)
                .expect("length checked");
            assign_fixed(target, result.view());
        }
    }
    Ok(())
}

/// target.assign(source) through fixed-rank views (see [`standard_copy`]).
fn assign_fixed<T: Element>(target: ArrayViewMutD<T>, source: ArrayViewD<T>) {
    fn fixed<D: ndarray::Dimension, T: Element>(target: ArrayViewMutD<T>, source: ArrayViewD<T>) {
        let mut target = target.into_dimensionality::<D>().expect("rank matched");
        target.assign(&source.into_dimensionality::<D>().expect("rank matched"));
    }
    match source.ndim() {
        1 => fixed::<ndarray::Ix1, T>(target, source),
        2 => fixed::<ndarray::Ix2, T>(target, source),
        3 => fixed::<ndarray::Ix3, T>(target, source),
        4 => fixed::<ndarray::Ix4, T>(target, source),
        5 => fixed::<ndarray::Ix5, T>(target, source),
        6 => fixed::<ndarray::Ix6, T>(target, source),
        _ => {
            let mut target = target;
            target.assign(&source);
        }
    }
}

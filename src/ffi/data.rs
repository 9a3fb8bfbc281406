//! Data files through the C ABI: `.npy` arrays (query the header, read into a caller's
//! buffer, write from one) and the plain-text matrix format. Every function takes a
//! NUL-terminated UTF-8 path, keeps no state and is thread-safe (as far as the files
//! themselves are not written concurrently).

use super::args::{self, out, text};
use super::status::{status, Failure, FfiResult};
use crate::data_io::{self, NpyDtype, NpyOrder};
use ndarray::Ix2;
use std::ffi::c_char;

/// The longest `.npy` header `lrp_npy_info`, `lrp_npy_dim` and `lrp_npy_read` accept, in
/// bytes (numpy writes 128 or so and refuses more than 10000 by default); a header length
/// field above it is LRP_ERR_PARSE, before anything is allocated. The readers check the
/// magic string first (so /dev/zero or a text file fails on its first bytes), and
/// `lrp_npy_read` checks, before allocating, that the array fits in memory (the machine's
/// physical memory) and that a regular file holds exactly the data its header describes.
pub const LRP_NPY_MAX_HEADER_BYTES: usize = 65_536;
/// The longest line `lrp_txt_shape` and `lrp_txt_read` accept, in bytes (16 MiB); a longer
/// one, such as the first "line" of /dev/zero, is LRP_ERR_PARSE at its number. The files
/// are read line by line and the first malformed line ends the read.
pub const LRP_TXT_MAX_LINE_BYTES: usize = 16_777_216;
const _: () = assert!(
    LRP_NPY_MAX_HEADER_BYTES == data_io::NPY_MAX_HEADER_BYTES
        && LRP_TXT_MAX_LINE_BYTES == data_io::TXT_MAX_LINE_BYTES
);

/// `.npy` element type float64 (numpy `<f8`).
pub const LRP_DTYPE_F64: i32 = 1;
/// `.npy` element type float32 (numpy `<f4`).
pub const LRP_DTYPE_F32: i32 = 2;
/// `.npy` element type uint8 (numpy `|u1`).
pub const LRP_DTYPE_U8: i32 = 3;
/// `.npy` element type int32 (numpy `<i4`).
pub const LRP_DTYPE_I32: i32 = 4;
/// `.npy` element type int64 (numpy `<i8`).
pub const LRP_DTYPE_I64: i32 = 5;

fn dtype_code(dtype: NpyDtype) -> i32 {
    match dtype {
        NpyDtype::F64 => LRP_DTYPE_F64,
        NpyDtype::F32 => LRP_DTYPE_F32,
        NpyDtype::U8 => LRP_DTYPE_U8,
        NpyDtype::I32 => LRP_DTYPE_I32,
        NpyDtype::I64 => LRP_DTYPE_I64,
    }
}

fn dtype_arg(code: i32) -> FfiResult<NpyDtype> {
    Ok(match code {
        LRP_DTYPE_F64 => NpyDtype::F64,
        LRP_DTYPE_F32 => NpyDtype::F32,
        LRP_DTYPE_U8 => NpyDtype::U8,
        LRP_DTYPE_I32 => NpyDtype::I32,
        LRP_DTYPE_I64 => NpyDtype::I64,
        other => {
            return Err(Failure::invalid(format!(
                "dtype must be one of LRP_DTYPE_F64 (1), LRP_DTYPE_F32 (2), LRP_DTYPE_U8 (3), \
                 LRP_DTYPE_I32 (4), LRP_DTYPE_I64 (5), given {other}"
            )))
        }
    })
}

fn order_arg(file_layout: i32) -> FfiResult<NpyOrder> {
    Ok(match args::layout(file_layout)? {
        args::Layout::RowMajor => NpyOrder::C,
        args::Layout::ColMajor => NpyOrder::Fortran,
    })
}

/// Reads the header of the `.npy` file at `path` and writes its number of dimensions to
/// `*rank` (0 for a scalar array), its element type to `*dtype` (an `LRP_DTYPE_*` code) and
/// the order of its elements in the file to `*file_layout` (`LRP_LAYOUT_ROW_MAJOR` for C
/// order, `LRP_LAYOUT_COL_MAJOR` for Fortran order). Ask `lrp_npy_dim` for each dimension,
/// then read with `lrp_npy_read`; the file's order does not matter to `lrp_npy_read`.
/// Errors: `LRP_ERR_IO` (cannot open), `LRP_ERR_PARSE` (not an `.npy` file, a header
/// longer than LRP_NPY_MAX_HEADER_BYTES, or an element type other than the five
/// supported). Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `rank`, `dtype`, `file_layout` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_npy_info(
    path: *const c_char,
    rank: *mut i32,
    dtype: *mut i32,
    file_layout: *mut i32,
) -> i32 {
    status("lrp_npy_info", || {
        let path = text(path, "path")?;
        // Check every output before writing any.
        let (rank, dtype, file_layout) = (
            out(rank, "rank")?,
            out(dtype, "dtype")?,
            out(file_layout, "file_layout")?,
        );
        let info = data_io::npy_info(path)?;
        let r = i32::try_from(info.shape.len())
            .map_err(|_| Failure::invalid("the array has too many dimensions"))?;
        *rank = r;
        *dtype = dtype_code(info.dtype);
        *file_layout = match info.order {
            NpyOrder::C => args::LRP_LAYOUT_ROW_MAJOR,
            NpyOrder::Fortran => args::LRP_LAYOUT_COL_MAJOR,
        };
        Ok(())
    })
}

/// Writes dimension `axis` (0-based, below the rank of `lrp_npy_info`) of the array in the
/// `.npy` file at `path` to `*dim`. Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `dim` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_npy_dim(path: *const c_char, axis: usize, dim: *mut usize) -> i32 {
    status("lrp_npy_dim", || {
        let path = text(path, "path")?;
        let dim = out(dim, "dim")?;
        let info = data_io::npy_info(path)?;
        *dim = *info.shape.get(axis).ok_or_else(|| {
            Failure::invalid(format!(
                "axis {axis} is past the last dimension of shape {:?}",
                info.shape
            ))
        })?;
        Ok(())
    })
}

/// Reads the whole `.npy` array at `path` (any rank, any of the five element types, C or
/// Fortran order in the file) as doubles into `out`, which must hold at least the product
/// of the dimensions (1 for a scalar array); the first that many doubles are written, in
/// `layout`: with `LRP_LAYOUT_COL_MAJOR` the buffer is the MATLAB array of size
/// [d0 d1 ...], with `LRP_LAYOUT_ROW_MAJOR` numpy's C order. Integers above 2^53 lose
/// precision. A header that claims more elements than the file holds, or more than fit in
/// memory, is LRP_ERR_PARSE before anything is allocated (see LRP_NPY_MAX_HEADER_BYTES).
/// Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `out` NULL or `out_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_npy_read(
    path: *const c_char,
    out: *mut f64,
    out_len: usize,
    layout: i32,
) -> i32 {
    status("lrp_npy_read", || {
        let layout = args::layout(layout)?;
        let path = text(path, "path")?;
        let info = data_io::npy_info(path)?;
        let needed: usize = info.shape.iter().product();
        args::check_output(out, out_len, needed, &info.shape, "out")?;
        let a = data_io::read_npy(path)?;
        args::write(out, out_len, &a, layout, "out")
    })
}

/// Writes `data_len` doubles from `data` as an `.npy` file at `path` (replaced if it
/// exists). The array has `rank` dimensions (0 to 6) `d0`..`d5` (those past the rank are
/// ignored; `data_len` must be their product, 1 for rank 0), and `data` holds it in
/// `layout`. `dtype` (`LRP_DTYPE_*`) is the element type in the file: float32 rounds, the
/// integer types need integral values in range (else `LRP_ERR_INVALID_ARGUMENT` naming the
/// first offending index, and no file is written). `file_layout` is the order in the file
/// (`LRP_LAYOUT_ROW_MAJOR`: C order, numpy's default; `LRP_LAYOUT_COL_MAJOR`: Fortran
/// order); arrays that are both, such as rank 0 and 1, are marked C order as numpy does.
/// numpy reads either order as the same array. Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `data` NULL or `data_len` readable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_npy_write(
    path: *const c_char,
    data: *const f64,
    data_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    d4: usize,
    d5: usize,
    layout: i32,
    dtype: i32,
    file_layout: i32,
) -> i32 {
    status("lrp_npy_write", || {
        let layout = args::layout(layout)?;
        let dtype = dtype_arg(dtype)?;
        let order = order_arg(file_layout)?;
        if !(0..=6).contains(&rank) {
            return Err(Failure::invalid(format!(
                "rank must be 0 to 6, given {rank}"
            )));
        }
        let shape = [d0, d1, d2, d3, d4, d5][..rank as usize].to_vec();
        let path = text(path, "path")?;
        let a = args::input(data, data_len, &shape, layout, "data")?;
        data_io::write_npy(path, a.view(), dtype, order)?;
        Ok(())
    })
}

/// Writes the number of rows and columns of the plain-text matrix file at `path` to
/// `*rows` and `*cols` (0 and 0 for a file without numbers). The format: one row per line,
/// values separated by whitespace or commas, `#` and `%` start comments. Errors:
/// `LRP_ERR_IO`, `LRP_ERR_PARSE` (with the line: a value that is not a number, or a row
/// of another length, a line longer than LRP_TXT_MAX_LINE_BYTES). Parses the whole file,
/// line by line. Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `rows`, `cols` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_txt_shape(
    path: *const c_char,
    rows: *mut usize,
    cols: *mut usize,
) -> i32 {
    status("lrp_txt_shape", || {
        let path = text(path, "path")?;
        let (rows, cols) = (out(rows, "rows")?, out(cols, "cols")?);
        let m = data_io::read_txt(path)?;
        (*rows, *cols) = m.dim();
        Ok(())
    })
}

/// Reads the plain-text matrix file at `path` (see `lrp_txt_shape`) into `out`, which
/// must hold at least rows x cols doubles, as a rows x cols matrix in `layout`.
/// Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `out` NULL or `out_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_txt_read(
    path: *const c_char,
    out: *mut f64,
    out_len: usize,
    layout: i32,
) -> i32 {
    status("lrp_txt_read", || {
        let layout = args::layout(layout)?;
        let path = text(path, "path")?;
        let m = data_io::read_txt(path)?;
        args::write(out, out_len, &m.into_dyn(), layout, "out")
    })
}

/// Writes the `rows` x `cols` matrix in `data` (`data_len` = rows x cols doubles, in
/// `layout`) to `path` as plain text (replaced if it exists): one line per row, values
/// separated by single spaces, each the shortest decimal that reads back as the same
/// double (NaN, Inf, -Inf as MATLAB writes them). numpy's `loadtxt` and MATLAB's `load`
/// read it. Thread-safe.
///
/// # Safety
/// `path` NULL or a NUL-terminated string; `data` NULL or `data_len` readable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_txt_write(
    path: *const c_char,
    data: *const f64,
    data_len: usize,
    rows: usize,
    cols: usize,
    layout: i32,
) -> i32 {
    status("lrp_txt_write", || {
        let layout = args::layout(layout)?;
        let path = text(path, "path")?;
        let a = args::input(data, data_len, &[rows, cols], layout, "data")?;
        let m = a
            .view()
            .into_dimensionality::<Ix2>()
            .expect("shape of rank 2");
        data_io::write_txt(path, m)?;
        Ok(())
    })
}

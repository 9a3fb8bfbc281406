//! Data files: NumPy `.npy` arrays of any rank in C or Fortran order (f64, f32, u8, i32,
//! i64; read as f64, written in any of these), and the toolbox's plain-text matrices
//! (whitespace-separated rows, as numpy's `savetxt`/`loadtxt` and MATLAB's `save -ascii`
//! and `load` use them).

use crate::error::{LrpError, Result};
use ndarray::{Array2, ArrayD, ArrayView2, ArrayViewD, Dimension, IxDyn};
use ndarray_npy::npy::header::{Header, ReadHeaderError};
use ndarray_npy::{ReadNpyError, ReadNpyExt, WritableElement, WriteNpyError, WriteNpyExt};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Cursor, Read, Write};
use std::path::Path;

/// The element type of an `.npy` file (either byte order is read; files are written in the
/// machine's, little-endian on every supported platform).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NpyDtype {
    /// 64-bit float, numpy `float64` (`<f8`).
    F64,
    /// 32-bit float, numpy `float32` (`<f4`).
    F32,
    /// Unsigned byte, numpy `uint8` (`|u1`).
    U8,
    /// 32-bit signed integer, numpy `int32` (`<i4`).
    I32,
    /// 64-bit signed integer, numpy `int64` (`<i8`).
    I64,
}

impl NpyDtype {
    /// numpy's name of the type ("float64", "float32", "uint8", "int32", "int64").
    pub fn name(self) -> &'static str {
        match self {
            NpyDtype::F64 => "float64",
            NpyDtype::F32 => "float32",
            NpyDtype::U8 => "uint8",
            NpyDtype::I32 => "int32",
            NpyDtype::I64 => "int64",
        }
    }

    /// The type of a header's descriptor such as `<f8` or `|u1`, or `None` if unsupported.
    fn from_descr(descr: &str) -> Option<NpyDtype> {
        let code = descr.strip_prefix(['<', '>', '|', '=']).unwrap_or(descr);
        Some(match code {
            "f8" => NpyDtype::F64,
            "f4" => NpyDtype::F32,
            "u1" => NpyDtype::U8,
            "i4" => NpyDtype::I32,
            "i8" => NpyDtype::I64,
            _ => return None,
        })
    }
}

impl fmt::Display for NpyDtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The order of an array's elements in an `.npy` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NpyOrder {
    /// Row-major: the last index varies fastest (numpy's default).
    C,
    /// Column-major: the first index varies fastest (MATLAB's order).
    Fortran,
}

/// What an `.npy` file's header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyInfo {
    /// The array's shape (empty for a 0-dimensional array).
    pub shape: Vec<usize>,
    /// The element type.
    pub dtype: NpyDtype,
    /// The order of the elements in the file.
    pub order: NpyOrder,
}

fn io_error(path: &Path, source: std::io::Error) -> LrpError {
    LrpError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn parse_error(path: &Path, line: usize, message: impl Into<String>) -> LrpError {
    LrpError::Parse {
        file: path.display().to_string(),
        line,
        message: message.into(),
    }
}

/// An I/O error while reading a file that did open: a file ending early is a format error.
fn read_error(path: &Path, source: std::io::Error) -> LrpError {
    if source.kind() == std::io::ErrorKind::UnexpectedEof {
        parse_error(path, 1, "not a readable .npy array: the file ends early")
    } else {
        io_error(path, source)
    }
}

fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| io_error(path, e))
}

/// The longest `.npy` header the readers accept, in bytes (numpy itself refuses headers
/// over 10000 bytes by default): the header length field is checked before anything is
/// allocated for the header.
pub const NPY_MAX_HEADER_BYTES: usize = 1 << 16;

/// Checks the magic string, version and header length of an `.npy` file before its header
/// is read: a file that is no `.npy` array (/dev/zero, text) fails on its first bytes, and
/// a header length field of gigabytes is refused instead of allocated.
fn check_preamble(path: &Path, reader: &mut impl BufRead) -> Result<()> {
    let start = reader.fill_buf().map_err(|e| io_error(path, e))?;
    let mut preamble = [0u8; 12];
    // The buffer's first fill (up to 8 KiB of a file) holds the 12 bytes unless the file
    // is shorter; nothing is consumed, the header reader starts from the beginning.
    let have = start.len().min(12);
    preamble[..have].copy_from_slice(&start[..have]);
    let bad = |what: &str| parse_error(path, 1, format!("not a readable .npy array: {what}"));
    if have < 8 || &preamble[..6] != b"\x93NUMPY" {
        return Err(bad("it does not start with the .npy magic string"));
    }
    let header_len = match preamble[6] {
        1 if have >= 10 => u16::from_le_bytes([preamble[8], preamble[9]]) as usize,
        2 | 3 if have >= 12 => {
            u32::from_le_bytes([preamble[8], preamble[9], preamble[10], preamble[11]]) as usize
        }
        1..=3 => return Err(bad("the file ends early")),
        v => return Err(bad(&format!("unsupported format version {v}"))),
    };
    if header_len > NPY_MAX_HEADER_BYTES {
        return Err(bad(&format!(
            "the header claims {header_len} bytes, more than the reader's limit {NPY_MAX_HEADER_BYTES}"
        )));
    }
    Ok(())
}

/// An `.npy` file as a reader whose header numpy of today can parse: Python 2's numpy wrote
/// the shape's integers as longs (`(10000L, 1L)`), as in the numpy LRP toolbox's own data
/// files, and ndarray-npy's header grammar (Python 3 literals) rejects the `L`. Each such
/// `L` becomes a space, so the header keeps its length; the rest of the file streams
/// through unread. Anything that is not an `.npy` header passes unchanged (the parser then
/// reports it). Also gives where the data starts (0 when the file is no `.npy` array).
fn open_npy(path: &Path) -> Result<(impl Read, u64)> {
    let mut reader = open(path)?;
    // Magic (6 bytes), version (2), header length (2 bytes in version 1, 4 in 2 and 3).
    let mut prefix = vec![0u8; 12];
    let mut got = 0;
    while got < prefix.len() {
        match reader.read(&mut prefix[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(path, e)),
        }
    }
    prefix.truncate(got);
    let mut data_start = 0;
    if got >= 10 && prefix.starts_with(b"\x93NUMPY") {
        let (start, len) = if prefix[6] == 1 {
            (10, u16::from_le_bytes([prefix[8], prefix[9]]) as usize)
        } else if got == 12 {
            (
                12,
                u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]) as usize,
            )
        } else {
            (got, 0)
        };
        // The header proper, bounded (numpy writes at most a few hundred bytes).
        let mut header = Vec::new();
        let want = (start + len).saturating_sub(got).min(1 << 20);
        (&mut reader)
            .take(want as u64)
            .read_to_end(&mut header)
            .map_err(|e| read_error(path, e))?;
        for i in 1..header.len() {
            let next = header.get(i + 1).copied().unwrap_or(b' ');
            if header[i] == b'L'
                && header[i - 1].is_ascii_digit()
                && matches!(next, b',' | b')' | b' ')
            {
                header[i] = b' ';
            }
        }
        prefix.extend_from_slice(&header);
        data_start = prefix.len() as u64;
    }
    Ok((Cursor::new(prefix).chain(reader), data_start))
}

/// Reads the header of an `.npy` file: shape, element type and order.
pub fn npy_info(path: impl AsRef<Path>) -> Result<NpyInfo> {
    let path = path.as_ref();
    npy_header(path).map(|(info, _)| info)
}

/// The header of an `.npy` file and where its data starts, in bytes.
fn npy_header(path: &Path) -> Result<(NpyInfo, u64)> {
    check_preamble(path, &mut open(path)?)?;
    let (mut reader, data_start) = open_npy(path)?;
    let header = Header::from_reader(&mut reader).map_err(|e| match e {
        ReadHeaderError::Io(source) => read_error(path, source),
        ReadHeaderError::Parse(e) => parse_error(
            path,
            1,
            format!("not a readable .npy array: bad header: {e}"),
        ),
    })?;
    let descr = header.type_descriptor.as_string().cloned();
    let dtype = descr
        .as_deref()
        .and_then(NpyDtype::from_descr)
        .ok_or_else(|| {
            parse_error(
                path,
                1,
                format!(
                    "unsupported .npy element type {}: expected float64, float32, uint8, int32 or int64",
                    header.type_descriptor
                ),
            )
        })?;
    let order = if header.layout.is_fortran() {
        NpyOrder::Fortran
    } else {
        NpyOrder::C
    };
    Ok((
        NpyInfo {
            shape: header.shape,
            dtype,
            order,
        },
        data_start,
    ))
}

impl NpyDtype {
    /// Bytes per element.
    fn size(self) -> usize {
        match self {
            NpyDtype::F64 | NpyDtype::I64 => 8,
            NpyDtype::F32 | NpyDtype::I32 => 4,
            NpyDtype::U8 => 1,
        }
    }
}

/// Checks, before the data is allocated, that the array the header describes fits in
/// memory (as f64, see `buffer::check_memory`) and, for a regular file, that the file
/// holds its data: a 100-byte file whose header claims 10^12 elements is an error, not an
/// allocation of terabytes.
fn check_data_size(path: &Path, info: &NpyInfo, data_start: u64) -> Result<()> {
    crate::buffer::check_memory("array in the .npy file", &info.shape)
        .map_err(|e| parse_error(path, 1, format!("not a readable .npy array: {e}")))?;
    let elements: usize = info.shape.iter().product();
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_file() {
        let needed = (elements as u64).saturating_mul(info.dtype.size() as u64);
        let held = meta.len().saturating_sub(data_start);
        if held != needed {
            return Err(parse_error(
                path,
                1,
                format!(
                    "not a readable .npy array: the header describes {elements} {} elements ({needed} bytes of data), the file holds {held}",
                    info.dtype
                ),
            ));
        }
    }
    Ok(())
}

fn npy_error(path: &Path, e: ReadNpyError) -> LrpError {
    match e {
        ReadNpyError::Io(source) => read_error(path, source),
        other => parse_error(path, 1, format!("not a readable .npy array: {other}")),
    }
}

fn read_as<T: ndarray_npy::ReadableElement + Copy + Into<f64>>(path: &Path) -> Result<ArrayD<f64>> {
    let a = ArrayD::<T>::read_npy(open_npy(path)?.0).map_err(|e| npy_error(path, e))?;
    // Into f64 in logical (row-major) order, whatever the file's order.
    let shape = a.shape().to_vec();
    let data: Vec<f64> = a.iter().map(|&v| v.into()).collect();
    Ok(ArrayD::from_shape_vec(IxDyn(&shape), data).expect("same element count"))
}

/// Reads a `.npy` file of f64, f32, u8, i32 or i64 values (any rank, C or Fortran order)
/// as f64, in C order in memory. (i64 values beyond 2^53 lose precision.)
pub fn read_npy(path: impl AsRef<Path>) -> Result<ArrayD<f64>> {
    let path = path.as_ref();
    let (info, data_start) = npy_header(path)?;
    check_data_size(path, &info, data_start)?;
    match info.dtype {
        NpyDtype::F64 => read_as::<f64>(path),
        NpyDtype::F32 => read_as::<f32>(path),
        NpyDtype::U8 => read_as::<u8>(path),
        NpyDtype::I32 => read_as::<i32>(path),
        NpyDtype::I64 => {
            let a = ArrayD::<i64>::read_npy(open_npy(path)?.0).map_err(|e| npy_error(path, e))?;
            Ok(a.mapv(|v| v as f64).as_standard_layout().into_owned())
        }
    }
}

/// Converts every element with `convert`, which rejects values the type cannot hold.
fn convert<T>(
    a: &ArrayViewD<'_, f64>,
    dtype: NpyDtype,
    convert: impl Fn(f64) -> Option<T>,
) -> Result<ArrayD<T>> {
    let mut data = Vec::with_capacity(a.len());
    for (index, &v) in a.indexed_iter() {
        match convert(v) {
            Some(t) => data.push(t),
            None => {
                return Err(LrpError::param(
                    "data",
                    format!(
                        "value {v} at index {:?} does not fit the element type {dtype}",
                        index.slice()
                    ),
                ))
            }
        }
    }
    Ok(ArrayD::from_shape_vec(IxDyn(a.shape()), data).expect("same element count"))
}

/// An integer value within `[min, max]`, or `None`.
fn integer(v: f64, min: f64, max: f64) -> Option<f64> {
    (v.fract() == 0.0 && v >= min && v <= max).then_some(v)
}

fn write_typed<T: WritableElement + Clone>(
    path: &Path,
    a: ArrayD<T>,
    order: NpyOrder,
) -> Result<()> {
    let a = match order {
        NpyOrder::C => a,
        // The same logical array with Fortran strides: ndarray-npy then writes the file in
        // Fortran order (unless it is also C-contiguous, as numpy does for rank <= 1).
        NpyOrder::Fortran => a
            .reversed_axes()
            .as_standard_layout()
            .into_owned()
            .reversed_axes(),
    };
    let file = File::create(path).map_err(|e| io_error(path, e))?;
    let mut sink = BufWriter::new(file);
    a.write_npy(&mut sink).map_err(|e| match e {
        WriteNpyError::Io(source) => io_error(path, source),
        other => LrpError::param("data", format!("cannot write {}: {other}", path.display())),
    })?;
    sink.flush().map_err(|e| io_error(path, e))
}

/// Writes `a` (any rank) to an `.npy` file as `dtype` in `order`, replacing any file at
/// `path`. f32 rounds to the nearest float; the integer types need integral values in
/// their range (anything else, NaN included, is [`LrpError::BadParameter`] naming the first
/// offending index, and no file is written).
pub fn write_npy(
    path: impl AsRef<Path>,
    a: ArrayViewD<'_, f64>,
    dtype: NpyDtype,
    order: NpyOrder,
) -> Result<()> {
    let path = path.as_ref();
    match dtype {
        NpyDtype::F64 => write_typed(path, a.to_owned(), order),
        NpyDtype::F32 => write_typed(path, a.mapv(|v| v as f32), order),
        NpyDtype::U8 => write_typed(
            path,
            convert(&a, dtype, |v| integer(v, 0.0, 255.0).map(|v| v as u8))?,
            order,
        ),
        NpyDtype::I32 => write_typed(
            path,
            convert(&a, dtype, |v| {
                integer(v, i32::MIN as f64, i32::MAX as f64).map(|v| v as i32)
            })?,
            order,
        ),
        NpyDtype::I64 => write_typed(
            path,
            // 2^63 itself is the first f64 past i64::MAX.
            convert(&a, dtype, |v| {
                integer(v, -(2f64.powi(63)), 2f64.powi(63))
                    .filter(|&v| v < 2f64.powi(63))
                    .map(|v| v as i64)
            })?,
            order,
        ),
    }
}

/// The longest line the plain-text matrix reader accepts, in bytes (16 MiB: a row of
/// half a million numbers). A longer one, such as the first "line" of /dev/zero, is a
/// parse error at its number, found after reading at most this much.
pub const TXT_MAX_LINE_BYTES: usize = 1 << 24;

/// Parses the plain-text matrix format: one row per line, values separated by whitespace
/// or commas; blank lines and everything after `#` or `%` on a line are ignored; `NaN`,
/// `Inf` and `-Inf` are accepted in any case. Every row must have as many values as the
/// first. No rows at all give a 0 x 0 matrix. `file` names the source in errors.
pub fn parse_txt(text: &str, file: &str) -> Result<Array2<f64>> {
    parse_txt_from(text.as_bytes(), file, None)
}

/// [`parse_txt`] on a stream, line by line: at most [`TXT_MAX_LINE_BYTES`] per line, the
/// first malformed line ends the read, and values beyond the memory limit
/// (`buffer::check_memory`) are an error. `path`, when given, names the file in I/O errors.
fn parse_txt_from(
    mut reader: impl BufRead,
    file: &str,
    path: Option<&Path>,
) -> Result<Array2<f64>> {
    let error = |line: usize, message: String| LrpError::Parse {
        file: file.to_string(),
        line,
        message,
    };
    let mut data = Vec::new();
    let mut cols: Option<(usize, usize)> = None; // (columns, line of the first row)
    let mut rows = 0;
    let mut buf = Vec::new();
    let mut line_no = 0;
    let max_values = crate::buffer::memory_limit() / std::mem::size_of::<f64>();
    loop {
        buf.clear();
        let read = std::io::Read::take(&mut reader, TXT_MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|source| match path {
                Some(p) => io_error(p, source),
                None => error(line_no + 1, format!("cannot read: {source}")),
            })?;
        if read == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > TXT_MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            return Err(error(
                line_no,
                format!("a line longer than {TXT_MAX_LINE_BYTES} bytes (the reader's limit)"),
            ));
        }
        let line = std::str::from_utf8(&buf)
            .map_err(|_| error(line_no, "the file is not text (invalid UTF-8)".into()))?;
        let line = if line_no == 1 {
            line.strip_prefix('\u{feff}').unwrap_or(line) // a byte-order mark
        } else {
            line
        };
        let content = line.split(['#', '%']).next().unwrap_or("");
        let before = data.len();
        for (col, token) in content
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
            .enumerate()
        {
            let v: f64 = token.parse().map_err(|_| {
                let mut shown: String = token
                    .chars()
                    .take(40)
                    .flat_map(char::escape_debug)
                    .collect();
                if token.chars().count() > 40 {
                    shown.push_str("...");
                }
                error(
                    line_no,
                    format!("expected a number in column {}, found '{shown}'", col + 1),
                )
            })?;
            data.push(v);
        }
        let n = data.len() - before;
        if n == 0 {
            continue;
        }
        match cols {
            None => cols = Some((n, line_no)),
            Some((expected, first)) if expected != n => {
                return Err(error(
                    line_no,
                    format!("row has {n} values, the first row (line {first}) has {expected}"),
                ))
            }
            Some(_) => {}
        }
        rows += 1;
        if data.len() > max_values {
            return Err(error(
                line_no,
                format!(
                    "the values so far need more than the machine's {} MB",
                    crate::buffer::memory_limit() >> 20
                ),
            ));
        }
    }
    let cols = cols.map_or(0, |(c, _)| c);
    Ok(Array2::from_shape_vec((rows, cols), data).expect("every row checked"))
}

/// Reads a plain-text matrix file (see [`parse_txt`]) as rows x columns, streaming (see
/// [`TXT_MAX_LINE_BYTES`]).
pub fn read_txt(path: impl AsRef<Path>) -> Result<Array2<f64>> {
    let path = path.as_ref();
    parse_txt_from(open(path)?, &path.display().to_string(), Some(path))
}

/// One value as the text format writes it: the shortest decimal that reads back as the
/// same f64, plain for moderate magnitudes, with an exponent otherwise; `NaN`, `Inf`,
/// `-Inf` as MATLAB writes them.
fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Inf" } else { "-Inf" }.into()
    } else if v == 0.0 || (1e-4..1e15).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// The text format of a matrix: one line per row, values separated by single spaces,
/// each the shortest decimal that reads back exactly (see [`parse_txt`]).
pub fn format_txt(a: ArrayView2<'_, f64>) -> String {
    let mut out = String::new();
    for row in a.rows() {
        let line: Vec<String> = row.iter().map(|&v| format_value(v)).collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

/// Writes a matrix (rows x columns) as plain text (see [`format_txt`]), replacing any
/// file at `path`. numpy's `loadtxt` and MATLAB's `load` read it back.
pub fn write_txt(path: impl AsRef<Path>, a: ArrayView2<'_, f64>) -> Result<()> {
    let path = path.as_ref();
    std::fs::write(path, format_txt(a)).map_err(|e| io_error(path, e))
}

/// Shape helper for building arrays from flat data in C order.
pub fn from_flat(shape: &[usize], data: Vec<f64>) -> Result<ArrayD<f64>> {
    let expected: usize = shape.iter().product();
    if expected != data.len() {
        return Err(LrpError::shape("data", &[expected], &[data.len()]));
    }
    Ok(ArrayD::from_shape_vec(IxDyn(shape), data).expect("length checked"))
}

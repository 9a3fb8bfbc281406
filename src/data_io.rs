//! Data files: NumPy `.npy` arrays of any rank in C or Fortran order, read as f64.

use crate::error::{LrpError, Result};
use ndarray::{ArrayD, IxDyn};
use ndarray_npy::{ReadNpyError, ReadNpyExt};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Reads a `.npy` file of f64, f32, u8, i32 or i64 values as f64 (C order in memory,
/// whatever the file's order).
pub fn read_npy(path: impl AsRef<Path>) -> Result<ArrayD<f64>> {
    let path = path.as_ref();
    // The dtype is only known from the header: try the supported ones in turn.
    macro_rules! attempt {
        ($t:ty) => {
            match read_as::<$t>(path) {
                Ok(a) => return Ok(a.mapv(|v| v as f64).as_standard_layout().into_owned()),
                Err(ReadNpyError::WrongDescriptor(_)) => {}
                Err(e) => return Err(npy_error(path, e)),
            }
        };
    }
    attempt!(f64);
    attempt!(f32);
    attempt!(u8);
    attempt!(i64);
    attempt!(i32);
    Err(LrpError::Parse {
        file: path.display().to_string(),
        line: 1,
        message: "expected an .npy array of f64, f32, u8, i32 or i64".into(),
    })
}

fn read_as<T: ndarray_npy::ReadableElement>(
    path: &Path,
) -> std::result::Result<ArrayD<T>, ReadNpyError> {
    let file = File::open(path)?;
    ArrayD::<T>::read_npy(BufReader::new(file))
}

fn npy_error(path: &Path, e: ReadNpyError) -> LrpError {
    match e {
        ReadNpyError::Io(source) => LrpError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => LrpError::Parse {
            file: path.display().to_string(),
            line: 1,
            message: format!("not a readable .npy array: {other}"),
        },
    }
}

/// Shape helper for building arrays from flat data in C order.
pub fn from_flat(shape: &[usize], data: Vec<f64>) -> Result<ArrayD<f64>> {
    let expected: usize = shape.iter().product();
    if expected != data.len() {
        return Err(LrpError::shape("data", &[expected], &[data.len()]));
    }
    Ok(ArrayD::from_shape_vec(IxDyn(shape), data).expect("length checked"))
}

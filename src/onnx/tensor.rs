//! Decoding a `TensorProto` (an initializer or a `Constant` node's value) into an f64 or i64
//! array.
//!
//! Supported: FLOAT (from `float_data` or little-endian `raw_data`), DOUBLE (`double_data`
//! or `raw_data`), INT64 (`int64_data` or `raw_data`, for shapes) and BOOL (`int32_data` or
//! `raw_data`, for Dropout's `training_mode`). Every other element type, external data,
//! segments and data that does not hold exactly the number of elements the dims claim are
//! errors. The element count is computed with overflow checks and compared with what the
//! file holds *before* any allocation, so a tensor cannot make the reader allocate more than
//! a small multiple of the file's size.

use super::proto::tensor_proto::{DataLocation, DataType};
use super::proto::TensorProto;
use ndarray::{ArrayD, IxDyn};

/// Tensors of higher rank are refused (no op here takes more than rank 4 weights; a
/// constant added to a runtime value can have the rank of that value).
pub const MAX_TENSOR_RANK: usize = 8;

/// The data type's name as ONNX spells it (for messages).
pub(crate) fn type_name(data_type: i32) -> String {
    match DataType::try_from(data_type) {
        Ok(t) => t.as_str_name().to_string(),
        Err(_) => format!("unknown data type {data_type}"),
    }
}

/// The tensor's dims as sizes, and their product, checked: no negative dim, rank at most
/// [`MAX_TENSOR_RANK`], no overflow.
pub(crate) fn dims(t: &TensorProto) -> Result<(Vec<usize>, usize), String> {
    if t.dims.len() > MAX_TENSOR_RANK {
        return Err(format!(
            "tensor has rank {} (dims {:?}); at most {MAX_TENSOR_RANK} is supported",
            t.dims.len(),
            t.dims
        ));
    }
    let mut shape = Vec::with_capacity(t.dims.len());
    let mut count: usize = 1;
    for &d in &t.dims {
        let d = usize::try_from(d)
            .map_err(|_| format!("tensor has a negative dim (dims {:?})", t.dims))?;
        count = count
            .checked_mul(d)
            .ok_or_else(|| format!("tensor's element count overflows (dims {:?})", t.dims))?;
        shape.push(d);
    }
    Ok((shape, count))
}

/// Refuses what the reader does not decode whatever the type: external data and segments.
fn check_storage(t: &TensorProto) -> Result<(), String> {
    if t.data_location == Some(DataLocation::External as i32) || !t.external_data.is_empty() {
        let location = t
            .external_data
            .iter()
            .find(|e| e.key() == "location")
            .map(|e| format!(" (file '{}')", e.value()))
            .unwrap_or_default();
        return Err(format!(
            "tensor data is stored outside the model{location}; external data is not supported \
             (save the model with its weights inside, e.g. onnx.save(..., \
             save_as_external_data=False))"
        ));
    }
    if t.segment.is_some() {
        return Err("segmented tensors are not supported".to_string());
    }
    Ok(())
}

/// The typed fields other than `allowed` must be empty (a tensor holds its data in one
/// place).
fn only_field(t: &TensorProto, allowed: &str) -> Result<(), String> {
    let fields = [
        ("float_data", t.float_data.len()),
        ("int32_data", t.int32_data.len()),
        ("string_data", t.string_data.len()),
        ("int64_data", t.int64_data.len()),
        ("double_data", t.double_data.len()),
        ("uint64_data", t.uint64_data.len()),
        ("raw_data", t.raw_data.as_ref().map_or(0, Vec::len)),
    ];
    for (name, len) in fields {
        if name != allowed && len > 0 {
            return Err(format!(
                "tensor of type {} holds {len} entries in {name}, where the reader expects its \
                 data in {allowed}",
                type_name(t.data_type())
            ));
        }
    }
    Ok(())
}

/// Elements from `raw_data` (little-endian, `size` bytes each) or from the typed field.
fn elements<T: Copy>(
    t: &TensorProto,
    count: usize,
    typed_name: &str,
    typed: &[T],
    size: usize,
    from_le: impl Fn(&[u8]) -> T,
) -> Result<Vec<T>, String> {
    match t.raw_data.as_deref() {
        Some(raw) if !raw.is_empty() => {
            only_field(t, "raw_data")?;
            // count * size cannot overflow unnoticed: checked, and compared with the bytes
            // present before anything is allocated.
            let needed = count.checked_mul(size);
            if needed != Some(raw.len()) {
                return Err(format!(
                    "tensor claims {count} elements (dims {:?}) = {} bytes of {}, but raw_data \
                     holds {} bytes",
                    t.dims,
                    needed.map_or_else(|| "too many".to_string(), |n| n.to_string()),
                    type_name(t.data_type()),
                    raw.len()
                ));
            }
            Ok(raw.chunks_exact(size).map(from_le).collect())
        }
        _ => {
            only_field(t, typed_name)?;
            if typed.len() != count {
                return Err(format!(
                    "tensor claims {count} elements (dims {:?}), but {typed_name} holds {}",
                    t.dims,
                    typed.len()
                ));
            }
            Ok(typed.to_vec())
        }
    }
}

/// A FLOAT or DOUBLE tensor as f64 (float values are widened exactly).
pub(crate) fn to_f64(t: &TensorProto) -> Result<ArrayD<f64>, String> {
    check_storage(t)?;
    let (shape, count) = dims(t)?;
    let data: Vec<f64> = match DataType::try_from(t.data_type()) {
        Ok(DataType::Float) => {
            let v = elements(t, count, "float_data", &t.float_data, 4, |b| {
                f32::from_le_bytes([b[0], b[1], b[2], b[3]])
            })?;
            v.into_iter().map(f64::from).collect()
        }
        Ok(DataType::Double) => elements(t, count, "double_data", &t.double_data, 8, |b| {
            f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        })?,
        _ => {
            return Err(format!(
                "tensor of type {} where FLOAT or DOUBLE is needed",
                type_name(t.data_type())
            ))
        }
    };
    if let Some((i, v)) = data.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(format!(
            "tensor holds a non-finite value {v} at flat index {i}"
        ));
    }
    ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| format!("tensor shape: {e}"))
}

/// An INT64 tensor's values, with its shape.
pub(crate) fn to_i64(t: &TensorProto) -> Result<(Vec<usize>, Vec<i64>), String> {
    check_storage(t)?;
    let (shape, count) = dims(t)?;
    if t.data_type() != DataType::Int64 as i32 {
        return Err(format!(
            "tensor of type {} where INT64 is needed",
            type_name(t.data_type())
        ));
    }
    let v = elements(t, count, "int64_data", &t.int64_data, 8, |b| {
        i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    })?;
    Ok((shape, v))
}

/// A BOOL tensor's single value (Dropout's `training_mode`).
pub(crate) fn to_bool_scalar(t: &TensorProto) -> Result<bool, String> {
    check_storage(t)?;
    let (_, count) = dims(t)?;
    if t.data_type() != DataType::Bool as i32 {
        return Err(format!(
            "tensor of type {} where BOOL is needed",
            type_name(t.data_type())
        ));
    }
    if count != 1 {
        return Err(format!(
            "a scalar is needed, the tensor has {count} elements"
        ));
    }
    let v = elements(t, count, "int32_data", &t.int32_data, 1, |b| {
        i32::from(b[0])
    })?;
    Ok(v[0] != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(dims: &[i64], data_type: DataType) -> TensorProto {
        TensorProto {
            dims: dims.to_vec(),
            data_type: Some(data_type as i32),
            ..Default::default()
        }
    }

    #[test]
    fn float_raw_and_typed_agree() {
        let mut t = tensor(&[2, 2], DataType::Float);
        t.float_data = vec![1.5, -2.0, 0.25, 3.0];
        let typed = to_f64(&t).unwrap();
        t.float_data.clear();
        t.raw_data = Some(
            [1.5f32, -2.0, 0.25, 3.0]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
        );
        let raw = to_f64(&t).unwrap();
        assert_eq!(typed, raw);
        assert_eq!(raw.shape(), &[2, 2]);
        assert_eq!(raw[[1, 0]], 0.25);
    }

    #[test]
    fn double_and_int64() {
        let mut t = tensor(&[3], DataType::Double);
        t.raw_data = Some(
            [0.1f64, 0.2, 0.3]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
        );
        assert_eq!(to_f64(&t).unwrap().as_slice().unwrap(), &[0.1, 0.2, 0.3]);
        let mut s = tensor(&[2], DataType::Int64);
        s.int64_data = vec![-1, 512];
        assert_eq!(to_i64(&s).unwrap(), (vec![2], vec![-1, 512]));
    }

    #[test]
    fn counts_are_checked_before_allocating() {
        let mut t = tensor(&[1 << 20, 1 << 30], DataType::Float);
        t.raw_data = Some(vec![0; 16]);
        let e = to_f64(&t).unwrap_err();
        assert!(e.contains("raw_data holds 16 bytes"), "{e}");
        let t = tensor(&[i64::MAX, 4], DataType::Float);
        assert!(to_f64(&t).unwrap_err().contains("overflows"));
        let mut t = tensor(&[3], DataType::Float);
        t.float_data = vec![1.0, 2.0];
        assert!(to_f64(&t).unwrap_err().contains("float_data holds 2"));
        let t = tensor(&[-1], DataType::Float);
        assert!(to_f64(&t).unwrap_err().contains("negative dim"));
    }

    #[test]
    fn refused_types_and_storage() {
        let mut t = tensor(&[1], DataType::Float16);
        t.raw_data = Some(vec![0, 0]);
        assert!(to_f64(&t).unwrap_err().contains("FLOAT16"));
        let mut t = tensor(&[1], DataType::Float);
        t.data_location = Some(DataLocation::External as i32);
        assert!(to_f64(&t).unwrap_err().contains("external data"));
        let mut t = tensor(&[1], DataType::Float);
        t.float_data = vec![f32::NAN];
        assert!(to_f64(&t).unwrap_err().contains("non-finite"));
    }
}

//! The network's precision (what its stateless calls compute in) and the `float` doors:
//! the second edition's predict and explain with f32 arrays in and out.

use super::data::{LRP_DTYPE_F32, LRP_DTYPE_F64};
use super::explain_options::LrpExplainOptions;
use super::network::{handle, LrpNetwork};
use super::status::{status, Failure};
use crate::element::Precision;

/// Chooses what the handle's stateless calls compute in: LRP_DTYPE_F64 (the default, the
/// toolbox-exact path) or LRP_DTYPE_F32 (about twice the speed on large batches; maps
/// agree with f64 to 1e-4 normwise, README "Precision"). Applies to `lrp_network_predict`,
/// `lrp_network_explain`, `lrp_network_explain_classes`, `lrp_network_explain_class_set`,
/// LRP in `lrp_network_explain_with` and their `_f32` doors; the toolbox-style calls
/// (`lrp_network_forward`, `lrp_network_lrp`, `lrp_network_backward`, training) and the
/// gradient methods compute in f64 either way. Under f32 the first call makes an f32 copy
/// of the parameters, kept until they change. Data of the other type is converted once on
/// the way in and once on the way out. Errors: NULL `net`; any other `dtype`
/// (LRP_ERR_INVALID_ARGUMENT). Takes the handle exclusively.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_set_precision(net: *mut LrpNetwork, dtype: i32) -> i32 {
    status("lrp_network_set_precision", || {
        let net = handle(net)?;
        let precision = match dtype {
            LRP_DTYPE_F64 => Precision::F64,
            LRP_DTYPE_F32 => Precision::F32,
            other => {
                return Err(Failure::invalid(format!(
                    "dtype must be LRP_DTYPE_F64 ({LRP_DTYPE_F64}) or LRP_DTYPE_F32 \
                     ({LRP_DTYPE_F32}), given {other}"
                )))
            }
        };
        net.write().set_precision(precision);
        Ok(())
    })
}

/// Writes the handle's precision (LRP_DTYPE_F64 or LRP_DTYPE_F32) to `*out_dtype`. Errors:
/// NULL `net` or `out_dtype`. Shares the handle.
///
/// # Safety
/// `net` NULL or live; `out_dtype` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_precision(net: *const LrpNetwork, out_dtype: *mut i32) -> i32 {
    status("lrp_network_precision", || {
        let net = handle(net)?;
        let out = super::args::out(out_dtype, "out_dtype")?;
        *out = match net.read().precision() {
            Precision::F64 => LRP_DTYPE_F64,
            Precision::F32 => LRP_DTYPE_F32,
        };
        Ok(())
    })
}

/// `lrp_network_predict` for `float` data: `x` and `y` hold floats, everything else as
/// there. Under LRP_DTYPE_F32 precision no conversion pass is made; under f64 the input
/// is converted once to double and the output once back to float.
///
/// # Safety
/// As `lrp_network_predict`, with floats for doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_predict_f32(
    net: *const LrpNetwork,
    x: *const f32,
    x_dims: *const usize,
    x_rank: i32,
    layout: i32,
    y: *mut f32,
    y_len: usize,
) -> i32 {
    status("lrp_network_predict_f32", || {
        super::array::predict(net, x, x_dims, x_rank, layout, y, y_len)
    })
}

/// `lrp_network_explain_with` for `float` data: `x` and `out` hold floats, everything
/// else (options, dims, errors) as there. LRP computes in the handle's precision (see
/// `lrp_network_set_precision`: under LRP_DTYPE_F32 the data goes in and out without a
/// conversion pass); the gradient methods compute in f64 (one conversion each way). The
/// options' given arrays (start, baseline) stay doubles.
///
/// # Safety
/// As `lrp_network_explain_with`, with floats for doubles in `x` and `out`.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_explain_with_f32(
    net: *const LrpNetwork,
    opts: *const LrpExplainOptions,
    x: *const f32,
    x_dims: *const usize,
    x_rank: i32,
    out: *mut f32,
    out_len: usize,
) -> i32 {
    status("lrp_network_explain_with_f32", || {
        super::explain::explain_with(net, opts, x, x_dims, x_rank, out, out_len)
    })
}

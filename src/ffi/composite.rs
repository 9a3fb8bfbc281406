//! Rule presets beyond the toolbox's per-layer setters: zennit's composites, the Caffe
//! toolbox's formula types, zbox bounds per input channel, and the numerical convention.

use super::network::{handle, LrpNetwork};
use super::status::{status, Failure, FfiResult};
use crate::composite::Composite;
use crate::error::LrpError;
use crate::rule::{Bound, Convention, Rule};
use std::ffi::c_char;

/// The numpy toolbox's conventions (the default): `alphabeta` stabilised with 1e-16, a
/// MaxPool window's tied maxima share its relevance.
pub const LRP_CONVENTION_TOOLBOX: i32 = 0;
/// zennit's (PyTorch's) conventions: `alphabeta` stabilised with 1e-6, a MaxPool window
/// sends its relevance to its first maximum. Composites then match zennit. (The gradient
/// methods of `lrp_network_attribute` follow neither: they compute the exact gradient.)
pub const LRP_CONVENTION_ZENNIT: i32 = 1;

/// NaN stands for "not given" in the scalar parameters of these calls.
fn given(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// Sets every layer's preset from a composite (rules by layer type and position):
/// "epsilon_plus", "epsilon_alpha2_beta1", "epsilon_plus_flat" or "epsilon_gamma_box"
/// (case-insensitive). `epsilon` (of the Linear layers, NaN: 1e-6) and `gamma` (of the
/// Convolution layers in epsilon_gamma_box, NaN: 0.25) are optional; `low` and `high`,
/// the input bounds of epsilon_gamma_box's first layer, are required by it (NaN: missing,
/// an error) and ignored by the others. For bounds per input channel, call
/// `lrp_layer_set_zbox` on the first layer afterwards. An unknown name is
/// LRP_ERR_UNKNOWN_RULE; nothing changes on error. Takes the handle exclusively.
///
/// # Safety
/// `net` NULL or live; `name` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_set_composite(
    net: *mut LrpNetwork,
    name: *const c_char,
    epsilon: f64,
    gamma: f64,
    low: f64,
    high: f64,
) -> i32 {
    status("lrp_network_set_composite", || {
        let net = handle(net)?;
        let name = super::args::text(name, "name")?;
        let composite =
            Composite::from_name(name, given(epsilon), given(gamma), given(low), given(high))?;
        Ok(net.write().set_composite(&composite)?)
    })
}

/// Applies canonizers to the network in place (see the README's "Today's networks"):
/// `names` is one of "merge_batchnorm" (also "sequential_merge_batchnorm" and "vgg":
/// each BatchNorm right after a Linear or Convolution layer is merged into it), "resnet"
/// (that merge, and every residual Add becomes a Sum, which composites explain in
/// proportion to the summands), "resnet_sum" (only the latter), "auto" (what a zennit
/// composite needs on this network) or "none" (case-insensitive). The forward pass stays the
/// same (up to rounding); the layer count may shrink (merged BatchNorm layers are gone), so
/// layer indices taken before refer to other layers after. Canonize before setting a
/// composite. Drops the cached forward pass. An unknown name is LRP_ERR_INVALID_ARGUMENT;
/// nothing changes on error. Takes the handle exclusively.
///
/// # Safety
/// `net` NULL or live; `names` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_canonize(net: *mut LrpNetwork, names: *const c_char) -> i32 {
    status("lrp_network_canonize", || {
        let net = handle(net)?;
        let names = super::args::text(names, "names")?;
        let mut guard = net.write();
        let canonizers = if names.eq_ignore_ascii_case("auto") {
            crate::Canonizer::for_model(&guard)
        } else {
            crate::Canonizer::from_name(names)?
        };
        let canonized = guard.canonized(&canonizers)?;
        *guard = canonized;
        Ok(())
    })
}

/// Sets every layer's preset to the Caffe LRP toolbox's formula type `formula`
/// (relpropformulatype): 0 epsilon, 2 alphabeta on every layer; 54 / 56 epsilon and
/// 58 / 60 alphabeta with the Linear and Convolution layers at and below the 0-based
/// layer index `layer` switched to flat (54, 58) or w^2 (56, 60); 100 alphabeta on
/// Convolution layers and epsilon elsewhere, 102 / 104 the same with flat / w^2 at and
/// below `layer`. `epsilon` (NaN: 0.01) and `alpha` (toolbox convention, beta = 1 - alpha;
/// NaN: 1) parameterise the rules. An unknown type is LRP_ERR_INVALID_ARGUMENT; nothing
/// changes on error. Takes the handle exclusively.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_set_caffe_formula(
    net: *mut LrpNetwork,
    formula: i32,
    layer: i32,
    epsilon: f64,
    alpha: f64,
) -> i32 {
    status("lrp_network_set_caffe_formula", || {
        let net = handle(net)?;
        let formula = u32::try_from(formula)
            .map_err(|_| Failure::invalid(format!("formula must be >= 0, given {formula}")))?;
        let layer = usize::try_from(layer).map_err(|_| {
            Failure::invalid(format!("layer must be >= 0 (0-based), given {layer}"))
        })?;
        let composite = Composite::caffe(
            formula,
            layer,
            given(epsilon).unwrap_or(crate::DEFAULT_EPSILON),
            given(alpha).unwrap_or(crate::DEFAULT_ALPHA),
        )?;
        Ok(net.write().set_composite(&composite)?)
    })
}

/// Sets the preset of layer `index` (0-based) to the zbox rule with bounds per input
/// channel: `low` and `high` hold `channels` doubles each, one per input channel of the
/// layer (the third axis of a Convolution's W, the rows of a Linear layer's W); with
/// `channels` = 1 the bounds apply to every input. Bounds must be finite with low <= high
/// channel by channel. A count that does not match the layer is LRP_ERR_SHAPE_MISMATCH; a
/// layer without weights (anything but Linear and Convolution, which zbox does not
/// apply to) is LRP_ERR_INVALID_ARGUMENT naming layer and rule; nothing changes on error. The library copies the bounds. Takes the handle exclusively.
///
/// # Safety
/// `net` NULL or live; `low` and `high` NULL or `channels` readable doubles each.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_set_zbox(
    net: *mut LrpNetwork,
    index: usize,
    low: *const f64,
    high: *const f64,
    channels: usize,
) -> i32 {
    status("lrp_layer_set_zbox", || {
        let net = handle(net)?;
        for (ptr, what) in [(low, "low"), (high, "high")] {
            if ptr.is_null() {
                return Err(Failure::null(what));
            }
        }
        if channels == 0 {
            return Err(Failure::invalid(
                "channels must be at least 1 (the number of low and high bounds), given 0",
            ));
        }
        let mut net = net.write();
        let layer = super::network::layer_at(&net, index)?;
        // The count is checked against the layer before the caller's arrays are read: a
        // wrong (huge) count must not make the library read past them.
        let Some(w) = layer.weights() else {
            return Err(Failure::invalid(format!(
                "zbox applies to Linear and Convolution layers only; layer {} is a {}",
                index + 1,
                layer.kind().name()
            )));
        };
        let expected = w.shape()[w.ndim() - 2];
        if channels != 1 && channels != expected {
            return Err(LrpError::shape(
                format!(
                    "zbox low bounds of layer {} (one per input channel)",
                    index + 1
                ),
                &[expected],
                &[channels],
            )
            .into());
        }
        let low = bound(low, channels, "low")?;
        let high = bound(high, channels, "high")?;
        Ok(net.set_preset(index, Rule::ZBox { low, high })?)
    })
}

/// Reads the zbox bounds of layer `index` (0-based), whose preset must be zbox: the number
/// of values of each bound goes to `*count` (1 for bounds that apply to every input, else
/// one per input channel), and with `low` and `high` given, the values to `low[0..count]`
/// and `high[0..count]`. Pass `low` = `high` = NULL (and `capacity` 0) to ask for the count
/// alone. A preset other than zbox is LRP_ERR_INVALID_ARGUMENT (naming it), `capacity`
/// below the count LRP_ERR_SHAPE_MISMATCH; nothing is written on error. Reads the handle
/// (shared; safe alongside other readers).
///
/// # Safety
/// `net` NULL or live; `low` and `high` NULL or writable for `capacity` doubles each;
/// `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_get_zbox(
    net: *const LrpNetwork,
    index: usize,
    low: *mut f64,
    high: *mut f64,
    capacity: usize,
    count: *mut usize,
) -> i32 {
    status("lrp_layer_get_zbox", || {
        let net = handle(net)?.read();
        super::network::layer_at(&net, index)?;
        let preset = net.preset(index).expect("index checked");
        let Rule::ZBox { low: lo, high: hi } = &preset else {
            return Err(Failure::invalid(format!(
                "layer {index}'s preset is {}, not zbox",
                preset.name()
            )));
        };
        let n = lo.values().len();
        debug_assert_eq!(n, hi.values().len(), "set_preset checks the bounds");
        if count.is_null() {
            return Err(Failure::null("count"));
        }
        match (low.is_null(), high.is_null()) {
            (true, true) => {}
            (false, false) if capacity < n => {
                return Err(Failure::new(
                    super::status::LRP_ERR_SHAPE_MISMATCH,
                    format!("capacity is {capacity}, expected at least {n} (the bounds' count)"),
                ))
            }
            (false, false) => {
                std::slice::from_raw_parts_mut(low, n).copy_from_slice(lo.values());
                std::slice::from_raw_parts_mut(high, n).copy_from_slice(hi.values());
            }
            (true, false) => return Err(one_of_two_null("low", "high")),
            (false, true) => return Err(one_of_two_null("high", "low")),
        }
        *count = n;
        Ok(())
    })
}

/// `missing` is NULL while `given` is not.
fn one_of_two_null(missing: &str, given: &str) -> Failure {
    Failure::new(
        super::status::LRP_ERR_NULL_ARGUMENT,
        format!("{missing} is NULL while {given} is not: give both or neither"),
    )
}

/// `channels` bounds from the caller: one is a scalar bound, more are per channel.
unsafe fn bound(ptr: *const f64, channels: usize, what: &str) -> FfiResult<Bound> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    if channels == 0 {
        return Err(Failure::invalid(format!(
            "channels must be at least 1 (the number of {what} bounds), given 0"
        )));
    }
    let values = std::slice::from_raw_parts(ptr, channels);
    Ok(match values {
        [v] => Bound::scalar(*v),
        _ => Bound::from(values),
    })
}

/// Writes the handle's convention (LRP_CONVENTION_TOOLBOX or LRP_CONVENTION_ZENNIT) to
/// `*out_convention`: what a caller rebuilding a network (the MATLAB classes do) carries
/// over. Errors: NULL `net` or `out_convention`. Shares the handle.
///
/// # Safety
/// `net` NULL or live; `out_convention` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_convention(
    net: *const LrpNetwork,
    out_convention: *mut i32,
) -> i32 {
    status("lrp_network_convention", || {
        let net = handle(net)?;
        let out = super::args::out(out_convention, "out_convention")?;
        *out = match net.read().convention() {
            Convention::Toolbox => LRP_CONVENTION_TOOLBOX,
            Convention::Zennit => LRP_CONVENTION_ZENNIT,
        };
        Ok(())
    })
}

/// Chooses whose numerical conventions LRP follows where the toolbox and zennit differ:
/// LRP_CONVENTION_TOOLBOX (the default) or LRP_CONVENTION_ZENNIT. The gradient methods
/// compute the exact gradient under either. Takes the handle exclusively.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_set_convention(net: *mut LrpNetwork, convention: i32) -> i32 {
    status("lrp_network_set_convention", || {
        let net = handle(net)?;
        let convention = match convention {
            LRP_CONVENTION_TOOLBOX => Convention::Toolbox,
            LRP_CONVENTION_ZENNIT => Convention::Zennit,
            other => {
                return Err(Failure::invalid(format!(
                    "convention must be LRP_CONVENTION_TOOLBOX (0) or LRP_CONVENTION_ZENNIT \
                     (1), given {other}"
                )))
            }
        };
        net.write().set_convention(convention);
        Ok(())
    })
}

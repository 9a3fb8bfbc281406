//! The gradient methods (SPEC.md "Gradient methods") through the C ABI: one stateless call
//! that takes the method by name, as rules are, with its numeric parameters as scalars.

use super::args;
use super::compute::input_batch;
use super::network::{handle, LrpNetwork};
use super::status::{status, Failure, FfiResult};
use crate::gradient_methods::GradientMethod;
use std::ffi::c_char;

/// A whole number >= 0 given as a double, or `None` for NaN (the default).
fn whole(name: &str, v: f64) -> FfiResult<Option<usize>> {
    if v.is_nan() {
        return Ok(None);
    }
    // 2^53: above it doubles skip whole numbers, so the caller's value may not be the one
    // meant.
    if !(v.fract() == 0.0 && (0.0..=9007199254740992.0).contains(&v)) {
        return Err(Failure::invalid(format!(
            "{name} must be a whole number >= 0 (NaN for the default), given {v}"
        )));
    }
    Ok(Some(v as usize))
}

/// Explains the input batch `x` with a gradient method, without touching the handle's
/// cached state: several threads may call it on one shared handle at once.
///
/// - `x`: `x_len` doubles of shape (d0, .., d3) with `rank` dimensions, batch first, in
///   `layout`, as for `lrp_network_forward` (trailing singleton dimensions may be dropped
///   or added).
/// - `dy`: `dy_len` doubles shaped like the network's output for `x` (N x C for a
///   classifier; see `lrp_network_output_shape`), in `layout`: the output gradient the
///   method starts from, usually the one-hot of each sample's class to explain.
/// - `method` (case-insensitive, `_` and `-` ignored; no whitespace), with g = the gradient of
///   sum(dy .* output) with respect to the input (where a MaxPool window holds its
///   maximum several times, the first takes the gradient, as in PyTorch and Caffe; unlike
///   `lrp_network_backward`, which gives every tied maximum the full gradient, as the
///   toolbox trains):
///   "gradient": g; "input_x_gradient": x .* g; "sensitivity": the 2-norm of g over the
///   channels (the last axis) of an N x H x W x D input, giving N x H x W x 1, and |g| for
///   inputs of another rank; "guided_backprop": g with every Rect passing
///   dy .* (x > 0) .* (dy > 0); "deconvnet": g with every Rect passing max(dy, 0);
///   "smoothgrad": the mean of g over `count` copies x + e, e ~ Normal(0, s^2) per element
///   with s = `sigma` (max - min of that sample's values), drawn from `seed`;
///   "integrated_gradients" (or "ig"): (x - x0) .* the mean of g at
///   x0 + (k / count)(x - x0), k = 1..count, x0 = `baseline` (NULL: zeros).
/// - `count`: smoothgrad's noisy copies or integrated_gradients' steps, a whole number
///   >= 1; NaN for the default (50 copies, 50 steps).
/// - `sigma`: smoothgrad's noise level relative to each sample's value range, finite and
///   >= 0; NaN for the default 0.15.
/// - `seed`: smoothgrad's seed, a whole number from 0 to 2^53; NaN for 0. The same seed
///   gives the same result on every platform.
/// - `baseline`: NULL, or `baseline_len` doubles shaped like `x` in `layout`; only
///   integrated_gradients takes one.
///
/// Parameters the method does not use are ignored, except a baseline (an error, since it
/// would have no effect). The result, shaped like `x` (N x H x W x 1 for sensitivity of an
/// N x H x W x D input: `x_len / D` doubles), goes to `out` (`out_len` at least that; in
/// `layout`). Unknown method: LRP_ERR_UNKNOWN_RULE; parameters out of range:
/// LRP_ERR_INVALID_ARGUMENT; lengths and shapes: LRP_ERR_SHAPE_MISMATCH. Cost: one forward
/// and one backward pass, times `count` for smoothgrad and integrated_gradients (their
/// points run stacked along the batch axis, several per pass). Units: the result is in
/// output units per input unit (times input units for input_x_gradient and
/// integrated_gradients, whose sum approaches sum(dy .* (f(x) - f(x0)))).
///
/// # Safety
/// `net` NULL or live; `x` NULL or `x_len` readable doubles; `dy` NULL or `dy_len`
/// readable; `method` NULL or a NUL-terminated string; `baseline` NULL or `baseline_len`
/// readable; `out` NULL or `out_len` writable doubles. Nothing is kept after the call.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_attribute(
    net: *const LrpNetwork,
    x: *const f64,
    x_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    layout: i32,
    dy: *const f64,
    dy_len: usize,
    method: *const c_char,
    count: f64,
    sigma: f64,
    seed: f64,
    baseline: *const f64,
    baseline_len: usize,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    status("lrp_network_attribute", || {
        let layout = args::layout(layout)?;
        let net = handle(net)?.read();
        let name = args::text(method, "method")?;
        let count = whole(
            "count (smoothgrad's samples, integrated_gradients' steps)",
            count,
        )?;
        let seed = whole("seed", seed)?.unwrap_or(0) as u64;
        let sigma = (!sigma.is_nan()).then_some(sigma);
        let method = GradientMethod::from_name(name, count, sigma, seed)?;
        let x = input_batch(&net, x, x_len, rank, [d0, d1, d2, d3], layout, "x")?;
        let out_shape = net.output_shape(x.shape())?;
        let dy = args::input(dy, dy_len, &out_shape, layout, "dy")?;
        let baseline = if baseline.is_null() {
            None
        } else {
            Some(args::input(
                baseline,
                baseline_len,
                x.shape(),
                layout,
                "baseline",
            )?)
        };
        let result_shape = method.output_shape_in(x.shape(), net.layout());
        args::check_output(
            out,
            out_len,
            result_shape.iter().product(),
            &result_shape,
            "out",
        )?;
        let result =
            net.attribute_with_baseline(x, dy.view(), method, baseline.as_ref().map(|b| b.view()))?;
        args::write(out, out_len, &result, layout, "out")
    })
}

//! Forward, backward, update and LRP through the C ABI: each call converts the caller's
//! arrays (checking lengths, NULLs and layout), runs the core, and writes the result only
//! once it is complete.

use super::args::{self, Layout};
use super::network::{handle, rule_arg, LrpNetwork};
use super::status::{status, Failure, FfiResult};
use crate::network::Network;
use ndarray::{CowArray, IxDyn};
use std::ffi::c_char;

/// The caller's input batch, read with the shape the network accepts (see
/// `lrp_network_output_shape` on trailing singleton dimensions).
pub(crate) unsafe fn input_batch<'a>(
    net: &Network,
    x: *const f64,
    x_len: usize,
    rank: i32,
    dims: [usize; 4],
    layout: Layout,
    what: &str,
) -> FfiResult<CowArray<'a, f64, IxDyn>> {
    let shape = args::fit_input_shape(net, args::shape(rank, dims)?);
    args::input(x, x_len, &shape, layout, what)
}

/// The number of elements of `net`'s output for an input of `shape`.
fn output_len(net: &Network, shape: &[usize]) -> FfiResult<(usize, Vec<usize>)> {
    let out = net.output_shape(shape)?;
    Ok((out.iter().product(), out))
}

/// Runs the network on the input batch `x` (`x_len` doubles of shape (d0, .., d3) with
/// `rank` dimensions, batch first, in `layout`) and writes the output (N x C, or whatever
/// the last layer gives; see `lrp_network_output_shape`) to `y`. Caches the activations
/// for `lrp_network_backward` and `lrp_network_lrp`. `lrp_aware` is accepted for
/// compatibility with the toolbox and changes nothing. Takes the handle exclusively.
///
/// # Safety
/// `net` NULL or live; `x` NULL or `x_len` readable doubles; `y` NULL or `y_len` writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_forward(
    net: *mut LrpNetwork,
    x: *const f64,
    x_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    layout: i32,
    lrp_aware: i32,
    y: *mut f64,
    y_len: usize,
) -> i32 {
    status("lrp_network_forward", || {
        let layout = args::layout(layout)?;
        let mut net = handle(net)?.write();
        let x = input_batch(&net, x, x_len, rank, [d0, d1, d2, d3], layout, "x")?;
        let (needed, shape) = output_len(&net, x.shape())?;
        args::check_output(y, y_len, needed, &shape, "y")?;
        let result = net.forward(x, lrp_aware != 0)?;
        args::write(y, y_len, &result, layout, "y")
    })
}

/// The shape of the input of the last forward pass, or an out-of-order error.
fn cached_input_shape(net: &Network, call: &'static str) -> FfiResult<Vec<usize>> {
    net.cached_trace()
        .map(|t| t.input().shape().to_vec())
        .ok_or_else(|| {
            crate::LrpError::OutOfOrder {
                call,
                needs: "lrp_network_forward",
            }
            .into()
        })
}

/// The output shape of the last forward pass.
fn cached_output_shape(net: &Network, call: &'static str) -> FfiResult<Vec<usize>> {
    cached_input_shape(net, call)?;
    Ok(net
        .cached_trace()
        .expect("checked")
        .output()
        .shape()
        .to_vec())
}

/// The gradient of the network output with respect to its input after
/// `lrp_network_forward`: `dy` holds dLoss/dOutput (shaped like the output, in `layout`);
/// the input gradient (shaped like the input) goes to `dx`. SoftMax passes `dy` through
/// unchanged (the toolbox trains with dy = prediction - target). Keeps the parameter
/// gradients for `lrp_network_update`. Takes the handle exclusively.
///
/// # Safety
/// `net` NULL or live; `dy` NULL or `dy_len` readable doubles; `dx` NULL or `dx_len`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_backward(
    net: *mut LrpNetwork,
    dy: *const f64,
    dy_len: usize,
    layout: i32,
    dx: *mut f64,
    dx_len: usize,
) -> i32 {
    status("lrp_network_backward", || {
        let layout = args::layout(layout)?;
        let mut net = handle(net)?.write();
        let out_shape = cached_output_shape(&net, "lrp_network_backward")?;
        let in_shape = cached_input_shape(&net, "lrp_network_backward")?;
        let dy = args::input(dy, dy_len, &out_shape, layout, "dy")?;
        args::check_output(dx, dx_len, in_shape.iter().product(), &in_shape, "dx")?;
        let result = net.backward(dy.view())?;
        args::write(dx, dx_len, &result, layout, "dx")
    })
}

/// Plain SGD with the gradients of the last backward pass: W -= lrate dW, B -= lrate dB.
/// Takes the handle exclusively.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_update(net: *mut LrpNetwork, lrate: f64) -> i32 {
    status("lrp_network_update", || {
        Ok(handle(net)?.write().update(lrate)?)
    })
}

/// Drops the cached activations and gradients (the toolbox's clean()).
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_clean(net: *mut LrpNetwork) -> i32 {
    status("lrp_network_clean", || {
        handle(net)?.write().clean();
        Ok(())
    })
}

/// LRP after `lrp_network_forward`: the relevance `r` (shaped like the output, usually the
/// output masked to the class to explain, in `layout`) is sent back to the input and
/// written to `out` (shaped like the input). With `rule` NULL or "" every layer uses its preset;
/// otherwise `rule`/`param` (NaN for the default) override all layers for this call.
/// Shares the handle with other readers.
///
/// # Safety
/// `net` NULL or live; `r` NULL or `r_len` readable doubles; `rule` NULL or a
/// NUL-terminated string; `out` NULL or `out_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_lrp(
    net: *const LrpNetwork,
    r: *const f64,
    r_len: usize,
    layout: i32,
    rule: *const c_char,
    param: f64,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    status("lrp_network_lrp", || {
        let layout = args::layout(layout)?;
        let net = handle(net)?.read();
        let rule = optional_rule(rule, param)?;
        let out_shape = cached_output_shape(&net, "lrp_network_lrp")?;
        let in_shape = cached_input_shape(&net, "lrp_network_lrp")?;
        let r = args::input(r, r_len, &out_shape, layout, "r")?;
        args::check_output(out, out_len, in_shape.iter().product(), &in_shape, "out")?;
        let result = net.lrp(r.view(), rule)?;
        args::write(out, out_len, &result, layout, "out")
    })
}

/// NULL or "" means "the presets" (MATLAB passes '' more reliably than NULL for a string).
unsafe fn optional_rule(rule: *const c_char, param: f64) -> FfiResult<Option<crate::Rule>> {
    if rule.is_null() || *rule == 0 {
        Ok(None)
    } else {
        rule_arg(rule, param).map(Some)
    }
}

/// Forward and LRP in one call, for one target class per sample, without touching the
/// handle's cached state: several threads may explain with one shared handle at once.
/// `x` is the input batch as for `lrp_network_forward`; `classes` holds N 0-based class
/// indices (the output must be N x C); the output of sample n is kept only at
/// `classes[n]` and sent back with `rule`/`param` (NULL or "" rule: the presets). The relevance
/// map, shaped like `x`, goes to `out`.
///
/// # Safety
/// `net` NULL or live; `x` NULL or `x_len` readable doubles; `classes` NULL or
/// `classes_len` readable int32s; `rule` NULL or a NUL-terminated string; `out` NULL or
/// `out_len` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_explain(
    net: *const LrpNetwork,
    x: *const f64,
    x_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    layout: i32,
    classes: *const i32,
    classes_len: usize,
    rule: *const c_char,
    param: f64,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    status("lrp_network_explain", || {
        let layout = args::layout(layout)?;
        let net = handle(net)?.read();
        let rule = optional_rule(rule, param)?;
        let x = input_batch(&net, x, x_len, rank, [d0, d1, d2, d3], layout, "x")?;
        let classes = class_indices(classes, classes_len)?;
        args::check_output(out, out_len, x.len(), x.shape(), "out")?;
        let result = net.explain(x, &classes, rule)?;
        args::write(out, out_len, &result, layout, "out")
    })
}

/// Several classes explained from one forward pass, without touching the handle's cached
/// state (threads may share the handle). `x` is the input batch as for
/// `lrp_network_forward` (the output must be N x C); `classes` holds K distinct 0-based
/// class indices. For each class k, every sample's output is kept only at `classes[k]`
/// and sent back with `rule`/`param` (NULL or "" rule: the presets), giving one map
/// shaped like `x`. `out` receives the K maps one after the other: map k fills
/// `out[k * M .. (k + 1) * M]` (M = the element count of `x`) in `layout`, so the result is
/// K x (shape of x) row-major or (shape of x) x K column-major. Each map equals
/// `lrp_network_explain` with every sample's class set to `classes[k]`, but the forward pass
/// runs once.
///
/// # Safety
/// As for `lrp_network_explain`, with `out` holding `out_len` >= K * M doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_explain_classes(
    net: *const LrpNetwork,
    x: *const f64,
    x_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    layout: i32,
    classes: *const i32,
    classes_len: usize,
    rule: *const c_char,
    param: f64,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    explain_several(
        "lrp_network_explain_classes",
        net,
        (x, x_len, rank, [d0, d1, d2, d3], layout),
        (classes, classes_len),
        (rule, param),
        (out, out_len),
        false,
    )
}

/// The Caffe toolbox's composite map of a set of classes, without touching the handle's
/// cached state: for every sample, the outputs of the K 0-based `classes` are kept (the
/// rest set to zero) and their sum is explained with `rule`/`param` (NULL or "" rule: the
/// presets) in one LRP pass. The map, shaped like `x`, goes to `out` in `layout`. Equals
/// the sum of the classes' single maps.
///
/// # Safety
/// As for `lrp_network_explain`.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_explain_class_set(
    net: *const LrpNetwork,
    x: *const f64,
    x_len: usize,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    layout: i32,
    classes: *const i32,
    classes_len: usize,
    rule: *const c_char,
    param: f64,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    explain_several(
        "lrp_network_explain_class_set",
        net,
        (x, x_len, rank, [d0, d1, d2, d3], layout),
        (classes, classes_len),
        (rule, param),
        (out, out_len),
        true,
    )
}

/// The body of `lrp_network_explain_classes` (`one_map` false: K maps one after the
/// other) and `lrp_network_explain_class_set` (`one_map` true: the map of the set), whose
/// arguments are the same.
///
/// # Safety
/// As for those two functions.
unsafe fn explain_several(
    function: &str,
    net: *const LrpNetwork,
    (x, x_len, rank, dims, layout): (*const f64, usize, i32, [usize; 4], i32),
    (classes, classes_len): (*const i32, usize),
    (rule, param): (*const c_char, f64),
    (out, out_len): (*mut f64, usize),
    one_map: bool,
) -> i32 {
    status(function, || {
        let layout = args::layout(layout)?;
        let net = handle(net)?.read();
        let rule = optional_rule(rule, param)?;
        let x = input_batch(&net, x, x_len, rank, dims, layout, "x")?;
        let classes = class_indices(classes, classes_len)?;
        let per_map = x.len();
        let maps = if one_map { 1 } else { classes.len() };
        let mut all_shape = vec![maps];
        all_shape.extend_from_slice(x.shape());
        let needed = per_map
            .checked_mul(maps)
            .ok_or_else(|| Failure::invalid("K maps of x overflow the address space"))?;
        args::check_output(
            out,
            out_len,
            needed,
            &all_shape[usize::from(one_map)..],
            "out",
        )?;
        if one_map {
            let map = net.explain_class_set(x, &classes, rule)?;
            return args::write(out, out_len, &map, layout, "out");
        }
        // Map k goes to its own block of the caller's buffer, in the caller's layout.
        for (k, map) in net
            .explain_classes(x, &classes, rule)?
            .outer_iter()
            .enumerate()
        {
            args::write(out.add(k * per_map), per_map, &map, layout, "out")?;
        }
        Ok(())
    })
}

/// 0-based class indices; negative ones are rejected.
unsafe fn class_indices(classes: *const i32, len: usize) -> FfiResult<Vec<usize>> {
    if classes.is_null() {
        return Err(Failure::null("classes"));
    }
    std::slice::from_raw_parts(classes, len)
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            usize::try_from(c).map_err(|_| {
                Failure::invalid(format!("classes[{i}] must be >= 0 (0-based), given {c}"))
            })
        })
        .collect()
}

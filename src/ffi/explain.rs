//! One explain call for every method (LRP with rules, composites and canonizers, and the
//! gradient methods) taking an options handle (`LrpExplainOptions`) and arrays as data,
//! dims and rank, plus the query that gives the result's dims.

use super::args::{self, Layout};
use super::array;
use super::explain_options::{GivenArray, LrpExplainOptions, Plan, Targets};
use super::network::{handle, LrpNetwork};
use super::status::{status, Failure, FfiResult, LRP_ERR_SHAPE_MISMATCH};
use crate::canonizer::Canonizer;
use crate::element::{Element, Precision};
use crate::gradient_methods::GradientMethod;
use crate::network::{Computes, Network};
use ndarray::{ArrayD, CowArray, IxDyn};
use std::borrow::Cow;

/// The network an explanation runs on: the handle's own, or a private copy with the
/// options' canonizers, convention and composite applied (the handle stays as it is).
fn working_network<'a>(net: &'a Network, plan: &Plan) -> FfiResult<Cow<'a, Network>> {
    if plan.canonizers.is_none() && plan.convention.is_none() && plan.composite.is_none() {
        return Ok(Cow::Borrowed(net));
    }
    // One copy (without the cached forward pass), its convention set before the canonizers:
    // under zennit's, the BatchNorm merge leaves the 1/sqrt(1+eps) that zennit's leaves.
    let mut copy = net.canonized(&[])?;
    if let Some(convention) = plan.convention {
        copy.set_convention(convention);
    }
    let mut copy = match &plan.canonizers {
        Some(Some(list)) => copy.into_canonized(list)?,
        Some(None) => {
            let list = Canonizer::for_model(&copy);
            copy.into_canonized(&list)?
        }
        None => copy,
    };
    if let Some(composite) = &plan.composite {
        copy.set_composite(composite)?;
    }
    Ok(Cow::Owned(copy))
}

/// Dims without their trailing 1s (at least one kept): arrays the caller gives with MATLAB's
/// size() compare equal to the library's.
fn trimmed(dims: &[usize]) -> &[usize] {
    let mut end = dims.len();
    while end > 1 && dims[end - 1] == 1 {
        end -= 1;
    }
    &dims[..end]
}

/// A given array of the options, read in `layout` with the library's `shape` when its
/// dims are the same (up to trailing 1s), else a shape mismatch naming it.
fn given_array(
    given: &GivenArray,
    shape: &[usize],
    layout: Layout,
    what: &str,
    against: &str,
) -> FfiResult<ArrayD<f64>> {
    if trimmed(&given.dims) != trimmed(shape) {
        return Err(Failure::new(
            LRP_ERR_SHAPE_MISMATCH,
            format!(
                "the {what} array has dims {:?}, expected {shape:?} ({against})",
                given.dims
            ),
        ));
    }
    // SAFETY: the options hold exactly the elements of their dims, which equal `shape`'s.
    Ok(
        unsafe { args::input(given.data.as_ptr(), given.data.len(), shape, layout, what)? }
            .into_owned(),
    )
}

/// What an explanation of an input of `x_shape` gives: the dims of one map and the number
/// of maps. Checks the targets against the network's output (N x C, classes below C, one
/// class per sample) and the given arrays' dims.
fn result_shape(
    net: &Network,
    opts: &LrpExplainOptions,
    plan: &Plan,
    x_shape: &[usize],
) -> FfiResult<(Vec<usize>, usize)> {
    let y = net.output_shape(x_shape)?;
    match &opts.start {
        Some(start) => {
            if trimmed(&start.dims) != trimmed(&y) {
                return Err(Failure::new(
                    LRP_ERR_SHAPE_MISMATCH,
                    format!(
                        "the start array has dims {:?}, expected {y:?} (the network's output \
                         for x)",
                        start.dims
                    ),
                ));
            }
        }
        None => {
            let &[n, c] = y.as_slice() else {
                return Err(Failure::invalid(format!(
                    "targets need an N x C output, the network gives {y:?}: give a start \
                     array (lrp_explain_options_set_array) instead"
                )));
            };
            if let Some((i, k)) = plan.classes.iter().enumerate().find(|(_, &k)| k >= c) {
                return Err(Failure::invalid(format!(
                    "classes[{i}] must be below the network's {c} classes, given {k}"
                )));
            }
            if plan.targets == Targets::PerSample && plan.classes.len() != n {
                return Err(Failure::new(
                    LRP_ERR_SHAPE_MISMATCH,
                    format!(
                        "classes has {} values, expected one per sample: {n} (targets \
                         per_sample)",
                        plan.classes.len()
                    ),
                ));
            }
        }
    }
    if let Some(baseline) = &opts.baseline {
        // A baseline any other method would ignore is an error, as lrp_network_attribute's.
        if !matches!(
            plan.method,
            Some(GradientMethod::IntegratedGradients { .. })
        ) {
            return Err(Failure::invalid(format!(
                "only integrated_gradients takes a baseline array, given one for {} (clear \
                 it with lrp_explain_options_set_array and NULL data)",
                plan.method.map_or("lrp", |m| m.name())
            )));
        }
        if trimmed(&baseline.dims) != trimmed(x_shape) {
            return Err(Failure::new(
                LRP_ERR_SHAPE_MISMATCH,
                format!(
                    "the baseline array has dims {:?}, expected {x_shape:?} (the dims of x)",
                    baseline.dims
                ),
            ));
        }
    }
    let per_map = match &plan.method {
        Some(method) => method.output_shape_in(x_shape, net.layout()),
        None => x_shape.to_vec(),
    };
    let maps = if plan.targets == Targets::Each && opts.start.is_none() {
        plan.classes.len()
    } else {
        1
    };
    Ok((per_map, maps))
}

/// The dims the caller sees: one map's, or with targets "each" K maps one after the other,
/// K first in row-major order and last in column-major order (map k is the k-th block of
/// the buffer either way).
fn caller_dims(per_map: &[usize], maps: usize, each: bool, layout: Layout) -> Vec<usize> {
    if !each {
        return per_map.to_vec();
    }
    let mut dims = per_map.to_vec();
    match layout {
        Layout::RowMajor => dims.insert(0, maps),
        Layout::ColMajor => dims.push(maps),
    }
    dims
}

/// The start array of the options, if any, read with the network's output shape for `x`.
fn start_array(
    net: &Network,
    opts: &LrpExplainOptions,
    x_shape: &[usize],
) -> FfiResult<Option<ArrayD<f64>>> {
    let y_shape = net.output_shape(x_shape)?;
    opts.start
        .as_ref()
        .map(|s| {
            given_array(
                s,
                &y_shape,
                opts.layout,
                "start",
                "the network's output for x",
            )
        })
        .transpose()
}

/// Runs the explanation of the checked input `x` (caller data of type `E`): the maps in
/// order, each shaped as [`result_shape`] says. LRP computes in the network's precision
/// (the data converted once each way when that is not `E`); the gradient methods in f64.
fn run<E: Element>(
    net: &Network,
    opts: &LrpExplainOptions,
    plan: &Plan,
    x: CowArray<E, IxDyn>,
) -> FfiResult<Vec<ArrayD<E>>> {
    Ok(match (plan.method, net.precision()) {
        (None, Precision::F64) => run_lrp(net, opts, plan, E::into_f64s(x))?
            .into_iter()
            .map(E::from_f64s)
            .collect(),
        (None, Precision::F32) => run_lrp(net, opts, plan, E::into_f32s(x))?
            .into_iter()
            .map(E::from_f32s)
            .collect(),
        (Some(method), _) => run_gradient(net, opts, plan, method, E::into_f64s(x))?
            .into_iter()
            .map(E::from_f64s)
            .collect(),
    })
}

/// LRP computed in `T`: one forward pass, then one backward pass per map.
fn run_lrp<T: Computes>(
    net: &Network,
    opts: &LrpExplainOptions,
    plan: &Plan,
    x: CowArray<T, IxDyn>,
) -> FfiResult<Vec<ArrayD<T>>> {
    let Some(start) = start_array(net, opts, x.shape())? else {
        return Ok(net
            .explain_targets_in(x, plan.core_targets(), plan.rule.clone())?
            .maps);
    };
    let trace = net.trace_in(x)?;
    let start = T::from_f64s(start);
    Ok(vec![net.lrp_trace_in(
        &trace,
        start.view(),
        plan.rule.clone(),
    )?])
}

/// A gradient method (in f64).
fn run_gradient(
    net: &Network,
    opts: &LrpExplainOptions,
    plan: &Plan,
    method: GradientMethod,
    x: CowArray<f64, IxDyn>,
) -> FfiResult<Vec<ArrayD<f64>>> {
    let y_shape = net.output_shape(x.shape())?;
    let start = start_array(net, opts, x.shape())?;
    let baseline = match &opts.baseline {
        Some(b) => Some(given_array(
            b,
            x.shape(),
            opts.layout,
            "baseline",
            "the dims of x",
        )?),
        None => None,
    };
    let batches = match start {
        Some(start) => vec![start],
        None => {
            // Top needs the prediction; the others only the output's shape.
            let y = if plan.targets == Targets::Top {
                net.trace(x.view())?.output().clone()
            } else {
                ArrayD::zeros(IxDyn(&y_shape))
            };
            plan.core_targets().batches(&y, false)
        }
    };
    batches
        .iter()
        .map(|dy| {
            Ok(net.attribute_with_baseline(
                x.view(),
                dy.view(),
                method,
                baseline.as_ref().map(|b| b.view()),
            )?)
        })
        .collect()
}

/// The dims of what `lrp_network_explain_with` gives for an input of `x_rank` dims `x_dims`
/// with `opts` (NULL: the defaults): written to `out_dims` (room for `out_dims_cap`
/// values) and the rank to `*out_rank`; `out_dims` NULL with `out_dims_cap` 0 asks for the
/// rank alone. The dims of x for every method and target but two: "sensitivity" gives
/// N x H x W x 1 (toolbox models) or N x 1 x H x W (ONNX models) for an image batch, and
/// targets "each" with K classes gives K maps: K x (dims of x) in row-major order,
/// (dims of x) x K in column-major order (map k is the k-th block of the buffer either
/// way). Checks everything the explain call checks short of the input's values, with the
/// same errors. Nothing is written on failure. Shares the handle (thread-safe).
///
/// # Safety
/// `net` NULL or live; `opts` NULL or live; `x_dims` NULL or `x_rank` readable values;
/// `out_dims` NULL or `out_dims_cap` writable values; `out_rank` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_explain_dims(
    net: *const LrpNetwork,
    opts: *const LrpExplainOptions,
    x_dims: *const usize,
    x_rank: i32,
    out_dims: *mut usize,
    out_dims_cap: usize,
    out_rank: *mut i32,
) -> i32 {
    status("lrp_network_explain_dims", || {
        let handle = handle(net)?;
        let defaults = LrpExplainOptions::default();
        let opts = opts.as_ref().unwrap_or(&defaults);
        let plan = opts.plan()?;
        let given = array::dims(x_dims, x_rank, "x_dims", "x_rank")?;
        let guard = handle.read();
        let net = working_network(&guard, &plan)?;
        let x_shape = args::fit_input_shape(&net, given);
        let (per_map, maps) = result_shape(&net, opts, &plan, &x_shape)?;
        let each = plan.targets == Targets::Each && opts.start.is_none();
        let dims = caller_dims(&per_map, maps, each, opts.layout);
        array::write_dims(&dims, out_dims, out_dims_cap, out_rank)
    })
}

/// Explains the input batch `x` (`x_rank` dims `x_dims`, batch first in the network's axis
/// order: N x C x H x W for ONNX models, N x H x W x D for toolbox models, N x M for dense
/// batches; its element count the product of the dims, in the options' layout) as `opts`
/// says (NULL: the defaults, LRP with each layer's preset for each sample's top class; see
/// `lrp_explain_options_set` and `lrp_explain_options_set_str`), and writes the result
/// (dims from `lrp_network_explain_dims`) to `out`, which holds `out_len` doubles, in the
/// options' layout.
///
/// LRP starts from the output masked to the targets (each sample's output kept at its
/// class, or at each class of a set, zero elsewhere) or from the options' start array; the
/// gradient methods from the one-hot of the targets (dy) or the start array. Stateless:
/// the handle's cached forward pass and presets are neither used nor changed, so threads
/// may call it on one shared handle at once (and share one options handle while no thread
/// sets it). Cost: one forward pass and one backward pass per map (targets "each": K
/// backward passes share the forward pass); a gradient method with targets "top" runs one
/// more forward pass to find the top classes; SmoothGrad and integrated gradients times
/// their samples or steps; with a composite, canonizers or a convention in the options, a
/// copy of the network's parameters per call.
///
/// Errors (nothing is written to `out` on any): NULL `net`, `x`, `x_dims` or `out`
/// (LRP_ERR_NULL_ARGUMENT); a rank outside 1..LRP_MAX_RANK, a dim of 0, an element count
/// that overflows, options that contradict each other, classes out of range
/// (LRP_ERR_INVALID_ARGUMENT); an input the network does not take, a given array whose dims
/// do not fit, a per-sample class count other than N, `out_len` below the result's element
/// count (LRP_ERR_SHAPE_MISMATCH, expected and given); NaN or infinite values
/// (LRP_ERR_NON_FINITE). Each message names the argument or option.
///
/// # Safety
/// `net` NULL or live; `opts` NULL or live; `x_dims` NULL or `x_rank` readable values; `x`
/// NULL or readable for the product of `x_dims` doubles; `out` NULL or `out_len` writable
/// doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_explain_with(
    net: *const LrpNetwork,
    opts: *const LrpExplainOptions,
    x: *const f64,
    x_dims: *const usize,
    x_rank: i32,
    out: *mut f64,
    out_len: usize,
) -> i32 {
    status("lrp_network_explain_with", || {
        explain_with(net, opts, x, x_dims, x_rank, out, out_len)
    })
}

/// The body of `lrp_network_explain_with` and `lrp_network_explain_with_f32` for caller
/// data of type `E`.
///
/// # Safety
/// As `lrp_network_explain_with`, with `E` for double.
pub(crate) unsafe fn explain_with<E: Element>(
    net: *const LrpNetwork,
    opts: *const LrpExplainOptions,
    x: *const E,
    x_dims: *const usize,
    x_rank: i32,
    out: *mut E,
    out_len: usize,
) -> FfiResult<()> {
    let handle = handle(net)?;
    let defaults = LrpExplainOptions::default();
    let opts = opts.as_ref().unwrap_or(&defaults);
    let plan = opts.plan()?;
    let given = array::dims(x_dims, x_rank, "x_dims", "x_rank")?;
    let guard = handle.read();
    let net = working_network(&guard, &plan)?;
    let x = array::input_batch(&net, x, given, opts.layout)?;
    let (per_map, maps) = result_shape(&net, opts, &plan, x.shape())?;
    let each = plan.targets == Targets::Each && opts.start.is_none();
    let dims = caller_dims(&per_map, maps, each, opts.layout);
    array::check_out(out, out_len, &dims, "out")?;
    let results = run(&net, opts, &plan, x)?;
    debug_assert_eq!(results.len(), maps);
    let block = array::count(&per_map);
    for (k, map) in results.iter().enumerate() {
        array::write(out.add(k * block), block, map, opts.layout, "out")?;
    }
    Ok(())
}

//! Building graphs from C and reading them back: a layer-spec handle that describes one
//! layer of any kind (its attributes by name, its parameters as arrays), a call that adds it
//! as a node taking the values the caller names, and queries of any node's inputs,
//! attributes, parameters and the rules it accepts.
//!
//! One table per kind ([`attribute_defs`], [`param_defs`]) says which names exist, their
//! defaults and their checks; building a layer from a spec ([`build`]) and reading a node
//! back ([`attributes_of`], [`params_of`]) use the same names, so a node read back can be
//! rebuilt from what the queries give.

use super::args::{self, out, text, Layout};
use super::network::{handle, layer_at, rule_arg, LrpNetwork};
use super::status::{status, value, Failure, FfiResult, LRP_ERR_SHAPE_MISMATCH};
use crate::layers::{BatchNorm, Convolution, Layer, LayerKind, Linear, Pool, Reshape};
use ndarray::{Array1, ArrayD, IxDyn};
use std::ffi::c_char;

/// The size of the name buffer `lrp_node_attribute_name` and `lrp_node_param_name` need,
/// in bytes: every attribute and parameter name with its NUL fits.
pub const LRP_NODE_NAME_LEN: usize = 32;
/// The highest rank of a layer parameter (a Convolution's W: hf x wf x df x nf): the size
/// of the `dims` buffer `lrp_node_param_shape` needs at most.
pub const LRP_NODE_MAX_PARAM_RANK: usize = 4;
/// The largest whole-number attribute (a size, stride, padding, dilation or group count).
pub const LRP_NODE_MAX_ATTRIBUTE: usize = 16_777_216;
/// The most inputs `lrp_network_add_node` takes for one node; more is
/// LRP_ERR_INVALID_ARGUMENT before any is read.
pub const LRP_NODE_MAX_INPUTS: usize = 65_536;

/// The values an attribute may take.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Check {
    /// A whole number from `min` to LRP_NODE_MAX_ATTRIBUTE.
    Count { min: usize },
    /// 0 or 1.
    Flag,
    /// A finite number >= 0.
    NonNegative,
}

/// One attribute of a kind: its name, its default (`None`: required) and its check.
struct AttributeDef {
    name: &'static str,
    default: Option<f64>,
    check: Check,
}

const fn attr(name: &'static str, default: Option<f64>, check: Check) -> AttributeDef {
    AttributeDef {
        name,
        default,
        check,
    }
}

const AT_LEAST_0: Check = Check::Count { min: 0 };
const AT_LEAST_1: Check = Check::Count { min: 1 };

const CONVOLUTION_ATTRIBUTES: &[AttributeDef] = &[
    attr("stride_h", Some(1.0), AT_LEAST_1),
    attr("stride_w", Some(1.0), AT_LEAST_1),
    attr("pad_top", Some(0.0), AT_LEAST_0),
    attr("pad_left", Some(0.0), AT_LEAST_0),
    attr("pad_bottom", Some(0.0), AT_LEAST_0),
    attr("pad_right", Some(0.0), AT_LEAST_0),
    attr("dilation_h", Some(1.0), AT_LEAST_1),
    attr("dilation_w", Some(1.0), AT_LEAST_1),
    attr("groups", Some(1.0), AT_LEAST_1),
];

const POOL_ATTRIBUTES: &[AttributeDef] = &[
    attr("kernel_h", None, AT_LEAST_1),
    attr("kernel_w", None, AT_LEAST_1),
    attr("stride_h", Some(1.0), AT_LEAST_1),
    attr("stride_w", Some(1.0), AT_LEAST_1),
    attr("pad_top", Some(0.0), AT_LEAST_0),
    attr("pad_left", Some(0.0), AT_LEAST_0),
    attr("pad_bottom", Some(0.0), AT_LEAST_0),
    attr("pad_right", Some(0.0), AT_LEAST_0),
    attr("ceil_mode", Some(0.0), Check::Flag),
];

const AVGPOOL_ATTRIBUTES: &[AttributeDef] = &[
    attr("kernel_h", None, AT_LEAST_1),
    attr("kernel_w", None, AT_LEAST_1),
    attr("stride_h", Some(1.0), AT_LEAST_1),
    attr("stride_w", Some(1.0), AT_LEAST_1),
    attr("pad_top", Some(0.0), AT_LEAST_0),
    attr("pad_left", Some(0.0), AT_LEAST_0),
    attr("pad_bottom", Some(0.0), AT_LEAST_0),
    attr("pad_right", Some(0.0), AT_LEAST_0),
    attr("ceil_mode", Some(0.0), Check::Flag),
    attr("count_include_pad", Some(1.0), Check::Flag),
];

/// PyTorch's default epsilon of BatchNorm2d.
const BATCHNORM_ATTRIBUTES: &[AttributeDef] = &[attr("eps", Some(1e-5), Check::NonNegative)];

/// The attributes of a kind, in the order `lrp_node_attribute_name` lists them.
fn attribute_defs(kind: LayerKind) -> &'static [AttributeDef] {
    match kind {
        LayerKind::Convolution => CONVOLUTION_ATTRIBUTES,
        LayerKind::MaxPool | LayerKind::SumPool => POOL_ATTRIBUTES,
        LayerKind::AvgPool => AVGPOOL_ATTRIBUTES,
        LayerKind::BatchNorm => BATCHNORM_ATTRIBUTES,
        _ => &[],
    }
}

/// The rank a parameter must have.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rank {
    /// Exactly this many dimensions.
    Exactly(usize),
    /// A vector: any rank with at most one dimension other than 1 (n, 1 x n, n x 1, ...),
    /// as MATLAB holds vectors.
    Vector,
}

/// One parameter of a kind: its name, its layout (for messages), its rank and whether a
/// spec must give it (else its default, see `build`).
struct ParamDef {
    name: &'static str,
    layout: &'static str,
    rank: Rank,
    required: bool,
}

const fn param(name: &'static str, layout: &'static str, rank: Rank, required: bool) -> ParamDef {
    ParamDef {
        name,
        layout,
        rank,
        required,
    }
}

const LINEAR_PARAMS: &[ParamDef] = &[
    param("W", "m x n", Rank::Exactly(2), true),
    param("B", "n", Rank::Vector, false),
];
const CONVOLUTION_PARAMS: &[ParamDef] = &[
    param("W", "hf x wf x df x nf", Rank::Exactly(4), true),
    param("B", "nf", Rank::Vector, false),
];
const BATCHNORM_PARAMS: &[ParamDef] = &[
    param("mean", "channels", Rank::Vector, true),
    param("var", "channels", Rank::Vector, true),
    param("gamma", "channels", Rank::Vector, false),
    param("beta", "channels", Rank::Vector, false),
];
const RESHAPE_PARAMS: &[ParamDef] = &[param("shape", "rank of the result", Rank::Vector, true)];

/// The parameters of a kind, in the order `lrp_node_param_name` lists them.
fn param_defs(kind: LayerKind) -> &'static [ParamDef] {
    match kind {
        LayerKind::Linear => LINEAR_PARAMS,
        LayerKind::Convolution => CONVOLUTION_PARAMS,
        LayerKind::BatchNorm => BATCHNORM_PARAMS,
        LayerKind::Reshape => RESHAPE_PARAMS,
        _ => &[],
    }
}

/// "a, b, c", or "none" for an empty list.
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = names.collect();
    if all.is_empty() {
        "none".to_string()
    } else {
        all.join(", ")
    }
}

/// The definition named `name` (case-insensitive) among a kind's attributes.
fn find_attribute(kind: LayerKind, name: &str) -> FfiResult<(usize, &'static AttributeDef)> {
    let defs = attribute_defs(kind);
    defs.iter()
        .enumerate()
        .find(|(_, d)| d.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            Failure::invalid(format!(
                "unknown attribute '{name}' of {} (its attributes: {})",
                kind.name(),
                listed(defs.iter().map(|d| d.name))
            ))
        })
}

/// The definition named `name` (case-insensitive) among a kind's parameters.
fn find_param(kind: LayerKind, name: &str) -> FfiResult<(usize, &'static ParamDef)> {
    let defs = param_defs(kind);
    defs.iter()
        .enumerate()
        .find(|(_, d)| d.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            Failure::invalid(format!(
                "unknown parameter '{name}' of {} (its parameters: {})",
                kind.name(),
                listed(defs.iter().map(|d| d.name))
            ))
        })
}

/// A kind from its LRP_LAYER_* number.
fn kind_arg(kind: i32) -> FfiResult<LayerKind> {
    LayerKind::from_code(kind).ok_or_else(|| {
        Failure::invalid(format!(
            "kind must be one of the LRP_LAYER_* values 1 to {}, given {kind}",
            LayerKind::ALL.len()
        ))
    })
}

/// `value` checked against the attribute's range.
fn checked_attribute(kind: LayerKind, def: &AttributeDef, value: f64) -> FfiResult<f64> {
    let fits = match def.check {
        Check::Count { min } => {
            value.fract() == 0.0 && value >= min as f64 && value <= LRP_NODE_MAX_ATTRIBUTE as f64
        }
        Check::Flag => value == 0.0 || value == 1.0,
        Check::NonNegative => value.is_finite() && value >= 0.0,
    };
    if fits {
        return Ok(value);
    }
    let wanted = match def.check {
        Check::Count { min } => {
            format!("a whole number from {min} to {LRP_NODE_MAX_ATTRIBUTE}")
        }
        Check::Flag => "0 or 1".to_string(),
        Check::NonNegative => "finite and >= 0".to_string(),
    };
    Err(Failure::invalid(format!(
        "attribute {} of {} must be {wanted}, given {value}",
        def.name,
        kind.name()
    )))
}

/// A description of one layer, filled by name and turned into a node by
/// `lrp_network_add_node` (which copies it: one spec may add many nodes). Create it with
/// `lrp_layer_spec_new`, free it with `lrp_layer_spec_free`. Not for concurrent
/// modification; several threads may add nodes from one spec that none modifies.
pub struct LrpLayerSpec {
    kind: LayerKind,
    /// Set attributes, by their index in `attribute_defs(kind)`.
    attributes: Vec<Option<f64>>,
    /// Set parameters, row-major in the shape given, by their index in `param_defs(kind)`.
    params: Vec<Option<ArrayD<f64>>>,
}

/// The spec behind a pointer, checked for NULL.
///
/// # Safety
/// `ptr` must be NULL or a live spec from `lrp_layer_spec_new`.
unsafe fn spec_ref<'a>(ptr: *const LrpLayerSpec) -> FfiResult<&'a LrpLayerSpec> {
    ptr.as_ref().ok_or_else(|| Failure::null("spec"))
}

/// A new layer spec of `kind` (one of the LRP_LAYER_* values) with no attribute or
/// parameter set. NULL for an unknown kind (`lrp_last_status` gives
/// LRP_ERR_INVALID_ARGUMENT, `lrp_last_error` the message). Free it with
/// `lrp_layer_spec_free`.
///
/// What each kind takes (names are case-insensitive; attributes are doubles, parameters
/// arrays of doubles; sizes in cells, images N x H x W x D inside the network):
/// - LRP_LAYER_LINEAR: parameters W (m x n) and B (n, default zeros). Y = X W + B.
/// - LRP_LAYER_CONVOLUTION: parameters W (hf x wf x df x nf; df = input channels / groups)
///   and B (nf, default zeros); attributes stride_h, stride_w (default 1), pad_top,
///   pad_left, pad_bottom, pad_right (default 0), dilation_h, dilation_w (default 1),
///   groups (default 1; divides nf).
/// - LRP_LAYER_MAXPOOL, LRP_LAYER_SUMPOOL: attributes kernel_h, kernel_w (required),
///   stride_h, stride_w (default 1), pad_top, pad_left, pad_bottom, pad_right (default 0,
///   each below the window's size), ceil_mode (0 or 1, default 0).
/// - LRP_LAYER_AVGPOOL: as MaxPool, plus count_include_pad (0 or 1, default 1).
/// - LRP_LAYER_BATCHNORM: parameters mean and var (one per channel, required), gamma
///   (default ones) and beta (default zeros); attribute eps (>= 0, default 1e-5).
/// - LRP_LAYER_RESHAPE: parameter shape (the target shape, batch first, of the input's
///   channels-first view: 0 keeps a dimension, -1 takes what is left; as ONNX's Reshape).
/// - LRP_LAYER_FLATTEN, RECT, TANH, SOFTMAX, GLOBALAVGPOOL, IDENTITY: nothing.
/// - LRP_LAYER_ADD, LRP_LAYER_SUM, LRP_LAYER_CONCAT: nothing; they take two or more
///   inputs (Concat joins them along the channels).
#[no_mangle]
pub extern "C" fn lrp_layer_spec_new(kind: i32) -> *mut LrpLayerSpec {
    value("lrp_layer_spec_new", std::ptr::null_mut(), || {
        let kind = kind_arg(kind)?;
        Ok(Box::into_raw(Box::new(LrpLayerSpec {
            kind,
            attributes: vec![None; attribute_defs(kind).len()],
            params: vec![None; param_defs(kind).len()],
        })))
    })
}

/// Frees a layer spec. NULL is a no-op. Nodes added from it stay in their networks.
///
/// # Safety
/// `spec` must be NULL or from `lrp_layer_spec_new`, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_spec_free(spec: *mut LrpLayerSpec) {
    if !spec.is_null() {
        drop(Box::from_raw(spec));
    }
}

/// Sets attribute `name` (case-insensitive, see `lrp_layer_spec_new` for each kind's) to
/// `value`. An unknown name (the message lists the kind's attributes) or a value out of the
/// attribute's range (sizes must be whole numbers from their minimum to
/// LRP_NODE_MAX_ATTRIBUTE, flags 0 or 1, eps finite and >= 0) is
/// LRP_ERR_INVALID_ARGUMENT; the spec is then unchanged. Setting it again replaces it.
///
/// # Safety
/// `spec` NULL or live; `name` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_spec_set(
    spec: *mut LrpLayerSpec,
    name: *const c_char,
    value: f64,
) -> i32 {
    status("lrp_layer_spec_set", || {
        let spec = spec.as_mut().ok_or_else(|| Failure::null("spec"))?;
        let name = text(name, "name")?;
        let (i, def) = find_attribute(spec.kind, name)?;
        spec.attributes[i] = Some(checked_attribute(spec.kind, def, value)?);
        Ok(())
    })
}

/// The dims of a caller's array, checked: rank 1 to LRP_NODE_MAX_PARAM_RANK, each at
/// least 1, the element count addressable.
///
/// # Safety
/// `dims` must be NULL or readable for `rank` values when `rank` is in range.
unsafe fn dims_arg(dims: *const usize, rank: i32) -> FfiResult<Vec<usize>> {
    if !(1..=LRP_NODE_MAX_PARAM_RANK as i32).contains(&rank) {
        return Err(Failure::invalid(format!(
            "rank must be 1 to {LRP_NODE_MAX_PARAM_RANK}, given {rank}"
        )));
    }
    if dims.is_null() {
        return Err(Failure::null("dims"));
    }
    let dims = std::slice::from_raw_parts(dims, rank as usize).to_vec();
    if dims.contains(&0) {
        return Err(Failure::invalid(format!(
            "every dimension must be at least 1, given dims {dims:?}"
        )));
    }
    crate::buffer::check_memory("dims", &dims)?;
    Ok(dims)
}

/// Whether `dims` has the rank a parameter needs.
fn rank_fits(rank: Rank, dims: &[usize]) -> bool {
    match rank {
        Rank::Exactly(r) => dims.len() == r,
        Rank::Vector => dims.iter().filter(|&&d| d != 1).count() <= 1,
    }
}

/// Sets parameter `name` (case-insensitive: W, B of Linear and Convolution; mean, var,
/// gamma, beta of BatchNorm; shape of Reshape) to the array `data` of shape
/// `dims[0] x ... x dims[rank-1]` in `layout`, copied. The rank must be the parameter's
/// (W of Linear 2: m x n; W of Convolution 4: hf x wf x df x nf; the vectors any rank
/// with at most one dimension other than 1, as MATLAB holds them), every dimension at
/// least 1, every value finite (Reshape's shape: whole numbers >= -1). Whether the
/// parameters fit each other (B's length against W's last dimension, ...) is checked by
/// `lrp_network_add_node`, whether they fit the node's input when the network runs.
/// Unknown name, bad rank, layout or value: an error naming it (LRP_ERR_INVALID_ARGUMENT,
/// LRP_ERR_SHAPE_MISMATCH for a rank, LRP_ERR_NON_FINITE for NaN or infinity); the spec is
/// then unchanged.
///
/// # Safety
/// `spec` NULL or live; `name` NULL or NUL-terminated; `dims` NULL or `rank` readable
/// sizes; `data` NULL or readable for the product of the dims doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_spec_set_param(
    spec: *mut LrpLayerSpec,
    name: *const c_char,
    data: *const f64,
    dims: *const usize,
    rank: i32,
    layout: i32,
) -> i32 {
    status("lrp_layer_spec_set_param", || {
        let spec = spec.as_mut().ok_or_else(|| Failure::null("spec"))?;
        let name = text(name, "name")?;
        let layout = args::layout(layout)?;
        let (i, def) = find_param(spec.kind, name)?;
        let dims = dims_arg(dims, rank)?;
        if !rank_fits(def.rank, &dims) {
            let wanted = match def.rank {
                Rank::Exactly(r) => format!("rank {r} ({})", def.layout),
                Rank::Vector => format!("a vector ({})", def.layout),
            };
            return Err(Failure::new(
                LRP_ERR_SHAPE_MISMATCH,
                format!(
                    "{} of {} must be {wanted}, given dims {dims:?}",
                    def.name,
                    spec.kind.name()
                ),
            ));
        }
        let count = dims.iter().product();
        let array = args::input(data, count, &dims, layout, "data")?.into_owned();
        let what = format!("{} of {}", def.name, spec.kind.name());
        crate::network::check_finite(&what, &array.view())?;
        if spec.kind == LayerKind::Reshape {
            if let Some(v) = array.iter().find(|&&v| v.fract() != 0.0 || v < -1.0) {
                return Err(Failure::invalid(format!(
                    "{what} must hold whole numbers >= -1, given {v}"
                )));
            }
        }
        spec.params[i] = Some(array);
        Ok(())
    })
}

impl LrpLayerSpec {
    /// Attribute `name` as set or its default; a required one not set is an error.
    fn attribute(&self, name: &str) -> FfiResult<f64> {
        let (i, def) = find_attribute(self.kind, name).expect("a name of the kind's table");
        self.attributes[i].or(def.default).ok_or_else(|| {
            Failure::invalid(format!(
                "{} needs attribute {name}, which is not set",
                self.kind.name()
            ))
        })
    }

    /// A whole-number attribute (checked when set).
    fn count(&self, name: &str) -> FfiResult<usize> {
        Ok(self.attribute(name)? as usize)
    }

    fn pair(&self, a: &str, b: &str) -> FfiResult<(usize, usize)> {
        Ok((self.count(a)?, self.count(b)?))
    }

    fn padding(&self) -> FfiResult<[usize; 4]> {
        Ok([
            self.count("pad_top")?,
            self.count("pad_left")?,
            self.count("pad_bottom")?,
            self.count("pad_right")?,
        ])
    }

    /// Parameter `name` as set; a required one not set is an error.
    fn param(&self, name: &str) -> FfiResult<Option<&ArrayD<f64>>> {
        let (i, def) = find_param(self.kind, name).expect("a name of the kind's table");
        match &self.params[i] {
            Some(a) => Ok(Some(a)),
            None if def.required => Err(Failure::invalid(format!(
                "{} needs parameter {} ({}), which is not set",
                self.kind.name(),
                def.name,
                def.layout
            ))),
            None => Ok(None),
        }
    }

    /// A vector parameter, or `default` repeated `len` times when it is not set.
    fn vector(&self, name: &str, len: usize, default: f64) -> FfiResult<Array1<f64>> {
        Ok(match self.param(name)? {
            Some(a) => Array1::from_iter(a.iter().copied()),
            None => Array1::from_elem(len, default),
        })
    }

    /// The pooling of a pool kind.
    fn pool(&self) -> FfiResult<Pool> {
        let pool = Pool::new(
            self.pair("kernel_h", "kernel_w")?,
            self.pair("stride_h", "stride_w")?,
        )?
        .with_padding(self.padding()?)?
        .with_ceil_mode(self.attribute("ceil_mode")? != 0.0);
        Ok(if self.kind == LayerKind::AvgPool {
            pool.with_count_include_pad(self.attribute("count_include_pad")? != 0.0)
        } else {
            pool
        })
    }

    /// The layer this spec describes; parameters that do not fit each other are an error
    /// naming them, expected and given.
    fn build(&self) -> FfiResult<Layer> {
        Ok(match self.kind {
            LayerKind::Linear => {
                let w = self.param("W")?.expect("required").clone();
                let w = w.into_dimensionality().expect("rank checked when set");
                let b = self.vector("B", w.ncols(), 0.0)?;
                Layer::Linear(Linear::new(w, b)?)
            }
            LayerKind::Convolution => {
                let w = self.param("W")?.expect("required").clone();
                let w: ndarray::Array4<f64> =
                    w.into_dimensionality().expect("rank checked when set");
                let b = self.vector("B", w.dim().3, 0.0)?;
                let conv = Convolution::new(w, b, self.pair("stride_h", "stride_w")?)?
                    .with_padding(self.padding()?)
                    .with_dilation(self.pair("dilation_h", "dilation_w")?)?
                    .with_groups(self.count("groups")?)?;
                Layer::Convolution(conv)
            }
            LayerKind::MaxPool => Layer::MaxPool(self.pool()?),
            LayerKind::SumPool => Layer::SumPool(self.pool()?),
            LayerKind::AvgPool => Layer::AvgPool(self.pool()?),
            LayerKind::BatchNorm => {
                let mean = self.vector("mean", 0, 0.0)?;
                let c = mean.len();
                let var = self.vector("var", c, 0.0)?;
                let gamma = self.vector("gamma", c, 1.0)?;
                let beta = self.vector("beta", c, 0.0)?;
                Layer::BatchNorm(BatchNorm::new(
                    gamma,
                    beta,
                    mean,
                    var,
                    self.attribute("eps")?,
                )?)
            }
            LayerKind::Reshape => {
                let shape = self.param("shape")?.expect("required");
                Layer::Reshape(Reshape::new(shape.iter().map(|&d| d as i64).collect())?)
            }
            LayerKind::Flatten => Layer::Flatten,
            LayerKind::Rect => Layer::Rect,
            LayerKind::Tanh => Layer::Tanh,
            LayerKind::SoftMax => Layer::SoftMax,
            LayerKind::GlobalAvgPool => Layer::GlobalAvgPool,
            LayerKind::Add => Layer::Add,
            LayerKind::Sum => Layer::Sum,
            LayerKind::Concat => Layer::Concat,
            LayerKind::Identity => Layer::Identity,
        })
    }
}

/// Adds the layer `spec` describes as a node of `net` taking the values `inputs[0..n_inputs]`
/// (value 0 is the network input, value i + 1 the output of node i, the 0-based index the
/// lrp_layer_* and lrp_node_* functions take) and writes the value of its output (its
/// index + 1, to pass as an input of later nodes) to `*output_value`. The new node's output
/// becomes the network's output; its LRP preset is "simple". Add, Sum and Concat take two
/// or more inputs, every other kind exactly one. The spec is copied and stays the caller's.
///
/// Fails, changing nothing, on: a required attribute or parameter not set, parameters that
/// do not fit each other (B against W, groups against nf, pool padding against the window,
/// BatchNorm vectors of different lengths, var + eps <= 0; the message names expected and
/// given), an input value that is not an earlier value, or a wrong number of inputs. Shapes
/// against the node's inputs are checked when the network runs (or by
/// `lrp_network_output_shape`). Takes the handle exclusively.
///
/// # Safety
/// `net` NULL or live; `spec` NULL or live; `inputs` NULL or readable for `n_inputs`
/// values; `output_value` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_node(
    net: *mut LrpNetwork,
    spec: *const LrpLayerSpec,
    inputs: *const usize,
    n_inputs: usize,
    output_value: *mut usize,
) -> i32 {
    status("lrp_network_add_node", || {
        let net = handle(net)?;
        let spec = spec_ref(spec)?;
        if inputs.is_null() {
            return Err(Failure::null("inputs"));
        }
        // An absurd count is refused before the inputs are read: it is a caller's mistake
        // (a length of the wrong array), not a graph.
        if n_inputs == 0 || n_inputs > LRP_NODE_MAX_INPUTS {
            return Err(Failure::invalid(format!(
                "n_inputs must be 1 to LRP_NODE_MAX_INPUTS ({LRP_NODE_MAX_INPUTS}), given {n_inputs}"
            )));
        }
        let inputs = std::slice::from_raw_parts(inputs, n_inputs).to_vec();
        let output_value = out(output_value, "output_value")?;
        let layer = spec.build()?;
        *output_value = net.write().add_node(layer, &inputs)?;
        Ok(())
    })
}

/// Writes how many inputs node `index` (0-based) takes to `*count`.
///
/// # Safety
/// `net` NULL or live; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_num_inputs(
    net: *const LrpNetwork,
    index: usize,
    count: *mut usize,
) -> i32 {
    status("lrp_node_num_inputs", || {
        let net = handle(net)?.read();
        layer_at(&net, index)?;
        let n = net.node_inputs(index).expect("index checked").len();
        *out(count, "count")? = n;
        Ok(())
    })
}

/// Copies the values node `index` takes (0 the network input, i + 1 the output of node i)
/// into `values`, which must hold at least `lrp_node_num_inputs` of them (else
/// LRP_ERR_SHAPE_MISMATCH).
///
/// # Safety
/// `net` NULL or live; `values` NULL or writable for `capacity` sizes.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_inputs(
    net: *const LrpNetwork,
    index: usize,
    values: *mut usize,
    capacity: usize,
) -> i32 {
    status("lrp_node_inputs", || {
        let net = handle(net)?.read();
        layer_at(&net, index)?;
        let inputs = net.node_inputs(index).expect("index checked");
        if values.is_null() {
            return Err(Failure::null("values"));
        }
        if capacity < inputs.len() {
            return Err(Failure::new(
                LRP_ERR_SHAPE_MISMATCH,
                format!(
                    "values holds {capacity}, node {index} takes {} inputs",
                    inputs.len()
                ),
            ));
        }
        std::slice::from_raw_parts_mut(values, inputs.len()).copy_from_slice(inputs);
        Ok(())
    })
}

/// Every attribute of a layer, in the order of its kind's table.
fn attributes_of(layer: &Layer) -> Vec<(&'static str, f64)> {
    let pool_values = |p: &Pool| {
        let mut v = vec![
            p.pool.0,
            p.pool.1,
            p.stride.0,
            p.stride.1,
            p.padding[0],
            p.padding[1],
            p.padding[2],
            p.padding[3],
            usize::from(p.ceil_mode),
        ];
        if layer.kind() == LayerKind::AvgPool {
            v.push(usize::from(p.count_include_pad));
        }
        v.into_iter().map(|x| x as f64).collect::<Vec<_>>()
    };
    let values: Vec<f64> = match layer {
        Layer::Convolution(c) => [
            c.stride.0,
            c.stride.1,
            c.padding[0],
            c.padding[1],
            c.padding[2],
            c.padding[3],
            c.dilation.0,
            c.dilation.1,
            c.groups,
        ]
        .into_iter()
        .map(|x| x as f64)
        .collect(),
        Layer::MaxPool(p) | Layer::SumPool(p) | Layer::AvgPool(p) => pool_values(p),
        Layer::BatchNorm(b) => vec![b.epsilon],
        _ => vec![],
    };
    let defs = attribute_defs(layer.kind());
    debug_assert_eq!(defs.len(), values.len());
    defs.iter().map(|d| d.name).zip(values).collect()
}

/// Every parameter of a layer, in the order of its kind's table.
fn params_of(layer: &Layer) -> Vec<(&'static str, ArrayD<f64>)> {
    let vector = |v: &Array1<f64>| v.clone().into_dyn();
    let values: Vec<ArrayD<f64>> = match layer {
        Layer::Linear(l) => vec![l.w.clone().into_dyn(), vector(&l.b)],
        Layer::Convolution(c) => vec![c.w.clone().into_dyn(), vector(&c.b)],
        Layer::BatchNorm(b) => vec![
            vector(&b.mean),
            vector(&b.var),
            vector(&b.gamma),
            vector(&b.beta),
        ],
        Layer::Reshape(r) => vec![ArrayD::from_shape_vec(
            IxDyn(&[r.shape.len()]),
            r.shape.iter().map(|&d| d as f64).collect(),
        )
        .expect("a vector")],
        _ => vec![],
    };
    let defs = param_defs(layer.kind());
    debug_assert_eq!(defs.len(), values.len());
    defs.iter().map(|d| d.name).zip(values).collect()
}

/// Writes how many attributes node `index`'s kind has to `*count` (0 for kinds without;
/// see `lrp_layer_spec_new`).
///
/// # Safety
/// `net` NULL or live; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_num_attributes(
    net: *const LrpNetwork,
    index: usize,
    count: *mut usize,
) -> i32 {
    status("lrp_node_num_attributes", || {
        let net = handle(net)?.read();
        let n = attribute_defs(layer_at(&net, index)?.kind()).len();
        *out(count, "count")? = n;
        Ok(())
    })
}

/// Writes `name` (NUL-terminated) into `buffer`, which must hold LRP_NODE_NAME_LEN bytes
/// whatever the name.
///
/// # Safety
/// `buffer` must be NULL or writable for `len` bytes.
unsafe fn write_name(name: &str, buffer: *mut c_char, len: usize) -> FfiResult<()> {
    debug_assert!(name.len() < LRP_NODE_NAME_LEN);
    if buffer.is_null() {
        return Err(Failure::null("name"));
    }
    // The documented size, not the name's: a buffer that holds today's name by chance
    // fails the same way as one that does not.
    if len < LRP_NODE_NAME_LEN {
        return Err(Failure::new(
            LRP_ERR_SHAPE_MISMATCH,
            format!(
                "name has {len} bytes, expected at least {LRP_NODE_NAME_LEN} (LRP_NODE_NAME_LEN)"
            ),
        ));
    }
    let out = std::slice::from_raw_parts_mut(buffer.cast::<u8>(), name.len() + 1);
    out[..name.len()].copy_from_slice(name.as_bytes());
    out[name.len()] = 0;
    Ok(())
}

/// The entry `which` of a list of names, or an error naming the list's length.
fn nth<'a>(names: &[&'a str], which: usize, what: &str, index: usize) -> FfiResult<&'a str> {
    names.get(which).copied().ok_or_else(|| {
        Failure::invalid(format!(
            "node {index} has {} {what}, given which = {which}",
            names.len()
        ))
    })
}

/// Writes the name of attribute `which` (0-based, below `lrp_node_num_attributes`) of node
/// `index` into `name` (NUL-terminated; `name_len` must be at least LRP_NODE_NAME_LEN,
/// else LRP_ERR_SHAPE_MISMATCH).
///
/// # Safety
/// `net` NULL or live; `name` NULL or writable for `name_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_attribute_name(
    net: *const LrpNetwork,
    index: usize,
    which: usize,
    name: *mut c_char,
    name_len: usize,
) -> i32 {
    status("lrp_node_attribute_name", || {
        let net = handle(net)?.read();
        let names: Vec<&str> = attribute_defs(layer_at(&net, index)?.kind())
            .iter()
            .map(|d| d.name)
            .collect();
        write_name(nth(&names, which, "attributes", index)?, name, name_len)
    })
}

/// Writes attribute `name` (case-insensitive, as `lrp_layer_spec_set` takes it) of node
/// `index` to `*value`: sizes, strides, paddings, dilations and groups as whole numbers,
/// flags as 0 or 1, eps as set. A name the node's kind does not have is
/// LRP_ERR_INVALID_ARGUMENT (the message lists the kind's).
///
/// # Safety
/// `net` NULL or live; `name` NULL or NUL-terminated; `value` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_attribute(
    net: *const LrpNetwork,
    index: usize,
    name: *const c_char,
    value: *mut f64,
) -> i32 {
    status("lrp_node_attribute", || {
        let net = handle(net)?.read();
        let layer = layer_at(&net, index)?;
        let name = text(name, "name")?;
        let (i, _) = find_attribute(layer.kind(), name)?;
        let v = attributes_of(layer)[i].1;
        *out(value, "value")? = v;
        Ok(())
    })
}

/// Writes how many parameters node `index`'s kind has to `*count` (W and B of Linear and
/// Convolution; mean, var, gamma, beta of BatchNorm; shape of Reshape; 0 for the others).
///
/// # Safety
/// `net` NULL or live; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_num_params(
    net: *const LrpNetwork,
    index: usize,
    count: *mut usize,
) -> i32 {
    status("lrp_node_num_params", || {
        let net = handle(net)?.read();
        let n = param_defs(layer_at(&net, index)?.kind()).len();
        *out(count, "count")? = n;
        Ok(())
    })
}

/// Writes the name of parameter `which` (0-based, below `lrp_node_num_params`) of node
/// `index` into `name` (NUL-terminated; `name_len` at least LRP_NODE_NAME_LEN).
///
/// # Safety
/// `net` NULL or live; `name` NULL or writable for `name_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_param_name(
    net: *const LrpNetwork,
    index: usize,
    which: usize,
    name: *mut c_char,
    name_len: usize,
) -> i32 {
    status("lrp_node_param_name", || {
        let net = handle(net)?.read();
        let names: Vec<&str> = param_defs(layer_at(&net, index)?.kind())
            .iter()
            .map(|d| d.name)
            .collect();
        write_name(nth(&names, which, "parameters", index)?, name, name_len)
    })
}

/// Parameter `name` of node `index`, or an error listing the kind's.
fn node_param(net: &crate::Network, index: usize, name: *const c_char) -> FfiResult<ArrayD<f64>> {
    let layer = layer_at(net, index)?;
    // SAFETY: the callers' contract covers `name`.
    let name = unsafe { text(name, "name") }?;
    let (i, _) = find_param(layer.kind(), name)?;
    Ok(params_of(layer).swap_remove(i).1)
}

/// Writes the shape of parameter `name` (case-insensitive) of node `index`: its rank to
/// `*rank` and its dimensions to `dims[0..rank]` (`dims_len` at least the rank; at most
/// LRP_NODE_MAX_PARAM_RANK). Vectors are rank 1. The element count is their product.
///
/// # Safety
/// `net` NULL or live; `name` NULL or NUL-terminated; `dims` NULL or writable for
/// `dims_len` sizes; `rank` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_param_shape(
    net: *const LrpNetwork,
    index: usize,
    name: *const c_char,
    dims: *mut usize,
    dims_len: usize,
    rank: *mut i32,
) -> i32 {
    status("lrp_node_param_shape", || {
        let net = handle(net)?.read();
        let p = node_param(&net, index, name)?;
        if dims.is_null() {
            return Err(Failure::null("dims"));
        }
        if dims_len < p.ndim() {
            return Err(Failure::new(
                LRP_ERR_SHAPE_MISMATCH,
                format!("dims holds {dims_len}, the parameter has rank {}", p.ndim()),
            ));
        }
        let rank = out(rank, "rank")?;
        std::slice::from_raw_parts_mut(dims, p.ndim()).copy_from_slice(p.shape());
        *rank = p.ndim() as i32;
        Ok(())
    })
}

/// Copies parameter `name` (case-insensitive) of node `index` into `values` in `layout`
/// (shape from `lrp_node_param_shape`; `values_len` at least its element count, else
/// LRP_ERR_SHAPE_MISMATCH).
///
/// # Safety
/// `net` NULL or live; `name` NULL or NUL-terminated; `values` NULL or writable for
/// `values_len` doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_get_param(
    net: *const LrpNetwork,
    index: usize,
    name: *const c_char,
    values: *mut f64,
    values_len: usize,
    layout: i32,
) -> i32 {
    status("lrp_node_get_param", || {
        let layout: Layout = args::layout(layout)?;
        let net = handle(net)?.read();
        let p = node_param(&net, index, name)?;
        args::write(values, values_len, &p, layout, "values")
    })
}

/// Writes 1 to `*accepts` if node `index` accepts the LRP rule `rule` (a name as
/// `lrp_layer_set_lrp_parameters` takes, with its parameter, NaN for the default; for
/// "zbox" NaN stands for any bound, which does not change the answer) as its preset, else
/// 0: "pass" is refused by Linear and Convolution, "gamma" and "zbox" by the layers
/// without weights, "alphabeta", "flat" and "ww" by Add, Sum and BatchNorm. An unknown
/// rule is LRP_ERR_UNKNOWN_RULE, a parameter out of the rule's range
/// LRP_ERR_INVALID_ARGUMENT.
///
/// # Safety
/// `net` NULL or live; `rule` NULL or NUL-terminated; `accepts` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_node_accepts(
    net: *const LrpNetwork,
    index: usize,
    rule: *const c_char,
    param: f64,
    accepts: *mut i32,
) -> i32 {
    status("lrp_node_accepts", || {
        let net = handle(net)?.read();
        let layer = layer_at(&net, index)?;
        // Whether a layer accepts zbox does not depend on its bounds, which have no default.
        let name = text(rule, "rule")?;
        let param =
            if param.is_nan() && matches!(name.to_ascii_lowercase().as_str(), "zbox" | "z^b") {
                1.0
            } else {
                param
            };
        let rule = rule_arg(rule, param)?;
        let yes = i32::from(layer.accepts(&rule));
        *out(accepts, "accepts")? = yes;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: LayerKind) -> LrpLayerSpec {
        LrpLayerSpec {
            kind,
            attributes: vec![None; attribute_defs(kind).len()],
            params: vec![None; param_defs(kind).len()],
        }
    }

    /// Every kind's tables agree with what a node of it reads back, and names fit the
    /// documented buffer.
    #[test]
    fn a_layer_read_back_rebuilds_the_same_layer() {
        for kind in LayerKind::ALL {
            let mut s = spec(kind);
            for (i, def) in attribute_defs(kind).iter().enumerate() {
                assert!(def.name.len() < LRP_NODE_NAME_LEN);
                if def.default.is_none() {
                    s.attributes[i] = Some(3.0);
                }
            }
            let vector = |v: &[f64]| ArrayD::from_shape_vec(IxDyn(&[v.len()]), v.to_vec()).unwrap();
            for (i, def) in param_defs(kind).iter().enumerate() {
                assert!(def.name.len() < LRP_NODE_NAME_LEN);
                s.params[i] = Some(match (kind, def.name) {
                    (LayerKind::Linear, "W") => ArrayD::ones(IxDyn(&[2, 3])),
                    (LayerKind::Linear, "B") => vector(&[1.0, 2.0, 3.0]),
                    (LayerKind::Convolution, "W") => ArrayD::ones(IxDyn(&[2, 2, 1, 2])),
                    (LayerKind::Convolution, "B") => vector(&[1.0, 2.0]),
                    (LayerKind::Reshape, _) => vector(&[0.0, -1.0]),
                    (_, _) => vector(&[0.5, 2.0]),
                });
            }
            let layer = s
                .build()
                .unwrap_or_else(|e| panic!("{}: {}", kind.name(), e.message));
            assert_eq!(layer.kind(), kind);
            let mut again = spec(kind);
            for (i, (name, v)) in attributes_of(&layer).into_iter().enumerate() {
                assert_eq!(name, attribute_defs(kind)[i].name);
                again.attributes[i] = Some(v);
            }
            for (i, (_, p)) in params_of(&layer).into_iter().enumerate() {
                again.params[i] = Some(p);
            }
            assert_eq!(again.build().ok(), Some(layer), "{}", kind.name());
        }
    }
}

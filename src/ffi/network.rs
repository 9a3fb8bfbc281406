//! The opaque network handle: creating, copying, reading, writing and freeing networks,
//! building them layer by layer, and reading or writing each layer's parameters.

use super::args::{self, out, text, Layout};
use super::status::{status, value, Failure, FfiResult};
use crate::layers::{Convolution, Layer, Linear, Pool};
use crate::model_io;
use crate::network::Network;
use crate::rule::Rule;
use ndarray::{Array1, ArrayD};
use std::ffi::c_char;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Selects a layer's weights W in the parameter functions.
pub const LRP_PARAM_W: i32 = 0;
/// Selects a layer's biases B in the parameter functions.
pub const LRP_PARAM_B: i32 = 1;

/// Kind of a Linear layer (see `lrp_layer_kind`).
pub const LRP_LAYER_LINEAR: i32 = 1;
/// Kind of a Convolution layer.
pub const LRP_LAYER_CONVOLUTION: i32 = 2;
/// Kind of a MaxPool layer.
pub const LRP_LAYER_MAXPOOL: i32 = 3;
/// Kind of a SumPool layer.
pub const LRP_LAYER_SUMPOOL: i32 = 4;
/// Kind of a Flatten layer.
pub const LRP_LAYER_FLATTEN: i32 = 5;
/// Kind of a Rect layer.
pub const LRP_LAYER_RECT: i32 = 6;
/// Kind of a Tanh layer.
pub const LRP_LAYER_TANH: i32 = 7;
/// Kind of a SoftMax layer.
pub const LRP_LAYER_SOFTMAX: i32 = 8;
/// Kind of an AvgPool layer (mean over each window).
pub const LRP_LAYER_AVGPOOL: i32 = 9;
/// Kind of a GlobalAvgPool layer (mean over all positions of each channel).
pub const LRP_LAYER_GLOBALAVGPOOL: i32 = 10;
/// Kind of a BatchNorm layer (inference: per-channel scale and shift).
pub const LRP_LAYER_BATCHNORM: i32 = 11;
/// Kind of an Add layer (elementwise sum of two or more inputs).
pub const LRP_LAYER_ADD: i32 = 12;
/// Kind of a Concat layer (inputs joined along the channels).
pub const LRP_LAYER_CONCAT: i32 = 13;
/// Kind of a Reshape layer (ONNX Flatten/Reshape).
pub const LRP_LAYER_RESHAPE: i32 = 14;
/// Kind of an Identity layer (ONNX Identity, Dropout at inference).
pub const LRP_LAYER_IDENTITY: i32 = 15;
/// Kind of a Sum layer (a residual Add marked by the ResNet canonizer).
pub const LRP_LAYER_SUM: i32 = 16;

/// The longest word or number `lrp_network_read` accepts, in bytes; a longer one (the
/// first "word" of /dev/zero or of a binary file) is LRP_ERR_PARSE at its line.
pub const LRP_MODEL_MAX_TOKEN_BYTES: usize = 256;
/// The most whitespace (blank lines included) `lrp_network_read` skips between two words,
/// in bytes; more is LRP_ERR_PARSE.
pub const LRP_MODEL_MAX_BLANK_BYTES: usize = 1_048_576;
/// The most layers a model file may hold; more is LRP_ERR_PARSE.
pub const LRP_MODEL_MAX_LAYERS: usize = 65_536;
const _: () = assert!(
    LRP_MODEL_MAX_TOKEN_BYTES == model_io::MAX_TOKEN_BYTES
        && LRP_MODEL_MAX_BLANK_BYTES == model_io::MAX_BLANK_BYTES
        && LRP_MODEL_MAX_LAYERS == model_io::MAX_LAYERS
);

/// Handles alive now: created and not yet freed.
static LIVE: AtomicI64 = AtomicI64::new(0);

/// An opaque network handle. Create it with `lrp_network_new`, `lrp_network_read` or
/// `lrp_network_clone`; free it with `lrp_network_free`.
///
/// Calls on one handle from several threads are safe: queries, `lrp_network_lrp` and
/// `lrp_network_explain` share it, calls that change it (forward, backward, update,
/// training, setters) take it exclusively for their duration.
pub struct LrpNetwork {
    pub(crate) net: RwLock<Network>,
    /// The progress lines of the last `lrp_network_train`.
    pub(crate) train_log: Mutex<String>,
}

impl LrpNetwork {
    fn boxed(net: Network) -> *mut LrpNetwork {
        LIVE.fetch_add(1, Ordering::SeqCst);
        Box::into_raw(Box::new(LrpNetwork {
            net: RwLock::new(net),
            train_log: Mutex::new(String::new()),
        }))
    }

    /// Shared access; a lock poisoned by a panic still gives the network (the panic was
    /// reported to that call's caller).
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Network> {
        self.net.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Exclusive access.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Network> {
        self.net.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// The handle behind a pointer, checked for NULL.
///
/// # Safety
/// `ptr` must be NULL or a live handle from this library.
pub(crate) unsafe fn handle<'a>(ptr: *const LrpNetwork) -> FfiResult<&'a LrpNetwork> {
    ptr.as_ref().ok_or_else(|| Failure::null("net"))
}

/// The library version, e.g. "0.1.0". Static storage; never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn lrp_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Number of network handles created and not yet freed, across all threads (for leak
/// checks). Thread-safe.
#[no_mangle]
pub extern "C" fn lrp_live_networks() -> i64 {
    LIVE.load(Ordering::SeqCst)
}

/// A new network without layers (its output is its input). Free it with
/// `lrp_network_free`. Never fails short of memory exhaustion; NULL then.
#[no_mangle]
pub extern "C" fn lrp_network_new() -> *mut LrpNetwork {
    value("lrp_network_new", std::ptr::null_mut(), || {
        Ok(LrpNetwork::boxed(Network::new()))
    })
}

/// Reads a network from a model file in the toolbox's plain-text format (both Linear
/// layouts). Returns NULL on failure; `lrp_last_error` then names the file and, for a
/// malformed file, the line. Free the result with `lrp_network_free`.
///
/// The read is streaming and bounded: it stops at the first word that is no part of the
/// format (so garbage such as /dev/urandom fails on its first line), and fails with
/// LRP_ERR_PARSE naming the line at a word longer than LRP_MODEL_MAX_TOKEN_BYTES (so
/// /dev/zero fails at once), more than LRP_MODEL_MAX_BLANK_BYTES of whitespace in a row,
/// more than LRP_MODEL_MAX_LAYERS layers, a line with more numbers than its header asks
/// for, and a header whose numbers, with those before, need more memory than the machine
/// has (its physical memory; 16 GiB where that cannot be read). The numbers a file may
/// hold are thus those its headers announce, and the work is proportional to them. Also
/// LRP_ERR_PARSE: a file without layers (empty, blank, /dev/null), and a Linear or
/// Convolution layer whose input size contradicts the layers before it (a Linear layer's
/// m against the previous Linear layer's n through Rect, Tanh, SoftMax and Flatten; a
/// Convolution's df against the previous Convolution's nf through activations and pools).
///
/// # Safety
/// `path` must be NULL or a NUL-terminated UTF-8 string.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_read(path: *const c_char) -> *mut LrpNetwork {
    value("lrp_network_read", std::ptr::null_mut(), || {
        let path = text(path, "path")?;
        Ok(LrpNetwork::boxed(model_io::read(path)?))
    })
}

/// Writes the network to `path` in the plain-text model format (shortest decimals that read
/// back exactly). The file is replaced only once the whole text is written. A network
/// `lrp_network_read` would refuse (no layers, Linear or Convolution sizes that do not
/// chain) is LRP_ERR_INVALID_ARGUMENT and nothing is written.
///
/// # Safety
/// `net` must be NULL or a live handle; `path` NULL or a NUL-terminated UTF-8 string.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_write(net: *const LrpNetwork, path: *const c_char) -> i32 {
    status("lrp_network_write", || {
        let net = handle(net)?;
        let path = text(path, "path")?;
        Ok(model_io::write(&net.read(), path)?)
    })
}

/// Frees a handle. NULL is a no-op. The handle must not be used afterwards.
///
/// # Safety
/// `net` must be NULL or a live handle not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_free(net: *mut LrpNetwork) {
    if !net.is_null() {
        // Dropping a network cannot panic; nothing to catch.
        drop(Box::from_raw(net));
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A new handle with a copy of the network's layers, parameters and presets (not its
/// cached forward pass), for example one per thread. NULL on failure.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_clone(net: *const LrpNetwork) -> *mut LrpNetwork {
    value("lrp_network_clone", std::ptr::null_mut(), || {
        let mut copy = handle(net)?.read().clone();
        copy.clean();
        Ok(LrpNetwork::boxed(copy))
    })
}

/// Appends a layer built by `build` under the exclusive lock.
unsafe fn append(
    function: &str,
    net: *mut LrpNetwork,
    build: impl FnOnce() -> FfiResult<Layer>,
) -> i32 {
    status(function, || {
        let net = handle(net)?;
        let layer = build()?;
        net.write().push(layer);
        Ok(())
    })
}

/// Parameters given by the caller, or `None` when both pointers are NULL (random init).
unsafe fn given_parameters(
    w: *const f64,
    w_len: usize,
    w_shape: &[usize],
    b: *const f64,
    b_len: usize,
    layout: i32,
) -> FfiResult<Option<(ArrayD<f64>, Array1<f64>)>> {
    let layout = args::layout(layout)?;
    match (w.is_null(), b.is_null()) {
        (true, true) => Ok(None),
        (true, false) => Err(Failure::null("w (given b; pass both or neither)")),
        (false, true) => Err(Failure::null("b (given w; pass both or neither)")),
        (false, false) => {
            let w = args::input(w, w_len, w_shape, layout, "w")?.into_owned();
            let n = *w_shape.last().expect("non-empty shape");
            let b = args::input(b, b_len, &[n], Layout::RowMajor, "b")?.into_owned();
            Ok(Some((w, b.into_shape_with_order(n).expect("vector"))))
        }
    }
}

fn positive(name: &str, values: &[usize]) -> FfiResult<()> {
    if values.contains(&0) {
        return Err(Failure::invalid(format!(
            "{name} must all be at least 1, given {values:?}"
        )));
    }
    Ok(())
}

/// Appends a Linear layer with m inputs and n outputs. W (m x n, in `layout`) and B (n)
/// are copied from `w`/`b`; when both are NULL, W ~ Normal(0, 1/sqrt(m)) from `seed` and
/// B = 0, as the toolbox initialises.
///
/// # Safety
/// `net` NULL or live; `w` NULL or `w_len` readable doubles; `b` NULL or `b_len` doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_linear(
    net: *mut LrpNetwork,
    m: usize,
    n: usize,
    w: *const f64,
    w_len: usize,
    b: *const f64,
    b_len: usize,
    layout: i32,
    seed: u64,
) -> i32 {
    append("lrp_network_add_linear", net, || {
        positive("m and n", &[m, n])?;
        Ok(Layer::Linear(
            match given_parameters(w, w_len, &[m, n], b, b_len, layout)? {
                Some((w, b)) => Linear::new(w.into_dimensionality().expect("2-D"), b)?,
                None => Linear::random(m, n, &mut crate::seeded_rng(seed))?,
            },
        ))
    })
}

/// Appends a Convolution layer with nf filters of hf x wf x df and stride (sh, sw). W
/// (hf x wf x df x nf, in `layout`) and B (nf) are copied from `w`/`b`; when both are
/// NULL, W ~ Normal(0, 1/sqrt(hf*wf*df)) from `seed` and B = 0.
///
/// # Safety
/// As for `lrp_network_add_linear`.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_convolution(
    net: *mut LrpNetwork,
    hf: usize,
    wf: usize,
    df: usize,
    nf: usize,
    sh: usize,
    sw: usize,
    w: *const f64,
    w_len: usize,
    b: *const f64,
    b_len: usize,
    layout: i32,
    seed: u64,
) -> i32 {
    append("lrp_network_add_convolution", net, || {
        positive("filter size and stride", &[hf, wf, df, nf, sh, sw])?;
        let filter = [hf, wf, df, nf];
        Ok(Layer::Convolution(
            match given_parameters(w, w_len, &filter, b, b_len, layout)? {
                Some((w, b)) => {
                    Convolution::new(w.into_dimensionality().expect("4-D"), b, (sh, sw))?
                }
                None => Convolution::random(filter, (sh, sw), &mut crate::seeded_rng(seed))?,
            },
        ))
    })
}

/// Appends a MaxPool layer: windows of ph x pw, stride (sh, sw).
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_maxpool(
    net: *mut LrpNetwork,
    ph: usize,
    pw: usize,
    sh: usize,
    sw: usize,
) -> i32 {
    append("lrp_network_add_maxpool", net, || {
        Ok(Layer::MaxPool(Pool::new((ph, pw), (sh, sw))?))
    })
}

/// Appends a SumPool layer: window sums times 1/sqrt(ph*pw), stride (sh, sw).
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_sumpool(
    net: *mut LrpNetwork,
    ph: usize,
    pw: usize,
    sh: usize,
    sw: usize,
) -> i32 {
    append("lrp_network_add_sumpool", net, || {
        Ok(Layer::SumPool(Pool::new((ph, pw), (sh, sw))?))
    })
}

/// Appends a Flatten layer (N x H x W x D to N x H*W*D, C order of H, W, D).
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_flatten(net: *mut LrpNetwork) -> i32 {
    append("lrp_network_add_flatten", net, || Ok(Layer::Flatten))
}

/// Appends a Rect (ReLU) layer.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_rect(net: *mut LrpNetwork) -> i32 {
    append("lrp_network_add_rect", net, || Ok(Layer::Rect))
}

/// Appends a Tanh layer.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_tanh(net: *mut LrpNetwork) -> i32 {
    append("lrp_network_add_tanh", net, || Ok(Layer::Tanh))
}

/// Appends a SoftMax layer (over the features of N x C batches).
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_add_softmax(net: *mut LrpNetwork) -> i32 {
    append("lrp_network_add_softmax", net, || Ok(Layer::SoftMax))
}

/// Writes the number of layers to `*count` (the nodes of a graph: node indices run from 0
/// to count - 1, see `lrp_network_add_node`).
///
/// # Safety
/// `net` NULL or live; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_num_layers(net: *const LrpNetwork, count: *mut usize) -> i32 {
    status("lrp_network_num_layers", || {
        let len = handle(net)?.read().len();
        *out(count, "count")? = len;
        Ok(())
    })
}

/// Removes the last layer. Fails (LRP_ERR_INVALID_ARGUMENT) on a network without layers.
///
/// # Safety
/// `net` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_pop_layer(net: *mut LrpNetwork) -> i32 {
    status("lrp_network_pop_layer", || {
        match handle(net)?.write().pop() {
            Some(_) => Ok(()),
            None => Err(Failure::invalid("the network has no layer to remove")),
        }
    })
}

/// The toolbox's drop_softmax_output_layer: removes the last layer if it is a SoftMax.
/// Writes 1 to `*dropped` if it did, else 0.
///
/// # Safety
/// `net` NULL or live; `dropped` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_drop_softmax_output_layer(
    net: *mut LrpNetwork,
    dropped: *mut i32,
) -> i32 {
    status("lrp_network_drop_softmax_output_layer", || {
        let net = handle(net)?;
        let dropped = out(dropped, "dropped")?;
        *dropped = i32::from(net.write().drop_softmax_output_layer());
        Ok(())
    })
}

/// Layer `index` of a network, or an error naming the valid range.
pub(crate) fn layer_at(net: &Network, index: usize) -> FfiResult<&Layer> {
    net.layer(index).ok_or_else(|| {
        Failure::invalid(format!(
            "layer index must be below the number of layers {}, given {index}",
            net.len()
        ))
    })
}

/// Writes the kind of layer (node) `index` (0-based) to `*kind`: one of the LRP_LAYER_*
/// values.
///
/// # Safety
/// `net` NULL or live; `kind` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_kind(
    net: *const LrpNetwork,
    index: usize,
    kind: *mut i32,
) -> i32 {
    status("lrp_layer_kind", || {
        let net = handle(net)?.read();
        let k = layer_at(&net, index)?.kind() as i32;
        *out(kind, "kind")? = k;
        Ok(())
    })
}

/// The sizes that define a layer, in the order of the text format's header line.
fn sizes(layer: &Layer) -> Vec<usize> {
    layer.sizes()
}

/// Writes how many sizes define layer `index`, as in the text model format's header line:
/// 2 for Linear (m, n), 6 for a plain Convolution (hf, wf, df, nf, sh, sw; 13 with padding,
/// dilation or groups: then pt, pl, pb, pr, dh, dw, groups), 4 for plain pools (ph, pw, sh,
/// sw; more with padding or ceil mode), 1 for BatchNorm (channels) and Reshape (rank), 0
/// for the others. Any node's attributes by name: `lrp_node_attribute`.
///
/// # Safety
/// `net` NULL or live; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_num_sizes(
    net: *const LrpNetwork,
    index: usize,
    count: *mut usize,
) -> i32 {
    status("lrp_layer_num_sizes", || {
        let net = handle(net)?.read();
        let n = sizes(layer_at(&net, index)?).len();
        *out(count, "count")? = n;
        Ok(())
    })
}

/// Writes size number `which` (0-based, see `lrp_layer_num_sizes`) of layer `index`.
///
/// # Safety
/// `net` NULL or live; `size` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_size(
    net: *const LrpNetwork,
    index: usize,
    which: usize,
    size: *mut usize,
) -> i32 {
    status("lrp_layer_size", || {
        let net = handle(net)?.read();
        let all = sizes(layer_at(&net, index)?);
        let v = *all.get(which).ok_or_else(|| {
            Failure::invalid(format!(
                "layer {index} has {} sizes, given which = {which}",
                all.len()
            ))
        })?;
        *out(size, "size")? = v;
        Ok(())
    })
}

/// The shape of W or B of layer `index`, or an error if it has none.
fn param_shape(layer: &Layer, index: usize, which: i32) -> FfiResult<Vec<usize>> {
    let param = match which {
        LRP_PARAM_W => layer.weights(),
        LRP_PARAM_B => layer.biases(),
        other => {
            return Err(Failure::invalid(format!(
                "which must be LRP_PARAM_W (0) or LRP_PARAM_B (1), given {other}"
            )))
        }
    };
    param.map(|p| p.shape().to_vec()).ok_or_else(|| {
        Failure::invalid(format!(
            "layer {index} is a {} and has no W or B",
            layer.kind().name()
        ))
    })
}

/// Writes the number of elements of W (`which` = LRP_PARAM_W) or B (LRP_PARAM_B) of layer
/// `index`: m*n and n for Linear, hf*wf*df*nf and nf for Convolution.
///
/// # Safety
/// `net` NULL or live; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_param_len(
    net: *const LrpNetwork,
    index: usize,
    which: i32,
    len: *mut usize,
) -> i32 {
    status("lrp_layer_param_len", || {
        let net = handle(net)?.read();
        let n = param_shape(layer_at(&net, index)?, index, which)?
            .iter()
            .product();
        *out(len, "len")? = n;
        Ok(())
    })
}

/// Copies W (m x n or hf x wf x df x nf) or B of layer `index` into `values`, in `layout`.
/// `values_len` must be at least `lrp_layer_param_len`.
///
/// # Safety
/// `net` NULL or live; `values` NULL or writable for `values_len` doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_get_param(
    net: *const LrpNetwork,
    index: usize,
    which: i32,
    values: *mut f64,
    values_len: usize,
    layout: i32,
) -> i32 {
    status("lrp_layer_get_param", || {
        let layout = args::layout(layout)?;
        let net = handle(net)?.read();
        let layer = layer_at(&net, index)?;
        param_shape(layer, index, which)?;
        let p = if which == LRP_PARAM_W {
            layer.weights()
        } else {
            layer.biases()
        };
        args::write(
            values,
            values_len,
            &p.expect("checked").to_owned(),
            layout,
            "values",
        )
    })
}

/// Replaces W or B of layer `index` with `values` (same shape, in `layout`). The cached
/// forward pass is kept, as in the toolbox. Nothing changes on failure.
///
/// # Safety
/// `net` NULL or live; `values` NULL or readable for `values_len` doubles.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_set_param(
    net: *mut LrpNetwork,
    index: usize,
    which: i32,
    values: *const f64,
    values_len: usize,
    layout: i32,
) -> i32 {
    status("lrp_layer_set_param", || {
        let layout = args::layout(layout)?;
        let net = handle(net)?;
        let mut net = net.write();
        let shape = param_shape(layer_at(&net, index)?, index, which)?;
        let v = args::input(values, values_len, &shape, layout, "values")?;
        if which == LRP_PARAM_W {
            net.set_weights(index, v.view())?;
        } else {
            net.set_biases(index, v.view())?;
        }
        Ok(())
    })
}

/// A rule from the caller's name and parameter (NaN for the rule's default).
pub(crate) unsafe fn rule_arg(rule: *const c_char, param: f64) -> FfiResult<Rule> {
    let name = text(rule, "rule")?;
    Ok(Rule::from_name(name, (!param.is_nan()).then_some(param))?)
}

/// Sets the LRP preset of layer `index`: rule name as in the toolbox ("simple"/"none",
/// "epsilon", "alphabeta"/"alpha", "flat", "ww"/"w^2"; case-insensitive but otherwise
/// exact: no surrounding whitespace) and its parameter (epsilon or alpha; NaN for the
/// default: epsilon 0.01, alpha 1). The toolbox's rules are accepted on every layer, as in
/// the toolbox; "gamma" and "zbox" (see `lrp_layer_set_zbox`) apply to Linear and
/// Convolution layers only and are LRP_ERR_INVALID_ARGUMENT, naming layer and rule, on any
/// other (`lrp_network_set_lrp_parameters` sets them on every layer, and the layers without
/// weights treat them as "simple").
///
/// # Safety
/// `net` NULL or live; `rule` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_set_lrp_parameters(
    net: *mut LrpNetwork,
    index: usize,
    rule: *const c_char,
    param: f64,
) -> i32 {
    status("lrp_layer_set_lrp_parameters", || {
        let net = handle(net)?;
        let rule = rule_arg(rule, param)?;
        let mut net = net.write();
        layer_at(&net, index)?;
        Ok(net.set_preset(index, rule)?)
    })
}

/// Sets the LRP preset of every layer (the toolbox's Sequential.set_lrp_parameters).
///
/// # Safety
/// As for `lrp_layer_set_lrp_parameters`.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_set_lrp_parameters(
    net: *mut LrpNetwork,
    rule: *const c_char,
    param: f64,
) -> i32 {
    status("lrp_network_set_lrp_parameters", || {
        let net = handle(net)?;
        let rule = rule_arg(rule, param)?;
        Ok(net.write().set_lrp_parameters(rule)?)
    })
}

/// The size of the name buffer `lrp_layer_get_lrp_parameters` needs, in bytes (every
/// canonical rule name with its NUL fits).
pub const LRP_RULE_NAME_LEN: usize = 16;

/// Reads the LRP preset of layer `index`: its canonical name into `name` (NUL-terminated;
/// `name_len` must be at least LRP_RULE_NAME_LEN (16) whatever the name, else
/// LRP_ERR_SHAPE_MISMATCH) and its parameter into `*param` (NaN if it has none; zbox's
/// bounds come from `lrp_layer_get_zbox`). Nothing is written on failure.
///
/// # Safety
/// `net` NULL or live; `name` NULL or writable for `name_len` bytes; `param` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_layer_get_lrp_parameters(
    net: *const LrpNetwork,
    index: usize,
    name: *mut c_char,
    name_len: usize,
    param: *mut f64,
) -> i32 {
    status("lrp_layer_get_lrp_parameters", || {
        let net = handle(net)?.read();
        layer_at(&net, index)?;
        let rule = net.preset(index).expect("index checked");
        let canonical = rule.name().as_bytes();
        debug_assert!(canonical.len() < LRP_RULE_NAME_LEN);
        if name.is_null() {
            return Err(Failure::null("name"));
        }
        // The documented size, not the name's: a buffer that holds today's name by chance
        // fails the same way as one that does not.
        if name_len < LRP_RULE_NAME_LEN {
            return Err(Failure::new(
                super::status::LRP_ERR_SHAPE_MISMATCH,
                format!("name has {name_len} bytes, expected at least {LRP_RULE_NAME_LEN} (LRP_RULE_NAME_LEN)"),
            ));
        }
        let param = out(param, "param")?;
        let buffer = std::slice::from_raw_parts_mut(name.cast::<u8>(), canonical.len() + 1);
        buffer[..canonical.len()].copy_from_slice(canonical);
        buffer[canonical.len()] = 0;
        *param = rule.param().unwrap_or(f64::NAN);
        Ok(())
    })
}

/// Shapes as four dims and a rank: unused dims are written as 1.
pub(crate) fn write_shape(shape: &[usize], dims: [*mut usize; 4], rank: *mut i32) -> FfiResult<()> {
    // Check every pointer before writing any (outputs only on success).
    for (i, d) in dims.iter().enumerate() {
        if d.is_null() {
            return Err(Failure::null(&format!("d{i} (output)")));
        }
    }
    if rank.is_null() {
        return Err(Failure::null("rank (output)"));
    }
    if shape.len() > 4 {
        return Err(Failure::invalid(format!(
            "output shape {shape:?} has more than 4 dimensions"
        )));
    }
    for (i, d) in dims.iter().enumerate() {
        // SAFETY: checked non-NULL above; the caller promises they are writable.
        unsafe { **d = shape.get(i).copied().unwrap_or(1) };
    }
    // SAFETY: as above.
    unsafe { *rank = shape.len() as i32 };
    Ok(())
}

/// The output shape for an input of shape (d0, d1, d2, d3) of `rank` dimensions (batch
/// first): written to `o0`..`o3` (1 past the rank) and `*out_rank`. A dense batch is rank
/// 2 (N x M), an image batch rank 4 (N x H x W x D); trailing singleton dimensions may be
/// left out or added, as MATLAB's size() does.
///
/// # Safety
/// `net` NULL or live; the output pointers NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn lrp_network_output_shape(
    net: *const LrpNetwork,
    rank: i32,
    d0: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    o0: *mut usize,
    o1: *mut usize,
    o2: *mut usize,
    o3: *mut usize,
    out_rank: *mut i32,
) -> i32 {
    status("lrp_network_output_shape", || {
        let net = handle(net)?.read();
        let given = args::shape(rank, [d0, d1, d2, d3])?;
        let input = args::fit_input_shape(&net, given);
        let output = net.output_shape(&input)?;
        write_shape(&output, [o0, o1, o2, o3], out_rank)
    })
}

#[cfg(test)]
mod kind_constants {
    use crate::layers::LayerKind;

    /// The header's kind numbers are the core's: one list, checked here.
    #[test]
    fn every_layer_kind_has_its_constant() {
        let constants = [
            super::LRP_LAYER_LINEAR,
            super::LRP_LAYER_CONVOLUTION,
            super::LRP_LAYER_MAXPOOL,
            super::LRP_LAYER_SUMPOOL,
            super::LRP_LAYER_FLATTEN,
            super::LRP_LAYER_RECT,
            super::LRP_LAYER_TANH,
            super::LRP_LAYER_SOFTMAX,
            super::LRP_LAYER_AVGPOOL,
            super::LRP_LAYER_GLOBALAVGPOOL,
            super::LRP_LAYER_BATCHNORM,
            super::LRP_LAYER_ADD,
            super::LRP_LAYER_CONCAT,
            super::LRP_LAYER_RESHAPE,
            super::LRP_LAYER_IDENTITY,
            super::LRP_LAYER_SUM,
        ];
        assert_eq!(constants.len(), LayerKind::ALL.len());
        for (c, kind) in constants.into_iter().zip(LayerKind::ALL) {
            assert_eq!(c, kind as i32, "{}", kind.name());
        }
    }
}

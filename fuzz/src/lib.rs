//! The fuzz harnesses, as library functions so that `tests/regressions.rs` can replay saved
//! inputs with plain `cargo test` (no nightly, no libFuzzer).
//!
//! - [`model_reader`]: `lrp::model_io::parse` on arbitrary text. Errors are fine; a panic
//!   is a bug, and so is a network whose written text does not parse back to itself.
//! - [`onnx_reader`]: `lrp::onnx::parse` on arbitrary bytes. Errors are fine; a panic is a
//!   bug, and so is a model that breaks the reader's promises (see the function).
//! - [`c_api`]: builds a network through the C entry points (`lrp::ffi::*`) from
//!   fuzzer-chosen layer kinds and sizes (the toolbox's sequential calls, and nodes of any
//!   kind through the layer-spec exports: graph.rs), then runs a sequence of calls with fuzzer-chosen
//!   shapes, buffer lengths (shorter, exact, longer, NULL), layouts (valid and invalid), rule
//!   names and parameters. Every pointer passed is NULL or backed by a real allocation of
//!   the length passed. Checked on every call: the status is a known code and never
//!   LRP_ERR_PANIC; a failure leaves every output (buffer or scalar) bit-for-bit unchanged
//!   and sets `lrp_last_error` to a message naming the function; a success writes no more
//!   than the result's length. Plus a few semantic checks: `lrp_network_explain` equals
//!   forward + `lrp_network_lrp` with the masked output, and a written model reads back
//!   with the same layers and parameters. The second edition too: dims arrays of any rank
//!   (NULL, 0, huge, ranks up to 40), `lrp_network_output_dims` agrees with
//!   `lrp_network_output_shape`, `lrp_network_predict` with `lrp_network_forward`, and an
//!   `LrpExplainOptions` handle set by name (valid and invalid names and values, classes,
//!   start and baseline arrays) drives `lrp_network_explain_dims` and
//!   `lrp_network_explain_with`: outputs within the queried dims, the same twice, and equal
//!   to forward + `lrp_network_lrp` when the options are a rule and per-sample classes.
//!
//! Sizes are capped (dimensions <= 8, batches <= 4, at most 6 layers and 10 calls) so that
//! one input runs in milliseconds.

mod graph;

use arbitrary::{Arbitrary, Result as AResult, Unstructured};
use lrp::ffi::*;
use std::borrow::Cow;
use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

// ---------------------------------------------------------------------------------------
// model_reader

/// One model_reader input: parse, and if it parses, write and parse again.
pub fn model_reader(data: &[u8]) {
    let text = match std::str::from_utf8(data) {
        Ok(t) => Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(data),
    };
    if let Ok(net) = lrp::model_io::parse(&text, "fuzz") {
        let written = lrp::model_io::to_text(&net);
        let again = lrp::model_io::parse(&written, "written")
            .unwrap_or_else(|e| panic!("to_text output does not parse back: {e}\n{written}"));
        assert!(again == net, "write + read changed the network");
        assert_eq!(
            lrp::model_io::to_text(&again),
            written,
            "to_text is not stable"
        );
    }
}

// ---------------------------------------------------------------------------------------
// onnx_reader

/// One onnx_reader input: parse; if it parses, check what `lrp::onnx` promises: every node's
/// inputs are graph inputs or outputs of earlier nodes, outputs are assigned once, graph
/// outputs are computed, the node count and array ranks within the documented limits, every
/// weight finite, and the op-specific shapes (Conv bias per filter, groups dividing the
/// filters, Gemm bias per column, BatchNorm vectors of one length).
pub fn onnx_reader(data: &[u8]) {
    use lrp::onnx::Op;
    use std::collections::HashSet;
    fn finite<'a>(mut values: impl Iterator<Item = &'a f64>) -> bool {
        values.all(|v| v.is_finite())
    }
    let Ok(m) = lrp::onnx::parse(data, "fuzz") else {
        return;
    };
    assert!(m.nodes.len() <= lrp::onnx::MAX_NODES);
    assert!((lrp::onnx::MIN_OPSET..=lrp::onnx::MAX_OPSET).contains(&m.opset));
    let mut known: HashSet<&str> = m.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(known.len(), m.inputs.len(), "graph inputs named twice");
    for n in &m.nodes {
        for i in &n.inputs {
            assert!(
                known.contains(i.as_str()),
                "node {} reads {i} before it exists",
                n.name
            );
        }
        assert!(known.insert(&n.output), "{} assigned twice", n.output);
        match &n.op {
            Op::Conv {
                w,
                b,
                strides,
                dilations,
                group,
                ..
            } => {
                let f = w.shape()[0];
                assert!(w.shape().iter().all(|&d| d > 0) && *group >= 1 && f % group == 0);
                assert!(strides.iter().chain(dilations).all(|&s| s >= 1));
                assert!(b.as_ref().is_none_or(|b| b.len() == f));
                assert!(finite(w.iter()) && b.as_ref().is_none_or(|b| finite(b.iter())));
            }
            Op::Gemm { w, b } => {
                assert!(b.as_ref().is_none_or(|b| b.len() == w.ncols()));
                assert!(finite(w.iter()) && b.as_ref().is_none_or(|b| finite(b.iter())));
            }
            Op::MatMul { w } => assert!(finite(w.iter())),
            Op::AddConstant { c } => {
                assert!(c.ndim() <= lrp::onnx::MAX_TENSOR_RANK && finite(c.iter()))
            }
            Op::Add => assert_eq!(n.inputs.len(), 2),
            Op::BatchNorm {
                scale,
                bias,
                mean,
                var,
                epsilon,
            } => {
                let c = scale.len();
                assert!(bias.len() == c && mean.len() == c && var.len() == c);
                assert!(var.iter().all(|v| v + epsilon > 0.0));
            }
            Op::MaxPool {
                kernel, strides, ..
            }
            | Op::AveragePool {
                kernel, strides, ..
            } => {
                assert!(kernel
                    .iter()
                    .chain(strides)
                    .all(|&k| (1..=lrp::onnx::MAX_WINDOW).contains(&k)));
            }
            Op::Reshape { shape } => assert!(shape.len() <= lrp::onnx::MAX_TENSOR_RANK),
            _ => {}
        }
        if !matches!(n.op, Op::Sum | Op::Concat { .. } | Op::Add) {
            assert_eq!(n.inputs.len(), 1, "{}", n.name);
        }
    }
    assert!(!m.outputs.is_empty());
    for o in &m.outputs {
        assert!(
            known.contains(o.as_str()),
            "graph output {o} is not computed"
        );
    }
}

// ---------------------------------------------------------------------------------------
// c_api: the fuzzer's choices

const MAX_LAYERS: usize = 6;
const MAX_CALLS: usize = 10;
/// No buffer is longer than this (doubles).
const MAX_BUFFER: usize = 1 << 14;

/// A buffer length relative to the length the call needs.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum LenSel {
    Exact,
    Exact2,
    Exact3,
    Shorter(u8),
    Longer(u8),
    Zero,
    Null(u16),
    Any(u16),
}

impl LenSel {
    /// (length to pass, pass NULL instead of a buffer)
    fn resolve(self, needed: Option<usize>) -> (usize, bool) {
        let needed = needed.filter(|&n| n <= MAX_BUFFER);
        match (self, needed) {
            (LenSel::Exact | LenSel::Exact2 | LenSel::Exact3, Some(n)) => (n, false),
            (LenSel::Shorter(k), Some(n)) => (n.saturating_sub(1 + k as usize % 4), false),
            (LenSel::Longer(k), Some(n)) => (n + 1 + k as usize % 4, false),
            (LenSel::Zero, _) => (0, false),
            (LenSel::Null(k), _) => (needed.unwrap_or(k as usize), true),
            (LenSel::Any(k), _) => ((k as usize) % 300, false),
            (_, None) => (1, false),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum LayoutSel {
    Row,
    Row2,
    Col,
    Col2,
    Other(i32),
}

impl LayoutSel {
    fn flag(self) -> i32 {
        match self {
            LayoutSel::Row | LayoutSel::Row2 => LRP_LAYOUT_ROW_MAJOR,
            LayoutSel::Col | LayoutSel::Col2 => LRP_LAYOUT_COL_MAJOR,
            LayoutSel::Other(v) => v,
        }
    }
}

/// Input values: pseudo-random in [-1, 1] from a seed, optionally with one special value.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct ValueSel {
    seed: u32,
    scale: u8,
    special: Option<(u16, u8)>,
}

const SPECIALS: [f64; 10] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1e308,
    -1e308,
    0.0,
    -0.0,
    5e-324,
    1e154,
    -1e-300,
];

impl ValueSel {
    fn fill(self, len: usize) -> Vec<f64> {
        let mut state = u64::from(self.seed) | 1;
        let scale = match self.scale % 4 {
            0 => 1.0,
            1 => 1e-3,
            2 => 1e3,
            _ => 0.0,
        };
        let mut v: Vec<f64> = (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * scale
            })
            .collect();
        if let Some((at, which)) = self.special {
            if len > 0 {
                v[at as usize % len] = SPECIALS[which as usize % SPECIALS.len()];
            }
        }
        v
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum RuleSel {
    Null,
    Name(u8),
    InvalidUtf8,
}

const RULE_NAMES: [&str; 20] = [
    "simple",
    "none",
    "epsilon",
    "EPSILON",
    "eps",
    "alphabeta",
    "alpha",
    "flat",
    "ww",
    "w^2",
    "wsquare",
    "",
    "  Epsilon ",
    "bogus",
    "alphabeta\u{e9}",
    "composite",
    "zplus",
    "gamma",
    "Gamma",
    "zbox",
];

/// Composite names the fuzzer picks from (unknown ones included).
const COMPOSITE_NAMES: [&str; 6] = [
    "epsilon_plus",
    "epsilon_alpha2_beta1",
    "EPSILON_PLUS_FLAT",
    "epsilon_gamma_box",
    "epsilon",
    "",
];

/// Gradient method names the fuzzer picks from (unknown ones included).
const METHOD_NAMES: [&str; 9] = [
    "gradient",
    "input_x_gradient",
    "sensitivity",
    "guided_backprop",
    "deconvnet",
    "smoothgrad",
    "integrated_gradients",
    "Gradient",
    "lrp",
];

impl RuleSel {
    /// The C string to pass (None: NULL).
    fn cstring(self) -> Option<CString> {
        match self {
            RuleSel::Null => None,
            RuleSel::Name(i) => {
                Some(CString::new(RULE_NAMES[i as usize % RULE_NAMES.len()]).expect("no NUL"))
            }
            RuleSel::InvalidUtf8 => Some(CString::new(vec![b'e', 0xff, 0xfe]).expect("no NUL")),
        }
    }
}

/// A rule parameter: NaN (the default), typical values, edge cases or any f64.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum ParamSel {
    Default,
    Pick(u8),
    Any(f64),
}

const PARAMS: [f64; 14] = [
    0.01,
    1.0,
    2.0,
    0.0,
    -0.0,
    -1.0,
    0.5,
    1e-12,
    1e308,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    3.0,
    -0.5,
];

impl ParamSel {
    fn value(self) -> f64 {
        match self {
            ParamSel::Default => f64::NAN,
            ParamSel::Pick(i) => PARAMS[i as usize % PARAMS.len()],
            ParamSel::Any(v) => v,
        }
    }
}

/// An input shape: the network's intended input with a batch size (optionally with
/// trailing 1s added or removed), or any rank and dimensions.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum ShapeSel {
    Fit { batch: u8, style: u8 },
    Fit2 { batch: u8 },
    Raw { rank: i8, dims: [u8; 4], huge: u8 },
}

const HUGE: [usize; 6] = [
    usize::MAX,
    1 << 32,
    1 << 62,
    (1 << 32) + 1,
    usize::MAX / 2,
    1 << 21,
];

impl ShapeSel {
    /// (rank, the four dims passed)
    fn resolve(self, initial: &[usize]) -> (i32, [usize; 4]) {
        match self {
            ShapeSel::Fit { batch, style } => {
                let mut s = vec![1 + batch as usize % 4];
                s.extend_from_slice(initial);
                match style % 3 {
                    1 => {
                        while s.len() < 4 {
                            s.push(1)
                        }
                    }
                    2 => {
                        while s.len() > 2 && s.last() == Some(&1) {
                            s.pop();
                        }
                    }
                    _ => {}
                }
                let mut d = [1usize; 4];
                d[..s.len()].copy_from_slice(&s);
                (s.len() as i32, d)
            }
            ShapeSel::Fit2 { batch } => ShapeSel::Fit { batch, style: 0 }.resolve(initial),
            ShapeSel::Raw { rank, dims, huge } => {
                let mut d = dims.map(|v| v as usize % 9);
                // Bits 0-3 make that dimension huge, bits 4-6 pick the value.
                for (i, di) in d.iter_mut().enumerate() {
                    if huge & (1 << i) != 0 {
                        *di = HUGE[(huge >> 4) as usize % HUGE.len()];
                    }
                }
                let rank = match rank {
                    -3..=7 => i32::from(rank),
                    r => i32::from(r) * 1000,
                };
                (rank, d)
            }
        }
    }
}

/// Elements of a shape as the library reads it (dims past the rank ignored), if it is a
/// sensible buffer length.
fn elements(rank: i32, d: [usize; 4]) -> Option<usize> {
    if !(1..=4).contains(&rank) {
        return None;
    }
    d[..rank as usize]
        .iter()
        .try_fold(1usize, |a, &v| a.checked_mul(v))
        .filter(|&n| n <= MAX_BUFFER)
}

/// Weights and biases for a Linear or Convolution layer.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct WeightsSel {
    random: bool,
    seed: u64,
    w_len: LenSel,
    b_len: LenSel,
    null_w: bool,
    null_b: bool,
    layout: LayoutSel,
    values: ValueSel,
}

/// A layer to append. With `fit`, sizes follow the current output shape of the network
/// (so that most networks run); otherwise they are taken as given (0 included).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum LayerSpec {
    Linear {
        m: u8,
        n: u8,
        fit: bool,
        weights: WeightsSel,
    },
    Convolution {
        f: [u8; 4],
        stride: [u8; 2],
        fit: bool,
        weights: WeightsSel,
    },
    MaxPool {
        p: [u8; 2],
        stride: [u8; 2],
        fit: bool,
    },
    SumPool {
        p: [u8; 2],
        stride: [u8; 2],
        fit: bool,
    },
    Flatten,
    Rect,
    Tanh,
    SoftMax,
    Linear2 {
        n: u8,
        weights: WeightsSel,
    },
    /// A node of any kind through the layer-spec exports (see graph.rs).
    Node(graph::NodeSel),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum ClassSel {
    Valid(u8),
    Raw(i32),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum PathSel {
    Temp,
    Temp2,
    MissingDir,
    Directory,
    InvalidUtf8,
    Null,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum OptionSel {
    Batchsize(u8),
    Iters(u8),
    Lrate(ParamSel),
    LfactorInitial(ParamSel),
    Status(u8),
    Convergence(i8),
    Seed(ParamSel),
    Unknown,
    NullName,
    Decay(u8),
    Validation {
        shape: ShapeSel,
        x_len: LenSel,
        y_len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
    },
}

#[derive(Arbitrary, Debug, Clone)]
enum Call {
    Forward {
        shape: ShapeSel,
        x_len: LenSel,
        y_len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
        lrp_aware: bool,
    },
    Lrp {
        r_len: LenSel,
        out_len: LenSel,
        layout: LayoutSel,
        rule: RuleSel,
        param: ParamSel,
        values: ValueSel,
    },
    Explain {
        shape: ShapeSel,
        x_len: LenSel,
        classes: [ClassSel; 4],
        classes_len: LenSel,
        out_len: LenSel,
        layout: LayoutSel,
        rule: RuleSel,
        param: ParamSel,
        values: ValueSel,
    },
    Backward {
        dy_len: LenSel,
        dx_len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
    },
    Update {
        lrate: ParamSel,
    },
    Clean,
    AddLayer(LayerSpec),
    PopLayer,
    DropSoftmax {
        null_out: bool,
    },
    SetPreset {
        index: Option<u8>,
        rule: RuleSel,
        param: ParamSel,
    },
    GetPreset {
        index: u8,
        name_len: u8,
        null_name: bool,
        null_param: bool,
    },
    Query {
        index: u8,
        which: u8,
        param_which: i8,
        null_out: bool,
    },
    GetParam {
        index: u8,
        which: i8,
        len: LenSel,
        layout: LayoutSel,
    },
    SetParam {
        index: u8,
        which: i8,
        len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
    },
    OutputShape {
        shape: ShapeSel,
        null_out: u8,
    },
    Clone,
    WriteRead {
        path: PathSel,
    },
    Train {
        shape: ShapeSel,
        x_len: LenSel,
        y_len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
        targets: ValueSel,
        iters: u8,
        options: [Option<OptionSel>; 3],
        log_len: LenSel,
    },
    SetComposite {
        name: Option<u8>,
        epsilon: ParamSel,
        gamma: ParamSel,
        low: ParamSel,
        high: ParamSel,
    },
    SetCaffeFormula {
        formula: i8,
        pick: bool,
        layer: i8,
        epsilon: ParamSel,
        alpha: ParamSel,
    },
    SetZbox {
        index: u8,
        channels: u8,
        low: ValueSel,
        high: ValueSel,
        null_low: bool,
    },
    SetConvention(i8),
    /// lrp_network_set_precision with any dtype (1 and 2 are valid): later explains run in
    /// f32 or f64.
    SetPrecision(i8),
    GetZbox {
        index: u8,
        capacity: u8,
        null_low: bool,
        null_high: bool,
        null_count: bool,
    },
    ExplainClasses {
        shape: ShapeSel,
        x_len: LenSel,
        classes: [ClassSel; 4],
        classes_len: u8,
        out_len: LenSel,
        layout: LayoutSel,
        rule: RuleSel,
        param: ParamSel,
        values: ValueSel,
        set: bool,
    },
    Attribute {
        shape: ShapeSel,
        x_len: LenSel,
        dy_len: LenSel,
        out_len: LenSel,
        layout: LayoutSel,
        method: u8,
        count: u8,
        sigma: ParamSel,
        values: ValueSel,
    },
    NullHandle(u8),
    /// The second edition: lrp_network_output_dims and lrp_network_predict.
    Predict {
        dims: DimsSel,
        out_len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
        null_out_dims: bool,
    },
    /// The second edition: an explain options handle set by name, then
    /// lrp_network_explain_dims and lrp_network_explain_with.
    ExplainWith {
        dims: DimsSel,
        options: [Option<XOptSel>; 5],
        out_len: LenSel,
        values: ValueSel,
        null_opts: bool,
    },
    /// The node queries (lrp_node_*) and NULL specs (see graph.rs).
    Node(graph::QuerySel),
}

/// Dims of the second edition's arrays: a [`ShapeSel`] as a dims array, or any rank (up to
/// 40, backed by 40 values so that the library never reads past them).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum DimsSel {
    Shape(ShapeSel),
    Shape2(ShapeSel),
    Rank(i8, ShapeSel),
    Null(ShapeSel),
}

impl DimsSel {
    /// (the dims array of 40 values, the rank to pass, NULL dims)
    fn resolve(self, initial: &[usize]) -> (Vec<usize>, i32, bool) {
        let (shape, null) = match self {
            DimsSel::Shape(s) | DimsSel::Shape2(s) | DimsSel::Rank(_, s) => (s, false),
            DimsSel::Null(s) => (s, true),
        };
        let (rank, d) = shape.resolve(initial);
        let mut dims = vec![1usize; 40];
        dims[..4].copy_from_slice(&d);
        let rank = match self {
            DimsSel::Rank(r, _) => i32::from(r) % 41,
            _ => rank,
        };
        (dims, rank, null)
    }
}

/// The element count the library reads for `rank` values of `dims`: `Some(n)` when the
/// rank is valid and the product fits a buffer the fuzzer can back, `Some(0)` (pass a
/// one-element buffer) when the library must refuse the dims before reading (a bad rank, a
/// 0, an overflowing product), `None` when the dims are valid but too large to back (the
/// call is skipped: the library could accept them and read).
fn nd_elements(dims: &[usize], rank: i32) -> Option<usize> {
    if !(1..=LRP_MAX_RANK).contains(&rank) {
        return Some(0);
    }
    let d = &dims[..rank as usize];
    if d.contains(&0) {
        return Some(0);
    }
    match d.iter().try_fold(1usize, |a, &v| a.checked_mul(v)) {
        None => Some(0),
        Some(n) if n <= MAX_BUFFER => Some(n),
        Some(n) if n > isize::MAX as usize / 8 => Some(0),
        Some(_) => None,
    }
}

/// One option of an explain options handle.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum XOptSel {
    Number(u8, ParamSel),
    Whole(u8, u8),
    Text(u8, u8),
    Classes([ClassSel; 4], u8, bool),
    Start(ValueSel, bool),
    Baseline(ValueSel, bool),
}

const XOPT_NUMBERS: [&str; 13] = [
    "parameter",
    "epsilon",
    "gamma",
    "low",
    "high",
    "samples",
    "noise",
    "seed",
    "steps",
    "layout",
    "SEED",
    "sigma",
    "rule",
];

const XOPT_TEXTS: [&str; 9] = [
    "method",
    "rule",
    "composite",
    "canonizers",
    "convention",
    "targets",
    "layout",
    "Method",
    "seed",
];

const XOPT_VALUES: [&str; 33] = [
    "lrp",
    "gradient",
    "input_x_gradient",
    "sensitivity",
    "guided_backprop",
    "deconvnet",
    "smoothgrad",
    "ig",
    "epsilon",
    "alphabeta",
    "flat",
    "ww",
    "gamma",
    "zbox",
    "simple",
    "epsilon_plus",
    "epsilon_alpha2_beta1",
    "epsilon_gamma_box",
    "epsilon_plus_flat",
    "vgg",
    "resnet",
    "auto",
    "none",
    "toolbox",
    "zennit",
    "top",
    "per_sample",
    "each",
    "set",
    "row_major",
    "col_major",
    "",
    " top",
];

/// The element count of the network's output for `x` dims (None if refused).
fn nd_output(net: *const LrpNetwork, dims: &[usize], rank: i32) -> Option<Vec<usize>> {
    let mut out = [0usize; 40];
    let mut r = -1;
    // SAFETY: dims backs 40 values (rank is checked against LRP_MAX_RANK first); out
    // holds 40.
    let s =
        unsafe { lrp_network_output_dims(net, dims.as_ptr(), rank, out.as_mut_ptr(), 40, &mut r) };
    ok(s, "lrp_network_output_dims").then(|| out[..r as usize].to_vec())
}

// ---------------------------------------------------------------------------------------
// c_api: checking helpers

/// The sentinel an output buffer is filled with: NaNs with distinct payloads.
fn sentinel(i: usize) -> f64 {
    f64::from_bits(0x7ff8_dead_0000_0000 | (i as u64 & 0xffff_ffff))
}

/// A caller-owned output buffer of doubles, or NULL.
struct Out {
    data: Vec<f64>,
    len: usize,
    null: bool,
}

impl Out {
    fn new((len, null): (usize, bool)) -> Out {
        let data = if null {
            Vec::new()
        } else {
            (0..len).map(sentinel).collect()
        };
        Out { data, len, null }
    }

    fn ptr(&mut self) -> *mut f64 {
        if self.null {
            null_mut()
        } else {
            self.data.as_mut_ptr()
        }
    }

    /// Index of the first element changed at or after `from`.
    fn changed_from(&self, from: usize) -> Option<usize> {
        (from..self.data.len()).find(|&i| self.data[i].to_bits() != sentinel(i).to_bits())
    }

    /// Asserts the outcome of a call that should write `written` elements on success.
    fn check(&self, ok: bool, written: Option<usize>, what: &str) {
        if ok {
            assert!(!self.null, "{what}: success with a NULL output");
            if let Some(n) = written {
                assert!(n <= self.len, "{what}: success with a short buffer");
                if let Some(i) = self.changed_from(n) {
                    panic!("{what}: wrote element {i} past the result length {n}");
                }
            }
        } else if let Some(i) = self.changed_from(0) {
            panic!("{what}: failed but changed output element {i}");
        }
    }
}

/// An input buffer of doubles, or NULL.
struct In {
    data: Vec<f64>,
    len: usize,
    null: bool,
}

impl In {
    fn new((len, null): (usize, bool), values: ValueSel) -> In {
        In {
            data: if null { Vec::new() } else { values.fill(len) },
            len,
            null,
        }
    }

    fn ptr(&self) -> *const f64 {
        if self.null {
            null()
        } else {
            self.data.as_ptr()
        }
    }
}

fn last_error() -> String {
    // SAFETY: lrp_last_error never returns NULL and the string lives until the next
    // failing call on this thread; it is copied at once.
    unsafe { CStr::from_ptr(lrp_last_error()) }
        .to_string_lossy()
        .into_owned()
}

/// Checks a status: a known code, never a panic; on failure a message naming `function`.
/// Returns whether the call succeeded.
fn ok(status: i32, function: &str) -> bool {
    assert!(
        (LRP_OK..=LRP_ERR_PANIC).contains(&status),
        "{function}: unknown status {status}"
    );
    if status == LRP_OK {
        return true;
    }
    let message = last_error();
    assert!(
        status != LRP_ERR_PANIC,
        "{function} panicked (LRP_ERR_PANIC): {message}"
    );
    assert!(
        message.starts_with(function),
        "{function} failed ({status}) with a message not naming it: {message:?}"
    );
    false
}

/// Runs `call` with a scalar output initialised to `init` (or NULL) and checks that it
/// is unchanged on failure.
fn scalar<T: Copy + PartialEq + std::fmt::Debug>(
    init: T,
    null: bool,
    function: &str,
    call: impl FnOnce(*mut T) -> i32,
) -> Option<T> {
    let mut v = init;
    let p = if null { null_mut() } else { &mut v as *mut T };
    let success = ok(call(p), function);
    if success {
        assert!(!null, "{function}: success with a NULL output");
        Some(v)
    } else {
        assert!(v == init, "{function}: failed but wrote {v:?}");
        None
    }
}

/// Bits-equal or numerically close (both finite).
fn close(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
        || (a.is_nan() && b.is_nan())
        || (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

// ---------------------------------------------------------------------------------------
// c_api: the driver

struct Driver {
    net: *mut LrpNetwork,
    /// The intended input shape without the batch: [M] or [H, W, D].
    initial: Vec<usize>,
    /// Input and output lengths of the last successful forward pass (for lrp/backward).
    cached: Option<(usize, usize)>,
    temp: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: the handle is live (or NULL) and owned by the driver.
        unsafe { lrp_network_free(self.net) };
        let _ = std::fs::remove_file(&self.temp);
    }
}

fn num_layers(net: *const LrpNetwork) -> usize {
    scalar(0usize, false, "lrp_network_num_layers", |p| unsafe {
        lrp_network_num_layers(net, p)
    })
    .expect("num_layers on a live handle")
}

impl Driver {
    /// The network's output shape for the intended input with batch 1, via the C API.
    fn current_shape(&self) -> Option<Vec<usize>> {
        let mut s = vec![1];
        s.extend_from_slice(&self.initial);
        let mut d = [1usize; 4];
        d[..s.len()].copy_from_slice(&s);
        self.output_shape(s.len() as i32, d, 0)
    }

    /// `count` class indices from the selectors: valid ones wrapped into the network's C
    /// outputs (3 when the output is not N x C), raw ones as drawn.
    fn class_values(
        &self,
        rank: i32,
        d: [usize; 4],
        sel: &[ClassSel; 4],
        count: usize,
    ) -> Vec<i32> {
        let c = match self.output_shape(rank, d, 0).as_deref() {
            Some(&[_, c]) => c,
            _ => 3,
        };
        (0..count)
            .map(|i| match sel[i % 4] {
                ClassSel::Valid(k) => (k as usize % c.max(1)) as i32,
                ClassSel::Raw(k) => k,
            })
            .collect()
    }

    /// lrp_network_output_shape with every output checked; `null_out` bit i makes output i
    /// NULL (bit 4: out_rank).
    fn output_shape(&self, rank: i32, d: [usize; 4], null_out: u8) -> Option<Vec<usize>> {
        let init = [77usize, 78, 79, 80];
        let mut o = init;
        let mut r = -5i32;
        let base = o.as_mut_ptr();
        // SAFETY: i < 4, within o.
        let ptr = |i: usize| -> *mut usize {
            if null_out & (1 << i) != 0 {
                null_mut()
            } else {
                unsafe { base.add(i) }
            }
        };
        let (p0, p1, p2, p3) = (ptr(0), ptr(1), ptr(2), ptr(3));
        let pr = if null_out & 16 != 0 {
            null_mut()
        } else {
            &mut r as *mut i32
        };
        // SAFETY: every pointer is NULL or points to a live local.
        let status = unsafe {
            lrp_network_output_shape(self.net, rank, d[0], d[1], d[2], d[3], p0, p1, p2, p3, pr)
        };
        if ok(status, "lrp_network_output_shape") {
            assert!((1..=4).contains(&r), "output rank {r}");
            for (i, &oi) in o.iter().enumerate().skip(r as usize) {
                assert_eq!(oi, 1, "output dim {i} past the rank is not 1");
            }
            Some(o[..r as usize].to_vec())
        } else {
            assert!(
                o == init && r == -5,
                "lrp_network_output_shape failed but wrote"
            );
            None
        }
    }

    /// Output length for an input shape, if the network accepts it.
    fn output_len(&self, rank: i32, d: [usize; 4]) -> Option<usize> {
        let s = self.output_shape(rank, d, 0)?;
        s.iter().try_fold(1usize, |a, &v| a.checked_mul(v))
    }

    fn add_layer(&mut self, spec: LayerSpec) {
        let cur = self.current_shape();
        let small = |v: u8| v as usize % 9;
        let net = self.net;
        if let LayerSpec::Node(sel) = spec {
            graph::add_node(net, cur.as_deref(), sel);
            return;
        }
        let (status, function) = match spec {
            LayerSpec::Linear { m, n, fit, weights } => {
                let m = match (&cur, fit) {
                    (Some(c), true) => c[1..].iter().product(),
                    _ => small(m),
                };
                let n = if fit { 1 + n as usize % 12 } else { small(n) };
                (
                    self.add_weighted(weights, m, &[m, n], None),
                    "lrp_network_add_linear",
                )
            }
            LayerSpec::Linear2 { n, weights } => {
                let m = cur.as_ref().map_or(1, |c| c[1..].iter().product());
                let n = 1 + n as usize % 12;
                (
                    self.add_weighted(weights, m, &[m, n], None),
                    "lrp_network_add_linear",
                )
            }
            LayerSpec::Convolution {
                f,
                stride,
                fit,
                weights,
            } => {
                let (mut hf, mut wf, mut df, mut nf) =
                    (small(f[0]), small(f[1]), small(f[2]), small(f[3]));
                let (mut sh, mut sw) = (small(stride[0]), small(stride[1]));
                if let (Some(c), true) = (&cur, fit) {
                    if c.len() == 4 {
                        hf = 1 + hf % c[1].min(4);
                        wf = 1 + wf % c[2].min(4);
                        df = c[3];
                        nf = 1 + nf % 6;
                        sh = 1 + sh % 2;
                        sw = 1 + sw % 2;
                    }
                }
                (
                    self.add_weighted(weights, 0, &[hf, wf, df, nf], Some((sh, sw))),
                    "lrp_network_add_convolution",
                )
            }
            LayerSpec::MaxPool { p, stride, fit } | LayerSpec::SumPool { p, stride, fit } => {
                let (mut ph, mut pw, mut sh, mut sw) =
                    (small(p[0]), small(p[1]), small(stride[0]), small(stride[1]));
                if let (Some(c), true) = (&cur, fit) {
                    if c.len() == 4 {
                        ph = 1 + ph % c[1].min(3);
                        pw = 1 + pw % c[2].min(3);
                        sh = 1 + sh % 2;
                        sw = 1 + sw % 2;
                    }
                }
                // SAFETY: net is live.
                unsafe {
                    if matches!(spec, LayerSpec::MaxPool { .. }) {
                        (
                            lrp_network_add_maxpool(net, ph, pw, sh, sw),
                            "lrp_network_add_maxpool",
                        )
                    } else {
                        (
                            lrp_network_add_sumpool(net, ph, pw, sh, sw),
                            "lrp_network_add_sumpool",
                        )
                    }
                }
            }
            // SAFETY (all four): net is live.
            LayerSpec::Flatten => (
                unsafe { lrp_network_add_flatten(net) },
                "lrp_network_add_flatten",
            ),
            LayerSpec::Rect => (unsafe { lrp_network_add_rect(net) }, "lrp_network_add_rect"),
            LayerSpec::Tanh => (unsafe { lrp_network_add_tanh(net) }, "lrp_network_add_tanh"),
            LayerSpec::SoftMax => (
                unsafe { lrp_network_add_softmax(net) },
                "lrp_network_add_softmax",
            ),
            LayerSpec::Node(_) => unreachable!("handled above"),
        };
        ok(status, function);
    }

    /// Adds a Linear (stride None) or Convolution layer with W of `w_shape`.
    fn add_weighted(
        &mut self,
        sel: WeightsSel,
        m: usize,
        w_shape: &[usize],
        stride: Option<(usize, usize)>,
    ) -> i32 {
        let w_needed = w_shape.iter().try_fold(1usize, |a, &v| a.checked_mul(v));
        let b_needed = Some(*w_shape.last().expect("non-empty"));
        let (w, b) = if sel.random {
            (
                In::new((0, true), sel.values),
                In::new((0, true), sel.values),
            )
        } else {
            let (wl, wn) = sel.w_len.resolve(w_needed);
            let (bl, bn) = sel.b_len.resolve(b_needed);
            (
                In::new((wl, wn || sel.null_w), sel.values),
                In::new((bl, bn || sel.null_b), sel.values),
            )
        };
        let before = num_layers(self.net);
        // SAFETY: net is live; w and b are NULL or hold their lengths.
        let status = unsafe {
            match stride {
                None => lrp_network_add_linear(
                    self.net,
                    m,
                    w_shape[1],
                    w.ptr(),
                    w.len,
                    b.ptr(),
                    b.len,
                    sel.layout.flag(),
                    sel.seed,
                ),
                Some((sh, sw)) => lrp_network_add_convolution(
                    self.net,
                    w_shape[0],
                    w_shape[1],
                    w_shape[2],
                    w_shape[3],
                    sh,
                    sw,
                    w.ptr(),
                    w.len,
                    b.ptr(),
                    b.len,
                    sel.layout.flag(),
                    sel.seed,
                ),
            }
        };
        let after = num_layers(self.net);
        assert_eq!(
            after,
            before + usize::from(status == LRP_OK),
            "layer count after add with status {status}"
        );
        if status == LRP_OK && !sel.random && !w.null {
            // The weights read back as given (in the layout given).
            let mut got = Out::new((w.len, false));
            // SAFETY: got holds w.len doubles.
            let s = unsafe {
                lrp_layer_get_param(
                    self.net,
                    after - 1,
                    LRP_PARAM_W,
                    got.ptr(),
                    got.len,
                    sel.layout.flag(),
                )
            };
            assert!(
                ok(s, "lrp_layer_get_param"),
                "W of a new layer cannot be read"
            );
            for (i, (a, b)) in got.data.iter().zip(&w.data).enumerate() {
                assert!(
                    a.to_bits() == b.to_bits(),
                    "W[{i}] reads back as {a}, given {b}"
                );
            }
        }
        status
    }

    fn call(&mut self, call: Call) {
        let net = self.net;
        match call {
            Call::Forward {
                shape,
                x_len,
                y_len,
                layout,
                values,
                lrp_aware,
            } => {
                let (rank, d) = shape.resolve(&self.initial);
                let x = In::new(x_len.resolve(elements(rank, d)), values);
                let needed = self.output_len(rank, d);
                let mut y = Out::new(y_len.resolve(needed));
                // SAFETY: buffers hold their lengths or are NULL.
                let s = unsafe {
                    lrp_network_forward(
                        net,
                        x.ptr(),
                        x.len,
                        rank,
                        d[0],
                        d[1],
                        d[2],
                        d[3],
                        layout.flag(),
                        i32::from(lrp_aware),
                        y.ptr(),
                        y.len,
                    )
                };
                let success = ok(s, "lrp_network_forward");
                y.check(success, needed, "lrp_network_forward y");
                if success {
                    self.cached = needed.map(|n| (x.len, n));
                }
            }
            Call::Lrp {
                r_len,
                out_len,
                layout,
                rule,
                param,
                values,
            } => {
                let (in_n, out_n) = self.cached.unzip();
                let r = In::new(r_len.resolve(out_n), values);
                let mut out = Out::new(out_len.resolve(in_n));
                let rule = rule.cstring();
                // SAFETY: buffers hold their lengths or are NULL; rule is NULL or a C string.
                let s = unsafe {
                    lrp_network_lrp(
                        net,
                        r.ptr(),
                        r.len,
                        layout.flag(),
                        rule.as_ref().map_or(null(), |c| c.as_ptr()),
                        param.value(),
                        out.ptr(),
                        out.len,
                    )
                };
                let success = ok(s, "lrp_network_lrp");
                out.check(success, in_n, "lrp_network_lrp out");
            }
            Call::Explain {
                shape,
                x_len,
                classes,
                classes_len,
                out_len,
                layout,
                rule,
                param,
                values,
            } => {
                let (rank, d) = shape.resolve(&self.initial);
                let n_in = elements(rank, d);
                let x = In::new(x_len.resolve(n_in), values);
                let (cl, cnull) = classes_len.resolve(Some(d[0]).filter(|&b| b <= 64));
                let class_values = self.class_values(rank, d, &classes, if cnull { 0 } else { cl });
                let mut out = Out::new(out_len.resolve(n_in));
                let rule_c = rule.cstring();
                let rule_ptr = rule_c.as_ref().map_or(null(), |c| c.as_ptr());
                // SAFETY: buffers hold their lengths or are NULL.
                let s = unsafe {
                    lrp_network_explain(
                        net,
                        x.ptr(),
                        x.len,
                        rank,
                        d[0],
                        d[1],
                        d[2],
                        d[3],
                        layout.flag(),
                        if cnull { null() } else { class_values.as_ptr() },
                        cl,
                        rule_ptr,
                        param.value(),
                        out.ptr(),
                        out.len,
                    )
                };
                let success = ok(s, "lrp_network_explain");
                out.check(success, Some(x.len), "lrp_network_explain out");
                if success {
                    self.check_explain(
                        &x,
                        rank,
                        d,
                        layout.flag(),
                        &class_values,
                        rule_ptr,
                        param.value(),
                        &out.data[..x.len],
                    );
                }
            }
            Call::Backward {
                dy_len,
                dx_len,
                layout,
                values,
            } => {
                let (in_n, out_n) = self.cached.unzip();
                let dy = In::new(dy_len.resolve(out_n), values);
                let mut dx = Out::new(dx_len.resolve(in_n));
                // SAFETY: buffers hold their lengths or are NULL.
                let s = unsafe {
                    lrp_network_backward(net, dy.ptr(), dy.len, layout.flag(), dx.ptr(), dx.len)
                };
                let success = ok(s, "lrp_network_backward");
                dx.check(success, in_n, "lrp_network_backward dx");
            }
            Call::Update { lrate } => {
                // SAFETY: net is live.
                ok(
                    unsafe { lrp_network_update(net, lrate.value()) },
                    "lrp_network_update",
                );
            }
            Call::Clean => {
                // SAFETY: net is live.
                assert!(ok(unsafe { lrp_network_clean(net) }, "lrp_network_clean"));
                self.cached = None;
            }
            Call::AddLayer(spec) => self.add_layer(spec),
            Call::PopLayer => {
                let before = num_layers(net);
                // SAFETY: net is live.
                let success = ok(
                    unsafe { lrp_network_pop_layer(net) },
                    "lrp_network_pop_layer",
                );
                assert_eq!(success, before > 0, "pop_layer on {before} layers");
                assert_eq!(num_layers(net), before - usize::from(success));
            }
            Call::DropSoftmax { null_out } => {
                let before = num_layers(net);
                let last_is_softmax = before > 0
                    && scalar(0, false, "lrp_layer_kind", |p| unsafe {
                        lrp_layer_kind(net, before - 1, p)
                    }) == Some(LRP_LAYER_SOFTMAX);
                let dropped = scalar(
                    -7i32,
                    null_out,
                    "lrp_network_drop_softmax_output_layer",
                    |p| unsafe { lrp_network_drop_softmax_output_layer(net, p) },
                );
                match dropped {
                    Some(v) => {
                        assert_eq!(v, i32::from(last_is_softmax));
                        assert_eq!(num_layers(net), before - v as usize);
                    }
                    None => assert_eq!(num_layers(net), before),
                }
            }
            Call::SetComposite {
                name,
                epsilon,
                gamma,
                low,
                high,
            } => {
                let name = name.map(|i| {
                    CString::new(COMPOSITE_NAMES[i as usize % COMPOSITE_NAMES.len()])
                        .expect("no NUL")
                });
                let name_ptr = name.as_ref().map_or(null(), |c| c.as_ptr());
                // SAFETY: net is live; name NULL or a C string.
                ok(
                    unsafe {
                        lrp_network_set_composite(
                            net,
                            name_ptr,
                            epsilon.value(),
                            gamma.value(),
                            low.value(),
                            high.value(),
                        )
                    },
                    "lrp_network_set_composite",
                );
            }
            Call::SetCaffeFormula {
                formula,
                pick,
                layer,
                epsilon,
                alpha,
            } => {
                let formula = if pick {
                    lrp::CAFFE_FORMULAS[formula.unsigned_abs() as usize % 9] as i32
                } else {
                    i32::from(formula)
                };
                // SAFETY: net is live.
                ok(
                    unsafe {
                        lrp_network_set_caffe_formula(
                            net,
                            formula,
                            i32::from(layer),
                            epsilon.value(),
                            alpha.value(),
                        )
                    },
                    "lrp_network_set_caffe_formula",
                );
            }
            Call::SetZbox {
                index,
                channels,
                low,
                high,
                null_low,
            } => {
                let c = usize::from(channels % 8);
                let (low, high) = (low.fill(c), high.fill(c));
                // SAFETY: the bound buffers hold `c` values or low is NULL.
                ok(
                    unsafe {
                        lrp_layer_set_zbox(
                            net,
                            usize::from(index % 8),
                            if null_low { null() } else { low.as_ptr() },
                            high.as_ptr(),
                            c,
                        )
                    },
                    "lrp_layer_set_zbox",
                );
            }
            Call::GetZbox {
                index,
                capacity,
                null_low,
                null_high,
                null_count,
            } => {
                let cap = usize::from(capacity % 12);
                let (mut low, mut high) = (vec![-123.5f64; cap], vec![-123.5f64; cap]);
                let mut count = 4321usize;
                // SAFETY: low and high hold `cap` values or are NULL; count a local or NULL.
                let s = unsafe {
                    lrp_layer_get_zbox(
                        net,
                        usize::from(index % 8),
                        if null_low {
                            null_mut()
                        } else {
                            low.as_mut_ptr()
                        },
                        if null_high {
                            null_mut()
                        } else {
                            high.as_mut_ptr()
                        },
                        cap,
                        if null_count { null_mut() } else { &mut count },
                    )
                };
                let untouched = |v: &[f64]| v.iter().all(|x| x.to_bits() == (-123.5f64).to_bits());
                if ok(s, "lrp_layer_get_zbox") {
                    assert!(count >= 1, "zbox bounds count {count}");
                    if !null_low {
                        assert!(count <= cap, "count {count} beyond capacity {cap}");
                        for k in 0..count {
                            assert!(low[k] <= high[k], "bounds crossed at {k}");
                        }
                        assert!(untouched(&low[count..]) && untouched(&high[count..]));
                    }
                } else {
                    assert!(count == 4321, "failed but wrote count");
                    assert!(
                        untouched(&low) && untouched(&high),
                        "failed but wrote bounds"
                    );
                }
            }
            Call::SetConvention(c) => {
                // SAFETY: net is live.
                ok(
                    unsafe { lrp_network_set_convention(net, i32::from(c)) },
                    "lrp_network_set_convention",
                );
            }
            Call::SetPrecision(p) => {
                let mut before = -7;
                // SAFETY: net is live; before is writable.
                assert!(ok(
                    unsafe { lrp_network_precision(net, &mut before) },
                    "lrp_network_precision"
                ));
                // SAFETY: net is live.
                let set = ok(
                    unsafe { lrp_network_set_precision(net, i32::from(p)) },
                    "lrp_network_set_precision",
                );
                let mut after = -7;
                // SAFETY: as above.
                assert!(ok(
                    unsafe { lrp_network_precision(net, &mut after) },
                    "lrp_network_precision"
                ));
                assert_eq!(set, matches!(p, 1 | 2), "precision {p}");
                assert_eq!(after, if set { i32::from(p) } else { before });
            }
            Call::ExplainClasses {
                shape,
                x_len,
                classes,
                classes_len,
                out_len,
                layout,
                rule,
                param,
                values,
                set,
            } => {
                let (rank, d) = shape.resolve(&self.initial);
                let n_in = elements(rank, d);
                let x = In::new(x_len.resolve(n_in), values);
                let class_values =
                    self.class_values(rank, d, &classes, usize::from(classes_len % 6));
                let k = if set { 1 } else { class_values.len() };
                let mut out = Out::new(out_len.resolve(n_in.and_then(|n| n.checked_mul(k))));
                let rule_c = rule.cstring();
                let rule_ptr = rule_c.as_ref().map_or(null(), |c| c.as_ptr());
                let call = if set {
                    lrp_network_explain_class_set
                } else {
                    lrp_network_explain_classes
                };
                let name = if set {
                    "lrp_network_explain_class_set"
                } else {
                    "lrp_network_explain_classes"
                };
                // SAFETY: buffers hold their lengths or are NULL.
                let s = unsafe {
                    call(
                        net,
                        x.ptr(),
                        x.len,
                        rank,
                        d[0],
                        d[1],
                        d[2],
                        d[3],
                        layout.flag(),
                        class_values.as_ptr(),
                        class_values.len(),
                        rule_ptr,
                        param.value(),
                        out.ptr(),
                        out.len,
                    )
                };
                let success = ok(s, name);
                out.check(success, Some(x.len * k), name);
            }
            Call::Attribute {
                shape,
                x_len,
                dy_len,
                out_len,
                layout,
                method,
                count,
                sigma,
                values,
            } => {
                let (rank, d) = shape.resolve(&self.initial);
                let n_in = elements(rank, d);
                let x = In::new(x_len.resolve(n_in), values);
                let n_out = self
                    .output_shape(rank, d, 0)
                    .map(|s| s.iter().product::<usize>());
                let dy = In::new(dy_len.resolve(n_out), values);
                let mut out = Out::new(out_len.resolve(n_in));
                let method = CString::new(METHOD_NAMES[usize::from(method) % METHOD_NAMES.len()])
                    .expect("no NUL");
                // Few noisy copies or steps keep each call fast.
                let count = f64::from(count % 4);
                // SAFETY: buffers hold their lengths or are NULL.
                let s = unsafe {
                    lrp_network_attribute(
                        net,
                        x.ptr(),
                        x.len,
                        rank,
                        d[0],
                        d[1],
                        d[2],
                        d[3],
                        layout.flag(),
                        dy.ptr(),
                        dy.len,
                        method.as_ptr(),
                        count,
                        sigma.value(),
                        7.0,
                        null(),
                        0,
                        out.ptr(),
                        out.len,
                    )
                };
                let success = ok(s, "lrp_network_attribute");
                // Sensitivity writes one value per pixel: at most the input's count.
                out.check(success, None, "lrp_network_attribute out");
            }
            Call::SetPreset { index, rule, param } => {
                let rule = rule.cstring();
                let rule_ptr = rule.as_ref().map_or(null(), |c| c.as_ptr());
                // SAFETY: net is live; rule NULL or a C string.
                match index {
                    None => {
                        ok(
                            unsafe { lrp_network_set_lrp_parameters(net, rule_ptr, param.value()) },
                            "lrp_network_set_lrp_parameters",
                        );
                    }
                    Some(i) => {
                        ok(
                            unsafe {
                                lrp_layer_set_lrp_parameters(
                                    net,
                                    i as usize % 8,
                                    rule_ptr,
                                    param.value(),
                                )
                            },
                            "lrp_layer_set_lrp_parameters",
                        );
                    }
                }
            }
            Call::GetPreset {
                index,
                name_len,
                null_name,
                null_param,
            } => {
                let len = name_len as usize % 24;
                let mut name = vec![0x55u8; len];
                let mut param = -123.5f64;
                // SAFETY: name holds len bytes or is NULL; param is a local or NULL.
                let s = unsafe {
                    lrp_layer_get_lrp_parameters(
                        net,
                        index as usize % 8,
                        if null_name {
                            null_mut()
                        } else {
                            name.as_mut_ptr().cast::<c_char>()
                        },
                        len,
                        if null_param { null_mut() } else { &mut param },
                    )
                };
                if ok(s, "lrp_layer_get_lrp_parameters") {
                    let end = name
                        .iter()
                        .position(|&b| b == 0)
                        .expect("NUL-terminated name");
                    let text = std::str::from_utf8(&name[..end]).expect("UTF-8 name");
                    assert!(
                        [
                            "simple",
                            "epsilon",
                            "alphabeta",
                            "flat",
                            "ww",
                            "gamma",
                            "zbox"
                        ]
                        .contains(&text),
                        "preset name {text:?}"
                    );
                    assert!(
                        name[end + 1..].iter().all(|&b| b == 0x55),
                        "wrote past the NUL"
                    );
                } else {
                    assert!(name.iter().all(|&b| b == 0x55), "failed but wrote the name");
                    assert!(
                        param.to_bits() == (-123.5f64).to_bits(),
                        "failed but wrote param"
                    );
                }
            }
            Call::Query {
                index,
                which,
                param_which,
                null_out,
            } => {
                let index = index as usize % 8;
                let layers = num_layers(net);
                // SAFETY (all): net is live, outputs are locals or NULL.
                let kind = scalar(-1i32, null_out, "lrp_layer_kind", |p| unsafe {
                    lrp_layer_kind(net, index, p)
                });
                if !null_out {
                    assert_eq!(kind.is_some(), index < layers);
                }
                if let Some(k) = kind {
                    // Every kind: graph nodes (graph.rs) bring the ones beyond the toolbox.
                    assert!((LRP_LAYER_LINEAR..=LRP_LAYER_SUM).contains(&k), "kind {k}");
                }
                let count = scalar(999usize, null_out, "lrp_layer_num_sizes", |p| unsafe {
                    lrp_layer_num_sizes(net, index, p)
                });
                let which = which as usize % 8;
                let size = scalar(999usize, null_out, "lrp_layer_size", |p| unsafe {
                    lrp_layer_size(net, index, which, p)
                });
                if let (Some(c), false) = (count, null_out) {
                    assert_eq!(size.is_some(), which < c);
                }
                scalar(999usize, null_out, "lrp_layer_param_len", |p| unsafe {
                    lrp_layer_param_len(net, index, i32::from(param_which), p)
                });
            }
            Call::GetParam {
                index,
                which,
                len,
                layout,
            } => {
                let index = index as usize % 8;
                let which = i32::from(which % 3);
                let needed = scalar(0usize, false, "lrp_layer_param_len", |p| unsafe {
                    lrp_layer_param_len(net, index, which, p)
                });
                let mut v = Out::new(len.resolve(needed));
                // SAFETY: v holds its length or is NULL.
                let s = unsafe {
                    lrp_layer_get_param(net, index, which, v.ptr(), v.len, layout.flag())
                };
                let success = ok(s, "lrp_layer_get_param");
                v.check(success, needed, "lrp_layer_get_param values");
            }
            Call::SetParam {
                index,
                which,
                len,
                layout,
                values,
            } => {
                let index = index as usize % 8;
                let which = i32::from(which % 3);
                let needed = scalar(0usize, false, "lrp_layer_param_len", |p| unsafe {
                    lrp_layer_param_len(net, index, which, p)
                });
                let v = In::new(len.resolve(needed), values);
                let before = self.params(index, which);
                // SAFETY: v holds its length or is NULL.
                let s = unsafe {
                    lrp_layer_set_param(net, index, which, v.ptr(), v.len, layout.flag())
                };
                if !ok(s, "lrp_layer_set_param") {
                    assert!(
                        bits(&before) == bits(&self.params(index, which)),
                        "lrp_layer_set_param failed but changed the parameters"
                    );
                }
            }
            Call::OutputShape { shape, null_out } => {
                let (rank, d) = shape.resolve(&self.initial);
                self.output_shape(rank, d, null_out % 32);
            }
            Call::Clone => {
                // SAFETY: net is live.
                let copy = unsafe { lrp_network_clone(net) };
                assert!(!copy.is_null(), "clone failed: {}", last_error());
                assert_eq!(num_layers(copy), num_layers(net));
                // SAFETY: net is live and owned by the driver; replaced by its copy.
                unsafe { lrp_network_free(net) };
                self.net = copy;
                self.cached = None;
            }
            Call::WriteRead { path } => self.write_read(path),
            Call::Train {
                shape,
                x_len,
                y_len,
                layout,
                values,
                targets,
                iters,
                options,
                log_len,
            } => self.train(
                shape, x_len, y_len, layout, values, targets, iters, options, log_len,
            ),
            Call::NullHandle(k) => null_handle_calls(k),
            Call::Predict {
                dims,
                out_len,
                layout,
                values,
                null_out_dims,
            } => self.predict(dims, out_len, layout, values, null_out_dims),
            Call::ExplainWith {
                dims,
                options,
                out_len,
                values,
                null_opts,
            } => self.explain_with(dims, &options, out_len, values, null_opts),
            Call::Node(sel) => graph::query(net, sel),
        }
    }

    /// lrp_network_output_dims against lrp_network_output_shape, and lrp_network_predict
    /// against lrp_network_forward on a clone.
    fn predict(
        &mut self,
        dims: DimsSel,
        out_len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
        null_out_dims: bool,
    ) {
        let (d, rank, null_dims) = dims.resolve(&self.initial);
        let Some(n_in) = nd_elements(&d, rank) else {
            return;
        };
        let dims_ptr = if null_dims { null() } else { d.as_ptr() };
        let mut out_dims = [77usize; 40];
        let mut out_rank = -5i32;
        // SAFETY: dims backs 40 values; out_dims holds 40.
        let s = unsafe {
            lrp_network_output_dims(
                self.net,
                dims_ptr,
                rank,
                if null_out_dims {
                    null_mut()
                } else {
                    out_dims.as_mut_ptr()
                },
                if null_out_dims { 0 } else { 40 },
                &mut out_rank,
            )
        };
        let shape = if ok(s, "lrp_network_output_dims") {
            assert!(
                !null_dims,
                "lrp_network_output_dims: success with NULL dims"
            );
            assert!((1..=40).contains(&out_rank), "output rank {out_rank}");
            if null_out_dims {
                assert!(out_dims.iter().all(|&v| v == 77), "wrote dims to NULL?");
                nd_output(self.net, &d, rank)
            } else {
                Some(out_dims[..out_rank as usize].to_vec())
            }
        } else {
            assert!(
                out_dims.iter().all(|&v| v == 77) && out_rank == -5,
                "failed but wrote"
            );
            None
        };
        // The first edition agrees where it applies (rank <= 4, no NULL).
        if (1..=4).contains(&rank) && !null_dims {
            let mut d4 = [1usize; 4];
            d4[..rank as usize].copy_from_slice(&d[..rank as usize]);
            assert_eq!(
                self.output_shape(rank, d4, 0),
                shape,
                "lrp_network_output_dims against lrp_network_output_shape"
            );
        }
        let x = In::new((n_in.max(1), false), values);
        let needed = shape.as_ref().map(|s| s.iter().product::<usize>());
        let mut y = Out::new(out_len.resolve(needed));
        // SAFETY: x backs the element count of the dims (or the call refuses them first);
        // y holds its length or is NULL.
        let s = unsafe {
            lrp_network_predict(
                self.net,
                x.ptr(),
                dims_ptr,
                rank,
                layout.flag(),
                y.ptr(),
                y.len,
            )
        };
        let success = ok(s, "lrp_network_predict");
        if trace() {
            let outcome = if success {
                "ok".to_string()
            } else {
                last_error()
            };
            eprintln!("lrp_network_predict: {outcome}");
        }
        y.check(success, needed, "lrp_network_predict y");
        // Trailing 1s past rank 4 may be dropped (MATLAB's size()); the first edition takes
        // what is left if it is at most rank 4 (a network without layers takes any rank).
        let mut kept = if success {
            assert!(
                (1..=LRP_MAX_RANK).contains(&rank),
                "predict succeeded with rank {rank}"
            );
            rank as usize
        } else {
            0
        };
        while kept > 4 && d[kept - 1] == 1 {
            kept -= 1;
        }
        if success && kept <= 4 {
            let rank = kept as i32;
            let mut d4 = [1usize; 4];
            d4[..kept].copy_from_slice(&d[..kept]);
            // SAFETY: net is live; the clone is freed below.
            let copy = unsafe { lrp_network_clone(self.net) };
            let n = needed.expect("predict succeeded");
            let mut z = vec![0.0; n];
            // SAFETY: buffers hold their lengths.
            let s = unsafe {
                lrp_network_forward(
                    copy,
                    x.ptr(),
                    n_in,
                    rank,
                    d4[0],
                    d4[1],
                    d4[2],
                    d4[3],
                    layout.flag(),
                    0,
                    z.as_mut_ptr(),
                    n,
                )
            };
            let forward_ok = ok(s, "lrp_network_forward");
            // SAFETY: the clone is ours.
            unsafe { lrp_network_free(copy) };
            assert!(
                forward_ok,
                "predict succeeded, forward failed: {}",
                last_error()
            );
            assert!(
                bits(&y.data[..n]) == bits(&z),
                "lrp_network_predict differs from lrp_network_forward"
            );
        }
    }

    /// An options handle from the fuzzer's settings, then lrp_network_explain_dims and
    /// lrp_network_explain_with: outputs only on success, within the dims the query gave,
    /// the same twice (deterministic), and equal to lrp_network_explain when the options
    /// are a rule, its parameter and per-sample classes.
    fn explain_with(
        &mut self,
        dims: DimsSel,
        options: &[Option<XOptSel>; 5],
        out_len: LenSel,
        values: ValueSel,
        null_opts: bool,
    ) {
        let (d, rank, null_dims) = dims.resolve(&self.initial);
        let Some(n_in) = nd_elements(&d, rank) else {
            return;
        };
        // SAFETY: a fresh handle, freed below.
        let opts = lrp_explain_options_new();
        assert!(!opts.is_null());
        let out_shape = if null_dims {
            None
        } else {
            nd_output(self.net, &d, rank)
        };
        // Whether only a rule, its parameter and per-sample classes were set (then the first
        // edition must agree); the rule and classes as set.
        let mut plain = true;
        let mut rule: Option<CString> = None;
        let mut param = f64::NAN;
        let mut classes: Option<Vec<i32>> = None;
        for sel in options.iter().flatten() {
            let (status, function) = match *sel {
                XOptSel::Number(k, p) => {
                    let name = XOPT_NUMBERS[k as usize % XOPT_NUMBERS.len()];
                    let c = CString::new(name).expect("no NUL");
                    // SAFETY: opts is live; c a C string.
                    let s = unsafe { lrp_explain_options_set(opts, c.as_ptr(), p.value()) };
                    if s == LRP_OK {
                        if name == "parameter" {
                            param = p.value();
                        } else {
                            plain = false;
                        }
                    }
                    (s, "lrp_explain_options_set")
                }
                XOptSel::Whole(k, v) => {
                    let name = ["samples", "steps", "seed"][k as usize % 3];
                    let c = CString::new(name).expect("no NUL");
                    // Few samples and steps: each is a forward and backward pass.
                    // SAFETY: as above.
                    let s = unsafe { lrp_explain_options_set(opts, c.as_ptr(), f64::from(v % 5)) };
                    plain &= s != LRP_OK;
                    (s, "lrp_explain_options_set")
                }
                XOptSel::Text(k, v) => {
                    let name = XOPT_TEXTS[k as usize % XOPT_TEXTS.len()];
                    let value = XOPT_VALUES[v as usize % XOPT_VALUES.len()];
                    let (cn, cv) = (
                        CString::new(name).expect("no NUL"),
                        CString::new(value).expect("no NUL"),
                    );
                    // SAFETY: as above.
                    let s = unsafe { lrp_explain_options_set_str(opts, cn.as_ptr(), cv.as_ptr()) };
                    if s == LRP_OK {
                        if name == "rule" {
                            rule = (!value.is_empty()).then(|| cv.clone());
                        } else {
                            // A reset ("") or method "lrp" keeps the defaults.
                            let default = value.is_empty()
                                || (name.eq_ignore_ascii_case("method") && value == "lrp");
                            plain &= default;
                        }
                    }
                    (s, "lrp_explain_options_set_str")
                }
                XOptSel::Classes(sel, n, nul) => {
                    let (rank4, d4) = {
                        let mut d4 = [1usize; 4];
                        let r = rank.clamp(1, 4);
                        d4[..r as usize].copy_from_slice(&d[..r as usize]);
                        (r, d4)
                    };
                    let list = self.class_values(rank4, d4, &sel, n as usize % 6);
                    // SAFETY: the list holds its length, or NULL.
                    let s = unsafe {
                        lrp_explain_options_set_classes(
                            opts,
                            if nul { null() } else { list.as_ptr() },
                            list.len(),
                        )
                    };
                    if s == LRP_OK {
                        classes = (!list.is_empty()).then_some(list);
                    }
                    (s, "lrp_explain_options_set_classes")
                }
                XOptSel::Start(v, nul) | XOptSel::Baseline(v, nul) => {
                    let name = if matches!(sel, XOptSel::Start(..)) {
                        c"start"
                    } else {
                        c"baseline"
                    };
                    // A start array shaped like the output, a baseline like x (when known).
                    let shape = if matches!(sel, XOptSel::Start(..)) {
                        out_shape.clone()
                    } else {
                        (n_in > 0).then(|| d[..rank as usize].to_vec())
                    };
                    let Some(shape) = shape.filter(|s| s.iter().product::<usize>() <= MAX_BUFFER)
                    else {
                        continue;
                    };
                    let data = v.fill(shape.iter().product());
                    // SAFETY: data backs the dims' element count.
                    let s = unsafe {
                        lrp_explain_options_set_array(
                            opts,
                            name.as_ptr(),
                            if nul { null() } else { data.as_ptr() },
                            shape.as_ptr(),
                            shape.len() as i32,
                        )
                    };
                    plain &= s != LRP_OK;
                    (s, "lrp_explain_options_set_array")
                }
            };
            ok(status, function);
        }
        let opts_ptr: *const LrpExplainOptions = if null_opts { null() } else { opts };
        if null_opts {
            plain = true;
            rule = None;
            param = f64::NAN;
            classes = None;
        }
        let dims_ptr = if null_dims { null() } else { d.as_ptr() };
        let mut res_dims = [77usize; 40];
        let mut res_rank = -5i32;
        // SAFETY: dims backs 40 values; res_dims holds 40.
        let s = unsafe {
            lrp_network_explain_dims(
                self.net,
                opts_ptr,
                dims_ptr,
                rank,
                res_dims.as_mut_ptr(),
                40,
                &mut res_rank,
            )
        };
        let needed = if ok(s, "lrp_network_explain_dims") {
            Some(res_dims[..res_rank as usize].iter().product::<usize>())
        } else {
            assert!(
                res_dims.iter().all(|&v| v == 77) && res_rank == -5,
                "failed but wrote"
            );
            None
        };
        let x = In::new((n_in.max(1), false), values);
        let mut out = Out::new(out_len.resolve(needed));
        // SAFETY: x backs the dims' element count (or the call refuses them first); out
        // holds its length or is NULL.
        let s = unsafe {
            lrp_network_explain_with(
                self.net,
                opts_ptr,
                x.ptr(),
                dims_ptr,
                rank,
                out.ptr(),
                out.len,
            )
        };
        let success = ok(s, "lrp_network_explain_with");
        if trace() {
            let outcome = if success {
                "ok".to_string()
            } else {
                last_error()
            };
            eprintln!("lrp_network_explain_with: {outcome}");
        }
        out.check(success, needed, "lrp_network_explain_with out");
        // The float door: the same checks fail (values that overflow f32 aside), nothing
        // written on failure.
        let xf: Vec<f32> = x.data.iter().map(|&v| v as f32).collect();
        let fits_f32 = x
            .data
            .iter()
            .all(|v| !v.is_finite() || (*v as f32).is_finite());
        let mut outf = vec![f32::from_bits(0x7fc0_1234); out.len.min(MAX_BUFFER)];
        let lenf = if out.null { 0 } else { outf.len() };
        // SAFETY: xf backs x's elements (or the call refuses the dims first); outf holds
        // lenf floats or is NULL.
        let s = unsafe {
            lrp_network_explain_with_f32(
                self.net,
                opts_ptr,
                if x.null { null() } else { xf.as_ptr() },
                dims_ptr,
                rank,
                if out.null {
                    null_mut()
                } else {
                    outf.as_mut_ptr()
                },
                lenf,
            )
        };
        let success_f32 = ok(s, "lrp_network_explain_with_f32");
        if fits_f32 && lenf == out.len {
            assert_eq!(
                success_f32, success,
                "the float door and the double door disagree"
            );
        }
        if !success_f32 {
            assert!(
                outf.iter().all(|v| v.to_bits() == 0x7fc0_1234),
                "lrp_network_explain_with_f32 failed but wrote"
            );
        }
        if success {
            let n = needed.expect("explain_dims succeeds where explain_with does");
            let mut again = vec![0.0; n];
            // SAFETY: as above.
            let s = unsafe {
                lrp_network_explain_with(
                    self.net,
                    opts_ptr,
                    x.ptr(),
                    dims_ptr,
                    rank,
                    again.as_mut_ptr(),
                    n,
                )
            };
            assert!(
                ok(s, "lrp_network_explain_with"),
                "the same call failed the second time"
            );
            assert!(
                bits(&again) == bits(&out.data[..n]),
                "explain_with is not deterministic"
            );
            if plain && (1..=4).contains(&rank) {
                if let Some(list) = classes {
                    let mut d4 = [1usize; 4];
                    d4[..rank as usize].copy_from_slice(&d[..rank as usize]);
                    self.check_explain(
                        &x,
                        rank,
                        d4,
                        LRP_LAYOUT_ROW_MAJOR,
                        &list,
                        rule.as_ref().map_or(null(), |c| c.as_ptr()),
                        param,
                        &out.data[..n],
                    );
                }
            }
        }
        // SAFETY: ours.
        unsafe { lrp_explain_options_free(opts) };
    }

    fn params(&self, index: usize, which: i32) -> Vec<f64> {
        params(self.net, index, which)
    }

    /// explain == forward on a copy + lrp of the output masked to the classes.
    #[allow(clippy::too_many_arguments)]
    fn check_explain(
        &self,
        x: &In,
        rank: i32,
        d: [usize; 4],
        layout: i32,
        classes: &[i32],
        rule: *const c_char,
        param: f64,
        explained: &[f64],
    ) {
        // SAFETY: net is live; the copy is freed below.
        let copy = unsafe { lrp_network_clone(self.net) };
        assert!(!copy.is_null());
        let out_shape = self.output_shape(rank, d, 0).expect("explain succeeded");
        let y_len: usize = out_shape.iter().product();
        let mut y = vec![0.0; y_len];
        // SAFETY: buffers hold their lengths.
        let s = unsafe {
            lrp_network_forward(
                copy,
                x.ptr(),
                x.len,
                rank,
                d[0],
                d[1],
                d[2],
                d[3],
                layout,
                0,
                y.as_mut_ptr(),
                y_len,
            )
        };
        assert!(
            ok(s, "lrp_network_forward"),
            "explain succeeded, forward failed"
        );
        let (n, c) = (out_shape[0], out_shape[1]);
        let mut r = vec![0.0; y_len];
        for (s, &k) in classes.iter().enumerate() {
            let at = if layout == LRP_LAYOUT_COL_MAJOR {
                s + n * k as usize
            } else {
                s * c + k as usize
            };
            r[at] = y[at];
        }
        let mut rel = vec![0.0; x.len];
        // SAFETY: buffers hold their lengths.
        let s = unsafe {
            lrp_network_lrp(
                copy,
                r.as_ptr(),
                y_len,
                layout,
                rule,
                param,
                rel.as_mut_ptr(),
                x.len,
            )
        };
        let lrp_ok = ok(s, "lrp_network_lrp");
        // SAFETY: copy is live and ours.
        unsafe { lrp_network_free(copy) };
        assert!(
            lrp_ok,
            "explain succeeded, forward + lrp failed: {}",
            last_error()
        );
        for (i, (a, b)) in explained.iter().zip(&rel).enumerate() {
            assert!(close(*a, *b), "explain[{i}] = {a}, forward + lrp gives {b}");
        }
    }

    fn write_read(&mut self, path: PathSel) {
        let p: Option<CString> = match path {
            PathSel::Temp | PathSel::Temp2 => {
                Some(CString::new(self.temp.clone()).expect("no NUL"))
            }
            PathSel::MissingDir => {
                Some(CString::new("/nonexistent-lrp-fuzz/dir/model.txt").expect("no NUL"))
            }
            PathSel::Directory => Some(CString::new("/tmp").expect("no NUL")),
            PathSel::InvalidUtf8 => {
                Some(CString::new(vec![b'/', b't', b'm', b'p', b'/', 0xff]).expect("no NUL"))
            }
            PathSel::Null => None,
        };
        let ptr = p.as_ref().map_or(null(), |c| c.as_ptr());
        // SAFETY: net is live; ptr NULL or a C string.
        let s = unsafe { lrp_network_write(self.net, ptr) };
        let written = ok(s, "lrp_network_write");
        // SAFETY: as above.
        let back = unsafe { lrp_network_read(ptr) };
        if back.is_null() {
            let message = last_error();
            assert!(
                message.starts_with("lrp_network_read"),
                "read failed: {message:?}"
            );
            assert!(
                !written || !matches!(path, PathSel::Temp | PathSel::Temp2),
                "a written model does not read back: {message}"
            );
            return;
        }
        if written {
            let n = num_layers(self.net);
            assert_eq!(num_layers(back), n, "layer count after write + read");
            for i in 0..n {
                let k = |h| {
                    scalar(0i32, false, "lrp_layer_kind", |p| unsafe {
                        lrp_layer_kind(h, i, p)
                    })
                };
                assert_eq!(k(self.net), k(back), "kind of layer {i} after write + read");
                for which in [LRP_PARAM_W, LRP_PARAM_B] {
                    let before = self.params(i, which);
                    let after = params(back, i, which);
                    assert!(
                        bits(&before) == bits(&after),
                        "parameters of layer {i} after write + read"
                    );
                }
            }
        }
        // SAFETY: back is live and ours.
        unsafe { lrp_network_free(back) };
    }

    #[allow(clippy::too_many_arguments)]
    fn train(
        &mut self,
        shape: ShapeSel,
        x_len: LenSel,
        y_len: LenSel,
        layout: LayoutSel,
        values: ValueSel,
        targets: ValueSel,
        iters: u8,
        options: [Option<OptionSel>; 3],
        log_len: LenSel,
    ) {
        let net = self.net;
        let (rank, d) = shape.resolve(&self.initial);
        let x = In::new(x_len.resolve(elements(rank, d)), values);
        let y = In::new(y_len.resolve(self.output_len(rank, d)), targets);
        let opts = lrp_train_options_new();
        assert!(!opts.is_null());
        let set = |name: &str, v: f64| {
            let c = CString::new(name).expect("no NUL");
            // SAFETY: opts is live; c a C string.
            ok(
                unsafe { lrp_train_options_set(opts, c.as_ptr(), v) },
                "lrp_train_options_set",
            )
        };
        // Training defaults to 10000 iterations: always few here.
        assert!(set("iters", f64::from(iters % 4)));
        for o in options.into_iter().flatten() {
            match o {
                OptionSel::Batchsize(v) => {
                    set(
                        "batchsize",
                        [0.0, 1.0, 2.0, 3.0, 4.0, 1.5, -1.0, f64::NAN][v as usize % 8],
                    );
                }
                OptionSel::Iters(v) => {
                    set(
                        "iters",
                        [0.0, 1.0, 2.0, 3.0, -1.0, 0.5, f64::INFINITY, 1e300][v as usize % 8],
                    );
                }
                OptionSel::Lrate(p) => {
                    set("lrate", p.value());
                }
                OptionSel::LfactorInitial(p) => {
                    set("lfactor_initial", p.value());
                }
                OptionSel::Status(v) => {
                    set("status", [0.0, 1.0, 2.0, 1e20, -3.0, 2.5][v as usize % 6]);
                }
                OptionSel::Convergence(v) => {
                    set("convergence", f64::from(v % 4));
                }
                OptionSel::Seed(p) => {
                    set("seed", p.value());
                }
                OptionSel::Unknown => {
                    assert!(!set("bogus", 1.0));
                }
                OptionSel::NullName => {
                    // SAFETY: opts is live; name NULL.
                    let s = unsafe { lrp_train_options_set(opts, null(), 1.0) };
                    assert_eq!(s, LRP_ERR_NULL_ARGUMENT);
                }
                OptionSel::Decay(v) => {
                    let names = ["none", "", "sublinear", "linear", "quadratic", "LINEAR"];
                    let c = CString::new(names[v as usize % names.len()]).expect("no NUL");
                    // SAFETY: opts is live; c a C string.
                    ok(
                        unsafe { lrp_train_options_set_lrate_decay(opts, c.as_ptr()) },
                        "lrp_train_options_set_lrate_decay",
                    );
                }
                OptionSel::Validation {
                    shape,
                    x_len,
                    y_len,
                    layout,
                    values,
                } => {
                    let (vr, vd) = shape.resolve(&self.initial);
                    let xv = In::new(x_len.resolve(elements(vr, vd)), values);
                    let yv = In::new(y_len.resolve(self.output_len(vr, vd)), values);
                    // SAFETY: buffers hold their lengths or are NULL.
                    let s = unsafe {
                        lrp_train_options_set_validation(
                            opts,
                            xv.ptr(),
                            xv.len,
                            vr,
                            vd[0],
                            vd[1],
                            vd[2],
                            vd[3],
                            yv.ptr(),
                            yv.len,
                            layout.flag(),
                        )
                    };
                    ok(s, "lrp_train_options_set_validation");
                }
            }
        }
        let params_before: Vec<Vec<f64>> = (0..num_layers(net))
            .map(|i| self.params(i, LRP_PARAM_W))
            .collect();
        // SAFETY: buffers hold their lengths or are NULL; opts is live.
        let s = unsafe {
            lrp_network_train(
                net,
                x.ptr(),
                x.len,
                rank,
                d[0],
                d[1],
                d[2],
                d[3],
                y.ptr(),
                y.len,
                layout.flag(),
                opts,
            )
        };
        // SAFETY: opts is ours.
        unsafe { lrp_train_options_free(opts) };
        if !ok(s, "lrp_network_train") {
            let after: Vec<Vec<f64>> = (0..num_layers(net))
                .map(|i| self.params(i, LRP_PARAM_W))
                .collect();
            assert!(
                params_before
                    .iter()
                    .zip(&after)
                    .all(|(a, b)| bits(a) == bits(b)),
                "lrp_network_train failed but changed the parameters"
            );
        }
        self.cached = None;
        // The log.
        let needed = scalar(0usize, false, "lrp_network_train_log_len", |p| unsafe {
            lrp_network_train_log_len(net, p)
        });
        let (len, null) = log_len.resolve(needed);
        let mut buf = vec![0x55u8; if null { 0 } else { len }];
        // SAFETY: buf holds len bytes or NULL is passed.
        let s = unsafe {
            lrp_network_train_log(
                net,
                if null {
                    null_mut()
                } else {
                    buf.as_mut_ptr().cast()
                },
                len,
            )
        };
        if ok(s, "lrp_network_train_log") {
            let n = needed.expect("log length");
            assert!(
                n >= 1 && buf[n - 1] == 0,
                "log not NUL-terminated at its length"
            );
            assert!(
                buf[n..].iter().all(|&b| b == 0x55),
                "log written past its length"
            );
        } else {
            assert!(buf.iter().all(|&b| b == 0x55), "train_log failed but wrote");
        }
    }
}

/// A layer's W or B as the C API gives it (empty if it has none).
fn params(net: *const LrpNetwork, index: usize, which: i32) -> Vec<f64> {
    let Some(n) = scalar(0usize, false, "lrp_layer_param_len", |p| unsafe {
        lrp_layer_param_len(net, index, which, p)
    }) else {
        return Vec::new();
    };
    let mut v = vec![0.0; n];
    // SAFETY: v holds n doubles.
    let s = unsafe { lrp_layer_get_param(net, index, which, v.as_mut_ptr(), n, 0) };
    assert!(ok(s, "lrp_layer_get_param"));
    v
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Calls with a NULL handle or NULL options: each must fail with LRP_ERR_NULL_ARGUMENT.
fn null_handle_calls(k: u8) {
    let n = null_mut::<LrpNetwork>();
    let mut buf = [1.5f64; 4];
    let x = [0.5f64; 4];
    let mut size = 3usize;
    let mut kind = 4i32;
    let rule = c"epsilon";
    // SAFETY: NULL handles are allowed; the other pointers point to locals.
    let s = unsafe {
        match k % 12 {
            0 => lrp_network_forward(n, x.as_ptr(), 4, 2, 2, 2, 1, 1, 0, 0, buf.as_mut_ptr(), 4),
            1 => lrp_network_lrp(
                n,
                x.as_ptr(),
                4,
                0,
                rule.as_ptr(),
                f64::NAN,
                buf.as_mut_ptr(),
                4,
            ),
            2 => lrp_network_backward(n, x.as_ptr(), 4, 0, buf.as_mut_ptr(), 4),
            3 => lrp_network_update(n, 0.1),
            4 => lrp_network_num_layers(n, &mut size),
            5 => lrp_layer_kind(n, 0, &mut kind),
            6 => lrp_network_add_rect(n),
            7 => lrp_network_set_lrp_parameters(n, rule.as_ptr(), 1.0),
            8 => lrp_network_write(n, c"/tmp/never".as_ptr()),
            9 => lrp_network_train(n, x.as_ptr(), 4, 2, 2, 2, 1, 1, x.as_ptr(), 4, 0, null()),
            10 => lrp_train_options_set(null_mut(), c"iters".as_ptr(), 1.0),
            _ => lrp_network_explain(
                n,
                x.as_ptr(),
                4,
                2,
                2,
                2,
                1,
                1,
                0,
                [0i32, 0].as_ptr(),
                2,
                null(),
                f64::NAN,
                buf.as_mut_ptr(),
                4,
            ),
        }
    };
    assert_eq!(
        s,
        LRP_ERR_NULL_ARGUMENT,
        "NULL handle call {}: {}",
        k % 12,
        last_error()
    );
    assert!(
        buf == [1.5; 4] && size == 3 && kind == 4,
        "a failed call wrote its outputs"
    );
    // lrp_network_clone(NULL) and lrp_network_read(NULL) give NULL.
    // SAFETY: NULL is allowed.
    assert!(unsafe { lrp_network_clone(n) }.is_null());
    assert!(unsafe { lrp_network_read(null()) }.is_null());
    // SAFETY: freeing NULL is a no-op.
    unsafe {
        lrp_network_free(n);
        lrp_train_options_free(null_mut());
    }
}

/// LRP_FUZZ_TRACE=1 prints the input's layers and calls (for reports).
fn trace() -> bool {
    std::env::var_os("LRP_FUZZ_TRACE").is_some()
}

fn driver(u: &mut Unstructured) -> AResult<()> {
    let initial = if bool::arbitrary(u)? {
        vec![1 + u8::arbitrary(u)? as usize % 16]
    } else {
        vec![
            1 + u8::arbitrary(u)? as usize % 8,
            1 + u8::arbitrary(u)? as usize % 8,
            1 + u8::arbitrary(u)? as usize % 3,
        ]
    };
    let live_before = lrp_live_networks();
    let net = lrp_network_new();
    assert!(!net.is_null());
    let mut d = Driver {
        net,
        initial,
        cached: None,
        temp: format!("/tmp/lrp-fuzz-{}.txt", std::process::id()),
    };
    if trace() {
        eprintln!("initial input shape (without batch) {:?}", d.initial);
    }
    let layers = u.int_in_range(0..=MAX_LAYERS)?;
    for _ in 0..layers {
        let spec = LayerSpec::arbitrary(u)?;
        if trace() {
            eprintln!("add {spec:?}");
        }
        d.add_layer(spec);
    }
    let calls = u.int_in_range(0..=MAX_CALLS)?;
    for _ in 0..calls {
        let Ok(call) = Call::arbitrary(u) else { break };
        if trace() {
            eprintln!("call {call:?}");
        }
        d.call(call);
    }
    drop(d);
    assert_eq!(
        lrp_live_networks(),
        live_before,
        "a handle leaked or was freed twice"
    );
    Ok(())
}

/// One c_api input.
pub fn c_api(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = driver(&mut u);
}

// ---------------------------------------------------------------------------------------
// data readers: .npy and plain-text matrices

/// A file in the temporary directory, unique to this process and `name`, holding `data`.
fn temp_file(name: &str, data: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("lrp-fuzz-{}-{name}", std::process::id()));
    std::fs::write(&path, data).expect("temporary file");
    path
}

/// Bit-equal, or both NaN (a NaN's payload is not kept by every format).
fn same_value(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// One npy_reader input: `data_io::npy_info` and `read_npy` on the bytes as a file. Errors
/// are fine (they must be Parse or Io errors naming the file); a panic, an abort (an
/// allocation the header claimed) or a hang is a finding. What reads must agree with its
/// header and read back the same after `write_npy`.
pub fn npy_reader(data: &[u8]) {
    let path = temp_file("input.npy", data);
    let shown = path.display().to_string();
    let info = lrp::data_io::npy_info(&path);
    let array = lrp::data_io::read_npy(&path);
    for e in [info.as_ref().err(), array.as_ref().err()]
        .into_iter()
        .flatten()
    {
        assert!(
            matches!(e, lrp::LrpError::Parse { .. } | lrp::LrpError::Io { .. }),
            "unexpected error kind: {e:?}"
        );
        assert!(
            e.to_string().contains(&shown),
            "error not naming the file: {e}"
        );
    }
    if let Ok(a) = array {
        let info = info.expect("a readable array has a readable header");
        assert_eq!(
            a.shape(),
            info.shape.as_slice(),
            "array shape against header"
        );
        let again = temp_file("again.npy", b"");
        lrp::data_io::write_npy(&again, a.view(), lrp::data_io::NpyDtype::F64, info.order)
            .expect("write_npy of a read array");
        let b = lrp::data_io::read_npy(&again).expect("a written array reads back");
        let _ = std::fs::remove_file(&again);
        assert_eq!(a.shape(), b.shape());
        assert!(
            a.iter().zip(b.iter()).all(|(&x, &y)| same_value(x, y)),
            "write + read changed the values"
        );
    }
    let _ = std::fs::remove_file(&path);
}

/// One txt_reader input: `data_io::read_txt` on the bytes as a file. Errors must be Parse
/// or Io errors naming the file; what reads must read back the same through `format_txt`.
pub fn txt_reader(data: &[u8]) {
    let path = temp_file("input.txt", data);
    let shown = path.display().to_string();
    let result = lrp::data_io::read_txt(&path);
    let _ = std::fs::remove_file(&path);
    match result {
        Err(e) => {
            assert!(
                matches!(e, lrp::LrpError::Parse { .. } | lrp::LrpError::Io { .. }),
                "unexpected error kind: {e:?}"
            );
            assert!(
                e.to_string().contains(&shown),
                "error not naming the file: {e}"
            );
        }
        Ok(m) => {
            let text = lrp::data_io::format_txt(m.view());
            let back = lrp::data_io::parse_txt(&text, "written")
                .unwrap_or_else(|e| panic!("format_txt output does not parse back: {e}"));
            if m.nrows() > 0 && m.ncols() > 0 {
                assert_eq!(m.dim(), back.dim(), "shape after format + parse");
                assert!(
                    m.iter().zip(back.iter()).all(|(&x, &y)| same_value(x, y)),
                    "format + parse changed the values"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// render_params: the renderers' parameters through the C entry points

/// A sigma: ordinary, at and past the limit, huge, negative or not finite.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum SigmaSel {
    Small(u8),
    Max,
    JustAbove,
    Huge,
    Negative,
    Nan,
    Inf,
    Raw(f64),
}

impl SigmaSel {
    fn value(self) -> f64 {
        match self {
            SigmaSel::Small(v) => f64::from(v) / 16.0,
            SigmaSel::Max => LRP_RENDER_MAX_SIGMA,
            SigmaSel::JustAbove => f64::from_bits(LRP_RENDER_MAX_SIGMA.to_bits() + 1),
            SigmaSel::Huge => 1e9,
            SigmaSel::Negative => -1.0,
            SigmaSel::Nan => f64::NAN,
            SigmaSel::Inf => f64::INFINITY,
            SigmaSel::Raw(v) => v,
        }
    }
}

/// Colour map names, valid and not (case, whitespace, non-UTF-8, NULL).
const CMAP_NAMES: &[&[u8]] = &[
    b"jet",
    b"JET",
    b"binary",
    b"gray-red",
    b"gray_red",
    b"bwr",
    b"coldnhot",
    b" jet",
    b"jet ",
    b"",
    b"nope",
    b"\xff\xfe",
];

/// One render_params input: image size, scaling, sigma, thresholds, colour map, layout and
/// buffer lengths chosen by the fuzzer for lrp_render_hm_to_rgb, lrp_render_canny,
/// lrp_render_digit_to_rgb and lrp_render_enlarge. Checked: no panic, a message naming the
/// function on failure, outputs untouched on failure, nothing written past the result,
/// and sigma within [0, LRP_RENDER_MAX_SIGMA] exactly when accepted.
pub fn render_params(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = render_driver(&mut u);
}

fn render_driver(u: &mut Unstructured) -> AResult<()> {
    let h = usize::from(u.int_in_range(1u8..=12)?);
    let w = usize::from(u.int_in_range(1u8..=12)?);
    let scaling = match u.int_in_range(0u8..=5)? {
        5 => usize::MAX / 2 + 1,
        s => usize::from(s),
    };
    let n = h * w;
    // One element more than the image, so that a length one too long is backed too.
    let x: Vec<f64> = (0..=n)
        .map(|_| u.arbitrary::<i8>().map(|v| f64::from(v) / 64.0))
        .collect::<AResult<_>>()?;
    let r: Vec<f64> = (0..n)
        .map(|_| u.arbitrary::<i8>().map(|v| f64::from(v) / 32.0))
        .collect::<AResult<_>>()?;
    let sigma = u.arbitrary::<SigmaSel>()?.value();
    let low = f64::from(u.int_in_range(0u8..=40)?) / 100.0;
    let high = low + f64::from(u.int_in_range(0u8..=40)?) / 100.0 - 0.05;
    let cmap_index = u.choose_index(CMAP_NAMES.len() + 1)?;
    let cmap = CMAP_NAMES
        .get(cmap_index)
        .map(|b| CString::new(*b).expect("no NUL"));
    let cmap_ptr = cmap.as_ref().map_or(null(), |c| c.as_ptr());
    let layout = i32::from(u.int_in_range(0u8..=2)?);
    let with_x = u.arbitrary::<bool>()?;
    let x_len = if u.ratio(1u8, 8)? { n + 1 } else { n };
    let big = scaling.checked_mul(scaling).and_then(|s| s.checked_mul(n));
    let rgb_needed = big
        .and_then(|b| b.checked_mul(3))
        .filter(|&b| b <= MAX_BUFFER);
    let out_len = match (rgb_needed, u.int_in_range(0u8..=3)?) {
        (Some(need), 0) => need.saturating_sub(1),
        (Some(need), 1) => need + 5,
        (Some(need), _) => need,
        (None, _) => 16,
    };
    let sigma_ok = sigma.is_finite() && (0.0..=LRP_RENDER_MAX_SIGMA).contains(&sigma);

    // hm_to_rgb
    let mut out: Vec<f64> = (0..out_len).map(sentinel).collect();
    // SAFETY: every pointer is NULL or backed by a buffer of the length passed.
    let s = unsafe {
        lrp_render_hm_to_rgb(
            r.as_ptr(),
            n,
            h,
            w,
            if with_x { x.as_ptr() } else { null() },
            x_len,
            scaling,
            sigma,
            cmap_ptr,
            i32::from(u.arbitrary::<bool>()?),
            layout,
            out.as_mut_ptr(),
            out_len,
        )
    };
    check_output("lrp_render_hm_to_rgb", s, &out, rgb_needed);
    assert!(
        sigma_ok || s != LRP_OK,
        "lrp_render_hm_to_rgb accepted sigma {sigma}"
    );

    // canny
    let edges_len = if u.ratio(1u8, 8)? { n - 1 } else { n };
    let mut edges: Vec<f64> = (0..edges_len.max(1)).map(sentinel).collect();
    // SAFETY: as above.
    let s = unsafe {
        lrp_render_canny(
            x.as_ptr(),
            x_len,
            h,
            w,
            sigma,
            low,
            high,
            layout,
            edges.as_mut_ptr(),
            edges_len,
        )
    };
    check_output("lrp_render_canny", s, &edges, Some(n));
    assert_eq!(
        s == LRP_OK,
        sigma_ok && low <= high && layout < 2 && edges_len >= n && x_len == n,
        "lrp_render_canny: status {s} for sigma {sigma}, low {low}, high {high}"
    );
    if s == LRP_OK {
        assert!(
            edges[..n].iter().all(|&e| e == 0.0 || e == 1.0),
            "edges are 0 or 1"
        );
    }

    // digit_to_rgb and enlarge
    let mut out: Vec<f64> = (0..out_len).map(sentinel).collect();
    // SAFETY: as above.
    let s = unsafe {
        lrp_render_digit_to_rgb(
            x.as_ptr(),
            x_len,
            h,
            w,
            scaling,
            cmap_ptr,
            layout,
            out.as_mut_ptr(),
            out_len,
        )
    };
    check_output("lrp_render_digit_to_rgb", s, &out, rgb_needed);
    let grey_needed = big.filter(|&b| b <= MAX_BUFFER);
    let mut out: Vec<f64> = (0..out_len).map(sentinel).collect();
    // SAFETY: as above.
    let s = unsafe {
        lrp_render_enlarge(
            x.as_ptr(),
            x_len,
            h,
            w,
            1,
            scaling,
            layout,
            out.as_mut_ptr(),
            out_len,
        )
    };
    check_output("lrp_render_enlarge", s, &out, grey_needed);
    Ok(())
}

/// A status with its checks; on failure every element of `out` is still its sentinel, on
/// success nothing past `needed` elements was written.
fn check_output(function: &str, status: i32, out: &[f64], needed: Option<usize>) {
    let success = ok(status, function);
    let untouched_from = if success {
        needed.expect("success needs a result that fits the buffer")
    } else {
        0
    };
    assert!(
        out.iter()
            .enumerate()
            .skip(untouched_from)
            .all(|(i, v)| v.to_bits() == sentinel(i).to_bits()),
        "{function}: {} wrote outside its result",
        if success { "a success" } else { "a failure" }
    );
}

//! The reader's result: a validated, typed description of an ONNX model's graph, with the
//! weights decoded to f64 and every attribute resolved to its value (ONNX defaults applied).
//! Nothing here depends on the protobuf types.

use ndarray::{Array1, Array2, Array4, ArrayD};

/// An ONNX model as the reader understood it.
#[derive(Debug, Clone, PartialEq)]
pub struct OnnxModel {
    /// The default-domain (`ai.onnx`) opset version the model was exported with.
    pub opset: i64,
    /// The file's IR version (`ir_version`), for information.
    pub ir_version: i64,
    /// `producer_name` and `producer_version`, joined by a space (e.g. "pytorch 2.15.0").
    pub producer: String,
    /// The graph's runtime inputs, in file order: graph inputs that are not initializers.
    pub inputs: Vec<ValueInfo>,
    /// The names of the graph's outputs, in file order. Each is the `output` of a node (or
    /// the name of an input, for a graph that passes an input through).
    pub outputs: Vec<String>,
    /// The nodes, topologically sorted (the file's order where it is already sorted):
    /// every input of a node is a graph input or the output of an earlier node.
    /// `Constant` nodes and `Identity` nodes of constants are folded into the ops that use
    /// them and do not appear. Nodes whose outputs no graph output depends on are kept.
    pub nodes: Vec<OnnxNode>,
}

/// The element type of a graph input (the library computes in f64 either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElemType {
    /// 32-bit IEEE float (`FLOAT`).
    Float,
    /// 64-bit IEEE float (`DOUBLE`).
    Double,
}

/// A runtime input of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueInfo {
    /// The input's name, as nodes refer to it.
    pub name: String,
    /// Its element type.
    pub elem_type: ElemType,
    /// Its shape if the file gives one: one entry per dimension, `None` for a symbolic
    /// (e.g. the batch, `N`) or unknown dimension. `None` when the file gives no rank.
    pub shape: Option<Vec<Option<usize>>>,
}

/// One operation of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct OnnxNode {
    /// The node's name, or `#<index> <op>` (index in the file's node list) if it has none.
    pub name: String,
    /// What the node computes, with its weights and attributes.
    pub op: Op,
    /// The node's runtime (data) inputs, by value name: graph inputs or earlier nodes'
    /// outputs. Weights and other constant inputs are inside [`Op`] instead. One entry for
    /// every op except `Add` (two) and `Sum` / `Concat` (one or more); a name can repeat
    /// (`Add(x, x)`).
    pub inputs: Vec<String>,
    /// The name of the node's (first) output. Further outputs (Dropout's mask,
    /// MaxPool's indices, BatchNormalization's training statistics) are accepted only
    /// when nothing uses them.
    pub output: String,
}

/// An ONNX op with its constant operands and attributes. Arrays are f64 whatever the
/// file's element type (FLOAT is widened exactly). Shapes of runtime inputs are not known
/// to the reader: whether an op fits its input (a Gemm's K, an Add's equal shapes, an axis
/// in range) is the converter's to check.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// 2-D convolution (cross-correlation, as ONNX and PyTorch define it) of an
    /// N x C x H x W input.
    Conv {
        /// Filters, ONNX layout F x C/group x kh x kw.
        w: Array4<f64>,
        /// Bias, length F, if the node has one.
        b: Option<Array1<f64>>,
        /// Step along H and W (>= 1).
        strides: [usize; 2],
        /// Zero padding: top, left, bottom, right (ONNX's `pads` order for 2-D:
        /// H begin, W begin, H end, W end). `auto_pad = VALID` gives zeros, SAME_UPPER /
        /// SAME_LOWER with stride 1 the pads that keep the size (the odd cell at the end /
        /// the beginning).
        pads: [usize; 4],
        /// Spacing of kernel taps along H and W (>= 1).
        dilations: [usize; 2],
        /// Number of groups (>= 1, divides F; C must be `group * w.shape()[1]`).
        group: usize,
    },
    /// `Gemm`: y = x W + b on an N x K input (`transA = 0` only).
    Gemm {
        /// K x F (input-major): `transB` applied, `alpha` multiplied in.
        w: Array2<f64>,
        /// Length F: `C` broadcast to F with `beta` multiplied in; `None` without `C`.
        b: Option<Array1<f64>>,
    },
    /// `MatMul` of a runtime input by a constant matrix: y = x W (on the last axis of x;
    /// the converter decides which ranks of x it accepts).
    MatMul {
        /// K x F.
        w: Array2<f64>,
    },
    /// `Add` of a runtime input and a constant (e.g. the bias after a `MatMul`): y = x + c
    /// with ONNX (numpy) broadcasting; the converter checks that c broadcasts to x.
    AddConstant {
        /// The constant, in the file's shape.
        c: ArrayD<f64>,
    },
    /// `Add` of two runtime inputs (a residual connection): y = a + b. ONNX allows
    /// broadcasting; the converter must require equal shapes or implement it.
    Add,
    /// `Sum` of one or more runtime inputs (same broadcasting caveat as `Add`).
    Sum,
    /// max(x, 0).
    Relu,
    /// tanh(x).
    Tanh,
    /// 1 / (1 + exp(-x)).
    Sigmoid,
    /// Softmax along `axis`.
    Softmax {
        /// The axis as written (default 1 before opset 13, -1 from 13; negative counts from
        /// the end).
        axis: i64,
        /// Opset < 13 semantics: the input is flattened to 2-D at `axis` (dims before it
        /// form the rows, dims from it on the columns) and the softmax runs over each row.
        /// From opset 13 the softmax runs over `axis` alone. Identical for a 2-D input with
        /// axis 1.
        coerce_2d: bool,
    },
    /// Max pooling over H x W.
    MaxPool {
        /// Window height and width (>= 1).
        kernel: [usize; 2],
        /// Step along H and W (>= 1; default 1).
        strides: [usize; 2],
        /// Padding top, left, bottom, right, as for `Conv` (padded cells never win: they
        /// count as -inf).
        pads: [usize; 4],
        /// Output size by ceiling instead of floor; a window that would start in the
        /// right/bottom padding is dropped (PyTorch's rule, stated by ONNX from opset 22).
        ceil_mode: bool,
    },
    /// Average pooling over H x W.
    AveragePool {
        /// Window height and width (>= 1).
        kernel: [usize; 2],
        /// Step along H and W (>= 1; default 1).
        strides: [usize; 2],
        /// Padding top, left, bottom, right, as for `Conv`.
        pads: [usize; 4],
        /// As for `MaxPool`.
        ceil_mode: bool,
        /// Whether padded cells count in the divisor (ONNX default: no). Cells of a
        /// ceil-mode window beyond the padding never count.
        count_include_pad: bool,
    },
    /// Mean over H x W of each channel: N x C x H x W to N x C x 1 x 1.
    GlobalAveragePool,
    /// Batch normalisation, inference form: y = scale (x - mean) / sqrt(var + epsilon) + bias
    /// per channel (axis 1).
    BatchNorm {
        /// Per-channel scale (gamma), length C.
        scale: Array1<f64>,
        /// Per-channel shift (beta), length C.
        bias: Array1<f64>,
        /// Running mean, length C.
        mean: Array1<f64>,
        /// Running variance, length C (>= 0).
        var: Array1<f64>,
        /// Added to the variance (> 0; ONNX default 1e-5; FLOAT attribute, so e.g.
        /// 9.999999747378752e-06 for PyTorch's 1e-5).
        epsilon: f64,
    },
    /// Flatten to 2-D: dims before `axis` form the rows, dims from `axis` on the columns.
    Flatten {
        /// As written (default 1; negative counts from the end, range [-rank, rank]).
        axis: i64,
    },
    /// Reshape to a constant shape, ONNX semantics with `allowzero = 0`: an entry 0 copies
    /// the input's dimension at that index, one entry -1 is inferred from the rest.
    Reshape {
        /// The target shape as written in the file.
        shape: Vec<i64>,
    },
    /// Concatenation of the runtime inputs along `axis`.
    Concat {
        /// As written (negative counts from the end).
        axis: i64,
    },
    /// y = x.
    Identity,
    /// Dropout in inference: y = x (the ratio is ignored; a training_mode input must be a
    /// constant false).
    Dropout,
}

impl Op {
    /// The ONNX op type this was read from (`BatchNorm` is `BatchNormalization`,
    /// `AddConstant` is `Add`).
    pub fn onnx_op(&self) -> &'static str {
        match self {
            Op::Conv { .. } => "Conv",
            Op::Gemm { .. } => "Gemm",
            Op::MatMul { .. } => "MatMul",
            Op::AddConstant { .. } | Op::Add => "Add",
            Op::Sum => "Sum",
            Op::Relu => "Relu",
            Op::Tanh => "Tanh",
            Op::Sigmoid => "Sigmoid",
            Op::Softmax { .. } => "Softmax",
            Op::MaxPool { .. } => "MaxPool",
            Op::AveragePool { .. } => "AveragePool",
            Op::GlobalAveragePool => "GlobalAveragePool",
            Op::BatchNorm { .. } => "BatchNormalization",
            Op::Flatten { .. } => "Flatten",
            Op::Reshape { .. } => "Reshape",
            Op::Concat { .. } => "Concat",
            Op::Identity => "Identity",
            Op::Dropout => "Dropout",
        }
    }
}

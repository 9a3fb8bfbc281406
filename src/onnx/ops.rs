//! One node of the graph to one [`Op`]: which inputs are runtime values and which must be
//! constants (initializers or folded `Constant`s), the op's attributes with their ONNX
//! defaults, and the checks that keep an unsupported form from becoming a wrong model.

use super::attributes::{Attributes, Ctx, MAX_WINDOW};
use super::model::Op;
use super::proto::{NodeProto, TensorProto};
use super::tensor;
use crate::error::Result;
use ndarray::{Array1, Array2, Array4, ArrayD, Ix1, Ix2, Ix4};
use std::borrow::Cow;
use std::collections::HashMap;

/// The constants known when a node is read: initializers and folded `Constant` outputs.
pub(crate) type Constants<'a> = HashMap<String, Cow<'a, TensorProto>>;

/// A node being read, with what it can refer to.
pub(crate) struct NodeIn<'c, 'a> {
    pub ctx: &'c Ctx<'c>,
    pub node: &'a NodeProto,
    pub consts: &'c Constants<'a>,
    pub opset: i64,
}

/// The ops the reader knows, for the "not supported" message.
pub const SUPPORTED_OPS: &[&str] = &[
    "Conv",
    "Gemm",
    "MatMul",
    "Add",
    "Sum",
    "Relu",
    "Tanh",
    "Sigmoid",
    "Softmax",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "BatchNormalization",
    "Flatten",
    "Reshape",
    "Concat",
    "Identity",
    "Dropout",
    "Constant",
];

/// How many outputs an op may declare (the first is the result; the others must be unused).
pub(crate) fn max_outputs(op: &str) -> usize {
    match op {
        "MaxPool" | "Dropout" => 2,
        "BatchNormalization" => 5,
        _ => 1,
    }
}

impl<'a> NodeIn<'_, 'a> {
    /// Input `i`'s name if present (an empty name is an absent optional input).
    fn input(&self, i: usize) -> Option<&'a str> {
        self.node
            .input
            .get(i)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The number of inputs given (trailing absent ones not counted) must be in min..=max.
    fn input_count(&self, min: usize, max: usize) -> Result<()> {
        let n = self
            .node
            .input
            .iter()
            .rposition(|s| !s.is_empty())
            .map_or(0, |p| p + 1);
        if n < min || n > max {
            let expected = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(self.ctx.err(format!("has {n} inputs, {expected} expected")));
        }
        Ok(())
    }

    /// Input `i` as a runtime value (required; a constant there is an error: the reader
    /// does not evaluate constant expressions).
    fn runtime(&self, i: usize, role: &str) -> Result<String> {
        let name = self
            .input(i)
            .ok_or_else(|| self.ctx.err(format!("input {i} ({role}) is missing")))?;
        if self.consts.contains_key(name) {
            return Err(self.ctx.err(format!(
                "input {i} ({role}) '{name}' is a constant; only the weights of an op may be \
                 constants (constant expressions other than Constant and Identity are not \
                 folded)"
            )));
        }
        Ok(name.to_string())
    }

    /// Input `i` as a constant tensor: `None` if absent, an error if it is a runtime value.
    fn constant(&self, i: usize, role: &str) -> Result<Option<(&'a str, &TensorProto)>> {
        let Some(name) = self.input(i) else {
            return Ok(None);
        };
        match self.consts.get(name) {
            Some(t) => Ok(Some((name, t.as_ref()))),
            None => Err(self.ctx.err(format!(
                "input {i} ({role}) '{name}' is not an initializer or constant; weights \
                 computed at run time are not supported"
            ))),
        }
    }

    /// Input `i` as a constant f64 array (`None` if absent).
    fn f64_input(&self, i: usize, role: &str) -> Result<Option<ArrayD<f64>>> {
        match self.constant(i, role)? {
            None => Ok(None),
            Some((name, t)) => tensor::to_f64(t)
                .map(Some)
                .map_err(|m| self.ctx.err(format!("input {i} ({role}) '{name}': {m}"))),
        }
    }

    /// Input `i` as a required constant f64 array of rank `rank`, no dimension zero;
    /// `layout` describes the expected shape in the message.
    fn weight(&self, i: usize, role: &str, rank: usize, layout: &str) -> Result<ArrayD<f64>> {
        let a = self
            .f64_input(i, role)?
            .ok_or_else(|| self.ctx.err(format!("input {i} ({role}) is missing")))?;
        if a.ndim() != rank || a.shape().contains(&0) {
            return Err(self.ctx.err(format!(
                "input {i} ({role}) '{}' has shape {:?}; {layout} expected (rank {rank}, no \
                 dimension 0)",
                self.input(i).unwrap_or_default(),
                a.shape()
            )));
        }
        Ok(a)
    }

    fn attrs(&self, known: &[&str]) -> Result<Attributes<'_, 'a>> {
        Attributes::new(self.ctx, self.node, known)
    }
}

/// Reads one node (not `Constant`, which the graph folds) into its op and runtime inputs.
pub(crate) fn decode(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    let op_type = n.node.op_type();
    match op_type {
        "Conv" => conv(n),
        "Gemm" => gemm(n),
        "MatMul" => matmul(n),
        "Add" => add(n),
        "Sum" => {
            n.attrs(&[])?;
            n.input_count(1, usize::MAX)?;
            let inputs = (0..n.node.input.len())
                .map(|i| n.runtime(i, "data"))
                .collect::<Result<_>>()?;
            Ok((Op::Sum, inputs))
        }
        "Relu" => unary(n, Op::Relu),
        "Tanh" => unary(n, Op::Tanh),
        "Sigmoid" => unary(n, Op::Sigmoid),
        "GlobalAveragePool" => unary(n, Op::GlobalAveragePool),
        "Identity" => unary(n, Op::Identity),
        "Softmax" => {
            let a = n.attrs(&["axis"])?;
            n.input_count(1, 1)?;
            let legacy = n.opset < 13;
            let axis = a.int("axis")?.unwrap_or(if legacy { 1 } else { -1 });
            Ok((
                Op::Softmax {
                    axis,
                    coerce_2d: legacy,
                },
                vec![n.runtime(0, "input")?],
            ))
        }
        "MaxPool" | "AveragePool" => pool(n, op_type == "MaxPool"),
        "BatchNormalization" => batch_norm(n),
        "Flatten" => {
            let a = n.attrs(&["axis"])?;
            n.input_count(1, 1)?;
            let axis = a.int("axis")?.unwrap_or(1);
            Ok((Op::Flatten { axis }, vec![n.runtime(0, "input")?]))
        }
        "Reshape" => reshape(n),
        "Concat" => {
            let a = n.attrs(&["axis"])?;
            n.input_count(1, usize::MAX)?;
            let axis = a
                .int("axis")?
                .ok_or_else(|| n.ctx.err("attribute 'axis' is required"))?;
            let inputs = (0..n.node.input.len())
                .map(|i| n.runtime(i, "inputs"))
                .collect::<Result<_>>()?;
            Ok((Op::Concat { axis }, inputs))
        }
        "Dropout" => dropout(n),
        _ => Err(n.ctx.err(format!(
            "op '{op_type}' is not supported (supported: {})",
            SUPPORTED_OPS.join(", ")
        ))),
    }
}

fn unary(n: &NodeIn, op: Op) -> Result<(Op, Vec<String>)> {
    n.attrs(&[])?;
    n.input_count(1, 1)?;
    Ok((op, vec![n.runtime(0, "X")?]))
}

/// Pads from `pads` and `auto_pad`. NOTSET: `pads`; VALID: zeros; SAME_UPPER / SAME_LOWER
/// with stride 1: the output keeps the input's size, so the total pad per axis is
/// `dilation * (kernel - 1)`, the odd cell at the end (UPPER) or the beginning (LOWER). With
/// a larger stride the SAME pads depend on the input size, which the reader does not know.
fn pads(
    n: &NodeIn,
    a: &Attributes,
    kernel: [usize; 2],
    strides: [usize; 2],
    dilations: [usize; 2],
) -> Result<[usize; 4]> {
    let auto_pad = a
        .string("auto_pad")?
        .unwrap_or_else(|| "NOTSET".to_string());
    let pads = a.sizes::<4>("pads", 0, [0; 4])?;
    if auto_pad != "NOTSET" && pads != [0; 4] {
        return Err(n.ctx.err(format!(
            "attribute 'auto_pad' = {auto_pad:?} together with attribute 'pads' = {pads:?}"
        )));
    }
    match auto_pad.as_str() {
        "NOTSET" | "VALID" => Ok(pads),
        "SAME_UPPER" | "SAME_LOWER" if strides == [1, 1] => {
            let mut out = [0; 4];
            for axis in 0..2 {
                // <= 2^16 * 2^16: no overflow.
                let total = dilations[axis] * (kernel[axis] - 1);
                let (small, large) = (total / 2, total - total / 2);
                let (begin, end) = if auto_pad == "SAME_UPPER" {
                    (small, large)
                } else {
                    (large, small)
                };
                out[axis] = begin;
                out[axis + 2] = end;
            }
            Ok(out)
        }
        "SAME_UPPER" | "SAME_LOWER" => Err(n.ctx.err(format!(
            "attribute 'auto_pad' = {auto_pad:?} with strides {strides:?} is not supported (the \
             pads depend on the input size; export with explicit 'pads')"
        ))),
        _ => Err(n.ctx.err(format!(
            "attribute 'auto_pad' = {auto_pad:?} is not supported (NOTSET, VALID, SAME_UPPER \
             and SAME_LOWER are)"
        ))),
    }
}

fn conv(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    let a = n.attrs(&[
        "auto_pad",
        "dilations",
        "group",
        "kernel_shape",
        "pads",
        "strides",
    ])?;
    n.input_count(2, 3)?;
    let x = n.runtime(0, "X")?;
    // The attributes first: a 3-D kernel_shape names the attribute rather than the weight.
    let kernel = a.ints("kernel_shape")?.map(<[i64]>::to_vec);
    let _ = a.sizes::<2>("kernel_shape", 1, [1, 1])?;
    let strides = a.sizes::<2>("strides", 1, [1, 1])?;
    let dilations = a.sizes::<2>("dilations", 1, [1, 1])?;
    let w: Array4<f64> = n
        .weight(
            1,
            "W",
            4,
            "F x C/group x kh x kw (only 2-D convolutions are supported)",
        )?
        .into_dimensionality::<Ix4>()
        .expect("rank checked");
    let (f, cg, kh, kw) = w.dim();
    if let Some(k) = kernel {
        if k != [kh as i64, kw as i64] {
            return Err(n.ctx.err(format!(
                "attribute 'kernel_shape' = {k:?} does not match the weight's {kh} x {kw}"
            )));
        }
    }
    if kh.max(kw) > MAX_WINDOW {
        return Err(n.ctx.err(format!(
            "input 1 (W) has a {kh} x {kw} kernel; at most {MAX_WINDOW} per side is supported"
        )));
    }
    let pads = pads(n, &a, [kh, kw], strides, dilations)?;
    let group = a.int("group")?.unwrap_or(1);
    if group < 1 || group as u64 > f as u64 || f % group as usize != 0 {
        return Err(n.ctx.err(format!(
            "attribute 'group' = {group} must be >= 1 and divide the {f} filters"
        )));
    }
    let b = match n.f64_input(2, "B")? {
        None => None,
        Some(b) if b.shape() == [f] => Some(b.into_dimensionality::<Ix1>().expect("rank checked")),
        Some(b) => {
            return Err(n.ctx.err(format!(
                "input 2 (B) has shape {:?}, [{f}] expected (one bias per filter of W, \
                 {f} x {cg} x {kh} x {kw})",
                b.shape()
            )))
        }
    };
    Ok((
        Op::Conv {
            w,
            b,
            strides,
            pads,
            dilations,
            group: group as usize,
        },
        vec![x],
    ))
}

fn gemm(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    let a = n.attrs(&["alpha", "beta", "transA", "transB"])?;
    n.input_count(2, 3)?;
    if a.flag("transA", false)? {
        return Err(n
            .ctx
            .err("attribute 'transA' = 1 is not supported (the runtime input must be N x K)"));
    }
    let trans_b = a.flag("transB", false)?;
    let alpha = a.float("alpha")?.unwrap_or(1.0);
    let beta = a.float("beta")?.unwrap_or(1.0);
    if !alpha.is_finite() || !beta.is_finite() {
        return Err(n.ctx.err(format!(
            "attributes 'alpha' = {alpha} and 'beta' = {beta} must be finite"
        )));
    }
    let x = n.runtime(0, "A")?;
    let b_in: Array2<f64> = n
        .weight(1, "B", 2, if trans_b { "F x K" } else { "K x F" })?
        .into_dimensionality::<Ix2>()
        .expect("rank checked");
    let b_shape = b_in.shape().to_vec();
    let mut w = if trans_b {
        b_in.reversed_axes().as_standard_layout().into_owned()
    } else {
        b_in
    };
    if alpha != 1.0 {
        w.mapv_inplace(|v| v * alpha);
    }
    let f = w.ncols();
    let b = match n.f64_input(2, "C")? {
        None => None,
        Some(c) => {
            let fits = match c.shape() {
                [] => true,
                [1] | [1, 1] => true,
                [k] | [1, k] => *k == f,
                _ => false,
            };
            if !fits {
                return Err(n.ctx.err(format!(
                    "input 2 (C) has shape {:?}, which does not broadcast to [{f}]: the \
                     weight B is {} x {} (transB = {}), so the output has {f} columns (a \
                     bias per batch row is not supported)",
                    c.shape(),
                    b_shape[0],
                    b_shape[1],
                    u8::from(trans_b)
                )));
            }
            let c: Vec<f64> = c.iter().map(|v| v * beta).collect();
            Some(if c.len() == 1 {
                Array1::from_elem(f, c[0])
            } else {
                Array1::from(c)
            })
        }
    };
    Ok((Op::Gemm { w, b }, vec![x]))
}

fn matmul(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    n.attrs(&[])?;
    n.input_count(2, 2)?;
    let x = n.runtime(0, "A")?;
    let w = n
        .weight(1, "B", 2, "K x F")?
        .into_dimensionality::<Ix2>()
        .expect("rank checked");
    Ok((Op::MatMul { w }, vec![x]))
}

fn add(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    n.attrs(&[])?;
    n.input_count(2, 2)?;
    let is_const = |i: usize| n.input(i).is_some_and(|s| n.consts.contains_key(s));
    match (is_const(0), is_const(1)) {
        (false, false) => Ok((Op::Add, vec![n.runtime(0, "A")?, n.runtime(1, "B")?])),
        (true, true) => Err(n.ctx.err(
            "both inputs are constants (constant expressions other than Constant and \
             Identity are not folded)",
        )),
        (a_const, _) => {
            let (ci, xi) = if a_const { (0, 1) } else { (1, 0) };
            let role = ["A", "B"];
            let c = n.f64_input(ci, role[ci])?.expect("present: checked above");
            Ok((Op::AddConstant { c }, vec![n.runtime(xi, role[xi])?]))
        }
    }
}

fn pool(n: &NodeIn, max: bool) -> Result<(Op, Vec<String>)> {
    let a = if max {
        n.attrs(&[
            "auto_pad",
            "ceil_mode",
            "dilations",
            "kernel_shape",
            "pads",
            "storage_order",
            "strides",
        ])?
    } else {
        n.attrs(&[
            "auto_pad",
            "ceil_mode",
            "count_include_pad",
            "dilations",
            "kernel_shape",
            "pads",
            "strides",
        ])?
    };
    n.input_count(1, 1)?;
    let x = n.runtime(0, "X")?;
    if !a.has("kernel_shape") {
        return Err(n.ctx.err("attribute 'kernel_shape' is required"));
    }
    let kernel = a.sizes::<2>("kernel_shape", 1, [1, 1])?;
    let strides = a.sizes::<2>("strides", 1, [1, 1])?;
    let dilations = a.sizes::<2>("dilations", 1, [1, 1])?;
    if dilations != [1, 1] {
        return Err(n.ctx.err(format!(
            "attribute 'dilations' = {dilations:?} is not supported (pooling with dilation 1 \
             only)"
        )));
    }
    let pads = pads(n, &a, kernel, strides, dilations)?;
    let ceil_mode = a.flag("ceil_mode", false)?;
    if max {
        // storage_order only affects the Indices output, which must be unused.
        a.flag("storage_order", false)?;
        Ok((
            Op::MaxPool {
                kernel,
                strides,
                pads,
                ceil_mode,
            },
            vec![x],
        ))
    } else {
        let count_include_pad = a.flag("count_include_pad", false)?;
        Ok((
            Op::AveragePool {
                kernel,
                strides,
                pads,
                ceil_mode,
                count_include_pad,
            },
            vec![x],
        ))
    }
}

fn batch_norm(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    let a = n.attrs(&["epsilon", "momentum", "training_mode"])?;
    n.input_count(5, 5)?;
    if a.flag("training_mode", false)? {
        return Err(n.ctx.err(
            "attribute 'training_mode' = 1 is not supported (inference: running statistics)",
        ));
    }
    let epsilon = a.float("epsilon")?.unwrap_or(1e-5);
    if !(epsilon.is_finite() && epsilon >= 0.0) {
        return Err(n.ctx.err(format!(
            "attribute 'epsilon' = {epsilon} must be finite and >= 0"
        )));
    }
    let x = n.runtime(0, "X")?;
    let roles = ["scale", "B", "input_mean", "input_var"];
    let mut arrays = Vec::with_capacity(4);
    for (k, role) in roles.iter().enumerate() {
        let v = n
            .weight(k + 1, role, 1, "one entry per channel")?
            .into_dimensionality::<Ix1>()
            .expect("rank checked");
        if let Some(first) = arrays.first() {
            let first: &Array1<f64> = first;
            if v.len() != first.len() {
                return Err(n.ctx.err(format!(
                    "input {} ({role}) has {} entries, input 1 (scale) {}: one per channel \
                     expected",
                    k + 1,
                    v.len(),
                    first.len()
                )));
            }
        }
        arrays.push(v);
    }
    let var = arrays.pop().expect("four");
    let mean = arrays.pop().expect("four");
    let bias = arrays.pop().expect("four");
    let scale = arrays.pop().expect("four");
    if let Some(c) = var.iter().position(|&v| !(v >= 0.0 && v + epsilon > 0.0)) {
        return Err(n.ctx.err(format!(
            "input 4 (input_var) has {} at channel {c}: var + epsilon must be > 0",
            var[c]
        )));
    }
    Ok((
        Op::BatchNorm {
            scale,
            bias,
            mean,
            var,
            epsilon,
        },
        vec![x],
    ))
}

fn reshape(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    let a = n.attrs(&["allowzero"])?;
    n.input_count(2, 2)?;
    let x = n.runtime(0, "data")?;
    let (name, t) = n
        .constant(1, "shape")?
        .ok_or_else(|| n.ctx.err("input 1 (shape) is missing"))?;
    let (dims, shape) =
        tensor::to_i64(t).map_err(|m| n.ctx.err(format!("input 1 (shape) '{name}': {m}")))?;
    if dims.len() != 1 || shape.len() > tensor::MAX_TENSOR_RANK {
        return Err(n.ctx.err(format!(
            "input 1 (shape) '{name}' must be 1-D with at most {} entries, has dims {dims:?}",
            tensor::MAX_TENSOR_RANK
        )));
    }
    if shape.iter().any(|&d| d < -1) || shape.iter().filter(|&&d| d == -1).count() > 1 {
        return Err(n.ctx.err(format!(
            "input 1 (shape) = {shape:?}: entries must be >= -1, with at most one -1"
        )));
    }
    if a.flag("allowzero", false)? && shape.contains(&0) {
        return Err(n.ctx.err(format!(
            "attribute 'allowzero' = 1 with a 0 in shape {shape:?} is not supported"
        )));
    }
    Ok((Op::Reshape { shape }, vec![x]))
}

fn dropout(n: &NodeIn) -> Result<(Op, Vec<String>)> {
    // ratio (an attribute before opset 12) and seed do not matter in inference.
    n.attrs(&["ratio", "seed"])?;
    n.input_count(1, 3)?;
    let x = n.runtime(0, "data")?;
    if n.input(2).is_some() {
        let (name, t) = n.constant(2, "training_mode")?.expect("present");
        let training = tensor::to_bool_scalar(t)
            .map_err(|m| n.ctx.err(format!("input 2 (training_mode) '{name}': {m}")))?;
        if training {
            return Err(n
                .ctx
                .err("input 2 (training_mode) is true; only inference (false) is supported"));
        }
    }
    Ok((Op::Dropout, vec![x]))
}

//! From the reader's [`OnnxModel`] to a [`Network`]: each ONNX op becomes the layer that
//! computes it, with weights moved into the core's layouts (Conv filters F x C x kh x kw
//! become kh x kw x C x F, Gemm's K x F is Linear's W). The network takes and gives back
//! arrays in the model's own layout, N x C x H x W ([`Layout::ChannelsFirst`]).
//!
//! Identity and Dropout become no node at all (their output is their input's value); a
//! constant Add right after a MatMul or Gemm becomes that Linear layer's bias. Nodes no
//! graph output depends on are left out. Anything else the core cannot compute exactly is
//! an error naming the node, its op and what does not fit.

use super::model::{OnnxModel, OnnxNode, Op};
use crate::error::{LrpError, Result};
use crate::layers::{BatchNorm, Convolution, Layer, Linear, Pool, Reshape};
use crate::network::{Layout, Network};
use ndarray::{Array1, Ix1};
use std::collections::HashMap;

/// The network computing `model`. `file` names the model in errors.
pub fn to_network(model: &OnnxModel, file: &str) -> Result<Network> {
    let fail = |node: &OnnxNode, message: String| LrpError::Onnx {
        file: file.to_string(),
        node: node.name.clone(),
        op: node.op.onnx_op().to_string(),
        message,
    };
    let graph_error = |message: String| LrpError::Onnx {
        file: file.to_string(),
        node: String::new(),
        op: String::new(),
        message,
    };
    let [input] = model.inputs.as_slice() else {
        return Err(graph_error(format!(
            "the library takes models with one input, this one has {}",
            model.inputs.len()
        )));
    };
    let [output] = model.outputs.as_slice() else {
        return Err(graph_error(format!(
            "the library takes models with one output, this one has {}",
            model.outputs.len()
        )));
    };
    // A fixed input shape (batch aside) lets each node's shapes be checked as it is added,
    // so a model that cannot run on its own input fails when read, naming the node.
    let fixed_input: Option<Vec<usize>> = input.shape.as_ref().and_then(|shape| {
        let dims: Option<Vec<usize>> = shape.iter().skip(1).copied().collect();
        dims.filter(|d| !d.is_empty())
            .map(|d| [vec![1], d].concat())
    });
    let live = live_nodes(model, output);
    // How many live nodes take each value: a MatMul's bias folds in only where the Add is
    // its output's one consumer.
    let mut consumers: HashMap<&str, usize> = HashMap::new();
    for node in model
        .nodes
        .iter()
        .zip(&live)
        .filter(|(_, l)| **l)
        .map(|(n, _)| n)
    {
        for name in &node.inputs {
            *consumers.entry(name.as_str()).or_default() += 1;
        }
    }
    let mut net = Network::new();
    net.set_layout(Layout::ChannelsFirst);
    // The network value of each ONNX value name.
    let mut values: HashMap<&str, usize> = HashMap::from([(input.name.as_str(), 0)]);
    // The node index of a Linear layer made from a MatMul, whose bias a constant Add may
    // still set, by its output value.
    let mut open_bias: HashMap<usize, usize> = HashMap::new();
    for node in model
        .nodes
        .iter()
        .zip(&live)
        .filter(|(_, l)| **l)
        .map(|(n, _)| n)
    {
        let ins: Vec<usize> = node
            .inputs
            .iter()
            .map(|name| {
                values.get(name.as_str()).copied().ok_or_else(|| {
                    fail(node, format!("input '{name}' is neither the graph input nor an earlier node's output"))
                })
            })
            .collect::<Result<_>>()?;
        let layer = match &node.op {
            Op::Identity | Op::Dropout => {
                values.insert(&node.output, ins[0]);
                continue;
            }
            Op::AddConstant { c } => {
                let sole = consumers.get(node.inputs[0].as_str()) == Some(&1);
                let Some(&index) = open_bias.get(&ins[0]).filter(|_| sole) else {
                    return Err(fail(
                        node,
                        "an Add of a constant is supported only as the bias right after a MatMul"
                            .into(),
                    ));
                };
                let mut layer = net.layer(index).expect("a node of the network").clone();
                let Layer::Linear(l) = &mut layer else {
                    unreachable!("open biases belong to Linear layers")
                };
                let bias = c
                    .view()
                    .into_shape_with_order(l.outputs())
                    .ok()
                    .filter(|_| c.len() == l.outputs())
                    .ok_or_else(|| fail(node, format!("the constant must hold the {} outputs of the MatMul before it, it has shape {:?}", l.outputs(), c.shape())))?;
                l.b = bias.into_dimensionality::<Ix1>().expect("1-D").to_owned() + &l.b;
                crate::network::check_finite("Add constant", &l.b.view().into_dyn())
                    .map_err(|e| fail(node, e.to_string()))?;
                net.replace_layer(index, layer)
                    .map_err(|e| fail(node, e.to_string()))?;
                open_bias.remove(&ins[0]);
                values.insert(&node.output, ins[0]);
                continue;
            }
            op => layer_of(op).map_err(|e| fail(node, e))?,
        };
        let is_matmul = matches!(node.op, Op::MatMul { .. });
        let v = net
            .add_node(layer, &ins)
            .map_err(|e| fail(node, e.to_string()))?;
        if let Some(dims) = &fixed_input {
            net.shapes(dims).map_err(|e| {
                fail(
                    node,
                    format!("does not fit the model's input (batch 1, {dims:?}): {e}"),
                )
            })?;
        }
        if is_matmul {
            open_bias.insert(v, v - 1);
        }
        values.insert(&node.output, v);
    }
    let out = values[output.as_str()];
    if out != net.len() {
        return Err(graph_error(format!(
            "the graph output '{output}' must be computed by the model's last node"
        )));
    }
    Ok(net)
}

/// Which nodes the graph output depends on.
fn live_nodes(model: &OnnxModel, output: &str) -> Vec<bool> {
    let mut live = vec![false; model.nodes.len()];
    let mut needed: std::collections::HashSet<&str> = [output].into();
    for (i, node) in model.nodes.iter().enumerate().rev() {
        if needed.contains(node.output.as_str()) {
            live[i] = true;
            needed.extend(node.inputs.iter().map(String::as_str));
        }
    }
    live
}

/// The layer of one op (Identity, Dropout and constant Adds are handled by the caller).
fn layer_of(op: &Op) -> std::result::Result<Layer, String> {
    let text = |e: LrpError| e.to_string();
    Ok(match op {
        Op::Conv {
            w,
            b,
            strides,
            pads,
            dilations,
            group,
        } => {
            let nf = w.shape()[0];
            let filters = w
                .view()
                .permuted_axes([2, 3, 1, 0])
                .as_standard_layout()
                .into_owned();
            let b = b.clone().unwrap_or_else(|| Array1::zeros(nf));
            let conv = Convolution::new(filters, b, (strides[0], strides[1]))
                .map_err(text)?
                .with_padding(*pads)
                .with_dilation((dilations[0], dilations[1]))
                .map_err(text)?
                .with_groups(*group)
                .map_err(text)?;
            Layer::Convolution(conv)
        }
        Op::Gemm { w, b } => {
            let b = b.clone().unwrap_or_else(|| Array1::zeros(w.ncols()));
            Layer::Linear(Linear::new(w.clone(), b).map_err(text)?)
        }
        Op::MatMul { w } => {
            Layer::Linear(Linear::new(w.clone(), Array1::zeros(w.ncols())).map_err(text)?)
        }
        Op::Add | Op::Sum => Layer::Add,
        Op::Relu => Layer::Rect,
        Op::Tanh => Layer::Tanh,
        Op::Softmax { axis, .. } => {
            if !matches!(axis, 1 | -1) {
                return Err(format!("attribute axis: only the features of an N x C input (axis 1 or -1) are supported, given {axis}"));
            }
            Layer::SoftMax
        }
        Op::Sigmoid => return Err("Sigmoid is not a layer of the library".into()),
        Op::MaxPool {
            kernel,
            strides,
            pads,
            ceil_mode,
        } => Layer::MaxPool(pool(kernel, strides, pads, *ceil_mode)?),
        Op::AveragePool {
            kernel,
            strides,
            pads,
            ceil_mode,
            count_include_pad,
        } => Layer::AvgPool(
            pool(kernel, strides, pads, *ceil_mode)?.with_count_include_pad(*count_include_pad),
        ),
        Op::GlobalAveragePool => Layer::GlobalAvgPool,
        Op::BatchNorm {
            scale,
            bias,
            mean,
            var,
            epsilon,
        } => Layer::BatchNorm(
            BatchNorm::new(
                scale.clone(),
                bias.clone(),
                mean.clone(),
                var.clone(),
                *epsilon,
            )
            .map_err(text)?,
        ),
        Op::Flatten { axis } => {
            if *axis != 1 {
                return Err(format!("attribute axis: only 1 (keep the batch, flatten the rest) is supported, given {axis}"));
            }
            Layer::Reshape(Reshape::flatten())
        }
        Op::Reshape { shape } => {
            if !matches!(shape.first(), Some(0)) {
                return Err(format!(
                    "input shape: the first entry must be 0 (keep the batch), given {shape:?}"
                ));
            }
            Layer::Reshape(Reshape::new(shape.clone()).map_err(text)?)
        }
        Op::Concat { axis } => {
            if *axis != 1 {
                return Err(format!(
                    "attribute axis: only the channels (axis 1) are supported, given {axis}"
                ));
            }
            Layer::Concat
        }
        Op::Identity | Op::Dropout | Op::AddConstant { .. } => {
            unreachable!("handled by the caller")
        }
    })
}

fn pool(
    kernel: &[usize; 2],
    strides: &[usize; 2],
    pads: &[usize; 4],
    ceil_mode: bool,
) -> std::result::Result<Pool, String> {
    Ok(Pool::new((kernel[0], kernel[1]), (strides[0], strides[1]))
        .and_then(|p| p.with_padding(*pads))
        .map_err(|e| e.to_string())?
        .with_ceil_mode(ceil_mode))
}

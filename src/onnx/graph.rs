//! The model and its graph: opset, runtime inputs, initializers, `Constant` folding, the
//! topological order, and each node through [`super::ops`].

use super::attributes::{Attributes, Ctx};
use super::model::{ElemType, OnnxModel, OnnxNode, ValueInfo};
use super::ops::{self, Constants, NodeIn};
use super::proto::tensor_proto::DataType;
use super::proto::tensor_shape_proto::dimension;
use super::proto::type_proto;
use super::proto::{ModelProto, NodeProto, TensorProto, ValueInfoProto};
use super::{MAX_NODES, MAX_OPSET, MIN_OPSET};
use crate::error::{LrpError, Result};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

fn model_err(file: &str, message: impl Into<String>) -> LrpError {
    LrpError::Onnx {
        file: file.to_string(),
        node: String::new(),
        op: String::new(),
        message: message.into(),
    }
}

/// A node's name for messages: its own, or `#<index> <op>`.
fn display_name(index: usize, node: &NodeProto) -> String {
    match node.name() {
        "" => format!("#{index} {}", node.op_type()),
        name => name.to_string(),
    }
}

/// The default-domain opset the model imports, checked against the supported range.
fn opset(m: &ModelProto, file: &str) -> Result<i64> {
    let mut found = None;
    for imp in &m.opset_import {
        if matches!(imp.domain(), "" | "ai.onnx") {
            if found.is_some() {
                return Err(model_err(
                    file,
                    "the default domain's opset is imported twice",
                ));
            }
            found = Some(imp.version());
        }
    }
    let v = found.ok_or_else(|| {
        model_err(
            file,
            "the model imports no default-domain (ai.onnx) opset; is this an ONNX model?",
        )
    })?;
    if !(MIN_OPSET..=MAX_OPSET).contains(&v) {
        return Err(model_err(
            file,
            format!(
                "opset {v} is not supported ({MIN_OPSET} to {MAX_OPSET} are; re-export with \
                 e.g. opset_version=17)"
            ),
        ));
    }
    Ok(v)
}

/// A graph input's type and shape.
fn value_info(vi: &ValueInfoProto, file: &str) -> Result<ValueInfo> {
    let name = vi.name().to_string();
    let bad = |what: String| model_err(file, format!("graph input '{name}': {what}"));
    let tensor = match vi.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        Some(type_proto::Value::TensorType(t)) => t,
        Some(_) => return Err(bad("only tensor inputs are supported".into())),
        None => return Err(bad("the input has no type".into())),
    };
    let elem_type = match DataType::try_from(tensor.elem_type()) {
        Ok(DataType::Float) => ElemType::Float,
        Ok(DataType::Double) => ElemType::Double,
        _ => {
            return Err(bad(format!(
                "element type {} is not supported (FLOAT or DOUBLE)",
                super::tensor::type_name(tensor.elem_type())
            )))
        }
    };
    let shape = match &tensor.shape {
        None => None,
        Some(s) => {
            if s.dim.len() > super::tensor::MAX_TENSOR_RANK {
                return Err(bad(format!("rank {} is too high", s.dim.len())));
            }
            let mut dims = Vec::with_capacity(s.dim.len());
            for d in &s.dim {
                dims.push(match d.value {
                    Some(dimension::Value::DimValue(v)) => Some(
                        usize::try_from(v).map_err(|_| bad(format!("negative dimension {v}")))?,
                    ),
                    _ => None,
                });
            }
            Some(dims)
        }
    };
    Ok(ValueInfo {
        name,
        elem_type,
        shape,
    })
}

/// A `Constant` node's value as a tensor.
fn constant_value<'a>(ctx: &Ctx, node: &'a NodeProto) -> Result<Cow<'a, TensorProto>> {
    let a = Attributes::new(
        ctx,
        node,
        &[
            "value",
            "value_float",
            "value_floats",
            "value_int",
            "value_ints",
            "sparse_value",
            "value_string",
            "value_strings",
        ],
    )?;
    if node.attribute.len() != 1 {
        return Err(ctx.err(format!(
            "has {} attributes; a Constant has exactly one value attribute",
            node.attribute.len()
        )));
    }
    if !node.input.is_empty() {
        return Err(ctx.err("a Constant has no inputs"));
    }
    let scalar = |data_type: DataType, dims: Vec<i64>| TensorProto {
        data_type: Some(data_type as i32),
        dims,
        ..Default::default()
    };
    let name = node.attribute[0].name();
    Ok(match name {
        "value" => Cow::Borrowed(
            a.tensor("value")?
                .ok_or_else(|| ctx.err("attribute 'value' holds no tensor"))?,
        ),
        "value_float" => Cow::Owned(TensorProto {
            float_data: vec![a.float("value_float")?.expect("present") as f32],
            ..scalar(DataType::Float, vec![])
        }),
        "value_floats" => {
            let v = a.floats("value_floats")?.unwrap_or_default().to_vec();
            Cow::Owned(TensorProto {
                dims: vec![v.len() as i64],
                float_data: v,
                ..scalar(DataType::Float, vec![])
            })
        }
        "value_int" => Cow::Owned(TensorProto {
            int64_data: vec![a.int("value_int")?.expect("present")],
            ..scalar(DataType::Int64, vec![])
        }),
        "value_ints" => {
            let v = a.ints("value_ints")?.unwrap_or_default().to_vec();
            Cow::Owned(TensorProto {
                dims: vec![v.len() as i64],
                int64_data: v,
                ..scalar(DataType::Int64, vec![])
            })
        }
        other => {
            return Err(ctx.err(format!(
                "attribute '{other}' is not supported (numeric tensors only: value, \
                 value_float(s), value_int(s))"
            )))
        }
    })
}

/// The nodes' order: Kahn's algorithm, taking the lowest file index among the ready nodes
/// so that a sorted file keeps its order. Iterative: no recursion on the graph's depth.
fn topological_order(
    file: &str,
    nodes: &[NodeProto],
    producer: &HashMap<&str, usize>,
) -> Result<Vec<usize>> {
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut pending = vec![0usize; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        for input in &n.input {
            if let Some(&p) = producer.get(input.as_str()) {
                consumers[p].push(i);
                pending[i] += 1;
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..nodes.len())
        .filter(|&i| pending[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &c in &consumers[i] {
            pending[c] -= 1;
            if pending[c] == 0 {
                ready.push(Reverse(c));
            }
        }
    }
    if order.len() < nodes.len() {
        let stuck = (0..nodes.len())
            .find(|&i| pending[i] > 0)
            .expect("some node is left");
        return Err(model_err(
            file,
            format!(
                "the graph has a cycle through node '{}' ({})",
                display_name(stuck, &nodes[stuck]),
                nodes[stuck].op_type()
            ),
        ));
    }
    Ok(order)
}

/// The whole model: see the module documentation of `lrp::onnx` for what is checked.
pub(crate) fn read_model(m: &ModelProto, file: &str) -> Result<OnnxModel> {
    let opset = opset(m, file)?;
    let g = m
        .graph
        .as_ref()
        .ok_or_else(|| model_err(file, "the model has no graph"))?;
    if let Some(s) = g.sparse_initializer.first() {
        return Err(model_err(
            file,
            format!(
                "sparse initializer '{}' is not supported",
                s.values.as_ref().map_or("", |v| v.name())
            ),
        ));
    }
    if g.node.len() > MAX_NODES {
        return Err(model_err(
            file,
            format!(
                "the graph has {} nodes; at most {MAX_NODES} are supported",
                g.node.len()
            ),
        ));
    }

    let mut consts: Constants = HashMap::new();
    for t in &g.initializer {
        if t.name().is_empty() {
            return Err(model_err(file, "an initializer has no name"));
        }
        if consts
            .insert(t.name().to_string(), Cow::Borrowed(t))
            .is_some()
        {
            return Err(model_err(
                file,
                format!("initializer '{}' is given twice", t.name()),
            ));
        }
    }

    // Graph inputs that are also initializers are constants with a default (IR < 4 style).
    let mut inputs = Vec::new();
    let mut runtime: HashSet<String> = HashSet::new();
    for vi in &g.input {
        if consts.contains_key(vi.name()) {
            continue;
        }
        if vi.name().is_empty() || !runtime.insert(vi.name().to_string()) {
            return Err(model_err(
                file,
                format!("graph input '{}' is unnamed or given twice", vi.name()),
            ));
        }
        inputs.push(value_info(vi, file)?);
    }
    if inputs.is_empty() {
        return Err(model_err(file, "the graph has no runtime input"));
    }

    // Which node produces each value; each value is produced once.
    let mut producer: HashMap<&str, usize> = HashMap::new();
    for (i, n) in g.node.iter().enumerate() {
        for o in n.output.iter().filter(|o| !o.is_empty()) {
            if runtime.contains(o.as_str())
                || consts.contains_key(o.as_str())
                || producer.insert(o.as_str(), i).is_some()
            {
                return Err(LrpError::Onnx {
                    file: file.to_string(),
                    node: display_name(i, n),
                    op: n.op_type().to_string(),
                    message: format!(
                        "output '{o}' is also a graph input, an initializer or another node's \
                         output (values are assigned once)"
                    ),
                });
            }
        }
    }
    let graph_outputs: HashSet<&str> = g.output.iter().map(|o| o.name()).collect();
    let mut consumed: HashSet<&str> = graph_outputs.clone();
    for (i, n) in g.node.iter().enumerate() {
        for input in n.input.iter().filter(|s| !s.is_empty()) {
            if !producer.contains_key(input.as_str())
                && !runtime.contains(input.as_str())
                && !consts.contains_key(input.as_str())
            {
                return Err(LrpError::Onnx {
                    file: file.to_string(),
                    node: display_name(i, n),
                    op: n.op_type().to_string(),
                    message: format!(
                        "input '{input}' is no graph input, initializer or node output"
                    ),
                });
            }
            consumed.insert(input.as_str());
        }
    }

    let order = topological_order(file, &g.node, &producer)?;
    let mut nodes = Vec::new();
    for i in order {
        let n = &g.node[i];
        let ctx = Ctx {
            file,
            node: display_name(i, n),
            op: n.op_type().to_string(),
        };
        if !matches!(n.domain(), "" | "ai.onnx") {
            return Err(ctx.err(format!(
                "domain '{}' is not supported (only the default ONNX domain)",
                n.domain()
            )));
        }
        let max = ops::max_outputs(n.op_type());
        if n.output.len() > max {
            return Err(ctx.err(format!(
                "has {} outputs; at most {max} expected",
                n.output.len()
            )));
        }
        let output = match n.output.first() {
            Some(o) if !o.is_empty() => o.clone(),
            _ => return Err(ctx.err("output 0 has no name")),
        };
        if let Some((k, o)) = n
            .output
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, o)| !o.is_empty() && consumed.contains(o.as_str()))
        {
            return Err(ctx.err(format!(
                "output {k} ('{o}') is used, which is not supported (only the op's result, \
                 output 0)"
            )));
        }
        if n.op_type() == "Constant" {
            let value = constant_value(&ctx, n)?;
            consts.insert(output, value);
            continue;
        }
        if n.op_type() == "Identity" {
            if let Some(c) = n.input.first().and_then(|s| consts.get(s.as_str())) {
                Attributes::new(&ctx, n, &[])?;
                if n.input.len() != 1 {
                    return Err(ctx.err(format!("has {} inputs, 1 expected", n.input.len())));
                }
                let c = c.clone();
                consts.insert(output, c);
                continue;
            }
        }
        let (op, inputs) = ops::decode(&NodeIn {
            ctx: &ctx,
            node: n,
            consts: &consts,
            opset,
        })?;
        runtime.insert(output.clone());
        nodes.push(OnnxNode {
            name: ctx.node,
            op,
            inputs,
            output,
        });
    }

    let mut outputs = Vec::with_capacity(g.output.len());
    for o in &g.output {
        let name = o.name();
        if consts.contains_key(name) {
            return Err(model_err(
                file,
                format!("graph output '{name}' is a constant, not computed from the input"),
            ));
        }
        if !runtime.contains(name) {
            return Err(model_err(
                file,
                format!("graph output '{name}' is produced by no node"),
            ));
        }
        outputs.push(name.to_string());
    }
    if outputs.is_empty() {
        return Err(model_err(file, "the graph has no output"));
    }
    let producer_name = format!("{} {}", m.producer_name(), m.producer_version())
        .trim()
        .to_string();
    Ok(OnnxModel {
        opset,
        ir_version: m.ir_version(),
        producer: producer_name,
        inputs,
        outputs,
        nodes,
    })
}

//! A node's attributes: looked up by name with their type checked, and refused when the op
//! does not know them (an attribute the reader would ignore could change the result).

use super::proto::attribute_proto::AttributeType;
use super::proto::{AttributeProto, NodeProto, TensorProto};
use crate::error::{LrpError, Result};

/// Window sizes, strides, dilations and pads above this are refused: no image model needs
/// them, and the converter's size arithmetic stays far from overflow.
pub const MAX_WINDOW: usize = 1 << 16;

/// Where an error happened: the file, the node's display name and its op type.
#[derive(Debug, Clone)]
pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    pub node: String,
    pub op: String,
}

impl Ctx<'_> {
    /// An `LrpError::Onnx` naming this node.
    pub fn err(&self, message: impl Into<String>) -> LrpError {
        LrpError::Onnx {
            file: self.file.to_string(),
            node: self.node.clone(),
            op: self.op.clone(),
            message: message.into(),
        }
    }
}

/// The attributes of one node.
pub(crate) struct Attributes<'c, 'a> {
    ctx: &'c Ctx<'c>,
    attrs: &'a [AttributeProto],
}

fn type_name(t: i32) -> String {
    AttributeType::try_from(t)
        .map(|t| t.as_str_name().to_string())
        .unwrap_or_else(|_| format!("{t} (unknown)"))
}

impl<'c, 'a> Attributes<'c, 'a> {
    /// Checks the node's attributes: each named once, each in `known` (the op's attributes
    /// in the opsets read), none a reference to a function attribute, none a graph.
    pub fn new(ctx: &'c Ctx<'c>, node: &'a NodeProto, known: &[&str]) -> Result<Self> {
        for (i, a) in node.attribute.iter().enumerate() {
            let name = a.name();
            if node.attribute[..i].iter().any(|b| b.name() == name) {
                return Err(ctx.err(format!("attribute '{name}' is given twice")));
            }
            if a.ref_attr_name.as_deref().is_some_and(|r| !r.is_empty()) {
                return Err(ctx.err(format!(
                    "attribute '{name}' refers to a function attribute ('{}'), which is only \
                     valid inside functions",
                    a.ref_attr_name()
                )));
            }
            if a.g.is_some()
                || !a.graphs.is_empty()
                || matches!(a.r#type(), AttributeType::Graph | AttributeType::Graphs)
            {
                return Err(ctx.err(format!(
                    "attribute '{name}' holds a subgraph; subgraphs (If, Loop, Scan) are not \
                     supported"
                )));
            }
            if !known.contains(&name) {
                return Err(ctx.err(format!(
                    "attribute '{name}' is not supported for {} (known: {})",
                    ctx.op,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        }
        Ok(Attributes {
            ctx,
            attrs: &node.attribute,
        })
    }

    /// The attribute if present, after checking its declared type. Files without a type
    /// (IR version 1) pass when the expected field is set.
    fn get(
        &self,
        name: &str,
        expected: AttributeType,
        set: impl Fn(&AttributeProto) -> bool,
    ) -> Result<Option<&'a AttributeProto>> {
        let Some(a) = self.attrs.iter().find(|a| a.name() == name) else {
            return Ok(None);
        };
        let ok = match a.r#type {
            Some(t) => t == expected as i32,
            None => set(a),
        };
        if !ok {
            return Err(self.ctx.err(format!(
                "attribute '{name}' has type {}, {} expected",
                a.r#type.map_or_else(|| "unset".to_string(), type_name),
                expected.as_str_name()
            )));
        }
        Ok(Some(a))
    }

    /// An INT attribute.
    pub fn int(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .get(name, AttributeType::Int, |a| a.i.is_some())?
            .map(|a| a.i()))
    }

    /// A FLOAT attribute, widened to f64.
    pub fn float(&self, name: &str) -> Result<Option<f64>> {
        Ok(self
            .get(name, AttributeType::Float, |a| a.f.is_some())?
            .map(|a| f64::from(a.f())))
    }

    /// An INTS attribute.
    pub fn ints(&self, name: &str) -> Result<Option<&'a [i64]>> {
        Ok(self
            .get(name, AttributeType::Ints, |a| !a.ints.is_empty())?
            .map(|a| a.ints.as_slice()))
    }

    /// A FLOATS attribute.
    pub fn floats(&self, name: &str) -> Result<Option<&'a [f32]>> {
        Ok(self
            .get(name, AttributeType::Floats, |a| !a.floats.is_empty())?
            .map(|a| a.floats.as_slice()))
    }

    /// A STRING attribute (must be UTF-8).
    pub fn string(&self, name: &str) -> Result<Option<String>> {
        match self.get(name, AttributeType::String, |a| a.s.is_some())? {
            None => Ok(None),
            Some(a) => String::from_utf8(a.s().to_vec()).map(Some).map_err(|_| {
                self.ctx
                    .err(format!("attribute '{name}' is not valid UTF-8"))
            }),
        }
    }

    /// A TENSOR attribute.
    pub fn tensor(&self, name: &str) -> Result<Option<&'a TensorProto>> {
        Ok(self
            .get(name, AttributeType::Tensor, |a| a.t.is_some())?
            .and_then(|a| a.t.as_ref()))
    }

    /// Whether the attribute is present at all (whatever its type).
    pub fn has(&self, name: &str) -> bool {
        self.attrs.iter().any(|a| a.name() == name)
    }

    /// An INT attribute that must be 0 or 1.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool> {
        match self.int(name)? {
            None => Ok(default),
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            Some(v) => Err(self
                .ctx
                .err(format!("attribute '{name}' = {v}, 0 or 1 expected"))),
        }
    }

    /// An INTS attribute of exactly `N` entries, each in [min, MAX_WINDOW], or `default`.
    pub fn sizes<const N: usize>(
        &self,
        name: &str,
        min: usize,
        default: [usize; N],
    ) -> Result<[usize; N]> {
        let Some(v) = self.ints(name)? else {
            return Ok(default);
        };
        if v.len() != N {
            return Err(self.ctx.err(format!(
                "attribute '{name}' = {v:?} has {} entries, {N} expected (only 2-D \
                 convolution and pooling are supported)",
                v.len()
            )));
        }
        let mut out = [0; N];
        for (o, &x) in out.iter_mut().zip(v) {
            *o = usize::try_from(x)
                .ok()
                .filter(|&x| (min..=MAX_WINDOW).contains(&x))
                .ok_or_else(|| {
                    self.ctx.err(format!(
                        "attribute '{name}' = {v:?}: each entry must be in [{min}, {MAX_WINDOW}]"
                    ))
                })?;
        }
        Ok(out)
    }
}

//! The ONNX reader (`lrp::onnx`): the three golden-onnx models read into the expected ops,
//! attributes and weights (values checked independently with the `onnx` Python package's
//! numpy_helper when the tests were written), and small models built here with prost for
//! what it must refuse, each error naming the node, the op and the attribute or input.

use lrp::onnx::proto::attribute_proto::AttributeType;
use lrp::onnx::proto::tensor_proto::DataType;
use lrp::onnx::proto::tensor_shape_proto::{dimension, Dimension};
use lrp::onnx::proto::{
    type_proto, AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto,
};
use lrp::onnx::{self, ElemType, OnnxModel, Op};
use lrp::LrpError;
use prost::Message;
use std::path::PathBuf;

fn golden(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/golden-onnx")
        .join(name);
    assert!(
        p.exists(),
        "{} is missing: the tests need ../shared",
        p.display()
    );
    p
}

fn ops(m: &OnnxModel) -> Vec<&'static str> {
    m.nodes.iter().map(|n| n.op.onnx_op()).collect()
}

// ---------------------------------------------------------------------------------------
// The golden models

#[test]
fn resnet_tiny() {
    let m = onnx::read(golden("resnet_tiny.onnx")).unwrap();
    assert_eq!(m.opset, 17);
    assert_eq!(m.producer, "pytorch 2.15.0");
    assert_eq!(m.inputs.len(), 1);
    assert_eq!(m.inputs[0].name, "input");
    assert_eq!(m.inputs[0].elem_type, ElemType::Double);
    assert_eq!(
        m.inputs[0].shape,
        Some(vec![None, Some(3), Some(64), Some(64)])
    );
    assert_eq!(m.outputs, ["output"]);
    #[rustfmt::skip]
    let expected = [
        "Conv", "Relu", "MaxPool",
        "Conv", "Relu", "Conv", "Add", "Relu",
        "Conv", "Relu", "Conv", "Conv", "Add", "Relu",
        "Conv", "Relu", "Conv", "Conv", "Add", "Relu",
        "Conv", "Relu", "Conv", "Conv", "Add", "Relu",
        "GlobalAveragePool", "Flatten", "Gemm",
    ];
    assert_eq!(ops(&m), expected);
    let first = &m.nodes[0];
    assert_eq!(first.name, "/conv1/Conv");
    assert_eq!(first.inputs, ["input"]);
    assert_eq!(first.output, "/conv1/Conv_output_0");
    let Op::Conv {
        w,
        b,
        strides,
        pads,
        dilations,
        group,
    } = &first.op
    else {
        panic!("{:?}", first.op.onnx_op())
    };
    assert_eq!(w.shape(), &[64, 3, 7, 7]);
    assert_eq!(
        (*strides, *pads, *dilations, *group),
        ([2, 2], [3, 3, 3, 3], [1, 1], 1)
    );
    assert_eq!(w[[0, 0, 0, 0]], -0.0132019409622507);
    assert_eq!(w[[63, 2, 6, 6]], 0.1674196058659682);
    assert_eq!(b.as_ref().unwrap()[0], -0.18746137597873008);
    let Op::MaxPool {
        kernel,
        strides,
        pads,
        ceil_mode,
    } = &m.nodes[2].op
    else {
        panic!()
    };
    assert_eq!(
        (*kernel, *strides, *pads, *ceil_mode),
        ([3, 3], [2, 2], [1, 1, 1, 1], false)
    );
    // The first residual Add joins the block's second conv and the MaxPool output.
    assert_eq!(
        m.nodes[6].inputs,
        [
            "/layer1/layer1.0/conv2/Conv_output_0",
            "/maxpool/MaxPool_output_0"
        ]
    );
    // The 1x1/2 downsample convolutions.
    let down: Vec<_> = m
        .nodes
        .iter()
        .filter_map(|n| match &n.op {
            Op::Conv {
                w, strides, pads, ..
            } if w.shape()[2] == 1 => Some((w.shape().to_vec(), *strides, *pads)),
            _ => None,
        })
        .collect();
    assert_eq!(
        down,
        [
            (vec![128, 64, 1, 1], [2, 2], [0; 4]),
            (vec![256, 128, 1, 1], [2, 2], [0; 4]),
            (vec![512, 256, 1, 1], [2, 2], [0; 4])
        ]
    );
    let Op::Flatten { axis } = m.nodes[27].op else {
        panic!()
    };
    assert_eq!(axis, 1);
    // fc.weight is 10 x 512 with transB = 1: the reader's w is 512 x 10.
    let Op::Gemm { w, b } = &m.nodes[28].op else {
        panic!()
    };
    assert_eq!(w.shape(), &[512, 10]);
    assert_eq!(w[[0, 0]], 0.04550399288545973);
    assert_eq!(w[[511, 9]], -0.08148319631826267);
    assert_eq!(w[[100, 3]], -0.0797448552802628);
    assert_eq!(b.as_ref().unwrap()[9], 0.16627451013653186);
    assert_eq!(m.nodes[28].output, "output");
}

#[test]
fn vgg_bn() {
    let m = onnx::read(golden("vgg_bn.onnx")).unwrap();
    assert_eq!(
        ops(&m),
        [
            "Conv",
            "Relu",
            "MaxPool",
            "Conv",
            "Relu",
            "MaxPool",
            "Conv",
            "Relu",
            "MaxPool",
            "AveragePool",
            "Flatten",
            "Gemm",
            "Relu",
            "Gemm"
        ]
    );
    assert_eq!(
        m.inputs[0].shape,
        Some(vec![None, Some(3), Some(32), Some(32)])
    );
    let Op::Conv {
        w,
        b,
        pads,
        strides,
        ..
    } = &m.nodes[0].op
    else {
        panic!()
    };
    assert_eq!(w.shape(), &[8, 3, 3, 3]);
    assert_eq!((*pads, *strides), ([1; 4], [1, 1]));
    assert_eq!(w[[1, 2, 0, 1]], 0.221173780490563);
    assert_eq!(b.as_ref().unwrap()[7], 0.046016707089604474);
    let shapes: Vec<_> = m
        .nodes
        .iter()
        .filter_map(|n| match &n.op {
            Op::Conv { w, .. } => Some(w.shape().to_vec()),
            _ => None,
        })
        .collect();
    assert_eq!(
        shapes,
        [vec![8, 3, 3, 3], vec![16, 8, 3, 3], vec![32, 16, 3, 3]]
    );
    // AdaptiveAvgPool2d(2) on 4x4: an AveragePool without pads, count_include_pad default 0.
    assert_eq!(
        m.nodes[9].op,
        Op::AveragePool {
            kernel: [2, 2],
            strides: [2, 2],
            pads: [0; 4],
            ceil_mode: false,
            count_include_pad: false
        }
    );
    let Op::Gemm { w, .. } = &m.nodes[11].op else {
        panic!()
    };
    assert_eq!(w.shape(), &[128, 32]);
    assert_eq!(w[[127, 31]], 0.031503219097361805);
    let Op::Gemm { w, b } = &m.nodes[13].op else {
        panic!()
    };
    assert_eq!(w.shape(), &[32, 10]);
    assert_eq!(b.as_ref().unwrap()[4], 0.005949038534691971);
    // Each node reads the previous node's output.
    for k in 1..m.nodes.len() {
        assert_eq!(m.nodes[k].inputs, [m.nodes[k - 1].output.clone()]);
    }
}

#[test]
fn mixed() {
    let m = onnx::read(golden("mixed.onnx")).unwrap();
    assert_eq!(
        ops(&m),
        [
            "Conv",
            "Relu",
            "Conv",
            "Relu",
            "AveragePool",
            "BatchNormalization",
            "Relu",
            "Flatten",
            "Gemm",
            "BatchNormalization",
            "Relu",
            "Gemm"
        ]
    );
    let Op::Conv {
        pads,
        dilations,
        group,
        w,
        ..
    } = &m.nodes[0].op
    else {
        panic!()
    };
    assert_eq!(
        (*pads, *dilations, *group, w.shape()),
        ([2; 4], [2, 2], 1, &[8, 4, 3, 3][..])
    );
    let Op::Conv {
        pads,
        dilations,
        group,
        w,
        ..
    } = &m.nodes[2].op
    else {
        panic!()
    };
    assert_eq!(
        (*pads, *dilations, *group, w.shape()),
        ([1; 4], [1, 1], 2, &[8, 4, 3, 3][..])
    );
    assert_eq!(w[[7, 3, 2, 1]], 0.18591561366271542);
    let Op::AveragePool {
        count_include_pad,
        kernel,
        ..
    } = &m.nodes[4].op
    else {
        panic!()
    };
    assert_eq!((*kernel, *count_include_pad), ([2, 2], true));
    let Op::BatchNorm {
        scale,
        bias,
        mean,
        var,
        epsilon,
    } = &m.nodes[5].op
    else {
        panic!()
    };
    assert_eq!(scale.len(), 8);
    assert_eq!(
        (scale[3], bias[3], mean[3], var[3]),
        (
            1.4467844964954226,
            0.11820101153482541,
            -0.0853052981403272,
            1.7083952837240215
        )
    );
    // PyTorch's eps 1e-5 as the FLOAT attribute holds it.
    assert_eq!(*epsilon, 1e-5f32 as f64);
    let Op::BatchNorm { var, .. } = &m.nodes[9].op else {
        panic!()
    };
    assert_eq!((var.len(), var[15]), (16, 0.7927064312492698));
    let Op::Gemm { w, .. } = &m.nodes[11].op else {
        panic!()
    };
    assert_eq!(w.shape(), &[16, 5]);
    assert_eq!(w[[15, 4]], 0.03827985083906212);
}

#[test]
fn read_names_a_missing_file() {
    let e = onnx::read("/nonexistent/model.onnx").unwrap_err();
    assert!(matches!(e, LrpError::Io { .. }), "{e}");
    assert!(e.to_string().contains("/nonexistent/model.onnx"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Small models built with prost

fn attr(name: &str, t: AttributeType) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(t as i32),
        ..Default::default()
    }
}

fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        ints: v.to_vec(),
        ..attr(name, AttributeType::Ints)
    }
}

fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        i: Some(v),
        ..attr(name, AttributeType::Int)
    }
}

fn float(name: &str, v: f32) -> AttributeProto {
    AttributeProto {
        f: Some(v),
        ..attr(name, AttributeType::Float)
    }
}

fn string(name: &str, v: &str) -> AttributeProto {
    AttributeProto {
        s: Some(v.as_bytes().to_vec()),
        ..attr(name, AttributeType::String)
    }
}

fn node(
    name: &str,
    op: &str,
    inputs: &[&str],
    outputs: &[&str],
    attrs: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        name: Some(name.into()),
        op_type: Some(op.into()),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        attribute: attrs,
        ..Default::default()
    }
}

/// A FLOAT tensor with its data in raw_data (little-endian), as PyTorch writes them.
fn f32_tensor(name: &str, dims: &[i64], data: &[f32]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims: dims.to_vec(),
        data_type: Some(DataType::Float as i32),
        raw_data: Some(data.iter().flat_map(|v| v.to_le_bytes()).collect()),
        ..Default::default()
    }
}

fn ramp(n: usize, scale: f32) -> Vec<f32> {
    (0..n)
        .map(|i| (i as f32 - n as f32 / 2.0) * scale)
        .collect()
}

fn input(name: &str, dims: &[Option<i64>]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|d| Dimension {
            value: Some(match d {
                Some(v) => dimension::Value::DimValue(*v),
                None => dimension::Value::DimParam("N".into()),
            }),
            ..Default::default()
        })
        .collect();
    ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(DataType::Float as i32),
                shape: Some(TensorShapeProto { dim }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn output(name: &str) -> ValueInfoProto {
    ValueInfoProto {
        name: Some(name.into()),
        ..Default::default()
    }
}

/// x (N x 2 x 5 x 5) -> Conv 3x3 pad 1 (3 filters) -> Relu -> Flatten -> Gemm (75 -> 4,
/// transB) -> y. Tests change one thing each.
fn small() -> ModelProto {
    let graph = GraphProto {
        name: Some("small".into()),
        node: vec![
            node(
                "conv",
                "Conv",
                &["x", "W", "B"],
                &["c"],
                vec![ints("pads", &[1, 1, 1, 1]), ints("kernel_shape", &[3, 3])],
            ),
            node("relu", "Relu", &["c"], &["r"], vec![]),
            node("flat", "Flatten", &["r"], &["f"], vec![]),
            node(
                "fc",
                "Gemm",
                &["f", "FW", "FB"],
                &["y"],
                vec![int("transB", 1), float("alpha", 2.0), float("beta", 0.5)],
            ),
        ],
        initializer: vec![
            f32_tensor("W", &[3, 2, 3, 3], &ramp(54, 0.125)),
            f32_tensor("B", &[3], &[0.5, -1.0, 0.25]),
            f32_tensor("FW", &[4, 75], &ramp(300, 0.0625)),
            f32_tensor("FB", &[4], &[1.0, 2.0, 3.0, 4.0]),
        ],
        input: vec![input("x", &[None, Some(2), Some(5), Some(5)])],
        output: vec![output("y")],
        ..Default::default()
    };
    ModelProto {
        ir_version: Some(8),
        producer_name: Some("lrp tests".into()),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(17),
        }],
        graph: Some(graph),
        ..Default::default()
    }
}

fn parse(m: &ModelProto) -> lrp::Result<OnnxModel> {
    onnx::parse(&m.encode_to_vec(), "test.onnx")
}

/// The error's message, after checking it is an ONNX error naming `node` and `op`.
fn onnx_error(m: &ModelProto, node: &str, op: &str) -> String {
    let e = parse(m).unwrap_err();
    let text = e.to_string();
    match &e {
        LrpError::Onnx {
            file,
            node: n,
            op: o,
            ..
        } => {
            assert_eq!(
                (file.as_str(), n.as_str(), o.as_str()),
                ("test.onnx", node, op),
                "{text}"
            );
        }
        _ => panic!("not an Onnx error: {text}"),
    }
    assert!(
        text.contains(&format!("'{node}'")) && text.contains(op),
        "{text}"
    );
    text
}

fn graph(m: &mut ModelProto) -> &mut GraphProto {
    m.graph.as_mut().unwrap()
}

#[test]
fn small_model_reads_with_alpha_beta_folded() {
    let m = parse(&small()).unwrap();
    assert_eq!(ops(&m), ["Conv", "Relu", "Flatten", "Gemm"]);
    assert_eq!(m.inputs[0].elem_type, ElemType::Float);
    let Op::Conv { w, pads, .. } = &m.nodes[0].op else {
        panic!()
    };
    assert_eq!(pads, &[1; 4]);
    // ramp(54, 0.125)[k] = (k - 27) / 8; element [1, 0, 2, 2] is k = 18 + 8 = 26.
    assert_eq!(w[[1, 0, 2, 2]], -0.125);
    let Op::Gemm { w, b } = &m.nodes[3].op else {
        panic!()
    };
    assert_eq!(w.shape(), &[75, 4]);
    // FW[3, 74] = (3 * 75 + 74 - 150) / 16 = 9.3125; alpha 2 folded in.
    assert_eq!(w[[74, 3]], 2.0 * 9.3125);
    assert_eq!(b.as_ref().unwrap().to_vec(), [0.5, 1.0, 1.5, 2.0]);
}

#[test]
fn truncated_file() {
    let bytes = std::fs::read(golden("vgg_bn.onnx")).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 1, 10] {
        let e = onnx::parse(&bytes[..cut], "vgg_bn.onnx")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("vgg_bn.onnx: ONNX: not a valid ONNX protobuf"),
            "{e}"
        );
    }
    let e = onnx::parse(&[], "empty.onnx").unwrap_err().to_string();
    assert!(e.contains("imports no default-domain"), "{e}");
}

#[test]
fn unknown_op_names_node_and_op() {
    let mut m = small();
    graph(&mut m).node[1].op_type = Some("Elu".into());
    let e = onnx_error(&m, "relu", "Elu");
    assert!(e.contains("op 'Elu' is not supported"), "{e}");
    // A node without a name is named by its index and op.
    let mut m = small();
    graph(&mut m).node[1].name = None;
    graph(&mut m).node[1].op_type = Some("LeakyRelu".into());
    onnx_error(&m, "#1 LeakyRelu", "LeakyRelu");
}

#[test]
fn auto_pad_same_with_stride_is_refused_naming_the_attribute() {
    let mut m = small();
    graph(&mut m).node[0].attribute =
        vec![string("auto_pad", "SAME_UPPER"), ints("strides", &[2, 2])];
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("attribute 'auto_pad' = \"SAME_UPPER\" with strides [2, 2] is not supported (the pads depend on the input size"),
        "{e}"
    );
    let mut m = small();
    graph(&mut m).node[0].attribute = vec![
        string("auto_pad", "SAME_LOWER"),
        ints("pads", &[1, 1, 1, 1]),
    ];
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("attribute 'auto_pad' = \"SAME_LOWER\" together with attribute 'pads'"),
        "{e}"
    );
    let mut m = small();
    graph(&mut m).node[0].attribute = vec![string("auto_pad", "SAME")];
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("attribute 'auto_pad' = \"SAME\" is not supported (NOTSET, VALID"),
        "{e}"
    );
    // SAME with stride 1 keeps the size: total pad dilation * (k - 1), the odd cell at the
    // end (UPPER) or the beginning (LOWER).
    for (mode, dilations, kernel, expected) in [
        ("SAME_UPPER", [1, 1], [3, 3], [1, 1, 1, 1]),
        ("SAME_UPPER", [2, 1], [3, 3], [2, 1, 2, 1]),
        ("SAME_UPPER", [1, 1], [2, 3], [0, 1, 1, 1]),
        ("SAME_LOWER", [1, 1], [2, 3], [1, 1, 0, 1]),
    ] {
        let mut m = small();
        let g = graph(&mut m);
        g.node[0].attribute = vec![string("auto_pad", mode), ints("dilations", &dilations)];
        let n = (kernel[0] * kernel[1] * 6) as usize;
        g.initializer[0] = f32_tensor("W", &[3, 2, kernel[0], kernel[1]], &ramp(n, 0.125));
        let Op::Conv { pads, .. } = parse(&m).unwrap().nodes[0].op else {
            panic!()
        };
        assert_eq!(
            pads, expected,
            "{mode} dilations {dilations:?} kernel {kernel:?}"
        );
    }
    let mut m = small();
    graph(&mut m).node[1] = node(
        "mp",
        "MaxPool",
        &["c"],
        &["r"],
        vec![
            ints("kernel_shape", &[2, 2]),
            string("auto_pad", "SAME_LOWER"),
        ],
    );
    let Op::MaxPool { pads, .. } = parse(&m).unwrap().nodes[1].op else {
        panic!()
    };
    assert_eq!(pads, [1, 1, 0, 0]);
    // VALID is zero padding.
    let mut m = small();
    graph(&mut m).node[0].attribute = vec![string("auto_pad", "VALID")];
    let Op::Conv { pads, .. } = parse(&m).unwrap().nodes[0].op else {
        panic!()
    };
    assert_eq!(pads, [0; 4]);
}

#[test]
fn three_d_kernel_is_refused_naming_the_attribute() {
    let mut m = small();
    graph(&mut m).node[0].attribute = vec![ints("kernel_shape", &[3, 3, 3])];
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("attribute 'kernel_shape' = [3, 3, 3] has 3 entries, 2 expected"),
        "{e}"
    );
    // A rank-5 weight without kernel_shape names the weight.
    let mut m = small();
    graph(&mut m).node[0].attribute.clear();
    graph(&mut m).initializer[0] = f32_tensor("W", &[3, 2, 3, 3, 1], &ramp(54, 0.125));
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("input 1 (W) 'W' has shape [3, 2, 3, 3, 1]"),
        "{e}"
    );
    assert!(e.contains("only 2-D convolutions"), "{e}");
}

#[test]
fn other_attribute_errors() {
    let cases: Vec<(usize, Vec<AttributeProto>, &str)> = vec![
        (
            0,
            vec![int("group", 2)],
            "attribute 'group' = 2 must be >= 1 and divide the 3 filters",
        ),
        (
            0,
            vec![ints("pads", &[1, 1])],
            "attribute 'pads' = [1, 1] has 2 entries, 4 expected",
        ),
        (
            0,
            vec![ints("strides", &[0, 1])],
            "attribute 'strides' = [0, 1]: each entry must be in [1, 65536]",
        ),
        (
            0,
            vec![int("strides", 2)],
            "attribute 'strides' has type INT, INTS expected",
        ),
        (
            0,
            vec![ints("kernel_shape", &[5, 5])],
            "attribute 'kernel_shape' = [5, 5] does not match the weight's 3 x 3",
        ),
        (
            0,
            vec![int("foo", 1)],
            "attribute 'foo' is not supported for Conv",
        ),
        (
            3,
            vec![int("transA", 1)],
            "attribute 'transA' = 1 is not supported",
        ),
        (
            3,
            vec![int("transB", 2)],
            "attribute 'transB' = 2, 0 or 1 expected",
        ),
    ];
    for (k, attrs, expected) in cases {
        let mut m = small();
        let n = &mut graph(&mut m).node[k];
        n.attribute = attrs;
        let (name, op) = (n.name().to_string(), n.op_type().to_string());
        let e = onnx_error(&m, &name, &op);
        assert!(e.contains(expected), "{e}\nexpected: {expected}");
    }
}

#[test]
fn tensor_claiming_more_data_than_present() {
    let mut m = small();
    graph(&mut m).initializer[0].raw_data = Some(vec![0; 8]);
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("input 1 (W) 'W': tensor claims 54 elements (dims [3, 2, 3, 3]) = 216 bytes of FLOAT, but raw_data holds 8 bytes"),
        "{e}"
    );
    // Dims whose product overflows.
    let mut m = small();
    graph(&mut m).initializer[0].dims = vec![1 << 62, 1 << 62, 3, 3];
    let e = onnx_error(&m, "conv", "Conv");
    assert!(e.contains("element count overflows"), "{e}");
    // Huge dims with a typed field of a few values.
    let mut m = small();
    let w = &mut graph(&mut m).initializer[0];
    w.raw_data = None;
    w.float_data = vec![1.0; 4];
    w.dims = vec![1 << 20, 1 << 20, 3, 3];
    let e = onnx_error(&m, "conv", "Conv");
    assert!(e.contains("but float_data holds 4"), "{e}");
}

#[test]
fn external_data_and_other_types_are_refused() {
    let mut m = small();
    let w = &mut graph(&mut m).initializer[0];
    w.raw_data = None;
    w.data_location = Some(lrp::onnx::proto::tensor_proto::DataLocation::External as i32);
    let e = onnx_error(&m, "conv", "Conv");
    assert!(e.contains("external data is not supported"), "{e}");
    let mut m = small();
    graph(&mut m).initializer[1].data_type = Some(DataType::Float16 as i32);
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("input 2 (B) 'B': tensor of type FLOAT16 where FLOAT or DOUBLE is needed"),
        "{e}"
    );
}

#[test]
fn weights_computed_at_run_time_are_refused() {
    let mut m = small();
    let g = graph(&mut m);
    g.node
        .insert(0, node("wrelu", "Relu", &["W"], &["Wr"], vec![]));
    // Relu of a constant is a constant expression: refused where it is read.
    let e = onnx_error(&m, "wrelu", "Relu");
    assert!(e.contains("input 0 (X) 'W' is a constant"), "{e}");
    // A Conv whose weight is a graph input.
    let mut m = small();
    let g = graph(&mut m);
    g.input
        .push(input("W2", &[Some(3), Some(2), Some(3), Some(3)]));
    g.node[0].input[1] = "W2".into();
    let e = onnx_error(&m, "conv", "Conv");
    assert!(
        e.contains("input 1 (W) 'W2' is not an initializer or constant"),
        "{e}"
    );
}

#[test]
fn custom_domain_is_refused() {
    let mut m = small();
    graph(&mut m).node[1].domain = Some("com.microsoft".into());
    let e = onnx_error(&m, "relu", "Relu");
    assert!(e.contains("domain 'com.microsoft' is not supported"), "{e}");
}

#[test]
fn gemm_bias_that_does_not_fit_the_weight() {
    let mut m = small();
    graph(&mut m).initializer[3] = f32_tensor("FB", &[5], &[1.0; 5]);
    let e = onnx_error(&m, "fc", "Gemm");
    assert!(
        e.contains("input 2 (C) has shape [5], which does not broadcast to [4]: the weight B is 4 x 75 (transB = 1)"),
        "{e}"
    );
    // A scalar C broadcasts (times beta 0.5).
    let mut m = small();
    graph(&mut m).initializer[3] = f32_tensor("FB", &[], &[3.0]);
    let Op::Gemm { b, .. } = &parse(&m).unwrap().nodes[3].op else {
        panic!()
    };
    assert_eq!(b.as_ref().unwrap().to_vec(), [1.5; 4]);
}

#[test]
fn opset_and_graph_structure() {
    let mut m = small();
    m.opset_import[0].version = Some(9);
    let e = parse(&m).unwrap_err().to_string();
    assert!(e.contains("opset 9 is not supported (11 to 28 are"), "{e}");

    // Nodes out of order are sorted.
    let mut m = small();
    graph(&mut m).node.reverse();
    let read = parse(&m).unwrap();
    assert_eq!(ops(&read), ["Conv", "Relu", "Flatten", "Gemm"]);

    // A cycle.
    let mut m = small();
    graph(&mut m).node[0].input[0] = "y".into();
    let e = parse(&m).unwrap_err().to_string();
    assert!(
        e.contains("the graph has a cycle through node 'conv' (Conv)"),
        "{e}"
    );

    // An input nobody produces.
    let mut m = small();
    graph(&mut m).node[1].input[0] = "nowhere".into();
    let e = onnx_error(&m, "relu", "Relu");
    assert!(e.contains("input 'nowhere' is no graph input"), "{e}");

    // A value assigned twice.
    let mut m = small();
    graph(&mut m).node[1].output[0] = "c".into();
    onnx_error(&m, "relu", "Relu");

    // A subgraph attribute.
    let mut m = small();
    let mut g = attr("body", AttributeType::Graph);
    g.g = Some(GraphProto::default());
    graph(&mut m).node[1].attribute.push(g);
    let e = onnx_error(&m, "relu", "Relu");
    assert!(e.contains("attribute 'body' holds a subgraph"), "{e}");
}

#[test]
fn constants_are_folded() {
    // y = Reshape(x, Constant [-1, 50]) + Constant(value_floats); Identity of a constant.
    let mut m = small();
    let g = graph(&mut m);
    g.initializer.clear();
    g.node = vec![
        node(
            "shape",
            "Constant",
            &[],
            &["s"],
            vec![ints("value_ints", &[-1, 50])],
        ),
        node("rs", "Reshape", &["x", "s"], &["r"], vec![]),
        node(
            "cst",
            "Constant",
            &[],
            &["k"],
            vec![AttributeProto {
                floats: vec![0.5; 50],
                ..attr("value_floats", AttributeType::Floats)
            }],
        ),
        node("id", "Identity", &["k"], &["k2"], vec![]),
        node("add", "Add", &["k2", "r"], &["y"], vec![]),
    ];
    let read = parse(&m).unwrap();
    assert_eq!(ops(&read), ["Reshape", "Add"]);
    assert_eq!(
        read.nodes[0].op,
        Op::Reshape {
            shape: vec![-1, 50]
        }
    );
    let Op::AddConstant { c } = &read.nodes[1].op else {
        panic!()
    };
    assert_eq!((c.shape(), c[[49]]), (&[50][..], 0.5));
    assert_eq!(read.nodes[1].inputs, ["r"]);
}

#[test]
fn softmax_default_axis_follows_the_opset() {
    for (opset, axis, coerce) in [(11, 1, true), (13, -1, false), (17, -1, false)] {
        let mut m = small();
        m.opset_import[0].version = Some(opset);
        let g = graph(&mut m);
        g.node.push(node("sm", "Softmax", &["y"], &["p"], vec![]));
        g.output[0].name = Some("p".into());
        let read = parse(&m).unwrap();
        assert_eq!(
            read.nodes[4].op,
            Op::Softmax {
                axis,
                coerce_2d: coerce
            },
            "opset {opset}"
        );
    }
}

#[test]
fn used_second_outputs_and_training_mode_are_refused() {
    let mut m = small();
    let g = graph(&mut m);
    g.node
        .insert(2, node("drop", "Dropout", &["r"], &["d", "mask"], vec![]));
    g.node[3].input[0] = "d".into();
    assert_eq!(
        ops(&parse(&m).unwrap()),
        ["Conv", "Relu", "Dropout", "Flatten", "Gemm"]
    );
    graph(&mut m).output.push(output("mask"));
    let e = onnx_error(&m, "drop", "Dropout");
    assert!(e.contains("output 1 ('mask') is used"), "{e}");

    let mut m = small();
    graph(&mut m).node[1] = node(
        "mp",
        "MaxPool",
        &["c"],
        &["r"],
        vec![ints("kernel_shape", &[2, 2]), ints("dilations", &[2, 2])],
    );
    let e = onnx_error(&m, "mp", "MaxPool");
    assert!(
        e.contains("attribute 'dilations' = [2, 2] is not supported"),
        "{e}"
    );
}

// ---- From the reader's IR to a network (src/onnx/convert.rs) ----

/// The small model in ONNX's own semantics, loop by loop: N x C x H x W in, N x 4 out.
fn small_by_hand(m: &OnnxModel, x: &ndarray::ArrayD<f64>) -> ndarray::Array2<f64> {
    let (Op::Conv { w, b, .. }, Op::Gemm { w: fw, b: fb }) = (&m.nodes[0].op, &m.nodes[3].op)
    else {
        panic!("small() is Conv, Relu, Flatten, Gemm")
    };
    let b = b.as_ref().unwrap();
    let fb = fb.as_ref().unwrap();
    let n = x.shape()[0];
    let mut out = ndarray::Array2::zeros((n, 4));
    for s in 0..n {
        let mut flat = Vec::new();
        for f in 0..3 {
            for i in 0..5i64 {
                for j in 0..5i64 {
                    let mut z = b[f];
                    for c in 0..2 {
                        for a in 0..3i64 {
                            for bb in 0..3i64 {
                                let (ii, jj) = (i + a - 1, j + bb - 1);
                                if (0..5).contains(&ii) && (0..5).contains(&jj) {
                                    z += w[[f, c, a as usize, bb as usize]]
                                        * x[[s, c, ii as usize, jj as usize]];
                                }
                            }
                        }
                    }
                    flat.push(z.max(0.0));
                }
            }
        }
        for k in 0..4 {
            out[[s, k]] = fb[k] + (0..75).map(|q| flat[q] * fw[[q, k]]).sum::<f64>();
        }
    }
    out
}

#[test]
fn network_computes_the_model_in_its_own_layout() {
    let m = small();
    let ir = parse(&m).unwrap();
    let mut net = onnx::parse_network(&m.encode_to_vec(), "test.onnx").unwrap();
    assert_eq!(net.layout(), lrp::Layout::ChannelsFirst);
    let x = ndarray::ArrayD::from_shape_fn(ndarray::IxDyn(&[2, 2, 5, 5]), |i| {
        ((i[0] * 7 + i[1] * 5 + i[2] * 3 + i[3]) % 11) as f64 / 5.0 - 1.0
    });
    let y = net.forward(x.view(), false).unwrap();
    let want = small_by_hand(&ir, &x);
    for (a, b) in y.iter().zip(want.iter()) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    }
    // Relevance comes back in the model's layout too, and conserves without biases but
    // for what they absorb: check the shape and that LRP runs on N x C x H x W.
    let r = net.lrp(y.view(), Some(lrp::Rule::Epsilon(1e-9))).unwrap();
    assert_eq!(r.shape(), &[2, 2, 5, 5]);
}

#[test]
fn a_node_that_does_not_fit_the_input_shape_is_named() {
    let mut m = small();
    // The Gemm takes 75 features; a 6 x 6 input gives 108.
    graph(&mut m).input[0] = input("x", &[None, Some(2), Some(6), Some(6)]);
    let e = onnx::parse_network(&m.encode_to_vec(), "test.onnx")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'fc'") && e.contains("Gemm") && e.contains("75"),
        "{e}"
    );
}

#[test]
fn ops_without_a_layer_and_second_inputs_are_refused_by_name() {
    let mut m = small();
    graph(&mut m).node[1] = node("sig", "Sigmoid", &["c"], &["r"], vec![]);
    let e = onnx::parse_network(&m.encode_to_vec(), "test.onnx")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'sig'") && e.contains("Sigmoid"), "{e}");
    let mut m = small();
    graph(&mut m)
        .input
        .push(input("x2", &[None, Some(2), Some(5), Some(5)]));
    let e = onnx::parse_network(&m.encode_to_vec(), "test.onnx")
        .unwrap_err()
        .to_string();
    assert!(e.contains("one input"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Models written by the `onnx` Python package (fuzz/seeds/onnx_reader, made with
// onnx.helper and checked with onnx.checker): the attributes PyTorch's exports do not use.

fn seed(name: &str) -> OnnxModel {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds/onnx_reader")
        .join(name);
    onnx::read(p).unwrap()
}

#[test]
fn python_convnet_attributes() {
    let m = seed("convnet.onnx");
    assert_eq!(
        ops(&m),
        [
            "Conv",
            "BatchNormalization",
            "Relu",
            "MaxPool",
            "AveragePool",
            "GlobalAveragePool",
            "Flatten",
            "Gemm"
        ]
    );
    let Op::Conv {
        w,
        pads,
        strides,
        dilations,
        group,
        b,
    } = &m.nodes[0].op
    else {
        panic!()
    };
    // ONNX pads [1, 0, 1, 2] are H begin, W begin, H end, W end.
    assert_eq!(
        (*pads, *strides, *dilations, *group),
        ([1, 0, 1, 2], [1, 2], [2, 1], 2)
    );
    assert_eq!(
        (w.shape(), b.as_ref().unwrap().len()),
        (&[4, 1, 3, 3][..], 4)
    );
    assert_eq!(w[[3, 0, 2, 1]], f64::from(0.21465912f32));
    let Op::BatchNorm { epsilon, .. } = &m.nodes[1].op else {
        panic!()
    };
    assert_eq!(*epsilon, f64::from(1e-3f32));
    assert_eq!(
        m.nodes[3].op,
        Op::MaxPool {
            kernel: [2, 2],
            strides: [2, 2],
            pads: [0, 0, 1, 1],
            ceil_mode: true
        }
    );
    assert_eq!(
        m.nodes[4].op,
        Op::AveragePool {
            kernel: [2, 2],
            strides: [1, 1],
            pads: [0; 4],
            ceil_mode: false,
            count_include_pad: true
        }
    );
    // FW is 3 x 4 with transB = 1, alpha 0.5, beta 2.
    let Op::Gemm { w, b } = &m.nodes[7].op else {
        panic!()
    };
    assert_eq!(w.shape(), &[4, 3]);
    assert_eq!(w[[3, 2]], 0.5 * f64::from(1.320361f32));
    assert_eq!(b.as_ref().unwrap()[1], 2.0 * f64::from(-2.2035098f32));
}

#[test]
fn python_graph_ops() {
    let m = seed("graph.onnx");
    assert_eq!(
        ops(&m),
        [
            "Reshape", "MatMul", "Add", "Tanh", "Sigmoid", "Add", "Sum", "Identity", "Dropout",
            "Concat", "Softmax"
        ]
    );
    assert_eq!(m.inputs[0].elem_type, ElemType::Double);
    assert_eq!(m.nodes[0].op, Op::Reshape { shape: vec![-1, 8] });
    let Op::MatMul { w } = &m.nodes[1].op else {
        panic!()
    };
    assert_eq!((w.shape(), w[[7, 3]]), (&[8, 4][..], -0.1642945926252907));
    let Op::AddConstant { c } = &m.nodes[2].op else {
        panic!()
    };
    assert_eq!(c[[2]], -1.2803939447145731);
    assert_eq!(m.nodes[5].op, Op::Add);
    assert_eq!(m.nodes[5].inputs, ["t", "s"]);
    assert_eq!(m.nodes[6].inputs, ["a2", "t", "s"]);
    assert_eq!(m.nodes[9].op, Op::Concat { axis: 1 });
    assert_eq!(m.nodes[9].inputs, ["d", "t"]);
    assert_eq!(
        m.nodes[10].op,
        Op::Softmax {
            axis: -1,
            coerce_2d: false
        }
    );
    let m = seed("opset11.onnx");
    assert_eq!(m.opset, 11);
    let Op::Conv { pads, b, .. } = &m.nodes[0].op else {
        panic!()
    };
    assert_eq!((*pads, b.is_none()), ([0; 4], true));
}

//! The c_api harness's graph part: nodes of any kind built through the layer-spec exports
//! (`lrp_layer_spec_*`, `lrp_network_add_node`) from fuzzer-chosen kinds, attribute names
//! and values, parameter names, dims, ranks, layouts and input ids, and the node queries
//! (`lrp_node_*`) with fuzzer-chosen indices, names and buffer sizes.
//!
//! Checked beyond the common checks (known status, never a panic, a message naming the
//! function, outputs untouched on failure): a spec is NULL exactly for unknown kinds; a
//! node is added exactly when the call succeeds, as the next value; a new node reads back
//! its kind, its inputs, every attribute the spec set (bit for bit) and every parameter it
//! set (in the layout it was given); the names a node lists are the ones its queries take.

use crate::{ok, scalar, LayoutSel, LenSel, Out, ValueSel};
use arbitrary::Arbitrary;
use lrp::ffi::*;
use std::ffi::{CStr, CString};
use std::ptr::{null, null_mut};

/// Attribute names the fuzzer picks from: every kind's, in other cases, and unknown ones.
const ATTRIBUTE_NAMES: [&str; 18] = [
    "kernel_h",
    "kernel_w",
    "stride_h",
    "stride_w",
    "pad_top",
    "pad_left",
    "pad_bottom",
    "pad_right",
    "dilation_h",
    "dilation_w",
    "groups",
    "ceil_mode",
    "count_include_pad",
    "eps",
    "KERNEL_H",
    "kernel",
    " stride_h",
    "",
];

/// Attribute values: small sizes, flags, fractions, the limit and past it, non-finite.
const ATTRIBUTE_VALUES: [f64; 14] = [
    1.0,
    2.0,
    3.0,
    0.0,
    1.0,
    2.0,
    1.5,
    -1.0,
    1e-5,
    16_777_216.0,
    16_777_217.0,
    1e300,
    f64::NAN,
    f64::INFINITY,
];

/// Parameter names: every kind's, another case, unknown ones.
const PARAM_NAMES: [&str; 10] = [
    "W", "B", "mean", "var", "gamma", "beta", "shape", "w", "weights", "",
];

/// One parameter to set: a name, dims (each 0 to 4; `fit` makes them follow the network's
/// current output), a rank, NULL pointers, values and a layout.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) struct ParamSel {
    name: u8,
    dims: [u8; 4],
    rank: i8,
    fit: bool,
    null_data: bool,
    null_dims: bool,
    whole: bool,
    values: ValueSel,
    layout: LayoutSel,
}

/// A node to add: its kind (a valid LRP_LAYER_* mostly), attributes and parameters to set,
/// and its inputs (value ids relative to the current node count, or raw).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) struct NodeSel {
    kind: i8,
    attributes: [Option<(u8, u8)>; 4],
    params: [Option<ParamSel>; 3],
    inputs: [u8; 3],
    n_inputs: u8,
    raw_input: Option<u16>,
    null_inputs: bool,
    null_out: bool,
    null_spec: bool,
}

fn name_ptr(s: &Option<CString>) -> *const std::ffi::c_char {
    s.as_ref().map_or(null(), |c| c.as_ptr())
}

/// What a successful set left in the spec, for the read-back checks.
struct SetParam {
    name: &'static str,
    data: Vec<f64>,
    layout: i32,
}

/// Adds a node through the spec exports; `current` is the network's output shape for the
/// intended input (batch 1), if it has one.
pub(crate) fn add_node(net: *mut LrpNetwork, current: Option<&[usize]>, sel: NodeSel) {
    // Mostly 0 to 17 (every kind and one invalid value on each side), sometimes far out.
    let kind = if (-3..=20).contains(&sel.kind) {
        i32::from(sel.kind).rem_euclid(18)
    } else {
        i32::from(sel.kind) * 1000
    };
    let spec = lrp_layer_spec_new(kind);
    let valid_kind = (1..=16).contains(&kind);
    assert_eq!(spec.is_null(), !valid_kind, "lrp_layer_spec_new({kind})");
    if spec.is_null() {
        assert_eq!(lrp_last_status(), LRP_ERR_INVALID_ARGUMENT);
        // A failure with a message naming the function.
        assert!(!ok(lrp_last_status(), "lrp_layer_spec_new"));
        return;
    }
    let mut set_attributes: Vec<(String, f64)> = Vec::new();
    for (name, value) in sel.attributes.iter().flatten() {
        let name = ATTRIBUTE_NAMES[*name as usize % ATTRIBUTE_NAMES.len()];
        let value = ATTRIBUTE_VALUES[*value as usize % ATTRIBUTE_VALUES.len()];
        let c = CString::new(name).expect("no NUL");
        // SAFETY: spec is live; the name is NUL-terminated.
        if ok(
            unsafe { lrp_layer_spec_set(spec, c.as_ptr(), value) },
            "lrp_layer_spec_set",
        ) {
            set_attributes.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            set_attributes.push((name.to_string(), value));
        }
    }
    let mut set_params: Vec<SetParam> = Vec::new();
    for p in sel.params.iter().flatten() {
        let name = PARAM_NAMES[p.name as usize % PARAM_NAMES.len()];
        let channels = current.and_then(|c| c.last().copied()).unwrap_or(1);
        let mut dims: Vec<usize> = p.dims.iter().map(|&d| d as usize % 5).collect();
        let mut rank = i32::from(p.rank);
        if p.fit {
            // Sizes that follow the network, so that many nodes also run.
            match (kind, name) {
                (LRP_LAYER_LINEAR, "W" | "w") => {
                    let m = current.map_or(1, |c| c[1..].iter().product());
                    dims = vec![m, 1 + dims[1] % 4];
                }
                (LRP_LAYER_CONVOLUTION, "W" | "w") => {
                    dims = vec![1 + dims[0] % 2, 1 + dims[1] % 2, channels, 1 + dims[3] % 3];
                }
                (LRP_LAYER_RESHAPE, "shape") => dims = vec![2],
                (_, _) => dims = vec![channels],
            }
            rank = dims.len() as i32;
        }
        let count = dims
            .iter()
            .take(rank.clamp(0, 4) as usize)
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .unwrap_or(0);
        let mut data = p.values.fill(count);
        if p.whole || kind == LRP_LAYER_RESHAPE {
            // Reshape's shape: [0, -1] when fitted, else whole numbers around 0.
            data.iter_mut().enumerate().for_each(|(i, v)| {
                // + 0.0: no -0.0, which reads back as 0 from the integer shape.
                *v = if p.fit {
                    -(i as f64)
                } else {
                    (*v * 3.0).round()
                } + 0.0
            });
        }
        let c = CString::new(name).expect("no NUL");
        let data_ptr = if p.null_data { null() } else { data.as_ptr() };
        let dims_ptr = if p.null_dims { null() } else { dims.as_ptr() };
        // SAFETY: spec is live; data holds the product of the first `rank` dims (dims has
        // 4 entries unless fitted, and then `rank` is its length).
        let status = unsafe {
            lrp_layer_spec_set_param(spec, c.as_ptr(), data_ptr, dims_ptr, rank, p.layout.flag())
        };
        if ok(status, "lrp_layer_spec_set_param") {
            let canonical = PARAM_NAMES[..7]
                .iter()
                .find(|n| n.eq_ignore_ascii_case(name))
                .expect("a known name succeeded");
            set_params.retain(|s| s.name != *canonical);
            set_params.push(SetParam {
                name: canonical,
                data,
                layout: p.layout.flag(),
            });
        }
    }
    let before = crate::num_layers(net);
    let inputs: Vec<usize> = sel
        .inputs
        .iter()
        .map(|&i| match sel.raw_input {
            Some(raw) => raw as usize,
            None => before - (i as usize % (before + 1)),
        })
        .collect();
    let n_inputs = match sel.n_inputs % 8 {
        0 => 0,
        4 => usize::MAX,
        k => (k as usize).min(3),
    };
    let inputs_ptr = if sel.null_inputs {
        null()
    } else {
        inputs.as_ptr()
    };
    let spec_ptr = if sel.null_spec {
        null()
    } else {
        spec.cast_const()
    };
    // SAFETY: net and spec are live (or NULL); inputs holds 3 values and n_inputs is at most
    // 3 unless it is absurd, which the library refuses before reading.
    let value = scalar(
        usize::MAX - 1,
        sel.null_out,
        "lrp_network_add_node",
        |out| unsafe { lrp_network_add_node(net, spec_ptr, inputs_ptr, n_inputs, out) },
    );
    let after = crate::num_layers(net);
    if crate::trace() {
        eprintln!("  lrp_network_add_node (kind {kind}): {value:?}");
    }
    assert_eq!(
        after,
        before + usize::from(value.is_some()),
        "node count after add_node"
    );
    if let Some(value) = value {
        assert_eq!(value, after, "the new node's output value");
        check_node(
            net,
            after - 1,
            kind,
            &inputs[..n_inputs],
            &set_attributes,
            &set_params,
        );
    }
    // SAFETY: spec is live and freed once.
    unsafe { lrp_layer_spec_free(spec) };
}

/// A node just added reads back as built.
fn check_node(
    net: *mut LrpNetwork,
    index: usize,
    kind: i32,
    inputs: &[usize],
    attributes: &[(String, f64)],
    params: &[SetParam],
) {
    // SAFETY (all calls below): net is live; every buffer holds what is passed.
    let got = scalar(0, false, "lrp_layer_kind", |p| unsafe {
        lrp_layer_kind(net, index, p)
    });
    assert_eq!(got, Some(kind), "kind of the new node");
    let mut got_inputs = vec![usize::MAX; inputs.len()];
    let s = unsafe { lrp_node_inputs(net, index, got_inputs.as_mut_ptr(), got_inputs.len()) };
    assert!(ok(s, "lrp_node_inputs"));
    assert_eq!(got_inputs, inputs, "inputs of the new node");
    for (name, value) in attributes {
        let c = CString::new(name.as_str()).expect("no NUL");
        let got = scalar(f64::NAN, false, "lrp_node_attribute", |p| unsafe {
            lrp_node_attribute(net, index, c.as_ptr(), p)
        })
        .unwrap_or_else(|| panic!("attribute {name} set but not readable"));
        assert_eq!(got.to_bits(), value.to_bits(), "attribute {name}");
    }
    for p in params {
        let c = CString::new(p.name).expect("no NUL");
        let mut dims = [0usize; LRP_NODE_MAX_PARAM_RANK];
        let mut rank = 0i32;
        let s = unsafe {
            lrp_node_param_shape(
                net,
                index,
                c.as_ptr(),
                dims.as_mut_ptr(),
                dims.len(),
                &mut rank,
            )
        };
        assert!(
            ok(s, "lrp_node_param_shape"),
            "parameter {} not readable",
            p.name
        );
        let count: usize = dims[..rank as usize].iter().product();
        assert_eq!(count, p.data.len(), "element count of {}", p.name);
        let mut values = vec![f64::NAN; count];
        let s = unsafe {
            lrp_node_get_param(net, index, c.as_ptr(), values.as_mut_ptr(), count, p.layout)
        };
        assert!(ok(s, "lrp_node_get_param"));
        for (i, (a, b)) in values.iter().zip(&p.data).enumerate() {
            assert_eq!(
                a.to_bits(),
                b.to_bits(),
                "{}[{i}] reads back as {a}, set {b}",
                p.name
            );
        }
    }
}

/// Which introspection call to make, with fuzzer-chosen arguments.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub(crate) enum QuerySel {
    Inputs {
        index: u8,
        capacity: u8,
        null: bool,
    },
    Names {
        index: u8,
        which: u8,
        params: bool,
        len: u8,
        null: bool,
    },
    Attribute {
        index: u8,
        name: u8,
        null: bool,
    },
    Param {
        index: u8,
        name: u8,
        dims_len: u8,
        len: LenSel,
        layout: LayoutSel,
    },
    Accepts {
        index: u8,
        rule: crate::RuleSel,
        param: crate::ParamSel,
        null: bool,
    },
    /// Every listed name of a node works in its query.
    Listed {
        index: u8,
    },
    NullSpec(u8),
}

fn index_of(net: *const LrpNetwork, index: u8) -> usize {
    let n = crate::num_layers(net);
    if index >= 250 {
        usize::MAX - index as usize % 3
    } else {
        index as usize % (n + 2)
    }
}

pub(crate) fn query(net: *mut LrpNetwork, sel: QuerySel) {
    // SAFETY (all calls below): net is live; buffers are NULL or hold what is passed.
    match sel {
        QuerySel::Inputs {
            index,
            capacity,
            null,
        } => {
            let index = index_of(net, index);
            let count = scalar(usize::MAX, false, "lrp_node_num_inputs", |p| unsafe {
                lrp_node_num_inputs(net, index, p)
            });
            let capacity = capacity as usize % 5;
            let mut buf = vec![usize::MAX; capacity];
            let ptr = if null { null_mut() } else { buf.as_mut_ptr() };
            let s = unsafe { lrp_node_inputs(net, index, ptr, capacity) };
            if ok(s, "lrp_node_inputs") {
                let n = count.expect("inputs of a node whose count fails");
                assert!(n <= capacity && buf[n..].iter().all(|&v| v == usize::MAX));
                assert!(
                    buf[..n].iter().all(|&v| v <= index),
                    "an input after its node"
                );
            } else {
                assert!(
                    buf.iter().all(|&v| v == usize::MAX),
                    "lrp_node_inputs wrote"
                );
            }
        }
        QuerySel::Names {
            index,
            which,
            params,
            len,
            null,
        } => {
            let index = index_of(net, index);
            let mut buf = [0x55u8; 64];
            let len = len as usize % 40;
            let ptr = if null {
                null_mut()
            } else {
                buf.as_mut_ptr().cast()
            };
            let (s, function) = unsafe {
                if params {
                    let s = lrp_node_param_name(net, index, which as usize % 12, ptr, len);
                    (s, "lrp_node_param_name")
                } else {
                    let s = lrp_node_attribute_name(net, index, which as usize % 12, ptr, len);
                    (s, "lrp_node_attribute_name")
                }
            };
            if ok(s, function) {
                assert!(len >= LRP_NODE_NAME_LEN);
                let end = buf.iter().position(|&b| b == 0).expect("NUL-terminated");
                assert!(end < LRP_NODE_NAME_LEN && buf[end + 1..].iter().all(|&b| b == 0x55));
            } else {
                assert!(
                    buf.iter().all(|&b| b == 0x55),
                    "{function} failed but wrote"
                );
            }
        }
        QuerySel::Attribute { index, name, null } => {
            let index = index_of(net, index);
            let c = CString::new(ATTRIBUTE_NAMES[name as usize % ATTRIBUTE_NAMES.len()])
                .expect("no NUL");
            scalar(-7.5, null, "lrp_node_attribute", |p| unsafe {
                lrp_node_attribute(net, index, c.as_ptr(), p)
            });
        }
        QuerySel::Param {
            index,
            name,
            dims_len,
            len,
            layout,
        } => {
            let index = index_of(net, index);
            let c = CString::new(PARAM_NAMES[name as usize % PARAM_NAMES.len()]).expect("no NUL");
            let mut dims = [usize::MAX; 6];
            let mut rank = -3i32;
            let dims_len = dims_len as usize % 7;
            let s = unsafe {
                lrp_node_param_shape(
                    net,
                    index,
                    c.as_ptr(),
                    dims.as_mut_ptr(),
                    dims_len,
                    &mut rank,
                )
            };
            let needed = if ok(s, "lrp_node_param_shape") {
                assert!((1..=LRP_NODE_MAX_PARAM_RANK as i32).contains(&rank));
                assert!(dims[rank as usize..].iter().all(|&d| d == usize::MAX));
                Some(dims[..rank as usize].iter().product())
            } else {
                assert!(rank == -3 && dims.iter().all(|&d| d == usize::MAX));
                None
            };
            let mut out = Out::new(len.resolve(needed));
            let s = unsafe {
                lrp_node_get_param(net, index, c.as_ptr(), out.ptr(), out.len, layout.flag())
            };
            out.check(ok(s, "lrp_node_get_param"), needed, "lrp_node_get_param");
        }
        QuerySel::Accepts {
            index,
            rule,
            param,
            null,
        } => {
            let index = index_of(net, index);
            let name = rule.cstring();
            let got = scalar(-1, null, "lrp_node_accepts", |p| unsafe {
                lrp_node_accepts(net, index, name_ptr(&name), param.value(), p)
            });
            assert!(
                !matches!(got, Some(v) if v != 0 && v != 1),
                "accepts = {got:?}"
            );
        }
        QuerySel::Listed { index } => {
            let index = index_of(net, index);
            let Some(n) = scalar(0usize, false, "lrp_node_num_attributes", |p| unsafe {
                lrp_node_num_attributes(net, index, p)
            }) else {
                return;
            };
            for which in 0..n {
                let mut buf = [0 as std::ffi::c_char; LRP_NODE_NAME_LEN];
                let s = unsafe {
                    lrp_node_attribute_name(net, index, which, buf.as_mut_ptr(), buf.len())
                };
                assert!(ok(s, "lrp_node_attribute_name"));
                let got = scalar(f64::NAN, false, "lrp_node_attribute", |p| unsafe {
                    lrp_node_attribute(net, index, buf.as_ptr(), p)
                });
                assert!(
                    got.is_some_and(f64::is_finite),
                    "listed attribute not readable"
                );
            }
            let n = scalar(0usize, false, "lrp_node_num_params", |p| unsafe {
                lrp_node_num_params(net, index, p)
            })
            .expect("num_params of a valid node");
            for which in 0..n {
                let mut buf = [0 as std::ffi::c_char; LRP_NODE_NAME_LEN];
                let s =
                    unsafe { lrp_node_param_name(net, index, which, buf.as_mut_ptr(), buf.len()) };
                assert!(ok(s, "lrp_node_param_name"));
                let name = unsafe { CStr::from_ptr(buf.as_ptr()) };
                let mut dims = [0usize; LRP_NODE_MAX_PARAM_RANK];
                let mut rank = 0;
                let s = unsafe {
                    lrp_node_param_shape(net, index, name.as_ptr(), dims.as_mut_ptr(), 4, &mut rank)
                };
                assert!(
                    ok(s, "lrp_node_param_shape"),
                    "listed parameter not readable"
                );
            }
        }
        QuerySel::NullSpec(k) => {
            let x = [1.0f64; 2];
            let dims = [2usize];
            let mut value = 9usize;
            let s = unsafe {
                match k % 3 {
                    0 => lrp_layer_spec_set(null_mut(), c"stride_h".as_ptr(), 1.0),
                    1 => lrp_layer_spec_set_param(
                        null_mut(),
                        c"B".as_ptr(),
                        x.as_ptr(),
                        dims.as_ptr(),
                        1,
                        0,
                    ),
                    _ => lrp_network_add_node(net, null(), [0usize].as_ptr(), 1, &mut value),
                }
            };
            assert_eq!(s, LRP_ERR_NULL_ARGUMENT, "NULL spec call {}", k % 3);
            assert_eq!(value, 9);
            // SAFETY: freeing NULL is a no-op.
            unsafe { lrp_layer_spec_free(null_mut()) };
        }
    }
}

"""Golden parity for ../shared/golden-onnx through the modern API, where the library reads
ONNX (the lead is adding it to lrp_network_read): until then every case is skipped with the
library's own message as the reason, visible in pytest's summary."""

import os

import numpy as np
import pytest

import lrp
from conftest import SHARED, assert_close, load_cases, manifest

COMPOSITE_PARAMS = ("epsilon", "gamma", "low", "high")


def onnx_unsupported():
    """The library's error for reading an ONNX file, or None when it reads them."""
    path = os.path.join(SHARED, "golden-onnx", "mixed.onnx")
    try:
        lrp.Network.read(path)
    except lrp.LrpError as e:
        return str(e)
    return None


@pytest.mark.parametrize("case", load_cases("golden-onnx"))
def test_case(case):
    reason = onnx_unsupported()
    if reason is not None:
        pytest.skip(f"the library does not read ONNX yet ({reason})")
    d, m = manifest("golden-onnx")
    rtol, atol = m["rtol"], m["atol"]
    p = lambda key: os.path.join(d, case[key])  # noqa: E731
    net = lrp.Network.read(p("model"))
    x = lrp.read_npy(p("input"))
    expected = lrp.read_npy(p("expected"))
    op = case["op"]
    if op == "forward":
        assert_close(net.forward(x), expected, rtol, atol, case["name"])
    elif op in ("gradient", "input_x_gradient"):
        net.set_convention("zennit")
        dy = lrp.read_npy(p("gradient"))
        assert_close(net.attribute(x, op, dy=dy), expected, rtol, atol, case["name"])
    elif op == "lrp":
        net.set_convention("zennit")
        classes = np.argmax(np.abs(lrp.read_npy(p("relevance"))), axis=1)
        params = {k: case[k] for k in COMPOSITE_PARAMS if k in case}
        r = net.explain(x, classes, composite=case["composite"], **params)
        assert_close(r, expected, rtol, atol, case["name"])
    else:
        pytest.fail(f"op {op!r} of {case['name']} is not covered")

"""Golden parity through the modern API (lrp.Network): every case of
../shared/golden-zennit/manifest.json: zplus and gamma, the four composites, gradient,
guided backprop and deconvnet, under zennit's conventions."""

import os

import numpy as np
import pytest

import lrp
from conftest import assert_close, load_cases, manifest

METHODS = {"gradient": "gradient", "guided_backprop": "guided_backprop", "deconvnet": "deconvnet"}
COMPOSITE_PARAMS = ("epsilon", "gamma", "low", "high")


@pytest.mark.parametrize("case", load_cases("golden-zennit"))
def test_case(case):
    d, m = manifest("golden-zennit")
    rtol, atol = m["rtol"], m["atol"]
    p = lambda key: os.path.join(d, case[key])  # noqa: E731
    net = lrp.Network.read(p("model"))
    net.set_convention("zennit")
    x = lrp.read_npy(p("input"))
    expected = lrp.read_npy(p("expected"))
    op = case["op"]
    if op == "lrp":
        r0 = lrp.read_npy(p("relevance"))
        # R0 is each sample's output kept at one class: explain that class.
        classes = np.argmax(np.abs(r0), axis=1)
        y = net.forward(x)
        np.testing.assert_array_equal(r0 != 0, np.eye(y.shape[1], dtype=bool)[classes])
        assert_close(r0[np.arange(len(classes)), classes], y[np.arange(len(classes)), classes],
                     1e-12, 1e-12, "R0 is the output at the class")
        if "composite" in case:
            params = {k: case[k] for k in COMPOSITE_PARAMS if k in case}
            r = net.explain(x, classes, composite=case["composite"], **params)
        else:
            r = net.explain(x, classes, rule=case["rule"], param=case.get("param"))
        assert_close(r, expected, rtol, atol, case["name"])
    elif op in METHODS:
        dy = lrp.read_npy(p("gradient"))
        assert_close(net.attribute(x, METHODS[op], dy=dy), expected, rtol, atol, case["name"])
        # the same through classes= (the one-hot of each sample's class)
        classes = np.argmax(dy, axis=1)
        assert_close(net.attribute(x, METHODS[op], classes=classes), expected, rtol, atol,
                     case["name"] + " (classes)")
    else:
        pytest.fail(f"op {op!r} of {case['name']} is not covered")

"""Golden parity through the numpy toolbox's API (model_io, data_io, modules): every case of
../shared/golden/manifest.json (forward, lrp with a rule or per-layer presets, backward,
train_step), as a toolbox user would compute it."""

import os

import pytest

import data_io
import model_io
from conftest import assert_close, load_cases, manifest


@pytest.mark.parametrize("case", load_cases("golden"))
def test_case(case):
    d, m = manifest("golden")
    rtol, atol = m["rtol"], m["atol"]
    p = lambda key: os.path.join(d, case[key])  # noqa: E731
    nn = model_io.read(p("model"))
    X = data_io.read(p("input"))
    op = case["op"]
    if op == "forward":
        assert_close(nn.forward(X), data_io.read(p("expected")), rtol, atol, case["name"])
    elif op == "lrp":
        nn.forward(X)
        R0 = data_io.read(p("relevance"))
        if "layer_rules" in case:
            assert len(case["layer_rules"]) == len(nn.modules)
            nn.set_lrp_parameters("epsilon", 100.0)  # overwritten layer by layer below
            for layer, preset in zip(nn.modules, case["layer_rules"]):
                layer.set_lrp_parameters(preset["rule"], preset["param"])
            R = nn.lrp(R0)
        else:
            R = nn.lrp(R0, case["rule"], case["param"])
        assert_close(R, data_io.read(p("expected")), rtol, atol, case["name"])
    elif op == "backward":
        nn.forward(X)
        assert_close(nn.backward(data_io.read(p("gradient"))), data_io.read(p("expected")),
                     rtol, atol, case["name"])
    elif op == "train_step":
        Y = nn.forward(X)
        nn.backward(Y - data_io.read(p("targets")))
        W_before = nn.modules[0].W
        nn.update(case["learning_rate"])
        # update writes into the layers' own arrays, as the toolbox's -= does
        assert nn.modules[0].W is W_before
        expected = model_io.read(p("expected_model"))
        assert len(expected.modules) == len(nn.modules)
        checked = 0
        for i, (ours, theirs) in enumerate(zip(nn.modules, expected.modules)):
            for name in ("W", "B"):
                if hasattr(theirs, name):
                    assert_close(getattr(ours, name), getattr(theirs, name), rtol, atol,
                                 f"{case['name']} layer {i} {name}")
                    checked += 1
        assert checked >= 2
    else:
        pytest.fail(f"op {op!r} of {case['name']} is not covered")


def test_every_op_of_the_manifest_is_covered():
    _, m = manifest("golden")
    assert {c["op"] for c in m["cases"]} <= {"forward", "lrp", "backward", "train_step"}
    assert len(m["cases"]) >= 38

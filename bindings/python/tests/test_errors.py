"""Every LRP_ERR_* status as its own exception class, generated from the header, raised
with the library's status name and message; and the conversions done before a call."""

import os
import pickle
import re

import numpy as np
import pytest

import lrp
from lrp import _capi
from conftest import REPO

HEADER = os.path.join(REPO, "include", "lrp.h")


def header_statuses():
    with open(HEADER, encoding="utf-8") as f:
        return {m.group(1): int(m.group(2))
                for m in re.finditer(r"^#define (LRP_ERR_[A-Z_]+) (\d+)$", f.read(), flags=re.M)}


def test_one_class_per_status_of_the_header():
    statuses = header_statuses()
    assert len(statuses) >= 9
    for name, code in statuses.items():
        cls_name = "".join(w.capitalize() for w in name[len("LRP_ERR_"):].split("_")) + "Error"
        cls = getattr(lrp, cls_name)
        assert issubclass(cls, lrp.LrpError)
        assert cls.STATUS == code
        assert _capi.status_name(code) == name
        assert lrp.errors.STATUS_CLASSES[code] is cls
    assert len(lrp.errors.STATUS_CLASSES) == len(statuses)


def raised(excinfo, cls, name, *words):
    e = excinfo.value
    assert type(e) is cls
    assert e.status == cls.STATUS and e.status_name == name
    assert str(e).startswith(name + ": ")
    for w in words:
        assert w in e.message, (w, e.message)
    return e


@pytest.fixture
def net(lenet5):
    return lrp.Network.read(lenet5)


def test_null_argument():
    # The Python layer never passes NULL; the status still maps to its class.
    with pytest.raises(lrp.NullArgumentError) as ei:
        _capi._check(_capi.lib.lrp_network_clean(_capi.ffi.NULL))
    raised(ei, lrp.NullArgumentError, "LRP_ERR_NULL_ARGUMENT")


def test_invalid_argument(net):
    x = np.zeros((1, 32, 32, 1))
    with pytest.raises(lrp.InvalidArgumentError) as ei:
        net.explain(x, [0], rule="epsilon", param=-1.0)
    raised(ei, lrp.InvalidArgumentError, "LRP_ERR_INVALID_ARGUMENT", "epsilon")
    assert isinstance(ei.value, ValueError)


def test_shape_mismatch(net):
    with pytest.raises(lrp.ShapeMismatchError) as ei:
        net.forward(np.zeros((2, 28, 28, 1)))
    raised(ei, lrp.ShapeMismatchError, "LRP_ERR_SHAPE_MISMATCH")
    with pytest.raises(lrp.ShapeMismatchError):
        net.explain(np.zeros((2, 32, 32, 1)), [0, 1, 2])


def test_unknown_rule(net):
    with pytest.raises(lrp.UnknownRuleError) as ei:
        net.explain(np.zeros((1, 32, 32, 1)), [3], rule="no_such_rule")
    raised(ei, lrp.UnknownRuleError, "LRP_ERR_UNKNOWN_RULE", "no_such_rule")
    with pytest.raises(lrp.UnknownRuleError):
        net.attribute(np.zeros((1, 32, 32, 1)), "no_such_method", classes=[0])


def test_parse(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Linear 2 2\n1 2 3\n0 0\n")
    with pytest.raises(lrp.ParseError) as ei:
        lrp.Network.read(bad)
    raised(ei, lrp.ParseError, "LRP_ERR_PARSE", "bad.txt")


def test_io(tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(lrp.IoError) as ei:
        lrp.Network.read(missing)
    raised(ei, lrp.IoError, "LRP_ERR_IO", "missing.txt")
    assert isinstance(ei.value, OSError)
    with pytest.raises(lrp.IoError):
        lrp.read_npy(tmp_path / "missing.npy")


def test_out_of_order(lenet5):
    h = _capi.network_read(lenet5)
    with pytest.raises(lrp.OutOfOrderError) as ei:  # the library's own check
        _capi.lrp(h, np.zeros((1, 10)), (1, 32, 32, 1))
    raised(ei, lrp.OutOfOrderError, "LRP_ERR_OUT_OF_ORDER")
    with pytest.raises(lrp.OutOfOrderError):
        lrp.Network.read(lenet5).lrp(np.zeros((1, 10)))


def test_non_finite(net):
    x = np.zeros((1, 32, 32, 1))
    x[0, 3, 4, 0] = np.nan
    with pytest.raises(lrp.NonFiniteError) as ei:
        net.forward(x)
    raised(ei, lrp.NonFiniteError, "LRP_ERR_NON_FINITE")


def test_panic_maps_to_its_class():
    # No input makes the library panic (that would be a bug); the mapping is still there.
    e = lrp.errors.error_for(lrp.PanicError.STATUS, "LRP_ERR_PANIC", "boom")
    assert type(e) is lrp.PanicError and isinstance(e, RuntimeError)


def test_errors_pickle_intact():
    e = lrp.ShapeMismatchError(3, "LRP_ERR_SHAPE_MISMATCH", "x: expected 4, given 5")
    f = pickle.loads(pickle.dumps(e))
    assert type(f) is lrp.ShapeMismatchError and str(f) == str(e) and f.message == e.message


def test_nothing_written_on_error(net):
    # Outputs are fresh arrays: a failing call returns none; the input stays as it was.
    x = np.zeros((1, 32, 32, 1))
    before = x.copy()
    with pytest.raises(lrp.UnknownRuleError):
        net.explain(x, [0], rule="nope")
    np.testing.assert_array_equal(x, before)


def test_complex_and_object_inputs_are_type_errors(net):
    with pytest.raises(TypeError, match="real"):
        net.forward(np.zeros((1, 32, 32, 1), dtype=complex))
    with pytest.raises(TypeError, match="numeric"):
        net.forward(np.array([["a"]]))


def test_error_messages_are_per_thread(net):
    import threading

    seen = {}

    def fail(k):
        try:
            net.explain(np.zeros((1, 32, 32, 1)), [0], rule=f"bad{k}")
        except lrp.UnknownRuleError as e:
            seen[k] = e.message

    threads = [threading.Thread(target=fail, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(f"bad{k}" in seen[k] for k in range(8))


def test_every_export_of_the_header_is_bound():
    with open(HEADER, encoding="utf-8") as f:
        names = set(re.findall(r"\b(lrp_[a-z0-9_]+)\(", f.read()))
    assert len(names) > 60
    missing = [n for n in sorted(names) if not hasattr(_capi.lib, n)]
    assert not missing, missing


def test_handles_are_freed(lenet5):
    import gc

    gc.collect()
    before = _capi.live_networks()
    nets = [lrp.Network.read(lenet5) for _ in range(5)] + [lrp.Network().clone()]
    # the temporary Network() is freed as soon as it has been cloned
    assert _capi.live_networks() == before + 6
    del nets
    gc.collect()
    assert _capi.live_networks() == before

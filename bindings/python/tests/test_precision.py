"""The f32 precision and the float32 door: float32 in, float32 out, agreeing with f64."""

import numpy as np
import pytest

import lrp


def normwise(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.fixture
def net(lenet5):
    return lrp.Network.read(lenet5)


def test_precision_defaults_to_f64_and_can_be_set(net):
    assert net.precision == "f64"
    assert net.set_precision("f32") is net
    assert net.precision == "f32"
    net.set_precision(np.float64)
    assert net.precision == "f64"
    net.set_precision("single")
    assert net.precision == "f32"
    with pytest.raises(ValueError, match="precision"):
        net.set_precision("f16")
    assert net.precision == "f32"


def test_float32_data_gives_float32_maps_close_to_f64(net, mnist):
    x, labels = mnist
    x32 = np.asarray(x, dtype=np.float32)
    r64 = net.explain(x32.astype(np.float64), labels, rule="epsilon", param=0.01)
    # f64 precision: the float door rounds the f64 map of the rounded input.
    r = net.explain(x32, labels, rule="epsilon", param=0.01)
    assert r.dtype == np.float32 and r.shape == x.shape
    np.testing.assert_array_equal(r, r64.astype(np.float32))
    net.set_precision("f32")
    r32 = net.explain(x32, labels, rule="epsilon", param=0.01)
    assert r32.dtype == np.float32
    err = normwise(r32, r64)
    assert 0 < err <= 1e-4, err
    # The f64 door under f32 precision: the same numbers, widened.
    r32_via_f64 = net.explain(x32.astype(np.float64), labels, rule="epsilon", param=0.01)
    assert r32_via_f64.dtype == np.float64
    np.testing.assert_array_equal(r32_via_f64, r32.astype(np.float64))
    # Presets (rule None) and Fortran order.
    rp = net.explain(np.asfortranarray(x32), labels)
    assert rp.dtype == np.float32 and rp.flags.f_contiguous
    net.set_precision("f64")
    np.testing.assert_allclose(rp, net.explain(x32, labels), rtol=0, atol=1e-4 * np.abs(rp).max())


def test_predict_is_stateless_and_follows_the_dtype(net, mnist):
    x, _ = mnist
    y64 = net.predict(x)
    assert y64.dtype == np.float64
    np.testing.assert_array_equal(y64, net.forward(x))
    net.set_precision("f32")
    y32 = net.predict(x.astype(np.float32))
    assert y32.dtype == np.float32 and y32.shape == y64.shape
    assert normwise(y32, y64) <= 1e-6
    # The f32 copy of the parameters follows a change of W.
    W = net.get_param(0, "W")
    net.set_param(0, "W", W * 2)
    y32_after = net.predict(x.astype(np.float32))
    net.set_precision("f64")
    assert normwise(y32_after, net.predict(x)) <= 1e-6
    assert normwise(y32_after, y32) > 1e-3

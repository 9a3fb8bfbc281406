"""The modern API: lrp.Network, arrays in and out, render, data files, progress."""

import os
import pickle
import sys

import numpy as np
import pytest

import lrp


@pytest.fixture
def net(lenet5):
    n = lrp.Network.read(lenet5)
    return n


def test_version_is_the_crates():
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "Cargo.toml")) as f:
        assert f'version = "{lrp.__version__}"' in f.read()


def test_layers_and_params(net):
    kinds = [l.kind for l in net.layers]
    assert kinds[0] == "Convolution" and kinds[-1] == "Flatten" and len(net) == 11
    W = net.get_param(0, "W")
    assert W.shape == (5, 5, 1, 10)
    net.set_param(0, "W", W * 2)
    np.testing.assert_array_equal(net.get_param(0, "W"), W * 2)
    assert net.output_shape((3, 32, 32, 1)) == (3, 10)


def test_explain_top_class_equals_masked_lrp(net, mnist):
    x, labels = mnist
    y = net.forward(x)
    top = np.argmax(y, axis=1)
    assert np.mean(top == labels) > 0.95          # LeNet-5 reads the digits
    mask = np.zeros_like(y)
    mask[np.arange(len(top)), top] = 1
    by_lrp = net.lrp(y * mask, "epsilon", 0.01)
    r = net.explain(x, rule="epsilon", param=0.01)
    np.testing.assert_allclose(r, by_lrp, rtol=1e-12, atol=1e-12)


def test_layouts_and_dtypes_give_the_same_numbers(net, mnist):
    x, _ = mnist
    x = x[:5]
    ref = net.explain(x, 3, rule="alphabeta", param=1.0)
    f = np.asfortranarray(x)
    rf = net.explain(f, 3, rule="alphabeta", param=1.0)     # column-major, no copy
    assert rf.flags.f_contiguous
    np.testing.assert_array_equal(rf, ref)
    # float32 data gives float32 maps (here, f64 precision: the f64 map of the rounded data,
    # rounded; tests/test_precision.py covers the f32 precision).
    r32 = net.explain(x.astype(np.float32), 3, rule="alphabeta", param=1.0)
    assert r32.dtype == np.float32
    np.testing.assert_array_equal(r32, net.explain(x.astype(np.float32).astype(np.float64), 3,
                                                   rule="alphabeta", param=1.0).astype(np.float32))
    strided = np.repeat(x, 2, axis=0)[::2]                # non-contiguous view
    np.testing.assert_array_equal(net.explain(strided, 3, rule="alphabeta", param=1.0), ref)


def test_explain_classes_and_class_set(net, mnist):
    x, _ = mnist
    x = x[:4]
    maps = net.explain_classes(x, [2, 5], rule="epsilon", param=0.01)
    assert maps.shape == (2,) + x.shape
    np.testing.assert_array_equal(maps[0], net.explain(x, 2, rule="epsilon", param=0.01))
    np.testing.assert_array_equal(maps[1], net.explain(x, 5, rule="epsilon", param=0.01))
    s = net.explain_class_set(x, [2, 5], rule="epsilon", param=0.01)
    np.testing.assert_allclose(s, maps[0] + maps[1], rtol=1e-9, atol=1e-12)


def test_presets_and_composites(net, mnist):
    x, _ = mnist
    x = x[:2]
    net.set_rule("alphabeta", 2.0)
    net.set_rule("ww", layer=0)
    assert net.rule(0) == ("ww", None)
    assert net.rule(3) == ("alphabeta", 2.0)
    np.testing.assert_array_equal(net.explain(x, 1), net.explain(x, 1))
    net.set_composite("epsilon_gamma_box", low=-1.0, high=1.0)
    assert net.rule(0)[0] == "zbox"
    low, high = net.zbox(0)
    np.testing.assert_array_equal(low, [-1.0]) and np.testing.assert_array_equal(high, [1.0])
    r1 = net.explain(x, 1)
    r2 = lrp.Network.read(net_path(net)).explain(x, 1, composite="epsilon_gamma_box", low=-1.0, high=1.0)
    np.testing.assert_array_equal(r1, r2)


def net_path(net):
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "n.txt")
    net.write(path)
    return path


def test_attribute_methods(net, mnist):
    x, _ = mnist
    x = x[:3]
    g = net.attribute(x, "gradient", classes=4)
    ixg = net.attribute(x, "input_x_gradient", classes=4)
    np.testing.assert_allclose(ixg, x * g, rtol=1e-12, atol=1e-15)
    ig = net.attribute(x, "integrated_gradients", classes=4, count=32)
    y = net.forward(x)
    y0 = net.forward(np.zeros_like(x))
    np.testing.assert_allclose(ig.reshape(3, -1).sum(1), y[:, 4] - y0[:, 4], rtol=0.05)
    sg1 = net.attribute(x, "smoothgrad", classes=4, count=4, seed=7)
    np.testing.assert_array_equal(sg1, net.attribute(x, "smoothgrad", classes=4, count=4, seed=7))
    assert net.attribute(x, "sensitivity", classes=4).shape == (3, 32, 32, 1)


def test_batches_and_progress_change_nothing(net, mnist, capsys):
    x, _ = mnist
    ref = net.explain(x, rule="epsilon", param=0.01)
    np.testing.assert_array_equal(net.explain(x, rule="epsilon", param=0.01, batch_size=7), ref)
    np.testing.assert_array_equal(net.explain(x, rule="epsilon", param=0.01, progress=True), ref)
    err = capsys.readouterr().err
    assert "explain" in err and "64/64" in err        # tqdm's bar went to stderr


def test_progress_is_silent_without_tqdm(net, mnist, capsys, monkeypatch):
    x, _ = mnist
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    r = net.explain(x[:8], rule="epsilon", param=0.01, progress=True)
    np.testing.assert_array_equal(r, net.explain(x[:8], rule="epsilon", param=0.01))
    assert capsys.readouterr().err == ""


def test_build_train_and_progress(capsys):
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (200, 2))
    labels = (x[:, 0] * x[:, 1] > 0).astype(int)      # XOR of the signs
    y = np.eye(2)[labels]
    def fresh():
        return lrp.Network().add_linear(2, 16, seed=1).add_rect().add_linear(16, 2, seed=2).add_softmax()

    net = fresh()
    log = net.train(x, y, batchsize=20, iters=3000, lrate=0.05, status=500, seed=3, progress=True)
    assert "3000/3000" in capsys.readouterr().err
    assert "Accuracy after 3000 iterations" in log
    acc = np.mean(np.argmax(net.forward(x), axis=1) == labels)
    assert acc > 0.9, log
    # the bar changes nothing: the same training without it gives the same parameters
    quiet = fresh()
    quiet.train(x, y, batchsize=20, iters=3000, lrate=0.05, status=500, seed=3)
    assert capsys.readouterr().err == ""
    for i in (0, 2):
        np.testing.assert_array_equal(quiet.get_param(i, "W"), net.get_param(i, "W"))
    # errors of a training with a bar come back from its thread
    with pytest.raises(lrp.ShapeMismatchError):
        fresh().train(x, y[:, :1], iters=10, progress=True)


def test_pickle_network(net, mnist):
    x, _ = mnist
    other = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(other.forward(x[:2]), net.forward(x[:2]))


def test_render(net, mnist, tmp_path):
    x, _ = mnist
    r = net.explain(x[:1], rule="epsilon", param=0.01)
    rgb = lrp.render.heatmap(r[0], x[0], scaling=2)
    assert rgb.shape == (64, 64, 3) and rgb.min() >= 0 and rgb.max() <= 1
    # the pixel of largest relevance is jet's top colour (dark red: r > 0.5, g = b = 0)
    i, j = np.unravel_index(np.argmax(r[0, :, :, 0]), (32, 32))
    plain = lrp.render.heatmap(r[0], scaling=1)
    assert plain[i, j, 0] > 0.5 and plain[i, j, 1] == 0 and plain[i, j, 2] == 0
    d = lrp.render.digit(x[0], scaling=2)
    assert d.shape == (64, 64, 3)
    np.testing.assert_array_equal(lrp.render.colormap("gray", np.array([0.0, 1.0])),
                                  [[0, 0, 0], [1, 1, 1]])
    path = tmp_path / "h.png"
    lrp.render.save_images(path, [d, rgb])
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_data_files(tmp_path):
    a = np.arange(12.0).reshape(3, 4) / 7
    lrp.write_npy(tmp_path / "a.npy", a)
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), a)
    np.testing.assert_array_equal(lrp.read_npy(tmp_path / "a.npy"), a)
    lrp.write_npy(tmp_path / "u.npy", np.arange(5), dtype=np.uint8)
    u = lrp.read_npy(tmp_path / "u.npy", keep_dtype=True)
    assert u.dtype == np.uint8 and list(u) == [0, 1, 2, 3, 4]
    lrp.write_txt(tmp_path / "a.txt", a)
    np.testing.assert_array_equal(lrp.read_txt(tmp_path / "a.txt"), a)
    np.testing.assert_array_equal(np.loadtxt(tmp_path / "a.txt"), a)


def test_from_torch_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="PyTorch"):
        lrp.from_torch(object(), np.zeros((1, 1)))

"""The numpy toolbox's API (modules, model_io, data_io, render) as its users and demos call
it: the demos' code paths on the shared LeNet-5 and MNIST samples, the toolbox's pickled
.nn files, training, per-layer use, data formats."""

import os
import pickle
import sys
import types

import numpy as np
import pytest

import lrp
import data_io
import model_io
import modules
import render


def test_the_path_is_the_only_change():
    # what a toolbox script imports resolves to this package's directory
    for mod in (model_io, data_io, render, modules):
        assert os.path.dirname(os.path.abspath(mod.__file__)).startswith(lrp.TOOLBOX_PATH)


def test_cnn_demo_code_path(lenet5, golden, tmp_path, capsys):
    """lrp_cnn_demo.py's calls, in its order, on LeNet-5 and the MNIST test images."""
    nn = model_io.read(lenet5)
    nn.drop_softmax_output_layer()  # LeNet-5 here has none: the toolbox prints so
    assert "nothing to do" in capsys.readouterr().out
    X = data_io.read(os.path.join(golden, "mnist10k_images_u8.npy"))[:100]
    # the toolbox's test_labels.npy is N x 1, the shared labels are N
    Y = data_io.read(os.path.join(golden, "mnist10k_labels_u8.npy"))[:100].reshape(-1, 1)
    X = X / 127.5 - 1.
    X = np.reshape(X, [X.shape[0], 28, 28, 1])
    X = np.pad(X, ((0, 0), (2, 2), (2, 2), (0, 0)), 'constant', constant_values=(-1.,))
    I = Y[:, 0].astype(int)
    Y = np.zeros([X.shape[0], np.unique(Y).size])
    Y[np.arange(Y.shape[0]), I] = 1
    acc = np.mean(np.argmax(nn.forward(X), axis=1) == np.argmax(Y, axis=1))
    assert acc >= 0.97
    for i in range(3):
        x = X[i:i + 1, ...]
        ypred = nn.forward(x)
        mask = np.zeros_like(ypred)
        mask[:, np.argmax(ypred)] = 1
        Rinit = ypred * mask
        R = nn.lrp(Rinit, 'epsilon', 1.)
        # the library's one-call explain agrees
        np.testing.assert_allclose(
            R, lrp.Network.read(lenet5).explain(x, [np.argmax(ypred)], rule="epsilon", param=1.0),
            rtol=1e-12, atol=1e-12)
        # the commented alternative of the demo: presets per layer
        nn.set_lrp_parameters('alpha', 1.)
        nn.modules[0].set_lrp_parameters('ww')
        Rp = nn.lrp(Rinit)
        ref = lrp.Network.read(lenet5)
        ref.set_rule("alphabeta", 1.0)
        ref.set_rule("ww", layer=0)
        np.testing.assert_allclose(Rp, ref.explain(x, [np.argmax(ypred)]), rtol=1e-12, atol=1e-12)
        nn.set_lrp_parameters(None, None)
        R = R.sum(axis=3)
        xs = ((x + 1.) / 2.).sum(axis=3)
        digit = render.digit_to_rgb(xs, scaling=3)
        hm = render.hm_to_rgb(R, X=xs, scaling=3, sigma=2)
        digit_hm = render.save_image([digit, hm], str(tmp_path / 'heatmap.png'))
        data_io.write(R, str(tmp_path / 'heatmap.npy'))
        assert digit.shape == hm.shape == (96, 96, 3)
        assert digit_hm.shape == (96, 96 + 2 + 96, 3) and digit_hm.dtype == np.uint8
        np.testing.assert_array_equal(np.load(tmp_path / 'heatmap.npy'), R)
        # black outline pixels drawn from the digit's edges, none in the gap's absence
        assert (hm.sum(axis=2) == 0).any()
        with open(tmp_path / 'heatmap.png', 'rb') as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    # the batch part of the demo
    x = X[:64, ...]
    y = nn.forward(x)
    R = nn.lrp(y)
    data_io.write(R, str(tmp_path / 'Rbatch.npy'))
    np.testing.assert_array_equal(data_io.read(str(tmp_path / 'Rbatch.npy')), R)
    assert R.shape == x.shape


def test_mlp_demo_code_path(golden, tmp_path):
    """lrp_demo.py's calls (rows of 784 pixels, render reshaping them square)."""
    nn = model_io.read(os.path.join(golden, "mlp_rect.txt"))
    assert isinstance(nn.modules[-1], modules.SoftMax)
    nn.drop_softmax_output_layer()
    assert not isinstance(nn.modules[-1], modules.SoftMax)
    X = data_io.read(os.path.join(golden, "mnist_test_x.npy"))
    m = nn.modules[0].m
    x = X[np.newaxis, 0, :m]
    ypred = nn.forward(x)
    mask = np.zeros_like(ypred)
    mask[:, np.argmax(ypred)] = 1
    R = nn.lrp(ypred * mask, 'epsilon', 0.01)
    assert R.shape == x.shape
    assert m == 784                         # rows of 28 x 28 pixels, rendered square
    digit = render.digit_to_rgb((x + 1.) / 2., scaling=3)
    hm = render.hm_to_rgb(R, X=(x + 1.) / 2., scaling=3, sigma=2)
    img = render.save_image([digit, hm], str(tmp_path / 'heatmap.png'))
    assert digit.shape == hm.shape == (84, 84, 3) and img.shape == (84, 170, 3)
    data_io.write(R, str(tmp_path / 'heatmap.npy'))
    np.testing.assert_array_equal(data_io.read(str(tmp_path / 'heatmap.npy')), R)


def toolbox_pickle(path, nn_txt):
    """A pickle as the numpy toolbox writes it: objects of modules.<file>.<Class> with the
    toolbox's attribute names. Built with stand-in classes under a module name of the same
    length, renamed in the pickle's text opcodes (protocol 2, the toolbox's Python 2 one)."""
    fake = types.ModuleType("_tbfake")
    made = {}
    for file, cls in [("sequential", "Sequential"), ("linear", "Linear"), ("convolution", "Convolution"),
                      ("maxpool", "MaxPool"), ("sumpool", "SumPool"), ("flatten", "Flatten"),
                      ("rect", "Rect"), ("tanh", "Tanh"), ("softmax", "SoftMax")]:
        sub = types.ModuleType(f"_tbfake.{file}")
        c = type(cls, (), {"__module__": f"_tbfake.{file}"})
        setattr(sub, cls, c)
        sys.modules[f"_tbfake.{file}"] = sub
        made[cls] = c
    sys.modules["_tbfake"] = fake
    try:
        net = lrp.Network.read(nn_txt)
        layers = []
        for i, info in enumerate(net.layers):
            o = made[info.kind]()
            o.lrp_var, o.lrp_param = None, 1.0
            s = info.sizes
            if info.kind == "Linear":
                o.m, o.n = s
                o.X = o.Y = o.Z = o.dW = o.dB = None
            elif info.kind == "Convolution":
                o.fh, o.fw, o.fd, o.n = s[:4]
                o.stride = (s[4], s[5])
                o.X = o.Y = o.Z = o.DY = None
            elif info.kind in ("MaxPool", "SumPool"):
                o.pool, o.stride = (s[0], s[1]), (s[2], s[3])
            elif info.kind == "Flatten":
                o.inputshape = []
            if info.weight_shape is not None:
                o.W, o.B = net.get_param(i, "W"), net.get_param(i, "B")
            layers.append(o)
        seq = made["Sequential"]()
        seq.modules, seq.lrp_var, seq.lrp_param = layers, None, 1.0
        data = pickle.dumps(seq, protocol=2)
    finally:
        for k in [k for k in sys.modules if k.startswith("_tbfake")]:
            del sys.modules[k]
    assert b"_tbfake.linear" in data or b"_tbfake.convolution" in data
    data = data.replace(b"_tbfake", b"modules")
    with open(path, "wb") as f:
        f.write(data)


@pytest.mark.parametrize("model", ["lenet5.txt", "mlp_tanh.txt"])
def test_toolbox_pickles_read_as_our_classes(golden, tmp_path, model):
    path = str(tmp_path / "model.nn")
    toolbox_pickle(path, os.path.join(golden, model))
    nn = model_io.read(path)
    assert isinstance(nn, modules.Sequential)
    assert all(type(m).__module__.startswith("modules.") for m in nn.modules)
    txt = model_io.read(os.path.join(golden, model))
    stem = model.replace(".txt", "")
    X = data_io.read(os.path.join(golden, f"{stem}_input.npy"))
    np.testing.assert_array_equal(nn.forward(X), txt.forward(X))
    np.testing.assert_array_equal(nn.lrp(nn.forward(X), "alphabeta", 2.), txt.lrp(txt.forward(X), "alphabeta", 2.))
    # and written back as a pickle (same module paths) and as text, read back equal
    model_io.write(nn, str(tmp_path / "again.nn"))
    with open(tmp_path / "again.nn", "rb") as f:
        raw = f.read()
    assert b"modules.sequential" in raw and b"_net" not in raw
    again = model_io.read(str(tmp_path / "again.nn"))
    np.testing.assert_array_equal(again.forward(X), txt.forward(X))
    model_io.write(nn, str(tmp_path / "again.txt"))
    np.testing.assert_array_equal(model_io.read(str(tmp_path / "again.txt")).forward(X), txt.forward(X))


def test_old_single_file_module_paths(golden, tmp_path):
    # toolbox 1.0's modules.py held every class: modules.Linear
    path = str(tmp_path / "old.nn")
    toolbox_pickle(path, os.path.join(golden, "mlp_tanh.txt"))
    with open(path, "rb") as f:
        data = f.read()
    for file in (b"sequential", b"linear", b"tanh", b"rect", b"softmax"):
        data = data.replace(b"cmodules." + file + b"\n", b"cmodules\n")
    with open(path, "wb") as f:
        f.write(data)
    nn = model_io.read(path)
    X = data_io.read(os.path.join(golden, "mlp_tanh_input.npy"))
    np.testing.assert_array_equal(nn.forward(X), model_io.read(os.path.join(golden, "mlp_tanh.txt")).forward(X))


def test_sequential_built_by_hand_trains():
    np.random.seed(0)
    X = np.random.uniform(-1, 1, (300, 2))
    labels = (X[:, 0] * X[:, 1] > 0).astype(int)
    Y = np.eye(2)[labels]
    nn = modules.Sequential([modules.Linear(2, 16), modules.Rect(), modules.Linear(16, 2), modules.SoftMax()])
    W0 = nn.modules[0].W.copy()
    nn.train(X, Y, Xval=X[:100], Yval=Y[:100], batchsize=20, iters=3000, lrate=0.05, status=500, silent=True)
    assert not np.array_equal(nn.modules[0].W, W0)
    assert np.mean(np.argmax(nn.forward(X), axis=1) == labels) > 0.9


def test_train_with_transform():
    np.random.seed(1)
    X = np.random.uniform(-1, 1, (300, 2))
    labels = (X[:, 0] * X[:, 1] > 0).astype(int)
    Y = np.eye(2)[labels]
    nn = modules.Sequential([modules.Linear(2, 16), modules.Rect(), modules.Linear(16, 2), modules.SoftMax()])
    seen = []

    def transform(batch):
        seen.append(batch.shape)
        return batch + np.random.normal(0, 0.01, batch.shape)

    nn.train(X, Y, batchsize=20, iters=2000, lrate=0.05, status=250, lrate_decay='sublinear',
             transform=transform, silent=True)
    assert len(seen) == 2000 and seen[0] == (20, 2)
    assert np.mean(np.argmax(nn.forward(X), axis=1) == labels) > 0.9


def test_layers_on_their_own(golden):
    nn = model_io.read(os.path.join(golden, "mlp_rect.txt"))
    X = data_io.read(os.path.join(golden, "mlp_rect_input.npy"))
    first = nn.modules[0]
    H = first.forward(X)
    np.testing.assert_allclose(H, X @ first.W + first.B, rtol=1e-12, atol=1e-12)
    R = first.lrp(H, 'epsilon', 0.01)
    one = lrp.Network().add_linear(first.m, first.n, first.W, first.B)
    one.forward(X)
    np.testing.assert_array_equal(R, one.lrp(H, "epsilon", 0.01))
    DX = first.backward(np.ones_like(H))
    np.testing.assert_allclose(DX, np.ones_like(H) @ first.W.T, rtol=1e-12, atol=1e-12)
    W = first.W.copy()
    first.update(0.1)
    np.testing.assert_allclose(first.W, W - 0.1 * X.T @ np.ones_like(H), rtol=1e-12, atol=1e-12)


def test_rule_names_and_aliases(golden):
    nn = model_io.read(os.path.join(golden, "lenet5.txt"))
    X = data_io.read(os.path.join(golden, "lenet5_input.npy"))[:2]
    Y = nn.forward(X)
    for a, b in [('none', 'simple'), ('simple_slow', 'simple'), ('slow', 'simple'), ('w^2', 'ww'),
                 ('alpha', 'alphabeta'), ('alpha_slow', 'alphabeta'), ('epsilon_slow', 'epsilon'),
                 ('EPSILON', 'epsilon')]:
        np.testing.assert_array_equal(nn.lrp(Y, a, 2.), nn.lrp(Y, b, 2.))
    with pytest.raises(lrp.UnknownRuleError):
        nn.lrp(Y, 'bogus')
    # lrp before forward
    with pytest.raises(lrp.OutOfOrderError):
        modules.Sequential([modules.Rect()]).lrp(Y)


def test_weights_changed_between_calls_are_used(golden):
    nn = model_io.read(os.path.join(golden, "mlp_rect.txt"))
    X = data_io.read(os.path.join(golden, "mlp_rect_input.npy"))
    y1 = nn.forward(X)
    nn.modules[-2].B[...] += 1.0           # in place, as toolbox users do
    y2 = nn.forward(X)
    assert not np.array_equal(y1, y2)


def test_data_io_formats(tmp_path):
    a = np.arange(6.0).reshape(2, 3) / 3
    for ext in ("npy", "txt", "mat"):
        p = str(tmp_path / f"a.{ext}")
        data_io.write(a, p)
        np.testing.assert_array_equal(data_io.read(p), a)
    u = np.arange(4, dtype=np.uint8)
    data_io.write(u, str(tmp_path / "u.npy"))
    assert np.load(tmp_path / "u.npy").dtype == np.uint8
    with pytest.raises(IOError):
        data_io.read(str(tmp_path / "missing.npy"))


def test_render_functions():
    assert render.vec2im(np.arange(16.)).shape == (4, 4)
    img = np.arange(6.).reshape(2, 3)
    np.testing.assert_array_equal(render.enlarge_image(img, 2), np.kron(img, np.ones((2, 2))))
    rgb = np.random.RandomState(0).uniform(size=(6, 6, 3))
    out = render.repaint_corner_pixels(rgb.copy(), 2)
    np.testing.assert_allclose(out[0, 0], (rgb[0, 2] + rgb[2, 0] + rgb[2, 2]) / 3)
    R = np.array([[1.0, -1.0], [0.5, 0.0]])
    for name, fn in render.custom_maps.items():
        assert fn(R).shape == (2, 2, 3), name
        np.testing.assert_array_equal(render.hm_to_rgb(R, scaling=1, cmap=name), fn(R))


def test_python2_npy_files_of_the_toolbox(tmp_path):
    """The toolbox's data/MNIST/*.npy were written by Python 2's numpy: shapes as longs."""
    header = b"{'descr': '|u1', 'fortran_order': False, 'shape': (3L, 1L), }"
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    path = tmp_path / "test_labels.npy"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + bytes([7, 2, 1]))
    Y = data_io.read(str(path))
    assert Y.shape == (3, 1) and Y[:, 0].astype(int).tolist() == [7, 2, 1]

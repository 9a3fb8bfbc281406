"""lrp.from_torch, only where PyTorch is installed (CI does not install it: the skip says
so in pytest's summary). Needs the library's ONNX reader."""

import numpy as np
import pytest

import lrp


def test_from_torch_matches_torch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional)")
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, 5),
    )
    x = torch.randn(2, 1, 8, 8, dtype=torch.float64)
    net = lrp.from_torch(model, x)
    assert next(model.parameters()).dtype == torch.float32      # the caller's model untouched
    with torch.no_grad():
        expected = model.double()(x).numpy()
    np.testing.assert_allclose(net.forward(x.numpy()), expected, rtol=1e-10, atol=1e-12)


def _conv_bn_model(torch, eps):
    """Conv, BatchNorm (non-trivial statistics and affine parameters), ReLU, Linear."""
    torch.manual_seed(1)
    bn = torch.nn.BatchNorm2d(3, eps=eps)
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor([0.5, -1.0, 0.25]))
        bn.running_var.copy_(torch.tensor([2.0, 0.5, 1.5]))
        bn.weight.copy_(torch.tensor([1.5, -0.75, 0.5]))
        bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3]))
    return torch.nn.Sequential(
        torch.nn.Conv2d(2, 3, 3), bn, torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 4),
    ).eval().double()


def test_from_torch_keep_batchnorm():
    """keep_batchnorm exports the BatchNorm node (by default the exporter folds it into the
    Conv); both compute the model. Under the zennit convention the merge of the kept node
    leaves x / sqrt(1 + eps), as zennit's MergeBatchNorm does (the model with that factor
    after the BatchNorm); under the toolbox convention the merge is exact."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional)")
    eps = 2.0 ** -4  # exact in ONNX's float32 attribute, and large enough to see
    model = _conv_bn_model(torch, eps)
    x = torch.randn(2, 2, 6, 6, dtype=torch.float64)
    with torch.no_grad():
        expected = model(x).numpy()
        conv, bn, _, _, linear = model
        residual = linear(torch.relu(bn(conv(x)) / (1.0 + eps) ** 0.5).flatten(1)).numpy()

    folded = lrp.from_torch(model, x)
    kept = lrp.from_torch(model, x, keep_batchnorm=True)
    assert "BatchNorm" not in [l.kind for l in folded.layers]
    assert [l.kind for l in kept.layers].count("BatchNorm") == 1
    for net in (folded, kept):
        np.testing.assert_allclose(net.forward(x.numpy()), expected, rtol=1e-12, atol=1e-12)

    exact = kept.clone()
    exact.canonize("merge_batchnorm")
    assert "BatchNorm" not in [l.kind for l in exact.layers]
    np.testing.assert_allclose(exact.forward(x.numpy()), expected, rtol=1e-12, atol=1e-12)

    zennit = kept.clone()
    zennit.set_convention("zennit")
    zennit.canonize("merge_batchnorm")
    assert [l.kind for l in zennit.layers].count("BatchNorm") == 1
    np.testing.assert_allclose(zennit.forward(x.numpy()), residual, rtol=1e-12, atol=1e-12)
    assert np.abs(residual - expected).max() > 1e-3  # the factor is visible

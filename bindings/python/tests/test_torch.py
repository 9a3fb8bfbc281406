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

"""lrp.from_torch: a PyTorch model explained by the library, through ONNX.

torch is optional and never imported unless this is called. The model is exported with
``torch.onnx.export``'s TorchScript exporter (opset 17, float64, eval mode: as
../shared/golden-onnx was made) and read by ``lrp.Network.read``, so what works is what
the library's ONNX reader takes:
Conv (padding, dilation, groups), Gemm/MatMul (Linear), Relu, MaxPool, AveragePool,
GlobalAveragePool, BatchNormalization, Add, Concat, Flatten. Inputs and relevance are then
in the model's own layout (N x C x H x W).
"""

import inspect
import os
import tempfile

__all__ = ["from_torch"]

#: The ONNX opset the export asks for.
OPSET = 17


def from_torch(model, example_input, opset=OPSET, path=None):
    """Exports `model` (a torch.nn.Module) for `example_input` (a tensor of the input's
    shape, batch first) to ONNX and returns it as an :class:`lrp.Network`. `path`: keep
    the .onnx file there (default: a temporary file, removed)."""
    try:
        import torch
    except ImportError as e:  # optional dependency
        raise ImportError("lrp.from_torch needs PyTorch (pip install torch)") from e
    import copy

    from .network import Network

    # A float64 copy in eval mode: the caller's model keeps its dtype and mode.
    model = copy.deepcopy(model).eval().double()
    example = torch.as_tensor(example_input).double()
    tmp = path is None
    if tmp:
        fd, path = tempfile.mkstemp(suffix=".onnx")
        os.close(fd)
    try:
        # The TorchScript exporter, as ../shared/golden-onnx was made: since PyTorch 2.9
        # the default is the torch.export one (dynamo=True), which needs the onnxscript
        # package and writes other op patterns; older versions have no such argument.
        legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
        with torch.no_grad():
            torch.onnx.export(model, (example,), path, opset_version=opset,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                              **legacy)
        return Network.read(path)
    finally:
        if tmp and os.path.exists(path):
            os.remove(path)

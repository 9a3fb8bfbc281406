"""lrp.from_torch: a PyTorch model explained by the library, through ONNX.

torch is optional and never imported unless this is called. The model is exported with
``torch.onnx.export`` (opset 17, float64, eval mode: the opset of ../shared/golden-onnx)
and read by ``lrp.Network.read``, so what works is what the library's ONNX reader takes:
Conv (padding, dilation, groups), Gemm/MatMul (Linear), Relu, MaxPool, AveragePool,
GlobalAveragePool, BatchNormalization, Add, Concat, Flatten. Inputs and relevance are then
in the model's own layout (N x C x H x W).
"""

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
        with torch.no_grad():
            torch.onnx.export(model, (example,), path, opset_version=opset,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        return Network.read(path)
    finally:
        if tmp and os.path.exists(path):
            os.remove(path)

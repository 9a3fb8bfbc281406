"""lrp.from_torch: a PyTorch model explained by the library, through ONNX.

torch is optional and never imported unless this is called. The model is exported with
``torch.onnx.export``'s TorchScript exporter (opset 17, float64, eval mode: as
../shared/golden-onnx was made) and read by ``lrp.Network.read``, so what works is what
the library's ONNX reader takes:
Conv (padding, dilation, groups), Gemm/MatMul (Linear), Relu, MaxPool, AveragePool,
GlobalAveragePool, BatchNormalization, Add, Concat, Flatten. Inputs and relevance are then
in the model's own layout (N x C x H x W).

BatchNorm: in eval mode the exporter folds each BatchNorm that follows a convolution into
it, the exact eval-mode function. zennit's MergeBatchNorm (its canonizers) merges the same
way but leaves the BatchNorm module behind as x / sqrt(1 + eps) (statistics and affine set
to identity, eps kept), so zennit's LRP runs on a network scaled by that factor at each
merged BatchNorm; on a folded export the maps differ from zennit's by it (ResNet-18 at 224
x 224: 1e-4 to 3e-3 of the map's largest value). ``keep_batchnorm=True`` exports the
BatchNormalization nodes (inference form) instead: with ``set_convention("zennit")``
before ``canonize`` the library's merge leaves the same residual and zennit's maps are
reproduced to rounding. ONNX stores a BatchNorm's epsilon as a float32 attribute
(PyTorch's 1e-5 becomes 9.99999975e-06), which alone moves a ResNet-18 map by up to 5e-10
of its largest value from zennit's in float64.
"""

import inspect
import os
import tempfile
import warnings

__all__ = ["from_torch"]

#: The ONNX opset the export asks for.
OPSET = 17


def from_torch(model, example_input, opset=OPSET, path=None, keep_batchnorm=False):
    """Exports `model` (a torch.nn.Module) for `example_input` (a tensor of the input's
    shape, batch first) to ONNX and returns it as an :class:`lrp.Network`. `path`: keep
    the .onnx file there (default: a temporary file, removed). `keep_batchnorm`: export
    BatchNorm layers as BatchNormalization nodes (running statistics) rather than folded
    into the convolution before them, for zennit's numbers: then
    ``net.set_convention("zennit")`` and ``net.canonize("resnet")`` (or
    ``"merge_batchnorm"``), in that order, compute what zennit's canonizers compute (see
    the module's documentation)."""
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
        # PRESERVE exports the model in its own mode (eval here) without the eval-mode
        # pass that folds BatchNorm into Conv; the nodes keep their running statistics.
        mode = torch.onnx.TrainingMode.PRESERVE if keep_batchnorm else torch.onnx.TrainingMode.EVAL
        with torch.no_grad(), warnings.catch_warnings():
            # Its advice to turn constant folding off concerns a model in training mode,
            # whose parameters folding would change; this one is in eval mode.
            warnings.filterwarnings("ignore", message="It is recommended that constant folding be turned off")
            torch.onnx.export(model, (example,), path, opset_version=opset, training=mode,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                              **legacy)
        return Network.read(path)
    finally:
        if tmp and os.path.exists(path):
            os.remove(path)

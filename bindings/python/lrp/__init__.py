"""lrp: Layer-wise Relevance Propagation (the LRP Toolbox) from Python, over liblrp.

    import lrp
    net = lrp.Network.read("lenet5.txt")      # the toolbox's text format (or ONNX)
    r = net.explain(x, rule="epsilon", param=0.01)
    rgb = lrp.render.heatmap(r[0], x[0])

The numpy toolbox's own API (modules, model_io, data_io, render) is in the directory
``lrp.TOOLBOX_PATH``: put it on sys.path and the toolbox's scripts run unchanged.
"""

import os as _os

from . import _capi
from . import errors
from .errors import *  # noqa: F401,F403  (LrpError and one class per LRP_ERR_* status)
from .errors import LrpError
from .network import Network, Layer
from . import render
from .data import read_npy, write_npy, read_txt, write_txt
from .torch_export import from_torch

#: The library's version (Cargo.toml's), which is the package's.
__version__ = _capi.version()

#: The directory holding the numpy toolbox's modules (modules, model_io, data_io, render):
#: add it to sys.path or PYTHONPATH to run the toolbox's scripts.
TOOLBOX_PATH = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "toolbox")

__all__ = [
    "Network", "Layer", "LrpError", "errors", "render", "read_npy", "write_npy",
    "read_txt", "write_txt", "from_torch", "TOOLBOX_PATH", "__version__",
] + [n for n in errors.__all__ if n.endswith("Error")]

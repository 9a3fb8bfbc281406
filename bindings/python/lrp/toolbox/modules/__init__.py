"""The numpy LRP Toolbox's ``modules`` package, computed by liblrp.

Same class names, constructor signatures, attributes (W, B, m, n, fh, fw, fd, stride,
pool, lrp_var, lrp_param) and methods (forward, backward, update, clean, lrp,
set_lrp_parameters; Sequential also train and drop_softmax_output_layer). The module
paths are the toolbox's too (modules.linear.Linear, ...), so pickles travel both ways.
"""

from .module import Module
from .linear import Linear
from .tanh import Tanh
from .rect import Rect
from .softmax import SoftMax
from .maxpool import MaxPool
from .sumpool import SumPool
from .flatten import Flatten
from .convolution import Convolution
from .sequential import Sequential

__all__ = ["Module", "Linear", "Tanh", "Rect", "SoftMax", "MaxPool", "SumPool", "Flatten",
           "Convolution", "Sequential"]

"""The numpy toolbox's model_io: read and write networks as plain text or pickles.

Plain text (``.txt``, the format shared with the MATLAB toolbox) is parsed and written by
the library. Pickles (``.nn``, ``.pickle``, ``.pickled`` or no extension) are the toolbox's
own: its ``.nn`` files hold objects of its classes (modules.linear.Linear, ...), which are
mapped to this package's classes of the same names while unpickling.
"""

import os
import pickle

import lrp
from modules.module import Module
from modules import Sequential, Linear, Tanh, Rect, SoftMax, Convolution, Flatten, SumPool, MaxPool

_CLASSES = {c.__name__: c for c in (Sequential, Linear, Tanh, Rect, SoftMax, Convolution, Flatten,
                                    SumPool, MaxPool)}
_PICKLED = ("pickled", "pickle", "nn", "")


def _fmt(path, fmt):
    return os.path.splitext(path)[1].replace(".", "").lower() if fmt is None else fmt


def read(path, fmt=None):
    """The network in `path` as a modules.Sequential; fmt 'txt' or 'nn'/'pickle'/'pickled'
    ('' too), else taken from the file name."""
    if not os.path.exists(path):
        raise IOError("model_io.read : No such file or directory: {0}".format(path))
    fmt = _fmt(path, fmt)
    if fmt == "txt":
        return _from_network(lrp.Network.read(path))
    if fmt in _PICKLED:
        with open(path, "rb") as f:
            return _ToolboxUnpickler(f, encoding="latin1").load()
    raise ValueError("model_io.read : unknown model format '{0}' (txt, nn, pickle, pickled)".format(fmt))


def write(model, path, fmt=None):
    """Writes `model` (cleaned first) as plain text ('txt') or a pickle ('nn', ...)."""
    model.clean()
    fmt = _fmt(path, fmt)
    if fmt == "txt":
        if not isinstance(model, Sequential):
            raise TypeError('Argument "model" must be an instance of modules.Sequential, but is {0}'.format(type(model)))
        from modules.module import build_network

        build_network(model.modules).write(path)
    elif fmt in _PICKLED:
        with open(path, "wb") as f:
            pickle.dump(model, f, pickle.HIGHEST_PROTOCOL)
    else:
        raise ValueError("model_io.write : unknown model format '{0}' (txt, nn, pickle, pickled)".format(fmt))


class _ToolboxUnpickler(pickle.Unpickler):
    """Maps the toolbox's classes (modules.<file>.<Class>, or modules.<Class> of its older
    single-file modules.py) to this package's."""

    def find_class(self, module, name):
        if (module == "modules" or module.startswith("modules.")) and name in _CLASSES:
            return _CLASSES[name]
        return super().find_class(module, name)


def _from_network(net):
    """A Sequential of layer objects with the parameters of the library network `net`."""
    layers = []
    for i, info in enumerate(net.layers):
        s = info.sizes
        if info.kind == "Linear":
            # Not Linear(m, n): its random initial weights would be replaced at once.
            layer = Linear.__new__(Linear)
            Module.__init__(layer)
            layer.m, layer.n = s
        elif info.kind == "Convolution":
            layer = Convolution.__new__(Convolution)
            Module.__init__(layer)
            layer.fh, layer.fw, layer.fd, layer.n = s[:4]
            layer.stride = (s[4], s[5])
        elif info.kind in ("MaxPool", "SumPool"):
            layer = _CLASSES[info.kind](pool=(s[0], s[1]), stride=(s[2], s[3]))
        else:
            layer = _CLASSES[info.kind]()
        if info.weight_shape is not None:
            layer.W = net.get_param(i, "W")
            layer.B = net.get_param(i, "B")
        layers.append(layer)
    return Sequential(layers)

"""modules.Linear: a fully connected layer, Y = X W + B."""

import numpy as np

from .module import Module


class Linear(Module):
    """Linear(m, n): m inputs, n outputs; W (m x n) ~ Normal(0, m^-1/2), B = 0."""

    def __init__(self, m, n):
        Module.__init__(self)
        self.m = m
        self.n = n
        self.B = np.zeros([self.n])
        self.W = np.random.normal(0, 1.0 * m ** (-0.5), [self.m, self.n])

    def _append(self, net):
        net.add_linear(self.m, self.n, self.W, self.B)

    def _pull(self, net, index):
        _assign(self, "W", net.get_param(index, "W"))
        _assign(self, "B", net.get_param(index, "B"))


def _assign(layer, name, value):
    """Updates the layer's array in place where it can (as the toolbox's -= does)."""
    old = getattr(layer, name, None)
    if isinstance(old, np.ndarray) and old.shape == value.shape and old.dtype == value.dtype \
            and old.flags.writeable:
        old[...] = value
    else:
        setattr(layer, name, value)

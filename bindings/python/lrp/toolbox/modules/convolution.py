"""modules.Convolution: filters of fh x fw x fd, n of them, with a stride."""

import numpy as np

from .module import Module
from .linear import _assign


class Convolution(Module):
    """Convolution(filtersize=(fh, fw, fd, n), stride=(sh, sw)) on N x H x W x D inputs
    (no padding); W ~ Normal(0, (fh fw fd)^-1/2), B = 0."""

    def __init__(self, filtersize=(5, 5, 3, 32), stride=(2, 2)):
        Module.__init__(self)
        self.fh, self.fw, self.fd, self.n = filtersize
        self.stride = stride
        self.W = np.random.normal(0, 1.0 / (self.fh * self.fw * self.fd) ** 0.5, filtersize)
        self.B = np.zeros([self.n])

    def _append(self, net):
        net.add_convolution((self.fh, self.fw, self.fd, self.n), tuple(self.stride), self.W, self.B)

    def _pull(self, net, index):
        _assign(self, "W", net.get_param(index, "W"))
        _assign(self, "B", net.get_param(index, "B"))

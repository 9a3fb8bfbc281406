"""modules.Flatten: N x H x W x D to N x (H W D), C order."""

from .module import Module


class Flatten(Module):
    """Flatten(): N x H x W x D to N x (H W D), C order."""

    def __init__(self):
        Module.__init__(self)

    def _append(self, net):
        net.add_flatten()

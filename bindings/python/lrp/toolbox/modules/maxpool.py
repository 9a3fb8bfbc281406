"""modules.MaxPool."""

from .module import Module


class MaxPool(Module):
    """MaxPool(pool=(ph, pw), stride=(sh, sw)): window maxima."""

    def __init__(self, pool=(2, 2), stride=(2, 2)):
        Module.__init__(self)
        self.pool = pool
        self.stride = stride

    def _append(self, net):
        net.add_maxpool(tuple(self.pool), tuple(self.stride))

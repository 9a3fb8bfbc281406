"""modules.SumPool."""

from .module import Module


class SumPool(Module):
    """SumPool(pool=(ph, pw), stride=(sh, sw)): window sums times 1/sqrt(ph pw)."""

    def __init__(self, pool=(2, 2), stride=(2, 2)):
        Module.__init__(self)
        self.pool = pool
        self.stride = stride

    def _append(self, net):
        net.add_sumpool(tuple(self.pool), tuple(self.stride))

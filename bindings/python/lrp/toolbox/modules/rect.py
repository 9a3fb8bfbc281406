"""modules.Rect: ReLU."""

from .module import Module


class Rect(Module):
    """Rect(): ReLU."""

    def __init__(self):
        Module.__init__(self)

    def _append(self, net):
        net.add_rect()

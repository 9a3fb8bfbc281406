"""modules.Tanh: tanh."""

from .module import Module


class Tanh(Module):
    """Tanh(): tanh."""

    def __init__(self):
        Module.__init__(self)

    def _append(self, net):
        net.add_tanh()

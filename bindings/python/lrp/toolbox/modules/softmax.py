"""modules.SoftMax: softmax over the features; LRP passes relevance through."""

from .module import Module


class SoftMax(Module):
    """SoftMax(): softmax over the features; LRP passes relevance through."""

    def __init__(self):
        Module.__init__(self)

    def _append(self, net):
        net.add_softmax()

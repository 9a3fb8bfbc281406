"""The toolbox's Module base class, over liblrp.

A layer object holds what the numpy toolbox's holds (W, B and the sizes under the
toolbox's attribute names, lrp_var and lrp_param), so that user code reading or changing
``layer.W`` and the toolbox's pickled ``.nn`` files keep working. The arithmetic is the
library's: a layer used on its own runs in a one-layer network of the library, and
``modules.Sequential`` runs all its layers in one.
"""

import lrp

# The toolbox's explicit ("slow") variants give the same numbers as the fast ones.
_SLOW_ALIASES = {
    "slow": "simple",
    "simple_slow": "simple",
    "epsilon_slow": "epsilon",
    "alphabeta_slow": "alphabeta",
    "alpha_slow": "alphabeta",
}


def rule_name(lrp_var):
    """The library's name for a toolbox lrp_var (None: simple)."""
    if lrp_var is None:
        return "simple"
    return _SLOW_ALIASES.get(str(lrp_var).lower(), str(lrp_var))


def rule_args(lrp_var, param):
    """(rule, param) for a call of lrp(R, lrp_var, param): (None, None) means the presets."""
    if lrp_var is None and param is None:
        return None, None
    return rule_name(lrp_var), param


def build_network(layers):
    """A library network with the layers' parameters and presets."""
    net = lrp.Network()
    for i, layer in enumerate(layers):
        layer._append(net)
        layer._push_preset(net, i)
    return net


class Module:
    """Superclass of the layers (the toolbox's modules.Module)."""

    # Defaults for objects unpickled from toolbox versions without these attributes.
    lrp_var = None
    lrp_param = 1.0

    def __init__(self):
        self.lrp_var = None
        self.lrp_param = 1.0

    # ---- what the subclasses define ------------------------------------------------

    def _append(self, net):
        """Appends this layer to the library network `net`."""
        raise NotImplementedError

    def _pull(self, net, index):
        """Takes the parameters back from layer `index` of `net` (after training)."""

    # ---- the toolbox's interface ---------------------------------------------------

    def _push_preset(self, net, index):
        net.set_rule(rule_name(self.lrp_var), None if self.lrp_var is None else self.lrp_param,
                     layer=index)

    def _solo_net(self):
        net = getattr(self, "_solo", None)
        if net is None:
            raise lrp.errors.error_for(
                lrp._capi.CONSTANTS["LRP_ERR_OUT_OF_ORDER"], "LRP_ERR_OUT_OF_ORDER",
                f"{type(self).__name__}: forward first",
            )
        return net

    def forward(self, X, lrp_aware=False):
        """The layer's output for the batch X (N x ... , batch first)."""
        self._solo = build_network([self])
        return self._solo.forward(X, lrp_aware)

    def backward(self, DY):
        """The input gradient for DY after forward."""
        return self._solo_net().backward(DY)

    def update(self, lrate):
        """SGD step with the gradients of the last backward."""
        net = self._solo_net()
        net.update(lrate)
        self._pull(net, 0)

    def clean(self):
        """Removes the temporary state (the cached forward pass)."""
        self._solo = None

    def train(self, X, Y, *args, **kwargs):
        """Training is modules.Sequential's."""

    def set_lrp_parameters(self, lrp_var=None, param=None):
        """Presets the LRP rule of this layer (see lrp)."""
        self.lrp_var = lrp_var
        self.lrp_param = param

    def lrp(self, R, lrp_var=None, param=None):
        """Relevance of the last forward pass's input for the output relevance R: with
        the preset rule, or lrp_var ('simple'/'none', 'epsilon', 'alphabeta'/'alpha',
        'flat', 'ww'/'w^2', and the '_slow' variants) and param for this call."""
        net = self._solo_net()
        rule, p = rule_args(lrp_var, param)
        if rule is None:
            self._push_preset(net, 0)
        return net.lrp(R, rule, p)

    # ---- pickling --------------------------------------------------------------------

    def __getstate__(self):
        # Without the library handles (leading underscore): what the toolbox pickles.
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def to_numpy(self):
        """The toolbox's backend switch: numpy is the only backend here."""

    def to_cupy(self):
        raise NotImplementedError("cupy is not supported: the library computes on the CPU")

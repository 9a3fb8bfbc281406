"""modules.Sequential: the network, run by liblrp in one call per pass."""

import numpy as np

import lrp
from .module import Module, build_network, rule_args


class Sequential(Module):
    """Sequential(modules): the layers in order.

    forward, backward, update and lrp are one library call each for the whole network.
    The layers' parameters (``nn.modules[i].W``, ``.B``) and presets are read by every
    forward pass (and the presets by lrp), so changing them between calls works as in the
    toolbox; update and train write the new parameters back into the layers' arrays.
    """

    def __init__(self, modules):
        Module.__init__(self)
        self.modules = modules

    # ---- passes ------------------------------------------------------------------------

    def _net_after_forward(self, what):
        net = getattr(self, "_net", None)
        if net is None:
            raise lrp.errors.error_for(
                lrp._capi.CONSTANTS["LRP_ERR_OUT_OF_ORDER"], "LRP_ERR_OUT_OF_ORDER",
                f"Sequential.{what}: forward first",
            )
        return net

    def forward(self, X, lrp_aware=False):
        """The network's output for the batch X (N x D, or N x H x W x D)."""
        self._net = build_network(self.modules)
        return self._net.forward(X, lrp_aware)

    def backward(self, DY):
        """The input gradient for the output gradient DY, after forward."""
        return self._net_after_forward("backward").backward(DY)

    def update(self, lrate):
        """SGD step with the gradients of the last backward; the layers' W and B change."""
        net = self._net_after_forward("update")
        net.update(lrate)
        self._pull_all(net)

    def clean(self):
        """Removes the temporary state of the network and its layers."""
        self._net = None
        for m in self.modules:
            m.clean()

    def _pull_all(self, net):
        for i, m in enumerate(self.modules):
            m._pull(net, i)

    def drop_softmax_output_layer(self):
        """Removes the SoftMax output layer, if there is one (for LRP on the scores)."""
        from .softmax import SoftMax

        if self.modules and isinstance(self.modules[-1], SoftMax):
            print("removing softmax output mapping")
            del self.modules[-1]
            self._net = None
        else:
            print("output layer is not softmax. nothing to do")

    # ---- LRP ---------------------------------------------------------------------------

    def set_lrp_parameters(self, lrp_var=None, param=None):
        """The same preset for every layer."""
        for m in self.modules:
            m.set_lrp_parameters(lrp_var=lrp_var, param=param)

    def lrp(self, R, lrp_var=None, param=None):
        """Relevance of the last forward pass's input for the output relevance R (usually
        the prediction masked to the class to explain): with every layer's preset, or
        with lrp_var/param for all layers in this call. One library call."""
        net = self._net_after_forward("lrp")
        rule, p = rule_args(lrp_var, param)
        if rule is None:
            for i, m in enumerate(self.modules):
                m._push_preset(net, i)
        return net.lrp(R, rule, p)

    # ---- training ----------------------------------------------------------------------

    def train(self, X, Y, Xval=[], Yval=[], batchsize=25, iters=10000, lrate=0.005,
              lrate_decay=None, lfactor_initial=1.0, status=250, convergence=-1,
              transform=None, silent=False):
        """The toolbox's training: minibatches of `batchsize` distinct samples, SGD on
        Ypred - Y, accuracy and l1-loss every `status` iterations (on Xval/Yval when
        given), lrate_decay None/'none', 'sublinear' or 'linear', stop after `convergence`
        evaluations without improvement (<= 0: never), the best parameters kept. The random
        draw follows numpy's global generator (numpy.random.seed). Without `transform` the
        whole training is one library call."""
        net = build_network(self.modules)
        seed = int(np.random.randint(0, 2**31 - 1))
        decay = "none" if lrate_decay is None else lrate_decay
        if transform is None:
            net.train(X, Y, Xval if len(Xval) else None, Yval if len(Yval) else None,
                      batchsize=batchsize, iters=iters, lrate=lrate, lrate_decay=decay,
                      lfactor_initial=lfactor_initial, status=status, convergence=convergence,
                      seed=seed, verbose=not silent)
        else:
            _train_with_transform(net, np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64),
                                  Xval, Yval, batchsize, iters, lrate, decay, lfactor_initial,
                                  status, convergence, transform, silent)
        self._pull_all(net)
        self._net = None


def _train_with_transform(net, X, Y, Xval, Yval, batchsize, iters, lrate, decay, lfactor,
                          status, convergence, transform, silent):
    """The training loop when a Python `transform` changes each batch (the library cannot
    call it): forward, backward and update are library calls; the bookkeeping of the
    toolbox's loop (evaluation, best state, decay, convergence) is here."""
    if decay not in ("none", "sublinear", "linear"):
        raise ValueError(f"lrate_decay must be None, 'none', 'sublinear' or 'linear', given {decay!r}")
    Xe, Ye = (Xval, Yval) if len(Xval) and len(Yval) else (X, Y)
    best, best_loss, until = net.clone(), np.inf, convergence
    n = X.shape[0]
    for d in range(iters):
        samples = np.sort(np.random.choice(n, batchsize, replace=False))
        batch = transform(X[samples])
        ypred = net.forward(batch)
        net.backward(ypred - Y[samples])
        net.update(lrate * lfactor)
        if (d + 1) % status == 0:
            ypred = net.forward(Xe)
            acc = np.mean(np.argmax(ypred, axis=1) == np.argmax(Ye, axis=1))
            loss = np.abs(ypred - Ye).sum() / Ye.shape[0]
            if not silent:
                print(f"Accuracy after {d + 1} iterations: {acc * 100}% (l1-loss: {loss:.4})")
            if loss <= best_loss:
                best, best_loss, until = net.clone(), loss, convergence
                if decay == "sublinear":
                    lfactor = 1.0 - acc * acc
                elif decay == "linear":
                    lfactor = 1.0 - acc
            else:
                until -= 1
                if until == 0 and convergence > 0:
                    break
    for i, layer in enumerate(best.layers):
        if layer.weight_shape is not None:
            net.set_param(i, "W", best.get_param(i, "W"))
            net.set_param(i, "B", best.get_param(i, "B"))

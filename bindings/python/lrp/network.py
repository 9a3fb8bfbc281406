"""lrp.Network: a network of the library, explained from numpy arrays.

Arrays are batch first (N x M for dense inputs, N x H x W x D for images), float64 in and
out; C- or Fortran-contiguous float64 inputs are passed without a copy, other dtypes and
strides converted once. Failures raise :class:`lrp.LrpError` subclasses.

Thread-safety: :meth:`Network.explain`, :meth:`explain_classes`,
:meth:`explain_class_set` and :meth:`attribute` leave the network unchanged and release
the GIL, so threads may explain with one shared network at once. Calls that change it
(forward with its cache, backward, update, train, the rule setters) are serialised by the
library.
"""

import numpy as np

from . import _capi
from ._progress import progress_bar, progress_counter

__all__ = ["Network", "Layer"]


class Layer:
    """What one layer of a :class:`Network` is: ``kind`` (the toolbox's class name) and
    ``sizes`` (Linear: m, n; Convolution: hf, wf, df, nf, sh, sw; pools: ph, pw, sh, sw)."""

    __slots__ = ("kind", "sizes")

    def __init__(self, kind, sizes):
        self.kind = kind
        self.sizes = sizes

    def __repr__(self):
        return f"Layer({self.kind}{', ' if self.sizes else ''}{', '.join(map(str, self.sizes))})"

    @property
    def weight_shape(self):
        """The shape of W (None for a layer without parameters)."""
        if self.kind == "Linear":
            return self.sizes[:2]
        if self.kind == "Convolution":
            return self.sizes[:4]
        return None

    @property
    def bias_shape(self):
        shape = self.weight_shape
        return None if shape is None else (shape[-1],)


class Network:
    """A network of the library (the toolbox's text format, built layer by layer, or ONNX
    where the library reads it).

    >>> net = lrp.Network.read("../shared/golden/lenet5.txt")
    >>> r = net.explain(x, rule="epsilon", param=0.01)   # top class of each sample
    """

    def __init__(self, _handle=None):
        self._h = _capi.network_new() if _handle is None else _handle
        self._in_shape = None

    # ---- construction -----------------------------------------------------------------

    @classmethod
    def read(cls, path):
        """Reads a model file: the toolbox's plain-text format (``.txt``), or ONNX
        (``.onnx``) once the library reads it; the library decides by the file."""
        return cls(_capi.network_read(path))

    def write(self, path):
        """Writes the network in the toolbox's plain-text format."""
        _capi.network_write(self._h, path)

    def clone(self):
        """A copy with its own parameters and presets (not the cached forward pass)."""
        return Network(_capi.network_clone(self._h))

    def __reduce__(self):
        # Pickled as its text form: the handle itself cannot cross processes.
        import os
        import tempfile

        fd, path = tempfile.mkstemp(suffix=".txt")
        os.close(fd)
        try:
            self.write(path)
            with open(path, encoding="utf-8") as f:
                text = f.read()
        finally:
            os.remove(path)
        return (_from_text, (text,))

    def add_linear(self, m, n, W=None, B=None, seed=0):
        """Appends Linear(m, n); W (m x n) and B (n) copied, or drawn from `seed`."""
        _capi.add_linear(self._h, m, n, W, B, seed)
        return self

    def add_convolution(self, filtersize, stride=(1, 1), W=None, B=None, seed=0):
        """Appends Convolution(filtersize=(hf, wf, df, nf), stride=(sh, sw))."""
        hf, wf, df, nf = filtersize
        _capi.add_convolution(self._h, hf, wf, df, nf, stride[0], stride[1], W, B, seed)
        return self

    def add_maxpool(self, pool=(2, 2), stride=(2, 2)):
        _capi.add_pool(self._h, "maxpool", pool[0], pool[1], stride[0], stride[1])
        return self

    def add_sumpool(self, pool=(2, 2), stride=(2, 2)):
        _capi.add_pool(self._h, "sumpool", pool[0], pool[1], stride[0], stride[1])
        return self

    def add_flatten(self):
        _capi.add_plain(self._h, "flatten")
        return self

    def add_rect(self):
        _capi.add_plain(self._h, "rect")
        return self

    def add_tanh(self):
        _capi.add_plain(self._h, "tanh")
        return self

    def add_softmax(self):
        _capi.add_plain(self._h, "softmax")
        return self

    def pop_layer(self):
        """Removes the last layer."""
        _capi.pop_layer(self._h)

    def drop_softmax_output_layer(self):
        """Removes a SoftMax output layer; True if there was one."""
        return _capi.drop_softmax_output_layer(self._h)

    # ---- inspection -------------------------------------------------------------------

    def __len__(self):
        return _capi.num_layers(self._h)

    @property
    def layers(self):
        """The layers, in order (kind and sizes)."""
        return [Layer(_capi.layer_kind(self._h, i), _capi.layer_sizes(self._h, i)) for i in range(len(self))]

    def __repr__(self):
        return f"Network({', '.join(map(repr, self.layers))})"

    def get_param(self, index, which="W"):
        """A copy of W or B of layer `index` (0-based)."""
        layer = Layer(_capi.layer_kind(self._h, index), _capi.layer_sizes(self._h, index))
        shape = layer.weight_shape if which == "W" else layer.bias_shape
        if shape is None:
            raise _capi.errors.error_for(
                _capi.CONSTANTS["LRP_ERR_INVALID_ARGUMENT"],
                "LRP_ERR_INVALID_ARGUMENT",
                f"layer {index} ({layer.kind}) has no parameters",
            )
        return _capi.get_param(self._h, index, which, shape)

    def set_param(self, index, which, values):
        """Replaces W or B of layer `index` (same shape)."""
        _capi.set_param(self._h, index, which, values)

    def output_shape(self, input_shape):
        """The output shape for an input of `input_shape` (batch first)."""
        return _capi.output_shape(self._h, tuple(input_shape))

    # ---- rules ------------------------------------------------------------------------

    def set_rule(self, rule, param=None, layer=None):
        """Presets `rule` (toolbox names and aliases: simple/none, epsilon, alphabeta/alpha,
        flat, ww/w^2; zplus, gamma, zbox) for every layer, or for layer `layer` only."""
        if layer is None:
            _capi.set_network_rule(self._h, rule, param)
        else:
            _capi.set_layer_rule(self._h, layer, rule, param)

    def rule(self, layer):
        """The preset of layer `layer`: (canonical name, parameter or None)."""
        return _capi.get_layer_rule(self._h, layer)

    def set_zbox(self, layer, low, high):
        """zbox with bounds per input channel (or scalars) for layer `layer`."""
        _capi.set_zbox(self._h, layer, low, high)

    def zbox(self, layer):
        """The zbox bounds of layer `layer`: (low, high) arrays."""
        return _capi.get_zbox(self._h, layer)

    def set_composite(self, name, epsilon=None, gamma=None, low=None, high=None):
        """Presets from a composite: epsilon_plus, epsilon_alpha2_beta1, epsilon_plus_flat,
        epsilon_gamma_box (which needs low and high, the input bounds)."""
        _capi.set_composite(self._h, name, epsilon, gamma, low, high)

    def canonize(self, names):
        """Applies canonizers in place: 'merge_batchnorm' (also 'vgg',
        'sequential_merge_batchnorm'), 'resnet' (merge and residual sums), 'resnet_sum',
        'auto' (what a zennit composite needs here) or 'none'. With the 'toolbox'
        convention the forward pass stays the same and merged BatchNorm layers are gone;
        with 'zennit' (set it before canonizing) each merged BatchNorm leaves x / sqrt(1 +
        epsilon) behind, as zennit's MergeBatchNorm does. Canonize before setting a
        composite."""
        _capi.canonize(self._h, names)

    def set_caffe_formula(self, formula, layer=0, epsilon=None, alpha=None):
        """Presets from the Caffe toolbox's formula type (0, 2, 54-60, 100-104)."""
        _capi.set_caffe_formula(self._h, formula, layer, epsilon, alpha)

    def set_convention(self, convention):
        """'toolbox' (default) or 'zennit' numerics where the two differ."""
        _capi.set_convention(self._h, convention)

    # ---- computation ------------------------------------------------------------------

    def forward(self, x, lrp_aware=False):
        """The output for the batch `x`; caches the pass for :meth:`lrp` and :meth:`backward`."""
        y = _capi.forward(self._h, x, lrp_aware)
        self._in_shape = np.shape(x)
        return y

    def _need_forward(self, what):
        if self._in_shape is None:
            raise _capi.errors.error_for(
                _capi.CONSTANTS["LRP_ERR_OUT_OF_ORDER"],
                "LRP_ERR_OUT_OF_ORDER",
                f"{what} needs forward first",
            )
        return self._in_shape

    def backward(self, dy):
        """The input gradient for the output gradient `dy`, after :meth:`forward`."""
        return _capi.backward(self._h, dy, self._need_forward("backward"))

    def update(self, lrate):
        """SGD step with the gradients of the last :meth:`backward`."""
        _capi.update(self._h, lrate)

    def clean(self):
        """Drops the cached forward pass and gradients."""
        _capi.clean(self._h)
        self._in_shape = None

    def lrp(self, r, rule=None, param=None):
        """Sends the output relevance `r` back to the input of the last :meth:`forward`
        (rule None: the layers' presets)."""
        return _capi.lrp(self._h, r, self._need_forward("lrp"), rule, param)

    def top_classes(self, x):
        """The index of the largest output of each sample."""
        return np.argmax(self.predict(x), axis=1).astype(np.int32)

    @staticmethod
    def _steps(n, batch_size, progress):
        """Sample ranges [a, b) of at most batch_size (with a progress bar: 20 steps by
        default, so that it moves)."""
        if batch_size is None:
            batch_size = max(1, -(-n // 20)) if progress else max(n, 1)
        return [(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]

    def set_precision(self, precision):
        """What :meth:`explain`, :meth:`predict`, :meth:`explain_classes` and
        :meth:`explain_class_set` compute in: "f64" (the default, the toolbox-exact path)
        or "f32" (about twice as fast on large batches; maps agree with f64 to 1e-4
        normwise). forward/lrp/backward, training and the gradient methods stay f64."""
        _capi.set_precision(self._h, precision)
        return self

    @property
    def precision(self):
        """"f64" or "f32" (see :meth:`set_precision`)."""
        return _capi.precision(self._h)

    def predict(self, x):
        """The network's output for the batch `x` without caching anything (thread-safe),
        in the network's precision; float32 input gives float32 output."""
        if _capi.is_f32(x):
            return _capi.predict_f32(self._h, x)
        return _capi.predict(self._h, x)

    def explain(self, x, classes=None, rule=None, param=None, composite=None,
                canonizers=None, batch_size=None, progress=False, **composite_params):
        """Relevance maps of the batch `x` (shaped like `x`) for one class per sample.

        classes: None (each sample's top class), one int for all, or one per sample.
        rule/param: one rule for every layer (None: the presets); composite (with epsilon,
        gamma, low, high): sets the presets from a composite first (a lasting change of the
        network); canonizers: applied before, as by `canonize` (also lasting). batch_size: explain that many samples per library call; progress: True
        for a progress bar (tqdm when installed, silent otherwise). Results do not depend
        on batch_size."""
        if canonizers is not None:
            self.canonize(canonizers)
        if composite is not None:
            self.set_composite(composite, **composite_params)
        elif composite_params:
            raise TypeError(f"explain: {sorted(composite_params)} are composite parameters")
        x = np.asarray(x)
        if classes is None:
            classes = self.top_classes(x)
        classes = _per_sample(classes, x.shape[0])
        # float32 data goes through the float door: float32 maps, no conversion pass
        # under the f32 precision.
        call = _capi.explain_f32 if _capi.is_f32(x) else _capi.explain
        steps = self._steps(x.shape[0], batch_size, progress)
        if len(steps) <= 1 and not progress:
            return call(self._h, x, classes, rule, param)
        out = np.empty(x.shape, dtype=np.float32 if _capi.is_f32(x) else np.float64)
        for a, b in progress_bar(steps, progress, x.shape[0], "explain", lambda s: s[1] - s[0]):
            out[a:b] = call(self._h, x[a:b], classes[a:b], rule, param)
        return out

    def explain_classes(self, x, classes, rule=None, param=None):
        """K relevance maps from one forward pass: K x (shape of x), map k for class
        ``classes[k]`` in every sample."""
        return _capi.explain_classes(self._h, x, classes, rule, param)

    def explain_class_set(self, x, classes, rule=None, param=None):
        """The Caffe toolbox's map of a set of classes (the sum of their single maps)."""
        return _capi.explain_class_set(self._h, x, classes, rule, param)

    def attribute(self, x, method="gradient", classes=None, dy=None, count=None,
                  sigma=None, seed=None, baseline=None):
        """A gradient method: gradient, input_x_gradient, sensitivity, guided_backprop,
        deconvnet, smoothgrad (count, sigma, seed), integrated_gradients (count,
        baseline). The output gradient is `dy`, or the one-hot of `classes` (None: each
        sample's top class)."""
        x = np.asarray(x)
        if dy is None:
            if classes is None:
                classes = self.top_classes(x)
            classes = _per_sample(classes, x.shape[0])
            dy = np.zeros(self.output_shape(x.shape))
            if classes.shape != (x.shape[0],):
                raise _capi.errors.error_for(
                    _capi.CONSTANTS["LRP_ERR_SHAPE_MISMATCH"], "LRP_ERR_SHAPE_MISMATCH",
                    f"classes: expected {x.shape[0]} (one per sample), given {classes.size}",
                )
            dy[np.arange(x.shape[0]), classes] = 1.0
        return _capi.attribute(self._h, x, dy, method, count, sigma, seed, baseline)

    def train(self, x, y, xval=None, yval=None, batchsize=25, iters=10000, lrate=0.005,
              lrate_decay=None, lfactor_initial=1.0, status=250, convergence=-1, seed=0,
              verbose=False, progress=False):
        """The toolbox's training (minibatch SGD on prediction - y, accuracy every `status`
        iterations on xval/yval or the training data, lrate_decay None/'none',
        'sublinear' or 'linear', early stop after `convergence` evaluations without
        improvement, the best parameters kept), in one library call. progress=True shows
        a bar of the iterations done (tqdm when installed; it moves at each evaluation);
        the result is the same with or without. Returns the training log."""
        options = dict(batchsize=batchsize, iters=iters, lrate=lrate,
                       lfactor_initial=lfactor_initial, status=status, convergence=convergence,
                       seed=seed, verbose=int(bool(verbose)))
        bar = progress_counter(progress, iters, "train")
        if bar is None:
            return _capi.train(self._h, x, y, xval, yval, options, lrate_decay)
        with bar:
            return _capi.train(self._h, x, y, xval, yval, options, lrate_decay,
                               on_progress=lambda done: bar.update(done - bar.n))


def _per_sample(classes, n):
    """One class per sample from an int (the same for all) or a sequence (checked by the
    library: one per sample)."""
    c = np.asarray(classes)
    if c.ndim == 0:
        return np.full(n, int(c), dtype=np.int32)
    return c.astype(np.int32, copy=False).ravel()


def _from_text(text):
    import os
    import tempfile

    fd, path = tempfile.mkstemp(suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return Network.read(path)
    finally:
        os.remove(path)

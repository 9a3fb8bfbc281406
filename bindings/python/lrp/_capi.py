"""The one module that calls liblrp.

Every C call of the package is made here and nowhere else, so that a change of the C ABI
(a second edition with any-rank arrays and an options handle is planned) stays local to
this file: the rest of the package calls the Python functions below, which take and return
numpy arrays and raise :class:`lrp.errors.LrpError` subclasses.

The declarations are not copied by hand: cffi (ABI mode, no compiled extension) reads them
from the library's own header ``lrp.h``, shipped inside the package next to the library,
including the ``LRP_*`` constants (the error classes are generated from the ``LRP_ERR_*``
ones). cffi releases the GIL for the duration of every call, so threads run library calls in
parallel (the network calls documented as thread-safe may share one handle).

Arrays: float64 arrays that are C- or Fortran-contiguous are passed without a copy (the
library takes a layout flag: row-major or column-major, shapes batch first in both);
anything else is converted once to C order. Results are allocated in the layout of the
input, so a Fortran-ordered input gives a Fortran-ordered result, again without a copy.
"""

import os
import re
import glob
import math

import numpy as np
from cffi import FFI

_HERE = os.path.dirname(os.path.abspath(__file__))
# bindings/python/lrp -> the repository root (for a checkout that has not been installed).
_REPO = os.path.abspath(os.path.join(_HERE, "..", "..", ".."))


def _find(env, names, what):
    """The first existing path: $env, then each candidate of `names` (glob patterns)."""
    path = os.environ.get(env)
    if path:
        if not os.path.exists(path):
            raise ImportError(f"lrp: {env}={path} does not exist")
        return path
    for pattern in names:
        hits = sorted(glob.glob(pattern))
        if hits:
            return hits[0]
    raise ImportError(
        f"lrp: cannot find {what} (looked in {', '.join(names)}; set {env} to its path). "
        "Install the package with `pip install ./bindings/python`."
    )


LIBRARY_PATH = _find(
    "LRP_LIBRARY",
    [
        os.path.join(_HERE, "_liblrp*.so"),
        os.path.join(_HERE, "_liblrp*.dylib"),
        os.path.join(_HERE, "_liblrp*.pyd"),
        os.path.join(_REPO, "target", "release", "liblrp.so"),
    ],
    "the lrp library",
)
HEADER_PATH = _find(
    "LRP_HEADER",
    [os.path.join(_HERE, "lrp.h"), os.path.join(_REPO, "include", "lrp.h")],
    "the header lrp.h",
)


def _cdef_text(header):
    """The header reduced to what cffi's cdef parses: declarations and integer #defines."""
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    # The extern "C" { ... } lines sit inside #ifdef __cplusplus blocks: drop those blocks.
    text = re.sub(r"#ifdef __cplusplus.*?#endif", "", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            if re.match(r"#define\s+LRP_[A-Z0-9_]+\s+-?\d+\s*$", s):
                lines.append(s)
            continue
        lines.append(line)
    return "\n".join(lines)


with open(HEADER_PATH, encoding="utf-8") as _f:
    HEADER_TEXT = _f.read()

ffi = FFI()
ffi.cdef(_cdef_text(HEADER_TEXT))
lib = ffi.dlopen(LIBRARY_PATH)

#: Every integer constant of the header, by name (LRP_OK, LRP_ERR_*, LRP_LAYOUT_*, ...).
CONSTANTS = {
    m.group(1): int(m.group(2))
    for m in re.finditer(r"^#define\s+(LRP_[A-Z0-9_]+)\s+(-?\d+)\s*$", HEADER_TEXT, flags=re.M)
}
ROW = CONSTANTS["LRP_LAYOUT_ROW_MAJOR"]
COL = CONSTANTS["LRP_LAYOUT_COL_MAJOR"]
NAN = math.nan

# One exception class per LRP_ERR_* constant of the header.
from . import errors  # noqa: E402

errors._generate(CONSTANTS)


def _s(value):
    """A C string from a Python value (None stays NULL)."""
    if value is None:
        return ffi.NULL
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _str(cstr):
    return ffi.string(cstr).decode("utf-8", "replace")


def version():
    """The library's version string."""
    return _str(lib.lrp_version())


def live_networks():
    """Network handles created and not yet freed (leak checks)."""
    return int(lib.lrp_live_networks())


def status_name(status):
    """The constant name of a status code ("LRP_ERR_PARSE", ...)."""
    return _str(lib.lrp_status_name(status))


def _raise(status):
    raise errors.error_for(status, status_name(status), _str(lib.lrp_last_error()))


def _check(status):
    if status != 0:
        _raise(status)


def _check_handle(ptr):
    """Raises the calling thread's last error if a handle-returning call gave NULL."""
    if ptr == ffi.NULL:
        status = lib.lrp_last_status()
        _raise(status if status != 0 else CONSTANTS["LRP_ERR_PANIC"])
    return ptr


def _opt(value):
    """An optional double parameter: None means NaN, the library's 'default'."""
    return NAN if value is None else float(value)


# --------------------------------------------------------------------------------------
# Arrays
# --------------------------------------------------------------------------------------


def as_f64(a, what="array"):
    """`a` as a float64 array the library can read without a copy, and its layout flag.

    C-contiguous float64 arrays are passed as they are, Fortran-contiguous ones with the
    column-major flag; other dtypes and strides are converted once (to C order)."""
    a = np.asarray(a)
    if np.iscomplexobj(a):
        raise TypeError(f"lrp: {what} must be real, got dtype {a.dtype}")
    if a.dtype != np.float64:
        if a.dtype.kind not in "biuf":
            raise TypeError(f"lrp: {what} must be numeric, got dtype {a.dtype}")
        a = np.ascontiguousarray(a, dtype=np.float64)
    if a.flags.c_contiguous:
        return a, ROW
    if a.flags.f_contiguous:
        return a, COL
    return np.ascontiguousarray(a), ROW


def _same_layout(a, layout, what):
    """`a` as float64 in the given layout (the second array of a call shares the first's)."""
    a = np.asarray(a)
    if layout == COL and a.dtype == np.float64 and a.flags.f_contiguous:
        return a
    if layout == ROW and a.dtype == np.float64 and a.flags.c_contiguous:
        return a
    b, _ = as_f64(a, what)
    return np.asfortranarray(b) if layout == COL else np.ascontiguousarray(b)


def _ptr(a):
    return ffi.cast("double *", a.ctypes.data)


def as_f32(a, what="array"):
    """`a` as a float32 array the library's float doors read without a copy, and its
    layout flag (as :func:`as_f64`)."""
    a = np.asarray(a)
    if a.dtype != np.float32:
        a = np.ascontiguousarray(as_f64(a, what)[0], dtype=np.float32)
    if a.flags.c_contiguous:
        return a, ROW
    if a.flags.f_contiguous:
        return a, COL
    return np.ascontiguousarray(a), ROW


def is_f32(a):
    """Whether `a` is float32 data, which goes through the library's float doors."""
    return getattr(a, "dtype", None) == np.float32


def _ptr32(a):
    return ffi.cast("float *", a.ctypes.data)


def _empty(shape, layout):
    return np.empty(shape, dtype=np.float64, order="F" if layout == COL else "C")


def _dims4(shape, what):
    if not 1 <= len(shape) <= 4:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
            "LRP_ERR_SHAPE_MISMATCH",
            f"{what} must have 1 to 4 dimensions (batch first), got shape {tuple(shape)}",
        )
    return list(shape) + [1] * (4 - len(shape))


def _classes(classes):
    c = np.ascontiguousarray(classes, dtype=np.int32).ravel()
    return c, ffi.cast("int32_t *", c.ctypes.data)


# --------------------------------------------------------------------------------------
# Network handles
# --------------------------------------------------------------------------------------


def _own(ptr):
    return ffi.gc(_check_handle(ptr), lib.lrp_network_free)


def network_new():
    return _own(lib.lrp_network_new())


def network_read(path):
    return _own(lib.lrp_network_read(_s(os.fspath(path))))


def network_clone(h):
    return _own(lib.lrp_network_clone(h))


def network_free(h):
    """Frees now rather than when the handle is collected."""
    ffi.release(h)


def network_write(h, path):
    _check(lib.lrp_network_write(h, _s(os.fspath(path))))


def add_linear(h, m, n, W=None, B=None, seed=0):
    if W is None and B is None:
        _check(lib.lrp_network_add_linear(h, m, n, ffi.NULL, 0, ffi.NULL, 0, ROW, seed))
        return
    w, layout = as_f64(W, "W")
    b = _same_layout(np.ravel(B), layout, "B")
    _check(lib.lrp_network_add_linear(h, m, n, _ptr(w), w.size, _ptr(b), b.size, layout, seed))


def add_convolution(h, hf, wf, df, nf, sh, sw, W=None, B=None, seed=0):
    if W is None and B is None:
        _check(
            lib.lrp_network_add_convolution(
                h, hf, wf, df, nf, sh, sw, ffi.NULL, 0, ffi.NULL, 0, ROW, seed
            )
        )
        return
    w, layout = as_f64(W, "W")
    b = _same_layout(np.ravel(B), layout, "B")
    _check(
        lib.lrp_network_add_convolution(
            h, hf, wf, df, nf, sh, sw, _ptr(w), w.size, _ptr(b), b.size, layout, seed
        )
    )


def add_pool(h, kind, ph, pw, sh, sw):
    fn = {"maxpool": lib.lrp_network_add_maxpool, "sumpool": lib.lrp_network_add_sumpool}[kind]
    _check(fn(h, ph, pw, sh, sw))


def add_plain(h, kind):
    fn = {
        "flatten": lib.lrp_network_add_flatten,
        "rect": lib.lrp_network_add_rect,
        "tanh": lib.lrp_network_add_tanh,
        "softmax": lib.lrp_network_add_softmax,
    }[kind]
    _check(fn(h))


def num_layers(h):
    out = ffi.new("size_t *")
    _check(lib.lrp_network_num_layers(h, out))
    return int(out[0])


def pop_layer(h):
    _check(lib.lrp_network_pop_layer(h))


def drop_softmax_output_layer(h):
    out = ffi.new("int32_t *")
    _check(lib.lrp_network_drop_softmax_output_layer(h, out))
    return bool(out[0])


#: Layer kinds by their LRP_LAYER_* code, named as the toolbox's classes and the library's
#: LayerKind::name: every kind, also the graph nodes an ONNX model brings (BatchNorm, Add, ...).
LAYER_KINDS = {
    CONSTANTS[f"LRP_LAYER_{k.upper()}"]: k
    for k in ("Linear", "Convolution", "MaxPool", "SumPool", "Flatten", "Rect", "Tanh", "SoftMax",
              "AvgPool", "GlobalAvgPool", "BatchNorm", "Add", "Concat", "Reshape", "Identity", "Sum")
}


def layer_kind(h, i):
    out = ffi.new("int32_t *")
    _check(lib.lrp_layer_kind(h, i, out))
    return LAYER_KINDS[int(out[0])]


def layer_sizes(h, i):
    count = ffi.new("size_t *")
    _check(lib.lrp_layer_num_sizes(h, i, count))
    out = ffi.new("size_t *")
    sizes = []
    for k in range(int(count[0])):
        _check(lib.lrp_layer_size(h, i, k, out))
        sizes.append(int(out[0]))
    return tuple(sizes)


def _which(which):
    return CONSTANTS["LRP_PARAM_W" if which == "W" else "LRP_PARAM_B"]


def get_param(h, i, which, shape):
    """W or B of layer i as a new C-order array of the given shape."""
    n = ffi.new("size_t *")
    _check(lib.lrp_layer_param_len(h, i, _which(which), n))
    out = np.empty(shape, dtype=np.float64)
    _check(lib.lrp_layer_get_param(h, i, _which(which), _ptr(out), out.size, ROW))
    return out


def set_param(h, i, which, values):
    v, layout = as_f64(values, which)
    _check(lib.lrp_layer_set_param(h, i, _which(which), _ptr(v), v.size, layout))


def set_layer_rule(h, i, rule, param=None):
    _check(lib.lrp_layer_set_lrp_parameters(h, i, _s(rule), _opt(param)))


def set_network_rule(h, rule, param=None):
    _check(lib.lrp_network_set_lrp_parameters(h, _s(rule), _opt(param)))


def get_layer_rule(h, i):
    name = ffi.new("char[64]")
    param = ffi.new("double *")
    _check(lib.lrp_layer_get_lrp_parameters(h, i, name, 64, param))
    p = float(param[0])
    return _str(name), (None if math.isnan(p) else p)


def set_zbox(h, i, low, high):
    lo = np.ascontiguousarray(np.ravel(low), dtype=np.float64)
    hi = np.ascontiguousarray(np.ravel(high), dtype=np.float64)
    if lo.size != hi.size:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
            "LRP_ERR_SHAPE_MISMATCH",
            f"zbox: low has {lo.size} values, high {hi.size}",
        )
    _check(lib.lrp_layer_set_zbox(h, i, _ptr(lo), _ptr(hi), lo.size))


def get_zbox(h, i):
    count = ffi.new("size_t *")
    _check(lib.lrp_layer_get_zbox(h, i, ffi.NULL, ffi.NULL, 0, count))
    lo = np.empty(int(count[0]))
    hi = np.empty(int(count[0]))
    _check(lib.lrp_layer_get_zbox(h, i, _ptr(lo), _ptr(hi), lo.size, count))
    return lo, hi


def set_composite(h, name, epsilon=None, gamma=None, low=None, high=None):
    _check(
        lib.lrp_network_set_composite(h, _s(name), _opt(epsilon), _opt(gamma), _opt(low), _opt(high))
    )


def canonize(h, names):
    _check(lib.lrp_network_canonize(h, _s(names)))


def set_caffe_formula(h, formula, layer=0, epsilon=None, alpha=None):
    _check(lib.lrp_network_set_caffe_formula(h, formula, layer, _opt(epsilon), _opt(alpha)))


def set_convention(h, convention):
    codes = {
        "toolbox": CONSTANTS["LRP_CONVENTION_TOOLBOX"],
        "zennit": CONSTANTS["LRP_CONVENTION_ZENNIT"],
    }
    key = str(convention).lower()
    if key not in codes:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_INVALID_ARGUMENT"],
            "LRP_ERR_INVALID_ARGUMENT",
            f"convention must be 'toolbox' or 'zennit', given {convention!r}",
        )
    _check(lib.lrp_network_set_convention(h, codes[key]))


def output_shape(h, shape):
    d = _dims4(shape, "the input")
    o = [ffi.new("size_t *") for _ in range(4)]
    rank = ffi.new("int32_t *")
    _check(lib.lrp_network_output_shape(h, len(shape), *d, *o, rank))
    return tuple(int(o[k][0]) for k in range(int(rank[0])))


# --------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------


def forward(h, x, lrp_aware=False):
    x, layout = as_f64(x, "x")
    d = _dims4(x.shape, "x")
    y = _empty(output_shape(h, x.shape), layout)
    _check(
        lib.lrp_network_forward(h, _ptr(x), x.size, x.ndim, *d, layout, int(bool(lrp_aware)), _ptr(y), y.size)
    )
    return y


def backward(h, dy, input_shape):
    dy, layout = as_f64(dy, "DY")
    dx = _empty(input_shape, layout)
    _check(lib.lrp_network_backward(h, _ptr(dy), dy.size, layout, _ptr(dx), dx.size))
    return dx


def update(h, lrate):
    _check(lib.lrp_network_update(h, float(lrate)))


def clean(h):
    _check(lib.lrp_network_clean(h))


def lrp(h, r, input_shape, rule=None, param=None):
    r, layout = as_f64(r, "R")
    out = _empty(input_shape, layout)
    _check(lib.lrp_network_lrp(h, _ptr(r), r.size, layout, _s(rule), _opt(param), _ptr(out), out.size))
    return out


def explain(h, x, classes, rule=None, param=None):
    x, layout = as_f64(x, "x")
    d = _dims4(x.shape, "x")
    c, cp = _classes(classes)
    out = _empty(x.shape, layout)
    _check(
        lib.lrp_network_explain(
            h, _ptr(x), x.size, x.ndim, *d, layout, cp, c.size, _s(rule), _opt(param), _ptr(out), out.size
        )
    )
    return out


_DTYPES = {
    "f64": "LRP_DTYPE_F64", "float64": "LRP_DTYPE_F64", "double": "LRP_DTYPE_F64",
    "f32": "LRP_DTYPE_F32", "float32": "LRP_DTYPE_F32", "single": "LRP_DTYPE_F32",
}


def set_precision(h, precision):
    """What the network's stateless calls compute in: "f64" or "f32" (numpy dtypes too)."""
    name = np.dtype(precision).name if not isinstance(precision, str) else precision.lower()
    if name not in _DTYPES:
        raise ValueError(f"lrp: precision must be 'f64' or 'f32', given {precision!r}")
    _check(lib.lrp_network_set_precision(h, CONSTANTS[_DTYPES[name]]))


def precision(h):
    """"f64" or "f32"."""
    out = ffi.new("int32_t *")
    _check(lib.lrp_network_precision(h, out))
    return "f32" if out[0] == CONSTANTS["LRP_DTYPE_F32"] else "f64"


def _dims(shape):
    d = np.ascontiguousarray(shape, dtype=np.uintp)
    return d, ffi.cast("size_t *", d.ctypes.data)


def predict(h, x):
    """The network's output for `x` (float64), stateless: the handle's cache is untouched."""
    x, layout = as_f64(x, "x")
    d, dp = _dims(x.shape)
    y = _empty(output_shape(h, x.shape), layout)
    _check(lib.lrp_network_predict(h, _ptr(x), dp, x.ndim, layout, _ptr(y), y.size))
    return y


def predict_f32(h, x):
    """The network's output for float32 data, as float32 (no conversion pass under the
    f32 precision)."""
    x, layout = as_f32(x, "x")
    d, dp = _dims(x.shape)
    y = np.empty(output_shape(h, x.shape), dtype=np.float32, order="F" if layout == COL else "C")
    _check(lib.lrp_network_predict_f32(h, _ptr32(x), dp, x.ndim, layout, _ptr32(y), y.size))
    return y


def explain_f32(h, x, classes, rule=None, param=None):
    """:func:`explain` for float32 data, giving float32 maps, through the options handle
    and the float door of explain_with."""
    x, layout = as_f32(x, "x")
    d, dp = _dims(x.shape)
    c, cp = _classes(classes)
    opts = ffi.gc(_check_handle(lib.lrp_explain_options_new()), lib.lrp_explain_options_free)
    _check(lib.lrp_explain_options_set(opts, b"layout", float(layout)))
    _check(lib.lrp_explain_options_set_classes(opts, cp, c.size))
    if rule:
        _check(lib.lrp_explain_options_set_str(opts, b"rule", _s(rule)))
        if param is not None:
            _check(lib.lrp_explain_options_set(opts, b"parameter", float(param)))
    out = np.empty(x.shape, dtype=np.float32, order="F" if layout == COL else "C")
    _check(lib.lrp_network_explain_with_f32(h, opts, _ptr32(x), dp, x.ndim, _ptr32(out), out.size))
    return out


def explain_classes(h, x, classes, rule=None, param=None):
    """K maps, one per class: a K x (shape of x) array."""
    # Row-major so that the K maps come one after the other (K first).
    x = np.ascontiguousarray(as_f64(x, "x")[0])
    d = _dims4(x.shape, "x")
    c, cp = _classes(classes)
    out = np.empty((c.size,) + x.shape)
    _check(
        lib.lrp_network_explain_classes(
            h, _ptr(x), x.size, x.ndim, *d, ROW, cp, c.size, _s(rule), _opt(param), _ptr(out), out.size
        )
    )
    return out


def explain_class_set(h, x, classes, rule=None, param=None):
    x, layout = as_f64(x, "x")
    d = _dims4(x.shape, "x")
    c, cp = _classes(classes)
    out = _empty(x.shape, layout)
    _check(
        lib.lrp_network_explain_class_set(
            h, _ptr(x), x.size, x.ndim, *d, layout, cp, c.size, _s(rule), _opt(param), _ptr(out), out.size
        )
    )
    return out


def attribute(h, x, dy, method, count=None, sigma=None, seed=None, baseline=None):
    x, layout = as_f64(x, "x")
    d = _dims4(x.shape, "x")
    dy = _same_layout(dy, layout, "DY")
    if baseline is None:
        bp, blen = ffi.NULL, 0
    else:
        b = _same_layout(baseline, layout, "baseline")
        bp, blen = _ptr(b), b.size
    shape = x.shape
    if str(method).lower().replace("_", "").replace("-", "").replace(" ", "") == "sensitivity" and x.ndim == 4:
        shape = x.shape[:3] + (1,)
    out = _empty(shape, layout)
    _check(
        lib.lrp_network_attribute(
            h, _ptr(x), x.size, x.ndim, *d, layout, _ptr(dy), dy.size, _s(method),
            _opt(count), _opt(sigma), _opt(seed), bp, blen, _ptr(out), out.size,
        )
    )
    return out


def train(h, x, y, xval=None, yval=None, options=None, lrate_decay=None, on_progress=None):
    """lrp_network_train with the named numeric options (toolbox names); returns the log.

    With `on_progress`, the training runs in a helper thread (the library call releases
    the GIL) while this thread polls the iterations done and calls on_progress(done) as
    the count grows; the result is the same as without."""
    opts = ffi.gc(_check_handle(lib.lrp_train_options_new()), lib.lrp_train_options_free)
    for name, value in (options or {}).items():
        _check(lib.lrp_train_options_set(opts, _s(name), float(value)))
    if lrate_decay is not None:
        _check(lib.lrp_train_options_set_lrate_decay(opts, _s(lrate_decay)))
    x, layout = as_f64(x, "X")
    d = _dims4(x.shape, "X")
    y = _same_layout(y, layout, "Y")
    if xval is not None and yval is not None and len(xval) and len(yval):
        xv = _same_layout(xval, layout, "Xval")
        yv = _same_layout(yval, layout, "Yval")
        dv = _dims4(xv.shape, "Xval")
        _check(
            lib.lrp_train_options_set_validation(
                opts, _ptr(xv), xv.size, xv.ndim, *dv, _ptr(yv), yv.size, layout
            )
        )

    def run():
        return lib.lrp_network_train(h, _ptr(x), x.size, x.ndim, *d, _ptr(y), y.size, layout, opts)

    if on_progress is None:
        _check(run())
    else:
        import threading

        result = {}

        def body():
            st = run()
            # The message is the training thread's: fetch it there.
            result["status"] = st
            if st != 0:
                result["message"] = _str(lib.lrp_last_error())

        worker = threading.Thread(target=body, name="lrp-train")
        worker.start()
        done = ffi.new("size_t *")
        seen = 0
        while worker.is_alive():
            worker.join(0.05)
            _check(lib.lrp_train_options_progress(opts, done))
            if int(done[0]) > seen:
                seen = int(done[0])
                on_progress(seen)
        if result["status"] != 0:
            st = result["status"]
            raise errors.error_for(st, status_name(st), result["message"])
        _check(lib.lrp_train_options_progress(opts, done))
        on_progress(int(done[0]))
    n = ffi.new("size_t *")
    _check(lib.lrp_network_train_log_len(h, n))
    buf = ffi.new("char[]", int(n[0]))
    _check(lib.lrp_network_train_log(h, buf, int(n[0])))
    return _str(buf)


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def _image2(a, what):
    a, layout = as_f64(a, what)
    if a.ndim != 2:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
            "LRP_ERR_SHAPE_MISMATCH",
            f"{what} must be an H x W image, got shape {a.shape}",
        )
    return a, layout


def colormap(name, u):
    u, layout = as_f64(u, "u")
    out = _empty(u.shape + (3,), ROW)
    u = np.ascontiguousarray(u)
    _check(lib.lrp_render_colormap(_s(name), _ptr(u), u.size, ROW, _ptr(out), out.size))
    return out


def hm_to_rgb(r, x=None, scaling=3, sigma=2.0, cmap="jet", normalize=True):
    r, layout = _image2(r, "R")
    h, w = r.shape
    if x is None:
        xp, xlen = ffi.NULL, 0
    else:
        xa = _same_layout(x, layout, "X")
        if xa.shape != r.shape:
            raise errors.error_for(
                CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
                "LRP_ERR_SHAPE_MISMATCH",
                f"X has shape {xa.shape}, the heatmap {r.shape}",
            )
        xp, xlen = _ptr(xa), xa.size
    out = _empty((h * scaling, w * scaling, 3), layout)
    _check(
        lib.lrp_render_hm_to_rgb(
            _ptr(r), r.size, h, w, xp, xlen, scaling, float(sigma), _s(cmap), int(bool(normalize)),
            layout, _ptr(out), out.size,
        )
    )
    return out


def digit_to_rgb(x, scaling=3, cmap="binary"):
    x, layout = _image2(x, "X")
    h, w = x.shape
    out = _empty((h * scaling, w * scaling, 3), layout)
    _check(lib.lrp_render_digit_to_rgb(_ptr(x), x.size, h, w, scaling, _s(cmap), layout, _ptr(out), out.size))
    return out


def enlarge(img, scaling=3):
    img, layout = as_f64(img, "img")
    if img.ndim not in (2, 3):
        raise errors.error_for(
            CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
            "LRP_ERR_SHAPE_MISMATCH",
            f"img must be H x W or H x W x D, got shape {img.shape}",
        )
    h, w = img.shape[:2]
    d = img.shape[2] if img.ndim == 3 else 1
    out = _empty((h * scaling, w * scaling) + img.shape[2:], layout)
    _check(lib.lrp_render_enlarge(_ptr(img), img.size, h, w, d, scaling, layout, _ptr(out), out.size))
    return out


def repaint_corner_pixels(img, scaling=3):
    """In place when `img` is a C- or Fortran-contiguous float64 array; returns the image."""
    a, layout = as_f64(img, "rgbimg")
    if a.ndim != 3:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
            "LRP_ERR_SHAPE_MISMATCH",
            f"rgbimg must be H x W x 3, got shape {a.shape}",
        )
    _check(lib.lrp_render_repaint_corner_pixels(_ptr(a), a.size, a.shape[0], a.shape[1], scaling, layout))
    if a is not img and isinstance(img, np.ndarray) and img.flags.writeable:
        img[...] = a
        return img
    return a


def canny(x, sigma=2.0, low=0.1, high=0.2):
    x, layout = _image2(x, "X")
    out = _empty(x.shape, layout)
    _check(lib.lrp_render_canny(_ptr(x), x.size, x.shape[0], x.shape[1], float(sigma), float(low), float(high), layout, _ptr(out), out.size))
    return out


def save_png(path, img):
    img, layout = as_f64(img, "img")
    _check(lib.lrp_render_save_png(_s(os.fspath(path)), _ptr(img), img.size, img.shape[0], img.shape[1], layout))


def save_images_png(path, images, gap=2):
    """RGB images of one height side by side with `gap` black columns; returns the widths."""
    imgs = [as_f64(i, "image")[0] for i in images]
    if not imgs:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_INVALID_ARGUMENT"], "LRP_ERR_INVALID_ARGUMENT", "save_image: no images"
        )
    for k, i in enumerate(imgs):
        if i.ndim != 3 or i.shape[2] != 3 or i.shape[0] != imgs[0].shape[0]:
            raise errors.error_for(
                CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
                "LRP_ERR_SHAPE_MISMATCH",
                f"save_image: image {k} has shape {i.shape}, expected {imgs[0].shape[0]} x W x 3",
            )
    whole = np.ascontiguousarray(np.concatenate(imgs, axis=1))
    widths = np.array([i.shape[1] for i in imgs], dtype=np.int32)
    _check(
        lib.lrp_render_save_images_png(
            _s(os.fspath(path)), _ptr(whole), whole.size, whole.shape[0],
            ffi.cast("int32_t *", widths.ctypes.data), widths.size, int(gap), ROW,
        )
    )
    return widths


# --------------------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------------------

#: numpy dtypes the library's .npy writer knows, by LRP_DTYPE_* code.
NPY_DTYPES = {
    np.dtype(np.float64): CONSTANTS["LRP_DTYPE_F64"],
    np.dtype(np.float32): CONSTANTS["LRP_DTYPE_F32"],
    np.dtype(np.uint8): CONSTANTS["LRP_DTYPE_U8"],
    np.dtype(np.int32): CONSTANTS["LRP_DTYPE_I32"],
    np.dtype(np.int64): CONSTANTS["LRP_DTYPE_I64"],
}


def npy_read(path):
    """The .npy array at `path` as float64 (C order), and its dtype in the file."""
    p = _s(os.fspath(path))
    rank, dtype, file_layout = ffi.new("int32_t *"), ffi.new("int32_t *"), ffi.new("int32_t *")
    _check(lib.lrp_npy_info(p, rank, dtype, file_layout))
    dim = ffi.new("size_t *")
    shape = []
    for k in range(int(rank[0])):
        _check(lib.lrp_npy_dim(p, k, dim))
        shape.append(int(dim[0]))
    out = np.empty(shape, dtype=np.float64)
    _check(lib.lrp_npy_read(p, _ptr(out), max(out.size, 1), ROW))
    codes = {v: k for k, v in NPY_DTYPES.items()}
    return out, codes[int(dtype[0])]


def npy_write(path, data, dtype=np.float64):
    a, layout = as_f64(data, "data")
    if a.ndim > 6:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
            "LRP_ERR_SHAPE_MISMATCH",
            f"npy files of at most 6 dimensions, got shape {a.shape}",
        )
    d = list(a.shape) + [1] * (6 - a.ndim)
    code = NPY_DTYPES.get(np.dtype(dtype), CONSTANTS["LRP_DTYPE_F64"])
    _check(lib.lrp_npy_write(_s(os.fspath(path)), _ptr(a), a.size, a.ndim, *d, layout, code, ROW))


def txt_read(path):
    p = _s(os.fspath(path))
    rows, cols = ffi.new("size_t *"), ffi.new("size_t *")
    _check(lib.lrp_txt_shape(p, rows, cols))
    out = np.empty((int(rows[0]), int(cols[0])))
    _check(lib.lrp_txt_read(p, _ptr(out), out.size, ROW))
    return out


def txt_write(path, data):
    a, layout = as_f64(data, "data")
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2:
        raise errors.error_for(
            CONSTANTS["LRP_ERR_SHAPE_MISMATCH"],
            "LRP_ERR_SHAPE_MISMATCH",
            f"text files hold 1- or 2-dimensional arrays, got shape {a.shape}",
        )
    _check(lib.lrp_txt_write(_s(os.fspath(path)), _ptr(a), a.size, a.shape[0], a.shape[1], layout))

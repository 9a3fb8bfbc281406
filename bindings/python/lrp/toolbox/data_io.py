"""The numpy toolbox's data_io: read and write arrays as .npy, .npz, .mat or text.

.npy and text go through the library (any of float64, float32, uint8, int32, int64 in the
file; read as float64); .npz through numpy; .mat through scipy (optional: only needed for
.mat files), the array under the name 'data' as in the toolbox.
"""

import os

import numpy as np

import lrp


def _fmt(path, fmt):
    return os.path.splitext(path)[1].replace(".", "").lower() if fmt is None else fmt


def read(path, fmt=None):
    """The array in `path` (fmt: 'npy', 'npz', 'mat' or 'txt'; else from the file name)."""
    if not os.path.exists(path):
        raise IOError("data_io.read : No such file or directory: {0}".format(path))
    fmt = _fmt(path, fmt)
    if fmt in ("npy", ""):
        return lrp.read_npy(path)
    if fmt == "npz":
        return np.load(path)
    if fmt == "mat":
        import scipy.io

        return np.array(scipy.io.loadmat(path)["data"])
    if fmt == "txt":
        return lrp.read_txt(path)
    raise ValueError("data_io.read : unknown data format '{0}' (npy, npz, mat, txt)".format(fmt))


def write(data, path, fmt=None):
    """Writes `data` to `path` (fmt as for read)."""
    fmt = _fmt(path, fmt)
    if fmt in ("npy", ""):
        a = np.asarray(data)
        keep = a.dtype in lrp._capi.NPY_DTYPES
        lrp.write_npy(path, a, a.dtype if keep else np.float64)
    elif fmt == "npz":
        np.save(path, data)
    elif fmt == "mat":
        import scipy.io

        scipy.io.savemat(path, {"data": data}, appendmat=False)
    elif fmt == "txt":
        lrp.write_txt(path, data)
    else:
        raise ValueError("data_io.write : unknown data format '{0}' (npy, npz, mat, txt)".format(fmt))

"""Data files through the library: .npy (five dtypes, either order) and plain text."""

import numpy as np

from . import _capi

__all__ = ["read_npy", "write_npy", "read_txt", "write_txt"]


def read_npy(path, keep_dtype=False):
    """The array in the .npy file at `path`, as float64 (keep_dtype: as stored)."""
    data, dtype = _capi.npy_read(path)
    return data.astype(dtype) if keep_dtype and dtype != np.float64 else data


def write_npy(path, data, dtype=None):
    """Writes `data` to an .npy file; dtype: float64 (default), float32, uint8, int32 or
    int64 in the file (integers must be whole and in range)."""
    _capi.npy_write(path, data, np.float64 if dtype is None else dtype)


def read_txt(path):
    """A whitespace- or comma-separated matrix file as a rows x cols float64 array."""
    return _capi.txt_read(path)


def write_txt(path, data):
    """Writes a 1-D (one value per line) or 2-D array as text that reads back exactly."""
    _capi.txt_write(path, data)

"""Heatmaps as numpy RGB arrays (H x W x 3, values in [0, 1]), drawn by the library.

The colour maps, the normalisation and the input's Canny outline are the library's
(the toolbox's ``hm_to_rgb``); nothing is computed here but the channel sum of a
multi-channel relevance map.
"""

import numpy as np

from . import _capi

__all__ = ["heatmap", "digit", "colormap", "enlarge", "canny", "save_png", "save_images"]


def _plane(a, what):
    """An H x W plane from H x W, H x W x D (channels summed) or 1 x H x W x D."""
    a = np.asarray(a)
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 3:
        a = a.sum(axis=2)
    if a.ndim != 2:
        raise ValueError(f"lrp.render: {what} must be H x W or H x W x D, got shape {a.shape}")
    return a


def heatmap(relevance, x=None, scaling=1, sigma=2.0, cmap="jet", normalize=True):
    """The relevance map as an RGB image of (H scaling) x (W scaling) x 3.

    relevance: H x W, or H x W x D (summed over channels). x: the input it explains, drawn
    as black Canny edges (Gaussian `sigma` in pixels of the enlarged image). cmap: jet
    (default), seismic, bwr, coldnhot, gray-red, black-firered, ... normalize: divide by
    the largest magnitude (else taken as already in [-1, 1])."""
    r = _plane(relevance, "relevance")
    xs = None if x is None else _plane(x, "x")
    return _capi.hm_to_rgb(r, xs, scaling, sigma, cmap, normalize)


def digit(x, scaling=1, cmap="binary"):
    """An input image (H x W, or H x W x D summed) scaled to [0, 1] and coloured."""
    return _capi.digit_to_rgb(_plane(x, "x"), scaling, cmap)


def colormap(name, u):
    """The RGB colours (shape of u + (3,)) of values u in [0, 1] under the map `name`."""
    return _capi.colormap(name, u)


def enlarge(img, scaling):
    """Every pixel of an H x W (x D) image repeated `scaling` times along both axes."""
    return _capi.enlarge(img, scaling)


def canny(x, sigma=2.0, low=0.1, high=0.2):
    """skimage's Canny edges of an H x W image: 1.0 on an edge, else 0.0."""
    return _capi.canny(x, sigma, low, high)


def save_png(path, img):
    """Writes an H x W x 3 image in [0, 1] as an 8-bit PNG."""
    _capi.save_png(path, img)


def save_images(path, images, gap=2):
    """Writes RGB images of one height side by side, `gap` black columns apart."""
    _capi.save_images_png(path, images, gap)

"""The numpy toolbox's render: digits and heatmaps as RGB arrays, and PNG files.

The colouring (MATLAB's jet and binary tables, the toolbox's own maps), the normalisation,
the Canny outline (skimage's algorithm) and the PNG writing are the library's.
"""

import numpy as np

import lrp
from lrp import _capi


def vec2im(V, shape=()):
    """V reshaped to `shape`, or to a square if no shape is given."""
    if len(shape) < 2:
        shape = [int(np.sqrt(np.size(V)))] * 2
    return np.reshape(V, shape)


def enlarge_image(img, scaling=3):
    """Every pixel of an H x W (x D) image repeated `scaling` times along both axes."""
    return _capi.enlarge(img, scaling)


def repaint_corner_pixels(rgbimg, scaling=3):
    """The top-left and bottom-right scaling x scaling blocks take the mean colour of
    their three neighbouring blocks (in place)."""
    return _capi.repaint_corner_pixels(rgbimg, scaling)


def digit_to_rgb(X, scaling=3, shape=(), cmap="binary"):
    """An intensity image (any array of H W values; square unless `shape`) as an RGB image
    of (H scaling) x (W scaling) x 3."""
    return _capi.digit_to_rgb(vec2im(X, shape), scaling, cmap)


def hm_to_rgb(R, X=None, scaling=3, shape=(), sigma=2, cmap="jet", normalize=True):
    """A heatmap as an RGB image, with the Canny outline of X (same shape) drawn in black."""
    R = vec2im(R, shape)
    if X is not None:
        X = vec2im(X, shape)
        if X.shape != R.shape:
            print("transformed heatmap and data dimension mismatch. data dimensions differ?")
            print("R.shape = ", R.shape, "X.shape = ", X.shape)
            print("skipping drawing of outline\n")
            X = None
    return _capi.hm_to_rgb(R, X, scaling, sigma, cmap, normalize)


def save_image(rgb_images, path, gap=2):
    """Writes the RGB images side by side, `gap` black columns apart, to `path` (PNG);
    returns the assembled image as uint8 (as written: values in [0, 1] times 255, rounded)."""
    _capi.save_images_png(path, rgb_images, gap)
    parts = []
    for i, img in enumerate(rgb_images):
        if i:
            parts.append(np.zeros((img.shape[0], gap, 3)))
        parts.append(np.asarray(img, dtype=np.float64))
    return np.round(np.clip(np.hstack(parts), 0.0, 1.0) * 255).astype(np.uint8)


def _custom_map(name):
    def colour(R):
        return _capi.hm_to_rgb(np.asarray(R, dtype=np.float64), None, 1, 0.0, name, True)

    colour.__name__ = name.replace("-", "_")
    colour.__doc__ = "The toolbox's '{0}' heatmap colouring of an H x W map.".format(name)
    return colour


gregoire_gray_red = _custom_map("gray-red")
gregoire_gray_red2 = _custom_map("gray-red2")
gregoire_black_green = _custom_map("black-green")
gregoire_black_firered = _custom_map("black-firered")
alex_black_yellow = _custom_map("black-yellow")

custom_maps = {
    "gray-red": gregoire_gray_red,
    "gray-red2": gregoire_gray_red2,
    "black-green": gregoire_black_green,
    "black-firered": gregoire_black_firered,
    "blue-black-yellow": alex_black_yellow,
}

__all__ = ["vec2im", "enlarge_image", "repaint_corner_pixels", "digit_to_rgb", "hm_to_rgb",
           "save_image", "custom_maps", "lrp"]

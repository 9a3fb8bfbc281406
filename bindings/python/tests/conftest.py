"""Shared fixtures: the golden data (../shared beside the repository, or $LRP_SHARED_DIR)
and the toolbox directory on sys.path. A missing data directory fails, never skips."""

import json
import os
import sys

import numpy as np
import pytest

import lrp

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.environ.get("LRP_SHARED_DIR", os.path.join(REPO, "..", "shared"))

# The toolbox's modules, as a toolbox user puts them on the path.
if lrp.TOOLBOX_PATH not in sys.path:
    sys.path.insert(0, lrp.TOOLBOX_PATH)


def shared_dir(name):
    path = os.path.join(SHARED, name)
    if not os.path.isfile(os.path.join(path, "manifest.json")):
        pytest.fail(f"{path}/manifest.json is missing: the golden data must lie at ../shared "
                    "beside the repository (or set LRP_SHARED_DIR)")
    return path


def manifest(name):
    d = shared_dir(name)
    with open(os.path.join(d, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    return d, m


def load_cases(name):
    """The cases of a manifest as (id, case) pairs for parametrize (read at collection)."""
    path = os.path.join(SHARED, name, "manifest.json")
    if not os.path.isfile(path):
        return [pytest.param(None, id=f"{name}-missing")]
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    return [pytest.param(c, id=c["name"]) for c in m["cases"]]


def assert_close(actual, expected, rtol, atol, what=""):
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    excess = np.abs(actual - expected) - (atol + rtol * np.abs(expected))
    worst = int(np.argmax(excess))
    assert np.all(excess <= 0), (
        f"{what}: element {worst} is {actual.flat[worst]!r}, expected {expected.flat[worst]!r} "
        f"(rtol {rtol}, atol {atol})"
    )


@pytest.fixture(scope="session")
def golden():
    return shared_dir("golden")


@pytest.fixture(scope="session")
def zennit():
    return shared_dir("golden-zennit")


@pytest.fixture(scope="session")
def lenet5(golden):
    return os.path.join(golden, "lenet5.txt")


@pytest.fixture(scope="session")
def mnist(golden):
    """The first 64 MNIST test images scaled to [-1, 1] and padded to 1 x 32 x 32 x 1 as
    the toolbox's CNN demo does, and their labels."""
    x = lrp.read_npy(os.path.join(golden, "mnist10k_images_u8.npy"))[:64]
    y = lrp.read_npy(os.path.join(golden, "mnist10k_labels_u8.npy"))[:64].ravel().astype(int)
    x = x / 127.5 - 1.0
    x = np.pad(x.reshape(-1, 28, 28, 1), ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)
    return x, y


def pytest_report_header(config):
    return [f"lrp {lrp.__version__} from {os.path.dirname(lrp.__file__)}",
            f"library {lrp._capi.LIBRARY_PATH}", f"shared data {os.path.abspath(SHARED)}"]


if os.environ.get("LRP_EXPECT_INSTALLED") and "site-packages" not in lrp.__file__:
    raise RuntimeError(f"LRP_EXPECT_INSTALLED is set but lrp comes from {lrp.__file__}")

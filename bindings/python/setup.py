"""Build of the `lrp` wheel: the Rust library (setuptools-rust) plus the header.

The version is the Rust crate's (Cargo.toml), so `lrp.__version__` and the wheel agree.
The library builds into target/python-wheel of the repository unless CARGO_TARGET_DIR is
set, so a wheel build never replaces target/release/liblrp.so, which the C and MATLAB test
suites link against.
"""

import os
import re
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools_rust import Binding, RustExtension, Strip

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CARGO_TOML = os.path.join(ROOT, "Cargo.toml")
HEADER = os.path.join(ROOT, "include", "lrp.h")

with open(CARGO_TOML, encoding="utf-8") as f:
    VERSION = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), flags=re.M).group(1)

os.environ.setdefault("CARGO_TARGET_DIR", os.path.join(ROOT, "target", "python-wheel"))


class BuildPyWithHeader(build_py):
    """Also copies include/lrp.h into the package: lrp/_capi.py reads the declarations
    from it."""

    def run(self):
        super().run()
        dest = os.path.join(self.build_lib, "lrp", "lrp.h")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(HEADER, dest)


setup(
    version=VERSION,
    packages=["lrp"],
    # The numpy toolbox's modules: not a subpackage of lrp (a user puts the directory on
    # sys.path), shipped as data next to it.
    package_data={"lrp": ["toolbox/*.py", "toolbox/modules/*.py"]},
    zip_safe=False,
    rust_extensions=[
        RustExtension(
            "lrp._liblrp",
            path=os.path.relpath(CARGO_TOML, HERE),
            binding=Binding.NoBinding,
            py_limited_api=False,
            # The release profile keeps line tables for profiling (Cargo.toml); the wheel
            # does without them (22 MB -> a few MB).
            strip=Strip.Debug,
        )
    ],
    cmdclass={"build_py": BuildPyWithHeader},
)

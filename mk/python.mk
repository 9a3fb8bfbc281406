# The Python bindings (bindings/python) and their test suite (bindings/python/tests).
#   make python-venv     creates $(PY_VENV) with the pinned build and test dependencies of
#                        bindings/python/requirements-test.txt (again when that file changes)
#   make python-install  builds the package (the Rust library compiled by setuptools-rust
#                        into target/python-wheel, put into the wheel) and installs it into
#                        the venv, as `pip install ./bindings/python` does for a user
#   make python-tests    installs, then runs pytest on the installed package from the
#                        repository root: golden parity (toolbox API and zennit's manifest
#                        through the modern API), every error class, threads, the toolbox
#                        demos' code paths and pickles, the Dask example on a LocalCluster.
#                        pytest fails on any failure, and on no test collected (exit 5).
# Needs python3 with venv (the machine's CPython 3.11) and PyPI.

PYTHON ?= python3
PY_VENV ?= target/python-venv
PY := $(PY_VENV)/bin/python
PY_REQUIREMENTS := bindings/python/requirements-test.txt
PY_GOLDEN_DIR ?= ../shared
PYTEST_FLAGS ?= -ra

.PHONY: python-venv python-install python-tests

python-venv: $(PY_VENV)/.requirements-installed

$(PY_VENV)/.requirements-installed: $(PY_REQUIREMENTS)
	$(PYTHON) -m venv $(PY_VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(PY_REQUIREMENTS)
	touch $@

python-install: python-venv
	$(PY) -m pip install --quiet --no-build-isolation --no-deps --force-reinstall ./bindings/python

python-tests: python-install
	@echo "== Python bindings (bindings/python/tests, installed package)"
	LRP_SHARED_DIR="$(abspath $(PY_GOLDEN_DIR))" LRP_EXPECT_INSTALLED=1 $(PY) -m pytest bindings/python/tests $(PYTEST_FLAGS)

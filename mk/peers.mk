# The speed comparison with zennit (PyTorch), in one process: issue 16's table.
#   make peers-venv   creates $(PEERS_VENV) with benches/peers/requirements.txt (torch for
#                     the CPU, zennit, the lrp package's build backend), again when that
#                     file changes. The first run downloads about 2.5 GB of wheels (torch
#                     and the NVIDIA libraries it links against; see the requirements file).
#   make bench-peers  builds and installs the lrp package (bindings/python) into that venv
#                     and runs benches/peers/bench_peers.py: lrp against zennit f64 and f32,
#                     $(PEERS_THREADS) threads each, the maps compared; prints the Markdown
#                     tables. PEERS_FLAGS passes options, e.g.
#                     PEERS_FLAGS="--quick --out target/peers.md" or "--only lenet".
# Not part of `make test` (minutes of wall time, gigabytes of PyTorch). `make bench` stays
# the Rust-only table.

PYTHON ?= python3
PEERS_VENV ?= target/peers-venv
PEERS_PY := $(PEERS_VENV)/bin/python
PEERS_REQUIREMENTS := benches/peers/requirements.txt
# Extra pip options, e.g. --find-links DIR where wheels are already downloaded.
PEERS_PIP_FLAGS ?=
PEERS_THREADS ?= 2
PEERS_FLAGS ?=
PEERS_SHARED_DIR ?= ../shared

.PHONY: peers-venv peers-install bench-peers

peers-venv: $(PEERS_VENV)/.requirements-installed

$(PEERS_VENV)/.requirements-installed: $(PEERS_REQUIREMENTS)
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_PY) -m pip install --quiet --upgrade pip
	$(PEERS_PY) -m pip install --quiet --no-deps $(PEERS_PIP_FLAGS) -r $(PEERS_REQUIREMENTS)
	$(PEERS_PY) -c "import torch, torchvision, zennit, onnx, cffi; torch.ones(2, dtype=torch.float64) @ torch.ones(2, dtype=torch.float64)"
	touch $@

peers-install: peers-venv
	$(PEERS_PY) -m pip install --quiet --no-build-isolation --no-deps --force-reinstall ./bindings/python

bench-peers: peers-install
	RAYON_NUM_THREADS=$(PEERS_THREADS) LRP_SHARED_DIR="$(abspath $(PEERS_SHARED_DIR))" \
		$(PEERS_PY) benches/peers/bench_peers.py --threads $(PEERS_THREADS) $(PEERS_FLAGS)

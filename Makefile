# The project's entry points. `make test` is the README's test command and what CI runs:
# it fails if any suite cannot run.
CARGO ?= cargo
PREFIX ?= /usr/local
DESTDIR ?=
# The release library every C, C++ and MATLAB suite links against.
LIBDIR := target/release
LIB := $(LIBDIR)/liblrp.so

.PHONY: test lint rust-tests lib bench c-suite dist-suite

## Everything CI checks: formatting, lints, and every test suite.
test: lint onnx-proto-check rust-tests c-suite dist-suite octave-ffi-test octave-tests python-tests

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --release -- -D warnings

## Unit, golden-parity, property, error, header and training tests, including the ones
## marked slow (#[ignore], ~6 s in release: left out of a plain debug `cargo test`).
rust-tests:
	$(CARGO) test --release -- --include-ignored

## liblrp.so, liblrp.a and include/lrp.h.
lib:
	$(CARGO) build --release --lib

$(LIB): lib

## The speed table of the README (forward and forward + LRP, 2 threads, f64), Rust only;
## `make bench-peers` (mk/peers.mk) compares with zennit.
bench:
	$(CARGO) bench --bench lrp_bench

# The C test suite (tests/c), its sanitizer and valgrind runs: target c-suite.
include mk/c.mk
# Installation, pkg-config, the C example and the C++ wrapper: targets install, dist-suite.
include mk/dist.mk
# The generated ONNX protobuf types and their freshness check: onnx-proto, onnx-proto-check.
include mk/onnx.mk
# The Octave emulation of MATLAB's loadlibrary/calllib: targets octave-ffi, octave-ffi-test.
include mk/octave.mk
# The MATLAB bindings' test suite under Octave: target octave-tests.
include mk/matlab.mk
# The Python bindings' venv, package install and pytest suite: target python-tests.
include mk/python.mk
# The speed comparison with zennit in a PyTorch venv: target bench-peers (not in `test`).
include mk/peers.mk

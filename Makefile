# The project's entry points. `make test` is the README's test command and what CI runs.
CARGO ?= cargo

.PHONY: test lint rust-tests bench

## Everything CI checks: formatting, lints, and every test suite.
test: lint rust-tests

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --release -- -D warnings

## Unit, golden-parity, property and error tests (release: the golden cases run faster).
rust-tests:
	$(CARGO) test --release

## The speed table of the README (forward and forward + LRP, 2 threads, f64).
bench:
	$(CARGO) bench --bench lrp_bench

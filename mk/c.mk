# The C test suite: defines c-suite (run by `make test`).
c-suite:
	@echo "c-suite: not written yet" >&2; exit 1

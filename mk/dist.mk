# Installation and distribution checks: defines install and dist-suite (run by `make test`).
dist-suite:
	@echo "dist-suite: not written yet" >&2; exit 1

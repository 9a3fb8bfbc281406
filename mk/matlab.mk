# The MATLAB bindings (bindings/matlab: +modules, +model_io, +data_io, +render, demos) and
# their test suite (tests/octave), run under GNU Octave through the loadlibrary/calllib
# emulation of mk/octave.mk (include this fragment after that one).
#   make octave-tests   builds $(LIB), the emulation (octave-ffi) and the engine timing
#                       program, then runs tests/octave/run_all.m: golden parity through the
#                       classes, every class and function, errors, handle leaks, training,
#                       the demos and the TOOLBOX_API.md example. Prints "N passed,
#                       M failed" last; fails on any failure.
#   make octave-bench   the speed figure: forward + epsilon LRP of LeNet-5 at batch 64 from
#                       Octave against the engine's own time (a benchmark, not a test).
#   OCTAVE_TESTS="golden errors" runs only the test files whose names contain those words.
# Needs octave-cli (Debian: octave) and a C compiler; the golden data at $(OCTAVE_GOLDEN_DIR).

OCTAVE_CLI ?= octave-cli
OCTAVE_FLAGS ?= --no-history --no-init-file --no-window-system --quiet
OCTAVE_GOLDEN_DIR ?= ../shared/golden
LIB ?= target/release/liblrp.so
LIBDIR ?= target/release
MATLAB_TEST_DIR := tests/octave
MATLAB_TEST_BUILD := target/octave-tests
MATLAB_ENGINE_TIME := $(MATLAB_TEST_BUILD)/engine_time
OCTAVE_TESTS ?=

.PHONY: octave-tests octave-bench

# The engine's own time for the speed benchmark's work (forward + epsilon LRP of LeNet-5 at
# batch 64 through the C ABI, row-major), linked to exactly the library under test.
$(MATLAB_ENGINE_TIME): $(MATLAB_TEST_DIR)/engine_time.c include/lrp.h $(LIB)
	@mkdir -p $(@D)
	$(CC) -std=c99 -O2 -Wall -Wextra -Werror -Iinclude $< -o $@ \
		-L$(LIBDIR) -Wl,--disable-new-dtags,-rpath,$(abspath $(LIBDIR)) -llrp -lm

octave-tests: $(LIB) octave-ffi
	@echo "== MATLAB bindings under Octave (tests/octave)"
	cd $(MATLAB_TEST_DIR) && LRP_GOLDEN_DIR="$(abspath $(OCTAVE_GOLDEN_DIR))" \
		LRP_LIBRARY_DIR="$(abspath $(LIBDIR))" \
		$(OCTAVE_CLI) $(OCTAVE_FLAGS) --eval "words = strsplit('$(OCTAVE_TESTS)'); \
		words = words(~cellfun(@isempty, words)); exit(double(~run_all(words{:})))"

octave-bench: $(LIB) octave-ffi $(MATLAB_ENGINE_TIME)
	cd $(MATLAB_TEST_DIR) && LRP_GOLDEN_DIR="$(abspath $(OCTAVE_GOLDEN_DIR))" \
		LRP_LIBRARY_DIR="$(abspath $(LIBDIR))" \
		$(OCTAVE_CLI) $(OCTAVE_FLAGS) --eval "bench_speed();"

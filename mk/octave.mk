# The Octave emulation of MATLAB's loadlibrary/calllib (bindings/matlab/octave), which lets
# the MATLAB bindings run unchanged under Octave, and its tests (tests/octave/ffi).
#   make octave-ffi        builds bindings/matlab/octave/lrp_ffi.oct (mkoctfile, libffi, libdl)
#   make octave-ffi-test   builds it, the C fixture library and $(LIB), then runs
#                          tests/octave/ffi/test_ffi.m: every calllib rule of MATLAB_FFI.md on
#                          the fixture, and a smoke test of liblrp.so through include/lrp.h
#                          and through the generated prototype file bindings/matlab/lrp_proto.m.
#                          Prints "N passed, M failed" last; fails on any failure.
# Needs octave-cli and mkoctfile (Debian: octave, liboctave-dev) and libffi-dev.

MKOCTFILE ?= mkoctfile
OCTAVE_CLI ?= octave-cli
OCTAVE_FFI_DIR := bindings/matlab/octave
OCTAVE_FFI_OCT := $(OCTAVE_FFI_DIR)/lrp_ffi.oct
OCTAVE_FFI_TEST_DIR := tests/octave/ffi
OCTAVE_FFI_BUILD := target/octave-ffi
OCTAVE_FFI_FIXTURE := $(OCTAVE_FFI_BUILD)/libffi_fixture.so
OCTAVE_GOLDEN_DIR ?= ../shared/golden
# Set by the top Makefile; the default lets the fragment run alone too.
LIB ?= target/release/liblrp.so

# pkg-config knows where libffi's header lives on distributions that move it.
OCTAVE_FFI_CFLAGS := $(shell pkg-config --cflags libffi 2>/dev/null)
OCTAVE_FFI_LIBS := $(shell pkg-config --libs libffi 2>/dev/null || echo -lffi) -ldl
# mkoctfile takes CXXFLAGS from the environment (replacing its default -g -O2).
OCTAVE_FFI_CXXFLAGS := -g -O2 -Wall -Wextra -fstack-protector-strong
# --no-history: Octave 7 reports an error at exit when it cannot write its history file.
OCTAVE_FLAGS := --no-history --no-init-file --no-window-system --quiet

.PHONY: octave-ffi octave-ffi-test

octave-ffi: $(OCTAVE_FFI_OCT)

$(OCTAVE_FFI_OCT): $(OCTAVE_FFI_DIR)/lrp_ffi.cc
	CXXFLAGS="$(OCTAVE_FFI_CXXFLAGS)" $(MKOCTFILE) $(OCTAVE_FFI_CFLAGS) -o $@ $< $(OCTAVE_FFI_LIBS)

$(OCTAVE_FFI_FIXTURE): $(OCTAVE_FFI_TEST_DIR)/fixture.c $(OCTAVE_FFI_TEST_DIR)/fixture.h
	@mkdir -p $(@D)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -O1 -g -shared -fPIC -o $@ $<

octave-ffi-test: $(OCTAVE_FFI_OCT) $(OCTAVE_FFI_FIXTURE) $(LIB)
	@echo "== Octave FFI emulation (tests/octave/ffi)"
	$(OCTAVE_CLI) $(OCTAVE_FLAGS) --eval "addpath('$(abspath $(OCTAVE_FFI_DIR))'); \
		addpath('$(abspath $(OCTAVE_FFI_TEST_DIR))'); \
		failed = test_ffi('$(abspath $(OCTAVE_FFI_FIXTURE))', '$(abspath $(OCTAVE_FFI_TEST_DIR)/fixture.h)', \
		'$(abspath $(LIB))', '$(abspath include/lrp.h)', '$(abspath $(OCTAVE_GOLDEN_DIR))', \
		'$(abspath bindings/matlab/lrp_proto.m)'); \
		exit(double(failed > 0))"

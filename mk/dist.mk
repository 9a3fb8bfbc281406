# Installation and distribution checks: install (library, headers, pkg-config file),
# dist-suite (run by `make test`: install into a scratch tree, build the C example and the
# C++ wrapper test against it through pkg-config only, run both) and fuzz (cargo-fuzz, not
# part of `make test`).

.PHONY: install dist-suite fuzz fuzz-regressions bin

# From Cargo.toml, for lrp.pc.
LRP_VERSION := $(shell sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
LRP_DESCRIPTION := $(shell sed -n 's/^description *= *"\(.*\)"$$/\1/p' Cargo.toml | head -n 1)

INSTALL ?= install
INSTALL_LIB := $(DESTDIR)$(PREFIX)/lib
INSTALL_INCLUDE := $(DESTDIR)$(PREFIX)/include
INSTALL_PC := $(DESTDIR)$(PREFIX)/lib/pkgconfig
INSTALL_BIN := $(DESTDIR)$(PREFIX)/bin

## The `lrp` command line (feature `cli`, on by default).
bin:
	$(CARGO) build --release --bin lrp

## liblrp.so, liblrp.a, lrp.h, lrp.hpp and lrp.pc into $(DESTDIR)$(PREFIX)/{lib,include,lib/pkgconfig},
## the `lrp` command into $(DESTDIR)$(PREFIX)/bin.
install: lib bin
	$(INSTALL) -d $(INSTALL_LIB) $(INSTALL_INCLUDE) $(INSTALL_PC) $(INSTALL_BIN)
	$(INSTALL) -m 755 $(LIBDIR)/lrp $(INSTALL_BIN)/lrp
	$(INSTALL) -m 755 $(LIBDIR)/liblrp.so $(INSTALL_LIB)/liblrp.so
	$(INSTALL) -m 644 $(LIBDIR)/liblrp.a $(INSTALL_LIB)/liblrp.a
	$(INSTALL) -m 644 include/lrp.h include/lrp.hpp $(INSTALL_INCLUDE)/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(LRP_VERSION)|g' \
	    -e 's|@DESCRIPTION@|$(LRP_DESCRIPTION)|g' mk/lrp.pc.in > $(INSTALL_PC)/lrp.pc
	chmod 644 $(INSTALL_PC)/lrp.pc

# dist-suite's scratch install tree, and pkg-config restricted to it: --define-prefix
# takes the prefix from where lrp.pc lies, so -I and -L point into the tree.
DIST_ROOT := $(CURDIR)/target/dist-suite
DIST_PKG := PKG_CONFIG_LIBDIR=$(DIST_ROOT)/usr/lib/pkgconfig PKG_CONFIG_PATH= pkg-config --define-prefix
DIST_RUN := LD_LIBRARY_PATH=$(DIST_ROOT)/usr/lib
GOLDEN := ../shared/golden

## make install into a scratch tree; the C example (shared and static: Libs.private), the
## README's C and C++ snippets and the C++ wrapper test built against it through pkg-config
## only, then run (image 0 of
## mnist_test_x.npy is a 7); the installed `lrp` command: info on LeNet-5 (47645 parameters)
## and explain on its 16 golden inputs (16 heatmaps).
dist-suite: lib bin
	rm -rf $(DIST_ROOT)
	$(MAKE) --no-print-directory install DESTDIR=$(DIST_ROOT) PREFIX=/usr
	$(DIST_ROOT)/usr/bin/lrp --version | grep -qx 'lrp $(LRP_VERSION)'
	$(DIST_ROOT)/usr/bin/lrp info $(GOLDEN)/lenet5.txt | grep -q '^parameters: 47645$$'
	$(DIST_ROOT)/usr/bin/lrp explain $(GOLDEN)/lenet5.txt $(GOLDEN)/lenet5_input.npy \
	    --out $(DIST_ROOT)/lrp-out --save-relevance
	test "$$(ls $(DIST_ROOT)/lrp-out | grep -c '^lenet5_input_[0-9]*_class[0-9]\.png$$')" = 16
	test "$$($(DIST_PKG) --modversion lrp)" = "$(LRP_VERSION)"
	$(DIST_PKG) --cflags lrp | grep -q -- '-I$(DIST_ROOT)/usr/include'
	$(DIST_PKG) --libs lrp | grep -q -- '-L$(DIST_ROOT)/usr/lib'
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic examples/c/explain.c \
	    $$($(DIST_PKG) --cflags lrp) -o $(DIST_ROOT)/explain $$($(DIST_PKG) --libs lrp)
	$(DIST_RUN) ldd $(DIST_ROOT)/explain | grep -q '$(DIST_ROOT)/usr/lib/liblrp.so'
	$(DIST_RUN) $(DIST_ROOT)/explain $(GOLDEN)/lenet5.txt $(GOLDEN)/mnist_test_x.npy \
	    > $(DIST_ROOT)/explain.out
	cat $(DIST_ROOT)/explain.out
	grep -q '^class 7 ' $(DIST_ROOT)/explain.out
	test "$$(grep -cE '^ *[0-9]+ +[0-9]+ +-?[0-9]+\.[0-9]+$$' $(DIST_ROOT)/explain.out)" = 10
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic examples/c/explain.c \
	    $$($(DIST_PKG) --cflags lrp) -o $(DIST_ROOT)/explain-static \
	    $$($(DIST_PKG) --static --libs lrp | sed 's/-llrp/-l:liblrp.a/')
	! ldd $(DIST_ROOT)/explain-static | grep -q liblrp
	$(DIST_ROOT)/explain-static $(GOLDEN)/lenet5.txt $(GOLDEN)/mnist_test_x.npy \
	    > $(DIST_ROOT)/explain-static.out
	cmp $(DIST_ROOT)/explain.out $(DIST_ROOT)/explain-static.out
	# The README's C and C++ snippets ("Using it from C and C++"), as they stand.
	sed -n '/^## Using it from C and C++/,/^## Using it from MATLAB/p' README.md | \
	    awk '/^```c$$/ { on = 1; next } /^```$$/ { if (on) exit } on' > $(DIST_ROOT)/readme.c
	sed -n '/^## Using it from C and C++/,/^## Using it from MATLAB/p' README.md | \
	    awk '/^```cpp$$/ { on = 1; next } /^```$$/ { if (on) exit } on' > $(DIST_ROOT)/readme.cpp
	grep -q lrp_network_explain_with $(DIST_ROOT)/readme.c
	grep -q ExplainOptions $(DIST_ROOT)/readme.cpp
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic $(DIST_ROOT)/readme.c \
	    $$($(DIST_PKG) --cflags lrp) -o $(DIST_ROOT)/readme-c $$($(DIST_PKG) --libs lrp)
	$(DIST_RUN) $(DIST_ROOT)/readme-c | grep -q '^class [0-9], relevance of pixel (16, 16): .* (rank 4)$$'
	$(CXX) -std=c++11 -Wall -Wextra -Werror -pedantic $(DIST_ROOT)/readme.cpp \
	    $$($(DIST_PKG) --cflags lrp) -o $(DIST_ROOT)/readme-cpp $$($(DIST_PKG) --libs lrp)
	$(DIST_RUN) $(DIST_ROOT)/readme-cpp | grep -q '^class [0-9], relevance of pixel (16, 16): '
	$(CXX) -std=c++11 -Wall -Wextra -Werror -pedantic tests/cpp/test_wrapper.cpp \
	    $$($(DIST_PKG) --cflags lrp) -o $(DIST_ROOT)/test_wrapper $$($(DIST_PKG) --libs lrp)
	$(DIST_RUN) $(DIST_ROOT)/test_wrapper $(GOLDEN)/lenet5.txt
	@echo "dist-suite: install, pkg-config, C example and C++ wrapper test passed"

# Fuzzing (fuzz/, cargo-fuzz with libFuzzer): each target runs FUZZ_SECONDS. cargo fuzz
# needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. New corpus
# entries go to fuzz/corpus/<target>, crashes to fuzz/artifacts/<target> (both ignored by
# git); fuzz/seeds/<target> are the committed starting inputs.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := model_reader onnx_reader c_api npy_reader txt_reader render_params
FUZZ_TARGET_DIR ?= fuzz/target
FUZZ_FLAGS ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

## Every fuzz target for FUZZ_SECONDS each (needs `cargo install cargo-fuzz`); -timeout in
## FUZZ_FLAGS makes an input running longer than 10 s a finding (the hang detector).
fuzz:
	@command -v cargo-fuzz >/dev/null || { echo "fuzz: cargo-fuzz is missing: cargo install cargo-fuzz" >&2; exit 1; }
	@set -e; for t in $(FUZZ_TARGETS); do \
	    mkdir -p fuzz/corpus/$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --target-dir $(abspath $(FUZZ_TARGET_DIR)) $$t \
	        fuzz/corpus/$$t fuzz/seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS); \
	done

## Replays fuzz/regressions/ (saved crash inputs) through the harnesses on stable Rust.
fuzz-regressions:
	CARGO_TARGET_DIR=$(abspath $(FUZZ_TARGET_DIR)) $(CARGO) test --manifest-path fuzz/Cargo.toml

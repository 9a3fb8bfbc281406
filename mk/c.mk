# The C test suite of the C ABI (tests/c). `make c-suite` (run by `make test`):
#  0. checks that every lrp_* function of include/lrp.h is called somewhere in tests/c;
#  1. compiles include/lrp.h alone as C99 and as C++11 (-pedantic -Werror), and with clang in
#     MSVC (Windows) and macOS modes;
#  2. runs the suite against $(LIB) (target/release/liblrp.so);
#  3. runs it under valgrind's memcheck, against a build of the library without its default
#     features (target/nomimalloc): mimalloc takes its memory from mmap and hands it out
#     itself, so valgrind could neither see leaks of the Rust side nor check its accesses;
#     with the system allocator it sees every allocation;
#  4. runs it with AddressSanitizer + UBSan compiled into the C tests, against $(LIB).
# All must pass. The runner prints "N passed, M failed" last and exits 1 on a failure.
# `make c-suite-plain` (or -valgrind, -asan, c-header-check, c-api-coverage) runs one part;
# C_SUITES="errors golden" limits the runs to some suites (api, errors, model_files,
# data_files, render, golden, threads, beyond_toolbox, gradient_methods, hostile,
# explain_with, graph).

C_TEST_DIR := tests/c
C_TEST_BUILD := target/c-tests
C_TEST_SRCS := $(filter-out $(C_TEST_DIR)/header_alone.c,$(wildcard $(C_TEST_DIR)/*.c))
C_TEST_DEPS := $(C_TEST_SRCS) $(wildcard $(C_TEST_DIR)/*.h) include/lrp.h
# The golden data, relative to the repository root where make runs.
C_GOLDEN_DIR ?= ../shared/golden
C_SUITES ?=

C_TEST_WARNINGS := -std=c99 -Wall -Wextra -Werror -pedantic
# For the header check in other targets' modes (MSVC, macOS): gcc has one target only.
CLANG ?= clang
C_TEST_CFLAGS := $(C_TEST_WARNINGS) -O1 -g -Iinclude -pthread
C_TEST_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The library built with the system allocator, for valgrind.
C_NOMIMALLOC_TARGET := target/nomimalloc
C_NOMIMALLOC_LIBDIR := $(C_NOMIMALLOC_TARGET)/release

# Links a runner against the liblrp.so in $(1). DT_RPATH (not RUNPATH: LD_LIBRARY_PATH does
# not override it) makes each runner load exactly the library it was built for.
c_test_link = -L$(1) -Wl,--disable-new-dtags,-rpath,$(abspath $(1)) -llrp -lm -pthread

VALGRIND ?= valgrind
C_VALGRIND_FLAGS := --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --fair-sched=yes --quiet
# Errors are fatal; leaks are checked at exit (LeakSanitizer).
C_ASAN_ENV := ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: c-suite c-api-coverage c-header-check c-suite-plain c-suite-valgrind c-suite-asan \
	c-lib-nomimalloc

c-suite: c-api-coverage c-header-check c-suite-plain c-suite-valgrind c-suite-asan

# A new export without a test fails here rather than going unnoticed.
c-api-coverage:
	@missing=$$(for f in $$(grep -oE '\blrp_[a-z0-9_]+\(' include/lrp.h | tr -d '(' | sort -u); do \
		grep -q "$$f(" $(C_TEST_DIR)/test_*.c || echo "$$f"; done); \
	if [ -n "$$missing" ]; then \
		echo "c-api-coverage: functions of include/lrp.h no test in $(C_TEST_DIR) calls:" $$missing >&2; \
		exit 1; \
	fi; \
	echo "c-api-coverage: every lrp_* function of include/lrp.h is called in $(C_TEST_DIR)"

c-header-check:
	@mkdir -p $(C_TEST_BUILD)
	$(CC) $(C_TEST_WARNINGS) -Iinclude -c $(C_TEST_DIR)/header_alone.c -o $(C_TEST_BUILD)/header_c.o
	$(CXX) -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude -x c++ -c $(C_TEST_DIR)/header_alone.c -o $(C_TEST_BUILD)/header_cpp.o
	# Windows (MSVC, 64- and 32-bit) and macOS: clang in those targets' modes, freestanding
	# (their system headers are not here; lrp.h needs only stdint.h and stddef.h). A syntax
	# check of the header, not a build of the library: see the README's "Platforms".
	for t in x86_64-pc-windows-msvc i686-pc-windows-msvc aarch64-apple-darwin; do \
	    $(CLANG) --target=$$t -ffreestanding -fsyntax-only $(C_TEST_WARNINGS) -Iinclude $(C_TEST_DIR)/header_alone.c || exit 1; \
	done
	$(CLANG) --target=x86_64-pc-windows-msvc -fms-compatibility -ffreestanding -fsyntax-only \
	    -x c++ -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude $(C_TEST_DIR)/header_alone.c
	@echo "c-header-check: include/lrp.h compiles alone as C99 and as C++11, also in MSVC and macOS modes"

c-lib-nomimalloc:
	$(CARGO) build --release --lib --no-default-features --target-dir $(C_NOMIMALLOC_TARGET)

$(C_TEST_BUILD)/plain/lrp_c_tests: $(C_TEST_DEPS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(C_TEST_CFLAGS) $(C_TEST_SRCS) -o $@ $(call c_test_link,$(LIBDIR))

$(C_TEST_BUILD)/valgrind/lrp_c_tests: $(C_TEST_DEPS) c-lib-nomimalloc
	@mkdir -p $(@D)
	$(CC) $(C_TEST_CFLAGS) $(C_TEST_SRCS) -o $@ $(call c_test_link,$(C_NOMIMALLOC_LIBDIR))

$(C_TEST_BUILD)/asan/lrp_c_tests: $(C_TEST_DEPS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(C_TEST_CFLAGS) $(C_TEST_SANITIZE) $(C_TEST_SRCS) -o $@ $(call c_test_link,$(LIBDIR))

c-suite-plain: $(C_TEST_BUILD)/plain/lrp_c_tests
	@echo "== C tests (plain)"
	$< $(C_GOLDEN_DIR) $(C_SUITES)

c-suite-valgrind: $(C_TEST_BUILD)/valgrind/lrp_c_tests
	@echo "== C tests (valgrind, library without mimalloc)"
	# The golden-onnx models' LRP takes minutes under valgrind for the 39 MB ResNet; this run
	# checks the small mixed model's (the plain and ASan runs check all three).
	LRP_TEST_ONNX_MODELS=mixed $(VALGRIND) $(C_VALGRIND_FLAGS) $< $(C_GOLDEN_DIR) $(C_SUITES)

c-suite-asan: $(C_TEST_BUILD)/asan/lrp_c_tests
	@echo "== C tests (AddressSanitizer + UBSan)"
	$(C_ASAN_ENV) $< $(C_GOLDEN_DIR) $(C_SUITES)

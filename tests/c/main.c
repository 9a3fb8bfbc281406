/*
 * The runner of the C test suite:
 *
 *     lrp_c_tests [GOLDEN_DIR [SUITE...]]
 *
 * GOLDEN_DIR defaults to ../shared/golden (relative to the repository root, where `make
 * c-suite` runs it; zennit's results are read from GOLDEN_DIR-zennit); SUITEs (api, errors,
 * model_files, data_files, render, golden, threads, beyond_toolbox, gradient_methods,
 * hostile, graph) default
 * to all.
 * Scratch files go to a fresh directory under $TMPDIR (or /tmp), removed at the end. The
 * last line is "N passed, M failed"; the exit status is 1 if any check failed.
 */
/* mkdtemp and rmdir are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name;
    void (*run)(void);
} SUITES[] = {
    {"api", suite_api},
    {"errors", suite_errors},
    {"model_files", suite_model_files},
    {"data_files", suite_data_files},
    {"render", suite_render},
    {"golden", suite_golden},
    {"threads", suite_threads},
    {"beyond_toolbox", suite_beyond_toolbox},
    {"gradient_methods", suite_gradient_methods},
    {"hostile", suite_hostile},
    {"explain_with", suite_explain_with},
    {"graph", suite_graph},
};

#define SUITE_COUNT (sizeof SUITES / sizeof SUITES[0])

static int selected(const char *name, int argc, char **argv)
{
    int k;
    if (argc <= 2) {
        return 1;
    }
    for (k = 2; k < argc; k++) {
        if (strcmp(argv[k], name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Checks that hold before any test runs. */
static void test_start_state(void)
{
    char manifest[TEST_PATH_LEN];
    FILE *f;
    /* No call has failed on this thread yet. */
    CHECK_MSG(strcmp(lrp_last_error(), "") == 0, "lrp_last_error() is \"%s\"",
              lrp_last_error());
    CHECK(lrp_live_networks() == 0);
    /* The golden data must be there: a missing ../shared is a failure, never a skip. */
    golden_path(manifest, "manifest.json");
    f = fopen(manifest, "r");
    CHECK_MSG(f != NULL, "%s is missing", manifest);
    if (f != NULL) {
        fclose(f);
    }
}

/* Checks that hold after all tests: every handle freed. */
static void test_end_state(void)
{
    CHECK_MSG(lrp_live_networks() == 0, "%ld network handles were not freed",
              (long)lrp_live_networks());
}

int main(int argc, char **argv)
{
    char tmp_dir[TEST_PATH_LEN];
    const char *base = getenv("TMPDIR");
    size_t k;
    int known, j;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1) {
        test_golden_dir = argv[1];
    }
    for (j = 2; j < argc; j++) {
        for (known = 0, k = 0; k < SUITE_COUNT; k++) {
            known |= strcmp(argv[j], SUITES[k].name) == 0;
        }
        if (!known) {
            fprintf(stderr, "unknown suite %s\n", argv[j]);
            return 2;
        }
    }
    join_path(tmp_dir, base != NULL && base[0] != '\0' ? base : "/tmp", "lrp-c-tests-XXXXXX");
    if (mkdtemp(tmp_dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    test_tmp_dir = tmp_dir;
    printf("lrp %s C API tests; golden data in %s, scratch files in %s\n", lrp_version(),
           test_golden_dir, test_tmp_dir);

    RUN_TEST(test_start_state);
    for (k = 0; k < SUITE_COUNT; k++) {
        if (selected(SUITES[k].name, argc, argv)) {
            printf("== suite %s\n", SUITES[k].name);
            SUITES[k].run();
        }
    }
    RUN_TEST(test_end_state);

    /* The tests remove their files; a leftover makes this fail and is worth a look. */
    if (rmdir(tmp_dir) != 0) {
        printf("note: could not remove %s (files left behind?)\n", tmp_dir);
    }
    printf("%ld passed, %ld failed\n", harness_passed(), harness_failed());
    return harness_failed() == 0 ? 0 : 1;
}

/*
 * Model files through lrp_network_read and lrp_network_write: small malformed files
 * written to the scratch directory (each must be refused with a message of the form
 * "<file>:<line>: ..." that says what was expected), missing and unreadable files, and
 * writes that cannot succeed.
 *
 * lrp_network_read returns a handle, not a status, so the kind of failure (LRP_ERR_PARSE
 * or LRP_ERR_IO) shows only in the message: a parse error names file and line, an I/O
 * error the file and the system's reason.
 */
/* mkdir and rmdir are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const char *file;     /* scratch file name */
    const char *text;     /* its content */
    int line;             /* the line the error must name */
    const char *detail;   /* a part of the message saying what is wrong */
    const char *detail2;  /* another part, or NULL */
} BadModel;

static const BadModel BAD_MODELS[] = {
    /* Truncated: the biases line is missing. */
    {"truncated_biases.txt", "Linear 2 3\n1 2 3 4 5 6\n", 3, "unexpected end of file",
     "3 biases"},
    /* Truncated: a Convolution header and nothing after it. */
    {"truncated_conv.txt", "Rect\nConvolution 2 2 1 2 1 1\n", 3, "unexpected end of file",
     "8 weights"},
    /* Wrong weight count (5 of 6) after a layer without parameters. */
    {"short_weights.txt", "Rect\nLinear 2 3\n1 2 3 4 5\n0 0 0\n", 3, "6 weights",
     "found 5 numbers"},
    /* Wrong bias count. */
    {"long_biases.txt", "Linear 2 2\n1 2 3 4\n0 0 0\n", 3, "2 biases", "found 3 numbers"},
    /* A non-numeric token among the weights. */
    {"token.txt", "Linear 2 2\n1 2 x3 4\n0 0\n", 2, "expected a number", "'x3'"},
    /* A number that is not finite. */
    {"nan_weight.txt", "Linear 1 1\nnan\n0\n", 2, "finite", NULL},
    /* An unknown layer after an empty line. */
    {"unknown_layer.txt", "Rect\n\nDense 3 4\n", 3, "'Dense'", "layer name"},
    /* A header with a size missing, and one with a size of 0. */
    {"pool_sizes.txt", "Tanh\nMaxPool 2 2 2\n", 2, "expected 4 sizes", "found 3"},
    {"zero_size.txt", "SumPool 0 2 2 2\n", 1, "positive integer", "'0'"},
};

static void test_malformed_model_files_name_file_and_line(void)
{
    int64_t live = lrp_live_networks();
    size_t k;
    for (k = 0; k < sizeof BAD_MODELS / sizeof BAD_MODELS[0]; k++) {
        const BadModel *bad = &BAD_MODELS[k];
        char path[TEST_PATH_LEN], where[TEST_PATH_LEN + 32];
        LrpNetwork *net;
        tmp_path(path, bad->file);
        if (!write_text_file(path, bad->text)) {
            continue;
        }
        net = lrp_network_read(path);
        CHECK_MSG(net == NULL, "%s was accepted", bad->file);
        CHECK_MSG(lrp_last_status() == LRP_ERR_PARSE, "%s: status %s", bad->file,
                  lrp_status_name(lrp_last_status()));
        lrp_network_free(net);
        snprintf(where, sizeof where, "%s:%d: ", path, bad->line);
        CHECK_ERROR_MENTIONS("lrp_network_read", where, bad->detail);
        if (bad->detail2 != NULL) {
            CHECK_ERROR_MENTIONS(bad->detail2);
        }
        remove(path);
    }
    CHECK(lrp_live_networks() == live);
}

static void test_missing_and_unreadable_files(void)
{
    char path[TEST_PATH_LEN];
    tmp_path(path, "does-not-exist.txt");
    CHECK(lrp_network_read(path) == NULL);
    CHECK(lrp_last_status() == LRP_ERR_IO);
    CHECK_ERROR_MENTIONS("lrp_network_read", path, "No such file");
    /* A directory is no model file either. */
    CHECK(lrp_network_read(test_tmp_dir) == NULL);
    CHECK_ERROR_MENTIONS("lrp_network_read", test_tmp_dir);
    /* A path that is not UTF-8. */
    CHECK(lrp_network_read("/tmp/\xff\xfe.txt") == NULL);
    CHECK(lrp_last_status() == LRP_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("lrp_network_read", "UTF-8");
}

static void test_write_failures_are_io_errors(void)
{
    char path[TEST_PATH_LEN], dir[TEST_PATH_LEN], partial[TEST_PATH_LEN + 16];
    LrpNetwork *net = lrp_network_new();
    FILE *f;
    CHECK_OK(lrp_network_add_rect(net));

    tmp_path(path, "no-such-dir/model.txt");
    CHECK_STATUS(lrp_network_write(net, path), LRP_ERR_IO);
    CHECK_ERROR_MENTIONS("lrp_network_write", path);

    /* Writing over a directory fails, and the text written next to it first (to be renamed
     * over the target only when complete) is not left behind. */
    tmp_path(dir, "a-directory");
    snprintf(partial, sizeof partial, "%s.partial", dir);
    if (CHECK_MSG(mkdir(dir, 0700) == 0, "cannot create %s", dir)) {
        CHECK_STATUS(lrp_network_write(net, dir), LRP_ERR_IO);
        CHECK_ERROR_MENTIONS("lrp_network_write", dir);
        f = fopen(partial, "r");
        CHECK_MSG(f == NULL, "%s was left behind", partial);
        if (f != NULL) {
            fclose(f);
            remove(partial);
        }
        rmdir(dir);
    }
    lrp_network_free(net);
}

static void test_legacy_linear_layout_reads_like_one_line(void)
{
    static const double want_w[6] = {1, 2, 3, 4, 5, 6}, want_b[3] = {0.5, 0, -1};
    char one[TEST_PATH_LEN], legacy[TEST_PATH_LEN];
    LrpNetwork *a, *b;
    double w[6], bias[3];
    tmp_path(one, "one_line.txt");
    tmp_path(legacy, "legacy.txt");
    if (!write_text_file(one, "Linear 2 3\n1 2 3 4 5 6\n0.5 0 -1\nRect\n") ||
        !write_text_file(legacy, "Linear 2 3\n1 2 3\n4 5 6\n0.5 0 -1\n\nRect\n")) {
        return;
    }
    a = lrp_network_read(one);
    b = lrp_network_read(legacy);
    CHECK_MSG(a != NULL && b != NULL, "%s", lrp_last_error());
    if (a != NULL && b != NULL) {
        LrpNetwork *nets[2];
        int k;
        nets[0] = a;
        nets[1] = b;
        for (k = 0; k < 2; k++) {
            size_t count = 0;
            CHECK_OK(lrp_network_num_layers(nets[k], &count));
            CHECK(count == 2);
            CHECK_OK(lrp_layer_get_param(nets[k], 0, LRP_PARAM_W, w, 6, LRP_LAYOUT_ROW_MAJOR));
            CHECK_OK(lrp_layer_get_param(nets[k], 0, LRP_PARAM_B, bias, 3,
                                         LRP_LAYOUT_ROW_MAJOR));
            CHECK(count_bit_differences(w, want_w, 6) == 0);
            CHECK(count_bit_differences(bias, want_b, 3) == 0);
        }
    }
    lrp_network_free(a);
    lrp_network_free(b);
    remove(one);
    remove(legacy);
}

void suite_model_files(void)
{
    RUN_TEST(test_malformed_model_files_name_file_and_line);
    RUN_TEST(test_missing_and_unreadable_files);
    RUN_TEST(test_write_failures_are_io_errors);
    RUN_TEST(test_legacy_linear_layout_reads_like_one_line);
}

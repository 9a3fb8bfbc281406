/*
 * Success paths of every exported function: building networks layer by layer, querying
 * them, parameters in both layouts, presets, forward/backward/update/LRP/explain on a
 * network small enough to compute the expected values here, model files, cloning and
 * training. Failure paths are in test_errors.c and test_model_files.c.
 */
#include "fixtures.h"
#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Reference computations for the small network (Linear then Rect) ---------------- */

/* z = X W + B for SMALL_X, before the Rect. */
static void small_pre_activation(const double *w, const double *b,
                                 double z[SMALL_BATCH * SMALL_N])
{
    int n, i, j;
    for (n = 0; n < SMALL_BATCH; n++) {
        for (j = 0; j < SMALL_N; j++) {
            double s = b[j];
            for (i = 0; i < SMALL_M; i++) {
                s += SMALL_X[n * SMALL_M + i] * w[i * SMALL_N + j];
            }
            z[n * SMALL_N + j] = s;
        }
    }
}

/* The epsilon rule through Linear (Rect passes relevance through): R_i = sum_j x_i w_ij /
 * (z_j + eps sign(z_j)) R_j. */
static void small_lrp_epsilon(const double *r, double eps, double out[SMALL_BATCH * SMALL_M])
{
    double z[SMALL_BATCH * SMALL_N];
    int n, i, j;
    small_pre_activation(SMALL_W, SMALL_B, z);
    for (n = 0; n < SMALL_BATCH; n++) {
        for (i = 0; i < SMALL_M; i++) {
            double s = 0.0;
            for (j = 0; j < SMALL_N; j++) {
                double zj = z[n * SMALL_N + j];
                double stab = zj + eps * (zj >= 0 ? 1.0 : -1.0);
                s += SMALL_X[n * SMALL_M + i] * SMALL_W[i * SMALL_N + j] / stab *
                     r[n * SMALL_N + j];
            }
            out[n * SMALL_M + i] = s;
        }
    }
}

/* ---- Version, status names, handle counting ----------------------------------------- */

static void test_version_and_status_names(void)
{
    static const char *const names[] = {
        "LRP_OK", "LRP_ERR_NULL_ARGUMENT", "LRP_ERR_INVALID_ARGUMENT",
        "LRP_ERR_SHAPE_MISMATCH", "LRP_ERR_UNKNOWN_RULE", "LRP_ERR_PARSE", "LRP_ERR_IO",
        "LRP_ERR_OUT_OF_ORDER", "LRP_ERR_NON_FINITE", "LRP_ERR_PANIC",
    };
    /* The constants as the header defines them, in the order of `names`. */
    static const int32_t codes[] = {
        LRP_OK, LRP_ERR_NULL_ARGUMENT, LRP_ERR_INVALID_ARGUMENT, LRP_ERR_SHAPE_MISMATCH,
        LRP_ERR_UNKNOWN_RULE, LRP_ERR_PARSE, LRP_ERR_IO, LRP_ERR_OUT_OF_ORDER,
        LRP_ERR_NON_FINITE, LRP_ERR_PANIC,
    };
    static const int32_t unknown[] = {-1, 10, 100, INT32_MAX, INT32_MIN};
    const char *version = lrp_version();
    unsigned major, minor, patch;
    size_t k;

    CHECK(version != NULL);
    CHECK_MSG(version != NULL && sscanf(version, "%u.%u.%u", &major, &minor, &patch) == 3,
              "lrp_version() = \"%s\"", version == NULL ? "(NULL)" : version);
    for (k = 0; k < sizeof codes / sizeof codes[0]; k++) {
        const char *name = lrp_status_name(codes[k]);
        CHECK_MSG(codes[k] == (int32_t)k, "status constants are 0..9 in order");
        CHECK_MSG(name != NULL && strcmp(name, names[k]) == 0,
                  "lrp_status_name(%d) = \"%s\", expected \"%s\"", (int)codes[k],
                  name == NULL ? "(NULL)" : name, names[k]);
    }
    for (k = 0; k < sizeof unknown / sizeof unknown[0]; k++) {
        const char *name = lrp_status_name(unknown[k]);
        CHECK_MSG(name != NULL && strcmp(name, "LRP_ERR_UNKNOWN_STATUS") == 0,
                  "lrp_status_name(%ld) = \"%s\"", (long)unknown[k],
                  name == NULL ? "(NULL)" : name);
    }
}

static void test_live_networks_counting(void)
{
    char missing[TEST_PATH_LEN];
    int64_t base = lrp_live_networks();
    LrpNetwork *a, *b, *c;

    a = lrp_network_new();
    CHECK(a != NULL);
    CHECK(lrp_live_networks() == base + 1);
    b = lrp_network_clone(a);
    CHECK(b != NULL);
    CHECK(lrp_live_networks() == base + 2);
    c = read_golden_model("xor_net_small.txt");
    CHECK(lrp_live_networks() == base + 3);

    /* Failed creations create nothing. */
    tmp_path(missing, "no-such-model.txt");
    CHECK(lrp_network_read(missing) == NULL);
    CHECK(lrp_network_read(NULL) == NULL);
    CHECK(lrp_network_clone(NULL) == NULL);
    CHECK(lrp_live_networks() == base + 3);

    lrp_network_free(b);
    CHECK(lrp_live_networks() == base + 2);
    lrp_network_free(NULL); /* a no-op */
    CHECK(lrp_live_networks() == base + 2);
    lrp_network_free(a);
    lrp_network_free(c);
    CHECK(lrp_live_networks() == base);
}

/* ---- Building and querying ----------------------------------------------------------- */

static void check_layer(const LrpNetwork *net, size_t index, int32_t kind,
                        const size_t *sizes, size_t nsizes)
{
    int32_t got_kind = -1;
    size_t count = 99, k;
    CHECK_OK(lrp_layer_kind(net, index, &got_kind));
    CHECK_MSG(got_kind == kind, "layer %lu: kind %d, expected %d", (unsigned long)index,
              (int)got_kind, (int)kind);
    CHECK_OK(lrp_layer_num_sizes(net, index, &count));
    CHECK_MSG(count == nsizes, "layer %lu: %lu sizes, expected %lu", (unsigned long)index,
              (unsigned long)count, (unsigned long)nsizes);
    for (k = 0; k < nsizes && k < count; k++) {
        size_t size = 0;
        CHECK_OK(lrp_layer_size(net, index, k, &size));
        CHECK_MSG(size == sizes[k], "layer %lu size %lu: %lu, expected %lu",
                  (unsigned long)index, (unsigned long)k, (unsigned long)size,
                  (unsigned long)sizes[k]);
    }
}

static void test_build_dense_network_and_query_it(void)
{
    static const size_t linear_sizes[] = {SMALL_M, SMALL_N};
    LrpNetwork *net = lrp_network_new();
    size_t count = 0, len = 0;
    int32_t dropped = -1;
    double w[SMALL_M * SMALL_N], b[SMALL_N], w_col[SMALL_M * SMALL_N];
    size_t w_shape[2] = {SMALL_M, SMALL_N};

    CHECK_OK(lrp_network_num_layers(net, &count));
    CHECK(count == 0);
    CHECK_OK(lrp_network_add_linear(net, SMALL_M, SMALL_N, SMALL_W, SMALL_M * SMALL_N, SMALL_B,
                                    SMALL_N, LRP_LAYOUT_ROW_MAJOR, 0));
    CHECK_OK(lrp_network_add_rect(net));
    CHECK_OK(lrp_network_add_tanh(net));
    CHECK_OK(lrp_network_add_softmax(net));
    CHECK_OK(lrp_network_num_layers(net, &count));
    CHECK(count == 4);

    check_layer(net, 0, LRP_LAYER_LINEAR, linear_sizes, 2);
    check_layer(net, 1, LRP_LAYER_RECT, NULL, 0);
    check_layer(net, 2, LRP_LAYER_TANH, NULL, 0);
    check_layer(net, 3, LRP_LAYER_SOFTMAX, NULL, 0);

    CHECK_OK(lrp_layer_param_len(net, 0, LRP_PARAM_W, &len));
    CHECK(len == SMALL_M * SMALL_N);
    CHECK_OK(lrp_layer_param_len(net, 0, LRP_PARAM_B, &len));
    CHECK(len == SMALL_N);

    /* Parameters come back as given in row-major order, and transposed into Fortran
     * order for column-major callers. */
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_W, w, SMALL_M * SMALL_N,
                                 LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(w, SMALL_W, SMALL_M * SMALL_N) == 0);
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_W, w, SMALL_M * SMALL_N,
                                 LRP_LAYOUT_COL_MAJOR));
    to_col_major(SMALL_W, w_col, w_shape, 2);
    CHECK(count_bit_differences(w, w_col, SMALL_M * SMALL_N) == 0);
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_B, b, SMALL_N, LRP_LAYOUT_COL_MAJOR));
    CHECK(count_bit_differences(b, SMALL_B, SMALL_N) == 0);
    /* A larger buffer is fine: only the first len elements are written. */
    {
        double big[SMALL_N + 2];
        fill(big, SMALL_N + 2, SENTINEL);
        CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_B, big, SMALL_N + 2,
                                     LRP_LAYOUT_ROW_MAJOR));
        CHECK(count_bit_differences(big, SMALL_B, SMALL_N) == 0);
        CHECK(all_equal_to(big + SMALL_N, 2, SENTINEL));
    }

    /* drop_softmax_output_layer removes a final SoftMax only. */
    CHECK_OK(lrp_network_drop_softmax_output_layer(net, &dropped));
    CHECK(dropped == 1);
    CHECK_OK(lrp_network_num_layers(net, &count));
    CHECK(count == 3);
    CHECK_OK(lrp_network_drop_softmax_output_layer(net, &dropped));
    CHECK(dropped == 0);
    CHECK_OK(lrp_network_num_layers(net, &count));
    CHECK(count == 3);
    CHECK_OK(lrp_network_pop_layer(net));
    CHECK_OK(lrp_network_num_layers(net, &count));
    CHECK(count == 2);
    check_layer(net, 1, LRP_LAYER_RECT, NULL, 0);
    lrp_network_free(net);
}

static void test_build_convolutional_network_and_query_it(void)
{
    /* Conv 2x2x1 -> 2 filters, stride 1; W in C order of hf x wf x df x nf. */
    static const double conv_w[8] = {1, -1, 0.5, 0.25, -0.5, 2, 1, 0};
    static const double conv_b[2] = {0.1, -0.2};
    static const size_t conv_sizes[] = {2, 2, 1, 2, 1, 1};
    static const size_t max_sizes[] = {2, 2, 2, 2};
    static const size_t sum_sizes[] = {3, 1, 1, 2};
    size_t shape[4] = {2, 2, 1, 2};
    double w_col[8], w[8];
    LrpNetwork *net = lrp_network_new();
    size_t o0 = 0, o1 = 0, o2 = 0, o3 = 0;
    int32_t rank = 0;

    /* W given in Fortran order must read back in C order as conv_w. */
    to_col_major(conv_w, w_col, shape, 4);
    CHECK_OK(lrp_network_add_convolution(net, 2, 2, 1, 2, 1, 1, w_col, 8, conv_b, 2,
                                         LRP_LAYOUT_COL_MAJOR, 0));
    CHECK_OK(lrp_network_add_maxpool(net, 2, 2, 2, 2));
    CHECK_OK(lrp_network_add_sumpool(net, 3, 1, 1, 2));
    CHECK_OK(lrp_network_add_flatten(net));
    check_layer(net, 0, LRP_LAYER_CONVOLUTION, conv_sizes, 6);
    check_layer(net, 1, LRP_LAYER_MAXPOOL, max_sizes, 4);
    check_layer(net, 2, LRP_LAYER_SUMPOOL, sum_sizes, 4);
    check_layer(net, 3, LRP_LAYER_FLATTEN, NULL, 0);
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_W, w, 8, LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(w, conv_w, 8) == 0);

    /* 9 x 9 x 1 -> conv 8 x 8 x 2 -> maxpool 4 x 4 x 2 -> sumpool (3,1) stride (1,2):
     * 2 x 2 x 2 -> flatten 8. */
    CHECK_OK(lrp_network_output_shape(net, 4, 5, 9, 9, 1, &o0, &o1, &o2, &o3, &rank));
    CHECK_MSG(rank == 2 && o0 == 5 && o1 == 8 && o2 == 1 && o3 == 1,
              "output shape rank %d: %lu %lu %lu %lu", (int)rank, (unsigned long)o0,
              (unsigned long)o1, (unsigned long)o2, (unsigned long)o3);
    /* MATLAB's size() drops the trailing singleton: rank 3 must give the same. */
    CHECK_OK(lrp_network_output_shape(net, 3, 5, 9, 9, 0, &o0, &o1, &o2, &o3, &rank));
    CHECK(rank == 2 && o0 == 5 && o1 == 8);
    /* Without the Flatten, the output is an image batch. */
    CHECK_OK(lrp_network_pop_layer(net));
    CHECK_OK(lrp_network_output_shape(net, 4, 5, 9, 9, 1, &o0, &o1, &o2, &o3, &rank));
    CHECK(rank == 4 && o0 == 5 && o1 == 2 && o2 == 2 && o3 == 2);
    lrp_network_free(net);
}

static void test_random_initialisation_is_seeded(void)
{
    LrpNetwork *a = lrp_network_new(), *b = lrp_network_new(), *c = lrp_network_new();
    double wa[20], wb[20], wc[20], bias[4], cw_a[36], cw_b[36], cb[4];
    size_t k;
    int nonzero = 0;

    CHECK_OK(lrp_network_add_linear(a, 5, 4, NULL, 0, NULL, 0, LRP_LAYOUT_ROW_MAJOR, 42));
    CHECK_OK(lrp_network_add_linear(b, 5, 4, NULL, 0, NULL, 0, LRP_LAYOUT_ROW_MAJOR, 42));
    CHECK_OK(lrp_network_add_linear(c, 5, 4, NULL, 0, NULL, 0, LRP_LAYOUT_ROW_MAJOR, 43));
    CHECK_OK(lrp_layer_get_param(a, 0, LRP_PARAM_W, wa, 20, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(b, 0, LRP_PARAM_W, wb, 20, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(c, 0, LRP_PARAM_W, wc, 20, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(a, 0, LRP_PARAM_B, bias, 4, LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(wa, wb, 20) == 0);
    CHECK(count_bit_differences(wa, wc, 20) > 0);
    CHECK(all_equal_to(bias, 4, 0.0));
    for (k = 0; k < 20; k++) {
        nonzero += wa[k] != 0.0 && isfinite(wa[k]);
    }
    CHECK(nonzero == 20);

    CHECK_OK(lrp_network_add_convolution(a, 3, 3, 1, 4, 1, 1, NULL, 0, NULL, 0,
                                         LRP_LAYOUT_ROW_MAJOR, 7));
    CHECK_OK(lrp_network_add_convolution(b, 3, 3, 1, 4, 1, 1, NULL, 0, NULL, 0,
                                         LRP_LAYOUT_ROW_MAJOR, 7));
    CHECK_OK(lrp_layer_get_param(a, 1, LRP_PARAM_W, cw_a, 36, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(b, 1, LRP_PARAM_W, cw_b, 36, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(a, 1, LRP_PARAM_B, cb, 4, LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(cw_a, cw_b, 36) == 0);
    CHECK(all_equal_to(cb, 4, 0.0));
    lrp_network_free(a);
    lrp_network_free(b);
    lrp_network_free(c);
}

/* ---- Computing ---------------------------------------------------------------------- */

static void test_forward_matches_hand_computation_in_both_layouts(void)
{
    LrpNetwork *net = small_net();
    double z[SMALL_BATCH * SMALL_N], want[SMALL_BATCH * SMALL_N], want_col[SMALL_BATCH * SMALL_N];
    double y[SMALL_BATCH * SMALL_N], x_col[SMALL_BATCH * SMALL_M];
    size_t x_shape[2] = {SMALL_BATCH, SMALL_M}, y_shape[2] = {SMALL_BATCH, SMALL_N};
    size_t o0 = 0, o1 = 0, o2 = 0, o3 = 0, k;
    int32_t rank = 0;

    if (net == NULL) {
        return;
    }
    small_pre_activation(SMALL_W, SMALL_B, z);
    for (k = 0; k < SMALL_BATCH * SMALL_N; k++) {
        want[k] = z[k] > 0 ? z[k] : 0.0;
    }
    CHECK_OK(lrp_network_output_shape(net, 2, SMALL_BATCH, SMALL_M, 0, 0, &o0, &o1, &o2, &o3,
                                      &rank));
    CHECK(rank == 2 && o0 == SMALL_BATCH && o1 == SMALL_N && o2 == 1 && o3 == 1);

    CHECK(small_forward(net, y));
    CHECK(count_mismatches(y, want, SMALL_BATCH * SMALL_N, "small forward") == 0);

    /* lrp_aware changes nothing. */
    CHECK_OK(lrp_network_forward(net, SMALL_X, SMALL_BATCH * SMALL_M, 2, SMALL_BATCH, SMALL_M,
                                 0, 0, LRP_LAYOUT_ROW_MAJOR, 1, y, SMALL_BATCH * SMALL_N));
    CHECK(count_mismatches(y, want, SMALL_BATCH * SMALL_N, "lrp_aware forward") == 0);

    /* A dense batch passed as N x M x 1 x 1 is read as N x M. */
    CHECK_OK(lrp_network_forward(net, SMALL_X, SMALL_BATCH * SMALL_M, 4, SMALL_BATCH, SMALL_M,
                                 1, 1, LRP_LAYOUT_ROW_MAJOR, 0, y, SMALL_BATCH * SMALL_N));
    CHECK(count_mismatches(y, want, SMALL_BATCH * SMALL_N, "rank-4 forward") == 0);

    to_col_major(SMALL_X, x_col, x_shape, 2);
    to_col_major(want, want_col, y_shape, 2);
    CHECK_OK(lrp_network_forward(net, x_col, SMALL_BATCH * SMALL_M, 2, SMALL_BATCH, SMALL_M, 0,
                                 0, LRP_LAYOUT_COL_MAJOR, 0, y, SMALL_BATCH * SMALL_N));
    CHECK(count_mismatches(y, want_col, SMALL_BATCH * SMALL_N, "column-major forward") == 0);
    lrp_network_free(net);
}

static void test_backward_and_update_match_hand_computation(void)
{
    static const double dy[SMALL_BATCH * SMALL_N] = {1.0, -2.0, 0.5, 0.25, 3.0, -1.0};
    const double lrate = 0.1;
    LrpNetwork *net = small_net();
    double z[SMALL_BATCH * SMALL_N], y[SMALL_BATCH * SMALL_N];
    double dx[SMALL_BATCH * SMALL_M], want_dx[SMALL_BATCH * SMALL_M];
    double w[SMALL_M * SMALL_N], want_w[SMALL_M * SMALL_N], b[SMALL_N], want_b[SMALL_N];
    int n, i, j;

    if (net == NULL) {
        return;
    }
    small_pre_activation(SMALL_W, SMALL_B, z);
    memcpy(want_w, SMALL_W, sizeof want_w);
    memcpy(want_b, SMALL_B, sizeof want_b);
    for (n = 0; n < SMALL_BATCH; n++) {
        for (i = 0; i < SMALL_M; i++) {
            want_dx[n * SMALL_M + i] = 0.0;
        }
        for (j = 0; j < SMALL_N; j++) {
            /* Rect lets the gradient through where its input was positive. */
            double g = z[n * SMALL_N + j] > 0 ? dy[n * SMALL_N + j] : 0.0;
            for (i = 0; i < SMALL_M; i++) {
                want_dx[n * SMALL_M + i] += SMALL_W[i * SMALL_N + j] * g;
                want_w[i * SMALL_N + j] -= lrate * SMALL_X[n * SMALL_M + i] * g;
            }
            want_b[j] -= lrate * g;
        }
    }

    CHECK(small_forward(net, y));
    CHECK_OK(lrp_network_backward(net, dy, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, dx,
                                  SMALL_BATCH * SMALL_M));
    CHECK(count_mismatches(dx, want_dx, SMALL_BATCH * SMALL_M, "small backward") == 0);
    CHECK_OK(lrp_network_update(net, lrate));
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_W, w, SMALL_M * SMALL_N,
                                 LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_B, b, SMALL_N, LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_mismatches(w, want_w, SMALL_M * SMALL_N, "W after update") == 0);
    CHECK(count_mismatches(b, want_b, SMALL_N, "B after update") == 0);

    /* clean() drops the cached pass: LRP and backward need a new forward. */
    CHECK_OK(lrp_network_clean(net));
    CHECK_STATUS(lrp_network_lrp(net, y, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, NULL,
                                 NAN, dx, SMALL_BATCH * SMALL_M),
                 LRP_ERR_OUT_OF_ORDER);
    CHECK_STATUS(lrp_network_backward(net, dy, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, dx,
                                      SMALL_BATCH * SMALL_M),
                 LRP_ERR_OUT_OF_ORDER);
    lrp_network_free(net);
}

static void test_lrp_presets_and_explain_agree(void)
{
    LrpNetwork *net = small_net();
    static const int32_t classes[SMALL_BATCH] = {0, 1};
    double y[SMALL_BATCH * SMALL_N], r[SMALL_BATCH * SMALL_N];
    double by_rule[SMALL_BATCH * SMALL_M], by_preset[SMALL_BATCH * SMALL_M];
    double explained[SMALL_BATCH * SMALL_M], want[SMALL_BATCH * SMALL_M];
    double x_col[SMALL_BATCH * SMALL_M], r_col[SMALL_BATCH * SMALL_N];
    double out_col[SMALL_BATCH * SMALL_M], want_col[SMALL_BATCH * SMALL_M];
    size_t x_shape[2] = {SMALL_BATCH, SMALL_M}, y_shape[2] = {SMALL_BATCH, SMALL_N};
    int n;

    if (net == NULL) {
        return;
    }
    CHECK(small_forward(net, y));
    /* The relevance to explain: each sample's output of its class, zero elsewhere. */
    fill(r, SMALL_BATCH * SMALL_N, 0.0);
    for (n = 0; n < SMALL_BATCH; n++) {
        r[n * SMALL_N + classes[n]] = y[n * SMALL_N + classes[n]];
    }
    small_lrp_epsilon(r, 0.5, want);

    CHECK_OK(lrp_network_lrp(net, r, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, "epsilon", 0.5,
                             by_rule, SMALL_BATCH * SMALL_M));
    CHECK(count_mismatches(by_rule, want, SMALL_BATCH * SMALL_M, "lrp epsilon 0.5") == 0);

    /* The same rule as a preset of every layer, used when rule is NULL. */
    CHECK_OK(lrp_network_set_lrp_parameters(net, "epsilon", 0.5));
    CHECK_OK(lrp_network_lrp(net, r, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, NULL, NAN,
                             by_preset, SMALL_BATCH * SMALL_M));
    CHECK(count_mismatches(by_preset, want, SMALL_BATCH * SMALL_M, "lrp preset") == 0);

    /* explain does forward, masking and LRP in one call. */
    CHECK_OK(lrp_network_explain(net, SMALL_X, SMALL_BATCH * SMALL_M, 2, SMALL_BATCH, SMALL_M, 0,
                                 0, LRP_LAYOUT_ROW_MAJOR, classes, SMALL_BATCH, "epsilon", 0.5,
                                 explained, SMALL_BATCH * SMALL_M));
    CHECK(count_mismatches(explained, want, SMALL_BATCH * SMALL_M, "explain") == 0);
    CHECK_OK(lrp_network_explain(net, SMALL_X, SMALL_BATCH * SMALL_M, 2, SMALL_BATCH, SMALL_M, 0,
                                 0, LRP_LAYOUT_ROW_MAJOR, classes, SMALL_BATCH, NULL, NAN,
                                 explained, SMALL_BATCH * SMALL_M));
    CHECK(count_mismatches(explained, want, SMALL_BATCH * SMALL_M, "explain, presets") == 0);

    /* Column-major callers get column-major relevance. */
    to_col_major(SMALL_X, x_col, x_shape, 2);
    to_col_major(r, r_col, y_shape, 2);
    to_col_major(want, want_col, x_shape, 2);
    CHECK_OK(lrp_network_explain(net, x_col, SMALL_BATCH * SMALL_M, 2, SMALL_BATCH, SMALL_M, 0,
                                 0, LRP_LAYOUT_COL_MAJOR, classes, SMALL_BATCH, "epsilon", 0.5,
                                 out_col, SMALL_BATCH * SMALL_M));
    CHECK(count_mismatches(out_col, want_col, SMALL_BATCH * SMALL_M, "explain col") == 0);
    CHECK_OK(lrp_network_lrp(net, r_col, SMALL_BATCH * SMALL_N, LRP_LAYOUT_COL_MAJOR, "epsilon",
                             0.5, out_col, SMALL_BATCH * SMALL_M));
    CHECK(count_mismatches(out_col, want_col, SMALL_BATCH * SMALL_M, "lrp col") == 0);
    lrp_network_free(net);
}

static void check_preset(const LrpNetwork *net, size_t index, const char *name, double param)
{
    char got[16];
    double got_param = 0.0;
    memset(got, 'x', sizeof got);
    /* 16 bytes is the documented minimum for any canonical name. */
    if (!CHECK_OK(lrp_layer_get_lrp_parameters(net, index, got, sizeof got, &got_param))) {
        return;
    }
    CHECK_MSG(memchr(got, '\0', sizeof got) != NULL && strcmp(got, name) == 0,
              "layer %lu preset \"%.16s\", expected \"%s\"", (unsigned long)index, got, name);
    if (isnan(param)) {
        CHECK_MSG(isnan(got_param), "layer %lu param %g, expected NaN", (unsigned long)index,
                  got_param);
    } else {
        CHECK_MSG(got_param == param, "layer %lu param %g, expected %g", (unsigned long)index,
                  got_param, param);
    }
}

static void test_presets_by_name_alias_and_default(void)
{
    LrpNetwork *net = lrp_network_new();
    size_t k;
    for (k = 0; k < 5; k++) {
        CHECK_OK(lrp_network_add_rect(net));
    }
    check_preset(net, 0, "simple", NAN);
    /* Names are case-insensitive, aliases map to canonical names, NaN means the default. */
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 0, "EPSILON", NAN));
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 1, "alpha", NAN));
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 2, "w^2", NAN));
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 3, "AlphaBeta", 2.0));
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 4, "none", NAN));
    check_preset(net, 0, "epsilon", 0.01);
    check_preset(net, 1, "alphabeta", 1.0);
    check_preset(net, 2, "ww", NAN);
    check_preset(net, 3, "alphabeta", 2.0);
    check_preset(net, 4, "simple", NAN);
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 4, "flat", NAN));
    check_preset(net, 4, "flat", NAN);
    CHECK_OK(lrp_network_set_lrp_parameters(net, "epsilon", 0.25));
    for (k = 0; k < 5; k++) {
        check_preset(net, k, "epsilon", 0.25);
    }
    lrp_network_free(net);
}

static void test_set_param_in_both_layouts(void)
{
    LrpNetwork *net = small_net();
    double w2[SMALL_M * SMALL_N], w2_col[SMALL_M * SMALL_N], got[SMALL_M * SMALL_N];
    double b2[SMALL_N] = {1.0, 2.0, 3.0}, y[SMALL_BATCH * SMALL_N];
    double r[SMALL_BATCH * SMALL_N], out[SMALL_BATCH * SMALL_M];
    size_t shape[2] = {SMALL_M, SMALL_N}, k;

    if (net == NULL) {
        return;
    }
    for (k = 0; k < SMALL_M * SMALL_N; k++) {
        w2[k] = (double)k - 5.5;
    }
    to_col_major(w2, w2_col, shape, 2);
    CHECK(small_forward(net, y));
    CHECK_OK(lrp_layer_set_param(net, 0, LRP_PARAM_W, w2_col, SMALL_M * SMALL_N,
                                 LRP_LAYOUT_COL_MAJOR));
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_W, got, SMALL_M * SMALL_N,
                                 LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(got, w2, SMALL_M * SMALL_N) == 0);
    CHECK_OK(lrp_layer_set_param(net, 0, LRP_PARAM_W, w2, SMALL_M * SMALL_N,
                                 LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_W, got, SMALL_M * SMALL_N,
                                 LRP_LAYOUT_COL_MAJOR));
    CHECK(count_bit_differences(got, w2_col, SMALL_M * SMALL_N) == 0);
    CHECK_OK(lrp_layer_set_param(net, 0, LRP_PARAM_B, b2, SMALL_N, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_B, got, SMALL_N, LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(got, b2, SMALL_N) == 0);
    /* The cached forward pass survives set_param, as in the toolbox. */
    memcpy(r, y, sizeof r);
    CHECK_OK(lrp_network_lrp(net, r, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, "simple", NAN,
                             out, SMALL_BATCH * SMALL_M));
    lrp_network_free(net);
}

/* ---- Files and copies ---------------------------------------------------------------- */

/* Every parameter of every layer of `a` and `b` is identical bit for bit, and so are the
 * kinds and sizes. */
static void check_same_network(const LrpNetwork *a, const LrpNetwork *b, const char *what)
{
    size_t na = 0, nb = 0, i;
    CHECK_OK(lrp_network_num_layers(a, &na));
    CHECK_OK(lrp_network_num_layers(b, &nb));
    if (!CHECK_MSG(na == nb && na > 0, "%s: %lu vs %lu layers", what, (unsigned long)na,
                   (unsigned long)nb)) {
        return;
    }
    for (i = 0; i < na; i++) {
        int32_t ka = -1, kb = -2, which;
        CHECK_OK(lrp_layer_kind(a, i, &ka));
        CHECK_OK(lrp_layer_kind(b, i, &kb));
        CHECK_MSG(ka == kb, "%s: layer %lu kinds %d vs %d", what, (unsigned long)i, (int)ka,
                  (int)kb);
        if (ka != LRP_LAYER_LINEAR && ka != LRP_LAYER_CONVOLUTION) {
            continue;
        }
        for (which = LRP_PARAM_W; which <= LRP_PARAM_B; which++) {
            size_t la = 0, lb = 0;
            double *pa, *pb;
            CHECK_OK(lrp_layer_param_len(a, i, which, &la));
            CHECK_OK(lrp_layer_param_len(b, i, which, &lb));
            if (!CHECK(la == lb)) {
                continue;
            }
            pa = alloc_doubles(la);
            pb = alloc_doubles(lb);
            CHECK_OK(lrp_layer_get_param(a, i, which, pa, la, LRP_LAYOUT_ROW_MAJOR));
            CHECK_OK(lrp_layer_get_param(b, i, which, pb, lb, LRP_LAYOUT_ROW_MAJOR));
            CHECK_MSG(count_bit_differences(pa, pb, la) == 0, "%s: layer %lu %s differs", what,
                      (unsigned long)i, which == LRP_PARAM_W ? "W" : "B");
            free(pa);
            free(pb);
        }
    }
}

static void test_write_and_read_back_exactly(void)
{
    char path[TEST_PATH_LEN];
    LrpNetwork *original = read_golden_model("convnet.txt");
    LrpNetwork *copy;
    if (original == NULL) {
        return;
    }
    tmp_path(path, "roundtrip.txt");
    CHECK_OK(lrp_network_write(original, path));
    /* Writing over an existing file replaces it. */
    CHECK_OK(lrp_network_write(original, path));
    copy = lrp_network_read(path);
    CHECK_MSG(copy != NULL, "reading back %s: %s", path, lrp_last_error());
    if (copy != NULL) {
        check_same_network(original, copy, "written and read back");
    }
    remove(path);
    lrp_network_free(copy);
    lrp_network_free(original);
}

static void test_clone_is_independent(void)
{
    LrpNetwork *net = small_net(), *copy;
    double y[SMALL_BATCH * SMALL_N], out[SMALL_BATCH * SMALL_M];
    double zeros[SMALL_N] = {0.0, 0.0, 0.0}, b[SMALL_N];
    if (net == NULL) {
        return;
    }
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 0, "alphabeta", 2.0));
    CHECK(small_forward(net, y));
    copy = lrp_network_clone(net);
    if (!CHECK(copy != NULL)) {
        lrp_network_free(net);
        return;
    }
    check_same_network(net, copy, "clone");
    check_preset(copy, 0, "alphabeta", 2.0);
    /* The cached forward pass is not copied. */
    CHECK_STATUS(lrp_network_lrp(copy, y, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, NULL, NAN,
                                 out, SMALL_BATCH * SMALL_M),
                 LRP_ERR_OUT_OF_ORDER);
    /* Changing the copy leaves the original alone. */
    CHECK_OK(lrp_layer_set_param(copy, 0, LRP_PARAM_B, zeros, SMALL_N, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_get_param(net, 0, LRP_PARAM_B, b, SMALL_N, LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(b, SMALL_B, SMALL_N) == 0);
    CHECK_OK(lrp_network_pop_layer(copy));
    CHECK_OK(lrp_network_lrp(net, y, SMALL_BATCH * SMALL_N, LRP_LAYOUT_ROW_MAJOR, NULL, NAN, out,
                             SMALL_BATCH * SMALL_M));
    lrp_network_free(copy);
    lrp_network_free(net);
}

/* ---- Training ------------------------------------------------------------------------ */

/* XOR with targets one-hot over two classes, repeated to 8 samples. */
#define XOR_N 8
static const double XOR_X[XOR_N * 2] = {0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1};
static const double XOR_Y[XOR_N * 2] = {1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0};

static LrpTrainOptions *xor_options(void)
{
    LrpTrainOptions *opts = lrp_train_options_new();
    if (!CHECK(opts != NULL)) {
        return NULL;
    }
    CHECK_OK(lrp_train_options_set(opts, "batchsize", 4));
    CHECK_OK(lrp_train_options_set(opts, "iters", 60));
    CHECK_OK(lrp_train_options_set(opts, "lrate", 0.05));
    CHECK_OK(lrp_train_options_set(opts, "lfactor_initial", 1.0));
    CHECK_OK(lrp_train_options_set(opts, "status", 20));
    CHECK_OK(lrp_train_options_set(opts, "convergence", -1));
    CHECK_OK(lrp_train_options_set(opts, "seed", 3));
    CHECK_OK(lrp_train_options_set(opts, "verbose", 0));
    CHECK_OK(lrp_train_options_set_lrate_decay(opts, "sublinear"));
    CHECK_OK(lrp_train_options_set_lrate_decay(opts, "linear"));
    CHECK_OK(lrp_train_options_set_lrate_decay(opts, "none"));
    CHECK_OK(lrp_train_options_set_validation(opts, XOR_X, 8, 2, 4, 2, 0, 0, XOR_Y, 8,
                                              LRP_LAYOUT_ROW_MAJOR));
    return opts;
}

static void test_train_is_seeded_and_logs_progress(void)
{
    LrpNetwork *a = read_golden_model("xor_net_small.txt"), *b;
    LrpTrainOptions *opts = xor_options();
    size_t len = 0, len_b = 0;
    char *log;

    if (a == NULL || opts == NULL) {
        lrp_network_free(a);
        lrp_train_options_free(opts);
        return;
    }
    b = lrp_network_clone(a);
    /* Nothing trained yet: the log is empty (just the NUL), no iteration done. */
    CHECK_OK(lrp_network_train_log_len(a, &len));
    CHECK(len == 1);
    CHECK_OK(lrp_train_options_progress(opts, &len));
    CHECK(len == 0);

    CHECK_OK(lrp_network_train(a, XOR_X, XOR_N * 2, 2, XOR_N, 2, 0, 0, XOR_Y, XOR_N * 2,
                               LRP_LAYOUT_ROW_MAJOR, opts));
    CHECK_OK(lrp_network_train(b, XOR_X, XOR_N * 2, 2, XOR_N, 2, 0, 0, XOR_Y, XOR_N * 2,
                               LRP_LAYOUT_ROW_MAJOR, opts));
    /* The same seed draws the same batches: identical parameters. */
    check_same_network(a, b, "two trainings with one seed");
    /* The options count the iterations of the training that used them: all 60. */
    CHECK_OK(lrp_train_options_progress(opts, &len));
    CHECK_MSG(len == 60, "progress after training: %lu iterations", (unsigned long)len);
    CHECK(lrp_train_options_progress(NULL, &len) == LRP_ERR_NULL_ARGUMENT);
    CHECK(lrp_train_options_progress(opts, NULL) == LRP_ERR_NULL_ARGUMENT);

    CHECK_OK(lrp_network_train_log_len(a, &len));
    CHECK_OK(lrp_network_train_log_len(b, &len_b));
    /* Not len == len_b: the log's time estimates may differ between the two runs. */
    CHECK(len > 1 && len_b > 1);
    log = malloc(len + 4);
    if (log != NULL) {
        memset(log, 'x', len + 4);
        CHECK_OK(lrp_network_train_log(a, log, len));
        CHECK(strlen(log) == len - 1);
        CHECK_MSG(len >= 2 && log[len - 2] == '\n', "the log ends with a newline: \"%s\"", log);
        /* A larger buffer is fine too. */
        CHECK_OK(lrp_network_train_log(a, log, len + 4));
        CHECK(strlen(log) == len - 1);
        free(log);
    }
    lrp_train_options_free(opts);
    lrp_train_options_free(NULL); /* a no-op */
    lrp_network_free(a);
    lrp_network_free(b);
}

void suite_api(void)
{
    RUN_TEST(test_version_and_status_names);
    RUN_TEST(test_live_networks_counting);
    RUN_TEST(test_build_dense_network_and_query_it);
    RUN_TEST(test_build_convolutional_network_and_query_it);
    RUN_TEST(test_random_initialisation_is_seeded);
    RUN_TEST(test_forward_matches_hand_computation_in_both_layouts);
    RUN_TEST(test_backward_and_update_match_hand_computation);
    RUN_TEST(test_lrp_presets_and_explain_agree);
    RUN_TEST(test_presets_by_name_alias_and_default);
    RUN_TEST(test_set_param_in_both_layouts);
    RUN_TEST(test_write_and_read_back_exactly);
    RUN_TEST(test_clone_is_independent);
    RUN_TEST(test_train_is_seeded_and_logs_progress);
}

/*
 * Failure paths of every exported function: NULL handles and buffers, buffers too short,
 * shapes that do not fit, unknown rules and bad parameters, calls out of order, NaN and
 * infinities, bad layout flags, ranks, sizes and layer indices.
 *
 * Each failing call is checked for its status code, for a message that names the function
 * and the problem, and for outputs left as they were (buffers are filled with SENTINEL
 * first; "outputs written only on success" is part of the ABI).
 */
#include "fixtures.h"
#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define X_LEN (SMALL_BATCH * SMALL_M)
#define Y_LEN (SMALL_BATCH * SMALL_N)
#define W_LEN (SMALL_M * SMALL_N)

static const int32_t CLASSES[SMALL_BATCH] = {0, 1};

/* The small network with a forward pass done, ready for backward and LRP. */
static LrpNetwork *small_net_after_forward(void)
{
    double y[Y_LEN];
    LrpNetwork *net = small_net();
    if (net != NULL && !small_forward(net, y)) {
        lrp_network_free(net);
        return NULL;
    }
    return net;
}

/* W of layer 0 is still SMALL_W and B still SMALL_B: a failed call changed nothing. */
static int small_params_unchanged(const LrpNetwork *net)
{
    double w[W_LEN], b[SMALL_N];
    return lrp_layer_get_param(net, 0, LRP_PARAM_W, w, W_LEN, LRP_LAYOUT_ROW_MAJOR) == LRP_OK &&
           lrp_layer_get_param(net, 0, LRP_PARAM_B, b, SMALL_N, LRP_LAYOUT_ROW_MAJOR) == LRP_OK &&
           count_bit_differences(w, SMALL_W, W_LEN) == 0 &&
           count_bit_differences(b, SMALL_B, SMALL_N) == 0;
}

static size_t layer_count(const LrpNetwork *net)
{
    size_t n = 0;
    CHECK_OK(lrp_network_num_layers(net, &n));
    return n;
}

/* ---- NULL handles -------------------------------------------------------------------- */

/* `call` with a NULL handle fails naming `function` and the handle. */
#define CHECK_NULL_NET(call, function)                                                       \
    CHECK_FAILS(call, LRP_ERR_NULL_ARGUMENT, function, "net is NULL")

static void test_null_network_handles(void)
{
    static const double one_w[1] = {1.0}, one_b[1] = {0.0};
    double y[Y_LEN], out[X_LEN];
    char name[16] = "untouched";
    char log[8] = "log";
    double param = SENTINEL;
    size_t count = 77, o[4] = {77, 77, 77, 77};
    int32_t kind = 77, dropped = 77, rank = 77;
    LrpTrainOptions *opts = lrp_train_options_new();

    fill(y, Y_LEN, SENTINEL);
    fill(out, X_LEN, SENTINEL);
    CHECK_NULL_NET(lrp_network_forward(NULL, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                       LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN),
                   "lrp_network_forward");
    CHECK_NULL_NET(lrp_network_backward(NULL, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR, out, X_LEN),
                   "lrp_network_backward");
    CHECK_NULL_NET(lrp_network_update(NULL, 0.1), "lrp_network_update");
    CHECK_NULL_NET(lrp_network_clean(NULL), "lrp_network_clean");
    CHECK_NULL_NET(lrp_network_lrp(NULL, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR, "simple", NAN, out,
                                   X_LEN),
                   "lrp_network_lrp");
    CHECK_NULL_NET(lrp_network_explain(NULL, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                       LRP_LAYOUT_ROW_MAJOR, CLASSES, SMALL_BATCH, NULL, NAN,
                                       out, X_LEN),
                   "lrp_network_explain");
    CHECK(all_equal_to(y, Y_LEN, SENTINEL));
    CHECK(all_equal_to(out, X_LEN, SENTINEL));

    CHECK_NULL_NET(lrp_network_write(NULL, "unused.txt"), "lrp_network_write");
    CHECK_NULL_NET(lrp_network_add_linear(NULL, 1, 1, one_w, 1, one_b, 1, LRP_LAYOUT_ROW_MAJOR, 0),
                   "lrp_network_add_linear");
    CHECK_NULL_NET(lrp_network_add_convolution(NULL, 1, 1, 1, 1, 1, 1, NULL, 0, NULL, 0,
                                               LRP_LAYOUT_ROW_MAJOR, 0),
                   "lrp_network_add_convolution");
    CHECK_NULL_NET(lrp_network_add_maxpool(NULL, 2, 2, 2, 2), "lrp_network_add_maxpool");
    CHECK_NULL_NET(lrp_network_add_sumpool(NULL, 2, 2, 2, 2), "lrp_network_add_sumpool");
    CHECK_NULL_NET(lrp_network_add_flatten(NULL), "lrp_network_add_flatten");
    CHECK_NULL_NET(lrp_network_add_rect(NULL), "lrp_network_add_rect");
    CHECK_NULL_NET(lrp_network_add_tanh(NULL), "lrp_network_add_tanh");
    CHECK_NULL_NET(lrp_network_add_softmax(NULL), "lrp_network_add_softmax");
    CHECK_NULL_NET(lrp_network_num_layers(NULL, &count), "lrp_network_num_layers");
    CHECK_NULL_NET(lrp_network_pop_layer(NULL), "lrp_network_pop_layer");
    CHECK_NULL_NET(lrp_network_drop_softmax_output_layer(NULL, &dropped),
                   "lrp_network_drop_softmax_output_layer");
    CHECK_NULL_NET(lrp_layer_kind(NULL, 0, &kind), "lrp_layer_kind");
    CHECK_NULL_NET(lrp_layer_num_sizes(NULL, 0, &count), "lrp_layer_num_sizes");
    CHECK_NULL_NET(lrp_layer_size(NULL, 0, 0, &count), "lrp_layer_size");
    CHECK_NULL_NET(lrp_layer_param_len(NULL, 0, LRP_PARAM_W, &count), "lrp_layer_param_len");
    CHECK_NULL_NET(lrp_layer_get_param(NULL, 0, LRP_PARAM_W, out, X_LEN, LRP_LAYOUT_ROW_MAJOR),
                   "lrp_layer_get_param");
    CHECK_NULL_NET(lrp_layer_set_param(NULL, 0, LRP_PARAM_B, one_b, 1, LRP_LAYOUT_ROW_MAJOR),
                   "lrp_layer_set_param");
    CHECK_NULL_NET(lrp_layer_set_lrp_parameters(NULL, 0, "simple", NAN),
                   "lrp_layer_set_lrp_parameters");
    CHECK_NULL_NET(lrp_network_set_lrp_parameters(NULL, "simple", NAN),
                   "lrp_network_set_lrp_parameters");
    CHECK_NULL_NET(lrp_layer_get_lrp_parameters(NULL, 0, name, sizeof name, &param),
                   "lrp_layer_get_lrp_parameters");
    CHECK_NULL_NET(lrp_network_output_shape(NULL, 2, 1, 4, 0, 0, &o[0], &o[1], &o[2], &o[3],
                                            &rank),
                   "lrp_network_output_shape");
    CHECK_NULL_NET(lrp_network_train(NULL, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, y,
                                     Y_LEN, LRP_LAYOUT_ROW_MAJOR, opts),
                   "lrp_network_train");
    CHECK_NULL_NET(lrp_network_train_log_len(NULL, &count), "lrp_network_train_log_len");
    CHECK_NULL_NET(lrp_network_train_log(NULL, log, sizeof log), "lrp_network_train_log");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));
    CHECK(count == 77 && kind == 77 && dropped == 77 && rank == 77);
    CHECK(o[0] == 77 && o[1] == 77 && o[2] == 77 && o[3] == 77);
    CHECK(strcmp(name, "untouched") == 0 && strcmp(log, "log") == 0);
    CHECK(all_equal_to(&param, 1, SENTINEL));

    /* Functions that return a handle return NULL. */
    CHECK(lrp_network_clone(NULL) == NULL);
    CHECK_ERROR_MENTIONS("lrp_network_clone", "net is NULL");
    CHECK(lrp_network_read(NULL) == NULL);
    CHECK_ERROR_MENTIONS("lrp_network_read", "path is NULL");

    /* The options handle. */
    CHECK_FAILS(lrp_train_options_set(NULL, "iters", 1), LRP_ERR_NULL_ARGUMENT,
                "lrp_train_options_set", "opts is NULL");
    CHECK_FAILS(lrp_train_options_set_lrate_decay(NULL, "none"), LRP_ERR_NULL_ARGUMENT,
                "lrp_train_options_set_lrate_decay", "opts is NULL");
    CHECK_FAILS(lrp_train_options_set_validation(NULL, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M,
                                                 0, 0, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_train_options_set_validation", "opts is NULL");
    lrp_train_options_free(opts);
}

/* ---- NULL buffers and strings -------------------------------------------------------- */

static void test_null_buffers_in_compute_calls(void)
{
    LrpNetwork *net = small_net_after_forward();
    double y[Y_LEN], out[X_LEN];
    if (net == NULL) {
        return;
    }
    fill(y, Y_LEN, SENTINEL);
    fill(out, X_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_forward(net, NULL, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_forward", "x is NULL");
    CHECK_FAILS(lrp_network_forward(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, 0, NULL, Y_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_forward", "y is NULL");
    CHECK(all_equal_to(y, Y_LEN, SENTINEL));

    CHECK_FAILS(lrp_network_backward(net, NULL, Y_LEN, LRP_LAYOUT_ROW_MAJOR, out, X_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_backward", "dy is NULL");
    fill(y, Y_LEN, 1.0);
    CHECK_FAILS(lrp_network_backward(net, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR, NULL, X_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_backward", "dx is NULL");
    CHECK_FAILS(lrp_network_lrp(net, NULL, Y_LEN, LRP_LAYOUT_ROW_MAJOR, NULL, NAN, out, X_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_lrp", "r is NULL");
    CHECK_FAILS(lrp_network_lrp(net, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR, NULL, NAN, NULL, X_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_lrp", "out is NULL");
    CHECK_FAILS(lrp_network_explain(net, NULL, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, CLASSES, SMALL_BATCH, NULL, NAN, out,
                                    X_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_explain", "x is NULL");
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, NULL, SMALL_BATCH, NULL, NAN, out,
                                    X_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_explain", "classes is NULL");
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, CLASSES, SMALL_BATCH, NULL, NAN, NULL,
                                    X_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_explain", "out is NULL");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));
    lrp_network_free(net);
}

static void test_null_buffers_in_network_calls(void)
{
    LrpNetwork *net = small_net();
    char name[16] = "untouched";
    double param = SENTINEL;
    size_t o[4] = {77, 77, 77, 77};
    int32_t rank = 77;
    int k;
    if (net == NULL) {
        return;
    }
    CHECK_FAILS(lrp_network_write(net, NULL), LRP_ERR_NULL_ARGUMENT, "lrp_network_write",
                "path is NULL");
    /* W and B come together or not at all (both NULL: random initialisation). */
    CHECK_FAILS(lrp_network_add_linear(net, SMALL_M, SMALL_N, SMALL_W, W_LEN, NULL, 0,
                                       LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_add_linear", "b");
    CHECK_FAILS(lrp_network_add_linear(net, SMALL_M, SMALL_N, NULL, 0, SMALL_B, SMALL_N,
                                       LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_add_linear", "w");
    CHECK_FAILS(lrp_network_add_convolution(net, 2, 2, 1, 3, 1, 1, SMALL_W, W_LEN, NULL, 0,
                                            LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_add_convolution", "b");
    CHECK_FAILS(lrp_network_add_convolution(net, 2, 2, 1, 3, 1, 1, NULL, 0, SMALL_B, SMALL_N,
                                            LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_add_convolution", "w");
    CHECK(layer_count(net) == 2);

    CHECK_FAILS(lrp_network_num_layers(net, NULL), LRP_ERR_NULL_ARGUMENT, "count is NULL");
    CHECK_FAILS(lrp_network_drop_softmax_output_layer(net, NULL), LRP_ERR_NULL_ARGUMENT,
                "dropped is NULL");
    CHECK_FAILS(lrp_layer_kind(net, 0, NULL), LRP_ERR_NULL_ARGUMENT, "kind is NULL");
    CHECK_FAILS(lrp_layer_num_sizes(net, 0, NULL), LRP_ERR_NULL_ARGUMENT, "count is NULL");
    CHECK_FAILS(lrp_layer_size(net, 0, 0, NULL), LRP_ERR_NULL_ARGUMENT, "size is NULL");
    CHECK_FAILS(lrp_layer_param_len(net, 0, LRP_PARAM_W, NULL), LRP_ERR_NULL_ARGUMENT,
                "len is NULL");
    CHECK_FAILS(lrp_layer_get_param(net, 0, LRP_PARAM_W, NULL, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_layer_get_param", "values is NULL");
    CHECK_FAILS(lrp_layer_set_param(net, 0, LRP_PARAM_W, NULL, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_layer_set_param", "values is NULL");
    CHECK_FAILS(lrp_layer_set_lrp_parameters(net, 0, NULL, NAN), LRP_ERR_NULL_ARGUMENT,
                "lrp_layer_set_lrp_parameters", "rule is NULL");
    CHECK_FAILS(lrp_network_set_lrp_parameters(net, NULL, NAN), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_set_lrp_parameters", "rule is NULL");
    CHECK_FAILS(lrp_layer_get_lrp_parameters(net, 0, NULL, 16, &param), LRP_ERR_NULL_ARGUMENT,
                "name is NULL");
    CHECK_FAILS(lrp_layer_get_lrp_parameters(net, 0, name, sizeof name, NULL),
                LRP_ERR_NULL_ARGUMENT, "param is NULL");
    CHECK(strcmp(name, "untouched") == 0);
    CHECK(all_equal_to(&param, 1, SENTINEL));
    CHECK(small_params_unchanged(net));

    /* Each of the five outputs of output_shape in turn is NULL: none of the others is
     * written. */
    for (k = 0; k < 5; k++) {
        size_t *p[4];
        int32_t *r = k == 4 ? NULL : &rank;
        int j;
        for (j = 0; j < 4; j++) {
            p[j] = j == k ? NULL : &o[j];
        }
        CHECK_FAILS(lrp_network_output_shape(net, 2, 1, SMALL_M, 0, 0, p[0], p[1], p[2], p[3],
                                             r),
                    LRP_ERR_NULL_ARGUMENT, "lrp_network_output_shape", "is NULL");
    }
    CHECK(o[0] == 77 && o[1] == 77 && o[2] == 77 && o[3] == 77 && rank == 77);
    lrp_network_free(net);
}

/* ---- Buffers too short --------------------------------------------------------------- */

static void test_short_output_buffers_are_untouched(void)
{
    LrpNetwork *net = small_net_after_forward();
    double y[Y_LEN], out[X_LEN], r[Y_LEN], w[W_LEN];
    char name[16], log[4];
    double param = SENTINEL;
    if (net == NULL) {
        return;
    }
    fill(y, Y_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_forward(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN - 1),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_forward", "y has 5 elements",
                "expected 6");
    CHECK(all_equal_to(y, Y_LEN, SENTINEL));

    fill(r, Y_LEN, 1.0);
    fill(out, X_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_backward(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, out, X_LEN - 1),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_backward", "dx has 7 elements",
                "expected 8");
    CHECK_FAILS(lrp_network_lrp(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, "epsilon", NAN, out, 0),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_lrp", "out has 0 elements", "expected 8");
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, CLASSES, SMALL_BATCH, NULL, NAN, out,
                                    X_LEN - 3),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_explain", "out has 5 elements",
                "expected 8");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));

    fill(w, W_LEN, SENTINEL);
    CHECK_FAILS(lrp_layer_get_param(net, 0, LRP_PARAM_W, w, W_LEN - 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_layer_get_param", "values has 11 elements",
                "expected 12");
    CHECK_FAILS(lrp_layer_get_param(net, 0, LRP_PARAM_B, w, SMALL_N - 1, LRP_LAYOUT_COL_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_layer_get_param", "values has 2 elements",
                "expected 3");
    CHECK(all_equal_to(w, W_LEN, SENTINEL));

    /* The name buffer needs LRP_RULE_NAME_LEN (16) bytes whatever the name: 15 fails even
       for "simple" (7 bytes with its NUL), and neither output is touched. */
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 0, "simple", NAN));
    memset(name, 'x', sizeof name);
    CHECK_FAILS(lrp_layer_get_lrp_parameters(net, 0, name, 6, &param), LRP_ERR_SHAPE_MISMATCH,
                "lrp_layer_get_lrp_parameters", "name has 6 bytes", "16");
    CHECK_FAILS(lrp_layer_get_lrp_parameters(net, 0, name, LRP_RULE_NAME_LEN - 1, &param),
                LRP_ERR_SHAPE_MISMATCH, "lrp_layer_get_lrp_parameters", "name has 15 bytes",
                "LRP_RULE_NAME_LEN");
    CHECK(memchr(name, 'x', sizeof name) == name && name[sizeof name - 1] == 'x');
    CHECK(all_equal_to(&param, 1, SENTINEL));

    /* The training log of a network never trained is "" (1 byte). */
    memset(log, 'x', sizeof log);
    CHECK_FAILS(lrp_network_train_log(net, log, 0), LRP_ERR_SHAPE_MISMATCH,
                "lrp_network_train_log", "buf has 0 bytes", "expected at least 1");
    CHECK(log[0] == 'x');
    lrp_network_free(net);
}

/* ---- Shapes that do not fit ---------------------------------------------------------- */

static void test_wrong_shapes_name_expected_and_given(void)
{
    LrpNetwork *net = small_net_after_forward();
    double x[10], y[Y_LEN], r[Y_LEN], out[X_LEN], w[W_LEN + 1];
    size_t o[4] = {77, 77, 77, 77};
    int32_t rank = 77, classes3[3] = {0, 0, 0};
    if (net == NULL) {
        return;
    }
    fill(x, 10, 0.5);
    fill(y, Y_LEN, SENTINEL);
    /* The length disagrees with the dimensions. */
    CHECK_FAILS(lrp_network_forward(net, x, X_LEN - 1, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_forward", "x has 7 elements",
                "expected 8");
    /* The dimensions do not fit the first layer (Linear 4 -> 3). */
    CHECK_FAILS(lrp_network_forward(net, x, 10, 2, 2, 5, 0, 0, LRP_LAYOUT_ROW_MAJOR, 0, y,
                                    Y_LEN),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_forward", "layer 1", "Linear",
                "expected [N x 4]", "given [2 x 5]");
    CHECK(all_equal_to(y, Y_LEN, SENTINEL));
    CHECK_FAILS(lrp_network_output_shape(net, 2, 2, 5, 0, 0, &o[0], &o[1], &o[2], &o[3],
                                         &rank),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_output_shape", "expected [N x 4]",
                "given [2 x 5]");
    CHECK(o[0] == 77 && o[1] == 77 && o[2] == 77 && o[3] == 77 && rank == 77);

    fill(r, Y_LEN, 1.0);
    fill(out, X_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_backward(net, r, Y_LEN - 1, LRP_LAYOUT_ROW_MAJOR, out, X_LEN),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_backward", "dy has 5 elements",
                "expected 6");
    CHECK_FAILS(lrp_network_lrp(net, r, Y_LEN + 1, LRP_LAYOUT_ROW_MAJOR, NULL, NAN, out, X_LEN),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_lrp", "r has 7 elements", "expected 6");
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, classes3, 3, NULL, NAN, out, X_LEN),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_explain", "classes", "expected [2]",
                "given [3]");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));

    /* Parameters of the wrong size change nothing. */
    fill(w, W_LEN + 1, 0.0);
    CHECK_FAILS(lrp_layer_set_param(net, 0, LRP_PARAM_W, w, W_LEN + 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_layer_set_param", "values has 13 elements",
                "expected 12");
    CHECK_FAILS(lrp_layer_set_param(net, 0, LRP_PARAM_B, w, SMALL_N - 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_layer_set_param", "expected 3");
    CHECK(small_params_unchanged(net));
    CHECK_FAILS(lrp_network_add_linear(net, SMALL_M, SMALL_N, SMALL_W, W_LEN - 1, SMALL_B,
                                       SMALL_N, LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_add_linear", "w has 11 elements",
                "expected 12");
    CHECK_FAILS(lrp_network_add_linear(net, SMALL_M, SMALL_N, SMALL_W, W_LEN, SMALL_B,
                                       SMALL_N + 1, LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_add_linear", "b has 4 elements",
                "expected 3");
    CHECK_FAILS(lrp_network_add_convolution(net, 2, 2, 1, 3, 1, 1, SMALL_W, W_LEN - 2, SMALL_B,
                                            SMALL_N, LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_add_convolution", "w has 10 elements",
                "expected 12");
    CHECK(layer_count(net) == 2);
    lrp_network_free(net);
}

static void test_explain_needs_a_class_per_sample_and_an_n_by_c_output(void)
{
    LrpNetwork *net = small_net();
    LrpNetwork *conv = lrp_network_new();
    double out[X_LEN], image[2 * 3 * 3 * 1], image_out[2 * 3 * 3 * 1];
    int32_t negative[SMALL_BATCH] = {0, -1}, too_big[SMALL_BATCH] = {3, 0};
    if (net == NULL) {
        lrp_network_free(conv);
        return;
    }
    fill(out, X_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, negative, SMALL_BATCH, NULL, NAN, out,
                                    X_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_explain", "classes[1]", "-1");
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, too_big, SMALL_BATCH, NULL, NAN, out,
                                    X_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_explain", "below 3", "given 3");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));

    /* A network whose output is an image batch (N x H x W x D) has no classes. */
    CHECK_OK(lrp_network_add_convolution(conv, 2, 2, 1, 1, 1, 1, NULL, 0, NULL, 0,
                                         LRP_LAYOUT_ROW_MAJOR, 1));
    fill(image, 18, 1.0);
    fill(image_out, 18, SENTINEL);
    CHECK_FAILS(lrp_network_explain(conv, image, 18, 4, 2, 3, 3, 1, LRP_LAYOUT_ROW_MAJOR,
                                    CLASSES, SMALL_BATCH, NULL, NAN, image_out, 18),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_explain", "N x C");
    CHECK(all_equal_to(image_out, 18, SENTINEL));
    lrp_network_free(conv);
    lrp_network_free(net);
}

/* ---- Rules --------------------------------------------------------------------------- */

static void test_unknown_rules_and_bad_rule_parameters(void)
{
    LrpNetwork *net = small_net_after_forward();
    double r[Y_LEN], out[X_LEN], param = 0.0;
    char name[16];
    if (net == NULL) {
        return;
    }
    fill(r, Y_LEN, 1.0);
    fill(out, X_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_lrp(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, "bogus", NAN, out, X_LEN),
                LRP_ERR_UNKNOWN_RULE, "lrp_network_lrp", "'bogus'");
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, CLASSES, SMALL_BATCH, "epsilonn", NAN,
                                    out, X_LEN),
                LRP_ERR_UNKNOWN_RULE, "lrp_network_explain", "'epsilonn'");
    CHECK_FAILS(lrp_layer_set_lrp_parameters(net, 1, "gradient*input", NAN),
                LRP_ERR_UNKNOWN_RULE, "lrp_layer_set_lrp_parameters", "'gradient*input'");
    CHECK_FAILS(lrp_network_set_lrp_parameters(net, "zz", NAN), LRP_ERR_UNKNOWN_RULE,
                "lrp_network_set_lrp_parameters", "'zz'");

    /* Parameters outside a rule's range. */
    CHECK_FAILS(lrp_network_lrp(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, "epsilon", 0.0, out, X_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_lrp", "epsilon");
    CHECK_FAILS(lrp_network_lrp(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, "epsilon", INFINITY, out,
                                X_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_lrp", "epsilon");
    CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, CLASSES, SMALL_BATCH, "alphabeta",
                                    -1.0, out, X_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_explain", "alpha");
    CHECK_FAILS(lrp_layer_set_lrp_parameters(net, 0, "epsilon", -0.5), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_set_lrp_parameters", "epsilon", "-0.5");
    CHECK_FAILS(lrp_network_set_lrp_parameters(net, "alpha", -2.0), LRP_ERR_INVALID_ARGUMENT,
                "lrp_network_set_lrp_parameters", "alpha");
    /* A name that is not UTF-8. */
    CHECK_FAILS(lrp_network_set_lrp_parameters(net, "\xff\xfe", NAN), LRP_ERR_INVALID_ARGUMENT,
                "lrp_network_set_lrp_parameters", "UTF-8");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));

    /* The presets are still the defaults. */
    CHECK_OK(lrp_layer_get_lrp_parameters(net, 0, name, sizeof name, &param));
    CHECK(strcmp(name, "simple") == 0 && isnan(param));
    CHECK_OK(lrp_layer_get_lrp_parameters(net, 1, name, sizeof name, &param));
    CHECK(strcmp(name, "simple") == 0 && isnan(param));
    lrp_network_free(net);
}

/* ---- Order of calls ------------------------------------------------------------------ */

static void test_calls_out_of_order(void)
{
    LrpNetwork *net = small_net();
    double y[Y_LEN], out[X_LEN];
    if (net == NULL) {
        return;
    }
    fill(y, Y_LEN, 1.0);
    fill(out, X_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_lrp(net, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR, NULL, NAN, out, X_LEN),
                LRP_ERR_OUT_OF_ORDER, "lrp_network_lrp", "lrp_network_forward");
    CHECK_FAILS(lrp_network_backward(net, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR, out, X_LEN),
                LRP_ERR_OUT_OF_ORDER, "lrp_network_backward", "lrp_network_forward");
    CHECK_FAILS(lrp_network_update(net, 0.1), LRP_ERR_OUT_OF_ORDER, "lrp_network_update",
                "backward");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));

    /* After forward, update still needs a backward pass. */
    CHECK(small_forward(net, y));
    CHECK_FAILS(lrp_network_update(net, 0.1), LRP_ERR_OUT_OF_ORDER, "lrp_network_update",
                "backward");
    CHECK(small_params_unchanged(net));

    /* clean() takes the network back to the start. */
    CHECK_OK(lrp_network_clean(net));
    CHECK_FAILS(lrp_network_lrp(net, y, Y_LEN, LRP_LAYOUT_ROW_MAJOR, "simple", NAN, out, X_LEN),
                LRP_ERR_OUT_OF_ORDER, "lrp_network_lrp");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));
    lrp_network_free(net);
}

/* ---- Non-finite values --------------------------------------------------------------- */

static void test_non_finite_inputs_are_refused_with_their_index(void)
{
    LrpNetwork *net = small_net_after_forward();
    double x[X_LEN], x_col[X_LEN], y[Y_LEN], r[Y_LEN], out[X_LEN], w[W_LEN];
    size_t x_shape[2] = {SMALL_BATCH, SMALL_M};
    if (net == NULL) {
        return;
    }
    memcpy(x, SMALL_X, sizeof x);
    x[1 * SMALL_M + 2] = NAN;
    fill(y, Y_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_forward(net, x, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN),
                LRP_ERR_NON_FINITE, "lrp_network_forward", "NaN", "[1, 2]");
    /* The index is the row-major, batch-first one whatever the caller's layout. */
    to_col_major(x, x_col, x_shape, 2);
    CHECK_FAILS(lrp_network_forward(net, x_col, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_COL_MAJOR, 0, y, Y_LEN),
                LRP_ERR_NON_FINITE, "lrp_network_forward", "[1, 2]");
    x[1 * SMALL_M + 2] = SMALL_X[1 * SMALL_M + 2];
    x[3] = -INFINITY;
    CHECK_FAILS(lrp_network_forward(net, x, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN),
                LRP_ERR_NON_FINITE, "lrp_network_forward", "inf", "[0, 3]");
    CHECK(all_equal_to(y, Y_LEN, SENTINEL));

    fill(out, X_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_explain(net, x, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, CLASSES, SMALL_BATCH, NULL, NAN, out,
                                    X_LEN),
                LRP_ERR_NON_FINITE, "lrp_network_explain", "[0, 3]");
    fill(r, Y_LEN, 1.0);
    r[4] = NAN;
    CHECK_FAILS(lrp_network_lrp(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, NULL, NAN, out, X_LEN),
                LRP_ERR_NON_FINITE, "lrp_network_lrp", "[1, 1]");
    CHECK_FAILS(lrp_network_backward(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, out, X_LEN),
                LRP_ERR_NON_FINITE, "lrp_network_backward", "[1, 1]");
    CHECK(all_equal_to(out, X_LEN, SENTINEL));

    /* Parameters: nothing changes. */
    memcpy(w, SMALL_W, sizeof w);
    w[5] = NAN;
    CHECK_FAILS(lrp_layer_set_param(net, 0, LRP_PARAM_W, w, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NON_FINITE, "lrp_layer_set_param", "[1, 2]");
    fill(r, Y_LEN, 1.0);
    CHECK_OK(lrp_network_backward(net, r, Y_LEN, LRP_LAYOUT_ROW_MAJOR, out, X_LEN));
    CHECK_FAILS(lrp_network_update(net, NAN), LRP_ERR_INVALID_ARGUMENT, "lrp_network_update",
                "lrate");
    CHECK_FAILS(lrp_network_update(net, INFINITY), LRP_ERR_INVALID_ARGUMENT, "lrate");
    CHECK(small_params_unchanged(net));
    lrp_network_free(net);
}

static void test_non_finite_weights_are_refused_when_adding_layers(void)
{
    /* A model file with NaN weights is refused, and so is lrp_layer_set_param with them;
     * appending a layer with them must be refused the same way. */
    LrpNetwork *net = lrp_network_new();
    double w[W_LEN], b[SMALL_N];
    memcpy(w, SMALL_W, sizeof w);
    memcpy(b, SMALL_B, sizeof b);
    w[7] = NAN;
    CHECK_STATUS(lrp_network_add_linear(net, SMALL_M, SMALL_N, w, W_LEN, b, SMALL_N,
                                        LRP_LAYOUT_ROW_MAJOR, 0),
                 LRP_ERR_NON_FINITE);
    w[7] = 0.0;
    b[1] = INFINITY;
    CHECK_STATUS(lrp_network_add_convolution(net, 2, 2, 1, 3, 1, 1, w, W_LEN, b, SMALL_N,
                                             LRP_LAYOUT_ROW_MAJOR, 0),
                 LRP_ERR_NON_FINITE);
    CHECK(layer_count(net) == 0);
    lrp_network_free(net);
}

static void test_layer_sizes_too_large_for_memory_are_invalid(void)
{
    /* W of 2^40 x 2^40 (or 2^20 x 2^20 x 2^20 x 4) doubles has more elements than a size_t
     * holds: an argument out of range, as the model reader says for such headers, not a
     * panic inside the library (LRP_ERR_PANIC means a bug). Nothing is allocated first. */
    const size_t big = (size_t)1 << 40, large = (size_t)1 << 20;
    LrpNetwork *net = lrp_network_new();
    CHECK_FAILS(lrp_network_add_linear(net, big, big, NULL, 0, NULL, 0, LRP_LAYOUT_ROW_MAJOR,
                                       0),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_linear");
    CHECK_FAILS(lrp_network_add_linear(net, SIZE_MAX / 2, 4, NULL, 0, NULL, 0,
                                       LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_linear");
    CHECK_FAILS(lrp_network_add_convolution(net, large, large, large, 4, 1, 1, NULL, 0, NULL, 0,
                                            LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_convolution");
    CHECK(layer_count(net) == 0);
    lrp_network_free(net);
}

/* ---- Flags, ranks, sizes, indices ---------------------------------------------------- */

static void test_bad_layout_flags(void)
{
    static const int32_t bad[] = {2, -1, 100};
    LrpNetwork *net = small_net_after_forward();
    LrpTrainOptions *opts = lrp_train_options_new();
    double y[Y_LEN], r[Y_LEN], out[X_LEN], w[W_LEN];
    size_t k;
    if (net == NULL) {
        lrp_train_options_free(opts);
        return;
    }
    fill(r, Y_LEN, 1.0);
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int32_t layout = bad[k];
        fill(y, Y_LEN, SENTINEL);
        fill(out, X_LEN, SENTINEL);
        fill(w, W_LEN, SENTINEL);
        CHECK_FAILS(lrp_network_forward(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                        layout, 0, y, Y_LEN),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_forward", "layout");
        CHECK_FAILS(lrp_network_backward(net, r, Y_LEN, layout, out, X_LEN),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_backward", "layout");
        CHECK_FAILS(lrp_network_lrp(net, r, Y_LEN, layout, NULL, NAN, out, X_LEN),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_lrp", "layout");
        CHECK_FAILS(lrp_network_explain(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                        layout, CLASSES, SMALL_BATCH, NULL, NAN, out, X_LEN),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_explain", "layout");
        CHECK_FAILS(lrp_layer_get_param(net, 0, LRP_PARAM_W, w, W_LEN, layout),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_layer_get_param", "layout");
        CHECK_FAILS(lrp_layer_set_param(net, 0, LRP_PARAM_W, SMALL_W, W_LEN, layout),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_layer_set_param", "layout");
        CHECK_FAILS(lrp_network_add_linear(net, SMALL_M, SMALL_N, SMALL_W, W_LEN, SMALL_B,
                                           SMALL_N, layout, 0),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_linear", "layout");
        CHECK_FAILS(lrp_network_add_convolution(net, 2, 2, 1, 3, 1, 1, SMALL_W, W_LEN, SMALL_B,
                                                SMALL_N, layout, 0),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_convolution", "layout");
        CHECK_FAILS(lrp_train_options_set_validation(opts, SMALL_X, X_LEN, 2, SMALL_BATCH,
                                                     SMALL_M, 0, 0, r, Y_LEN, layout),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_train_options_set_validation", "layout");
        CHECK_FAILS(lrp_network_train(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, r,
                                      Y_LEN, layout, opts),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_train", "layout");
        CHECK(all_equal_to(y, Y_LEN, SENTINEL));
        CHECK(all_equal_to(out, X_LEN, SENTINEL));
        CHECK(all_equal_to(w, W_LEN, SENTINEL));
    }
    CHECK(small_params_unchanged(net));
    CHECK(layer_count(net) == 2);
    lrp_train_options_free(opts);
    lrp_network_free(net);
}

static void test_bad_ranks_and_zero_sizes(void)
{
    LrpNetwork *net = small_net();
    double y[Y_LEN];
    size_t o[4] = {77, 77, 77, 77};
    int32_t rank = 77;
    if (net == NULL) {
        return;
    }
    fill(y, Y_LEN, SENTINEL);
    CHECK_FAILS(lrp_network_forward(net, SMALL_X, X_LEN, 0, SMALL_BATCH, SMALL_M, 0, 0,
                                    LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_forward", "rank", "given 0");
    CHECK_FAILS(lrp_network_forward(net, SMALL_X, X_LEN, 5, SMALL_BATCH, SMALL_M, 1, 1,
                                    LRP_LAYOUT_ROW_MAJOR, 0, y, Y_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_forward", "rank", "given 5");
    /* A batch of 0 samples (x need not point anywhere useful, but is not NULL). */
    CHECK_FAILS(lrp_network_forward(net, SMALL_X, 0, 2, 0, SMALL_M, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                                    0, y, Y_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_forward");
    CHECK(all_equal_to(y, Y_LEN, SENTINEL));
    CHECK_FAILS(lrp_network_output_shape(net, 5, 1, 4, 1, 1, &o[0], &o[1], &o[2], &o[3], &rank),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_output_shape", "rank");
    CHECK(o[0] == 77 && rank == 77);

    /* Sizes of 0 make no layer. */
    CHECK_FAILS(lrp_network_add_linear(net, 0, 3, NULL, 0, NULL, 0, LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_linear");
    CHECK_FAILS(lrp_network_add_convolution(net, 2, 2, 1, 3, 0, 1, NULL, 0, NULL, 0,
                                            LRP_LAYOUT_ROW_MAJOR, 0),
                LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_convolution");
    CHECK_FAILS(lrp_network_add_maxpool(net, 0, 2, 2, 2), LRP_ERR_INVALID_ARGUMENT,
                "lrp_network_add_maxpool");
    CHECK_FAILS(lrp_network_add_sumpool(net, 2, 2, 2, 0), LRP_ERR_INVALID_ARGUMENT,
                "lrp_network_add_sumpool");
    CHECK(layer_count(net) == 2);

    /* Popping from an empty network. */
    CHECK_OK(lrp_network_pop_layer(net));
    CHECK_OK(lrp_network_pop_layer(net));
    CHECK_FAILS(lrp_network_pop_layer(net), LRP_ERR_INVALID_ARGUMENT, "lrp_network_pop_layer",
                "no layer");
    lrp_network_free(net);
}

static void test_bad_layer_indices_and_parameter_selectors(void)
{
    LrpNetwork *net = small_net();
    size_t count = 77, size = 77;
    int32_t kind = 77;
    double values[W_LEN], param = SENTINEL;
    char name[16] = "untouched";
    if (net == NULL) {
        return;
    }
    fill(values, W_LEN, SENTINEL);
    CHECK_FAILS(lrp_layer_kind(net, 2, &kind), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_kind",
                "number of layers 2", "given 2");
    CHECK_FAILS(lrp_layer_kind(net, SIZE_MAX, &kind), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_kind");
    CHECK_FAILS(lrp_layer_num_sizes(net, 5, &count), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_num_sizes", "given 5");
    CHECK_FAILS(lrp_layer_size(net, 5, 0, &size), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_size",
                "given 5");
    CHECK_FAILS(lrp_layer_size(net, 0, 2, &size), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_size",
                "2 sizes", "which = 2");
    CHECK_FAILS(lrp_layer_size(net, 1, 0, &size), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_size",
                "0 sizes");
    CHECK_FAILS(lrp_layer_param_len(net, 2, LRP_PARAM_W, &count), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_param_len", "given 2");
    CHECK_FAILS(lrp_layer_param_len(net, 0, 2, &count), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_param_len", "which", "given 2");
    /* Layer 1 is a Rect: no parameters. */
    CHECK_FAILS(lrp_layer_param_len(net, 1, LRP_PARAM_W, &count), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_param_len", "Rect");
    CHECK_FAILS(lrp_layer_get_param(net, 1, LRP_PARAM_B, values, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_get_param", "Rect");
    CHECK_FAILS(lrp_layer_get_param(net, 7, LRP_PARAM_W, values, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_get_param", "given 7");
    CHECK_FAILS(lrp_layer_get_param(net, 0, -1, values, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_get_param", "which");
    CHECK_FAILS(lrp_layer_set_param(net, 1, LRP_PARAM_W, SMALL_W, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_set_param", "Rect");
    CHECK_FAILS(lrp_layer_set_param(net, 2, LRP_PARAM_W, SMALL_W, W_LEN, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_set_param", "given 2");
    CHECK_FAILS(lrp_layer_set_lrp_parameters(net, 2, "epsilon", NAN), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_set_lrp_parameters", "given 2");
    CHECK_FAILS(lrp_layer_get_lrp_parameters(net, 2, name, sizeof name, &param),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_get_lrp_parameters", "given 2");
    CHECK(count == 77 && size == 77 && kind == 77);
    CHECK(all_equal_to(values, W_LEN, SENTINEL));
    CHECK(strcmp(name, "untouched") == 0 && all_equal_to(&param, 1, SENTINEL));
    CHECK(small_params_unchanged(net));
    lrp_network_free(net);
}

/* ---- Training ------------------------------------------------------------------------ */

static void test_training_options_errors(void)
{
    LrpTrainOptions *opts = lrp_train_options_new();
    double yval[5] = {0};
    if (!CHECK(opts != NULL)) {
        return;
    }
    CHECK_FAILS(lrp_train_options_set(opts, NULL, 1), LRP_ERR_NULL_ARGUMENT,
                "lrp_train_options_set", "name is NULL");
    CHECK_FAILS(lrp_train_options_set(opts, "momentum", 0.9), LRP_ERR_INVALID_ARGUMENT,
                "lrp_train_options_set", "'momentum'");
    CHECK_FAILS(lrp_train_options_set(opts, "batchsize", 0), LRP_ERR_INVALID_ARGUMENT,
                "batchsize");
    CHECK_FAILS(lrp_train_options_set(opts, "batchsize", 2.5), LRP_ERR_INVALID_ARGUMENT,
                "batchsize", "2.5");
    CHECK_FAILS(lrp_train_options_set(opts, "iters", -1), LRP_ERR_INVALID_ARGUMENT, "iters");
    CHECK_FAILS(lrp_train_options_set(opts, "status", 0), LRP_ERR_INVALID_ARGUMENT, "status");
    CHECK_FAILS(lrp_train_options_set(opts, "seed", -3), LRP_ERR_INVALID_ARGUMENT, "seed");
    CHECK_FAILS(lrp_train_options_set(opts, "lrate", NAN), LRP_ERR_INVALID_ARGUMENT, "lrate",
                "finite");
    CHECK_FAILS(lrp_train_options_set_lrate_decay(opts, NULL), LRP_ERR_NULL_ARGUMENT,
                "lrp_train_options_set_lrate_decay", "decay is NULL");
    CHECK_FAILS(lrp_train_options_set_lrate_decay(opts, "exponential"),
                LRP_ERR_INVALID_ARGUMENT, "lrp_train_options_set_lrate_decay", "'exponential'");
    CHECK_FAILS(lrp_train_options_set_validation(opts, NULL, X_LEN, 2, SMALL_BATCH, SMALL_M, 0,
                                                 0, yval, 4, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_train_options_set_validation", "xval is NULL");
    CHECK_FAILS(lrp_train_options_set_validation(opts, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M,
                                                 0, 0, NULL, 4, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_train_options_set_validation", "yval is NULL");
    CHECK_FAILS(lrp_train_options_set_validation(opts, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M,
                                                 0, 0, yval, 5, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_train_options_set_validation", "yval has 5",
                "N_val = 2");
    CHECK_FAILS(lrp_train_options_set_validation(opts, SMALL_X, X_LEN - 1, 2, SMALL_BATCH,
                                                 SMALL_M, 0, 0, yval, 4, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_train_options_set_validation", "xval has 7",
                "expected 8");
    CHECK_FAILS(lrp_train_options_set_validation(opts, SMALL_X, X_LEN, 9, SMALL_BATCH, SMALL_M,
                                                 0, 0, yval, 4, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_train_options_set_validation", "rank");
    lrp_train_options_free(opts);
}

static void test_training_errors_leave_parameters_alone(void)
{
    /* Targets for the small network: one-hot over its 3 outputs. */
    static const double targets[Y_LEN] = {1, 0, 0, 0, 1, 0};
    LrpNetwork *net = small_net();
    LrpTrainOptions *opts = lrp_train_options_new();
    double x[X_LEN], yval_bad[3] = {1, 0, 0};
    if (net == NULL || opts == NULL) {
        lrp_network_free(net);
        lrp_train_options_free(opts);
        return;
    }
    CHECK_OK(lrp_train_options_set(opts, "iters", 5));
    CHECK_OK(lrp_train_options_set(opts, "batchsize", SMALL_BATCH));
    CHECK_OK(lrp_train_options_set(opts, "status", 1));

    CHECK_FAILS(lrp_network_train(net, NULL, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, targets,
                                  Y_LEN, LRP_LAYOUT_ROW_MAJOR, opts),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_train", "x is NULL");
    CHECK_FAILS(lrp_network_train(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, NULL,
                                  Y_LEN, LRP_LAYOUT_ROW_MAJOR, opts),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_train", "y is NULL");
    CHECK_FAILS(lrp_network_train(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, targets,
                                  Y_LEN - 1, LRP_LAYOUT_ROW_MAJOR, opts),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_train", "y has 5 elements", "expected 6");
    /* NULL options mean the defaults; the shape check fails before any training. */
    CHECK_FAILS(lrp_network_train(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, targets,
                                  Y_LEN + 1, LRP_LAYOUT_ROW_MAJOR, NULL),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_train", "expected 6");
    CHECK_FAILS(lrp_network_train(net, SMALL_X, X_LEN, 2, 4, 2, 0, 0, targets, Y_LEN,
                                  LRP_LAYOUT_ROW_MAJOR, opts),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_train", "expected [N x 4]",
                "given [4 x 2]");

    /* NaN in the data: every sample is in the first batch, so the first step fails. */
    memcpy(x, SMALL_X, sizeof x);
    x[6] = NAN;
    CHECK_FAILS(lrp_network_train(net, x, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, targets, Y_LEN,
                                  LRP_LAYOUT_ROW_MAJOR, opts),
                LRP_ERR_NON_FINITE, "lrp_network_train");
    CHECK(small_params_unchanged(net));

    /* A validation set whose targets do not fit the network's output (3 classes). */
    CHECK_OK(lrp_train_options_set_validation(opts, SMALL_X, SMALL_M, 2, 1, SMALL_M, 0, 0,
                                              yval_bad, 2, LRP_LAYOUT_ROW_MAJOR));
    CHECK_FAILS(lrp_network_train(net, SMALL_X, X_LEN, 2, SMALL_BATCH, SMALL_M, 0, 0, targets,
                                  Y_LEN, LRP_LAYOUT_ROW_MAJOR, opts),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_train", "yval");
    CHECK(small_params_unchanged(net));

    CHECK_FAILS(lrp_network_train_log_len(net, NULL), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_train_log_len", "len is NULL");
    CHECK_FAILS(lrp_network_train_log(net, NULL, 100), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_train_log", "buf is NULL");
    lrp_train_options_free(opts);
    lrp_network_free(net);
}

/* ---- The message itself -------------------------------------------------------------- */

static void test_last_error_keeps_the_last_failure(void)
{
    LrpNetwork *net = small_net();
    size_t count = 0;
    const char *first;
    char copy[256];
    if (net == NULL) {
        return;
    }
    CHECK_STATUS(lrp_layer_kind(net, 9, NULL), LRP_ERR_INVALID_ARGUMENT);
    first = lrp_last_error();
    CHECK(first != NULL && strlen(first) < sizeof copy);
    strncpy(copy, first, sizeof copy - 1);
    copy[sizeof copy - 1] = '\0';
    /* Successful calls leave the message alone. */
    CHECK_OK(lrp_network_num_layers(net, &count));
    CHECK_OK(lrp_network_add_tanh(net));
    CHECK(strcmp(lrp_last_error(), copy) == 0);
    /* The next failure replaces it. */
    CHECK_STATUS(lrp_network_pop_layer(NULL), LRP_ERR_NULL_ARGUMENT);
    CHECK_ERROR_MENTIONS("lrp_network_pop_layer");
    CHECK(strcmp(lrp_last_error(), copy) != 0);
    lrp_network_free(net);
}

void suite_errors(void)
{
    RUN_TEST(test_null_network_handles);
    RUN_TEST(test_null_buffers_in_compute_calls);
    RUN_TEST(test_null_buffers_in_network_calls);
    RUN_TEST(test_short_output_buffers_are_untouched);
    RUN_TEST(test_wrong_shapes_name_expected_and_given);
    RUN_TEST(test_explain_needs_a_class_per_sample_and_an_n_by_c_output);
    RUN_TEST(test_unknown_rules_and_bad_rule_parameters);
    RUN_TEST(test_calls_out_of_order);
    RUN_TEST(test_non_finite_inputs_are_refused_with_their_index);
    RUN_TEST(test_non_finite_weights_are_refused_when_adding_layers);
    RUN_TEST(test_layer_sizes_too_large_for_memory_are_invalid);
    RUN_TEST(test_bad_layout_flags);
    RUN_TEST(test_bad_ranks_and_zero_sizes);
    RUN_TEST(test_bad_layer_indices_and_parameter_selectors);
    RUN_TEST(test_training_options_errors);
    RUN_TEST(test_training_errors_leave_parameters_alone);
    RUN_TEST(test_last_error_keeps_the_last_failure);
}

/*
 * Golden parity through the C API: cases of ../shared/golden/manifest.json (copied here by
 * hand: name, files, rule and parameter), each run in both layouts. For the column-major
 * run the row-major reference arrays are converted to Fortran order here, passed with
 * LRP_LAYOUT_COL_MAJOR, and the column-major results compared with the converted
 * expectations, as a MATLAB caller would see them. Tolerance: the manifest's,
 * |got - want| <= 1e-9 + 1e-6 |want|.
 */
#include "harness.h"
#include "lrp.h"
#include "npy.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OP_FORWARD, OP_LRP, OP_LRP_PRESET, OP_BACKWARD, OP_TRAIN_STEP } Op;

typedef struct {
    const char *name;
    const char *model;
    const char *input;
    Op op;
    const char *aux;      /* relevance (lrp), gradient (backward) or targets (train_step) */
    const char *expected; /* .npy, or the expected model file of train_step */
    const char *rule;     /* lrp only */
    double param;         /* NaN where the manifest has null: the rule's default */
} GoldenCase;

/* The manifest's null parameter: NaN asks for the rule's default. */
#define NONE NAN

#define LRP_CASES(net, model, prefix)                                                          \
    {net "/lrp/simple", model, prefix "_input.npy", OP_LRP, prefix "_R0.npy",                  \
     prefix "_lrp_simple.npy", "simple", NONE},                                                \
    {net "/lrp/epsilon_0.01", model, prefix "_input.npy", OP_LRP, prefix "_R0.npy",            \
     prefix "_lrp_epsilon_0.01.npy", "epsilon", 0.01},                                         \
    {net "/lrp/epsilon_1.0", model, prefix "_input.npy", OP_LRP, prefix "_R0.npy",             \
     prefix "_lrp_epsilon_1.0.npy", "epsilon", 1.0},                                           \
    {net "/lrp/alphabeta_2.0", model, prefix "_input.npy", OP_LRP, prefix "_R0.npy",           \
     prefix "_lrp_alphabeta_2.0.npy", "alphabeta", 2.0},                                       \
    {net "/lrp/alphabeta_1.0", model, prefix "_input.npy", OP_LRP, prefix "_R0.npy",           \
     prefix "_lrp_alphabeta_1.0.npy", "alphabeta", 1.0},                                       \
    {net "/lrp/flat", model, prefix "_input.npy", OP_LRP, prefix "_R0.npy",                    \
     prefix "_lrp_flat.npy", "flat", NONE},                                                    \
    {net "/lrp/ww", model, prefix "_input.npy", OP_LRP, prefix "_R0.npy", prefix "_lrp_ww.npy", \
     "ww", NONE}

#define FORWARD_AND_BACKWARD_CASES(net, model, prefix)                                         \
    {net "/forward", model, prefix "_input.npy", OP_FORWARD, NULL, prefix "_forward.npy",      \
     NULL, NONE},                                                                              \
    {net "/backward", model, prefix "_input.npy", OP_BACKWARD, prefix "_DY.npy",               \
     prefix "_DX.npy", NULL, NONE}

static const GoldenCase CASES[] = {
    FORWARD_AND_BACKWARD_CASES("lenet5", "lenet5.txt", "lenet5"),
    LRP_CASES("lenet5", "lenet5.txt", "lenet5"),
    {"lenet5/lrp/preset", "lenet5.txt", "lenet5_input.npy", OP_LRP_PRESET, "lenet5_R0.npy",
     "lenet5_lrp_preset.npy", NULL, NONE},
    FORWARD_AND_BACKWARD_CASES("mlp_rect", "mlp_rect_nosoftmax.txt", "mlp_rect"),
    LRP_CASES("mlp_rect", "mlp_rect_nosoftmax.txt", "mlp_rect"),
    FORWARD_AND_BACKWARD_CASES("mlp_tanh", "mlp_tanh_nosoftmax.txt", "mlp_tanh"),
    LRP_CASES("mlp_tanh", "mlp_tanh_nosoftmax.txt", "mlp_tanh"),
    FORWARD_AND_BACKWARD_CASES("convnet", "convnet.txt", "convnet"),
    LRP_CASES("convnet", "convnet.txt", "convnet"),
    {"convnet/train_step", "convnet_softmax.txt", "convnet_input.npy", OP_TRAIN_STEP,
     "convnet_train_targets.npy", "convnet_softmax_after_step.txt", NULL, NONE},
};

/* layer_rules of lenet5/lrp/preset, one per layer of lenet5.txt. */
static const struct {
    const char *rule;
    double param;
} LENET5_PRESETS[] = {
    {"alphabeta", 1.0}, {"simple", NONE},  {"simple", NONE},   {"alphabeta", 1.0},
    {"simple", NONE},   {"simple", NONE},  {"epsilon", 0.01},  {"simple", NONE},
    {"simple", NONE},   {"epsilon", 0.01}, {"simple", NONE},
};

/* The manifest's learning rate of convnet/train_step. */
#define TRAIN_STEP_LRATE 0.05

static const char *layout_name(int32_t layout)
{
    return layout == LRP_LAYOUT_COL_MAJOR ? "col-major" : "row-major";
}

/* An array as the caller of `layout` holds it: a copy, transposed for column-major. */
static double *in_layout(const NpyArray *a, int32_t layout)
{
    double *out = alloc_doubles(a->len);
    if (layout == LRP_LAYOUT_COL_MAJOR) {
        to_col_major(a->data, out, a->shape, a->rank);
    } else {
        memcpy(out, a->data, a->len * sizeof(double));
    }
    return out;
}

static int same_shape(const NpyArray *a, const NpyArray *b)
{
    return a->rank == b->rank &&
           memcmp(a->shape, b->shape, (size_t)a->rank * sizeof a->shape[0]) == 0;
}

/* Compares `got` with the row-major `want` converted to `layout`. */
static void check_close(const GoldenCase *c, int32_t layout, const char *what,
                        const double *got, const NpyArray *want)
{
    char label[160];
    double *expected = in_layout(want, layout);
    snprintf(label, sizeof label, "%s %s %s", c->name, layout_name(layout), what);
    CHECK_MSG(count_mismatches(got, expected, want->len, label) == 0, "%s differs from %s",
              label, c->expected);
    free(expected);
}

/* lrp_network_forward of the case's input (in `layout`), with the output shape checked
 * against lrp_network_output_shape. Returns the output in `layout` (caller frees), or NULL
 * after a failed check. */
static double *run_forward(LrpNetwork *net, const GoldenCase *c, const NpyArray *input,
                           int32_t layout, size_t *y_len)
{
    size_t o[4] = {0, 0, 0, 0}, d[4] = {0, 0, 0, 0};
    int32_t out_rank = 0;
    double *x, *y;
    int k, status;
    for (k = 0; k < input->rank; k++) {
        d[k] = input->shape[k];
    }
    if (!CHECK_OK(lrp_network_output_shape(net, input->rank, d[0], d[1], d[2], d[3], &o[0],
                                           &o[1], &o[2], &o[3], &out_rank))) {
        return NULL;
    }
    *y_len = shape_elements(o, out_rank);
    x = in_layout(input, layout);
    y = alloc_doubles(*y_len);
    status = lrp_network_forward(net, x, input->len, input->rank, d[0], d[1], d[2], d[3], layout,
                                 0, y, *y_len);
    free(x);
    if (!CHECK_MSG(status == LRP_OK, "%s %s: forward: %s", c->name, layout_name(layout),
                   lrp_last_error())) {
        free(y);
        return NULL;
    }
    return y;
}

static void set_lenet5_presets(LrpNetwork *net)
{
    size_t layers = 0, k;
    CHECK_OK(lrp_network_num_layers(net, &layers));
    if (!CHECK_MSG(layers == sizeof LENET5_PRESETS / sizeof LENET5_PRESETS[0],
                   "lenet5.txt has %lu layers, layer_rules %lu", (unsigned long)layers,
                   (unsigned long)(sizeof LENET5_PRESETS / sizeof LENET5_PRESETS[0]))) {
        return;
    }
    for (k = 0; k < layers; k++) {
        char name[16];
        double param = 0.0;
        double want = LENET5_PRESETS[k].param;
        CHECK_OK(lrp_layer_set_lrp_parameters(net, k, LENET5_PRESETS[k].rule, want));
        CHECK_OK(lrp_layer_get_lrp_parameters(net, k, name, sizeof name, &param));
        CHECK_MSG(strcmp(name, LENET5_PRESETS[k].rule) == 0 &&
                      (isnan(want) ? isnan(param) : param == want),
                  "layer %lu preset %s(%g), expected %s(%g)", (unsigned long)k, name, param,
                  LENET5_PRESETS[k].rule, want);
    }
}

/* After the forward pass: LRP, LRP with presets, or backward of the case's array. */
static void run_relevance_or_gradient(LrpNetwork *net, const GoldenCase *c,
                                      const NpyArray *input, int32_t layout, size_t y_len)
{
    NpyArray aux, want;
    double *a, *out;
    int status;
    if (!load_golden(c->aux, &aux)) {
        return;
    }
    if (!load_golden(c->expected, &want)) {
        npy_free(&aux);
        return;
    }
    CHECK_MSG(aux.len == y_len, "%s: %s has %lu elements, the output %lu", c->name, c->aux,
              (unsigned long)aux.len, (unsigned long)y_len);
    CHECK_MSG(same_shape(&want, input), "%s: %s is not shaped like the input", c->name,
              c->expected);
    a = in_layout(&aux, layout);
    out = alloc_doubles(input->len);
    fill(out, input->len, SENTINEL);
    if (c->op == OP_BACKWARD) {
        status = lrp_network_backward(net, a, aux.len, layout, out, input->len);
    } else if (c->op == OP_LRP_PRESET) {
        set_lenet5_presets(net);
        status = lrp_network_lrp(net, a, aux.len, layout, NULL, NAN, out, input->len);
    } else {
        status = lrp_network_lrp(net, a, aux.len, layout, c->rule, c->param,
                                 out, input->len);
    }
    if (CHECK_MSG(status == LRP_OK, "%s %s: %s", c->name, layout_name(layout),
                  lrp_last_error()) &&
        same_shape(&want, input)) {
        check_close(c, layout, c->op == OP_BACKWARD ? "dx" : "relevance", out, &want);
    }
    free(out);
    free(a);
    npy_free(&aux);
    npy_free(&want);
}

/* W or B of layer `index` of `net` in `layout`, checked against the same parameter of
 * `expected` (read row-major and converted here). */
static void check_param(const GoldenCase *c, int32_t layout, const LrpNetwork *net,
                        const LrpNetwork *expected, size_t index, int32_t which)
{
    NpyArray want;
    size_t len = 0, nsizes = 0, k;
    int32_t kind = 0;
    char what[64];
    double *got;

    memset(&want, 0, sizeof want);
    CHECK_OK(lrp_layer_kind(expected, index, &kind));
    CHECK_OK(lrp_layer_num_sizes(expected, index, &nsizes));
    if (!CHECK_OK(lrp_layer_param_len(expected, index, which, &len))) {
        return;
    }
    /* The parameter's shape: B is a vector, W is m x n (Linear) or hf x wf x df x nf. */
    if (which == LRP_PARAM_B) {
        want.rank = 1;
        want.shape[0] = len;
    } else {
        want.rank = kind == LRP_LAYER_LINEAR ? 2 : 4;
        for (k = 0; k < (size_t)want.rank && k < nsizes; k++) {
            CHECK_OK(lrp_layer_size(expected, index, k, &want.shape[k]));
        }
    }
    want.len = len;
    if (!CHECK(shape_elements(want.shape, want.rank) == len)) {
        return;
    }
    want.data = alloc_doubles(len);
    got = alloc_doubles(len);
    CHECK_OK(lrp_layer_get_param(expected, index, which, want.data, len, LRP_LAYOUT_ROW_MAJOR));
    if (CHECK_OK(lrp_layer_get_param(net, index, which, got, len, layout))) {
        snprintf(what, sizeof what, "layer %lu %s", (unsigned long)index,
                 which == LRP_PARAM_W ? "W" : "B");
        check_close(c, layout, what, got, &want);
    }
    free(got);
    npy_free(&want);
}

/* forward, backward(output - targets), update(lrate), then every parameter against the
 * expected model. */
static void run_train_step(LrpNetwork *net, const GoldenCase *c, const NpyArray *input,
                           int32_t layout, double *y, size_t y_len)
{
    char path[TEST_PATH_LEN];
    NpyArray targets;
    LrpNetwork *expected;
    double *t, *dx;
    size_t layers = 0, k;

    if (!load_golden(c->aux, &targets)) {
        return;
    }
    if (!CHECK_MSG(targets.len == y_len, "%s: targets have %lu elements, the output %lu",
                   c->name, (unsigned long)targets.len, (unsigned long)y_len)) {
        npy_free(&targets);
        return;
    }
    /* The subtraction is element by element: the same in either layout. */
    t = in_layout(&targets, layout);
    for (k = 0; k < y_len; k++) {
        y[k] -= t[k];
    }
    dx = alloc_doubles(input->len);
    CHECK_OK(lrp_network_backward(net, y, y_len, layout, dx, input->len));
    CHECK_OK(lrp_network_update(net, TRAIN_STEP_LRATE));

    golden_path(path, c->expected);
    expected = lrp_network_read(path);
    if (CHECK_MSG(expected != NULL, "%s", lrp_last_error())) {
        CHECK_OK(lrp_network_num_layers(expected, &layers));
        for (k = 0; k < layers; k++) {
            int32_t kind = 0;
            CHECK_OK(lrp_layer_kind(expected, k, &kind));
            if (kind == LRP_LAYER_LINEAR || kind == LRP_LAYER_CONVOLUTION) {
                check_param(c, layout, net, expected, k, LRP_PARAM_W);
                check_param(c, layout, net, expected, k, LRP_PARAM_B);
            }
        }
    }
    lrp_network_free(expected);
    free(dx);
    free(t);
    npy_free(&targets);
}

static void run_case(const GoldenCase *c, int32_t layout)
{
    char path[TEST_PATH_LEN];
    NpyArray input;
    LrpNetwork *net;
    double *y;
    size_t y_len = 0;

    golden_path(path, c->model);
    net = lrp_network_read(path);
    if (!CHECK_MSG(net != NULL, "%s: %s", c->name, lrp_last_error())) {
        return;
    }
    if (!load_golden(c->input, &input)) {
        lrp_network_free(net);
        return;
    }
    y = run_forward(net, c, &input, layout, &y_len);
    if (y != NULL) {
        if (c->op == OP_FORWARD) {
            NpyArray want;
            if (load_golden(c->expected, &want)) {
                CHECK_MSG(want.len == y_len, "%s: output has %lu elements, expected %lu",
                          c->name, (unsigned long)y_len, (unsigned long)want.len);
                if (want.len == y_len) {
                    check_close(c, layout, "output", y, &want);
                }
                npy_free(&want);
            }
        } else if (c->op == OP_TRAIN_STEP) {
            run_train_step(net, c, &input, layout, y, y_len);
        } else {
            run_relevance_or_gradient(net, c, &input, layout, y_len);
        }
    }
    free(y);
    npy_free(&input);
    lrp_network_free(net);
}

/* One RUN_TEST per model, so that the log shows which model failed. */
static void run_cases_of(const char *prefix)
{
    size_t k, ran = 0;
    for (k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
        if (strncmp(CASES[k].name, prefix, strlen(prefix)) == 0 &&
            CASES[k].name[strlen(prefix)] == '/') {
            run_case(&CASES[k], LRP_LAYOUT_ROW_MAJOR);
            run_case(&CASES[k], LRP_LAYOUT_COL_MAJOR);
            ran++;
        }
    }
    CHECK_MSG(ran > 0, "no golden case for %s", prefix);
}

static void test_golden_lenet5(void)
{
    run_cases_of("lenet5");
}

static void test_golden_mlp_rect(void)
{
    run_cases_of("mlp_rect");
}

static void test_golden_mlp_tanh(void)
{
    run_cases_of("mlp_tanh");
}

static void test_golden_convnet(void)
{
    run_cases_of("convnet");
}

/* The reader itself, on a file it must refuse (so a broken reader cannot pass vacuously
 * by reading nothing). */
static void test_npy_reader_refuses_other_files(void)
{
    char path[TEST_PATH_LEN], err[TEST_PATH_LEN + 256];
    NpyArray a;
    golden_path(path, "mnist10k_labels_u8.npy");
    CHECK(npy_read(path, &a, err, sizeof err) != 0);
    CHECK_TEXT_MENTIONS(err, "mnist10k_labels_u8.npy", "'<f8'");
    golden_path(path, "lenet5.txt");
    CHECK(npy_read(path, &a, err, sizeof err) != 0);
    CHECK_TEXT_MENTIONS(err, "not an .npy file");
    golden_path(path, "lenet5_input.npy");
    if (CHECK(npy_read(path, &a, err, sizeof err) == 0)) {
        CHECK(a.rank == 4 && a.shape[0] == 16 && a.shape[1] == 32 && a.shape[2] == 32 &&
              a.shape[3] == 1 && a.len == 16 * 32 * 32);
        npy_free(&a);
    }
}

void suite_golden(void)
{
    RUN_TEST(test_npy_reader_refuses_other_files);
    RUN_TEST(test_golden_lenet5);
    RUN_TEST(test_golden_mlp_rect);
    RUN_TEST(test_golden_mlp_tanh);
    RUN_TEST(test_golden_convnet);
}

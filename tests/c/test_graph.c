/*
 * Building graphs from C (issue 13): layer specs of every kind added as nodes with the ids
 * of their inputs, a small residual network checked against hand-computed values, every
 * node read back (kind, inputs, attributes, parameters, accepted rules), and the failure
 * paths of each of these exports with their outputs left untouched.
 */
#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* |got - want| <= 1e-12 (1 + |want|): the hand-computed values are exact but for rounding
 * (the stabiliser of "simple", 1e-16, is far below). */
/* Written into size outputs before calls that must fail. */
#define SIZE_SENTINEL_VALUE ((size_t)0x5a5a5a5au)

static int near(double got, double want)
{
    return fabs(got - want) <= 1e-12 * (1.0 + fabs(want));
}

static size_t node_count(const LrpNetwork *net)
{
    size_t n = (size_t)-1;
    return lrp_network_num_layers(net, &n) == LRP_OK ? n : (size_t)-1;
}

/* Adds the node `spec` describes on `n` inputs; returns its output value (or SIZE_MAX). */
static size_t add(LrpNetwork *net, LrpLayerSpec *spec, const size_t *inputs, size_t n)
{
    size_t value = (size_t)-1;
    CHECK_OK(lrp_network_add_node(net, spec, inputs, n, &value));
    lrp_layer_spec_free(spec);
    return value;
}

static LrpLayerSpec *spec_of(int32_t kind)
{
    LrpLayerSpec *spec = lrp_layer_spec_new(kind);
    CHECK_MSG(spec != NULL, "lrp_layer_spec_new(%d): %s", (int)kind, lrp_last_error());
    return spec;
}

/* ---- The residual network of the README ----------------------------------------------- */

/* README: begin (README.md shows this function; test_readme_copy checks the copy) */
/* x (1 x 3 x 3 x 1) -> conv 3x3 (padding 1, W = 1) -> relu -> conv 1x1 (W = 0.1)
 * -> add(x) -> global average pool -> flatten -> linear 1 -> 2 (W = [1 -2]); biases 0.
 * NULL on failure, with lrp_last_error() saying why. */
static LrpNetwork *residual_network(void)
{
    static const double ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, tenth[1] = {0.1};
    static const double linear_w[2] = {1.0, -2.0};
    static const size_t conv_dims[4] = {3, 3, 1, 1}, pointwise_dims[4] = {1, 1, 1, 1};
    static const size_t linear_dims[2] = {1, 2};
    static const char *const pads[4] = {"pad_top", "pad_left", "pad_bottom", "pad_right"};
    LrpNetwork *net = lrp_network_new();
    LrpLayerSpec *conv = lrp_layer_spec_new(LRP_LAYER_CONVOLUTION);
    LrpLayerSpec *relu = lrp_layer_spec_new(LRP_LAYER_RECT);
    LrpLayerSpec *pointwise = lrp_layer_spec_new(LRP_LAYER_CONVOLUTION);
    LrpLayerSpec *add = lrp_layer_spec_new(LRP_LAYER_ADD);
    LrpLayerSpec *pool = lrp_layer_spec_new(LRP_LAYER_GLOBALAVGPOOL);
    LrpLayerSpec *flatten = lrp_layer_spec_new(LRP_LAYER_FLATTEN);
    LrpLayerSpec *linear = lrp_layer_spec_new(LRP_LAYER_LINEAR);
    size_t x = 0, h, r, both[2], s, p, f, y; /* values: 0 is the input, i + 1 node i's output */
    int32_t st = net && conv && relu && pointwise && add && pool && flatten && linear
                     ? LRP_OK
                     : lrp_last_status();
    int k;
    for (k = 0; k < 4 && st == LRP_OK; k++) {
        st = lrp_layer_spec_set(conv, pads[k], 1);
    }
    if (st == LRP_OK) st = lrp_layer_spec_set_param(conv, "W", ones, conv_dims, 4, LRP_LAYOUT_ROW_MAJOR);
    if (st == LRP_OK) st = lrp_layer_spec_set_param(pointwise, "W", tenth, pointwise_dims, 4, LRP_LAYOUT_ROW_MAJOR);
    if (st == LRP_OK) st = lrp_layer_spec_set_param(linear, "W", linear_w, linear_dims, 2, LRP_LAYOUT_ROW_MAJOR);
    if (st == LRP_OK) st = lrp_network_add_node(net, conv, &x, 1, &h);
    if (st == LRP_OK) st = lrp_network_add_node(net, relu, &h, 1, &r);
    if (st == LRP_OK) st = lrp_network_add_node(net, pointwise, &r, 1, &both[0]);
    both[1] = x; /* the skip connection */
    if (st == LRP_OK) st = lrp_network_add_node(net, add, both, 2, &s);
    if (st == LRP_OK) st = lrp_network_add_node(net, pool, &s, 1, &p);
    if (st == LRP_OK) st = lrp_network_add_node(net, flatten, &p, 1, &f);
    if (st == LRP_OK) st = lrp_network_add_node(net, linear, &f, 1, &y);
    lrp_layer_spec_free(conv); /* the network holds copies */
    lrp_layer_spec_free(relu);
    lrp_layer_spec_free(pointwise);
    lrp_layer_spec_free(add);
    lrp_layer_spec_free(pool);
    lrp_layer_spec_free(flatten);
    lrp_layer_spec_free(linear);
    if (st != LRP_OK) {
        lrp_network_free(net);
        return NULL;
    }
    return net;
}
/* README: end */

/*
 * By hand, for x = 1..9 row by row: the 3x3 sums of x with zero padding are
 * 12 21 16 / 27 45 33 / 24 39 28 (245 in all); conv2 gives a tenth of them, the Add
 * x + that (69.5 in all), the pool 69.5 / 9, the output [69.5 / 9, -139 / 9].
 * LRP "simple" of class 0 (biases 0, so it conserves 69.5 / 9): the pool and the Add
 * share in proportion, so x_j keeps x_j / 9 through the skip and gets
 * x_j * 0.1 * n_j / 9 through the convolutions, n_j the number of 3x3 windows holding x_j
 * (4 at the corners, 6 on the edges, 9 in the middle): R_j = x_j (1 + 0.1 n_j) / 9.
 */
static void test_residual_network_from_c(void)
{
    static const double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const double windows[9] = {4, 6, 4, 6, 9, 6, 4, 6, 4};
    const int32_t classes[1] = {0};
    double y[2], r[2], rel[9], explained[9], total = 0.0;
    size_t o[4], k;
    int32_t rank = 0;
    LrpNetwork *net = residual_network();
    if (!CHECK_MSG(net != NULL, "residual_network: %s", lrp_last_error())) {
        return;
    }
    CHECK(node_count(net) == 7);
    CHECK_OK(lrp_network_output_shape(net, 4, 1, 3, 3, 1, &o[0], &o[1], &o[2], &o[3], &rank));
    CHECK(rank == 2 && o[0] == 1 && o[1] == 2);
    if (CHECK_OK(lrp_network_forward(net, x, 9, 4, 1, 3, 3, 1, LRP_LAYOUT_ROW_MAJOR, 0, y, 2))) {
        CHECK_MSG(near(y[0], 69.5 / 9.0) && near(y[1], -139.0 / 9.0), "y = %.17g %.17g", y[0],
                  y[1]);
    }
    r[0] = y[0];
    r[1] = 0.0;
    if (CHECK_OK(lrp_network_lrp(net, r, 2, LRP_LAYOUT_ROW_MAJOR, "simple", NAN, rel, 9))) {
        for (k = 0; k < 9; k++) {
            double want = x[k] * (1.0 + 0.1 * windows[k]) / 9.0;
            CHECK_MSG(near(rel[k], want), "R[%zu] = %.17g, expected %.17g", k, rel[k], want);
            total += rel[k];
        }
        CHECK_MSG(near(total, 69.5 / 9.0), "relevance sums to %.17g", total);
    }
    /* The one-call path gives the same map. */
    if (CHECK_OK(lrp_network_explain(net, x, 9, 4, 1, 3, 3, 1, LRP_LAYOUT_ROW_MAJOR, classes, 1,
                                     "simple", NAN, explained, 9))) {
        CHECK(count_bit_differences(explained, rel, 9) == 0);
    }
    /* The nodes read back as built. */
    {
        size_t inputs[2] = {99, 99}, count = 0;
        int32_t kind = 0;
        double v = 0.0, w[9];
        CHECK_OK(lrp_node_num_inputs(net, 3, &count));
        CHECK(count == 2);
        CHECK_OK(lrp_node_inputs(net, 3, inputs, 2));
        CHECK(inputs[0] == 3 && inputs[1] == 0);
        CHECK_OK(lrp_layer_kind(net, 3, &kind));
        CHECK(kind == LRP_LAYER_ADD);
        CHECK_OK(lrp_node_attribute(net, 0, "pad_left", &v));
        CHECK(v == 1.0);
        CHECK_OK(lrp_node_attribute(net, 0, "STRIDE_H", &v)); /* names ignore case */
        CHECK(v == 1.0);
        CHECK_OK(lrp_node_get_param(net, 0, "w", w, 9, LRP_LAYOUT_ROW_MAJOR));
        CHECK(all_equal_to(w, 9, 1.0));
        CHECK_OK(lrp_node_get_param(net, 0, "B", w, 9, LRP_LAYOUT_ROW_MAJOR));
        CHECK(w[0] == 0.0 && w[1] == 1.0); /* B defaults to zeros; one element written */
    }
    lrp_network_free(net);
}

/* ---- A node of every kind -------------------------------------------------------------- */

/* Input 1 x 4 x 4 x 2; every one of the 16 kinds once; output 1 x 3 (SoftMax). */
static LrpNetwork *every_kind_network(void)
{
    double conv_w[18], lin_w[12], mean[2] = {0.5, -0.25}, var[2] = {4.0, 0.25};
    double gamma[2] = {2.0, 1.0}, beta[2] = {0.0, 0.5}, reshape[2] = {0, -1};
    const size_t conv_dims[4] = {3, 3, 1, 2}, lin_dims[2] = {4, 3}, two[1] = {2};
    const size_t shape_dims[2] = {1, 2}; /* a vector held as 1 x 2, as MATLAB holds it */
    LrpNetwork *net = lrp_network_new();
    LrpLayerSpec *s;
    size_t v[17], k, in = 0;
    for (k = 0; k < 18; k++) {
        conv_w[k] = 0.1 * (double)((int)(k % 5) - 2);
    }
    for (k = 0; k < 12; k++) {
        lin_w[k] = 0.05 * (double)k - 0.3;
    }
    if (!CHECK(net != NULL)) {
        return NULL;
    }
    v[0] = 0;
    s = spec_of(LRP_LAYER_CONVOLUTION); /* depthwise: 2 groups of 1 channel */
    CHECK_OK(lrp_layer_spec_set_param(s, "W", conv_w, conv_dims, 4, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set(s, "groups", 2));
    CHECK_OK(lrp_layer_spec_set(s, "pad_top", 2));
    CHECK_OK(lrp_layer_spec_set(s, "pad_left", 2));
    CHECK_OK(lrp_layer_spec_set(s, "pad_bottom", 2));
    CHECK_OK(lrp_layer_spec_set(s, "pad_right", 2));
    CHECK_OK(lrp_layer_spec_set(s, "dilation_h", 2));
    CHECK_OK(lrp_layer_spec_set(s, "dilation_w", 2));
    v[1] = add(net, s, &in, 1); /* 1 x 4 x 4 x 2 */
    s = spec_of(LRP_LAYER_BATCHNORM);
    CHECK_OK(lrp_layer_spec_set_param(s, "mean", mean, two, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(s, "var", var, two, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(s, "gamma", gamma, two, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(s, "beta", beta, two, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set(s, "eps", 0.0));
    v[2] = add(net, s, &v[1], 1);
    v[3] = add(net, spec_of(LRP_LAYER_RECT), &v[2], 1);
    s = spec_of(LRP_LAYER_MAXPOOL);
    CHECK_OK(lrp_layer_spec_set(s, "kernel_h", 2));
    CHECK_OK(lrp_layer_spec_set(s, "kernel_w", 2));
    CHECK_OK(lrp_layer_spec_set(s, "stride_h", 2));
    CHECK_OK(lrp_layer_spec_set(s, "stride_w", 2));
    v[4] = add(net, s, &v[3], 1); /* 1 x 2 x 2 x 2 */
    s = spec_of(LRP_LAYER_AVGPOOL);
    CHECK_OK(lrp_layer_spec_set(s, "kernel_h", 3));
    CHECK_OK(lrp_layer_spec_set(s, "kernel_w", 3));
    CHECK_OK(lrp_layer_spec_set(s, "stride_h", 2));
    CHECK_OK(lrp_layer_spec_set(s, "stride_w", 2));
    CHECK_OK(lrp_layer_spec_set(s, "pad_top", 1));
    CHECK_OK(lrp_layer_spec_set(s, "pad_left", 1));
    CHECK_OK(lrp_layer_spec_set(s, "count_include_pad", 0));
    v[5] = add(net, s, &v[3], 1); /* (4 + 1 - 3) / 2 + 1 = 2: 1 x 2 x 2 x 2 */
    s = spec_of(LRP_LAYER_SUMPOOL);
    CHECK_OK(lrp_layer_spec_set(s, "kernel_h", 2));
    CHECK_OK(lrp_layer_spec_set(s, "kernel_w", 2));
    CHECK_OK(lrp_layer_spec_set(s, "stride_h", 3));
    CHECK_OK(lrp_layer_spec_set(s, "stride_w", 3));
    CHECK_OK(lrp_layer_spec_set(s, "ceil_mode", 1));
    v[6] = add(net, s, &v[3], 1); /* ceil((4 - 2) / 3) + 1 = 2 */
    {
        const size_t pair[2] = {v[4], v[5]};
        v[7] = add(net, spec_of(LRP_LAYER_ADD), pair, 2);
    }
    {
        const size_t pair[2] = {v[7], v[6]};
        v[8] = add(net, spec_of(LRP_LAYER_SUM), pair, 2);
    }
    {
        const size_t pair[2] = {v[8], v[4]};
        v[9] = add(net, spec_of(LRP_LAYER_CONCAT), pair, 2); /* 1 x 2 x 2 x 4 */
    }
    v[10] = add(net, spec_of(LRP_LAYER_TANH), &v[9], 1);
    v[11] = add(net, spec_of(LRP_LAYER_IDENTITY), &v[10], 1);
    v[12] = add(net, spec_of(LRP_LAYER_GLOBALAVGPOOL), &v[11], 1); /* 1 x 1 x 1 x 4 */
    v[13] = add(net, spec_of(LRP_LAYER_FLATTEN), &v[12], 1);       /* 1 x 4 */
    s = spec_of(LRP_LAYER_RESHAPE);
    CHECK_OK(lrp_layer_spec_set_param(s, "shape", reshape, shape_dims, 2, LRP_LAYOUT_ROW_MAJOR));
    v[14] = add(net, s, &v[13], 1);
    s = spec_of(LRP_LAYER_LINEAR);
    /* Column-major W: read back row-major below. */
    {
        double col[12];
        to_col_major(lin_w, col, lin_dims, 2);
        CHECK_OK(lrp_layer_spec_set_param(s, "W", col, lin_dims, 2, LRP_LAYOUT_COL_MAJOR));
    }
    v[15] = add(net, s, &v[14], 1);
    v[16] = add(net, spec_of(LRP_LAYER_SOFTMAX), &v[15], 1);
    for (k = 1; k <= 16; k++) {
        CHECK_MSG(v[k] == k, "node %zu has output value %zu", k - 1, v[k]);
    }
    return net;
}

static void test_a_node_of_every_kind(void)
{
    static const int32_t kinds[16] = {
        LRP_LAYER_CONVOLUTION, LRP_LAYER_BATCHNORM, LRP_LAYER_RECT,     LRP_LAYER_MAXPOOL,
        LRP_LAYER_AVGPOOL,     LRP_LAYER_SUMPOOL,   LRP_LAYER_ADD,      LRP_LAYER_SUM,
        LRP_LAYER_CONCAT,      LRP_LAYER_TANH,      LRP_LAYER_IDENTITY, LRP_LAYER_GLOBALAVGPOOL,
        LRP_LAYER_FLATTEN,     LRP_LAYER_RESHAPE,   LRP_LAYER_LINEAR,   LRP_LAYER_SOFTMAX};
    /* Attribute and parameter counts per node, in the order above. */
    static const size_t n_attributes[16] = {9, 1, 0, 9, 10, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const size_t n_params[16] = {2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0};
    double x[32], y[3], rel[32];
    size_t o[4], k, count;
    int32_t rank = 0, kind, seen[17] = {0};
    LrpNetwork *net = every_kind_network();
    if (net == NULL) {
        return;
    }
    CHECK(node_count(net) == 16);
    for (k = 0; k < 16; k++) {
        CHECK_OK(lrp_layer_kind(net, k, &kind));
        CHECK_MSG(kind == kinds[k], "node %zu is kind %d", k, (int)kind);
        if (kind >= 1 && kind <= 16) {
            seen[kind] = 1;
        }
        CHECK_OK(lrp_node_num_attributes(net, k, &count));
        CHECK_MSG(count == n_attributes[k], "node %zu has %zu attributes", k, count);
        CHECK_OK(lrp_node_num_params(net, k, &count));
        CHECK_MSG(count == n_params[k], "node %zu has %zu parameters", k, count);
    }
    for (k = 1; k <= 16; k++) {
        CHECK_MSG(seen[k], "no node of kind %zu", k);
    }
    /* It runs: shapes fit, the SoftMax output sums to 1. */
    CHECK_OK(lrp_network_output_shape(net, 4, 1, 4, 4, 2, &o[0], &o[1], &o[2], &o[3], &rank));
    CHECK(rank == 2 && o[0] == 1 && o[1] == 3);
    for (k = 0; k < 32; k++) {
        x[k] = 0.1 * (double)((k * 7) % 13) - 0.5;
    }
    if (CHECK_OK(lrp_network_forward(net, x, 32, 4, 1, 4, 4, 2, LRP_LAYOUT_ROW_MAJOR, 0, y, 3))) {
        CHECK_MSG(near(y[0] + y[1] + y[2], 1.0), "softmax sums to %.17g", y[0] + y[1] + y[2]);
        CHECK(y[0] > 0 && y[1] > 0 && y[2] > 0);
        fill(rel, 32, SENTINEL);
        CHECK_OK(lrp_network_lrp(net, y, 3, LRP_LAYOUT_ROW_MAJOR, "epsilon", NAN, rel, 32));
        for (k = 0; k < 32; k++) {
            CHECK_MSG(isfinite(rel[k]) && rel[k] != SENTINEL, "R[%zu] = %g", k, rel[k]);
        }
    }
    /* Attributes read back as set, defaults where not. */
    {
        static const struct {
            size_t node;
            const char *name;
            double value;
        } want[] = {
            {0, "stride_h", 1}, {0, "stride_w", 1},   {0, "pad_top", 2},   {0, "pad_right", 2},
            {0, "dilation_h", 2}, {0, "dilation_w", 2}, {0, "groups", 2},  {1, "eps", 0},
            {3, "kernel_h", 2}, {3, "stride_w", 2},   {3, "pad_top", 0},   {3, "ceil_mode", 0},
            {4, "kernel_w", 3}, {4, "pad_left", 1},   {4, "pad_bottom", 0},
            {4, "count_include_pad", 0}, {4, "ceil_mode", 0}, {5, "stride_h", 3},
            {5, "ceil_mode", 1}};
        double value;
        for (k = 0; k < sizeof want / sizeof want[0]; k++) {
            value = SENTINEL;
            CHECK_OK(lrp_node_attribute(net, want[k].node, want[k].name, &value));
            CHECK_MSG(value == want[k].value, "node %zu %s = %g, expected %g", want[k].node,
                      want[k].name, value, want[k].value);
        }
    }
    /* Attribute and parameter names in their documented order. */
    {
        static const char *const conv_names[9] = {"stride_h",   "stride_w",   "pad_top",
                                                  "pad_left",   "pad_bottom", "pad_right",
                                                  "dilation_h", "dilation_w", "groups"};
        static const char *const bn_params[4] = {"mean", "var", "gamma", "beta"};
        char name[LRP_NODE_NAME_LEN];
        for (k = 0; k < 9; k++) {
            CHECK_OK(lrp_node_attribute_name(net, 0, k, name, sizeof name));
            CHECK_MSG(strcmp(name, conv_names[k]) == 0, "attribute %zu is %s", k, name);
        }
        CHECK_OK(lrp_node_attribute_name(net, 4, 9, name, sizeof name));
        CHECK(strcmp(name, "count_include_pad") == 0);
        for (k = 0; k < 4; k++) {
            CHECK_OK(lrp_node_param_name(net, 1, k, name, sizeof name));
            CHECK_MSG(strcmp(name, bn_params[k]) == 0, "parameter %zu is %s", k, name);
        }
        CHECK_OK(lrp_node_param_name(net, 14, 0, name, sizeof name));
        CHECK(strcmp(name, "W") == 0);
        CHECK_OK(lrp_node_param_name(net, 13, 0, name, sizeof name));
        CHECK(strcmp(name, "shape") == 0);
    }
    /* Parameters: shapes and values, in both layouts; the old exports agree. */
    {
        size_t dims[LRP_NODE_MAX_PARAM_RANK];
        double w[12], w_old[12], v[4];
        CHECK_OK(lrp_node_param_shape(net, 0, "W", dims, LRP_NODE_MAX_PARAM_RANK, &rank));
        CHECK(rank == 4 && dims[0] == 3 && dims[1] == 3 && dims[2] == 1 && dims[3] == 2);
        CHECK_OK(lrp_node_param_shape(net, 13, "shape", dims, 1, &rank));
        CHECK(rank == 1 && dims[0] == 2);
        CHECK_OK(lrp_node_get_param(net, 13, "shape", v, 4, LRP_LAYOUT_ROW_MAJOR));
        CHECK(v[0] == 0.0 && v[1] == -1.0);
        CHECK_OK(lrp_node_get_param(net, 1, "var", v, 2, LRP_LAYOUT_COL_MAJOR));
        CHECK(v[0] == 4.0 && v[1] == 0.25);
        CHECK_OK(lrp_node_get_param(net, 1, "GAMMA", v, 2, LRP_LAYOUT_ROW_MAJOR));
        CHECK(v[0] == 2.0 && v[1] == 1.0);
        CHECK_OK(lrp_node_param_shape(net, 14, "W", dims, 2, &rank));
        CHECK(rank == 2 && dims[0] == 4 && dims[1] == 3);
        CHECK_OK(lrp_node_get_param(net, 14, "W", w, 12, LRP_LAYOUT_ROW_MAJOR));
        CHECK_OK(lrp_layer_get_param(net, 14, LRP_PARAM_W, w_old, 12, LRP_LAYOUT_ROW_MAJOR));
        for (k = 0; k < 12; k++) {
            CHECK_MSG(w[k] == 0.05 * (double)k - 0.3 && w_old[k] == w[k], "W[%zu] = %g, %g", k,
                      w[k], w_old[k]);
        }
    }
    /* Inputs as built. */
    {
        size_t inputs[2] = {0, 0};
        CHECK_OK(lrp_node_inputs(net, 7, inputs, 2));
        CHECK(inputs[0] == 7 && inputs[1] == 6);
        CHECK_OK(lrp_node_inputs(net, 4, inputs, 1));
        CHECK(inputs[0] == 3);
        CHECK_OK(lrp_node_inputs(net, 0, inputs, 1));
        CHECK(inputs[0] == 0);
    }
    /* Which rules each node accepts (LayerOps::accepts). */
    {
        static const struct {
            size_t node;
            const char *rule;
            double param;
            int32_t accepts;
        } want[] = {
            {0, "pass", NAN, 0},      {0, "gamma", 0.25, 1}, {0, "alphabeta", 2, 1},
            {0, "zbox", 1.0, 1},      {0, "zbox", NAN, 1},   {2, "Z^B", NAN, 0},
            {14, "pass", NAN, 0},  {14, "epsilon", 0.1, 1},
            {1, "pass", NAN, 1},      {1, "epsilon", NAN, 1}, {1, "flat", NAN, 0},
            {2, "gamma", NAN, 0},     {2, "simple", NAN, 1}, {3, "alphabeta", NAN, 1},
            {3, "pass", NAN, 0},      {6, "alphabeta", 1, 0}, {6, "pass", NAN, 1},
            {7, "epsilon", 1e-6, 1},  {8, "zbox", 1, 0},     {8, "flat", NAN, 1},
            {13, "ww", NAN, 1}};
        int32_t yes;
        for (k = 0; k < sizeof want / sizeof want[0]; k++) {
            yes = -1;
            CHECK_OK(lrp_node_accepts(net, want[k].node, want[k].rule, want[k].param, &yes));
            CHECK_MSG(yes == want[k].accepts, "node %zu accepts %s: %d", want[k].node,
                      want[k].rule, (int)yes);
        }
    }
    lrp_network_free(net);
}

/* A spec adds as many nodes as asked; freeing it leaves them. A network built from specs
 * is the same as one built with the toolbox's sequential calls. */
static void test_specs_are_copied_and_match_the_sequential_calls(void)
{
    static const double w[6] = {1, -2, 3, -4, 5, -6}, b[3] = {0.5, -0.5, 0.25};
    static const double x[4] = {1.5, -0.5, 2.0, 1.0};
    const size_t w_dims[2] = {2, 3}, b_dims[1] = {3};
    double y_graph[6], y_seq[6];
    LrpNetwork *graph = lrp_network_new(), *seq = lrp_network_new();
    LrpLayerSpec *lin = spec_of(LRP_LAYER_LINEAR), *relu = spec_of(LRP_LAYER_RECT);
    size_t value = 0, id;
    if (!CHECK(graph != NULL && seq != NULL && lin != NULL && relu != NULL)) {
        return;
    }
    CHECK_OK(lrp_layer_spec_set_param(lin, "W", w, w_dims, 2, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(lin, "B", b, b_dims, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_network_add_node(graph, lin, &value, 1, &id));
    lrp_layer_spec_free(lin);
    value = id;
    CHECK_OK(lrp_network_add_node(graph, relu, &value, 1, &id));
    value = id;
    CHECK_OK(lrp_network_add_node(graph, relu, &value, 1, &id)); /* the same spec again */
    lrp_layer_spec_free(relu);
    CHECK(id == 3 && node_count(graph) == 3);
    CHECK_OK(lrp_network_add_linear(seq, 2, 3, w, 6, b, 3, LRP_LAYOUT_ROW_MAJOR, 0));
    CHECK_OK(lrp_network_add_rect(seq));
    CHECK_OK(lrp_network_add_rect(seq));
    CHECK_OK(lrp_network_forward(graph, x, 4, 2, 2, 2, 1, 1, LRP_LAYOUT_ROW_MAJOR, 0, y_graph, 6));
    CHECK_OK(lrp_network_forward(seq, x, 4, 2, 2, 2, 1, 1, LRP_LAYOUT_ROW_MAJOR, 0, y_seq, 6));
    CHECK(count_bit_differences(y_graph, y_seq, 6) == 0);
    /* By hand: [1.5 -0.5] W + B = [3.5 + 0.5, -5.5 - 0.5, 7.5 + 0.25] -> relu. */
    CHECK(y_graph[0] == 4.0 && y_graph[1] == 0.0 && y_graph[2] == 7.75);
    lrp_network_free(graph);
    lrp_network_free(seq);
}

/* ---- Failure paths ---------------------------------------------------------------------- */

static void test_spec_failures(void)
{
    static const double w[6] = {1, 2, 3, 4, 5, 6}, nan_w[2] = {1, NAN};
    const size_t dims2[2] = {2, 3}, dims3[3] = {1, 2, 3}, zero[2] = {2, 0}, square[2] = {2, 2};
    const size_t two[1] = {2};
    LrpLayerSpec *pool, *lin, *rect, *reshape;
    CHECK(lrp_layer_spec_new(0) == NULL);
    CHECK(lrp_last_status() == LRP_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("lrp_layer_spec_new", "LRP_LAYER_", "given 0");
    CHECK(lrp_layer_spec_new(17) == NULL);
    CHECK_ERROR_MENTIONS("lrp_layer_spec_new", "1 to 16", "given 17");
    CHECK(lrp_layer_spec_new(-1) == NULL);
    lrp_layer_spec_free(NULL); /* a no-op */
    pool = spec_of(LRP_LAYER_MAXPOOL);
    lin = spec_of(LRP_LAYER_LINEAR);
    rect = spec_of(LRP_LAYER_RECT);
    reshape = spec_of(LRP_LAYER_RESHAPE);
    if (pool == NULL || lin == NULL || rect == NULL || reshape == NULL) {
        return;
    }
    CHECK_FAILS(lrp_layer_spec_set(NULL, "kernel_h", 2), LRP_ERR_NULL_ARGUMENT,
                "lrp_layer_spec_set", "spec");
    CHECK_FAILS(lrp_layer_spec_set(pool, NULL, 2), LRP_ERR_NULL_ARGUMENT, "lrp_layer_spec_set",
                "name");
    CHECK_FAILS(lrp_layer_spec_set(pool, "kernel", 2), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "unknown attribute 'kernel' of MaxPool", "kernel_h",
                "ceil_mode");
    CHECK_FAILS(lrp_layer_spec_set(pool, "count_include_pad", 1), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "'count_include_pad' of MaxPool");
    CHECK_FAILS(lrp_layer_spec_set(pool, "kernel_h ", 2), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "'kernel_h '");
    CHECK_FAILS(lrp_layer_spec_set(rect, "eps", 1), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "of Rect (its attributes: none)");
    CHECK_FAILS(lrp_layer_spec_set(pool, "kernel_h", 0), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "kernel_h of MaxPool", "from 1", "given 0");
    CHECK_FAILS(lrp_layer_spec_set(pool, "stride_w", 1.5), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "stride_w", "whole number", "given 1.5");
    CHECK_FAILS(lrp_layer_spec_set(pool, "pad_top", NAN), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "pad_top", "NaN");
    CHECK_FAILS(lrp_layer_spec_set(pool, "pad_top", 1e300), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "pad_top", "16777216");
    CHECK_FAILS(lrp_layer_spec_set(pool, "ceil_mode", 2), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set", "ceil_mode", "0 or 1", "given 2");
    {
        LrpLayerSpec *bn = spec_of(LRP_LAYER_BATCHNORM);
        CHECK_FAILS(lrp_layer_spec_set(bn, "eps", -1e-3), LRP_ERR_INVALID_ARGUMENT,
                    "lrp_layer_spec_set", "eps of BatchNorm", ">= 0");
        CHECK_FAILS(lrp_layer_spec_set(bn, "eps", INFINITY), LRP_ERR_INVALID_ARGUMENT,
                    "lrp_layer_spec_set", "eps", "inf");
        lrp_layer_spec_free(bn);
    }

    CHECK_FAILS(lrp_layer_spec_set_param(NULL, "W", w, dims2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_layer_spec_set_param", "spec");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, NULL, w, dims2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_layer_spec_set_param", "name");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "weights", w, dims2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set_param",
                "unknown parameter 'weights' of Linear (its parameters: W, B)");
    CHECK_FAILS(lrp_layer_spec_set_param(pool, "W", w, dims2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set_param", "of MaxPool", "none");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "W", w, dims3, 3, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_layer_spec_set_param", "W of Linear",
                "rank 2 (m x n)", "[1, 2, 3]");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "B", w, square, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_layer_spec_set_param", "B of Linear", "a vector",
                "[2, 2]");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "W", w, zero, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set_param", "at least 1", "[2, 0]");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "W", w, dims2, 0, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set_param", "rank", "given 0");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "W", w, dims2, 5, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set_param", "rank", "given 5");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "W", w, NULL, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_layer_spec_set_param", "dims");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "W", NULL, dims2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_layer_spec_set_param", "data");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "W", w, dims2, 2, 7), LRP_ERR_INVALID_ARGUMENT,
                "lrp_layer_spec_set_param", "layout", "given 7");
    CHECK_FAILS(lrp_layer_spec_set_param(lin, "B", nan_w, two, 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NON_FINITE, "lrp_layer_spec_set_param", "B of Linear", "[1]");
    {
        const double bad_shape[2] = {0, -2}, half[2] = {0, 1.5};
        CHECK_FAILS(lrp_layer_spec_set_param(reshape, "shape", bad_shape, two, 1,
                                             LRP_LAYOUT_ROW_MAJOR),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set_param", "shape of Reshape",
                    ">= -1", "-2");
        CHECK_FAILS(lrp_layer_spec_set_param(reshape, "shape", half, two, 1,
                                             LRP_LAYOUT_ROW_MAJOR),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set_param", "whole numbers", "1.5");
    }
    lrp_layer_spec_free(pool);
    lrp_layer_spec_free(lin);
    lrp_layer_spec_free(rect);
    lrp_layer_spec_free(reshape);
}

/* lrp_network_add_node fails with the reason named, without touching `*value` or the net. */
static void check_add_fails(LrpNetwork *net, LrpLayerSpec *spec, const size_t *inputs, size_t n,
                            int32_t want, const char *part1, const char *part2)
{
    size_t value = 777, before = node_count(net);
    CHECK_FAILS(lrp_network_add_node(net, spec, inputs, n, &value), want,
                "lrp_network_add_node", part1, part2);
    CHECK_MSG(value == 777 && node_count(net) == before,
              "a failing add_node wrote %zu or changed the network (%s)", value, part1);
}

static void test_add_node_failures(void)
{
    static const double w[6] = {1, 2, 3, 4, 5, 6}, b2[2] = {1, 2}, conv_w[8] = {0};
    const size_t w_dims[2] = {2, 3}, two[1] = {2}, conv_dims[4] = {1, 1, 2, 4};
    const size_t zero = 0, one = 1, far = 5, pair[2] = {0, 1};
    LrpNetwork *net = lrp_network_new();
    LrpLayerSpec *rect = spec_of(LRP_LAYER_RECT), *sum = spec_of(LRP_LAYER_ADD);
    LrpLayerSpec *pool = spec_of(LRP_LAYER_AVGPOOL), *lin = spec_of(LRP_LAYER_LINEAR);
    LrpLayerSpec *conv = spec_of(LRP_LAYER_CONVOLUTION), *bn = spec_of(LRP_LAYER_BATCHNORM);
    LrpLayerSpec *reshape = spec_of(LRP_LAYER_RESHAPE);
    size_t value = 777;
    if (!CHECK(net != NULL) || rect == NULL || sum == NULL || pool == NULL || lin == NULL ||
        conv == NULL || bn == NULL || reshape == NULL) {
        return;
    }
    CHECK_FAILS(lrp_network_add_node(NULL, rect, &zero, 1, &value), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_add_node", "net");
    CHECK_FAILS(lrp_network_add_node(net, NULL, &zero, 1, &value), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_add_node", "spec");
    CHECK_FAILS(lrp_network_add_node(net, rect, NULL, 1, &value), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_add_node", "inputs");
    CHECK_FAILS(lrp_network_add_node(net, rect, &zero, 1, NULL), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_add_node", "output_value");
    CHECK(node_count(net) == 0 && value == 777);
    check_add_fails(net, rect, &zero, 0, LRP_ERR_INVALID_ARGUMENT, "n_inputs", "given 0");
    check_add_fails(net, rect, &zero, (size_t)-1, LRP_ERR_INVALID_ARGUMENT, "n_inputs",
                    "LRP_NODE_MAX_INPUTS");
    check_add_fails(net, rect, &one, 1, LRP_ERR_INVALID_ARGUMENT, "values 0 to 0", "given 1");
    CHECK_OK(lrp_network_add_node(net, rect, &zero, 1, &value));
    CHECK(value == 1);
    check_add_fails(net, rect, &far, 1, LRP_ERR_INVALID_ARGUMENT, "node 2 (Rect)", "given 5");
    check_add_fails(net, rect, pair, 2, LRP_ERR_INVALID_ARGUMENT, "exactly 1", "given 2");
    check_add_fails(net, sum, &one, 1, LRP_ERR_INVALID_ARGUMENT, "Add", "at least 2");
    /* Required attributes and parameters. */
    check_add_fails(net, pool, &one, 1, LRP_ERR_INVALID_ARGUMENT, "AvgPool needs attribute",
                    "kernel_h");
    CHECK_OK(lrp_layer_spec_set(pool, "kernel_h", 2));
    check_add_fails(net, pool, &one, 1, LRP_ERR_INVALID_ARGUMENT, "AvgPool needs attribute",
                    "kernel_w");
    CHECK_OK(lrp_layer_spec_set(pool, "kernel_w", 2));
    CHECK_OK(lrp_layer_spec_set(pool, "pad_left", 2));
    check_add_fails(net, pool, &one, 1, LRP_ERR_INVALID_ARGUMENT, "below the window", "[0, 2, 0, 0]");
    check_add_fails(net, lin, &one, 1, LRP_ERR_INVALID_ARGUMENT, "Linear needs parameter W",
                    "m x n");
    CHECK_OK(lrp_layer_spec_set_param(lin, "W", w, w_dims, 2, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(lin, "B", b2, two, 1, LRP_LAYOUT_ROW_MAJOR));
    check_add_fails(net, lin, &one, 1, LRP_ERR_SHAPE_MISMATCH, "B of Linear", "[2]");
    CHECK_OK(lrp_layer_spec_set_param(conv, "W", conv_w, conv_dims, 4, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set(conv, "groups", 3));
    check_add_fails(net, conv, &one, 1, LRP_ERR_INVALID_ARGUMENT, "groups", "divide the 4 filters");
    check_add_fails(net, bn, &one, 1, LRP_ERR_INVALID_ARGUMENT, "BatchNorm needs parameter mean",
                    "channels");
    CHECK_OK(lrp_layer_spec_set_param(bn, "mean", b2, two, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(bn, "var", w, w_dims, 1, LRP_LAYOUT_ROW_MAJOR)); /* 2 */
    CHECK_OK(lrp_layer_spec_set_param(bn, "gamma", w, &w_dims[1], 1, LRP_LAYOUT_ROW_MAJOR));
    check_add_fails(net, bn, &one, 1, LRP_ERR_SHAPE_MISMATCH, "of BatchNorm", "[3]");
    {
        const double one_entry[1] = {-1};
        const size_t d1[1] = {1};
        CHECK_OK(lrp_layer_spec_set_param(reshape, "shape", one_entry, d1, 1,
                                          LRP_LAYOUT_ROW_MAJOR));
        check_add_fails(net, reshape, &one, 1, LRP_ERR_INVALID_ARGUMENT, "Reshape shape",
                        "[-1]");
    }
    /* Shapes against the inputs: checked when the network runs. */
    {
        const size_t lin_in = 1;
        double x[4] = {1, 2, 3, 4}, y[3];
        CHECK_OK(lrp_layer_spec_set_param(lin, "B", w, &w_dims[1], 1, LRP_LAYOUT_ROW_MAJOR));
        CHECK_OK(lrp_network_add_node(net, lin, &lin_in, 1, &value));
        fill(y, 3, SENTINEL);
        CHECK_FAILS(lrp_network_forward(net, x, 4, 2, 1, 4, 1, 1, LRP_LAYOUT_ROW_MAJOR, 0, y, 3),
                    LRP_ERR_SHAPE_MISMATCH, "lrp_network_forward", "layer 2 (Linear)");
        CHECK(all_equal_to(y, 3, SENTINEL));
    }
    lrp_layer_spec_free(rect);
    lrp_layer_spec_free(sum);
    lrp_layer_spec_free(pool);
    lrp_layer_spec_free(lin);
    lrp_layer_spec_free(conv);
    lrp_layer_spec_free(bn);
    lrp_layer_spec_free(reshape);
    lrp_network_free(net);
}

/* README.md shows residual_network() as it is here, between the markers, line for line. */
static void test_readme_copy(void)
{
    static char source[1 << 16], readme[1 << 18];
    const char *begin_marker = "/* README: begin", *end_marker = "/* README: end */";
    char *begin, *end, *line;
    size_t n;
    FILE *f = fopen("tests/c/test_graph.c", "rb");
    if (!CHECK_MSG(f != NULL, "cannot open tests/c/test_graph.c (run from the repository root)")) {
        return;
    }
    n = fread(source, 1, sizeof source - 1, f);
    source[n] = '\0';
    fclose(f);
    f = fopen("README.md", "rb");
    if (!CHECK_MSG(f != NULL, "cannot open README.md")) {
        return;
    }
    n = fread(readme, 1, sizeof readme - 1, f);
    readme[n] = '\0';
    fclose(f);
    begin = strstr(source, begin_marker);
    end = begin != NULL ? strstr(begin, end_marker) : NULL;
    if (!CHECK(begin != NULL && end != NULL)) {
        return;
    }
    /* From the line after the begin marker up to the end marker. */
    begin = strchr(begin, '\n') + 1;
    *end = '\0';
    line = strstr(readme, begin);
    CHECK_MSG(line != NULL, "README.md lacks the current residual_network() of test_graph.c");
}

/* Options that set the zennit convention and a BatchNorm merge apply the convention first,
 * as zennit's canonizer does: x (1 x 1 x 2 x 1) -> conv 1x1 (W = 2) -> BatchNorm (mean 0,
 * var 1, gamma 1, beta 0.5, eps 0.25). Merged under zennit's convention the output is
 * (2x / sqrt(1.25) + 0.5) / sqrt(1.25): the merge leaves zennit's 1/sqrt(1 + eps); then
 * flatten. */
static void test_options_convention_before_canonizers(void)
{
    const double w = 2.0, zero = 0.0, mean = 0.0, var = 1.0, gamma = 1.0, beta = 0.5;
    const size_t w_dims[4] = {1, 1, 1, 1}, one = 1, x_dims[4] = {1, 1, 2, 1};
    const double x[2] = {1.0, -2.0};
    const int32_t cls = 1;
    double via_options[2] = {0, 0}, set_first[2] = {0, 0}, canonized_first[2] = {0, 0};
    LrpNetwork *net = lrp_network_new(), *a = NULL, *b = NULL;
    LrpExplainOptions *opts = lrp_explain_options_new(), *plain = lrp_explain_options_new();
    LrpLayerSpec *conv = spec_of(LRP_LAYER_CONVOLUTION), *bn = spec_of(LRP_LAYER_BATCHNORM);
    size_t v, k;
    double want;
    if (!CHECK(net != NULL && opts != NULL && plain != NULL && conv != NULL && bn != NULL)) {
        goto done;
    }
    CHECK_OK(lrp_layer_spec_set_param(conv, "W", &w, w_dims, 4, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(conv, "B", &zero, &one, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(bn, "mean", &mean, &one, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(bn, "var", &var, &one, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(bn, "gamma", &gamma, &one, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set_param(bn, "beta", &beta, &one, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_layer_spec_set(bn, "eps", 0.25));
    v = add(net, conv, (const size_t[]){0}, 1);
    conv = NULL;
    add(net, bn, &v, 1);
    bn = NULL;
    add(net, spec_of(LRP_LAYER_FLATTEN), (const size_t[]){2}, 1);
    /* The rule simple on every layer, from the output at x = -2 (class 1). */
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", "simple"));
    CHECK_OK(lrp_explain_options_set_str(plain, "rule", "simple"));
    CHECK_OK(lrp_explain_options_set_str(opts, "convention", "zennit"));
    CHECK_OK(lrp_explain_options_set_str(opts, "canonizers", "merge_batchnorm"));
    CHECK_OK(lrp_explain_options_set_classes(opts, &cls, 1));
    CHECK_OK(lrp_explain_options_set_classes(plain, &cls, 1));
    CHECK_OK(lrp_network_explain_with(net, opts, x, x_dims, 4, via_options, 2));
    /* The same by hand on copies: convention, then canonize (zennit's order) ... */
    a = lrp_network_clone(net);
    b = lrp_network_clone(net);
    if (!CHECK(a != NULL && b != NULL)) {
        goto done;
    }
    CHECK_OK(lrp_network_set_convention(a, LRP_CONVENTION_ZENNIT));
    CHECK_OK(lrp_network_canonize(a, "merge_batchnorm"));
    CHECK_OK(lrp_network_explain_with(a, plain, x, x_dims, 4, set_first, 2));
    /* ... and the other order, which merges exactly (no residual). */
    CHECK_OK(lrp_network_canonize(b, "merge_batchnorm"));
    CHECK_OK(lrp_network_set_convention(b, LRP_CONVENTION_ZENNIT));
    CHECK_OK(lrp_network_explain_with(b, plain, x, x_dims, 4, canonized_first, 2));
    for (k = 0; k < 2; ++k) {
        CHECK_MSG(via_options[k] == set_first[k], "R[%zu]: options %g, convention first %g",
                  k, via_options[k], set_first[k]);
    }
    /* By hand, with w' = 2 / sqrt(1.25), b' = 0.5, z = w' x + b': the output y = z / sqrt(1.25)
     * (residual) passes the residual BatchNorm whole, and the convolution gives its input
     * w' x y / z = 2 x / 1.25 = -3.2; merged exactly, y = z and the input gets w' x. */
    want = 2.0 * -2.0 / 1.25;
    CHECK_MSG(via_options[0] == 0.0 && fabs(via_options[1] - want) < 1e-12,
              "options: R = [%g %g], want [0 %g]", via_options[0], via_options[1], want);
    want = 2.0 * -2.0 / sqrt(1.25);
    CHECK_MSG(canonized_first[0] == 0.0 && fabs(canonized_first[1] - want) < 1e-12,
              "canonize first: R = [%g %g], want [0 %g]", canonized_first[0],
              canonized_first[1], want);
done:
    lrp_layer_spec_free(conv);
    lrp_layer_spec_free(bn);
    lrp_explain_options_free(opts);
    lrp_explain_options_free(plain);
    lrp_network_free(a);
    lrp_network_free(b);
    lrp_network_free(net);
}

static void test_introspection_failures(void)
{
    LrpNetwork *net = residual_network();
    size_t count = SIZE_SENTINEL_VALUE, inputs[2] = {55, 55}, dims[4] = {55, 55, 55, 55};
    int32_t rank = -5, yes = -5;
    double value = SENTINEL, w[9];
    char name[LRP_NODE_NAME_LEN];
    if (net == NULL) {
        return;
    }
    memset(name, 'x', sizeof name);
    fill(w, 9, SENTINEL);
    /* NULL handles and outputs. */
    CHECK_FAILS(lrp_node_num_inputs(NULL, 0, &count), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_num_inputs", "net");
    CHECK_FAILS(lrp_node_num_inputs(net, 0, NULL), LRP_ERR_NULL_ARGUMENT, "lrp_node_num_inputs",
                "count");
    CHECK_FAILS(lrp_node_inputs(net, 3, NULL, 2), LRP_ERR_NULL_ARGUMENT, "lrp_node_inputs",
                "values");
    CHECK_FAILS(lrp_node_num_attributes(net, 0, NULL), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_num_attributes", "count");
    CHECK_FAILS(lrp_node_attribute(net, 0, NULL, &value), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_attribute", "name");
    CHECK_FAILS(lrp_node_attribute(net, 0, "groups", NULL), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_attribute", "value");
    CHECK_FAILS(lrp_node_attribute_name(net, 0, 0, NULL, LRP_NODE_NAME_LEN),
                LRP_ERR_NULL_ARGUMENT, "lrp_node_attribute_name", "name");
    CHECK_FAILS(lrp_node_num_params(NULL, 0, &count), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_num_params", "net");
    CHECK_FAILS(lrp_node_param_name(net, 0, 0, NULL, LRP_NODE_NAME_LEN), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_param_name", "name");
    CHECK_FAILS(lrp_node_param_shape(net, 0, "W", NULL, 4, &rank), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_param_shape", "dims");
    CHECK_FAILS(lrp_node_param_shape(net, 0, "W", dims, 4, NULL), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_param_shape", "rank");
    CHECK_FAILS(lrp_node_get_param(net, 0, "W", NULL, 9, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_node_get_param", "values");
    CHECK_FAILS(lrp_node_accepts(net, 0, NULL, NAN, &yes), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_accepts", "rule");
    CHECK_FAILS(lrp_node_accepts(net, 0, "simple", NAN, NULL), LRP_ERR_NULL_ARGUMENT,
                "lrp_node_accepts", "accepts");
    /* Indices past the last node. */
    CHECK_FAILS(lrp_node_num_inputs(net, 7, &count), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_num_inputs", "below the number of layers 7", "given 7");
    CHECK_FAILS(lrp_node_inputs(net, 99, inputs, 2), LRP_ERR_INVALID_ARGUMENT, "lrp_node_inputs",
                "given 99");
    CHECK_FAILS(lrp_node_num_attributes(net, (size_t)-1, &count), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_num_attributes", "layer index");
    CHECK_FAILS(lrp_node_attribute(net, 7, "groups", &value), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_attribute", "given 7");
    CHECK_FAILS(lrp_node_attribute_name(net, 7, 0, name, sizeof name), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_attribute_name", "given 7");
    CHECK_FAILS(lrp_node_num_params(net, 7, &count), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_num_params", "given 7");
    CHECK_FAILS(lrp_node_param_name(net, 7, 0, name, sizeof name), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_param_name", "given 7");
    CHECK_FAILS(lrp_node_param_shape(net, 7, "W", dims, 4, &rank), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_param_shape", "given 7");
    CHECK_FAILS(lrp_node_get_param(net, 7, "W", w, 9, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_node_get_param", "given 7");
    CHECK_FAILS(lrp_node_accepts(net, 7, "simple", NAN, &yes), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_accepts", "given 7");
    /* Unknown names; names of another kind. */
    CHECK_FAILS(lrp_node_attribute(net, 0, "kernel_h", &value), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_attribute", "unknown attribute 'kernel_h' of Convolution", "groups");
    CHECK_FAILS(lrp_node_attribute(net, 1, "eps", &value), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_attribute", "of Rect (its attributes: none)");
    CHECK_FAILS(lrp_node_param_shape(net, 0, "mean", dims, 4, &rank), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_param_shape", "unknown parameter 'mean' of Convolution", "W, B");
    CHECK_FAILS(lrp_node_get_param(net, 4, "W", w, 9, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_node_get_param", "GlobalAvgPool",
                "its parameters: none");
    CHECK_FAILS(lrp_node_accepts(net, 0, "bogus", NAN, &yes), LRP_ERR_UNKNOWN_RULE,
                "lrp_node_accepts", "bogus");
    CHECK_FAILS(lrp_node_accepts(net, 0, "epsilon", -1.0, &yes), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_accepts", "epsilon");
    /* Buffers too small; list entries past the end; bad layout. */
    CHECK_FAILS(lrp_node_inputs(net, 3, inputs, 1), LRP_ERR_SHAPE_MISMATCH, "lrp_node_inputs",
                "values holds 1", "2 inputs");
    CHECK_FAILS(lrp_node_attribute_name(net, 0, 0, name, LRP_NODE_NAME_LEN - 1),
                LRP_ERR_SHAPE_MISMATCH, "lrp_node_attribute_name", "31", "LRP_NODE_NAME_LEN");
    CHECK_FAILS(lrp_node_attribute_name(net, 0, 9, name, sizeof name), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_attribute_name", "9 attributes", "which = 9");
    CHECK_FAILS(lrp_node_param_name(net, 0, 2, name, sizeof name), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_param_name", "2 parameters", "which = 2");
    CHECK_FAILS(lrp_node_param_name(net, 0, 0, name, 3), LRP_ERR_SHAPE_MISMATCH,
                "lrp_node_param_name", "3 bytes");
    CHECK_FAILS(lrp_node_param_shape(net, 0, "W", dims, 3, &rank), LRP_ERR_SHAPE_MISMATCH,
                "lrp_node_param_shape", "dims holds 3", "rank 4");
    CHECK_FAILS(lrp_node_get_param(net, 0, "W", w, 8, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_node_get_param", "8", "expected 9");
    CHECK_FAILS(lrp_node_get_param(net, 0, "W", w, 9, -1), LRP_ERR_INVALID_ARGUMENT,
                "lrp_node_get_param", "layout");
    /* Nothing was written by any of them. */
    CHECK(count == SIZE_SENTINEL_VALUE && inputs[0] == 55 && inputs[1] == 55);
    CHECK(dims[0] == 55 && dims[1] == 55 && dims[2] == 55 && dims[3] == 55);
    CHECK(rank == -5 && yes == -5 && all_equal_to(&value, 1, SENTINEL));
    CHECK(all_equal_to(w, 9, SENTINEL) && name[0] == 'x' && name[LRP_NODE_NAME_LEN - 1] == 'x');
    lrp_network_free(net);
}

void suite_graph(void)
{
    RUN_TEST(test_residual_network_from_c);
    RUN_TEST(test_a_node_of_every_kind);
    RUN_TEST(test_specs_are_copied_and_match_the_sequential_calls);
    RUN_TEST(test_spec_failures);
    RUN_TEST(test_add_node_failures);
    RUN_TEST(test_introspection_failures);
    RUN_TEST(test_options_convention_before_canonizers);
    RUN_TEST(test_readme_copy);
}

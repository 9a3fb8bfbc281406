/*
 * Hostile input, table-driven (issue 17). Every export that takes arguments is a row of
 * ROWS: its name, a thunk that calls it from an array of argument values, the kind of each
 * argument position and a setup that fills valid values. The driver first calls each row
 * with its valid values (it must succeed, so that the row is right), then substitutes, one
 * position at a time, the hostile values of that position's kind:
 *   handles and pointers: NULL;  input lengths: 0, one short, one long, SIZE_MAX and a
 *   count whose byte size wraps;  output lengths: 0 and one short;  sizes: 0, SIZE_MAX and
 *   2^63 (products wrap);  indices: past the end and SIZE_MAX;  ranks, layouts and flags:
 *   out of range;  doubles: NaN (where it is not "the default"), +Inf, -Inf;  names: NULL
 *   (where it is not "the default"), a trailing or leading space, a tab, non-UTF-8 bytes,
 *   and the name in upper case (case-insensitive: must succeed);  dims arrays (the second
 *   edition's `const size_t *dims`): NULL, a dim of 0, SIZE_MAX, a product that wraps and
 *   (where the dims must fit the network) one element too many;  their ranks: 0, -1 and
 *   LRP_MAX_RANK + 1;  counts of values without an expected length: SIZE_MAX and one whose
 *   byte size wraps;  paths: NULL, non-UTF-8,
 *   a missing directory, and for readers /dev/zero, /dev/urandom, "/" and, for model
 *   files, /dev/null.
 * Each hostile call must fail with a known status other than LRP_ERR_PANIC, leave a message
 * naming the function, leave every output buffer and scalar untouched (sentinels) and, on
 * the network, its layer count. A new export joins ROWS; nothing else changes.
 */
#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_ARGS 20
#define BUF 4096

typedef enum {
    K_FIXED,   /* not varied (a seed, a flag every value of which is valid) */
    K_NET,     /* a network handle: NULL */
    K_OPTS,    /* a training options handle: NULL */
    K_XOPTS,   /* an explain options handle: NULL */
    K_SPEC,    /* a layer spec handle: NULL */
    K_IN,      /* an input array or string buffer: NULL */
    K_IN_LEN,  /* the exact element count of an input: 0, -1, +1, SIZE_MAX, wrapping */
    K_OUT,     /* an output buffer or scalar: NULL */
    K_OUT_LEN, /* the capacity of an output buffer: 0, one short */
    K_DIM,     /* a size that makes an array: 0, SIZE_MAX, 2^63 */
    K_SIZE,    /* a size that allocates nothing (stride, pool window): 0 */
    K_INDEX,   /* a layer index or axis: past the end, SIZE_MAX */
    K_RANK,    /* a rank: 0, 5, -1 */
    K_LAYOUT,  /* a layout flag: -1, 2, INT32_MIN */
    K_ENUM,    /* another enumerated int32 (which, dtype, convention, formula): -1, 999 */
    K_REAL,    /* a double that must be finite: NaN, +Inf, -Inf */
    K_REAL_NAN_DEFAULT, /* a double where NaN means "the default": +Inf, -Inf */
    K_NAME,    /* a name (rule, method, option, decay): NULL, spaces, tab, non-UTF-8, CASE */
    K_NAME_NULL_OK,     /* a name where NULL (or "") means the default: as K_NAME less NULL */
    K_PATH_READ,        /* a data file to read */
    K_PATH_MODEL,       /* a model file to read: as K_PATH_READ plus /dev/null */
    K_PATH_WRITE,       /* a file to write: NULL, non-UTF-8, a missing directory */
    K_DIMS,    /* dims that must fit the network: NULL, 0, SIZE_MAX, wrapping, one too many */
    K_DIMS_ANY, /* dims of an array of any shape: NULL, 0, SIZE_MAX, wrapping */
    K_RANK_ND, /* the rank of a dims array: 0, -1, LRP_MAX_RANK + 1 */
    K_COUNT    /* a count of values read from a pointer: SIZE_MAX, a wrapping byte size */
} Kind;

typedef struct {
    void *p;
    const char *s;
    size_t z;
    double d;
    int32_t i;
    uint64_t u;
} Val;

typedef struct {
    const char *name;
    int32_t (*call)(Val *a);
    void (*setup)(Val *a);
    Kind kinds[MAX_ARGS];
    int nargs;
} Row;

/* ---- Fixtures: rebuilt before every call -------------------------------------------- */

/* The network: Linear 4 -> 3, Rect; forward of 2 samples done, backward too. */
#define N 2
#define M 4
#define C 3
#define X_LEN (N * M)
#define Y_LEN (N * C)
/* Images: 6 x 6, scaling 2. */
#define IMG 6
#define IMG_LEN (IMG * IMG)
#define SCALE 2
#define RGB_LEN (IMG * SCALE * IMG * SCALE * 3)

static LrpNetwork *net;
static LrpTrainOptions *opts;
static LrpExplainOptions *xopts;
/* Dims of x (N x M) and of the output (N x C), backed to rank 8; past the rank they are 3
 * (not 1, which would make a longer rank a valid MATLAB-style shape). */
static size_t x_dims[8] = {N, M, 3, 3, 3, 3, 3, 3};
static size_t y_dims[8] = {N, C, 3, 3, 3, 3, 3, 3};
/* Layer specs: a MaxPool with its window set, a Linear 4 -> 3 with W set. */
static LrpLayerSpec *spec_pool, *spec_linear;
static const size_t linear_dims[2] = {M, C};
static double in1[BUF], in2[BUF], in3[BUF], out1[BUF], out2[BUF];
/* in1 as floats, for the float doors (their outputs go to out1, read as floats: a write
 * there still changes the sentinel's bits). */
static float in1f[BUF];
static char text_out[64];
static size_t sz[4];
static int32_t i32[4];
static double dbl;
/* Longer than N, so that a length one too long is backed. */
static int32_t classes[8] = {0, 2, 1, 0, 2, 1, 0, 2};
static int32_t widths[2] = {IMG, IMG};
static char model_path[TEST_PATH_LEN], npy_path[TEST_PATH_LEN], txt_path[TEST_PATH_LEN];
static char write_path[TEST_PATH_LEN], png_path[TEST_PATH_LEN];

#define SIZE_SENTINEL ((size_t)0x5a5a5a5au)
#define I32_SENTINEL ((int32_t)0x5a5a5a5a)

static void fill_inputs(void)
{
    size_t k;
    for (k = 0; k < BUF; k++) {
        in1[k] = 0.25 * (double)(k % 5) - 0.4; /* finite, mixed signs */
        in1f[k] = (float)in1[k];
        in2[k] = 0.125 * (double)(k % 7) + 0.1;
        in3[k] = 1.0; /* bounds, lrate, ... */
    }
}

static void reset_outputs(void)
{
    fill(out1, BUF, SENTINEL);
    fill(out2, BUF, SENTINEL);
    memset(text_out, 'x', sizeof text_out);
    sz[0] = sz[1] = sz[2] = sz[3] = SIZE_SENTINEL;
    i32[0] = i32[1] = i32[2] = i32[3] = I32_SENTINEL;
    dbl = SENTINEL;
}

static int outputs_untouched(void)
{
    size_t k;
    for (k = 0; k < sizeof text_out; k++) {
        if (text_out[k] != 'x') {
            return 0;
        }
    }
    return all_equal_to(out1, BUF, SENTINEL) && all_equal_to(out2, BUF, SENTINEL) &&
           sz[0] == SIZE_SENTINEL && sz[1] == SIZE_SENTINEL && sz[2] == SIZE_SENTINEL &&
           sz[3] == SIZE_SENTINEL && i32[0] == I32_SENTINEL && i32[1] == I32_SENTINEL &&
           i32[2] == I32_SENTINEL && i32[3] == I32_SENTINEL && all_equal_to(&dbl, 1, SENTINEL);
}

/* A fresh network after forward and backward, fresh options, inputs and sentinels. */
static int fresh(void)
{
    double y[Y_LEN], dx[X_LEN], dy[Y_LEN];
    lrp_network_free(net);
    lrp_train_options_free(opts);
    lrp_explain_options_free(xopts);
    lrp_layer_spec_free(spec_pool);
    lrp_layer_spec_free(spec_linear);
    fill_inputs();
    net = lrp_network_new();
    opts = lrp_train_options_new();
    xopts = lrp_explain_options_new();
    spec_pool = lrp_layer_spec_new(LRP_LAYER_MAXPOOL);
    spec_linear = lrp_layer_spec_new(LRP_LAYER_LINEAR);
    fill(dy, Y_LEN, 1.0);
    if (!CHECK(net != NULL && opts != NULL && xopts != NULL && spec_pool != NULL &&
               spec_linear != NULL) ||
        !CHECK(lrp_layer_spec_set(spec_pool, "kernel_h", 2) == LRP_OK) ||
        !CHECK(lrp_layer_spec_set(spec_pool, "kernel_w", 2) == LRP_OK) ||
        !CHECK(lrp_layer_spec_set_param(spec_linear, "W", in2, linear_dims, 2,
                                        LRP_LAYOUT_ROW_MAJOR) == LRP_OK) ||
        !CHECK(lrp_network_add_linear(net, M, C, NULL, 0, NULL, 0, LRP_LAYOUT_ROW_MAJOR, 7) ==
               LRP_OK) ||
        !CHECK(lrp_network_add_rect(net) == LRP_OK) ||
        !CHECK(lrp_network_forward(net, in1, X_LEN, 2, N, M, 1, 1, LRP_LAYOUT_ROW_MAJOR, 0, y,
                                   Y_LEN) == LRP_OK) ||
        !CHECK(lrp_network_backward(net, dy, Y_LEN, LRP_LAYOUT_ROW_MAJOR, dx, X_LEN) == LRP_OK)) {
        return 0;
    }
    reset_outputs();
    return 1;
}

static size_t layer_count(void)
{
    size_t n = 0;
    return net != NULL && lrp_network_num_layers(net, &n) == LRP_OK ? n : (size_t)-1;
}

/* ---- Rows: thunks and valid arguments ------------------------------------------------ */

#define P(k) (a[k].p)
#define S(k) (a[k].s)
#define Z(k) (a[k].z)
#define D(k) (a[k].d)
#define I(k) (a[k].i)
#define U(k) (a[k].u)

/* A handle-returning reader as a status. */
static int32_t call_network_read(Val *a)
{
    LrpNetwork *n = lrp_network_read(S(0));
    if (n == NULL) {
        return lrp_last_status();
    }
    lrp_network_free(n);
    return LRP_OK;
}
static void setup_network_read(Val *a) { a[0].s = model_path; }

static int32_t call_network_clone(Val *a)
{
    LrpNetwork *n = lrp_network_clone(P(0));
    if (n == NULL) {
        return lrp_last_status();
    }
    lrp_network_free(n);
    return LRP_OK;
}
static void setup_net_only(Val *a) { a[0].p = net; }

/* ---- Graph building and nodes (test_graph.c has their other failure paths) ---------- */

static int32_t call_spec_new(Val *a)
{
    LrpLayerSpec *s = lrp_layer_spec_new(I(0));
    if (s == NULL) {
        return lrp_last_status();
    }
    lrp_layer_spec_free(s);
    return LRP_OK;
}
static void setup_spec_new(Val *a) { a[0].i = LRP_LAYER_MAXPOOL; }

static int32_t call_spec_set(Val *a) { return lrp_layer_spec_set(P(0), S(1), D(2)); }
static void setup_spec_set(Val *a) { a[0].p = spec_pool; a[1].s = "stride_h"; a[2].d = 2.0; }

static int32_t call_spec_set_param(Val *a)
{
    return lrp_layer_spec_set_param(P(0), S(1), P(2), P(3), I(4), I(5));
}
static void setup_spec_set_param(Val *a)
{
    a[0].p = spec_linear; a[1].s = "b"; a[2].p = in1; a[3].p = (void *)&linear_dims[1];
    a[4].i = 1; a[5].i = LRP_LAYOUT_ROW_MAJOR;
}

/* The value of the Rect's output: node 2 takes it (twice over, so that a count one too
 * long is backed). */
static size_t rect_value[2] = {2, 2};
static int32_t call_add_node(Val *a) { return lrp_network_add_node(P(0), P(1), P(2), Z(3), P(4)); }
static void setup_add_node(Val *a)
{
    a[0].p = net; a[1].p = spec_pool; a[2].p = rect_value; a[3].z = 1; a[4].p = &sz[0];
}

/* A MaxPool node after the Rect (node 2), so that attributes exist; outputs reset after. */
static void add_pool_node(void)
{
    size_t value = 0;
    CHECK(lrp_network_add_node(net, spec_pool, rect_value, 1, &value) == LRP_OK && value == 3);
}

static int32_t call_node_num_inputs(Val *a) { return lrp_node_num_inputs(P(0), Z(1), P(2)); }
static int32_t call_node_num_attributes(Val *a) { return lrp_node_num_attributes(P(0), Z(1), P(2)); }
static int32_t call_node_num_params(Val *a) { return lrp_node_num_params(P(0), Z(1), P(2)); }
static void setup_node_size_out(Val *a) { a[0].p = net; a[1].z = 0; a[2].p = &sz[0]; }

static int32_t call_node_inputs(Val *a) { return lrp_node_inputs(P(0), Z(1), P(2), Z(3)); }
static void setup_node_inputs(Val *a) { a[0].p = net; a[1].z = 1; a[2].p = &sz[0]; a[3].z = 1; }

static int32_t call_node_attribute_name(Val *a)
{
    return lrp_node_attribute_name(P(0), Z(1), Z(2), P(3), Z(4));
}
static void setup_node_attribute_name(Val *a)
{
    add_pool_node();
    a[0].p = net; a[1].z = 2; a[2].z = 8; a[3].p = text_out; a[4].z = LRP_NODE_NAME_LEN;
}

static int32_t call_node_attribute(Val *a) { return lrp_node_attribute(P(0), Z(1), S(2), P(3)); }
static void setup_node_attribute(Val *a)
{
    add_pool_node();
    a[0].p = net; a[1].z = 2; a[2].s = "kernel_w"; a[3].p = &dbl;
}

static int32_t call_node_param_name(Val *a)
{
    return lrp_node_param_name(P(0), Z(1), Z(2), P(3), Z(4));
}
static void setup_node_param_name(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].z = 1; a[3].p = text_out; a[4].z = LRP_NODE_NAME_LEN;
}

static int32_t call_node_param_shape(Val *a)
{
    return lrp_node_param_shape(P(0), Z(1), S(2), P(3), Z(4), P(5));
}
static void setup_node_param_shape(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].s = "w"; a[3].p = &sz[0]; a[4].z = 2; a[5].p = &i32[0];
}

static int32_t call_node_get_param(Val *a)
{
    return lrp_node_get_param(P(0), Z(1), S(2), P(3), Z(4), I(5));
}
static void setup_node_get_param(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].s = "w"; a[3].p = out1; a[4].z = M * C;
    a[5].i = LRP_LAYOUT_COL_MAJOR;
}

static int32_t call_node_accepts(Val *a) { return lrp_node_accepts(P(0), Z(1), S(2), D(3), P(4)); }
static void setup_node_accepts(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].s = "epsilon"; a[3].d = NAN; a[4].p = &i32[0];
}

static int32_t call_network_write(Val *a) { return lrp_network_write(P(0), S(1)); }
static void setup_network_write(Val *a) { a[0].p = net; a[1].s = write_path; }

static int32_t call_add_linear(Val *a)
{
    return lrp_network_add_linear(P(0), Z(1), Z(2), P(3), Z(4), P(5), Z(6), I(7), U(8));
}
static void setup_add_linear(Val *a)
{
    a[0].p = net; a[1].z = 3; a[2].z = 2; a[3].p = in1; a[4].z = 6; a[5].p = in2; a[6].z = 2;
    a[7].i = LRP_LAYOUT_COL_MAJOR; a[8].u = 1;
}

static int32_t call_add_convolution(Val *a)
{
    return lrp_network_add_convolution(P(0), Z(1), Z(2), Z(3), Z(4), Z(5), Z(6), P(7), Z(8),
                                       P(9), Z(10), I(11), U(12));
}
static void setup_add_convolution(Val *a)
{
    a[0].p = net; a[1].z = 2; a[2].z = 2; a[3].z = 1; a[4].z = 3; a[5].z = 1; a[6].z = 1;
    a[7].p = in1; a[8].z = 12; a[9].p = in2; a[10].z = 3; a[11].i = LRP_LAYOUT_ROW_MAJOR;
    a[12].u = 1;
}

static int32_t call_add_maxpool(Val *a) { return lrp_network_add_maxpool(P(0), Z(1), Z(2), Z(3), Z(4)); }
static int32_t call_add_sumpool(Val *a) { return lrp_network_add_sumpool(P(0), Z(1), Z(2), Z(3), Z(4)); }
static void setup_pool(Val *a) { a[0].p = net; a[1].z = 2; a[2].z = 2; a[3].z = 2; a[4].z = 1; }
static int32_t call_add_flatten(Val *a) { return lrp_network_add_flatten(P(0)); }
static int32_t call_add_rect(Val *a) { return lrp_network_add_rect(P(0)); }
static int32_t call_add_tanh(Val *a) { return lrp_network_add_tanh(P(0)); }
static int32_t call_add_softmax(Val *a) { return lrp_network_add_softmax(P(0)); }
static int32_t call_pop_layer(Val *a) { return lrp_network_pop_layer(P(0)); }
static int32_t call_clean(Val *a) { return lrp_network_clean(P(0)); }

static int32_t call_num_layers(Val *a) { return lrp_network_num_layers(P(0), P(1)); }
static void setup_net_size_out(Val *a) { a[0].p = net; a[1].p = &sz[0]; }
static int32_t call_drop_softmax(Val *a) { return lrp_network_drop_softmax_output_layer(P(0), P(1)); }
static void setup_net_i32_out(Val *a) { a[0].p = net; a[1].p = &i32[0]; }

static int32_t call_layer_kind(Val *a) { return lrp_layer_kind(P(0), Z(1), P(2)); }
static void setup_layer_kind(Val *a) { a[0].p = net; a[1].z = 0; a[2].p = &i32[0]; }
static int32_t call_layer_num_sizes(Val *a) { return lrp_layer_num_sizes(P(0), Z(1), P(2)); }
static void setup_layer_size_out(Val *a) { a[0].p = net; a[1].z = 0; a[2].p = &sz[0]; }
static int32_t call_layer_size(Val *a) { return lrp_layer_size(P(0), Z(1), Z(2), P(3)); }
static void setup_layer_size(Val *a) { a[0].p = net; a[1].z = 0; a[2].z = 1; a[3].p = &sz[0]; }
static int32_t call_param_len(Val *a) { return lrp_layer_param_len(P(0), Z(1), I(2), P(3)); }
static void setup_param_len(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].i = LRP_PARAM_W; a[3].p = &sz[0];
}
static int32_t call_get_param(Val *a) { return lrp_layer_get_param(P(0), Z(1), I(2), P(3), Z(4), I(5)); }
static void setup_get_param(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].i = LRP_PARAM_W; a[3].p = out1; a[4].z = M * C;
    a[5].i = LRP_LAYOUT_COL_MAJOR;
}
static int32_t call_set_param(Val *a) { return lrp_layer_set_param(P(0), Z(1), I(2), P(3), Z(4), I(5)); }
static void setup_set_param(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].i = LRP_PARAM_B; a[3].p = in1; a[4].z = C;
    a[5].i = LRP_LAYOUT_ROW_MAJOR;
}

static int32_t call_layer_set_lrp(Val *a) { return lrp_layer_set_lrp_parameters(P(0), Z(1), S(2), D(3)); }
static void setup_layer_set_lrp(Val *a) { a[0].p = net; a[1].z = 0; a[2].s = "epsilon"; a[3].d = 0.5; }
static int32_t call_network_set_lrp(Val *a) { return lrp_network_set_lrp_parameters(P(0), S(1), D(2)); }
static void setup_network_set_lrp(Val *a) { a[0].p = net; a[1].s = "alphabeta"; a[2].d = 2.0; }
static int32_t call_layer_get_lrp(Val *a)
{
    return lrp_layer_get_lrp_parameters(P(0), Z(1), P(2), Z(3), P(4));
}
static void setup_layer_get_lrp(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].p = text_out; a[3].z = LRP_RULE_NAME_LEN; a[4].p = &dbl;
}

static int32_t call_output_shape(Val *a)
{
    return lrp_network_output_shape(P(0), I(1), Z(2), Z(3), Z(4), Z(5), P(6), P(7), P(8), P(9),
                                    P(10));
}
static void setup_output_shape(Val *a)
{
    a[0].p = net; a[1].i = 2; a[2].z = N; a[3].z = M; a[4].z = 1; a[5].z = 1;
    a[6].p = &sz[0]; a[7].p = &sz[1]; a[8].p = &sz[2]; a[9].p = &sz[3]; a[10].p = &i32[0];
}

static int32_t call_set_composite(Val *a)
{
    return lrp_network_set_composite(P(0), S(1), D(2), D(3), D(4), D(5));
}
static void setup_set_composite(Val *a)
{
    a[0].p = net; a[1].s = "epsilon_gamma_box"; a[2].d = 0.01; a[3].d = 0.25; a[4].d = -1.0;
    a[5].d = 1.0;
}
static int32_t call_canonize(Val *a) { return lrp_network_canonize(P(0), S(1)); }
static void setup_canonize(Val *a) { a[0].p = net; a[1].s = "none"; }
static int32_t call_caffe_formula(Val *a)
{
    return lrp_network_set_caffe_formula(P(0), I(1), I(2), D(3), D(4));
}
static void setup_caffe_formula(Val *a) { a[0].p = net; a[1].i = 0; a[2].i = 0; a[3].d = 0.01; a[4].d = NAN; }
static int32_t call_set_zbox(Val *a) { return lrp_layer_set_zbox(P(0), Z(1), P(2), P(3), Z(4)); }
static void setup_set_zbox(Val *a)
{
    a[0].p = net; a[1].z = 0; a[2].p = in1; a[3].p = in3; a[4].z = M;
    in1[0] = in1[1] = in1[2] = in1[3] = -1.0;
}
static int32_t call_get_zbox(Val *a) { return lrp_layer_get_zbox(P(0), Z(1), P(2), P(3), Z(4), P(5)); }
static void setup_get_zbox(Val *a)
{
    CHECK(lrp_layer_set_lrp_parameters(net, 0, "zbox", 1.0) == LRP_OK);
    a[0].p = net; a[1].z = 0; a[2].p = out1; a[3].p = out2; a[4].z = 1; a[5].p = &sz[0];
}
static int32_t call_set_convention(Val *a) { return lrp_network_set_convention(P(0), I(1)); }
static int32_t call_convention(Val *a) { return lrp_network_convention(P(0), P(1)); }
static void setup_convention(Val *a) { a[0].p = net; a[1].p = &i32[0]; }
static void setup_set_convention(Val *a) { a[0].p = net; a[1].i = LRP_CONVENTION_ZENNIT; }

static int32_t call_forward(Val *a)
{
    return lrp_network_forward(P(0), P(1), Z(2), I(3), Z(4), Z(5), Z(6), Z(7), I(8), I(9), P(10),
                               Z(11));
}
static void setup_forward(Val *a)
{
    a[0].p = net; a[1].p = in1; a[2].z = X_LEN; a[3].i = 2; a[4].z = N; a[5].z = M; a[6].z = 1;
    a[7].z = 1; a[8].i = LRP_LAYOUT_ROW_MAJOR; a[9].i = 1; a[10].p = out1; a[11].z = Y_LEN;
}
static int32_t call_backward(Val *a) { return lrp_network_backward(P(0), P(1), Z(2), I(3), P(4), Z(5)); }
static void setup_backward(Val *a)
{
    a[0].p = net; a[1].p = in1; a[2].z = Y_LEN; a[3].i = LRP_LAYOUT_ROW_MAJOR; a[4].p = out1;
    a[5].z = X_LEN;
}
static int32_t call_update(Val *a) { return lrp_network_update(P(0), D(1)); }
static void setup_update(Val *a) { a[0].p = net; a[1].d = 0.01; }
static int32_t call_lrp(Val *a) { return lrp_network_lrp(P(0), P(1), Z(2), I(3), S(4), D(5), P(6), Z(7)); }
static void setup_lrp(Val *a)
{
    a[0].p = net; a[1].p = in1; a[2].z = Y_LEN; a[3].i = LRP_LAYOUT_ROW_MAJOR; a[4].s = "epsilon";
    a[5].d = NAN; a[6].p = out1; a[7].z = X_LEN;
}

/* explain, explain_classes and explain_class_set share their signature. */
typedef int32_t (*ExplainFn)(const LrpNetwork *, const double *, size_t, int32_t, size_t, size_t,
                             size_t, size_t, int32_t, const int32_t *, size_t, const char *,
                             double, double *, size_t);
static int32_t call_explain_with(ExplainFn f, Val *a)
{
    return f(P(0), P(1), Z(2), I(3), Z(4), Z(5), Z(6), Z(7), I(8), P(9), Z(10), S(11), D(12),
             P(13), Z(14));
}
static int32_t call_explain(Val *a) { return call_explain_with(lrp_network_explain, a); }
static int32_t call_explain_classes(Val *a) { return call_explain_with(lrp_network_explain_classes, a); }
static int32_t call_explain_class_set(Val *a) { return call_explain_with(lrp_network_explain_class_set, a); }
static void setup_explain(Val *a)
{
    a[0].p = net; a[1].p = in1; a[2].z = X_LEN; a[3].i = 2; a[4].z = N; a[5].z = M; a[6].z = 1;
    a[7].z = 1; a[8].i = LRP_LAYOUT_ROW_MAJOR; a[9].p = classes; a[10].z = N; a[11].s = "alpha";
    a[12].d = 1.0; a[13].p = out1; a[14].z = X_LEN;
}
/* explain_classes: K = 2 maps per sample (N x K x input). */
static void setup_explain_classes(Val *a)
{
    setup_explain(a);
    a[10].z = 2;
    a[14].z = 2 * X_LEN;
}
/* explain_class_set: one map of the sum of K = 2 classes. */
static void setup_explain_class_set(Val *a)
{
    setup_explain(a);
    a[10].z = 2;
}

static int32_t call_attribute(Val *a)
{
    return lrp_network_attribute(P(0), P(1), Z(2), I(3), Z(4), Z(5), Z(6), Z(7), I(8), P(9), Z(10),
                                 S(11), D(12), D(13), D(14), P(15), Z(16), P(17), Z(18));
}
static void setup_attribute(Val *a)
{
    a[0].p = net; a[1].p = in1; a[2].z = X_LEN; a[3].i = 2; a[4].z = N; a[5].z = M; a[6].z = 1;
    a[7].z = 1; a[8].i = LRP_LAYOUT_ROW_MAJOR; a[9].p = in2; a[10].z = Y_LEN;
    a[11].s = "integrated_gradients"; a[12].d = 4; a[13].d = NAN; a[14].d = 0; a[15].p = in3;
    a[16].z = X_LEN; a[17].p = out1; a[18].z = X_LEN;
}

static int32_t call_npy_info(Val *a) { return lrp_npy_info(S(0), P(1), P(2), P(3)); }
static void setup_npy_info(Val *a) { a[0].s = npy_path; a[1].p = &i32[0]; a[2].p = &i32[1]; a[3].p = &i32[2]; }
static int32_t call_npy_dim(Val *a) { return lrp_npy_dim(S(0), Z(1), P(2)); }
static void setup_npy_dim(Val *a) { a[0].s = npy_path; a[1].z = 1; a[2].p = &sz[0]; }
static int32_t call_npy_read(Val *a) { return lrp_npy_read(S(0), P(1), Z(2), I(3)); }
static void setup_npy_read(Val *a) { a[0].s = npy_path; a[1].p = out1; a[2].z = X_LEN; a[3].i = LRP_LAYOUT_COL_MAJOR; }
static int32_t call_npy_write(Val *a)
{
    return lrp_npy_write(S(0), P(1), Z(2), I(3), Z(4), Z(5), Z(6), Z(7), Z(8), Z(9), I(10), I(11),
                         I(12));
}
static void setup_npy_write(Val *a)
{
    a[0].s = write_path; a[1].p = in1; a[2].z = X_LEN; a[3].i = 2; a[4].z = N; a[5].z = M;
    a[6].z = 1; a[7].z = 1; a[8].z = 1; a[9].z = 1; a[10].i = LRP_LAYOUT_ROW_MAJOR;
    a[11].i = LRP_DTYPE_F64; a[12].i = LRP_LAYOUT_ROW_MAJOR;
}
static int32_t call_txt_shape(Val *a) { return lrp_txt_shape(S(0), P(1), P(2)); }
static void setup_txt_shape(Val *a) { a[0].s = txt_path; a[1].p = &sz[0]; a[2].p = &sz[1]; }
static int32_t call_txt_read(Val *a) { return lrp_txt_read(S(0), P(1), Z(2), I(3)); }
static void setup_txt_read(Val *a) { a[0].s = txt_path; a[1].p = out1; a[2].z = X_LEN; a[3].i = LRP_LAYOUT_ROW_MAJOR; }
static int32_t call_txt_write(Val *a) { return lrp_txt_write(S(0), P(1), Z(2), Z(3), Z(4), I(5)); }
static void setup_txt_write(Val *a)
{
    a[0].s = write_path; a[1].p = in1; a[2].z = X_LEN; a[3].z = N; a[4].z = M;
    a[5].i = LRP_LAYOUT_ROW_MAJOR;
}

static int32_t call_colormap(Val *a) { return lrp_render_colormap(S(0), P(1), Z(2), I(3), P(4), Z(5)); }
static void setup_colormap(Val *a)
{
    a[0].s = "gray-red"; a[1].p = in2; a[2].z = 5; a[3].i = LRP_LAYOUT_ROW_MAJOR; a[4].p = out1;
    a[5].z = 15;
}
static int32_t call_hm_to_rgb(Val *a)
{
    return lrp_render_hm_to_rgb(P(0), Z(1), Z(2), Z(3), P(4), Z(5), Z(6), D(7), S(8), I(9), I(10),
                                P(11), Z(12));
}
static void setup_hm_to_rgb(Val *a)
{
    a[0].p = in1; a[1].z = IMG_LEN; a[2].z = IMG; a[3].z = IMG; a[4].p = in2; a[5].z = IMG_LEN;
    a[6].z = SCALE; a[7].d = 2.0; a[8].s = "bwr"; a[9].i = 1; a[10].i = LRP_LAYOUT_ROW_MAJOR;
    a[11].p = out1; a[12].z = RGB_LEN;
}
static int32_t call_digit_to_rgb(Val *a)
{
    return lrp_render_digit_to_rgb(P(0), Z(1), Z(2), Z(3), Z(4), S(5), I(6), P(7), Z(8));
}
static void setup_digit_to_rgb(Val *a)
{
    a[0].p = in1; a[1].z = IMG_LEN; a[2].z = IMG; a[3].z = IMG; a[4].z = SCALE; a[5].s = "binary";
    a[6].i = LRP_LAYOUT_COL_MAJOR; a[7].p = out1; a[8].z = RGB_LEN;
}
static int32_t call_enlarge(Val *a)
{
    return lrp_render_enlarge(P(0), Z(1), Z(2), Z(3), Z(4), Z(5), I(6), P(7), Z(8));
}
static void setup_enlarge(Val *a)
{
    a[0].p = in1; a[1].z = IMG_LEN * 3; a[2].z = IMG; a[3].z = IMG; a[4].z = 3; a[5].z = SCALE;
    a[6].i = LRP_LAYOUT_ROW_MAJOR; a[7].p = out1; a[8].z = RGB_LEN;
}
static int32_t call_repaint(Val *a)
{
    /* In place: the image is out1 itself, so failures must leave it at its sentinels. */
    return lrp_render_repaint_corner_pixels(P(0), Z(1), Z(2), Z(3), Z(4), I(5));
}
static void setup_repaint(Val *a)
{
    a[0].p = out1; a[1].z = IMG_LEN * 3; a[2].z = IMG; a[3].z = IMG; a[4].z = SCALE;
    a[5].i = LRP_LAYOUT_ROW_MAJOR;
}
static int32_t call_canny(Val *a)
{
    return lrp_render_canny(P(0), Z(1), Z(2), Z(3), D(4), D(5), D(6), I(7), P(8), Z(9));
}
static void setup_canny(Val *a)
{
    a[0].p = in1; a[1].z = IMG_LEN; a[2].z = IMG; a[3].z = IMG; a[4].d = 1.0; a[5].d = 0.1;
    a[6].d = 0.2; a[7].i = LRP_LAYOUT_ROW_MAJOR; a[8].p = out1; a[9].z = IMG_LEN;
}
static int32_t call_save_png(Val *a) { return lrp_render_save_png(S(0), P(1), Z(2), Z(3), Z(4), I(5)); }
static void setup_save_png(Val *a)
{
    a[0].s = png_path; a[1].p = in2; a[2].z = IMG_LEN * 3; a[3].z = IMG; a[4].z = IMG;
    a[5].i = LRP_LAYOUT_ROW_MAJOR;
}
static int32_t call_save_images_png(Val *a)
{
    return lrp_render_save_images_png(S(0), P(1), Z(2), Z(3), P(4), Z(5), Z(6), I(7));
}
static void setup_save_images_png(Val *a)
{
    a[0].s = png_path; a[1].p = in2; a[2].z = 2 * IMG_LEN * 3; a[3].z = IMG; a[4].p = widths;
    a[5].z = 2; a[6].z = 1; a[7].i = LRP_LAYOUT_ROW_MAJOR;
}

static int32_t call_options_set(Val *a) { return lrp_train_options_set(P(0), S(1), D(2)); }
static void setup_options_set(Val *a) { a[0].p = opts; a[1].s = "lrate"; a[2].d = 0.01; }
static int32_t call_options_progress(Val *a) { return lrp_train_options_progress(P(0), P(1)); }
static void setup_options_progress(Val *a) { a[0].p = opts; a[1].p = &sz[0]; }
static int32_t call_options_decay(Val *a) { return lrp_train_options_set_lrate_decay(P(0), S(1)); }
static void setup_options_decay(Val *a) { a[0].p = opts; a[1].s = "sublinear"; }
static int32_t call_options_validation(Val *a)
{
    return lrp_train_options_set_validation(P(0), P(1), Z(2), I(3), Z(4), Z(5), Z(6), Z(7), P(8),
                                            Z(9), I(10));
}
static void setup_options_validation(Val *a)
{
    a[0].p = opts; a[1].p = in1; a[2].z = X_LEN; a[3].i = 2; a[4].z = N; a[5].z = M; a[6].z = 1;
    a[7].z = 1; a[8].p = in2; a[9].z = Y_LEN; a[10].i = LRP_LAYOUT_ROW_MAJOR;
}
static int32_t call_train(Val *a)
{
    return lrp_network_train(P(0), P(1), Z(2), I(3), Z(4), Z(5), Z(6), Z(7), P(8), Z(9), I(10),
                             P(11));
}
static void setup_train(Val *a)
{
    CHECK(lrp_train_options_set(opts, "iters", 2) == LRP_OK);
    CHECK(lrp_train_options_set(opts, "batchsize", 1) == LRP_OK);
    a[0].p = net; a[1].p = in1; a[2].z = X_LEN; a[3].i = 2; a[4].z = N; a[5].z = M; a[6].z = 1;
    a[7].z = 1; a[8].p = in2; a[9].z = Y_LEN; a[10].i = LRP_LAYOUT_ROW_MAJOR; a[11].p = opts;
}
static int32_t call_train_log_len(Val *a) { return lrp_network_train_log_len(P(0), P(1)); }
static int32_t call_train_log(Val *a) { return lrp_network_train_log(P(0), P(1), Z(2)); }
static void setup_train_log(Val *a) { a[0].p = net; a[1].p = text_out; a[2].z = 1; }

/* The second edition: arrays as data, dims and rank; the explain options. */
static int32_t call_output_dims(Val *a) { return lrp_network_output_dims(P(0), P(1), I(2), P(3), Z(4), P(5)); }
static void setup_output_dims(Val *a)
{
    a[0].p = net; a[1].p = x_dims; a[2].i = 2; a[3].p = sz; a[4].z = 2; a[5].p = &i32[0];
}
static int32_t call_predict(Val *a) { return lrp_network_predict(P(0), P(1), P(2), I(3), I(4), P(5), Z(6)); }
static void setup_predict(Val *a)
{
    a[0].p = net; a[1].p = in1; a[2].p = x_dims; a[3].i = 2; a[4].i = LRP_LAYOUT_COL_MAJOR;
    a[5].p = out1; a[6].z = Y_LEN;
}
static int32_t call_predict_f32(Val *a)
{
    return lrp_network_predict_f32(P(0), P(1), P(2), I(3), I(4), P(5), Z(6));
}
static void setup_predict_f32(Val *a)
{
    setup_predict(a);
    a[1].p = in1f;
}
/* The base value f64 is the default: the success calls leave the shared handle as it was. */
static int32_t call_set_precision(Val *a) { return lrp_network_set_precision(P(0), I(1)); }
static void setup_set_precision(Val *a) { a[0].p = net; a[1].i = LRP_DTYPE_F64; }
static int32_t call_precision(Val *a) { return lrp_network_precision(P(0), P(1)); }
static void setup_precision(Val *a) { a[0].p = net; a[1].p = &i32[0]; }
static int32_t call_xopts_set(Val *a) { return lrp_explain_options_set(P(0), S(1), D(2)); }
static void setup_xopts_set(Val *a) { a[0].p = xopts; a[1].s = "noise"; a[2].d = 0.3; }
static int32_t call_xopts_set_str(Val *a) { return lrp_explain_options_set_str(P(0), S(1), S(2)); }
static void setup_xopts_set_str(Val *a) { a[0].p = xopts; a[1].s = "rule"; a[2].s = "epsilon"; }
static int32_t call_xopts_set_classes(Val *a) { return lrp_explain_options_set_classes(P(0), P(1), Z(2)); }
static void setup_xopts_set_classes(Val *a) { a[0].p = xopts; a[1].p = classes; a[2].z = N; }
static int32_t call_xopts_set_array(Val *a)
{
    return lrp_explain_options_set_array(P(0), S(1), P(2), P(3), I(4));
}
static void setup_xopts_set_array(Val *a)
{
    a[0].p = xopts; a[1].s = "start"; a[2].p = in2; a[3].p = y_dims; a[4].i = 2;
}
/* explain_dims and explain_with: per-sample classes, epsilon, integrated gradients' baseline
   not set; opts NULL would mean the defaults (a valid call), so it stays fixed. */
static void setup_xopts_for_explain(void)
{
    CHECK(lrp_explain_options_set_str(xopts, "rule", "epsilon") == LRP_OK);
    CHECK(lrp_explain_options_set_classes(xopts, classes, N) == LRP_OK);
}
static int32_t call_explain_dims(Val *a)
{
    return lrp_network_explain_dims(P(0), P(1), P(2), I(3), P(4), Z(5), P(6));
}
static void setup_explain_dims(Val *a)
{
    setup_xopts_for_explain();
    a[0].p = net; a[1].p = xopts; a[2].p = x_dims; a[3].i = 2; a[4].p = sz; a[5].z = 2;
    a[6].p = &i32[0];
}
static int32_t call_explain_with_opts(Val *a)
{
    return lrp_network_explain_with(P(0), P(1), P(2), P(3), I(4), P(5), Z(6));
}
static void setup_explain_with_opts(Val *a)
{
    setup_xopts_for_explain();
    a[0].p = net; a[1].p = xopts; a[2].p = in1; a[3].p = x_dims; a[4].i = 2; a[5].p = out1;
    a[6].z = X_LEN;
}
static int32_t call_explain_with_f32(Val *a)
{
    return lrp_network_explain_with_f32(P(0), P(1), P(2), P(3), I(4), P(5), Z(6));
}
static void setup_explain_with_f32(Val *a)
{
    setup_explain_with_opts(a);
    a[2].p = in1f;
}

/* The kinds of each argument position, in order. */
#define KINDS(...) {__VA_ARGS__}, (int)(sizeof((Kind[]){__VA_ARGS__}) / sizeof(Kind))

static const Row ROWS[] = {
    {"lrp_network_output_dims", call_output_dims, setup_output_dims,
     KINDS(K_NET, K_DIMS, K_RANK_ND, K_OUT, K_OUT_LEN, K_OUT)},
    {"lrp_network_predict", call_predict, setup_predict,
     KINDS(K_NET, K_IN, K_DIMS, K_RANK_ND, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_network_predict_f32", call_predict_f32, setup_predict_f32,
     KINDS(K_NET, K_IN, K_DIMS, K_RANK_ND, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_network_set_precision", call_set_precision, setup_set_precision, KINDS(K_NET, K_ENUM)},
    {"lrp_network_precision", call_precision, setup_precision, KINDS(K_NET, K_OUT)},
    {"lrp_explain_options_set", call_xopts_set, setup_xopts_set,
     KINDS(K_XOPTS, K_NAME, K_REAL_NAN_DEFAULT)},
    {"lrp_explain_options_set_str", call_xopts_set_str, setup_xopts_set_str,
     KINDS(K_XOPTS, K_NAME, K_NAME_NULL_OK)},
    {"lrp_explain_options_set_classes", call_xopts_set_classes, setup_xopts_set_classes,
     KINDS(K_XOPTS, K_IN, K_COUNT)},
    {"lrp_explain_options_set_array", call_xopts_set_array, setup_xopts_set_array,
     KINDS(K_XOPTS, K_NAME, K_FIXED, K_DIMS_ANY, K_RANK_ND)},
    {"lrp_network_explain_dims", call_explain_dims, setup_explain_dims,
     KINDS(K_NET, K_FIXED, K_DIMS, K_RANK_ND, K_OUT, K_OUT_LEN, K_OUT)},
    {"lrp_network_explain_with", call_explain_with_opts, setup_explain_with_opts,
     KINDS(K_NET, K_FIXED, K_IN, K_DIMS, K_RANK_ND, K_OUT, K_OUT_LEN)},
    {"lrp_network_explain_with_f32", call_explain_with_f32, setup_explain_with_f32,
     KINDS(K_NET, K_FIXED, K_IN, K_DIMS, K_RANK_ND, K_OUT, K_OUT_LEN)},
    {"lrp_network_read", call_network_read, setup_network_read, KINDS(K_PATH_MODEL)},
    {"lrp_network_clone", call_network_clone, setup_net_only, KINDS(K_NET)},
    {"lrp_layer_spec_new", call_spec_new, setup_spec_new, KINDS(K_ENUM)},
    {"lrp_layer_spec_set", call_spec_set, setup_spec_set, KINDS(K_SPEC, K_NAME, K_REAL)},
    {"lrp_layer_spec_set_param", call_spec_set_param, setup_spec_set_param,
     KINDS(K_SPEC, K_NAME, K_IN, K_IN, K_RANK, K_LAYOUT)},
    {"lrp_network_add_node", call_add_node, setup_add_node,
     KINDS(K_NET, K_SPEC, K_IN, K_IN_LEN, K_OUT)},
    {"lrp_node_num_inputs", call_node_num_inputs, setup_node_size_out,
     KINDS(K_NET, K_INDEX, K_OUT)},
    {"lrp_node_inputs", call_node_inputs, setup_node_inputs,
     KINDS(K_NET, K_INDEX, K_OUT, K_OUT_LEN)},
    {"lrp_node_num_attributes", call_node_num_attributes, setup_node_size_out,
     KINDS(K_NET, K_INDEX, K_OUT)},
    {"lrp_node_attribute_name", call_node_attribute_name, setup_node_attribute_name,
     KINDS(K_NET, K_INDEX, K_INDEX, K_OUT, K_OUT_LEN)},
    {"lrp_node_attribute", call_node_attribute, setup_node_attribute,
     KINDS(K_NET, K_INDEX, K_NAME, K_OUT)},
    {"lrp_node_num_params", call_node_num_params, setup_node_size_out,
     KINDS(K_NET, K_INDEX, K_OUT)},
    {"lrp_node_param_name", call_node_param_name, setup_node_param_name,
     KINDS(K_NET, K_INDEX, K_INDEX, K_OUT, K_OUT_LEN)},
    {"lrp_node_param_shape", call_node_param_shape, setup_node_param_shape,
     KINDS(K_NET, K_INDEX, K_NAME, K_OUT, K_OUT_LEN, K_OUT)},
    {"lrp_node_get_param", call_node_get_param, setup_node_get_param,
     KINDS(K_NET, K_INDEX, K_NAME, K_OUT, K_OUT_LEN, K_LAYOUT)},
    {"lrp_node_accepts", call_node_accepts, setup_node_accepts,
     KINDS(K_NET, K_INDEX, K_NAME, K_REAL_NAN_DEFAULT, K_OUT)},
    {"lrp_network_write", call_network_write, setup_network_write, KINDS(K_NET, K_PATH_WRITE)},
    {"lrp_network_add_linear", call_add_linear, setup_add_linear,
     KINDS(K_NET, K_DIM, K_DIM, K_IN, K_IN_LEN, K_IN, K_IN_LEN, K_LAYOUT, K_FIXED)},
    {"lrp_network_add_convolution", call_add_convolution, setup_add_convolution,
     KINDS(K_NET, K_DIM, K_DIM, K_DIM, K_DIM, K_SIZE, K_SIZE, K_IN, K_IN_LEN, K_IN, K_IN_LEN,
           K_LAYOUT, K_FIXED)},
    {"lrp_network_add_maxpool", call_add_maxpool, setup_pool, KINDS(K_NET, K_SIZE, K_SIZE, K_SIZE, K_SIZE)},
    {"lrp_network_add_sumpool", call_add_sumpool, setup_pool, KINDS(K_NET, K_SIZE, K_SIZE, K_SIZE, K_SIZE)},
    {"lrp_network_add_flatten", call_add_flatten, setup_net_only, KINDS(K_NET)},
    {"lrp_network_add_rect", call_add_rect, setup_net_only, KINDS(K_NET)},
    {"lrp_network_add_tanh", call_add_tanh, setup_net_only, KINDS(K_NET)},
    {"lrp_network_add_softmax", call_add_softmax, setup_net_only, KINDS(K_NET)},
    {"lrp_network_pop_layer", call_pop_layer, setup_net_only, KINDS(K_NET)},
    {"lrp_network_clean", call_clean, setup_net_only, KINDS(K_NET)},
    {"lrp_network_num_layers", call_num_layers, setup_net_size_out, KINDS(K_NET, K_OUT)},
    {"lrp_network_drop_softmax_output_layer", call_drop_softmax, setup_net_i32_out, KINDS(K_NET, K_OUT)},
    {"lrp_layer_kind", call_layer_kind, setup_layer_kind, KINDS(K_NET, K_INDEX, K_OUT)},
    {"lrp_layer_num_sizes", call_layer_num_sizes, setup_layer_size_out, KINDS(K_NET, K_INDEX, K_OUT)},
    {"lrp_layer_size", call_layer_size, setup_layer_size, KINDS(K_NET, K_INDEX, K_INDEX, K_OUT)},
    {"lrp_layer_param_len", call_param_len, setup_param_len, KINDS(K_NET, K_INDEX, K_ENUM, K_OUT)},
    {"lrp_layer_get_param", call_get_param, setup_get_param,
     KINDS(K_NET, K_INDEX, K_ENUM, K_OUT, K_OUT_LEN, K_LAYOUT)},
    {"lrp_layer_set_param", call_set_param, setup_set_param,
     KINDS(K_NET, K_INDEX, K_ENUM, K_IN, K_IN_LEN, K_LAYOUT)},
    {"lrp_layer_set_lrp_parameters", call_layer_set_lrp, setup_layer_set_lrp,
     KINDS(K_NET, K_INDEX, K_NAME, K_REAL_NAN_DEFAULT)},
    {"lrp_network_set_lrp_parameters", call_network_set_lrp, setup_network_set_lrp,
     KINDS(K_NET, K_NAME, K_REAL_NAN_DEFAULT)},
    {"lrp_layer_get_lrp_parameters", call_layer_get_lrp, setup_layer_get_lrp,
     KINDS(K_NET, K_INDEX, K_OUT, K_OUT_LEN, K_OUT)},
    {"lrp_network_output_shape", call_output_shape, setup_output_shape,
     KINDS(K_NET, K_RANK, K_DIM, K_FIXED, K_FIXED, K_FIXED, K_OUT, K_OUT, K_OUT, K_OUT, K_OUT)},
    {"lrp_network_set_composite", call_set_composite, setup_set_composite,
     KINDS(K_NET, K_NAME, K_REAL_NAN_DEFAULT, K_REAL_NAN_DEFAULT, K_REAL_NAN_DEFAULT,
           K_REAL_NAN_DEFAULT)},
    {"lrp_network_canonize", call_canonize, setup_canonize, KINDS(K_NET, K_NAME)},
    {"lrp_network_set_caffe_formula", call_caffe_formula, setup_caffe_formula,
     KINDS(K_NET, K_ENUM, K_FIXED, K_REAL_NAN_DEFAULT, K_FIXED)},
    {"lrp_layer_set_zbox", call_set_zbox, setup_set_zbox, KINDS(K_NET, K_INDEX, K_IN, K_IN, K_DIM)},
    {"lrp_layer_get_zbox", call_get_zbox, setup_get_zbox,
     KINDS(K_NET, K_INDEX, K_OUT, K_OUT, K_FIXED, K_OUT)},
    {"lrp_network_set_convention", call_set_convention, setup_set_convention, KINDS(K_NET, K_ENUM)},
    {"lrp_network_convention", call_convention, setup_convention, KINDS(K_NET, K_OUT)},
    {"lrp_network_forward", call_forward, setup_forward,
     KINDS(K_NET, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_LAYOUT, K_FIXED, K_OUT,
           K_OUT_LEN)},
    {"lrp_network_backward", call_backward, setup_backward,
     KINDS(K_NET, K_IN, K_IN_LEN, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_network_update", call_update, setup_update, KINDS(K_NET, K_REAL)},
    {"lrp_network_lrp", call_lrp, setup_lrp,
     KINDS(K_NET, K_IN, K_IN_LEN, K_LAYOUT, K_NAME_NULL_OK, K_REAL_NAN_DEFAULT, K_OUT, K_OUT_LEN)},
    {"lrp_network_explain", call_explain, setup_explain,
     KINDS(K_NET, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_LAYOUT, K_IN,
           K_IN_LEN, K_NAME_NULL_OK, K_REAL_NAN_DEFAULT, K_OUT, K_OUT_LEN)},
    {"lrp_network_explain_classes", call_explain_classes, setup_explain_classes,
     KINDS(K_NET, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_LAYOUT, K_IN,
           K_FIXED, K_NAME_NULL_OK, K_REAL_NAN_DEFAULT, K_OUT, K_OUT_LEN)},
    {"lrp_network_explain_class_set", call_explain_class_set, setup_explain_class_set,
     KINDS(K_NET, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_LAYOUT, K_IN,
           K_FIXED, K_NAME_NULL_OK, K_REAL_NAN_DEFAULT, K_OUT, K_OUT_LEN)},
    {"lrp_network_attribute", call_attribute, setup_attribute,
     KINDS(K_NET, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_LAYOUT, K_IN,
           K_IN_LEN, K_NAME, K_REAL_NAN_DEFAULT, K_FIXED, K_FIXED, K_FIXED, K_IN_LEN, K_OUT,
           K_OUT_LEN)},
    {"lrp_npy_info", call_npy_info, setup_npy_info, KINDS(K_PATH_READ, K_OUT, K_OUT, K_OUT)},
    {"lrp_npy_dim", call_npy_dim, setup_npy_dim, KINDS(K_PATH_READ, K_INDEX, K_OUT)},
    {"lrp_npy_read", call_npy_read, setup_npy_read, KINDS(K_PATH_READ, K_OUT, K_OUT_LEN, K_LAYOUT)},
    {"lrp_npy_write", call_npy_write, setup_npy_write,
     KINDS(K_PATH_WRITE, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_FIXED, K_FIXED,
           K_LAYOUT, K_ENUM, K_LAYOUT)},
    {"lrp_txt_shape", call_txt_shape, setup_txt_shape, KINDS(K_PATH_READ, K_OUT, K_OUT)},
    {"lrp_txt_read", call_txt_read, setup_txt_read, KINDS(K_PATH_READ, K_OUT, K_OUT_LEN, K_LAYOUT)},
    {"lrp_txt_write", call_txt_write, setup_txt_write,
     KINDS(K_PATH_WRITE, K_IN, K_IN_LEN, K_DIM, K_DIM, K_LAYOUT)},
    {"lrp_render_colormap", call_colormap, setup_colormap,
     KINDS(K_NAME_NULL_OK, K_IN, K_DIM, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_render_hm_to_rgb", call_hm_to_rgb, setup_hm_to_rgb,
     KINDS(K_IN, K_IN_LEN, K_DIM, K_DIM, K_FIXED, K_IN_LEN, K_DIM, K_REAL, K_NAME_NULL_OK,
           K_FIXED, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_render_digit_to_rgb", call_digit_to_rgb, setup_digit_to_rgb,
     KINDS(K_IN, K_IN_LEN, K_DIM, K_DIM, K_DIM, K_NAME_NULL_OK, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_render_enlarge", call_enlarge, setup_enlarge,
     KINDS(K_IN, K_IN_LEN, K_DIM, K_DIM, K_DIM, K_DIM, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_render_repaint_corner_pixels", call_repaint, setup_repaint,
     KINDS(K_OUT, K_IN_LEN, K_DIM, K_DIM, K_DIM, K_LAYOUT)},
    {"lrp_render_canny", call_canny, setup_canny,
     KINDS(K_IN, K_IN_LEN, K_DIM, K_DIM, K_REAL, K_REAL, K_REAL, K_LAYOUT, K_OUT, K_OUT_LEN)},
    {"lrp_render_save_png", call_save_png, setup_save_png,
     KINDS(K_PATH_WRITE, K_IN, K_IN_LEN, K_DIM, K_DIM, K_LAYOUT)},
    {"lrp_render_save_images_png", call_save_images_png, setup_save_images_png,
     KINDS(K_PATH_WRITE, K_IN, K_IN_LEN, K_DIM, K_IN, K_DIM, K_FIXED, K_LAYOUT)},
    {"lrp_train_options_set", call_options_set, setup_options_set, KINDS(K_OPTS, K_NAME, K_REAL)},
    {"lrp_train_options_progress", call_options_progress, setup_options_progress,
     KINDS(K_OPTS, K_OUT)},
    {"lrp_train_options_set_lrate_decay", call_options_decay, setup_options_decay,
     KINDS(K_OPTS, K_NAME_NULL_OK)},
    {"lrp_train_options_set_validation", call_options_validation, setup_options_validation,
     KINDS(K_OPTS, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_IN, K_IN_LEN,
           K_LAYOUT)},
    {"lrp_network_train", call_train, setup_train,
     KINDS(K_NET, K_IN, K_IN_LEN, K_RANK, K_DIM, K_DIM, K_FIXED, K_FIXED, K_IN, K_IN_LEN,
           K_LAYOUT, K_FIXED)},
    {"lrp_network_train_log_len", call_train_log_len, setup_net_size_out, KINDS(K_NET, K_OUT)},
    {"lrp_network_train_log", call_train_log, setup_train_log, KINDS(K_NET, K_OUT, K_OUT_LEN)},
};

/* ---- The driver ----------------------------------------------------------------------- */

/* Hostile values of a kind; returns how many were written to `v` (and sets `must_succeed`
 * for the ones that are valid variants, such as a name in another case). */
static int hostile_values(Kind kind, const Val *base, Val *v, int *must_succeed,
                          const char **label)
{
    int n = 0;
    size_t k;
#define ADD(field, value, text, ok)                                                          \
    do {                                                                                     \
        v[n] = *base;                                                                        \
        v[n].field = (value);                                                                \
        label[n] = (text);                                                                   \
        must_succeed[n] = (ok);                                                              \
        n++;                                                                                 \
    } while (0)
    switch (kind) {
    case K_NET:
    case K_OPTS:
    case K_XOPTS:
    case K_SPEC:
    case K_IN:
    case K_OUT:
        ADD(p, NULL, "NULL", 0);
        break;
    case K_IN_LEN:
        ADD(z, 0, "length 0", 0);
        ADD(z, base->z - 1, "length one short", 0);
        ADD(z, base->z + 1, "length one long", 0);
        ADD(z, SIZE_MAX, "length SIZE_MAX", 0);
        ADD(z, SIZE_MAX / sizeof(double) + 2, "length whose byte size wraps", 0);
        break;
    case K_OUT_LEN:
        ADD(z, 0, "capacity 0", 0);
        ADD(z, base->z - 1, "capacity one short", 0);
        break;
    case K_SIZE:
        ADD(z, 0, "size 0", 0);
        break;
    case K_DIM:
        ADD(z, 0, "size 0", 0);
        ADD(z, SIZE_MAX, "size SIZE_MAX", 0);
        ADD(z, (size_t)1 << (sizeof(size_t) * 8 - 1), "size 2^63", 0);
        break;
    case K_INDEX:
        ADD(z, 99, "index 99", 0);
        ADD(z, SIZE_MAX, "index SIZE_MAX", 0);
        break;
    case K_RANK:
        ADD(i, 0, "rank 0", 0);
        ADD(i, 7, "rank 7", 0);
        ADD(i, -1, "rank -1", 0);
        break;
    case K_LAYOUT:
        ADD(i, -1, "layout -1", 0);
        ADD(i, 2, "layout 2", 0);
        ADD(i, INT32_MIN, "layout INT32_MIN", 0);
        break;
    case K_ENUM:
        ADD(i, -1, "flag -1", 0);
        ADD(i, 999, "flag 999", 0);
        break;
    case K_REAL:
        ADD(d, NAN, "NaN", 0);
        /* fall through */
    case K_REAL_NAN_DEFAULT:
        ADD(d, INFINITY, "+Inf", 0);
        ADD(d, -INFINITY, "-Inf", 0);
        break;
    case K_NAME:
        ADD(s, NULL, "NULL name", 0);
        /* fall through */
    case K_NAME_NULL_OK: {
        static char trailing[64], leading[64], tab[64], upper[64];
        snprintf(trailing, sizeof trailing, "%s ", base->s);
        snprintf(leading, sizeof leading, " %s", base->s);
        snprintf(tab, sizeof tab, "%s\t", base->s);
        snprintf(upper, sizeof upper, "%s", base->s);
        for (k = 0; upper[k] != '\0'; k++) {
            upper[k] = (char)toupper((unsigned char)upper[k]);
        }
        ADD(s, trailing, "name with a trailing space", 0);
        ADD(s, leading, "name with a leading space", 0);
        ADD(s, tab, "name with a tab", 0);
        ADD(s, "\xff\xfe", "name that is not UTF-8", 0);
        ADD(s, "no such name", "unknown name", 0);
        ADD(s, upper, "name in upper case (names are case-insensitive)", 1);
        break;
    }
    case K_PATH_MODEL:
        ADD(s, "/dev/null", "/dev/null", 0);
        /* fall through */
    case K_PATH_READ:
        ADD(s, "/dev/zero", "/dev/zero", 0);
        ADD(s, "/dev/urandom", "/dev/urandom", 0);
        ADD(s, "/", "a directory", 0);
        /* fall through */
    case K_PATH_WRITE:
        ADD(s, NULL, "NULL path", 0);
        ADD(s, "/tmp/\xff\xfe", "path that is not UTF-8", 0);
        ADD(s, "/nonexistent-lrp-dir/file", "path in a missing directory", 0);
        break;
    case K_DIMS:
    case K_DIMS_ANY: {
        /* Variants of the base dims (8 backed values), one array each. */
        static size_t zero[8], max[8], wrap[8], more[8];
        memcpy(zero, base->p, sizeof zero);
        memcpy(max, base->p, sizeof max);
        memcpy(wrap, base->p, sizeof wrap);
        memcpy(more, base->p, sizeof more);
        zero[1] = 0;
        max[1] = SIZE_MAX;
        wrap[0] = (size_t)1 << (sizeof(size_t) * 8 - 1);
        wrap[1] = 2;
        more[1] += 1;
        ADD(p, NULL, "NULL dims", 0);
        ADD(p, zero, "dims with a 0", 0);
        ADD(p, max, "dims with SIZE_MAX", 0);
        ADD(p, wrap, "dims whose product wraps", 0);
        if (kind == K_DIMS) {
            ADD(p, more, "dims one element too many", 0);
        }
        break;
    }
    case K_RANK_ND:
        ADD(i, 0, "rank 0", 0);
        ADD(i, -1, "rank -1", 0);
        ADD(i, LRP_MAX_RANK + 1, "rank LRP_MAX_RANK + 1", 0);
        break;
    case K_COUNT:
        ADD(z, SIZE_MAX, "count SIZE_MAX", 0);
        ADD(z, SIZE_MAX / sizeof(int32_t) + 2, "count whose byte size wraps", 0);
        break;
    case K_FIXED:
        break;
    }
#undef ADD
    return n;
}

static void run_row(const Row *row)
{
    Val base[MAX_ARGS], args[MAX_ARGS], variants[16];
    const char *labels[16];
    int must_succeed[16];
    int pos, j, count;
    if (!fresh()) {
        return;
    }
    memset(base, 0, sizeof base);
    row->setup(base);
    memcpy(args, base, sizeof args);
    /* The valid call: proves the row's setup (and that substitutions fail for their own
       reason). */
    if (!CHECK_MSG(row->call(args) == LRP_OK, "%s with valid arguments: %s", row->name,
                   lrp_last_error())) {
        return;
    }
    for (pos = 0; pos < row->nargs; pos++) {
        count = hostile_values(row->kinds[pos], &base[pos], variants, must_succeed, labels);
        for (j = 0; j < count; j++) {
            size_t layers_before;
            int32_t status;
            const char *message;
            if (!fresh()) {
                return;
            }
            row->setup(base); /* fixtures are new: the pointers too */
            memcpy(args, base, sizeof args);
            {
                /* Re-derive the variant from the fresh base (pointer fields may differ). */
                Val fresh_variants[16];
                hostile_values(row->kinds[pos], &base[pos], fresh_variants, must_succeed, labels);
                args[pos] = fresh_variants[j];
            }
            layers_before = layer_count();
            status = row->call(args);
            message = lrp_last_error();
            if (must_succeed[j]) {
                CHECK_MSG(status == LRP_OK, "%s, argument %d: %s: status %s (%s)", row->name,
                          pos + 1, labels[j], lrp_status_name(status), message);
                continue;
            }
            CHECK_MSG(status > LRP_OK && status < LRP_ERR_PANIC,
                      "%s, argument %d: %s: status %d (%s), expected an error", row->name,
                      pos + 1, labels[j], status, lrp_status_name(status));
            CHECK_MSG(strncmp(message, row->name, strlen(row->name)) == 0 &&
                          message[strlen(row->name)] == ':',
                      "%s, argument %d: %s: message not naming the function: %s", row->name,
                      pos + 1, labels[j], message);
            CHECK_MSG(outputs_untouched(), "%s, argument %d: %s: a failing call wrote an output",
                      row->name, pos + 1, labels[j]);
            CHECK_MSG(layer_count() == layers_before,
                      "%s, argument %d: %s: a failing call changed the network", row->name,
                      pos + 1, labels[j]);
        }
    }
}

static void test_every_export_against_hostile_arguments(void)
{
    size_t k;
    for (k = 0; k < sizeof ROWS / sizeof ROWS[0]; k++) {
        run_row(&ROWS[k]);
    }
}

/* The table must cover every export that takes arguments, so that a new one joins it. */
static void test_the_table_covers_the_exports(void)
{
    /* The exports without arguments (or only a status code) need no row. */
    static const char *const NO_ARGS[] = {
        "lrp_version", "lrp_live_networks", "lrp_network_new", "lrp_network_free",
        "lrp_last_error", "lrp_last_status", "lrp_status_name", "lrp_train_options_new",
        "lrp_train_options_free", "lrp_explain_options_new", "lrp_explain_options_free",
        "lrp_layer_spec_free"};
    char header[TEST_PATH_LEN];
    FILE *f;
    char line[1024];
    join_path(header, "include", "lrp.h");
    f = fopen(header, "r");
    if (!CHECK_MSG(f != NULL, "cannot open %s", header)) {
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = strstr(line, " lrp_");
        char name[128];
        size_t k, len;
        int found = 0;
        if (p == NULL || strchr(line, '(') == NULL || line[0] == ' ' || strstr(line, "#define")) {
            continue;
        }
        p += 1;
        if (*p == '*') {
            p++;
        }
        for (len = 0; len + 1 < sizeof name && (isalnum((unsigned char)p[len]) || p[len] == '_');
             len++) {
            name[len] = p[len];
        }
        name[len] = '\0';
        if (p[len] != '(') {
            continue;
        }
        for (k = 0; k < sizeof ROWS / sizeof ROWS[0]; k++) {
            found |= strcmp(ROWS[k].name, name) == 0;
        }
        for (k = 0; k < sizeof NO_ARGS / sizeof NO_ARGS[0]; k++) {
            found |= strcmp(NO_ARGS[k], name) == 0;
        }
        CHECK_MSG(found, "%s has no row in test_hostile.c's ROWS", name);
    }
    fclose(f);
}

/* The issue's findings, one by one (each failed before its fix). */
static void test_issue_17_findings(void)
{
    char path[TEST_PATH_LEN];
    double r[IMG_LEN], rgb[RGB_LEN], edges[28 * 28], img[28 * 28];
    char name[LRP_RULE_NAME_LEN];
    double param = SENTINEL;
    size_t k;
    CHECK(lrp_network_read("/dev/zero") == NULL);
    CHECK_ERROR_MENTIONS("lrp_network_read", "/dev/zero:1", "longer than 256 bytes");
    CHECK(lrp_network_read("/dev/urandom") == NULL);
    CHECK_ERROR_MENTIONS("lrp_network_read", "/dev/urandom");
    CHECK(lrp_network_read("/dev/null") == NULL);
    CHECK_ERROR_MENTIONS("lrp_network_read", "no layers");
    tmp_path(path, "hostile_blank.txt");
    if (write_text_file(path, "\n  \n\t\n")) {
        CHECK(lrp_network_read(path) == NULL);
        CHECK_ERROR_MENTIONS("lrp_network_read", "no layers");
    }
    tmp_path(path, "hostile_chain.txt");
    if (write_text_file(path, "Linear 2 2\n1 2 3 4\n0 0\nLinear 3 1\n1 2 3\n0\n")) {
        CHECK(lrp_network_read(path) == NULL);
        CHECK_ERROR_MENTIONS("lrp_network_read", ":4:", "takes 3 inputs", "gives 2");
    }
    for (k = 0; k < 28 * 28; k++) {
        img[k] = (double)((k * 7) % 11) / 11.0;
    }
    fill(r, IMG_LEN, 0.5);
    fill(rgb, RGB_LEN, SENTINEL);
    CHECK_FAILS(lrp_render_hm_to_rgb(r, IMG_LEN, IMG, IMG, r, IMG_LEN, SCALE, 1e9, NULL, 1,
                                     LRP_LAYOUT_ROW_MAJOR, rgb, RGB_LEN),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_hm_to_rgb", "sigma", "100");
    CHECK(all_equal_to(rgb, RGB_LEN, SENTINEL));
    fill(edges, 28 * 28, SENTINEL);
    CHECK_FAILS(lrp_render_canny(img, 28 * 28, 28, 28, 1e6, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, edges,
                                 28 * 28),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_canny", "sigma", "1000000");
    CHECK(all_equal_to(edges, 28 * 28, SENTINEL));
    CHECK_OK(lrp_render_canny(img, 28 * 28, 28, 28, LRP_RENDER_MAX_SIGMA, 0.1, 0.2,
                              LRP_LAYOUT_ROW_MAJOR, edges, 28 * 28));
    if (fresh()) {
        memset(name, 'x', sizeof name);
        CHECK_FAILS(lrp_layer_get_lrp_parameters(net, 0, name, 15, &param),
                    LRP_ERR_SHAPE_MISMATCH, "lrp_layer_get_lrp_parameters", "15", "16");
        CHECK(name[0] == 'x' && all_equal_to(&param, 1, SENTINEL));
        CHECK_FAILS(lrp_layer_set_lrp_parameters(net, 0, "epsilon ", NAN), LRP_ERR_UNKNOWN_RULE,
                    "lrp_layer_set_lrp_parameters", "'epsilon '");
        in1[0] = -1.0;
        CHECK_FAILS(lrp_layer_set_zbox(net, 1, in1, in3, 1), LRP_ERR_INVALID_ARGUMENT,
                    "lrp_layer_set_zbox", "zbox", "layer 2", "Rect");
        CHECK_FAILS(lrp_layer_set_lrp_parameters(net, 1, "gamma", NAN), LRP_ERR_INVALID_ARGUMENT,
                    "lrp_layer_set_lrp_parameters", "gamma", "layer 2", "Rect");
        /* Network-wide, the layers that take it take it. */
        CHECK_OK(lrp_network_set_lrp_parameters(net, "zbox", 1.0));
    }
}

static void make_files(void)
{
    tmp_path(model_path, "hostile_model.txt");
    tmp_path(npy_path, "hostile_data.npy");
    tmp_path(txt_path, "hostile_data.txt");
    tmp_path(write_path, "hostile_written");
    tmp_path(png_path, "hostile_image.png");
    if (fresh()) {
        CHECK_OK(lrp_network_write(net, model_path));
        CHECK_OK(lrp_npy_write(npy_path, in1, X_LEN, 2, N, M, 1, 1, 1, 1, LRP_LAYOUT_ROW_MAJOR,
                               LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR));
        CHECK_OK(lrp_txt_write(txt_path, in1, X_LEN, N, M, LRP_LAYOUT_ROW_MAJOR));
    }
}

static void remove_files(void)
{
    const char *names[] = {"hostile_model.txt", "hostile_data.npy", "hostile_data.txt",
                           "hostile_written", "hostile_image.png", "hostile_blank.txt",
                           "hostile_chain.txt"};
    char path[TEST_PATH_LEN];
    size_t k;
    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        tmp_path(path, names[k]);
        remove(path);
    }
    lrp_network_free(net);
    lrp_train_options_free(opts);
    lrp_explain_options_free(xopts);
    lrp_layer_spec_free(spec_pool);
    lrp_layer_spec_free(spec_linear);
    net = NULL;
    opts = NULL;
    xopts = NULL;
    spec_pool = NULL;
    spec_linear = NULL;
}

void suite_hostile(void)
{
    make_files();
    RUN_TEST(test_the_table_covers_the_exports);
    RUN_TEST(test_every_export_against_hostile_arguments);
    RUN_TEST(test_issue_17_findings);
    remove_files();
}

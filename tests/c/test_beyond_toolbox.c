/*
 * What the library has beyond the numpy toolbox, through the C API: zennit's composites
 * (against ../shared/golden-zennit, under LRP_CONVENTION_ZENNIT), the Caffe formula types,
 * zbox bounds per input channel, several classes from one forward pass and the composite
 * map of a class set; and the errors of each entry point, with outputs left untouched.
 */
#include "fixtures.h"
#include "harness.h"
#include "lrp.h"
#include "npy.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* zennit stabilises with 1e-6: the manifest's tolerance is looser than the toolbox's. */
#define ZENNIT_RTOL 1e-4
#define ZENNIT_ATOL 1e-9

/* A model of zennit's reference data. */
static LrpNetwork *read_zennit_model(const char *name)
{
    char path[TEST_PATH_LEN];
    zennit_path(path, name);
    return lrp_network_read(path);
}

/* Forward of the npy input `x` (batch first) through `net`, row-major; 1 on success. */
static int forward_npy(LrpNetwork *net, const NpyArray *x, double *y, size_t y_len)
{
    size_t d[4] = {1, 1, 1, 1};
    int k;
    for (k = 0; k < x->rank; k++) {
        d[k] = x->shape[k];
    }
    return CHECK_OK(lrp_network_forward(net, x->data, x->len, x->rank, d[0], d[1], d[2], d[3],
                                        LRP_LAYOUT_ROW_MAJOR, 1, y, y_len));
}

/* Counts entries outside |got - want| <= atol + rtol |want|. */
static size_t count_outside(const double *got, const double *want, size_t n, double rtol,
                            double atol)
{
    size_t i, bad = 0;
    for (i = 0; i < n; i++) {
        if (!(fabs(got[i] - want[i]) <= atol + rtol * fabs(want[i]))) {
            bad++;
        }
    }
    return bad;
}

/* One zennit composite case: model, composite and the expected map's file. */
static void check_zennit_composite(const char *model, const char *prefix, const char *composite,
                                   double low, double high)
{
    char file[256];
    NpyArray x = {0}, r = {0}, want = {0};
    LrpNetwork *net;
    double *y, *got;
    net = read_zennit_model(model);
    snprintf(file, sizeof file, "z_%s_input.npy", prefix);
    if (!CHECK(net != NULL) || !load_zennit(file, &x)) {
        lrp_network_free(net);
        return;
    }
    snprintf(file, sizeof file, "z_%s_R0.npy", prefix);
    load_zennit(file, &r);
    snprintf(file, sizeof file, "z_%s_lrp_%s.npy", prefix, composite);
    load_zennit(file, &want);
    y = alloc_doubles(r.len);
    got = alloc_doubles(x.len);
    CHECK_OK(lrp_network_set_convention(net, LRP_CONVENTION_ZENNIT));
    CHECK_OK(lrp_network_set_composite(net, composite, 1e-6, 0.25, low, high));
    if (forward_npy(net, &x, y, r.len) &&
        CHECK_OK(lrp_network_lrp(net, r.data, r.len, LRP_LAYOUT_ROW_MAJOR, NULL, NAN, got,
                                 x.len))) {
        size_t bad = count_outside(got, want.data, want.len, ZENNIT_RTOL, ZENNIT_ATOL);
        CHECK_MSG(want.len == x.len && bad == 0, "%s %s: %zu of %zu values off", prefix,
                  composite, bad, want.len);
    }
    free(y);
    free(got);
    npy_free(&x);
    npy_free(&r);
    npy_free(&want);
    lrp_network_free(net);
}

static void test_composites_match_zennit(void)
{
    static const char *const composites[] = {"epsilon_plus", "epsilon_alpha2_beta1",
                                             "epsilon_plus_flat"};
    size_t k;
    for (k = 0; k < 3; k++) {
        check_zennit_composite("cnn_relu.txt", "cnn_relu", composites[k], NAN, NAN);
        check_zennit_composite("convnet.txt", "convnet", composites[k], NAN, NAN);
        check_zennit_composite("mlp_rect_nosoftmax.txt", "mlp_rect", composites[k], NAN, NAN);
    }
    check_zennit_composite("cnn_relu.txt", "cnn_relu", "epsilon_gamma_box", -1.0, 1.0);
    check_zennit_composite("convnet.txt", "convnet", "epsilon_gamma_box", -1.0, 1.0);
}

/* The preset of layer `index` has name `name` and parameter `param` (NaN: none). */
static void check_preset(const LrpNetwork *net, size_t index, const char *name, double param)
{
    char got[32];
    double p = SENTINEL;
    if (CHECK_OK(lrp_layer_get_lrp_parameters(net, index, got, sizeof got, &p))) {
        CHECK_MSG(strcmp(got, name) == 0, "layer %zu: preset %s, expected %s", index, got, name);
        CHECK_MSG(isnan(param) ? isnan(p) : p == param, "layer %zu: parameter %g, expected %g",
                  index, p, param);
    }
}

static void test_composite_errors_change_nothing(void)
{
    LrpNetwork *net = read_zennit_model("convnet.txt");
    if (!CHECK(net != NULL)) {
        return;
    }
    CHECK_OK(lrp_layer_set_lrp_parameters(net, 0, "epsilon", 0.5));
    CHECK_FAILS(lrp_network_set_composite(net, "bogus", NAN, NAN, NAN, NAN),
                LRP_ERR_UNKNOWN_RULE, "lrp_network_set_composite", "unknown composite 'bogus'",
                "epsilon_gamma_box");
    CHECK_FAILS(lrp_network_set_composite(net, "epsilon_gamma_box", NAN, NAN, NAN, 1.0),
                LRP_ERR_INVALID_ARGUMENT, "epsilon_gamma_box bounds", "low and high");
    CHECK_FAILS(lrp_network_set_composite(net, "epsilon_gamma_box", NAN, NAN, 2.0, 1.0),
                LRP_ERR_INVALID_ARGUMENT, "low <= high");
    CHECK_FAILS(lrp_network_set_composite(net, "epsilon_plus", -1.0, NAN, NAN, NAN),
                LRP_ERR_INVALID_ARGUMENT, "epsilon", "given -1");
    CHECK_OK(lrp_network_set_composite(net, "epsilon_plus", NAN, NAN, NAN, NAN));
    CHECK_FAILS(lrp_network_set_composite(net, NULL, NAN, NAN, NAN, NAN), LRP_ERR_NULL_ARGUMENT,
                "name");
    CHECK_FAILS(lrp_network_set_composite(NULL, "epsilon_plus", NAN, NAN, NAN, NAN),
                LRP_ERR_NULL_ARGUMENT, "net");
    /* The one that succeeded set zplus (alphabeta 1) on the convolutions. */
    check_preset(net, 0, "alphabeta", 1.0);
    {
        int32_t convention = -1;
        CHECK_OK(lrp_network_set_convention(net, LRP_CONVENTION_ZENNIT));
        CHECK_OK(lrp_network_convention(net, &convention));
        CHECK(convention == LRP_CONVENTION_ZENNIT);
        /* A failed set changes nothing. */
        CHECK_FAILS(lrp_network_set_convention(net, 2), LRP_ERR_INVALID_ARGUMENT,
                    "lrp_network_set_convention", "given 2");
        CHECK_OK(lrp_network_convention(net, &convention));
        CHECK(convention == LRP_CONVENTION_ZENNIT);
        CHECK_OK(lrp_network_set_convention(net, LRP_CONVENTION_TOOLBOX));
        CHECK_OK(lrp_network_convention(net, &convention));
        CHECK(convention == LRP_CONVENTION_TOOLBOX);
        CHECK_FAILS(lrp_network_convention(net, NULL), LRP_ERR_NULL_ARGUMENT, "out_convention");
    }
    lrp_network_free(net);
}

/* LeNet-5's layers (0-based): 0 conv, 1 rect, 2 sumpool, 3 conv, 4 rect, 5 sumpool, 6 conv,
 * 7 rect, 8 sumpool, 9 conv, 10 flatten. */
static void test_caffe_formula_types(void)
{
    LrpNetwork *net = read_golden_model("lenet5.txt");
    size_t i;
    if (!CHECK(net != NULL)) {
        return;
    }
    /* 104: alphabeta on convolutions, epsilon elsewhere, w^2 at and below layer 3. */
    CHECK_OK(lrp_network_set_caffe_formula(net, 104, 3, 0.5, 2.0));
    check_preset(net, 0, "ww", NAN);
    check_preset(net, 1, "epsilon", 0.5);
    check_preset(net, 2, "epsilon", 0.5);
    check_preset(net, 3, "ww", NAN);
    check_preset(net, 6, "alphabeta", 2.0);
    check_preset(net, 9, "alphabeta", 2.0);
    check_preset(net, 10, "epsilon", 0.5);
    /* 58: alphabeta, flat at and below layer 0; NaN parameters take the defaults. */
    CHECK_OK(lrp_network_set_caffe_formula(net, 58, 0, NAN, NAN));
    check_preset(net, 0, "flat", NAN);
    for (i = 1; i <= 10; i++) {
        check_preset(net, i, "alphabeta", 1.0);
    }
    CHECK_OK(lrp_network_set_caffe_formula(net, 0, 0, 0.25, NAN));
    check_preset(net, 0, "epsilon", 0.25);
    CHECK_FAILS(lrp_network_set_caffe_formula(net, 55, 3, NAN, NAN), LRP_ERR_INVALID_ARGUMENT,
                "lrp_network_set_caffe_formula", "Caffe formula type", "given 55");
    CHECK_FAILS(lrp_network_set_caffe_formula(net, -2, 3, NAN, NAN), LRP_ERR_INVALID_ARGUMENT,
                "formula must be >= 0");
    CHECK_FAILS(lrp_network_set_caffe_formula(net, 54, -1, NAN, NAN), LRP_ERR_INVALID_ARGUMENT,
                "layer must be >= 0");
    CHECK_FAILS(lrp_network_set_caffe_formula(net, 2, 3, NAN, -1.0), LRP_ERR_INVALID_ARGUMENT,
                "alpha", "given -1");
    check_preset(net, 0, "epsilon", 0.25);
    lrp_network_free(net);
}

/* zbox with bounds per channel on convnet's first layer (3 input channels): equal bounds
 * give the composite's scalar result bit for bit; different ones change the map. */
static void test_zbox_bounds_per_channel(void)
{
    const double low[3] = {-1.0, -1.0, -1.0}, high[3] = {1.0, 1.0, 1.0};
    const double low2[3] = {-1.0, -2.0, -0.5}, high2[3] = {1.0, 0.5, 2.0};
    const double crossed[3] = {-1.0, 3.0, -1.0};
    NpyArray x = {0}, r = {0};
    LrpNetwork *net = read_zennit_model("convnet.txt");
    double *y, *scalar, *per_channel, *other;
    if (!CHECK(net != NULL) || !load_zennit("z_convnet_input.npy", &x) ||
        !load_zennit("z_convnet_R0.npy", &r)) {
        lrp_network_free(net);
        npy_free(&x);
        return;
    }
    y = alloc_doubles(r.len);
    scalar = alloc_doubles(x.len);
    per_channel = alloc_doubles(x.len);
    other = alloc_doubles(x.len);
    forward_npy(net, &x, y, r.len);
    CHECK_OK(lrp_network_set_composite(net, "epsilon_gamma_box", NAN, NAN, -1.0, 1.0));
    CHECK_OK(lrp_network_lrp(net, r.data, r.len, LRP_LAYOUT_ROW_MAJOR, "", NAN, scalar, x.len));
    CHECK_OK(lrp_layer_set_zbox(net, 0, low, high, 3));
    CHECK_OK(lrp_network_lrp(net, r.data, r.len, LRP_LAYOUT_ROW_MAJOR, "", NAN, per_channel,
                             x.len));
    CHECK(count_bit_differences(scalar, per_channel, x.len) == 0);
    CHECK_OK(lrp_layer_set_zbox(net, 0, low2, high2, 3));
    CHECK_OK(lrp_network_lrp(net, r.data, r.len, LRP_LAYOUT_ROW_MAJOR, "", NAN, other, x.len));
    CHECK(count_bit_differences(scalar, other, x.len) > 0);
    /* Errors: the wrong count, crossed bounds, NULLs, no channels, a bad index. */
    CHECK_FAILS(lrp_layer_set_zbox(net, 0, low, high, 2), LRP_ERR_SHAPE_MISMATCH,
                "lrp_layer_set_zbox", "zbox low bounds of layer 1", "expected [3]", "given [2]");
    CHECK_FAILS(lrp_layer_set_zbox(net, 0, crossed, high, 3), LRP_ERR_INVALID_ARGUMENT,
                "low <= high", "channel 1");
    CHECK_FAILS(lrp_layer_set_zbox(net, 0, NULL, high, 3), LRP_ERR_NULL_ARGUMENT, "low");
    CHECK_FAILS(lrp_layer_set_zbox(net, 0, low, NULL, 3), LRP_ERR_NULL_ARGUMENT, "high");
    CHECK_FAILS(lrp_layer_set_zbox(net, 0, low, high, 0), LRP_ERR_INVALID_ARGUMENT,
                "channels must be at least 1");
    CHECK_FAILS(lrp_layer_set_zbox(net, 99, low, high, 1), LRP_ERR_INVALID_ARGUMENT,
                "layer index", "given 99");
    /* The failures left the last good bounds in place. */
    fill(per_channel, x.len, SENTINEL);
    CHECK_OK(lrp_network_lrp(net, r.data, r.len, LRP_LAYOUT_ROW_MAJOR, "", NAN, per_channel,
                             x.len));
    CHECK(count_bit_differences(other, per_channel, x.len) == 0);
    free(y);
    free(scalar);
    free(per_channel);
    free(other);
    npy_free(&x);
    npy_free(&r);
    lrp_network_free(net);
}

/* lrp_layer_get_zbox reads back what was set: the composite's scalar bounds, then bounds
 * per channel (count first, then values); errors write nothing. */
static void test_zbox_bounds_read_back(void)
{
    const double low[3] = {-1.0, -2.0, -0.5}, high[3] = {1.0, 0.5, 2.0};
    double got_low[3], got_high[3];
    size_t count = 77, k;
    LrpNetwork *net = read_zennit_model("convnet.txt");
    if (!CHECK(net != NULL)) {
        return;
    }
    CHECK_OK(lrp_network_set_composite(net, "epsilon_gamma_box", NAN, NAN, -1.5, 2.5));
    CHECK_OK(lrp_layer_get_zbox(net, 0, got_low, got_high, 3, &count));
    CHECK_MSG(count == 1 && got_low[0] == -1.5 && got_high[0] == 2.5, "scalar: %zu, %g, %g",
              count, got_low[0], got_high[0]);
    CHECK_OK(lrp_layer_set_zbox(net, 0, low, high, 3));
    count = 77;
    CHECK_OK(lrp_layer_get_zbox(net, 0, NULL, NULL, 0, &count));
    CHECK_MSG(count == 3, "count alone: %zu", count);
    fill(got_low, 3, SENTINEL);
    fill(got_high, 3, SENTINEL);
    CHECK_OK(lrp_layer_get_zbox(net, 0, got_low, got_high, 3, &count));
    for (k = 0; k < 3; k++) {
        CHECK_MSG(got_low[k] == low[k] && got_high[k] == high[k], "channel %zu: %g, %g", k,
                  got_low[k], got_high[k]);
    }
    /* Errors: too little room, one of two NULL, no count, a layer without zbox, a bad
     * index; nothing written. */
    fill(got_low, 3, SENTINEL);
    fill(got_high, 3, SENTINEL);
    count = 77;
    CHECK_FAILS(lrp_layer_get_zbox(net, 0, got_low, got_high, 2, &count), LRP_ERR_SHAPE_MISMATCH,
                "lrp_layer_get_zbox", "capacity is 2", "at least 3");
    CHECK_FAILS(lrp_layer_get_zbox(net, 0, NULL, got_high, 3, &count), LRP_ERR_NULL_ARGUMENT,
                "low is NULL while high is not");
    CHECK_FAILS(lrp_layer_get_zbox(net, 0, got_low, NULL, 3, &count), LRP_ERR_NULL_ARGUMENT,
                "high is NULL while low is not");
    CHECK_FAILS(lrp_layer_get_zbox(net, 0, got_low, got_high, 3, NULL), LRP_ERR_NULL_ARGUMENT,
                "count");
    CHECK_FAILS(lrp_layer_get_zbox(net, 3, got_low, got_high, 3, &count),
                LRP_ERR_INVALID_ARGUMENT, "layer 3's preset is gamma, not zbox");
    CHECK_FAILS(lrp_layer_get_zbox(net, 99, got_low, got_high, 3, &count),
                LRP_ERR_INVALID_ARGUMENT, "layer index", "given 99");
    CHECK_FAILS(lrp_layer_get_zbox(NULL, 0, got_low, got_high, 3, &count), LRP_ERR_NULL_ARGUMENT,
                "net");
    CHECK(count == 77);
    for (k = 0; k < 3; k++) {
        CHECK(got_low[k] == SENTINEL && got_high[k] == SENTINEL);
    }
    lrp_network_free(net);
}

/* LeNet-5 on the golden batch: K maps at once equal K single-class explain calls, in both
 * layouts; the class-set map is the sum of its classes' maps. */
static void test_many_classes_from_one_forward_pass(void)
{
    const int32_t classes[3] = {3, 7, 0};
    NpyArray x = {0};
    LrpNetwork *net = read_golden_model("lenet5.txt");
    int32_t *per_sample;
    double *maps, *single, *set, *x_col;
    size_t n, m, k, i;
    int32_t layout;
    if (!CHECK(net != NULL) || !load_golden("lenet5_input.npy", &x)) {
        lrp_network_free(net);
        return;
    }
    n = x.shape[0];
    m = x.len;
    per_sample = malloc(n * sizeof *per_sample);
    maps = alloc_doubles(3 * m);
    single = alloc_doubles(m);
    set = alloc_doubles(m);
    x_col = alloc_doubles(m);
    to_col_major(x.data, x_col, x.shape, x.rank);
    for (layout = LRP_LAYOUT_ROW_MAJOR; layout <= LRP_LAYOUT_COL_MAJOR; layout++) {
        const double *xin = layout == LRP_LAYOUT_ROW_MAJOR ? x.data : x_col;
        CHECK_OK(lrp_network_explain_classes(net, xin, m, 4, x.shape[0], x.shape[1], x.shape[2],
                                             x.shape[3], layout, classes, 3, "epsilon", 0.01,
                                             maps, 3 * m));
        for (k = 0; k < 3; k++) {
            for (i = 0; i < n; i++) {
                per_sample[i] = classes[k];
            }
            CHECK_OK(lrp_network_explain(net, xin, m, 4, x.shape[0], x.shape[1], x.shape[2],
                                         x.shape[3], layout, per_sample, n, "epsilon", 0.01,
                                         single, m));
            /* The same trace and the same sums: bit for bit. */
            CHECK_MSG(count_bit_differences(maps + k * m, single, m) == 0, "layout %d, class %d",
                      (int)layout, (int)classes[k]);
        }
    }
    CHECK_OK(lrp_network_explain_class_set(net, x.data, m, 4, x.shape[0], x.shape[1],
                                           x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                           classes, 2, "epsilon", 0.01, set, m));
    CHECK_OK(lrp_network_explain_classes(net, x.data, m, 4, x.shape[0], x.shape[1], x.shape[2],
                                         x.shape[3], LRP_LAYOUT_ROW_MAJOR, classes, 2,
                                         "epsilon", 0.01, maps, 3 * m));
    for (i = 0; i < m; i++) {
        maps[i] += maps[m + i];
    }
    CHECK(count_outside(set, maps, m, 1e-12, 1e-15) == 0);

    /* Errors leave the output as it was. */
    fill(maps, 3 * m, SENTINEL);
    CHECK_FAILS(lrp_network_explain_classes(net, x.data, m, 4, x.shape[0], x.shape[1],
                                            x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                            classes, 3, "epsilon", 0.01, maps, 3 * m - 1),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_explain_classes", "out");
    {
        const int32_t repeated[2] = {4, 4}, too_big[1] = {10}, negative[1] = {-1};
        CHECK_FAILS(lrp_network_explain_classes(net, x.data, m, 4, x.shape[0], x.shape[1],
                                                x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                                repeated, 2, NULL, NAN, maps, 3 * m),
                    LRP_ERR_INVALID_ARGUMENT, "repeats class 4");
        CHECK_FAILS(lrp_network_explain_classes(net, x.data, m, 4, x.shape[0], x.shape[1],
                                                x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                                too_big, 1, NULL, NAN, maps, 3 * m),
                    LRP_ERR_INVALID_ARGUMENT, "below the 10 outputs", "given 10");
        CHECK_FAILS(lrp_network_explain_classes(net, x.data, m, 4, x.shape[0], x.shape[1],
                                                x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                                negative, 1, NULL, NAN, maps, 3 * m),
                    LRP_ERR_INVALID_ARGUMENT, "classes[0] must be >= 0");
        CHECK_FAILS(lrp_network_explain_classes(net, x.data, m, 4, x.shape[0], x.shape[1],
                                                x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                                classes, 0, NULL, NAN, maps, 3 * m),
                    LRP_ERR_INVALID_ARGUMENT, "at least one class");
        CHECK_FAILS(lrp_network_explain_classes(net, x.data, m, 4, x.shape[0], x.shape[1],
                                                x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                                classes, 3, "bogus", NAN, maps, 3 * m),
                    LRP_ERR_UNKNOWN_RULE, "'bogus'");
        CHECK_FAILS(lrp_network_explain_class_set(net, x.data, m, 4, x.shape[0], x.shape[1],
                                                  x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                                  too_big, 1, NULL, NAN, maps, m),
                    LRP_ERR_INVALID_ARGUMENT, "lrp_network_explain_class_set", "given 10");
        CHECK_FAILS(lrp_network_explain_class_set(net, x.data, m, 4, x.shape[0], x.shape[1],
                                                  x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR,
                                                  NULL, 1, NULL, NAN, maps, m),
                    LRP_ERR_NULL_ARGUMENT, "classes");
    }
    CHECK(all_equal_to(maps, 3 * m, SENTINEL));
    free(per_sample);
    free(maps);
    free(single);
    free(set);
    free(x_col);
    npy_free(&x);
    lrp_network_free(net);
}

/* ../shared/golden-onnx through the C API: each ONNX model read by lrp_network_read, its
 * forward pass and zennit's three composites after the canonizers the manifest names,
 * arrays N x C x H x W row-major (the models' layout). `normwise` > 0 marks the cases the
 * library meets only normwise (max |got - want| <= normwise max |want|): models whose
 * exporter folded their BatchNorms, which zennit's canonized PyTorch model still scales by
 * 1 / sqrt(1 + 1e-5) (the README's "zennit's BatchNorm residual"; tests/golden.rs matches
 * them exactly with that factor put back). */
static const struct {
    const char *prefix;
    const char *canonizer;
    const char *composite; /* NULL: the forward case */
    double normwise;
} ONNX_CASES[] = {
    {"vgg_bn", "vgg", NULL, 0},
    {"vgg_bn", "vgg", "epsilon_plus", 2e-6},
    {"vgg_bn", "vgg", "epsilon_alpha2_beta1", 5e-6},
    {"vgg_bn", "vgg", "epsilon_gamma_box", 5e-6},
    {"resnet_tiny", "resnet", NULL, 0},
    {"resnet_tiny", "resnet", "epsilon_plus", 0},
    {"resnet_tiny", "resnet", "epsilon_alpha2_beta1", 2e-5},
    {"resnet_tiny", "resnet", "epsilon_gamma_box", 2e-5},
    {"mixed", "sequential_merge_batchnorm", NULL, 0},
    {"mixed", "sequential_merge_batchnorm", "epsilon_plus", 0},
    {"mixed", "sequential_merge_batchnorm", "epsilon_alpha2_beta1", 0},
    {"mixed", "sequential_merge_batchnorm", "epsilon_gamma_box", 0},
};

static int load_onnx(const char *name, NpyArray *out)
{
    char path[TEST_PATH_LEN];
    char err[TEST_PATH_LEN + 256];
    onnx_path(path, name);
    return CHECK_MSG(npy_read(path, out, err, sizeof err) == 0, "%s", err);
}

/* LRP_TEST_ONNX_MODELS, when set, names the models to run (the valgrind run's choice: the
 * ResNet takes minutes there); the test says which it ran. */
static int onnx_model_wanted(const char *prefix)
{
    const char *only = getenv("LRP_TEST_ONNX_MODELS");
    return only == NULL || strstr(only, prefix) != NULL;
}

static void test_golden_onnx_models(void)
{
    size_t c, ran = 0;
    for (c = 0; c < sizeof ONNX_CASES / sizeof ONNX_CASES[0]; c++) {
        const char *prefix = ONNX_CASES[c].prefix, *composite = ONNX_CASES[c].composite;
        char file[256], path[TEST_PATH_LEN];
        NpyArray x = {0}, r = {0}, want = {0};
        double *y = NULL, *got = NULL;
        LrpNetwork *net;
        if (!onnx_model_wanted(prefix)) {
            continue;
        }
        ran++;
        snprintf(file, sizeof file, "%s.onnx", prefix);
        onnx_path(path, file);
        net = lrp_network_read(path);
        snprintf(file, sizeof file, "%s_input.npy", prefix);
        if (!CHECK_MSG(net != NULL, "%s", lrp_last_error()) || !load_onnx(file, &x)) {
            lrp_network_free(net);
            continue;
        }
        snprintf(file, sizeof file, "%s_R0.npy", prefix);
        load_onnx(file, &r);
        if (composite == NULL) {
            snprintf(file, sizeof file, "%s_forward.npy", prefix);
        } else {
            snprintf(file, sizeof file, "%s_lrp_%s.npy", prefix, composite);
        }
        load_onnx(file, &want);
        y = alloc_doubles(r.len);
        got = alloc_doubles(x.len);
        if (composite != NULL) {
            CHECK_OK(lrp_network_set_convention(net, LRP_CONVENTION_ZENNIT));
            CHECK_OK(lrp_network_canonize(net, ONNX_CASES[c].canonizer));
            CHECK_OK(lrp_network_set_composite(net, composite, 1e-6, 0.25, -3.0, 3.0));
        }
        if (forward_npy(net, &x, y, r.len)) {
            const double *result = y;
            size_t n = r.len;
            if (composite != NULL) {
                result = got;
                n = x.len;
                if (!CHECK_OK(lrp_network_lrp(net, r.data, r.len, LRP_LAYOUT_ROW_MAJOR, NULL, NAN,
                                              got, x.len))) {
                    n = 0;
                }
            }
            if (n > 0 && CHECK_MSG(want.len == n, "%s %s: %zu values, expected %zu", prefix,
                                   composite ? composite : "forward", n, want.len)) {
                if (ONNX_CASES[c].normwise > 0) {
                    double worst = 0, scale = 0;
                    size_t i;
                    for (i = 0; i < n; i++) {
                        double d = fabs(result[i] - want.data[i]);
                        worst = (d > worst || d != d) ? d : worst;
                        scale = fabs(want.data[i]) > scale ? fabs(want.data[i]) : scale;
                    }
                    CHECK_MSG(worst <= ONNX_CASES[c].normwise * scale,
                              "%s %s: normwise error %g", prefix, composite, worst / scale);
                } else {
                    size_t bad = count_outside(result, want.data, n, ZENNIT_RTOL, ZENNIT_ATOL);
                    CHECK_MSG(bad == 0, "%s %s: %zu of %zu values off", prefix,
                              composite ? composite : "forward", bad, n);
                }
            }
        }
        free(y);
        free(got);
        npy_free(&x);
        npy_free(&r);
        npy_free(&want);
        lrp_network_free(net);
    }
    CHECK_MSG(ran > 0, "LRP_TEST_ONNX_MODELS names none of the golden-onnx models");
    if (ran < sizeof ONNX_CASES / sizeof ONNX_CASES[0]) {
        printf("  note: golden-onnx cases of %s only (LRP_TEST_ONNX_MODELS): %zu of %zu\n",
               getenv("LRP_TEST_ONNX_MODELS"), ran, sizeof ONNX_CASES / sizeof ONNX_CASES[0]);
    }
}

/* An ONNX model read through lrp_network_read, canonized in place: the merged BatchNorm
 * layer is gone, the forward pass (N x C x H x W, the model's layout) is unchanged, and a
 * bad name changes nothing. */
static void test_onnx_model_canonized_in_place(void)
{
    char path[TEST_PATH_LEN];
    NpyArray x = {0};
    double y1[4 * 5], y2[4 * 5];
    size_t before = 0, after = 0, i;
    LrpNetwork *net;
    onnx_path(path, "mixed.onnx");
    net = lrp_network_read(path);
    if (!CHECK_MSG(net != NULL, "%s", lrp_last_error())) {
        return;
    }
    onnx_path(path, "mixed_input.npy");
    {
        char err[TEST_PATH_LEN + 256];
        if (!CHECK_MSG(npy_read(path, &x, err, sizeof err) == 0, "%s", err)) {
            lrp_network_free(net);
            return;
        }
    }
    CHECK(x.rank == 4 && x.shape[1] == 4 && x.shape[2] == 16);
    CHECK_OK(lrp_network_num_layers(net, &before));
    if (forward_npy(net, &x, y1, 20)) {
        CHECK_FAILS(lrp_network_canonize(net, "resnet50"), LRP_ERR_INVALID_ARGUMENT,
                    "lrp_network_canonize", "resnet50");
        CHECK_OK(lrp_network_num_layers(net, &after));
        CHECK(after == before);
        CHECK_OK(lrp_network_canonize(net, "sequential_merge_batchnorm"));
        CHECK_OK(lrp_network_num_layers(net, &after));
        CHECK_MSG(after == before - 1, "%zu layers after merging, %zu before", after, before);
        if (forward_npy(net, &x, y2, 20)) {
            for (i = 0; i < 20; i++) {
                CHECK_MSG(fabs(y1[i] - y2[i]) <= 1e-12 * (1 + fabs(y1[i])), "output %zu", i);
            }
        }
    }
    CHECK_FAILS(lrp_network_canonize(NULL, "resnet"), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_canonize");
    CHECK_FAILS(lrp_network_canonize(net, NULL), LRP_ERR_NULL_ARGUMENT, "lrp_network_canonize",
                "names");
    npy_free(&x);
    lrp_network_free(net);
}

void suite_beyond_toolbox(void)
{
    RUN_TEST(test_onnx_model_canonized_in_place);
    RUN_TEST(test_golden_onnx_models);
    RUN_TEST(test_composites_match_zennit);
    RUN_TEST(test_composite_errors_change_nothing);
    RUN_TEST(test_caffe_formula_types);
    RUN_TEST(test_zbox_bounds_per_channel);
    RUN_TEST(test_zbox_bounds_read_back);
    RUN_TEST(test_many_classes_from_one_forward_pass);
}

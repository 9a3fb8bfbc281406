/*
 * lrp_network_attribute, the gradient methods (SPEC.md "Gradient methods"): values computed
 * by hand on a two-layer ReLU network in both layouts, the gradient against finite
 * differences of the forward pass, zennit's reference results, sensitivity of an image
 * network against the channel norm of its gradient, SmoothGrad's seeding, integrated
 * gradients on networks where they are exact and their completeness on zennit's ReLU CNN;
 * then every error, each leaving `out` as it was.
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

/* ---- The hand network ---------------------------------------------------------------- */

/* x (2) -> Linear (z1 = x1 + 2 x2, z2 = -x1 + x2 + 0.5) -> Rect -> Linear W2 (2 x 2). */
static const double HAND_W1[4] = {1.0, -1.0, 2.0, 1.0};
static const double HAND_B1[2] = {0.0, 0.5};
static const double HAND_W2[4] = {1.0, -2.0, 3.0, 1.0};
static const double HAND_B2[2] = {0.0, 0.0};
/* Sample A = [2, 1]: z = [4, -0.5], only hidden unit 1 on. B = [1, 1]: z = [3, 0.5], both
 * on. Both explain output 2, so the hidden gradient is W2's column 2, dh = [-2, 1]. */
static const double HAND_X[4] = {2.0, 1.0, 1.0, 1.0};
static const double HAND_DY[4] = {0.0, 1.0, 0.0, 1.0};

static LrpNetwork *hand_net(void)
{
    LrpNetwork *net = lrp_network_new();
    if (!CHECK(net != NULL)) {
        return NULL;
    }
    if (!CHECK_OK(lrp_network_add_linear(net, 2, 2, HAND_W1, 4, HAND_B1, 2,
                                         LRP_LAYOUT_ROW_MAJOR, 0)) ||
        !CHECK_OK(lrp_network_add_rect(net)) ||
        !CHECK_OK(lrp_network_add_linear(net, 2, 2, HAND_W2, 4, HAND_B2, 2,
                                         LRP_LAYOUT_ROW_MAJOR, 0))) {
        lrp_network_free(net);
        return NULL;
    }
    return net;
}

/* lrp_network_attribute on a rank-2 batch of n x m, no baseline. */
static int32_t attribute2(const LrpNetwork *net, const double *x, size_t n, size_t m,
                          int32_t layout, const double *dy, size_t dy_len, const char *method,
                          double count, double sigma, double seed, double *out, size_t out_len)
{
    return lrp_network_attribute(net, x, n * m, 2, n, m, 0, 0, layout, dy, dy_len, method,
                                 count, sigma, seed, NULL, 0, out, out_len);
}

/* got and want agree to tol relative to 1 + |want|; names the first element that does not. */
static int close_to(const double *got, const double *want, size_t n, double tol, const char *what)
{
    size_t i, bad = n;
    for (i = 0; i < n && bad == n; i++) {
        if (!(fabs(got[i] - want[i]) <= tol * (1.0 + fabs(want[i])))) {
            bad = i;
        }
    }
    if (bad == n) {
        return CHECK(bad == n);
    }
    return CHECK_MSG(bad == n, "%s: element %lu is %.17g, expected %.17g", what,
                     (unsigned long)bad, got[bad], want[bad]);
}

static void test_hand_computed_methods_in_both_layouts(void)
{
    static const struct {
        const char *method;
        double want[4];
    } CASES[] = {
        /* A passes [-2, 0], dx = W1 [-2, 0]; B passes [-2, 1]. */
        {"gradient", {-2.0, -4.0, -3.0, -3.0}},
        {"input_x_gradient", {-4.0, -4.0, -3.0, -3.0}},
        {"sensitivity", {2.0, 4.0, 3.0, 3.0}}, /* dense input: |g| */
        {"guided_backprop", {0.0, 0.0, -1.0, 1.0}},
        {"deconvnet", {-1.0, 1.0, -1.0, 1.0}},
        {"Guided-Backprop", {0.0, 0.0, -1.0, 1.0}}, /* names as for rules: any case */
    };
    const size_t shape[2] = {2, 2};
    double out[4], x_col[4], dy_col[4], want_col[4];
    size_t k;
    LrpNetwork *net = hand_net();
    if (net == NULL) {
        return;
    }
    to_col_major(HAND_X, x_col, shape, 2);
    to_col_major(HAND_DY, dy_col, shape, 2);
    for (k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
        fill(out, 4, SENTINEL);
        CHECK_OK(attribute2(net, HAND_X, 2, 2, LRP_LAYOUT_ROW_MAJOR, HAND_DY, 4,
                            CASES[k].method, NAN, NAN, NAN, out, 4));
        close_to(out, CASES[k].want, 4, 1e-15, CASES[k].method);
        to_col_major(CASES[k].want, want_col, shape, 2);
        fill(out, 4, SENTINEL);
        CHECK_OK(attribute2(net, x_col, 2, 2, LRP_LAYOUT_COL_MAJOR, dy_col, 4, CASES[k].method,
                            NAN, NAN, NAN, out, 4));
        close_to(out, want_col, 4, 1e-15, CASES[k].method);
    }
    /* Stateless: no forward pass was cached, so lrp still asks for one. */
    CHECK_STATUS(lrp_network_lrp(net, HAND_DY, 4, LRP_LAYOUT_ROW_MAJOR, "simple", NAN, out, 4),
                 LRP_ERR_OUT_OF_ORDER);
    lrp_network_free(net);
}

/* f(x) = sum(dy .* forward(x)) for the small network. */
static double small_selected_output(LrpNetwork *net, const double *x, const double *dy)
{
    double y[SMALL_BATCH * SMALL_N], s = 0.0;
    size_t i;
    CHECK_OK(lrp_network_forward(net, x, SMALL_BATCH * SMALL_M, 2, SMALL_BATCH, SMALL_M, 0, 0,
                                 LRP_LAYOUT_ROW_MAJOR, 0, y, SMALL_BATCH * SMALL_N));
    for (i = 0; i < SMALL_BATCH * SMALL_N; i++) {
        s += dy[i] * y[i];
    }
    return s;
}

static void test_gradient_matches_finite_differences(void)
{
    static const double DY[SMALL_BATCH * SMALL_N] = {0.5, -1.0, 2.0, 1.0, 0.25, -0.5};
    double g[SMALL_BATCH * SMALL_M], x[SMALL_BATCH * SMALL_M];
    const double h = 1e-6;
    size_t i;
    LrpNetwork *net = small_net();
    if (net == NULL) {
        return;
    }
    CHECK_OK(attribute2(net, SMALL_X, SMALL_BATCH, SMALL_M, LRP_LAYOUT_ROW_MAJOR, DY,
                        SMALL_BATCH * SMALL_N, "gradient", NAN, NAN, NAN, g,
                        SMALL_BATCH * SMALL_M));
    /* Central differences are exact up to rounding where no unit switches within h. */
    for (i = 0; i < SMALL_BATCH * SMALL_M; i++) {
        double fp, fm;
        memcpy(x, SMALL_X, sizeof x);
        x[i] += h;
        fp = small_selected_output(net, x, DY);
        x[i] -= 2 * h;
        fm = small_selected_output(net, x, DY);
        CHECK_MSG(fabs((fp - fm) / (2 * h) - g[i]) <= 1e-6, "element %lu: %g vs %g",
                  (unsigned long)i, (fp - fm) / (2 * h), g[i]);
    }
    lrp_network_free(net);
}

static void test_zennit_reference_results(void)
{
    static const char *const METHODS[][2] = {
        {"gradient", "z_mlp_rect_gradient.npy"},
        {"guided_backprop", "z_mlp_rect_guided_backprop.npy"},
        {"deconvnet", "z_mlp_rect_deconvnet.npy"},
    };
    char path[TEST_PATH_LEN];
    NpyArray x = {0}, dy = {0}, want = {0};
    LrpNetwork *net;
    size_t k;
    zennit_path(path, "mlp_rect_nosoftmax.txt");
    net = lrp_network_read(path);
    if (!CHECK_MSG(net != NULL, "%s: %s", path, lrp_last_error())) {
        return;
    }
    if (load_zennit("z_mlp_rect_input.npy", &x) && load_zennit("z_mlp_rect_onehot.npy", &dy) &&
        CHECK(x.rank == 2)) {
        double *out = alloc_doubles(x.len);
        for (k = 0; k < 3; k++) {
            if (!load_zennit(METHODS[k][1], &want)) {
                continue;
            }
            fill(out, x.len, SENTINEL);
            CHECK_OK(attribute2(net, x.data, x.shape[0], x.shape[1], LRP_LAYOUT_ROW_MAJOR,
                                dy.data, dy.len, METHODS[k][0], NAN, NAN, NAN, out, x.len));
            CHECK(want.len == x.len && count_mismatches(out, want.data, x.len, METHODS[k][0]) == 0);
            npy_free(&want);
        }
        free(out);
    }
    npy_free(&x);
    npy_free(&dy);
    lrp_network_free(net);
}

/* ---- Image networks: sensitivity, SmoothGrad, integrated gradients ------------------- */

#define IMG_N 2
#define IMG_H 3
#define IMG_W 3
#define IMG_D 2
#define IMG_LEN (IMG_N * IMG_H * IMG_W * IMG_D)
#define IMG_PIXELS (IMG_N * IMG_H * IMG_W)
#define IMG_CLASSES 3

/* A deterministic pseudo-random value in [-1, 1) for index i and a salt. */
static double wobble(size_t i, unsigned salt)
{
    return sin(0.7 * (double)i + 1.3 * (double)salt) * 0.999;
}

/* Convolution 2 x 2 (2 -> 2 channels), Rect, Flatten, Linear (8 -> 3); with `rect` 0 the
 * Rect is left out and the network is affine. */
static LrpNetwork *image_net(int rect)
{
    double w[2 * 2 * IMG_D * 2], b[2] = {0.1, -0.1}, w2[8 * IMG_CLASSES], b2[IMG_CLASSES] = {0};
    size_t i;
    LrpNetwork *net = lrp_network_new();
    if (!CHECK(net != NULL)) {
        return NULL;
    }
    for (i = 0; i < sizeof w / sizeof w[0]; i++) {
        w[i] = wobble(i, 1);
    }
    for (i = 0; i < sizeof w2 / sizeof w2[0]; i++) {
        w2[i] = wobble(i, 2);
    }
    if (!CHECK_OK(lrp_network_add_convolution(net, 2, 2, IMG_D, 2, 1, 1, w, 2 * 2 * IMG_D * 2,
                                              b, 2, LRP_LAYOUT_ROW_MAJOR, 0)) ||
        (rect && !CHECK_OK(lrp_network_add_rect(net))) ||
        !CHECK_OK(lrp_network_add_flatten(net)) ||
        !CHECK_OK(lrp_network_add_linear(net, 8, IMG_CLASSES, w2, 8 * IMG_CLASSES, b2,
                                         IMG_CLASSES, LRP_LAYOUT_ROW_MAJOR, 0))) {
        lrp_network_free(net);
        return NULL;
    }
    return net;
}

static void image_input(double x[IMG_LEN], double dy[IMG_N * IMG_CLASSES], unsigned salt)
{
    size_t i;
    for (i = 0; i < IMG_LEN; i++) {
        x[i] = wobble(i, salt) * 2.0;
    }
    for (i = 0; i < IMG_N * IMG_CLASSES; i++) {
        dy[i] = (i % IMG_CLASSES) == (i / IMG_CLASSES) ? 1.0 : 0.0; /* one-hot of class n */
    }
}

static int32_t attribute_image(const LrpNetwork *net, const double *x, int32_t layout,
                               const double *dy, const char *method, double count,
                               double sigma, double seed, const double *baseline, double *out,
                               size_t out_len)
{
    return lrp_network_attribute(net, x, IMG_LEN, 4, IMG_N, IMG_H, IMG_W, IMG_D, layout, dy,
                                 IMG_N * IMG_CLASSES, method, count, sigma, seed, baseline,
                                 baseline == NULL ? 0 : IMG_LEN, out, out_len);
}

static void test_sensitivity_is_the_channel_norm_in_both_layouts(void)
{
    const size_t shape[4] = {IMG_N, IMG_H, IMG_W, IMG_D}, out_shape[4] = {IMG_N, IMG_H, IMG_W, 1};
    const size_t dy_shape[2] = {IMG_N, IMG_CLASSES};
    double x[IMG_LEN], dy[IMG_N * IMG_CLASSES], g[IMG_LEN], s[IMG_PIXELS], want[IMG_PIXELS];
    double x_col[IMG_LEN], dy_col[IMG_N * IMG_CLASSES], s_col[IMG_PIXELS], want_col[IMG_PIXELS];
    size_t p, c, nonzero = 0;
    LrpNetwork *net = image_net(1);
    if (net == NULL) {
        return;
    }
    image_input(x, dy, 3);
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "gradient", NAN, NAN, NAN, NULL,
                             g, IMG_LEN));
    /* The N x H x W x 1 result needs IMG_PIXELS doubles, not IMG_LEN. */
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "sensitivity", NAN, NAN, NAN,
                             NULL, s, IMG_PIXELS));
    for (p = 0; p < IMG_PIXELS; p++) {
        double sq = 0.0;
        for (c = 0; c < IMG_D; c++) {
            sq += g[p * IMG_D + c] * g[p * IMG_D + c];
        }
        want[p] = sqrt(sq);
        nonzero += sq > 0.0;
    }
    close_to(s, want, IMG_PIXELS, 1e-14, "sensitivity");
    CHECK_MSG(nonzero >= IMG_PIXELS / 2, "only %lu pixels have a gradient", (unsigned long)nonzero);
    to_col_major(x, x_col, shape, 4);
    to_col_major(dy, dy_col, dy_shape, 2);
    to_col_major(want, want_col, out_shape, 4);
    CHECK_OK(attribute_image(net, x_col, LRP_LAYOUT_COL_MAJOR, dy_col, "sensitivity", NAN, NAN,
                             NAN, NULL, s_col, IMG_PIXELS));
    close_to(s_col, want_col, IMG_PIXELS, 1e-14, "sensitivity, column-major");
    lrp_network_free(net);
}

static void test_smoothgrad_seeds_and_defaults(void)
{
    double x[IMG_LEN], dy[IMG_N * IMG_CLASSES], g[IMG_LEN], a[IMG_LEN], b[IMG_LEN], c[IMG_LEN];
    size_t differ;
    LrpNetwork *net = image_net(1), *affine = image_net(0);
    if (net == NULL || affine == NULL) {
        lrp_network_free(net);
        lrp_network_free(affine);
        return;
    }
    image_input(x, dy, 5);
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "gradient", NAN, NAN, NAN, NULL,
                             g, IMG_LEN));
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "smoothgrad", 8, 0.3, 7, NULL, a,
                             IMG_LEN));
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "smoothgrad", 8, 0.3, 7, NULL, b,
                             IMG_LEN));
    CHECK(count_bit_differences(a, b, IMG_LEN) == 0); /* same seed: the same bits */
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "smoothgrad", 8, 0.3, 8, NULL, c,
                             IMG_LEN));
    differ = count_bit_differences(a, c, IMG_LEN);
    CHECK_MSG(differ > IMG_LEN / 2, "another seed changed only %lu values", (unsigned long)differ);
    CHECK_MSG(count_bit_differences(a, g, IMG_LEN) > IMG_LEN / 2, "noise changes the gradient");
    /* No noise: the mean of identical gradients. */
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "smoothgrad", 5, 0.0, 7, NULL, c,
                             IMG_LEN));
    close_to(c, g, IMG_LEN, 1e-14, "smoothgrad, sigma 0");
    /* NaN parameters are the documented defaults: 50 copies, sigma 0.15, seed 0. */
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "smoothgrad", NAN, NAN, NAN, NULL,
                             a, IMG_LEN));
    CHECK_OK(attribute_image(net, x, LRP_LAYOUT_ROW_MAJOR, dy, "smoothgrad", 50, 0.15, 0, NULL,
                             b, IMG_LEN));
    CHECK(count_bit_differences(a, b, IMG_LEN) == 0);
    /* An affine network has the same gradient everywhere: noise cannot change it. */
    CHECK_OK(attribute_image(affine, x, LRP_LAYOUT_ROW_MAJOR, dy, "gradient", NAN, NAN, NAN,
                             NULL, g, IMG_LEN));
    CHECK_OK(attribute_image(affine, x, LRP_LAYOUT_ROW_MAJOR, dy, "smoothgrad", 6, 1.0, 3, NULL,
                             a, IMG_LEN));
    close_to(a, g, IMG_LEN, 1e-13, "smoothgrad of an affine network");
    lrp_network_free(net);
    lrp_network_free(affine);
}

/* Completeness of sample n: `*sum`, the sum of its `per` attributions, and `*diff`,
 * sum(dy .* (y - y0)) over its `classes` outputs (f(x) - f(x0) for what dy selects). */
static void completeness_terms(const double *attr, size_t per, const double *dy, const double *y,
                               const double *y0, size_t classes, size_t n, double *sum,
                               double *diff)
{
    size_t i;
    *sum = 0.0;
    *diff = 0.0;
    for (i = 0; i < per; i++) {
        *sum += attr[n * per + i];
    }
    for (i = 0; i < classes; i++) {
        *diff += dy[n * classes + i] * (y[n * classes + i] - y0[n * classes + i]);
    }
}

static void test_integrated_gradients_where_they_are_exact(void)
{
    static const double W[1] = {1.0}, B[1] = {-1.0}, X[1] = {3.0}, DY[1] = {1.0}, X0[1] = {2.0};
    double x[IMG_LEN], x0[IMG_LEN], dy[IMG_N * IMG_CLASSES], g[IMG_LEN], ig[IMG_LEN];
    double want[IMG_LEN], out = SENTINEL, y[IMG_N * IMG_CLASSES], y0[IMG_N * IMG_CLASSES];
    size_t i, n;
    LrpNetwork *relu = lrp_network_new(), *affine = image_net(0);
    /* f(x) = relu(x - 1), x = 3, zero baseline, 4 steps: gradients 0, 1, 1, 1 at 0.75,
     * 1.5, 2.25, 3, so 3 * 3/4 = 2.25 (the right Riemann sum; the integral is 2). */
    if (CHECK(relu != NULL) &&
        CHECK_OK(lrp_network_add_linear(relu, 1, 1, W, 1, B, 1, LRP_LAYOUT_ROW_MAJOR, 0)) &&
        CHECK_OK(lrp_network_add_rect(relu))) {
        CHECK_OK(attribute2(relu, X, 1, 1, LRP_LAYOUT_ROW_MAJOR, DY, 1, "integrated_gradients",
                            4, NAN, NAN, &out, 1));
        CHECK_MSG(fabs(out - 2.25) < 1e-15, "IG %.17g", out);
        /* From a baseline of 2 the path stays where f is linear: exactly f(3) - f(2) = 1. */
        CHECK_OK(lrp_network_attribute(relu, X, 1, 2, 1, 1, 0, 0, LRP_LAYOUT_ROW_MAJOR, DY, 1,
                                       "ig", 4, NAN, NAN, X0, 1, &out, 1));
        CHECK_MSG(fabs(out - 1.0) < 1e-15, "IG from 2: %.17g", out);
    }
    lrp_network_free(relu);
    if (affine == NULL) {
        return;
    }
    /* Affine: IG = (x - x0) .* gradient for any number of steps; sum = f(x) - f(x0). */
    image_input(x, dy, 7);
    for (i = 0; i < IMG_LEN; i++) {
        x0[i] = wobble(i, 8);
    }
    CHECK_OK(attribute_image(affine, x, LRP_LAYOUT_ROW_MAJOR, dy, "gradient", NAN, NAN, NAN,
                             NULL, g, IMG_LEN));
    CHECK_OK(attribute_image(affine, x, LRP_LAYOUT_ROW_MAJOR, dy, "integrated_gradients", 3, NAN,
                             NAN, x0, ig, IMG_LEN));
    for (i = 0; i < IMG_LEN; i++) {
        want[i] = (x[i] - x0[i]) * g[i];
    }
    close_to(ig, want, IMG_LEN, 1e-12, "IG of an affine network");
    CHECK_OK(lrp_network_forward(affine, x, IMG_LEN, 4, IMG_N, IMG_H, IMG_W, IMG_D,
                                 LRP_LAYOUT_ROW_MAJOR, 0, y, IMG_N * IMG_CLASSES));
    CHECK_OK(lrp_network_forward(affine, x0, IMG_LEN, 4, IMG_N, IMG_H, IMG_W, IMG_D,
                                 LRP_LAYOUT_ROW_MAJOR, 0, y0, IMG_N * IMG_CLASSES));
    for (n = 0; n < IMG_N; n++) {
        double sum, diff;
        completeness_terms(ig, IMG_LEN / IMG_N, dy, y, y0, IMG_CLASSES, n, &sum, &diff);
        CHECK_MSG(fabs(sum - diff) <= 1e-12 * (1.0 + fabs(diff)), "sample %lu: %.17g vs %.17g",
                  (unsigned long)n, sum, diff);
    }
    lrp_network_free(affine);
}

/* zennit's small ReLU CNN (conv, Rect, MaxPool twice, then Linear) on its 8 MNIST-like
 * inputs, whose flat background ties whole MaxPool windows: each sample's integrated
 * gradients at 64 steps from zeros sum to within 1 % of f(x) - f(0) (measured worst
 * 0.80 %). */
static void test_integrated_gradients_complete_on_the_zennit_relu_cnn(void)
{
    char path[TEST_PATH_LEN];
    NpyArray x = {0}, dy = {0};
    LrpNetwork *net;
    size_t n;
    zennit_path(path, "cnn_relu.txt");
    net = lrp_network_read(path);
    if (!CHECK_MSG(net != NULL, "%s: %s", path, lrp_last_error())) {
        return;
    }
    if (load_zennit("z_cnn_relu_input.npy", &x) && load_zennit("z_cnn_relu_onehot.npy", &dy) &&
        CHECK(x.rank == 4 && dy.rank == 2 && dy.shape[0] == x.shape[0])) {
        size_t per = x.len / x.shape[0], classes = dy.shape[1];
        double *zeros = alloc_doubles(x.len), *ig = alloc_doubles(x.len);
        double *y = alloc_doubles(dy.len), *y0 = alloc_doubles(dy.len);
        fill(zeros, x.len, 0.0);
        if (CHECK_OK(lrp_network_forward(net, x.data, x.len, 4, x.shape[0], x.shape[1],
                                         x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR, 0, y,
                                         dy.len)) &&
            CHECK_OK(lrp_network_forward(net, zeros, x.len, 4, x.shape[0], x.shape[1],
                                         x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR, 0, y0,
                                         dy.len)) &&
            CHECK_OK(lrp_network_attribute(net, x.data, x.len, 4, x.shape[0], x.shape[1],
                                           x.shape[2], x.shape[3], LRP_LAYOUT_ROW_MAJOR, dy.data,
                                           dy.len, "integrated_gradients", 64, NAN, NAN, NULL, 0,
                                           ig, x.len))) {
            for (n = 0; n < x.shape[0]; n++) {
                double sum, diff;
                completeness_terms(ig, per, dy.data, y, y0, classes, n, &sum, &diff);
                CHECK_MSG(fabs(diff) > 0.1 && fabs(sum - diff) <= 0.01 * fabs(diff),
                          "sample %lu: sum %.17g, f(x) - f(0) = %.17g", (unsigned long)n, sum,
                          diff);
            }
        }
        free(zeros);
        free(ig);
        free(y);
        free(y0);
    }
    npy_free(&x);
    npy_free(&dy);
    lrp_network_free(net);
}

/* ---- Errors -------------------------------------------------------------------------- */

#define HX_LEN 4

/* The hand network's call with one argument changed; `out` must stay SENTINEL. */
#define CHECK_ATTRIBUTE_FAILS(call, want, ...)                                               \
    do {                                                                                     \
        fill(out, HX_LEN, SENTINEL);                                                         \
        CHECK_FAILS(call, want, "lrp_network_attribute", __VA_ARGS__);                       \
        CHECK(all_equal_to(out, HX_LEN, SENTINEL));                                          \
    } while (0)

static void test_every_error_leaves_out_alone(void)
{
    static const double NAN_X[4] = {2.0, 1.0, NAN, 1.0};
    double out[HX_LEN];
    const double *x = HAND_X, *dy = HAND_DY;
    const int32_t row = LRP_LAYOUT_ROW_MAJOR;
    LrpNetwork *net = hand_net();
    if (net == NULL) {
        return;
    }
    /* NULL pointers. */
    CHECK_ATTRIBUTE_FAILS(attribute2(NULL, x, 2, 2, row, dy, 4, "gradient", NAN, NAN, NAN, out,
                                     4),
                          LRP_ERR_NULL_ARGUMENT, "net is NULL");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, NULL, 2, 2, row, dy, 4, "gradient", NAN, NAN, NAN, out,
                                     4),
                          LRP_ERR_NULL_ARGUMENT, "x is NULL");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, NULL, 4, "gradient", NAN, NAN, NAN, out,
                                     4),
                          LRP_ERR_NULL_ARGUMENT, "dy is NULL");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, NULL, NAN, NAN, NAN, out, 4),
                          LRP_ERR_NULL_ARGUMENT, "method is NULL");
    CHECK_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "gradient", NAN, NAN, NAN, NULL, 4),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_attribute", "out is NULL");
    /* Names and parameters. */
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "saliency", NAN, NAN, NAN, out, 4),
                          LRP_ERR_UNKNOWN_RULE, "unknown gradient method 'saliency'",
                          "integrated_gradients");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "smoothgrad", 0, NAN, NAN, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "samples", "at least 1", "given 0");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "ig", 0, NAN, NAN, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "steps", "at least 1", "given 0");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "ig", -3, NAN, NAN, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "count (smoothgrad's samples",
                          "must be a whole number >= 0", "given -3");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "ig", 2.5, NAN, NAN, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "count", "given 2.5");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "smoothgrad", INFINITY, NAN, NAN,
                                     out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "count", "given inf");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "smoothgrad", 4, -0.5, NAN, out,
                                     4),
                          LRP_ERR_INVALID_ARGUMENT, "sigma", "-0.5");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "smoothgrad", 4, INFINITY, NAN,
                                     out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "sigma", "inf");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "smoothgrad", 4, 0.1, -1, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "seed must be a whole number", "given -1");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "smoothgrad", 4, 0.1, 0.5, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "seed", "given 0.5");
    /* Baselines: only integrated_gradients takes one, shaped like x. */
    CHECK_ATTRIBUTE_FAILS(lrp_network_attribute(net, x, 4, 2, 2, 2, 0, 0, row, dy, 4, "gradient",
                                                NAN, NAN, NAN, x, 4, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "baseline",
                          "only integrated_gradients takes a baseline");
    CHECK_ATTRIBUTE_FAILS(lrp_network_attribute(net, x, 4, 2, 2, 2, 0, 0, row, dy, 4, "ig", NAN,
                                                NAN, NAN, x, 3, out, 4),
                          LRP_ERR_SHAPE_MISMATCH, "baseline has 3 elements, expected 4");
    CHECK_ATTRIBUTE_FAILS(lrp_network_attribute(net, x, 4, 2, 2, 2, 0, 0, row, dy, 4, "ig", NAN,
                                                NAN, NAN, NAN_X, 4, out, 4),
                          LRP_ERR_NON_FINITE, "baseline", "[1, 0]");
    /* Lengths, shapes, layout, rank, values. */
    CHECK_ATTRIBUTE_FAILS(lrp_network_attribute(net, x, 3, 2, 2, 2, 0, 0, row, dy, 4, "gradient",
                                                NAN, NAN, NAN, NULL, 0, out, 4),
                          LRP_ERR_SHAPE_MISMATCH, "x has 3 elements, expected 4");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 3, "gradient", NAN, NAN, NAN, out, 4),
                          LRP_ERR_SHAPE_MISMATCH, "dy has 3 elements, expected 4");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, dy, 4, "gradient", NAN, NAN, NAN, out, 3),
                          LRP_ERR_SHAPE_MISMATCH, "out has 3 elements, expected 4");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 1, 4, row, dy, 4, "gradient", NAN, NAN, NAN, out, 4),
                          LRP_ERR_SHAPE_MISMATCH, "input of layer 1 (Linear)", "given [1 x 4]");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, 7, dy, 4, "gradient", NAN, NAN, NAN, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "layout must be");
    CHECK_ATTRIBUTE_FAILS(lrp_network_attribute(net, x, 4, 5, 2, 2, 1, 1, row, dy, 4, "gradient",
                                                NAN, NAN, NAN, NULL, 0, out, 4),
                          LRP_ERR_INVALID_ARGUMENT, "rank must be 1 to 4, given 5");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, NAN_X, 2, 2, row, dy, 4, "smoothgrad", 2, 0.1, 0, out,
                                     4),
                          LRP_ERR_NON_FINITE, "input", "[1, 0]");
    CHECK_ATTRIBUTE_FAILS(attribute2(net, x, 2, 2, row, NAN_X, 4, "ig", 2, NAN, NAN, out, 4),
                          LRP_ERR_NON_FINITE, "gradient dy", "[1, 0]");
    lrp_network_free(net);
}

void suite_gradient_methods(void)
{
    RUN_TEST(test_hand_computed_methods_in_both_layouts);
    RUN_TEST(test_gradient_matches_finite_differences);
    RUN_TEST(test_zennit_reference_results);
    RUN_TEST(test_sensitivity_is_the_channel_norm_in_both_layouts);
    RUN_TEST(test_smoothgrad_seeds_and_defaults);
    RUN_TEST(test_integrated_gradients_where_they_are_exact);
    RUN_TEST(test_integrated_gradients_complete_on_the_zennit_relu_cnn);
    RUN_TEST(test_every_error_leaves_out_alone);
}

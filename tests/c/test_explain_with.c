/*
 * The second edition of the C API (issue 13): arrays as data, dims and rank
 * (lrp_network_predict, lrp_network_output_dims), the explain options handle
 * (lrp_explain_options_*) and lrp_network_explain_with / lrp_network_explain_dims.
 *
 * test_golden_onnx_manifest reads ../shared/golden-onnx/manifest.json and runs every case
 * (forward, gradient, input_x_gradient, LRP composites with their canonizers) through the
 * new exports only, N x C x H x W row-major. The other tests compare the new calls with
 * the first edition's on small networks (column-major, several classes, class sets, the
 * gradient methods) and check every failure path: NULLs, bad dims, element counts, unknown
 * options, bad values, contradicting options, with outputs left untouched.
 */
/* pthreads are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include "fixtures.h"
#include "harness.h"
#include "lrp.h"
#include "npy.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* zennit stabilises with 1e-6: the manifest's tolerance (checked against the file). */
#define ONNX_RTOL 1e-4
#define ONNX_ATOL 1e-9

/* ---- A minimal reader of the manifest's "cases": flat objects of strings and numbers -- */

#define FIELD_LEN 128

typedef struct {
    char name[FIELD_LEN], op[FIELD_LEN], model[FIELD_LEN], input[FIELD_LEN];
    char expected[FIELD_LEN], gradient[FIELD_LEN], relevance[FIELD_LEN];
    char canonizer[FIELD_LEN], composite[FIELD_LEN], layout[FIELD_LEN];
    double epsilon, gamma, low, high; /* NaN when absent */
} OnnxCase;

#define MAX_CASES 64

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
        p++;
    }
    return p;
}

/* A JSON string without escapes at `p` (after its opening quote) into `out`; returns the
 * position after the closing quote, or NULL. */
static const char *read_string(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    while (*p != '"') {
        if (*p == '\0' || *p == '\\' || n + 1 >= cap) {
            return NULL;
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    return p + 1;
}

static void set_field(OnnxCase *c, const char *key, const char *text, double number, int is_text)
{
    static const struct {
        const char *key;
        size_t offset;
    } TEXT[] = {
        {"name", offsetof(OnnxCase, name)},           {"op", offsetof(OnnxCase, op)},
        {"model", offsetof(OnnxCase, model)},         {"input", offsetof(OnnxCase, input)},
        {"expected", offsetof(OnnxCase, expected)},   {"gradient", offsetof(OnnxCase, gradient)},
        {"relevance", offsetof(OnnxCase, relevance)}, {"canonizer", offsetof(OnnxCase, canonizer)},
        {"composite", offsetof(OnnxCase, composite)}, {"layout", offsetof(OnnxCase, layout)},
    };
    size_t k;
    if (is_text) {
        for (k = 0; k < sizeof TEXT / sizeof TEXT[0]; k++) {
            if (strcmp(key, TEXT[k].key) == 0) {
                snprintf((char *)c + TEXT[k].offset, FIELD_LEN, "%s", text);
            }
        }
        return;
    }
    if (strcmp(key, "epsilon") == 0) {
        c->epsilon = number;
    } else if (strcmp(key, "gamma") == 0) {
        c->gamma = number;
    } else if (strcmp(key, "low") == 0) {
        c->low = number;
    } else if (strcmp(key, "high") == 0) {
        c->high = number;
    }
}

/* Parses the "cases" array of `json`; returns the number of cases, or -1 (with a failed
 * check naming the position) when the text is not what this reader understands. */
static int parse_cases(const char *json, OnnxCase *cases, int cap)
{
    const char *p = strstr(json, "\"cases\"");
    int n = 0;
    if (!CHECK_MSG(p != NULL, "manifest.json has no \"cases\"")) {
        return -1;
    }
    p = skip_space(p + 7);
    if (!CHECK(*p == ':')) {
        return -1;
    }
    p = skip_space(p + 1);
    if (!CHECK(*p == '[')) {
        return -1;
    }
    p = skip_space(p + 1);
    while (*p != ']') {
        OnnxCase *c;
        if (!CHECK_MSG(*p == '{' && n < cap, "manifest.json: a case expected at offset %ld",
                       (long)(p - json))) {
            return -1;
        }
        c = &cases[n++];
        memset(c, 0, sizeof *c);
        c->epsilon = c->gamma = c->low = c->high = NAN;
        p = skip_space(p + 1);
        while (*p != '}') {
            char key[FIELD_LEN], text[FIELD_LEN];
            if (!CHECK_MSG(*p == '"', "manifest.json: a key expected at offset %ld",
                           (long)(p - json)) ||
                (p = read_string(p + 1, key, sizeof key)) == NULL) {
                return -1;
            }
            p = skip_space(p);
            if (!CHECK(*p == ':')) {
                return -1;
            }
            p = skip_space(p + 1);
            if (*p == '"') {
                if (!CHECK((p = read_string(p + 1, text, sizeof text)) != NULL)) {
                    return -1;
                }
                set_field(c, key, text, 0, 1);
            } else {
                char *end;
                double v = strtod(p, &end);
                if (!CHECK_MSG(end != p, "manifest.json: key %s has neither a string nor a "
                                         "number", key)) {
                    return -1;
                }
                set_field(c, key, NULL, v, 0);
                p = end;
            }
            p = skip_space(p);
            if (*p == ',') {
                p = skip_space(p + 1);
            }
        }
        p = skip_space(p + 1);
        if (*p == ',') {
            p = skip_space(p + 1);
        }
    }
    return n;
}

/* The whole file at `path` as a NUL-terminated string (malloc'ed), or NULL. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long len;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }
    text = malloc((size_t)len + 1);
    if (text != NULL && fread(text, 1, (size_t)len, f) != (size_t)len) {
        free(text);
        text = NULL;
    }
    if (text != NULL) {
        text[len] = '\0';
    }
    fclose(f);
    return text;
}

/* The cases the library meets only normwise: max |got - want| <= bound max |want| (the
 * README's "Known deviation"; the bounds of tests/golden.rs and test_beyond_toolbox.c). */
static double normwise_bound(const char *name)
{
    static const struct {
        const char *name;
        double bound;
    } NORMWISE[] = {
        {"vgg_bn/lrp/epsilon_plus", 2e-6},
        {"vgg_bn/lrp/epsilon_alpha2_beta1", 5e-6},
        {"vgg_bn/lrp/epsilon_gamma_box", 5e-6},
        {"resnet_tiny/lrp/epsilon_alpha2_beta1", 2e-5},
        {"resnet_tiny/lrp/epsilon_gamma_box", 2e-5},
    };
    size_t k;
    for (k = 0; k < sizeof NORMWISE / sizeof NORMWISE[0]; k++) {
        if (strcmp(name, NORMWISE[k].name) == 0) {
            return NORMWISE[k].bound;
        }
    }
    return 0;
}

/* Compares `got` with `want` as the case demands; `how` names the variant. */
static void compare_case(const char *name, const char *how, const double *got, const NpyArray *want)
{
    double bound = normwise_bound(name);
    size_t i, bad = 0;
    if (bound > 0) {
        double worst = 0, scale = 0;
        for (i = 0; i < want->len; i++) {
            double d = fabs(got[i] - want->data[i]);
            worst = (d > worst || d != d) ? d : worst;
            scale = fabs(want->data[i]) > scale ? fabs(want->data[i]) : scale;
        }
        CHECK_MSG(worst <= bound * scale, "%s (%s): normwise error %g, bound %g", name, how,
                  worst / scale, bound);
        return;
    }
    for (i = 0; i < want->len; i++) {
        if (!(fabs(got[i] - want->data[i]) <= ONNX_ATOL + ONNX_RTOL * fabs(want->data[i]))) {
            if (bad < 3) {
                printf("  %s (%s): [%zu] got %.17g, want %.17g\n", name, how, i, got[i],
                       want->data[i]);
            }
            bad++;
        }
    }
    CHECK_MSG(bad == 0, "%s (%s): %zu of %zu values off", name, how, bad, want->len);
}

static int load_onnx_npy(const char *name, NpyArray *out)
{
    char path[TEST_PATH_LEN];
    char err[TEST_PATH_LEN + 256];
    onnx_path(path, name);
    return CHECK_MSG(npy_read(path, out, err, sizeof err) == 0, "%s", err);
}

/* Per sample, the index of the largest |value| of an N x C array (the class a one-hot or a
 * masked output marks). */
static void marked_classes(const NpyArray *a, int32_t *classes)
{
    size_t s, k, c = a->shape[1];
    for (s = 0; s < a->shape[0]; s++) {
        size_t best = 0;
        for (k = 1; k < c; k++) {
            if (fabs(a->data[s * c + k]) > fabs(a->data[s * c + best])) {
                best = k;
            }
        }
        classes[s] = (int32_t)best;
    }
}

/* The dims of `x` as size_t, as the new calls take them. */
static void dims_of(const NpyArray *x, size_t *dims)
{
    int k;
    for (k = 0; k < x->rank; k++) {
        dims[k] = x->shape[k];
    }
}

/* The same models as LRP_TEST_ONNX_MODELS allows in test_beyond_toolbox.c. */
static int onnx_model_wanted(const char *model)
{
    const char *only = getenv("LRP_TEST_ONNX_MODELS");
    char prefix[FIELD_LEN];
    char *dot;
    snprintf(prefix, sizeof prefix, "%s", model);
    dot = strchr(prefix, '.');
    if (dot != NULL) {
        *dot = '\0';
    }
    return only == NULL || strstr(only, prefix) != NULL;
}

/* One case of the manifest through the new exports on `net`. */
static void run_onnx_case(LrpNetwork *net, const OnnxCase *c)
{
    NpyArray x = {0}, want = {0}, start = {0};
    size_t x_dims[4], out_dims[8];
    int32_t out_rank = -1, classes[64];
    double *got = NULL;
    LrpExplainOptions *opts = NULL;
    int is_lrp = strcmp(c->op, "lrp") == 0;
    CHECK_MSG(strcmp(c->layout, "NCHW") == 0, "%s: layout %s", c->name, c->layout);
    if (!load_onnx_npy(c->input, &x) || !load_onnx_npy(c->expected, &want)) {
        goto done;
    }
    dims_of(&x, x_dims);
    if (strcmp(c->op, "forward") == 0) {
        if (CHECK_OK(lrp_network_output_dims(net, x_dims, x.rank, out_dims, 8, &out_rank)) &&
            CHECK_MSG(out_rank == want.rank && out_dims[0] == want.shape[0] &&
                          out_dims[1] == want.shape[1],
                      "%s: output dims of rank %d", c->name, out_rank)) {
            got = alloc_doubles(want.len);
            if (CHECK_OK(lrp_network_predict(net, x.data, x_dims, x.rank, LRP_LAYOUT_ROW_MAJOR,
                                             got, want.len))) {
                compare_case(c->name, "lrp_network_predict", got, &want);
            }
        }
        goto done;
    }
    if (!CHECK_MSG(is_lrp || strcmp(c->op, "gradient") == 0 ||
                       strcmp(c->op, "input_x_gradient") == 0,
                   "%s: unknown op %s", c->name, c->op) ||
        !load_onnx_npy(is_lrp ? c->relevance : c->gradient, &start) ||
        !CHECK(start.rank == 2 && start.shape[0] == x.shape[0] && start.shape[0] <= 64)) {
        goto done;
    }
    marked_classes(&start, classes);
    opts = lrp_explain_options_new();
    if (!CHECK(opts != NULL)) {
        goto done;
    }
    CHECK_OK(lrp_explain_options_set_str(opts, "method", is_lrp ? "lrp" : c->op));
    if (is_lrp) {
        CHECK_OK(lrp_explain_options_set_str(opts, "composite", c->composite));
        CHECK_OK(lrp_explain_options_set_str(opts, "canonizers", c->canonizer));
        CHECK_OK(lrp_explain_options_set_str(opts, "convention", "zennit"));
        CHECK_OK(lrp_explain_options_set(opts, "epsilon", c->epsilon));
        CHECK_OK(lrp_explain_options_set(opts, "gamma", c->gamma));
        CHECK_OK(lrp_explain_options_set(opts, "low", c->low));
        CHECK_OK(lrp_explain_options_set(opts, "high", c->high));
    }
    CHECK_OK(lrp_explain_options_set_classes(opts, classes, x.shape[0]));
    if (CHECK_OK(lrp_network_explain_dims(net, opts, x_dims, x.rank, out_dims, 8, &out_rank)) &&
        CHECK_MSG(out_rank == x.rank && memcmp(out_dims, x_dims, sizeof(size_t) * 4) == 0 &&
                      want.len == x.len,
                  "%s: result dims of rank %d", c->name, out_rank)) {
        got = alloc_doubles(x.len);
        if (CHECK_OK(lrp_network_explain_with(net, opts, x.data, x_dims, x.rank, got, x.len))) {
            compare_case(c->name, "classes", got, &want);
        }
        /* The same from the manifest's own start array (R0, or the one-hot dy). */
        fill(got, x.len, SENTINEL);
        CHECK_OK(lrp_explain_options_set_classes(opts, NULL, 0));
        CHECK_OK(lrp_explain_options_set_array(opts, "start", start.data, start.shape,
                                               start.rank));
        if (CHECK_OK(lrp_network_explain_with(net, opts, x.data, x_dims, x.rank, got, x.len))) {
            compare_case(c->name, "start array", got, &want);
        }
    }
done:
    lrp_explain_options_free(opts);
    free(got);
    npy_free(&x);
    npy_free(&want);
    npy_free(&start);
}

static void test_golden_onnx_manifest(void)
{
    char path[TEST_PATH_LEN], loaded[FIELD_LEN] = "";
    static OnnxCase cases[MAX_CASES];
    char *json;
    int n, k, ran = 0, lrp = 0, gradient = 0, forward = 0;
    LrpNetwork *net = NULL;
    onnx_path(path, "manifest.json");
    json = read_text(path);
    if (!CHECK_MSG(json != NULL, "cannot read %s", path)) {
        return;
    }
    CHECK_MSG(strstr(json, "\"rtol\": 0.0001") != NULL && strstr(json, "\"atol\": 1e-09") != NULL,
              "the manifest's tolerance changed: update ONNX_RTOL and ONNX_ATOL");
    n = parse_cases(json, cases, MAX_CASES);
    free(json);
    CHECK_MSG(n >= 12, "%d cases in the manifest", n);
    for (k = 0; k < n; k++) {
        const OnnxCase *c = &cases[k];
        if (!onnx_model_wanted(c->model)) {
            continue;
        }
        if (strcmp(loaded, c->model) != 0) {
            lrp_network_free(net);
            onnx_path(path, c->model);
            net = lrp_network_read(path);
            snprintf(loaded, sizeof loaded, "%s", c->model);
            if (!CHECK_MSG(net != NULL, "%s: %s", c->model, lrp_last_error())) {
                loaded[0] = '\0';
                continue;
            }
        }
        run_onnx_case(net, c);
        ran++;
        lrp += strcmp(c->op, "lrp") == 0;
        gradient += strstr(c->op, "gradient") != NULL;
        forward += strcmp(c->op, "forward") == 0;
    }
    lrp_network_free(net);
    CHECK_MSG(ran > 0 && lrp > 0 && gradient > 0 && forward > 0,
              "%d cases ran (%d lrp, %d gradient, %d forward)", ran, lrp, gradient, forward);
    printf("  golden-onnx: %d of %d manifest cases (%d forward, %d gradient, %d lrp)%s\n", ran, n,
           forward, gradient, lrp, ran < n ? " (LRP_TEST_ONNX_MODELS)" : "");
}

/* ---- The new calls against the first edition's on small networks --------------------- */

/* LeNet-5 on its golden input (N x 32 x 32 x 1, a toolbox model: channels last). */
typedef struct {
    LrpNetwork *net;
    NpyArray x;
    size_t dims[4];
    size_t n, c;
} Lenet;

static int lenet_open(Lenet *l)
{
    memset(l, 0, sizeof *l);
    l->net = read_golden_model("lenet5.txt");
    if (l->net == NULL || !load_golden("lenet5_input.npy", &l->x) || !CHECK(l->x.rank == 4)) {
        lrp_network_free(l->net);
        npy_free(&l->x);
        return 0;
    }
    dims_of(&l->x, l->dims);
    l->n = l->x.shape[0];
    l->c = 10;
    return 1;
}

static void lenet_close(Lenet *l)
{
    lrp_network_free(l->net);
    npy_free(&l->x);
}

/* Dims queries: sequences, the rank alone, trailing singleton dims, sensitivity, "each". */
static void test_dims_queries(void)
{
    Lenet l;
    size_t dims[8], three[3], out[8];
    int32_t rank = -1;
    LrpExplainOptions *opts;
    int32_t classes[3] = {1, 4, 7};
    if (!lenet_open(&l)) {
        return;
    }
    CHECK_OK(lrp_network_output_dims(l.net, l.dims, 4, dims, 8, &rank));
    CHECK(rank == 2 && dims[0] == l.n && dims[1] == l.c);
    /* The rank alone. */
    rank = -1;
    CHECK_OK(lrp_network_output_dims(l.net, l.dims, 4, NULL, 0, &rank));
    CHECK(rank == 2);
    /* MATLAB's size() of an N x 32 x 32 x 1 batch: [N 32 32]. */
    three[0] = l.n;
    three[1] = 32;
    three[2] = 32;
    CHECK_OK(lrp_network_output_dims(l.net, three, 3, dims, 2, &rank));
    CHECK(rank == 2 && dims[0] == l.n && dims[1] == l.c);
    opts = lrp_explain_options_new();
    CHECK_OK(lrp_network_explain_dims(l.net, opts, l.dims, 4, out, 8, &rank));
    CHECK(rank == 4 && memcmp(out, l.dims, 4 * sizeof(size_t)) == 0);
    CHECK_OK(lrp_network_explain_dims(l.net, NULL, l.dims, 4, out, 8, &rank));
    CHECK(rank == 4 && memcmp(out, l.dims, 4 * sizeof(size_t)) == 0);
    CHECK_OK(lrp_explain_options_set_str(opts, "method", "sensitivity"));
    CHECK_OK(lrp_network_explain_dims(l.net, opts, l.dims, 4, out, 8, &rank));
    CHECK(rank == 4 && out[0] == l.n && out[1] == 32 && out[2] == 32 && out[3] == 1);
    CHECK_OK(lrp_explain_options_set_str(opts, "method", "lrp"));
    CHECK_OK(lrp_explain_options_set_classes(opts, classes, 3));
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", "each"));
    CHECK_OK(lrp_network_explain_dims(l.net, opts, l.dims, 4, out, 8, &rank));
    CHECK(rank == 5 && out[0] == 3 && out[1] == l.n && out[4] == 1);
    CHECK_OK(lrp_explain_options_set(opts, "layout", LRP_LAYOUT_COL_MAJOR));
    CHECK_OK(lrp_network_explain_dims(l.net, opts, l.dims, 4, out, 8, &rank));
    CHECK(rank == 5 && out[0] == l.n && out[3] == 1 && out[4] == 3);
    lrp_explain_options_free(opts);
    lenet_close(&l);
}

/* lrp_network_predict equals lrp_network_forward, in both layouts. */
static void test_predict_equals_forward(void)
{
    Lenet l;
    double *y_old, *y_new, *x_col, *y_col;
    size_t y_dims[2];
    if (!lenet_open(&l)) {
        return;
    }
    y_old = alloc_doubles(l.n * l.c);
    y_new = alloc_doubles(l.n * l.c);
    y_col = alloc_doubles(l.n * l.c);
    x_col = alloc_doubles(l.x.len);
    CHECK_OK(lrp_network_forward(l.net, l.x.data, l.x.len, 4, l.dims[0], l.dims[1], l.dims[2],
                                 l.dims[3], LRP_LAYOUT_ROW_MAJOR, 0, y_old, l.n * l.c));
    CHECK_OK(lrp_network_predict(l.net, l.x.data, l.dims, 4, LRP_LAYOUT_ROW_MAJOR, y_new,
                                 l.n * l.c));
    CHECK(count_bit_differences(y_old, y_new, l.n * l.c) == 0);
    to_col_major(l.x.data, x_col, l.dims, 4);
    CHECK_OK(lrp_network_predict(l.net, x_col, l.dims, 4, LRP_LAYOUT_COL_MAJOR, y_col,
                                 l.n * l.c));
    y_dims[0] = l.n;
    y_dims[1] = l.c;
    to_col_major(y_old, y_new, y_dims, 2);
    CHECK(count_bit_differences(y_col, y_new, l.n * l.c) == 0);
    free(y_old);
    free(y_new);
    free(y_col);
    free(x_col);
    lenet_close(&l);
}

/* explain_with equals the first edition's explain, explain_classes, explain_class_set and
 * attribute for the same rule, classes and parameters; the top class is each sample's
 * argmax; column-major results are the row-major ones in Fortran order. */
static void test_explain_with_equals_first_edition(void)
{
    Lenet l;
    LrpExplainOptions *opts;
    double *old, *got, *y, *col, *dy;
    size_t m, s, k;
    int32_t per_sample[16], set[2] = {3, 8};
    if (!lenet_open(&l)) {
        return;
    }
    m = l.x.len;
    old = alloc_doubles(2 * m);
    got = alloc_doubles(2 * m);
    col = alloc_doubles(m);
    y = alloc_doubles(l.n * l.c);
    dy = alloc_doubles(l.n * l.c);
    opts = lrp_explain_options_new();
    if (!CHECK(l.n <= 16) || !CHECK(opts != NULL)) {
        goto done;
    }
    /* The top class of each sample. */
    CHECK_OK(lrp_network_predict(l.net, l.x.data, l.dims, 4, LRP_LAYOUT_ROW_MAJOR, y, l.n * l.c));
    for (s = 0; s < l.n; s++) {
        size_t best = 0;
        for (k = 1; k < l.c; k++) {
            best = y[s * l.c + k] > y[s * l.c + best] ? k : best;
        }
        per_sample[s] = (int32_t)best;
    }
    CHECK_OK(lrp_network_explain(l.net, l.x.data, m, 4, l.dims[0], l.dims[1], l.dims[2],
                                 l.dims[3], LRP_LAYOUT_ROW_MAJOR, per_sample, l.n, "epsilon",
                                 0.1, old, m));
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", "epsilon"));
    CHECK_OK(lrp_explain_options_set(opts, "parameter", 0.1));
    /* Default targets: the top class. */
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, got, m));
    CHECK_MSG(count_bit_differences(old, got, m) == 0, "top class against lrp_network_explain");
    /* Explicit per-sample classes. */
    CHECK_OK(lrp_explain_options_set_classes(opts, per_sample, l.n));
    fill(got, m, SENTINEL);
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, got, m));
    CHECK(count_bit_differences(old, got, m) == 0);
    /* Column-major: the same map in Fortran order. */
    CHECK_OK(lrp_explain_options_set_str(opts, "layout", "col_major"));
    to_col_major(l.x.data, col, l.dims, 4);
    CHECK_OK(lrp_network_explain_with(l.net, opts, col, l.dims, 4, got, m));
    to_col_major(old, col, l.dims, 4);
    CHECK_MSG(count_bit_differences(col, got, m) == 0, "column-major map");
    CHECK_OK(lrp_explain_options_set_str(opts, "layout", ""));
    /* Two classes, each explained for every sample: two maps one after the other. */
    CHECK_OK(lrp_network_explain_classes(l.net, l.x.data, m, 4, l.dims[0], l.dims[1], l.dims[2],
                                         l.dims[3], LRP_LAYOUT_ROW_MAJOR, set, 2, "epsilon", 0.1,
                                         old, 2 * m));
    CHECK_OK(lrp_explain_options_set_classes(opts, set, 2));
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", "each"));
    /* One short of two maps: refused, nothing written. */
    fill(got, 2 * m, SENTINEL);
    CHECK_FAILS(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, got, 2 * m - 1),
                LRP_ERR_SHAPE_MISMATCH, "lrp_network_explain_with", "out");
    CHECK(all_equal_to(got, 2 * m, SENTINEL));
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, got, 2 * m));
    CHECK_MSG(count_bit_differences(old, got, 2 * m) == 0, "targets each");
    /* The class set. */
    CHECK_OK(lrp_network_explain_class_set(l.net, l.x.data, m, 4, l.dims[0], l.dims[1],
                                           l.dims[2], l.dims[3], LRP_LAYOUT_ROW_MAJOR, set, 2,
                                           "epsilon", 0.1, old, m));
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", "set"));
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, got, m));
    CHECK_MSG(count_bit_differences(old, got, m) == 0, "targets set");
    /* SmoothGrad with its samples, noise and seed, against lrp_network_attribute. */
    fill(dy, l.n * l.c, 0.0);
    for (s = 0; s < l.n; s++) {
        dy[s * l.c + (size_t)per_sample[s]] = 1.0;
    }
    CHECK_OK(lrp_network_attribute(l.net, l.x.data, m, 4, l.dims[0], l.dims[1], l.dims[2],
                                   l.dims[3], LRP_LAYOUT_ROW_MAJOR, dy, l.n * l.c, "smoothgrad", 3,
                                   0.2, 7, NULL, 0, old, m));
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", ""));
    CHECK_OK(lrp_explain_options_set_classes(opts, NULL, 0));
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", ""));
    CHECK_OK(lrp_explain_options_set_str(opts, "method", "smoothgrad"));
    CHECK_OK(lrp_explain_options_set(opts, "samples", 3));
    CHECK_OK(lrp_explain_options_set(opts, "noise", 0.2));
    CHECK_OK(lrp_explain_options_set(opts, "seed", 7));
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, got, m));
    CHECK_MSG(count_bit_differences(old, got, m) == 0, "smoothgrad");
    /* Integrated gradients with a baseline and its steps. */
    fill(col, m, 0.25);
    CHECK_OK(lrp_network_attribute(l.net, l.x.data, m, 4, l.dims[0], l.dims[1], l.dims[2],
                                   l.dims[3], LRP_LAYOUT_ROW_MAJOR, dy, l.n * l.c, "ig", 5, NAN,
                                   NAN, col, m, old, m));
    CHECK_OK(lrp_explain_options_set_str(opts, "method", "integrated_gradients"));
    CHECK_OK(lrp_explain_options_set(opts, "steps", 5));
    CHECK_OK(lrp_explain_options_set_array(opts, "baseline", col, l.dims, 4));
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, got, m));
    CHECK_MSG(count_bit_differences(old, got, m) == 0, "integrated gradients");
    /* The handle's presets and cache are untouched: lrp before forward is still out of
       order on a fresh clone, and the presets are still simple. */
done:
    lrp_explain_options_free(opts);
    free(old);
    free(got);
    free(col);
    free(y);
    free(dy);
    lenet_close(&l);
}

/* A composite in the options applies to the call only: the handle's presets stay. */
static void test_options_leave_the_handle_alone(void)
{
    Lenet l;
    LrpExplainOptions *opts = lrp_explain_options_new();
    char name[LRP_RULE_NAME_LEN];
    double param = 0, *a, *b;
    size_t layers_before = 0, layers_after = 0;
    if (!lenet_open(&l)) {
        lrp_explain_options_free(opts);
        return;
    }
    a = alloc_doubles(l.x.len);
    b = alloc_doubles(l.x.len);
    CHECK_OK(lrp_network_num_layers(l.net, &layers_before));
    CHECK_OK(lrp_explain_options_set_str(opts, "composite", "epsilon_plus"));
    CHECK_OK(lrp_explain_options_set_str(opts, "canonizers", "auto"));
    CHECK_OK(lrp_explain_options_set_str(opts, "convention", "zennit"));
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, a, l.x.len));
    CHECK_OK(lrp_layer_get_lrp_parameters(l.net, 0, name, sizeof name, &param));
    CHECK_MSG(strcmp(name, "simple") == 0, "preset of layer 0 is %s", name);
    CHECK_OK(lrp_network_num_layers(l.net, &layers_after));
    CHECK(layers_after == layers_before);
    /* The same composite set on the handle gives the same map. */
    CHECK_OK(lrp_network_set_convention(l.net, LRP_CONVENTION_ZENNIT));
    CHECK_OK(lrp_network_set_composite(l.net, "epsilon_plus", NAN, NAN, NAN, NAN));
    CHECK_OK(lrp_network_explain_with(l.net, NULL, l.x.data, l.dims, 4, b, l.x.len));
    CHECK_MSG(count_bit_differences(a, b, l.x.len) == 0, "composite in the options vs the handle");
    free(a);
    free(b);
    lrp_explain_options_free(opts);
    lenet_close(&l);
}

/* ---- Failure paths: every new export ---------------------------------------------------- */

static void test_array_failures(void)
{
    LrpNetwork *net = small_net();
    size_t good[2] = {SMALL_BATCH, SMALL_M}, zero[2] = {SMALL_BATCH, 0};
    size_t wrong[2] = {SMALL_BATCH, SMALL_M + 1}, huge[3] = {SIZE_MAX / 2, 4, 4};
    size_t dims[4] = {77, 77, 77, 77};
    double y[SMALL_BATCH * SMALL_N];
    int32_t rank = 77;
    if (net == NULL) {
        return;
    }
    fill(y, SMALL_BATCH * SMALL_N, SENTINEL);
    /* lrp_network_output_dims */
    CHECK_FAILS(lrp_network_output_dims(NULL, good, 2, dims, 4, &rank), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_output_dims", "net");
    CHECK_FAILS(lrp_network_output_dims(net, NULL, 2, dims, 4, &rank), LRP_ERR_NULL_ARGUMENT,
                "lrp_network_output_dims", "in_dims");
    CHECK_FAILS(lrp_network_output_dims(net, good, 0, dims, 4, &rank),
                LRP_ERR_INVALID_ARGUMENT, "in_rank", "1 to 32", "given 0");
    CHECK_FAILS(lrp_network_output_dims(net, good, LRP_MAX_RANK + 1, dims, 4, &rank),
                LRP_ERR_INVALID_ARGUMENT, "in_rank", "given 33");
    CHECK_FAILS(lrp_network_output_dims(net, zero, 2, dims, 4, &rank), LRP_ERR_INVALID_ARGUMENT,
                "in_dims[1] is 0");
    CHECK_FAILS(lrp_network_output_dims(net, huge, 3, dims, 4, &rank), LRP_ERR_INVALID_ARGUMENT,
                "in_dims", "overflows");
    CHECK_FAILS(lrp_network_output_dims(net, wrong, 2, dims, 4, &rank), LRP_ERR_SHAPE_MISMATCH,
                "lrp_network_output_dims", "layer 1", "5");
    CHECK_FAILS(lrp_network_output_dims(net, good, 2, dims, 1, &rank), LRP_ERR_SHAPE_MISMATCH,
                "out_dims", "room for 1", "rank 2");
    CHECK_FAILS(lrp_network_output_dims(net, good, 2, NULL, 4, &rank), LRP_ERR_NULL_ARGUMENT,
                "out_dims");
    CHECK_FAILS(lrp_network_output_dims(net, good, 2, dims, 4, NULL), LRP_ERR_NULL_ARGUMENT,
                "out_rank");
    CHECK(dims[0] == 77 && dims[1] == 77 && rank == 77);
    /* lrp_network_predict */
    CHECK_FAILS(lrp_network_predict(NULL, SMALL_X, good, 2, LRP_LAYOUT_ROW_MAJOR, y, 6),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_predict", "net");
    CHECK_FAILS(lrp_network_predict(net, NULL, good, 2, LRP_LAYOUT_ROW_MAJOR, y, 6),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_predict", "x is NULL");
    CHECK_FAILS(lrp_network_predict(net, SMALL_X, NULL, 2, LRP_LAYOUT_ROW_MAJOR, y, 6),
                LRP_ERR_NULL_ARGUMENT, "x_dims");
    CHECK_FAILS(lrp_network_predict(net, SMALL_X, good, -1, LRP_LAYOUT_ROW_MAJOR, y, 6),
                LRP_ERR_INVALID_ARGUMENT, "x_rank", "given -1");
    CHECK_FAILS(lrp_network_predict(net, SMALL_X, zero, 2, LRP_LAYOUT_ROW_MAJOR, y, 6),
                LRP_ERR_INVALID_ARGUMENT, "x_dims[1] is 0");
    CHECK_FAILS(lrp_network_predict(net, SMALL_X, good, 2, 7, y, 6), LRP_ERR_INVALID_ARGUMENT,
                "layout", "given 7");
    CHECK_FAILS(lrp_network_predict(net, SMALL_X, good, 2, LRP_LAYOUT_ROW_MAJOR, NULL, 6),
                LRP_ERR_NULL_ARGUMENT, "y is NULL");
    CHECK_FAILS(lrp_network_predict(net, SMALL_X, good, 2, LRP_LAYOUT_ROW_MAJOR, y, 5),
                LRP_ERR_SHAPE_MISMATCH, "y has 5 elements, expected 6");
    {
        double bad_x[SMALL_BATCH * SMALL_M];
        memcpy(bad_x, SMALL_X, sizeof bad_x);
        bad_x[5] = NAN;
        CHECK_FAILS(lrp_network_predict(net, bad_x, good, 2, LRP_LAYOUT_ROW_MAJOR, y, 6),
                    LRP_ERR_NON_FINITE, "lrp_network_predict");
    }
    CHECK(all_equal_to(y, SMALL_BATCH * SMALL_N, SENTINEL));
    CHECK_OK(lrp_network_predict(net, SMALL_X, good, 2, LRP_LAYOUT_ROW_MAJOR, y, 6));
    {
        /* By hand: x . W + B, then Rect. */
        static const double want[SMALL_BATCH * SMALL_N] = {3.1, 0.9, 0.0, 0.9, 0.4, 0.2};
        size_t i;
        for (i = 0; i < SMALL_BATCH * SMALL_N; i++) {
            CHECK_MSG(fabs(y[i] - want[i]) < 1e-12, "y[%zu] = %.17g, want %g", i, y[i], want[i]);
        }
    }
    lrp_network_free(net);
}

static void test_option_failures(void)
{
    LrpExplainOptions *opts = lrp_explain_options_new();
    int32_t classes[3] = {0, -2, 1};
    size_t dims[2] = {2, 3}, zero[2] = {2, 0};
    double data[6] = {0};
    if (!CHECK(opts != NULL)) {
        return;
    }
    CHECK_FAILS(lrp_explain_options_set(NULL, "seed", 1), LRP_ERR_NULL_ARGUMENT,
                "lrp_explain_options_set", "opts");
    CHECK_FAILS(lrp_explain_options_set(opts, NULL, 1), LRP_ERR_NULL_ARGUMENT, "name");
    CHECK_FAILS(lrp_explain_options_set(opts, "sigma", 0.1), LRP_ERR_INVALID_ARGUMENT,
                "lrp_explain_options_set", "unknown option 'sigma'", "noise");
    CHECK_FAILS(lrp_explain_options_set(opts, "samples", 0), LRP_ERR_INVALID_ARGUMENT, "samples",
                "given 0");
    CHECK_FAILS(lrp_explain_options_set(opts, "samples", 2.5), LRP_ERR_INVALID_ARGUMENT,
                "samples", "2.5");
    CHECK_FAILS(lrp_explain_options_set(opts, "steps", INFINITY), LRP_ERR_INVALID_ARGUMENT,
                "steps", "inf");
    CHECK_FAILS(lrp_explain_options_set(opts, "seed", -1), LRP_ERR_INVALID_ARGUMENT, "seed");
    CHECK_FAILS(lrp_explain_options_set(opts, "noise", -0.5), LRP_ERR_INVALID_ARGUMENT, "noise",
                "-0.5");
    CHECK_FAILS(lrp_explain_options_set(opts, "epsilon", INFINITY), LRP_ERR_INVALID_ARGUMENT,
                "epsilon", "finite");
    CHECK_FAILS(lrp_explain_options_set(opts, "layout", 2), LRP_ERR_INVALID_ARGUMENT, "layout",
                "given 2");
    CHECK_FAILS(lrp_explain_options_set(opts, "rule", 1), LRP_ERR_INVALID_ARGUMENT, "'rule'",
                "lrp_explain_options_set_str");
    CHECK_FAILS(lrp_explain_options_set_str(NULL, "rule", "epsilon"), LRP_ERR_NULL_ARGUMENT,
                "lrp_explain_options_set_str", "opts");
    CHECK_FAILS(lrp_explain_options_set_str(opts, NULL, "epsilon"), LRP_ERR_NULL_ARGUMENT,
                "name");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "rules", "epsilon"), LRP_ERR_INVALID_ARGUMENT,
                "unknown option 'rules'");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "rule", "epsilonn"), LRP_ERR_UNKNOWN_RULE,
                "'epsilonn'");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "method", "gradcam"), LRP_ERR_UNKNOWN_RULE,
                "gradcam");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "composite", "epsilon_minus"),
                LRP_ERR_UNKNOWN_RULE, "epsilon_minus");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "canonizers", "resnet50"),
                LRP_ERR_INVALID_ARGUMENT, "resnet50");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "convention", "pytorch"),
                LRP_ERR_INVALID_ARGUMENT, "convention", "pytorch");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "targets", "all"), LRP_ERR_INVALID_ARGUMENT,
                "targets", "'all'");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "layout", "fortran"), LRP_ERR_INVALID_ARGUMENT,
                "layout", "fortran");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "seed", "1"), LRP_ERR_INVALID_ARGUMENT,
                "'seed'", "lrp_explain_options_set");
    CHECK_FAILS(lrp_explain_options_set_str(opts, "rule", " epsilon"), LRP_ERR_UNKNOWN_RULE,
                "' epsilon'");
    CHECK_FAILS(lrp_explain_options_set_classes(NULL, classes, 1), LRP_ERR_NULL_ARGUMENT,
                "lrp_explain_options_set_classes", "opts");
    CHECK_FAILS(lrp_explain_options_set_classes(opts, NULL, 2), LRP_ERR_NULL_ARGUMENT,
                "classes");
    CHECK_FAILS(lrp_explain_options_set_classes(opts, classes, 3), LRP_ERR_INVALID_ARGUMENT,
                "classes[1]", "given -2");
    CHECK_FAILS(lrp_explain_options_set_classes(opts, classes, (size_t)LRP_MAX_CLASSES + 1),
                LRP_ERR_INVALID_ARGUMENT, "LRP_MAX_CLASSES");
    CHECK_FAILS(lrp_explain_options_set_array(NULL, "start", data, dims, 2),
                LRP_ERR_NULL_ARGUMENT, "lrp_explain_options_set_array", "opts");
    CHECK_FAILS(lrp_explain_options_set_array(opts, "begin", data, dims, 2),
                LRP_ERR_INVALID_ARGUMENT, "unknown array option 'begin'");
    CHECK_FAILS(lrp_explain_options_set_array(opts, "start", data, NULL, 2),
                LRP_ERR_NULL_ARGUMENT, "dims");
    CHECK_FAILS(lrp_explain_options_set_array(opts, "start", data, zero, 2),
                LRP_ERR_INVALID_ARGUMENT, "dims[1] is 0");
    CHECK_FAILS(lrp_explain_options_set_array(opts, "start", data, dims, 0),
                LRP_ERR_INVALID_ARGUMENT, "rank", "given 0");
    /* Valid names in another case, and resets. */
    CHECK_OK(lrp_explain_options_set(opts, "NOISE", 0.3));
    CHECK_OK(lrp_explain_options_set(opts, "noise", NAN));
    CHECK_OK(lrp_explain_options_set_str(opts, "Method", "Input_X_Gradient"));
    CHECK_OK(lrp_explain_options_set_str(opts, "method", NULL));
    CHECK_OK(lrp_explain_options_set_array(opts, "baseline", NULL, NULL, 0));
    lrp_explain_options_free(opts);
    lrp_explain_options_free(NULL);
}

/* Failures of the explain calls themselves: options that contradict each other, classes
 * against the network, given arrays against the input, NULLs and dims. */
static void test_explain_failures(void)
{
    LrpNetwork *net = small_net();
    LrpExplainOptions *opts = lrp_explain_options_new();
    size_t good[2] = {SMALL_BATCH, SMALL_M}, wrong[2] = {SMALL_BATCH, SMALL_M + 1};
    size_t zero[2] = {0, SMALL_M}, y_dims[2] = {SMALL_BATCH, SMALL_N}, big[2] = {3, SMALL_N};
    size_t dims[4] = {77, 77, 77, 77};
    double out[2 * SMALL_BATCH * SMALL_M], start[3 * SMALL_N];
    int32_t rank = 77, three[3] = {0, 1, 2}, twice[2] = {1, 1}, too_high[2] = {0, 3};
    const size_t m = SMALL_BATCH * SMALL_M;
    if (net == NULL || !CHECK(opts != NULL)) {
        lrp_network_free(net);
        lrp_explain_options_free(opts);
        return;
    }
    fill(out, 2 * m, SENTINEL);
    fill(start, 3 * SMALL_N, 0.5);
#define EXPLAIN_FAILS(status, ...)                                                           \
    do {                                                                                     \
        CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, good, 2, out, m), status,      \
                    "lrp_network_explain_with", __VA_ARGS__);                                \
        CHECK_FAILS(lrp_network_explain_dims(net, opts, good, 2, dims, 4, &rank), status,      \
                    "lrp_network_explain_dims", __VA_ARGS__);                                \
    } while (0)
    CHECK_FAILS(lrp_network_explain_with(NULL, opts, SMALL_X, good, 2, out, m),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_explain_with", "net");
    CHECK_FAILS(lrp_network_explain_with(net, opts, NULL, good, 2, out, m), LRP_ERR_NULL_ARGUMENT,
                "x is NULL");
    CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, NULL, 2, out, m),
                LRP_ERR_NULL_ARGUMENT, "x_dims");
    CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, good, 40, out, m),
                LRP_ERR_INVALID_ARGUMENT, "x_rank", "given 40");
    CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, zero, 2, out, m),
                LRP_ERR_INVALID_ARGUMENT, "x_dims[0] is 0");
    CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, wrong, 2, out, 2 * m),
                LRP_ERR_SHAPE_MISMATCH, "layer 1");
    CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, good, 2, NULL, m),
                LRP_ERR_NULL_ARGUMENT, "out is NULL");
    CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, good, 2, out, m - 1),
                LRP_ERR_SHAPE_MISMATCH, "out has 7 elements, expected 8");
    CHECK_FAILS(lrp_network_explain_dims(NULL, opts, good, 2, dims, 4, &rank),
                LRP_ERR_NULL_ARGUMENT, "lrp_network_explain_dims", "net");
    CHECK_FAILS(lrp_network_explain_dims(net, opts, NULL, 2, dims, 4, &rank),
                LRP_ERR_NULL_ARGUMENT, "x_dims");
    CHECK_FAILS(lrp_network_explain_dims(net, opts, good, 2, dims, 1, &rank),
                LRP_ERR_SHAPE_MISMATCH, "room for 1");
    CHECK_FAILS(lrp_network_explain_dims(net, opts, good, 2, dims, 4, NULL),
                LRP_ERR_NULL_ARGUMENT, "out_rank");
    /* Per-sample classes: one per sample, each below C. */
    CHECK_OK(lrp_explain_options_set_classes(opts, three, 3));
    EXPLAIN_FAILS(LRP_ERR_SHAPE_MISMATCH, "classes has 3 values", "2");
    CHECK_OK(lrp_explain_options_set_classes(opts, too_high, 2));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "classes[1]", "below", "3");
    /* "each" and "set" need distinct classes; "top" excludes classes. */
    CHECK_OK(lrp_explain_options_set_classes(opts, twice, 2));
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", "set"));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "class 1 twice");
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", "top"));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "top", "classes");
    CHECK_OK(lrp_explain_options_set_classes(opts, NULL, 0));
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", "each"));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "\"each\" needs classes");
    CHECK_OK(lrp_explain_options_set_str(opts, "targets", ""));
    /* A rule and a composite at once; a composite without its bounds; a bad parameter. */
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", "epsilon"));
    CHECK_OK(lrp_explain_options_set_str(opts, "composite", "epsilon_plus"));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "rule and composite");
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", ""));
    CHECK_OK(lrp_explain_options_set_str(opts, "composite", "epsilon_gamma_box"));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "low and high");
    CHECK_OK(lrp_explain_options_set_str(opts, "composite", ""));
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", "alphabeta"));
    CHECK_OK(lrp_explain_options_set(opts, "parameter", -1));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "alpha", "given -1");
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", ""));
    /* A start array of the wrong dims, and one with classes at once. */
    CHECK_OK(lrp_explain_options_set_array(opts, "start", start, big, 2));
    EXPLAIN_FAILS(LRP_ERR_SHAPE_MISMATCH, "start", "[3, 3]", "[2, 3]");
    CHECK_OK(lrp_explain_options_set_array(opts, "start", start, y_dims, 2));
    CHECK_OK(lrp_explain_options_set_classes(opts, three, 2));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "start array", "classes");
    CHECK_OK(lrp_explain_options_set_classes(opts, NULL, 0));
    start[4] = INFINITY;
    CHECK_OK(lrp_explain_options_set_array(opts, "start", start, y_dims, 2));
    CHECK_FAILS(lrp_network_explain_with(net, opts, SMALL_X, good, 2, out, m), LRP_ERR_NON_FINITE,
                "lrp_network_explain_with", "relevance");
    CHECK_OK(lrp_explain_options_set_array(opts, "start", NULL, NULL, 0));
    /* A baseline for a method that takes none, and one of the wrong dims. */
    CHECK_OK(lrp_explain_options_set_array(opts, "baseline", SMALL_X, good, 2));
    CHECK_OK(lrp_explain_options_set_str(opts, "method", "gradient"));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "baseline", "gradient");
    CHECK_OK(lrp_explain_options_set_str(opts, "method", "lrp"));
    EXPLAIN_FAILS(LRP_ERR_INVALID_ARGUMENT, "baseline", "for lrp");
    CHECK_OK(lrp_explain_options_set_str(opts, "method", "ig"));
    CHECK_OK(lrp_explain_options_set_array(opts, "baseline", SMALL_X, wrong, 1));
    EXPLAIN_FAILS(LRP_ERR_SHAPE_MISMATCH, "baseline", "[2]");
    CHECK(all_equal_to(out, 2 * m, SENTINEL));
    CHECK(dims[0] == 77 && dims[1] == 77 && rank == 77);
    /* A network whose output is no N x C batch: targets cannot apply, a start array can. */
    {
        LrpNetwork *conv = lrp_network_new();
        size_t img[4] = {1, 3, 3, 1};
        double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, r[9] = {0, 0, 0, 0, 1, 0, 0, 0, 0}, got[9];
        CHECK_OK(lrp_network_add_rect(conv));
        CHECK_OK(lrp_explain_options_set_str(opts, "method", ""));
        CHECK_OK(lrp_explain_options_set_array(opts, "baseline", NULL, NULL, 0));
        CHECK_FAILS(lrp_network_explain_with(conv, opts, x, img, 4, got, 9),
                    LRP_ERR_INVALID_ARGUMENT, "N x C output", "start array");
        CHECK_OK(lrp_explain_options_set_array(opts, "start", r, img, 4));
        CHECK_OK(lrp_network_explain_with(conv, opts, x, img, 4, got, 9));
        /* Rect passes the relevance through: the start array comes back. */
        CHECK(count_bit_differences(got, r, 9) == 0);
        lrp_network_free(conv);
    }
#undef EXPLAIN_FAILS
    lrp_explain_options_free(opts);
    lrp_network_free(net);
}

/* ---- Threads: one handle, one options object, several explaining threads -------------- */

#define EXPLAIN_THREADS 4

typedef struct {
    LrpNetwork *net;
    const LrpExplainOptions *opts;
    const double *x;
    const size_t *dims;
    double *out;
    size_t len;
    int32_t status;
} ExplainJob;

static void *explain_job(void *arg)
{
    ExplainJob *j = arg;
    j->status = lrp_network_explain_with(j->net, j->opts, j->x, j->dims, 4, j->out, j->len);
    return NULL;
}

static void test_threads_share_handle_and_options(void)
{
    Lenet l;
    LrpExplainOptions *opts = lrp_explain_options_new();
    pthread_t threads[EXPLAIN_THREADS];
    ExplainJob jobs[EXPLAIN_THREADS];
    double *single, *outs;
    int k;
    if (!lenet_open(&l)) {
        lrp_explain_options_free(opts);
        return;
    }
    single = alloc_doubles(l.x.len);
    outs = alloc_doubles(EXPLAIN_THREADS * l.x.len);
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", "alphabeta"));
    CHECK_OK(lrp_explain_options_set(opts, "parameter", 2));
    CHECK_OK(lrp_network_explain_with(l.net, opts, l.x.data, l.dims, 4, single, l.x.len));
    for (k = 0; k < EXPLAIN_THREADS; k++) {
        jobs[k].net = l.net;
        jobs[k].opts = opts;
        jobs[k].x = l.x.data;
        jobs[k].dims = l.dims;
        jobs[k].out = outs + (size_t)k * l.x.len;
        jobs[k].len = l.x.len;
        jobs[k].status = -1;
        CHECK(pthread_create(&threads[k], NULL, explain_job, &jobs[k]) == 0);
    }
    for (k = 0; k < EXPLAIN_THREADS; k++) {
        pthread_join(threads[k], NULL);
        CHECK_MSG(jobs[k].status == LRP_OK, "thread %d: %s", k, lrp_status_name(jobs[k].status));
        CHECK_MSG(count_bit_differences(jobs[k].out, single, l.x.len) == 0, "thread %d", k);
    }
    free(single);
    free(outs);
    lrp_explain_options_free(opts);
    lenet_close(&l);
}

/* The float doors and the handle's precision: under f64 a float caller gets the double
 * result rounded; under f32 the double door gives the float door's numbers widened, both
 * agree with f64 within 1e-4 normwise (README "Precision") without being f64 rounded, in
 * either layout; a bad dtype is an error that changes nothing. */
static void test_precision_and_float_doors(void)
{
    Lenet l;
    LrpExplainOptions *opts;
    float *xf, *rf, *rf_col, *yf;
    double *xd, *r64, *rd, *y64, *yd, *col;
    double diff = 0.0, norm = 0.0;
    size_t m, k, ny;
    int32_t dtype = -1;
    if (!lenet_open(&l)) {
        return;
    }
    m = l.x.len;
    ny = l.n * l.c;
    xf = malloc(m * sizeof *xf);
    rf = malloc(m * sizeof *rf);
    rf_col = malloc(m * sizeof *rf_col);
    yf = malloc(ny * sizeof *yf);
    xd = alloc_doubles(m);
    r64 = alloc_doubles(m);
    rd = alloc_doubles(m);
    col = alloc_doubles(m);
    y64 = alloc_doubles(ny);
    yd = alloc_doubles(ny);
    opts = lrp_explain_options_new();
    if (!CHECK(xf && rf && rf_col && yf && opts)) {
        goto done;
    }
    /* x rounded to float, and that rounded x as doubles: the same numbers either way. */
    for (k = 0; k < m; k++) {
        xf[k] = (float)l.x.data[k];
        xd[k] = (double)xf[k];
    }
    CHECK_OK(lrp_explain_options_set_str(opts, "rule", "epsilon"));
    CHECK_OK(lrp_explain_options_set(opts, "parameter", 0.01));
    CHECK_OK(lrp_network_precision(l.net, &dtype));
    CHECK(dtype == LRP_DTYPE_F64);
    /* f64 precision: the float door is the double door with one rounding each way. */
    CHECK_OK(lrp_network_explain_with(l.net, opts, xd, l.dims, 4, r64, m));
    CHECK_OK(lrp_network_explain_with_f32(l.net, opts, xf, l.dims, 4, rf, m));
    for (k = 0; k < m && rf[k] == (float)r64[k]; k++) {
    }
    CHECK_MSG(k == m, "f64 precision, float door: element %zu differs", k);
    CHECK_OK(lrp_network_predict(l.net, xd, l.dims, 4, LRP_LAYOUT_ROW_MAJOR, y64, ny));
    /* f32 precision. */
    CHECK_OK(lrp_network_set_precision(l.net, LRP_DTYPE_F32));
    CHECK_OK(lrp_network_precision(l.net, &dtype));
    CHECK(dtype == LRP_DTYPE_F32);
    CHECK_OK(lrp_network_explain_with_f32(l.net, opts, xf, l.dims, 4, rf, m));
    CHECK_OK(lrp_network_explain_with(l.net, opts, xd, l.dims, 4, rd, m));
    for (k = 0; k < m && rd[k] == (double)rf[k]; k++) {
    }
    CHECK_MSG(k == m, "f32 precision: the double door differs from the float door at %zu", k);
    for (k = 0; k < m; k++) {
        diff += (rd[k] - r64[k]) * (rd[k] - r64[k]);
        norm += r64[k] * r64[k];
    }
    CHECK_MSG(norm > 0.0 && sqrt(diff / norm) <= 1e-4, "f32 vs f64 normwise %g",
              sqrt(diff / norm));
    CHECK_MSG(diff > 0.0, "f32 gave the f64 map bit for bit: it did not compute in f32");
    CHECK_OK(lrp_network_predict_f32(l.net, xf, l.dims, 4, LRP_LAYOUT_ROW_MAJOR, yf, ny));
    diff = norm = 0.0;
    for (k = 0; k < ny; k++) {
        diff += (yf[k] - y64[k]) * (yf[k] - y64[k]);
        norm += y64[k] * y64[k];
    }
    CHECK_MSG(sqrt(diff / norm) <= 1e-6, "predict f32 vs f64 normwise %g", sqrt(diff / norm));
    /* Column-major floats: the row-major result in Fortran order. */
    for (k = 0; k < m; k++) {
        rd[k] = (double)xf[k];
    }
    to_col_major(rd, col, l.dims, 4);
    for (k = 0; k < m; k++) {
        xf[k] = (float)col[k];
    }
    CHECK_OK(lrp_explain_options_set(opts, "layout", LRP_LAYOUT_COL_MAJOR));
    CHECK_OK(lrp_network_explain_with_f32(l.net, opts, xf, l.dims, 4, rf_col, m));
    for (k = 0; k < m; k++) {
        rd[k] = (double)rf[k];
    }
    to_col_major(rd, col, l.dims, 4);
    for (k = 0; k < m && (double)rf_col[k] == col[k]; k++) {
    }
    CHECK_MSG(k == m, "column-major float result differs at %zu", k);
    /* A bad dtype changes nothing. */
    CHECK(lrp_network_set_precision(l.net, 3) == LRP_ERR_INVALID_ARGUMENT);
    CHECK(strstr(lrp_last_error(), "dtype") != NULL);
    CHECK_OK(lrp_network_precision(l.net, &dtype));
    CHECK(dtype == LRP_DTYPE_F32);
    CHECK_OK(lrp_network_set_precision(l.net, LRP_DTYPE_F64));
done:
    free(xf);
    free(rf);
    free(rf_col);
    free(yf);
    free(xd);
    free(r64);
    free(rd);
    free(col);
    free(y64);
    free(yd);
    lrp_explain_options_free(opts);
    lenet_close(&l);
}

void suite_explain_with(void)
{
    RUN_TEST(test_dims_queries);
    RUN_TEST(test_predict_equals_forward);
    RUN_TEST(test_explain_with_equals_first_edition);
    RUN_TEST(test_options_leave_the_handle_alone);
    RUN_TEST(test_array_failures);
    RUN_TEST(test_option_failures);
    RUN_TEST(test_explain_failures);
    RUN_TEST(test_threads_share_handle_and_options);
    RUN_TEST(test_precision_and_float_doors);
    RUN_TEST(test_golden_onnx_manifest);
}

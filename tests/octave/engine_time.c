/*
 * engine_time: the engine's own time for the work the Octave speed test measures through
 * the MATLAB bindings: LeNet-5 on a batch of 64 MNIST digits (padded to 32 x 32 with -1),
 * forward pass, then epsilon LRP (0.01) of the output masked to each sample's top class.
 * Called directly through the C ABI with row-major arrays (no layout conversion).
 *
 *   engine_time GOLDEN_DIR [REPS] [col]
 *
 * Prints "engine_ms MEDIAN MIN" (milliseconds per forward + LRP) and "checksum SUM".
 * With "col" the arrays are passed in column-major (MATLAB) layout instead, which shows
 * what the library's layout conversion costs.
 */
#define _POSIX_C_SOURCE 199309L
#include <lrp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 64
#define SIDE 28
#define PADDED 32
#define CLASSES 10

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int fail(const char *what, int32_t st) {
    fprintf(stderr, "%s: %s: %s\n", what, lrp_status_name(st), lrp_last_error());
    return 1;
}

int main(int argc, char **argv) {
    char path[4096];
    const char *dir = argc > 1 ? argv[1] : "../shared/golden";
    int reps = argc > 2 ? atoi(argv[2]) : 20;
    int col = argc > 3 && strcmp(argv[3], "col") == 0;
    int32_t layout = col ? LRP_LAYOUT_COL_MAJOR : LRP_LAYOUT_ROW_MAJOR;
    double *xc;
    int32_t rank = 0, dtype = 0, order = 0, st;
    size_t rows = 0, cols = 0, i, k, n;
    double *images, *x, *y, *r, *rx, *times, checksum = 0.0;
    LrpNetwork *net;

    if (reps < 1) reps = 1;
    snprintf(path, sizeof path, "%s/lenet5.txt", dir);
    net = lrp_network_read(path);
    if (net == NULL) return fail("lrp_network_read", LRP_ERR_IO);

    snprintf(path, sizeof path, "%s/mnist_test_x.npy", dir);
    if ((st = lrp_npy_info(path, &rank, &dtype, &order)) != LRP_OK) return fail("lrp_npy_info", st);
    if ((st = lrp_npy_dim(path, 0, &rows)) != LRP_OK) return fail("lrp_npy_dim", st);
    if ((st = lrp_npy_dim(path, 1, &cols)) != LRP_OK) return fail("lrp_npy_dim", st);
    if (rows < BATCH || cols != SIDE * SIDE) {
        fprintf(stderr, "mnist_test_x.npy: need >= %d x %d, found %zu x %zu\n", BATCH, SIDE * SIDE, rows, cols);
        return 1;
    }
    images = malloc(rows * cols * sizeof *images);
    x = malloc(BATCH * PADDED * PADDED * sizeof *x);
    y = malloc(BATCH * CLASSES * sizeof *y);
    r = malloc(BATCH * CLASSES * sizeof *r);
    rx = malloc(BATCH * PADDED * PADDED * sizeof *rx);
    times = malloc(reps * sizeof *times);
    xc = malloc(BATCH * PADDED * PADDED * sizeof *xc);
    if (!images || !x || !y || !r || !rx || !times || !xc) return 1;
    if ((st = lrp_npy_read(path, images, rows * cols, LRP_LAYOUT_ROW_MAJOR)) != LRP_OK) return fail("lrp_npy_read", st);

    /* N x 32 x 32 x 1, C order: image n, row h, column w; 2 pixels of -1 around. */
    for (n = 0; n < BATCH; ++n)
        for (i = 0; i < PADDED; ++i)
            for (k = 0; k < PADDED; ++k) {
                int inside = i >= 2 && i < 2 + SIDE && k >= 2 && k < 2 + SIDE;
                x[(n * PADDED + i) * PADDED + k] = inside ? images[n * cols + (i - 2) * SIDE + (k - 2)] : -1.0;
            }

    /* the same batch in column-major order (d = 1): element (n, i, k) at n + BATCH (i + PADDED k) */
    for (n = 0; n < BATCH; ++n)
        for (i = 0; i < PADDED; ++i)
            for (k = 0; k < PADDED; ++k) xc[n + BATCH * (i + PADDED * k)] = x[(n * PADDED + i) * PADDED + k];

    for (k = 0; k < (size_t)reps + 3; ++k) {
        double t0 = now_ms();
        st = lrp_network_forward(net, col ? xc : x, BATCH * PADDED * PADDED, 4, BATCH, PADDED, PADDED, 1,
                                 layout, 0, y, BATCH * CLASSES);
        if (st != LRP_OK) return fail("lrp_network_forward", st);
        for (n = 0; n < BATCH; ++n) {
            size_t best = 0;
            /* element (n, c) of the N x C output: n C + c (row-major), n + N c (column-major) */
#define Y_AT(c) y[col ? n + BATCH * (c) : n * CLASSES + (c)]
#define R_AT(c) r[col ? n + BATCH * (c) : n * CLASSES + (c)]
            for (i = 1; i < CLASSES; ++i)
                if (Y_AT(i) > Y_AT(best)) best = i;
            for (i = 0; i < CLASSES; ++i) R_AT(i) = i == best ? Y_AT(i) : 0.0;
        }
        st = lrp_network_lrp(net, r, BATCH * CLASSES, layout, "epsilon", 0.01, rx,
                             BATCH * PADDED * PADDED);
        if (st != LRP_OK) return fail("lrp_network_lrp", st);
        if (k >= 3) times[k - 3] = now_ms() - t0; /* 3 warm-up rounds */
    }
    for (i = 0; i < BATCH * PADDED * PADDED; ++i) checksum += rx[i];
    qsort(times, reps, sizeof *times, cmp);
    printf("engine_ms %.6f %.6f\n", times[reps / 2], times[0]);
    printf("checksum %.17g\n", checksum);
    lrp_network_free(net);
    free(images);
    free(x);
    free(y);
    free(r);
    free(rx);
    free(times);
    free(xc);
    return 0;
}

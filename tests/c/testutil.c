/* See testutil.h. */
#include "testutil.h"

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *test_golden_dir = "../shared/golden";
const char *test_tmp_dir = "/tmp";

void join_path(char *buf, const char *dir, const char *name)
{
    int n = snprintf(buf, TEST_PATH_LEN, "%s/%s", dir, name);
    if (n < 0 || n >= TEST_PATH_LEN) {
        fprintf(stderr, "path too long: %s/%s\n", dir, name);
        abort();
    }
}

void golden_path(char *buf, const char *name)
{
    join_path(buf, test_golden_dir, name);
}

void tmp_path(char *buf, const char *name)
{
    join_path(buf, test_tmp_dir, name);
}

int load_golden(const char *name, NpyArray *out)
{
    char path[TEST_PATH_LEN];
    char err[TEST_PATH_LEN + 256];
    golden_path(path, name);
    if (npy_read(path, out, err, sizeof err) != 0) {
        CHECK_MSG(0, "reading golden data: %s", err);
        return 0;
    }
    return 1;
}

void zennit_path(char *buf, const char *name)
{
    /* ../shared/golden-zennit beside the toolbox's golden directory. */
    char dir[TEST_PATH_LEN];
    snprintf(dir, sizeof dir, "%s-zennit", test_golden_dir);
    join_path(buf, dir, name);
}

void onnx_path(char *buf, const char *name)
{
    char dir[TEST_PATH_LEN];
    snprintf(dir, sizeof dir, "%s-onnx", test_golden_dir);
    join_path(buf, dir, name);
}

int load_zennit(const char *name, NpyArray *out)
{
    char path[TEST_PATH_LEN];
    char err[TEST_PATH_LEN + 256];
    zennit_path(path, name);
    if (npy_read(path, out, err, sizeof err) != 0) {
        CHECK_MSG(0, "reading zennit's reference data: %s", err);
        return 0;
    }
    return 1;
}

int write_text_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int ok = f != NULL && fputs(text, f) >= 0;
    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    if (!ok) {
        CHECK_MSG(0, "cannot write the scratch file %s", path);
    }
    return ok;
}

double *alloc_doubles(size_t n)
{
    double *p = malloc((n == 0 ? 1 : n) * sizeof(double));
    if (p == NULL) {
        fprintf(stderr, "out of memory for %lu doubles\n", (unsigned long)n);
        abort();
    }
    return p;
}

void fill(double *buf, size_t n, double value)
{
    size_t i;
    for (i = 0; i < n; i++) {
        buf[i] = value;
    }
}

int all_equal_to(const double *buf, size_t n, double value)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (memcmp(&buf[i], &value, sizeof value) != 0) {
            return 0;
        }
    }
    return 1;
}

size_t shape_elements(const size_t *shape, int rank)
{
    size_t n = 1;
    int k;
    for (k = 0; k < rank; k++) {
        n *= shape[k];
    }
    return n;
}

void to_col_major(const double *src, double *dst, const size_t *shape, int rank)
{
    size_t n = shape_elements(shape, rank);
    size_t flat;
    for (flat = 0; flat < n; flat++) {
        /* Split the C-order index into its multi-index (last dimension fastest) and
         * rebuild it with the first dimension fastest. */
        size_t rest = flat, col = 0, stride = 1, index[NPY_MAX_RANK];
        int k;
        for (k = rank - 1; k >= 0; k--) {
            index[k] = rest % shape[k];
            rest /= shape[k];
        }
        for (k = 0; k < rank; k++) {
            col += index[k] * stride;
            stride *= shape[k];
        }
        dst[col] = src[flat];
    }
}

size_t count_mismatches(const double *got, const double *want, size_t n, const char *what)
{
    size_t i, bad = 0;
    for (i = 0; i < n; i++) {
        /* Written so that NaN in either array counts as a mismatch. */
        if (!(fabs(got[i] - want[i]) <= GOLDEN_ATOL + GOLDEN_RTOL * fabs(want[i]))) {
            if (bad < 3) {
                printf("    %s[%lu]: got %.17g, expected %.17g\n", what, (unsigned long)i,
                       got[i], want[i]);
            }
            bad++;
        }
    }
    if (bad > 3) {
        printf("    %s: %lu of %lu elements outside the tolerance\n", what, (unsigned long)bad,
               (unsigned long)n);
    }
    return bad;
}

size_t count_bit_differences(const double *a, const double *b, size_t n)
{
    size_t i, bad = 0;
    for (i = 0; i < n; i++) {
        if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) {
            bad++;
        }
    }
    return bad;
}

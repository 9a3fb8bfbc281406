/*
 * A minimal .npy reader for the golden data: version 1.x, 2.x and 3.x headers, dtype '<f8',
 * fortran_order False, up to 4 dimensions. Anything else is refused with a message, so a
 * change in the reference files shows up as a clear failure rather than garbage numbers.
 */
#ifndef LRP_TEST_NPY_H
#define LRP_TEST_NPY_H

#include <stddef.h>

#define NPY_MAX_RANK 4

typedef struct {
    double *data; /* len doubles in C order; free with npy_free */
    size_t len;
    int rank;     /* 0 (a scalar) to NPY_MAX_RANK */
    size_t shape[NPY_MAX_RANK];
} NpyArray;

/* Reads `path` into `out`. Returns 0 on success; otherwise -1 with a message naming the
 * file and the problem in `err` (`out` is then empty and needs no npy_free). */
int npy_read(const char *path, NpyArray *out, char *err, size_t err_len);

/* Frees the data of an array from npy_read (an empty array is fine). */
void npy_free(NpyArray *a);

#endif /* LRP_TEST_NPY_H */

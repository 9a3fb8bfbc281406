/*
 * Helpers shared by the test files: where the golden data and the scratch directory are,
 * sentinel-filled buffers (to prove that failing calls leave outputs alone), conversion of
 * row-major arrays to column-major, and the manifest's tolerance.
 */
#ifndef LRP_TEST_UTIL_H
#define LRP_TEST_UTIL_H

#include "npy.h"

#include <stddef.h>

#define TEST_PATH_LEN 4096

/* Written into output buffers before calls that must fail; no result ever equals it. */
#define SENTINEL (-123456.789)

/* The golden manifest's tolerance: |got - want| <= ATOL + RTOL |want|. */
#define GOLDEN_ATOL 1e-9
#define GOLDEN_RTOL 1e-6

/* Set once by the runner before any test runs. */
extern const char *test_golden_dir; /* ../shared/golden, or the runner's argument */
extern const char *test_tmp_dir;    /* a fresh directory the runner removes at the end */

/* `dir`/`name` into `buf` (TEST_PATH_LEN bytes). */
void join_path(char *buf, const char *dir, const char *name);

/* A golden file's path into `buf`. */
void golden_path(char *buf, const char *name);

/* A scratch file's path into `buf`. */
void tmp_path(char *buf, const char *name);

/* Reads a golden .npy; on failure counts a failed check naming the file and returns 0. */
int load_golden(const char *name, NpyArray *out);

/* `name` in zennit's reference data (GOLDEN_DIR-zennit, i.e. ../shared/golden-zennit) into
 * `buf` (TEST_PATH_LEN bytes). */
void zennit_path(char *buf, const char *name);

/* `name` in the ONNX models' reference data (GOLDEN_DIR-onnx, i.e. ../shared/golden-onnx)
 * into `buf` (TEST_PATH_LEN bytes). */
void onnx_path(char *buf, const char *name);

/* load_golden for zennit's reference data. */
int load_zennit(const char *name, NpyArray *out);

/* Writes `text` to `path`; on failure counts a failed check and returns 0. */
int write_text_file(const char *path, const char *text);

/* malloc for `n` doubles (at least one); aborts the run if memory runs out. */
double *alloc_doubles(size_t n);

void fill(double *buf, size_t n, double value);

/* 1 if every element of `buf` is still `value` (compared bit for bit). */
int all_equal_to(const double *buf, size_t n, double value);

/* Copies the C-order array `src` of shape[0..rank) into `dst` in Fortran order (the first
 * index varies fastest), as a MATLAB caller holds it. */
void to_col_major(const double *src, double *dst, const size_t *shape, int rank);

/* Number of elements outside the golden tolerance; prints the first few, with `what`. */
size_t count_mismatches(const double *got, const double *want, size_t n, const char *what);

/* Number of elements that differ bit for bit. */
size_t count_bit_differences(const double *a, const double *b, size_t n);

/* The product of shape[0..rank). */
size_t shape_elements(const size_t *shape, int rank);

#endif /* LRP_TEST_UTIL_H */

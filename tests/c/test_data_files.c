/*
 * Data files through the C API: .npy arrays (lrp_npy_info, lrp_npy_dim, lrp_npy_read,
 * lrp_npy_write) in every element type and both orders, and plain-text matrices
 * (lrp_txt_shape, lrp_txt_read, lrp_txt_write); then their failure paths: NULLs, missing
 * and malformed files, short buffers, values a type cannot hold, bad flags.
 */
#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 2 x 3 x 4 array of small integers with both signs absent (u8 must hold them), so that
 * every element type stores them exactly. */
#define A_LEN 24
static const size_t A_SHAPE[3] = {2, 3, 4};

static void small_array(double a[A_LEN])
{
    size_t k;
    for (k = 0; k < A_LEN; k++) {
        a[k] = (double)(k * 7 % 31);
    }
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
        fclose(f);
        return 1;
    }
    return 0;
}

/* Writes raw bytes (for hand-made, malformed .npy files). */
static int write_bytes(const char *path, const void *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(bytes, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    return CHECK_MSG(ok, "cannot write %s", path);
}

/* A version 1.0 .npy file with the header dict `dict` (padded with spaces and a newline
 * to 128 bytes in all, a multiple of 64 as numpy writes them) followed by `data_len` zero
 * bytes. */
static int write_npy_by_hand(const char *path, const char *dict, size_t data_len)
{
    enum { TOTAL = 128, PREFIX = 10 };
    unsigned char buf[TOTAL + 64] = {0};
    size_t dict_len = strlen(dict);
    if (!CHECK(dict_len + 1 <= TOTAL - PREFIX && data_len <= sizeof buf - TOTAL)) {
        return 0;
    }
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = TOTAL - PREFIX; /* the header's length, little-endian */
    buf[9] = 0;
    memset(buf + PREFIX, ' ', TOTAL - PREFIX);
    memcpy(buf + PREFIX, dict, dict_len);
    buf[TOTAL - 1] = '\n';
    return write_bytes(path, buf, TOTAL + data_len);
}

/* ---- .npy ---------------------------------------------------------------------------- */

static void test_npy_round_trip_in_every_type_and_order(void)
{
    static const int32_t dtypes[] = {LRP_DTYPE_F64, LRP_DTYPE_F32, LRP_DTYPE_U8, LRP_DTYPE_I32,
                                     LRP_DTYPE_I64};
    static const int32_t layouts[] = {LRP_LAYOUT_ROW_MAJOR, LRP_LAYOUT_COL_MAJOR};
    double a[A_LEN], a_col[A_LEN], got[A_LEN];
    char path[TEST_PATH_LEN];
    size_t t, fl, ml;

    small_array(a);
    to_col_major(a, a_col, A_SHAPE, 3);
    tmp_path(path, "array.npy");
    for (t = 0; t < sizeof dtypes / sizeof dtypes[0]; t++) {
        for (fl = 0; fl < 2; fl++) {
            for (ml = 0; ml < 2; ml++) {
                int32_t rank = -1, dtype = -1, file_layout = -1, layout = layouts[ml];
                size_t dim = 0, k;
                /* Written from memory in `layout`, stored in the file in layouts[fl]. */
                CHECK_OK(lrp_npy_write(path, layout == LRP_LAYOUT_ROW_MAJOR ? a : a_col, A_LEN,
                                       3, 2, 3, 4, 99, 99, 99, layout, dtypes[t], layouts[fl]));
                CHECK_OK(lrp_npy_info(path, &rank, &dtype, &file_layout));
                CHECK_MSG(rank == 3 && dtype == dtypes[t] && file_layout == layouts[fl],
                          "dtype %d order %d: info says rank %d dtype %d order %d",
                          (int)dtypes[t], (int)layouts[fl], (int)rank, (int)dtype,
                          (int)file_layout);
                for (k = 0; k < 3; k++) {
                    CHECK_OK(lrp_npy_dim(path, k, &dim));
                    CHECK(dim == A_SHAPE[k]);
                }
                /* Read back in both layouts, whatever the file's order. */
                fill(got, A_LEN, SENTINEL);
                CHECK_OK(lrp_npy_read(path, got, A_LEN, LRP_LAYOUT_ROW_MAJOR));
                CHECK_MSG(count_bit_differences(got, a, A_LEN) == 0,
                          "dtype %d order %d layout %d: row-major read differs", (int)dtypes[t],
                          (int)layouts[fl], (int)layout);
                CHECK_OK(lrp_npy_read(path, got, A_LEN, LRP_LAYOUT_COL_MAJOR));
                CHECK_MSG(count_bit_differences(got, a_col, A_LEN) == 0,
                          "dtype %d order %d layout %d: column-major read differs",
                          (int)dtypes[t], (int)layouts[fl], (int)layout);
            }
        }
    }
    remove(path);
}

static void test_npy_scalars_vectors_and_float32(void)
{
    char path[TEST_PATH_LEN];
    double one = 0.1, got[4];
    double v[3] = {0.1, -2.5, 1e-300};
    int32_t rank = -1, dtype = -1, file_layout = -1;
    size_t dim = 0;

    tmp_path(path, "small.npy");
    /* Rank 0: one value, no dimensions. */
    CHECK_OK(lrp_npy_write(path, &one, 1, 0, 0, 0, 0, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                           LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_npy_info(path, &rank, &dtype, &file_layout));
    CHECK(rank == 0 && dtype == LRP_DTYPE_F64);
    fill(got, 4, SENTINEL);
    CHECK_OK(lrp_npy_read(path, got, 4, LRP_LAYOUT_ROW_MAJOR));
    CHECK(got[0] == 0.1 && all_equal_to(got + 1, 3, SENTINEL));
    CHECK_FAILS(lrp_npy_dim(path, 0, &dim), LRP_ERR_INVALID_ARGUMENT, "lrp_npy_dim", "axis 0");

    /* Rank 1 in Fortran order is also C order, and numpy marks it so. */
    CHECK_OK(lrp_npy_write(path, v, 3, 1, 3, 0, 0, 0, 0, 0, LRP_LAYOUT_COL_MAJOR,
                           LRP_DTYPE_F32, LRP_LAYOUT_COL_MAJOR));
    CHECK_OK(lrp_npy_info(path, &rank, &dtype, &file_layout));
    CHECK(rank == 1 && dtype == LRP_DTYPE_F32 && file_layout == LRP_LAYOUT_ROW_MAJOR);
    CHECK_OK(lrp_npy_read(path, got, 3, LRP_LAYOUT_ROW_MAJOR));
    /* float32 rounds to the nearest float; 1e-300 underflows to 0. */
    CHECK(got[0] == (double)(float)0.1 && got[1] == -2.5 && got[2] == 0.0);
    remove(path);
}

static void test_npy_reads_the_golden_files(void)
{
    char path[TEST_PATH_LEN], err[TEST_PATH_LEN + 256];
    NpyArray mine;
    int32_t rank = -1, dtype = -1, file_layout = -1;
    size_t dims[4] = {0, 0, 0, 0}, k;
    double *got;

    /* The library's reader and this suite's agree on a golden input, bit for bit. */
    golden_path(path, "lenet5_input.npy");
    if (!CHECK_MSG(npy_read(path, &mine, err, sizeof err) == 0, "%s", err)) {
        return;
    }
    CHECK_OK(lrp_npy_info(path, &rank, &dtype, &file_layout));
    CHECK(rank == 4 && dtype == LRP_DTYPE_F64 && file_layout == LRP_LAYOUT_ROW_MAJOR);
    for (k = 0; k < 4; k++) {
        CHECK_OK(lrp_npy_dim(path, k, &dims[k]));
    }
    CHECK(memcmp(dims, mine.shape, sizeof dims) == 0);
    got = alloc_doubles(mine.len);
    CHECK_OK(lrp_npy_read(path, got, mine.len, LRP_LAYOUT_ROW_MAJOR));
    CHECK(count_bit_differences(got, mine.data, mine.len) == 0);
    free(got);
    npy_free(&mine);

    /* The MNIST labels are uint8. */
    golden_path(path, "mnist10k_labels_u8.npy");
    CHECK_OK(lrp_npy_info(path, &rank, &dtype, &file_layout));
    CHECK(rank == 1 && dtype == LRP_DTYPE_U8);
    CHECK_OK(lrp_npy_dim(path, 0, &dims[0]));
    CHECK(dims[0] == 10000);
    got = alloc_doubles(10000);
    if (CHECK_OK(lrp_npy_read(path, got, 10000, LRP_LAYOUT_COL_MAJOR))) {
        int in_range = 1;
        for (k = 0; k < 10000; k++) {
            in_range &= got[k] >= 0 && got[k] <= 9 && got[k] == floor(got[k]);
        }
        CHECK(in_range);
    }
    free(got);
}

static void test_npy_failures(void)
{
    char path[TEST_PATH_LEN], missing[TEST_PATH_LEN], bad[TEST_PATH_LEN], where[TEST_PATH_LEN];
    double a[A_LEN], out[A_LEN];
    int32_t rank = 77, dtype = 77, file_layout = 77;
    size_t dim = 77;

    small_array(a);
    tmp_path(path, "ok.npy");
    tmp_path(missing, "missing.npy");
    tmp_path(bad, "bad.npy");
    CHECK_OK(lrp_npy_write(path, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                           LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR));

    /* NULL arguments; no output is written. */
    CHECK_FAILS(lrp_npy_info(NULL, &rank, &dtype, &file_layout), LRP_ERR_NULL_ARGUMENT,
                "lrp_npy_info", "path is NULL");
    CHECK_FAILS(lrp_npy_info(path, NULL, &dtype, &file_layout), LRP_ERR_NULL_ARGUMENT,
                "rank is NULL");
    CHECK_FAILS(lrp_npy_info(path, &rank, NULL, &file_layout), LRP_ERR_NULL_ARGUMENT,
                "dtype is NULL");
    CHECK_FAILS(lrp_npy_info(path, &rank, &dtype, NULL), LRP_ERR_NULL_ARGUMENT,
                "file_layout is NULL");
    CHECK_FAILS(lrp_npy_dim(NULL, 0, &dim), LRP_ERR_NULL_ARGUMENT, "lrp_npy_dim", "path");
    CHECK_FAILS(lrp_npy_dim(path, 0, NULL), LRP_ERR_NULL_ARGUMENT, "lrp_npy_dim", "dim is NULL");
    CHECK_FAILS(lrp_npy_read(NULL, out, A_LEN, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_NULL_ARGUMENT,
                "lrp_npy_read", "path is NULL");
    CHECK_FAILS(lrp_npy_read(path, NULL, A_LEN, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_NULL_ARGUMENT,
                "lrp_npy_read", "out is NULL");
    CHECK_FAILS(lrp_npy_write(NULL, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_npy_write", "path is NULL");
    CHECK_FAILS(lrp_npy_write(bad, NULL, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_npy_write", "data is NULL");
    CHECK(rank == 77 && dtype == 77 && file_layout == 77 && dim == 77);

    /* Missing file: I/O error naming it. */
    CHECK_FAILS(lrp_npy_info(missing, &rank, &dtype, &file_layout), LRP_ERR_IO, "lrp_npy_info",
                missing);
    CHECK_FAILS(lrp_npy_dim(missing, 0, &dim), LRP_ERR_IO, "lrp_npy_dim", missing);
    fill(out, A_LEN, SENTINEL);
    CHECK_FAILS(lrp_npy_read(missing, out, A_LEN, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_IO,
                "lrp_npy_read", missing);
    tmp_path(where, "no-such-dir/x.npy");
    CHECK_FAILS(lrp_npy_write(where, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_IO, "lrp_npy_write", where);

    /* Malformed files: parse errors naming the file. */
    if (write_text_file(bad, "not an npy file\n")) {
        CHECK_FAILS(lrp_npy_info(bad, &rank, &dtype, &file_layout), LRP_ERR_PARSE,
                    "lrp_npy_info", bad);
        CHECK_FAILS(lrp_npy_read(bad, out, A_LEN, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_PARSE,
                    "lrp_npy_read", bad);
    }
    if (write_npy_by_hand(bad, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
                          16)) {
        CHECK_FAILS(lrp_npy_info(bad, &rank, &dtype, &file_layout), LRP_ERR_PARSE,
                    "lrp_npy_info", bad, "c16");
    }
    /* A valid header promising 4 doubles, with only 1 in the file. */
    if (write_npy_by_hand(bad, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                          8)) {
        CHECK_FAILS(lrp_npy_read(bad, out, A_LEN, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_PARSE,
                    "lrp_npy_read", bad);
    }
    CHECK(rank == 77 && dtype == 77 && file_layout == 77);
    CHECK(all_equal_to(out, A_LEN, SENTINEL));

    /* Short buffer, bad layout, axis past the rank. */
    CHECK_FAILS(lrp_npy_read(path, out, A_LEN - 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_npy_read", "out has 23 elements", "expected 24");
    CHECK_FAILS(lrp_npy_read(path, out, A_LEN, 2), LRP_ERR_INVALID_ARGUMENT, "lrp_npy_read",
                "layout");
    CHECK(all_equal_to(out, A_LEN, SENTINEL));
    CHECK_FAILS(lrp_npy_dim(path, 3, &dim), LRP_ERR_INVALID_ARGUMENT, "lrp_npy_dim", "axis 3",
                "[2, 3, 4]");
    CHECK(dim == 77);
    remove(bad);

    /* Writing: bad arguments write no file. */
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN - 1, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_npy_write", "data has 23 elements", "expected 24");
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 7, 2, 3, 4, 1, 1, 1, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_F64, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "rank", "given 7");
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR, 0,
                              LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "dtype", "given 0");
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_I64 + 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "dtype");
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, 5, LRP_DTYPE_F64,
                              LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "layout");
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_F64, -1),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "layout");
    /* Values the element type cannot hold: the first offending index is named. */
    a[5] = 256;
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_U8, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "256", "[0, 1, 1]", "uint8");
    a[5] = 1.5;
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_I32, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "1.5", "int32");
    a[5] = NAN;
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_I64, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "NaN", "int64");
    a[5] = 2147483648.0; /* 2^31 */
    CHECK_FAILS(lrp_npy_write(bad, a, A_LEN, 3, 2, 3, 4, 0, 0, 0, LRP_LAYOUT_ROW_MAJOR,
                              LRP_DTYPE_I32, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_npy_write", "int32");
    CHECK_MSG(!file_exists(bad), "%s was written by a failing lrp_npy_write", bad);
    remove(bad);
    remove(path);
}

/* ---- Plain-text matrices ------------------------------------------------------------- */

static void test_txt_round_trip_and_format(void)
{
    /* 2 x 3, with the values MATLAB writes specially. */
    double m[6] = {0.1, -2.5, 1e-300, NAN, INFINITY, -INFINITY};
    double m_col[6], got[6];
    size_t shape[2] = {2, 3}, rows = 0, cols = 0, k;
    char path[TEST_PATH_LEN];

    tmp_path(path, "matrix.txt");
    to_col_major(m, m_col, shape, 2);
    CHECK_OK(lrp_txt_write(path, m, 6, 2, 3, LRP_LAYOUT_ROW_MAJOR));
    CHECK_OK(lrp_txt_shape(path, &rows, &cols));
    CHECK(rows == 2 && cols == 3);
    CHECK_OK(lrp_txt_read(path, got, 6, LRP_LAYOUT_ROW_MAJOR));
    for (k = 0; k < 6; k++) {
        CHECK_MSG(isnan(m[k]) ? isnan(got[k]) : got[k] == m[k], "element %lu: %.17g vs %.17g",
                  (unsigned long)k, got[k], m[k]);
    }
    /* Written from column-major memory: the same file. */
    CHECK_OK(lrp_txt_write(path, m_col, 6, 2, 3, LRP_LAYOUT_COL_MAJOR));
    CHECK_OK(lrp_txt_read(path, got, 6, LRP_LAYOUT_COL_MAJOR));
    for (k = 0; k < 6; k++) {
        CHECK(isnan(m_col[k]) ? isnan(got[k]) : got[k] == m_col[k]);
    }

    /* Commas, comments and blank lines as numpy and MATLAB files have them. */
    if (write_text_file(path, "# a header\n1, 2 3\n\n4 5 6 % a note\n")) {
        double want[6] = {1, 2, 3, 4, 5, 6};
        CHECK_OK(lrp_txt_shape(path, &rows, &cols));
        CHECK(rows == 2 && cols == 3);
        CHECK_OK(lrp_txt_read(path, got, 6, LRP_LAYOUT_ROW_MAJOR));
        CHECK(count_bit_differences(got, want, 6) == 0);
    }
    /* No numbers: 0 x 0. */
    if (write_text_file(path, "# nothing\n\n")) {
        CHECK_OK(lrp_txt_shape(path, &rows, &cols));
        CHECK(rows == 0 && cols == 0);
        CHECK_OK(lrp_txt_read(path, got, 0, LRP_LAYOUT_ROW_MAJOR));
    }
    remove(path);
}

static void test_txt_failures(void)
{
    char path[TEST_PATH_LEN], missing[TEST_PATH_LEN], where[TEST_PATH_LEN + 32];
    double m[6] = {1, 2, 3, 4, 5, 6}, out[6];
    size_t rows = 77, cols = 77;

    tmp_path(path, "bad.txt");
    tmp_path(missing, "missing.txt");
    fill(out, 6, SENTINEL);
    CHECK_FAILS(lrp_txt_shape(NULL, &rows, &cols), LRP_ERR_NULL_ARGUMENT, "lrp_txt_shape",
                "path is NULL");
    CHECK_FAILS(lrp_txt_shape(path, NULL, &cols), LRP_ERR_NULL_ARGUMENT, "rows is NULL");
    CHECK_FAILS(lrp_txt_shape(path, &rows, NULL), LRP_ERR_NULL_ARGUMENT, "cols is NULL");
    CHECK_FAILS(lrp_txt_read(NULL, out, 6, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_NULL_ARGUMENT,
                "lrp_txt_read", "path is NULL");
    CHECK_FAILS(lrp_txt_write(NULL, m, 6, 2, 3, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_NULL_ARGUMENT,
                "lrp_txt_write", "path is NULL");
    CHECK_FAILS(lrp_txt_write(path, NULL, 6, 2, 3, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_NULL_ARGUMENT,
                "lrp_txt_write", "data is NULL");
    CHECK_FAILS(lrp_txt_write(path, m, 5, 2, 3, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_SHAPE_MISMATCH,
                "lrp_txt_write", "data has 5 elements", "expected 6");
    CHECK_FAILS(lrp_txt_write(path, m, 6, 2, 3, 3), LRP_ERR_INVALID_ARGUMENT, "lrp_txt_write",
                "layout");
    CHECK_MSG(!file_exists(path), "a failing lrp_txt_write wrote %s", path);
    tmp_path(where, "no-such-dir/m.txt");
    CHECK_FAILS(lrp_txt_write(where, m, 6, 2, 3, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_IO,
                "lrp_txt_write", where);

    CHECK_FAILS(lrp_txt_shape(missing, &rows, &cols), LRP_ERR_IO, "lrp_txt_shape", missing);
    CHECK_FAILS(lrp_txt_read(missing, out, 6, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_IO, "lrp_txt_read",
                missing);

    /* A token that is no number, on line 2. */
    if (write_text_file(path, "1 2 3\n4 five 6\n")) {
        snprintf(where, sizeof where, "%s:2:", path);
        CHECK_FAILS(lrp_txt_shape(path, &rows, &cols), LRP_ERR_PARSE, "lrp_txt_shape", where,
                    "'five'");
        CHECK_FAILS(lrp_txt_read(path, out, 6, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_PARSE,
                    "lrp_txt_read", where);
    }
    /* A row of another length, on line 3. */
    if (write_text_file(path, "1 2 3\n4 5 6\n7 8\n")) {
        snprintf(where, sizeof where, "%s:3:", path);
        CHECK_FAILS(lrp_txt_shape(path, &rows, &cols), LRP_ERR_PARSE, "lrp_txt_shape", where,
                    "2 values");
    }
    /* Not text at all. */
    if (write_text_file(path, "1 2\n\xff\xfe\n")) {
        CHECK_FAILS(lrp_txt_read(path, out, 6, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_PARSE,
                    "lrp_txt_read", path, "UTF-8");
    }
    CHECK(rows == 77 && cols == 77);

    /* Short buffer, NULL buffer, bad layout. */
    if (write_text_file(path, "1 2 3\n4 5 6\n")) {
        CHECK_FAILS(lrp_txt_read(path, out, 5, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_SHAPE_MISMATCH,
                    "lrp_txt_read", "out has 5 elements", "expected 6");
        CHECK_FAILS(lrp_txt_read(path, NULL, 6, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_NULL_ARGUMENT,
                    "lrp_txt_read", "out is NULL");
        CHECK_FAILS(lrp_txt_read(path, out, 6, -1), LRP_ERR_INVALID_ARGUMENT, "lrp_txt_read",
                    "layout");
    }
    CHECK(all_equal_to(out, 6, SENTINEL));
    remove(path);
}

void suite_data_files(void)
{
    RUN_TEST(test_npy_round_trip_in_every_type_and_order);
    RUN_TEST(test_npy_scalars_vectors_and_float32);
    RUN_TEST(test_npy_reads_the_golden_files);
    RUN_TEST(test_npy_failures);
    RUN_TEST(test_txt_round_trip_and_format);
    RUN_TEST(test_txt_failures);
}

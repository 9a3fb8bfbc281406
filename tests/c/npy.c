/*
 * The .npy format: the magic "\x93NUMPY", a major and a minor version byte, the header's
 * length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then the
 * header, a Python dict literal such as
 *     {'descr': '<f8', 'fortran_order': False, 'shape': (16, 32, 32, 1), }
 * padded with spaces and a newline, then the raw data.
 */
#include "npy.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t err_len, const char *path, const char *fmt, ...)
{
    va_list args;
    int used = snprintf(err, err_len, "%s: ", path);
    if (used >= 0 && (size_t)used < err_len) {
        va_start(args, fmt);
        vsnprintf(err + used, err_len - (size_t)used, fmt, args);
        va_end(args);
    }
    return -1;
}

/* The text after `key` and its colon in the header dict, or NULL. */
static const char *dict_value(const char *header, const char *key)
{
    const char *p = strstr(header, key);
    if (p == NULL) {
        return NULL;
    }
    p += strlen(key);
    while (*p == ' ' || *p == ':') {
        p++;
    }
    return p;
}

/* Parses "(16, 32, 32, 1)", "(5,)" or "()" into `a`. Returns 0 on success. */
static int parse_shape(const char *p, NpyArray *a)
{
    if (*p != '(') {
        return -1;
    }
    p++;
    a->rank = 0;
    for (;;) {
        char *end;
        unsigned long long d;
        while (*p == ' ' || *p == ',') {
            p++;
        }
        if (*p == ')') {
            return 0;
        }
        if (a->rank == NPY_MAX_RANK || *p < '0' || *p > '9') {
            return -1;
        }
        d = strtoull(p, &end, 10);
        a->shape[a->rank++] = (size_t)d;
        p = end;
    }
}

/* Decodes one little-endian IEEE double, whatever the host's byte order. */
static double decode_f8(const unsigned char *b)
{
    uint64_t bits = 0;
    double v;
    int i;
    for (i = 7; i >= 0; i--) {
        bits = (bits << 8) | b[i];
    }
    memcpy(&v, &bits, sizeof v);
    return v;
}

int npy_read(const char *path, NpyArray *out, char *err, size_t err_len)
{
    unsigned char prefix[12];
    unsigned char *raw = NULL;
    char *header = NULL;
    size_t header_len, i;
    const char *v;
    NpyArray a;
    FILE *f;
    int status = -1;

    memset(out, 0, sizeof *out);
    memset(&a, 0, sizeof a);
    f = fopen(path, "rb");
    if (f == NULL) {
        return fail(err, err_len, path, "cannot open");
    }
    if (fread(prefix, 1, 10, f) != 10 || memcmp(prefix, "\x93NUMPY", 6) != 0) {
        fail(err, err_len, path, "not an .npy file");
        goto done;
    }
    if (prefix[6] == 1) {
        header_len = (size_t)prefix[8] | (size_t)prefix[9] << 8;
    } else if (prefix[6] == 2 || prefix[6] == 3) {
        if (fread(prefix + 10, 1, 2, f) != 2) {
            fail(err, err_len, path, "truncated header");
            goto done;
        }
        header_len = (size_t)prefix[8] | (size_t)prefix[9] << 8 | (size_t)prefix[10] << 16 |
                     (size_t)prefix[11] << 24;
    } else {
        fail(err, err_len, path, "unsupported .npy version %d", prefix[6]);
        goto done;
    }
    header = malloc(header_len + 1);
    if (header == NULL || fread(header, 1, header_len, f) != header_len) {
        fail(err, err_len, path, "truncated header");
        goto done;
    }
    header[header_len] = '\0';

    v = dict_value(header, "'descr'");
    if (v == NULL || strncmp(v, "'<f8'", 5) != 0) {
        fail(err, err_len, path, "dtype is not '<f8' (header %s)", header);
        goto done;
    }
    v = dict_value(header, "'fortran_order'");
    if (v == NULL || strncmp(v, "False", 5) != 0) {
        fail(err, err_len, path, "fortran_order is not False (header %s)", header);
        goto done;
    }
    v = dict_value(header, "'shape'");
    if (v == NULL || parse_shape(v, &a) != 0) {
        fail(err, err_len, path, "cannot read a shape of at most %d dimensions (header %s)",
             NPY_MAX_RANK, header);
        goto done;
    }

    a.len = 1;
    for (i = 0; i < (size_t)a.rank; i++) {
        a.len *= a.shape[i];
    }
    raw = malloc(a.len * 8 + 1);
    a.data = malloc(a.len * sizeof(double) + 1);
    if (raw == NULL || a.data == NULL) {
        fail(err, err_len, path, "out of memory for %lu doubles", (unsigned long)a.len);
        goto done;
    }
    if (fread(raw, 8, a.len, f) != a.len) {
        fail(err, err_len, path, "truncated data: expected %lu doubles", (unsigned long)a.len);
        goto done;
    }
    if (fgetc(f) != EOF) {
        fail(err, err_len, path, "trailing bytes after %lu doubles", (unsigned long)a.len);
        goto done;
    }
    for (i = 0; i < a.len; i++) {
        a.data[i] = decode_f8(raw + 8 * i);
    }
    *out = a;
    a.data = NULL;
    status = 0;

done:
    free(a.data);
    free(raw);
    free(header);
    fclose(f);
    return status;
}

void npy_free(NpyArray *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

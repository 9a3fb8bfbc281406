/*
 * npy.h: a small reader for NumPy .npy files of float64 ('<f8'), for the lrp examples.
 * Header-only: in one C file, include it and call npy_read / npy_free.
 *
 *   npy_array a;
 *   if (npy_read("x.npy", &a) != 0) { fprintf(stderr, "%s\n", a.error); ... }
 *   a.data[i]: a.count doubles, a.shape[0..a.ndim-1], a.fortran_order 0 (C order) or 1
 *   npy_free(&a);
 */
#ifndef LRP_EXAMPLES_NPY_H
#define LRP_EXAMPLES_NPY_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAX_DIMS 8

typedef struct {
    double *data;
    size_t count;
    size_t shape[NPY_MAX_DIMS];
    int ndim;
    int fortran_order;
    char error[256];
} npy_array;

static void npy_free(npy_array *a) {
    free(a->data);
    a->data = NULL;
    a->count = 0;
}

/* Reads `path` into `a`. Returns 0, or -1 with a message in a->error. */
static int npy_read(const char *path, npy_array *a) {
    unsigned char magic[10];
    size_t header_len, i;
    char *header = NULL;
    const char *p;
    FILE *f;

    memset(a, 0, sizeof *a);
    f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(a->error, sizeof a->error, "%s: cannot open", path);
        return -1;
    }
    if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0) {
        snprintf(a->error, sizeof a->error, "%s: not a .npy file", path);
        goto fail;
    }
    if (magic[6] == 1) {
        header_len = (size_t)magic[8] | ((size_t)magic[9] << 8);
    } else {
        /* Versions 2 and 3: a 4-byte length; two of its bytes are already read. */
        unsigned char more[2];
        if (fread(more, 1, 2, f) != 2) {
            snprintf(a->error, sizeof a->error, "%s: truncated header", path);
            goto fail;
        }
        header_len = (size_t)magic[8] | ((size_t)magic[9] << 8) | ((size_t)more[0] << 16) |
                     ((size_t)more[1] << 24);
    }
    header = malloc(header_len + 1);
    if (header == NULL || fread(header, 1, header_len, f) != header_len) {
        snprintf(a->error, sizeof a->error, "%s: truncated header", path);
        goto fail;
    }
    header[header_len] = '\0';
    if (strstr(header, "'descr': '<f8'") == NULL) {
        snprintf(a->error, sizeof a->error, "%s: only little-endian float64 ('<f8') is read", path);
        goto fail;
    }
    a->fortran_order = strstr(header, "'fortran_order': True") != NULL;
    p = strstr(header, "'shape': (");
    if (p == NULL) {
        snprintf(a->error, sizeof a->error, "%s: no shape in the header", path);
        goto fail;
    }
    p += strlen("'shape': (");
    a->count = 1;
    while (*p != ')' && *p != '\0') {
        char *end;
        unsigned long long d = strtoull(p, &end, 10);
        if (end == p) {
            break;
        }
        if (a->ndim == NPY_MAX_DIMS) {
            snprintf(a->error, sizeof a->error, "%s: more than %d dimensions", path, NPY_MAX_DIMS);
            goto fail;
        }
        a->shape[a->ndim++] = (size_t)d;
        a->count *= (size_t)d;
        p = end;
        while (*p == ',' || *p == ' ') {
            ++p;
        }
    }
    a->data = malloc((a->count > 0 ? a->count : 1) * sizeof(double));
    if (a->data == NULL) {
        snprintf(a->error, sizeof a->error, "%s: out of memory", path);
        goto fail;
    }
    for (i = 0; i < a->count; ++i) {
        unsigned char b[8];
        unsigned long long bits = 0;
        int k;
        if (fread(b, 1, 8, f) != 8) {
            snprintf(a->error, sizeof a->error, "%s: truncated data", path);
            goto fail;
        }
        for (k = 7; k >= 0; --k) {
            bits = (bits << 8) | b[k];
        }
        memcpy(&a->data[i], &bits, sizeof(double));
    }
    free(header);
    fclose(f);
    return 0;

fail:
    free(header);
    npy_free(a);
    fclose(f);
    return -1;
}

#endif /* LRP_EXAMPLES_NPY_H */

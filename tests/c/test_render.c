/*
 * Rendering through the C API: colour maps, heatmaps and inputs as RGB images, enlarging,
 * the corner repaint, Canny edges and PNG files; then the failure paths (NULLs, short
 * buffers, wrong lengths, unknown colour maps, bad flags and sizes, NaN).
 *
 * Images are H x W x 3 doubles in [0, 1]. Expected values come from the toolbox's
 * definitions (pixel repetition, corner means) or from lrp_render_colormap itself, so
 * that the functions are checked against each other in both layouts.
 */
#include "harness.h"
#include "lrp.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int in_unit_range(const double *a, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        if (!(a[k] >= 0.0 && a[k] <= 1.0)) {
            return 0;
        }
    }
    return 1;
}

/* The colour of `u` under `cmap` (row-major r, g, b), or all SENTINEL after a failure. */
static void colour_of(const char *cmap, double u, double rgb[3])
{
    fill(rgb, 3, SENTINEL);
    CHECK_OK(lrp_render_colormap(cmap, &u, 1, LRP_LAYOUT_ROW_MAJOR, rgb, 3));
}

/* Reads the width and height from a PNG's IHDR chunk; 0 if the file is no PNG. */
static int png_size(const char *path, unsigned long *w, unsigned long *h)
{
    unsigned char b[24];
    FILE *f = fopen(path, "rb");
    size_t n = f == NULL ? 0 : fread(b, 1, sizeof b, f);
    if (f != NULL) {
        fclose(f);
    }
    if (n != sizeof b || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(b + 12, "IHDR", 4)) {
        return 0;
    }
    *w = (unsigned long)b[16] << 24 | (unsigned long)b[17] << 16 | (unsigned long)b[18] << 8 |
         b[19];
    *h = (unsigned long)b[20] << 24 | (unsigned long)b[21] << 16 | (unsigned long)b[22] << 8 |
         b[23];
    return 1;
}

/* ---- Colours ------------------------------------------------------------------------- */

static void test_colormaps(void)
{
    static const char *const names[] = {"jet", "binary", "gray", "gray-red", "gray-red2",
                                        "black-green", "black-firered", "black-yellow",
                                        "blue-black-yellow", "seismic", "bwr", "coldnhot"};
    double u[5] = {0.0, 0.25, 0.5, 0.75, 1.0}, rgb[15], rgb_col[15], want_col[15];
    double a[3], b[3];
    size_t k, shape[2] = {5, 3};

    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        fill(rgb, 15, SENTINEL);
        CHECK_MSG(lrp_render_colormap(names[k], u, 5, LRP_LAYOUT_ROW_MAJOR, rgb, 15) == LRP_OK,
                  "colour map %s: %s", names[k], lrp_last_error());
        CHECK_MSG(in_unit_range(rgb, 15), "colour map %s leaves [0, 1]", names[k]);
        /* Column-major callers get the u_len x 3 matrix in Fortran order. */
        CHECK_OK(lrp_render_colormap(names[k], u, 5, LRP_LAYOUT_COL_MAJOR, rgb_col, 15));
        to_col_major(rgb, want_col, shape, 2);
        CHECK_MSG(count_bit_differences(rgb_col, want_col, 15) == 0, "%s column-major",
                  names[k]);
    }
    /* Ends of the maps: binary is white to black, gray black to white, jet dark blue to
     * dark red (MATLAB's jet). */
    colour_of("binary", 0.0, a);
    colour_of("binary", 1.0, b);
    CHECK(a[0] == 1.0 && a[1] == 1.0 && a[2] == 1.0 && b[0] == 0.0 && b[1] == 0.0 &&
          b[2] == 0.0);
    colour_of("gray", 0.0, a);
    colour_of("gray", 1.0, b);
    CHECK(a[0] == 0.0 && a[2] == 0.0 && b[0] == 1.0 && b[2] == 1.0);
    colour_of("jet", 0.0, a);
    colour_of("jet", 1.0, b);
    CHECK_MSG(a[0] == 0.0 && a[1] == 0.0 && a[2] >= 0.5 && b[0] >= 0.5 && b[1] == 0.0 &&
                  b[2] == 0.0,
              "jet(0) = (%g %g %g), jet(1) = (%g %g %g)", a[0], a[1], a[2], b[0], b[1], b[2]);
    /* Names are case-insensitive; values are clipped; NaN counts as 0. */
    colour_of("JET", 0.0, b);
    CHECK(count_bit_differences(a, b, 3) == 0);
    colour_of("jet", -3.0, b);
    CHECK(count_bit_differences(a, b, 3) == 0);
    colour_of("jet", NAN, b);
    CHECK(count_bit_differences(a, b, 3) == 0);
    colour_of("jet", 1.0, a);
    colour_of("jet", 7.0, b);
    CHECK(count_bit_differences(a, b, 3) == 0);
}

/* ---- Images -------------------------------------------------------------------------- */

static void test_hm_to_rgb_colours_and_enlarges(void)
{
    /* 2 x 2 relevance; with normalize, t = r / max|r|. */
    static const double r[4] = {-2.0, 0.0, 1.0, 2.0};
    const size_t s = 2, oh = 4, ow = 4, n = 4 * 4 * 3;
    double out[48], out_col[48], want_col[48], r_col[4], colour[3];
    size_t shape_r[2] = {2, 2}, shape_out[3] = {4, 4, 3}, i, j, c;
    int ok = 1;

    CHECK_OK(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, s, 2.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                  out, n));
    /* Each pixel is the jet colour of (t + 1) / 2, repeated s x s times. */
    for (i = 0; i < oh; i++) {
        for (j = 0; j < ow; j++) {
            double t = r[(i / s) * 2 + j / s] / 2.0;
            colour_of("jet", (t + 1.0) / 2.0, colour);
            for (c = 0; c < 3; c++) {
                ok &= out[(i * ow + j) * 3 + c] == colour[c];
            }
        }
    }
    CHECK_MSG(ok, "hm_to_rgb differs from jet of the normalised relevance");

    /* In column-major: the same image in Fortran order. */
    to_col_major(r, r_col, shape_r, 2);
    to_col_major(out, want_col, shape_out, 3);
    CHECK_OK(lrp_render_hm_to_rgb(r_col, 4, 2, 2, NULL, 0, s, 2.0, "jet", 1,
                                  LRP_LAYOUT_COL_MAJOR, out_col, n));
    CHECK(count_bit_differences(out_col, want_col, n) == 0);

    /* Without normalize, values are clipped to [-1, 1]: r / 2 is not r clipped. */
    CHECK_OK(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, 1, 2.0, "bwr", 0, LRP_LAYOUT_ROW_MAJOR,
                                  out, 12));
    colour_of("bwr", 0.0, colour);
    CHECK(count_bit_differences(out, colour, 3) == 0);
    colour_of("bwr", 1.0, colour);
    CHECK(count_bit_differences(out + 9, colour, 3) == 0);
}

static void test_hm_to_rgb_draws_the_input_outline(void)
{
    /* A bright square on a dark 12 x 12 input: its Canny outline is drawn in black. */
    double r[144], x[144], out[144 * 3];
    size_t i, j, black = 0;
    for (i = 0; i < 12; i++) {
        for (j = 0; j < 12; j++) {
            x[i * 12 + j] = i >= 3 && i < 9 && j >= 3 && j < 9 ? 1.0 : 0.0;
            r[i * 12 + j] = 0.5; /* one colour everywhere but the outline */
        }
    }
    CHECK_OK(lrp_render_hm_to_rgb(r, 144, 12, 12, x, 144, 1, 1.0, "jet", 0,
                                  LRP_LAYOUT_ROW_MAJOR, out, 144 * 3));
    CHECK(in_unit_range(out, 144 * 3));
    for (i = 0; i < 144; i++) {
        black += out[3 * i] == 0.0 && out[3 * i + 1] == 0.0 && out[3 * i + 2] == 0.0;
    }
    CHECK_MSG(black > 0 && black < 144, "%lu black pixels", (unsigned long)black);
}

static void test_digit_to_rgb_scales_to_the_range(void)
{
    static const double x[4] = {-1.0, 0.0, 1.0, 3.0};
    static const double flat[4] = {2.0, 2.0, 2.0, 2.0};
    double out[12], white[3] = {1.0, 1.0, 1.0}, black[3] = {0.0, 0.0, 0.0}, colour[3];
    size_t k;
    /* binary: the minimum is white, the maximum black. */
    CHECK_OK(lrp_render_digit_to_rgb(x, 4, 2, 2, 1, NULL, LRP_LAYOUT_ROW_MAJOR, out, 12));
    CHECK(count_bit_differences(out, white, 3) == 0);
    CHECK(count_bit_differences(out + 9, black, 3) == 0);
    colour_of("binary", 0.5, colour);
    CHECK(count_bit_differences(out + 6, colour, 3) == 0);
    /* A constant image is all 0: all white. */
    CHECK_OK(lrp_render_digit_to_rgb(flat, 4, 2, 2, 1, "binary", LRP_LAYOUT_COL_MAJOR, out, 12));
    for (k = 0; k < 12; k++) {
        CHECK(out[k] == 1.0);
    }
}

static void test_enlarge_repeats_pixels(void)
{
    static const double img[8] = {1, 10, 2, 20, 3, 30, 4, 40}; /* 2 x 2 x 2 */
    double out[6 * 6 * 2], out_col[6 * 6 * 2], img_col[8], want_col[6 * 6 * 2];
    size_t shape_in[3] = {2, 2, 2}, shape_out[3] = {6, 6, 2}, i, j, c;
    int ok = 1;
    CHECK_OK(lrp_render_enlarge(img, 8, 2, 2, 2, 3, LRP_LAYOUT_ROW_MAJOR, out, 72));
    for (i = 0; i < 6; i++) {
        for (j = 0; j < 6; j++) {
            for (c = 0; c < 2; c++) {
                ok &= out[(i * 6 + j) * 2 + c] == img[((i / 3) * 2 + j / 3) * 2 + c];
            }
        }
    }
    CHECK(ok);
    to_col_major(img, img_col, shape_in, 3);
    to_col_major(out, want_col, shape_out, 3);
    CHECK_OK(lrp_render_enlarge(img_col, 8, 2, 2, 2, 3, LRP_LAYOUT_COL_MAJOR, out_col, 72));
    CHECK(count_bit_differences(out_col, want_col, 72) == 0);
}

static void test_repaint_corner_pixels(void)
{
    /* 5 x 4 x 3, every value distinct; scaling 2. */
    const size_t h = 5, w = 4, s = 2;
    double img[60], before[60];
    size_t i, j, c, k;
    int ok = 1;
    for (k = 0; k < 60; k++) {
        img[k] = (double)k / 64.0;
    }
    memcpy(before, img, sizeof img);
    CHECK_OK(lrp_render_repaint_corner_pixels(img, 60, h, w, s, LRP_LAYOUT_ROW_MAJOR));
#define AT(a, i, j, c) (a)[((i) * w + (j)) * 3 + (c)]
    for (i = 0; i < h; i++) {
        for (j = 0; j < w; j++) {
            for (c = 0; c < 3; c++) {
                double want = AT(before, i, j, c);
                if (i < s && j < s) {
                    want = (AT(before, 0, s, c) + AT(before, s, 0, c) + AT(before, s, s, c)) / 3;
                } else if (i >= h - s && j >= w - s) {
                    want = (AT(before, h - 1, w - 1 - s, c) + AT(before, h - 1 - s, w - 1, c) +
                            AT(before, h - 1 - s, w - 1 - s, c)) /
                           3;
                }
                ok &= fabs(AT(img, i, j, c) - want) <= 1e-15;
            }
        }
    }
#undef AT
    CHECK_MSG(ok, "corners are the means of their three outside neighbours");
}

static void test_canny_finds_the_square(void)
{
    double x[256], x_col[256], edges[256], edges_col[256], want_col[256];
    size_t shape[2] = {16, 16}, i, j, on = 0, border = 0;
    for (i = 0; i < 16; i++) {
        for (j = 0; j < 16; j++) {
            x[i * 16 + j] = i >= 4 && i < 12 && j >= 4 && j < 12 ? 1.0 : 0.0;
        }
    }
    CHECK_OK(lrp_render_canny(x, 256, 16, 16, 1.0, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, edges, 256));
    for (i = 0; i < 16; i++) {
        for (j = 0; j < 16; j++) {
            double e = edges[i * 16 + j];
            CHECK_MSG(e == 0.0 || e == 1.0, "edge map value %g", e);
            on += e == 1.0;
            if (i == 0 || j == 0 || i == 15 || j == 15) {
                border += e != 0.0;
            }
        }
    }
    CHECK_MSG(on >= 16 && on < 128, "%lu edge pixels", (unsigned long)on);
    CHECK(border == 0);
    CHECK(edges[8 * 16 + 8] == 0.0); /* the square's inside */
    to_col_major(x, x_col, shape, 2);
    to_col_major(edges, want_col, shape, 2);
    CHECK_OK(lrp_render_canny(x_col, 256, 16, 16, 1.0, 0.1, 0.2, LRP_LAYOUT_COL_MAJOR,
                              edges_col, 256));
    CHECK(count_bit_differences(edges_col, want_col, 256) == 0);
}

static void test_png_files(void)
{
    char path[TEST_PATH_LEN];
    double img[4 * 5 * 3];
    int32_t widths[2] = {2, 3};
    unsigned long w = 0, h = 0;
    size_t k;
    for (k = 0; k < 60; k++) {
        img[k] = (double)(k % 7) / 6.0;
    }
    tmp_path(path, "image.png");
    CHECK_OK(lrp_render_save_png(path, img, 60, 4, 5, LRP_LAYOUT_ROW_MAJOR));
    CHECK(png_size(path, &w, &h) && w == 5 && h == 4);
    CHECK_OK(lrp_render_save_png(path, img, 60, 4, 5, LRP_LAYOUT_COL_MAJOR));
    CHECK(png_size(path, &w, &h) && w == 5 && h == 4);
    /* Two images of widths 2 and 3 with a gap of 1: 6 pixels wide. */
    CHECK_OK(lrp_render_save_images_png(path, img, 60, 4, widths, 2, 1, LRP_LAYOUT_ROW_MAJOR));
    CHECK(png_size(path, &w, &h) && w == 6 && h == 4);
    remove(path);
}

/* ---- Failures ------------------------------------------------------------------------ */

static void test_render_failures(void)
{
    double u[2] = {0.0, 1.0}, r[4] = {0.0, 1.0, -1.0, 0.5}, out[48], img[12];
    char path[TEST_PATH_LEN], where[TEST_PATH_LEN];
    int32_t widths[2] = {1, 1}, bad_widths[2] = {1, 0};
    FILE *f;

    fill(out, 48, SENTINEL);
    fill(img, 12, 0.5);
    tmp_path(path, "failing.png");

    /* lrp_render_colormap */
    CHECK_FAILS(lrp_render_colormap(NULL, u, 2, LRP_LAYOUT_ROW_MAJOR, out, 6),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_colormap", "cmap is NULL");
    CHECK_FAILS(lrp_render_colormap("jet", NULL, 2, LRP_LAYOUT_ROW_MAJOR, out, 6),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_colormap", "u is NULL");
    CHECK_FAILS(lrp_render_colormap("jet", u, 2, LRP_LAYOUT_ROW_MAJOR, NULL, 6),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_colormap", "rgb is NULL");
    CHECK_FAILS(lrp_render_colormap("jet", u, 2, LRP_LAYOUT_ROW_MAJOR, out, 5),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_colormap", "rgb has 5 elements",
                "expected 6");
    CHECK_FAILS(lrp_render_colormap("viridis", u, 2, LRP_LAYOUT_ROW_MAJOR, out, 6),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_colormap", "'viridis'", "jet");
    CHECK_FAILS(lrp_render_colormap("jet", u, 2, 2, out, 6), LRP_ERR_INVALID_ARGUMENT,
                "lrp_render_colormap", "layout");

    /* lrp_render_hm_to_rgb */
    CHECK_FAILS(lrp_render_hm_to_rgb(NULL, 4, 2, 2, NULL, 0, 2, 2.0, NULL, 1,
                                     LRP_LAYOUT_ROW_MAJOR, out, 48),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_hm_to_rgb", "r is NULL");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, 2, 2.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                     NULL, 48),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_hm_to_rgb", "out is NULL");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, 2, 2.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                     out, 47),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_hm_to_rgb", "out has 47 elements",
                "expected 48");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 3, 2, 2, NULL, 0, 2, 2.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                     out, 48),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_hm_to_rgb", "r has 3 elements",
                "expected 4");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, u, 2, 2, 2.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                     out, 48),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_hm_to_rgb", "x has 2 elements",
                "expected 4");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, 2, 2.0, "nope", 1,
                                     LRP_LAYOUT_ROW_MAJOR, out, 48),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_hm_to_rgb", "'nope'");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, 0, 2.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                     out, 48),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_hm_to_rgb", "scaling");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, r, 4, 2, -1.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                     out, 48),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_hm_to_rgb", "sigma");
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, 2, 2.0, NULL, 1, 7, out, 48),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_hm_to_rgb", "layout");
    r[2] = NAN;
    CHECK_FAILS(lrp_render_hm_to_rgb(r, 4, 2, 2, NULL, 0, 2, 2.0, NULL, 1, LRP_LAYOUT_ROW_MAJOR,
                                     out, 48),
                LRP_ERR_NON_FINITE, "lrp_render_hm_to_rgb", "NaN");
    r[2] = -1.0;

    /* lrp_render_digit_to_rgb */
    CHECK_FAILS(lrp_render_digit_to_rgb(NULL, 4, 2, 2, 1, NULL, LRP_LAYOUT_ROW_MAJOR, out, 12),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_digit_to_rgb", "x is NULL");
    CHECK_FAILS(lrp_render_digit_to_rgb(r, 4, 2, 2, 1, NULL, LRP_LAYOUT_ROW_MAJOR, NULL, 12),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_digit_to_rgb", "out is NULL");
    CHECK_FAILS(lrp_render_digit_to_rgb(r, 4, 2, 2, 2, NULL, LRP_LAYOUT_ROW_MAJOR, out, 47),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_digit_to_rgb", "expected 48");
    CHECK_FAILS(lrp_render_digit_to_rgb(r, 5, 2, 2, 1, NULL, LRP_LAYOUT_ROW_MAJOR, out, 12),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_digit_to_rgb", "x has 5 elements");
    CHECK_FAILS(lrp_render_digit_to_rgb(r, 4, 2, 2, 1, "Jett", LRP_LAYOUT_ROW_MAJOR, out, 12),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_digit_to_rgb", "'Jett'");
    CHECK_FAILS(lrp_render_digit_to_rgb(r, 4, 2, 2, 1, NULL, -1, out, 12),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_digit_to_rgb", "layout");

    /* lrp_render_enlarge */
    CHECK_FAILS(lrp_render_enlarge(NULL, 4, 2, 2, 1, 2, LRP_LAYOUT_ROW_MAJOR, out, 16),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_enlarge", "img is NULL");
    CHECK_FAILS(lrp_render_enlarge(r, 4, 2, 2, 1, 2, LRP_LAYOUT_ROW_MAJOR, NULL, 16),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_enlarge", "out is NULL");
    CHECK_FAILS(lrp_render_enlarge(r, 4, 2, 2, 1, 2, LRP_LAYOUT_ROW_MAJOR, out, 15),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_enlarge", "out has 15 elements",
                "expected 16");
    CHECK_FAILS(lrp_render_enlarge(r, 4, 2, 2, 2, 2, LRP_LAYOUT_ROW_MAJOR, out, 48),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_enlarge", "img has 4 elements",
                "expected 8");
    CHECK_FAILS(lrp_render_enlarge(r, 4, 2, 2, 1, 0, LRP_LAYOUT_ROW_MAJOR, out, 48),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_enlarge", "scaling");
    CHECK_FAILS(lrp_render_enlarge(r, 4, 2, 2, 1, 2, 9, out, 16), LRP_ERR_INVALID_ARGUMENT,
                "lrp_render_enlarge", "layout");
    CHECK(all_equal_to(out, 48, SENTINEL));

    /* lrp_render_repaint_corner_pixels: the image changes only on success. */
    CHECK_FAILS(lrp_render_repaint_corner_pixels(NULL, 12, 2, 2, 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_repaint_corner_pixels", "img is NULL");
    CHECK_FAILS(lrp_render_repaint_corner_pixels(img, 11, 2, 2, 1, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_repaint_corner_pixels", "img has 11",
                "expected 12");
    img[0] = 0.0;
    CHECK_FAILS(lrp_render_repaint_corner_pixels(img, 12, 2, 2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_repaint_corner_pixels", "scaling");
    CHECK_FAILS(lrp_render_repaint_corner_pixels(img, 12, 2, 2, 0, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_repaint_corner_pixels", "scaling");
    CHECK_FAILS(lrp_render_repaint_corner_pixels(img, 12, 2, 2, 1, 3), LRP_ERR_INVALID_ARGUMENT,
                "lrp_render_repaint_corner_pixels", "layout");
    CHECK(img[0] == 0.0 && all_equal_to(img + 1, 11, 0.5));

    /* lrp_render_canny */
    CHECK_FAILS(lrp_render_canny(NULL, 4, 2, 2, 1.0, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, out, 4),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_canny", "x is NULL");
    CHECK_FAILS(lrp_render_canny(r, 4, 2, 2, 1.0, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, NULL, 4),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_canny", "edges is NULL");
    CHECK_FAILS(lrp_render_canny(r, 4, 2, 2, 1.0, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, out, 3),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_canny", "edges has 3 elements",
                "expected 4");
    CHECK_FAILS(lrp_render_canny(r, 3, 2, 2, 1.0, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, out, 4),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_canny", "x has 3 elements");
    CHECK_FAILS(lrp_render_canny(r, 4, 2, 2, 1.0, 0.3, 0.2, LRP_LAYOUT_ROW_MAJOR, out, 4),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_canny", "low 0.3", "high 0.2");
    CHECK_FAILS(lrp_render_canny(r, 4, 2, 2, -0.5, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, out, 4),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_canny", "sigma");
    CHECK_FAILS(lrp_render_canny(r, 4, 2, 2, 1.0, 0.1, 0.2, 2, out, 4),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_canny", "layout");
    r[1] = INFINITY;
    CHECK_FAILS(lrp_render_canny(r, 4, 2, 2, 1.0, 0.1, 0.2, LRP_LAYOUT_ROW_MAJOR, out, 4),
                LRP_ERR_NON_FINITE, "lrp_render_canny", "[0, 1]");
    r[1] = 1.0;
    CHECK(all_equal_to(out, 48, SENTINEL));

    /* lrp_render_save_png and lrp_render_save_images_png: nothing is written on failure. */
    CHECK_FAILS(lrp_render_save_png(NULL, img, 12, 2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_save_png", "path is NULL");
    CHECK_FAILS(lrp_render_save_png(path, NULL, 12, 2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_save_png", "img is NULL");
    CHECK_FAILS(lrp_render_save_png(path, img, 11, 2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_save_png", "img has 11", "expected 12");
    CHECK_FAILS(lrp_render_save_png(path, img, 12, 2, 2, 4), LRP_ERR_INVALID_ARGUMENT,
                "lrp_render_save_png", "layout");
    img[4] = NAN;
    CHECK_FAILS(lrp_render_save_png(path, img, 12, 2, 2, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NON_FINITE, "lrp_render_save_png", "NaN");
    CHECK_FAILS(lrp_render_save_images_png(path, img, 12, 2, widths, 2, 0,
                                           LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NON_FINITE, "lrp_render_save_images_png");
    img[4] = 0.5;
    f = fopen(path, "rb");
    CHECK_MSG(f == NULL, "a failing save wrote %s", path);
    if (f != NULL) {
        fclose(f);
    }
    CHECK_FAILS(lrp_render_save_images_png(NULL, img, 12, 2, widths, 2, 0,
                                           LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_save_images_png", "path is NULL");
    CHECK_FAILS(lrp_render_save_images_png(path, NULL, 12, 2, widths, 2, 0,
                                           LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_save_images_png", "images is NULL");
    CHECK_FAILS(lrp_render_save_images_png(path, img, 12, 2, NULL, 2, 0, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_NULL_ARGUMENT, "lrp_render_save_images_png", "widths is NULL");
    CHECK_FAILS(lrp_render_save_images_png(path, img, 12, 2, widths, 0, 0, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_save_images_png", "count");
    CHECK_FAILS(lrp_render_save_images_png(path, img, 12, 2, bad_widths, 2, 0,
                                           LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_save_images_png", "widths[1]", "given 0");
    CHECK_FAILS(lrp_render_save_images_png(path, img, 11, 2, widths, 2, 0, LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_SHAPE_MISMATCH, "lrp_render_save_images_png", "images has 11",
                "expected 12");
    CHECK_FAILS(lrp_render_save_images_png(path, img, 12, 2, widths, 2, 0, 2),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_save_images_png", "layout");
    /* A gap so wide that the total width overflows size_t: too large, not a wrapped-around
     * narrow image. */
    CHECK_FAILS(lrp_render_save_images_png(path, img, 12, 2, widths, 2, SIZE_MAX,
                                           LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_INVALID_ARGUMENT, "lrp_render_save_images_png", "large");
    f = fopen(path, "rb");
    CHECK_MSG(f == NULL, "a failing save wrote %s", path);
    if (f != NULL) {
        fclose(f);
        remove(path);
    }
    tmp_path(where, "no-such-dir/x.png");
    CHECK_FAILS(lrp_render_save_png(where, img, 12, 2, 2, LRP_LAYOUT_ROW_MAJOR), LRP_ERR_IO,
                "lrp_render_save_png", where);
    CHECK_FAILS(lrp_render_save_images_png(where, img, 12, 2, widths, 2, 0,
                                           LRP_LAYOUT_ROW_MAJOR),
                LRP_ERR_IO, "lrp_render_save_images_png", where);
}

void suite_render(void)
{
    RUN_TEST(test_colormaps);
    RUN_TEST(test_hm_to_rgb_colours_and_enlarges);
    RUN_TEST(test_hm_to_rgb_draws_the_input_outline);
    RUN_TEST(test_digit_to_rgb_scales_to_the_range);
    RUN_TEST(test_enlarge_repeats_pixels);
    RUN_TEST(test_repaint_corner_pixels);
    RUN_TEST(test_canny_finds_the_square);
    RUN_TEST(test_png_files);
    RUN_TEST(test_render_failures);
}

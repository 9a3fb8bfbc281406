/*
 * explain.c: explain one MNIST digit with LeNet-5 through the lrp C API.
 *
 *   explain [model.txt] [images.npy] [index]
 *
 * Defaults: ../shared/golden/lenet5.txt, ../shared/golden/mnist_test_x.npy, image 0.
 * The images are N x 784 float64 in [-1, 1]; image `index` becomes a 28 x 28 picture padded
 * with 2 pixels of -1 to the network's 32 x 32 x 1 input. The program runs the network,
 * takes the top class, explains it with LRP epsilon (0.01) and prints the class and the
 * 10 most relevant pixels. It uses the C API's second edition: arrays as data, dims and
 * rank, result sizes from lrp_network_output_dims and lrp_network_explain_dims, and an
 * LrpExplainOptions handle set by name.
 *
 * Build (after `make install`):
 *   cc explain.c $(pkg-config --cflags --libs lrp) -o explain
 */
#include <lrp.h>

#include <stdio.h>
#include <stdlib.h>

#include "npy.h"

#define SIDE 32 /* network input: 32 x 32 x 1 */
#define DIGIT 28
#define PAD 2

/* Prints the library's message for a failed call and says whether it failed. */
static int failed(int32_t status, const char *call) {
    if (status == LRP_OK) {
        return 0;
    }
    fprintf(stderr, "%s failed: %s (%s)\n", call, lrp_last_error(), lrp_status_name(status));
    return 1;
}

int main(int argc, char **argv) {
    const char *model = argc > 1 ? argv[1] : "../shared/golden/lenet5.txt";
    const char *images = argc > 2 ? argv[2] : "../shared/golden/mnist_test_x.npy";
    size_t index = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 0;
    /* The input batch: 1 x 32 x 32 x 1 (batch first; an ONNX model takes N x C x H x W). */
    const size_t dims[4] = {1, SIDE, SIDE, 1};
    double x[SIDE * SIDE], relevance[SIDE * SIDE], *y = NULL;
    size_t o[LRP_MAX_RANK], y_len, layers, i, r, c, top[10];
    int32_t out_rank, cls = 0;
    int status = 1;
    npy_array mnist;
    LrpNetwork *net;
    LrpExplainOptions *opts;

    net = lrp_network_read(model);
    if (net == NULL) {
        fprintf(stderr, "lrp_network_read failed: %s\n", lrp_last_error());
        return 1;
    }
    opts = lrp_explain_options_new();
    if (opts == NULL) {
        fprintf(stderr, "lrp_explain_options_new failed: %s\n", lrp_last_error());
        lrp_network_free(net);
        return 1;
    }
    if (npy_read(images, &mnist) != 0) {
        fprintf(stderr, "%s\n", mnist.error);
        lrp_explain_options_free(opts);
        lrp_network_free(net);
        return 1;
    }
    if (mnist.ndim != 2 || mnist.shape[1] != DIGIT * DIGIT || index >= mnist.shape[0]) {
        fprintf(stderr, "%s: expected N x 784 images and index < N\n", images);
        goto done;
    }

    /* Image `index`, 28 x 28, padded with -1 to 32 x 32 (x is 1 x 32 x 32 x 1, C order). */
    for (i = 0; i < SIDE * SIDE; ++i) {
        x[i] = -1.0;
    }
    for (r = 0; r < DIGIT; ++r) {
        for (c = 0; c < DIGIT; ++c) {
            size_t j = r * DIGIT + c;
            x[(r + PAD) * SIDE + (c + PAD)] =
                mnist.fortran_order ? mnist.data[index + j * mnist.shape[0]]
                                    : mnist.data[index * DIGIT * DIGIT + j];
        }
    }

    /* Forward: the output dims (1 x 10 for LeNet-5) size the output buffer. */
    if (failed(lrp_network_num_layers(net, &layers), "lrp_network_num_layers") ||
        failed(lrp_network_output_dims(net, dims, 4, o, LRP_MAX_RANK, &out_rank),
               "lrp_network_output_dims")) {
        goto done;
    }
    if (out_rank != 2) {
        fprintf(stderr, "%s: expected an N x C output\n", model);
        goto done;
    }
    y_len = o[0] * o[1];
    y = malloc(y_len * sizeof *y);
    if (y == NULL ||
        failed(lrp_network_predict(net, x, dims, 4, LRP_LAYOUT_ROW_MAJOR, y, y_len),
               "lrp_network_predict")) {
        goto done;
    }
    for (i = 1; i < y_len; ++i) {
        if (y[i] > y[cls]) {
            cls = (int32_t)i;
        }
    }

    /* Relevance of the top class for every input pixel, LRP epsilon 0.01: the options
     * by name (unset ones keep their defaults, see lrp.h), the result's dims from a query
     * (the dims of x here), then one stateless call. */
    if (failed(lrp_explain_options_set_str(opts, "rule", "epsilon"), "set rule") ||
        failed(lrp_explain_options_set(opts, "parameter", 0.01), "set parameter") ||
        failed(lrp_explain_options_set_classes(opts, &cls, 1), "set classes") ||
        failed(lrp_network_explain_dims(net, opts, dims, 4, o, LRP_MAX_RANK, &out_rank),
               "lrp_network_explain_dims")) {
        goto done;
    }
    if (out_rank != 4 || o[0] * o[1] * o[2] * o[3] != SIDE * SIDE) {
        fprintf(stderr, "%s: unexpected relevance dims\n", model);
        goto done;
    }
    if (failed(lrp_network_explain_with(net, opts, x, dims, 4, relevance, SIDE * SIDE),
               "lrp_network_explain_with")) {
        goto done;
    }

    printf("model %s (%zu layers), image %zu of %s\n", model, layers, index, images);
    printf("class %d (score %.4f)\n", (int)cls, y[cls]);
    {
        double sum = 0.0;
        for (i = 0; i < SIDE * SIDE; ++i) {
            sum += relevance[i];
        }
        printf("relevance sum %.4f (epsilon 0.01)\n", sum);
    }
    /* The 10 largest relevances (selection; 1024 pixels). */
    for (i = 0; i < 10; ++i) {
        size_t j, best = SIDE * SIDE;
        for (j = 0; j < SIDE * SIDE; ++j) {
            size_t k;
            int taken = 0;
            for (k = 0; k < i; ++k) {
                taken |= top[k] == j;
            }
            if (!taken && (best == SIDE * SIDE || relevance[j] > relevance[best])) {
                best = j;
            }
        }
        top[i] = best;
    }
    printf("top 10 pixels (row, col in the 32 x 32 input; relevance):\n");
    for (i = 0; i < 10; ++i) {
        printf("%3zu %3zu % .6f\n", top[i] / SIDE, top[i] % SIDE, relevance[top[i]]);
    }
    status = 0;

done:
    free(y);
    npy_free(&mnist);
    lrp_explain_options_free(opts);
    lrp_network_free(net);
    return status;
}

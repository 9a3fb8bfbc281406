/*
 * Threads: the header promises that lrp_network_explain may run on one shared handle from
 * many threads, that clones serve one thread each, and that lrp_last_error() is per
 * thread. Worker threads only record what they got; the main thread checks it after
 * joining (the harness's counters are not thread-safe).
 *
 * The data is LeNet-5 on the golden input batch, a slice of samples per thread, so that
 * threads run on different inputs; every result must equal a single-threaded run bit for
 * bit (the computation of one sample does not depend on what else runs).
 */
/* pthread barriers are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include "fixtures.h"
#include "harness.h"
#include "lrp.h"
#include "npy.h"
#include "suites.h"
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 2        /* calls per thread, to overlap with the others more than once */
#define MESSAGE_LEN 512

/* Each thread's rule: NULL uses the per-layer presets set beforehand. */
static const char *const THREAD_RULES[THREADS] = {"epsilon", "alphabeta", NULL, "ww"};
static const double THREAD_PARAMS[THREADS] = {0.1, 2.0, NAN, NAN};

typedef struct {
    /* Input: shared network (or the one to clone), this thread's slice of samples. */
    LrpNetwork *shared;
    const double *x; /* samples x [32 x 32 x 1], row-major */
    size_t samples, sample_len, classes_n;
    int32_t classes[16];
    const char *rule;
    double param;
    pthread_barrier_t *start;
    /* Output, one per round. */
    double *out[ROUNDS];
    int32_t status[ROUNDS];
    char message[MESSAGE_LEN];
} Work;

static void copy_message(char *dst)
{
    strncpy(dst, lrp_last_error(), MESSAGE_LEN - 1);
    dst[MESSAGE_LEN - 1] = '\0';
}

static int32_t explain(const LrpNetwork *net, const Work *w, double *out)
{
    return lrp_network_explain(net, w->x, w->samples * w->sample_len, 4, w->samples, 32, 32, 1,
                               LRP_LAYOUT_ROW_MAJOR, w->classes, w->samples, w->rule, w->param,
                               out, w->samples * w->sample_len);
}

/* forward, then LRP of the output masked to each sample's class. */
static int32_t forward_and_lrp(LrpNetwork *net, const Work *w, double *out)
{
    double y[16 * 10];
    size_t n, c;
    int32_t status = lrp_network_forward(net, w->x, w->samples * w->sample_len, 4, w->samples,
                                         32, 32, 1, LRP_LAYOUT_ROW_MAJOR, 0, y,
                                         w->samples * w->classes_n);
    if (status != LRP_OK) {
        return status;
    }
    for (n = 0; n < w->samples; n++) {
        for (c = 0; c < w->classes_n; c++) {
            if ((int32_t)c != w->classes[n]) {
                y[n * w->classes_n + c] = 0.0;
            }
        }
    }
    return lrp_network_lrp(net, y, w->samples * w->classes_n, LRP_LAYOUT_ROW_MAJOR, w->rule,
                           w->param, out, w->samples * w->sample_len);
}

static void *explain_shared(void *arg)
{
    Work *w = arg;
    int r;
    pthread_barrier_wait(w->start);
    for (r = 0; r < ROUNDS; r++) {
        w->status[r] = explain(w->shared, w, w->out[r]);
        if (w->status[r] != LRP_OK) {
            copy_message(w->message);
        }
    }
    return NULL;
}

static void *clone_forward_lrp(void *arg)
{
    Work *w = arg;
    LrpNetwork *own;
    int r;
    pthread_barrier_wait(w->start);
    own = lrp_network_clone(w->shared);
    for (r = 0; r < ROUNDS; r++) {
        w->status[r] = own == NULL ? LRP_ERR_NULL_ARGUMENT : forward_and_lrp(own, w, w->out[r]);
        if (w->status[r] != LRP_OK) {
            copy_message(w->message);
        }
    }
    lrp_network_free(own);
    return NULL;
}

/* Loads LeNet-5 with per-layer presets and the golden input, and prepares one slice of
 * the batch per thread. Returns 0 (after a failed check) if the data is missing. */
static int prepare(LrpNetwork **net, NpyArray *input, Work work[THREADS],
                   pthread_barrier_t *start)
{
    size_t t, n, per_thread;
    *net = read_golden_model("lenet5.txt");
    if (*net == NULL) {
        return 0;
    }
    if (!load_golden("lenet5_input.npy", input)) {
        lrp_network_free(*net);
        return 0;
    }
    if (!CHECK(input->rank == 4 && input->shape[0] >= THREADS && input->shape[0] <= 16 * THREADS &&
               input->shape[1] == 32 && input->shape[2] == 32 && input->shape[3] == 1)) {
        npy_free(input);
        lrp_network_free(*net);
        return 0;
    }
    CHECK_OK(lrp_layer_set_lrp_parameters(*net, 0, "alphabeta", 1.0));
    CHECK_OK(lrp_layer_set_lrp_parameters(*net, 6, "epsilon", 0.01));
    per_thread = input->shape[0] / THREADS;
    memset(work, 0, THREADS * sizeof work[0]);
    for (t = 0; t < THREADS; t++) {
        Work *w = &work[t];
        int r;
        w->shared = *net;
        w->sample_len = 32 * 32;
        w->samples = per_thread;
        w->x = input->data + t * per_thread * w->sample_len;
        w->classes_n = 10;
        for (n = 0; n < per_thread; n++) {
            w->classes[n] = (int32_t)((t + 3 * n) % 10);
        }
        w->rule = THREAD_RULES[t];
        w->param = THREAD_PARAMS[t];
        w->start = start;
        for (r = 0; r < ROUNDS; r++) {
            w->out[r] = alloc_doubles(w->samples * w->sample_len);
            fill(w->out[r], w->samples * w->sample_len, SENTINEL);
        }
    }
    return 1;
}

static void release(LrpNetwork *net, NpyArray *input, Work work[THREADS])
{
    size_t t;
    int r;
    for (t = 0; t < THREADS; t++) {
        for (r = 0; r < ROUNDS; r++) {
            free(work[t].out[r]);
        }
    }
    npy_free(input);
    lrp_network_free(net);
}

/* Runs `body` on THREADS threads released together, then checks every round of every
 * thread against `reference` computed on the main thread beforehand. */
static void run_and_compare(Work work[THREADS], void *(*body)(void *), double *reference[],
                            pthread_barrier_t *start, const char *what)
{
    pthread_t threads[THREADS];
    size_t t;
    int r, started = 0;
    for (t = 0; t < THREADS; t++) {
        if (CHECK(pthread_create(&threads[t], NULL, body, &work[t]) == 0)) {
            started++;
        }
    }
    if (started < THREADS) {
        /* The barrier waits for THREADS threads: without them it would never open. */
        fprintf(stderr, "cannot start %d threads\n", THREADS);
        abort();
    }
    pthread_barrier_wait(start);
    for (t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    for (t = 0; t < THREADS; t++) {
        for (r = 0; r < ROUNDS; r++) {
            size_t len = work[t].samples * work[t].sample_len;
            CHECK_MSG(work[t].status[r] == LRP_OK, "%s thread %lu round %d: %s (%s)", what,
                      (unsigned long)t, r, lrp_status_name(work[t].status[r]), work[t].message);
            CHECK_MSG(count_bit_differences(work[t].out[r], reference[t], len) == 0,
                      "%s thread %lu round %d differs from the single-threaded run", what,
                      (unsigned long)t, r);
        }
    }
}

static void test_explain_on_one_shared_handle(void)
{
    LrpNetwork *net;
    NpyArray input;
    Work work[THREADS];
    double *reference[THREADS];
    pthread_barrier_t start;
    size_t t;

    /* THREADS workers and the main thread. */
    pthread_barrier_init(&start, NULL, THREADS + 1);
    if (prepare(&net, &input, work, &start)) {
        for (t = 0; t < THREADS; t++) {
            reference[t] = alloc_doubles(work[t].samples * work[t].sample_len);
            CHECK_OK(explain(net, &work[t], reference[t]));
        }
        run_and_compare(work, explain_shared, reference, &start, "shared explain");
        for (t = 0; t < THREADS; t++) {
            free(reference[t]);
        }
        release(net, &input, work);
    }
    pthread_barrier_destroy(&start);
}

static void test_clone_per_thread_forward_and_lrp(void)
{
    LrpNetwork *net;
    NpyArray input;
    Work work[THREADS];
    double *reference[THREADS];
    pthread_barrier_t start;
    int64_t live = lrp_live_networks();
    size_t t;

    pthread_barrier_init(&start, NULL, THREADS + 1);
    if (prepare(&net, &input, work, &start)) {
        for (t = 0; t < THREADS; t++) {
            reference[t] = alloc_doubles(work[t].samples * work[t].sample_len);
            CHECK_OK(forward_and_lrp(net, &work[t], reference[t]));
        }
        run_and_compare(work, clone_forward_lrp, reference, &start, "clone forward+lrp");
        for (t = 0; t < THREADS; t++) {
            free(reference[t]);
        }
        release(net, &input, work);
    }
    pthread_barrier_destroy(&start);
    /* Every clone was freed by its thread. */
    CHECK(lrp_live_networks() == live);
}

/* ---- lrp_last_error per thread ------------------------------------------------------- */

typedef struct {
    int which;                 /* 0 or 1: which error this thread causes */
    pthread_barrier_t *both;   /* both threads have failed */
    char before[MESSAGE_LEN];  /* the message of a fresh thread */
    char after[MESSAGE_LEN];   /* its message once both have failed */
    int32_t status;
} ErrorWork;

static void *fail_in_thread(void *arg)
{
    ErrorWork *w = arg;
    LrpNetwork *net = lrp_network_new();
    copy_message(w->before);
    if (w->which == 0) {
        w->status = lrp_network_set_lrp_parameters(net, "thread-zero-rule", NAN);
    } else {
        int32_t kind;
        w->status = lrp_layer_kind(net, 12345, &kind);
    }
    /* Wait until the other thread has failed too, then read this thread's message. */
    pthread_barrier_wait(w->both);
    copy_message(w->after);
    pthread_barrier_wait(w->both);
    lrp_network_free(net);
    return NULL;
}

static void test_last_error_is_per_thread(void)
{
    pthread_barrier_t both;
    pthread_t threads[2];
    ErrorWork work[2];
    char main_message[MESSAGE_LEN];
    int k;

    /* The main thread's message before the workers run. */
    CHECK_STATUS(lrp_network_pop_layer(NULL), LRP_ERR_NULL_ARGUMENT);
    copy_message(main_message);
    CHECK_TEXT_MENTIONS(main_message, "lrp_network_pop_layer");

    pthread_barrier_init(&both, NULL, 2);
    memset(work, 0, sizeof work);
    for (k = 0; k < 2; k++) {
        work[k].which = k;
        work[k].both = &both;
        if (!CHECK(pthread_create(&threads[k], NULL, fail_in_thread, &work[k]) == 0)) {
            fprintf(stderr, "cannot start a thread\n");
            abort();
        }
    }
    for (k = 0; k < 2; k++) {
        pthread_join(threads[k], NULL);
    }
    pthread_barrier_destroy(&both);

    /* A fresh thread has no message yet. */
    CHECK_MSG(work[0].before[0] == '\0' && work[1].before[0] == '\0',
              "fresh threads start with \"%s\" and \"%s\"", work[0].before, work[1].before);
    CHECK_STATUS(work[0].status, LRP_ERR_UNKNOWN_RULE);
    CHECK_STATUS(work[1].status, LRP_ERR_INVALID_ARGUMENT);
    CHECK_TEXT_MENTIONS(work[0].after, "lrp_network_set_lrp_parameters", "thread-zero-rule");
    CHECK_TEXT_MENTIONS(work[1].after, "lrp_layer_kind", "12345");
    CHECK(strstr(work[0].after, "12345") == NULL);
    CHECK(strstr(work[1].after, "thread-zero-rule") == NULL);
    /* The workers' failures did not touch the main thread's message. */
    CHECK_MSG(strcmp(lrp_last_error(), main_message) == 0, "main thread's message is now \"%s\"",
              lrp_last_error());
}

void suite_threads(void)
{
    RUN_TEST(test_explain_on_one_shared_handle);
    RUN_TEST(test_clone_per_thread_forward_and_lrp);
    RUN_TEST(test_last_error_is_per_thread);
}

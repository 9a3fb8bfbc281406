/*
 * Small networks and inputs shared by the API and error tests: small enough to compute
 * expected values by hand in the test, and fast under valgrind.
 */
#ifndef LRP_TEST_FIXTURES_H
#define LRP_TEST_FIXTURES_H

#include "lrp.h"

#define SMALL_M 4     /* inputs of the small network's Linear layer */
#define SMALL_N 3     /* its outputs */
#define SMALL_BATCH 2 /* samples in SMALL_X */

/* W (SMALL_M x SMALL_N, row-major), B and an input batch (SMALL_BATCH x SMALL_M). */
extern const double SMALL_W[SMALL_M * SMALL_N];
extern const double SMALL_B[SMALL_N];
extern const double SMALL_X[SMALL_BATCH * SMALL_M];

/* Linear(SMALL_M, SMALL_N) with SMALL_W/SMALL_B, then Rect. NULL (and a failed check) if
 * it cannot be built. */
LrpNetwork *small_net(void);

/* Runs small_net's forward pass on SMALL_X; returns 1 on success (checked). */
int small_forward(LrpNetwork *net, double y[SMALL_BATCH * SMALL_N]);

/* A golden model file read through the C API (checked). */
LrpNetwork *read_golden_model(const char *name);

#endif /* LRP_TEST_FIXTURES_H */

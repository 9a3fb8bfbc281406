/* See fixtures.h. */
#include "fixtures.h"

#include "harness.h"
#include "testutil.h"

/* W[i][j] = (i + 1) / 10 - j / 5: mixed signs, so Rect zeroes some outputs. */
const double SMALL_W[SMALL_M * SMALL_N] = {
    0.1, -0.1, -0.3,
    0.2, 0.0, -0.2,
    0.3, 0.1, -0.1,
    0.4, 0.2, 0.0,
};
const double SMALL_B[SMALL_N] = {0.1, -0.1, 0.0};
const double SMALL_X[SMALL_BATCH * SMALL_M] = {
    1.0, 2.0, 3.0, 4.0,
    -1.0, 0.5, 0.0, 2.0,
};

LrpNetwork *small_net(void)
{
    LrpNetwork *net = lrp_network_new();
    if (!CHECK(net != NULL)) {
        return NULL;
    }
    if (!CHECK_OK(lrp_network_add_linear(net, SMALL_M, SMALL_N, SMALL_W, SMALL_M * SMALL_N,
                                         SMALL_B, SMALL_N, LRP_LAYOUT_ROW_MAJOR, 0)) ||
        !CHECK_OK(lrp_network_add_rect(net))) {
        lrp_network_free(net);
        return NULL;
    }
    return net;
}

int small_forward(LrpNetwork *net, double y[SMALL_BATCH * SMALL_N])
{
    return CHECK_OK(lrp_network_forward(net, SMALL_X, SMALL_BATCH * SMALL_M, 2, SMALL_BATCH,
                                        SMALL_M, 0, 0, LRP_LAYOUT_ROW_MAJOR, 0, y,
                                        SMALL_BATCH * SMALL_N));
}

LrpNetwork *read_golden_model(const char *name)
{
    char path[TEST_PATH_LEN];
    LrpNetwork *net;
    golden_path(path, name);
    net = lrp_network_read(path);
    CHECK_MSG(net != NULL, "lrp_network_read(%s): %s", path, lrp_last_error());
    return net;
}

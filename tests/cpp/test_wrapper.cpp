// Tests of the C++ wrapper include/lrp.hpp: results equal the C API's, errors throw
// lrp::Error with the C API's status and lrp_last_error() text, and handles are owned
// correctly (moves, clones, no leaks).
//
//   g++ -std=c++11 -Wall -Wextra -Werror -pedantic test_wrapper.cpp $(pkg-config --cflags --libs lrp)
//   ./a.out [../shared/golden/lenet5.txt]
//
// Prints one line per failed check and a final "N passed, M failed"; exits 1 on failure.
#include <lrp.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const std::string& what, int line) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAIL (line %d): %s\n", line, what.c_str());
    }
}

#define CHECK(cond) check((cond), #cond, __LINE__)

// Runs `body`, which must throw lrp::Error with `code`; its what() must be the C API's
// lrp_last_error() text at that moment and start with the C function's name.
template <typename F>
void check_throws(F body, std::int32_t code, const std::string& function, int line) {
    try {
        body();
        check(false, "expected lrp::Error " + std::string(lrp_status_name(code)) + " from " +
                         function + ", nothing thrown",
              line);
    } catch (const lrp::Error& e) {
        const std::string what = e.what();
        check(e.code() == code,
              "code " + std::string(lrp_status_name(e.code())) + ", expected " +
                  lrp_status_name(code) + " (" + what + ")",
              line);
        check(what == lrp_last_error(), "what() is not lrp_last_error(): " + what, line);
        check(what.compare(0, function.size(), function) == 0,
              "message does not name " + function + ": " + what, line);
        check(std::string(e.status_name()) == lrp_status_name(code), "status_name()", line);
    } catch (const std::exception& e) {
        check(false, std::string("expected lrp::Error, got ") + e.what(), line);
    }
}

#define CHECK_THROWS(body, code, function) \
    check_throws([&]() { body; }, code, function, __LINE__)

// Runs `body`, which must throw lrp::Error with `code` from the wrapper itself (a check the
// C API cannot make, such as a vector's size against its dims): what() starts with the C
// function's name and mentions `text`.
template <typename F>
void check_wrapper_throws(F body, std::int32_t code, const std::string& function,
                          const std::string& text, int line) {
    try {
        body();
        check(false, "expected lrp::Error from the wrapper for " + function, line);
    } catch (const lrp::Error& e) {
        const std::string what = e.what();
        check(e.code() == code, "code " + std::string(lrp_status_name(e.code())), line);
        check(what.compare(0, function.size(), function) == 0 &&
                  what.find(text) != std::string::npos,
              "message: " + what, line);
    }
}

#define CHECK_WRAPPER_THROWS(body, code, function, text) \
    check_wrapper_throws([&]() { body; }, code, function, text, __LINE__)

bool same(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

// Deterministic inputs in [-1, 1].
std::vector<double> inputs(std::size_t n, unsigned seed) {
    std::vector<double> v(n);
    unsigned long long s = seed * 2654435761ULL + 1;
    for (std::size_t i = 0; i < n; ++i) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        v[i] = static_cast<double>(s >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    }
    return v;
}

std::vector<std::int32_t> argmax_rows(const std::vector<double>& y, std::size_t n,
                                      std::size_t c) {
    std::vector<std::int32_t> k(n, 0);
    for (std::size_t s = 0; s < n; ++s) {
        for (std::size_t j = 1; j < c; ++j) {
            if (y[s * c + j] > y[s * c + static_cast<std::size_t>(k[s])]) {
                k[s] = static_cast<std::int32_t>(j);
            }
        }
    }
    return k;
}

// LeNet-5 against the C API on the same handle contents.
void test_lenet(const std::string& model) {
    const std::int64_t live = lrp_live_networks();
    {
        lrp::Network net = lrp::Network::read(model);
        LrpNetwork* c = lrp_network_read(model.c_str());
        CHECK(c != nullptr);
        if (c == nullptr) {
            return;
        }
        CHECK(lrp_live_networks() == live + 2);

        std::size_t c_layers = 0;
        CHECK(lrp_network_num_layers(c, &c_layers) == LRP_OK);
        CHECK(net.num_layers() == c_layers);
        CHECK(net.num_layers() == 11);
        CHECK(net.layer_kind(0) == LRP_LAYER_CONVOLUTION);
        CHECK(net.layer_kind(10) == LRP_LAYER_FLATTEN);
        std::vector<std::size_t> sizes = net.layer_sizes(0);
        CHECK(sizes.size() == 6 && sizes[0] == 5 && sizes[2] == 1 && sizes[3] == 10);
        CHECK(net.layer_sizes(1).empty());

        const std::size_t n = 3;
        const lrp::Shape shape = {n, 32, 32, 1};
        const std::vector<double> x = inputs(n * 32 * 32, 1);

        lrp::Shape out = net.output_shape(shape);
        CHECK(out.size() == 2 && out[0] == n && out[1] == 10);

        // forward
        std::vector<double> y = net.forward(x, shape);
        std::vector<double> cy(n * 10);
        CHECK(lrp_network_forward(c, x.data(), x.size(), 4, n, 32, 32, 1, LRP_LAYOUT_ROW_MAJOR,
                                  0, cy.data(), cy.size()) == LRP_OK);
        CHECK(same(y, cy));
        CHECK(net.last_output_shape() == out);

        // lrp with the output of the top class, epsilon 0.01, and with the presets
        std::vector<std::int32_t> classes = argmax_rows(y, n, 10);
        std::vector<double> r(n * 10, 0.0);
        for (std::size_t s = 0; s < n; ++s) {
            r[s * 10 + static_cast<std::size_t>(classes[s])] =
                y[s * 10 + static_cast<std::size_t>(classes[s])];
        }
        std::vector<double> rel = net.lrp(r, "epsilon", 0.01);
        std::vector<double> crel(x.size());
        CHECK(lrp_network_lrp(c, r.data(), r.size(), LRP_LAYOUT_ROW_MAJOR, "epsilon", 0.01,
                              crel.data(), crel.size()) == LRP_OK);
        CHECK(same(rel, crel));
        CHECK(rel.size() == x.size());
        std::vector<double> preset = net.lrp(r);
        CHECK(lrp_network_lrp(c, r.data(), r.size(), LRP_LAYOUT_ROW_MAJOR, nullptr, NAN,
                              crel.data(), crel.size()) == LRP_OK);
        CHECK(same(preset, crel));

        // explain = forward + lrp of the masked output
        std::vector<double> ex = net.explain(x, shape, classes, "epsilon", 0.01);
        std::vector<double> cex(x.size());
        CHECK(lrp_network_explain(c, x.data(), x.size(), 4, n, 32, 32, 1, LRP_LAYOUT_ROW_MAJOR,
                                  classes.data(), classes.size(), "epsilon", 0.01, cex.data(),
                                  cex.size()) == LRP_OK);
        CHECK(same(ex, cex));
        double diff = 0.0;
        for (std::size_t i = 0; i < ex.size(); ++i) {
            diff = std::fmax(diff, std::fabs(ex[i] - rel[i]));
        }
        CHECK(diff < 1e-9);
        std::vector<double> ex_preset = net.explain(x, shape, classes);
        diff = 0.0;
        for (std::size_t i = 0; i < ex.size(); ++i) {
            diff = std::fmax(diff, std::fabs(ex_preset[i] - preset[i]));
        }
        CHECK(diff < 1e-9);

        // alphabeta per layer preset
        net.set_lrp_parameters(0, "alphabeta", 2.0);
        CHECK(lrp_layer_set_lrp_parameters(c, 0, "alphabeta", 2.0) == LRP_OK);
        std::pair<std::string, double> p = net.get_lrp_parameters(0);
        CHECK(p.first == "alphabeta" && p.second == 2.0);
        CHECK(lrp_network_lrp(c, r.data(), r.size(), LRP_LAYOUT_ROW_MAJOR, nullptr, NAN,
                              crel.data(), crel.size()) == LRP_OK);
        CHECK(same(net.lrp(r), crel));
        net.set_lrp_parameters("epsilon");
        p = net.get_lrp_parameters(3);
        CHECK(p.first == "epsilon" && p.second == 0.01);

        // column-major input gives the same output (transposed back)
        std::vector<double> xf(x.size());
        for (std::size_t s = 0; s < n; ++s) {
            for (std::size_t i = 0; i < 32 * 32; ++i) {
                // shape n x 32 x 32 x 1: column-major index s + n * (h + 32 * w)
                std::size_t h = i / 32, w = i % 32;
                xf[s + n * (h + 32 * w)] = x[s * 1024 + i];
            }
        }
        std::vector<double> yf = net.forward(xf, shape, lrp::Layout::ColMajor);
        bool transposed = true;
        for (std::size_t s = 0; s < n; ++s) {
            for (std::size_t j = 0; j < 10; ++j) {
                transposed = transposed && yf[s + n * j] == y[s * 10 + j];
            }
        }
        CHECK(transposed);

        // backward against the C API
        net.forward(x, shape);
        std::vector<double> dy = inputs(n * 10, 2);
        std::vector<double> dx = net.backward(dy);
        std::vector<double> cdx(x.size());
        CHECK(lrp_network_backward(c, dy.data(), dy.size(), LRP_LAYOUT_ROW_MAJOR, cdx.data(),
                                   cdx.size()) == LRP_OK);
        CHECK(same(dx, cdx));

        // parameters
        std::vector<double> b = net.get_param(0, lrp::Param::B);
        std::vector<double> w = net.get_param(0, lrp::Param::W);
        CHECK(b.size() == 10 && w.size() == 5 * 5 * 1 * 10);
        std::vector<double> cw(w.size());
        CHECK(lrp_layer_get_param(c, 0, LRP_PARAM_W, cw.data(), cw.size(),
                                  LRP_LAYOUT_ROW_MAJOR) == LRP_OK);
        CHECK(same(w, cw));

        // update after backward changes W by -lrate dW
        net.update(0.0);
        CHECK(same(net.get_param(0, lrp::Param::W), w));

        lrp_network_free(c);
    }
    CHECK(lrp_live_networks() == live);
}

// A small network built with the wrapper, checked by hand.
void test_build_and_compute() {
    lrp::Network net;
    CHECK(net.num_layers() == 0);
    // W (2 x 2) row-major: [[1, -1], [2, 0.5]], B = [0, 0]: y = relu(x W)
    net.add_linear(2, 2, {1.0, -1.0, 2.0, 0.5}, {0.0, 0.0});
    net.add_rect();
    CHECK(net.num_layers() == 2);
    CHECK(net.layer_kind(0) == LRP_LAYER_LINEAR && net.layer_kind(1) == LRP_LAYER_RECT);
    std::vector<double> y = net.forward({1.0, 1.0}, {1, 2});
    CHECK(y.size() == 2 && y[0] == 3.0 && y[1] == 0.0);
    // epsilon LRP: R_i = x_i w_i0 / (3 + 0.01) * 3
    std::vector<double> r = net.lrp(y, "epsilon", 0.01);
    CHECK(std::fabs(r[0] - 1.0 * 3.0 / 3.01) < 1e-12 && std::fabs(r[1] - 2.0 * 3.0 / 3.01) < 1e-12);
    // the same weights given column-major
    lrp::Network col;
    col.add_linear(2, 2, {1.0, 2.0, -1.0, 0.5}, {0.0, 0.0}, lrp::Layout::ColMajor);
    CHECK(same(col.get_param(0, lrp::Param::W), net.get_param(0, lrp::Param::W)));
    // set_param
    net.set_param(0, lrp::Param::B, {1.0, 1.0});
    y = net.forward({1.0, 1.0}, {1, 2});
    CHECK(y[0] == 4.0 && y[1] == 0.5);
    // SoftMax, drop_softmax_output_layer, pop_layer
    net.add_softmax();
    CHECK(net.drop_softmax_output_layer());
    CHECK(!net.drop_softmax_output_layer());
    net.pop_layer();
    CHECK(net.num_layers() == 1);
    // convolution and pools: 1 x 4 x 4 x 1 -> conv 2x2 (1 filter) -> 3x3 -> maxpool 2x2/1 -> 2x2
    lrp::Network cnn;
    cnn.add_convolution(2, 2, 1, 1, 1, 1, {1.0, 1.0, 1.0, 1.0}, {0.0});
    cnn.add_maxpool(2, 2, 1, 1);
    cnn.add_sumpool(1, 1, 1, 1);
    cnn.add_flatten();
    cnn.add_tanh();
    CHECK(cnn.output_shape({1, 4, 4, 1}) == lrp::Shape({1, 4}));
    std::vector<double> img(16);
    for (std::size_t i = 0; i < 16; ++i) {
        img[i] = static_cast<double>(i) / 16.0;
    }
    std::vector<double> out = cnn.forward(img, {1, 4, 4, 1});
    // conv at (1,1): (5 + 6 + 9 + 10) / 16 = 1.875; the max of window (0,0) of the 3x3 map
    CHECK(out.size() == 4 && std::fabs(out[0] - std::tanh(1.875)) < 1e-12);
    lrp::Network rnd;
    rnd.add_linear(3, 2, 7);
    rnd.add_convolution(1, 1, 2, 2, 1, 1, 7);
    CHECK(rnd.num_layers() == 2);
    CHECK(lrp::version() == lrp_version());
}

void test_ownership(const std::string& model) {
    const std::int64_t live = lrp_live_networks();
    {
        lrp::Network a = lrp::Network::read(model);
        CHECK(lrp_live_networks() == live + 1);
        lrp::Network b = std::move(a);
        CHECK(lrp_live_networks() == live + 1);
        CHECK(a.handle() == nullptr && b.handle() != nullptr);
        CHECK(b.num_layers() == 11);
        // A moved-from network fails every call with LRP_ERR_NULL_ARGUMENT.
        CHECK_THROWS(a.num_layers(), LRP_ERR_NULL_ARGUMENT, "lrp_network_num_layers");
        CHECK_THROWS(a.clone(), LRP_ERR_NULL_ARGUMENT, "lrp_network_clone");

        lrp::Network c = b.clone();
        CHECK(lrp_live_networks() == live + 2);
        CHECK(c.handle() != b.handle());
        std::vector<double> bias = b.get_param(0, lrp::Param::B);
        std::vector<double> changed(bias.size(), 0.25);
        c.set_param(0, lrp::Param::B, changed);
        CHECK(same(b.get_param(0, lrp::Param::B), bias));
        CHECK(same(c.get_param(0, lrp::Param::B), changed));
        // A clone has no cached pass.
        b.forward(inputs(1024, 3), {1, 32, 32, 1});
        lrp::Network d = b.clone();
        CHECK_THROWS(d.lrp(std::vector<double>(10, 1.0)), LRP_ERR_OUT_OF_ORDER, "lrp_network_lrp");

        a = std::move(c);  // move-assign into the moved-from one
        CHECK(lrp_live_networks() == live + 3);
        a = std::move(d);  // frees the clone a held
        CHECK(lrp_live_networks() == live + 2);

        LrpNetwork* raw = a.release();
        CHECK(lrp_live_networks() == live + 2);
        lrp::Network adopted(raw);
        CHECK(adopted.num_layers() == 11);
    }
    CHECK(lrp_live_networks() == live);
}

void test_write_read(const std::string& model) {
    const std::string path = "/tmp/lrp-test-wrapper-" + std::to_string(lrp_live_networks()) +
                             "-" + std::to_string(std::rand()) + ".txt";
    lrp::Network net = lrp::Network::read(model);
    net.write(path);
    lrp::Network back = lrp::Network::read(path);
    std::remove(path.c_str());
    CHECK(back.num_layers() == net.num_layers());
    bool equal = true;
    for (std::size_t i = 0; i < net.num_layers(); ++i) {
        if (net.layer_kind(i) == LRP_LAYER_CONVOLUTION || net.layer_kind(i) == LRP_LAYER_LINEAR) {
            equal = equal && same(net.get_param(i, lrp::Param::W), back.get_param(i, lrp::Param::W));
            equal = equal && same(net.get_param(i, lrp::Param::B), back.get_param(i, lrp::Param::B));
        }
    }
    CHECK(equal);
}

void test_errors(const std::string& model) {
    // Reading: a missing file (IO), a malformed one (PARSE).
    CHECK_THROWS(lrp::Network::read("/nonexistent/model.txt"), LRP_ERR_IO, "lrp_network_read");
    try {
        lrp::Network::read("/nonexistent/model.txt");
    } catch (const lrp::Error& e) {
        CHECK(std::string(e.what()).find("/nonexistent/model.txt") != std::string::npos);
    }
    const std::string bad = "/tmp/lrp-test-wrapper-bad-" + std::to_string(std::rand()) + ".txt";
    {
        std::ofstream f(bad.c_str());
        f << "Linear 2 3\n1 2 3\n";
    }
    CHECK_THROWS(lrp::Network::read(bad), LRP_ERR_PARSE, "lrp_network_read");
    std::remove(bad.c_str());
    CHECK_THROWS(lrp::Network::read("/tmp"), LRP_ERR_IO, "lrp_network_read");

    lrp::Network net = lrp::Network::read(model);
    const lrp::Shape shape = {2, 32, 32, 1};
    const std::vector<double> x = inputs(2 * 1024, 4);

    // Out of order: lrp and backward before forward, update before backward.
    CHECK_THROWS(net.lrp(std::vector<double>(20, 0.0)), LRP_ERR_OUT_OF_ORDER, "lrp_network_lrp");
    CHECK_THROWS(net.backward(std::vector<double>(20, 0.0)), LRP_ERR_OUT_OF_ORDER,
                 "lrp_network_backward");
    CHECK_THROWS(net.update(0.1), LRP_ERR_OUT_OF_ORDER, "lrp_network_update");

    // Shapes and lengths.
    CHECK_THROWS(net.forward(x, {2, 28, 28, 1}), LRP_ERR_SHAPE_MISMATCH, "lrp_network_forward");
    CHECK_THROWS(net.forward(std::vector<double>(100, 0.0), shape), LRP_ERR_SHAPE_MISMATCH,
                 "lrp_network_forward");
    CHECK_THROWS(net.forward(x, {2, 32, 32, 1, 1}), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_network_forward");
    CHECK_THROWS(net.output_shape({2, 0, 32, 1}), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_network_output_dims");
    std::vector<double> y = net.forward(x, shape);
    CHECK_THROWS(net.lrp(std::vector<double>(19, 0.0)), LRP_ERR_SHAPE_MISMATCH, "lrp_network_lrp");
    CHECK_THROWS(net.explain(x, shape, {1}), LRP_ERR_SHAPE_MISMATCH, "lrp_network_explain");

    // Rules and parameters.
    CHECK_THROWS(net.lrp(y, "bogus"), LRP_ERR_UNKNOWN_RULE, "lrp_network_lrp");
    CHECK_THROWS(net.lrp(y, "epsilon", -1.0), LRP_ERR_INVALID_ARGUMENT, "lrp_network_lrp");
    CHECK_THROWS(net.set_lrp_parameters("w^3"), LRP_ERR_UNKNOWN_RULE,
                 "lrp_network_set_lrp_parameters");
    CHECK_THROWS(net.set_lrp_parameters(99, "flat"), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_layer_set_lrp_parameters");
    CHECK_THROWS(net.explain(x, shape, {0, 10}, "epsilon"), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_network_explain");
    CHECK_THROWS(net.explain(x, shape, {0, -1}), LRP_ERR_INVALID_ARGUMENT, "lrp_network_explain");

    // Non-finite inputs.
    std::vector<double> nan_x = x;
    nan_x[5] = NAN;
    CHECK_THROWS(net.forward(nan_x, shape), LRP_ERR_NON_FINITE, "lrp_network_forward");
    CHECK_THROWS(net.explain(nan_x, shape, {0, 0}), LRP_ERR_NON_FINITE, "lrp_network_explain");

    // Layers and parameters.
    CHECK_THROWS(net.layer_kind(11), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_kind");
    CHECK_THROWS(net.get_param(1, lrp::Param::W), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_param_len");
    CHECK_THROWS(net.set_param(0, lrp::Param::B, {1.0, 2.0}), LRP_ERR_SHAPE_MISMATCH,
                 "lrp_layer_set_param");
    CHECK_THROWS(net.add_linear(0, 3), LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_linear");
    CHECK_THROWS(net.add_linear(2, 2, {1.0, 2.0, 3.0}, {0.0, 0.0}), LRP_ERR_SHAPE_MISMATCH,
                 "lrp_network_add_linear");
    CHECK_THROWS(net.add_maxpool(0, 2, 2, 2), LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_maxpool");
    lrp::Network empty;
    CHECK_THROWS(empty.pop_layer(), LRP_ERR_INVALID_ARGUMENT, "lrp_network_pop_layer");
    CHECK_THROWS(net.write("/nonexistent/dir/model.txt"), LRP_ERR_IO, "lrp_network_write");

    // Training options.
    lrp::TrainOptions opts;
    CHECK_THROWS(opts.set("bogus", 1.0), LRP_ERR_INVALID_ARGUMENT, "lrp_train_options_set");
    CHECK_THROWS(opts.set("batchsize", 0.0), LRP_ERR_INVALID_ARGUMENT, "lrp_train_options_set");
    CHECK_THROWS(opts.set_lrate_decay("cubic"), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_train_options_set_lrate_decay");

    // lrp::Error is a std::runtime_error.
    try {
        net.lrp(y, "bogus");
        CHECK(false);
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("bogus") != std::string::npos);
    }
}

void test_train() {
    // XOR with a 2-8-2 Tanh/SoftMax network: a few hundred steps fit it.
    lrp::Network net;
    net.add_linear(2, 8, 1);
    net.add_tanh();
    net.add_linear(8, 2, 2);
    net.add_softmax();
    const std::vector<double> x = {-1, -1, -1, 1, 1, -1, 1, 1};
    const std::vector<double> t = {1, 0, 0, 1, 0, 1, 1, 0};
    lrp::TrainOptions opts;
    opts.set("iters", 2000).set("batchsize", 4).set("lrate", 0.1).set("status", 500).set("seed", 3);
    std::vector<double> w_before = net.get_param(0, lrp::Param::W);
    net.train(x, {4, 2}, t, opts);
    CHECK(!same(net.get_param(0, lrp::Param::W), w_before));
    std::vector<double> y = net.forward(x, {4, 2});
    std::vector<std::int32_t> k = argmax_rows(y, 4, 2);
    CHECK(k[0] == 0 && k[1] == 1 && k[2] == 1 && k[3] == 0);
    CHECK(!net.train_log().empty());
    // Wrong target length: throws, parameters unchanged.
    std::vector<double> w = net.get_param(0, lrp::Param::W);
    CHECK_THROWS(net.train(x, {4, 2}, std::vector<double>(6, 0.0), opts), LRP_ERR_SHAPE_MISMATCH,
                 "lrp_network_train");
    CHECK(same(net.get_param(0, lrp::Param::W), w));
    // A validation set.
    opts.set_validation(x, {4, 2}, t).set("iters", 10);
    net.train(x, {4, 2}, t, opts);
    CHECK_THROWS(opts.set_validation(x, {4, 2}, std::vector<double>(7, 0.0)),
                 LRP_ERR_SHAPE_MISMATCH, "lrp_train_options_set_validation");
}

/* The presets and many-class calls beyond the toolbox, against the C calls they wrap. */
void test_beyond_toolbox(const std::string& model) {
    lrp::Network net = lrp::Network::read(model);
    const std::size_t n = 2;
    const lrp::Shape shape = {n, 32, 32, 1};
    const std::vector<double> x = inputs(n * 32 * 32, 3);
    net.set_caffe_formula(104, 3, 0.5, 2.0);
    CHECK(net.get_lrp_parameters(0).first == "ww");
    CHECK(net.get_lrp_parameters(6).first == "alphabeta" && net.get_lrp_parameters(6).second == 2.0);
    CHECK(net.get_lrp_parameters(1).first == "epsilon");
    net.set_composite("epsilon_gamma_box", 1e-6, 0.25, -1.0, 1.0);
    CHECK(net.get_lrp_parameters(0).first == "zbox");
    CHECK(net.get_lrp_parameters(3).first == "gamma");
    CHECK(net.get_zbox(0).first == std::vector<double>{-1.0});
    CHECK(net.get_zbox(0).second == std::vector<double>{1.0});
    net.set_zbox(0, {-2.0}, {3.0});
    CHECK(net.get_zbox(0).first == std::vector<double>{-2.0});
    CHECK(net.get_zbox(0).second == std::vector<double>{3.0});
    CHECK_THROWS(net.get_zbox(3), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_get_zbox");
    net.set_convention(LRP_CONVENTION_ZENNIT);
    net.set_convention(LRP_CONVENTION_TOOLBOX);
    // Two classes at once: each block equals explain() for that class, bit for bit.
    std::vector<double> maps = net.explain_classes(x, shape, {2, 5}, "epsilon", 0.01);
    CHECK(maps.size() == 2 * x.size());
    for (std::size_t k = 0; k < 2; ++k) {
        const std::int32_t cls = k == 0 ? 2 : 5;
        std::vector<double> one = net.explain(x, shape, {cls, cls}, "epsilon", 0.01);
        CHECK(same(std::vector<double>(maps.begin() + k * x.size(),
                                       maps.begin() + (k + 1) * x.size()),
                   one));
    }
    std::vector<double> set = net.explain_class_set(x, shape, {2, 5}, "epsilon", 0.01);
    double diff = 0.0;
    for (std::size_t i = 0; i < set.size(); ++i) {
        diff = std::fmax(diff, std::fabs(set[i] - maps[i] - maps[x.size() + i]));
    }
    CHECK(diff < 1e-9);
    // Presets from the composite when no rule is named.
    CHECK(net.explain_classes(x, shape, {0}).size() == x.size());
    CHECK_THROWS(net.set_composite("bogus"), LRP_ERR_UNKNOWN_RULE, "lrp_network_set_composite");
    CHECK_THROWS(net.set_caffe_formula(55, 0), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_network_set_caffe_formula");
    CHECK_THROWS(net.set_zbox(0, {-1.0, -1.0}, {1.0, 1.0}), LRP_ERR_SHAPE_MISMATCH,
                 "lrp_layer_set_zbox");
    CHECK_THROWS(net.set_convention(7), LRP_ERR_INVALID_ARGUMENT, "lrp_network_set_convention");
    CHECK_THROWS(net.explain_classes(x, shape, {1, 1}), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_network_explain_classes");
    CHECK_THROWS(net.explain_class_set(x, shape, {10}), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_network_explain_class_set");
}

/* The second edition: predict, output_shape and explain_shape with any rank, and
 * explain(x, shape, ExplainOptions) against the first edition's calls on the same network. */
void test_second_edition(const std::string& model) {
    const std::int64_t live = lrp_live_networks();
    {
        const lrp::Network net = lrp::Network::read(model);
        lrp::Network cached = net.clone();
        const std::size_t n = 3;
        const lrp::Shape shape = {n, 32, 32, 1};
        const std::vector<double> x = inputs(n * 32 * 32, 5);

        // predict() is forward() without the cache.
        CHECK(same(net.predict(x, shape), cached.forward(x, shape)));
        // MATLAB's size() of N x 32 x 32 x 1 drops the 1.
        CHECK(net.output_shape({n, 32, 32}) == lrp::Shape({n, 10}));
        CHECK(same(net.predict(x, {n, 32, 32}), cached.forward(x, shape)));

        // float data: under f64 precision the double results rounded; under f32 within
        // 1e-4 normwise of them and computed in f32 (not the rounded double results).
        {
            lrp::Network net32 = net.clone();
            CHECK(net32.precision() == LRP_DTYPE_F64);
            std::vector<float> xf(x.begin(), x.end());
            std::vector<double> xr(xf.begin(), xf.end());
            lrp::ExplainOptions eps;
            eps.rule("epsilon", 0.01);
            const std::vector<double> r64 = net32.explain(xr, shape, eps);
            const std::vector<float> rf = net32.explain(xf, shape, eps);
            bool rounded = rf.size() == r64.size();
            for (std::size_t i = 0; rounded && i < rf.size(); ++i) {
                rounded = rf[i] == static_cast<float>(r64[i]);
            }
            CHECK(rounded);
            net32.set_precision(LRP_DTYPE_F32);
            CHECK(net32.precision() == LRP_DTYPE_F32);
            const std::vector<float> r32 = net32.explain(xf, shape, eps);
            double diff = 0.0, norm = 0.0;
            for (std::size_t i = 0; i < r32.size(); ++i) {
                diff += (r32[i] - r64[i]) * (r32[i] - r64[i]);
                norm += r64[i] * r64[i];
            }
            CHECK(r32.size() == r64.size() && norm > 0.0 && diff > 0.0 &&
                  std::sqrt(diff / norm) <= 1e-4);
            const std::vector<float> y32 = net32.predict(xf, shape);
            CHECK(y32.size() == n * 10);
            CHECK_THROWS(net32.set_precision(3), LRP_ERR_INVALID_ARGUMENT,
                         "lrp_network_set_precision");
        }

        // Defaults: LRP with the presets for each sample's top class.
        const std::vector<double> y = net.predict(x, shape);
        std::vector<std::int32_t> top(n);
        for (std::size_t s = 0; s < n; ++s) {
            std::size_t best = 0;
            for (std::size_t k = 1; k < 10; ++k) {
                best = y[s * 10 + k] > y[s * 10 + best] ? k : best;
            }
            top[s] = static_cast<std::int32_t>(best);
        }
        lrp::ExplainOptions defaults;
        CHECK(net.explain_shape(shape, defaults) == shape);
        CHECK(same(net.explain(x, shape, defaults), net.explain(x, shape, top)));

        // A rule and per-sample classes, chained.
        lrp::ExplainOptions opts;
        opts.rule("alphabeta", 2.0).classes({1, 4, 9});
        CHECK(same(net.explain(x, shape, opts), net.explain(x, shape, {1, 4, 9}, "alphabeta", 2.0)));

        // Each of two classes, and their set.
        opts.classes({2, 5}, "each");
        CHECK(net.explain_shape(shape, opts) == lrp::Shape({2, n, 32, 32, 1}));
        CHECK(same(net.explain(x, shape, opts),
                   net.explain_classes(x, shape, {2, 5}, "alphabeta", 2.0)));
        opts.set("targets", "set");
        CHECK(same(net.explain(x, shape, opts),
                   net.explain_class_set(x, shape, {2, 5}, "alphabeta", 2.0)));

        // Column-major: the same numbers in Fortran order for a dense network's N x C.
        lrp::ExplainOptions col;
        col.rule("epsilon", 0.1).classes({1, 4, 9}).layout(lrp::Layout::ColMajor);
        std::vector<double> x_col(x.size());
        // Fortran order of N x 32 x 32 x 1: sample s, row h, column w at s + n (h + 32 w).
        for (std::size_t s = 0; s < n; ++s) {
            for (std::size_t i = 0; i < 32 * 32; ++i) {
                x_col[s + n * (i / 32 + 32 * (i % 32))] = x[s * 32 * 32 + i];
            }
        }
        const std::vector<double> r_row = net.explain(x, shape, {1, 4, 9}, "epsilon", 0.1);
        const std::vector<double> r_col = net.explain(x_col, shape, col);
        bool transposed = r_col.size() == r_row.size();
        for (std::size_t s = 0; transposed && s < n; ++s) {
            for (std::size_t i = 0; i < 32 * 32; ++i) {
                transposed = transposed &&
                             r_col[s + n * (i / 32 + 32 * (i % 32))] == r_row[s * 32 * 32 + i];
            }
        }
        CHECK(transposed);

        // Sensitivity: N x 32 x 32 x 1.
        lrp::ExplainOptions sens;
        sens.method("sensitivity").classes({0, 0, 0});
        CHECK(net.explain_shape(shape, sens) == lrp::Shape({n, 32, 32, 1}));
        CHECK(net.explain(x, shape, sens).size() == x.size());

        // Integrated gradients from a baseline of zeros equals the default baseline.
        lrp::ExplainOptions ig;
        ig.method("integrated_gradients").steps(4).classes({3, 3, 3});
        const std::vector<double> plain = net.explain(x, shape, ig);
        ig.baseline(std::vector<double>(x.size(), 0.0), shape);
        CHECK(same(net.explain(x, shape, ig), plain));

        // A start array equals the masked output it stands for.
        lrp::ExplainOptions from_start;
        std::vector<double> r0(n * 10, 0.0);
        for (std::size_t s = 0; s < n; ++s) {
            r0[s * 10 + 7] = y[s * 10 + 7];
        }
        from_start.start(r0, {n, 10});
        CHECK(same(net.explain(x, shape, from_start), net.explain(x, shape, {7, 7, 7})));

        // Moves keep the handle.
        lrp::ExplainOptions moved(std::move(opts));
        CHECK(moved.handle() != nullptr && opts.handle() == nullptr);

        // Errors: unknown names, bad values, sizes, classes.
        CHECK_THROWS(moved.set("sigma", 0.1), LRP_ERR_INVALID_ARGUMENT, "lrp_explain_options_set");
        CHECK_THROWS(moved.set("method", "gradcam"), LRP_ERR_UNKNOWN_RULE,
                     "lrp_explain_options_set_str");
        CHECK_THROWS(moved.classes({-1}), LRP_ERR_INVALID_ARGUMENT,
                     "lrp_explain_options_set_classes");
        CHECK_WRAPPER_THROWS(net.explain(x, {n, 32, 32, 2}, moved), LRP_ERR_SHAPE_MISMATCH,
                             "lrp_network_explain_with", "x has 3072 elements, its dims say 6144");
        CHECK_THROWS(net.explain(x, {n, 16, 64, 1}, moved), LRP_ERR_SHAPE_MISMATCH,
                     "lrp_network_explain_with");
        CHECK_THROWS(net.explain_shape({n, 16, 64, 1}, moved), LRP_ERR_SHAPE_MISMATCH,
                     "lrp_network_explain_dims");
        CHECK_THROWS(net.predict(std::vector<double>(), {n, 32, 0, 1}), LRP_ERR_INVALID_ARGUMENT,
                     "lrp_network_predict");
        CHECK_WRAPPER_THROWS(net.predict(x, {n, 32, 0, 1}), LRP_ERR_SHAPE_MISMATCH,
                             "lrp_network_predict", "dims say 0");
        CHECK_THROWS(net.output_shape({}), LRP_ERR_INVALID_ARGUMENT, "lrp_network_output_dims");
        lrp::ExplainOptions wrong;
        wrong.classes({1, 2});
        CHECK_THROWS(net.explain(x, shape, wrong), LRP_ERR_SHAPE_MISMATCH,
                     "lrp_network_explain_with");
        CHECK_WRAPPER_THROWS(wrong.start(r0, {n, 11}), LRP_ERR_SHAPE_MISMATCH,
                             "lrp_explain_options_set_array", "start has 30 elements");
    }
    CHECK(lrp_live_networks() == live);
}

/* An ONNX model (N x C x H x W): shapes of any rank and a composite with canonizers in the
 * options equal the same set on a canonized handle. `model` is the golden lenet5.txt; the
 * ONNX models lie in the golden directory's -onnx sibling. */
void test_onnx_model(const std::string& model) {
    const std::string dir = model.substr(0, model.rfind('/'));
    const lrp::Network net = lrp::Network::read(dir + "-onnx/mixed.onnx");
    const lrp::Shape shape = {4, 4, 16, 16};
    const std::vector<double> x = inputs(4 * 4 * 16 * 16, 9);
    CHECK(net.output_shape(shape) == lrp::Shape({4, 5}));
    lrp::ExplainOptions opts;
    opts.composite("epsilon_plus", 1e-6).canonizers("sequential_merge_batchnorm")
        .convention("zennit").classes({0, 1, 2, 3});
    CHECK(net.explain_shape(shape, opts) == shape);
    const std::vector<double> r = net.explain(x, shape, opts);
    lrp::Network handle = net.clone();
    handle.set_convention(LRP_CONVENTION_ZENNIT);
    CHECK(lrp_network_canonize(handle.handle(), "sequential_merge_batchnorm") == LRP_OK);
    handle.set_composite("epsilon_plus", 1e-6);
    CHECK(same(r, handle.explain(x, shape, {0, 1, 2, 3})));
    // Sensitivity of a channels-first model: N x 1 x H x W.
    lrp::ExplainOptions sens;
    sens.method("sensitivity");
    CHECK(net.explain_shape(shape, sens) == lrp::Shape({4, 1, 16, 16}));
    CHECK(net.explain(x, shape, sens).size() == 4 * 16 * 16);
}

/* A residual network built node by node (the C suite's, tests/c/test_graph.c): conv 3x3
 * with padding 1 -> relu -> conv 1x1 -> add(input) -> global average pool -> flatten ->
 * linear 1 -> 2; forward and LRP against the values computed there by hand, every node
 * read back, the builder's errors. */
void test_graph_builder() {
    lrp::Network net;
    lrp::LayerSpec conv(LRP_LAYER_CONVOLUTION);
    conv.set_param("W", std::vector<double>(9, 1.0), {3, 3, 1, 1})
        .set("pad_top", 1)
        .set("pad_left", 1)
        .set("pad_bottom", 1)
        .set("pad_right", 1);
    const std::size_t c1 = net.add_node(conv, {0});
    const std::size_t r = net.add_node(lrp::LayerSpec(LRP_LAYER_RECT), {c1});
    lrp::LayerSpec pointwise(LRP_LAYER_CONVOLUTION);
    pointwise.set_param("W", {0.1}, {1, 1, 1, 1});
    const std::size_t c2 = net.add_node(pointwise, {r});
    const std::size_t sum = net.add_node(lrp::LayerSpec(LRP_LAYER_ADD), {c2, 0});
    const std::size_t pooled = net.add_node(lrp::LayerSpec(LRP_LAYER_GLOBALAVGPOOL), {sum});
    const std::size_t flat = net.add_node(lrp::LayerSpec(LRP_LAYER_FLATTEN), {pooled});
    lrp::LayerSpec linear(LRP_LAYER_LINEAR);
    linear.set_param("W", {1.0, -2.0}, {1, 2});
    CHECK(net.add_node(linear, {flat}) == 7);
    CHECK(net.num_layers() == 7);

    const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const lrp::Shape shape = {1, 3, 3, 1};
    CHECK(net.output_shape(shape) == lrp::Shape({1, 2}));
    std::vector<double> y = net.forward(x, shape);
    CHECK(y.size() == 2 && std::fabs(y[0] - 69.5 / 9.0) < 1e-12 &&
          std::fabs(y[1] + 139.0 / 9.0) < 1e-12);
    std::vector<double> rel = net.lrp({y[0], 0.0}, "simple");
    const double windows[9] = {4, 6, 4, 6, 9, 6, 4, 6, 4};
    for (std::size_t k = 0; k < 9; ++k) {
        CHECK(std::fabs(rel[k] - x[k] * (1.0 + 0.1 * windows[k]) / 9.0) < 1e-12);
    }
    CHECK(same(net.explain(x, shape, {0}, "simple"), rel));

    // Every node reads back.
    CHECK(net.layer_kind(3) == LRP_LAYER_ADD);
    CHECK(net.node_inputs(3) == std::vector<std::size_t>({3, 0}));
    CHECK(net.node_inputs(0) == std::vector<std::size_t>({0}));
    const std::vector<std::string> names = net.node_attribute_names(0);
    CHECK(names.size() == 9 && names[0] == "stride_h" && names[8] == "groups");
    CHECK(net.node_attribute(0, "pad_bottom") == 1.0 && net.node_attribute(0, "groups") == 1.0);
    CHECK(net.node_attribute_names(1).empty());
    CHECK(net.node_param_names(6) == std::vector<std::string>({"W", "B"}));
    CHECK(net.node_param_shape(0, "W") == lrp::Shape({3, 3, 1, 1}));
    CHECK(same(net.node_param(6, "W"), {1.0, -2.0}));
    CHECK(same(net.node_param(6, "b"), {0.0, 0.0}));
    CHECK(same(net.node_param(6, "W"), net.get_param(6, lrp::Param::W)));
    CHECK(!net.node_accepts(0, "pass") && net.node_accepts(0, "gamma", 0.25));
    CHECK(net.node_accepts(3, "pass") && !net.node_accepts(3, "alphabeta", 2.0));

    // A BatchNorm and a pool by attribute; a spec adds two nodes.
    lrp::Network seq;
    lrp::LayerSpec bn(LRP_LAYER_BATCHNORM);
    bn.set_param("mean", {1.0}, {1}).set_param("var", {4.0}, {1, 1}).set("eps", 0.0);
    const std::size_t b1 = seq.add_node(bn, {0});
    seq.add_node(bn, {b1});
    CHECK(same(seq.node_param(1, "var"), {4.0}) && seq.node_attribute(1, "eps") == 0.0);
    // (x - 1) / 2 twice: 9 -> 4 -> 1.5.
    CHECK(same(seq.forward({9.0}, {1, 1}), {1.5}));

    // Errors: the library's, and the wrapper's own count check.
    CHECK_THROWS(lrp::LayerSpec(99), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_new");
    lrp::LayerSpec pool(LRP_LAYER_MAXPOOL);
    CHECK_THROWS(pool.set("kernel", 2), LRP_ERR_INVALID_ARGUMENT, "lrp_layer_spec_set");
    CHECK_THROWS(pool.set_param("W", {1.0}, {1}), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_layer_spec_set_param");
    CHECK_THROWS(net.add_node(pool, {7}), LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_node");
    pool.set("kernel_h", 2).set("kernel_w", 2);
    CHECK_THROWS(net.add_node(pool, {9}), LRP_ERR_INVALID_ARGUMENT, "lrp_network_add_node");
    CHECK_THROWS(net.add_node(lrp::LayerSpec(LRP_LAYER_ADD), {1}), LRP_ERR_INVALID_ARGUMENT,
                 "lrp_network_add_node");
    CHECK_THROWS(net.node_attribute(0, "eps"), LRP_ERR_INVALID_ARGUMENT, "lrp_node_attribute");
    CHECK_THROWS(net.node_param(1, "W"), LRP_ERR_INVALID_ARGUMENT, "lrp_node_param_shape");
    CHECK_THROWS(net.node_inputs(7), LRP_ERR_INVALID_ARGUMENT, "lrp_node_num_inputs");
    CHECK_THROWS(net.node_accepts(0, "bogus"), LRP_ERR_UNKNOWN_RULE, "lrp_node_accepts");
    CHECK(net.num_layers() == 7);
    try {
        linear.set_param("W", {1.0, 2.0, 3.0}, {1, 2});
        CHECK(false);
    } catch (const lrp::Error& e) {
        CHECK(e.code() == LRP_ERR_SHAPE_MISMATCH);
        CHECK(std::string(e.what()).find("LayerSpec::set_param: W has 3 values") == 0);
    }
    // Moves keep one owner.
    lrp::LayerSpec moved = std::move(linear);
    CHECK(moved.handle() != nullptr && linear.handle() == nullptr);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string model = argc > 1 ? argv[1] : "../shared/golden/lenet5.txt";
    const std::int64_t live = lrp_live_networks();
    try {
        test_lenet(model);
        test_build_and_compute();
        test_ownership(model);
        test_write_read(model);
        test_errors(model);
        test_train();
        test_beyond_toolbox(model);
        test_second_edition(model);
        test_onnx_model(model);
        test_graph_builder();
    } catch (const lrp::Error& e) {
        check(false, std::string("unexpected lrp::Error ") + e.status_name() + ": " + e.what(),
              __LINE__);
    } catch (const std::exception& e) {
        check(false, std::string("unexpected exception: ") + e.what(), __LINE__);
    }
    CHECK(lrp_live_networks() == live);
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

/*
 * lrp.hpp: a header-only C++11 wrapper around the lrp C API (lrp.h).
 *
 *   lrp::Network net = lrp::Network::read("model.onnx");
 *   lrp::Shape shape = {1, 3, 32, 32};                       // N x C x H x W for ONNX
 *   std::vector<double> y = net.predict(x, shape);            // 1 x 10
 *   lrp::ExplainOptions opts;
 *   opts.composite("epsilon_plus").canonizers("auto").classes({7});
 *   std::vector<double> r = net.explain(x, shape, opts);     // shaped like x
 *
 *   lrp::Network g;                                           // a graph, node by node
 *   std::size_t h = g.add_node(lrp::LayerSpec(LRP_LAYER_RECT), {0});   // 0: the input
 *   g.add_node(lrp::LayerSpec(LRP_LAYER_ADD), {h, 0});        // a residual sum
 *
 * - lrp::Network owns one LrpNetwork handle: move-only, freed by the destructor; clone()
 *   makes an independent copy (without the cached forward pass).
 * - Arrays are std::vector<double> with an lrp::Shape (std::vector<std::size_t>, batch
 *   first in the network's axis order: N x M for dense batches, N x H x W x D for toolbox
 *   images, N x C x H x W for ONNX models), row-major unless a Layout is given. predict(),
 *   output_shape(), explain_shape() and explain(x, shape, ExplainOptions) take any rank
 *   (the C API's second edition); the toolbox-style calls take 1 to 4 dimensions. The
 *   vector's size must equal the shape's element count (else LRP_ERR_SHAPE_MISMATCH).
 * - Every failure throws lrp::Error (a std::runtime_error): code() is the LRP_ERR_* status,
 *   what() the library's lrp_last_error() text. Outputs are returned, so a failed call
 *   changes nothing the caller holds.
 * - lrp::LayerSpec describes one layer of any kind (attributes and parameters by name, see
 *   lrp_layer_spec_new in lrp.h); Network::add_node adds it taking the values it names
 *   (0 the input, i + 1 the output of node i) and returns its own; node_* read any node.
 * - A Network is as thread-safe as its handle (see lrp.h), except that the wrapper keeps
 *   the shapes of the last forward() for lrp()/backward(): give each thread its own clone()
 *   for forward/lrp, or share one const Network for explain().
 */
#ifndef LRP_HPP
#define LRP_HPP

#include "lrp.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lrp {

/* The failure of a library call: the status code and the library's message. */
class Error : public std::runtime_error {
public:
    Error(std::int32_t code, const std::string& message)
        : std::runtime_error(message), code_(code) {}

    /* The LRP_ERR_* status. */
    std::int32_t code() const noexcept { return code_; }

    /* The status as a constant name, e.g. "LRP_ERR_SHAPE_MISMATCH". */
    const char* status_name() const noexcept { return lrp_status_name(code_); }

private:
    std::int32_t code_;
};

/* Array dimensions, batch first. */
typedef std::vector<std::size_t> Shape;

/* The memory order of the doubles of an array (the shape is batch first either way). */
enum class Layout : std::int32_t {
    RowMajor = LRP_LAYOUT_ROW_MAJOR, /* C order: the last index varies fastest */
    ColMajor = LRP_LAYOUT_COL_MAJOR  /* MATLAB/Fortran order: the first varies fastest */
};

/* W or B of a layer. */
enum class Param : std::int32_t { W = LRP_PARAM_W, B = LRP_PARAM_B };

/* "No parameter": the rule's default (epsilon 0.01, alpha 1). */
inline double default_param() { return std::numeric_limits<double>::quiet_NaN(); }

/* The library version, e.g. "0.1.0". */
inline std::string version() { return lrp_version(); }

namespace detail {

/* Throws lrp::Error for a failed status. */
inline void check(std::int32_t status) {
    if (status != LRP_OK) {
        throw Error(status, lrp_last_error());
    }
}

inline std::size_t elements(const Shape& shape) {
    std::size_t n = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        n *= shape[i];
    }
    return n;
}

/* Rank and four dims for the C API. A rank outside 1..4 is passed on for the library to
 * reject (LRP_ERR_INVALID_ARGUMENT), so that every error carries its message. */
struct Dims {
    std::int32_t rank;
    std::size_t d[4];

    explicit Dims(const Shape& shape)
        : rank(shape.size() > 1000 ? 1000 : static_cast<std::int32_t>(shape.size())) {
        for (std::size_t i = 0; i < 4; ++i) {
            d[i] = i < shape.size() ? shape[i] : 1;
        }
    }
};

/* A std::vector's data, never NULL (an empty vector still gives a valid pointer). */
template <typename T>
const T* data(const std::vector<T>& v) {
    static const T empty = T();
    return v.empty() ? &empty : v.data();
}

template <typename T>
T* data(std::vector<T>& v, T& dummy) {
    return v.empty() ? &dummy : v.data();
}

/* The C API reads as many values as the dims say: a vector of another size is refused
 * here, before the call (the C API cannot see the vector's size). */
inline void check_size(const char* function, const char* what, std::size_t size,
                       const Shape& shape) {
    std::size_t n = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] != 0 && n > static_cast<std::size_t>(-1) / shape[i]) {
            throw Error(LRP_ERR_INVALID_ARGUMENT, std::string(function) + ": the dims of " +
                                                      what + " overflow size_t");
        }
        n *= shape[i];
    }
    if (n != size) {
        throw Error(LRP_ERR_SHAPE_MISMATCH,
                    std::string(function) + ": " + what + " has " + std::to_string(size) +
                        " elements, its dims say " + std::to_string(n));
    }
}

/* A rank for the C API (an absurd one is passed on for the library to reject). */
inline std::int32_t rank_of(const Shape& shape) {
    return shape.size() > 1000 ? 1000 : static_cast<std::int32_t>(shape.size());
}

/* The dims a query of the C API's second edition writes, as a Shape. */
template <typename Query>
Shape query_dims(Query query) {
    std::size_t dims[LRP_MAX_RANK + 1] = {0};
    std::int32_t rank = 0;
    check(query(dims, static_cast<std::size_t>(LRP_MAX_RANK + 1), &rank));
    return Shape(dims, dims + rank);
}

}  // namespace detail

/* Options of Network::train: the toolbox's defaults until set. Move-only. */
class TrainOptions {
public:
    TrainOptions() : opts_(lrp_train_options_new()) {
        if (opts_ == nullptr) {
            throw std::bad_alloc();
        }
    }
    ~TrainOptions() { lrp_train_options_free(opts_); }
    TrainOptions(TrainOptions&& other) noexcept : opts_(other.opts_) { other.opts_ = nullptr; }
    TrainOptions& operator=(TrainOptions&& other) noexcept {
        if (this != &other) {
            lrp_train_options_free(opts_);
            opts_ = other.opts_;
            other.opts_ = nullptr;
        }
        return *this;
    }
    TrainOptions(const TrainOptions&) = delete;
    TrainOptions& operator=(const TrainOptions&) = delete;

    /* "batchsize", "iters", "lrate", "lfactor_initial", "status", "convergence", "seed" or
     * "verbose". Returns *this for chaining. */
    TrainOptions& set(const std::string& name, double value) {
        detail::check(lrp_train_options_set(opts_, name.c_str(), value));
        return *this;
    }

    /* "none", "sublinear" or "linear". */
    TrainOptions& set_lrate_decay(const std::string& decay) {
        detail::check(lrp_train_options_set_lrate_decay(opts_, decay.c_str()));
        return *this;
    }

    /* Validation inputs of `shape` and one-hot targets (N_val x C). */
    TrainOptions& set_validation(const std::vector<double>& xval, const Shape& shape,
                                 const std::vector<double>& yval,
                                 Layout layout = Layout::RowMajor) {
        detail::Dims d(shape);
        detail::check(lrp_train_options_set_validation(
            opts_, detail::data(xval), xval.size(), d.rank, d.d[0], d.d[1], d.d[2], d.d[3],
            detail::data(yval), yval.size(), static_cast<std::int32_t>(layout)));
        return *this;
    }

    const LrpTrainOptions* handle() const noexcept { return opts_; }

private:
    LrpTrainOptions* opts_;
};

/* Options of Network::explain(x, shape, options), a builder over LrpExplainOptions: every
 * option at its default until set (LRP with each layer's preset, each sample's top class,
 * row-major); see lrp_explain_options_set and lrp_explain_options_set_str in lrp.h for the
 * names and values. Every setter returns *this for chaining and throws lrp::Error (nothing
 * changed) on an unknown name or a bad value. Move-only; threads may share one for
 * explaining while none sets it. */
class ExplainOptions {
public:
    ExplainOptions() : opts_(lrp_explain_options_new()) {
        if (opts_ == nullptr) {
            throw std::bad_alloc();
        }
    }
    ~ExplainOptions() { lrp_explain_options_free(opts_); }
    ExplainOptions(ExplainOptions&& other) noexcept : opts_(other.opts_) {
        other.opts_ = nullptr;
    }
    ExplainOptions& operator=(ExplainOptions&& other) noexcept {
        if (this != &other) {
            lrp_explain_options_free(opts_);
            opts_ = other.opts_;
            other.opts_ = nullptr;
        }
        return *this;
    }
    ExplainOptions(const ExplainOptions&) = delete;
    ExplainOptions& operator=(const ExplainOptions&) = delete;

    /* A numeric option ("parameter", "epsilon", "gamma", "low", "high", "samples", "noise",
     * "seed", "steps", "layout"); NaN resets it. */
    ExplainOptions& set(const std::string& name, double value) {
        detail::check(lrp_explain_options_set(opts_, name.c_str(), value));
        return *this;
    }

    /* A string option ("method", "rule", "composite", "canonizers", "convention", "targets",
     * "layout"); "" resets it. */
    ExplainOptions& set(const std::string& name, const std::string& value) {
        detail::check(lrp_explain_options_set_str(opts_, name.c_str(), value.c_str()));
        return *this;
    }
    ExplainOptions& set(const std::string& name, const char* value) {
        return set(name, std::string(value == nullptr ? "" : value));
    }

    /* "lrp" (the default), "gradient", "input_x_gradient", "sensitivity",
     * "guided_backprop", "deconvnet", "smoothgrad", "integrated_gradients". */
    ExplainOptions& method(const std::string& name) { return set("method", name); }

    /* LRP's rule for every layer, with its parameter (default_param(): the rule's own). */
    ExplainOptions& rule(const std::string& name, double param = default_param()) {
        set("rule", name);
        return set("parameter", param);
    }

    /* A zennit composite with its parameters (epsilon_gamma_box needs low and high). */
    ExplainOptions& composite(const std::string& name, double epsilon = default_param(),
                              double gamma = default_param(), double low = default_param(),
                              double high = default_param()) {
        set("composite", name);
        set("epsilon", epsilon);
        set("gamma", gamma);
        set("low", low);
        return set("high", high);
    }

    /* "merge_batchnorm", "vgg", "resnet", "resnet_sum", "auto" or "none". */
    ExplainOptions& canonizers(const std::string& names) { return set("canonizers", names); }

    /* "toolbox" or "zennit" ("": the network's). */
    ExplainOptions& convention(const std::string& name) { return set("convention", name); }

    /* The classes to explain (0-based; empty clears them) and how: "per_sample" (the
     * default with classes: one per sample), "each" (one map per class), "set" (one map of
     * their sum); "top" needs no classes. */
    ExplainOptions& classes(const std::vector<std::int32_t>& list,
                            const std::string& targets = std::string()) {
        detail::check(lrp_explain_options_set_classes(opts_, detail::data(list), list.size()));
        return set("targets", targets);
    }

    /* SmoothGrad's noisy copies, noise level and seed. */
    ExplainOptions& smoothgrad(std::size_t samples, double noise, std::uint64_t seed = 0) {
        set("samples", static_cast<double>(samples));
        set("noise", noise);
        return set("seed", static_cast<double>(seed));
    }

    /* Integrated gradients' steps. */
    ExplainOptions& steps(std::size_t count) { return set("steps", static_cast<double>(count)); }

    /* The memory order of x, the result and the arrays given here. */
    ExplainOptions& layout(Layout order) {
        return set("layout", static_cast<double>(static_cast<std::int32_t>(order)));
    }

    /* What the explanation starts from at the output (LRP's relevance, the gradient
     * methods' dy), of `shape` (the network's output for x); replaces classes. Empty data
     * clears it. */
    ExplainOptions& start(const std::vector<double>& data, const Shape& shape) {
        return array("start", data, shape);
    }

    /* Integrated gradients' baseline, shaped like x. Empty data clears it. */
    ExplainOptions& baseline(const std::vector<double>& data, const Shape& shape) {
        return array("baseline", data, shape);
    }

    const LrpExplainOptions* handle() const noexcept { return opts_; }

private:
    ExplainOptions& array(const char* name, const std::vector<double>& data, const Shape& shape) {
        if (data.empty()) {
            detail::check(lrp_explain_options_set_array(opts_, name, nullptr, nullptr, 0));
            return *this;
        }
        detail::check_size("lrp_explain_options_set_array", name, data.size(), shape);
        detail::check(lrp_explain_options_set_array(opts_, name, data.data(),
                                                    detail::data(shape),
                                                    detail::rank_of(shape)));
        return *this;
    }

    LrpExplainOptions* opts_;
};

/* A network (the toolbox's Sequential, a graph, an ONNX model) owning one LrpNetwork handle. */
/* One layer of any kind for Network::add_node: its kind (LRP_LAYER_*), attributes and
 * parameters by name (see lrp_layer_spec_new in lrp.h for each kind's). Move-only; a spec
 * may add many nodes (each gets a copy). */
class LayerSpec {
public:
    /* Throws lrp::Error (LRP_ERR_INVALID_ARGUMENT) for an unknown kind. */
    explicit LayerSpec(std::int32_t kind) : spec_(lrp_layer_spec_new(kind)) {
        if (spec_ == nullptr) {
            throw Error(lrp_last_status(), lrp_last_error());
        }
    }
    ~LayerSpec() { lrp_layer_spec_free(spec_); }
    LayerSpec(LayerSpec&& other) noexcept : spec_(other.spec_) { other.spec_ = nullptr; }
    LayerSpec& operator=(LayerSpec&& other) noexcept {
        if (this != &other) {
            lrp_layer_spec_free(spec_);
            spec_ = other.spec_;
            other.spec_ = nullptr;
        }
        return *this;
    }
    LayerSpec(const LayerSpec&) = delete;
    LayerSpec& operator=(const LayerSpec&) = delete;

    /* An attribute ("stride_h", "pad_top", "groups", "kernel_w", "ceil_mode", "eps", ...).
     * Returns *this for chaining. */
    LayerSpec& set(const std::string& name, double value) {
        detail::check(lrp_layer_spec_set(spec_, name.c_str(), value));
        return *this;
    }

    /* A parameter ("W", "B", "mean", "var", "gamma", "beta", "shape") of shape `dims`;
     * data.size() must be the product of the dims (else LRP_ERR_SHAPE_MISMATCH, thrown
     * before the library reads anything). */
    LayerSpec& set_param(const std::string& name, const std::vector<double>& data,
                         const Shape& dims, Layout layout = Layout::RowMajor) {
        std::size_t n = 1;
        bool overflow = false;
        for (std::size_t i = 0; i < dims.size(); ++i) {
            overflow = overflow || (dims[i] != 0 && n > std::numeric_limits<std::size_t>::max() / dims[i]);
            n *= dims[i];
        }
        if (overflow || n != data.size()) {
            throw Error(LRP_ERR_SHAPE_MISMATCH,
                        "LayerSpec::set_param: " + name + " has " + std::to_string(data.size()) +
                            " values, its dims ask for another count");
        }
        const std::int32_t rank =
            dims.size() > 1000 ? 1000 : static_cast<std::int32_t>(dims.size());
        detail::check(lrp_layer_spec_set_param(spec_, name.c_str(), detail::data(data),
                                               detail::data(dims), rank,
                                               static_cast<std::int32_t>(layout)));
        return *this;
    }

    const LrpLayerSpec* handle() const noexcept { return spec_; }

private:
    LrpLayerSpec* spec_;
};

/* A network (the toolbox's Sequential, or any graph of layers) owning one LrpNetwork
 * handle. */
class Network {
public:
    /* A network without layers. */
    Network() : net_(lrp_network_new()) {
        if (net_ == nullptr) {
            throw std::bad_alloc();
        }
    }

    /* Takes ownership of a handle from the C API (NULL gives an empty Network that
     * fails every call with LRP_ERR_NULL_ARGUMENT). */
    explicit Network(LrpNetwork* handle) noexcept : net_(handle) {}

    /* Reads a model file in the toolbox's text format; a failure throws with the code
     * lrp_last_status() reports (LRP_ERR_PARSE, LRP_ERR_IO, ...). */
    static Network read(const std::string& path) {
        LrpNetwork* net = lrp_network_read(path.c_str());
        if (net == nullptr) {
            throw Error(lrp_last_status(), lrp_last_error());
        }
        return Network(net);
    }

    ~Network() { lrp_network_free(net_); }

    Network(Network&& other) noexcept
        : net_(other.net_),
          in_shape_(std::move(other.in_shape_)),
          out_shape_(std::move(other.out_shape_)) {
        other.net_ = nullptr;
    }

    Network& operator=(Network&& other) noexcept {
        if (this != &other) {
            lrp_network_free(net_);
            net_ = other.net_;
            in_shape_ = std::move(other.in_shape_);
            out_shape_ = std::move(other.out_shape_);
            other.net_ = nullptr;
        }
        return *this;
    }

    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    /* An independent copy of the layers, parameters and presets (not the cached forward
     * pass). */
    Network clone() const {
        LrpNetwork* copy = lrp_network_clone(net_);
        if (copy == nullptr) {
            throw Error(net_ == nullptr ? LRP_ERR_NULL_ARGUMENT : LRP_ERR_PANIC,
                        lrp_last_error());
        }
        return Network(copy);
    }

    /* Writes the model file (replaced only once complete). */
    void write(const std::string& path) const {
        detail::check(lrp_network_write(net_, path.c_str()));
    }

    /* The handle, still owned by this object. */
    LrpNetwork* handle() const noexcept { return net_; }

    /* Gives up ownership of the handle (free it with lrp_network_free). */
    LrpNetwork* release() noexcept {
        LrpNetwork* h = net_;
        net_ = nullptr;
        return h;
    }

    // ---- layers -------------------------------------------------------------------

    std::size_t num_layers() const {
        std::size_t n = 0;
        detail::check(lrp_network_num_layers(net_, &n));
        return n;
    }

    /* One of LRP_LAYER_LINEAR .. LRP_LAYER_SOFTMAX. */
    std::int32_t layer_kind(std::size_t index) const {
        std::int32_t kind = 0;
        detail::check(lrp_layer_kind(net_, index, &kind));
        return kind;
    }

    /* (m, n) for Linear, (hf, wf, df, nf, sh, sw) for Convolution, (ph, pw, sh, sw) for
     * the pools, empty for the others. */
    std::vector<std::size_t> layer_sizes(std::size_t index) const {
        std::size_t count = 0;
        detail::check(lrp_layer_num_sizes(net_, index, &count));
        std::vector<std::size_t> sizes(count);
        for (std::size_t i = 0; i < count; ++i) {
            detail::check(lrp_layer_size(net_, index, i, &sizes[i]));
        }
        return sizes;
    }

    /* Linear layer, W ~ Normal(0, 1/sqrt(m)) from `seed`, B = 0. */
    void add_linear(std::size_t m, std::size_t n, std::uint64_t seed = 0) {
        detail::check(lrp_network_add_linear(net_, m, n, nullptr, 0, nullptr, 0,
                                             LRP_LAYOUT_ROW_MAJOR, seed));
    }

    /* Linear layer with W (m x n) and B (n). */
    void add_linear(std::size_t m, std::size_t n, const std::vector<double>& w,
                    const std::vector<double>& b, Layout layout = Layout::RowMajor) {
        detail::check(lrp_network_add_linear(net_, m, n, detail::data(w), w.size(),
                                             detail::data(b), b.size(),
                                             static_cast<std::int32_t>(layout), 0));
    }

    /* Convolution with nf filters of hf x wf x df, stride (sh, sw), random weights. */
    void add_convolution(std::size_t hf, std::size_t wf, std::size_t df, std::size_t nf,
                         std::size_t sh, std::size_t sw, std::uint64_t seed = 0) {
        detail::check(lrp_network_add_convolution(net_, hf, wf, df, nf, sh, sw, nullptr, 0,
                                                  nullptr, 0, LRP_LAYOUT_ROW_MAJOR, seed));
    }

    /* Convolution with W (hf x wf x df x nf) and B (nf). */
    void add_convolution(std::size_t hf, std::size_t wf, std::size_t df, std::size_t nf,
                         std::size_t sh, std::size_t sw, const std::vector<double>& w,
                         const std::vector<double>& b, Layout layout = Layout::RowMajor) {
        detail::check(lrp_network_add_convolution(
            net_, hf, wf, df, nf, sh, sw, detail::data(w), w.size(), detail::data(b),
            b.size(), static_cast<std::int32_t>(layout), 0));
    }

    void add_maxpool(std::size_t ph, std::size_t pw, std::size_t sh, std::size_t sw) {
        detail::check(lrp_network_add_maxpool(net_, ph, pw, sh, sw));
    }
    void add_sumpool(std::size_t ph, std::size_t pw, std::size_t sh, std::size_t sw) {
        detail::check(lrp_network_add_sumpool(net_, ph, pw, sh, sw));
    }
    void add_flatten() { detail::check(lrp_network_add_flatten(net_)); }
    void add_rect() { detail::check(lrp_network_add_rect(net_)); }
    void add_tanh() { detail::check(lrp_network_add_tanh(net_)); }
    void add_softmax() { detail::check(lrp_network_add_softmax(net_)); }

    // ---- graphs: nodes of any kind, and what any node holds -----------------------

    /* Adds the layer `spec` describes taking the values `inputs` (0 the network input,
     * i + 1 the output of node i); returns the value of its output (its index + 1). */
    std::size_t add_node(const LayerSpec& spec, const std::vector<std::size_t>& inputs) {
        std::size_t value = 0;
        detail::check(lrp_network_add_node(net_, spec.handle(), detail::data(inputs),
                                           inputs.size(), &value));
        return value;
    }

    /* The values node `index` takes. */
    std::vector<std::size_t> node_inputs(std::size_t index) const {
        std::size_t count = 0;
        detail::check(lrp_node_num_inputs(net_, index, &count));
        std::vector<std::size_t> inputs(count);
        std::size_t dummy = 0;
        detail::check(lrp_node_inputs(net_, index, detail::data(inputs, dummy), count));
        return inputs;
    }

    /* The attribute names of node `index`'s kind, in the library's order. */
    std::vector<std::string> node_attribute_names(std::size_t index) const {
        return names(index, lrp_node_num_attributes, lrp_node_attribute_name);
    }

    /* Attribute `name` of node `index`. */
    double node_attribute(std::size_t index, const std::string& name) const {
        double value = 0.0;
        detail::check(lrp_node_attribute(net_, index, name.c_str(), &value));
        return value;
    }

    /* The parameter names of node `index`'s kind ("W", "B"; "mean", "var", ...). */
    std::vector<std::string> node_param_names(std::size_t index) const {
        return names(index, lrp_node_num_params, lrp_node_param_name);
    }

    /* The shape of parameter `name` of node `index`. */
    Shape node_param_shape(std::size_t index, const std::string& name) const {
        std::size_t dims[LRP_NODE_MAX_PARAM_RANK] = {0};
        std::int32_t rank = 0;
        detail::check(lrp_node_param_shape(net_, index, name.c_str(), dims,
                                           LRP_NODE_MAX_PARAM_RANK, &rank));
        return Shape(dims, dims + rank);
    }

    /* Parameter `name` of node `index` (shape from node_param_shape). */
    std::vector<double> node_param(std::size_t index, const std::string& name,
                                   Layout layout = Layout::RowMajor) const {
        std::vector<double> values(detail::elements(node_param_shape(index, name)));
        double dummy = 0.0;
        detail::check(lrp_node_get_param(net_, index, name.c_str(), detail::data(values, dummy),
                                         values.size(), static_cast<std::int32_t>(layout)));
        return values;
    }

    /* Whether node `index` accepts `rule` (with `param`) as its preset. */
    bool node_accepts(std::size_t index, const std::string& rule,
                      double param = default_param()) const {
        std::int32_t accepts = 0;
        detail::check(lrp_node_accepts(net_, index, rule.c_str(), param, &accepts));
        return accepts != 0;
    }

    /* Removes the last layer. */
    void pop_layer() { detail::check(lrp_network_pop_layer(net_)); }

    /* Removes the last layer if it is a SoftMax; returns whether it did. */
    bool drop_softmax_output_layer() {
        std::int32_t dropped = 0;
        detail::check(lrp_network_drop_softmax_output_layer(net_, &dropped));
        return dropped != 0;
    }

    /* W or B of layer `index`. */
    std::vector<double> get_param(std::size_t index, Param which,
                                  Layout layout = Layout::RowMajor) const {
        std::size_t len = 0;
        detail::check(lrp_layer_param_len(net_, index, static_cast<std::int32_t>(which), &len));
        std::vector<double> values(len);
        double dummy = 0.0;
        detail::check(lrp_layer_get_param(net_, index, static_cast<std::int32_t>(which),
                                          detail::data(values, dummy), values.size(),
                                          static_cast<std::int32_t>(layout)));
        return values;
    }

    /* Replaces W or B of layer `index` (same number of elements). */
    void set_param(std::size_t index, Param which, const std::vector<double>& values,
                   Layout layout = Layout::RowMajor) {
        detail::check(lrp_layer_set_param(net_, index, static_cast<std::int32_t>(which),
                                          detail::data(values), values.size(),
                                          static_cast<std::int32_t>(layout)));
    }

    // ---- LRP presets --------------------------------------------------------------

    /* The preset of every layer: "simple", "epsilon", "alphabeta", "flat", "ww" (and the
     * toolbox's aliases), with its parameter (default_param() for the rule's default). */
    void set_lrp_parameters(const std::string& rule, double param = default_param()) {
        detail::check(lrp_network_set_lrp_parameters(net_, rule.c_str(), param));
    }

    /* The preset of layer `index`. */
    void set_lrp_parameters(std::size_t index, const std::string& rule,
                            double param = default_param()) {
        detail::check(lrp_layer_set_lrp_parameters(net_, index, rule.c_str(), param));
    }

    /* The preset of layer `index`: canonical rule name and parameter (NaN if none). */
    std::pair<std::string, double> get_lrp_parameters(std::size_t index) const {
        char name[32] = {0};
        double param = 0.0;
        detail::check(lrp_layer_get_lrp_parameters(net_, index, name, sizeof name, &param));
        return std::make_pair(std::string(name), param);
    }

    /* Every layer's preset from a composite ("epsilon_plus", "epsilon_alpha2_beta1",
     * "epsilon_plus_flat", "epsilon_gamma_box"); default_param() for what is not given
     * (epsilon_gamma_box needs low and high). */
    void set_composite(const std::string& name, double epsilon = default_param(),
                       double gamma = default_param(), double low = default_param(),
                       double high = default_param()) {
        detail::check(lrp_network_set_composite(net_, name.c_str(), epsilon, gamma, low, high));
    }

    /* Every layer's preset from the Caffe toolbox's formula type, switching at the 0-based
     * layer index `layer`. */
    void set_caffe_formula(std::int32_t formula, std::int32_t layer,
                           double epsilon = default_param(), double alpha = default_param()) {
        detail::check(lrp_network_set_caffe_formula(net_, formula, layer, epsilon, alpha));
    }

    /* The zbox preset of layer `index` with bounds per input channel (equal lengths). */
    void set_zbox(std::size_t index, const std::vector<double>& low,
                  const std::vector<double>& high) {
        if (low.size() != high.size()) {
            throw Error(LRP_ERR_SHAPE_MISMATCH, "set_zbox: low and high differ in length");
        }
        detail::check(lrp_layer_set_zbox(net_, index, detail::data(low), detail::data(high),
                                         low.size()));
    }

    /* The zbox bounds of layer `index` (its preset must be zbox): low and high, one value
     * each for bounds on every input, else one per input channel. */
    std::pair<std::vector<double>, std::vector<double>> get_zbox(std::size_t index) const {
        std::size_t count = 0;
        detail::check(lrp_layer_get_zbox(net_, index, NULL, NULL, 0, &count));
        std::vector<double> low(count), high(count);
        detail::check(lrp_layer_get_zbox(net_, index, low.data(), high.data(), count, &count));
        return std::make_pair(low, high);
    }

    /* LRP_CONVENTION_TOOLBOX (the default) or LRP_CONVENTION_ZENNIT. */
    void set_convention(std::int32_t convention) {
        detail::check(lrp_network_set_convention(net_, convention));
    }

    /* What the stateless calls (predict, explain, explain_classes, explain_class_set)
     * compute in: LRP_DTYPE_F64 (the default) or LRP_DTYPE_F32 (see
     * lrp_network_set_precision). */
    void set_precision(std::int32_t dtype) {
        detail::check(lrp_network_set_precision(net_, dtype));
    }

    /* LRP_DTYPE_F64 or LRP_DTYPE_F32. */
    std::int32_t precision() const {
        std::int32_t dtype = 0;
        detail::check(lrp_network_precision(net_, &dtype));
        return dtype;
    }

    // ---- computing ----------------------------------------------------------------

    /* One map per class of `classes` (0-based) for every sample, from one forward pass:
     * K blocks of x.size() values, block k for classes[k] (in `layout`). Empty `rule`: the
     * presets. */
    std::vector<double> explain_classes(const std::vector<double>& x, const Shape& shape,
                                        const std::vector<std::int32_t>& classes,
                                        const std::string& rule = std::string(),
                                        double param = default_param(),
                                        Layout layout = Layout::RowMajor) const {
        detail::Dims d(shape);
        std::vector<double> out(x.size() * classes.size());
        double dummy = 0.0;
        detail::check(lrp_network_explain_classes(
            net_, detail::data(x), x.size(), d.rank, d.d[0], d.d[1], d.d[2], d.d[3],
            static_cast<std::int32_t>(layout), detail::data(classes), classes.size(),
            rule.c_str(), param, detail::data(out, dummy), out.size()));
        return out;
    }

    /* The composite map of a set of classes (0-based): the sum of their outputs explained. */
    std::vector<double> explain_class_set(const std::vector<double>& x, const Shape& shape,
                                          const std::vector<std::int32_t>& classes,
                                          const std::string& rule = std::string(),
                                          double param = default_param(),
                                          Layout layout = Layout::RowMajor) const {
        detail::Dims d(shape);
        std::vector<double> out(x.size());
        double dummy = 0.0;
        detail::check(lrp_network_explain_class_set(
            net_, detail::data(x), x.size(), d.rank, d.d[0], d.d[1], d.d[2], d.d[3],
            static_cast<std::int32_t>(layout), detail::data(classes), classes.size(),
            rule.c_str(), param, detail::data(out, dummy), out.size()));
        return out;
    }

    /* The output shape for an input of `input` (batch first, any rank). */
    Shape output_shape(const Shape& input) const {
        LrpNetwork* net = net_;
        return detail::query_dims([&](std::size_t* dims, std::size_t cap, std::int32_t* rank) {
            return lrp_network_output_dims(net, detail::data(input), detail::rank_of(input),
                                           dims, cap, rank);
        });
    }

    /* The forward pass of x (of `shape`, any rank) without caching anything: safe on one
     * shared network from several threads. Shaped as output_shape(shape). */
    std::vector<double> predict(const std::vector<double>& x, const Shape& shape,
                                Layout layout = Layout::RowMajor) const {
        detail::check_size("lrp_network_predict", "x", x.size(), shape);
        Shape out;
        // With an unknown output shape the call fails; the library then says why.
        std::int32_t status = shape_of_output(shape, out);
        std::vector<double> y(status == LRP_OK ? detail::elements(out) : 0);
        double dummy = 0.0;
        detail::check(lrp_network_predict(net_, detail::data(x), detail::data(shape),
                                          detail::rank_of(shape),
                                          static_cast<std::int32_t>(layout),
                                          detail::data(y, dummy), y.size()));
        return y;
    }

    /* predict() for float data, giving floats (no conversion pass under LRP_DTYPE_F32). */
    std::vector<float> predict(const std::vector<float>& x, const Shape& shape,
                               Layout layout = Layout::RowMajor) const {
        detail::check_size("lrp_network_predict_f32", "x", x.size(), shape);
        Shape out;
        std::int32_t status = shape_of_output(shape, out);
        std::vector<float> y(status == LRP_OK ? detail::elements(out) : 0);
        float dummy = 0.0f;
        detail::check(lrp_network_predict_f32(net_, detail::data(x), detail::data(shape),
                                              detail::rank_of(shape),
                                              static_cast<std::int32_t>(layout),
                                              detail::data(y, dummy), y.size()));
        return y;
    }

    /* The shape explain(x, shape, options) gives: `shape`, or N x H x W x 1 (N x 1 x H x W
     * for ONNX models) for sensitivity, or K x shape (shape x K column-major) for targets
     * "each" with K classes. */
    Shape explain_shape(const Shape& shape, const ExplainOptions& options) const {
        LrpNetwork* net = net_;
        return detail::query_dims([&](std::size_t* dims, std::size_t cap, std::int32_t* rank) {
            return lrp_network_explain_dims(net, options.handle(), detail::data(shape),
                                            detail::rank_of(shape), dims, cap, rank);
        });
    }

    /* Explains x (of `shape`, any rank, in the options' layout) as `options` say: LRP with
     * rules, composites and canonizers, or a gradient method, for the classes the options
     * name. Stateless: safe on one shared network from several threads. Shaped as
     * explain_shape(shape, options). */
    std::vector<double> explain(const std::vector<double>& x, const Shape& shape,
                                const ExplainOptions& options) const {
        detail::check_size("lrp_network_explain_with", "x", x.size(), shape);
        std::size_t dims[LRP_MAX_RANK + 1] = {0};
        std::int32_t rank = 0;
        // When the dims query fails, the call fails too and the library says why.
        std::int32_t status = lrp_network_explain_dims(
            net_, options.handle(), detail::data(shape), detail::rank_of(shape), dims,
            static_cast<std::size_t>(LRP_MAX_RANK + 1), &rank);
        std::vector<double> out(status == LRP_OK ? detail::elements(Shape(dims, dims + rank))
                                                 : 0);
        double dummy = 0.0;
        detail::check(lrp_network_explain_with(net_, options.handle(), detail::data(x),
                                               detail::data(shape), detail::rank_of(shape),
                                               detail::data(out, dummy), out.size()));
        return out;
    }

    /* explain() for float data, giving floats (no conversion pass under LRP_DTYPE_F32;
     * the gradient methods compute in double either way). */
    std::vector<float> explain(const std::vector<float>& x, const Shape& shape,
                               const ExplainOptions& options) const {
        detail::check_size("lrp_network_explain_with_f32", "x", x.size(), shape);
        std::size_t dims[LRP_MAX_RANK + 1] = {0};
        std::int32_t rank = 0;
        std::int32_t status = lrp_network_explain_dims(
            net_, options.handle(), detail::data(shape), detail::rank_of(shape), dims,
            static_cast<std::size_t>(LRP_MAX_RANK + 1), &rank);
        std::vector<float> out(status == LRP_OK ? detail::elements(Shape(dims, dims + rank))
                                                : 0);
        float dummy = 0.0f;
        detail::check(lrp_network_explain_with_f32(net_, options.handle(), detail::data(x),
                                                   detail::data(shape), detail::rank_of(shape),
                                                   detail::data(out, dummy), out.size()));
        return out;
    }

    /* Runs the network on x (of `shape`); caches the pass for lrp() and backward(). */
    std::vector<double> forward(const std::vector<double>& x, const Shape& shape,
                                Layout layout = Layout::RowMajor) {
        detail::Dims d(shape);
        Shape out;
        std::int32_t status = shape_of_output(shape, out);
        std::vector<double> y(status == LRP_OK ? detail::elements(out) : 0);
        double dummy = 0.0;
        // With an unknown output shape the call fails; the library then says why.
        detail::check(lrp_network_forward(net_, detail::data(x), x.size(), d.rank, d.d[0],
                                          d.d[1], d.d[2], d.d[3],
                                          static_cast<std::int32_t>(layout), 0,
                                          detail::data(y, dummy), y.size()));
        in_shape_ = shape;
        out_shape_ = out;
        return y;
    }

    /* The output shape of the last forward() (empty before the first). */
    const Shape& last_output_shape() const noexcept { return out_shape_; }

    /* LRP of relevance r (shaped like the last forward's output) with each layer's preset;
     * the result is shaped like the last forward's input. */
    std::vector<double> lrp(const std::vector<double>& r, Layout layout = Layout::RowMajor) const {
        return lrp_with(r, nullptr, default_param(), layout);
    }

    /* LRP with `rule`/`param` for every layer. */
    std::vector<double> lrp(const std::vector<double>& r, const std::string& rule,
                            double param = default_param(),
                            Layout layout = Layout::RowMajor) const {
        return lrp_with(r, rule.c_str(), param, layout);
    }

    /* Forward and LRP in one call, for class classes[n] of sample n, without touching the
     * cached pass (safe on one shared network from several threads); each layer's preset. */
    std::vector<double> explain(const std::vector<double>& x, const Shape& shape,
                                const std::vector<std::int32_t>& classes,
                                Layout layout = Layout::RowMajor) const {
        return explain_with(x, shape, classes, nullptr, default_param(), layout);
    }

    /* explain() with `rule`/`param` for every layer. */
    std::vector<double> explain(const std::vector<double>& x, const Shape& shape,
                                const std::vector<std::int32_t>& classes,
                                const std::string& rule, double param = default_param(),
                                Layout layout = Layout::RowMajor) const {
        return explain_with(x, shape, classes, rule.c_str(), param, layout);
    }

    /* The input gradient for dLoss/dOutput dy after forward(); keeps the parameter
     * gradients for update(). */
    std::vector<double> backward(const std::vector<double>& dy,
                                 Layout layout = Layout::RowMajor) {
        std::vector<double> dx(detail::elements(in_shape_));
        double dummy = 0.0;
        detail::check(lrp_network_backward(net_, detail::data(dy), dy.size(),
                                           static_cast<std::int32_t>(layout),
                                           detail::data(dx, dummy), dx.size()));
        return dx;
    }

    /* SGD step with the last backward()'s gradients. */
    void update(double lrate) { detail::check(lrp_network_update(net_, lrate)); }

    /* Drops the cached pass and gradients. */
    void clean() {
        detail::check(lrp_network_clean(net_));
        in_shape_.clear();
        out_shape_.clear();
    }

    /* Sequential.train on inputs x (of `shape`) and one-hot targets y (shaped like the
     * output); on failure the parameters are as before. */
    void train(const std::vector<double>& x, const Shape& shape, const std::vector<double>& y,
               const TrainOptions& options, Layout layout = Layout::RowMajor) {
        detail::Dims d(shape);
        in_shape_.clear();
        out_shape_.clear();
        detail::check(lrp_network_train(net_, detail::data(x), x.size(), d.rank, d.d[0], d.d[1],
                                        d.d[2], d.d[3], detail::data(y), y.size(),
                                        static_cast<std::int32_t>(layout), options.handle()));
    }

    /* The progress lines of the last train(). */
    std::string train_log() const {
        std::size_t len = 0;
        detail::check(lrp_network_train_log_len(net_, &len));
        std::vector<char> buf(len + 1, '\0');
        detail::check(lrp_network_train_log(net_, buf.data(), buf.size()));
        return std::string(buf.data());
    }

private:
    /* The names a node lists through a count and a name function. */
    std::vector<std::string> names(
        std::size_t index, std::int32_t (*count_of)(const LrpNetwork*, std::size_t, std::size_t*),
        std::int32_t (*name_of)(const LrpNetwork*, std::size_t, std::size_t, char*, std::size_t))
        const {
        std::size_t count = 0;
        detail::check(count_of(net_, index, &count));
        std::vector<std::string> all;
        for (std::size_t i = 0; i < count; ++i) {
            char name[LRP_NODE_NAME_LEN] = {0};
            detail::check(name_of(net_, index, i, name, sizeof name));
            all.push_back(name);
        }
        return all;
    }

    /* The output shape for `shape` (without throwing: the computing call reports). */
    std::int32_t shape_of_output(const Shape& shape, Shape& out) const {
        std::size_t o[LRP_MAX_RANK + 1] = {0};
        std::int32_t rank = 0;
        std::int32_t status =
            lrp_network_output_dims(net_, detail::data(shape), detail::rank_of(shape), o,
                                    static_cast<std::size_t>(LRP_MAX_RANK + 1), &rank);
        if (status == LRP_OK) {
            out.assign(o, o + rank);
        }
        return status;
    }

    std::vector<double> lrp_with(const std::vector<double>& r, const char* rule, double param,
                                 Layout layout) const {
        std::vector<double> out(detail::elements(in_shape_));
        double dummy = 0.0;
        detail::check(lrp_network_lrp(net_, detail::data(r), r.size(),
                                      static_cast<std::int32_t>(layout), rule, param,
                                      detail::data(out, dummy), out.size()));
        return out;
    }

    std::vector<double> explain_with(const std::vector<double>& x, const Shape& shape,
                                     const std::vector<std::int32_t>& classes, const char* rule,
                                     double param, Layout layout) const {
        detail::Dims d(shape);
        std::vector<double> out(x.size());
        double dummy = 0.0;
        detail::check(lrp_network_explain(net_, detail::data(x), x.size(), d.rank, d.d[0],
                                          d.d[1], d.d[2], d.d[3],
                                          static_cast<std::int32_t>(layout),
                                          detail::data(classes), classes.size(), rule, param,
                                          detail::data(out, dummy), out.size()));
        return out;
    }

    LrpNetwork* net_;
    Shape in_shape_;  /* input shape of the last forward() */
    Shape out_shape_; /* its output shape */
};

}  // namespace lrp

#endif /* LRP_HPP */

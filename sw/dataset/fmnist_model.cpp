#include "sw/dataset/fmnist_model.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

#include "sw/net/builder.h"
#include "sw/net/lower.h"
#include "nn/ref/ops.h"

namespace nnvp::dataset {

namespace {

bool has_params(const net::node& n) {
    return n.op == net::op_type::conv2d || n.op == net::op_type::fully_connected;
}

// Images [first, first + count) of an NHWC batch.
nn::tensor slice(const nn::tensor& t, int first, int count) {
    const nn::shape4 s = t.shape();
    nn::tensor out(t.type(), {count, s.h, s.w, s.c});
    const std::size_t per = out.bytes().size() / static_cast<std::size_t>(count);
    std::memcpy(out.bytes().data(), t.bytes().data() + per * static_cast<std::size_t>(first),
                out.bytes().size());
    return out;
}

}  // namespace

net::graph fmnist_lenet_architecture() {
    using ref::act_kind;
    net::graph_builder b(fmnist_network_name);
    std::string x = b.input("input", {1, 28, 28, 1});
    x = b.conv(x, "conv1", 6, 5, 1, 2, act_kind::relu);
    x = b.max_pool(x, "pool1", 2, 2);
    x = b.conv(x, "conv2", 16, 5, 1, 0, act_kind::relu);
    x = b.max_pool(x, "pool2", 2, 2);
    x = b.fc(x, "fc1", 120, act_kind::relu);
    x = b.fc(x, "fc2", 84, act_kind::relu);
    x = b.fc(x, "fc3", 10, act_kind::none);
    return b.finish({x});
}

std::string fmnist_default_weights() {
    if (const char* env = std::getenv("NNVP_FMNIST_WEIGHTS"); env && *env)
        return env;
    return std::string(NNVP_SOURCE_DIR) + "/models/fmnist/lenet_fp32.nnw";
}

std::vector<named_tensor> graph_parameters(const net::graph& g) {
    std::vector<named_tensor> out;
    for (std::size_t i : g.order()) {
        const net::node& n = g.nodes()[i];
        if (!has_params(n))
            continue;
        out.push_back({n.name + ".weight", n.weights});
        if (n.has_bias)
            out.push_back({n.name + ".bias", n.bias});
    }
    return out;
}

void set_graph_parameters(net::graph& g, const std::vector<named_tensor>& params,
                          const std::string& source) {
    if (!g.valid())
        g.validate();
    // Look everything up against the validated shapes before editing.
    std::map<std::size_t, std::pair<nn::tensor, nn::tensor>> found;
    for (std::size_t i = 0; i < g.nodes().size(); ++i) {
        const net::node& n = g.nodes()[i];
        if (!has_params(n))
            continue;
        found[i].first = find_tensor(params, n.name + ".weight", g.weight_shape(n), source);
        if (n.has_bias)
            found[i].second = find_tensor(params, n.name + ".bias", g.bias_shape(n), source);
    }
    std::vector<net::node>& nodes = g.edit_nodes();
    for (auto& [i, wb] : found) {
        nodes[i].weights = std::move(wb.first);
        nodes[i].bias = std::move(wb.second);
    }
    g.validate();
}

net::graph fmnist_lenet(const std::string& weights_path) {
    net::graph g = fmnist_lenet_architecture();
    const std::vector<named_tensor> params = read_weights(weights_path);
    if (params.size() != graph_parameters(g).size())
        throw weights_error("weights file '" + weights_path +
                            "': " + std::to_string(params.size()) + " tensors, expected " +
                            std::to_string(graph_parameters(g).size()) + " (" +
                            fmnist_network_name + ")");
    set_graph_parameters(g, params, weights_path);
    return g;
}

nn::tensor reference_forward(const net::graph& g, const nn::tensor& input) {
    if (!g.valid() || g.inputs().size() != 1 || g.outputs().size() != 1)
        throw std::invalid_argument("network '" + g.name() +
                                    "': reference_forward needs a validated graph with one "
                                    "input and one output");
    std::map<std::string, nn::tensor> values;
    values[g.inputs().front().name] = input;
    for (std::size_t i : g.order()) {
        const net::node& n = g.nodes()[i];
        const ref::layer l = net::to_ref_layer(g, n);  // throws for CPU ops
        const nn::tensor& in = values.at(n.inputs.front());
        if (has_params(n) && n.weights.bytes().empty())
            throw std::invalid_argument("network '" + g.name() + "': node '" + n.name +
                                        "' has no weights");
        const nn::tensor* second = has_params(n)         ? &n.weights
                                   : n.inputs.size() > 1 ? &values.at(n.inputs[1])
                                                         : nullptr;
        const nn::tensor* bias = has_params(n) && n.has_bias ? &n.bias : nullptr;
        values[n.outputs.front()] = ref::execute(l, in, second, bias);
    }
    return values.at(g.outputs().front());
}

int argmax_row(const nn::tensor& logits, int row) {
    const int c = logits.shape().c;
    const std::size_t base = static_cast<std::size_t>(row) * static_cast<std::size_t>(c);
    int best = 0;
    for (int k = 1; k < c; ++k)
        if (logits.get_float(base + static_cast<std::size_t>(k)) > logits.get_float(base + best))
            best = k;
    return best;
}

std::size_t count_correct(const net::graph& g, const nn::tensor& images,
                          const std::vector<uint8_t>& labels, int batch) {
    const int n = images.shape().n;
    if (static_cast<std::size_t>(n) != labels.size())
        throw std::invalid_argument("count_correct: " + std::to_string(n) + " images but " +
                                    std::to_string(labels.size()) + " labels");
    if (batch < 1)
        throw std::invalid_argument("count_correct: batch must be >= 1");
    std::size_t correct = 0;
    for (int first = 0; first < n; first += batch) {
        const int count = std::min(batch, n - first);
        const nn::tensor logits = reference_forward(g, slice(images, first, count));
        for (int r = 0; r < count; ++r)
            if (argmax_row(logits, r) == labels[static_cast<std::size_t>(first + r)])
                ++correct;
    }
    return correct;
}

double accuracy(const net::graph& g, const nn::tensor& images, const std::vector<uint8_t>& labels) {
    if (labels.empty())
        return 0.0;
    return static_cast<double>(count_correct(g, images, labels)) /
           static_cast<double>(labels.size());
}

}  // namespace nnvp::dataset

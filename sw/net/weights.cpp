#include "sw/net/weights.h"

#include <cmath>
#include <cstring>

#include "nn/tensor/endian.h"
#include "sw/net/seeded_stream.h"

namespace nnvp::net {

namespace {

// Uniform in [-bound, bound): 24 random bits, exact in float.
nn::tensor uniform(nn::shape4 shape, uint64_t state, float bound) {
    nn::tensor t(nn::dtype::fp32, shape);
    uint8_t* out = t.bytes().data();  // little-endian fp32, written directly (ResNet-50: 25 M)
    for (std::size_t i = 0; i < t.size(); ++i) {
        const float u = static_cast<float>(splitmix64(state) >> 40) * (1.0f / 16777216.0f);
        const float v = (2.0f * u - 1.0f) * bound;
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        nn::store_le<uint32_t>(out + 4 * i, bits);
    }
    return t;
}

bool has_params(const node& n) {
    return n.op == op_type::conv2d || n.op == op_type::fully_connected;
}

}  // namespace

nn::tensor generate_weights(const graph& g, const node& n, uint64_t seed) {
    if (!has_params(n))
        return {};
    const nn::shape4 ws = g.weight_shape(n);
    const double fan_in = static_cast<double>(ws.h) * ws.w * ws.c;
    const float bound = static_cast<float>(std::sqrt(6.0 / fan_in));
    return uniform(ws, seed ^ hash_name(n.name), bound);
}

nn::tensor generate_bias(const graph& g, const node& n, uint64_t seed) {
    if (!has_params(n) || !n.has_bias)
        return {};
    // A different stream from the weights' (the salt is arbitrary but fixed).
    return uniform(g.bias_shape(n), (seed ^ hash_name(n.name)) + 0x5bd1e995ull, 0.1f);
}

nn::tensor generate_input(const graph& g, std::size_t index, uint64_t seed) {
    const value_info& v = g.inputs().at(index);
    return uniform(v.shape, seed ^ hash_name("input:" + v.name), 1.0f);
}

void materialize_weights(graph& g, uint64_t seed) {
    if (!g.valid())
        g.validate();
    // Generate from the const view first: edit_nodes() marks the graph as
    // changed (parameter values do not change shapes: validate() again after).
    std::vector<std::pair<nn::tensor, nn::tensor>> made(g.nodes().size());
    const graph& cg = g;
    for (std::size_t i = 0; i < cg.nodes().size(); ++i) {
        const node& n = cg.nodes()[i];
        if (n.weights.empty())
            made[i].first = generate_weights(cg, n, seed);
        if (n.bias.empty())
            made[i].second = generate_bias(cg, n, seed);
    }
    std::vector<node>& nodes = g.edit_nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (!made[i].first.empty())
            nodes[i].weights = std::move(made[i].first);
        if (!made[i].second.empty())
            nodes[i].bias = std::move(made[i].second);
    }
    g.validate();
}

void materialize_weight_sizes(graph& g, uint64_t seed) {
    if (!g.valid())
        g.validate();
    std::vector<nn::shape4> shapes(g.nodes().size());
    const graph& cg = g;
    for (std::size_t i = 0; i < cg.nodes().size(); ++i)
        if (has_params(cg.nodes()[i]) && cg.nodes()[i].weights.empty())
            shapes[i] = cg.weight_shape(cg.nodes()[i]);
    std::vector<node>& nodes = g.edit_nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (has_params(nodes[i]) && nodes[i].weights.empty())
            nodes[i].weights = nn::tensor::without_values(nn::dtype::fp32, shapes[i]);
    materialize_weights(g, seed);  // the biases (small) with their values; validates
}

}  // namespace nnvp::net

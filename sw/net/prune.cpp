#include "sw/net/prune.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace nnvp::net {

namespace {

// Zeros the `k` weights of smallest magnitude; returns the zeros left.
uint64_t prune_tensor(nn::tensor& w, std::size_t k) {
    const std::size_t n = w.size();
    std::vector<float> v(n);
    std::memcpy(v.data(), w.bytes().data(), n * sizeof(float));
    if (k > 0) {
        std::vector<float> mag(n);
        std::transform(v.begin(), v.end(), mag.begin(), [](float x) { return std::fabs(x); });
        std::nth_element(mag.begin(), mag.begin() + static_cast<long>(k - 1), mag.end());
        const float threshold = mag[k - 1];
        // Below the threshold all go; at it, the first ones until k.
        std::size_t below = 0;
        for (float x : v)
            below += std::fabs(x) < threshold ? 1 : 0;
        std::size_t at_budget = k - below;
        for (float& x : v) {
            const float m = std::fabs(x);
            if (m < threshold) {
                x = 0.0f;
            } else if (m == threshold && at_budget > 0) {
                x = 0.0f;
                --at_budget;
            }
        }
        std::memcpy(w.bytes().data(), v.data(), n * sizeof(float));
    }
    return static_cast<uint64_t>(std::count(v.begin(), v.end(), 0.0f));
}

}  // namespace

uint64_t prune_weights(graph& g, double zero_fraction) {
    if (!(zero_fraction >= 0.0 && zero_fraction < 1.0))
        throw std::invalid_argument("prune_weights: the share of zero weights must lie in [0, 1), got " +
                                    std::to_string(zero_fraction));
    uint64_t zeros = 0;
    for (node& n : g.edit_nodes()) {
        if (n.op != op_type::conv2d && n.op != op_type::fully_connected)
            continue;
        if (n.weights.type() != nn::dtype::fp32 || n.weights.empty())
            throw std::invalid_argument("prune_weights: node '" + n.name +
                                        "' has no materialized fp32 weights");
        const auto k = static_cast<std::size_t>(
            std::floor(static_cast<double>(n.weights.size()) * zero_fraction));
        zeros += prune_tensor(n.weights, k);
    }
    g.validate();
    return zeros;
}

}  // namespace nnvp::net

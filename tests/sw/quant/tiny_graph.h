// A two-layer network with hand-set weights and hand-made calibration
// ranges, so that every scale the quantizer picks can be computed by hand.
//   x [1,2,2,2] -> conv "c" 1x1, 2 channels, ReLU -> fc "f" 3 outputs
#pragma once

#include "sw/net/builder.h"
#include "sw/quant/calibration.h"

namespace nnvp::test {

inline net::graph tiny_graph() {
    net::graph_builder b("tiny");
    std::string x = b.input("x", {1, 2, 2, 2});
    x = b.conv(x, "c", 2, 1, 1, 0, ref::act_kind::relu);
    x = b.fc(x, "f", 3, ref::act_kind::none);
    net::graph g = b.finish({x});
    for (net::node& n : g.edit_nodes()) {
        if (n.name == "c") {
            n.weights = nn::tensor(nn::dtype::fp32, {2, 1, 1, 2});
            const float w[] = {0.5f, -0.25f, 1.5f, 0.1f};
            for (std::size_t i = 0; i < 4; ++i)
                n.weights.set_float(i, w[i]);
            n.bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, 2});
            n.bias.set_float(0, 0.1f);
            n.bias.set_float(1, -0.2f);
        } else {
            n.weights = nn::tensor(nn::dtype::fp32, {3, 1, 1, 8});
            for (std::size_t i = 0; i < 24; ++i)  // -0.2 .. 0.2
                n.weights.set_float(i, static_cast<float>(static_cast<int>(i % 9) - 4) * 0.05f);
            n.bias = nn::tensor(nn::dtype::fp32, {1, 1, 1, 3});
            n.bias.set_float(0, 0.05f);
            n.bias.set_float(2, -0.05f);
        }
    }
    g.validate();
    return g;
}

inline quant::calibration tiny_ranges() {
    quant::calibration c;
    c.tensors["x"] = {-3.0f, 3.0f};
    c.tensors["c"] = {0.0f, 10.0f};
    c.tensors["f"] = {-20.0f, 5.0f};
    return c;
}

// An input of the tiny graph with values in [-3, 3].
inline nn::tensor tiny_input() {
    nn::tensor x(nn::dtype::fp32, {1, 2, 2, 2});
    for (std::size_t i = 0; i < x.size(); ++i)
        x.set_float(i, -3.0f + 0.8f * static_cast<float>(i));
    return x;
}

}  // namespace nnvp::test

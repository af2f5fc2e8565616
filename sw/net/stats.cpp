#include "sw/net/stats.h"

namespace nnvp::net {

const char* to_string(layer_class c) {
    switch (c) {
        case layer_class::conv:
            return "CONV";
        case layer_class::fc:
            return "FC";
        case layer_class::other:
            return "other";
    }
    return "?";
}

layer_stats node_stats(const graph& g, std::size_t node_index) {
    const node& n = g.nodes().at(node_index);
    layer_stats s;
    s.name = n.name;
    s.node_index = node_index;
    s.op = n.op;
    for (const std::string& t : n.inputs)
        s.inputs.push_back(g.tensor(t).shape);
    s.output = g.tensor(n.outputs.front()).shape;
    s.activations = s.output.count();
    if (n.op == op_type::conv2d || n.op == op_type::fully_connected) {
        s.cls = n.op == op_type::conv2d ? layer_class::conv : layer_class::fc;
        const nn::shape4 w = g.weight_shape(n);
        s.weights = w.count();
        s.biases = g.bias_shape(n).count();
        // Every output element takes one MAC per weight of its filter.
        const uint64_t per_output = static_cast<uint64_t>(w.h) * w.w * w.c;
        s.macs = s.output.count() * per_output;
    }
    return s;
}

network_stats compute_stats(const graph& g) {
    if (!g.valid()) {
        graph copy = g;
        copy.validate();
        return compute_stats(copy);
    }
    network_stats r;
    r.name = g.name();
    for (const value_info& v : g.inputs())
        r.inputs.push_back(v.shape);
    for (std::size_t i : g.order()) {
        layer_stats s = node_stats(g, i);
        if (s.cls == layer_class::conv) {
            ++r.conv_layers;
            r.conv_macs += s.macs;
            r.conv_weights += s.weights;
        } else if (s.cls == layer_class::fc) {
            ++r.fc_layers;
            r.fc_macs += s.macs;
            r.fc_weights += s.weights;
        }
        r.biases += s.biases;
        r.activations += s.activations;
        r.layers.push_back(std::move(s));
    }
    return r;
}

}  // namespace nnvp::net

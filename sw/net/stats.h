// Per-layer and whole-network figures as DNN papers tabulate them (Sze et
// al., "Efficient Processing of Deep Neural Networks: A Tutorial and
// Survey", Proc. IEEE 2017, Table III):
//   MACs     one per multiply-accumulate of conv2d / fully_connected
//            (out_h * out_w * out_c * kernel_h * kernel_w * C / groups per
//            image; N * K * O for FC); pooling, element-wise ops,
//            activations, LRN and softmax count none;
//   weights  filter weights without biases (the papers' "weights"); biases
//            are counted apart (`biases`), so both totals can be shown;
//   activations  elements of the layer's output tensor.
// Depthwise and grouped convolutions count as CONV. Everything is computed
// from shapes: no parameter values are touched.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sw/net/graph.h"

namespace nnvp::net {

enum class layer_class : uint8_t { conv, fc, other };
const char* to_string(layer_class c);

struct layer_stats {
    std::string name;
    std::size_t node_index = 0;  // in graph::nodes()
    op_type op = op_type::conv2d;
    layer_class cls = layer_class::other;
    std::vector<nn::shape4> inputs;  // activation inputs
    nn::shape4 output;
    uint64_t macs = 0;
    uint64_t weights = 0;
    uint64_t biases = 0;
    uint64_t activations = 0;
};

struct network_stats {
    std::string name;
    std::vector<nn::shape4> inputs;
    std::vector<layer_stats> layers;  // topological order
    int conv_layers = 0;
    int fc_layers = 0;
    uint64_t conv_macs = 0;
    uint64_t fc_macs = 0;
    uint64_t conv_weights = 0;
    uint64_t fc_weights = 0;
    uint64_t biases = 0;
    uint64_t activations = 0;

    uint64_t macs() const { return conv_macs + fc_macs; }
    uint64_t weights() const { return conv_weights + fc_weights; }
    uint64_t weights_with_biases() const { return weights() + biases; }
};

// Figures of one node of a validated graph.
layer_stats node_stats(const graph& g, std::size_t node_index);
// Figures of a graph (validated first when it is not).
network_stats compute_stats(const graph& g);

}  // namespace nnvp::net

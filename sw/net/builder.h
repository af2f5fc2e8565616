// A small fluent helper to write networks by hand (the zoo, tests). Each call
// adds one node whose output tensor carries the node's name, and returns that
// name for the next call. finish() names the outputs and validates.
#pragma once

#include <string>
#include <vector>

#include "sw/net/graph.h"

namespace nnvp::net {

class graph_builder {
public:
    explicit graph_builder(std::string name) : m_graph(std::move(name)) {}

    std::string input(const std::string& name, nn::shape4 shape, nn::dtype type = nn::dtype::fp32);

    // Square kernel, symmetric padding; has_bias by default (frameworks'
    // convs, and batch-norm folded into the conv where a network has it).
    std::string conv(const std::string& in, const std::string& name, int out_channels, int kernel,
                     int stride = 1, int pad = 0, ref::act_kind act = ref::act_kind::relu,
                     int groups = 1);
    // Depthwise: groups = input channels = out_channels = `channels`.
    std::string depthwise(const std::string& in, const std::string& name, int channels, int kernel,
                          int stride, int pad, ref::act_kind act = ref::act_kind::relu);
    std::string fc(const std::string& in, const std::string& name, int out_channels,
                   ref::act_kind act = ref::act_kind::relu);
    std::string max_pool(const std::string& in, const std::string& name, int kernel, int stride,
                         int pad = 0, bool ceil_mode = false);
    std::string avg_pool(const std::string& in, const std::string& name, int kernel, int stride,
                         int pad = 0, bool ceil_mode = false);
    std::string global_avg_pool(const std::string& in, const std::string& name);
    std::string add(const std::string& a, const std::string& b, const std::string& name,
                    ref::act_kind act = ref::act_kind::none);
    std::string activation(const std::string& in, const std::string& name, ref::act_kind act);
    std::string concat(const std::vector<std::string>& ins, const std::string& name, int axis = 3);
    std::string flatten(const std::string& in, const std::string& name);
    std::string softmax(const std::string& in, const std::string& name);
    std::string lrn(const std::string& in, const std::string& name, lrn_params p);

    // Any node (its output tensor defaults to its name).
    std::string add_node(node n);

    graph& current() { return m_graph; }
    // Marks `outputs` as graph outputs, validates and returns the graph.
    graph finish(const std::vector<std::string>& outputs);

private:
    std::string pool(op_type op, const std::string& in, const std::string& name, int kernel,
                     int stride, int pad, bool ceil_mode);

    graph m_graph;
};

// Geometry of a square window with symmetric padding.
ref::geometry square(int kernel, int stride, int pad, int groups = 1);

}  // namespace nnvp::net

#include "sw/net/builder.h"

namespace nnvp::net {

ref::geometry square(int kernel, int stride, int pad, int groups) {
    ref::geometry g;
    g.kernel_h = g.kernel_w = kernel;
    g.stride_h = g.stride_w = stride;
    g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = pad;
    g.groups = groups;
    return g;
}

std::string graph_builder::input(const std::string& name, nn::shape4 shape, nn::dtype type) {
    m_graph.add_input(name, shape, type);
    return name;
}

std::string graph_builder::add_node(node n) {
    if (n.outputs.empty())
        n.outputs.push_back(n.name);
    const std::string out = n.outputs.front();
    m_graph.add_node(std::move(n));
    return out;
}

std::string graph_builder::conv(const std::string& in, const std::string& name, int out_channels,
                                int kernel, int stride, int pad, ref::act_kind act, int groups) {
    node n;
    n.name = name;
    n.op = op_type::conv2d;
    n.inputs = {in};
    n.geo = square(kernel, stride, pad, groups);
    n.out_channels = out_channels;
    n.has_bias = true;
    n.act.kind = act;
    return add_node(std::move(n));
}

std::string graph_builder::depthwise(const std::string& in, const std::string& name, int channels,
                                     int kernel, int stride, int pad, ref::act_kind act) {
    return conv(in, name, channels, kernel, stride, pad, act, channels);
}

std::string graph_builder::fc(const std::string& in, const std::string& name, int out_channels,
                              ref::act_kind act) {
    node n;
    n.name = name;
    n.op = op_type::fully_connected;
    n.inputs = {in};
    n.out_channels = out_channels;
    n.has_bias = true;
    n.act.kind = act;
    return add_node(std::move(n));
}

std::string graph_builder::pool(op_type op, const std::string& in, const std::string& name,
                                int kernel, int stride, int pad, bool ceil_mode) {
    node n;
    n.name = name;
    n.op = op;
    n.inputs = {in};
    n.geo = square(kernel, stride, pad);
    n.ceil_mode = ceil_mode;
    return add_node(std::move(n));
}

std::string graph_builder::max_pool(const std::string& in, const std::string& name, int kernel,
                                    int stride, int pad, bool ceil_mode) {
    return pool(op_type::max_pool, in, name, kernel, stride, pad, ceil_mode);
}

std::string graph_builder::avg_pool(const std::string& in, const std::string& name, int kernel,
                                    int stride, int pad, bool ceil_mode) {
    return pool(op_type::avg_pool, in, name, kernel, stride, pad, ceil_mode);
}

std::string graph_builder::global_avg_pool(const std::string& in, const std::string& name) {
    node n;
    n.name = name;
    n.op = op_type::global_avg_pool;
    n.inputs = {in};
    return add_node(std::move(n));
}

std::string graph_builder::add(const std::string& a, const std::string& b, const std::string& name,
                               ref::act_kind act) {
    node n;
    n.name = name;
    n.op = op_type::add;
    n.inputs = {a, b};
    n.act.kind = act;
    return add_node(std::move(n));
}

std::string graph_builder::activation(const std::string& in, const std::string& name,
                                      ref::act_kind act) {
    node n;
    n.name = name;
    n.op = op_type::activation;
    n.inputs = {in};
    n.act.kind = act;
    return add_node(std::move(n));
}

std::string graph_builder::concat(const std::vector<std::string>& ins, const std::string& name,
                                  int axis) {
    node n;
    n.name = name;
    n.op = op_type::concat;
    n.inputs = ins;
    n.axis = axis;
    return add_node(std::move(n));
}

std::string graph_builder::flatten(const std::string& in, const std::string& name) {
    node n;
    n.name = name;
    n.op = op_type::flatten;
    n.inputs = {in};
    return add_node(std::move(n));
}

std::string graph_builder::softmax(const std::string& in, const std::string& name) {
    node n;
    n.name = name;
    n.op = op_type::softmax;
    n.inputs = {in};
    return add_node(std::move(n));
}

std::string graph_builder::lrn(const std::string& in, const std::string& name, lrn_params p) {
    node n;
    n.name = name;
    n.op = op_type::lrn;
    n.inputs = {in};
    n.lrn = p;
    return add_node(std::move(n));
}

graph graph_builder::finish(const std::vector<std::string>& outputs) {
    for (const std::string& o : outputs)
        m_graph.add_output(o);
    m_graph.validate();
    return std::move(m_graph);
}

}  // namespace nnvp::net

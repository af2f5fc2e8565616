#include "sw/quant/fuse.h"

#include <map>

namespace nnvp::quant {

using net::node;
using net::op_type;

bool takes_fused_activation(op_type op) {
    switch (op) {
        case op_type::conv2d:
        case op_type::fully_connected:
        case op_type::add:
        case op_type::mul:
        case op_type::max_pool:
        case op_type::avg_pool:
        case op_type::global_avg_pool:
        case op_type::global_max_pool:
            return true;
        default:
            return false;
    }
}

net::graph fuse_activations(const net::graph& g) {
    if (!g.valid())
        throw net::graph_error("fuse_activations: network '" + g.name() + "' is not validated");
    std::map<std::string, int> readers;  // graph outputs count as readers
    std::map<std::string, std::size_t> producer;
    for (std::size_t i = 0; i < g.nodes().size(); ++i) {
        for (const std::string& in : g.nodes()[i].inputs)
            ++readers[in];
        for (const std::string& out : g.nodes()[i].outputs)
            producer[out] = i;
    }
    for (const std::string& out : g.outputs())
        ++readers[out];

    std::vector<node> nodes = g.nodes();
    std::vector<bool> removed(nodes.size(), false);
    for (std::size_t idx : g.order()) {
        const node& act = nodes[idx];
        if (act.op != op_type::activation || act.inputs.size() != 1)
            continue;
        const auto p = producer.find(act.inputs[0]);
        if (p == producer.end() || readers[act.inputs[0]] != 1)
            continue;
        node& prod = nodes[p->second];
        if (!takes_fused_activation(prod.op) || prod.act.kind != ref::act_kind::none ||
            prod.outputs.size() != 1)
            continue;
        prod.act = act.act;
        prod.outputs[0] = act.outputs.at(0);
        producer[prod.outputs[0]] = p->second;
        removed[idx] = true;
    }

    net::graph out(g.name());
    for (const net::value_info& v : g.inputs())
        out.add_input(v.name, v.shape, v.type);
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (!removed[i])
            out.add_node(std::move(nodes[i]));
    for (const std::string& o : g.outputs())
        out.add_output(o);
    out.validate();
    return out;
}

}  // namespace nnvp::quant

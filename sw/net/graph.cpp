// Graph structure: naming rules, dangling inputs, cycles, topological order,
// and the driver of shape inference (sw/net/shape_inference.cpp).
#include "sw/net/graph.h"

#include <queue>
#include <set>

namespace nnvp::net {

const char* to_string(op_type op) {
    switch (op) {
        case op_type::conv2d:
            return "conv2d";
        case op_type::fully_connected:
            return "fully_connected";
        case op_type::max_pool:
            return "max_pool";
        case op_type::avg_pool:
            return "avg_pool";
        case op_type::global_avg_pool:
            return "global_avg_pool";
        case op_type::global_max_pool:
            return "global_max_pool";
        case op_type::add:
            return "add";
        case op_type::mul:
            return "mul";
        case op_type::activation:
            return "activation";
        case op_type::softmax:
            return "softmax";
        case op_type::concat:
            return "concat";
        case op_type::flatten:
            return "flatten";
        case op_type::reshape:
            return "reshape";
        case op_type::lrn:
            return "lrn";
    }
    return "?";
}

bool runs_on_core(op_type op) {
    switch (op) {
        case op_type::softmax:
        case op_type::concat:
        case op_type::flatten:
        case op_type::reshape:
        case op_type::lrn:
            return false;
        default:
            return true;
    }
}

void graph::add_input(const std::string& tensor, nn::shape4 shape, nn::dtype type) {
    m_inputs.push_back({tensor, shape, type});
    m_valid = false;
}

void graph::add_node(node n) {
    m_nodes.push_back(std::move(n));
    m_valid = false;
}

void graph::add_output(const std::string& tensor) {
    m_outputs.push_back(tensor);
    m_valid = false;
}

void graph::fail(const std::string& what) const {
    throw graph_error("network '" + m_name + "': " + what);
}

std::size_t graph::find_node(const std::string& name) const {
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].name == name)
            return i;
    return m_nodes.size();
}

// Names are unique, every tensor has exactly one producer, every consumed
// tensor exists, and the graph has at least one input and one output.
void graph::check_structure() const {
    if (m_inputs.empty())
        fail("inputs: the graph has no input");
    std::set<std::string> node_names;
    std::map<std::string, std::string> producer;  // tensor -> producing node or "input"
    for (const value_info& v : m_inputs) {
        if (v.name.empty())
            fail("inputs: an input has an empty name");
        if (v.shape.n < 1 || v.shape.h < 1 || v.shape.w < 1 || v.shape.c < 1)
            fail("input '" + v.name + "': shape " + nn::to_string(v.shape) +
                 ": expected every dimension >= 1");
        if (!producer.emplace(v.name, "graph input").second)
            fail("input '" + v.name + "': declared twice");
    }
    for (const node& n : m_nodes) {
        const std::string where = "node '" + n.name + "' (" + to_string(n.op) + ")";
        if (n.name.empty())
            fail("a " + std::string(to_string(n.op)) + " node has an empty name");
        if (!node_names.insert(n.name).second)
            fail(where + ": name: used by another node");
        if (n.outputs.size() != 1)
            fail(where + ": outputs: expected exactly 1 output, got " +
                 std::to_string(n.outputs.size()));
        for (const std::string& t : n.outputs) {
            if (t.empty())
                fail(where + ": outputs: empty tensor name");
            const auto [it, fresh] = producer.emplace(t, n.name);
            if (!fresh)
                fail(where + ": outputs: tensor '" + t + "' is already produced by " +
                     (it->second == "graph input" ? it->second : "node '" + it->second + "'"));
        }
    }
    for (const node& n : m_nodes)
        for (std::size_t i = 0; i < n.inputs.size(); ++i)
            if (!producer.count(n.inputs[i]))
                fail("node '" + n.name + "' (" + to_string(n.op) + "): inputs[" +
                     std::to_string(i) + "]: tensor '" + n.inputs[i] +
                     "' is produced by no node and is not a graph input (dangling input)");
    if (m_outputs.empty())
        fail("outputs: the graph has no output");
    for (const std::string& t : m_outputs)
        if (!producer.count(t))
            fail("outputs: tensor '" + t + "' is produced by no node");
}

// Kahn's algorithm; the smallest ready index goes first so that a graph built
// in a valid order keeps that order. Nodes left over lie on (or behind) a cycle.
void graph::sort_topologically() {
    std::map<std::string, std::size_t> producer;
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        producer[m_nodes[i].outputs.front()] = i;
    std::vector<std::vector<std::size_t>> consumers(m_nodes.size());
    std::vector<std::size_t> pending(m_nodes.size(), 0);
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        for (const std::string& t : m_nodes[i].inputs) {
            const auto it = producer.find(t);
            if (it == producer.end())
                continue;  // a graph input
            consumers[it->second].push_back(i);
            ++pending[i];
        }
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (pending[i] == 0)
            ready.push(i);
    m_order.clear();
    while (!ready.empty()) {
        const std::size_t i = ready.top();
        ready.pop();
        m_order.push_back(i);
        for (std::size_t c : consumers[i])
            if (--pending[c] == 0)
                ready.push(c);
    }
    if (m_order.size() != m_nodes.size()) {
        std::string names;
        for (std::size_t i = 0; i < m_nodes.size(); ++i)
            if (pending[i] != 0)
                names += (names.empty() ? "'" : ", '") + m_nodes[i].name + "'";
        fail("the graph has a cycle through node(s) " + names);
    }
}

void graph::validate() {
    m_valid = false;
    m_tensors.clear();
    check_structure();
    sort_topologically();
    for (const value_info& v : m_inputs)
        m_tensors[v.name] = v;
    for (std::size_t i : m_order) {
        const node& n = m_nodes[i];
        std::vector<value_info> ins;
        for (const std::string& t : n.inputs)
            ins.push_back(m_tensors.at(t));
        for (value_info& v : infer_outputs(m_name, n, ins))
            m_tensors[v.name] = std::move(v);
    }
    m_valid = true;
}

const std::vector<std::size_t>& graph::order() const {
    if (!m_valid)
        fail("order(): validate() the graph first");
    return m_order;
}

const value_info& graph::tensor(const std::string& name) const {
    if (!m_valid)
        fail("tensor('" + name + "'): validate() the graph first");
    const auto it = m_tensors.find(name);
    if (it == m_tensors.end())
        fail("tensor('" + name + "'): no such tensor");
    return it->second;
}

nn::shape4 graph::weight_shape(const node& n) const {
    if (n.op != op_type::conv2d && n.op != op_type::fully_connected)
        return {0, 0, 0, 0};
    const nn::shape4 in = tensor(n.inputs.front()).shape;
    if (n.op == op_type::conv2d)
        return {n.out_channels, n.geo.kernel_h, n.geo.kernel_w, in.c / n.geo.groups};
    return {n.out_channels, 1, 1, in.h * in.w * in.c};
}

nn::shape4 graph::bias_shape(const node& n) const {
    if ((n.op != op_type::conv2d && n.op != op_type::fully_connected) || !n.has_bias)
        return {0, 0, 0, 0};
    return {1, 1, 1, n.out_channels};
}

}  // namespace nnvp::net

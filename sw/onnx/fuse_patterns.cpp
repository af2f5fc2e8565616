#include "sw/onnx/fuse_patterns.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace nnvp::onnx_import {

namespace {

// The graph's nodes with who produces and who reads each value.
class graph_view {
public:
    explicit graph_view(const onnx::GraphProto& g) : m_g(g) {
        for (int i = 0; i < g.node_size(); ++i) {
            for (const std::string& o : g.node(i).output())
                m_producer[o] = i;
            for (const std::string& in : g.node(i).input())
                m_readers[in].push_back(i);
        }
        for (const auto& o : g.output())
            m_outputs.insert(o.name());
        for (const auto& t : g.initializer())
            m_init[t.name()] = &t;
    }

    const onnx::NodeProto& node(int i) const { return m_g.node(i); }
    // The node producing `v` if it is `op` (and not already fused), else -1.
    int made_by(const std::string& v, const std::string& op) const {
        const auto it = m_producer.find(v);
        if (it == m_producer.end() || m_g.node(it->second).op_type() != op || m_used.count(it->second))
            return -1;
        return it->second;
    }
    // The only reader of `v` if it is `op` and `v` is no graph output, else -1.
    int sole_reader(const std::string& v, const std::string& op) const {
        const auto it = m_readers.find(v);
        if (it == m_readers.end() || it->second.size() != 1 || m_outputs.count(v))
            return -1;
        const int r = it->second[0];
        return m_g.node(r).op_type() == op && !m_used.count(r) ? r : -1;
    }
    std::size_t readers(const std::string& v) const {
        const auto it = m_readers.find(v);
        return (it == m_readers.end() ? 0 : it->second.size()) + m_outputs.count(v);
    }
    const std::vector<int>& readers_of(const std::string& v) const {
        static const std::vector<int> none;
        const auto it = m_readers.find(v);
        return it == m_readers.end() ? none : it->second;
    }
    // A one-element float constant (initializer or Constant node).
    std::optional<float> scalar(const std::string& v) const {
        const onnx::TensorProto* t = nullptr;
        if (const auto it = m_init.find(v); it != m_init.end())
            t = it->second;
        else if (const int c = made_by(v, "Constant"); c >= 0 && m_g.node(c).attribute_size() == 1 &&
                                                       m_g.node(c).attribute(0).name() == "value")
            t = &m_g.node(c).attribute(0).t();
        if (!t || t->data_type() != onnx::TensorProto::FLOAT)
            return std::nullopt;
        int64_t count = 1;
        for (int64_t d : t->dims())
            count *= d;
        if (count != 1)
            return std::nullopt;
        if (t->float_data_size() == 1)
            return t->float_data(0);
        if (t->raw_data().size() == 4) {
            float f;
            std::memcpy(&f, t->raw_data().data(), 4);
            return f;
        }
        return std::nullopt;
    }
    bool is_scalar(const std::string& v, float want, float tol = 1e-4f) const {
        const std::optional<float> s = scalar(v);
        return s && std::fabs(*s - want) <= tol;
    }
    // The other input of a two-input node, given one of them.
    static std::optional<std::string> other(const onnx::NodeProto& n, const std::string& v) {
        if (n.input_size() != 2)
            return std::nullopt;
        if (n.input(0) == v)
            return n.input(1);
        if (n.input(1) == v)
            return n.input(0);
        return std::nullopt;
    }
    void use(const std::vector<int>& nodes) { m_used.insert(nodes.begin(), nodes.end()); }
    bool used(int i) const { return m_used.count(i) != 0; }

private:
    const onnx::GraphProto& m_g;
    std::map<std::string, int> m_producer;
    std::map<std::string, std::vector<int>> m_readers;
    std::set<std::string> m_outputs;
    std::map<std::string, const onnx::TensorProto*> m_init;
    std::set<int> m_used;
};

// A matched pattern: the nodes it replaces (the last one's outputs become
// the fused node's) and the fused node.
struct match {
    std::vector<int> nodes;
    onnx::NodeProto fused;
};

onnx::NodeProto make_node(const std::string& op, const std::vector<std::string>& in,
                          const std::string& out, const std::string& name) {
    onnx::NodeProto n;
    n.set_op_type(op);
    n.set_name(name);
    for (const std::string& i : in)
        n.add_input(i);
    n.add_output(out);
    return n;
}

// Erf(x / √2 or x · 1/√2) -> + 1 -> · x -> · ½ (or x · ½ first).
// The node making `v` as x / √2 or x · (1/√2), with its x; nothing otherwise.
std::optional<std::pair<int, std::string>> over_sqrt2(const graph_view& g, const std::string& v) {
    const int d = g.made_by(v, "Div");
    if (d >= 0 && g.node(d).input_size() == 2 && g.is_scalar(g.node(d).input(1), 1.41421356f))
        return std::pair{d, g.node(d).input(0)};
    const int m = g.made_by(v, "Mul");
    if (m < 0 || g.node(m).input_size() != 2)
        return std::nullopt;
    for (int k = 0; k < 2; ++k)
        if (g.is_scalar(g.node(m).input(1 - k), 0.70710678f))
            return std::pair{m, g.node(m).input(k)};
    return std::nullopt;
}

std::optional<match> gelu_at(const graph_view& g, int erf) {
    const onnx::NodeProto& e = g.node(erf);
    const auto scaled = over_sqrt2(g, e.input(0));
    if (!scaled || g.readers(e.input(0)) != 1)
        return std::nullopt;
    const auto& [scale, x] = *scaled;
    const int add = g.sole_reader(e.output(0), "Add");
    if (add < 0 || !g.is_scalar(*g.other(g.node(add), e.output(0)), 1.0f, 0.0f))
        return std::nullopt;
    const int mul1 = g.sole_reader(g.node(add).output(0), "Mul");
    if (mul1 < 0)
        return std::nullopt;
    const std::string partner = *g.other(g.node(mul1), g.node(add).output(0));
    std::vector<int> nodes = {scale, erf, add, mul1};
    if (partner == x) {  // (x · (1 + erf)) · ½
        const int mul2 = g.sole_reader(g.node(mul1).output(0), "Mul");
        if (mul2 < 0 || !g.is_scalar(*g.other(g.node(mul2), g.node(mul1).output(0)), 0.5f, 0.0f))
            return std::nullopt;
        nodes.push_back(mul2);
    } else {  // (x · ½) · (1 + erf)
        const int half = g.made_by(partner, "Mul");
        if (half < 0 || g.readers(partner) != 1)
            return std::nullopt;
        const auto h = g.other(g.node(half), x);
        if (!h || !g.is_scalar(*h, 0.5f, 0.0f))
            return std::nullopt;
        nodes.insert(nodes.begin(), half);
    }
    const onnx::NodeProto& last = g.node(nodes.back());
    return match{nodes, make_node("Gelu", {x}, last.output(0), last.name())};
}

// x · HardSigmoid(x; α 1/6, β ½), or x · Clip(x + 3, 0, 6) / 6.
std::optional<match> hard_swish_at(const graph_view& g, int mul) {
    const onnx::NodeProto& m = g.node(mul);
    if (m.input_size() != 2)
        return std::nullopt;
    for (int k = 0; k < 2; ++k) {
        const std::string x = m.input(k), gate = m.input(1 - k);
        const int hs = g.made_by(gate, "HardSigmoid");
        if (hs >= 0 && g.node(hs).input(0) == x && g.readers(gate) == 1) {
            float alpha = 0.2f, beta = 0.5f;
            for (const auto& a : g.node(hs).attribute()) {
                if (a.name() == "alpha")
                    alpha = a.f();
                if (a.name() == "beta")
                    beta = a.f();
            }
            if (std::fabs(alpha - 1.0f / 6) < 1e-6f && beta == 0.5f)
                return match{{hs, mul}, make_node("HardSwish", {x}, m.output(0), m.name())};
        }
        const int clip = g.made_by(gate, "Clip");
        if (clip < 0 || g.readers(gate) != 1 || g.node(clip).input_size() != 3 ||
            !g.is_scalar(g.node(clip).input(1), 0.0f, 0.0f) ||
            !g.is_scalar(g.node(clip).input(2), 6.0f, 0.0f))
            continue;
        const int add = g.made_by(g.node(clip).input(0), "Add");
        if (add < 0 || g.readers(g.node(add).output(0)) != 1)
            continue;
        const auto three = g.other(g.node(add), x);
        if (!three || !g.is_scalar(*three, 3.0f, 0.0f))
            continue;
        const int div = g.sole_reader(m.output(0), "Div");
        if (div < 0 || g.node(div).input(0) != m.output(0) ||
            !g.is_scalar(g.node(div).input(1), 6.0f, 0.0f))
            continue;
        return match{{add, clip, mul, div},
                     make_node("HardSwish", {x}, g.node(div).output(0), g.node(div).name())};
    }
    return std::nullopt;
}

// ReduceMean over the last axis (attribute axes [-1], keepdims 1).
bool last_axis_mean(const onnx::NodeProto& n) {
    if (n.op_type() != "ReduceMean" || n.input_size() != 1)
        return false;
    bool axes_ok = false;
    for (const auto& a : n.attribute()) {
        if (a.name() == "axes")
            axes_ok = a.ints_size() == 1 && a.ints(0) == -1;
        else if (a.name() == "keepdims" && a.i() != 1)
            return false;
    }
    return axes_ok;
}

// (x - mean) / sqrt(mean((x - mean)^2) + ε) · γ + β over the last axis.
std::optional<match> layer_norm_at(const graph_view& g, int mean) {
    const onnx::NodeProto& m1 = g.node(mean);
    if (!last_axis_mean(m1))
        return std::nullopt;
    const std::string x = m1.input(0);
    const int sub = g.sole_reader(m1.output(0), "Sub");
    if (sub < 0 || g.node(sub).input(0) != x || g.node(sub).input(1) != m1.output(0))
        return std::nullopt;
    const std::string d = g.node(sub).output(0);
    const std::vector<int>& dr = g.readers_of(d);
    if (dr.size() != 2 || g.readers(d) != 2)
        return std::nullopt;
    const int pow = g.node(dr[0]).op_type() == "Pow" ? dr[0] : dr[1];
    const int div = pow == dr[0] ? dr[1] : dr[0];
    if (g.node(pow).op_type() != "Pow" || g.node(pow).input(0) != d ||
        !g.is_scalar(g.node(pow).input(1), 2.0f, 0.0f) || g.node(div).op_type() != "Div" ||
        g.node(div).input(0) != d)
        return std::nullopt;
    const int m2 = g.sole_reader(g.node(pow).output(0), "ReduceMean");
    if (m2 < 0 || !last_axis_mean(g.node(m2)))
        return std::nullopt;
    const int add = g.sole_reader(g.node(m2).output(0), "Add");
    if (add < 0)
        return std::nullopt;
    const auto eps_name = g.other(g.node(add), g.node(m2).output(0));
    const std::optional<float> eps = eps_name ? g.scalar(*eps_name) : std::nullopt;
    const int sqrt = g.sole_reader(g.node(add).output(0), "Sqrt");
    if (!eps || sqrt < 0 || g.node(div).input(1) != g.node(sqrt).output(0) ||
        g.readers(g.node(sqrt).output(0)) != 1)
        return std::nullopt;
    const int scale = g.sole_reader(g.node(div).output(0), "Mul");
    if (scale < 0)
        return std::nullopt;
    const std::string gamma = *g.other(g.node(scale), g.node(div).output(0));
    const int shift = g.sole_reader(g.node(scale).output(0), "Add");
    if (shift < 0)
        return std::nullopt;
    const std::string beta = *g.other(g.node(shift), g.node(scale).output(0));
    onnx::NodeProto n = make_node("LayerNormalization", {x, gamma, beta},
                                  g.node(shift).output(0), g.node(shift).name());
    onnx::AttributeProto* axis = n.add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(-1);
    onnx::AttributeProto* e = n.add_attribute();
    e->set_name("epsilon");
    e->set_type(onnx::AttributeProto::FLOAT);
    e->set_f(*eps);
    return match{{mean, sub, pow, m2, add, sqrt, div, scale, shift}, n};
}

}  // namespace

std::vector<fusion> fuse_patterns(onnx::ModelProto& m) {
    onnx::GraphProto& graph = *m.mutable_graph();
    graph_view g(graph);
    std::map<int, onnx::NodeProto> replacement;  // at the last replaced node
    std::vector<fusion> done;
    for (int i = 0; i < graph.node_size(); ++i) {
        if (g.used(i))
            continue;
        const std::string& op = graph.node(i).op_type();
        std::optional<match> mt;
        std::string pattern;
        if (op == "Erf")
            mt = gelu_at(g, i), pattern = "GELU";
        else if (op == "Mul")
            mt = hard_swish_at(g, i), pattern = "HardSwish";
        else if (op == "ReduceMean")
            mt = layer_norm_at(g, i), pattern = "LayerNorm";
        if (!mt)
            continue;
        bool free = true;
        for (int k : mt->nodes)
            free = free && !g.used(k);
        if (!free)
            continue;
        g.use(mt->nodes);
        fusion f{pattern, mt->fused.name(), {}};
        std::vector<int> sorted = mt->nodes;
        std::sort(sorted.begin(), sorted.end());
        for (int k : sorted)
            f.nodes.push_back(graph.node(k).op_type());
        replacement[sorted.back()] = mt->fused;
        done.push_back(std::move(f));
    }
    if (done.empty())
        return done;
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (int i = 0; i < graph.node_size(); ++i) {
        if (const auto r = replacement.find(i); r != replacement.end())
            *nodes.Add() = r->second;
        else if (!g.used(i))
            *nodes.Add() = graph.node(i);
    }
    graph.mutable_node()->Swap(&nodes);
    return done;
}

std::string to_string(const fusion& f) {
    std::string ops;
    for (const std::string& n : f.nodes)
        ops += (ops.empty() ? "" : ", ") + n;
    return f.pattern + " '" + f.node + "' from " + std::to_string(f.nodes.size()) + " nodes (" +
           ops + ")";
}

}  // namespace nnvp::onnx_import

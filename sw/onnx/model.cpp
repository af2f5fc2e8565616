#include "sw/onnx/model.h"

#include <fstream>
#include <set>

namespace nnvp::onnx_import {

onnx::ModelProto load_model(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw onnx_error(path + ": cannot open the model file");
    onnx::ModelProto m;
    if (!m.ParseFromIstream(&in))
        throw onnx_error(path + ": not a valid ONNX model (truncated or corrupt protobuf)");
    if (!m.has_graph())
        throw onnx_error(path + ": graph: missing (expected a ModelProto with a graph)");
    const onnx::GraphProto& g = m.graph();
    std::set<std::string> defined;
    for (const auto& i : g.input())
        defined.insert(i.name());
    for (const auto* list : {&g.input(), &g.output()})
        for (const auto& v : *list)
            if (v.has_type() && !v.type().has_tensor_type())
                throw onnx_error(path + ": graph " + (list == &g.input() ? "input" : "output") +
                                 " '" + v.name() +
                                 "': expected a tensor (optional, sequence and map values are "
                                 "not supported)");
    for (const auto& t : g.initializer())
        defined.insert(t.name());
    for (int k = 0; k < g.node_size(); ++k) {
        const onnx::NodeProto& n = g.node(k);
        const std::string where = path + ": " + node_label(n, k);
        if (!n.domain().empty() && n.domain() != "ai.onnx")
            throw onnx_error(where + ": domain '" + n.domain() +
                             "': expected the default ONNX domain");
        for (const std::string& i : n.input())
            if (!i.empty() && !defined.count(i))
                throw onnx_error(where + ": input '" + i +
                                 "' is neither a graph input, an initializer nor the output "
                                 "of an earlier node");
        for (const std::string& o : n.output())
            if (!o.empty())
                defined.insert(o);
    }
    for (const auto& o : g.output())
        if (!defined.count(o.name()))
            throw onnx_error(path + ": graph output '" + o.name() + "' is never produced");
    return m;
}

int64_t opset_of(const onnx::ModelProto& m) {
    for (const auto& o : m.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx")
            return o.version();
    return 1;
}

std::map<std::string, int> use_counts(const onnx::GraphProto& g) {
    std::map<std::string, int> uses;
    for (const auto& n : g.node())
        for (const std::string& i : n.input())
            ++uses[i];
    for (const auto& o : g.output())
        ++uses[o.name()];
    return uses;
}

std::string node_label(const onnx::NodeProto& n, int index) {
    const std::string id = n.name().empty() ? "#" + std::to_string(index) : "'" + n.name() + "'";
    return "node " + id + " (" + n.op_type() + ")";
}

attributes::attributes(const onnx::NodeProto& n, std::string where) : m_where(std::move(where)) {
    for (const auto& a : n.attribute())
        m_attrs[a.name()] = &a;
}

void attributes::fail(const std::string& what) const {
    throw onnx_error(m_where + ": " + what);
}

const onnx::AttributeProto& attributes::get(const std::string& name,
                                            onnx::AttributeProto::AttributeType type) const {
    const onnx::AttributeProto& a = *m_attrs.at(name);
    // Old exporters leave `type` unset; accept the value field that is present.
    if (a.type() != onnx::AttributeProto::UNDEFINED && a.type() != type)
        fail("attribute '" + name + "': type " +
             onnx::AttributeProto::AttributeType_Name(a.type()) + ", expected " +
             onnx::AttributeProto::AttributeType_Name(type));
    if (!a.ref_attr_name().empty())
        fail("attribute '" + name + "': references to function attributes are not supported");
    return a;
}

int64_t attributes::get_int(const std::string& name, int64_t fallback) const {
    return has(name) ? get(name, onnx::AttributeProto::INT).i() : fallback;
}

float attributes::get_float(const std::string& name, float fallback) const {
    return has(name) ? get(name, onnx::AttributeProto::FLOAT).f() : fallback;
}

std::string attributes::get_string(const std::string& name, const std::string& fallback) const {
    return has(name) ? get(name, onnx::AttributeProto::STRING).s() : fallback;
}

std::vector<int64_t> attributes::get_ints(const std::string& name,
                                          const std::vector<int64_t>& fallback) const {
    if (!has(name))
        return fallback;
    const auto& a = get(name, onnx::AttributeProto::INTS);
    return {a.ints().begin(), a.ints().end()};
}

const onnx::TensorProto* attributes::get_tensor(const std::string& name) const {
    return has(name) ? &get(name, onnx::AttributeProto::TENSOR).t() : nullptr;
}

void attributes::only(const std::vector<std::string>& known) const {
    for (const auto& [name, a] : m_attrs) {
        bool ok = false;
        for (const std::string& k : known)
            ok |= k == name;
        if (!ok)
            fail("attribute '" + name + "' is not supported by nnvp");
    }
}

}  // namespace nnvp::onnx_import

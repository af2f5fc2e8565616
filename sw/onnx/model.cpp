#include "sw/onnx/model.h"

#include <algorithm>

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

uint64_t parameter_count(const onnx::ModelProto& m) {
    uint64_t n = 0;
    for (const onnx::TensorProto& t : m.graph().initializer()) {
        uint64_t count = 1;
        for (int64_t d : t.dims())
            count *= static_cast<uint64_t>(d);
        n += count;
    }
    return n;
}

int64_t opset_of(const onnx::ModelProto& m) {
    for (const auto& o : m.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx")
            return o.version();
    return 1;
}

std::vector<const onnx::NodeProto*> all_nodes(const onnx::GraphProto& g) {
    std::vector<const onnx::NodeProto*> r;
    for (const auto& n : g.node()) {
        r.push_back(&n);
        for (const auto& a : n.attribute())
            if (a.has_g())
                for (const onnx::NodeProto* inner : all_nodes(a.g()))
                    r.push_back(inner);
    }
    return r;
}

std::map<std::string, int> use_counts(const onnx::GraphProto& g) {
    std::map<std::string, int> uses;
    for (const onnx::NodeProto* n : all_nodes(g))
        for (const std::string& i : n->input())
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

const onnx::GraphProto* attributes::get_graph(const std::string& name) const {
    return has(name) ? &get(name, onnx::AttributeProto::GRAPH).g() : nullptr;
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

std::string dims_text(const std::vector<int64_t>& dims) {
    std::string s = "[";
    for (std::size_t k = 0; k < dims.size(); ++k)
        s += (k ? ", " : "") + std::to_string(dims[k]);
    return s + "]";
}

namespace {

// One runtime input's dims: the model's static ones, or as `given`.
graph_input input_dims(const onnx::ValueInfoProto& in, const std::string& path,
                       const std::map<std::string, std::vector<int64_t>>& given,
                       const std::string& field, const std::string& hint) {
    const auto& tt = in.type().tensor_type();
    graph_input g{in.name(), tt.elem_type(), {}};
    const auto it = given.find(in.name());
    const std::string where = path + ": graph input '" + in.name() + "': ";
    const int model_rank = tt.has_shape() ? tt.shape().dim_size() : -1;
    if (it != given.end() && model_rank >= 0 && model_rank != static_cast<int>(it->second.size()))
        throw onnx_error(where + field + " gives " + dims_text(it->second) +
                         ", the model's input has rank " + std::to_string(model_rank));
    const int rank = it != given.end() ? static_cast<int>(it->second.size()) : model_rank;
    if (rank < 0) {
        std::string h = hint;  // NAME in `hint` stands for the input's name
        if (const auto at = h.find("NAME"); at != std::string::npos)
            h.replace(at, 4, in.name());
        throw onnx_error(where + "the model gives no shape: give it with " + h);
    }
    for (int k = 0; k < rank; ++k) {
        const auto* d = model_rank >= 0 ? &tt.shape().dim(k) : nullptr;
        // A negative size is a broken model, not a symbolic dim to be given.
        if (d && d->has_dim_value() && d->dim_value() < 0)
            throw onnx_error(where + "dim " + std::to_string(k) + " = " +
                             std::to_string(d->dim_value()) +
                             ": the model gives a negative size (expected >= 1, or a symbolic "
                             "dim_param)");
        const bool known = d && d->has_dim_value() && d->dim_value() >= 1;
        if (it != given.end()) {
            const int64_t v = it->second[static_cast<std::size_t>(k)];
            if (v < 1)
                throw onnx_error(where + field + " gives dim " + std::to_string(k) + " = " +
                                 std::to_string(v) + ": sizes are at least 1");
            if (known && v != d->dim_value())
                throw onnx_error(where + field + " gives dim " + std::to_string(k) + " = " +
                                 std::to_string(v) + ", the model fixes it to " +
                                 std::to_string(d->dim_value()));
            g.dims.push_back(v);
        } else if (known) {
            g.dims.push_back(d->dim_value());
        } else {
            std::string h = hint;
            if (const auto at = h.find("NAME"); at != std::string::npos)
                h.replace(at, 4, in.name());
            throw onnx_error(where + "dim " + std::to_string(k) +
                             (d && d->has_dim_param() ? " ('" + d->dim_param() + "')" : "") +
                             " has no size: give it with " + h);
        }
    }
    return g;
}

}  // namespace

std::string not_a_runtime_input(const std::vector<std::string>& names,
                                const std::vector<std::string>& runtime) {
    std::string listed;
    for (const std::string& r : runtime)
        listed += (listed.empty() ? "'" : ", '") + r + "'";
    for (const std::string& n : names)
        if (std::find(runtime.begin(), runtime.end(), n) == runtime.end())
            return "names '" + n + "', which is not a runtime input of the model (it has " +
                   (listed.empty() ? std::string("none") : listed) + ")";
    return {};
}

std::vector<graph_input> runtime_inputs(const onnx::ModelProto& m, const std::string& path,
                                        const std::map<std::string, std::vector<int64_t>>& given,
                                        const std::string& field, const std::string& hint) {
    std::vector<const onnx::ValueInfoProto*> runtime;
    std::vector<std::string> runtime_names, given_names;
    for (const onnx::ValueInfoProto& in : m.graph().input()) {
        bool init = false;
        for (const onnx::TensorProto& t : m.graph().initializer())
            init |= t.name() == in.name();
        if (!init) {
            runtime.push_back(&in);
            runtime_names.push_back(in.name());
        }
    }
    for (const auto& entry : given)
        given_names.push_back(entry.first);
    if (const std::string bad = not_a_runtime_input(given_names, runtime_names); !bad.empty())
        throw onnx_error(path + ": " + field + " " + bad);
    std::vector<graph_input> r;
    for (const onnx::ValueInfoProto* in : runtime)
        r.push_back(input_dims(*in, path, given, field, hint));
    return r;
}

}  // namespace nnvp::onnx_import

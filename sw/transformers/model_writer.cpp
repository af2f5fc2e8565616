#include "sw/transformers/model_writer.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "nn/tensor/endian.h"
#include "sw/net/seeded_stream.h"
#include "sw/onnx/tensor_pb.h"

namespace nnvp::transformers {

namespace {

using net::hash_name;
using net::splitmix64;

uint64_t element_count(const std::vector<int64_t>& dims) {
    uint64_t n = 1;
    for (int64_t d : dims)
        n *= static_cast<uint64_t>(d);
    return n;
}

void set_dims(onnx::TensorProto& t, const std::vector<int64_t>& dims) {
    for (int64_t d : dims)
        t.add_dims(d);
}

// fp32 value i of `count` as little-endian bytes, ONNX's raw_data order.
template <typename Value>
std::string float_bytes(uint64_t count, Value value) {
    std::string raw(count * 4, '\0');
    auto* out = reinterpret_cast<uint8_t*>(raw.data());
    for (uint64_t i = 0; i < count; ++i) {
        const float v = value(i);
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        nn::store_le<uint32_t>(out + 4 * i, bits);
    }
    return raw;
}

void value_info(onnx::ValueInfoProto& v, const std::string& name, int32_t elem_type,
                const std::vector<int64_t>& dims) {
    v.set_name(name);
    auto* tt = v.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem_type);
    auto* shape = tt->mutable_shape();
    for (int64_t d : dims)
        shape->add_dim()->set_dim_value(d);
}

onnx::AttributeProto& new_attr(onnx::GraphProto& g, const std::string& key) {
    if (g.node_size() == 0)
        throw std::logic_error("model_writer: attribute '" + key + "' before any node");
    onnx::AttributeProto* a = g.mutable_node(g.node_size() - 1)->add_attribute();
    a->set_name(key);
    return *a;
}

}  // namespace

std::string model_writer::input(const std::string& name, int32_t elem_type,
                                const std::vector<int64_t>& dims) {
    value_info(*m_graph.add_input(), name, elem_type, dims);
    return name;
}

void model_writer::output(const std::string& name, int32_t elem_type,
                          const std::vector<int64_t>& dims) {
    value_info(*m_graph.add_output(), name, elem_type, dims);
}

std::string model_writer::parameter(const std::string& name, const std::vector<int64_t>& dims,
                                    float stddev, float mean) {
    // Uniform in mean +- stddev * sqrt(3): 24 random bits, exact in float.
    uint64_t state = m_seed * 0x9e3779b97f4a7c15ull ^ hash_name(name);
    const float bound = stddev * std::sqrt(3.0f);
    const auto draw = [&](uint64_t) {
        const float u = static_cast<float>(splitmix64(state) >> 40) * (1.0f / 16777216.0f);
        return mean + (2.0f * u - 1.0f) * bound;
    };
    onnx::TensorProto* t = m_graph.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    set_dims(*t, dims);
    const uint64_t n = element_count(dims);
    if (m_values || n < large_parameter)
        t->set_raw_data(float_bytes(n, draw));
    else
        onnx_import::mark_without_values(*t);
    m_parameters += n;
    return name;
}

onnx::TensorProto& model_writer::constant_node(const std::string& name,
                                              const std::vector<int64_t>& dims,
                                              std::size_t values, int32_t type) {
    if (values != element_count(dims))
        throw std::logic_error("model_writer: constant '" + name + "' has the wrong count");
    node("Constant", name, {});
    onnx::AttributeProto& a = new_attr(m_graph, "value");
    a.set_type(onnx::AttributeProto::TENSOR);
    onnx::TensorProto* t = a.mutable_t();
    t->set_data_type(type);
    set_dims(*t, dims);
    return *t;
}

std::string model_writer::constant(const std::string& name, const std::vector<int64_t>& dims,
                                   const std::vector<float>& values) {
    constant_node(name, dims, values.size(), onnx::TensorProto::FLOAT)
        .set_raw_data(float_bytes(values.size(), [&](uint64_t i) { return values[i]; }));
    return name;
}

std::string model_writer::integers(const std::string& name, const std::vector<int64_t>& dims,
                                   const std::vector<int64_t>& values) {
    onnx::TensorProto& t = constant_node(name, dims, values.size(), onnx::TensorProto::INT64);
    for (int64_t v : values)
        t.add_int64_data(v);
    return name;
}

std::string model_writer::node(const std::string& op, const std::string& name,
                               const std::vector<std::string>& inputs) {
    return node_outputs(op, name, inputs, 0).front();
}

std::vector<std::string> model_writer::node_outputs(const std::string& op, const std::string& name,
                                                    const std::vector<std::string>& inputs,
                                                    int outputs) {
    onnx::NodeProto* n = m_graph.add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const std::string& in : inputs)
        n->add_input(in);
    std::vector<std::string> names;
    if (outputs == 0)
        names.push_back(name);
    for (int i = 0; i < outputs; ++i)
        names.push_back(name + "_" + std::to_string(i));
    for (const std::string& out : names)
        n->add_output(out);
    return names;
}

void model_writer::attr(const std::string& key, int64_t value) {
    onnx::AttributeProto& a = new_attr(m_graph, key);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(value);
}

void model_writer::attr(const std::string& key, float value) {
    onnx::AttributeProto& a = new_attr(m_graph, key);
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(value);
}

void model_writer::attr(const std::string& key, const std::vector<int64_t>& values) {
    onnx::AttributeProto& a = new_attr(m_graph, key);
    a.set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values)
        a.add_ints(v);
}

onnx::ModelProto model_writer::finish(const std::string& graph_name) {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.set_producer_name("nnvp transformer zoo");
    onnx::OperatorSetIdProto* op = m.add_opset_import();
    op->set_domain("");
    op->set_version(17);
    m_graph.set_name(graph_name);
    *m.mutable_graph() = std::move(m_graph);
    m_graph = onnx::GraphProto();
    return m;
}

}  // namespace nnvp::transformers

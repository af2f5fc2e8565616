// The driver of import_graph: graph inputs and initializers, then node by
// node (Constant values kept, the rest dispatched to their translations),
// then the graph outputs and the IR's own validation.
#include "sw/onnx/graph_importer.h"

#include "sw/onnx/graph_builder.h"
#include "sw/onnx/layout.h"

namespace nnvp::onnx_import {

namespace detail {

using onnx::TensorProto;

void graph_builder::inputs() {
    const onnx::GraphProto& g = m_model.graph();
    for (const auto& t : g.initializer()) {
        gvalue v;
        v.known = from_proto(t, m_file + ": initializer");
        v.dims = v.known->dims;
        m_values[t.name()] = v;
    }
    for (const auto& gi : g.input()) {
        if (m_values.count(gi.name()))
            continue;
        const std::string where = m_file + ": graph input '" + gi.name() + "'";
        if (!gi.type().has_tensor_type() ||
            gi.type().tensor_type().elem_type() != TensorProto::FLOAT)
            throw onnx_error(where + ": expected a FLOAT tensor");
        gvalue v;
        v.tensor = gi.name();
        const auto& shape = gi.type().tensor_type().shape();
        for (int k = 0; k < shape.dim_size(); ++k) {
            const auto& d = shape.dim(k);
            if (d.has_dim_value() && d.dim_value() > 0)
                v.dims.push_back(d.dim_value());
            else if (k == 0)
                v.dims.push_back(1);  // a symbolic batch: one image
            else
                throw onnx_error(where + ": dim " + std::to_string(k) +
                                 " is symbolic: expected a fixed size");
        }
        nn::shape4 s;
        if (v.dims.size() == 4)
            s = to_shape4(v.dims, layout::nhwc, where);
        else if (v.dims.size() == 2)
            s = {static_cast<int>(v.dims[0]), 1, 1, static_cast<int>(v.dims[1])};
        else
            throw onnx_error(where + ": rank " + std::to_string(v.dims.size()) +
                             ": expected 4 (an NCHW image) or 2 (rows)");
        m_g.add_input(gi.name(), s);
        m_values[gi.name()] = v;
    }
}

// A Constant node: a known value, no IR node.
void graph_builder::constant() {
    const attributes a = attrs();
    a.only({"value"});
    const TensorProto* t = a.get_tensor("value");
    if (!t)
        a.fail("attribute 'value': missing");
    gvalue v;
    v.known = from_proto(*t, m_file + ": " + node_label(*m_node, m_index));
    v.dims = v.known->dims;
    m_values[m_node->output(0)] = v;
}

void graph_builder::node() {
    const std::string& op = m_node->op_type();
    if (op == "Conv")
        return conv();
    if (op == "Relu")
        return activation(ref::act_kind::relu);
    if (op == "LeakyRelu")
        return activation(ref::act_kind::leaky_relu);
    if (op == "Sigmoid")
        return activation(ref::act_kind::sigmoid);
    if (op == "Tanh")
        return activation(ref::act_kind::tanh);
    if (op == "Clip")
        return activation(ref::act_kind::clip);
    if (op == "MaxPool" || op == "AveragePool")
        return pool(op == "MaxPool");
    if (op == "Gemm" || op == "MatMul")
        return fc(op == "Gemm");
    if (op == "BatchNormalization")
        return batchnorm();
    if (op == "Pad")
        return pad();
    single_output();
    if (op == "Identity" || op == "Dropout")
        return alias(in(0));
    if (op == "GlobalAveragePool" || op == "GlobalMaxPool")
        return global_pool(op == "GlobalMaxPool");
    if (op == "Add" || op == "Mul")
        return eltwise(op == "Add" ? net::op_type::add : net::op_type::mul);
    if (op == "Concat")
        return concat();
    if (op == "Flatten" || op == "Reshape")
        return flatten(op == "Reshape");
    if (op == "Softmax")
        return softmax();
    if (op == "LRN")
        return lrn();
    if (op == "Transpose")
        fail(
            "op Transpose is not representable in the network IR (nnvp check runs it as a CPU op)");
    fail("op " + op + " is not supported by nnvp");
}

void graph_builder::outputs() {
    for (const auto& o : m_model.graph().output()) {
        const gvalue& v = m_values.at(o.name());
        if (v.known)
            throw onnx_error(m_file + ": graph output '" + o.name() + "' is a constant");
        m_g.add_output(v.tensor);
    }
}

net::graph graph_builder::run() {
    const onnx::GraphProto& g = m_model.graph();
    m_uses = use_counts(g);
    inputs();
    for (int k = 0; k < g.node_size(); ++k) {
        m_node = &g.node(k);
        m_index = k;
        if (m_node->op_type() == "Constant")
            constant();
        else
            node();
    }
    outputs();
    try {
        m_g.validate();
    } catch (const net::graph_error& e) {
        throw onnx_error(m_file + ": " + e.what());
    }
    return m_g;
}

}  // namespace detail

net::graph import_graph(const onnx::ModelProto& model, const std::string& file) {
    return detail::graph_builder(model, file).run();
}

net::graph import_graph_file(const std::string& path) {
    return import_graph(load_model(path), path);
}

}  // namespace nnvp::onnx_import

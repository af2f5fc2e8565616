// Internals of import_graph (graph_importer.h): the ONNX values seen so far
// and the IR graph under construction, shared by the driver
// (graph_importer.cpp) and the per-op translations (graph_import_layers.cpp,
// graph_import_tensor_ops.cpp).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sw/net/graph.h"
#include "sw/onnx/model.h"
#include "sw/onnx/tensor_pb.h"

namespace nnvp::onnx_import::detail {

// An ONNX value in the IR: an activation tensor, or a constant.
struct gvalue {
    std::string tensor;         // IR tensor name (activations)
    std::vector<int64_t> dims;  // ONNX dims: [N,C,H,W] images or [N,K] rows
    std::optional<onnx_tensor> known;
    // Rows flattened from an image [C,H,W] in NHWC order (the IR's flatten):
    // a following fully connected layer permutes its weights to match ONNX's
    // CHW order.
    std::vector<int64_t> flattened_chw;
    int pad[4] = {0, 0, 0, 0};        // pending zero Pad (top, left, bottom, right)
    std::size_t producer = SIZE_MAX;  // IR node index
};

class graph_builder {
public:
    graph_builder(const onnx::ModelProto& m, std::string file)
        : m_model(m),
          m_file(std::move(file)),
          m_g(m.graph().name().empty() ? "onnx" : m.graph().name()) {}

    net::graph run();

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw onnx_error(m_file + ": " + node_label(*m_node, m_index) + ": " + what);
    }
    attributes attrs() const {
        return attributes(*m_node, m_file + ": " + node_label(*m_node, m_index));
    }
    bool has_input(int i) const { return m_node->input_size() > i && !m_node->input(i).empty(); }
    const gvalue& in(int i) const {
        if (i >= m_node->input_size() || m_node->input(i).empty())
            fail("input " + std::to_string(i) + ": missing");
        return m_values.at(m_node->input(i));
    }
    const onnx_tensor& known(int i, const std::string& what) const {
        const gvalue& v = in(i);
        if (!v.known)
            fail(what + " '" + m_node->input(i) + "': expected an initializer or Constant");
        return *v.known;
    }
    const gvalue& activation_in(int i) const {
        const gvalue& v = in(i);
        if (v.known)
            fail("input '" + m_node->input(i) +
                 "': a constant operand is not representable in the network IR");
        if (v.pad[0] || v.pad[1] || v.pad[2] || v.pad[3])
            if (m_node->op_type() != "Conv" && m_node->op_type() != "MaxPool" &&
                m_node->op_type() != "AveragePool")
                fail("input '" + m_node->input(i) +
                     "' comes from a Pad that only a Conv or pool "
                     "can absorb");
        return v;
    }
    std::string name() const {
        return m_node->name().empty() ? m_node->op_type() + "_" + std::to_string(m_index)
                                      : m_node->name();
    }
    void single_output() const {
        for (int k = 1; k < m_node->output_size(); ++k)
            if (!m_node->output(k).empty())
                fail("output '" + m_node->output(k) + "': only the first output is supported");
    }
    // Adds IR node n reading `inputs`, writing ONNX output 0 with `dims`.
    void emit(net::node n, const std::vector<std::string>& inputs, std::vector<int64_t> dims,
              std::vector<int64_t> flattened = {}) {
        n.name = name();
        n.inputs = inputs;
        n.outputs = {m_node->output(0)};
        m_g.add_node(n);
        gvalue v;
        v.tensor = m_node->output(0);
        v.dims = std::move(dims);
        v.flattened_chw = std::move(flattened);
        v.producer = m_g.nodes().size() - 1;
        m_values[m_node->output(0)] = v;
    }
    void alias(const gvalue& v) { m_values[m_node->output(0)] = v; }
    std::vector<int64_t> image_dims(const gvalue& x) const {
        if (x.dims.size() != 4)
            fail("input: rank " + std::to_string(x.dims.size()) + ": expected an image [N,C,H,W]");
        return x.dims;
    }

    // The driver (graph_importer.cpp).
    void inputs();
    void constant();
    void node();
    void outputs();
    // Layers with weights or windows (graph_import_layers.cpp).
    void conv();
    void pool(bool is_max);
    void global_pool(bool is_max);
    void fc(bool gemm);
    void batchnorm();
    void pad();
    // Ops without weights or windows (graph_import_tensor_ops.cpp).
    void activation(ref::act_kind k);
    void eltwise(net::op_type op);
    void concat();
    void flatten(bool is_reshape);
    void softmax();
    void lrn();

    const onnx::ModelProto& m_model;
    std::string m_file;
    net::graph m_g;
    std::map<std::string, gvalue> m_values;
    std::map<std::string, int> m_uses;
    const onnx::NodeProto* m_node = nullptr;
    int m_index = 0;
};

}  // namespace nnvp::onnx_import::detail

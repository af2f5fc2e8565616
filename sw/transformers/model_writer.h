// A small writer of ONNX graphs: the transformer zoo builds each model as
// the ONNX graph PyTorch would export (MatMul + Add, LayerNormalization,
// Softmax, Transpose, ...) and hands it to the general importer, the same
// one `nnvp run model.onnx` uses. Parameters are initializers with seeded
// values (one SplitMix64 stream per tensor, seeded by the model seed and the
// tensor's name, so a tensor's values do not depend on the others); tables
// that are not parameters (masks, rotary tables, shapes) are Constant nodes,
// so the initializers are exactly the model's parameters.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnvp::transformers {

class model_writer {
public:
    // values false: parameters of at least large_parameter elements are
    // written without values (onnx_import::mark_without_values), as timing
    // mode wants them: it needs their sizes only.
    explicit model_writer(uint64_t seed, bool values = true) : m_seed(seed), m_values(values) {}
    static constexpr uint64_t large_parameter = 65536;

    // Graph inputs and outputs (ONNX element types, static dims).
    std::string input(const std::string& name, int32_t elem_type, const std::vector<int64_t>& dims);
    void output(const std::string& name, int32_t elem_type, const std::vector<int64_t>& dims);

    // A float parameter, uniform with standard deviation `stddev` around
    // `mean` (a norm's gain: mean 1).
    std::string parameter(const std::string& name, const std::vector<int64_t>& dims, float stddev,
                          float mean = 0.0f);
    // Constant nodes (not parameters).
    std::string constant(const std::string& name, const std::vector<int64_t>& dims,
                         const std::vector<float>& values);
    std::string integers(const std::string& name, const std::vector<int64_t>& dims,
                         const std::vector<int64_t>& values);  // INT64
    std::string shape(const std::string& name, const std::vector<int64_t>& values) {
        return integers(name, {static_cast<int64_t>(values.size())}, values);
    }
    std::string scalar(const std::string& name, float value) { return constant(name, {}, {value}); }

    // Appends node `op` named `name` (its output is named the same) and
    // returns the output's name.
    std::string node(const std::string& op, const std::string& name,
                     const std::vector<std::string>& inputs);
    // Attribute setters for the node just appended.
    void attr(const std::string& key, int64_t value);
    void attr(const std::string& key, float value);
    void attr(const std::string& key, const std::vector<int64_t>& values);
    // Several outputs (Split): names `name`_0 .. _n-1.
    std::vector<std::string> node_outputs(const std::string& op, const std::string& name,
                                          const std::vector<std::string>& inputs, int outputs);

    // Elements of every parameter written so far.
    uint64_t parameters() const { return m_parameters; }

    // The model (opset 17, as torch.onnx.export writes by default today).
    onnx::ModelProto finish(const std::string& graph_name);

private:
    // A Constant node of `type` holding `values` elements of `dims`.
    onnx::TensorProto& constant_node(const std::string& name, const std::vector<int64_t>& dims,
                                     std::size_t values, int32_t type);

    uint64_t m_seed;
    bool m_values;
    uint64_t m_parameters = 0;
    onnx::GraphProto m_graph;
};

}  // namespace nnvp::transformers

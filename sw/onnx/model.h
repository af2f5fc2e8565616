// Reading an ONNX model file and the attribute / initializer look-ups both
// importers share, each with a message naming the file, node and field.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sw/onnx/tensor_pb.h"

namespace nnvp::onnx_import {

// Parses `path` and checks the structure both importers rely on: a graph,
// node op types in the default domain, every node input defined (graph
// input, initializer or an earlier node's output: ONNX requires
// topological order). Throws onnx_error.
onnx::ModelProto load_model(const std::string& path);

// Elements of the model's initializers: its parameters.
uint64_t parameter_count(const onnx::ModelProto& m);

// The opset version of the default ONNX domain (1 if absent).
int64_t opset_of(const onnx::ModelProto& m);

// The graph's nodes, each followed by the nodes of its subgraphs (If
// branches, Loop bodies), recursively.
std::vector<const onnx::NodeProto*> all_nodes(const onnx::GraphProto& g);

// How many readers each tensor has: node inputs (subgraph nodes included),
// and the graph outputs (each counts as one reader).
std::map<std::string, int> use_counts(const onnx::GraphProto& g);

// "[1, 40, 98]".
std::string dims_text(const std::vector<int64_t>& dims);

// A graph input that is not an initializer, with its size fixed.
struct graph_input {
    std::string name;
    int32_t elem_type = 0;
    std::vector<int64_t> dims;
};

// The model's runtime inputs in graph order, each with the model's static
// dims or the dims `given` for it (which must agree with the static ones).
// Throws onnx_error when `given` names no runtime input or contradicts the
// model (naming `field`, e.g. "workload.input_shapes"), or when a size is
// missing: "dim 0 ('batch') has no size: give it with <hint>", NAME in
// `hint` replaced by the input's name ("--input-shape NAME=D,D,...").
// "names 'X', which is not a runtime input of the model (it has 'A', 'B')"
// for the first of `names` missing from `runtime`; empty when none is.
std::string not_a_runtime_input(const std::vector<std::string>& names,
                                const std::vector<std::string>& runtime);

std::vector<graph_input> runtime_inputs(const onnx::ModelProto& m, const std::string& path,
                                        const std::map<std::string, std::vector<int64_t>>& given,
                                        const std::string& field, const std::string& hint);

// "node 'conv1' (Conv)" or "node #3 (Conv)" for unnamed nodes.
std::string node_label(const onnx::NodeProto& n, int index);

// Typed attribute access for one node; every failure names the file, the
// node and the attribute.
class attributes {
public:
    attributes(const onnx::NodeProto& n, std::string where);

    bool has(const std::string& name) const { return m_attrs.count(name) != 0; }
    int64_t get_int(const std::string& name, int64_t fallback) const;
    float get_float(const std::string& name, float fallback) const;
    std::string get_string(const std::string& name, const std::string& fallback) const;
    std::vector<int64_t> get_ints(const std::string& name,
                                  const std::vector<int64_t>& fallback) const;
    const onnx::TensorProto* get_tensor(const std::string& name) const;
    const onnx::GraphProto* get_graph(const std::string& name) const;
    // Fails for any attribute not in `known` (an attribute nnvp would ignore
    // silently could change the result).
    void only(const std::vector<std::string>& known) const;
    [[noreturn]] void fail(const std::string& what) const;

private:
    const onnx::AttributeProto& get(const std::string& name,
                                    onnx::AttributeProto::AttributeType type) const;

    std::string m_where;
    std::map<std::string, const onnx::AttributeProto*> m_attrs;
};

}  // namespace nnvp::onnx_import

// The network IR: a graph of nodes that read and write named activation
// tensors (NHWC, like everything else in nnvp), in the spirit of an ONNX
// graph so that an importer can produce it directly:
//   - graph inputs are named tensors with a shape and dtype;
//   - every node names its input and output tensors; a tensor has exactly one
//     producer (a node or a graph input); graph outputs name tensors;
//   - nodes carry their attributes in the vocabulary of the reference
//     executor (ref::geometry, ref::activation), so every op the NN core runs
//     maps onto a ref::layer field by field (sw/net/lower.h). Ops the core
//     lacks (softmax, concat, flatten, reshape, LRN) are CPU ops.
//   - weights and biases are described by shape only; their values stay
//     empty until materialize_weights() (sw/net/weights.h) or an importer
//     fills them, so inspecting VGG-16 (138 M weights) allocates nothing.
// validate() checks the structure (names, dangling inputs, cycles), orders
// the nodes topologically and infers every tensor's shape, throwing
// graph_error with a message that names the network, the node and the field.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::net {

enum class op_type : uint8_t {
    // Ops the NN core runs (ref::op_kind of the same name).
    conv2d,           // 1 input; weights OHWI (I = C / groups), optional bias [1,1,1,O]
    fully_connected,  // 1 input [N,H,W,C] read as N rows of K = H*W*C; weights [O,1,1,K]
    max_pool,
    avg_pool,
    global_avg_pool,
    global_max_pool,
    add,  // 2 inputs, second broadcast (each dim equal or 1)
    mul,
    activation,  // the activation alone
    // CPU ops (firmware fallback).
    softmax,  // over channels
    concat,   // along `axis` (NHWC index; 3 = channels)
    flatten,  // [N,H,W,C] -> [N,1,1,H*W*C]
    reshape,  // to `target` (same element count)
    lrn,      // local response normalisation across channels
};

const char* to_string(op_type op);
// True for the ops the NN core executes (a ref::layer exists for them).
bool runs_on_core(op_type op);

// Local response normalisation across channels (Krizhevsky et al. 2012,
// section 3.3): b = a / (bias + alpha / size * sum_{size neighbours} a^2)^beta
// (the Caffe / ONNX convention of dividing alpha by size).
struct lrn_params {
    int size = 5;
    float alpha = 1e-4f;
    float beta = 0.75f;
    float bias = 2.0f;
};

// A tensor of the graph: an activation or a graph input.
struct value_info {
    std::string name;
    nn::shape4 shape;
    nn::dtype type = nn::dtype::fp32;
};

struct node {
    std::string name;
    op_type op = op_type::conv2d;
    std::vector<std::string> inputs;   // activation tensors, by name
    std::vector<std::string> outputs;  // exactly one for every op today

    // Attributes; an op ignores those it does not use.
    ref::geometry geo;               // conv2d, max_pool, avg_pool
    int out_channels = 0;            // conv2d, fully_connected
    bool has_bias = false;           // conv2d, fully_connected
    ref::activation act;             // fused after the op (activation: the op itself)
    bool ceil_mode = false;          // max_pool, avg_pool: output size rounds up
    bool count_include_pad = false;  // avg_pool
    int axis = 3;                    // concat
    nn::shape4 target{};             // reshape
    lrn_params lrn;                  // lrn

    // Parameter values: empty() until materialized or
    // imported.
    nn::tensor weights;
    nn::tensor bias;
};

class graph_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class graph {
public:
    explicit graph(std::string name = "network") : m_name(std::move(name)) {}

    const std::string& name() const { return m_name; }

    // Building. Any edit invalidates the result of validate().
    void add_input(const std::string& tensor, nn::shape4 shape, nn::dtype type = nn::dtype::fp32);
    void add_node(node n);
    void add_output(const std::string& tensor);

    const std::vector<value_info>& inputs() const { return m_inputs; }
    // Sets the batch (n) of every graph input; call validate() again.
    void set_batch(int n) {
        for (value_info& v : m_inputs)
            v.shape.n = n;
        m_valid = false;
    }
    const std::vector<std::string>& outputs() const { return m_outputs; }
    const std::vector<node>& nodes() const { return m_nodes; }
    // Mutable access (attributes, parameter values): marks the graph as not
    // validated; call validate() again afterwards.
    std::vector<node>& edit_nodes() {
        m_valid = false;
        return m_nodes;
    }

    // Checks the structure, orders the nodes and infers every shape.
    // Throws graph_error naming the node and the field at fault.
    void validate();
    bool valid() const { return m_valid; }

    // After validate(): node indices in topological order (graph-input
    // consumers first; ties keep insertion order).
    const std::vector<std::size_t>& order() const;
    // After validate(): every tensor (graph inputs and node outputs).
    const value_info& tensor(const std::string& name) const;
    bool has_tensor(const std::string& name) const { return m_tensors.count(name) != 0; }
    // Index of the node called `name`, or nodes().size().
    std::size_t find_node(const std::string& name) const;

    // After validate(): parameter shapes of a conv2d / fully_connected node
    // ({0,0,0,0} when the node has none).
    nn::shape4 weight_shape(const node& n) const;
    nn::shape4 bias_shape(const node& n) const;

private:
    [[noreturn]] void fail(const std::string& what) const;
    void check_structure() const;
    void sort_topologically();

    std::string m_name;
    std::vector<value_info> m_inputs;
    std::vector<node> m_nodes;
    std::vector<std::string> m_outputs;
    std::map<std::string, value_info> m_tensors;
    std::vector<std::size_t> m_order;
    bool m_valid = false;
};

// Shape inference of one node from its input tensors (in node order).
// Throws graph_error("network 'g': node 'n' (op): field: ...").
std::vector<value_info> infer_outputs(const std::string& graph_name, const node& n,
                                      const std::vector<value_info>& ins);

// Output size of a pooling / conv window along one axis, with ceil mode
// (PyTorch / ONNX rule: the last window must start inside the input or its
// leading padding). Returns <= 0 when the window does not fit.
int window_output(int in, int kernel, int stride, int pad_lo, int pad_hi, int dilation,
                  bool ceil_mode);

}  // namespace nnvp::net

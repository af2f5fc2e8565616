// Internals of import_for_check (check_importer.h): the value table and the
// op list under construction, shared by the driver (check_importer.cpp) and
// the per-op translations (check_ops.cpp dispatches to check_layer_ops.cpp,
// check_matrix_ops.cpp, check_cpu_ops.cpp and check_quant_ops.cpp).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nn/cpuops/cpu_op.h"
#include "sw/onnx/check_importer.h"
#include "sw/onnx/model.h"

namespace nnvp::onnx_import::detail {

// A package tensor before numbering: the output of op `index`, runtime
// input `index`, or constant `index`.
struct tref {
    enum kind_t : uint8_t { op, input, constant } kind = op;
    int index = 0;
};

// An ONNX value: a runtime tensor, or a value known at compile time.
struct value {
    std::vector<int64_t> dims;
    int32_t elem_type = 0;
    std::optional<onnx_tensor> known;  // initializer, bound input, Constant
    tref r;                            // runtime tensor (when !known)
    layout lay = layout::plain;
    int32_t offset = 0;  // stored = ONNX value - offset (uint8 as int8: 128)
};

class check_builder {
public:
    check_builder(const onnx::ModelProto& m, const std::map<std::string, onnx_tensor>& bound,
                  std::string file);
    check_network build();

    // For the op translations. `n` is the node being translated.
    const onnx::NodeProto& node() const { return *m_node; }
    int64_t opset() const { return m_opset; }
    [[noreturn]] void fail(const std::string& what) const;
    attributes attrs() const;
    bool has_input(int i) const;
    const value& input(int i) const;
    // Input i, which must be known at compile time (`what` names its role).
    const onnx_tensor& known_input(int i, const std::string& what) const;
    // Input i must have this ONNX element type.
    void need_type(int i, std::initializer_list<int32_t> types) const;
    // Checks the node writes only its first output.
    void single_output() const;
    // Number of nodes (and graph outputs) reading ONNX value `name`.
    int uses(const std::string& name) const;

    // The tensor of `v` in layout `l`: a transpose op when v is stored in
    // the other layout, a constant (in `l`) when v is known.
    tref runtime(const value& v, layout l);
    cpuops::tensor_info info(tref r) const;
    // Sets the quantization of a runtime input (DequantizeLinear reading
    // it): returns false when r is not an input.
    bool set_input_q(tref r, const ref::quant_params& q);

    tref add_layer(const ref::layer& l, std::vector<tref> ins,
                   std::optional<nn::tensor> weights = std::nullopt,
                   std::optional<nn::tensor> bias = std::nullopt);
    tref add_cpu(const cpuops::op& o, std::vector<tref> ins, const std::string& suffix = "");
    // A product of two activations on the core (compiler/activation_gemm.h):
    // `batch` products of a [M, K] and bt [N, K] (B transposed).
    tref add_gemm(const ref::layer& l, tref a, tref bt, int batch);
    // Op r, a transpose read by nothing else, made to transpose its input by
    // `perm` instead (two transposes composed into one).
    void retarget_transpose(tref r, const std::array<int, 4>& perm);
    tref add_constant(const nn::tensor& t, const ref::quant_params& q = {});
    // Op `index` (to fold BatchNormalization into a conv).
    compiler::net_op* op_at(tref r);

    // Defines output 0 of the current node.
    void set_output(value v);
    // Output k of the current node: is it named, and its value.
    bool wants_output(int k) const;
    void set_output(int k, value v);
    std::string op_name(const std::string& suffix = "") const;
    // FLOAT16 values are computed as FLOAT (docs/onnx_conformance.md "Element
    // types"): the current node's FLOAT16 inputs widened, known ones on the
    // host, runtime ones by a convert step (once per value).
    void widen_half_inputs();
    // Translates a subgraph's nodes here (an If branch whose condition is
    // known), reading outer values by name; its outputs' values in order.
    std::vector<value> inline_graph(const onnx::GraphProto& g);

private:
    // Initializers of `g` as known values (`what` names them in messages).
    void bind_initializers(const onnx::GraphProto& g, const std::string& what);
    void bind_inputs();
    // Appends op (reading `ins`, writing a tensor described by `out`): its tensor.
    tref push_op(compiler::net_op op, std::vector<tref> ins, const cpuops::tensor_info& out);
    void translate(const onnx::NodeProto& n, int index);
    port make_port(const std::string& name, const value& v, int tensor) const;

    const onnx::ModelProto& m_model;
    const std::map<std::string, onnx_tensor>& m_bound;
    std::string m_file;
    int64_t m_opset = 1;
    const onnx::NodeProto* m_node = nullptr;
    int m_node_index = 0;

    std::vector<value> m_input_values;  // runtime graph inputs, as bound
    std::map<std::string, value> m_values;
    std::map<std::string, int> m_uses;
    std::vector<compiler::net_op> m_ops;
    std::vector<std::vector<tref>> m_op_ins;
    std::vector<cpuops::tensor_info> m_op_infos;
    std::vector<std::string> m_input_names;
    std::vector<compiler::tensor_spec> m_inputs;
    std::vector<compiler::constant> m_constants;
};

// Translates the current node of `b` (check_ops.cpp); throws onnx_error for
// an op nnvp does not know.
void translate_node(check_builder& b);
// Quantization ops (check_quant_ops.cpp); returns false for other op types.
bool translate_quant_node(check_builder& b);
// MatMul of two float activations with equal batch dims (rank <= 4) as the
// NN core's product of activations, B transposed on the way (a transpose
// that produced B alone is composed with it); nothing when it does not apply
// (check_gemm.cpp).
std::optional<value> core_matmul(check_builder& b, const value& x, const value& y);
// Conv / pools / BatchNormalization on a rank-3 [N, C, L] input as their 2-D
// form (check_window1d.cpp); false for any other node.
bool translate_window1d(check_builder& b);

// The float ops by ONNX op type, one table per family: fp32 core layers
// (check_layer_ops.cpp), matrix products (check_matrix_ops.cpp) and the ops
// that become CPU ops or none (check_cpu_ops.cpp).
using translation = std::function<void(check_builder&)>;
using translation_table = std::map<std::string, translation>;
const translation_table& layer_translations();
const translation_table& matrix_translations();
const translation_table& cpu_translations();
// Element-wise and reduction ops on the CPU (check_math_ops.cpp).
const translation_table& math_translations();
// Shapes and types: Squeeze, Unsqueeze, Shape, Cast, ... (check_shape_ops.cpp).
const translation_table& shape_translations();
// Reductions and LayerNormalization on the CPU (check_reduce_ops.cpp).
const translation_table& reduce_translations();
// The shape4 of ONNX dims in layout l; fails through `b` for rank > 4.
nn::shape4 shape_in(check_builder& b, const std::vector<int64_t>& dims, layout l,
                    const std::string& what);
// Indexing ops on the CPU: Slice, Gather, Where, Expand, Tile (check_index_ops.cpp).
const translation_table& index_translations();
// Recurrent layers unrolled over time: LSTM, GRU, RNN (check_rnn_ops.cpp).
const translation_table& rnn_translations();
// The layout a CPU op on `ins` works in: the first runtime input's, plain
// when all are known.
layout math_layout(const std::vector<const value*>& ins);
// The value of CPU op o on `ins` in layout `lay`: computed here (folded) when
// every input is known, else a CPU op. `dims` / `elem` describe the ONNX
// output; a runtime result has offset 0 (callers moving uint8 set it).
value emit(check_builder& b, const cpuops::op& o, const std::vector<const value*>& ins, layout lay,
           const std::vector<int64_t>& dims, int32_t elem, const std::string& suffix = "");
// f(x) with `params`: the NN core's activation layer when it has f and x is
// a runtime value, else the unary CPU op (folded when x is known).
value unary_value(check_builder& b, cpuops::unary_fn f, const value& x,
                  const std::vector<float>& params = {}, int32_t elem = onnx::TensorProto::FLOAT,
                  const std::string& suffix = "");
// Float x f y (add, sub, mul, div, max, min) as the NN core's element-wise
// layer when one operand has the output's shape (the first, for sub and
// div): the core broadcasts its second operand only. Pow(x, 2) is x * x. Nothing otherwise, and
// nothing when both are known (that folds).
std::optional<value> core_eltwise(check_builder& b, cpuops::binary_fn f, const value& x,
                                  const value& y, const std::string& suffix = "");
// Input 1 of a binary op as numpy broadcasting reads it: before opset 7, the
// `broadcast` / `axis` attributes place B's dims from A's axis `axis` on (a
// reshape adds the trailing 1s); later opsets take no attribute.
value legacy_second_operand(check_builder& b, const attributes& a);
// x f y with numpy broadcasting: core_eltwise, else a binary CPU op, folded
// when both are known (check_math_ops.cpp).
value binary_value(check_builder& b, cpuops::binary_fn f, const value& x, const value& y,
                   const std::string& suffix = "");

// How runtime tensors of an ONNX element type are stored (type, and the
// offset subtracted: uint8 128); false for types nnvp does not store
// (stored_values.cpp).
bool stored_as(int32_t elem_type, nn::dtype& type, int32_t& offset);
// Values of `in` as type `to`, each integer lowered by `offset`; throws
// onnx_error naming `where` for a value the type cannot hold.
nn::tensor convert_values(const nn::tensor& in, nn::dtype to, int32_t offset,
                          const std::string& where);

// Helpers shared by the translations (check_ops.cpp).
constexpr int32_t kFloat = onnx::TensorProto::FLOAT;
// A core layer of kind k at fp32.
ref::layer float_layer(ref::op_kind k);
// An fp32 activation layer of the NN core's vector unit on `in`, named
// after the node (+ `suffix`).
tref activation_layer(check_builder& b, ref::activation a, tref in, const std::string& suffix = "");
// The node's activation `a` of x (its input 0, in layout `lay`) fused into
// the float core layer that wrote x, when nothing else reads x and that
// layer has no activation yet (Conv + Relu: one command, the same values as
// two on fp32 paths). Returns the layer's tensor, or nothing when not fused.
std::optional<tref> fuse_into_producer(check_builder& b, const ref::activation& a, const value& x,
                                       layout lay);
// ONNX dims [N, C, H, W] of a layer's NHWC output shape.
std::vector<int64_t> nchw_dims(const nn::shape4& s);
// Input i must be a 4-D NCHW FLOAT tensor (2-D windows only).
void need_image(check_builder& b, int i);
// The layout an op on v works in without a transpose: where v's runtime
// tensor lives, plain for a value known at compile time.
layout natural_layout(const value& v);
value runtime_value(check_builder& b, tref r, layout l, std::vector<int64_t> dims,
                    int32_t elem_type, int32_t offset = 0);
// Input i, known at compile time, as a 1-D INT64 (or, with int32_too, INT32)
// list; fails naming `what` otherwise.
std::vector<int64_t> known_ints(check_builder& b, int i, const std::string& what,
                                bool int32_too = false);
// The axes of Squeeze, Unsqueeze and the reductions: the `axes` attribute, or
// (from_input, newer opsets) the optional input 1; {} when absent.
std::vector<int64_t> axes_of(check_builder& b, const attributes& a, bool from_input);
// A value known at compile time, zero-filled, of ONNX type `elem` and shape
// `dims` ({} a scalar), named after the node's output (+ "/" + what).
value known_value(check_builder& b, int32_t elem, const std::vector<int64_t>& dims,
                  const std::string& what = "");
// A FLOAT constant with these values (one per element of `dims`).
value float_constant(check_builder& b, const std::vector<int64_t>& dims,
                     const std::vector<float>& values, const std::string& what);
// Reshape op of runtime value x into `dims` (plain layout).
value reshape_to(check_builder& b, const value& x, const std::vector<int64_t>& dims,
                 const std::string& suffix = "");
// y = x W^T + bias on the core's fp32 fully connected layer: x is read as
// `rows` rows of K (W [O,1,1,K]); the result is reshaped to `out_dims`.
value fully_connected(check_builder& b, const value& x, int64_t rows, const nn::tensor& w,
                      std::optional<nn::tensor> bias, const std::vector<int64_t>& out_dims,
                      const std::string& suffix = "");
// The numpy broadcast of two shapes; {} when they do not broadcast (or both
// are scalars: callers tell the two apart).
std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b);
int64_t element_count(const std::vector<int64_t>& dims);
// Normalises a possibly negative axis of a rank-`rank` tensor; fails via `b`.
int normalize_axis(const check_builder& b, int64_t axis, int rank, bool allow_rank = false);

}  // namespace nnvp::onnx_import::detail

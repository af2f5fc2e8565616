// Ops the firmware runs on the CPU: layers the NN core lacks (softmax, LRN,
// element-wise functions and arithmetic with broadcasting, reductions,
// layout ops such as concat, transpose and pad, quantize / dequantize). Plain
// C++ on nn::tensor, shared by the host (compiler, reference runs) and the
// firmware runtime, which moves the data and charges the cycles.
//
// An op is a kind plus small integer and float parameter lists, so that a
// package can carry it as bytes (encode / decode) and new kinds need no new
// package format. Each kind documents its parameters below.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/ref/layer.h"
#include "nn/tensor/tensor.h"

namespace nnvp::cpuops {

enum class kind : uint16_t {
    // Softmax over the channels (innermost NHWC dim); fp32 or int8 in (int8
    // dequantized with the input's quant params), fp32 out. No parameters.
    softmax = 1,
    // Byte copy into another shape of the same element count (reshape,
    // flatten, identity). ints: {n, h, w, c} of the output.
    reshape = 2,
    // Concatenation along an NHWC axis. ints: {axis (0..3)}. Inputs of one
    // type; integer inputs are requantized to the output's quant params,
    // floats: {out_scale, out_zero_point} (default: the first input's).
    concat = 3,
    // Local response normalisation across channels (Caffe / ONNX: alpha is
    // divided by size). fp32 in and out. ints: {size}; floats: {alpha, beta,
    // bias}.
    lrn = 4,
    // Element type and quantization change (quantize, dequantize,
    // requantize, fp32 <-> fp16): real = scale * (q - zero_point) on both
    // sides; integer outputs round half away from zero and saturate
    // (ref::quantize_value). ints: {output dtype (nn::dtype)} or {output
    // dtype, rounding}: rounding 1 rounds float -> integer half to even
    // (ONNX QuantizeLinear), 0 (default) half away from zero; floats:
    // {out_scale, out_zero_point} for an integer output, else none.
    convert = 5,
    // Numpy transpose of the 4-D tensor: output axis i is input axis
    // perm[i]. ints: {perm[0..3]}. Any whole-byte type; quantization kept.
    transpose = 6,
    // Padding. ints: {mode (0 constant, 1 edge, 2 reflect), before n, h, w, c,
    // after n, h, w, c}; floats: {value} (constant mode: the stored value;
    // integral for integer types). Reflect needs pads < the dim.
    pad = 7,
    // Batched matrix product of fp32 tensors: A [n,h,M,K] x B [n',h',K,N]
    // -> [n,h,M,N], each batch dim of B equal to A's or 1; products summed
    // in k order in fp32. No parameters.
    matmul = 8,
    // A function of each element, fp32 in and out unless unary_fn says
    // otherwise. ints: {unary_fn}; floats: its parameters (see unary_fn).
    unary = 9,
    // A function of two tensors with numpy broadcasting (each NHWC dim equal
    // or 1 in either input). ints: {binary_fn} (types: see binary_fn).
    binary = 10,
    // A reduction over the NHWC axes in a mask, which keep size 1 in the
    // output; fp32 in. ints: {reduce_fn, axis mask (bit a = NHWC axis a)}
    // and, for arg_max / arg_min (one axis, int32 indices out), a third
    // value: 1 selects the last of equal extremes, 0 the first.
    reduce = 11,
    // Strided slice: output element i of each NHWC axis a is input element
    // start[a] + i * step[a] (steps may be negative). ints: {start n,h,w,c,
    // step n,h,w,c, output n,h,w,c}; every index read must lie inside.
    slice = 12,
    // Gather along one NHWC axis: output index i on `axis` reads input index
    // indices[i]. ints: {axis, indices...} (each in 0..dim-1); or ints {axis}
    // and the indices as a second input (int32, any shape: its elements in
    // order; negative ones count from the end), read at run time: an index
    // outside -dim..dim-1 is the op's error.
    gather = 13,
    // Where: inputs {condition (int8 0 / 1), x, y}, numpy broadcasting;
    // x where the condition is non-zero, else y. x and y of one type.
    select = 14,
    // Broadcast to a shape (each input dim equal or 1). ints: {n, h, w, c}.
    expand = 15,
    // Repeat each axis. ints: {repeats n, h, w, c} (>= 1).
    tile = 16,
    // Resize (ONNX Resize, fp32): output coordinate x of each NHWC axis maps
    // to input coordinate transform(x, scale, in, out); nearest rounds it,
    // linear interpolates between the two neighbours (edge-clamped) of every
    // axis, cubic uses Keys' four taps (edge values outside, or with
    // exclude_outside those taps dropped and the rest renormalised). ints:
    // {mode (resize_mode), coordinate transform (resize_coord), nearest
    // rounding (resize_round), output n, h, w, c[, exclude_outside]}; floats:
    // {scale n, h, w, c (output / input, as given to ONNX)[, cubic
    // coefficient a, default -0.75]}.
    resize = 17,
    // Zero insertion (a transposed convolution's input): stride - 1 zeros
    // between neighbouring pixels of H and W. ints: {stride_h, stride_w}.
    spread = 18,
};

enum class resize_mode : int32_t { nearest = 0, linear = 1, cubic = 2 };
enum class resize_coord : int32_t {
    half_pixel = 0,            // (x + 0.5) / scale - 0.5
    asymmetric = 1,            // x / scale
    align_corners = 2,         // x (in - 1) / (in * scale - 1)
    pytorch_half_pixel = 3,    // half_pixel, 0 when out == 1
    tf_half_pixel_for_nn = 4,  // (x + 0.5) / scale
};
enum class resize_round : int32_t {
    round_prefer_floor = 0,
    round_prefer_ceil = 1,
    floor = 2,
    ceil = 3
};

const char* to_string(kind k);  // "unknown" outside the enum

// The functions of kind::unary; the floats each takes are listed.
enum class unary_fn : int32_t {
    exp,
    log,
    sqrt,
    neg,
    abs,
    erf,
    reciprocal,
    floor,
    ceil,
    round,  // half to even
    sign,
    sin,
    cos,
    tan,
    sigmoid,
    tanh,
    relu,
    hard_sigmoid,  // {alpha, beta}: max(0, min(1, alpha x + beta))
    hard_swish,    // x * hard_sigmoid(x) with alpha 1/6, beta 0.5
    elu,           // {alpha}
    selu,          // {alpha, gamma}
    leaky_relu,    // {alpha}
    softplus,
    softsign,
    gelu,       // 0.5 x (1 + erf(x / sqrt 2))
    gelu_tanh,  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    sinh,
    cosh,
    asin,
    acos,
    atan,
    asinh,
    acosh,
    atanh,
    celu,              // {alpha}: max(0, x) + min(0, alpha (exp(x / alpha) - 1))
    thresholded_relu,  // {alpha}: x > alpha ? x : 0
    shrink,            // {lambd, bias}: x < -lambd ? x + bias : x > lambd ? x - bias : 0
    mish,              // x tanh(softplus(x))
    // Logic: int8 0/1 out. logical_not: int8 0/1 in; is_nan, is_inf: fp32 in,
    // is_inf takes {detect_negative, detect_positive} (1 or 0).
    logical_not,
    is_nan,
    is_inf,
    last = is_inf,
};
// The functions of kind::binary (a op b). Arithmetic: fp32. max, min and
// the comparisons: fp32 or one whole-byte integer type (same quantization);
// comparisons give int8 0/1. logical_*: int8 0/1 in and out.
enum class binary_fn : int32_t {
    add,
    sub,
    mul,
    div,
    pow,
    max,
    min,
    prelu,  // a < 0 ? a * b : a
    equal,
    greater,
    less,
    greater_equal,
    less_equal,
    logical_and,
    logical_or,
    logical_xor,
    last = logical_xor,
};
// The reductions of kind::reduce.
enum class reduce_fn : int32_t {
    sum,
    mean,
    max,
    min,
    prod,
    l1,
    l2,
    log_sum,
    log_sum_exp,
    sum_square,
    arg_max,
    arg_min,
    last = arg_min,
};
const char* to_string(unary_fn f);
const char* to_string(binary_fn f);
const char* to_string(reduce_fn f);

struct op {
    kind k = kind::softmax;
    std::vector<int32_t> ints;
    std::vector<float> floats;
};

// The NN core's activation (ref::act_kind) computing unary function `f`
// with its params (hard_sigmoid {alpha, beta}, leaky_relu {alpha}): exp, log,
// sqrt, neg, abs, erf, reciprocal, sigmoid, tanh, relu, gelu, gelu_tanh,
// hard_sigmoid, hard_swish, leaky_relu; nothing for the others.
std::optional<ref::activation> core_activation(unary_fn f, const std::vector<float>& params);

// "softmax", "unary exp", "binary div", "reduce mean": the kind and, for the
// element-wise and reduction kinds, the function.
std::string describe(const op& o);

// What an op reads and writes (a tensor without its data).
struct tensor_info {
    nn::shape4 shape;
    nn::dtype type = nn::dtype::fp32;
    ref::quant_params q;
};

class op_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The output of `o` for inputs `ins`; throws op_error naming the kind and
// the parameter or input at fault.
tensor_info infer(const op& o, const std::vector<tensor_info>& ins);

// Computes the op. `ins` are the input tensors (their quant params in
// `infos`, same order), `out` what infer() returned.
nn::tensor execute(const op& o, const std::vector<const nn::tensor*>& ins,
                   const std::vector<tensor_info>& infos, const tensor_info& out);

// The transpose kernel alone, for callers with a permutation but no op:
// output axis i is input axis perm[i]; whole-byte element types only.
nn::tensor transposed(const nn::tensor& in, const std::array<int, 4>& perm);

// Work in the CPU cost model's units: elements produced, and for softmax /
// LRN the elements that go through exp / pow (charged at their own rate).
struct work {
    uint64_t elements = 0;       // plain element moves / arithmetic
    uint64_t transcendental = 0;  // exp, pow
    uint64_t bytes = 0;           // bytes copied
};
work cost(const op& o, const std::vector<tensor_info>& ins, const tensor_info& out);

// Serialisation inside a package: u16 kind | u16 input count | u16 int
// count | u16 float count | u16 inputs[] | pad to 4 | i32 ints[] | f32
// floats[] (little-endian). decode() throws op_error for truncated or
// inconsistent bytes, never reads past `bytes`.
struct encoded {
    op o;
    std::vector<uint16_t> inputs;  // package tensor indices
};
std::vector<uint8_t> encode(const op& o, const std::vector<uint16_t>& inputs);
encoded decode(const uint8_t* data, std::size_t bytes);

}  // namespace nnvp::cpuops

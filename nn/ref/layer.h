// The reference executor's description of one layer: plain data, so that the
// NN core's layer command maps onto it field by field. The float quantization
// description (scales, zero points) is what the quantizer produces;
// lower_quantization() (nn/ref/quant.h) derives the integer fields the core
// actually consumes (fixed-point multipliers, clamp bounds, activation table).
// docs/numerics.md states the arithmetic every field takes part in.
#pragma once

#include "nn/tensor/dtype.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nnvp::ref {

enum class op_kind : uint8_t {
    conv2d,           // input NHWC, weights OHWI (I = C / groups), bias [1,1,1,O]
    fully_connected,  // input [N,H,W,C] flattened to K = H*W*C, weights [O,1,1,K]
    max_pool,
    avg_pool,
    global_avg_pool,
    global_max_pool,
    add,              // element-wise, second operand broadcast (dims equal or 1)
    mul,
    activation,       // the activation alone, element-wise
    // The vector unit's further element-wise ops (broadcast like add) and
    // row reductions over the channel axis (output [N, H, W, 1]).
    sub,
    div,              // float paths only
    max,
    min,
    reduce_sum,
    reduce_max,
    reduce_mean,
    // Row ops over channels: softmax exp(x - max) / sum, and normalize
    // (x - mean) / sqrt(var + epsilon) (LayerNorm without its affine part;
    // epsilon in act.alpha's command field, `norm_epsilon`). Integer paths:
    // softmax through an exp table, normalize from exact integer sums
    // (nn/ref/eltwise.cpp, docs/numerics.md); no activation there.
    softmax,
    normalize,
    last = normalize,
};

// add, sub, mul, div, max, min: two operands, the second broadcast.
bool is_eltwise(op_kind k);
// reduce_sum, reduce_max, reduce_mean.
bool is_reduce(op_kind k);
// softmax, normalize: a row of channels in, the same shape out.
bool is_row_op(op_kind k);

enum class precision : uint8_t { fp32, fp16, int16, int8, int4, binary };

// The vector unit's functions (issue 13): exp ... reciprocal follow tanh.
// Integer paths evaluate every kind from leaky_relu on through the layer's
// table (build_activation_table); float paths in double, rounded once.
enum class act_kind : uint8_t {
    none,
    relu,
    relu6,
    clip,
    leaky_relu,
    sigmoid,
    tanh,
    exp,
    log,
    sqrt,
    rsqrt,         // 1 / sqrt(x)
    erf,
    gelu,          // 0.5 x (1 + erf(x / sqrt 2))
    gelu_tanh,     // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    hard_sigmoid,  // max(0, min(1, alpha x + beta))
    hard_swish,    // x * max(0, min(1, x / 6 + 0.5))
    silu,          // x * sigmoid(x)
    abs,
    neg,
    reciprocal,
    last = reciprocal,
};

// Binary layers scale their +-1 sums per output channel either by an fp32
// factor (fp32 output) or by a fixed-point multiplier (int8 output).
enum class binary_scale : uint8_t { fp32, fixed };

struct activation {
    act_kind kind = act_kind::none;
    float clip_lo = 0.0f;  // act_kind::clip bounds (real values)
    float clip_hi = 6.0f;
    float alpha = 0.01f;   // act_kind::leaky_relu slope for x < 0; hard_sigmoid slope
    float beta = 0.5f;     // act_kind::hard_sigmoid offset (the command's clip_lo)
};

struct geometry {
    int kernel_h = 1;
    int kernel_w = 1;
    int stride_h = 1;
    int stride_w = 1;
    int pad_top = 0;
    int pad_bottom = 0;
    int pad_left = 0;
    int pad_right = 0;
    int dilation_h = 1;
    int dilation_w = 1;
    int groups = 1;  // conv2d only; groups == C == O is depthwise
};

// real = scale * (q - zero_point)
struct quant_params {
    float scale = 1.0f;
    int32_t zero_point = 0;
};

// real multiplier ~= multiplier * 2^-shift, multiplier in [2^30, 2^31) when
// normalised, shift in [0, 63]. Default: exactly 1.0.
struct fixed_multiplier {
    int32_t multiplier = 1 << 30;
    int32_t shift = 30;
};

struct layer {
    std::string name;
    op_kind op = op_kind::conv2d;
    precision prec = precision::fp32;
    geometry geo;
    int out_channels = 1;  // conv2d / fully_connected
    bool has_bias = false;
    activation act;
    bool count_include_pad = false;  // avg_pool: divisor counts padded taps
    float norm_epsilon = 1e-5f;      // normalize: added to the variance

    // Input-channel passes (a conv2d / fully_connected split over its input
    // channels): partial_in adds this call's window sums to the partial sums
    // of earlier passes (the `partials` operand: accumulator_type, output
    // shape); partial_out writes the raw sums at accumulator width, without
    // bias and epilogue. Integer precisions only: integer sums are exact in
    // any order (INT8/INT4/binary wrap to 32 bits, which commutes with
    // addition), float sums are not, so a float layer is never split this way.
    bool partial_in = false;
    bool partial_out = false;

    // Binary precision.
    binary_scale bin_scale = binary_scale::fp32;
    bool binary_input = false;   // +-1 activations in (else int8 activations)
    bool binary_output = false;  // output binarised: +1 iff value >= 0 (real)
    // Per output channel factor from the +-1 accumulator to the real output
    // value (int8 activations: includes the input scale). fp32 path:
    // y = float(acc) * alpha[c] + bias[c]; fixed path: out_mult = alpha / scale.
    std::vector<float> bin_alpha;

    // Quantization description (integer and fixed-scale binary paths).
    quant_params in_q;   // first input
    quant_params in2_q;  // second input of add / mul
    quant_params out_q;  // output
    quant_params act_q;  // pre-activation domain of table activations
    std::vector<float> w_scales;  // weights (symmetric): 1 entry or one per O

    // Lowered integer fields: what the core consumes.
    std::vector<fixed_multiplier> out_mult;  // 1 entry or one per output channel
    fixed_multiplier in_mult;                // add: input 1 -> common scale
    fixed_multiplier in2_mult;               // add: input 2 -> common scale
    int32_t add_shift = 20;                  // add: left shift before rescaling
    int32_t act_min = 0;                     // output clamp (in output q units)
    int32_t act_max = 0;
    std::vector<int32_t> act_lut;  // table activations: index q - min_of(type)
};

const char* to_string(op_kind k);
const char* to_string(precision p);
const char* to_string(act_kind k);

// normalize's epsilon in input steps squared (integer paths): norm_epsilon /
// in_q.scale^2 in float, what the command's alpha field carries there.
float norm_epsilon_steps(const layer& l);

// Storage type of activations at precision p (binary: int8 unless binary_input).
nn::dtype activation_type(precision p);
// Output element type of a layer (accumulator_type when partial_out).
nn::dtype output_type(const layer& l);
// The accumulator conv2d / fully_connected sum in: int64 for INT16, int32
// for INT8, INT4 and binary, fp32 for the float paths.
nn::dtype accumulator_type(const layer& l);
// partial_in / partial_out are set.
inline bool uses_partials(const layer& l) { return l.partial_in || l.partial_out; }
// Pass g of `passes` over groups of l's input channels: every pass but the
// first adds to the partial sums, every pass but the last writes raw sums
// (no bias, activation or binary output: the last pass applies them).
layer input_channel_pass(const layer& l, int g, int passes);
// Input element type a layer expects.
nn::dtype input_type(const layer& l);
// Weight element type (conv2d / fully_connected).
nn::dtype weight_type(const layer& l);
// Bias element type: fp32 for float paths and fp32-scaled binary, int64 for
// INT16, int32 otherwise.
nn::dtype bias_type(const layer& l);
// Integer paths use act_lut for these activations (leaky ReLU and every kind
// after it: sigmoid, tanh, exp, ..., reciprocal).
bool uses_table(act_kind k);
// Functions a float path evaluates piecewise on the vector unit (costed with
// core_params::vector_function_ops): sigmoid, tanh, exp, log, sqrt, rsqrt,
// erf, gelu, gelu_tanh, silu, reciprocal.
bool is_piecewise_function(act_kind k);

}  // namespace nnvp::ref

#include "nn/ref/layer.h"
#include "nn/ref/layer_failure.h"

#include <stdexcept>

namespace nnvp::ref {

using nn::dtype;

const char* to_string(op_kind k)
{
    switch (k) {
    case op_kind::conv2d: return "conv2d";
    case op_kind::fully_connected: return "fully_connected";
    case op_kind::max_pool: return "max_pool";
    case op_kind::avg_pool: return "avg_pool";
    case op_kind::global_avg_pool: return "global_avg_pool";
    case op_kind::global_max_pool: return "global_max_pool";
    case op_kind::add: return "add";
    case op_kind::mul: return "mul";
    case op_kind::activation: return "activation";
    case op_kind::sub: return "sub";
    case op_kind::div: return "div";
    case op_kind::max: return "max";
    case op_kind::min: return "min";
    case op_kind::reduce_sum: return "reduce_sum";
    case op_kind::reduce_max: return "reduce_max";
    case op_kind::reduce_mean: return "reduce_mean";
    case op_kind::softmax: return "softmax";
    case op_kind::normalize: return "normalize";
    }
    return "?";
}

const char* to_string(precision p)
{
    switch (p) {
    case precision::fp32: return "fp32";
    case precision::fp16: return "fp16";
    case precision::int16: return "int16";
    case precision::int8: return "int8";
    case precision::int4: return "int4";
    case precision::binary: return "binary";
    }
    return "?";
}

const char* to_string(act_kind k)
{
    switch (k) {
    case act_kind::none: return "none";
    case act_kind::relu: return "relu";
    case act_kind::relu6: return "relu6";
    case act_kind::clip: return "clip";
    case act_kind::leaky_relu: return "leaky_relu";
    case act_kind::sigmoid: return "sigmoid";
    case act_kind::tanh: return "tanh";
    case act_kind::exp: return "exp";
    case act_kind::log: return "log";
    case act_kind::sqrt: return "sqrt";
    case act_kind::rsqrt: return "rsqrt";
    case act_kind::erf: return "erf";
    case act_kind::gelu: return "gelu";
    case act_kind::gelu_tanh: return "gelu_tanh";
    case act_kind::hard_sigmoid: return "hard_sigmoid";
    case act_kind::hard_swish: return "hard_swish";
    case act_kind::silu: return "silu";
    case act_kind::abs: return "abs";
    case act_kind::neg: return "neg";
    case act_kind::reciprocal: return "reciprocal";
    }
    return "?";
}

dtype activation_type(precision p)
{
    switch (p) {
    case precision::fp32: return dtype::fp32;
    case precision::fp16: return dtype::fp16;
    case precision::int16: return dtype::int16;
    case precision::int8: return dtype::int8;
    case precision::int4: return dtype::int4;
    case precision::binary: return dtype::int8;
    }
    return dtype::fp32;
}

dtype output_type(const layer& l)
{
    if (l.partial_out)
        return accumulator_type(l);
    if (l.prec != precision::binary)
        return activation_type(l.prec);
    if (l.binary_output)
        return dtype::binary;
    return l.bin_scale == binary_scale::fp32 ? dtype::fp32 : dtype::int8;
}

dtype accumulator_type(const layer& l)
{
    switch (l.prec) {
    case precision::fp32:
    case precision::fp16: return dtype::fp32;
    case precision::int16: return dtype::int64;
    default: return dtype::int32;
    }
}

layer input_channel_pass(const layer& l, int g, int passes)
{
    layer lp = l;
    lp.partial_in = g > 0;
    lp.partial_out = g + 1 < passes;
    if (lp.partial_out) {
        lp.has_bias = false;
        lp.act = activation{};
        lp.binary_output = false;
    }
    return lp;
}

dtype input_type(const layer& l)
{
    if (l.prec == precision::binary && l.binary_input)
        return dtype::binary;
    return activation_type(l.prec);
}

dtype weight_type(const layer& l)
{
    return l.prec == precision::binary ? dtype::binary : activation_type(l.prec);
}

dtype bias_type(const layer& l)
{
    switch (l.prec) {
    case precision::fp32:
    case precision::fp16: return dtype::fp32;
    case precision::int16: return dtype::int64;
    case precision::binary:
        return l.bin_scale == binary_scale::fp32 ? dtype::fp32 : dtype::int32;
    default: return dtype::int32;
    }
}

bool uses_table(act_kind k)
{
    return k >= act_kind::leaky_relu;
}

bool is_eltwise(op_kind k)
{
    return k == op_kind::add || k == op_kind::mul || k == op_kind::sub || k == op_kind::div ||
           k == op_kind::max || k == op_kind::min;
}

bool is_reduce(op_kind k)
{
    return k == op_kind::reduce_sum || k == op_kind::reduce_max || k == op_kind::reduce_mean;
}

bool is_row_op(op_kind k)
{
    return k == op_kind::softmax || k == op_kind::normalize;
}

bool is_piecewise_function(act_kind k)
{
    switch (k) {
    case act_kind::sigmoid:
    case act_kind::tanh:
    case act_kind::exp:
    case act_kind::log:
    case act_kind::sqrt:
    case act_kind::rsqrt:
    case act_kind::erf:
    case act_kind::gelu:
    case act_kind::gelu_tanh:
    case act_kind::silu:
    case act_kind::reciprocal: return true;
    default: return false;
    }
}

namespace detail {

void fail(const layer& l, const std::string& what)
{
    throw std::invalid_argument("layer '" + l.name + "' (" + to_string(l.op) + ", " +
                                to_string(l.prec) + "): " + what);
}

}  // namespace detail

}  // namespace nnvp::ref

#include "nn/ref/quant.h"

#include <cstring>

#include "nn/tensor/endian.h"

#include "nn/ref/activation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnvp::ref {

using nn::dtype;
using nn::tensor;

int64_t round_half_away(double x)
{
    if (std::isnan(x))
        return 0;
    if (x >= 9.2e18)
        return INT64_MAX;
    if (x <= -9.2e18)
        return INT64_MIN;
    return static_cast<int64_t>(std::round(x));
}

__int128 rounding_rshift(__int128 x, int shift)
{
    if (shift <= 0)
        return x;
    // Callers shift products of at most 95 bits (int64 x int32), so any shift
    // from 126 on gives 0; it also keeps the shifts below defined.
    if (shift >= 126)
        return 0;
    const __int128 half = static_cast<__int128>(1) << (shift - 1);
    if (x >= 0)
        return (x + half) >> shift;
    return -((-x + half) >> shift);
}

int64_t requantize(int64_t acc, fixed_multiplier m)
{
    const __int128 prod = static_cast<__int128>(acc) * m.multiplier;
    const __int128 r = rounding_rshift(prod, std::clamp(m.shift, 0, 126));
    if (r > INT64_MAX)
        return INT64_MAX;
    if (r < INT64_MIN)
        return INT64_MIN;
    return static_cast<int64_t>(r);
}

fixed_multiplier quantize_multiplier(double scale)
{
    if (!std::isfinite(scale) || scale < 0.0 || scale >= 2147483648.0)
        throw std::invalid_argument("quantize_multiplier: scale " + std::to_string(scale) +
                                    " outside [0, 2^31)");
    if (scale == 0.0)
        return {0, 0};
    int e = 0;
    const double f = std::frexp(scale, &e);  // scale = f * 2^e, f in [0.5, 1)
    int64_t mant = round_half_away(std::ldexp(f, 31));
    if (mant == (int64_t{1} << 31)) {
        mant /= 2;
        ++e;
    }
    int shift = 31 - e;
    if (shift > 63) {
        mant = static_cast<int64_t>(rounding_rshift(mant, shift - 63));
        shift = 63;
    }
    if (shift < 0)  // only for scale >= 2^31, rejected above
        throw std::invalid_argument("quantize_multiplier: scale too large");
    return {static_cast<int32_t>(mant), shift};
}

double multiplier_value(fixed_multiplier m)
{
    return std::ldexp(static_cast<double>(m.multiplier), -m.shift);
}

int64_t saturate(int64_t v, dtype t)
{
    return std::clamp(v, nn::min_of(t), nn::max_of(t));
}

int64_t quantize_value(float x, quant_params q, dtype t)
{
    const int64_t r = round_half_away(static_cast<double>(x) / static_cast<double>(q.scale));
    // Saturating add: r may be at the int64 limits.
    const int64_t lo = nn::min_of(t) - q.zero_point;
    const int64_t hi = nn::max_of(t) - q.zero_point;
    return std::clamp(r, lo, hi) + q.zero_point;
}

float dequantize_value(int64_t v, quant_params q)
{
    return q.scale * static_cast<float>(v - q.zero_point);
}

tensor quantize(const tensor& real, quant_params q, dtype t)
{
    if (!nn::is_integer(t))
        throw std::invalid_argument("quantize: target type must be an integer type");
    if (!real.has_values())
        return tensor::without_values(t, real.shape());
    tensor out(t, real.shape());
    for (std::size_t i = 0; i < real.size(); ++i)
        out.set_int(i, quantize_value(real.get_float(i), q, t));
    return out;
}

tensor dequantize(const tensor& q, quant_params p)
{
    tensor out(dtype::fp32, q.shape());
    for (std::size_t i = 0; i < q.size(); ++i)
        out.set_float(i, dequantize_value(q.get_int(i), p));
    return out;
}

namespace {

float channel_scale(const std::vector<float>& scales, int ch)
{
    if (scales.empty())
        throw std::invalid_argument("weight scales: empty");
    return scales.size() == 1 ? scales[0] : scales.at(static_cast<std::size_t>(ch));
}

void check_scales(const std::vector<float>& scales, int channels, const char* what)
{
    if (scales.size() != 1 && scales.size() != static_cast<std::size_t>(channels))
        throw std::invalid_argument(std::string(what) + ": expected 1 or " +
                                    std::to_string(channels) + " scales, got " +
                                    std::to_string(scales.size()));
    for (float s : scales)
        if (!(s > 0.0f) || !std::isfinite(s))
            throw std::invalid_argument(std::string(what) + ": scales must be finite and > 0");
}

}  // namespace

tensor quantize_weights(const tensor& real, const std::vector<float>& scales, dtype t)
{
    check_scales(scales, real.shape().n, "quantize_weights");
    if (!real.has_values())
        return tensor::without_values(t, real.shape());
    tensor out(t, real.shape());
    const std::size_t per = real.size() / static_cast<std::size_t>(real.shape().n);
    if (real.type() == dtype::fp32 && t == dtype::int8) {
        // The common case, on the bytes directly (ResNet-50 has 25 M
        // weights): the same arithmetic as the general loop below.
        const uint8_t* in = real.bytes().data();
        uint8_t* o = out.bytes().data();
        for (std::size_t i = 0; i < real.size(); ++i) {
            const quant_params q{channel_scale(scales, static_cast<int>(i / per)), 0};
            float x;
            const uint32_t bits = nn::load_le<uint32_t>(in + 4 * i);
            std::memcpy(&x, &bits, 4);
            o[i] = static_cast<uint8_t>(static_cast<int8_t>(quantize_value(x, q, t)));
        }
        return out;
    }
    for (std::size_t i = 0; i < real.size(); ++i) {
        const quant_params q{channel_scale(scales, static_cast<int>(i / per)), 0};
        out.set_int(i, quantize_value(real.get_float(i), q, t));
    }
    return out;
}

tensor dequantize_weights(const tensor& q, const std::vector<float>& scales)
{
    check_scales(scales, q.shape().n, "dequantize_weights");
    tensor out(dtype::fp32, q.shape());
    const std::size_t per = q.size() / static_cast<std::size_t>(q.shape().n);
    for (std::size_t i = 0; i < q.size(); ++i) {
        const quant_params p{channel_scale(scales, static_cast<int>(i / per)), 0};
        out.set_float(i, dequantize_value(q.get_int(i), p));
    }
    return out;
}

tensor quantize_bias(const tensor& real, float in_scale, const std::vector<float>& w_scales,
                     dtype t)
{
    check_scales(w_scales, real.shape().c, "quantize_bias");
    tensor out(t, real.shape());
    for (std::size_t i = 0; i < real.size(); ++i) {
        const int ch = static_cast<int>(i % static_cast<std::size_t>(real.shape().c));
        const double s = static_cast<double>(in_scale) * channel_scale(w_scales, ch);
        out.set_int(i, saturate(round_half_away(real.get_float(i) / s), t));
    }
    return out;
}

float symmetric_scale(float absmax, dtype t)
{
    if (!(absmax > 0.0f))
        return 1.0f;
    return absmax / static_cast<float>(nn::max_of(t));
}

void lower_quantization(layer& l)
{
    if (l.prec == precision::fp32 || l.prec == precision::fp16 ||
        (l.prec == precision::binary && l.bin_scale == binary_scale::fp32))
        return;
    const dtype t = l.prec == precision::binary ? dtype::int8 : output_type(l);
    const bool table = uses_table(l.act.kind);
    const quant_params target = table ? l.act_q : l.out_q;
    if (!(target.scale > 0.0f) || !(l.in_q.scale > 0.0f) || !(l.out_q.scale > 0.0f))
        throw std::invalid_argument("lower_quantization: scales must be > 0");
    const double ts = target.scale;

    l.out_mult.clear();
    switch (l.op) {
    case op_kind::conv2d:
    case op_kind::fully_connected: {
        const bool bin = l.prec == precision::binary;
        const std::vector<float>& ws = bin ? l.bin_alpha : l.w_scales;
        check_scales(ws, l.out_channels, bin ? "bin_alpha" : "w_scales");
        // Binary: bin_alpha already maps the accumulator to real values (the
        // compiler folds an int8 input's scale into it), as on the fp32 path.
        const double s_in = bin ? 1.0 : l.in_q.scale;
        for (float w : ws)
            l.out_mult.push_back(quantize_multiplier(s_in * w / ts));
        break;
    }
    case op_kind::div:
        throw std::invalid_argument(std::string("lower_quantization: ") + to_string(l.op) +
                                    " has no integer path (float only)");
    case op_kind::softmax:  // probabilities in 2^30 steps -> out_q
    case op_kind::normalize:  // normalized values in 2^16 steps -> out_q
        if (table)
            throw std::invalid_argument(std::string("lower_quantization: integer ") +
                                        to_string(l.op) + " takes no activation");
        l.out_mult.push_back(quantize_multiplier(
            std::ldexp(1.0, l.op == op_kind::softmax ? -30 : -16) / l.out_q.scale));
        break;
    case op_kind::add:
    case op_kind::sub:
    case op_kind::max:
    case op_kind::min: {
        const double s1 = l.in_q.scale;
        const double s2 = l.in2_q.scale;
        const double twice_max = 2.0 * std::max(s1, s2);
        l.add_shift = t == dtype::int16 ? 15 : 20;
        l.in_mult = quantize_multiplier(s1 / twice_max);
        l.in2_mult = quantize_multiplier(s2 / twice_max);
        l.out_mult.push_back(
            quantize_multiplier(twice_max / (std::ldexp(1.0, l.add_shift) * ts)));
        break;
    }
    case op_kind::mul:
        l.out_mult.push_back(
            quantize_multiplier(static_cast<double>(l.in_q.scale) * l.in2_q.scale / ts));
        break;
    case op_kind::activation:
        l.out_mult.push_back(quantize_multiplier(static_cast<double>(l.in_q.scale) /
                                                 static_cast<double>(l.out_q.scale)));
        break;
    case op_kind::reduce_sum:  // the sum (mean: the rounded mean) of input steps
    case op_kind::reduce_max:
    case op_kind::reduce_mean:
        l.out_mult.push_back(quantize_multiplier(static_cast<double>(l.in_q.scale) / ts));
        break;
    default:  // pools keep the input's quantization
        if (!table && (l.in_q.scale != l.out_q.scale || l.in_q.zero_point != l.out_q.zero_point))
            throw std::invalid_argument("lower_quantization: pooling needs out_q == in_q");
        break;
    }
    const auto [lo, hi] = int_activation_bounds(l.act, l.out_q, t);
    l.act_min = static_cast<int32_t>(lo);
    l.act_max = static_cast<int32_t>(hi);
    l.act_lut.clear();
    if (l.op == op_kind::softmax) {  // exp(-s_in d) in 2^20 steps, d = row max - q
        const std::size_t n = std::size_t{1} << nn::bits_of(t);
        for (std::size_t d = 0; d < n; ++d)
            l.act_lut.push_back(static_cast<int32_t>(std::llround(
                std::ldexp(std::exp(-static_cast<double>(l.in_q.scale) * static_cast<double>(d)), 20))));
    }
    if (table) {
        const bool from_input = l.op == op_kind::activation || l.op == op_kind::max_pool ||
                                l.op == op_kind::avg_pool || l.op == op_kind::global_avg_pool ||
                                l.op == op_kind::global_max_pool;
        l.act_lut = build_activation_table(l.act, from_input ? l.in_q : l.act_q, l.out_q, t);
    }
}

}  // namespace nnvp::ref

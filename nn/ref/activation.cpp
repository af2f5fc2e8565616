#include "nn/ref/activation.h"

#include "nn/ref/quant.h"
#include "nn/tensor/fp16.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnvp::ref {

using nn::dtype;

float apply_float_activation(const activation& a, float x)
{
    switch (a.kind) {
    case act_kind::none: return x;
    case act_kind::relu: return x > 0.0f ? x : 0.0f;
    case act_kind::relu6: return std::min(std::max(x, 0.0f), 6.0f);
    case act_kind::clip: return std::min(std::max(x, a.clip_lo), a.clip_hi);
    case act_kind::leaky_relu: return x < 0.0f ? a.alpha * x : x;
    case act_kind::sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case act_kind::tanh: return std::tanh(x);
    default:
        // The vector unit's functions: evaluated in double, rounded once.
        return static_cast<float>(apply_real_activation(a, static_cast<double>(x)));
    }
}

double apply_real_activation(const activation& a, double x)
{
    switch (a.kind) {
    case act_kind::none: return x;
    case act_kind::relu: return x > 0.0 ? x : 0.0;
    case act_kind::relu6: return std::min(std::max(x, 0.0), 6.0);
    case act_kind::clip:
        return std::min(std::max(x, static_cast<double>(a.clip_lo)),
                        static_cast<double>(a.clip_hi));
    case act_kind::leaky_relu: return x < 0.0 ? static_cast<double>(a.alpha) * x : x;
    case act_kind::sigmoid: return 1.0 / (1.0 + std::exp(-x));
    case act_kind::tanh: return std::tanh(x);
    case act_kind::exp: return std::exp(x);
    case act_kind::log: return std::log(x);
    case act_kind::sqrt: return std::sqrt(x);
    case act_kind::rsqrt: return 1.0 / std::sqrt(x);
    case act_kind::erf: return std::erf(x);
    case act_kind::gelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case act_kind::gelu_tanh: {
        const double k = std::sqrt(2.0 / 3.14159265358979323846);
        return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
    }
    case act_kind::hard_sigmoid:
        return std::clamp(static_cast<double>(a.alpha) * x + static_cast<double>(a.beta), 0.0, 1.0);
    case act_kind::hard_swish: return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0);
    case act_kind::silu: return x / (1.0 + std::exp(-x));
    case act_kind::abs: return std::fabs(x);
    case act_kind::neg: return -x;
    case act_kind::reciprocal: return 1.0 / x;
    }
    return x;
}

std::pair<int64_t, int64_t> int_activation_bounds(const activation& a, quant_params out,
                                                  dtype t)
{
    int64_t lo = nn::min_of(t);
    int64_t hi = nn::max_of(t);
    const auto q = [&](double real) {
        // Saturate first: a tiny scale makes the quotient huge.
        return out.zero_point +
               saturate(round_half_away(real / static_cast<double>(out.scale)), dtype::int32);
    };
    switch (a.kind) {
    case act_kind::relu: lo = out.zero_point; break;
    case act_kind::relu6:
        lo = out.zero_point;
        hi = q(6.0);
        break;
    case act_kind::clip:
        if (!(a.clip_lo <= a.clip_hi))
            throw std::invalid_argument("activation clip: clip_lo > clip_hi");
        lo = q(a.clip_lo);
        hi = q(a.clip_hi);
        break;
    default: break;
    }
    lo = saturate(lo, t);
    hi = saturate(hi, t);
    return {lo, hi};
}

std::vector<int32_t> build_activation_table(const activation& a, quant_params src,
                                            quant_params out, dtype t)
{
    if (!nn::is_integer(t) || nn::bits_of(t) > 16)
        throw std::invalid_argument("build_activation_table: type must be int4/int8/int16");
    std::vector<int32_t> table;
    table.reserve(static_cast<std::size_t>(nn::max_of(t) - nn::min_of(t) + 1));
    for (int64_t q = nn::min_of(t); q <= nn::max_of(t); ++q) {
        const double x = static_cast<double>(src.scale) * static_cast<double>(q - src.zero_point);
        const double y = apply_real_activation(a, x) / static_cast<double>(out.scale);
        const int64_t r = saturate(round_half_away(y), dtype::int32);
        table.push_back(static_cast<int32_t>(saturate(out.zero_point + r, t)));
    }
    return table;
}

namespace {

int64_t lookup(const layer& l, int64_t q, dtype t)
{
    const std::size_t i = static_cast<std::size_t>(saturate(q, t) - nn::min_of(t));
    if (i >= l.act_lut.size())
        throw std::invalid_argument("layer: act_lut has " + std::to_string(l.act_lut.size()) +
                                    " entries, type " + nn::to_string(t) + " needs more");
    return saturate(l.act_lut[i], t);
}

// max then min (not std::clamp): a hand-written act_min > act_max must not be
// undefined behaviour; the result is then act_max, as a max/min pipeline gives.
int64_t clamp_act(const layer& l, int64_t q)
{
    return std::min(std::max(q, static_cast<int64_t>(l.act_min)),
                    static_cast<int64_t>(l.act_max));
}

}  // namespace

int64_t finish_int(const layer& l, int64_t acc, int ch, dtype t)
{
    const fixed_multiplier m =
        l.out_mult.size() == 1 ? l.out_mult[0] : l.out_mult.at(static_cast<std::size_t>(ch));
    const int64_t v = requantize(acc, m);
    if (uses_table(l.act.kind))
        return lookup(l, saturate(v, dtype::int32) + l.act_q.zero_point, t);
    const int64_t q = saturate(v, dtype::int32) + l.out_q.zero_point;
    return clamp_act(l, saturate(q, t));
}

int64_t finish_pooled(const layer& l, int64_t q, dtype t)
{
    if (uses_table(l.act.kind))
        return lookup(l, q, t);
    int64_t v = q;
    if (l.op == op_kind::activation)
        v = saturate(requantize(q - l.in_q.zero_point, l.out_mult.at(0)), dtype::int32) +
            l.out_q.zero_point;
    return clamp_act(l, saturate(v, t));
}

float finish_float(const layer& l, float acc, dtype t)
{
    const float y = apply_float_activation(l.act, acc);
    return t == dtype::fp16 ? nn::round_to_half(y) : y;
}

}  // namespace nnvp::ref

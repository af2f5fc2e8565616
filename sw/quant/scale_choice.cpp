#include "sw/quant/scale_choice.h"

#include <algorithm>
#include <cmath>

#include "nn/ref/quant.h"

namespace nnvp::quant {

int_range storage_range(nn::dtype t, int bits) {
    if (bits <= 0)
        return {nn::min_of(t), nn::max_of(t)};
    return {-(int64_t{1} << (bits - 1)), (int64_t{1} << (bits - 1)) - 1};
}

int fixed_point_fraction(float absmax, int64_t qmax) {
    constexpr int lo = -32, hi = 48;
    if (!(absmax > 0.0f))
        return 0;
    const double a = absmax, q = static_cast<double>(qmax);
    int f = static_cast<int>(std::floor(std::log2(q / a)));
    // log2 of a ratio can land one off at exact powers of two: settle exactly.
    while (std::ldexp(a, f) > q)
        --f;
    while (std::ldexp(a, f + 1) <= q)
        ++f;
    return std::clamp(f, lo, hi);
}

ref::quant_params power_of_two_params(float absmax, int64_t qmax) {
    return {std::ldexp(1.0f, -fixed_point_fraction(absmax, qmax)), 0};
}

ref::quant_params symmetric_params(float absmax, int64_t qmax) {
    const float a = absmax > 0.0f ? absmax : 1.0f;
    return {a / static_cast<float>(qmax), 0};
}

ref::quant_params affine_params(value_range r, int_range q) {
    const double lo = std::min(r.lo, 0.0f), hi = std::max(r.hi, 0.0f);
    if (!(hi - lo > 0.0))
        return symmetric_params(0.0f, q.hi);
    const float scale = static_cast<float>((hi - lo) / static_cast<double>(q.hi - q.lo));
    const int64_t zp = q.lo - ref::round_half_away(lo / scale);
    return {scale, static_cast<int32_t>(std::clamp(zp, q.lo, q.hi))};
}

void narrow_outputs(ref::layer& l, int_range qr) {
    l.act_min = static_cast<int32_t>(std::max<int64_t>(l.act_min, qr.lo));
    l.act_max = static_cast<int32_t>(std::min<int64_t>(l.act_max, qr.hi));
    if (l.op != ref::op_kind::softmax)
        for (int32_t& v : l.act_lut)
            v = static_cast<int32_t>(std::clamp<int64_t>(v, qr.lo, qr.hi));
}

float absmax_of(const nn::tensor& t, std::size_t from, std::size_t to) {
    if (!t.has_values())
        return 1.0f;  // timing mode: a unit range, as its activations get
    float m = 0.0f;
    for (std::size_t i = from; i < to; ++i)
        m = std::max(m, std::fabs(t.get_float(i)));
    return m;
}

ref::quant_params scheme_params(scheme s, bool asymmetric, value_range r, int_range qr,
                                float network_absmax) {
    switch (s) {
        case scheme::static_fixed:
            return power_of_two_params(network_absmax, qr.hi);
        case scheme::dynamic_fixed:
            return power_of_two_params(r.absmax(), qr.hi);
        default:
            break;
    }
    return asymmetric ? affine_params(r, qr) : symmetric_params(r.absmax(), qr.hi);
}

std::vector<float> weight_scales(scheme s, const nn::tensor& w, int64_t qmax,
                                 float network_absmax) {
    if (s == scheme::static_fixed)
        return {power_of_two_params(network_absmax, qmax).scale};
    if (s == scheme::dynamic_fixed)
        return {power_of_two_params(absmax_of(w, 0, w.size()), qmax).scale};
    std::vector<float> scales;
    const std::size_t per = w.size() / static_cast<std::size_t>(w.shape().n);
    for (int c = 0; c < w.shape().n; ++c) {
        const std::size_t from = static_cast<std::size_t>(c) * per;
        scales.push_back(symmetric_params(absmax_of(w, from, from + per), qmax).scale);
    }
    return scales;
}

}  // namespace nnvp::quant

// Seeded random layers and operands for the fast-kernel tests, and the
// comparison against the reference executor (nn/ref).
#pragma once

#include "nn/kernels/kernels.h"
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace nnvp::test {

using ref::act_kind;
using ref::layer;
using ref::op_kind;
using ref::precision;
using nn::dtype;
using nn::shape4;
using nn::tensor;

constexpr precision all_precisions[] = {precision::fp32, precision::fp16, precision::int16,
                                         precision::int8, precision::int4, precision::binary};
constexpr act_kind all_acts[] = {
    act_kind::none,     act_kind::relu,         act_kind::relu6,      act_kind::clip,
    act_kind::leaky_relu, act_kind::sigmoid,    act_kind::tanh,       act_kind::exp,
    act_kind::log,      act_kind::sqrt,         act_kind::rsqrt,      act_kind::erf,
    act_kind::gelu,     act_kind::gelu_tanh,    act_kind::hard_sigmoid, act_kind::hard_swish,
    act_kind::silu,     act_kind::abs,          act_kind::neg,        act_kind::reciprocal};
static_assert(std::size(all_acts) == static_cast<std::size_t>(act_kind::last) + 1);

struct gen {
    std::mt19937 rng;

    explicit gen(uint32_t seed) : rng(seed) {}

    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
    bool coin(int percent = 50) { return pick(0, 99) < percent; }
    float real(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }

    // Uniform over the type's range (integers capped at +-2^20 for the wide
    // bias types), +-1 for binary, [-2, 2) for floats.
    tensor operand(dtype t, shape4 s)
    {
        tensor x(t, s);
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (nn::is_float(t)) {
                x.set_float(i, real(-2.0f, 2.0f));
            } else if (t == dtype::binary) {
                x.set_int(i, coin() ? 1 : -1);
            } else {
                const int64_t lo = std::max<int64_t>(nn::min_of(t), -(1 << 20));
                const int64_t hi = std::min<int64_t>(nn::max_of(t), 1 << 20);
                x.set_int(i, std::uniform_int_distribution<int64_t>(lo, hi)(rng));
            }
        }
        return x;
    }

    // A zero point anywhere in the type's range (int16: within +-1000).
    int32_t zero_point(dtype t)
    {
        const int64_t lo = std::max<int64_t>(nn::min_of(t), -1000);
        const int64_t hi = std::min<int64_t>(nn::max_of(t), 1000);
        return static_cast<int32_t>(std::uniform_int_distribution<int64_t>(lo, hi)(rng));
    }

    // Random quantization of an integer layer, with the output scale aimed at
    // the typical magnitude of the pre-activation values so that outputs use
    // much of the type's range; then lower_quantization.
    void quantize(layer& l, int taps, bool lower = true)
    {
        const dtype at = ref::activation_type(l.prec);
        const bool bin = l.prec == precision::binary;
        const double range = static_cast<double>(nn::max_of(at));
        const auto zp = [&] { return static_cast<int32_t>(zero_point(at) / 2); };
        l.in_q = {real(0.01f, 0.1f), l.binary_input ? 0 : zp()};
        l.in2_q = {real(0.01f, 0.1f), zp()};
        const int out_ch = std::max(l.out_channels, 1);
        const int n_w = coin() ? 1 : out_ch;
        l.w_scales.clear();
        for (int i = 0; i < n_w; ++i)
            l.w_scales.push_back(real(0.005f, 0.05f));
        const double s_in = l.in_q.scale, s_w = l.w_scales[0];
        const double spread = std::sqrt(static_cast<double>(std::max(taps, 1)));
        double pre = 0.0;  // typical |real value| before the activation
        if (bin) {
            l.bin_alpha.clear();
            for (int i = 0; i < out_ch; ++i)
                l.bin_alpha.push_back(real(0.01f, 0.2f) * (l.binary_input ? 1.0f : l.in_q.scale));
            pre = spread * (l.binary_input ? 1.0 : range / 1.7) * l.bin_alpha[0];
        } else if (l.op == op_kind::conv2d || l.op == op_kind::fully_connected) {
            pre = spread * (range / 1.7) * (range / 1.7) * s_in * s_w;
        } else if (l.op == op_kind::mul) {
            pre = (range / 1.7) * (range / 1.7) * s_in * l.in2_q.scale;
        } else {
            pre = range / 1.7 * s_in;
        }
        // Saturating activations see pre-activation values of a few units.
        const bool squash = l.act.kind == act_kind::sigmoid || l.act.kind == act_kind::tanh ||
                            l.act.kind == act_kind::relu6;
        if (squash && pre > 0.0 && (l.op == op_kind::conv2d || l.op == op_kind::fully_connected)) {
            const float f = static_cast<float>(4.0 / pre);
            for (float& w : l.w_scales)
                w *= f;
            for (float& a : l.bin_alpha)
                a *= f;
            pre = 4.0;
        }
        const auto scale_for = [&](double real_range) {
            return static_cast<float>(real_range * real(1.0f, 3.0f) / range);
        };
        l.act_q = {scale_for(pre), zp()};
        l.out_q = {scale_for(pre), zp()};
        if (l.act.kind == act_kind::sigmoid || l.act.kind == act_kind::tanh)
            l.out_q.scale = scale_for(1.0);
        l.act.clip_lo = -real(0.0f, 1.0f) * static_cast<float>(pre);
        l.act.clip_hi = real(0.0f, 1.0f) * static_cast<float>(pre);
        l.act.alpha = real(0.01f, 0.3f);
        if (lower)
            ref::lower_quantization(l);
    }
};

// Bias tensor of layer l (random, in accumulator units for integer paths).
inline tensor make_bias(gen& g, const layer& l)
{
    const dtype bt = ref::bias_type(l);
    tensor b(bt, {1, 1, 1, l.out_channels});
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (bt == dtype::fp32)
            b.set_float(i, g.real(-1.0f, 1.0f));
        else
            b.set_int(i, g.pick(-20000, 20000));
    }
    return b;
}

// Runs the kernel and the reference; expects the same type, shape and bytes.
inline void expect_same(const layer& l, const tensor& in, const tensor* second,
                        const tensor* bias, unsigned threads = 1, const std::string& what = "")
{
    const tensor want = ref::execute(l, in, second, bias);
    const tensor got = kernels::execute(l, in, second, bias, {threads});
    ASSERT_EQ(got.type(), want.type()) << what;
    ASSERT_EQ(got.shape(), want.shape()) << what;
    if (got.bytes() == want.bytes())
        return;
    std::size_t first = 0;
    while (first < got.size() && got.get_float(first) == want.get_float(first))
        ++first;
    ADD_FAILURE() << what << " layer " << ref::to_string(l.op) << "/" << ref::to_string(l.prec)
                  << " act " << ref::to_string(l.act.kind) << " in " << nn::to_string(in.shape())
                  << ": first difference at element " << first << " (got "
                  << (first < got.size() ? got.get_float(first) : 0.0f) << ", want "
                  << (first < got.size() ? want.get_float(first) : 0.0f) << ")";
}

}  // namespace nnvp::test

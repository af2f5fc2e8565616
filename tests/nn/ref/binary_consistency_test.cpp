// Binary (XNOR / popcount) layers, cross-precision consistency, a
// ResNet-50-sized timing check and a seeded random robustness test.
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "nn/tensor/fp16.h"
#include "tests/nn/ref/ref_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

using namespace nnvp::ref;
using nnvp::nn::dtype;
using nnvp::nn::shape4;
using nnvp::nn::tensor;
using namespace nnvp::test;

namespace {

tensor random_float(shape4 s, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f)
{
    std::uniform_real_distribution<float> d(lo, hi);
    tensor t(dtype::fp32, s);
    for (std::size_t i = 0; i < t.size(); ++i)
        t.set_float(i, d(rng));
    return t;
}

tensor random_pm1(dtype t, shape4 s, std::mt19937& rng)
{
    tensor x(t, s);
    for (std::size_t i = 0; i < x.size(); ++i)
        x.set_int(i, (rng() & 1u) ? 1 : -1);
    return x;
}

layer binary_conv(int k, int out_channels, int pad, int stride)
{
    layer l;
    l.name = "bin";
    l.op = op_kind::conv2d;
    l.prec = precision::binary;
    l.geo.kernel_h = l.geo.kernel_w = k;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = pad;
    l.geo.stride_h = l.geo.stride_w = stride;
    l.out_channels = out_channels;
    l.bin_alpha.assign(static_cast<std::size_t>(out_channels), 1.0f);
    return l;
}

}  // namespace

TEST(sw_binary, popcount_equals_plus_minus_one_dot_product)
{
    std::mt19937 rng(7);
    layer l = binary_conv(3, 3, 1, 2);
    l.binary_input = true;
    const shape4 is{1, 5, 6, 70};  // 70 * 9 taps: several 64-bit words
    const tensor x = random_pm1(dtype::binary, is, rng);
    const tensor w = random_pm1(dtype::binary, {3, 3, 3, 70}, rng);
    const tensor y = conv2d(l, x, w);
    ASSERT_EQ(y.shape(), (shape4{1, 3, 3, 3}));
    // Plain +-1 dot product with padding contributing 0.
    for (int oh = 0; oh < 3; ++oh)
        for (int ow = 0; ow < 3; ++ow)
            for (int o = 0; o < 3; ++o) {
                int64_t dot = 0;
                for (int kh = 0; kh < 3; ++kh)
                    for (int kw = 0; kw < 3; ++kw) {
                        const int ih = 2 * oh - 1 + kh;
                        const int iw = 2 * ow - 1 + kw;
                        if (ih < 0 || ih >= is.h || iw < 0 || iw >= is.w)
                            continue;
                        for (int c = 0; c < 70; ++c)
                            dot += x.get_int(x.index(0, ih, iw, c)) *
                                   w.get_int(w.index(o, kh, kw, c));
                    }
                EXPECT_EQ(y.get_float(y.index(0, oh, ow, o)), static_cast<float>(dot));
            }
    // The same +-1 values as int8 activations take the multiply path: equal.
    layer l8 = l;
    l8.binary_input = false;
    tensor x8(dtype::int8, is);
    for (std::size_t i = 0; i < x.size(); ++i)
        x8.set_int(i, x.get_int(i));
    EXPECT_EQ(floats(conv2d(l8, x8, w)), floats(y));
}

TEST(sw_binary, fp32_scale_bias_and_binary_output)
{
    layer l = binary_conv(1, 2, 0, 1);
    l.binary_input = true;
    l.has_bias = true;
    l.bin_alpha = {0.5f, 0.5f};
    const tensor x = make_int(dtype::binary, {1, 1, 1, 4}, {1, -1, 1, 1});
    const tensor w = make_int(dtype::binary, {2, 1, 1, 4}, {1, -1, 1, -1, -1, -1, -1, -1});
    const tensor b = make_float(dtype::fp32, {1, 1, 1, 2}, {0.25f, 0.25f});
    // popcount(xnor) = 3 -> 2*3 - 4 = 2 -> 1.25; second: -2 -> -0.75.
    EXPECT_EQ(floats(conv2d(l, x, w, &b)), (std::vector<float>{1.25f, -0.75f}));
    l.binary_output = true;
    const tensor yb = conv2d(l, x, w, &b);
    ASSERT_EQ(yb.type(), dtype::binary);
    EXPECT_EQ(ints(yb), (std::vector<int64_t>{1, -1}));
}

TEST(sw_binary, fixed_scale_int8_activations_and_output)
{
    layer l = binary_conv(1, 1, 0, 1);
    l.bin_scale = binary_scale::fixed;
    l.in_q = {0.1f, 1};
    l.out_q = {0.25f, 0};
    l.bin_alpha = {0.5f};  // accumulator -> real: out_mult = 0.5 / 0.25 = 2
    l.act.kind = act_kind::relu;
    lower_quantization(l);
    EXPECT_EQ(l.out_mult.at(0).multiplier, 1 << 30);
    EXPECT_EQ(l.out_mult.at(0).shift, 29);
    const tensor w = make_int(dtype::binary, {1, 1, 1, 4}, {1, -1, 1, -1});
    // (3-1) - (-2-1) + (5-1) - (0-1) = 10 -> 20.
    EXPECT_EQ(ints(conv2d(l, make_int(dtype::int8, {1, 1, 1, 4}, {3, -2, 5, 0}), w)),
              (std::vector<int64_t>{20}));
    // Negative sums are clamped by the fused ReLU at the zero point.
    EXPECT_EQ(ints(conv2d(l, make_int(dtype::int8, {1, 1, 1, 4}, {-3, 2, -5, 4}), w)),
              (std::vector<int64_t>{0}));
}

// INT8 / INT16 / INT4 conv equals the fp32 conv of the dequantized operands
// within the requantization error (half an output step, plus a hair for the
// 31-bit multiplier and fp32 summation).
TEST(sw_consistency, integer_conv_matches_fp32_of_dequantized)
{
    std::mt19937 rng(2026);
    for (precision p : {precision::int8, precision::int16, precision::int4})
        for (bool per_channel : {false, true})
            for (int groups : {1, 5}) {
                const dtype t = activation_type(p);
                layer q;
                q.name = "consistency";
                q.op = op_kind::conv2d;
                q.prec = p;
                q.geo.kernel_h = q.geo.kernel_w = 3;
                q.geo.pad_top = q.geo.pad_left = 1;
                q.geo.pad_bottom = q.geo.pad_right = 1;
                q.geo.groups = groups;
                q.out_channels = 5;
                q.has_bias = true;
                q.act.kind = groups == 1 ? act_kind::relu : act_kind::none;
                const tensor xr = random_float({1, 9, 7, 5}, rng);
                const tensor wr = random_float({5, 3, 3, 5 / groups}, rng);
                const tensor br = random_float({1, 1, 1, 5}, rng, -0.5f, 0.5f);
                const float qmax = static_cast<float>(nnvp::nn::max_of(t));
                q.in_q = {2.0f / (2.0f * qmax + 1.0f), -1};
                q.w_scales.clear();
                for (int o = 0; o < (per_channel ? 5 : 1); ++o)
                    q.w_scales.push_back((0.6f + 0.1f * static_cast<float>(o)) / qmax);
                const tensor xq = quantize(xr, q.in_q, t);
                const tensor wq = quantize_weights(wr, q.w_scales, t);
                const tensor bq = quantize_bias(br, q.in_q.scale, q.w_scales,
                                                bias_type(q));
                // fp32 reference on exactly the values the integer layer sees.
                layer f = q;
                f.prec = precision::fp32;
                tensor bf(dtype::fp32, {1, 1, 1, 5});
                for (int o = 0; o < 5; ++o)
                    bf.set_float(static_cast<std::size_t>(o),
                                 static_cast<float>(bq.get_int(static_cast<std::size_t>(o))) *
                                     q.in_q.scale * q.w_scales[per_channel ? o : 0]);
                const tensor yf =
                    conv2d(f, dequantize(xq, q.in_q), dequantize_weights(wq, q.w_scales), &bf);
                float absmax = 0.0f;
                for (float v : floats(yf))
                    absmax = std::max(absmax, std::fabs(v));
                q.out_q = {absmax / (qmax - 1.0f), 0};
                lower_quantization(q);
                const tensor yq = conv2d(q, xq, wq, &bq);
                const tensor yd = dequantize(yq, q.out_q);
                for (std::size_t i = 0; i < yf.size(); ++i)
                    ASSERT_NEAR(yd.get_float(i), yf.get_float(i), 0.5001f * q.out_q.scale + 1e-5f)
                        << to_string(p) << " per_channel " << per_channel << " groups " << groups
                        << " at " << i;
            }
}

// FP16 = fp32 accumulation of the same values, rounded once: bit exact.
TEST(sw_consistency, fp16_conv_is_fp32_conv_rounded_once)
{
    std::mt19937 rng(5);
    layer l;
    l.op = op_kind::conv2d;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.dilation_h = 2;
    l.geo.pad_top = l.geo.pad_bottom = 2;
    l.out_channels = 4;
    l.act.kind = act_kind::leaky_relu;
    tensor x16(dtype::fp16, {2, 6, 5, 3}), w16(dtype::fp16, {4, 3, 3, 3});
    const tensor xr = random_float(x16.shape(), rng, -8.0f, 8.0f);
    const tensor wr = random_float(w16.shape(), rng);
    for (std::size_t i = 0; i < x16.size(); ++i)
        x16.set_float(i, xr.get_float(i));
    for (std::size_t i = 0; i < w16.size(); ++i)
        w16.set_float(i, wr.get_float(i));
    const tensor x32 = make_float(dtype::fp32, x16.shape(), floats(x16));
    const tensor w32 = make_float(dtype::fp32, w16.shape(), floats(w16));
    const std::vector<float> y32 = floats(conv2d(l, x32, w32));
    l.prec = precision::fp16;
    const tensor y16 = conv2d(l, x16, w16);
    for (std::size_t i = 0; i < y16.size(); ++i)
        ASSERT_EQ(y16.get_half_bits(i), nnvp::nn::float_to_half(y32[i])) << i;
}

// ResNet-50 conv2_x 3x3 layer (56x56x64 -> 64, 115.6 M MACs) must run in
// seconds in the plain loops.
TEST(sw_consistency, resnet50_3x3_conv_runs_in_seconds)
{
    layer l;
    l.name = "res2a_branch2b";
    l.op = op_kind::conv2d;
    l.prec = precision::int8;
    l.geo.kernel_h = l.geo.kernel_w = 3;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = 1;
    l.out_channels = 64;
    l.in_q = {0.02f, -3};
    l.out_q = {0.05f, -128};
    l.w_scales = {0.01f};
    l.act.kind = act_kind::relu;
    lower_quantization(l);
    tensor x(dtype::int8, {1, 56, 56, 64}), w(dtype::int8, {64, 3, 3, 64});
    for (std::size_t i = 0; i < x.size(); ++i)
        x.set_int(i, static_cast<int64_t>(i * 7 % 256) - 128);
    for (std::size_t i = 0; i < w.size(); ++i)
        w.set_int(i, static_cast<int64_t>(i * 13 % 255) - 127);
    const auto t0 = std::chrono::steady_clock::now();
    const tensor y = conv2d(l, x, w);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(y.shape(), (shape4{1, 56, 56, 64}));
    std::printf("int8 3x3 56x56x64->64: %.3f s\n", s);
    EXPECT_LT(s, 30.0);
}

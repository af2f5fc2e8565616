// Hand-computed conv2d / fully_connected cases. Input ramps are 1, 2, 3, ...
// in NHWC order, so x(h, w) = W*h + w + 1 for one channel.
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "tests/nn/ref/ref_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace nnvp::ref;
using nnvp::nn::dtype;
using nnvp::nn::shape4;
using nnvp::nn::tensor;
using namespace nnvp::test;

namespace {

layer conv_layer(int k, int out_channels, precision p = precision::fp32)
{
    layer l;
    l.name = "test";
    l.op = op_kind::conv2d;
    l.prec = p;
    l.geo.kernel_h = l.geo.kernel_w = k;
    l.out_channels = out_channels;
    return l;
}

void pad_all(layer& l, int p)
{
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = p;
}

const std::vector<float> sobel{1, 0, -1, 2, 0, -2, 1, 0, -1};

}  // namespace

TEST(sw_conv, sobel_3x3_on_4x4_valid)
{
    const layer l = conv_layer(3, 1);
    const tensor y = conv2d(l, ramp(dtype::fp32, {1, 4, 4, 1}),
                            make_float(dtype::fp32, {1, 3, 3, 1}, sobel));
    EXPECT_EQ(y.shape(), (shape4{1, 2, 2, 1}));
    // Each kernel row gives x(c) - x(c+2) = -2, weighted 1 + 2 + 1.
    EXPECT_EQ(floats(y), (std::vector<float>{-8, -8, -8, -8}));
}

TEST(sw_conv, stride_2_padding_1)
{
    layer l = conv_layer(3, 1);
    l.geo.stride_h = l.geo.stride_w = 2;
    pad_all(l, 1);
    const tensor y = conv2d(l, ramp(dtype::fp32, {1, 4, 4, 1}),
                            make_float(dtype::fp32, {1, 3, 3, 1}, sobel));
    EXPECT_EQ(y.shape(), (shape4{1, 2, 2, 1}));
    // (0,0): only x(0,1) * -2 + x(1,1) * -1 = -4 - 6. (1,0): rows 1..3, column
    // -1 is padding and column 0 meets the zero column: -(6 + 2*10 + 14).
    EXPECT_EQ(floats(y), (std::vector<float>{-10, -6, -40, -8}));
}

TEST(sw_conv, dilation_2_padding_2)
{
    layer l = conv_layer(3, 1);
    l.geo.dilation_h = l.geo.dilation_w = 2;
    pad_all(l, 2);
    const tensor y = conv2d(l, ramp(dtype::fp32, {1, 4, 4, 1}),
                            ramp(dtype::fp32, {1, 3, 3, 1}));
    EXPECT_EQ(y.shape(), (shape4{1, 4, 4, 1}));
    // (0,0): taps at (0,0),(0,2),(2,0),(2,2) with weights 5,6,8,9:
    // 5*1 + 6*3 + 8*9 + 9*11 = 194.
    EXPECT_EQ(floats(y), (std::vector<float>{194, 222, 170, 194, 306, 334, 266, 290, 122, 138,
                                             98, 110, 186, 202, 146, 158}));
}

TEST(sw_conv, groups_2_use_their_own_channels)
{
    layer l = conv_layer(2, 4);
    l.geo.groups = 2;
    tensor x(dtype::fp32, {1, 3, 3, 4});
    for (int h = 0; h < 3; ++h)
        for (int w = 0; w < 3; ++w)
            for (int c = 0; c < 4; ++c)
                x.set_float(x.index(0, h, w, c), static_cast<float>(h * 3 + w + 10 * c));
    tensor wt(dtype::fp32, {4, 2, 2, 2});
    for (int o = 0; o < 4; ++o)
        for (int kh = 0; kh < 2; ++kh)
            for (int kw = 0; kw < 2; ++kw)
                for (int ci = 0; ci < 2; ++ci)
                    wt.set_float(wt.index(o, kh, kw, ci),
                                 static_cast<float>((o + 1) * (ci == 0 ? 1 : -1) + kh - kw));
    const tensor y = conv2d(l, x, wt);
    EXPECT_EQ(y.shape(), (shape4{1, 2, 2, 4}));
    // Output o = sum over 2x2 taps of (o+1)*(x_c0 - x_c1) + (kh - kw)*(x_c0 + x_c1)
    // with (c0, c1) = (0, 1) for group 0 and (2, 3) for group 1 (x_c1 - x_c0 = 10).
    for (int p = 0; p < 4; ++p) {
        EXPECT_EQ(y.get_float(4 * p + 0), -36);
        EXPECT_EQ(y.get_float(4 * p + 1), -76);
        EXPECT_EQ(y.get_float(4 * p + 2), -116);
        EXPECT_EQ(y.get_float(4 * p + 3), -156);
    }
}

TEST(sw_conv, depthwise_3x3_padding_1)
{
    layer l = conv_layer(3, 3);
    l.geo.groups = 3;
    pad_all(l, 1);
    tensor x(dtype::fp32, {1, 4, 4, 3});
    for (int h = 0; h < 4; ++h)
        for (int w = 0; w < 4; ++w)
            for (int c = 0; c < 3; ++c)
                x.set_float(x.index(0, h, w, c), static_cast<float>((h * 4 + w) * (c + 1) - c));
    tensor wt(dtype::fp32, {3, 3, 3, 1});
    for (int o = 0; o < 3; ++o)
        for (int kh = 0; kh < 3; ++kh)
            for (int kw = 0; kw < 3; ++kw)
                wt.set_float(wt.index(o, kh, kw, 0), static_cast<float>(o + 1 + 2 * kh + kw));
    const tensor y = conv2d(l, x, wt);
    EXPECT_EQ(floats(y),
              (std::vector<float>{64,  122, 192,  106, 212, 342,  136, 284, 468,  90,  194, 326,
                                  155, 331, 549,  234, 513, 864,  270, 603, 1026, 170, 391, 678,
                                  263, 595, 1017, 378, 873, 1512, 414, 963, 1674, 254, 607, 1074,
                                  156, 378, 676,  214, 536, 978,  232, 584, 1068, 134, 354, 666}));
}

TEST(sw_conv, asymmetric_padding_non_square_kernel_and_stride)
{
    layer l = conv_layer(1, 1);
    l.geo.kernel_h = 2;
    l.geo.kernel_w = 3;
    l.geo.stride_h = 2;
    l.geo.pad_top = 1;
    l.geo.pad_right = 2;
    const tensor y = conv2d(l, ramp(dtype::fp32, {1, 3, 5, 1}),
                            make_float(dtype::fp32, {1, 2, 3, 1}, {1, 1, 1, 1, -1, 1}));
    EXPECT_EQ(y.shape(), (shape4{1, 2, 5, 1}));
    // Row 0 sees only input row 0 (kernel row 1: 1, -1, 1): 1 - 2 + 3 = 2.
    EXPECT_EQ(floats(y), (std::vector<float>{2, 3, 4, -1, 5, 33, 37, 41, 18, 25}));
}

TEST(sw_conv, stride_larger_than_kernel)
{
    layer l = conv_layer(1, 1);
    l.geo.stride_h = l.geo.stride_w = 3;
    const tensor y = conv2d(l, ramp(dtype::fp32, {1, 7, 7, 1}, 0.0f),
                            make_float(dtype::fp32, {1, 1, 1, 1}, {2}));
    EXPECT_EQ(floats(y), (std::vector<float>{0, 6, 12, 42, 48, 54, 84, 90, 96}));
}

TEST(sw_conv, one_by_one_image_odd_channels_bias_and_relu)
{
    layer l = conv_layer(1, 3);
    l.has_bias = true;
    l.act.kind = act_kind::relu;
    const tensor x = make_float(dtype::fp32, {1, 1, 1, 5}, {1, 2, 3, 4, 5});
    tensor w(dtype::fp32, {3, 1, 1, 5});
    for (int ci = 0; ci < 5; ++ci) {
        w.set_float(w.index(0, 0, 0, ci), 1.0f);
        w.set_float(w.index(1, 0, 0, ci), -1.0f);
        w.set_float(w.index(2, 0, 0, ci), ci % 2 ? 1.0f : 0.0f);
    }
    const tensor b = make_float(dtype::fp32, {1, 1, 1, 3}, {0.5f, 20.0f, -7.0f});
    // 15 + 0.5; -15 + 20; 6 - 7 -> relu 0
    EXPECT_EQ(floats(conv2d(l, x, w, &b)), (std::vector<float>{15.5f, 5.0f, 0.0f}));
}

TEST(sw_conv, fully_connected_matmul_with_bias)
{
    layer l;
    l.op = op_kind::fully_connected;
    l.out_channels = 2;
    l.has_bias = true;
    // Two rows of K = 2*1*2 = 4 (the H, W, C dims are flattened in NHWC order).
    const tensor x = make_float(dtype::fp32, {2, 2, 1, 2}, {1, 2, 3, 4, -1, 0, 1, 2});
    const tensor w = make_float(dtype::fp32, {2, 1, 1, 4}, {1, 1, 1, 1, 1, -1, 2, -2});
    const tensor b = make_float(dtype::fp32, {1, 1, 1, 2}, {10, 0});
    const tensor y = fully_connected(l, x, w, &b);
    EXPECT_EQ(y.shape(), (shape4{2, 1, 1, 2}));
    EXPECT_EQ(floats(y), (std::vector<float>{20, -3, 12, -3}));
    EXPECT_EQ(floats(execute(l, x, &w, &b)), floats(y));
}

TEST(sw_conv, fp16_rounds_fp32_sum_once_ties_to_even)
{
    layer l = conv_layer(1, 2, precision::fp16);
    const float tiny = std::ldexp(1.0f, -11);
    const tensor x = make_float(dtype::fp16, {1, 1, 1, 3}, {1.0f, tiny, tiny});
    // Out 0 = 1 + 2^-11 (tie -> 1.0); out 1 = 1 + 3 * 2^-11 (tie -> 1 + 2^-9).
    // A fp16 accumulator would give 1.0 for both.
    const tensor w = make_float(dtype::fp16, {2, 1, 1, 3}, {1, 1, 0, 1, 1, 2});
    const tensor y = conv2d(l, x, w);
    ASSERT_EQ(y.type(), dtype::fp16);
    EXPECT_EQ(y.get_half_bits(0), 0x3c00);
    EXPECT_EQ(y.get_half_bits(1), 0x3c02);
}

TEST(sw_conv, int8_hand_computed_requant_with_zero_points)
{
    layer l = conv_layer(1, 2, precision::int8);
    l.has_bias = true;
    l.in_q = {0.5f, 2};
    l.out_q = {1.0f, -3};
    l.out_mult = {fixed_multiplier{1 << 30, 31}};  // 0.5
    l.act_min = -128;
    l.act_max = 127;
    const tensor x = make_int(dtype::int8, {1, 1, 1, 2}, {5, 4});  // minus zp: 3, 2
    const tensor w = make_int(dtype::int8, {2, 1, 1, 2}, {1, 1, 100, 100});
    const tensor b = make_int(dtype::int32, {1, 1, 1, 2}, {0, -2});
    // acc0 = 5 -> 2.5 -> 3 (ties away) - 3 = 0; acc1 = 498 -> 249 - 3 = 246 -> 127.
    EXPECT_EQ(ints(conv2d(l, x, w, &b)), (std::vector<int64_t>{0, 127}));
    l.act.kind = act_kind::relu;
    l.act_min = -3;  // the zero point
    const tensor xn = make_int(dtype::int8, {1, 1, 1, 2}, {-5, 2});  // -7, 0
    // acc0 = -7 -> -3.5 -> -4, -3 = -7 -> relu clamps at -3.
    EXPECT_EQ(ints(conv2d(l, xn, w, &b)).at(0), -3);
}

TEST(sw_conv, int4_equals_int8_on_the_same_values)
{
    layer l8 = conv_layer(3, 2, precision::int8);
    pad_all(l8, 1);
    l8.in_q = {0.25f, -1};
    l8.out_q = {0.5f, 1};
    l8.w_scales = {0.5f, 0.25f};
    lower_quantization(l8);
    layer l4 = l8;
    l4.prec = precision::int4;
    lower_quantization(l4);
    tensor x8(dtype::int8, {1, 3, 4, 1}), x4(dtype::int4, {1, 3, 4, 1});
    for (std::size_t i = 0; i < x8.size(); ++i) {
        x8.set_int(i, static_cast<int64_t>(i % 16) - 8);
        x4.set_int(i, static_cast<int64_t>(i % 16) - 8);
    }
    tensor w8(dtype::int8, {2, 3, 3, 1}), w4(dtype::int4, {2, 3, 3, 1});
    for (std::size_t i = 0; i < w8.size(); ++i) {
        w8.set_int(i, static_cast<int64_t>((i * 5) % 15) - 7);
        w4.set_int(i, static_cast<int64_t>((i * 5) % 15) - 7);
    }
    const std::vector<int64_t> y8 = ints(conv2d(l8, x8, w8));
    const std::vector<int64_t> y4 = ints(conv2d(l4, x4, w4));
    ASSERT_EQ(y8.size(), y4.size());
    for (std::size_t i = 0; i < y8.size(); ++i)
        EXPECT_EQ(y4[i], std::clamp<int64_t>(y8[i], -8, 7)) << i;
}

TEST(sw_conv, int16_accumulates_beyond_32_bits)
{
    layer l = conv_layer(1, 1, precision::int16);
    l.out_mult = {fixed_multiplier{1 << 30, 50}};  // 2^-20
    l.act_min = -32768;
    l.act_max = 32767;
    tensor x(dtype::int16, {1, 1, 1, 40}), w(dtype::int16, {1, 1, 1, 40});
    for (std::size_t i = 0; i < 40; ++i) {
        x.set_int(i, -32768);
        w.set_int(i, -32768);
    }
    // acc = 40 * 2^30 (> 2^31) -> * 2^-20 = 40 * 1024 = 40960 -> saturates.
    EXPECT_EQ(ints(conv2d(l, x, w)).at(0), 32767);
    l.out_mult = {fixed_multiplier{1 << 30, 52}};  // 2^-22: 10240
    EXPECT_EQ(ints(conv2d(l, x, w)).at(0), 10240);
}

TEST(sw_conv, int8_accumulator_wraps_at_32_bits)
{
    layer l;
    l.op = op_kind::fully_connected;
    l.prec = precision::int8;
    l.out_channels = 1;
    l.in_q = {1.0f, -128};
    l.out_mult = {fixed_multiplier{1 << 30, 30 + 24}};  // 2^-24
    l.act_min = -128;
    l.act_max = 127;
    const int k = 70000;
    tensor x(dtype::int8, {1, 1, 1, k}), w(dtype::int8, {1, 1, 1, k});
    for (int i = 0; i < k; ++i) {
        x.set_int(static_cast<std::size_t>(i), 127);  // 255 after the zero point
        w.set_int(static_cast<std::size_t>(i), 127);
    }
    // 255 * 127 * 70000 = 2266950000 wraps to -2028017296; / 2^24 = -120.88 -> -121.
    EXPECT_EQ(ints(fully_connected(l, x, w)).at(0), -121);
}

TEST(sw_conv, bad_arguments_throw)
{
    layer l = conv_layer(3, 2);
    const tensor x = ramp(dtype::fp32, {1, 4, 4, 2});
    EXPECT_THROW(conv2d(l, x, tensor(dtype::fp32, {2, 3, 3, 1})), std::invalid_argument);
    l.geo.groups = 3;
    EXPECT_THROW(conv2d(l, x, tensor(dtype::fp32, {2, 3, 3, 2})), std::invalid_argument);
    l.geo.groups = 1;
    l.geo.kernel_h = 5;
    EXPECT_THROW(conv2d(l, x, tensor(dtype::fp32, {2, 5, 3, 2})), std::invalid_argument);
    l.geo.kernel_h = 3;
    EXPECT_THROW(conv2d(l, ramp(dtype::fp16, {1, 4, 4, 2}), tensor(dtype::fp32, {2, 3, 3, 2})),
                 std::invalid_argument);
    const tensor b(dtype::fp32, {1, 1, 1, 2});
    EXPECT_THROW(conv2d(l, x, tensor(dtype::fp32, {2, 3, 3, 2}), &b), std::invalid_argument);
    layer q = conv_layer(1, 1, precision::int8);  // not lowered: no multiplier
    q.out_mult.clear();
    EXPECT_THROW(conv2d(q, tensor(dtype::int8, {1, 1, 1, 1}), tensor(dtype::int8, {1, 1, 1, 1})),
                 std::invalid_argument);
}

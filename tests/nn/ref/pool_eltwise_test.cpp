// Hand-computed pooling, element-wise and activation cases.
#include "nn/ref/ops.h"
#include "nn/ref/quant.h"
#include "nn/tensor/fp16.h"
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

layer pool_layer(op_kind op, int k, int stride, int pad, precision p = precision::fp32)
{
    layer l;
    l.name = "pool";
    l.op = op;
    l.prec = p;
    l.geo.kernel_h = l.geo.kernel_w = k;
    l.geo.stride_h = l.geo.stride_w = stride;
    l.geo.pad_top = l.geo.pad_bottom = l.geo.pad_left = l.geo.pad_right = pad;
    return l;
}

}  // namespace

TEST(sw_pool, max_2x2_stride_2)
{
    const layer l = pool_layer(op_kind::max_pool, 2, 2, 0);
    const tensor y = pool(l, ramp(dtype::fp32, {1, 4, 4, 1}));
    EXPECT_EQ(y.shape(), (shape4{1, 2, 2, 1}));
    EXPECT_EQ(floats(y), (std::vector<float>{6, 8, 14, 16}));
}

TEST(sw_pool, max_ignores_padding)
{
    const layer l = pool_layer(op_kind::max_pool, 3, 2, 1);
    const tensor x = make_float(dtype::fp32, {1, 2, 3, 1}, {-5, -4, -3, -9, -8, -7});
    // Padding is never the maximum: all-negative windows stay negative.
    EXPECT_EQ(floats(pool(l, x)), (std::vector<float>{-4, -3}));
}

TEST(sw_pool, avg_3x3_padding_excludes_or_includes_pad)
{
    layer l = pool_layer(op_kind::avg_pool, 3, 1, 1);
    const tensor x = ramp(dtype::fp32, {1, 3, 3, 1});
    // Corner (0,0) covers 1, 2, 4, 5: 12 / 4 without the pad, 12 / 9 with.
    EXPECT_EQ(floats(pool(l, x)), (std::vector<float>{3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}));
    l.count_include_pad = true;
    EXPECT_EQ(floats(pool(l, x)),
              (std::vector<float>{12.0f / 9, 21.0f / 9, 16.0f / 9, 27.0f / 9, 45.0f / 9,
                                  33.0f / 9, 24.0f / 9, 39.0f / 9, 28.0f / 9}));
}

TEST(sw_pool, global_avg_and_max_non_square_odd_channels)
{
    layer l;
    l.op = op_kind::global_avg_pool;
    const tensor x = ramp(dtype::fp32, {2, 2, 3, 3});  // 36 elements
    const tensor y = pool(l, x);
    EXPECT_EQ(y.shape(), (shape4{2, 1, 1, 3}));
    // Batch 0 channel c: 1 + c + 3k for k = 0..5 -> mean 8.5 + c.
    EXPECT_EQ(floats(y), (std::vector<float>{8.5f, 9.5f, 10.5f, 26.5f, 27.5f, 28.5f}));
    l.op = op_kind::global_max_pool;
    EXPECT_EQ(floats(pool(l, x)), (std::vector<float>{16, 17, 18, 34, 35, 36}));
}

TEST(sw_pool, int8_avg_rounds_half_away_from_zero)
{
    layer l = pool_layer(op_kind::avg_pool, 2, 2, 0, precision::int8);
    l.geo.kernel_h = 1;
    l.in_q = l.out_q = {0.1f, 1};
    lower_quantization(l);
    // Windows (q - zp): {0,1}, {-2,-1}, {1,1}, {-4,-4} with zp 1 in front.
    const tensor x = make_int(dtype::int8, {1, 1, 8, 1}, {1, 2, -1, 0, 2, 2, -3, -3});
    // 0.5 -> 1; -1.5 -> -2; 1; -4; then + zp.
    EXPECT_EQ(ints(pool(l, x)), (std::vector<int64_t>{2, -1, 2, -3}));
    l.act.kind = act_kind::relu;
    lower_quantization(l);
    EXPECT_EQ(ints(pool(l, x)), (std::vector<int64_t>{2, 1, 2, 1}));
}

TEST(sw_pool, int8_max_and_global_avg)
{
    layer l = pool_layer(op_kind::max_pool, 2, 1, 0, precision::int8);
    l.in_q = l.out_q = {0.5f, -3};
    lower_quantization(l);
    const tensor x = make_int(dtype::int8, {1, 2, 2, 1}, {-128, 5, 7, -9});
    EXPECT_EQ(ints(pool(l, x)), (std::vector<int64_t>{7}));
    l.op = op_kind::global_avg_pool;  // (-125 + 8 + 10 - 6) / 4 = -28.25 -> -28
    EXPECT_EQ(ints(pool(l, x)), (std::vector<int64_t>{-31}));
    l.out_q.zero_point = 0;  // requantizing pools are not a thing: reject
    EXPECT_THROW(lower_quantization(l), std::invalid_argument);
    EXPECT_THROW(pool(l, x), std::invalid_argument);
}

TEST(sw_pool, bad_geometry_throws)
{
    EXPECT_THROW(pool(pool_layer(op_kind::max_pool, 2, 1, 2), ramp(dtype::fp32, {1, 4, 4, 1})),
                 std::invalid_argument);
    EXPECT_THROW(pool(pool_layer(op_kind::max_pool, 5, 1, 0), ramp(dtype::fp32, {1, 4, 4, 1})),
                 std::invalid_argument);
    EXPECT_THROW(pool(pool_layer(op_kind::max_pool, 2, 0, 0), ramp(dtype::fp32, {1, 4, 4, 1})),
                 std::invalid_argument);
}

TEST(sw_eltwise, fp32_residual_add_and_broadcast_mul)
{
    layer l;
    l.op = op_kind::add;
    l.act.kind = act_kind::relu6;
    const tensor a = make_float(dtype::fp32, {1, 1, 2, 2}, {1, -2, 3, 4});
    const tensor b = make_float(dtype::fp32, {1, 1, 2, 2}, {0.5f, 1, 3.5f, -4});
    EXPECT_EQ(floats(eltwise(l, a, b)), (std::vector<float>{1.5f, 0, 6, 0}));
    l.op = op_kind::mul;
    l.act.kind = act_kind::none;
    const tensor s = make_float(dtype::fp32, {1, 1, 1, 2}, {2, -1});  // per channel
    EXPECT_EQ(floats(eltwise(l, a, s)), (std::vector<float>{2, 2, 6, -4}));
    EXPECT_THROW(eltwise(l, a, make_float(dtype::fp32, {1, 1, 1, 3}, {1, 2, 3})),
                 std::invalid_argument);
}

TEST(sw_eltwise, fp16_add_rounds_to_nearest_even)
{
    layer l;
    l.op = op_kind::add;
    l.prec = precision::fp16;
    const tensor a = make_float(dtype::fp16, {1, 1, 1, 2}, {2048, 1});
    const tensor b = make_float(dtype::fp16, {1, 1, 1, 2}, {1, std::ldexp(1.0f, -11)});
    const tensor y = eltwise(l, a, b);
    EXPECT_EQ(y.get_float(0), 2048.0f);  // 2049 is a tie between 2048 and 2050
    EXPECT_EQ(y.get_half_bits(1), 0x3c00);
}

TEST(sw_eltwise, int8_add_rescales_both_inputs)
{
    layer l;
    l.op = op_kind::add;
    l.prec = precision::int8;
    l.in_q = {0.5f, 0};
    l.in2_q = {0.25f, 2};
    l.out_q = {0.5f, -1};
    lower_quantization(l);
    EXPECT_EQ(l.add_shift, 20);
    const tensor a = make_int(dtype::int8, {1, 1, 1, 4}, {3, 100, -128, 1});
    const tensor b = make_int(dtype::int8, {1, 1, 1, 4}, {6, 100, -128, 3});
    // real: 1.5 + 1.0 = 2.5 -> 5 - 1 = 4; 50 + 24.5 -> saturates 127;
    // -64 - 32.5 -> -128; 0.5 + 0.25 = 0.75 -> 1.5 -> 2 (ties away) - 1 = 1.
    EXPECT_EQ(ints(eltwise(l, a, b)), (std::vector<int64_t>{4, 127, -128, 1}));
}

TEST(sw_eltwise, int8_mul)
{
    layer l;
    l.op = op_kind::mul;
    l.prec = precision::int8;
    l.in_q = {0.1f, 0};
    l.in2_q = {0.2f, -5};
    l.out_q = {0.05f, 0};
    lower_quantization(l);
    const tensor a = make_int(dtype::int8, {1, 1, 1, 2}, {10, -10});
    const tensor b = make_int(dtype::int8, {1, 1, 1, 2}, {0, 0});  // real 1.0
    // 1.0 * 1.0 = 1.0 -> 20; -1.0 -> -20.
    EXPECT_EQ(ints(eltwise(l, a, b)), (std::vector<int64_t>{20, -20}));
}

TEST(sw_activation, float_and_fp16_ops)
{
    layer l;
    l.op = op_kind::activation;
    l.act.kind = act_kind::leaky_relu;
    l.act.alpha = 0.1f;
    const tensor x = make_float(dtype::fp32, {1, 1, 1, 3}, {-10, 0, 3});
    EXPECT_EQ(floats(activate(l, x)), (std::vector<float>{-1.0f, 0, 3}));
    l.prec = precision::fp16;
    l.act.kind = act_kind::sigmoid;
    const tensor y = activate(l, make_float(dtype::fp16, {1, 1, 1, 2}, {0, 1}));
    EXPECT_EQ(y.get_float(0), 0.5f);
    EXPECT_EQ(y.get_half_bits(1), nnvp::nn::float_to_half(0.7310586f));  // 0x39d9
}

TEST(sw_activation, int8_relu_relu6_clip_and_tables)
{
    layer l;
    l.op = op_kind::activation;
    l.prec = precision::int8;
    l.in_q = {0.05f, -10};
    l.out_q = {0.05f, -10};
    l.act.kind = act_kind::relu6;
    lower_quantization(l);
    EXPECT_EQ(l.act_min, -10);
    EXPECT_EQ(l.act_max, 110);
    const tensor x = make_int(dtype::int8, {1, 1, 1, 4}, {-128, -10, 50, 127});
    EXPECT_EQ(ints(activate(l, x)), (std::vector<int64_t>{-10, -10, 50, 110}));
    l.act.kind = act_kind::relu;
    l.out_q = {0.1f, 0};  // rescaled: (q + 10) / 2
    lower_quantization(l);
    EXPECT_EQ(ints(activate(l, x)), (std::vector<int64_t>{0, 0, 30, 69}));  // 68.5 -> 69
    l.act.kind = act_kind::tanh;
    l.out_q = {1.0f / 128, 0};
    lower_quantization(l);
    ASSERT_EQ(l.act_lut.size(), 256u);
    // tanh(-5.9) * 128 = -127.99 -> -128; tanh(0) = 0; tanh(3) * 128 = 127.3 -> 127.
    EXPECT_EQ(ints(activate(l, x)), (std::vector<int64_t>{-128, 0, 127, 127}));
}

// The vector unit's further element-wise ops and row reductions.
TEST(sw_eltwise, fp32_sub_div_max_min_broadcast_the_second_operand)
{
    const tensor a = make_float(dtype::fp32, {1, 1, 2, 2}, {1.0f, -2.0f, 3.0f, NAN});
    const tensor b = make_float(dtype::fp32, {1, 1, 1, 2}, {0.5f, 4.0f});
    const auto run = [&](op_kind k) {
        layer l;
        l.op = k;
        return floats(eltwise(l, a, b));
    };
    const std::vector<float> sub = run(op_kind::sub), div = run(op_kind::div),
                             mx = run(op_kind::max), mn = run(op_kind::min);
    EXPECT_EQ(sub[0], 0.5f);
    EXPECT_EQ(sub[1], -6.0f);
    EXPECT_EQ(div[0], 2.0f);
    EXPECT_EQ(div[1], -0.5f);
    EXPECT_EQ(mx[1], 4.0f);
    EXPECT_EQ(mn[2], 0.5f);
    EXPECT_TRUE(std::isnan(mx[3]) && std::isnan(mn[3]));  // NaN propagates
}

TEST(sw_eltwise, int8_sub_max_min_in_the_common_scale_and_no_integer_div)
{
    layer l;
    l.prec = precision::int8;
    l.in_q = {0.5f, 0};
    l.in2_q = {0.25f, 2};
    l.out_q = {0.5f, -1};
    const tensor a = make_int(dtype::int8, {1, 1, 1, 3}, {3, 100, -128});
    const tensor b = make_int(dtype::int8, {1, 1, 1, 3}, {6, 100, 10});
    // real a: 1.5, 50, -64; real b: 1.0, 24.5, 2.0.
    l.op = op_kind::sub;  // 0.5 -> 1 - 1 = 0; 25.5 -> 51 - 1 = 50; -66 -> -128
    lower_quantization(l);
    EXPECT_EQ(ints(eltwise(l, a, b)), (std::vector<int64_t>{0, 50, -128}));
    l.op = op_kind::max;  // 1.5 -> 2; 50 -> 99; 2.0 -> 3
    lower_quantization(l);
    EXPECT_EQ(ints(eltwise(l, a, b)), (std::vector<int64_t>{2, 99, 3}));
    l.op = op_kind::min;  // 1.0 -> 1; 24.5 -> 48; -64 -> -128
    lower_quantization(l);
    EXPECT_EQ(ints(eltwise(l, a, b)), (std::vector<int64_t>{1, 48, -128}));
    l.op = op_kind::div;
    EXPECT_THROW(lower_quantization(l), std::invalid_argument);
}

TEST(sw_reduce, rows_of_channels_float_and_int8)
{
    const tensor x = make_float(dtype::fp32, {1, 1, 2, 3}, {1.0f, 2.0f, 4.0f, -1.0f, -5.0f, 0.5f});
    layer l;
    l.op = op_kind::reduce_sum;
    EXPECT_EQ(reduce(l, x).shape(), (shape4{1, 1, 2, 1}));
    EXPECT_EQ(floats(reduce(l, x)), (std::vector<float>{7.0f, -5.5f}));
    l.op = op_kind::reduce_max;
    EXPECT_EQ(floats(reduce(l, x)), (std::vector<float>{4.0f, 0.5f}));
    l.op = op_kind::reduce_mean;
    EXPECT_EQ(floats(reduce(l, x)), (std::vector<float>{7.0f / 3, -5.5f / 3}));

    layer q;
    q.prec = precision::int8;
    q.in_q = {0.5f, 1};
    q.out_q = {0.5f, 0};
    const tensor xi = make_int(dtype::int8, {1, 1, 1, 4}, {2, 3, 4, 6});  // steps 1 2 3 5
    q.op = op_kind::reduce_sum;  // 11
    lower_quantization(q);
    EXPECT_EQ(ints(reduce(q, xi)), (std::vector<int64_t>{11}));
    q.op = op_kind::reduce_mean;  // 11 / 4 = 2.75 -> 3
    lower_quantization(q);
    EXPECT_EQ(ints(reduce(q, xi)), (std::vector<int64_t>{3}));
    q.op = op_kind::reduce_max;  // 5
    lower_quantization(q);
    EXPECT_EQ(ints(reduce(q, xi)), (std::vector<int64_t>{5}));
}

// Dilated max pool (ONNX MaxPool dilations): taps every d-th element.
TEST(sw_pool, max_dilated_2x2_dilation_2)
{
    layer l = pool_layer(op_kind::max_pool, 2, 1, 0);
    l.geo.dilation_h = l.geo.dilation_w = 2;
    std::vector<float> v(16);
    for (int i = 0; i < 16; ++i)
        v[static_cast<std::size_t>(i)] = static_cast<float>((i * 7) % 16);
    const tensor in = make_float(dtype::fp32, {1, 4, 4, 1}, v);
    const tensor out = pool(l, in);
    ASSERT_EQ(out.shape(), (shape4{1, 2, 2, 1}));
    // out[oh][ow] = max of in[oh + {0, 2}][ow + {0, 2}].
    for (int oh = 0; oh < 2; ++oh)
        for (int ow = 0; ow < 2; ++ow) {
            float want = -1;
            for (int a : {0, 2})
                for (int b : {0, 2})
                    want = std::max(want, v[static_cast<std::size_t>((oh + a) * 4 + ow + b)]);
            EXPECT_EQ(out.get_float(static_cast<std::size_t>(oh * 2 + ow)), want);
        }
    l.geo.pad_top = 3;  // 3 >= the dilated extent 3: a window of padding only
    EXPECT_THROW(pool(l, in), std::invalid_argument);
}

// Row ops over channels: softmax and normalize (LayerNorm's core) on the
// float path (integer paths: int_row_ops_test.cpp).
TEST(sw_row_op, softmax_and_normalize_by_hand)
{
    const tensor x = make_float(dtype::fp32, {1, 1, 1, 4}, {1.0f, 2.0f, 3.0f, 6.0f});
    layer s;
    s.op = op_kind::softmax;
    const std::vector<float> p = floats(row_op(s, x));
    const double z = std::exp(-5.0) + std::exp(-4.0) + std::exp(-3.0) + 1.0;
    EXPECT_NEAR(p[0], std::exp(-5.0) / z, 1e-7);
    EXPECT_NEAR(p[3], 1.0 / z, 1e-7);
    layer n;
    n.op = op_kind::normalize;
    n.norm_epsilon = 0.0f;
    // mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5
    const std::vector<float> y = floats(row_op(n, x));
    EXPECT_NEAR(y[0], -2.0 / std::sqrt(3.5), 1e-6);
    EXPECT_NEAR(y[3], 3.0 / std::sqrt(3.5), 1e-6);
    n.prec = precision::int8;  // not lowered: no out_mult
    EXPECT_THROW(row_op(n, make_int(dtype::int8, {1, 1, 1, 2}, {1, 2})), std::invalid_argument);
}

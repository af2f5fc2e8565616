#include "nn/ref/activation.h"
#include "nn/ref/quant.h"
#include "tests/nn/ref/ref_test_util.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nnvp::ref;
using nnvp::nn::dtype;
using nnvp::test::ints;

namespace {
const fixed_multiplier half{1 << 30, 31};  // exactly 0.5
}

TEST(sw_quant, round_half_away_from_zero)
{
    EXPECT_EQ(round_half_away(2.5), 3);
    EXPECT_EQ(round_half_away(-2.5), -3);
    EXPECT_EQ(round_half_away(0.5), 1);
    EXPECT_EQ(round_half_away(-0.5), -1);
    EXPECT_EQ(round_half_away(0.49999999), 0);
    EXPECT_EQ(round_half_away(1e30), INT64_MAX);
    EXPECT_EQ(round_half_away(std::nan("")), 0);
}

TEST(sw_quant, rounding_shift_ties_away_from_zero)
{
    EXPECT_EQ(static_cast<int64_t>(rounding_rshift(5, 1)), 3);    // 2.5
    EXPECT_EQ(static_cast<int64_t>(rounding_rshift(-5, 1)), -3);  // -2.5
    EXPECT_EQ(static_cast<int64_t>(rounding_rshift(6, 2)), 2);    // 1.5
    EXPECT_EQ(static_cast<int64_t>(rounding_rshift(-6, 2)), -2);
    EXPECT_EQ(static_cast<int64_t>(rounding_rshift(5, 2)), 1);    // 1.25
    EXPECT_EQ(static_cast<int64_t>(rounding_rshift(-7, 2)), -2);  // -1.75
    EXPECT_EQ(static_cast<int64_t>(rounding_rshift(7, 0)), 7);
}

TEST(sw_quant, requantize_rounds_once_ties_away)
{
    EXPECT_EQ(requantize(5, half), 3);
    EXPECT_EQ(requantize(-5, half), -3);
    EXPECT_EQ(requantize(3, half), 2);
    EXPECT_EQ(requantize(1, half), 1);
    EXPECT_EQ(requantize(-1, half), -1);
    EXPECT_EQ(requantize(4, half), 2);
    // 0.75 * 10 = 7.5 -> 8; 0.75 * -10 -> -8.
    const fixed_multiplier three_quarters{3 << 29, 31};
    EXPECT_EQ(requantize(10, three_quarters), 8);
    EXPECT_EQ(requantize(-10, three_quarters), -8);
    // The 128-bit product does not overflow for 48-bit-plus accumulators.
    EXPECT_EQ(requantize(int64_t{1} << 50, half), int64_t{1} << 49);
    EXPECT_EQ(requantize(INT64_MAX, fixed_multiplier{INT32_MAX, 0}), INT64_MAX);  // saturates
}

TEST(sw_quant, quantize_multiplier_known_values)
{
    fixed_multiplier m = quantize_multiplier(0.5);
    EXPECT_EQ(m.multiplier, 1 << 30);
    EXPECT_EQ(m.shift, 31);
    m = quantize_multiplier(1.0);
    EXPECT_EQ(m.multiplier, 1 << 30);
    EXPECT_EQ(m.shift, 30);
    m = quantize_multiplier(0.75);
    EXPECT_EQ(m.multiplier, 3 << 29);
    EXPECT_EQ(m.shift, 31);
    m = quantize_multiplier(3.0);
    EXPECT_EQ(m.multiplier, 3 << 29);
    EXPECT_EQ(m.shift, 29);
    m = quantize_multiplier(0.1);  // 0.8 * 2^-3: mantissa round(0.8 * 2^31)
    EXPECT_EQ(m.multiplier, 1717986918);
    EXPECT_EQ(m.shift, 34);
    m = quantize_multiplier(std::ldexp(1.0, -40));  // shift capped at 63
    EXPECT_EQ(m.shift, 63);
    EXPECT_EQ(m.multiplier, 1 << 23);
    EXPECT_EQ(multiplier_value(m), std::ldexp(1.0, -40));
    m = quantize_multiplier(0.0);
    EXPECT_EQ(m.multiplier, 0);
    // Mantissa rounding up to 2^31 renormalises.
    m = quantize_multiplier(1.0 - std::ldexp(1.0, -40));
    EXPECT_EQ(m.multiplier, 1 << 30);
    EXPECT_EQ(m.shift, 30);
    EXPECT_THROW(quantize_multiplier(-1.0), std::invalid_argument);
    EXPECT_THROW(quantize_multiplier(std::ldexp(1.0, 31)), std::invalid_argument);
    EXPECT_THROW(quantize_multiplier(std::nan("")), std::invalid_argument);
    for (double s : {1e-6, 0.00390625, 0.123456, 0.9999, 1.5, 1000.0})
        EXPECT_NEAR(multiplier_value(quantize_multiplier(s)) / s, 1.0, 1e-9) << s;
}

TEST(sw_quant, quantize_values_round_and_saturate)
{
    const quant_params q{0.5f, 3};
    EXPECT_EQ(quantize_value(0.25f, q, dtype::int8), 4);    // 0.5 -> 1, + zp
    EXPECT_EQ(quantize_value(-0.25f, q, dtype::int8), 2);   // -0.5 -> -1
    EXPECT_EQ(quantize_value(100.0f, q, dtype::int8), 127);
    EXPECT_EQ(quantize_value(-100.0f, q, dtype::int8), -128);
    EXPECT_EQ(quantize_value(3.0f, q, dtype::int4), 7);      // 6 + 3 saturates
    EXPECT_EQ(quantize_value(-1e30f, q, dtype::int16), -32768);
    EXPECT_EQ(dequantize_value(4, q), 0.5f);
    const nnvp::nn::tensor real =
        nnvp::test::make_float(dtype::fp32, {1, 1, 1, 4}, {-1.0f, 0.0f, 0.75f, 63.4f});
    const nnvp::nn::tensor qt = quantize(real, q, dtype::int8);
    EXPECT_EQ(ints(qt), (std::vector<int64_t>{1, 3, 5, 127}));
    EXPECT_EQ(nnvp::test::floats(dequantize(qt, q)),
              (std::vector<float>{-1.0f, 0.0f, 1.0f, 62.0f}));
}

TEST(sw_quant, per_channel_weights_and_bias)
{
    const nnvp::nn::tensor w =
        nnvp::test::make_float(dtype::fp32, {2, 1, 1, 2}, {1.0f, -1.0f, 1.0f, -1.0f});
    const nnvp::nn::tensor q = quantize_weights(w, {0.5f, 0.25f}, dtype::int8);
    EXPECT_EQ(ints(q), (std::vector<int64_t>{2, -2, 4, -4}));
    EXPECT_EQ(nnvp::test::floats(dequantize_weights(q, {0.5f, 0.25f})),
              (std::vector<float>{1.0f, -1.0f, 1.0f, -1.0f}));
    const nnvp::nn::tensor b = nnvp::test::make_float(dtype::fp32, {1, 1, 1, 2}, {1.0f, 0.3f});
    // 1 / (0.1 * 0.5) = 20; 0.3 / (0.1 * 0.25) = 12
    EXPECT_EQ(ints(quantize_bias(b, 0.1f, {0.5f, 0.25f}, dtype::int32)),
              (std::vector<int64_t>{20, 12}));
    EXPECT_THROW(quantize_weights(w, {0.5f, 0.25f, 1.0f}, dtype::int8), std::invalid_argument);
}

TEST(sw_quant, int_activation_bounds)
{
    const quant_params out{0.05f, -10};
    activation a;
    a.kind = act_kind::relu;
    EXPECT_EQ(int_activation_bounds(a, out, dtype::int8), (std::pair<int64_t, int64_t>{-10, 127}));
    a.kind = act_kind::relu6;  // 6 / 0.05 = 120 -> -10 + 120 = 110
    EXPECT_EQ(int_activation_bounds(a, out, dtype::int8), (std::pair<int64_t, int64_t>{-10, 110}));
    a.kind = act_kind::clip;
    a.clip_lo = -1.0f;  // -20 - 10 = -30
    a.clip_hi = 10.0f;  // 200 - 10 = 190 -> saturates at 127
    EXPECT_EQ(int_activation_bounds(a, out, dtype::int8), (std::pair<int64_t, int64_t>{-30, 127}));
    a.kind = act_kind::none;
    EXPECT_EQ(int_activation_bounds(a, out, dtype::int4), (std::pair<int64_t, int64_t>{-8, 7}));
    a.kind = act_kind::clip;
    a.clip_lo = 2.0f;
    a.clip_hi = 1.0f;
    EXPECT_THROW(int_activation_bounds(a, out, dtype::int8), std::invalid_argument);
}

TEST(sw_quant, activation_tables)
{
    activation a;
    a.kind = act_kind::sigmoid;
    const quant_params src{0.1f, 0};
    const quant_params out{1.0f / 256.0f, -128};
    const std::vector<int32_t> t = build_activation_table(a, src, out, dtype::int8);
    ASSERT_EQ(t.size(), 256u);
    EXPECT_EQ(t[128 + 0], 0);      // sigmoid(0) = 0.5 -> 128 - 128
    EXPECT_EQ(t[0], -128);         // sigmoid(-12.8) * 256 = 0.0007 -> 0
    EXPECT_EQ(t[255], 127);        // sigmoid(12.7) * 256 = 255.999 -> saturates
    // sigmoid(1.0) = 0.7310586 -> 187.151 -> 187 - 128 = 59
    EXPECT_EQ(t[128 + 10], 59);
    a.kind = act_kind::tanh;
    const std::vector<int32_t> th =
        build_activation_table(a, {0.05f, 0}, {1.0f / 128.0f, 0}, dtype::int8);
    EXPECT_EQ(th[128 + 10], 59);     // tanh(0.5) * 128 = 59.18
    EXPECT_EQ(th[128 - 10], -59);
    a.kind = act_kind::leaky_relu;
    a.alpha = 0.125f;
    const std::vector<int32_t> lk = build_activation_table(a, {1.0f, 0}, {1.0f, 0}, dtype::int4);
    ASSERT_EQ(lk.size(), 16u);
    EXPECT_EQ(lk[8 + 5], 5);
    EXPECT_EQ(lk[8 - 4], -1);   // -0.5 -> -1 (away from zero)
    EXPECT_EQ(lk[8 - 3], 0);    // -0.375 -> 0
    EXPECT_EQ(build_activation_table(a, {1.0f, 0}, {1.0f, 0}, dtype::int16).size(), 65536u);
}

TEST(sw_quant, float_activations)
{
    activation a;
    a.kind = act_kind::relu;
    EXPECT_EQ(apply_float_activation(a, -3.0f), 0.0f);
    EXPECT_EQ(apply_float_activation(a, 2.5f), 2.5f);
    a.kind = act_kind::relu6;
    EXPECT_EQ(apply_float_activation(a, 7.0f), 6.0f);
    EXPECT_EQ(apply_float_activation(a, -1.0f), 0.0f);
    a.kind = act_kind::clip;
    a.clip_lo = -0.5f;
    a.clip_hi = 0.5f;
    EXPECT_EQ(apply_float_activation(a, -2.0f), -0.5f);
    a.kind = act_kind::leaky_relu;
    a.alpha = 0.25f;
    EXPECT_EQ(apply_float_activation(a, -2.0f), -0.5f);
    a.kind = act_kind::sigmoid;
    EXPECT_EQ(apply_float_activation(a, 0.0f), 0.5f);
    EXPECT_NEAR(apply_float_activation(a, 2.0f), 0.880797f, 1e-6f);
    a.kind = act_kind::tanh;
    EXPECT_NEAR(apply_float_activation(a, -1.0f), -0.761594f, 1e-6f);
}

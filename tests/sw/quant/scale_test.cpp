// Scale choice (hand-computed) and calibration ranges.
#include <gtest/gtest.h>

#include <cmath>

#include "sw/quant/calibration.h"
#include "sw/quant/scale_choice.h"

namespace {

using namespace nnvp;
using namespace nnvp::quant;

TEST(quant_scales, fixed_point_fraction_is_the_largest_that_does_not_saturate) {
    EXPECT_EQ(fixed_point_fraction(3.0f, 127), 5);      // 3 * 32 = 96 <= 127 < 192
    EXPECT_EQ(fixed_point_fraction(4.0f, 127), 4);      // 4 * 32 = 128 would saturate
    EXPECT_EQ(fixed_point_fraction(3.96875f, 127), 5);  // 127 / 32 exactly
    EXPECT_EQ(fixed_point_fraction(0.2f, 127), 9);      // 102.4 <= 127 < 204.8
    EXPECT_EQ(fixed_point_fraction(1000.0f, 127), -3);  // 125 <= 127 < 250
    EXPECT_EQ(fixed_point_fraction(3.0f, 31), 3);       // 6-bit: 24 <= 31 < 48
    EXPECT_EQ(fixed_point_fraction(3.0f, 7), 1);        // int4
    EXPECT_EQ(fixed_point_fraction(0.0f, 127), 0);
    EXPECT_EQ(fixed_point_fraction(1e-30f, 127), 48);  // clamped
    EXPECT_EQ(power_of_two_params(3.0f, 127).scale, 1.0f / 32);
    EXPECT_EQ(power_of_two_params(3.0f, 127).zero_point, 0);
}

TEST(quant_scales, symmetric_affine_and_storage_ranges) {
    EXPECT_FLOAT_EQ(symmetric_params(2.54f, 127).scale, 0.02f);
    EXPECT_EQ(symmetric_params(0.0f, 127).scale, 1.0f / 127);
    // [-1, 3] onto [-128, 127]: scale 4/255, zero point -128 + round(63.75) = -64.
    const ref::quant_params a = affine_params({-1.0f, 3.0f}, {-128, 127});
    EXPECT_FLOAT_EQ(a.scale, 4.0f / 255.0f);
    EXPECT_EQ(a.zero_point, -64);
    // A ReLU output [0, 6]: real 0 at q = -128.
    EXPECT_EQ(affine_params({0.0f, 6.0f}, {-128, 127}).zero_point, -128);
    EXPECT_EQ(storage_range(nn::dtype::int8, 0).lo, -128);
    EXPECT_EQ(storage_range(nn::dtype::int8, 6).lo, -32);
    EXPECT_EQ(storage_range(nn::dtype::int8, 6).hi, 31);
    EXPECT_EQ(storage_range(nn::dtype::int4, 0).hi, 7);
}

TEST(quant_calibration, observe_min_max_and_percentiles) {
    nn::tensor t(nn::dtype::fp32, {1, 1, 1, 100});
    for (int i = 0; i < 100; ++i)
        t.set_float(static_cast<std::size_t>(i), static_cast<float>(i - 50));  // -50..49
    const value_range m = observe(t, range_method::max_abs, 0);
    EXPECT_EQ(m.lo, -50.0f);
    EXPECT_EQ(m.hi, 49.0f);
    EXPECT_EQ(m.absmax(), 50.0f);
    // Nearest rank: positions round(0.9 * 99) = 89 and round(0.1 * 99) = 10.
    const value_range p = observe(t, range_method::percentile, 90.0);
    EXPECT_EQ(p.hi, 39.0f);
    EXPECT_EQ(p.lo, -40.0f);
    // The range always contains 0.
    nn::tensor pos(nn::dtype::fp32, {1, 1, 1, 2});
    pos.set_float(0, 2.0f);
    pos.set_float(1, 3.0f);
    EXPECT_EQ(observe(pos, range_method::max_abs, 0).lo, 0.0f);
}

}  // namespace

#include "nn/tensor/fp16.h"
#include "nn/tensor/tensor.h"
#include "tests/nn/ref/ref_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace nnvp::nn;
using nnvp::test::ints;

namespace {

float from_bits(uint32_t u)
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

}  // namespace

TEST(sw_fp16, known_bit_patterns_float_to_half)
{
    EXPECT_EQ(float_to_half(1.0f), 0x3c00);
    EXPECT_EQ(float_to_half(-2.0f), 0xc000);
    EXPECT_EQ(float_to_half(0.0f), 0x0000);
    EXPECT_EQ(float_to_half(-0.0f), 0x8000);
    EXPECT_EQ(float_to_half(0.1f), 0x2e66);
    EXPECT_EQ(float_to_half(65504.0f), 0x7bff);              // largest finite
    EXPECT_EQ(float_to_half(65519.99f), 0x7bff);             // just below the tie
    EXPECT_EQ(float_to_half(65520.0f), 0x7c00);              // tie -> even = inf
    EXPECT_EQ(float_to_half(1e6f), 0x7c00);                  // overflow
    EXPECT_EQ(float_to_half(-1e6f), 0xfc00);
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
    EXPECT_EQ(float_to_half(std::ldexp(1023.0f, -24)), 0x03ff);
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -25)), 0x0000);     // tie -> even (0)
    EXPECT_EQ(float_to_half(std::ldexp(1.01f, -25)), 0x0001);    // above the tie
    EXPECT_EQ(float_to_half(std::ldexp(3.0f, -25)), 0x0002);     // 1.5 ulp tie -> 2
    EXPECT_EQ(float_to_half(std::ldexp(5.0f, -25)), 0x0002);     // 2.5 ulp tie -> 2
    EXPECT_EQ(float_to_half(std::ldexp(2047.0f, -25)), 0x0400);  // rounds up to normal
    EXPECT_EQ(float_to_half(std::ldexp(1.0f, -26)), 0x0000);
    EXPECT_EQ(float_to_half(1e-40f), 0x0000);  // binary32 subnormal
    EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3c00);      // tie -> even
    EXPECT_EQ(float_to_half(1.0f + std::ldexp(3.0f, -11)), 0x3c02);      // tie -> even
    EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), 0x3c01);
    EXPECT_EQ(float_to_half(std::numeric_limits<float>::infinity()), 0x7c00);
    EXPECT_EQ(float_to_half(-std::numeric_limits<float>::infinity()), 0xfc00);
    const uint16_t nan = float_to_half(std::numeric_limits<float>::quiet_NaN());
    EXPECT_EQ(nan & 0x7c00, 0x7c00);
    EXPECT_NE(nan & 0x03ff, 0);
    // A signalling NaN whose payload lives only in low bits must stay a NaN.
    EXPECT_NE(float_to_half(from_bits(0x7f800001u)) & 0x03ff, 0);
    EXPECT_EQ(float_to_half(from_bits(0xffc00000u)) & 0x8000, 0x8000);
}

TEST(sw_fp16, known_bit_patterns_half_to_float)
{
    EXPECT_EQ(half_to_float(0x3c00), 1.0f);
    EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
    EXPECT_EQ(half_to_float(0x7bff), 65504.0f);
    EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));
    EXPECT_EQ(half_to_float(0x03ff), std::ldexp(1023.0f, -24));
    EXPECT_EQ(half_to_float(0x0400), std::ldexp(1.0f, -14));
    EXPECT_EQ(half_to_float(0xc000), -2.0f);
    EXPECT_TRUE(std::signbit(half_to_float(0x8000)));
    EXPECT_EQ(half_to_float(0x7c00), std::numeric_limits<float>::infinity());
    EXPECT_EQ(half_to_float(0xfc00), -std::numeric_limits<float>::infinity());
    EXPECT_TRUE(std::isnan(half_to_float(0x7e00)));
    EXPECT_TRUE(std::isnan(half_to_float(0x7c01)));
}

TEST(sw_fp16, every_half_round_trips)
{
    for (uint32_t h = 0; h <= 0xffff; ++h) {
        const float f = half_to_float(static_cast<uint16_t>(h));
        if (std::isnan(f)) {
            EXPECT_TRUE(std::isnan(half_to_float(float_to_half(f)))) << h;
            continue;
        }
        ASSERT_EQ(float_to_half(f), h) << std::hex << h;
    }
}

// The conversion picks the nearest half (ties to the even mantissa) for
// random binary32 bit patterns, checked against both neighbours in double.
TEST(sw_fp16, random_floats_round_to_nearest_even)
{
    std::mt19937 rng(1234);
    for (int i = 0; i < 200000; ++i) {
        const float f = from_bits((static_cast<uint32_t>(rng()) & 0x8fffffffu) | 0x30000000u);
        if (!std::isfinite(f) || std::fabs(f) >= 65504.0f)
            continue;
        const uint16_t h = float_to_half(f);
        const double got = half_to_float(h);
        const uint16_t mag = h & 0x7fff;
        const double up = half_to_float(static_cast<uint16_t>((h & 0x8000) | (mag + 1)));
        const double err = std::fabs(got - f);
        ASSERT_LE(err, std::fabs(up - f)) << f;
        if (mag > 0) {
            const double down = half_to_float(static_cast<uint16_t>((h & 0x8000) | (mag - 1)));
            ASSERT_LE(err, std::fabs(down - f)) << f;
            if (err == std::fabs(down - f)) {
                ASSERT_EQ(h & 1, 0) << f;  // tie: even mantissa
            }
        }
        if (err == std::fabs(up - f)) {
            ASSERT_EQ(h & 1, 0) << f;
        }
    }
}

TEST(sw_tensor, int4_packs_two_per_byte_low_nibble_first)
{
    tensor t(dtype::int4, {1, 1, 1, 5});
    EXPECT_EQ(t.bytes().size(), 3u);
    const std::vector<int64_t> v{1, -1, 7, -8, 3};
    for (std::size_t i = 0; i < v.size(); ++i)
        t.set_int(i, v[i]);
    EXPECT_EQ(t.bytes()[0], 0xf1);
    EXPECT_EQ(t.bytes()[1], 0x87);
    EXPECT_EQ(t.bytes()[2], 0x03);
    EXPECT_EQ(ints(t), v);
    EXPECT_THROW(t.set_int(0, 8), std::out_of_range);
    EXPECT_THROW(t.set_int(0, -9), std::out_of_range);
    EXPECT_EQ(t.get_int(4), 3);  // unchanged by the failed writes' neighbour
}

TEST(sw_tensor, binary_packs_eight_per_byte_bit0_first_one_is_plus)
{
    tensor t(dtype::binary, {1, 3, 1, 3});
    EXPECT_EQ(t.bytes().size(), 2u);
    EXPECT_EQ(t.get_int(0), -1);  // zero-filled storage is all -1
    const std::vector<int64_t> v{1, -1, -1, 1, 1, 1, -1, -1, 1};
    for (std::size_t i = 0; i < v.size(); ++i)
        t.set_int(i, v[i]);
    EXPECT_EQ(t.bytes()[0], 0x39);
    EXPECT_EQ(t.bytes()[1], 0x01);
    EXPECT_EQ(ints(t), v);
    EXPECT_EQ(t.get_float(1), -1.0f);
    EXPECT_THROW(t.set_int(0, 0), std::out_of_range);
}

TEST(sw_tensor, nhwc_index_and_little_endian_storage)
{
    tensor t(dtype::int16, {2, 3, 4, 5});
    EXPECT_EQ(t.index(1, 2, 3, 4), t.size() - 1);
    EXPECT_EQ(t.index(0, 0, 1, 0), 5u);
    EXPECT_EQ(t.index(0, 1, 0, 0), 20u);
    t.set_int(1, -2);
    EXPECT_EQ(t.bytes()[2], 0xfe);
    EXPECT_EQ(t.bytes()[3], 0xff);
    tensor h(dtype::fp16, {1, 1, 1, 1});
    h.set_float(0, 1.0f);
    EXPECT_EQ(h.get_half_bits(0), 0x3c00);
    EXPECT_EQ(h.bytes()[1], 0x3c);
}

TEST(sw_tensor, misuse_throws)
{
    EXPECT_THROW(tensor(dtype::int8, {0, 1, 1, 1}), std::invalid_argument);
    tensor f(dtype::fp32, {1, 1, 1, 2});
    EXPECT_THROW(f.get_int(0), std::invalid_argument);
    EXPECT_THROW(f.set_int(0, 1), std::invalid_argument);
    EXPECT_THROW(f.get_float(2), std::out_of_range);
    EXPECT_THROW(f.reshaped({1, 1, 1, 3}), std::invalid_argument);
    tensor i(dtype::int8, {1, 1, 1, 1});
    EXPECT_THROW(i.set_float(0, 1.0f), std::invalid_argument);
    EXPECT_THROW(i.set_int(0, 128), std::out_of_range);
}

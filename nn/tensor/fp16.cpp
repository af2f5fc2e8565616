#include "nn/tensor/fp16.h"

#include <cstring>

namespace nnvp::nn {

namespace {

uint32_t bits_of_float(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float float_of_bits(uint32_t u)
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

// Shift `mant` right by `shift` (1..24) rounding to nearest, ties to even.
uint32_t shift_round_even(uint32_t mant, int shift)
{
    const uint32_t kept = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1u);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (kept & 1u)))
        return kept + 1u;
    return kept;
}

}  // namespace

uint16_t float_to_half(float f)
{
    const uint32_t x = bits_of_float(f);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t mag = x & 0x7fffffffu;

    if (mag >= 0x7f800000u) {  // inf or NaN
        if (mag == 0x7f800000u)
            return static_cast<uint16_t>(sign | 0x7c00u);
        // Quiet NaN, top 9 payload bits kept (the quiet bit is forced on).
        return static_cast<uint16_t>(sign | 0x7e00u | ((mag >> 13) & 0x1ffu));
    }
    const int exp = static_cast<int>(mag >> 23) - 127 + 15;  // biased half exponent
    if (exp >= 31)
        return static_cast<uint16_t>(sign | 0x7c00u);
    if (exp <= 0) {
        // Subnormal half (or zero): the 10-bit subnormal mantissa counts units
        // of 2^-24, i.e. the 24-bit significand shifted right by 14 - exp. A
        // rounding carry to 0x400 is the smallest normal, encoded correctly as
        // is. binary32 subnormals have exp = -112 and fall under shift > 24.
        const uint32_t mant = (mag & 0x7fffffu) | 0x800000u;
        const int shift = 14 - exp;
        if (shift > 24)  // below half the smallest subnormal: rounds to zero
            return sign;
        return static_cast<uint16_t>(sign | shift_round_even(mant, shift));
    }
    // Normal: a mantissa carry propagates into the exponent, and from exponent
    // 30 into 31 (infinity), both of which are the correctly rounded result.
    const uint32_t trunc = (static_cast<uint32_t>(exp) << 10) | ((mag >> 13) & 0x3ffu);
    const uint32_t rem = mag & 0x1fffu;
    uint32_t h = trunc;
    if (rem > 0x1000u || (rem == 0x1000u && (trunc & 1u)))
        ++h;
    return static_cast<uint16_t>(sign | h);
}

float half_to_float(uint16_t h)
{
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1fu)
        return float_of_bits(sign | 0x7f800000u | (mant << 13));
    if (exp != 0)
        return float_of_bits(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    if (mant == 0)
        return float_of_bits(sign);
    // Subnormal half: normalise into a binary32 normal number.
    int e = -14;
    while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --e;
    }
    mant &= 0x3ffu;
    return float_of_bits(sign | (static_cast<uint32_t>(e + 127) << 23) | (mant << 13));
}

}  // namespace nnvp::nn

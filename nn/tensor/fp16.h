// IEEE 754 binary16 <-> binary32 conversion, bit exact and independent of the
// host's _Float16 support. float -> half rounds to nearest, ties to even
// (IEEE 754-2019 section 4.3.1, the default rounding attribute), including
// into and out of the subnormal range; overflow gives infinity; NaN stays NaN
// (quiet, sign and top payload bits kept). half -> float is exact.
#pragma once

#include <cstdint>

namespace nnvp::nn {

uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

// Round a float to the nearest half-precision value (as a float).
inline float round_to_half(float f) { return half_to_float(float_to_half(f)); }

}  // namespace nnvp::nn

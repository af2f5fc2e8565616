// Small integer helpers shared by the timing model's sources.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace nnvp::cost::detail {

inline uint64_t ceil_div(uint64_t a, uint64_t b) {
    return b == 0 ? 0 : (a + b - 1) / b;
}

// ceil(n * fraction) for fraction clamped to [0, 1], ignoring the binary
// rounding error of the product (0.3 * 10 is 3, not 4).
inline uint64_t scaled_count(uint64_t n, double fraction) {
    if (!(fraction > 0.0))  // also NaN
        return 0;
    if (fraction >= 1.0)
        return n;
    const double x = static_cast<double>(n) * fraction;
    const double nearest = std::nearbyint(x);
    const double r = std::fabs(x - nearest) <= 1e-9 * std::max(1.0, x) ? nearest : std::ceil(x);
    return std::min(n, static_cast<uint64_t>(r));
}

inline double clamp_fraction(double f) {
    return f > 0.0 ? std::min(f, 1.0) : 0.0;
}

// Bytes of `count` packed elements of `bits` bits (sub-byte types round up).
inline uint64_t packed_bytes(uint64_t count, unsigned bits) {
    return ceil_div(count * bits, 8);
}

}  // namespace nnvp::cost::detail

// Test tensors for the DMA programs: a deterministic int8 CHW tensor and the
// index arithmetic of the layouts the programs move it into.
#pragma once

#include <cstdint>
#include <vector>

namespace nnvp::fw {

struct chw {
    uint32_t c, h, w;
    uint32_t bytes() const { return c * h * w; }
    uint32_t at(uint32_t ci, uint32_t y, uint32_t x) const { return (ci * h + y) * w + x; }
};

// Element (c, y, x) of the test tensor: distinct along every axis.
inline uint8_t test_value(uint32_t c, uint32_t y, uint32_t x) {
    return static_cast<uint8_t>(c * 31 + y * 7 + x * 3 + 1);
}

inline std::vector<uint8_t> make_test_tensor(const chw& s) {
    std::vector<uint8_t> t(s.bytes());
    for (uint32_t c = 0; c < s.c; ++c)
        for (uint32_t y = 0; y < s.h; ++y)
            for (uint32_t x = 0; x < s.w; ++x)
                t[s.at(c, y, x)] = test_value(c, y, x);
    return t;
}

}  // namespace nnvp::fw

// Little-endian loads and stores: the byte order of the SoC's memory
// (docs/numerics.md). Written byte-wise so they are right on any host;
// compilers fuse them into plain loads and stores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace nnvp::nn {

template <typename T>
T load_le(const uint8_t* p) {
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (std::size_t b = 0; b < sizeof(T); ++b)
        u = static_cast<U>(u | (static_cast<U>(p[b]) << (8 * b)));
    return static_cast<T>(u);
}

template <typename T>
void store_le(uint8_t* p, T v) {
    using U = std::make_unsigned_t<T>;
    const U u = static_cast<U>(v);
    for (std::size_t b = 0; b < sizeof(T); ++b)
        p[b] = static_cast<uint8_t>(u >> (8 * b));
}

}  // namespace nnvp::nn

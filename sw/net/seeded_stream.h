// The seeded random streams behind every generated value of the host tools
// (zoo weights, transformer parameters, training order): SplitMix64 (Steele
// et al., "Fast splittable pseudorandom number generators", OOPSLA 2014),
// one stream per tensor seeded from a hash of its name (FNV-1a, 64 bit), so
// a tensor's values do not depend on which others exist.
#pragma once

#include <cstdint>
#include <string>

namespace nnvp::net {

inline uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

inline uint64_t hash_name(const std::string& s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char ch : s) {
        h ^= ch;
        h *= 0x100000001b3ull;
    }
    return h;
}

}  // namespace nnvp::net

// A compiled package (compiler::built_package: the image and what the host
// knows about it: tensors, step kinds, mappings, CPU reasons) as bytes and
// back, for the package cache (app/package_cache.h). Little-endian, floats
// by their bits, so a decoded package equals the encoded one exactly. A
// timing-only image's constants section (zeros, package::constants_without_values)
// is stored as its length alone.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "sw/compiler/builder.h"

namespace nnvp {

// A cache entry that cannot be read back (truncated, inconsistent).
struct package_codec_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::vector<uint8_t> encode_built_package(const compiler::built_package& pkg);
// Throws package_codec_error when `bytes` is not exactly one encoded package.
compiler::built_package decode_built_package(const std::vector<uint8_t>& bytes);

// A 64-bit checksum of `bytes` (FNV-1a's prime and basis over 8-byte words:
// a byte loop would cost 60 ms on a functional AlexNet package).
uint64_t checksum64(const uint8_t* data, std::size_t bytes);

}  // namespace nnvp

// NHWC tensors <-> the bytes the NN core reads and writes (docs/numerics.md:
// dense NHWC, little-endian, int4 two per byte with element 2k in the low
// nibble, binary eight per byte LSB first). nn::tensor already stores exactly
// that image; these helpers add the checks a DRAM/local-memory image needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn/tensor/tensor.h"

namespace nnvp::nn {

// Bytes of a packed tensor (sub-byte types round up).
std::size_t packed_bytes(nn::dtype t, const nn::shape4& s);

// The tensor's packed bytes (a copy of nn::tensor::bytes()).
std::vector<uint8_t> pack(const nn::tensor& t);
// Writes the packed tensor at `dst` (packed_bytes(t.type(), t.shape()) bytes).
void pack_into(const nn::tensor& t, uint8_t* dst);

// A tensor of type `t` and shape `s` from packed bytes. Throws
// std::invalid_argument when `size` is smaller than packed_bytes(t, s).
nn::tensor unpack(nn::dtype t, const nn::shape4& s, const uint8_t* src, std::size_t size);

// Byte offset of element `index` of a packed tensor of type t; throws
// std::invalid_argument when the element does not start a byte (a sub-byte
// tile boundary inside a byte cannot be addressed by a command).
std::size_t element_byte_offset(nn::dtype t, std::size_t index);
// True when `count` elements of t fill whole bytes.
bool byte_aligned(nn::dtype t, std::size_t count);

}  // namespace nnvp::nn

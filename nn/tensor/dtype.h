// Element types of the tensors the NN core and the reference executor exchange.
// Storage width and value range are defined here once; docs/numerics.md is the
// prose version of this file.
#pragma once

#include <cstdint>

namespace nnvp::nn {

enum class dtype : uint8_t {
    fp32,    // IEEE 754 binary32
    fp16,    // IEEE 754 binary16 storage (nn/tensor/fp16.h converts)
    int64,   // bias of INT16 layers (64-bit accumulators)
    int32,   // bias of INT8 / INT4 / fixed-point binary layers
    int16,
    int8,
    int4,    // signed, two per byte, element 2k in the low nibble
    binary,  // +-1, eight per byte, element 8k in bit 0; bit 1 = +1, bit 0 = -1
};

const char* to_string(dtype t);

// Bits one element occupies in packed storage.
constexpr int bits_of(dtype t)
{
    switch (t) {
    case dtype::fp32: return 32;
    case dtype::fp16: return 16;
    case dtype::int64: return 64;
    case dtype::int32: return 32;
    case dtype::int16: return 16;
    case dtype::int8: return 8;
    case dtype::int4: return 4;
    case dtype::binary: return 1;
    }
    return 0;
}

constexpr bool is_float(dtype t) { return t == dtype::fp32 || t == dtype::fp16; }
constexpr bool is_integer(dtype t) { return !is_float(t) && t != dtype::binary; }

// Range of an integer type (binary: -1..1, of which only -1 and +1 are values).
constexpr int64_t min_of(dtype t)
{
    switch (t) {
    case dtype::int64: return INT64_MIN;
    case dtype::int32: return INT32_MIN;
    case dtype::int16: return INT16_MIN;
    case dtype::int8: return INT8_MIN;
    case dtype::int4: return -8;
    default: return -1;
    }
}

constexpr int64_t max_of(dtype t)
{
    switch (t) {
    case dtype::int64: return INT64_MAX;
    case dtype::int32: return INT32_MAX;
    case dtype::int16: return INT16_MAX;
    case dtype::int8: return INT8_MAX;
    case dtype::int4: return 7;
    default: return 1;
    }
}

}  // namespace nnvp::nn

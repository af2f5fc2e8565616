// A plain 4-D tensor in NHWC order (channels innermost) with packed storage for
// every dtype. The NN core uses the same layout and packing, so a tensor's
// bytes() are exactly what lies in memory for the core. Weights use the same
// class with n = output channels, (h, w) = kernel, c = input channels per
// group (OHWI). Sub-byte types pack along the flat NHWC index with no row
// padding: see dtype.h and docs/numerics.md.
#pragma once

#include "nn/tensor/dtype.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnvp::nn {

struct shape4 {
    int n = 1;
    int h = 1;
    int w = 1;
    int c = 1;

    std::size_t count() const
    {
        return static_cast<std::size_t>(n) * static_cast<std::size_t>(h) *
               static_cast<std::size_t>(w) * static_cast<std::size_t>(c);
    }
    // Dimension `axis` in NHWC order (0 n, 1 h, 2 w, 3 c).
    int& at(int axis) { return axis == 0 ? n : axis == 1 ? h : axis == 2 ? w : c; }
    int at(int axis) const { return axis == 0 ? n : axis == 1 ? h : axis == 2 ? w : c; }
    bool operator==(const shape4& o) const
    {
        return n == o.n && h == o.h && w == o.w && c == o.c;
    }
    bool operator!=(const shape4& o) const { return !(*this == o); }
};

std::string to_string(const shape4& s);

// Bytes `count` packed elements of `t` occupy (sub-byte types round up).
std::size_t storage_bytes(dtype t, std::size_t count);

// Reading or writing an element of a tensor built without values.
struct no_values_error : std::logic_error {
    using std::logic_error::logic_error;
};

class tensor {
public:
    tensor() = default;
    // Zero-filled storage (binary: all bits 0, i.e. every element -1).
    // Throws std::invalid_argument on a non-positive dimension.
    tensor(dtype t, shape4 s);

    // A type and a shape without storage: what timing mode carries for
    // weights it never reads (their size is all the simulation needs). Every
    // element access throws no_values_error; bytes() is empty.
    static tensor without_values(dtype t, shape4 s);
    bool has_values() const { return !m_no_values; }
    // Holds nothing: neither values nor a size (a default-built tensor, a
    // parameter not generated yet).
    bool empty() const { return !m_no_values && m_bytes.empty(); }
    // Packed bytes of the elements, with or without values.
    std::size_t byte_size() const { return storage_bytes(m_type, size()); }

    dtype type() const { return m_type; }
    const shape4& shape() const { return m_shape; }
    std::size_t size() const { return m_shape.count(); }

    std::size_t index(int n, int h, int w, int c) const
    {
        return ((static_cast<std::size_t>(n) * static_cast<std::size_t>(m_shape.h) +
                 static_cast<std::size_t>(h)) *
                    static_cast<std::size_t>(m_shape.w) +
                static_cast<std::size_t>(w)) *
                   static_cast<std::size_t>(m_shape.c) +
               static_cast<std::size_t>(c);
    }

    // Value of element i as a float: fp32/fp16 exactly, integer types and
    // binary (+-1) converted. fp32 is inline: weight passes read billions.
    float get_float(std::size_t i) const
    {
        if (m_type == dtype::fp32 && i < m_bytes.size() / 4) {
            float f;
            std::memcpy(&f, &m_bytes[4 * i], sizeof f);  // little-endian host (tensor.cpp)
            return f;
        }
        return get_float_slow(i);
    }
    // Value of an integer or binary (+-1) element. Throws for float types.
    int64_t get_int(std::size_t i) const;

    // fp32 stores v; fp16 rounds to nearest even. Throws for other types.
    void set_float(std::size_t i, float v)
    {
        if (m_type == dtype::fp32 && i < m_bytes.size() / 4)
            std::memcpy(&m_bytes[4 * i], &v, sizeof v);
        else
            set_float_slow(i, v);
    }
    // Integer types: v must lie in the type's range; binary: v must be +-1.
    // Throws std::out_of_range otherwise (the reference never saturates
    // silently: callers clamp where the numerics say so).
    void set_int(std::size_t i, int64_t v);

    // Raw binary16 bits of an fp16 element.
    uint16_t get_half_bits(std::size_t i) const;
    void set_half_bits(std::size_t i, uint16_t bits);

    // Same storage, new shape with the same element count.
    tensor reshaped(shape4 s) const;

    // The packed elements; throws no_values_error for a tensor without values.
    const std::vector<uint8_t>& bytes() const
    {
        if (m_no_values)
            throw_no_values();
        return m_bytes;
    }
    std::vector<uint8_t>& bytes()
    {
        if (m_no_values)
            throw_no_values();
        return m_bytes;
    }

private:
    void check_index(std::size_t i) const;
    [[noreturn]] void throw_no_values() const;
    float get_float_slow(std::size_t i) const;
    void set_float_slow(std::size_t i, float v);

    dtype m_type = dtype::fp32;
    shape4 m_shape{};
    std::vector<uint8_t> m_bytes;
    bool m_no_values = false;
};

// Fraction of elements that are real zeros (float 0, integer q == zero_point;
// binary has none): the measured sparsity of a tensor.
double zero_fraction(const tensor& t, int32_t zero_point);

}  // namespace nnvp::nn

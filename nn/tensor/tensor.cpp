#include "nn/tensor/tensor.h"

#include "nn/tensor/endian.h"

#include "nn/tensor/fp16.h"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace nnvp::nn {

const char* to_string(dtype t)
{
    switch (t) {
    case dtype::fp32: return "fp32";
    case dtype::fp16: return "fp16";
    case dtype::int64: return "int64";
    case dtype::int32: return "int32";
    case dtype::int16: return "int16";
    case dtype::int8: return "int8";
    case dtype::int4: return "int4";
    case dtype::binary: return "binary";
    }
    return "?";
}

std::string to_string(const shape4& s)
{
    return "[" + std::to_string(s.n) + "," + std::to_string(s.h) + "," + std::to_string(s.w) +
           "," + std::to_string(s.c) + "]";
}

std::size_t storage_bytes(dtype t, std::size_t count)
{
    return (count * static_cast<std::size_t>(bits_of(t)) + 7) / 8;
}

tensor::tensor(dtype t, shape4 s) : m_type(t), m_shape(s)
{
    if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0)
        throw std::invalid_argument("tensor: non-positive dimension in shape " + to_string(s));
    m_bytes.assign(storage_bytes(t, s.count()), 0);
}

tensor tensor::without_values(dtype t, shape4 s)
{
    if (s.n <= 0 || s.h <= 0 || s.w <= 0 || s.c <= 0)
        throw std::invalid_argument("tensor: non-positive dimension in shape " + to_string(s));
    tensor x;
    x.m_type = t;
    x.m_shape = s;
    x.m_no_values = true;
    return x;
}

// The inline fp32 accessors copy the host's bytes as they are.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tensor: needs a little-endian host");

void tensor::throw_no_values() const
{
    throw no_values_error("tensor: the bytes of a " + to_string(m_shape) +
                          " tensor built without values (timing mode)");
}

void tensor::check_index(std::size_t i) const
{
    if (m_no_values)
        throw no_values_error("tensor: element " + std::to_string(i) + " of a " +
                              to_string(m_shape) + " tensor built without values (timing mode)");
    if (i >= size())
        throw std::out_of_range("tensor: element " + std::to_string(i) + " of " +
                                std::to_string(size()));
}


float tensor::get_float_slow(std::size_t i) const
{
    check_index(i);
    if (m_type == dtype::fp32) {
        const uint32_t u = load_le<uint32_t>(&m_bytes[4 * i]);
        float f;
        std::memcpy(&f, &u, sizeof f);
        return f;
    }
    if (m_type == dtype::fp16)
        return half_to_float(load_le<uint16_t>(&m_bytes[2 * i]));
    return static_cast<float>(get_int(i));
}

int64_t tensor::get_int(std::size_t i) const
{
    check_index(i);
    switch (m_type) {
    case dtype::int64: return load_le<int64_t>(&m_bytes[8 * i]);
    case dtype::int32: return load_le<int32_t>(&m_bytes[4 * i]);
    case dtype::int16: return load_le<int16_t>(&m_bytes[2 * i]);
    case dtype::int8: return static_cast<int8_t>(m_bytes[i]);
    case dtype::int4: {
        const unsigned nib = (i % 2 == 0) ? (m_bytes[i / 2] & 0xfu) : (m_bytes[i / 2] >> 4);
        return nib >= 8 ? static_cast<int64_t>(nib) - 16 : static_cast<int64_t>(nib);
    }
    case dtype::binary: return ((m_bytes[i / 8] >> (i % 8)) & 1u) ? 1 : -1;
    default: throw std::invalid_argument("tensor::get_int on a float tensor");
    }
}

void tensor::set_float_slow(std::size_t i, float v)
{
    check_index(i);
    if (m_type == dtype::fp32) {
        uint32_t u;
        std::memcpy(&u, &v, sizeof u);
        store_le<uint32_t>(&m_bytes[4 * i], u);
    } else if (m_type == dtype::fp16) {
        store_le<uint16_t>(&m_bytes[2 * i], float_to_half(v));
    } else {
        throw std::invalid_argument(std::string("tensor::set_float on a ") + to_string(m_type) +
                                    " tensor");
    }
}

void tensor::set_int(std::size_t i, int64_t v)
{
    check_index(i);
    if (is_float(m_type))
        throw std::invalid_argument("tensor::set_int on a float tensor");
    if (m_type == dtype::binary) {
        if (v != 1 && v != -1)
            throw std::out_of_range("tensor::set_int: binary value must be +-1");
        const uint8_t bit = static_cast<uint8_t>(1u << (i % 8));
        m_bytes[i / 8] = static_cast<uint8_t>(v > 0 ? (m_bytes[i / 8] | bit) :
                                                      (m_bytes[i / 8] & ~bit));
        return;
    }
    if (v < min_of(m_type) || v > max_of(m_type))
        throw std::out_of_range("tensor::set_int: " + std::to_string(v) + " outside " +
                                to_string(m_type));
    switch (m_type) {
    case dtype::int64: store_le<int64_t>(&m_bytes[8 * i], v); break;
    case dtype::int32: store_le<int32_t>(&m_bytes[4 * i], static_cast<int32_t>(v)); break;
    case dtype::int16: store_le<int16_t>(&m_bytes[2 * i], static_cast<int16_t>(v)); break;
    case dtype::int8: m_bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(v)); break;
    case dtype::int4: {
        const uint8_t nib = static_cast<uint8_t>(v & 0xf);
        uint8_t& b = m_bytes[i / 2];
        b = (i % 2 == 0) ? static_cast<uint8_t>((b & 0xf0u) | nib) :
                           static_cast<uint8_t>((b & 0x0fu) | (nib << 4));
        break;
    }
    default: break;
    }
}

uint16_t tensor::get_half_bits(std::size_t i) const
{
    check_index(i);
    if (m_type != dtype::fp16)
        throw std::invalid_argument("tensor::get_half_bits on a non-fp16 tensor");
    return load_le<uint16_t>(&m_bytes[2 * i]);
}

void tensor::set_half_bits(std::size_t i, uint16_t bits)
{
    check_index(i);
    if (m_type != dtype::fp16)
        throw std::invalid_argument("tensor::set_half_bits on a non-fp16 tensor");
    store_le<uint16_t>(&m_bytes[2 * i], bits);
}

tensor tensor::reshaped(shape4 s) const
{
    if (s.count() != size())
        throw std::invalid_argument("tensor::reshaped: " + to_string(m_shape) + " to " +
                                    to_string(s));
    tensor t = *this;
    t.m_shape = s;
    return t;
}

double zero_fraction(const tensor& t, int32_t zero_point) {
    if (t.size() == 0 || t.type() == dtype::binary)
        return 0.0;
    std::size_t zeros = 0;
    if (is_float(t.type())) {
        for (std::size_t i = 0; i < t.size(); ++i)
            zeros += t.get_float(i) == 0.0f;
    } else {
        for (std::size_t i = 0; i < t.size(); ++i)
            zeros += t.get_int(i) == zero_point;
    }
    return static_cast<double>(zeros) / static_cast<double>(t.size());
}

}  // namespace nnvp::nn

#include "nn/tensor/tensor_pack.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace nnvp::nn {

std::size_t packed_bytes(nn::dtype t, const nn::shape4& s) {
    return nn::storage_bytes(t, s.count());
}

std::vector<uint8_t> pack(const nn::tensor& t) {
    return t.bytes();
}

void pack_into(const nn::tensor& t, uint8_t* dst) {
    if (!t.bytes().empty())
        std::memcpy(dst, t.bytes().data(), t.bytes().size());
}

nn::tensor unpack(nn::dtype t, const nn::shape4& s, const uint8_t* src, std::size_t size) {
    nn::tensor out(t, s);
    const std::size_t need = out.bytes().size();
    if (size < need)
        throw std::invalid_argument("unpack: " + std::string(nn::to_string(t)) + " tensor " +
                                    nn::to_string(s) + " needs " + std::to_string(need) +
                                    " bytes, got " + std::to_string(size));
    if (need > 0)
        std::memcpy(out.bytes().data(), src, need);
    // Bits past the last element of a sub-byte tensor are not part of it.
    const std::size_t bits = out.size() * static_cast<std::size_t>(nn::bits_of(t));
    if (bits % 8 != 0)
        out.bytes().back() &= static_cast<uint8_t>((1u << (bits % 8)) - 1u);
    return out;
}

bool byte_aligned(nn::dtype t, std::size_t count) {
    return (count * static_cast<std::size_t>(nn::bits_of(t))) % 8 == 0;
}

std::size_t element_byte_offset(nn::dtype t, std::size_t index) {
    if (!byte_aligned(t, index))
        throw std::invalid_argument("element " + std::to_string(index) + " of a " +
                                    nn::to_string(t) + " tensor does not start a byte");
    return index * static_cast<std::size_t>(nn::bits_of(t)) / 8;
}

}  // namespace nnvp::nn

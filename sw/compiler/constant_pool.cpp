#include "sw/compiler/constant_pool.h"

#include <algorithm>

#include "arch/package/package_format.h"

namespace nnvp::compiler::detail {

uint64_t constant_pool::add(const uint8_t* data, std::size_t bytes) {
    const uint64_t at = (m_size + package::alignment - 1) / package::alignment * package::alignment;
    blob b{at, bytes, {}};
    if (data)
        b.values.assign(data, data + bytes);
    m_blobs.push_back(std::move(b));
    m_size = at + bytes;
    return at;
}

void constant_pool::truncate(uint64_t mark) {
    while (!m_blobs.empty() && m_blobs.back().offset >= mark)
        m_blobs.pop_back();
    m_size = mark;
}

bool constant_pool::without_values() const {
    return std::any_of(m_blobs.begin(), m_blobs.end(),
                       [](const blob& b) { return b.bytes > 0 && b.values.empty(); });
}

void constant_pool::write_to(uint8_t* section) const {
    for (const blob& b : m_blobs)
        std::copy(b.values.begin(), b.values.end(), section + b.offset);
}

}  // namespace nnvp::compiler::detail

// The constants section of a package as the builder fills it: offsets and
// sizes of every blob, the bytes of those that have values. A timing-only
// build reserves its weights without values; they are zeros in the image
// but never held here, and the section is never grown and copied whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnvp::compiler::detail {

class constant_pool {
public:
    // Appends `bytes` at the next 64-byte boundary: a copy of `data`, or
    // zeros without values when `data` is null. Returns the offset.
    uint64_t add(const uint8_t* data, std::size_t bytes);
    uint64_t size() const { return m_size; }
    // Drops every blob added since size() was `mark` (a compile attempt
    // that failed).
    void truncate(uint64_t mark);
    // Some blob is held without values.
    bool without_values() const;
    // Writes the blobs with values into `section` (size() bytes, zeroed).
    void write_to(uint8_t* section) const;

private:
    struct blob {
        uint64_t offset = 0;
        std::size_t bytes = 0;
        std::vector<uint8_t> values;  // empty: without values (or no bytes)
    };
    std::vector<blob> m_blobs;
    uint64_t m_size = 0;
};

}  // namespace nnvp::compiler::detail

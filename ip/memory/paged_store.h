// Sparse backing store of a memory: pages are allocated on first write (or
// when a direct pointer to them is handed out), so a 4 GiB DRAM costs only
// the pages the guest touches. Unwritten bytes read as zero. No SystemC.
// Pages are carved from anonymous mappings, which stay the kernel's zero
// pages until written: a page handed out for DMI and only read (a
// timing-only package's constants, 61 MB for AlexNet) costs the host
// neither zeroing nor memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace nnvp {

class paged_store {
public:
    static constexpr uint64_t page_bytes = 64 * 1024;

    // Callers check ranges: [addr, addr + n) must lie inside the memory.
    void read(uint64_t addr, unsigned char* dst, uint64_t n) const;
    void write(uint64_t addr, const unsigned char* src, uint64_t n);
    unsigned char read_byte(uint64_t addr) const;
    void write_byte(uint64_t addr, unsigned char value);

    // The page holding `addr`, allocated (zeroed) if needed. The pointer stays
    // valid for the store's lifetime (DMI relies on it).
    unsigned char* page(uint64_t addr);
    std::size_t page_count() const { return m_pages.size(); }
    bool has_page(uint64_t addr) const { return find(addr / page_bytes) != nullptr; }

private:
    const unsigned char* find(uint64_t page_index) const;

    static constexpr uint64_t pages_per_chunk = 64;  // one mapping per 4 MiB
    struct unmap {
        void operator()(unsigned char* chunk) const;
    };
    std::vector<std::unique_ptr<unsigned char, unmap>> m_chunks;
    uint64_t m_chunk_pages_used = pages_per_chunk;
    std::unordered_map<uint64_t, unsigned char*> m_pages;
};

}  // namespace nnvp

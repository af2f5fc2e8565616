#include "ip/memory/paged_store.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace nnvp {

const unsigned char* paged_store::find(uint64_t page_index) const {
    auto it = m_pages.find(page_index);
    return it == m_pages.end() ? nullptr : it->second;
}

void paged_store::unmap::operator()(unsigned char* chunk) const {
    ::munmap(chunk, pages_per_chunk * page_bytes);
}

unsigned char* paged_store::page(uint64_t addr) {
    unsigned char*& slot = m_pages[addr / page_bytes];
    if (slot)
        return slot;
    if (m_chunk_pages_used == pages_per_chunk) {
        void* p = ::mmap(nullptr, pages_per_chunk * page_bytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            m_pages.erase(addr / page_bytes);
            throw std::bad_alloc();
        }
        m_chunks.emplace_back(static_cast<unsigned char*>(p));
        m_chunk_pages_used = 0;
    }
    slot = m_chunks.back().get() + m_chunk_pages_used++ * page_bytes;
    return slot;
}

void paged_store::read(uint64_t addr, unsigned char* dst, uint64_t n) const {
    while (n > 0) {
        const uint64_t off = addr % page_bytes;
        const uint64_t chunk = std::min(n, page_bytes - off);
        if (const unsigned char* p = find(addr / page_bytes))
            std::memcpy(dst, p + off, chunk);
        else
            std::memset(dst, 0, chunk);
        addr += chunk;
        dst += chunk;
        n -= chunk;
    }
}

void paged_store::write(uint64_t addr, const unsigned char* src, uint64_t n) {
    while (n > 0) {
        const uint64_t off = addr % page_bytes;
        const uint64_t chunk = std::min(n, page_bytes - off);
        std::memcpy(page(addr) + off, src, chunk);
        addr += chunk;
        src += chunk;
        n -= chunk;
    }
}

unsigned char paged_store::read_byte(uint64_t addr) const {
    const unsigned char* p = find(addr / page_bytes);
    return p ? p[addr % page_bytes] : 0;
}

void paged_store::write_byte(uint64_t addr, unsigned char value) {
    page(addr)[addr % page_bytes] = value;
}

}  // namespace nnvp

// The runtime's copy of a package: zeroed storage it fills from memory.
// calloc'd, so a range it never writes (a timing-only package's constants,
// zeros in memory too) takes no host memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace nnvp::fw {

class package_bytes {
public:
    // `n` zero bytes (what was held before is dropped).
    void assign_zeros(std::size_t n) {
        clear();
        if (n == 0)
            return;
        m_bytes.reset(static_cast<uint8_t*>(std::calloc(n, 1)));
        if (!m_bytes)
            throw std::bad_alloc();
        m_size = n;
    }
    void clear() {
        m_bytes.reset();
        m_size = 0;
    }
    uint8_t* data() { return m_bytes.get(); }
    const uint8_t* data() const { return m_bytes.get(); }
    std::size_t size() const { return m_size; }

private:
    struct release {
        void operator()(uint8_t* p) const { std::free(p); }
    };
    std::unique_ptr<uint8_t, release> m_bytes;
    std::size_t m_size = 0;
};

}  // namespace nnvp::fw

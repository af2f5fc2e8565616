// A package's bytes. A timing-only package's constants section is zeros the
// host never writes (tens of MB for a transformer): the storage is calloc'd
// and growing it writes nothing, so those pages are never touched and take
// no memory, and building the image costs no memset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace nnvp::compiler {

template <class T>
struct calloc_allocator {
    using value_type = T;
    calloc_allocator() = default;
    template <class U>
    calloc_allocator(const calloc_allocator<U>&) {}

    T* allocate(std::size_t n) {
        void* p = std::calloc(n, sizeof(T));
        if (!p)
            throw std::bad_alloc();
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t) { std::free(p); }
    // Default-initialisation writes nothing: fresh storage stays calloc's
    // zeros. (So resize() zero-fills only storage never used before: grow
    // an image once, from empty.)
    template <class U>
    void construct(U* p) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    friend bool operator==(const calloc_allocator&, const calloc_allocator&) { return true; }
    friend bool operator!=(const calloc_allocator&, const calloc_allocator&) { return false; }
};

using package_image = std::vector<uint8_t, calloc_allocator<uint8_t>>;

// A plain copy (tests, tools that edit an image).
inline std::vector<uint8_t> to_vector(const package_image& image) {
    return {image.begin(), image.end()};
}

}  // namespace nnvp::compiler

// The DMA descriptor as it sits in memory, shared by the model and the
// firmware. No SystemC here.
//
// A descriptor is 64 bytes, little-endian, 8-byte aligned:
//   off size field
//     0    8 src          source address
//     8    8 dst          destination address
//    16    4 len          bytes per row (0 is the bad_geometry error)
//    20    4 count1       rows per plane (0 means 1)
//    24    4 src_stride1  byte distance between source rows
//    28    4 dst_stride1  byte distance between destination rows
//    32    4 count2       planes (0 means 1)
//    36    4 src_stride2  byte distance between source planes
//    40    4 dst_stride2  byte distance between destination planes
//    44    4 flags        bit 0: IRQ on this descriptor's completion; others reserved (0)
//    48    8 next         address of the next descriptor, 0 ends the list
//    56    8 reserved     must be 0
// The geometry means the same as the channel registers of dma_regs.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nnvp::dma_regs {

struct descriptor {
    uint64_t src = 0;
    uint64_t dst = 0;
    uint32_t len = 0;
    uint32_t count1 = 1;
    uint32_t src_stride1 = 0;
    uint32_t dst_stride1 = 0;
    uint32_t count2 = 1;
    uint32_t src_stride2 = 0;
    uint32_t dst_stride2 = 0;
    uint32_t flags = 0;
    uint64_t next = 0;
    uint64_t reserved = 0;
};

constexpr std::size_t descriptor_bytes = 64;
constexpr uint64_t descriptor_align = 8;
constexpr uint32_t desc_flag_irq = 1u << 0;
constexpr uint32_t desc_flags_known = desc_flag_irq;

// The in-memory layout equals the struct layout on a little-endian host; the
// encode/decode functions below do not depend on it, the asserts document it.
static_assert(sizeof(descriptor) == descriptor_bytes);
static_assert(offsetof(descriptor, src) == 0 && offsetof(descriptor, dst) == 8);
static_assert(offsetof(descriptor, len) == 16 && offsetof(descriptor, count1) == 20);
static_assert(offsetof(descriptor, src_stride1) == 24 && offsetof(descriptor, dst_stride1) == 28);
static_assert(offsetof(descriptor, count2) == 32 && offsetof(descriptor, src_stride2) == 36);
static_assert(offsetof(descriptor, dst_stride2) == 40 && offsetof(descriptor, flags) == 44);
static_assert(offsetof(descriptor, next) == 48 && offsetof(descriptor, reserved) == 56);

namespace detail {
template <typename T>
inline void put_le(unsigned char* out, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
        out[i] = static_cast<unsigned char>(v >> (8 * i));
}
template <typename T>
inline T get_le(const unsigned char* in) {
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v = static_cast<T>(v | (static_cast<T>(in[i]) << (8 * i)));
    return v;
}
}  // namespace detail

// Byte image of `d` in memory order (descriptor_bytes bytes).
inline void encode(const descriptor& d, unsigned char* out) {
    using detail::put_le;
    put_le(out + 0, d.src);
    put_le(out + 8, d.dst);
    put_le(out + 16, d.len);
    put_le(out + 20, d.count1);
    put_le(out + 24, d.src_stride1);
    put_le(out + 28, d.dst_stride1);
    put_le(out + 32, d.count2);
    put_le(out + 36, d.src_stride2);
    put_le(out + 40, d.dst_stride2);
    put_le(out + 44, d.flags);
    put_le(out + 48, d.next);
    put_le(out + 56, d.reserved);
}

inline descriptor decode(const unsigned char* in) {
    using detail::get_le;
    descriptor d;
    d.src = get_le<uint64_t>(in + 0);
    d.dst = get_le<uint64_t>(in + 8);
    d.len = get_le<uint32_t>(in + 16);
    d.count1 = get_le<uint32_t>(in + 20);
    d.src_stride1 = get_le<uint32_t>(in + 24);
    d.dst_stride1 = get_le<uint32_t>(in + 28);
    d.count2 = get_le<uint32_t>(in + 32);
    d.src_stride2 = get_le<uint32_t>(in + 36);
    d.dst_stride2 = get_le<uint32_t>(in + 40);
    d.flags = get_le<uint32_t>(in + 44);
    d.next = get_le<uint64_t>(in + 48);
    d.reserved = get_le<uint64_t>(in + 56);
    return d;
}

}  // namespace nnvp::dma_regs

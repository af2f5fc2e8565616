// Register-map vocabulary shared by models, firmware and tests.
// No SystemC here: firmware includes this through each block's <block>_regs.h.
//
// Naming convention of every <block>_regs.h (the one most blocks used):
//   - registers: UPPER_CASE reg_def constants named as in a data sheet
//     (CTRL, IRQ_STATUS, COUNT_LO);
//   - fields: UPPER_CASE field constants named <REGISTER>_<FIELD>
//     (STATUS_BUSY, CTRL_START); registers sharing one layout share the
//     fields, named after the layout (IRQ_DONE for IRQ_STATUS and IRQ_ENABLE);
//     every packed value is a field (no shift or mask is retyped elsewhere);
//   - everything else lower_case: block constants (window_bytes, id_value,
//     max_channels), helpers (irq_done_bit(ch)), register lists
//     (global_regs, channel_regs) and enums, which are enum classes with
//     lower_case values (error_code::bad_geometry; regs::value() gives the
//     register value);
//   - a register block repeated per channel/domain/...: <group>_base,
//     <group>_stride, <group>_offset(i), <group>_regs (its registers at
//     offsets inside one block) and <group>_reg(r, i) (r of block i).
// The model builds its register bank from the lists, so adding a register to
// a list is the only step; tests walk the same lists.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace nnvp::regs {

enum class access : uint8_t {
    rw,   // read/write (bits outside write_mask keep their value)
    ro,   // read-only: writes are ignored
    w1c,  // read, write 1 to clear
    wo,   // write-only: reads return 0 (doorbells, command registers)
};

// One 32-bit register: name, byte offset in the block's window, access kind,
// reset value, and which bits a write may change.
struct reg_def {
    const char* name;
    uint32_t offset;
    access kind;
    uint32_t reset;
    uint32_t write_mask;

    // The same register moved by `base` bytes (per-channel register copies).
    constexpr reg_def at(uint32_t base) const {
        return reg_def{name, offset + base, kind, reset, write_mask};
    }
};

constexpr reg_def rw(const char* name, uint32_t offset, uint32_t reset = 0,
                     uint32_t write_mask = 0xffffffffu) {
    return reg_def{name, offset, access::rw, reset, write_mask};
}
constexpr reg_def ro(const char* name, uint32_t offset, uint32_t reset = 0) {
    return reg_def{name, offset, access::ro, reset, 0};
}
constexpr reg_def w1c(const char* name, uint32_t offset, uint32_t write_mask = 0xffffffffu) {
    return reg_def{name, offset, access::w1c, 0, write_mask};
}
constexpr reg_def wo(const char* name, uint32_t offset, uint32_t write_mask = 0xffffffffu) {
    return reg_def{name, offset, access::wo, 0, write_mask};
}

// A bit field inside a register.
struct field {
    unsigned shift;
    unsigned width;

    constexpr uint32_t mask() const {
        return (width >= 32 ? 0xffffffffu : ((1u << width) - 1u)) << shift;
    }
    constexpr uint32_t get(uint32_t reg) const { return (reg & mask()) >> shift; }
    constexpr uint32_t set(uint32_t reg, uint32_t value) const {
        return (reg & ~mask()) | ((value << shift) & mask());
    }
    constexpr uint32_t make(uint32_t value) const { return (value << shift) & mask(); }
};

// The register value of an enum (error codes, states).
template <class E>
constexpr uint32_t value(E e) {
    return static_cast<uint32_t>(e);
}

// True when every register is word aligned, inside `window_bytes`, and no two
// registers share an offset. Each block static_asserts this on its map.
template <std::size_t N>
constexpr bool well_formed(const std::array<reg_def, N>& map, uint32_t window_bytes) {
    for (std::size_t i = 0; i < N; ++i) {
        if (map[i].offset % 4 != 0 || map[i].offset + 4 > window_bytes)
            return false;
        for (std::size_t j = i + 1; j < N; ++j)
            if (map[i].offset == map[j].offset)
                return false;
    }
    return true;
}

}  // namespace nnvp::regs

// Internal to the package validator (validator.h): the checks of one
// package, section by section (validator.cpp) and step by step
// (step_checks.cpp), with the helpers both use.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "arch/nncore/command.h"
#include "arch/package/validator.h"

namespace nnvp::package::detail {

inline std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

inline validation fail(package_error e, std::string msg) {
    return {e, std::move(msg)};
}

// [off, off + bytes) inside section s (no overflow).
inline bool inside(const section_entry& s, uint64_t off, uint64_t bytes) {
    return off >= s.offset && off + bytes <= uint64_t{s.offset} + s.size;
}

inline std::string step_label(std::size_t i, const step_record& s) {
    return "step " + std::to_string(i) + " '" + s.name + "'";
}

// Extent of a LOAD/STORE's DRAM block (counts of 0 are 1), saturated.
inline uint64_t move_extent(const nncore_cmd::move_cmd& m) {
    const unsigned __int128 c1 = m.count1 ? m.count1 : 1, c2 = m.count2 ? m.count2 : 1;
    const unsigned __int128 e = (c2 - 1) * m.dram_stride2 + (c1 - 1) * m.dram_stride1 + m.len;
    return e > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(e);
}

class checker {
public:
    checker(const uint8_t* data, std::size_t size, uint64_t load, const memory_window& dram,
            const memory_window& sram, package_view& v)
        : m_data(data), m_size(size), m_load(load), m_dram(dram), m_sram(sram), m_v(v) {}

    validation sections();
    validation memory();
    validation tensors();
    validation steps();

private:
    validation tensor_index(std::size_t i, const step_record& s, const char* what, uint16_t index,
                            bool optional);
    validation core_step(std::size_t i, const step_record& s);
    validation cpu_layer_step(std::size_t i, const step_record& s);
    validation cpu_op_step(std::size_t i, const step_record& s);
    validation blob(std::size_t i, const step_record& s, const char* what, uint32_t off,
                    uint32_t bytes, section_kind k);

    const uint8_t* m_data;
    std::size_t m_size;
    uint64_t m_load;
    memory_window m_dram;
    memory_window m_sram;  // size 0: the arena must be in DRAM
    package_view& m_v;
    memory_window m_arena;
};

}  // namespace nnvp::package::detail

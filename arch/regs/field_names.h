// Named register fields, so a register value can be read as the data sheet
// writes it: "START=1 IRQ_DONE=1" instead of 0x9 (register traces, the
// hang diagnosis). Each <block>_regs.h lists its fields in `field_names`,
// after their definitions; firmware and models share the one list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "arch/regs/reg_def.h"

namespace nnvp::regs {

struct named_field {
    const char* reg;   // the register's name (per-channel copies share it)
    const char* name;  // the field's name without the register prefix
    field f;
};

// The fields of register `reg` that are non-zero in `value`, "NAME=v" each
// (v in decimal up to 9, else hex), space-separated; empty when the register
// has no named fields or they are all zero.
inline std::string decode_fields(const named_field* table, std::size_t n, const char* reg,
                                 uint32_t value) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::strcmp(table[i].reg, reg) != 0)
            continue;
        const uint32_t v = table[i].f.get(value);
        if (v == 0)
            continue;
        char buf[16];
        std::snprintf(buf, sizeof buf, v <= 9 ? "%u" : "0x%x", v);
        out += (out.empty() ? "" : " ") + std::string(table[i].name) + "=" + buf;
    }
    return out;
}

template <std::size_t N>
std::string decode_fields(const named_field (&table)[N], const char* reg, uint32_t value) {
    return decode_fields(table, N, reg, value);
}

}  // namespace nnvp::regs

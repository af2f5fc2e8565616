// The model side of a register map: storage plus access semantics
// (RW/RO/W1C/WO) and optional callbacks. Plain C++ so it can be unit-tested
// without a simulation.
#pragma once

#include "arch/regs/reg_def.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace nnvp {

class register_bank {
public:
    // Returns the value a read sees (state derived from time, FIFOs, ...).
    using read_fn = std::function<uint32_t()>;
    // Called after a write has been applied to storage.
    using write_fn = std::function<void(uint32_t value_now, uint32_t value_before)>;

    void add(const regs::reg_def& def, read_fn on_read = {}, write_fn on_write = {});

    // false when no register sits at `offset` (the caller answers with an
    // address error).
    bool read(uint32_t offset, uint32_t& value) const;
    bool write(uint32_t offset, uint32_t value);

    // Model-internal access, bypassing access kinds and callbacks.
    uint32_t get(const regs::reg_def& def) const;
    void set(const regs::reg_def& def, uint32_t value);

    bool contains(uint32_t offset) const { return m_regs.count(offset) != 0; }
    const char* name_at(uint32_t offset) const;
    void reset();

private:
    struct entry {
        regs::reg_def def;
        uint32_t value;
        read_fn on_read;
        write_fn on_write;
    };
    const entry& lookup(const regs::reg_def& def) const;

    std::map<uint32_t, entry> m_regs;
};

}  // namespace nnvp

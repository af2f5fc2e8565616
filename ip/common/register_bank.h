// The model side of a register map: storage plus access semantics
// (RW/RO/W1C/WO) and optional callbacks. Plain C++ so it can be unit-tested
// without a simulation.
#pragma once

#include "arch/regs/reg_def.h"

#include <array>
#include <cstddef>
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
    // Adds every register of a block's list (<block>_regs.h), moved by `base`
    // bytes for a repeated block (a channel's, a domain's).
    template <std::size_t N>
    void add_all(const std::array<regs::reg_def, N>& list, uint32_t base = 0) {
        for (const regs::reg_def& r : list)
            add(r.at(base));
    }
    // Behaviour of a register already added: the model attaches it by
    // register after building the bank from the lists.
    void on_read(const regs::reg_def& def, read_fn fn);
    void on_write(const regs::reg_def& def, write_fn fn);
    // Narrows the bits a write may change (`mask` within the listed
    // write_mask): bits of channels or sources an instance lacks.
    void restrict_writes(const regs::reg_def& def, uint32_t mask);

    // What a write did beyond storing: the caller warns about writes the
    // declaration says are ignored (a read-only register, reserved bits).
    struct write_result {
        bool decoded = false;        // a register sits at the offset
        bool read_only = false;      // a RO register: the whole write was ignored
        uint32_t reserved_set = 0;   // bits set outside write_mask that read 0 (ignored)
        explicit operator bool() const { return decoded; }
    };

    // false when no register sits at `offset` (the caller answers with an
    // address error).
    bool read(uint32_t offset, uint32_t& value) const;
    write_result write(uint32_t offset, uint32_t value);

    // Model-internal access, bypassing access kinds and callbacks.
    uint32_t get(const regs::reg_def& def) const;
    void set(const regs::reg_def& def, uint32_t value);

    bool contains(uint32_t offset) const { return m_regs.count(offset) != 0; }
    std::size_t size() const { return m_regs.size(); }
    // The register at `offset` as the bank applies it (nullptr when none).
    const regs::reg_def* find(uint32_t offset) const;
    const char* name_at(uint32_t offset) const;
    void reset();

private:
    struct entry {
        regs::reg_def def;
        uint32_t value;
        read_fn on_read;
        write_fn on_write;
    };
    entry& lookup(const regs::reg_def& def);
    const entry& lookup(const regs::reg_def& def) const;

    std::map<uint32_t, entry> m_regs;
};

}  // namespace nnvp

#include "ip/common/register_bank.h"

#include <stdexcept>

namespace nnvp {

void register_bank::add(const regs::reg_def& def, read_fn on_read, write_fn on_write) {
    if (!m_regs.emplace(def.offset, entry{def, def.reset, std::move(on_read), std::move(on_write)})
             .second)
        throw std::logic_error(std::string("register ") + def.name + " overlaps another register");
}

bool register_bank::read(uint32_t offset, uint32_t& value) const {
    auto it = m_regs.find(offset);
    if (it == m_regs.end())
        return false;
    const entry& e = it->second;
    if (e.def.kind == regs::access::wo)
        value = 0;
    else
        value = e.on_read ? e.on_read() : e.value;
    return true;
}

register_bank::write_result register_bank::write(uint32_t offset, uint32_t value) {
    write_result result;
    auto it = m_regs.find(offset);
    if (it == m_regs.end())
        return result;
    result.decoded = true;
    entry& e = it->second;
    const uint32_t before = e.value;
    // Writing back what was read (read-modify-write) is no mistake; setting a
    // reserved bit that reads 0 is.
    result.reserved_set = value & ~e.def.write_mask & ~before;
    switch (e.def.kind) {
    case regs::access::rw:
    case regs::access::wo:
        e.value = (before & ~e.def.write_mask) | (value & e.def.write_mask);
        break;
    case regs::access::w1c:
        e.value = before & ~(value & e.def.write_mask);
        break;
    case regs::access::ro:
        result.read_only = true;  // writes to read-only registers are ignored
        result.reserved_set = 0;
        return result;
    }
    if (e.on_write)
        e.on_write(e.def.kind == regs::access::wo ? (value & e.def.write_mask) : e.value, before);
    return result;
}

const register_bank::entry& register_bank::lookup(const regs::reg_def& def) const {
    auto it = m_regs.find(def.offset);
    if (it == m_regs.end())
        throw std::logic_error(std::string("register ") + def.name + " is not in this bank");
    return it->second;
}

register_bank::entry& register_bank::lookup(const regs::reg_def& def) {
    return const_cast<entry&>(static_cast<const register_bank&>(*this).lookup(def));
}

uint32_t register_bank::get(const regs::reg_def& def) const { return lookup(def).value; }

void register_bank::set(const regs::reg_def& def, uint32_t value) { lookup(def).value = value; }

void register_bank::on_read(const regs::reg_def& def, read_fn fn) {
    lookup(def).on_read = std::move(fn);
}

void register_bank::on_write(const regs::reg_def& def, write_fn fn) {
    lookup(def).on_write = std::move(fn);
}

void register_bank::restrict_writes(const regs::reg_def& def, uint32_t mask) {
    lookup(def).def.write_mask &= mask;
}

const regs::reg_def* register_bank::find(uint32_t offset) const {
    auto it = m_regs.find(offset);
    return it == m_regs.end() ? nullptr : &it->second.def;
}

const char* register_bank::name_at(uint32_t offset) const {
    auto it = m_regs.find(offset);
    return it == m_regs.end() ? "?" : it->second.def.name;
}

void register_bank::reset() {
    for (auto& [offset, e] : m_regs)
        e.value = e.def.reset;
}

}  // namespace nnvp

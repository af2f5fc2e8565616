#include "ip/common/peripheral.h"

#include <cstring>
#include <sstream>

namespace nnvp {

using namespace sc_core;

peripheral::peripheral(sc_module_name name, clock_domain& clk, uint32_t window_bytes,
                       unsigned access_cycles)
    : sc_module(name), target("target"), m_clk(clk), m_window(window_bytes),
      m_access_cycles(access_cycles), m_last_state(clk.state()) {
    target.register_b_transport(this, &peripheral::b_transport);
    // Power-up from OFF: the block's flops lost their contents.
    m_clk.on_change([this] {
        const power_state now = m_clk.state();
        if (m_last_state == power_state::off && now != power_state::off)
            reset();
        m_last_state = now;
    });
    target.register_transport_dbg(this, &peripheral::transport_dbg);
}

void peripheral::reset() { m_regs.reset(); }

void peripheral::add_irq(sc_out<bool>& line, irq_output::level_fn level,
                         const irq_output::inputs& follow) {
    const std::string name = std::string(line.basename()) + "_out";
    m_irqs.push_back(
        std::make_unique<irq_output>(name.c_str(), line, std::move(level), follow));
}

void peripheral::update_irq() {
    for (auto& out : m_irqs)
        out->update(access_time() - sc_time_stamp());
}

void peripheral::warn(const std::string& what) const {
    SC_REPORT_WARNING(msg_type().c_str(), what.c_str());
}

void peripheral::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    // The message is built only when needed (millions of accesses succeed).
    const auto where = [&] {
        std::ostringstream w;
        w << (trans.is_read() ? "read" : "write") << " of " << len << " bytes at offset 0x"
          << std::hex << addr;
        return w.str();
    };

    if (trans.get_byte_enable_ptr() != nullptr) {
        warn(where() + ": byte enables are not supported by registers");
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if ((len != 4 && len != 8) || trans.get_streaming_width() < len) {
        warn(where() + ": registers take 32- or 64-bit accesses");
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (addr % 4 != 0 || addr + len > m_window) {
        warn(where() + ": misaligned or outside the register window");
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (!m_clk.wait_until_clocked(delay)) {
        if (m_clk.state() == power_state::off)
            warn(where() + ": block is powered off");
        else
            warn(where() + ": block is clock-gated (" + to_string(m_clk.state()) +
                 ") and nothing woke it within 1 s of simulated time (auto_wake is off)");
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }

    unsigned char* data = trans.get_data_ptr();
    for (unsigned i = 0; i < len; i += 4) {
        const uint32_t off = static_cast<uint32_t>(addr) + i;
        if (!m_regs.contains(off)) {
            warn(where() + ": no register at this offset");
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
    }
    m_access_offset = delay;
    for (unsigned i = 0; i < len; i += 4) {
        const uint32_t off = static_cast<uint32_t>(addr) + i;
        uint32_t word = 0;
        if (m_access_meter)
            m_access_meter->add_dynamic(m_access_j);
        if (trans.is_read()) {
            m_regs.read(off, word);
            std::memcpy(data + i, &word, 4);
            ++m_reads;
        } else {
            std::memcpy(&word, data + i, 4);
            warn_ignored(off, word, m_regs.write(off, word));
            ++m_writes;
        }
        if (m_access_hook)
            m_access_hook({off, m_regs.name_at(off), word, !trans.is_read(), sc_time_stamp() + delay});
    }
    m_access_offset = SC_ZERO_TIME;
    delay += m_clk.cycles(m_access_cycles);
    trans.set_dmi_allowed(false);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// The declaration says these bits or this register ignore writes: the write
// completes (as on hardware) but firmware that relies on it has a bug.
void peripheral::warn_ignored(uint32_t offset, uint32_t value,
                              const register_bank::write_result& r) const {
    if (!r.read_only && r.reserved_set == 0)
        return;
    std::ostringstream w;
    w << "write of 0x" << std::hex << value << " to " << m_regs.name_at(offset) << " (offset 0x"
      << offset << "): ";
    if (r.read_only)
        w << "the register is read-only; the write is ignored";
    else
        w << "reserved bits 0x" << r.reserved_set << " are ignored (writable bits 0x"
          << m_regs.find(offset)->write_mask << ")";
    warn(w.str());
}

// Debug reads never trigger side effects (a claim register must not be
// claimed by a debugger), so they are not offered for registers.
unsigned peripheral::transport_dbg(tlm::tlm_generic_payload&) { return 0; }

}  // namespace nnvp

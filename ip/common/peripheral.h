// Base of every memory-mapped block: a TLM target socket in front of a
// register bank, access latency in the block's own clock, and the power-state
// rules (accesses stall while the clock is gated, fail with
// TLM_GENERIC_ERROR_RESPONSE and a warning while the block is off; the block
// loses its state when powered off: reset() runs when power returns).
#pragma once

#include "ip/common/clock_domain.h"
#include "ip/common/energy_meter.h"
#include "ip/common/irq_output.h"
#include "ip/common/register_bank.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nnvp {

class peripheral : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<peripheral> target;

    peripheral(sc_core::sc_module_name name, clock_domain& clk, uint32_t window_bytes,
               unsigned access_cycles = 1);

    // Restores reset values; blocks extend it to clear their internal state.
    virtual void reset();

    clock_domain& clock() const { return m_clk; }
    uint64_t reads() const { return m_reads; }
    // The name of the register at `offset` in the window ("?" when none).
    const char* register_name(uint32_t offset) const { return m_regs.name_at(offset); }
    uint64_t writes() const { return m_writes; }
    // Charges `joules_per_access` (at nominal voltage) to `meter` for every
    // 32-bit register access.
    void charge_accesses(energy_meter& meter, double joules_per_access) {
        m_access_meter = &meter;
        m_access_j = joules_per_access;
    }
    // Logs every register access as an SC_INFO report (bring-up aid).
    // Every register access, as the guest made it (the platform records them
    // in trace.json when asked: platform.trace_registers).
    struct register_access {
        uint32_t offset;
        const char* reg;  // its name, "?" when no register sits there
        uint32_t value;   // read: the value returned; write: the value written
        bool write;
        sc_core::sc_time at;
    };
    void on_access(std::function<void(const register_access&)> hook) { m_access_hook = std::move(hook); }

protected:
    // Message type for this block's reports, e.g. "nnvp/dma".
    std::string msg_type() const { return std::string("nnvp/") + basename(); }
    void warn(const std::string& what) const;
    // The time of the access being served, including the initiator's
    // temporal-decoupling offset; register callbacks use it instead of
    // sc_time_stamp(). Outside an access it is sc_time_stamp().
    sc_core::sc_time access_time() const { return sc_core::sc_time_stamp() + m_access_offset; }
    // An interrupt output of the block, driven with `level()` (irq_output.h
    // has the timing rule). Call in the constructor.
    void add_irq(sc_core::sc_out<bool>& line, irq_output::level_fn level,
                 const irq_output::inputs& follow = {});
    // The state the interrupt levels read has changed: every output follows
    // at the time of the change, access_time().
    void update_irq();

    register_bank m_regs;
    clock_domain& m_clk;

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    void warn_ignored(uint32_t offset, uint32_t value, const register_bank::write_result& r) const;

    uint32_t m_window;
    unsigned m_access_cycles;
    power_state m_last_state;
    uint64_t m_reads = 0;
    uint64_t m_writes = 0;
    std::function<void(const register_access&)> m_access_hook;
    energy_meter* m_access_meter = nullptr;
    double m_access_j = 0;
    sc_core::sc_time m_access_offset = sc_core::SC_ZERO_TIME;
    std::vector<std::unique_ptr<irq_output>> m_irqs;
};

}  // namespace nnvp

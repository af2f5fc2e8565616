// Timer: a free-running 64-bit counter at its clock domain's frequency and
// compare channels (one-shot or periodic) with one interrupt output. The
// register map and its semantics are described in timer_regs.h.
//
// Nothing ticks: the count is computed from time when read, from a base
// (count, time) that is moved ("rebased") whenever the rate changes (DVFS of
// the domain, gating, CTRL). Each compare match is one scheduled event.
#pragma once

#include "ip/common/config_reader.h"
#include "ip/common/energy_meter.h"
#include "ip/common/peripheral.h"
#include "arch/regs/timer_regs.h"

#include <systemc>

#include <array>
#include <cstdint>

namespace nnvp {

struct timer_config {
    unsigned access_cycles = 1;  // register access latency in the timer's clock
    double access_pj = 0.5;      // assumption: one 32-bit register-file access, 45 nm
    double match_pj = 2.0;       // assumption: 64-bit compare + status update per match
    double leakage_mw = 0.01;    // assumption: 64-bit counter and 4 x 64-bit compares
};
timer_config parse_timer_config(const config_node& node);

class timer : public peripheral {
public:
    sc_core::sc_out<bool> irq;

    timer(sc_core::sc_module_name name, clock_domain& clk, const timer_config& cfg = {});

    void reset() override;

    // Model-side views (tests, trace).
    uint64_t count() const { return count_at(sc_core::sc_time_stamp()); }
    uint64_t compare(unsigned ch) const { return m_ch.at(ch).cmp; }
    uint64_t matches(unsigned ch) const { return m_ch.at(ch).matches; }
    // Counter rate in Hz (what FREQ reads).
    uint64_t rate_hz() const { return m_rate_hz; }
    energy_meter& energy() { return m_energy; }

private:
    struct channel_state {
        uint64_t cmp = 0;
        uint32_t staged_lo = 0;
        bool armed = false;
        uint64_t matches = 0;
    };

    void add_registers();
    void add_channel_behaviour(unsigned ch);
    bool ticking() const;
    uint64_t count_at(const sc_core::sc_time& t) const;
    void rebase(const sc_core::sc_time& t);
    void on_clock_change();
    void on_ctrl_write(uint32_t now);
    bool channel_enabled(unsigned ch) const;
    bool periodic(unsigned ch) const;
    uint64_t period(unsigned ch) const;
    void evaluate(const sc_core::sc_time& t);
    void fire(unsigned ch, uint64_t count);
    void reschedule();
    void on_wake();

    timer_config m_cfg;
    std::array<channel_state, timer_regs::channels> m_ch{};
    // The counter is m_base_count at m_base_time and advances at m_rate_hz
    // while m_ticking.
    uint64_t m_base_count = 0;
    sc_core::sc_time m_base_time = sc_core::SC_ZERO_TIME;
    uint64_t m_rate_hz = 0;
    bool m_ticking = false;
    uint32_t m_latched_hi = 0;
    sc_core::sc_event m_wake;
    energy_meter m_energy;
};

}  // namespace nnvp
